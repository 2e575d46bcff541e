//! Device commands: the setters. Privileged ones answer `NVML_ERROR_NO_PERMISSION` unless the
//! caller is root (profile `"root": true` or `nvml_mock_set_root`).

use std::ffi::c_uint;

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::machine::Gpu;
use crate::marshal::{get, struct_version};
use crate::struct_versions;

fn target<'a>(c: &'a mut Ctx<'_>, device: nvmlDevice_t) -> Result<&'a mut Gpu, nvmlReturn_t> {
    c.require_root_or_check(device)?;
    c.m.gpu_mut(device)
}

fn set_limit(c: &mut Ctx<'_>, device: nvmlDevice_t, mw: u32) -> Result<(), nvmlReturn_t> {
    let now = c.m.now_ns();
    let g = target(c, device)?;
    if mw < g.spec().power_min_limit_mw || mw > g.spec().power_max_limit_mw {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    g.power_limit_mw = mw;
    g.refresh(now);
    Ok(())
}

/// `nvmlDeviceRemoveGpu`: root only; the GPU at the PCI address (domain, bus, device) must
/// have nothing attached (no process, persistence mode off, no vGPU VM, no MIG instance, no
/// event registration), else `IN_USE`. It then leaves the machine: the GPUs after it move
/// down one index, as NVML renumbers them, until the library is next initialised from a
/// fresh profile.
fn remove_gpu(c: &mut Ctx<'_>, pci: *mut nvmlPciInfo_t) -> Result<(), nvmlReturn_t> {
    let p: nvmlPciInfo_t = get(pci)?;
    c.require_root()?;
    let m = &mut *c.m;
    let i = m
        .gpus
        .iter()
        .position(|g| {
            (g.spec().pci_domain, g.spec().pci_bus, g.spec().pci_device)
                == (p.domain, p.bus, p.device)
        })
        .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    let g = m.gpus.get(i).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    let attached = !g.processes.is_empty()
        || g.persistence
        || !g.gpu_instances.is_empty()
        || m.vgpus.iter().any(|v| v.gpu as usize == i)
        || m.event_sets
            .iter()
            .flatten()
            .any(|s| s.registrations.iter().any(|(gpu, _)| *gpu == i));
    if attached {
        return Err(NVML_ERROR_IN_USE);
    }
    m.gpus.remove(i);
    let shift = |gpu: usize| if gpu > i { gpu - 1 } else { gpu };
    for set in m.event_sets.iter_mut().flatten() {
        for (gpu, _) in &mut set.registrations {
            *gpu = shift(*gpu);
        }
    }
    for v in &mut m.vgpus {
        v.gpu = shift(v.gpu as usize) as u32;
    }
    for unit in &mut m.profile.units {
        unit.gpus.retain(|g| *g as usize != i);
        for g in &mut unit.gpus {
            *g = shift(*g as usize) as u32;
        }
    }
    m.gpm_samples.iter_mut().for_each(|slot| {
        if let Some(taken) = slot {
            match taken {
                Some(t) if t.gpu == i => *taken = None,
                Some(t) => t.gpu = shift(t.gpu),
                None => {}
            }
        }
    });
    Ok(())
}

export! {
    fn nvmlDeviceRemoveGpu_v2(pciInfo: *mut nvmlPciInfo_t, gpuState: nvmlDetachGpuState_t, linkState: nvmlPcieLinkState_t) |c| {
        if gpuState > NVML_DETACH_GPU_REMOVE || linkState > NVML_PCIE_LINK_SHUT_DOWN {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        remove_gpu(c, pciInfo)
    }
    fn nvmlDeviceRemoveGpu(pciInfo: *mut nvmlPciInfo_t) |c| {
        remove_gpu(c, pciInfo)
    }
    fn nvmlDeviceSetPersistenceMode(device: nvmlDevice_t, mode: nvmlEnableState_t) |c| {
        if mode > NVML_FEATURE_ENABLED {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        target(c, device)?.persistence = mode == NVML_FEATURE_ENABLED;
        Ok(())
    }
    fn nvmlDeviceSetComputeMode(device: nvmlDevice_t, mode: nvmlComputeMode_t) |c| {
        if mode >= NVML_COMPUTEMODE_COUNT || mode == NVML_COMPUTEMODE_EXCLUSIVE_THREAD {
            // EXCLUSIVE_THREAD has been unsupported since CUDA 8.
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        target(c, device)?.compute_mode = mode;
        Ok(())
    }
    fn nvmlDeviceSetPowerManagementLimit(device: nvmlDevice_t, limit: c_uint) |c| {
        set_limit(c, device, limit)
    }
    fn nvmlDeviceSetPowerManagementLimit_v2(device: nvmlDevice_t, powerValue: *mut nvmlPowerValue_v2_t) |c| {
        let v: nvmlPowerValue_v2_t = get(powerValue)?;
        struct_version(struct_versions::nvmlDeviceSetPowerManagementLimit_v2, v.version)?;
        set_limit(c, device, v.powerValueMw)
    }
    fn nvmlDeviceSetApplicationsClocks(device: nvmlDevice_t, memClockMHz: c_uint, graphicsClockMHz: c_uint) |c| {
        let now = c.m.now_ns();
        let g = target(c, device)?;
        let ok = g
            .spec()
            .supported_graphics_clocks(memClockMHz)
            .is_some_and(|list| list.contains(&graphicsClockMHz));
        if !ok {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        g.app_clocks = (memClockMHz, graphicsClockMHz);
        g.refresh(now);
        Ok(())
    }
    fn nvmlDeviceResetApplicationsClocks(device: nvmlDevice_t) |c| {
        let now = c.m.now_ns();
        let g = target(c, device)?;
        g.app_clocks = (g.spec().default_app_mem, g.spec().default_app_graphics);
        g.refresh(now);
        Ok(())
    }
    fn nvmlDeviceSetEccMode(device: nvmlDevice_t, ecc: nvmlEnableState_t) |c| {
        if ecc > NVML_FEATURE_ENABLED {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let g = target(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        // Takes effect after the next reboot: only the pending mode changes.
        g.ecc_pending = ecc == NVML_FEATURE_ENABLED;
        Ok(())
    }
    fn nvmlDeviceClearEccErrorCounts(device: nvmlDevice_t, counterType: nvmlEccCounterType_t) |c| {
        let g = target(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        match counterType {
            NVML_VOLATILE_ECC => {
                g.ecc_corrected_volatile = 0;
                g.ecc_uncorrected_volatile = 0;
                Ok(())
            }
            NVML_AGGREGATE_ECC => Ok(()),
            _ => Err(NVML_ERROR_INVALID_ARGUMENT),
        }
    }
}
