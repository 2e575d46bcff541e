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

/// The range a key's value must lie in: what a real driver can report (FORMAT.md's "Ranges"
/// table is written from these tables). Values are in the file's units.
pub struct Bound<T: 'static> {
    /// The key, as the file names it.
    pub key: &'static str,
    /// Smallest allowed value.
    pub min: i128,
    /// Largest allowed value.
    pub max: i128,
    /// What the range stands for.
    pub why: &'static str,
    /// The key's values in an object (one for a number, each item for an array).
    pub values: fn(&T) -> Vec<i128>,
}

const MIB: u64 = 1024 * 1024;
/// Most memory of one kind a GPU may have, MiB (16 TiB; the largest GPU has 288 GB).
pub(super) const MAX_MIB: i128 = 1 << 24;
/// Highest clock, MHz (the fastest memory clocks are about 16,000 MHz).
const MAX_MHZ: i128 = 50_000;
/// Highest power, mW (10 kW; a whole Grace Blackwell module draws under 3 kW).
const MAX_MW: i128 = 10_000_000;
/// Highest temperature a sensor or threshold reports, °C.
const MAX_C: i128 = 150;

fn n(v: impl Into<i128>) -> Vec<i128> {
    vec![v.into()]
}

fn mib(bytes: u64) -> Vec<i128> {
    n(bytes / MIB)
}

/// Top-level keys.
pub const SYSTEM_BOUNDS: &[Bound<Profile>] = &[
    Bound {
        key: "cuda_driver_version",
        min: 1000,
        max: 99_990,
        why: "CUDA 1.0 to 99.99 (major * 1000 + minor * 10)",
        values: |p| n(p.cuda_driver_version),
    },
    Bound {
        key: "cpu_count",
        min: 1,
        max: 65_536,
        why: "logical CPUs",
        values: |p| n(p.cpu_count),
    },
];

