#![cfg(feature = "full")]
//! `BufReader`: buffering, the large-read bypass, `AsyncBufRead`, seeking
//! and the write pass-through.

mod support;

use kiso::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, BufReader, ReadBuf, SeekFrom};
use std::future::poll_fn;
use std::io::{self, Cursor};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

// ---- small helpers (the extension traits are not used here) ----

async fn read_some<R: AsyncRead + Unpin>(r: &mut R, max: usize) -> io::Result<Vec<u8>> {
    let mut storage = vec![0u8; max];
    let mut buf = ReadBuf::new(&mut storage);
    poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().to_vec())
}

async fn fill_buf<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Vec<u8>> {
    poll_fn(|cx| Pin::new(&mut *r).poll_fill_buf(cx).map_ok(|b| b.to_vec())).await
}

async fn seek<S: AsyncSeek + Unpin>(s: &mut S, pos: SeekFrom) -> io::Result<u64> {
    Pin::new(&mut *s).start_seek(pos)?;
    poll_fn(|cx| Pin::new(&mut *s).poll_complete(cx)).await
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    support::current_thread().block_on(f)
}

fn data(n: usize) -> Vec<u8> {
    (0..n).map(|i| i as u8).collect()
}

/// A reader over `data` that records the room offered by each `poll_read`
/// and gives at most `max_chunk` bytes per call.
struct Recording {
    data: Vec<u8>,
    pos: usize,
    max_chunk: usize,
    calls: Arc<Mutex<Vec<usize>>>,
}

impl Recording {
    fn new(data: Vec<u8>, max_chunk: usize) -> (Recording, Arc<Mutex<Vec<usize>>>) {
        let calls = Arc::new(Mutex::new(Vec::new()));
        (
            Recording {
                data,
                pos: 0,
                max_chunk,
                calls: calls.clone(),
            },
            calls,
        )
    }
}

impl AsyncRead for Recording {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.calls.lock().unwrap().push(buf.remaining());
        let n = buf
            .remaining()
            .min(self.max_chunk)
            .min(self.data.len() - self.pos);
        let start = self.pos;
        buf.put_slice(&self.data[start..start + n]);
        self.pos += n;
        Poll::Ready(Ok(()))
    }
}

#[test]
fn small_reads_come_from_the_buffer() {
    block_on(async {
        let (inner, calls) = Recording::new(data(64), usize::MAX);
        let mut reader = BufReader::with_capacity(16, inner);
        let mut got = Vec::new();
        for _ in 0..16 {
            got.extend(read_some(&mut reader, 4).await.unwrap());
        }
        assert_eq!(got, data(64));
        // 64 bytes in 16-byte refills: four inner reads for 16 reads.
        assert_eq!(*calls.lock().unwrap(), vec![16, 16, 16, 16]);
        // End of file.
        assert!(read_some(&mut reader, 4).await.unwrap().is_empty());
    });
}

#[test]
fn buffer_shows_unconsumed_bytes() {
    block_on(async {
        let mut reader = BufReader::with_capacity(8, &b"abcdefghijkl"[..]);
        assert!(reader.buffer().is_empty());
        assert_eq!(read_some(&mut reader, 3).await.unwrap(), b"abc");
        assert_eq!(reader.buffer(), b"defgh");
        // Buffered bytes are served first, without refilling.
        assert_eq!(read_some(&mut reader, 10).await.unwrap(), b"defgh");
        assert!(reader.buffer().is_empty());
        assert_eq!(read_some(&mut reader, 10).await.unwrap(), b"ijkl");
    });
}

