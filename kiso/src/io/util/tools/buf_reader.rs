//! `BufReader`.

use super::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Adds an in-memory read buffer to a reader.
///
/// Every `poll_read` on a socket or file is a system call. A `BufReader`
/// instead reads large chunks from the wrapped [`AsyncRead`] into a buffer
/// and serves small reads from memory, which pays off when a program makes
/// many small reads (a byte, a line, a header at a time). It brings nothing
/// for a few large reads, or for a source that is already in memory such as
/// a `Vec<u8>`; a read at least as large as the buffer, made while the buffer
/// is empty, goes straight to the inner reader.
///
/// It also implements [`AsyncBufRead`], which gives access to the buffered
/// bytes without copying them.
///
/// Whatever is still buffered when the `BufReader` is dropped (or taken
/// apart with [`into_inner`](BufReader::into_inner)) is lost; wrapping the
/// same stream in several `BufReader`s one after the other can therefore
/// drop data.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncBufReadExt, BufReader};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut reader = BufReader::new(&b"one\ntwo\n"[..]);
///
/// let mut line = String::new();
/// reader.read_line(&mut line).await.unwrap();
/// assert_eq!(line, "one\n");
/// // One read of the source filled the buffer; the rest is still there.
/// assert_eq!(reader.buffer(), b"two\n");
/// # });
/// ```
pub struct BufReader<R> {
    // Structurally pinned; the other fields are not.
    pub(super) inner: R,
    pub(super) buf: Box<[u8]>,
    /// Start of the unread part of `buf`.
    pub(super) pos: usize,
    /// End of the valid part of `buf`.
    pub(super) cap: usize,
    pub(super) seek_state: SeekState,
}

/// The fields of a pinned `BufReader`, with the inner reader still pinned.
struct Fields<'a, R> {
    inner: Pin<&'a mut R>,
    buf: &'a mut [u8],
    pos: &'a mut usize,
    cap: &'a mut usize,
    seek_state: &'a mut SeekState,
}

impl<R> BufReader<R> {
    fn fields(self: Pin<&mut Self>) -> Fields<'_, R> {
        // SAFETY: `inner` is structurally pinned: it is only handed out as
        // `Pin<&mut R>` from a pinned `BufReader`, never moved while pinned
        // (`into_inner` takes `self` by value, which requires `Unpin` or an
        // unpinned value), `BufReader` has no `Drop` impl, and it is `Unpin`
        // only when `R` is (the auto impl). The other fields are plain data
        // that is never pinned.
        let this = unsafe { self.get_unchecked_mut() };
        Fields {
            // SAFETY: see above.
            inner: unsafe { Pin::new_unchecked(&mut this.inner) },
            buf: &mut this.buf[..],
            pos: &mut this.pos,
            cap: &mut this.cap,
            seek_state: &mut this.seek_state,
        }
    }

    /// Forgets the buffered bytes.
    fn discard_buffer(self: Pin<&mut Self>) {
        let f = self.fields();
        *f.pos = 0;
        *f.cap = 0;
    }
}

impl<R: AsyncRead> BufReader<R> {
    /// Wraps `inner` with a buffer of the default size (8 KiB at present;
    /// this may change).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufReader;
    ///
    /// let reader = BufReader::new(&b"data"[..]);
    /// assert!(reader.buffer().is_empty());
    /// ```
    pub fn new(inner: R) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufReader;
    ///
    /// let reader = BufReader::with_capacity(16, &b"data"[..]);
    /// assert_eq!(reader.into_inner(), b"data");
    /// ```
    #[track_caller]
    pub fn with_capacity(capacity: usize, inner: R) -> Self {
        assert!(capacity > 0, "BufReader capacity must be greater than zero");
        BufReader {
            inner,
            buf: vec![0; capacity].into_boxed_slice(),
            pos: 0,
            cap: 0,
            seek_state: SeekState::Init,
        }
    }