/// Keys of a GPU object.
pub const GPU_BOUNDS: &[Bound<super::GpuSpec>] = &[
    Bound {
        key: "cuda_cc[0]",
        min: 1,
        max: 99,
        why: "compute capability, major",
        values: |g| n(g.cuda_cc.0),
    },
    Bound {
        key: "cuda_cc[1]",
        min: 0,
        max: 9,
        why: "compute capability, minor",
        values: |g| n(g.cuda_cc.1),
    },
    Bound {
        key: "minor_number",
        min: 0,
        max: 254,
        why: "`/dev/nvidia0` .. `/dev/nvidia254`",
        values: |g| n(g.minor_number),
    },
    Bound {
        key: "pci_bus",
        min: 0,
        max: 255,
        why: "a PCI bus number",
        values: |g| n(g.pci_bus),
    },
    Bound {
        key: "pci_device",
        min: 0,
        max: 31,
        why: "a PCI device number",
        values: |g| n(g.pci_device),
    },
    Bound {
        key: "numa_node",
        min: -1,
        max: 1023,
        why: "a NUMA node, -1 for none",
        values: |g| n(g.numa_node),
    },
    Bound {
        key: "memory_total_mib",
        min: 1,
        max: MAX_MIB,
        why: "framebuffer, up to 16 TiB",
        values: |g| mib(g.memory_total),
    },
    Bound {
        key: "memory_reserved_mib",
        min: 0,
        max: MAX_MIB,
        why: "up to 16 TiB",
        values: |g| mib(g.memory_reserved),
    },
    Bound {
        key: "memory_overhead_mib",
        min: 0,
        max: MAX_MIB,
        why: "up to 16 TiB",
        values: |g| mib(g.memory_overhead),
    },
    Bound {
        key: "bar1_total_mib",
        min: 0,
        max: MAX_MIB,
        why: "up to 16 TiB",
        values: |g| mib(g.bar1_total),
    },
    Bound {
        key: "bar1_used_mib",
        min: 0,
        max: MAX_MIB,
        why: "up to 16 TiB",
        values: |g| mib(g.bar1_used),
    },
    Bound {
        key: "utilization_encoder",
        min: 0,
        max: 100,
        why: "percent",
        values: |g| n(g.util_encoder),
    },
    Bound {
        key: "utilization_decoder",
        min: 0,
        max: 100,
        why: "percent",
        values: |g| n(g.util_decoder),
    },
    Bound {
        key: "temperature",
        min: 0,
        max: MAX_C,
        why: "°C",
        values: |g| n(g.temperature),
    },
    Bound {
        key: "memory_temperature",
        min: 0,
        max: MAX_C,
        why: "°C",
        values: |g| n(g.memory_temperature),
    },
    Bound {
        key: "temp_shutdown",
        min: 0,
        max: MAX_C,
        why: "°C, 0 for none",
        values: |g| n(g.temp_shutdown),
    },
    Bound {
        key: "temp_slowdown",
        min: 0,
        max: MAX_C,
        why: "°C, 0 for none",
        values: |g| n(g.temp_slowdown),
    },
    Bound {
        key: "temp_mem_max",
        min: 0,
        max: MAX_C,
        why: "°C, 0 for none",
        values: |g| n(g.temp_mem_max),
    },
    Bound {
        key: "temp_gpu_max",
        min: 0,
        max: MAX_C,
        why: "°C, 0 for none",
        values: |g| n(g.temp_gpu_max),
    },
    Bound {
        key: "tlimit_margins",
        min: -MAX_C,
        max: MAX_C,
        why: "°C relative to T.Limit",
        values: |g| {
            g.tlimit_margins
                .iter()
                .flatten()
                .map(|&v| v.into())
                .collect()
        },
    },
    Bound {
        key: "fan_speeds",
        min: 0,
        max: 100,
        why: "percent, at most 32 fans",
        values: |g| g.fans.iter().map(|&v| v.into()).collect(),
    },
    Bound {
        key: "power_usage_mw",
        min: 0,
        max: MAX_MW,
        why: "up to 10 kW",
        values: |g| n(g.power_usage_mw),
    },
    Bound {
        key: "power_limit_mw",
        min: 0,
        max: MAX_MW,
        why: "up to 10 kW",
        values: |g| n(g.power_limit_mw),
    },
    Bound {
        key: "power_default_limit_mw",
        min: 0,
        max: MAX_MW,
        why: "up to 10 kW",
        values: |g| n(g.power_default_limit_mw),
    },
    Bound {
        key: "power_min_limit_mw",
        min: 0,
        max: MAX_MW,
        why: "up to 10 kW",
        values: |g| n(g.power_min_limit_mw),
    },
    Bound {
        key: "power_max_limit_mw",
        min: 0,
        max: MAX_MW,
        why: "up to 10 kW",
        values: |g| n(g.power_max_limit_mw),
    },
    Bound {
        key: "memory_power_mw",
        min: 0,
        max: MAX_MW,
        why: "up to 10 kW",
        values: |g| n(g.memory_power_mw),
    },
    Bound {
        key: "energy_base_mj",
        min: 0,
        max: 1_000_000_000_000_000,
        why: "mJ: over 30 years at 1 kW",
        values: |g| n(g.energy_base_mj),
    },
    Bound {
        key: "clock_graphics",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.clock_graphics),
    },
    Bound {
        key: "clock_sm",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.clock_sm),
    },
    Bound {
        key: "clock_memory_mhz",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.clock_mem),
    },
    Bound {
        key: "clock_video",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.clock_video),
    },
    Bound {
        key: "max_graphics",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.max_graphics),
    },
    Bound {
        key: "max_sm",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.max_sm),
    },
    Bound {
        key: "max_mem",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.max_mem),
    },
    Bound {
        key: "max_video",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.max_video),
    },
    Bound {
        key: "default_app_graphics",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.default_app_graphics),
    },
    Bound {
        key: "default_app_mem",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.default_app_mem),
    },
    Bound {
        key: "min_graphics",
        min: 0,
        max: MAX_MHZ,
        why: "MHz",
        values: |g| n(g.min_graphics),
    },
    Bound {
        key: "low_mem_clocks",
        min: 0,
        max: MAX_MHZ,
        why: "MHz (each clock and its `max_graphics`), at most 32 clocks",
        values: |g| {
            (g.low_mem_clocks.iter())
                .flat_map(|c| [Some(c.mhz), c.max_graphics])
                .flatten()
                .map(i128::from)
                .collect()
        },
    },
    Bound {
        key: "graphics_step",
        min: 0,
        max: 1000,
        why: "MHz",
        values: |g| n(g.graphics_step_khz / 1000),
    },
    Bound {
        key: "pstate",
        min: 0,
        max: 15,
        why: "P0 .. P15",
        values: |g| n(g.pstate),
    },
    Bound {
        key: "ecc_corrected_volatile",
        min: 0,
        max: u32::MAX as i128,
        why: "errors",
        values: |g| n(g.ecc_corrected_volatile),
    },
    Bound {
        key: "ecc_uncorrected_volatile",
        min: 0,
        max: u32::MAX as i128,
        why: "errors",
        values: |g| n(g.ecc_uncorrected_volatile),
    },
    Bound {
        key: "ecc_corrected_aggregate",
        min: 0,
        max: u32::MAX as i128,
        why: "errors",
        values: |g| n(g.ecc_corrected_aggregate),
    },
    Bound {
        key: "ecc_uncorrected_aggregate",
        min: 0,
        max: u32::MAX as i128,
        why: "errors",
        values: |g| n(g.ecc_uncorrected_aggregate),
    },
    Bound {
        key: "remapped_rows_correctable",
        min: 0,
        max: 65_535,
        why: "rows",
        values: |g| n(g.remapped_rows_correctable),
    },
    Bound {
        key: "remapped_rows_uncorrectable",
        min: 0,
        max: 65_535,
        why: "rows",
        values: |g| n(g.remapped_rows_uncorrectable),
    },
    Bound {
        key: "pcie_max_gen",
        min: 1,
        max: 6,
        why: "PCIe generation",
        values: |g| n(g.pcie_max_gen),
    },
    Bound {
        key: "pcie_max_width",
        min: 1,
        max: 32,
        why: "lanes",
        values: |g| n(g.pcie_max_width),
    },
    Bound {
        key: "pcie_max_device_gen",
        min: 0,
        max: 6,
        why: "PCIe generation, 0 for the link's",
        values: |g| n(g.pcie_max_device_gen),
    },
    Bound {
        key: "pcie_tx_kbps",
        min: 0,
        max: 256_000_000,
        why: "KB/s (a gen-6 x32 link)",
        values: |g| n(g.pcie_tx_kbps),
    },
    Bound {
        key: "pcie_rx_kbps",
        min: 0,
        max: 256_000_000,
        why: "KB/s (a gen-6 x32 link)",
        values: |g| n(g.pcie_rx_kbps),
    },
    Bound {
        key: "nvlink_speed_mbps",
        min: 0,
        max: 10_000_000,
        why: "per link",
        values: |g| n(g.nvlink_speed_mbps),
    },
    Bound {
        key: "sm_count",
        min: 0,
        max: 4096,
        why: "multiprocessors",
        values: |g| n(g.sm_count),
    },
    Bound {
        key: "nvenc_count",
        min: 0,
        max: 64,
        why: "encoders",
        values: |g| n(g.nvenc_count),
    },
    Bound {
        key: "cuda_cores",
        min: 0,
        max: 1_000_000,
        why: "cores",
        values: |g| n(g.cuda_cores),
    },
    Bound {
        key: "memory_bus_width",
        min: 0,
        max: 65_536,
        why: "bits",
        values: |g| n(g.memory_bus_width),
    },
    Bound {
        key: "row_remapper_banks",
        min: 0,
        max: 65_536,
        why: "banks",
        values: |g| n(g.row_remapper_banks),
    },
    Bound {
        key: "retired_pages_sbe",
        min: 0,
        max: 4096,
        why: "how many pages (the InfoROM holds a few hundred)",
        values: |g| n(g.retired_pages_sbe.len() as u64),
    },
    Bound {
        key: "retired_pages_dbe",
        min: 0,
        max: 4096,
        why: "how many pages (the InfoROM holds a few hundred)",
        values: |g| n(g.retired_pages_dbe.len() as u64),
    },
    Bound {
        key: "processes",
        min: 0,
        max: 4096,
        why: "how many processes",
        values: |g| n(g.processes.len() as u64),
    },
    Bound {
        key: "processes[].pid",
        min: 1,
        max: 4_194_304,
        why: "Linux's largest pid_max",
        values: |g| g.processes.iter().map(|x| x.pid.into()).collect(),
    },
];

