//! Errors returned by the `mpsc` channels.

use std::error::Error;
use std::fmt;

/// The receiver is closed, so the value could not be sent; the value is
/// handed back in field `0`.
///
/// # Examples
///
/// ```
/// # kiso::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let (tx, rx) = kiso::sync::mpsc::channel::<u8>(1);
/// drop(rx);
/// let err = tx.send(7).await.unwrap_err();
/// assert_eq!(err.0, 7);
/// assert_eq!(err.to_string(), "channel closed");
/// # });
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub struct SendError<T>(pub T);

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendError").finish_non_exhaustive()
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel closed")
    }
}

impl<T> Error for SendError<T> {}

/// Why [`try_send`](super::Sender::try_send) (or a `try_reserve*` method)
/// failed; the value comes back in the variant.
///
/// # Examples
///
/// ```
/// use kiso::sync::mpsc::{self, error::TrySendError};
///
/// let (tx, rx) = mpsc::channel(1);
/// tx.try_send(1).unwrap();
/// assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
/// drop(rx);
/// assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub enum TrySendError<T> {
    /// The channel has no free capacity right now.
    Full(T),
    /// The receiver has closed the channel or was dropped.
    Closed(T),
}

impl<T> TrySendError<T> {
    /// Takes the value back out of the error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::mpsc::error::TrySendError;
    ///
    /// assert_eq!(TrySendError::Full(5).into_inner(), 5);
    /// assert_eq!(TrySendError::Closed(6).into_inner(), 6);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            TrySendError::Full(v) | TrySendError::Closed(v) => v,
        }
    }
}

impl<T> fmt::Debug for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrySendError::Full(_) => fmt::Debug::fmt("Full(..)", f),
            TrySendError::Closed(_) => fmt::Debug::fmt("Closed(..)", f),
        }
    }
}

impl<T> fmt::Display for TrySendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrySendError::Full(_) => "no available capacity",
            TrySendError::Closed(_) => "channel closed",
        })
    }
}

impl<T> Error for TrySendError<T> {}

impl<T> From<SendError<T>> for TrySendError<T> {
    fn from(err: SendError<T>) -> TrySendError<T> {
        TrySendError::Closed(err.0)
    }
}

/// Why [`try_recv`](super::Receiver::try_recv) returned no message.
///
/// # Examples
///
/// ```
/// use kiso::sync::mpsc::{self, error::TryRecvError};
///
/// let (tx, mut rx) = mpsc::channel::<u8>(1);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
/// drop(tx);
/// assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
/// ```
#[derive(PartialEq, Eq, Clone, Copy, Debug)]
pub enum TryRecvError {
    /// No message is buffered, but one may still arrive.
    Empty,
    /// No message is buffered and none can arrive any more.
    Disconnected,
}

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryRecvError::Empty => "receiving on an empty channel",
            TryRecvError::Disconnected => "receiving on a closed channel",
        })
    }
}

impl Error for TryRecvError {}

/// Kept for compatibility: receiving returns an `Option`, so nothing
/// produces this error.
#[derive(Debug, Clone)]
#[doc(hidden)]
#[deprecated(note = "This type is unused because recv returns an Option.")]
pub struct RecvError(());

#[allow(deprecated)]
impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel closed")
    }
}

#[allow(deprecated)]
impl Error for RecvError {}

/// Why [`send_timeout`](super::Sender::send_timeout) failed; the value comes
/// back in the variant.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use kiso::sync::mpsc::{self, error::SendTimeoutError};
///
/// # kiso::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// let (tx, _rx) = mpsc::channel(1);
/// tx.send(1).await.unwrap();
/// let err = tx.send_timeout(2, Duration::from_millis(1)).await.unwrap_err();
/// assert_eq!(err, SendTimeoutError::Timeout(2));
/// assert_eq!(err.to_string(), "timed out waiting on send operation");
/// # });
/// ```
#[cfg(all(feature = "time", feature = "rt"))]
#[cfg_attr(docsrs, doc(cfg(feature = "time")))]
#[derive(PartialEq, Eq, Clone, Copy)]
pub enum SendTimeoutError<T> {
    /// No capacity became free before the timeout elapsed.
    Timeout(T),
    /// The receiver has closed the channel or was dropped.
    Closed(T),
}

#[cfg(all(feature = "time", feature = "rt"))]
impl<T> SendTimeoutError<T> {
    /// Takes the value back out of the error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::sync::mpsc::error::SendTimeoutError;
    ///
    /// assert_eq!(SendTimeoutError::Timeout(1).into_inner(), 1);
    /// assert_eq!(SendTimeoutError::Closed(2).into_inner(), 2);
    /// ```
    pub fn into_inner(self) -> T {
        match self {
            SendTimeoutError::Timeout(v) | SendTimeoutError::Closed(v) => v,
        }
    }
}

#[cfg(all(feature = "time", feature = "rt"))]
impl<T> fmt::Debug for SendTimeoutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendTimeoutError::Timeout(_) => fmt::Debug::fmt("Timeout(..)", f),
            SendTimeoutError::Closed(_) => fmt::Debug::fmt("Closed(..)", f),
        }
    }
}

#[cfg(all(feature = "time", feature = "rt"))]
impl<T> fmt::Display for SendTimeoutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SendTimeoutError::Timeout(_) => "timed out waiting on send operation",
            SendTimeoutError::Closed(_) => "channel closed",
        })
    }
}

#[cfg(all(feature = "time", feature = "rt"))]
impl<T> Error for SendTimeoutError<T> {}
