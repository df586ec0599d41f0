//! Unix pipes: anonymous pipes and FIFOs (named pipes), driven by the
//! runtime's I/O driver.
//!
//! [`pipe()`] makes an anonymous pipe; [`OpenOptions`] opens either end of
//! a FIFO; [`Sender::from_file`] / [`Receiver::from_file`] (and their
//! `OwnedFd` forms) wrap ends obtained elsewhere, such as from a child
//! process.
//!
//! A [`Receiver`] reads end-of-file once every write end is closed.
//!
//! # Examples
//!
//! ```
//! use kiso::io::{AsyncReadExt, AsyncWriteExt};
//! use kiso::net::unix::pipe;
//!
//! # #[kiso::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let (mut tx, mut rx) = pipe::pipe()?;
//! tx.write_all(b"through the pipe").await?;
//! drop(tx); // the reader sees end-of-file
//! let mut got = String::new();
//! rx.read_to_string(&mut got).await?;
//! assert_eq!(got, "through the pipe");
//! # Ok(())
//! # }
//! ```

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::runtime::io::PollEvented;
use mio::unix::pipe as mio_pipe;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

cfg_io_util! {
    use bytes::BufMut;
}

/// Creates an anonymous pipe, returning its write and read ends, both
/// registered with the current runtime and in non-blocking mode.
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
/// let (mut tx, mut rx) = kiso::net::unix::pipe::pipe()?;
/// tx.write_all(b"hi").await?;
/// let mut buf = [0; 2];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hi");
/// # Ok(())
/// # }
/// ```
#[track_caller]
pub fn pipe() -> io::Result<(Sender, Receiver)> {
    let (tx, rx) = mio_pipe::new()?;
    Ok((Sender::from_mio(tx)?, Receiver::from_mio(rx)?))
}

/// Options for opening an end of a FIFO (named pipe).
///
/// By default an end is opened only if the file is a FIFO, and only for
/// its own direction. Opening the write end fails with `ENXIO` while no
/// process has the read end open, unless [`read_write`](OpenOptions::read_write)
/// is set.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
/// use kiso::net::unix::pipe::OpenOptions;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("kiso-doc-fifo-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("fifo");
/// # let _ = std::fs::remove_file(&path);
/// assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
///
/// let mut rx = OpenOptions::new().open_receiver(&path)?;
/// let mut tx = OpenOptions::new().open_sender(&path)?;
/// tx.write_all(b"fifo").await?;
/// let mut buf = [0; 4];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"fifo");
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    read_write: bool,
    unchecked: bool,
}

