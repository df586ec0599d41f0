//! `AsyncWriteExt`.

use super::write::{Flush, Shutdown, Write, WriteAll, WriteAllBuf, WriteBuf, WriteVectored};
use super::write_int::{
    WriteF32, WriteF32Le, WriteF64, WriteF64Le, WriteI128, WriteI128Le, WriteI16, WriteI16Le,
    WriteI32, WriteI32Le, WriteI64, WriteI64Le, WriteI8, WriteU128, WriteU128Le, WriteU16,
    WriteU16Le, WriteU32, WriteU32Le, WriteU64, WriteU64Le, WriteU8,
};
use crate::io::AsyncWrite;
use bytes::Buf;
use std::io::IoSlice;

/// Declares the integer-writing methods, each with its documentation.
macro_rules! write_int_methods {
    ($(
        $name:ident -> $fut:ident: $ty:ty, $what:literal,
        $val:literal => [$($byte:literal),*];
    )*) => {$(
        #[doc = concat!("Writes ", $what, " to the writer.")]
        ///
        /// The future resolves to `io::Result<()>` once all the bytes of
        /// the value are written; a writer that takes them a few at a time
        /// works. Wrapping a writer that makes a system call per write in a
        /// buffered writer saves calls.
        ///
        /// # Errors
        ///
        /// The same as [`write_all`](AsyncWriteExt::write_all): a write of
        /// zero bytes is an error of kind
        /// [`WriteZero`](std::io::ErrorKind::WriteZero); `Interrupted`
        /// errors are retried, other errors are returned.
        ///
        /// # Cancel safety
        ///
        /// This method is not cancel safe: if it is cancelled, part of the
        /// value may have been written.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut writer = Vec::new();
        #[doc = concat!("writer.", stringify!($name), "(", stringify!($val), ").await?;")]
        #[doc = concat!("assert_eq!(writer, [", stringify!($($byte),*), "]);")]
        /// # Ok(())
        /// # }
        /// ```
        fn $name(&mut self, n: $ty) -> $fut<&mut Self>
        where
            Self: Unpin,
        {
            $fut::new(self, n)
        }
    )*};
}

