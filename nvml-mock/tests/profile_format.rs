//! The profile format: built-in machines are complete, canonical files of it; `FORMAT.md`
//! documents every key; errors name the file and the key; a board written from its
//! `nvidia-smi -q -x` alone loads and answers with the capture's values.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(clippy::macro_metavars_in_unsafe)] // `nv!` forwards arguments to a C call

mod common;

use common::*;
use nvml_mock::profile;
use serde_json::Value;

const DIR: &str = env!("CARGO_MANIFEST_DIR");

fn without_comments(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(k, _)| k != "$comment")
                .map(|(k, v)| (k, without_comments(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(without_comments).collect()),
        other => other,
    }
}

#[test]
fn every_builtin_machine_is_a_complete_canonical_file() {
    let files: Vec<String> = std::fs::read_dir(format!("{DIR}/profiles/builtin"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), profile::BUILTIN_PROFILES.len(), "{files:?}");
    for name in profile::BUILTIN_PROFILES {
        let text = std::fs::read_to_string(format!("{DIR}/profiles/builtin/{name}.json")).unwrap();
        let file = without_comments(serde_json::from_str(&text).unwrap());
        let loaded = profile::load(name).unwrap();
        assert_eq!(loaded.name, *name);
        // Loading and writing back gives the file: every key is there, nothing is normalized.
        assert_eq!(serde_json::to_value(&loaded).unwrap(), file, "{name}");
        // A user file holding the same text is the same machine.
        assert_eq!(profile::parse_json(&text).unwrap(), loaded, "{name}");
    }
}

