use crate::io::{Interest, ReadBuf, Ready};
use crate::net::udp::{check_socket_for_blocking, poll_recv_into};
use crate::net::unix::SocketAddr;
use crate::runtime::io::{Direction, PollEvented};
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::os::unix::net;
use std::path::Path;
use std::task::{Context, Poll};

cfg_io_util! {
    use bytes::BufMut;
}

/// A Unix-domain datagram socket, registered with the runtime's I/O
/// driver.
///
/// Datagrams keep their boundaries. A socket can be bound to a path
/// ([`bind`](UnixDatagram::bind)) or left unnamed
/// ([`unbound`](UnixDatagram::unbound), [`pair`](UnixDatagram::pair)); it
/// can send to any path with [`send_to`](UnixDatagram::send_to), or to a
/// default peer after [`connect`](UnixDatagram::connect). An unnamed sender
/// cannot be replied to.
///
/// Every method takes `&self`: share the socket through an
/// [`Arc`](std::sync::Arc) to send and receive from different tasks.
///
/// # Examples
///
/// ```
/// use kiso::net::UnixDatagram;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, b) = UnixDatagram::pair()?;
/// a.send(b"one").await?;
/// a.send(b"two").await?;
/// let mut buf = [0; 16];
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"one");
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"two");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(alias = "uds"))]
pub struct UnixDatagram {
    io: PollEvented<mio::net::UnixDatagram>,
}

impl UnixDatagram {
    /// Registers a socket built by `UnixSocket`, reporting an error that
    /// may be pending on it.
    #[track_caller]
    pub(crate) fn from_mio(sys: mio::net::UnixDatagram) -> io::Result<UnixDatagram> {
        let datagram = UnixDatagram::new(sys)?;
        if let Some(e) = datagram.io.take_error()? {
            return Err(e);
        }
        Ok(datagram)
    }

