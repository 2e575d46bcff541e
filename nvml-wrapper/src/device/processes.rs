//! Processes running on a device: compute, graphics and MPS.
//!
//! NVML has three versions of each query. `_v3` and `_v2` fill `nvmlProcessInfo_t` (24
//! bytes: pid, used memory, GPU and compute instance ids), the unsuffixed version fills
//! `nvmlProcessInfo_v1_t` (16 bytes: pid and used memory). The version is chosen once per
//! library (see [`versions`](crate::versions)); all three become one [`ProcessInfo`].
//!
//! Early R535 drivers fill 32-byte entries from `_v3`, against the header; the version table
//! uses `_v2` on them, so the buffer is never overrun.

use nvml_sys as sys;

use super::Device;
use crate::enums::nvml_enum;
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_list, read_list_as};
use crate::nvml_ref::NvmlRef;

/// A process using a GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProcessInfo {
    /// Process id.
    pub pid: u32,
    /// GPU memory the process uses, in bytes; `None` where the driver cannot tell
    /// (`NVML_VALUE_NOT_AVAILABLE`, e.g. on Windows in WDDM mode or without permission).
    pub used_gpu_memory: Option<u64>,
    /// The MIG GPU instance the process runs in; `None` without MIG, or where the driver
    /// only has the oldest form of the query.
    pub gpu_instance_id: Option<u32>,
    /// The MIG compute instance the process runs in; `None` as for `gpu_instance_id`.
    pub compute_instance_id: Option<u32>,
}

/// `usedGpuMemory` when the driver cannot tell: `NVML_VALUE_NOT_AVAILABLE` (-1) stored in an
/// `unsigned long long`, i.e. `u64::MAX`.
const MEMORY_NOT_AVAILABLE: u64 = sys::NVML_VALUE_NOT_AVAILABLE as u64;
/// An instance id that is not set (the process is not in a MIG instance): 0xFFFFFFFF.
const NO_INSTANCE: u32 = sys::NVML_VALUE_NOT_AVAILABLE as u32;

fn memory(used: u64) -> Option<u64> {
    (used != MEMORY_NOT_AVAILABLE).then_some(used)
}

fn instance(id: u32) -> Option<u32> {
    (id != NO_INSTANCE).then_some(id)
}

impl From<sys::nvmlProcessInfo_t> for ProcessInfo {
    /// From the struct of the `_v3` and `_v2` queries (`nvmlProcessInfo_t` is
    /// `nvmlProcessInfo_v2_t`).
    fn from(info: sys::nvmlProcessInfo_t) -> Self {
        Self {
            pid: info.pid,
            used_gpu_memory: memory(info.usedGpuMemory),
            gpu_instance_id: instance(info.gpuInstanceId),
            compute_instance_id: instance(info.computeInstanceId),
        }
    }
}

impl From<sys::nvmlProcessInfo_v1_t> for ProcessInfo {
    /// From the struct of the unsuffixed query, which has no MIG instance ids.
    fn from(info: sys::nvmlProcessInfo_v1_t) -> Self {
        Self {
            pid: info.pid,
            used_gpu_memory: memory(info.usedGpuMemory),
            gpu_instance_id: None,
            compute_instance_id: None,
        }
    }
}

nvml_enum! {
    /// Which processes [`Device::running_process_detail_list`] lists (`nvmlProcessMode_t`).
    pub enum ProcessMode: sys::nvmlProcessMode_t {
        /// Processes with a compute context (`NVML_PROCESS_MODE_COMPUTE`).
        Compute = sys::NVML_PROCESS_MODE_COMPUTE,
        /// Processes with a graphics context (`NVML_PROCESS_MODE_GRAPHICS`).
        Graphics = sys::NVML_PROCESS_MODE_GRAPHICS,
        /// Processes with an MPS compute context (`NVML_PROCESS_MODE_MPS`).
        Mps = sys::NVML_PROCESS_MODE_MPS,
        /// Every process on the GPU (`NVML_PROCESS_MODE_ALL`).
        All = sys::NVML_PROCESS_MODE_ALL,
    }
}

