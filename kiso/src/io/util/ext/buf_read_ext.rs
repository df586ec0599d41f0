//! `AsyncBufReadExt`.

use super::lines::Lines;
use super::read_until::{FillBuf, ReadLine, ReadUntil};
use super::split::Split;
use crate::io::AsyncBufRead;
use std::pin::Pin;

cfg_io_util! {
    /// Reads through a buffer, with `async` methods: lines, delimited
    /// segments, and direct access to the buffer.
    ///
    /// Implemented for every [`AsyncBufRead`]: bring the trait into scope
    /// (`use kiso::io::AsyncBufReadExt;`) and call its methods on any
    /// buffered reader, for example `reader.read_line(&mut line).await`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncBufReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"GET / HTTP/1.1\r\nHost: example\r\n\r\n";
    /// let mut request_line = String::new();
    /// reader.read_line(&mut request_line).await?;
    /// assert_eq!(request_line, "GET / HTTP/1.1\r\n");
    /// # Ok(())
    /// # }
    /// ```
    pub trait AsyncBufReadExt: AsyncBufRead {
        /// Reads bytes into `buf` until the delimiter `byte` or end of
        /// file.
        ///
        /// The future resolves to `io::Result<usize>`: the number of bytes
        /// appended to `buf`, the delimiter included if it was found.
        /// `Ok(0)` means the reader is at end of file.
        ///
        /// # Errors
        ///
        /// Errors of kind [`Interrupted`](std::io::ErrorKind::Interrupted)
        /// are retried; any other error from
        /// [`poll_fill_buf`](AsyncBufRead::poll_fill_buf) is returned. The
        /// bytes read before the error stay appended to `buf`.
        ///
        /// # Cancel safety
        ///
        /// If it is cancelled, some bytes may have been read: they are
        /// appended to `buf`, and calling the method again goes on reading
        /// up to `byte`. The count the new call returns only covers the
        /// bytes that call read.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncBufReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader: &[u8] = b"key:value";
        /// let mut buf = Vec::new();
        /// assert_eq!(reader.read_until(b':', &mut buf).await?, 4);
        /// assert_eq!(buf, b"key:");
        /// buf.clear();
        /// assert_eq!(reader.read_until(b':', &mut buf).await?, 5);
        /// assert_eq!(buf, b"value");
        /// assert_eq!(reader.read_until(b':', &mut buf).await?, 0);
        /// # Ok(())
        /// # }
        /// ```
        fn read_until<'a>(&'a mut self, byte: u8, buf: &'a mut Vec<u8>) -> ReadUntil<'a, Self>
        where
            Self: Unpin,
        {
            ReadUntil::new(self, byte, buf)
        }

        /// Reads a line (up to and including `\n`, or to end of file) and
        /// appends it to `buf`.
        ///
        /// The future resolves to `io::Result<usize>`: the number of bytes
        /// appended. `Ok(0)` means the reader is at end of file. The line
        /// ending (`\n` or `\r\n`) is kept.
        ///
        /// # Errors
        ///
        /// The errors of [`read_until`](AsyncBufReadExt::read_until), and
        /// one more: if the line is not valid UTF-8, the error has kind
        /// [`InvalidData`](std::io::ErrorKind::InvalidData) (carrying a
        /// [`Utf8Error`](std::str::Utf8Error)), the line is consumed from
        /// the reader, and `buf` is left unchanged.
        ///
        /// After an I/O error, `buf` holds the bytes read before it if they
        /// are valid UTF-8 so far, and is left unchanged otherwise.
        ///
        /// # Cancel safety
        ///
        /// This method is not cancel safe: if it is cancelled, part of a
        /// line may have been read, and it is lost. Nothing is promised
        /// about `buf` after a cancellation; currently the future holds
        /// `buf`'s contents while it runs, so `buf` is left empty.
        ///
        /// For a cancel-safe way to read lines, use
        /// [`read_until`](AsyncBufReadExt::read_until) with `b'\n'` and check
        /// the UTF-8 yourself, or the [`next_line`](Lines::next_line) method
        /// of [`lines`](AsyncBufReadExt::lines).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncBufReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader: &[u8] = b"first\nsecond";
        /// let mut line = String::new();
        /// assert_eq!(reader.read_line(&mut line).await?, 6);
        /// assert_eq!(line, "first\n");
        /// line.clear();
        /// assert_eq!(reader.read_line(&mut line).await?, 6);
        /// assert_eq!(line, "second");
        /// # Ok(())
        /// # }
        /// ```
        fn read_line<'a>(&'a mut self, buf: &'a mut String) -> ReadLine<'a, Self>
        where
            Self: Unpin,
        {
            ReadLine::new(self, buf)
        }

        /// Returns the segments of this reader between `byte`s.
        ///
        /// The asynchronous counterpart of
        /// [`BufRead::split`](std::io::BufRead::split). The returned
        /// [`Split`] yields `io::Result<Option<Vec<u8>>>` values; the
        /// segments do not include the delimiter.
        ///
        /// # Errors
        ///
        /// Each segment has the error behaviour of
        /// [`read_until`](AsyncBufReadExt::read_until).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncBufReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let path = std::io::Cursor::new("usr/local/bin");
        /// let mut parts = path.split(b'/');
        /// let mut names = Vec::new();
        /// while let Some(part) = parts.next_segment().await? {
        ///     names.push(String::from_utf8(part).unwrap());
        /// }
        /// assert_eq!(names, ["usr", "local", "bin"]);
        /// # Ok(())
        /// # }
        /// ```
        fn split(self, byte: u8) -> Split<Self>
        where
            Self: Sized + Unpin,
        {
            Split::new(self, byte)
        }

        /// Returns the buffered bytes, reading more into the buffer first if
        /// it is empty.
        ///
        /// The future resolves to `io::Result<&[u8]>`; an empty slice means
        /// end of file. The bytes stay in the buffer (a later read returns
        /// them again) until [`consume`](AsyncBufReadExt::consume) is called
        /// with the number of bytes used.
        ///
        /// # Errors
        ///
        /// Returns the reader's error, if reading into the buffer fails.
        ///
        /// # Panics
        ///
        /// The returned future panics if it is polled again after it
        /// completed.
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe: if it is cancelled, no data was
        /// read.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncBufReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader: &[u8] = b"abcdef";
        /// let buffered = reader.fill_buf().await?;
        /// assert_eq!(buffered, b"abcdef");
        /// reader.consume(4);
        /// assert_eq!(reader.fill_buf().await?, b"ef");
        /// # Ok(())
        /// # }
        /// ```
        fn fill_buf(&mut self) -> FillBuf<'_, Self>
        where
            Self: Unpin,
        {
            FillBuf::new(self)
        }

        /// Marks `amt` buffered bytes as used, so that they are not
        /// returned again.
        ///
        /// A low-level call that goes with
        /// [`fill_buf`](AsyncBufReadExt::fill_buf): it does no I/O, it only
        /// moves past bytes that `fill_buf` returned. `amt` must not exceed
        /// the number of bytes `fill_buf` last returned; what happens
        /// otherwise depends on the reader (it may panic).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncBufReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader = std::io::Cursor::new(b"skip:keep".to_vec());
        /// let n = reader.fill_buf().await?.iter().position(|&b| b == b':').unwrap();
        /// reader.consume(n + 1);
        /// assert_eq!(reader.fill_buf().await?, b"keep");
        /// # Ok(())
        /// # }
        /// ```
        fn consume(&mut self, amt: usize)
        where
            Self: Unpin,
        {
            Pin::new(self).consume(amt);
        }

        /// Returns the lines of this reader.
        ///
        /// The asynchronous counterpart of
        /// [`BufRead::lines`](std::io::BufRead::lines). The returned
        /// [`Lines`] yields `io::Result<Option<String>>` values; the lines
        /// do not include their `\n` or `\r\n`.
        ///
        /// # Errors
        ///
        /// Each line has the error behaviour of
        /// [`read_line`](AsyncBufReadExt::read_line) (see
        /// [`Lines::next_line`] for the details).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncBufReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let text = std::io::Cursor::new("one\r\ntwo\n");
        /// let mut lines = text.lines();
        /// assert_eq!(lines.next_line().await?.as_deref(), Some("one"));
        /// assert_eq!(lines.next_line().await?.as_deref(), Some("two"));
        /// assert_eq!(lines.next_line().await?, None);
        /// # Ok(())
        /// # }
        /// ```
        fn lines(self) -> Lines<Self>
        where
            Self: Sized,
        {
            Lines::new(self)
        }
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}
