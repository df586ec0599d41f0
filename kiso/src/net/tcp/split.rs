//! The borrowed halves of [`TcpStream::split`].

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::TcpStream;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The read half of a [`TcpStream`], borrowed from it by
/// [`TcpStream::split`].
///
/// It implements [`AsyncRead`]; use the methods of
/// [`AsyncReadExt`](crate::io::AsyncReadExt) to read.
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
/// let mut client = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
/// server.write_all(b"to the read half").await?;
///
/// let (mut read, _write) = client.split();
/// let mut buf = [0u8; 16];
/// read.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"to the read half");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a TcpStream);

/// The write half of a [`TcpStream`], borrowed from it by
/// [`TcpStream::split`].
///
/// It implements [`AsyncWrite`]; use the methods of
/// [`AsyncWriteExt`](crate::io::AsyncWriteExt) to write. Shutting it down
/// ([`AsyncWriteExt::shutdown`](crate::io::AsyncWriteExt::shutdown)) shuts
/// down the write direction of the stream.
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
/// let mut client = TcpStream::connect(listener.local_addr()?).await?;
/// let (mut server, _) = listener.accept().await?;
///
/// let (_read, mut write) = client.split();
/// write.write_all(b"from the write half").await?;
/// write.shutdown().await?;
/// let mut got = String::new();
/// server.read_to_string(&mut got).await?;
/// assert_eq!(got, "from the write half");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a TcpStream);

pub(super) fn split(stream: &mut TcpStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

impl ReadHalf<'_> {
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"abc").await?;
    ///
    /// let (mut read, _) = client.split();
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
        self.0.poll_peek(cx, buf)
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"z").await?;
    ///
    /// let (mut read, _) = client.split();
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"!").await?;
    /// let (read, _) = client.split();
    /// let ready = read.ready(Interest::READABLE).await?;
    /// assert!(ready.is_readable());
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// server.write_all(b"!").await?;
    /// let (read, _) = client.split();
    /// read.readable().await?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = client.split();
    /// let err = read.try_read(&mut [0u8; 4]).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = client.split();
    /// let (mut a, mut b) = ([0u8; 2], [0u8; 2]);
    /// let res = read.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)]);
    /// assert_eq!(res.unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.0.try_read_vectored(bufs)
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
        /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
        /// let (mut server, _) = listener.accept().await?;
        /// server.write_all(b"buf").await?;
        ///
        /// let (read, _) = client.split();
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
            self.0.try_read_buf(buf)
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = client.split();
    /// assert_eq!(read.peer_addr()?, listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let local = client.local_addr()?;
    /// let (read, _) = client.split();
    /// assert_eq!(read.local_addr()?, local);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl WriteHalf<'_> {
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = client.split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = client.split();
    /// write.writable().await?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = client.split();
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
        self.0.try_write(buf)
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = client.split();
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
        self.0.try_write_vectored(bufs)
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = client.split();
    /// assert_eq!(write.peer_addr()?, listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
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
    /// let mut client = TcpStream::connect(listener.local_addr()?).await?;
    /// let local = client.local_addr()?;
    /// let (_, write) = client.split();
    /// assert_eq!(write.local_addr()?, local);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl AsyncRead for ReadHalf<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.0.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for WriteHalf<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Nothing is buffered in user space.
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write direction of the stream.
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.0.shutdown_std(Shutdown::Write))
    }
}

impl AsRef<TcpStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}

impl AsRef<TcpStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}
