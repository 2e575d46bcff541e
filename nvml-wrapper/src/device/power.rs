//! Power: draw, limits, energy and source; power management mode, PowerMizer and adaptive
//! total graphics power (TGP).

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys as sys;

use super::Device;
use crate::enums::{PowerSource, enable_state, enabled, nvml_enum};
use crate::error::{NvmlError, Result};
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

nvml_enum! {
    /// PowerMizer mode: how clocks follow the load (`NVML_POWER_MIZER_MODE_*`).
    pub enum PowerMizerMode: c_uint {
        /// Clocks follow GPU utilization.
        Adaptive = sys::NVML_POWER_MIZER_MODE_ADAPTIVE,
        /// Clocks raised to favour maximum performance.
        PreferMaximumPerformance = sys::NVML_POWER_MIZER_MODE_PREFER_MAXIMUM_PERFORMANCE,
        /// Driver controlled.
        Auto = sys::NVML_POWER_MIZER_MODE_AUTO,
        /// Locked to base clocks.
        PreferConsistentPerformance = sys::NVML_POWER_MIZER_MODE_PREFER_CONSISTENT_PERFORMANCE,
    }
}

/// PowerMizer state (`nvmlDevicePowerMizerModes_v1_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerMizerModes {
    /// The mode in effect.
    pub current: PowerMizerMode,
    /// The modes the device supports (unknown bits of the mask are skipped).
    pub supported: Vec<PowerMizerMode>,
    /// The raw supported-modes mask, `1 << mode` per mode.
    pub supported_mask: u32,
}

/// Adaptive total graphics power (TGP) state (`nvmlAdaptiveTgpModeInfo_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdaptiveTgpModeInfo {
    /// In-band enablement was requested.
    pub in_band_enable_requested: bool,
    /// The out-of-band administrator allows the feature.
    pub allowed_by_admin: bool,
    /// An out-of-band administrator override is active.
    pub admin_override: bool,
    /// The feature is active after arbitration.
    pub enabled: bool,
    /// The adjusted TGP limit in milliwatts (meaningful only when enabled).
    pub adjusted_limit_mw: u32,
}

impl TryFrom<&sys::nvmlDevicePowerMizerModes_v1_t> for PowerMizerModes {
    type Error = NvmlError;
    fn try_from(modes: &sys::nvmlDevicePowerMizerModes_v1_t) -> Result<Self> {
        let mask = modes.supportedPowerMizerModes;
        Ok(Self {
            current: PowerMizerMode::try_from(modes.currentMode)?,
            supported: PowerMizerMode::ALL
                .iter()
                .copied()
                .filter(|m| m.as_raw() < 32 && mask & (1 << m.as_raw()) != 0)
                .collect(),
            supported_mask: mask,
        })
    }
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

    /// PowerMizer mode and the modes supported (`nvmlDeviceGetPowerMizerMode_v1`).
    #[doc(alias = "nvmlDeviceGetPowerMizerMode_v1")]
    pub fn power_mizer_mode(&self) -> Result<PowerMizerModes> {
        let mut modes = sys::nvmlDevicePowerMizerModes_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPowerMizerMode_v1(self.handle, &mut modes)
        )?;
        PowerMizerModes::try_from(&modes)
    }

    /// Sets the PowerMizer mode (`nvmlDeviceSetPowerMizerMode_v1`). Requires root.
    #[doc(alias = "nvmlDeviceSetPowerMizerMode_v1")]
    pub fn set_power_mizer_mode(&self, mode: PowerMizerMode) -> Result<()> {
        let mut modes = sys::nvmlDevicePowerMizerModes_v1_t {
            mode: mode.as_raw(),
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetPowerMizerMode_v1(self.handle, &mut modes)
        )
    }

    /// Adaptive TGP state (`nvmlDeviceGetAdaptiveTgpModeInfo_v1`).
    #[doc(alias = "nvmlDeviceGetAdaptiveTgpModeInfo_v1")]
    pub fn adaptive_tgp_mode_info(&self) -> Result<AdaptiveTgpModeInfo> {
        let mut info = sys::nvmlAdaptiveTgpModeInfo_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAdaptiveTgpModeInfo_v1(self.handle, &mut info)
        )?;
        Ok(AdaptiveTgpModeInfo {
            in_band_enable_requested: enabled(info.inBandEnableRequest, "adaptive TGP request")?,
            allowed_by_admin: enabled(info.featureAllowedByAdmin, "adaptive TGP admin")?,
            admin_override: enabled(info.adminOverrideEnabled, "adaptive TGP override")?,
            enabled: enabled(info.enablementStatus, "adaptive TGP status")?,
            adjusted_limit_mw: info.adjustedLimitMw,
        })
    }

    /// Requests adaptive TGP on or off (`nvmlDeviceSetAdaptiveTgpMode_v1`). Requires root.
    #[doc(alias = "nvmlDeviceSetAdaptiveTgpMode_v1")]
    pub fn set_adaptive_tgp_mode(&self, on: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetAdaptiveTgpMode_v1(self.handle, enable_state(on))
        )
    }

    /// Whether power management (power limits) is enabled
    /// (`nvmlDeviceGetPowerManagementMode`).
    #[doc(alias = "nvmlDeviceGetPowerManagementMode")]
    pub fn power_management_mode(&self) -> Result<bool> {
        let mut raw: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPowerManagementMode(self.handle, &mut raw)
        )?;
        enabled(raw, "power management mode")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_mizer_mask_lists_known_modes_and_keeps_the_rest() {
        let raw = sys::nvmlDevicePowerMizerModes_v1_t {
            currentMode: sys::NVML_POWER_MIZER_MODE_AUTO,
            mode: 0,
            supportedPowerMizerModes: (1 << sys::NVML_POWER_MIZER_MODE_ADAPTIVE)
                | (1 << sys::NVML_POWER_MIZER_MODE_AUTO)
                | (1 << 20),
        };
        let modes = PowerMizerModes::try_from(&raw).unwrap();
        assert_eq!(modes.current, PowerMizerMode::Auto);
        assert_eq!(
            modes.supported,
            [PowerMizerMode::Adaptive, PowerMizerMode::Auto]
        );
        assert_eq!(modes.supported_mask, raw.supportedPowerMizerModes);
        let future = sys::nvmlDevicePowerMizerModes_v1_t {
            currentMode: 9,
            ..raw
        };
        assert_eq!(
            PowerMizerModes::try_from(&future).unwrap().current,
            PowerMizerMode::Other(9)
        );
    }
}
