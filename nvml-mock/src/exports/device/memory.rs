//! Memory: framebuffer and BAR1 usage, and the memory bus width.

use std::ffi::c_uint;

use nvml_sys::*;

use super::{gpu, memory, phys};
use crate::dispatch::Ctx;
use crate::handles::{DeviceRef, device_ref};
use crate::marshal::{get, put};
use crate::struct_versions;

/// BAR1 a GPU instance maps with nothing running: 2 MiB (`nvidia-smi`'s "MIG devices" table
/// on an A100 80GB, XuehaiPan/nvitop pull request 8).
const MIG_IDLE_BAR1_USED: u64 = 2 * 1024 * 1024;

/// BAR1 of a GPU, or of a MIG device: its GPU instance's share of the GPU's BAR1 less 1 MiB,
/// with 2 MiB mapped when idle (an A100 80GB's 2g.20gb instance shows 2MiB / 32767MiB, with
/// 131072 MiB on the GPU: XuehaiPan/nvitop pull request 8).
fn bar1(c: &Ctx<'_>, device: nvmlDevice_t) -> Result<nvmlBAR1Memory_t, nvmlReturn_t> {
    let g = gpu(c, device)?;
    let (total, used) = match device_ref(device) {
        Some(DeviceRef::Mig(_, gid, _)) => {
            let (x, _) = g.mig_instance(gid)?;
            let share =
                g.spec().bar1_total / u64::from(crate::profile::MEMORY_SLICES) * u64::from(x.size);
            let total = share.saturating_sub(1024 * 1024);
            (total, MIG_IDLE_BAR1_USED.min(total))
        }
        _ => (g.spec().bar1_total, g.spec().bar1_used),
    };
    Ok(nvmlBAR1Memory_t {
        bar1Total: total,
        bar1Used: used,
        bar1Free: total.saturating_sub(used),
    })
}

export! {
    fn nvmlDeviceGetMemoryInfo(device: nvmlDevice_t, memory_: *mut nvmlMemory_t) |c| {
        let (total, reserved, allocated) = memory(c, device)?;
        let used = allocated + reserved;
        put(memory_, nvmlMemory_t { total, free: total.saturating_sub(used), used })
    }
    fn nvmlDeviceGetMemoryInfo_v2(device: nvmlDevice_t, memory_: *mut nvmlMemory_v2_t) |c| {
        let (total, reserved, used) = memory(c, device)?;
        let v: nvmlMemory_v2_t = get(memory_)?;
        if !struct_versions::nvmlDeviceGetMemoryInfo_v2.contains(&v.version) {
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
    fn nvmlDeviceGetMemoryBusWidth(device: nvmlDevice_t, busWidth: *mut c_uint) |c| {
        put(busWidth, phys(c, device)?.spec().memory_bus_width)
    }
}
