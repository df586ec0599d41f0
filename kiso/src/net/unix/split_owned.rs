//! Owned halves of a `UnixStream` (`UnixStream::into_split`).
//!
//! Both halves share the stream through an `Arc`; no lock is needed, as the
//! stream's read and write sides are independent.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::unix::SocketAddr;
use crate::net::UnixStream;
use std::error::Error;
use std::net::Shutdown;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::{fmt, io};

cfg_io_util! {
    use bytes::BufMut;
}

/// The owned read half of a [`UnixStream`], from
/// [`UnixStream::into_split`]; implements [`AsyncRead`].
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, mut b) = kiso::net::UnixStream::pair()?;
/// let (mut read, _write) = a.into_split();
/// b.write_all(b"r").await?;
/// let task = kiso::spawn(async move {
///     let mut buf = [0; 1];
///     read.read_exact(&mut buf).await.unwrap();
///     buf
/// });
/// assert_eq!(&task.await.unwrap(), b"r");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<UnixStream>,
}

/// The owned write half of a [`UnixStream`], from
/// [`UnixStream::into_split`]; implements [`AsyncWrite`].
///
/// Dropping it shuts the stream's write direction down, as
/// [`poll_shutdown`](AsyncWrite::poll_shutdown) does; use
/// [`forget`](OwnedWriteHalf::forget) to drop it without that.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, mut b) = kiso::net::UnixStream::pair()?;
/// let (_read, mut write) = a.into_split();
/// write.write_all(b"last").await?;
/// drop(write); // shuts down the write direction
/// let mut got = Vec::new();
/// b.read_to_end(&mut got).await?;
/// assert_eq!(got, b"last");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<UnixStream>,
    shutdown_on_drop: bool,
}

pub(crate) fn split_owned(stream: UnixStream) -> (OwnedReadHalf, OwnedWriteHalf) {
    let inner = Arc::new(stream);
    (
        OwnedReadHalf {
            inner: inner.clone(),
        },
        OwnedWriteHalf {
            inner,
            shutdown_on_drop: true,
        },
    )
}

fn reunite(read: OwnedReadHalf, write: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
    if !Arc::ptr_eq(&read.inner, &write.inner) {
        return Err(ReuniteError(read, write));
    }
    write.forget();
    // Only the two halves ever held the Arc, and the write half is gone.
    Ok(Arc::try_unwrap(read.inner).expect("UnixStream: try_unwrap failed in reunite"))
}

/// The error of [`OwnedReadHalf::reunite`] / [`OwnedWriteHalf::reunite`]:
/// the halves came from different streams. It hands both back.
///
/// # Examples
///
/// ```
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use kiso::net::unix::ReuniteError;
///
/// let (a, _) = kiso::net::UnixStream::pair()?;
/// let (b, _) = kiso::net::UnixStream::pair()?;
/// let (a_read, _a_write) = a.into_split();
/// let (_b_read, b_write) = b.into_split();
/// let ReuniteError(a_read, b_write) = a_read.reunite(b_write).unwrap_err();
/// # let _ = (a_read, b_write);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl Error for ReuniteError {}

