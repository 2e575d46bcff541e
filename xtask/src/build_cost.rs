//! `cargo xtask build-cost`: what depending on nvml-wrapper costs a new user, against
//! nvml-wrapper 0.13.
//!
//! Two tiny programs list the GPUs with name, memory and temperature: one on this
//! repository's nvml-wrapper (`bench-build-cost/ours`, a path dependency), one on
//! nvml-wrapper 0.13 from crates.io (`bench-build-cost/nvml-wrapper-013`). Each is built cold
//! (`cargo build --release` into an empty target directory, registry cache warm, no
//! `RUSTFLAGS`), alternating which goes first, several times. The report gives the median
//! cold build time and the median of the per-run ratios, the crates compiled, the release
//! binary's size, and whether `bindgen` or `clang-sys` is in each program's dependency tree.
//! It is printed and written to `bench-build-cost/results/build_cost.md`, which BENCHMARKS.md
//! embeds verbatim (`nvml-wrapper/tests/it/benchmarks_doc.rs` checks it).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

/// The results file, relative to the repository root.
pub const RESULTS: &str = "bench-build-cost/results/build_cost.md";

/// The goals the report checks: cold build time and binary size relative to 0.13's.
pub const BUILD_TIME_GOAL: f64 = 0.8;
/// See [`BUILD_TIME_GOAL`].
pub const BINARY_SIZE_GOAL: f64 = 1.1;

/// Crates whose presence in a dependent's tree means it compiles a header toolchain.
const TOOLCHAIN_CRATES: &[&str] = &["bindgen", "clang-sys"];

/// One of the two programs.
struct Side {
    label: &'static str,
    dir: &'static str,
    bin: &'static str,
}

const OURS: Side = Side {
    label: "ours",
    dir: "bench-build-cost/ours",
    bin: "gpu-list-ours",
};
const V013: Side = Side {
    label: "nvml-wrapper 0.13",
    dir: "bench-build-cost/nvml-wrapper-013",
    bin: "gpu-list-013",
};

/// What one cold build gave.
struct Build {
    seconds: f64,
    crates: usize,
    binary_bytes: u64,
}

/// Options of `cargo xtask build-cost`.
pub struct Options {
    /// Repository root.
    pub root: PathBuf,
    /// Cold builds of each program.
    pub runs: usize,
}

/// Builds both programs `runs` times, prints the report and writes [`RESULTS`].
pub fn run(opts: &Options) -> anyhow::Result<()> {
    if opts.runs == 0 || opts.runs > 50 {
        bail!("--runs must be between 1 and 50");
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let scratch = opts.root.join("target").join("build-cost");
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for run in 0..opts.runs {
        let order: [(&Side, &mut Vec<Build>); 2] = if run % 2 == 0 {
            [(&OURS, &mut ours), (&V013, &mut theirs)]
        } else {
            [(&V013, &mut theirs), (&OURS, &mut ours)]
        };
        for (side, builds) in order {
            let b = cold_build(&cargo, &opts.root, &scratch, side)?;
            eprintln!(
                "run {}/{}: {}: {:.1} s, {} crates, {} bytes",
                run + 1,
                opts.runs,
                side.label,
                b.seconds,
                b.crates,
                b.binary_bytes
            );
            builds.push(b);
        }
    }
    let trees = [
        toolchain_in_tree(&cargo, &opts.root, &OURS)?,
        toolchain_in_tree(&cargo, &opts.root, &V013)?,
    ];
    let report = render(opts.runs, &machine(), &ours, &theirs, &trees);
    print!("{report}");
    let path = opts.root.join(RESULTS);
    std::fs::write(&path, &report).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

fn cold_build(
    cargo: &std::ffi::OsStr,
    root: &Path,
    scratch: &Path,
    side: &Side,
) -> anyhow::Result<Build> {
    let target = scratch.join(side.bin);
    if target.exists() {
        std::fs::remove_dir_all(&target)
            .with_context(|| format!("removing {}", target.display()))?;
    }
    let manifest = root.join(side.dir).join("Cargo.toml");
    let start = Instant::now();
    let out = plain_cargo(cargo)
        .args(["build", "--release", "--offline", "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target)
        .output()
        .with_context(|| format!("running cargo build for {}", side.dir))?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("cargo build of {} failed:\n{stderr}", side.dir);
    }
    let crates = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Compiling "))
        .count();
    let binary = target.join("release").join(side.bin);
    let binary_bytes = std::fs::metadata(&binary)
        .with_context(|| format!("reading {}", binary.display()))?
        .len();
    std::fs::remove_dir_all(&target).with_context(|| format!("removing {}", target.display()))?;
    Ok(Build {
        seconds,
        crates,
        binary_bytes,
    })
}

/// A `cargo` command as a user runs it: none of the caller's flags, wrappers or target
/// directory leak in.
fn plain_cargo(cargo: &std::ffi::OsStr) -> Command {
    let mut c = Command::new(cargo);
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_INCREMENTAL",
    ] {
        c.env_remove(var);
    }
    c.env("CARGO_TERM_COLOR", "never");
    c
}

/// The toolchain crates (`bindgen`, `clang-sys`) in the program's normal and build
/// dependencies.
fn toolchain_in_tree(
    cargo: &std::ffi::OsStr,
    root: &Path,
    side: &Side,
) -> anyhow::Result<Vec<String>> {
    let out = plain_cargo(cargo)
        .args([
            "tree",
            "--offline",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--manifest-path",
        ])
        .arg(root.join(side.dir).join("Cargo.toml"))
        .output()
        .with_context(|| format!("running cargo tree for {}", side.dir))?;
    if !out.status.success() {
        bail!(
            "cargo tree of {} failed:\n{}",
            side.dir,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut found: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| TOOLCHAIN_CRATES.contains(name))
        .map(str::to_owned)
        .collect();
    found.sort();
    found.dedup();
    Ok(found)
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "rustc (unknown version)".to_owned());
    format!("{cpus} CPUs, {rustc}")
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v.get(n / 2).copied().unwrap_or(f64::NAN),
        n => {
            let a = v.get(n / 2 - 1).copied().unwrap_or(f64::NAN);
            let b = v.get(n / 2).copied().unwrap_or(f64::NAN);
            (a + b) / 2.0
        }
    }
}

/// `met` or `missed`: whether `ratio`, as printed with three decimals, is at most `goal`.
pub fn verdict(ratio: &str, goal: f64) -> &'static str {
    match ratio.parse::<f64>() {
        Ok(r) if r <= goal => "met",
        _ => "missed",
    }
}

