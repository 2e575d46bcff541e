//! Cooling: fan speeds in RPM, target speeds, the allowed range, fan control policy, coolers
//! and thermal sensor settings.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use crate::enums::{FanControlPolicy, nvml_enum};
use crate::error::Result;
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// Fan speed range, percent of the maximum (`nvmlDeviceGetMinMaxFanSpeed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FanSpeedRange {
    /// Lowest speed a fan may be set to.
    pub min: u32,
    /// Highest speed a fan may be set to.
    pub max: u32,
}

nvml_enum! {
    /// How a cooler is driven (`nvmlCoolerControl_t`).
    pub enum CoolerControl: sys::nvmlCoolerControl_t {
        /// No control signal.
        None = sys::NVML_THERMAL_COOLER_SIGNAL_NONE,
        /// On/off.
        Toggle = sys::NVML_THERMAL_COOLER_SIGNAL_TOGGLE,
        /// Variable speed.
        Variable = sys::NVML_THERMAL_COOLER_SIGNAL_VARIABLE,
    }
}

bitflags::bitflags! {
    /// What a cooler cools (`nvmlCoolerTarget_t`, a bit mask). Unknown bits are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct CoolerTargets: u32 {
        /// Nothing.
        const NONE = sys::NVML_THERMAL_COOLER_TARGET_NONE;
        /// The GPU.
        const GPU = sys::NVML_THERMAL_COOLER_TARGET_GPU;
        /// The memory.
        const MEMORY = sys::NVML_THERMAL_COOLER_TARGET_MEMORY;
        /// The power supply.
        const POWER_SUPPLY = sys::NVML_THERMAL_COOLER_TARGET_POWER_SUPPLY;
        /// Bits from a driver newer than these bindings.
        const _ = !0;
    }
}

/// One cooler (`nvmlCoolerInfo_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CoolerInfo {
    /// How it is driven.
    pub signal: CoolerControl,
    /// What it cools.
    pub targets: CoolerTargets,
}

nvml_enum! {
    /// The controller behind a thermal sensor (`nvmlThermalController_t`).
    pub enum ThermalController: sys::nvmlThermalController_t {
        /// None.
        None = sys::NVML_THERMAL_CONTROLLER_NONE,
        /// The GPU's internal sensor.
        GpuInternal = sys::NVML_THERMAL_CONTROLLER_GPU_INTERNAL,
        /// ADM1032.
        Adm1032 = sys::NVML_THERMAL_CONTROLLER_ADM1032,
        /// ADT7461.
        Adt7461 = sys::NVML_THERMAL_CONTROLLER_ADT7461,
        /// MAX6649.
        Max6649 = sys::NVML_THERMAL_CONTROLLER_MAX6649,
        /// MAX1617.
        Max1617 = sys::NVML_THERMAL_CONTROLLER_MAX1617,
        /// LM99.
        Lm99 = sys::NVML_THERMAL_CONTROLLER_LM99,
        /// LM89.
        Lm89 = sys::NVML_THERMAL_CONTROLLER_LM89,
        /// LM64.
        Lm64 = sys::NVML_THERMAL_CONTROLLER_LM64,
        /// G781.
        G781 = sys::NVML_THERMAL_CONTROLLER_G781,
        /// ADT7473.
        Adt7473 = sys::NVML_THERMAL_CONTROLLER_ADT7473,
        /// SBMAX6649.
        SbMax6649 = sys::NVML_THERMAL_CONTROLLER_SBMAX6649,
        /// VBIOS event.
        VbiosEvt = sys::NVML_THERMAL_CONTROLLER_VBIOSEVT,
        /// The operating system.
        Os = sys::NVML_THERMAL_CONTROLLER_OS,
        /// NVSYSCON Canoas.
        NvSysConCanoas = sys::NVML_THERMAL_CONTROLLER_NVSYSCON_CANOAS,
        /// NVSYSCON E551.
        NvSysConE551 = sys::NVML_THERMAL_CONTROLLER_NVSYSCON_E551,
        /// MAX6649R.
        Max6649R = sys::NVML_THERMAL_CONTROLLER_MAX6649R,
        /// ADT7473S.
        Adt7473S = sys::NVML_THERMAL_CONTROLLER_ADT7473S,
        /// Unknown controller.
        Unknown = sys::NVML_THERMAL_CONTROLLER_UNKNOWN,
    }
}

