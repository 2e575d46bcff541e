//! Device commands (setters) against the simulated machines: the modeled ones (application
//! clocks, ECC) need root and change what getters return; the others answer as hardware
//! without the feature does.

use crate::support::unmodeled::not_supported_then_fault;
use nvml_mock::profile;
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::commands::RusdPollMask;
use nvml_wrapper::enums::{
    ClockType, DriverModel, EccCounterType, FanControlPolicy, GpuOperationMode, MemoryErrorType,
    RestrictedApi, TemperatureThreshold,
};

#[test]
fn application_clocks_need_root_then_show_in_the_getters_and_reset_to_the_defaults() {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    let spec = &p.gpus[1];
    let gpu = m.nvml.device_by_index(1).unwrap();

    let mem = gpu.supported_memory_clocks().unwrap()[0];
    let graphics = *gpu
        .supported_graphics_clocks(mem)
        .unwrap()
        .iter()
        .find(|mhz| **mhz != spec.default_app_graphics)
        .expect("a graphics clock other than the default");

    assert!(matches!(
        gpu.set_applications_clocks(mem, graphics),
        Err(NvmlError::NoPermission(_))
    ));
    assert!(matches!(
        gpu.reset_applications_clocks(),
        Err(NvmlError::NoPermission(_))
    ));
    assert_eq!(
        gpu.applications_clock(ClockType::Graphics).unwrap(),
        spec.default_app_graphics
    );

    m.staged.set_root(true).unwrap();
    gpu.set_applications_clocks(mem, graphics).unwrap();
    assert_eq!(
        gpu.applications_clock(ClockType::Graphics).unwrap(),
        graphics
    );
    assert_eq!(gpu.applications_clock(ClockType::Memory).unwrap(), mem);
    // Another GPU is untouched.
    assert_eq!(
        m.nvml
            .device_by_index(0)
            .unwrap()
            .applications_clock(ClockType::Graphics)
            .unwrap(),
        p.gpus[0].default_app_graphics
    );
    // A pair the device does not support.
    assert!(matches!(
        gpu.set_applications_clocks(mem, 1),
        Err(NvmlError::InvalidArgument(_))
    ));

    gpu.reset_applications_clocks().unwrap();
    assert_eq!(
        gpu.applications_clock(ClockType::Graphics).unwrap(),
        spec.default_app_graphics
    );
    assert_eq!(
        gpu.applications_clock(ClockType::Memory).unwrap(),
        spec.default_app_mem
    );
}

