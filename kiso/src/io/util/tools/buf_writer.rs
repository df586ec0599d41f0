//! `BufWriter`.

use super::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Adds an in-memory write buffer to a writer.
///
/// Many small writes to a socket or file each cost a system call. A
/// `BufWriter` collects them in a buffer and hands them to the wrapped
/// [`AsyncWrite`] in large chunks: when the buffer cannot take the next
/// write, on [`poll_flush`](AsyncWrite::poll_flush) and on
/// [`poll_shutdown`](AsyncWrite::poll_shutdown). A write at least as large
/// as the buffer skips it and goes straight to the inner writer (after the
/// buffer has been written out). It brings nothing for a few large writes
/// or for a destination that is already in memory.
///
/// **Flush before dropping it.** Dropping a `BufWriter` cannot wait for the
/// inner writer, so whatever is still buffered at that point is lost; call
/// `flush` (or `shutdown`) first.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncWriteExt, BufWriter};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut writer = BufWriter::new(Vec::new());
/// writer.write_all(b"hello").await.unwrap();
/// // Held in the buffer until flushed.
/// assert!(writer.get_ref().is_empty());
///
/// writer.flush().await.unwrap();
/// assert_eq!(writer.get_ref(), b"hello");
/// # });
/// ```
pub struct BufWriter<W> {
    // Structurally pinned; the other fields are not.
    pub(super) inner: W,
    pub(super) buf: Vec<u8>,
    /// How much of `buf` a flush in progress has already written.
    pub(super) written: usize,
    pub(super) seek_state: SeekState,
}

/// The fields of a pinned `BufWriter`, with the inner writer still pinned.
struct Fields<'a, W> {
    inner: Pin<&'a mut W>,
    buf: &'a mut Vec<u8>,
    written: &'a mut usize,
    seek_state: &'a mut SeekState,
}

impl<W> BufWriter<W> {
    fn fields(self: Pin<&mut Self>) -> Fields<'_, W> {
        // SAFETY: `inner` is structurally pinned: it is only handed out as
        // `Pin<&mut W>` from a pinned `BufWriter`, `BufWriter` has no `Drop`
        // impl, and it is `Unpin` only when `W` is (the auto impl). The other
        // fields are plain data that is never pinned.
        let this = unsafe { self.get_unchecked_mut() };
        Fields {
            // SAFETY: see above.
            inner: unsafe { Pin::new_unchecked(&mut this.inner) },
            buf: &mut this.buf,
            written: &mut this.written,
            seek_state: &mut this.seek_state,
        }
    }

    /// How many bytes the buffer holds at most.
    fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Room left in the buffer.
    fn spare(&self) -> usize {
        self.buf.capacity() - self.buf.len()
    }
}

impl<W: AsyncWrite> BufWriter<W> {
    /// Wraps `inner` with a buffer of the default size (8 KiB at present;
    /// this may change).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufWriter;
    ///
    /// let writer = BufWriter::new(Vec::<u8>::new());
    /// assert!(writer.buffer().is_empty());
    /// ```
    pub fn new(inner: W) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Wraps `inner` with a buffer of `cap` bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufWriter;
    ///
    /// let writer = BufWriter::with_capacity(64, Vec::<u8>::new());
    /// assert!(writer.buffer().is_empty());
    /// ```
    pub fn with_capacity(cap: usize, inner: W) -> Self {
        BufWriter {
            inner,
            buf: Vec::with_capacity(cap),
            written: 0,
            seek_state: SeekState::Init,
        }
    }

