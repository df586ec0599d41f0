#![cfg(feature = "full")]
//! `TcpStream`: connecting (each address in turn, last error), reading and
//! writing through `AsyncRead`/`AsyncWrite` and the `try_*` methods,
//! readiness, peeking, socket options and conversions to and from std.
//! Every runtime test runs on a current-thread and a multi-thread runtime.

mod support;

use kiso::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, Interest, ReadBuf};
use kiso::net::{TcpListener, TcpStream};
use std::future::{poll_fn, Future};
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

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

/// A connected pair over loopback: (client, server).
async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) =
        futures::future::join(TcpStream::connect(addr), listener.accept()).await;
    (client.unwrap(), accepted.unwrap().0)
}

/// An address on loopback where nothing listens.
fn refused_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// An address a TCP connect fails on at once with `NetworkUnreachable`
/// (multicast).
fn unreachable_addr() -> SocketAddr {
    "224.0.0.1:80".parse().unwrap()
}

fn ipv6_loopback_works() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}

fn pattern(n: usize, seed: u8) -> Vec<u8> {
    (0..n)
        .map(|i| (i as u8).wrapping_mul(13).wrapping_add(seed))
        .collect()
}

extern "C" {
    fn recv(fd: i32, buf: *mut u8, len: usize, flags: i32) -> isize;
}

/// `recv(2)` on a raw descriptor, for `try_io`/`async_io`.
fn raw_recv(fd: i32, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
    let n = unsafe { recv(fd, buf.as_mut_ptr(), buf.len(), 0) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

async fn connect_and_echo() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = kiso::spawn(async move {
        let (mut s, peer) = listener.accept().await.unwrap();
        assert_eq!(s.peer_addr().unwrap(), peer);
        let mut buf = vec![0u8; 1024];
        loop {
            let n = s.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            s.write_all(&buf[..n]).await.unwrap();
        }
        peer
    });
    let mut client = TcpStream::connect(addr).await.unwrap();
    assert_eq!(client.peer_addr().unwrap(), addr);
    let msg = pattern(10_000, 7);
    client.write_all(&msg).await.unwrap();
    let mut back = vec![0u8; msg.len()];
    client.read_exact(&mut back).await.unwrap();
    assert_eq!(back, msg);
    client.shutdown().await.unwrap();
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty());
    let peer = server.await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
}
rt_test!(connect_and_echo);

async fn connect_refused() {
    let err = TcpStream::connect(refused_addr()).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
}
rt_test!(connect_refused);

async fn connect_tries_each_address() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let good = listener.local_addr().unwrap();
    let addrs = [unreachable_addr(), refused_addr(), good];
    let (client, accepted) =
        futures::future::join(TcpStream::connect(&addrs[..]), listener.accept()).await;
    let client = client.unwrap();
    assert_eq!(client.peer_addr().unwrap(), good);
    assert_eq!(accepted.unwrap().1, client.local_addr().unwrap());
}
rt_test!(connect_tries_each_address);

async fn connect_returns_the_last_error() {
    let addrs = [unreachable_addr(), refused_addr()];
    let err = TcpStream::connect(&addrs[..]).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);

    let addrs = [refused_addr(), unreachable_addr()];
    let err = TcpStream::connect(&addrs[..]).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NetworkUnreachable);
}
rt_test!(connect_returns_the_last_error);

async fn connect_to_no_address_is_invalid_input() {
    let none: [SocketAddr; 0] = [];
    let err = TcpStream::connect(&none[..]).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}
rt_test!(connect_to_no_address_is_invalid_input);

