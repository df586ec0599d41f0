//! `Stdin`.

use super::Blocking;
use crate::io::{AsyncRead, ReadBuf};

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A handle to the process's standard input; created by [`stdin()`].
///
/// It implements [`AsyncRead`]. Reads are ordinary blocking reads of
/// `std::io::stdin()`, run on a thread of the runtime's blocking pool, one
/// at a time; bytes read that did not fit in the caller's buffer are kept
/// for the next read. Reading concurrently through several handles needs
/// care, as each has its own buffer.
///
/// It suits non-interactive use best, such as reading a file piped into the
/// program. A blocking read cannot be cancelled: once one is in flight it
/// waits for input even if the future reading from the handle is dropped,
/// and shutting the runtime down waits for it too (with a terminal on
/// standard input, until the user presses enter). For interactive input,
/// prefer a dedicated thread doing blocking reads.
///
/// # Panics
///
/// Reading from it panics outside the context of a runtime, or when kiso is
/// built without the `rt` feature.
///
/// # Examples
///
/// ```no_run
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// // Echo standard input to standard output.
/// let n = kiso::io::copy(&mut kiso::io::stdin(), &mut kiso::io::stdout())
///     .await
///     .unwrap();
/// eprintln!("{n} bytes");
/// # });
/// ```
pub struct Stdin {
    std: Blocking<std::io::Stdin>,
}

/// Returns a new handle to the process's standard input.
///
/// It suits non-interactive use best, such as reading a file piped into the
/// program: reads are blocking reads on a thread of the runtime's blocking
/// pool, and such a read cannot be cancelled, so shutting the runtime down
/// can wait until the user presses enter. For interactive input, prefer a
/// dedicated thread doing blocking reads.
///
/// # Examples
///
/// ```no_run
/// use kiso::io::{AsyncBufReadExt, BufReader};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// // Count the lines piped in.
/// let mut lines = BufReader::new(kiso::io::stdin()).lines();
/// let mut n = 0;
/// while let Some(_line) = lines.next_line().await.unwrap() {
///     n += 1;
/// }
/// println!("{n} lines");
/// # });
/// ```
pub fn stdin() -> Stdin {
    Stdin {
        std: Blocking::new(io::stdin()),
    }
}

/// # Cancel safety
///
/// Cancel safe: the read in flight belongs to the handle, not to the future,
/// so a later read on the same handle gets its bytes.
impl AsyncRead for Stdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.std).poll_read(cx, buf)
    }
}

impl fmt::Debug for Stdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stdin").field("std", &self.std).finish()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for Stdin {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        std::os::unix::io::AsRawFd::as_raw_fd(&io::stdin())
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsFd for Stdin {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        let fd = std::os::unix::io::AsRawFd::as_raw_fd(self);
        // SAFETY: the process's standard input descriptor stays open for the
        // life of the process as far as Rust code is concerned (`std` makes
        // the same assumption for its own `Stdin`).
        unsafe { std::os::unix::io::BorrowedFd::borrow_raw(fd) }
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsRawHandle for Stdin {
    fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
        std::os::windows::io::AsRawHandle::as_raw_handle(&io::stdin())
    }
}

#[cfg(windows)]
impl std::os::windows::io::AsHandle for Stdin {
    fn as_handle(&self) -> std::os::windows::io::BorrowedHandle<'_> {
        let handle = std::os::windows::io::AsRawHandle::as_raw_handle(self);
        // SAFETY: the process's standard input handle stays open for the life
        // of the process as far as Rust code is concerned (`std` makes the
        // same assumption for its own `Stdin`).
        unsafe { std::os::windows::io::BorrowedHandle::borrow_raw(handle) }
    }
}
