//! `join`: a reader and a writer as one read/write value.

use crate::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Combines a reader and a writer into one value that is both
/// [`AsyncRead`] and [`AsyncWrite`] (and [`AsyncBufRead`] if the reader is).
///
/// Reads go to `reader`, writes, flushes and shutdowns to `writer`. Useful
/// to hand two separate streams (say, standard input and output, or the
/// halves of a [`split`](crate::io::split)) to code that wants one.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut both = kiso::io::join(&b"input"[..], Vec::new());
///
/// let mut input = String::new();
/// both.read_to_string(&mut input).await.unwrap();
/// assert_eq!(input, "input");
///
/// both.write_all(b"output").await.unwrap();
/// let (_reader, writer) = both.into_inner();
/// assert_eq!(writer, b"output");
/// # });
/// ```
pub fn join<R, W>(reader: R, writer: W) -> Join<R, W>
where
    R: AsyncRead,
    W: AsyncWrite,
{
    Join { reader, writer }
}

/// A reader and a writer combined into one read/write value; created by
/// [`join()`].
///
/// # Examples
///
/// ```
/// let joined: kiso::io::Join<&[u8], Vec<u8>> = kiso::io::join(&b""[..], Vec::new());
/// assert!(joined.writer().is_empty());
/// ```
#[derive(Debug)]
pub struct Join<R, W> {
    // Both structurally pinned.
    reader: R,
    writer: W,
}

impl<R, W> Join<R, W> {
    fn pinned(self: Pin<&mut Self>) -> (Pin<&mut R>, Pin<&mut W>) {
        // SAFETY: both fields are structurally pinned: they are only handed
        // out pinned from a pinned `Join`, `Join` has no `Drop` impl, and it
        // is `Unpin` only when both are (the auto impl).
        unsafe {
            let this = self.get_unchecked_mut();
            (
                Pin::new_unchecked(&mut this.reader),
                Pin::new_unchecked(&mut this.writer),
            )
        }
    }
}

impl<R, W> Join<R, W>
where
    R: AsyncRead,
    W: AsyncWrite,
{
    /// Takes the reader and the writer back out.
    ///
    /// # Examples
    ///
    /// ```
    /// let joined = kiso::io::join(&b"r"[..], Vec::<u8>::new());
    /// let (reader, writer) = joined.into_inner();
    /// assert_eq!(reader, b"r");
    /// assert!(writer.is_empty());
    /// ```
    pub fn into_inner(self) -> (R, W) {
        (self.reader, self.writer)
    }

    /// Returns a shared reference to the reader.
    ///
    /// # Examples
    ///
    /// ```
    /// let joined = kiso::io::join(&b"r"[..], Vec::<u8>::new());
    /// assert_eq!(*joined.reader(), b"r");
    /// ```
    pub fn reader(&self) -> &R {
        &self.reader
    }

    /// Returns a shared reference to the writer.
    ///
    /// # Examples
    ///
    /// ```
    /// let joined = kiso::io::join(&b"r"[..], vec![1u8]);
    /// assert_eq!(joined.writer(), &[1]);
    /// ```
    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// Returns a mutable reference to the reader.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut joined = kiso::io::join(&b"abc"[..], Vec::<u8>::new());
    /// *joined.reader_mut() = &b"xyz"[..];
    /// assert_eq!(*joined.reader(), b"xyz");
    /// ```
    pub fn reader_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Returns a mutable reference to the writer.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut joined = kiso::io::join(&b""[..], Vec::<u8>::new());
    /// joined.writer_mut().push(5);
    /// assert_eq!(joined.writer(), &[5]);
    /// ```
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Returns a pinned mutable reference to the reader.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::Pin;
    ///
    /// let mut joined = kiso::io::join(&b"ab"[..], Vec::<u8>::new());
    /// let reader: Pin<&mut &[u8]> = Pin::new(&mut joined).reader_pin_mut();
    /// assert_eq!(reader.len(), 2);
    /// ```
    pub fn reader_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.pinned().0
    }

    /// Returns a pinned mutable reference to the writer.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::Pin;
    ///
    /// let mut joined = kiso::io::join(&b""[..], Vec::<u8>::new());
    /// let writer: Pin<&mut Vec<u8>> = Pin::new(&mut joined).writer_pin_mut();
    /// assert!(writer.is_empty());
    /// ```
    pub fn writer_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.pinned().1
    }
}

impl<R, W> AsyncRead for Join<R, W>
where
    R: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.pinned().0.poll_read(cx, buf)
    }
}

impl<R, W> AsyncWrite for Join<R, W>
where
    W: AsyncWrite,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.pinned().1.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.pinned().1.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.writer.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.pinned().1.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.pinned().1.poll_shutdown(cx)
    }
}

impl<R, W> AsyncBufRead for Join<R, W>
where
    R: AsyncBufRead,
{
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.pinned().0.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.pinned().0.consume(amt)
    }
}
