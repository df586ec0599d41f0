//! `mem/bytes_per_connection` (bytes/conn, lower is better): memory of idle TCP
//! connections on a server, measured as peak-RSS growth per connection. Built with the
//! `io-workloads` cargo feature (a default one), listed with the other `mem/` workloads.
//!
//! Every sample runs the server in a fresh child process (this executable re-run with the
//! hidden argument `--child-conn-mem <tokio|kiso> <count>`), so the two runtimes never share
//! a heap and no earlier workload's freed memory hides the growth. The child builds a
//! 2-worker `multi_thread` runtime (`enable_all`), binds a `TcpListener` on `127.0.0.1:0`
//! and starts an accept loop task, which spawns one task per accepted connection; that task
//! awaits `read` into a 16-byte buffer (an echo server waiting for its first request; the
//! buffer is part of the task, the same few bytes on both runtimes). Once the accept loop
//! runs, the child reads `VmRSS` (the baseline) and prints the port; the parent (the
//! harness) then opens `count` connections with blocking `std` sockets, which live in the
//! parent and so cost the child nothing but its own ends. It opens them in batches of
//! [`BATCH`] and, after each, asks the child (a line on its stdin) to answer once it has
//! accepted all of them: the listener's backlog (128 on Tokio) never overflows, which
//! would make the kernel drop handshakes and the client retry each one only a second
//! later. When every connection task has been polled once (its `read` registered with the
//! runtime and pending), the child prints
//! the peak RSS (`VmHWM`) minus the baseline, divided by `count`: the accepted socket
//! object, its registration with the I/O driver, the task and its read future, and any
//! growth of the runtime's tables on the way there. (Kernel socket buffers are not part
//! of a process's RSS.) The parent then resets its ends (`SO_LINGER` 0, so no `TIME_WAIT`
//! piles up) and closes the child's stdin, on which the child exits.
//!
//! The child's stdin/stdout exchange: child `port <p>`; then, per batch, parent
//! `accepted <k>`, child `ok` once it has accepted `k`; parent `measure`; child
//! `<bytes per connection>`; parent closes stdin.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::client::set_linger_zero;
use crate::harness::{Better, Sample, Size, Workload};

/// The hidden command-line flag that makes this executable a connection-memory child.
pub const CHILD_FLAG: &str = "--child-conn-mem";

/// Worker threads of the child's server runtime.
pub const WORKERS: usize = 2;
/// Connections the parent opens before it waits for the child to have accepted them.
pub const BATCH: usize = super::client::CONNECT_BATCH;

/// Raises this process's soft limit of open files to at least `needed` (up to the hard
/// limit).
pub fn raise_nofile(needed: usize) -> Result<(), String> {
    // SAFETY: `getrlimit` / `setrlimit` read or write one `rlimit`, a live local.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return Err(format!("getrlimit: {}", std::io::Error::last_os_error()));
        }
        let needed = needed as libc::rlim_t;
        if lim.rlim_cur >= needed {
            return Ok(());
        }
        if lim.rlim_max < needed {
            return Err(format!(
                "needs {needed} open files, the hard limit is {}",
                lim.rlim_max
            ));
        }
        lim.rlim_cur = needed;
        if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
            return Err(format!("setrlimit: {}", std::io::Error::last_os_error()));
        }
    }
    Ok(())
}

/// How long the child waits for the connections before it gives up.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Polls `done` every 100 us; panics with `what` after [`PATIENCE`]. (The child's main
/// thread is otherwise idle; polling costs the server nothing measurable.)
fn wait_for(done: impl Fn() -> bool, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "waited {PATIENCE:?} for the {what}"
        );
        std::thread::sleep(Duration::from_micros(100));
    }
}