impl OpenOptions {
    /// Creates options with everything off: checked, single-direction.
    ///
    /// # Examples
    ///
    /// ```
    /// let opts = kiso::net::unix::pipe::OpenOptions::new();
    /// # let _ = opts;
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions {
            #[cfg(any(target_os = "linux", target_os = "android"))]
            read_write: false,
            unchecked: false,
        }
    }

    /// Opens the FIFO for both reading and writing (`O_RDWR`, Linux only).
    ///
    /// A sender opened so succeeds even while no reader exists (its own
    /// read side counts as one); a receiver opened so never reads
    /// end-of-file, since it holds a write side itself. POSIX leaves
    /// `O_RDWR` on a FIFO undefined; Linux supports it.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::OpenOptions;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-fifo-rw-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("fifo");
    /// # let _ = std::fs::remove_file(&path);
    /// assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
    /// // No reader yet, but this opens.
    /// let tx = OpenOptions::new().read_write(true).open_sender(&path)?;
    /// # let _ = tx;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[cfg_attr(docsrs, doc(cfg(any(target_os = "linux", target_os = "android"))))]
    pub fn read_write(&mut self, value: bool) -> &mut Self {
        self.read_write = value;
        self
    }

    /// Skips checking that the file is a FIFO.
    ///
    /// By default opening anything else fails with `InvalidInput`. Without
    /// the check, a file that cannot be polled (a regular file, say) still
    /// fails, when it is registered with the I/O driver.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut opts = kiso::net::unix::pipe::OpenOptions::new();
    /// opts.unchecked(true);
    /// ```
    pub fn unchecked(&mut self, value: bool) -> &mut Self {
        self.unchecked = value;
        self
    }

    /// Opens the read end of the FIFO at `path`.
    ///
    /// Succeeds whether or not a writer has it open.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if the file is not a FIFO (unless unchecked); the
    /// OS's error if it cannot be opened or registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::OpenOptions;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-fifo-rx-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("fifo");
    /// # let _ = std::fs::remove_file(&path);
    /// assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
    /// let rx = OpenOptions::new().open_receiver(&path)?;
    /// # let _ = rx;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn open_receiver<P: AsRef<Path>>(&self, path: P) -> io::Result<Receiver> {
        let file = self.open(path.as_ref(), End::Receiver)?;
        Receiver::from_file_unchecked(file)
    }

    /// Opens the write end of the FIFO at `path`.
    ///
    /// # Errors
    ///
    /// `ENXIO` (raw OS error 6) while no process has the read end open
    /// (unless [`read_write`](OpenOptions::read_write) is set);
    /// `InvalidInput` if the file is not a FIFO (unless unchecked); the
    /// OS's error if it cannot be opened or registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::OpenOptions;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let dir = std::env::temp_dir().join(format!("kiso-doc-fifo-tx-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("fifo");
    /// # let _ = std::fs::remove_file(&path);
    /// assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
    /// assert!(OpenOptions::new().open_sender(&path).is_err()); // no reader
    /// let _rx = OpenOptions::new().open_receiver(&path)?;
    /// let tx = OpenOptions::new().open_sender(&path)?;
    /// # let _ = tx;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn open_sender<P: AsRef<Path>>(&self, path: P) -> io::Result<Sender> {
        let file = self.open(path.as_ref(), End::Sender)?;
        Sender::from_file_unchecked(file)
    }

    fn open(&self, path: &Path, end: End) -> io::Result<File> {
        let mut options = std::fs::OpenOptions::new();
        options
            .read(end == End::Receiver)
            .write(end == End::Sender)
            .custom_flags(libc::O_NONBLOCK);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.read_write {
            options.read(true).write(true);
        }
        let file = options.open(path)?;
        if !self.unchecked && !is_fifo(file.as_fd())? {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a pipe"));
        }
        Ok(file)
    }
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum End {
    Sender,
    Receiver,
}

/// The write end of a pipe; implements [`AsyncWrite`].
///
/// Made by [`pipe()`], [`OpenOptions::open_sender`] or the `from_*`
/// constructors. Dropping it closes this write end; once every write end
/// is closed, the reader sees end-of-file.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncWriteExt;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut tx, _rx) = kiso::net::unix::pipe::pipe()?;
/// tx.write_all(b"data").await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Sender {
    io: PollEvented<mio_pipe::Sender>,
}

impl Sender {
    #[track_caller]
    fn from_mio(tx: mio_pipe::Sender) -> io::Result<Sender> {
        Ok(Sender {
            io: PollEvented::new_with_interest(tx, Interest::WRITABLE)?,
        })
    }

