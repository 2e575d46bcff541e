//! NvLink commands and system NvLink settings: resetting a link's error counters, the
//! low-power threshold, the system bandwidth mode, the per-device NvLink information, and
//! NvLink encryption (NVLE): the remap tables, their lock, NVLE readiness, private info and
//! key setup. The remap tables and NVLE answer on GPUs with NvLink management (Hopper and
//! later with NvLink: the boards whose link firmware includes the MSE microcode the remap
//! table lock refers to); elsewhere they are `NOT_SUPPORTED`.

use std::ffi::c_uint;

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::machine::Gpu;
use crate::marshal::{get, put, struct_version};
use crate::struct_versions;
use crate::support::Feature;

/// NvLink firmware of a Hopper-or-newer GPU with NvLink: (ucode type, major, minor, sub-minor).
const NVLINK_FIRMWARE: [(u32, u32, u32, u32); 2] = [
    (NVML_NVLINK_FIRMWARE_UCODE_TYPE_MSE, 2, 1, 7),
    (NVML_NVLINK_FIRMWARE_UCODE_TYPE_NETIR, 1, 3, 2),
];

/// Highest system NvLink bandwidth mode: 0 full, 1 off, 2 minimum, 3 half, 4 three quarters
/// (the `NVML_NVLINK_BW_MODE_*` values of NVML 12's header).
const MAX_SYSTEM_BW_MODE: u32 = 4;

/// Bytes of NVLE private info a GPU reports (of `NVML_NVLINK_NVLE_PRIVATE_INFO_SIZE`).
const NVLE_PRIVATE_INFO_LEN: usize = 64;

/// Base of the FLA (fabric linear address) and SPA/GPA remap table entries, one per GPU of
/// the machine (entry `i` maps GPU `i`'s memory).
const REMAP_FLA_BASE: u32 = 0x1000_0000;
const REMAP_GPA_BASE: u32 = 0x2000_0000;

/// The ALID of GPU `index`: the mock numbers them from 1 in the machine's GPU order.
fn alid(index: usize) -> u32 {
    u32::try_from(index).map_or(0, |i| i.saturating_add(1))
}

/// A GPU with NvLink management (NOT_SUPPORTED without), with its index.
fn with_nvle(c: &mut Ctx<'_>, device: nvmlDevice_t) -> Result<usize, nvmlReturn_t> {
    let g = with_nvlink(c, device)?;
    if !managed(g) {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    c.m.gpu_index(device)
}

/// A GPU's NVLE private info: deterministic bytes from its UUID.
fn nvle_private_info(g: &Gpu) -> nvmlNvlinkNvlePrivateInfo_v1_t {
    let mut out = nvmlNvlinkNvlePrivateInfo_v1_t {
        data: [0; NVML_NVLINK_NVLE_PRIVATE_INFO_SIZE as usize],
        size: NVLE_PRIVATE_INFO_LEN as c_uint,
    };
    let mut x = g
        .spec()
        .uuid
        .bytes()
        .fold(0x9e37_79b9_7f4a_7c15_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
        | 1;
    for b in out.data.iter_mut().take(NVLE_PRIVATE_INFO_LEN) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 32) as u8;
    }
    out
}

/// The first `size` bytes of a private info, `None` when `size` exceeds the buffer.
fn private_bytes(info: &nvmlNvlinkNvlePrivateInfo_v1_t) -> Option<&[u8]> {
    info.data.get(..info.size as usize)
}

/// A physical GPU with NvLink (NOT_SUPPORTED without).
fn with_nvlink<'a>(c: &'a mut Ctx<'_>, device: nvmlDevice_t) -> Result<&'a mut Gpu, nvmlReturn_t> {
    let g = c.m.gpu_mut(device)?;
    if g.spec().nvlink_count == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(g)
}

/// The link firmware versions `nvmlDeviceGetNvLinkInfo` v2 and v3 report.
fn firmware_info() -> nvmlNvlinkFirmwareInfo_t {
    let mut info = nvmlNvlinkFirmwareInfo_t::default();
    for (slot, &(ty, major, minor, sub)) in
        info.firmwareVersion.iter_mut().zip(NVLINK_FIRMWARE.iter())
    {
        *slot = nvmlNvlinkFirmwareVersion_t {
            ucodeType: u8::try_from(ty).unwrap_or(0),
            major,
            minor,
            subMinor: sub,
        };
        info.numValidEntries += 1;
    }
    info
}

fn managed(g: &Gpu) -> bool {
    g.support.has(Feature::NvlinkManagement)
}

