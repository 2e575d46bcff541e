//! Clocks: current, maximum, application and boost clocks, and the supported clocks.

use std::ffi::c_uint;

use nvml_sys::*;

use super::{app_clock, clock_of, phys};
use crate::marshal::{put, put_array};

export! {
    fn nvmlDeviceGetClockInfo(device: nvmlDevice_t, type_: nvmlClockType_t, clock: *mut c_uint) |c| {
        put(clock, clock_of(phys(c, device)?, type_, false)?)
    }
    fn nvmlDeviceGetMaxClockInfo(device: nvmlDevice_t, type_: nvmlClockType_t, clock: *mut c_uint) |c| {
        put(clock, clock_of(phys(c, device)?, type_, true)?)
    }
    fn nvmlDeviceGetApplicationsClock(device: nvmlDevice_t, clockType: nvmlClockType_t, clockMHz: *mut c_uint) |c| {
        put(clockMHz, app_clock(phys(c, device)?, clockType, false)?)
    }
    fn nvmlDeviceGetDefaultApplicationsClock(device: nvmlDevice_t, clockType: nvmlClockType_t, clockMHz: *mut c_uint) |c| {
        put(clockMHz, app_clock(phys(c, device)?, clockType, true)?)
    }
    fn nvmlDeviceGetMaxCustomerBoostClock(device: nvmlDevice_t, clockType: nvmlClockType_t, clockMHz: *mut c_uint) |c| {
        put(clockMHz, clock_of(phys(c, device)?, clockType, true)?)
    }
    fn nvmlDeviceGetClock(device: nvmlDevice_t, clockType: nvmlClockType_t, clockId: nvmlClockId_t, clockMHz: *mut c_uint) |c| {
        let g = phys(c, device)?;
        let v = match clockId {
            NVML_CLOCK_ID_CURRENT => clock_of(g, clockType, false)?,
            NVML_CLOCK_ID_APP_CLOCK_TARGET => app_clock(g, clockType, false)?,
            NVML_CLOCK_ID_APP_CLOCK_DEFAULT => app_clock(g, clockType, true)?,
            NVML_CLOCK_ID_CUSTOMER_BOOST_MAX => clock_of(g, clockType, true)?,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(clockMHz, v)
    }
    fn nvmlDeviceGetSupportedMemoryClocks(device: nvmlDevice_t, count: *mut c_uint, clocksMHz: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        let mut list = vec![s.max_mem];
        list.extend(s.low_mem_clocks.iter().map(|l| l.mhz));
        put_array(count, clocksMHz, &list, c.hostile)
    }
    fn nvmlDeviceGetSupportedGraphicsClocks(device: nvmlDevice_t, memoryClockMHz: c_uint, count: *mut c_uint, clocksMHz: *mut c_uint) |c| {
        let list = phys(c, device)?.spec().supported_graphics_clocks(memoryClockMHz).ok_or(NVML_ERROR_NOT_FOUND)?;
        put_array(count, clocksMHz, &list, c.hostile)
    }
}
