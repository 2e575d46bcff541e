//! Device queries: the device handles (count, by index, UUID, serial and PCI bus id) and a
//! GPU's identity (name, brand, architecture, compute capability, index, UUID, serial, board,
//! VBIOS and InfoROM versions), and the helpers the groups share. Every other group is a
//! submodule named as the wrapper's module for those functions (`nvml-wrapper/src/device/`),
//! so both sides of a C function are found by the same path.

mod accounting;
mod affinity;
mod board;
mod clocks;
mod cooling;
mod ecc;
mod engine_utilization;
mod fabric;
mod field_values;
mod memory;
mod mig;
mod modes;
mod nvlink;
mod nvlink_management;
mod pci;
mod performance;
mod power;
mod processes;
mod samples;
mod thermal;
mod topology;
mod utilization;
mod vgpu;

use std::ffi::{c_char, c_int, c_uint, c_ulong};

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::handles::{DeviceRef, device_handle, device_ref, mig_device_handle};
use crate::machine::{Gpu, Machine};
use crate::marshal::{arg_str, get, put, put_str};
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

/// The T.Limit reading: the GPU's maximum operating temperature less its temperature, °C
/// (`nvmlDeviceGetMarginTemperature` and nvidia-smi's export-table entry agree on it).
pub(crate) fn margin_temperature(g: &Gpu) -> Result<i32, nvmlReturn_t> {
    g.support.check(Feature::Tlimit)?;
    if g.spec().temp_gpu_max == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok((g.spec().temp_gpu_max as i32).wrapping_sub(g.readings.temperature as i32))
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
