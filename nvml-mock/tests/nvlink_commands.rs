//! NvLink commands and system NvLink settings on the DGX H100 profile.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(clippy::macro_metavars_in_unsafe)] // `nv!` forwards arguments to a C call

mod common;

use std::ptr::null_mut;

use common::*;

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
