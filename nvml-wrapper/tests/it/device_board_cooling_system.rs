//! The board and its firmware, cooling, JPEG and OFA engine utilization, system queries and
//! confidential computing, against the simulated machines.
//!
//! Where the mock models a function, the profile's values are asserted; where it answers
//! `NVML_ERROR_NOT_SUPPORTED` (as hardware without the feature does), that is asserted, and a
//! fault injected into the same C function shows its code reaches the caller as its variant.

use nvml_mock::profile;
use nvml_wrapper::conf_compute::{
    CcEnvironment, CcFeature, CcGpusCapability, CcMultiGpuMode, CcTdispState,
    ConfComputeCapabilities, CpuCcCapability,
};
use nvml_wrapper::device::GspFirmwareMode;
use nvml_wrapper::enums::{BusType, FanControlPolicy};
use nvml_wrapper::nvml::DeviceUuid;
use nvml_wrapper::system::CperTypes;
use nvml_wrapper::{NvmlError, Result, sys};

/// A query the mock does not model: `NOT_SUPPORTED`, and a fault injected into `function`
/// comes back as its variant (`GPU_IS_LOST` -> `GpuLost`), then the fault is cleared.
fn unmodeled<T: std::fmt::Debug>(
    m: &crate::support::Mock,
    function: &str,
    call: impl Fn() -> Result<T>,
) {
    let got = call();
    assert!(
        matches!(got, Err(NvmlError::NotSupported(_))),
        "{function}: expected NotSupported, got {got:?}"
    );
    m.staged
        .set_fault(function, sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    let got = call();
    assert!(
        matches!(got, Err(NvmlError::GpuLost(_))),
        "{function}: expected GpuLost, got {got:?}"
    );
    m.staged.clear_fault(function).unwrap();
}

/// A query the mock models: a fault injected into `function` still reaches the caller.
fn fault_maps<T: std::fmt::Debug>(
    m: &crate::support::Mock,
    function: &str,
    call: impl Fn() -> Result<T>,
) {
    m.staged
        .set_fault(function, sys::NVML_ERROR_UNKNOWN)
        .unwrap();
    let got = call();
    assert!(
        matches!(got, Err(NvmlError::Unknown(_))),
        "{function}: expected Unknown, got {got:?}"
    );
    m.staged.clear_fault(function).unwrap();
}

// ---- System ----

#[test]
fn driver_branch_is_the_drivers_major_version() -> Result<()> {
    let m = crate::support::mock();
    assert_eq!(m.nvml.driver_branch()?, "r580_00");
    fault_maps(&m, "nvmlSystemGetDriverBranch", || m.nvml.driver_branch());
    Ok(())
}

#[test]
fn a_dgx_has_no_host_interface_cards() -> Result<()> {
    let m = crate::support::mock();
    assert!(m.nvml.hic_version()?.is_empty());
    fault_maps(&m, "nvmlSystemGetHicVersion", || m.nvml.hic_version());
    Ok(())
}

#[test]
fn cper_records_are_not_supported_on_the_mock() {
    let m = crate::support::mock();
    unmodeled(&m, "nvmlSystemGetCPER_v1", || {
        m.nvml.cper_records(CperTypes::GPU, None)
    });
    let uuid = "G".repeat(80);
    assert!(matches!(
        m.nvml.cper_records(CperTypes::GPU, Some(&uuid)),
        Err(NvmlError::InvalidInput(_))
    ));
}

#[test]
fn devices_are_found_by_versioned_uuid() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m
            .nvml
            .device_by_uuid_value(&DeviceUuid::Ascii(spec.uuid.clone()))?;
        assert_eq!(gpu.index()?, index as u32);
    }
    let unknown = DeviceUuid::Ascii("GPU-00000000-0000-0000-0000-000000000000".into());
    assert!(matches!(
        m.nvml.device_by_uuid_value(&unknown),
        Err(NvmlError::NotFound(_))
    ));
    // The mock knows only the text form; the binary form reaches it and is refused.
    assert!(matches!(
        m.nvml.device_by_uuid_value(&DeviceUuid::Binary([0; 16])),
        Err(NvmlError::InvalidArgument(_))
    ));
    let too_long = DeviceUuid::Ascii(format!("{}-extra", p.gpus[0].uuid));
    assert!(matches!(
        m.nvml.device_by_uuid_value(&too_long),
        Err(NvmlError::InvalidInput(_))
    ));
    fault_maps(&m, "nvmlDeviceGetHandleByUUIDV", || {
        m.nvml
            .device_by_uuid_value(&DeviceUuid::Ascii(p.gpus[0].uuid.clone()))
    });
    Ok(())
}

