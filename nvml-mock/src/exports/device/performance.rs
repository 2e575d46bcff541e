//! Time spent held back by a performance policy (violation time).

use nvml_sys::*;

use super::phys;
use crate::marshal::put;

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
}
