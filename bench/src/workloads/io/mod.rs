//! The `io/` workloads, and `mem/bytes_per_connection`: sockets on the runtime under test.
//! Built with the `io-workloads` cargo feature (a default one), since they need kiso's
//! `net` and `io` modules.
//!
//! - `io/echo_*`, `io/uds_echo*` (req/s, higher is better): an echo server on a
//!   `multi_thread` runtime driven by a fixed load client in its own process; see
//!   [`echo`] (the server and the placement on CPUs) and [`client`] (the client).
//! - `io/udp_pingpong` (ns/round-trip): see [`udp`].
//! - `io/copy` (MiB/s, higher is better): see [`copy`].
//! - `mem/bytes_per_connection` (bytes/conn): see [`conn_mem`].
//!
//! Each is written once in a macro over the runtime crate's path and instantiated as
//! `tokio_impl` and `kiso_impl`, like every other group. The API they use, on both
//! runtimes: `net::{TcpListener, TcpStream, UdpSocket, UnixListener, UnixStream}`,
//! `io::{AsyncReadExt, AsyncWriteExt, copy}`, and the runtime builder.

pub mod affinity;
pub mod client;
pub mod conn_mem;
pub mod copy;
pub mod echo;
pub mod udp;

use std::process::ExitCode;
use std::sync::Mutex;

use crate::harness::Workload;

/// The hidden command-line flags that make this executable a helper process of these
/// workloads (see [`child_main`]).
pub const CHILD_FLAGS: [&str; 2] = [client::CLIENT_FLAG, conn_mem::CHILD_FLAG];

/// Runs a helper process: `args[0]` is one of [`CHILD_FLAGS`], the rest its arguments.
pub fn child_main(args: &[String]) -> ExitCode {
    let (flag, rest) = args.split_first().expect("a child flag");
    let result = match flag.as_str() {
        client::CLIENT_FLAG => client::child_main(rest).map(|line| println!("{line}")),
        conn_mem::CHILD_FLAG => conn_mem::child_main(rest),
        other => Err(format!("unknown child flag {other}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// The `io/` workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    let mut all = echo::workloads();
    all.push(udp::workload());
    all.push(copy::workload());
    all
}

/// Side observations of the echo samples: (workload, runtime module, what, value).
type Observation = (&'static str, &'static str, &'static str, f64);
static OBSERVATIONS: Mutex<Vec<Observation>> = Mutex::new(Vec::new());
/// How the pinned echo workloads were placed: `Some(Some((server CPU, client CPUs)))` once
/// one ran with pinning, `Some(None)` if pinned ones ran without (fewer than two CPUs).
type Placement = Option<(usize, Vec<usize>)>;
static PLACEMENT: Mutex<Option<Placement>> = Mutex::new(None);

/// Records one observation of a sample. `what` is one of `server ns/req`, `client ns/req`
/// (CPU time per round trip), `server busy`, `client busy` (share of one core over the
/// window) or `worker pinned` (1 if the server's worker ran on its CPU only, else 0).
pub(crate) fn observe(workload: &'static str, runtime: &'static str, what: &'static str, v: f64) {
    OBSERVATIONS
        .lock()
        .unwrap()
        .push((workload, runtime, what, v));
}

/// Whether a sample of a workload whose name starts with `prefix` has been observed.
pub(crate) fn observed(prefix: &str) -> bool {
    OBSERVATIONS
        .lock()
        .unwrap()
        .iter()
        .any(|o| o.0.starts_with(prefix))
}

pub(crate) fn note_echo_placement(placement: Placement, pinned: bool) {
    if pinned {
        *PLACEMENT.lock().unwrap() = Some(placement);
    }
}

/// Lines printed under the table: where the echo servers and the client ran, and per echo
/// workload (means over its samples, warm-up included, tokio / kiso): the CPU time per
/// round trip of the server and of the client, the share of a core each used, and the share
/// of samples whose server worker was seen on its pinned CPU.
///
/// How to read them: with the server and the client on one core each, the req/s is set by
/// whichever needs more CPU per round trip; a client that needs about as much as the server
/// (loopback TCP costs the kernel about the same on both sides) caps what a faster server
/// can show in req/s, while the server's CPU per round trip still shows it.
pub fn notes() -> Vec<String> {
    let observations = OBSERVATIONS.lock().unwrap();
    if observations.is_empty() {
        return Vec::new();
    }
    let mut notes = Vec::new();
    let echo_ran = observations.iter().any(|o| o.0.starts_with("io/"));
    notes.extend(echo_ran.then(|| {
        match &*PLACEMENT.lock().unwrap() {
            Some(Some((server, clients))) => format!(
            "io/echo_*, io/uds_echo*: server runtime with 1 worker pinned to CPU {server}, load \
             client (own process, epoll) with {} thread(s) pinned to CPU(s) {clients:?}; \
             *_2w: 2 workers, nothing pinned. cpu columns: server process CPU ns per round \
             trip. Below, per workload, tokio / kiso means: CPU ns per round trip, share of \
             one core used.",
            clients.len()
        ),
            Some(None) => "io/echo_*, io/uds_echo*: fewer than 2 CPUs, NOTHING PINNED (server \
                       and client share the CPU). cpu columns: server process CPU ns per \
                       round trip."
                .to_string(),
            None => "io/echo_*: 2 workers, nothing pinned. cpu columns: server process CPU ns \
                 per round trip."
                .to_string(),
        }
    }));
    let mut workloads: Vec<&str> = Vec::new();
    for (w, ..) in observations.iter() {
        if !workloads.contains(w) {
            workloads.push(w);
        }
    }
    for w in workloads {
        let mean = |runtime: &str, what: &str| {
            let v: Vec<f64> = observations
                .iter()
                .filter(|o| o.0 == w && o.1 == runtime && o.2 == what)
                .map(|o| o.3)
                .collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        let both = |what: &str| Some((mean("tokio_impl", what)?, mean("kiso_impl", what)?));
        let mut parts = Vec::new();
        if let Some((t, k)) = both("server ns/req") {
            parts.push(format!(
                "server {t:.0} / {k:.0} ns (kiso/tokio {:.3})",
                k / t
            ));
        }
        if let Some((t, k)) = both("client ns/req") {
            parts.push(format!("client {t:.0} / {k:.0} ns"));
        }
        if let Some((t, k)) = both("server busy") {
            parts.push(format!("server busy {:.0}% / {:.0}%", 100.0 * t, 100.0 * k));
        }
        if let Some((t, k)) = both("client busy") {
            parts.push(format!("client busy {:.0}% / {:.0}%", 100.0 * t, 100.0 * k));
        }
        if let Some((t, k)) = both("worker pinned") {
            parts.push(format!(
                "worker on its CPU in {:.0}% / {:.0}% of samples",
                100.0 * t,
                100.0 * k
            ));
        }
        notes.push(format!("{w}: {}", parts.join(", ")));
    }
    notes
}
