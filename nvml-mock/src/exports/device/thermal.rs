//! Temperatures through the versioned query (`nvmlDeviceGetTemperatureV`).

use nvml_sys::*;

use super::phys;
use crate::marshal::{get, put};

export! {
    fn nvmlDeviceGetTemperatureV(device: nvmlDevice_t, temperature: *mut nvmlTemperature_t) |c| {
        let g = phys(c, device)?;
        let mut t: nvmlTemperature_t = get(temperature)?;
        if t.version != nvmlTemperature_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        if t.sensorType != NVML_TEMPERATURE_GPU {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        t.temperature = g.readings.temperature as i32;
        put(temperature, t)
    }
}