/// Every key name in an object (and the objects inside it), collected into `out`.
fn keys(v: &Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn format_md_documents_every_key() {
    let doc = std::fs::read_to_string(format!("{DIR}/FORMAT.md")).unwrap();
    let mut all = std::collections::BTreeSet::new();
    for name in profile::BUILTIN_PROFILES {
        keys(
            &serde_json::to_value(profile::builtin(name).unwrap()).unwrap(),
            &mut all,
        );
    }
    let missing: Vec<&String> = all
        .iter()
        .filter(|k| !doc.contains(&format!("`{k}`")) && !doc.contains(&format!("\"{k}\"")))
        .collect();
    assert!(
        missing.is_empty(),
        "keys FORMAT.md does not document: {missing:?}"
    );
}

#[test]
fn errors_name_the_file_and_the_key() {
    let dir = std::env::temp_dir().join(format!("nvml-mock-format-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lab.json");
    for (text, needles) in [
        (
            r#"{"gpus": [{}, {"pstate": "P0"}]}"#,
            &["gpus[1]", "\"pstate\""][..],
        ),
        (
            r#"{"gpus": [{"pstate": 16}]}"#,
            &["gpus[0]", "pstate", "0..=15"],
        ),
        (
            r#"{"base": "workstation", "gpus": [{"brand": "acme"}]}"#,
            &["gpus[0]", "\"brand\"", "acme"],
        ),
        (
            r#"{"base": "workstation", "gpus": [{"pci_device_id": "2684"}]}"#,
            &["\"pci_device_id\"", "0x"],
        ),
        (
            r#"{"gpus": [{"mig_profiles": [{"slice": 1}]}]}"#,
            &["gpus[0].mig_profiles[0]", "slice"],
        ),
        (r#"{"numa_cpus": "all"}"#, &["\"numa_cpus\"", "array"]),
        (
            r#"{"cpu_affinity": "pinned"}"#,
            &["\"cpu_affinity\"", "host", "profile"],
        ),
        (
            r#"{"gpus": [{"max_graphics": 1590, "max_sm": 1590, "clock_graphics": 300, "clock_sm": 300, "default_app_graphics": 1980}]}"#,
            &["gpus[0]", "\"default_app_graphics\"", "1590"],
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let e = profile::load(path.to_str().unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains("lab.json"), "{text}: {e}");
        for n in needles {
            assert!(e.contains(n), "{text}: {e} lacks {n}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_board_written_from_its_capture_answers_with_the_capture_values() {
    let path = format!("{DIR}/profiles/examples/nvidia-l40s.json");
    let (_s, lib) = init(&path);
    let mut n = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
    assert_eq!(n, 1);
    let d = dev(&lib, 0);
    // The values of qx-l40s.xml (`nvidia-smi -q -x` of the real board).
    let (_, name) = get_string(*lib.nvmlDeviceGetName.as_ref().unwrap(), d, 96);
    assert_eq!(name, "NVIDIA L40S");
    let (_, part) = get_string(*lib.nvmlDeviceGetBoardPartNumber.as_ref().unwrap(), d, 96);
    assert_eq!(part, "900-2G133-A880-000");
    let (_, vbios) = get_string(*lib.nvmlDeviceGetVbiosVersion.as_ref().unwrap(), d, 96);
    assert_eq!(vbios, "95.02.66.00.15");
    let mut pci: nvmlPciInfo_t =
        // SAFETY: a C struct of integers and char arrays: all-zero is a valid value.
        unsafe { std::mem::zeroed() };
    assert_eq!(nv!(lib.nvmlDeviceGetPciInfo_v3(d, &mut pci)), NVML_SUCCESS);
    assert_eq!(
        (cstr(&pci.busId), pci.pciDeviceId, pci.pciSubSystemId),
        ("00000000:30:00.0".to_string(), 0x26B9_10DE, 0x1851_10DE)
    );
    let mut mem: nvmlMemory_v2_t =
        // SAFETY: as above.
        unsafe { std::mem::zeroed() };
    mem.version = nvmlMemory_v2;
    assert_eq!(
        nv!(lib.nvmlDeviceGetMemoryInfo_v2(d, &mut mem)),
        NVML_SUCCESS
    );
    assert_eq!((mem.total >> 20, mem.reserved >> 20), (46068, 609));
    let (mut lim, mut min, mut max) = (0u32, 0u32, 0u32);
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut lim)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimitConstraints(d, &mut min, &mut max)),
        NVML_SUCCESS
    );
    assert_eq!((lim, min, max), (350_000, 100_000, 350_000));
    let mut clk = 0u32;
    for (kind, want) in [
        (NVML_CLOCK_GRAPHICS, 2520),
        (NVML_CLOCK_MEM, 9001),
        (NVML_CLOCK_VIDEO, 1965),
    ] {
        assert_eq!(
            nv!(lib.nvmlDeviceGetMaxClockInfo(d, kind, &mut clk)),
            NVML_SUCCESS
        );
        assert_eq!(clk, want);
    }
    let (mut gen_, mut width) = (0u32, 0u32);
    assert_eq!(
        nv!(lib.nvmlDeviceGetCurrPcieLinkGeneration(d, &mut gen_)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetCurrPcieLinkWidth(d, &mut width)),
        NVML_SUCCESS
    );
    assert_eq!((gen_, width), (4, 8));
    let mut mode = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetVirtualizationMode(d, &mut mode)),
        NVML_SUCCESS
    );
    assert_eq!(mode, NVML_GPU_VIRTUALIZATION_MODE_PASSTHROUGH);
    let mut arch = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetArchitecture(d, &mut arch)),
        NVML_SUCCESS
    );
    assert_eq!(arch, NVML_DEVICE_ARCH_ADA);
}

