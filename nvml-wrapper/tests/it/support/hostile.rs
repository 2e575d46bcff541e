//! Shared by the hostile-library tests: builds a C library from `tests/hostile/`, and runs a
//! test body in a child process under a memory limit and a deadline.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Compiles `tests/hostile/<name>.c` against the project's `nvml.h` into a shared library
/// (a fresh file per call, so parallel tests never share a half-written one) and returns its
/// path. `defines` become `-D NAME=VALUE`.
pub fn build(name: &str, defines: &[(&str, &str)]) -> PathBuf {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile")
        .join(format!("{name}.c"));
    compile(name, &source, defines)
}

/// Compiles the C file `source` (which may include `tests/hostile/*.h` and `nvml.h`) into a
/// fresh shared library named after `name`, and returns its path.
pub fn compile(name: &str, source: &std::path::Path, defines: &[(&str, &str)]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).expect("create the build directory");
    let out = dir.join(format!(
        "lib{name}-{}-{}.so",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let mut cmd = Command::new(cc);
    cmd.args(["-shared", "-fPIC", "-O1", "-Wall", "-Werror"])
        .arg("-DNVML_NO_UNVERSIONED_FUNC_DEFS")
        .arg("-I")
        .arg(manifest.join("../headers"))
        .arg("-I")
        .arg(manifest.join("tests/hostile"));
    for (k, v) in defines {
        cmd.arg(format!("-D{k}={v}"));
    }
    let status = cmd
        .arg(source)
        .arg("-o")
        .arg(&out)
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(status.success(), "{} compiles", source.display());
    out
}

/// The address space a child test may use: enough for the test harness, the library and a
/// few lists, far below what believing a count of 4 billion would take.
pub const CHILD_MEMORY_KIB: u64 = 1 << 20;
/// How long a child test may run before it counts as hung.
pub const CHILD_DEADLINE: Duration = Duration::from_secs(60);

/// Runs the calling test again in a child process, limited to [`CHILD_MEMORY_KIB`] of address
/// space (`ulimit -v`) and [`CHILD_DEADLINE`]: `true` in the child (run the body), `false` in
/// the parent once the child passed. A child that fails, aborts, runs out of memory or hangs
/// fails the test. `test` is the test's path in this crate (`module::name`).
pub fn in_child(test: &str) -> bool {
    run_in_child(test, CHILD_DEADLINE).is_none()
}

/// As [`in_child`], with its own deadline: `None` in the child (run the body), the child's
/// output in the parent once the child passed.
pub fn run_in_child(test: &str, deadline: Duration) -> Option<String> {
    super::child_process::run_alone(test, Some(CHILD_MEMORY_KIB), deadline)
}
