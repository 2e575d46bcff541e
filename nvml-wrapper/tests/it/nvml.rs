//! `Nvml`, system queries, device lookup, identity and memory, against the simulated DGX H100:
//! every value must equal the mock's profile.

use nvml_mock::profile;
use nvml_wrapper::enums::{Architecture, Brand, InforomObject};
use nvml_wrapper::{Nvml, NvmlError};

fn dgx() -> profile::Profile {
    profile::builtin("dgx-h100").expect("the built-in profile")
}

#[test]
fn system_versions_are_the_profiles() {
    let m = crate::support::mock();
    let p = dgx();
    assert_eq!(m.nvml.driver_version().unwrap(), p.driver_version);
    assert_eq!(m.nvml.nvml_version().unwrap(), p.nvml_version);
    let cuda = m.nvml.cuda_driver_version().unwrap();
    assert_eq!(
        cuda.major * 1000 + cuda.minor * 10,
        p.cuda_driver_version as u32
    );
    assert_eq!(cuda.to_string(), "13.0");
}

#[test]
fn every_gpu_is_found_by_index_uuid_serial_and_bus_id() {
    let m = crate::support::mock();
    let p = dgx();
    assert_eq!(m.nvml.device_count().unwrap() as usize, p.gpus.len());
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        assert_eq!(gpu.index().unwrap(), index as u32);
        assert_eq!(gpu.uuid().unwrap(), spec.uuid);
        assert_eq!(m.nvml.device_by_uuid(&spec.uuid).unwrap(), gpu);
        let serial = spec.serial.as_deref().expect("DGX GPUs have serials");
        assert_eq!(gpu.serial().unwrap(), serial);
        assert_eq!(m.nvml.device_by_serial(serial).unwrap(), gpu);
        assert_eq!(m.nvml.device_by_pci_bus_id(&spec.bus_id()).unwrap(), gpu);
    }
    assert_eq!(m.nvml.devices().unwrap().len(), p.gpus.len());
}

#[test]
fn excluded_devices_are_the_profiles_and_none_of_the_devices() {
    let m = crate::support::mock();
    assert_eq!(m.nvml.excluded_device_count().unwrap(), 0);
    assert!(m.nvml.excluded_devices().unwrap().is_empty());

    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../nvml-mock/profiles/examples/dgx-h100-excluded-gpu.json"
    );
    let p = profile::load(path).unwrap();
    assert!(!p.excluded_gpus.is_empty(), "the example excludes a GPU");
    let m = crate::support::mock_with_profile(path);
    assert_eq!(m.nvml.device_count().unwrap() as usize, p.gpus.len());
    let listed = m.nvml.excluded_devices().unwrap();
    assert_eq!(listed.len(), p.excluded_gpus.len());
    for (got, want) in listed.iter().zip(&p.excluded_gpus) {
        assert_eq!(got.uuid, want.uuid);
        let pci = &got.pci_info;
        assert_eq!(
            (pci.domain, pci.bus, pci.device),
            (want.pci_domain, want.pci_bus, want.pci_device)
        );
        assert_eq!(
            (pci.pci_device_id, pci.pci_subsystem_id),
            (want.pci_device_id, want.pci_subsystem_id)
        );
        assert_eq!(pci.bus_id, want.bus_id());
        assert_eq!((pci.vendor_id(), pci.device_id()), (0x10de, 0x2330));
        assert!(matches!(
            m.nvml.device_by_uuid(&got.uuid),
            Err(NvmlError::NotFound(_))
        ));
        assert!(matches!(
            m.nvml.device_by_pci_bus_id(&pci.bus_id),
            Err(NvmlError::NotFound(_))
        ));
    }
}

#[test]
fn identity_getters_return_the_profiles_values() {
    let m = crate::support::mock();
    let spec = &dgx().gpus[5];
    let gpu = m.nvml.device_by_index(5).unwrap();
    assert_eq!(gpu.name().unwrap(), "NVIDIA H100 80GB HBM3");
    assert_eq!(gpu.name().unwrap(), spec.name);
    assert_eq!(gpu.brand().unwrap(), Brand::try_from(spec.brand).unwrap());
    assert_eq!(gpu.architecture().unwrap(), Architecture::Hopper);
    let cc = gpu.cuda_compute_capability().unwrap();
    assert_eq!((cc.major, cc.minor), (9, 0));
    assert_eq!(cc.to_string(), "9.0");
    assert_eq!(gpu.board_id().unwrap(), spec.board_id);
    assert_eq!(gpu.board_part_number().unwrap(), spec.board_part_number);
    assert_eq!(gpu.minor_number().unwrap(), spec.minor_number);
    assert_eq!(gpu.vbios_version().unwrap(), spec.vbios_version);
    assert_eq!(gpu.inforom_image_version().unwrap(), spec.inforom_image);
    assert_eq!(
        gpu.inforom_version(InforomObject::Oem).unwrap(),
        spec.inforom_oem
    );
    assert_eq!(
        gpu.inforom_version(InforomObject::Ecc).unwrap(),
        spec.inforom_ecc
    );
    assert!(gpu.uuid().unwrap().starts_with("GPU-"));
}

