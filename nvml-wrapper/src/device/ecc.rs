//! ECC: mode, error counters, retired pages and remapped rows.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys as sys;

use super::Device;
use crate::enums::{EccCounterType, MemoryErrorType, MemoryLocation, RetirementCause, enabled};
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_list};
use crate::nvml_ref::NvmlRef;

/// ECC mode now and after the next reboot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EccModes {
    /// Whether ECC is on now.
    pub current: bool,
    /// Whether ECC will be on after the next reboot.
    pub pending: bool,
}

/// One retired (or pending-retirement) frame-buffer page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RetiredPage {
    /// Hardware address of the page (matches Xid 63 reports, not CUDA virtual addresses).
    pub address: u64,
    /// When the page was retired, as the driver reports it; `None` where the driver lacks
    /// `nvmlDeviceGetRetiredPages_v2`.
    pub timestamp: Option<u64>,
}

/// Row-remapping status of the frame buffer (Ampere and newer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RemappedRows {
    /// Rows remapped because of correctable errors.
    pub corrected: u32,
    /// Rows remapped because of uncorrectable errors.
    pub uncorrected: u32,
    /// Whether a remapping is pending (takes effect at the next GPU reset).
    pub pending: bool,
    /// Whether a remapping has ever failed.
    pub failure: bool,
    /// The split into active and inactive remappings, where the driver reports it
    /// (`nvmlDeviceGetRemappedRows_v2`); `None` otherwise. `corrected` and `uncorrected`
    /// are then the sums of the active and inactive counts.
    pub detail: Option<RemappedRowsDetail>,
}

/// Active and inactive row remappings (`nvmlRemappedRowsInfo_v2_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RemappedRowsDetail {
    /// Active remappings due to correctable errors.
    pub corrected_active: u32,
    /// Inactive remappings due to correctable errors.
    pub corrected_inactive: u32,
    /// Active remappings due to uncorrectable errors.
    pub uncorrected_active: u32,
    /// Inactive remappings due to uncorrectable errors.
    pub uncorrected_inactive: u32,
}

/// How many memory banks have how much remapping capacity left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RowRemapperHistogram {
    /// Banks with all remapping resources available.
    pub max: u32,
    /// Banks with most resources available.
    pub high: u32,
    /// Banks with some resources available.
    pub partial: u32,
    /// Banks with few resources available.
    pub low: u32,
    /// Banks with no resources available.
    pub none: u32,
}

impl RetiredPage {
    /// Reads the pages through `call(count, addresses, times)` (`nvmlDeviceGetRetiredPages_v2`):
    /// `read_list` sizes the address buffer, and the timestamp buffer follows it, resized to
    /// the count passed in before every call, so both hold `count`.
    pub(crate) fn read_with_times(
        mut call: impl FnMut(&mut c_uint, *mut c_ulonglong, *mut c_ulonglong) -> Result<()>,
    ) -> Result<Vec<Self>> {
        let mut timestamps: Vec<c_ulonglong> = Vec::new();
        let addresses = read_list(|count, addresses: *mut c_ulonglong| {
            let times = if addresses.is_null() {
                std::ptr::null_mut()
            } else {
                timestamps.clear();
                timestamps.resize(*count as usize, 0);
                timestamps.as_mut_ptr()
            };
            call(count, addresses, times)
        })?;
        Ok(addresses
            .iter()
            .zip(&timestamps)
            .map(|(&address, &time)| Self {
                address,
                timestamp: Some(time),
            })
            .collect())
    }
}

impl RemappedRows {
    /// From `nvmlRemappedRowsInfo_v2_t`, with the per-state detail.
    pub(crate) fn from_v2(info: &sys::nvmlRemappedRowsInfo_v2_t) -> Result<Self> {
        let detail = RemappedRowsDetail {
            corrected_active: info.corrActiveRemaps,
            corrected_inactive: info.corrInactiveRemaps,
            uncorrected_active: info.uncActiveRemaps,
            uncorrected_inactive: info.uncInactiveRemaps,
        };
        Ok(Self {
            corrected: detail
                .corrected_active
                .saturating_add(detail.corrected_inactive),
            uncorrected: detail
                .uncorrected_active
                .saturating_add(detail.uncorrected_inactive),
            pending: flag(info.bPending, "remapped rows pending")?,
            failure: flag(info.bFailureOccurred, "remapped rows failure")?,
            detail: Some(detail),
        })
    }

    /// From the four counts of the unversioned `nvmlDeviceGetRemappedRows`.
    pub(crate) fn from_v1(
        corrected: c_uint,
        uncorrected: c_uint,
        pending: c_uint,
        failure: c_uint,
    ) -> Result<Self> {
        Ok(Self {
            corrected,
            uncorrected,
            pending: flag(pending, "remapped rows pending")?,
            failure: flag(failure, "remapped rows failure")?,
            detail: None,
        })
    }
}

