//! Clocks: current, maximum, application and supported frequencies, all in MHz; clock and VF
//! offsets, clock monitors, adaptive clocking and auto-boost.

use std::ffi::{c_int, c_uint};

use nvml_sys as sys;

use super::Device;
use crate::enums::{ClockId, ClockType, PerformanceState, enabled};
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_list, string_from_c_buf};
use crate::nvml_ref::NvmlRef;

/// A clock offset and the range it may be set in, in MHz (`nvmlClockOffset_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClockOffset {
    /// Current offset.
    pub offset_mhz: i32,
    /// Lowest allowed offset.
    pub min_offset_mhz: i32,
    /// Highest allowed offset.
    pub max_offset_mhz: i32,
}

/// A range of offsets or clocks, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MinMax<T> {
    /// Lowest value.
    pub min: T,
    /// Highest value.
    pub max: T,
}

/// One faulted clock domain (`nvmlClkMonFaultInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClockMonitorFault {
    /// The clock domain that faulted (`clkApiDomain`).
    pub domain: u32,
    /// Which faults it saw (`clkDomainFaultMask`).
    pub fault_mask: u32,
}

/// Clock monitor status (`nvmlClkMonStatus_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClockMonitorStatus {
    /// Some clock domain faulted.
    pub faulted: bool,
    /// The faulted domains.
    pub faults: Vec<ClockMonitorFault>,
}

/// Whether auto-boosted clocks are on, now and by default
/// (`nvmlDeviceGetAutoBoostedClocksEnabled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AutoBoostedClocks {
    /// Auto boost is on.
    pub enabled: bool,
    /// Auto boost is on by default.
    pub default_enabled: bool,
}

