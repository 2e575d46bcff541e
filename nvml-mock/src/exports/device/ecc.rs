//! ECC and memory health: ECC mode and counters, retired pages, remapped rows, the row
//! remapper's histogram, pending channel and TPC repairs, memory beyond repair, and the SRAM
//! ECC error status.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys::*;

use super::{ecc_total, gpu, phys};
use crate::dispatch::Ctx;
use crate::handles::{DeviceRef, device_ref};
use crate::machine::Gpu;
use crate::marshal::{get, put, put_array};
use crate::support::Feature;

/// The GPU whose row remapper a handle asks for: nvml.h, "on MIG-enabled GPUs with active
/// instances, querying the number of remapped rows is not supported".
fn remapper<'a>(c: &'a Ctx<'_>, device: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    let g = phys(c, device)?;
    if g.mig_current && !g.gpu_instances.is_empty() {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(g)
}

export! {
    // All banks with every reserved row available: nothing has been remapped.
    fn nvmlDeviceGetRowRemapperHistogram(device: nvmlDevice_t, values: *mut nvmlRowRemapperHistogramValues_t) |c| {
        let banks = phys(c, device)?.spec().row_remapper_banks;
        if banks == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(values, nvmlRowRemapperHistogramValues_t { max: banks, high: 0, partial: 0, low: 0, none: 0 })
    }
    // With ECC: no channel or TPC repair pending.
    fn nvmlDeviceGetRepairStatus(device: nvmlDevice_t, repairStatus: *mut nvmlRepairStatus_t) |c| {
        let g = phys(c, device)?;
        let v: nvmlRepairStatus_t = get(repairStatus)?;
        if v.version != nvmlRepairStatus_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::RepairStatus)?;
        put(repairStatus, nvmlRepairStatus_t { version: v.version, bChannelRepairPending: 0, bTpcRepairPending: 0 })
    }
    // Hopper and newer: no memory beyond repair.
    fn nvmlDeviceGetUnrepairableMemoryFlag_v1(device: nvmlDevice_t, unrepairableMemoryStatus: *mut nvmlUnrepairableMemoryStatus_v1_t) |c| {
        let g = phys(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::UnrepairableMemoryFlag)?;
        put(unrepairableMemoryStatus, nvmlUnrepairableMemoryStatus_v1_t { bUnrepairableMemory: 0 })
    }
    fn nvmlDeviceGetRemappedRows_v2(device: nvmlDevice_t, info: *mut nvmlRemappedRowsInfo_v2_t) |c| {
        let g = remapper(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::RemappedRows)?;
        let s = g.spec();
        put(info, nvmlRemappedRowsInfo_v2_t {
            corrActiveRemaps: s.remapped_rows_correctable,
            corrInactiveRemaps: 0,
            uncActiveRemaps: s.remapped_rows_uncorrectable,
            uncInactiveRemaps: 0,
            bPending: 0,
            bFailureOccurred: 0,
        })
    }
    fn nvmlDeviceGetEccMode(device: nvmlDevice_t, current: *mut nvmlEnableState_t, pending: *mut nvmlEnableState_t) |c| {
        let g = phys(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if pending.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(current, u32::from(g.ecc_current))?;
        put(pending, u32::from(g.ecc_pending))
    }
    fn nvmlDeviceGetDefaultEccMode(device: nvmlDevice_t, defaultMode: *mut nvmlEnableState_t) |c| {
        let g = phys(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(defaultMode, NVML_FEATURE_ENABLED)
    }
    fn nvmlDeviceGetTotalEccErrors(device: nvmlDevice_t, errorType: nvmlMemoryErrorType_t, counterType: nvmlEccCounterType_t, eccCounts: *mut c_ulonglong) |c| {
        put(eccCounts, ecc_total(phys(c, device)?, errorType, counterType)?)
    }
    fn nvmlDeviceGetMemoryErrorCounter(device: nvmlDevice_t, errorType: nvmlMemoryErrorType_t, counterType: nvmlEccCounterType_t, locationType: nvmlMemoryLocation_t, count: *mut c_ulonglong) |c| {
        // nvml.h, on MIG-enabled GPUs: a MIG device handle reads its instance's non-DRAM
        // uncorrectable volatile counts (none are ever injected into an instance: 0); the
        // GPU's handle reads no volatile counts.
        let g = gpu(c, device)?;
        let volatile = counterType == NVML_VOLATILE_ECC;
        if matches!(device_ref(device), Some(DeviceRef::Mig(..))) {
            ecc_total(g, errorType, counterType)?;
            if locationType >= NVML_MEMORY_LOCATION_COUNT {
                return Err(NVML_ERROR_INVALID_ARGUMENT);
            }
            let per_instance = errorType == NVML_MEMORY_ERROR_TYPE_UNCORRECTED
                && volatile
                && locationType != NVML_MEMORY_LOCATION_DRAM;
            return if per_instance { put(count, 0) } else { Err(NVML_ERROR_NOT_SUPPORTED) };
        }
        if g.mig_current && volatile {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let total = ecc_total(phys(c, device)?, errorType, counterType)?;
        let v = match locationType {
            NVML_MEMORY_LOCATION_DRAM => total,
            l if l < NVML_MEMORY_LOCATION_COUNT => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(count, v)
    }
    fn nvmlDeviceGetRetiredPages(device: nvmlDevice_t, cause: nvmlPageRetirementCause_t, pageCount: *mut c_uint, addresses: *mut c_ulonglong) |c| {
        let s = phys(c, device)?.spec();
        if !s.ecc_supported || !s.page_retirement {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let list = match cause {
            NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS => &s.retired_pages_sbe,
            NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR => &s.retired_pages_dbe,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put_array(pageCount, addresses, list, c.hostile)
    }
    fn nvmlDeviceGetRetiredPages_v2(device: nvmlDevice_t, cause: nvmlPageRetirementCause_t, pageCount: *mut c_uint, addresses: *mut c_ulonglong, timestamps: *mut c_ulonglong) |c| {
        let s = phys(c, device)?.spec();
        if !s.ecc_supported || !s.page_retirement {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let list = match cause {
            NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS => &s.retired_pages_sbe,
            NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR => &s.retired_pages_dbe,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        let cap = get(pageCount)?;
        put_array(pageCount, addresses, list, c.hostile)?;
        let stamps: Vec<u64> = list.iter().map(|_| 1_700_000_000).collect();
        let mut n = cap;
        put_array(&mut n, timestamps, &stamps, c.hostile)
    }
    fn nvmlDeviceGetRetiredPagesPendingStatus(device: nvmlDevice_t, isPending: *mut nvmlEnableState_t) |c| {
        let s = phys(c, device)?.spec();
        if !s.ecc_supported || !s.page_retirement {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(isPending, NVML_FEATURE_DISABLED)
    }
    fn nvmlDeviceGetRemappedRows(device: nvmlDevice_t, corrRows: *mut c_uint, uncRows: *mut c_uint, isPending: *mut c_uint, failureOccurred: *mut c_uint) |c| {
        let g = remapper(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::RemappedRows)?;
        let s = g.spec();
        if uncRows.is_null() || isPending.is_null() || failureOccurred.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(corrRows, s.remapped_rows_correctable)?;
        put(uncRows, s.remapped_rows_uncorrectable)?;
        put(isPending, 0)?;
        put(failureOccurred, 0)
    }
    fn nvmlDeviceGetSramEccErrorStatus(device: nvmlDevice_t, status: *mut nvmlEccSramErrorStatus_t) |c| {
        let g = phys(c, device)?;
        let mut s = get(status.cast_const())?;
        if s.version != nvmlEccSramErrorStatus_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::SramEcc)?;
        // No SRAM errors and the field-diagnostic threshold not exceeded, as on the real H100 of
        // captures/qx-h100.xml (sram_* 0, sram_threshold_exceeded No).
        s = nvmlEccSramErrorStatus_t {
            version: s.version,
            ..Default::default()
        };
        put(status, s)
    }
}
