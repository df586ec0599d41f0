//! `Lines`: the lines of a buffered reader, one `String` at a time.

use super::read_until::poll_read_until;
use crate::io::AsyncBufRead;
use std::future::poll_fn;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The lines of a buffered reader.
///
/// Created by [`AsyncBufReadExt::lines`](crate::io::AsyncBufReadExt::lines).
/// Each line comes without its line ending (`\n` or `\r\n`). A partly read
/// line is kept inside `Lines` between calls, so
/// [`next_line`](Lines::next_line) loses nothing when cancelled.
///
/// # Examples
///
/// ```
/// use kiso::io::AsyncBufReadExt;
///
/// # #[kiso::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let text: &[u8] = b"alpha\r\nbeta\ngamma";
/// let mut lines = text.lines();
/// let mut all = Vec::new();
/// while let Some(line) = lines.next_line().await? {
///     all.push(line);
/// }
/// assert_eq!(all, ["alpha", "beta", "gamma"]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
#[cfg_attr(docsrs, doc(cfg(feature = "io-util")))]
pub struct Lines<R> {
    reader: R,
    /// The line read so far.
    buf: Vec<u8>,
}

impl<R: AsyncBufRead> Lines<R> {
    pub(super) fn new(reader: R) -> Lines<R> {
        Lines {
            reader,
            buf: Vec::new(),
        }
    }
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// Returns the next line, or `None` at end of input.
    ///
    /// The line has no `\n` or `\r\n` at the end. The last line of the
    /// input need not end with a newline; an input that ends with a newline
    /// has no empty line after it.
    ///
    /// # Errors
    ///
    /// Returns the reader's I/O errors; the part of a line read before an
    /// error is kept, and the next call goes on with it. A line that is
    /// not valid UTF-8 is an error of kind
    /// [`InvalidData`](std::io::ErrorKind::InvalidData) carrying a
    /// [`FromUtf8Error`](std::string::FromUtf8Error) (with the line's
    /// bytes); the next call returns the line after it.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: bytes of a line read before the call is
    /// cancelled are kept, and the next call returns the whole line.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncBufReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut lines = (&b"one\ntwo\n"[..]).lines();
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("one"));
    /// assert_eq!(lines.next_line().await?.as_deref(), Some("two"));
    /// assert_eq!(lines.next_line().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }

    /// Returns a mutable reference to the reader.
    ///
    /// Reading from it directly skips those bytes; a partly read line
    /// stays inside `Lines`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncBufReadExt;
    ///
    /// let mut lines = (&b"a\nb\n"[..]).lines();
    /// *lines.get_mut() = &b"c\n"[..];
    /// assert_eq!(*lines.get_ref(), b"c\n");
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Returns a shared reference to the reader.
    ///
    /// (It takes `&mut self`, as Tokio's does.)
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncBufReadExt;
    ///
    /// let mut lines = (&b"a\n"[..]).lines();
    /// assert_eq!(*lines.get_ref(), b"a\n");
    /// ```
    pub fn get_ref(&mut self) -> &R {
        &self.reader
    }

    /// Returns the reader. A partly read line inside `Lines` is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncBufReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut lines = (&b"first\nrest"[..]).lines();
    /// lines.next_line().await?;
    /// assert_eq!(lines.into_inner(), b"rest");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncBufRead> Lines<R> {
    /// Polls for the next line.
    ///
    /// Returns:
    ///
    /// * `Poll::Pending` if the next line is not complete yet; the task is
    ///   woken when the reader may have more bytes.
    /// * `Poll::Ready(Ok(Some(line)))` with the next line, without its
    ///   `\n` or `\r\n`.
    /// * `Poll::Ready(Ok(None))` at end of input.
    /// * `Poll::Ready(Err(e))` on an I/O error, or for a line that is not
    ///   valid UTF-8 (kind [`InvalidData`](std::io::ErrorKind::InvalidData),
    ///   with the [`FromUtf8Error`](std::string::FromUtf8Error) inside; the
    ///   next call reads the line after it).
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
    /// let mut lines = (&b"hi\r\n"[..]).lines();
    /// let mut cx = Context::from_waker(Waker::noop());
    /// match Pin::new(&mut lines).poll_next_line(&mut cx) {
    ///     Poll::Ready(Ok(Some(line))) => assert_eq!(line, "hi"),
    ///     other => panic!("{other:?}"),
    /// }
    /// ```
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        // SAFETY: `reader` is structurally pinned: `Lines` is `Unpin` only
        // if `R` is, has no `Drop` impl, and only hands the reader out by
        // value from an owned (hence unpinned, or `Unpin`) `Lines`. `buf`
        // is not pinned.
        let (reader, buf) = unsafe {
            let me = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut me.reader), &mut me.buf)
        };
        let mut read = 0;
        let n = ready!(poll_read_until(reader, cx, b'\n', buf, &mut read))?;
        if n == 0 && buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        let mut line = mem::take(buf);
        if line.last() == Some(&b'\n') {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
        }
        Poll::Ready(match String::from_utf8(line) {
            Ok(line) => Ok(Some(line)),
            Err(e) => Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        })
    }
}
