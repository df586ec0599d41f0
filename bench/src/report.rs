//! Output of a run: the text table, the `--json` file and the `--plot` SVG charts.
//!
//! The JSON format is fixed by the project's `shared/benchmarks.md` (scripts read it): an array of
//! `{"workload", "unit", "tokio", "kiso", "ratio", "better"}` objects. The SVGs are written
//! by hand, one per workload group: a horizontal bar per workload whose length is the
//! kiso/Tokio ratio, with a dashed line at 1.0.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use crate::harness::{Better, Outcome};

/// Formats a value with about four significant digits; `-` for a missing one.
fn num(v: Option<f64>) -> String {
    match v {
        None => "-".to_string(),
        Some(v) if !v.is_finite() => "-".to_string(),
        Some(v) if v.abs() >= 1000.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 100.0 => format!("{v:.1}"),
        Some(v) if v.abs() >= 10.0 => format!("{v:.2}"),
        Some(v) if v == 0.0 || v.abs() >= 0.1 => format!("{v:.3}"),
        // Small values (such as an idle runtime's % of a core) keep three significant digits.
        Some(v) => {
            let decimals = (-v.abs().log10().floor()) as usize + 2;
            format!("{v:.decimals$}")
        }
    }
}

/// The machine, for the table header and BENCHMARKS.md.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    format!("{cpus} CPUs, {model}")
}

/// The table printed at the end of a run.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    let header = [
        "workload",
        "unit",
        "tokio",
        "kiso",
        "ratio",
        "spread",
        "tokio cpu",
        "kiso cpu",
        "size",
    ];
    let mut rows: Vec<[String; 9]> = vec![header.map(str::to_string)];
    for o in outcomes {
        let size = format!("{}x{}", o.size.n, o.size.reps);
        if let Some(err) = &o.failure {
            let mut row: [String; 9] = Default::default();
            row[0] = o.name.to_string();
            row[1] = o.unit.to_string();
            row[2] = format!("FAILED: {err}");
            rows.push(row);
            continue;
        }
        let spread = o.ratio_spread();
        rows.push([
            o.name.to_string(),
            o.unit.to_string(),
            num(Some(o.tokio_median())),
            num(Some(o.kiso_median())),
            format!("{:.3}{}", o.ratio(), arrow(o.better)),
            if spread.is_finite() {
                format!("{:.1}%", spread * 100.0)
            } else {
                "-".to_string()
            },
            num(o.tokio_cpu()),
            num(o.kiso_cpu()),
            size,
        ]);
    }
    let mut widths = [0usize; 9];
    for row in &rows {
        if !row[2].starts_with("FAILED") {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.len());
            }
        }
    }
    for row in &rows {
        if row[2].starts_with("FAILED") {
            let _ = writeln!(
                s,
                "{:<w0$}  {:<w1$}  {}",
                row[0],
                row[1],
                row[2],
                w0 = widths[0],
                w1 = widths[1]
            );
            continue;
        }
        let mut line = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i < 2 {
                let _ = write!(line, "{cell:<w$}  ");
            } else {
                let _ = write!(line, "{cell:>w$}  ");
            }
        }
        let _ = writeln!(s, "{}", line.trim_end());
    }
    s
}

/// Marks which direction of the ratio is better in the table.
fn arrow(better: Better) -> &'static str {
    match better {
        Better::Lower => "",
        Better::Higher => " (higher is better)",
    }
}

/// The legend printed under the table.
pub const LEGEND: &str = "\
tokio, kiso: medians over the measured rounds, in the unit shown (wall time per op).
ratio: median of the per-round ratios kiso/Tokio; below 1.0 kiso is faster/smaller
       (for units marked 'higher is better', above 1.0 kiso is better).
spread: (max - min) / median of the per-round ratios.
tokio cpu, kiso cpu: median CPU time (user + system, all threads of the process) per op,
       in ns, over the same measured region; above the wall time means several busy threads,
       below it means threads were parked.
size: workload size x repetitions of it in one sample.
rt_multi/idle_cpu: % of one core used by an idle 2-worker runtime in a fresh child process
       over a window of `size` ms; 3 rounds (no warm-up) whatever --rounds says.";

/// Writes a JSON string literal.
fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a JSON number (`null` if not finite, e.g. for a failed workload).
fn json_num(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".to_string()
    }
}

