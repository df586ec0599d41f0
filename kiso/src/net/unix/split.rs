//! Borrowed halves of a `UnixStream` (`UnixStream::split`).
//!
//! Unlike the generic `kiso::io::split`, these need no lock: each half
//! holds a shared reference to the stream, whose read and write sides are
//! independent.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::unix::SocketAddr;
use crate::net::UnixStream;
use std::io;
use std::net::Shutdown;
use std::pin::Pin;
use std::task::{Context, Poll};

cfg_io_util! {
    use bytes::BufMut;
}

/// The read half of a borrowed [`UnixStream`], from
/// [`UnixStream::split`]; implements [`AsyncRead`].
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut a, mut b) = kiso::net::UnixStream::pair()?;
/// let (mut read, _write) = a.split();
/// b.write_all(b"r").await?;
/// let mut buf = [0; 1];
/// read.read_exact(&mut buf).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a UnixStream);

/// The write half of a borrowed [`UnixStream`], from
/// [`UnixStream::split`]; implements [`AsyncWrite`].
///
/// Its `poll_shutdown` shuts the stream's write direction down.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut a, mut b) = kiso::net::UnixStream::pair()?;
/// let (_read, mut write) = a.split();
/// write.write_all(b"w").await?;
/// write.shutdown().await?;
/// let mut got = Vec::new();
/// b.read_to_end(&mut got).await?;
/// assert_eq!(got, b"w");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a UnixStream);

pub(crate) fn split(stream: &mut UnixStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

impl ReadHalf<'_> {
    /// Waits until the stream is ready for any of `interest`; see
    /// [`UnixStream::ready`].
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
    /// use kiso::io::{AsyncWriteExt, Interest};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, mut b) = kiso::net::UnixStream::pair()?;
    /// b.write_all(b"x").await?;
    /// let (read, _) = a.split();
    /// assert!(read.ready(Interest::READABLE).await?.is_readable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// Waits until the stream is readable; see [`UnixStream::readable`].
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
    /// let (mut a, mut b) = kiso::net::UnixStream::pair()?;
    /// b.write_all(b"x").await?;
    /// let (read, _) = a.split();
    /// read.readable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
    }

    /// Tries to read into `buf` without waiting; see
    /// [`UnixStream::try_read`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the stream is not known to be readable (readiness is
    /// then cleared); otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, _) = a.split();
    /// let mut buf = [0; 4];
    /// assert!(read.try_read(&mut buf).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }

    cfg_io_util! {
        /// Tries to read into the spare capacity of `buf` without waiting;
        /// see [`UnixStream::try_read_buf`].
        ///
        /// # Errors
        ///
        /// As for [`try_read`](ReadHalf::try_read).
        ///
        /// # Examples
        ///
        /// ```
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
        /// let (read, _) = a.split();
        /// let mut buf = Vec::with_capacity(4);
        /// assert!(read.try_read_buf(&mut buf).is_err());
        /// # Ok(())
        /// # }
        /// ```
        pub fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.0.try_read_buf(buf)
        }
    }

    /// Tries a vectored read without waiting; see
    /// [`UnixStream::try_read_vectored`].
    ///
    /// # Errors
    ///
    /// As for [`try_read`](ReadHalf::try_read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSliceMut;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, _) = a.split();
    /// let mut buf = [0; 4];
    /// assert!(read.try_read_vectored(&mut [IoSliceMut::new(&mut buf)]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.0.try_read_vectored(bufs)
    }

    /// Returns the peer's address; see [`UnixStream::peer_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, _) = a.split();
    /// assert!(read.peer_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Returns the local address; see [`UnixStream::local_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, _) = a.split();
    /// assert!(read.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl WriteHalf<'_> {
    /// Waits until the stream is ready for any of `interest`; see
    /// [`UnixStream::ready`].
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
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_, write) = a.split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// Waits until the stream is writable; see [`UnixStream::writable`].
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
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_, write) = a.split();
    /// write.writable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
    }

    /// Tries to write `buf` without waiting; see [`UnixStream::try_write`].
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the stream is not known to be writable (readiness is
    /// then cleared); otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_, write) = a.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"hi")?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_write(buf)
    }

    /// Tries a vectored write without waiting; see
    /// [`UnixStream::try_write_vectored`].
    ///
    /// # Errors
    ///
    /// As for [`try_write`](WriteHalf::try_write).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSlice;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_, write) = a.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write_vectored(&[IoSlice::new(b"a"), IoSlice::new(b"b")])?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, buf: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.0.try_write_vectored(buf)
    }

    /// Returns the peer's address; see [`UnixStream::peer_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_, write) = a.split();
    /// assert!(write.peer_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Returns the local address; see [`UnixStream::local_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_, write) = a.split();
    /// assert!(write.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
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
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.0.shutdown_std(Shutdown::Write))
    }
}

impl AsRef<UnixStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &UnixStream {
        self.0
    }
}

impl AsRef<UnixStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &UnixStream {
        self.0
    }
}
