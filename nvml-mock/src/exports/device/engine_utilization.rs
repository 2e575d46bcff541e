//! Utilization of the JPEG and optical-flow (OFA) engines.

use std::ffi::c_uint;

use nvml_sys::*;

use crate::marshal::put;

export! {
    fn nvmlDeviceGetJpgUtilization(device: nvmlDevice_t, utilization: *mut c_uint, samplingPeriodUs: *mut c_uint) |c| {
        c.m.gpu_without_mig(device)?;
        if samplingPeriodUs.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(utilization, 0)?;
        put(samplingPeriodUs, 167_000)
    }
    fn nvmlDeviceGetOfaUtilization(device: nvmlDevice_t, utilization: *mut c_uint, samplingPeriodUs: *mut c_uint) |c| {
        c.m.gpu_without_mig(device)?;
        if samplingPeriodUs.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(utilization, 0)?;
        put(samplingPeriodUs, 167_000)
    }
}
