//! Device queries: identity, PCI, memory, utilization, thermals, power, clocks, ECC,
//! processes, topology, NvLink, field values and samples. The submodules hold groups of their
//! own, each named as the wrapper's module for those functions (`nvml-wrapper/src/device/`).

mod accounting;
mod affinity;
mod board;
mod clock_control;
mod cooling;
mod ecc;
mod engine_utilization;
mod fabric;
mod mig;
mod performance;
mod samples;
mod thermal;
mod utilization;

pub use accounting::*;
pub use affinity::*;
pub use board::*;
pub use clock_control::*;
pub use cooling::*;
pub use ecc::*;
pub use engine_utilization::*;
pub use fabric::*;
pub use mig::*;
pub use performance::*;
pub use samples::*;
pub use thermal::*;
pub use utilization::*;

use std::ffi::{c_char, c_int, c_uint, c_ulong, c_ulonglong};

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::handles::{DeviceRef, device_handle, device_ref, mig_device_handle};
use crate::machine::{Gpu, Machine};
use crate::marshal::{arg_str, fill_array, get, put, put_array, put_str};
use crate::profile::ProcessSpec;
use crate::support::Feature;

/// The physical GPU behind a handle (MIG device handles name their parent).
fn gpu<'a>(c: &'a Ctx<'_>, h: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    let i = c.m.gpu_index(h)?;
    c.m.gpus.get(i).ok_or(NVML_ERROR_INVALID_ARGUMENT)
}

/// Physical GPUs only: a MIG device handle is NOT_SUPPORTED, like the real library for most
/// whole-GPU queries.
fn phys<'a>(c: &'a Ctx<'_>, h: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    c.m.gpu(h)
}

fn pci_info(g: &Gpu) -> nvmlPciInfo_t {
    let mut p = nvmlPciInfo_t {
        domain: g.spec().pci_domain,
        bus: g.spec().pci_bus,
        device: g.spec().pci_device,
        pciDeviceId: g.spec().pci_device_id,
        pciSubSystemId: g.spec().pci_subsystem_id,
        ..Default::default()
    };
    fill_array(&mut p.busIdLegacy, &g.spec().bus_id_legacy());
    fill_array(&mut p.busId, &g.spec().bus_id());
    p
}

/// Memory in use: the running processes, the driver's overhead and, on a vGPU host, the
/// framebuffers of the running VMs (at most what the GPU has besides its reserved memory).
/// MIG on: what the GPU instances use (a process outside every instance does not run).
pub(crate) fn allocated(m: &Machine, i: usize, g: &Gpu) -> u64 {
    let running = if g.mig_current {
        g.gpu_instances
            .iter()
            .map(|x| mig_used(m, i, x.id))
            .fold(0u64, u64::saturating_add)
    } else {
        g.processes
            .iter()
            .map(|p| p.used_memory)
            .fold(0u64, u64::saturating_add)
    };
    let used = running
        .saturating_add(g.spec().memory_overhead)
        .saturating_add(g.vgpu_fb);
    used.min(
        g.spec()
            .memory_total
            .saturating_sub(g.spec().memory_reserved),
    )
}

/// Memory a GPU instance's driver context holds with nothing running: 13 MiB (`nvidia-smi`'s
/// "MIG devices" table on an A100 80GB, XuehaiPan/nvitop pull request 8).
const MIG_IDLE_USED: u64 = 13 * 1024 * 1024;

/// BAR1 a GPU instance maps with nothing running: 2 MiB (same table).
const MIG_IDLE_BAR1_USED: u64 = 2 * 1024 * 1024;

/// Memory GPU instance `gid` of GPU `i` uses: its idle context and the processes in it.
fn mig_used(m: &Machine, i: usize, gid: u32) -> u64 {
    let procs: u64 = ["compute", "graphics", "mps"]
        .iter()
        .flat_map(|kind| placed(m, i, kind))
        .filter(|(_, at)| at.is_some_and(|(g, _)| g == gid))
        .map(|(p, _)| p.used_memory)
        .fold(0, u64::saturating_add);
    MIG_IDLE_USED.saturating_add(procs)
}

fn processes(g: &Gpu, kind: &str) -> Vec<ProcessSpec> {
    g.processes
        .iter()
        .filter(|p| p.kind == kind)
        .cloned()
        .collect()
}

/// A MIG device: (GPU instance id, compute instance id).
type MigDevice = (u32, u32);

/// The processes of `kind` a handle sees, each with the MIG device it runs in (GPU instance
/// id, compute instance id). MIG off: every process of the GPU, in no instance. MIG on: the
/// GPU's `k`-th process runs in its `k mod n`-th MIG device (with no MIG device, none runs);
/// the GPU's handle sees all of them, a MIG device handle those in its instance (nvml.h:
/// per-instance information comes through MIG device handles).
pub(crate) fn placed_processes(
    c: &Ctx<'_>,
    d: nvmlDevice_t,
    kind: &str,
) -> Result<Vec<(ProcessSpec, Option<MigDevice>)>, nvmlReturn_t> {
    let i = c.m.gpu_index(d)?;
    let placed = placed(c.m, i, kind);
    Ok(match device_ref(d) {
        Some(DeviceRef::Mig(_, gi, ci)) => placed
            .into_iter()
            .filter(|(_, at)| *at == Some((gi as u32, ci as u32)))
            .collect(),
        _ => placed,
    })
}

/// The processes of `kind` running on GPU `i`, each with its MIG device (see
/// [`placed_processes`]).
fn placed(m: &Machine, i: usize, kind: &str) -> Vec<(ProcessSpec, Option<MigDevice>)> {
    let Some(g) = m.gpus.get(i) else {
        return Vec::new();
    };
    let all = processes(g, kind);
    if !g.mig_current {
        return all.into_iter().map(|p| (p, None)).collect();
    }
    let devices = m.mig_devices(i);
    all.into_iter()
        .enumerate()
        .filter_map(|(k, p)| {
            let at = devices.get(k.checked_rem(devices.len())?)?;
            Some((p, Some(*at)))
        })
        .collect()
}

fn procs_v1(
    c: &Ctx<'_>,
    d: nvmlDevice_t,
    kind: &str,
    n: *mut c_uint,
    out: *mut nvmlProcessInfo_v1_t,
) -> Result<(), nvmlReturn_t> {
    let list: Vec<nvmlProcessInfo_v1_t> = placed_processes(c, d, kind)?
        .iter()
        .map(|(p, _)| nvmlProcessInfo_v1_t {
            pid: p.pid,
            usedGpuMemory: p.used_memory,
        })
        .collect();
    put_array(n, out, &list, c.hostile)
}

fn procs_v2(
    c: &Ctx<'_>,
    d: nvmlDevice_t,
    kind: &str,
    n: *mut c_uint,
    out: *mut nvmlProcessInfo_v2_t,
) -> Result<(), nvmlReturn_t> {
    let na = NVML_VALUE_NOT_AVAILABLE as u32;
    let list: Vec<nvmlProcessInfo_v2_t> = placed_processes(c, d, kind)?
        .iter()
        .map(|(p, at)| nvmlProcessInfo_v2_t {
            pid: p.pid,
            usedGpuMemory: p.used_memory,
            gpuInstanceId: at.map_or(na, |a| a.0),
            computeInstanceId: at.map_or(na, |a| a.1),
        })
        .collect();
    put_array(n, out, &list, c.hostile)
}

/// The current clocks event reasons: the profile's (or the dynamic model's), with "SW power
/// cap" exactly when the GPU draws its power limit (nvml.h: the SW power scaling algorithm is
/// reducing the clocks below requested clocks because the GPU is consuming too much power),
/// and the throttles forced through `nvml_mock_set_throttle`.
pub(crate) fn clocks_event_reasons(g: &Gpu) -> u64 {
    let cap = u64::from(nvmlClocksEventReasonSwPowerCap);
    let reasons = g.readings.clocks_event_reasons & !cap;
    let reasons = if g.readings.power_usage_mw >= g.power_limit_mw {
        reasons | cap
    } else {
        reasons
    };
    reasons | crate::dynamic::forced_reasons(g.forced_reasons)
}

fn clock_of(g: &Gpu, t: nvmlClockType_t, max: bool) -> Result<u32, nvmlReturn_t> {
    let (s, now) = (g.spec(), &g.readings);
    Ok(match (t, max) {
        (NVML_CLOCK_GRAPHICS, false) => now.clock_graphics,
        (NVML_CLOCK_SM, false) => now.clock_sm,
        (NVML_CLOCK_MEM, false) => now.clock_mem,
        (NVML_CLOCK_VIDEO, false) => now.clock_video,
        (NVML_CLOCK_GRAPHICS, true) => s.max_graphics,
        (NVML_CLOCK_SM, true) => s.max_sm,
        (NVML_CLOCK_MEM, true) => s.max_mem,
        (NVML_CLOCK_VIDEO, true) => s.max_video,
        _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
    })
}

/// The T.Limit reading: the GPU's maximum operating temperature less its temperature, °C
/// (`nvmlDeviceGetMarginTemperature` and nvidia-smi's export-table entry agree on it).
pub(crate) fn margin_temperature(g: &Gpu) -> Result<i32, nvmlReturn_t> {
    g.support.check(Feature::Tlimit)?;
    if g.spec().temp_gpu_max == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok((g.spec().temp_gpu_max as i32).wrapping_sub(g.readings.temperature as i32))
}

fn app_clock(g: &Gpu, t: nvmlClockType_t, default: bool) -> Result<u32, nvmlReturn_t> {
    g.support.check(Feature::ApplicationClocks)?;
    let (mem, gr) = if default {
        (g.spec().default_app_mem, g.spec().default_app_graphics)
    } else {
        g.app_clocks
    };
    match t {
        NVML_CLOCK_GRAPHICS | NVML_CLOCK_SM => Ok(gr),
        NVML_CLOCK_MEM => Ok(mem),
        NVML_CLOCK_VIDEO => Ok(g.spec().max_video),
        _ => Err(NVML_ERROR_INVALID_ARGUMENT),
    }
}

