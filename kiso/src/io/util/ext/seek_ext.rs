//! `AsyncSeekExt`.

use super::seek::Seek;
use crate::io::AsyncSeek;
use std::io::SeekFrom;

cfg_io_util! {
    /// Seeks within a stream of bytes, with `async` methods.
    ///
    /// Implemented for every [`AsyncSeek`]: bring the trait into scope
    /// (`use kiso::io::AsyncSeekExt;`) and call its methods on any seekable
    /// stream, for example `file.seek(SeekFrom::Start(0)).await`.
    ///
    /// # Examples
    ///
    /// ```
    /// use kiso::io::{AsyncReadExt, AsyncSeekExt, SeekFrom};
    ///
    /// # #[kiso::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut data = std::io::Cursor::new(b"0123456789".to_vec());
    /// data.seek(SeekFrom::End(-3)).await?;
    /// assert_eq!(data.read_u8().await?, b'7');
    /// # Ok(())
    /// # }
    /// ```
    pub trait AsyncSeekExt: AsyncSeek {
        /// Seeks to `pos` and returns the new position, counted in bytes
        /// from the start of the stream.
        ///
        /// The future resolves to `io::Result<u64>`. If a seek started
        /// earlier through [`AsyncSeek::start_seek`] has not completed, the
        /// future waits for it before starting this one.
        ///
        /// # Errors
        ///
        /// Returns the stream's error, for example for a position before
        /// the start of the stream (kind
        /// [`InvalidInput`](std::io::ErrorKind::InvalidInput) for
        /// `std::io::Cursor`).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::{AsyncSeekExt, SeekFrom};
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut data = std::io::Cursor::new(vec![0u8; 100]);
        /// assert_eq!(data.seek(SeekFrom::Start(10)).await?, 10);
        /// assert_eq!(data.seek(SeekFrom::Current(5)).await?, 15);
        /// assert_eq!(data.seek(SeekFrom::End(-1)).await?, 99);
        /// assert!(data.seek(SeekFrom::Current(-1000)).await.is_err());
        /// # Ok(())
        /// # }
        /// ```
        fn seek(&mut self, pos: SeekFrom) -> Seek<'_, Self>
        where
            Self: Unpin,
        {
            Seek::new(self, pos)
        }

        /// Seeks back to the start of the stream.
        ///
        /// The same as `self.seek(SeekFrom::Start(0))`; the future resolves
        /// to `io::Result<u64>` (`Ok(0)` on success).
        ///
        /// # Errors
        ///
        /// Returns the stream's error, as [`seek`](AsyncSeekExt::seek).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::{AsyncReadExt, AsyncSeekExt};
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut data = std::io::Cursor::new(b"abc".to_vec());
        /// let mut all = String::new();
        /// data.read_to_string(&mut all).await?;
        /// data.rewind().await?;
        /// assert_eq!(data.read_u8().await?, b'a');
        /// # Ok(())
        /// # }
        /// ```
        fn rewind(&mut self) -> Seek<'_, Self>
        where
            Self: Unpin,
        {
            self.seek(SeekFrom::Start(0))
        }

        /// Returns the current position, counted in bytes from the start
        /// of the stream.
        ///
        /// The same as `self.seek(SeekFrom::Current(0))`; the future
        /// resolves to `io::Result<u64>`.
        ///
        /// # Errors
        ///
        /// Returns the stream's error, as [`seek`](AsyncSeekExt::seek).
        ///
        /// # Examples
        ///
        /// ```
        /// use kiso::io::{AsyncReadExt, AsyncSeekExt};
        ///
        /// # #[kiso::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        /// let mut data = std::io::Cursor::new(b"abcdef".to_vec());
        /// data.read_u16().await?;
        /// assert_eq!(data.stream_position().await?, 2);
        /// # Ok(())
        /// # }
        /// ```
        fn stream_position(&mut self) -> Seek<'_, Self>
        where
            Self: Unpin,
        {
            self.seek(SeekFrom::Current(0))
        }
    }
}

impl<S: AsyncSeek + ?Sized> AsyncSeekExt for S {}
