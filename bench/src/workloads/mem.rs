//! `mem/*`: memory cost of runtime objects, measured as peak-RSS growth per object.
//!
//! - `bytes_per_task` (bytes/task): a task on a `current_thread` runtime spawns 100,000
//!   tasks that each count down a [`Latch`] and then await `std::future::pending()`
//!   forever (their `JoinHandle`s are dropped). Once the latch shows that every task has
//!   been polled once, i.e. sits in the runtime in its steady idle state, the peak RSS
//!   (`VmHWM`) minus the RSS taken after building the runtime, divided by the task count,
//!   is the sample. This charges everything an idle task costs: its allocation, its waker
//!   and scheduler bookkeeping, and run-queue growth while they were first scheduled.
//!
//! Every sample runs in a fresh child process (this executable re-run with the hidden
//! argument `--child-mem <tokio|kiso> <count>`), so the two runtimes never share a heap
//! and no earlier workload's freed memory hides the growth.
//!
//! [`Latch`]: crate::primitives::Latch

use std::process::Command;
use std::time::Instant;

use crate::harness::{Better, Sample, Size, Workload};

/// The hidden command-line flag that makes this executable a memory-measuring child.
pub const CHILD_FLAG: &str = "--child-mem";

/// Reads a `kB` field (such as `VmRSS` or `VmHWM`) of `/proc/self/status`, in bytes.
pub fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    status
        .lines()
        .find_map(|line| {
            let rest = line.strip_prefix(field)?.strip_prefix(':')?;
            let kib: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
            Some(kib * 1024)
        })
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// Instantiates the `mem` workloads for the runtime crate at `$rt`, in module `$name`.
macro_rules! mem_workloads {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use super::status_bytes;
            use crate::primitives::Latch;
            use $rt as rt;

            /// Child side of `mem/bytes_per_task`: bytes of peak RSS per idle task.
            pub fn bytes_per_task_child(n: usize) -> f64 {
                let runtime = rt::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build a current_thread runtime");
                // Let the runtime finish its own lazy set-up before the baseline.
                runtime.block_on(async { rt::task::yield_now().await });
                let before = status_bytes("VmRSS");

                let polled: &'static Latch = Box::leak(Box::new(Latch::new(n)));
                let spawner = runtime.spawn(async move {
                    for _ in 0..n {
                        drop(rt::spawn(async move {
                            polled.count_down();
                            std::future::pending::<()>().await
                        }));
                    }
                });
                runtime.block_on(async {
                    spawner.await.expect("spawner task");
                    polled.wait().await;
                });

                let peak = status_bytes("VmHWM");
                // The process exits right after; tearing down 100,000 tasks is not measured.
                std::mem::forget(runtime);
                peak.saturating_sub(before) as f64 / n as f64
            }
        }
    };
}

mem_workloads!(tokio_impl, ::tokio);
mem_workloads!(kiso_impl, crate::workloads::kiso_rt);

/// Runs in the child process: `which` is `tokio` or `kiso`. Returns the sample value.
pub fn child_main(which: &str, n: usize) -> f64 {
    match which {
        "tokio" => tokio_impl::bytes_per_task_child(n),
        "kiso" => kiso_impl::bytes_per_task_child(n),
        other => panic!("{CHILD_FLAG}: unknown runtime {other:?}"),
    }
}

/// Parent side: re-runs this executable as a child for one runtime and parses its answer.
fn in_child(which: &str, n: usize) -> Sample {
    let exe = std::env::current_exe().expect("current_exe");
    let t0 = Instant::now();
    let out = Command::new(exe)
        .args([CHILD_FLAG, which, &n.to_string()])
        .output()
        .expect("run the memory child process");
    let wall = t0.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{which} memory child failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let value = stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{which} memory child printed {stdout:?}"));
    Sample {
        value,
        wall,
        cpu_per_op: None,
    }
}

fn bytes_per_task_tokio(size: Size) -> Sample {
    in_child("tokio", size.n)
}

fn bytes_per_task_kiso(size: Size) -> Sample {
    in_child("kiso", size.n)
}

/// The `mem/*` workloads, in table order.
pub fn workloads() -> Vec<Workload> {
    vec![Workload {
        name: "mem/bytes_per_task",
        unit: "bytes/task",
        better: Better::Lower,
        n: 100_000,
        quick_n: 10_000,
        calibrate: false,
        rounds: None,
        tokio: bytes_per_task_tokio,
        kiso: bytes_per_task_kiso,
    }]
}