    #[track_caller]
    fn new(sys: mio::net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            io: PollEvented::new(sys)?,
        })
    }

    /// Waits until the socket is ready for any of `interest`, and returns
    /// the readiness seen.
    ///
    /// Usually followed by [`try_recv`](UnixDatagram::try_recv) or
    /// [`try_send`](UnixDatagram::try_send). The readiness can be a false
    /// positive (the operation then returns `WouldBlock`), and the returned
    /// set may lack what was asked: check it and wait again if need be.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until an operation consumes it by hitting `WouldBlock` or
    /// `Poll::Pending`.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// let ready = a.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until the socket is writable; the same as
    /// `ready(Interest::WRITABLE)`.
    ///
    /// Pairs with [`try_send`](UnixDatagram::try_send) and
    /// [`try_send_to`](UnixDatagram::try_send_to), which may still return
    /// `WouldBlock` after a false positive.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until a send consumes it by hitting `WouldBlock` or
    /// `Poll::Pending`.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// loop {
    ///     a.writable().await?;
    ///     match a.try_send(b"hi") {
    ///         Ok(_) => break,
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for send readiness.
    ///
    /// Returns `Poll::Ready(Ok(()))` once the socket is writable; otherwise
    /// stores the context's waker and returns `Poll::Pending`. Only the
    /// waker of the latest send-side poll is woken (the receive side keeps
    /// its own). Prefer [`writable`](UnixDatagram::writable), which any
    /// number of tasks may await at once.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// poll_fn(|cx| a.poll_send_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Waits until the socket is readable; the same as
    /// `ready(Interest::READABLE)`.
    ///
    /// Pairs with [`try_recv`](UnixDatagram::try_recv) and
    /// [`try_recv_from`](UnixDatagram::try_recv_from), which may still
    /// return `WouldBlock` after a false positive.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until a receive consumes it by hitting `WouldBlock` or
    /// `Poll::Pending`.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut buf = [0; 8];
    /// let n = loop {
    ///     b.readable().await?;
    ///     match b.try_recv(&mut buf) {
    ///         Ok(n) => break n,
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// };
    /// assert_eq!(&buf[..n], b"hi");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Polls for receive readiness.
    ///
    /// Returns `Poll::Ready(Ok(()))` once the socket is readable; otherwise
    /// stores the context's waker and returns `Poll::Pending`. Only the
    /// waker of the latest receive-side poll is woken (the send side keeps
    /// its own). Prefer [`readable`](UnixDatagram::readable), which any
    /// number of tasks may await at once.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixDatagram::pair()?;
    /// a.send(b"x").await?;
    /// poll_fn(|cx| b.poll_recv_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Creates a datagram socket bound to the filesystem path `path`.
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
    /// use kiso::net::UnixDatagram;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-dgram-bind-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.send_to(b"hi", &path).await?;
    /// let mut buf = [0; 4];
    /// let (n, from) = server.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hi");
    /// assert!(from.is_unnamed());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn bind<P>(path: P) -> io::Result<UnixDatagram>
    where
        P: AsRef<Path>,
    {
        UnixDatagram::new(mio::net::UnixDatagram::bind(path)?)
    }

    /// Creates a pair of connected, unnamed datagram sockets.
    ///
    /// # Errors
    ///
    /// The OS's error (out of descriptors, say).
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
    /// let (a, b) = kiso::net::UnixDatagram::pair()?;
    /// a.send(b"ping").await?;
    /// let mut buf = [0; 4];
    /// assert_eq!(b.recv(&mut buf).await?, 4);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = mio::net::UnixDatagram::pair()?;
        let (a, b) = (UnixDatagram::new(a)?, UnixDatagram::new(b)?);
        // Fresh queues: both ends can send at once; neither has data.
        a.io.registration().assume_ready(Ready::WRITABLE);
        b.io.registration().assume_ready(Ready::WRITABLE);
        Ok((a, b))
    }

    /// Wraps a [`std::os::unix::net::UnixDatagram`].
    ///
    /// The socket must already be in non-blocking mode
    /// ([`set_nonblocking`](std::os::unix::net::UnixDatagram::set_nonblocking));
    /// a blocking one would stall the runtime's threads.
    ///
    /// # Errors
    ///
    /// Fails if the socket cannot be registered with the I/O driver.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    /// In debug builds it also panics if the socket is in blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let std_sock = std::os::unix::net::UnixDatagram::unbound()?;
    /// std_sock.set_nonblocking(true)?;
    /// let sock = kiso::net::UnixDatagram::from_std(std_sock)?;
    /// # let _ = sock;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(datagram: net::UnixDatagram) -> io::Result<UnixDatagram> {
        check_socket_for_blocking(&datagram)?;
        UnixDatagram::new(mio::net::UnixDatagram::from_std(datagram))
    }

    /// Turns the socket back into a [`std::os::unix::net::UnixDatagram`],
    /// leaving the I/O driver.
    ///
    /// The returned socket is still in non-blocking mode.
    ///
    /// # Errors
    ///
    /// Fails if the socket cannot be taken out of the driver's event queue.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UnixDatagram::unbound()?;
    /// let std_sock = sock.into_std()?;
    /// std_sock.set_nonblocking(false)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UnixDatagram> {
        let fd = self.io.into_inner()?.into_raw_fd();
        // SAFETY: `into_raw_fd` released the open descriptor to us; it is
        // owned by nothing else.
        Ok(unsafe { net::UnixDatagram::from_raw_fd(fd) })
    }

    /// Creates an unbound (unnamed) datagram socket.
    ///
    /// # Errors
    ///
    /// The OS's error (out of descriptors, say).
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
    /// let sock = kiso::net::UnixDatagram::unbound()?;
    /// assert!(sock.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::new(mio::net::UnixDatagram::unbound()?)
    }

    /// Connects the socket to the socket at `path`: [`send`](UnixDatagram::send)
    /// goes there and only datagrams from there are received.
    ///
    /// # Errors
    ///
    /// The OS's error: `NotFound` if nothing is at `path`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::UnixDatagram;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-dgram-connect-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.connect(&path)?;
    /// client.send(b"hi").await?;
    /// let mut buf = [0; 2];
    /// server.recv(&mut buf).await?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.io.connect(path)
    }

    /// Sends `buf` to the connected peer, returning the bytes sent.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before completing, nothing was
    /// sent.
    ///
    /// # Errors
    ///
    /// `NotConnected` without a peer; `BrokenPipe` once sending was shut
    /// down; otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// assert_eq!(a.send(b"hello").await?, 5);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send(buf))
            .await
    }

    /// Tries to send `buf` to the connected peer without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket is not known to be writable (readiness is
    /// then cleared); other errors as for [`send`](UnixDatagram::send).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// a.writable().await?;
    /// match a.try_send(b"hi") {
    ///     Ok(n) => assert_eq!(n, 2),
    ///     Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send(buf))
    }

    /// Tries to send `buf` to the socket at `target` without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket is not known to be writable (readiness is
    /// then cleared); otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::UnixDatagram;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-dgram-try-to-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let _server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.writable().await?;
    /// match client.try_send_to(b"hi", &path) {
    ///     Ok(n) => assert_eq!(n, 2),
    ///     Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
    ///     Err(e) => return Err(e),
    /// }
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send_to<P>(&self, buf: &[u8], target: P) -> io::Result<usize>
    where
        P: AsRef<Path>,
    {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Receives one datagram into `buf`, returning its length.
    ///
    /// A datagram longer than `buf` is cut to fit; the rest of it is lost.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before completing, no datagram
    /// was taken from the socket.
    ///
    /// # Errors
    ///
    /// The OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixDatagram::pair()?;
    /// a.send(b"hello").await?;
    /// let mut buf = [0; 16];
    /// let n = b.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hello");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.io.recv(buf))
            .await
    }

    /// Tries to receive one datagram into `buf` without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if nothing is known to be waiting (readiness is then
    /// cleared); otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_a, b) = kiso::net::UnixDatagram::pair()?;
    /// let mut buf = [0; 8];
    /// assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv(buf))
    }

    cfg_io_util! {
        /// Tries to receive one datagram into the spare capacity of `buf`
        /// (advancing it) without waiting; returns its length and sender.
        ///
        /// # Errors
        ///
        /// `WouldBlock` if nothing is known to be waiting (readiness is
        /// then cleared); otherwise the OS's error.
        ///
        /// # Examples
        ///
        /// ```
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let (a, b) = kiso::net::UnixDatagram::pair()?;
        /// a.send(b"x").await?;
        /// let mut buf = Vec::with_capacity(8);
        /// let (n, from) = loop {
        ///     b.readable().await?;
        ///     match b.try_recv_buf_from(&mut buf) {
        ///         Ok(r) => break r,
        ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
        ///         Err(e) => return Err(e),
        ///     }
        /// };
        /// assert_eq!(n, 1);
        /// assert!(from.is_unnamed());
        /// # Ok(())
        /// # }
        /// ```
        pub fn try_recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
            let (n, addr) = self.io.registration().try_io(Interest::READABLE, || {
                crate::net::udp::recv_into_buf_mut(buf, |dst| self.io.recv_from(dst))
            })?;
            Ok((n, SocketAddr(addr)))
        }

        /// Receives one datagram into the spare capacity of `buf`
        /// (advancing it); returns its length and sender.
        ///
        /// # Cancel safety
        ///
        /// Cancel safe: if the future is dropped before completing, no
        /// datagram was taken from the socket.
        ///
        /// # Errors
        ///
        /// The OS's error.
        ///
        /// # Examples
        ///
        /// ```
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let (a, b) = kiso::net::UnixDatagram::pair()?;
        /// a.send(b"x").await?;
        /// let mut buf = Vec::with_capacity(8);
        /// let (n, _from) = b.recv_buf_from(&mut buf).await?;
        /// assert_eq!((n, buf.as_slice()), (1, &b"x"[..]));
        /// # Ok(())
        /// # }
        /// ```
        pub async fn recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
            let (n, addr) = self
                .io
                .registration()
                .async_io(Interest::READABLE, || {
                    crate::net::udp::recv_into_buf_mut(buf, |dst| self.io.recv_from(dst))
                })
                .await?;
            Ok((n, SocketAddr(addr)))
        }

        /// Tries to receive one datagram into the spare capacity of `buf`
        /// (advancing it) without waiting; returns its length.
        ///
        /// # Errors
        ///
        /// `WouldBlock` if nothing is known to be waiting (readiness is
        /// then cleared); otherwise the OS's error.
        ///
        /// # Examples
        ///
        /// ```
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let (_a, b) = kiso::net::UnixDatagram::pair()?;
        /// let mut buf = Vec::with_capacity(8);
        /// assert!(b.try_recv_buf(&mut buf).is_err());
        /// # Ok(())
        /// # }
        /// ```
        pub fn try_recv_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.io.registration().try_io(Interest::READABLE, || {
                crate::net::udp::recv_into_buf_mut(buf, |dst| Ok((self.io.recv(dst)?, ()))).map(|(n, ())| n)
            })
        }

        /// Receives one datagram into the spare capacity of `buf`
        /// (advancing it); returns its length.
        ///
        /// # Cancel safety
        ///
        /// Cancel safe: if the future is dropped before completing, no
        /// datagram was taken from the socket.
        ///
        /// # Errors
        ///
        /// The OS's error.
        ///
        /// # Examples
        ///
        /// ```
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let (a, b) = kiso::net::UnixDatagram::pair()?;
        /// a.send(b"xy").await?;
        /// let mut buf = Vec::with_capacity(8);
        /// assert_eq!(b.recv_buf(&mut buf).await?, 2);
        /// assert_eq!(buf, b"xy");
        /// # Ok(())
        /// # }
        /// ```
        pub async fn recv_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.io
                .registration()
                .async_io(Interest::READABLE, || {
                    crate::net::udp::recv_into_buf_mut(buf, |dst| Ok((self.io.recv(dst)?, ()))).map(|(n, ())| n)
                })
                .await
        }
    }

    /// Sends `buf` to the socket at `target`, returning the bytes sent.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before completing, nothing was
    /// sent.
    ///
    /// # Errors
    ///
    /// The OS's error: `NotFound` if nothing is at `target`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::UnixDatagram;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-dgram-send-to-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let server = UnixDatagram::bind(&path)?;
    /// UnixDatagram::unbound()?.send_to(b"hi", &path).await?;
    /// let mut buf = [0; 2];
    /// server.recv(&mut buf).await?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_to<P>(&self, buf: &[u8], target: P) -> io::Result<usize>
    where
        P: AsRef<Path>,
    {
        let target = target.as_ref();
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
            .await
    }

    /// Receives one datagram into `buf`, returning its length and sender.
    ///
    /// A datagram longer than `buf` is cut to fit; the rest of it is lost.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before completing, no datagram
    /// was taken from the socket.
    ///
    /// # Errors
    ///
    /// The OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixDatagram::pair()?;
    /// a.send(b"hi").await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = b.recv_from(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"hi");
    /// assert!(from.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.io.recv_from(buf))
            .await?;
        Ok((n, SocketAddr(addr)))
    }

    /// Polls to receive one datagram into `buf`'s unfilled part, returning
    /// its sender.
    ///
    /// On `Poll::Ready(Ok(addr))` the datagram is appended to `buf`'s
    /// filled part (cut to fit). On `Poll::Pending` the waker is stored
    /// (only the latest receive-side waker is kept).
    ///
    /// # Errors
    ///
    /// The OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::ReadBuf;
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixDatagram::pair()?;
    /// a.send(b"abc").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let from = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"abc");
    /// assert!(from.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        poll_recv_into(self.io.registration(), cx, buf, |dst| {
            self.io.recv_from(dst)
        })
        .map_ok(SocketAddr)
    }

    /// Polls to send `buf` to the socket at `target`.
    ///
    /// Returns `Poll::Ready(Ok(n))` with the bytes sent, or `Poll::Pending`
    /// with the waker stored (only the latest send-side waker is kept).
    ///
    /// # Errors
    ///
    /// The OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::UnixDatagram;
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-dgram-poll-to-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("sock");
    /// # let _ = std::fs::remove_file(&path);
    /// let _server = UnixDatagram::bind(&path)?;
    /// let client = UnixDatagram::unbound()?;
    /// let n = poll_fn(|cx| client.poll_send_to(cx, b"hi", &path)).await?;
    /// assert_eq!(n, 2);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send_to<P>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>>
    where
        P: AsRef<Path>,
    {
        let target = target.as_ref();
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || self.io.send_to(buf, target))
    }

    /// Polls to send `buf` to the connected peer.
    ///
    /// Returns `Poll::Ready(Ok(n))` with the bytes sent, or `Poll::Pending`
    /// with the waker stored (only the latest send-side waker is kept).
    ///
    /// # Errors
    ///
    /// As for [`send`](UnixDatagram::send).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// assert_eq!(poll_fn(|cx| a.poll_send(cx, b"hi")).await?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || self.io.send(buf))
    }

    /// Polls to receive one datagram into `buf`'s unfilled part.
    ///
    /// On `Poll::Ready(Ok(()))` the datagram is appended to `buf`'s filled
    /// part (cut to fit). On `Poll::Pending` the waker is stored (only the
    /// latest receive-side waker is kept).
    ///
    /// # Errors
    ///
    /// The OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::ReadBuf;
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixDatagram::pair()?;
    /// a.send(b"abc").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"abc");
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        poll_recv_into(self.io.registration(), cx, buf, |dst| {
            Ok((self.io.recv(dst)?, ()))
        })
    }

    /// Tries to receive one datagram into `buf` without waiting; returns
    /// its length and sender.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if nothing is known to be waiting (readiness is then
    /// cleared); otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_a, b) = kiso::net::UnixDatagram::pair()?;
    /// let mut buf = [0; 8];
    /// assert!(b.try_recv_from(&mut buf).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv_from(buf))?;
        Ok((n, SocketAddr(addr)))
    }

    /// Runs a caller-supplied I/O operation if the socket looks ready for
    /// `interest`, without waiting.
    ///
    /// `f` should do one non-blocking operation on this socket's descriptor
    /// (through [`AsFd`], say). If the socket is not known to be ready, `f`
    /// is not called and `WouldBlock` is returned; if `f` returns
    /// `WouldBlock`, the readiness is cleared. Do not do the I/O through
    /// this type's own methods, which track readiness themselves.
    ///
    /// # Errors
    ///
    /// `WouldBlock` as described, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    /// use std::os::fd::AsFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// let raw = std::os::unix::net::UnixDatagram::from(a.as_fd().try_clone_to_owned()?);
    /// a.writable().await?;
    /// assert_eq!(a.try_io(Interest::WRITABLE, || raw.send(b"raw"))?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io
            .registration()
            .try_io(interest, || self.io.try_io(f))
    }

    /// Waits for `interest`, then runs a caller-supplied I/O operation,
    /// again after each `WouldBlock`, until it returns anything else.
    ///
    /// The closure rules of [`try_io`](UnixDatagram::try_io) apply.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as long as `f` is: dropping the future between attempts
    /// loses nothing.
    ///
    /// # Errors
    ///
    /// `f`'s error, or an error once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    /// use std::os::fd::AsFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixDatagram::pair()?;
    /// let raw = std::os::unix::net::UnixDatagram::from(b.as_fd().try_clone_to_owned()?);
    /// a.send(b"raw").await?;
    /// let mut buf = [0; 8];
    /// let n = b.async_io(Interest::READABLE, || raw.recv(&mut buf)).await?;
    /// assert_eq!(&buf[..n], b"raw");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io
            .registration()
            .async_io(interest, || self.io.try_io(&mut f))
            .await
    }

    /// Returns the local address of the socket.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UnixDatagram::unbound()?;
    /// assert!(sock.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Returns the address of the connected peer.
    ///
    /// # Errors
    ///
    /// `NotConnected` if the socket has no peer.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed());
    /// assert!(kiso::net::UnixDatagram::unbound()?.peer_addr().is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Takes the pending `SO_ERROR` off the socket, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UnixDatagram::unbound()?;
    /// assert!(sock.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Shuts down the read side, the write side or both.
    ///
    /// After `Shutdown::Write` sends fail with `BrokenPipe`; after
    /// `Shutdown::Read` a connected peer's sends to this socket fail.
    ///
    /// # Errors
    ///
    /// The OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Shutdown;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixDatagram::pair()?;
    /// a.shutdown(Shutdown::Write)?;
    /// assert_eq!(a.send(b"x").await.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
    /// # Ok(())
    /// # }
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }
}

// As Tokio's: a panic cannot leave the registration in a state that is
// unsafe to observe (its readiness word is atomic, its waiter list behind a
// mutex), so the socket is unwind safe whatever the driver's internals are.
impl std::panic::UnwindSafe for UnixDatagram {}
impl std::panic::RefUnwindSafe for UnixDatagram {}

impl TryFrom<net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// The same as [`UnixDatagram::from_std`], including its panics.
    fn try_from(datagram: net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(datagram)
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor is owned by `self.io` and stays open for
        // as long as `self` is borrowed.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}
