#![cfg(feature = "full")]
//! `BufWriter`: buffering up to the capacity, flushing, the large-write
//! bypass, vectored writes, seeking and the read pass-through.

mod support;

use kiso::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, BufWriter, ReadBuf, SeekFrom};
use std::future::poll_fn;
use std::io::{self, Cursor, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

async fn write<W: AsyncWrite + Unpin>(w: &mut W, data: &[u8]) -> io::Result<usize> {
    poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await
}

async fn write_vectored<W: AsyncWrite + Unpin>(
    w: &mut W,
    bufs: &[IoSlice<'_>],
) -> io::Result<usize> {
    poll_fn(|cx| Pin::new(&mut *w).poll_write_vectored(cx, bufs)).await
}

async fn flush<W: AsyncWrite + Unpin>(w: &mut W) -> io::Result<()> {
    poll_fn(|cx| Pin::new(&mut *w).poll_flush(cx)).await
}

async fn shutdown<W: AsyncWrite + Unpin>(w: &mut W) -> io::Result<()> {
    poll_fn(|cx| Pin::new(&mut *w).poll_shutdown(cx)).await
}

async fn read_some<R: AsyncRead + Unpin>(r: &mut R, max: usize) -> io::Result<Vec<u8>> {
    let mut storage = vec![0u8; max];
    let mut buf = ReadBuf::new(&mut storage);
    poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().to_vec())
}

async fn seek<S: AsyncSeek + Unpin>(s: &mut S, pos: SeekFrom) -> io::Result<u64> {
    Pin::new(&mut *s).start_seek(pos)?;
    poll_fn(|cx| Pin::new(&mut *s).poll_complete(cx)).await
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    support::current_thread().block_on(f)
}

/// A writer that records every call it gets.
#[derive(Default)]
struct Mock {
    /// The bytes of each accepted `poll_write` / `poll_write_vectored`.
    writes: Vec<Vec<u8>>,
    vectored_calls: usize,
    flushes: usize,
    shutdowns: usize,
    /// Accept at most this many bytes per call (0 = no limit).
    max_per_write: usize,
    /// Return `Pending` (after waking) on every other write.
    flaky: bool,
    pending_next: bool,
    /// Fail writes after this many bytes in total.
    fail_after: Option<usize>,
    vectored: bool,
    zero: bool,
}

impl Mock {
    fn all(&self) -> Vec<u8> {
        self.writes.concat()
    }

    fn accept(&mut self, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        if self.flaky {
            self.pending_next = !self.pending_next;
            if self.pending_next {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
        }
        if self.zero {
            return Poll::Ready(Ok(0));
        }
        let mut n = data.len();
        if self.max_per_write > 0 {
            n = n.min(self.max_per_write);
        }
        if let Some(limit) = self.fail_after {
            let so_far = self.all().len();
            if so_far >= limit {
                return Poll::Ready(Err(io::Error::other("full")));
            }
            n = n.min(limit - so_far);
        }
        self.writes.push(data[..n].to_vec());
        Poll::Ready(Ok(n))
    }
}

impl AsyncWrite for Mock {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.accept(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.vectored_calls += 1;
        let all: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
        self.accept(cx, &all)
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shutdowns += 1;
        Poll::Ready(Ok(()))
    }
}

#[test]
fn writes_are_held_until_the_buffer_is_full() {
    block_on(async {
        let mut w = BufWriter::with_capacity(8, Mock::default());
        assert_eq!(write(&mut w, b"abc").await.unwrap(), 3);
        assert_eq!(write(&mut w, b"def").await.unwrap(), 3);
        assert!(w.get_ref().writes.is_empty());
        assert_eq!(w.buffer(), b"abcdef");
        // 6 + 3 > 8: the buffer is written out first, then "ghi" is held.
        assert_eq!(write(&mut w, b"ghi").await.unwrap(), 3);
        assert_eq!(w.get_ref().writes, vec![b"abcdef".to_vec()]);
        assert_eq!(w.buffer(), b"ghi");
        // Exactly filling the buffer does not write it out.
        assert_eq!(write(&mut w, b"jklmn").await.unwrap(), 5);
        assert_eq!(w.get_ref().writes.len(), 1);
        assert_eq!(w.buffer(), b"ghijklmn");
        assert_eq!(w.get_ref().flushes, 0);
    });
}

#[test]
fn large_writes_bypass_the_buffer() {
    block_on(async {
        let mut w = BufWriter::with_capacity(4, Mock::default());
        write(&mut w, b"ab").await.unwrap();
        // Too big for the buffer: flush what is buffered, then pass through.
        assert_eq!(write(&mut w, b"0123456789").await.unwrap(), 10);
        assert_eq!(
            w.get_ref().writes,
            vec![b"ab".to_vec(), b"0123456789".to_vec()]
        );
        assert!(w.buffer().is_empty());
        // Exactly the capacity also bypasses.
        write(&mut w, b"wxyz").await.unwrap();
        assert_eq!(w.get_ref().writes.last().unwrap(), b"wxyz");
        assert!(w.buffer().is_empty());
    });
}

#[test]
fn flush_writes_out_and_flushes_the_inner_writer() {
    block_on(async {
        let mut w = BufWriter::new(Mock::default());
        write(&mut w, b"hello").await.unwrap();
        assert!(w.get_ref().writes.is_empty());
        flush(&mut w).await.unwrap();
        assert_eq!(w.get_ref().all(), b"hello");
        assert_eq!(w.get_ref().flushes, 1);
        assert!(w.buffer().is_empty());
    });
}

#[test]
fn shutdown_writes_out_then_shuts_down() {
    block_on(async {
        let mut w = BufWriter::new(Mock::default());
        write(&mut w, b"bye").await.unwrap();
        shutdown(&mut w).await.unwrap();
        assert_eq!(w.get_ref().all(), b"bye");
        assert_eq!(w.get_ref().shutdowns, 1);
    });
}

#[test]
fn partial_and_pending_inner_writes_keep_the_order() {
    support::with_timeout(|| {
        block_on(async {
            let inner = Mock {
                max_per_write: 3,
                flaky: true,
                ..Default::default()
            };
            let mut w = BufWriter::with_capacity(10, inner);
            let mut expected = Vec::new();
            for i in 0..50u8 {
                let chunk = vec![i; (i % 7) as usize + 1];
                let n = write(&mut w, &chunk).await.unwrap();
                expected.extend_from_slice(&chunk[..n]);
            }
            flush(&mut w).await.unwrap();
            assert_eq!(w.get_ref().all(), expected);
            assert!(w.get_ref().writes.iter().all(|c| c.len() <= 3));
        })
    });
}

#[test]
fn inner_writer_taking_nothing_is_an_error() {
    block_on(async {
        let inner = Mock {
            zero: true,
            ..Default::default()
        };
        let mut w = BufWriter::with_capacity(8, inner);
        write(&mut w, b"abc").await.unwrap();
        let err = flush(&mut w).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    });
}

#[test]
fn failed_flush_keeps_what_was_not_written() {
    block_on(async {
        let inner = Mock {
            fail_after: Some(2),
            ..Default::default()
        };
        let mut w = BufWriter::with_capacity(8, inner);
        write(&mut w, b"abcdef").await.unwrap();
        let err = flush(&mut w).await.unwrap_err();
        assert_eq!(err.to_string(), "full");
        assert_eq!(w.get_ref().all(), b"ab");
        assert_eq!(w.buffer(), b"cdef");
        assert_eq!(w.get_ref().flushes, 0);
    });
}

#[test]
fn always_claims_vectored_writes() {
    let w = BufWriter::new(Mock::default());
    assert!(!w.get_ref().is_write_vectored());
    assert!(w.is_write_vectored());
}

#[test]
fn vectored_over_a_non_vectored_writer() {
    block_on(async {
        let mut w = BufWriter::with_capacity(8, Mock::default());
        // Leading empty slices are skipped; slices are buffered while they
        // fit, whole.
        let bufs = [
            IoSlice::new(b""),
            IoSlice::new(b"ab"),
            IoSlice::new(b"cde"),
            IoSlice::new(b"fghijk"),
            IoSlice::new(b"z"),
        ];
        assert_eq!(write_vectored(&mut w, &bufs).await.unwrap(), 5);
        assert_eq!(w.buffer(), b"abcde");
        assert!(w.get_ref().writes.is_empty());

        // The first slice does not fit: flush, then buffer.
        let bufs = [IoSlice::new(b"fghijk"), IoSlice::new(b"lm")];
        assert_eq!(write_vectored(&mut w, &bufs).await.unwrap(), 8);
        assert_eq!(w.get_ref().writes, vec![b"abcde".to_vec()]);
        assert_eq!(w.buffer(), b"fghijklm");

        // A first slice at least as large as the buffer goes straight
        // through with `poll_write`, after a flush.
        let bufs = [IoSlice::new(b"0123456789"), IoSlice::new(b"x")];
        assert_eq!(write_vectored(&mut w, &bufs).await.unwrap(), 10);
        assert_eq!(
            w.get_ref().writes,
            vec![
                b"abcde".to_vec(),
                b"fghijklm".to_vec(),
                b"0123456789".to_vec()
            ]
        );
        assert_eq!(w.get_ref().vectored_calls, 0);

        // Only empty slices.
        let bufs = [IoSlice::new(b""), IoSlice::new(b"")];
        assert_eq!(write_vectored(&mut w, &bufs).await.unwrap(), 0);
        assert_eq!(write_vectored(&mut w, &[]).await.unwrap(), 0);
    });
}

#[test]
fn vectored_over_a_vectored_writer() {
    block_on(async {
        let inner = Mock {
            vectored: true,
            ..Default::default()
        };
        let mut w = BufWriter::with_capacity(8, inner);
        let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cd")];
        assert_eq!(write_vectored(&mut w, &bufs).await.unwrap(), 4);
        assert_eq!(w.buffer(), b"abcd");

        // All slices or none: 4 + 5 > 8, flush, then buffer all.
        let bufs = [IoSlice::new(b"efg"), IoSlice::new(b"hi")];
        assert_eq!(write_vectored(&mut w, &bufs).await.unwrap(), 5);
        assert_eq!(w.get_ref().writes, vec![b"abcd".to_vec()]);
        assert_eq!(w.buffer(), b"efghi");

        // A total of at least the capacity goes to the inner writer's
        // vectored write.
        let bufs = [IoSlice::new(b"0123"), IoSlice::new(b"4567")];
        assert_eq!(write_vectored(&mut w, &bufs).await.unwrap(), 8);
        assert_eq!(w.get_ref().vectored_calls, 1);
        assert_eq!(
            w.get_ref().writes,
            vec![b"abcd".to_vec(), b"efghi".to_vec(), b"01234567".to_vec()]
        );
        assert!(w.buffer().is_empty());
    });
}

#[test]
fn seeking_writes_out_the_buffer_first() {
    block_on(async {
        let mut w = BufWriter::with_capacity(16, Cursor::new(Vec::new()));
        write(&mut w, b"abcdef").await.unwrap();
        assert!(w.get_ref().get_ref().is_empty());
        assert_eq!(seek(&mut w, SeekFrom::Start(1)).await.unwrap(), 1);
        assert_eq!(w.get_ref().get_ref(), b"abcdef");
        assert!(w.buffer().is_empty());
        write(&mut w, b"XY").await.unwrap();
        assert_eq!(seek(&mut w, SeekFrom::Current(0)).await.unwrap(), 3);
        assert_eq!(seek(&mut w, SeekFrom::End(0)).await.unwrap(), 6);
        flush(&mut w).await.unwrap();
        assert_eq!(w.into_inner().into_inner(), b"aXYdef");
    });
}

#[test]
fn failed_seek_is_reported() {
    block_on(async {
        let mut w = BufWriter::with_capacity(16, Cursor::new(Vec::new()));
        write(&mut w, b"abc").await.unwrap();
        let err = seek(&mut w, SeekFrom::Current(-10)).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        // The buffer was still written out.
        assert_eq!(w.get_ref().get_ref(), b"abc");
        assert_eq!(seek(&mut w, SeekFrom::Start(0)).await.unwrap(), 0);
    });
}

#[test]
fn reads_go_straight_through() {
    block_on(async {
        let (a, mut b) = kiso::io::duplex(64);
        let mut w = BufWriter::new(a);
        write(&mut b, b"from b").await.unwrap();
        assert_eq!(read_some(&mut w, 64).await.unwrap(), b"from b");

        // `AsyncBufRead` is passed through too.
        let (c, mut d) = kiso::io::duplex(64);
        write(&mut d, b"buffered").await.unwrap();
        let mut w = BufWriter::new(kiso::io::BufReader::new(c));
        let chunk = poll_fn(|cx| Pin::new(&mut w).poll_fill_buf(cx).map_ok(|b| b.to_vec()))
            .await
            .unwrap();
        assert_eq!(chunk, b"buffered");
        Pin::new(&mut w).consume(3);
        assert_eq!(read_some(&mut w, 64).await.unwrap(), b"fered");
    });
}

#[test]
fn accessors() {
    let mut w = BufWriter::with_capacity(4, Vec::<u8>::new());
    w.get_mut().push(1);
    assert_eq!(w.get_ref(), &[1]);
    assert_eq!(*Pin::new(&mut w).get_pin_mut(), [1]);
    assert!(w.buffer().is_empty());
    assert_eq!(w.into_inner(), vec![1]);
    let dbg = format!("{:?}", BufWriter::new(Vec::<u8>::new()));
    assert!(dbg.contains("BufWriter"), "{dbg}");
}

#[test]
fn into_inner_drops_buffered_bytes() {
    let mut w = BufWriter::with_capacity(8, Vec::<u8>::new());
    let mut cx = Context::from_waker(Waker::noop());
    assert!(Pin::new(&mut w).poll_write(&mut cx, b"lost").is_ready());
    assert!(w.into_inner().is_empty());
}

#[test]
fn default_capacity_is_8k() {
    block_on(async {
        let mut w = BufWriter::new(Mock::default());
        write(&mut w, &[0u8; 8 * 1024 - 1]).await.unwrap();
        assert!(w.get_ref().writes.is_empty());
        write(&mut w, &[0u8; 1]).await.unwrap();
        assert!(w.get_ref().writes.is_empty());
        write(&mut w, &[0u8; 1]).await.unwrap();
        assert_eq!(w.get_ref().writes.len(), 1);
        assert_eq!(w.get_ref().writes[0].len(), 8 * 1024);
    });
}

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

trait AmbiguousIfSend<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}

trait AmbiguousIfSync<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfSync<()> for T {}
impl<T: ?Sized + Sync> AmbiguousIfSync<u8> for T {}

trait AmbiguousIfUnpin<A> {
    fn check() {}
}
impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

#[test]
fn auto_traits() {
    is_send::<BufWriter<kiso::io::DuplexStream>>();
    is_sync::<BufWriter<kiso::io::DuplexStream>>();
    is_unpin::<BufWriter<kiso::io::DuplexStream>>();
    // Each line compiles only if the type does NOT have the trait.
    <BufWriter<std::rc::Rc<u8>> as AmbiguousIfSend<_>>::check();
    <BufWriter<std::cell::Cell<u8>> as AmbiguousIfSync<_>>::check();
    <BufWriter<std::marker::PhantomPinned> as AmbiguousIfUnpin<_>>::check();
}