fn render(
    runs: usize,
    machine: &str,
    ours: &[Build],
    theirs: &[Build],
    trees: &[Vec<String>; 2],
) -> String {
    let secs = |b: &[Build]| b.iter().map(|b| b.seconds).collect::<Vec<_>>();
    let time_ratios: Vec<f64> = ours
        .iter()
        .zip(theirs)
        .map(|(o, t)| o.seconds / t.seconds)
        .collect();
    let last = |b: &[Build]| b.last().map_or((0, 0), |b| (b.crates, b.binary_bytes));
    let (ours_crates, ours_bytes) = last(ours);
    let (their_crates, their_bytes) = last(theirs);
    let time_ratio = format!("{:.3}", median(&time_ratios));
    let crate_ratio = format!("{:.3}", ours_crates as f64 / their_crates as f64);
    let size_ratio = format!("{:.3}", ours_bytes as f64 / their_bytes as f64);
    let tree = |t: &Vec<String>| {
        if t.is_empty() {
            "none".to_owned()
        } else {
            t.join(", ")
        }
    };
    let list = |b: &[Build]| {
        b.iter()
            .map(|b| format!("{:.1}", b.seconds))
            .collect::<Vec<_>>()
            .join(", ")
    };

    let mut s = String::new();
    let _ = writeln!(s, "Command: `cargo xtask build-cost --runs {runs}`.");
    let _ = writeln!(
        s,
        "Machine: {machine}. {runs} cold `cargo build --release` of each program (empty target \
         directory, registry cache warm, no RUSTFLAGS (a plain build)), alternating which goes \
         first."
    );
    s.push('\n');
    let _ = writeln!(s, "| | ours | nvml-wrapper 0.13 | ratio | goal | verdict |");
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---|");
    let _ = writeln!(
        s,
        "| cold build (s, median) | {:.1} | {:.1} | {time_ratio} | <= {BUILD_TIME_GOAL} | {} |",
        median(&secs(ours)),
        median(&secs(theirs)),
        verdict(&time_ratio, BUILD_TIME_GOAL)
    );
    let _ = writeln!(
        s,
        "| crates compiled | {ours_crates} | {their_crates} | {crate_ratio} | | |"
    );
    let _ = writeln!(
        s,
        "| release binary (bytes) | {ours_bytes} | {their_bytes} | {size_ratio} | <= {BINARY_SIZE_GOAL} | {} |",
        verdict(&size_ratio, BINARY_SIZE_GOAL)
    );
    let [our_tree, their_tree] = trees;
    let _ = writeln!(
        s,
        "| bindgen or clang-sys in the tree | {} | {} | | | |",
        tree(our_tree),
        tree(their_tree)
    );
    s.push('\n');
    let _ = writeln!(
        s,
        "The build-time ratio is the median of the {runs} per-run ratios. Cold builds (s), in \
         run order: ours {}; nvml-wrapper 0.13 {}.",
        list(ours),
        list(theirs)
    );
    s
}
