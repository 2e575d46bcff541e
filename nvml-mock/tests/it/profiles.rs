//! Profiles: the built-in ones, profile files, and what a bad profile does.

use std::ptr::null_mut;

use crate::support::*;
use nvml_mock::profile;

#[test]
fn workstation_is_one_geforce_without_datacenter_features() {
    let (_s, lib) = init("workstation");
    let mut n = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
    assert_eq!(n, 1);
    let d = dev(&lib, 0);
    let (r, name) = get_string(*lib.nvmlDeviceGetName.as_ref().unwrap(), d, 96);
    assert_eq!(
        (r, name.as_str()),
        (NVML_SUCCESS, "NVIDIA GeForce RTX 4090")
    );
    let mut brand = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetBrand(d, &mut brand)), NVML_SUCCESS);
    assert_eq!(brand, NVML_BRAND_GEFORCE_RTX);
    let (mut cur, mut pend) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetEccMode(d, &mut cur, &mut pend)),
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetMigMode(d, &mut cur, &mut pend)),
        NVML_ERROR_NOT_SUPPORTED
    );
    let mut active = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkState(d, 0, &mut active)),
        NVML_ERROR_NOT_SUPPORTED
    );
    let (r, _) = get_string(*lib.nvmlDeviceGetSerial.as_ref().unwrap(), d, 30);
    assert_eq!(r, NVML_ERROR_NOT_SUPPORTED, "GeForce cards have no serial");
    // It has fans, and a desktop's processes are graphics ones plus a compute job.
    let mut fans = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetNumFans(d, &mut fans)), NVML_SUCCESS);
    assert_eq!(fans, 2);
    let mut speed = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetFanSpeed_v2(d, 1, &mut speed)),
        NVML_SUCCESS
    );
    assert!(speed <= 100);
    assert_eq!(
        nv!(lib.nvmlDeviceGetFanSpeed_v2(d, 2, &mut speed)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let mut g = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetGraphicsRunningProcesses_v3(d, &mut g, null_mut())),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    assert_eq!(g, 2);
}

#[test]
fn dgx_a100_is_eight_a100s_with_twelve_links() {
    let (_s, lib) = init("dgx-a100");
    let mut n = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
    assert_eq!(n, 8);
    let d = dev(&lib, 7);
    let (_, name) = get_string(*lib.nvmlDeviceGetName.as_ref().unwrap(), d, 96);
    assert_eq!(name, "NVIDIA A100-SXM4-80GB");
    let (mut ma, mut mi) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetCudaComputeCapability(d, &mut ma, &mut mi)),
        NVML_SUCCESS
    );
    assert_eq!((ma, mi), (8, 0));
    let mut active = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkState(d, 11, &mut active)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkState(d, 12, &mut active)),
        // A link number NVML defines (below NVML_NVLINK_MAX_LINKS) that this GPU lacks:
        // NOT_SUPPORTED, which is what nvidia-smi's `topo -m` expects of a real A100.
        NVML_ERROR_NOT_SUPPORTED
    );
    let mut limit = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut limit)),
        NVML_SUCCESS
    );
    assert_eq!(limit, 400_000);
}

#[test]
fn the_example_file_is_documented_and_loads() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/example.json");
    let p = profile::load(path).unwrap();
    assert_eq!(p.name, "example-lab-node");
    assert_eq!(p.gpus.len(), 3);
    assert!(p.root);
    assert_eq!(p.gpus[0].serial.as_deref(), Some("1324721002203"));
    assert_eq!(p.gpus[1].temperature, 71);
    assert!(p.gpus[2].mig_enabled);
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains("profiles/example.json"),
        "the README points at the example"
    );

    let (_s, lib) = init(path);
    let mut buf = [0 as std::ffi::c_char; 80];
    assert_eq!(
        nv!(lib.nvmlSystemGetDriverVersion(buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&buf), "550.54.15");
    let (mut cur, mut pend) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetMigMode(dev(&lib, 2), &mut cur, &mut pend)),
        NVML_SUCCESS
    );
    assert_eq!(cur, NVML_DEVICE_MIG_ENABLE);
    // The profile says root: privileged setters work.
    assert_eq!(
        nv!(lib.nvmlDeviceSetPersistenceMode(dev(&lib, 0), 0)),
        NVML_SUCCESS
    );
}

