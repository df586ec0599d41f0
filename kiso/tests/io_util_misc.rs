#![cfg(feature = "full")]
//! `empty`, `repeat` and `sink`: behaviour, trait impls and the cooperative
//! budget.

mod support;

use kiso::io::{
    AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, Empty, ReadBuf, Repeat, SeekFrom, Sink,
};
use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Waker};

async fn read_some<R: AsyncRead + Unpin>(r: &mut R, max: usize) -> io::Result<Vec<u8>> {
    let mut storage = vec![0u8; max];
    let mut buf = ReadBuf::new(&mut storage);
    poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().to_vec())
}

async fn write<W: AsyncWrite + Unpin>(w: &mut W, data: &[u8]) -> io::Result<usize> {
    poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    support::current_thread().block_on(f)
}

fn noop_cx() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

#[test]
fn empty_reads_nothing_and_takes_everything() {
    block_on(async {
        let mut e = kiso::io::empty();
        assert!(read_some(&mut e, 16).await.unwrap().is_empty());
        let chunk = poll_fn(|cx| Pin::new(&mut e).poll_fill_buf(cx).map_ok(|b| b.len()))
            .await
            .unwrap();
        assert_eq!(chunk, 0);
        Pin::new(&mut e).consume(5);

        assert_eq!(write(&mut e, b"discarded").await.unwrap(), 9);
        assert!(e.is_write_vectored());
        let n = poll_fn(|cx| {
            Pin::new(&mut e).poll_write_vectored(cx, &[IoSlice::new(b"ab"), IoSlice::new(b"cde")])
        })
        .await
        .unwrap();
        assert_eq!(n, 5);
        poll_fn(|cx| Pin::new(&mut e).poll_flush(cx)).await.unwrap();
        poll_fn(|cx| Pin::new(&mut e).poll_shutdown(cx))
            .await
            .unwrap();

        for pos in [SeekFrom::Start(10), SeekFrom::End(-3), SeekFrom::Current(4)] {
            Pin::new(&mut e).start_seek(pos).unwrap();
            let at = poll_fn(|cx| Pin::new(&mut e).poll_complete(cx))
                .await
                .unwrap();
            assert_eq!(at, 0);
        }

        let mut out = Vec::new();
        assert_eq!(
            kiso::io::copy(&mut kiso::io::empty(), &mut out)
                .await
                .unwrap(),
            0
        );
        assert_eq!(format!("{e:?}"), "Empty { .. }");
    });
}

#[test]
fn repeat_fills_every_buffer() {
    block_on(async {
        let mut r = kiso::io::repeat(0xab);
        assert_eq!(read_some(&mut r, 5).await.unwrap(), [0xab; 5]);
        assert_eq!(read_some(&mut r, 1000).await.unwrap(), vec![0xab; 1000]);
        // Fills the unfilled part of a partly filled buffer.
        let mut storage = [0u8; 6];
        let mut buf = ReadBuf::new(&mut storage);
        buf.put_slice(b"xy");
        poll_fn(|cx| Pin::new(&mut r).poll_read(cx, &mut buf))
            .await
            .unwrap();
        assert_eq!(buf.filled(), [b'x', b'y', 0xab, 0xab, 0xab, 0xab]);
        assert_eq!(format!("{:?}", kiso::io::repeat(7)), "Repeat { byte: 7 }");
    });
}

#[test]
fn sink_takes_everything() {
    block_on(async {
        let mut s = kiso::io::sink();
        assert_eq!(write(&mut s, b"gone").await.unwrap(), 4);
        assert_eq!(write(&mut s, b"").await.unwrap(), 0);
        assert!(s.is_write_vectored());
        let n = poll_fn(|cx| {
            Pin::new(&mut s).poll_write_vectored(
                cx,
                &[IoSlice::new(b"a"), IoSlice::new(b""), IoSlice::new(b"bc")],
            )
        })
        .await
        .unwrap();
        assert_eq!(n, 3);
        poll_fn(|cx| Pin::new(&mut s).poll_flush(cx)).await.unwrap();
        poll_fn(|cx| Pin::new(&mut s).poll_shutdown(cx))
            .await
            .unwrap();
        let mut src: &[u8] = &[1; 10_000];
        assert_eq!(kiso::io::copy(&mut src, &mut s).await.unwrap(), 10_000);
        assert_eq!(format!("{s:?}"), "Sink { .. }");
    });
}

#[test]
fn ready_without_a_runtime() {
    // No budget outside a runtime: always ready.
    let mut cx = noop_cx();
    let mut storage = [0u8; 4];
    for _ in 0..1000 {
        let mut buf = ReadBuf::new(&mut storage);
        assert!(Pin::new(&mut kiso::io::repeat(1))
            .poll_read(&mut cx, &mut buf)
            .is_ready());
        assert!(Pin::new(&mut kiso::io::sink())
            .poll_write(&mut cx, b"x")
            .is_ready());
        assert!(Pin::new(&mut kiso::io::empty())
            .poll_write(&mut cx, b"x")
            .is_ready());
    }
}

