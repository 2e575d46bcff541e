//! The checked-in `pregenerated/nvml.rs` (used where libclang is missing) must be exactly what
//! the build script generates from `nvml.h`.
//!
//! Where libclang is available the build script generated `$OUT_DIR/nvml.rs` from the header,
//! and this test compares it byte for byte with the checked-in copy. Run with
//! `NVML_SYS_BLESS=1` to overwrite the checked-in copy with the fresh one.
//!
//! Where libclang is missing only the recorded header hash can be checked; under `CI=true`
//! that is a failure, because CI must be able to catch stale bindings.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use sha2::{Digest, Sha256};

const CHECKED_IN: &str = include_str!("../pregenerated/nvml.rs");
const BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/nvml.rs"));

fn header_sha256() -> String {
    let header = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("nvml.h"))
        .unwrap_or_else(|e| panic!("cannot read nvml.h: {e}"));
    Sha256::digest(&header)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn recorded_sha(text: &str) -> Option<&str> {
    text.lines()
        .take(8)
        .find_map(|l| l.strip_prefix("// header-sha256: "))
        .map(str::trim)
}

#[test]
fn pregenerated_bindings_match_the_header() {
    let sha = header_sha256();
    assert_eq!(
        nvml_sys::HEADER_SHA256,
        sha,
        "nvml_sys::HEADER_SHA256 is not the header's hash"
    );

    if nvml_sys::BINDINGS_ORIGIN == "bindgen" {
        if BUILT != CHECKED_IN {
            if std::env::var_os("NVML_SYS_BLESS").is_some() {
                let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("pregenerated/nvml.rs");
                std::fs::write(&path, BUILT).unwrap_or_else(|e| panic!("cannot bless: {e}"));
                eprintln!("wrote {}", path.display());
                return;
            }
            let line = BUILT
                .lines()
                .zip(CHECKED_IN.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || "at the end".to_owned(),
                    |n| format!("first at line {}", n + 1),
                );
            panic!(
                "nvml-sys/pregenerated/nvml.rs is stale: it differs from what build/main.rs \
                 generates from nvml.h ({line}). Regenerate it with \
                 `NVML_SYS_BLESS=1 cargo test -p nvml-sys --test pregenerated` and commit it."
            );
        }
    } else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "libclang is not available under CI=true, so stale pregenerated bindings cannot be \
             detected: install libclang-dev (.ci/run does)"
        );
        eprintln!(
            "WARNING: libclang unavailable; only the recorded header hash of the pregenerated \
             bindings is checked"
        );
    }
    assert_eq!(
        recorded_sha(CHECKED_IN),
        Some(sha.as_str()),
        "pregenerated/nvml.rs was generated from a different nvml.h"
    );
}
