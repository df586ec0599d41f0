#![cfg(feature = "full")]
//! `kiso::io::unix::AsyncFd` and its guards: readiness edges with
//! `clear_ready` / `retain_ready` / `clear_ready_matching`, the guards'
//! `try_io`, the poll-based and `_mut` variants, `async_io` / `try_io`,
//! registration errors (a regular file cannot be polled), deregistration,
//! several waiters, runtime shutdown and auto traits. Every async test runs
//! on a current-thread and a multi-thread runtime.

#[macro_use]
mod support;

use kiso::io::unix::{
    AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdRegisterError, TryIoError,
};
use kiso::io::{Interest, Ready};
use std::fs::File;
use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

on_both_runtimes!(
    readable_waits_for_data,
    clear_ready_waits_for_next_edge,
    retained_readiness_completes_at_once,
    clear_ready_matching_keeps_the_rest,
    guard_try_io_clears_on_would_block,
    guard_accessors,
    mut_guard_accessors_and_try_io,
    writable_and_full_buffer,
    poll_read_and_write_ready,
    poll_mut_variants,
    ready_with_combined_interest,
    async_io_and_try_io,
    regular_file_is_refused,
    into_inner_deregisters,
    with_interest_readable_only,
    many_waiters_all_woken,
    read_closed_on_hangup,
    deprecated_constructors,
);

fn socketpair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

fn register<T: AsRawFd>(t: T) -> AsyncFd<T> {
    // SAFETY: the tests only register objects that own their descriptor and
    // never replace it while registered.
    unsafe { AsyncFd::register(t) }.unwrap()
}

/// Waits for an unrelated I/O event, which needs at least one turn of the
/// I/O driver.
async fn driver_turn() {
    use kiso::io::{AsyncReadExt, AsyncWriteExt};
    let (mut x, mut y) = kiso::net::UnixStream::pair().unwrap();
    x.write_all(b".").await.unwrap();
    let mut one = [0u8; 1];
    y.read_exact(&mut one).await.unwrap();
}

/// Reads everything available without blocking.
fn drain(s: &UnixStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match (&*s).read(&mut buf) {
            Ok(0) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return out,
            Err(e) => panic!("{e}"),
        }
    }
}

async fn readable_waits_for_data() {
    let (a, mut b) = socketpair();
    let fd = register(a);
    let mut fut = Box::pin(fd.readable());
    assert!(futures::poll!(fut.as_mut()).is_pending());
    b.write_all(b"data").unwrap();
    let mut guard = fut.await.unwrap();
    assert!(guard.ready().is_readable());
    let mut buf = [0u8; 8];
    let n = guard
        .try_io(|inner| inner.get_ref().read(&mut buf))
        .unwrap()
        .unwrap();
    assert_eq!(&buf[..n], b"data");
}

async fn clear_ready_waits_for_next_edge() {
    let (a, mut b) = socketpair();
    let fd = register(a);
    b.write_all(b"1").unwrap();
    {
        let mut guard = fd.readable().await.unwrap();
        assert_eq!(drain(guard.get_inner()), b"1");
        guard.clear_ready();
        assert_eq!(guard.ready(), Ready::EMPTY);
    }
    // Cleared: waits for the next edge, even after the driver had a turn.
    let mut next = Box::pin(fd.readable());
    assert!(futures::poll!(next.as_mut()).is_pending());
    driver_turn().await;
    assert!(futures::poll!(next.as_mut()).is_pending());
    b.write_all(b"2").unwrap();
    let mut guard = next.await.unwrap();
    assert_eq!(drain(guard.get_inner()), b"2");
    guard.clear_ready();
}

async fn retained_readiness_completes_at_once() {
    let (a, mut b) = socketpair();
    let fd = register(a);
    b.write_all(b"x").unwrap();
    {
        let mut guard = fd.readable().await.unwrap();
        guard.retain_ready();
    }
    {
        // Dropping a guard without clearing also keeps the readiness.
        let _guard = fd.readable().await.unwrap();
    }
    let mut again = Box::pin(fd.readable());
    match futures::poll!(again.as_mut()) {
        std::task::Poll::Ready(g) => {
            let mut g = g.unwrap();
            assert_eq!(drain(g.get_inner()), b"x");
            g.clear_ready();
        }
        std::task::Poll::Pending => panic!("retained readiness should complete at once"),
    }
}

