//! vGPU queries and settings of a physical GPU: the vGPU types it supports and can create,
//! the vGPUs running on it, virtualization and heterogeneous modes, placements, capabilities,
//! licensing, migration metadata, the vGPU scheduler and per-vGPU utilisation.
//!
//! The data types live in [`crate::vgpu`].

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use crate::enums::{
    DeviceVgpuCapability, GpuVirtualizationMode, HostVgpuMode, VgpuSchedulerEngine, enable_state,
    enabled,
};
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_blob, read_list, string_from_c_buf};
use crate::nvml_ref::NvmlRef;
use crate::versions::{
    grid_licensable_features, set_vgpu_scheduler_state, vgpu_scheduler_log, vgpu_scheduler_state,
};
use crate::vgpu::{
    GridLicensableFeatures, PgpuMetadata, VgpuInstance, VgpuPlacementMode, VgpuPlacements,
    VgpuProcessUtilizationSample, VgpuSchedulerCapabilities, VgpuSchedulerLog,
    VgpuSchedulerSettings, VgpuSchedulerState, VgpuType, VgpuUtilizationSample, legacy_state,
    log_from_v2, read_placements, state_from_v2,
};

/// `NOT_FOUND` from the utilisation queries means "no samples newer than the timestamp".
fn none_found_is_empty<T>(result: Result<Vec<T>>) -> Result<Vec<T>> {
    match result {
        Err(NvmlError::NotFound(_)) => Ok(Vec::new()),
        other => other,
    }
}

