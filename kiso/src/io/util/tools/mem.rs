//! In-memory pipes: `duplex` and `simplex`.

use super::split::{split, ReadHalf, WriteHalf};
use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::loom::sync::{Arc, Mutex};

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// One end of an in-memory, two-way byte pipe; created in pairs by
/// [`duplex`].
///
/// The two ends behave like a connected pair of sockets: bytes written to
/// one end are read from the other, in both directions. Each direction
/// buffers at most `max_buf_size` bytes (the argument of [`duplex`]);
/// writing to a full direction waits until the other end reads. Handy for
/// tests of protocol code without a network.
///
/// # Closing
///
/// Dropping an end, or shutting down its write side
/// ([`poll_shutdown`](AsyncWrite::poll_shutdown)), closes the direction it
/// writes to: the other end still reads what is buffered, then reads end of
/// file (0 bytes).
///
/// Dropping an end also closes the direction it reads from: writes on the
/// other end, including one already waiting for room in the buffer, fail at
/// once with [`io::ErrorKind::BrokenPipe`]. So do writes after a shutdown.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let (mut client, mut server) = kiso::io::duplex(64);
///
/// client.write_all(b"ping").await.unwrap();
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"ping");
///
/// server.write_all(b"pong").await.unwrap();
/// client.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"pong");
///
/// // Dropping an end: the other one reads end of file.
/// drop(server);
/// assert_eq!(client.read(&mut buf).await.unwrap(), 0);
/// # });
/// ```
#[derive(Debug)]
pub struct DuplexStream {
    /// The pipe this end reads from (the other end writes to it).
    read: Arc<Mutex<SimplexStream>>,
    /// The pipe this end writes to.
    write: Arc<Mutex<SimplexStream>>,
}

/// An in-memory, one-way byte pipe.
///
/// Bytes written to it are read back from it, in order; at most
/// `max_buf_size` bytes are buffered, after which writing waits until some
/// are read. [`simplex`] creates one already split into a read half and a
/// write half (for two tasks); [`SimplexStream::new_unsplit`] creates a
/// single value that does both.
///
/// Shutting the write side down ([`poll_shutdown`](AsyncWrite::poll_shutdown))
/// makes reads return end of file once the buffer is drained, and further
/// writes fail with [`io::ErrorKind::BrokenPipe`].
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let (mut receiver, mut sender) = kiso::io::simplex(64);
///
/// sender.write_all(b"ping").await.unwrap();
/// let mut buf = [0u8; 4];
/// receiver.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"ping");
/// # });
/// ```
#[derive(Debug)]
pub struct SimplexStream {
    /// Written and not yet read.
    buffer: VecDeque<u8>,
    /// The write side is closed (shut down, or an end of a duplex dropped).
    closed: bool,
    max_buf_size: usize,
    /// The reader waiting for data.
    read_waker: Option<Waker>,
    /// The writer waiting for room.
    write_waker: Option<Waker>,
}

/// Wakers collected under a `DuplexStream`'s lock, to be woken (or dropped:
/// a replaced waker may run arbitrary code in its drop) after it is released.
#[derive(Default)]
struct Deferred {
    wake: Option<Waker>,
    replaced: Option<Waker>,
}

impl Deferred {
    fn run(self) {
        if let Some(w) = self.wake {
            w.wake();
        }
        drop(self.replaced);
    }
}

/// Creates a pair of connected [`DuplexStream`]s, each direction buffering
/// at most `max_buf_size` bytes.
///
/// # Panics
///
/// Panics if `max_buf_size` is zero.
///
/// # Examples
///
/// ```
/// let (a, b) = kiso::io::duplex(1024);
/// # drop((a, b));
/// ```
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    let one = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    let two = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    (
        DuplexStream {
            read: one.clone(),
            write: two.clone(),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut deferred = Deferred::default();
        let res = crate::loom::lock(&self.read).read_with_budget(cx, buf, &mut deferred);
        deferred.run();
        res
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut deferred = Deferred::default();
        let res = crate::loom::lock(&self.write).write_with_budget(
            cx,
            &[IoSlice::new(buf)],
            &mut deferred,
        );
        deferred.run();
        res
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut deferred = Deferred::default();
        let res = crate::loom::lock(&self.write).write_with_budget(cx, bufs, &mut deferred);
        deferred.run();
        res
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let reader = crate::loom::lock(&self.write).close_write();
        if let Some(w) = reader {
            w.wake();
        }
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        // Tell the other end: it reads end of file, and its writes fail.
        let reader = crate::loom::lock(&self.write).close_write();
        let writer = crate::loom::lock(&self.read).close_read();
        // Wake only with no lock held, as the wakers may touch the pipe.
        if let Some(w) = reader {
            w.wake();
        }
        if let Some(w) = writer {
            w.wake();
        }
    }
}

