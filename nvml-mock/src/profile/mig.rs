//! MIG instances a profile declares (`mig_instances`), the GPU instance ids a real driver
//! gives them, and the checks a declaration must pass.

use serde::{Deserialize, Serialize};

use super::{GiProfile, GpuSpec, Profile, ProfileError};

/// Memory slices of a MIG-capable GPU (A100, H100, B200: 8).
pub const MEMORY_SLICES: u32 = 8;

/// MIG devices (compute instances) one GPU may have in the mock: 8 (real boards have at
/// most 7, `nvmlDeviceGetMaxMigDeviceCount`).
pub const MAX_MIG_DEVICES: usize = 8;

/// Compute slices of each `NVML_COMPUTE_INSTANCE_PROFILE_*` index (1, 2, 3, 4, 7, 8 and 6
/// slices: `NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE` .. `_6_SLICE`).
pub const CI_PROFILE_SLICES: [u32; 7] = [1, 2, 3, 4, 7, 8, 6];

/// A MIG GPU instance that exists when the library loads (one entry of `mig_instances`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigInstanceSpec {
    /// Name of one of the GPU's `mig_profiles`, e.g. `"3g.40gb"`.
    pub profile: String,
    /// First memory slice (one of the profile's `placements`).
    pub placement: u32,
    /// Its compute instances; absent: one spanning the GPU instance (what
    /// `nvidia-smi mig -cgi P -C` creates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_instances: Option<Vec<MigComputeSpec>>,
}

/// A compute instance inside a declared GPU instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigComputeSpec {
    /// Compute slices (1, 2, 3, 4, 6, 7 or 8, at most the GPU instance's).
    pub slices: u32,
    /// First compute slice inside the GPU instance (a multiple of `slices`).
    pub placement: u32,
}

/// The GPU instance id a real driver gives an instance of `size` memory slices at `start`:
/// its node in the binary tree of the GPU's 8 memory slices, numbered breadth first (the
/// whole GPU 0, its halves 1 and 2, quarters 3 to 6, eighths 7 to 14). So a 7g instance is
/// id 0, a 3g or 4g at slice 4 id 2, a 2g at slice 0 id 3, the 1g instances at slices 0..6
/// ids 7..13 (`nvidia-smi mig -lgi` on A100 and H100: NVIDIA/DCGM issue 138, GPU 0).
/// `None` for a size or start outside that tree.
pub fn gpu_instance_id(start: u32, size: u32) -> Option<u32> {
    if !matches!(size, 1 | 2 | 4 | 8) || !start.is_multiple_of(size) || start + size > MEMORY_SLICES
    {
        return None;
    }
    Some(MEMORY_SLICES / size - 1 + start / size)
}

/// Index into `CI_PROFILE_SLICES` of a compute instance of `slices` compute slices.
pub fn ci_profile_of_slices(slices: u32) -> Option<u32> {
    CI_PROFILE_SLICES
        .iter()
        .position(|s| *s == slices)
        .map(|i| i as u32)
}

/// Valid starts for a compute instance of `size` slices in a GPU instance of `total`.
pub fn ci_placements(total: u32, size: u32) -> Vec<u32> {
    if size == 0 || size > total {
        return Vec::new();
    }
    (0..total)
        .step_by(size as usize)
        .filter(|s| s + size <= total)
        .collect()
}

/// Whether slice ranges `(start, size)` overlap.
pub fn overlaps(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.0.saturating_add(b.1) && b.0 < a.0.saturating_add(a.1)
}

/// The compute instances a declared GPU instance has: its own, or one spanning it.
pub fn compute_instances(x: &MigInstanceSpec, p: &GiProfile) -> Vec<MigComputeSpec> {
    x.compute_instances.clone().unwrap_or_else(|| {
        vec![MigComputeSpec {
            slices: p.compute_slices,
            placement: 0,
        }]
    })
}

/// Every GPU's `mig_instances`: on a MIG-capable GPU with MIG enabled, each names a profile of
/// the GPU, at one of its placements, not overlapping another, within the profile's instance
/// count, with compute instances that fit and do not overlap.
pub(super) fn validate(p: &Profile) -> Result<(), ProfileError> {
    for (i, g) in p.gpus.iter().enumerate() {
        validate_gpu(g).map_err(|m| ProfileError(format!("gpus[{i}].mig_instances{m}")))?;
    }
    Ok(())
}

