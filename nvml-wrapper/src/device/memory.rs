//! Memory: frame buffer and BAR1.

use nvml_sys as sys;

use super::Device;
use crate::error::Result;
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// Frame-buffer memory, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MemoryInfo {
    /// Total installed memory.
    pub total: u64,
    /// Memory reserved by the system and driver (0 where the driver lacks
    /// `nvmlDeviceGetMemoryInfo_v2`, which counts it inside `used` instead).
    pub reserved: u64,
    /// Unallocated memory.
    pub free: u64,
    /// Allocated memory.
    pub used: u64,
}

impl MemoryInfo {
    /// From `nvmlMemory_v2_t`.
    #[inline]
    pub(crate) fn from_v2(mem: &sys::nvmlMemory_v2_t) -> Self {
        Self {
            total: mem.total,
            reserved: mem.reserved,
            free: mem.free,
            used: mem.used,
        }
    }

    /// From `nvmlMemory_t`, which counts the reserved memory inside `used`.
    #[inline]
    pub(crate) fn from_v1(mem: &sys::nvmlMemory_t) -> Self {
        Self {
            total: mem.total,
            reserved: 0,
            free: mem.free,
            used: mem.used,
        }
    }
}

/// BAR1 memory (the PCIe window onto the frame buffer), in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Bar1Memory {
    /// Total BAR1 memory.
    pub total: u64,
    /// Unallocated BAR1 memory.
    pub free: u64,
    /// Allocated BAR1 memory.
    pub used: u64,
}

impl<N: NvmlRef> Device<'_, N> {
    /// Frame-buffer memory (`nvmlDeviceGetMemoryInfo_v2` with `nvmlMemory_v2`, falling back
    /// to `nvmlDeviceGetMemoryInfo` on drivers without it or that reject the struct version:
    /// real drivers answer `NVML_ERROR_FUNCTION_NOT_FOUND` to a version they do not take
    /// here, not `NVML_ERROR_ARGUMENT_VERSION_MISMATCH`; either falls back).
    #[inline]
    #[doc(alias = "nvmlDeviceGetMemoryInfo")]
    #[doc(alias = "nvmlDeviceGetMemoryInfo_v2")]
    pub fn memory_info(&self) -> Result<MemoryInfo> {
        self.nvml.versions().memory_info(self.handle)
    }

    /// BAR1 memory (`nvmlDeviceGetBAR1MemoryInfo`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetBAR1MemoryInfo")]
    pub fn bar1_memory_info(&self) -> Result<Bar1Memory> {
        let mut bar1 = sys::nvmlBAR1Memory_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetBAR1MemoryInfo(self.handle, &mut bar1)
        )?;
        Ok(Bar1Memory {
            total: bar1.bar1Total,
            free: bar1.bar1Free,
            used: bar1.bar1Used,
        })
    }
}