/// Instantiates the child side for the runtime crate at `$rt`, in module `$name`.
macro_rules! conn_mem_child {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::future::{poll_fn, Future};
            use std::net::{Ipv4Addr, SocketAddr};
            use std::sync::atomic::{AtomicUsize, Ordering};

            use super::{raise_nofile, wait_for, WORKERS};
            use crate::primitives::{wait_on_thread, Latch};
            use crate::workloads::mem::status_bytes;
            use rt::io::AsyncReadExt;
            use $rt as rt;

            /// An idle connection: waits for a first request that never comes. Counts
            /// `idle` down once its first `read` poll is over (normally: pending, so the
            /// socket is registered and the task parked).
            async fn idle_connection(mut stream: rt::net::TcpStream, idle: &'static Latch) {
                let mut buf = [0u8; 16];
                let mut read = std::pin::pin!(stream.read(&mut buf));
                let mut counted = false;
                let _ = poll_fn(|cx| {
                    let poll = read.as_mut().poll(cx);
                    if !counted {
                        counted = true;
                        idle.count_down();
                    }
                    poll
                })
                .await;
            }

            /// Child side: starts the server, calls `connect(addr, wait_accepted)` once the
            /// baseline is taken (the child process talks to the parent there; tests open
            /// the connections themselves), and returns bytes of peak RSS per idle
            /// connection once `n` connections sit idle in the runtime.
            /// `wait_accepted(k)` returns once the server has accepted `k` connections.
            /// The runtime is leaked: the process exits soon after, and tearing it down
            /// is not measured.
            pub fn conn_mem_child(
                n: usize,
                connect: impl FnOnce(SocketAddr, &dyn Fn(usize)),
            ) -> f64 {
                raise_nofile(n + 64).expect("open-file limit");
                let runtime = rt::runtime::Builder::new_multi_thread()
                    .worker_threads(WORKERS)
                    .enable_all()
                    .build()
                    .expect("build a multi_thread runtime");
                let local = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                let listener = runtime
                    .block_on(rt::net::TcpListener::bind(local))
                    .expect("bind");
                let addr = listener.local_addr().expect("local_addr");
                let accepting: &'static Latch = Box::leak(Box::new(Latch::new(1)));
                let idle: &'static Latch = Box::leak(Box::new(Latch::new(n)));
                let accepted: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));
                drop(runtime.spawn(async move {
                    accepting.count_down();
                    loop {
                        // A failed accept loses one connection: the wait below then
                        // reports it instead of hanging.
                        let Ok((stream, _)) = listener.accept().await else {
                            continue;
                        };
                        accepted.fetch_add(1, Ordering::Release);
                        drop(rt::spawn(idle_connection(stream, idle)));
                    }
                }));
                wait_on_thread(accepting.wait());
                let before = status_bytes("VmRSS");
                connect(addr, &|k| {
                    wait_for(
                        || accepted.load(Ordering::Acquire) >= k,
                        "accepted connections",
                    )
                });
                wait_for(|| idle.is_open(), "idle connection tasks");
                let peak = status_bytes("VmHWM");
                std::mem::forget(runtime);
                peak.saturating_sub(before) as f64 / n as f64
            }

            #[cfg(test)]
            mod tests {
                use super::*;
                use std::sync::{Arc, Mutex};

                #[test]
                fn reports_bytes_per_idle_connection() {
                    let clients = Arc::new(Mutex::new(Vec::new()));
                    let opened = clients.clone();
                    let bytes = conn_mem_child(200, move |addr, wait_accepted| {
                        let mut opened = opened.lock().unwrap();
                        for _ in 0..200 {
                            opened.push(std::net::TcpStream::connect(addr).unwrap());
                        }
                        wait_accepted(200);
                    });
                    assert!(bytes.is_finite() && bytes >= 0.0, "{bytes}");
                    assert_eq!(clients.lock().unwrap().len(), 200);
                }
            }
        }
    };
}

conn_mem_child!(tokio_impl, ::tokio);
conn_mem_child!(kiso_impl, crate::workloads::kiso_rt);

