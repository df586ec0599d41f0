//! `kiso-bench`: runs every workload on Tokio and on kiso, interleaved, and prints one table
//! of medians and kiso/Tokio ratios (see the project's `shared/benchmarks.md`).
//!
//! ```text
//! cargo run --release -p kiso-bench -- [FILTER] [--rounds N] [--quick] [--json FILE] [--plot DIR]
//! ```
//!
//! - `FILTER`: run only the workloads whose name contains this substring;
//! - `--rounds N`: measured rounds after the warm-up (default 10, at least 5 unless `--quick`);
//! - `--quick`: every workload exactly once per runtime at a small size (for CI);
//! - `--json FILE`: write the results as the JSON array scripts read;
//! - `--plot DIR`: write one SVG chart per workload group into `DIR`.
//!
//! With `KISO_BENCH_RAW=1` in the environment every round's two samples are printed to
//! stderr as they are taken (to see where a large spread comes from).
//!
//! Built without the default `kiso` feature, the "kiso" column runs Tokio too: a
//! Tokio-vs-Tokio run whose ratios should all be close to 1.0 checks the harness
//! (`--no-default-features --features time-workloads,io-workloads`, since the `time/` and
//! `io/` workloads sit behind the `time-workloads` and `io-workloads` features, also
//! default ones).

mod harness;
mod primitives;
mod report;
mod workloads;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use harness::Config;

const USAGE: &str = "\
usage: kiso-bench [FILTER] [--rounds N] [--quick] [--json FILE] [--plot DIR]

  FILTER        run only the workloads whose name contains FILTER
  --rounds N    measured rounds after the warm-up (default 10, minimum 5)
  --quick       every workload exactly once per runtime at a small size (CI)
  --json FILE   write [{\"workload\", \"unit\", \"tokio\", \"kiso\", \"ratio\", \"better\"}, ...]
  --plot DIR    write one SVG bar chart of the ratios per workload group into DIR

environment: KISO_BENCH_RAW=1 prints every round's samples to stderr";

/// Default number of measured rounds.
const DEFAULT_ROUNDS: usize = 10;
/// Aimed-for duration of one sample in a default run.
const SAMPLE_TARGET: Duration = Duration::from_millis(150);

struct Args {
    filter: Option<String>,
    rounds: usize,
    quick: bool,
    json: Option<PathBuf>,
    plot: Option<PathBuf>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        filter: None,
        rounds: DEFAULT_ROUNDS,
        quick: false,
        json: None,
        plot: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or(format!("{flag} needs a value"));
        match arg.as_str() {
            "--quick" => parsed.quick = true,
            "--rounds" => {
                let v = value("--rounds")?;
                parsed.rounds = v
                    .parse()
                    .map_err(|_| format!("--rounds: not a number: {v}"))?;
                if parsed.rounds < 5 {
                    return Err("--rounds: at least 5 measured rounds".to_string());
                }
            }
            "--json" => parsed.json = Some(value("--json")?.into()),
            "--plot" => parsed.plot = Some(value("--plot")?.into()),
            "-h" | "--help" => return Err(String::new()),
            "--" => {}
            flag if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            filter => {
                if parsed.filter.replace(filter.to_string()).is_some() {
                    return Err("only one FILTER".to_string());
                }
            }
        }
    }
    Ok(parsed)
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some(workloads::mem::CHILD_FLAG) {
        return child(argv.skip(1).collect());
    }
    if argv.peek().map(String::as_str) == Some(workloads::rt_multi_idle::CHILD_FLAG) {
        let args: Vec<String> = argv.skip(1).collect();
        return match workloads::rt_multi_idle::child_main(&args) {
            Ok(value) => {
                println!("{value}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        };
    }
    #[cfg(feature = "time-workloads")]
    if argv.peek().map(String::as_str) == Some(workloads::time_rss::CHILD_FLAG) {
        let args: Vec<String> = argv.skip(1).collect();
        return match workloads::time_rss::child_main(&args) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        };
    }
    #[cfg(feature = "io-workloads")]
    if argv
        .peek()
        .is_some_and(|flag| workloads::io::CHILD_FLAGS.contains(&flag.as_str()))
    {
        return workloads::io::child_main(&argv.collect::<Vec<_>>());
    }
    let args = match parse_args(argv) {
        Ok(args) => args,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("kiso-bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let selected: Vec<_> = workloads::all()
        .into_iter()
        .filter(|w| {
            args.filter
                .as_ref()
                .is_none_or(|f| w.name.contains(f.as_str()))
        })
        .collect();
    if selected.is_empty() {
        eprintln!("kiso-bench: no workload matches {:?}", args.filter);
        return ExitCode::from(2);
    }

    let cfg = Config {
        rounds: if args.quick { 1 } else { args.rounds },
        quick: args.quick,
        target: SAMPLE_TARGET,
    };
    let mode = if cfg.quick {
        "quick: one sample per runtime at a small size".to_string()
    } else {
        format!("{} measured rounds after a warm-up, A B A B", cfg.rounds)
    };
    let kiso_label = if workloads::KISO_IS_TOKIO {
        "the \"kiso\" column is TOKIO (built without the `kiso` feature): harness check"
    } else {
        "kiso vs Tokio 1.54.1"
    };
    eprintln!("kiso-bench: {} workloads; {mode}", selected.len());

    let started = Instant::now();
    let outcomes: Vec<_> = selected.iter().map(|w| harness::run(w, &cfg)).collect();
    let elapsed = started.elapsed();

    println!("\nkiso-bench: {kiso_label}");
    println!(
        "machine: {}; {mode}; took {:.1} s",
        report::machine(),
        elapsed.as_secs_f64()
    );
    println!();
    print!("{}", report::table(&outcomes));
    println!();
    println!("{}", report::LEGEND);
    if cfg.quick {
        println!("--quick: one cold sample per runtime; the numbers only show that it runs.");
    }
    let notes = workloads::notes();
    if !notes.is_empty() {
        println!();
        for note in notes {
            println!("{note}");
        }
    }

    let mut failed = outcomes.iter().any(|o| o.failure.is_some());
    if let Some(path) = &args.json {
        if let Err(e) = std::fs::write(path, report::json(&outcomes)) {
            eprintln!("kiso-bench: writing {}: {e}", path.display());
            failed = true;
        }
    }
    if let Some(dir) = &args.plot {
        let subtitle = format!("{kiso_label}; {}", report::machine());
        match report::write_plots(dir, &outcomes, &subtitle) {
            Ok(files) => eprintln!("kiso-bench: wrote {}", files.join(", ")),
            Err(e) => {
                eprintln!("kiso-bench: writing plots into {}: {e}", dir.display());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The memory-measuring child process: `--child-mem <tokio|kiso> <count>`.
fn child(args: Vec<String>) -> ExitCode {
    let [which, n] = args.as_slice() else {
        eprintln!(
            "usage: kiso-bench {} <tokio|kiso> <count>",
            workloads::mem::CHILD_FLAG
        );
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("{}: bad count {n}", workloads::mem::CHILD_FLAG);
        return ExitCode::from(2);
    };
    println!("{}", workloads::mem::child_main(which, n.max(1)));
    ExitCode::SUCCESS
}
