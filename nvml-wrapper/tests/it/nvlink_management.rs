//! NvLink management (`device::nvlink_management`) against the simulated DGX H100 (18
//! NvLinks per GPU, all to NvSwitches) and the workstation (no NvLink).

use nvml_mock::{HostileModes, profile};
use nvml_wrapper::device::nvlink_management::{
    NvLinkBwModeSetting, NvLinkFirmwareVersion, NvLinkTelemetryRequest, NvleEncryptionKey,
};
use nvml_wrapper::enums::{NvLinkDeviceType, NvLinkErrorCounter, NvLinkTelemetrySampleType};
use nvml_wrapper::{NvmlError, sys};

#[test]
fn remote_device_type_is_a_switch_on_every_link_of_the_profile() {
    let m = crate::support::mock();
    let spec = &profile::builtin("dgx-h100").unwrap().gpus[0];
    assert_eq!(spec.nvlink_count, 18);
    let gpu = m.nvml.device_by_index(0).unwrap();
    for link in 0..spec.nvlink_count {
        assert_eq!(
            gpu.nvlink_remote_device_type(link).unwrap(),
            NvLinkDeviceType::Switch
        );
    }
    // A link NVML numbers but this GPU lacks, then one past NVML's numbering.
    assert!(matches!(
        gpu.nvlink_remote_device_type(spec.nvlink_count),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.nvlink_remote_device_type(sys::NVML_NVLINK_MAX_LINKS),
        Err(NvmlError::InvalidArgument(_))
    ));
    // A type newer than the header is kept, not a transmute and not an error.
    m.staged
        .set_hostile(HostileModes {
            future_enums: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        gpu.nvlink_remote_device_type(0).unwrap(),
        NvLinkDeviceType::Other(0x55)
    );

    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        rtx.nvlink_remote_device_type(0),
        Err(NvmlError::NotSupported(_))
    ));
}

fn firmware() -> [NvLinkFirmwareVersion; 2] {
    [
        NvLinkFirmwareVersion {
            ucode_type: sys::NVML_NVLINK_FIRMWARE_UCODE_TYPE_MSE as u8,
            major: 2,
            minor: 1,
            sub_minor: 7,
        },
        NvLinkFirmwareVersion {
            ucode_type: sys::NVML_NVLINK_FIRMWARE_UCODE_TYPE_NETIR as u8,
            major: 1,
            minor: 3,
            sub_minor: 2,
        },
    ]
}

