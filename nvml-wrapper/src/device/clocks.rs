//! Clocks: current, maximum, application and supported frequencies, all in MHz.

use std::ffi::c_uint;

use super::Device;
use crate::enums::{ClockId, ClockType};
use crate::error::Result;
use crate::ffi::{nvml_call, read_list};
use crate::nvml_ref::NvmlRef;

impl<N: NvmlRef> Device<'_, N> {
    /// Current frequency of a clock domain, MHz (`nvmlDeviceGetClockInfo`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetClockInfo")]
    pub fn clock_info(&self, clock: ClockType) -> Result<u32> {
        let mut mhz: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetClockInfo(self.handle, clock.as_raw(), &mut mhz)
        )?;
        Ok(mhz)
    }

    /// Maximum frequency of a clock domain, MHz (`nvmlDeviceGetMaxClockInfo`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetMaxClockInfo")]
    pub fn max_clock_info(&self, clock: ClockType) -> Result<u32> {
        let mut mhz: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMaxClockInfo(self.handle, clock.as_raw(), &mut mhz)
        )?;
        Ok(mhz)
    }

    /// Application clock the GPU targets when running compute or graphics work, MHz
    /// (`nvmlDeviceGetApplicationsClock`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetApplicationsClock")]
    pub fn applications_clock(&self, clock: ClockType) -> Result<u32> {
        let mut mhz: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetApplicationsClock(self.handle, clock.as_raw(), &mut mhz)
        )?;
        Ok(mhz)
    }

    /// Default application clock, MHz: what a reset of the application clocks restores
    /// (`nvmlDeviceGetDefaultApplicationsClock`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetDefaultApplicationsClock")]
    pub fn default_applications_clock(&self, clock: ClockType) -> Result<u32> {
        let mut mhz: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetDefaultApplicationsClock(self.handle, clock.as_raw(), &mut mhz)
        )?;
        Ok(mhz)
    }

    /// One value (current, application target or default, customer boost maximum) of a
    /// clock domain, MHz (`nvmlDeviceGetClock`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetClock")]
    pub fn clock(&self, clock: ClockType, id: ClockId) -> Result<u32> {
        let mut mhz: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetClock(self.handle, clock.as_raw(), id.as_raw(), &mut mhz)
        )?;
        Ok(mhz)
    }

    /// The OEM-defined maximum (customer boost) clock, MHz
    /// (`nvmlDeviceGetMaxCustomerBoostClock`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetMaxCustomerBoostClock")]
    pub fn max_customer_boost_clock(&self, clock: ClockType) -> Result<u32> {
        let mut mhz: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMaxCustomerBoostClock(self.handle, clock.as_raw(), &mut mhz)
        )?;
        Ok(mhz)
    }

    /// Memory clocks the device can run at, MHz, fastest first as the driver lists them
    /// (`nvmlDeviceGetSupportedMemoryClocks`).
    #[doc(alias = "nvmlDeviceGetSupportedMemoryClocks")]
    pub fn supported_memory_clocks(&self) -> Result<Vec<u32>> {
        read_list(|count, clocks| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetSupportedMemoryClocks(self.handle, count, clocks)
            )
        })
    }

    /// Graphics clocks the device can run at with the given memory clock, MHz
    /// (`nvmlDeviceGetSupportedGraphicsClocks`). `NVML_ERROR_NOT_FOUND` if `memory_mhz` is
    /// not one of [`supported_memory_clocks`](Self::supported_memory_clocks).
    #[doc(alias = "nvmlDeviceGetSupportedGraphicsClocks")]
    pub fn supported_graphics_clocks(&self, memory_mhz: u32) -> Result<Vec<u32>> {
        read_list(|count, clocks| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetSupportedGraphicsClocks(self.handle, memory_mhz, count, clocks)
            )
        })
    }
}
