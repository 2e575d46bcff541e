//! MIG (Multi-Instance GPU) instance management: GPU instance profiles and placements,
//! creating, listing and destroying GPU instances and the compute instances inside them.
//!
//! With MIG on ([`Device::set_mig_mode`]), a GPU is split into *GPU instances* (memory and
//! compute slices, sized by a [`GpuInstanceProfile`]), each split into *compute instances*.
//! Each compute instance appears as a MIG device ([`Device::mig_device_by_index`]).
//!
//! ```no_run
//! use nvml_wrapper::{Nvml, enums::{ComputeInstanceProfile, GpuInstanceProfile}};
//!
//! let nvml = Nvml::init()?;
//! let gpu = nvml.device_by_index(0)?;
//! let profile = gpu.gpu_instance_profile_info(GpuInstanceProfile::Slice3)?;
//! println!("{}: {} MiB, {} SMs", profile.name, profile.memory_size_mib, profile.multiprocessor_count);
//! let gi = gpu.create_gpu_instance(profile.id)?;
//! let ci_profile = gi.compute_instance_profile_info(ComputeInstanceProfile::Slice3)?;
//! let ci = gi.create_compute_instance(ci_profile.id)?;
//! // ... run work on the MIG device, then:
//! ci.destroy()?;
//! gi.destroy()?;
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

use std::ffi::c_uint;

use nvml_sys as sys;

use crate::device::Device;
use crate::enums::{ComputeInstanceProfile, GpuInstanceProfile};
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_fixed_list, read_list, string_from_c_buf};
use crate::nvml::Nvml;
use crate::nvml_ref::NvmlRef;
use crate::versions::{
    compute_instance_info, compute_instance_profile_info, gpu_instance_possible_placements,
    gpu_instance_profile_info,
};

/// The most GPU instances of one profile, or compute instances of one profile in a GPU
/// instance, that a list query makes room for. A GPU has 8 memory slices and at most 8 compute
/// slices, so NVML never reports more than 8; the margin is for future GPUs.
const MAX_INSTANCES: usize = 64;

bitflags::bitflags! {
    /// What a GPU instance profile supports (`NVML_GPU_INSTANCE_PROFILE_CAPS_*`). Bits these
    /// bindings do not name are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct GpuInstanceProfileCapabilities: u32 {
        /// Peer-to-peer transfers (`NVML_GPU_INSTANCE_PROFILE_CAPS_P2P`).
        const P2P = sys::NVML_GPU_INSTANCE_PROFILE_CAPS_P2P;
        /// Graphics (`NVML_GPU_INSTANCE_PROFILE_CAPS_GFX`).
        const GFX = sys::NVML_GPU_INSTANCE_PROFILE_CAPS_GFX;
        // Bits a newer driver defines stay in the set.
        const _ = !0;
    }
}

bitflags::bitflags! {
    /// What a compute instance profile supports (`NVML_COMPUTE_INSTANCE_PROFILE_CAPS_*`). Bits
    /// these bindings do not name are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct ComputeInstanceProfileCapabilities: u32 {
        /// Graphics (`NVML_COMPUTE_INSTANCE_PROFILE_CAPS_GFX`).
        const GFX = sys::NVML_COMPUTE_INSTANCE_PROFILE_CAPS_GFX;
        // Bits a newer driver defines stay in the set.
        const _ = !0;
    }
}

/// A GPU instance profile as this GPU implements it (`nvmlGpuInstanceProfileInfo_v3_t`, or
/// the `_v2_t`/plain struct on older drivers).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GpuInstanceProfileInfo {
    /// The profile id this GPU uses for it: pass it to [`Device::create_gpu_instance`] and
    /// the other `profile_id` parameters.
    pub id: u32,
    /// The name, e.g. `"3g.40gb"`. Drivers with only the `_v2` struct prefix it with
    /// `"MIG "`; empty on drivers without the `V` query.
    pub name: String,
    /// Capabilities ([`GpuInstanceProfileCapabilities::P2P`] from `isP2pSupported` on older
    /// drivers).
    pub capabilities: GpuInstanceProfileCapabilities,
    /// Compute slices (the `3` of `3g.40gb`). The memory slices an instance occupies are
    /// the `size` of its [placements](Device::gpu_instance_possible_placements).
    pub slice_count: u32,
    /// The most instances of this profile the GPU can hold.
    pub instance_count: u32,
    /// Streaming multiprocessors.
    pub multiprocessor_count: u32,
    /// Copy engines.
    pub copy_engine_count: u32,
    /// Video decoders.
    pub decoder_count: u32,
    /// Video encoders.
    pub encoder_count: u32,
    /// JPEG engines.
    pub jpeg_count: u32,
    /// Optical flow accelerators.
    pub ofa_count: u32,
    /// Memory, MiB.
    pub memory_size_mib: u64,
}

