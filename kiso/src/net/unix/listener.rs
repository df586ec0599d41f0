use crate::io::Interest;
use crate::net::udp::check_socket_for_blocking;
use crate::net::unix::{SocketAddr, UnixStream};
use crate::runtime::io::{Direction, PollEvented};
use std::fmt;
use std::io;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::os::unix::net;
use std::path::Path;
use std::task::{ready, Context, Poll};

/// A Unix-domain socket listening for connections, registered with the
/// runtime's I/O driver.
///
/// [`accept`](UnixListener::accept) waits for the next connection. Dropping
/// the listener closes the socket but leaves a pathname socket's file in
/// place: remove it before binding the same path again.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
/// use kiso::net::{UnixListener, UnixStream};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("kiso-doc-listener-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("sock");
/// # let _ = std::fs::remove_file(&path);
/// let listener = UnixListener::bind(&path)?;
///
/// let client = kiso::spawn({
///     let path = path.clone();
///     async move {
///         let mut stream = UnixStream::connect(path).await.unwrap();
///         stream.write_all(b"hello").await.unwrap();
///     }
/// });
///
/// let (mut stream, _addr) = listener.accept().await?;
/// let mut got = String::new();
/// stream.read_to_string(&mut got).await?;
/// assert_eq!(got, "hello");
/// client.await.unwrap();
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(alias = "uds"))]
pub struct UnixListener {
    io: PollEvented<mio::net::UnixListener>,
}

impl UnixListener {
    #[track_caller]
    pub(crate) fn new(listener: mio::net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new(listener)?,
        })
    }

    /// Creates a listener bound to `path`.
    ///
    /// On Linux and Android a path whose first byte is NUL (`"\0name"`)
    /// binds `name` in the abstract namespace, where no file is created.
    ///
    /// # Errors
    ///
    /// The OS's error: `AddrInUse` if something exists at `path` already,
    /// `NotFound` if its directory does not exist.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-bind-{}", std::process::id());
    /// let listener = kiso::net::UnixListener::bind(&name)?;
    /// assert_eq!(listener.local_addr()?.as_abstract_name(), Some(&name.as_bytes()[1..]));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn bind<P>(path: P) -> io::Result<UnixListener>
    where
        P: AsRef<Path>,
    {
        let addr = SocketAddr(super::addr_from_path(path.as_ref())?);
        UnixListener::bind_addr(&addr)
    }

    /// Creates a listener bound to `socket_addr`.
    ///
    /// # Errors
    ///
    /// The OS's error, as for [`bind`](UnixListener::bind).
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::SocketAddr;
    /// use std::os::linux::net::SocketAddrExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("kiso-doc-bind-addr-{}", std::process::id());
    /// let addr: SocketAddr = std::os::unix::net::SocketAddr::from_abstract_name(&name)?.into();
    /// let listener = kiso::net::UnixListener::bind_addr(&addr)?;
    /// # let _ = listener;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixListener> {
        UnixListener::new(mio::net::UnixListener::bind_addr(&socket_addr.0)?)
    }

    /// Wraps a listening [`std::os::unix::net::UnixListener`].
    ///
    /// The listener must already be in non-blocking mode
    /// ([`set_nonblocking`](std::os::unix::net::UnixListener::set_nonblocking));
    /// a blocking one would stall the runtime's threads.
    ///
    /// # Errors
    ///
    /// Fails if the listener cannot be registered with the I/O driver.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    /// In debug builds it also panics if the listener is in blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::os::linux::net::SocketAddrExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("kiso-doc-from-std-{}", std::process::id());
    /// let addr = std::os::unix::net::SocketAddr::from_abstract_name(&name)?;
    /// let std_listener = std::os::unix::net::UnixListener::bind_addr(&addr)?;
    /// std_listener.set_nonblocking(true)?;
    /// let listener = kiso::net::UnixListener::from_std(std_listener)?;
    /// # let _ = listener;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(listener: net::UnixListener) -> io::Result<UnixListener> {
        check_socket_for_blocking(&listener)?;
        UnixListener::new(mio::net::UnixListener::from_std(listener))
    }

    /// Turns the listener back into a
    /// [`std::os::unix::net::UnixListener`], leaving the I/O driver.
    ///
    /// The returned listener is still in non-blocking mode.
    ///
    /// # Errors
    ///
    /// Fails if the listener cannot be taken out of the driver's event
    /// queue.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-into-std-{}", std::process::id());
    /// let listener = kiso::net::UnixListener::bind(&name)?;
    /// let std_listener = listener.into_std()?;
    /// std_listener.set_nonblocking(false)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UnixListener> {
        let fd = self.io.into_inner()?.into_raw_fd();
        // SAFETY: `into_raw_fd` released the open descriptor to us; it is
        // owned by nothing else.
        Ok(unsafe { net::UnixListener::from_raw_fd(fd) })
    }

    /// Returns the address the listener is bound to.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-local-{}", std::process::id());
    /// let listener = kiso::net::UnixListener::bind(&name)?;
    /// assert!(!listener.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Takes the pending `SO_ERROR` off the socket, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-error-{}", std::process::id());
    /// let listener = kiso::net::UnixListener::bind(&name)?;
    /// assert!(listener.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Waits for and accepts the next connection, returning the new stream
    /// and the client's address (unnamed unless the client bound one).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before completing, no
    /// connection was taken from the queue.
    ///
    /// # Errors
    ///
    /// The OS's error (out of descriptors, say), or an error once the
    /// runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{UnixListener, UnixStream};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-accept-{}", std::process::id());
    /// let listener = UnixListener::bind(&name)?;
    /// let _client = UnixStream::connect(&name).await?;
    /// let (stream, addr) = listener.accept().await?;
    /// assert!(addr.is_unnamed());
    /// # let _ = stream;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (sys, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.io.accept())
            .await?;
        Ok((UnixStream::new_accepted(sys)?, SocketAddr(addr)))
    }

    /// Polls to accept the next connection.
    ///
    /// On `Poll::Pending` the context's waker is stored; only the latest
    /// caller's waker is woken. Prefer [`accept`](UnixListener::accept),
    /// which any number of tasks may await at once.
    ///
    /// # Errors
    ///
    /// As for [`accept`](UnixListener::accept).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{UnixListener, UnixStream};
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-poll-accept-{}", std::process::id());
    /// let listener = UnixListener::bind(&name)?;
    /// let _client = UnixStream::connect(&name).await?;
    /// let (stream, _) = poll_fn(|cx| listener.poll_accept(cx)).await?;
    /// # let _ = stream;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (sys, addr) = ready!(self
            .io
            .registration()
            .poll_io(cx, Direction::Read, || self.io.accept()))?;
        Poll::Ready(Ok((UnixStream::new_accepted(sys)?, SocketAddr(addr))))
    }
}

// As Tokio's: a panic cannot leave the registration in a state that is
// unsafe to observe (its readiness word is atomic, its waiter list behind a
// mutex), so the socket is unwind safe whatever the driver's internals are.
impl std::panic::UnwindSafe for UnixListener {}
impl std::panic::RefUnwindSafe for UnixListener {}

impl TryFrom<net::UnixListener> for UnixListener {
    type Error = io::Error;

    /// The same as [`UnixListener::from_std`], including its panics.
    fn try_from(listener: net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::from_std(listener)
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor is owned by `self.io` and stays open for
        // as long as `self` is borrowed.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}
