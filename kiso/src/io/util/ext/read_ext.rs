//! `AsyncReadExt`.

use super::chain::Chain;
use super::read::{Read, ReadBuf, ReadExact};
use super::read_int::{
    ReadF32, ReadF32Le, ReadF64, ReadF64Le, ReadI128, ReadI128Le, ReadI16, ReadI16Le, ReadI32,
    ReadI32Le, ReadI64, ReadI64Le, ReadI8, ReadU128, ReadU128Le, ReadU16, ReadU16Le, ReadU32,
    ReadU32Le, ReadU64, ReadU64Le, ReadU8,
};
use super::read_to_end::{ReadToEnd, ReadToString};
use super::take::Take;
use crate::io::AsyncRead;
use bytes::BufMut;

/// Declares the integer-reading methods, each with its documentation.
macro_rules! read_int_methods {
    ($(
        $name:ident -> $fut:ident: $ty:ty, $what:literal, $cancel:literal,
        [$($byte:literal),*] => $val:literal;
    )*) => {$(
        #[doc = concat!("Reads ", $what, " from the reader.")]
        ///
        #[doc = concat!(
            "The future resolves to `io::Result<", stringify!($ty), ">` once all ",
            "the bytes of the value are in. Bytes are read as they come, so a ",
            "reader that hands them out one at a time works; wrapping a reader ",
            "that makes a system call per read in a buffered reader saves calls."
        )]
        ///
        /// # Errors
        ///
        /// The same as [`read_exact`](AsyncReadExt::read_exact): end of
        /// file before the value is complete is an error of kind
        /// [`UnexpectedEof`](std::io::ErrorKind::UnexpectedEof);
        /// `Interrupted` errors are retried, other errors are returned.
        ///
        /// # Cancel safety
        ///
        #[doc = $cancel]
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        #[doc = concat!("let mut reader: &[u8] = &[", stringify!($($byte),*), "];")]
        #[doc = concat!("let value = reader.", stringify!($name), "().await?;")]
        #[doc = concat!("assert_eq!(value, ", stringify!($val), ");")]
        /// # Ok(())
        /// # }
        /// ```
        fn $name(&mut self) -> $fut<&mut Self>
        where
            Self: Unpin,
        {
            $fut::new(self)
        }
    )*};
}

