//! Multi-Instance GPU: modes, GPU/compute instance profiles, placements, instances and MIG
//! device handles. The profile tables are the real H100/A100 ones (`nvidia-smi mig -lgip`).

use std::ffi::c_uint;

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::handles::{
    DeviceRef, MAX_MIG_PER_GPU, ci_handle, ci_ref, device_handle, device_ref, gi_handle, gi_ref,
    mig_device_handle,
};
use crate::machine::{ComputeInstance, Gpu, GpuInstance, new_gi_id};
use crate::marshal::{fill_array, get, put, struct_version};
use crate::profile::{CI_PROFILE_SLICES, GiProfile, ci_placements, overlaps};
use crate::struct_versions;

fn mig_gpu<'a>(c: &'a Ctx<'_>, device: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    let g = c.m.gpu(device)?;
    if !g.spec().mig_capable {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(g)
}

/// A MIG-capable GPU whose MIG mode is on: the versioned profile queries
/// (`nvmlDeviceGetGpuInstanceProfileInfoV`, `...ByIdV`) answer NOT_SUPPORTED "if device doesn't
/// have MIG mode enabled", where the plain query only needs MIG support.
fn mig_on_gpu<'a>(c: &'a Ctx<'_>, device: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    let g = mig_gpu(c, device)?;
    if !g.mig_current {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(g)
}

fn gi_profile_by_index(g: &Gpu, profile: u32) -> Result<&GiProfile, nvmlReturn_t> {
    if profile >= NVML_GPU_INSTANCE_PROFILE_COUNT {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    g.spec()
        .mig_profiles
        .iter()
        .find(|p| p.profile == profile)
        .ok_or(NVML_ERROR_NOT_SUPPORTED)
}

fn gi_profile_by_id(g: &Gpu, id: u32) -> Result<(usize, &GiProfile), nvmlReturn_t> {
    g.spec()
        .mig_profiles
        .iter()
        .enumerate()
        .find(|(_, p)| p.id == id)
        .ok_or(NVML_ERROR_INVALID_ARGUMENT)
}

fn gi_info_v1(p: &GiProfile) -> nvmlGpuInstanceProfileInfo_t {
    nvmlGpuInstanceProfileInfo_t {
        id: p.id,
        isP2pSupported: 0,
        sliceCount: p.compute_slices,
        instanceCount: p.instance_count,
        multiprocessorCount: p.sm_count,
        copyEngineCount: p.copy_engines,
        decoderCount: p.decoders,
        encoderCount: p.encoders,
        jpegCount: p.jpegs,
        ofaCount: p.ofas,
        memorySizeMB: p.memory_mb,
    }
}

/// Writes a v2 or v3 GPU instance profile info, as the caller's `version` asks.
fn put_gi_info_v(
    info: *mut nvmlGpuInstanceProfileInfo_v2_t,
    p: &GiProfile,
) -> Result<(), nvmlReturn_t> {
    let version = get(info.cast::<c_uint>())?;
    let v1 = gi_info_v1(p);
    if version == nvmlGpuInstanceProfileInfo_v2 {
        let mut out = nvmlGpuInstanceProfileInfo_v2_t {
            version,
            id: v1.id,
            isP2pSupported: v1.isP2pSupported,
            sliceCount: v1.sliceCount,
            instanceCount: v1.instanceCount,
            multiprocessorCount: v1.multiprocessorCount,
            copyEngineCount: v1.copyEngineCount,
            decoderCount: v1.decoderCount,
            encoderCount: v1.encoderCount,
            jpegCount: v1.jpegCount,
            ofaCount: v1.ofaCount,
            memorySizeMB: v1.memorySizeMB,
            name: [0; 96],
        };
        fill_array(&mut out.name, &format!("MIG {}", p.name));
        put(info, out)
    } else if version == nvmlGpuInstanceProfileInfo_v3 {
        let mut out = nvmlGpuInstanceProfileInfo_v3_t {
            version,
            id: v1.id,
            sliceCount: v1.sliceCount,
            instanceCount: v1.instanceCount,
            multiprocessorCount: v1.multiprocessorCount,
            copyEngineCount: v1.copyEngineCount,
            decoderCount: v1.decoderCount,
            encoderCount: v1.encoderCount,
            jpegCount: v1.jpegCount,
            ofaCount: v1.ofaCount,
            memorySizeMB: v1.memorySizeMB,
            name: [0; 96],
            capabilities: 0,
        };
        fill_array(&mut out.name, &p.name);
        put(info.cast::<nvmlGpuInstanceProfileInfo_v3_t>(), out)
    } else {
        Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH)
    }
}