// ---- Board ----

#[test]
fn board_values_are_the_profiles() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        assert_eq!(gpu.num_gpu_cores()?, spec.cuda_cores);
        // SXM modules are numbered from 1 on the baseboard.
        assert_eq!(gpu.module_id()?, index as u32 + 1);
        assert_eq!(gpu.irq_num()?, 200 + index as u32);
        assert_eq!(
            gpu.gsp_firmware_mode()?,
            GspFirmwareMode {
                enabled: true,
                default_enabled: true
            }
        );
        assert_eq!(gpu.gsp_firmware_version()?, p.driver_version);
        let fnv = spec.inforom_image.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
        });
        assert_eq!(gpu.inforom_configuration_checksum()?, fnv);
        gpu.validate_inforom()?;
    }
    let gpu = m.nvml.device_by_index(0)?;
    fault_maps(&m, "nvmlDeviceGetNumGpuCores", || gpu.num_gpu_cores());
    fault_maps(&m, "nvmlDeviceGetModuleId", || gpu.module_id());
    fault_maps(&m, "nvmlDeviceGetIrqNum", || gpu.irq_num());
    fault_maps(&m, "nvmlDeviceGetGspFirmwareMode", || {
        gpu.gsp_firmware_mode()
    });
    fault_maps(&m, "nvmlDeviceGetGspFirmwareVersion", || {
        gpu.gsp_firmware_version()
    });
    fault_maps(&m, "nvmlDeviceGetInforomConfigurationChecksum", || {
        gpu.inforom_configuration_checksum()
    });
    m.staged
        .set_fault(
            "nvmlDeviceValidateInforom",
            sys::NVML_ERROR_CORRUPTED_INFOROM,
        )
        .unwrap();
    assert!(matches!(
        gpu.validate_inforom(),
        Err(NvmlError::CorruptedInforom(_))
    ));
    Ok(())
}

#[test]
fn a_pcie_card_is_module_zero() -> Result<()> {
    let m = crate::support::mock_with_profile("workstation");
    assert_eq!(m.nvml.device_by_index(0)?.module_id()?, 0);
    Ok(())
}

#[test]
fn gpus_are_on_their_own_boards() -> Result<()> {
    let m = crate::support::mock();
    let (a, b) = (m.nvml.device_by_index(0)?, m.nvml.device_by_index(1)?);
    assert!(a.is_on_same_board(&a)?);
    assert!(!a.is_on_same_board(&b)?);
    fault_maps(&m, "nvmlDeviceOnSameBoard", || a.is_on_same_board(&b));
    Ok(())
}

#[test]
fn unmodeled_board_queries_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    unmodeled(&m, "nvmlDeviceGetBridgeChipInfo", || gpu.bridge_chip_info());
    unmodeled(&m, "nvmlDeviceGetPlatformInfo", || gpu.platform_info());
    unmodeled(&m, "nvmlDeviceGetHostname_v1", || gpu.hostname());
    // No extended GPU memory (a real H100: `capabilities/egm` disabled).
    assert!(gpu.capabilities()?.is_empty());
    fault_maps(&m, "nvmlDeviceGetCapabilities", || gpu.capabilities());
    unmodeled(&m, "nvmlDeviceGetBBXTimeData_v1", || gpu.bbx_time_run());
    unmodeled(&m, "nvmlDeviceGetLastBBXFlushTime", || {
        gpu.last_bbx_flush_time()
    });
    Ok(())
}

