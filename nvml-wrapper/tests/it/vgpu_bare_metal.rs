//! vGPU on the default (bare-metal) DGX H100: every vGPU query answers as such hardware does
//! (`NOT_SUPPORTED` for GPU queries, `INVALID_ARGUMENT` for unknown vGPU type ids,
//! `NOT_FOUND` for unknown vGPU instances). Each wrapper is checked to report that, and, with
//! the mock told to fail the C function with another code, to report that code's variant (so
//! the call really reaches the function its docs name). Values of a vGPU host:
//! `vgpu_host.rs`; conversions: unit tests in `src/vgpu/`.

use nvml_wrapper::enums::{
    DeviceVgpuCapability, GpuVirtualizationMode, VgpuCapability, VgpuDriverCapability,
    VgpuSchedulerEngine, VgpuSchedulerPolicy,
};
use nvml_wrapper::vgpu::{
    PgpuMetadata, VgpuCompatibilityLimit, VgpuInstance, VgpuMetadata, VgpuPlacementMode,
    VgpuSchedulerSettings, VgpuType, VgpuVersionRange, VgpuVmCompatibility,
};
use nvml_wrapper::{NvmlError, sys};

/// `$call` answers `$first` (the documented error on a bare-metal GPU); with `$func`
/// faulted to `$code` it answers `$variant`; with the fault cleared, `$first` again.
macro_rules! answers {
    ($staged:expr, $first:pat, $func:literal, $code:ident => $variant:pat, $call:expr) => {{
        let call = || $call;
        let got = call();
        assert!(
            matches!(got, Err($first)),
            "{}: expected {}, got {:?}",
            $func,
            stringify!($first),
            got
        );
        $staged.set_fault($func, sys::$code).unwrap();
        let got = call();
        assert!(
            matches!(got, Err($variant)),
            "{} faulted with {}: expected {}, got {:?}",
            $func,
            stringify!($code),
            stringify!($variant),
            got
        );
        $staged.clear_fault($func).unwrap();
        assert!(matches!(call(), Err($first)));
    }};
}

/// As [`answers!`], for functions a bare-metal GPU answers with `NOT_SUPPORTED`.
macro_rules! unmodeled {
    ($staged:expr, $func:literal, $code:ident => $variant:pat, $call:expr) => {
        answers!($staged, NvmlError::NotSupported(_), $func, $code => $variant, $call)
    };
}

/// vGPU type 1: the bare-metal DGX H100 knows no vGPU types (`INVALID_ARGUMENT`).
fn some_type(nvml: &nvml_wrapper::Nvml) -> VgpuType<'_> {
    nvml.vgpu_type(1)
}

#[test]
fn handles_wrap_ids_compare_by_id_and_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<VgpuType<'static>>();
    send_sync::<VgpuInstance<'static>>();

    let m = crate::support::mock();
    let t = m.nvml.vgpu_type(7);
    assert_eq!(t.id(), 7);
    assert_eq!(t, m.nvml.vgpu_type(7));
    assert_ne!(t, m.nvml.vgpu_type(8));
    let v = m.nvml.vgpu_instance(3);
    assert_eq!(v.id(), 3);
    assert_eq!(v, m.nvml.vgpu_instance(3));
    assert!(std::ptr::eq(v.nvml(), &m.nvml));
    assert_eq!(format!("{t:?}"), "VgpuType { id: 7 }");
}

#[test]
fn device_vgpu_lists_answer_as_bare_metal() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let s = &m.staged;
    unmodeled!(s, "nvmlDeviceGetSupportedVgpus", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        gpu.supported_vgpus());
    unmodeled!(s, "nvmlDeviceGetCreatableVgpus", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        gpu.creatable_vgpus());
    unmodeled!(s, "nvmlDeviceGetActiveVgpus", NVML_ERROR_UNKNOWN => NvmlError::Unknown(_),
        gpu.active_vgpus());
}