/// A compute instance profile as a GPU instance implements it
/// (`nvmlComputeInstanceProfileInfo_v3_t`, or the `_v2_t`/plain struct on older drivers).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ComputeInstanceProfileInfo {
    /// The profile id: pass it to [`GpuInstance::create_compute_instance`] and the other
    /// `profile_id` parameters.
    pub id: u32,
    /// The name, e.g. `"1c.3g.40gb"`; empty on drivers without the `V` query.
    pub name: String,
    /// Capabilities (empty on drivers before the `_v3` struct).
    pub capabilities: ComputeInstanceProfileCapabilities,
    /// Compute slices an instance occupies.
    pub slice_count: u32,
    /// The most instances of this profile the GPU instance can hold.
    pub instance_count: u32,
    /// Streaming multiprocessors.
    pub multiprocessor_count: u32,
    /// Copy engines, shared with the other compute instances of the GPU instance.
    pub shared_copy_engine_count: u32,
    /// Video decoders, shared.
    pub shared_decoder_count: u32,
    /// Video encoders, shared.
    pub shared_encoder_count: u32,
    /// JPEG engines, shared.
    pub shared_jpeg_count: u32,
    /// Optical flow accelerators, shared.
    pub shared_ofa_count: u32,
}

/// Where a GPU instance sits: a range of the GPU's memory slices
/// (`nvmlGpuInstancePlacement_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GpuInstancePlacement {
    /// First memory slice.
    pub start: u32,
    /// Number of memory slices.
    pub size: u32,
}

/// Where a compute instance sits: a range of its GPU instance's compute slices
/// (`nvmlComputeInstancePlacement_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ComputeInstancePlacement {
    /// First compute slice.
    pub start: u32,
    /// Number of compute slices.
    pub size: u32,
}

/// What a GPU instance is (`nvmlGpuInstanceInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuInstanceInfo<'nvml, N = &'nvml Nvml> {
    /// The GPU it belongs to.
    pub device: Device<'nvml, N>,
    /// Its id, unique on the GPU.
    pub id: u32,
    /// Its GPU instance profile id.
    pub profile_id: u32,
    /// Its memory slices.
    pub placement: GpuInstancePlacement,
}

/// What a compute instance is (`nvmlComputeInstanceInfo_t`).
#[derive(Debug, PartialEq, Eq)]
pub struct ComputeInstanceInfo<'nvml, N = &'nvml Nvml> {
    /// The GPU it belongs to.
    pub device: Device<'nvml, N>,
    /// The GPU instance it belongs to.
    pub gpu_instance: GpuInstance<'nvml, N>,
    /// Its id, unique in the GPU instance.
    pub id: u32,
    /// Its compute instance profile id.
    pub profile_id: u32,
    /// Its compute slices within the GPU instance.
    pub placement: ComputeInstancePlacement,
}

crate::handle::handle! {
    unique "GPU instance";
    /// A MIG GPU instance: borrowed from the [`Nvml`] that found it
    /// (`GpuInstance<'nvml>`), or owned ([`OwnedGpuInstance`], from
    /// [`GpuInstance::into_owned`]; see [`NvmlRef`]). Not `Clone`:
    /// [`destroy`](GpuInstance::destroy) consumes it.
    pub struct GpuInstance(sys::nvmlGpuInstance_t);
    /// A [`GpuInstance`] that owns a share of its library: no lifetime, `Send + Sync + 'static`.
    pub type OwnedGpuInstance;
}

crate::handle::handle! {
    unique "compute instance";
    /// A MIG compute instance: borrowed from the [`Nvml`] that found it
    /// (`ComputeInstance<'nvml>`), or owned ([`OwnedComputeInstance`], from
    /// [`ComputeInstance::into_owned`]; see [`NvmlRef`]). Not `Clone`:
    /// [`destroy`](ComputeInstance::destroy) consumes it.
    pub struct ComputeInstance(sys::nvmlComputeInstance_t);
    /// A [`ComputeInstance`] that owns a share of its library: no lifetime,
    /// `Send + Sync + 'static`.
    pub type OwnedComputeInstance;
}

