#![cfg(feature = "full")]
//! `UdpSocket`: datagram exactness over loopback, connected and unconnected
//! use, peeking, the `try_*` / `poll_*` families, readiness, socket options,
//! conversions and auto traits. Every async test runs on a current-thread and
//! on a multi-thread runtime.

#[macro_use]
mod support;

use kiso::io::{Interest, ReadBuf};
use kiso::net::UdpSocket;
use std::future::poll_fn;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, AsRawFd};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;

on_both_runtimes!(
    send_to_recv_from_are_exact,
    datagram_boundaries_are_kept,
    recv_truncates_and_discards_the_rest,
    connected_send_recv,
    connect_filters_other_senders,
    unconnected_peer_addr_and_send_fail,
    try_ops_would_block_when_empty,
    try_ops_after_readiness,
    peek_does_not_consume,
    peek_with_short_buffer_keeps_datagram,
    poll_family,
    poll_recv_appends_to_read_buf,
    recv_buf_family,
    ready_reports_writable_not_readable,
    spawned_reader_is_woken,
    many_readable_waiters_all_woken,
    try_io_clears_readiness_on_would_block,
    async_io_retries_until_ready,
    socket_options,
    ipv6_options,
    bind_tries_each_address,
    empty_address_lists_are_invalid_input,
    to_socket_addrs_forms,
    connection_refused_is_reported,
    take_error_after_icmp,
    std_round_trip,
    shared_in_arc_across_tasks,
);

async fn bound() -> UdpSocket {
    UdpSocket::bind("127.0.0.1:0").await.unwrap()
}

/// A second handle on the socket's open file description (for doing I/O
/// inside `try_io` / `async_io` closures).
fn dup(sock: &UdpSocket) -> std::net::UdpSocket {
    std::net::UdpSocket::from(sock.as_fd().try_clone_to_owned().unwrap())
}

fn pattern(seed: usize, len: usize) -> Vec<u8> {
    (0..len).map(|i| (seed * 31 + i * 7) as u8).collect()
}

