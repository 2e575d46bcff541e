//! Performance: the P-state and power state, clocks event reasons, and time held back by a
//! performance policy (violation time).

use std::ffi::c_ulonglong;

use nvml_sys::*;

use super::{clocks_event_reasons, phys};
use crate::marshal::put;
use crate::support::Feature;

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
}