async fn clear_ready_matching_keeps_the_rest() {
    let (a, mut b) = socketpair();
    let fd = register(a);
    b.write_all(b"x").unwrap();
    // Wait until both readable and writable are reported.
    fd.readable().await.unwrap().retain_ready();
    fd.writable().await.unwrap().retain_ready();
    let mut guard = fd
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap();
    assert!(guard.ready().is_readable() && guard.ready().is_writable());
    guard.clear_ready_matching(Ready::READABLE);
    assert!(!guard.ready().is_readable());
    assert!(guard.ready().is_writable());
    guard.clear_ready_matching(Ready::WRITABLE);
    assert!(guard.ready().is_empty());
    drop(guard);
    // Readable was cleared although the byte is still unread; writable
    // too. Both wait now...
    let mut r = Box::pin(fd.readable());
    assert!(futures::poll!(r.as_mut()).is_pending());
    drop(r);
    // ... until a new edge.
    b.write_all(b"y").unwrap();
    let mut g = fd.readable().await.unwrap();
    assert_eq!(drain(g.get_inner()), b"xy");
    g.clear_ready();
}

async fn guard_try_io_clears_on_would_block() {
    let (a, mut b) = socketpair();
    let fd = register(a);
    b.write_all(b"abc").unwrap();
    let mut guard = fd.readable().await.unwrap();
    let mut buf = [0u8; 8];
    let n = guard
        .try_io(|inner| inner.get_ref().read(&mut buf))
        .unwrap()
        .unwrap();
    assert_eq!(n, 3);
    assert!(guard.ready().is_readable());
    let r = guard.try_io(|inner| inner.get_ref().read(&mut buf));
    let e: TryIoError = r.unwrap_err();
    assert!(format!("{e:?}").contains("TryIoError"));
    assert!(guard.ready().is_empty());
    // Other errors come back inside Ok.
    let r = guard.try_io(|_| Err::<(), _>(io::Error::other("boom")));
    assert_eq!(r.unwrap().unwrap_err().to_string(), "boom");
    drop(guard);
    let mut pending = Box::pin(fd.readable());
    assert!(futures::poll!(pending.as_mut()).is_pending());
}

async fn guard_accessors() {
    let (a, mut b) = socketpair();
    let raw = a.as_raw_fd();
    let fd = register(a);
    assert_eq!(fd.as_raw_fd(), raw);
    assert_eq!(fd.as_fd().as_raw_fd(), raw);
    assert_eq!(fd.get_ref().as_raw_fd(), raw);
    b.write_all(b"z").unwrap();
    let guard: AsyncFdReadyGuard<'_, UnixStream> = fd.readable().await.unwrap();
    assert_eq!(guard.get_ref().as_raw_fd(), raw);
    assert_eq!(guard.get_inner().as_raw_fd(), raw);
    let dbg = format!("{guard:?}");
    assert!(dbg.contains("ReadyGuard"), "{dbg}");
    let dbg = format!("{fd:?}");
    assert!(dbg.contains("AsyncFd"), "{dbg}");
}

async fn mut_guard_accessors_and_try_io() {
    let (a, mut b) = socketpair();
    let raw = a.as_raw_fd();
    let mut fd = register(a);
    assert_eq!(fd.get_mut().as_raw_fd(), raw);
    b.write_all(b"mut").unwrap();
    let mut guard: AsyncFdReadyMutGuard<'_, UnixStream> = fd.readable_mut().await.unwrap();
    assert!(guard.ready().is_readable());
    assert_eq!(guard.get_ref().as_raw_fd(), raw);
    assert_eq!(guard.get_mut().as_raw_fd(), raw);
    assert_eq!(guard.get_inner().as_raw_fd(), raw);
    assert_eq!(guard.get_inner_mut().as_raw_fd(), raw);
    let mut buf = [0u8; 8];
    let n = guard
        .try_io(|inner| inner.get_mut().read(&mut buf))
        .unwrap()
        .unwrap();
    assert_eq!(&buf[..n], b"mut");
    assert!(guard
        .try_io(|inner| inner.get_mut().read(&mut buf))
        .is_err());
    assert!(guard.ready().is_empty());
    let dbg = format!("{guard:?}");
    assert!(dbg.contains("MutReadyGuard"), "{dbg}");
    drop(guard);
    let mut g = fd.writable_mut().await.unwrap();
    assert!(g.ready().is_writable());
    g.clear_ready_matching(Ready::WRITABLE);
    assert!(g.ready().is_empty());
    g.retain_ready();
    drop(g);
    b.write_all(b"!").unwrap();
    let mut g = fd.ready_mut(Interest::READABLE).await.unwrap();
    assert_eq!(drain(g.get_inner()), b"!");
    g.clear_ready();
}

