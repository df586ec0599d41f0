#![cfg(feature = "full")]
//! `UnixSocket`: building listeners, streams and datagram sockets before
//! they are bound/connected, the type checks, raw-fd conversions and auto
//! traits. Every async test runs on a current-thread and a multi-thread
//! runtime.

#[macro_use]
mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt};
use kiso::net::{UnixDatagram, UnixSocket, UnixStream};
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

on_both_runtimes!(
    stream_listen_and_connect,
    bound_client_stream,
    abstract_bind,
    datagram_socket,
    wrong_type_errors,
    connect_errors,
    raw_fd_round_trip,
    backlog_is_clamped,
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
        "kiso-uds-s-{}-{}-{}",
        std::process::id(),
        tag,
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempPath(dir.join("sock"))
}

async fn stream_listen_and_connect() {
    let path = sock_path("listen");
    let sock = UnixSocket::new_stream().unwrap();
    sock.bind(&path).unwrap();
    let listener = sock.listen(16).unwrap();
    assert_eq!(
        listener.local_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    let client = UnixSocket::new_stream().unwrap();
    let (c, s) = futures::join!(client.connect(&path), listener.accept());
    let mut c: UnixStream = c.unwrap();
    let (mut s, _) = s.unwrap();
    c.write_all(b"via socket").await.unwrap();
    c.shutdown().await.unwrap();
    let mut got = Vec::new();
    s.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"via socket");
}

async fn bound_client_stream() {
    let srv = sock_path("srv");
    let cli = sock_path("cli");
    let listener = kiso::net::UnixListener::bind(&srv).unwrap();
    let client = UnixSocket::new_stream().unwrap();
    client.bind(&cli).unwrap();
    let (c, s) = futures::join!(client.connect(&srv), listener.accept());
    let c = c.unwrap();
    let (_s, addr) = s.unwrap();
    assert_eq!(addr.as_pathname(), Some(cli.as_path()));
    assert_eq!(c.local_addr().unwrap().as_pathname(), Some(cli.as_path()));
}

async fn abstract_bind() {
    let name = format!("\0kiso-unixsocket-{}", std::process::id());
    let sock = UnixSocket::new_stream().unwrap();
    sock.bind(&name).unwrap();
    let listener = sock.listen(4).unwrap();
    assert_eq!(
        listener.local_addr().unwrap().as_abstract_name(),
        Some(&name.as_bytes()[1..])
    );
    let client = UnixSocket::new_stream().unwrap();
    let (c, s) = futures::join!(client.connect(&name), listener.accept());
    let mut c = c.unwrap();
    let (mut s, _) = s.unwrap();
    c.write_all(b"a").await.unwrap();
    let mut b = [0u8; 1];
    s.read_exact(&mut b).await.unwrap();
}

async fn datagram_socket() {
    let path = sock_path("dgram");
    let sock = UnixSocket::new_datagram().unwrap();
    sock.bind(&path).unwrap();
    let server: UnixDatagram = sock.datagram().unwrap();
    let client = UnixSocket::new_datagram().unwrap().datagram().unwrap();
    assert!(client.local_addr().unwrap().is_unnamed());
    client.send_to(b"dg", &path).await.unwrap();
    let mut buf = [0u8; 4];
    let (n, _) = server.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"dg");
}

async fn wrong_type_errors() {
    let err = UnixSocket::new_datagram().unwrap().listen(1).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Other);
    assert_eq!(
        err.to_string(),
        "listen cannot be called on a datagram socket"
    );
    let err = UnixSocket::new_datagram()
        .unwrap()
        .connect("/x")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Other);
    assert_eq!(
        err.to_string(),
        "connect cannot be called on a datagram socket"
    );
    let err = UnixSocket::new_stream().unwrap().datagram().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::Other);
    assert_eq!(
        err.to_string(),
        "datagram cannot be called on a stream socket"
    );
}

async fn connect_errors() {
    let path = sock_path("none");
    let err = UnixSocket::new_stream()
        .unwrap()
        .connect(&path)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    let s = UnixSocket::new_stream().unwrap();
    s.bind(&path).unwrap();
    let err = UnixSocket::new_stream().unwrap().bind(&path).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    drop(s);
    // The bound, never-listening socket is gone: refused.
    let err = UnixSocket::new_stream()
        .unwrap()
        .connect(&path)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
}

async fn raw_fd_round_trip() {
    let sock = UnixSocket::new_stream().unwrap();
    let fd = sock.as_raw_fd();
    assert_eq!(sock.as_fd().as_raw_fd(), fd);
    let raw = sock.into_raw_fd();
    assert_eq!(raw, fd);
    // SAFETY: `raw` was just released by `into_raw_fd` and is owned here.
    let sock = unsafe { UnixSocket::from_raw_fd(raw) };
    let path = sock_path("raw");
    sock.bind(&path).unwrap();
    let listener = sock.listen(1).unwrap();
    let (c, s) = futures::join!(UnixStream::connect(&path), listener.accept());
    drop((c.unwrap(), s.unwrap()));
    let dbg = format!("{:?}", UnixSocket::new_datagram().unwrap());
    assert!(dbg.contains("UnixSocket"), "{dbg}");
}

async fn backlog_is_clamped() {
    let path = sock_path("backlog");
    let sock = UnixSocket::new_stream().unwrap();
    sock.bind(&path).unwrap();
    let listener = sock.listen(u32::MAX).unwrap();
    let (c, s) = futures::join!(UnixStream::connect(&path), listener.accept());
    drop((c.unwrap(), s.unwrap()));
}

#[test]
fn new_sockets_need_no_runtime_until_converted() {
    // Creating and binding needs no runtime; listen registers and does.
    let sock = UnixSocket::new_stream().unwrap();
    let path = sock_path("nort");
    sock.bind(&path).unwrap();
    let r = std::panic::catch_unwind(move || sock.listen(1));
    assert!(r.is_err());
    let d = UnixSocket::new_datagram().unwrap();
    assert!(std::panic::catch_unwind(move || d.datagram()).is_err());
}

#[test]
fn sockets_are_non_blocking() {
    // The descriptor is created non-blocking: an accept on the raw fd of a
    // listening socket would return WouldBlock rather than hang.
    let rt = support::current_thread();
    let _g = rt.enter();
    let path = sock_path("nb");
    let sock = UnixSocket::new_stream().unwrap();
    sock.bind(&path).unwrap();
    let l = sock.listen(1).unwrap();
    let std_l = l.into_std().unwrap();
    assert_eq!(
        std_l.accept().unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
}

fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}
fn send_sync_unpin<T: Send + Sync + Unpin>() {}

fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

#[test]
fn auto_traits() {
    send_sync_unpin::<UnixSocket>();
    unwind_safe::<UnixSocket>();
    let s = UnixSocket::new_stream().unwrap();
    let f = s.connect("/nowhere");
    is_send(&f);
    is_sync(&f);
}
