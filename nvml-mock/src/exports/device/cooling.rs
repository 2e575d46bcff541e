//! Fans: control policy, target speeds and the speed range.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::marshal::put;

export! {
    fn nvmlDeviceGetTargetFanSpeed(device: nvmlDevice_t, fan: c_uint, targetSpeed: *mut c_uint) |c| {
        let fans = &phys(c, device)?.spec().fans;
        if fans.is_empty() {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(targetSpeed, *fans.get(fan as usize).ok_or(NVML_ERROR_INVALID_ARGUMENT)?)
    }
    fn nvmlDeviceGetMinMaxFanSpeed(device: nvmlDevice_t, minSpeed: *mut c_uint, maxSpeed: *mut c_uint) |c| {
        if phys(c, device)?.spec().fans.is_empty() {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if maxSpeed.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(minSpeed, 30)?;
        put(maxSpeed, 100)
    }
    fn nvmlDeviceGetFanControlPolicy_v2(device: nvmlDevice_t, fan: c_uint, policy: *mut nvmlFanControlPolicy_t) |c| {
        let fans = phys(c, device)?.spec().fans.len();
        if fans == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if fan as usize >= fans {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // The driver's temperature-driven curve: the profile's fans are never set by hand.
        put(policy, NVML_FAN_POLICY_TEMPERATURE_CONTINOUS_SW)
    }
}
