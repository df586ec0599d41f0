#![cfg(feature = "full")]
//! `UnixStream` and its split halves: echo over pairs and listeners,
//! half-close in both directions, addresses (pathname, abstract, unnamed),
//! peer credentials, the `try_*` and readiness methods, conversions and auto
//! traits. Every async test runs on a current-thread and a multi-thread
//! runtime.

#[macro_use]
mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt, Interest};
use kiso::net::unix::{
    OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, SocketAddr, WriteHalf,
};
use kiso::net::{UnixListener, UnixStream};
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

on_both_runtimes!(
    pair_echo_large,
    half_close_both_ways,
    shutdown_is_idempotent_enough,
    peer_drop_gives_eof_and_broken_pipe,
    read_closed_readiness,
    pathname_addresses,
    abstract_addresses,
    connect_addr_and_bind_addr,
    connect_errors,
    peer_cred_is_this_process,
    try_read_write_family,
    try_write_until_full_then_writable_waits,
    poll_ready_methods,
    ready_combined_interest,
    try_io_and_async_io,
    borrowed_split,
    owned_split_and_reunite,
    owned_write_half_drop_shuts_down,
    owned_write_half_forget_does_not_shut_down,
    owned_halves_in_separate_tasks,
    std_round_trip,
    many_readers_woken,
);

/// A fresh socket path in a fresh directory (removed at process exit by the
/// OS temp cleaner; names are unique per test).
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
        "kiso-uds-{}-{}-{}",
        std::process::id(),
        tag,
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempPath(dir.join("sock"))
}

fn abstract_name(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "\0kiso-abs-{}-{}-{}",
        std::process::id(),
        tag,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

async fn read_until_would_block(s: &UnixStream, buf: &mut [u8]) -> usize {
    loop {
        s.readable().await.unwrap();
        match s.try_read(buf) {
            Ok(n) => return n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
}

async fn pair_echo_large() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let data: Vec<u8> = (0..(1usize << 20)).map(|i| (i % 251) as u8).collect();
    let expected = data.clone();
    let echo = kiso::spawn(async move {
        let n = {
            let (mut r, mut w) = b.split();
            let n = kiso::io::copy(&mut r, &mut w).await.unwrap();
            w.shutdown().await.unwrap();
            n
        };
        // Shutting down again through the whole stream is harmless.
        b.shutdown().await.unwrap();
        n
    });
    let (mut ar, mut aw) = a.into_split();
    let writer = kiso::spawn(async move {
        aw.write_all(&data).await.unwrap();
        aw.shutdown().await.unwrap();
        aw
    });
    let mut back = Vec::new();
    ar.read_to_end(&mut back).await.unwrap();
    assert_eq!(back.len(), expected.len());
    assert!(back == expected);
    assert_eq!(echo.await.unwrap(), expected.len() as u64);
    let aw = writer.await.unwrap();
    let _ = ar.reunite(aw).unwrap();
}

async fn half_close_both_ways() {
    let (mut a, mut b) = UnixStream::pair().unwrap();
    a.write_all(b"from a").await.unwrap();
    a.shutdown().await.unwrap();
    let mut got = Vec::new();
    b.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"from a");
    // a's read side still works.
    b.write_all(b"from b").await.unwrap();
    let mut buf = [0u8; 6];
    a.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"from b");
    // And a write after shutdown fails.
    assert_eq!(
        a.write(b"late").await.unwrap_err().kind(),
        io::ErrorKind::BrokenPipe
    );
    b.shutdown().await.unwrap();
    let mut rest = Vec::new();
    assert_eq!(a.read_to_end(&mut rest).await.unwrap(), 0);
    // Reading at EOF keeps returning 0.
    assert_eq!(a.read(&mut buf).await.unwrap(), 0);
    assert_eq!(b.read(&mut buf).await.unwrap(), 0);
}

async fn shutdown_is_idempotent_enough() {
    let (mut a, b) = UnixStream::pair().unwrap();
    a.shutdown().await.unwrap();
    a.shutdown().await.unwrap();
    a.flush().await.unwrap();
    drop(b);
    // Peer gone: shutdown still reports success.
    a.shutdown().await.unwrap();
}

