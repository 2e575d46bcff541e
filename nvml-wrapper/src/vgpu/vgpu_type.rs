//! The queries of a vGPU type ([`VgpuType`]) and its placement ids.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys as sys;

use super::{INVALID_ID, VgpuType};
use crate::Device;
use crate::enums::VgpuCapability;
use crate::error::Result;
use crate::ffi::{nvml_call, read_list, read_string};
use crate::nvml_ref::NvmlRef;

/// PCI ids a vGPU type presents to its VM (`nvmlVgpuTypeGetDeviceID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuPciIds {
    /// PCI device id.
    pub device_id: u64,
    /// PCI subsystem id.
    pub subsystem_id: u64,
}

/// Maximum resolution of one display head, in pixels (`nvmlVgpuTypeGetResolution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Resolution {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// Placement ids of a vGPU type on a GPU or GPU instance
/// (`nvmlVgpuPlacementList_t`, `nvmlVgpuCreatablePlacementInfo_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuPlacements {
    /// How many slots one vGPU of the type occupies.
    pub placement_size: u32,
    /// The placement ids (first slot of each possible vGPU).
    pub ids: Vec<u32>,
}

/// Which placement ids to list for a vGPU type (`nvmlVgpuPlacementList_t::mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum VgpuPlacementMode {
    /// Placements for a GPU in heterogeneous mode (NVML's default).
    #[default]
    Heterogeneous,
    /// Placements for a GPU in homogeneous mode.
    Homogeneous,
}

impl VgpuPlacementMode {
    pub(crate) fn as_raw(self) -> c_uint {
        match self {
            Self::Heterogeneous => sys::NVML_VGPU_PGPU_HETEROGENEOUS_MODE,
            Self::Homogeneous => sys::NVML_VGPU_PGPU_HOMOGENEOUS_MODE,
        }
    }
}

impl<'nvml, N: NvmlRef> VgpuType<'nvml, N> {
    /// Class, e.g. `"Compute"`, `"Quadro"`, `"NVS"` (`nvmlVgpuTypeGetClass`).
    #[doc(alias = "nvmlVgpuTypeGetClass")]
    pub fn class(&self) -> Result<String> {
        read_string::<{ sys::NVML_VGPU_NAME_BUFFER_SIZE as usize }>(|buf, len| {
            let mut size = len;
            nvml_call!(self.nvml, nvmlVgpuTypeGetClass(self.id, buf, &mut size))
        })
    }

    /// Name, e.g. `"NVIDIA H100-4C"` (`nvmlVgpuTypeGetName`).
    #[doc(alias = "nvmlVgpuTypeGetName")]
    pub fn name(&self) -> Result<String> {
        read_string::<{ sys::NVML_VGPU_NAME_BUFFER_SIZE as usize }>(|buf, len| {
            let mut size = len;
            nvml_call!(self.nvml, nvmlVgpuTypeGetName(self.id, buf, &mut size))
        })
    }

