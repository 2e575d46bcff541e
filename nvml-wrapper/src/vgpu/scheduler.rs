//! The vGPU software scheduler: capabilities, state, runlist log and settings, from the current
//! (`_v2`) and the older struct layouts.

use nvml_sys as sys;

use crate::enums::{VgpuSchedulerArrMode, VgpuSchedulerPolicy};
use crate::error::{NvmlError, Result};

/// What the vGPU scheduler of a GPU can do (`nvmlVgpuSchedulerCapabilities_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerCapabilities {
    /// The policies it supports.
    pub supported_policies: Vec<VgpuSchedulerPolicy>,
    /// Longest timeslice, ns.
    pub max_timeslice_ns: u32,
    /// Shortest timeslice, ns.
    pub min_timeslice_ns: u32,
    /// Whether Adaptive Round Robin is supported.
    pub arr_mode_supported: bool,
    /// Highest ARR frequency.
    pub max_frequency_for_arr: u32,
    /// Lowest ARR frequency.
    pub min_frequency_for_arr: u32,
    /// Highest ARR averaging factor.
    pub max_avg_factor_for_arr: u32,
    /// Lowest ARR averaging factor.
    pub min_avg_factor_for_arr: u32,
}

impl TryFrom<&sys::nvmlVgpuSchedulerCapabilities_t> for VgpuSchedulerCapabilities {
    type Error = NvmlError;
    fn try_from(c: &sys::nvmlVgpuSchedulerCapabilities_t) -> Result<Self> {
        Ok(Self {
            supported_policies: c
                .supportedSchedulers
                .iter()
                .filter(|p| **p != sys::NVML_VGPU_SCHEDULER_POLICY_UNKNOWN)
                .map(|p| VgpuSchedulerPolicy::try_from(*p))
                .collect::<Result<_>>()?,
            max_timeslice_ns: c.maxTimeslice,
            min_timeslice_ns: c.minTimeslice,
            arr_mode_supported: c.isArrModeSupported != 0,
            max_frequency_for_arr: c.maxFrequencyForARR,
            min_frequency_for_arr: c.minFrequencyForARR,
            max_avg_factor_for_arr: c.maxAvgFactorForARR,
            min_avg_factor_for_arr: c.minAvgFactorForARR,
        })
    }
}

/// The state of a vGPU software scheduler (`nvmlVgpuSchedulerStateInfo_v2_t`, or the older
/// `nvmlVgpuSchedulerGetState_t`). Not meaningful under the best-effort policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerState {
    /// The policy.
    pub policy: VgpuSchedulerPolicy,
    /// Adaptive Round Robin mode, where the driver reports it (the pre-`_v2` calls).
    pub arr_mode: Option<VgpuSchedulerArrMode>,
    /// ARR averaging factor (0 without ARR or without active scheduling).
    pub avg_factor: u32,
    /// Timeslice of each software runlist, ns (0 without active scheduling).
    pub timeslice_ns: u32,
}

/// One software runlist in a [`VgpuSchedulerLog`] (`nvmlVgpuSchedulerLogEntry_t`), times in ns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerLogEntry {
    /// When the runlist was preempted.
    pub timestamp_ns: u64,
    /// How long it has run in all.
    pub time_run_total_ns: u64,
    /// How long it ran before this preemption.
    pub time_run_ns: u64,
    /// Software runlist id.
    pub sw_runlist_id: u32,
    /// The actual timeslice after deduction.
    pub target_time_slice_ns: u64,
    /// Cumulative preemption time.
    pub cumulative_preemption_time_ns: u64,
    /// Current weight (`None` from the pre-`_v2` calls).
    pub weight: Option<u32>,
}

impl From<&sys::nvmlVgpuSchedulerLogEntry_t> for VgpuSchedulerLogEntry {
    fn from(e: &sys::nvmlVgpuSchedulerLogEntry_t) -> Self {
        Self {
            timestamp_ns: e.timestamp,
            time_run_total_ns: e.timeRunTotal,
            time_run_ns: e.timeRun,
            sw_runlist_id: e.swRunlistId,
            target_time_slice_ns: e.targetTimeSlice,
            cumulative_preemption_time_ns: e.cumulativePreemptionTime,
            weight: None,
        }
    }
}

impl From<&sys::nvmlVgpuSchedulerLogEntry_v2_t> for VgpuSchedulerLogEntry {
    fn from(e: &sys::nvmlVgpuSchedulerLogEntry_v2_t) -> Self {
        Self {
            timestamp_ns: e.timestamp,
            time_run_total_ns: e.timeRunTotal,
            time_run_ns: e.timeRun,
            sw_runlist_id: e.swRunlistId,
            target_time_slice_ns: e.targetTimeSlice,
            cumulative_preemption_time_ns: e.cumulativePreemptionTime,
            weight: Some(e.weight),
        }
    }
}

