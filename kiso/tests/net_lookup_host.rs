#![cfg(feature = "full")]
//! `lookup_host` and `ToSocketAddrs`: literal addresses resolve without the
//! blocking pool, names are resolved on it, every implementing type works,
//! and errors come through.

mod support;

use kiso::net::{lookup_host, ToSocketAddrs};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::sync::mpsc;

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

async fn all<T: ToSocketAddrs>(addr: T) -> Vec<SocketAddr> {
    lookup_host(addr).await.unwrap().collect()
}

fn v4(a: [u8; 4], port: u16) -> SocketAddr {
    SocketAddr::from((a, port))
}

// Borrowed forms are part of what is tested.
#[allow(clippy::needless_borrows_for_generic_args)]
async fn literal_addresses() {
    let a = v4([127, 0, 0, 1], 80);
    assert_eq!(all("127.0.0.1:80").await, [a]);
    assert_eq!(all(String::from("127.0.0.1:80")).await, [a]);
    assert_eq!(all(&String::from("127.0.0.1:80")).await, [a]);
    assert_eq!(all(("127.0.0.1", 80)).await, [a]);
    assert_eq!(all((String::from("127.0.0.1"), 80)).await, [a]);
    assert_eq!(all(a).await, [a]);
    assert_eq!(all(&a).await, [a]);
    assert_eq!(all(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 80)).await, [a]);
    assert_eq!(all((IpAddr::V4(Ipv4Addr::LOCALHOST), 80)).await, [a]);
    assert_eq!(all((Ipv4Addr::LOCALHOST, 80)).await, [a]);

    let b = SocketAddr::from((Ipv6Addr::LOCALHOST, 443));
    assert_eq!(all("[::1]:443").await, [b]);
    assert_eq!(all(("::1", 443)).await, [b]);
    assert_eq!(
        all(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 443, 0, 0)).await,
        [b]
    );
    assert_eq!(all((Ipv6Addr::LOCALHOST, 443)).await, [b]);
    assert_eq!(all((IpAddr::V6(Ipv6Addr::LOCALHOST), 443)).await, [b]);

    // A slice keeps every address, in order.
    let list = [a, b, v4([10, 0, 0, 1], 1)];
    assert_eq!(all(&list[..]).await, list);
    let empty: [SocketAddr; 0] = [];
    assert!(all(&empty[..]).await.is_empty());

    // Scope ids and flow info survive (V6 literal with a scope).
    let scoped: SocketAddr = "[fe80::1%2]:8080".parse().unwrap();
    assert_eq!(all(scoped).await, [scoped]);
}
rt_test!(literal_addresses);

async fn localhost_resolves_to_loopback() {
    let addrs = all("localhost:8080").await;
    assert!(!addrs.is_empty());
    for a in &addrs {
        assert!(a.ip().is_loopback(), "{a}");
        assert_eq!(a.port(), 8080);
    }
    let addrs = all(("localhost", 9)).await;
    assert!(!addrs.is_empty());
    assert!(addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 9));
    let addrs = all((String::from("localhost"), 10)).await;
    assert!(addrs.iter().all(|a| a.port() == 10));
}
rt_test!(localhost_resolves_to_loopback);

async fn malformed_input_is_an_error() {
    // No port.
    let err = lookup_host("localhost").await.err().unwrap();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let err = lookup_host("127.0.0.1").await.err().unwrap();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    // Bad port.
    let err = lookup_host("127.0.0.1:99999").await.err().unwrap();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}
rt_test!(malformed_input_is_an_error);

async fn unknown_name_is_an_error() {
    // `.invalid` never resolves (RFC 2606).
    assert!(lookup_host("no-such-host.invalid:80").await.is_err());
}
rt_test!(unknown_name_is_an_error);

/// Literal addresses never go through the blocking pool; names do.
#[test]
fn only_names_use_the_blocking_pool() {
    use futures::FutureExt;
    support::with_timeout(|| {
        let rt = kiso::runtime::Builder::new_current_thread()
            .enable_all()
            .max_blocking_threads(1)
            .build()
            .unwrap();
        rt.block_on(async {
            // Occupy the only blocking thread until told to stop.
            let (release, wait) = mpsc::channel::<()>();
            let started = support::Flag::new();
            let started2 = started.clone();
            let blocker = kiso::task::spawn_blocking(move || {
                started2.set();
                wait.recv().unwrap();
            });
            started.wait().await;

            // Literal forms resolve immediately, at the first poll.
            let a = lookup_host("127.0.0.1:1")
                .now_or_never()
                .expect("ready at once")
                .unwrap();
            assert_eq!(a.collect::<Vec<_>>(), [v4([127, 0, 0, 1], 1)]);
            let b = lookup_host(("::1", 2))
                .now_or_never()
                .expect("ready at once")
                .unwrap();
            assert_eq!(b.count(), 1);
            let c = lookup_host(String::from("[::1]:3"))
                .now_or_never()
                .expect("ready at once")
                .unwrap();
            assert_eq!(c.count(), 1);

            // A name waits for the pool.
            let mut named = Box::pin(lookup_host("localhost:4"));
            for _ in 0..10 {
                assert!(futures::poll!(named.as_mut()).is_pending());
                kiso::task::yield_now().await;
            }
            release.send(()).unwrap();
            blocker.await.unwrap();
            let addrs: Vec<_> = named.await.unwrap().collect();
            assert!(!addrs.is_empty());
        });
    });
}

#[test]
fn resolving_a_name_needs_a_runtime() {
    // Literal addresses need nothing.
    let mut it = futures::executor::block_on(lookup_host("127.0.0.1:5")).unwrap();
    assert_eq!(it.next(), Some(v4([127, 0, 0, 1], 5)));
    assert_eq!(it.next(), None);
    // Names go to the blocking pool, which needs a runtime.
    let res = std::panic::catch_unwind(|| futures::executor::block_on(lookup_host("localhost:5")));
    assert!(res.is_err());
}

#[test]
// Borrowed forms are part of what is tested.
#[allow(clippy::needless_borrows_for_generic_args)]
fn every_implementor_is_accepted() {
    fn takes<T: ToSocketAddrs>(_: T) {}
    let sa: SocketAddr = "127.0.0.1:1".parse().unwrap();
    takes(sa);
    takes(&sa);
    takes(&&sa);
    takes(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 1));
    takes(SocketAddrV6::new(Ipv6Addr::LOCALHOST, 1, 0, 0));
    takes((IpAddr::V4(Ipv4Addr::LOCALHOST), 1));
    takes((Ipv4Addr::LOCALHOST, 1));
    takes((Ipv6Addr::LOCALHOST, 1));
    takes(&[sa][..]);
    takes("127.0.0.1:1");
    takes(String::from("127.0.0.1:1"));
    takes(&String::from("127.0.0.1:1"));
    takes(("localhost", 1));
    takes((String::from("localhost"), 1));
}

#[test]
fn lookup_future_is_send() {
    // Futures are Send and Sync, as Tokio's are.
    fn send<T: Send + Sync>(_: &T) {}
    send(&lookup_host("localhost:1"));
    send(&lookup_host(String::from("localhost:1")));
    send(&lookup_host(("localhost", 1)));
    fn iter_send<T: Send + 'static>(_: &T) {}
    let rt = support::current_thread();
    let it = rt.block_on(lookup_host("127.0.0.1:1")).unwrap();
    iter_send(&it);
}
