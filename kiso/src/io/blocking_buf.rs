//! `Buf`: the bytes an operation on a blocking handle (standard I/O, a file)
//! carries between the async caller and the blocking pool.

#![cfg_attr(not(feature = "rt"), allow(dead_code))]

use crate::io::ReadBuf;

use std::io::{self, Read, Write};

/// A buffer of bytes between a blocking operation and the async caller:
/// `buf[pos..]` is still to be handed over.
#[derive(Debug, Default)]
pub(crate) struct Buf {
    buf: Vec<u8>,
    pos: usize,
}

#[allow(dead_code)]
impl Buf {
    pub(crate) fn with_capacity(n: usize) -> Buf {
        Buf {
            buf: Vec::with_capacity(n),
            pos: 0,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Moves as many bytes as fit into `dst`; returns how many.
    pub(crate) fn copy_to(&mut self, dst: &mut ReadBuf<'_>) -> usize {
        let n = self.len().min(dst.remaining());
        dst.put_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        n
    }

    /// Takes up to `max` bytes of `src` into the (empty) buffer; returns how
    /// many.
    pub(crate) fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        assert!(self.is_empty(), "copy_from into a non-empty buffer");
        let n = src.len().min(max);
        self.buf.extend_from_slice(&src[..n]);
        n
    }

    /// Takes up to `max` bytes from the slices, in order, into the (empty)
    /// buffer; returns how many.
    pub(crate) fn copy_from_bufs(&mut self, bufs: &[io::IoSlice<'_>], max: usize) -> usize {
        assert!(self.is_empty(), "copy_from_bufs into a non-empty buffer");
        let mut left = max;
        for b in bufs {
            if left == 0 {
                break;
            }
            let n = b.len().min(left);
            self.buf.extend_from_slice(&b[..n]);
            left -= n;
        }
        max - left
    }

    /// Fills the (empty) buffer with one read of at most `max` bytes from
    /// `rd`, retrying interrupted reads. On an error the buffer stays empty.
    pub(crate) fn read_from<R: Read>(&mut self, rd: &mut R, max: usize) -> io::Result<usize> {
        assert!(self.is_empty(), "read_from into a non-empty buffer");
        self.pos = 0;
        self.buf.resize(max, 0);
        let res = loop {
            match rd.read(&mut self.buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        match res {
            Ok(n) => {
                assert!(
                    n <= max,
                    "a reader reported more bytes than it was given room for"
                );
                self.buf.truncate(n);
            }
            Err(_) => self.buf.clear(),
        }
        res
    }

    /// Writes the whole buffer to `wr` and empties it (also on error).
    pub(crate) fn write_to<W: Write>(&mut self, wr: &mut W) -> io::Result<()> {
        let res = wr.write_all(&self.buf[self.pos..]);
        self.buf.clear();
        self.pos = 0;
        res
    }

    /// Drops the bytes not yet handed over; returns minus their count (the
    /// seek offset that undoes having read them).
    pub(crate) fn discard_read(&mut self) -> i64 {
        let ret = -(self.len() as i64);
        self.buf.clear();
        self.pos = 0;
        ret
    }
}