fn validate_gpu(g: &GpuSpec) -> Result<(), String> {
    if g.mig_instances.is_empty() {
        return Ok(());
    }
    if !g.mig_capable || !g.mig_enabled {
        return Err(": needs \"mig_capable\" and \"mig_enabled\" true".into());
    }
    let mut placed: Vec<(u32, u32)> = Vec::new();
    for (k, x) in g.mig_instances.iter().enumerate() {
        let e = |m: String| format!("[{k}]: {m}");
        let p = g
            .mig_profiles
            .iter()
            .find(|p| p.name == x.profile)
            .ok_or_else(|| {
                let names: Vec<&str> = g.mig_profiles.iter().map(|p| p.name.as_str()).collect();
                e(format!(
                    "\"profile\" {:?} is none of the GPU's mig_profiles ({})",
                    x.profile,
                    names.join(", ")
                ))
            })?;
        if !p.placements.contains(&x.placement) || x.placement + p.slices > MEMORY_SLICES {
            return Err(e(format!(
                "\"placement\" {} is not one of {}'s placements {:?}",
                x.placement, p.name, p.placements
            )));
        }
        if placed.iter().any(|r| overlaps(*r, (x.placement, p.slices))) {
            return Err(e(format!(
                "\"placement\" {}: overlaps another GPU instance",
                x.placement
            )));
        }
        placed.push((x.placement, p.slices));
        let same = g.mig_instances.iter().filter(|y| y.profile == x.profile);
        if same.count() > p.instance_count as usize {
            return Err(e(format!(
                "more {} instances than the profile's instance_count {}",
                p.name, p.instance_count
            )));
        }
        let cis = compute_instances(x, p);
        if cis.is_empty() || cis.len() > MAX_MIG_DEVICES {
            return Err(e("\"compute_instances\": 1 to 8 entries".into()));
        }
        let mut used: Vec<(u32, u32)> = Vec::new();
        for (j, c) in cis.iter().enumerate() {
            let fits = ci_profile_of_slices(c.slices).is_some()
                && ci_placements(p.compute_slices, c.slices).contains(&c.placement);
            if !fits {
                return Err(e(format!(
                    "compute_instances[{j}]: {} slices at {} do not fit a {} instance ({} compute slices)",
                    c.slices, c.placement, p.name, p.compute_slices
                )));
            }
            if used.iter().any(|r| overlaps(*r, (c.placement, c.slices))) {
                return Err(e(format!(
                    "compute_instances[{j}]: overlaps another compute instance"
                )));
            }
            used.push((c.placement, c.slices));
        }
    }
    let devices: usize = g
        .mig_instances
        .iter()
        .filter_map(|x| {
            let p = g.mig_profiles.iter().find(|p| p.name == x.profile)?;
            Some(compute_instances(x, p).len())
        })
        .sum();
    if devices > MAX_MIG_DEVICES {
        return Err(": more than 8 MIG devices (compute instances) on one GPU".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::gpu_instance_id;

    #[test]
    fn gpu_instance_ids_follow_the_slice_tree() {
        assert_eq!(gpu_instance_id(0, 8), Some(0));
        assert_eq!(gpu_instance_id(0, 4), Some(1));
        assert_eq!(gpu_instance_id(4, 4), Some(2));
        assert_eq!(gpu_instance_id(0, 2), Some(3));
        assert_eq!(gpu_instance_id(6, 2), Some(6));
        assert_eq!(gpu_instance_id(0, 1), Some(7));
        assert_eq!(gpu_instance_id(2, 1), Some(9));
        assert_eq!(gpu_instance_id(3, 1), Some(10));
        assert_eq!(gpu_instance_id(6, 1), Some(13));
        assert_eq!(gpu_instance_id(1, 2), None);
        assert_eq!(gpu_instance_id(0, 3), None);
        assert_eq!(gpu_instance_id(8, 1), None);
    }
}
