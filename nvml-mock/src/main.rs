//! `nvml-mock`: run any program on the simulated NVML, and help write profiles.
//!
//! ```text
//! nvml-mock run [--profile NAME|FILE] -- COMMAND [ARGS...]
//! nvml-mock list
//! nvml-mock show NAME
//! nvml-mock check FILE
//! nvml-mock from-capture CAPTURE.xml --name NAME [--template BUILTIN] [--set KEY=JSON]...
//! ```
//!
//! `run` stages the built `libnvml_mock.so` under the driver's file names
//! (`libnvidia-ml.so.1`, `libnvidia-ml.so`) in a private temporary folder, puts that folder
//! first on `LD_LIBRARY_PATH`, runs the command and exits with its exit status (128 + the
//! signal's number when a signal ended it). The library is found as `nvml_mock::find_cdylib`
//! finds it: `$NVML_MOCK_LIB`, else next to this executable (cargo builds both into the same
//! target folder).

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode};

use nvml_mock::{Staged, profile};

/// The variable the mock reads its profile from at `nvmlInit`.
const PROFILE_ENV: &str = "NVML_MOCK_PROFILE";

const USAGE: &str = "\
usage:
  nvml-mock run [--profile NAME|FILE] -- COMMAND [ARGS...]
      run COMMAND with the mock as its libnvidia-ml.so.1 (profile: NAME or FILE, else
      $NVML_MOCK_PROFILE, else dgx-h100); exits with COMMAND's exit status
  nvml-mock list          the built-in profiles, one a line
  nvml-mock show NAME     a built-in profile's JSON (a starting point for your own file)
  nvml-mock check FILE    validate a profile file; the error names the key
  nvml-mock from-capture CAPTURE.xml --name NAME [--template BUILTIN] [--set KEY=JSON]...
      write a profile (stdout) from an `nvidia-smi -q -x` capture: every value it shows, and
      each query it shows as N/A or deprecated in the GPU's `support` object; what no
      capture shows comes from --set (on every GPU), the template's GPUs, or neutral values,
      each named on stderr. Examples:
        nvml-mock from-capture qx-l40s.xml --name l40s > l40s.json
        nvml-mock from-capture qx-t4.xml --name t4 --set sm_count=40 --set cuda_cores=2560
        nvml-mock from-capture qx-b200.xml --name b200 --template dgx-b200
  nvml-mock help          this text

The library is $NVML_MOCK_LIB, else libnvml_mock.so next to this program (where
`cargo build -p nvml-mock` puts both).";

/// What went wrong, and the exit status that says so.
struct Failure {
    message: String,
    status: u8,
}

impl Failure {
    /// A mistake in the command line or its profile: status 2.
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            status: 2,
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match dispatch(&args) {
        Ok(status) => ExitCode::from(status),
        Err(f) => {
            eprintln!("nvml-mock: {}", f.message);
            ExitCode::from(f.status)
        }
    }
}

fn dispatch(args: &[OsString]) -> Result<u8, Failure> {
    let Some((verb, rest)) = args.split_first() else {
        return Err(Failure::usage(format!("no command given\n{USAGE}")));
    };
    match verb.to_str() {
        Some("run") => run(rest),
        Some("list") => {
            no_more(rest, "list")?;
            list()
        }
        Some("show") => show(&one_arg(rest, "show", "NAME")?),
        Some("check") => check(&one_arg(rest, "check", "FILE")?),
        Some("from-capture") => from_capture(rest),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(0)
        }
        _ => Err(Failure::usage(format!("unknown command {verb:?}\n{USAGE}"))),
    }
}

fn no_more(rest: &[OsString], verb: &str) -> Result<(), Failure> {
    match rest.first() {
        None => Ok(()),
        Some(extra) => Err(Failure::usage(format!(
            "`{verb}` takes no arguments (got {extra:?})"
        ))),
    }
}

fn one_arg(rest: &[OsString], verb: &str, what: &str) -> Result<String, Failure> {
    match rest {
        [one] => one
            .to_str()
            .map(str::to_owned)
            .ok_or_else(|| Failure::usage(format!("{what} {one:?} is not UTF-8"))),
        [] => Err(Failure::usage(format!("usage: nvml-mock {verb} {what}"))),
        [_, extra, ..] => Err(Failure::usage(format!(
            "`{verb}` takes one {what} (got also {extra:?})"
        ))),
    }
}

