//! NvLink management (`device::nvlink_management`) against the simulated DGX H100 (18
//! NvLinks per GPU, all to NvSwitches) and the workstation (no NvLink).

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use nvml_mock::{HostileModes, profile};
use nvml_wrapper::device::nvlink_management::{NvLinkBwModeSetting, NvLinkTelemetryRequest};
use nvml_wrapper::enums::{NvLinkDeviceType, NvLinkTelemetrySampleType};
use nvml_wrapper::{NvmlError, sys};

#[test]
fn remote_device_type_is_a_switch_on_every_link_of_the_profile() {
    let m = common::mock();
    let spec = &profile::builtin("dgx-h100").unwrap().gpus[0];
    assert_eq!(spec.nvlink_count, 18);
    let gpu = m.nvml.device_by_index(0).unwrap();
    for link in 0..spec.nvlink_count {
        assert_eq!(
            gpu.nvlink_remote_device_type(link).unwrap(),
            NvLinkDeviceType::Switch
        );
    }
    assert!(matches!(
        gpu.nvlink_remote_device_type(spec.nvlink_count),
        Err(NvmlError::InvalidArgument)
    ));
    // A type newer than the header is an error, not a transmute.
    m.staged
        .set_hostile(HostileModes {
            future_enums: true,
            ..Default::default()
        })
        .unwrap();
    assert!(matches!(
        gpu.nvlink_remote_device_type(0),
        Err(NvmlError::UnexpectedValue { value: 0x55, .. })
    ));

    let ws = common::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        rtx.nvlink_remote_device_type(0),
        Err(NvmlError::NotSupported)
    ));
}

#[test]
fn unmodeled_queries_answer_not_supported_then_faults_map() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let request = [NvLinkTelemetryRequest {
        link: 0,
        sample_type: NvLinkTelemetrySampleType::ThroughputRawTx,
    }];
    assert!(matches!(gpu.nvlink_info(), Err(NvmlError::NotSupported)));
    assert!(matches!(
        gpu.nvlink_telemetry_samples(&request),
        Err(NvmlError::NotSupported)
    ));
    assert!(gpu.nvlink_telemetry_samples(&[]).unwrap().is_empty());
    assert!(matches!(gpu.nvlink_bw_mode(), Err(NvmlError::NotSupported)));
    assert!(matches!(
        gpu.nvlink_supported_bw_modes(),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        m.nvml.nvlink_bw_mode(),
        Err(NvmlError::NotSupported)
    ));

    for (function, code) in [
        ("nvmlDeviceGetNvLinkInfo", sys::NVML_ERROR_GPU_IS_LOST),
        (
            "nvmlDeviceGetNvLinkTelemetrySamples_v1",
            sys::NVML_ERROR_INVALID_ARGUMENT,
        ),
        (
            "nvmlDeviceGetNvlinkBwMode",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        ),
        (
            "nvmlDeviceGetNvlinkSupportedBwModes",
            sys::NVML_ERROR_UNKNOWN,
        ),
        ("nvmlSystemGetNvlinkBwMode", sys::NVML_ERROR_NO_PERMISSION),
    ] {
        m.staged.set_fault(function, code).unwrap();
    }
    assert!(matches!(gpu.nvlink_info(), Err(NvmlError::GpuLost)));
    assert!(matches!(
        gpu.nvlink_telemetry_samples(&request),
        Err(NvmlError::InvalidArgument)
    ));
    assert!(matches!(
        gpu.nvlink_bw_mode(),
        Err(NvmlError::ArgumentVersionMismatch)
    ));
    assert!(matches!(
        gpu.nvlink_supported_bw_modes(),
        Err(NvmlError::Unknown)
    ));
    assert!(matches!(
        m.nvml.nvlink_bw_mode(),
        Err(NvmlError::NoPermission)
    ));

    // Both struct versions rejected: the v1 retry's answer is reported.
    m.staged
        .set_fault(
            "nvmlDeviceGetNvLinkInfo",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    assert!(matches!(
        gpu.nvlink_info(),
        Err(NvmlError::ArgumentVersionMismatch)
    ));
}

#[test]
fn unmodeled_commands_answer_not_supported_then_faults_map() {
    let m = common::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        gpu.set_nvlink_bw_mode(NvLinkBwModeSetting::Best),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        gpu.set_nvlink_bw_mode_async(NvLinkBwModeSetting::Mode(3)),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        gpu.reset_nvlink_error_counters(0),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        gpu.set_nvlink_low_power_threshold(Some(100)),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        m.nvml.set_nvlink_bw_mode(0),
        Err(NvmlError::NotSupported)
    ));

    for (function, code) in [
        ("nvmlDeviceSetNvlinkBwMode", sys::NVML_ERROR_NO_PERMISSION),
        (
            "nvmlDeviceSetNvlinkBwModeAsync_v1",
            sys::NVML_ERROR_INVALID_ARGUMENT,
        ),
        (
            "nvmlDeviceResetNvLinkErrorCounters",
            sys::NVML_ERROR_INVALID_ARGUMENT,
        ),
        (
            "nvmlDeviceSetNvLinkDeviceLowPowerThreshold",
            sys::NVML_ERROR_NOT_READY,
        ),
        ("nvmlSystemSetNvlinkBwMode", sys::NVML_ERROR_IN_USE),
    ] {
        m.staged.set_fault(function, code).unwrap();
    }
    assert!(matches!(
        gpu.set_nvlink_bw_mode(NvLinkBwModeSetting::Mode(1)),
        Err(NvmlError::NoPermission)
    ));
    assert!(matches!(
        gpu.set_nvlink_bw_mode_async(NvLinkBwModeSetting::Best),
        Err(NvmlError::InvalidArgument)
    ));
    assert!(matches!(
        gpu.reset_nvlink_error_counters(99),
        Err(NvmlError::InvalidArgument)
    ));
    assert!(matches!(
        gpu.set_nvlink_low_power_threshold(None),
        Err(NvmlError::NotReady)
    ));
    assert!(matches!(
        m.nvml.set_nvlink_bw_mode(1),
        Err(NvmlError::InUse)
    ));
}

#[test]
fn a_470_driver_has_the_older_nvlink_functions_only() {
    let m = common::mock_legacy_470();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert_eq!(
        gpu.nvlink_remote_device_type(0).unwrap(),
        NvLinkDeviceType::Switch
    );
    assert!(matches!(
        gpu.nvlink_info(),
        Err(NvmlError::FunctionNotFound("nvmlDeviceGetNvLinkInfo"))
    ));
    assert!(matches!(
        m.nvml.nvlink_bw_mode(),
        Err(NvmlError::FunctionNotFound("nvmlSystemGetNvlinkBwMode"))
    ));
}
