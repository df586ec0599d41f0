//! Unix-specific I/O: [`AsyncFd`], readiness-based I/O on any pollable file
//! descriptor.

use crate::io::{Interest, Ready};
use crate::runtime::io::{ReadyEvent, Registration};
use mio::unix::SourceFd;
use std::error::Error;
use std::fmt;
use std::io;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{ready, Context, Poll};

/// An object owning a file descriptor, registered with the runtime's I/O
/// driver so that tasks can wait for the descriptor to become readable or
/// writable.
///
/// The descriptor must be one the OS can poll (a socket, a pipe, a FIFO, a
/// terminal, an eventfd... not a regular file) and should be in
/// non-blocking mode. `AsyncFd` does no I/O itself: it reports readiness,
/// and the I/O is done on the inner object, which keeps ownership of the
/// descriptor (an [`OwnedFd`](std::os::fd::OwnedFd) is the simplest
/// choice). The descriptor stays registered until the `AsyncFd` is dropped
/// or [`into_inner`](AsyncFd::into_inner) takes the object back.
///
/// # Readiness and guards
///
/// The driver is edge-triggered: the OS reports a descriptor when it
/// *becomes* ready. kiso remembers that, so [`readable`](AsyncFd::readable)
/// and [`writable`](AsyncFd::writable) complete at once while the
/// descriptor is known to be ready. Each returns a guard
/// ([`AsyncFdReadyGuard`]) through which the caller says whether the
/// readiness is used up: call [`clear_ready`](AsyncFdReadyGuard::clear_ready)
/// (or let [`try_io`](AsyncFdReadyGuard::try_io) do it) once an operation
/// returned `WouldBlock`, and only then — otherwise the next wait either
/// spins (readiness kept after the descriptor drained) or hangs (readiness
/// cleared while data is still there, since no new edge will come).
///
/// Any number of tasks may await `readable`/`writable`/`ready` at once. The
/// poll-based [`poll_read_ready`](AsyncFd::poll_read_ready) and
/// [`poll_write_ready`](AsyncFd::poll_write_ready) keep one waker per
/// direction.
///
/// # Examples
///
/// Reading from a non-blocking socket:
///
/// ```
/// use kiso::io::unix::AsyncFd;
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, mut b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: the stream owns its descriptor and keeps it open while
/// // registered.
/// let fd = unsafe { AsyncFd::register(a)? };
///
/// b.write_all(b"hello")?;
///
/// let mut buf = [0; 16];
/// let n = loop {
///     let mut guard = fd.readable().await?;
///     match guard.try_io(|inner| inner.get_ref().read(&mut buf)) {
///         Ok(result) => break result?,
///         Err(_would_block) => continue,
///     }
/// };
/// assert_eq!(&buf[..n], b"hello");
/// # Ok(())
/// # }
/// ```
pub struct AsyncFd<T: AsRawFd> {
    registration: Registration,
    /// Always `Some` until `into_inner` or drop takes it.
    inner: Option<T>,
}

/// A readiness event seen on an [`AsyncFd`], not yet acknowledged; gives
/// shared access to it.
///
/// Returned by [`AsyncFd::readable`] and friends. Call
/// [`clear_ready`](AsyncFdReadyGuard::clear_ready) once the descriptor is
/// no longer ready (an operation returned `WouldBlock`), or
/// [`retain_ready`](AsyncFdReadyGuard::retain_ready) to keep it. Dropping
/// the guard keeps the readiness.
///
/// # Examples
///
/// ```
/// use kiso::io::unix::AsyncFd;
/// use std::os::unix::net::UnixStream;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, _b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: the stream owns its descriptor.
/// let fd = unsafe { AsyncFd::register(a)? };
/// let mut guard = fd.writable().await?;
/// assert!(guard.ready().is_writable());
/// guard.retain_ready();
/// # Ok(())
/// # }
/// ```
#[must_use = "You must explicitly choose whether to clear the readiness state by calling a method on ReadyGuard"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    event: Option<ReadyEvent>,
}

