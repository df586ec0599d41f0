#![cfg(all(feature = "full", target_os = "linux"))]
//! TCP under failure: running out of descriptors in `accept`, a peer's
//! reset, writing to a closed peer (an error, never SIGPIPE), half-closes
//! in both directions, and dropping the runtime while I/O is pending.
//!
//! The descriptor-limit and SIGPIPE tests change process-wide state, so
//! each runs in a child process (this same test binary, re-run on one
//! ignored test with an environment variable set).

mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt};
use kiso::net::{TcpListener, TcpStream};
use std::io::{self, IoSlice};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use support::{DropCounter, Flag};

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

#[repr(C)]
struct Rlimit {
    cur: u64,
    max: u64,
}

extern "C" {
    fn getrlimit(resource: i32, rlim: *mut Rlimit) -> i32;
    fn setrlimit(resource: i32, rlim: *const Rlimit) -> i32;
    fn signal(sig: i32, handler: usize) -> usize;
    fn kill(pid: i32, sig: i32) -> i32;
}

const RLIMIT_NOFILE: i32 = 7;
const SIGPIPE: i32 = 13;
const SIGKILL: i32 = 9;
const SIG_DFL: usize = 0;
const EMFILE: i32 = 24;

/// Set in the child processes this file starts.
const CHILD_ENV: &str = "KISO_NET_TCP_FAULTS_CHILD";

fn is_child() -> bool {
    std::env::var_os(CHILD_ENV).is_some()
}

fn nofile() -> Rlimit {
    let mut r = Rlimit { cur: 0, max: 0 };
    // SAFETY: `r` is a valid `struct rlimit` to write to.
    assert_eq!(unsafe { getrlimit(RLIMIT_NOFILE, &mut r) }, 0);
    r
}

fn set_nofile_soft(cur: u64) {
    let r = Rlimit {
        cur,
        max: nofile().max,
    };
    // SAFETY: `r` is a valid `struct rlimit`.
    assert_eq!(
        unsafe { setrlimit(RLIMIT_NOFILE, &r) },
        0,
        "{}",
        io::Error::last_os_error()
    );
}

/// Runs the ignored test `name` of this binary in a child process and
/// fails if it fails, dies of a signal, or takes too long.
fn run_in_child(name: &str) {
    let exe = std::env::current_exe().unwrap();
    let child = Command::new(exe)
        .args([
            name,
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(support::LIMIT) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            // SAFETY: `pid` is our own child, which has not been reaped (the
            // waiting thread is still blocked on it).
            unsafe { kill(pid, SIGKILL) };
            panic!(
                "child test {name} did not finish within {:?}",
                support::LIMIT
            );
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "child test {name} failed: {:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("1 passed"),
        "child test {name} did not run:\n{stdout}"
    );
}

fn runtimes() -> [kiso::runtime::Runtime; 2] {
    [support::current_thread(), support::multi(2)]
}

async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, accepted) =
        futures::future::join(TcpStream::connect(addr), listener.accept()).await;
    (client.unwrap(), accepted.unwrap().0)
}

fn highest_open_fd() -> u64 {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
        .max()
        .unwrap()
}

// ===== accept and EMFILE =====

#[test]
fn accept_reports_emfile_and_recovers() {
    run_in_child("emfile_child");
}

#[test]
#[ignore = "run by accept_reports_emfile_and_recovers in a child process"]
fn emfile_child() {
    if !is_child() {
        return;
    }
    let original = nofile().cur;
    for rt in runtimes() {
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            // A connection waits in the backlog.
            let mut client = std::net::TcpStream::connect(addr).unwrap();

            // Use up every descriptor the (lowered) limit allows.
            set_nofile_soft(highest_open_fd() + 8);
            let mut fillers = Vec::new();
            loop {
                match std::fs::File::open("/dev/null") {
                    Ok(f) => fillers.push(f),
                    Err(e) => {
                        assert_eq!(e.raw_os_error(), Some(EMFILE), "{e}");
                        break;
                    }
                }
            }
            // accept reports the error instead of hanging or spinning...
            let err = listener.accept().await.unwrap_err();
            assert_eq!(err.raw_os_error(), Some(EMFILE), "{err}");
            let err = std::future::poll_fn(|cx| listener.poll_accept(cx))
                .await
                .unwrap_err();
            assert_eq!(err.raw_os_error(), Some(EMFILE), "{err}");

            // ...and accepts the waiting connection once a descriptor is free.
            drop(fillers.pop());
            let (mut stream, peer) = listener.accept().await.unwrap();
            assert_eq!(peer, client.local_addr().unwrap());
            stream.write_all(b"!").await.unwrap();
            let mut b = [0u8; 1];
            std::io::Read::read_exact(&mut client, &mut b).unwrap();
            assert_eq!(&b, b"!");
            drop(fillers);
            set_nofile_soft(original);
        });
    }
}

