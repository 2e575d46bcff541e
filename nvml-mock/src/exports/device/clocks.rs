//! Clocks: current, maximum, application and boost clocks, and the supported clocks.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::machine::Gpu;
use crate::marshal::{put, put_array};
use crate::support::Feature;

fn clock_of(g: &Gpu, t: nvmlClockType_t, max: bool) -> Result<u32, nvmlReturn_t> {
    let (s, now) = (g.spec(), &g.readings);
    Ok(match (t, max) {
        (NVML_CLOCK_GRAPHICS, false) => now.clock_graphics,
        (NVML_CLOCK_SM, false) => now.clock_sm,
        (NVML_CLOCK_MEM, false) => now.clock_mem,
        (NVML_CLOCK_VIDEO, false) => now.clock_video,
        (NVML_CLOCK_GRAPHICS, true) => s.max_graphics,
        (NVML_CLOCK_SM, true) => s.max_sm,
        (NVML_CLOCK_MEM, true) => s.max_mem,
        (NVML_CLOCK_VIDEO, true) => s.max_video,
        _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
    })
}

fn app_clock(g: &Gpu, t: nvmlClockType_t, default: bool) -> Result<u32, nvmlReturn_t> {
    g.support.check(Feature::ApplicationClocks)?;
    let (mem, gr) = if default {
        (g.spec().default_app_mem, g.spec().default_app_graphics)
    } else {
        g.app_clocks
    };
    match t {
        NVML_CLOCK_GRAPHICS | NVML_CLOCK_SM => Ok(gr),
        NVML_CLOCK_MEM => Ok(mem),
        NVML_CLOCK_VIDEO => Ok(g.spec().max_video),
        _ => Err(NVML_ERROR_INVALID_ARGUMENT),
    }
}

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
