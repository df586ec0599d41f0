//! `TcpStream`: a connected TCP socket.
//!
//! # Readiness of accepted streams
//!
//! A stream returned by `accept` is usually writable, and often already
//! holds the peer's first bytes, but the I/O driver only says so after its
//! next turn. Like Tokio, kiso records it as readable and writable from the
//! start (`Registration::assume_ready`), so its first reads and writes
//! (including `try_read`/`try_write` right after `accept`) go straight to
//! the socket. A wrong guess costs one `WouldBlock`, which clears it.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::addr::{to_socket_addrs, ToSocketAddrs};
use crate::net::tcp::split::{ReadHalf, WriteHalf};
use crate::net::tcp::split_owned::{OwnedReadHalf, OwnedWriteHalf};
use crate::runtime::io::{Direction, PollEvented};
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::mem::MaybeUninit;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// `recv(2)` into possibly uninitialised memory; returns how many bytes
/// were written (never more than `buf.len()`).
fn recv_into(
    sock: &impl AsRawFd,
    buf: &mut [MaybeUninit<u8>],
    flags: libc::c_int,
) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes for the whole
    // call; `recv` only writes to it (it never reads the old contents) and
    // writes at most `buf.len()` bytes.
    let n = unsafe { libc::recv(sock.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), flags) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// Most buffers one `sendmsg` takes on Linux (`UIO_MAXIOV`); std's
/// `write_vectored` caps the same way.
const MAX_IOV: usize = 1024;

/// A vectored send that never raises `SIGPIPE`: on Linux and Android it
/// is `sendmsg` with `MSG_NOSIGNAL` (`writev`, which std's
/// `write_vectored` uses, would kill a process that did not ignore the
/// signal), elsewhere the socket has `SO_NOSIGPIPE` set by mio.
fn send_vectored(sock: &mio::net::TcpStream, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    let bufs = &bufs[..bufs.len().min(MAX_IOV)];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    loop {
        match socket2::SockRef::from(sock).send_vectored_with_flags(bufs, libc::MSG_NOSIGNAL) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            res => return res,
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let mut sock = sock;
        sock.write_vectored(bufs)
    }
}

/// A TCP stream between a local and a remote socket.
///
/// Get one by connecting ([`connect`](TcpStream::connect)), by accepting a
/// connection on a [`TcpListener`], or through a [`TcpSocket`] (to set
/// options before connecting). Read and write it with the methods of
/// [`AsyncReadExt`] and [`AsyncWriteExt`], or with the `try_*` methods
/// after waiting for readiness.
///
/// [`AsyncWriteExt::shutdown`] closes the write direction only: the peer
/// reads end-of-stream, and can still send data back. Dropping the stream
/// closes both directions.
///
/// A `TcpStream` must be created inside a runtime with I/O enabled and is
/// tied to that runtime: once it shuts down, operations that wait fail
/// with an error for which [`is_rt_shutdown_err`] is true.
///
/// Writing to a connection the peer has closed fails with `BrokenPipe`
/// (or `ConnectionReset`); it never raises `SIGPIPE`.
///
/// [`TcpListener`]: crate::net::TcpListener
/// [`TcpSocket`]: crate::net::TcpSocket
/// [`AsyncReadExt`]: crate::io::AsyncReadExt
/// [`AsyncWriteExt`]: crate::io::AsyncWriteExt
/// [`AsyncWriteExt::shutdown`]: crate::io::AsyncWriteExt::shutdown
/// [`is_rt_shutdown_err`]: crate::runtime::is_rt_shutdown_err
///
/// # Examples
///
/// ```no_run
/// use kiso::io::AsyncWriteExt;
/// use kiso::net::TcpStream;
///
/// #[kiso::main]
/// async fn main() -> std::io::Result<()> {
///     let mut stream = TcpStream::connect("127.0.0.1:8080").await?;
///     stream.write_all(b"hello world!").await?;
///     // No more data from us; the server sees end-of-stream.
///     stream.shutdown().await?;
///     Ok(())
/// }
/// ```
pub struct TcpStream {
    io: PollEvented<mio::net::TcpStream>,
}

