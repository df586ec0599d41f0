//! How many CPUs the workers can keep busy without taking them from other
//! processes.
//!
//! Every [`SAMPLE_EVERY`] a worker at maintenance reads the machine's CPU
//! time (`/proc/stat`: busy and idle time summed over every CPU) and this
//! process's (`/proc/self/stat`). What the other processes used over the
//! window, in CPUs, is their share of the CPUs taken off the CPU count: that
//! is the runtime's *capacity*. On a machine with CPUs to spare it is the
//! CPU count, and the scheduler behaves as it always did; when other busy
//! threads leave less than half a CPU beyond the workers already running,
//! the runtime is *crowded*, and the scheduler keeps work on the workers
//! that run instead of waking more: a worker woken then would only take
//! turns for a CPU with the thread that needs it (a hyper hello-world server
//! on 2 CPUs with its load generator serves about 10% more requests with one
//! busy worker than with two, on Tokio as on kiso).
//!
//! Where the files are not there (not Linux, a sandbox), or under loom, the
//! capacity stays the CPU count. The time is counted in clock ticks, so a
//! window must be long for a fair estimate; a crowded machine is noticed, and
//! one that stopped being crowded too, within a window or two.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the CPU time is sampled (by whichever worker is at maintenance).
pub(super) const SAMPLE_EVERY: Duration = Duration::from_millis(100);

/// The runtime's capacity estimate.
pub(super) struct Capacity {
    /// CPUs the workers can use, in thousandths.
    milli: AtomicU32,
    /// When the next sample is due, in ns since `base`.
    next_ns: AtomicU64,
    base: Instant,
    last: Mutex<Option<Reading>>,
}

/// One reading of the clock-tick counters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Reading {
    /// Ticks of every CPU, busy and idle, summed.
    pub(super) total: u64,
    /// Idle ticks (idle and waiting for I/O) of every CPU.
    pub(super) idle: u64,
    /// Ticks this process used (user and system).
    pub(super) own: u64,
    /// CPUs counted in `total`.
    pub(super) cpus: u32,
}

impl Capacity {
    pub(super) fn new() -> Capacity {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
        Capacity { milli: AtomicU32::new(cpus.saturating_mul(1000)), next_ns: AtomicU64::new(0), base: Instant::now(), last: Mutex::new(None) }
    }

    /// True if fewer than half a CPU is left for one more busy worker,
    /// `running` workers being busy already.
    pub(super) fn crowded(&self, running: usize) -> bool {
        (self.milli.load(Relaxed) as usize) < running * 1000 + 500
    }

    /// Sets the capacity, and stops sampling (tests).
    #[cfg(test)]
    pub(super) fn force(&self, milli: u32) {
        self.next_ns.store(u64::MAX, Relaxed);
        self.milli.store(milli, Relaxed);
    }

    /// Takes a new sample if one is due (cheap otherwise: one clock read).
    pub(super) fn refresh(&self) {
        if cfg!(loom) {
            return;
        }
        let now = self.base.elapsed().as_nanos() as u64;
        if now < self.next_ns.load(Relaxed) {
            return;
        }
        let Ok(mut last) = self.last.try_lock() else { return };
        self.next_ns.store(now + SAMPLE_EVERY.as_nanos() as u64, Relaxed);
        let Some(reading) = read() else { return };
        if let Some(prev) = last.replace(reading) {
            if let Some(milli) = capacity_milli(&prev, &reading) {
                self.milli.store(milli, Relaxed);
            }
        }
    }
}

/// The capacity, in thousandths of a CPU, over the window between two
/// readings: the CPU count less what other processes used.
pub(super) fn capacity_milli(prev: &Reading, now: &Reading) -> Option<u32> {
    let total = now.total.checked_sub(prev.total)?;
    let idle = now.idle.checked_sub(prev.idle)?;
    let own = now.own.checked_sub(prev.own)?;
    if total == 0 || now.cpus == 0 {
        return None;
    }
    let others = total.saturating_sub(idle).saturating_sub(own);
    // `total` is the window times the CPU count, so `others / total` is the
    // share of all the CPUs that the other processes used.
    let cpus = u64::from(now.cpus) * 1000;
    Some(cpus.saturating_sub(cpus * others / total) as u32)
}

/// Reads the counters, if the OS has them.
fn read() -> Option<Reading> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    parse(&stat, &own)
}

/// Parses `/proc/stat` (the `cpu` line and the `cpuN` lines) and
/// `/proc/self/stat` (`utime` and `stime`, the 14th and 15th fields).
pub(super) fn parse(stat: &str, own: &str) -> Option<Reading> {
    let mut lines = stat.lines();
    let all = lines.next()?.strip_prefix("cpu ")?;
    let ticks: Vec<u64> = all.split_whitespace().map(|f| f.parse().ok()).collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal (guest time is counted
    // in user time already).
    let total = ticks.iter().take(8).sum();
    let idle = ticks.get(3)? + ticks.get(4).copied().unwrap_or(0);
    let cpus = lines.filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit)).count() as u32;
    // The process name, in parentheses, may hold spaces: count fields after
    // it. `state` is field 3, so `utime` is the 12th after the parenthesis.
    let rest = &own[own.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Reading { total, idle, own: utime + stime, cpus })
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    const STAT: &str = "cpu  100 0 50 800 50 0 0 0 0 0\n\
                        cpu0 50 0 25 400 25 0 0 0 0 0\n\
                        cpu1 50 0 25 400 25 0 0 0 0 0\n\
                        intr 12345 0 0\nctxt 99\n";

    fn own(utime: u64, stime: u64) -> String {
        format!("4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 {utime} {stime} 0 0 20 0 3 0 1 2 3")
    }

    #[test]
    fn parses_both_files() {
        let r = parse(STAT, &own(30, 12)).unwrap();
        assert_eq!(r, Reading { total: 1000, idle: 850, own: 42, cpus: 2 });
        assert!(parse("intr 1\n", &own(1, 1)).is_none());
        assert!(parse(STAT, "garbage").is_none());
    }

    #[test]
    fn capacity_is_the_cpus_others_leave() {
        let prev = Reading { total: 1000, idle: 500, own: 100, cpus: 2 };
        // Over 100 ticks of 2 CPUs (200 ticks): 20 idle, 100 ours, so the
        // others used 80: 0.8 of a CPU, leaving 1.2.
        let now = Reading { total: 1200, idle: 520, own: 200, cpus: 2 };
        assert_eq!(capacity_milli(&prev, &now), Some(1200));
        // Nobody else: the whole machine.
        let alone = Reading { total: 1200, idle: 600, own: 200, cpus: 2 };
        assert_eq!(capacity_milli(&prev, &alone), Some(2000));
        // A window without ticks says nothing.
        assert_eq!(capacity_milli(&prev, &prev), None);
    }

    #[test]
    fn crowded_below_half_a_spare_cpu() {
        let c = Capacity::new();
        c.milli.store(1200, Relaxed);
        assert!(!c.crowded(0));
        assert!(c.crowded(1), "0.2 of a CPU beyond one running worker");
        c.milli.store(2000, Relaxed);
        assert!(!c.crowded(1));
        assert!(c.crowded(2));
    }

    #[test]
    fn reads_this_machine() {
        if cfg!(target_os = "linux") {
            let r = read().expect("/proc/stat and /proc/self/stat");
            assert!(r.cpus >= 1 && r.total >= r.idle, "{r:?}");
        }
    }
}
