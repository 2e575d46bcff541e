//! What the benches share: the interleaved measurement, the machine description, and the
//! results files that BENCHMARKS.md embeds (and `tests/it/benchmarks_doc.rs` checks).
//!
//! Also compiled into `tests/it/benchmarks_doc.rs` (for [`Table`] and [`results_path`]), where
//! the timing half is unused.

#![allow(dead_code)]

/// The rows of `bench-vs-nvml-wrapper-013` (this crate against nvml-wrapper 0.13), in order:
/// one call each, as a user writes it with either crate.
pub const VS_013_ROWS: [&str; 18] = [
    "load + init + shutdown",
    "device_count",
    "device_by_index",
    "name",
    "uuid",
    "temperature",
    "memory_info",
    "utilization_rates",
    "power_usage",
    "clock_info",
    "running_compute_processes",
    "field values (8 ids)",
    "pci_info",
    "process utilization samples",
    "owned: name",
    "owned: temperature",
    "owned: memory_info",
    "owned: running_compute_processes",
];

/// The columns of its table.
pub const VS_013_HEADER: [&str; 6] = [
    "call",
    "0.13 (ns)",
    "ours (ns)",
    "ours / 0.13",
    "spread (25th-75th percentile)",
    "at or under 1.0",
];

/// The verdict of a `vs_nvml_wrapper_013` row: "yes" when the median ratio is at or under 1.0,
/// "within the spread" when 1.0 is at least the 25th percentile, else "NO". Both are taken as
/// the table prints them (3 decimals), so the verdict follows from the printed numbers.
pub fn verdict(ratio: f64, p25: f64) -> &'static str {
    let printed = |x: f64| (x * 1000.0).round() / 1000.0;
    let (ratio, p25) = (printed(ratio), printed(p25));
    if ratio <= 1.0 {
        "yes"
    } else if p25 <= 1.0 {
        "within the spread"
    } else {
        "NO"
    }
}

/// The pairs of `wrapper_vs_raw` (this crate against hand-written raw calls), in order.
pub const RAW_PAIRS: [&str; 11] = [
    "memory_info",
    "utilization_rates",
    "temperature",
    "power_usage",
    "clock_info",
    "performance_state",
    "name",
    "uuid",
    "running_compute_processes",
    "field_values",
    "load_init_shutdown",
];

/// The columns of its table.
pub const RAW_HEADER: [&str; 9] = [
    "pair",
    "kind",
    "raw (ns)",
    "safe (ns)",
    "safe / raw",
    "spread (25th-75th percentile)",
    "target",
    "met",
    "criterion raw / safe (ns)",
];

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Uses a result the way a caller does: where it was returned. `black_box(&out)` keeps the
/// work that produced it, without the copy that moving it into `black_box(out)` would add (for
/// a 48-byte `Result<_, NvmlError>` that copy alone, split loads over split stores, costs a
/// quarter of a mock call; a caller that matches on the result never pays it).
#[inline(always)]
pub fn consume<T>(out: T) {
    black_box(&out);
}

/// Wall time of one timed block (a block is many iterations of one side).
pub const BLOCK: Duration = Duration::from_micros(200);

/// The time per iteration of each side, and the spread of their per-round ratio.
pub struct Measured {
    /// Median ns per iteration of the baseline side (`a`).
    pub a_ns: f64,
    /// Median ns per iteration of the measured side (`b`).
    pub b_ns: f64,
    /// Per-round `b / a`: the median, and the 25th and 75th percentiles.
    pub ratio: f64,
    pub p25: f64,
    pub p75: f64,
}

/// The `q`-quantile (0..=1) of some numbers, sorted in place (nearest rank).
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let last = values.len().saturating_sub(1);
    values[((last as f64) * q).round() as usize]
}