impl From<&sys::nvmlClkMonStatus_t> for ClockMonitorStatus {
    fn from(status: &sys::nvmlClkMonStatus_t) -> Self {
        Self {
            faulted: status.bGlobalStatus != 0,
            // A list size past the array is clamped to it.
            faults: status
                .clkMonList
                .iter()
                .take(status.clkMonListSize as usize)
                .map(|f| ClockMonitorFault {
                    domain: f.clkApiDomain,
                    fault_mask: f.clkDomainFaultMask,
                })
                .collect(),
        }
    }
}

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

    /// Offset of a clock at a P-state, with its allowed range (`nvmlDeviceGetClockOffsets`
    /// with `nvmlClockOffset_v1`).
    #[doc(alias = "nvmlDeviceGetClockOffsets")]
    pub fn clock_offsets(&self, clock: ClockType, pstate: PerformanceState) -> Result<ClockOffset> {
        let mut info = sys::nvmlClockOffset_t {
            version: sys::nvmlClockOffset_v1,
            type_: clock.as_raw(),
            pstate: pstate.as_raw(),
            ..Default::default()
        };
        nvml_call!(self.nvml, nvmlDeviceGetClockOffsets(self.handle, &mut info))?;
        Ok(ClockOffset {
            offset_mhz: info.clockOffsetMHz,
            min_offset_mhz: info.minClockOffsetMHz,
            max_offset_mhz: info.maxClockOffsetMHz,
        })
    }

    /// Sets the offset of a clock at a P-state, in MHz (`nvmlDeviceSetClockOffsets` with
    /// `nvmlClockOffset_v1`). Requires root.
    #[doc(alias = "nvmlDeviceSetClockOffsets")]
    pub fn set_clock_offset(
        &self,
        clock: ClockType,
        pstate: PerformanceState,
        offset_mhz: i32,
    ) -> Result<()> {
        let mut info = sys::nvmlClockOffset_t {
            version: sys::nvmlClockOffset_v1,
            type_: clock.as_raw(),
            pstate: pstate.as_raw(),
            clockOffsetMHz: offset_mhz,
            ..Default::default()
        };
        nvml_call!(self.nvml, nvmlDeviceSetClockOffsets(self.handle, &mut info))
    }

    /// Graphics (GPC) clock VF offset, in MHz (`nvmlDeviceGetGpcClkVfOffset`).
    #[doc(alias = "nvmlDeviceGetGpcClkVfOffset")]
    pub fn gpc_clk_vf_offset(&self) -> Result<i32> {
        let mut offset: c_int = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetGpcClkVfOffset(self.handle, &mut offset)
        )?;
        Ok(offset)
    }

    /// Memory clock VF offset, in MHz (`nvmlDeviceGetMemClkVfOffset`).
    #[doc(alias = "nvmlDeviceGetMemClkVfOffset")]
    pub fn mem_clk_vf_offset(&self) -> Result<i32> {
        let mut offset: c_int = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMemClkVfOffset(self.handle, &mut offset)
        )?;
        Ok(offset)
    }

    /// Allowed range of the graphics (GPC) clock VF offset, in MHz
    /// (`nvmlDeviceGetGpcClkMinMaxVfOffset`).
    #[doc(alias = "nvmlDeviceGetGpcClkMinMaxVfOffset")]
    pub fn gpc_clk_min_max_vf_offset(&self) -> Result<MinMax<i32>> {
        let (mut min, mut max): (c_int, c_int) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetGpcClkMinMaxVfOffset(self.handle, &mut min, &mut max)
        )?;
        Ok(MinMax { min, max })
    }

    /// Allowed range of the memory clock VF offset, in MHz
    /// (`nvmlDeviceGetMemClkMinMaxVfOffset`).
    #[doc(alias = "nvmlDeviceGetMemClkMinMaxVfOffset")]
    pub fn mem_clk_min_max_vf_offset(&self) -> Result<MinMax<i32>> {
        let (mut min, mut max): (c_int, c_int) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMemClkMinMaxVfOffset(self.handle, &mut min, &mut max)
        )?;
        Ok(MinMax { min, max })
    }

    /// Current clock frequencies as the driver describes them, a string
    /// (`nvmlDeviceGetCurrentClockFreqs` with `nvmlDeviceCurrentClockFreqs_v1`).
    #[doc(alias = "nvmlDeviceGetCurrentClockFreqs")]
    pub fn current_clock_freqs(&self) -> Result<String> {
        let mut freqs = sys::nvmlDeviceCurrentClockFreqs_t {
            version: sys::nvmlDeviceCurrentClockFreqs_v1,
            str_: [0; 2048],
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetCurrentClockFreqs(self.handle, &mut freqs)
        )?;
        string_from_c_buf(&freqs.str_)
    }

    /// Clock monitor status: faulted clock domains (`nvmlDeviceGetClkMonStatus`).
    #[doc(alias = "nvmlDeviceGetClkMonStatus")]
    pub fn clock_monitor_status(&self) -> Result<ClockMonitorStatus> {
        let mut status = sys::nvmlClkMonStatus_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetClkMonStatus(self.handle, &mut status)
        )?;
        Ok(ClockMonitorStatus::from(&status))
    }

    /// Whether adaptive clocking is enabled (`nvmlDeviceGetAdaptiveClockInfoStatus`).
    #[doc(alias = "nvmlDeviceGetAdaptiveClockInfoStatus")]
    pub fn adaptive_clock_enabled(&self) -> Result<bool> {
        let mut status: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAdaptiveClockInfoStatus(self.handle, &mut status)
        )?;
        match status {
            sys::NVML_ADAPTIVE_CLOCKING_INFO_STATUS_DISABLED => Ok(false),
            sys::NVML_ADAPTIVE_CLOCKING_INFO_STATUS_ENABLED => Ok(true),
            other => Err(NvmlError::UnexpectedValue {
                what: "adaptive clocking status",
                value: i64::from(other),
            }),
        }
    }

    /// Whether auto-boosted clocks are on, now and by default
    /// (`nvmlDeviceGetAutoBoostedClocksEnabled`).
    #[doc(alias = "nvmlDeviceGetAutoBoostedClocksEnabled")]
    pub fn auto_boosted_clocks_enabled(&self) -> Result<AutoBoostedClocks> {
        let (mut on, mut default): (sys::nvmlEnableState_t, sys::nvmlEnableState_t) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAutoBoostedClocksEnabled(self.handle, &mut on, &mut default)
        )?;
        Ok(AutoBoostedClocks {
            enabled: enabled(on, "auto boost state")?,
            default_enabled: enabled(default, "auto boost default")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_monitor_lists_are_clamped_to_the_array() {
        let mut raw = sys::nvmlClkMonStatus_t {
            bGlobalStatus: 1,
            clkMonListSize: 1000,
            ..Default::default()
        };
        raw.clkMonList[0].clkApiDomain = 3;
        raw.clkMonList[0].clkDomainFaultMask = 0b101;
        let status = ClockMonitorStatus::from(&raw);
        assert!(status.faulted);
        assert_eq!(status.faults.len(), raw.clkMonList.len());
        assert_eq!(
            status.faults[0],
            ClockMonitorFault {
                domain: 3,
                fault_mask: 0b101
            }
        );
    }
}
