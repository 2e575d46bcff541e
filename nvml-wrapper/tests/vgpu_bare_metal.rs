//! vGPU on the default (bare-metal) DGX H100: every vGPU query answers as such hardware does
//! (`NOT_SUPPORTED` for GPU queries, `INVALID_ARGUMENT` for unknown vGPU type ids,
//! `NOT_FOUND` for unknown vGPU instances). Each wrapper is checked to report that, and, with
//! the mock told to fail the C function with another code, to report that code's variant (so
//! the call really reaches the function its docs name). Values of a vGPU host:
//! `vgpu_host.rs`; conversions: unit tests in `src/vgpu/`.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

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
        answers!($staged, NvmlError::NotSupported, $func, $code => $variant, $call)
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

    let m = common::mock();
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
    let m = common::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let s = &m.staged;
    unmodeled!(s, "nvmlDeviceGetSupportedVgpus", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        gpu.supported_vgpus());
    unmodeled!(s, "nvmlDeviceGetCreatableVgpus", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        gpu.creatable_vgpus());
    unmodeled!(s, "nvmlDeviceGetActiveVgpus", NVML_ERROR_UNKNOWN => NvmlError::Unknown,
        gpu.active_vgpus());
}

#[test]
fn device_virtualization_and_heterogeneous_modes() {
    let m = common::mock();
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
    assert!(matches!(gpu.virtualization_mode(), Err(NvmlError::GpuLost)));
    s.clear_fault("nvmlDeviceGetVirtualizationMode").unwrap();
    unmodeled!(s, "nvmlDeviceSetVirtualizationMode", NVML_ERROR_NO_PERMISSION => NvmlError::NoPermission,
        gpu.set_virtualization_mode(GpuVirtualizationMode::HostVgpu));
    unmodeled!(s, "nvmlDeviceGetHostVgpuMode", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        gpu.host_vgpu_mode());
    unmodeled!(s, "nvmlDeviceGetVgpuHeterogeneousMode", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch,
        gpu.vgpu_heterogeneous_mode());
    unmodeled!(s, "nvmlDeviceSetVgpuHeterogeneousMode", NVML_ERROR_IN_USE => NvmlError::InUse,
        gpu.set_vgpu_heterogeneous_mode(true));
}

#[test]
fn device_placements_capabilities_and_gsp() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = some_type(&m.nvml);
    let s = &m.staged;
    unmodeled!(s, "nvmlDeviceGetVgpuTypeSupportedPlacements", NVML_ERROR_NO_PERMISSION => NvmlError::NoPermission,
        gpu.vgpu_type_supported_placements(&t, VgpuPlacementMode::Homogeneous));
    unmodeled!(s, "nvmlDeviceGetVgpuTypeCreatablePlacements", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch,
        gpu.vgpu_type_creatable_placements(&t));
    unmodeled!(s, "nvmlDeviceGetVgpuCapabilities", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        gpu.vgpu_capability(DeviceVgpuCapability::FractionalMultiVgpu));
    unmodeled!(s, "nvmlDeviceSetVgpuCapabilities", NVML_ERROR_NO_PERMISSION => NvmlError::NoPermission,
        gpu.set_vgpu_capability(DeviceVgpuCapability::MigTimeslicingEnabled, true));
    unmodeled!(s, "nvmlDeviceVgpuForceGspUnload", NVML_ERROR_IN_USE => NvmlError::InUse,
        gpu.vgpu_force_gsp_unload());
}

#[test]
fn placements_grown_on_insufficient_size_stay_bounded() {
    // A driver that keeps answering INSUFFICIENT_SIZE: bounded retries, then the error.
    let m = common::mock();
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
        Err(NvmlError::InsufficientSize)
    ));
}

#[test]
fn device_licensing_and_metadata() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    let s = &m.staged;
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetGridLicensableFeatures"),
        Some("nvmlDeviceGetGridLicensableFeatures_v4")
    );
    unmodeled!(s, "nvmlDeviceGetGridLicensableFeatures_v4", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        gpu.grid_licensable_features());
    unmodeled!(s, "nvmlDeviceGetVgpuMetadata", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        gpu.vgpu_metadata());
    unmodeled!(s, "nvmlDeviceGetPgpuMetadataString", NVML_ERROR_UNKNOWN => NvmlError::Unknown,
        gpu.pgpu_metadata_string());
}

#[test]
fn metadata_growing_without_end_is_bounded() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    m.staged
        .set_fault(
            "nvmlDeviceGetVgpuMetadata",
            sys::NVML_ERROR_INSUFFICIENT_SIZE,
        )
        .unwrap();
    assert!(matches!(
        gpu.vgpu_metadata(),
        Err(NvmlError::InsufficientSize)
    ));
}