impl<'nvml, N: NvmlRef> Device<'nvml, N> {
    /// The vGPU types this GPU supports (`nvmlDeviceGetSupportedVgpus`: a count query, then
    /// the data; bounded and clamped).
    #[doc(alias = "nvmlDeviceGetSupportedVgpus")]
    pub fn supported_vgpus(&self) -> Result<Vec<VgpuType<'nvml, N>>> {
        let ids = read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetSupportedVgpus(self.handle, count, items)
            )
        })?;
        Ok(ids
            .into_iter()
            .map(|id| VgpuType::from_handle(self.nvml.clone(), id))
            .collect())
    }

    /// The vGPU types that can be created on this GPU now, given the vGPUs already running
    /// (`nvmlDeviceGetCreatableVgpus`).
    #[doc(alias = "nvmlDeviceGetCreatableVgpus")]
    pub fn creatable_vgpus(&self) -> Result<Vec<VgpuType<'nvml, N>>> {
        let ids = read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetCreatableVgpus(self.handle, count, items)
            )
        })?;
        Ok(ids
            .into_iter()
            .map(|id| VgpuType::from_handle(self.nvml.clone(), id))
            .collect())
    }

    /// The vGPUs running on this GPU (`nvmlDeviceGetActiveVgpus`).
    #[doc(alias = "nvmlDeviceGetActiveVgpus")]
    pub fn active_vgpus(&self) -> Result<Vec<VgpuInstance<'nvml, N>>> {
        let ids = read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetActiveVgpus(self.handle, count, items)
            )
        })?;
        Ok(ids
            .into_iter()
            .map(|id| VgpuInstance::from_handle(self.nvml.clone(), id))
            .collect())
    }

    /// How this GPU is virtualized (`nvmlDeviceGetVirtualizationMode`).
    #[doc(alias = "nvmlDeviceGetVirtualizationMode")]
    pub fn virtualization_mode(&self) -> Result<GpuVirtualizationMode> {
        let mut mode: sys::nvmlGpuVirtualizationMode_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetVirtualizationMode(self.handle, &mut mode)
        )?;
        GpuVirtualizationMode::try_from(mode)
    }

    /// Sets how this GPU is virtualized (`nvmlDeviceSetVirtualizationMode`). Needs root.
    #[doc(alias = "nvmlDeviceSetVirtualizationMode")]
    pub fn set_virtualization_mode(&self, mode: GpuVirtualizationMode) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetVirtualizationMode(self.handle, mode.as_raw())
        )
    }

    /// Whether this vGPU host uses SR-IOV (`nvmlDeviceGetHostVgpuMode`).
    #[doc(alias = "nvmlDeviceGetHostVgpuMode")]
    pub fn host_vgpu_mode(&self) -> Result<HostVgpuMode> {
        let mut mode: sys::nvmlHostVgpuMode_t = 0;
        nvml_call!(self.nvml, nvmlDeviceGetHostVgpuMode(self.handle, &mut mode))?;
        HostVgpuMode::try_from(mode)
    }

    /// Whether this GPU is in vGPU heterogeneous mode: time-sliced vGPUs of different
    /// frame-buffer sizes at once (`nvmlDeviceGetVgpuHeterogeneousMode` with
    /// `nvmlVgpuHeterogeneousMode_v1`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] with MIG on or where the GPU lacks the feature.
    #[doc(alias = "nvmlDeviceGetVgpuHeterogeneousMode")]
    pub fn vgpu_heterogeneous_mode(&self) -> Result<bool> {
        let mut info = sys::nvmlVgpuHeterogeneousMode_t {
            version: sys::nvmlVgpuHeterogeneousMode_v1,
            mode: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetVgpuHeterogeneousMode(self.handle, &mut info)
        )?;
        enabled(info.mode, "vGPU heterogeneous mode")
    }

    /// Turns vGPU heterogeneous mode on or off (`nvmlDeviceSetVgpuHeterogeneousMode`). Only
    /// while no vGPU runs; needs root.
    #[doc(alias = "nvmlDeviceSetVgpuHeterogeneousMode")]
    pub fn set_vgpu_heterogeneous_mode(&self, on: bool) -> Result<()> {
        let info = sys::nvmlVgpuHeterogeneousMode_t {
            version: sys::nvmlVgpuHeterogeneousMode_v1,
            mode: enable_state(on),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetVgpuHeterogeneousMode(self.handle, &info)
        )
    }

    /// Placement ids a vGPU type supports on this GPU, for heterogeneous or homogeneous mode
    /// (`nvmlDeviceGetVgpuTypeSupportedPlacements` with `nvmlVgpuPlacementList_v2`; count,
    /// then data, bounded).
    #[doc(alias = "nvmlDeviceGetVgpuTypeSupportedPlacements")]
    pub fn vgpu_type_supported_placements(
        &self,
        vgpu_type: &VgpuType<'_>,
        mode: VgpuPlacementMode,
    ) -> Result<VgpuPlacements> {
        read_placements(|count, items, placement_size| {
            let mut list = sys::nvmlVgpuPlacementList_t {
                version: sys::nvmlVgpuPlacementList_v2,
                placementSize: 0,
                count: *count,
                placementIds: items,
                mode: mode.as_raw(),
            };
            let result = nvml_call!(
                self.nvml,
                nvmlDeviceGetVgpuTypeSupportedPlacements(self.handle, vgpu_type.id(), &mut list)
            );
            *count = list.count;
            *placement_size = list.placementSize;
            result
        })
    }

    /// Placement ids at which a vGPU of a type can be created on this GPU now
    /// (`nvmlDeviceGetVgpuTypeCreatablePlacements` with `nvmlVgpuPlacementList_v2`).
    #[doc(alias = "nvmlDeviceGetVgpuTypeCreatablePlacements")]
    pub fn vgpu_type_creatable_placements(
        &self,
        vgpu_type: &VgpuType<'_>,
    ) -> Result<VgpuPlacements> {
        read_placements(|count, items, placement_size| {
            let mut list = sys::nvmlVgpuPlacementList_t {
                version: sys::nvmlVgpuPlacementList_v2,
                placementSize: 0,
                count: *count,
                placementIds: items,
                mode: VgpuPlacementMode::default().as_raw(),
            };
            let result = nvml_call!(
                self.nvml,
                nvmlDeviceGetVgpuTypeCreatablePlacements(self.handle, vgpu_type.id(), &mut list)
            );
            *count = list.count;
            *placement_size = list.placementSize;
            result
        })
    }

    /// A vGPU capability of this GPU: non-zero when supported, and for some capabilities
    /// its value (e.g. MB/s for the buffer bandwidths) (`nvmlDeviceGetVgpuCapabilities`).
    #[doc(alias = "nvmlDeviceGetVgpuCapabilities")]
    pub fn vgpu_capability(&self, capability: DeviceVgpuCapability) -> Result<u32> {
        let mut result: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetVgpuCapabilities(self.handle, capability.as_raw(), &mut result)
        )?;
        Ok(result)
    }

    /// Turns a vGPU capability of this GPU on or off (`nvmlDeviceSetVgpuCapabilities`).
    #[doc(alias = "nvmlDeviceSetVgpuCapabilities")]
    pub fn set_vgpu_capability(&self, capability: DeviceVgpuCapability, on: bool) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceSetVgpuCapabilities(self.handle, capability.as_raw(), enable_state(on))
        )
    }

    /// Unloads the GSP firmware of a vGPU host GPU so it can be reset or reconfigured
    /// (`nvmlDeviceVgpuForceGspUnload`). Needs root.
    #[doc(alias = "nvmlDeviceVgpuForceGspUnload")]
    pub fn vgpu_force_gsp_unload(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceVgpuForceGspUnload(self.handle))
    }

    /// vGPU software licensing of this GPU (`nvmlDeviceGetGridLicensableFeatures_v4`, or
    /// `_v3`, `_v2`, `nvmlDeviceGetGridLicensableFeatures` on older drivers, whose shorter
    /// per-feature structs are read with their own stride; what they lack is `None`).
    #[doc(alias = "nvmlDeviceGetGridLicensableFeatures")]
    #[doc(alias = "nvmlDeviceGetGridLicensableFeatures_v2")]
    #[doc(alias = "nvmlDeviceGetGridLicensableFeatures_v3")]
    #[doc(alias = "nvmlDeviceGetGridLicensableFeatures_v4")]
    pub fn grid_licensable_features(&self) -> Result<GridLicensableFeatures> {
        let version = self.nvml.as_nvml().versions().grid_licensable_features();
        // 8-byte aligned (the struct needs 4) and as large as the newest layout, which is the
        // largest: every version writes within it.
        let mut words = vec![0u64; size_of::<sys::nvmlGridLicensableFeatures_t>().div_ceil(8)];
        let buf = words
            .as_mut_ptr()
            .cast::<sys::nvmlGridLicensableFeatures_t>();
        match version {
            grid_licensable_features::Version::nvmlDeviceGetGridLicensableFeatures_v4 => {
                nvml_call!(
                    self.nvml,
                    grid_licensable_features::nvmlDeviceGetGridLicensableFeatures_v4(
                        self.handle,
                        buf
                    )
                )?
            }
            grid_licensable_features::Version::nvmlDeviceGetGridLicensableFeatures_v3 => {
                nvml_call!(
                    self.nvml,
                    grid_licensable_features::nvmlDeviceGetGridLicensableFeatures_v3(
                        self.handle,
                        buf
                    )
                )?
            }
            grid_licensable_features::Version::nvmlDeviceGetGridLicensableFeatures_v2 => {
                nvml_call!(
                    self.nvml,
                    grid_licensable_features::nvmlDeviceGetGridLicensableFeatures_v2(
                        self.handle,
                        buf
                    )
                )?
            }
            _ => nvml_call!(
                self.nvml,
                grid_licensable_features::nvmlDeviceGetGridLicensableFeatures(self.handle, buf)
            )?,
        }
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
        GridLicensableFeatures::from_bytes(&bytes, version.number().max(1))
    }

    /// vGPU metadata of this GPU, for migration checks (`nvmlDeviceGetVgpuMetadata`: the
    /// blob's size is asked for and grown, bounded).
    #[doc(alias = "nvmlDeviceGetVgpuMetadata")]
    pub fn vgpu_metadata(&self) -> Result<PgpuMetadata> {
        let raw = read_blob(size_of::<sys::nvmlVgpuPgpuMetadata_t>(), |buf, size| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetVgpuMetadata(self.handle, buf.cast(), size)
            )
        })?;
        PgpuMetadata::from_bytes(raw)
    }

    /// Properties of this GPU as an ASCII string (`nvmlDeviceGetPgpuMetadataString`: size
    /// query, then the data; bounded).
    #[doc(alias = "nvmlDeviceGetPgpuMetadataString")]
    pub fn pgpu_metadata_string(&self) -> Result<String> {
        let buf = read_list(|size, buf| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetPgpuMetadataString(self.handle, buf, size)
            )
        })?;
        string_from_c_buf(&buf)
    }

    /// What the vGPU scheduler of this GPU can do (`nvmlDeviceGetVgpuSchedulerCapabilities`).
    #[doc(alias = "nvmlDeviceGetVgpuSchedulerCapabilities")]
    pub fn vgpu_scheduler_capabilities(&self) -> Result<VgpuSchedulerCapabilities> {
        let mut raw = sys::nvmlVgpuSchedulerCapabilities_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetVgpuSchedulerCapabilities(self.handle, &mut raw)
        )?;
        VgpuSchedulerCapabilities::try_from(&raw)
    }

    /// State of the vGPU scheduler of one engine (`nvmlDeviceGetVgpuSchedulerState_v2`, or
    /// on older drivers `nvmlDeviceGetVgpuSchedulerState`, which knows only the graphics
    /// engine).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] with MIG on or outside vGPU host mode;
    /// [`NvmlError::MissingSymbol`] for another engine than graphics without `_v2`.
    #[doc(alias = "nvmlDeviceGetVgpuSchedulerState")]
    #[doc(alias = "nvmlDeviceGetVgpuSchedulerState_v2")]
    pub fn vgpu_scheduler_state(&self, engine: VgpuSchedulerEngine) -> Result<VgpuSchedulerState> {
        if self.nvml.as_nvml().versions().vgpu_scheduler_state()
            == vgpu_scheduler_state::Version::nvmlDeviceGetVgpuSchedulerState_v2
        {
            let mut raw = sys::nvmlVgpuSchedulerStateInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            };
            nvml_call!(
                self.nvml,
                vgpu_scheduler_state::nvmlDeviceGetVgpuSchedulerState_v2(self.handle, &mut raw)
            )?;
            return state_from_v2(&raw);
        }
        if engine != VgpuSchedulerEngine::Graphics {
            return Err(NvmlError::MissingSymbol(
                "nvmlDeviceGetVgpuSchedulerState_v2",
            ));
        }
        let mut raw = sys::nvmlVgpuSchedulerGetState_t::default();
        nvml_call!(
            self.nvml,
            vgpu_scheduler_state::nvmlDeviceGetVgpuSchedulerState(self.handle, &mut raw)
        )?;
        legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)
    }

    /// State and recent runlist log of the vGPU scheduler of one engine
    /// (`nvmlDeviceGetVgpuSchedulerLog_v2`, or on older drivers
    /// `nvmlDeviceGetVgpuSchedulerLog`, graphics engine only).
    #[doc(alias = "nvmlDeviceGetVgpuSchedulerLog")]
    #[doc(alias = "nvmlDeviceGetVgpuSchedulerLog_v2")]
    pub fn vgpu_scheduler_log(&self, engine: VgpuSchedulerEngine) -> Result<VgpuSchedulerLog> {
        if self.nvml.as_nvml().versions().vgpu_scheduler_log()
            == vgpu_scheduler_log::Version::nvmlDeviceGetVgpuSchedulerLog_v2
        {
            let mut raw = Box::new(sys::nvmlVgpuSchedulerLogInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            });
            nvml_call!(
                self.nvml,
                vgpu_scheduler_log::nvmlDeviceGetVgpuSchedulerLog_v2(self.handle, &mut *raw)
            )?;
            return log_from_v2(&raw);
        }
        if engine != VgpuSchedulerEngine::Graphics {
            return Err(NvmlError::MissingSymbol("nvmlDeviceGetVgpuSchedulerLog_v2"));
        }
        let mut raw = Box::new(sys::nvmlVgpuSchedulerLog_t::default());
        nvml_call!(
            self.nvml,
            vgpu_scheduler_log::nvmlDeviceGetVgpuSchedulerLog(self.handle, &mut *raw)
        )?;
        VgpuSchedulerLog::from_legacy(&raw)
    }

    /// Sets the vGPU scheduler of one engine (`nvmlDeviceSetVgpuSchedulerState_v2`, or on
    /// older drivers `nvmlDeviceSetVgpuSchedulerState` for the graphics engine, with ARR on
    /// when an ARR parameter is non-zero). Only while no vGPU runs; needs root.
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] while a vGPU runs or with MIG on;
    /// [`NvmlError::ResetRequired`] after a fatal failure.
    #[doc(alias = "nvmlDeviceSetVgpuSchedulerState")]
    #[doc(alias = "nvmlDeviceSetVgpuSchedulerState_v2")]
    pub fn set_vgpu_scheduler_state(&self, settings: &VgpuSchedulerSettings) -> Result<()> {
        if self.nvml.as_nvml().versions().set_vgpu_scheduler_state()
            == set_vgpu_scheduler_state::Version::nvmlDeviceSetVgpuSchedulerState_v2
        {
            let mut raw = settings.to_v2();
            return nvml_call!(
                self.nvml,
                set_vgpu_scheduler_state::nvmlDeviceSetVgpuSchedulerState_v2(self.handle, &mut raw)
            );
        }
        if settings.engine != VgpuSchedulerEngine::Graphics {
            return Err(NvmlError::MissingSymbol(
                "nvmlDeviceSetVgpuSchedulerState_v2",
            ));
        }
        let mut raw = settings.to_legacy_device();
        nvml_call!(
            self.nvml,
            set_vgpu_scheduler_state::nvmlDeviceSetVgpuSchedulerState(self.handle, &mut raw)
        )
    }

    /// Utilisation of each vGPU since `last_seen_timestamp` (µs since 1970; 0 for all the
    /// driver holds) (`nvmlDeviceGetVgpuUtilization`; count, then data, bounded). No samples
    /// since then is an empty `Vec` (NVML's `NOT_FOUND`).
    #[doc(alias = "nvmlDeviceGetVgpuUtilization")]
    pub fn vgpu_utilization(&self, last_seen_timestamp: u64) -> Result<Vec<VgpuUtilizationSample>> {
        let mut value_type: sys::nvmlValueType_t = 0;
        let raw = none_found_is_empty(read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetVgpuUtilization(
                    self.handle,
                    last_seen_timestamp,
                    &mut value_type,
                    count,
                    items
                )
            )
        }))?;
        // Every buffer `read_list` passes is zero-filled, as `Value::from_raw` requires.
        let value = |v: &sys::nvmlValue_t| super::Value::from_raw(value_type, v);
        raw.iter()
            .map(|s| {
                Ok(VgpuUtilizationSample {
                    vgpu_instance: s.vgpuInstance,
                    timestamp: s.timeStamp,
                    sm_util: value(&s.smUtil)?,
                    mem_util: value(&s.memUtil)?,
                    enc_util: value(&s.encUtil)?,
                    dec_util: value(&s.decUtil)?,
                    jpg_util: None,
                    ofa_util: None,
                })
            })
            .collect()
    }

    /// Utilisation of each vGPU since `last_seen_timestamp`, with JPEG and OFA
    /// (`nvmlDeviceGetVgpuInstancesUtilizationInfo` with
    /// `nvmlVgpuInstancesUtilizationInfo_v1`; count, then data, bounded). No samples is an
    /// empty `Vec`.
    #[doc(alias = "nvmlDeviceGetVgpuInstancesUtilizationInfo")]
    pub fn vgpu_instances_utilization(
        &self,
        last_seen_timestamp: u64,
    ) -> Result<Vec<VgpuUtilizationSample>> {
        let mut value_type: sys::nvmlValueType_t = 0;
        let raw = none_found_is_empty(read_list(|count, items| {
            let mut info = sys::nvmlVgpuInstancesUtilizationInfo_t {
                version: sys::nvmlVgpuInstancesUtilizationInfo_v1,
                sampleValType: 0,
                vgpuInstanceCount: *count,
                lastSeenTimeStamp: last_seen_timestamp,
                vgpuUtilArray: items,
            };
            let result = nvml_call!(
                self.nvml,
                nvmlDeviceGetVgpuInstancesUtilizationInfo(self.handle, &mut info)
            );
            *count = info.vgpuInstanceCount;
            value_type = info.sampleValType;
            result
        }))?;
        // Every buffer `read_list` passes is zero-filled, as `Value::from_raw` requires.
        let value = |v: &sys::nvmlValue_t| super::Value::from_raw(value_type, v);
        raw.iter()
            .map(|s| {
                Ok(VgpuUtilizationSample {
                    vgpu_instance: s.vgpuInstance,
                    timestamp: s.timeStamp,
                    sm_util: value(&s.smUtil)?,
                    mem_util: value(&s.memUtil)?,
                    enc_util: value(&s.encUtil)?,
                    dec_util: value(&s.decUtil)?,
                    jpg_util: Some(value(&s.jpgUtil)?),
                    ofa_util: Some(value(&s.ofaUtil)?),
                })
            })
            .collect()
    }

    /// Utilisation of each process in each vGPU's VM since `last_seen_timestamp`
    /// (`nvmlDeviceGetVgpuProcessUtilization`; count, then data, bounded). No samples is an
    /// empty `Vec`.
    #[doc(alias = "nvmlDeviceGetVgpuProcessUtilization")]
    pub fn vgpu_process_utilization(
        &self,
        last_seen_timestamp: u64,
    ) -> Result<Vec<VgpuProcessUtilizationSample>> {
        let raw = none_found_is_empty(read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetVgpuProcessUtilization(self.handle, last_seen_timestamp, count, items)
            )
        }))?;
        raw.iter()
            .map(VgpuProcessUtilizationSample::try_from)
            .collect()
    }

    /// Utilisation of each process in each vGPU's VM since `last_seen_timestamp`, with JPEG
    /// and OFA (`nvmlDeviceGetVgpuProcessesUtilizationInfo` with
    /// `nvmlVgpuProcessesUtilizationInfo_v1`; count, then data, bounded). No samples is an
    /// empty `Vec`.
    #[doc(alias = "nvmlDeviceGetVgpuProcessesUtilizationInfo")]
    pub fn vgpu_processes_utilization(
        &self,
        last_seen_timestamp: u64,
    ) -> Result<Vec<VgpuProcessUtilizationSample>> {
        let raw = none_found_is_empty(read_list(|count, items| {
            let mut info = sys::nvmlVgpuProcessesUtilizationInfo_t {
                version: sys::nvmlVgpuProcessesUtilizationInfo_v1,
                vgpuProcessCount: *count,
                lastSeenTimeStamp: last_seen_timestamp,
                vgpuProcUtilArray: items,
            };
            let result = nvml_call!(
                self.nvml,
                nvmlDeviceGetVgpuProcessesUtilizationInfo(self.handle, &mut info)
            );
            *count = info.vgpuProcessCount;
            result
        }))?;
        raw.iter()
            .map(VgpuProcessUtilizationSample::try_from)
            .collect()
    }
}
