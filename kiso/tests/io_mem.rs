#![cfg(feature = "full")]
//! `duplex` / `DuplexStream` and `simplex` / `SimplexStream`: data flow,
//! `max_buf_size` back-pressure, closing, vectored writes and the budget.

mod support;

use kiso::io::{AsyncRead, AsyncWrite, DuplexStream, ReadBuf, SimplexStream};
use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use support::CountingWaker;

async fn write<W: AsyncWrite + Unpin>(w: &mut W, data: &[u8]) -> io::Result<usize> {
    poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await
}

async fn write_all<W: AsyncWrite + Unpin>(w: &mut W, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        let n = write(w, data).await?;
        data = &data[n..];
    }
    Ok(())
}

async fn read_some<R: AsyncRead + Unpin>(r: &mut R, max: usize) -> io::Result<Vec<u8>> {
    let mut storage = vec![0u8; max];
    let mut buf = ReadBuf::new(&mut storage);
    poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().to_vec())
}

async fn read_to_end<R: AsyncRead + Unpin>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let chunk = read_some(r, 1000).await?;
        if chunk.is_empty() {
            return Ok(out);
        }
        out.extend(chunk);
    }
}

fn poll_write_with<W: AsyncWrite + Unpin>(
    w: &mut W,
    waker: &Waker,
    data: &[u8],
) -> Poll<io::Result<usize>> {
    Pin::new(w).poll_write(&mut Context::from_waker(waker), data)
}

fn poll_read_with<R: AsyncRead + Unpin>(
    r: &mut R,
    waker: &Waker,
    max: usize,
) -> Poll<io::Result<Vec<u8>>> {
    let mut storage = vec![0u8; max];
    let mut buf = ReadBuf::new(&mut storage);
    Pin::new(r)
        .poll_read(&mut Context::from_waker(waker), &mut buf)
        .map_ok(|()| buf.filled().to_vec())
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    support::current_thread().block_on(f)
}

#[test]
fn duplex_carries_data_both_ways() {
    block_on(async {
        let (mut a, mut b) = kiso::io::duplex(64);
        write_all(&mut a, b"ping").await.unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"ping");
        write_all(&mut b, b"pong").await.unwrap();
        assert_eq!(read_some(&mut a, 64).await.unwrap(), b"pong");
        // Reads take what fits, in order.
        write_all(&mut a, b"abcdef").await.unwrap();
        assert_eq!(read_some(&mut b, 4).await.unwrap(), b"abcd");
        assert_eq!(read_some(&mut b, 4).await.unwrap(), b"ef");
        // Flush is a no-op success.
        poll_fn(|cx| Pin::new(&mut a).poll_flush(cx)).await.unwrap();
    });
}