/// Keys of a MIG profile object (`mig_profiles`).
pub const MIG_PROFILE_BOUNDS: &[Bound<super::GiProfile>] = &[
    Bound {
        key: "slices",
        min: 1,
        max: 8,
        why: "memory slices of 8",
        values: |m| n(m.slices),
    },
    Bound {
        key: "compute_slices",
        min: 1,
        max: 8,
        why: "compute slices",
        values: |m| n(m.compute_slices),
    },
    Bound {
        key: "instance_count",
        min: 1,
        max: 8,
        why: "instances",
        values: |m| n(m.instance_count),
    },
    Bound {
        key: "sm_count",
        min: 0,
        max: 4096,
        why: "multiprocessors",
        values: |m| n(m.sm_count),
    },
    Bound {
        key: "memory_mb",
        min: 0,
        max: MAX_MIB,
        why: "MiB, up to 16 TiB",
        values: |m| n(m.memory_mb),
    },
    Bound {
        key: "copy_engines",
        min: 0,
        max: 64,
        why: "engines",
        values: |m| n(m.copy_engines),
    },
    Bound {
        key: "decoders",
        min: 0,
        max: 64,
        why: "engines",
        values: |m| n(m.decoders),
    },
    Bound {
        key: "encoders",
        min: 0,
        max: 64,
        why: "engines",
        values: |m| n(m.encoders),
    },
    Bound {
        key: "jpegs",
        min: 0,
        max: 64,
        why: "engines",
        values: |m| n(m.jpegs),
    },
    Bound {
        key: "ofas",
        min: 0,
        max: 64,
        why: "engines",
        values: |m| n(m.ofas),
    },
    Bound {
        key: "placements",
        min: 0,
        max: 7,
        why: "start slices, at most 8",
        values: |m| m.placements.iter().map(|&v| v.into()).collect(),
    },
];