cfg_io_util! {
    /// Reads bytes from a source, with `async` methods.
    ///
    /// Implemented for every [`AsyncRead`]: bring the trait into scope
    /// (`use kiso::io::AsyncReadExt;`) and call its methods on any reader,
    /// for example `reader.read_exact(&mut buf).await`. The methods that
    /// borrow the reader need it to be `Unpin`; pin a reader that is not
    /// (with [`pin!`](std::pin::pin) or `Box::pin`) and call them on the
    /// pinned reference.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncReadExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = &[0, 3, b'a', b'b', b'c'];
    /// let len = reader.read_u16().await?;
    /// let mut name = vec![0; usize::from(len)];
    /// reader.read_exact(&mut name).await?;
    /// assert_eq!(name, b"abc");
    /// # Ok(())
    /// # }
    /// ```
    pub trait AsyncReadExt: AsyncRead {
        /// Returns a reader that reads everything from this one, then
        /// everything from `next`.
        ///
        /// The returned [`Chain`] moves on to `next` the first time this
        /// reader reports end of file.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let a: &[u8] = b"one ";
        /// let b: &[u8] = b"two";
        /// let mut out = String::new();
        /// a.chain(b).read_to_string(&mut out).await?;
        /// assert_eq!(out, "one two");
        /// # Ok(())
        /// # }
        /// ```
        fn chain<R>(self, next: R) -> Chain<Self, R>
        where
            Self: Sized,
            R: AsyncRead,
        {
            Chain::new(self, next)
        }

        /// Reads some bytes into `buf`, returning how many.
        ///
        /// The future resolves to `io::Result<usize>`. It completes after
        /// one successful read from the reader, which may fill only part of
        /// `buf`; whether it completes at once or has to wait depends on the
        /// reader.
        ///
        /// `Ok(n)` with `n > 0` means `buf[..n]` holds the bytes read.
        /// `Ok(0)` means either that the reader is at end of file (which
        /// may not be final: a file can grow, for example) or that `buf` is
        /// empty.
        ///
        /// # Errors
        ///
        /// Returns the reader's error, if it fails; then no bytes were
        /// read.
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe: if it is cancelled (for example, as a
        /// losing branch of a `select!`), no data was read.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader: &[u8] = b"hello world";
        /// let mut buf = [0u8; 5];
        /// let n = reader.read(&mut buf).await?;
        /// assert_eq!(&buf[..n], b"hello");
        /// # Ok(())
        /// # }
        /// ```
        fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
        where
            Self: Unpin,
        {
            Read::new(self, buf)
        }

        /// Reads some bytes into a [`BufMut`], advancing it, and returns
        /// how many.
        ///
        /// The future resolves to `io::Result<usize>`. It reads into the
        /// buffer's next chunk of free space, once; the buffer's length
        /// grows by the number of bytes read. Growable buffers such as
        /// `Vec<u8>` and `BytesMut` make room if they have none.
        ///
        /// `Ok(0)` means either that the reader is at end of file, or that
        /// the buffer has no room left (then the reader is not called at
        /// all).
        ///
        /// # Errors
        ///
        /// Returns the reader's error, if it fails; then no bytes were
        /// read.
        ///
        /// # Panics
        ///
        /// Panics if the reader replaces the [`ReadBuf`](crate::io::ReadBuf)
        /// it is given with another one (its bytes would not be in `buf`).
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe: if it is cancelled, no data was read.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader: &[u8] = b"data";
        /// let mut buf: Vec<u8> = Vec::with_capacity(16);
        /// let n = reader.read_buf(&mut buf).await?;
        /// assert_eq!(n, 4);
        /// assert_eq!(buf, b"data");
        /// # Ok(())
        /// # }
        /// ```
        fn read_buf<'a, B>(&'a mut self, buf: &'a mut B) -> ReadBuf<'a, Self, B>
        where
            Self: Unpin,
            B: BufMut + ?Sized,
        {
            ReadBuf::new(self, buf)
        }

        /// Reads exactly enough bytes to fill `buf`.
        ///
        /// The future resolves to `io::Result<usize>`: on success, the
        /// length of `buf`. It reads as many times as needed, and never
        /// more bytes than fit in `buf`.
        ///
        /// # Errors
        ///
        /// If the reader reaches end of file before `buf` is full, the
        /// error has kind [`UnexpectedEof`](std::io::ErrorKind::UnexpectedEof).
        /// Errors of kind [`Interrupted`](std::io::ErrorKind::Interrupted)
        /// are retried; any other error is returned at once. After an
        /// error, the contents of `buf` and the number of bytes consumed
        /// from the reader are unspecified (but no more than `buf.len()`).
        ///
        /// # Cancel safety
        ///
        /// This method is not cancel safe: if it is cancelled, some bytes
        /// may already have been read into `buf` (and are gone from the
        /// reader).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::{AsyncReadExt, ErrorKind};
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader: &[u8] = b"0123456";
        /// let mut buf = [0u8; 4];
        /// reader.read_exact(&mut buf).await?;
        /// assert_eq!(&buf, b"0123");
        /// // Only three bytes are left.
        /// let err = reader.read_exact(&mut buf).await.unwrap_err();
        /// assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        /// # Ok(())
        /// # }
        /// ```
        fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
        where
            Self: Unpin,
        {
            ReadExact::new(self, buf)
        }

        read_int_methods! {
            read_u8 -> ReadU8: u8, "an unsigned 8-bit integer",
                "This method is cancel safe: if it is cancelled, no data was read.",
                [7] => 7;
            read_i8 -> ReadI8: i8, "a signed 8-bit integer",
                "This method is cancel safe: if it is cancelled, no data was read.",
                [0xfe] => -2;
            read_u16 -> ReadU16: u16, "an unsigned 16-bit integer in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0x01, 0x02] => 0x0102;
            read_i16 -> ReadI16: i16, "a signed 16-bit integer in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0xff, 0xfe] => -2;
            read_u32 -> ReadU32: u32, "an unsigned 32-bit integer in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0x01, 0x02, 0x03, 0x04] => 0x0102_0304;
            read_i32 -> ReadI32: i32, "a signed 32-bit integer in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0xff, 0xff, 0xff, 0xfe] => -2;
            read_u64 -> ReadU64: u64, "an unsigned 64-bit integer in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0, 0, 0, 0, 0, 0, 0x01, 0x02] => 0x0102;
            read_i64 -> ReadI64: i64, "a signed 64-bit integer in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe] => -2;
            read_u128 -> ReadU128: u128, "an unsigned 128-bit integer in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02] => 0x0102;
            read_i128 -> ReadI128: i128, "a signed 128-bit integer in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe] => -2;
            read_f32 -> ReadF32: f32, "an IEEE 754 single-precision float in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0x3f, 0xc0, 0, 0] => 1.5;
            read_f64 -> ReadF64: f64, "an IEEE 754 double-precision float in big-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0x3f, 0xf8, 0, 0, 0, 0, 0, 0] => 1.5;
            read_u16_le -> ReadU16Le: u16, "an unsigned 16-bit integer in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0x02, 0x01] => 0x0102;
            read_i16_le -> ReadI16Le: i16, "a signed 16-bit integer in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0xfe, 0xff] => -2;
            read_u32_le -> ReadU32Le: u32, "an unsigned 32-bit integer in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0x04, 0x03, 0x02, 0x01] => 0x0102_0304;
            read_i32_le -> ReadI32Le: i32, "a signed 32-bit integer in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0xfe, 0xff, 0xff, 0xff] => -2;
            read_u64_le -> ReadU64Le: u64, "an unsigned 64-bit integer in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0x02, 0x01, 0, 0, 0, 0, 0, 0] => 0x0102;
            read_i64_le -> ReadI64Le: i64, "a signed 64-bit integer in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] => -2;
            read_u128_le -> ReadU128Le: u128, "an unsigned 128-bit integer in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] => 0x0102;
            read_i128_le -> ReadI128Le: i128, "a signed 128-bit integer in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff] => -2;
            read_f32_le -> ReadF32Le: f32, "an IEEE 754 single-precision float in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0, 0, 0xc0, 0x3f] => 1.5;
            read_f64_le -> ReadF64Le: f64, "an IEEE 754 double-precision float in little-endian order",
                "This method is not cancel safe: if it is cancelled, bytes of a partly read value are lost.",
                [0, 0, 0, 0, 0, 0, 0xf8, 0x3f] => 1.5;
        }

        /// Reads everything up to end of file, appending it to `buf`.
        ///
        /// The future resolves to `io::Result<usize>`: on success, the
        /// number of bytes appended. It reads until a read returns no bytes.
        ///
        /// Reads go straight into `buf`'s spare capacity. When `buf` runs
        /// out of room it grows geometrically (as `Vec::reserve` does), and
        /// a `buf` whose capacity already fits the whole input is not
        /// reallocated. Memory a reader initialized is not initialized
        /// again.
        ///
        /// # Errors
        ///
        /// Errors of kind [`Interrupted`](std::io::ErrorKind::Interrupted)
        /// are retried. Any other error ends the operation and is returned;
        /// the bytes read before it stay appended to `buf`.
        ///
        /// # Panics
        ///
        /// Panics if the reader replaces the [`ReadBuf`](crate::io::ReadBuf)
        /// it is given with another one.
        ///
        /// # Cancel safety
        ///
        /// If it is cancelled, the bytes read so far are in `buf`, and
        /// calling it again goes on from there (with a count starting at
        /// zero).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader: &[u8] = b" and more";
        /// let mut buf = b"some".to_vec();
        /// let n = reader.read_to_end(&mut buf).await?;
        /// assert_eq!(n, 9);
        /// assert_eq!(buf, b"some and more");
        /// # Ok(())
        /// # }
        /// ```
        fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
        where
            Self: Unpin,
        {
            ReadToEnd::new(self, buf)
        }

        /// Reads everything up to end of file, appending it to `dst` as
        /// UTF-8 text.
        ///
        /// The future resolves to `io::Result<usize>`: on success, the
        /// number of bytes appended.
        ///
        /// # Errors
        ///
        /// If the bytes read are not valid UTF-8, the error has kind
        /// [`InvalidData`](std::io::ErrorKind::InvalidData) (carrying a
        /// [`Utf8Error`](std::str::Utf8Error)) and `dst` is left unchanged;
        /// the input was read to its end all the same.
        ///
        /// Otherwise the errors are those of
        /// [`read_to_end`](AsyncReadExt::read_to_end), except that after an
        /// I/O error `dst` is also left unchanged (the bytes read are
        /// dropped).
        ///
        /// # Cancel safety
        ///
        /// This method is not cancel safe. The future holds `dst`'s
        /// contents while it runs: if it is dropped before it completes,
        /// `dst` is left empty and the bytes read are lost.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::{AsyncReadExt, ErrorKind};
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut reader: &[u8] = "grüße".as_bytes();
        /// let mut text = String::from("> ");
        /// reader.read_to_string(&mut text).await?;
        /// assert_eq!(text, "> grüße");
        ///
        /// let mut bad: &[u8] = b"\xff";
        /// let err = bad.read_to_string(&mut text).await.unwrap_err();
        /// assert_eq!(err.kind(), ErrorKind::InvalidData);
        /// assert_eq!(text, "> grüße");
        /// # Ok(())
        /// # }
        /// ```
        fn read_to_string<'a>(&'a mut self, dst: &'a mut String) -> ReadToString<'a, Self>
        where
            Self: Unpin,
        {
            ReadToString::new(self, dst)
        }

        /// Returns a reader that reads at most `limit` bytes from this one.
        ///
        /// After `limit` bytes the returned [`Take`] reports end of file
        /// (reads return no bytes). Reads that fail do not count towards
        /// the limit, and later reads may succeed.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncReadExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let reader: &[u8] = b"0123456789";
        /// let mut first_four = reader.take(4);
        /// let mut out = Vec::new();
        /// first_four.read_to_end(&mut out).await?;
        /// assert_eq!(out, b"0123");
        /// # Ok(())
        /// # }
        /// ```
        fn take(self, limit: u64) -> Take<Self>
        where
            Self: Sized,
        {
            Take::new(self, limit)
        }
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
