//! GPM (GPU Performance Monitoring, Hopper and newer): metrics computed from two samples of
//! the GPU's performance counters.
//!
//! Take a sample, wait (more than 100 ms: the counters refresh at that rate), take another,
//! and compute metrics from the pair. Samples are freed (`nvmlGpmSampleFree`) when dropped.
//!
//! ```no_run
//! use nvml_wrapper::{Nvml, gpm, sys};
//!
//! let nvml = Nvml::init()?;
//! let gpu = nvml.device_by_index(0)?;
//! if gpu.gpm_supported()? {
//!     let first = gpu.gpm_sample()?;
//!     std::thread::sleep(std::time::Duration::from_millis(500));
//!     let second = gpu.gpm_sample()?;
//!     for m in gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL])? {
//!         println!("{:?} {:?} {:?}", m.short_name, m.value, m.unit);
//!     }
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

use std::ffi::c_uint;

use nvml_sys as sys;

use crate::device::Device;
use crate::error::{Result, check};
use crate::ffi::{nvml_call, string_at};
use crate::nvml::Nvml;
use crate::nvml_ref::NvmlRef;

/// The most bytes read from a metric name or unit the library points to.
const MAX_NAME_LEN: usize = 256;

crate::handle::handle! {
    owning "GPM sample";
    /// A GPM sample buffer, from [`Nvml::gpm_sample_alloc`] or [`Device::gpm_sample`]. Freed
    /// (`nvmlGpmSampleFree`) when dropped. Borrowed (`GpmSample<'nvml>`, which cannot outlive
    /// its [`Nvml`]) or owned ([`OwnedGpmSample`], from an [`OwnedDevice`](crate::OwnedDevice)'s
    /// [`gpm_sample`](Device::gpm_sample) or [`GpmSample::into_owned`]); see
    /// [`NvmlRef`]. `&self` methods only read it (`nvmlGpmMetricsGet`);
    /// filling it takes `&mut self`.
    pub struct GpmSample(sys::nvmlGpmSample_t);
    /// A [`GpmSample`] that owns a share of its library: no lifetime, `Send + Sync + 'static`.
    pub type OwnedGpmSample;
}

/// One metric computed by [`gpm_metrics`] (`nvmlGpmMetric_t`).
#[derive(Debug)]
pub struct GpmMetric {
    /// The metric asked for (`NVML_GPM_METRIC_*`).
    pub metric_id: u32,
    /// Its value, or why NVML could not compute it (e.g.
    /// [`NvmlError::NotSupported`](crate::NvmlError::NotSupported)).
    pub value: Result<f64>,
    /// Short name, e.g. `"sm_util"`, if the library gives one.
    pub short_name: Option<String>,
    /// Long name, if the library gives one.
    pub long_name: Option<String>,
    /// Unit, e.g. `"%"`, if the library gives one.
    pub unit: Option<String>,
}

impl Nvml {
    /// A new, empty GPM sample buffer (`nvmlGpmSampleAlloc`); fill it with
    /// [`GpmSample::fill`].
    ///
    /// # Errors
    /// [`NvmlError::Memory`](crate::NvmlError::Memory) if system memory is short; NVML's other
    /// errors.
    #[doc(alias = "nvmlGpmSampleAlloc")]
    pub fn gpm_sample_alloc(&self) -> Result<GpmSample<'_>> {
        alloc_sample(self)
    }
}

/// A new, empty sample buffer (`nvmlGpmSampleAlloc`), held as `nvml` is: borrowed or owned.
fn alloc_sample<'nvml, N: NvmlRef>(nvml: N) -> Result<GpmSample<'nvml, N>> {
    let mut handle: sys::nvmlGpmSample_t = std::ptr::null_mut();
    nvml_call!(nvml, nvmlGpmSampleAlloc(&mut handle))?;
    GpmSample::from_handle(nvml, handle)
}

impl<N: NvmlRef> GpmSample<'_, N> {
    /// Reads the counters of `device` (a GPU or a MIG device) into this sample
    /// (`nvmlGpmSampleGet`).
    #[doc(alias = "nvmlGpmSampleGet")]
    pub fn fill(&mut self, device: &Device<'_, impl NvmlRef>) -> Result<()> {
        crate::ffi::same_library(self.nvml.lib(), device.holder().lib())?;
        nvml_call!(self.nvml, nvmlGpmSampleGet(device.handle(), self.handle))
    }

    /// Reads the counters of GPU instance `gpu_instance_id` of `device` into this sample
    /// (`nvmlGpmMigSampleGet`).
    #[doc(alias = "nvmlGpmMigSampleGet")]
    pub fn fill_mig(
        &mut self,
        device: &Device<'_, impl NvmlRef>,
        gpu_instance_id: u32,
    ) -> Result<()> {
        crate::ffi::same_library(self.nvml.lib(), device.holder().lib())?;
        nvml_call!(
            self.nvml,
            nvmlGpmMigSampleGet(device.handle(), gpu_instance_id, self.handle)
        )
    }

    /// Frees the sample now (`nvmlGpmSampleFree`), reporting NVML's answer, which `Drop`
    /// cannot. Either way the handle is not used again.
    #[doc(alias = "nvmlGpmSampleFree")]
    pub fn free(self) -> Result<()> {
        let (nvml, handle) = self.into_parts();
        nvml_call!(nvml, nvmlGpmSampleFree(handle))
    }
}

