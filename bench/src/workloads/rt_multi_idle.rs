//! `rt_multi/idle_cpu` (% of a core, lower is better): the CPU time an idle 2-worker
//! runtime uses.
//!
//! Every sample runs in a fresh child process (this executable re-run with the hidden
//! argument `--child-idle-cpu <tokio|kiso> <window ms>`), so no thread left over from
//! another workload runs in it. The child builds the runtime with
//! `Builder::new_multi_thread().worker_threads(2).enable_all()`, spawns one task and awaits
//! it (so the workers have started), then sleeps for the window: the process's CPU time
//! (user + system, all threads, from `getrusage`) over the window divided by its wall time
//! is the sample, as a percentage of one core. The window is the workload's size: 10,000 ms
//! in a default run, 500 ms with `--quick`.
//!
//! At 20 s per round this workload has fixed rounds ([`ROUNDS`]) with no calibration and no
//! warm-up, instead of `--rounds`.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{Better, Sample, Size, Workload};

/// The hidden command-line flag that makes this executable an idle-CPU-measuring child.
pub const CHILD_FLAG: &str = "--child-idle-cpu";

/// Measured rounds of `idle_cpu` in a default run (each round is 2 x the window).
pub const ROUNDS: usize = 3;

/// Instantiates the child side for the runtime crate at `$rt`, in module `$name`.
macro_rules! idle_cpu_child {
    ($name:ident, $rt:path) => {
        pub mod $name {
            use std::time::{Duration, Instant};

            use crate::harness::process_cpu_time;
            use $rt as rt;

            /// CPU used by an idle 2-worker runtime over `window`, in % of one core.
            pub fn idle_cpu_child(window: Duration) -> f64 {
                let runtime = rt::runtime::Builder::new_multi_thread()
                    .worker_threads(super::super::rt_multi::WORKERS)
                    .enable_all()
                    .build()
                    .expect("build a multi_thread runtime");
                runtime
                    .block_on(runtime.spawn(async {}))
                    .expect("first task");
                let cpu0 = process_cpu_time();
                let t0 = Instant::now();
                std::thread::sleep(window);
                let cpu = process_cpu_time().saturating_sub(cpu0);
                let wall = t0.elapsed();
                drop(runtime);
                100.0 * cpu.as_secs_f64() / wall.as_secs_f64()
            }
        }
    };
}

idle_cpu_child!(tokio_impl, ::tokio);
idle_cpu_child!(kiso_impl, crate::workloads::kiso_rt);

/// Runs in the child process: `args` are `<tokio|kiso> <window ms>`; returns the sample.
pub fn child_main(args: &[String]) -> Result<f64, String> {
    let [which, ms] = args else {
        return Err(format!(
            "usage: kiso-bench {CHILD_FLAG} <tokio|kiso> <window ms>"
        ));
    };
    let ms: u64 = ms
        .parse()
        .map_err(|_| format!("{CHILD_FLAG}: bad window {ms}"))?;
    let window = Duration::from_millis(ms.max(1));
    match which.as_str() {
        "tokio" => Ok(tokio_impl::idle_cpu_child(window)),
        "kiso" => Ok(kiso_impl::idle_cpu_child(window)),
        other => Err(format!("{CHILD_FLAG}: unknown runtime {other:?}")),
    }
}

/// Parent side: re-runs this executable as a child for one runtime and parses its answer.
fn in_child(which: &str, window_ms: usize) -> Sample {
    let exe = std::env::current_exe().expect("current_exe");
    let t0 = Instant::now();
    let out = Command::new(exe)
        .args([CHILD_FLAG, which, &window_ms.to_string()])
        .output()
        .expect("run the idle-CPU child process");
    let wall = t0.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{which} idle-CPU child failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let value = stdout
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{which} idle-CPU child printed {stdout:?}"));
    Sample {
        value,
        wall,
        cpu_per_op: None,
    }
}

fn idle_cpu_tokio(size: Size) -> Sample {
    in_child("tokio", size.n)
}

fn idle_cpu_kiso(size: Size) -> Sample {
    in_child("kiso", size.n)
}

/// The `rt_multi/idle_cpu` workload.
pub fn workload() -> Workload {
    Workload {
        name: "rt_multi/idle_cpu",
        unit: "% of a core",
        better: Better::Lower,
        n: 10_000,
        quick_n: 500,
        calibrate: false,
        rounds: Some(ROUNDS),
        tokio: idle_cpu_tokio,
        kiso: idle_cpu_kiso,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The child side reports a sane percentage for a short window on both runtimes (run
    /// in this process: the test binary has no child mode).
    #[test]
    fn idle_cpu_child_reports_a_percentage() {
        for f in [tokio_impl::idle_cpu_child, kiso_impl::idle_cpu_child] {
            let pct = f(Duration::from_millis(50));
            assert!(pct.is_finite() && pct >= 0.0, "{pct}");
        }
    }
}