#[test]
fn max_buf_size_applies_back_pressure() {
    let (mut a, mut b) = kiso::io::duplex(4);
    let (counter, waker) = CountingWaker::new();
    // Only 4 bytes fit.
    assert!(matches!(
        poll_write_with(&mut a, &waker, b"abcdef"),
        Poll::Ready(Ok(4))
    ));
    assert!(poll_write_with(&mut a, &waker, b"ef").is_pending());
    assert_eq!(counter.count(), 0);
    // The other direction is independent.
    assert!(matches!(
        poll_write_with(&mut b, Waker::noop(), b"xyz"),
        Poll::Ready(Ok(3))
    ));
    // Reading makes room and wakes the writer.
    match poll_read_with(&mut b, Waker::noop(), 2) {
        Poll::Ready(Ok(v)) => assert_eq!(v, b"ab"),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(counter.count(), 1);
    assert!(matches!(
        poll_write_with(&mut a, &waker, b"efgh"),
        Poll::Ready(Ok(2))
    ));
    match poll_read_with(&mut b, Waker::noop(), 64) {
        Poll::Ready(Ok(v)) => assert_eq!(v, b"cdef"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn pending_read_is_woken_by_a_write() {
    let (mut a, mut b) = kiso::io::duplex(16);
    let (counter, waker) = CountingWaker::new();
    assert!(poll_read_with(&mut b, &waker, 8).is_pending());
    assert!(matches!(
        poll_write_with(&mut a, Waker::noop(), b"hi"),
        Poll::Ready(Ok(2))
    ));
    assert_eq!(counter.count(), 1);
    match poll_read_with(&mut b, &waker, 8) {
        Poll::Ready(Ok(v)) => assert_eq!(v, b"hi"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn dropping_an_end_gives_eof_after_the_buffered_data() {
    block_on(async {
        let (mut a, mut b) = kiso::io::duplex(64);
        write_all(&mut a, b"last words").await.unwrap();
        drop(a);
        assert_eq!(read_to_end(&mut b).await.unwrap(), b"last words");
        assert!(read_some(&mut b, 8).await.unwrap().is_empty());
        // Writing towards the dropped end fails.
        let err = write(&mut b, b"anyone?").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    });
}

#[test]
fn dropping_an_end_wakes_its_peer() {
    // A pending read wakes up to end of file.
    let (a, mut b) = kiso::io::duplex(4);
    let (counter, waker) = CountingWaker::new();
    assert!(poll_read_with(&mut b, &waker, 8).is_pending());
    drop(a);
    assert_eq!(counter.count(), 1);
    assert!(matches!(poll_read_with(&mut b, &waker, 8), Poll::Ready(Ok(v)) if v.is_empty()));

    // A write waiting for room wakes up to a broken pipe.
    let (a, mut b) = kiso::io::duplex(4);
    let (counter, waker) = CountingWaker::new();
    assert!(matches!(
        poll_write_with(&mut b, &waker, b"full"),
        Poll::Ready(Ok(4))
    ));
    assert!(poll_write_with(&mut b, &waker, b"more").is_pending());
    drop(a);
    assert_eq!(counter.count(), 1);
    match poll_write_with(&mut b, &waker, b"more") {
        Poll::Ready(Err(e)) => assert_eq!(e.kind(), io::ErrorKind::BrokenPipe),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn drop_wakes_a_waiting_task() {
    support::with_timeout(|| {
        block_on(async {
            let (a, mut b) = kiso::io::duplex(4);
            let reader = kiso::spawn(async move { read_to_end(&mut b).await.unwrap() });
            kiso::task::yield_now().await;
            let mut a = a;
            write_all(&mut a, b"bye").await.unwrap();
            drop(a);
            assert_eq!(reader.await.unwrap(), b"bye");
        })
    });
}

#[test]
fn shutdown_closes_one_direction() {
    block_on(async {
        let (mut a, mut b) = kiso::io::duplex(64);
        write_all(&mut a, b"done").await.unwrap();
        poll_fn(|cx| Pin::new(&mut a).poll_shutdown(cx))
            .await
            .unwrap();
        // b drains, then sees end of file.
        assert_eq!(read_to_end(&mut b).await.unwrap(), b"done");
        // a can no longer write...
        let err = write(&mut a, b"x").await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        // ...but the other direction is open.
        write_all(&mut b, b"reply").await.unwrap();
        assert_eq!(read_some(&mut a, 64).await.unwrap(), b"reply");
    });
}

#[test]
fn shutdown_wakes_a_pending_reader() {
    let (mut a, mut b) = kiso::io::duplex(4);
    let (counter, waker) = CountingWaker::new();
    assert!(poll_read_with(&mut b, &waker, 8).is_pending());
    assert!(Pin::new(&mut a)
        .poll_shutdown(&mut Context::from_waker(Waker::noop()))
        .is_ready());
    assert_eq!(counter.count(), 1);
}

#[test]
fn empty_buffers() {
    let (mut a, mut b) = kiso::io::duplex(4);
    // An empty read buffer is ready at once, even with nothing to read.
    assert!(matches!(poll_read_with(&mut b, Waker::noop(), 0), Poll::Ready(Ok(v)) if v.is_empty()));
    // An empty write is ready at once, even when full.
    assert!(matches!(
        poll_write_with(&mut a, Waker::noop(), b""),
        Poll::Ready(Ok(0))
    ));
    assert!(matches!(
        poll_write_with(&mut a, Waker::noop(), b"1234"),
        Poll::Ready(Ok(4))
    ));
    assert!(matches!(
        poll_write_with(&mut a, Waker::noop(), b""),
        Poll::Ready(Ok(0))
    ));
}

#[test]
fn vectored_writes() {
    let (mut a, mut b) = kiso::io::duplex(5);
    assert!(a.is_write_vectored());
    let mut cx = Context::from_waker(Waker::noop());
    let bufs = [
        IoSlice::new(b"ab"),
        IoSlice::new(b""),
        IoSlice::new(b"cdef"),
    ];
    // Takes from each slice in turn, up to the room left.
    assert!(matches!(
        Pin::new(&mut a).poll_write_vectored(&mut cx, &bufs),
        Poll::Ready(Ok(5))
    ));
    assert!(Pin::new(&mut a)
        .poll_write_vectored(&mut cx, &bufs)
        .is_pending());
    let all_empty = [IoSlice::new(b""), IoSlice::new(b"")];
    assert!(matches!(
        Pin::new(&mut a).poll_write_vectored(&mut cx, &all_empty),
        Poll::Ready(Ok(0))
    ));
    match poll_read_with(&mut b, Waker::noop(), 64) {
        Poll::Ready(Ok(v)) => assert_eq!(v, b"abcde"),
        other => panic!("unexpected {other:?}"),
    }
    drop(b);
    match Pin::new(&mut a).poll_write_vectored(&mut cx, &bufs) {
        Poll::Ready(Err(e)) => assert_eq!(e.kind(), io::ErrorKind::BrokenPipe),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn zero_max_buf_size_panics() {
    assert!(std::panic::catch_unwind(|| kiso::io::duplex(0)).is_err());
    assert!(std::panic::catch_unwind(|| kiso::io::simplex(0)).is_err());
    assert!(std::panic::catch_unwind(|| SimplexStream::new_unsplit(0)).is_err());
}

#[test]
fn simplex_halves() {
    support::with_timeout(|| {
        block_on(async {
            let (mut rx, mut tx) = kiso::io::simplex(8);
            let payload: Vec<u8> = (0..200u8).collect();
            let expected = payload.clone();
            let writer = kiso::spawn(async move {
                write_all(&mut tx, &payload).await.unwrap();
                poll_fn(|cx| Pin::new(&mut tx).poll_shutdown(cx))
                    .await
                    .unwrap();
                tx
            });
            assert_eq!(read_to_end(&mut rx).await.unwrap(), expected);
            let tx = writer.await.unwrap();
            assert!(rx.is_pair_of(&tx));
            let mut pipe: SimplexStream = rx.unsplit(tx);
            // Closed for writing by the shutdown.
            let err = write(&mut pipe, b"x").await.unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        })
    });
}

#[test]
fn simplex_unsplit_stream() {
    block_on(async {
        let mut pipe = SimplexStream::new_unsplit(4);
        assert!(pipe.is_write_vectored());
        assert_eq!(write(&mut pipe, b"hello").await.unwrap(), 4);
        assert!(poll_write_with(&mut pipe, Waker::noop(), b"o").is_pending());
        assert_eq!(read_some(&mut pipe, 2).await.unwrap(), b"he");
        assert_eq!(write(&mut pipe, b"o!").await.unwrap(), 2);
        poll_fn(|cx| Pin::new(&mut pipe).poll_flush(cx))
            .await
            .unwrap();
        poll_fn(|cx| Pin::new(&mut pipe).poll_shutdown(cx))
            .await
            .unwrap();
        assert_eq!(read_to_end(&mut pipe).await.unwrap(), b"llo!");
        let n =
            poll_fn(|cx| Pin::new(&mut pipe).poll_write_vectored(cx, &[IoSlice::new(b"a")])).await;
        assert_eq!(n.unwrap_err().kind(), io::ErrorKind::BrokenPipe);
        assert!(format!("{pipe:?}").contains("SimplexStream"));
    });
}

#[test]
fn simplex_wakes_reader_and_writer() {
    let mut pipe = SimplexStream::new_unsplit(2);
    let (reads, read_waker) = CountingWaker::new();
    let (writes, write_waker) = CountingWaker::new();
    assert!(poll_read_with(&mut pipe, &read_waker, 4).is_pending());
    assert!(matches!(
        poll_write_with(&mut pipe, &write_waker, b"abc"),
        Poll::Ready(Ok(2))
    ));
    assert_eq!(reads.count(), 1);
    assert!(poll_write_with(&mut pipe, &write_waker, b"c").is_pending());
    assert!(matches!(
        poll_read_with(&mut pipe, &read_waker, 4),
        Poll::Ready(Ok(_))
    ));
    assert_eq!(writes.count(), 1);
}

#[test]
fn busy_duplex_loop_yields_to_other_tasks() {
    support::with_timeout(|| {
        block_on(async {
            let stop = Arc::new(AtomicBool::new(false));
            let stop2 = stop.clone();
            // Always ready: each write is read back at once. Only the
            // budget makes this task yield.
            let busy = kiso::spawn(async move {
                let (mut a, mut b) = kiso::io::duplex(16);
                let mut rounds = 0u64;
                while !stop2.load(Ordering::SeqCst) {
                    write_all(&mut a, b"x").await.unwrap();
                    assert_eq!(read_some(&mut b, 1).await.unwrap(), b"x");
                    rounds += 1;
                }
                rounds
            });
            let stopper = kiso::spawn(async move { stop.store(true, Ordering::SeqCst) });
            stopper.await.unwrap();
            assert!(busy.await.unwrap() > 0);
        })
    });
}

#[test]
fn out_of_budget_read_and_write_are_pending() {
    block_on(async {
        kiso::spawn(async {
            let (mut a, mut b) = kiso::io::duplex(16);
            write_all(&mut a, b"data").await.unwrap();
            while kiso::task::coop::has_budget_remaining() {
                kiso::task::coop::consume_budget().await;
            }
            assert!(poll_read_with(&mut b, Waker::noop(), 4).is_pending());
            assert!(poll_write_with(&mut a, Waker::noop(), b"x").is_pending());
            // Nothing was lost: after yielding, both go through.
            assert_eq!(read_some(&mut b, 4).await.unwrap(), b"data");
            assert_eq!(write(&mut a, b"x").await.unwrap(), 1);
        })
        .await
        .unwrap();
    });
}

#[test]
fn concurrent_ends_on_a_multi_thread_runtime() {
    support::with_timeout(|| {
        support::multi(2).block_on(async {
            let (mut a, mut b) = kiso::io::duplex(7);
            let payload: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
            let expected = payload.clone();
            let writer = kiso::spawn(async move {
                write_all(&mut a, &payload).await.unwrap();
            });
            let reader = kiso::spawn(async move { read_to_end(&mut b).await.unwrap() });
            writer.await.unwrap();
            assert_eq!(reader.await.unwrap(), expected);
        })
    });
}

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

#[test]
fn auto_traits() {
    is_send::<DuplexStream>();
    is_sync::<DuplexStream>();
    is_unpin::<DuplexStream>();
    is_send::<SimplexStream>();
    is_sync::<SimplexStream>();
    is_unpin::<SimplexStream>();
    is_send::<kiso::io::ReadHalf<SimplexStream>>();
    is_sync::<kiso::io::WriteHalf<SimplexStream>>();
}