// Borrowed forms are part of what is tested.
#[allow(clippy::needless_borrows_for_generic_args)]
async fn connect_accepts_every_address_form() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let port = addr.port();
    let v4 = match addr {
        SocketAddr::V4(v4) => v4,
        SocketAddr::V6(_) => unreachable!(),
    };
    let accept_all = async {
        for _ in 0..11 {
            listener.accept().await.unwrap();
        }
    };
    let connect_all = async {
        let s = format!("127.0.0.1:{port}");
        let host = String::from("localhost");
        let mut streams = vec![
            TcpStream::connect(addr).await.unwrap(),
            TcpStream::connect(&addr).await.unwrap(),
            TcpStream::connect(v4).await.unwrap(),
            TcpStream::connect(s.as_str()).await.unwrap(),
            TcpStream::connect(s.clone()).await.unwrap(),
            TcpStream::connect(&s).await.unwrap(),
            TcpStream::connect(("127.0.0.1", port)).await.unwrap(),
            TcpStream::connect((IpAddr::V4(Ipv4Addr::LOCALHOST), port))
                .await
                .unwrap(),
            TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .await
                .unwrap(),
            TcpStream::connect((host.clone(), port)).await.unwrap(),
        ];
        streams.push(TcpStream::connect(&[addr][..]).await.unwrap());
        for s in &streams {
            assert_eq!(s.peer_addr().unwrap(), addr);
        }
    };
    futures::future::join(accept_all, connect_all).await;

    if ipv6_loopback_works() {
        let l6 = TcpListener::bind("[::1]:0").await.unwrap();
        let port = l6.local_addr().unwrap().port();
        let v6 = SocketAddrV6::new(Ipv6Addr::LOCALHOST, port, 0, 0);
        let accept_all = async {
            for _ in 0..3 {
                l6.accept().await.unwrap();
            }
        };
        let connect_all = async {
            TcpStream::connect(v6).await.unwrap();
            TcpStream::connect((Ipv6Addr::LOCALHOST, port))
                .await
                .unwrap();
            TcpStream::connect(("::1", port)).await.unwrap();
        };
        futures::future::join(accept_all, connect_all).await;
    }
}
rt_test!(connect_accepts_every_address_form);

async fn addresses_match() {
    let (client, server) = pair().await;
    assert_eq!(client.local_addr().unwrap(), server.peer_addr().unwrap());
    assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
    assert!(client.take_error().unwrap().is_none());
    assert!(server.take_error().unwrap().is_none());
}
rt_test!(addresses_match);

async fn peek_does_not_consume() {
    let (mut client, mut server) = pair().await;
    client.write_all(b"hello world").await.unwrap();
    let mut buf = [0u8; 5];
    let n = server.peek(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], &b"hello"[..n]);
    assert!(n > 0);
    // Peeking again sees the same bytes.
    let mut again = [0u8; 5];
    let m = server.peek(&mut again).await.unwrap();
    assert_eq!(&again[..m], &b"hello"[..m]);

    // poll_peek fills the ReadBuf and reports the count.
    let mut storage = [0u8; 32];
    let mut rb = ReadBuf::new(&mut storage);
    let n = poll_fn(|cx| server.poll_peek(cx, &mut rb)).await.unwrap();
    assert_eq!(n, rb.filled().len());
    assert!(b"hello world".starts_with(rb.filled()));

    let mut all = [0u8; 11];
    server.read_exact(&mut all).await.unwrap();
    assert_eq!(&all, b"hello world");
}
rt_test!(peek_does_not_consume);

