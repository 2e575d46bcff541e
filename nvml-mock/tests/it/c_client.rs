//! An independent client: a C program compiled against NVIDIA's `nvml.h` and linked against
//! the staged mock as `libnvidia-ml.so.1`, the way any NVML tool is built and run.

use std::path::{Path, PathBuf};
use std::process::Command;

use nvml_mock::{Staged, profile};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compiles `tests/c/client.c` against `headers/nvml.h`, linked to the staged library.
fn build_client(staged: &Staged, out: &Path) {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(cc)
        .arg("-Wall")
        .arg("-Werror")
        .arg("-I")
        .arg(manifest().join("../headers"))
        .arg(manifest().join("tests/c/client.c"))
        .arg("-o")
        .arg(out)
        .arg("-L")
        .arg(staged.dir())
        .arg("-l:libnvidia-ml.so.1")
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(
        status.success(),
        "client.c compiles against nvml.h and links to the mock"
    );
}

fn run_client(staged: &Staged, exe: &Path, profile: Option<&str>) -> String {
    let mut cmd = Command::new(exe);
    cmd.env("LD_LIBRARY_PATH", staged.dir());
    match profile {
        Some(p) => cmd.env("NVML_MOCK_PROFILE", p),
        None => cmd.env_remove("NVML_MOCK_PROFILE"),
    };
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "client failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn check_against(stdout: &str, p: &profile::Profile) {
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("driver {}", p.driver_version));
    assert_eq!(lines[1], format!("count {}", p.gpus.len()));
    for (i, g) in p.gpus.iter().enumerate() {
        let line = lines[2 + i];
        assert!(
            line.starts_with(&format!(
                "gpu {i} name={} uuid={} bus={} ",
                g.name,
                g.uuid,
                g.bus_id()
            )),
            "{line}"
        );
        assert!(
            line.contains(&format!("total={} ", g.memory_total)),
            "{line}"
        );
        let procs: Vec<String> = g
            .processes
            .iter()
            .filter(|x| x.kind == "compute")
            .map(|x| format!("{}:{}:{}", x.pid, x.used_memory, x.name))
            .collect();
        assert!(line.contains(&format!("procs={}", procs.len())), "{line}");
        for pr in procs {
            assert!(line.contains(&pr), "{line} lacks {pr}");
        }
    }
    assert_eq!(lines.last(), Some(&"ok"));
}

#[test]
fn a_c_program_reads_the_dgx_h100() {
    let staged = Staged::new().unwrap();
    let exe = staged.dir().join("client");
    build_client(&staged, &exe);
    let out = run_client(&staged, &exe, None);
    check_against(&out, &profile::builtin("dgx-h100").unwrap());
}

#[test]
fn the_environment_variable_selects_the_profile() {
    let staged = Staged::new().unwrap();
    let exe = staged.dir().join("client");
    build_client(&staged, &exe);
    let out = run_client(&staged, &exe, Some("workstation"));
    check_against(&out, &profile::builtin("workstation").unwrap());
    let example = manifest().join("profiles/example.json");
    let out = run_client(&staged, &exe, Some(example.to_str().unwrap()));
    check_against(&out, &profile::load(example.to_str().unwrap()).unwrap());
}

#[test]
fn a_malformed_profile_fails_init_with_one_clear_line() {
    let staged = Staged::new().unwrap();
    let exe = staged.dir().join("client");
    build_client(&staged, &exe);
    let bad = staged.dir().join("bad.json");
    std::fs::write(&bad, "{ \"gpus\": [ { \"name\": 5 } ] }").unwrap();
    let out = Command::new(&exe)
        .env("LD_LIBRARY_PATH", staged.dir())
        .env("NVML_MOCK_PROFILE", &bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mock_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("nvml-mock:"))
        .collect();
    assert_eq!(mock_lines.len(), 1, "{stderr}");
    assert!(
        mock_lines[0].contains("bad.json") && mock_lines[0].contains("\"name\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("nvmlInit() failed: 999"),
        "nvmlInit returns NVML_ERROR_UNKNOWN: {stderr}"
    );
}
