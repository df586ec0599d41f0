use crate::net::{UnixDatagram, UnixListener, UnixStream};
use std::io;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::path::Path;

/// A Unix-domain socket that is not yet a listener, a stream or a datagram
/// socket.
///
/// Lets a socket be bound (or otherwise set up through its descriptor)
/// before it becomes a [`UnixListener`] ([`listen`](UnixSocket::listen)), a
/// [`UnixStream`] ([`connect`](UnixSocket::connect)) or a [`UnixDatagram`]
/// ([`datagram`](UnixSocket::datagram)). Creating and binding need no
/// runtime; the conversions register the socket with the current one.
///
/// # Examples
///
/// ```
/// use kiso::net::UnixSocket;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let name = format!("\0kiso-doc-unixsocket-{}", std::process::id());
/// let socket = UnixSocket::new_stream()?;
/// socket.bind(&name)?;
/// let listener = socket.listen(128)?;
///
/// let stream = UnixSocket::new_stream()?.connect(&name).await?;
/// let (_accepted, _) = listener.accept().await?;
/// # let _ = stream;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct UnixSocket {
    inner: socket2::Socket,
}

impl UnixSocket {
    fn ty(&self) -> socket2::Type {
        self.inner.r#type().expect("a socket has a type")
    }

    /// Creates a new, unbound datagram socket (`SOCK_DGRAM`), in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// The OS's error (out of descriptors, say).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = kiso::net::UnixSocket::new_datagram()?;
    /// let datagram = socket.datagram()?;
    /// # let _ = datagram;
    /// # Ok(())
    /// # }
    /// ```
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(socket2::Type::DGRAM)
    }

    /// Creates a new, unbound stream socket (`SOCK_STREAM`), in non-blocking
    /// mode.
    ///
    /// # Errors
    ///
    /// The OS's error (out of descriptors, say).
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = kiso::net::UnixSocket::new_stream()?;
    /// # let _ = socket;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(socket2::Type::STREAM)
    }

    fn new(ty: socket2::Type) -> io::Result<UnixSocket> {
        #[cfg(any(
            target_os = "android",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "fuchsia",
            target_os = "illumos",
            target_os = "linux",
            target_os = "netbsd",
            target_os = "openbsd"
        ))]
        let inner = socket2::Socket::new(socket2::Domain::UNIX, ty.nonblocking(), None)?;
        #[cfg(not(any(
            target_os = "android",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "fuchsia",
            target_os = "illumos",
            target_os = "linux",
            target_os = "netbsd",
            target_os = "openbsd"
        )))]
        let inner = {
            let s = socket2::Socket::new(socket2::Domain::UNIX, ty, None)?;
            s.set_nonblocking(true)?;
            s
        };
        Ok(UnixSocket { inner })
    }

    /// Binds the socket to `path` (a `"\0name"` path binds `name` in
    /// Linux's abstract namespace).
    ///
    /// # Errors
    ///
    /// The OS's error: `AddrInUse` if something exists at `path` already.
    ///
    /// # Examples
    ///
    /// ```
    /// let socket = kiso::net::UnixSocket::new_stream()?;
    /// socket.bind(format!("\0kiso-doc-socket-bind-{}", std::process::id()))?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let addr = socket2::SockAddr::unix(path)?;
        self.inner.bind(&addr)
    }

    /// Starts listening on the (stream) socket, with a connection queue of
    /// `backlog` (values past `i32::MAX` are clamped), and turns it into a
    /// [`UnixListener`].
    ///
    /// # Errors
    ///
    /// An error if this is a datagram socket; otherwise the OS's error.
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
    /// let socket = kiso::net::UnixSocket::new_stream()?;
    /// socket.bind(format!("\0kiso-doc-socket-listen-{}", std::process::id()))?;
    /// let listener = socket.listen(16)?;
    /// # let _ = listener;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if self.ty() == socket2::Type::DGRAM {
            return Err(io::Error::other(
                "listen cannot be called on a datagram socket",
            ));
        }
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        let fd = self.inner.into_raw_fd();
        // SAFETY: `into_raw_fd` released the open, listening socket to us.
        UnixListener::new(unsafe { mio::net::UnixListener::from_raw_fd(fd) })
    }

    /// Connects the (stream) socket to `path` and turns it into a
    /// [`UnixStream`].
    ///
    /// # Errors
    ///
    /// An error if this is a datagram socket; otherwise the OS's error
    /// (`NotFound`, `ConnectionRefused`, ...).
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{UnixListener, UnixSocket};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-socket-connect-{}", std::process::id());
    /// let _listener = UnixListener::bind(&name)?;
    /// let stream = UnixSocket::new_stream()?.connect(&name).await?;
    /// # let _ = stream;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if self.ty() == socket2::Type::DGRAM {
            return Err(io::Error::other(
                "connect cannot be called on a datagram socket",
            ));
        }
        let addr = socket2::SockAddr::unix(path)?;
        if let Err(e) = self.inner.connect(&addr) {
            if e.raw_os_error() != Some(libc::EINPROGRESS) {
                return Err(e);
            }
        }
        let fd = self.inner.into_raw_fd();
        // SAFETY: `into_raw_fd` released the open socket to us.
        let sys = unsafe { mio::net::UnixStream::from_raw_fd(fd) };
        UnixStream::connect_mio(sys).await
    }

    /// Turns the (datagram) socket into a [`UnixDatagram`].
    ///
    /// # Errors
    ///
    /// An error if this is a stream socket, or if the socket has an error
    /// pending.
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
    /// let socket = kiso::net::UnixSocket::new_datagram()?;
    /// socket.bind(format!("\0kiso-doc-socket-dgram-{}", std::process::id()))?;
    /// let datagram = socket.datagram()?;
    /// # let _ = datagram;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if self.ty() == socket2::Type::STREAM {
            return Err(io::Error::other(
                "datagram cannot be called on a stream socket",
            ));
        }
        let fd = self.inner.into_raw_fd();
        // SAFETY: `into_raw_fd` released the open socket to us.
        UnixDatagram::from_mio(unsafe { mio::net::UnixDatagram::from_raw_fd(fd) })
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl FromRawFd for UnixSocket {
    /// Wraps an open Unix-domain socket descriptor.
    ///
    /// # Safety
    ///
    /// `fd` must be an open socket descriptor that nothing else owns; the
    /// `UnixSocket` closes it.
    unsafe fn from_raw_fd(fd: RawFd) -> UnixSocket {
        // SAFETY: the caller hands over ownership of an open socket.
        UnixSocket {
            inner: unsafe { socket2::Socket::from_raw_fd(fd) },
        }
    }
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}
