//! MIG device handles and device attributes: a whole GPU's, or a MIG device's share of its
//! GPU instance.

use std::ffi::c_uint;

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::handles::{DeviceRef, device_ref};
use crate::marshal::put;

/// Attributes of a whole GPU or of a MIG device (its GPU instance's share).
fn attributes(c: &Ctx<'_>, device: nvmlDevice_t) -> Result<nvmlDeviceAttributes_t, nvmlReturn_t> {
    let gpu = c.m.gpu_index(device)?;
    let g = c.m.gpus.get(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    match device_ref(device) {
        Some(DeviceRef::Mig(_, gid, cid)) => {
            let (gi, p) = g.mig_instance(gid)?;
            let ci = gi
                .cis
                .iter()
                .find(|x| x.id as usize == cid)
                .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
            Ok(nvmlDeviceAttributes_t {
                multiprocessorCount: p.sm_count * ci.size / p.compute_slices.max(1),
                sharedCopyEngineCount: p.copy_engines,
                sharedDecoderCount: p.decoders,
                sharedEncoderCount: p.encoders,
                sharedJpegCount: p.jpegs,
                sharedOfaCount: p.ofas,
                gpuInstanceSliceCount: p.compute_slices,
                computeInstanceSliceCount: ci.size,
                memorySizeMB: p.memory_mb,
            })
        }
        _ => {
            let full = g.spec().mig_profiles.iter().max_by_key(|p| p.slices);
            Ok(nvmlDeviceAttributes_t {
                multiprocessorCount: g.spec().sm_count,
                sharedCopyEngineCount: full.map_or(2, |p| p.copy_engines),
                sharedDecoderCount: full.map_or(2, |p| p.decoders),
                sharedEncoderCount: full.map_or(2, |p| p.encoders),
                sharedJpegCount: full.map_or(1, |p| p.jpegs),
                sharedOfaCount: full.map_or(1, |p| p.ofas),
                gpuInstanceSliceCount: full.map_or(1, |p| p.compute_slices),
                computeInstanceSliceCount: full.map_or(1, |p| p.compute_slices),
                memorySizeMB: g.spec().memory_total / (1024 * 1024),
            })
        }
    }
}

export! {
    fn nvmlDeviceGetAttributes_v2(device: nvmlDevice_t, attributes_: *mut nvmlDeviceAttributes_t) |c| {
        put(attributes_, attributes(c, device)?)
    }
    fn nvmlDeviceGetAttributes(device: nvmlDevice_t, attributes_: *mut nvmlDeviceAttributes_t) |c| {
        put(attributes_, attributes(c, device)?)
    }
    fn nvmlDeviceIsMigDeviceHandle(device: nvmlDevice_t, isMigDevice: *mut c_uint) |c| {
        c.m.gpu_index(device)?;
        put(isMigDevice, u32::from(matches!(device_ref(device), Some(DeviceRef::Mig(..)))))
    }
}
