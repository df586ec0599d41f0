//! `sink`.

use super::spend_budget;
use crate::io::AsyncWrite;

use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A writer that takes and discards everything.
///
/// Created by [`sink()`]; the asynchronous counterpart of
/// [`std::io::Sink`]. Writes report every byte written; flush and shutdown
/// succeed.
///
/// Every operation is always ready but spends a unit of the task's
/// cooperative budget, so a loop writing to a `Sink` still lets other tasks
/// run.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut source: &[u8] = b"forgotten";
/// let n = kiso::io::copy(&mut source, &mut kiso::io::sink()).await.unwrap();
/// assert_eq!(n, 9);
/// # });
/// ```
pub struct Sink {
    _private: (),
}

/// Creates a writer that discards everything written to it.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncWriteExt;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut sink = kiso::io::sink();
/// sink.write_all(b"gone").await.unwrap();
/// sink.flush().await.unwrap();
/// # });
/// ```
pub fn sink() -> Sink {
    Sink { _private: () }
}

impl AsyncWrite for Sink {
    #[inline]
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(buf.len()))
    }

    #[inline]
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }

    #[inline]
    fn is_write_vectored(&self) -> bool {
        true
    }

    #[inline]
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(()))
    }

    #[inline]
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(()))
    }
}

impl fmt::Debug for Sink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Sink { .. }")
    }
}
