//! Performance: the P-state and power state, the P-states a GPU goes through with the clock
//! range of each, clocks event reasons, and time held back by a performance policy (violation
//! time).

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys::*;

use super::{clocks_event_reasons, phys};
use crate::machine::Gpu;
use crate::marshal::put;
use crate::support::Feature;

/// The P-states a GPU goes through: P0 when busy; a desktop card idles in P8.
fn pstates(g: &Gpu) -> Vec<u32> {
    if g.readings.pstate == 0 {
        vec![NVML_PSTATE_0]
    } else {
        vec![NVML_PSTATE_0, g.readings.pstate]
    }
}

export! {
    fn nvmlDeviceGetViolationStatus(device: nvmlDevice_t, perfPolicyType: nvmlPerfPolicyType_t, violTime: *mut nvmlViolationTime_t) |c| {
        let g = phys(c, device)?;
        if perfPolicyType >= NVML_PERF_POLICY_COUNT {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let now_ns = c.m.now_us().saturating_mul(1000);
        // A power-capped GPU spends a tenth of its time at the power limit.
        let capped = super::clocks_event_reasons(g) & u64::from(nvmlClocksEventReasonSwPowerCap) != 0;
        let violation = if perfPolicyType == NVML_PERF_POLICY_POWER && capped { now_ns / 10 } else { 0 };
        put(violTime, nvmlViolationTime_t { referenceTime: now_ns, violationTime: violation })
    }
    fn nvmlDeviceGetPerformanceState(device: nvmlDevice_t, pState: *mut nvmlPstates_t) |c| {
        let p = phys(c, device)?.readings.pstate;
        put(pState, c.enum_value(p, 77))
    }
    fn nvmlDeviceGetPowerState(device: nvmlDevice_t, pState: *mut nvmlPstates_t) |c| {
        let g = phys(c, device)?;
        g.support.check(Feature::PowerState)?;
        let p = g.readings.pstate;
        put(pState, c.enum_value(p, 77))
    }
    fn nvmlDeviceGetCurrentClocksEventReasons(device: nvmlDevice_t, clocksEventReasons: *mut c_ulonglong) |c| {
        put(clocksEventReasons, clocks_event_reasons(phys(c, device)?))
    }
    fn nvmlDeviceGetCurrentClocksThrottleReasons(device: nvmlDevice_t, clocksThrottleReasons: *mut c_ulonglong) |c| {
        put(clocksThrottleReasons, clocks_event_reasons(phys(c, device)?))
    }
    fn nvmlDeviceGetSupportedClocksEventReasons(device: nvmlDevice_t, supportedClocksEventReasons: *mut c_ulonglong) |c| {
        phys(c, device)?;
        put(supportedClocksEventReasons, 0x1ff)
    }
    fn nvmlDeviceGetSupportedClocksThrottleReasons(device: nvmlDevice_t, supportedClocksThrottleReasons: *mut c_ulonglong) |c| {
        phys(c, device)?;
        put(supportedClocksThrottleReasons, 0x1ff)
    }
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
}