/// The system bandwidth mode exists when some GPU with NvLink has NvLink management.
fn system_bw_supported(c: &Ctx<'_>) -> Result<(), nvmlReturn_t> {
    if c.m
        .gpus
        .iter()
        .any(|g| g.spec().nvlink_count > 0 && managed(g))
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
        match struct_version(struct_versions::nvmlDeviceGetNvLinkInfo, v1.version)? {
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
                    out.firmwareInfo = firmware_info();
                }
                put(info, out)
            }
            _ => Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH),
        }
    }
    fn nvmlDeviceGetNvLinkInfo_v3(device: nvmlDevice_t, info: *mut nvmlNvLinkInfo_v3_t) |c| {
        let g = with_nvlink(c, device)?;
        let mut out = nvmlNvLinkInfo_v3_t {
            isNvleEnabled: 0,
            isNvleReady: u32::from(g.nvle.ready),
            ..Default::default()
        };
        if managed(g) {
            out.firmwareInfo = firmware_info();
        }
        put(info, out)
    }
    fn nvmlDeviceGetNvlinkRemapTableInfo_v1(device: nvmlDevice_t, remapTableInfo: *mut nvmlNvlinkGetRemapTableInfo_v1_t) |c| {
        let index = with_nvle(c, device)?;
        if remapTableInfo.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let peers = c.m.gpus.len().min(NVML_NVLINK_MAX_REMAP_TABLE_ENTRIES_V2 as usize);
        // 32 KiB: built on the heap, then copied out.
        let mut out = Box::new(nvmlNvlinkGetRemapTableInfo_v1_t {
            alid: alid(index),
            flaRemapTabAddr: [0; NVML_NVLINK_MAX_REMAP_TABLE_ENTRIES_V2 as usize],
            gpaRemapTabAddr: [0; NVML_NVLINK_MAX_REMAP_TABLE_ENTRIES_V2 as usize],
            remapTabSize: peers as c_uint,
        });
        for (i, (fla, gpa)) in out
            .flaRemapTabAddr
            .iter_mut()
            .zip(out.gpaRemapTabAddr.iter_mut())
            .take(peers)
            .enumerate()
        {
            let step = (i as u32) << 20;
            *fla = REMAP_FLA_BASE | step;
            *gpa = REMAP_GPA_BASE | step;
        }
        put(remapTableInfo, *out)
    }
    fn nvmlDeviceLockNvlinkRemapTable_v1(device: nvmlDevice_t, remapTableLockInfo: *mut nvmlNvlinkLockRemapTable_v1_t) |c| {
        with_nvle(c, device)?;
        if remapTableLockInfo.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        let g = c.m.gpu_mut(device)?;
        g.nvle.remap_table_locked = true;
        put(remapTableLockInfo, nvmlNvlinkLockRemapTable_v1_t {
            bRemapTableLocked: 1,
            bRemapTableLockDisabled: 0,
        })
    }
    fn nvmlDeviceSetNvlinkNvleReady_v1(device: nvmlDevice_t, setNvleReady: *mut nvmlNvlinkSetNvleReady_v1_t) |c| {
        with_nvle(c, device)?;
        let ready = get(setNvleReady.cast_const())?.bNvleReady;
        if ready > 1 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        c.m.gpu_mut(device)?.nvle.ready = ready == 1;
        Ok(())
    }
    fn nvmlDeviceGetNvlinkNvlePrivateInfo_v1(device: nvmlDevice_t, privateInfo: *mut nvmlNvlinkNvlePrivateInfo_v1_t) |c| {
        with_nvle(c, device)?;
        if privateInfo.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let info = nvle_private_info(c.m.gpu(device)?);
        put(privateInfo, info)
    }
    fn nvmlDeviceSetupNvlinkNvleEncryptionKey_v1(device: nvmlDevice_t, encryptionKey: *mut nvmlNvlinkSetupNvleEncryptionKey_v1_t) |c| {
        let index = with_nvle(c, device)?;
        let key = get(encryptionKey.cast_const())?;
        // The local ALID is this GPU's, the remote one another GPU's of the machine, and the
        // local private info is what this GPU reports.
        let remote = (key.remoteGpuAlid as usize).checked_sub(1).filter(|&r| r != index);
        let local_info = nvle_private_info(c.m.gpu(device)?);
        let valid = key.localGpuAlid == alid(index)
            && remote.is_some_and(|r| r < c.m.gpus.len())
            && private_bytes(&key.localGpuNvlePrivateInfo) == private_bytes(&local_info)
            && private_bytes(&key.remoteGpuNvlePrivateInfo).is_some();
        if !valid {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        let g = c.m.gpu_mut(device)?;
        if !g.nvle.keys_with.contains(&key.remoteGpuAlid) {
            g.nvle.keys_with.push(key.remoteGpuAlid);
        }
        Ok(())
    }
}
