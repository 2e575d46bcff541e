//! Thermals: temperatures, thresholds and fans.

use std::ffi::{c_int, c_uint};

use nvml_sys as sys;

use super::Device;
use crate::enums::{TemperatureSensor, TemperatureThreshold};
use crate::error::{NvmlError, Result};
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

impl<N: NvmlRef> Device<'_, N> {
    /// Current temperature of a sensor, in °C (`nvmlDeviceGetTemperatureV` with
    /// `nvmlTemperature_v1`, falling back to the deprecated `nvmlDeviceGetTemperature` on
    /// drivers without it, or that reject the struct version or do not implement it).
    ///
    /// `NVML_ERROR_NOT_SUPPORTED` if the device lacks the sensor. A reading below 0 °C is
    /// [`NvmlError::UnexpectedValue`].
    #[inline]
    #[doc(alias = "nvmlDeviceGetTemperature")]
    #[doc(alias = "nvmlDeviceGetTemperatureV")]
    pub fn temperature(&self, sensor: TemperatureSensor) -> Result<u32> {
        self.nvml
            .versions()
            .temperature(self.handle, sensor.as_raw())
    }

    /// A temperature threshold, in °C (`nvmlDeviceGetTemperatureThreshold`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetTemperatureThreshold")]
    pub fn temperature_threshold(&self, threshold: TemperatureThreshold) -> Result<u32> {
        let mut temp: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetTemperatureThreshold(self.handle, threshold.as_raw(), &mut temp)
        )?;
        Ok(temp)
    }

    /// How far the GPU is from its nearest slowdown threshold, in °C; negative when past it
    /// (`nvmlDeviceGetMarginTemperature` with `nvmlMarginTemperature_v1`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetMarginTemperature")]
    pub fn margin_temperature(&self) -> Result<i32> {
        let mut margin = sys::nvmlMarginTemperature_t {
            version: sys::nvmlMarginTemperature_v1,
            marginTemperature: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMarginTemperature(self.handle, &mut margin)
        )?;
        Ok(margin.marginTemperature)
    }

    /// Number of fans on the board (`nvmlDeviceGetNumFans`). `NVML_ERROR_NOT_SUPPORTED` on
    /// boards without fans (passively cooled data-center GPUs).
    #[inline]
    #[doc(alias = "nvmlDeviceGetNumFans")]
    pub fn num_fans(&self) -> Result<u32> {
        let mut fans: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetNumFans(self.handle, &mut fans))?;
        Ok(fans)
    }

    /// Intended speed of one fan, percent of its maximum (`nvmlDeviceGetFanSpeed_v2`; on
    /// drivers without it, fan 0 is read with `nvmlDeviceGetFanSpeed`).
    ///
    /// The reported speed is what the fan is driven at; a blocked fan still reports it.
    /// `NVML_ERROR_NOT_SUPPORTED` on boards without fans, `INVALID_ARGUMENT` for a fan index
    /// at or past [`num_fans`](Self::num_fans).
    #[inline]
    #[doc(alias = "nvmlDeviceGetFanSpeed")]
    #[doc(alias = "nvmlDeviceGetFanSpeed_v2")]
    pub fn fan_speed(&self, fan: u32) -> Result<u32> {
        self.nvml.versions().fan_speed(self.handle, fan)
    }

    /// Intended fan speed, percent, for boards with one fan or as the driver sums them up
    /// (`nvmlDeviceGetFanSpeed`). `NVML_ERROR_NOT_SUPPORTED` on boards without fans.
    #[inline]
    #[doc(alias = "nvmlDeviceGetFanSpeed")]
    pub fn fan_speed_avg(&self) -> Result<u32> {
        self.nvml.versions().fan_speed_summary(self.handle)
    }
}

/// A signed reading as unsigned °C; below zero is not something the `u32` API can say.
#[inline]
pub(crate) fn celsius(raw: c_int, what: &'static str) -> Result<u32> {
    u32::try_from(raw).map_err(|_| NvmlError::UnexpectedValue {
        what,
        value: i64::from(raw),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_readings_become_unsigned_celsius_or_an_error() {
        assert_eq!(celsius(41, "t").unwrap(), 41);
        assert_eq!(celsius(0, "t").unwrap(), 0);
        assert!(matches!(
            celsius(-1, "t"),
            Err(NvmlError::UnexpectedValue { value: -1, .. })
        ));
    }
}
