//! `AsyncBufRead`.

use crate::io::AsyncRead;
use std::io;
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Reads bytes asynchronously through an internal buffer.
///
/// The asynchronous counterpart of [`std::io::BufRead`]: `poll_fill_buf`
/// returns the buffered bytes (filling the buffer if it is empty; an empty
/// slice means end of file), and `consume` marks some of them as used.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncBufRead;
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut src: &[u8] = b"line\nrest";
/// let mut cx = Context::from_waker(Waker::noop());
/// let Poll::Ready(Ok(buffered)) = Pin::new(&mut src).poll_fill_buf(&mut cx) else { panic!() };
/// assert_eq!(buffered, b"line\nrest");
/// Pin::new(&mut src).consume(5);
/// assert_eq!(src, b"rest");
/// ```
pub trait AsyncBufRead: AsyncRead {
    /// Returns the contents of the internal buffer, filling it from the
    /// inner reader if it is empty. An empty slice means end of file.
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>>;

    /// Marks `amt` bytes of the buffer as consumed, so they are not returned
    /// again. `amt` must not exceed what `poll_fill_buf` last returned.
    fn consume(self: Pin<&mut Self>, amt: usize);
}

macro_rules! deref_async_buf_read {
    () => {
        fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
            Pin::new(&mut **self.get_mut()).poll_fill_buf(cx)
        }

        fn consume(mut self: Pin<&mut Self>, amt: usize) {
            Pin::new(&mut **self).consume(amt)
        }
    };
}

impl<T: ?Sized + AsyncBufRead + Unpin> AsyncBufRead for Box<T> {
    deref_async_buf_read!();
}

impl<T: ?Sized + AsyncBufRead + Unpin> AsyncBufRead for &mut T {
    deref_async_buf_read!();
}

impl<P> AsyncBufRead for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncBufRead,
{
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        crate::util::pin_as_deref_mut(self).poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        crate::util::pin_as_deref_mut(self).consume(amt)
    }
}

impl AsyncBufRead for &[u8] {
    fn poll_fill_buf(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Poll::Ready(Ok(*self.get_mut()))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        *self = &self[amt..];
    }
}

impl<T: AsRef<[u8]> + Unpin> AsyncBufRead for io::Cursor<T> {
    fn poll_fill_buf(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        Poll::Ready(io::BufRead::fill_buf(self.get_mut()))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        io::BufRead::consume(self.get_mut(), amt)
    }
}