/// Keys of a vGPU type object (`vgpu_types`).
pub const VGPU_TYPE_BOUNDS: &[Bound<super::VgpuType>] = &[
    Bound {
        key: "framebuffer_mib",
        min: 0,
        max: MAX_MIB,
        why: "up to 16 TiB",
        values: |t| mib(t.framebuffer),
    },
    Bound {
        key: "max_instances",
        min: 1,
        max: 1024,
        why: "instances",
        values: |t| n(t.max_instances),
    },
    Bound {
        key: "max_instances_per_vm",
        min: 0,
        max: 1024,
        why: "instances",
        values: |t| n(t.max_per_vm),
    },
    Bound {
        key: "frame_rate_limit",
        min: 0,
        max: 1000,
        why: "frames per second, 0 for off",
        values: |t| n(t.frame_rate_limit),
    },
    Bound {
        key: "display_heads",
        min: 0,
        max: 16,
        why: "heads",
        values: |t| n(t.display_heads),
    },
    Bound {
        key: "bar1_mib",
        min: 0,
        max: MAX_MIB,
        why: "up to 16 TiB",
        values: |t| n(t.bar1_mib),
    },
    Bound {
        key: "fb_reservation_mib",
        min: 0,
        max: MAX_MIB,
        why: "up to 16 TiB",
        values: |t| mib(t.fb_reservation),
    },
    Bound {
        key: "gsp_heap_mib",
        min: 0,
        max: MAX_MIB,
        why: "up to 16 TiB",
        values: |t| mib(t.gsp_heap),
    },
    Bound {
        key: "placement_size",
        min: 1,
        max: 1024,
        why: "slots",
        values: |t| n(t.placement_size),
    },
];