#[test]
fn device_virtualization_and_heterogeneous_modes() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(2).unwrap();
    let s = &m.staged;
    // Modeled: the DGX H100 runs bare metal.
    for g in m.nvml.devices().unwrap() {
        assert_eq!(
            g.virtualization_mode().unwrap(),
            GpuVirtualizationMode::None
        );
    }
    s.set_fault(
        "nvmlDeviceGetVirtualizationMode",
        sys::NVML_ERROR_GPU_IS_LOST,
    )
    .unwrap();
    assert!(matches!(
        gpu.virtualization_mode(),
        Err(NvmlError::GpuLost(_))
    ));
    s.clear_fault("nvmlDeviceGetVirtualizationMode").unwrap();
    unmodeled!(s, "nvmlDeviceSetVirtualizationMode", NVML_ERROR_NO_PERMISSION => NvmlError::NoPermission(_),
        gpu.set_virtualization_mode(GpuVirtualizationMode::HostVgpu));
    unmodeled!(s, "nvmlDeviceGetHostVgpuMode", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        gpu.host_vgpu_mode());
    unmodeled!(s, "nvmlDeviceGetVgpuHeterogeneousMode", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch(_),
        gpu.vgpu_heterogeneous_mode());
    unmodeled!(s, "nvmlDeviceSetVgpuHeterogeneousMode", NVML_ERROR_IN_USE => NvmlError::InUse(_),
        gpu.set_vgpu_heterogeneous_mode(true));
}

#[test]
fn device_placements_capabilities_and_gsp() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = some_type(&m.nvml);
    let s = &m.staged;
    unmodeled!(s, "nvmlDeviceGetVgpuTypeSupportedPlacements", NVML_ERROR_NO_PERMISSION => NvmlError::NoPermission(_),
        gpu.vgpu_type_supported_placements(&t, VgpuPlacementMode::Homogeneous));
    unmodeled!(s, "nvmlDeviceGetVgpuTypeCreatablePlacements", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch(_),
        gpu.vgpu_type_creatable_placements(&t));
    unmodeled!(s, "nvmlDeviceGetVgpuCapabilities", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        gpu.vgpu_capability(DeviceVgpuCapability::FractionalMultiVgpu));
    unmodeled!(s, "nvmlDeviceSetVgpuCapabilities", NVML_ERROR_NO_PERMISSION => NvmlError::NoPermission(_),
        gpu.set_vgpu_capability(DeviceVgpuCapability::MigTimeslicingEnabled, true));
    unmodeled!(s, "nvmlDeviceVgpuForceGspUnload", NVML_ERROR_IN_USE => NvmlError::InUse(_),
        gpu.vgpu_force_gsp_unload());
}

#[test]
fn placements_grown_on_insufficient_size_stay_bounded() {
    // A driver that keeps answering INSUFFICIENT_SIZE: bounded retries, then the error.
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = some_type(&m.nvml);
    m.staged
        .set_fault(
            "nvmlDeviceGetVgpuTypeSupportedPlacements",
            sys::NVML_ERROR_INSUFFICIENT_SIZE,
        )
        .unwrap();
    assert!(matches!(
        gpu.vgpu_type_supported_placements(&t, VgpuPlacementMode::Heterogeneous),
        Err(NvmlError::InsufficientSize(_))
    ));
}

#[test]
fn device_licensing_and_metadata() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    let s = &m.staged;
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetGridLicensableFeatures"),
        Some("nvmlDeviceGetGridLicensableFeatures_v4")
    );
    unmodeled!(s, "nvmlDeviceGetGridLicensableFeatures_v4", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        gpu.grid_licensable_features());
    unmodeled!(s, "nvmlDeviceGetVgpuMetadata", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        gpu.vgpu_metadata());
    unmodeled!(s, "nvmlDeviceGetPgpuMetadataString", NVML_ERROR_UNKNOWN => NvmlError::Unknown(_),
        gpu.pgpu_metadata_string());
}

