//! `BufStream`.

use super::buf_reader::BufReader;
use super::buf_writer::BufWriter;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Buffers both directions of a stream that is read from and written to.
///
/// A `BufStream<RW>` is a [`BufReader`] over a [`BufWriter`] over the
/// stream: reads are served from a read buffer, writes collect in a write
/// buffer (see both types for the details, in particular: flush before
/// dropping, or buffered writes are lost).
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufStream};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let (near, mut far) = kiso::io::duplex(64);
/// let mut stream = BufStream::new(near);
///
/// stream.write_all(b"ping\n").await.unwrap();
/// stream.flush().await.unwrap();
/// let mut buf = [0u8; 5];
/// far.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"ping\n");
///
/// far.write_all(b"pong\n").await.unwrap();
/// let mut line = String::new();
/// stream.read_line(&mut line).await.unwrap();
/// assert_eq!(line, "pong\n");
/// # });
/// ```
#[derive(Debug)]
pub struct BufStream<RW> {
    // Structurally pinned.
    inner: BufReader<BufWriter<RW>>,
}

impl<RW> BufStream<RW> {
    fn inner(self: Pin<&mut Self>) -> Pin<&mut BufReader<BufWriter<RW>>> {
        // SAFETY: `inner` is structurally pinned: `BufStream` has no `Drop`
        // impl, is `Unpin` only when `inner` is (the auto impl), and never
        // moves `inner` out of a pinned `self`.
        unsafe { self.map_unchecked_mut(|s| &mut s.inner) }
    }
}

impl<RW: AsyncRead + AsyncWrite> BufStream<RW> {
    /// Wraps `stream` with a read and a write buffer, both of the default
    /// size (8 KiB at present; this may change).
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = kiso::io::duplex(64);
    /// let stream = kiso::io::BufStream::new(a);
    /// # drop(stream);
    /// ```
    pub fn new(stream: RW) -> BufStream<RW> {
        BufStream {
            inner: BufReader::new(BufWriter::new(stream)),
        }
    }

    /// Wraps `stream` with a read buffer of `reader_capacity` bytes and a
    /// write buffer of `writer_capacity` bytes.
    ///
    /// # Panics
    ///
    /// Panics if `reader_capacity` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = kiso::io::duplex(64);
    /// let stream = kiso::io::BufStream::with_capacity(128, 256, a);
    /// # drop(stream);
    /// ```
    #[track_caller]
    pub fn with_capacity(
        reader_capacity: usize,
        writer_capacity: usize,
        stream: RW,
    ) -> BufStream<RW> {
        BufStream {
            inner: BufReader::with_capacity(
                reader_capacity,
                BufWriter::with_capacity(writer_capacity, stream),
            ),
        }
    }

    /// Returns a shared reference to the wrapped stream.
    ///
    /// Using it directly bypasses both buffers; it is rarely what you want.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = kiso::io::duplex(64);
    /// let stream = kiso::io::BufStream::new(a);
    /// let _inner: &kiso::io::DuplexStream = stream.get_ref();
    /// ```
    pub fn get_ref(&self) -> &RW {
        self.inner.get_ref().get_ref()
    }

    /// Returns a mutable reference to the wrapped stream.
    ///
    /// Using it directly bypasses both buffers; it is rarely what you want.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = kiso::io::duplex(64);
    /// let mut stream = kiso::io::BufStream::new(a);
    /// let _inner: &mut kiso::io::DuplexStream = stream.get_mut();
    /// ```
    pub fn get_mut(&mut self) -> &mut RW {
        self.inner.get_mut().get_mut()
    }

    /// Returns a pinned mutable reference to the wrapped stream.
    ///
    /// Using it directly bypasses both buffers; it is rarely what you want.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::pin::Pin;
    ///
    /// let (a, _b) = kiso::io::duplex(64);
    /// let mut stream = kiso::io::BufStream::new(a);
    /// let _inner: Pin<&mut kiso::io::DuplexStream> = Pin::new(&mut stream).get_pin_mut();
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut RW> {
        self.inner().get_pin_mut().get_pin_mut()
    }

    /// Unwraps the stream.
    ///
    /// Bytes in either buffer are lost: flush first.
    ///
    /// # Examples
    ///
    /// ```
    /// let (a, _b) = kiso::io::duplex(64);
    /// let stream = kiso::io::BufStream::new(a);
    /// let _a: kiso::io::DuplexStream = stream.into_inner();
    /// ```
    pub fn into_inner(self) -> RW {
        self.inner.into_inner().into_inner()
    }
}

/// Keeps both buffers and their contents.
///
/// # Examples
///
/// ```
/// use kiso::io::{BufReader, BufStream, BufWriter};
///
/// let (a, _b) = kiso::io::duplex(64);
/// let stream = BufStream::from(BufReader::new(BufWriter::new(a)));
/// # drop(stream);
/// ```
impl<RW> From<BufReader<BufWriter<RW>>> for BufStream<RW> {
    fn from(b: BufReader<BufWriter<RW>>) -> Self {
        BufStream { inner: b }
    }
}

/// Keeps both buffers and their contents, swapping the layers round so the
/// read buffer is outermost.
///
/// # Examples
///
/// ```
/// use kiso::io::{BufReader, BufStream, BufWriter};
///
/// let (a, _b) = kiso::io::duplex(64);
/// let stream = BufStream::from(BufWriter::new(BufReader::new(a)));
/// # drop(stream);
/// ```
impl<RW> From<BufWriter<BufReader<RW>>> for BufStream<RW> {
    fn from(b: BufWriter<BufReader<RW>>) -> Self {
        let BufWriter {
            inner: reader,
            buf: wbuf,
            written,
            seek_state: wseek,
        } = b;
        let BufReader {
            inner: stream,
            buf: rbuf,
            pos,
            cap,
            seek_state: rseek,
        } = reader;
        BufStream {
            inner: BufReader {
                inner: BufWriter {
                    inner: stream,
                    buf: wbuf,
                    written,
                    seek_state: wseek,
                },
                buf: rbuf,
                pos,
                cap,
                seek_state: rseek,
            },
        }
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncWrite for BufStream<RW> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner().poll_shutdown(cx)
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncRead for BufStream<RW> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner().poll_read(cx, buf)
    }
}

/// Seeks as [`BufReader`] and [`BufWriter`] do: the write buffer is written
/// out first, the read buffer is discarded.
impl<RW: AsyncRead + AsyncWrite + AsyncSeek> AsyncSeek for BufStream<RW> {
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.inner().start_seek(position)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.inner().poll_complete(cx)
    }
}

impl<RW: AsyncRead + AsyncWrite> AsyncBufRead for BufStream<RW> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.inner().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.inner().consume(amt)
    }
}