/// Creates an in-memory one-way pipe buffering at most `max_buf_size`
/// bytes, already split into its read half and its write half.
///
/// The halves can be put back together into a single [`SimplexStream`]
/// with [`ReadHalf::unsplit`]; [`SimplexStream::new_unsplit`] makes one
/// directly.
///
/// # Panics
///
/// Panics if `max_buf_size` is zero.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let (reader, writer) = kiso::io::simplex(64);
/// let mut pipe = reader.unsplit(writer);
///
/// pipe.write_all(b"hello").await.unwrap();
/// let mut buf = [0u8; 5];
/// pipe.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"hello");
/// # });
/// ```
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    split(SimplexStream::new_unsplit(max_buf_size))
}

impl SimplexStream {
    /// Creates an in-memory one-way pipe buffering at most `max_buf_size`
    /// bytes, as a single value that is both read from and written to. To
    /// get separate halves, use [`simplex`].
    ///
    /// # Panics
    ///
    /// Panics if `max_buf_size` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncWrite, SimplexStream};
    /// use std::pin::Pin;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut pipe = SimplexStream::new_unsplit(4);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// // Only 4 bytes fit.
    /// let n = Pin::new(&mut pipe).poll_write(&mut cx, b"abcdef");
    /// assert!(matches!(n, Poll::Ready(Ok(4))));
    /// assert!(Pin::new(&mut pipe).poll_write(&mut cx, b"ef").is_pending());
    /// ```
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        SimplexStream {
            buffer: VecDeque::new(),
            closed: false,
            max_buf_size,
            read_waker: None,
            write_waker: None,
        }
    }

    /// Closes the write side; returns the reader's waker, to be woken so it
    /// sees end of file.
    #[must_use]
    fn close_write(&mut self) -> Option<Waker> {
        self.closed = true;
        self.read_waker.take()
    }

    /// Closes the read side; returns the writer's waker, to be woken so it
    /// sees the broken pipe.
    #[must_use]
    fn close_read(&mut self) -> Option<Waker> {
        self.closed = true;
        self.write_waker.take()
    }

    fn read_with_budget(
        &mut self,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
        deferred: &mut Deferred,
    ) -> Poll<io::Result<()>> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let res = self.read(cx, dst, deferred);
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }

    fn read(
        &mut self,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
        deferred: &mut Deferred,
    ) -> Poll<io::Result<()>> {
        if dst.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        if !self.buffer.is_empty() {
            let n = self.buffer.len().min(dst.remaining());
            let (front, back) = self.buffer.as_slices();
            let from_front = n.min(front.len());
            dst.put_slice(&front[..from_front]);
            dst.put_slice(&back[..n - from_front]);
            self.buffer.drain(..n);
            // Room was made: the writer may go on.
            deferred.wake = self.write_waker.take();
            Poll::Ready(Ok(()))
        } else if self.closed {
            // End of file.
            Poll::Ready(Ok(()))
        } else {
            deferred.replaced = self.read_waker.replace(cx.waker().clone());
            Poll::Pending
        }
    }

    fn write_with_budget(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
        deferred: &mut Deferred,
    ) -> Poll<io::Result<usize>> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let res = self.write(cx, bufs, deferred);
        if res.is_ready() {
            coop.made_progress();
        }
        res
    }

    fn write(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
        deferred: &mut Deferred,
    ) -> Poll<io::Result<usize>> {
        if self.closed {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        if bufs.iter().all(|b| b.is_empty()) {
            return Poll::Ready(Ok(0));
        }
        let room = self.max_buf_size - self.buffer.len();
        if room == 0 {
            deferred.replaced = self.write_waker.replace(cx.waker().clone());
            return Poll::Pending;
        }
        let mut left = room;
        for b in bufs {
            if left == 0 {
                break;
            }
            let n = b.len().min(left);
            self.buffer.extend(&b[..n]);
            left -= n;
        }
        // Data arrived: the reader may go on.
        deferred.wake = self.read_waker.take();
        Poll::Ready(Ok(room - left))
    }
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut deferred = Deferred::default();
        let res = self.get_mut().read_with_budget(cx, buf, &mut deferred);
        deferred.run();
        res
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut deferred = Deferred::default();
        let res = self
            .get_mut()
            .write_with_budget(cx, &[IoSlice::new(buf)], &mut deferred);
        deferred.run();
        res
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut deferred = Deferred::default();
        let res = self.get_mut().write_with_budget(cx, bufs, &mut deferred);
        deferred.run();
        res
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(w) = self.get_mut().close_write() {
            w.wake();
        }
        Poll::Ready(Ok(()))
    }
}