/// One line of `list`: the machine in a few words.
fn summary(p: &profile::Profile) -> String {
    let mut models: Vec<(String, usize)> = Vec::new();
    for g in &p.gpus {
        match models.iter_mut().find(|(name, _)| *name == g.name) {
            Some((_, n)) => *n += 1,
            None => models.push((g.name.clone(), 1)),
        }
    }
    let gpus = models
        .iter()
        .map(|(name, n)| format!("{n} x {name}"))
        .collect::<Vec<_>>()
        .join(" + ");
    format!("{gpus}, driver {}", p.driver_version)
}

fn list() -> Result<u8, Failure> {
    let width = profile::BUILTIN_PROFILES
        .iter()
        .map(|n| n.len())
        .max()
        .unwrap_or(0);
    for name in profile::BUILTIN_PROFILES {
        let p = profile::load(name).map_err(|e| Failure {
            message: e.to_string(),
            status: 1,
        })?;
        println!("{name:width$}  {}", summary(&p));
    }
    Ok(0)
}

fn show(name: &str) -> Result<u8, Failure> {
    match profile::builtin_json(name) {
        Some(json) => {
            print!("{json}");
            if !json.ends_with('\n') {
                println!();
            }
            Ok(0)
        }
        None => Err(Failure::usage(format!(
            "unknown profile {name:?} (built-in: {})",
            profile::BUILTIN_PROFILES.join(", ")
        ))),
    }
}

/// A profile argument that names an existing file, spelled so that the loader reads it as a
/// file (`x.json`, `dir/x`), absolute where it can be (the command may change directory).
fn file_argument(arg: &str) -> String {
    let path = Path::new(arg);
    if !path.exists() {
        return arg.to_owned();
    }
    match std::fs::canonicalize(path) {
        Ok(abs) => abs.to_string_lossy().into_owned(),
        Err(_) if arg.contains('/') => arg.to_owned(),
        Err(_) => format!("./{arg}"),
    }
}

fn check(file: &str) -> Result<u8, Failure> {
    if !Path::new(file).exists() {
        return Err(Failure {
            message: format!("cannot read profile file {file}: no such file"),
            status: 1,
        });
    }
    match profile::load(&file_argument(file)) {
        Ok(p) => {
            println!("{file}: ok: {}", summary(&p));
            Ok(0)
        }
        Err(e) => Err(Failure {
            message: e.to_string(),
            status: 1,
        }),
    }
}

fn from_capture(rest: &[OsString]) -> Result<u8, Failure> {
    let mut args = rest.iter().map(|a| {
        a.to_str()
            .ok_or_else(|| Failure::usage(format!("argument {a:?} is not UTF-8")))
    });
    let mut capture: Option<&str> = None;
    let mut opts = profile::capture::Options::default();
    let mut name: Option<String> = None;
    while let Some(arg) = args.next() {
        let arg = arg?;
        let mut value = |what: &str| -> Result<&str, Failure> {
            args.next()
                .ok_or_else(|| Failure::usage(format!("{arg} needs {what}")))?
        };
        match arg {
            "--name" => name = Some(value("a NAME")?.to_owned()),
            "--template" => {
                let t = value("a built-in profile")?;
                let p = profile::builtin(t).ok_or_else(|| {
                    Failure::usage(format!(
                        "--template {t:?}: not a built-in profile ({})",
                        profile::BUILTIN_PROFILES.join(", ")
                    ))
                })?;
                opts.template = Some(p);
            }
            "--set" => {
                let kv = value("KEY=JSON")?;
                let (k, v) = kv
                    .split_once('=')
                    .ok_or_else(|| Failure::usage(format!("--set {kv:?}: expected KEY=JSON")))?;
                let v = serde_json::from_str(v)
                    .map_err(|e| Failure::usage(format!("--set {k}: not JSON: {e}")))?;
                opts.sets.push((k.to_owned(), v));
            }
            a if a.starts_with('-') => {
                return Err(Failure::usage(format!(
                    "unknown option {a:?} for `from-capture`"
                )));
            }
            a if capture.is_none() => capture = Some(a),
            a => {
                return Err(Failure::usage(format!(
                    "`from-capture` takes one capture (got also {a:?})"
                )));
            }
        }
    }
    let (Some(capture), Some(name)) = (capture, name) else {
        return Err(Failure::usage(
            "usage: nvml-mock from-capture CAPTURE.xml --name NAME [--template BUILTIN] [--set KEY=JSON]...",
        ));
    };
    opts.name = name;
    let xml = std::fs::read_to_string(capture).map_err(|e| Failure {
        message: format!("cannot read {capture}: {e}"),
        status: 1,
    })?;
    let converted = profile::capture::profile_from_capture(&xml, &opts).map_err(|e| Failure {
        message: format!("{capture}: {e}"),
        status: 1,
    })?;
    for w in &converted.warnings {
        eprintln!("nvml-mock from-capture: {w}");
    }
    print!("{}", converted.text);
    Ok(0)
}

