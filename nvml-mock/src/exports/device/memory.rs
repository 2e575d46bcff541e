//! Memory: framebuffer and BAR1 usage.

use nvml_sys::*;

use super::{bar1, memory};
use crate::marshal::{get, put};

export! {
    fn nvmlDeviceGetMemoryInfo(device: nvmlDevice_t, memory_: *mut nvmlMemory_t) |c| {
        let (total, reserved, allocated) = memory(c, device)?;
        let used = allocated + reserved;
        put(memory_, nvmlMemory_t { total, free: total.saturating_sub(used), used })
    }
    fn nvmlDeviceGetMemoryInfo_v2(device: nvmlDevice_t, memory_: *mut nvmlMemory_v2_t) |c| {
        let (total, reserved, used) = memory(c, device)?;
        let v: nvmlMemory_v2_t = get(memory_)?;
        if v.version != nvmlMemory_v2 {
            // What real drivers answer to a version other than nvmlMemory_v2 (a bare 2, as
            // the header's "must be 2" suggests): FUNCTION_NOT_FOUND, not the
            // ARGUMENT_VERSION_MISMATCH of other versioned structs. Reported on 510.39.01
            // (NVIDIA/nvidia-settings#78), through nvidia-ml-py (gpuopenanalytics/pynvml#59)
            // and by dxvk-nvapi (jp7677/dxvk-nvapi#198).
            return Err(NVML_ERROR_FUNCTION_NOT_FOUND);
        }
        put(memory_, nvmlMemory_v2_t {
            version: v.version,
            total,
            reserved,
            used,
            free: total.saturating_sub(used + reserved),
        })
    }
    fn nvmlDeviceGetBAR1MemoryInfo(device: nvmlDevice_t, bar1Memory: *mut nvmlBAR1Memory_t) |c| {
        put(bar1Memory, bar1(c, device)?)
    }
}
