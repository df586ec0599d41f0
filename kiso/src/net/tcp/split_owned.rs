//! The owned halves of [`TcpStream::into_split`].

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::TcpStream;
use std::error::Error;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The read half of a [`TcpStream`], made by [`TcpStream::into_split`].
///
/// It implements [`AsyncRead`] (use [`AsyncReadExt`](crate::io::AsyncReadExt)
/// to read) and can move to another task than its write half.
/// [`reunite`](OwnedReadHalf::reunite) puts the stream back together.
///
/// Dropping the read half does not shut anything down; the socket closes
/// when both halves are gone.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
/// use kiso::net::{TcpListener, TcpStream};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let client = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
///
/// let (mut read, _write) = client.into_split();
/// let reader = kiso::spawn(async move {
///     let mut buf = [0u8; 5];
///     read.read_exact(&mut buf).await.map(|_| buf)
/// });
/// server.write_all(b"hello").await?;
/// assert_eq!(&reader.await.unwrap()?, b"hello");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<TcpStream>,
}

/// The write half of a [`TcpStream`], made by [`TcpStream::into_split`].
///
/// It implements [`AsyncWrite`] (use
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt) to write) and can move to
/// another task than its read half.
///
/// **Dropping the write half shuts down the write direction of the
/// stream**, as [`shutdown`](crate::io::AsyncWriteExt::shutdown) would: the
/// peer reads end of stream. [`forget`](OwnedWriteHalf::forget) drops it
/// without doing so.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
/// use kiso::net::{TcpListener, TcpStream};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let client = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
///
/// let (_read, mut write) = client.into_split();
/// kiso::spawn(async move {
///     write.write_all(b"bye").await.unwrap();
///     // Dropped here: the server sees end of stream.
/// });
/// let mut got = Vec::new();
/// server.read_to_end(&mut got).await?;
/// assert_eq!(got, b"bye");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<TcpStream>,
    /// Whether dropping the half shuts the write direction down (until it
    /// was shut down explicitly, or the half is forgotten).
    shutdown_on_drop: bool,
}

pub(super) fn split_owned(stream: TcpStream) -> (OwnedReadHalf, OwnedWriteHalf) {
    let inner = Arc::new(stream);
    let read = OwnedReadHalf {
        inner: inner.clone(),
    };
    let write = OwnedWriteHalf {
        inner,
        shutdown_on_drop: true,
    };
    (read, write)
}

fn reunite(read: OwnedReadHalf, write: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
    if !Arc::ptr_eq(&read.inner, &write.inner) {
        return Err(ReuniteError(read, write));
    }
    // Give up the write half's reference without shutting anything down.
    write.forget();
    match Arc::try_unwrap(read.inner) {
        Ok(stream) => Ok(stream),
        // The two halves hold the only references, and one is gone.
        Err(_) => unreachable!("a TcpStream half outlived its reunite"),
    }
}

/// The error of [`OwnedReadHalf::reunite`] and [`OwnedWriteHalf::reunite`]
/// for halves of two different streams. It gives both halves back.
///
/// # Examples
///
/// ```
/// use kiso::net::{TcpListener, TcpStream};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let a = TcpStream::connect(listener.local_addr()?).await?;
/// let b = TcpStream::connect(listener.local_addr()?).await?;
/// let (a_read, a_write) = a.into_split();
/// let (b_read, b_write) = b.into_split();
///
/// let err = a_read.reunite(b_write).unwrap_err();
/// let (a_read, b_write) = (err.0, err.1);
/// let a = a_read.reunite(a_write).unwrap();
/// let b = b_read.reunite(b_write).unwrap();
/// # let _ = (a, b);
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl Error for ReuniteError {}

