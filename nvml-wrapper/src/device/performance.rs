//! Performance: the P-state, the supported P-states and the clock range of each, dynamic
//! P-state thresholds, performance modes, and why clocks are held where they are (clock event
//! reasons).

use std::ffi::c_uint;

use nvml_sys as sys;

use super::{Device, MinMax};
use crate::enums::{ClockType, PerformanceState};
use crate::error::Result;
use crate::ffi::{nvml_call, string_from_c_buf};
use crate::nvml_ref::NvmlRef;

bitflags::bitflags! {
    /// Why the clocks are where they are (`nvmlClocksEventReason*`; the header also names most
    /// bits `nvmlClocksThrottleReason*`, and a few only so). Bits the header does not define
    /// (from a newer driver) are kept, so [`bits`](Self::bits) is always what the driver said.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct ClocksEventReasons: u64 {
        /// Nothing runs on the GPU and the clocks are dropping to idle
        /// (`nvmlClocksEventReasonGpuIdle`).
        const GPU_IDLE = sys::nvmlClocksEventReasonGpuIdle as u64;
        /// The clocks are set to application-specific values; deprecated by NVIDIA
        /// (`nvmlClocksEventReasonApplicationsClocksSetting`).
        const APPLICATIONS_CLOCKS_SETTING =
            sys::nvmlClocksEventReasonApplicationsClocksSetting as u64;
        /// The clocks are lowered to stay under the power limit
        /// (`nvmlClocksEventReasonSwPowerCap`).
        const SW_POWER_CAP = sys::nvmlClocksEventReasonSwPowerCap as u64;
        /// Hardware slowdown (clocks cut by half or more): high temperature, external power
        /// brake or fast-trigger protection (`nvmlClocksThrottleReasonHwSlowdown`).
        const HW_SLOWDOWN = sys::nvmlClocksThrottleReasonHwSlowdown as u64;
        /// The GPU is in a sync boost group, held to the group's lowest clocks
        /// (`nvmlClocksEventReasonSyncBoost`).
        const SYNC_BOOST = sys::nvmlClocksEventReasonSyncBoost as u64;
        /// Software thermal slowdown: keeping GPU and memory under their maximum operating
        /// temperatures (`nvmlClocksEventReasonSwThermalSlowdown`).
        const SW_THERMAL_SLOWDOWN = sys::nvmlClocksEventReasonSwThermalSlowdown as u64;
        /// Hardware thermal slowdown: temperature too high
        /// (`nvmlClocksThrottleReasonHwThermalSlowdown`).
        const HW_THERMAL_SLOWDOWN = sys::nvmlClocksThrottleReasonHwThermalSlowdown as u64;
        /// Hardware power brake slowdown: an external power brake (e.g. from the power supply)
        /// (`nvmlClocksThrottleReasonHwPowerBrakeSlowdown`).
        const HW_POWER_BRAKE_SLOWDOWN =
            sys::nvmlClocksThrottleReasonHwPowerBrakeSlowdown as u64;
        /// The display clock setting limits the GPU clocks
        /// (`nvmlClocksEventReasonDisplayClockSetting`).
        const DISPLAY_CLOCK_SETTING = sys::nvmlClocksEventReasonDisplayClockSetting as u64;
        /// The board limit (operating) policy limits the clocks
        /// (`nvmlClocksEventReasonBoardLimit`).
        const BOARD_LIMIT = sys::nvmlClocksEventReasonBoardLimit as u64;
        /// The reliability policy limits the clocks (`nvmlClocksEventReasonReliability`).
        const RELIABILITY = sys::nvmlClocksEventReasonReliability as u64;
    }
}

/// One utilization domain that drives P-state changes (`nvmlGpuDynamicPstatesInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DynamicPstateDomain {
    /// Percent of the last second the domain was busy.
    pub percentage: u32,
    /// Utilization above which a faster P-state may be chosen.
    pub inc_threshold: u32,
    /// Utilization below which a slower P-state may be chosen.
    pub dec_threshold: u32,
}

