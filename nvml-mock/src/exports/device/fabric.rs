//! The NVSwitch fabric a GPU is registered in: cluster UUID, clique, state and health.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::machine::Gpu;
use crate::marshal::{get, put, struct_version};
use crate::struct_versions;
use crate::support::Feature;

/// GPUs with an NVSwitch fabric (with NvLink, where the model has fabric info) report it as
/// trained, with the profile's cluster UUID and clique id.
fn fabric(g: &Gpu) -> Result<([u8; 16], u32), nvmlReturn_t> {
    g.support.check(Feature::FabricInfo)?;
    if g.spec().nvlink_count == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok((g.spec().fabric_cluster_uuid, g.spec().fabric_clique_id))
}

/// Fabric health (`healthMask`, `healthSummary`): the profile's; without one (Hopper: every
/// field and the summary "N/A" in `nvidia-smi -q` on a real HGX H100) none reported.
fn fabric_health(g: &Gpu) -> (u32, u8) {
    g.spec().fabric_health.as_ref().map_or(
        (0, NVML_GPU_FABRIC_HEALTH_SUMMARY_NOT_SUPPORTED as u8),
        |h| (h.mask(), h.summary as u8),
    )
}

export! {
    fn nvmlDeviceGetGpuFabricInfo(device: nvmlDevice_t, gpuFabricInfo: *mut nvmlGpuFabricInfo_t) |c| {
        let (uuid, clique) = fabric(phys(c, device)?)?;
        put(gpuFabricInfo, nvmlGpuFabricInfo_t {
            clusterUuid: uuid,
            status: NVML_SUCCESS,
            cliqueId: clique,
            state: NVML_GPU_FABRIC_STATE_COMPLETED as nvmlGpuFabricState_t,
        })
    }
    fn nvmlDeviceGetGpuFabricInfoV(device: nvmlDevice_t, gpuFabricInfo: *mut nvmlGpuFabricInfoV_t) |c| {
        let (uuid, clique) = fabric(phys(c, device)?)?;
        let mut v: nvmlGpuFabricInfoV_t = get(gpuFabricInfo)?;
        struct_version(struct_versions::nvmlDeviceGetGpuFabricInfoV, v.version)?;
        v.clusterUuid = uuid;
        v.status = NVML_SUCCESS;
        v.cliqueId = clique;
        v.state = NVML_GPU_FABRIC_STATE_COMPLETED as nvmlGpuFabricState_t;
        (v.healthMask, v.healthSummary) = fabric_health(phys(c, device)?);
        if v.version == nvmlGpuFabricInfo_v2 {
            // v2 ends at healthMask: write only the fields it has, each at its offset.
            let base = gpuFabricInfo.cast::<u8>();
            let at = |off: usize| base.wrapping_add(off);
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, clusterUuid)).cast::<[u8; 16]>(), v.clusterUuid)?;
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, status)).cast::<nvmlReturn_t>(), v.status)?;
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, cliqueId)).cast::<c_uint>(), v.cliqueId)?;
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, state)).cast::<nvmlGpuFabricState_t>(), v.state)?;
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, healthMask)).cast::<c_uint>(), v.healthMask)?;
            return Ok(());
        }
        put(gpuFabricInfo, v)
    }
    fn nvmlDeviceGetGpuFabricInfo_v4(device: nvmlDevice_t, gpuFabricInfo: *mut nvmlGpuFabricInfo_v4_t) |c| {
        let (uuid, clique) = fabric(phys(c, device)?)?;
        if gpuFabricInfo.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // SAFETY: plain data; all zeros is a valid value of every field.
        let mut v: nvmlGpuFabricInfo_v4_t = unsafe { std::mem::zeroed() };
        v.clusterUuid = uuid;
        v.status = NVML_SUCCESS;
        // Hopper reports its unicast and multicast pointer cliques (nvml.h), sorted by type.
        for (slot, kind) in v.cliques.iter_mut().zip([
            NVML_GPU_FABRIC_CLIQUE_TYPE_UNICAST_POINTER,
            NVML_GPU_FABRIC_CLIQUE_TYPE_MULTICAST_POINTER,
        ]) {
            *slot = nvmlGpuFabricClique_v1_t { type_: kind as u8, id: clique };
        }
        v.numCliques = 2;
        v.state = NVML_GPU_FABRIC_STATE_COMPLETED as nvmlGpuFabricState_t;
        (v.healthMask, v.healthSummary) = fabric_health(phys(c, device)?);
        put(gpuFabricInfo, v)
    }
}
