//! CPU and memory affinity commands, NUMA node, addressing mode, and memory repair status.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use crate::enums::AddressingMode;
use crate::error::Result;
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// Whether a TPC or channel repair is waiting for the next GPU reset
/// (`nvmlRepairStatus_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RepairStatus {
    /// A memory channel repair is pending.
    pub channel_repair_pending: bool,
    /// A TPC (texture processing cluster) repair is pending.
    pub tpc_repair_pending: bool,
}

impl<N: NvmlRef> Device<'_, N> {
    /// Binds the calling thread to the CPUs closest to this device
    /// (`nvmlDeviceSetCpuAffinity`). Linux only.
    #[doc(alias = "nvmlDeviceSetCpuAffinity")]
    pub fn set_cpu_affinity(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceSetCpuAffinity(self.handle))
    }

    /// Undoes [`set_cpu_affinity`](Self::set_cpu_affinity): the calling thread may run on
    /// any CPU again (`nvmlDeviceClearCpuAffinity`). Linux only.
    #[doc(alias = "nvmlDeviceClearCpuAffinity")]
    pub fn clear_cpu_affinity(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceClearCpuAffinity(self.handle))
    }

    /// The NUMA node that is the device's own memory (`nvmlDeviceGetNumaNodeId`), on
    /// platforms where GPUs are NUMA nodes (Grace systems). This is not the host node the GPU
    /// sits near: that is its [`memory_affinity`](Self::memory_affinity).
    ///
    /// # Errors
    /// [`NotSupported`](crate::NvmlError::NotSupported) where the GPU is not a NUMA node, as
    /// on x86 machines (`nvidia-smi topo -m` shows "GPU NUMA ID" N/A there).
    #[doc(alias = "nvmlDeviceGetNumaNodeId")]
    pub fn numa_node_id(&self) -> Result<u32> {
        let mut node: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetNumaNodeId(self.handle, &mut node))?;
        Ok(node)
    }

    /// How the GPU reaches system-allocated memory: HMM, ATS or neither
    /// (`nvmlDeviceGetAddressingMode` with `nvmlDeviceAddressingMode_v1`). Turing or newer,
    /// Linux only.
    #[doc(alias = "nvmlDeviceGetAddressingMode")]
    pub fn addressing_mode(&self) -> Result<AddressingMode> {
        let mut mode = sys::nvmlDeviceAddressingMode_t {
            version: sys::nvmlDeviceAddressingMode_v1,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAddressingMode(self.handle, &mut mode)
        )?;
        AddressingMode::try_from(mode.value)
    }

    /// Pending TPC and channel repairs (`nvmlDeviceGetRepairStatus` with
    /// `nvmlRepairStatus_v1`). Ampere or newer.
    #[doc(alias = "nvmlDeviceGetRepairStatus")]
    pub fn repair_status(&self) -> Result<RepairStatus> {
        let mut status = sys::nvmlRepairStatus_t {
            version: sys::nvmlRepairStatus_v1,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetRepairStatus(self.handle, &mut status)
        )?;
        Ok(RepairStatus {
            channel_repair_pending: status.bChannelRepairPending != 0,
            tpc_repair_pending: status.bTpcRepairPending != 0,
        })
    }

    /// Whether the device has memory errors that row remapping cannot repair
    /// (`nvmlDeviceGetUnrepairableMemoryFlag_v1`). Hopper or newer.
    #[doc(alias = "nvmlDeviceGetUnrepairableMemoryFlag_v1")]
    pub fn has_unrepairable_memory(&self) -> Result<bool> {
        let mut status = sys::nvmlUnrepairableMemoryStatus_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetUnrepairableMemoryFlag_v1(self.handle, &mut status)
        )?;
        Ok(status.bUnrepairableMemory != 0)
    }
}
