//! MIG (Multi-Instance GPU): the mode and MIG device handles.
//!
//! With MIG on, each compute instance appears as a *MIG device*: a [`Device`] with its own
//! handle ([`Device::mig_device_by_index`]) that most queries accept. Creating and listing GPU
//! and compute instances is not wrapped here yet.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use crate::error::{NvmlError, Result, check};
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// MIG mode now and after the next GPU reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MigMode {
    /// Whether MIG is on now.
    pub current: bool,
    /// Whether MIG will be on after the next GPU reset.
    pub pending: bool,
}

/// What [`Device::set_mig_mode`] achieved.
#[derive(Debug)]
pub enum MigModeChange {
    /// The new mode is active.
    Applied,
    /// The new mode is set but not active yet, for this reason (e.g. [`NvmlError::InUse`],
    /// [`NvmlError::ResetRequired`]).
    Pending(NvmlError),
}

impl MigModeChange {
    /// Whether the new mode is active.
    pub fn is_applied(&self) -> bool {
        matches!(self, MigModeChange::Applied)
    }
}

/// The most MIG devices [`Device::mig_devices`] asks for: a bound on the count the driver
/// reports (NVML's largest split is 7 GPU instances of up to 8 compute instances).
const MAX_MIG_DEVICES: u32 = 64;

/// What a MIG device has of its GPU ([`Device::attributes`], `nvmlDeviceAttributes_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeviceAttributes {
    /// Streaming multiprocessors.
    pub multiprocessor_count: u32,
    /// Copy engines, shared within the GPU instance.
    pub shared_copy_engine_count: u32,
    /// Video decoders, shared within the GPU instance.
    pub shared_decoder_count: u32,
    /// Video encoders, shared within the GPU instance.
    pub shared_encoder_count: u32,
    /// JPEG engines, shared within the GPU instance.
    pub shared_jpeg_count: u32,
    /// Optical flow accelerators, shared within the GPU instance.
    pub shared_ofa_count: u32,
    /// Compute slices of the GPU instance.
    pub gpu_instance_slice_count: u32,
    /// Compute slices of the compute instance.
    pub compute_instance_slice_count: u32,
    /// Memory, MiB.
    pub memory_size_mib: u64,
}

/// `NVML_DEVICE_MIG_DISABLE`/`ENABLE` as a `bool`; any other value is unexpected.
fn mig_enabled(raw: c_uint, what: &'static str) -> Result<bool> {
    match raw {
        sys::NVML_DEVICE_MIG_DISABLE => Ok(false),
        sys::NVML_DEVICE_MIG_ENABLE => Ok(true),
        other => Err(NvmlError::UnexpectedValue {
            what,
            value: i64::from(other),
        }),
    }
}

impl<'nvml, N: NvmlRef> Device<'nvml, N> {
    /// The engines, slices and memory of a MIG device (`nvmlDeviceGetAttributes_v2`, or
    /// `nvmlDeviceGetAttributes` on drivers without it). Ampere or newer, Linux.
    ///
    /// # Errors
    /// NVML answers only for MIG device handles ([`Device::mig_device_by_index`]); a whole
    /// GPU is [`NvmlError::NotSupported`] or, where the driver answers anyway, its own totals.
    #[doc(alias = "nvmlDeviceGetAttributes_v2")]
    #[doc(alias = "nvmlDeviceGetAttributes")]
    pub fn attributes(&self) -> Result<DeviceAttributes> {
        let raw = self.nvml.versions().device_attributes(self.handle)?;
        Ok(DeviceAttributes {
            multiprocessor_count: raw.multiprocessorCount,
            shared_copy_engine_count: raw.sharedCopyEngineCount,
            shared_decoder_count: raw.sharedDecoderCount,
            shared_encoder_count: raw.sharedEncoderCount,
            shared_jpeg_count: raw.sharedJpegCount,
            shared_ofa_count: raw.sharedOfaCount,
            gpu_instance_slice_count: raw.gpuInstanceSliceCount,
            compute_instance_slice_count: raw.computeInstanceSliceCount,
            memory_size_mib: raw.memorySizeMB,
        })
    }