#[test]
fn unmodeled_board_setters_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0)?;
    unmodeled(&m, "nvmlDeviceSetHostname_v1", || {
        gpu.set_hostname("node-17")
    });
    // Checked before any call.
    assert!(matches!(
        gpu.set_hostname(&"h".repeat(64)),
        Err(NvmlError::InvalidInput(_))
    ));
    assert!(matches!(
        gpu.set_hostname("a\0b"),
        Err(NvmlError::InvalidInput(_))
    ));
    Ok(())
}

// ---- Cooling ----

#[test]
fn fans_of_a_workstation_card_are_the_profiles() -> Result<()> {
    let m = crate::support::mock_with_profile("workstation");
    let p = profile::builtin("workstation").unwrap();
    let gpu = m.nvml.device_by_index(0)?;
    for (fan, speed) in p.gpus[0].fans.iter().enumerate() {
        assert_eq!(gpu.target_fan_speed(fan as u32)?, *speed);
    }
    let past = p.gpus[0].fans.len() as u32;
    assert!(matches!(
        gpu.target_fan_speed(past),
        Err(NvmlError::InvalidArgument(_))
    ));
    let range = gpu.min_max_fan_speed()?;
    assert_eq!((range.min, range.max), (30, 100));
    // The driver drives every fan by temperature; a fan past the last is an invalid argument.
    for fan in 0..past {
        assert_eq!(
            gpu.fan_control_policy(fan)?,
            FanControlPolicy::TemperatureContinuousSw
        );
    }
    assert!(matches!(
        gpu.fan_control_policy(past),
        Err(NvmlError::InvalidArgument(_))
    ));
    fault_maps(&m, "nvmlDeviceGetFanControlPolicy_v2", || {
        gpu.fan_control_policy(0)
    });
    fault_maps(&m, "nvmlDeviceGetTargetFanSpeed", || {
        gpu.target_fan_speed(0)
    });
    fault_maps(&m, "nvmlDeviceGetMinMaxFanSpeed", || {
        gpu.min_max_fan_speed()
    });
    Ok(())
}

#[test]
fn passively_cooled_gpus_have_no_fan_speeds() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    assert!(matches!(
        gpu.target_fan_speed(0),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.min_max_fan_speed(),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn unmodeled_cooling_queries_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    unmodeled(&m, "nvmlDeviceGetFanSpeedRPM", || gpu.fan_speed_rpm(0));
    assert!(matches!(
        gpu.fan_control_policy(0),
        Err(NvmlError::NotSupported(_))
    ));
    unmodeled(&m, "nvmlDeviceGetCoolerInfo", || gpu.cooler_info(0));
    unmodeled(&m, "nvmlDeviceGetThermalSettings", || {
        gpu.thermal_settings(sys::NVML_THERMAL_TARGET_ALL as u32)
    });
    Ok(())
}

// ---- More utilization ----

#[test]
fn jpeg_and_ofa_engines_are_idle() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    for sample in [gpu.jpg_utilization()?, gpu.ofa_utilization()?] {
        assert_eq!(sample.value, 0);
        assert_eq!(sample.sampling_period_us, 167_000);
    }
    fault_maps(&m, "nvmlDeviceGetJpgUtilization", || gpu.jpg_utilization());
    fault_maps(&m, "nvmlDeviceGetOfaUtilization", || gpu.ofa_utilization());
    Ok(())
}

#[test]
fn unmodeled_utilization_queries_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    unmodeled(&m, "nvmlDeviceGetProcessesUtilizationInfo", || {
        gpu.processes_utilization_info(0)
    });
    // NOT_FOUND: no samples newer than the timestamp.
    m.staged
        .set_fault(
            "nvmlDeviceGetProcessesUtilizationInfo",
            sys::NVML_ERROR_NOT_FOUND,
        )
        .unwrap();
    assert!(gpu.processes_utilization_info(0)?.is_empty());
    m.staged
        .clear_fault("nvmlDeviceGetProcessesUtilizationInfo")
        .unwrap();
    unmodeled(&m, "nvmlDevicePerfMetricsGetSamples_v1", || {
        gpu.perf_metrics_samples()
    });
    Ok(())
}

