//! The measuring harness: runs one workload on Tokio and on kiso, interleaved, and keeps
//! every sample.
//!
//! Order of one workload in a default run:
//!
//! 1. calibration: each side once with one repetition of the inner work; the Tokio time
//!    decides how many repetitions make one sample last about [`Config::target`] (both sides
//!    then use the same count, so they do exactly the same work);
//! 2. a warm-up round (Tokio, kiso) at the full size, thrown away;
//! 3. `rounds` measured rounds, each Tokio then kiso (A B A B ...). The ratio kiso/Tokio is
//!    taken per round, from two samples measured next to each other, and the reported ratio
//!    is the median of those pairwise ratios: slow drift of a shared machine cancels out.
//!
//! A workload with a fixed round count ([`Workload::rounds`]) skips 1 and 2 and runs that
//! many measured rounds. `--quick` skips 1 and 2 and runs every workload exactly once per
//! runtime at its small size. Each sample builds its runtime outside the timed region;
//! [`measure`] times only the closure it is given, in wall time and in CPU time of the
//! whole process (user + system, all threads, from `getrusage`), so spinning that buys
//! latency with CPU shows up.

use std::io::IsTerminal;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Whether a smaller or a larger value of the unit is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Lower,
    /// For throughputs (req/s); the first such workloads are the `io/` and `http/` ones.
    #[allow(dead_code)]
    Higher,
}

impl Better {
    pub fn as_str(self) -> &'static str {
        match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
        }
    }
}

/// How much work one sample does: `n` is the workload's own size parameter (tasks, pairs,
/// chain length ...), `reps` how many times the inner work is repeated inside the sample.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub n: usize,
    pub reps: usize,
}

/// One measurement of one workload on one runtime.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// The value in the workload's unit (e.g. wall ns per task).
    pub value: f64,
    /// Wall time of the measured region (used for calibration).
    pub wall: Duration,
    /// CPU time (user + system, whole process) per op in ns, where it makes sense.
    pub cpu_per_op: Option<f64>,
}

/// A workload run on one runtime.
pub type RunFn = fn(Size) -> Sample;

/// One named workload, with its code instantiated for both runtimes.
pub struct Workload {
    /// `<group>/<name>`, fixed by the project's `shared/benchmarks.md`.
    pub name: &'static str,
    pub unit: &'static str,
    pub better: Better,
    /// Size of the inner work in a default run.
    pub n: usize,
    /// Size in `--quick` runs.
    pub quick_n: usize,
    /// Whether to repeat the inner work until a sample lasts about the target time.
    pub calibrate: bool,
    /// `Some(r)`: exactly `r` measured rounds whatever `--rounds` says, with no calibration
    /// and no warm-up round (for slow workloads that measure a fresh child process, which
    /// warming up this one cannot help); `None`: calibration, warm-up and `--rounds`.
    pub rounds: Option<usize>,
    pub tokio: RunFn,
    pub kiso: RunFn,
}

/// What the command line asked for.
pub struct Config {
    pub rounds: usize,
    pub quick: bool,
    /// Aimed-for duration of one sample.
    pub target: Duration,
}

/// All samples of one workload (measured rounds only).
pub struct Outcome {
    pub name: &'static str,
    pub unit: &'static str,
    pub better: Better,
    pub size: Size,
    pub tokio: Vec<Sample>,
    pub kiso: Vec<Sample>,
    /// Set when a sample panicked; the workload then has no numbers.
    pub failure: Option<String>,
}

/// CPU time used so far by the whole process (all threads, user + system).
pub fn process_cpu_time() -> Duration {
    // SAFETY: `getrusage` only writes into the zero-initialised struct we pass.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Times `work` (wall and process CPU) and reports both per op, in ns.
pub fn measure(ops: u64, work: impl FnOnce()) -> Sample {
    let cpu0 = process_cpu_time();
    let t0 = Instant::now();
    work();
    let wall = t0.elapsed();
    let cpu = process_cpu_time().saturating_sub(cpu0);
    let ops = ops.max(1) as f64;
    Sample {
        value: wall.as_nanos() as f64 / ops,
        wall,
        cpu_per_op: Some(cpu.as_nanos() as f64 / ops),
    }
}

/// Median of a slice (mean of the two middle values for an even length); NaN if empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

impl Outcome {
    pub fn tokio_median(&self) -> f64 {
        median(&self.tokio.iter().map(|s| s.value).collect::<Vec<_>>())
    }

    pub fn kiso_median(&self) -> f64 {
        median(&self.kiso.iter().map(|s| s.value).collect::<Vec<_>>())
    }

    /// kiso/Tokio for each measured round.
    pub fn ratios(&self) -> Vec<f64> {
        self.tokio
            .iter()
            .zip(&self.kiso)
            .map(|(t, k)| k.value / t.value)
            .collect()
    }

    /// Median of the pairwise per-round ratios kiso/Tokio.
    pub fn ratio(&self) -> f64 {
        median(&self.ratios())
    }

    /// Relative spread of the per-round ratios: (max - min) / median; NaN with fewer than
    /// two rounds.
    pub fn ratio_spread(&self) -> f64 {
        let r = self.ratios();
        if r.len() < 2 {
            return f64::NAN;
        }
        let max = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let min = r.iter().copied().fold(f64::INFINITY, f64::min);
        (max - min) / median(&r)
    }

    pub fn tokio_cpu(&self) -> Option<f64> {
        cpu_median(&self.tokio)
    }

    pub fn kiso_cpu(&self) -> Option<f64> {
        cpu_median(&self.kiso)
    }
}

fn cpu_median(samples: &[Sample]) -> Option<f64> {
    let cpu: Option<Vec<f64>> = samples.iter().map(|s| s.cpu_per_op).collect();
    cpu.filter(|c| !c.is_empty()).map(|c| median(&c))
}

/// Runs one sample, turning a panic into an error message.
fn sample(run: RunFn, size: Size) -> Result<Sample, String> {
    catch_unwind(AssertUnwindSafe(|| run(size))).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panicked".to_string())
    })
}