#[test]
fn large_read_with_empty_buffer_bypasses_it() {
    block_on(async {
        let (inner, calls) = Recording::new(data(100), usize::MAX);
        let mut reader = BufReader::with_capacity(8, inner);
        // At least the capacity, buffer empty: straight to the inner reader
        // with the caller's buffer.
        let got = read_some(&mut reader, 32).await.unwrap();
        assert_eq!(got, data(32));
        assert_eq!(*calls.lock().unwrap(), vec![32]);
        assert!(reader.buffer().is_empty());

        // Exactly the capacity also bypasses.
        let got = read_some(&mut reader, 8).await.unwrap();
        assert_eq!(got, data(40)[32..]);
        assert_eq!(*calls.lock().unwrap(), vec![32, 8]);

        // Smaller than the capacity: through the buffer.
        let got = read_some(&mut reader, 2).await.unwrap();
        assert_eq!(got, [40, 41]);
        assert_eq!(*calls.lock().unwrap(), vec![32, 8, 8]);
        assert_eq!(reader.buffer(), &[42, 43, 44, 45, 46, 47]);

        // A large read with bytes buffered gets only the buffered bytes.
        let got = read_some(&mut reader, 32).await.unwrap();
        assert_eq!(got, [42, 43, 44, 45, 46, 47]);
        assert_eq!(calls.lock().unwrap().len(), 3);
    });
}

#[test]
fn fill_buf_and_consume() {
    block_on(async {
        let (inner, calls) = Recording::new(data(20), 5);
        let mut reader = BufReader::with_capacity(8, inner);
        // One inner read per refill, whatever it returns.
        assert_eq!(fill_buf(&mut reader).await.unwrap(), data(5));
        assert_eq!(fill_buf(&mut reader).await.unwrap(), data(5));
        assert_eq!(calls.lock().unwrap().len(), 1);
        Pin::new(&mut reader).consume(2);
        assert_eq!(fill_buf(&mut reader).await.unwrap(), [2, 3, 4]);
        // Consuming more than is buffered empties the buffer, nothing more.
        Pin::new(&mut reader).consume(100);
        assert!(reader.buffer().is_empty());
        assert_eq!(fill_buf(&mut reader).await.unwrap(), [5, 6, 7, 8, 9]);
    });
}

#[test]
fn zero_capacity_panics() {
    let err = std::panic::catch_unwind(|| BufReader::with_capacity(0, &b""[..]));
    assert!(err.is_err());
}

#[test]
fn accessors() {
    let mut reader = BufReader::new(Cursor::new(vec![1u8, 2, 3]));
    assert_eq!(reader.get_ref().get_ref(), &[1, 2, 3]);
    reader.get_mut().set_position(2);
    assert_eq!(Pin::new(&mut reader).get_pin_mut().position(), 2);
    assert_eq!(reader.into_inner().position(), 2);
    let dbg = format!("{:?}", BufReader::with_capacity(4, &b"xy"[..]));
    assert!(dbg.contains("BufReader"), "{dbg}");
}

#[test]
fn default_capacity_is_8k() {
    block_on(async {
        let (inner, calls) = Recording::new(data(10), usize::MAX);
        let mut reader = BufReader::new(inner);
        read_some(&mut reader, 1).await.unwrap();
        assert_eq!(*calls.lock().unwrap(), vec![8 * 1024]);
    });
}

#[test]
fn seek_current_counts_from_the_callers_position() {
    block_on(async {
        let mut reader = BufReader::with_capacity(10, Cursor::new(data(100)));
        assert_eq!(read_some(&mut reader, 3).await.unwrap(), [0, 1, 2]);
        // The inner cursor is at 10, the caller at 3.
        assert_eq!(reader.get_ref().position(), 10);
        assert_eq!(seek(&mut reader, SeekFrom::Current(0)).await.unwrap(), 3);
        // Seeking empties the buffer and moves the inner reader.
        assert!(reader.buffer().is_empty());
        assert_eq!(reader.get_ref().position(), 3);
        assert_eq!(read_some(&mut reader, 2).await.unwrap(), [3, 4]);

        assert_eq!(seek(&mut reader, SeekFrom::Current(-2)).await.unwrap(), 3);
        assert_eq!(read_some(&mut reader, 1).await.unwrap(), [3]);
        assert_eq!(seek(&mut reader, SeekFrom::Current(10)).await.unwrap(), 14);
        assert_eq!(read_some(&mut reader, 1).await.unwrap(), [14]);
    });
}

