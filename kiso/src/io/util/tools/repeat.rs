//! `repeat`.

use super::spend_budget;
use crate::io::{AsyncRead, ReadBuf};

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A reader that yields the same byte forever.
///
/// Created by [`repeat()`]; the asynchronous counterpart of
/// [`std::io::Repeat`]. Each read fills the whole buffer it is given.
///
/// Reads are always ready but spend a unit of the task's cooperative
/// budget, so a loop reading from a `Repeat` still lets other tasks run.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncReadExt;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut buf = [0u8; 4];
/// kiso::io::repeat(1).read_exact(&mut buf).await.unwrap();
/// assert_eq!(buf, [1, 1, 1, 1]);
/// # });
/// ```
#[derive(Debug)]
pub struct Repeat {
    byte: u8,
}

/// Creates a reader that yields `byte` forever.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncReadExt;
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// // Endless: limit it with `take`.
/// let mut zs = String::new();
/// kiso::io::repeat(b'z').take(3).read_to_string(&mut zs).await.unwrap();
/// assert_eq!(zs, "zzz");
/// # });
/// ```
pub fn repeat(byte: u8) -> Repeat {
    Repeat { byte }
}

impl AsyncRead for Repeat {
    #[inline]
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        ready!(spend_budget(cx));
        let n = buf.remaining();
        buf.initialize_unfilled().fill(self.byte);
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}