#[test]
fn nvlink_info_has_nvle_off_the_firmware_list_and_nvle_readiness() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetNvLinkInfo"),
        Some("nvmlDeviceGetNvLinkInfo_v3")
    );
    let info = gpu.nvlink_info().unwrap();
    assert!(!info.nvle_enabled);
    assert_eq!(info.firmware, firmware());
    assert_eq!(info.nvle_ready, Some(false));

    // NVLE readiness is a root setting that reads back.
    assert!(matches!(
        gpu.set_nvlink_nvle_ready(true),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    gpu.set_nvlink_nvle_ready(true).unwrap();
    assert_eq!(gpu.nvlink_info().unwrap().nvle_ready, Some(true));
    assert_eq!(
        m.nvml
            .device_by_index(1)
            .unwrap()
            .nvlink_info()
            .unwrap()
            .nvle_ready,
        Some(false)
    );

    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(matches!(rtx.nvlink_info(), Err(NvmlError::NotSupported(_))));
    assert!(matches!(
        rtx.set_nvlink_nvle_ready(true),
        Err(NvmlError::NotSupported(_))
    ));
}

/// A driver before NVML 13.5 has no `nvmlDeviceGetNvLinkInfo_v3`: the plain function with the
/// v2 struct, then the v1 struct on a driver that rejects v2; no NVLE readiness.
#[test]
fn nvlink_info_falls_back_to_the_plain_function_without_v3() {
    let staged = nvml_mock::Staged::hiding(&["nvmlDeviceGetNvLinkInfo_v3"]).unwrap();
    let nvml = nvml_wrapper::Nvml::builder()
        .library_path(staged.path())
        .init()
        .unwrap();
    let gpu = nvml.device_by_index(0).unwrap();
    let info = gpu.nvlink_info().unwrap();
    assert_eq!(info.firmware, firmware());
    assert_eq!(info.nvle_ready, None);
    // A driver that knows only the v1 struct: the wrapper retries with it.
    staged
        .set_fault(
            "nvmlDeviceGetNvLinkInfo",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    assert!(matches!(
        gpu.nvlink_info(),
        Err(NvmlError::ArgumentVersionMismatch(_))
    ));
}

/// The remap tables of a DGX H100 GPU: its ALID (the mock numbers GPUs from 1) and one entry
/// per GPU of the machine; the lock is a root command; no NvLink, no remap tables.
#[test]
fn remap_tables_have_an_entry_per_gpu_and_lock_as_root() {
    let m = crate::support::mock();
    let count = m.nvml.device_count().unwrap() as usize;
    let gpu = m.nvml.device_by_index(2).unwrap();
    let table = gpu.nvlink_remap_table_info().unwrap();
    assert_eq!(table.alid, 3);
    assert_eq!(table.fla.len(), count);
    assert_eq!(table.gpa.len(), count);
    assert_eq!(table.fla[1], 0x1010_0000);
    assert_eq!(table.gpa[1], 0x2010_0000);

    assert!(matches!(
        gpu.lock_nvlink_remap_table(),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    let lock = gpu.lock_nvlink_remap_table().unwrap();
    assert!(lock.locked && !lock.lock_disabled);

    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        rtx.nvlink_remap_table_info(),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        rtx.lock_nvlink_remap_table(),
        Err(NvmlError::NotSupported(_))
    ));
}

/// NVLE key setup between two GPUs takes the local GPU's ALID and private info and another
/// GPU's; it is a root command; private info longer than the header's buffer is refused
/// before any call.
#[test]
fn nvle_keys_are_set_up_between_two_gpus_with_their_private_info() {
    let m = crate::support::mock();
    let (a, b) = (
        m.nvml.device_by_index(0).unwrap(),
        m.nvml.device_by_index(1).unwrap(),
    );
    let (info_a, info_b) = (
        a.nvlink_nvle_private_info().unwrap(),
        b.nvlink_nvle_private_info().unwrap(),
    );
    assert_eq!(info_a.len(), 64);
    assert_ne!(info_a, info_b);
    assert_eq!(a.nvlink_nvle_private_info().unwrap(), info_a);
    let (alid_a, alid_b) = (
        a.nvlink_remap_table_info().unwrap().alid,
        b.nvlink_remap_table_info().unwrap().alid,
    );
    let setup = NvleEncryptionKey {
        key: [0x5a; 32],
        local_alid: alid_a,
        remote_alid: alid_b,
        local_private_info: &info_a,
        remote_private_info: &info_b,
    };
    assert!(matches!(
        a.setup_nvlink_nvle_encryption_key(&setup),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    a.setup_nvlink_nvle_encryption_key(&setup).unwrap();
    // Another GPU's private info as the local one, or this GPU as the remote one: refused.
    for bad in [
        NvleEncryptionKey {
            local_private_info: &info_b,
            ..setup.clone()
        },
        NvleEncryptionKey {
            remote_alid: alid_a,
            ..setup.clone()
        },
    ] {
        assert!(matches!(
            a.setup_nvlink_nvle_encryption_key(&bad),
            Err(NvmlError::InvalidArgument(_))
        ));
    }
    let long = [0u8; 257];
    assert!(matches!(
        a.setup_nvlink_nvle_encryption_key(&NvleEncryptionKey {
            remote_private_info: &long,
            ..setup.clone()
        }),
        Err(NvmlError::InvalidInput(_))
    ));

    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        rtx.nvlink_nvle_private_info(),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn system_bw_mode_is_a_root_setting_that_reads_back() {
    let m = crate::support::mock();
    assert!(matches!(
        m.nvml.nvlink_bw_mode(),
        Err(NvmlError::NoPermission(_))
    ));
    assert!(matches!(
        m.nvml.set_nvlink_bw_mode(3),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    assert_eq!(m.nvml.nvlink_bw_mode().unwrap(), 0);
    m.nvml.set_nvlink_bw_mode(3).unwrap();
    assert_eq!(m.nvml.nvlink_bw_mode().unwrap(), 3);
    assert!(matches!(
        m.nvml.set_nvlink_bw_mode(99),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert_eq!(m.nvml.nvlink_bw_mode().unwrap(), 3);

    // Only Hopper and newer have it; the workstation has no NvLink at all.
    for profile in ["dgx-a100", "workstation"] {
        let other = crate::support::mock_with_profile(profile);
        other.staged.set_root(true).unwrap();
        assert!(
            matches!(other.nvml.nvlink_bw_mode(), Err(NvmlError::NotSupported(_))),
            "{profile}"
        );
        assert!(
            matches!(
                other.nvml.set_nvlink_bw_mode(0),
                Err(NvmlError::NotSupported(_))
            ),
            "{profile}"
        );
    }
}

#[test]
fn unmodeled_queries_answer_not_supported_then_faults_map() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let request = [NvLinkTelemetryRequest {
        link: 0,
        sample_type: NvLinkTelemetrySampleType::ThroughputRawTx,
    }];
    assert!(matches!(
        gpu.nvlink_telemetry_samples(&request),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(gpu.nvlink_telemetry_samples(&[]).unwrap().is_empty());
    assert!(matches!(
        gpu.nvlink_bw_mode(),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.nvlink_supported_bw_modes(),
        Err(NvmlError::NotSupported(_))
    ));

    for (function, code) in [
        ("nvmlDeviceGetNvLinkInfo_v3", sys::NVML_ERROR_GPU_IS_LOST),
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
        ("nvmlSystemGetNvlinkBwMode", sys::NVML_ERROR_IN_USE),
    ] {
        m.staged.set_fault(function, code).unwrap();
    }
    assert!(matches!(gpu.nvlink_info(), Err(NvmlError::GpuLost(_))));
    assert!(matches!(
        gpu.nvlink_telemetry_samples(&request),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert!(matches!(
        gpu.nvlink_bw_mode(),
        Err(NvmlError::ArgumentVersionMismatch(_))
    ));
    assert!(matches!(
        gpu.nvlink_supported_bw_modes(),
        Err(NvmlError::Unknown(_))
    ));
    assert!(matches!(m.nvml.nvlink_bw_mode(), Err(NvmlError::InUse(_))));
}

#[test]
fn reset_zeroes_the_error_counters_of_one_link() {
    let m = crate::support::mock();
    // GPU 5 of the DGX H100 profile has a marginal link 2.
    let gpu = m.nvml.device_by_index(5).unwrap();
    let read = |link: u32| -> Vec<u64> {
        NvLinkErrorCounter::ALL
            .iter()
            .map(|c| gpu.nvlink_error_counter(link, *c).unwrap())
            .collect()
    };
    assert_eq!(read(2), [7, 1, 23, 4, 0]);
    assert_eq!(
        gpu.nvlink_error_counter(2, NvLinkErrorCounter::DlCrcFlit)
            .unwrap(),
        23
    );
    // The header asks no privilege for the reset.
    gpu.reset_nvlink_error_counters(2).unwrap();
    assert_eq!(read(2), [0; 5]);
    gpu.reset_nvlink_error_counters(3).unwrap();
    assert_eq!(read(3), [0; 5]);
    assert!(matches!(
        gpu.reset_nvlink_error_counters(18),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.reset_nvlink_error_counters(sys::NVML_NVLINK_MAX_LINKS),
        Err(NvmlError::InvalidArgument(_))
    ));
    let ws = crate::support::mock_with_profile("workstation");
    assert!(matches!(
        ws.nvml
            .device_by_index(0)
            .unwrap()
            .reset_nvlink_error_counters(0),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn low_power_threshold_takes_the_headers_range_or_reset() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    gpu.set_nvlink_low_power_threshold(Some(sys::NVML_NVLINK_LOW_POWER_THRESHOLD_MIN))
        .unwrap();
    gpu.set_nvlink_low_power_threshold(Some(100)).unwrap();
    gpu.set_nvlink_low_power_threshold(Some(sys::NVML_NVLINK_LOW_POWER_THRESHOLD_MAX))
        .unwrap();
    gpu.set_nvlink_low_power_threshold(None).unwrap();
    for bad in [0, sys::NVML_NVLINK_LOW_POWER_THRESHOLD_MAX + 1] {
        assert!(
            matches!(
                gpu.set_nvlink_low_power_threshold(Some(bad)),
                Err(NvmlError::InvalidArgument(_))
            ),
            "{bad}"
        );
    }
    // Hopper and newer only.
    let a100 = crate::support::mock_with_profile("dgx-a100");
    assert!(matches!(
        a100.nvml
            .device_by_index(0)
            .unwrap()
            .set_nvlink_low_power_threshold(Some(100)),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn unmodeled_commands_answer_not_supported_then_faults_map() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        gpu.set_nvlink_bw_mode(NvLinkBwModeSetting::Best),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.set_nvlink_bw_mode_async(NvLinkBwModeSetting::Mode(3)),
        Err(NvmlError::NotSupported(_))
    ));

    for (function, code) in [
        ("nvmlDeviceSetNvlinkBwMode", sys::NVML_ERROR_NO_PERMISSION),
        (
            "nvmlDeviceSetNvlinkBwModeAsync_v1",
            sys::NVML_ERROR_INVALID_ARGUMENT,
        ),
        (
            "nvmlDeviceResetNvLinkErrorCounters",
            sys::NVML_ERROR_GPU_IS_LOST,
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
        Err(NvmlError::NoPermission(_))
    ));
    assert!(matches!(
        gpu.set_nvlink_bw_mode_async(NvLinkBwModeSetting::Best),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert!(matches!(
        gpu.reset_nvlink_error_counters(0),
        Err(NvmlError::GpuLost(_))
    ));
    assert!(matches!(
        gpu.set_nvlink_low_power_threshold(None),
        Err(NvmlError::NotReady(_))
    ));
    assert!(matches!(
        m.nvml.set_nvlink_bw_mode(1),
        Err(NvmlError::InUse(_))
    ));
}

#[test]
fn a_470_driver_has_the_older_nvlink_functions_only() {
    let m = crate::support::mock_legacy_470();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert_eq!(
        gpu.nvlink_remote_device_type(0).unwrap(),
        NvLinkDeviceType::Switch
    );
    assert!(matches!(
        gpu.nvlink_info(),
        Err(NvmlError::MissingSymbol("nvmlDeviceGetNvLinkInfo"))
    ));
    assert!(matches!(
        m.nvml.nvlink_bw_mode(),
        Err(NvmlError::MissingSymbol("nvmlSystemGetNvlinkBwMode"))
    ));
}