impl<N: NvmlRef> Drop for GpmSample<'_, N> {
    /// Frees the sample (`nvmlGpmSampleFree`); an error cannot be reported here (use
    /// [`GpmSample::free`] to see it).
    fn drop(&mut self) {
        let free = || -> Result<()> { nvml_call!(self.nvml, nvmlGpmSampleFree(self.handle)) };
        let _ = free();
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// Whether this GPU (or MIG device) supports GPM (`nvmlGpmQueryDeviceSupport` with
    /// `NVML_GPM_SUPPORT_VERSION`).
    #[doc(alias = "nvmlGpmQueryDeviceSupport")]
    pub fn gpm_supported(&self) -> Result<bool> {
        let mut support = sys::nvmlGpmSupport_t {
            version: sys::NVML_GPM_SUPPORT_VERSION,
            isSupportedDevice: 0,
        };
        nvml_call!(
            self.holder(),
            nvmlGpmQueryDeviceSupport(self.handle(), &mut support)
        )?;
        Ok(support.isSupportedDevice != 0)
    }

    /// Whether GPM streaming is on (`nvmlGpmQueryIfStreamingEnabled`).
    #[doc(alias = "nvmlGpmQueryIfStreamingEnabled")]
    pub fn gpm_streaming_enabled(&self) -> Result<bool> {
        let mut state: c_uint = 0;
        nvml_call!(
            self.holder(),
            nvmlGpmQueryIfStreamingEnabled(self.handle(), &mut state)
        )?;
        crate::enums::enabled(state, "GPM streaming state")
    }

    /// Turns GPM streaming on or off (`nvmlGpmSetStreamingEnabled`).
    #[doc(alias = "nvmlGpmSetStreamingEnabled")]
    pub fn set_gpm_streaming_enabled(&self, on: bool) -> Result<()> {
        nvml_call!(
            self.holder(),
            nvmlGpmSetStreamingEnabled(self.handle(), crate::enums::enable_state(on))
        )
    }
}

impl<'nvml, N: NvmlRef> Device<'nvml, N> {
    /// A new sample of this GPU's (or MIG device's) counters (`nvmlGpmSampleAlloc`, then
    /// `nvmlGpmSampleGet`), held as this device holds its library: borrowed from a
    /// `Device<'nvml>`, an [`OwnedGpmSample`] from an [`OwnedDevice`](crate::OwnedDevice).
    pub fn gpm_sample(&self) -> Result<GpmSample<'nvml, N>> {
        let mut sample = alloc_sample(self.holder().clone())?;
        sample.fill(self)?;
        Ok(sample)
    }

    /// A new sample of the counters of GPU instance `gpu_instance_id` of this GPU
    /// (`nvmlGpmSampleAlloc`, then `nvmlGpmMigSampleGet`), held as [`gpm_sample`]'s is.
    ///
    /// [`gpm_sample`]: Device::gpm_sample
    pub fn gpm_mig_sample(&self, gpu_instance_id: u32) -> Result<GpmSample<'nvml, N>> {
        let mut sample = alloc_sample(self.holder().clone())?;
        sample.fill_mig(self, gpu_instance_id)?;
        Ok(sample)
    }
}

/// Computes metrics (`NVML_GPM_METRIC_*` ids, e.g. [`sys::NVML_GPM_METRIC_SM_UTIL`]) over the
/// interval between two samples of the same device (`nvmlGpmMetricsGet` with
/// `NVML_GPM_METRICS_GET_VERSION`). Returns one [`GpmMetric`] per id, in order; more ids than
/// one call takes (`NVML_GPM_METRIC_MAX`) are asked for in several calls.
///
/// # Errors
/// [`NvmlError::InvalidInput`](crate::NvmlError::InvalidInput) if the samples come from different
/// [`Nvml`]s; NVML's errors
/// for the whole call (a metric NVML cannot compute is an `Err` in its
/// [`GpmMetric::value`] instead).
#[doc(alias = "nvmlGpmMetricsGet")]
pub fn gpm_metrics(
    sample1: &GpmSample<'_, impl NvmlRef>,
    sample2: &GpmSample<'_, impl NvmlRef>,
    metric_ids: &[u32],
) -> Result<Vec<GpmMetric>> {
    crate::ffi::same_library(sample1.nvml.lib(), sample2.nvml.lib())?;
    let mut out = Vec::with_capacity(metric_ids.len());
    // About 19 KiB: on the heap.
    let mut get = Box::<sys::nvmlGpmMetricsGet_t>::default();
    for chunk in metric_ids.chunks(get.metrics.len()) {
        get.version = sys::NVML_GPM_METRICS_GET_VERSION;
        get.numMetrics = chunk.len() as c_uint;
        get.sample1 = sample1.handle;
        get.sample2 = sample2.handle;
        for (slot, id) in get.metrics.iter_mut().zip(chunk) {
            *slot = sys::nvmlGpmMetric_t {
                metricId: *id,
                ..Default::default()
            };
        }
        nvml_call!(sample1.nvml, nvmlGpmMetricsGet(&mut *get))?;
        for m in get.metrics.iter().take(chunk.len()) {
            out.push(GpmMetric {
                metric_id: m.metricId,
                value: check(m.nvmlReturn, "nvmlGpmMetricsGet").map(|()| m.value),
                // SAFETY: NVML documents these as NUL-terminated strings it owns (or NULL),
                // valid while the library is loaded; `sample1.nvml` keeps it loaded here.
                short_name: unsafe { string_at(m.metricInfo.shortName, MAX_NAME_LEN) },
                // SAFETY: as above.
                long_name: unsafe { string_at(m.metricInfo.longName, MAX_NAME_LEN) },
                // SAFETY: as above.
                unit: unsafe { string_at(m.metricInfo.unit, MAX_NAME_LEN) },
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<GpmSample<'_>>();
        check::<OwnedGpmSample>();
    }
}
