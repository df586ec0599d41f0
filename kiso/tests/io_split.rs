#![cfg(feature = "full")]
//! `split`, `ReadHalf` and `WriteHalf`: halves in different tasks,
//! `unsplit`, `is_pair_of` and auto traits.

mod support;

use kiso::io::{AsyncRead, AsyncWrite, ReadBuf, ReadHalf, WriteHalf};
use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

async fn write_all<W: AsyncWrite + Unpin>(w: &mut W, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await?;
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

async fn read_exact<R: AsyncRead + Unpin>(r: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    while out.len() < n {
        let chunk = read_some(r, n - out.len()).await?;
        if chunk.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        out.extend(chunk);
    }
    Ok(out)
}

#[test]
fn halves_read_and_write() {
    support::current_thread().block_on(async {
        let (a, mut b) = kiso::io::duplex(64);
        let (mut rd, mut wr) = kiso::io::split(a);
        write_all(&mut wr, b"to b").await.unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"to b");
        write_all(&mut b, b"to a").await.unwrap();
        assert_eq!(read_some(&mut rd, 64).await.unwrap(), b"to a");

        let n = poll_fn(|cx| {
            Pin::new(&mut wr).poll_write_vectored(cx, &[IoSlice::new(b"v"), IoSlice::new(b"w")])
        })
        .await
        .unwrap();
        assert_eq!(n, 2);
        poll_fn(|cx| Pin::new(&mut wr).poll_flush(cx))
            .await
            .unwrap();
        poll_fn(|cx| Pin::new(&mut wr).poll_shutdown(cx))
            .await
            .unwrap();
        assert_eq!(read_some(&mut b, 64).await.unwrap(), b"vw");
        // The shutdown reached the stream.
        assert!(read_some(&mut b, 64).await.unwrap().is_empty());
    });
}

#[test]
fn halves_in_two_tasks_at_once() {
    support::with_timeout(|| {
        support::multi(2).block_on(async {
            let (a, b) = kiso::io::duplex(16);
            // b echoes everything back.
            let (mut b_rd, mut b_wr) = kiso::io::split(b);
            let echo = kiso::spawn(async move {
                let n = kiso::io::copy(&mut b_rd, &mut b_wr).await.unwrap();
                poll_fn(|cx| Pin::new(&mut b_wr).poll_shutdown(cx))
                    .await
                    .unwrap();
                n
            });

            let (mut rd, mut wr) = kiso::io::split(a);
            let payload: Vec<u8> = (0..50_000u32).map(|i| (i * 13 % 256) as u8).collect();
            let expected = payload.clone();
            let writer = kiso::spawn(async move {
                for chunk in payload.chunks(1000) {
                    write_all(&mut wr, chunk).await.unwrap();
                }
                poll_fn(|cx| Pin::new(&mut wr).poll_shutdown(cx))
                    .await
                    .unwrap();
                wr
            });
            let reader = kiso::spawn(async move {
                let got = read_exact(&mut rd, expected.len()).await.unwrap();
                assert_eq!(got, expected);
                // Then end of file, once b shut down.
                assert!(read_some(&mut rd, 16).await.unwrap().is_empty());
                rd
            });
            let wr = writer.await.unwrap();
            let rd = reader.await.unwrap();
            assert_eq!(echo.await.unwrap(), 50_000);
            let _a = rd.unsplit(wr);
        })
    });
}

#[test]
fn unsplit_gives_back_the_stream() {
    support::current_thread().block_on(async {
        let (a, mut b) = kiso::io::duplex(64);
        let (rd, mut wr) = kiso::io::split(a);
        write_all(&mut wr, b"before").await.unwrap();
        let mut a = rd.unsplit(wr);
        write_all(&mut a, b" after").await.unwrap();
        assert_eq!(read_exact(&mut b, 12).await.unwrap(), b"before after");
    });
}

#[test]
fn pairs() {
    let (a, b) = kiso::io::duplex(8);
    let (rd_a, wr_a) = kiso::io::split(a);
    let (rd_b, wr_b) = kiso::io::split(b);
    assert!(rd_a.is_pair_of(&wr_a));
    assert!(wr_a.is_pair_of(&rd_a));
    assert!(!rd_a.is_pair_of(&wr_b));
    assert!(!wr_b.is_pair_of(&rd_a));
    assert!(rd_b.is_pair_of(&wr_b));
    assert_eq!(format!("{rd_a:?}"), "split::ReadHalf");
    assert_eq!(format!("{wr_a:?}"), "split::WriteHalf");
}

#[test]
fn unsplit_with_the_wrong_half_panics() {
    let (a, b) = kiso::io::duplex(8);
    let (rd_a, _wr_a) = kiso::io::split(a);
    let (_rd_b, wr_b) = kiso::io::split(b);
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _ = rd_a.unsplit(wr_b);
    }));
    assert!(res.is_err());
}

/// Reports `is_write_vectored` as configured; counts vectored writes.
struct Vectored {
    vectored: bool,
    vectored_calls: usize,
}

impl AsyncRead for Vectored {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Vectored {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.vectored_calls += 1;
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }
    fn is_write_vectored(&self) -> bool {
        self.vectored
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn write_half_reports_and_forwards_vectored_writes() {
    support::current_thread().block_on(async {
        for vectored in [false, true] {
            let (rd, mut wr) = kiso::io::split(Vectored {
                vectored,
                vectored_calls: 0,
            });
            assert_eq!(wr.is_write_vectored(), vectored);
            let n = poll_fn(|cx| {
                Pin::new(&mut wr)
                    .poll_write_vectored(cx, &[IoSlice::new(b"ab"), IoSlice::new(b"c")])
            })
            .await
            .unwrap();
            assert_eq!(n, 3);
            let inner = rd.unsplit(wr);
            assert_eq!(inner.vectored_calls, 1);
        }
    });
}

/// A stream that is `Send` but not `Sync`.
struct SendOnly(#[allow(dead_code)] std::cell::Cell<u8>);
/// A stream that is `Sync` but not `Send`.
struct SyncOnly(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

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

#[test]
fn auto_traits() {
    is_send::<ReadHalf<kiso::io::DuplexStream>>();
    is_sync::<ReadHalf<kiso::io::DuplexStream>>();
    is_unpin::<ReadHalf<kiso::io::DuplexStream>>();
    is_send::<WriteHalf<kiso::io::DuplexStream>>();
    is_sync::<WriteHalf<kiso::io::DuplexStream>>();
    is_unpin::<WriteHalf<kiso::io::DuplexStream>>();
    // Always `Unpin`, even over a `!Unpin` stream.
    is_unpin::<ReadHalf<std::marker::PhantomPinned>>();
    is_unpin::<WriteHalf<std::marker::PhantomPinned>>();
    // `Send` follows `T: Send`, `Sync` follows `T: Sync`.
    is_send::<ReadHalf<SendOnly>>();
    is_send::<WriteHalf<SendOnly>>();
    is_sync::<ReadHalf<SyncOnly>>();
    is_sync::<WriteHalf<SyncOnly>>();
    // Each line compiles only if the type does NOT have the trait.
    <ReadHalf<SendOnly> as AmbiguousIfSync<_>>::check();
    <WriteHalf<SendOnly> as AmbiguousIfSync<_>>::check();
    <ReadHalf<SyncOnly> as AmbiguousIfSend<_>>::check();
    <WriteHalf<SyncOnly> as AmbiguousIfSend<_>>::check();
}