/// A process with its protected memory ([`Device::running_process_detail_list`],
/// `nvmlProcessDetail_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProcessDetail {
    /// Process id, GPU memory and MIG instances, as [`Device::running_compute_processes`]
    /// gives them.
    pub info: ProcessInfo,
    /// Confidential-computing protected memory the process uses, in bytes (0 outside CC
    /// mode; not available with MIG).
    pub used_gpu_cc_protected_memory: u64,
}

impl From<sys::nvmlProcessDetail_v1_t> for ProcessDetail {
    fn from(raw: sys::nvmlProcessDetail_v1_t) -> Self {
        Self {
            info: ProcessInfo {
                pid: raw.pid,
                used_gpu_memory: memory(raw.usedGpuMemory),
                gpu_instance_id: instance(raw.gpuInstanceId),
                compute_instance_id: instance(raw.computeInstanceId),
            },
            used_gpu_cc_protected_memory: raw.usedGpuCcProtectedMemory,
        }
    }
}

/// Reads a process list through the version of `$family` the library offers: each arm names
/// the symbol and the struct it fills, and every struct becomes a [`ProcessInfo`].
macro_rules! process_list {
    ($device:expr, $family:ident {
        3 => $v3:ident, 2 => $v2:ident, 1 => $v1:ident $(,)?
    }) => {{
        let device = $device;
        match device.nvml.versions().$family() {
            $crate::versions::$family::Version::$v3 => read_list_as(
                |count, infos| nvml_call!(device.nvml, $family::$v3(device.handle, count, infos)),
                ProcessInfo::from,
            ),
            $crate::versions::$family::Version::$v2 => read_list_as(
                |count, infos| nvml_call!(device.nvml, $family::$v2(device.handle, count, infos)),
                ProcessInfo::from,
            ),
            $crate::versions::$family::Version::$v1 => read_list_as(
                |count, infos| nvml_call!(device.nvml, $family::$v1(device.handle, count, infos)),
                ProcessInfo::from,
            ),
            $crate::versions::$family::Version::Missing => {
                Err(NvmlError::MissingSymbol(stringify!($v3)))
            }
        }
    }};
}

