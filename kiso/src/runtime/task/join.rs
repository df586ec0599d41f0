//! `JoinHandle`: an owned permission to await a task's output.

use crate::runtime::task::{AbortHandle, Id, JoinError, RawTask};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// An owned permission to join a task: await it to get the task's output.
///
/// This is what [`spawn`](crate::task::spawn) and
/// [`spawn_blocking`](crate::task::spawn_blocking) return. Awaiting it gives
/// `Ok(output)` once the task finishes, or a [`JoinError`] if the task
/// panicked or was cancelled.
///
/// Dropping a `JoinHandle` *detaches* the task: it keeps running, and its
/// output is dropped when it finishes. Use [`abort`](JoinHandle::abort) to
/// stop it instead.
///
/// Polling a `JoinHandle` spends one unit of the task's cooperative budget.
///
/// # Cancel safety
///
/// Awaiting a `JoinHandle` is cancel safe: if the `await` is dropped before
/// the task finishes, the output is kept for the next poll of the handle.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = kiso::spawn(async { 6 * 7 });
/// assert_eq!(handle.await.unwrap(), 42);
/// # });
/// ```
pub struct JoinHandle<T> {
    raw: RawTask,
    _p: PhantomData<T>,
}

// SAFETY: the handle only ever moves a `T` out of the task (never shares
// one), so it may cross threads when `T: Send`.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` only allows `abort`, `is_finished`, `id` and
// `abort_handle`, which touch no `T`.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> UnwindSafe for JoinHandle<T> {}
impl<T> RefUnwindSafe for JoinHandle<T> {}
impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// # Safety
    ///
    /// `raw` must carry the join handle's reference of a task whose output
    /// type is `T`.
    pub(crate) unsafe fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle { raw, _p: PhantomData }
    }

    /// Aborts the task.
    ///
    /// The task is cancelled at its next scheduling point: if it is waiting,
    /// the runtime drops its future soon on its own thread; if it is being
    /// polled right now, it is dropped when that poll returns `Pending`. A
    /// task that finishes before that is not cancelled. Awaiting the handle
    /// afterwards gives a [`JoinError`] for which
    /// [`is_cancelled`](JoinError::is_cancelled) is true, unless the task had
    /// already finished.
    ///
    /// Tasks from [`spawn_blocking`](crate::task::spawn_blocking) cannot be
    /// aborted once they have started to run.
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
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Returns true once the task has finished: returned, panicked or been
    /// cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(async {});
    /// assert!(!handle.is_finished());
    /// kiso::task::yield_now().await;
    /// assert!(handle.is_finished());
    /// # });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// Returns an [`AbortHandle`] for the task, which can abort it without
    /// being able to await it.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(std::future::pending::<()>());
    /// let abort = handle.abort_handle();
    /// abort.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.header().state.ref_inc();
        // SAFETY: we just took a reference for the new handle.
        unsafe { AbortHandle::new(self.raw) }
    }

    /// Returns the [id](crate::task::Id) of the task.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(async { kiso::task::id() });
    /// let id = handle.id();
    /// assert_eq!(handle.await.unwrap(), id);
    /// # });
    /// ```
    pub fn id(&self) -> Id {
        self.raw.header().id
    }

    /// Returns the name given to the task with
    /// [`task::Builder::name`](crate::task::Builder::name), if any.
    ///
    /// This is a kiso extension: Tokio has no stable way to read a task's
    /// name.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::task::Builder::new().name("worker").spawn(async {}).unwrap();
    /// assert_eq!(handle.name(), Some("worker"));
    /// assert_eq!(kiso::spawn(async {}).name(), None);
    /// # });
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.raw.header().meta.name()
    }

    /// Returns the source location of the call that spawned the task
    /// (`spawn`, `Handle::spawn`, `JoinSet::spawn`, `spawn_blocking`,
    /// `task::Builder::spawn`, ...).
    ///
    /// Returns `None` only for tasks the runtime spawns for itself. This is
    /// a kiso extension.
    ///
    /// # Examples
    ///
    /// ```
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let handle = kiso::spawn(async {});
    /// let location = handle.spawn_location().unwrap();
    /// assert_eq!(location.file(), file!());
    /// # });
    /// ```
    pub fn spawn_location(&self) -> Option<&'static std::panic::Location<'static>> {
        self.raw.header().meta.location()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = std::task::ready!(crate::task::coop::poll_proceed(cx));
        let mut ret: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `ret` has the type the vtable writes for this task, and the
        // handle owns the handle side of the join waker protocol.
        unsafe { self.raw.try_read_output((&mut ret as *mut Poll<Result<T, JoinError>>).cast(), cx.waker()) };
        if ret.is_ready() {
            coop.made_progress();
        }
        ret
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if self.raw.header().state.drop_join_handle_fast().is_ok() {
            return;
        }
        // SAFETY: we own the join handle reference, released here.
        unsafe { self.raw.drop_join_handle_slow() };
    }
}

impl<T> fmt::Debug for JoinHandle<T>
where
    T: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").field("id", &self.id()).finish()
    }
}
