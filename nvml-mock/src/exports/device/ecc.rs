//! Memory health beyond the ECC counters: the row remapper's histogram, pending channel and
//! TPC repairs, and memory beyond repair.

use nvml_sys::*;

use super::phys;
use crate::marshal::{get, put};
use crate::support::Feature;

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
}
