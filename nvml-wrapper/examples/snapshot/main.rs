//! Snapshot a machine: reads every GPU through NVML and prints a profile that nvml-mock
//! loads (`NVML_MOCK_PROFILE=machine.json`), so tests can run on a copy of a real box.
//!
//! ```text
//! cargo run -p nvml-wrapper --example snapshot [-- --lib PATH] [--name NAME] [--root] > machine.json
//! ```
//!
//! `--lib` loads that NVML library instead of the system's `libnvidia-ml.so.1`; `--name` sets
//! the profile's name (default `snapshot`); `--root` makes the mock treat its caller as root.
//! `nvml-mock/README.md` ("Snapshot a real machine") lists what NVML cannot read back.

mod machine;

use std::process::ExitCode;

use nvml_wrapper::Nvml;

fn main() -> ExitCode {
    match run() {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("snapshot: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<String, String> {
    let mut lib = None;
    let mut options = machine::Options {
        name: "snapshot".into(),
        root: false,
        cpu_affinity: nvml_mock::profile::CpuAffinity::Profile,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--lib" => lib = Some(args.next().ok_or("--lib needs a path")?),
            "--name" => options.name = args.next().ok_or("--name needs a name")?,
            "--root" => options.root = true,
            "--host-affinity" => options.cpu_affinity = nvml_mock::profile::CpuAffinity::Host,
            "-h" | "--help" => {
                return Err(
                    "usage: snapshot [--lib PATH] [--name NAME] [--root] [--host-affinity] > machine.json".into(),
                );
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    let mut builder = Nvml::builder();
    if let Some(path) = lib {
        builder = builder.library_path(path);
    }
    let nvml = builder.init().map_err(|e| e.to_string())?;
    let profile = machine::snapshot(&nvml, &options).map_err(|e| e.to_string())?;
    machine::to_json(&profile).map_err(|e| e.to_string())
}