#[test]
fn a_base_profile_can_be_overridden() {
    let p = profile::parse_json(
        r#"{"base": "dgx-h100", "gpu_count": 2, "gpus": [{}, {"temperature": 80}]}"#,
    )
    .unwrap();
    assert_eq!(p.gpus.len(), 2);
    assert_eq!(p.gpus[1].temperature, 80);
    assert_eq!(p.gpus[0], profile::builtin("dgx-h100").unwrap().gpus[0]);
    let p = profile::parse_json(r#"{"base": "dgx-h100", "gpu_count": 12}"#).unwrap();
    assert_eq!(p.gpus.len(), 12);
    let uuids: std::collections::HashSet<_> = p.gpus.iter().map(|g| g.uuid.clone()).collect();
    assert_eq!(uuids.len(), 12, "added GPUs get their own identities");
}

#[test]
fn gpu_keys_reach_the_getters() {
    let dir = std::env::temp_dir().join(format!("nvml-mock-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("keys.json");
    std::fs::write(
        &file,
        r#"{"base": "dgx-h100", "gpu_count": 1, "gpus": [{
            "compute_mode": "prohibited", "pstate": 2, "pcie_generation": 3, "pcie_width": 8,
            "pcie_replay_counter": 12, "ecc_uncorrected_volatile": 3, "remapped_rows_uncorrectable": 1,
            "clock_graphics_mhz": 1200, "power_min_limit_w": 300, "board_part_number": "699-X"
        }]}"#,
    )
    .unwrap();
    let (_s, lib) = init(file.to_str().unwrap());
    let d = dev(&lib, 0);
    let mut v = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetComputeMode(d, &mut v)), NVML_SUCCESS);
    assert_eq!(v, NVML_COMPUTEMODE_PROHIBITED);
    assert_eq!(
        nv!(lib.nvmlDeviceGetPerformanceState(d, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, NVML_PSTATE_2);
    assert_eq!(
        nv!(lib.nvmlDeviceGetCurrPcieLinkGeneration(d, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 3);
    assert_eq!(
        nv!(lib.nvmlDeviceGetPcieReplayCounter(d, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 12);
    assert_eq!(
        nv!(lib.nvmlDeviceGetClockInfo(d, NVML_CLOCK_SM, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 1200);
    let (mut min, mut max) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimitConstraints(d, &mut min, &mut max)),
        NVML_SUCCESS
    );
    assert_eq!(min, 300_000);
    let (mut vol, mut agg) = (0u64, 0u64);
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEccErrors(
            d,
            NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
            NVML_VOLATILE_ECC,
            &mut vol
        )),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEccErrors(
            d,
            NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
            NVML_AGGREGATE_ECC,
            &mut agg
        )),
        NVML_SUCCESS
    );
    assert_eq!((vol, agg), (3, 3));
    let (mut corr, mut unc, mut pend, mut fail) = (0, 0, 0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetRemappedRows(d, &mut corr, &mut unc, &mut pend, &mut fail)),
        NVML_SUCCESS
    );
    assert_eq!(unc, 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn malformed_profiles_are_errors_that_say_what_is_wrong() {
    for (text, needle) in [
        ("not json", "invalid JSON"),
        ("[]", "object"),
        (r#"{"base": "dgx-h900"}"#, "dgx-h900"),
        (r#"{"gpus": [{"model": "tpu"}]}"#, "tpu"),
        (r#"{"gpus": [{"temperature": -3}]}"#, "temperature"),
        (r#"{"gpus": [{"uuid": "nope"}]}"#, "uuid"),
        (r#"{"colour": "green"}"#, "colour"),
        (r#"{"gpu_count": 1000}"#, "gpu_count"),
        (
            r#"{"gpus": [{"processes": [{"pid": 1, "used_memory_mib": 99999999}]}]}"#,
            "memory",
        ),
        (
            r#"{"gpus": [{}, {"uuid": "GPU-1"}, {"uuid": "GPU-1"}]}"#,
            "share",
        ),
    ] {
        let e = profile::parse_json(text).unwrap_err();
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
    assert!(
        profile::load("no-such-profile")
            .unwrap_err()
            .to_string()
            .contains("built-in")
    );
    assert!(
        profile::load("/nonexistent/p.json")
            .unwrap_err()
            .to_string()
            .contains("cannot read")
    );
}

#[test]
fn a_bad_profile_makes_init_fail_cleanly_and_can_be_replaced() {
    let staged = Staged::with_profile("no-such-profile").unwrap();
    let lib = load(&staged);
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_ERROR_UNKNOWN);
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetCount_v2(&mut n)),
        NVML_ERROR_UNINITIALIZED
    );
    staged.set_profile("workstation").unwrap();
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
    assert_eq!(n, 1);
    // The profile cannot change under a running client; the error names the hook and the code.
    let err = staged.set_profile("dgx-h100").unwrap_err();
    assert_eq!(
        (err.hook(), err.code()),
        ("nvml_mock_set_profile", NVML_ERROR_IN_USE)
    );
    assert_eq!(
        err.to_string(),
        "nvml_mock_set_profile answered 19 (In use by another client)"
    );
    // `?` lifts it into `Box<dyn Error>`, as a user's test returns it.
    let boxed = || -> Result<(), Box<dyn std::error::Error>> {
        staged.set_profile("dgx-a100")?;
        Ok(())
    };
    assert_eq!(boxed().unwrap_err().to_string(), err.to_string());
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
}

#[test]
fn settings_survive_shutdown_like_hardware_but_a_new_profile_starts_fresh() {
    let (staged, lib) = init("dgx-h100");
    staged.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(dev(&lib, 0), 300_000)),
        NVML_SUCCESS
    );
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    let mut limit = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(dev(&lib, 0), &mut limit)),
        NVML_SUCCESS
    );
    assert_eq!(
        limit, 300_000,
        "the GPU keeps its limit until the driver reloads"
    );
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
    staged.set_profile("dgx-a100").unwrap();
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(dev(&lib, 0), &mut limit)),
        NVML_SUCCESS
    );
    assert_eq!(limit, 400_000, "another profile is another machine");
}
