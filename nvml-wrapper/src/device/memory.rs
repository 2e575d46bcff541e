//! Memory: frame buffer and BAR1, the memory bus width, DRAM encryption, and cgroup memory
//! limits.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use crate::enums::{enable_state, enabled};
use crate::error::Result;
use crate::ffi::{c_string, nvml_call};
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

/// DRAM encryption, now and after the next reset (`nvmlDeviceGetDramEncryptionMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DramEncryptionMode {
    /// Encryption is on now.
    pub current: bool,
    /// Encryption will be on after the next reset.
    pub pending: bool,
}

/// Memory limits of a cgroup on this device, in bytes (`nvmlGetMemoryLimits_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MemoryLimits {
    /// Soft limit.
    pub soft_limit: u64,
    /// Hard limit.
    pub hard_limit: u64,
    /// Memory used against the limits.
    pub current_used: u64,
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

    /// Width of the memory bus, in bits (`nvmlDeviceGetMemoryBusWidth`).
    #[doc(alias = "nvmlDeviceGetMemoryBusWidth")]
    pub fn memory_bus_width(&self) -> Result<u32> {
        let mut width: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMemoryBusWidth(self.handle, &mut width)
        )?;
        Ok(width)
    }

    /// DRAM encryption, now and after the next reset (`nvmlDeviceGetDramEncryptionMode` with
    /// `nvmlDramEncryptionInfo_v1`).
    #[doc(alias = "nvmlDeviceGetDramEncryptionMode")]
    pub fn dram_encryption_mode(&self) -> Result<DramEncryptionMode> {
        let blank = sys::nvmlDramEncryptionInfo_t {
            version: sys::nvmlDramEncryptionInfo_v1,
            encryptionState: sys::NVML_FEATURE_DISABLED,
        };
        let (mut current, mut pending) = (blank, blank);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetDramEncryptionMode(self.handle, &mut current, &mut pending)
        )?;
        Ok(DramEncryptionMode {
            current: enabled(current.encryptionState, "DRAM encryption state")?,
            pending: enabled(pending.encryptionState, "DRAM encryption state")?,
        })
    }

    /// Turns DRAM encryption on or off from the next reset (`nvmlDeviceSetDramEncryptionMode`
    /// with `nvmlDramEncryptionInfo_v1`). Requires root.
    #[doc(alias = "nvmlDeviceSetDramEncryptionMode")]
    pub fn set_dram_encryption_mode(&self, on: bool) -> Result<()> {
        let info = sys::nvmlDramEncryptionInfo_t {
            version: sys::nvmlDramEncryptionInfo_v1,
            encryptionState: enable_state(on),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetDramEncryptionMode(self.handle, &info)
        )
    }

    /// Memory limits of a cgroup on this device (`nvmlDeviceGetMemoryLimits_v1`).
    /// `cgroup` is the full sysfs path of the cgroup file; Linux only.
    #[doc(alias = "nvmlDeviceGetMemoryLimits_v1")]
    pub fn memory_limits(&self, cgroup: &str) -> Result<MemoryLimits> {
        let path = c_string(cgroup)?;
        let mut limits = sys::nvmlGetMemoryLimits_v1_t {
            nameSpace: path.as_ptr(),
            softLimit: 0,
            hardLimit: 0,
            currentUsed: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMemoryLimits_v1(self.handle, &mut limits)
        )?;
        Ok(MemoryLimits {
            soft_limit: limits.softLimit,
            hard_limit: limits.hardLimit,
            current_used: limits.currentUsed,
        })
    }

    /// Sets the soft and hard memory limits, in bytes, of a cgroup on this device
    /// (`nvmlDeviceSetMemoryLimits_v1`). `cgroup` is the full sysfs path of the cgroup file.
    /// Requires root; Linux only.
    #[doc(alias = "nvmlDeviceSetMemoryLimits_v1")]
    pub fn set_memory_limits(&self, cgroup: &str, soft_limit: u64, hard_limit: u64) -> Result<()> {
        let path = c_string(cgroup)?;
        let mut limits = sys::nvmlSetMemoryLimits_v1_t {
            nameSpace: path.as_ptr(),
            softLimit: soft_limit,
            hardLimit: hard_limit,
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetMemoryLimits_v1(self.handle, &mut limits)
        )
    }
}
