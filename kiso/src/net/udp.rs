//! UDP sockets.

use crate::io::{Interest, ReadBuf, Ready};
use crate::net::{to_socket_addrs, ToSocketAddrs};
use crate::runtime::io::{Direction, PollEvented, Registration};
use std::fmt;
use std::io;
use std::mem::MaybeUninit;
use std::net::{self, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::task::{ready, Context, Poll};

cfg_io_util! {
    use bytes::BufMut;
}

/// A UDP socket, registered with the runtime's I/O driver.
///
/// UDP has no connections: a socket bound with [`bind`](UdpSocket::bind)
/// can exchange datagrams with any number of peers through
/// [`send_to`](UdpSocket::send_to) and [`recv_from`](UdpSocket::recv_from).
/// After [`connect`](UdpSocket::connect) it has a default peer, used by
/// [`send`](UdpSocket::send) and [`recv`](UdpSocket::recv), and the kernel
/// drops datagrams from any other address.
///
/// Every method takes `&self`, so there is no `split`: put the socket in an
/// [`Arc`](std::sync::Arc) to send from one task and receive in another —
/// no `Mutex` is needed.
///
/// # Examples
///
/// An echo exchange between two sockets:
///
/// ```
/// use kiso::net::UdpSocket;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let server = UdpSocket::bind("127.0.0.1:0").await?;
/// let client = UdpSocket::bind("127.0.0.1:0").await?;
///
/// client.send_to(b"ping", server.local_addr()?).await?;
///
/// let mut buf = [0; 64];
/// let (n, from) = server.recv_from(&mut buf).await?;
/// server.send_to(&buf[..n], from).await?;
///
/// let n = client.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"ping");
/// # Ok(())
/// # }
/// ```
///
/// Sharing one socket between tasks:
///
/// ```
/// use kiso::net::UdpSocket;
/// use std::sync::Arc;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let sock = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
/// let addr = sock.local_addr()?;
///
/// let receiver = sock.clone();
/// let task = kiso::spawn(async move {
///     let mut buf = [0; 16];
///     let (n, _) = receiver.recv_from(&mut buf).await.unwrap();
///     buf[..n].to_vec()
/// });
/// sock.send_to(b"to myself", addr).await?;
/// assert_eq!(task.await.unwrap(), b"to myself");
/// # Ok(())
/// # }
/// ```
pub struct UdpSocket {
    io: PollEvented<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Creates a UDP socket bound to `addr`.
    ///
    /// `addr` may resolve to several addresses: each is tried in turn and
    /// the first that binds wins. Port 0 asks the OS for a free port;
    /// [`local_addr`](UdpSocket::local_addr) tells which.
    ///
    /// # Errors
    ///
    /// The error of the last address tried, or `InvalidInput` if `addr`
    /// resolved to no address at all.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::UdpSocket;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_ne!(sock.local_addr()?.port(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        let addrs = to_socket_addrs(addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match mio::net::UdpSocket::bind(addr).and_then(UdpSocket::new) {
                Ok(sock) => return Ok(sock),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_address))
    }

    #[track_caller]
    fn new(sock: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        Ok(UdpSocket {
            io: PollEvented::new(sock)?,
        })
    }

    /// Wraps a bound [`std::net::UdpSocket`].
    ///
    /// Handy for sockets configured beforehand (with `socket2`, say). The
    /// socket must already be in non-blocking mode
    /// ([`set_nonblocking`](std::net::UdpSocket::set_nonblocking)); a
    /// blocking one would stall the runtime's threads.
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
    /// use kiso::net::UdpSocket;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let std_sock = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// std_sock.set_nonblocking(true)?;
    /// let sock = UdpSocket::from_std(std_sock)?;
    /// # let _ = sock;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(socket: net::UdpSocket) -> io::Result<UdpSocket> {
        check_socket_for_blocking(&socket)?;
        UdpSocket::new(mio::net::UdpSocket::from_std(socket))
    }

    /// Turns the socket back into a [`std::net::UdpSocket`], leaving the
    /// I/O driver.
    ///
    /// The returned socket is still in non-blocking mode; switch it with
    /// [`set_nonblocking`](std::net::UdpSocket::set_nonblocking) if needed.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let std_sock = sock.into_std()?;
    /// std_sock.set_nonblocking(false)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UdpSocket> {
        let fd = self.io.into_inner()?.into_raw_fd();
        // SAFETY: `into_raw_fd` released the open descriptor to us; it is
        // owned by nothing else.
        Ok(unsafe { net::UdpSocket::from_raw_fd(fd) })
    }

    fn sock_ref(&self) -> socket2::SockRef<'_> {
        socket2::SockRef::from(self)
    }

    /// Returns the local address the socket is bound to.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.local_addr()?.ip().is_loopback());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Returns the address of the peer the socket is connected to.
    ///
    /// # Errors
    ///
    /// `NotConnected` if [`connect`](UdpSocket::connect) was never called.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::net::SocketAddr;
    ///
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.peer_addr().is_err());
    /// let peer: SocketAddr = "127.0.0.1:9".parse().unwrap();
    /// sock.connect(peer).await?;
    /// assert_eq!(sock.peer_addr()?, peer);
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Connects the socket to `addr`: [`send`](UdpSocket::send) goes there,
    /// and only datagrams from there are received.
    ///
    /// Each address `addr` resolves to is tried in turn until one works.
    ///
    /// # Errors
    ///
    /// The error of the last address tried, or `InvalidInput` if `addr`
    /// resolved to no address at all.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::UdpSocket;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let a = UdpSocket::bind("127.0.0.1:0").await?;
    /// let b = UdpSocket::bind("127.0.0.1:0").await?;
    /// a.connect(b.local_addr()?).await?;
    /// a.send(b"hi").await?;
    /// let mut buf = [0; 2];
    /// b.recv(&mut buf).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        let addrs = to_socket_addrs(addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match self.io.connect(addr) {
                Ok(()) => return Ok(()),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(no_address))
    }

    /// Waits until the socket is ready for any of `interest`, and returns
    /// the readiness seen.
    ///
    /// Usually followed by [`try_recv`](UdpSocket::try_recv) or
    /// [`try_send`](UdpSocket::try_send), to serve both directions from one
    /// task. The readiness can be a false positive (the operation then
    /// returns `WouldBlock`), and the returned set may lack what was asked:
    /// check it and wait again if need be.
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
    /// use kiso::net::UdpSocket;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(sock.local_addr()?).await?;
    /// let ready = sock.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// if ready.is_writable() {
    ///     match sock.try_send(b"hello") {
    ///         Ok(_) => {}
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until the socket is writable; the same as
    /// `ready(Interest::WRITABLE)`.
    ///
    /// Pairs with [`try_send`](UdpSocket::try_send) and
    /// [`try_send_to`](UdpSocket::try_send_to), which may still return
    /// `WouldBlock` after a false positive.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until a write consumes it by hitting `WouldBlock` or
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// loop {
    ///     sock.writable().await?;
    ///     match sock.try_send_to(b"hi", me) {
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
    /// waker of the latest call to `poll_send_ready` or `poll_send`(`_to`)
    /// is woken (the receive side keeps its own). Prefer
    /// [`writable`](UdpSocket::writable), which any number of tasks may
    /// await at once.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// poll_fn(|cx| sock.poll_send_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
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
    /// Fails if the socket is not connected, or with the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(sock.local_addr()?).await?;
    /// assert_eq!(sock.send(b"hello").await?, 5);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send(buf))
            .await
    }

    /// Polls to send `buf` to the connected peer.
    ///
    /// Returns `Poll::Ready(Ok(n))` with the bytes sent, or `Poll::Pending`
    /// with the waker stored (only the latest send-side waker is kept).
    ///
    /// # Errors
    ///
    /// Fails if the socket is not connected, or with the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(sock.local_addr()?).await?;
    /// let n = poll_fn(|cx| sock.poll_send(cx, b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || self.io.send(buf))
    }

    /// Tries to send `buf` to the connected peer without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket is not known to be writable (readiness is
    /// then cleared, so [`writable`](UdpSocket::writable) waits for the next
    /// change); other errors as for [`send`](UdpSocket::send).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(sock.local_addr()?).await?;
    /// sock.writable().await?;
    /// match sock.try_send(b"hello") {
    ///     Ok(n) => assert_eq!(n, 5),
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

    /// Waits until the socket is readable; the same as
    /// `ready(Interest::READABLE)`.
    ///
    /// Pairs with [`try_recv`](UdpSocket::try_recv) and friends, which may
    /// still return `WouldBlock` after a false positive.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until a read consumes it by hitting `WouldBlock` or
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.send_to(b"hi", sock.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// let n = loop {
    ///     sock.readable().await?;
    ///     match sock.try_recv(&mut buf) {
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
    /// its own). Prefer [`readable`](UdpSocket::readable), which any number
    /// of tasks may await at once.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.send_to(b"x", sock.local_addr()?).await?;
    /// poll_fn(|cx| sock.poll_recv_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Receives one datagram from the connected peer into `buf`, returning
    /// its length.
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
    /// The OS's error, such as `ConnectionRefused` after the peer's host
    /// reported its port closed.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(sock.local_addr()?).await?;
    /// sock.send(b"echo").await?;
    /// let mut buf = [0; 16];
    /// let n = sock.recv(&mut buf).await?;
    /// assert_eq!(&buf[..n], b"echo");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE | Interest::ERROR, || self.io.recv(buf))
            .await
    }

    /// Polls to receive one datagram from the connected peer into `buf`'s
    /// unfilled part.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(sock.local_addr()?).await?;
    /// sock.send(b"abc").await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// poll_fn(|cx| sock.poll_recv(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"abc");
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        poll_recv_into(self.io.registration(), cx, buf, |dst| {
            Ok((self.io.recv(dst)?, ()))
        })
    }

    /// Tries to receive one datagram from the connected peer without
    /// waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if nothing is known to be waiting (readiness is then
    /// cleared); other errors as for [`recv`](UdpSocket::recv).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// let err = sock.try_recv(&mut buf).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv(buf))
    }

    cfg_io_util! {
        /// Tries to receive one datagram from the connected peer into the
        /// spare capacity of `buf` (advancing it), without waiting.
        ///
        /// Reads at most `buf.chunk_mut().len()` bytes: reserve room first.
        ///
        /// # Errors
        ///
        /// `WouldBlock` if nothing is known to be waiting (readiness is
        /// then cleared); other errors as for [`recv`](UdpSocket::recv).
        ///
        /// # Examples
        ///
        /// ```
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
        /// sock.connect(sock.local_addr()?).await?;
        /// sock.send(b"buf").await?;
        /// let mut buf = Vec::with_capacity(16);
        /// loop {
        ///     sock.readable().await?;
        ///     match sock.try_recv_buf(&mut buf) {
        ///         Ok(_) => break,
        ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
        ///         Err(e) => return Err(e),
        ///     }
        /// }
        /// assert_eq!(buf, b"buf");
        /// # Ok(())
        /// # }
        /// ```
        pub fn try_recv_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.io.registration().try_io(Interest::READABLE, || {
                recv_into_buf_mut(buf, |dst| Ok((self.io.recv(dst)?, ()))).map(|(n, ())| n)
            })
        }

        /// Receives one datagram from the connected peer into the spare
        /// capacity of `buf` (advancing it), returning its length.
        ///
        /// Reads at most `buf.chunk_mut().len()` bytes: reserve room first.
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
        /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
        /// sock.connect(sock.local_addr()?).await?;
        /// sock.send(b"buf").await?;
        /// let mut buf = Vec::with_capacity(16);
        /// assert_eq!(sock.recv_buf(&mut buf).await?, 3);
        /// assert_eq!(buf, b"buf");
        /// # Ok(())
        /// # }
        /// ```
        pub async fn recv_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.io
                .registration()
                .async_io(Interest::READABLE | Interest::ERROR, || {
                    recv_into_buf_mut(buf, |dst| Ok((self.io.recv(dst)?, ()))).map(|(n, ())| n)
                })
                .await
        }

        /// Tries to receive one datagram into the spare capacity of `buf`
        /// (advancing it), without waiting; returns its length and sender.
        ///
        /// # Errors
        ///
        /// `WouldBlock` if nothing is known to be waiting (readiness is
        /// then cleared); other errors as for
        /// [`recv_from`](UdpSocket::recv_from).
        ///
        /// # Examples
        ///
        /// ```
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
        /// let me = sock.local_addr()?;
        /// sock.send_to(b"from", me).await?;
        /// let mut buf = Vec::with_capacity(16);
        /// let (n, from) = loop {
        ///     sock.readable().await?;
        ///     match sock.try_recv_buf_from(&mut buf) {
        ///         Ok(r) => break r,
        ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
        ///         Err(e) => return Err(e),
        ///     }
        /// };
        /// assert_eq!((n, from), (4, me));
        /// # Ok(())
        /// # }
        /// ```
        pub fn try_recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
            self.io
                .registration()
                .try_io(Interest::READABLE, || recv_into_buf_mut(buf, |dst| self.io.recv_from(dst)))
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
        /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
        /// let me = sock.local_addr()?;
        /// sock.send_to(b"from", me).await?;
        /// let mut buf = Vec::with_capacity(16);
        /// assert_eq!(sock.recv_buf_from(&mut buf).await?, (4, me));
        /// # Ok(())
        /// # }
        /// ```
        pub async fn recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
            self.io
                .registration()
                .async_io(Interest::READABLE | Interest::ERROR, || {
                    recv_into_buf_mut(buf, |dst| self.io.recv_from(dst))
                })
                .await
        }
    }

    /// Sends `buf` to `addr`, returning the bytes sent.
    ///
    /// If `addr` resolves to several addresses only the first is used.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before completing, nothing was
    /// sent.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if `addr` resolves to no address; otherwise the OS's
    /// error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let n = sock.send_to(b"hello", sock.local_addr()?).await?;
    /// assert_eq!(n, 5);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], addr: A) -> io::Result<usize> {
        let mut addrs = to_socket_addrs(addr).await?;
        let Some(target) = addrs.next() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no addresses to send data to",
            ));
        };
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
            .await
    }

    /// Polls to send `buf` to `target`.
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
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// let n = poll_fn(|cx| sock.poll_send_to(cx, b"hi", me)).await?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Write, || self.io.send_to(buf, target))
    }

    /// Tries to send `buf` to `target` without waiting.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the socket is not known to be writable (readiness is
    /// then cleared); otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// sock.writable().await?;
    /// match sock.try_send_to(b"hi", me) {
    ///     Ok(n) => assert_eq!(n, 2),
    ///     Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// sock.send_to(b"hi", me).await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = sock.recv_from(&mut buf).await?;
    /// assert_eq!((&buf[..n], from), (&b"hi"[..], me));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .async_io(Interest::READABLE | Interest::ERROR, || {
                self.io.recv_from(buf)
            })
            .await
    }

    /// Polls to receive one datagram into `buf`'s unfilled part, returning
    /// its sender.
    ///
    /// On `Poll::Ready(Ok(addr))` the datagram is appended to `buf`'s filled
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// sock.send_to(b"abc", me).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let from = poll_fn(|cx| sock.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!((buf.filled(), from), (&b"abc"[..], me));
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(sock.try_recv_from(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv_from(buf))
    }

    /// Runs a caller-supplied I/O operation if the socket looks ready for
    /// `interest`, without waiting.
    ///
    /// `f` should do one non-blocking operation on this socket's descriptor
    /// (through [`AsFd`], say). If the socket is not known to be ready, `f`
    /// is not called and `WouldBlock` is returned; if `f` returns
    /// `WouldBlock`, the readiness is cleared, so the next
    /// [`ready`](UdpSocket::ready) waits for a new event. Do not do the I/O
    /// through this type's own methods, which track readiness themselves.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let raw = std::net::UdpSocket::from(sock.as_fd().try_clone_to_owned()?);
    /// sock.send_to(b"x", sock.local_addr()?).await?;
    /// sock.readable().await?;
    /// let mut buf = [0; 4];
    /// let n = sock.try_io(Interest::READABLE, || raw.recv(&mut buf))?;
    /// assert_eq!(n, 1);
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
    /// The closure rules of [`try_io`](UdpSocket::try_io) apply.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let raw = std::net::UdpSocket::from(sock.as_fd().try_clone_to_owned()?);
    /// sock.send_to(b"x", sock.local_addr()?).await?;
    /// let mut buf = [0; 4];
    /// let n = sock.async_io(Interest::READABLE, || raw.recv(&mut buf)).await?;
    /// assert_eq!(n, 1);
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

    /// Copies the next datagram into `buf` without taking it off the
    /// socket; returns the bytes copied.
    ///
    /// The next receive returns the same datagram. A datagram longer than
    /// `buf` is cut to fit in the copy only.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.send_to(b"look", sock.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(sock.peek(&mut buf).await?, 4);
    /// assert_eq!(sock.recv(&mut buf).await?, 4); // still there
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE | Interest::ERROR, || self.io.peek(buf))
            .await
    }

    /// Polls to copy the next datagram into `buf`'s unfilled part without
    /// taking it off the socket.
    ///
    /// On `Poll::Pending` the waker is stored (only the latest receive-side
    /// waker is kept).
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.send_to(b"look", sock.local_addr()?).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// poll_fn(|cx| sock.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"look");
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        poll_recv_into(self.io.registration(), cx, buf, |dst| {
            Ok((self.io.peek(dst)?, ()))
        })
    }

    /// Tries to copy the next datagram into `buf` without taking it off the
    /// socket and without waiting.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(sock.try_peek(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.peek(buf))
    }

    /// Copies the next datagram into `buf` without taking it off the
    /// socket; returns the bytes copied and the sender.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// sock.send_to(b"look", me).await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(sock.peek_from(&mut buf).await?, (4, me));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .async_io(Interest::READABLE | Interest::ERROR, || {
                self.io.peek_from(buf)
            })
            .await
    }

    /// Polls to copy the next datagram into `buf`'s unfilled part without
    /// taking it off the socket; returns the sender.
    ///
    /// On `Poll::Pending` the waker is stored (only the latest receive-side
    /// waker is kept).
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// sock.send_to(b"look", me).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// assert_eq!(poll_fn(|cx| sock.poll_peek_from(cx, &mut buf)).await?, me);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        poll_recv_into(self.io.registration(), cx, buf, |dst| {
            self.io.peek_from(dst)
        })
    }

    /// Tries to copy the next datagram into `buf` without taking it off the
    /// socket and without waiting; returns the bytes copied and the sender.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let mut buf = [0; 8];
    /// assert!(sock.try_peek_from(&mut buf).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.peek_from(buf))
    }

    /// Returns the sender of the next datagram without taking it off the
    /// socket.
    ///
    /// Cheaper than [`peek_from`](UdpSocket::peek_from) with a small buffer
    /// when only the address is wanted.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// sock.send_to(b"who", me).await?;
    /// assert_eq!(sock.peek_sender().await?, me);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .registration()
            .async_io(Interest::READABLE | Interest::ERROR, || {
                self.peek_sender_now()
            })
            .await
    }

    /// Polls for the sender of the next datagram, without taking it off the
    /// socket.
    ///
    /// On `Poll::Pending` the waker is stored (only the latest receive-side
    /// waker is kept).
    ///
    /// # Errors
    ///
    /// The OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let me = sock.local_addr()?;
    /// sock.send_to(b"who", me).await?;
    /// assert_eq!(poll_fn(|cx| sock.poll_peek_sender(cx)).await?, me);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.io
            .registration()
            .poll_io(cx, Direction::Read, || self.peek_sender_now())
    }

    /// Tries to get the sender of the next datagram without taking it off
    /// the socket and without waiting.
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
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.try_peek_sender().is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.peek_sender_now())
    }

    fn peek_sender_now(&self) -> io::Result<SocketAddr> {
        self.sock_ref()
            .peek_sender()?
            .as_socket()
            .ok_or_else(|| io::Error::other("sender not available"))
    }

    /// Returns `SO_BROADCAST`: whether datagrams may go to broadcast
    /// addresses.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(!sock.broadcast()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.broadcast()
    }

    /// Sets `SO_BROADCAST`, which allows sending to broadcast addresses.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_broadcast(true)?;
    /// assert!(sock.broadcast()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.set_broadcast(on)
    }

    /// Returns `IP_MULTICAST_LOOP`: whether IPv4 multicast this socket sends
    /// is looped back to the local host.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.multicast_loop_v4()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.multicast_loop_v4()
    }

    /// Sets `IP_MULTICAST_LOOP` (IPv4 only).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_multicast_loop_v4(false)?;
    /// assert!(!sock.multicast_loop_v4()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v4(on)
    }

    /// Returns `IP_MULTICAST_TTL`: the time-to-live of IPv4 multicast this
    /// socket sends (1 by default: the local network only).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(sock.multicast_ttl_v4()?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.multicast_ttl_v4()
    }

    /// Sets `IP_MULTICAST_TTL` (IPv4 only).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_multicast_ttl_v4(8)?;
    /// assert_eq!(sock.multicast_ttl_v4()?, 8);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.set_multicast_ttl_v4(ttl)
    }

    /// Returns `IPV6_MULTICAST_LOOP`: whether IPv6 multicast this socket
    /// sends is looped back to the local host.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("[::1]:0").await?;
    /// assert!(sock.multicast_loop_v6()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.multicast_loop_v6()
    }

    /// Sets `IPV6_MULTICAST_LOOP` (IPv6 only).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("[::1]:0").await?;
    /// sock.set_multicast_loop_v6(false)?;
    /// assert!(!sock.multicast_loop_v6()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v6(on)
    }

    /// Returns `IPV6_TCLASS`: the traffic class of IPv6 packets this socket
    /// sends.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("[::1]:0").await?;
    /// assert_eq!(sock.tclass_v6()?, 0);
    /// # Ok(())
    /// # }
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
        target_os = "cygwin",
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
            target_os = "cygwin",
        )))
    )]
    pub fn tclass_v6(&self) -> io::Result<u32> {
        self.sock_ref().tclass_v6()
    }

    /// Sets `IPV6_TCLASS`, the traffic class of IPv6 packets this socket
    /// sends.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("[::1]:0").await?;
    /// sock.set_tclass_v6(0x20)?;
    /// assert_eq!(sock.tclass_v6()?, 0x20);
    /// # Ok(())
    /// # }
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
        target_os = "cygwin",
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
            target_os = "cygwin",
        )))
    )]
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        self.sock_ref().set_tclass_v6(tclass)
    }

    /// Returns `IP_TTL`: the time-to-live of packets this socket sends.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.ttl()? > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets `IP_TTL`, the time-to-live of packets this socket sends.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_ttl(60)?;
    /// assert_eq!(sock.ttl()?, 60);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Returns `IP_TOS`: the type-of-service field of IPv4 packets this
    /// socket sends.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(sock.tos_v4()?, 0);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos",
        target_os = "haiku",
        target_os = "wasi",
    )))]
    #[cfg_attr(
        docsrs,
        doc(cfg(not(any(
            target_os = "fuchsia",
            target_os = "redox",
            target_os = "solaris",
            target_os = "illumos",
            target_os = "haiku",
            target_os = "wasi",
        ))))
    )]
    pub fn tos_v4(&self) -> io::Result<u32> {
        self.sock_ref().tos_v4()
    }

    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos",
        target_os = "haiku",
        target_os = "wasi",
    )))]
    #[allow(missing_docs)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets `IP_TOS`, the type-of-service field of IPv4 packets this socket
    /// sends.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_tos_v4(0x10)?;
    /// assert_eq!(sock.tos_v4()?, 0x10);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos",
        target_os = "haiku",
        target_os = "wasi",
    )))]
    #[cfg_attr(
        docsrs,
        doc(cfg(not(any(
            target_os = "fuchsia",
            target_os = "redox",
            target_os = "solaris",
            target_os = "illumos",
            target_os = "haiku",
            target_os = "wasi",
        ))))
    )]
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        self.sock_ref().set_tos_v4(tos)
    }

    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    #[cfg(not(any(
        target_os = "fuchsia",
        target_os = "redox",
        target_os = "solaris",
        target_os = "illumos",
        target_os = "haiku",
        target_os = "wasi",
    )))]
    #[allow(missing_docs)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// Returns `SO_BINDTODEVICE`: the interface the socket is bound to, if
    /// any.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(sock.device()?, None);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux")))
    )]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        self.sock_ref().device()
    }

    /// Sets `SO_BINDTODEVICE`: only packets from `interface` (a name such as
    /// `b"eth0"`) are processed; `None` removes the binding.
    ///
    /// # Errors
    ///
    /// Usually needs `CAP_NET_RAW`; fails with the OS's error otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// if sock.bind_device(Some(b"lo")).is_ok() {
    ///     assert_eq!(sock.device()?.as_deref(), Some(&b"lo"[..]));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    #[cfg_attr(
        docsrs,
        doc(cfg(all(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))))
    )]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        self.sock_ref().bind_device(interface)
    }

    /// Joins the IPv4 multicast group `multiaddr` on the interface with
    /// address `interface` (`0.0.0.0` lets the OS choose).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("0.0.0.0:0").await?;
    /// let group = Ipv4Addr::new(224, 0, 0, 123);
    /// if sock.join_multicast_v4(group, Ipv4Addr::UNSPECIFIED).is_ok() {
    ///     sock.leave_multicast_v4(group, Ipv4Addr::UNSPECIFIED)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.join_multicast_v4(&multiaddr, &interface)
    }

    /// Joins the IPv6 multicast group `multiaddr` on the interface with
    /// index `interface` (0 lets the OS choose).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv6Addr;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("[::]:0").await?;
    /// let group: Ipv6Addr = "ff02::123".parse().unwrap();
    /// if sock.join_multicast_v6(&group, 0).is_ok() {
    ///     sock.leave_multicast_v6(&group, 0)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv4 multicast group joined with
    /// [`join_multicast_v4`](UdpSocket::join_multicast_v4).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("0.0.0.0:0").await?;
    /// let group = Ipv4Addr::new(224, 0, 0, 124);
    /// // Leaving a group that was never joined is an error.
    /// assert!(sock.leave_multicast_v4(group, Ipv4Addr::UNSPECIFIED).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.leave_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves an IPv6 multicast group joined with
    /// [`join_multicast_v6`](UdpSocket::join_multicast_v6).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::Ipv6Addr;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("[::]:0").await?;
    /// let group: Ipv6Addr = "ff02::124".parse().unwrap();
    /// assert!(sock.leave_multicast_v6(&group, 0).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.leave_multicast_v6(multiaddr, interface)
    }

    /// Takes the pending `SO_ERROR` off the socket, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = kiso::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }
}

