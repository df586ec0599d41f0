//! `Take`: a reader that stops after a number of bytes.

use crate::io::{AsyncBufRead, AsyncRead, ReadBuf};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A reader that reads at most a given number of bytes from another one.
///
/// Created by [`AsyncReadExt::take`](crate::io::AsyncReadExt::take). Once
/// the limit is reached it reports end of file, whatever the inner reader
/// still holds; [`set_limit`](Take::set_limit) allows more.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncReadExt;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let source: &[u8] = b"header|body";
/// let mut header = source.take(6);
/// let mut out = String::new();
/// header.read_to_string(&mut out).await?;
/// assert_eq!(out, "header");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless you `.await` or poll them"]
#[cfg_attr(docsrs, doc(cfg(feature = "io-util")))]
pub struct Take<R> {
    inner: R,
    // Named as in Tokio, so that `Debug` output matches.
    limit_: u64,
}

impl<R: AsyncRead> Take<R> {
    pub(super) fn new(inner: R, limit: u64) -> Take<R> {
        Take {
            inner,
            limit_: limit,
        }
    }

    /// The pinned inner reader and the limit.
    fn project(self: Pin<&mut Self>) -> (Pin<&mut R>, &mut u64) {
        // SAFETY: `inner` is structurally pinned: `Take` is `Unpin` only if
        // `R` is, has no `Drop` impl, and only hands `inner` out by value
        // from an owned (hence unpinned, or `Unpin`) `Take`. `limit_` is
        // not pinned.
        unsafe {
            let me = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut me.inner), &mut me.limit_)
        }
    }

    /// Returns how many more bytes may be read before end of file is
    /// reported.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut t = (&b"abcdef"[..]).take(4);
    /// let mut buf = [0u8; 3];
    /// t.read_exact(&mut buf).await?;
    /// assert_eq!(t.limit(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn limit(&self) -> u64 {
        self.limit_
    }

    /// Sets how many more bytes may be read, counting from now (whatever
    /// has been read so far).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut t = (&b"abcdef"[..]).take(0);
    /// t.set_limit(2);
    /// let mut out = Vec::new();
    /// t.read_to_end(&mut out).await?;
    /// assert_eq!(out, b"ab");
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_limit(&mut self, limit: u64) {
        self.limit_ = limit;
    }

    /// Returns a shared reference to the inner reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// let t = (&b"abc"[..]).take(1);
    /// assert_eq!(*t.get_ref(), b"abc");
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Returns a mutable reference to the inner reader.
    ///
    /// Reading from it directly bypasses the limit (and does not change
    /// it).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// let mut t = (&b"abc"[..]).take(1);
    /// *t.get_mut() = &b"xyz"[..];
    /// assert_eq!(*t.get_ref(), b"xyz");
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Returns a pinned mutable reference to the inner reader.
    ///
    /// Reading from it directly bypasses the limit (and does not change
    /// it).
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    /// use std::pin::pin;
    ///
    /// let mut t = pin!((&b"abc"[..]).take(1));
    /// let inner = t.as_mut().get_pin_mut();
    /// assert_eq!(*inner, b"abc");
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().0
    }

    /// Returns the inner reader. Bytes it has not handed out are still in
    /// it.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut t = (&b"abcdef"[..]).take(2);
    /// let mut out = Vec::new();
    /// t.read_to_end(&mut out).await?;
    /// assert_eq!(t.into_inner(), b"cdef");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead> AsyncRead for Take<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let (inner, limit) = self.project();
        if *limit == 0 {
            return Poll::Ready(Ok(()));
        }
        let max = usize::try_from(*limit).unwrap_or(usize::MAX);
        let (n, init) = {
            let mut sub = buf.take(max);
            let start = sub.filled().as_ptr();
            ready!(inner.poll_read(cx, &mut sub))?;
            // A reader may swap the `ReadBuf` it was given for another one;
            // then the bytes it reports are not in `buf`.
            assert_eq!(
                start,
                sub.filled().as_ptr(),
                "the reader replaced the ReadBuf it was given"
            );
            (sub.filled().len(), sub.initialized().len())
        };
        // SAFETY: `sub` covered the start of `buf`'s unfilled part (the
        // same memory, checked above), and the reader initialized its first
        // `init` bytes.
        unsafe { buf.assume_init(init) };
        buf.advance(n);
        *limit -= n as u64;
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncBufRead> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let (inner, limit) = self.project();
        if *limit == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let available = ready!(inner.poll_fill_buf(cx))?;
        let n = usize::try_from(*limit).map_or(available.len(), |l| l.min(available.len()));
        Poll::Ready(Ok(&available[..n]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let (inner, limit) = self.project();
        // Never more than the limit, which bounds what was handed out.
        let amt = usize::try_from(*limit).map_or(amt, |l| l.min(amt));
        *limit -= amt as u64;
        inner.consume(amt);
    }
}
