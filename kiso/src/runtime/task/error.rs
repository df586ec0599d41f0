//! `JoinError`: why a task did not return its output.

use crate::runtime::task::Id;
use std::any::Any;
use std::fmt;
use std::io;

/// The error a [`JoinHandle`](crate::task::JoinHandle) returns when its task
/// did not run to completion: it was cancelled, or it panicked.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = kiso::spawn(async { panic!("boom") });
/// let err = handle.await.unwrap_err();
/// assert!(err.is_panic());
/// assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");
/// # });
/// ```
pub struct JoinError {
    repr: Repr,
    id: Id,
}

enum Repr {
    Cancelled,
    Panic(Payload),
}

/// The panic payload. It is made `Sync` by construction: through a shared
/// reference the only thing ever done with it is `panic_message`, which asks
/// for its type id and reads it only as a `&'static str` or `String`, both
/// `Sync`; everything else needs ownership.
struct Payload(Box<dyn Any + Send + 'static>);

// SAFETY: see `Payload`: shared access only reads `Sync` types.
unsafe impl Sync for Payload {}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError { repr: Repr::Cancelled, id }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError { repr: Repr::Panic(Payload(payload)), id }
    }

    /// Returns true if the task was cancelled (aborted, or dropped by runtime
    /// shutdown).
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Returns true if the task panicked.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let err = kiso::spawn(async { panic!("boom") }).await.unwrap_err();
    /// assert!(err.is_panic());
    /// # });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// Consumes the error and returns the payload the task panicked with.
    ///
    /// Pass it to [`std::panic::resume_unwind`] to carry the panic on in the
    /// current thread.
    ///
    /// # Panics
    ///
    /// Panics if the error is not a panic (the task was cancelled).
    ///
    /// # Examples
    ///
    /// ```should_panic
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let err = kiso::spawn(async { panic!("boom") }).await.unwrap_err();
    /// if err.is_panic() {
    ///     // Carry the task's panic on in this thread.
    ///     std::panic::resume_unwind(err.into_panic());
    /// }
    /// # });
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self.try_into_panic() {
            Ok(payload) => payload,
            Err(err) => panic!("`JoinError::into_panic` called on an error that is not a panic: {err}"),
        }
    }

    /// Consumes the error and returns the panic payload, or gives the error
    /// back if the task was cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let err = kiso::spawn(async { panic!("boom") }).await.unwrap_err();
    /// match err.try_into_panic() {
    ///     Ok(payload) => assert_eq!(*payload.downcast::<&str>().unwrap(), "boom"),
    ///     Err(err) => assert!(err.is_cancelled()),
    /// }
    /// # });
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(p.0),
            Repr::Cancelled => Err(self),
        }
    }

    /// Returns the [id](crate::task::Id) of the task this error belongs to.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(async { panic!("boom") });
    /// let id = handle.id();
    /// assert_eq!(handle.await.unwrap_err().id(), id);
    /// # });
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }
}

/// The panic message, when the payload is the `&str` or `String` that
/// `panic!` produces.
fn panic_message(payload: &Payload) -> Option<&str> {
    let any = &*payload.0;
    any.downcast_ref::<&'static str>()
        .copied()
        .or_else(|| any.downcast_ref::<String>().map(String::as_str))
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "task {} was cancelled", self.id),
            Repr::Panic(p) => match panic_message(p) {
                Some(msg) => write!(f, "task {} panicked with message {:?}", self.id, msg),
                None => write!(f, "task {} panicked", self.id),
            },
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(f, "JoinError::Cancelled({:?})", self.id),
            Repr::Panic(p) => match panic_message(p) {
                Some(msg) => write!(f, "JoinError::Panic({:?}, {:?}, ...)", self.id, msg),
                None => write!(f, "JoinError::Panic({:?}, ...)", self.id),
            },
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(err: JoinError) -> io::Error {
        let msg = if err.is_cancelled() { "task was cancelled" } else { "task panicked" };
        io::Error::other(msg)
    }
}
