//! `TcpSocket`: a TCP socket not yet connected or listening, to configure
//! first.

use crate::net::{TcpListener, TcpStream};
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// A TCP socket that has not been turned into a stream or a listener yet.
///
/// `TcpSocket` exposes the socket options that must be set before
/// connecting or listening (address reuse, buffer sizes, binding to a
/// local address or a device...). Create one with
/// [`new_v4`](TcpSocket::new_v4) or [`new_v6`](TcpSocket::new_v6),
/// configure it, then either [`connect`](TcpSocket::connect) to get a
/// [`TcpStream`] or [`listen`](TcpSocket::listen) to get a
/// [`TcpListener`].
///
/// [`TcpStream::connect`] and [`TcpListener::bind`] cover the common
/// cases with default options.
///
/// Dropping a `TcpSocket` closes it. It is in non-blocking mode from the
/// start, and does not need a runtime until `connect` or `listen`.
///
/// # Examples
///
/// Connecting with a bigger send buffer:
///
/// ```
/// use kiso::net::{TcpListener, TcpSocket};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// # let listener = TcpListener::bind("127.0.0.1:0").await?;
/// # let addr = listener.local_addr()?;
/// let socket = TcpSocket::new_v4()?;
/// socket.set_send_buffer_size(256 * 1024)?;
/// let stream = socket.connect(addr).await?;
/// # let _ = stream;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// Listening with `SO_REUSEADDR` and a chosen backlog:
///
/// ```
/// use kiso::net::TcpSocket;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let socket = TcpSocket::new_v4()?;
/// socket.set_reuseaddr(true)?;
/// socket.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = socket.listen(1024)?;
/// # let _ = listener;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
///
/// Options not covered here can be set through
/// [`socket2::SockRef`](https://docs.rs/socket2), which works on any type
/// with a file descriptor.
#[cfg_attr(docsrs, doc(alias = "connect_std"))]
pub struct TcpSocket {
    inner: socket2::Socket,
}

