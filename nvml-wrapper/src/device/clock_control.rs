//! Clock and power control state: clock and VF offsets, clocks per P-state, supported
//! P-states, clock monitors, adaptive clocking, performance modes, dynamic P-states,
//! auto-boost, API restrictions, GPU operation mode, PowerMizer, adaptive TGP and power
//! management mode.

use std::ffi::{c_int, c_uint};

use nvml_sys as sys;

use super::Device;
use crate::enums::{
    ClockType, GpuOperationMode, PerformanceState, RestrictedApi, enable_state, enabled, nvml_enum,
};
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, string_from_c_buf};
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

/// GPU operation mode now and after the next reboot (`nvmlDeviceGetGpuOperationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GpuOperationModes {
    /// The mode in effect.
    pub current: GpuOperationMode,
    /// The mode after the next reboot.
    pub pending: GpuOperationMode,
}

nvml_enum! {
    /// PowerMizer mode: how clocks follow the load (`NVML_POWER_MIZER_MODE_*`).
    pub enum PowerMizerMode: c_uint {
        /// Clocks follow GPU utilization.
        Adaptive = sys::NVML_POWER_MIZER_MODE_ADAPTIVE,
        /// Clocks raised to favour maximum performance.
        PreferMaximumPerformance = sys::NVML_POWER_MIZER_MODE_PREFER_MAXIMUM_PERFORMANCE,
        /// Driver controlled.
        Auto = sys::NVML_POWER_MIZER_MODE_AUTO,
        /// Locked to base clocks.
        PreferConsistentPerformance = sys::NVML_POWER_MIZER_MODE_PREFER_CONSISTENT_PERFORMANCE,
    }
}

/// PowerMizer state (`nvmlDevicePowerMizerModes_v1_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerMizerModes {
    /// The mode in effect.
    pub current: PowerMizerMode,
    /// The modes the device supports (unknown bits of the mask are skipped).
    pub supported: Vec<PowerMizerMode>,
    /// The raw supported-modes mask, `1 << mode` per mode.
    pub supported_mask: u32,
}

/// Adaptive total graphics power (TGP) state (`nvmlAdaptiveTgpModeInfo_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AdaptiveTgpModeInfo {
    /// In-band enablement was requested.
    pub in_band_enable_requested: bool,
    /// The out-of-band administrator allows the feature.
    pub allowed_by_admin: bool,
    /// An out-of-band administrator override is active.
    pub admin_override: bool,
    /// The feature is active after arbitration.
    pub enabled: bool,
    /// The adjusted TGP limit in milliwatts (meaningful only when enabled).
    pub adjusted_limit_mw: u32,
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

impl TryFrom<&sys::nvmlDevicePowerMizerModes_v1_t> for PowerMizerModes {
    type Error = NvmlError;
    fn try_from(modes: &sys::nvmlDevicePowerMizerModes_v1_t) -> Result<Self> {
        let mask = modes.supportedPowerMizerModes;
        Ok(Self {
            current: PowerMizerMode::try_from(modes.currentMode)?,
            supported: PowerMizerMode::ALL
                .iter()
                .copied()
                .filter(|m| m.as_raw() < 32 && mask & (1 << m.as_raw()) != 0)
                .collect(),
            supported_mask: mask,
        })
    }
}

