//! Standard input, output and error (`io-std`).
//!
//! The standard streams are blocking file descriptors, so [`Stdin`],
//! [`Stdout`] and [`Stderr`] run the `std` calls on the runtime's blocking
//! pool (see `Blocking`), one operation at a time per handle.

/// The impls `Stdout` and `Stderr` share: `AsyncWrite` through their
/// `Blocking` adapter, `Debug`, and access to the process's descriptor or
/// handle. `$std` is the `std::io` function of the stream.
macro_rules! std_writer_impls {
    ($ty:ident, $std:ident) => {
        impl crate::io::AsyncWrite for $ty {
            fn poll_write(
                mut self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                std::pin::Pin::new(&mut self.std).poll_write(cx, super::console_chunk(buf))
            }

            fn poll_flush(
                mut self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut self.std).poll_flush(cx)
            }

            fn poll_shutdown(
                mut self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut self.std).poll_shutdown(cx)
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty)).field("std", &self.std).finish()
            }
        }

        #[cfg(unix)]
        impl std::os::unix::io::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
                std::os::unix::io::AsRawFd::as_raw_fd(&std::io::$std())
            }
        }

        #[cfg(unix)]
        impl std::os::unix::io::AsFd for $ty {
            fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
                let fd = std::os::unix::io::AsRawFd::as_raw_fd(self);
                // SAFETY: the process's standard stream descriptors stay
                // open for the life of the process as far as Rust code is
                // concerned (`std` makes the same assumption for its own
                // handles).
                unsafe { std::os::unix::io::BorrowedFd::borrow_raw(fd) }
            }
        }

        #[cfg(windows)]
        impl std::os::windows::io::AsRawHandle for $ty {
            fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
                std::os::windows::io::AsRawHandle::as_raw_handle(&std::io::$std())
            }
        }

        #[cfg(windows)]
        impl std::os::windows::io::AsHandle for $ty {
            fn as_handle(&self) -> std::os::windows::io::BorrowedHandle<'_> {
                let handle = std::os::windows::io::AsRawHandle::as_raw_handle(self);
                // SAFETY: as for the descriptor above: the process's
                // standard handles stay open for its life.
                unsafe { std::os::windows::io::BorrowedHandle::borrow_raw(handle) }
            }
        }
    };
}
use std_writer_impls;

mod blocking;
mod stderr;
mod stdin;
mod stdout;

#[allow(unused_imports)]
pub(crate) use blocking::{spawn_op, Blocking, Buf, Pending, MAX_BUF};
pub use stderr::{stderr, Stderr};
pub use stdin::{stdin, Stdin};
pub use stdout::{stdout, Stdout};

/// The part of `buf` to hand to one console write.
///
/// A Windows console rejects a write that ends inside a UTF-8 character, so
/// there a buffer longer than one blocking write can take is cut before an
/// incomplete trailing character, if it looks like text. Elsewhere the
/// buffer is returned unchanged (the blocking layer takes what fits).
fn console_chunk(buf: &[u8]) -> &[u8] {
    if !cfg!(windows) || buf.len() <= MAX_BUF {
        return buf;
    }
    let chunk = &buf[..MAX_BUF];
    // Judge "text" by the first bytes: valid UTF-8, or cut short only by
    // the end of the sample.
    let sample = &chunk[..32];
    let looks_like_text = match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if !looks_like_text {
        return chunk;
    }
    // Find where the last character starts (at most 3 continuation bytes
    // back) and cut before it if it does not fit.
    for back in 1..=4 {
        let i = chunk.len() - back;
        let b = chunk[i];
        if b & 0b1100_0000 != 0b1000_0000 {
            let width = match b {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            return if back < width { &chunk[..i] } else { chunk };
        }
    }
    chunk
}
