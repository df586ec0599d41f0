#![cfg(feature = "full")]
//! `UnixListener`: bind (pathname and abstract), accept and poll_accept,
//! concurrent accepts, bind errors, conversions and auto traits. Every async
//! test runs on a current-thread and a multi-thread runtime.

#[macro_use]
mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt};
use kiso::net::{UnixListener, UnixStream};
use std::future::poll_fn;
use std::io;
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

on_both_runtimes!(
    accept_many_sequential,
    accept_waits_for_a_client,
    poll_accept_works,
    concurrent_accepts,
    bind_errors,
    abstract_listener,
    accepted_stream_is_usable_at_once,
    std_round_trip,
    dropped_listener_refuses,
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
        "kiso-uds-l-{}-{}-{}",
        std::process::id(),
        tag,
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempPath(dir.join("sock"))
}

async fn accept_many_sequential() {
    let path = sock_path("seq");
    let listener = UnixListener::bind(&path).unwrap();
    assert_eq!(
        listener.local_addr().unwrap().as_pathname(),
        Some(path.as_path())
    );
    for i in 0..10u8 {
        let client = {
            let path = path.clone();
            kiso::spawn(async move {
                let mut c = UnixStream::connect(&path).await.unwrap();
                c.write_all(&[i]).await.unwrap();
                let mut b = [0u8; 1];
                c.read_exact(&mut b).await.unwrap();
                b[0]
            })
        };
        let (mut s, addr) = listener.accept().await.unwrap();
        assert!(addr.is_unnamed());
        let mut b = [0u8; 1];
        s.read_exact(&mut b).await.unwrap();
        assert_eq!(b[0], i);
        s.write_all(&[i + 100]).await.unwrap();
        assert_eq!(client.await.unwrap(), i + 100);
    }
    assert!(listener.take_error().unwrap().is_none());
}

async fn accept_waits_for_a_client() {
    let path = sock_path("wait");
    let listener = UnixListener::bind(&path).unwrap();
    let mut acc = Box::pin(listener.accept());
    assert!(futures::poll!(acc.as_mut()).is_pending());
    kiso::task::yield_now().await;
    assert!(futures::poll!(acc.as_mut()).is_pending());
    let client = std::os::unix::net::UnixStream::connect(&path).unwrap();
    let (s, _) = acc.await.unwrap();
    assert_eq!(
        s.peer_cred().unwrap().pid(),
        Some(std::process::id() as i32)
    );
    drop(client);
}

async fn poll_accept_works() {
    let path = sock_path("poll");
    let listener = Arc::new(UnixListener::bind(&path).unwrap());
    let l2 = listener.clone();
    let server = kiso::spawn(async move {
        let (mut s, _) = poll_fn(|cx| l2.poll_accept(cx)).await.unwrap();
        let mut v = Vec::new();
        s.read_to_end(&mut v).await.unwrap();
        v
    });
    kiso::task::yield_now().await;
    let mut c = UnixStream::connect(&path).await.unwrap();
    c.write_all(b"polled").await.unwrap();
    drop(c);
    assert_eq!(server.await.unwrap(), b"polled");
}

