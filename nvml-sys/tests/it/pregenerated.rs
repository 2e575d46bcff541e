//! The checked-in `pregenerated/nvml.rs` (what every default build uses) must be exactly what
//! the build script generates from `nvml.h`.
//!
//! Built with `--features buildtime_bindgen` (CI does), the build script generated
//! `$OUT_DIR/nvml.rs` from the header, and this test compares it byte for byte with the
//! checked-in copy; `NVML_SYS_BLESS=1` overwrites the checked-in copy with the fresh one.
//! Without the feature the build copied the checked-in file, and the test checks that it was
//! generated from this `nvml.h` (the hash in its preamble).

use std::path::Path;

use sha2::{Digest, Sha256};

const CHECKED_IN: &str = include_str!("../../pregenerated/nvml.rs");
const BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/nvml.rs"));
const BLESS: &str =
    "NVML_SYS_BLESS=1 cargo test -p nvml-sys --features buildtime_bindgen --test it pregenerated::";

fn header_sha256() -> String {
    let header = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("nvml.h"))
        .unwrap_or_else(|e| panic!("cannot read nvml.h: {e}"));
    Sha256::digest(&header)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn bindings_come_from_where_the_feature_says() {
    let expected = if cfg!(feature = "buildtime_bindgen") {
        "bindgen"
    } else {
        "pregenerated"
    };
    assert_eq!(nvml_sys::BINDINGS_ORIGIN, expected);
}

#[test]
fn pregenerated_bindings_were_made_from_this_header() {
    assert_eq!(
        nvml_sys::HEADER_SHA256,
        header_sha256(),
        "the bindings were generated from a different nvml.h than nvml-sys/nvml.h; \
         regenerate pregenerated/nvml.rs with `{BLESS}` (needs libclang) and commit it"
    );
}

#[test]
fn pregenerated_bindings_equal_what_bindgen_generates() {
    if BUILT == CHECKED_IN {
        return;
    }
    if cfg!(feature = "buildtime_bindgen") && std::env::var_os("NVML_SYS_BLESS").is_some() {
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
        "nvml-sys/pregenerated/nvml.rs differs from the bindings this build made \
         ({}, {line}). Regenerate it with `{BLESS}` and commit it.",
        nvml_sys::BINDINGS_ORIGIN
    );
}