impl OwnedReadHalf {
    /// Puts the stream back together from its two halves.
    ///
    /// Nothing is shut down when the halves are reunited.
    ///
    /// # Errors
    ///
    /// If `other` is the write half of another stream, a [`ReuniteError`]
    /// holding both halves.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.into_split();
    /// let stream = read.reunite(write).unwrap();
    /// # let _ = stream;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
        reunite(self, other)
    }

    /// Polls to receive data without removing it from the socket's queue;
    /// see [`TcpStream::poll_peek`].
    ///
    /// Returns `Poll::Pending` while no data has arrived, arranging for a
    /// wake-up of the task of the most recent `poll_peek` or `poll_read`
    /// call.
    ///
    /// # Errors
    ///
    /// Any I/O error other than `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncWriteExt, ReadBuf};
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::future::poll_fn;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"abc").await?;
    ///
    /// let (mut read, _write) = client.into_split();
    /// let mut storage = [0u8; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let n = poll_fn(|cx| read.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(&buf.filled()[..n], &b"abc"[..n]);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn poll_peek(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_peek(cx, buf)
    }

    /// Receives data without removing it from the socket's queue, waiting
    /// until some arrives; see [`TcpStream::peek`].
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if the future is dropped before it
    /// completes, no data was peeked and `buf` is untouched.
    ///
    /// # Errors
    ///
    /// Any receive error other than `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncReadExt, AsyncWriteExt};
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"q").await?;
    ///
    /// let (mut read, _write) = client.into_split();
    /// let mut peeked = [0u8; 1];
    /// read.peek(&mut peeked).await?;
    /// let mut got = [0u8; 1];
    /// read.read_exact(&mut got).await?;
    /// assert_eq!(peeked, got);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut buf = ReadBuf::new(buf);
        poll_fn(|cx| self.poll_peek(cx, &mut buf)).await
    }

    /// Waits for any of the readiness states in `interest`; see
    /// [`TcpStream::ready`].
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. Once the socket is ready, it keeps
    /// returning at once until an operation finds it not ready (an error
    /// `WouldBlock` or `Poll::Pending`).
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncWriteExt, Interest};
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"!").await?;
    /// let (read, _write) = client.into_split();
    /// assert!(read.ready(Interest::READABLE).await?.is_readable());
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// Waits until the stream is readable; see [`TcpStream::readable`].
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. Once the socket is readable, it keeps
    /// returning at once until a read finds no data (an error `WouldBlock`
    /// or `Poll::Pending`).
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"!").await?;
    /// let (read, _write) = client.into_split();
    /// read.readable().await?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
    }

    /// Tries to read into `buf` without waiting; see
    /// [`TcpStream::try_read`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if no data is waiting; any other read error as is.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _write) = client.into_split();
    /// let err = read.try_read(&mut [0u8; 4]).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read(buf)
    }

    /// Tries to read into several buffers without waiting; see
    /// [`TcpStream::try_read_vectored`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if no data is waiting; any other read error as is.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::io::IoSliceMut;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _write) = client.into_split();
    /// let mut a = [0u8; 4];
    /// let res = read.try_read_vectored(&mut [IoSliceMut::new(&mut a)]);
    /// assert_eq!(res.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.try_read_vectored(bufs)
    }

    cfg_io_util! {
        /// Tries to read into `buf`'s spare capacity without waiting,
        /// advancing it; see [`TcpStream::try_read_buf`].
        ///
        /// # Errors
        ///
        /// `WouldBlock` if no data is waiting; any other read error as is.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        /// use kiso::net::{TcpListener, TcpStream};
        /// use std::io;
        ///
        /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        /// # rt.block_on(async {
        /// let listener = TcpListener::bind("127.0.0.1:0").await?;
        /// let client = TcpStream::connect(listener.local_addr()?).await?;
        /// let (mut server, _) = listener.accept().await?;
        /// server.write_all(b"buf").await?;
        ///
        /// let (read, _write) = client.into_split();
        /// let mut buf = Vec::with_capacity(8);
        /// while buf.len() < 3 {
        ///     read.readable().await?;
        ///     match read.try_read_buf(&mut buf) {
        ///         Ok(_) => {}
        ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        ///         Err(e) => return Err(e),
        ///     }
        /// }
        /// assert_eq!(buf, b"buf");
        /// # Ok::<(), std::io::Error>(())
        /// # }).unwrap();
        /// ```
        pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.inner.try_read_buf(buf)
        }
    }

    /// Returns the remote address of the stream.
    ///
    /// # Errors
    ///
    /// The operating system's `getpeername` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _write) = client.into_split();
    /// assert_eq!(read.peer_addr()?, listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// Returns the local address of the stream.
    ///
    /// # Errors
    ///
    /// The operating system's `getsockname` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let local = client.local_addr()?;
    /// let (read, _write) = client.into_split();
    /// assert_eq!(read.local_addr()?, local);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl AsyncRead for OwnedReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_read_priv(cx, buf)
    }
}

