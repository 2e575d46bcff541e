//! Modes: persistence, compute, display, multi-GPU boards, the driver model, API restrictions
//! and the GPU operation mode.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use crate::enums::{
    ComputeMode, DriverModel, GpuOperationMode, RestrictedApi, enable_state, enabled,
};
use crate::error::Result;
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// The Windows driver model now and after the next reboot
/// ([`Device::driver_model`](crate::Device::driver_model)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DriverModelState {
    /// The model in use.
    pub current: DriverModel,
    /// The model after the next reboot.
    pub pending: DriverModel,
}

/// GPU operation mode now and after the next reboot (`nvmlDeviceGetGpuOperationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GpuOperationModes {
    /// The mode in effect.
    pub current: GpuOperationMode,
    /// The mode after the next reboot.
    pub pending: GpuOperationMode,
}

impl<N: NvmlRef> Device<'_, N> {
    /// Whether persistence mode is on: the driver stays loaded with no client attached
    /// (`nvmlDeviceGetPersistenceMode`). Linux only.
    #[inline]
    #[doc(alias = "nvmlDeviceGetPersistenceMode")]
    pub fn persistence_mode(&self) -> Result<bool> {
        let mut mode: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPersistenceMode(self.handle, &mut mode)
        )?;
        enabled(mode, "persistence mode")
    }

    /// Turns persistence mode on or off (`nvmlDeviceSetPersistenceMode`). Linux only.
    ///
    /// # Errors
    /// [`NvmlError::NoPermission`](crate::NvmlError::NoPermission) without root.
    #[doc(alias = "nvmlDeviceSetPersistenceMode")]
    pub fn set_persistence_mode(&self, on: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetPersistenceMode(self.handle, enable_state(on))
        )
    }

    /// The compute mode: how many compute contexts the device allows
    /// (`nvmlDeviceGetComputeMode`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetComputeMode")]
    pub fn compute_mode(&self) -> Result<ComputeMode> {
        let mut mode: sys::nvmlComputeMode_t = 0;
        nvml_call!(self.nvml, nvmlDeviceGetComputeMode(self.handle, &mut mode))?;
        ComputeMode::try_from(mode)
    }

    /// Sets the compute mode (`nvmlDeviceSetComputeMode`). The setting does not survive a
    /// driver reload.
    ///
    /// # Errors
    /// [`NvmlError::NoPermission`](crate::NvmlError::NoPermission) without root.
    #[doc(alias = "nvmlDeviceSetComputeMode")]
    pub fn set_compute_mode(&self, mode: ComputeMode) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetComputeMode(self.handle, mode.as_raw())
        )
    }

    /// Whether a physical display is connected to one of the device's outputs
    /// (`nvmlDeviceGetDisplayMode`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetDisplayMode")]
    pub fn display_mode(&self) -> Result<bool> {
        let mut mode: sys::nvmlEnableState_t = 0;
        nvml_call!(self.nvml, nvmlDeviceGetDisplayMode(self.handle, &mut mode))?;
        enabled(mode, "display mode")
    }

    /// Whether a display is initialised on the device: memory is allocated for it, even if
    /// no monitor is attached (`nvmlDeviceGetDisplayActive`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetDisplayActive")]
    pub fn display_active(&self) -> Result<bool> {
        let mut active: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetDisplayActive(self.handle, &mut active)
        )?;
        enabled(active, "display active")
    }

    /// Whether the device sits on a board with several GPUs (`nvmlDeviceGetMultiGpuBoard`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetMultiGpuBoard")]
    pub fn is_multi_gpu_board(&self) -> Result<bool> {
        let mut multi: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMultiGpuBoard(self.handle, &mut multi)
        )?;
        Ok(multi != 0)
    }

    /// The Windows driver model (WDDM, WDM/TCC or MCDM), now and after the next reboot
    /// (`nvmlDeviceGetDriverModel_v2`, or `nvmlDeviceGetDriverModel` on drivers without it).
    /// Windows only.
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`](crate::NvmlError::NotSupported) on Linux and every other platform but Windows.
    #[doc(alias = "nvmlDeviceGetDriverModel_v2")]
    #[doc(alias = "nvmlDeviceGetDriverModel")]
    pub fn driver_model(&self) -> Result<DriverModelState> {
        let (current, pending) = self.nvml.versions().driver_model(self.handle)?;
        Ok(DriverModelState {
            current: DriverModel::try_from(current)?,
            pending: DriverModel::try_from(pending)?,
        })
    }

    /// Whether a group of APIs is restricted to root (`nvmlDeviceGetAPIRestriction`).
    #[doc(alias = "nvmlDeviceGetAPIRestriction")]
    pub fn api_restriction(&self, api: RestrictedApi) -> Result<bool> {
        let mut raw: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAPIRestriction(self.handle, api.as_raw(), &mut raw)
        )?;
        enabled(raw, "API restriction")
    }

    /// GPU operation mode, now and after the next reboot (`nvmlDeviceGetGpuOperationMode`).
    #[doc(alias = "nvmlDeviceGetGpuOperationMode")]
    pub fn gpu_operation_mode(&self) -> Result<GpuOperationModes> {
        let (mut current, mut pending): (sys::nvmlGpuOperationMode_t, sys::nvmlGpuOperationMode_t) =
            (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetGpuOperationMode(self.handle, &mut current, &mut pending)
        )?;
        Ok(GpuOperationModes {
            current: GpuOperationMode::try_from(current)?,
            pending: GpuOperationMode::try_from(pending)?,
        })
    }
}
