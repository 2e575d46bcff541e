//! Accounting: per-process GPU statistics the driver keeps while accounting mode is on.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use crate::enums::{enable_state, enabled};
use crate::error::Result;
use crate::ffi::{nvml_call, read_list};
use crate::nvml_ref::NvmlRef;

/// What the driver recorded about one process (`nvmlAccountingStats_t` /
/// `nvmlAccountingStats_v2_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AccountingStats {
    /// The process.
    pub pid: u32,
    /// Whether it is still running.
    pub is_running: bool,
    /// Percent of its lifetime during which a kernel of it ran on the GPU.
    pub gpu_utilization: u32,
    /// Percent of its lifetime during which device memory was read or written.
    pub memory_utilization: u32,
    /// The most memory it ever had allocated, in bytes.
    pub max_memory_usage: u64,
    /// How long its compute context was active, in ms; 0 while it runs.
    pub time_ms: u64,
    /// When it started: CPU timestamp in µs.
    pub start_time_us: u64,
    /// Samples taken since it started (`_v2` only; `None` from `nvmlDeviceGetAccountingStats`).
    pub sample_count: Option<u32>,
    /// Sum of its graphics-engine utilization samples, in percent × 100 (`_v2` only).
    pub sum_gpu_utilization: Option<u64>,
    /// Sum of its frame-buffer bandwidth utilization samples, in percent × 100 (`_v2` only).
    pub sum_fb_utilization: Option<u64>,
}

impl AccountingStats {
    /// The statistics of `pid` from the version-2 struct (`nvmlAccountingStats_v2_t`).
    pub(crate) fn from_v2(pid: u32, s: &sys::nvmlAccountingStats_v2_t) -> Self {
        Self {
            pid,
            is_running: s.isRunning != 0,
            gpu_utilization: s.gpuUtilization,
            memory_utilization: s.memoryUtilization,
            max_memory_usage: s.maxMemoryUsage,
            time_ms: s.time,
            start_time_us: s.startTime,
            sample_count: Some(s.sampleCount),
            sum_gpu_utilization: Some(s.sumGpuUtil),
            sum_fb_utilization: Some(s.sumFbUtil),
        }
    }

    /// The statistics of `pid` from the version-1 struct (`nvmlAccountingStats_t`), which
    /// lacks the `_v2`-only sample fields.
    pub(crate) fn from_v1(pid: u32, s: &sys::nvmlAccountingStats_t) -> Self {
        Self {
            pid,
            is_running: s.isRunning != 0,
            gpu_utilization: s.gpuUtilization,
            memory_utilization: s.memoryUtilization,
            max_memory_usage: s.maxMemoryUsage,
            time_ms: s.time,
            start_time_us: s.startTime,
            sample_count: None,
            sum_gpu_utilization: None,
            sum_fb_utilization: None,
        }
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// Whether accounting mode is on (`nvmlDeviceGetAccountingMode`).
    #[doc(alias = "nvmlDeviceGetAccountingMode")]
    pub fn accounting_mode(&self) -> Result<bool> {
        let mut mode: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAccountingMode(self.handle, &mut mode)
        )?;
        enabled(mode, "accounting mode")
    }

    /// Turns accounting mode on or off (`nvmlDeviceSetAccountingMode`). Turning it off
    /// clears the recorded statistics. The setting lasts until the driver unloads (keep
    /// persistence mode on); MIG-enabled GPUs keep it off.
    ///
    /// # Errors
    /// [`NoPermission`](crate::NvmlError::NoPermission) without root.
    #[doc(alias = "nvmlDeviceSetAccountingMode")]
    pub fn set_accounting_mode(&self, on: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetAccountingMode(self.handle, enable_state(on))
        )
    }

    /// How many processes the driver keeps statistics for before overwriting the oldest
    /// (`nvmlDeviceGetAccountingBufferSize`).
    #[doc(alias = "nvmlDeviceGetAccountingBufferSize")]
    pub fn accounting_buffer_size(&self) -> Result<u32> {
        let mut size: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAccountingBufferSize(self.handle, &mut size)
        )?;
        Ok(size)
    }

    /// The processes with recorded statistics, running or finished
    /// (`nvmlDeviceGetAccountingPids`).
    ///
    /// # Errors
    /// [`NotSupported`](crate::NvmlError::NotSupported) while accounting mode is off.
    #[doc(alias = "nvmlDeviceGetAccountingPids")]
    pub fn accounting_pids(&self) -> Result<Vec<u32>> {
        read_list(|count, pids| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetAccountingPids(self.handle, count, pids)
            )
        })
    }

    /// The statistics recorded for one process (`nvmlDeviceGetAccountingStats_v2`, or
    /// `nvmlDeviceGetAccountingStats` on drivers without it, as chosen in the version table).
    ///
    /// # Errors
    /// [`NotFound`](crate::NvmlError::NotFound) for a process without statistics,
    /// [`NotSupported`](crate::NvmlError::NotSupported) while accounting mode is off.
    #[doc(alias = "nvmlDeviceGetAccountingStats")]
    #[doc(alias = "nvmlDeviceGetAccountingStats_v2")]
    pub fn accounting_stats(&self, pid: u32) -> Result<AccountingStats> {
        self.nvml.versions().accounting_stats(self.handle, pid)
    }

    /// Forgets the statistics of every finished process (`nvmlDeviceClearAccountingPids`).
    /// Needs root.
    #[doc(alias = "nvmlDeviceClearAccountingPids")]
    pub fn clear_accounting_pids(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceClearAccountingPids(self.handle))
    }
}
