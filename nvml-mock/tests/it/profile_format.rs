//! The profile format: built-in machines are complete, canonical files of it; `FORMAT.md`
//! documents every key; errors name the file and the key; a board written from its
//! `nvidia-smi -q -x` alone loads and answers with the capture's values.

use crate::support::*;
use nvml_mock::profile;
use serde_json::{Map, Value};

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

/// The flat form of a file: each GPU entry with the file's `gpu_defaults` laid under it.
fn flat(file: Value) -> Value {
    let Value::Object(mut top) = file else {
        return file;
    };
    if let Some(Value::Object(topics)) = top.remove("gpu_defaults") {
        let defaults: Map<String, Value> = topics
            .into_iter()
            .flat_map(|(_, keys)| keys.as_object().unwrap().clone())
            .collect();
        for g in top["gpus"].as_array_mut().unwrap() {
            let mut full = defaults.clone();
            full.extend(g.as_object().unwrap().clone());
            *g = Value::Object(full);
        }
    }
    Value::Object(top)
}

const CODEGEN: &str = "run `cargo xtask codegen`";

#[test]
fn every_builtin_machine_is_a_complete_canonical_file() {
    let files: Vec<String> = std::fs::read_dir(format!("{DIR}/profiles/builtin"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), profile::BUILTIN_PROFILES.len(), "{files:?}");
    let mut stale = Vec::new();
    for name in profile::BUILTIN_PROFILES {
        let path = format!("{DIR}/profiles/builtin/{name}.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let file = without_comments(serde_json::from_str(&text).unwrap());
        let loaded = profile::load(name).unwrap();
        assert_eq!(loaded.name, *name);
        // Loading and writing back gives the file's keys, each GPU's own over the defaults:
        // every key is there, nothing is normalized.
        assert_eq!(serde_json::to_value(&loaded).unwrap(), flat(file), "{name}");
        // The file is what the canonical writer makes of the machine.
        let canonical = profile::canonical_json(&loaded).unwrap();
        if text != canonical {
            stale.push(*name);
        }
        // A user file holding the same text, the canonical text or the flat form (every GPU
        // key in its own entry) is the same machine.
        assert_eq!(profile::parse_json(&text).unwrap(), loaded, "{name}");
        assert_eq!(profile::parse_json(&canonical).unwrap(), loaded, "{name}");
        let flat_text = serde_json::to_string_pretty(&loaded).unwrap();
        assert_eq!(profile::parse_json(&flat_text).unwrap(), loaded, "{name}");
    }
    assert!(
        stale.is_empty(),
        "not in the canonical form: {stale:?}: {CODEGEN}"
    );
}

#[test]
fn gpu_defaults_hold_each_key_equal_on_all_gpus_and_entries_the_rest() {
    for name in profile::BUILTIN_PROFILES {
        let p = profile::builtin(name).unwrap();
        let file: Value = serde_json::from_str(&profile::canonical_json(&p).unwrap()).unwrap();
        let gpus: Vec<Value> = p
            .gpus
            .iter()
            .map(|g| serde_json::to_value(g).unwrap())
            .collect();
        let defaults = file.get("gpu_defaults").cloned().unwrap_or(Value::Null);
        let topics = defaults.as_object().cloned().unwrap_or_default();
        for (topic, keys) in &topics {
            for (k, v) in keys.as_object().unwrap() {
                assert_eq!(
                    profile::gpu_topic_of(k).map(|t| t.name),
                    Some(topic.as_str()),
                    "{name}: {k}"
                );
                assert!(gpus.iter().all(|g| &g[k] == v), "{name}: {k}");
            }
        }
        for (i, entry) in file["gpus"].as_array().unwrap().iter().enumerate() {
            for k in entry.as_object().unwrap().keys() {
                let first = gpus[0].get(k);
                assert!(
                    gpus.iter().any(|g| g.get(k) != first),
                    "{name}: gpus[{i}].{k} is equal on all GPUs but not a default"
                );
            }
        }
    }
    // What sets GPU 5 of dgx-h100 apart is its own entry.
    let p = profile::builtin("dgx-h100").unwrap();
    let file: Value = serde_json::from_str(&profile::canonical_json(&p).unwrap()).unwrap();
    let own = file["gpus"][5].as_object().unwrap();
    assert_eq!(own["uuid"], p.gpus[5].uuid.as_str());
    assert_eq!(own["pci_bus"], p.gpus[5].pci_bus);
    assert!(!own.contains_key("name") && !own.contains_key("mig_profiles"));
    assert_eq!(
        file["gpu_defaults"]["identity"]["name"],
        "NVIDIA H100 80GB HBM3"
    );
}

/// Every field of the GPU object, as serde lists them for an unknown field.
fn gpu_fields() -> Vec<String> {
    let e = serde_json::from_str::<profile::GpuSpec>(r#"{"\u0000": 0}"#)
        .unwrap_err()
        .to_string();
    let (_, list) = e.split_once("expected one of ").unwrap();
    list.split(", ")
        .map(|f| {
            f.trim_matches(|c: char| c == '`' || c.is_whitespace() || c == ',')
                .to_string()
        })
        .map(|f| f.split('`').next().unwrap().to_string())
        .collect()
}

#[test]
fn every_gpu_key_belongs_to_exactly_one_topic() {
    let fields = gpu_fields();
    assert!(fields.len() > 100, "{fields:?}");
    let listed: Vec<&str> = profile::GPU_TOPICS
        .iter()
        .flat_map(|t| t.keys.iter().copied())
        .collect();
    for f in &fields {
        let n = listed.iter().filter(|k| **k == f.as_str()).count();
        assert_eq!(
            n, 1,
            "GPU key {f:?} is in {n} topics of GPU_TOPICS (src/profile/format.rs): give it one, then {CODEGEN}"
        );
    }
    for k in &listed {
        assert!(
            fields.iter().any(|f| f == k),
            "topic key {k:?} is no GPU key"
        );
    }
    let mut names: Vec<&str> = profile::GPU_TOPICS.iter().map(|t| t.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), profile::GPU_TOPICS.len());
}

#[test]
fn a_user_files_gpu_defaults_go_under_every_gpu_then_its_entry() {
    // Over a base: every GPU of dgx-h100 gets the defaults, GPU 1 its own keys over them.
    let p = profile::parse_json(
        r#"{"base": "dgx-h100", "gpu_defaults": {"thermal": {"temperature": 40},
            "clocks": {"pstate": 8}}, "gpus": [{}, {"temperature": 71, "pstate": 0}]}"#,
    )
    .unwrap();
    let h100 = profile::builtin("dgx-h100").unwrap();
    assert_eq!(p.gpus.len(), 8);
    let temps: Vec<u32> = p.gpus.iter().map(|g| g.temperature).collect();
    assert_eq!(temps, [40, 71, 40, 40, 40, 40, 40, 40]);
    let pstates: Vec<u32> = p.gpus.iter().map(|g| g.pstate).collect();
    assert_eq!(pstates, [8, 0, 8, 8, 8, 8, 8, 8]);
    assert_eq!(p.gpus[7].uuid, h100.gpus[7].uuid);
    // Without a base: each GPU an entry makes gets them, and gpu_count's copies too.
    let p = profile::parse_json(
        r#"{"gpu_defaults": {"identity": {"name": "Lab GPU"}, "memory": {"memory_total_mib": 40960}},
            "gpus": [{}, {"model": "a100-sxm4-80gb"}, {"memory_total_mib": 81920}]}"#,
    )
    .unwrap();
    let names: Vec<&str> = p.gpus.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Lab GPU"; 3]);
    let mib: Vec<u64> = p.gpus.iter().map(|g| g.memory_total >> 20).collect();
    assert_eq!(mib, [40960, 40960, 81920]);
    assert_eq!(
        p.gpus[1].architecture,
        profile::builtin("dgx-a100").unwrap().gpus[1].architecture
    );
    let p = profile::parse_json(
        r#"{"base": "workstation", "gpu_count": 3, "gpu_defaults": {"power": {"power_usage_mw": 123000}}}"#,
    )
    .unwrap();
    assert!(p.gpus.iter().all(|g| g.power_usage_mw == 123_000));
    assert_eq!(p.gpus.len(), 3);
    // An object key merges with the default's, as over a base's GPU.
    let p = profile::parse_json(
        r#"{"base": "workstation", "gpu_defaults": {"support": {"support": {"sram_ecc": false}}},
            "gpus": [{"support": {"display_mode": "deprecated"}}]}"#,
    )
    .unwrap();
    let support = serde_json::to_value(&p.gpus[0].support).unwrap();
    assert_eq!(
        support,
        serde_json::json!({"sram_ecc": false, "display_mode": "deprecated"})
    );
}