/// A readiness event seen on an [`AsyncFd`], not yet acknowledged; gives
/// mutable access to it.
///
/// Returned by [`AsyncFd::readable_mut`] and friends; otherwise like
/// [`AsyncFdReadyGuard`].
///
/// # Examples
///
/// ```
/// use kiso::io::unix::AsyncFd;
/// use std::os::unix::net::UnixStream;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, _b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: the stream owns its descriptor.
/// let mut fd = unsafe { AsyncFd::register(a)? };
/// let mut guard = fd.writable_mut().await?;
/// let _inner: &mut UnixStream = guard.get_inner_mut();
/// guard.retain_ready();
/// # Ok(())
/// # }
/// ```
#[must_use = "You must explicitly choose whether to clear the readiness state by calling a method on ReadyGuard"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    event: Option<ReadyEvent>,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner`'s descriptor with the current runtime for
    /// readability and writability, taking ownership of `inner`.
    ///
    /// On failure the object comes back inside the
    /// [`AsyncFdRegisterError`].
    ///
    /// # Safety
    ///
    /// `inner.as_raw_fd()` must return a valid, open descriptor, and the
    /// same one every time, referring to the same open file description,
    /// for as long as the `AsyncFd` holds `inner` (until it is dropped,
    /// [`into_inner`](AsyncFd::into_inner) is called, or it is leaked). In
    /// particular the descriptor must not be closed or replaced behind the
    /// `AsyncFd`'s back.
    ///
    /// # Errors
    ///
    /// The OS's error if the descriptor cannot be polled (`EPERM` for a
    /// regular file) or registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor and keeps it open.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    #[track_caller]
    pub unsafe fn register(inner: T) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: the caller upholds `register_with_interest`'s contract,
        // which is this function's.
        unsafe { Self::register_with_interest(inner, Interest::READABLE | Interest::WRITABLE) }
    }

    /// Registers `inner`'s descriptor with the current runtime for
    /// `interest`, taking ownership of `inner`.
    ///
    /// On failure the object comes back inside the
    /// [`AsyncFdRegisterError`].
    ///
    /// # Safety
    ///
    /// As for [`register`](AsyncFd::register): `inner.as_raw_fd()` must
    /// keep returning the same valid, open descriptor for as long as the
    /// `AsyncFd` holds `inner`.
    ///
    /// # Errors
    ///
    /// The OS's error if the descriptor cannot be polled or registered.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor and keeps it open.
    /// let fd = unsafe { AsyncFd::register_with_interest(a, Interest::READABLE)? };
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    #[track_caller]
    pub unsafe fn register_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<Self, AsyncFdRegisterError<T>> {
        let fd = inner.as_raw_fd();
        match Registration::new(&mut SourceFd(&fd), interest) {
            Ok(registration) => Ok(AsyncFd {
                registration,
                inner: Some(inner),
            }),
            Err(cause) => Err(AsyncFdRegisterError { inner, cause }),
        }
    }

    /// Returns a shared reference to the inner object.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::os::fd::AsRawFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let raw = a.as_raw_fd();
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// assert_eq!(fd.get_ref().as_raw_fd(), raw);
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn get_ref(&self) -> &T {
        self.inner
            .as_ref()
            .expect("AsyncFd holds its object until dropped")
    }

    /// Returns a mutable reference to the inner object.
    ///
    /// I/O through it bypasses the readiness tracking. It must not be used
    /// to swap the object's descriptor for another (see
    /// [`register`](AsyncFd::register)'s safety contract).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// fd.get_mut().set_nonblocking(true)?;
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    pub fn get_mut(&mut self) -> &mut T {
        self.inner
            .as_mut()
            .expect("AsyncFd holds its object until dropped")
    }

    fn take_inner(&mut self) -> Option<T> {
        let inner = self.inner.take()?;
        let fd = inner.as_raw_fd();
        // Leave the event queue while the descriptor is still open.
        let _ = self.registration.deregister(&mut SourceFd(&fd));
        Some(inner)
    }

    /// Deregisters the descriptor and hands the inner object back.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let a = fd.into_inner();
    /// // Registering it again works.
    /// // SAFETY: as above.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(mut self) -> T {
        self.take_inner()
            .expect("AsyncFd holds its object until dropped")
    }

    /// Polls for read readiness, returning a guard once the descriptor is
    /// readable.
    ///
    /// Otherwise stores the context's waker and returns `Poll::Pending`.
    /// Only the waker of the latest `poll_read_ready` /
    /// `poll_read_ready_mut` call is woken (writability keeps its own).
    /// Prefer [`readable`](AsyncFd::readable), which any number of tasks
    /// may await at once.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::future::poll_fn;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// let ready = poll_fn(|cx| fd.poll_read_ready(cx).map_ok(|guard| guard.ready())).await?;
    /// assert!(ready.is_readable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for read readiness, returning a guard with mutable access once
    /// the descriptor is readable.
    ///
    /// Waker rules as for [`poll_read_ready`](AsyncFd::poll_read_ready).
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::future::poll_fn;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// poll_fn(|cx| fd.poll_read_ready_mut(cx).map_ok(|mut guard| guard.retain_ready())).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness, returning a guard once the descriptor is
    /// writable.
    ///
    /// Otherwise stores the context's waker and returns `Poll::Pending`.
    /// Only the waker of the latest `poll_write_ready` /
    /// `poll_write_ready_mut` call is woken (readability keeps its own).
    /// Prefer [`writable`](AsyncFd::writable), which any number of tasks
    /// may await at once.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let ready = poll_fn(|cx| fd.poll_write_ready(cx).map_ok(|guard| guard.ready())).await?;
    /// assert!(ready.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness, returning a guard with mutable access
    /// once the descriptor is writable.
    ///
    /// Waker rules as for [`poll_write_ready`](AsyncFd::poll_write_ready).
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::future::poll_fn;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// poll_fn(|cx| fd.poll_write_ready_mut(cx).map_ok(|mut guard| guard.retain_ready())).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Waits until the descriptor is ready for any of `interest`, returning
    /// a guard.
    ///
    /// The readiness can be a false positive, and the guard's
    /// [`ready`](AsyncFdReadyGuard::ready) set may lack what was asked:
    /// check it. With a combined interest, clear only what was seen to
    /// block: after a read returned `WouldBlock`,
    /// `guard.clear_ready_matching(Ready::READABLE)`, leaving writability
    /// alone ([`clear_ready`](AsyncFdReadyGuard::clear_ready) clears
    /// everything).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until it is cleared.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use kiso::io::{Interest, Ready};
    /// use std::io::{Read, Write};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// if guard.ready().is_readable() {
    ///     let mut buf = [0; 8];
    ///     if let Err(e) = fd.get_ref().read(&mut buf) {
    ///         assert_eq!(e.kind(), std::io::ErrorKind::WouldBlock);
    ///         guard.clear_ready_matching(Ready::READABLE);
    ///     }
    /// }
    /// if guard.ready().is_writable() {
    ///     fd.get_ref().write_all(b"hi")?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Waits until the descriptor is ready for any of `interest`, returning
    /// a guard with mutable access.
    ///
    /// Otherwise like [`ready`](AsyncFd::ready).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until it is cleared.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let guard = fd.ready_mut(Interest::WRITABLE).await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Waits until the descriptor is readable, returning a guard.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until it is cleared.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::{Read, Write};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// b.write_all(b"hi")?;
    /// let mut guard = fd.readable().await?;
    /// let mut buf = [0; 8];
    /// let n = guard.try_io(|inner| inner.get_ref().read(&mut buf)).unwrap()?;
    /// assert_eq!(&buf[..n], b"hi");
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::needless_lifetimes)]
    pub async fn readable<'a>(&'a self) -> io::Result<AsyncFdReadyGuard<'a, T>> {
        self.ready(Interest::READABLE).await
    }

    /// Waits until the descriptor is readable, returning a guard with
    /// mutable access.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until it is cleared.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::{Read, Write};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// b.write_all(b"hi")?;
    /// let mut guard = fd.readable_mut().await?;
    /// let mut buf = [0; 8];
    /// let n = guard.try_io(|inner| inner.get_mut().read(&mut buf)).unwrap()?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::needless_lifetimes)]
    pub async fn readable_mut<'a>(&'a mut self) -> io::Result<AsyncFdReadyMutGuard<'a, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits until the descriptor is writable, returning a guard.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until it is cleared.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.writable().await?;
    /// let n = guard.try_io(|inner| inner.get_ref().write(b"hi")).unwrap()?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::needless_lifetimes)]
    pub async fn writable<'a>(&'a self) -> io::Result<AsyncFdReadyGuard<'a, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// Waits until the descriptor is writable, returning a guard with
    /// mutable access.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe. A readiness event, once seen, keeps this returning at
    /// once until it is cleared.
    ///
    /// # Errors
    ///
    /// Fails once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// let n = guard.try_io(|inner| inner.get_mut().write(b"hi")).unwrap()?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::needless_lifetimes)]
    pub async fn writable_mut<'a>(&'a mut self) -> io::Result<AsyncFdReadyMutGuard<'a, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Waits for `interest`, then runs `f` on the inner object, again after
    /// each `WouldBlock` (clearing the readiness each time), until it
    /// returns anything else.
    ///
    /// `f` should do one non-blocking operation of the kind `interest`
    /// names, directly on the descriptor; it must return `WouldBlock` only
    /// when the descriptor really is not ready. Use a single interest:
    /// with a combined one, this may spin or wait forever.
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
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::{Read, Write};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// b.write_all(b"hi")?;
    /// let mut buf = [0; 8];
    /// let n = fd.async_io(Interest::READABLE, |mut inner| inner.read(&mut buf)).await?;
    /// assert_eq!(&buf[..n], b"hi");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration
            .async_io(interest, || f(self.get_ref()))
            .await
    }

    /// Like [`async_io`](AsyncFd::async_io), with mutable access to the
    /// inner object.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe as long as `f` is.
    ///
    /// # Errors
    ///
    /// `f`'s error, or an error once the runtime has shut down.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let n = fd.async_io_mut(Interest::WRITABLE, |inner| inner.write(b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let AsyncFd {
            registration,
            inner,
        } = self;
        let inner = inner
            .as_mut()
            .expect("AsyncFd holds its object until dropped");
        registration.async_io(interest, || f(inner)).await
    }

    /// Runs `f` on the inner object if the descriptor looks ready for
    /// `interest`, without waiting.
    ///
    /// If the descriptor is not known to be ready, `f` is not called and
    /// `WouldBlock` is returned; if `f` returns `WouldBlock`, the readiness
    /// is cleared. `f` should do one non-blocking operation of the kind
    /// `interest` names, directly on the descriptor; use a single interest.
    ///
    /// # Errors
    ///
    /// `WouldBlock` as described, or `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let _ = fd.writable().await?;
    /// let n = fd.try_io(Interest::WRITABLE, |mut inner| inner.write(b"hi"))?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration.try_io(interest, || f(self.get_ref()))
    }

    /// Like [`try_io`](AsyncFd::try_io), with mutable access to the inner
    /// object.
    ///
    /// # Errors
    ///
    /// `WouldBlock` if the descriptor is not known to be ready or `f`
    /// returned it; otherwise `f`'s error.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::Interest;
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let _ = fd.writable().await?;
    /// let n = fd.try_io_mut(Interest::WRITABLE, |inner| inner.write(b"hi"))?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io_mut<R>(
        &mut self,
        interest: Interest,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let AsyncFd {
            registration,
            inner,
        } = self;
        let inner = inner
            .as_mut()
            .expect("AsyncFd holds its object until dropped");
        registration.try_io(interest, || f(inner))
    }

    /// Deprecated: unsound, as it cannot ensure the descriptor stays valid.
    /// Use the `unsafe` [`AsyncFd::register`].
    ///
    /// Registers `inner` for readability and writability.
    ///
    /// # Errors
    ///
    /// As for [`register`](AsyncFd::register); the object is dropped.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = kiso::io::unix::AsyncFd::new(a)?;
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    #[track_caller]
    #[deprecated(
        note = "unsound: it cannot guarantee I/O safety; use the unsafe `AsyncFd::register` instead"
    )]
    pub fn new(inner: T) -> io::Result<Self> {
        // SAFETY: not upheld — the reason this function is deprecated; kept
        // for compatibility.
        unsafe { Ok(Self::register(inner)?) }
    }

    /// Deprecated: unsound, as it cannot ensure the descriptor stays valid.
    /// Use the `unsafe` [`AsyncFd::register_with_interest`].
    ///
    /// Registers `inner` for `interest`.
    ///
    /// # Errors
    ///
    /// As for [`register_with_interest`](AsyncFd::register_with_interest);
    /// the object is dropped.
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = kiso::io::unix::AsyncFd::with_interest(a, kiso::io::Interest::READABLE)?;
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    #[track_caller]
    #[deprecated(
        note = "unsound: it cannot guarantee I/O safety; use the unsafe `AsyncFd::register_with_interest` instead"
    )]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<Self> {
        // SAFETY: not upheld — the reason this function is deprecated.
        unsafe { Ok(Self::register_with_interest(inner, interest)?) }
    }

    /// Deprecated: unsound, as it cannot ensure the descriptor stays valid.
    /// Use the `unsafe` [`AsyncFd::register`].
    ///
    /// Registers `inner` for readability and writability, handing it back
    /// in the error on failure.
    ///
    /// # Errors
    ///
    /// As for [`register`](AsyncFd::register).
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = kiso::io::unix::AsyncFd::try_new(a)?;
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    #[track_caller]
    #[deprecated(
        note = "unsound: it cannot guarantee I/O safety; use the unsafe `AsyncFd::register` instead"
    )]
    pub fn try_new(inner: T) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: not upheld — the reason this function is deprecated.
        unsafe { Self::register(inner) }
    }

    /// Deprecated: unsound, as it cannot ensure the descriptor stays valid.
    /// Use the `unsafe` [`AsyncFd::register_with_interest`].
    ///
    /// Registers `inner` for `interest`, handing it back in the error on
    /// failure.
    ///
    /// # Errors
    ///
    /// As for [`register_with_interest`](AsyncFd::register_with_interest).
    ///
    /// # Panics
    ///
    /// Panics outside a runtime, or in one whose I/O driver is not enabled.
    ///
    /// # Examples
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = kiso::io::unix::AsyncFd::try_with_interest(a, kiso::io::Interest::WRITABLE)?;
    /// # let _ = fd;
    /// # Ok(())
    /// # }
    /// ```
    #[inline]
    #[track_caller]
    #[deprecated(
        note = "unsound: it cannot guarantee I/O safety; use the unsafe `AsyncFd::register_with_interest` instead"
    )]
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: not upheld — the reason this function is deprecated.
        unsafe { Self::register_with_interest(inner, interest) }
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<T: AsRawFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: `register`'s contract keeps the descriptor open and
        // unchanged for as long as the `AsyncFd` holds the object, which
        // covers this borrow.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

