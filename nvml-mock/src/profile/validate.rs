//! Checks a profile must pass before the mock uses it, and the normalising of values a file
//! may give out of range (clamped, as NVML itself would report them).

use super::{INVALID_ID, MAX_UNITS, Profile, ProfileError, VgpuInstanceSpec};

/// Most GPUs a profile may have.
pub const MAX_GPUS: usize = 32;

/// Brings values into the ranges NVML reports and fills the ids a VM object may leave out.
pub(super) fn normalize(p: &mut Profile) {
    for g in &mut p.gpus {
        g.util_gpu = g.util_gpu.min(100);
        g.util_memory = g.util_memory.min(100);
        g.pcie_gen = g.pcie_gen.clamp(1, 6);
        g.pcie_width = g.pcie_width.clamp(1, 32);
        g.nvlink_count = g.nvlink_count.min(nvml_sys::NVML_NVLINK_MAX_LINKS);
        g.vgpu_placement_slots = g.vgpu_placement_slots.clamp(1, 1024);
        // Aggregate counters include the volatile ones.
        g.ecc_corrected_aggregate = g.ecc_corrected_aggregate.max(g.ecc_corrected_volatile);
        g.ecc_uncorrected_aggregate = g.ecc_uncorrected_aggregate.max(g.ecc_uncorrected_volatile);
    }
    for t in &mut p.vgpu_types {
        t.placement_size = t.placement_size.max(1);
    }
    for (i, v) in p.vgpu_instances.iter_mut().enumerate() {
        let n = i as u32 + 1;
        if v.id == 0 {
            v.id = 3_251_634_188 + n;
        }
        if v.vm_id.is_empty() {
            v.vm_id = format!("8f1c6a2e-4b7d-4e2a-9c1f-2d3e4f5a6b{n:02x}");
        }
        if v.uuid.is_empty() {
            v.uuid = format!("b3f2a6d4-1c9e-4f7a-8e2b-5d6c7a8b9c{n:02x}");
        }
        if v.mdev_uuid.is_empty() {
            v.mdev_uuid = format!("4e8a1f3c-7b2d-4c6e-a9f1-0b2c3d4e5f{n:02x}");
        }
        v.encoder_capacity = v.encoder_capacity.min(100);
        v.sm_util = v.sm_util.min(100);
        v.mem_util = v.mem_util.min(100);
        for vp in &mut v.processes {
            vp.sm_util = vp.sm_util.min(100);
            vp.mem_util = vp.mem_util.min(100);
        }
    }
}

/// Every check; the first failure is the error (naming the key).
pub(super) fn validate(p: &Profile) -> Result<(), ProfileError> {
    validate_system(p)?;
    validate_gpus(p)?;
    super::mig::validate(p)?;
    validate_vgpu(p)?;
    validate_units(p)
}

fn validate_system(p: &Profile) -> Result<(), ProfileError> {
    fits_nvml(
        "driver_version",
        &p.driver_version,
        nvml_sys::NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE,
    )?;
    fits_nvml(
        "nvml_version",
        &p.nvml_version,
        nvml_sys::NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE,
    )?;
    if p.gpus.len() > MAX_GPUS {
        return Err(ProfileError(format!("\"gpus\": at most {MAX_GPUS} GPUs")));
    }
    if p.vgpu_version.0 > p.vgpu_version.1 {
        return Err(ProfileError(
            "\"vgpu_version\": min must be at most max".into(),
        ));
    }
    if let Some(cc) = &p.conf_compute {
        let range = u64::from(nvml_sys::NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MIN)
            ..=u64::from(nvml_sys::NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MAX);
        if !range.contains(&cc.key_rotation_threshold) {
            return Err(ProfileError(
                "confidential_computing.key_rotation_threshold: one of 50..=65".into(),
            ));
        }
    }
    Ok(())
}

/// `Ok` if `text` fits NVML's `buffer_size`-byte buffer with its NUL: a longer value could
/// never be read back through NVML.
fn fits_nvml(key: &str, text: &str, buffer_size: u32) -> Result<(), ProfileError> {
    if text.len() < buffer_size as usize {
        Ok(())
    } else {
        Err(ProfileError(format!(
            "{key:?} is {} bytes; NVML's buffer for it holds at most {} (nvml.h's {buffer_size}-byte size with its NUL)",
            text.len(),
            buffer_size.saturating_sub(1)
        )))
    }
}