// ---- Confidential computing ----

#[test]
fn confidential_computing_is_not_supported_on_the_mock() -> Result<()> {
    let m = crate::support::mock();
    let n = &m.nvml;
    unmodeled(&m, "nvmlSystemGetConfComputeCapabilities", || {
        n.conf_compute_capabilities()
    });
    unmodeled(&m, "nvmlSystemGetConfComputeState", || {
        n.conf_compute_state()
    });
    unmodeled(&m, "nvmlSystemGetConfComputeSettings_v2", || {
        n.conf_compute_settings()
    });
    unmodeled(&m, "nvmlSystemGetConfComputeGpusReadyState", || {
        n.conf_compute_gpus_ready()
    });
    unmodeled(
        &m,
        "nvmlSystemGetConfComputeKeyRotationThresholdInfo",
        || n.conf_compute_key_rotation_threshold(),
    );
    let gpu = n.device_by_index(0)?;
    // A Hopper GPU with CC off has no protected memory: 0 of 0 (a real H100).
    let protected = gpu.conf_compute_protected_memory_usage()?;
    assert_eq!((protected.total, protected.used, protected.free), (0, 0, 0));
    fault_maps(&m, "nvmlDeviceGetConfComputeProtectedMemoryUsage", || {
        gpu.conf_compute_protected_memory_usage()
    });
    unmodeled(&m, "nvmlDeviceGetConfComputeGpuCertificate", || {
        gpu.conf_compute_gpu_certificate()
    });
    unmodeled(&m, "nvmlDeviceGetConfComputeGpuAttestationReport", || {
        gpu.conf_compute_gpu_attestation_report([7; 32])
    });
    Ok(())
}

#[test]
fn confidential_computing_setters_are_not_supported_on_the_mock() -> Result<()> {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let n = &m.nvml;
    unmodeled(&m, "nvmlSystemSetConfComputeGpusReadyState", || {
        n.set_conf_compute_gpus_ready(true)
    });
    unmodeled(
        &m,
        "nvmlSystemSetConfComputeKeyRotationThresholdInfo",
        || n.set_conf_compute_key_rotation_threshold(60),
    );
    let gpu = n.device_by_index(0)?;
    unmodeled(&m, "nvmlDeviceSetConfComputeUnprotectedMemSize", || {
        gpu.set_conf_compute_unprotected_mem_size(1 << 20)
    });
    Ok(())
}

#[test]
fn conf_compute_types_compare_by_value() {
    let caps = ConfComputeCapabilities {
        cpu: CpuCcCapability::AmdSevSnp,
        gpus: CcGpusCapability::Capable,
    };
    assert_eq!(caps, caps.clone());
    assert_eq!(
        CpuCcCapability::try_from(sys::NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX).unwrap(),
        CpuCcCapability::IntelTdx
    );
    assert_eq!(
        CpuCcCapability::try_from(99).unwrap(),
        CpuCcCapability::Other(99)
    );
}

// ---- Hostile data ----

#[test]
fn hostile_data_never_reads_past_buffers_or_trusts_unknown_values() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    m.staged
        .set_hostile(nvml_mock::HostileModes {
            unterminated_strings: true,
            future_enums: true,
            oversized_counts: true,
        })
        .unwrap();
    // No NUL: the whole 64-byte buffer, not a byte more.
    let version = gpu.gsp_firmware_version()?;
    assert_eq!(
        version.len(),
        sys::NVML_GSP_FIRMWARE_VERSION_BUF_SIZE as usize
    );
    assert!(version.starts_with("580.65.06"));
    // A bus type newer than the header is kept as it is, not guessed and not an error.
    assert_eq!(gpu.bus_type()?, BusType::Other(0x42));
    // A count past the buffer is clamped to the buffer: at most the entries offered.
    assert!(m.nvml.hic_version()?.len() <= 8);
    Ok(())
}

