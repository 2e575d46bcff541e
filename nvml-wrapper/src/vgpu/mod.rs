//! vGPU: the virtual GPU types a host offers ([`VgpuType`]), the vGPUs running on it
//! ([`VgpuInstance`]), the metadata that decides where a VM may migrate ([`VgpuMetadata`],
//! [`PgpuMetadata`], [`Nvml::vgpu_compatibility`](crate::Nvml::vgpu_compatibility)), and the
//! data types of the vGPU queries of [`Device`](crate::Device) (`device::vgpu`).
//!
//! vGPU types and instances are plain numbers in NVML (`nvmlVgpuTypeId_t`,
//! `nvmlVgpuInstance_t`), not pointers: [`VgpuType`] and [`VgpuInstance`] pair one with the
//! [`Nvml`](crate::Nvml) it belongs to (borrowed or owned), so neither outlives the library.
//! Any number is safe to wrap; one the driver does not know is answered with
//! `INVALID_ARGUMENT` or `NOT_FOUND`.
//!
//! ```no_run
//! use nvml_wrapper::Nvml;
//!
//! let nvml = Nvml::init()?;
//! let gpu = nvml.device_by_index(0)?;
//! for vgpu_type in gpu.supported_vgpus()? {
//!     println!("{}: {} MiB", vgpu_type.name()?, vgpu_type.framebuffer_size()? >> 20);
//! }
//! for vgpu in gpu.active_vgpus()? {
//!     println!("{} in VM {}", vgpu.uuid()?, vgpu.vm_id()?.id);
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

mod gpu_instance;
mod host;
mod instance;
mod licensing;
mod metadata;
mod scheduler;
#[cfg(test)]
mod test_bytes;
mod utilization;
mod vgpu_type;

pub use instance::VmId;
pub use licensing::{
    GridLicensableFeature, GridLicensableFeatures, LicenseExpiry, VgpuLicenseInfo,
};
pub use metadata::{
    PgpuMetadata, VgpuCompatibility, VgpuCompatibilityLimit, VgpuMetadata, VgpuVersionRange,
    VgpuVersions, VgpuVmCompatibility, VirtualizationCaps,
};
pub use scheduler::{
    VgpuSchedulerCapabilities, VgpuSchedulerLog, VgpuSchedulerLogEntry, VgpuSchedulerSettings,
    VgpuSchedulerState,
};
pub use utilization::{VgpuProcessUtilizationSample, VgpuUtilizationSample};
pub use vgpu_type::{Resolution, VgpuPciIds, VgpuPlacementMode, VgpuPlacements};

pub(crate) use scheduler::{legacy_state, log_from_v2, state_from_v2};
pub(crate) use vgpu_type::read_placements;

use nvml_sys as sys;

crate::handle::handle! {
    id "vGPU type";
    /// A vGPU type (profile) the host's driver offers, e.g. `"NVIDIA H100-4C"`: an
    /// `nvmlVgpuTypeId_t` with its [`Nvml`](crate::Nvml), borrowed (`VgpuType<'nvml>`) or owned
    /// ([`OwnedVgpuType`]); see [`NvmlRef`](crate::NvmlRef).
    ///
    /// Found with [`Device::supported_vgpus`](crate::Device::supported_vgpus) or
    /// [`Device::creatable_vgpus`](crate::Device::creatable_vgpus) (owned from an
    /// [`OwnedDevice`](crate::OwnedDevice)), or wrapped from a known id with
    /// [`Nvml::vgpu_type`](crate::Nvml::vgpu_type).
    pub struct VgpuType(sys::nvmlVgpuTypeId_t);
    /// A [`VgpuType`] that owns a share of its library: no lifetime, `Send + Sync + 'static`.
    pub type OwnedVgpuType;
}

crate::handle::handle! {
    id "vGPU instance";
    /// A running vGPU: an `nvmlVgpuInstance_t` with its [`Nvml`](crate::Nvml), borrowed
    /// (`VgpuInstance<'nvml>`) or owned ([`OwnedVgpuInstance`]); see
    /// [`NvmlRef`](crate::NvmlRef).
    ///
    /// Found with [`Device::active_vgpus`](crate::Device::active_vgpus) (owned from an
    /// [`OwnedDevice`](crate::OwnedDevice)), or wrapped from a known id (e.g. the
    /// `vgpu_instance` of an [`EncoderSession`](crate::device::EncoderSession)) with
    /// [`Nvml::vgpu_instance`](crate::Nvml::vgpu_instance).
    pub struct VgpuInstance(sys::nvmlVgpuInstance_t);
    /// A [`VgpuInstance`] that owns a share of its library: no lifetime,
    /// `Send + Sync + 'static`.
    pub type OwnedVgpuInstance;
}

/// `INVALID_GPU_INSTANCE_PROFILE_ID` and `INVALID_GPU_INSTANCE_ID` of nvml.h (macros bindgen
/// does not carry over).
pub(crate) const INVALID_ID: u32 = 0xFFFF_FFFF;