nvml_enum! {
    /// What a thermal sensor measures (`nvmlThermalTarget_t`).
    pub enum ThermalTarget: sys::nvmlThermalTarget_t {
        /// Nothing.
        None = sys::NVML_THERMAL_TARGET_NONE,
        /// The GPU core.
        Gpu = sys::NVML_THERMAL_TARGET_GPU,
        /// The memory.
        Memory = sys::NVML_THERMAL_TARGET_MEMORY,
        /// The power supply.
        PowerSupply = sys::NVML_THERMAL_TARGET_POWER_SUPPLY,
        /// The board.
        Board = sys::NVML_THERMAL_TARGET_BOARD,
        /// Visual Computing Device board.
        VcdBoard = sys::NVML_THERMAL_TARGET_VCD_BOARD,
        /// Visual Computing Device inlet.
        VcdInlet = sys::NVML_THERMAL_TARGET_VCD_INLET,
        /// Visual Computing Device outlet.
        VcdOutlet = sys::NVML_THERMAL_TARGET_VCD_OUTLET,
        /// Every target.
        All = sys::NVML_THERMAL_TARGET_ALL,
        /// Unknown target.
        Unknown = sys::NVML_THERMAL_TARGET_UNKNOWN,
    }
}

/// One thermal sensor (an entry of `nvmlGpuThermalSettings_t`), temperatures in °C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ThermalSensor {
    /// The sensor's controller.
    pub controller: ThermalController,
    /// Default minimum temperature.
    pub default_min_temp: i32,
    /// Default maximum temperature.
    pub default_max_temp: i32,
    /// Current temperature.
    pub current_temp: i32,
    /// What the sensor measures.
    pub target: ThermalTarget,
}

impl<N: NvmlRef> Device<'_, N> {
    /// Speed of one fan in RPM (`nvmlDeviceGetFanSpeedRPM` with `nvmlFanSpeedInfo_v1`).
    #[doc(alias = "nvmlDeviceGetFanSpeedRPM")]
    pub fn fan_speed_rpm(&self, fan: u32) -> Result<u32> {
        let mut info = sys::nvmlFanSpeedInfo_t {
            version: sys::nvmlFanSpeedInfo_v1,
            fan,
            speed: 0,
        };
        nvml_call!(self.nvml, nvmlDeviceGetFanSpeedRPM(self.handle, &mut info))?;
        Ok(info.speed)
    }

    /// Speed one fan is driven towards, percent of its maximum
    /// (`nvmlDeviceGetTargetFanSpeed`). `NOT_SUPPORTED` on boards without fans.
    #[doc(alias = "nvmlDeviceGetTargetFanSpeed")]
    pub fn target_fan_speed(&self, fan: u32) -> Result<u32> {
        let mut speed: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetTargetFanSpeed(self.handle, fan, &mut speed)
        )?;
        Ok(speed)
    }

    /// The range fan speeds may be set in, percent (`nvmlDeviceGetMinMaxFanSpeed`).
    #[doc(alias = "nvmlDeviceGetMinMaxFanSpeed")]
    pub fn min_max_fan_speed(&self) -> Result<FanSpeedRange> {
        let (mut min, mut max): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMinMaxFanSpeed(self.handle, &mut min, &mut max)
        )?;
        Ok(FanSpeedRange { min, max })
    }

    /// Who drives one fan: the driver or a manual setting
    /// (`nvmlDeviceGetFanControlPolicy_v2`).
    #[doc(alias = "nvmlDeviceGetFanControlPolicy_v2")]
    pub fn fan_control_policy(&self, fan: u32) -> Result<FanControlPolicy> {
        let mut raw: sys::nvmlFanControlPolicy_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetFanControlPolicy_v2(self.handle, fan, &mut raw)
        )?;
        FanControlPolicy::try_from(raw)
    }

    /// One cooler: its control signal and what it cools (`nvmlDeviceGetCoolerInfo` with
    /// `nvmlCoolerInfo_v1`).
    #[doc(alias = "nvmlDeviceGetCoolerInfo")]
    pub fn cooler_info(&self, index: u32) -> Result<CoolerInfo> {
        let mut info = sys::nvmlCoolerInfo_t {
            version: sys::nvmlCoolerInfo_v1,
            index,
            ..Default::default()
        };
        nvml_call!(self.nvml, nvmlDeviceGetCoolerInfo(self.handle, &mut info))?;
        Ok(CoolerInfo {
            signal: CoolerControl::try_from(info.signalType)?,
            targets: CoolerTargets::from_bits_retain(info.target),
        })
    }

    /// Thermal sensors of the GPU (`nvmlDeviceGetThermalSettings`). `sensor_index` picks one
    /// sensor, or pass `NVML_THERMAL_TARGET_ALL` (15) for every sensor; at most
    /// `NVML_MAX_THERMAL_SENSORS_PER_GPU` are returned.
    #[doc(alias = "nvmlDeviceGetThermalSettings")]
    pub fn thermal_settings(&self, sensor_index: u32) -> Result<Vec<ThermalSensor>> {
        let mut settings = sys::nvmlGpuThermalSettings_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetThermalSettings(self.handle, sensor_index, &mut settings)
        )?;
        thermal_sensors(&settings)
    }
}

