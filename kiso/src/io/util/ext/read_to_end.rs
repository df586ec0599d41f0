//! The futures of `AsyncReadExt::{read_to_end, read_to_string}`, and the
//! buffer growth they share.

use crate::io::{AsyncRead, ReadBuf};
use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Below this much spare room, the vector is grown (or probed, see
/// [`Growth::poll_read_some`]) before the next read.
const MIN_READ: usize = 32;

/// How `read_to_end` grows the vector it reads into.
///
/// Reads go straight into the vector's spare capacity, which is handed to
/// the reader as uninitialized memory. Whatever a reader initializes there
/// (some readers zero the whole unfilled part first) is remembered in
/// `init`, so it is never initialized twice; only memory that a
/// reallocation brought in is new.
///
/// Growth is left to `Vec::reserve`, which at least doubles the capacity,
/// so the number of reads and reallocations is logarithmic in the size of
/// the input. One exception: while the vector still has the capacity the
/// caller gave it and is nearly full, a small probe read into a stack
/// buffer checks whether there is more to read at all. A caller that sized
/// the vector exactly for the input then never sees it reallocated.
#[derive(Debug)]
pub(super) struct Growth {
    /// Bytes `..init` of the vector's allocation are initialized
    /// (`init >= len`).
    init: usize,
    /// The capacity the vector came with.
    start_cap: usize,
}

impl Growth {
    /// For a vector of this length and capacity.
    pub(super) fn new(len: usize, capacity: usize) -> Growth {
        Growth {
            init: len,
            start_cap: capacity,
        }
    }

    /// Reserves room for `additional` more bytes, forgetting what was
    /// initialized if the vector moves.
    fn reserve(&mut self, vec: &mut Vec<u8>, additional: usize) {
        let before = vec.capacity();
        vec.reserve(additional);
        if vec.capacity() != before {
            self.init = vec.len();
        }
    }

    /// Reads until end of file, appending to `vec`. `total` counts the
    /// bytes appended so far by this operation (kept across `Pending`); it
    /// is returned and reset at end of file. `Interrupted` errors are
    /// retried; other errors are returned with everything read so far left
    /// in `vec`.
    pub(super) fn poll_read_to_end<R: AsyncRead + ?Sized>(
        &mut self,
        vec: &mut Vec<u8>,
        mut reader: Pin<&mut R>,
        total: &mut usize,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        loop {
            match ready!(self.poll_read_some(vec, reader.as_mut(), cx)) {
                Ok(0) => return Poll::Ready(Ok(mem::take(total))),
                Ok(n) => *total += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// One read, appended to `vec`. `Ok(0)` is end of file.
    fn poll_read_some<R: AsyncRead + ?Sized>(
        &mut self,
        vec: &mut Vec<u8>,
        reader: Pin<&mut R>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        let spare = vec.capacity() - vec.len();
        if spare < MIN_READ && vec.capacity() == self.start_cap {
            // Probe: maybe the input is already all in.
            let mut probe = [0u8; MIN_READ];
            let mut buf = ReadBuf::new(&mut probe);
            ready!(reader.poll_read(cx, &mut buf))?;
            let got = buf.filled();
            if got.len() > spare {
                self.reserve(vec, got.len());
            }
            let end = vec.len() + got.len();
            vec.extend_from_slice(got);
            self.init = self.init.max(end);
            return Poll::Ready(Ok(got.len()));
        }
        if spare < MIN_READ {
            self.reserve(vec, MIN_READ);
        }

        let len = vec.len();
        let mut buf = ReadBuf::uninit(vec.spare_capacity_mut());
        // (Clamped only as a defence: `len <= init <= capacity` holds.)
        let known = self.init.saturating_sub(len).min(buf.capacity());
        // SAFETY: bytes `len..init` of the allocation were initialized by
        // earlier reads into it (`init` is reset whenever the vector
        // reallocates), and a `Vec` never de-initializes its memory.
        unsafe { buf.assume_init(known) };
        let start = buf.filled().as_ptr();
        let res = reader.poll_read(cx, &mut buf);
        // A reader may swap the `ReadBuf` it was given for another one;
        // then the bytes it reports are not in the vector.
        assert_eq!(
            start,
            buf.filled().as_ptr(),
            "the reader replaced the ReadBuf it was given"
        );
        let n = buf.filled().len();
        let init = buf.initialized().len();
        // SAFETY: the reader filled the first `n` bytes of the spare
        // capacity (the same memory, checked above), so the first
        // `len + n` bytes of the vector are initialized.
        unsafe { vec.set_len(len + n) };
        self.init = len + init;
        match res {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(n)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The future of [`AsyncReadExt::read_to_end`](crate::io::AsyncReadExt::read_to_end).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    growth: Growth,
    read: usize,
    _pin: PhantomPinned,
}

impl<'a, R: AsyncRead + Unpin + ?Sized> ReadToEnd<'a, R> {
    pub(super) fn new(reader: &'a mut R, buf: &'a mut Vec<u8>) -> Self {
        ReadToEnd {
            reader,
            growth: Growth::new(buf.len(), buf.capacity()),
            buf,
            read: 0,
            _pin: PhantomPinned,
        }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        me.growth
            .poll_read_to_end(me.buf, Pin::new(&mut *me.reader), &mut me.read, cx)
    }
}

/// The future of [`AsyncReadExt::read_to_string`](crate::io::AsyncReadExt::read_to_string).
///
/// It takes the string's bytes when it is created and reads into them; the
/// string gets its contents back when the future completes.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    buf: Vec<u8>,
    /// The length of the string's original contents.
    orig_len: usize,
    growth: Growth,
    read: usize,
    _pin: PhantomPinned,
}

impl<'a, R: AsyncRead + Unpin + ?Sized> ReadToString<'a, R> {
    pub(super) fn new(reader: &'a mut R, output: &'a mut String) -> Self {
        let buf = mem::take(output).into_bytes();
        ReadToString {
            reader,
            output,
            orig_len: buf.len(),
            growth: Growth::new(buf.len(), buf.capacity()),
            buf,
            read: 0,
            _pin: PhantomPinned,
        }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: no field is structurally pinned, and nothing is moved out
        // of `self`.
        let me = unsafe { self.get_unchecked_mut() };
        let res = ready!(me.growth.poll_read_to_end(
            &mut me.buf,
            Pin::new(&mut *me.reader),
            &mut me.read,
            cx
        ));
        let bytes = mem::take(&mut me.buf);
        // `buf` is now a new, empty vector: what was known about the old
        // one no longer applies.
        me.growth = Growth::new(0, 0);
        let orig_len = mem::take(&mut me.orig_len);
        Poll::Ready(match res {
            Ok(n) => match String::from_utf8(bytes) {
                Ok(s) => {
                    *me.output = s;
                    Ok(n)
                }
                Err(e) => {
                    let utf8 = e.utf8_error();
                    *me.output = restore(e.into_bytes(), orig_len);
                    Err(io::Error::new(io::ErrorKind::InvalidData, utf8))
                }
            },
            // An I/O error: the string is left as it was.
            Err(e) => {
                *me.output = restore(bytes, orig_len);
                Err(e)
            }
        })
    }
}

/// The original contents of a string, from its bytes with more appended.
pub(super) fn restore(mut bytes: Vec<u8>, orig_len: usize) -> String {
    bytes.truncate(orig_len);
    String::from_utf8(bytes).expect("a String's original contents are UTF-8")
}
