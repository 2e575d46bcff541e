//! GPUs: [`Device`] and its queries, one module per group of the NVML reference.
//!
//! Every method's docs name the C function it calls, so `grep nvmlDeviceGetPowerUsage` finds
//! its Rust twin.

use std::ffi::{c_int, c_uint};

use nvml_sys as sys;

use crate::enums::{Architecture, Brand};
use crate::error::Result;
use crate::ffi::{nvml_call, read_string};
use crate::nvml_ref::NvmlRef;

// Modules whose public types are reached by path (`device::accounting::AccountingStats`).
pub mod accounting;
pub mod affinity;
pub mod commands;
pub mod field_values;
pub mod nvlink_management;
pub mod power_profiles;
pub mod prm;
pub mod vgpu;

// Modules whose public types are re-exported here (`device::PciInfo`).
mod board;
mod clocks;
mod cooling;
mod ecc;
mod engine_utilization;
mod fabric;
mod memory;
mod mig;
mod modes;
mod nvlink;
mod pci;
mod performance;
mod power;
mod processes;
mod samples;
mod thermal;
mod topology;
mod utilization;

pub use board::*;
pub use clocks::*;
pub use cooling::*;
pub use ecc::*;
pub use engine_utilization::*;
pub use fabric::*;
pub use field_values::*;
pub use memory::*;
pub use mig::*;
pub use modes::*;
pub use nvlink::*;
pub use pci::*;
pub use performance::*;
pub use power::*;
pub use processes::*;
pub use samples::*;
pub(crate) use thermal::celsius;
pub use topology::*;
pub use utilization::*;

crate::handle::handle! {
    pointer "device";
    /// One GPU: borrowed from the [`Nvml`](crate::Nvml) that found it (`Device<'nvml>`), or owned
    /// ([`OwnedDevice`]).
    ///
    /// The borrowed form is what lookups such as
    /// [`Nvml::device_by_index`](crate::Nvml::device_by_index) return: a handle and
    /// a reference, `Copy`, and it cannot outlive its `Nvml`. [`Device::into_owned`] turns it
    /// into an [`OwnedDevice`], which holds a share of the library instead: no lifetime,
    /// storable in a struct, movable into a thread. Both have every method below (see
    /// [`NvmlRef`]); neither can be used after `nvmlShutdown`.
    pub struct Device(sys::nvmlDevice_t);
    /// A [`Device`] that owns a share of its library: no lifetime, `Send + Sync + 'static`.
    /// From [`Device::into_owned`].
    pub type OwnedDevice;
}

/// CUDA compute capability, e.g. 9.0 for Hopper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ComputeCapability {
    /// Major version.
    pub major: i32,
    /// Minor version.
    pub minor: i32,
}

impl std::fmt::Display for ComputeCapability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl<'nvml, N: NvmlRef> Device<'nvml, N> {
    /// Product name, e.g. `"NVIDIA H100 80GB HBM3"` (`nvmlDeviceGetName`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetName")]
    pub fn name(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_NAME_V2_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlDeviceGetName(self.handle, buf, len))
        })
    }

    /// Globally unique id, `"GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"` (`nvmlDeviceGetUUID`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetUUID")]
    pub fn uuid(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_UUID_V2_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlDeviceGetUUID(self.handle, buf, len))
        })
    }

    /// Board serial number (`nvmlDeviceGetSerial`).
    #[doc(alias = "nvmlDeviceGetSerial")]
    pub fn serial(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_SERIAL_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlDeviceGetSerial(self.handle, buf, len))
        })
    }

    /// Board id: GPUs on the same board share it (`nvmlDeviceGetBoardId`).
    #[doc(alias = "nvmlDeviceGetBoardId")]
    pub fn board_id(&self) -> Result<u32> {
        let mut id: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetBoardId(self.handle, &mut id))?;
        Ok(id)
    }

    /// Board part number (`nvmlDeviceGetBoardPartNumber`).
    #[doc(alias = "nvmlDeviceGetBoardPartNumber")]
    pub fn board_part_number(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_PART_NUMBER_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetBoardPartNumber(self.handle, buf, len)
            )
        })
    }

    /// Product brand (`nvmlDeviceGetBrand`).
    #[doc(alias = "nvmlDeviceGetBrand")]
    pub fn brand(&self) -> Result<Brand> {
        let mut raw: sys::nvmlBrandType_t = 0;
        nvml_call!(self.nvml, nvmlDeviceGetBrand(self.handle, &mut raw))?;
        Brand::try_from(raw)
    }

    /// GPU architecture (`nvmlDeviceGetArchitecture`).
    #[doc(alias = "nvmlDeviceGetArchitecture")]
    pub fn architecture(&self) -> Result<Architecture> {
        let mut raw: sys::nvmlDeviceArchitecture_t = 0;
        nvml_call!(self.nvml, nvmlDeviceGetArchitecture(self.handle, &mut raw))?;
        Architecture::try_from(raw)
    }

    /// CUDA compute capability (`nvmlDeviceGetCudaComputeCapability`).
    #[doc(alias = "nvmlDeviceGetCudaComputeCapability")]
    pub fn cuda_compute_capability(&self) -> Result<ComputeCapability> {
        let (mut major, mut minor): (c_int, c_int) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetCudaComputeCapability(self.handle, &mut major, &mut minor)
        )?;
        Ok(ComputeCapability { major, minor })
    }

    /// VBIOS version string (`nvmlDeviceGetVbiosVersion`).
    #[doc(alias = "nvmlDeviceGetVbiosVersion")]
    pub fn vbios_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_VBIOS_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlDeviceGetVbiosVersion(self.handle, buf, len))
        })
    }

    /// Version of one InfoROM object (`nvmlDeviceGetInforomVersion`).
    #[doc(alias = "nvmlDeviceGetInforomVersion")]
    pub fn inforom_version(&self, object: crate::enums::InforomObject) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_INFOROM_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetInforomVersion(self.handle, object.as_raw(), buf, len)
            )
        })
    }

    /// Version of the InfoROM image (`nvmlDeviceGetInforomImageVersion`).
    #[doc(alias = "nvmlDeviceGetInforomImageVersion")]
    pub fn inforom_image_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_INFOROM_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetInforomImageVersion(self.handle, buf, len)
            )
        })
    }

    /// Minor number: the `N` of `/dev/nvidiaN` (`nvmlDeviceGetMinorNumber`).
    #[doc(alias = "nvmlDeviceGetMinorNumber")]
    pub fn minor_number(&self) -> Result<u32> {
        let mut minor: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetMinorNumber(self.handle, &mut minor))?;
        Ok(minor)
    }

    /// NVML index of this device (`nvmlDeviceGetIndex`): for a whole GPU the index
    /// [`Nvml::device_by_index`](crate::Nvml::device_by_index) takes; for a MIG device the
    /// index its parent's [`Device::mig_device_by_index`] takes (0, 1, 2, ... within that
    /// GPU, not the parent's index: [`Device::mig_parent_device`] gives the parent).
    #[doc(alias = "nvmlDeviceGetIndex")]
    pub fn index(&self) -> Result<u32> {
        let mut index: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetIndex(self.handle, &mut index))?;
        Ok(index)
    }
}