/// `Ok(Some(x))` on success, `Ok(None)` when the driver rejects the struct version (retry
/// with an older one), the error otherwise.
fn unless_version_mismatch<T>(rc: Result<()>, value: impl FnOnce() -> T) -> Result<Option<T>> {
    match rc {
        Ok(()) => Ok(Some(value())),
        Err(NvmlError::ArgumentVersionMismatch(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

impl GpuInstanceProfileInfo {
    fn from_v3(i: &sys::nvmlGpuInstanceProfileInfo_v3_t) -> Result<Self> {
        Ok(Self {
            id: i.id,
            name: string_from_c_buf(&i.name)?,
            capabilities: GpuInstanceProfileCapabilities::from_bits_retain(i.capabilities),
            slice_count: i.sliceCount,
            instance_count: i.instanceCount,
            multiprocessor_count: i.multiprocessorCount,
            copy_engine_count: i.copyEngineCount,
            decoder_count: i.decoderCount,
            encoder_count: i.encoderCount,
            jpeg_count: i.jpegCount,
            ofa_count: i.ofaCount,
            memory_size_mib: i.memorySizeMB,
        })
    }

    fn from_v2(i: &sys::nvmlGpuInstanceProfileInfo_v2_t) -> Result<Self> {
        let mut info = Self::from_v1(&sys::nvmlGpuInstanceProfileInfo_t {
            id: i.id,
            isP2pSupported: i.isP2pSupported,
            sliceCount: i.sliceCount,
            instanceCount: i.instanceCount,
            multiprocessorCount: i.multiprocessorCount,
            copyEngineCount: i.copyEngineCount,
            decoderCount: i.decoderCount,
            encoderCount: i.encoderCount,
            jpegCount: i.jpegCount,
            ofaCount: i.ofaCount,
            memorySizeMB: i.memorySizeMB,
        });
        info.name = string_from_c_buf(&i.name)?;
        Ok(info)
    }

    fn from_v1(i: &sys::nvmlGpuInstanceProfileInfo_t) -> Self {
        let capabilities = if i.isP2pSupported != 0 {
            GpuInstanceProfileCapabilities::P2P
        } else {
            GpuInstanceProfileCapabilities::empty()
        };
        Self {
            id: i.id,
            name: String::new(),
            capabilities,
            slice_count: i.sliceCount,
            instance_count: i.instanceCount,
            multiprocessor_count: i.multiprocessorCount,
            copy_engine_count: i.copyEngineCount,
            decoder_count: i.decoderCount,
            encoder_count: i.encoderCount,
            jpeg_count: i.jpegCount,
            ofa_count: i.ofaCount,
            memory_size_mib: i.memorySizeMB,
        }
    }
}

/// The fields every version of `nvmlComputeInstanceProfileInfo*_t` shares, as the v1 struct
/// (the v2 and v3 structs are distinct C types with these same fields).
macro_rules! compute_profile_v1_fields {
    ($i:expr) => {
        sys::nvmlComputeInstanceProfileInfo_t {
            id: $i.id,
            sliceCount: $i.sliceCount,
            instanceCount: $i.instanceCount,
            multiprocessorCount: $i.multiprocessorCount,
            sharedCopyEngineCount: $i.sharedCopyEngineCount,
            sharedDecoderCount: $i.sharedDecoderCount,
            sharedEncoderCount: $i.sharedEncoderCount,
            sharedJpegCount: $i.sharedJpegCount,
            sharedOfaCount: $i.sharedOfaCount,
        }
    };
}

impl ComputeInstanceProfileInfo {
    fn from_v3(i: &sys::nvmlComputeInstanceProfileInfo_v3_t) -> Result<Self> {
        let mut info = Self::from_v1(&compute_profile_v1_fields!(i));
        info.name = string_from_c_buf(&i.name)?;
        info.capabilities = ComputeInstanceProfileCapabilities::from_bits_retain(i.capabilities);
        Ok(info)
    }

    fn from_v2(i: &sys::nvmlComputeInstanceProfileInfo_v2_t) -> Result<Self> {
        let mut info = Self::from_v1(&compute_profile_v1_fields!(i));
        info.name = string_from_c_buf(&i.name)?;
        Ok(info)
    }

    fn from_v1(i: &sys::nvmlComputeInstanceProfileInfo_t) -> Self {
        Self {
            id: i.id,
            name: String::new(),
            capabilities: ComputeInstanceProfileCapabilities::empty(),
            slice_count: i.sliceCount,
            instance_count: i.instanceCount,
            multiprocessor_count: i.multiprocessorCount,
            shared_copy_engine_count: i.sharedCopyEngineCount,
            shared_decoder_count: i.sharedDecoderCount,
            shared_encoder_count: i.sharedEncoderCount,
            shared_jpeg_count: i.sharedJpegCount,
            shared_ofa_count: i.sharedOfaCount,
        }
    }
}

impl<'nvml, N: NvmlRef> Device<'nvml, N> {
    /// How this GPU implements a GPU instance profile (`nvmlDeviceGetGpuInstanceProfileInfoV`
    /// with `nvmlGpuInstanceProfileInfo_v3`, then `_v2` on drivers that reject it; plain
    /// `nvmlDeviceGetGpuInstanceProfileInfo` on drivers without the `V` form).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] if the GPU lacks MIG or this profile, or (the `V` form)
    /// while the GPU's MIG mode is off: `nvml.h` documents that the versioned query needs
    /// MIG mode enabled, where the plain one needs only MIG support;
    /// [`NvmlError::NoPermission`] without the rights to query MIG.
    #[doc(alias = "nvmlDeviceGetGpuInstanceProfileInfo")]
    #[doc(alias = "nvmlDeviceGetGpuInstanceProfileInfoV")]
    pub fn gpu_instance_profile_info(
        &self,
        profile: GpuInstanceProfile,
    ) -> Result<GpuInstanceProfileInfo> {
        let (nvml, handle) = (self.holder(), self.handle());
        if nvml.versions().gpu_instance_profile_info()
            == gpu_instance_profile_info::Version::nvmlDeviceGetGpuInstanceProfileInfoV
        {
            let mut v3 = sys::nvmlGpuInstanceProfileInfo_v3_t {
                version: sys::nvmlGpuInstanceProfileInfo_v3,
                ..Default::default()
            };
            // The `_v3_t` struct has the `_v2_t` layout's size; `version` tells them apart.
            let rc = nvml_call!(
                nvml,
                gpu_instance_profile_info::nvmlDeviceGetGpuInstanceProfileInfoV(
                    handle,
                    profile.as_raw(),
                    std::ptr::from_mut(&mut v3).cast()
                )
            );
            if let Some(info) =
                unless_version_mismatch(rc, || GpuInstanceProfileInfo::from_v3(&v3))?
            {
                return info;
            }
            let mut v2 = sys::nvmlGpuInstanceProfileInfo_v2_t {
                version: sys::nvmlGpuInstanceProfileInfo_v2,
                ..Default::default()
            };
            let rc = nvml_call!(
                nvml,
                gpu_instance_profile_info::nvmlDeviceGetGpuInstanceProfileInfoV(
                    handle,
                    profile.as_raw(),
                    &mut v2
                )
            );
            if let Some(info) =
                unless_version_mismatch(rc, || GpuInstanceProfileInfo::from_v2(&v2))?
            {
                return info;
            }
        }
        let mut v1 = sys::nvmlGpuInstanceProfileInfo_t::default();
        nvml_call!(
            nvml,
            gpu_instance_profile_info::nvmlDeviceGetGpuInstanceProfileInfo(
                handle,
                profile.as_raw(),
                &mut v1
            )
        )?;
        Ok(GpuInstanceProfileInfo::from_v1(&v1))
    }

    /// The GPU instance profile with this GPU's profile id `profile_id`
    /// (`nvmlDeviceGetGpuInstanceProfileInfoByIdV` with `nvmlGpuInstanceProfileInfo_v3`, then
    /// `_v2` on drivers that reject it).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for an id the GPU does not have,
    /// [`NvmlError::NotSupported`] if the GPU lacks MIG or its MIG mode is off (`nvml.h`).
    #[doc(alias = "nvmlDeviceGetGpuInstanceProfileInfoByIdV")]
    pub fn gpu_instance_profile_info_by_id(
        &self,
        profile_id: u32,
    ) -> Result<GpuInstanceProfileInfo> {
        let (nvml, handle) = (self.holder(), self.handle());
        let mut v3 = sys::nvmlGpuInstanceProfileInfo_v3_t {
            version: sys::nvmlGpuInstanceProfileInfo_v3,
            ..Default::default()
        };
        // The `_v3_t` struct has the `_v2_t` layout's size; `version` tells them apart.
        let rc = nvml_call!(
            nvml,
            nvmlDeviceGetGpuInstanceProfileInfoByIdV(
                handle,
                profile_id,
                std::ptr::from_mut(&mut v3).cast()
            )
        );
        if let Some(info) = unless_version_mismatch(rc, || GpuInstanceProfileInfo::from_v3(&v3))? {
            return info;
        }
        let mut v2 = sys::nvmlGpuInstanceProfileInfo_v2_t {
            version: sys::nvmlGpuInstanceProfileInfo_v2,
            ..Default::default()
        };
        nvml_call!(
            nvml,
            nvmlDeviceGetGpuInstanceProfileInfoByIdV(handle, profile_id, &mut v2)
        )?;
        GpuInstanceProfileInfo::from_v2(&v2)
    }

    /// Every placement a GPU instance of profile `profile_id` may take, occupied or not
    /// (`nvmlDeviceGetGpuInstancePossiblePlacements_v2`, or the plain form on older drivers).
    #[doc(alias = "nvmlDeviceGetGpuInstancePossiblePlacements")]
    #[doc(alias = "nvmlDeviceGetGpuInstancePossiblePlacements_v2")]
    pub fn gpu_instance_possible_placements(
        &self,
        profile_id: u32,
    ) -> Result<Vec<GpuInstancePlacement>> {
        let (nvml, handle) = (self.holder(), self.handle());
        let raw = match nvml.versions().gpu_instance_possible_placements() {
            gpu_instance_possible_placements::Version::nvmlDeviceGetGpuInstancePossiblePlacements_v2 => read_list(|count, items| {
                nvml_call!(
                    nvml,
                    gpu_instance_possible_placements::nvmlDeviceGetGpuInstancePossiblePlacements_v2(handle, profile_id, items, count)
                )
            })?,
            _ => read_list(|count, items| {
                nvml_call!(
                    nvml,
                    gpu_instance_possible_placements::nvmlDeviceGetGpuInstancePossiblePlacements(handle, profile_id, items, count)
                )
            })?,
        };
        Ok(raw
            .iter()
            .map(|p| GpuInstancePlacement {
                start: p.start,
                size: p.size,
            })
            .collect())
    }

    /// How many more GPU instances of profile `profile_id` fit now
    /// (`nvmlDeviceGetGpuInstanceRemainingCapacity`).
    #[doc(alias = "nvmlDeviceGetGpuInstanceRemainingCapacity")]
    pub fn gpu_instance_remaining_capacity(&self, profile_id: u32) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(
            self.holder(),
            nvmlDeviceGetGpuInstanceRemainingCapacity(self.handle(), profile_id, &mut count)
        )?;
        Ok(count)
    }

    /// Creates a GPU instance of profile `profile_id` where NVML chooses
    /// (`nvmlDeviceCreateGpuInstance`). Needs root and MIG on.
    ///
    /// # Errors
    /// [`NvmlError::NoPermission`] without root, [`NvmlError::InsufficientResources`] when no
    /// placement is free, [`NvmlError::NotSupported`] with MIG off.
    #[doc(alias = "nvmlDeviceCreateGpuInstance")]
    pub fn create_gpu_instance(&self, profile_id: u32) -> Result<GpuInstance<'nvml, N>> {
        let mut handle: sys::nvmlGpuInstance_t = std::ptr::null_mut();
        nvml_call!(
            self.holder(),
            nvmlDeviceCreateGpuInstance(self.handle(), profile_id, &mut handle)
        )?;
        GpuInstance::from_handle(self.holder().clone(), handle)
    }

    /// Creates a GPU instance of profile `profile_id` at `placement`, one of
    /// [`gpu_instance_possible_placements`](Self::gpu_instance_possible_placements)
    /// (`nvmlDeviceCreateGpuInstanceWithPlacement`). Needs root and MIG on.
    ///
    /// # Errors
    /// [`NvmlError::InsufficientResources`] if the placement is taken,
    /// [`NvmlError::InvalidArgument`] if it is not one of the profile's.
    #[doc(alias = "nvmlDeviceCreateGpuInstanceWithPlacement")]
    pub fn create_gpu_instance_with_placement(
        &self,
        profile_id: u32,
        placement: GpuInstancePlacement,
    ) -> Result<GpuInstance<'nvml, N>> {
        let raw = sys::nvmlGpuInstancePlacement_t {
            start: placement.start,
            size: placement.size,
        };
        let mut handle: sys::nvmlGpuInstance_t = std::ptr::null_mut();
        nvml_call!(
            self.holder(),
            nvmlDeviceCreateGpuInstanceWithPlacement(self.handle(), profile_id, &raw, &mut handle)
        )?;
        GpuInstance::from_handle(self.holder().clone(), handle)
    }

    /// The GPU instances of profile `profile_id` on this GPU (`nvmlDeviceGetGpuInstances`).
    #[doc(alias = "nvmlDeviceGetGpuInstances")]
    pub fn gpu_instances(&self, profile_id: u32) -> Result<Vec<GpuInstance<'nvml, N>>> {
        let (nvml, handle) = (self.holder(), self.handle());
        let raw = read_fixed_list(MAX_INSTANCES, |count, items| {
            nvml_call!(
                nvml,
                nvmlDeviceGetGpuInstances(handle, profile_id, items, count)
            )
        })?;
        raw.into_iter()
            .map(|h| GpuInstance::from_handle(self.holder().clone(), h))
            .collect()
    }

    /// The GPU instance with id `id` on this GPU (`nvmlDeviceGetGpuInstanceById`).
    ///
    /// # Errors
    /// [`NvmlError::NotFound`] if there is none.
    #[doc(alias = "nvmlDeviceGetGpuInstanceById")]
    pub fn gpu_instance_by_id(&self, id: u32) -> Result<GpuInstance<'nvml, N>> {
        let mut handle: sys::nvmlGpuInstance_t = std::ptr::null_mut();
        nvml_call!(
            self.holder(),
            nvmlDeviceGetGpuInstanceById(self.handle(), id, &mut handle)
        )?;
        GpuInstance::from_handle(self.holder().clone(), handle)
    }
}

