//! `AsyncSeek`.

use std::io::{self, SeekFrom};
use std::ops::DerefMut;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Seeks within a stream of bytes asynchronously.
///
/// The asynchronous counterpart of [`std::io::Seek`], in two steps:
/// `start_seek` starts a seek, then `poll_complete` reports the new position
/// once it is done. Most users call `AsyncSeekExt::seek` instead.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncSeek;
/// use std::io::{Cursor, SeekFrom};
/// use std::pin::Pin;
/// use std::task::{Context, Poll, Waker};
///
/// let mut c = Cursor::new(vec![0u8; 10]);
/// let mut cx = Context::from_waker(Waker::noop());
/// Pin::new(&mut c).start_seek(SeekFrom::End(-2)).unwrap();
/// let Poll::Ready(Ok(pos)) = Pin::new(&mut c).poll_complete(&mut cx) else { panic!() };
/// assert_eq!(pos, 8);
/// ```
pub trait AsyncSeek {
    /// Starts a seek to `position`. Errors if a previous seek has not
    /// completed yet (or if the seek is invalid).
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()>;

    /// Waits for the seek started by `start_seek` and returns the new
    /// position (the current position if no seek was started).
    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>>;
}

macro_rules! deref_async_seek {
    () => {
        fn start_seek(mut self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
            Pin::new(&mut **self).start_seek(pos)
        }

        fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
            Pin::new(&mut **self).poll_complete(cx)
        }
    };
}

impl<T: ?Sized + AsyncSeek + Unpin> AsyncSeek for Box<T> {
    deref_async_seek!();
}

impl<T: ?Sized + AsyncSeek + Unpin> AsyncSeek for &mut T {
    deref_async_seek!();
}

impl<P> AsyncSeek for Pin<P>
where
    P: DerefMut,
    P::Target: AsyncSeek,
{
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        crate::util::pin_as_deref_mut(self).start_seek(pos)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        crate::util::pin_as_deref_mut(self).poll_complete(cx)
    }
}

impl<T: AsRef<[u8]> + Unpin> AsyncSeek for io::Cursor<T> {
    fn start_seek(mut self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        io::Seek::seek(&mut *self, pos).map(drop)
    }

    fn poll_complete(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Poll::Ready(Ok(self.get_mut().position()))
    }
}