/// Every GPU has its own Per Device Identifier, stable across calls (as `nvidia-smi -q`'s
/// "PDI" on the real captures: one per GPU).
#[test]
fn every_gpu_has_its_own_pdi() {
    let m = crate::support::mock();
    let n = &m.nvml;
    let mut seen = std::collections::BTreeSet::new();
    for index in 0..n.device_count().unwrap() {
        let gpu = n.device_by_index(index).unwrap();
        let pdi = gpu.pdi().unwrap();
        assert_ne!(pdi, 0);
        assert_eq!(gpu.pdi().unwrap(), pdi);
        assert!(seen.insert(pdi), "GPU {index}: PDI {pdi:#x} repeated");
    }
}

/// In the confidential VM (`h100-cc`) the memory splits into 256 MiB unprotected and the rest
/// protected; setting the unprotected size (root) moves the split. Without CC: not supported.
#[test]
fn confidential_computing_memory_sizes_follow_the_unprotected_size() {
    let m = crate::support::mock_with_profile("h100-cc");
    let gpu = m.nvml.device_by_index(0).unwrap();
    let total_kib = gpu.memory_info().unwrap().total / 1024;
    let sizes = gpu.conf_compute_mem_size_info().unwrap();
    assert_eq!(sizes.unprotected_kib, 256 * 1024);
    assert_eq!(sizes.protected_kib, total_kib - 256 * 1024);
    assert_eq!(
        gpu.conf_compute_protected_memory_usage().unwrap().total,
        sizes.protected_kib * 1024
    );
    m.staged.set_root(true).unwrap();
    gpu.set_conf_compute_unprotected_mem_size(1024 * 1024)
        .unwrap();
    let sizes = gpu.conf_compute_mem_size_info().unwrap();
    assert_eq!(
        (sizes.protected_kib, sizes.unprotected_kib),
        (total_kib - 1024 * 1024, 1024 * 1024)
    );

    let bare = crate::support::mock();
    assert!(matches!(
        bare.nvml
            .device_by_index(0)
            .unwrap()
            .conf_compute_mem_size_info(),
        Err(nvml_wrapper::NvmlError::NotSupported(_))
    ));
}

/// The confidential VM (`h100-cc`: AMD SEV-SNP, production, CC on, no multi-GPU mode) through
/// `nvmlSystemGetConfComputeSettings_v2`: no TDI (the CPU has no TDISP technology); a driver
/// without `_v2` answers through the plain function, without the TDISP state.
#[test]
fn confidential_computing_settings_v2_report_the_tdisp_state() {
    let m = crate::support::mock_with_profile("h100-cc");
    let n = &m.nvml;
    assert_eq!(
        n.chosen_symbol("nvmlSystemGetConfComputeSettings"),
        Some("nvmlSystemGetConfComputeSettings_v2")
    );
    let settings = n.conf_compute_settings().unwrap();
    assert_eq!(settings.environment, CcEnvironment::Production);
    assert_eq!(settings.cc_enabled, CcFeature::Enabled);
    assert!(!settings.dev_tools_mode);
    assert_eq!(settings.multi_gpu_mode, CcMultiGpuMode::None);
    assert_eq!(settings.tdisp_state, Some(CcTdispState::Disabled));
    let state = n.conf_compute_state().unwrap();
    assert_eq!(state.cc_enabled, settings.cc_enabled);
    assert_eq!(
        n.conf_compute_capabilities().unwrap(),
        ConfComputeCapabilities {
            cpu: CpuCcCapability::AmdSevSnp,
            gpus: CcGpusCapability::Capable,
        }
    );

    let staged = nvml_mock::Staged::hiding(&["nvmlSystemGetConfComputeSettings_v2"]).unwrap();
    staged.set_profile("h100-cc").unwrap();
    let old = nvml_wrapper::Nvml::builder()
        .library_path(staged.path())
        .init()
        .unwrap();
    assert_eq!(
        old.chosen_symbol("nvmlSystemGetConfComputeSettings"),
        Some("nvmlSystemGetConfComputeSettings")
    );
    let v1 = old.conf_compute_settings().unwrap();
    assert_eq!(v1.tdisp_state, None);
    assert_eq!(
        (v1.environment, v1.cc_enabled, v1.multi_gpu_mode),
        (
            settings.environment,
            settings.cc_enabled,
            settings.multi_gpu_mode
        )
    );
}

