//! Virtualization mode.

use nvml_sys::*;

use super::phys;
use crate::marshal::put;

export! {
    fn nvmlDeviceGetVirtualizationMode(device: nvmlDevice_t, pVirtualMode: *mut nvmlGpuVirtualizationMode_t) |c| {
        let mode = phys(c, device)?.spec().virtualization_mode;
        put(pVirtualMode, c.enum_value(mode, 42))
    }
}
