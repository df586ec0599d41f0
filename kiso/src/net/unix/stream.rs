use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::udp::check_socket_for_blocking;
use crate::net::unix::split::{split, ReadHalf, WriteHalf};
use crate::net::unix::split_owned::{split_owned, OwnedReadHalf, OwnedWriteHalf};
use crate::net::unix::ucred::{self, UCred};
use crate::net::unix::SocketAddr;
use crate::runtime::io::PollEvented;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::os::unix::net;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

cfg_io_util! {
    use bytes::BufMut;
}

/// A connected Unix-domain stream socket, registered with the runtime's
/// I/O driver.
///
/// Made by [`connect`](UnixStream::connect), [`pair`](UnixStream::pair),
/// [`UnixListener::accept`](crate::net::UnixListener::accept) or
/// [`UnixSocket::connect`](crate::net::UnixSocket::connect). Reading and
/// writing go through [`AsyncRead`] / [`AsyncWrite`] (and the
/// `AsyncReadExt` / `AsyncWriteExt` helpers), or the readiness-based
/// `try_*` methods. Dropping the stream closes both directions;
/// [`AsyncWriteExt::shutdown`](crate::io::AsyncWriteExt::shutdown) closes
/// only the write side.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
/// use kiso::net::UnixStream;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"hello").await?;
/// a.shutdown().await?;
/// let mut got = String::new();
/// b.read_to_string(&mut got).await?;
/// assert_eq!(got, "hello");
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(alias = "uds"))]
pub struct UnixStream {
    io: PollEvented<mio::net::UnixStream>,
}