/// Placements of profile `p` not overlapping existing GPU instances.
fn free_gi_placements(g: &Gpu, p: &GiProfile) -> Vec<u32> {
    let used = g.gpu_instances.iter().filter(|x| {
        g.spec()
            .mig_profiles
            .get(x.profile_index)
            .is_some_and(|q| q.id == p.id)
    });
    if used.count() as u32 >= p.instance_count {
        return Vec::new();
    }
    p.placements
        .iter()
        .copied()
        .filter(|s| {
            s + p.slices <= 8
                && !g
                    .gpu_instances
                    .iter()
                    .any(|x| overlaps((*s, p.slices), (x.start, x.size)))
        })
        .collect()
}

fn create_gi(
    c: &mut Ctx<'_>,
    device: nvmlDevice_t,
    profile_id: u32,
    start: Option<u32>,
) -> Result<nvmlGpuInstance_t, nvmlReturn_t> {
    c.require_root_or_check(device)?;
    let gpu_index = c.m.gpu_index(device)?;
    let g = c.m.gpu_mut(device)?;
    if !g.spec().mig_capable || !g.mig_current {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    let (pi, p) = gi_profile_by_id(g, profile_id)?;
    let free = free_gi_placements(g, p);
    let start = match start {
        Some(s) if free.contains(&s) => s,
        Some(s) if p.placements.contains(&s) => return Err(NVML_ERROR_INSUFFICIENT_RESOURCES),
        Some(_) => return Err(NVML_ERROR_INVALID_ARGUMENT),
        None => *free.first().ok_or(NVML_ERROR_INSUFFICIENT_RESOURCES)?,
    };
    let size = p.slices;
    let id = new_gi_id(&g.gpu_instances, start, size).ok_or(NVML_ERROR_INSUFFICIENT_RESOURCES)?;
    g.gpu_instances.push(GpuInstance {
        id,
        profile_index: pi,
        start,
        size,
        cis: Vec::new(),
    });
    Ok(gi_handle(gpu_index, id as usize))
}

/// The GPU instance a handle names: (gpu index, GPU instance).
fn gi<'a>(
    c: &'a Ctx<'_>,
    h: nvmlGpuInstance_t,
) -> Result<(usize, &'a Gpu, &'a GpuInstance), nvmlReturn_t> {
    let (gpu, id) = gi_ref(h).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    let g = c.m.gpus.get(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    let x = g
        .gpu_instances
        .iter()
        .find(|x| x.id as usize == id)
        .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    Ok((gpu, g, x))
}

fn gi_mut<'a>(
    c: &'a mut Ctx<'_>,
    h: nvmlGpuInstance_t,
) -> Result<&'a mut GpuInstance, nvmlReturn_t> {
    let (gpu, id) = gi_ref(h).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    let g = c.m.gpus.get_mut(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    g.gpu_instances
        .iter_mut()
        .find(|x| x.id as usize == id)
        .ok_or(NVML_ERROR_INVALID_ARGUMENT)
}

/// Compute slices of a GPU instance.
fn gi_compute_slices(g: &Gpu, x: &GpuInstance) -> u32 {
    g.spec()
        .mig_profiles
        .get(x.profile_index)
        .map_or(0, |p| p.compute_slices)
}

