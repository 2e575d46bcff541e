//! Clock and power control state: the power management mode, and the P-states a GPU goes
//! through with the clock range of each.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::machine::Gpu;
use crate::marshal::put;

/// The P-states a GPU goes through: P0 when busy; a desktop card idles in P8.
fn pstates(g: &Gpu) -> Vec<u32> {
    if g.readings.pstate == 0 {
        vec![NVML_PSTATE_0]
    } else {
        vec![NVML_PSTATE_0, g.readings.pstate]
    }
}

export! {
    fn nvmlDeviceGetSupportedPerformanceStates(device: nvmlDevice_t, pstates_: *mut nvmlPstates_t, size: c_uint) |c| {
        let list = pstates(phys(c, device)?);
        if pstates_.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        if (size as usize) < list.len() {
            return Err(NVML_ERROR_INSUFFICIENT_SIZE);
        }
        for i in 0..(size as usize).min(NVML_MAX_GPU_PERF_PSTATES as usize) {
            put(pstates_.wrapping_add(i), list.get(i).copied().unwrap_or(NVML_PSTATE_UNKNOWN))?;
        }
        Ok(())
    }
    fn nvmlDeviceGetMinMaxClockOfPState(device: nvmlDevice_t, type_: nvmlClockType_t, pstate: nvmlPstates_t, minClockMHz: *mut c_uint, maxClockMHz: *mut c_uint) |c| {
        let g = phys(c, device)?;
        if !pstates(g).contains(&pstate) {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let (s, now) = (g.spec(), &g.readings);
        let (min, max) = match type_ {
            NVML_CLOCK_GRAPHICS | NVML_CLOCK_SM => (s.min_graphics, if pstate == 0 { s.max_graphics } else { now.clock_graphics }),
            NVML_CLOCK_MEM => (if pstate == 0 { s.max_mem } else { now.clock_mem }, if pstate == 0 { s.max_mem } else { now.clock_mem }),
            NVML_CLOCK_VIDEO => (now.clock_video.min(s.max_video), s.max_video),
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        if maxClockMHz.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(minClockMHz, min)?;
        put(maxClockMHz, max)
    }
    fn nvmlDeviceGetPowerManagementMode(device: nvmlDevice_t, mode: *mut nvmlEnableState_t) |c| {
        phys(c, device)?;
        put(mode, NVML_FEATURE_ENABLED)
    }
}