// ===== writing to a closed peer =====

/// Writes to `stream`, whose peer is gone, until the write fails; returns
/// the error.
async fn write_until_error(stream: &mut TcpStream, vectored: bool) -> io::Error {
    for _ in 0..10_000 {
        let res = if vectored {
            stream
                .write_vectored(&[IoSlice::new(b"abc"), IoSlice::new(b"def")])
                .await
        } else {
            stream.write(b"abcdef").await
        };
        if let Err(e) = res {
            return e;
        }
    }
    panic!("writes to a closed peer kept succeeding");
}

fn assert_closed_peer_error(e: &io::Error) {
    assert!(
        matches!(
            e.kind(),
            io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
        ),
        "unexpected error {e:?}"
    );
}

/// The peer closes; wait for its FIN so writes hit the closed socket.
async fn closed_peer() -> TcpStream {
    let (mut client, server) = pair().await;
    drop(server);
    let mut b = [0u8; 1];
    assert_eq!(client.read(&mut b).await.unwrap(), 0);
    client
}

async fn write_to_closed_peer_is_an_error() {
    let mut s = closed_peer().await;
    assert_closed_peer_error(&write_until_error(&mut s, false).await);
}
rt_test!(write_to_closed_peer_is_an_error);

/// With SIGPIPE at its default action (which kills the process), writes
/// to a closed peer still only return errors: the sends use MSG_NOSIGNAL.
#[test]
fn write_to_closed_peer_raises_no_sigpipe() {
    run_in_child("sigpipe_child");
}

#[test]
#[ignore = "run by write_to_closed_peer_raises_no_sigpipe in a child process"]
fn sigpipe_child() {
    if !is_child() {
        return;
    }
    // SAFETY: restores the default disposition of SIGPIPE; no handler runs.
    unsafe { signal(SIGPIPE, SIG_DFL) };
    for rt in runtimes() {
        rt.block_on(async {
            let mut s = closed_peer().await;
            assert_closed_peer_error(&write_until_error(&mut s, false).await);

            let s = closed_peer().await;
            let err = loop {
                s.writable().await.unwrap();
                match s.try_write(b"xyz") {
                    Ok(_) => continue,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => break e,
                }
            };
            assert_closed_peer_error(&err);
        });
    }
}

/// The same for vectored writes (`sendmsg` with MSG_NOSIGNAL, not
/// `writev`, which would raise SIGPIPE).
#[test]
fn vectored_write_to_closed_peer_raises_no_sigpipe() {
    run_in_child("sigpipe_vectored_child");
}

#[test]
#[ignore = "run by vectored_write_to_closed_peer_raises_no_sigpipe in a child process"]
fn sigpipe_vectored_child() {
    if !is_child() {
        return;
    }
    // SAFETY: restores the default disposition of SIGPIPE; no handler runs.
    unsafe { signal(SIGPIPE, SIG_DFL) };
    for rt in runtimes() {
        rt.block_on(async {
            let mut s = closed_peer().await;
            assert_closed_peer_error(&write_until_error(&mut s, true).await);

            let s = closed_peer().await;
            let err = loop {
                s.writable().await.unwrap();
                match s.try_write_vectored(&[IoSlice::new(b"x"), IoSlice::new(b"yz")]) {
                    Ok(_) => continue,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => break e,
                }
            };
            assert_closed_peer_error(&err);

            let (_r, mut w) = closed_peer().await.into_split();
            let err = loop {
                match w
                    .write_vectored(&[IoSlice::new(b"x"), IoSlice::new(b"yz")])
                    .await
                {
                    Ok(_) => continue,
                    Err(e) => break e,
                }
            };
            assert_closed_peer_error(&err);
        });
    }
}

// ===== reset =====

async fn peer_reset_is_connection_reset() {
    let (client, mut server) = pair().await;
    client.set_zero_linger().unwrap();
    drop(client);
    let mut buf = [0u8; 16];
    let err = server.read(&mut buf).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err:?}");
}
rt_test!(peer_reset_is_connection_reset);

/// The reset arrives while a task is blocked in `read`.
async fn reset_wakes_a_pending_read() {
    let (client, mut server) = pair().await;
    let started = Flag::new();
    let s2 = started.clone();
    let reader = kiso::spawn(async move {
        s2.set();
        let mut buf = [0u8; 16];
        server.read(&mut buf).await
    });
    started.wait().await;
    for _ in 0..4 {
        kiso::task::yield_now().await;
    }
    client.set_zero_linger().unwrap();
    drop(client);
    let err = reader.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err:?}");
}
rt_test!(reset_wakes_a_pending_read);