async fn try_read_would_block_then_readable() {
    let (client, mut server) = pair().await;
    let mut buf = [0u8; 16];
    // Nothing was sent: whatever readiness the client has, a read finds
    // nothing.
    match client.try_read(&mut buf) {
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        other => panic!("expected WouldBlock, got {other:?}"),
    }
    server.write_all(b"ping").await.unwrap();
    let mut got = Vec::new();
    while got.len() < 4 {
        client.readable().await.unwrap();
        match client.try_read(&mut buf) {
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got, b"ping");
}
rt_test!(try_read_would_block_then_readable);

async fn try_write_and_writable() {
    let (client, mut server) = pair().await;
    let msg = b"from try_write";
    let mut off = 0;
    while off < msg.len() {
        client.writable().await.unwrap();
        match client.try_write(&msg[off..]) {
            Ok(n) => off += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    let mut buf = vec![0u8; msg.len()];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(buf, msg);
}
rt_test!(try_write_and_writable);

async fn try_write_fills_the_socket_then_would_block() {
    let (client, mut server) = pair().await;
    let chunk = vec![0xabu8; 64 * 1024];
    let mut written = 0usize;
    // Without a reader the kernel buffers fill up and try_write reports
    // WouldBlock rather than waiting.
    loop {
        match client.try_write(&chunk) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if written > 0 {
                    break;
                }
                client.writable().await.unwrap();
            }
            Err(e) => panic!("{e}"),
        }
    }
    // Drain it all; the writer becomes writable again.
    let mut got = vec![0u8; written];
    server.read_exact(&mut got).await.unwrap();
    assert!(got.iter().all(|&b| b == 0xab));
    client.writable().await.unwrap();
}
rt_test!(try_write_fills_the_socket_then_would_block);

async fn vectored_try_read_and_write() {
    let (client, server) = pair().await;
    let bufs = [IoSlice::new(b"abc"), IoSlice::new(b"defg")];
    let mut n = 0;
    while n == 0 {
        client.writable().await.unwrap();
        match client.try_write_vectored(&bufs) {
            Ok(m) => n = m,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(n, 7);
    let mut a = [0u8; 2];
    let mut b = [0u8; 10];
    let mut got = 0;
    while got == 0 {
        server.readable().await.unwrap();
        let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];
        match server.try_read_vectored(&mut bufs) {
            Ok(m) => got = m,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    // Both segments sent together arrive together on loopback, but only
    // the first `got` bytes count.
    let mut joined = a.to_vec();
    joined.extend_from_slice(&b);
    assert_eq!(&joined[..got], &b"abcdefg"[..got]);
}
rt_test!(vectored_try_read_and_write);

async fn try_read_buf_appends() {
    let (mut client, server) = pair().await;
    client.write_all(b"buffered").await.unwrap();
    let mut buf = Vec::with_capacity(64);
    buf.extend_from_slice(b">>");
    while buf.len() < 10 {
        server.readable().await.unwrap();
        match server.try_read_buf(&mut buf) {
            Ok(0) => panic!("unexpected EOF"),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(buf, b">>buffered");
}
rt_test!(try_read_buf_appends);

async fn ready_reports_requested_states() {
    let (mut client, server) = pair().await;
    let ready = server.ready(Interest::WRITABLE).await.unwrap();
    assert!(ready.is_writable());
    client.write_all(b"x").await.unwrap();
    loop {
        let ready = server.ready(Interest::READABLE).await.unwrap();
        assert!(
            !ready.is_writable(),
            "only the requested interest is reported"
        );
        if ready.is_readable() {
            let mut b = [0u8; 1];
            match server.try_read(&mut b) {
                Ok(1) => break,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                other => panic!("{other:?}"),
            }
        }
    }
    // The peer closing shows as read-closed.
    drop(client);
    loop {
        let ready = server.ready(Interest::READABLE).await.unwrap();
        if ready.is_read_closed() {
            break;
        }
        let mut b = [0u8; 1];
        match server.try_read(&mut b) {
            Ok(0) => break,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            other => panic!("{other:?}"),
        }
    }
}
rt_test!(ready_reports_requested_states);

async fn many_tasks_wait_readable_at_once() {
    let (mut client, server) = pair().await;
    let server = Arc::new(server);
    let woke = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..4 {
        let server = server.clone();
        let woke = woke.clone();
        handles.push(kiso::spawn(async move {
            server.readable().await.unwrap();
            woke.fetch_add(1, Ordering::SeqCst);
        }));
    }
    kiso::task::yield_now().await;
    client.write_all(b"wake everyone").await.unwrap();
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(woke.load(Ordering::SeqCst), 4);
}
rt_test!(many_tasks_wait_readable_at_once);

async fn try_io_and_async_io_with_raw_recv() {
    let (mut client, server) = pair().await;
    // The connecting side has seen no read readiness yet: the closure is
    // not run.
    let called = AtomicBool::new(false);
    let res = client.try_io(Interest::READABLE, || {
        called.store(true, Ordering::SeqCst);
        Ok(())
    });
    assert_eq!(res.unwrap_err().kind(), io::ErrorKind::WouldBlock);
    assert!(!called.load(Ordering::SeqCst));

    client.write_all(b"raw bytes").await.unwrap();
    let fd = server.as_raw_fd();
    let mut buf = [0u8; 32];
    let mut got = Vec::new();
    while got.len() < 9 {
        let n = server
            .async_io(Interest::READABLE, || raw_recv(fd, &mut buf))
            .await
            .unwrap();
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"raw bytes");

    // try_io after readable(): the closure runs; a WouldBlock from it is
    // passed through.
    client.write_all(b"more").await.unwrap();
    let mut got = Vec::new();
    while got.len() < 4 {
        server.readable().await.unwrap();
        match server.try_io(Interest::READABLE, || raw_recv(fd, &mut buf)) {
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got, b"more");
    client.shutdown().await.unwrap();
}
rt_test!(try_io_and_async_io_with_raw_recv);

async fn poll_read_and_write_ready() {
    let (mut client, server) = pair().await;
    poll_fn(|cx| server.poll_write_ready(cx)).await.unwrap();
    client.write_all(b"r").await.unwrap();
    let mut b = [0u8; 1];
    loop {
        poll_fn(|cx| server.poll_read_ready(cx)).await.unwrap();
        match server.try_read(&mut b) {
            Ok(1) => break,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(&b, b"r");
}
rt_test!(poll_read_and_write_ready);

async fn accepted_stream_starts_ready() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut client = std::net::TcpStream::connect(addr).unwrap();
    std::io::Write::write_all(&mut client, b"early").unwrap();
    let (server, _) = listener.accept().await.unwrap();
    // Accepted streams are assumed readable and writable: the first
    // operations try the socket instead of waiting for the driver.
    use futures::FutureExt;
    let ready = server
        .ready(Interest::READABLE | Interest::WRITABLE)
        .now_or_never()
        .expect("ready at once")
        .unwrap();
    assert!(ready.is_readable() && ready.is_writable());
    assert_eq!(server.try_write(b"hi").unwrap(), 2);
    let mut buf = [0u8; 16];
    let n = server.try_read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"early");
    // Once a read finds nothing, readiness is cleared as usual.
    assert_eq!(
        server.try_read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    let mut back = [0u8; 2];
    std::io::Read::read_exact(&mut client, &mut back).unwrap();
    assert_eq!(&back, b"hi");
}
rt_test!(accepted_stream_starts_ready);

#[allow(deprecated)]
async fn socket_options() {
    let (client, _server) = pair().await;
    client.set_nodelay(true).unwrap();
    assert!(client.nodelay().unwrap());
    client.set_nodelay(false).unwrap();
    assert!(!client.nodelay().unwrap());

    client.set_ttl(42).unwrap();
    assert_eq!(client.ttl().unwrap(), 42);

    assert_eq!(client.linger().unwrap(), None);
    client
        .set_linger(Some(std::time::Duration::from_secs(3)))
        .unwrap();
    assert_eq!(
        client.linger().unwrap(),
        Some(std::time::Duration::from_secs(3))
    );
    client.set_linger(None).unwrap();
    assert_eq!(client.linger().unwrap(), None);
    client.set_zero_linger().unwrap();
    assert_eq!(client.linger().unwrap(), Some(std::time::Duration::ZERO));

    #[cfg(target_os = "linux")]
    {
        client.set_quickack(true).unwrap();
        let _ = client.quickack().unwrap();
        client.set_quickack(false).unwrap();
        assert!(!client.quickack().unwrap());
    }
}
rt_test!(socket_options);

async fn std_round_trip() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let std_client = std::net::TcpStream::connect(addr).unwrap();
    let (std_server, _) = listener.accept().unwrap();
    std_client.set_nonblocking(true).unwrap();
    std_server.set_nonblocking(true).unwrap();

    let mut client = TcpStream::from_std(std_client).unwrap();
    let mut server = TcpStream::try_from(std_server).unwrap();
    client.write_all(b"via std").await.unwrap();
    let mut buf = [0u8; 7];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"via std");

    // Back to std: still non-blocking, still connected.
    let mut std_server = server.into_std().unwrap();
    let mut b = [0u8; 1];
    let err = std::io::Read::read(&mut std_server, &mut b).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    client.write_all(b"!").await.unwrap();
    std_server.set_nonblocking(false).unwrap();
    std::io::Read::read_exact(&mut std_server, &mut b).unwrap();
    assert_eq!(&b, b"!");
}
rt_test!(std_round_trip);

#[test]
fn from_std_outside_a_runtime_panics() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let s = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    s.set_nonblocking(true).unwrap();
    let res = std::panic::catch_unwind(move || TcpStream::from_std(s));
    assert!(res.is_err());
}

#[test]
fn from_std_without_io_enabled_panics() {
    let rt = kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let _g = rt.enter();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let s = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    s.set_nonblocking(true).unwrap();
    let msg = support::panic_message(move || {
        let _ = TcpStream::from_std(s);
    });
    assert!(msg.contains("enable_io"), "{msg}");
}

#[cfg(debug_assertions)]
#[test]
fn from_std_with_a_blocking_socket_panics_in_debug_builds() {
    let rt = support::current_thread();
    let _g = rt.enter();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let s = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let res = std::panic::catch_unwind(move || TcpStream::from_std(s));
    assert!(res.is_err());
}

async fn shutdown_gives_the_peer_eof_and_vectored_writes() {
    let (mut client, mut server) = pair().await;
    assert!(client.is_write_vectored());
    let bufs = [
        IoSlice::new(b"one "),
        IoSlice::new(b"two "),
        IoSlice::new(b"three"),
    ];
    let n = client.write_vectored(&bufs).await.unwrap();
    assert!(n > 0);
    let total: Vec<u8> = b"one two three".to_vec();
    client.write_all(&total[n..]).await.unwrap();
    poll_fn(|cx| Pin::new(&mut client).poll_flush(cx))
        .await
        .unwrap();
    client.shutdown().await.unwrap();
    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, total);
    // A second shutdown is fine too.
    client.shutdown().await.unwrap();
}
rt_test!(shutdown_gives_the_peer_eof_and_vectored_writes);

async fn read_returns_zero_when_the_peer_closes() {
    let (client, mut server) = pair().await;
    drop(client);
    let mut buf = [0u8; 8];
    assert_eq!(server.read(&mut buf).await.unwrap(), 0);
    assert_eq!(server.read(&mut buf).await.unwrap(), 0);
}
rt_test!(read_returns_zero_when_the_peer_closes);

async fn large_transfer_both_ways() {
    const N: usize = 8 * 1024 * 1024;
    let (client, server) = pair().await;
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let up = pattern(N, 1);
    let down = pattern(N, 2);
    let (up2, down2) = (up.clone(), down.clone());
    let w1 = kiso::spawn(async move {
        cw.write_all(&up2).await.unwrap();
        cw.shutdown().await.unwrap();
    });
    let w2 = kiso::spawn(async move {
        sw.write_all(&down2).await.unwrap();
        sw.shutdown().await.unwrap();
    });
    let r1 = kiso::spawn(async move {
        let mut v = Vec::new();
        sr.read_to_end(&mut v).await.unwrap();
        v
    });
    let mut v = Vec::new();
    cr.read_to_end(&mut v).await.unwrap();
    assert!(v == down, "downstream bytes differ");
    assert!(r1.await.unwrap() == up, "upstream bytes differ");
    w1.await.unwrap();
    w2.await.unwrap();
}
rt_test!(large_transfer_both_ways);

/// Reads from a socket that always has data ready spend coop budget, so a
/// read loop lets other tasks run.
#[test]
fn reads_spend_coop_budget() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let (mut client, mut server) = pair().await;
            client.write_all(&vec![1u8; 64 * 1024]).await.unwrap();
            let flag = Arc::new(AtomicBool::new(false));
            let f = flag.clone();
            kiso::spawn(async move { f.store(true, Ordering::SeqCst) });
            let mut reads = 0;
            let mut b = [0u8; 1];
            while !flag.load(Ordering::SeqCst) {
                server.read_exact(&mut b).await.unwrap();
                reads += 1;
                assert!(reads < 10_000, "the read loop never yielded");
            }
        })
    });
}