/// Runs `w` on both runtimes as described in the module documentation.
pub fn run(w: &Workload, cfg: &Config) -> Outcome {
    let mut out = Outcome {
        name: w.name,
        unit: w.unit,
        better: w.better,
        size: Size { n: w.n, reps: 1 },
        tokio: Vec::new(),
        kiso: Vec::new(),
        failure: None,
    };
    if let Err(e) = run_inner(w, cfg, &mut out) {
        out.failure = Some(e);
    }
    out
}

fn run_inner(w: &Workload, cfg: &Config, out: &mut Outcome) -> Result<(), String> {
    if cfg.quick {
        out.size = Size {
            n: w.quick_n,
            reps: 1,
        };
        out.tokio
            .push(sample(w.tokio, out.size).map_err(|e| format!("tokio: {e}"))?);
        out.kiso
            .push(sample(w.kiso, out.size).map_err(|e| format!("kiso: {e}"))?);
        return Ok(());
    }

    let (reps, rounds, first_round) = if let Some(rounds) = w.rounds {
        // Fixed rounds: no calibration, no warm-up (round 0 is the warm-up).
        (1, rounds, 1)
    } else {
        // Calibration (doubles as the first warm-up).
        let one = Size { n: w.n, reps: 1 };
        let t = sample(w.tokio, one).map_err(|e| format!("tokio: {e}"))?;
        sample(w.kiso, one).map_err(|e| format!("kiso: {e}"))?;
        let reps = if w.calibrate {
            let per_rep = t.wall.as_secs_f64().max(1e-6);
            ((cfg.target.as_secs_f64() / per_rep).ceil() as usize).clamp(1, 100_000)
        } else {
            1
        };
        (reps, cfg.rounds, 0)
    };
    out.size = Size { n: w.n, reps };

    // Warm-up round at full size, then the measured rounds.
    let live = std::io::stderr().is_terminal();
    for round in first_round..=rounds {
        if live {
            eprint!(
                "\r  {:<28} n={} reps={} round {round}/{rounds}   ",
                w.name, w.n, reps
            );
        }
        let t = sample(w.tokio, out.size).map_err(|e| format!("tokio: {e}"))?;
        let k = sample(w.kiso, out.size).map_err(|e| format!("kiso: {e}"))?;
        if std::env::var_os("KISO_BENCH_RAW").is_some() {
            eprintln!(
                "  raw {} round {round}: tokio {:.1} (cpu {:.1})  kiso {:.1} (cpu {:.1})",
                w.name,
                t.value,
                t.cpu_per_op.unwrap_or(f64::NAN),
                k.value,
                k.cpu_per_op.unwrap_or(f64::NAN)
            );
        }
        if round > 0 {
            out.tokio.push(t);
            out.kiso.push(k);
        }
    }
    if live {
        eprintln!();
    } else {
        eprintln!("  {:<28} n={} reps={reps} done", w.name, w.n);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn ratio_is_median_of_pairwise_ratios() {
        let s = |value| Sample {
            value,
            wall: Duration::ZERO,
            cpu_per_op: None,
        };
        let out = Outcome {
            name: "g/w",
            unit: "ns/op",
            better: Better::Lower,
            size: Size { n: 1, reps: 1 },
            tokio: vec![s(10.0), s(20.0), s(10.0)],
            kiso: vec![s(10.0), s(10.0), s(20.0)],
            failure: None,
        };
        assert_eq!(out.ratios(), vec![1.0, 0.5, 2.0]);
        assert_eq!(out.ratio(), 1.0);
        assert_eq!(out.ratio_spread(), 1.5);
        assert_eq!(out.tokio_cpu(), None);
    }
}