#[test]
fn metadata_growing_without_end_is_bounded() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    m.staged
        .set_fault(
            "nvmlDeviceGetVgpuMetadata",
            sys::NVML_ERROR_INSUFFICIENT_SIZE,
        )
        .unwrap();
    assert!(matches!(
        gpu.vgpu_metadata(),
        Err(NvmlError::InsufficientSize(_))
    ));
}

#[test]
fn device_vgpu_scheduler_uses_the_v2_functions() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(3).unwrap();
    let s = &m.staged;
    for family in [
        "nvmlDeviceGetVgpuSchedulerState",
        "nvmlDeviceGetVgpuSchedulerLog",
        "nvmlDeviceSetVgpuSchedulerState",
    ] {
        assert_eq!(
            m.nvml.chosen_symbol(family),
            Some(format!("{family}_v2").as_str())
        );
    }
    unmodeled!(s, "nvmlDeviceGetVgpuSchedulerCapabilities", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        gpu.vgpu_scheduler_capabilities());
    unmodeled!(s, "nvmlDeviceGetVgpuSchedulerState_v2", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        gpu.vgpu_scheduler_state(VgpuSchedulerEngine::Nvenc0));
    unmodeled!(s, "nvmlDeviceGetVgpuSchedulerLog_v2", NVML_ERROR_UNKNOWN => NvmlError::Unknown(_),
        gpu.vgpu_scheduler_log(VgpuSchedulerEngine::Graphics));
    let settings = VgpuSchedulerSettings {
        engine: VgpuSchedulerEngine::Graphics,
        policy: VgpuSchedulerPolicy::EqualShare,
        avg_factor: 0,
        frequency: 0,
    };
    unmodeled!(s, "nvmlDeviceSetVgpuSchedulerState_v2", NVML_ERROR_RESET_REQUIRED => NvmlError::ResetRequired(_),
        gpu.set_vgpu_scheduler_state(&settings));
}

#[test]
fn device_vgpu_utilization() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let s = &m.staged;
    unmodeled!(s, "nvmlDeviceGetVgpuUtilization", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        gpu.vgpu_utilization(0));
    unmodeled!(s, "nvmlDeviceGetVgpuInstancesUtilizationInfo", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch(_),
        gpu.vgpu_instances_utilization(0));
    unmodeled!(s, "nvmlDeviceGetVgpuProcessUtilization", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        gpu.vgpu_process_utilization(0));
    unmodeled!(s, "nvmlDeviceGetVgpuProcessesUtilizationInfo", NVML_ERROR_UNKNOWN => NvmlError::Unknown(_),
        gpu.vgpu_processes_utilization(0));
}

#[test]
fn no_samples_since_the_timestamp_is_an_empty_list() {
    // NOT_FOUND from the utilisation queries means "nothing newer than last_seen".
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    for func in [
        "nvmlDeviceGetVgpuUtilization",
        "nvmlDeviceGetVgpuInstancesUtilizationInfo",
        "nvmlDeviceGetVgpuProcessUtilization",
        "nvmlDeviceGetVgpuProcessesUtilizationInfo",
    ] {
        m.staged.set_fault(func, sys::NVML_ERROR_NOT_FOUND).unwrap();
    }
    assert!(gpu.vgpu_utilization(1).unwrap().is_empty());
    assert!(gpu.vgpu_instances_utilization(1).unwrap().is_empty());
    assert!(gpu.vgpu_process_utilization(1).unwrap().is_empty());
    assert!(gpu.vgpu_processes_utilization(1).unwrap().is_empty());
}

