//! `empty`.

use super::spend_budget;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A reader that is always at end of file, and a writer that takes and
/// discards everything.
///
/// Created by [`empty()`]; the asynchronous counterpart of
/// [`std::io::Empty`]. Reads fill nothing, `poll_fill_buf` returns an empty
/// slice, writes report every byte written, flush and shutdown succeed, and
/// seeks succeed and report position 0.
///
/// Every operation except `start_seek` is always ready but spends a unit of
/// the task's cooperative budget, so a loop over an `Empty` still lets other
/// tasks run.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut out = Vec::new();
/// let n = kiso::io::copy(&mut kiso::io::empty(), &mut out).await.unwrap();
/// assert_eq!(n, 0);
/// assert!(out.is_empty());
/// # });
/// ```
pub struct Empty {
    _private: (),
}

/// Creates a new [`Empty`]: a reader always at end of file, which also
/// discards whatever is written to it.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut empty = kiso::io::empty();
/// let mut buf = String::new();
/// assert_eq!(empty.read_to_string(&mut buf).await.unwrap(), 0);
/// assert_eq!(empty.write(b"dropped").await.unwrap(), 7);
/// # });
/// ```
pub fn empty() -> Empty {
    Empty { _private: () }
}

impl AsyncRead for Empty {
    #[inline]
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for Empty {
    #[inline]
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(&[]))
    }

    #[inline]
    fn consume(self: Pin<&mut Self>, _amt: usize) {}
}

impl AsyncWrite for Empty {
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
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(()))
    }

    #[inline]
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(()))
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
}

impl AsyncSeek for Empty {
    #[inline]
    fn start_seek(self: Pin<&mut Self>, _position: SeekFrom) -> io::Result<()> {
        Ok(())
    }

    #[inline]
    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        ready!(spend_budget(cx));
        Poll::Ready(Ok(0))
    }
}

impl fmt::Debug for Empty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("Empty { .. }")
    }
}