impl<'nvml, N: NvmlRef> GpuInstance<'nvml, N> {
    /// Its GPU, id, profile and placement (`nvmlGpuInstanceGetInfo`).
    #[doc(alias = "nvmlGpuInstanceGetInfo")]
    pub fn info(&self) -> Result<GpuInstanceInfo<'nvml, N>> {
        let mut raw = sys::nvmlGpuInstanceInfo_t {
            device: std::ptr::null_mut(),
            id: 0,
            profileId: 0,
            placement: sys::nvmlGpuInstancePlacement_t { start: 0, size: 0 },
        };
        nvml_call!(self.nvml, nvmlGpuInstanceGetInfo(self.handle, &mut raw))?;
        Ok(GpuInstanceInfo {
            device: Device::from_handle(self.nvml.clone(), raw.device)?,
            id: raw.id,
            profile_id: raw.profileId,
            placement: GpuInstancePlacement {
                start: raw.placement.start,
                size: raw.placement.size,
            },
        })
    }

    /// How this GPU instance implements a compute instance profile, with shared engines
    /// (`nvmlGpuInstanceGetComputeInstanceProfileInfoV` with
    /// `nvmlComputeInstanceProfileInfo_v3`, then `_v2` on drivers that reject it; plain
    /// `nvmlGpuInstanceGetComputeInstanceProfileInfo` on drivers without the `V` form).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] if the profile does not fit this GPU instance.
    #[doc(alias = "nvmlGpuInstanceGetComputeInstanceProfileInfo")]
    #[doc(alias = "nvmlGpuInstanceGetComputeInstanceProfileInfoV")]
    pub fn compute_instance_profile_info(
        &self,
        profile: ComputeInstanceProfile,
    ) -> Result<ComputeInstanceProfileInfo> {
        let engines = sys::NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED;
        let p = profile.as_raw();
        if self.nvml.versions().compute_instance_profile_info()
            == compute_instance_profile_info::Version::nvmlGpuInstanceGetComputeInstanceProfileInfoV
        {
            let mut v3 = sys::nvmlComputeInstanceProfileInfo_v3_t {
                version: sys::nvmlComputeInstanceProfileInfo_v3,
                ..Default::default()
            };
            // The `_v3_t` struct starts with the `_v2_t` layout; `version` tells them apart.
            let rc = nvml_call!(
                self.nvml,
                compute_instance_profile_info::nvmlGpuInstanceGetComputeInstanceProfileInfoV(
                    self.handle,
                    p,
                    engines,
                    std::ptr::from_mut(&mut v3).cast()
                )
            );
            if let Some(info) =
                unless_version_mismatch(rc, || ComputeInstanceProfileInfo::from_v3(&v3))?
            {
                return info;
            }
            let mut v2 = sys::nvmlComputeInstanceProfileInfo_v2_t {
                version: sys::nvmlComputeInstanceProfileInfo_v2,
                ..Default::default()
            };
            let rc = nvml_call!(
                self.nvml,
                compute_instance_profile_info::nvmlGpuInstanceGetComputeInstanceProfileInfoV(
                    self.handle,
                    p,
                    engines,
                    &mut v2
                )
            );
            if let Some(info) =
                unless_version_mismatch(rc, || ComputeInstanceProfileInfo::from_v2(&v2))?
            {
                return info;
            }
        }
        let mut v1 = sys::nvmlComputeInstanceProfileInfo_t::default();
        nvml_call!(
            self.nvml,
            compute_instance_profile_info::nvmlGpuInstanceGetComputeInstanceProfileInfo(
                self.handle,
                p,
                engines,
                &mut v1
            )
        )?;
        Ok(ComputeInstanceProfileInfo::from_v1(&v1))
    }

    /// How many more compute instances of profile `profile_id` fit now
    /// (`nvmlGpuInstanceGetComputeInstanceRemainingCapacity`).
    #[doc(alias = "nvmlGpuInstanceGetComputeInstanceRemainingCapacity")]
    pub fn compute_instance_remaining_capacity(&self, profile_id: u32) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlGpuInstanceGetComputeInstanceRemainingCapacity(self.handle, profile_id, &mut count)
        )?;
        Ok(count)
    }

    /// Every placement a compute instance of profile `profile_id` may take in this GPU
    /// instance, occupied or not (`nvmlGpuInstanceGetComputeInstancePossiblePlacements`).
    #[doc(alias = "nvmlGpuInstanceGetComputeInstancePossiblePlacements")]
    pub fn compute_instance_possible_placements(
        &self,
        profile_id: u32,
    ) -> Result<Vec<ComputeInstancePlacement>> {
        let raw = read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlGpuInstanceGetComputeInstancePossiblePlacements(
                    self.handle,
                    profile_id,
                    items,
                    count
                )
            )
        })?;
        Ok(raw
            .iter()
            .map(|p| ComputeInstancePlacement {
                start: p.start,
                size: p.size,
            })
            .collect())
    }

    /// Creates a compute instance of profile `profile_id` where NVML chooses
    /// (`nvmlGpuInstanceCreateComputeInstance`). Needs root.
    ///
    /// # Errors
    /// [`NvmlError::NoPermission`] without root, [`NvmlError::InsufficientResources`] when no
    /// placement is free.
    #[doc(alias = "nvmlGpuInstanceCreateComputeInstance")]
    pub fn create_compute_instance(&self, profile_id: u32) -> Result<ComputeInstance<'nvml, N>> {
        let mut handle: sys::nvmlComputeInstance_t = std::ptr::null_mut();
        nvml_call!(
            self.nvml,
            nvmlGpuInstanceCreateComputeInstance(self.handle, profile_id, &mut handle)
        )?;
        ComputeInstance::from_handle(self.nvml.clone(), handle)
    }

    /// Creates a compute instance of profile `profile_id` at `placement`, one of
    /// [`compute_instance_possible_placements`](Self::compute_instance_possible_placements)
    /// (`nvmlGpuInstanceCreateComputeInstanceWithPlacement`). Needs root.
    ///
    /// # Errors
    /// [`NvmlError::InsufficientResources`] if the placement is taken,
    /// [`NvmlError::InvalidArgument`] if it is not one of the profile's.
    #[doc(alias = "nvmlGpuInstanceCreateComputeInstanceWithPlacement")]
    pub fn create_compute_instance_with_placement(
        &self,
        profile_id: u32,
        placement: ComputeInstancePlacement,
    ) -> Result<ComputeInstance<'nvml, N>> {
        let raw = sys::nvmlComputeInstancePlacement_t {
            start: placement.start,
            size: placement.size,
        };
        let mut handle: sys::nvmlComputeInstance_t = std::ptr::null_mut();
        nvml_call!(
            self.nvml,
            nvmlGpuInstanceCreateComputeInstanceWithPlacement(
                self.handle,
                profile_id,
                &raw,
                &mut handle
            )
        )?;
        ComputeInstance::from_handle(self.nvml.clone(), handle)
    }

    /// The compute instances of profile `profile_id` in this GPU instance
    /// (`nvmlGpuInstanceGetComputeInstances`).
    #[doc(alias = "nvmlGpuInstanceGetComputeInstances")]
    pub fn compute_instances(&self, profile_id: u32) -> Result<Vec<ComputeInstance<'nvml, N>>> {
        let raw = read_fixed_list(MAX_INSTANCES, |count, items| {
            nvml_call!(
                self.nvml,
                nvmlGpuInstanceGetComputeInstances(self.handle, profile_id, items, count)
            )
        })?;
        raw.into_iter()
            .map(|h| ComputeInstance::from_handle(self.nvml.clone(), h))
            .collect()
    }

    /// The compute instance with id `id` in this GPU instance
    /// (`nvmlGpuInstanceGetComputeInstanceById`).
    ///
    /// # Errors
    /// [`NvmlError::NotFound`] if there is none.
    #[doc(alias = "nvmlGpuInstanceGetComputeInstanceById")]
    pub fn compute_instance_by_id(&self, id: u32) -> Result<ComputeInstance<'nvml, N>> {
        let mut handle: sys::nvmlComputeInstance_t = std::ptr::null_mut();
        nvml_call!(
            self.nvml,
            nvmlGpuInstanceGetComputeInstanceById(self.handle, id, &mut handle)
        )?;
        ComputeInstance::from_handle(self.nvml.clone(), handle)
    }

    /// Destroys this GPU instance (`nvmlGpuInstanceDestroy`). Needs root. On an error the
    /// instance may still exist: find it again with [`Device::gpu_instance_by_id`].
    ///
    /// # Errors
    /// [`NvmlError::InUse`] while it still has compute instances or processes,
    /// [`NvmlError::NoPermission`] without root.
    #[doc(alias = "nvmlGpuInstanceDestroy")]
    pub fn destroy(self) -> Result<()> {
        nvml_call!(self.nvml, nvmlGpuInstanceDestroy(self.handle))
    }
}