#[test]
fn seek_start_and_end_ignore_the_buffer() {
    block_on(async {
        let mut reader = BufReader::with_capacity(10, Cursor::new(data(100)));
        read_some(&mut reader, 1).await.unwrap();
        assert_eq!(seek(&mut reader, SeekFrom::Start(50)).await.unwrap(), 50);
        assert_eq!(read_some(&mut reader, 1).await.unwrap(), [50]);
        assert_eq!(seek(&mut reader, SeekFrom::End(-1)).await.unwrap(), 99);
        assert_eq!(read_some(&mut reader, 4).await.unwrap(), [99]);
        // Even a seek inside the buffered range discards the buffer, so the
        // inner reader is where the seek said.
        assert_eq!(seek(&mut reader, SeekFrom::Start(0)).await.unwrap(), 0);
        read_some(&mut reader, 1).await.unwrap();
        assert_eq!(seek(&mut reader, SeekFrom::Start(2)).await.unwrap(), 2);
        let inner = reader.into_inner();
        assert_eq!(inner.position(), 2);
    });
}

#[test]
fn failed_seek_reports_the_error() {
    block_on(async {
        let mut reader = BufReader::with_capacity(10, Cursor::new(data(100)));
        read_some(&mut reader, 1).await.unwrap();
        let err = seek(&mut reader, SeekFrom::Current(-50)).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        // Still usable afterwards.
        assert_eq!(seek(&mut reader, SeekFrom::Start(7)).await.unwrap(), 7);
        assert_eq!(read_some(&mut reader, 1).await.unwrap(), [7]);
    });
}

/// A seekable reader that records its seeks, and whose `poll_complete`
/// returns `Pending` once before each result.
#[derive(Default)]
struct SlowSeeker {
    seeks: Vec<SeekFrom>,
    pending_next: bool,
    completes: usize,
    data_left: usize,
}

impl AsyncRead for SlowSeeker {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let n = buf.remaining().min(self.data_left);
        buf.put_slice(&vec![7u8; n]);
        self.data_left -= n;
        Poll::Ready(Ok(()))
    }
}

impl AsyncSeek for SlowSeeker {
    fn start_seek(mut self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.seeks.push(position);
        self.pending_next = true;
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        if self.pending_next {
            self.pending_next = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.completes += 1;
        Poll::Ready(Ok(42))
    }
}

#[test]
fn pending_inner_seek_is_started_once() {
    let mut reader = BufReader::with_capacity(
        8,
        SlowSeeker {
            data_left: 100,
            ..Default::default()
        },
    );
    let mut cx = Context::from_waker(Waker::noop());
    let mut storage = [0u8; 2];
    let mut buf = ReadBuf::new(&mut storage);
    assert!(Pin::new(&mut reader)
        .poll_read(&mut cx, &mut buf)
        .is_ready());
    assert_eq!(reader.buffer().len(), 6);

    Pin::new(&mut reader)
        .start_seek(SeekFrom::Current(4))
        .unwrap();
    assert!(Pin::new(&mut reader).poll_complete(&mut cx).is_pending());
    // The buffer is kept until the seek completes.
    assert_eq!(reader.buffer().len(), 6);
    match Pin::new(&mut reader).poll_complete(&mut cx) {
        Poll::Ready(Ok(42)) => {}
        other => panic!("unexpected {other:?}"),
    }
    assert!(reader.buffer().is_empty());
    // One inner seek, by 4 - 6 buffered bytes.
    assert_eq!(reader.get_ref().seeks, [SeekFrom::Current(-2)]);
}

#[test]
fn seek_offset_overflowing_with_the_buffer_takes_two_seeks() {
    let mut reader = BufReader::with_capacity(
        8,
        SlowSeeker {
            data_left: 100,
            ..Default::default()
        },
    );
    let mut cx = Context::from_waker(Waker::noop());
    let mut storage = [0u8; 1];
    let mut buf = ReadBuf::new(&mut storage);
    assert!(Pin::new(&mut reader)
        .poll_read(&mut cx, &mut buf)
        .is_ready());
    assert_eq!(reader.buffer().len(), 7);

    Pin::new(&mut reader)
        .start_seek(SeekFrom::Current(i64::MIN))
        .unwrap();
    let res = loop {
        if let Poll::Ready(res) = Pin::new(&mut reader).poll_complete(&mut cx) {
            break res;
        }
    };
    assert_eq!(res.unwrap(), 42);
    assert_eq!(
        reader.get_ref().seeks,
        [SeekFrom::Current(-7), SeekFrom::Current(i64::MIN)]
    );
    assert!(reader.buffer().is_empty());
}

#[test]
fn poll_complete_without_a_seek_is_passed_through() {
    let mut reader = BufReader::with_capacity(
        8,
        SlowSeeker {
            data_left: 100,
            ..Default::default()
        },
    );
    let mut cx = Context::from_waker(Waker::noop());
    let mut storage = [0u8; 1];
    let mut buf = ReadBuf::new(&mut storage);
    assert!(Pin::new(&mut reader)
        .poll_read(&mut cx, &mut buf)
        .is_ready());
    match Pin::new(&mut reader).poll_complete(&mut cx) {
        Poll::Ready(Ok(42)) => {}
        other => panic!("unexpected {other:?}"),
    }
    // No seek was made, and the buffer is untouched.
    assert!(reader.get_ref().seeks.is_empty());
    assert_eq!(reader.buffer().len(), 7);
}

#[test]
fn writes_go_straight_through() {
    block_on(async {
        let (a, mut b) = kiso::io::duplex(64);
        let mut reader = BufReader::new(a);
        let n = poll_fn(|cx| Pin::new(&mut reader).poll_write(cx, b"hello"))
            .await
            .unwrap();
        assert_eq!(n, 5);
        // No flush needed: nothing is buffered on the write side.
        assert_eq!(read_some(&mut b, 16).await.unwrap(), b"hello");
        assert_eq!(
            reader.is_write_vectored(),
            reader.get_ref().is_write_vectored()
        );
        let bufs = [io::IoSlice::new(b"ab"), io::IoSlice::new(b"cd")];
        let n = poll_fn(|cx| Pin::new(&mut reader).poll_write_vectored(cx, &bufs))
            .await
            .unwrap();
        assert_eq!(read_some(&mut b, 16).await.unwrap(), &b"abcd"[..n]);
        poll_fn(|cx| Pin::new(&mut reader).poll_flush(cx))
            .await
            .unwrap();
        poll_fn(|cx| Pin::new(&mut reader).poll_shutdown(cx))
            .await
            .unwrap();
        // The shutdown reached the duplex: the peer reads end of file.
        assert!(read_some(&mut b, 16).await.unwrap().is_empty());
    });
}

struct Failing;

impl AsyncRead for Failing {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::Error::other("boom")))
    }
}

