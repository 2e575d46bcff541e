//! Snapshot a machine: reads every GPU through NVML and prints a profile that nvml-mock
//! loads (`NVML_MOCK_PROFILE=machine.json`), so tests can run on a copy of a real box.
//!
//! ```sh
//! cargo run -p nvml-wrapper --example snapshot -- [--lib PATH] [--name NAME] [--root] [--host-affinity] > machine.json
//! ```
//!
//! It reads the system's NVIDIA driver (or the `--lib` library; `--mock`: nvml-mock's DGX
//! H100) and never falls back to the mock on its own. `--name` sets the profile's name (default
//! `snapshot`); `--root` makes the mock treat its caller as root; `--host-affinity` fits the
//! CPU masks to the host the mock runs on instead of keeping the box's. `nvml-mock/README.md`
//! ("Snapshot a real machine") lists what NVML cannot read back.

#[path = "../common/mod.rs"]
mod common;
mod machine;

use nvml_mock::profile::CpuAffinity;
use nvml_wrapper::Nvml;

const USAGE: &str =
    "usage: snapshot [--lib PATH | --mock] [--name NAME] [--root] [--host-affinity] > machine.json";

fn main() -> std::process::ExitCode {
    common::run(|| {
        let opts = common::options()?;
        let mut options = machine::Options {
            name: "snapshot".into(),
            root: false,
            cpu_affinity: CpuAffinity::Profile,
        };
        let mut rest = opts.rest.iter();
        while let Some(a) = rest.next() {
            match a.as_str() {
                "--name" => options.name = rest.next().ok_or("--name needs a name")?.clone(),
                "--root" => options.root = true,
                "--host-affinity" => options.cpu_affinity = CpuAffinity::Host,
                "-h" | "--help" => return Err(USAGE.into()),
                other => return Err(format!("unknown argument {other:?} ({USAGE})").into()),
            }
        }
        // The real driver unless told otherwise: a snapshot of the mock by accident would
        // look like a real machine.
        let session = if opts.lib.is_some() || opts.mock {
            common::open(&opts)?
        } else {
            common::Session {
                nvml: Nvml::init()?,
                mock: None,
            }
        };
        let profile = machine::snapshot(&session.nvml, &options)?;
        outln!("{}", machine::to_json(&profile)?)?;
        Ok(())
    })
}
