//! Utilization: GPU, memory, encoder and decoder rates, encoder capacity, and encoder and
//! frame-buffer capture (FBC) session statistics.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::dispatch::Ctx;
use crate::marshal::put;

/// GPUs with NVENC (not H100 or A100) answer encoder and capture statistics: no sessions.
fn nvenc(c: &Ctx<'_>, device: nvmlDevice_t) -> Result<(), nvmlReturn_t> {
    if phys(c, device)?.spec().nvenc_count == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(())
}

fn no_sessions(c: &Ctx<'_>, device: nvmlDevice_t, count: *mut c_uint) -> Result<(), nvmlReturn_t> {
    nvenc(c, device)?;
    if count.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    put(count, 0)
}

export! {
    // Session statistics answer (no sessions) on every GPU, with or without NVENC, like a real
    // H100 (captures/qx-h100.xml).
    fn nvmlDeviceGetEncoderStats(device: nvmlDevice_t, sessionCount: *mut c_uint, averageFps: *mut c_uint, averageLatency: *mut c_uint) |c| {
        phys(c, device)?;
        if averageFps.is_null() || averageLatency.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(sessionCount, 0)?;
        put(averageFps, 0)?;
        put(averageLatency, 0)
    }
    fn nvmlDeviceGetEncoderSessions(device: nvmlDevice_t, sessionCount: *mut c_uint, sessionInfos: *mut nvmlEncoderSessionInfo_t) |c| {
        let _ = sessionInfos;
        no_sessions(c, device, sessionCount)
    }
    fn nvmlDeviceGetFBCStats(device: nvmlDevice_t, fbcStats: *mut nvmlFBCStats_t) |c| {
        phys(c, device)?;
        put(fbcStats, nvmlFBCStats_t { sessionsCount: 0, averageFPS: 0, averageLatency: 0 })
    }
    fn nvmlDeviceGetFBCSessions(device: nvmlDevice_t, sessionCount: *mut c_uint, sessionInfo: *mut nvmlFBCSessionInfo_t) |c| {
        let _ = sessionInfo;
        no_sessions(c, device, sessionCount)
    }
    fn nvmlDeviceGetUtilizationRates(device: nvmlDevice_t, utilization: *mut nvmlUtilization_t) |c| {
        let now = &c.m.gpu_without_mig(device)?.readings;
        put(utilization, nvmlUtilization_t { gpu: now.util_gpu, memory: now.util_memory })
    }
    fn nvmlDeviceGetEncoderUtilization(device: nvmlDevice_t, utilization: *mut c_uint, samplingPeriodUs: *mut c_uint) |c| {
        let s = c.m.gpu_without_mig(device)?.spec();
        if samplingPeriodUs.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(utilization, s.util_encoder)?;
        put(samplingPeriodUs, 167_000)
    }
    fn nvmlDeviceGetDecoderUtilization(device: nvmlDevice_t, utilization: *mut c_uint, samplingPeriodUs: *mut c_uint) |c| {
        let s = c.m.gpu_without_mig(device)?.spec();
        if samplingPeriodUs.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(utilization, s.util_decoder)?;
        put(samplingPeriodUs, 167_000)
    }
    fn nvmlDeviceGetEncoderCapacity(device: nvmlDevice_t, encoderQueryType: nvmlEncoderType_t, encoderCapacity: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        if s.nvenc_count == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if encoderQueryType > NVML_ENCODER_QUERY_AV1 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // No encoder session runs on the profiles: the whole capacity is free.
        put(encoderCapacity, 100 - s.util_encoder.min(100))
    }
}