impl<T: fmt::Debug + AsRawFd> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T: AsRawFd> Drop for AsyncFd<T> {
    fn drop(&mut self) {
        // Deregister before the object (and its descriptor) is dropped.
        drop(self.take_inner());
    }
}

/// Clears what `event` saw of `ready` and returns what is left of it.
fn clear_matching(
    registration: &Registration,
    mut event: ReadyEvent,
    ready: Ready,
) -> Option<ReadyEvent> {
    registration.clear_readiness(ReadyEvent { ready, ..event });
    event.ready = event.ready - ready;
    (!event.ready.is_empty()).then_some(event)
}

impl<'a, Inner: AsRawFd> AsyncFdReadyGuard<'a, Inner> {
    /// Marks the descriptor as no longer ready: the next wait waits for a
    /// new readiness event from the OS.
    ///
    /// Call it only once an operation returned `WouldBlock`; clearing while
    /// the descriptor is still ready can make the next wait hang, since no
    /// new event will come. Has no effect if a newer event arrived since
    /// this guard was made.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.ready(kiso::io::Interest::WRITABLE).await?;
    /// guard.clear_ready();
    /// assert!(guard.ready().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration.clear_readiness(event);
        }
    }

    /// Clears only the readiness in `ready` (for example
    /// `Ready::READABLE` after a read returned `WouldBlock`), keeping the
    /// rest of what the guard saw.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use kiso::io::{Interest, Ready};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// guard.clear_ready_matching(Ready::READABLE);
    /// assert!(!guard.ready().is_readable());
    /// assert!(guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        if let Some(event) = self.event.take() {
            self.event = clear_matching(&self.async_fd.registration, event, ready);
        }
    }

    /// Keeps the readiness: the next wait completes at once.
    ///
    /// Does nothing (dropping the guard has the same effect); it exists to
    /// say so explicitly and satisfy the guard's `#[must_use]`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// fd.writable().await?.retain_ready();
    /// fd.writable().await?.retain_ready(); // at once
    /// # Ok(())
    /// # }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// Returns the readiness this guard saw (empty after
    /// [`clear_ready`](AsyncFdReadyGuard::clear_ready)).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let guard = fd.writable().await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |e| e.ready)
    }

    /// Runs the I/O operation `f` on the `AsyncFd`; if it returns
    /// `WouldBlock`, clears the readiness and returns `Err(TryIoError)`.
    ///
    /// Any other result comes back in `Ok`. On `Err`, wait again (the
    /// usual loop around [`readable`](AsyncFd::readable) or
    /// [`writable`](AsyncFd::writable)). `f` must return `WouldBlock` only
    /// when the descriptor really stopped being ready.
    ///
    /// # Errors
    ///
    /// [`TryIoError`] if `f` returned `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Read;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.ready(kiso::io::Interest::WRITABLE).await?;
    /// let mut buf = [0; 4];
    /// // Nothing to read: WouldBlock, so the readiness is cleared.
    /// assert!(guard.try_io(|inner| inner.get_ref().read(&mut buf)).is_err());
    /// assert!(guard.ready().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    #[cfg_attr(docsrs, doc(alias = "with_io"))]
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<Inner>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            res => Ok(res),
        }
    }

    /// Returns the [`AsyncFd`] the guard belongs to.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let guard = fd.writable().await?;
    /// assert!(std::ptr::eq(guard.get_ref(), &fd));
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &'a AsyncFd<Inner> {
        self.async_fd
    }

    /// Returns the inner object of the [`AsyncFd`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let fd = unsafe { AsyncFd::register(a)? };
    /// let guard = fd.writable().await?;
    /// guard.get_inner().write_all(b"hi")?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner(&self) -> &'a Inner {
        self.async_fd.get_ref()
    }
}