fn ci_profile_slices(profile: u32) -> Result<u32, nvmlReturn_t> {
    if profile >= NVML_COMPUTE_INSTANCE_PROFILE_COUNT {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    CI_PROFILE_SLICES
        .get(profile as usize)
        .copied()
        .ok_or(NVML_ERROR_NOT_SUPPORTED)
}

fn free_ci_placements(x: &GpuInstance, total: u32, size: u32) -> Vec<u32> {
    ci_placements(total, size)
        .into_iter()
        .filter(|s| {
            !x.cis
                .iter()
                .any(|c| overlaps((*s, size), (c.start, c.size)))
        })
        .collect()
}

fn ci_info(
    c: &Ctx<'_>,
    h: nvmlComputeInstance_t,
) -> Result<nvmlComputeInstanceInfo_t, nvmlReturn_t> {
    let (gpu, gid, cid) = ci_ref(h).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    let (_, _, x) = gi(c, gi_handle(gpu, gid))?;
    let ci = x
        .cis
        .iter()
        .find(|k| k.id as usize == cid)
        .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    Ok(nvmlComputeInstanceInfo_t {
        device: device_handle(gpu),
        gpuInstance: gi_handle(gpu, gid),
        id: ci.id,
        profileId: ci.profile,
        placement: nvmlComputeInstancePlacement_t {
            start: ci.start,
            size: ci.size,
        },
    })
}

fn ci_profile_info(
    c: &Ctx<'_>,
    h: nvmlGpuInstance_t,
    profile: u32,
    eng: u32,
) -> Result<nvmlComputeInstanceProfileInfo_t, nvmlReturn_t> {
    let (_, g, x) = gi(c, h)?;
    if eng != 0 {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    let size = ci_profile_slices(profile)?;
    let total = gi_compute_slices(g, x);
    let p = g
        .spec()
        .mig_profiles
        .get(x.profile_index)
        .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    let count = ci_placements(total, size).len() as u32;
    if count == 0 || total == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(nvmlComputeInstanceProfileInfo_t {
        id: profile,
        sliceCount: size,
        instanceCount: count,
        multiprocessorCount: p.sm_count * size / total,
        sharedCopyEngineCount: p.copy_engines,
        sharedDecoderCount: p.decoders,
        sharedEncoderCount: p.encoders,
        sharedJpegCount: p.jpegs,
        sharedOfaCount: p.ofas,
    })
}

fn create_ci(
    c: &mut Ctx<'_>,
    h: nvmlGpuInstance_t,
    profile: u32,
    start: Option<u32>,
) -> Result<nvmlComputeInstance_t, nvmlReturn_t> {
    let (gpu, g, x) = gi(c, h)?;
    let total = gi_compute_slices(g, x);
    let gid = x.id;
    c.require_root()?;
    let size = ci_profile_slices(profile)?;
    let x = gi_mut(c, h)?;
    let all = ci_placements(total, size);
    if all.is_empty() {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    let free = free_ci_placements(x, total, size);
    let start = match start {
        Some(s) if free.contains(&s) => s,
        Some(s) if all.contains(&s) => return Err(NVML_ERROR_INSUFFICIENT_RESOURCES),
        Some(_) => return Err(NVML_ERROR_INVALID_ARGUMENT),
        None => *free.first().ok_or(NVML_ERROR_INSUFFICIENT_RESOURCES)?,
    };
    let id = (0..MAX_MIG_PER_GPU as u32)
        .find(|id| !x.cis.iter().any(|k| k.id == *id))
        .ok_or(NVML_ERROR_INSUFFICIENT_RESOURCES)?;
    x.cis.push(ComputeInstance {
        id,
        profile,
        start,
        size,
    });
    Ok(ci_handle(gpu, gid as usize, id as usize))
}

export! {
    fn nvmlDeviceGetMigMode(device: nvmlDevice_t, currentMode: *mut c_uint, pendingMode: *mut c_uint) |c| {
        let g = mig_gpu(c, device)?;
        if pendingMode.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(currentMode, u32::from(g.mig_current))?;
        put(pendingMode, u32::from(g.mig_pending))
    }
    fn nvmlDeviceSetMigMode(device: nvmlDevice_t, mode: c_uint, activationStatus: *mut nvmlReturn_t) |c| {
        if activationStatus.is_null() || mode > NVML_DEVICE_MIG_ENABLE {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root_or_check(device)?;
        mig_gpu(c, device)?;
        let g = c.m.gpu_mut(device)?;
        if mode == NVML_DEVICE_MIG_DISABLE && !g.gpu_instances.is_empty() {
            return Err(NVML_ERROR_IN_USE);
        }
        // No GPU reset is needed in the simulation: the new mode is active at once.
        g.mig_pending = mode == NVML_DEVICE_MIG_ENABLE;
        g.mig_current = g.mig_pending;
        if g.mig_current {
            // "On MIG-enabled GPUs, accounting mode would be set to DISABLED" (nvml.h).
            g.accounting = false;
        }
        put(activationStatus, NVML_SUCCESS)
    }
    fn nvmlDeviceGetGpuInstanceProfileInfo(device: nvmlDevice_t, profile: c_uint, info: *mut nvmlGpuInstanceProfileInfo_t) |c| {
        let p = gi_profile_by_index(mig_gpu(c, device)?, profile)?;
        put(info, gi_info_v1(p))
    }
    fn nvmlDeviceGetGpuInstanceProfileInfoV(device: nvmlDevice_t, profile: c_uint, info: *mut nvmlGpuInstanceProfileInfo_v2_t) |c| {
        let p = gi_profile_by_index(mig_on_gpu(c, device)?, profile)?;
        struct_version(
            struct_versions::nvmlDeviceGetGpuInstanceProfileInfoV,
            get(info.cast::<c_uint>().cast_const())?,
        )?;
        put_gi_info_v(info, p)
    }
    fn nvmlDeviceGetGpuInstanceProfileInfoByIdV(device: nvmlDevice_t, profileId: c_uint, info: *mut nvmlGpuInstanceProfileInfo_v2_t) |c| {
        let (_, p) = gi_profile_by_id(mig_on_gpu(c, device)?, profileId)?;
        put_gi_info_v(info, p)
    }
    fn nvmlDeviceGetGpuInstancePossiblePlacements_v2(device: nvmlDevice_t, profileId: c_uint, placements: *mut nvmlGpuInstancePlacement_t, count: *mut c_uint) |c| {
        gi_placements(c, device, profileId, placements, count)
    }
    fn nvmlDeviceGetGpuInstancePossiblePlacements(device: nvmlDevice_t, profileId: c_uint, placements: *mut nvmlGpuInstancePlacement_t, count: *mut c_uint) |c| {
        gi_placements(c, device, profileId, placements, count)
    }
    fn nvmlDeviceGetGpuInstanceRemainingCapacity(device: nvmlDevice_t, profileId: c_uint, count: *mut c_uint) |c| {
        let g = mig_gpu(c, device)?;
        if !g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let (pi, p) = gi_profile_by_id(g, profileId)?;
        // Greedy: how many more fit, placing each at the first free spot. Each simulated
        // instance is of this profile, so the profile's instance count bounds the answer.
        let mut sim = g.clone();
        let mut n = 0;
        while let Some(s) = free_gi_placements(&sim, p).first().copied() {
            sim.gpu_instances.push(GpuInstance { id: 99, profile_index: pi, start: s, size: p.slices, cis: Vec::new() });
            n += 1;
            if n > 8 {
                break;
            }
        }
        put(count, n)
    }
    fn nvmlDeviceCreateGpuInstance(device: nvmlDevice_t, profileId: c_uint, gpuInstance: *mut nvmlGpuInstance_t) |c| {
        if gpuInstance.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let h = create_gi(c, device, profileId, None)?;
        put(gpuInstance, h)
    }
    fn nvmlDeviceCreateGpuInstanceWithPlacement(device: nvmlDevice_t, profileId: c_uint, placement: *const nvmlGpuInstancePlacement_t, gpuInstance: *mut nvmlGpuInstance_t) |c| {
        let pl = get(placement)?;
        if gpuInstance.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let g = c.m.gpu(device)?;
        let (_, p) = gi_profile_by_id(g, profileId)?;
        if pl.size != p.slices {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let h = create_gi(c, device, profileId, Some(pl.start))?;
        put(gpuInstance, h)
    }
    fn nvmlGpuInstanceDestroy(gpuInstance: nvmlGpuInstance_t) |c| {
        let (gpu, _, x) = gi(c, gpuInstance)?;
        if !x.cis.is_empty() {
            return Err(NVML_ERROR_IN_USE);
        }
        let id = x.id;
        c.require_root()?;
        if let Some(g) = c.m.gpus.get_mut(gpu) {
            g.gpu_instances.retain(|x| x.id != id);
        }
        Ok(())
    }
    fn nvmlDeviceGetGpuInstances(device: nvmlDevice_t, profileId: c_uint, gpuInstances: *mut nvmlGpuInstance_t, count: *mut c_uint) |c| {
        let gpu_index = c.m.gpu_index(device)?;
        let g = mig_gpu(c, device)?;
        let (pi, p) = gi_profile_by_id(g, profileId)?;
        if count.is_null() || gpuInstances.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let mut list: Vec<&GpuInstance> = g.gpu_instances.iter().filter(|x| x.profile_index == pi).collect();
        list.sort_by_key(|x| x.id);
        // The caller's buffer holds `instanceCount` entries (NVML's contract).
        let n = list.len().min(p.instance_count as usize);
        for (k, x) in list.iter().take(n).enumerate() {
            put(gpuInstances.wrapping_add(k), gi_handle(gpu_index, x.id as usize))?;
        }
        put(count, n as u32)
    }
    fn nvmlDeviceGetGpuInstanceById(device: nvmlDevice_t, id: c_uint, gpuInstance: *mut nvmlGpuInstance_t) |c| {
        let gpu_index = c.m.gpu_index(device)?;
        let g = mig_gpu(c, device)?;
        if !g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if !g.gpu_instances.iter().any(|x| x.id == id) {
            return Err(NVML_ERROR_NOT_FOUND);
        }
        put(gpuInstance, gi_handle(gpu_index, id as usize))
    }
    fn nvmlGpuInstanceGetInfo(gpuInstance: nvmlGpuInstance_t, info: *mut nvmlGpuInstanceInfo_t) |c| {
        let (gpu, g, x) = gi(c, gpuInstance)?;
        let p = g.spec().mig_profiles.get(x.profile_index).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        put(info, nvmlGpuInstanceInfo_t {
            device: device_handle(gpu),
            id: x.id,
            profileId: p.id,
            placement: nvmlGpuInstancePlacement_t { start: x.start, size: x.size },
        })
    }
    fn nvmlGpuInstanceGetComputeInstanceProfileInfo(gpuInstance: nvmlGpuInstance_t, profile: c_uint, engProfile: c_uint, info: *mut nvmlComputeInstanceProfileInfo_t) |c| {
        put(info, ci_profile_info(c, gpuInstance, profile, engProfile)?)
    }
    fn nvmlGpuInstanceGetComputeInstanceProfileInfoV(gpuInstance: nvmlGpuInstance_t, profile: c_uint, engProfile: c_uint, info: *mut nvmlComputeInstanceProfileInfo_v2_t) |c| {
        let p = ci_profile_info(c, gpuInstance, profile, engProfile)?;
        let version = struct_version(
            struct_versions::nvmlGpuInstanceGetComputeInstanceProfileInfoV,
            get(info.cast::<c_uint>())?,
        )?;
        let name = {
            let (_, g, x) = gi(c, gpuInstance)?;
            let gp = g.spec().mig_profiles.get(x.profile_index).map(|q| q.name.clone()).unwrap_or_default();
            if p.sliceCount == gi_compute_slices(g, x) { gp } else { format!("{}c.{gp}", p.sliceCount) }
        };
        if version == nvmlComputeInstanceProfileInfo_v2 {
            let mut out = nvmlComputeInstanceProfileInfo_v2_t {
                version,
                id: p.id,
                sliceCount: p.sliceCount,
                instanceCount: p.instanceCount,
                multiprocessorCount: p.multiprocessorCount,
                sharedCopyEngineCount: p.sharedCopyEngineCount,
                sharedDecoderCount: p.sharedDecoderCount,
                sharedEncoderCount: p.sharedEncoderCount,
                sharedJpegCount: p.sharedJpegCount,
                sharedOfaCount: p.sharedOfaCount,
                name: [0; 96],
            };
            fill_array(&mut out.name, &name);
            put(info, out)
        } else if version == nvmlComputeInstanceProfileInfo_v3 {
            let mut out = nvmlComputeInstanceProfileInfo_v3_t {
                version,
                id: p.id,
                sliceCount: p.sliceCount,
                instanceCount: p.instanceCount,
                multiprocessorCount: p.multiprocessorCount,
                sharedCopyEngineCount: p.sharedCopyEngineCount,
                sharedDecoderCount: p.sharedDecoderCount,
                sharedEncoderCount: p.sharedEncoderCount,
                sharedJpegCount: p.sharedJpegCount,
                sharedOfaCount: p.sharedOfaCount,
                name: [0; 96],
                capabilities: 0,
            };
            fill_array(&mut out.name, &name);
            put(info.cast::<nvmlComputeInstanceProfileInfo_v3_t>(), out)
        } else {
            Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH)
        }
    }
    fn nvmlGpuInstanceGetComputeInstanceRemainingCapacity(gpuInstance: nvmlGpuInstance_t, profileId: c_uint, count: *mut c_uint) |c| {
        let (_, g, x) = gi(c, gpuInstance)?;
        let size = ci_profile_slices(profileId)?;
        let total = gi_compute_slices(g, x);
        let mut sim = x.clone();
        let mut n = 0u32;
        while let Some(s) = free_ci_placements(&sim, total, size).first().copied() {
            sim.cis.push(ComputeInstance { id: 99, profile: profileId, start: s, size });
            n += 1;
            if n > 8 {
                break;
            }
        }
        put(count, n)
    }
    fn nvmlGpuInstanceGetComputeInstancePossiblePlacements(gpuInstance: nvmlGpuInstance_t, profileId: c_uint, placements: *mut nvmlComputeInstancePlacement_t, count: *mut c_uint) |c| {
        let (_, g, x) = gi(c, gpuInstance)?;
        let size = ci_profile_slices(profileId)?;
        let list: Vec<nvmlComputeInstancePlacement_t> = ci_placements(gi_compute_slices(g, x), size)
            .into_iter()
            .map(|start| nvmlComputeInstancePlacement_t { start, size })
            .collect();
        if count.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        if !placements.is_null() {
            for (k, p) in list.iter().enumerate() {
                put(placements.wrapping_add(k), *p)?;
            }
        }
        put(count, list.len() as u32)
    }
    fn nvmlGpuInstanceCreateComputeInstance(gpuInstance: nvmlGpuInstance_t, profileId: c_uint, computeInstance: *mut nvmlComputeInstance_t) |c| {
        if computeInstance.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let h = create_ci(c, gpuInstance, profileId, None)?;
        put(computeInstance, h)
    }
    fn nvmlGpuInstanceCreateComputeInstanceWithPlacement(gpuInstance: nvmlGpuInstance_t, profileId: c_uint, placement: *const nvmlComputeInstancePlacement_t, computeInstance: *mut nvmlComputeInstance_t) |c| {
        let pl = get(placement)?;
        if computeInstance.is_null() || pl.size != ci_profile_slices(profileId)? {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let h = create_ci(c, gpuInstance, profileId, Some(pl.start))?;
        put(computeInstance, h)
    }
    fn nvmlComputeInstanceDestroy(computeInstance: nvmlComputeInstance_t) |c| {
        let info = ci_info(c, computeInstance)?;
        c.require_root()?;
        let x = gi_mut(c, info.gpuInstance)?;
        x.cis.retain(|k| k.id != info.id);
        Ok(())
    }
    fn nvmlGpuInstanceGetComputeInstances(gpuInstance: nvmlGpuInstance_t, profileId: c_uint, computeInstances: *mut nvmlComputeInstance_t, count: *mut c_uint) |c| {
        let (gpu, g, x) = gi(c, gpuInstance)?;
        let size = ci_profile_slices(profileId)?;
        if count.is_null() || computeInstances.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let cap = ci_placements(gi_compute_slices(g, x), size).len();
        let mut ids: Vec<u32> = x.cis.iter().filter(|k| k.profile == profileId).map(|k| k.id).collect();
        ids.sort_unstable();
        ids.truncate(cap);
        for (k, id) in ids.iter().enumerate() {
            put(computeInstances.wrapping_add(k), ci_handle(gpu, x.id as usize, *id as usize))?;
        }
        put(count, ids.len() as u32)
    }
    fn nvmlGpuInstanceGetComputeInstanceById(gpuInstance: nvmlGpuInstance_t, id: c_uint, computeInstance: *mut nvmlComputeInstance_t) |c| {
        let (gpu, _, x) = gi(c, gpuInstance)?;
        if !x.cis.iter().any(|k| k.id == id) {
            return Err(NVML_ERROR_NOT_FOUND);
        }
        put(computeInstance, ci_handle(gpu, x.id as usize, id as usize))
    }
    fn nvmlComputeInstanceGetInfo_v2(computeInstance: nvmlComputeInstance_t, info: *mut nvmlComputeInstanceInfo_t) |c| {
        put(info, ci_info(c, computeInstance)?)
    }
    fn nvmlComputeInstanceGetInfo(computeInstance: nvmlComputeInstance_t, info: *mut nvmlComputeInstanceInfo_t) |c| {
        put(info, ci_info(c, computeInstance)?)
    }
    fn nvmlDeviceGetMaxMigDeviceCount(device: nvmlDevice_t, count: *mut c_uint) |c| {
        let g = c.m.gpu(device)?;
        put(count, if g.spec().mig_capable { 7 } else { 0 })
    }
    fn nvmlDeviceGetMigDeviceHandleByIndex(device: nvmlDevice_t, index: c_uint, migDevice: *mut nvmlDevice_t) |c| {
        let gpu_index = c.m.gpu_index(device)?;
        let g = mig_gpu(c, device)?;
        if !g.mig_current || migDevice.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let (gid, cid) = *c.m.mig_devices(gpu_index).get(index as usize).ok_or(NVML_ERROR_NOT_FOUND)?;
        put(migDevice, mig_device_handle(gpu_index, gid as usize, cid as usize))
    }
    fn nvmlDeviceGetDeviceHandleFromMigDeviceHandle(migDevice: nvmlDevice_t, device: *mut nvmlDevice_t) |c| {
        let gpu = c.m.gpu_index(migDevice)?;
        if !matches!(device_ref(migDevice), Some(DeviceRef::Mig(..))) {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(device, device_handle(gpu))
    }
    fn nvmlDeviceGetGpuInstanceId(device: nvmlDevice_t, id: *mut c_uint) |c| {
        c.m.gpu_index(device)?;
        match device_ref(device) {
            Some(DeviceRef::Mig(_, gid, _)) => put(id, gid as u32),
            _ => Err(NVML_ERROR_NOT_SUPPORTED),
        }
    }
    fn nvmlDeviceGetComputeInstanceId(device: nvmlDevice_t, id: *mut c_uint) |c| {
        c.m.gpu_index(device)?;
        match device_ref(device) {
            Some(DeviceRef::Mig(_, _, cid)) => put(id, cid as u32),
            _ => Err(NVML_ERROR_NOT_SUPPORTED),
        }
    }
}

fn gi_placements(
    c: &Ctx<'_>,
    device: nvmlDevice_t,
    profile_id: u32,
    placements: *mut nvmlGpuInstancePlacement_t,
    count: *mut c_uint,
) -> Result<(), nvmlReturn_t> {
    let g = mig_gpu(c, device)?;
    let (_, p) = gi_profile_by_id(g, profile_id)?;
    if count.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    if !placements.is_null() {
        // The caller's buffer holds every placement of the profile (NVML's contract).
        for (k, s) in p.placements.iter().enumerate() {
            put(
                placements.wrapping_add(k),
                nvmlGpuInstancePlacement_t {
                    start: *s,
                    size: p.slices,
                },
            )?;
        }
    }
    put(count, p.placements.len() as u32)
}
