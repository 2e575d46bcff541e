//! Multi-Instance GPU: modes, GPU/compute instance profiles, placements, instances and MIG
//! device handles.

use std::ffi::c_uint;

use nvml_sys::*;

use crate::state::put;

export! {
    fn nvmlDeviceGetMigMode(device: nvmlDevice_t, currentMode: *mut c_uint, pendingMode: *mut c_uint) |c| {
        let g = c.m.gpu(device)?;
        if !g.spec.mig_capable {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if pendingMode.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(currentMode, u32::from(g.mig_current))?;
        put(pendingMode, u32::from(g.mig_pending))
    }
}