/// The scheduler state and the recent runlist log of a vGPU software scheduler
/// (`nvmlVgpuSchedulerLogInfo_v2_t`, or the older `nvmlVgpuSchedulerLog_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerLog {
    /// The scheduler state.
    pub state: VgpuSchedulerState,
    /// The log (at most `NVML_SCHEDULER_SW_MAX_LOG_ENTRIES`).
    pub entries: Vec<VgpuSchedulerLogEntry>,
}

/// What to set on a vGPU software scheduler (`nvmlVgpuSchedulerState_v2_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerSettings {
    /// The engine whose scheduler to set.
    pub engine: crate::enums::VgpuSchedulerEngine,
    /// The policy.
    pub policy: VgpuSchedulerPolicy,
    /// ARR averaging factor; 0 for the default.
    pub avg_factor: u32,
    /// ARR frequency; 0 for the default.
    pub frequency: u32,
}

/// Reads the scheduler parameters of the pre-`_v2` structs, whose union member depends on the
/// ARR mode: `(avg_factor, timeslice)`.
fn legacy_params(arr_mode: u32, params: &sys::nvmlVgpuSchedulerParams_t) -> (u32, u32) {
    if arr_mode == sys::NVML_VGPU_SCHEDULER_ARR_ENABLE {
        // SAFETY: both members of the union are structs of `unsigned int`s, valid for any bit
        // pattern, and the union was zero-initialised before NVML wrote it, so every byte read
        // here is initialised; with ARR enabled NVML fills `vgpuSchedDataWithARR`.
        let p = unsafe { params.vgpuSchedDataWithARR };
        (p.avgFactor, p.timeslice)
    } else {
        // SAFETY: as above; without ARR NVML fills `vgpuSchedData`.
        let p = unsafe { params.vgpuSchedData };
        (0, p.timeslice)
    }
}

impl VgpuSchedulerLog {
    /// The log from the pre-`_v2` struct (`nvmlVgpuSchedulerLog_t`), as both the device and
    /// the GPU-instance queries return it; the entry count is clamped to the array.
    pub(crate) fn from_legacy(raw: &sys::nvmlVgpuSchedulerLog_t) -> Result<Self> {
        Ok(Self {
            state: legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)?,
            entries: raw
                .logEntries
                .iter()
                .take(raw.entriesCount as usize)
                .map(Into::into)
                .collect(),
        })
    }

    /// The log from the GPU-instance query's version-1 struct (`nvmlVgpuSchedulerLogInfo_v1`);
    /// the entry count is clamped to the array.
    pub(crate) fn from_v1(raw: &sys::nvmlVgpuSchedulerLogInfo_t) -> Result<Self> {
        Ok(Self {
            state: legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)?,
            entries: raw
                .logEntries
                .iter()
                .take(raw.entriesCount as usize)
                .map(Into::into)
                .collect(),
        })
    }
}

pub(crate) fn legacy_state(
    policy: u32,
    arr_mode: u32,
    params: &sys::nvmlVgpuSchedulerParams_t,
) -> Result<VgpuSchedulerState> {
    let (avg_factor, timeslice_ns) = legacy_params(arr_mode, params);
    Ok(VgpuSchedulerState {
        policy: VgpuSchedulerPolicy::try_from(policy)?,
        arr_mode: Some(VgpuSchedulerArrMode::try_from(arr_mode)?),
        avg_factor,
        timeslice_ns,
    })
}

pub(crate) fn log_from_v2(raw: &sys::nvmlVgpuSchedulerLogInfo_v2_t) -> Result<VgpuSchedulerLog> {
    Ok(VgpuSchedulerLog {
        state: VgpuSchedulerState {
            policy: VgpuSchedulerPolicy::try_from(raw.schedulerPolicy)?,
            arr_mode: None,
            avg_factor: raw.avgFactor,
            timeslice_ns: raw.timeslice,
        },
        entries: raw
            .logEntries
            .iter()
            .take(raw.entriesCount as usize)
            .map(VgpuSchedulerLogEntry::from)
            .collect(),
    })
}

pub(crate) fn state_from_v2(
    raw: &sys::nvmlVgpuSchedulerStateInfo_v2_t,
) -> Result<VgpuSchedulerState> {
    Ok(VgpuSchedulerState {
        policy: VgpuSchedulerPolicy::try_from(raw.schedulerPolicy)?,
        arr_mode: None,
        avg_factor: raw.avgFactor,
        timeslice_ns: raw.timeslice,
    })
}