async fn debug_and_fds() {
    let (client, _server) = pair().await;
    assert!(!format!("{client:?}").is_empty());
    assert_eq!(client.as_fd().as_raw_fd(), client.as_raw_fd());
    let r: &TcpStream = client.as_ref();
    assert_eq!(r.as_raw_fd(), client.as_raw_fd());
}
rt_test!(debug_and_fds);

/// `AsyncRead` straight through `poll_read` with a partly filled buffer.
async fn poll_read_appends_to_read_buf() {
    let (mut client, mut server) = pair().await;
    client.write_all(b"xyz").await.unwrap();
    let mut storage = [0u8; 8];
    let mut rb = ReadBuf::new(&mut storage);
    rb.put_slice(b"__");
    while rb.filled().len() < 5 {
        poll_fn(|cx| Pin::new(&mut server).poll_read(cx, &mut rb))
            .await
            .unwrap();
    }
    assert_eq!(rb.filled(), b"__xyz");
    let n = poll_fn(|cx| Pin::new(&mut client).poll_write(cx, b""))
        .await
        .unwrap();
    assert_eq!(n, 0);
}
rt_test!(poll_read_appends_to_read_buf);

#[test]
fn auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    // Futures are Send and Sync, as Tokio's are.
    fn send<T: Send + Sync>(_: &T) {}
    send_sync_unpin::<TcpStream>();

    fn futures_are_send(s: &TcpStream, buf: &mut [u8]) {
        send(&TcpStream::connect("127.0.0.1:1"));
        send(&s.ready(Interest::READABLE));
        send(&s.readable());
        send(&s.writable());
        send(&s.peek(buf));
        send(&s.async_io(Interest::READABLE, || Ok(())));
    }
    let _ = futures_are_send;
}