fn validate_gpus(p: &Profile) -> Result<(), ProfileError> {
    for (i, g) in p.gpus.iter().enumerate() {
        if g.pstate > 15 {
            return Err(ProfileError(format!("gpus[{i}].pstate: must be 0..=15")));
        }
        if g.processes.iter().any(|x| x.pid == 0) {
            return Err(ProfileError(format!(
                "gpus[{i}].processes: a process needs a non-zero \"pid\""
            )));
        }
        if let Some(x) = g
            .processes
            .iter()
            .find(|x| !["compute", "graphics", "mps"].contains(&x.kind.as_str()))
        {
            return Err(ProfileError(format!(
                "gpus[{i}].processes: process {} \"type\" must be compute, graphics or mps",
                x.pid
            )));
        }
        let used: u64 = g.processes.iter().map(|x| x.used_memory).sum();
        if used.saturating_add(g.memory_reserved) > g.memory_total {
            return Err(ProfileError(format!(
                "gpus[{i}]: processes use more memory than the GPU has"
            )));
        }
        if !g.uuid.starts_with("GPU-")
            || g.uuid.len() >= nvml_sys::NVML_DEVICE_UUID_BUFFER_SIZE as usize
        {
            return Err(ProfileError(format!(
                "gpus[{i}]: uuid must look like GPU-xxxxxxxx-..."
            )));
        }
        if g.power_min_limit_mw > g.power_limit_mw || g.power_limit_mw > g.power_max_limit_mw {
            return Err(ProfileError(format!(
                "gpus[{i}]: power limits must be min <= limit <= max"
            )));
        }
        if g.clock_graphics > g.max_graphics || g.clock_mem > g.max_mem {
            return Err(ProfileError(format!(
                "gpus[{i}]: a current clock is above its maximum"
            )));
        }
        if g.default_app_graphics > g.max_graphics || g.default_app_mem > g.max_mem {
            return Err(ProfileError(format!(
                "gpus[{i}]: default application clocks {}/{} MHz (\"default_app_graphics\", \
                 \"default_app_mem\") are above the maxima {}/{} MHz (\"max_graphics\", \
                 \"max_mem\")",
                g.default_app_graphics, g.default_app_mem, g.max_graphics, g.max_mem
            )));
        }
        if g.pcie_gen > g.pcie_max_gen || g.pcie_width > g.pcie_max_width {
            return Err(ProfileError(format!(
                "gpus[{i}]: PCIe link above its maximum"
            )));
        }
        if g.name.len() >= nvml_sys::NVML_DEVICE_NAME_BUFFER_SIZE as usize {
            return Err(ProfileError(format!("gpus[{i}]: name too long")));
        }
        for (j, h) in p.gpus.iter().enumerate().skip(i + 1) {
            if h.uuid == g.uuid || h.bus_id() == g.bus_id() {
                return Err(ProfileError(format!(
                    "gpus[{i}] and gpus[{j}] share a UUID or PCI bus id"
                )));
            }
        }
    }
    Ok(())
}

