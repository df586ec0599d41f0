//! The futures of `AsyncReadExt::{read, read_buf, read_exact}`.

use crate::io::AsyncRead;
use bytes::BufMut;
use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The future of [`AsyncReadExt::read`](crate::io::AsyncReadExt::read).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Read<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut [u8],
    _pin: PhantomPinned,
}

impl<'a, R: AsyncRead + Unpin + ?Sized> Read<'a, R> {
    pub(super) fn new(reader: &'a mut R, buf: &'a mut [u8]) -> Self {
        Read {
            reader,
            buf,
            _pin: PhantomPinned,
        }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for Read<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: no field is structurally pinned (the marker only makes
        // the type `!Unpin`), and nothing is moved out of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        let mut buf = crate::io::ReadBuf::new(me.buf);
        ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut buf))?;
        Poll::Ready(Ok(buf.filled().len()))
    }
}

/// The future of [`AsyncReadExt::read_buf`](crate::io::AsyncReadExt::read_buf).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadBuf<'a, R: ?Sized, B: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut B,
    _pin: PhantomPinned,
}

impl<'a, R, B> ReadBuf<'a, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    pub(super) fn new(reader: &'a mut R, buf: &'a mut B) -> Self {
        ReadBuf {
            reader,
            buf,
            _pin: PhantomPinned,
        }
    }
}

impl<R, B> Future for ReadBuf<'_, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        if !me.buf.has_remaining_mut() {
            return Poll::Ready(Ok(0));
        }
        let n = {
            let chunk = me.buf.chunk_mut();
            // SAFETY: the `ReadBuf` below only ever writes initialized bytes
            // into this memory and never de-initializes any, which is all
            // `UninitSlice` asks of its users.
            let dst = unsafe { chunk.as_uninit_slice_mut() };
            let mut buf = crate::io::ReadBuf::uninit(dst);
            let start = buf.filled().as_ptr();
            ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut buf))?;
            // A reader may swap the `ReadBuf` it was given for another one;
            // then the bytes it reports are not in `chunk`.
            assert_eq!(
                start,
                buf.filled().as_ptr(),
                "the reader replaced the ReadBuf it was given"
            );
            buf.filled().len()
        };
        // SAFETY: the reader filled the first `n` bytes of `chunk_mut()`
        // (the same memory, checked above), so they are initialized.
        unsafe { me.buf.advance_mut(n) };
        Poll::Ready(Ok(n))
    }
}

/// The future of [`AsyncReadExt::read_exact`](crate::io::AsyncReadExt::read_exact).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadExact<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: crate::io::ReadBuf<'a>,
    _pin: PhantomPinned,
}

impl<'a, R: AsyncRead + Unpin + ?Sized> ReadExact<'a, R> {
    pub(super) fn new(reader: &'a mut R, buf: &'a mut [u8]) -> Self {
        ReadExact {
            reader,
            buf: crate::io::ReadBuf::new(buf),
            _pin: PhantomPinned,
        }
    }
}

/// The error for running out of input before the end of a fixed-size read.
pub(super) fn early_eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "early eof")
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadExact<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        loop {
            let before = me.buf.remaining();
            if before == 0 {
                return Poll::Ready(Ok(me.buf.capacity()));
            }
            match ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut me.buf)) {
                Ok(()) if me.buf.remaining() == before => return Poll::Ready(Err(early_eof())),
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}
