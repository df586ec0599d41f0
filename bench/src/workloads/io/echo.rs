//! `io/echo_*` and `io/uds_echo*` (req/s, higher is better): an echo server on the runtime
//! under test, driven by the fixed load client ([`client`](super::client)) in its own
//! process.
//!
//! **Server** (written once in `echo_servers!`, instantiated for Tokio and for kiso): a
//! `multi_thread` runtime (`Builder::new_multi_thread().worker_threads(W).enable_all()`),
//! a listener on `127.0.0.1:0` (TCP) or on a fresh path in the temporary directory (Unix),
//! and an accept loop task that spawns one task per connection; that task reads into a
//! 4 KiB buffer and `write_all`s what it read, until the peer goes away. TCP connections
//! get `set_nodelay(true)` on both sides.
//!
//! **Client**: `conns` connections, each a closed loop of `msg`-byte messages (write one,
//! read the whole echo, repeat). After a warm-up (a quarter of the window, 20 ms to
//! 100 ms) it counts the round trips completed in a window of `size` ms (200 ms in a
//! default run, 50 ms with `--quick`): the sample is round trips per second. Every sample
//! starts a fresh server runtime and a fresh client process, connects, warms up and
//! measures; samples alternate Tokio, kiso, Tokio, kiso, ... as for every workload.
//!
//! **CPU column**: the CPU time of the *server process* (all its threads, read by the
//! client from the server's process CPU clock at the two ends of the window) per round trip,
//! in ns. The server process is the harness itself, which is idle meanwhile (its thread
//! waits for the client to exit). Under the table, per workload, the run prints the CPU per
//! round trip of the server and of the client and the share of a core each used: see the
//! [`client`](super::client) for why, on 2 CPUs, the client limits what req/s can show and
//! the server's CPU per round trip is the number that shows a cheaper server.
//!
//! **Placement**: with at least two CPUs, the pinned workloads run the server with **one
//! worker**, built from a thread pinned to the first allowed CPU (so its worker, and every
//! other thread the runtime starts, inherit that CPU), and the client with one thread on
//! each of the next CPUs, up to [`MAX_CLIENT_THREADS`] (one on a 2-CPU machine). Server
//! and client then never compete for a core, and the server's budget is one core: the
//! req/s is what one core of that runtime serves (when the client keeps up). Whether the
//! worker really ran on its CPU is checked every sample and printed under the table.
//! `io/echo_50x64_2w` is the unpinned variant: two workers, nothing pinned, one client
//! thread per CPU left over (at least one, so on 2 CPUs it competes with the workers): as a
//! server and its load generator share a small machine, the req/s then depends on the CPU
//! both spend per round trip, so a cheaper server shows, damped, in req/s too.
//!
//! | workload | transport | connections x message | workers |
//! |---|---|---|---|
//! | `io/echo_1x64` | TCP | 1 x 64 B | 1, pinned |
//! | `io/echo_10x64` | TCP | 10 x 64 B | 1, pinned |
//! | `io/echo_50x64` | TCP | 50 x 64 B | 1, pinned |
//! | `io/echo_250x64` | TCP | 250 x 64 B | 1, pinned |
//! | `io/echo_50x4k` | TCP | 50 x 4096 B | 1, pinned |
//! | `io/echo_50x64_2w` | TCP | 50 x 64 B | 2, not pinned |
//! | `io/uds_echo` | Unix stream | 1 x 64 B | 1, pinned |
//! | `io/uds_echo_10` | Unix stream | 10 x 64 B | 1, pinned |

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::affinity;
use super::client::{self, ClientArgs, Endpoint, Protocol, Report, CLIENT_FLAG};
use crate::harness::{Better, Sample, Workload};

/// Length of the measured window of a default run, in ms (the workloads' `n`).
pub const WINDOW_MS: usize = 200;
/// Length of the measured window with `--quick`, in ms.
pub const QUICK_WINDOW_MS: usize = 50;
/// Read buffer of a server connection task.
pub const SERVER_BUF: usize = 4096;
/// At most this many load client threads (each on its own CPU when pinned).
pub const MAX_CLIENT_THREADS: usize = 3;