    /// Wraps the write end of a pipe held as a [`File`].
    ///
    /// The descriptor is switched to non-blocking mode.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if it is not a pipe or not open for writing; the OS's
    /// error if it cannot be registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::{self, Sender};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let file = std::fs::File::from(tx.into_blocking_fd()?);
    /// let tx = Sender::from_file(file)?;
    /// # let _ = tx;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd(file.into())
    }

    /// Wraps the write end of a pipe held as an [`OwnedFd`].
    ///
    /// The descriptor is switched to non-blocking mode.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if it is not a pipe or not open for writing; the OS's
    /// error if it cannot be registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::{self, Sender};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let tx = Sender::from_owned_fd(tx.into_blocking_fd()?)?;
    /// # let _ = tx;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Sender> {
        if !is_fifo(owned_fd.as_fd())? {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a pipe"));
        }
        let flags = get_flags(owned_fd.as_fd())?;
        if !can_write(flags) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not in O_WRONLY or O_RDWR access mode",
            ));
        }
        set_flags(owned_fd.as_fd(), flags | libc::O_NONBLOCK, flags)?;
        Sender::from_owned_fd_unchecked(owned_fd)
    }

    /// Wraps a [`File`] as a write end without any check.
    ///
    /// The caller must make sure it is a pipe (or other pollable file) open
    /// for writing and in non-blocking mode.
    ///
    /// # Errors
    ///
    /// The OS's error if it cannot be registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::{self, Sender};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let file = std::fs::File::from(tx.into_nonblocking_fd()?);
    /// let tx = Sender::from_file_unchecked(file)?;
    /// # let _ = tx;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd_unchecked(file.into())
    }

    /// Wraps an [`OwnedFd`] as a write end without any check.
    ///
    /// The caller must make sure it is a pipe (or other pollable file) open
    /// for writing and in non-blocking mode.
    ///
    /// # Errors
    ///
    /// The OS's error if it cannot be registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::{self, Sender};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let tx = Sender::from_owned_fd_unchecked(tx.into_nonblocking_fd()?)?;
    /// # let _ = tx;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Sender> {
        // SAFETY: `into_raw_fd` hands over an open descriptor that nothing
        // else owns.
        let tx = unsafe { mio_pipe::Sender::from_raw_fd(owned_fd.into_raw_fd()) };
        Sender::from_mio(tx)
    }

    /// Waits until the pipe is ready for any of `interest`, and returns the
    /// readiness seen.
    ///
    /// A sender is registered for writability only. The readiness can be a
    /// false positive (a write then returns `WouldBlock`).
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
    /// use kiso::io::Interest;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = kiso::net::unix::pipe::pipe()?;
    /// assert!(tx.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until the pipe is writable; the same as
    /// `ready(Interest::WRITABLE)`.
    ///
    /// Pairs with [`try_write`](Sender::try_write), which may still return
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
    /// let (tx, _rx) = kiso::net::unix::pipe::pipe()?;
    /// loop {
    ///     tx.writable().await?;
    ///     match tx.try_write(b"hello") {
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
    /// Returns `Poll::Ready(Ok(()))` once the pipe is writable; otherwise
    /// stores the context's waker (only the latest is kept) and returns
    /// `Poll::Pending`. Prefer [`writable`](Sender::writable), which any
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
    /// let (tx, _rx) = kiso::net::unix::pipe::pipe()?;
    /// poll_fn(|cx| tx.poll_write_ready(cx)).await?;
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
    /// `WouldBlock` if the pipe is not known to be writable (readiness is
    /// then cleared); `BrokenPipe` once every read end is closed; otherwise
    /// the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = kiso::net::unix::pipe::pipe()?;
    /// tx.writable().await?;
    /// match tx.try_write(b"hi") {
    ///     Ok(n) => assert_eq!(n, 2),
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
    /// As for [`try_write`](Sender::try_write).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSlice;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = kiso::net::unix::pipe::pipe()?;
    /// tx.writable().await?;
    /// match tx.try_write_vectored(&[IoSlice::new(b"a"), IoSlice::new(b"b")]) {
    ///     Ok(n) => assert_eq!(n, 2),
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

    /// Runs a caller-supplied write operation if the pipe looks writable,
    /// without waiting.
    ///
    /// `f` should do one non-blocking write on this pipe's descriptor. If
    /// the pipe is not known to be writable, `f` is not called and
    /// `WouldBlock` is returned; if `f` returns `WouldBlock`, the readiness
    /// is cleared. Do not do the I/O through this type's own methods.
    ///
    /// # Errors
    ///
    /// `WouldBlock` as described, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    /// use std::os::fd::AsFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = kiso::net::unix::pipe::pipe()?;
    /// let mut raw = std::fs::File::from(tx.as_fd().try_clone_to_owned()?);
    /// tx.writable().await?;
    /// assert_eq!(tx.try_io(|| raw.write(b"raw"))?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.try_io(f))
    }

    /// Deregisters the write end and returns its descriptor in blocking
    /// mode.
    ///
    /// # Errors
    ///
    /// Fails if it cannot be deregistered or switched to blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = kiso::net::unix::pipe::pipe()?;
    /// let fd = tx.into_blocking_fd()?;
    /// // For example as a child's standard output:
    /// let stdout = std::process::Stdio::from(fd);
    /// # let _ = stdout;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        set_blocking(fd.as_fd())?;
        Ok(fd)
    }

    /// Deregisters the write end and returns its descriptor, still in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// Fails if it cannot be deregistered.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = kiso::net::unix::pipe::pipe()?;
    /// let fd = tx.into_nonblocking_fd()?;
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        let raw = self.io.into_inner()?.into_raw_fd();
        // SAFETY: the pipe end left the driver and `into_raw_fd` released
        // its open descriptor to us alone.
        Ok(unsafe { OwnedFd::from_raw_fd(raw) })
    }
}