#[test]
fn gpu_defaults_errors_name_the_file_and_the_place() {
    let dir = std::env::temp_dir().join(format!("nvml-mock-defaults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lab.json");
    for (text, needles) in [
        (
            r#"{"gpu_defaults": {"pci": {"temperature": 40}}}"#,
            &[
                "gpu_defaults.pci",
                "\"temperature\"",
                "belongs under \"thermal\"",
            ][..],
        ),
        (
            r#"{"gpu_defaults": {"heat": {"temperature": 40}}}"#,
            &["gpu_defaults", "unknown topic \"heat\"", "thermal"],
        ),
        (
            r#"{"gpu_defaults": {"thermal": {"tempreature": 40}}}"#,
            &[
                "gpu_defaults.thermal",
                "unknown key \"tempreature\"",
                "temperature",
            ],
        ),
        (
            r#"{"gpu_defaults": {"thermal": 40}}"#,
            &["gpu_defaults", "\"thermal\"", "object"],
        ),
        (r#"{"gpu_defaults": [1]}"#, &["\"gpu_defaults\"", "topics"]),
        (
            r#"{"gpu_defaults": {"thermal": {"temperature": "hot"}}, "gpus": [{}, {"temperature": 40}]}"#,
            &[
                "gpu_defaults.thermal: \"temperature\"",
                "invalid type: string \"hot\", expected u32",
            ],
        ),
        (
            r#"{"gpu_defaults": {"thermal": {"temperature": 40}}, "gpus": [{}, {"temperature": "hot"}]}"#,
            &["gpus[1]: \"temperature\"", "hot"],
        ),
        (
            r#"{"gpu_defaults": {"power": {"power_limit_w": 300}}}"#,
            &["gpu_defaults.power", "unknown key \"power_limit_w\""],
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
            r#"{"gpus": [{}, {"memory_total_mib": 17592186044416}]}"#,
            &[
                "gpus[1]",
                "\"memory_total_mib\"",
                "17592186044416",
                "16777216",
            ],
        ),
        (
            r#"{"gpus": [{"memory_total_mib": 16777217}]}"#,
            &[
                "gpus[0]",
                "\"memory_total_mib\"",
                "16777217",
                "1..=16777216",
            ],
        ),
        (
            r#"{"cuda_driver_version": -1}"#,
            &["\"cuda_driver_version\"", "is -1", "1000..=99990"],
        ),
        (
            r#"{"cuda_driver_version": -2147483648}"#,
            &["\"cuda_driver_version\"", "1000..=99990"],
        ),
        (
            r#"{"gpus": [{"temperature": 4000}]}"#,
            &["gpus[0]", "\"temperature\"", "0..=150"],
        ),
        (
            r#"{"gpus": [{"tlimit_margins": [-8, -2, 0, -1000]}]}"#,
            &["gpus[0]", "\"tlimit_margins\"", "-1000", "-150..=150"],
        ),
        (
            r#"{"gpus": [{"power_usage_mw": 4000000000}]}"#,
            &["gpus[0]", "\"power_usage_mw\"", "0..=10000000"],
        ),
        (
            r#"{"gpus": [{"clock_graphics": 60000, "max_graphics": 60000}]}"#,
            &["gpus[0]", "\"clock_graphics\"", "0..=50000"],
        ),
        (
            r#"{"gpus": [{"mig_profiles": [{"profile": 0, "id": 0, "name": "1g", "slices": 9, "compute_slices": 1, "instance_count": 1, "sm_count": 16, "memory_mb": 1, "copy_engines": 1, "decoders": 0, "encoders": 0, "jpegs": 0, "ofas": 0, "placements": [0]}]}]}"#,
            &["gpus[0].mig_profiles[0]", "\"slices\"", "1..=8"],
        ),
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

/// FORMAT.md's generated tables (the GPU topics and their keys, the capability model, the
/// ranges the loader checks) are what the code says (`nvml_mock::documents::format_md`).
#[test]
fn format_md_tables_are_what_the_code_says() {
    let doc = std::fs::read_to_string(format!("{DIR}/FORMAT.md")).unwrap();
    let want = nvml_mock::documents::format_md(&doc).unwrap();
    for (start, _, body) in nvml_mock::documents::format_md_spans() {
        assert!(
            want.contains(&body) && !body.is_empty(),
            "{start:?}: the generated table is in the document it writes"
        );
    }
    assert!(doc == want, "FORMAT.md's tables are stale: {CODEGEN}");
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
    profile_file("support", name, text)
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