#[test]
fn memory_v2_reports_reserved_and_adds_up() {
    let m = crate::support::mock();
    let spec = &dgx().gpus[0];
    let mem = m.nvml.device_by_index(0).unwrap().memory_info().unwrap();
    assert_eq!(mem.total, spec.memory_total);
    assert_eq!(mem.reserved, spec.memory_reserved);
    assert!(
        mem.reserved > 0,
        "the v2 struct carries the reserved memory"
    );
    assert_eq!(mem.reserved + mem.used + mem.free, mem.total);
    let bar1 = m
        .nvml
        .device_by_index(0)
        .unwrap()
        .bar1_memory_info()
        .unwrap();
    assert_eq!(bar1.total, spec.bar1_total);
    assert_eq!(bar1.used + bar1.free, bar1.total);
}

#[test]
fn memory_falls_back_to_v1_when_the_driver_rejects_the_struct_version() {
    // Real drivers reject an nvmlMemory_v2_t version with FUNCTION_NOT_FOUND (what the mock
    // answers too); ARGUMENT_VERSION_MISMATCH, the other structs' answer, falls back as well.
    for code in [
        nvml_wrapper::sys::NVML_ERROR_FUNCTION_NOT_FOUND,
        nvml_wrapper::sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
    ] {
        let m = crate::support::mock();
        m.staged
            .set_fault("nvmlDeviceGetMemoryInfo_v2", code)
            .unwrap();
        let mem = m.nvml.device_by_index(0).unwrap().memory_info().unwrap();
        assert_eq!(mem.total, dgx().gpus[0].memory_total, "code {code}");
        assert_eq!(mem.reserved, 0, "the v1 struct has no reserved field");
        assert_eq!(mem.used + mem.free, mem.total);
    }
}

#[test]
fn a_current_driver_gets_the_newest_versions() {
    let m = crate::support::mock();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetComputeRunningProcesses"),
        Some("nvmlDeviceGetComputeRunningProcesses_v3")
    );
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetMemoryInfo"),
        Some("nvmlDeviceGetMemoryInfo_v2")
    );
    assert_eq!(m.nvml.chosen_symbol("nvmlInit"), Some("nvmlInit_v2"));
    assert!(
        m.nvml
            .has_function("nvmlDeviceGetComputeRunningProcesses_v3")
    );
    assert!(
        m.nvml
            .version_choices()
            .iter()
            .all(|row| row.symbol.is_some()),
        "mock exports all"
    );
}

#[test]
fn an_old_driver_gets_older_versions_and_the_same_answers() {
    let staged = nvml_mock::Staged::legacy_470().unwrap();
    let nvml = Nvml::builder().library_path(staged.path()).init().unwrap();
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetComputeRunningProcesses"),
        Some("nvmlDeviceGetComputeRunningProcesses_v2")
    );
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetMemoryInfo"),
        Some("nvmlDeviceGetMemoryInfo")
    );
    assert!(!nvml.has_function("nvmlDeviceGetComputeRunningProcesses_v3"));
    let gpu = nvml.device_by_index(0).unwrap();
    let mem = gpu.memory_info().unwrap();
    assert_eq!(mem.total, dgx().gpus[0].memory_total);
    assert_eq!(mem.reserved, 0);
    assert_eq!(gpu.name().unwrap(), "NVIDIA H100 80GB HBM3");
}

#[test]
fn lookups_of_what_does_not_exist_are_errors_not_panics() {
    let m = crate::support::mock();
    assert!(matches!(
        m.nvml.device_by_index(8),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert!(matches!(
        m.nvml
            .device_by_uuid("GPU-00000000-0000-0000-0000-000000000000"),
        Err(NvmlError::NotFound(_))
    ));
    assert!(matches!(
        m.nvml.device_by_uuid("GPU-\0"),
        Err(NvmlError::InvalidInput(_))
    ));
    assert!(matches!(
        m.nvml.device_by_pci_bus_id("not a bus id"),
        Err(NvmlError::NotFound(_) | NvmlError::InvalidArgument(_))
    ));
}

#[test]
fn a_fault_injected_into_any_call_comes_back_as_its_error() {
    let m = crate::support::mock();
    m.staged
        .set_fault(
            "nvmlDeviceGetName",
            nvml_wrapper::sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let err = gpu.name().unwrap_err();
    assert!(
        matches!(err, NvmlError::GpuLost("nvmlDeviceGetName")),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("nvmlDeviceGetName: the GPU has fallen off the bus")
    );
    m.staged.set_fault("nvmlDeviceGetUUID", 1234).unwrap();
    let err = gpu.uuid().unwrap_err();
    assert!(
        matches!(err, NvmlError::UnrecognizedCode("nvmlDeviceGetUUID", 1234)),
        "{err:?}"
    );
    m.staged.clear_faults().unwrap();
    assert_eq!(gpu.name().unwrap(), "NVIDIA H100 80GB HBM3");
}

#[test]
fn init_and_shutdown_are_balanced() {
    let staged = nvml_mock::Staged::new().unwrap();
    {
        let a = Nvml::builder().library_path(staged.path()).init().unwrap();
        let b = Nvml::builder().library_path(staged.path()).init().unwrap();
        assert_eq!(staged.init_refcount().unwrap(), 2);
        drop(a);
        assert_eq!(staged.init_refcount().unwrap(), 1);
        assert_eq!(b.device_count().unwrap(), 8);
    }
    assert_eq!(staged.init_refcount().unwrap(), 0);
}

#[test]
fn devices_can_be_queried_from_many_threads() {
    let m = crate::support::mock();
    let names: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let nvml = &m.nvml;
                s.spawn(move || nvml.device_by_index(i).unwrap().uuid().unwrap())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let distinct: std::collections::BTreeSet<_> = names.iter().collect();
    assert_eq!(distinct.len(), 8);
}