    /// Writes the whole buffer to the inner writer (without flushing it).
    ///
    /// On an error the bytes already written are dropped from the buffer and
    /// the rest is kept.
    fn flush_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Fields {
            mut inner,
            buf,
            written,
            ..
        } = self.fields();
        let mut res = Ok(());
        while *written < buf.len() {
            match ready!(inner.as_mut().poll_write(cx, &buf[*written..])) {
                Ok(0) => {
                    res = Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the inner writer accepted none of the buffered data",
                    ));
                    break;
                }
                Ok(n) => *written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    res = Err(e);
                    break;
                }
            }
        }
        if *written > 0 {
            buf.drain(..*written);
            *written = 0;
        }
        Poll::Ready(res)
    }

    /// Returns a shared reference to the wrapped writer.
    ///
    /// Writing to it directly puts the bytes ahead of those still buffered;
    /// it is rarely what you want.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufWriter;
    ///
    /// let writer = BufWriter::new(vec![1u8]);
    /// assert_eq!(writer.get_ref(), &[1]);
    /// ```
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Returns a mutable reference to the wrapped writer.
    ///
    /// Writing to it directly puts the bytes ahead of those still buffered;
    /// it is rarely what you want.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufWriter;
    ///
    /// let mut writer = BufWriter::new(Vec::<u8>::new());
    /// writer.get_mut().reserve(100);
    /// assert!(writer.get_ref().capacity() >= 100);
    /// ```
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Returns a pinned mutable reference to the wrapped writer.
    ///
    /// Writing to it directly puts the bytes ahead of those still buffered;
    /// it is rarely what you want.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufWriter;
    /// use std::pin::Pin;
    ///
    /// let mut writer = BufWriter::new(Vec::<u8>::new());
    /// let inner: Pin<&mut Vec<u8>> = Pin::new(&mut writer).get_pin_mut();
    /// assert!(inner.is_empty());
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.fields().inner
    }

    /// Unwraps the writer.
    ///
    /// Bytes still in the buffer are lost: flush first.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufWriter;
    ///
    /// let writer = BufWriter::new(vec![7u8]);
    /// assert_eq!(writer.into_inner(), vec![7]);
    /// ```
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Returns the bytes waiting in the buffer.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncWriteExt, BufWriter};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut writer = BufWriter::new(Vec::new());
    /// writer.write_all(b"abc").await.unwrap();
    /// assert_eq!(writer.buffer(), b"abc");
    /// # });
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buf
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        if src.len() > self.spare() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        if src.len() >= self.capacity() {
            self.get_pin_mut().poll_write(cx, src)
        } else {
            self.fields().buf.extend_from_slice(src);
            Poll::Ready(Ok(src.len()))
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.inner.is_write_vectored() {
            // Take all slices or none: the inner writer can take them in one
            // go when they do not fit.
            let total = bufs
                .iter()
                .fold(0usize, |sum, b| sum.saturating_add(b.len()));
            if total > self.spare() {
                ready!(self.as_mut().flush_buf(cx))?;
            }
            if total >= self.capacity() {
                // Also covers a total that saturated at `usize::MAX`.
                self.get_pin_mut().poll_write_vectored(cx, bufs)
            } else {
                let buf = self.fields().buf;
                for b in bufs {
                    buf.extend_from_slice(b);
                }
                Poll::Ready(Ok(total))
            }
        } else {
            // The inner writer takes one slice at a time: buffer as many
            // leading slices as fit.
            while bufs.first().is_some_and(|b| b.is_empty()) {
                bufs = &bufs[1..];
            }
            let Some(first) = bufs.first() else {
                return Poll::Ready(Ok(0));
            };
            let first_len = first.len();
            if first_len > self.spare() {
                ready!(self.as_mut().flush_buf(cx))?;
            }
            if first_len >= self.capacity() {
                // The buffer was just emptied; the slice is too big for it.
                return self.get_pin_mut().poll_write(cx, first);
            }
            let buf = self.fields().buf;
            buf.extend_from_slice(first);
            let mut total = first_len;
            for b in &bufs[1..] {
                if b.len() > buf.capacity() - buf.len() {
                    break;
                }
                buf.extend_from_slice(b);
                total += b.len();
            }
            Poll::Ready(Ok(total))
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_shutdown(cx)
    }
}

/// Where a seek through a `BufWriter` is.
#[derive(Debug, Clone, Copy)]
pub(super) enum SeekState {
    /// No seek started.
    Init,
    /// `start_seek` was called; the buffer may still need writing out.
    Start(SeekFrom),
    /// The inner seek is in progress.
    Pending,
}

/// Seeks the wrapped writer, after writing out everything buffered (so the
/// buffered bytes land where they were meant to).
impl<W: AsyncWrite + AsyncSeek> AsyncSeek for BufWriter<W> {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        // Writing the buffer out needs a context: it happens in
        // `poll_complete`.
        *self.fields().seek_state = SeekState::Start(pos);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let pos = match self.seek_state {
            SeekState::Init => return self.get_pin_mut().poll_complete(cx),
            SeekState::Start(pos) => Some(pos),
            SeekState::Pending => None,
        };
        ready!(self.as_mut().flush_buf(cx))?;
        let Fields {
            mut inner,
            seek_state,
            ..
        } = self.fields();
        if let Some(pos) = pos {
            // Let an earlier seek of the inner writer finish first.
            ready!(inner.as_mut().poll_complete(cx))?;
            if let Err(e) = inner.as_mut().start_seek(pos) {
                *seek_state = SeekState::Init;
                return Poll::Ready(Err(e));
            }
        }
        match inner.poll_complete(cx) {
            Poll::Ready(res) => {
                *seek_state = SeekState::Init;
                Poll::Ready(res)
            }
            Poll::Pending => {
                *seek_state = SeekState::Pending;
                Poll::Pending
            }
        }
    }
}

/// Reads go straight to the wrapped stream.
impl<W: AsyncWrite + AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_read(cx, buf)
    }
}

/// Buffered reads go straight to the wrapped stream.
impl<W: AsyncWrite + AsyncBufRead> AsyncBufRead for BufWriter<W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_pin_mut().consume(amt)
    }
}

impl<W: fmt::Debug> fmt::Debug for BufWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufWriter")
            .field("writer", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.buf.len(), self.buf.capacity()),
            )
            .field("written", &self.written)
            .finish()
    }
}