impl TcpStream {
    /// Opens a TCP connection to `addr`.
    ///
    /// `addr` is anything implementing [`ToSocketAddrs`]. If it resolves to
    /// several addresses, each is tried in turn until a connection
    /// succeeds. To set socket options before connecting, use
    /// [`TcpSocket`](crate::net::TcpSocket).
    ///
    /// # Errors
    ///
    /// If no address could be connected to, the error of the last attempt
    /// (which may hide an earlier, more telling one: with an IPv4 and an
    /// IPv6 address, a refused IPv4 connection can be reported as the IPv6
    /// attempt's `AddrNotAvailable`). `InvalidInput` if `addr` resolved to
    /// no address, or the resolver's error.
    ///
    /// # Panics
    ///
    /// Panics if called outside a runtime with I/O enabled.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe in the sense that dropping the future abandons the
    /// connection attempt (the half-open socket is closed); nothing else is
    /// lost.
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
    /// let addr = listener.local_addr()?;
    ///
    /// let mut client = TcpStream::connect(addr).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// client.write_all(b"hi").await?;
    /// let mut buf = [0u8; 2];
    /// server.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"hi");
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        let mut last_err = None;
        for addr in to_socket_addrs(addr).await? {
            match TcpStream::connect_addr(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(super::listener::no_addresses))
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect_mio(mio::net::TcpStream::connect(addr)?).await
    }

