//! Time error types.

use std::error;
use std::fmt;
use std::io;

/// An error from the time driver: it is shut down, at capacity, or was
/// given an invalid duration.
///
/// # Examples
///
/// ```
/// use kiso::time::error::Error;
///
/// let err = Error::shutdown();
/// assert!(err.is_shutdown());
/// assert!(!err.is_at_capacity());
/// ```
#[derive(Debug, Copy, Clone)]
pub struct Error(Kind);

#[derive(Debug, Clone, Copy, Eq, PartialEq)]
#[repr(u8)]
enum Kind {
    Shutdown = 1,
    AtCapacity = 2,
    Invalid = 3,
}

impl Error {
    /// Creates an error meaning the timer's runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::time::error::Error::shutdown().is_shutdown());
    /// ```
    pub fn shutdown() -> Error {
        Error(Kind::Shutdown)
    }

    /// Returns true if the error means the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!kiso::time::error::Error::invalid().is_shutdown());
    /// ```
    pub fn is_shutdown(&self) -> bool {
        matches!(self.0, Kind::Shutdown)
    }

    /// Creates an error meaning the timer cannot take another entry.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::time::error::Error::at_capacity().is_at_capacity());
    /// ```
    pub fn at_capacity() -> Error {
        Error(Kind::AtCapacity)
    }

    /// Returns true if the error means the timer is at capacity.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!kiso::time::error::Error::shutdown().is_at_capacity());
    /// ```
    pub fn is_at_capacity(&self) -> bool {
        matches!(self.0, Kind::AtCapacity)
    }

    /// Creates an error meaning a duration was too long for the timer.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(kiso::time::error::Error::invalid().is_invalid());
    /// ```
    pub fn invalid() -> Error {
        Error(Kind::Invalid)
    }

    /// Returns true if the error means a duration was invalid.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!kiso::time::error::Error::shutdown().is_invalid());
    /// ```
    pub fn is_invalid(&self) -> bool {
        matches!(self.0, Kind::Invalid)
    }
}

impl error::Error for Error {}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Kind::Shutdown => "the timer is shutdown, must be called from the context of a runtime",
            Kind::AtCapacity => "timer is at capacity and cannot create a new entry",
            Kind::Invalid => "timer duration exceeds maximum duration",
        })
    }
}

/// The error a [`Timeout`](crate::time::Timeout) returns when its deadline
/// passes before the future completes.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
/// # rt.block_on(async {
/// use std::time::Duration;
///
/// let res = kiso::time::timeout(Duration::from_millis(10), std::future::pending::<()>()).await;
/// let elapsed = res.unwrap_err();
/// assert_eq!(elapsed.to_string(), "deadline has elapsed");
/// # });
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Elapsed {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl error::Error for Elapsed {}

impl From<Elapsed> for io::Error {
    fn from(err: Elapsed) -> io::Error {
        io::ErrorKind::TimedOut.into_err(err)
    }
}

trait IntoErr {
    fn into_err(self, err: Elapsed) -> io::Error;
}

impl IntoErr for io::ErrorKind {
    fn into_err(self, err: Elapsed) -> io::Error {
        io::Error::new(self, err)
    }
}
