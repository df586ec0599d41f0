#![cfg(feature = "full")]
//! `BufStream`: both buffers, the capacities, the `From` conversions and
//! seeking.

mod support;

use kiso::io::{
    AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, BufReader, BufStream, BufWriter, ReadBuf,
    SeekFrom,
};
use std::future::poll_fn;
use std::io::{self, Cursor, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

async fn write<W: AsyncWrite + Unpin>(w: &mut W, data: &[u8]) -> io::Result<usize> {
    poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await
}

async fn flush<W: AsyncWrite + Unpin>(w: &mut W) -> io::Result<()> {
    poll_fn(|cx| Pin::new(&mut *w).poll_flush(cx)).await
}

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

/// Polls a read once with a no-op waker.
fn try_read<R: AsyncRead + Unpin>(r: &mut R) -> Poll<io::Result<Vec<u8>>> {
    let mut storage = [0u8; 64];
    let mut buf = ReadBuf::new(&mut storage);
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(r)
        .poll_read(&mut cx, &mut buf)
        .map_ok(|()| buf.filled().to_vec())
}

#[test]
fn writes_are_buffered_until_flush() {
    block_on(async {
        let (a, mut b) = kiso::io::duplex(256);
        let mut s = BufStream::new(a);
        assert_eq!(write(&mut s, b"hello").await.unwrap(), 5);
        // Still in the write buffer.
        assert!(try_read(&mut b).is_pending());
        flush(&mut s).await.unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"hello");
    });
}

#[test]
fn reads_are_buffered() {
    block_on(async {
        let (a, mut b) = kiso::io::duplex(256);
        let mut s = BufStream::with_capacity(4, 16, a);
        write(&mut b, b"0123456789").await.unwrap();
        // The read buffer holds 4 bytes.
        assert_eq!(fill_buf(&mut s).await.unwrap(), b"0123");
        Pin::new(&mut s).consume(1);
        assert_eq!(read_some(&mut s, 2).await.unwrap(), b"12");
        assert_eq!(read_some(&mut s, 64).await.unwrap(), b"3");
        // A read as large as the buffer bypasses it.
        assert_eq!(read_some(&mut s, 64).await.unwrap(), b"456789");
    });
}

#[test]
fn writer_capacity_is_used() {
    block_on(async {
        let (a, mut b) = kiso::io::duplex(256);
        let mut s = BufStream::with_capacity(16, 4, a);
        write(&mut s, b"abc").await.unwrap();
        assert!(try_read(&mut b).is_pending());
        // 3 + 2 > 4: the buffered bytes go out first.
        write(&mut s, b"de").await.unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"abc");
        // Vectored writes are buffered too.
        assert!(s.is_write_vectored());
        let n = poll_fn(|cx| {
            Pin::new(&mut s).poll_write_vectored(cx, &[IoSlice::new(b"f"), IoSlice::new(b"g")])
        })
        .await
        .unwrap();
        assert_eq!(n, 2);
        poll_fn(|cx| Pin::new(&mut s).poll_shutdown(cx))
            .await
            .unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"defg");
        // The shutdown reached the duplex.
        assert!(read_some(&mut b, 64).await.unwrap().is_empty());
    });
}

#[test]
fn zero_read_capacity_panics() {
    let res = std::panic::catch_unwind(|| {
        let (a, _b) = kiso::io::duplex(8);
        BufStream::with_capacity(0, 8, a)
    });
    assert!(res.is_err());
}

#[test]
fn from_reader_over_writer_keeps_buffers() {
    block_on(async {
        let (a, mut b) = kiso::io::duplex(256);
        write(&mut b, b"incoming").await.unwrap();
        let mut inner = BufReader::with_capacity(4, BufWriter::new(a));
        assert_eq!(fill_buf(&mut inner).await.unwrap(), b"inco");
        write(&mut inner, b"out").await.unwrap();

        let mut s = BufStream::from(inner);
        assert_eq!(read_some(&mut s, 2).await.unwrap(), b"in");
        flush(&mut s).await.unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"out");
    });
}

#[test]
fn from_writer_over_reader_keeps_buffers() {
    block_on(async {
        let (a, mut b) = kiso::io::duplex(256);
        write(&mut b, b"incoming").await.unwrap();
        let mut inner = BufWriter::with_capacity(16, BufReader::with_capacity(4, a));
        // Fill the read buffer through the writer's pass-through.
        assert_eq!(fill_buf(&mut inner).await.unwrap(), b"inco");
        Pin::new(&mut inner).consume(1);
        write(&mut inner, b"pending").await.unwrap();
        assert_eq!(inner.buffer(), b"pending");

        let mut s = BufStream::from(inner);
        // Both buffers survived the swap.
        assert_eq!(fill_buf(&mut s).await.unwrap(), b"nco");
        assert!(try_read(&mut b).is_pending());
        flush(&mut s).await.unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"pending");
        assert_eq!(read_some(&mut s, 64).await.unwrap(), b"nco");
        assert_eq!(read_some(&mut s, 64).await.unwrap(), b"ming");
    });
}

#[test]
fn seek_writes_out_and_discards_read_buffer() {
    block_on(async {
        let mut s = BufStream::with_capacity(4, 16, Cursor::new(b"0123456789".to_vec()));
        assert_eq!(read_some(&mut s, 1).await.unwrap(), b"0");
        // The caller is at 1 although the cursor is at 4.
        assert_eq!(seek(&mut s, SeekFrom::Current(0)).await.unwrap(), 1);
        write(&mut s, b"AB").await.unwrap();
        assert_eq!(seek(&mut s, SeekFrom::Start(0)).await.unwrap(), 0);
        assert_eq!(read_some(&mut s, 3).await.unwrap(), b"0AB");
        assert_eq!(s.get_ref().get_ref(), b"0AB3456789");
    });
}

#[test]
fn accessors() {
    let (a, _b) = kiso::io::duplex(8);
    let mut s = BufStream::new(a);
    let _: &kiso::io::DuplexStream = s.get_ref();
    let _: &mut kiso::io::DuplexStream = s.get_mut();
    let _: Pin<&mut kiso::io::DuplexStream> = Pin::new(&mut s).get_pin_mut();
    assert!(format!("{s:?}").contains("BufStream"));
    let _: kiso::io::DuplexStream = s.into_inner();

    let mut s = BufStream::new(Cursor::new(vec![1u8]));
    s.get_mut().set_position(1);
    assert_eq!(s.get_ref().position(), 1);
    assert_eq!(s.into_inner().position(), 1);
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
    is_send::<BufStream<kiso::io::DuplexStream>>();
    is_sync::<BufStream<kiso::io::DuplexStream>>();
    is_unpin::<BufStream<kiso::io::DuplexStream>>();
    // Each line compiles only if the type does NOT have the trait.
    <BufStream<std::rc::Rc<u8>> as AmbiguousIfSend<_>>::check();
    <BufStream<std::cell::Cell<u8>> as AmbiguousIfSync<_>>::check();
    <BufStream<std::marker::PhantomPinned> as AmbiguousIfUnpin<_>>::check();
}