/// The `--json` document.
pub fn json(outcomes: &[Outcome]) -> String {
    let mut s = String::from("[\n");
    for (i, o) in outcomes.iter().enumerate() {
        let _ = write!(
            s,
            "  {{\"workload\": {}, \"unit\": {}, \"tokio\": {}, \"kiso\": {}, \"ratio\": {}, \"better\": {}}}",
            json_str(o.name),
            json_str(o.unit),
            json_num(o.tokio_median()),
            json_num(o.kiso_median()),
            json_num(o.ratio()),
            json_str(o.better.as_str()),
        );
        s.push_str(if i + 1 < outcomes.len() { ",\n" } else { "\n" });
    }
    s.push_str("]\n");
    s
}

/// Escapes text for SVG content and attributes.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One SVG chart for the workloads of one group.
pub fn svg(group: &str, outcomes: &[&Outcome], subtitle: &str) -> String {
    const WIDTH: f64 = 820.0;
    const LABEL: f64 = 190.0; // left column: workload names
    const VALUE: f64 = 250.0; // right column: ratio text
    const ROW: f64 = 26.0;
    const TOP: f64 = 58.0;
    let bar_area = WIDTH - LABEL - VALUE;
    let ratios: Vec<f64> = outcomes.iter().map(|o| o.ratio()).collect();
    let max = ratios
        .iter()
        .copied()
        .filter(|r| r.is_finite())
        .fold(1.0f64, f64::max);
    let scale_max = (max * 1.15).max(1.5);
    let x = |r: f64| LABEL + bar_area * (r / scale_max);
    let height = TOP + ROW * outcomes.len() as f64 + 34.0;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(
        s,
        r##"<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="16" font-weight="bold">{} : kiso / Tokio</text>
<text x="10" y="42" fill="#555">{}</text>"##,
        xml(group),
        xml(subtitle)
    );
    for (i, (o, &r)) in outcomes.iter().zip(&ratios).enumerate() {
        let y = TOP + ROW * i as f64;
        let name = o.name.split_once('/').map_or(o.name, |(_, n)| n);
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABEL - 8.0,
            y + ROW * 0.65,
            xml(name)
        );
        if !r.is_finite() {
            let _ = writeln!(
                s,
                r##"<text x="{LABEL}" y="{:.1}" fill="#b00">failed</text>"##,
                y + ROW * 0.65
            );
            continue;
        }
        let kiso_better = match o.better {
            Better::Lower => r <= 1.0,
            Better::Higher => r >= 1.0,
        };
        let color = if kiso_better { "#3a7d44" } else { "#c0392b" };
        let _ = writeln!(
            s,
            r#"<rect x="{LABEL}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}"/>"#,
            y + 4.0,
            (x(r) - LABEL).max(1.0),
            ROW - 8.0
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}">{r:.3} ({}, {} is better)</text>"#,
            x(r) + 6.0,
            y + ROW * 0.65,
            xml(o.unit),
            o.better.as_str()
        );
    }
    let bottom = TOP + ROW * outcomes.len() as f64;
    let _ = writeln!(
        s,
        r##"<line x1="{0:.1}" y1="{1:.1}" x2="{0:.1}" y2="{2:.1}" stroke="#000" stroke-dasharray="4 3"/>
<text x="{0:.1}" y="{3:.1}" text-anchor="middle" fill="#333">1.0 (same as Tokio)</text>
<line x1="{LABEL}" y1="{1:.1}" x2="{LABEL}" y2="{2:.1}" stroke="#888"/>"##,
        x(1.0),
        TOP - 4.0,
        bottom + 2.0,
        bottom + 18.0
    );
    s.push_str("</svg>\n");
    s
}

/// Writes `<dir>/<group>.svg` for every group present in `outcomes`.
pub fn write_plots(dir: &Path, outcomes: &[Outcome], subtitle: &str) -> io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut groups: Vec<&str> = Vec::new();
    for o in outcomes {
        let g = o.name.split_once('/').map_or(o.name, |(g, _)| g);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    let mut written = Vec::new();
    for g in groups {
        let members: Vec<&Outcome> = outcomes
            .iter()
            .filter(|o| o.name.split_once('/').map_or(o.name, |(g, _)| g) == g)
            .collect();
        let path = dir.join(format!("{g}.svg"));
        std::fs::write(&path, svg(g, &members, subtitle))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn num_keeps_about_four_significant_digits() {
        assert_eq!(num(Some(1234.5)), "1234");
        assert_eq!(num(Some(12.345)), "12.35");
        assert_eq!(num(Some(0.5)), "0.500");
        assert_eq!(num(Some(0.0)), "0.000");
        assert_eq!(num(Some(0.0012345)), "0.00123");
        assert_eq!(num(Some(f64::NAN)), "-");
        assert_eq!(num(None), "-");
    }
}
