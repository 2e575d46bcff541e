//! Shared by the examples: open NVML from the real driver, a chosen library, or the mock.

// Each example uses a different part of this module.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::PathBuf;

use nvml_wrapper::{Nvml, NvmlError};

/// An initialised NVML and, when it runs on the simulated GPUs, the staged mock library.
/// Field order matters: `nvml` shuts down before the mock copy is removed.
pub struct Session {
    /// The NVML to query.
    pub nvml: Nvml,
    /// Present when the mock stands in for the driver.
    pub mock: Option<nvml_mock::Staged>,
}

/// Command-line options every example takes.
#[derive(Default)]
pub struct Options {
    /// `--lib PATH`: load this library instead of the system's `libnvidia-ml.so.1`.
    pub lib: Option<PathBuf>,
    /// `--mock`: use the simulated DGX H100 even where a driver exists.
    pub mock: bool,
    /// Anything else, in order.
    pub rest: Vec<String>,
}

/// Parses `--lib PATH`, `--lib=PATH` and `--mock`; other arguments are kept in `rest`. A path
/// may be any bytes (it is not text); another argument that is not UTF-8 is an error.
pub fn options() -> Result<Options, String> {
    parse_options(std::env::args_os().skip(1))
}

fn parse_options(args: impl IntoIterator<Item = OsString>) -> Result<Options, String> {
    use std::os::unix::ffi::{OsStrExt, OsStringExt};
    let mut opts = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let bytes = arg.as_bytes();
        if bytes == b"--lib" {
            opts.lib = Some(args.next().ok_or("--lib needs a path")?.into());
        } else if let Some(path) = bytes.strip_prefix(b"--lib=") {
            opts.lib = Some(OsString::from_vec(path.to_vec()).into());
        } else if bytes == b"--mock" {
            opts.mock = true;
        } else {
            let text = arg
                .into_string()
                .map_err(|raw| format!("argument {raw:?} is not UTF-8"))?;
            opts.rest.push(text);
        }
    }
    Ok(opts)
}

/// `println!` that returns the write's error instead of panicking, so a closed pipe
/// (`nvml-info | head`) ends the example quietly (see [`run`]).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// Opens NVML: the `--lib` library if given; else the system's NVIDIA driver; and where there
/// is none (no library, or no kernel driver), nvml-mock's simulated DGX H100, with a note on
/// stderr. Every path goes through the same `dlopen` + `nvmlInit_v2` as production.
pub fn open(opts: &Options) -> Result<Session, Box<dyn std::error::Error>> {
    if let Some(path) = &opts.lib {
        let nvml = Nvml::builder().library_path(path).init()?;
        return Ok(Session { nvml, mock: None });
    }
    if !opts.mock {
        match Nvml::init() {
            Ok(nvml) => return Ok(Session { nvml, mock: None }),
            Err(e @ (NvmlError::LibraryLoad { .. } | NvmlError::DriverNotLoaded(_))) => {
                eprintln!("note: no usable NVIDIA driver here ({e});");
                eprintln!(
                    "note: showing nvml-mock's simulated GPUs instead (--lib PATH to choose)"
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    let staged = nvml_mock::Staged::new().map_err(|e| format!("cannot stage nvml-mock: {e}"))?;
    let nvml = Nvml::builder().library_path(staged.path()).init()?;
    Ok(Session {
        nvml,
        mock: Some(staged),
    })
}

/// Runs `main`, printing any error as one `error: ...` line and exiting non-zero. A reader
/// that stopped reading (a broken pipe) is no error: the example just ends.
pub fn run(
    main: impl FnOnce() -> Result<(), Box<dyn std::error::Error>>,
) -> std::process::ExitCode {
    match main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
