//! Where nvml-sys's tests find NVIDIA's real driver libraries. (The other packages' tests use
//! `nvml_mock::drivers`, the same lookup; nvml-sys is published and its tests build from its
//! own files, without nvml-mock, which depends on it.)
//!
//! `$NVML_TEST_DRIVERS_DIR/{550,535,470}/libnvidia-ml.so.1`, by default
//! `~/.cache/nvml-rs/drivers`; `.ci/fetch-drivers` puts them there.

use std::path::PathBuf;

/// The folder holding one subfolder per driver branch.
pub fn drivers_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NVML_TEST_DRIVERS_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    cache.join("nvml-rs").join("drivers")
}

/// The path of one branch's `libnvidia-ml.so.1`, or `None` (after a loud message) where it is
/// absent. Under `CI=true` absence panics: CI must run these tests.
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