async fn peer_drop_gives_eof_and_broken_pipe() {
    let (mut a, b) = UnixStream::pair().unwrap();
    drop(b);
    let mut buf = [0u8; 4];
    assert_eq!(a.read(&mut buf).await.unwrap(), 0);
    let err = a.write_all(b"nobody").await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
}

async fn read_closed_readiness() {
    let (a, b) = UnixStream::pair().unwrap();
    let mut pending = Box::pin(a.ready(Interest::READABLE));
    assert!(futures::poll!(pending.as_mut()).is_pending());
    b.writable().await.unwrap();
    b.try_write(b"x").unwrap();
    drop(b);
    let ready = pending.await.unwrap();
    assert!(ready.is_readable());
    let ready = a.ready(Interest::READABLE).await.unwrap();
    assert!(ready.is_read_closed(), "{ready:?}");
    let mut buf = [0u8; 4];
    assert_eq!(a.try_read(&mut buf).unwrap(), 1);
    assert_eq!(a.try_read(&mut buf).unwrap(), 0);
}

async fn pathname_addresses() {
    let path = sock_path("path");
    let listener = UnixListener::bind(&path).unwrap();
    let client = kiso::spawn({
        let path = path.clone();
        async move { UnixStream::connect(&path).await.unwrap() }
    });
    let (server, addr) = listener.accept().await.unwrap();
    let client = client.await.unwrap();
    assert!(addr.is_unnamed());
    assert_eq!(addr.as_pathname(), None);
    assert!(client.local_addr().unwrap().is_unnamed());
    assert_eq!(
        client.peer_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    assert_eq!(
        server.local_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    assert!(server.peer_addr().unwrap().is_unnamed());
    assert_eq!(client.peer_addr().unwrap().as_abstract_name(), None);
    let dbg = format!("{:?}", client.peer_addr().unwrap());
    assert!(dbg.contains("sock"), "{dbg}");
    let std_addr: std::os::unix::net::SocketAddr = client.peer_addr().unwrap().into();
    assert_eq!(std_addr.as_pathname(), Some(path.as_path()));
    let back = SocketAddr::from(std_addr.clone());
    assert_eq!(back.as_pathname(), Some(path.as_path()));
    let cloned = back.clone();
    assert_eq!(cloned.as_pathname(), back.as_pathname());
    exchange(client, server).await;
}

async fn exchange(mut x: UnixStream, mut y: UnixStream) {
    x.write_all(b"ping").await.unwrap();
    let mut buf = [0u8; 4];
    y.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");
    y.write_all(b"pong").await.unwrap();
    x.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"pong");
}

async fn abstract_addresses() {
    let name = abstract_name("abs");
    let listener = UnixListener::bind(&name).unwrap();
    let local = listener.local_addr().unwrap();
    assert_eq!(local.as_abstract_name(), Some(&name.as_bytes()[1..]));
    assert_eq!(local.as_pathname(), None);
    assert!(!local.is_unnamed());
    let (client, accepted) = futures::join!(UnixStream::connect(&name), listener.accept());
    let client = client.unwrap();
    let (server, _) = accepted.unwrap();
    assert_eq!(
        client.peer_addr().unwrap().as_abstract_name(),
        Some(&name.as_bytes()[1..])
    );
    exchange(client, server).await;
    // No file was created for an abstract name.
    assert!(!std::path::Path::new(&name[1..]).exists());
}

async fn connect_addr_and_bind_addr() {
    use std::os::linux::net::SocketAddrExt;
    let path = sock_path("addr");
    let addr: SocketAddr = std::os::unix::net::SocketAddr::from_pathname(&path)
        .unwrap()
        .into();
    let listener = UnixListener::bind_addr(&addr).unwrap();
    let (c, s) = futures::join!(UnixStream::connect_addr(&addr), listener.accept());
    exchange(c.unwrap(), s.unwrap().0).await;

    let name = abstract_name("addr");
    let abs: SocketAddr = std::os::unix::net::SocketAddr::from_abstract_name(&name.as_bytes()[1..])
        .unwrap()
        .into();
    let listener = UnixListener::bind_addr(&abs).unwrap();
    let (c, s) = futures::join!(UnixStream::connect_addr(&abs), listener.accept());
    exchange(c.unwrap(), s.unwrap().0).await;
}

async fn connect_errors() {
    let path = sock_path("missing");
    let err = UnixStream::connect(&path).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    // A socket file nobody listens on any more.
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    drop(listener);
    let err = UnixStream::connect(&path).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
    let err = UnixStream::connect(abstract_name("nobody"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
}

async fn peer_cred_is_this_process() {
    use std::os::unix::fs::MetadataExt;
    let probe_dir = sock_path("cred");
    let probe = probe_dir.with_file_name("probe");
    std::fs::write(&probe, b"").unwrap();
    let meta = std::fs::metadata(&probe).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    for s in [&a, &b] {
        let cred = s.peer_cred().unwrap();
        assert_eq!(cred.uid(), meta.uid());
        assert_eq!(cred.gid(), meta.gid());
        assert_eq!(
            cred.pid(),
            Some(std::process::id() as kiso::net::unix::pid_t)
        );
    }
    let path = sock_path("cred2");
    let listener = UnixListener::bind(&path).unwrap();
    let (c, s) = futures::join!(UnixStream::connect(&path), listener.accept());
    let (c, (s, _)) = (c.unwrap(), s.unwrap());
    assert_eq!(c.peer_cred().unwrap(), s.peer_cred().unwrap());
    let cred = c.peer_cred().unwrap();
    let copy = cred;
    assert_eq!(format!("{copy:?}"), format!("{cred:?}"));
    let _: kiso::net::unix::uid_t = cred.uid();
    let _: kiso::net::unix::gid_t = cred.gid();
}

async fn try_read_write_family() {
    let (a, b) = UnixStream::pair().unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        a.try_read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    let mut v: Vec<u8> = Vec::with_capacity(16);
    assert_eq!(
        a.try_read_buf(&mut v).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    {
        let mut one = [0u8; 2];
        let mut two = [0u8; 2];
        let mut bufs = [IoSliceMut::new(&mut one), IoSliceMut::new(&mut two)];
        assert_eq!(
            a.try_read_vectored(&mut bufs).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
    }

    b.writable().await.unwrap();
    assert_eq!(b.try_write(b"abc").unwrap(), 3);
    assert_eq!(read_until_would_block(&a, &mut buf).await, 3);
    assert_eq!(&buf[..3], b"abc");

    b.writable().await.unwrap();
    let n = b
        .try_write_vectored(&[IoSlice::new(b"de"), IoSlice::new(b"fgh")])
        .unwrap();
    assert_eq!(n, 5);
    let mut one = [0u8; 2];
    let mut two = [0u8; 8];
    let n = loop {
        a.readable().await.unwrap();
        let mut bufs = [IoSliceMut::new(&mut one), IoSliceMut::new(&mut two)];
        match a.try_read_vectored(&mut bufs) {
            Ok(n) => break n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    };
    assert_eq!(n, 5);
    assert_eq!(&one, b"de");
    assert_eq!(&two[..3], b"fgh");

    b.writable().await.unwrap();
    b.try_write(b"buf").unwrap();
    let mut v = b"<".to_vec();
    v.reserve(8);
    loop {
        a.readable().await.unwrap();
        match a.try_read_buf(&mut v) {
            Ok(n) => {
                assert_eq!(n, 3);
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(v, b"<buf");
    assert_eq!(
        a.try_read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    assert!(a.take_error().unwrap().is_none());
}

async fn try_write_until_full_then_writable_waits() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let chunk = vec![7u8; 64 * 1024];
    let mut written = 0usize;
    loop {
        a.writable().await.unwrap();
        match a.try_write(&chunk) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(written > 0);
    // Full: writability is pending until the peer drains.
    let mut w = Box::pin(a.writable());
    assert!(futures::poll!(w.as_mut()).is_pending());
    let mut sink = vec![0u8; written];
    b.read_exact(&mut sink).await.unwrap();
    w.await.unwrap();
    assert!(a.try_write(b"more").unwrap() > 0);
}

async fn poll_ready_methods() {
    let (a, b) = UnixStream::pair().unwrap();
    poll_fn(|cx| a.poll_write_ready(cx)).await.unwrap();
    let reader = kiso::spawn(async move {
        poll_fn(|cx| b.poll_read_ready(cx)).await.unwrap();
        let mut buf = [0u8; 8];
        let n = b.try_read(&mut buf).unwrap();
        buf[..n].to_vec()
    });
    kiso::task::yield_now().await;
    a.try_write(b"poll").unwrap();
    assert_eq!(reader.await.unwrap(), b"poll");
}

async fn ready_combined_interest() {
    let (a, b) = UnixStream::pair().unwrap();
    let r = a
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap();
    assert!(r.is_writable());
    assert!(!r.is_readable());
    b.writable().await.unwrap();
    b.try_write(b"x").unwrap();
    a.readable().await.unwrap();
    let r = a
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap();
    assert!(r.is_readable());
    assert!(r.is_writable());
}

async fn try_io_and_async_io() {
    use std::io::{Read, Write};
    let (a, b) = UnixStream::pair().unwrap();
    let raw_a = std::os::unix::net::UnixStream::from(a.as_fd().try_clone_to_owned().unwrap());
    let mut raw_b = std::os::unix::net::UnixStream::from(b.as_fd().try_clone_to_owned().unwrap());
    b.writable().await.unwrap();
    b.try_io(Interest::WRITABLE, || raw_b.write(b"raw"))
        .unwrap();
    let mut buf = [0u8; 8];
    let n = a
        .async_io(Interest::READABLE, || (&raw_a).read(&mut buf))
        .await
        .unwrap();
    assert_eq!(&buf[..n], b"raw");
    let err = a
        .try_io(Interest::READABLE, || (&raw_a).read(&mut buf))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    // Cleared: the closure is not called now.
    let err = a
        .try_io(Interest::READABLE, || -> io::Result<()> {
            panic!("called")
        })
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
}

async fn borrowed_split() {
    let (mut a, mut b) = UnixStream::pair().unwrap();
    let peer_local = b.local_addr().unwrap();
    {
        let (mut r, mut w): (ReadHalf<'_>, WriteHalf<'_>) = a.split();
        assert!(r.peer_addr().unwrap().is_unnamed());
        assert!(r.local_addr().unwrap().is_unnamed());
        assert!(w.peer_addr().unwrap().is_unnamed());
        assert!(w.local_addr().unwrap().is_unnamed());
        assert_eq!(
            format!("{:?}", peer_local),
            format!("{:?}", w.peer_addr().unwrap())
        );
        let _: &UnixStream = r.as_ref();
        let _: &UnixStream = w.as_ref();
        w.writable().await.unwrap();
        assert!(w.ready(Interest::WRITABLE).await.unwrap().is_writable());
        assert_eq!(w.try_write(b"12").unwrap(), 2);
        assert_eq!(w.try_write_vectored(&[IoSlice::new(b"34")]).unwrap(), 2);
        w.write_all(b"56").await.unwrap();
        assert!(kiso::io::AsyncWrite::is_write_vectored(&w));
        w.shutdown().await.unwrap();
        let mut got = Vec::new();
        b.read_to_end(&mut got).await.unwrap();
        assert_eq!(got, b"123456");

        b.write_all(b"abcdef").await.unwrap();
        r.readable().await.unwrap();
        assert!(r.ready(Interest::READABLE).await.unwrap().is_readable());
        let mut buf = [0u8; 2];
        assert_eq!(r.try_read(&mut buf).unwrap(), 2);
        assert_eq!(&buf, b"ab");
        let mut v = Vec::with_capacity(2);
        assert_eq!(r.try_read_buf(&mut v).unwrap(), 2);
        assert_eq!(v, b"cd");
        let mut x = [0u8; 2];
        assert_eq!(
            r.try_read_vectored(&mut [IoSliceMut::new(&mut x)]).unwrap(),
            2
        );
        assert_eq!(&x, b"ef");
        assert_eq!(
            r.try_read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        b.write_all(b"gh").await.unwrap();
        r.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"gh");
    }
}

async fn owned_split_and_reunite() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let (c, _d) = UnixStream::pair().unwrap();
    let (r, w): (OwnedReadHalf, OwnedWriteHalf) = a.into_split();
    let (cr, cw) = c.into_split();
    let err: ReuniteError = r.reunite(cw).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tried to reunite halves that are not from the same socket"
    );
    let ReuniteError(r, cw) = err;
    let err = w.reunite(cr).unwrap_err();
    let ReuniteError(cr, w) = err;
    drop((cr, cw));
    assert!(r.peer_addr().unwrap().is_unnamed());
    assert!(w.local_addr().unwrap().is_unnamed());
    let _: &UnixStream = r.as_ref();
    let _: &UnixStream = w.as_ref();
    w.writable().await.unwrap();
    assert!(w.ready(Interest::WRITABLE).await.unwrap().is_writable());
    assert_eq!(w.try_write(b"xy").unwrap(), 2);
    assert_eq!(w.try_write_vectored(&[IoSlice::new(b"z")]).unwrap(), 1);
    let mut buf = [0u8; 3];
    b.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"xyz");
    b.write_all(b"123").await.unwrap();
    r.readable().await.unwrap();
    assert!(r.ready(Interest::READABLE).await.unwrap().is_readable());
    let mut one = [0u8; 1];
    assert_eq!(r.try_read(&mut one).unwrap(), 1);
    let mut v = Vec::with_capacity(1);
    assert_eq!(r.try_read_buf(&mut v).unwrap(), 1);
    assert_eq!(
        r.try_read_vectored(&mut [IoSliceMut::new(&mut one)])
            .unwrap(),
        1
    );
    assert_eq!(&one, b"3");
    // Reunited, the stream works as one again; no shutdown happened.
    let mut a = w.reunite(r).unwrap();
    exchange_pair(&mut a, &mut b).await;
}

async fn exchange_pair(a: &mut UnixStream, b: &mut UnixStream) {
    a.write_all(b"hi").await.unwrap();
    let mut buf = [0u8; 2];
    b.read_exact(&mut buf).await.unwrap();
    b.write_all(b"yo").await.unwrap();
    a.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"yo");
}

async fn owned_write_half_drop_shuts_down() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let (mut r, w) = a.into_split();
    drop(w);
    let mut got = Vec::new();
    b.read_to_end(&mut got).await.unwrap();
    assert!(got.is_empty());
    // The read half still receives.
    b.write_all(b"still").await.unwrap();
    let mut buf = [0u8; 5];
    r.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"still");

    // poll_shutdown on the half, then drop: EOF once, no error.
    let (a, mut b) = UnixStream::pair().unwrap();
    let (_r, mut w) = a.into_split();
    w.write_all(b"bye").await.unwrap();
    w.shutdown().await.unwrap();
    let mut got = Vec::new();
    b.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"bye");
    drop(w);
}

async fn owned_write_half_forget_does_not_shut_down() {
    let (a, mut b) = UnixStream::pair().unwrap();
    let (mut r, w) = a.into_split();
    w.forget();
    b.write_all(b"x").await.unwrap();
    let mut one = [0u8; 1];
    r.read_exact(&mut one).await.unwrap();
    // Not shut down: b sees no EOF, only WouldBlock.
    let mut buf = [0u8; 4];
    assert_eq!(
        b.try_read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    // And b can still write to the read half.
    b.write_all(b"y").await.unwrap();
    r.read_exact(&mut one).await.unwrap();
    assert_eq!(&one, b"y");
}

async fn owned_halves_in_separate_tasks() {
    let (a, b) = UnixStream::pair().unwrap();
    let (mut ar, mut aw) = a.into_split();
    let (mut br, mut bw) = b.into_split();
    let t1 = kiso::spawn(async move {
        for i in 0..100u32 {
            aw.write_all(&i.to_le_bytes()).await.unwrap();
        }
    });
    let t2 = kiso::spawn(async move {
        let mut buf = [0u8; 4];
        for i in 0..100u32 {
            br.read_exact(&mut buf).await.unwrap();
            assert_eq!(u32::from_le_bytes(buf), i);
            bw.write_all(&buf).await.unwrap();
        }
    });
    let mut buf = [0u8; 4];
    for i in 0..100u32 {
        ar.read_exact(&mut buf).await.unwrap();
        assert_eq!(u32::from_le_bytes(buf), i);
    }
    t1.await.unwrap();
    t2.await.unwrap();
}

async fn std_round_trip() {
    let (x, y) = std::os::unix::net::UnixStream::pair().unwrap();
    x.set_nonblocking(true).unwrap();
    y.set_nonblocking(true).unwrap();
    let fd = x.as_raw_fd();
    let mut a = UnixStream::from_std(x).unwrap();
    let mut b = UnixStream::try_from(y).unwrap();
    assert_eq!(a.as_raw_fd(), fd);
    assert_eq!(a.as_fd().as_raw_fd(), fd);
    exchange_pair(&mut a, &mut b).await;
    let x = a.into_std().unwrap();
    assert_eq!(x.as_raw_fd(), fd);
    let mut buf = [0u8; 1];
    use std::io::Read;
    assert_eq!(
        (&x).read(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    let mut a = UnixStream::from_std(x).unwrap();
    exchange_pair(&mut a, &mut b).await;
    let dbg = format!("{a:?}");
    assert!(dbg.contains("UnixStream"), "{dbg}");
}

async fn many_readers_woken() {
    let (a, b) = UnixStream::pair().unwrap();
    let a = std::sync::Arc::new(a);
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let a = a.clone();
            kiso::spawn(async move { a.readable().await.unwrap() })
        })
        .collect();
    let mut local: Vec<_> = (0..3).map(|_| Box::pin(a.readable())).collect();
    for f in &mut local {
        assert!(futures::poll!(f.as_mut()).is_pending());
    }
    b.writable().await.unwrap();
    b.try_write(b"!").unwrap();
    for f in local {
        f.await.unwrap();
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[test]
fn blocking_std_stream_panics_in_debug() {
    if !cfg!(debug_assertions) {
        return;
    }
    let rt = support::current_thread();
    let _g = rt.enter();
    let (x, _y) = std::os::unix::net::UnixStream::pair().unwrap();
    let msg = support::panic_message(move || {
        let _ = UnixStream::from_std(x);
    });
    assert!(msg.contains("blocking socket"), "{msg}");
}

#[test]
fn pair_outside_runtime_panics() {
    let r = std::panic::catch_unwind(UnixStream::pair);
    assert!(r.is_err());
}

#[test]
fn cancelled_read_loses_nothing() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            let mut buf = [0u8; 4];
            {
                let mut fut = Box::pin(a.read(&mut buf));
                assert!(futures::poll!(fut.as_mut()).is_pending());
            }
            b.write_all(b"kept").await.unwrap();
            a.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"kept");
        })
    });
}

