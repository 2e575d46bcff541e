//! Device commands: the setters of NVML's "Device Commands" group (ECC, clocks, fans,
//! auto-boost, API restrictions, driver and operation modes, thresholds, RUSD).
//!
//! Almost all of them need root (`NvmlError::NoPermission` otherwise) and change state that
//! outlives the process until the driver reloads or the GPU resets.

use std::ffi::{c_int, c_uint};

use nvml_sys as sys;

use super::Device;
use crate::enums::{
    DriverModel, EccCounterType, FanControlPolicy, GpuOperationMode, RestrictedApi,
    TemperatureThreshold, enable_state,
};
use crate::error::Result;
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

bitflags::bitflags! {
    /// What the driver keeps polling into read-only user shared data (RUSD)
    /// (`NVML_RUSD_POLL_*`, the `pollMask` of `nvmlRusdSettings_v1_t`). Unknown bits are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct RusdPollMask: u64 {
        /// Clocks.
        const CLOCK = sys::NVML_RUSD_POLL_CLOCK as u64;
        /// Performance state and policy.
        const PERF = sys::NVML_RUSD_POLL_PERF as u64;
        /// Memory.
        const MEMORY = sys::NVML_RUSD_POLL_MEMORY as u64;
        /// Power.
        const POWER = sys::NVML_RUSD_POLL_POWER as u64;
        /// Thermals.
        const THERMAL = sys::NVML_RUSD_POLL_THERMAL as u64;
        /// PCIe.
        const PCI = sys::NVML_RUSD_POLL_PCI as u64;
        /// Fans.
        const FAN = sys::NVML_RUSD_POLL_FAN as u64;
        /// Per-process utilization.
        const PROC_UTIL = sys::NVML_RUSD_POLL_PROC_UTIL as u64;
        // Bits a newer driver may define.
        const _ = !0;
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// Asks for ECC on or off (`nvmlDeviceSetEccMode`). The change is *pending* until the
    /// next reboot: [`ecc_mode`](Self::ecc_mode) shows it as the pending mode.
    ///
    /// # Errors
    /// [`NoPermission`](crate::NvmlError::NoPermission) without root,
    /// [`NotSupported`](crate::NvmlError::NotSupported) on a device without ECC.
    #[doc(alias = "nvmlDeviceSetEccMode")]
    pub fn set_ecc_mode(&self, on: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetEccMode(self.handle, enable_state(on))
        )
    }

    /// Clears the ECC error counters of one kind (`nvmlDeviceClearEccErrorCounts`):
    /// [`Volatile`](EccCounterType::Volatile) (since the last driver load) or
    /// [`Aggregate`](EccCounterType::Aggregate) (lifetime). Needs root.
    #[doc(alias = "nvmlDeviceClearEccErrorCounts")]
    pub fn clear_ecc_error_counts(&self, counter: EccCounterType) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceClearEccErrorCounts(self.handle, counter.as_raw())
        )
    }

    /// Sets the application clocks, the clocks compute and graphics work runs at
    /// (`nvmlDeviceSetApplicationsClocks`). The pair must be one the device supports
    /// ([`supported_memory_clocks`](Self::supported_memory_clocks), then
    /// [`supported_graphics_clocks`](Self::supported_graphics_clocks)).
    ///
    /// # Errors
    /// [`NoPermission`](crate::NvmlError::NoPermission) without root (unless the
    /// restriction is lifted with [`set_api_restriction`](Self::set_api_restriction)),
    /// [`InvalidArgument`](crate::NvmlError::InvalidArgument) for an unsupported pair.
    #[doc(alias = "nvmlDeviceSetApplicationsClocks")]
    pub fn set_applications_clocks(&self, memory_mhz: u32, graphics_mhz: u32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetApplicationsClocks(self.handle, memory_mhz, graphics_mhz)
        )
    }

    /// Puts the application clocks back to their defaults
    /// (`nvmlDeviceResetApplicationsClocks`). Needs root, like the setter.
    #[doc(alias = "nvmlDeviceResetApplicationsClocks")]
    pub fn reset_applications_clocks(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceResetApplicationsClocks(self.handle))
    }

    /// Locks the graphics clock into `[min_mhz, max_mhz]` (`nvmlDeviceSetGpuLockedClocks`).
    /// The header's `NVML_CLOCK_LIMIT_ID_*` values (`sys::NVML_CLOCK_LIMIT_ID_TDP`, ...) may
    /// stand for either bound. Volta or newer; needs root.
    #[doc(alias = "nvmlDeviceSetGpuLockedClocks")]
    pub fn set_gpu_locked_clocks(&self, min_mhz: u32, max_mhz: u32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetGpuLockedClocks(self.handle, min_mhz, max_mhz)
        )
    }

    /// Releases the graphics clock lock (`nvmlDeviceResetGpuLockedClocks`). Needs root.
    #[doc(alias = "nvmlDeviceResetGpuLockedClocks")]
    pub fn reset_gpu_locked_clocks(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceResetGpuLockedClocks(self.handle))
    }

    /// Locks the memory clock into `[min_mhz, max_mhz]` (`nvmlDeviceSetMemoryLockedClocks`).
    /// Ampere or newer; needs root.
    #[doc(alias = "nvmlDeviceSetMemoryLockedClocks")]
    pub fn set_memory_locked_clocks(&self, min_mhz: u32, max_mhz: u32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetMemoryLockedClocks(self.handle, min_mhz, max_mhz)
        )
    }

    /// Releases the memory clock lock (`nvmlDeviceResetMemoryLockedClocks`). Needs root.
    #[doc(alias = "nvmlDeviceResetMemoryLockedClocks")]
    pub fn reset_memory_locked_clocks(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceResetMemoryLockedClocks(self.handle))
    }

    /// Turns auto-boosted clocks on or off (`nvmlDeviceSetAutoBoostedClocksEnabled`): turn
    /// them off for fixed clock rates. Needs persistence mode; open to every user unless root
    /// restricts it ([`RestrictedApi::SetAutoBoostedClocks`]). On Pascal and newer, auto boost
    /// follows the application clocks instead
    /// ([`set_applications_clocks`](Self::set_applications_clocks)).
    #[doc(alias = "nvmlDeviceSetAutoBoostedClocksEnabled")]
    pub fn set_auto_boosted_clocks_enabled(&self, on: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetAutoBoostedClocksEnabled(self.handle, enable_state(on))
        )
    }

    /// Sets the default auto-boost state, used when no client holds a setting
    /// (`nvmlDeviceSetDefaultAutoBoostedClocksEnabled`, flags 0). Needs root.
    #[doc(alias = "nvmlDeviceSetDefaultAutoBoostedClocksEnabled")]
    pub fn set_default_auto_boosted_clocks_enabled(&self, on: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetDefaultAutoBoostedClocksEnabled(self.handle, enable_state(on), 0)
        )
    }

    /// Restricts an API to root, or opens it to every user (`nvmlDeviceSetAPIRestriction`).
    /// Needs root.
    #[doc(alias = "nvmlDeviceSetAPIRestriction")]
    pub fn set_api_restriction(&self, api: RestrictedApi, restricted: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetAPIRestriction(self.handle, api.as_raw(), enable_state(restricted))
        )
    }

    /// Sets one fan's speed, in percent of its maximum, and switches it to manual control
    /// (`nvmlDeviceSetFanSpeed_v2`): from then on the caller must watch the temperature (too
    /// slow a fan can damage the GPU) until
    /// [`set_default_fan_speed`](Self::set_default_fan_speed). Maxwell or newer.
    ///
    /// # Errors
    /// [`InvalidArgument`](crate::NvmlError::InvalidArgument) for a fan index or speed
    /// outside the device's range.
    #[doc(alias = "nvmlDeviceSetFanSpeed_v2")]
    pub fn set_fan_speed(&self, fan: u32, percent: u32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetFanSpeed_v2(self.handle, fan, percent)
        )
    }

    /// Gives one fan back to the driver's default control (`nvmlDeviceSetDefaultFanSpeed_v2`).
    #[doc(alias = "nvmlDeviceSetDefaultFanSpeed_v2")]
    pub fn set_default_fan_speed(&self, fan: u32) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceSetDefaultFanSpeed_v2(self.handle, fan))
    }

    /// Sets how one fan is controlled (`nvmlDeviceSetFanControlPolicy`). Needs root.
    #[doc(alias = "nvmlDeviceSetFanControlPolicy")]
    pub fn set_fan_control_policy(&self, fan: u32, policy: FanControlPolicy) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetFanControlPolicy(self.handle, fan, policy.as_raw())
        )
    }

    /// Sets the graphics clock's voltage-frequency offset, in MHz
    /// (`nvmlDeviceSetGpcClkVfOffset`). Needs root. Deprecated in NVML 13.0 in favour of
    /// `nvmlDeviceSetClockOffsets`, which takes the P-state too.
    #[doc(alias = "nvmlDeviceSetGpcClkVfOffset")]
    pub fn set_gpc_clock_vf_offset(&self, offset_mhz: i32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetGpcClkVfOffset(self.handle, offset_mhz)
        )
    }

    /// Sets the memory clock's voltage-frequency offset, in MHz
    /// (`nvmlDeviceSetMemClkVfOffset`). Needs root. Deprecated in NVML 13.0 in favour of
    /// `nvmlDeviceSetClockOffsets`.
    #[doc(alias = "nvmlDeviceSetMemClkVfOffset")]
    pub fn set_memory_clock_vf_offset(&self, offset_mhz: i32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetMemClkVfOffset(self.handle, offset_mhz)
        )
    }

    /// Sets the power management limit, in milliwatts: what `nvidia-smi -pl` does
    /// (`nvmlDeviceSetPowerManagementLimit_v2` for the GPU's scope, falling back to
    /// `nvmlDeviceSetPowerManagementLimit` on drivers without it or that reject the struct
    /// version). Needs root; lasts until the driver unloads (keep persistence mode on).
    ///
    /// [`Device::power_management_limit_constraints`] gives the allowed range.
    ///
    /// # Errors
    /// [`NoPermission`](crate::NvmlError::NoPermission) without root,
    /// [`InvalidArgument`](crate::NvmlError::InvalidArgument) outside the allowed range,
    /// [`NotSupported`](crate::NvmlError::NotSupported) on devices without the feature.
    #[doc(alias = "nvmlDeviceSetPowerManagementLimit_v2")]
    #[doc(alias = "nvmlDeviceSetPowerManagementLimit")]
    pub fn set_power_management_limit(&self, milliwatts: u32) -> Result<()> {
        self.nvml
            .versions()
            .set_power_limit(self.handle, milliwatts)
    }

    /// Sets the GPU operation mode (`nvmlDeviceSetGpuOperationMode`); it takes effect after
    /// the next reboot. Needs root.
    #[doc(alias = "nvmlDeviceSetGpuOperationMode")]
    pub fn set_gpu_operation_mode(&self, mode: GpuOperationMode) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetGpuOperationMode(self.handle, mode.as_raw())
        )
    }

    /// Sets the Windows driver model, effective after a reboot (`nvmlDeviceSetDriverModel`).
    /// `force` (`nvmlFlagForce`) switches to WDM even with a display attached. Windows only;
    /// needs administrator rights.
    #[doc(alias = "nvmlDeviceSetDriverModel")]
    pub fn set_driver_model(&self, model: DriverModel, force: bool) -> Result<()> {
        let flags: c_uint = if force {
            sys::nvmlFlagForce
        } else {
            sys::nvmlFlagDefault
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetDriverModel(self.handle, model.as_raw(), flags)
        )
    }

    /// Sets a temperature threshold, in °C (`nvmlDeviceSetTemperatureThreshold`). Maxwell or
    /// newer; which thresholds can be set depends on the device.
    #[doc(alias = "nvmlDeviceSetTemperatureThreshold")]
    pub fn set_temperature_threshold(
        &self,
        threshold: TemperatureThreshold,
        celsius: i32,
    ) -> Result<()> {
        let mut temp: c_int = celsius;
        nvml_call!(
            self.nvml,
            nvmlDeviceSetTemperatureThreshold(self.handle, threshold.as_raw(), &mut temp)
        )
    }

    /// Sets what the driver polls into read-only user shared data
    /// (`nvmlDeviceSetRusdSettings_v1` with `nvmlRusdSettings_v1`); an empty mask stops the
    /// polling. Needs root.
    #[doc(alias = "nvmlDeviceSetRusdSettings_v1")]
    pub fn set_rusd_settings(&self, poll: RusdPollMask) -> Result<()> {
        let mut settings = sys::nvmlRusdSettings_v1_t {
            version: sys::nvmlRusdSettings_v1,
            pollMask: poll.bits(),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetRusdSettings_v1(self.handle, &mut settings)
        )
    }
}
