//! `Chain`: one reader after another.

use crate::io::{AsyncBufRead, AsyncRead, ReadBuf};
use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A reader that reads everything from a first reader, then from a second.
///
/// Created by [`AsyncReadExt::chain`](crate::io::AsyncReadExt::chain). The
/// switch happens the first time the first reader reports end of file
/// (a read that adds nothing to a buffer with room); the first reader is
/// not read again after that.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncReadExt;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let head: &[u8] = b"hello, ";
/// let tail: &[u8] = b"world";
/// let mut both = head.chain(tail);
/// let mut out = String::new();
/// both.read_to_string(&mut out).await?;
/// assert_eq!(out, "hello, world");
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
#[cfg_attr(docsrs, doc(cfg(feature = "io-util")))]
pub struct Chain<T, U> {
    first: T,
    second: U,
    done_first: bool,
}

impl<T: AsyncRead, U: AsyncRead> Chain<T, U> {
    pub(super) fn new(first: T, second: U) -> Chain<T, U> {
        Chain {
            first,
            second,
            done_first: false,
        }
    }

    /// Both pinned readers and the switch flag.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut T>, Pin<&mut U>, &mut bool) {
        // SAFETY: `first` and `second` are structurally pinned: `Chain` is
        // `Unpin` only if both are, has no `Drop` impl, and only hands them
        // out by value from an owned (hence unpinned, or `Unpin`) `Chain`.
        // `done_first` is not pinned.
        unsafe {
            let me = self.get_unchecked_mut();
            (
                Pin::new_unchecked(&mut me.first),
                Pin::new_unchecked(&mut me.second),
                &mut me.done_first,
            )
        }
    }

    /// Returns shared references to both readers.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// let c = (&b"a"[..]).chain(&b"b"[..]);
    /// let (first, second) = c.get_ref();
    /// assert_eq!((*first, *second), (&b"a"[..], &b"b"[..]));
    /// ```
    pub fn get_ref(&self) -> (&T, &U) {
        (&self.first, &self.second)
    }

    /// Returns mutable references to both readers.
    ///
    /// Reading from them directly may confuse the chain (for example, it
    /// does not notice the first reader running out that way).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// let mut c = (&b"a"[..]).chain(&b"b"[..]);
    /// let (_, second) = c.get_mut();
    /// *second = &b"z"[..];
    /// assert_eq!(*c.get_ref().1, b"z");
    /// ```
    pub fn get_mut(&mut self) -> (&mut T, &mut U) {
        (&mut self.first, &mut self.second)
    }

    /// Returns pinned mutable references to both readers.
    ///
    /// Reading from them directly may confuse the chain.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    /// use std::pin::pin;
    ///
    /// let mut c = pin!((&b"a"[..]).chain(&b"b"[..]));
    /// let (first, second) = c.as_mut().get_pin_mut();
    /// assert_eq!((*first, *second), (&b"a"[..], &b"b"[..]));
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> (Pin<&mut T>, Pin<&mut U>) {
        let (first, second, _) = self.project();
        (first, second)
    }

    /// Returns both readers. Bytes they have not handed out are still in
    /// them.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut c = (&b"ab"[..]).chain(&b"cd"[..]);
    /// let mut buf = [0u8; 3];
    /// c.read_exact(&mut buf).await?;
    /// let (first, second) = c.into_inner();
    /// assert!(first.is_empty());
    /// assert_eq!(second, b"d");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> (T, U) {
        (self.first, self.second)
    }
}

impl<T: fmt::Debug, U: fmt::Debug> fmt::Debug for Chain<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chain")
            .field("t", &self.first)
            .field("u", &self.second)
            .finish()
    }
}

impl<T: AsyncRead, U: AsyncRead> AsyncRead for Chain<T, U> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let (first, second, done_first) = self.project();
        if !*done_first {
            let room = buf.remaining();
            ready!(first.poll_read(cx, buf))?;
            // Nothing added to a buffer with room: end of the first reader.
            // (With no room, nothing can be told.)
            if room == 0 || buf.remaining() != room {
                return Poll::Ready(Ok(()));
            }
            *done_first = true;
        }
        second.poll_read(cx, buf)
    }
}

impl<T: AsyncBufRead, U: AsyncBufRead> AsyncBufRead for Chain<T, U> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (first, second, done_first) = self.project();
        if !*done_first {
            let available = ready!(first.poll_fill_buf(cx))?;
            if !available.is_empty() {
                return Poll::Ready(Ok(available));
            }
            *done_first = true;
        }
        second.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (first, second, done_first) = self.project();
        if *done_first {
            second.consume(amt)
        } else {
            first.consume(amt)
        }
    }
}
