//! The board and its firmware: cores, module id, boards shared with other GPUs,
//! capabilities, PDI, GSP firmware, InfoROM checksum, IRQ and the GPU's uptime.

use std::ffi::{c_char, c_int, c_uint};

use nvml_sys::*;

use super::phys;
use crate::dispatch::Ctx;
use crate::machine::Gpu;
use crate::marshal::{get, put, put_str};
use crate::support::Feature;

/// Seconds since the driver initialised the GPU: the time the energy counter at load took at
/// the profile's power draw (`energy_base_mj` / `power_usage_mw`; 0 without a draw), plus the
/// time the machine has been up.
fn uptime_s(c: &Ctx<'_>, g: &Gpu) -> u64 {
    let before_load = g
        .readings
        .energy_base_mj
        .checked_div(u64::from(g.readings.power_usage_mw))
        .unwrap_or(0);
    before_load.saturating_add(c.m.clock.now_ns() / 1_000_000_000)
}

/// A GPU's Per Device Identifier: a fixed 64-bit number derived from its UUID.
fn pdi_of(g: &Gpu) -> u64 {
    g.spec()
        .uuid
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

export! {
    fn nvmlDeviceGetNumGpuCores(device: nvmlDevice_t, numCores: *mut c_uint) |c| {
        put(numCores, c.m.gpu_without_mig(device)?.spec().cuda_cores)
    }
    fn nvmlDeviceGetModuleId(device: nvmlDevice_t, moduleId: *mut c_uint) |c| {
        let i = c.m.gpu_index(device)?;
        let g = phys(c, device)?;
        // SXM modules are numbered 1..8 on an HGX board; a PCIe card is module 0.
        put(moduleId, if g.spec().nvlink_count > 0 { i as u32 + 1 } else { 0 })
    }
    // No extended GPU memory (EGM) on any built-in board (a real H100, B200 and GB200 tray:
    // `capabilities/egm` disabled).
    fn nvmlDeviceGetCapabilities(device: nvmlDevice_t, caps: *mut nvmlDeviceCapabilities_t) |c| {
        phys(c, device)?;
        let v: nvmlDeviceCapabilities_t = get(caps)?;
        if v.version != nvmlDeviceCapabilities_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        put(caps, nvmlDeviceCapabilities_t { version: v.version, capMask: 0 })
    }
    fn nvmlDeviceGetPdi(device: nvmlDevice_t, pdi: *mut nvmlPdi_t) |c| {
        let g = phys(c, device)?;
        let mut p: nvmlPdi_t = get(pdi)?;
        if p.version != nvmlPdi_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        g.support.check(Feature::Pdi)?;
        p.value = pdi_of(g);
        put(pdi, p)
    }
    fn nvmlDeviceGetGpuUptime_v1(device: nvmlDevice_t, uptime: *mut nvmlGpuUptime_v1_t) |c| {
        // A MIG device answers its parent GPU's uptime.
        let index = c.m.gpu_index(device)?;
        let g = c.m.gpus.get(index).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let seconds = u32::try_from(uptime_s(c, g)).unwrap_or(u32::MAX);
        put(uptime, nvmlGpuUptime_v1_t { uptime: seconds })
    }
    fn nvmlDeviceGetGspFirmwareVersion(device: nvmlDevice_t, version: *mut c_char) |c| {
        phys(c, device)?;
        let v = c.m.profile.driver_version.clone();
        put_str(version, NVML_GSP_FIRMWARE_VERSION_BUF_SIZE, &v, c.hostile)
    }
    fn nvmlDeviceGetGspFirmwareMode(device: nvmlDevice_t, isEnabled: *mut c_uint, defaultMode: *mut c_uint) |c| {
        let g = phys(c, device)?;
        if defaultMode.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let on = u32::from(g.support.has(Feature::GspFirmware));
        put(isEnabled, on)?;
        put(defaultMode, on)
    }
    fn nvmlDeviceGetInforomConfigurationChecksum(device: nvmlDevice_t, checksum: *mut c_uint) |c| {
        let g = phys(c, device)?;
        let sum = g.spec().inforom_image.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
        put(checksum, sum)
    }
    fn nvmlDeviceValidateInforom(device: nvmlDevice_t) |c| {
        phys(c, device)?;
        Ok(())
    }
    fn nvmlDeviceGetIrqNum(device: nvmlDevice_t, irqNum: *mut c_uint) |c| {
        let i = c.m.gpu_index(device)?;
        put(irqNum, 200 + i as u32)
    }
    fn nvmlDeviceOnSameBoard(device1: nvmlDevice_t, device2: nvmlDevice_t, onSameBoard: *mut c_int) |c| {
        let a = c.m.gpu_index(device1)?;
        let b = c.m.gpu_index(device2)?;
        put(onSameBoard, c_int::from(a == b))
    }
}
