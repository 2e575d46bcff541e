//! Process accounting: its mode and buffer.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::marshal::put;

export! {
    // The accounting buffer holds 4000 processes, whether accounting is on or off (a real
    // H100: captures/qx-h100.xml).
    fn nvmlDeviceGetAccountingBufferSize(device: nvmlDevice_t, bufferSize: *mut c_uint) |c| {
        phys(c, device)?;
        put(bufferSize, 4000)
    }
    fn nvmlDeviceGetAccountingMode(device: nvmlDevice_t, mode: *mut nvmlEnableState_t) |c| {
        phys(c, device)?;
        put(mode, NVML_FEATURE_DISABLED)
    }
}