    /// MIG mode, current and pending (`nvmlDeviceGetMigMode`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] on devices without MIG.
    #[doc(alias = "nvmlDeviceGetMigMode")]
    pub fn mig_mode(&self) -> Result<MigMode> {
        let (mut current, mut pending): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMigMode(self.handle, &mut current, &mut pending)
        )?;
        Ok(MigMode {
            current: mig_enabled(current, "current MIG mode")?,
            pending: mig_enabled(pending, "pending MIG mode")?,
        })
    }

    /// Turns MIG mode on or off (`nvmlDeviceSetMigMode`). Needs root.
    ///
    /// `Ok(MigModeChange::Applied)` when the new mode took effect,
    /// `Ok(MigModeChange::Pending(reason))` when it is set but not active yet, e.g.
    /// [`NvmlError::InUse`] (idle the GPU and retry) or [`NvmlError::ResetRequired`] (reset
    /// the GPU or reboot the VM). The device may be reset, so re-read attributes such as the
    /// minor number afterwards.
    ///
    /// # Errors
    /// [`NvmlError::NoPermission`] without root, [`NvmlError::NotSupported`] on devices
    /// without MIG.
    #[doc(alias = "nvmlDeviceSetMigMode")]
    pub fn set_mig_mode(&self, on: bool) -> Result<MigModeChange> {
        let mode = if on {
            sys::NVML_DEVICE_MIG_ENABLE
        } else {
            sys::NVML_DEVICE_MIG_DISABLE
        };
        let mut activation: sys::nvmlReturn_t = sys::NVML_SUCCESS;
        nvml_call!(
            self.nvml,
            nvmlDeviceSetMigMode(self.handle, mode, &mut activation)
        )?;
        Ok(match check(activation, "nvmlDeviceSetMigMode") {
            Ok(()) => MigModeChange::Applied,
            Err(reason) => MigModeChange::Pending(reason),
        })
    }

    /// Whether this handle is a MIG device handle rather than a whole GPU
    /// (`nvmlDeviceIsMigDeviceHandle`).
    #[doc(alias = "nvmlDeviceIsMigDeviceHandle")]
    pub fn is_mig_device_handle(&self) -> Result<bool> {
        let mut is_mig: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceIsMigDeviceHandle(self.handle, &mut is_mig)
        )?;
        Ok(is_mig != 0)
    }

    /// The most MIG devices this GPU can be split into (`nvmlDeviceGetMaxMigDeviceCount`).
    #[doc(alias = "nvmlDeviceGetMaxMigDeviceCount")]
    pub fn max_mig_device_count(&self) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMaxMigDeviceCount(self.handle, &mut count)
        )?;
        Ok(count)
    }

    /// The MIG device at `index` (`0..max_mig_device_count()`) of this GPU
    /// (`nvmlDeviceGetMigDeviceHandleByIndex`).
    ///
    /// # Errors
    /// [`NvmlError::NotFound`] if no MIG device has that index, [`NvmlError::InvalidArgument`]
    /// if MIG is off, [`NvmlError::NotSupported`] on GPUs without MIG.
    #[doc(alias = "nvmlDeviceGetMigDeviceHandleByIndex")]
    pub fn mig_device_by_index(&self, index: u32) -> Result<Device<'nvml, N>> {
        let mut handle: sys::nvmlDevice_t = std::ptr::null_mut();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMigDeviceHandleByIndex(self.handle, index, &mut handle)
        )?;
        Device::from_handle(self.nvml.clone(), handle)
    }

    /// Every MIG device of this GPU, in index order: each index of
    /// `0..max_mig_device_count()` that has one (`nvmlDeviceGetMaxMigDeviceCount`, then
    /// `nvmlDeviceGetMigDeviceHandleByIndex` for each index; the indices without a MIG device
    /// answer `NVML_ERROR_NOT_FOUND` and are left out). Empty while MIG is off.
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] on GPUs without MIG.
    #[doc(alias = "nvmlDeviceGetMigDeviceHandleByIndex")]
    pub fn mig_devices(&self) -> Result<Vec<Device<'nvml, N>>> {
        let max = self.max_mig_device_count()?.min(MAX_MIG_DEVICES);
        let mut devices = Vec::new();
        for index in 0..max {
            match self.mig_device_by_index(index) {
                Ok(d) => devices.push(d),
                Err(NvmlError::NotFound(_)) => {}
                // MIG off: no MIG device at any index.
                Err(NvmlError::InvalidArgument(_)) if devices.is_empty() => break,
                Err(e) => return Err(e),
            }
        }
        Ok(devices)
    }

    /// The whole GPU a MIG device belongs to (`nvmlDeviceGetDeviceHandleFromMigDeviceHandle`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] if this is not a MIG device handle.
    #[doc(alias = "nvmlDeviceGetDeviceHandleFromMigDeviceHandle")]
    pub fn mig_parent_device(&self) -> Result<Device<'nvml, N>> {
        let mut handle: sys::nvmlDevice_t = std::ptr::null_mut();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetDeviceHandleFromMigDeviceHandle(self.handle, &mut handle)
        )?;
        Device::from_handle(self.nvml.clone(), handle)
    }

    /// The id of the GPU instance a MIG device belongs to (`nvmlDeviceGetGpuInstanceId`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] for a whole-GPU handle.
    #[doc(alias = "nvmlDeviceGetGpuInstanceId")]
    pub fn gpu_instance_id(&self) -> Result<u32> {
        let mut id: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetGpuInstanceId(self.handle, &mut id))?;
        Ok(id)
    }

    /// The id of the compute instance a MIG device is, within its GPU instance
    /// (`nvmlDeviceGetComputeInstanceId`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] for a whole-GPU handle.
    #[doc(alias = "nvmlDeviceGetComputeInstanceId")]
    pub fn compute_instance_id(&self) -> Result<u32> {
        let mut id: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetComputeInstanceId(self.handle, &mut id)
        )?;
        Ok(id)
    }
}