impl<'nvml, N: NvmlRef> ComputeInstance<'nvml, N> {
    /// Its GPU, GPU instance, id, profile and placement (`nvmlComputeInstanceGetInfo_v2`, or
    /// `nvmlComputeInstanceGetInfo` on older drivers).
    #[doc(alias = "nvmlComputeInstanceGetInfo")]
    #[doc(alias = "nvmlComputeInstanceGetInfo_v2")]
    pub fn info(&self) -> Result<ComputeInstanceInfo<'nvml, N>> {
        let mut raw = sys::nvmlComputeInstanceInfo_t {
            device: std::ptr::null_mut(),
            gpuInstance: std::ptr::null_mut(),
            id: 0,
            profileId: 0,
            placement: sys::nvmlComputeInstancePlacement_t { start: 0, size: 0 },
        };
        match self.nvml.versions().compute_instance_info() {
            compute_instance_info::Version::nvmlComputeInstanceGetInfo_v2 => nvml_call!(
                self.nvml,
                compute_instance_info::nvmlComputeInstanceGetInfo_v2(self.handle, &mut raw)
            )?,
            _ => nvml_call!(
                self.nvml,
                compute_instance_info::nvmlComputeInstanceGetInfo(self.handle, &mut raw)
            )?,
        }
        Ok(ComputeInstanceInfo {
            device: Device::from_handle(self.nvml.clone(), raw.device)?,
            gpu_instance: GpuInstance::from_handle(self.nvml.clone(), raw.gpuInstance)?,
            id: raw.id,
            profile_id: raw.profileId,
            placement: ComputeInstancePlacement {
                start: raw.placement.start,
                size: raw.placement.size,
            },
        })
    }

    /// Destroys this compute instance (`nvmlComputeInstanceDestroy`). Needs root. On an
    /// error the instance may still exist: find it again with
    /// [`GpuInstance::compute_instance_by_id`].
    ///
    /// # Errors
    /// [`NvmlError::InUse`] while processes run in it, [`NvmlError::NoPermission`] without root.
    #[doc(alias = "nvmlComputeInstanceDestroy")]
    pub fn destroy(self) -> Result<()> {
        nvml_call!(self.nvml, nvmlComputeInstanceDestroy(self.handle))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<GpuInstance<'_>>();
        check::<ComputeInstance<'_>>();
        check::<OwnedGpuInstance>();
        check::<OwnedComputeInstance>();
    }

    #[test]
    fn older_profile_structs_adapt_to_one_type() {
        let v1 = sys::nvmlGpuInstanceProfileInfo_t {
            id: 9,
            isP2pSupported: 1,
            sliceCount: 3,
            memorySizeMB: 40192,
            ..Default::default()
        };
        let info = GpuInstanceProfileInfo::from_v1(&v1);
        assert_eq!(info.capabilities, GpuInstanceProfileCapabilities::P2P);
        assert_eq!(
            (info.id, info.slice_count, info.memory_size_mib),
            (9, 3, 40192)
        );
        assert!(info.name.is_empty());
        let caps = GpuInstanceProfileCapabilities::from_bits_retain(1 << 20 | 2);
        assert!(caps.contains(GpuInstanceProfileCapabilities::GFX));
        assert_eq!(caps.bits(), 1 << 20 | 2);
    }
}
