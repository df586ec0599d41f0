#![cfg(feature = "full")]
//! How the schedulers drive the I/O driver: readiness reaches futures that
//! poll in a loop without ever waiting, on either flavor, and the driver's
//! metrics count what it does.

mod support;

use kiso::io::AsyncWriteExt;
use kiso::net::{TcpListener, TcpStream};
use support::{current_thread, multi, with_timeout};

/// A connected pair: (client, server side).
async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap())
        .await
        .unwrap();
    let (server, _) = listener.accept().await.unwrap();
    (client, server)
}

/// Reads with `try_read` until `want` bytes came, yielding (never waiting
/// on readiness) between attempts.
async fn read_by_yielding(stream: &TcpStream, want: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while got.len() < want {
        match stream.try_read(&mut buf) {
            Ok(0) => panic!("unexpected end of stream"),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => kiso::task::yield_now().await,
            Err(e) => panic!("read failed: {e}"),
        }
    }
    got
}

#[test]
fn block_on_future_that_only_yields_sees_readiness_current_thread() {
    with_timeout(|| {
        current_thread().block_on(async {
            let (mut client, server) = pair().await;
            // Drain the readiness the accepted stream starts with.
            assert!(server.try_read(&mut [0u8; 8]).is_err());
            // Written after the reader's readiness was cleared: only a turn
            // of the driver can tell the reader about it.
            let writer = kiso::spawn(async move {
                client.write_all(b"hello").await.unwrap();
                client
            });
            assert_eq!(read_by_yielding(&server, 5).await, b"hello");
            drop(writer.await.unwrap());
        })
    });
}

#[test]
fn task_that_only_yields_sees_readiness() {
    for rt in [current_thread(), multi(2)] {
        with_timeout(move || {
            rt.block_on(async {
                let (mut client, server) = pair().await;
                assert!(server.try_read(&mut [0u8; 8]).is_err());
                let reader = kiso::spawn(async move { read_by_yielding(&server, 3).await });
                client.write_all(b"abc").await.unwrap();
                assert_eq!(reader.await.unwrap(), b"abc");
            })
        });
    }
}

#[test]
fn driver_metrics_count_registrations_and_events() {
    for rt in [current_thread(), multi(2)] {
        let m = rt.metrics();
        assert_eq!(m.io_driver_fd_registered_count(), 0);
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let accept = kiso::spawn(async move { listener.accept().await.unwrap().0 });
            let client = TcpStream::connect(addr).await.unwrap();
            let server = accept.await.unwrap();
            drop((client, server));
        });
        // The listener, the client and the accepted stream.
        assert_eq!(m.io_driver_fd_registered_count(), 3);
        assert_eq!(m.io_driver_fd_deregistered_count(), 3);
        assert!(
            m.io_driver_ready_count() >= 1,
            "connecting takes at least one event"
        );
    }
}

#[test]
fn runtime_without_io_reports_zero() {
    let rt = kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.metrics().io_driver_ready_count(), 0);
    assert_eq!(rt.metrics().io_driver_fd_registered_count(), 0);
}