impl<Inner: AsRawFd> AsyncFdReadyMutGuard<'_, Inner> {
    /// Marks the descriptor as no longer ready: the next wait waits for a
    /// new readiness event from the OS.
    ///
    /// Call it only once an operation returned `WouldBlock`. Has no effect
    /// if a newer event arrived since this guard was made.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// guard.clear_ready();
    /// assert!(guard.ready().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration.clear_readiness(event);
        }
    }

    /// Clears only the readiness in `ready`, keeping the rest of what the
    /// guard saw.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use kiso::io::{Interest, Ready};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.ready_mut(Interest::READABLE | Interest::WRITABLE).await?;
    /// guard.clear_ready_matching(Ready::READABLE);
    /// assert!(guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        if let Some(event) = self.event.take() {
            self.event = clear_matching(&self.async_fd.registration, event, ready);
        }
    }

    /// Keeps the readiness: the next wait completes at once.
    ///
    /// Does nothing (dropping the guard has the same effect); it exists to
    /// say so explicitly and satisfy the guard's `#[must_use]`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// fd.writable_mut().await?.retain_ready();
    /// # Ok(())
    /// # }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// Returns the readiness this guard saw (empty after
    /// [`clear_ready`](AsyncFdReadyMutGuard::clear_ready)).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let guard = fd.writable_mut().await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |e| e.ready)
    }

    /// Runs the I/O operation `f` on the `AsyncFd` (mutably); if it returns
    /// `WouldBlock`, clears the readiness and returns `Err(TryIoError)`.
    ///
    /// Any other result comes back in `Ok`.
    ///
    /// # Errors
    ///
    /// [`TryIoError`] if `f` returned `WouldBlock`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// let n = guard.try_io(|inner| inner.get_mut().write(b"hi")).unwrap()?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<Inner>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            res => Ok(res),
        }
    }

    /// Returns the [`AsyncFd`] the guard belongs to.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let guard = fd.writable_mut().await?;
    /// let _fd: &AsyncFd<_> = guard.get_ref();
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &AsyncFd<Inner> {
        self.async_fd
    }

    /// Returns the [`AsyncFd`] the guard belongs to, mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// let _fd: &mut AsyncFd<_> = guard.get_mut();
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut AsyncFd<Inner> {
        self.async_fd
    }

    /// Returns the inner object of the [`AsyncFd`].
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::os::unix::net::UnixStream;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let guard = fd.writable_mut().await?;
    /// let _inner: &UnixStream = guard.get_inner();
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner(&self) -> &Inner {
        self.async_fd.get_ref()
    }

    /// Returns the inner object of the [`AsyncFd`], mutably.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    /// use std::io::Write;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: the stream owns its descriptor.
    /// let mut fd = unsafe { AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// guard.get_inner_mut().write_all(b"hi")?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner_mut(&mut self) -> &mut Inner {
        self.async_fd.get_mut()
    }
}