/// Utilization domains driving dynamic P-state changes; `None` where the GPU lacks one
/// (`nvmlDeviceGetDynamicPstatesInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DynamicPstatesInfo {
    /// Graphics engine (`NVML_GPU_UTILIZATION_DOMAIN_GPU`).
    pub gpu: Option<DynamicPstateDomain>,
    /// Frame buffer (`NVML_GPU_UTILIZATION_DOMAIN_FB`).
    pub frame_buffer: Option<DynamicPstateDomain>,
    /// Video engines (`NVML_GPU_UTILIZATION_DOMAIN_VID`).
    pub video: Option<DynamicPstateDomain>,
    /// Bus (`NVML_GPU_UTILIZATION_DOMAIN_BUS`).
    pub bus: Option<DynamicPstateDomain>,
}

impl From<&sys::nvmlGpuDynamicPstatesInfo_t> for DynamicPstatesInfo {
    fn from(info: &sys::nvmlGpuDynamicPstatesInfo_t) -> Self {
        let domain = |index: u32| {
            info.utilization
                .get(index as usize)
                .filter(|d| d.bIsPresent != 0)
                .map(|d| DynamicPstateDomain {
                    percentage: d.percentage,
                    inc_threshold: d.incThreshold,
                    dec_threshold: d.decThreshold,
                })
        };
        Self {
            gpu: domain(sys::NVML_GPU_UTILIZATION_DOMAIN_GPU),
            frame_buffer: domain(sys::NVML_GPU_UTILIZATION_DOMAIN_FB),
            video: domain(sys::NVML_GPU_UTILIZATION_DOMAIN_VID),
            bus: domain(sys::NVML_GPU_UTILIZATION_DOMAIN_BUS),
        }
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// Current performance state, P0 (fastest) to P15 (`nvmlDeviceGetPerformanceState`).
    // `always`: the conversion's jump table would otherwise keep this out of line, and the
    // call and the copy of the `Result` cost a third of the C call (see BENCHMARKS.md).
    #[inline(always)]
    #[doc(alias = "nvmlDeviceGetPerformanceState")]
    pub fn performance_state(&self) -> Result<PerformanceState> {
        let mut raw: sys::nvmlPstates_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPerformanceState(self.handle, &mut raw)
        )?;
        PerformanceState::try_from(raw)
    }

    /// Why the clocks are where they are now (`nvmlDeviceGetCurrentClocksEventReasons`, or
    /// `nvmlDeviceGetCurrentClocksThrottleReasons` on drivers before 535).
    #[inline]
    #[doc(alias = "nvmlDeviceGetCurrentClocksEventReasons")]
    #[doc(alias = "nvmlDeviceGetCurrentClocksThrottleReasons")]
    pub fn current_clocks_event_reasons(&self) -> Result<ClocksEventReasons> {
        let bits = self
            .nvml
            .versions()
            .current_clocks_event_reasons(self.handle)?;
        Ok(ClocksEventReasons::from_bits_retain(bits))
    }

    /// Which clock event reasons the device can report
    /// (`nvmlDeviceGetSupportedClocksEventReasons`, or
    /// `nvmlDeviceGetSupportedClocksThrottleReasons` on drivers before 535).
    #[inline]
    #[doc(alias = "nvmlDeviceGetSupportedClocksEventReasons")]
    #[doc(alias = "nvmlDeviceGetSupportedClocksThrottleReasons")]
    pub fn supported_clocks_event_reasons(&self) -> Result<ClocksEventReasons> {
        let bits = self
            .nvml
            .versions()
            .supported_clocks_event_reasons(self.handle)?;
        Ok(ClocksEventReasons::from_bits_retain(bits))
    }