async fn writable_and_full_buffer() {
    let (a, b) = socketpair();
    let fd = register(a);
    let chunk = vec![0u8; 65536];
    let mut written = 0;
    loop {
        let mut guard = fd.writable().await.unwrap();
        match guard.try_io(|inner| inner.get_ref().write(&chunk)) {
            Ok(r) => written += r.unwrap(),
            Err(_would_block) => break,
        }
    }
    assert!(written > 0);
    let mut w = Box::pin(fd.writable());
    assert!(futures::poll!(w.as_mut()).is_pending());
    let mut total = 0;
    while total < written {
        let got = drain(&b);
        total += got.len();
        if got.is_empty() {
            kiso::task::yield_now().await;
        }
    }
    let mut g = w.await.unwrap();
    assert!(g.ready().is_writable());
    g.try_io(|inner| inner.get_ref().write(b"more"))
        .unwrap()
        .unwrap();
}

async fn poll_read_and_write_ready() {
    let (a, b) = socketpair();
    let fd = Arc::new(register(a));
    let mut g = poll_fn(|cx| fd.poll_write_ready(cx)).await.unwrap();
    assert!(g.ready().is_writable());
    g.retain_ready();
    drop(g);
    let fd2 = fd.clone();
    let reader = kiso::spawn(async move {
        loop {
            let mut g = poll_fn(|cx| fd2.poll_read_ready(cx)).await.unwrap();
            let mut buf = [0u8; 8];
            match g.try_io(|inner| inner.get_ref().read(&mut buf)) {
                Ok(r) => {
                    let n = r.unwrap();
                    return buf[..n].to_vec();
                }
                Err(_) => continue,
            }
        }
    });
    kiso::task::yield_now().await;
    (&b).write_all(b"polled").unwrap();
    assert_eq!(reader.await.unwrap(), b"polled");
}

async fn poll_mut_variants() {
    let (a, mut b) = socketpair();
    let mut fd = register(a);
    {
        let g = poll_fn(|cx| fd.poll_write_ready_mut(cx).map(|r| r.map(|g| g.ready()))).await;
        assert!(g.unwrap().is_writable());
    }
    b.write_all(b"pm").unwrap();
    let ready = poll_fn(|cx| {
        fd.poll_read_ready_mut(cx).map(|r| {
            r.map(|mut g| {
                let got = drain(g.get_inner());
                g.clear_ready();
                got
            })
        })
    })
    .await
    .unwrap();
    assert_eq!(ready, b"pm");
}

async fn ready_with_combined_interest() {
    let (a, _b) = socketpair();
    let fd = register(a);
    let g = fd
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap();
    assert!(g.ready().is_writable());
    assert!(!g.ready().is_readable());
}

async fn async_io_and_try_io() {
    let (a, b) = socketpair();
    let fd = Arc::new(register(a));
    let calls = Arc::new(AtomicUsize::new(0));
    let reader = {
        let fd = fd.clone();
        let calls = calls.clone();
        kiso::spawn(async move {
            let mut buf = [0u8; 8];
            let n = fd
                .async_io(Interest::READABLE, |inner| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    (&*inner).read(&mut buf)
                })
                .await
                .unwrap();
            buf[..n].to_vec()
        })
    };
    kiso::task::yield_now().await;
    (&b).write_all(b"aio").unwrap();
    assert_eq!(reader.await.unwrap(), b"aio");
    assert!(calls.load(Ordering::SeqCst) >= 1);

    let mut buf = [0u8; 8];
    let err = fd
        .try_io(Interest::READABLE, |inner| (&*inner).read(&mut buf))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    let err = fd
        .try_io(Interest::READABLE, |_| -> io::Result<()> {
            panic!("called")
        })
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);

    let mut fd = Arc::try_unwrap(fd).unwrap();
    (&b).write_all(b"mut").unwrap();
    let n = fd
        .async_io_mut(Interest::READABLE, |inner| inner.read(&mut buf))
        .await
        .unwrap();
    assert_eq!(&buf[..n], b"mut");
    let err = fd
        .try_io_mut(Interest::READABLE, |inner| inner.read(&mut buf))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    let n = fd
        .async_io_mut(Interest::WRITABLE, |inner| inner.write(b"back"))
        .await
        .unwrap();
    assert_eq!(n, 4);
    assert_eq!(drain(&b), b"back");
    let n = fd
        .try_io_mut(Interest::WRITABLE, |inner| inner.write(b"t"))
        .unwrap();
    assert_eq!(n, 1);
}