impl UnixStream {
    /// Registers a socket whose connect is under way and waits for the
    /// connect to finish.
    pub(crate) async fn connect_mio(sys: mio::net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::new(sys)?;
        // Writable once the connection is set up (or has failed: the error
        // is then pending on the socket).
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx)).await?;
        if let Some(e) = stream.io.take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    /// Connects to the socket at `path`.
    ///
    /// On Linux and Android a path whose first byte is NUL (`"\0name"`)
    /// names `name` in the abstract namespace.
    ///
    /// # Errors
    ///
    /// The OS's error: `NotFound` if nothing is at `path`,
    /// `ConnectionRefused` if no one listens there.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{UnixListener, UnixStream};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-connect-{}", std::process::id());
    /// let listener = UnixListener::bind(&name)?;
    /// let stream = UnixStream::connect(&name).await?;
    /// let (_server_side, _) = listener.accept().await?;
    /// # let _ = stream;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect<P>(path: P) -> io::Result<UnixStream>
    where
        P: AsRef<Path>,
    {
        let addr = SocketAddr(super::addr_from_path(path.as_ref())?);
        UnixStream::connect_addr(&addr).await
    }

    /// Connects to the socket at `socket_addr`.
    ///
    /// # Errors
    ///
    /// The OS's error, as for [`connect`](UnixStream::connect).
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::SocketAddr;
    /// use kiso::net::{UnixListener, UnixStream};
    /// use std::os::linux::net::SocketAddrExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("kiso-doc-connect-addr-{}", std::process::id());
    /// let addr: SocketAddr = std::os::unix::net::SocketAddr::from_abstract_name(&name)?.into();
    /// let listener = UnixListener::bind_addr(&addr)?;
    /// let stream = UnixStream::connect_addr(&addr).await?;
    /// # let _ = (stream, listener);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_addr(socket_addr: &SocketAddr) -> io::Result<UnixStream> {
        let sys = mio::net::UnixStream::connect_addr(&socket_addr.0)?;
        UnixStream::connect_mio(sys).await
    }

    /// Waits until the stream is ready for any of `interest`, and returns
    /// the readiness seen.
    ///
    /// Usually followed by [`try_read`](UnixStream::try_read) or
    /// [`try_write`](UnixStream::try_write), to serve both directions from
    /// one task without splitting. The readiness can be a false positive
    /// (the operation then returns `WouldBlock`), and the returned set may
    /// lack what was asked: check it and wait again if need be.
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
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let ready = a.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until the stream is readable; the same as
    /// `ready(Interest::READABLE)`.
    ///
    /// Pairs with [`try_read`](UnixStream::try_read), which may still return
    /// `WouldBlock` after a false positive.
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
    /// use kiso::io::AsyncWriteExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = kiso::net::UnixStream::pair()?;
    /// b.write_all(b"hi").await?;
    /// let mut buf = [0; 8];
    /// let n = loop {
    ///     a.readable().await?;
    ///     match a.try_read(&mut buf) {
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

    /// Polls for read readiness.
    ///
    /// Returns `Poll::Ready(Ok(()))` once the stream is readable; otherwise
    /// stores the context's waker and returns `Poll::Pending`. Only the
    /// waker of the latest read-side poll (this or `poll_read`) is woken;
    /// the write side keeps its own. Prefer
    /// [`readable`](UnixStream::readable), which any number of tasks may
    /// await at once.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = kiso::net::UnixStream::pair()?;
    /// b.write_all(b"x").await?;
    /// poll_fn(|cx| a.poll_read_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Tries to read into `buf` without waiting, returning the bytes read.
    ///
    /// `Ok(0)` means the peer closed its write side (or `buf` is empty).
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the stream is not known to be readable (readiness is
    /// then cleared, so [`readable`](UnixStream::readable) waits for the
    /// next change); otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let mut buf = [0; 8];
    /// assert_eq!(a.try_read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    /// Tries a vectored read (filling the buffers in order) without
    /// waiting, returning the bytes read.
    ///
    /// # Errors
    ///
    /// As for [`try_read`](UnixStream::try_read).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    /// use std::io::IoSliceMut;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = kiso::net::UnixStream::pair()?;
    /// b.write_all(b"abcd").await?;
    /// let (mut x, mut y) = ([0; 2], [0; 2]);
    /// loop {
    ///     a.readable().await?;
    ///     match a.try_read_vectored(&mut [IoSliceMut::new(&mut x), IoSliceMut::new(&mut y)]) {
    ///         Ok(n) => { assert_eq!(n, 4); break; }
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// assert_eq!((&x, &y), (b"ab", b"cd"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    cfg_io_util! {
        /// Tries to read into the spare capacity of `buf` (advancing it)
        /// without waiting, returning the bytes read.
        ///
        /// # Errors
        ///
        /// As for [`try_read`](UnixStream::try_read).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let (a, mut b) = kiso::net::UnixStream::pair()?;
        /// b.write_all(b"data").await?;
        /// let mut buf = Vec::with_capacity(16);
        /// loop {
        ///     a.readable().await?;
        ///     match a.try_read_buf(&mut buf) {
        ///         Ok(_) => break,
        ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
        ///         Err(e) => return Err(e),
        ///     }
        /// }
        /// assert_eq!(buf, b"data");
        /// # Ok(())
        /// # }
        /// ```
        pub fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.io.registration().try_io(Interest::READABLE, || {
                crate::net::udp::recv_into_buf_mut(buf, |dst| Ok(((&*self.io).read(dst)?, ()))).map(|(n, ())| n)
            })
        }
    }

    /// Waits until the stream is writable; the same as
    /// `ready(Interest::WRITABLE)`.
    ///
    /// Pairs with [`try_write`](UnixStream::try_write), which may still
    /// return `WouldBlock` after a false positive.
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
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// loop {
    ///     a.writable().await?;
    ///     match a.try_write(b"hello") {
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

    /// Polls for write readiness.
    ///
    /// Returns `Poll::Ready(Ok(()))` once the stream is writable; otherwise
    /// stores the context's waker and returns `Poll::Pending`. Only the
    /// waker of the latest write-side poll (this or `poll_write`) is woken;
    /// the read side keeps its own. Prefer
    /// [`writable`](UnixStream::writable), which any number of tasks may
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
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// poll_fn(|cx| a.poll_write_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Tries to write `buf` without waiting, returning the bytes written.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the stream is not known to be writable (readiness is
    /// then cleared); otherwise the OS's error, such as `BrokenPipe` once
    /// the peer is gone.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// a.writable().await?;
    /// match a.try_write(b"hello") {
    ///     Ok(n) => assert_eq!(n, 5),
    ///     Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// Tries a vectored write (the buffers in order) without waiting,
    /// returning the bytes written.
    ///
    /// # Errors
    ///
    /// As for [`try_write`](UnixStream::try_write).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSlice;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// a.writable().await?;
    /// let bufs = [IoSlice::new(b"hello "), IoSlice::new(b"world")];
    /// match a.try_write_vectored(&bufs) {
    ///     Ok(n) => assert_eq!(n, 11),
    ///     Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, buf: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(buf))
    }

    /// Runs a caller-supplied I/O operation if the stream looks ready for
    /// `interest`, without waiting.
    ///
    /// `f` should do one non-blocking operation on this socket's descriptor
    /// (through [`AsFd`], say). If the stream is not known to be ready, `f`
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
    /// use std::io::Write;
    /// use std::os::fd::AsFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let raw = std::os::unix::net::UnixStream::from(a.as_fd().try_clone_to_owned()?);
    /// a.writable().await?;
    /// let n = a.try_io(Interest::WRITABLE, || (&raw).write(b"raw"))?;
    /// assert_eq!(n, 3);
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
    /// The closure rules of [`try_io`](UnixStream::try_io) apply.
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
    /// use kiso::io::{AsyncWriteExt, Interest};
    /// use std::io::Read;
    /// use std::os::fd::AsFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = kiso::net::UnixStream::pair()?;
    /// let raw = std::os::unix::net::UnixStream::from(a.as_fd().try_clone_to_owned()?);
    /// b.write_all(b"raw").await?;
    /// let mut buf = [0; 8];
    /// let n = a.async_io(Interest::READABLE, || (&raw).read(&mut buf)).await?;
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

    /// Wraps a connected [`std::os::unix::net::UnixStream`].
    ///
    /// The stream must already be in non-blocking mode
    /// ([`set_nonblocking`](std::os::unix::net::UnixStream::set_nonblocking));
    /// a blocking one would stall the runtime's threads.
    ///
    /// # Errors
    ///
    /// Fails if the stream cannot be registered with the I/O driver.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    /// In debug builds it also panics if the stream is in blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (x, _y) = std::os::unix::net::UnixStream::pair()?;
    /// x.set_nonblocking(true)?;
    /// let stream = kiso::net::UnixStream::from_std(x)?;
    /// # let _ = stream;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(stream: net::UnixStream) -> io::Result<UnixStream> {
        check_socket_for_blocking(&stream)?;
        UnixStream::new(mio::net::UnixStream::from_std(stream))
    }

    /// Turns the stream back into a [`std::os::unix::net::UnixStream`],
    /// leaving the I/O driver.
    ///
    /// The returned stream is still in non-blocking mode.
    ///
    /// # Errors
    ///
    /// Fails if the stream cannot be taken out of the driver's event queue.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let std_stream = a.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UnixStream> {
        let fd = self.io.into_inner()?.into_raw_fd();
        // SAFETY: `into_raw_fd` released the open descriptor to us; it is
        // owned by nothing else.
        Ok(unsafe { net::UnixStream::from_raw_fd(fd) })
    }

    /// Creates a pair of connected, unnamed streams.
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
    /// use kiso::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, mut b) = kiso::net::UnixStream::pair()?;
    /// a.write_all(b"ping").await?;
    /// let mut buf = [0; 4];
    /// b.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"ping");
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        let (a, b) = (UnixStream::new(a)?, UnixStream::new(b)?);
        // Fresh buffers: both ends can write at once; neither has data.
        a.io.registration().assume_ready(Ready::WRITABLE);
        b.io.registration().assume_ready(Ready::WRITABLE);
        Ok((a, b))
    }

    /// Registers an accepted stream.
    #[track_caller]
    pub(crate) fn new_accepted(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::new(stream)?;
        // Writable, and usually holding the client's first bytes already.
        stream.io.registration().assume_ready(Ready::READABLE | Ready::WRITABLE);
        Ok(stream)
    }

    #[track_caller]
    pub(crate) fn new(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        Ok(UnixStream {
            io: PollEvented::new(stream)?,
        })
    }

    /// Returns the local address of the stream (unnamed unless the socket
    /// was bound before connecting).
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Returns the address of the peer: the listener's address for a
    /// connected client, unnamed for most others.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::{UnixListener, UnixStream};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let name = format!("\0kiso-doc-peer-{}", std::process::id());
    /// let _listener = UnixListener::bind(&name)?;
    /// let stream = UnixStream::connect(&name).await?;
    /// assert_eq!(stream.peer_addr()?.as_abstract_name(), Some(&name.as_bytes()[1..]));
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Returns the credentials of the process at the other end.
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
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let cred = a.peer_cred()?;
    /// assert_eq!(cred.pid(), Some(std::process::id() as kiso::net::unix::pid_t));
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_cred(&self) -> io::Result<UCred> {
        ucred::get_peer_cred(self)
    }

    /// Takes the pending `SO_ERROR` off the socket, if there is one.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Shuts down `how`, treating "not connected" (the peer is gone) as
    /// done.
    pub(super) fn shutdown_std(&self, how: Shutdown) -> io::Result<()> {
        match self.io.shutdown(how) {
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            res => res,
        }
    }

    /// Splits a borrowed stream into a read half and a write half, usable
    /// concurrently (in one task, with `join!` or `select!`).
    ///
    /// Free: the halves are just references. For halves that can move to
    /// other tasks, use [`into_split`](UnixStream::into_split).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, mut b) = kiso::net::UnixStream::pair()?;
    /// let (mut read, mut write) = a.split();
    /// write.write_all(b"x").await?;
    /// b.write_all(b"y").await?;
    /// let mut buf = [0; 1];
    /// read.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"y");
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::needless_lifetimes)]
    pub fn split<'a>(&'a mut self) -> (ReadHalf<'a>, WriteHalf<'a>) {
        split(self)
    }

    /// Splits the stream into owned halves that can move to different
    /// tasks.
    ///
    /// Costs an [`Arc`](std::sync::Arc). Dropping the write half shuts the
    /// write direction down (unless
    /// [`forget`](OwnedWriteHalf::forget) is used);
    /// [`reunite`](OwnedReadHalf::reunite) puts the halves back together.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = kiso::net::UnixStream::pair()?;
    /// let (mut read, mut write) = a.into_split();
    /// let writer = kiso::spawn(async move {
    ///     write.write_all(b"from a task").await.unwrap();
    /// });
    /// let mut buf = [0; 11];
    /// b.read_exact(&mut buf).await?;
    /// writer.await.unwrap();
    /// b.write_all(b"!").await?;
    /// read.read_exact(&mut buf[..1]).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned(self)
    }

    pub(crate) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }

    pub(crate) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    pub(super) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }
}

// As Tokio's: a panic cannot leave the registration in a state that is
// unsafe to observe (its readiness word is atomic, its waiter list behind a
// mutex), so the socket is unwind safe whatever the driver's internals are.
impl std::panic::UnwindSafe for UnixStream {}
impl std::panic::RefUnwindSafe for UnixStream {}

impl TryFrom<net::UnixStream> for UnixStream {
    type Error = io::Error;

    /// The same as [`UnixStream::from_std`], including its panics.
    fn try_from(stream: net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::from_std(stream)
    }
}

impl AsyncRead for UnixStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for UnixStream {
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
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts the write direction down: the peer reads end-of-stream once it
    /// has read what was written before.
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_std(Shutdown::Write))
    }
}

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRef<Self> for UnixStream {
    fn as_ref(&self) -> &Self {
        self
    }
}

impl AsRawFd for UnixStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor is owned by `self.io` and stays open for
        // as long as `self` is borrowed.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}
