//! NvLink commands and system NvLink settings: resetting a link's error counters, the
//! low-power threshold, the system bandwidth mode and the per-device NvLink information.

use std::ffi::c_uint;

use nvml_sys::*;

use crate::state::{Ctx, Gpu, get, put};
use crate::support::Feature;

/// NvLink firmware of a Hopper-or-newer GPU with NvLink: (ucode type, major, minor, sub-minor).
const NVLINK_FIRMWARE: [(u32, u32, u32, u32); 2] = [
    (NVML_NVLINK_FIRMWARE_UCODE_TYPE_MSE, 2, 1, 7),
    (NVML_NVLINK_FIRMWARE_UCODE_TYPE_NETIR, 1, 3, 2),
];

/// Highest system NvLink bandwidth mode: 0 full, 1 off, 2 minimum, 3 half, 4 three quarters
/// (the `NVML_NVLINK_BW_MODE_*` values of NVML 12's header).
const MAX_SYSTEM_BW_MODE: u32 = 4;

/// A physical GPU with NvLink (NOT_SUPPORTED without).
fn with_nvlink<'a>(c: &'a mut Ctx<'_>, device: nvmlDevice_t) -> Result<&'a mut Gpu, nvmlReturn_t> {
    let g = c.m.gpu_mut(device)?;
    if g.spec.nvlink_count == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(g)
}

fn managed(g: &Gpu) -> bool {
    g.support.has(Feature::NvlinkManagement)
}

/// The system bandwidth mode exists when some GPU with NvLink has NvLink management.
fn system_bw_supported(c: &Ctx<'_>) -> Result<(), nvmlReturn_t> {
    if c.m
        .gpus
        .iter()
        .any(|g| g.spec.nvlink_count > 0 && managed(g))
    {
        Ok(())
    } else {
        Err(NVML_ERROR_NOT_SUPPORTED)
    }
}

export! {
    fn nvmlDeviceResetNvLinkErrorCounters(device: nvmlDevice_t, link: c_uint) |c| {
        let g = with_nvlink(c, device)?;
        if link >= NVML_NVLINK_MAX_LINKS {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // A link NVML numbers but this GPU lacks: NOT_SUPPORTED, as for every NvLink query.
        let counters = g
            .nvlink_errors
            .get_mut(link as usize)
            .ok_or(NVML_ERROR_NOT_SUPPORTED)?;
        *counters = [0; 5];
        Ok(())
    }
    fn nvmlDeviceSetNvLinkDeviceLowPowerThreshold(device: nvmlDevice_t, info: *mut nvmlNvLinkPowerThres_t) |c| {
        let g = with_nvlink(c, device)?;
        if !managed(g) {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let t = get(info)?.lowPwrThreshold;
        g.nvlink_low_power_threshold = match t {
            NVML_NVLINK_LOW_POWER_THRESHOLD_RESET => None,
            NVML_NVLINK_LOW_POWER_THRESHOLD_MIN..=NVML_NVLINK_LOW_POWER_THRESHOLD_MAX => Some(t),
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        Ok(())
    }
    fn nvmlSystemGetNvlinkBwMode(nvlinkBwMode: *mut c_uint) |c| {
        system_bw_supported(c)?;
        if nvlinkBwMode.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        put(nvlinkBwMode, c.m.nvlink_bw_mode)
    }
    fn nvmlSystemSetNvlinkBwMode(nvlinkBwMode: c_uint) |c| {
        system_bw_supported(c)?;
        if nvlinkBwMode > MAX_SYSTEM_BW_MODE {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        c.m.nvlink_bw_mode = nvlinkBwMode;
        Ok(())
    }
    fn nvmlDeviceGetNvLinkInfo(device: nvmlDevice_t, info: *mut nvmlNvLinkInfo_t) |c| {
        let g = with_nvlink(c, device)?;
        let firmware = managed(g);
        let v1: nvmlNvLinkInfo_v1_t = get(info.cast::<nvmlNvLinkInfo_v1_t>().cast_const())?;
        match v1.version {
            v if v == nvmlNvLinkInfo_v1 => put(
                info.cast::<nvmlNvLinkInfo_v1_t>(),
                nvmlNvLinkInfo_v1_t { version: v1.version, isNvleEnabled: 0 },
            ),
            v if v == nvmlNvLinkInfo_v2 => {
                let mut out = nvmlNvLinkInfo_v2_t {
                    version: v1.version,
                    isNvleEnabled: 0,
                    ..Default::default()
                };
                if firmware {
                    for (slot, &(ty, major, minor, sub)) in out
                        .firmwareInfo
                        .firmwareVersion
                        .iter_mut()
                        .zip(NVLINK_FIRMWARE.iter())
                    {
                        *slot = nvmlNvlinkFirmwareVersion_t {
                            ucodeType: u8::try_from(ty).unwrap_or(0),
                            major,
                            minor,
                            subMinor: sub,
                        };
                        out.firmwareInfo.numValidEntries += 1;
                    }
                }
                put(info, out)
            }
            _ => Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH),
        }
    }
}