/// Each kind of operation, polled once on a fresh value.
#[allow(clippy::type_complexity)]
fn operations() -> Vec<(&'static str, Box<dyn Fn(&mut Context<'_>) -> bool + Send>)> {
    fn read_ready<R: AsyncRead + Unpin>(mut r: R, cx: &mut Context<'_>) -> bool {
        let mut storage = [0u8; 4];
        let mut buf = ReadBuf::new(&mut storage);
        Pin::new(&mut r).poll_read(cx, &mut buf).is_ready()
    }
    vec![
        (
            "empty read",
            Box::new(|cx| read_ready(kiso::io::empty(), cx)),
        ),
        (
            "empty fill_buf",
            Box::new(|cx| {
                Pin::new(&mut kiso::io::empty())
                    .poll_fill_buf(cx)
                    .is_ready()
            }),
        ),
        (
            "empty write",
            Box::new(|cx| {
                Pin::new(&mut kiso::io::empty())
                    .poll_write(cx, b"x")
                    .is_ready()
            }),
        ),
        (
            "empty write_vectored",
            Box::new(|cx| {
                Pin::new(&mut kiso::io::empty())
                    .poll_write_vectored(cx, &[IoSlice::new(b"x")])
                    .is_ready()
            }),
        ),
        (
            "empty flush",
            Box::new(|cx| Pin::new(&mut kiso::io::empty()).poll_flush(cx).is_ready()),
        ),
        (
            "empty shutdown",
            Box::new(|cx| {
                Pin::new(&mut kiso::io::empty())
                    .poll_shutdown(cx)
                    .is_ready()
            }),
        ),
        (
            "empty seek",
            Box::new(|cx| {
                Pin::new(&mut kiso::io::empty())
                    .poll_complete(cx)
                    .is_ready()
            }),
        ),
        (
            "repeat read",
            Box::new(|cx| read_ready(kiso::io::repeat(0), cx)),
        ),
        (
            "sink write",
            Box::new(|cx| {
                Pin::new(&mut kiso::io::sink())
                    .poll_write(cx, b"x")
                    .is_ready()
            }),
        ),
        (
            "sink write_vectored",
            Box::new(|cx| {
                Pin::new(&mut kiso::io::sink())
                    .poll_write_vectored(cx, &[IoSlice::new(b"x")])
                    .is_ready()
            }),
        ),
        (
            "sink flush",
            Box::new(|cx| Pin::new(&mut kiso::io::sink()).poll_flush(cx).is_ready()),
        ),
        (
            "sink shutdown",
            Box::new(|cx| Pin::new(&mut kiso::io::sink()).poll_shutdown(cx).is_ready()),
        ),
    ]
}

#[test]
fn every_operation_spends_budget() {
    block_on(async {
        kiso::spawn(async {
            for (name, op) in operations() {
                // Spend the budget, then the operation must wait.
                while kiso::task::coop::has_budget_remaining() {
                    kiso::task::coop::consume_budget().await;
                }
                let pending = !op(&mut noop_cx());
                assert!(pending, "{name} was ready without budget");
                // A fresh poll of the task has budget again.
                kiso::task::yield_now().await;
                assert!(op(&mut noop_cx()), "{name} was not ready with budget");
            }
        })
        .await
        .unwrap();
    });
}

#[test]
fn start_seek_needs_no_budget() {
    block_on(async {
        kiso::spawn(async {
            while kiso::task::coop::has_budget_remaining() {
                kiso::task::coop::consume_budget().await;
            }
            Pin::new(&mut kiso::io::empty())
                .start_seek(SeekFrom::Start(1))
                .unwrap();
        })
        .await
        .unwrap();
    });
}

/// Runs `busy` (which loops until the flag is set) and another task that
/// sets the flag, on a current-thread runtime: passes only if `busy`
/// yields.
fn busy_loop_yields<F>(busy: impl FnOnce(Arc<AtomicBool>) -> F + Send + 'static)
where
    F: std::future::Future<Output = u64> + Send + 'static,
{
    support::with_timeout(move || {
        block_on(async move {
            let stop = Arc::new(AtomicBool::new(false));
            let task = kiso::spawn(busy(stop.clone()));
            kiso::spawn(async move { stop.store(true, Ordering::SeqCst) })
                .await
                .unwrap();
            assert!(task.await.unwrap() > 0);
        })
    });
}

#[test]
fn empty_loop_yields() {
    busy_loop_yields(|stop| async move {
        let mut e = kiso::io::empty();
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            read_some(&mut e, 8).await.unwrap();
            n += 1;
        }
        n
    });
}

#[test]
fn empty_write_loop_yields() {
    busy_loop_yields(|stop| async move {
        let mut e = kiso::io::empty();
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            write(&mut e, b"x").await.unwrap();
            n += 1;
        }
        n
    });
}

#[test]
fn repeat_loop_yields() {
    busy_loop_yields(|stop| async move {
        let mut r = kiso::io::repeat(1);
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            read_some(&mut r, 8).await.unwrap();
            n += 1;
        }
        n
    });
}

#[test]
fn sink_loop_yields() {
    busy_loop_yields(|stop| async move {
        let mut s = kiso::io::sink();
        let mut n = 0;
        while !stop.load(Ordering::SeqCst) {
            write(&mut s, b"x").await.unwrap();
            n += 1;
        }
        n
    });
}

#[test]
fn endless_copy_yields() {
    support::with_timeout(|| {
        block_on(async {
            let copier = kiso::spawn(async {
                kiso::io::copy(&mut kiso::io::repeat(0), &mut kiso::io::sink()).await
            });
            assert_eq!(kiso::spawn(async { 1 }).await.unwrap(), 1);
            copier.abort();
            assert!(copier.await.unwrap_err().is_cancelled());
        })
    });
}

fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}
fn is_unpin<T: Unpin>() {}

#[test]
fn auto_traits() {
    is_send::<Empty>();
    is_sync::<Empty>();
    is_unpin::<Empty>();
    is_send::<Repeat>();
    is_sync::<Repeat>();
    is_unpin::<Repeat>();
    is_send::<Sink>();
    is_sync::<Sink>();
    is_unpin::<Sink>();
}