/// The vGPU instances must sit on host-vGPU GPUs, with known types that fit: counts within
/// the type's maximum, one type per GPU in homogeneous mode, placements inside the GPU's slots
/// and not overlapping.
fn validate_vgpu(p: &Profile) -> Result<(), ProfileError> {
    for (i, t) in p.vgpu_types.iter().enumerate() {
        if t.id == 0 || t.name.is_empty() || t.max_instances == 0 {
            return Err(ProfileError(format!(
                "vgpu_types[{i}]: a vGPU type needs a non-zero \"id\", a \"name\" and \"max_instances\" >= 1"
            )));
        }
        if t.name.len() >= nvml_sys::NVML_VGPU_NAME_BUFFER_SIZE as usize
            || t.license.len() >= nvml_sys::NVML_GRID_LICENSE_BUFFER_SIZE as usize
        {
            return Err(ProfileError(format!(
                "vgpu_types[{i}]: name or license too long"
            )));
        }
        if p.vgpu_types.iter().skip(i + 1).any(|u| u.id == t.id) {
            return Err(ProfileError(format!(
                "vgpu_types[{i}]: duplicate id {}",
                t.id
            )));
        }
    }
    for (i, v) in p.vgpu_instances.iter().enumerate() {
        let e = |m: &str| ProfileError(format!("vgpu_instances[{i}]: {m}"));
        if v.processes.iter().any(|x| x.pid == 0) {
            return Err(e("a VM process needs a non-zero \"pid\""));
        }
        let g = p
            .gpus
            .get(v.gpu as usize)
            .ok_or_else(|| e("\"gpu\" out of range"))?;
        if g.virtualization_mode != nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU {
            return Err(e("its GPU is not in host_vgpu virtualization mode"));
        }
        let t = p
            .vgpu_types
            .iter()
            .find(|t| t.id == v.type_id)
            .ok_or_else(|| e("unknown \"type_id\""))?;
        if t.gi_profile_id != INVALID_ID {
            return Err(e(
                "MIG-backed vGPU instances are not modeled; use a time-sliced type",
            ));
        }
        if v.fb_usage > t.framebuffer {
            return Err(e("\"fb_usage_mib\" above the type's framebuffer"));
        }
        if v.uuid.len() >= 80 || v.vm_id.len() >= 80 || v.mdev_uuid.len() >= 80 {
            return Err(e("uuid, vm_id or mdev_uuid too long"));
        }
        let end = v.placement_id.saturating_add(t.placement_size);
        if v.placement_id % t.placement_size != 0 || end > g.vgpu_placement_slots {
            return Err(e(
                "\"placement_id\" must be a multiple of the type's placement size inside the GPU's slots",
            ));
        }
        let same_gpu: Vec<&VgpuInstanceSpec> =
            p.vgpu_instances.iter().filter(|w| w.gpu == v.gpu).collect();
        if same_gpu.iter().filter(|w| w.type_id == v.type_id).count() > t.max_instances as usize {
            return Err(e(
                "more instances of its type than the type's \"max_instances\"",
            ));
        }
        if !g.vgpu_heterogeneous && same_gpu.iter().any(|w| w.type_id != v.type_id) {
            return Err(e("a GPU in homogeneous vGPU mode runs one vGPU type only"));
        }
        for (j, w) in p.vgpu_instances.iter().enumerate().skip(i + 1) {
            if w.id == v.id {
                return Err(e(&format!("same id as vgpu_instances[{j}]")));
            }
            let ws = p
                .vgpu_types
                .iter()
                .find(|t| t.id == w.type_id)
                .map_or(1, |t| t.placement_size);
            if w.gpu == v.gpu && w.placement_id < end && v.placement_id < w.placement_id + ws {
                return Err(e(&format!("placement overlaps vgpu_instances[{j}]")));
            }
        }
    }
    Ok(())
}

fn validate_units(p: &Profile) -> Result<(), ProfileError> {
    if p.units.len() > MAX_UNITS {
        return Err(ProfileError(format!(
            "\"units\": at most {MAX_UNITS} units"
        )));
    }
    let mut seen = Vec::new();
    for (i, u) in p.units.iter().enumerate() {
        if u.fans.len() > 24 {
            return Err(ProfileError(format!("units[{i}].fans: at most 24 fans")));
        }
        for (what, s, max) in [
            ("name", &u.name, 96),
            ("id", &u.id, 96),
            ("serial", &u.serial, 96),
            ("firmware_version", &u.firmware_version, 96),
            ("led_cause", &u.led_cause, 256),
            ("psu state", &u.psu_state, 256),
        ] {
            if s.len() >= max {
                return Err(ProfileError(format!("units[{i}]: {what} too long")));
            }
        }
        for &g in &u.gpus {
            if g as usize >= p.gpus.len() {
                return Err(ProfileError(format!("units[{i}]: no GPU {g}")));
            }
            if seen.contains(&g) {
                return Err(ProfileError(format!(
                    "units[{i}]: GPU {g} is already in a unit"
                )));
            }
            seen.push(g);
        }
    }
    Ok(())
}
