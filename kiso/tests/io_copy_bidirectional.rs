#![cfg(feature = "full")]
//! `copy_bidirectional` and `copy_bidirectional_with_sizes`: both
//! directions, half-closes, exact counts and errors.

mod support;

use kiso::io::{AsyncRead, AsyncWrite, DuplexStream, ReadBuf};
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

async fn write_all<W: AsyncWrite + Unpin>(w: &mut W, mut data: &[u8]) -> io::Result<()> {
    while !data.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *w).poll_write(cx, data)).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        data = &data[n..];
    }
    Ok(())
}

async fn shutdown<W: AsyncWrite + Unpin>(w: &mut W) -> io::Result<()> {
    poll_fn(|cx| Pin::new(&mut *w).poll_shutdown(cx)).await
}

async fn read_to_end<R: AsyncRead + Unpin>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut storage = [0u8; 1024];
    loop {
        let mut buf = ReadBuf::new(&mut storage);
        poll_fn(|cx| Pin::new(&mut *r).poll_read(cx, &mut buf)).await?;
        if buf.filled().is_empty() {
            return Ok(out);
        }
        out.extend_from_slice(buf.filled());
    }
}

fn data(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// A proxy between `client` and `server`: returns the client side, the
/// server side and the proxy's join handle.
fn proxy(
    sizes: Option<(usize, usize)>,
) -> (
    DuplexStream,
    DuplexStream,
    kiso::task::JoinHandle<io::Result<(u64, u64)>>,
) {
    let (client, mut front) = kiso::io::duplex(64);
    let (mut back, server) = kiso::io::duplex(64);
    let handle = kiso::spawn(async move {
        match sizes {
            None => kiso::io::copy_bidirectional(&mut front, &mut back).await,
            Some((ab, ba)) => {
                kiso::io::copy_bidirectional_with_sizes(&mut front, &mut back, ab, ba).await
            }
        }
    });
    (client, server, handle)
}

#[test]
fn copies_both_ways_and_counts() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let (mut client, mut server, handle) = proxy(None);
            write_all(&mut client, b"hello").await.unwrap();
            write_all(&mut server, b"world!!").await.unwrap();
            shutdown(&mut client).await.unwrap();
            shutdown(&mut server).await.unwrap();
            assert_eq!(read_to_end(&mut server).await.unwrap(), b"hello");
            assert_eq!(read_to_end(&mut client).await.unwrap(), b"world!!");
            assert_eq!(handle.await.unwrap().unwrap(), (5, 7));
        })
    });
}

#[test]
fn half_close_on_each_side() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let (mut client, mut server, handle) = proxy(None);
            write_all(&mut client, b"request").await.unwrap();
            // The client is done sending.
            shutdown(&mut client).await.unwrap();
            // The server sees the request, then end of file: the proxy shut
            // down its write side towards the server.
            assert_eq!(read_to_end(&mut server).await.unwrap(), b"request");
            // The other direction still works.
            write_all(&mut server, b"response part 1, ").await.unwrap();
            write_all(&mut server, b"part 2").await.unwrap();
            assert!(!handle.is_finished());
            shutdown(&mut server).await.unwrap();
            assert_eq!(
                read_to_end(&mut client).await.unwrap(),
                b"response part 1, part 2"
            );
            assert_eq!(handle.await.unwrap().unwrap(), (7, 23));
        })
    });
}

#[test]
fn server_closes_first() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let (mut client, mut server, handle) = proxy(None);
            write_all(&mut server, b"greeting").await.unwrap();
            shutdown(&mut server).await.unwrap();
            assert_eq!(read_to_end(&mut client).await.unwrap(), b"greeting");
            write_all(&mut client, b"late").await.unwrap();
            shutdown(&mut client).await.unwrap();
            assert_eq!(read_to_end(&mut server).await.unwrap(), b"late");
            assert_eq!(handle.await.unwrap().unwrap(), (4, 8));
        })
    });
}

#[test]
fn large_transfers_with_small_buffers() {
    support::with_timeout(|| {
        support::multi(2).block_on(async {
            let (client, server, handle) = proxy(Some((7, 13)));
            let up = data(100_000, 1);
            let down = data(50_003, 2);
            let (mut client_rd, mut client_wr) = kiso::io::split(client);
            let (mut server_rd, mut server_wr) = kiso::io::split(server);
            let up2 = up.clone();
            let down2 = down.clone();
            let t1 = kiso::spawn(async move {
                write_all(&mut client_wr, &up2).await.unwrap();
                shutdown(&mut client_wr).await.unwrap();
            });
            let t2 = kiso::spawn(async move {
                write_all(&mut server_wr, &down2).await.unwrap();
                shutdown(&mut server_wr).await.unwrap();
            });
            let t3 = kiso::spawn(async move { read_to_end(&mut server_rd).await.unwrap() });
            let t4 = kiso::spawn(async move { read_to_end(&mut client_rd).await.unwrap() });
            t1.await.unwrap();
            t2.await.unwrap();
            assert_eq!(t3.await.unwrap(), up);
            assert_eq!(t4.await.unwrap(), down);
            assert_eq!(handle.await.unwrap().unwrap(), (100_000, 50_003));
        })
    });
}

#[test]
fn empty_streams() {
    support::current_thread().block_on(async {
        let mut a = kiso::io::empty();
        let mut b = kiso::io::empty();
        assert_eq!(
            kiso::io::copy_bidirectional(&mut a, &mut b).await.unwrap(),
            (0, 0)
        );
    });
}

#[test]
fn zero_sizes_panic() {
    for (ab, ba) in [(0, 8), (8, 0)] {
        let rt = support::current_thread();
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            rt.block_on(async {
                let mut a = kiso::io::empty();
                let mut b = kiso::io::empty();
                kiso::io::copy_bidirectional_with_sizes(&mut a, &mut b, ab, ba).await
            })
        }));
        assert!(res.is_err(), "({ab}, {ba}) did not panic");
    }
}

/// Reads fail; writes are accepted.
struct Broken;

impl AsyncRead for Broken {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()))
    }
}

impl AsyncWrite for Broken {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn an_error_ends_the_copy() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let (_client, mut front) = kiso::io::duplex(64);
            let mut broken = Broken;
            let err = kiso::io::copy_bidirectional(&mut front, &mut broken)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);

            // A write to a closed pipe, while the other direction waits.
            let (client, mut front) = kiso::io::duplex(64);
            let (mut back, server) = kiso::io::duplex(64);
            drop(server);
            let mut client = client;
            write_all(&mut client, b"x").await.unwrap();
            let err = kiso::io::copy_bidirectional(&mut front, &mut back)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        })
    });
}

fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}

trait AmbiguousIfUnpin<A> {
    fn check(&self) {}
}
impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

#[test]
fn future_auto_traits() {
    let (mut a, mut b) = kiso::io::duplex(8);
    {
        let fut = kiso::io::copy_bidirectional(&mut a, &mut b);
        is_send(&fut);
        is_sync(&fut);
        // Compiles only if the future is NOT `Unpin`.
        AmbiguousIfUnpin::check(&fut);
    }
    let fut = kiso::io::copy_bidirectional_with_sizes(&mut a, &mut b, 1, 1);
    is_send(&fut);
    is_sync(&fut);
    AmbiguousIfUnpin::check(&fut);
}