/// A C `unsigned int` flag (0 or 1) as a `bool`; any other value is unexpected.
fn flag(raw: c_uint, what: &'static str) -> Result<bool> {
    match raw {
        0 => Ok(false),
        1 => Ok(true),
        other => Err(NvmlError::UnexpectedValue {
            what,
            value: i64::from(other),
        }),
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// ECC mode, current and pending (`nvmlDeviceGetEccMode`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetEccMode")]
    pub fn ecc_mode(&self) -> Result<EccModes> {
        let (mut current, mut pending): (sys::nvmlEnableState_t, sys::nvmlEnableState_t) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetEccMode(self.handle, &mut current, &mut pending)
        )?;
        Ok(EccModes {
            current: enabled(current, "current ECC mode")?,
            pending: enabled(pending, "pending ECC mode")?,
        })
    }

    /// The ECC mode the device ships with (`nvmlDeviceGetDefaultEccMode`).
    #[doc(alias = "nvmlDeviceGetDefaultEccMode")]
    pub fn default_ecc_mode(&self) -> Result<bool> {
        let mut mode: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetDefaultEccMode(self.handle, &mut mode)
        )?;
        enabled(mode, "default ECC mode")
    }

    /// Total ECC errors of one kind over the whole device (`nvmlDeviceGetTotalEccErrors`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] where the device has no ECC or ECC is off.
    #[doc(alias = "nvmlDeviceGetTotalEccErrors")]
    pub fn total_ecc_errors(
        &self,
        error_type: MemoryErrorType,
        counter: EccCounterType,
    ) -> Result<u64> {
        let mut count: c_ulonglong = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetTotalEccErrors(
                self.handle,
                error_type.as_raw(),
                counter.as_raw(),
                &mut count
            )
        )?;
        Ok(count)
    }

    /// ECC errors of one kind in one memory location (`nvmlDeviceGetMemoryErrorCounter`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] where the device has no ECC, ECC is off, or the device
    /// does not count errors for `location`.
    #[doc(alias = "nvmlDeviceGetMemoryErrorCounter")]
    pub fn memory_error_counter(
        &self,
        error_type: MemoryErrorType,
        counter: EccCounterType,
        location: MemoryLocation,
    ) -> Result<u64> {
        let mut count: c_ulonglong = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMemoryErrorCounter(
                self.handle,
                error_type.as_raw(),
                counter.as_raw(),
                location.as_raw(),
                &mut count
            )
        )?;
        Ok(count)
    }

    /// Pages retired (or pending retirement) for one cause, with their retirement times
    /// where the driver reports them (`nvmlDeviceGetRetiredPages_v2`, else
    /// `nvmlDeviceGetRetiredPages` without timestamps).
    #[doc(alias = "nvmlDeviceGetRetiredPages")]
    #[doc(alias = "nvmlDeviceGetRetiredPages_v2")]
    pub fn retired_pages(&self, cause: RetirementCause) -> Result<Vec<RetiredPage>> {
        self.nvml
            .versions()
            .retired_pages(self.handle, cause.as_raw())
    }

    /// Whether pages are waiting to be retired at the next reboot
    /// (`nvmlDeviceGetRetiredPagesPendingStatus`).
    #[doc(alias = "nvmlDeviceGetRetiredPagesPendingStatus")]
    pub fn retired_pages_pending_status(&self) -> Result<bool> {
        let mut pending: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetRetiredPagesPendingStatus(self.handle, &mut pending)
        )?;
        enabled(pending, "retired pages pending status")
    }

    /// Row-remapping status (`nvmlDeviceGetRemappedRows_v2`, falling back to
    /// `nvmlDeviceGetRemappedRows` on drivers without it or that do not support it).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] on devices without row remapping, or with MIG enabled.
    #[doc(alias = "nvmlDeviceGetRemappedRows")]
    #[doc(alias = "nvmlDeviceGetRemappedRows_v2")]
    pub fn remapped_rows(&self) -> Result<RemappedRows> {
        self.nvml.versions().remapped_rows(self.handle)
    }

    /// How much row-remapping capacity the memory banks have left
    /// (`nvmlDeviceGetRowRemapperHistogram`).
    #[doc(alias = "nvmlDeviceGetRowRemapperHistogram")]
    pub fn row_remapper_histogram(&self) -> Result<RowRemapperHistogram> {
        let mut values = sys::nvmlRowRemapperHistogramValues_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetRowRemapperHistogram(self.handle, &mut values)
        )?;
        Ok(RowRemapperHistogram {
            max: values.max,
            high: values.high,
            partial: values.partial,
            low: values.low,
            none: values.none,
        })
    }
}