    /// Lowest and highest clock of a domain at a P-state, in MHz
    /// (`nvmlDeviceGetMinMaxClockOfPState`).
    #[doc(alias = "nvmlDeviceGetMinMaxClockOfPState")]
    pub fn min_max_clock_of_pstate(
        &self,
        clock: ClockType,
        pstate: PerformanceState,
    ) -> Result<MinMax<u32>> {
        let (mut min, mut max): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMinMaxClockOfPState(
                self.handle,
                clock.as_raw(),
                pstate.as_raw(),
                &mut min,
                &mut max
            )
        )?;
        Ok(MinMax { min, max })
    }

    /// The P-states the device supports, fastest first
    /// (`nvmlDeviceGetSupportedPerformanceStates`).
    #[doc(alias = "nvmlDeviceGetSupportedPerformanceStates")]
    pub fn supported_performance_states(&self) -> Result<Vec<PerformanceState>> {
        // The driver fills at most NVML_MAX_GPU_PERF_PSTATES entries, padding with
        // NVML_PSTATE_UNKNOWN; `size` is the array's size in bytes, as the header says.
        let mut raw = [sys::NVML_PSTATE_UNKNOWN; sys::NVML_MAX_GPU_PERF_PSTATES as usize];
        let size = std::mem::size_of_val(&raw) as c_uint;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetSupportedPerformanceStates(self.handle, raw.as_mut_ptr(), size)
        )?;
        raw.into_iter()
            .filter(|p| *p != sys::NVML_PSTATE_UNKNOWN)
            .map(PerformanceState::try_from)
            .collect()
    }

    /// The performance modes as the driver describes them, a string
    /// (`nvmlDeviceGetPerformanceModes` with `nvmlDevicePerfModes_v1`).
    #[doc(alias = "nvmlDeviceGetPerformanceModes")]
    pub fn performance_modes(&self) -> Result<String> {
        let mut modes = sys::nvmlDevicePerfModes_t {
            version: sys::nvmlDevicePerfModes_v1,
            str_: [0; sys::NVML_PERF_MODES_BUFFER_SIZE as usize],
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPerformanceModes(self.handle, &mut modes)
        )?;
        string_from_c_buf(&modes.str_)
    }

    /// Utilization domains and thresholds driving dynamic P-state changes
    /// (`nvmlDeviceGetDynamicPstatesInfo`).
    #[doc(alias = "nvmlDeviceGetDynamicPstatesInfo")]
    pub fn dynamic_pstates_info(&self) -> Result<DynamicPstatesInfo> {
        let mut info = sys::nvmlGpuDynamicPstatesInfo_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetDynamicPstatesInfo(self.handle, &mut info)
        )?;
        Ok(DynamicPstatesInfo::from(&info))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_of_the_header_is_a_flag() {
        // `nvmlClocksEventReasonAll` of nvml.h (a macro expression bindgen does not emit).
        const HEADER_ALL: u64 = 0x7ff;
        assert_eq!(ClocksEventReasons::all().bits(), HEADER_ALL);
        assert_eq!(ClocksEventReasons::HW_SLOWDOWN.bits(), 0x8);
        assert_eq!(ClocksEventReasons::RELIABILITY.bits(), 0x400);
    }

    #[test]
    fn unknown_bits_are_kept() {
        let reasons = ClocksEventReasons::from_bits_retain(0x1_0000_0004);
        assert!(reasons.contains(ClocksEventReasons::SW_POWER_CAP));
        assert_eq!(reasons.bits(), 0x1_0000_0004);
    }

    #[test]
    fn absent_utilization_domains_are_none() {
        let mut raw = sys::nvmlGpuDynamicPstatesInfo_t::default();
        let gpu = &mut raw.utilization[sys::NVML_GPU_UTILIZATION_DOMAIN_GPU as usize];
        gpu.bIsPresent = 1;
        gpu.percentage = 42;
        gpu.incThreshold = 80;
        gpu.decThreshold = 30;
        let info = DynamicPstatesInfo::from(&raw);
        assert_eq!(
            info.gpu,
            Some(DynamicPstateDomain {
                percentage: 42,
                inc_threshold: 80,
                dec_threshold: 30
            })
        );
        assert_eq!(
            (info.frame_buffer, info.video, info.bus),
            (None, None, None)
        );
    }
}
