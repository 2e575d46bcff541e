//! Driver-wide vGPU queries on [`Nvml`](crate::Nvml): wrapping known ids, driver capabilities,
//! supported and allowed vGPU versions, and VM migration compatibility.

use std::ffi::c_uint;
use std::mem::size_of;

use nvml_sys as sys;

use super::{
    PgpuMetadata, VgpuCompatibility, VgpuInstance, VgpuMetadata, VgpuType, VgpuVersionRange,
    VgpuVersions,
};
use crate::enums::VgpuDriverCapability;
use crate::error::Result;
use crate::ffi::blob::blob_words;
use crate::ffi::nvml_call;
use crate::nvml::Nvml;

impl Nvml {
    /// Wraps a vGPU type id (from [`Device::supported_vgpus`](crate::Device::supported_vgpus), a saved configuration, ...).
    pub fn vgpu_type(&self, id: u32) -> VgpuType<'_> {
        VgpuType::from_handle(self, id)
    }

    /// Wraps a vGPU instance id (from [`Device::active_vgpus`](crate::Device::active_vgpus), an [`EncoderSession`](crate::device::EncoderSession), ...).
    pub fn vgpu_instance(&self, id: u32) -> VgpuInstance<'_> {
        VgpuInstance::from_handle(self, id)
    }

    /// Whether the vGPU host driver has a capability (`nvmlGetVgpuDriverCapabilities`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`](crate::NvmlError::NotSupported) where no GPU is in vGPU host mode.
    #[doc(alias = "nvmlGetVgpuDriverCapabilities")]
    pub fn vgpu_driver_capability(&self, capability: VgpuDriverCapability) -> Result<bool> {
        let mut result: c_uint = 0;
        nvml_call!(
            self,
            nvmlGetVgpuDriverCapabilities(capability.as_raw(), &mut result)
        )?;
        Ok(result != 0)
    }

    /// The vGPU versions the host driver supports and currently allows (`nvmlGetVgpuVersion`).
    #[doc(alias = "nvmlGetVgpuVersion")]
    pub fn vgpu_version(&self) -> Result<VgpuVersions> {
        let mut supported = sys::nvmlVgpuVersion_t::default();
        let mut current = sys::nvmlVgpuVersion_t::default();
        nvml_call!(self, nvmlGetVgpuVersion(&mut supported, &mut current))?;
        Ok(VgpuVersions {
            supported: supported.into(),
            current: current.into(),
        })
    }

    /// Limits the vGPU versions the host driver allows (`nvmlSetVgpuVersion`). Only while no
    /// VM is running; needs root.
    ///
    /// # Errors
    /// [`NvmlError::InUse`](crate::NvmlError::InUse) while a VM runs; [`NvmlError::NotSupported`](crate::NvmlError::NotSupported) for a range outside
    /// what the driver supports; [`NvmlError::NoPermission`](crate::NvmlError::NoPermission).
    #[doc(alias = "nvmlSetVgpuVersion")]
    pub fn set_vgpu_version(&self, range: VgpuVersionRange) -> Result<()> {
        let mut raw = sys::nvmlVgpuVersion_t::from(range);
        nvml_call!(self, nvmlSetVgpuVersion(&mut raw))
    }

    /// Whether the VM of a vGPU (its metadata, saved where it runs) can run on a physical GPU
    /// (its metadata, read where it would run) (`nvmlGetVgpuCompatibility`).
    #[doc(alias = "nvmlGetVgpuCompatibility")]
    pub fn vgpu_compatibility(
        &self,
        vgpu: &VgpuMetadata,
        pgpu: &PgpuMetadata,
    ) -> Result<VgpuCompatibility> {
        let mut vgpu_words = blob_words(vgpu.as_bytes(), size_of::<sys::nvmlVgpuMetadata_t>());
        let mut pgpu_words = blob_words(pgpu.as_bytes(), size_of::<sys::nvmlVgpuPgpuMetadata_t>());
        let mut info = sys::nvmlVgpuPgpuCompatibility_t::default();
        // Both buffers are 8-byte aligned (more than the structs' 4) and at least as large
        // as the structs.
        nvml_call!(
            self,
            nvmlGetVgpuCompatibility(
                vgpu_words.as_mut_ptr().cast(),
                pgpu_words.as_mut_ptr().cast(),
                &mut info
            )
        )?;
        Ok(info.into())
    }
}
