//! `copy`, and the buffer it shares with `copy_bidirectional`.

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// One direction of a copy: the bytes read but not yet written, and the
/// progress so far.
#[derive(Debug)]
pub(super) struct CopyBuffer {
    /// The reader reported end of file.
    eof: bool,
    /// Bytes were written since the last flush.
    unflushed: bool,
    /// `buf[start..end]` is read and not yet written.
    start: usize,
    end: usize,
    /// Bytes written so far.
    total: u64,
    buf: Box<[u8]>,
}

impl CopyBuffer {
    pub(super) fn new(size: usize) -> CopyBuffer {
        CopyBuffer {
            eof: false,
            unflushed: false,
            start: 0,
            end: 0,
            total: 0,
            buf: vec![0; size].into_boxed_slice(),
        }
    }

    /// Reads into the free space after `end`, retrying interrupted reads.
    fn poll_read_more<R>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
    ) -> Poll<io::Result<()>>
    where
        R: AsyncRead + ?Sized,
    {
        let mut rb = ReadBuf::new(&mut self.buf);
        rb.set_filled(self.end);
        let res = loop {
            match reader.as_mut().poll_read(cx, &mut rb) {
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        if let Poll::Ready(Ok(())) = res {
            let filled = rb.filled().len();
            // Nothing added (with room to add): end of file.
            self.eof = filled == self.end;
            self.end = filled;
        }
        res
    }

    /// Writes from `buf[start..end]`, retrying interrupted writes. While the
    /// writer is not ready, reads a little more if there is room, so the
    /// next write can be bigger.
    fn poll_write_some<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<usize>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            match writer
                .as_mut()
                .poll_write(cx, &self.buf[self.start..self.end])
            {
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                Poll::Pending => {
                    if !self.eof && self.end < self.buf.len() {
                        ready!(self.poll_read_more(cx, reader.as_mut()))?;
                    }
                    return Poll::Pending;
                }
                other => return other,
            }
        }
    }

    /// Copies until the reader's end of file, then flushes the writer;
    /// returns the number of bytes copied.
    ///
    /// Spends one unit of the task's cooperative budget per call, kept only
    /// if some progress was made.
    pub(super) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        loop {
            // Fill the buffer as far as the reader allows, for bigger writes.
            if !self.eof && self.end < self.buf.len() {
                match self.poll_read_more(cx, reader.as_mut()) {
                    Poll::Ready(Ok(())) => coop.made_progress(),
                    Poll::Ready(Err(e)) => {
                        coop.made_progress();
                        return Poll::Ready(Err(e));
                    }
                    Poll::Pending => {
                        if self.start == self.end {
                            // Nothing to write and nothing to read. The
                            // reader may be waiting for data still sitting
                            // in a buffered writer: flush it before waiting.
                            if self.unflushed {
                                ready!(writer.as_mut().poll_flush(cx))?;
                                coop.made_progress();
                                self.unflushed = false;
                            }
                            return Poll::Pending;
                        }
                        // Something to write meanwhile.
                    }
                }
            }

            while self.start < self.end {
                let n = ready!(self.poll_write_some(cx, reader.as_mut(), writer.as_mut()))?;
                coop.made_progress();
                if n == 0 {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the writer accepted no bytes",
                    )));
                }
                self.start += n;
                self.total += n as u64;
                self.unflushed = true;
            }
            debug_assert!(
                self.start <= self.end,
                "the writer reported more bytes written than it was given"
            );

            // Everything read has been written.
            self.start = 0;
            self.end = 0;

            if self.eof {
                ready!(writer.as_mut().poll_flush(cx))?;
                coop.made_progress();
                return Poll::Ready(Ok(self.total));
            }
        }
    }
}

/// The state of a `copy` call.
#[derive(Debug)]
struct Copy<'a, R: ?Sized, W: ?Sized> {
    reader: &'a mut R,
    writer: &'a mut W,
    buf: CopyBuffer,
}

impl<R, W> Future for Copy<'_, R, W>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let this = self.get_mut();
        this.buf
            .poll_copy(cx, Pin::new(&mut *this.reader), Pin::new(&mut *this.writer))
    }
}

/// Copies everything `reader` produces into `writer`, until end of file;
/// returns the number of bytes copied.
///
/// The asynchronous counterpart of [`std::io::copy`]. Data goes through an
/// 8 KiB buffer allocated for the call: reads fill the buffer as far as the
/// reader allows, writes empty it. When the reader has nothing to give and
/// all read bytes were written, the writer is flushed before waiting (a
/// reader that waits for an answer to what was just written would otherwise
/// wait forever behind a buffered writer). At end of file the writer is
/// flushed, but not shut down.
///
/// To copy from an [`AsyncBufRead`](crate::io::AsyncBufRead) (for example a
/// [`BufReader`](crate::io::BufReader) with a buffer size of your choice)
/// without a second buffer, use [`copy_buf`](crate::io::copy_buf).
///
/// The copy spends the task's cooperative budget, so copying between
/// always-ready kiso resources lets other tasks run.
///
/// # Errors
///
/// Fails as soon as a read or a write fails with any error other than
/// [`io::ErrorKind::Interrupted`] (which is retried), or a flush fails. A
/// writer that accepts zero bytes makes it fail with
/// [`io::ErrorKind::WriteZero`]. Bytes read but not yet written are lost
/// then.
///
/// # Cancel safety
///
/// Not cancel safe: bytes already read from `reader` but not yet written to
/// `writer` are lost if the future is dropped.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = Vec::new();
///
/// let n = kiso::io::copy(&mut reader, &mut writer).await.unwrap();
/// assert_eq!(n, 5);
/// assert_eq!(writer, b"hello");
/// # });
/// ```
pub async fn copy<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    Copy {
        reader,
        writer,
        buf: CopyBuffer::new(super::DEFAULT_BUF_SIZE),
    }
    .await
}