/// The sensors of a `nvmlGpuThermalSettings_t`; a count past the array is clamped to it.
fn thermal_sensors(settings: &sys::nvmlGpuThermalSettings_t) -> Result<Vec<ThermalSensor>> {
    settings
        .sensor
        .iter()
        .take(settings.count as usize)
        .map(|s| {
            Ok(ThermalSensor {
                controller: ThermalController::try_from(s.controller)?,
                default_min_temp: s.defaultMinTemp,
                default_max_temp: s.defaultMaxTemp,
                current_temp: s.currentTemp,
                target: ThermalTarget::try_from(s.target)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thermal_sensors_are_clamped_and_checked() {
        let mut raw = sys::nvmlGpuThermalSettings_t {
            count: 99,
            ..Default::default()
        };
        for s in &mut raw.sensor {
            s.controller = sys::NVML_THERMAL_CONTROLLER_GPU_INTERNAL;
            s.target = sys::NVML_THERMAL_TARGET_GPU;
            s.defaultMinTemp = 0;
            s.defaultMaxTemp = 95;
            s.currentTemp = 41;
        }
        let sensors = thermal_sensors(&raw).unwrap();
        assert_eq!(
            sensors.len(),
            sys::NVML_MAX_THERMAL_SENSORS_PER_GPU as usize
        );
        assert_eq!(sensors[0].controller, ThermalController::GpuInternal);
        assert_eq!(sensors[0].target, ThermalTarget::Gpu);
        assert_eq!(sensors[0].current_temp, 41);
        raw.count = 1;
        raw.sensor[0].target = 77;
        assert_eq!(
            thermal_sensors(&raw).unwrap()[0].target,
            ThermalTarget::Other(77)
        );
        raw.count = 0;
        assert!(thermal_sensors(&raw).unwrap().is_empty());
    }

    #[test]
    fn cooler_targets_keep_unknown_bits() {
        let t = CoolerTargets::from_bits_retain(sys::NVML_THERMAL_COOLER_TARGET_GPU | 1 << 12);
        assert!(t.contains(CoolerTargets::GPU));
        assert_eq!(t.bits() & (1 << 12), 1 << 12);
    }
}
