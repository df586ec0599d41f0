//! `http/hyper_50`, `http/hyper_250` (req/s, higher is better): a hyper 1 hello-world
//! server, on Tokio and on kiso through the `tokio` facade, under the fixed load client.
//!
//! **Server**: `bench/hyper-hello/src/main.rs`, one source built twice: as the package in
//! `bench/hyper-hello` (its own workspace, on the real Tokio) and as `ecosystem/hyper-hello`
//! (where `tokio` is patched to `compat/tokio`, so hyper, hyper-util and the server run on
//! kiso). Both lock the same hyper, hyper-util and http-body-util versions. It is a
//! `#[tokio::main]` multi-thread runtime (one worker per CPU) serving HTTP/1.1 with
//! keep-alive; every response is `200 OK` with the body `Hello, World!`. The first time
//! these workloads run, the harness builds both servers (`cargo build --release --locked`,
//! with the cargo that runs it, into `target/hyper-hello/` of this repository): that takes a
//! minute or so once, and is reported on standard error.
//!
//! **Client**: the fixed load client of the echo workloads in HTTP mode
//! ([`client::Protocol::Http`]): `conns` kept-alive connections, each a closed loop of one
//! `GET /` and its whole response, as `wrk` runs them; one thread per CPU the server's
//! workers leave over, at least one (so on 2 CPUs the client shares them with the server,
//! as on a small machine serving its own load, and a server that spends less CPU per request
//! shows it, damped, in req/s too). Nothing is pinned.
//!
//! **Sample**: a fresh server process, a fresh client process, a warm-up then a window of
//! `size` ms (1 s in a default run, 50 ms with `--quick`; with 300 ms windows the ratio's
//! spread reached 20%); the value is responses per second over the window. The cpu column is the server process's CPU time per request (all
//! its threads, from its process CPU clock), so the table shows what each request cost.
//! Samples alternate Tokio, kiso, as for every workload.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use super::io::affinity;
use super::io::client::{ClientArgs, Endpoint, Protocol};
use super::io::echo::{run_client, sample_of, warmup_for, MAX_CLIENT_THREADS};
use crate::harness::{Better, Sample, Size, Workload};

/// Length of the measured window of a default run, in ms (the workloads' `n`).
pub const WINDOW_MS: usize = 1000;
/// Length of the measured window with `--quick`, in ms.
pub const QUICK_WINDOW_MS: usize = 50;

/// The two builds of the server.
struct Servers {
    tokio: PathBuf,
    kiso: PathBuf,
}

/// The repository's root (the parent of this package's directory).
fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the repository")
}

/// Builds one server with `cargo build --release --locked` into `target/hyper-hello/<dir>`
/// of the repository; returns the path of its executable.
fn build(manifest: &str, package: &str, dir: &str) -> Result<PathBuf, String> {
    let root = repo_root();
    let target = root.join("target").join("hyper-hello").join(dir);
    // The cargo that runs this harness, if it does.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "--locked", "--quiet", "-p", package])
        .arg("--manifest-path")
        .arg(root.join(manifest))
        .arg("--target-dir")
        .arg(&target)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("running {}: {e}", Path::new(&cargo).display()))?;
    if !status.success() {
        return Err(format!("building {package} ({manifest}) failed: {status}"));
    }
    Ok(target.join("release").join("hyper-hello"))
}

fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Result<Servers, String>> = OnceLock::new();
    let built = SERVERS.get_or_init(|| {
        eprintln!(
            "http/: building the hyper hello-world server on Tokio and on kiso (once; \
             cargo build --release into target/hyper-hello/)"
        );
        let tokio = build("bench/hyper-hello/Cargo.toml", "hyper-hello-tokio", "tokio")?;
        let kiso = if super::KISO_IS_TOKIO {
            tokio.clone()
        } else {
            build("ecosystem/Cargo.toml", "hyper-hello-kiso", "kiso")?
        };
        Ok(Servers { tokio, kiso })
    });
    match built {
        Ok(servers) => servers,
        Err(e) => panic!("http/: {e}"),
    }
}

/// A running server process, stopped (its standard input closed, then killed if it is
/// still there) when dropped.
struct ServerProcess {
    child: Child,
    addr: std::net::SocketAddr,
}

impl ServerProcess {
    fn start(exe: &Path) -> Result<Self, String> {
        let mut child = Command::new(exe)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", exe.display()))?;
        let stdout = child.stdout.take().expect("piped");
        let mut line = String::new();
        let read = BufReader::new(stdout).read_line(&mut line);
        let mut server = ServerProcess {
            child,
            addr: std::net::SocketAddr::from(([0, 0, 0, 0], 0)),
        };
        match read {
            Ok(n) if n > 0 => {}
            _ => return Err(format!("{} printed no address", exe.display())),
        }
        server.addr = line
            .trim()
            .parse()
            .map_err(|e| format!("{} printed {line:?}: {e}", exe.display()))?;
        Ok(server)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // End of file on its standard input makes it exit; a kill makes sure.
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One sample: a fresh server from `exe`, driven by a fresh client with `conns`
/// connections for a window of `size.n` ms.
fn sample(
    workload: &'static str,
    runtime: &'static str,
    exe: &Path,
    conns: usize,
    size: Size,
) -> Sample {
    let server = ServerProcess::start(exe).unwrap_or_else(|e| panic!("{workload}: {e}"));
    let cpus = affinity::current_cpus().map_or(1, |c| c.len());
    let window = Duration::from_millis(size.n.max(1) as u64);
    let args = ClientArgs {
        endpoint: Endpoint::Tcp(server.addr),
        protocol: Protocol::Http,
        conns,
        msg: 1,
        warmup: warmup_for(window),
        window,
        // The server has one worker per CPU; the client gets what that leaves, at least one.
        threads: (cpus / 2).clamp(1, MAX_CLIENT_THREADS),
        cpus: Vec::new(),
        server_pid: Some(server.child.id()),
    };
    let report = run_client(&args, false).unwrap_or_else(|e| panic!("{workload}: {e}"));
    drop(server);
    sample_of(workload, runtime, &report)
}

macro_rules! http_workloads {
    ($name:ident, $field:ident) => {
        pub mod $name {
            use super::{sample, servers};
            use crate::harness::{Sample, Size};

            const RUNTIME: &str = stringify!($name);

            pub fn hyper_50(size: Size) -> Sample {
                sample("http/hyper_50", RUNTIME, &servers().$field, 50, size)
            }

            pub fn hyper_250(size: Size) -> Sample {
                sample("http/hyper_250", RUNTIME, &servers().$field, 250, size)
            }
        }
    };
}

http_workloads!(tokio_impl, tokio);
http_workloads!(kiso_impl, kiso);

/// The `http/` workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    macro_rules! entry {
        ($name:literal, $f:ident) => {
            Workload {
                name: $name,
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
        entry!("http/hyper_50", hyper_50),
        entry!("http/hyper_250", hyper_250),
    ]
}

/// The line printed under the table when the `http/` workloads ran (their per-workload
/// lines come with the `io/` notes, which share the observations).
pub fn notes() -> Vec<String> {
    if !super::io::observed("http/") {
        return Vec::new();
    }
    vec![
        "http/hyper_*: one hyper 1 hello-world server binary per runtime (kiso through the \
         tokio facade), a worker per CPU, nothing pinned; the load client (own process, \
         epoll, HTTP/1.1 keep-alive, one request in flight per connection) shares the CPUs. \
         cpu columns: server process CPU ns per request."
            .to_string(),
    ]
}
