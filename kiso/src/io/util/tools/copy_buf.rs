//! `copy_buf`.

use crate::io::{AsyncBufRead, AsyncWrite};

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The state of a `copy_buf` call.
#[derive(Debug)]
struct CopyBuf<'a, R: ?Sized, W: ?Sized> {
    reader: &'a mut R,
    writer: &'a mut W,
    total: u64,
    /// Bytes were written since the last flush.
    unflushed: bool,
}

impl<R, W> Future for CopyBuf<'_, R, W>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let this = self.get_mut();
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        loop {
            let chunk = match Pin::new(&mut *this.reader).poll_fill_buf(cx) {
                Poll::Ready(Ok(chunk)) => {
                    coop.made_progress();
                    chunk
                }
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Poll::Ready(Err(e)) => {
                    coop.made_progress();
                    return Poll::Ready(Err(e));
                }
                Poll::Pending => {
                    // The reader may be waiting for data still sitting in a
                    // buffered writer: flush it before waiting.
                    if this.unflushed {
                        ready!(Pin::new(&mut *this.writer).poll_flush(cx))?;
                        this.unflushed = false;
                    }
                    return Poll::Pending;
                }
            };

            if chunk.is_empty() {
                ready!(Pin::new(&mut *this.writer).poll_flush(cx))?;
                return Poll::Ready(Ok(this.total));
            }

            let n = match ready!(Pin::new(&mut *this.writer).poll_write(cx, chunk)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => res?,
            };
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            this.total += n as u64;
            this.unflushed = true;
            Pin::new(&mut *this.reader).consume(n);
        }
    }
}

/// Copies everything `reader` produces into `writer`, until end of file,
/// writing straight from the reader's own buffer; returns the number of
/// bytes copied.
///
/// Like [`copy`](crate::io::copy), but for an [`AsyncBufRead`]: no second
/// buffer is allocated, and the chunk size is the reader's (wrap a reader in
/// a [`BufReader`](crate::io::BufReader) of the capacity you want). The
/// writer is flushed before waiting on a reader that has nothing to give,
/// and at end of file; it is not shut down.
///
/// The copy spends the task's cooperative budget, so copying between
/// always-ready kiso resources lets other tasks run.
///
/// # Errors
///
/// Fails as soon as `poll_fill_buf` or a write fails with any error other
/// than [`io::ErrorKind::Interrupted`] (which is retried), or a flush fails.
/// A writer that accepts zero bytes makes it fail with
/// [`io::ErrorKind::WriteZero`].
///
/// # Cancel safety
///
/// Cancel safe in the sense that no data is lost: bytes are consumed from
/// the reader only once they were written, so dropping the future leaves the
/// unwritten ones in the reader's buffer. The count of bytes copied so far is
/// lost, though.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut reader = kiso::io::BufReader::with_capacity(2, &b"hello"[..]);
/// let mut writer: Vec<u8> = Vec::new();
///
/// let n = kiso::io::copy_buf(&mut reader, &mut writer).await.unwrap();
/// assert_eq!(n, 5);
/// assert_eq!(writer, b"hello");
/// # });
/// ```
pub async fn copy_buf<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    CopyBuf {
        reader,
        writer,
        total: 0,
        unflushed: false,
    }
    .await
}
