//! Device commands: the setters. Privileged ones answer `NVML_ERROR_NO_PERMISSION` unless the
//! caller is root (profile `"root": true` or `nvml_mock_set_root`).

use std::ffi::c_uint;

use nvml_sys::*;

use crate::state::{Ctx, Gpu, get};

fn target<'a>(c: &'a mut Ctx<'_>, device: nvmlDevice_t) -> Result<&'a mut Gpu, nvmlReturn_t> {
    c.require_root_or_check(device)?;
    c.m.gpu_mut(device)
}

fn set_limit(c: &mut Ctx<'_>, device: nvmlDevice_t, mw: u32) -> Result<(), nvmlReturn_t> {
    let g = target(c, device)?;
    if mw < g.spec.power_min_limit_mw || mw > g.spec.power_max_limit_mw {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    g.power_limit_mw = mw;
    Ok(())
}

export! {
    fn nvmlDeviceSetPersistenceMode(device: nvmlDevice_t, mode: nvmlEnableState_t) |c| {
        if mode > NVML_FEATURE_ENABLED {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        target(c, device)?.persistence = mode == NVML_FEATURE_ENABLED;
        Ok(())
    }
    fn nvmlDeviceSetComputeMode(device: nvmlDevice_t, mode: nvmlComputeMode_t) |c| {
        if mode >= NVML_COMPUTEMODE_COUNT || mode == NVML_COMPUTEMODE_EXCLUSIVE_THREAD {
            // EXCLUSIVE_THREAD has been unsupported since CUDA 8.
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        target(c, device)?.compute_mode = mode;
        Ok(())
    }
    fn nvmlDeviceSetPowerManagementLimit(device: nvmlDevice_t, limit: c_uint) |c| {
        set_limit(c, device, limit)
    }
    fn nvmlDeviceSetPowerManagementLimit_v2(device: nvmlDevice_t, powerValue: *mut nvmlPowerValue_v2_t) |c| {
        let v: nvmlPowerValue_v2_t = get(powerValue)?;
        if v.version != nvmlPowerValue_v2 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        set_limit(c, device, v.powerValueMw)
    }
    fn nvmlDeviceSetApplicationsClocks(device: nvmlDevice_t, memClockMHz: c_uint, graphicsClockMHz: c_uint) |c| {
        let g = target(c, device)?;
        let ok = g
            .spec
            .supported_graphics_clocks(memClockMHz)
            .is_some_and(|list| list.contains(&graphicsClockMHz));
        if !ok {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        g.app_clocks = (memClockMHz, graphicsClockMHz);
        Ok(())
    }
    fn nvmlDeviceResetApplicationsClocks(device: nvmlDevice_t) |c| {
        let g = target(c, device)?;
        g.app_clocks = (g.spec.default_app_mem, g.spec.default_app_graphics);
        Ok(())
    }
    fn nvmlDeviceSetEccMode(device: nvmlDevice_t, ecc: nvmlEnableState_t) |c| {
        if ecc > NVML_FEATURE_ENABLED {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let g = target(c, device)?;
        if !g.spec.ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        // Takes effect after the next reboot: only the pending mode changes.
        g.ecc_pending = ecc == NVML_FEATURE_ENABLED;
        Ok(())
    }
    fn nvmlDeviceClearEccErrorCounts(device: nvmlDevice_t, counterType: nvmlEccCounterType_t) |c| {
        let g = target(c, device)?;
        if !g.spec.ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        match counterType {
            NVML_VOLATILE_ECC => {
                g.ecc_corrected_volatile = 0;
                g.ecc_uncorrected_volatile = 0;
                Ok(())
            }
            NVML_AGGREGATE_ECC => Ok(()),
            _ => Err(NVML_ERROR_INVALID_ARGUMENT),
        }
    }
}