// As Tokio's: a panic cannot leave the registration in a state that is
// unsafe to observe (its readiness word is atomic, its waiter list behind a
// mutex), so the socket is unwind safe whatever the driver's internals are.
impl std::panic::UnwindSafe for Sender {}
impl std::panic::RefUnwindSafe for Sender {}

impl AsyncWrite for Sender {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Does nothing: a pipe has no half-close. Drop the sender to close it.
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsRawFd for Sender {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for Sender {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor is owned by `self.io` and stays open for
        // as long as `self` is borrowed.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

/// The read end of a pipe; implements [`AsyncRead`].
///
/// Made by [`pipe()`], [`OpenOptions::open_receiver`] or the `from_*`
/// constructors. Reads return 0 (end-of-file) once every write end is
/// closed.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncReadExt;
/// use std::process::{Command, Stdio};
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (tx, mut rx) = kiso::net::unix::pipe::pipe()?;
/// let mut child = Command::new("echo")
///     .arg("from a child")
///     .stdout(Stdio::from(tx.into_blocking_fd()?))
///     .spawn()?;
/// let mut out = String::new();
/// rx.read_to_string(&mut out).await?;
/// assert_eq!(out, "from a child\n");
/// child.wait()?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Receiver {
    io: PollEvented<mio_pipe::Receiver>,
}

impl Receiver {
    #[track_caller]
    fn from_mio(rx: mio_pipe::Receiver) -> io::Result<Receiver> {
        Ok(Receiver {
            io: PollEvented::new_with_interest(rx, Interest::READABLE)?,
        })
    }

    /// Wraps the read end of a pipe held as a [`File`].
    ///
    /// The descriptor is switched to non-blocking mode.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if it is not a pipe or not open for reading; the OS's
    /// error if it cannot be registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::{self, Receiver};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let file = std::fs::File::from(rx.into_blocking_fd()?);
    /// let rx = Receiver::from_file(file)?;
    /// # let _ = rx;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd(file.into())
    }

    /// Wraps the read end of a pipe held as an [`OwnedFd`].
    ///
    /// The descriptor is switched to non-blocking mode.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if it is not a pipe or not open for reading; the OS's
    /// error if it cannot be registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::{self, Receiver};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let rx = Receiver::from_owned_fd(rx.into_blocking_fd()?)?;
    /// # let _ = rx;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Receiver> {
        if !is_fifo(owned_fd.as_fd())? {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a pipe"));
        }
        let flags = get_flags(owned_fd.as_fd())?;
        if !can_read(flags) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not in O_RDONLY or O_RDWR access mode",
            ));
        }
        set_flags(owned_fd.as_fd(), flags | libc::O_NONBLOCK, flags)?;
        Receiver::from_owned_fd_unchecked(owned_fd)
    }

    /// Wraps a [`File`] as a read end without any check.
    ///
    /// The caller must make sure it is a pipe (or other pollable file) open
    /// for reading and in non-blocking mode.
    ///
    /// # Errors
    ///
    /// The OS's error if it cannot be registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::{self, Receiver};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let file = std::fs::File::from(rx.into_nonblocking_fd()?);
    /// let rx = Receiver::from_file_unchecked(file)?;
    /// # let _ = rx;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd_unchecked(file.into())
    }

    /// Wraps an [`OwnedFd`] as a read end without any check.
    ///
    /// The caller must make sure it is a pipe (or other pollable file) open
    /// for reading and in non-blocking mode.
    ///
    /// # Errors
    ///
    /// The OS's error if it cannot be registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::net::unix::pipe::{self, Receiver};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let rx = Receiver::from_owned_fd_unchecked(rx.into_nonblocking_fd()?)?;
    /// # let _ = rx;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Receiver> {
        // SAFETY: `into_raw_fd` hands over an open descriptor that nothing
        // else owns.
        let rx = unsafe { mio_pipe::Receiver::from_raw_fd(owned_fd.into_raw_fd()) };
        Receiver::from_mio(rx)
    }

    /// Waits until the pipe is ready for any of `interest`, and returns the
    /// readiness seen.
    ///
    /// A receiver is registered for readability only. The readiness can be
    /// a false positive (a read then returns `WouldBlock`).
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
    /// use kiso::io::{AsyncWriteExt, Interest};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut tx, rx) = kiso::net::unix::pipe::pipe()?;
    /// tx.write_all(b"x").await?;
    /// assert!(rx.ready(Interest::READABLE).await?.is_readable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.registration().readiness(interest).await?.ready)
    }

    /// Waits until the pipe is readable; the same as
    /// `ready(Interest::READABLE)`.
    ///
    /// Pairs with [`try_read`](Receiver::try_read), which may still return
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
    /// let (mut tx, rx) = kiso::net::unix::pipe::pipe()?;
    /// tx.write_all(b"hi").await?;
    /// let mut buf = [0; 8];
    /// let n = loop {
    ///     rx.readable().await?;
    ///     match rx.try_read(&mut buf) {
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
    /// Returns `Poll::Ready(Ok(()))` once the pipe is readable; otherwise
    /// stores the context's waker (only the latest is kept) and returns
    /// `Poll::Pending`. Prefer [`readable`](Receiver::readable), which any
    /// number of tasks may await at once.
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
    /// let (mut tx, rx) = kiso::net::unix::pipe::pipe()?;
    /// tx.write_all(b"x").await?;
    /// poll_fn(|cx| rx.poll_read_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Tries to read into `buf` without waiting, returning the bytes read.
    ///
    /// `Ok(0)` means end-of-file: every write end is closed (or `buf` is
    /// empty).
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the pipe is not known to be readable (readiness is
    /// then cleared); otherwise the OS's error.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = kiso::net::unix::pipe::pipe()?;
    /// let mut buf = [0; 8];
    /// assert_eq!(rx.try_read(&mut buf).unwrap_err().kind(), std::io::ErrorKind::WouldBlock);
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
    /// As for [`try_read`](Receiver::try_read).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::IoSliceMut;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = kiso::net::unix::pipe::pipe()?;
    /// let mut buf = [0; 8];
    /// assert!(rx.try_read_vectored(&mut [IoSliceMut::new(&mut buf)]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// Runs a caller-supplied read operation if the pipe looks readable,
    /// without waiting.
    ///
    /// `f` should do one non-blocking read on this pipe's descriptor. If
    /// the pipe is not known to be readable, `f` is not called and
    /// `WouldBlock` is returned; if `f` returns `WouldBlock`, the readiness
    /// is cleared. Do not do the I/O through this type's own methods.
    ///
    /// # Errors
    ///
    /// `WouldBlock` as described, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    /// use std::io::Read;
    /// use std::os::fd::AsFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut tx, rx) = kiso::net::unix::pipe::pipe()?;
    /// let mut raw = std::fs::File::from(rx.as_fd().try_clone_to_owned()?);
    /// tx.write_all(b"raw").await?;
    /// rx.readable().await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(rx.try_io(|| raw.read(&mut buf))?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.try_io(f))
    }

    cfg_io_util! {
        /// Tries to read into the spare capacity of `buf` (advancing it)
        /// without waiting, returning the bytes read.
        ///
        /// # Errors
        ///
        /// As for [`try_read`](Receiver::try_read).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let (mut tx, rx) = kiso::net::unix::pipe::pipe()?;
        /// tx.write_all(b"data").await?;
        /// let mut buf = Vec::with_capacity(16);
        /// loop {
        ///     rx.readable().await?;
        ///     match rx.try_read_buf(&mut buf) {
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

    /// Deregisters the read end and returns its descriptor in blocking
    /// mode.
    ///
    /// # Errors
    ///
    /// Fails if it cannot be deregistered or switched to blocking mode.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = kiso::net::unix::pipe::pipe()?;
    /// let fd = rx.into_blocking_fd()?;
    /// let stdin = std::process::Stdio::from(fd);
    /// # let _ = stdin;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        set_blocking(fd.as_fd())?;
        Ok(fd)
    }

    /// Deregisters the read end and returns its descriptor, still in
    /// non-blocking mode.
    ///
    /// # Errors
    ///
    /// Fails if it cannot be deregistered.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = kiso::net::unix::pipe::pipe()?;
    /// let fd = rx.into_nonblocking_fd()?;
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        let raw = self.io.into_inner()?.into_raw_fd();
        // SAFETY: the pipe end left the driver and `into_raw_fd` released
        // its open descriptor to us alone.
        Ok(unsafe { OwnedFd::from_raw_fd(raw) })
    }
}