    /// Returns a shared reference to the wrapped reader.
    ///
    /// Reading from it directly skips the buffered bytes; it is rarely what
    /// you want.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufReader;
    ///
    /// let reader = BufReader::new(&b"abc"[..]);
    /// assert_eq!(*reader.get_ref(), b"abc");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Returns a mutable reference to the wrapped reader.
    ///
    /// Reading from it directly skips the buffered bytes; it is rarely what
    /// you want.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufReader;
    ///
    /// let mut reader = BufReader::new(std::io::Cursor::new(vec![1, 2, 3]));
    /// reader.get_mut().set_position(2);
    /// assert_eq!(reader.get_ref().position(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Returns a pinned mutable reference to the wrapped reader.
    ///
    /// Reading from it directly skips the buffered bytes; it is rarely what
    /// you want.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufReader;
    /// use std::pin::Pin;
    ///
    /// let mut reader = BufReader::new(&b"abc"[..]);
    /// let inner: Pin<&mut &[u8]> = Pin::new(&mut reader).get_pin_mut();
    /// assert_eq!(inner.len(), 3);
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.fields().inner
    }

    /// Unwraps the reader.
    ///
    /// Bytes still in the buffer are lost.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::BufReader;
    ///
    /// let reader = BufReader::new(&b"abc"[..]);
    /// let inner: &[u8] = reader.into_inner();
    /// assert_eq!(inner, b"abc");
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Returns the bytes that are buffered and not yet consumed.
    ///
    /// Unlike `poll_fill_buf`, it never reads from the wrapped reader, so the
    /// slice is empty if the buffer is.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncBufReadExt, BufReader};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
    /// # rt.block_on(async {
    /// let mut reader = BufReader::new(&b"hello"[..]);
    /// assert!(reader.buffer().is_empty());
    /// reader.fill_buf().await.unwrap();
    /// assert_eq!(reader.buffer(), b"hello");
    /// # });
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.pos..self.cap]
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // Nothing buffered and the caller wants at least a buffer's worth:
        // copying through our buffer would only cost time.
        if self.pos == self.cap && dst.remaining() >= self.buf.len() {
            let res = ready!(self.as_mut().get_pin_mut().poll_read(cx, dst));
            self.discard_buffer();
            return Poll::Ready(res);
        }
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(dst.remaining());
        dst.put_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncRead> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let Fields {
            inner,
            buf,
            pos,
            cap,
            ..
        } = self.fields();
        // Refill only once everything buffered has been consumed.
        if *pos >= *cap {
            let mut rb = ReadBuf::new(&mut *buf);
            ready!(inner.poll_read(cx, &mut rb))?;
            *cap = rb.filled().len();
            *pos = 0;
        }
        let buf: &[u8] = buf;
        Poll::Ready(Ok(&buf[*pos..*cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let f = self.fields();
        *f.pos = (*f.pos + amt).min(*f.cap);
    }
}

/// Where a seek through a `BufReader` is.
#[derive(Debug, Clone, Copy)]
pub(super) enum SeekState {
    /// No seek started.
    Init,
    /// `start_seek` was called; nothing was sent to the inner reader yet.
    Start(SeekFrom),
    /// A relative seek too large to merge with the buffered length: the
    /// first of its two inner seeks (back by the buffered length) is in
    /// progress; the offset is that of the second.
    PendingOverflowed(i64),
    /// The inner seek is in progress.
    Pending,
}

/// Seeks the wrapped reader.
///
/// `SeekFrom::Current(n)` counts from the position the caller has reached,
/// that is the inner reader's position minus the bytes still buffered: the
/// buffered length is folded into the offset so that a single inner seek is
/// made. (If subtracting it would overflow an `i64`, two inner seeks are
/// made; should the second fail, the inner reader is left where
/// `SeekFrom::Current(0)` would have put it.)
///
/// A completed seek always empties the buffer, even when the target lies
/// inside it, so `into_inner` right after a seek returns the inner reader at
/// the position the seek reported.
impl<R: AsyncRead + AsyncSeek> AsyncSeek for BufReader<R> {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        // The inner seek(s) happen in `poll_complete`, which has a context
        // to wait with.
        *self.fields().seek_state = SeekState::Start(pos);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let state = std::mem::replace(self.as_mut().fields().seek_state, SeekState::Init);
        let res = match state {
            // No seek of ours: report the inner reader's state untouched.
            SeekState::Init => return self.get_pin_mut().poll_complete(cx),
            SeekState::Start(SeekFrom::Current(n)) => {
                let buffered = (self.cap - self.pos) as i64;
                match n.checked_sub(buffered) {
                    Some(offset) => {
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(offset))?;
                    }
                    None => {
                        // First step back over the buffered bytes, then by `n`.
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(-buffered))?;
                        if self.as_mut().get_pin_mut().poll_complete(cx)?.is_pending() {
                            *self.as_mut().fields().seek_state = SeekState::PendingOverflowed(n);
                            return Poll::Pending;
                        }
                        self.as_mut().discard_buffer();
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(n))?;
                    }
                }
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::PendingOverflowed(n) => {
                if self.as_mut().get_pin_mut().poll_complete(cx)?.is_pending() {
                    *self.as_mut().fields().seek_state = SeekState::PendingOverflowed(n);
                    return Poll::Pending;
                }
                self.as_mut().discard_buffer();
                self.as_mut()
                    .get_pin_mut()
                    .start_seek(SeekFrom::Current(n))?;
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::Start(pos) => {
                // Absolute and end-relative seeks do not depend on the buffer.
                self.as_mut().get_pin_mut().start_seek(pos)?;
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::Pending => self.as_mut().get_pin_mut().poll_complete(cx)?,
        };
        match res {
            Poll::Ready(position) => {
                self.discard_buffer();
                Poll::Ready(Ok(position))
            }
            Poll::Pending => {
                *self.fields().seek_state = SeekState::Pending;
                Poll::Pending
            }
        }
    }
}

/// Writes go straight to the wrapped stream.
impl<R: AsyncRead + AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_shutdown(cx)
    }
}

impl<R: fmt::Debug> fmt::Debug for BufReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufReader")
            .field("reader", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.cap - self.pos, self.buf.len()),
            )
            .finish()
    }
}