#[test]
fn vgpu_type_queries() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = some_type(&m.nvml);
    let s = &m.staged;
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetClass", NVML_ERROR_INSUFFICIENT_SIZE => NvmlError::InsufficientSize(_),
        t.class());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetName", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.name());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetGpuInstanceProfileId", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.gpu_instance_profile_id());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetDeviceID", NVML_ERROR_UNKNOWN => NvmlError::Unknown(_),
        t.pci_ids());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetFramebufferSize", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.framebuffer_size());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetNumDisplayHeads", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.num_display_heads());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetResolution", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.resolution(0));
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetLicense", NVML_ERROR_INSUFFICIENT_SIZE => NvmlError::InsufficientSize(_),
        t.license());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetFrameRateLimit", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.frame_rate_limit());
    unmodeled!(s, "nvmlVgpuTypeGetMaxInstances", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.max_instances(&gpu));
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetMaxInstancesPerVm", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.max_instances_per_vm());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetMaxInstancesPerGpuInstance", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch(_),
        t.max_instances_per_gpu_instance());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetBAR1Info", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch(_),
        t.bar1_size_mib());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetCapabilities", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.capability(VgpuCapability::ExclusiveSize));
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetGspHeapSize", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.gsp_heap_size());
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuTypeGetFbReservation", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        t.fb_reservation());
}

#[test]
fn vgpu_instance_identity_queries() {
    let m = crate::support::mock();
    let v = m.nvml.vgpu_instance(1);
    let s = &m.staged;
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetVmID", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.vm_id());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetUUID", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.uuid());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetVmDriverVersion", NVML_ERROR_INSUFFICIENT_SIZE => NvmlError::InsufficientSize(_),
        v.vm_driver_version());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetFbUsage", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.fb_usage());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetType", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.vgpu_type());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetFrameRateLimit", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        v.frame_rate_limit());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetEccMode", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.ecc_mode());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetGpuInstanceId", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.gpu_instance_id());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetGpuPciId", NVML_ERROR_DRIVER_NOT_LOADED => NvmlError::DriverNotLoaded(_),
        v.gpu_pci_id());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetMdevUUID", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.mdev_uuid());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetPlacementId", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch(_),
        v.placement_id());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetRuntimeStateSize", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch(_),
        v.runtime_state_size());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetMetadata", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.metadata());
    assert_eq!(
        m.nvml.chosen_symbol("nvmlVgpuInstanceGetLicenseInfo"),
        Some("nvmlVgpuInstanceGetLicenseInfo_v2")
    );
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetLicenseInfo_v2", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.license_info());
}

#[test]
fn vgpu_instance_encoder_and_capture() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let v = m.nvml.vgpu_instance(2);
    let s = &m.staged;
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetEncoderCapacity", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.encoder_capacity());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceSetEncoderCapacity", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        v.set_encoder_capacity(50));
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetEncoderStats", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.encoder_stats());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetEncoderSessions", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        v.encoder_sessions());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetFBCStats", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.fbc_stats());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetFBCSessions", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        v.fbc_sessions());
}

#[test]
fn vgpu_instance_accounting() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let v = m.nvml.vgpu_instance(2);
    let s = &m.staged;
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetAccountingMode", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.accounting_mode());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetAccountingPids", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        v.accounting_pids());
    answers!(s, NvmlError::NotFound(_), "nvmlVgpuInstanceGetAccountingStats", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost(_),
        v.accounting_stats(4242));
    answers!(s, NvmlError::InvalidArgument(_), "nvmlVgpuInstanceClearAccountingPids", NVML_ERROR_NO_PERMISSION => NvmlError::NoPermission(_),
        v.clear_accounting_pids());
}