/// Keys of an excluded GPU object (`excluded_gpus`).
pub const EXCLUDED_GPU_BOUNDS: &[Bound<super::ExcludedGpu>] = &[
    Bound {
        key: "pci_bus",
        min: 0,
        max: 255,
        why: "a PCI bus number",
        values: |g| n(g.pci_bus),
    },
    Bound {
        key: "pci_device",
        min: 0,
        max: 31,
        why: "a PCI device number",
        values: |g| n(g.pci_device),
    },
];

/// Keys of an S-class unit object (`units`).
pub const UNIT_BOUNDS: &[Bound<super::UnitSpec>] = &[
    Bound {
        key: "psu.current_a",
        min: 0,
        max: 10_000,
        why: "amperes",
        values: |u| n(u.psu_current_ca / 100),
    },
    Bound {
        key: "psu.voltage_v",
        min: 0,
        max: 1000,
        why: "volts",
        values: |u| n(u.psu_voltage_cv / 100),
    },
    Bound {
        key: "psu.power_w",
        min: 0,
        max: 100_000,
        why: "watts",
        values: |u| n(u.psu_power_w),
    },
    Bound {
        key: "temperatures",
        min: 0,
        max: MAX_C,
        why: "°C",
        values: |u| u.temperatures.iter().flatten().map(|&v| v.into()).collect(),
    },
    Bound {
        key: "fans[].rpm",
        min: 0,
        max: 100_000,
        why: "RPM",
        values: |u| u.fans.iter().map(|&(rpm, _)| rpm.into()).collect(),
    },
];

/// FORMAT.md's "Ranges" table: every key with a range, by the object it sits in.
pub fn ranges_markdown() -> String {
    fn rows<T>(out: &mut String, object: &str, bounds: &[Bound<T>]) {
        for b in bounds {
            out.push_str(&format!(
                "| {object} | `{}` | {}..={} | {} |\n",
                b.key,
                thousands(b.min),
                thousands(b.max),
                b.why
            ));
        }
    }
    let mut out = String::from("| object | key | range | what |\n|---|---|---|---|\n");
    rows(&mut out, "top level", SYSTEM_BOUNDS);
    rows(&mut out, "GPU", GPU_BOUNDS);
    rows(&mut out, "MIG profile", MIG_PROFILE_BOUNDS);
    rows(&mut out, "vGPU type", VGPU_TYPE_BOUNDS);
    rows(&mut out, "S-class unit", UNIT_BOUNDS);
    rows(&mut out, "excluded GPU", EXCLUDED_GPU_BOUNDS);
    out
}

/// `n` with thousands separators (`-1`, `16,777,216`).
fn thousands(n: i128) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `Ok` when every value of `object` lies in its range; else the error names the object's
/// place, the key, the value and the range.
fn check_bounds<T>(place: &str, object: &T, bounds: &[Bound<T>]) -> Result<(), ProfileError> {
    for b in bounds {
        if let Some(v) = (b.values)(object)
            .into_iter()
            .find(|v| !(b.min..=b.max).contains(v))
        {
            let place = if place.is_empty() {
                String::new()
            } else {
                format!("{place}: ")
            };
            return Err(ProfileError(format!(
                "{place}{:?} is {v}; it must be {}..={} ({})",
                b.key, b.min, b.max, b.why
            )));
        }
    }
    Ok(())
}