impl VgpuSchedulerSettings {
    /// ARR mode and parameters of the pre-`_v2` setters: ARR on when an ARR parameter is set.
    fn legacy_arr(self) -> (u32, sys::nvmlVgpuSchedulerSetParams_t) {
        let arr = if self.avg_factor != 0 || self.frequency != 0 {
            sys::NVML_VGPU_SCHEDULER_ARR_ENABLE
        } else {
            sys::NVML_VGPU_SCHEDULER_ARR_DEFAULT
        };
        let params = sys::nvmlVgpuSchedulerSetParams_t {
            vgpuSchedDataWithARR: sys::nvmlVgpuSchedulerSetParams_t__bindgen_ty_1 {
                avgFactor: self.avg_factor,
                frequency: self.frequency,
            },
        };
        (arr, params)
    }

    /// The pre-`_v2` device form (`nvmlVgpuSchedulerSetState_t`).
    pub(crate) fn to_legacy_device(self) -> sys::nvmlVgpuSchedulerSetState_t {
        let (arr, params) = self.legacy_arr();
        sys::nvmlVgpuSchedulerSetState_t {
            schedulerPolicy: self.policy.as_raw(),
            enableARRMode: arr,
            schedulerParams: params,
        }
    }

    /// The pre-`_v2` GPU-instance form (`nvmlVgpuSchedulerState_v1_t`).
    pub(crate) fn to_v1(self) -> sys::nvmlVgpuSchedulerState_t {
        let (arr, params) = self.legacy_arr();
        sys::nvmlVgpuSchedulerState_t {
            version: sys::nvmlVgpuSchedulerState_v1,
            engineId: self.engine.as_raw(),
            schedulerPolicy: self.policy.as_raw(),
            enableARRMode: arr,
            schedulerParams: params,
        }
    }

