//! Where tests find NVIDIA's real driver libraries (Debian's builds of branches 550, 535 and
//! 470), for tests that compare the mock, or a client, with them.
//!
//! `$NVML_TEST_DRIVERS_DIR/{550,535,470}/libnvidia-ml.so.1`, by default
//! `~/.cache/nvml-rs/drivers`; the workspace's `.ci/fetch-drivers` puts them there.

use std::path::PathBuf;

/// The environment variable naming the folder of driver branches.
pub const DRIVERS_DIR_ENV: &str = "NVML_TEST_DRIVERS_DIR";

/// The folder holding one subfolder per driver branch: `$NVML_TEST_DRIVERS_DIR`, else
/// `$XDG_CACHE_HOME/nvml-rs/drivers`, else `~/.cache/nvml-rs/drivers`.
pub fn drivers_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DRIVERS_DIR_ENV) {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    cache.join("nvml-rs").join("drivers")
}

/// The path of one branch's `libnvidia-ml.so.1` (`branch`: `"550"`, `"535"`, `"470"`), or
/// `None`, after a loud message on stderr, where it is absent.
///
/// # Panics
/// Where it is absent and the environment has `CI=true`: CI must run the tests that need it,
/// never skip them.
pub fn driver_library(branch: &str) -> Option<PathBuf> {
    let path = drivers_dir().join(branch).join("libnvidia-ml.so.1");
    if path.exists() {
        return Some(path);
    }
    let msg = format!(
        "real NVIDIA {branch} driver library not found at {}; run `bash .ci/fetch-drivers`",
        path.display()
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{msg} (required under CI=true)"
    );
    eprintln!("\n!!!!! SKIPPED: {msg} !!!!!\n");
    None
}
