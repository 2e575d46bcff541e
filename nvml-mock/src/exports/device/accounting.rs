//! Process accounting: its mode and buffer, and the statistics of the GPU's processes while
//! the mode is on.
//!
//! As `nvml.h` documents it: the statistics, their pid list and the clearing answer
//! `NOT_SUPPORTED` while the mode is off and on a vGPU host; a MIG-enabled GPU has the mode
//! off and cannot turn it on; turning the mode on or off and clearing need root. Every process
//! of the model is running, so `time` is 0 ("reported as 0 during the lifetime of the
//! process") and clearing, which forgets finished processes only, keeps them all.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::dispatch::Ctx;
use crate::machine::Gpu;
use crate::marshal::{get, put, put_array};
use crate::profile::ProcessSpec;

/// How long before now every process of the model started, µs: an hour, and a millisecond
/// more per pid, so that the processes started one after another.
const STARTED_BEFORE_US: u64 = 3_600_000_000;

/// The GPU of `device` when its accounting statistics can be read: the mode is on and the
/// GPU is not a vGPU host.
fn accounting_gpu<'a>(c: &'a Ctx<'_>, device: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    let g = phys(c, device)?;
    if !g.accounting || g.spec().virtualization_mode == NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(g)
}

/// The accounted processes of a GPU: its compute and graphics processes, each pid once.
fn accounted(g: &Gpu) -> Vec<&ProcessSpec> {
    let mut out: Vec<&ProcessSpec> = Vec::new();
    for p in &g.processes {
        if !out.iter().any(|q| q.pid == p.pid) {
            out.push(p);
        }
    }
    out
}

/// The statistics of `pid` on the GPU: its lifetime utilization is the GPU's, its most memory
/// what it uses now; `NOT_FOUND` for a pid that is not accounted.
fn stats(c: &Ctx<'_>, g: &Gpu, pid: c_uint) -> Result<nvmlAccountingStats_t, nvmlReturn_t> {
    let p = accounted(g)
        .into_iter()
        .find(|p| p.pid == pid)
        .ok_or(NVML_ERROR_NOT_FOUND)?;
    Ok(nvmlAccountingStats_t {
        gpuUtilization: g.readings.util_gpu,
        memoryUtilization: g.readings.util_memory,
        maxMemoryUsage: p.used_memory,
        time: 0,
        startTime: c
            .m
            .wall_us()
            .saturating_sub(STARTED_BEFORE_US + u64::from(pid) * 1_000),
        isRunning: 1,
        reserved: [0; 5],
    })
}

export! {
    // The accounting buffer holds 4000 processes, whether accounting is on or off (a real
    // H100: captures/qx-h100.xml).
    fn nvmlDeviceGetAccountingBufferSize(device: nvmlDevice_t, bufferSize: *mut c_uint) |c| {
        phys(c, device)?;
        put(bufferSize, 4000)
    }
    fn nvmlDeviceGetAccountingMode(device: nvmlDevice_t, mode: *mut nvmlEnableState_t) |c| {
        let on = phys(c, device)?.accounting;
        put(mode, if on { NVML_FEATURE_ENABLED } else { NVML_FEATURE_DISABLED })
    }
    fn nvmlDeviceSetAccountingMode(device: nvmlDevice_t, mode: nvmlEnableState_t) |c| {
        if mode > NVML_FEATURE_ENABLED {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let g = phys(c, device)?;
        if g.mig_current || g.spec().virtualization_mode == NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        c.require_root_or_check(device)?;
        c.m.gpu_mut(device)?.accounting = mode == NVML_FEATURE_ENABLED;
        Ok(())
    }
    fn nvmlDeviceGetAccountingPids(device: nvmlDevice_t, count: *mut c_uint, pids: *mut c_uint) |c| {
        let list: Vec<c_uint> = accounted(accounting_gpu(c, device)?).iter().map(|p| p.pid).collect();
        put_array(count, pids, &list, c.hostile)
    }
    fn nvmlDeviceGetAccountingStats(device: nvmlDevice_t, pid: c_uint, stats_out: *mut nvmlAccountingStats_t) |c| {
        if stats_out.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let g = accounting_gpu(c, device)?;
        put(stats_out, stats(c, g, pid)?)
    }
    fn nvmlDeviceGetAccountingStats_v2(device: nvmlDevice_t, stats_out: *mut nvmlAccountingStats_v2_t) |c| {
        let mut s: nvmlAccountingStats_v2_t = get(stats_out)?;
        let g = accounting_gpu(c, device)?;
        let v1 = stats(c, g, s.pid)?;
        s.isRunning = v1.isRunning;
        s.gpuUtilization = v1.gpuUtilization;
        s.memoryUtilization = v1.memoryUtilization;
        s.maxMemoryUsage = v1.maxMemoryUsage;
        s.time = v1.time;
        s.startTime = v1.startTime;
        // One sample a second over the process's life so far, each at the GPU's utilization,
        // summed in hundredths of a percent.
        let samples = (STARTED_BEFORE_US + u64::from(s.pid) * 1_000) / 1_000_000;
        s.sampleCount = u32::try_from(samples).unwrap_or(u32::MAX);
        s.sumGpuUtil = u64::from(v1.gpuUtilization) * 100 * samples;
        s.sumFbUtil = u64::from(v1.memoryUtilization) * 100 * samples;
        put(stats_out, s)
    }
    fn nvmlDeviceClearAccountingPids(device: nvmlDevice_t) |c| {
        accounting_gpu(c, device)?;
        c.require_root_or_check(device)?;
        // Only finished processes are cleared, and every process of the model runs.
        Ok(())
    }
}
