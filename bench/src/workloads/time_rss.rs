//! `time/timers_1m_rss` (bytes/timer): memory of pending timers, measured as peak-RSS
//! growth per timer. Built with the `time-workloads` cargo feature (a default one).
//!
//! Every sample runs in a fresh child process (this executable re-run with the hidden
//! argument `--child-timer-mem <tokio|kiso> <count>`), so the two runtimes never share a
//! heap and no earlier workload's freed memory hides the growth. The child builds a
//! `current_thread` runtime with `enable_all`, lets it (and its time driver: one 1 ms
//! sleep) finish its lazy set-up, reads `VmRSS`, then runs exactly the code of
//! `time/timers_1m` ([`register_and_fire`](super::time::tokio_impl::register_and_fire)):
//! 1000 tasks register 1000 sleeps each, all pending in the wheel at the same time, and
//! wait until all have fired. The peak RSS (`VmHWM`) minus the baseline, divided by the
//! timer count, is the sample: the `Sleep`s themselves, the wheel's bookkeeping and the
//! 1000 tasks (about a thousandth of a task per timer). The child also reports whether
//! every timer was registered before the first one came due (otherwise early timers could
//! have been freed before the peak); the share of samples where it was is printed under
//! the table.
//!
//! Fixed rounds ([`TIMER_ROUNDS`]), no warm-up: each sample lasts over a second.

use std::process::Command;
use std::time::Instant;

use super::time::TIMER_ROUNDS;
use crate::harness::{Better, Sample, Size, Workload};
use crate::workloads::rt_multi::observe;

/// The hidden command-line flag that makes this executable a timer-memory child.
pub const CHILD_FLAG: &str = "--child-timer-mem";

/// Runs in the child process: `args` are `<tokio|kiso> <count>`. Returns the line to print:
/// `<bytes per timer> <1 if every timer was registered before the first was due, else 0>`.
pub fn child_main(args: &[String]) -> Result<String, String> {
    let [which, n] = args else {
        return Err(format!(
            "usage: kiso-bench {CHILD_FLAG} <tokio|kiso> <count>"
        ));
    };
    let n: usize = n
        .parse()
        .map_err(|_| format!("{CHILD_FLAG}: bad count {n}"))?;
    let (bytes, in_time) = match which.as_str() {
        "tokio" => super::time::tokio_impl::timers_rss_child(n.max(1)),
        "kiso" => super::time::kiso_impl::timers_rss_child(n.max(1)),
        other => return Err(format!("{CHILD_FLAG}: unknown runtime {other:?}")),
    };
    Ok(format!("{bytes} {}", u8::from(in_time)))
}

/// Parent side: re-runs this executable as a child for one runtime and parses its answer.
fn in_child(which: &str, runtime: &'static str, n: usize) -> Sample {
    let exe = std::env::current_exe().expect("current_exe");
    let t0 = Instant::now();
    let out = Command::new(exe)
        .args([CHILD_FLAG, which, &n.to_string()])
        .output()
        .expect("run the timer-memory child process");
    let wall = t0.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{which} timer-memory child failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let parsed = stdout.split_once(' ').and_then(|(bytes, in_time)| {
        Some((bytes.trim().parse::<f64>().ok()?, in_time.trim() == "1"))
    });
    let (value, in_time) =
        parsed.unwrap_or_else(|| panic!("{which} timer-memory child printed {stdout:?}"));
    observe(
        "time/timers_1m_rss: samples with all timers registered before the first was due",
        runtime,
        f64::from(u8::from(in_time)),
    );
    Sample {
        value,
        wall,
        cpu_per_op: None,
    }
}

fn timers_1m_rss_tokio(size: Size) -> Sample {
    in_child("tokio", "tokio_impl", size.n)
}

fn timers_1m_rss_kiso(size: Size) -> Sample {
    in_child("kiso", "kiso_impl", size.n)
}

/// The `time/timers_1m_rss` workload.
pub fn workload() -> Workload {
    Workload {
        name: "time/timers_1m_rss",
        unit: "bytes/timer",
        better: Better::Lower,
        n: 1_000_000,
        quick_n: 50_000,
        calibrate: false,
        rounds: Some(TIMER_ROUNDS),
        tokio: timers_1m_rss_tokio,
        kiso: timers_1m_rss_kiso,
    }
}