// As Tokio's: a panic cannot leave the registration in a state that is
// unsafe to observe (its readiness word is atomic, its waiter list behind a
// mutex), so the socket is unwind safe whatever the driver's internals are.
impl std::panic::UnwindSafe for UdpSocket {}
impl std::panic::RefUnwindSafe for UdpSocket {}

impl TryFrom<net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// The same as [`UdpSocket::from_std`], including its panics.
    fn try_from(socket: net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::from_std(socket)
    }
}

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("fd", &self.as_raw_fd())
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}

impl AsRawFd for UdpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UdpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor is owned by `self.io` and stays open for
        // as long as `self` is borrowed.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

fn no_address() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "could not resolve to any address",
    )
}

/// Debug builds refuse to register a socket in blocking mode: every
/// operation on it would block a runtime thread.
pub(crate) fn check_socket_for_blocking<S: AsFd>(socket: &S) -> io::Result<()> {
    if cfg!(debug_assertions) {
        let nonblocking = socket2::SockRef::from(socket).nonblocking()?;
        assert!(
            nonblocking,
            "Registering a blocking socket with the kiso runtime is unsupported. \
             Put the socket in non-blocking mode (`set_nonblocking(true)`) before \
             handing it over."
        );
    }
    Ok(())
}

/// Views a buffer of possibly uninitialised bytes as bytes for a `recv`-like
/// system call to fill.
///
/// # Safety
///
/// The caller must only let the slice be written to (by the kernel), never
/// read, and must treat as initialised only the bytes reported written.
pub(crate) unsafe fn uninit_as_bytes(buf: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    // SAFETY: `MaybeUninit<u8>` has the layout of `u8`; the caller promises
    // not to read bytes before they are written.
    unsafe { &mut *(buf as *mut [MaybeUninit<u8>] as *mut [u8]) }
}