cfg_io_util! {
    /// Writes bytes to a sink, with `async` methods.
    ///
    /// Implemented for every [`AsyncWrite`]: bring the trait into scope
    /// (`use kiso::io::AsyncWriteExt;`) and call its methods on any writer,
    /// for example `writer.write_all(b"hello").await`. The methods that
    /// borrow the writer need it to be `Unpin`; pin a writer that is not
    /// (with [`pin!`](std::pin::pin) or `Box::pin`) and call them on the
    /// pinned reference.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::AsyncWriteExt;
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// out.write_u16(3).await?;
    /// out.write_all(b"abc").await?;
    /// out.flush().await?;
    /// assert_eq!(out, [0, 3, b'a', b'b', b'c']);
    /// # Ok(())
    /// # }
    /// ```
    pub trait AsyncWriteExt: AsyncWrite {
        /// Writes some bytes of `src`, returning how many.
        ///
        /// The future resolves to `io::Result<usize>`. It completes after
        /// one write to the writer, which may take only part of `src`.
        ///
        /// `Ok(n)` means `src[..n]` was written (`n <= src.len()`). `Ok(0)`
        /// usually means the writer can take no more bytes (and likely never
        /// will), or that `src` is empty.
        ///
        /// # Errors
        ///
        /// Returns the writer's error, if it fails; then no bytes were
        /// written. Not all of `src` being written is not an error.
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe: if it is cancelled (for example, as
        /// a losing branch of a `select!`), no data was written.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut out = Vec::new();
        /// let n = out.write(b"some bytes").await?;
        /// assert_eq!(&out[..n], &b"some bytes"[..n]);
        /// # Ok(())
        /// # }
        /// ```
        fn write<'a>(&'a mut self, src: &'a [u8]) -> Write<'a, Self>
        where
            Self: Unpin,
        {
            Write::new(self, src)
        }

        /// Like [`write`](AsyncWriteExt::write), from several buffers in
        /// order.
        ///
        /// The future resolves to `io::Result<usize>`: the number of bytes
        /// written, taken from the buffers in order. It makes one call to
        /// [`AsyncWrite::poll_write_vectored`], which writers without
        /// efficient vectored writes implement by writing the first
        /// non-empty buffer only.
        ///
        /// # Errors
        ///
        /// Returns the writer's error, if it fails; then no bytes were
        /// written.
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe: if it is cancelled, no data was
        /// written.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        /// use std::io::IoSlice;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut out = Vec::new();
        /// let bufs = [IoSlice::new(b"head "), IoSlice::new(b"body")];
        /// let n = out.write_vectored(&bufs).await?;
        /// assert_eq!(n, 9);
        /// assert_eq!(out, b"head body");
        /// # Ok(())
        /// # }
        /// ```
        fn write_vectored<'a, 'b>(
            &'a mut self,
            bufs: &'a [IoSlice<'b>],
        ) -> WriteVectored<'a, 'b, Self>
        where
            Self: Unpin,
        {
            WriteVectored::new(self, bufs)
        }

        /// Writes some of a [`Buf`]'s bytes, advancing it, and returns how
        /// many.
        ///
        /// The future resolves to `io::Result<usize>`. It makes at most one
        /// write: vectored (several chunks of `src` at once) if the writer
        /// supports that efficiently, else of `src`'s first chunk. `src` is
        /// then advanced by the number of bytes written, so calling again
        /// with the same `src` goes on from there.
        ///
        /// `Ok(0)` means the writer can take no more bytes, or that `src`
        /// is empty (then the writer is not called at all).
        ///
        /// # Errors
        ///
        /// Returns the writer's error, if it fails; then no bytes were
        /// written and `src` is unchanged. Not all of `src` being written
        /// is not an error.
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe: if it is cancelled, no data was
        /// written.
        ///
        /// # Examples
        ///
        /// ```
        /// use bytes::Buf;
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut out = Vec::new();
        /// let mut src = std::io::Cursor::new(b"abc".to_vec());
        /// let n = out.write_buf(&mut src).await?;
        /// assert_eq!(src.remaining(), 3 - n);
        /// # Ok(())
        /// # }
        /// ```
        fn write_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteBuf<'a, Self, B>
        where
            Self: Sized + Unpin,
            B: Buf,
        {
            WriteBuf::new(self, src)
        }

        /// Writes all of a [`Buf`]'s bytes, advancing it as they go.
        ///
        /// The future resolves to `io::Result<()>`. It writes (vectored, if
        /// the writer supports that efficiently) until `src` has nothing
        /// left, advancing `src` after each write by the bytes written.
        ///
        /// # Errors
        ///
        /// A write of zero bytes is an error of kind
        /// [`WriteZero`](std::io::ErrorKind::WriteZero). Errors of kind
        /// [`Interrupted`](std::io::ErrorKind::Interrupted) are retried;
        /// any other error is returned at once. After an error, `src`
        /// starts at the first byte that was not written.
        ///
        /// # Cancel safety
        ///
        /// If it is cancelled, part of `src` may have been written; `src`
        /// has been advanced past exactly the bytes written, so calling
        /// again with it goes on from there.
        ///
        /// # Examples
        ///
        /// ```
        /// use bytes::Buf;
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut out = Vec::new();
        /// let mut src = (&b"hello "[..]).chain(&b"world"[..]);
        /// out.write_all_buf(&mut src).await?;
        /// assert_eq!(out, b"hello world");
        /// assert!(!src.has_remaining());
        /// # Ok(())
        /// # }
        /// ```
        fn write_all_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteAllBuf<'a, Self, B>
        where
            Self: Sized + Unpin,
            B: Buf,
        {
            WriteAllBuf::new(self, src)
        }

        /// Writes all of `src`.
        ///
        /// The future resolves to `io::Result<()>`. It writes until every
        /// byte of `src` is written, or an error occurs.
        ///
        /// # Errors
        ///
        /// A write of zero bytes is an error of kind
        /// [`WriteZero`](std::io::ErrorKind::WriteZero). Errors of kind
        /// [`Interrupted`](std::io::ErrorKind::Interrupted) are retried;
        /// any other error is returned at once.
        ///
        /// # Cancel safety
        ///
        /// This method is not cancel safe: if it is cancelled, part of
        /// `src` may have been written, and a new call starts again from
        /// the beginning of the slice it is given. To resume, use
        /// [`write_all_buf`](AsyncWriteExt::write_all_buf), which records
        /// progress in its buffer.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut out = Vec::new();
        /// out.write_all(b"every byte").await?;
        /// assert_eq!(out, b"every byte");
        /// # Ok(())
        /// # }
        /// ```
        fn write_all<'a>(&'a mut self, src: &'a [u8]) -> WriteAll<'a, Self>
        where
            Self: Unpin,
        {
            WriteAll::new(self, src)
        }

        write_int_methods! {
            write_u8 -> WriteU8: u8, "an unsigned 8-bit integer",
                7 => [7];
            write_i8 -> WriteI8: i8, "a signed 8-bit integer",
                -2 => [0xfe];
            write_u16 -> WriteU16: u16, "an unsigned 16-bit integer in big-endian order",
                0x0102 => [0x01, 0x02];
            write_i16 -> WriteI16: i16, "a signed 16-bit integer in big-endian order",
                -2 => [0xff, 0xfe];
            write_u32 -> WriteU32: u32, "an unsigned 32-bit integer in big-endian order",
                0x0102_0304 => [0x01, 0x02, 0x03, 0x04];
            write_i32 -> WriteI32: i32, "a signed 32-bit integer in big-endian order",
                -2 => [0xff, 0xff, 0xff, 0xfe];
            write_u64 -> WriteU64: u64, "an unsigned 64-bit integer in big-endian order",
                0x0102 => [0, 0, 0, 0, 0, 0, 0x01, 0x02];
            write_i64 -> WriteI64: i64, "a signed 64-bit integer in big-endian order",
                -2 => [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe];
            write_u128 -> WriteU128: u128, "an unsigned 128-bit integer in big-endian order",
                0x0102 => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02];
            write_i128 -> WriteI128: i128, "a signed 128-bit integer in big-endian order",
                -2 => [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe];
            write_f32 -> WriteF32: f32, "an IEEE 754 single-precision float in big-endian order",
                1.5 => [0x3f, 0xc0, 0, 0];
            write_f64 -> WriteF64: f64, "an IEEE 754 double-precision float in big-endian order",
                1.5 => [0x3f, 0xf8, 0, 0, 0, 0, 0, 0];
            write_u16_le -> WriteU16Le: u16, "an unsigned 16-bit integer in little-endian order",
                0x0102 => [0x02, 0x01];
            write_i16_le -> WriteI16Le: i16, "a signed 16-bit integer in little-endian order",
                -2 => [0xfe, 0xff];
            write_u32_le -> WriteU32Le: u32, "an unsigned 32-bit integer in little-endian order",
                0x0102_0304 => [0x04, 0x03, 0x02, 0x01];
            write_i32_le -> WriteI32Le: i32, "a signed 32-bit integer in little-endian order",
                -2 => [0xfe, 0xff, 0xff, 0xff];
            write_u64_le -> WriteU64Le: u64, "an unsigned 64-bit integer in little-endian order",
                0x0102 => [0x02, 0x01, 0, 0, 0, 0, 0, 0];
            write_i64_le -> WriteI64Le: i64, "a signed 64-bit integer in little-endian order",
                -2 => [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
            write_u128_le -> WriteU128Le: u128, "an unsigned 128-bit integer in little-endian order",
                0x0102 => [0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
            write_i128_le -> WriteI128Le: i128, "a signed 128-bit integer in little-endian order",
                -2 => [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
            write_f32_le -> WriteF32Le: f32, "an IEEE 754 single-precision float in little-endian order",
                1.5 => [0, 0, 0xc0, 0x3f];
            write_f64_le -> WriteF64Le: f64, "an IEEE 754 double-precision float in little-endian order",
                1.5 => [0, 0, 0, 0, 0, 0, 0xf8, 0x3f];
        }

        /// Flushes the writer: makes sure everything buffered on the way
        /// reaches its destination.
        ///
        /// The future resolves to `io::Result<()>`.
        ///
        /// # Errors
        ///
        /// Returns the writer's error, for example when buffered bytes
        /// cannot all be written because of an I/O error or end of file.
        ///
        /// # Cancel safety
        ///
        /// This method is cancel safe. If it is cancelled, the buffered
        /// data may have been partly flushed; the writer's buffer has then
        /// been advanced past exactly the bytes flushed, so nothing is lost
        /// or sent twice.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut out = Vec::new();
        /// out.write_all(b"logged").await?;
        /// out.flush().await?;
        /// # Ok(())
        /// # }
        /// ```
        fn flush(&mut self) -> Flush<'_, Self>
        where
            Self: Unpin,
        {
            Flush::new(self)
        }

        /// Shuts the writer down, so that it can be dropped cleanly.
        ///
        /// The future resolves to `io::Result<()>`. Like
        /// [`flush`](AsyncWriteExt::flush), it first writes out everything
        /// buffered; then it closes the write side (a TCP stream sends its
        /// FIN, for example). Once it completes, the writer should not be
        /// written to again.
        ///
        /// # Errors
        ///
        /// Returns the writer's error, if flushing or shutting down fails.
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::AsyncWriteExt;
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut out = Vec::new();
        /// out.write_all(b"bye").await?;
        /// out.shutdown().await?;
        /// # Ok(())
        /// # }
        /// ```
        fn shutdown(&mut self) -> Shutdown<'_, Self>
        where
            Self: Unpin,
        {
            Shutdown::new(self)
        }
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