/// Runs in the child process: `args` are `<tokio|kiso> <count>`. Prints `port <port>`
/// when it is ready for the connections, then the result (bytes per connection), then
/// waits for its stdin to close.
pub fn child_main(args: &[String]) -> Result<(), String> {
    let [which, n] = args else {
        return Err(format!(
            "usage: kiso-bench {CHILD_FLAG} <tokio|kiso> <count>"
        ));
    };
    let n: usize = n
        .parse()
        .map_err(|_| format!("{CHILD_FLAG}: bad count {n}"))?;
    // The parent's side of this exchange is `in_child`.
    let announce = |addr: SocketAddr, wait_accepted: &dyn Fn(usize)| {
        println!("port {}", addr.port());
        for line in std::io::stdin().lock().lines() {
            let line = line.expect("read stdin");
            match line.trim().strip_prefix("accepted ") {
                Some(k) => {
                    wait_accepted(k.parse().expect("accepted <count>"));
                    println!("ok");
                }
                None => break,
            }
        }
    };
    let bytes = match which.as_str() {
        "tokio" => tokio_impl::conn_mem_child(n.max(1), announce),
        "kiso" => kiso_impl::conn_mem_child(n.max(1), announce),
        other => return Err(format!("{CHILD_FLAG}: unknown runtime {other:?}")),
    };
    println!("{bytes}");
    // Keep the connections open until the parent has closed its ends: it closes our stdin
    // after that.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    Ok(())
}

/// The child's stderr after it exited, for an error message.
fn failure(mut child: Child, what: &str) -> String {
    drop(child.stdin.take());
    let _ = child.wait();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    format!("{what}: {}", stderr.trim())
}

/// Parent side: starts the child server for one runtime, opens the connections, and
/// parses the answer.
fn in_child(which: &str, n: usize) -> Sample {
    let fail = |msg: String| -> ! { panic!("{which} connection-memory child: {msg}") };
    raise_nofile(n + 64).unwrap_or_else(|e| fail(e));
    let exe = std::env::current_exe().expect("current_exe");
    let t0 = Instant::now();
    let mut child = Command::new(exe)
        .args([CHILD_FLAG, which, &n.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the connection-memory child process");
    let mut out = BufReader::new(child.stdout.take().expect("child stdout"));
    let mut line = String::new();
    let _ = out.read_line(&mut line);
    let Some(port) = line
        .trim()
        .strip_prefix("port ")
        .and_then(|p| p.parse::<u16>().ok())
    else {
        fail(failure(child, &format!("printed {line:?}")))
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stdin = child.stdin.take().expect("child stdin");
    let mut conns = Vec::with_capacity(n);
    while conns.len() < n {
        for _ in 0..BATCH.min(n - conns.len()) {
            match TcpStream::connect(addr) {
                Ok(s) => {
                    set_linger_zero(s.as_raw_fd()).expect("SO_LINGER");
                    conns.push(s);
                }
                Err(e) => fail(failure(child, &format!("connect: {e}"))),
            }
        }
        line.clear();
        let asked = writeln!(stdin, "accepted {}", conns.len()).and_then(|()| stdin.flush());
        let _ = out.read_line(&mut line);
        if asked.is_err() || line.trim() != "ok" {
            fail(failure(child, &format!("printed {line:?}")))
        }
    }
    let _ = writeln!(stdin, "measure").and_then(|()| stdin.flush());
    line.clear();
    let _ = out.read_line(&mut line);
    let Ok(value) = line.trim().parse::<f64>() else {
        fail(failure(child, &format!("printed {line:?}")))
    };
    drop(conns);
    drop(stdin);
    let status = child.wait().expect("wait for the child");
    assert!(
        status.success(),
        "{which} connection-memory child: {status}"
    );
    Sample {
        value,
        wall: t0.elapsed(),
        cpu_per_op: None,
    }
}

fn bytes_per_connection_tokio(size: Size) -> Sample {
    in_child("tokio", size.n)
}

fn bytes_per_connection_kiso(size: Size) -> Sample {
    in_child("kiso", size.n)
}

/// The `mem/bytes_per_connection` workload.
pub fn workload() -> Workload {
    Workload {
        name: "mem/bytes_per_connection",
        unit: "bytes/conn",
        better: Better::Lower,
        n: 10_000,
        quick_n: 1_000,
        calibrate: false,
        rounds: None,
        tokio: bytes_per_connection_tokio,
        kiso: bytes_per_connection_kiso,
    }
}
