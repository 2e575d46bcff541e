//! Per-process utilization samples.

use std::ffi::c_uint;

use nvml_sys::*;

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
}