/// The receive loop of the `poll_recv*` / `poll_peek*` methods: waits for
/// read readiness, runs `op` on `buf`'s unfilled part (until it stops
/// saying `WouldBlock`) and marks the `n` bytes it reports as filled.
pub(crate) fn poll_recv_into<R>(
    registration: &Registration,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
    mut op: impl FnMut(&mut [u8]) -> io::Result<(usize, R)>,
) -> Poll<io::Result<R>> {
    let (n, r) = ready!(registration.poll_io(cx, Direction::Read, || {
        // SAFETY: `op` is a receive system call, which only writes to the
        // slice and reports how many bytes it wrote.
        op(unsafe { uninit_as_bytes(buf.unfilled_mut()) })
    }))?;
    // SAFETY: the kernel initialised the first `n` bytes of the unfilled
    // part.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Poll::Ready(Ok(r))
}

cfg_io_util! {
    /// Runs the receive system call `op` on the spare capacity of `buf`,
    /// then advances `buf` past the `n` bytes it reports.
    pub(crate) fn recv_into_buf_mut<B: BufMut, R>(
        buf: &mut B,
        op: impl FnOnce(&mut [u8]) -> io::Result<(usize, R)>,
    ) -> io::Result<(usize, R)> {
        let dst = buf.chunk_mut();
        // SAFETY: `UninitSlice` is a slice of possibly uninitialised bytes
        // (`as_mut_ptr` / `len` describe it); `op` is a receive system call
        // that only writes to it.
        let dst = unsafe {
            uninit_as_bytes(std::slice::from_raw_parts_mut(dst.as_mut_ptr().cast::<MaybeUninit<u8>>(), dst.len()))
        };
        let (n, r) = op(dst)?;
        // SAFETY: the kernel initialised the first `n` bytes of the chunk.
        unsafe { buf.advance_mut(n) };
        Ok((n, r))
    }
}
