//! Samples: `nvmlDeviceGetSamples` and per-process utilization.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys::*;

use super::{phys, samples};
use crate::marshal::{put, put_array};

export! {
    fn nvmlDeviceGetProcessUtilization(device: nvmlDevice_t, utilization: *mut nvmlProcessUtilizationSample_t, processSamplesCount: *mut c_uint, lastSeenTimeStamp: u64) |c| {
        let g = c.m.gpu_without_mig(device)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        let procs: Vec<_> = g.processes.iter().filter(|p| p.kind != "graphics" || g.readings.util_gpu > 0).collect();
        let n = procs.len().max(1) as u32;
        let list: Vec<nvmlProcessUtilizationSample_t> = procs
            .iter()
            .map(|p| nvmlProcessUtilizationSample_t {
                pid: p.pid,
                timeStamp: now,
                smUtil: g.readings.util_gpu / n,
                memUtil: g.readings.util_memory / n,
                encUtil: 0,
                decUtil: 0,
            })
            .filter(|s| s.timeStamp > lastSeenTimeStamp)
            .collect();
        if list.is_empty() {
            if !processSamplesCount.is_null() {
                put(processSamplesCount, 0)?;
            }
            return Err(NVML_ERROR_NOT_FOUND);
        }
        put_array(processSamplesCount, utilization, &list, c.hostile)
    }
    fn nvmlDeviceGetSamples(device: nvmlDevice_t, type_: nvmlSamplingType_t, lastSeenTimeStamp: c_ulonglong, sampleValType: *mut nvmlValueType_t, sampleCount: *mut c_uint, samples_: *mut nvmlSample_t) |c| {
        let g = phys(c, device)?;
        // nvml.h: on MIG-enabled GPUs the GPU, memory, encoder and decoder utilization
        // samples are not supported.
        let utilization = matches!(type_, NVML_GPU_UTILIZATION_SAMPLES | NVML_MEMORY_UTILIZATION_SAMPLES | NVML_ENC_UTILIZATION_SAMPLES | NVML_DEC_UTILIZATION_SAMPLES);
        if g.mig_current && utilization {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let (vt, list) = samples(c, g, type_, lastSeenTimeStamp)?;
        if sampleCount.is_null() || sampleValType.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(sampleValType, vt)?;
        if samples_.is_null() {
            // Size query: the most samples the buffer can hold.
            return put(sampleCount, 20);
        }
        if list.is_empty() {
            put(sampleCount, 0)?;
            return Err(NVML_ERROR_NOT_FOUND);
        }
        put_array(sampleCount, samples_, &list, c.hostile)
    }
}
