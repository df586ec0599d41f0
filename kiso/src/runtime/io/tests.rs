//! Reactor tests over raw mio sockets (the public socket types have their
//! own tests in `kiso/tests`).

use super::PollEvented;
use crate::io::ReadBuf;
use crate::runtime::{Builder, Runtime};
use std::future::poll_fn;
use std::io::{Read, Write};
use std::time::Duration;

fn rts() -> Vec<Runtime> {
    vec![
        Builder::new_current_thread().enable_all().build().unwrap(),
        Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap(),
    ]
}

async fn read_some(s: &PollEvented<mio::net::TcpStream>, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut rb = ReadBuf::new(buf);
    poll_fn(|cx| s.poll_read(cx, &mut rb)).await?;
    Ok(rb.filled().len())
}

async fn write_all(s: &PollEvented<mio::net::TcpStream>, mut buf: &[u8]) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = poll_fn(|cx| s.poll_write(cx, buf)).await?;
        buf = &buf[n..];
    }
    Ok(())
}

fn pair() -> (mio::net::TcpStream, std::net::TcpStream) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let c = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (s, _) = l.accept().unwrap();
    s.set_nonblocking(true).unwrap();
    (mio::net::TcpStream::from_std(s), c)
}

#[test]
fn read_wakes_on_data_from_another_thread() {
    for rt in rts() {
        let (s, mut peer) = pair();
        rt.block_on(async move {
            let s = PollEvented::new(s).unwrap();
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let t = std::thread::spawn(move || {
                // Write only once the reader is (very likely) waiting.
                rx.recv().unwrap();
                peer.write_all(b"hello").unwrap();
                peer
            });
            let mut buf = [0u8; 16];
            tx.send(()).unwrap();
            let n = read_some(&s, &mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"hello");
            let mut peer = t.join().unwrap();
            drop(s);
            // Our side closed: the peer sees EOF.
            let mut rest = Vec::new();
            peer.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            peer.read_to_end(&mut rest).unwrap();
            assert!(rest.is_empty());
        });
    }
}

#[test]
fn echo_many_round_trips_between_tasks_ct() {
    echo_many(rts().remove(0));
}

#[test]
fn echo_many_round_trips_between_tasks_mt() {
    echo_many(rts().remove(1));
}

fn echo_many(rt: Runtime) {
    {
        rt.block_on(async {
            let (a, b) = pair();
            b.set_nonblocking(true).unwrap();
            let b = mio::net::TcpStream::from_std(b);
            let server = crate::spawn(async move {
                let a = PollEvented::new(a).unwrap();
                let mut buf = [0u8; 64];
                loop {
                    let n = read_some(&a, &mut buf).await.unwrap();
                    if n == 0 {
                        return;
                    }
                    write_all(&a, &buf[..n]).await.unwrap();
                }
            });
            let b = PollEvented::new(b).unwrap();
            for i in 0..2000u32 {
                let msg = i.to_le_bytes();
                write_all(&b, &msg).await.unwrap();
                let mut got = [0u8; 4];
                let mut have = 0;
                while have < 4 {
                    have += read_some(&b, &mut got[have..]).await.unwrap();
                }
                assert_eq!(got, msg);
            }
            drop(b);
            server.await.unwrap();
        });
    }
}

#[test]
fn shutdown_wakes_pending_io_with_an_error() {
    let rt = Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let (s, _peer) = pair();
    let s = {
        let _g = rt.enter();
        std::sync::Arc::new(PollEvented::new(s).unwrap())
    };
    let s2 = s.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    // A thread outside the runtime waits on the resource's readiness.
    let waiter = std::thread::spawn(move || {
        let mut buf = [0u8; 8];
        let r = crate::runtime::park::block_on(read_some(&s2, &mut buf));
        tx.send(r.map(|_| ()).map_err(|e| crate::runtime::is_rt_shutdown_err(&e))).unwrap();
    });
    drop(rt);
    let r = rx.recv_timeout(Duration::from_secs(10)).expect("pending I/O was not woken at shutdown");
    assert_eq!(r, Err(true));
    waiter.join().unwrap();
    drop(s);
}

#[test]
fn registrations_are_released() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let driver = crate::runtime::Handle::current().inner.clone();
        let driver = driver.io().unwrap();
        let before = driver.num_registered();
        let mut keep = Vec::new();
        for _ in 0..50 {
            keep.push(PollEvented::new(pair().0).unwrap());
        }
        assert_eq!(driver.num_registered(), before + 50);
        keep.clear();
        assert_eq!(driver.num_registered(), before);
    });
}

#[test]
#[should_panic(expected = "IO is disabled")]
fn registering_without_enable_io_panics() {
    let rt = Builder::new_current_thread().build().unwrap();
    let _g = rt.enter();
    let _ = PollEvented::new(pair().0);
}
