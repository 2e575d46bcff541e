//! Excluded GPUs: the `excluded_gpus` key of profile files, read through
//! `nvmlGetExcludedDeviceCount` and `nvmlGetExcludedDeviceInfoByIndex` as the header documents
//! them (a valid index is below the count; a bad index or a NULL `info` is
//! `INVALID_ARGUMENT`).

use std::ptr::null_mut;

use crate::support::*;
use nvml_mock::profile;

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/profiles/examples/dgx-h100-excluded-gpu.json"
);

fn excluded_count(lib: &NvmlLib) -> u32 {
    let mut n = u32::MAX;
    assert_eq!(nv!(lib.nvmlGetExcludedDeviceCount(&mut n)), NVML_SUCCESS);
    n
}

#[test]
fn no_built_in_machine_excludes_a_gpu() {
    for name in profile::BUILTIN_PROFILES {
        assert!(
            profile::builtin(name).unwrap().excluded_gpus.is_empty(),
            "{name}"
        );
    }
    let (_s, lib) = init("dgx-h100");
    assert_eq!(excluded_count(&lib), 0);
    // SAFETY: a C struct of integers and char arrays: all-zero is a valid value.
    let mut info: nvmlExcludedDeviceInfo_t = unsafe { std::mem::zeroed() };
    assert_eq!(
        nv!(lib.nvmlGetExcludedDeviceInfoByIndex(0, &mut info)),
        NVML_ERROR_INVALID_ARGUMENT
    );
}

#[test]
fn the_example_lists_the_eighth_gpu_and_leaves_seven_devices() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/FORMAT.md")).unwrap();
    let example = std::fs::read_to_string(EXAMPLE).unwrap();
    assert!(
        doc.contains(&format!("```json\n{example}```")),
        "FORMAT.md shows profiles/examples/dgx-h100-excluded-gpu.json as it is"
    );
    let (_s, lib) = init(EXAMPLE);
    let mut devices = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut devices)), NVML_SUCCESS);
    assert_eq!(devices, 7);
    assert_eq!(excluded_count(&lib), 1);

    // SAFETY: as above.
    let mut info: nvmlExcludedDeviceInfo_t = unsafe { std::mem::zeroed() };
    assert_eq!(
        nv!(lib.nvmlGetExcludedDeviceInfoByIndex(0, &mut info)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&info.uuid), "GPU-5a1f0c3e-0d2b-4c8e-9f61-7e3b2a1d0c97");
    let pci = &info.pciInfo;
    assert_eq!((pci.domain, pci.bus, pci.device), (0, 219, 0));
    assert_eq!(
        (pci.pciDeviceId, pci.pciSubSystemId),
        (0x2330_10DE, 0x16C1_10DE)
    );
    assert_eq!(cstr(&pci.busId), "00000000:DB:00.0");
    assert_eq!(cstr(&pci.busIdLegacy), "0000:DB:00.0");

    // The excluded GPU is none of NVML's devices.
    let mut d: nvmlDevice_t = null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByPciBusId_v2(c"00000000:DB:00.0".as_ptr(), &mut d)),
        NVML_ERROR_NOT_FOUND
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByUUID(
            c"GPU-5a1f0c3e-0d2b-4c8e-9f61-7e3b2a1d0c97".as_ptr(),
            &mut d
        )),
        NVML_ERROR_NOT_FOUND
    );

    assert_eq!(
        nv!(lib.nvmlGetExcludedDeviceInfoByIndex(1, &mut info)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlGetExcludedDeviceInfoByIndex(0, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlGetExcludedDeviceCount(null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
}

#[test]
fn a_bad_excluded_gpu_is_an_error_naming_its_place() {
    let gpu = |uuid: &str, bus: u32| {
        format!(
            r#"{{"uuid": "{uuid}", "pci_domain": 0, "pci_bus": {bus}, "pci_device": 0,
               "pci_device_id": "0x233010DE", "pci_subsystem_id": "0x16C110DE"}}"#
        )
    };
    let a = "GPU-00000000-0000-0000-0000-0000000000aa";
    let b = "GPU-00000000-0000-0000-0000-0000000000bb";
    for (text, needles) in [
        // The built-in DGX H100's GPU 0 sits on bus 0x18.
        (
            format!(r#"{{"excluded_gpus": [{}]}}"#, gpu(a, 0x18)),
            &["excluded_gpus[0]", "gpus[0]", "PCI bus id"][..],
        ),
        (
            format!(r#"{{"excluded_gpus": [{}, {}]}}"#, gpu(a, 1), gpu(a, 2)),
            &["excluded_gpus[0] and excluded_gpus[1]", "UUID"],
        ),
        (
            format!(r#"{{"excluded_gpus": [{}, {}]}}"#, gpu(a, 1), gpu(b, 1)),
            &["excluded_gpus[0] and excluded_gpus[1]", "PCI bus id"],
        ),
        (
            format!(r#"{{"excluded_gpus": [{}]}}"#, gpu("5a1f0c3e", 1)),
            &["excluded_gpus[0]", "uuid", "GPU-"],
        ),
        (
            format!(r#"{{"excluded_gpus": [{}]}}"#, gpu(a, 256)),
            &["excluded_gpus[0]", "\"pci_bus\"", "0..=255"],
        ),
        (
            r#"{"excluded_gpus": [{"uuid": "GPU-1", "pci_bus": 1}]}"#.to_owned(),
            &["excluded_gpus", "pci_domain"],
        ),
        (
            r#"{"excluded_gpus": [{"uuid": "GPU-1", "pci_domain": 0, "pci_bus": 1, "pci_device": 0, "pci_device_id": 1, "pci_subsystem_id": 1, "serial": "x"}]}"#.to_owned(),
            &["excluded_gpus", "serial"],
        ),
    ] {
        let path = profile_file("excluded", "bad.json", &text);
        let e = profile::load(&path).unwrap_err().to_string();
        assert!(e.contains("bad.json"), "{text}: {e}");
        for n in needles {
            assert!(e.contains(n), "{text}: {e} lacks {n}");
        }
    }
}
