//! Performance: the P-state and why clocks are held where they are (clock event reasons).

use nvml_sys as sys;

use super::Device;
use crate::enums::PerformanceState;
use crate::error::Result;
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

bitflags::bitflags! {
    /// Why the clocks are where they are (`nvmlClocksEventReason*`, formerly
    /// `nvmlClocksThrottleReason*`). Bits the header does not define (from a newer driver) are
    /// kept, so [`bits`](Self::bits) is always what the driver said.
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
}