    /// The GPU instance profile a MIG-backed type uses; `None` for time-sliced types
    /// (`nvmlVgpuTypeGetGpuInstanceProfileId`).
    #[doc(alias = "nvmlVgpuTypeGetGpuInstanceProfileId")]
    pub fn gpu_instance_profile_id(&self) -> Result<Option<u32>> {
        let mut id: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetGpuInstanceProfileId(self.id, &mut id)
        )?;
        Ok((id != INVALID_ID).then_some(id))
    }

    /// PCI device and subsystem ids the type presents to its VM (`nvmlVgpuTypeGetDeviceID`).
    #[doc(alias = "nvmlVgpuTypeGetDeviceID")]
    pub fn pci_ids(&self) -> Result<VgpuPciIds> {
        let (mut device, mut subsystem): (c_ulonglong, c_ulonglong) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetDeviceID(self.id, &mut device, &mut subsystem)
        )?;
        Ok(VgpuPciIds {
            device_id: device,
            subsystem_id: subsystem,
        })
    }

    /// Frame-buffer size, bytes (`nvmlVgpuTypeGetFramebufferSize`).
    #[doc(alias = "nvmlVgpuTypeGetFramebufferSize")]
    pub fn framebuffer_size(&self) -> Result<u64> {
        let mut size: c_ulonglong = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetFramebufferSize(self.id, &mut size)
        )?;
        Ok(size)
    }

    /// Number of display heads (`nvmlVgpuTypeGetNumDisplayHeads`).
    #[doc(alias = "nvmlVgpuTypeGetNumDisplayHeads")]
    pub fn num_display_heads(&self) -> Result<u32> {
        let mut heads: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetNumDisplayHeads(self.id, &mut heads)
        )?;
        Ok(heads)
    }

    /// Maximum resolution of one display head (`nvmlVgpuTypeGetResolution`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`](crate::NvmlError::InvalidArgument) for a head the type does not have.
    #[doc(alias = "nvmlVgpuTypeGetResolution")]
    pub fn resolution(&self, display_index: u32) -> Result<Resolution> {
        let (mut x, mut y): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetResolution(self.id, display_index, &mut x, &mut y)
        )?;
        Ok(Resolution {
            width: x,
            height: y,
        })
    }

    /// License string, e.g. `"NVIDIA-vComputeServer,9.0;Quadro-Virtual-DWS,5.0"`
    /// (`nvmlVgpuTypeGetLicense`).
    #[doc(alias = "nvmlVgpuTypeGetLicense")]
    pub fn license(&self) -> Result<String> {
        read_string::<{ sys::NVML_GRID_LICENSE_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlVgpuTypeGetLicense(self.id, buf, len))
        })
    }

    /// Frame-rate limit, frames per second (`nvmlVgpuTypeGetFrameRateLimit`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`](crate::NvmlError::NotSupported) where the limiter is off.
    #[doc(alias = "nvmlVgpuTypeGetFrameRateLimit")]
    pub fn frame_rate_limit(&self) -> Result<u32> {
        let mut limit: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetFrameRateLimit(self.id, &mut limit)
        )?;
        Ok(limit)
    }

    /// How many vGPUs of this type `device` can host (`nvmlVgpuTypeGetMaxInstances`).
    #[doc(alias = "nvmlVgpuTypeGetMaxInstances")]
    pub fn max_instances(&self, device: &Device<'_>) -> Result<u32> {
        crate::ffi::same_library(self.nvml.lib(), device.nvml().lib())?;
        let mut count: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetMaxInstances(device.handle(), self.id, &mut count)
        )?;
        Ok(count)
    }

    /// How many vGPUs of this type one VM may have (`nvmlVgpuTypeGetMaxInstancesPerVm`).
    #[doc(alias = "nvmlVgpuTypeGetMaxInstancesPerVm")]
    pub fn max_instances_per_vm(&self) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetMaxInstancesPerVm(self.id, &mut count)
        )?;
        Ok(count)
    }

    /// How many vGPUs of this type one GPU instance can host
    /// (`nvmlVgpuTypeGetMaxInstancesPerGpuInstance` with `nvmlVgpuTypeMaxInstance_v1`).
    #[doc(alias = "nvmlVgpuTypeGetMaxInstancesPerGpuInstance")]
    pub fn max_instances_per_gpu_instance(&self) -> Result<u32> {
        let mut info = sys::nvmlVgpuTypeMaxInstance_t {
            version: sys::nvmlVgpuTypeMaxInstance_v1,
            vgpuTypeId: self.id,
            maxInstancePerGI: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetMaxInstancesPerGpuInstance(&mut info)
        )?;
        Ok(info.maxInstancePerGI)
    }

    /// BAR1 size of the type, MiB (`nvmlVgpuTypeGetBAR1Info` with `nvmlVgpuTypeBar1Info_v1`).
    #[doc(alias = "nvmlVgpuTypeGetBAR1Info")]
    pub fn bar1_size_mib(&self) -> Result<u64> {
        let mut info = sys::nvmlVgpuTypeBar1Info_t {
            version: sys::nvmlVgpuTypeBar1Info_v1,
            bar1Size: 0,
        };
        nvml_call!(self.nvml, nvmlVgpuTypeGetBAR1Info(self.id, &mut info))?;
        Ok(info.bar1Size)
    }

    /// Whether the type has a capability (`nvmlVgpuTypeGetCapabilities`).
    #[doc(alias = "nvmlVgpuTypeGetCapabilities")]
    pub fn capability(&self, capability: VgpuCapability) -> Result<bool> {
        let mut result: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetCapabilities(self.id, capability.as_raw(), &mut result)
        )?;
        Ok(result != 0)
    }

    /// GSP heap size of the type, bytes (`nvmlVgpuTypeGetGspHeapSize`).
    #[doc(alias = "nvmlVgpuTypeGetGspHeapSize")]
    pub fn gsp_heap_size(&self) -> Result<u64> {
        let mut size: c_ulonglong = 0;
        nvml_call!(self.nvml, nvmlVgpuTypeGetGspHeapSize(self.id, &mut size))?;
        Ok(size)
    }

    /// Frame buffer the host reserves for the type, bytes (`nvmlVgpuTypeGetFbReservation`).
    #[doc(alias = "nvmlVgpuTypeGetFbReservation")]
    pub fn fb_reservation(&self) -> Result<u64> {
        let mut size: c_ulonglong = 0;
        nvml_call!(self.nvml, nvmlVgpuTypeGetFbReservation(self.id, &mut size))?;
        Ok(size)
    }
}

/// Calls `call` with a placement struct of `count` entries, growing on `INSUFFICIENT_SIZE`;
/// shared by the device and GPU-instance placement queries.
pub(crate) fn read_placements(
    mut call: impl FnMut(&mut c_uint, *mut c_uint, &mut c_uint) -> Result<()>,
) -> Result<VgpuPlacements> {
    let mut placement_size: c_uint = 0;
    let ids = read_list(|count, items| call(count, items, &mut placement_size))?;
    Ok(VgpuPlacements {
        placement_size,
        ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_modes_are_the_header_values() {
        assert_eq!(
            VgpuPlacementMode::default().as_raw(),
            sys::NVML_VGPU_PGPU_HETEROGENEOUS_MODE
        );
        assert_eq!(
            VgpuPlacementMode::Homogeneous.as_raw(),
            sys::NVML_VGPU_PGPU_HOMOGENEOUS_MODE
        );
    }
}
