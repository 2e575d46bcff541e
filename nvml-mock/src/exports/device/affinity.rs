//! The GPU's memory addressing mode.

use nvml_sys::*;

use super::phys;
use crate::marshal::{get, put};

export! {
    fn nvmlDeviceGetAddressingMode(device: nvmlDevice_t, mode: *mut nvmlDeviceAddressingMode_t) |c| {
        let value = phys(c, device)?.spec().addressing_mode;
        let v: nvmlDeviceAddressingMode_t = get(mode)?;
        if v.version != nvmlDeviceAddressingMode_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        put(mode, nvmlDeviceAddressingMode_t { version: v.version, value })
    }
}
