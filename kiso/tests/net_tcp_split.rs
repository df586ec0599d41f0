#![cfg(feature = "full")]
//! `TcpStream::split` and `into_split`: concurrent use of the halves, their
//! readiness and `try_*` methods, shutdown through the write half (and on
//! drop of the owned one), `forget`, and `reunite`. Every runtime test runs
//! on both runtime flavors.

mod support;

use kiso::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt, Interest, ReadBuf};
use kiso::net::tcp::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
use kiso::net::{TcpListener, TcpStream};
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};

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

async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) =
        futures::future::join(TcpStream::connect(addr), listener.accept()).await;
    (client.unwrap(), accepted.unwrap().0)
}

/// Reads until `n` bytes arrived, with `readable` + `try_read`.
async fn try_read_n(read: &ReadHalf<'_>, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    while out.len() < n {
        read.readable().await.unwrap();
        match read.try_read(&mut buf) {
            Ok(0) => panic!("EOF"),
            Ok(m) => out.extend_from_slice(&buf[..m]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    out
}

async fn borrowed_halves_work_concurrently() {
    let (mut client, mut server) = pair().await;
    let data: Vec<u8> = (0..2_000_000u32).map(|i| i as u8).collect();
    let expect = data.clone();
    // The server echoes through its own split.
    let echo = kiso::spawn(async move {
        let (mut r, mut w) = server.split();
        kiso::io::copy(&mut r, &mut w).await.unwrap();
        w.shutdown().await.unwrap();
    });
    let (mut r, mut w) = client.split();
    let write = async {
        w.write_all(&data).await.unwrap();
        w.shutdown().await.unwrap();
    };
    let read = async {
        let mut v = Vec::new();
        r.read_to_end(&mut v).await.unwrap();
        v
    };
    let ((), got) = futures::future::join(write, read).await;
    assert!(got == expect);
    echo.await.unwrap();
}
rt_test!(borrowed_halves_work_concurrently);

async fn borrowed_half_methods() {
    let (mut client, mut server) = pair().await;
    let client_local = client.local_addr().unwrap();
    let server_local = server.local_addr().unwrap();
    let (mut cr, cw) = client.split();
    let (sr, sw) = server.split();
    assert_eq!(cr.local_addr().unwrap(), client_local);
    assert_eq!(cw.local_addr().unwrap(), client_local);
    assert_eq!(cr.peer_addr().unwrap(), server_local);
    assert_eq!(cw.peer_addr().unwrap(), server_local);
    assert_eq!(sr.peer_addr().unwrap(), client_local);
    assert_eq!(sw.local_addr().unwrap(), server_local);

    assert!(cw.ready(Interest::WRITABLE).await.unwrap().is_writable());
    cw.writable().await.unwrap();
    let mut sent = 0;
    while sent < 5 {
        cw.writable().await.unwrap();
        match cw.try_write(&b"hello"[sent..]) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(try_read_n(&sr, 5).await, b"hello");

    let mut n = 0;
    while n == 0 {
        sw.writable().await.unwrap();
        match sw.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")]) {
            Ok(m) => n = m,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(n, 4);
    // Peek through the read half, then read it with the vectored and
    // BufMut variants.
    let mut peeked = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        got = cr.peek(&mut peeked).await.unwrap();
    }
    assert_eq!(&peeked, b"abcd");
    let mut storage = [0u8; 4];
    let mut rb = ReadBuf::new(&mut storage);
    poll_fn(|cx| cr.poll_peek(cx, &mut rb)).await.unwrap();
    assert_eq!(rb.filled(), b"abcd");
    assert!(cr.ready(Interest::READABLE).await.unwrap().is_readable());
    let mut a = [0u8; 1];
    let mut b = [0u8; 1];
    let m = loop {
        cr.readable().await.unwrap();
        match cr.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)]) {
            Ok(m) => break m,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(m, 2);
    assert_eq!((&a, &b), (b"a", b"b"));
    let mut rest = Vec::with_capacity(8);
    while rest.len() < 2 {
        cr.readable().await.unwrap();
        match cr.try_read_buf(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(rest, b"cd");

    let r: &TcpStream = cr.as_ref();
    assert_eq!(r.local_addr().unwrap(), client_local);
    let w: &TcpStream = cw.as_ref();
    assert_eq!(w.local_addr().unwrap(), client_local);
    assert!(cw.is_write_vectored());
}
rt_test!(borrowed_half_methods);

async fn borrowed_write_half_shutdown() {
    let (mut client, mut server) = pair().await;
    {
        let (_r, mut w) = client.split();
        w.write_all(b"last").await.unwrap();
        w.flush().await.unwrap();
        w.shutdown().await.unwrap();
    }
    let mut v = Vec::new();
    server.read_to_end(&mut v).await.unwrap();
    assert_eq!(v, b"last");
    // The read direction still works.
    server.write_all(b"reply").await.unwrap();
    let mut buf = [0u8; 5];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"reply");
}
rt_test!(borrowed_write_half_shutdown);

async fn owned_halves_in_separate_tasks() {
    let (client, server) = pair().await;
    let (mut r, mut w) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let echo = kiso::spawn(async move {
        kiso::io::copy(&mut sr, &mut sw).await.unwrap();
    });
    let writer = kiso::spawn(async move {
        for i in 0..100u32 {
            w.write_all(&i.to_be_bytes()).await.unwrap();
        }
        // Dropping the write half shuts the write direction down.
        drop(w);
    });
    let reader = kiso::spawn(async move {
        let mut v = Vec::new();
        r.read_to_end(&mut v).await.unwrap();
        v
    });
    writer.await.unwrap();
    let got = reader.await.unwrap();
    let expect: Vec<u8> = (0..100u32).flat_map(|i| i.to_be_bytes()).collect();
    assert_eq!(got, expect);
    echo.await.unwrap();
}
rt_test!(owned_halves_in_separate_tasks);

async fn owned_half_methods() {
    let (client, server) = pair().await;
    let local = client.local_addr().unwrap();
    let peer = client.peer_addr().unwrap();
    let (mut r, w) = client.into_split();
    let (sr, sw) = server.into_split();
    assert_eq!(r.local_addr().unwrap(), local);
    assert_eq!(r.peer_addr().unwrap(), peer);
    assert_eq!(w.local_addr().unwrap(), local);
    assert_eq!(w.peer_addr().unwrap(), peer);
    assert!(w.is_write_vectored());

    assert!(w.ready(Interest::WRITABLE).await.unwrap().is_writable());
    let mut sent = 0;
    while sent < 3 {
        w.writable().await.unwrap();
        match w.try_write_vectored(&[IoSlice::new(b"x"), IoSlice::new(b"yz")]) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(sent, 3);
    let mut got = Vec::new();
    let mut buf = [0u8; 8];
    while got.len() < 3 {
        sr.readable().await.unwrap();
        match sr.try_read(&mut buf) {
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got, b"xyz");

    let mut sent = 0;
    while sent < 4 {
        sw.writable().await.unwrap();
        match sw.try_write(&b"pong"[sent..]) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    let mut peeked = [0u8; 4];
    let mut n = 0;
    while n < 4 {
        n = r.peek(&mut peeked).await.unwrap();
    }
    assert_eq!(&peeked, b"pong");
    let mut storage = [0u8; 4];
    let mut rb = ReadBuf::new(&mut storage);
    poll_fn(|cx| r.poll_peek(cx, &mut rb)).await.unwrap();
    assert_eq!(rb.filled(), b"pong");
    assert!(r.ready(Interest::READABLE).await.unwrap().is_readable());
    let mut one = [0u8; 1];
    let mut two = [0u8; 1];
    loop {
        r.readable().await.unwrap();
        match r.try_read_vectored(&mut [IoSliceMut::new(&mut one), IoSliceMut::new(&mut two)]) {
            Ok(2) => break,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((&one, &two), (b"p", b"o"));
    let mut rest = Vec::with_capacity(4);
    while rest.len() < 2 {
        r.readable().await.unwrap();
        match r.try_read_buf(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(rest, b"ng");
    let s: &TcpStream = r.as_ref();
    assert_eq!(s.local_addr().unwrap(), local);
    let s: &TcpStream = w.as_ref();
    assert_eq!(s.local_addr().unwrap(), local);
}
rt_test!(owned_half_methods);

async fn reunite_same_stream() {
    let (client, mut server) = pair().await;
    let local = client.local_addr().unwrap();
    let (r, w) = client.into_split();
    let mut client = r.reunite(w).unwrap();
    assert_eq!(client.local_addr().unwrap(), local);
    // Reuniting did not shut anything down.
    client.write_all(b"still open").await.unwrap();
    let mut buf = [0u8; 10];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"still open");
    // And the other way around.
    let (r, w) = client.into_split();
    let client = w.reunite(r).unwrap();
    assert_eq!(client.local_addr().unwrap(), local);
}
rt_test!(reunite_same_stream);

async fn reunite_mismatched_halves() {
    let (a, b) = pair().await;
    let a_local = a.local_addr().unwrap();
    let b_local = b.local_addr().unwrap();
    let (ar, aw) = a.into_split();
    let (br, bw) = b.into_split();
    let err: ReuniteError = ar.reunite(bw).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tried to reunite halves that are not from the same socket"
    );
    let std_err: &dyn std::error::Error = &err;
    assert!(std_err.source().is_none());
    let ReuniteError(ar, bw) = err;
    assert_eq!(ar.local_addr().unwrap(), a_local);
    assert_eq!(bw.local_addr().unwrap(), b_local);
    let err = aw.reunite(br).unwrap_err();
    assert_eq!(err.0.local_addr().unwrap(), b_local);
    assert_eq!(err.1.local_addr().unwrap(), a_local);
    assert!(format!("{err:?}").contains("ReuniteError"));
    // Pairing them up correctly works.
    let ReuniteError(br, aw) = err;
    ar.reunite(aw).unwrap();
    br.reunite(bw).unwrap();
}
rt_test!(reunite_mismatched_halves);

/// Dropping the owned write half shuts the write direction down; the same
/// socket then refuses writes (seen through the read half's stream).
async fn dropping_owned_write_half_shuts_down() {
    let (client, mut server) = pair().await;
    let (r, w) = client.into_split();
    drop(w);
    let mut v = Vec::new();
    server.read_to_end(&mut v).await.unwrap();
    assert!(v.is_empty());
    let stream: &TcpStream = r.as_ref();
    let err = loop {
        stream.writable().await.unwrap();
        match stream.try_write(b"x") {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => break e,
            Ok(n) => panic!("wrote {n} bytes after shutdown"),
        }
    };
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
    // The read direction is still open.
    server.write_all(b"ok").await.unwrap();
    let mut r = r;
    let mut buf = [0u8; 2];
    r.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ok");
}
rt_test!(dropping_owned_write_half_shuts_down);

/// `forget` drops the write half without shutting the socket down.
async fn forget_does_not_shut_down() {
    let (client, mut server) = pair().await;
    let (r, w) = client.into_split();
    w.forget();
    let stream: &TcpStream = r.as_ref();
    let mut sent = 0;
    while sent < 5 {
        stream.writable().await.unwrap();
        match stream.try_write(&b"after"[sent..]) {
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("write after forget failed: {e}"),
        }
    }
    let mut buf = [0u8; 5];
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"after");
    // The stream closes for real when the read half goes too.
    drop(r);
    let mut v = Vec::new();
    server.read_to_end(&mut v).await.unwrap();
    assert!(v.is_empty());
}
rt_test!(forget_does_not_shut_down);

/// `poll_shutdown` on the owned write half shuts down at once; dropping it
/// afterwards is harmless.
async fn owned_write_half_shutdown() {
    let (client, mut server) = pair().await;
    let (mut r, mut w) = client.into_split();
    w.write_all(b"bye").await.unwrap();
    poll_fn(|cx| std::pin::Pin::new(&mut w).poll_flush(cx))
        .await
        .unwrap();
    w.shutdown().await.unwrap();
    let mut v = Vec::new();
    server.read_to_end(&mut v).await.unwrap();
    assert_eq!(v, b"bye");
    drop(w);
    server.write_all(b"still reading").await.unwrap();
    drop(server);
    let mut v = Vec::new();
    r.read_to_end(&mut v).await.unwrap();
    assert_eq!(v, b"still reading");
}
rt_test!(owned_write_half_shutdown);

#[test]
fn auto_traits() {
    fn send_sync_unpin<T: Send + Sync + Unpin>() {}
    // Futures are Send and Sync, as Tokio's are.
    fn send<T: Send + Sync>(_: &T) {}
    send_sync_unpin::<ReadHalf<'static>>();
    send_sync_unpin::<WriteHalf<'static>>();
    send_sync_unpin::<OwnedReadHalf>();
    send_sync_unpin::<OwnedWriteHalf>();
    send_sync_unpin::<ReuniteError>();
    fn futures_are_send(
        r: &mut OwnedReadHalf,
        w: &OwnedWriteHalf,
        br: &mut ReadHalf<'_>,
        bw: &WriteHalf<'_>,
        buf: &mut [u8],
    ) {
        send(&r.readable());
        send(&r.ready(Interest::READABLE));
        send(&w.writable());
        send(&w.ready(Interest::WRITABLE));
        send(&br.readable());
        send(&bw.writable());
        send(&r.peek(buf));
    }
    let _ = futures_are_send;
}