/// The socket type of an echo workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Tcp,
    Unix,
}

/// One echo workload.
#[derive(Clone, Copy, Debug)]
pub struct EchoSpec {
    pub name: &'static str,
    pub transport: Transport,
    pub conns: usize,
    pub msg: usize,
    /// Worker threads of the server runtime.
    pub workers: usize,
    /// Whether the server and the client are pinned to different CPUs.
    pub pinned: bool,
}

const fn pinned(name: &'static str, transport: Transport, conns: usize, msg: usize) -> EchoSpec {
    EchoSpec {
        name,
        transport,
        conns,
        msg,
        workers: 1,
        pinned: true,
    }
}

pub const ECHO_1X64: EchoSpec = pinned("io/echo_1x64", Transport::Tcp, 1, 64);
pub const ECHO_10X64: EchoSpec = pinned("io/echo_10x64", Transport::Tcp, 10, 64);
pub const ECHO_50X64: EchoSpec = pinned("io/echo_50x64", Transport::Tcp, 50, 64);
pub const ECHO_250X64: EchoSpec = pinned("io/echo_250x64", Transport::Tcp, 250, 64);
pub const ECHO_50X4K: EchoSpec = pinned("io/echo_50x4k", Transport::Tcp, 50, 4096);
pub const ECHO_50X64_2W: EchoSpec = EchoSpec {
    name: "io/echo_50x64_2w",
    transport: Transport::Tcp,
    conns: 50,
    msg: 64,
    workers: 2,
    pinned: false,
};
pub const UDS_ECHO: EchoSpec = pinned("io/uds_echo", Transport::Unix, 1, 64);
pub const UDS_ECHO_10: EchoSpec = pinned("io/uds_echo_10", Transport::Unix, 10, 64);

/// The client's warm-up before a window of `window`.
pub fn warmup_for(window: Duration) -> Duration {
    (window / 4).clamp(Duration::from_millis(20), Duration::from_millis(100))
}

/// A fresh path for a Unix listener, in the temporary directory.
pub fn unix_socket_path() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "kiso-bench-{}-{}.sock",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A running server: whatever keeps it alive (its runtime), where it listens, and the CPUs
/// its worker was allowed to run on.
pub struct Server<G> {
    pub guard: G,
    pub endpoint: Endpoint,
    pub worker_cpus: Vec<usize>,
}

