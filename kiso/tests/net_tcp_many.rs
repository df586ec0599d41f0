#![cfg(all(feature = "full", target_os = "linux"))]
//! 1,000 TCP connections open at once, each echoing its own bytes exactly.

mod support;

use kiso::io::{AsyncReadExt, AsyncWriteExt};
use kiso::net::{TcpListener, TcpStream};

const CONNECTIONS: usize = 1000;
const PAYLOAD: usize = 4096;
const WAVE: usize = 50;

#[repr(C)]
struct Rlimit {
    cur: u64,
    max: u64,
}

extern "C" {
    fn getrlimit(resource: i32, rlim: *mut Rlimit) -> i32;
    fn setrlimit(resource: i32, rlim: *const Rlimit) -> i32;
}

const RLIMIT_NOFILE: i32 = 7;

/// Raises the soft descriptor limit to the hard one (two descriptors per
/// connection are needed here); only ever raises it, so other tests in
/// this binary are unaffected.
fn raise_nofile_limit() {
    let mut r = Rlimit { cur: 0, max: 0 };
    // SAFETY: `r` is a valid `struct rlimit` to write to.
    assert_eq!(unsafe { getrlimit(RLIMIT_NOFILE, &mut r) }, 0);
    if r.cur < r.max {
        r.cur = r.max;
        // SAFETY: `r` is a valid `struct rlimit`.
        assert_eq!(unsafe { setrlimit(RLIMIT_NOFILE, &r) }, 0);
    }
    assert!(
        r.cur >= (2 * CONNECTIONS + 64) as u64,
        "descriptor limit too low: {}",
        r.cur
    );
}

fn payload(id: usize) -> Vec<u8> {
    (0..PAYLOAD)
        .map(|i| (i.wrapping_mul(7) ^ id.wrapping_mul(131) ^ (id >> 8)) as u8)
        .collect()
}

async fn many_connections_echo() {
    raise_nofile_limit();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = kiso::spawn(async move {
        let mut echoes = Vec::with_capacity(CONNECTIONS);
        for _ in 0..CONNECTIONS {
            let (mut s, _) = listener.accept().await.unwrap();
            echoes.push(kiso::spawn(async move {
                // Greet, so the client knows it was accepted.
                s.write_all(b"+").await.unwrap();
                let (mut r, mut w) = s.split();
                let n = kiso::io::copy(&mut r, &mut w).await.unwrap();
                assert_eq!(n, PAYLOAD as u64);
            }));
        }
        for e in echoes {
            e.await.unwrap();
        }
    });

    // Phase 1: open every connection; all stay open together. They are
    // opened in waves no larger than a small accept backlog (some network
    // stacks reset connections that overflow it), each connection waiting
    // for the server's greeting.
    let mut streams = Vec::with_capacity(CONNECTIONS);
    for wave in 0..CONNECTIONS / WAVE {
        let connects: Vec<_> = (0..WAVE)
            .map(|_| {
                kiso::spawn(async move {
                    let mut s = TcpStream::connect(addr).await.unwrap();
                    let mut hello = [0u8; 1];
                    s.read_exact(&mut hello).await.unwrap();
                    assert_eq!(&hello, b"+");
                    s
                })
            })
            .collect();
        for c in connects {
            streams.push(c.await.unwrap());
        }
        assert_eq!(streams.len(), (wave + 1) * WAVE);
    }

    // Phase 2: every connection sends its own bytes and checks the echo.
    let exchanges: Vec<_> = streams
        .into_iter()
        .enumerate()
        .map(|(id, mut s)| {
            kiso::spawn(async move {
                let data = payload(id);
                let (mut r, mut w) = s.split();
                let write = async {
                    w.write_all(&data).await.unwrap();
                    w.shutdown().await.unwrap();
                };
                let read = async {
                    let mut back = Vec::with_capacity(PAYLOAD);
                    r.read_to_end(&mut back).await.unwrap();
                    back
                };
                let ((), back) = futures::future::join(write, read).await;
                assert!(back == data, "connection {id} got other bytes back");
            })
        })
        .collect();
    for e in exchanges {
        e.await.unwrap();
    }
    server.await.unwrap();
}

#[test]
fn many_connections_multi_thread() {
    support::with_timeout(|| support::multi(2).block_on(many_connections_echo()));
}

#[test]
fn many_connections_current_thread() {
    support::with_timeout(|| support::current_thread().block_on(many_connections_echo()));
}
