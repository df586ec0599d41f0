#![cfg(feature = "full")]
//! `UnixDatagram`: pairs, bound and unbound sockets, connected and
//! unconnected use, the `try_*` / `poll_*` / `*_buf` families, shutdown,
//! conversions and auto traits. Every async test runs on a current-thread
//! and a multi-thread runtime.

#[macro_use]
mod support;

use kiso::io::{Interest, ReadBuf};
use kiso::net::UnixDatagram;
use std::future::poll_fn;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

on_both_runtimes!(
    pair_send_recv_exact,
    boundaries_and_truncation,
    bound_and_unbound_addresses,
    connect_then_send_recv,
    unbound_unconnected_send_fails,
    try_family_would_block_then_succeeds,
    buf_family,
    poll_family,
    queue_full_then_writable_waits,
    shutdown_directions,
    try_io_and_async_io,
    echo_between_tasks,
    std_round_trip,
    many_waiters_woken,
);

/// A path in a fresh directory, removed with the directory on drop.
struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl std::ops::Deref for TempPath {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<std::path::Path> for TempPath {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

fn sock_path(tag: &str) -> TempPath {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "kiso-uds-d-{}-{}-{}",
        std::process::id(),
        tag,
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempPath(dir.join("sock"))
}

async fn recv_via_try(s: &UnixDatagram, buf: &mut [u8]) -> usize {
    loop {
        s.readable().await.unwrap();
        match s.try_recv(buf) {
            Ok(n) => return n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
}

async fn pair_send_recv_exact() {
    let (a, b) = UnixDatagram::pair().unwrap();
    assert!(a.local_addr().unwrap().is_unnamed());
    assert!(a.peer_addr().unwrap().is_unnamed());
    for len in [0usize, 1, 100, 4096, 60_000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 13 + len) as u8).collect();
        assert_eq!(a.send(&data).await.unwrap(), len);
        let mut buf = vec![0u8; 70_000];
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(n, len);
        assert!(buf[..n] == data[..]);
    }
    b.send(b"back").await.unwrap();
    let mut buf = [0u8; 8];
    let (n, from) = a.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"back");
    assert!(from.is_unnamed());
}

async fn boundaries_and_truncation() {
    let (a, b) = UnixDatagram::pair().unwrap();
    a.send(b"0123456789").await.unwrap();
    a.send(b"ab").await.unwrap();
    let mut four = [0u8; 4];
    assert_eq!(b.recv(&mut four).await.unwrap(), 4);
    assert_eq!(&four, b"0123");
    assert_eq!(b.recv(&mut four).await.unwrap(), 2);
    assert_eq!(&four[..2], b"ab");
    assert_eq!(
        b.try_recv(&mut four).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

async fn bound_and_unbound_addresses() {
    let server_path = sock_path("srv");
    let client_path = sock_path("cli");
    let server = UnixDatagram::bind(&server_path).unwrap();
    assert_eq!(
        server.local_addr().unwrap().as_pathname(),
        Some(server_path.as_path())
    );
    let bound_client = UnixDatagram::bind(&client_path).unwrap();
    let unbound = UnixDatagram::unbound().unwrap();
    assert!(unbound.local_addr().unwrap().is_unnamed());

    assert_eq!(
        bound_client.send_to(b"bound", &server_path).await.unwrap(),
        5
    );
    let mut buf = [0u8; 16];
    let (n, from) = server.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"bound");
    assert_eq!(from.as_pathname(), Some(client_path.as_path()));

    unbound.send_to(b"anon", &server_path).await.unwrap();
    let (n, from) = server.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"anon");
    assert!(from.is_unnamed());
    assert_eq!(from.as_pathname(), None);

    // Reply to the bound client by the address it came from.
    server
        .send_to(b"reply", from_path(&client_path))
        .await
        .unwrap();
    let n = bound_client.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"reply");

    assert_eq!(
        UnixDatagram::bind(&server_path).unwrap_err().kind(),
        io::ErrorKind::AddrInUse
    );
    let missing = sock_path("x").with_file_name("no/dir/sock");
    assert_eq!(
        UnixDatagram::bind(&missing).unwrap_err().kind(),
        io::ErrorKind::NotFound
    );
    let err = unbound.send_to(b"x", &missing).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
}