impl TcpSocket {
    /// Creates a new IPv4 TCP socket, in non-blocking mode.
    ///
    /// # Errors
    ///
    /// The operating system's `socket` error (for example when out of
    /// file descriptors).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(socket.local_addr()?.is_ipv4());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(socket2::Domain::IPV4)
    }

    /// Creates a new IPv6 TCP socket, in non-blocking mode.
    ///
    /// # Errors
    ///
    /// The operating system's `socket` error (for example on a host
    /// without IPv6).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// if let Ok(socket) = TcpSocket::new_v6() {
    ///     assert!(socket.local_addr()?.is_ipv6());
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(socket2::Domain::IPV6)
    }

    fn new(domain: socket2::Domain) -> io::Result<TcpSocket> {
        // Made non-blocking (and close-on-exec) atomically where the
        // system allows it.
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
        let inner = socket2::Socket::new(
            domain,
            socket2::Type::STREAM.nonblocking(),
            Some(socket2::Protocol::TCP),
        )?;
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
            let s =
                socket2::Socket::new(domain, socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
            s.set_nonblocking(true)?;
            s
        };
        Ok(TcpSocket { inner })
    }

    /// Sets `SO_KEEPALIVE`: whether the kernel probes an idle connection
    /// to detect a vanished peer.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_keepalive(true)?;
    /// assert!(socket.keepalive()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        self.inner.set_keepalive(keepalive)
    }

    /// Gets `SO_KEEPALIVE`; see [`set_keepalive`](TcpSocket::set_keepalive).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(!socket.keepalive()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn keepalive(&self) -> io::Result<bool> {
        self.inner.keepalive()
    }

    /// Sets `SO_REUSEADDR`: whether binding may reuse a local address that
    /// still has connections in `TIME_WAIT` (useful for servers that
    /// restart).
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_reuseaddr(true)?;
    /// assert!(socket.reuseaddr()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        self.inner.set_reuse_address(reuseaddr)
    }

    /// Gets `SO_REUSEADDR`; see [`set_reuseaddr`](TcpSocket::set_reuseaddr).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(!socket.reuseaddr()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn reuseaddr(&self) -> io::Result<bool> {
        self.inner.reuse_address()
    }

    /// Sets `SO_REUSEPORT`: whether several sockets may bind the same
    /// address and port (the kernel then spreads incoming connections
    /// between their listeners).
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_reuseport(true)?;
    /// assert!(socket.reuseport()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(all(
        unix,
        not(target_os = "solaris"),
        not(target_os = "illumos"),
        not(target_os = "cygwin"),
        not(target_os = "nuttx")
    ))]
    #[cfg_attr(
        docsrs,
        doc(cfg(all(
            unix,
            not(target_os = "solaris"),
            not(target_os = "illumos"),
            not(target_os = "cygwin"),
            not(target_os = "nuttx")
        )))
    )]
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        self.inner.set_reuse_port(reuseport)
    }

    /// Gets `SO_REUSEPORT`; see [`set_reuseport`](TcpSocket::set_reuseport).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(!socket.reuseport()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(all(
        unix,
        not(target_os = "solaris"),
        not(target_os = "illumos"),
        not(target_os = "cygwin"),
        not(target_os = "nuttx")
    ))]
    #[cfg_attr(
        docsrs,
        doc(cfg(all(
            unix,
            not(target_os = "solaris"),
            not(target_os = "illumos"),
            not(target_os = "cygwin"),
            not(target_os = "nuttx")
        )))
    )]
    pub fn reuseport(&self) -> io::Result<bool> {
        self.inner.reuse_port()
    }

    /// Sets `SO_SNDBUF`, the size of the kernel's send buffer. The kernel
    /// may adjust the value (Linux doubles it).
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_send_buffer_size(64 * 1024)?;
    /// assert!(socket.send_buffer_size()? >= 64 * 1024);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_send_buffer_size(size as usize)
    }

    /// Gets `SO_SNDBUF`, the size of the kernel's send buffer (as the kernel
    /// reports it, which may differ from the value set).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(socket.send_buffer_size()? > 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        self.inner.send_buffer_size().map(|n| n as u32)
    }

    /// Sets `SO_RCVBUF`, the size of the kernel's receive buffer. The
    /// kernel may adjust the value (Linux doubles it).
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_recv_buffer_size(64 * 1024)?;
    /// assert!(socket.recv_buffer_size()? >= 64 * 1024);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        self.inner.set_recv_buffer_size(size as usize)
    }

    /// Gets `SO_RCVBUF`, the size of the kernel's receive buffer (as the
    /// kernel reports it).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(socket.recv_buffer_size()? > 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        self.inner.recv_buffer_size().map(|n| n as u32)
    }

    /// Sets `SO_LINGER`: how long closing the socket may block to send
    /// remaining data (`None` turns lingering off, the default).
    ///
    /// Deprecated because blocking on close is always wrong for a socket
    /// used from async code; see
    /// [`TcpStream::set_linger`](crate::net::TcpStream::set_linger). A zero
    /// duration does not block (it resets the connection on close): use
    /// [`set_zero_linger`](TcpSocket::set_zero_linger) for it. The method
    /// stays available.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// #[allow(deprecated)]
    /// socket.set_linger(None)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[deprecated = "with `SO_LINGER` set, closing the socket blocks the thread; use `set_zero_linger` for an abortive close"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        self.inner.set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: closing the socket then aborts the
    /// connection, discarding unsent data and sending the peer a reset
    /// (`RST`) instead of a `FIN`. See
    /// [`TcpStream::set_zero_linger`](crate::net::TcpStream::set_zero_linger).
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    /// use std::time::Duration;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_zero_linger()?;
    /// assert_eq!(socket.linger()?, Some(Duration::ZERO));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        self.inner.set_linger(Some(Duration::ZERO))
    }

    /// Gets `SO_LINGER`; `None` if lingering is off. See
    /// [`set_zero_linger`](TcpSocket::set_zero_linger).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert_eq!(socket.linger()?, None);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        self.inner.linger()
    }

    /// Sets `TCP_NODELAY`: when set, small writes are sent at once rather
    /// than held back by Nagle's algorithm. See
    /// [`TcpStream::set_nodelay`](crate::net::TcpStream::set_nodelay).
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_nodelay(true)?;
    /// assert!(socket.nodelay()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_tcp_nodelay(nodelay)
    }

    /// Gets `TCP_NODELAY`; see [`set_nodelay`](TcpSocket::set_nodelay).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(!socket.nodelay()?);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.tcp_nodelay()
    }

    /// Gets `IPV6_TCLASS`, the traffic class of the IPv6 packets the socket
    /// sends.
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error (for example on an IPv4
    /// socket).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// if let Ok(socket) = TcpSocket::new_v6() {
    ///     assert_eq!(socket.tclass_v6()?, 0);
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(any(
        target_os = "android",
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "fuchsia",
        target_os = "linux",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "cygwin"
    ))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(
            target_os = "android",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "fuchsia",
            target_os = "linux",
            target_os = "macos",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "cygwin"
        )))
    )]
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.inner.tclass_v6()
    }

    /// Sets `IPV6_TCLASS`, the traffic class of every IPv6 packet the
    /// socket sends (DSCP and ECN bits).
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error (for example on an IPv4
    /// socket).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// if let Ok(socket) = TcpSocket::new_v6() {
    ///     socket.set_tclass_v6(0x20)?;
    ///     assert_eq!(socket.tclass_v6()?, 0x20);
    /// }
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(any(
        target_os = "android",
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "fuchsia",
        target_os = "linux",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "cygwin"
    ))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(
            target_os = "android",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "fuchsia",
            target_os = "linux",
            target_os = "macos",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "cygwin"
        )))
    )]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.inner.set_tclass_v6(tclass)
    }

    /// Gets `IP_TOS`, the type-of-service field of the IPv4 packets the
    /// socket sends.
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error (for example on an IPv6
    /// socket).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert_eq!(socket.tos_v4()?, 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos",
        target_os = "haiku"
    )))]
    #[cfg_attr(
        docsrs,
        doc(cfg(not(any(
            target_os = "fuchsia",
            target_os = "redox",
            target_os = "solaris",
            target_os = "illumos",
            target_os = "haiku"
        ))))
    )]
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.inner.tos_v4()
    }

    /// The old name of [`tos_v4`](TcpSocket::tos_v4).
    #[deprecated(note = "renamed `tos_v4`: the option only applies to IPv4")]
    #[doc(hidden)]
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos",
        target_os = "haiku"
    )))]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets `IP_TOS`, the type-of-service field of every IPv4 packet the
    /// socket sends.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error (for example on an IPv6
    /// socket).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.set_tos_v4(0x10)?;
    /// assert_eq!(socket.tos_v4()?, 0x10);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos",
        target_os = "haiku"
    )))]
    #[cfg_attr(
        docsrs,
        doc(cfg(not(any(
            target_os = "fuchsia",
            target_os = "redox",
            target_os = "solaris",
            target_os = "illumos",
            target_os = "haiku"
        ))))
    )]
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.inner.set_tos_v4(tos)
    }

    /// The old name of [`set_tos_v4`](TcpSocket::set_tos_v4).
    #[deprecated(note = "renamed `set_tos_v4`: the option only applies to IPv4")]
    #[doc(hidden)]
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos",
        target_os = "haiku"
    )))]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// Gets `SO_BINDTODEVICE`: the name of the network interface the socket
    /// is bound to, or `None`.
    ///
    /// # Errors
    ///
    /// The operating system's `getsockopt` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert_eq!(socket.device()?, None);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux")))
    )]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.inner.device()
    }

    /// Sets `SO_BINDTODEVICE`: only packets from the named interface (such
    /// as `b"eth0"`) are handled by the socket, and it sends through that
    /// interface. `None` (or an empty name) removes the binding.
    ///
    /// # Errors
    ///
    /// The operating system's `setsockopt` error; binding to a device
    /// usually needs the `CAP_NET_RAW` capability (`PermissionDenied`
    /// otherwise).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind_device(None)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux")))
    )]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.inner.bind_device(interface)
    }

    /// Returns the local address the socket is bound to (the unspecified
    /// address and port 0 if it is not bound yet).
    ///
    /// # Errors
    ///
    /// The operating system's `getsockname` error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert!(socket.local_addr()?.ip().is_loopback());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        let addr = self.inner.local_addr()?;
        addr.as_socket().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "not an IPv4 or IPv6 socket address",
            )
        })
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
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// assert!(socket.take_error()?.is_none());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Binds the socket to a local address.
    ///
    /// Port 0 picks a free port; [`local_addr`](TcpSocket::local_addr) tells
    /// which. Binding is optional before `connect` (the system then picks an
    /// address) and needed before `listen`.
    ///
    /// # Errors
    ///
    /// The operating system's `bind` error, such as `AddrInUse` or
    /// `AddrNotAvailable`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// assert_ne!(socket.local_addr()?.port(), 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        self.inner.bind(&addr.into())
    }

    /// Connects the socket to `addr`, turning it into a [`TcpStream`].
    ///
    /// # Errors
    ///
    /// The connection error, such as `ConnectionRefused`, or a
    /// `NetworkUnreachable` reported at once.
    ///
    /// # Panics
    ///
    /// Panics if called outside a runtime with I/O enabled.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future abandons the attempt and closes the socket.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{TcpListener, TcpSocket};
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let listener = TcpListener::bind("127.0.0.1:0").await?;
    /// let socket = TcpSocket::new_v4()?;
    /// let stream = socket.connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        if let Err(e) = self.inner.connect(&addr.into()) {
            // A non-blocking connect normally reports that it is under way.
            if e.raw_os_error() != Some(libc::EINPROGRESS) {
                return Err(e);
            }
        }
        let mio = mio::net::TcpStream::from(OwnedFd::from(self.inner));
        TcpStream::connect_mio(mio).await
    }

    /// Starts listening for connections, turning the socket into a
    /// [`TcpListener`].
    ///
    /// `backlog` is the length of the queue of connections waiting for
    /// [`accept`](TcpListener::accept); values above `i32::MAX` are clamped
    /// (and the kernel caps it further, to `somaxconn` on Linux).
    ///
    /// # Errors
    ///
    /// The operating system's `listen` error, or a registration error.
    ///
    /// # Panics
    ///
    /// Panics if called outside a runtime with I/O enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// # let rt = kiso::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let socket = TcpSocket::new_v4()?;
    /// socket.bind("127.0.0.1:0".parse().unwrap())?;
    /// let listener = socket.listen(128)?;
    /// assert!(listener.local_addr()?.ip().is_loopback());
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        TcpListener::new(mio::net::TcpListener::from(OwnedFd::from(self.inner)))
    }

    /// Turns a [`std::net::TcpStream`] into a `TcpSocket`.
    ///
    /// The socket keeps its state (connected or not) and its blocking mode.
    /// This is how options missing from [`TcpStream`] can be reached on a
    /// std stream before handing it to kiso.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::TcpSocket;
    ///
    /// # let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// # let addr = listener.local_addr()?;
    /// let std_stream = std::net::TcpStream::connect(addr)?;
    /// let socket = TcpSocket::from_std_stream(std_stream);
    /// socket.set_nodelay(true)?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_std_stream(std_stream: std::net::TcpStream) -> TcpSocket {
        TcpSocket {
            inner: socket2::Socket::from(OwnedFd::from(std_stream)),
        }
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl FromRawFd for TcpSocket {
    /// Takes ownership of a TCP socket descriptor.
    ///
    /// # Safety
    ///
    /// `fd` must be an open socket descriptor that nothing else owns, as
    /// for [`FromRawFd::from_raw_fd`]. It should be a TCP socket in
    /// non-blocking mode.
    unsafe fn from_raw_fd(fd: RawFd) -> TcpSocket {
        // SAFETY: the caller guarantees `fd` is an open descriptor that it
        // hands over to us, which is all `Socket::from_raw_fd` requires.
        TcpSocket {
            inner: unsafe { socket2::Socket::from_raw_fd(fd) },
        }
    }
}

impl IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}
