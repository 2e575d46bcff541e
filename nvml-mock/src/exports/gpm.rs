//! GPU Performance Monitoring (GPM): sample buffers, samples of whole GPUs and of MIG GPU
//! instances, metrics computed from two samples, streaming state. Hopper and newer GPUs
//! support it ("For Hopper or newer fully supported devices", `nvml.h`); older ones answer
//! `isSupportedDevice = 0` and `NOT_SUPPORTED` to sampling.
//!
//! Each sample holds the time it was taken; the counters it stands for are integrals of the
//! GPU's activity (its profile's utilization, PCIe and NvLink traffic) with a slow +-3%
//! wobble, so metrics between two samples are rates that move a little between intervals and
//! stay in range.

use std::ffi::{CStr, c_char, c_uint};

use nvml_sys::*;

use crate::support::Feature;

use crate::dispatch::Ctx;
use crate::handles::{DeviceRef, MAX_GPM_SAMPLES, device_ref, gpm_handle, gpm_ref};
use crate::machine::GpmTaken;
use crate::marshal::{get, put};

/// The physical GPU (and GPU instance for MIG device handles) of a device handle, when it
/// supports GPM.
fn gpm_device(c: &Ctx<'_>, d: nvmlDevice_t) -> Result<(usize, Option<u32>), nvmlReturn_t> {
    let gpu = c.m.gpu_index(d)?;
    let g = c.m.gpus.get(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    g.support.check(Feature::Gpm)?;
    Ok(match device_ref(d) {
        Some(DeviceRef::Mig(_, gi, _)) => (gpu, Some(gi as u32)),
        _ => (gpu, None),
    })
}

/// The slot of an allocated sample buffer.
fn sample_slot(c: &Ctx<'_>, s: nvmlGpmSample_t) -> Result<usize, nvmlReturn_t> {
    let i = gpm_ref(s).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    match c.m.gpm_samples.get(i) {
        Some(Some(_)) => Ok(i),
        _ => Err(NVML_ERROR_INVALID_ARGUMENT),
    }
}

fn fill(
    c: &mut Ctx<'_>,
    s: nvmlGpmSample_t,
    gpu: usize,
    gi: Option<u32>,
) -> Result<(), nvmlReturn_t> {
    let i = sample_slot(c, s)?;
    let t_ns = c.m.now_ns();
    if let Some(slot) = c.m.gpm_samples.get_mut(i) {
        *slot = Some(Some(GpmTaken { gpu, gi, t_ns }));
    }
    Ok(())
}

/// Wobble period of the simulated activity.
const PERIOD_S: f64 = 7.0;
const WOBBLE: f64 = 0.03;

/// The counter of an activity of mean rate `rate` (per second) at `t_ns` since init.
fn counter(rate: f64, phase: f64, t_ns: u64) -> f64 {
    let t = t_ns as f64 / 1e9;
    let w = std::f64::consts::TAU / PERIOD_S;
    rate * (t - WOBBLE / w * ((w * t + phase).cos() - phase.cos()))
}

/// What one metric measures on a GPU: a mean rate (percent or MiB/s) and whether it is a
/// percentage; `None` when the GPU lacks the unit (NOT_SUPPORTED for that metric).
struct Activity {
    util: f64,
    mem: f64,
    dec: f64,
    pcie_tx: f64,
    pcie_rx: f64,
    link_rx: f64,
    link_tx: f64,
    links: u32,
    share: f64,
}

fn metric_rate(a: &Activity, id: u32) -> Option<(f64, bool)> {
    let u = a.util;
    let pct = |v: f64| Some((v, true));
    match id {
        NVML_GPM_METRIC_GRAPHICS_UTIL => pct(u),
        NVML_GPM_METRIC_SM_UTIL => pct(u * 0.96),
        NVML_GPM_METRIC_SM_OCCUPANCY => pct(u * 0.52),
        NVML_GPM_METRIC_INTEGER_UTIL => pct(u * 0.11),
        NVML_GPM_METRIC_ANY_TENSOR_UTIL => pct(u * 0.48),
        NVML_GPM_METRIC_DFMA_TENSOR_UTIL => pct(u * 0.01),
        NVML_GPM_METRIC_HMMA_TENSOR_UTIL => pct(u * 0.44),
        NVML_GPM_METRIC_DMMA_TENSOR_UTIL => pct(u * 0.01),
        NVML_GPM_METRIC_IMMA_TENSOR_UTIL => pct(u * 0.03),
        NVML_GPM_METRIC_DRAM_BW_UTIL => pct(a.mem),
        NVML_GPM_METRIC_FP64_UTIL => pct(u * 0.02),
        NVML_GPM_METRIC_FP32_UTIL => pct(u * 0.21),
        NVML_GPM_METRIC_FP16_UTIL => pct(u * 0.06),
        NVML_GPM_METRIC_PCIE_TX_PER_SEC => Some((a.pcie_tx * a.share, false)),
        NVML_GPM_METRIC_PCIE_RX_PER_SEC => Some((a.pcie_rx * a.share, false)),
        NVML_GPM_METRIC_NVDEC_0_UTIL..=NVML_GPM_METRIC_NVDEC_7_UTIL
        | NVML_GPM_METRIC_NVJPG_0_UTIL..=NVML_GPM_METRIC_NVJPG_7_UTIL
        | NVML_GPM_METRIC_NVOFA_0_UTIL..=NVML_GPM_METRIC_NVOFA_1_UTIL => pct(a.dec),
        NVML_GPM_METRIC_NVLINK_TOTAL_RX_PER_SEC if a.links > 0 => {
            Some((a.link_rx * f64::from(a.links) * a.share, false))
        }
        NVML_GPM_METRIC_NVLINK_TOTAL_TX_PER_SEC if a.links > 0 => {
            Some((a.link_tx * f64::from(a.links) * a.share, false))
        }
        NVML_GPM_METRIC_NVLINK_L0_RX_PER_SEC..=NVML_GPM_METRIC_NVLINK_L17_TX_PER_SEC => {
            let k = id - NVML_GPM_METRIC_NVLINK_L0_RX_PER_SEC;
            if k / 2 >= a.links {
                return None;
            }
            let r = if k.is_multiple_of(2) {
                a.link_rx
            } else {
                a.link_tx
            };
            Some((r * a.share, false))
        }
        _ => None,
    }
}

/// Names of a metric (short, long, unit), as NUL-terminated static strings.
fn metric_names(id: u32) -> (&'static CStr, &'static CStr, &'static CStr) {
    match id {
        NVML_GPM_METRIC_GRAPHICS_UTIL => (c"gr_util", c"Graphics/compute engine activity", c"%"),
        NVML_GPM_METRIC_SM_UTIL => (c"sm_util", c"SM activity", c"%"),
        NVML_GPM_METRIC_SM_OCCUPANCY => (c"sm_occupancy", c"SM occupancy", c"%"),
        NVML_GPM_METRIC_INTEGER_UTIL => (c"int_util", c"Integer pipe activity", c"%"),
        NVML_GPM_METRIC_ANY_TENSOR_UTIL => (c"tensor_util", c"Tensor pipe activity", c"%"),
        NVML_GPM_METRIC_DFMA_TENSOR_UTIL => (c"dfma_util", c"DFMA tensor activity", c"%"),
        NVML_GPM_METRIC_HMMA_TENSOR_UTIL => (c"hmma_util", c"HMMA tensor activity", c"%"),
        NVML_GPM_METRIC_DMMA_TENSOR_UTIL => (c"dmma_util", c"DMMA tensor activity", c"%"),
        NVML_GPM_METRIC_IMMA_TENSOR_UTIL => (c"imma_util", c"IMMA tensor activity", c"%"),
        NVML_GPM_METRIC_DRAM_BW_UTIL => (c"dram_bw_util", c"DRAM bandwidth utilization", c"%"),
        NVML_GPM_METRIC_FP64_UTIL => (c"fp64_util", c"FP64 pipe activity", c"%"),
        NVML_GPM_METRIC_FP32_UTIL => (c"fp32_util", c"FP32 pipe activity", c"%"),
        NVML_GPM_METRIC_FP16_UTIL => (c"fp16_util", c"FP16 pipe activity", c"%"),
        NVML_GPM_METRIC_PCIE_TX_PER_SEC => (c"pcie_tx", c"PCIe transmit throughput", c"MiB/sec"),
        NVML_GPM_METRIC_PCIE_RX_PER_SEC => (c"pcie_rx", c"PCIe receive throughput", c"MiB/sec"),
        NVML_GPM_METRIC_NVDEC_0_UTIL..=NVML_GPM_METRIC_NVDEC_7_UTIL => {
            (c"nvdec_util", c"NVDEC engine activity", c"%")
        }
        NVML_GPM_METRIC_NVJPG_0_UTIL..=NVML_GPM_METRIC_NVJPG_7_UTIL => {
            (c"nvjpg_util", c"NVJPG engine activity", c"%")
        }
        NVML_GPM_METRIC_NVOFA_0_UTIL..=NVML_GPM_METRIC_NVOFA_1_UTIL => {
            (c"nvofa_util", c"NVOFA engine activity", c"%")
        }
        NVML_GPM_METRIC_NVLINK_TOTAL_RX_PER_SEC => {
            (c"nvlink_rx", c"NvLink receive throughput", c"MiB/sec")
        }
        NVML_GPM_METRIC_NVLINK_TOTAL_TX_PER_SEC => {
            (c"nvlink_tx", c"NvLink transmit throughput", c"MiB/sec")
        }
        _ if id.is_multiple_of(2) => (
            c"nvlink_link_rx",
            c"NvLink link receive throughput",
            c"MiB/sec",
        ),
        _ => (
            c"nvlink_link_tx",
            c"NvLink link transmit throughput",
            c"MiB/sec",
        ),
    }
}

fn activity(c: &Ctx<'_>, t: &GpmTaken) -> Activity {
    let Some(g) = c.m.gpus.get(t.gpu) else {
        return Activity {
            util: 0.0,
            mem: 0.0,
            dec: 0.0,
            pcie_tx: 0.0,
            pcie_rx: 0.0,
            link_rx: 0.0,
            link_tx: 0.0,
            links: 0,
            share: 1.0,
        };
    };
    let (s, now) = (g.spec(), &g.readings);
    let util = f64::from(now.util_gpu);
    // NvLink: a busy GPU streams at ~60% of the link speed times its utilization.
    let per_link = f64::from(s.nvlink_speed_mbps) / 8.0 * 1e6 / 1_048_576.0 * 0.6 * util / 100.0;
    let share = t.gi.map_or(1.0, |gid| {
        g.gpu_instances
            .iter()
            .find(|x| x.id == gid)
            .map_or(1.0, |x| f64::from(x.size) / 8.0)
    });
    Activity {
        util,
        mem: f64::from(now.util_memory),
        dec: f64::from(s.util_decoder),
        pcie_tx: f64::from(now.pcie_tx_kbps) * 1000.0 / 1_048_576.0,
        pcie_rx: f64::from(now.pcie_rx_kbps) * 1000.0 / 1_048_576.0,
        link_rx: per_link,
        link_tx: per_link * 0.92,
        links: s.nvlink_count,
        share,
    }
}

export! {
    fn nvmlGpmQueryDeviceSupport(device: nvmlDevice_t, gpmSupport: *mut nvmlGpmSupport_t) |c| {
        let gpu = c.m.gpu_index(device)?;
        let mut s = get(gpmSupport.cast_const())?;
        if s.version != NVML_GPM_SUPPORT_VERSION {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let supported = c.m.gpus.get(gpu).is_some_and(|g| g.support.has(Feature::Gpm));
        s.isSupportedDevice = u32::from(supported);
        put(gpmSupport, s)
    }
    fn nvmlGpmQueryIfStreamingEnabled(device: nvmlDevice_t, state: *mut c_uint) |c| {
        let (gpu, _) = gpm_device(c, device)?;
        let on = c.m.gpus.get(gpu).is_some_and(|g| g.gpm_streaming);
        put(state, if on { NVML_FEATURE_ENABLED } else { NVML_FEATURE_DISABLED })
    }
    fn nvmlGpmSetStreamingEnabled(device: nvmlDevice_t, state: c_uint) |c| {
        let (gpu, _) = gpm_device(c, device)?;
        if state != NVML_FEATURE_ENABLED && state != NVML_FEATURE_DISABLED {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let g = c.m.gpus.get_mut(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        g.gpm_streaming = state == NVML_FEATURE_ENABLED;
        Ok(())
    }
    fn nvmlGpmSampleAlloc(gpmSample: *mut nvmlGpmSample_t) |c| {
        if gpmSample.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let samples = &mut c.m.gpm_samples;
        let i = match samples.iter().position(Option::is_none) {
            Some(i) => i,
            None if samples.len() < MAX_GPM_SAMPLES => {
                samples.push(None);
                samples.len() - 1
            }
            None => return Err(NVML_ERROR_MEMORY),
        };
        if let Some(slot) = samples.get_mut(i) {
            *slot = Some(None);
        }
        put(gpmSample, gpm_handle(i))
    }
    fn nvmlGpmSampleFree(gpmSample: nvmlGpmSample_t) |c| {
        let i = sample_slot(c, gpmSample)?;
        if let Some(slot) = c.m.gpm_samples.get_mut(i) {
            *slot = None;
        }
        Ok(())
    }
    fn nvmlGpmSampleGet(device: nvmlDevice_t, gpmSample: nvmlGpmSample_t) |c| {
        let (gpu, gi) = gpm_device(c, device)?;
        fill(c, gpmSample, gpu, gi)
    }
    fn nvmlGpmMigSampleGet(device: nvmlDevice_t, gpuInstanceId: c_uint, gpmSample: nvmlGpmSample_t) |c| {
        let (gpu, gi) = gpm_device(c, device)?;
        if gi.is_some() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let g = c.m.gpus.get(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        if !g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if !g.gpu_instances.iter().any(|x| x.id == gpuInstanceId) {
            return Err(NVML_ERROR_NOT_FOUND);
        }
        fill(c, gpmSample, gpu, Some(gpuInstanceId))
    }
    fn nvmlGpmMetricsGet(metricsGet: *mut nvmlGpmMetricsGet_t) |c| {
        let mut mg = get(metricsGet.cast_const())?;
        if mg.version != NVML_GPM_METRICS_GET_VERSION {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        if mg.numMetrics as usize > mg.metrics.len() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let taken = |s: nvmlGpmSample_t| -> Result<GpmTaken, nvmlReturn_t> {
            let i = sample_slot(c, s)?;
            match c.m.gpm_samples.get(i) {
                Some(Some(Some(t))) => Ok(*t),
                _ => Err(NVML_ERROR_INVALID_ARGUMENT),
            }
        };
        let (s1, s2) = (taken(mg.sample1)?, taken(mg.sample2)?);
        if s1.gpu != s2.gpu || s1.gi != s2.gi || s2.t_ns <= s1.t_ns {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let a = activity(c, &s2);
        let dt = (s2.t_ns - s1.t_ns) as f64 / 1e9;
        let n = mg.numMetrics as usize;
        for m in mg.metrics.iter_mut().take(n) {
            let id = m.metricId;
            match metric_rate(&a, id) {
                Some((rate, is_pct)) => {
                    let phase = f64::from(id) * 0.7 + s2.gpu as f64;
                    let v = (counter(rate, phase, s2.t_ns) - counter(rate, phase, s1.t_ns)) / dt;
                    m.value = if is_pct { v.clamp(0.0, 100.0) } else { v.max(0.0) };
                    m.nvmlReturn = NVML_SUCCESS;
                    let (short, long, unit) = metric_names(id);
                    m.metricInfo.shortName = short.as_ptr().cast_mut();
                    m.metricInfo.longName = long.as_ptr().cast_mut();
                    m.metricInfo.unit = unit.as_ptr().cast_mut();
                }
                None => {
                    m.value = 0.0;
                    m.nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
                    let null: *mut c_char = std::ptr::null_mut();
                    m.metricInfo.shortName = null;
                    m.metricInfo.longName = null;
                    m.metricInfo.unit = null;
                }
            }
        }
        put(metricsGet, mg)
    }
}
