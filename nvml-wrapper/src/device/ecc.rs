//! ECC: mode, error counters, retired pages, remapped rows, the bank remapper, and SRAM ECC
//! errors (counts and the unique uncorrected ones).

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

/// State of the ECC bank remapper (`nvmlEccBankRemapperStatus_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BankRemapperStatus {
    /// Active remappings.
    pub active_remappings: u32,
    /// Inactive remappings.
    pub inactive_remappings: u32,
    /// A remapping is pending.
    pub pending: bool,
    /// Groups with the maximum number of spares.
    pub max_spare_group_count: u32,
    /// Groups with no spare left.
    pub no_spare_group_count: u32,
}

/// SRAM ECC error counts (`nvmlEccSramErrorStatus_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SramEccErrorStatus {
    /// Aggregate uncorrectable parity errors.
    pub aggregate_uncorrected_parity: u64,
    /// Aggregate uncorrectable SEC-DED errors.
    pub aggregate_uncorrected_sec_ded: u64,
    /// Aggregate correctable errors.
    pub aggregate_corrected: u64,
    /// Volatile uncorrectable parity errors.
    pub volatile_uncorrected_parity: u64,
    /// Volatile uncorrectable SEC-DED errors.
    pub volatile_uncorrected_sec_ded: u64,
    /// Volatile correctable errors.
    pub volatile_corrected: u64,
    /// Aggregate uncorrectable errors in the L2 cache bucket.
    pub aggregate_uncorrected_l2: u64,
    /// Aggregate uncorrectable errors in the SM bucket.
    pub aggregate_uncorrected_sm: u64,
    /// Aggregate uncorrectable errors in the PCIe bucket.
    pub aggregate_uncorrected_pcie: u64,
    /// Aggregate uncorrectable errors in the microcontroller bucket.
    pub aggregate_uncorrected_mcu: u64,
    /// Aggregate uncorrectable errors in other units.
    pub aggregate_uncorrected_other: u64,
    /// The field-diagnostic error threshold was exceeded.
    pub threshold_exceeded: bool,
}

/// One unique uncorrected SRAM ECC error (`nvmlEccSramUniqueUncorrectedErrorEntry_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SramUniqueUncorrectedError {
    /// SRAM unit index.
    pub unit: u32,
    /// Location within the unit.
    pub location: u32,
    /// Sublocation within the unit.
    pub sublocation: u32,
    /// Extended location within the unit.
    pub extlocation: u32,
    /// Address within the unit.
    pub address: u32,
    /// The error is a parity error.
    pub is_parity: bool,
    /// Errors seen at this address.
    pub count: u32,
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

    /// State of the ECC bank remapper (`nvmlDeviceGetBankRemapperStatus_v1`).
    #[doc(alias = "nvmlDeviceGetBankRemapperStatus_v1")]
    pub fn bank_remapper_status(&self) -> Result<BankRemapperStatus> {
        let mut status = sys::nvmlEccBankRemapperStatus_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetBankRemapperStatus_v1(self.handle, &mut status)
        )?;
        Ok(BankRemapperStatus {
            active_remappings: status.activeRemappings,
            inactive_remappings: status.inactiveRemappings,
            pending: status.bPending != 0,
            max_spare_group_count: status.histogram.maxSpareGroupCount,
            no_spare_group_count: status.histogram.noSpareGroupCount,
        })
    }

    /// SRAM ECC error counts (`nvmlDeviceGetSramEccErrorStatus` with
    /// `nvmlEccSramErrorStatus_v1`).
    #[doc(alias = "nvmlDeviceGetSramEccErrorStatus")]
    pub fn sram_ecc_error_status(&self) -> Result<SramEccErrorStatus> {
        let mut s = sys::nvmlEccSramErrorStatus_t {
            version: sys::nvmlEccSramErrorStatus_v1,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetSramEccErrorStatus(self.handle, &mut s)
        )?;
        Ok(SramEccErrorStatus {
            aggregate_uncorrected_parity: s.aggregateUncParity,
            aggregate_uncorrected_sec_ded: s.aggregateUncSecDed,
            aggregate_corrected: s.aggregateCor,
            volatile_uncorrected_parity: s.volatileUncParity,
            volatile_uncorrected_sec_ded: s.volatileUncSecDed,
            volatile_corrected: s.volatileCor,
            aggregate_uncorrected_l2: s.aggregateUncBucketL2,
            aggregate_uncorrected_sm: s.aggregateUncBucketSm,
            aggregate_uncorrected_pcie: s.aggregateUncBucketPcie,
            aggregate_uncorrected_mcu: s.aggregateUncBucketMcu,
            aggregate_uncorrected_other: s.aggregateUncBucketOther,
            threshold_exceeded: s.bThresholdExceeded != 0,
        })
    }

    /// Every unique uncorrected SRAM ECC error, with its location and count
    /// (`nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts` with
    /// `nvmlEccSramUniqueUncorrectedErrorCounts_v1`). Needs ECC mode enabled.
    #[doc(alias = "nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts")]
    pub fn sram_unique_uncorrected_ecc_errors(&self) -> Result<Vec<SramUniqueUncorrectedError>> {
        let entries = read_list(|count, items| {
            let mut counts = sys::nvmlEccSramUniqueUncorrectedErrorCounts_t {
                version: sys::nvmlEccSramUniqueUncorrectedErrorCounts_v1,
                entryCount: *count,
                entries: items,
            };
            let result = nvml_call!(
                self.nvml,
                nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts(self.handle, &mut counts)
            );
            *count = counts.entryCount;
            result
        })?;
        Ok(entries
            .iter()
            .map(|e| SramUniqueUncorrectedError {
                unit: e.unit,
                location: e.location,
                sublocation: e.sublocation,
                extlocation: e.extlocation,
                address: e.address,
                is_parity: e.isParity != 0,
                count: e.count,
            })
            .collect())
    }
}