impl OwnedReadHalf {
    /// Puts the stream back together from its two halves.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`], holding both halves, if they are not from the same
    /// stream.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, write) = a.into_split();
    /// let a = read.reunite(write).unwrap();
    /// # let _ = a;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<UnixStream, ReuniteError> {
        reunite(self, other)
    }

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
    /// let (a, mut b) = kiso::net::UnixStream::pair()?;
    /// b.write_all(b"x").await?;
    /// let (read, _write) = a.into_split();
    /// assert!(read.ready(Interest::READABLE).await?.is_readable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
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
    /// let (a, mut b) = kiso::net::UnixStream::pair()?;
    /// b.write_all(b"x").await?;
    /// let (read, _write) = a.into_split();
    /// read.readable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.inner.readable().await
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
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, _write) = a.into_split();
    /// let mut buf = [0; 4];
    /// assert!(read.try_read(&mut buf).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read(buf)
    }

    cfg_io_util! {
        /// Tries to read into the spare capacity of `buf` without waiting;
        /// see [`UnixStream::try_read_buf`].
        ///
        /// # Errors
        ///
        /// As for [`try_read`](OwnedReadHalf::try_read).
        ///
        /// # Examples
        ///
        /// ```
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let (a, _b) = kiso::net::UnixStream::pair()?;
        /// let (read, _write) = a.into_split();
        /// let mut buf = Vec::with_capacity(4);
        /// assert!(read.try_read_buf(&mut buf).is_err());
        /// # Ok(())
        /// # }
        /// ```
        pub fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
            self.inner.try_read_buf(buf)
        }
    }

    /// Tries a vectored read without waiting; see
    /// [`UnixStream::try_read_vectored`].
    ///
    /// # Errors
    ///
    /// As for [`try_read`](OwnedReadHalf::try_read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSliceMut;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, _write) = a.into_split();
    /// let mut buf = [0; 4];
    /// assert!(read.try_read_vectored(&mut [IoSliceMut::new(&mut buf)]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.try_read_vectored(bufs)
    }

    /// Returns the peer's address; see [`UnixStream::peer_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, _write) = a.into_split();
    /// assert!(read.peer_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// Returns the local address; see [`UnixStream::local_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, _write) = a.into_split();
    /// assert!(read.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl AsyncRead for OwnedReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_read_priv(cx, buf)
    }
}

impl OwnedWriteHalf {
    /// Puts the stream back together from its two halves.
    ///
    /// # Errors
    ///
    /// [`ReuniteError`], holding both halves, if they are not from the same
    /// stream.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (read, write) = a.into_split();
    /// let a = write.reunite(read).unwrap();
    /// # let _ = a;
    /// # Ok(())
    /// # }
    /// ```
    pub fn reunite(self, other: OwnedReadHalf) -> Result<UnixStream, ReuniteError> {
        reunite(other, self)
    }

    /// Drops the write half without shutting the write direction down.
    ///
    /// The stream stays fully open until the read half is dropped too.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = kiso::net::UnixStream::pair()?;
    /// let (_read, write) = a.into_split();
    /// write.forget();
    /// // No end-of-stream for the peer.
    /// let mut buf = [0; 1];
    /// assert!(b.try_read(&mut buf).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
        drop(self);
    }

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
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_read, write) = a.into_split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
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
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_read, write) = a.into_split();
    /// write.writable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.inner.writable().await
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
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_read, write) = a.into_split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"hi")?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write(buf)
    }

    /// Tries a vectored write without waiting; see
    /// [`UnixStream::try_write_vectored`].
    ///
    /// # Errors
    ///
    /// As for [`try_write`](OwnedWriteHalf::try_write).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSlice;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_read, write) = a.into_split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write_vectored(&[IoSlice::new(b"hi")])?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, buf: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.inner.try_write_vectored(buf)
    }

    /// Returns the peer's address; see [`UnixStream::peer_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_read, write) = a.into_split();
    /// assert!(write.peer_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }

    /// Returns the local address; see [`UnixStream::local_addr`].
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = kiso::net::UnixStream::pair()?;
    /// let (_read, write) = a.into_split();
    /// assert!(write.local_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            let _ = self.inner.shutdown_std(Shutdown::Write);
        }
    }
}

impl AsyncWrite for OwnedWriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts the stream's write direction down; the later drop then does
    /// not do it again.
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        let res = self.inner.shutdown_std(Shutdown::Write);
        if res.is_ok() {
            Pin::into_inner(self).shutdown_on_drop = false;
        }
        Poll::Ready(res)
    }
}

impl AsRef<UnixStream> for OwnedReadHalf {
    fn as_ref(&self) -> &UnixStream {
        &self.inner
    }
}

impl AsRef<UnixStream> for OwnedWriteHalf {
    fn as_ref(&self) -> &UnixStream {
        &self.inner
    }
}
