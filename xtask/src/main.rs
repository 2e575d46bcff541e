//! `cargo xtask`: maintainer tasks (see `xtask/README.md`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use xtask::anaconda::DEFAULT_API_URL;
use xtask::coverage;
use xtask::update::{self, Choice, Options};

/// Maintainer tasks for the nvml workspace.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Fetch a new nvml.h from Anaconda (cuda-nvml-dev, channel nvidia), verify it, install it
    /// as headers/nvml.h and report what changed.
    UpdateHeader(UpdateHeader),
    /// Count the header's functions nvml-wrapper wraps, per group of the NVML reference, and
    /// list the missing ones.
    Coverage(Coverage),
    /// Build a tiny dependent of this nvml-wrapper and the same program on nvml-wrapper 0.13
    /// cold, alternating, and report the ratios (build time, crates, binary size).
    BuildCost(BuildCost),
    /// Write every generated file (pregenerated bindings, the mock's documents and built-in
    /// profiles, RELIABILITY.md's and BENCHMARKS.md's measured parts); `--check` fails naming
    /// each stale one.
    Codegen(Codegen),
}

#[derive(Args)]
struct Codegen {
    /// Write nothing; fail (exit 1) naming each file that differs from what it would write.
    #[arg(long)]
    check: bool,
    /// Repository root (default: this workspace).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

#[derive(Args)]
struct BuildCost {
    /// Cold builds of each program.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Repository root holding bench-build-cost/ (default: this workspace).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

#[derive(Args)]
struct Coverage {
    /// Fail (exit 1) when a function is neither wrapped nor excused, when more than 5% of the
    /// header is excused, or when an excusal no longer holds.
    #[arg(long)]
    check: bool,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Repository root holding headers/ and nvml-wrapper/ (default: this workspace).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

/// Where `update-header` looks for the header.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Source {
    /// `cuda-nvml-dev` of Anaconda's `nvidia` channel (--api-url).
    Anaconda,
    /// `cuda_nvml_dev` of NVIDIA's CUDA redist JSON (--cuda-version, --redist-url).
    Redist,
}

#[derive(Args)]
struct UpdateHeader {
    /// Print the available versions (newest first) and exit.
    #[arg(long, conflicts_with_all = ["version", "latest", "from_file"])]
    list: bool,
    /// Take this package version (as `--list` shows it).
    #[arg(long, value_name = "V", conflicts_with = "latest")]
    version: Option<String>,
    /// Take the newest version.
    #[arg(long)]
    latest: bool,
    /// Never prompt: without --version or --latest this is an error.
    #[arg(long, short = 'y')]
    yes: bool,
    /// Install from a package file on disk (.conda or .tar.bz2) instead of downloading.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["version", "latest"])]
    from_file: Option<PathBuf>,
    /// The package listing URL.
    #[arg(long, value_name = "URL", default_value = DEFAULT_API_URL)]
    api_url: String,
    /// Where to find the header: Anaconda's `nvidia` channel, or NVIDIA's CUDA redist JSON
    /// (as NVIDIA's go-nvml reads it; takes --cuda-version).
    #[arg(long, value_enum, default_value = "anaconda")]
    source: Source,
    /// With --source redist: the CUDA release whose redistrib_<version>.json to read.
    #[arg(long, value_name = "V", required_if_eq("source", "redist"))]
    cuda_version: Option<String>,
    /// With --source redist: the base URL of the redist JSON files and archives.
    #[arg(long, value_name = "URL", default_value = xtask::redist::DEFAULT_BASE_URL)]
    redist_url: String,
    /// Platform subdirectory of the packages.
    #[arg(long, default_value = "linux-64")]
    subdir: String,
    /// Seconds each network step may take before giving up.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    timeout: f64,
    /// Repository root holding headers/ and nvml-wrapper/ (default: this workspace).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

fn default_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.task {
        Task::Coverage(a) => coverage::run(
            &coverage::Options {
                root: a.root.unwrap_or_else(default_root),
                check: a.check,
                json: a.json,
            },
            &mut std::io::stdout().lock(),
            &mut std::io::stderr(),
        ),
        Task::Codegen(a) => xtask::codegen::run(&xtask::codegen::Options {
            root: a.root.unwrap_or_else(default_root),
            check: a.check,
        }),
        Task::BuildCost(a) => xtask::build_cost::run(&xtask::build_cost::Options {
            root: a.root.unwrap_or_else(default_root),
            runs: a.runs,
        }),
        Task::UpdateHeader(a) => {
            if !(a.timeout.is_finite() && a.timeout > 0.0 && a.timeout < 86_400.0) {
                anyhow::bail!("--timeout must be a number of seconds between 0 and 86400");
            }
            let choice = match (a.version, a.latest) {
                (Some(v), _) => Choice::Version(v),
                (None, true) => Choice::Latest,
                (None, false) if !a.yes && std::io::stdin().is_terminal() => Choice::Prompt,
                (None, false) => Choice::None,
            };
            let opts = Options {
                root: a.root.unwrap_or_else(default_root),
                api_url: a.api_url,
                subdir: a.subdir,
                timeout: Duration::from_secs_f64(a.timeout),
                list: a.list,
                choice,
                from_file: a.from_file,
                redist: (a.source == Source::Redist)
                    .then(|| (a.redist_url, a.cuda_version.unwrap_or_default())),
            };
            if opts.redist.is_some()
                && (opts.list || matches!(opts.choice, Choice::Version(_) | Choice::Latest))
            {
                anyhow::bail!(
                    "--source redist takes one CUDA release (--cuda-version), not --list, \
                     --version or --latest"
                );
            }
            let stdin = std::io::stdin();
            update::run(
                &opts,
                &mut std::io::stdout().lock(),
                &mut stdin.lock(),
                &mut std::io::stderr(),
            )
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}