async fn regular_file_is_refused() {
    let path = std::env::temp_dir().join(format!("kiso-asyncfd-{}", std::process::id()));
    std::fs::write(&path, b"plain").unwrap();
    let file = File::open(&path).unwrap();
    let raw = file.as_raw_fd();
    // SAFETY: the file owns its descriptor.
    let err: AsyncFdRegisterError<File> = unsafe { AsyncFd::register(file) }.unwrap_err();
    assert_eq!(err.to_string(), io::Error::from_raw_os_error(1).to_string());
    let dbg = format!("{err:?}");
    assert!(dbg.contains("1") || dbg.contains("permitted"), "{dbg}");
    assert!(std::error::Error::source(&err).is_some());
    let (file, cause) = err.into_parts();
    assert_eq!(file.as_raw_fd(), raw);
    assert_eq!(cause.kind(), io::ErrorKind::PermissionDenied);
    // SAFETY: as above.
    let err = unsafe { AsyncFd::register_with_interest(file, Interest::READABLE) }.unwrap_err();
    let io_err: io::Error = err.into();
    assert_eq!(io_err.raw_os_error(), Some(1));
    std::fs::remove_file(&path).unwrap();
}

async fn into_inner_deregisters() {
    let (a, mut b) = socketpair();
    let raw = a.as_raw_fd();
    let fd = register(a);
    let a = fd.into_inner();
    assert_eq!(a.as_raw_fd(), raw);
    // Registering the same descriptor again works (it left the epoll set).
    let fd = register(a);
    b.write_all(b"again").unwrap();
    let mut g = fd.readable().await.unwrap();
    assert_eq!(drain(g.get_inner()), b"again");
    g.clear_ready();
    // An OwnedFd works as the inner object too.
    let owned: OwnedFd = fd.into_inner().into();
    let fd = register(owned);
    b.write_all(b"o").unwrap();
    let _g = fd.readable().await.unwrap();
}

async fn with_interest_readable_only() {
    let (a, mut b) = socketpair();
    // SAFETY: the stream owns its descriptor.
    let fd = unsafe { AsyncFd::register_with_interest(a, Interest::READABLE) }.unwrap();
    b.write_all(b"r").unwrap();
    let g = fd.readable().await.unwrap();
    assert!(g.ready().is_readable());
    assert!(!g.ready().is_writable());
}

async fn many_waiters_all_woken() {
    let (a, mut b) = socketpair();
    let fd = Arc::new(register(a));
    let woken = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let fd = fd.clone();
            let woken = woken.clone();
            kiso::spawn(async move {
                let g = fd.readable().await.unwrap();
                assert!(g.ready().is_readable());
                woken.fetch_add(1, Ordering::SeqCst);
            })
        })
        .collect();
    let mut local: Vec<_> = (0..4).map(|_| Box::pin(fd.readable())).collect();
    for f in &mut local {
        assert!(futures::poll!(f.as_mut()).is_pending());
    }
    b.write_all(b"all").unwrap();
    for f in futures::future::join_all(local).await {
        assert!(f.unwrap().ready().is_readable());
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(woken.load(Ordering::SeqCst), 5);
}

async fn read_closed_on_hangup() {
    let (a, b) = socketpair();
    let fd = register(a);
    drop(b);
    let g = fd.readable().await.unwrap();
    assert!(g.ready().is_read_closed());
    let g = fd.ready(Interest::READABLE).await.unwrap();
    assert!(g.ready().is_read_closed());
}