/// A future that counts its polls, to check a task is woken only when
/// needed (used by the wake test below).
struct CountPolls<F> {
    inner: F,
    polls: Arc<AtomicUsize>,
}

impl<F: Future + Unpin> Future for CountPolls<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        Pin::new(&mut self.inner).poll(cx)
    }
}

/// A pending read is woken by the peer's write, not before or repeatedly.
async fn pending_read_is_woken_by_data() {
    let (mut client, mut server) = pair().await;
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    let reader = kiso::spawn(async move {
        let mut b = [0u8; 4];
        let n = CountPolls {
            inner: Box::pin(server.read(&mut b)),
            polls: p,
        }
        .await
        .unwrap();
        b[..n].to_vec()
    });
    // Let the reader reach its pending read.
    for _ in 0..8 {
        kiso::task::yield_now().await;
    }
    client.write_all(b"data").await.unwrap();
    let got = reader.await.unwrap();
    assert!(!got.is_empty() && b"data".starts_with(&got));
    assert!(
        polls.load(Ordering::SeqCst) <= 4,
        "polled {} times",
        polls.load(Ordering::SeqCst)
    );
}
rt_test!(pending_read_is_woken_by_data);

#[allow(dead_code)]
fn _unused(_: SocketAddrV4) {}

#[allow(dead_code)]
fn _assert_async_read_write<T: AsyncRead + AsyncWrite>() {}
#[allow(dead_code)]
fn _tcp_stream_is_io() {
    _assert_async_read_write::<TcpStream>();
}