/// Runs the load client: this executable re-run with [`CLIENT_FLAG`] (or, in unit tests,
/// whose executable has no client mode, a thread of this process).
pub(crate) fn run_client(args: &ClientArgs, in_process: bool) -> Result<Report, String> {
    if in_process {
        let args = args.clone();
        return std::thread::spawn(move || client::run(&args))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            .map_err(|e| format!("load client: {e}"));
    }
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let out = Command::new(exe)
        .arg(CLIENT_FLAG)
        .args(args.to_args())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("starting the load client: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "load client failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Report::parse(String::from_utf8_lossy(&out.stdout).trim())
}

/// One sample of `spec` on one runtime: on a fresh thread (pinned to the server CPU when
/// the workload is pinned), `start` builds the runtime and starts the server; the client
/// then runs for a window of `window_ms`; the server is dropped after the client exited.
pub fn drive<G>(
    spec: &EchoSpec,
    runtime: &'static str,
    window_ms: usize,
    in_process: bool,
    start: impl FnOnce() -> Server<G> + Send,
) -> Sample {
    let placement = if spec.pinned {
        affinity::server_and_client_cpus(MAX_CLIENT_THREADS)
    } else {
        None
    };
    let client_threads = match &placement {
        Some((_, client_cpus)) => client_cpus.len(),
        None => {
            let cpus = affinity::current_cpus().map_or(1, |c| c.len());
            cpus.saturating_sub(spec.workers)
                .clamp(1, MAX_CLIENT_THREADS)
        }
    };
    let window = Duration::from_millis(window_ms.max(1) as u64);
    let result = std::thread::scope(|scope| {
        scope
            .spawn(|| {
                if let Some((server_cpu, _)) = &placement {
                    let server_cpu = *server_cpu;
                    affinity::pin_current_thread(server_cpu)
                        .map_err(|e| format!("pinning the server to CPU {server_cpu}: {e}"))?;
                }
                let server = start();
                if let Some((server_cpu, _)) = &placement {
                    let on_cpu = server.worker_cpus == [*server_cpu];
                    super::observe(
                        spec.name,
                        runtime,
                        "worker pinned",
                        f64::from(u8::from(on_cpu)),
                    );
                }
                let args = ClientArgs {
                    endpoint: server.endpoint.clone(),
                    protocol: Protocol::Echo,
                    conns: spec.conns,
                    msg: spec.msg,
                    warmup: warmup_for(window),
                    window,
                    threads: client_threads,
                    cpus: placement
                        .as_ref()
                        .map_or_else(Vec::new, |(_, cpus)| cpus.clone()),
                    server_pid: Some(std::process::id()),
                };
                let report = run_client(&args, in_process);
                drop(server.guard);
                if let Endpoint::Unix(path) = &server.endpoint {
                    let _ = std::fs::remove_file(path);
                }
                report
            })
            .join()
            // Re-raised here, the panic keeps its message for the harness's report.
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    let report = result.unwrap_or_else(|e| panic!("{}: {e}", spec.name));
    super::note_echo_placement(placement, spec.pinned);
    sample_of(spec.name, runtime, &report)
}

/// The sample of a load client's report, whose side numbers (CPU per round trip and share
/// of a core, of the server and of the client) are recorded for the notes.
pub(crate) fn sample_of(workload: &'static str, runtime: &'static str, report: &Report) -> Sample {
    assert!(report.requests > 0, "{workload}: no round trip completed");
    let secs = report.elapsed.as_secs_f64();
    let per_request = |cpu: Duration| cpu.as_nanos() as f64 / report.requests as f64;
    super::observe(
        workload,
        runtime,
        "client busy",
        report.client_cpu.as_secs_f64() / secs,
    );
    super::observe(
        workload,
        runtime,
        "client ns/req",
        per_request(report.client_cpu),
    );
    if let Some(cpu) = report.server_cpu {
        super::observe(workload, runtime, "server busy", cpu.as_secs_f64() / secs);
        super::observe(workload, runtime, "server ns/req", per_request(cpu));
    }
    Sample {
        value: report.rate(),
        wall: report.elapsed,
        cpu_per_op: report
            .server_cpu
            .map(|cpu| cpu.as_nanos() as f64 / report.requests as f64),
    }
}

/// Instantiates the echo servers for the runtime crate at `$rt`, in module `$name`.
macro_rules! echo_servers {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::net::{Ipv4Addr, SocketAddr};

            use super::{
                drive, unix_socket_path, EchoSpec, Server, Transport, ECHO_10X64, ECHO_1X64,
                ECHO_250X64, ECHO_50X4K, ECHO_50X64, ECHO_50X64_2W, SERVER_BUF, UDS_ECHO,
                UDS_ECHO_10,
            };
            use crate::harness::{Sample, Size};
            use crate::workloads::io::affinity;
            use crate::workloads::io::client::Endpoint;
            use rt::io::{AsyncReadExt, AsyncWriteExt};
            use $rt as rt;

            const RUNTIME: &str = stringify!($name);

            /// Writes back everything it reads, until the peer closes or resets.
            async fn echo<S>(mut stream: S)
            where
                S: rt::io::AsyncRead + rt::io::AsyncWrite + Unpin,
            {
                let mut buf = vec![0u8; SERVER_BUF];
                loop {
                    let n = match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if stream.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            }

            /// Builds the server runtime, binds, and spawns the accept loop.
            pub fn start(spec: &EchoSpec) -> Server<rt::runtime::Runtime> {
                let runtime = rt::runtime::Builder::new_multi_thread()
                    .worker_threads(spec.workers)
                    .enable_all()
                    .build()
                    .expect("build the server runtime");
                let worker_cpus = runtime
                    .block_on(runtime.spawn(async { affinity::current_cpus().unwrap_or_default() }))
                    .expect("first task");
                let endpoint = match spec.transport {
                    Transport::Tcp => {
                        let local = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
                        let listener = runtime
                            .block_on(rt::net::TcpListener::bind(local))
                            .expect("bind the TCP listener");
                        let addr = listener.local_addr().expect("local_addr");
                        drop(runtime.spawn(async move {
                            loop {
                                // A failed accept (a connection reset while queued) or
                                // option only loses that connection, which the client
                                // then reports.
                                let Ok((stream, _)) = listener.accept().await else {
                                    continue;
                                };
                                let _ = stream.set_nodelay(true);
                                drop(rt::spawn(echo(stream)));
                            }
                        }));
                        Endpoint::Tcp(addr)
                    }
                    Transport::Unix => {
                        let path = unix_socket_path();
                        let _ = std::fs::remove_file(&path);
                        let listener = runtime
                            .block_on(async { rt::net::UnixListener::bind(&path) })
                            .expect("bind the Unix listener");
                        drop(runtime.spawn(async move {
                            loop {
                                let Ok((stream, _)) = listener.accept().await else {
                                    continue;
                                };
                                drop(rt::spawn(echo(stream)));
                            }
                        }));
                        Endpoint::Unix(path)
                    }
                };
                Server {
                    guard: runtime,
                    endpoint,
                    worker_cpus,
                }
            }

            /// One sample of `spec`; `in_process` runs the client on a thread (tests).
            pub fn sample(spec: &EchoSpec, size: Size, in_process: bool) -> Sample {
                drive(spec, RUNTIME, size.n, in_process, || start(spec))
            }

            pub fn echo_1x64(size: Size) -> Sample {
                sample(&ECHO_1X64, size, false)
            }

            pub fn echo_10x64(size: Size) -> Sample {
                sample(&ECHO_10X64, size, false)
            }

            pub fn echo_50x64(size: Size) -> Sample {
                sample(&ECHO_50X64, size, false)
            }

            pub fn echo_250x64(size: Size) -> Sample {
                sample(&ECHO_250X64, size, false)
            }

            pub fn echo_50x4k(size: Size) -> Sample {
                sample(&ECHO_50X4K, size, false)
            }

            pub fn echo_50x64_2w(size: Size) -> Sample {
                sample(&ECHO_50X64_2W, size, false)
            }

            pub fn uds_echo(size: Size) -> Sample {
                sample(&UDS_ECHO, size, false)
            }

            pub fn uds_echo_10(size: Size) -> Sample {
                sample(&UDS_ECHO_10, size, false)
            }

            #[cfg(test)]
            mod tests {
                use super::*;

                /// Every echo configuration serves round trips to the (in-process) client
                /// and reports the server's CPU per round trip.
                #[test]
                fn echo_workloads_complete() {
                    let size = Size { n: 30, reps: 1 };
                    for spec in [ECHO_1X64, ECHO_50X4K, ECHO_50X64_2W, UDS_ECHO_10] {
                        let s = sample(&spec, size, true);
                        assert!(s.value > 0.0, "{}: {s:?}", spec.name);
                        assert!(
                            s.cpu_per_op.is_some_and(|c| c > 0.0),
                            "{}: {s:?}",
                            spec.name
                        );
                    }
                }
            }
        }
    };
}

echo_servers!(tokio_impl, ::tokio);
echo_servers!(kiso_impl, crate::workloads::kiso_rt);

/// The echo workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    macro_rules! entry {
        ($f:ident, $spec:expr) => {
            Workload {
                name: $spec.name,
                unit: "req/s",
                better: Better::Higher,
                n: WINDOW_MS,
                quick_n: QUICK_WINDOW_MS,
                calibrate: false,
                rounds: None,
                tokio: tokio_impl::$f,
                kiso: kiso_impl::$f,
            }
        };
    }
    vec![
        entry!(echo_1x64, ECHO_1X64),
        entry!(echo_10x64, ECHO_10X64),
        entry!(echo_50x64, ECHO_50X64),
        entry!(echo_250x64, ECHO_250X64),
        entry!(echo_50x4k, ECHO_50X4K),
        entry!(echo_50x64_2w, ECHO_50X64_2W),
        entry!(uds_echo, UDS_ECHO),
        entry!(uds_echo_10, UDS_ECHO_10),
    ]
}
