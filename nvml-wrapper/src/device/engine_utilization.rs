//! Utilization of the JPEG and optical-flow engines, per-process utilization of every
//! engine, and the driver's performance-metrics samples.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use super::UtilizationSample;
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_list};
use crate::nvml_ref::NvmlRef;

/// Utilization of every engine by one process over a sample
/// (`nvmlProcessUtilizationInfo_v1_t`), percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProcessUtilizationInfo {
    /// CPU timestamp of the sample, in microseconds.
    pub timestamp: u64,
    /// Process id.
    pub pid: u32,
    /// SM (3D/compute).
    pub sm_util: u32,
    /// Frame-buffer memory.
    pub mem_util: u32,
    /// Video encoder.
    pub enc_util: u32,
    /// Video decoder.
    pub dec_util: u32,
    /// JPEG engine.
    pub jpg_util: u32,
    /// Optical flow accelerator.
    pub ofa_util: u32,
}

/// One sample of the driver's performance metrics (`nvmlPerfMetricsSample_t`): the data of
/// each performance controller.
#[derive(Debug, Clone)]
pub struct PerfMetricsSample {
    /// The controllers' data, at most `NVML_PERF_METRICS_CONTROLLER_SAMPLE_CONTROLLER_MAX_NUM`.
    pub controllers: Vec<PerfMetricsController>,
}

/// The data of one performance controller (`nvmlPerfMetricControllerSample_t`).
///
/// The payloads are large, nested driver structs, kept as the raw bindings' types.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PerfMetricsController {
    /// A DLPPC 2.x controller (`NVML_PERF_METRICS_CONTROLLER_TYPE_DLPPC_2X`).
    Dlppc2x(Box<sys::nvmlPerfMetricsDlppc2xSample_t>),
    /// A PFPP 1.x controller (`NVML_PERF_METRICS_CONTROLLER_TYPE_PFPP_1X`).
    Pfpp1x(Box<sys::nvmlPerfMetricsPfpp1xSample_t>),
    /// A controller type newer than these bindings.
    Unknown(u32),
}

impl From<&sys::nvmlPerfMetricControllerSample_t> for PerfMetricsController {
    fn from(c: &sys::nvmlPerfMetricControllerSample_t) -> Self {
        match c.controllerType {
            sys::NVML_PERF_METRICS_CONTROLLER_TYPE_DLPPC_2X => {
                // SAFETY: `controllerType` says the driver filled this member of the union;
                // both members are plain integers and arrays of integers, valid for any bits.
                let sample = unsafe { c.data.dlppc2x };
                Self::Dlppc2x(Box::new(sample))
            }
            sys::NVML_PERF_METRICS_CONTROLLER_TYPE_PFPP_1X => {
                // SAFETY: as above, for the PFPP 1.x member.
                let sample = unsafe { c.data.pfpp1x };
                Self::Pfpp1x(Box::new(sample))
            }
            other => Self::Unknown(other),
        }
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// Utilization of the JPEG engines (`nvmlDeviceGetJpgUtilization`).
    #[doc(alias = "nvmlDeviceGetJpgUtilization")]
    pub fn jpg_utilization(&self) -> Result<UtilizationSample> {
        let (mut value, mut period): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetJpgUtilization(self.handle, &mut value, &mut period)
        )?;
        Ok(UtilizationSample {
            value,
            sampling_period_us: period,
        })
    }

    /// Utilization of the optical flow accelerators (`nvmlDeviceGetOfaUtilization`).
    #[doc(alias = "nvmlDeviceGetOfaUtilization")]
    pub fn ofa_utilization(&self) -> Result<UtilizationSample> {
        let (mut value, mut period): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetOfaUtilization(self.handle, &mut value, &mut period)
        )?;
        Ok(UtilizationSample {
            value,
            sampling_period_us: period,
        })
    }

    /// Per-process utilization of every engine, for samples newer than `last_seen_timestamp`
    /// (µs since 1970; 0 for every sample the driver holds)
    /// (`nvmlDeviceGetProcessesUtilizationInfo` with `nvmlProcessesUtilizationInfo_v1`: a
    /// count query with a null buffer, then the data; bounded, counts clamped).
    ///
    /// No samples newer than `last_seen_timestamp` is an empty `Vec` (NVML's `NOT_FOUND`).
    #[doc(alias = "nvmlDeviceGetProcessesUtilizationInfo")]
    pub fn processes_utilization_info(
        &self,
        last_seen_timestamp: u64,
    ) -> Result<Vec<ProcessUtilizationInfo>> {
        let samples = match read_list(|count, items| {
            let mut info = sys::nvmlProcessesUtilizationInfo_t {
                version: sys::nvmlProcessesUtilizationInfo_v1,
                processSamplesCount: *count,
                lastSeenTimeStamp: last_seen_timestamp,
                procUtilArray: items,
            };
            let result = nvml_call!(
                self.nvml,
                nvmlDeviceGetProcessesUtilizationInfo(self.handle, &mut info)
            );
            *count = info.processSamplesCount;
            result
        }) {
            Err(NvmlError::NotFound(_)) => Vec::new(),
            other => other?,
        };
        Ok(samples
            .iter()
            .map(|s| ProcessUtilizationInfo {
                timestamp: s.timeStamp,
                pid: s.pid,
                sm_util: s.smUtil,
                mem_util: s.memUtil,
                enc_util: s.encUtil,
                dec_util: s.decUtil,
                jpg_util: s.jpgUtil,
                ofa_util: s.ofaUtil,
            })
            .collect())
    }

    /// The driver's performance-metrics samples (`nvmlDevicePerfMetricsGetSamples_v1`), at
    /// most `NVML_PERF_METRICS_SAMPLE_COUNT`.
    #[doc(alias = "nvmlDevicePerfMetricsGetSamples_v1")]
    pub fn perf_metrics_samples(&self) -> Result<Vec<PerfMetricsSample>> {
        let mut samples = Box::<sys::nvmlPerfMetricsSamples_v1_t>::default();
        nvml_call!(
            self.nvml,
            nvmlDevicePerfMetricsGetSamples_v1(self.handle, &mut *samples)
        )?;
        Ok(samples
            .samples
            .iter()
            .take(samples.numSamples as usize)
            .map(|s| PerfMetricsSample {
                controllers: s
                    .controllerData
                    .iter()
                    .take(usize::from(s.numControllerData))
                    .map(PerfMetricsController::from)
                    .collect(),
            })
            .collect())
    }
}
