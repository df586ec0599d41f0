//! `AsyncRead`.

use crate::io::ReadBuf;
use std::io;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Reads bytes from a source asynchronously.
///
/// The asynchronous counterpart of [`std::io::Read`]: `poll_read` either
/// reads some bytes into `buf` (returning `Ready(Ok(()))` with the bytes
/// added to `buf.filled()`; none added means end of file), fails, or returns
/// `Pending` and arranges for the task to be woken when it can make
/// progress. Most users call the methods of `AsyncReadExt` instead.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncRead, ReadBuf};
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut src: &[u8] = b"hello";
/// let mut storage = [0u8; 8];
/// let mut buf = ReadBuf::new(&mut storage);
/// let mut cx = Context::from_waker(Waker::noop());
/// let res = Pin::new(&mut src).poll_read(&mut cx, &mut buf);
/// assert!(matches!(res, Poll::Ready(Ok(()))));
/// assert_eq!(buf.filled(), b"hello");
/// ```
pub trait AsyncRead {
    /// Attempts to read into `buf`.
    ///
    /// On `Ready(Ok(()))`, the bytes read were appended to `buf.filled()`;
    /// if none were (and `buf` had room), the source is at end of file. On
    /// `Pending`, the current task is woken when a read may succeed.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>>;
}

macro_rules! deref_async_read {
    () => {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut **self).poll_read(cx, buf)
        }
    };
}

impl<T: ?Sized + AsyncRead + Unpin> AsyncRead for Box<T> {
    deref_async_read!();
}

impl<T: ?Sized + AsyncRead + Unpin> AsyncRead for &mut T {
    deref_async_read!();
}

impl<P> AsyncRead for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        crate::util::pin_as_deref_mut(self).poll_read(cx, buf)
    }
}

impl AsyncRead for &[u8] {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let amt = std::cmp::min(self.len(), buf.remaining());
        let (a, b) = self.split_at(amt);
        buf.put_slice(a);
        *self = b;
        Poll::Ready(Ok(()))
    }
}

impl<T: AsRef<[u8]> + Unpin> AsyncRead for io::Cursor<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let pos = self.position();
        let slice: &[u8] = (*self).get_ref().as_ref();
        // A position past the end reads nothing.
        if pos > slice.len() as u64 {
            return Poll::Ready(Ok(()));
        }
        let start = pos as usize;
        let amt = std::cmp::min(slice.len() - start, buf.remaining());
        buf.put_slice(&slice[start..start + amt]);
        self.set_position(pos + amt as u64);
        Poll::Ready(Ok(()))
    }
}