/// Times `a` and `b` in alternating blocks for `rounds` rounds (`a` first in even rounds, `b`
/// first in odd ones), so that whatever else the machine does at a moment weighs on both sides
/// alike. The ratio is taken per round, then summarised.
pub fn interleaved<A, B>(
    rounds: usize,
    a: &mut impl FnMut() -> A,
    b: &mut impl FnMut() -> B,
) -> Measured {
    fn block<T>(f: &mut impl FnMut() -> T, iters: u64) -> f64 {
        let start = Instant::now();
        for _ in 0..iters {
            consume(f());
        }
        start.elapsed().as_nanos() as f64 / iters as f64
    }
    // Warm up, and size the blocks from the `a` side's speed.
    let mut iters = 1u64;
    while block(a, iters) * (iters as f64) < BLOCK.as_nanos() as f64 / 4.0 {
        iters *= 2;
    }
    iters = iters.saturating_mul(4);
    block(b, iters);
    let (mut aa, mut bb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = block(a, iters);
            (x, block(b, iters))
        } else {
            let y = block(b, iters);
            (block(a, iters), y)
        };
        aa.push(x);
        bb.push(y);
        ratios.push(y / x);
    }
    Measured {
        a_ns: quantile(&mut aa, 0.5),
        b_ns: quantile(&mut bb, 0.5),
        ratio: quantile(&mut ratios, 0.5),
        p25: quantile(&mut ratios, 0.25),
        p75: quantile(&mut ratios, 0.75),
    }
}

/// A Markdown table, as the benches print it and BENCHMARKS.md embeds it.
pub struct Table {
    pub header: Vec<String>,
    /// Right-aligned columns (numbers).
    pub right: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn render(&self) -> String {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut out = line(&self.header);
        let rule: Vec<String> = self
            .right
            .iter()
            .map(|r| if *r { "---:" } else { "---" }.to_owned())
            .collect();
        out.push_str(&format!("|{}|\n", rule.join("|")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        out
    }

    /// Reads back what [`render`](Self::render) wrote: the first Markdown table in `text`.
    pub fn parse(text: &str) -> Option<Table> {
        let mut lines = text.lines().skip_while(|l| !l.starts_with('|'));
        let cells = |l: &str| -> Vec<String> {
            l.trim()
                .trim_start_matches('|')
                .trim_end_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        };
        let header = cells(lines.next()?);
        let right = lines
            .next()?
            .trim_matches('|')
            .split('|')
            .map(|c| c.ends_with(':'))
            .collect();
        let rows = lines
            .take_while(|l| l.starts_with('|'))
            .map(cells)
            .collect();
        Some(Table {
            header,
            right,
            rows,
        })
    }
}

/// The machine a run measured: CPU model and count, compiler, load.
pub fn machine() -> Vec<String> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown".to_owned(), |v| v.trim().to_owned());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_owned());
    vec![
        format!("- CPU: {cpu}, {cores} cores"),
        format!(
            "- build: `cargo bench` (the bench profile), {}, `{rustc}`",
            if option_env!("RUSTFLAGS").is_some_and(|f| !f.is_empty()) {
                "with RUSTFLAGS (a special build)"
            } else {
                "no RUSTFLAGS (a plain build)"
            },
        ),
        format!("- load average (1, 5, 15 min) at the end of the run: {load}"),
    ]
}

/// Where a bench's results file lives: `nvml-wrapper/benches/results/<bench>.md`.
pub fn results_path(bench: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("benches")
        .join("results")
        .join(format!("{bench}.md"))
}

/// The results file of the run before, kept beside the new one: `<bench>.previous.md`.
pub fn previous_path(bench: &str) -> PathBuf {
    results_path(bench).with_extension("previous.md")
}

/// Prints a run's results and writes them to [`results_path`], moving the file of the run
/// before to [`previous_path`], so that the last two consecutive runs are both on disk.
pub fn publish(bench: &str, text: &str) {
    print!("\n{text}");
    let path = results_path(bench);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if path.exists() {
        let _ = std::fs::rename(&path, previous_path(bench));
    }
    match std::fs::write(&path, text) {
        Ok(()) => println!("\n(written to {})", path.display()),
        Err(e) => println!("\n(could not write {}: {e})", path.display()),
    }
}