#[test]
fn read_errors_are_returned() {
    block_on(async {
        let mut reader = BufReader::with_capacity(8, Failing);
        assert_eq!(
            read_some(&mut reader, 2).await.unwrap_err().to_string(),
            "boom"
        );
        assert_eq!(
            read_some(&mut reader, 20).await.unwrap_err().to_string(),
            "boom"
        );
        assert_eq!(fill_buf(&mut reader).await.unwrap_err().to_string(), "boom");
    });
}

#[test]
fn wakes_when_the_inner_reader_becomes_ready() {
    support::with_timeout(|| {
        block_on(async {
            let (a, mut b) = kiso::io::duplex(64);
            let mut reader = BufReader::new(a);
            let task = kiso::spawn(async move { read_some(&mut reader, 3).await.unwrap() });
            kiso::task::yield_now().await;
            poll_fn(|cx| Pin::new(&mut b).poll_write(cx, b"xyz"))
                .await
                .unwrap();
            assert_eq!(task.await.unwrap(), b"xyz");
        })
    });
}

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

#[test]
fn auto_traits() {
    is_send::<BufReader<kiso::io::DuplexStream>>();
    is_sync::<BufReader<kiso::io::DuplexStream>>();
    is_unpin::<BufReader<kiso::io::DuplexStream>>();
    is_send::<BufReader<Cursor<Vec<u8>>>>();
    is_sync::<BufReader<Cursor<Vec<u8>>>>();
    is_unpin::<BufReader<Cursor<Vec<u8>>>>();
}

// `BufReader<T>` follows `T` for `Send`, `Sync` and `Unpin`.
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
fn auto_traits_follow_the_inner_reader() {
    // Each line compiles only if the type does NOT have the trait.
    <BufReader<std::rc::Rc<u8>> as AmbiguousIfSend<_>>::check();
    <BufReader<std::cell::Cell<u8>> as AmbiguousIfSync<_>>::check();
    <BufReader<std::marker::PhantomPinned> as AmbiguousIfUnpin<_>>::check();
}