#[test]
fn device_vgpu_scheduler_uses_the_v2_functions() {
    let m = common::mock();
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
    unmodeled!(s, "nvmlDeviceGetVgpuSchedulerCapabilities", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        gpu.vgpu_scheduler_capabilities());
    unmodeled!(s, "nvmlDeviceGetVgpuSchedulerState_v2", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        gpu.vgpu_scheduler_state(VgpuSchedulerEngine::Nvenc0));
    unmodeled!(s, "nvmlDeviceGetVgpuSchedulerLog_v2", NVML_ERROR_UNKNOWN => NvmlError::Unknown,
        gpu.vgpu_scheduler_log(VgpuSchedulerEngine::Graphics));
    let settings = VgpuSchedulerSettings {
        engine: VgpuSchedulerEngine::Graphics,
        policy: VgpuSchedulerPolicy::EqualShare,
        avg_factor: 0,
        frequency: 0,
    };
    unmodeled!(s, "nvmlDeviceSetVgpuSchedulerState_v2", NVML_ERROR_RESET_REQUIRED => NvmlError::ResetRequired,
        gpu.set_vgpu_scheduler_state(&settings));
}

#[test]
fn device_vgpu_utilization() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let s = &m.staged;
    unmodeled!(s, "nvmlDeviceGetVgpuUtilization", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        gpu.vgpu_utilization(0));
    unmodeled!(s, "nvmlDeviceGetVgpuInstancesUtilizationInfo", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch,
        gpu.vgpu_instances_utilization(0));
    unmodeled!(s, "nvmlDeviceGetVgpuProcessUtilization", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        gpu.vgpu_process_utilization(0));
    unmodeled!(s, "nvmlDeviceGetVgpuProcessesUtilizationInfo", NVML_ERROR_UNKNOWN => NvmlError::Unknown,
        gpu.vgpu_processes_utilization(0));
}

#[test]
fn no_samples_since_the_timestamp_is_an_empty_list() {
    // NOT_FOUND from the utilisation queries means "nothing newer than last_seen".
    let m = common::mock();
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
    let m = common::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = some_type(&m.nvml);
    let s = &m.staged;
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetClass", NVML_ERROR_INSUFFICIENT_SIZE => NvmlError::InsufficientSize,
        t.class());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetName", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.name());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetGpuInstanceProfileId", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.gpu_instance_profile_id());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetDeviceID", NVML_ERROR_UNKNOWN => NvmlError::Unknown,
        t.pci_ids());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetFramebufferSize", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.framebuffer_size());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetNumDisplayHeads", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.num_display_heads());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetResolution", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.resolution(0));
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetLicense", NVML_ERROR_INSUFFICIENT_SIZE => NvmlError::InsufficientSize,
        t.license());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetFrameRateLimit", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.frame_rate_limit());
    unmodeled!(s, "nvmlVgpuTypeGetMaxInstances", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.max_instances(&gpu));
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetMaxInstancesPerVm", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.max_instances_per_vm());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetMaxInstancesPerGpuInstance", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch,
        t.max_instances_per_gpu_instance());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetBAR1Info", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch,
        t.bar1_size_mib());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetCapabilities", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.capability(VgpuCapability::ExclusiveSize));
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetGspHeapSize", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.gsp_heap_size());
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuTypeGetFbReservation", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        t.fb_reservation());
}

#[test]
fn vgpu_instance_identity_queries() {
    let m = common::mock();
    let v = m.nvml.vgpu_instance(1);
    let s = &m.staged;
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetVmID", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.vm_id());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetUUID", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.uuid());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetVmDriverVersion", NVML_ERROR_INSUFFICIENT_SIZE => NvmlError::InsufficientSize,
        v.vm_driver_version());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetFbUsage", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.fb_usage());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetType", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.vgpu_type());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetFrameRateLimit", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        v.frame_rate_limit());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetEccMode", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.ecc_mode());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetGpuInstanceId", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.gpu_instance_id());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetGpuPciId", NVML_ERROR_DRIVER_NOT_LOADED => NvmlError::DriverNotLoaded,
        v.gpu_pci_id());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetMdevUUID", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.mdev_uuid());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetPlacementId", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch,
        v.placement_id());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetRuntimeStateSize", NVML_ERROR_ARGUMENT_VERSION_MISMATCH => NvmlError::ArgumentVersionMismatch,
        v.runtime_state_size());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetMetadata", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.metadata());
    assert_eq!(
        m.nvml.chosen_symbol("nvmlVgpuInstanceGetLicenseInfo"),
        Some("nvmlVgpuInstanceGetLicenseInfo_v2")
    );
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetLicenseInfo_v2", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.license_info());
}

#[test]
fn vgpu_instance_encoder_and_capture() {
    let m = common::mock();
    m.staged.set_root(true).unwrap();
    let v = m.nvml.vgpu_instance(2);
    let s = &m.staged;
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetEncoderCapacity", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.encoder_capacity());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceSetEncoderCapacity", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        v.set_encoder_capacity(50));
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetEncoderStats", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.encoder_stats());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetEncoderSessions", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        v.encoder_sessions());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetFBCStats", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.fbc_stats());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetFBCSessions", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        v.fbc_sessions());
}