#[test]
fn ecc_mode_change_is_pending_and_needs_root() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let before = gpu.ecc_mode().unwrap();
    assert!(before.current && before.pending);

    assert!(matches!(
        gpu.set_ecc_mode(false),
        Err(NvmlError::NoPermission(_))
    ));
    assert!(gpu.ecc_mode().unwrap().pending);

    m.staged.set_root(true).unwrap();
    gpu.set_ecc_mode(false).unwrap();
    let after = gpu.ecc_mode().unwrap();
    assert!(
        after.current,
        "the current mode changes only after a reboot"
    );
    assert!(!after.pending);
    gpu.set_ecc_mode(true).unwrap();
    assert!(gpu.ecc_mode().unwrap().pending);

    // The workstation's GeForce has no ECC.
    let ws = crate::support::mock_with_profile("workstation");
    ws.staged.set_root(true).unwrap();
    assert!(matches!(
        ws.nvml.device_by_index(0).unwrap().set_ecc_mode(true),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn clearing_volatile_ecc_counts_zeroes_them_and_needs_root() {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    // GPU 5 of the profile has a few corrected errors.
    let gpu = m.nvml.device_by_index(5).unwrap();
    let corrected = || {
        gpu.total_ecc_errors(MemoryErrorType::Corrected, EccCounterType::Volatile)
            .unwrap()
    };
    assert_eq!(corrected(), p.gpus[5].ecc_corrected_volatile);
    assert!(corrected() > 0);

    assert!(matches!(
        gpu.clear_ecc_error_counts(EccCounterType::Volatile),
        Err(NvmlError::NoPermission(_))
    ));
    assert_eq!(corrected(), p.gpus[5].ecc_corrected_volatile);

    m.staged.set_root(true).unwrap();
    gpu.clear_ecc_error_counts(EccCounterType::Volatile)
        .unwrap();
    assert_eq!(corrected(), 0);
    // Aggregate (lifetime) counts are kept.
    gpu.clear_ecc_error_counts(EccCounterType::Aggregate)
        .unwrap();
    assert!(
        gpu.total_ecc_errors(MemoryErrorType::Corrected, EccCounterType::Aggregate)
            .unwrap()
            >= p.gpus[5].ecc_corrected_volatile
    );
}

#[test]
fn unmodeled_setters_answer_not_supported_and_reach_their_c_function() {
    let m = crate::support::mock();
    // Root, so that NOT_SUPPORTED is about the feature, not the permission.
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let s = &m.staged;

    not_supported_then_fault(s, "nvmlDeviceSetGpuLockedClocks", || {
        gpu.set_gpu_locked_clocks(1000, 1980)
    });
    not_supported_then_fault(s, "nvmlDeviceResetGpuLockedClocks", || {
        gpu.reset_gpu_locked_clocks()
    });
    not_supported_then_fault(s, "nvmlDeviceSetMemoryLockedClocks", || {
        gpu.set_memory_locked_clocks(1593, 2619)
    });
    not_supported_then_fault(s, "nvmlDeviceResetMemoryLockedClocks", || {
        gpu.reset_memory_locked_clocks()
    });
    not_supported_then_fault(s, "nvmlDeviceSetAutoBoostedClocksEnabled", || {
        gpu.set_auto_boosted_clocks_enabled(false)
    });
    not_supported_then_fault(s, "nvmlDeviceSetDefaultAutoBoostedClocksEnabled", || {
        gpu.set_default_auto_boosted_clocks_enabled(false)
    });
    not_supported_then_fault(s, "nvmlDeviceSetAPIRestriction", || {
        gpu.set_api_restriction(RestrictedApi::SetApplicationClocks, false)
    });
    not_supported_then_fault(s, "nvmlDeviceSetGpcClkVfOffset", || {
        gpu.set_gpc_clock_vf_offset(-100)
    });
    not_supported_then_fault(s, "nvmlDeviceSetMemClkVfOffset", || {
        gpu.set_memory_clock_vf_offset(200)
    });
    not_supported_then_fault(s, "nvmlDeviceSetGpuOperationMode", || {
        gpu.set_gpu_operation_mode(GpuOperationMode::Compute)
    });
    not_supported_then_fault(s, "nvmlDeviceSetDriverModel", || {
        gpu.set_driver_model(DriverModel::Wdm, true)
    });
    not_supported_then_fault(s, "nvmlDeviceSetTemperatureThreshold", || {
        gpu.set_temperature_threshold(TemperatureThreshold::AcousticCurrent, 80)
    });
    not_supported_then_fault(s, "nvmlDeviceSetRusdSettings_v1", || {
        gpu.set_rusd_settings(RusdPollMask::CLOCK | RusdPollMask::POWER)
    });
}

#[test]
fn fan_setters_answer_not_supported_and_reach_their_c_function() {
    // The workstation's RTX 4090 has fans.
    let m = crate::support::mock_with_profile("workstation");
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let s = &m.staged;
    not_supported_then_fault(s, "nvmlDeviceSetFanSpeed_v2", || gpu.set_fan_speed(0, 60));
    not_supported_then_fault(s, "nvmlDeviceSetDefaultFanSpeed_v2", || {
        gpu.set_default_fan_speed(0)
    });
    not_supported_then_fault(s, "nvmlDeviceSetFanControlPolicy", || {
        gpu.set_fan_control_policy(0, FanControlPolicy::Manual)
    });
}

#[test]
fn rusd_poll_mask_keeps_the_header_bits_and_unknown_ones() {
    let named = RusdPollMask::from_bits_retain(0xff)
        .iter_names()
        .map(|(_, flag)| flag.bits())
        .fold(0, |acc, bit| acc | bit);
    assert_eq!(named, 0xff, "the eight NVML_RUSD_POLL_* bits, named");
    assert_eq!(RusdPollMask::from_bits_retain(1 << 40).bits(), 1 << 40);
    assert_eq!(RusdPollMask::FAN.bits(), 64);
}

#[test]
fn power_limit_needs_root_then_is_what_the_getters_report() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(2).unwrap();
    let range = gpu.power_management_limit_constraints().unwrap();
    let before = gpu.power_management_limit().unwrap();
    assert!(matches!(
        gpu.set_power_management_limit(range.min),
        Err(NvmlError::NoPermission(_))
    ));
    assert_eq!(gpu.power_management_limit().unwrap(), before);

    m.staged.set_root(true).unwrap();
    // `nvidia-smi -pl 500` on an H100 SXM (200..700 W).
    gpu.set_power_management_limit(500_000).unwrap();
    assert_eq!(gpu.power_management_limit().unwrap(), 500_000);
    assert_eq!(gpu.enforced_power_limit().unwrap(), 500_000);
    gpu.set_power_management_limit(range.max).unwrap();
    assert_eq!(gpu.power_management_limit().unwrap(), range.max);
    // Outside the constraints the driver refuses and nothing changes.
    for bad in [range.min - 1, range.max + 1] {
        assert!(matches!(
            gpu.set_power_management_limit(bad),
            Err(NvmlError::InvalidArgument(_))
        ));
    }
    assert_eq!(gpu.power_management_limit().unwrap(), range.max);
    // Other GPUs keep theirs.
    assert_eq!(
        m.nvml
            .device_by_index(3)
            .unwrap()
            .power_management_limit()
            .unwrap(),
        before
    );
}

#[test]
fn a_driver_rejecting_the_v2_power_value_gets_the_plain_call() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    m.staged
        .set_fault(
            "nvmlDeviceSetPowerManagementLimit_v2",
            nvml_wrapper::sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    gpu.set_power_management_limit(450_000).unwrap();
    assert_eq!(gpu.power_management_limit().unwrap(), 450_000);
}
