//! Temperatures, their thresholds, the T.Limit margin, and fan speeds.

use std::ffi::c_uint;

use nvml_sys::*;

use super::{margin_temperature, phys};
use crate::marshal::{get, put, struct_version};
use crate::struct_versions;

export! {
    fn nvmlDeviceGetTemperatureV(device: nvmlDevice_t, temperature: *mut nvmlTemperature_t) |c| {
        let g = phys(c, device)?;
        let mut t: nvmlTemperature_t = get(temperature)?;
        struct_version(struct_versions::nvmlDeviceGetTemperatureV, t.version)?;
        if t.sensorType != NVML_TEMPERATURE_GPU {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        t.temperature = g.readings.temperature as i32;
        put(temperature, t)
    }
    fn nvmlDeviceGetTemperature(device: nvmlDevice_t, sensorType: nvmlTemperatureSensors_t, temp: *mut c_uint) |c| {
        let now = &phys(c, device)?.readings;
        if sensorType != NVML_TEMPERATURE_GPU {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(temp, now.temperature)
    }
    fn nvmlDeviceGetTemperatureThreshold(device: nvmlDevice_t, thresholdType: nvmlTemperatureThresholds_t, temp: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        let v = match thresholdType {
            NVML_TEMPERATURE_THRESHOLD_SHUTDOWN => s.temp_shutdown,
            NVML_TEMPERATURE_THRESHOLD_SLOWDOWN => s.temp_slowdown,
            NVML_TEMPERATURE_THRESHOLD_MEM_MAX => s.temp_mem_max,
            NVML_TEMPERATURE_THRESHOLD_GPU_MAX => s.temp_gpu_max,
            t if t < NVML_TEMPERATURE_THRESHOLD_COUNT => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        if v == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(temp, v)
    }
    fn nvmlDeviceGetMarginTemperature(device: nvmlDevice_t, marginTempInfo: *mut nvmlMarginTemperature_t) |c| {
        let g = phys(c, device)?;
        let mut m = get(marginTempInfo.cast_const())?;
        if m.version != nvmlMarginTemperature_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        // The T.Limit reading: how far the GPU is below its maximum operating temperature
        // (captures/qx-h100.xml: `gpu_temp_tlimit` 58 C at `gpu_temp` 29 C on a GPU whose
        // maximum is 87 C).
        m.marginTemperature = margin_temperature(g)?;
        put(marginTempInfo, m)
    }
    fn nvmlDeviceGetNumFans(device: nvmlDevice_t, numFans: *mut c_uint) |c| {
        let n = phys(c, device)?.spec().fans.len() as u32;
        put(numFans, n)
    }
    fn nvmlDeviceGetFanSpeed(device: nvmlDevice_t, speed: *mut c_uint) |c| {
        let v = *phys(c, device)?.spec().fans.first().ok_or(NVML_ERROR_NOT_SUPPORTED)?;
        put(speed, v)
    }
    fn nvmlDeviceGetFanSpeed_v2(device: nvmlDevice_t, fan: c_uint, speed: *mut c_uint) |c| {
        let fans = &phys(c, device)?.spec().fans;
        if fans.is_empty() {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let v = *fans.get(fan as usize).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        put(speed, v)
    }
}
