//! `Stdout`.

use super::{console_chunk, Blocking};
use crate::io::AsyncWrite;

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A handle to the process's standard output; created by [`stdout()`].
///
/// It implements [`AsyncWrite`]. Each write copies the bytes (up to 2 MiB)
/// into the handle's buffer, hands them to a thread of the runtime's
/// blocking pool, which writes them to `std::io::stdout()`, and returns at
/// once; the next write, or a flush, first waits for that one to finish.
/// Await a flush to know the bytes have reached standard output.
///
/// Each single write reaches standard output in one piece, not interleaved
/// with other writers' output. Nothing more is guaranteed: `write_all` may
/// take several writes, so two tasks using `write_all` at the same time can
/// see their output interleaved.
///
/// Writes through one handle happen in order, but each call to [`stdout()`]
/// makes a new, independent handle. Writing through a fresh handle each time
/// (say, one per loop iteration) can reorder output, as the last write of a
/// dropped handle may still be running when the next handle writes: create
/// one handle and reuse it.
///
/// A write that was reported done still reaches standard output if the
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
/// let mut stdout = kiso::io::stdout();
/// // `copy` writes everything, then flushes.
/// kiso::io::copy(&mut &b"Hello world!\n"[..], &mut stdout)
///     .await
///     .unwrap();
/// # });
/// ```
pub struct Stdout {
    std: Blocking<std::io::Stdout>,
}

/// Returns a new handle to the process's standard output.
///
/// Unlike [`std::io::stdout`], every call makes an independent handle with
/// its own buffer and its own write in flight: flushing one handle does not
/// wait for the writes of another, and writes through different handles are
/// not ordered. Keep and reuse one handle.
///
/// Each single write reaches standard output in one piece; a `write_all`
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
/// let mut out = kiso::io::stdout();
/// for line in ["hello\n", "world\n"] {
///     out.write_all(line.as_bytes()).await.unwrap();
/// }
/// // Wait until both lines were written out.
/// out.flush().await.unwrap();
/// # });
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        std: Blocking::new_mandatory(io::stdout()),
    }
}

impl AsyncWrite for Stdout {
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

impl fmt::Debug for Stdout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stdout").field("std", &self.std).finish()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for Stdout {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        std::os::unix::io::AsRawFd::as_raw_fd(&io::stdout())
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsFd for Stdout {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        let fd = std::os::unix::io::AsRawFd::as_raw_fd(self);
        // SAFETY: the process's standard output descriptor stays open for
        // the life of the process as far as Rust code is concerned (`std`
        // makes the same assumption for its own `Stdout`).
        unsafe { std::os::unix::io::BorrowedFd::borrow_raw(fd) }
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsRawHandle for Stdout {
    fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
        std::os::windows::io::AsRawHandle::as_raw_handle(&io::stdout())
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsHandle for Stdout {
    fn as_handle(&self) -> std::os::windows::io::BorrowedHandle<'_> {
        let handle = std::os::windows::io::AsRawHandle::as_raw_handle(self);
        // SAFETY: the process's standard output handle stays open for the
        // life of the process as far as Rust code is concerned (`std` makes
        // the same assumption for its own `Stdout`).
        unsafe { std::os::windows::io::BorrowedHandle::borrow_raw(handle) }
    }
}
