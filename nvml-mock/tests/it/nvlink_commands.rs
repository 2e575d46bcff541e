//! NvLink commands and system NvLink settings on the DGX H100 profile.

use std::ptr::null_mut;

use crate::support::*;

#[test]
fn nvlink_info_answers_both_struct_versions() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut v1 = nvmlNvLinkInfo_v1_t {
        version: nvmlNvLinkInfo_v1,
        isNvleEnabled: 9,
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkInfo(d, (&raw mut v1).cast())),
        NVML_SUCCESS
    );
    assert_eq!(v1.isNvleEnabled, 0);
    let mut v2 = nvmlNvLinkInfo_v2_t {
        version: nvmlNvLinkInfo_v2,
        isNvleEnabled: 9,
        ..Default::default()
    };
    assert_eq!(nv!(lib.nvmlDeviceGetNvLinkInfo(d, &mut v2)), NVML_SUCCESS);
    assert_eq!(v2.isNvleEnabled, 0);
    assert_eq!(v2.firmwareInfo.numValidEntries, 2);
    assert_eq!(
        v2.firmwareInfo.firmwareVersion[0].ucodeType,
        NVML_NVLINK_FIRMWARE_UCODE_TYPE_MSE as u8
    );
    v2.version = 7;
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkInfo(d, &mut v2)),
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkInfo(d, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
}

#[test]
fn setters_check_their_arguments() {
    let (s, lib) = init("dgx-h100");
    let d = dev(&lib, 5);
    let mut v = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkErrorCounter(d, 2, NVML_NVLINK_ERROR_DL_REPLAY, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 7);
    assert_eq!(
        nv!(lib.nvmlDeviceResetNvLinkErrorCounters(d, 2)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkErrorCounter(d, 2, NVML_NVLINK_ERROR_DL_REPLAY, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceSetNvLinkDeviceLowPowerThreshold(d, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let mut t = nvmlNvLinkPowerThres_t {
        lowPwrThreshold: NVML_NVLINK_LOW_POWER_THRESHOLD_RESET,
    };
    assert_eq!(
        nv!(lib.nvmlDeviceSetNvLinkDeviceLowPowerThreshold(d, &mut t)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlSystemGetNvlinkBwMode(null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    s.set_root(true).unwrap();
    assert_eq!(nv!(lib.nvmlSystemSetNvlinkBwMode(4)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlSystemSetNvlinkBwMode(5)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let mut mode = 0u32;
    assert_eq!(nv!(lib.nvmlSystemGetNvlinkBwMode(&mut mode)), NVML_SUCCESS);
    assert_eq!(mode, 4);
}

/// One field value of GPU `d`: (its return code, its value as u64).
fn field(lib: &NvmlLib, d: nvmlDevice_t, id: u32, scope: u32) -> (nvmlReturn_t, u64) {
    let mut fv: nvmlFieldValue_t =
        // SAFETY: a C struct of integers and a union of integers: all-zero is a valid value.
        unsafe { std::mem::zeroed() };
    fv.fieldId = id;
    fv.scopeId = scope;
    assert_eq!(
        nv!(lib.nvmlDeviceGetFieldValues(d, 1, &mut fv)),
        NVML_SUCCESS
    );
    // SAFETY: the mock answers these fields as unsigned long long.
    (fv.nvmlReturn, unsafe { fv.value.ullVal })
}

#[test]
fn nvlink_counter_fields_answer_where_the_header_has_them() {
    let (_s, lib) = init("dgx-h100");
    let mut seen_replays = 0;
    for gpu in 0..8 {
        let d = dev(&lib, gpu);
        // Throughput counters, per link and summed (scope UINT_MAX): no data on the constant
        // machine.
        for id in [
            NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX,
            NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX,
        ] {
            assert_eq!(field(&lib, d, id, 0), (NVML_SUCCESS, 0));
            assert_eq!(field(&lib, d, id, u32::MAX), (NVML_SUCCESS, 0));
        }
        // Replay, recovery and CRC of each link agree with nvmlDeviceGetNvLinkErrorCounter.
        for link in 0..18 {
            for (id, counter) in [
                (
                    NVML_FI_DEV_NVLINK_ERROR_DL_REPLAY,
                    NVML_NVLINK_ERROR_DL_REPLAY,
                ),
                (
                    NVML_FI_DEV_NVLINK_ERROR_DL_RECOVERY,
                    NVML_NVLINK_ERROR_DL_RECOVERY,
                ),
                (
                    NVML_FI_DEV_NVLINK_ERROR_DL_CRC,
                    NVML_NVLINK_ERROR_DL_CRC_FLIT,
                ),
            ] {
                let mut want = 0u64;
                assert_eq!(
                    nv!(lib.nvmlDeviceGetNvLinkErrorCounter(d, link, counter, &mut want)),
                    NVML_SUCCESS
                );
                assert_eq!(
                    field(&lib, d, id, link),
                    (NVML_SUCCESS, want),
                    "GPU {gpu} link {link}"
                );
                seen_replays += want;
            }
        }
        // A link the H100 lacks.
        assert_eq!(
            field(&lib, d, NVML_FI_DEV_NVLINK_ERROR_DL_REPLAY, 18).0,
            NVML_ERROR_NOT_SUPPORTED
        );
    }
    assert!(seen_replays > 0, "dgx-h100 has NvLink errors to compare");
    // The header: unsupported for Blackwell and later.
    let (_s, lib) = init("dgx-b200");
    assert_eq!(
        field(&lib, dev(&lib, 0), NVML_FI_DEV_NVLINK_ERROR_DL_REPLAY, 0).0,
        NVML_ERROR_NOT_SUPPORTED
    );
    // No NvLink, no counters.
    let (_s, lib) = init("workstation");
    assert_eq!(
        field(
            &lib,
            dev(&lib, 0),
            NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX,
            u32::MAX
        )
        .0,
        NVML_ERROR_NOT_SUPPORTED
    );
}
