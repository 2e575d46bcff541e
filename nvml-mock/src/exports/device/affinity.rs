//! The GPU's NUMA node and memory addressing mode.

use std::ffi::c_uint;

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
    fn nvmlDeviceGetNumaNodeId(device: nvmlDevice_t, node: *mut c_uint) |c| {
        // "Only applies to platforms where the GPUs are NUMA nodes" (nvml.h): the GPU's own
        // memory node, not the host node it sits near.
        match phys(c, device)?.spec().gpu_numa_node {
            Some(n) => put(node, n),
            None => Err(NVML_ERROR_NOT_SUPPORTED),
        }
    }
}
