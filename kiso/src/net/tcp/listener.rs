//! `TcpListener`: a bound, listening TCP socket that accepts connections.

use crate::io::Interest;
use crate::net::addr::{to_socket_addrs, ToSocketAddrs};
use crate::net::tcp::TcpStream;
use crate::runtime::io::{Direction, PollEvented};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll};

/// A TCP socket server, listening for connections.
///
/// Created with [`bind`](TcpListener::bind) (or [`TcpSocket::listen`] to
/// set socket options first, or [`from_std`](TcpListener::from_std)).
/// Connections are taken with [`accept`](TcpListener::accept), each as a
/// [`TcpStream`] plus the peer's address. Dropping the listener closes the
/// socket; connections already accepted are unaffected.
///
/// A `TcpListener` must be created inside a runtime with I/O enabled, and
/// is tied to that runtime: once it shuts down, `accept` fails.
///
/// [`TcpSocket::listen`]: crate::net::TcpSocket::listen
///
/// # Examples
///
/// An echo server that serves each client from its own task:
///
/// ```no_run
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
/// use kiso::net::TcpListener;
///
/// #[kiso::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = TcpListener::bind("127.0.0.1:8080").await?;
///     loop {
///         let (mut socket, _peer) = listener.accept().await?;
///         kiso::spawn(async move {
///             let mut buf = [0u8; 1024];
///             loop {
///                 match socket.read(&mut buf).await {
///                     Ok(0) | Err(_) => return,
///                     Ok(n) => {
///                         if socket.write_all(&buf[..n]).await.is_err() {
///                             return;
///                         }
///                     }
///                 }
///             }
///         });
///     }
/// }
/// ```
pub struct TcpListener {
    io: PollEvented<mio::net::TcpListener>,
}

impl TcpListener {
    /// Creates a listener bound to `addr`.
    ///
    /// `addr` may resolve to several addresses (a host name, a slice of
    /// addresses): binding is tried on each in turn, and the first one
    /// that succeeds is used. Binding to port 0 picks a free port;
    /// [`local_addr`](TcpListener::local_addr) tells which.
    ///
    /// The socket has `SO_REUSEADDR` set, so a server can bind again to a
    /// port whose previous connections are still in `TIME_WAIT`.
    ///
    /// # Errors
    ///
    /// The error of the last address tried if none could be bound (for
    /// example `AddrInUse` or `AddrNotAvailable`), an `InvalidInput` error
    /// if `addr` resolved to no address at all, or the resolver's error.
    ///
    /// # Panics
    ///
    /// Panics if called outside a runtime with I/O enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpListener;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// assert!(addr.ip().is_loopback());
    /// assert_ne!(addr.port(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        let mut last_err = None;
        for addr in to_socket_addrs(addr).await? {
            match mio::net::TcpListener::bind(addr).and_then(TcpListener::new) {
                Ok(listener) => return Ok(listener),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_addresses))
    }

    /// Registers a listening mio socket with the current runtime.
    #[track_caller]
    pub(crate) fn new(listener: mio::net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: PollEvented::new(listener)?,
        })
    }

    /// Accepts a new connection.
    ///
    /// Waits until a client connects, then returns its stream and address.
    /// Several tasks may wait in `accept` on the same listener (through an
    /// `Arc`, say); each connection goes to one of them.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If it is used in a `select!` branch and
    /// another branch completes first, no connection has been taken from
    /// the listener: the next `accept` gets it.
    ///
    /// # Errors
    ///
    /// The operating system's `accept` error, such as `EMFILE` when the
    /// process is out of file descriptors (the pending connection stays
    /// queued; a later call can accept it once descriptors are free), or
    /// an error for which [`is_rt_shutdown_err`] is true once the runtime
    /// has shut down.
    ///
    /// [`is_rt_shutdown_err`]: crate::runtime::is_rt_shutdown_err
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
    ///
    /// let (stream, peer) = listener.accept().await?;
    /// assert_eq!(peer, client.local_addr()?);
    /// assert_eq!(stream.peer_addr()?, peer);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.io.accept())
            .await?;
        Ok((TcpStream::new_accepted(stream)?, addr))
    }

    /// Polls for a new connection.
    ///
    /// Returns `Poll::Pending` (and arranges for the task to be woken)
    /// while no connection is waiting; `Poll::Ready(Ok((stream, addr)))`
    /// once one was accepted. Only the waker of the most recent call is
    /// woken, so this suits a single task polling the listener;
    /// [`accept`](TcpListener::accept) allows any number.
    ///
    /// # Errors
    ///
    /// As for [`accept`](TcpListener::accept).
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
    /// let _client = TcpStream::connect(listener.local_addr()?).await?;
    /// let (stream, _peer) = poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// assert_eq!(stream.local_addr()?, listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Read, || self.io.accept())
            .map(|res| {
                let (stream, addr) = res?;
                Ok((TcpStream::new_accepted(stream)?, addr))
            })
    }

    /// Creates a `TcpListener` from a listening [`std::net::TcpListener`].
    ///
    /// The std listener must already be in non-blocking mode
    /// ([`set_nonblocking(true)`](std::net::TcpListener::set_nonblocking));
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
    /// builds, if the listener is in blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpListener;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// std_listener.set_nonblocking(true)?;
    /// let listener = TcpListener::from_std(std_listener)?;
    /// # let _ = listener;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[track_caller]
    pub fn from_std(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        super::check_nonblocking(&listener)?;
        TcpListener::new(mio::net::TcpListener::from_std(listener))
    }

    /// Turns the listener back into a [`std::net::TcpListener`].
    ///
    /// The returned listener is still in non-blocking mode; call
    /// [`set_nonblocking(false)`](std::net::TcpListener::set_nonblocking)
    /// to use it with blocking calls.
    ///
    /// # Errors
    ///
    /// Fails if the socket cannot be removed from the I/O driver.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpListener;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// let std_listener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?;
    /// assert_eq!(std_listener.local_addr()?, addr);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpListener> {
        let mio = self.io.into_inner()?;
        Ok(std::net::TcpListener::from(std::os::fd::OwnedFd::from(mio)))
    }

    /// Returns the local address the listener is bound to.
    ///
    /// # Errors
    ///
    /// The operating system's `getsockname` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpListener;
    /// use std::net::{Ipv4Addr, SocketAddr};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// assert_eq!(addr.ip(), Ipv4Addr::LOCALHOST);
    /// # let _: SocketAddr = addr;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
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
    /// use kiso::net::TcpListener;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(64)?;
    /// assert_eq!(listener.ttl()?, 64);
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
    /// The operating system's `setsockopt` error (for example for a value
    /// out of range).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpListener;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// listener.set_ttl(100)?;
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }
}

/// The error when an address argument resolved to nothing.
pub(super) fn no_addresses() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "could not resolve to any address",
    )
}

impl TryFrom<std::net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// Same as [`TcpListener::from_std`].
    #[track_caller]
    fn try_from(listener: std::net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // mio's (and std's) format: the address and the descriptor.
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