#[test]
fn vgpu_instance_accounting() {
    let m = common::mock();
    m.staged.set_root(true).unwrap();
    let v = m.nvml.vgpu_instance(2);
    let s = &m.staged;
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetAccountingMode", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.accounting_mode());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetAccountingPids", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        v.accounting_pids());
    answers!(s, NvmlError::NotFound, "nvmlVgpuInstanceGetAccountingStats", NVML_ERROR_GPU_IS_LOST => NvmlError::GpuLost,
        v.accounting_stats(4242));
    answers!(s, NvmlError::InvalidArgument, "nvmlVgpuInstanceClearAccountingPids", NVML_ERROR_NO_PERMISSION => NvmlError::NoPermission,
        v.clear_accounting_pids());
}

#[test]
fn driver_wide_vgpu_queries() {
    let m = common::mock();
    m.staged.set_root(true).unwrap();
    let s = &m.staged;
    let nvml = &m.nvml;
    unmodeled!(s, "nvmlGetVgpuDriverCapabilities", NVML_ERROR_INVALID_ARGUMENT => NvmlError::InvalidArgument,
        nvml.vgpu_driver_capability(VgpuDriverCapability::WarmUpdate));
    unmodeled!(s, "nvmlGetVgpuVersion", NVML_ERROR_UNKNOWN => NvmlError::Unknown,
        nvml.vgpu_version());
    unmodeled!(s, "nvmlSetVgpuVersion", NVML_ERROR_IN_USE => NvmlError::InUse,
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
        Err(NvmlError::InvalidArgument)
    ));
}

#[test]
fn a_470_driver_lacks_the_newer_vgpu_functions() {
    let m = common::mock_legacy_470();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = some_type(&m.nvml);
    let v = m.nvml.vgpu_instance(1);
    // 470 has the classic queries...
    assert!(matches!(
        gpu.supported_vgpus(),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(t.name(), Err(NvmlError::InvalidArgument)));
    assert!(matches!(
        gpu.grid_licensable_features(),
        Err(NvmlError::NotSupported)
    ));
    // ... not the newer ones.
    assert!(matches!(
        gpu.vgpu_heterogeneous_mode(),
        Err(NvmlError::FunctionNotFound(
            "nvmlDeviceGetVgpuHeterogeneousMode"
        ))
    ));
    assert!(matches!(
        t.bar1_size_mib(),
        Err(NvmlError::FunctionNotFound("nvmlVgpuTypeGetBAR1Info"))
    ));
    assert!(matches!(
        v.placement_id(),
        Err(NvmlError::FunctionNotFound(
            "nvmlVgpuInstanceGetPlacementId"
        ))
    ));
    assert_eq!(m.nvml.chosen_symbol("nvmlVgpuInstanceGetLicenseInfo"), None);
    assert!(matches!(
        v.license_info(),
        Err(NvmlError::FunctionNotFound(
            "nvmlVgpuInstanceGetLicenseInfo"
        ))
    ));
    // ... but the licensed flag still comes from the deprecated query 470 has.
    assert!(matches!(v.is_licensed(), Err(NvmlError::NotFound)));
    m.staged
        .set_fault(
            "nvmlVgpuInstanceGetLicenseStatus",
            sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    assert!(matches!(v.is_licensed(), Err(NvmlError::GpuLost)));
    // No scheduler at all: the graphics engine falls to the legacy name, the others name `_v2`.
    assert!(matches!(
        gpu.vgpu_scheduler_state(VgpuSchedulerEngine::Graphics),
        Err(NvmlError::FunctionNotFound(
            "nvmlDeviceGetVgpuSchedulerState"
        ))
    ));
    assert!(matches!(
        gpu.vgpu_scheduler_log(VgpuSchedulerEngine::Nvenc1),
        Err(NvmlError::FunctionNotFound(
            "nvmlDeviceGetVgpuSchedulerLog_v2"
        ))
    ));
    let settings = VgpuSchedulerSettings {
        engine: VgpuSchedulerEngine::Graphics,
        policy: VgpuSchedulerPolicy::BestEffort,
        avg_factor: 0,
        frequency: 0,
    };
    assert!(matches!(
        gpu.set_vgpu_scheduler_state(&settings),
        Err(NvmlError::FunctionNotFound(
            "nvmlDeviceSetVgpuSchedulerState"
        ))
    ));
}

#[test]
fn a_virtualization_mode_newer_than_the_header_is_an_error() {
    let m = common::mock();
    m.staged
        .set_hostile(nvml_mock::HostileModes {
            future_enums: true,
            ..Default::default()
        })
        .unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        gpu.virtualization_mode(),
        Err(NvmlError::UnexpectedValue {
            what: "GpuVirtualizationMode",
            value: 42
        })
    ));
}
