//! MIG-backed vGPUs: the vGPU queries and scheduler settings of a [`crate::mig::GpuInstance`].

use nvml_sys as sys;

use super::{
    VgpuInstance, VgpuPlacements, VgpuSchedulerLog, VgpuSchedulerSettings, VgpuSchedulerState,
    VgpuType, legacy_state, log_from_v2, read_placements, state_from_v2,
};
use crate::enums::enabled;
use crate::error::Result;
use crate::ffi::{nvml_call, read_list};
use crate::nvml_ref::NvmlRef;
use crate::versions::{
    gpu_instance_set_vgpu_scheduler_state, gpu_instance_vgpu_scheduler_log,
    gpu_instance_vgpu_scheduler_state,
};

impl<'nvml, N: NvmlRef> crate::mig::GpuInstance<'nvml, N> {
    /// The vGPUs running on this GPU instance (`nvmlGpuInstanceGetActiveVgpus` with
    /// `nvmlActiveVgpuInstanceInfo_v1`; count, then data, bounded).
    #[doc(alias = "nvmlGpuInstanceGetActiveVgpus")]
    pub fn active_vgpus(&self) -> Result<Vec<VgpuInstance<'nvml, N>>> {
        let nvml = self.holder();
        let ids = read_list(|count, items| {
            let mut info = sys::nvmlActiveVgpuInstanceInfo_t {
                version: sys::nvmlActiveVgpuInstanceInfo_v1,
                vgpuCount: *count,
                vgpuInstances: items,
            };
            let result = nvml_call!(
                nvml,
                nvmlGpuInstanceGetActiveVgpus(self.handle(), &mut info)
            );
            *count = info.vgpuCount;
            result
        })?;
        Ok(ids
            .into_iter()
            .map(|id| VgpuInstance::from_handle(nvml.clone(), id))
            .collect())
    }

    /// The vGPU types that can be created on this GPU instance now
    /// (`nvmlGpuInstanceGetCreatableVgpus` with `nvmlVgpuTypeIdInfo_v1`).
    #[doc(alias = "nvmlGpuInstanceGetCreatableVgpus")]
    pub fn creatable_vgpus(&self) -> Result<Vec<VgpuType<'nvml, N>>> {
        let nvml = self.holder();
        let ids = read_list(|count, items| {
            let mut info = sys::nvmlVgpuTypeIdInfo_t {
                version: sys::nvmlVgpuTypeIdInfo_v1,
                vgpuCount: *count,
                vgpuTypeIds: items,
            };
            let result = nvml_call!(
                nvml,
                nvmlGpuInstanceGetCreatableVgpus(self.handle(), &mut info)
            );
            *count = info.vgpuCount;
            result
        })?;
        Ok(ids
            .into_iter()
            .map(|id| VgpuType::from_handle(nvml.clone(), id))
            .collect())
    }

    /// Whether this GPU instance is in vGPU heterogeneous mode
    /// (`nvmlGpuInstanceGetVgpuHeterogeneousMode` with `nvmlVgpuHeterogeneousMode_v1`).
    #[doc(alias = "nvmlGpuInstanceGetVgpuHeterogeneousMode")]
    pub fn vgpu_heterogeneous_mode(&self) -> Result<bool> {
        let mut info = sys::nvmlVgpuHeterogeneousMode_t {
            version: sys::nvmlVgpuHeterogeneousMode_v1,
            mode: 0,
        };
        nvml_call!(
            self.holder(),
            nvmlGpuInstanceGetVgpuHeterogeneousMode(self.handle(), &mut info)
        )?;
        enabled(info.mode, "vGPU heterogeneous mode")
    }

    /// Turns vGPU heterogeneous mode of this GPU instance on or off
    /// (`nvmlGpuInstanceSetVgpuHeterogeneousMode`). Only while no vGPU runs on it.
    #[doc(alias = "nvmlGpuInstanceSetVgpuHeterogeneousMode")]
    pub fn set_vgpu_heterogeneous_mode(&self, on: bool) -> Result<()> {
        let info = sys::nvmlVgpuHeterogeneousMode_t {
            version: sys::nvmlVgpuHeterogeneousMode_v1,
            mode: crate::enums::enable_state(on),
        };
        nvml_call!(
            self.holder(),
            nvmlGpuInstanceSetVgpuHeterogeneousMode(self.handle(), &info)
        )
    }

    /// Placement ids at which a vGPU of a type can be created in this GPU instance now
    /// (`nvmlGpuInstanceGetVgpuTypeCreatablePlacements` with
    /// `nvmlVgpuCreatablePlacementInfo_v1`; count, then data, bounded).
    #[doc(alias = "nvmlGpuInstanceGetVgpuTypeCreatablePlacements")]
    pub fn vgpu_type_creatable_placements(
        &self,
        vgpu_type: &VgpuType<'_>,
    ) -> Result<VgpuPlacements> {
        read_placements(|count, items, placement_size| {
            let mut info = sys::nvmlVgpuCreatablePlacementInfo_t {
                version: sys::nvmlVgpuCreatablePlacementInfo_v1,
                vgpuTypeId: vgpu_type.id(),
                count: *count,
                placementIds: items,
                placementSize: 0,
            };
            let result = nvml_call!(
                self.holder(),
                nvmlGpuInstanceGetVgpuTypeCreatablePlacements(self.handle(), &mut info)
            );
            *count = info.count;
            *placement_size = info.placementSize;
            result
        })
    }

    /// State of the vGPU scheduler of one engine of this GPU instance
    /// (`nvmlGpuInstanceGetVgpuSchedulerState_v2`, or `nvmlGpuInstanceGetVgpuSchedulerState`
    /// with `nvmlVgpuSchedulerStateInfo_v1` on drivers without it).
    #[doc(alias = "nvmlGpuInstanceGetVgpuSchedulerState")]
    #[doc(alias = "nvmlGpuInstanceGetVgpuSchedulerState_v2")]
    pub fn vgpu_scheduler_state(
        &self,
        engine: crate::enums::VgpuSchedulerEngine,
    ) -> Result<VgpuSchedulerState> {
        let nvml = self.holder();
        if nvml.versions().gpu_instance_vgpu_scheduler_state()
            == gpu_instance_vgpu_scheduler_state::Version::nvmlGpuInstanceGetVgpuSchedulerState_v2
        {
            let mut raw = sys::nvmlVgpuSchedulerStateInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            };
            nvml_call!(
                nvml,
                gpu_instance_vgpu_scheduler_state::nvmlGpuInstanceGetVgpuSchedulerState_v2(
                    self.handle(),
                    &mut raw
                )
            )?;
            return state_from_v2(&raw);
        }
        let mut raw = sys::nvmlVgpuSchedulerStateInfo_t {
            version: sys::nvmlVgpuSchedulerStateInfo_v1,
            engineId: engine.as_raw(),
            ..Default::default()
        };
        nvml_call!(
            nvml,
            gpu_instance_vgpu_scheduler_state::nvmlGpuInstanceGetVgpuSchedulerState(
                self.handle(),
                &mut raw
            )
        )?;
        legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)
    }

    /// State and recent runlist log of the vGPU scheduler of one engine of this GPU instance
    /// (`nvmlGpuInstanceGetVgpuSchedulerLog_v2`, or `nvmlGpuInstanceGetVgpuSchedulerLog`
    /// with `nvmlVgpuSchedulerLogInfo_v1` on drivers without it).
    #[doc(alias = "nvmlGpuInstanceGetVgpuSchedulerLog")]
    #[doc(alias = "nvmlGpuInstanceGetVgpuSchedulerLog_v2")]
    pub fn vgpu_scheduler_log(
        &self,
        engine: crate::enums::VgpuSchedulerEngine,
    ) -> Result<VgpuSchedulerLog> {
        let nvml = self.holder();
        if nvml.versions().gpu_instance_vgpu_scheduler_log()
            == gpu_instance_vgpu_scheduler_log::Version::nvmlGpuInstanceGetVgpuSchedulerLog_v2
        {
            let mut raw = Box::new(sys::nvmlVgpuSchedulerLogInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            });
            nvml_call!(
                nvml,
                gpu_instance_vgpu_scheduler_log::nvmlGpuInstanceGetVgpuSchedulerLog_v2(
                    self.handle(),
                    &mut *raw
                )
            )?;
            return log_from_v2(&raw);
        }
        let mut raw = Box::new(sys::nvmlVgpuSchedulerLogInfo_t {
            version: sys::nvmlVgpuSchedulerLogInfo_v1,
            engineId: engine.as_raw(),
            ..Default::default()
        });
        nvml_call!(
            nvml,
            gpu_instance_vgpu_scheduler_log::nvmlGpuInstanceGetVgpuSchedulerLog(
                self.handle(),
                &mut *raw
            )
        )?;
        Ok(VgpuSchedulerLog {
            state: legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)?,
            entries: raw
                .logEntries
                .iter()
                .take(raw.entriesCount as usize)
                .map(Into::into)
                .collect(),
        })
    }

    /// Sets the vGPU scheduler of one engine of this GPU instance
    /// (`nvmlGpuInstanceSetVgpuSchedulerState_v2`, or `nvmlGpuInstanceSetVgpuSchedulerState`
    /// with `nvmlVgpuSchedulerState_v1` on drivers without it, ARR on when an ARR parameter
    /// is non-zero). Only while no vGPU runs; needs root.
    #[doc(alias = "nvmlGpuInstanceSetVgpuSchedulerState")]
    #[doc(alias = "nvmlGpuInstanceSetVgpuSchedulerState_v2")]
    pub fn set_vgpu_scheduler_state(&self, settings: &VgpuSchedulerSettings) -> Result<()> {
        let nvml = self.holder();
        if nvml.versions().gpu_instance_set_vgpu_scheduler_state() == gpu_instance_set_vgpu_scheduler_state::Version::nvmlGpuInstanceSetVgpuSchedulerState_v2 {
            let mut raw = settings.to_v2();
            return nvml_call!(
                nvml,
                gpu_instance_set_vgpu_scheduler_state::nvmlGpuInstanceSetVgpuSchedulerState_v2(self.handle(), &mut raw)
            );
        }
        let mut raw = settings.to_v1();
        nvml_call!(
            nvml,
            gpu_instance_set_vgpu_scheduler_state::nvmlGpuInstanceSetVgpuSchedulerState(
                self.handle(),
                &mut raw
            )
        )
    }
}