/// Every CC answer one past the header's largest value (the mock's future-enum mode): each
/// call still succeeds, and keeps the value it cannot name.
#[test]
fn confidential_computing_values_newer_than_the_header_are_kept() {
    let m = crate::support::mock_with_profile("h100-cc");
    let n = &m.nvml;
    m.staged
        .set_hostile(nvml_mock::HostileModes {
            future_enums: true,
            ..Default::default()
        })
        .unwrap();
    let caps = n.conf_compute_capabilities().unwrap();
    assert_eq!(
        caps.cpu,
        CpuCcCapability::Other(sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_TIO + 1)
    );
    assert_eq!(
        caps.gpus,
        CcGpusCapability::Other(sys::NVML_CC_SYSTEM_GPUS_CC_BMSAI_CAPABLE + 1)
    );
    let settings = n.conf_compute_settings().unwrap();
    assert_eq!(
        settings.environment,
        CcEnvironment::Other(sys::NVML_CC_SYSTEM_ENVIRONMENT_PROD + 1)
    );
    assert_eq!(
        settings.cc_enabled,
        CcFeature::Other(sys::NVML_CC_SYSTEM_FEATURE_BMSAI_ENABLED + 1)
    );
    // The dev tools mode is a 0/1 flag in the header: any other value is on.
    assert!(settings.dev_tools_mode);
    assert_eq!(
        settings.multi_gpu_mode,
        CcMultiGpuMode::Other(sys::NVML_CC_SYSTEM_MULTIGPU_NVLE + 1)
    );
    assert_eq!(
        settings.tdisp_state,
        Some(CcTdispState::Other(
            sys::NVML_CC_SYSTEM_TDISP_STATE_READY + 1
        ))
    );
    let state = n.conf_compute_state().unwrap();
    assert_eq!(state.cc_enabled, settings.cc_enabled);
    assert_eq!(state.environment, settings.environment);
    // The raw value comes back unchanged.
    assert_eq!(
        settings.cc_enabled.as_raw(),
        sys::NVML_CC_SYSTEM_FEATURE_BMSAI_ENABLED + 1
    );
}

/// GPU uptime: the time the profile's energy counter took at its power draw, plus the time
/// the machine has run (here a virtual clock moved by 90 s); each GPU its own.
#[test]
fn gpu_uptime_grows_with_the_machine_clock() {
    let m = crate::support::mock();
    let spec = &profile::builtin("dgx-h100").unwrap().gpus[0];
    let before_load = spec.energy_base_mj / u64::from(spec.power_usage_mw);
    m.staged.set_virtual_clock(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t0 = gpu.gpu_uptime().unwrap().as_secs();
    assert!(
        (before_load..before_load + 600).contains(&t0),
        "{t0} s, {before_load} s before the mock's load"
    );
    m.staged
        .advance_clock(std::time::Duration::from_secs(90))
        .unwrap();
    assert_eq!(gpu.gpu_uptime().unwrap().as_secs(), t0 + 90);
    let other = &profile::builtin("dgx-h100").unwrap().gpus[1];
    let other_before = other.energy_base_mj / u64::from(other.power_usage_mw);
    assert_eq!(
        m.nvml
            .device_by_index(1)
            .unwrap()
            .gpu_uptime()
            .unwrap()
            .as_secs(),
        other_before + (t0 - before_load) + 90
    );
    fault_maps(&m, "nvmlDeviceGetGpuUptime_v1", || gpu.gpu_uptime());
}