// As Tokio's: a panic cannot leave the registration in a state that is
// unsafe to observe (its readiness word is atomic, its waiter list behind a
// mutex), so the socket is unwind safe whatever the driver's internals are.
impl std::panic::UnwindSafe for Receiver {}
impl std::panic::RefUnwindSafe for Receiver {}

impl AsyncRead for Receiver {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }
}

impl AsRawFd for Receiver {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for Receiver {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor is owned by `self.io` and stays open for
        // as long as `self` is borrowed.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

/// Whether `fd` is a FIFO (pipes are too).
fn is_fifo(fd: BorrowedFd<'_>) -> io::Result<bool> {
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `fstat` fills the whole `stat` buffer for an open descriptor.
    if unsafe { libc::fstat(fd.as_raw_fd(), stat.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fstat` succeeded, so the buffer is initialised.
    let stat = unsafe { stat.assume_init() };
    Ok(stat.st_mode & libc::S_IFMT == libc::S_IFIFO)
}

fn get_flags(fd: BorrowedFd<'_>) -> io::Result<libc::c_int> {
    // SAFETY: `F_GETFL` only reads the flags of an open descriptor.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(flags)
}

/// Sets the status flags to `new` unless they already are (`old`).
fn set_flags(fd: BorrowedFd<'_>, new: libc::c_int, old: libc::c_int) -> io::Result<()> {
    if new != old {
        // SAFETY: `F_SETFL` changes only the status flags of an open
        // descriptor.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, new) } < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn set_blocking(fd: BorrowedFd<'_>) -> io::Result<()> {
    let flags = get_flags(fd)?;
    set_flags(fd, flags & !libc::O_NONBLOCK, flags)
}

fn can_read(flags: libc::c_int) -> bool {
    matches!(flags & libc::O_ACCMODE, libc::O_RDONLY | libc::O_RDWR)
}

fn can_write(flags: libc::c_int) -> bool {
    matches!(flags & libc::O_ACCMODE, libc::O_WRONLY | libc::O_RDWR)
}
