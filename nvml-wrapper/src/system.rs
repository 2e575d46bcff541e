//! System queries: versions, process names, topology, excluded devices.

use std::ffi::{c_int, c_uint};

use nvml_sys as sys;

use crate::device::Device;
use crate::error::Result;
use crate::ffi::{nvml_call, read_list, read_string, string_from_c_buf};
use crate::nvml::Nvml;

/// A CUDA driver version, e.g. 13.0 (`nvmlSystemGetCudaDriverVersion_v2` reports `13000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CudaVersion {
    /// Major version (`raw / 1000`).
    pub major: u32,
    /// Minor version (`raw % 1000 / 10`).
    pub minor: u32,
}

impl CudaVersion {
    /// Splits NVML's integer form (`1000 * major + 10 * minor`).
    pub fn from_raw(raw: u32) -> Self {
        Self {
            major: raw / 1000,
            minor: raw % 1000 / 10,
        }
    }
}

impl std::fmt::Display for CudaVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A GPU NVML was told to ignore (`nvmlExcludedDeviceInfo_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExcludedDevice {
    /// PCI bus id, e.g. `"00000000:18:00.0"`.
    pub pci_bus_id: String,
    /// UUID.
    pub uuid: String,
}

impl Nvml {
    /// Version of the installed NVIDIA driver, e.g. `"580.65.06"`
    /// (`nvmlSystemGetDriverVersion`).
    pub fn driver_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self, nvmlSystemGetDriverVersion(buf, len))
        })
    }

    /// Version of the NVML library, e.g. `"13.580.65.06"` (`nvmlSystemGetNVMLVersion`).
    pub fn nvml_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self, nvmlSystemGetNVMLVersion(buf, len))
        })
    }

    /// The newest CUDA version the driver supports (`nvmlSystemGetCudaDriverVersion_v2`, or
    /// `nvmlSystemGetCudaDriverVersion` on drivers without it).
    pub fn cuda_driver_version(&self) -> Result<CudaVersion> {
        let mut raw: c_int = 0;
        match self.versions().cuda_driver_version {
            2 => nvml_call!(self, nvmlSystemGetCudaDriverVersion_v2(&mut raw))?,
            _ => nvml_call!(self, nvmlSystemGetCudaDriverVersion(&mut raw))?,
        }
        let raw = u32::try_from(raw).map_err(|_| crate::NvmlError::UnexpectedValue {
            what: "CUDA driver version",
            value: i64::from(raw),
        })?;
        Ok(CudaVersion::from_raw(raw))
    }

    /// Name of the process with this pid (`nvmlSystemGetProcessName`).
    pub fn process_name(&self, pid: u32) -> Result<String> {
        read_string::<256>(|buf, len| nvml_call!(self, nvmlSystemGetProcessName(pid, buf, len)))
    }

    /// The GPUs attached to this CPU (`nvmlSystemGetTopologyGpuSet`).
    pub fn topology_gpu_set(&self, cpu_number: u32) -> Result<Vec<Device<'_>>> {
        let handles = read_list(std::ptr::null_mut(), |count, items| {
            nvml_call!(self, nvmlSystemGetTopologyGpuSet(cpu_number, count, items))
        })?;
        handles
            .into_iter()
            .map(|h| Device::from_handle(self, h))
            .collect()
    }

    /// Number of GPUs NVML was told to ignore (`nvmlGetExcludedDeviceCount`).
    pub fn excluded_device_count(&self) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(self, nvmlGetExcludedDeviceCount(&mut count))?;
        Ok(count)
    }

    /// The GPUs NVML was told to ignore (`nvmlGetExcludedDeviceInfoByIndex`).
    pub fn excluded_devices(&self) -> Result<Vec<ExcludedDevice>> {
        (0..self.excluded_device_count()?)
            .map(|index| {
                let mut info = sys::nvmlExcludedDeviceInfo_t::default();
                nvml_call!(self, nvmlGetExcludedDeviceInfoByIndex(index, &mut info))?;
                Ok(ExcludedDevice {
                    pci_bus_id: string_from_c_buf(&info.pciInfo.busId)?,
                    uuid: string_from_c_buf(&info.uuid)?,
                })
            })
            .collect()
    }
}