impl<N: NvmlRef> Device<'_, N> {
    /// Processes with a compute (e.g. CUDA) context on the device
    /// (`nvmlDeviceGetComputeRunningProcesses_v3`, `_v2` or `nvmlDeviceGetComputeRunningProcesses`,
    /// the newest the driver has).
    ///
    /// With MIG on, a whole-GPU handle lists every instance's processes only for privileged
    /// callers; a MIG device handle lists its own.
    #[doc(alias = "nvmlDeviceGetComputeRunningProcesses")]
    #[doc(alias = "nvmlDeviceGetComputeRunningProcesses_v2")]
    #[doc(alias = "nvmlDeviceGetComputeRunningProcesses_v3")]
    pub fn running_compute_processes(&self) -> Result<Vec<ProcessInfo>> {
        process_list!(self, compute_processes {
            3 => nvmlDeviceGetComputeRunningProcesses_v3,
            2 => nvmlDeviceGetComputeRunningProcesses_v2,
            1 => nvmlDeviceGetComputeRunningProcesses,
        })
    }

    /// Processes with a graphics (e.g. OpenGL, Vulkan) context on the device
    /// (`nvmlDeviceGetGraphicsRunningProcesses_v3`, `_v2` or
    /// `nvmlDeviceGetGraphicsRunningProcesses`, the newest the driver has).
    #[doc(alias = "nvmlDeviceGetGraphicsRunningProcesses")]
    #[doc(alias = "nvmlDeviceGetGraphicsRunningProcesses_v2")]
    #[doc(alias = "nvmlDeviceGetGraphicsRunningProcesses_v3")]
    pub fn running_graphics_processes(&self) -> Result<Vec<ProcessInfo>> {
        process_list!(self, graphics_processes {
            3 => nvmlDeviceGetGraphicsRunningProcesses_v3,
            2 => nvmlDeviceGetGraphicsRunningProcesses_v2,
            1 => nvmlDeviceGetGraphicsRunningProcesses,
        })
    }

    /// The processes of one kind (or all) on the device, with the confidential-computing
    /// protected memory each uses (`nvmlDeviceGetRunningProcessDetailList` with
    /// `nvmlProcessDetailList_v1`). Hopper or newer.
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] on older GPUs; [`NvmlError::NoPermission`] for the
    /// aggregate of a MIG-enabled GPU without privileges.
    #[doc(alias = "nvmlDeviceGetRunningProcessDetailList")]
    pub fn running_process_detail_list(&self, mode: ProcessMode) -> Result<Vec<ProcessDetail>> {
        let list = read_list(|count, procs| {
            let mut plist = sys::nvmlProcessDetailList_t {
                version: sys::nvmlProcessDetailList_v1,
                mode: mode.as_raw(),
                numProcArrayEntries: *count,
                procArray: procs,
            };
            let result = nvml_call!(
                self.nvml,
                nvmlDeviceGetRunningProcessDetailList(self.handle, &mut plist)
            );
            *count = plist.numProcArrayEntries;
            result
        })?;
        Ok(list.into_iter().map(ProcessDetail::from).collect())
    }

    /// Processes running through the Multi-Process Service (MPS) on the device
    /// (`nvmlDeviceGetMPSComputeRunningProcesses_v3`, `_v2` or
    /// `nvmlDeviceGetMPSComputeRunningProcesses`, the newest the driver has).
    #[doc(alias = "nvmlDeviceGetMPSComputeRunningProcesses")]
    #[doc(alias = "nvmlDeviceGetMPSComputeRunningProcesses_v2")]
    #[doc(alias = "nvmlDeviceGetMPSComputeRunningProcesses_v3")]
    pub fn mps_compute_running_processes(&self) -> Result<Vec<ProcessInfo>> {
        process_list!(self, mps_processes {
            3 => nvmlDeviceGetMPSComputeRunningProcesses_v3,
            2 => nvmlDeviceGetMPSComputeRunningProcesses_v2,
            1 => nvmlDeviceGetMPSComputeRunningProcesses,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_struct_version_becomes_one_process_info() {
        let v2 = sys::nvmlProcessInfo_v2_t {
            pid: 42,
            usedGpuMemory: 1 << 30,
            gpuInstanceId: 3,
            computeInstanceId: 0,
        };
        assert_eq!(
            ProcessInfo::from(v2),
            ProcessInfo {
                pid: 42,
                used_gpu_memory: Some(1 << 30),
                gpu_instance_id: Some(3),
                compute_instance_id: Some(0),
            }
        );
        let v1 = sys::nvmlProcessInfo_v1_t {
            pid: 42,
            usedGpuMemory: 1 << 30,
        };
        assert_eq!(
            ProcessInfo::from(v1),
            ProcessInfo {
                pid: 42,
                used_gpu_memory: Some(1 << 30),
                gpu_instance_id: None,
                compute_instance_id: None,
            }
        );
    }

    #[test]
    fn not_available_values_are_none() {
        let info = ProcessInfo::from(sys::nvmlProcessInfo_t {
            pid: 7,
            // NVML_VALUE_NOT_AVAILABLE (-1) in an unsigned long long.
            usedGpuMemory: sys::NVML_VALUE_NOT_AVAILABLE as u64,
            gpuInstanceId: sys::NVML_VALUE_NOT_AVAILABLE as u32,
            computeInstanceId: 0xFFFF_FFFF,
        });
        assert_eq!(info.used_gpu_memory, None);
        assert_eq!(info.gpu_instance_id, None);
        assert_eq!(info.compute_instance_id, None);
        let v1 = ProcessInfo::from(sys::nvmlProcessInfo_v1_t {
            pid: 7,
            usedGpuMemory: u64::MAX,
        });
        assert_eq!(v1.used_gpu_memory, None);
    }
}