fn ecc_total(
    g: &Gpu,
    error: nvmlMemoryErrorType_t,
    counter: nvmlEccCounterType_t,
) -> Result<u64, nvmlReturn_t> {
    if !g.spec().ecc_supported {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    match (error, counter) {
        (NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC) => Ok(g.ecc_corrected_volatile),
        (NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC) => Ok(g.ecc_uncorrected_volatile),
        (NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_AGGREGATE_ECC) => {
            Ok(g.spec().ecc_corrected_aggregate)
        }
        (NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_AGGREGATE_ECC) => {
            Ok(g.spec().ecc_uncorrected_aggregate)
        }
        _ => Err(NVML_ERROR_INVALID_ARGUMENT),
    }
}

/// The topology level between two GPUs: same GPU, same NUMA node (through the CPU's PCIe
/// host bridge) or across the inter-CPU link.
pub(crate) fn topology(a: &Gpu, ai: usize, b: &Gpu, bi: usize) -> nvmlGpuTopologyLevel_t {
    if ai == bi {
        NVML_TOPOLOGY_INTERNAL
    } else if a.spec().numa_node == b.spec().numa_node {
        NVML_TOPOLOGY_NODE
    } else {
        NVML_TOPOLOGY_SYSTEM
    }
}

fn nvlink_active(g: &Gpu, link: c_uint) -> Result<(), nvmlReturn_t> {
    if g.spec().nvlink_count == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    if link >= NVML_NVLINK_MAX_LINKS {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    // A link number NVML knows but this GPU lacks: the real library answers NOT_SUPPORTED
    // (clients such as nvidia-smi walk all NVML_NVLINK_MAX_LINKS links).
    if link >= g.spec().nvlink_count {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(())
}

/// NVSwitch PCI info for the far end of link `link` of GPU `g` (its architecture's row of
/// [`crate::support::NVSWITCHES`]), on the first buses of domain 0 from 0x05 up that no GPU of
/// the machine sits on (a switch never shares a GPU's address, which clients such as SLURM
/// match links by).
fn nvswitch_pci(c: &Ctx<'_>, g: &Gpu, link: c_uint) -> nvmlPciInfo_t {
    let switches = crate::support::nvswitches(g.spec().architecture);
    let taken = |bus: u32| {
        c.m.gpus
            .iter()
            .any(|g| g.spec().pci_domain == 0 && g.spec().pci_bus == bus)
    };
    let mut buses = (0x05u32..=0xff).filter(|b| !taken(*b));
    let bus = buses
        .nth(link.checked_rem(switches.chips).unwrap_or(0) as usize)
        .unwrap_or(0x05);
    let mut p = nvmlPciInfo_t {
        domain: 0,
        bus,
        device: 0,
        pciDeviceId: switches.pci_device_id,
        pciSubSystemId: 0x1796_10de,
        ..Default::default()
    };
    fill_array(&mut p.busIdLegacy, &format!("0000:{bus:02X}:00.0"));
    fill_array(&mut p.busId, &format!("00000000:{bus:02X}:00.0"));
    p
}

/// The GPU whose row remapper a handle asks for: nvml.h, "on MIG-enabled GPUs with active
/// instances, querying the number of remapped rows is not supported".
fn remapper<'a>(c: &'a Ctx<'_>, device: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    let g = phys(c, device)?;
    if g.mig_current && !g.gpu_instances.is_empty() {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(g)
}

/// (total, reserved, allocated) bytes of a GPU, or of a MIG device's GPU instance (its slice,
/// its idle context and the processes in it). nvml.h: in MIG mode a device handle gives the
/// aggregate "only if the caller has appropriate privileges" (`NO_PERMISSION` otherwise).
fn memory(c: &Ctx<'_>, device: nvmlDevice_t) -> Result<(u64, u64, u64), nvmlReturn_t> {
    let i = c.m.gpu_index(device)?;
    let g = gpu(c, device)?;
    if let Some(DeviceRef::Mig(_, gid, _)) = device_ref(device) {
        let (_, p) = g.mig_instance(gid)?;
        let total = p.memory_mb.saturating_mul(1024 * 1024);
        return Ok((total, 0, mig_used(c.m, i, gid as u32).min(total)));
    }
    if g.mig_current {
        c.require_root()?;
    }
    Ok((
        g.spec().memory_total,
        g.spec().memory_reserved,
        allocated(c.m, i, g),
    ))
}

/// BAR1 of a GPU, or of a MIG device: its GPU instance's share of the GPU's BAR1 less 1 MiB,
/// with 2 MiB mapped when idle (an A100 80GB's 2g.20gb instance shows 2MiB / 32767MiB, with
/// 131072 MiB on the GPU: XuehaiPan/nvitop pull request 8).
fn bar1(c: &Ctx<'_>, device: nvmlDevice_t) -> Result<nvmlBAR1Memory_t, nvmlReturn_t> {
    let g = gpu(c, device)?;
    let (total, used) = match device_ref(device) {
        Some(DeviceRef::Mig(_, gid, _)) => {
            let (x, _) = g.mig_instance(gid)?;
            let share =
                g.spec().bar1_total / u64::from(crate::profile::MEMORY_SLICES) * u64::from(x.size);
            let total = share.saturating_sub(1024 * 1024);
            (total, MIG_IDLE_BAR1_USED.min(total))
        }
        _ => (g.spec().bar1_total, g.spec().bar1_used),
    };
    Ok(nvmlBAR1Memory_t {
        bar1Total: total,
        bar1Used: used,
        bar1Free: total.saturating_sub(used),
    })
}

/// One field value: Ok((type, value)) or the per-field error.
fn field(
    c: &Ctx<'_>,
    g: &Gpu,
    id: u32,
    scope: u32,
) -> Result<(nvmlValueType_t, nvmlValue_t), nvmlReturn_t> {
    let ull = |v: u64| {
        Ok((
            NVML_VALUE_TYPE_UNSIGNED_LONG_LONG,
            nvmlValue_t { ullVal: v },
        ))
    };
    let ui = |v: u32| Ok((NVML_VALUE_TYPE_UNSIGNED_INT, nvmlValue_t { uiVal: v }));
    let ecc = |e, k| {
        let v = ecc_total(g, e, k)?;
        ull(v)
    };
    if let Some(model) = g.model.as_deref()
        && let Some(answer) = model.field(c.m.now_ns(), g.spec().nvlink_count, id, scope)
    {
        return answer;
    }
    match id {
        NVML_FI_DEV_ECC_CURRENT if g.spec().ecc_supported => ui(u32::from(g.ecc_current)),
        NVML_FI_DEV_ECC_PENDING if g.spec().ecc_supported => ui(u32::from(g.ecc_pending)),
        NVML_FI_DEV_ECC_SBE_VOL_TOTAL => ecc(NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC),
        NVML_FI_DEV_ECC_DBE_VOL_TOTAL => ecc(NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC),
        NVML_FI_DEV_ECC_SBE_AGG_TOTAL => ecc(NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_AGGREGATE_ECC),
        NVML_FI_DEV_ECC_DBE_AGG_TOTAL => {
            ecc(NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_AGGREGATE_ECC)
        }
        NVML_FI_DEV_RETIRED_SBE if g.spec().page_retirement => {
            ull(g.spec().retired_pages_sbe.len() as u64)
        }
        NVML_FI_DEV_RETIRED_DBE if g.spec().page_retirement => {
            ull(g.spec().retired_pages_dbe.len() as u64)
        }
        NVML_FI_DEV_RETIRED_PENDING if g.spec().page_retirement => ull(0),
        NVML_FI_DEV_MEMORY_TEMP if g.readings.memory_temperature > 0 => {
            ui(g.readings.memory_temperature)
        }
        // The GPU temperature as a double, equal to what nvmlDeviceGetTemperatureV reports.
        NVML_FI_DEV_GPU_TEMP => Ok((
            NVML_VALUE_TYPE_DOUBLE,
            nvmlValue_t {
                dVal: f64::from(g.readings.temperature),
            },
        )),
        // Time limited by power smoothing, ns: never (smoothing is off), read with privilege
        // as the other power smoothing fields.
        NVML_FI_PWR_SMOOTHING_LIMITED_TIME if g.spec().power_smoothing => {
            c.require_root()?;
            ull(0)
        }
        NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION | NVML_FI_DEV_ENERGY => ull(c.m.energy_mj(g)),
        // Power by scope: the GPU's own; the memory's average where the board reports it;
        // the module's on a Grace Blackwell superchip.
        NVML_FI_DEV_POWER_AVERAGE if scope == NVML_POWER_SCOPE_MEMORY => {
            if g.spec().memory_power_mw == 0 {
                return Err(NVML_ERROR_NOT_SUPPORTED);
            }
            ui(g.spec().memory_power_mw)
        }
        NVML_FI_DEV_POWER_AVERAGE if !g.support.has(Feature::AveragePower) => {
            Err(NVML_ERROR_NOT_SUPPORTED)
        }
        NVML_FI_DEV_POWER_INSTANT
        | NVML_FI_DEV_POWER_AVERAGE
        | NVML_FI_DEV_POWER_MIN_LIMIT
        | NVML_FI_DEV_POWER_MAX_LIMIT
        | NVML_FI_DEV_POWER_DEFAULT_LIMIT
        | NVML_FI_DEV_POWER_CURRENT_LIMIT
        | NVML_FI_DEV_POWER_REQUESTED_LIMIT => {
            // (draw, min, max, default, current) of the scope asked for.
            let s = g.spec();
            let (usage, min, max, default, limit) = match (scope, &s.module_power) {
                (NVML_POWER_SCOPE_GPU, _) => (
                    g.readings.power_usage_mw,
                    s.power_min_limit_mw,
                    s.power_max_limit_mw,
                    s.power_default_limit_mw,
                    g.power_limit_mw,
                ),
                (NVML_POWER_SCOPE_MODULE, Some(m)) => (
                    g.readings.module_usage_mw.unwrap_or(m.usage_mw),
                    m.min_limit_mw,
                    m.max_limit_mw,
                    m.default_limit_mw,
                    m.limit_mw,
                ),
                _ => return Err(NVML_ERROR_NOT_SUPPORTED),
            };
            ui(match id {
                NVML_FI_DEV_POWER_INSTANT | NVML_FI_DEV_POWER_AVERAGE => usage,
                NVML_FI_DEV_POWER_MIN_LIMIT => min,
                NVML_FI_DEV_POWER_MAX_LIMIT => max,
                NVML_FI_DEV_POWER_DEFAULT_LIMIT => default,
                _ => limit,
            })
        }
        NVML_FI_DEV_TEMPERATURE_SHUTDOWN_TLIMIT..=NVML_FI_DEV_TEMPERATURE_GPU_MAX_TLIMIT
            if g.support.has(Feature::Tlimit) =>
        {
            // Fixed margins, not readings (a real H100 reports -8, -2, 0, 0 C whatever its
            // temperature; a B200 -5, -3, 0, 0; an L40S -5, -2, none, 0).
            let at = (id - NVML_FI_DEV_TEMPERATURE_SHUTDOWN_TLIMIT) as usize;
            let v = g.spec().tlimit_margins.get(at).copied().flatten();
            let v = v.ok_or(NVML_ERROR_NOT_SUPPORTED)?;
            Ok((NVML_VALUE_TYPE_SIGNED_INT, nvmlValue_t { siVal: v }))
        }
        NVML_FI_DEV_NVLINK_LINK_COUNT if g.spec().nvlink_count > 0 => ui(g.spec().nvlink_count),
        NVML_FI_DEV_NVLINK_SPEED_MBPS_COMMON if g.spec().nvlink_count > 0 => {
            ui(g.spec().nvlink_speed_mbps)
        }
        NVML_FI_DEV_NVLINK_SPEED_MBPS_L0..=NVML_FI_DEV_NVLINK_SPEED_MBPS_L5
            if g.spec().nvlink_count > 0 =>
        {
            ui(g.spec().nvlink_speed_mbps)
        }
        // The state of link `scope`, agreeing with nvmlDeviceGetNvLinkState.
        NVML_FI_DEV_NVLINK_GET_STATE => {
            nvlink_active(g, scope)?;
            ui(NVML_NVLINK_STATE_ACTIVE)
        }
        NVML_FI_DEV_NVLINK_GET_SPEED => {
            nvlink_active(g, scope)?;
            ui(g.spec().nvlink_speed_mbps)
        }
        // Every link of a mock GPU goes to an NVSwitch (nvmlDeviceGetNvLinkRemoteDeviceType).
        NVML_FI_DEV_NVSWITCH_CONNECTED_LINK_COUNT if g.spec().nvlink_count > 0 => {
            ui(g.spec().nvlink_count)
        }
        NVML_FI_DEV_PCIE_REPLAY_ROLLOVER_COUNTER => ull(0),
        NVML_FI_DEV_PCIE_REPLAY_COUNTER => ull(u64::from(g.spec().pcie_replay_counter)),
        NVML_FI_DEV_PCIE_OUTBOUND_ATOMICS_MASK if g.spec().pcie_atomics_outbound != 0 => {
            ui(g.spec().pcie_atomics_outbound)
        }
        NVML_FI_DEV_PCIE_INBOUND_ATOMICS_MASK if g.spec().pcie_atomics_inbound != 0 => {
            ui(g.spec().pcie_atomics_inbound)
        }
        NVML_FI_DEV_GET_GPU_RECOVERY_ACTION if g.support.has(Feature::GpuRecoveryAction) => {
            ui(NVML_GPU_RECOVERY_ACTION_NONE)
        }
        NVML_FI_DEV_C2C_LINK_COUNT
        | NVML_FI_DEV_C2C_LINK_GET_STATUS
        | NVML_FI_DEV_C2C_LINK_GET_MAX_BW
        | NVML_FI_DEV_C2C_LINK_ERROR_INTR
        | NVML_FI_DEV_C2C_LINK_ERROR_REPLAY
        | NVML_FI_DEV_C2C_LINK_ERROR_REPLAY_B2B
        | NVML_FI_DEV_C2C_LINK_POWER_STATE => c2c_field(g, id, scope),
        NVML_FI_PWR_SMOOTHING_ENABLED..=NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_RAMP_DOWN_HYST_VAL
            if g.spec().power_smoothing =>
        {
            // Reading power smoothing takes privilege: a real B200 and GB200 answer
            // "Insufficient Permissions" to an unprivileged nvidia-smi (captures/qx-b200.xml).
            c.require_root()?;
            match id {
                // Smoothing off, unprivileged level, the circuitry new.
                NVML_FI_PWR_SMOOTHING_ENABLED
                | NVML_FI_PWR_SMOOTHING_PRIV_LVL
                | NVML_FI_PWR_SMOOTHING_IMM_RAMP_DOWN_ENABLED
                | NVML_FI_PWR_SMOOTHING_ACTIVE_PRESET_PROFILE => ui(0),
                NVML_FI_PWR_SMOOTHING_HW_CIRCUITRY_PERCENT_LIFETIME_REMAINING => ui(100),
                _ => Err(NVML_ERROR_NOT_SUPPORTED),
            }
        }
        // NvLink data counters (KiB since load, per link or summed with scope UINT_MAX): the
        // constant machine moves no data; the dynamic mode answers above.
        NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX..=NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_RX => {
            if scope != u32::MAX {
                nvlink_active(g, scope)?;
            } else if g.spec().nvlink_count == 0 {
                return Err(NVML_ERROR_NOT_SUPPORTED);
            }
            ull(0)
        }
        // Per-link replay, recovery and CRC counters, agreeing with
        // nvmlDeviceGetNvLinkErrorCounter (the header: unsupported from Blackwell on).
        NVML_FI_DEV_NVLINK_ERROR_DL_REPLAY
        | NVML_FI_DEV_NVLINK_ERROR_DL_RECOVERY
        | NVML_FI_DEV_NVLINK_ERROR_DL_CRC => {
            g.support.check(Feature::NvlinkDlErrorFields)?;
            nvlink_active(g, scope)?;
            let counters = g
                .nvlink_errors
                .get(scope as usize)
                .copied()
                .unwrap_or([0; 5]);
            let at = match id {
                NVML_FI_DEV_NVLINK_ERROR_DL_REPLAY => NVML_NVLINK_ERROR_DL_REPLAY,
                NVML_FI_DEV_NVLINK_ERROR_DL_RECOVERY => NVML_NVLINK_ERROR_DL_RECOVERY,
                _ => NVML_NVLINK_ERROR_DL_CRC_FLIT,
            };
            ull(counters.get(at as usize).copied().unwrap_or(0))
        }
        // Time spent in these clocks events, ns (the profiles' GPUs never slow down for them).
        NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP
        | NVML_FI_DEV_CLOCKS_EVENT_REASON_SYNC_BOOST => ull(0),
        NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN
        | NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN
        | NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN => ull(0),
        // Row remappings made inactive: none.
        NVML_FI_DEV_REMAPPED_ROWS_COR_INACTIVE | NVML_FI_DEV_REMAPPED_ROWS_UNC_INACTIVE
            if g.spec().ecc_supported && g.support.has(Feature::RemappedRowsInactive) =>
        {
            ui(0)
        }
        NVML_FI_DEV_REMAPPED_COR
        | NVML_FI_DEV_REMAPPED_UNC
        | NVML_FI_DEV_REMAPPED_PENDING
        | NVML_FI_DEV_REMAPPED_FAILURE
            if g.spec().ecc_supported && g.support.has(Feature::RemappedRows) =>
        {
            ui(match id {
                NVML_FI_DEV_REMAPPED_COR => g.spec().remapped_rows_correctable,
                NVML_FI_DEV_REMAPPED_UNC => g.spec().remapped_rows_uncorrectable,
                _ => 0,
            })
        }
        _ => {
            let _ = scope;
            Err(NVML_ERROR_NOT_SUPPORTED)
        }
    }
}

/// A C2C field value: the link count, and per link (`scope`) its state, bandwidth, power
/// state and error counters (none), on a GPU with C2C.
fn c2c_field(g: &Gpu, id: u32, link: u32) -> Result<(nvmlValueType_t, nvmlValue_t), nvmlReturn_t> {
    let c2c = g.spec().c2c.as_ref().ok_or(NVML_ERROR_NOT_SUPPORTED)?;
    let ui = |v: u32| Ok((NVML_VALUE_TYPE_UNSIGNED_INT, nvmlValue_t { uiVal: v }));
    if id == NVML_FI_DEV_C2C_LINK_COUNT {
        return ui(c2c.links);
    }
    if link >= c2c.links {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    match id {
        NVML_FI_DEV_C2C_LINK_GET_STATUS => ui(1),
        NVML_FI_DEV_C2C_LINK_GET_MAX_BW => ui(c2c.link_bandwidth_mbps),
        NVML_FI_DEV_C2C_LINK_POWER_STATE => ui(NVML_C2C_POWER_STATE_FULL_POWER),
        _ => Ok((
            NVML_VALUE_TYPE_UNSIGNED_LONG_LONG,
            nvmlValue_t { ullVal: 0 },
        )),
    }
}

/// Field ids as drivers before 580.82 (CUDA 13.0 Update 1) number them, with the header's
/// constant for the same field: NVIDIA renumbered 251..=273 at that driver (a known issue in
/// NVML's documentation; the old numbers are those of `nvml.h` in CUDA 12.x and 13.0).
const FIELD_IDS_BEFORE_580_82: [(u32, u32); 23] = [
    (251, NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN),
    (252, NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN),
    (253, NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN),
    (254, NVML_FI_DEV_POWER_SYNC_BALANCING_FREQ),
    (255, NVML_FI_DEV_POWER_SYNC_BALANCING_AF),
    (256, NVML_FI_PWR_SMOOTHING_ENABLED),
    (257, NVML_FI_PWR_SMOOTHING_PRIV_LVL),
    (258, NVML_FI_PWR_SMOOTHING_IMM_RAMP_DOWN_ENABLED),
    (259, NVML_FI_PWR_SMOOTHING_APPLIED_TMP_CEIL),
    (260, NVML_FI_PWR_SMOOTHING_APPLIED_TMP_FLOOR),
    (261, NVML_FI_PWR_SMOOTHING_MAX_PERCENT_TMP_FLOOR_SETTING),
    (262, NVML_FI_PWR_SMOOTHING_MIN_PERCENT_TMP_FLOOR_SETTING),
    (
        263,
        NVML_FI_PWR_SMOOTHING_HW_CIRCUITRY_PERCENT_LIFETIME_REMAINING,
    ),
    (264, NVML_FI_PWR_SMOOTHING_MAX_NUM_PRESET_PROFILES),
    (265, NVML_FI_PWR_SMOOTHING_PROFILE_PERCENT_TMP_FLOOR),
    (266, NVML_FI_PWR_SMOOTHING_PROFILE_RAMP_UP_RATE),
    (267, NVML_FI_PWR_SMOOTHING_PROFILE_RAMP_DOWN_RATE),
    (268, NVML_FI_PWR_SMOOTHING_PROFILE_RAMP_DOWN_HYST_VAL),
    (269, NVML_FI_PWR_SMOOTHING_ACTIVE_PRESET_PROFILE),
    (270, NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_PERCENT_TMP_FLOOR),
    (271, NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_RAMP_UP_RATE),
    (272, NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_RAMP_DOWN_RATE),
    (273, NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_RAMP_DOWN_HYST_VAL),
];

/// Whether a driver version (`"570.172.08"`) numbers fields as drivers before 580.82 did.
fn numbers_fields_before_580_82(driver_version: &str) -> bool {
    let mut parts = driver_version.split('.').map(|p| p.parse::<u32>().ok());
    matches!((parts.next().flatten(), parts.next().flatten()), (Some(major), Some(minor)) if (major, minor) < (580, 82))
}

/// The header's id of the field a caller of this driver asked for with `id`.
fn header_field_id(driver_version: &str, id: u32) -> u32 {
    if !numbers_fields_before_580_82(driver_version) {
        return id;
    }
    FIELD_IDS_BEFORE_580_82
        .iter()
        .find(|(old, _)| *old == id)
        .map_or(id, |(_, header)| *header)
}

/// The UUID of the MIG device of compute instance `ci` in GPU instance `gi` of `g`.
fn mig_uuid(g: &Gpu, gi: usize, ci: usize) -> String {
    let base = g.spec().uuid.trim_start_matches("GPU-");
    let tail = base.get(..base.len().saturating_sub(4)).unwrap_or(base);
    format!("MIG-{tail}{gi:02x}{ci:02x}")
}

fn handle_by(
    c: &Ctx<'_>,
    out: *mut nvmlDevice_t,
    pred: impl Fn(&Gpu) -> bool,
) -> Result<(), nvmlReturn_t> {
    if out.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    match c.m.gpus.iter().position(pred) {
        Some(i) => put(out, device_handle(i)),
        None => Err(NVML_ERROR_NOT_FOUND),
    }
}

/// Normalises a PCI bus id for comparison: `0000:18:00.0`, `00000000:18:00.0` and `18:00.0`
/// all name the same device.
pub(crate) fn norm_bus_id(s: &str) -> Option<(u32, u32, u32, u32)> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    let (dom, bus, rest) = match parts.as_slice() {
        [d, b, r] => (u32::from_str_radix(d, 16).ok()?, *b, *r),
        [b, r] => (0, *b, *r),
        _ => return None,
    };
    let (dev, func) = rest.split_once('.').unwrap_or((rest, "0"));
    Some((
        dom,
        u32::from_str_radix(bus, 16).ok()?,
        u32::from_str_radix(dev, 16).ok()?,
        u32::from_str_radix(func, 16).ok()?,
    ))
}

fn samples(
    c: &Ctx<'_>,
    g: &Gpu,
    t: nvmlSamplingType_t,
    last: u64,
) -> Result<(nvmlValueType_t, Vec<nvmlSample_t>), nvmlReturn_t> {
    let (s, now) = (g.spec(), &g.readings);
    let (vt, v): (nvmlValueType_t, u32) = match t {
        NVML_TOTAL_POWER_SAMPLES | NVML_MODULE_POWER_SAMPLES => {
            (NVML_VALUE_TYPE_UNSIGNED_INT, now.power_usage_mw)
        }
        NVML_GPU_UTILIZATION_SAMPLES => (NVML_VALUE_TYPE_UNSIGNED_INT, now.util_gpu),
        NVML_MEMORY_UTILIZATION_SAMPLES => (NVML_VALUE_TYPE_UNSIGNED_INT, now.util_memory),
        NVML_ENC_UTILIZATION_SAMPLES => (NVML_VALUE_TYPE_UNSIGNED_INT, s.util_encoder),
        NVML_DEC_UTILIZATION_SAMPLES => (NVML_VALUE_TYPE_UNSIGNED_INT, s.util_decoder),
        NVML_PROCESSOR_CLK_SAMPLES => (NVML_VALUE_TYPE_UNSIGNED_INT, now.clock_graphics),
        NVML_MEMORY_CLK_SAMPLES => (NVML_VALUE_TYPE_UNSIGNED_INT, now.clock_mem),
        NVML_JPG_UTILIZATION_SAMPLES | NVML_OFA_UTILIZATION_SAMPLES => {
            (NVML_VALUE_TYPE_UNSIGNED_INT, 0)
        }
        _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
    };
    if let Some(model) = g.model.as_deref() {
        return Ok((vt, model.samples(c.m.wall_origin_us, g.spec(), t, last)));
    }
    // One sample every 100 ms for the last 2 s; the timestamps are wall-clock microseconds.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    let now = now - now % 100_000;
    let list: Vec<nvmlSample_t> = (0..20u64)
        .rev()
        .map(|k| now.saturating_sub(k * 100_000))
        .filter(|ts| *ts > last)
        .enumerate()
        .map(|(k, ts)| nvmlSample_t {
            timeStamp: ts,
            // A little jitter on busy values, always within 0..=100 for percentages.
            sampleValue: nvmlValue_t {
                uiVal: if v > 0 && k % 3 == 1 { v - 1 } else { v },
            },
        })
        .collect();
    Ok((vt, list))
}

export! {
    fn nvmlDeviceGetCount_v2(deviceCount: *mut c_uint) |c| {
        put(deviceCount, c.m.gpus.len() as u32)
    }
    fn nvmlDeviceGetCount(deviceCount: *mut c_uint) |c| {
        put(deviceCount, c.m.gpus.len() as u32)
    }
    fn nvmlDeviceGetHandleByIndex_v2(index: c_uint, device: *mut nvmlDevice_t) |c| {
        if device.is_null() || index as usize >= c.m.gpus.len() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(device, device_handle(index as usize))
    }
    fn nvmlDeviceGetHandleByIndex(index: c_uint, device: *mut nvmlDevice_t) |c| {
        if device.is_null() || index as usize >= c.m.gpus.len() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(device, device_handle(index as usize))
    }
    fn nvmlDeviceGetHandleByUUIDV(uuid: *const nvmlUUID_t, device: *mut nvmlDevice_t) |c| {
        let u: nvmlUUID_t = get(uuid)?;
        if u.version != nvmlUUID_v1 || device.is_null() {
            return Err(if device.is_null() { NVML_ERROR_INVALID_ARGUMENT } else { NVML_ERROR_ARGUMENT_VERSION_MISMATCH });
        }
        if u.type_ != NVML_UUID_TYPE_ASCII {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // SAFETY: the type says the union holds the ASCII form.
        let text = unsafe { u.value.str_ };
        if !text.contains(&0) {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let want = arg_str(text.as_ptr())?.to_string();
        match c.m.gpus.iter().position(|g| g.spec().uuid.eq_ignore_ascii_case(&want)) {
            Some(i) => put(device, device_handle(i)),
            None => Err(NVML_ERROR_NOT_FOUND),
        }
    }
    fn nvmlDeviceGetHandleByUUID(uuid: *const c_char, device: *mut nvmlDevice_t) |c| {
        let u = arg_str(uuid)?;
        // nvml.h: "The UUID of the target GPU or MIG instance"; a MIG UUID gives the MIG
        // device handle.
        if u.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("MIG-")) {
            if device.is_null() {
                return Err(NVML_ERROR_INVALID_ARGUMENT);
            }
            for (i, g) in c.m.gpus.iter().enumerate() {
                for (gi, ci) in c.m.mig_devices(i) {
                    if mig_uuid(g, gi as usize, ci as usize).eq_ignore_ascii_case(u) {
                        return put(device, mig_device_handle(i, gi as usize, ci as usize));
                    }
                }
            }
            return Err(NVML_ERROR_NOT_FOUND);
        }
        handle_by(c, device, |g| g.spec().uuid.eq_ignore_ascii_case(u))
    }
    fn nvmlDeviceGetHandleBySerial(serial: *const c_char, device: *mut nvmlDevice_t) |c| {
        let s = arg_str(serial)?;
        handle_by(c, device, |g| g.spec().serial.as_deref() == Some(s))
    }
    fn nvmlDeviceGetHandleByPciBusId_v2(pciBusId: *const c_char, device: *mut nvmlDevice_t) |c| {
        let want = norm_bus_id(arg_str(pciBusId)?).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        handle_by(c, device, |g| norm_bus_id(&g.spec().bus_id()) == Some(want))
    }
    fn nvmlDeviceGetHandleByPciBusId(pciBusId: *const c_char, device: *mut nvmlDevice_t) |c| {
        let want = norm_bus_id(arg_str(pciBusId)?).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        handle_by(c, device, |g| norm_bus_id(&g.spec().bus_id()) == Some(want))
    }
    fn nvmlDeviceGetName(device: nvmlDevice_t, name: *mut c_char, length: c_uint) |c| {
        let n = match device_ref(device) {
            Some(DeviceRef::Mig(_, gid, _)) => {
                let g = gpu(c, device)?;
                let p = g
                    .gpu_instances
                    .iter()
                    .find(|x| x.id as usize == gid)
                    .and_then(|x| g.spec().mig_profiles.get(x.profile_index))
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                format!("{} MIG {}", g.spec().name, p)
            }
            _ => gpu(c, device)?.spec().name.clone(),
        };
        put_str(name, length, &n, c.hostile)
    }
    fn nvmlDeviceGetBrand(device: nvmlDevice_t, type_: *mut nvmlBrandType_t) |c| {
        let b = gpu(c, device)?.spec().brand;
        put(type_, c.enum_value(b, NVML_BRAND_COUNT + 7))
    }
    fn nvmlDeviceGetArchitecture(device: nvmlDevice_t, arch: *mut nvmlDeviceArchitecture_t) |c| {
        let a = gpu(c, device)?.spec().architecture;
        put(arch, c.enum_value(a, 0x7777))
    }
    fn nvmlDeviceGetCudaComputeCapability(device: nvmlDevice_t, major: *mut c_int, minor: *mut c_int) |c| {
        let (ma, mi) = gpu(c, device)?.spec().cuda_cc;
        if major.is_null() || minor.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(major, ma)?;
        put(minor, mi)
    }
    fn nvmlDeviceGetIndex(device: nvmlDevice_t, index: *mut c_uint) |c| {
        // nvml.h: on a MIG device handle, the index nvmlDeviceGetMigDeviceHandleByIndex takes.
        let i = match device_ref(device) {
            Some(DeviceRef::Mig(..)) => c.m.mig_device_index(device).ok_or(NVML_ERROR_INVALID_ARGUMENT)?,
            _ => c.m.gpu_index(device)?,
        };
        put(index, i as u32)
    }
    fn nvmlDeviceGetUUID(device: nvmlDevice_t, uuid: *mut c_char, length: c_uint) |c| {
        let u = match device_ref(device) {
            Some(DeviceRef::Mig(_, gi, ci)) => mig_uuid(gpu(c, device)?, gi, ci),
            _ => gpu(c, device)?.spec().uuid.clone(),
        };
        put_str(uuid, length, &u, c.hostile)
    }
    fn nvmlDeviceGetSerial(device: nvmlDevice_t, serial: *mut c_char, length: c_uint) |c| {
        let s = phys(c, device)?.spec().serial.clone().ok_or(NVML_ERROR_NOT_SUPPORTED)?;
        put_str(serial, length, &s, c.hostile)
    }
    fn nvmlDeviceGetBoardId(device: nvmlDevice_t, boardId: *mut c_uint) |c| {
        put(boardId, phys(c, device)?.spec().board_id)
    }
    fn nvmlDeviceGetMultiGpuBoard(device: nvmlDevice_t, multiGpuBool: *mut c_uint) |c| {
        phys(c, device)?;
        put(multiGpuBool, 0)
    }
    fn nvmlDeviceGetBoardPartNumber(device: nvmlDevice_t, partNumber: *mut c_char, length: c_uint) |c| {
        let p = phys(c, device)?.spec().board_part_number.clone();
        put_str(partNumber, length, &p, c.hostile)
    }
    fn nvmlDeviceGetMinorNumber(device: nvmlDevice_t, minorNumber: *mut c_uint) |c| {
        put(minorNumber, phys(c, device)?.spec().minor_number)
    }
    fn nvmlDeviceGetVbiosVersion(device: nvmlDevice_t, version: *mut c_char, length: c_uint) |c| {
        let v = phys(c, device)?.spec().vbios_version.clone();
        put_str(version, length, &v, c.hostile)
    }
    fn nvmlDeviceGetInforomVersion(device: nvmlDevice_t, object: nvmlInforomObject_t, version: *mut c_char, length: c_uint) |c| {
        let s = phys(c, device)?.spec();
        let v = match object {
            NVML_INFOROM_OEM => s.inforom_oem.clone(),
            NVML_INFOROM_ECC => s.inforom_ecc.clone(),
            NVML_INFOROM_POWER => s.inforom_power.clone(),
            // nvml.h: NOT_SUPPORTED "if the device does not have an infoROM" object of that
            // kind; these boards have no DEN object.
            o if o < NVML_INFOROM_COUNT => return Err(NVML_ERROR_NOT_SUPPORTED),
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        if v == "N/A" {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put_str(version, length, &v, c.hostile)
    }
    fn nvmlDeviceGetInforomImageVersion(device: nvmlDevice_t, version: *mut c_char, length: c_uint) |c| {
        let v = phys(c, device)?.spec().inforom_image.clone();
        put_str(version, length, &v, c.hostile)
    }
    fn nvmlDeviceGetPciInfo_v3(device: nvmlDevice_t, pci: *mut nvmlPciInfo_t) |c| {
        put(pci, pci_info(phys(c, device)?))
    }
    fn nvmlDeviceGetPciInfo_v2(device: nvmlDevice_t, pci: *mut nvmlPciInfo_t) |c| {
        put(pci, pci_info(phys(c, device)?))
    }
    fn nvmlDeviceGetPciInfo(device: nvmlDevice_t, pci: *mut nvmlPciInfo_t) |c| {
        put(pci, pci_info(phys(c, device)?))
    }
    fn nvmlDeviceGetPciInfoExt(device: nvmlDevice_t, pci: *mut nvmlPciInfoExt_t) |c| {
        let g = phys(c, device)?;
        let mut p: nvmlPciInfoExt_t = get(pci)?;
        if p.version != nvmlPciInfoExt_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        p.domain = g.spec().pci_domain;
        p.bus = g.spec().pci_bus;
        p.device = g.spec().pci_device;
        p.pciDeviceId = g.spec().pci_device_id;
        p.pciSubSystemId = g.spec().pci_subsystem_id;
        p.baseClass = 0x03;
        p.subClass = if g.spec().brand == NVML_BRAND_GEFORCE_RTX { 0x00 } else { 0x02 };
        fill_array(&mut p.busId, &g.spec().bus_id());
        put(pci, p)
    }
    fn nvmlDeviceGetMaxPcieLinkGeneration(device: nvmlDevice_t, maxLinkGen: *mut c_uint) |c| {
        put(maxLinkGen, phys(c, device)?.spec().pcie_max_gen)
    }
    fn nvmlDeviceGetGpuMaxPcieLinkGeneration(device: nvmlDevice_t, maxLinkGenDevice: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        put(maxLinkGenDevice, if s.pcie_max_device_gen > 0 { s.pcie_max_device_gen } else { s.pcie_max_gen })
    }
    fn nvmlDeviceGetMaxPcieLinkWidth(device: nvmlDevice_t, maxLinkWidth: *mut c_uint) |c| {
        put(maxLinkWidth, phys(c, device)?.spec().pcie_max_width)
    }
    fn nvmlDeviceGetCurrPcieLinkGeneration(device: nvmlDevice_t, currLinkGen: *mut c_uint) |c| {
        put(currLinkGen, phys(c, device)?.spec().pcie_gen)
    }
    fn nvmlDeviceGetCurrPcieLinkWidth(device: nvmlDevice_t, currLinkWidth: *mut c_uint) |c| {
        put(currLinkWidth, phys(c, device)?.spec().pcie_width)
    }
    fn nvmlDeviceGetPcieThroughput(device: nvmlDevice_t, counter: nvmlPcieUtilCounter_t, value: *mut c_uint) |c| {
        let now = &phys(c, device)?.readings;
        let v = match counter {
            NVML_PCIE_UTIL_TX_BYTES => now.pcie_tx_kbps,
            NVML_PCIE_UTIL_RX_BYTES => now.pcie_rx_kbps,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(value, v)
    }
    fn nvmlDeviceGetPcieReplayCounter(device: nvmlDevice_t, value: *mut c_uint) |c| {
        put(value, phys(c, device)?.spec().pcie_replay_counter)
    }
    fn nvmlDeviceGetPcieLinkMaxSpeed(device: nvmlDevice_t, maxSpeed: *mut c_uint) |c| {
        let v = match phys(c, device)?.spec().pcie_max_gen {
            1 => NVML_PCIE_LINK_MAX_SPEED_2500MBPS,
            2 => NVML_PCIE_LINK_MAX_SPEED_5000MBPS,
            3 => NVML_PCIE_LINK_MAX_SPEED_8000MBPS,
            4 => NVML_PCIE_LINK_MAX_SPEED_16000MBPS,
            5 => NVML_PCIE_LINK_MAX_SPEED_32000MBPS,
            6 => NVML_PCIE_LINK_MAX_SPEED_64000MBPS,
            _ => NVML_PCIE_LINK_MAX_SPEED_INVALID,
        };
        put(maxSpeed, v)
    }
    fn nvmlDeviceGetPcieSpeed(device: nvmlDevice_t, pcieSpeed: *mut c_uint) |c| {
        let v = match phys(c, device)?.spec().pcie_gen {
            1 => 2500,
            2 => 5000,
            3 => 8000,
            4 => 16000,
            5 => 32000,
            _ => 64000,
        };
        put(pcieSpeed, v)
    }
    fn nvmlDeviceGetBusType(device: nvmlDevice_t, type_: *mut nvmlBusType_t) |c| {
        phys(c, device)?;
        put(type_, c.enum_value(NVML_BUS_TYPE_PCIE, 0x42))
    }
    fn nvmlDeviceGetMemoryInfo(device: nvmlDevice_t, memory_: *mut nvmlMemory_t) |c| {
        let (total, reserved, allocated) = memory(c, device)?;
        let used = allocated + reserved;
        put(memory_, nvmlMemory_t { total, free: total.saturating_sub(used), used })
    }
    fn nvmlDeviceGetMemoryInfo_v2(device: nvmlDevice_t, memory_: *mut nvmlMemory_v2_t) |c| {
        let (total, reserved, used) = memory(c, device)?;
        let v: nvmlMemory_v2_t = get(memory_)?;
        if v.version != nvmlMemory_v2 {
            // What real drivers answer to a version other than nvmlMemory_v2 (a bare 2, as
            // the header's "must be 2" suggests): FUNCTION_NOT_FOUND, not the
            // ARGUMENT_VERSION_MISMATCH of other versioned structs. Reported on 510.39.01
            // (NVIDIA/nvidia-settings#78), through nvidia-ml-py (gpuopenanalytics/pynvml#59)
            // and by dxvk-nvapi (jp7677/dxvk-nvapi#198).
            return Err(NVML_ERROR_FUNCTION_NOT_FOUND);
        }
        put(memory_, nvmlMemory_v2_t {
            version: v.version,
            total,
            reserved,
            used,
            free: total.saturating_sub(used + reserved),
        })
    }
    fn nvmlDeviceGetBAR1MemoryInfo(device: nvmlDevice_t, bar1Memory: *mut nvmlBAR1Memory_t) |c| {
        put(bar1Memory, bar1(c, device)?)
    }
    fn nvmlDeviceGetUtilizationRates(device: nvmlDevice_t, utilization: *mut nvmlUtilization_t) |c| {
        let now = &c.m.gpu_without_mig(device)?.readings;
        put(utilization, nvmlUtilization_t { gpu: now.util_gpu, memory: now.util_memory })
    }
    fn nvmlDeviceGetEncoderUtilization(device: nvmlDevice_t, utilization: *mut c_uint, samplingPeriodUs: *mut c_uint) |c| {
        let s = c.m.gpu_without_mig(device)?.spec();
        if samplingPeriodUs.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(utilization, s.util_encoder)?;
        put(samplingPeriodUs, 167_000)
    }
    fn nvmlDeviceGetDecoderUtilization(device: nvmlDevice_t, utilization: *mut c_uint, samplingPeriodUs: *mut c_uint) |c| {
        let s = c.m.gpu_without_mig(device)?.spec();
        if samplingPeriodUs.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(utilization, s.util_decoder)?;
        put(samplingPeriodUs, 167_000)
    }
    fn nvmlDeviceGetTemperature(device: nvmlDevice_t, sensorType: nvmlTemperatureSensors_t, temp: *mut c_uint) |c| {
        let now = &phys(c, device)?.readings;
        if sensorType != NVML_TEMPERATURE_GPU {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(temp, now.temperature)
    }
    fn nvmlDeviceGetTemperatureThreshold(device: nvmlDevice_t, thresholdType: nvmlTemperatureThresholds_t, temp: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        let v = match thresholdType {
            NVML_TEMPERATURE_THRESHOLD_SHUTDOWN => s.temp_shutdown,
            NVML_TEMPERATURE_THRESHOLD_SLOWDOWN => s.temp_slowdown,
            NVML_TEMPERATURE_THRESHOLD_MEM_MAX => s.temp_mem_max,
            NVML_TEMPERATURE_THRESHOLD_GPU_MAX => s.temp_gpu_max,
            t if t < NVML_TEMPERATURE_THRESHOLD_COUNT => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        if v == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(temp, v)
    }
    fn nvmlDeviceGetRunningProcessDetailList(device: nvmlDevice_t, plist: *mut nvmlProcessDetailList_t) |c| {
        let mut l = get(plist.cast_const())?;
        if l.version != nvmlProcessDetailList_v1 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let kinds: &[&str] = match l.mode {
            NVML_PROCESS_MODE_COMPUTE => &["compute"],
            NVML_PROCESS_MODE_GRAPHICS => &["graphics"],
            NVML_PROCESS_MODE_MPS => &["mps"],
            NVML_PROCESS_MODE_ALL => &["compute", "graphics", "mps"],
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        phys(c, device)?.support.check(Feature::ProcessDetailList)?;
        // In CC mode every byte of a process's memory is protected; the header says protected
        // memory is not reported in MIG mode.
        let cc = c.m.cc.as_ref().is_some_and(|cc| cc.enabled);
        let na = NVML_VALUE_NOT_AVAILABLE as u32;
        let mut list = Vec::new();
        for kind in kinds {
            for (p, at) in placed_processes(c, device, kind)? {
                list.push(nvmlProcessDetail_v1_t {
                    pid: p.pid,
                    usedGpuMemory: p.used_memory,
                    gpuInstanceId: at.map_or(na, |a| a.0),
                    computeInstanceId: at.map_or(na, |a| a.1),
                    usedGpuCcProtectedMemory: if cc && at.is_none() { p.used_memory } else { 0 },
                });
            }
        }
        // `numProcArrayEntries` is the capacity of `procArray` in and the count out.
        let count = std::ptr::addr_of_mut!(l.numProcArrayEntries);
        let r = put_array(count, l.procArray, &list, c.hostile);
        put(plist, l)?;
        r
    }
    fn nvmlDeviceGetSramEccErrorStatus(device: nvmlDevice_t, status: *mut nvmlEccSramErrorStatus_t) |c| {
        let g = phys(c, device)?;
        let mut s = get(status.cast_const())?;
        if s.version != nvmlEccSramErrorStatus_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::SramEcc)?;
        // No SRAM errors and the field-diagnostic threshold not exceeded, as on the real H100 of
        // captures/qx-h100.xml (sram_* 0, sram_threshold_exceeded No).
        s = nvmlEccSramErrorStatus_t {
            version: s.version,
            ..Default::default()
        };
        put(status, s)
    }
    fn nvmlDeviceGetRemappedRows_v2(device: nvmlDevice_t, info: *mut nvmlRemappedRowsInfo_v2_t) |c| {
        let g = remapper(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::RemappedRows)?;
        let s = g.spec();
        put(info, nvmlRemappedRowsInfo_v2_t {
            corrActiveRemaps: s.remapped_rows_correctable,
            corrInactiveRemaps: 0,
            uncActiveRemaps: s.remapped_rows_uncorrectable,
            uncInactiveRemaps: 0,
            bPending: 0,
            bFailureOccurred: 0,
        })
    }
    fn nvmlDeviceGetFanControlPolicy_v2(device: nvmlDevice_t, fan: c_uint, policy: *mut nvmlFanControlPolicy_t) |c| {
        let fans = phys(c, device)?.spec().fans.len();
        if fans == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if fan as usize >= fans {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // The driver's temperature-driven curve: the profile's fans are never set by hand.
        put(policy, NVML_FAN_POLICY_TEMPERATURE_CONTINOUS_SW)
    }
    fn nvmlDeviceGetEncoderCapacity(device: nvmlDevice_t, encoderQueryType: nvmlEncoderType_t, encoderCapacity: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        if s.nvenc_count == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if encoderQueryType > NVML_ENCODER_QUERY_AV1 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // No encoder session runs on the profiles: the whole capacity is free.
        put(encoderCapacity, 100 - s.util_encoder.min(100))
    }
    fn nvmlDeviceGetMarginTemperature(device: nvmlDevice_t, marginTempInfo: *mut nvmlMarginTemperature_t) |c| {
        let g = phys(c, device)?;
        let mut m = get(marginTempInfo.cast_const())?;
        if m.version != nvmlMarginTemperature_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        // The T.Limit reading: how far the GPU is below its maximum operating temperature
        // (captures/qx-h100.xml: `gpu_temp_tlimit` 58 C at `gpu_temp` 29 C on a GPU whose
        // maximum is 87 C).
        m.marginTemperature = margin_temperature(g)?;
        put(marginTempInfo, m)
    }
    fn nvmlDeviceGetNumFans(device: nvmlDevice_t, numFans: *mut c_uint) |c| {
        let n = phys(c, device)?.spec().fans.len() as u32;
        put(numFans, n)
    }
    fn nvmlDeviceGetFanSpeed(device: nvmlDevice_t, speed: *mut c_uint) |c| {
        let v = *phys(c, device)?.spec().fans.first().ok_or(NVML_ERROR_NOT_SUPPORTED)?;
        put(speed, v)
    }
    fn nvmlDeviceGetFanSpeed_v2(device: nvmlDevice_t, fan: c_uint, speed: *mut c_uint) |c| {
        let fans = &phys(c, device)?.spec().fans;
        if fans.is_empty() {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let v = *fans.get(fan as usize).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        put(speed, v)
    }
    fn nvmlDeviceGetPowerUsage(device: nvmlDevice_t, power: *mut c_uint) |c| {
        put(power, phys(c, device)?.readings.power_usage_mw)
    }
    fn nvmlDeviceGetPowerManagementMode(device: nvmlDevice_t, mode: *mut nvmlEnableState_t) |c| {
        phys(c, device)?;
        put(mode, NVML_FEATURE_ENABLED)
    }
    fn nvmlDeviceGetPowerManagementLimit(device: nvmlDevice_t, limit: *mut c_uint) |c| {
        put(limit, phys(c, device)?.power_limit_mw)
    }
    fn nvmlDeviceGetEnforcedPowerLimit(device: nvmlDevice_t, limit: *mut c_uint) |c| {
        put(limit, phys(c, device)?.power_limit_mw)
    }
    fn nvmlDeviceGetPowerManagementDefaultLimit(device: nvmlDevice_t, defaultLimit: *mut c_uint) |c| {
        put(defaultLimit, phys(c, device)?.spec().power_default_limit_mw)
    }
    fn nvmlDeviceGetPowerManagementLimitConstraints(device: nvmlDevice_t, minLimit: *mut c_uint, maxLimit: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        if maxLimit.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(minLimit, s.power_min_limit_mw)?;
        put(maxLimit, s.power_max_limit_mw)
    }
    fn nvmlDeviceGetTotalEnergyConsumption(device: nvmlDevice_t, energy: *mut c_ulonglong) |c| {
        let g = phys(c, device)?;
        put(energy, c.m.energy_mj(g))
    }
    fn nvmlDeviceGetClockInfo(device: nvmlDevice_t, type_: nvmlClockType_t, clock: *mut c_uint) |c| {
        put(clock, clock_of(phys(c, device)?, type_, false)?)
    }
    fn nvmlDeviceGetMaxClockInfo(device: nvmlDevice_t, type_: nvmlClockType_t, clock: *mut c_uint) |c| {
        put(clock, clock_of(phys(c, device)?, type_, true)?)
    }
    fn nvmlDeviceGetApplicationsClock(device: nvmlDevice_t, clockType: nvmlClockType_t, clockMHz: *mut c_uint) |c| {
        put(clockMHz, app_clock(phys(c, device)?, clockType, false)?)
    }
    fn nvmlDeviceGetDefaultApplicationsClock(device: nvmlDevice_t, clockType: nvmlClockType_t, clockMHz: *mut c_uint) |c| {
        put(clockMHz, app_clock(phys(c, device)?, clockType, true)?)
    }
    fn nvmlDeviceGetMaxCustomerBoostClock(device: nvmlDevice_t, clockType: nvmlClockType_t, clockMHz: *mut c_uint) |c| {
        put(clockMHz, clock_of(phys(c, device)?, clockType, true)?)
    }
    fn nvmlDeviceGetClock(device: nvmlDevice_t, clockType: nvmlClockType_t, clockId: nvmlClockId_t, clockMHz: *mut c_uint) |c| {
        let g = phys(c, device)?;
        let v = match clockId {
            NVML_CLOCK_ID_CURRENT => clock_of(g, clockType, false)?,
            NVML_CLOCK_ID_APP_CLOCK_TARGET => app_clock(g, clockType, false)?,
            NVML_CLOCK_ID_APP_CLOCK_DEFAULT => app_clock(g, clockType, true)?,
            NVML_CLOCK_ID_CUSTOMER_BOOST_MAX => clock_of(g, clockType, true)?,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(clockMHz, v)
    }
    fn nvmlDeviceGetSupportedMemoryClocks(device: nvmlDevice_t, count: *mut c_uint, clocksMHz: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        let mut list = vec![s.max_mem];
        list.extend(s.low_mem_clocks.iter().map(|l| l.mhz));
        put_array(count, clocksMHz, &list, c.hostile)
    }
    fn nvmlDeviceGetSupportedGraphicsClocks(device: nvmlDevice_t, memoryClockMHz: c_uint, count: *mut c_uint, clocksMHz: *mut c_uint) |c| {
        let list = phys(c, device)?.spec().supported_graphics_clocks(memoryClockMHz).ok_or(NVML_ERROR_NOT_FOUND)?;
        put_array(count, clocksMHz, &list, c.hostile)
    }
    fn nvmlDeviceGetPerformanceState(device: nvmlDevice_t, pState: *mut nvmlPstates_t) |c| {
        let p = phys(c, device)?.readings.pstate;
        put(pState, c.enum_value(p, 77))
    }
    fn nvmlDeviceGetPowerState(device: nvmlDevice_t, pState: *mut nvmlPstates_t) |c| {
        let g = phys(c, device)?;
        g.support.check(Feature::PowerState)?;
        let p = g.readings.pstate;
        put(pState, c.enum_value(p, 77))
    }
    fn nvmlDeviceGetCurrentClocksEventReasons(device: nvmlDevice_t, clocksEventReasons: *mut c_ulonglong) |c| {
        put(clocksEventReasons, clocks_event_reasons(phys(c, device)?))
    }
    fn nvmlDeviceGetCurrentClocksThrottleReasons(device: nvmlDevice_t, clocksThrottleReasons: *mut c_ulonglong) |c| {
        put(clocksThrottleReasons, clocks_event_reasons(phys(c, device)?))
    }
    fn nvmlDeviceGetSupportedClocksEventReasons(device: nvmlDevice_t, supportedClocksEventReasons: *mut c_ulonglong) |c| {
        phys(c, device)?;
        put(supportedClocksEventReasons, 0x1ff)
    }
    fn nvmlDeviceGetSupportedClocksThrottleReasons(device: nvmlDevice_t, supportedClocksThrottleReasons: *mut c_ulonglong) |c| {
        phys(c, device)?;
        put(supportedClocksThrottleReasons, 0x1ff)
    }
    fn nvmlDeviceGetPersistenceMode(device: nvmlDevice_t, mode: *mut nvmlEnableState_t) |c| {
        let on = phys(c, device)?.persistence;
        put(mode, if on { NVML_FEATURE_ENABLED } else { NVML_FEATURE_DISABLED })
    }
    fn nvmlDeviceGetComputeMode(device: nvmlDevice_t, mode: *mut nvmlComputeMode_t) |c| {
        let m = phys(c, device)?.compute_mode;
        put(mode, c.enum_value(m, NVML_COMPUTEMODE_COUNT + 5))
    }
    fn nvmlDeviceGetDisplayMode(device: nvmlDevice_t, display: *mut nvmlEnableState_t) |c| {
        let g = phys(c, device)?;
        g.support.check(Feature::DisplayMode)?;
        put(display, u32::from(g.spec().display_mode))
    }
    fn nvmlDeviceGetDisplayActive(device: nvmlDevice_t, isActive: *mut nvmlEnableState_t) |c| {
        phys(c, device)?;
        put(isActive, NVML_FEATURE_DISABLED)
    }
    fn nvmlDeviceGetEccMode(device: nvmlDevice_t, current: *mut nvmlEnableState_t, pending: *mut nvmlEnableState_t) |c| {
        let g = phys(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if pending.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(current, u32::from(g.ecc_current))?;
        put(pending, u32::from(g.ecc_pending))
    }
    fn nvmlDeviceGetDefaultEccMode(device: nvmlDevice_t, defaultMode: *mut nvmlEnableState_t) |c| {
        let g = phys(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(defaultMode, NVML_FEATURE_ENABLED)
    }
    fn nvmlDeviceGetTotalEccErrors(device: nvmlDevice_t, errorType: nvmlMemoryErrorType_t, counterType: nvmlEccCounterType_t, eccCounts: *mut c_ulonglong) |c| {
        put(eccCounts, ecc_total(phys(c, device)?, errorType, counterType)?)
    }
    fn nvmlDeviceGetMemoryErrorCounter(device: nvmlDevice_t, errorType: nvmlMemoryErrorType_t, counterType: nvmlEccCounterType_t, locationType: nvmlMemoryLocation_t, count: *mut c_ulonglong) |c| {
        // nvml.h, on MIG-enabled GPUs: a MIG device handle reads its instance's non-DRAM
        // uncorrectable volatile counts (none are ever injected into an instance: 0); the
        // GPU's handle reads no volatile counts.
        let g = gpu(c, device)?;
        let volatile = counterType == NVML_VOLATILE_ECC;
        if matches!(device_ref(device), Some(DeviceRef::Mig(..))) {
            ecc_total(g, errorType, counterType)?;
            if locationType >= NVML_MEMORY_LOCATION_COUNT {
                return Err(NVML_ERROR_INVALID_ARGUMENT);
            }
            let per_instance = errorType == NVML_MEMORY_ERROR_TYPE_UNCORRECTED
                && volatile
                && locationType != NVML_MEMORY_LOCATION_DRAM;
            return if per_instance { put(count, 0) } else { Err(NVML_ERROR_NOT_SUPPORTED) };
        }
        if g.mig_current && volatile {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let total = ecc_total(phys(c, device)?, errorType, counterType)?;
        let v = match locationType {
            NVML_MEMORY_LOCATION_DRAM => total,
            l if l < NVML_MEMORY_LOCATION_COUNT => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(count, v)
    }
    fn nvmlDeviceGetRetiredPages(device: nvmlDevice_t, cause: nvmlPageRetirementCause_t, pageCount: *mut c_uint, addresses: *mut c_ulonglong) |c| {
        let s = phys(c, device)?.spec();
        if !s.ecc_supported || !s.page_retirement {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let list = match cause {
            NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS => &s.retired_pages_sbe,
            NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR => &s.retired_pages_dbe,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put_array(pageCount, addresses, list, c.hostile)
    }
    fn nvmlDeviceGetRetiredPages_v2(device: nvmlDevice_t, cause: nvmlPageRetirementCause_t, pageCount: *mut c_uint, addresses: *mut c_ulonglong, timestamps: *mut c_ulonglong) |c| {
        let s = phys(c, device)?.spec();
        if !s.ecc_supported || !s.page_retirement {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let list = match cause {
            NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS => &s.retired_pages_sbe,
            NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR => &s.retired_pages_dbe,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        let cap = get(pageCount)?;
        put_array(pageCount, addresses, list, c.hostile)?;
        let stamps: Vec<u64> = list.iter().map(|_| 1_700_000_000).collect();
        let mut n = cap;
        put_array(&mut n, timestamps, &stamps, c.hostile)
    }
    fn nvmlDeviceGetRetiredPagesPendingStatus(device: nvmlDevice_t, isPending: *mut nvmlEnableState_t) |c| {
        let s = phys(c, device)?.spec();
        if !s.ecc_supported || !s.page_retirement {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(isPending, NVML_FEATURE_DISABLED)
    }
    fn nvmlDeviceGetRemappedRows(device: nvmlDevice_t, corrRows: *mut c_uint, uncRows: *mut c_uint, isPending: *mut c_uint, failureOccurred: *mut c_uint) |c| {
        let g = remapper(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::RemappedRows)?;
        let s = g.spec();
        if uncRows.is_null() || isPending.is_null() || failureOccurred.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(corrRows, s.remapped_rows_correctable)?;
        put(uncRows, s.remapped_rows_uncorrectable)?;
        put(isPending, 0)?;
        put(failureOccurred, 0)
    }
    fn nvmlDeviceGetComputeRunningProcesses(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v1_t) |c| {
        procs_v1(c, device, "compute", infoCount, infos)
    }
    fn nvmlDeviceGetComputeRunningProcesses_v2(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v2_t) |c| {
        procs_v2(c, device, "compute", infoCount, infos)
    }
    fn nvmlDeviceGetComputeRunningProcesses_v3(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_t) |c| {
        procs_v2(c, device, "compute", infoCount, infos)
    }
    fn nvmlDeviceGetGraphicsRunningProcesses(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v1_t) |c| {
        procs_v1(c, device, "graphics", infoCount, infos)
    }
    fn nvmlDeviceGetGraphicsRunningProcesses_v2(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v2_t) |c| {
        procs_v2(c, device, "graphics", infoCount, infos)
    }
    fn nvmlDeviceGetGraphicsRunningProcesses_v3(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_t) |c| {
        procs_v2(c, device, "graphics", infoCount, infos)
    }
    fn nvmlDeviceGetMPSComputeRunningProcesses(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v1_t) |c| {
        procs_v1(c, device, "mps", infoCount, infos)
    }
    fn nvmlDeviceGetMPSComputeRunningProcesses_v2(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v2_t) |c| {
        procs_v2(c, device, "mps", infoCount, infos)
    }
    fn nvmlDeviceGetMPSComputeRunningProcesses_v3(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_t) |c| {
        procs_v2(c, device, "mps", infoCount, infos)
    }
    fn nvmlDeviceGetTopologyCommonAncestor(device1: nvmlDevice_t, device2: nvmlDevice_t, pathInfo: *mut nvmlGpuTopologyLevel_t) |c| {
        let a = c.m.gpu_index(device1)?;
        let b = c.m.gpu_index(device2)?;
        let (ga, gb) = (phys(c, device1)?, phys(c, device2)?);
        put(pathInfo, c.enum_value(topology(ga, a, gb, b), 60))
    }
    fn nvmlDeviceGetTopologyNearestGpus(device: nvmlDevice_t, level: nvmlGpuTopologyLevel_t, count: *mut c_uint, deviceArray: *mut nvmlDevice_t) |c| {
        let me = c.m.gpu_index(device)?;
        let g = phys(c, device)?;
        if level > NVML_TOPOLOGY_SYSTEM {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let list: Vec<nvmlDevice_t> = c
            .m
            .gpus
            .iter()
            .enumerate()
            .filter(|(i, h)| *i != me && topology(g, me, h, *i) <= level)
            .map(|(i, _)| device_handle(i))
            .collect();
        // nvml.h: a zero `*count` asks for the number of matching GPUs (SUCCESS, nothing
        // written); a non-zero one is the capacity of `deviceArray`, filled with up to that
        // many handles. There is no INSUFFICIENT_SIZE in this function's contract.
        let cap = get(count)?;
        if cap == 0 {
            return put(count, u32::try_from(list.len()).unwrap_or(u32::MAX));
        }
        let fit = list.get(..list.len().min(cap as usize)).unwrap_or(&[]);
        put_array(count, deviceArray, fit, c.hostile)
    }
    fn nvmlDeviceGetP2PStatus(device1: nvmlDevice_t, device2: nvmlDevice_t, p2pIndex: nvmlGpuP2PCapsIndex_t, p2pStatus: *mut nvmlGpuP2PStatus_t) |c| {
        let (a, b) = (phys(c, device1)?, phys(c, device2)?);
        let _ = p2pIndex;
        let ok = a.spec().nvlink_count > 0 && b.spec().nvlink_count > 0;
        let status = if ok { NVML_P2P_STATUS_OK } else { NVML_P2P_STATUS_NOT_SUPPORTED };
        put(p2pStatus, c.enum_value(status, 42))
    }
    fn nvmlDeviceGetCpuAffinity(device: nvmlDevice_t, cpuSetSize: c_uint, cpuSet: *mut c_ulong) |c| {
        cpu_affinity(c, device, cpuSetSize, cpuSet)
    }
    fn nvmlDeviceGetCpuAffinityWithinScope(device: nvmlDevice_t, cpuSetSize: c_uint, cpuSet: *mut c_ulong, scope: nvmlAffinityScope_t) |c| {
        if scope > NVML_AFFINITY_SCOPE_SOCKET {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        cpu_affinity(c, device, cpuSetSize, cpuSet)
    }
    fn nvmlDeviceGetMemoryAffinity(device: nvmlDevice_t, nodeSetSize: c_uint, nodeSet: *mut c_ulong, scope: nvmlAffinityScope_t) |c| {
        let g = phys(c, device)?;
        if scope > NVML_AFFINITY_SCOPE_SOCKET || nodeSet.is_null() || nodeSetSize == 0 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let node = c.m.cpus.memory_node(g.spec().numa_node);
        put_bit_set(nodeSet, nodeSetSize, node.as_slice())
    }
    fn nvmlDeviceGetNumaNodeId(device: nvmlDevice_t, node: *mut c_uint) |c| {
        // "Only applies to platforms where the GPUs are NUMA nodes" (nvml.h): the GPU's own
        // memory node, not the host node it sits near.
        match phys(c, device)?.spec().gpu_numa_node {
            Some(n) => put(node, n),
            None => Err(NVML_ERROR_NOT_SUPPORTED),
        }
    }
    fn nvmlDeviceOnSameBoard(device1: nvmlDevice_t, device2: nvmlDevice_t, onSameBoard: *mut c_int) |c| {
        let a = c.m.gpu_index(device1)?;
        let b = c.m.gpu_index(device2)?;
        put(onSameBoard, c_int::from(a == b))
    }
    fn nvmlDeviceGetNvLinkState(device: nvmlDevice_t, link: c_uint, isActive: *mut nvmlEnableState_t) |c| {
        nvlink_active(phys(c, device)?, link)?;
        put(isActive, NVML_FEATURE_ENABLED)
    }
    fn nvmlDeviceGetNvLinkVersion(device: nvmlDevice_t, link: c_uint, version: *mut c_uint) |c| {
        let g = phys(c, device)?;
        nvlink_active(g, link)?;
        put(version, g.spec().nvlink_version)
    }
    fn nvmlDeviceGetNvLinkCapability(device: nvmlDevice_t, link: c_uint, capability: nvmlNvLinkCapability_t, capResult: *mut c_uint) |c| {
        nvlink_active(phys(c, device)?, link)?;
        let v = match capability {
            NVML_NVLINK_CAP_P2P_SUPPORTED | NVML_NVLINK_CAP_P2P_ATOMICS | NVML_NVLINK_CAP_VALID => 1,
            NVML_NVLINK_CAP_SYSMEM_ACCESS | NVML_NVLINK_CAP_SYSMEM_ATOMICS | NVML_NVLINK_CAP_SLI_BRIDGE => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(capResult, v)
    }
    fn nvmlDeviceGetNvLinkRemotePciInfo_v2(device: nvmlDevice_t, link: c_uint, pci: *mut nvmlPciInfo_t) |c| {
        let g = phys(c, device)?;
        nvlink_active(g, link)?;
        put(pci, nvswitch_pci(c, g, link))
    }
    fn nvmlDeviceGetNvLinkRemotePciInfo(device: nvmlDevice_t, link: c_uint, pci: *mut nvmlPciInfo_t) |c| {
        let g = phys(c, device)?;
        nvlink_active(g, link)?;
        put(pci, nvswitch_pci(c, g, link))
    }
    fn nvmlDeviceGetNvLinkRemoteDeviceType(device: nvmlDevice_t, link: c_uint, pNvLinkDeviceType: *mut nvmlIntNvLinkDeviceType_t) |c| {
        nvlink_active(phys(c, device)?, link)?;
        put(pNvLinkDeviceType, c.enum_value(NVML_NVLINK_DEVICE_TYPE_SWITCH, 0x55))
    }
    fn nvmlDeviceGetNvLinkErrorCounter(device: nvmlDevice_t, link: c_uint, counter: nvmlNvLinkErrorCounter_t, counterValue: *mut c_ulonglong) |c| {
        nvlink_active(phys(c, device)?, link)?;
        let g = phys(c, device)?;
        let v = g
            .nvlink_errors
            .get(link as usize)
            .and_then(|e| e.get(counter as usize))
            .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        put(counterValue, *v)
    }
    fn nvmlDeviceGetFieldValues(device: nvmlDevice_t, valuesCount: c_int, values: *mut nvmlFieldValue_t) |c| {
        let g = phys(c, device)?;
        if values.is_null() || valuesCount < 0 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // CPU time in microseconds since 1970 (nvml.h), on the machine's clock.
        let now = i64::try_from(c.m.wall_us()).unwrap_or(i64::MAX);
        for i in 0..valuesCount as usize {
            let p = values.wrapping_add(i);
            let mut v: nvmlFieldValue_t = get(p)?;
            v.timestamp = now;
            v.latencyUsec = 0;
            let id = header_field_id(&c.m.profile.driver_version, v.fieldId);
            match field(c, g, id, v.scopeId) {
                Ok((t, val)) => {
                    v.nvmlReturn = NVML_SUCCESS;
                    v.valueType = t;
                    v.value = val;
                }
                Err(e) => v.nvmlReturn = e,
            }
            put(p, v)?;
        }
        Ok(())
    }
    fn nvmlDeviceGetSamples(device: nvmlDevice_t, type_: nvmlSamplingType_t, lastSeenTimeStamp: c_ulonglong, sampleValType: *mut nvmlValueType_t, sampleCount: *mut c_uint, samples_: *mut nvmlSample_t) |c| {
        let g = phys(c, device)?;
        // nvml.h: on MIG-enabled GPUs the GPU, memory, encoder and decoder utilization
        // samples are not supported.
        let utilization = matches!(type_, NVML_GPU_UTILIZATION_SAMPLES | NVML_MEMORY_UTILIZATION_SAMPLES | NVML_ENC_UTILIZATION_SAMPLES | NVML_DEC_UTILIZATION_SAMPLES);
        if g.mig_current && utilization {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let (vt, list) = samples(c, g, type_, lastSeenTimeStamp)?;
        if sampleCount.is_null() || sampleValType.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(sampleValType, vt)?;
        if samples_.is_null() {
            // Size query: the most samples the buffer can hold.
            return put(sampleCount, 20);
        }
        if list.is_empty() {
            put(sampleCount, 0)?;
            return Err(NVML_ERROR_NOT_FOUND);
        }
        put_array(sampleCount, samples_, &list, c.hostile)
    }
    fn nvmlDeviceIsMigDeviceHandle(device: nvmlDevice_t, isMigDevice: *mut c_uint) |c| {
        c.m.gpu_index(device)?;
        put(isMigDevice, u32::from(matches!(device_ref(device), Some(DeviceRef::Mig(..)))))
    }
    fn nvmlDeviceGetVirtualizationMode(device: nvmlDevice_t, pVirtualMode: *mut nvmlGpuVirtualizationMode_t) |c| {
        let mode = phys(c, device)?.spec().virtualization_mode;
        put(pVirtualMode, c.enum_value(mode, 42))
    }
}

fn cpu_affinity(
    c: &Ctx<'_>,
    device: nvmlDevice_t,
    size: c_uint,
    set: *mut c_ulong,
) -> Result<(), nvmlReturn_t> {
    let g = phys(c, device)?;
    if set.is_null() || size == 0 {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    put_bit_set(set, size, c.m.cpus.cpus(g.spec().numa_node))
}

/// Writes `size` words of a bit set (bit `n % 64` of word `n / 64`) holding `members`.
fn put_bit_set(set: *mut c_ulong, size: c_uint, members: &[u32]) -> Result<(), nvmlReturn_t> {
    let bits = c_ulong::BITS;
    for w in 0..size as usize {
        let mut word: c_ulong = 0;
        for m in members {
            if (*m / bits) as usize == w {
                word |= 1 << (m % bits);
            }
        }
        put(set.wrapping_add(w), word)?;
    }
    Ok(())
}
