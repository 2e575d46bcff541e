//! The 470-driver mode: a staged copy whose symbol table matches Debian's 470 library.

use std::path::PathBuf;

use crate::support::*;

#[test]
fn legacy_copy_exports_only_what_470_exports() {
    let staged = Staged::legacy_470().unwrap();
    let lib = load(&staged);
    let list = nvml_mock::driver_470_exports();
    assert!(list.contains(&"nvmlDeviceGetComputeRunningProcesses_v2"));
    for (name, available) in lib.function_availability() {
        assert_eq!(available, list.contains(&name), "{name}");
    }
    assert!(lib.nvmlDeviceGetComputeRunningProcesses_v3.is_err());
    assert!(lib.nvmlDeviceGetMemoryInfo_v2.is_err());
    // What remains works as before.
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    let d = dev(&lib, 0);
    let mut procs = [nvmlProcessInfo_v2_t::default(); 4];
    let mut n = 4u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v2(d, &mut n, procs.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(n, 2);
    // The control hooks stay available.
    staged.inject_xid(0, 13).unwrap();
}

#[test]
fn nm_sees_the_470_symbol_table() {
    let staged = Staged::legacy_470().unwrap();
    let header: Vec<&str> = nvml_sys::FUNCTION_NAMES.to_vec();
    let nvml: Vec<String> = exports(staged.path())
        .into_iter()
        .filter(|n| header.contains(&n.as_str()))
        .collect();
    let mut want: Vec<String> = nvml_mock::driver_470_exports()
        .into_iter()
        .filter(|n| header.contains(n))
        .map(str::to_string)
        .collect();
    want.sort();
    assert_eq!(nvml, want);
    let fresh = Staged::new().unwrap();
    assert_eq!(
        exports(fresh.path())
            .iter()
            .filter(|n| header.contains(&n.as_str()))
            .count(),
        header.len(),
        "the normal copy exports every header function"
    );
}

#[test]
fn the_checked_in_list_is_the_real_470_librarys() {
    let dir = std::env::var_os("NVML_TEST_DRIVERS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/nvml-rs/drivers"))
        });
    let Some(real) = dir
        .map(|d| d.join("470/libnvidia-ml.so.1"))
        .filter(|p| p.is_file())
    else {
        eprintln!("skipped: no real 470 library (run .ci/fetch-drivers)");
        return;
    };
    let mut real_names = exports(&real);
    real_names.dedup();
    let mut ours: Vec<String> = nvml_mock::driver_470_exports()
        .iter()
        .map(|s| s.to_string())
        .collect();
    ours.sort();
    assert_eq!(ours, real_names);
}

#[test]
fn legacy_copy_reports_470_versions() {
    let staged = Staged::legacy_470().unwrap();
    let lib = load(&staged);
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    let mut buf = [0 as std::ffi::c_char; 80];
    assert_eq!(
        nv!(lib.nvmlSystemGetDriverVersion(buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&buf), "470.256.02");
    let mut cuda = 0;
    assert_eq!(
        nv!(lib.nvmlSystemGetCudaDriverVersion(&mut cuda)),
        NVML_SUCCESS
    );
    assert_eq!(cuda, 11040);
    // Versions can be set on any copy, also while initialised.
    staged
        .set_system_versions(Some("999.1"), None, None)
        .unwrap();
    assert_eq!(
        nv!(lib.nvmlSystemGetDriverVersion(buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&buf), "999.1");
    assert_eq!(
        nv!(lib.nvmlSystemGetNVMLVersion(buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&buf), "11.470.256.02", "the others stay");
}
