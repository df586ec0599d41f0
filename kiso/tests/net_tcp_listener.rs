#![cfg(feature = "full")]
//! `TcpListener`: binding (each resolved address in turn, last error),
//! accepting (async, poll-based, several waiters, cancel safety), options
//! and conversions. Every runtime test runs on both runtime flavors.

mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt};
use kiso::net::{TcpListener, TcpStream};
use std::future::poll_fn;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd};
use std::sync::Arc;

/// Runs `async fn $name()` on both runtime flavors, under a timeout.
macro_rules! rt_test {
    ($name:ident) => {
        mod $name {
            #[test]
            fn current_thread() {
                crate::support::with_timeout(|| {
                    crate::support::current_thread().block_on(super::$name())
                })
            }
            #[test]
            fn multi_thread() {
                crate::support::with_timeout(|| crate::support::multi(2).block_on(super::$name()))
            }
        }
    };
}

/// An IPv4 address that is not assigned to this host (TEST-NET-1):
/// binding to it fails with `AddrNotAvailable`.
fn foreign_addr() -> SocketAddr {
    "192.0.2.1:0".parse().unwrap()
}

async fn bind_and_accept() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    let client = kiso::spawn(async move {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"hello").await.unwrap();
        s.local_addr().unwrap()
    });
    let (mut stream, peer) = listener.accept().await.unwrap();
    let mut buf = [0u8; 5];
    stream.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hello");
    assert_eq!(client.await.unwrap(), peer);
    assert_eq!(stream.local_addr().unwrap(), addr);
    assert_eq!(stream.peer_addr().unwrap(), peer);
}
rt_test!(bind_and_accept);

async fn bind_accepts_address_forms() {
    let a = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let b = TcpListener::bind(String::from("127.0.0.1:0"))
        .await
        .unwrap();
    let c = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let d = TcpListener::bind(("localhost", 0)).await.unwrap();
    let e = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    for l in [&a, &b, &c, &d, &e] {
        assert!(l.local_addr().unwrap().ip().is_loopback());
    }
}
rt_test!(bind_accepts_address_forms);

async fn bind_tries_each_address() {
    let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let taken_addr = taken.local_addr().unwrap();
    let free: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let addrs = [foreign_addr(), taken_addr, free];
    let l = TcpListener::bind(&addrs[..]).await.unwrap();
    let got = l.local_addr().unwrap();
    assert_ne!(got.port(), taken_addr.port());
    assert!(got.ip().is_loopback());
}
rt_test!(bind_tries_each_address);

async fn bind_returns_the_last_error() {
    let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let taken_addr = taken.local_addr().unwrap();

    let err = TcpListener::bind(&[foreign_addr(), taken_addr][..])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);

    let err = TcpListener::bind(&[taken_addr, foreign_addr()][..])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrNotAvailable);

    let none: [SocketAddr; 0] = [];
    let err = TcpListener::bind(&none[..]).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}
rt_test!(bind_returns_the_last_error);

async fn bind_name_that_does_not_parse() {
    let err = TcpListener::bind("not an address").await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}
rt_test!(bind_name_that_does_not_parse);

async fn poll_accept_works() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connect = kiso::spawn(async move {
        TcpStream::connect(addr)
            .await
            .unwrap()
            .local_addr()
            .unwrap()
    });
    let (stream, peer) = poll_fn(|cx| listener.poll_accept(cx)).await.unwrap();
    assert_eq!(connect.await.unwrap(), peer);
    assert_eq!(stream.peer_addr().unwrap(), peer);
}
rt_test!(poll_accept_works);

async fn many_accepts_at_once() {
    let listener = Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
    let addr = listener.local_addr().unwrap();
    let mut acceptors = Vec::new();
    for _ in 0..4 {
        let l = listener.clone();
        acceptors.push(kiso::spawn(async move { l.accept().await.unwrap().1 }));
    }
    kiso::task::yield_now().await;
    let mut locals = Vec::new();
    for _ in 0..4 {
        locals.push(TcpStream::connect(addr).await.unwrap());
    }
    let mut peers = Vec::new();
    for a in acceptors {
        peers.push(a.await.unwrap());
    }
    let mut expected: Vec<SocketAddr> = locals.iter().map(|s| s.local_addr().unwrap()).collect();
    expected.sort();
    peers.sort();
    assert_eq!(peers, expected);
}
rt_test!(many_accepts_at_once);

/// A cancelled `accept` takes no connection: the next accept gets it.
async fn accept_is_cancel_safe() {
    use futures::FutureExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Poll an accept once, with nothing to accept, then drop it.
    assert!(listener.accept().now_or_never().is_none());
    let client = TcpStream::connect(addr).await.unwrap();
    // Race an accept against a ready future several times: whenever the
    // other branch wins, no connection may be lost.
    let mut accepted = None;
    for _ in 0..3 {
        futures::select_biased! {
            _ = futures::future::ready(()).fuse() => {}
            r = listener.accept().fuse() => { accepted = Some(r.unwrap()); break; }
        }
    }
    let (stream, peer) = match accepted {
        Some(x) => x,
        None => listener.accept().await.unwrap(),
    };
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(stream.peer_addr().unwrap(), peer);
}
rt_test!(accept_is_cancel_safe);

async fn ttl_round_trips() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.set_ttl(77).unwrap();
    assert_eq!(listener.ttl().unwrap(), 77);
}
rt_test!(ttl_round_trips);

async fn std_round_trip() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let listener = TcpListener::from_std(std_listener).unwrap();
    assert_eq!(listener.local_addr().unwrap(), addr);
    let (c, a) = futures::future::join(TcpStream::connect(addr), listener.accept()).await;
    assert_eq!(a.unwrap().1, c.unwrap().local_addr().unwrap());

    let std_listener = listener.into_std().unwrap();
    // Still non-blocking after the round trip.
    assert_eq!(
        std_listener.accept().unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    let listener = TcpListener::try_from(std_listener).unwrap();
    let (c, a) = futures::future::join(TcpStream::connect(addr), listener.accept()).await;
    assert_eq!(a.unwrap().1, c.unwrap().local_addr().unwrap());
}
rt_test!(std_round_trip);

#[test]
fn bind_outside_a_runtime_panics_when_polled() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    assert!(std::panic::catch_unwind(move || TcpListener::from_std(std_listener)).is_err());
}

#[cfg(debug_assertions)]
#[test]
fn from_std_with_a_blocking_listener_panics_in_debug_builds() {
    let rt = support::current_thread();
    let _g = rt.enter();
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    assert!(std::panic::catch_unwind(move || TcpListener::from_std(std_listener)).is_err());
}

async fn fds_and_debug() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    assert_eq!(listener.as_fd().as_raw_fd(), listener.as_raw_fd());
    assert!(!format!("{listener:?}").is_empty());
}
rt_test!(fds_and_debug);

/// Ipv6 listeners, when the host has an IPv6 loopback.
async fn ipv6_listener() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        return;
    }
    let listener = TcpListener::bind("[::1]:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    assert!(addr.is_ipv6());
    let (c, a) = futures::future::join(TcpStream::connect(addr), listener.accept()).await;
    assert_eq!(a.unwrap().1, c.unwrap().local_addr().unwrap());
}
rt_test!(ipv6_listener);

#[test]
fn auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    // Futures are Send and Sync, as Tokio's are.
    fn send<T: Send + Sync>(_: &T) {}
    send_sync_unpin::<TcpListener>();
    fn futures_are_send(l: &TcpListener) {
        send(&TcpListener::bind("127.0.0.1:0"));
        send(&l.accept());
    }
    let _ = futures_are_send;
}
