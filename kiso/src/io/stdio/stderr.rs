//! `Stderr`.

use super::{console_chunk, Blocking};
use crate::io::AsyncWrite;

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A handle to the process's standard error; created by [`stderr()`].
///
/// It implements [`AsyncWrite`]. Each write copies the bytes (up to 2 MiB)
/// into the handle's buffer, hands them to a thread of the runtime's
/// blocking pool, which writes them to `std::io::stderr()`, and returns at
/// once; the next write, or a flush, first waits for that one to finish.
/// Await a flush to know the bytes have reached standard error.
///
/// Each single write reaches standard error in one piece, not interleaved
/// with other writers' output. Nothing more is guaranteed: `write_all` may
/// take several writes, so two tasks using `write_all` at the same time can
/// see their output interleaved.
///
/// Writes through one handle happen in order, but each call to [`stderr()`]
/// makes a new, independent handle. Writing through a fresh handle each time
/// (say, one per loop iteration) can reorder output, as the last write of a
/// dropped handle may still be running when the next handle writes: create
/// one handle and reuse it.
///
/// A write that was reported done still reaches standard error if the
/// runtime shuts down before a pool thread got to it.
///
/// # Panics
///
/// Writing or flushing panics outside the context of a runtime, or when kiso
/// is built without the `rt` feature.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut stderr = kiso::io::stderr();
/// // `copy` writes everything, then flushes.
/// kiso::io::copy(&mut &b"something went wrong\n"[..], &mut stderr)
///     .await
///     .unwrap();
/// # });
/// ```
pub struct Stderr {
    std: Blocking<std::io::Stderr>,
}

/// Returns a new handle to the process's standard error.
///
/// Unlike [`std::io::stderr`], every call makes an independent handle with
/// its own buffer and its own write in flight: flushing one handle does not
/// wait for the writes of another, and writes through different handles are
/// not ordered. Keep and reuse one handle.
///
/// Each single write reaches standard error in one piece; a `write_all`
/// may take several writes, so concurrent `write_all`s can interleave.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncWriteExt;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// // One handle for all the writes.
/// let mut out = kiso::io::stderr();
/// for line in ["hello\n", "world\n"] {
///     out.write_all(line.as_bytes()).await.unwrap();
/// }
/// // Wait until both lines were written out.
/// out.flush().await.unwrap();
/// # });
/// ```
pub fn stderr() -> Stderr {
    Stderr {
        std: Blocking::new_mandatory(io::stderr()),
    }
}

impl AsyncWrite for Stderr {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.std).poll_write(cx, console_chunk(buf))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.std).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.std).poll_shutdown(cx)
    }
}

impl fmt::Debug for Stderr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stderr").field("std", &self.std).finish()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for Stderr {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        std::os::unix::io::AsRawFd::as_raw_fd(&io::stderr())
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsFd for Stderr {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        let fd = std::os::unix::io::AsRawFd::as_raw_fd(self);
        // SAFETY: the process's standard error descriptor stays open for
        // the life of the process as far as Rust code is concerned (`std`
        // makes the same assumption for its own `Stderr`).
        unsafe { std::os::unix::io::BorrowedFd::borrow_raw(fd) }
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsRawHandle for Stderr {
    fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
        std::os::windows::io::AsRawHandle::as_raw_handle(&io::stderr())
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsHandle for Stderr {
    fn as_handle(&self) -> std::os::windows::io::BorrowedHandle<'_> {
        let handle = std::os::windows::io::AsRawHandle::as_raw_handle(self);
        // SAFETY: the process's standard error handle stays open for the
        // life of the process as far as Rust code is concerned (`std` makes
        // the same assumption for its own `Stderr`).
        unsafe { std::os::windows::io::BorrowedHandle::borrow_raw(handle) }
    }
}