fn from_path(p: &std::path::Path) -> PathBuf {
    p.to_path_buf()
}

async fn connect_then_send_recv() {
    let server_path = sock_path("conn");
    let server = UnixDatagram::bind(&server_path).unwrap();
    let client = UnixDatagram::unbound().unwrap();
    assert_eq!(
        client.peer_addr().unwrap_err().kind(),
        io::ErrorKind::NotConnected
    );
    client.connect(&server_path).unwrap();
    assert_eq!(
        client.peer_addr().unwrap().as_pathname(),
        Some(server_path.as_path())
    );
    client.send(b"hello").await.unwrap();
    let mut buf = [0u8; 8];
    let (n, from) = server.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"hello");
    // Autobound or unnamed: the server cannot reply to an unnamed sender,
    // so bind the client side.
    let _ = from;
    let none = sock_path("none");
    let err = client.connect(&none).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
}

async fn unbound_unconnected_send_fails() {
    let s = UnixDatagram::unbound().unwrap();
    let err = s.send(b"x").await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotConnected);
    s.writable().await.unwrap();
    assert_eq!(
        s.try_send(b"x").unwrap_err().kind(),
        io::ErrorKind::NotConnected
    );
}

async fn try_family_would_block_then_succeeds() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let mut buf = [0u8; 8];
    let wb = io::ErrorKind::WouldBlock;
    assert_eq!(b.try_recv(&mut buf).unwrap_err().kind(), wb);
    assert_eq!(b.try_recv_from(&mut buf).unwrap_err().kind(), wb);
    a.writable().await.unwrap();
    assert_eq!(a.try_send(b"try").unwrap(), 3);
    assert_eq!(recv_via_try(&b, &mut buf).await, 3);
    assert_eq!(&buf[..3], b"try");

    let path = sock_path("tryto");
    let server = UnixDatagram::bind(&path).unwrap();
    let client = UnixDatagram::unbound().unwrap();
    client.writable().await.unwrap();
    assert_eq!(client.try_send_to(b"to", &path).unwrap(), 2);
    let (n, from) = loop {
        server.readable().await.unwrap();
        match server.try_recv_from(&mut buf) {
            Ok(r) => break r,
            Err(e) if e.kind() == wb => continue,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(&buf[..n], b"to");
    assert!(from.is_unnamed());
    assert_eq!(server.try_recv_from(&mut buf).unwrap_err().kind(), wb);
}

async fn buf_family() {
    let (a, b) = UnixDatagram::pair().unwrap();
    a.send(b"one").await.unwrap();
    let mut v = b"#".to_vec();
    v.reserve(16);
    assert_eq!(b.recv_buf(&mut v).await.unwrap(), 3);
    assert_eq!(v, b"#one");
    a.send(b"two").await.unwrap();
    let mut v = Vec::with_capacity(16);
    let (n, from) = b.recv_buf_from(&mut v).await.unwrap();
    assert_eq!((n, v.as_slice()), (3, &b"two"[..]));
    assert!(from.is_unnamed());

    let mut v = Vec::with_capacity(16);
    assert_eq!(
        b.try_recv_buf(&mut v).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    assert_eq!(
        b.try_recv_buf_from(&mut v).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    a.send(b"three").await.unwrap();
    loop {
        b.readable().await.unwrap();
        match b.try_recv_buf(&mut v) {
            Ok(n) => {
                assert_eq!(n, 5);
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(v, b"three");
    a.send(b"four").await.unwrap();
    let mut v = Vec::with_capacity(16);
    loop {
        b.readable().await.unwrap();
        match b.try_recv_buf_from(&mut v) {
            Ok((n, from)) => {
                assert_eq!(n, 4);
                assert!(from.is_unnamed());
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(v, b"four");
}

async fn poll_family() {
    let (a, b) = UnixDatagram::pair().unwrap();
    poll_fn(|cx| a.poll_send_ready(cx)).await.unwrap();
    assert_eq!(poll_fn(|cx| a.poll_send(cx, b"p1")).await.unwrap(), 2);
    poll_fn(|cx| b.poll_recv_ready(cx)).await.unwrap();
    let mut storage = [0u8; 8];
    let mut rb = ReadBuf::new(&mut storage);
    rb.put_slice(b">");
    poll_fn(|cx| b.poll_recv(cx, &mut rb)).await.unwrap();
    assert_eq!(rb.filled(), b">p1");

    let path = sock_path("pollto");
    let server = UnixDatagram::bind(&path).unwrap();
    let cpath = sock_path("pollfrom");
    let client = UnixDatagram::bind(&cpath).unwrap();
    assert_eq!(
        poll_fn(|cx| client.poll_send_to(cx, b"p2", &path))
            .await
            .unwrap(),
        2
    );
    let mut storage = [0u8; 8];
    let mut rb = ReadBuf::new(&mut storage);
    let from = poll_fn(|cx| server.poll_recv_from(cx, &mut rb))
        .await
        .unwrap();
    assert_eq!(rb.filled(), b"p2");
    assert_eq!(from.as_pathname(), Some(cpath.as_path()));
}

async fn queue_full_then_writable_waits() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let chunk = [1u8; 1024];
    let mut sent = 0;
    loop {
        a.writable().await.unwrap();
        match a.try_send(&chunk) {
            Ok(_) => sent += 1,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(sent > 0);
    let mut w = Box::pin(a.writable());
    assert!(futures::poll!(w.as_mut()).is_pending());
    let mut buf = [0u8; 1024];
    for _ in 0..sent {
        assert_eq!(b.recv(&mut buf).await.unwrap(), 1024);
    }
    w.await.unwrap();
    a.try_send(b"room").unwrap();
}

async fn shutdown_directions() {
    let (a, b) = UnixDatagram::pair().unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    assert_eq!(
        a.send(b"x").await.unwrap_err().kind(),
        io::ErrorKind::BrokenPipe
    );
    b.send(b"to a").await.unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(a.recv(&mut buf).await.unwrap(), 4);

    // A peer that shut its read side refuses datagrams.
    let (c, d) = UnixDatagram::pair().unwrap();
    d.shutdown(Shutdown::Read).unwrap();
    assert_eq!(
        c.send(b"x").await.unwrap_err().kind(),
        io::ErrorKind::BrokenPipe
    );
    d.send(b"still").await.unwrap();
    assert_eq!(c.recv(&mut buf).await.unwrap(), 5);
    c.shutdown(Shutdown::Both).unwrap();
    assert_eq!(
        d.send(b"x").await.unwrap_err().kind(),
        io::ErrorKind::BrokenPipe
    );
}

async fn try_io_and_async_io() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let raw_a = std::os::unix::net::UnixDatagram::from(a.as_fd().try_clone_to_owned().unwrap());
    let raw_b = std::os::unix::net::UnixDatagram::from(b.as_fd().try_clone_to_owned().unwrap());
    b.writable().await.unwrap();
    assert_eq!(
        b.try_io(Interest::WRITABLE, || raw_b.send(b"raw")).unwrap(),
        3
    );
    let mut buf = [0u8; 8];
    let n = a
        .async_io(Interest::READABLE, || raw_a.recv(&mut buf))
        .await
        .unwrap();
    assert_eq!(&buf[..n], b"raw");
    let err = a
        .try_io(Interest::READABLE, || raw_a.recv(&mut buf))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    let err = a
        .try_io(Interest::READABLE, || -> io::Result<()> {
            panic!("called")
        })
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    let ready = a.ready(Interest::WRITABLE).await.unwrap();
    assert!(ready.is_writable());
}

async fn echo_between_tasks() {
    let path = sock_path("echo");
    let server = UnixDatagram::bind(&path).unwrap();
    let srv = kiso::spawn(async move {
        let mut buf = [0u8; 64];
        for _ in 0..30 {
            let (n, from) = server.recv_from(&mut buf).await.unwrap();
            let to = from.as_pathname().unwrap().to_path_buf();
            server.send_to(&buf[..n], to).await.unwrap();
        }
    });
    let clients: Vec<_> = (0..3)
        .map(|c| {
            let path = path.clone();
            kiso::spawn(async move {
                let me = sock_path("echo-client");
                let sock = UnixDatagram::bind(&me).unwrap();
                sock.connect(&path).unwrap();
                for i in 0..10 {
                    let msg = format!("{c}/{i}");
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
    srv.await.unwrap();
}

async fn std_round_trip() {
    let (x, y) = std::os::unix::net::UnixDatagram::pair().unwrap();
    x.set_nonblocking(true).unwrap();
    y.set_nonblocking(true).unwrap();
    let fd = x.as_raw_fd();
    let a = UnixDatagram::from_std(x).unwrap();
    let b = UnixDatagram::try_from(y).unwrap();
    assert_eq!(a.as_raw_fd(), fd);
    assert_eq!(a.as_fd().as_raw_fd(), fd);
    a.send(b"1").await.unwrap();
    let mut buf = [0u8; 2];
    assert_eq!(b.recv(&mut buf).await.unwrap(), 1);
    let x = a.into_std().unwrap();
    assert_eq!(x.as_raw_fd(), fd);
    assert_eq!(
        x.recv(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    let a = UnixDatagram::from_std(x).unwrap();
    b.send(b"22").await.unwrap();
    assert_eq!(a.recv(&mut buf).await.unwrap(), 2);
    assert!(a.take_error().unwrap().is_none());
    let dbg = format!("{a:?}");
    assert!(dbg.contains("UnixDatagram"), "{dbg}");
}

async fn many_waiters_woken() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let b = Arc::new(b);
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let b = b.clone();
            kiso::spawn(async move { b.readable().await.unwrap() })
        })
        .collect();
    let mut local: Vec<_> = (0..3).map(|_| Box::pin(b.readable())).collect();
    for f in &mut local {
        assert!(futures::poll!(f.as_mut()).is_pending());
    }
    a.send(b"!").await.unwrap();
    for f in local {
        f.await.unwrap();
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[test]
fn blocking_std_datagram_panics_in_debug() {
    if !cfg!(debug_assertions) {
        return;
    }
    let rt = support::current_thread();
    let _g = rt.enter();
    let (x, _y) = std::os::unix::net::UnixDatagram::pair().unwrap();
    let msg = support::panic_message(move || {
        let _ = UnixDatagram::from_std(x);
    });
    assert!(msg.contains("blocking socket"), "{msg}");
}

#[test]
fn unbound_outside_runtime_panics() {
    assert!(std::panic::catch_unwind(UnixDatagram::unbound).is_err());
}

fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}
fn send_sync_unpin<T: Send + Sync + Unpin>() {}

fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

#[test]
fn auto_traits() {
    send_sync_unpin::<UnixDatagram>();
    unwind_safe::<UnixDatagram>();
    let rt = support::current_thread();
    let _g = rt.enter();
    let (a, _b) = UnixDatagram::pair().unwrap();
    let mut buf = [0u8; 4];
    let mut v: Vec<u8> = Vec::new();
    macro_rules! check {
        ($e:expr) => {{
            let f = $e;
            is_send(&f);
            is_sync(&f);
            drop(f);
        }};
    }
    check!(a.ready(Interest::READABLE));
    check!(a.readable());
    check!(a.writable());
    check!(a.send(b"x"));
    check!(a.send_to(b"x", "/tmp/x"));
    check!(a.recv(&mut buf));
    check!(a.recv_from(&mut buf));
    check!(a.recv_buf(&mut v));
    check!(a.recv_buf_from(&mut v));
    check!(a.async_io(Interest::READABLE, || Ok(())));
}