    pub(crate) fn to_v2(self) -> sys::nvmlVgpuSchedulerState_v2_t {
        sys::nvmlVgpuSchedulerState_v2_t {
            engineId: self.engine.as_raw(),
            schedulerPolicy: self.policy.as_raw(),
            avgFactor: self.avg_factor,
            frequency: self.frequency,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheduler_capabilities_skip_unused_slots_and_keep_unknown_policies() {
        let raw = sys::nvmlVgpuSchedulerCapabilities_t {
            supportedSchedulers: [
                sys::NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT,
                sys::NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE,
                sys::NVML_VGPU_SCHEDULER_POLICY_UNKNOWN,
            ],
            maxTimeslice: 30_000_000,
            minTimeslice: 1_000_000,
            isArrModeSupported: 1,
            maxFrequencyForARR: 960,
            minFrequencyForARR: 1,
            maxAvgFactorForARR: 60,
            minAvgFactorForARR: 1,
        };
        let caps = VgpuSchedulerCapabilities::try_from(&raw).unwrap();
        assert_eq!(
            caps.supported_policies,
            [
                VgpuSchedulerPolicy::BestEffort,
                VgpuSchedulerPolicy::FixedShare
            ]
        );
        assert_eq!(
            (caps.min_timeslice_ns, caps.max_timeslice_ns),
            (1_000_000, 30_000_000)
        );
        assert!(caps.arr_mode_supported);
        assert_eq!(
            (caps.min_frequency_for_arr, caps.max_frequency_for_arr),
            (1, 960)
        );
        assert_eq!(
            (caps.min_avg_factor_for_arr, caps.max_avg_factor_for_arr),
            (1, 60)
        );
        let future = sys::nvmlVgpuSchedulerCapabilities_t {
            supportedSchedulers: [9, 0, 0],
            ..raw
        };
        assert_eq!(
            VgpuSchedulerCapabilities::try_from(&future)
                .unwrap()
                .supported_policies,
            [VgpuSchedulerPolicy::Other(9)]
        );
    }

    #[test]
    fn legacy_scheduler_state_reads_the_union_member_the_arr_mode_names() {
        let with_arr = sys::nvmlVgpuSchedulerParams_t {
            vgpuSchedDataWithARR: sys::nvmlVgpuSchedulerParams_t__bindgen_ty_1 {
                avgFactor: 33,
                timeslice: 2_000_000,
            },
        };
        let state = legacy_state(
            sys::NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
            sys::NVML_VGPU_SCHEDULER_ARR_ENABLE,
            &with_arr,
        )
        .unwrap();
        assert_eq!(state.policy, VgpuSchedulerPolicy::EqualShare);
        assert_eq!(state.arr_mode, Some(VgpuSchedulerArrMode::Enabled));
        assert_eq!((state.avg_factor, state.timeslice_ns), (33, 2_000_000));

        let without = sys::nvmlVgpuSchedulerParams_t {
            vgpuSchedData: sys::nvmlVgpuSchedulerParams_t__bindgen_ty_2 {
                timeslice: 4_000_000,
            },
        };
        let state = legacy_state(
            sys::NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE,
            sys::NVML_VGPU_SCHEDULER_ARR_DISABLE,
            &without,
        )
        .unwrap();
        assert_eq!(state.arr_mode, Some(VgpuSchedulerArrMode::Disabled));
        assert_eq!((state.avg_factor, state.timeslice_ns), (0, 4_000_000));
        assert_eq!(
            legacy_state(7, 0, &without).unwrap().policy,
            VgpuSchedulerPolicy::Other(7)
        );
    }

    #[test]
    fn v2_scheduler_state_log_and_settings_convert() {
        let state = state_from_v2(&sys::nvmlVgpuSchedulerStateInfo_v2_t {
            engineId: sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS,
            schedulerPolicy: sys::NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT,
            avgFactor: 0,
            timeslice: 1_000_000,
        })
        .unwrap();
        assert_eq!(state.policy, VgpuSchedulerPolicy::BestEffort);
        assert_eq!((state.arr_mode, state.timeslice_ns), (None, 1_000_000));

        let mut raw = sys::nvmlVgpuSchedulerLogInfo_v2_t {
            schedulerPolicy: sys::NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
            avgFactor: 10,
            timeslice: 2_000_000,
            entriesCount: 10_000, // more than the 200 the struct holds
            ..Default::default()
        };
        raw.logEntries[0] = sys::nvmlVgpuSchedulerLogEntry_v2_t {
            timestamp: 1,
            timeRunTotal: 2,
            timeRun: 3,
            swRunlistId: 4,
            targetTimeSlice: 5,
            cumulativePreemptionTime: 6,
            weight: 7,
        };
        let log = log_from_v2(&raw).unwrap();
        assert_eq!(
            log.entries.len(),
            sys::NVML_SCHEDULER_SW_MAX_LOG_ENTRIES as usize
        );
        assert_eq!(log.state.avg_factor, 10);
        let e = log.entries[0];
        assert_eq!(
            (
                e.timestamp_ns,
                e.time_run_total_ns,
                e.time_run_ns,
                e.sw_runlist_id
            ),
            (1, 2, 3, 4)
        );
        assert_eq!(
            (e.target_time_slice_ns, e.cumulative_preemption_time_ns),
            (5, 6)
        );
        assert_eq!(e.weight, Some(7));
        let legacy = VgpuSchedulerLogEntry::from(&sys::nvmlVgpuSchedulerLogEntry_t {
            timestamp: 1,
            ..Default::default()
        });
        assert_eq!((legacy.timestamp_ns, legacy.weight), (1, None));

        let v2 = VgpuSchedulerSettings {
            engine: crate::enums::VgpuSchedulerEngine::Nvenc0,
            policy: VgpuSchedulerPolicy::FixedShare,
            avg_factor: 20,
            frequency: 480,
        }
        .to_v2();
        assert_eq!(v2.engineId, sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_NVENC0);

        // The pre-`_v2` setters: ARR on with the ARR parameters, default otherwise.
        let arr = VgpuSchedulerSettings {
            engine: crate::enums::VgpuSchedulerEngine::Graphics,
            policy: VgpuSchedulerPolicy::EqualShare,
            avg_factor: 20,
            frequency: 480,
        };
        let v1 = arr.to_v1();
        assert_eq!(v1.version, sys::nvmlVgpuSchedulerState_v1);
        assert_eq!(v1.engineId, sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS);
        assert_eq!(v1.enableARRMode, sys::NVML_VGPU_SCHEDULER_ARR_ENABLE);
        // SAFETY: the union was built from its `vgpuSchedDataWithARR` member (plain integers).
        let p = unsafe { v1.schedulerParams.vgpuSchedDataWithARR };
        assert_eq!((p.avgFactor, p.frequency), (20, 480));
        let plain = VgpuSchedulerSettings {
            avg_factor: 0,
            frequency: 0,
            ..arr
        }
        .to_legacy_device();
        assert_eq!(plain.enableARRMode, sys::NVML_VGPU_SCHEDULER_ARR_DEFAULT);
        assert_eq!(
            plain.schedulerPolicy,
            sys::NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE
        );
        assert_eq!(
            v2.schedulerPolicy,
            sys::NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE
        );
        assert_eq!((v2.avgFactor, v2.frequency), (20, 480));
    }
}