/// Every key's range.
fn validate_bounds(p: &Profile) -> Result<(), ProfileError> {
    check_bounds("", p, SYSTEM_BOUNDS)?;
    for (i, g) in p.gpus.iter().enumerate() {
        check_bounds(&format!("gpus[{i}]"), g, GPU_BOUNDS)?;
        if g.fans.len() > 32 || g.low_mem_clocks.len() > 32 {
            return Err(ProfileError(format!(
                "gpus[{i}]: at most 32 \"fan_speeds\" and 32 \"low_mem_clocks\""
            )));
        }
        if g.mig_profiles.len() > 32 {
            return Err(ProfileError(format!(
                "gpus[{i}]: at most 32 \"mig_profiles\""
            )));
        }
        for (j, m) in g.mig_profiles.iter().enumerate() {
            check_bounds(
                &format!("gpus[{i}].mig_profiles[{j}]"),
                m,
                MIG_PROFILE_BOUNDS,
            )?;
            if m.placements.len() > 8 {
                return Err(ProfileError(format!(
                    "gpus[{i}].mig_profiles[{j}]: at most 8 \"placements\""
                )));
            }
        }
    }
    for (i, t) in p.vgpu_types.iter().enumerate() {
        check_bounds(&format!("vgpu_types[{i}]"), t, VGPU_TYPE_BOUNDS)?;
    }
    for (i, u) in p.units.iter().enumerate() {
        check_bounds(&format!("units[{i}]"), u, UNIT_BOUNDS)?;
    }
    for (i, x) in p.excluded_gpus.iter().enumerate() {
        check_bounds(&format!("excluded_gpus[{i}]"), x, EXCLUDED_GPU_BOUNDS)?;
    }
    Ok(())
}

/// Every check; the first failure is the error (naming the key).
pub(super) fn validate(p: &Profile) -> Result<(), ProfileError> {
    validate_bounds(p)?;
    validate_system(p)?;
    validate_gpus(p)?;
    super::mig::validate(p)?;
    validate_vgpu(p)?;
    validate_units(p)?;
    validate_excluded_gpus(p)
}

/// Excluded GPUs: at most [`MAX_GPUS`], each UUID shaped as a GPU's, and no UUID or PCI bus id
/// shared with another excluded GPU or with one of NVML's GPUs.
fn validate_excluded_gpus(p: &Profile) -> Result<(), ProfileError> {
    if p.excluded_gpus.len() > MAX_GPUS {
        return Err(ProfileError(format!(
            "\"excluded_gpus\": at most {MAX_GPUS} GPUs"
        )));
    }
    for (i, x) in p.excluded_gpus.iter().enumerate() {
        if !x.uuid.starts_with("GPU-")
            || x.uuid.len() >= nvml_sys::NVML_DEVICE_UUID_BUFFER_SIZE as usize
        {
            return Err(ProfileError(format!(
                "excluded_gpus[{i}]: uuid must look like GPU-xxxxxxxx-..."
            )));
        }
        if let Some(j) = p
            .gpus
            .iter()
            .position(|g| g.uuid == x.uuid || g.bus_id() == x.bus_id())
        {
            return Err(ProfileError(format!(
                "excluded_gpus[{i}] and gpus[{j}] share a UUID or PCI bus id: an excluded GPU \
                 is none of NVML's devices"
            )));
        }
        for (j, y) in p.excluded_gpus.iter().enumerate().skip(i + 1) {
            if y.uuid == x.uuid || y.bus_id() == x.bus_id() {
                return Err(ProfileError(format!(
                    "excluded_gpus[{i}] and excluded_gpus[{j}] share a UUID or PCI bus id"
                )));
            }
        }
    }
    Ok(())
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