impl<N: NvmlRef> Device<'_, N> {
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

    /// Whether a group of APIs is restricted to root (`nvmlDeviceGetAPIRestriction`).
    #[doc(alias = "nvmlDeviceGetAPIRestriction")]
    pub fn api_restriction(&self, api: RestrictedApi) -> Result<bool> {
        let mut raw: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAPIRestriction(self.handle, api.as_raw(), &mut raw)
        )?;
        enabled(raw, "API restriction")
    }

    /// GPU operation mode, now and after the next reboot (`nvmlDeviceGetGpuOperationMode`).
    #[doc(alias = "nvmlDeviceGetGpuOperationMode")]
    pub fn gpu_operation_mode(&self) -> Result<GpuOperationModes> {
        let (mut current, mut pending): (sys::nvmlGpuOperationMode_t, sys::nvmlGpuOperationMode_t) =
            (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetGpuOperationMode(self.handle, &mut current, &mut pending)
        )?;
        Ok(GpuOperationModes {
            current: GpuOperationMode::try_from(current)?,
            pending: GpuOperationMode::try_from(pending)?,
        })
    }

    /// PowerMizer mode and the modes supported (`nvmlDeviceGetPowerMizerMode_v1`).
    #[doc(alias = "nvmlDeviceGetPowerMizerMode_v1")]
    pub fn power_mizer_mode(&self) -> Result<PowerMizerModes> {
        let mut modes = sys::nvmlDevicePowerMizerModes_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPowerMizerMode_v1(self.handle, &mut modes)
        )?;
        PowerMizerModes::try_from(&modes)
    }

    /// Sets the PowerMizer mode (`nvmlDeviceSetPowerMizerMode_v1`). Requires root.
    #[doc(alias = "nvmlDeviceSetPowerMizerMode_v1")]
    pub fn set_power_mizer_mode(&self, mode: PowerMizerMode) -> Result<()> {
        let mut modes = sys::nvmlDevicePowerMizerModes_v1_t {
            mode: mode.as_raw(),
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetPowerMizerMode_v1(self.handle, &mut modes)
        )
    }

    /// Adaptive TGP state (`nvmlDeviceGetAdaptiveTgpModeInfo_v1`).
    #[doc(alias = "nvmlDeviceGetAdaptiveTgpModeInfo_v1")]
    pub fn adaptive_tgp_mode_info(&self) -> Result<AdaptiveTgpModeInfo> {
        let mut info = sys::nvmlAdaptiveTgpModeInfo_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetAdaptiveTgpModeInfo_v1(self.handle, &mut info)
        )?;
        Ok(AdaptiveTgpModeInfo {
            in_band_enable_requested: enabled(info.inBandEnableRequest, "adaptive TGP request")?,
            allowed_by_admin: enabled(info.featureAllowedByAdmin, "adaptive TGP admin")?,
            admin_override: enabled(info.adminOverrideEnabled, "adaptive TGP override")?,
            enabled: enabled(info.enablementStatus, "adaptive TGP status")?,
            adjusted_limit_mw: info.adjustedLimitMw,
        })
    }

    /// Requests adaptive TGP on or off (`nvmlDeviceSetAdaptiveTgpMode_v1`). Requires root.
    #[doc(alias = "nvmlDeviceSetAdaptiveTgpMode_v1")]
    pub fn set_adaptive_tgp_mode(&self, on: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetAdaptiveTgpMode_v1(self.handle, enable_state(on))
        )
    }

    /// Whether power management (power limits) is enabled
    /// (`nvmlDeviceGetPowerManagementMode`).
    #[doc(alias = "nvmlDeviceGetPowerManagementMode")]
    pub fn power_management_mode(&self) -> Result<bool> {
        let mut raw: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPowerManagementMode(self.handle, &mut raw)
        )?;
        enabled(raw, "power management mode")
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

    #[test]
    fn power_mizer_mask_lists_known_modes_and_keeps_the_rest() {
        let raw = sys::nvmlDevicePowerMizerModes_v1_t {
            currentMode: sys::NVML_POWER_MIZER_MODE_AUTO,
            mode: 0,
            supportedPowerMizerModes: (1 << sys::NVML_POWER_MIZER_MODE_ADAPTIVE)
                | (1 << sys::NVML_POWER_MIZER_MODE_AUTO)
                | (1 << 20),
        };
        let modes = PowerMizerModes::try_from(&raw).unwrap();
        assert_eq!(modes.current, PowerMizerMode::Auto);
        assert_eq!(
            modes.supported,
            [PowerMizerMode::Adaptive, PowerMizerMode::Auto]
        );
        assert_eq!(modes.supported_mask, raw.supportedPowerMizerModes);
        let future = sys::nvmlDevicePowerMizerModes_v1_t {
            currentMode: 9,
            ..raw
        };
        assert_eq!(
            PowerMizerModes::try_from(&future).unwrap().current,
            PowerMizerMode::Other(9)
        );
    }
}
