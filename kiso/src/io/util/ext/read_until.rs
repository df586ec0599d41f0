//! The futures of `AsyncBufReadExt::{read_until, read_line, fill_buf}`,
//! and the delimiter search that `Lines` and `Split` share.

use super::memchr::memchr;
use super::read_to_end::restore;
use crate::io::AsyncBufRead;
use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Moves bytes from `reader` to `buf` up to and including `delim`, or to
/// end of file.
///
/// `read` counts the bytes moved so far by this operation; it survives a
/// `Pending` (and an error), and is returned and reset on success.
/// `Interrupted` errors are retried. Whatever was moved before an error or
/// a `Pending` stays in `buf`.
pub(super) fn poll_read_until<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delim: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let (found, used) = {
            let available = match ready!(reader.as_mut().poll_fill_buf(cx)) {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            };
            match memchr(delim, available) {
                Some(i) => {
                    buf.extend_from_slice(&available[..=i]);
                    (true, i + 1)
                }
                None => {
                    buf.extend_from_slice(available);
                    (false, available.len())
                }
            }
        };
        reader.as_mut().consume(used);
        *read += used;
        // `used == 0`: end of file.
        if found || used == 0 {
            return Poll::Ready(Ok(mem::take(read)));
        }
    }
}

/// The future of [`AsyncBufReadExt::read_until`](crate::io::AsyncBufReadExt::read_until).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadUntil<'a, R: ?Sized> {
    reader: &'a mut R,
    delimiter: u8,
    buf: &'a mut Vec<u8>,
    read: usize,
    _pin: PhantomPinned,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> ReadUntil<'a, R> {
    pub(super) fn new(reader: &'a mut R, delimiter: u8, buf: &'a mut Vec<u8>) -> Self {
        ReadUntil {
            reader,
            delimiter,
            buf,
            read: 0,
            _pin: PhantomPinned,
        }
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        poll_read_until(
            Pin::new(&mut *me.reader),
            cx,
            me.delimiter,
            me.buf,
            &mut me.read,
        )
    }
}

/// The future of [`AsyncBufReadExt::read_line`](crate::io::AsyncBufReadExt::read_line).
///
/// It takes the string's bytes when it is created and appends to them; the
/// string gets its contents back when the future completes.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadLine<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    buf: Vec<u8>,
    /// The length of the string's original contents.
    orig_len: usize,
    read: usize,
    _pin: PhantomPinned,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> ReadLine<'a, R> {
    pub(super) fn new(reader: &'a mut R, output: &'a mut String) -> Self {
        let buf = mem::take(output).into_bytes();
        ReadLine {
            reader,
            output,
            orig_len: buf.len(),
            buf,
            read: 0,
            _pin: PhantomPinned,
        }
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        let res = ready!(poll_read_until(
            Pin::new(&mut *me.reader),
            cx,
            b'\n',
            &mut me.buf,
            &mut me.read,
        ));
        let bytes = mem::take(&mut me.buf);
        let orig_len = mem::take(&mut me.orig_len);
        Poll::Ready(match (res, String::from_utf8(bytes)) {
            (Ok(n), Ok(s)) => {
                *me.output = s;
                Ok(n)
            }
            // Not UTF-8: the string is left as it was.
            (Ok(_), Err(e)) => {
                let utf8 = e.utf8_error();
                *me.output = restore(e.into_bytes(), orig_len);
                Err(io::Error::new(io::ErrorKind::InvalidData, utf8))
            }
            // An I/O error after valid bytes: they stay in the string.
            (Err(err), Ok(s)) => {
                *me.output = s;
                Err(err)
            }
            // An I/O error after invalid bytes: the string is left as it
            // was.
            (Err(err), Err(e)) => {
                *me.output = restore(e.into_bytes(), orig_len);
                Err(err)
            }
        })
    }
}

/// The future of [`AsyncBufReadExt::fill_buf`](crate::io::AsyncBufReadExt::fill_buf).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FillBuf<'a, R: ?Sized> {
    /// Taken when the future completes, since the returned slice borrows
    /// the reader for `'a`.
    reader: Option<&'a mut R>,
    _pin: PhantomPinned,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> FillBuf<'a, R> {
    pub(super) fn new(reader: &'a mut R) -> Self {
        FillBuf {
            reader: Some(reader),
            _pin: PhantomPinned,
        }
    }
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        let reader: *mut R = me
            .reader
            .take()
            .expect("`FillBuf` polled after completion");
        // SAFETY: `reader` comes from the `&'a mut R` just taken, so it is
        // valid and unaliased for `'a`. Only one reference made from it is
        // live at a time: on `Ready` the one below is given up to the slice
        // returned, and on `Pending` (which borrows nothing) it is no
        // longer used when the second one is made to be put back. The
        // borrow checker cannot see this split by outcome, hence the raw
        // pointer.
        match Pin::new(unsafe { &mut *reader }).poll_fill_buf(cx) {
            Poll::Ready(res) => Poll::Ready(res),
            Poll::Pending => {
                // SAFETY: see above; the previous reference is dead.
                me.reader = Some(unsafe { &mut *reader });
                Poll::Pending
            }
        }
    }
}