impl OwnedWriteHalf {
    /// Puts the stream back together from its two halves.
    ///
    /// Nothing is shut down when the halves are reunited.
    ///
    /// # Errors
    ///
    /// If `other` is the read half of another stream, a [`ReuniteError`]
    /// holding both halves.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.into_split();
    /// let stream = write.reunite(read).unwrap();
    /// # let _ = stream;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn reunite(self, other: OwnedReadHalf) -> Result<TcpStream, ReuniteError> {
        reunite(other, self)
    }

    /// Drops the write half without shutting down the write direction.
    ///
    /// Dropping an `OwnedWriteHalf` normally shuts the write direction
    /// down; after `forget`, the connection stays fully open until the
    /// read half is dropped too (the socket then closes as usual).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::io;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.into_split();
    /// write.forget();
    /// // The stream can still be written through the read half's stream.
    /// let stream: &TcpStream = read.as_ref();
    /// loop {
    ///     stream.writable().await?;
    ///     match stream.try_write(b"still open") {
    ///         Ok(_) => break,
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
        drop(self);
    }

    /// Waits for any of the readiness states in `interest`; see
    /// [`TcpStream::ready`].
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. Once the socket is ready, it keeps
    /// returning at once until an operation finds it not ready (an error
    /// `WouldBlock` or `Poll::Pending`).
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// Waits until the stream is writable; see [`TcpStream::writable`].
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. Once the socket is writable, it keeps
    /// returning at once until a write finds no room (an error `WouldBlock`
    /// or `Poll::Pending`).
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// write.writable().await?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
    }

    /// Tries to write `buf` without waiting; see [`TcpStream::try_write`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the send buffer is full; any other write error as
    /// is.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::io;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// loop {
    ///     write.writable().await?;
    ///     match write.try_write(b"hi") {
    ///         Ok(_) => break,
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write(buf)
    }

    /// Tries to write several buffers without waiting; see
    /// [`TcpStream::try_write_vectored`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the send buffer is full; any other write error as
    /// is.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::io::{self, IoSlice};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// loop {
    ///     write.writable().await?;
    ///     match write.try_write_vectored(&[IoSlice::new(b"a"), IoSlice::new(b"b")]) {
    ///         Ok(_) => break,
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.inner.try_write_vectored(bufs)
    }

    /// Returns the remote address of the stream.
    ///
    /// # Errors
    ///
    /// The operating system's `getpeername` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_read, write) = stream.into_split();
    /// assert_eq!(write.peer_addr()?, listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// Returns the local address of the stream.
    ///
    /// # Errors
    ///
    /// The operating system's `getsockname` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let local = stream.local_addr()?;
    /// let (_read, write) = stream.into_split();
    /// assert_eq!(write.local_addr()?, local);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            // Nobody to report an error to.
            let _ = self.inner.shutdown_std(Shutdown::Write);
        }
    }
}

impl AsyncWrite for OwnedWriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered in user space.
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write direction of the stream now (dropping the half
    /// later does not do it again).
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let res = self.inner.shutdown_std(Shutdown::Write);
        if res.is_ok() {
            self.get_mut().shutdown_on_drop = false;
        }
        Poll::Ready(res)
    }
}

impl AsRef<TcpStream> for OwnedReadHalf {
    fn as_ref(&self) -> &TcpStream {
        &self.inner
    }
}

impl AsRef<TcpStream> for OwnedWriteHalf {
    fn as_ref(&self) -> &TcpStream {
        &self.inner
    }
}
