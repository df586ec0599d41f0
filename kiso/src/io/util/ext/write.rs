//! The futures of `AsyncWriteExt`'s byte-slice, buffer, flush and shutdown
//! methods.

use crate::io::AsyncWrite;
use bytes::Buf;
use std::future::Future;
use std::io::{self, IoSlice};
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// At most this many buffers go into one vectored write of a `Buf`.
const MAX_SLICES: usize = 64;

/// One write of `buf`'s leading bytes: vectored (several chunks at once)
/// if the writer does that efficiently, else its first chunk.
fn poll_write_buf<W, B>(writer: &mut W, cx: &mut Context<'_>, buf: &B) -> Poll<io::Result<usize>>
where
    W: AsyncWrite + Unpin + ?Sized,
    B: Buf + ?Sized,
{
    if writer.is_write_vectored() {
        let mut slices = [IoSlice::new(&[]); MAX_SLICES];
        let n = buf.chunks_vectored(&mut slices);
        Pin::new(writer).poll_write_vectored(cx, &slices[..n])
    } else {
        Pin::new(writer).poll_write(cx, buf.chunk())
    }
}

/// The error for a writer that accepts no more bytes.
fn write_zero() -> io::Error {
    io::ErrorKind::WriteZero.into()
}

/// The future of [`AsyncWriteExt::write`](crate::io::AsyncWriteExt::write).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Write<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
    _pin: PhantomPinned,
}

impl<'a, W: AsyncWrite + Unpin + ?Sized> Write<'a, W> {
    pub(super) fn new(writer: &'a mut W, buf: &'a [u8]) -> Self {
        Write {
            writer,
            buf,
            _pin: PhantomPinned,
        }
    }
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Write<'_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: no field is structurally pinned (the marker only makes
        // the type `!Unpin`), and nothing is moved out of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        Pin::new(&mut *me.writer).poll_write(cx, me.buf)
    }
}

/// The future of [`AsyncWriteExt::write_vectored`](crate::io::AsyncWriteExt::write_vectored).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteVectored<'a, 'b, W: ?Sized> {
    writer: &'a mut W,
    bufs: &'a [IoSlice<'b>],
    _pin: PhantomPinned,
}

impl<'a, 'b, W: AsyncWrite + Unpin + ?Sized> WriteVectored<'a, 'b, W> {
    pub(super) fn new(writer: &'a mut W, bufs: &'a [IoSlice<'b>]) -> Self {
        WriteVectored {
            writer,
            bufs,
            _pin: PhantomPinned,
        }
    }
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteVectored<'_, '_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        Pin::new(&mut *me.writer).poll_write_vectored(cx, me.bufs)
    }
}

/// The future of [`AsyncWriteExt::write_buf`](crate::io::AsyncWriteExt::write_buf).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteBuf<'a, W, B> {
    writer: &'a mut W,
    buf: &'a mut B,
    _pin: PhantomPinned,
}

impl<'a, W: AsyncWrite + Unpin, B: Buf> WriteBuf<'a, W, B> {
    pub(super) fn new(writer: &'a mut W, buf: &'a mut B) -> Self {
        WriteBuf {
            writer,
            buf,
            _pin: PhantomPinned,
        }
    }
}

impl<W: AsyncWrite + Unpin, B: Buf> Future for WriteBuf<'_, W, B> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        if !me.buf.has_remaining() {
            return Poll::Ready(Ok(0));
        }
        let n = ready!(poll_write_buf(&mut *me.writer, cx, &*me.buf))?;
        me.buf.advance(n);
        Poll::Ready(Ok(n))
    }
}

/// The future of [`AsyncWriteExt::write_all_buf`](crate::io::AsyncWriteExt::write_all_buf).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAllBuf<'a, W, B> {
    writer: &'a mut W,
    buf: &'a mut B,
    _pin: PhantomPinned,
}

impl<'a, W: AsyncWrite + Unpin, B: Buf> WriteAllBuf<'a, W, B> {
    pub(super) fn new(writer: &'a mut W, buf: &'a mut B) -> Self {
        WriteAllBuf {
            writer,
            buf,
            _pin: PhantomPinned,
        }
    }
}

impl<W: AsyncWrite + Unpin, B: Buf> Future for WriteAllBuf<'_, W, B> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        while me.buf.has_remaining() {
            match ready!(poll_write_buf(&mut *me.writer, cx, &*me.buf)) {
                Ok(0) => return Poll::Ready(Err(write_zero())),
                // The buffer is advanced as soon as bytes are written, so a
                // cancelled call leaves it at the first unwritten byte.
                Ok(n) => me.buf.advance(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// The future of [`AsyncWriteExt::write_all`](crate::io::AsyncWriteExt::write_all).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAll<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
    _pin: PhantomPinned,
}

impl<'a, W: AsyncWrite + Unpin + ?Sized> WriteAll<'a, W> {
    pub(super) fn new(writer: &'a mut W, buf: &'a [u8]) -> Self {
        WriteAll {
            writer,
            buf,
            _pin: PhantomPinned,
        }
    }
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteAll<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        while !me.buf.is_empty() {
            match ready!(Pin::new(&mut *me.writer).poll_write(cx, me.buf)) {
                Ok(0) => return Poll::Ready(Err(write_zero())),
                // A writer claiming more than it was given cannot make this
                // panic: it only ends the write early.
                Ok(n) => me.buf = me.buf.get(n..).unwrap_or_default(),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// The future of [`AsyncWriteExt::flush`](crate::io::AsyncWriteExt::flush).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Flush<'a, A: ?Sized> {
    a: &'a mut A,
    _pin: PhantomPinned,
}

impl<'a, A: AsyncWrite + Unpin + ?Sized> Flush<'a, A> {
    pub(super) fn new(a: &'a mut A) -> Self {
        Flush {
            a,
            _pin: PhantomPinned,
        }
    }
}

impl<A: AsyncWrite + Unpin + ?Sized> Future for Flush<'_, A> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        Pin::new(&mut *me.a).poll_flush(cx)
    }
}

/// The future of [`AsyncWriteExt::shutdown`](crate::io::AsyncWriteExt::shutdown).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Shutdown<'a, A: ?Sized> {
    a: &'a mut A,
    _pin: PhantomPinned,
}

impl<'a, A: AsyncWrite + Unpin + ?Sized> Shutdown<'a, A> {
    pub(super) fn new(a: &'a mut A) -> Self {
        Shutdown {
            a,
            _pin: PhantomPinned,
        }
    }
}

impl<A: AsyncWrite + Unpin + ?Sized> Future for Shutdown<'_, A> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        Pin::new(&mut *me.a).poll_shutdown(cx)
    }
}