/// Receives with `try_recv_from`, waiting for readability between attempts.
async fn recv_from_via_try(sock: &UdpSocket, buf: &mut [u8]) -> (usize, SocketAddr) {
    loop {
        sock.readable().await.unwrap();
        match sock.try_recv_from(buf) {
            Ok(r) => return r,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
}

async fn send_to_recv_from_are_exact() {
    let a = bound().await;
    let b = bound().await;
    let a_addr = a.local_addr().unwrap();
    let b_addr = b.local_addr().unwrap();
    assert!(b_addr.ip().is_loopback());
    assert_ne!(b_addr.port(), 0);
    for (i, len) in [0usize, 1, 17, 512, 1500, 9000, 65_507]
        .into_iter()
        .enumerate()
    {
        let data = pattern(i, len);
        assert_eq!(a.send_to(&data, b_addr).await.unwrap(), len);
        let mut buf = vec![0u8; 70_000];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(n, len);
        assert_eq!(&buf[..n], &data[..]);
        assert_eq!(from, a_addr);
    }
}

async fn datagram_boundaries_are_kept() {
    let a = bound().await;
    let b = bound().await;
    let b_addr = b.local_addr().unwrap();
    let msgs: Vec<Vec<u8>> = (0..5).map(|i| pattern(i, 10 + i * 3)).collect();
    for m in &msgs {
        a.send_to(m, b_addr).await.unwrap();
    }
    for m in &msgs {
        let mut buf = [0u8; 256];
        let (n, _) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], &m[..]);
    }
    let mut buf = [0u8; 16];
    assert_eq!(
        b.try_recv(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

async fn recv_truncates_and_discards_the_rest() {
    let a = bound().await;
    let b = bound().await;
    let b_addr = b.local_addr().unwrap();
    a.send_to(b"0123456789", b_addr).await.unwrap();
    a.send_to(b"next", b_addr).await.unwrap();
    let mut small = [0u8; 4];
    assert_eq!(b.recv(&mut small).await.unwrap(), 4);
    assert_eq!(&small, b"0123");
    let mut buf = [0u8; 32];
    let n = b.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"next");
}

async fn connected_send_recv() {
    let a = bound().await;
    let b = bound().await;
    let a_addr = a.local_addr().unwrap();
    let b_addr = b.local_addr().unwrap();
    a.connect(b_addr).await.unwrap();
    b.connect(a_addr).await.unwrap();
    assert_eq!(a.peer_addr().unwrap(), b_addr);
    assert_eq!(b.peer_addr().unwrap(), a_addr);
    assert_eq!(a.send(b"ping").await.unwrap(), 4);
    let mut buf = [0u8; 16];
    let n = b.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"ping");
    assert_eq!(b.send(b"pong!").await.unwrap(), 5);
    let n = a.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"pong!");
    // send_to on a connected socket, to its peer, also works.
    a.send_to(b"again", b_addr).await.unwrap();
    let (n, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!((&buf[..n], from), (&b"again"[..], a_addr));
}

async fn connect_filters_other_senders() {
    let a = bound().await;
    let b = bound().await;
    let c = bound().await;
    let a_addr = a.local_addr().unwrap();
    a.connect(b.local_addr().unwrap()).await.unwrap();
    // Sent first, from a stranger: the kernel drops it.
    c.send_to(b"stranger", a_addr).await.unwrap();
    b.send_to(b"peer", a_addr).await.unwrap();
    let mut buf = [0u8; 16];
    let n = a.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"peer");
    assert_eq!(
        a.try_recv(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

async fn unconnected_peer_addr_and_send_fail() {
    let a = bound().await;
    assert_eq!(
        a.peer_addr().unwrap_err().kind(),
        io::ErrorKind::NotConnected
    );
    // No default destination: EDESTADDRREQ.
    let err = a.send(b"x").await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(89), "{err:?}");
    a.writable().await.unwrap();
    let err = a.try_send(b"x").unwrap_err();
    assert_eq!(err.raw_os_error(), Some(89), "{err:?}");
    let err = poll_fn(|cx| a.poll_send(cx, b"x")).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(89), "{err:?}");
}

async fn try_ops_would_block_when_empty() {
    let a = bound().await;
    let mut buf = [0u8; 8];
    let wb = io::ErrorKind::WouldBlock;
    assert_eq!(a.try_recv(&mut buf).unwrap_err().kind(), wb);
    assert_eq!(a.try_recv_from(&mut buf).unwrap_err().kind(), wb);
    assert_eq!(a.try_peek(&mut buf).unwrap_err().kind(), wb);
    assert_eq!(a.try_peek_from(&mut buf).unwrap_err().kind(), wb);
    assert_eq!(a.try_peek_sender().unwrap_err().kind(), wb);
    let mut v = Vec::with_capacity(8);
    assert_eq!(a.try_recv_buf(&mut v).unwrap_err().kind(), wb);
    assert_eq!(a.try_recv_buf_from(&mut v).unwrap_err().kind(), wb);
    assert!(v.is_empty());
    // Once the driver reported readability and the kernel said WouldBlock,
    // the readiness is cleared: still WouldBlock.
    a.writable().await.unwrap();
    assert_eq!(a.try_recv(&mut buf).unwrap_err().kind(), wb);
}

async fn try_ops_after_readiness() {
    let a = bound().await;
    let b = bound().await;
    let a_addr = a.local_addr().unwrap();
    let b_addr = b.local_addr().unwrap();
    a.writable().await.unwrap();
    assert_eq!(a.try_send_to(b"one", b_addr).unwrap(), 3);
    let mut buf = [0u8; 8];
    let (n, from) = recv_from_via_try(&b, &mut buf).await;
    assert_eq!((&buf[..n], from), (&b"one"[..], a_addr));

    a.connect(b_addr).await.unwrap();
    a.writable().await.unwrap();
    assert_eq!(a.try_send(b"two!").unwrap(), 4);
    loop {
        b.readable().await.unwrap();
        match b.try_recv(&mut buf) {
            Ok(n) => {
                assert_eq!(&buf[..n], b"two!");
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(
        b.try_recv(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

async fn peek_does_not_consume() {
    let a = bound().await;
    let b = bound().await;
    let a_addr = a.local_addr().unwrap();
    a.send_to(b"hello", b.local_addr().unwrap()).await.unwrap();
    let mut buf = [0u8; 16];

    assert_eq!(b.peek(&mut buf).await.unwrap(), 5);
    assert_eq!(&buf[..5], b"hello");
    buf = [0; 16];
    assert_eq!(b.peek_from(&mut buf).await.unwrap(), (5, a_addr));
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(b.peek_sender().await.unwrap(), a_addr);
    assert_eq!(b.try_peek(&mut buf).unwrap(), 5);
    assert_eq!(b.try_peek_from(&mut buf).unwrap(), (5, a_addr));
    assert_eq!(b.try_peek_sender().unwrap(), a_addr);
    assert_eq!(poll_fn(|cx| b.poll_peek_sender(cx)).await.unwrap(), a_addr);
    {
        let mut storage = [0u8; 16];
        let mut rb = ReadBuf::new(&mut storage);
        poll_fn(|cx| b.poll_peek(cx, &mut rb)).await.unwrap();
        assert_eq!(rb.filled(), b"hello");
    }
    {
        let mut storage = [0u8; 16];
        let mut rb = ReadBuf::new(&mut storage);
        let from = poll_fn(|cx| b.poll_peek_from(cx, &mut rb)).await.unwrap();
        assert_eq!((rb.filled(), from), (&b"hello"[..], a_addr));
    }
    // Still there for the real receive, exactly once.
    buf = [0; 16];
    assert_eq!(b.recv_from(&mut buf).await.unwrap(), (5, a_addr));
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(
        b.try_recv(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    assert_eq!(
        b.try_peek(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

async fn peek_with_short_buffer_keeps_datagram() {
    let a = bound().await;
    let b = bound().await;
    a.send_to(b"abcdefgh", b.local_addr().unwrap())
        .await
        .unwrap();
    let mut two = [0u8; 2];
    assert_eq!(b.peek(&mut two).await.unwrap(), 2);
    assert_eq!(&two, b"ab");
    let mut all = [0u8; 16];
    let n = b.recv(&mut all).await.unwrap();
    assert_eq!(&all[..n], b"abcdefgh");
}

async fn poll_family() {
    let a = bound().await;
    let b = bound().await;
    let a_addr = a.local_addr().unwrap();
    let b_addr = b.local_addr().unwrap();
    poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
    assert_eq!(
        poll_fn(|cx| a.poll_send_to(cx, b"to", b_addr))
            .await
            .unwrap(),
        2
    );
    poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
    let mut storage = [0u8; 8];
    let mut rb = ReadBuf::new(&mut storage);
    let from = poll_fn(|cx| b.poll_recv_from(cx, &mut rb)).await.unwrap();
    assert_eq!((rb.filled(), from), (&b"to"[..], a_addr));

    a.connect(b_addr).await.unwrap();
    assert_eq!(poll_fn(|cx| a.poll_send(cx, b"conn")).await.unwrap(), 4);
    let mut storage = [0u8; 8];
    let mut rb = ReadBuf::new(&mut storage);
    poll_fn(|cx| b.poll_recv(cx, &mut rb)).await.unwrap();
    assert_eq!(rb.filled(), b"conn");

    // A pending poll_recv is woken by a datagram.
    let b = Arc::new(b);
    let b2 = b.clone();
    let reader = kiso::spawn(async move {
        let mut storage = [0u8; 8];
        let mut rb = ReadBuf::new(&mut storage);
        poll_fn(|cx| b2.poll_recv(cx, &mut rb)).await.unwrap();
        rb.filled().to_vec()
    });
    a.send(b"late").await.unwrap();
    assert_eq!(reader.await.unwrap(), b"late");
}

async fn poll_recv_appends_to_read_buf() {
    let a = bound().await;
    let b = bound().await;
    a.send_to(b"data", b.local_addr().unwrap()).await.unwrap();
    let mut storage = [0u8; 16];
    let mut rb = ReadBuf::new(&mut storage);
    rb.put_slice(b">>");
    poll_fn(|cx| b.poll_recv(cx, &mut rb)).await.unwrap();
    assert_eq!(rb.filled(), b">>data");
    // A read buffer with no room left receives an empty (truncated) datagram.
    a.send_to(b"zz", b.local_addr().unwrap()).await.unwrap();
    let mut none = [0u8; 0];
    let mut rb = ReadBuf::new(&mut none);
    poll_fn(|cx| b.poll_recv(cx, &mut rb)).await.unwrap();
    assert!(rb.filled().is_empty());
    assert_eq!(
        b.try_recv(&mut [0u8; 4]).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

async fn recv_buf_family() {
    let a = bound().await;
    let b = bound().await;
    let a_addr = a.local_addr().unwrap();
    let b_addr = b.local_addr().unwrap();

    a.send_to(b"first", b_addr).await.unwrap();
    let mut v = b"xy".to_vec();
    v.reserve(32);
    assert_eq!(b.recv_buf(&mut v).await.unwrap(), 5);
    assert_eq!(v, b"xyfirst");

    a.send_to(b"second", b_addr).await.unwrap();
    let mut v = Vec::with_capacity(32);
    assert_eq!(b.recv_buf_from(&mut v).await.unwrap(), (6, a_addr));
    assert_eq!(v, b"second");

    a.send_to(b"third", b_addr).await.unwrap();
    b.readable().await.unwrap();
    let mut v = Vec::with_capacity(32);
    loop {
        match b.try_recv_buf(&mut v) {
            Ok(n) => {
                assert_eq!(n, 5);
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => b.readable().await.unwrap(),
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(v, b"third");

    a.send_to(b"fourth", b_addr).await.unwrap();
    let mut v = Vec::with_capacity(32);
    let r = loop {
        b.readable().await.unwrap();
        match b.try_recv_buf_from(&mut v) {
            Ok(r) => break r,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(r, (6, a_addr));
    assert_eq!(v, b"fourth");
}

async fn ready_reports_writable_not_readable() {
    let a = bound().await;
    let ready = a
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap();
    assert!(ready.is_writable());
    assert!(!ready.is_readable());
    let ready = a.ready(Interest::WRITABLE).await.unwrap();
    assert!(ready.is_writable());
}

async fn spawned_reader_is_woken() {
    let a = bound().await;
    let b = Arc::new(bound().await);
    let b_addr = b.local_addr().unwrap();
    let b2 = b.clone();
    let reader = kiso::spawn(async move {
        let mut buf = [0u8; 8];
        let n = b2.recv(&mut buf).await.unwrap();
        buf[..n].to_vec()
    });
    kiso::task::yield_now().await;
    a.send_to(b"wake", b_addr).await.unwrap();
    assert_eq!(reader.await.unwrap(), b"wake");
}

async fn many_readable_waiters_all_woken() {
    let a = bound().await;
    let b = bound().await;
    let mut waiters: Vec<_> = (0..6).map(|_| Box::pin(b.readable())).collect();
    for w in &mut waiters {
        assert!(futures::poll!(w.as_mut()).is_pending());
    }
    a.send_to(b"all", b.local_addr().unwrap()).await.unwrap();
    for r in futures::future::join_all(waiters).await {
        r.unwrap();
    }
    // And tasks on other threads too.
    let b = Arc::new(b);
    let mut buf = [0u8; 4];
    b.recv(&mut buf).await.unwrap();
    let _ = b.try_recv(&mut buf);
    let woken = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let b = b.clone();
            let woken = woken.clone();
            kiso::spawn(async move {
                b.readable().await.unwrap();
                woken.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    kiso::task::yield_now().await;
    a.send_to(b"again", b.local_addr().unwrap()).await.unwrap();
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(woken.load(Ordering::SeqCst), 4);
}

async fn try_io_clears_readiness_on_would_block() {
    let a = bound().await;
    let b = bound().await;
    let raw = dup(&b);
    a.send_to(b"x", b.local_addr().unwrap()).await.unwrap();
    b.readable().await.unwrap();
    let mut buf = [0u8; 4];
    let n = b.try_io(Interest::READABLE, || raw.recv(&mut buf)).unwrap();
    assert_eq!(&buf[..n], b"x");
    // The closure says WouldBlock: the error comes back and readiness is
    // cleared, so the next try_io does not even call its closure.
    let err = b
        .try_io(Interest::READABLE, || raw.recv(&mut buf))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    let called = AtomicUsize::new(0);
    let err = b
        .try_io(Interest::READABLE, || {
            called.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    assert_eq!(called.load(Ordering::SeqCst), 0);
    // Other errors pass through untouched.
    b.writable().await.unwrap();
    let err = b
        .try_io(Interest::WRITABLE, || {
            Err::<(), _>(io::Error::other("mine"))
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "mine");
}

async fn async_io_retries_until_ready() {
    let a = bound().await;
    let b = Arc::new(bound().await);
    let b_addr = b.local_addr().unwrap();
    let b2 = b.clone();
    let calls = Arc::new(AtomicUsize::new(0));
    let calls2 = calls.clone();
    let reader = kiso::spawn(async move {
        let raw = dup(&b2);
        let mut buf = [0u8; 8];
        let n = b2
            .async_io(Interest::READABLE, || {
                calls2.fetch_add(1, Ordering::SeqCst);
                raw.recv(&mut buf)
            })
            .await
            .unwrap();
        buf[..n].to_vec()
    });
    kiso::task::yield_now().await;
    a.send_to(b"async", b_addr).await.unwrap();
    assert_eq!(reader.await.unwrap(), b"async");
    assert!(calls.load(Ordering::SeqCst) >= 1);
    // A closure error other than WouldBlock ends the wait.
    let err = b
        .async_io(Interest::WRITABLE, || {
            Err::<(), _>(io::Error::other("stop"))
        })
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "stop");
}

#[allow(deprecated)]
async fn socket_options() {
    let s = bound().await;
    assert!(!s.broadcast().unwrap());
    s.set_broadcast(true).unwrap();
    assert!(s.broadcast().unwrap());
    assert!(s.multicast_loop_v4().unwrap());
    s.set_multicast_loop_v4(false).unwrap();
    assert!(!s.multicast_loop_v4().unwrap());
    assert_eq!(s.multicast_ttl_v4().unwrap(), 1);
    s.set_multicast_ttl_v4(42).unwrap();
    assert_eq!(s.multicast_ttl_v4().unwrap(), 42);
    s.set_ttl(99).unwrap();
    assert_eq!(s.ttl().unwrap(), 99);
    s.set_tos_v4(0x10).unwrap();
    assert_eq!(s.tos_v4().unwrap(), 0x10);
    s.set_tos(0x08).unwrap();
    assert_eq!(s.tos().unwrap(), 0x08);
    assert_eq!(s.device().unwrap(), None);
    s.bind_device(Some(b"lo")).unwrap();
    assert_eq!(s.device().unwrap().as_deref(), Some(&b"lo"[..]));
    s.bind_device(None).unwrap();
    assert_eq!(s.device().unwrap(), None);
    let group = Ipv4Addr::new(224, 0, 0, 251);
    s.join_multicast_v4(group, Ipv4Addr::UNSPECIFIED).unwrap();
    s.leave_multicast_v4(group, Ipv4Addr::UNSPECIFIED).unwrap();
    assert!(s.take_error().unwrap().is_none());
}

async fn ipv6_options() {
    let s = UdpSocket::bind((Ipv6Addr::LOCALHOST, 0)).await.unwrap();
    assert!(s.local_addr().unwrap().is_ipv6());
    assert!(s.multicast_loop_v6().unwrap());
    s.set_multicast_loop_v6(false).unwrap();
    assert!(!s.multicast_loop_v6().unwrap());
    s.set_tclass_v6(0x20).unwrap();
    assert_eq!(s.tclass_v6().unwrap(), 0x20);
    let group: Ipv6Addr = "ff02::1:3".parse().unwrap();
    s.join_multicast_v6(&group, 0).unwrap();
    s.leave_multicast_v6(&group, 0).unwrap();
    // v6 loopback datagrams.
    let t = UdpSocket::bind("[::1]:0").await.unwrap();
    s.send_to(b"six", t.local_addr().unwrap()).await.unwrap();
    let mut buf = [0u8; 4];
    let (n, from) = t.recv_from(&mut buf).await.unwrap();
    assert_eq!((&buf[..n], from), (&b"six"[..], s.local_addr().unwrap()));
}

async fn bind_tries_each_address() {
    let bad: SocketAddr = "192.0.2.123:0".parse().unwrap();
    let good: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let err = UdpSocket::bind(bad).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrNotAvailable);
    let s = UdpSocket::bind(&[bad, good][..]).await.unwrap();
    assert!(s.local_addr().unwrap().ip().is_loopback());
    // The last error is reported when none works.
    let err = UdpSocket::bind(&[bad, bad][..]).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrNotAvailable);
}

async fn empty_address_lists_are_invalid_input() {
    let none: &[SocketAddr] = &[];
    let err = UdpSocket::bind(none).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let s = bound().await;
    let err = s.connect(none).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let err = s.send_to(b"x", none).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

async fn to_socket_addrs_forms() {
    let a = UdpSocket::bind(String::from("127.0.0.1:0")).await.unwrap();
    let b = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let c = UdpSocket::bind(("127.0.0.1", 0)).await.unwrap();
    let port = b.local_addr().unwrap().port();
    a.send_to(b"1", ("127.0.0.1", port)).await.unwrap();
    a.send_to(b"2", format!("127.0.0.1:{port}")).await.unwrap();
    a.send_to(b"3", &b.local_addr().unwrap()).await.unwrap();
    c.connect(format!("localhost:{port}").as_str())
        .await
        .unwrap();
    c.send(b"4").await.unwrap();
    let mut got = Vec::new();
    for _ in 0..4 {
        let mut buf = [0u8; 1];
        b.recv(&mut buf).await.unwrap();
        got.push(buf[0]);
    }
    got.sort();
    assert_eq!(got, b"1234");
}

async fn connection_refused_is_reported() {
    let dead = bound().await;
    let dead_addr = dead.local_addr().unwrap();
    drop(dead);
    let a = bound().await;
    a.connect(dead_addr).await.unwrap();
    a.send(b"anyone?").await.unwrap();
    let mut buf = [0u8; 8];
    let err = a.recv(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
}

async fn take_error_after_icmp() {
    let dead = bound().await;
    let dead_addr = dead.local_addr().unwrap();
    drop(dead);
    let a = bound().await;
    a.connect(dead_addr).await.unwrap();
    assert!(a.take_error().unwrap().is_none());
    a.send(b"anyone?").await.unwrap();
    let ready = a.ready(Interest::ERROR).await.unwrap();
    assert!(ready.is_error());
    let err = a.take_error().unwrap().expect("a pending error");
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    assert!(a.take_error().unwrap().is_none());
}

async fn std_round_trip() {
    let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    std_sock.set_nonblocking(true).unwrap();
    let addr = std_sock.local_addr().unwrap();
    let fd = std_sock.as_raw_fd();
    let s = UdpSocket::from_std(std_sock).unwrap();
    assert_eq!(s.local_addr().unwrap(), addr);
    assert_eq!(s.as_raw_fd(), fd);
    assert_eq!(s.as_fd().as_raw_fd(), fd);

    let other = bound().await;
    other.send_to(b"in", addr).await.unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(s.recv(&mut buf).await.unwrap(), 2);

    let back = s.into_std().unwrap();
    assert_eq!(back.as_raw_fd(), fd);
    // Still non-blocking.
    assert_eq!(
        back.recv(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    // And can be registered again (it left the first registration).
    let s = UdpSocket::try_from(back).unwrap();
    other.send_to(b"again", addr).await.unwrap();
    let n = s.recv(&mut buf).await.unwrap();
    assert_eq!(n, 4);
    assert_eq!(&buf, b"agai");
}

async fn shared_in_arc_across_tasks() {
    let server = Arc::new(bound().await);
    let server_addr = server.local_addr().unwrap();
    let echo = {
        let server = server.clone();
        kiso::spawn(async move {
            let mut buf = [0u8; 64];
            for _ in 0..20 {
                let (n, from) = server.recv_from(&mut buf).await.unwrap();
                server.send_to(&buf[..n], from).await.unwrap();
            }
        })
    };
    let clients: Vec<_> = (0..4)
        .map(|c| {
            kiso::spawn(async move {
                let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
                sock.connect(server_addr).await.unwrap();
                for i in 0..5 {
                    let msg = format!("client {c} message {i}");
                    sock.send(msg.as_bytes()).await.unwrap();
                    let mut buf = [0u8; 64];
                    let n = sock.recv(&mut buf).await.unwrap();
                    assert_eq!(&buf[..n], msg.as_bytes());
                }
            })
        })
        .collect();
    for c in clients {
        c.await.unwrap();
    }
    echo.await.unwrap();
}

#[test]
fn runtime_shutdown_fails_pending_and_later_io() {
    support::with_timeout(|| {
        let rt = support::current_thread();
        let sock = rt.block_on(bound());
        drop(rt);
        let rt2 = support::current_thread();
        let mut buf = [0u8; 4];
        let err = rt2.block_on(sock.recv(&mut buf)).unwrap_err();
        assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
        let err = rt2.block_on(sock.readable()).unwrap_err();
        assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
    });
}

#[test]
fn from_std_outside_runtime_panics() {
    let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    std_sock.set_nonblocking(true).unwrap();
    let r = std::panic::catch_unwind(move || UdpSocket::from_std(std_sock));
    assert!(r.is_err());
}

#[test]
fn from_std_without_io_driver_panics() {
    let rt = kiso::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let _g = rt.enter();
    let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    std_sock.set_nonblocking(true).unwrap();
    let msg = support::panic_message(move || {
        let _ = UdpSocket::from_std(std_sock);
    });
    assert!(msg.contains("IO is disabled"), "{msg}");
}

#[test]
#[cfg(debug_assertions)]
fn from_std_blocking_socket_panics_in_debug() {
    let rt = support::current_thread();
    let _g = rt.enter();
    let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let msg = support::panic_message(move || {
        let _ = UdpSocket::from_std(std_sock);
    });
    assert!(msg.contains("blocking socket"), "{msg}");
}

#[test]
fn cancelled_recv_loses_nothing() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let a = bound().await;
            let b = bound().await;
            let mut buf = [0u8; 8];
            {
                // Polled once (pending), then dropped.
                let mut fut = pin!(b.recv(&mut buf));
                assert!(futures::poll!(fut.as_mut()).is_pending());
            }
            a.send_to(b"kept", b.local_addr().unwrap()).await.unwrap();
            let n = b.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"kept");
        })
    });
}

#[test]
fn debug_output_names_the_socket() {
    let rt = support::current_thread();
    let s = rt.block_on(bound());
    let text = format!("{s:?}");
    assert!(text.contains("UdpSocket"), "{text}");
}

fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}
fn is_unpin<T: Unpin>() {}
fn is_send_sync_unpin<T: Send + Sync + Unpin>() {}

fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

#[test]
fn auto_traits() {
    is_send_sync_unpin::<UdpSocket>();
    unwind_safe::<UdpSocket>();
    let rt = support::current_thread();
    let s = rt.block_on(bound());
    let addr = s.local_addr().unwrap();
    let mut buf = [0u8; 4];
    let mut v: Vec<u8> = Vec::new();
    macro_rules! send_sync {
        ($e:expr) => {{
            let f = $e;
            is_send(&f);
            is_sync(&f);
            drop(f);
        }};
    }
    send_sync!(UdpSocket::bind("127.0.0.1:0"));
    send_sync!(UdpSocket::bind(addr));
    send_sync!(s.connect(addr));
    send_sync!(s.ready(Interest::READABLE));
    send_sync!(s.readable());
    send_sync!(s.writable());
    send_sync!(s.send(b"x"));
    send_sync!(s.send_to(b"x", addr));
    send_sync!(s.send_to(b"x", "127.0.0.1:1"));
    send_sync!(s.recv(&mut buf));
    send_sync!(s.recv_from(&mut buf));
    send_sync!(s.peek(&mut buf));
    send_sync!(s.peek_from(&mut buf));
    send_sync!(s.peek_sender());
    send_sync!(s.recv_buf(&mut v));
    send_sync!(s.recv_buf_from(&mut v));
    send_sync!(s.async_io(Interest::READABLE, || Ok(())));
    is_unpin::<UdpSocket>();
}

#[test]
fn readable_future_is_not_ready_without_data() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let a = bound().await;
            let mut fut = pin!(a.readable());
            // Let the driver run (a round trip on another socket needs a
            // turn): still nothing to read.
            let x = bound().await;
            let y = bound().await;
            x.send_to(b".", y.local_addr().unwrap()).await.unwrap();
            y.recv(&mut [0u8; 1]).await.unwrap();
            assert!(matches!(futures::poll!(fut.as_mut()), Poll::Pending));
        })
    });
}

#[test]
fn recv_loop_spends_coop_budget() {
    // Every datagram is already there, so `recv` never has to wait; the
    // task must still yield now and then (cooperative budget), letting a
    // task spawned on the same thread run before the loop ends.
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let a = bound().await;
            let b = bound().await;
            let b_addr = b.local_addr().unwrap();
            for _ in 0..200 {
                a.send_to(b"x", b_addr).await.unwrap();
            }
            b.readable().await.unwrap();
            let ran = Arc::new(AtomicUsize::new(0));
            let ran2 = ran.clone();
            let other = kiso::spawn(async move {
                ran2.store(1, Ordering::SeqCst);
            });
            let mut seen_before_end = false;
            let mut buf = [0u8; 1];
            for _ in 0..200 {
                b.recv(&mut buf).await.unwrap();
                if ran.load(Ordering::SeqCst) == 1 {
                    seen_before_end = true;
                }
            }
            assert!(seen_before_end, "recv never yielded to the other task");
            other.await.unwrap();
        })
    });
}