/// Data the peer sent before resetting may be lost, but the reset itself
/// always surfaces.
async fn reset_after_data() {
    let (mut client, mut server) = pair().await;
    client.write_all(b"some data").await.unwrap();
    client.set_zero_linger().unwrap();
    drop(client);
    let mut buf = [0u8; 64];
    let err = loop {
        match server.read(&mut buf).await {
            Ok(0) => panic!("EOF instead of a reset"),
            Ok(_) => continue,
            Err(e) => break e,
        }
    };
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset, "{err:?}");
}
rt_test!(reset_after_data);

// ===== half-close =====

async fn half_close_client_write() {
    let (mut client, mut server) = pair().await;
    client.write_all(b"request").await.unwrap();
    client.shutdown().await.unwrap();
    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"request");
    // The server can still answer after seeing EOF.
    server.write_all(b"response").await.unwrap();
    server.shutdown().await.unwrap();
    let mut got = Vec::new();
    client.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"response");
}
rt_test!(half_close_client_write);

async fn half_close_server_write() {
    let (mut client, mut server) = pair().await;
    server.write_all(b"banner").await.unwrap();
    server.shutdown().await.unwrap();
    let mut got = Vec::new();
    client.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"banner");
    client.write_all(b"late reply").await.unwrap();
    drop(client);
    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"late reply");
}
rt_test!(half_close_server_write);

/// Both sides shut down their write halves at the same time; each still
/// reads everything the other sent.
async fn simultaneous_half_close() {
    let (client, server) = pair().await;
    let run = |mut s: TcpStream, out: &'static [u8]| async move {
        s.write_all(out).await.unwrap();
        s.shutdown().await.unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).await.unwrap();
        got
    };
    let a = kiso::spawn(run(client, b"from client"));
    let b = kiso::spawn(run(server, b"from server"));
    assert_eq!(a.await.unwrap(), b"from server");
    assert_eq!(b.await.unwrap(), b"from client");
}
rt_test!(simultaneous_half_close);

// ===== dropping the runtime =====

fn drop_runtime_with_pending_io(rt: kiso::runtime::Runtime) {
    let drops = Arc::new(AtomicUsize::new(0));
    let d = drops.clone();
    let (peer_of_reader, kept) = rt.block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (client, mut server) = pair().await;

        let read_started = Flag::new();
        let rs = read_started.clone();
        let guard = DropCounter(d.clone());
        kiso::spawn(async move {
            let _guard = guard;
            rs.set();
            let mut buf = [0u8; 8];
            let _ = server.read(&mut buf).await;
            panic!("the read completed");
        });
        let accept_started = Flag::new();
        let acs = accept_started.clone();
        let guard = DropCounter(d);
        kiso::spawn(async move {
            let _guard = guard;
            acs.set();
            let _ = listener.accept().await;
            panic!("the accept completed");
        });
        read_started.wait().await;
        accept_started.wait().await;
        for _ in 0..4 {
            kiso::task::yield_now().await;
        }
        let kept = pair().await;
        (client, kept)
    });
    // Dropping the runtime neither hangs (the caller's timeout) nor keeps
    // the pending futures: both were dropped with their tasks.
    drop(rt);
    assert_eq!(drops.load(Ordering::SeqCst), 2);

    // The reader's socket was closed with its task: its peer sees EOF.
    let mut std_peer = peer_of_reader.into_std().unwrap();
    std_peer.set_nonblocking(false).unwrap();
    let mut b = [0u8; 1];
    assert_eq!(std::io::Read::read(&mut std_peer, &mut b).unwrap(), 0);

    // A socket kept past the runtime reports the shutdown on use.
    let (mut a, b_side) = kept;
    let err = futures::executor::block_on(a.readable()).unwrap_err();
    assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
    let mut buf = [0u8; 4];
    let err = futures::executor::block_on(a.read(&mut buf)).unwrap_err();
    assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
    let err = futures::executor::block_on(a.write_all(b"late")).unwrap_err();
    assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
    drop(b_side);
}

#[test]
fn dropping_a_current_thread_runtime_with_pending_io() {
    support::with_timeout(|| drop_runtime_with_pending_io(support::current_thread()));
}

#[test]
fn dropping_a_multi_thread_runtime_with_pending_io() {
    support::with_timeout(|| drop_runtime_with_pending_io(support::multi(2)));
}

/// A listener kept past its runtime fails to accept, with the shutdown
/// error, even on another runtime.
#[test]
fn listener_after_its_runtime_is_gone() {
    support::with_timeout(|| {
        let rt1 = support::current_thread();
        let rt2 = support::current_thread();
        let listener = rt1.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        drop(rt1);
        rt2.block_on(async {
            let err = listener.accept().await.unwrap_err();
            assert!(kiso::runtime::is_rt_shutdown_err(&err), "{err:?}");
        });
    });
}
