//! `Split`: the segments of a buffered reader between delimiter bytes.

use super::read_until::poll_read_until;
use crate::io::AsyncBufRead;
use std::future::poll_fn;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The segments of a buffered reader, split on a delimiter byte.
///
/// Created by [`AsyncBufReadExt::split`](crate::io::AsyncBufReadExt::split).
/// Each segment comes without the delimiter. A partly read segment is kept
/// inside `Split` between calls.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncBufReadExt;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let csv = std::io::Cursor::new(b"a,b,,c");
/// let mut fields = csv.split(b',');
/// let mut all = Vec::new();
/// while let Some(field) = fields.next_segment().await? {
///     all.push(field);
/// }
/// assert_eq!(all, [&b"a"[..], b"b", b"", b"c"]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
#[cfg_attr(docsrs, doc(cfg(feature = "io-util")))]
pub struct Split<R> {
    reader: R,
    /// The segment read so far.
    buf: Vec<u8>,
    delim: u8,
    /// Bytes moved into `buf` by the current segment's reads.
    read: usize,
}

impl<R: AsyncBufRead> Split<R> {
    pub(super) fn new(reader: R, delim: u8) -> Split<R> {
        Split {
            reader,
            buf: Vec::new(),
            delim,
            read: 0,
        }
    }
}

impl<R: AsyncBufRead + Unpin> Split<R> {
    /// Returns the next segment, or `None` at end of input.
    ///
    /// The segment has no delimiter at the end. An input that ends with the
    /// delimiter has no empty segment after it; two delimiters in a row
    /// give an empty segment.
    ///
    /// # Errors
    ///
    /// Returns the reader's I/O errors (`Interrupted` ones are retried);
    /// the part of a segment read before an error is kept, and the next
    /// call goes on with it.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: bytes of a segment read before the call
    /// is cancelled are kept, and the next call returns the whole segment.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncBufReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut parts = std::io::Cursor::new(b"x\0y").split(0);
    /// assert_eq!(parts.next_segment().await?, Some(b"x".to_vec()));
    /// assert_eq!(parts.next_segment().await?, Some(b"y".to_vec()));
    /// assert_eq!(parts.next_segment().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_segment(cx)).await
    }
}

impl<R: AsyncBufRead> Split<R> {
    /// Polls for the next segment.
    ///
    /// Returns:
    ///
    /// * `Poll::Pending` if the next segment is not complete yet; the task
    ///   is woken when the reader may have more bytes.
    /// * `Poll::Ready(Ok(Some(segment)))` with the next segment, without
    ///   the delimiter.
    /// * `Poll::Ready(Ok(None))` at end of input.
    /// * `Poll::Ready(Err(e))` on an I/O error.
    ///
    /// Only the waker of the last call's `Context` is woken.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncBufReadExt;
    /// use std::pin::Pin;
    /// use std::task::{Context, Poll, Waker};
    ///
    /// let mut parts = std::io::Cursor::new(b"k=v").split(b'=');
    /// let mut cx = Context::from_waker(Waker::noop());
    /// match Pin::new(&mut parts).poll_next_segment(&mut cx) {
    ///     Poll::Ready(Ok(Some(seg))) => assert_eq!(seg, b"k"),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn poll_next_segment(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        // SAFETY: `reader` is structurally pinned: `Split` is `Unpin` only
        // if `R` is, has no `Drop` impl, and never hands the reader out
        // from a pinned `Split`. The other fields are not pinned.
        let me = unsafe { self.get_unchecked_mut() };
        // SAFETY: as above.
        let reader = unsafe { Pin::new_unchecked(&mut me.reader) };
        let n = ready!(poll_read_until(
            reader,
            cx,
            me.delim,
            &mut me.buf,
            &mut me.read
        ))?;
        if n == 0 && me.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        if me.buf.last() == Some(&me.delim) {
            me.buf.pop();
        }
        Poll::Ready(Ok(Some(mem::take(&mut me.buf))))
    }
}
