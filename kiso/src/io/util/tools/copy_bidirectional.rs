//! `copy_bidirectional` and `copy_bidirectional_with_sizes`.

use super::copy::CopyBuffer;
use crate::io::{AsyncRead, AsyncWrite};

use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Progress of one direction.
enum Direction {
    /// Copying until the reader's end of file.
    Copying(CopyBuffer),
    /// End of file seen and everything written: shutting the writer down.
    ShuttingDown(u64),
    /// Finished, with the byte count.
    Done(u64),
}

impl Direction {
    /// Drives this direction from `from` to `to`; returns the byte count once
    /// it is finished (and keeps returning it).
    fn poll<A, B>(
        &mut self,
        cx: &mut Context<'_>,
        from: &mut A,
        to: &mut B,
    ) -> Poll<io::Result<u64>>
    where
        A: AsyncRead + AsyncWrite + Unpin + ?Sized,
        B: AsyncRead + AsyncWrite + Unpin + ?Sized,
    {
        let mut from = Pin::new(from);
        let mut to = Pin::new(to);
        loop {
            match self {
                Direction::Copying(buf) => {
                    let n = ready!(buf.poll_copy(cx, from.as_mut(), to.as_mut()))?;
                    *self = Direction::ShuttingDown(n);
                }
                Direction::ShuttingDown(n) => {
                    ready!(to.as_mut().poll_shutdown(cx))?;
                    *self = Direction::Done(*n);
                }
                Direction::Done(n) => return Poll::Ready(Ok(*n)),
            }
        }
    }
}

/// Copies between `a` and `b` in both directions at once, until both have
/// reached end of file; returns `(bytes from a to b, bytes from b to a)`.
///
/// Whatever is read from one stream is written to the other. When one
/// stream reports end of file, the other one's write side is shut down
/// (with [`poll_shutdown`](AsyncWrite::poll_shutdown)) and reading from the
/// first stops; the other direction goes on. The future completes once both
/// directions are finished in this way.
///
/// Each direction uses an 8 KiB buffer; see
/// [`copy_bidirectional_with_sizes`] to choose the sizes. The copy spends
/// the task's cooperative budget, like [`copy`](crate::io::copy).
///
/// # Errors
///
/// Interrupted reads and writes are retried. Any other read, write, flush
/// or shutdown error ends the copy at once and is returned; bytes read but
/// not yet written (in either direction) are lost then.
///
/// # Cancel safety
///
/// Not cancel safe: bytes read from one stream and not yet written to the
/// other are lost if the future is dropped.
///
/// # Examples
///
/// ```
/// use kiso::io::{AsyncReadExt, AsyncWriteExt};
///
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// // A "proxy" between two in-memory connections.
/// let (mut client, mut proxy_front) = kiso::io::duplex(64);
/// let (mut proxy_back, mut server) = kiso::io::duplex(64);
/// let proxy = kiso::spawn(async move {
///     kiso::io::copy_bidirectional(&mut proxy_front, &mut proxy_back).await
/// });
///
/// client.write_all(b"request").await.unwrap();
/// client.shutdown().await.unwrap();
///
/// // The server gets the request, then end of file.
/// let mut request = Vec::new();
/// server.read_to_end(&mut request).await.unwrap();
/// assert_eq!(request, b"request");
///
/// server.write_all(b"reply").await.unwrap();
/// server.shutdown().await.unwrap();
/// let mut reply = Vec::new();
/// client.read_to_end(&mut reply).await.unwrap();
/// assert_eq!(reply, b"reply");
///
/// assert_eq!(proxy.await.unwrap().unwrap(), (7, 5));
/// # });
/// ```
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    both_ways(
        a,
        b,
        CopyBuffer::new(super::DEFAULT_BUF_SIZE),
        CopyBuffer::new(super::DEFAULT_BUF_SIZE),
    )
    .await
}

/// Like [`copy_bidirectional`], with a buffer of `a_to_b_buf_size` bytes for
/// the copy from `a` to `b` and one of `b_to_a_buf_size` bytes for the other
/// direction.
///
/// # Errors
///
/// As [`copy_bidirectional`].
///
/// # Cancel safety
///
/// Not cancel safe, as [`copy_bidirectional`].
///
/// # Panics
///
/// Panics if either size is zero.
///
/// # Examples
///
/// ```
/// # let rt = kiso::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let mut a = kiso::io::empty();
/// let mut b = kiso::io::empty();
/// let counts = kiso::io::copy_bidirectional_with_sizes(&mut a, &mut b, 1024, 512)
///     .await
///     .unwrap();
/// assert_eq!(counts, (0, 0));
/// # });
/// ```
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    assert!(
        a_to_b_buf_size > 0,
        "`a_to_b_buf_size` must be greater than 0"
    );
    assert!(
        b_to_a_buf_size > 0,
        "`b_to_a_buf_size` must be greater than 0"
    );
    both_ways(
        a,
        b,
        CopyBuffer::new(a_to_b_buf_size),
        CopyBuffer::new(b_to_a_buf_size),
    )
    .await
}

async fn both_ways<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b: CopyBuffer,
    b_to_a: CopyBuffer,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = Direction::Copying(a_to_b);
    let mut b_to_a = Direction::Copying(b_to_a);
    poll_fn(|cx| {
        // Poll both before waiting on either, so both make progress; a
        // finished direction keeps reporting its count.
        let forward = a_to_b.poll(cx, a, b)?;
        let backward = b_to_a.poll(cx, b, a)?;
        let forward = ready!(forward);
        let backward = ready!(backward);
        Poll::Ready(Ok((forward, backward)))
    })
    .await
}