impl<T: fmt::Debug + AsRawFd> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}

impl<T: fmt::Debug + AsRawFd> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}

/// The error of a guard's `try_io` when the operation returned
/// `WouldBlock` (the readiness has then been cleared).
///
/// # Examples
///
/// ```
/// use kiso::io::unix::{AsyncFd, TryIoError};
/// use std::io::Read;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: the stream owns its descriptor.
/// let fd = unsafe { AsyncFd::register(a)? };
/// let mut guard = fd.writable().await?;
/// let mut buf = [0; 1];
/// let _err: TryIoError = guard.try_io(|inner| inner.get_ref().read(&mut buf)).unwrap_err();
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TryIoError(());

/// The error of [`AsyncFd::register`] and friends: the cause, and the
/// object that could not be registered.
///
/// Its `Display`, `Debug` and [`source`](Error::source) are the cause's;
/// it converts into the cause with `From`.
///
/// # Examples
///
/// ```
/// use kiso::io::unix::AsyncFd;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("kiso-doc-asyncfd-{}", std::process::id()));
/// std::fs::write(&path, b"regular files cannot be polled")?;
/// let file = std::fs::File::open(&path)?;
/// // SAFETY: the file owns its descriptor.
/// let err = unsafe { AsyncFd::register(file) }.unwrap_err();
/// let (_file, cause) = err.into_parts();
/// assert_eq!(cause.kind(), std::io::ErrorKind::PermissionDenied);
/// # std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
pub struct AsyncFdRegisterError<T> {
    inner: T,
    cause: io::Error,
}

/// The old name of [`AsyncFdRegisterError`].
#[doc(hidden)]
#[deprecated(note = "use `AsyncFdRegisterError` instead")]
pub type AsyncFdTryNewError<T> = AsyncFdRegisterError<T>;

impl<T> AsyncFdRegisterError<T> {
    /// Returns the object that could not be registered, and the cause.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::unix::AsyncFd;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("kiso-doc-parts-{}", std::process::id()));
    /// std::fs::write(&path, b"x")?;
    /// // SAFETY: the file owns its descriptor.
    /// let err = unsafe { AsyncFd::register(std::fs::File::open(&path)?) }.unwrap_err();
    /// let (file, cause) = err.into_parts();
    /// assert!(file.metadata()?.is_file());
    /// assert_eq!(cause.raw_os_error(), Some(1)); // EPERM
    /// # std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Display for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> fmt::Debug for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> Error for AsyncFdRegisterError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdRegisterError<T>> for io::Error {
    fn from(err: AsyncFdRegisterError<T>) -> io::Error {
        err.cause
    }
}