    /// Finishes a non-blocking connect: registers the socket, waits until
    /// it is writable (the handshake is over), then reports `SO_ERROR`.
    pub(crate) async fn connect_mio(sys: mio::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(sys)?;
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx)).await?;
        if let Some(e) = stream.io.take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    /// Registers a connected (or connecting) mio stream with the current
    /// runtime.
    #[track_caller]
    pub(crate) fn new(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream { io: PollEvented::new(stream)? })
    }

    /// A stream returned by `accept`: assumed readable and writable until
    /// an operation finds otherwise (see the module docs).
    #[track_caller]
    pub(crate) fn new_accepted(stream: mio::net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(stream)?;
        stream.io.registration().assume_ready(Ready::READABLE | Ready::WRITABLE);
        Ok(stream)
    }

    /// Creates a `TcpStream` from a connected [`std::net::TcpStream`].
    ///
    /// The std stream must already be in non-blocking mode
    /// ([`set_nonblocking(true)`](std::net::TcpStream::set_nonblocking));
    /// kiso does not change it. A blocking socket would block the runtime's
    /// threads; debug builds panic on one.
    ///
    /// # Errors
    ///
    /// Fails if the socket cannot be registered with the I/O driver.
    ///
    /// # Panics
    ///
    /// Panics if called outside a runtime with I/O enabled, and, in debug
    /// builds, if the stream is in blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpStream;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let addr = listener.local_addr()?;
    /// let std_stream = std::net::TcpStream::connect(addr)?;
    /// std_stream.set_nonblocking(true)?;
    /// let stream = TcpStream::from_std(std_stream)?;
    /// assert_eq!(stream.peer_addr()?, addr);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        super::check_nonblocking(&stream)?;
        TcpStream::new(mio::net::TcpStream::from_std(stream))
    }

    /// Turns the stream back into a [`std::net::TcpStream`].
    ///
    /// The returned stream is still in non-blocking mode; call
    /// [`set_nonblocking(false)`](std::net::TcpStream::set_nonblocking) to
    /// use it with blocking calls.
    ///
    /// # Errors
    ///
    /// Fails if the socket cannot be removed from the I/O driver.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::io::Read;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let mut std_stream = stream.into_std()?;
    /// // Still non-blocking: nothing to read yet.
    /// let mut buf = [0u8; 8];
    /// assert_eq!(std_stream.read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        Ok(std::net::TcpStream::from(self.io.into_inner()?))
    }

    /// Returns the local address of this end of the connection.
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
    /// assert!(stream.local_addr()?.ip().is_loopback());
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Takes the pending socket error (`SO_ERROR`), if any, clearing it.
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
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
    /// assert!(stream.take_error()?.is_none());
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Returns the address of the remote end of the connection.
    ///
    /// # Errors
    ///
    /// The operating system's `getpeername` error (`NotConnected` once the
    /// connection is gone, for example).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// let stream = TcpStream::connect(addr).await?;
    /// assert_eq!(stream.peer_addr()?, addr);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Polls to receive data without removing it from the socket's queue.
    ///
    /// Fills `buf` with the bytes waiting (as many as fit) and returns how
    /// many; a later read or peek sees the same bytes again (`MSG_PEEK`).
    ///
    /// Returns `Poll::Pending` while no data has arrived, arranging for a
    /// wake-up. `poll_peek`, `poll_read` and `poll_read_ready` share one
    /// waker slot: only the task of the most recent call is woken (writes
    /// keep their own slot).
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
    /// let (server, _) = listener.accept().await?;
    /// client.write_all(b"peek").await?;
    ///
    /// let mut storage = [0u8; 16];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let n = poll_fn(|cx| server.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(&buf.filled()[..n], &b"peek"[..n]);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        let n = ready!(self.poll_op(cx, Direction::Read, || {
            // SAFETY: `recv_into` only writes to the unfilled part, and the
            // bytes it writes are marked initialised below.
            recv_into(&*self.io, unsafe { buf.unfilled_mut() }, libc::MSG_PEEK)
        }))?;
        // SAFETY: `recv` initialised the first `n` bytes of the unfilled
        // part.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        Poll::Ready(Ok(n))
    }

    /// Waits for any of the readiness states in `interest`.
    ///
    /// Usually followed by [`try_read`](TcpStream::try_read) or
    /// [`try_write`](TcpStream::try_write), this lets one task read and
    /// write the same stream without splitting it. The readiness returned
    /// can be a false positive (the operation then returns `WouldBlock`),
    /// and may lack the state you need: check it and wait again if so.
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
    /// use std::io;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut peer, _) = listener.accept().await?;
    /// peer.write_all(b"ping").await?;
    ///
    /// // Send "pong" and receive "ping", in whatever order the socket allows.
    /// let mut sent = false;
    /// let mut received = Vec::new();
    /// while !sent || received.len() < 4 {
    ///     let interest = if sent { Interest::READABLE } else { Interest::READABLE | Interest::WRITABLE };
    ///     let ready = stream.ready(interest).await?;
    ///     if ready.is_readable() {
    ///         let mut buf = [0u8; 16];
    ///         match stream.try_read(&mut buf) {
    ///             Ok(n) => received.extend_from_slice(&buf[..n]),
    ///             Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///             Err(e) => return Err(e),
    ///         }
    ///     }
    ///     if ready.is_writable() && !sent {
    ///         match stream.try_write(b"pong") {
    ///             Ok(_) => sent = true,
    ///             Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///             Err(e) => return Err(e),
    ///         }
    ///     }
    /// }
    /// assert_eq!(received, b"ping");
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let event = self.io.registration().readiness(interest).await?;
        Ok(event.ready)
    }

    /// Waits until the stream is readable.
    ///
    /// The same as `ready(Interest::READABLE)`, and usually followed by
    /// [`try_read`](TcpStream::try_read). Any number of tasks may wait at
    /// once.
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
    /// use std::io;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut peer, _) = listener.accept().await?;
    /// peer.write_all(b"data").await?;
    ///
    /// let mut buf = [0u8; 16];
    /// let n = loop {
    ///     stream.readable().await?;
    ///     match stream.try_read(&mut buf) {
    ///         Ok(n) => break n,
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert!(n > 0);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await?;
        Ok(())
    }

    /// Polls for read readiness.
    ///
    /// Returns `Poll::Ready(Ok(()))` once the stream is readable, and
    /// `Poll::Pending` (arranging for a wake-up) until then. This shares a
    /// waker slot with `poll_read` and `poll_peek`: only the task of the
    /// most recent call is woken (`poll_write_ready` has its own slot).
    /// For waiting from several tasks, use
    /// [`readable`](TcpStream::readable).
    ///
    /// # Errors
    ///
    /// Any I/O error other than `WouldBlock`; an error once the runtime has
    /// shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::future::poll_fn;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut peer, _) = listener.accept().await?;
    /// peer.write_all(b"!").await?;
    /// poll_fn(|cx| stream.poll_read_ready(cx)).await?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(|_| ())
    }

    /// Tries to read into `buf` without waiting, returning how many bytes
    /// were read.
    ///
    /// Takes whatever data is waiting in the socket. Since it never waits,
    /// `buf` can live on the stack of the task. Usually paired with
    /// [`readable`](TcpStream::readable) or [`ready`](TcpStream::ready).
    ///
    /// `Ok(0)` means the peer closed its write direction (end of stream),
    /// or `buf` is empty.
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
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut peer, _) = listener.accept().await?;
    ///
    /// let mut buf = [0u8; 8];
    /// // Nothing has been sent yet.
    /// assert_eq!(stream.try_read(&mut buf).unwrap_err().kind(), io::ErrorKind::WouldBlock);
    ///
    /// peer.write_all(b"late").await?;
    /// let mut got = Vec::new();
    /// while got.len() < 4 {
    ///     stream.readable().await?;
    ///     match stream.try_read(&mut buf) {
    ///         Ok(n) => got.extend_from_slice(&buf[..n]),
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// assert_eq!(got, b"late");
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.try_op(Interest::READABLE, || (&*self.io).read(buf))
    }

    /// Tries to read into several buffers without waiting, returning how
    /// many bytes were read in all.
    ///
    /// The buffers are filled in order, as one `try_read` into their
    /// concatenation would; the last one written to may be filled only in
    /// part. `Ok(0)` means end of stream (or no room at all).
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
    /// use std::io::{self, IoSliceMut};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut peer, _) = listener.accept().await?;
    /// peer.write_all(b"headbody").await?;
    ///
    /// let (mut head, mut body) = ([0u8; 4], [0u8; 16]);
    /// let n = loop {
    ///     stream.readable().await?;
    ///     let mut bufs = [IoSliceMut::new(&mut head), IoSliceMut::new(&mut body)];
    ///     match stream.try_read_vectored(&mut bufs) {
    ///         Ok(n) => break n,
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert!(n > 0);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.try_op(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    cfg_io_util! {
        /// Tries to read into `buf`'s spare capacity without waiting,
        /// advancing it by the number of bytes read, which is returned.
        ///
        /// Works with any [`bytes::BufMut`], such as `Vec<u8>` or
        /// `BytesMut`: the bytes are appended. `Ok(0)` means end of stream
        /// (or a buffer with no room left).
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
        /// let stream = TcpStream::connect(listener.local_addr()?).await?;
        /// let (mut peer, _) = listener.accept().await?;
        /// peer.write_all(b"appended").await?;
        ///
        /// let mut buf = Vec::with_capacity(64);
        /// while buf.len() < 8 {
        ///     stream.readable().await?;
        ///     match stream.try_read_buf(&mut buf) {
        ///         Ok(_) => {}
        ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        ///         Err(e) => return Err(e),
        ///     }
        /// }
        /// assert_eq!(buf, b"appended");
        /// # Ok::<(), std::io::Error>(())
        /// # }).unwrap();
        /// ```
        pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.try_op(Interest::READABLE, || {
                let dst = buf.chunk_mut();
                // SAFETY: `UninitSlice` is a slice of possibly uninitialised
                // bytes; `recv_into` only writes to it.
                let dst = unsafe { dst.as_uninit_slice_mut() };
                let n = recv_into(&*self.io, dst, 0)?;
                // SAFETY: `recv` initialised the first `n` bytes of the
                // chunk, which is at least `n` bytes long.
                unsafe { buf.advance_mut(n) };
                Ok(n)
            })
        }
    }

    /// Waits until the stream is writable.
    ///
    /// The same as `ready(Interest::WRITABLE)`, and usually followed by
    /// [`try_write`](TcpStream::try_write). Any number of tasks may wait at
    /// once.
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
    /// use std::io;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// loop {
    ///     stream.writable().await?;
    ///     match stream.try_write(b"hello") {
    ///         Ok(_) => break,
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await?;
        Ok(())
    }

    /// Polls for write readiness.
    ///
    /// Returns `Poll::Ready(Ok(()))` once the stream is writable, and
    /// `Poll::Pending` (arranging for a wake-up) until then. This shares a
    /// waker slot with `poll_write`: only the task of the most recent call
    /// is woken (`poll_read_ready` has its own slot). For waiting from
    /// several tasks, use [`writable`](TcpStream::writable).
    ///
    /// # Errors
    ///
    /// Any I/O error other than `WouldBlock`; an error once the runtime has
    /// shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::future::poll_fn;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// poll_fn(|cx| stream.poll_write_ready(cx)).await?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(|_| ())
    }

    /// Tries to write `buf` without waiting, returning how many bytes were
    /// written.
    ///
    /// Only part of `buf` may be written. Usually paired with
    /// [`writable`](TcpStream::writable).
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket's send buffer is full; `BrokenPipe` or
    /// `ConnectionReset` if the peer is gone; any other write error as is.
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
    /// let mut rest: &[u8] = b"some bytes";
    /// while !rest.is_empty() {
    ///     stream.writable().await?;
    ///     match stream.try_write(rest) {
    ///         Ok(n) => rest = &rest[n..],
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.try_op(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// Tries to write several buffers without waiting, returning how many
    /// bytes were written in all.
    ///
    /// The buffers are sent in order, as one `try_write` of their
    /// concatenation would; the last one may be sent only in part.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket's send buffer is full; `BrokenPipe` or
    /// `ConnectionReset` if the peer is gone; any other write error as is.
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
    /// let bufs = [IoSlice::new(b"head"), IoSlice::new(b"body")];
    /// let n = loop {
    ///     stream.writable().await?;
    ///     match stream.try_write_vectored(&bufs) {
    ///         Ok(n) => break n,
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert_eq!(n, 8);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.try_op(Interest::WRITABLE, || send_vectored(&self.io, bufs))
    }

    /// Runs a custom I/O operation on the socket if it is ready, without
    /// waiting.
    ///
    /// If the stream looks ready for `interest`, `f` is called; it should
    /// perform the operation itself (a system call on the descriptor from
    /// [`as_raw_fd`](std::os::fd::AsRawFd::as_raw_fd), say) and return its
    /// result. If it returns `WouldBlock`, the readiness is cleared, so
    /// the next wait really waits. If the stream does not look ready, `f` is
    /// not called and `WouldBlock` is returned.
    ///
    /// `f` must return `WouldBlock` only when the operation it performed
    /// found the socket not ready: a spurious `WouldBlock` clears readiness
    /// the socket still has, and a later wait may then never end. It must
    /// not use this `TcpStream`'s own methods, which manage readiness
    /// themselves. Use one direction per call: combined interests are not
    /// supported (the call may panic or a later wait may never end).
    ///
    /// # Errors
    ///
    /// `WouldBlock` as described, or whatever `f` returns.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncWriteExt, Interest};
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::io::{self, Read};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut peer, _) = listener.accept().await?;
    /// peer.write_all(b"custom").await?;
    ///
    /// // Read through a second handle on the same socket.
    /// let raw = socket2::SockRef::from(&stream);
    /// let mut buf = [0u8; 16];
    /// let n = loop {
    ///     stream.readable().await?;
    ///     match stream.try_io(Interest::READABLE, || (&*raw).read(&mut buf)) {
    ///         Ok(n) => break n,
    ///         Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert!(n > 0);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.try_op(interest, f)
    }

    /// Waits for `interest`, then runs a custom I/O operation on the
    /// socket, until it does not return `WouldBlock`.
    ///
    /// Each time the stream becomes ready for `interest`, `f` is called; it
    /// should perform the operation itself and return its result. On
    /// `WouldBlock` the readiness is cleared and the wait starts over; any
    /// other result is returned.
    ///
    /// `f` must return `WouldBlock` only when the operation it performed
    /// found the socket not ready (otherwise the wait may never end), and
    /// must not use this `TcpStream`'s own methods. Use one direction per
    /// call: combined interests are not supported.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as far as the wait goes: if the future is dropped before
    /// `f` succeeded, no operation completed (provided `f` itself does
    /// nothing on `WouldBlock`).
    ///
    /// # Errors
    ///
    /// Whatever `f` returns, other than `WouldBlock`; an error once the
    /// runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncWriteExt, Interest};
    /// use kiso::net::{TcpListener, TcpStream};
    /// use std::io::Read;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut peer, _) = listener.accept().await?;
    /// peer.write_all(b"async io").await?;
    ///
    /// let raw = socket2::SockRef::from(&stream);
    /// let mut buf = [0u8; 16];
    /// let n = stream.async_io(Interest::READABLE, || (&*raw).read(&mut buf)).await?;
    /// assert!(n > 0);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.async_op(interest, f).await
    }

    /// Receives data without removing it from the socket's queue,
    /// returning how many bytes were copied into `buf`.
    ///
    /// Waits until data arrives. Successive calls see the same bytes
    /// (`MSG_PEEK`); a read then consumes them. `Ok(0)` means end of
    /// stream (or an empty `buf`).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if the future is dropped before it
    /// completes, no data was peeked and `buf` is untouched.
    ///
    /// # Errors
    ///
    /// Any receive error other than `WouldBlock`; an error once the runtime
    /// has shut down.
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
    /// client.write_all(b"x").await?;
    ///
    /// let mut peeked = [0u8; 1];
    /// server.peek(&mut peeked).await?;
    /// let mut read = [0u8; 1];
    /// server.read_exact(&mut read).await?;
    /// assert_eq!(peeked, read);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.async_op(Interest::READABLE, || self.io.peek(buf))
            .await
    }

    /// Shuts down one or both directions of the connection; a connection
    /// the peer already tore down (`NotConnected`) counts as shut down.
    pub(super) fn shutdown_std(&self, how: Shutdown) -> io::Result<()> {
        match self.io.shutdown(how) {
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            res => res,
        }
    }

    /// Gets the `TCP_NODELAY` option; see
    /// [`set_nodelay`](TcpStream::set_nodelay).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
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
    /// assert!(!stream.nodelay()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.nodelay()
    }

    /// Sets the `TCP_NODELAY` option.
    ///
    /// When set, Nagle's algorithm is off: small writes are sent at once
    /// instead of being held back to be merged with later data. This
    /// lowers latency for request/response traffic at the cost of more,
    /// smaller packets.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
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
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.set_nodelay(nodelay)
    }

    /// Gets the `TCP_QUICKACK` option; see
    /// [`set_quickack`](TcpStream::set_quickack).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
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
    /// stream.set_quickack(false)?;
    /// assert!(!stream.quickack()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "fuchsia",
        target_os = "cygwin"
    ))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(
            target_os = "linux",
            target_os = "android",
            target_os = "fuchsia",
            target_os = "cygwin"
        )))
    )]
    pub fn quickack(&self) -> io::Result<bool> {
        socket2::SockRef::from(self).tcp_quickack()
    }

    /// Sets the `TCP_QUICKACK` option.
    ///
    /// When set, the kernel sends acknowledgements at once instead of
    /// delaying them to piggyback on outgoing data. Linux may clear the
    /// flag again by itself as the connection goes on. See `tcp(7)`.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
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
    /// stream.set_quickack(true)?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_os = "fuchsia",
        target_os = "cygwin"
    ))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(
            target_os = "linux",
            target_os = "android",
            target_os = "fuchsia",
            target_os = "cygwin"
        )))
    )]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        socket2::SockRef::from(self).set_tcp_quickack(quickack)
    }

    /// Gets the `SO_LINGER` option: how long closing the socket may wait
    /// for unsent data, or `None` if lingering is off.
    ///
    /// See [`set_zero_linger`](TcpStream::set_zero_linger) and
    /// [`set_linger`](TcpStream::set_linger).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
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
    /// assert_eq!(stream.linger()?, None);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(self).linger()
    }

    /// Sets the `SO_LINGER` option.
    ///
    /// With a duration set, closing a socket that still has unsent data
    /// blocks the closing thread until the data is sent or the time runs
    /// out; without (`None`, the default), closing returns at once and the
    /// kernel finishes sending in the background.
    ///
    /// Deprecated because blocking on close is always wrong for a socket
    /// used from async code: the thread that drops the stream is a runtime
    /// thread. Prefer closing gracefully (shut down the write direction,
    /// then read until end of stream). The special case of a zero duration
    /// does not block: it resets the connection instead; use
    /// [`set_zero_linger`](TcpStream::set_zero_linger) for it. The method
    /// stays available.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
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
    /// #[allow(deprecated)]
    /// stream.set_linger(None)?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[deprecated = "with `SO_LINGER` set, closing the socket blocks the thread; use `set_zero_linger` for an abortive close"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(self).set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: closing the socket then aborts the
    /// connection.
    ///
    /// When the stream is dropped, the kernel discards any data not yet
    /// sent and sends the peer a reset (`RST`) instead of the usual `FIN`
    /// handshake; the peer's next read typically fails with
    /// `ConnectionReset`. The socket skips `TIME_WAIT`. This does not
    /// block.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    /// use kiso::net::{TcpListener, TcpStream};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    ///
    /// client.set_zero_linger()?;
    /// drop(client);
    /// let err = server.read(&mut [0u8; 8]).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::ConnectionReset);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        socket2::SockRef::from(self).set_linger(Some(Duration::ZERO))
    }

    /// Gets the `IP_TTL` option: the time-to-live of the IP packets the
    /// socket sends.
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
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
    /// stream.set_ttl(32)?;
    /// assert_eq!(stream.ttl()?, 32);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the `IP_TTL` option: the time-to-live of every IP packet the
    /// socket sends.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
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
    /// stream.set_ttl(123)?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Splits the stream into a read half and a write half that borrow it,
    /// to read and write at the same time.
    ///
    /// Cheaper than [`into_split`](TcpStream::into_split) (no allocation),
    /// but the halves borrow the stream, so they cannot move into separate
    /// spawned tasks.
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
    /// client.write_all(b"echo me").await?;
    /// client.shutdown().await?;
    ///
    /// let (mut reader, mut writer) = server.split();
    /// let copied = kiso::io::copy(&mut reader, &mut writer).await?;
    /// assert_eq!(copied, 7);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[allow(clippy::needless_lifetimes)] // the lifetime shows in the docs
    pub fn split<'a>(&'a mut self) -> (ReadHalf<'a>, WriteHalf<'a>) {
        super::split::split(self)
    }

    /// Splits the stream into an owned read half and an owned write half,
    /// which can move to different tasks.
    ///
    /// This costs an allocation; [`split`](TcpStream::split) does not.
    /// The halves can be put back together with
    /// [`OwnedReadHalf::reunite`].
    ///
    /// **Note:** dropping the write half shuts down the write direction of
    /// the connection, as [`shutdown()`] would (unless it is dropped with
    /// [`OwnedWriteHalf::forget`]).
    ///
    /// [`shutdown()`]: crate::io::AsyncWriteExt::shutdown
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
    /// let (mut reader, mut writer) = client.into_split();
    /// let write = kiso::spawn(async move { writer.write_all(b"owned").await });
    /// let mut buf = [0u8; 5];
    /// server.read_exact(&mut buf).await?;
    /// server.write_all(&buf).await?;
    /// reader.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"owned");
    /// write.await.unwrap()?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        super::split_owned::split_owned(self)
    }

    // ===== readiness plumbing =====

    /// One attempt at `f`, if the stream is ready.
    fn try_op<R>(&self, interest: Interest, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// Poll-style: runs `f` once the stream is ready in `direction`, until
    /// it stops returning `WouldBlock`. Spends coop budget.
    fn poll_op<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.io.registration().poll_io(cx, direction, f)
    }

    /// Async: waits for `interest`, then runs `f`, until it stops
    /// returning `WouldBlock`.
    async fn async_op<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    // ===== poll I/O through `&self` (for the split halves) =====

    pub(super) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }

    pub(super) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    pub(super) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_op(cx, Direction::Write, || send_vectored(&self.io, bufs))
    }
}

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// Same as [`TcpStream::from_std`].
    #[track_caller]
    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Written bytes are with the kernel already; there is nothing to
        // flush.
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write direction: the peer reads end of stream.
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_std(Shutdown::Write))
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // mio's (and std's) format: the addresses and the descriptor.
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRef<TcpStream> for TcpStream {
    fn as_ref(&self) -> &TcpStream {
        self
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
