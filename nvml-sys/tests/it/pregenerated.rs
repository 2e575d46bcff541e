//! The checked-in `pregenerated/nvml.rs` and `pregenerated/functions.tsv` (what every default
//! build uses) must be exactly what the build script generates from `nvml.h`.
//!
//! Built with `--features buildtime_bindgen` (CI does), the build script generated both into
//! `$OUT_DIR` from the header, and these tests compare them byte for byte with the checked-in
//! copies; `cargo xtask codegen` copies the fresh ones over them. Without the feature the build
//! copied the checked-in files, and the tests check that they were generated from this `nvml.h`
//! (the hash in their preambles).

use std::path::Path;

use sha2::{Digest, Sha256};

const CHECKED_IN: &str = include_str!("../../pregenerated/nvml.rs");
const BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/nvml.rs"));
const FUNCTIONS_CHECKED_IN: &str = include_str!("../../pregenerated/functions.tsv");
const FUNCTIONS_BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/functions.tsv"));
const CODEGEN: &str = "cargo xtask codegen";

fn header_sha256() -> String {
    let header = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("nvml.h"))
        .unwrap_or_else(|e| panic!("cannot read nvml.h: {e}"));
    Sha256::digest(&header)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Fails, naming the first differing line, unless `built` equals the checked-in `file`.
fn assert_same(file: &str, built: &str, checked_in: &str) {
    if built == checked_in {
        return;
    }
    let line = built
        .lines()
        .zip(checked_in.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || "at the end".to_owned(),
            |n| format!("first at line {}", n + 1),
        );
    panic!(
        "nvml-sys/{file} differs from what this build made ({}, {line}): run `{CODEGEN}` \
         (needs libclang) and commit it.",
        nvml_sys::BINDINGS_ORIGIN
    );
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
        "the bindings were generated from a different nvml.h than nvml-sys/nvml.h: run \
         `{CODEGEN}` (needs libclang) and commit pregenerated/"
    );
    assert!(
        FUNCTIONS_CHECKED_IN.contains(&format!("# header-sha256: {}\n", header_sha256())),
        "pregenerated/functions.tsv was generated from a different nvml.h: run `{CODEGEN}`"
    );
}

#[test]
fn pregenerated_bindings_equal_what_bindgen_generates() {
    assert_same("pregenerated/nvml.rs", BUILT, CHECKED_IN);
}

#[test]
fn pregenerated_function_list_equals_what_bindgen_generates() {
    assert_same(
        "pregenerated/functions.tsv",
        FUNCTIONS_BUILT,
        FUNCTIONS_CHECKED_IN,
    );
}

#[test]
fn the_function_list_names_every_function_of_the_loader_in_order() {
    let names: Vec<&str> = FUNCTIONS_BUILT
        .lines()
        .filter_map(|l| l.strip_prefix("fn\t"))
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert_eq!(names, nvml_sys::FUNCTION_NAMES);
    // One record: nvmlDeviceGetMemoryInfo_v2(device, memory) -> nvmlReturn_t.
    assert!(
        FUNCTIONS_BUILT.contains(
            "fn\tnvmlDeviceGetMemoryInfo_v2\tnvmlReturn_t\tdevice: nvmlDevice_t\t\
             memory: *mut nvmlMemory_v2_t\n"
        ),
        "{FUNCTIONS_BUILT}"
    );
    assert!(FUNCTIONS_BUILT.contains("int\tnvmlReturn_enum\t::std::os::raw::c_uint\n"));
}
