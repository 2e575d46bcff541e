//! Power: draw, limits, energy and source.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys as sys;

use super::Device;
use crate::enums::PowerSource;
use crate::error::Result;
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// The range a power management limit may be set within, in milliwatts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerLimitConstraints {
    /// Lowest allowed limit.
    pub min: u32,
    /// Highest allowed limit.
    pub max: u32,
}

impl<N: NvmlRef> Device<'_, N> {
    /// Power drawn by the GPU and its memory now, in milliwatts, ±5 % (`nvmlDeviceGetPowerUsage`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetPowerUsage")]
    pub fn power_usage(&self) -> Result<u32> {
        let mut milliwatts: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPowerUsage(self.handle, &mut milliwatts)
        )?;
        Ok(milliwatts)
    }

    /// The power management limit, in milliwatts: the power algorithm keeps the draw under
    /// it (`nvmlDeviceGetPowerManagementLimit`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetPowerManagementLimit")]
    pub fn power_management_limit(&self) -> Result<u32> {
        let mut milliwatts: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPowerManagementLimit(self.handle, &mut milliwatts)
        )?;
        Ok(milliwatts)
    }

    /// The range the power management limit may be set within
    /// (`nvmlDeviceGetPowerManagementLimitConstraints`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetPowerManagementLimitConstraints")]
    pub fn power_management_limit_constraints(&self) -> Result<PowerLimitConstraints> {
        let (mut min, mut max): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPowerManagementLimitConstraints(self.handle, &mut min, &mut max)
        )?;
        Ok(PowerLimitConstraints { min, max })
    }

    /// The power management limit the device boots with, in milliwatts
    /// (`nvmlDeviceGetPowerManagementDefaultLimit`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetPowerManagementDefaultLimit")]
    pub fn power_management_default_limit(&self) -> Result<u32> {
        let mut milliwatts: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPowerManagementDefaultLimit(self.handle, &mut milliwatts)
        )?;
        Ok(milliwatts)
    }

    /// The power limit in force, in milliwatts: the lowest of all limiters, such as the
    /// management limit and an out-of-band limit (`nvmlDeviceGetEnforcedPowerLimit`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetEnforcedPowerLimit")]
    pub fn enforced_power_limit(&self) -> Result<u32> {
        let mut milliwatts: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetEnforcedPowerLimit(self.handle, &mut milliwatts)
        )?;
        Ok(milliwatts)
    }

    /// Energy used since the driver was last loaded, in millijoules
    /// (`nvmlDeviceGetTotalEnergyConsumption`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetTotalEnergyConsumption")]
    pub fn total_energy_consumption(&self) -> Result<u64> {
        let mut millijoules: c_ulonglong = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetTotalEnergyConsumption(self.handle, &mut millijoules)
        )?;
        Ok(millijoules)
    }

    /// Where the device draws its power from (`nvmlDeviceGetPowerSource`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetPowerSource")]
    pub fn power_source(&self) -> Result<PowerSource> {
        let mut raw: sys::nvmlPowerSource_t = 0;
        nvml_call!(self.nvml, nvmlDeviceGetPowerSource(self.handle, &mut raw))?;
        PowerSource::try_from(raw)
    }
}