#[test]
fn driver_wide_vgpu_queries() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let s = &m.staged;
    let nvml = &m.nvml;
    unmodeled!(s, "nvmlGetVgpuDriverCapabilities", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument(_),
        nvml.vgpu_driver_capability(VgpuDriverCapability::WarmUpdate));
    unmodeled!(s, "nvmlGetVgpuVersion", NVML_ERROR_UNKNOWN => NvmlError::Unknown(_),
        nvml.vgpu_version());
    unmodeled!(s, "nvmlSetVgpuVersion", NVML_ERROR_IN_USE => NvmlError::InUse(_),
        nvml.set_vgpu_version(VgpuVersionRange { min: 0x10000, max: 0x120001 }));

    // Metadata blobs as a VMM would have saved them (here: zeroed fixed parts).
    let vgpu = VgpuMetadata::from_bytes(vec![0; 512]).unwrap();
    let pgpu = PgpuMetadata::from_bytes(vec![0; 512]).unwrap();
    // Computed from the blobs alone: without migration caps, a cold boot limited by the GPU.
    let c = nvml.vgpu_compatibility(&vgpu, &pgpu).unwrap();
    assert_eq!(c.vm_compatibility, VgpuVmCompatibility::COLD);
    assert_eq!(c.limit, VgpuCompatibilityLimit::GPU);
    s.set_fault("nvmlGetVgpuCompatibility", sys::NVML_ERROR_INVALID_ARGUMENT)
        .unwrap();
    assert!(matches!(
        nvml.vgpu_compatibility(&vgpu, &pgpu),
        Err(NvmlError::InvalidArgument(_))
    ));
}

#[test]
fn a_470_driver_lacks_the_newer_vgpu_functions() {
    let m = crate::support::mock_legacy_470();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = some_type(&m.nvml);
    let v = m.nvml.vgpu_instance(1);
    // 470 has the classic queries...
    assert!(matches!(
        gpu.supported_vgpus(),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(t.name(), Err(NvmlError::InvalidArgument(_))));
    assert!(matches!(
        gpu.grid_licensable_features(),
        Err(NvmlError::NotSupported(_))
    ));
    // ... not the newer ones.
    assert!(matches!(
        gpu.vgpu_heterogeneous_mode(),
        Err(NvmlError::MissingSymbol(
            "nvmlDeviceGetVgpuHeterogeneousMode"
        ))
    ));
    assert!(matches!(
        t.bar1_size_mib(),
        Err(NvmlError::MissingSymbol("nvmlVgpuTypeGetBAR1Info"))
    ));
    assert!(matches!(
        v.placement_id(),
        Err(NvmlError::MissingSymbol("nvmlVgpuInstanceGetPlacementId"))
    ));
    assert_eq!(m.nvml.chosen_symbol("nvmlVgpuInstanceGetLicenseInfo"), None);
    assert!(matches!(
        v.license_info(),
        Err(NvmlError::MissingSymbol("nvmlVgpuInstanceGetLicenseInfo"))
    ));
    // ... but the licensed flag still comes from the deprecated query 470 has.
    assert!(matches!(v.is_licensed(), Err(NvmlError::NotFound(_))));
    m.staged
        .set_fault(
            "nvmlVgpuInstanceGetLicenseStatus",
            sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    assert!(matches!(v.is_licensed(), Err(NvmlError::GpuLost(_))));
    // No scheduler at all: the graphics engine falls to the legacy name, the others name `_v2`.
    assert!(matches!(
        gpu.vgpu_scheduler_state(VgpuSchedulerEngine::Graphics),
        Err(NvmlError::MissingSymbol("nvmlDeviceGetVgpuSchedulerState"))
    ));
    assert!(matches!(
        gpu.vgpu_scheduler_log(VgpuSchedulerEngine::Nvenc1),
        Err(NvmlError::MissingSymbol("nvmlDeviceGetVgpuSchedulerLog_v2"))
    ));
    let settings = VgpuSchedulerSettings {
        engine: VgpuSchedulerEngine::Graphics,
        policy: VgpuSchedulerPolicy::BestEffort,
        avg_factor: 0,
        frequency: 0,
    };
    assert!(matches!(
        gpu.set_vgpu_scheduler_state(&settings),
        Err(NvmlError::MissingSymbol("nvmlDeviceSetVgpuSchedulerState"))
    ));
}

#[test]
fn a_virtualization_mode_newer_than_the_header_is_kept() {
    let m = crate::support::mock();
    m.staged
        .set_hostile(nvml_mock::HostileModes {
            future_enums: true,
            ..Default::default()
        })
        .unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert_eq!(
        gpu.virtualization_mode().unwrap(),
        GpuVirtualizationMode::Other(42)
    );
}