#[allow(deprecated)]
async fn deprecated_constructors() {
    let (a, mut b) = socketpair();
    let fd = AsyncFd::new(a).unwrap();
    b.write_all(b"1").unwrap();
    let _ = fd.readable().await.unwrap();
    let a = fd.into_inner();
    let fd = AsyncFd::with_interest(a, Interest::READABLE).unwrap();
    let a = fd.into_inner();
    let fd = AsyncFd::try_new(a).unwrap();
    let a = fd.into_inner();
    let fd = AsyncFd::try_with_interest(a, Interest::WRITABLE).unwrap();
    let _ = fd.writable().await.unwrap();
    let path = std::env::temp_dir().join(format!("kiso-asyncfd-dep-{}", std::process::id()));
    std::fs::write(&path, b"f").unwrap();
    let file = File::open(&path).unwrap();
    let err = AsyncFd::new(file).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(1));
    let file = File::open(&path).unwrap();
    let err: kiso::io::unix::AsyncFdTryNewError<File> = AsyncFd::try_new(file).unwrap_err();
    let (_file, cause) = err.into_parts();
    assert_eq!(cause.raw_os_error(), Some(1));
    let file = File::open(&path).unwrap();
    assert!(AsyncFd::with_interest(file, Interest::READABLE).is_err());
    let file = File::open(&path).unwrap();
    assert!(AsyncFd::try_with_interest(file, Interest::READABLE).is_err());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn runtime_shutdown_errors() {
    support::with_timeout(|| {
        let rt = support::current_thread();
        let (a, _b) = socketpair();
        let fd = rt.block_on(async { register(a) });
        drop(rt);
        let rt2 = support::current_thread();
        let err = rt2.block_on(fd.readable()).unwrap_err();
        assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
        let err = rt2
            .block_on(fd.async_io(Interest::READABLE, |_| Ok(())))
            .unwrap_err();
        assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
        // Dropping after shutdown is fine.
        drop(fd);
    });
}

#[test]
fn shutdown_wakes_a_pending_waiter() {
    support::with_timeout(|| {
        let rt = support::multi(1);
        let (a, _b) = socketpair();
        let fd = Arc::new(rt.block_on(async { register(a) }));
        let fd2 = fd.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let rt2 = support::current_thread();
            rt2.block_on(async {
                let mut f = Box::pin(fd2.readable());
                assert!(futures::poll!(f.as_mut()).is_pending());
                tx.send(()).unwrap();
                f.await.map(|_| ()).unwrap_err()
            })
        });
        rx.recv().unwrap();
        drop(rt);
        let err = waiter.join().unwrap();
        assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
    });
}

#[test]
fn register_outside_runtime_panics() {
    let (a, _b) = socketpair();
    let r = std::panic::catch_unwind(move || {
        // SAFETY: the stream owns its descriptor.
        let _ = unsafe { AsyncFd::register(a) };
    });
    assert!(r.is_err());
}

fn send_sync_unpin<T: Send + Sync + Unpin>() {}
fn is_send<T: Send>(_: &T) {}
fn is_sync<T: Sync>(_: &T) {}

#[test]
fn auto_traits() {
    send_sync_unpin::<AsyncFd<UnixStream>>();
    send_sync_unpin::<AsyncFd<OwnedFd>>();
    send_sync_unpin::<AsyncFdReadyGuard<'static, UnixStream>>();
    send_sync_unpin::<AsyncFdReadyMutGuard<'static, UnixStream>>();
    send_sync_unpin::<TryIoError>();
    send_sync_unpin::<AsyncFdRegisterError<UnixStream>>();
    let rt = support::current_thread();
    let _g = rt.enter();
    let (a, _b) = socketpair();
    let mut fd = register(a);
    macro_rules! check {
        ($e:expr) => {{
            let f = $e;
            is_send(&f);
            is_sync(&f);
            drop(f);
        }};
    }
    check!(fd.readable());
    check!(fd.writable());
    check!(fd.ready(Interest::READABLE));
    check!(fd.async_io(Interest::READABLE, |_| Ok(())));
    check!(fd.readable_mut());
    check!(fd.writable_mut());
    check!(fd.ready_mut(Interest::READABLE));
    check!(fd.async_io_mut(Interest::READABLE, |_| Ok(())));
}