async fn concurrent_accepts() {
    let path = sock_path("conc");
    let listener = Arc::new(UnixListener::bind(&path).unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let acceptors: Vec<_> = (0..4)
        .map(|_| {
            let l = listener.clone();
            let accepted = accepted.clone();
            kiso::spawn(async move {
                let (mut s, _) = l.accept().await.unwrap();
                accepted.fetch_add(1, Ordering::SeqCst);
                let mut b = [0u8; 1];
                s.read_exact(&mut b).await.unwrap();
                b[0]
            })
        })
        .collect();
    let mut clients = Vec::new();
    for i in 0..4u8 {
        let mut c = UnixStream::connect(&path).await.unwrap();
        c.write_all(&[i]).await.unwrap();
        clients.push(c);
    }
    let mut got = Vec::new();
    for a in acceptors {
        got.push(a.await.unwrap());
    }
    got.sort();
    assert_eq!(got, vec![0, 1, 2, 3]);
    assert_eq!(accepted.load(Ordering::SeqCst), 4);
}

async fn bind_errors() {
    let path = sock_path("inuse");
    let _l = UnixListener::bind(&path).unwrap();
    assert_eq!(
        UnixListener::bind(&path).unwrap_err().kind(),
        io::ErrorKind::AddrInUse
    );
    let missing = sock_path("nodir").with_file_name("no/such/dir/sock");
    assert_eq!(
        UnixListener::bind(&missing).unwrap_err().kind(),
        io::ErrorKind::NotFound
    );
    let long = std::env::temp_dir().join("x".repeat(200));
    assert_eq!(
        UnixListener::bind(&long).unwrap_err().kind(),
        io::ErrorKind::InvalidInput
    );
}

async fn abstract_listener() {
    let name = format!("\0kiso-listener-{}", std::process::id());
    let listener = UnixListener::bind(&name).unwrap();
    assert_eq!(
        listener.local_addr().unwrap().as_abstract_name(),
        Some(&name.as_bytes()[1..])
    );
    let err = UnixListener::bind(&name).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
    let (c, s) = futures::join!(UnixStream::connect(&name), listener.accept());
    let mut c = c.unwrap();
    let (mut s, _) = s.unwrap();
    c.write_all(b"abs").await.unwrap();
    let mut b = [0u8; 3];
    s.read_exact(&mut b).await.unwrap();
    assert_eq!(&b, b"abs");
}

async fn accepted_stream_is_usable_at_once() {
    let path = sock_path("usable");
    let listener = UnixListener::bind(&path).unwrap();
    let mut c = std::os::unix::net::UnixStream::connect(&path).unwrap();
    std::io::Write::write_all(&mut c, b"early").unwrap();
    let (mut s, _) = listener.accept().await.unwrap();
    let mut b = [0u8; 5];
    s.read_exact(&mut b).await.unwrap();
    assert_eq!(&b, b"early");
    s.write_all(b"reply").await.unwrap();
    std::io::Read::read_exact(&mut c, &mut b).unwrap();
    assert_eq!(&b, b"reply");
}

async fn std_round_trip() {
    let path = sock_path("std");
    let std_l = std::os::unix::net::UnixListener::bind(&path).unwrap();
    std_l.set_nonblocking(true).unwrap();
    let fd = std_l.as_raw_fd();
    let listener = UnixListener::from_std(std_l).unwrap();
    assert_eq!(listener.as_raw_fd(), fd);
    assert_eq!(listener.as_fd().as_raw_fd(), fd);
    let (c, s) = futures::join!(UnixStream::connect(&path), listener.accept());
    drop((c.unwrap(), s.unwrap()));
    let std_l = listener.into_std().unwrap();
    assert_eq!(std_l.as_raw_fd(), fd);
    // Non-blocking still.
    assert_eq!(
        std_l.accept().unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    let listener = UnixListener::try_from(std_l).unwrap();
    let (c, s) = futures::join!(UnixStream::connect(&path), listener.accept());
    drop((c.unwrap(), s.unwrap()));
    let dbg = format!("{listener:?}");
    assert!(dbg.contains("UnixListener"), "{dbg}");
}

async fn dropped_listener_refuses() {
    let path = sock_path("dropped");
    let listener = UnixListener::bind(&path).unwrap();
    drop(listener);
    // The socket file stays behind, but nobody accepts.
    assert!(path.exists());
    let err = UnixStream::connect(&path).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
}

#[test]
fn bind_outside_runtime_panics() {
    let path = sock_path("panic");
    let r = std::panic::catch_unwind(move || UnixListener::bind(&path));
    assert!(r.is_err());
}

#[test]
fn blocking_std_listener_panics_in_debug() {
    if !cfg!(debug_assertions) {
        return;
    }
    let rt = support::current_thread();
    let _g = rt.enter();
    let path = sock_path("blocking");
    let l = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let msg = support::panic_message(move || {
        let _ = UnixListener::from_std(l);
    });
    assert!(msg.contains("blocking socket"), "{msg}");
}

fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}
fn send_sync_unpin<T: Send + Sync + Unpin>() {}

fn unwind_safe<T: std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}

#[test]
fn auto_traits() {
    send_sync_unpin::<UnixListener>();
    unwind_safe::<UnixListener>();
    let rt = support::current_thread();
    let _g = rt.enter();
    let path = sock_path("traits");
    let l = UnixListener::bind(&path).unwrap();
    let f = l.accept();
    is_send(&f);
    is_sync(&f);
}
