//! The scheduler on crowded CPUs (see `capacity`), with the capacity forced,
//! so that the tests do not depend on the load of the machine they run on.

use crate::io::{AsyncReadExt, AsyncWriteExt};
use crate::runtime::{Builder, Runtime};
use std::future::Future;
use std::io::{Read, Write};
use std::time::Duration;

fn runtime(capacity_milli: u32) -> Runtime {
    let rt = Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.handle().inner.multi_thread().capacity.force(capacity_milli);
    rt
}

/// Starts an echo server on `rt`: an accept loop task, and a task per
/// connection (spawned from the accept loop, on a worker).
fn echo_server(rt: &Runtime) -> std::net::SocketAddr {
    let listener = rt.block_on(crate::net::TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            crate::spawn(async move {
                let mut buf = [0u8; 64];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    addr
}

/// `rounds` times: writes a message on every connection, then reads every
/// echo back, so that the server sees bursts of events.
fn drive(conns: &mut [std::net::TcpStream], rounds: usize) {
    let mut buf = [0u8; 16];
    for round in 0..rounds {
        let msg = (round as u64).to_le_bytes();
        for c in conns.iter_mut() {
            c.write_all(&msg).unwrap();
        }
        for c in conns.iter_mut() {
            c.read_exact(&mut buf[..8]).unwrap();
            assert_eq!(buf[..8], msg);
        }
    }
}

/// The share of the polls of the last `drive` that the busier worker ran.
fn busier_share(rt: &Runtime, conns: &mut [std::net::TcpStream], rounds: usize) -> f64 {
    let m = rt.metrics();
    let before = [m.worker_poll_count(0), m.worker_poll_count(1)];
    drive(conns, rounds);
    let d = [m.worker_poll_count(0) - before[0], m.worker_poll_count(1) - before[1]];
    d[0].max(d[1]) as f64 / (d[0] + d[1]).max(1) as f64
}

/// With one CPU to spare for two workers, bursts of I/O events stay on the
/// worker that polls the driver: the other is not woken for them, does not
/// take the driver while the first one runs, and does not steal. (With CPUs
/// to spare, the same load spreads over both workers on most runs; that is
/// not asserted, since it depends on the machine.)
#[test]
fn crowded_io_bursts_stay_on_the_running_worker() {
    let rt = runtime(1000);
    let addr = echo_server(&rt);
    let mut conns: Vec<_> = (0..16)
        .map(|_| {
            let s = std::net::TcpStream::connect(addr).unwrap();
            s.set_nodelay(true).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s
        })
        .collect();
    drive(&mut conns, 200);
    let share = busier_share(&rt, &mut conns, 2000);
    assert!(share >= 0.9, "the busier worker ran only {:.0}% of the polls", share * 100.0);
}

/// On crowded CPUs a worker that parks while another runs leaves the I/O
/// driver to that one, but not forever: when the running worker is stuck in a
/// task (here, blocked until an I/O event is handled), the sleeper takes the
/// driver after `IO_WATCH` and handles the event itself.
#[test]
fn crowded_sleeper_takes_the_driver_from_a_stuck_worker() {
    let rt = runtime(1000);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    server.set_nonblocking(true).unwrap();

    // The reader registers its interest, says so, and waits for a byte.
    let (registered_tx, registered_rx) = std::sync::mpsc::channel();
    let (handled_tx, handled_rx) = std::sync::mpsc::channel();
    let reader = rt.spawn(async move {
        let mut stream = crate::net::TcpStream::from_std(server).unwrap();
        let mut byte = [0u8; 1];
        let mut read = std::pin::pin!(stream.read_exact(&mut byte));
        std::future::poll_fn(|cx| {
            assert!(read.as_mut().poll(cx).is_pending(), "nothing was written yet");
            std::task::Poll::Ready(())
        })
        .await;
        registered_tx.send(()).unwrap();
        read.await.unwrap();
        handled_tx.send(()).unwrap();
    });
    registered_rx.recv_timeout(Duration::from_secs(10)).unwrap();

    // A task blocks its worker until the event has been handled elsewhere.
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let stuck = rt.spawn(async move {
        started_tx.send(()).unwrap();
        handled_rx.recv_timeout(Duration::from_secs(10))
    });
    started_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    // A task from outside wakes the other worker, which runs it and parks
    // again while the first one is stuck: off the driver, on watch.
    rt.block_on(rt.spawn(async {})).unwrap();
    client.write_all(b"x").unwrap();

    let outcome = rt.block_on(async { crate::time::timeout(Duration::from_secs(20), stuck).await });
    outcome
        .expect("the stuck task returned")
        .unwrap()
        .expect("the event was handled while a worker was stuck");
    rt.block_on(reader).unwrap();
}
