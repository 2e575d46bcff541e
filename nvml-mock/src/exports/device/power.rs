//! Power: draw, limits and their constraints, the energy counter, and the power management
//! mode.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys::*;

use super::phys;
use crate::marshal::put;

export! {
    fn nvmlDeviceGetPowerUsage(device: nvmlDevice_t, power: *mut c_uint) |c| {
        put(power, phys(c, device)?.readings.power_usage_mw)
    }
    fn nvmlDeviceGetPowerManagementLimit(device: nvmlDevice_t, limit: *mut c_uint) |c| {
        put(limit, phys(c, device)?.power_limit_mw)
    }
    fn nvmlDeviceGetEnforcedPowerLimit(device: nvmlDevice_t, limit: *mut c_uint) |c| {
        put(limit, phys(c, device)?.power_limit_mw)
    }
    fn nvmlDeviceGetPowerManagementDefaultLimit(device: nvmlDevice_t, defaultLimit: *mut c_uint) |c| {
        put(defaultLimit, phys(c, device)?.spec().power_default_limit_mw)
    }
    fn nvmlDeviceGetPowerManagementLimitConstraints(device: nvmlDevice_t, minLimit: *mut c_uint, maxLimit: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        if maxLimit.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(minLimit, s.power_min_limit_mw)?;
        put(maxLimit, s.power_max_limit_mw)
    }
    fn nvmlDeviceGetTotalEnergyConsumption(device: nvmlDevice_t, energy: *mut c_ulonglong) |c| {
        let g = phys(c, device)?;
        put(energy, c.m.energy_mj(g))
    }
    fn nvmlDeviceGetPowerManagementMode(device: nvmlDevice_t, mode: *mut nvmlEnableState_t) |c| {
        phys(c, device)?;
        put(mode, NVML_FEATURE_ENABLED)
    }
}