fn run(rest: &[OsString]) -> Result<u8, Failure> {
    let mut profile_arg: Option<String> = None;
    let mut i = 0;
    let command: &[OsString] = loop {
        let Some(arg) = rest.get(i) else {
            break &[];
        };
        let text = arg.to_str().unwrap_or("");
        if text == "--" {
            break rest.get(i + 1..).unwrap_or(&[]);
        } else if text == "--profile" {
            let value = rest
                .get(i + 1)
                .ok_or_else(|| Failure::usage("--profile needs a NAME or FILE"))?;
            let value = value
                .to_str()
                .ok_or_else(|| Failure::usage(format!("profile {value:?} is not UTF-8")))?;
            profile_arg = Some(value.to_owned());
            i += 2;
        } else if let Some(value) = text.strip_prefix("--profile=") {
            profile_arg = Some(value.to_owned());
            i += 1;
        } else if text.starts_with('-') {
            return Err(Failure::usage(format!(
                "unknown option {arg:?} for `run` (end the options with `--`)"
            )));
        } else {
            break rest.get(i..).unwrap_or(&[]);
        }
    };
    let Some((program, program_args)) = command.split_first() else {
        return Err(Failure::usage(
            "`run` needs a command: nvml-mock run [--profile NAME|FILE] -- COMMAND [ARGS...]",
        ));
    };

    // Load the profile here first, so that a mistake is reported before anything runs.
    let profile_env = match &profile_arg {
        Some(p) => {
            let p = file_argument(p);
            profile::load(&p).map_err(|e| Failure::usage(e.to_string()))?;
            Some(p)
        }
        None => None,
    };

    let staged = Staged::new().map_err(|e| Failure {
        message: format!("cannot stage the mock library: {e}"),
        status: 1,
    })?;
    let dev_name = staged.dir().join("libnvidia-ml.so");
    std::os::unix::fs::symlink("libnvidia-ml.so.1", &dev_name).map_err(|e| Failure {
        message: format!("cannot create {}: {e}", dev_name.display()),
        status: 1,
    })?;

    let mut cmd = Command::new(program);
    cmd.args(program_args)
        .env("LD_LIBRARY_PATH", loader_path(staged.dir()));
    if let Some(p) = &profile_env {
        cmd.env(PROFILE_ENV, p);
    }
    let status = cmd.status().map_err(|e| Failure {
        message: format!("cannot run {program:?}: {e}"),
        status: if e.kind() == std::io::ErrorKind::NotFound {
            127
        } else {
            126
        },
    })?;
    drop(staged);
    Ok(exit_code(status))
}

/// `dir`, then whatever `LD_LIBRARY_PATH` held.
fn loader_path(dir: &Path) -> OsString {
    let mut path = OsString::from(dir);
    if let Some(old) = std::env::var_os("LD_LIBRARY_PATH").filter(|o| !o.is_empty()) {
        path.push(":");
        path.push(old);
    }
    path
}

/// The command's exit status as this process's: its code, or 128 + the signal that ended it.
fn exit_code(status: std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    status
        .signal()
        .and_then(|s| u8::try_from(128 + s).ok())
        .unwrap_or(1)
}