#[test]
fn cpu_affinity_is_the_hosts_unless_a_file_pins_the_profiles() {
    use nvml_mock::profile::CpuAffinity;
    for name in profile::BUILTIN_PROFILES {
        let p = profile::builtin(name).unwrap();
        assert_eq!(p.cpu_affinity, CpuAffinity::Host, "{name}");
    }
    let p = profile::parse_json(r#"{"base": "dgx-a100", "cpu_affinity": "profile"}"#).unwrap();
    assert_eq!(p.cpu_affinity, CpuAffinity::Profile);
    assert_eq!(p.numa_cpus, profile::builtin("dgx-a100").unwrap().numa_cpus);
    let p = profile::parse_json(r#"{"cpu_affinity": "host"}"#).unwrap();
    assert_eq!(p.cpu_affinity, CpuAffinity::Host);
}

/// Return codes of the queries the capability model decides, on GPU 0 of `profile`: average
/// power (field value), C2C mode, display mode, application clock, power state, SRAM ECC.
fn model_answers(profile: &str) -> [nvmlReturn_t; 6] {
    let (_s, lib) = init(profile);
    let d = dev(&lib, 0);
    let mut fv: nvmlFieldValue_t =
        // SAFETY: a C struct of integers and a union of integers: all-zero is a valid value.
        unsafe { std::mem::zeroed() };
    fv.fieldId = NVML_FI_DEV_POWER_AVERAGE;
    assert_eq!(
        nv!(lib.nvmlDeviceGetFieldValues(d, 1, &mut fv)),
        NVML_SUCCESS
    );
    let mut c2c = nvmlC2cModeInfo_v1_t { isC2cEnabled: 0 };
    let (mut mode, mut clock, mut pstate) = (0u32, 0u32, 0u32);
    let mut sram: nvmlEccSramErrorStatus_t =
        // SAFETY: as above.
        unsafe { std::mem::zeroed() };
    sram.version = nvmlEccSramErrorStatus_v1;
    [
        fv.nvmlReturn,
        nv!(lib.nvmlDeviceGetC2cModeInfoV(d, &mut c2c)),
        nv!(lib.nvmlDeviceGetDisplayMode(d, &mut mode)),
        nv!(lib.nvmlDeviceGetApplicationsClock(d, NVML_CLOCK_GRAPHICS, &mut clock)),
        nv!(lib.nvmlDeviceGetPowerState(d, &mut pstate)),
        nv!(lib.nvmlDeviceGetSramEccErrorStatus(d, &mut sram)),
    ]
}

fn user_profile(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("nvml-mock-support-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn the_support_object_flips_each_query_both_ways() {
    const OK: nvmlReturn_t = NVML_SUCCESS;
    const NS: nvmlReturn_t = NVML_ERROR_NOT_SUPPORTED;
    const DEP: nvmlReturn_t = NVML_ERROR_DEPRECATED;
    // The model alone: an Ada board on driver 570 answers average power, display mode,
    // application clocks, power state and SRAM ECC, and has no C2C (qx-l40s.xml, qx-a100.xml).
    let ada = r#"{"base": "workstation", "driver_version": "570.148.08",
        "gpus": [{"ecc_supported": true}]}"#;
    assert_eq!(
        model_answers(&user_profile("ada-570.json", ada)),
        [OK, NS, OK, OK, OK, OK]
    );
    // A 595 driver deprecates display mode, application clocks and the power state
    // (qx-l40s.xml, qx-t4.xml).
    let newer = r#"{"base": "workstation", "driver_version": "595.91.07",
        "gpus": [{"ecc_supported": true}]}"#;
    assert_eq!(
        model_answers(&user_profile("ada-595.json", newer)),
        [OK, NS, DEP, DEP, DEP, OK]
    );
    // The board's own answers win over both, in each direction.
    let off = r#"{"base": "workstation", "driver_version": "570.148.08", "gpus": [{"ecc_supported": true, "support": {
        "average_power": false, "c2c_mode": true, "display_mode": "deprecated",
        "application_clocks": false, "power_state": false, "sram_ecc": false}}]}"#;
    assert_eq!(
        model_answers(&user_profile("ada-off.json", off)),
        [NS, OK, DEP, NS, NS, NS]
    );
    let on = r#"{"base": "workstation", "driver_version": "595.91.07", "gpus": [{"ecc_supported": true, "support": {
        "display_mode": true, "application_clocks": true, "power_state": true}}]}"#;
    assert_eq!(
        model_answers(&user_profile("ada-on.json", on)),
        [OK, NS, OK, OK, OK, OK]
    );
    let bad = user_profile("bad.json", r#"{"gpus": [{"support": {"sram": true}}]}"#);
    let e = profile::load(&bad).unwrap_err().to_string();
    assert!(
        e.contains("unknown feature `sram`") && e.contains("sram_ecc"),
        "{e}"
    );
}

#[test]
fn format_md_shows_the_capability_model() {
    const START: &str = "<!-- capability model: written by NVML_MOCK_BLESS=1 cargo test -p nvml-mock --test profile_format -->\n";
    const END: &str = "<!-- end of capability model -->";
    let path = format!("{DIR}/FORMAT.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = doc
        .split_once(START)
        .expect("FORMAT.md has the capability model's start marker");
    let (_, tail) = rest
        .split_once(END)
        .expect("FORMAT.md has the capability model's end marker");
    let want = format!("{head}{START}{}{END}{tail}", nvml_mock::support::markdown());
    if std::env::var_os("NVML_MOCK_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    assert!(
        doc == want,
        "FORMAT.md's capability model is stale: run NVML_MOCK_BLESS=1 cargo test -p nvml-mock --test profile_format"
    );
}
