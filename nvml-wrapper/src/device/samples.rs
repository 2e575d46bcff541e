//! Samples: the driver's recent history of power, utilisation and clocks
//! (`nvmlDeviceGetSamples`), and per-process utilisation (`nvmlDeviceGetProcessUtilization`).
//!
//! Both take a `last_seen_timestamp` (CPU time, microseconds since 1970): pass 0 for every
//! sample the driver holds, then the newest timestamp you have seen to get only newer ones.
//!
//! ```no_run
//! use nvml_wrapper::{Nvml, enums::SamplingType};
//!
//! let nvml = Nvml::init()?;
//! let gpu = nvml.device_by_index(0)?;
//! let mut last_seen = 0;
//! for sample in gpu.samples(SamplingType::GpuUtilization, last_seen)? {
//!     println!("{} us: {:?}", sample.timestamp, sample.value);
//!     last_seen = last_seen.max(sample.timestamp);
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

use nvml_sys as sys;

use super::Device;
use super::field_values::Value;
use crate::enums::SamplingType;
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_list};
use crate::nvml_ref::NvmlRef;

/// The value of a [`Sample`]: the `nvmlValue_t` member NVML reported (power, utilisation and
/// clock samples are [`Value::UnsignedInt`]).
pub type SampleValue = Value;

/// One sample from [`Device::samples`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Sample {
    /// When it was taken: CPU time, microseconds since 1970.
    pub timestamp: u64,
    /// The value; the unit depends on the [`SamplingType`] (mW, percent, MHz).
    pub value: SampleValue,
}

/// One process's utilisation from [`Device::process_utilization`], in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProcessUtilizationSample {
    /// Process id.
    pub pid: u32,
    /// When it was taken: CPU time, microseconds since 1970.
    pub timestamp: u64,
    /// SM (3D/compute) utilisation.
    pub sm_util: u32,
    /// Frame-buffer memory utilisation.
    pub mem_util: u32,
    /// Video encoder utilisation.
    pub enc_util: u32,
    /// Video decoder utilisation.
    pub dec_util: u32,
}

/// `NOT_FOUND` from the sample queries means "no samples newer than the timestamp".
fn none_found_is_empty<T>(result: Result<Vec<T>>) -> Result<Vec<T>> {
    match result {
        Err(NvmlError::NotFound(_)) => Ok(Vec::new()),
        other => other,
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// The samples of one kind newer than `last_seen_timestamp` (µs since 1970; 0 for all the
    /// driver holds), oldest first (`nvmlDeviceGetSamples`: a count query with a null buffer,
    /// then the data; bounded, and a count larger than the buffer is clamped).
    ///
    /// No samples newer than `last_seen_timestamp` is an empty `Vec` (NVML's `NOT_FOUND`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] where the GPU does not keep this kind (e.g. utilisation
    /// samples on a MIG-enabled GPU); [`NvmlError::UnexpectedValue`] for a value type the
    /// header does not define; NVML's other errors.
    #[doc(alias = "nvmlDeviceGetSamples")]
    pub fn samples(&self, kind: SamplingType, last_seen_timestamp: u64) -> Result<Vec<Sample>> {
        let mut value_type: sys::nvmlValueType_t = 0;
        let raw = none_found_is_empty(read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetSamples(
                    self.handle,
                    kind.as_raw(),
                    last_seen_timestamp,
                    &mut value_type,
                    count,
                    items
                )
            )
        }))?;
        // Every buffer `read_list` passes is zero-filled, as `Value::from_raw` requires.
        raw.iter()
            .map(|s| {
                Ok(Sample {
                    timestamp: s.timeStamp,
                    value: Value::from_raw(value_type, &s.sampleValue)?,
                })
            })
            .collect()
    }

    /// Utilisation of each process that used the GPU since `last_seen_timestamp` (µs since
    /// 1970; 0 for all the driver holds) (`nvmlDeviceGetProcessUtilization`: a count query
    /// with a null buffer, then the data; bounded and clamped).
    ///
    /// No samples since `last_seen_timestamp` is an empty `Vec` (NVML's `NOT_FOUND`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] where the GPU does not support it (e.g. MIG enabled);
    /// NVML's other errors.
    #[doc(alias = "nvmlDeviceGetProcessUtilization")]
    pub fn process_utilization(
        &self,
        last_seen_timestamp: u64,
    ) -> Result<Vec<ProcessUtilizationSample>> {
        let raw = none_found_is_empty(read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetProcessUtilization(self.handle, items, count, last_seen_timestamp)
            )
        }))?;
        // By value: the samples have the raw struct's size and alignment, so the `Vec` is
        // converted in place, without a second allocation.
        Ok(raw
            .into_iter()
            .map(|s| ProcessUtilizationSample {
                pid: s.pid,
                timestamp: s.timeStamp,
                sm_util: s.smUtil,
                mem_util: s.memUtil,
                enc_util: s.encUtil,
                dec_util: s.decUtil,
            })
            .collect())
    }
}