fn send_sync_unpin<T: Send + Sync + Unpin>() {}
fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}

fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

#[test]
fn auto_traits() {
    send_sync_unpin::<UnixStream>();
    unwind_safe::<UnixStream>();
    unwind_safe::<OwnedReadHalf>();
    unwind_safe::<OwnedWriteHalf>();
    unwind_safe::<ReadHalf<'static>>();
    unwind_safe::<WriteHalf<'static>>();
    unwind_safe::<ReuniteError>();
    unwind_safe::<SocketAddr>();
    send_sync_unpin::<OwnedReadHalf>();
    send_sync_unpin::<OwnedWriteHalf>();
    send_sync_unpin::<ReadHalf<'static>>();
    send_sync_unpin::<WriteHalf<'static>>();
    send_sync_unpin::<ReuniteError>();
    send_sync_unpin::<SocketAddr>();
    send_sync_unpin::<kiso::net::unix::UCred>();
    let rt = support::current_thread();
    let _g = rt.enter();
    let (a, _b) = UnixStream::pair().unwrap();
    let f = UnixStream::connect("/nonexistent");
    is_send(&f);
    is_sync(&f);
    drop(f);
    let f = a.ready(Interest::READABLE);
    is_send(&f);
    is_sync(&f);
    drop(f);
    let f = a.readable();
    is_send(&f);
    is_sync(&f);
    drop(f);
    let f = a.writable();
    is_send(&f);
    is_sync(&f);
    drop(f);
    let f = a.async_io(Interest::READABLE, || Ok(()));
    is_send(&f);
    is_sync(&f);
    drop(f);
}

#[test]
fn read_loop_spends_coop_budget() {
    support::with_timeout(|| {
        support::current_thread().block_on(async {
            let (mut a, mut b) = UnixStream::pair().unwrap();
            b.write_all(&vec![1u8; 4000]).await.unwrap();
            a.readable().await.unwrap();
            let ran = std::sync::Arc::new(AtomicUsize::new(0));
            let ran2 = ran.clone();
            let other = kiso::spawn(async move {
                ran2.store(1, Ordering::SeqCst);
            });
            let mut seen_before_end = false;
            let mut one = [0u8; 1];
            for _ in 0..4000 {
                a.read_exact(&mut one).await.unwrap();
                if ran.load(Ordering::SeqCst) == 1 {
                    seen_before_end = true;
                }
            }
            assert!(seen_before_end, "reads never yielded to the other task");
            other.await.unwrap();
        })
    });
}
