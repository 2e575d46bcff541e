//! Modes: persistence, compute, display and multi-GPU board.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::marshal::put;
use crate::support::Feature;

export! {
    fn nvmlDeviceGetMultiGpuBoard(device: nvmlDevice_t, multiGpuBool: *mut c_uint) |c| {
        phys(c, device)?;
        put(multiGpuBool, 0)
    }
    fn nvmlDeviceGetPersistenceMode(device: nvmlDevice_t, mode: *mut nvmlEnableState_t) |c| {
        let on = phys(c, device)?.persistence;
        put(mode, if on { NVML_FEATURE_ENABLED } else { NVML_FEATURE_DISABLED })
    }
    fn nvmlDeviceGetComputeMode(device: nvmlDevice_t, mode: *mut nvmlComputeMode_t) |c| {
        let m = phys(c, device)?.compute_mode;
        put(mode, c.enum_value(m, NVML_COMPUTEMODE_COUNT + 5))
    }
    fn nvmlDeviceGetDisplayMode(device: nvmlDevice_t, display: *mut nvmlEnableState_t) |c| {
        let g = phys(c, device)?;
        g.support.check(Feature::DisplayMode)?;
        put(display, u32::from(g.spec().display_mode))
    }
    fn nvmlDeviceGetDisplayActive(device: nvmlDevice_t, isActive: *mut nvmlEnableState_t) |c| {
        phys(c, device)?;
        put(isActive, NVML_FEATURE_DISABLED)
    }
}
