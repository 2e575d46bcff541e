//! Reads a machine through NVML (the wrapper) into a profile of nvml-mock's format
//! (`nvml_mock::profile::Profile`, documented in `nvml-mock/FORMAT.md`).
//!
//! Each key is read back from the query the mock answers it with; a query that answers
//! `NOT_SUPPORTED` becomes the value the format uses for "not supported" (a 0 threshold, an
//! empty fan list, a `null` serial, ...). What a GPU supports is probed feature by feature
//! (`nvml_mock::support::Feature`) and written into its `support` object. Any other failure
//! is a [`SnapshotError`] naming the NVML function.

use std::collections::BTreeMap;

use nvml_mock::profile::{
    C2cSpec, ConfCompute, CpuAffinity, ExcludedGpu, FabricHealth, GiProfile, GpuSpec, LowMemClock,
    MigComputeSpec, MigInstanceSpec, ModulePower, ProcessSpec, Profile, UnitSpec, VgpuInstanceSpec,
    VgpuType, VmProcess,
};
use nvml_mock::support::{Answer, Feature, Overrides};
use nvml_wrapper::conf_compute::{CcFeature, CcGpusCapability};
use nvml_wrapper::device::Device;
use nvml_wrapper::device::Value;
use nvml_wrapper::enums::{
    AffinityScope, ClockType, EccCounterType, InforomObject, MemoryErrorType, PcieUtilCounter,
    RetirementCause, TemperatureSensor, TemperatureThreshold,
};
use nvml_wrapper::enums::{ComputeInstanceProfile, GpuInstanceProfile};
use nvml_wrapper::unit::UnitTemperatureSensor;
use nvml_wrapper::vgpu::VgpuPlacementMode;
use nvml_wrapper::{Nvml, NvmlError, sys};

/// Why a snapshot failed: the NVML function and its answer.
#[derive(Debug)]
pub struct SnapshotError(pub String);

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SnapshotError {}

impl From<NvmlError> for SnapshotError {
    fn from(e: NvmlError) -> Self {
        SnapshotError(format!("{} (while reading the machine)", e))
    }
}

type R<T> = Result<T, SnapshotError>;

/// What the snapshot cannot read through NVML.
#[derive(Clone, Debug)]
pub struct Options {
    /// The profile's `name`.
    pub name: String,
    /// The profile's `root` (whether the mock's caller is privileged: a property of the
    /// process that runs on the mock, not of the machine).
    pub root: bool,
    /// The profile's `cpu_affinity`: `Profile` keeps the machine's CPU masks exactly, `Host`
    /// fits them to the CPUs of the machine the mock runs on.
    pub cpu_affinity: CpuAffinity,
}

/// `Ok(None)` for `NOT_SUPPORTED`; any other error stays an error.
fn opt<T>(r: nvml_wrapper::Result<T>) -> R<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(NvmlError::NotSupported(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// How a probe answered: data, `NOT_SUPPORTED` or `DEPRECATED`; any other error stays one.
fn answer<T>(r: &nvml_wrapper::Result<T>) -> R<Answer> {
    match r {
        Ok(_) => Ok(Answer::Supported),
        Err(NvmlError::NotSupported(_)) => Ok(Answer::NotSupported),
        Err(NvmlError::Deprecated(_)) => Ok(Answer::Deprecated),
        Err(e) => Err(SnapshotError(format!("{e} (while reading the machine)"))),
    }
}

/// `Ok` data, else `None`, for a query whose "no" is `NOT_SUPPORTED` or `DEPRECATED`.
fn value<T>(r: nvml_wrapper::Result<T>) -> R<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(NvmlError::NotSupported(_) | NvmlError::Deprecated(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// One field value of GPU scope 0: `Ok(Some)` data, `Ok(None)` `NOT_SUPPORTED`.
fn field(d: &Device<'_>, id: u32, scope: u32) -> R<Option<Value>> {
    let list = d.scoped_field_values(&[(id, scope)])?;
    let Some(f) = list.into_iter().next() else {
        return Err(SnapshotError(format!(
            "nvmlDeviceGetFieldValues: no answer for field {id}"
        )));
    };
    match f.value {
        Ok(v) => Ok(Some(v)),
        Err(NvmlError::NotSupported(_)) => Ok(None),
        Err(e) => Err(SnapshotError(format!("{e} (field {id}, scope {scope})"))),
    }
}

fn field_u32(d: &Device<'_>, id: u32, scope: u32) -> R<Option<u32>> {
    Ok(field(d, id, scope)?
        .and_then(|v| v.as_u64())
        .and_then(|v| u32::try_from(v).ok()))
}

fn field_i32(d: &Device<'_>, id: u32) -> R<Option<i32>> {
    Ok(field(d, id, 0)?
        .and_then(|v| v.as_i64())
        .and_then(|v| i32::try_from(v).ok()))
}

const MIB: u64 = 1024 * 1024;

/// Reads the whole machine.
pub fn snapshot(nvml: &Nvml, options: &Options) -> R<Profile> {
    let count = nvml.device_count()?;
    let mut devices = Vec::new();
    for i in 0..count {
        devices.push(nvml.device_by_index(i)?);
    }
    let cuda = nvml.cuda_driver_version()?;
    let mut gpus = Vec::new();
    for d in &devices {
        gpus.push(gpu(nvml, d)?);
    }
    let (cpu_count, numa_cpus) = cpus(nvml, &devices, &mut gpus)?;
    let units = units(nvml)?;
    let excluded_gpus = excluded_gpus(nvml)?;
    let (vgpu_types, vgpu_instances) = vgpus(&devices, &mut gpus)?;
    let vgpu_version = match opt(nvml.vgpu_version())? {
        Some(v) => (v.supported.min, v.supported.max),
        None => (0, 0),
    };
    let conf_compute = conf_compute(nvml, &devices, &mut gpus)?;
    Ok(Profile {
        name: options.name.clone(),
        driver_version: nvml.driver_version()?,
        nvml_version: nvml.nvml_version()?,
        cuda_driver_version: i32::try_from(cuda.major * 1000 + cuda.minor * 10).unwrap_or(0),
        root: options.root,
        cpu_count,
        numa_cpus,
        cpu_affinity: options.cpu_affinity,
        gpus,
        vgpu_types,
        vgpu_instances,
        vgpu_version,
        conf_compute,
        units,
        excluded_gpus,
        dynamic: None,
    })
}

/// The host's CPUs as NVML shows them: each NUMA node a GPU sits near has the CPUs of that
/// GPU's affinity; CPUs that `nvmlSystemGetTopologyGpuSet` knows but no GPU's node holds
/// form one more node; `cpu_count` is one past the highest CPU seen. A GPU's node is its
/// memory affinity's where each such node has one CPU mask, else (the masks split what the
/// memory affinity does not, as on a host with fewer NUMA nodes than the machine) one node
/// per distinct mask; `gpus[i].numa_node` is set to match.
fn cpus(nvml: &Nvml, devices: &[Device<'_>], gpus: &mut [GpuSpec]) -> R<(u32, Vec<Vec<u32>>)> {
    let mut masks = Vec::new();
    for d in devices {
        let words = d.cpu_affinity_within_scope(CPU_WORDS, AffinityScope::Node)?;
        let cpus: Vec<u32> = words
            .iter()
            .enumerate()
            .flat_map(|(w, bits)| {
                (0..64u32)
                    .filter(move |b| bits >> b & 1 == 1)
                    .map(move |b| w as u32 * 64 + b)
            })
            .collect();
        masks.push(cpus);
    }
    let memory_nodes_agree = gpus.iter().zip(&masks).all(|(a, ma)| {
        gpus.iter().zip(&masks).all(|(b, mb)| {
            a.numa_node < 0 || b.numa_node < 0 || (a.numa_node == b.numa_node) == (ma == mb)
        })
    });
    if !memory_nodes_agree {
        let mut distinct: Vec<&Vec<u32>> = Vec::new();
        for (g, m) in gpus.iter_mut().zip(&masks) {
            if g.numa_node < 0 {
                continue;
            }
            let k = match distinct.iter().position(|x| *x == m) {
                Some(k) => k,
                None => {
                    distinct.push(m);
                    distinct.len() - 1
                }
            };
            g.numa_node = i32::try_from(k).unwrap_or(0);
        }
    }
    let mut nodes: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    let mut highest = None;
    for (g, cpus) in gpus.iter().zip(masks) {
        highest = highest.max(cpus.last().copied());
        if let Ok(node) = usize::try_from(g.numa_node) {
            nodes.insert(node, cpus);
        }
    }
    let mut others = Vec::new();
    for cpu in 0..(CPU_WORDS as u32 * 64) {
        match nvml.topology_gpu_set(cpu) {
            Ok(_) => {
                highest = highest.max(Some(cpu));
                if !nodes.values().any(|n| n.contains(&cpu)) {
                    others.push(cpu);
                }
            }
            Err(NvmlError::InvalidArgument(_)) => {}
            Err(NvmlError::NotSupported(_)) => break,
            Err(e) => return Err(e.into()),
        }
    }
    let mut numa_cpus: Vec<Vec<u32>> = (0..nodes.keys().next_back().map_or(0, |k| k + 1))
        .map(|k| nodes.get(&k).cloned().unwrap_or_default())
        .collect();
    if !others.is_empty() {
        match numa_cpus.iter_mut().find(|n| n.is_empty()) {
            Some(free) => *free = others,
            None => numa_cpus.push(others),
        }
    }
    Ok((highest.map_or(1, |h| h + 1), numa_cpus))
}

/// Words of the CPU masks read (64 CPUs each).
const CPU_WORDS: usize = 16;

fn gpu(nvml: &Nvml, d: &Device<'_>) -> R<GpuSpec> {
    let arch = d.architecture()?.as_raw();
    let pci = d.pci_info()?;
    let cc = d.cuda_compute_capability()?;
    let memory = d.memory_info()?;
    let bar1 = d.bar1_memory_info()?;
    // With MIG on, utilization is per MIG device: the whole GPU's answers NOT_SUPPORTED.
    let util = opt(d.utilization_rates())?;
    let threshold = |t| Ok::<_, SnapshotError>(opt(d.temperature_threshold(t))?.unwrap_or(0));
    let fans = match d.num_fans() {
        Ok(n) => (0..n)
            .map(|f| d.fan_speed(f))
            .collect::<Result<Vec<_>, _>>()?,
        Err(NvmlError::NotSupported(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let limits = d.power_management_limit_constraints()?;
    let clock = |t| d.clock_info(t);
    let max = |t| d.max_clock_info(t);
    let app_default = (
        value(d.default_applications_clock(ClockType::Graphics))?,
        value(d.default_applications_clock(ClockType::Memory))?,
    );
    let max_mem = max(ClockType::Memory)?;
    let max_graphics = max(ClockType::Graphics)?;
    let (min_graphics, graphics_step_khz, low_mem_clocks) =
        supported_clocks(d, max_mem, max_graphics)?;
    let ecc = opt(d.ecc_mode())?;
    let ecc_count = |e, k| Ok::<_, SnapshotError>(opt(d.total_ecc_errors(e, k))?.unwrap_or(0));
    let retired = |cause| opt(d.retired_pages(cause));
    let sbe = retired(RetirementCause::MultipleSingleBitEccErrors)?;
    let dbe = retired(RetirementCause::DoubleBitEccError)?;
    let remapped = opt(d.remapped_rows())?;
    let nvlink_count = field_u32(d, sys::NVML_FI_DEV_NVLINK_LINK_COUNT, 0)?.unwrap_or(0);
    let nvlink_version = if nvlink_count > 0 {
        u32::from(d.nvlink_version(0)?)
    } else {
        sys::NVML_NVLINK_VERSION_INVALID
    };
    let nvlink_speed_mbps =
        field_u32(d, sys::NVML_FI_DEV_NVLINK_SPEED_MBPS_COMMON, 0)?.unwrap_or(0);
    let mut nvlink_errors = Vec::new();
    for link in 0..nvlink_count {
        let mut counters = [0u64; 5];
        for (slot, counter) in counters
            .iter_mut()
            .zip(nvml_wrapper::enums::NvLinkErrorCounter::ALL)
        {
            *slot = d.nvlink_error_counter(link, *counter)?;
        }
        if counters.iter().any(|&c| c != 0) {
            nvlink_errors.push((link, counters));
        }
    }
    let mig = opt(d.mig_mode())?;
    let (processes, process_memory) = processes(nvml, d)?;
    let mig_table = mig_profiles(d, mig.is_some_and(|m| m.current), memory.total)?;
    // A running VM holds its type's whole framebuffer.
    let mut vgpu_fb = 0u64;
    for v in opt(d.active_vgpus())?.unwrap_or_default() {
        vgpu_fb = vgpu_fb.saturating_add(v.vgpu_type()?.framebuffer_size()?);
    }
    let (total, reserved) = (memory.total, memory.reserved);
    // With MIG on, what runs is what the GPU instances hold (their contexts and processes).
    let running = if mig.is_some_and(|m| m.current) {
        gpu_instances_memory(d)?
    } else {
        process_memory
    };
    let overhead = memory.used.saturating_sub(running + vgpu_fb);
    let support = support(d, arch)?;
    let tlimit_margins = [
        field_i32(d, sys::NVML_FI_DEV_TEMPERATURE_SHUTDOWN_TLIMIT)?,
        field_i32(d, sys::NVML_FI_DEV_TEMPERATURE_SLOWDOWN_TLIMIT)?,
        field_i32(d, sys::NVML_FI_DEV_TEMPERATURE_MEM_MAX_TLIMIT)?,
        field_i32(d, sys::NVML_FI_DEV_TEMPERATURE_GPU_MAX_TLIMIT)?,
    ];
    let module_power = module_power(d)?;
    let c2c = match field_u32(d, sys::NVML_FI_DEV_C2C_LINK_COUNT, 0)? {
        Some(links) => Some(C2cSpec {
            links,
            link_bandwidth_mbps: field_u32(d, sys::NVML_FI_DEV_C2C_LINK_GET_MAX_BW, 0)?
                .unwrap_or(0),
        }),
        None => None,
    };
    let power_smoothing = match d
        .scoped_field_values(&[(sys::NVML_FI_PWR_SMOOTHING_ENABLED, 0)])?
        .into_iter()
        .next()
        .map(|f| f.value)
    {
        Some(Ok(_) | Err(NvmlError::NoPermission(_))) => true,
        Some(Err(NvmlError::NotSupported(_))) | None => false,
        Some(Err(e)) => return Err(e.into()),
    };
    let fabric = opt(d.gpu_fabric_info())?;
    let pcie_max_gen = d.max_pcie_link_generation()?;
    let device_gen = d.gpu_max_pcie_link_generation()?;
    Ok(GpuSpec {
        name: d.name()?,
        brand: d.brand()?.as_raw(),
        architecture: arch,
        cuda_cc: (cc.major, cc.minor),
        uuid: d.uuid()?,
        serial: opt(d.serial())?,
        board_id: d.board_id()?,
        board_part_number: d.board_part_number()?,
        gpu_part_number: String::new(),
        addressing_mode: opt(d.addressing_mode())?
            .map_or(sys::NVML_DEVICE_ADDRESSING_MODE_NONE, |m| m.as_raw()),
        minor_number: d.minor_number()?,
        pci_domain: pci.domain,
        pci_bus: pci.bus,
        pci_device: pci.device,
        pci_device_id: pci.pci_device_id,
        pci_subsystem_id: pci.pci_subsystem_id,
        numa_node: numa_node(d)?,
        gpu_numa_node: opt(d.numa_node_id())?,
        vbios_version: d.vbios_version()?,
        inforom_image: d.inforom_image_version()?,
        inforom_oem: inforom(d, InforomObject::Oem)?,
        inforom_ecc: inforom(d, InforomObject::Ecc)?,
        inforom_power: inforom(d, InforomObject::Power)?,
        memory_total: total,
        memory_reserved: reserved,
        memory_overhead: overhead / MIB * MIB,
        bar1_total: bar1.total,
        bar1_used: bar1.used,
        util_gpu: util.map_or(0, |u| u.gpu),
        util_memory: util.map_or(0, |u| u.memory),
        util_encoder: opt(d.encoder_utilization())?.map_or(0, |u| u.value),
        util_decoder: opt(d.decoder_utilization())?.map_or(0, |u| u.value),
        temperature: d.temperature(TemperatureSensor::Gpu)?,
        memory_temperature: field_u32(d, sys::NVML_FI_DEV_MEMORY_TEMP, 0)?.unwrap_or(0),
        temp_shutdown: threshold(TemperatureThreshold::Shutdown)?,
        temp_slowdown: threshold(TemperatureThreshold::Slowdown)?,
        temp_mem_max: threshold(TemperatureThreshold::MemoryMax)?,
        temp_gpu_max: threshold(TemperatureThreshold::GpuMax)?,
        fans,
        power_usage_mw: d.power_usage()?,
        power_limit_mw: d.power_management_limit()?,
        power_default_limit_mw: d.power_management_default_limit()?,
        power_min_limit_mw: limits.min,
        power_max_limit_mw: limits.max,
        energy_base_mj: d.total_energy_consumption()?,
        clock_graphics: clock(ClockType::Graphics)?,
        clock_sm: clock(ClockType::Sm)?,
        clock_mem: clock(ClockType::Memory)?,
        clock_video: clock(ClockType::Video)?,
        max_graphics,
        max_sm: max(ClockType::Sm)?,
        max_mem,
        max_video: max(ClockType::Video)?,
        default_app_graphics: app_default.0.unwrap_or(max_graphics),
        default_app_mem: app_default.1.unwrap_or(max_mem),
        low_mem_clocks,
        memory_power_mw: field_u32(
            d,
            sys::NVML_FI_DEV_POWER_AVERAGE,
            sys::NVML_POWER_SCOPE_MEMORY,
        )?
        .unwrap_or(0),
        min_graphics,
        graphics_step_khz,
        pstate: d.performance_state()?.as_raw(),
        clocks_event_reasons: d.current_clocks_event_reasons()?.bits(),
        persistence_mode: d.persistence_mode()?,
        accounting_mode: d.accounting_mode()?,
        compute_mode: d.compute_mode()?.as_raw(),
        ecc_supported: ecc.is_some(),
        ecc_enabled: ecc.is_some_and(|m| m.current),
        ecc_corrected_volatile: ecc_count(MemoryErrorType::Corrected, EccCounterType::Volatile)?,
        ecc_uncorrected_volatile: ecc_count(
            MemoryErrorType::Uncorrected,
            EccCounterType::Volatile,
        )?,
        ecc_corrected_aggregate: ecc_count(MemoryErrorType::Corrected, EccCounterType::Aggregate)?,
        ecc_uncorrected_aggregate: ecc_count(
            MemoryErrorType::Uncorrected,
            EccCounterType::Aggregate,
        )?,
        page_retirement: sbe.is_some(),
        retired_pages_sbe: sbe.unwrap_or_default().iter().map(|p| p.address).collect(),
        retired_pages_dbe: dbe.unwrap_or_default().iter().map(|p| p.address).collect(),
        remapped_rows_correctable: remapped.as_ref().map_or(0, |r| r.corrected),
        remapped_rows_uncorrectable: remapped.as_ref().map_or(0, |r| r.uncorrected),
        pcie_max_gen,
        pcie_max_width: d.max_pcie_link_width()?,
        pcie_gen: d.current_pcie_link_generation()?,
        pcie_width: d.current_pcie_link_width()?,
        pcie_tx_kbps: d.pcie_throughput(PcieUtilCounter::Tx)?,
        pcie_rx_kbps: d.pcie_throughput(PcieUtilCounter::Rx)?,
        pcie_replay_counter: d.pcie_replay_counter()?,
        nvlink_count,
        nvlink_version,
        nvlink_speed_mbps,
        sm_count: opt(d.attributes())?.map_or(0, |a| a.multiprocessor_count),
        nvenc_count: u32::from(
            opt(d.encoder_capacity(nvml_wrapper::enums::EncoderType::H264))?.is_some(),
        ),
        cuda_cores: opt(d.num_gpu_cores())?.unwrap_or(0),
        memory_bus_width: opt(d.memory_bus_width())?.unwrap_or(0),
        mig_capable: mig.is_some(),
        mig_enabled: mig.is_some_and(|m| m.current),
        mig_instances: if mig.is_some_and(|m| m.current) {
            mig_instances(d, &mig_table)?
        } else {
            Vec::new()
        },
        mig_profiles: mig_table,
        processes,
        virtualization_mode: opt(d.virtualization_mode())?
            .map_or(sys::NVML_GPU_VIRTUALIZATION_MODE_NONE, |m| m.as_raw()),
        vgpu_heterogeneous: opt(d.vgpu_heterogeneous_mode())?.unwrap_or(false),
        vgpu_placement_slots: 1,
        nvlink_errors,
        tlimit_margins,
        pcie_max_device_gen: if device_gen == pcie_max_gen {
            0
        } else {
            device_gen
        },
        pcie_atomics_outbound: field_u32(d, sys::NVML_FI_DEV_PCIE_OUTBOUND_ATOMICS_MASK, 0)?
            .unwrap_or(0),
        pcie_atomics_inbound: field_u32(d, sys::NVML_FI_DEV_PCIE_INBOUND_ATOMICS_MASK, 0)?
            .unwrap_or(0),
        sparse_operation_mode: None,
        module_power,
        c2c,
        fabric_health: fabric_health(d)?,
        fabric_clique_id: fabric.as_ref().map_or(0, |f| f.clique_id),
        fabric_cluster_uuid: fabric.as_ref().map_or([0; 16], |f| f.cluster_uuid),
        power_smoothing,
        row_remapper_banks: opt(d.row_remapper_histogram())?.map_or(0, |h| {
            [h.high, h.partial, h.low, h.none]
                .iter()
                .fold(h.max, |sum, n| sum.saturating_add(*n))
        }),
        display_mode: value(d.display_mode())?.unwrap_or(false),
        support,
    })
}

fn inforom(d: &Device<'_>, object: InforomObject) -> R<String> {
    Ok(opt(d.inforom_version(object))?.unwrap_or_else(|| "N/A".into()))
}

/// The host NUMA node of a GPU's memory affinity; -1 when it has none.
fn numa_node(d: &Device<'_>) -> R<i32> {
    let words = match d.memory_affinity(1, AffinityScope::Node) {
        Ok(w) => w,
        Err(NvmlError::NotSupported(_)) => return Ok(-1),
        Err(e) => return Err(e.into()),
    };
    let first = words.first().copied().unwrap_or(0);
    Ok(if first == 0 {
        -1
    } else {
        first.trailing_zeros() as i32
    })
}

/// (lowest graphics clock, step in kHz, the memory clocks below the highest) from
/// `nvmlDeviceGetSupportedMemoryClocks` and `nvmlDeviceGetSupportedGraphicsClocks`.
fn supported_clocks(
    d: &Device<'_>,
    max_mem: u32,
    max_graphics: u32,
) -> R<(u32, u32, Vec<LowMemClock>)> {
    let Some(mems) = opt(d.supported_memory_clocks())? else {
        return Ok((max_graphics, 1000, Vec::new()));
    };
    let graphics = d.supported_graphics_clocks(max_mem)?;
    let lowest = graphics.last().copied().unwrap_or(max_graphics);
    // The grid's step: the one of (1000 * (n - 1)) / (n - 1) kHz steps that truncates to
    // the listed clocks, n the number of clocks.
    let step = grid_step(&graphics);
    let mut low = Vec::new();
    for &m in mems.iter().filter(|&&m| m != max_mem) {
        let list = d.supported_graphics_clocks(m)?;
        let top = list.first().copied().unwrap_or(lowest);
        low.push(LowMemClock {
            mhz: m,
            max_graphics: (top != max_graphics).then_some(top),
        });
    }
    Ok((lowest, step, low))
}

/// The step (kHz) of a grid of clocks listed highest first, each truncated to whole MHz:
/// the coarsest step (whole, half, tenth MHz, then kHz) that regenerates the list.
fn grid_step(clocks: &[u32]) -> u32 {
    let (Some(&high), Some(&low)) = (clocks.first(), clocks.last()) else {
        return 1000;
    };
    let steps = clocks.len().saturating_sub(1) as u64;
    if steps == 0 {
        return 1000;
    }
    let regenerates = |step: u64| {
        clocks
            .iter()
            .rev()
            .enumerate()
            .all(|(k, &c)| (u64::from(low) * 1000 + k as u64 * step) / 1000 == u64::from(c))
    };
    let span_khz = u64::from(high - low) * 1000;
    let (from, to) = (span_khz / steps, (span_khz + 999) / steps);
    [1000u64, 500, 100, 1]
        .iter()
        .find_map(|&unit| {
            (from / unit..=to.div_ceil(unit))
                .map(|n| n * unit)
                .find(|&step| step > 0 && regenerates(step))
        })
        .and_then(|step| u32::try_from(step).ok())
        .unwrap_or(1000)
}

/// Fabric health as the versioned fabric query reports it; `None` when nothing is reported.
fn fabric_health(d: &Device<'_>) -> R<Option<FabricHealth>> {
    let Some(info) = opt(d.gpu_fabric_info())? else {
        return Ok(None);
    };
    let Some(h) = info.health else {
        return Ok(None);
    };
    let summary = u32::from(h.summary.unwrap_or(0));
    if h.mask == 0 && summary == 0 {
        return Ok(None);
    }
    // nvml.h encodes each condition in two bits: 0 not supported, 1 true, 2 false.
    let condition = |shift: u32| match (h.mask >> shift) & 3 {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    };
    Ok(Some(FabricHealth {
        summary,
        degraded_bandwidth: condition(0),
        route_recovery: condition(2),
        route_unhealthy: condition(4),
        access_timeout_recovery: condition(6),
        incorrect_configuration: (h.mask >> 8) & 0xf,
        partition_assigned: condition(12),
    }))
}

/// The processes of a GPU, each with its name, and the memory they use together.
fn processes(nvml: &Nvml, d: &Device<'_>) -> R<(Vec<ProcessSpec>, u64)> {
    let mut out = Vec::new();
    let mut used = 0u64;
    let lists = [
        ("compute", opt(d.running_compute_processes())?),
        ("graphics", opt(d.running_graphics_processes())?),
        ("mps", opt(d.mps_compute_running_processes())?),
    ];
    for (kind, list) in lists {
        for p in list.unwrap_or_default() {
            let memory = p.used_gpu_memory.unwrap_or(0);
            used = used.saturating_add(memory);
            out.push(ProcessSpec {
                pid: p.pid,
                name: opt(nvml.process_name(p.pid))?.unwrap_or_default(),
                used_memory: memory / MIB * MIB,
                kind: kind.into(),
            });
        }
    }
    Ok((out, used))
}

/// The module power of a Grace Blackwell superchip (`NVML_POWER_SCOPE_MODULE` fields).
fn module_power(d: &Device<'_>) -> R<Option<ModulePower>> {
    let scope = sys::NVML_POWER_SCOPE_MODULE;
    let Some(usage_mw) = field_u32(d, sys::NVML_FI_DEV_POWER_INSTANT, scope)? else {
        return Ok(None);
    };
    let f = |id| Ok::<_, SnapshotError>(field_u32(d, id, scope)?.unwrap_or(0));
    Ok(Some(ModulePower {
        usage_mw,
        limit_mw: f(sys::NVML_FI_DEV_POWER_CURRENT_LIMIT)?,
        default_limit_mw: f(sys::NVML_FI_DEV_POWER_DEFAULT_LIMIT)?,
        min_limit_mw: f(sys::NVML_FI_DEV_POWER_MIN_LIMIT)?,
        max_limit_mw: f(sys::NVML_FI_DEV_POWER_MAX_LIMIT)?,
    }))
}

/// The GPU instance profiles, by `NVML_GPU_INSTANCE_PROFILE_*` index. NVML lists them only
/// while MIG is on; with MIG off, a MIG-capable GPU shows its whole-GPU instance in
/// `nvmlDeviceGetAttributes`, which becomes the one profile written.
fn mig_profiles(d: &Device<'_>, mig_on: bool, memory_total: u64) -> R<Vec<GiProfile>> {
    if !mig_on {
        let table = mig_profiles_v1(d)?;
        if !table.is_empty() {
            return Ok(table);
        }
        let Some(a) = opt(d.attributes())? else {
            return Ok(Vec::new());
        };
        if opt(d.mig_mode())?.is_none() {
            return Ok(Vec::new());
        }
        let slices = a.gpu_instance_slice_count;
        let index = match slices {
            1 => GpuInstanceProfile::Slice1,
            2 => GpuInstanceProfile::Slice2,
            3 => GpuInstanceProfile::Slice3,
            4 => GpuInstanceProfile::Slice4,
            6 => GpuInstanceProfile::Slice6,
            8 => GpuInstanceProfile::Slice8,
            _ => GpuInstanceProfile::Slice7,
        }
        .as_raw();
        let memory_mb = memory_total / MIB;
        return Ok(vec![GiProfile {
            profile: index,
            id: index,
            name: format!("{slices}g.{}gb", memory_mb.div_ceil(1024)),
            slices: 8,
            compute_slices: slices,
            instance_count: 1,
            sm_count: a.multiprocessor_count,
            memory_mb,
            copy_engines: a.shared_copy_engine_count,
            decoders: a.shared_decoder_count,
            encoders: a.shared_encoder_count,
            jpegs: a.shared_jpeg_count,
            ofas: a.shared_ofa_count,
            placements: vec![0],
        }]);
    }
    let mut out = Vec::new();
    for &p in GpuInstanceProfile::ALL {
        let info = match d.gpu_instance_profile_info(p) {
            Ok(i) => i,
            Err(NvmlError::NotSupported(_) | NvmlError::InvalidArgument(_)) => continue,
            Err(e) => return Err(e.into()),
        };
        let possible = d.gpu_instance_possible_placements(info.id)?;
        let memory_slices = possible.first().map_or(info.slice_count, |x| x.size);
        let placements = possible.iter().map(|x| x.start).collect();
        out.push(GiProfile {
            profile: p.as_raw(),
            id: info.id,
            name: info.name,
            slices: memory_slices,
            compute_slices: info.slice_count,
            instance_count: info.instance_count,
            sm_count: info.multiprocessor_count,
            memory_mb: info.memory_size_mib,
            copy_engines: info.copy_engine_count,
            decoders: info.decoder_count,
            encoders: info.encoder_count,
            jpegs: info.jpeg_count,
            ofas: info.ofa_count,
            placements,
        });
    }
    Ok(out)
}

/// Memory the GPU's instances use (MIG on): each instance's, read from the first of its MIG
/// devices (the compute instances of one GPU instance share its memory).
fn gpu_instances_memory(d: &Device<'_>) -> R<u64> {
    let mut seen = Vec::new();
    let mut used = 0u64;
    for index in 0..d.max_mig_device_count()? {
        let mig = match d.mig_device_by_index(index) {
            Ok(m) => m,
            Err(NvmlError::NotFound(_)) => break,
            Err(e) => return Err(e.into()),
        };
        let gi = mig.gpu_instance_id()?;
        if !seen.contains(&gi) {
            seen.push(gi);
            used = used.saturating_add(mig.memory_info()?.used);
        }
    }
    Ok(used)
}

/// The GPU instances that exist (MIG on), each with its compute instances.
fn mig_instances(d: &Device<'_>, table: &[GiProfile]) -> R<Vec<MigInstanceSpec>> {
    let mut out = Vec::new();
    for p in table {
        let Some(gis) = mig_list(d.gpu_instances(p.id))? else {
            continue;
        };
        for gi in gis {
            let info = gi.info()?;
            let mut cis = Vec::new();
            for &cp in ComputeInstanceProfile::ALL {
                let Some(ci_profile) = mig_list(gi.compute_instance_profile_info(cp))? else {
                    continue;
                };
                for ci in mig_list(gi.compute_instances(ci_profile.id))?.unwrap_or_default() {
                    let placement = ci.info()?.placement;
                    cis.push(MigComputeSpec {
                        slices: placement.size,
                        placement: placement.start,
                    });
                }
            }
            out.push(MigInstanceSpec {
                profile: p.name.clone(),
                placement: info.placement.start,
                compute_instances: Some(cis),
            });
        }
    }
    Ok(out)
}

/// A MIG query's answer; `None` where the profile does not apply (`NOT_SUPPORTED`,
/// `INVALID_ARGUMENT`, as nvml.h documents for an invalid profile).
fn mig_list<T>(r: nvml_wrapper::Result<T>) -> R<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(NvmlError::NotSupported(_) | NvmlError::InvalidArgument(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The GPU instance profiles as `nvmlDeviceGetGpuInstanceProfileInfo` (the unversioned
/// query, which needs MIG support but not MIG mode) and the placements list them: every key
/// but the name, which only the versioned query has (written as `<slices>g.<GiB>gb`).
fn mig_profiles_v1(d: &Device<'_>) -> R<Vec<GiProfile>> {
    let nvml = d.nvml();
    let Ok(f) = nvml.lib().nvmlDeviceGetGpuInstanceProfileInfo.as_ref() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for &p in GpuInstanceProfile::ALL {
        let mut info = sys::nvmlGpuInstanceProfileInfo_t::default();
        // SAFETY: the library's own symbol with the header's signature, a live handle and a
        // valid out-pointer.
        let rc = unsafe { f(d.handle(), p.as_raw(), &mut info) };
        match rc {
            sys::NVML_SUCCESS => {}
            sys::NVML_ERROR_NOT_SUPPORTED | sys::NVML_ERROR_INVALID_ARGUMENT => continue,
            other => {
                return Err(SnapshotError(format!(
                    "nvmlDeviceGetGpuInstanceProfileInfo: NVML returned {other}"
                )));
            }
        }
        let possible = d.gpu_instance_possible_placements(info.id)?;
        out.push(GiProfile {
            profile: p.as_raw(),
            id: info.id,
            name: format!(
                "{}g.{}gb",
                info.sliceCount,
                info.memorySizeMB.div_ceil(1024)
            ),
            slices: possible.first().map_or(info.sliceCount, |x| x.size),
            compute_slices: info.sliceCount,
            instance_count: info.instanceCount,
            sm_count: info.multiprocessorCount,
            memory_mb: info.memorySizeMB,
            copy_engines: info.copyEngineCount,
            decoders: info.decoderCount,
            encoders: info.encoderCount,
            jpegs: info.jpegCount,
            ofas: info.ofaCount,
            placements: possible.iter().map(|x| x.start).collect(),
        });
    }
    Ok(out)
}

/// The vGPU types the GPUs list (each once, in the order first listed) and the running vGPU
/// instances; sets each host GPU's `vgpu_placement_slots` to the fewest slots that give its
/// placements.
fn vgpus(
    devices: &[Device<'_>],
    gpus: &mut [GpuSpec],
) -> R<(Vec<VgpuType>, Vec<VgpuInstanceSpec>)> {
    let mut types: Vec<VgpuType> = Vec::new();
    let mut instances = Vec::new();
    for (index, (d, g)) in devices.iter().zip(gpus.iter_mut()).enumerate() {
        let Some(supported) = opt(d.supported_vgpus())? else {
            continue;
        };
        let mode = if g.vgpu_heterogeneous {
            VgpuPlacementMode::Heterogeneous
        } else {
            VgpuPlacementMode::Homogeneous
        };
        let mut slots = 1;
        let mut used: Vec<(u32, u32)> = Vec::new();
        let mut free: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        // The types the GPU lists, and those of its running VMs (a time-sliced VM keeps
        // running while MIG is on, when only MIG-backed types are listed).
        let mut listed = supported;
        for v in d.active_vgpus()? {
            let t = v.vgpu_type()?;
            if !listed.iter().any(|x| x.id() == t.id()) {
                listed.push(t);
            }
        }
        // VMs of different types run only in heterogeneous mode (which NVML may not report,
        // as with MIG on).
        let running: Vec<u32> = d
            .active_vgpus()?
            .iter()
            .map(|v| v.vgpu_type().map(|t| t.id()))
            .collect::<nvml_wrapper::Result<_>>()?;
        if running.iter().any(|&t| Some(&t) != running.first()) {
            g.vgpu_heterogeneous = true;
        }
        for t in &listed {
            // MIG-backed types have no placements of their own (NOT_SUPPORTED).
            let placements = opt(d.vgpu_type_supported_placements(t, mode))?.unwrap_or_default();
            if let Some(last) = placements.ids.last() {
                slots = slots.max(last + placements.placement_size);
            }
            let creatable = opt(d.vgpu_type_creatable_placements(t))?.unwrap_or_default();
            free.insert(
                t.id(),
                placements
                    .ids
                    .iter()
                    .copied()
                    .filter(|p| !creatable.ids.contains(p))
                    .collect(),
            );
            if !types.iter().any(|x| x.id == t.id()) {
                types.push(VgpuType {
                    id: t.id(),
                    name: t.name()?,
                    class: t.class()?,
                    framebuffer: t.framebuffer_size()?,
                    max_instances: t.max_instances(d)?,
                    max_per_vm: t.max_instances_per_vm()?,
                    frame_rate_limit: opt(t.frame_rate_limit())?.unwrap_or(0),
                    resolution: {
                        let r = t.resolution(0)?;
                        (r.width, r.height)
                    },
                    display_heads: t.num_display_heads()?,
                    license: t.license()?,
                    device_id: t.pci_ids()?.device_id,
                    subsystem_id: t.pci_ids()?.subsystem_id,
                    gi_profile_id: t
                        .gpu_instance_profile_id()?
                        .unwrap_or(nvml_mock::profile::INVALID_ID),
                    bar1_mib: t.bar1_size_mib()?,
                    fb_reservation: t.fb_reservation()? / MIB * MIB,
                    gsp_heap: t.gsp_heap_size()? / MIB * MIB,
                    placement_size: placements.placement_size.max(1),
                });
            }
        }
        g.vgpu_placement_slots = slots;
        for v in d.active_vgpus()? {
            let type_id = v.vgpu_type()?.id();
            let size = types
                .iter()
                .find(|t| t.id == type_id)
                .map_or(1, |t| t.placement_size.max(1));
            // The placement: the instance's own where NVML reports it (heterogeneous mode),
            // else the lowest placement of its type that is taken, else (no placements are
            // reported, as with MIG on) the lowest free one.
            let taken = free
                .get_mut(&type_id)
                .and_then(|t| (!t.is_empty()).then(|| t.remove(0)));
            let placement_id = match (v.placement_id()?, taken) {
                (Some(p), _) | (None, Some(p)) => p,
                (None, None) => (0..)
                    .map(|k: u32| k.saturating_mul(size))
                    .find(|p| used.iter().all(|&(s, n)| p + size <= s || s + n <= *p))
                    .unwrap_or(0),
            };
            used.push((placement_id, size));
            slots = slots.max(placement_id.saturating_add(size));
            g.vgpu_placement_slots = slots;
            let util = d
                .vgpu_instances_utilization(0)
                .ok()
                .and_then(|l| l.into_iter().find(|s| s.vgpu_instance == v.id()));
            let percent = |x: Option<Value>| x.and_then(|x| x.as_u64()).map_or(0, |x| x as u32);
            let mut processes = Vec::new();
            for s in opt(d.vgpu_process_utilization(0))?.unwrap_or_default() {
                if s.vgpu_instance != v.id() {
                    continue;
                }
                let max_memory = match v.accounting_stats(s.pid) {
                    Ok(a) => a.max_memory_usage,
                    Err(NvmlError::NotSupported(_) | NvmlError::NotFound(_)) => 0,
                    Err(e) => return Err(e.into()),
                };
                processes.push(VmProcess {
                    pid: s.pid,
                    name: s.process_name,
                    sm_util: s.sm_util,
                    mem_util: s.mem_util,
                    max_memory: max_memory / MIB * MIB,
                });
            }
            instances.push(VgpuInstanceSpec {
                id: v.id(),
                gpu: index as u32,
                type_id,
                vm_id: v.vm_id()?.id,
                vm_driver_version: v.vm_driver_version()?,
                uuid: v.uuid()?,
                mdev_uuid: v.mdev_uuid()?,
                fb_usage: v.fb_usage()? / MIB * MIB,
                encoder_capacity: v.encoder_capacity()?,
                licensed: v.is_licensed()?,
                accounting: v.accounting_mode()?,
                processes,
                placement_id,
                guest_pci_id: v.gpu_pci_id()?,
                sm_util: percent(util.as_ref().map(|u| u.sm_util)),
                mem_util: percent(util.as_ref().map(|u| u.mem_util)),
            });
        }
    }
    Ok((types, instances))
}

/// Every feature of the capability model, probed with the query it covers.
fn support(d: &Device<'_>, _architecture: u32) -> R<Overrides> {
    let mut s = Overrides::new();
    let mut put = |f: Feature, a: Answer| {
        s.insert(f, a);
    };
    put(
        Feature::ApplicationClocks,
        answer(&d.applications_clock(ClockType::Graphics))?,
    );
    put(Feature::DisplayMode, answer(&d.display_mode())?);
    put(Feature::PowerState, power_state(d)?);
    put(
        Feature::AveragePower,
        field_answer(d, sys::NVML_FI_DEV_POWER_AVERAGE, sys::NVML_POWER_SCOPE_GPU)?,
    );
    let tlimit = [
        sys::NVML_FI_DEV_TEMPERATURE_SHUTDOWN_TLIMIT,
        sys::NVML_FI_DEV_TEMPERATURE_SLOWDOWN_TLIMIT,
        sys::NVML_FI_DEV_TEMPERATURE_MEM_MAX_TLIMIT,
        sys::NVML_FI_DEV_TEMPERATURE_GPU_MAX_TLIMIT,
    ];
    let mut t = answer(&d.margin_temperature())?;
    for id in tlimit {
        if field_answer(d, id, 0)? == Answer::Supported {
            t = Answer::Supported;
        }
    }
    put(Feature::Tlimit, t);
    put(Feature::C2cMode, answer(&d.c2c_mode_enabled())?);
    put(
        Feature::CcProtectedMemory,
        answer(&d.conf_compute_protected_memory_usage())?,
    );
    put(
        Feature::GpuRecoveryAction,
        field_answer(d, sys::NVML_FI_DEV_GET_GPU_RECOVERY_ACTION, 0)?,
    );
    put(Feature::SramEcc, answer(&d.sram_ecc_error_status())?);
    put(
        Feature::RemappedRows,
        field_answer(d, sys::NVML_FI_DEV_REMAPPED_COR, 0)?,
    );
    put(
        Feature::RemappedRowsInactive,
        field_answer(d, sys::NVML_FI_DEV_REMAPPED_ROWS_COR_INACTIVE, 0)?,
    );
    put(Feature::RepairStatus, answer(&d.repair_status())?);
    put(
        Feature::UnrepairableMemoryFlag,
        answer(&d.has_unrepairable_memory())?,
    );
    put(Feature::Pdi, answer(&d.pdi())?);
    put(
        Feature::GspFirmware,
        match d.gsp_firmware_mode() {
            Ok(m) if m.enabled => Answer::Supported,
            Ok(_) | Err(NvmlError::NotSupported(_)) => Answer::NotSupported,
            Err(e) => return Err(e.into()),
        },
    );
    put(
        Feature::Gpm,
        match d.gpm_supported() {
            Ok(true) => Answer::Supported,
            Ok(false) | Err(NvmlError::NotSupported(_)) => Answer::NotSupported,
            Err(e) => return Err(e.into()),
        },
    );
    put(
        Feature::ProcessDetailList,
        answer(&d.running_process_detail_list(nvml_wrapper::device::ProcessMode::Compute))?,
    );
    put(Feature::FabricInfo, answer(&d.gpu_fabric_info())?);
    match d.nvlink_info() {
        Ok(info) => put(
            Feature::NvlinkManagement,
            if info.firmware.is_empty() {
                Answer::NotSupported
            } else {
                Answer::Supported
            },
        ),
        // Without NvLink the management queries are not asked.
        Err(NvmlError::NotSupported(_)) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(s)
}

/// A field value's answer for the capability model.
fn field_answer(d: &Device<'_>, id: u32, scope: u32) -> R<Answer> {
    let list = d.scoped_field_values(&[(id, scope)])?;
    match list.into_iter().next().map(|f| f.value) {
        Some(v) => answer(&v),
        None => Err(SnapshotError(format!(
            "nvmlDeviceGetFieldValues: no answer for field {id}"
        ))),
    }
}

/// `nvmlDeviceGetPowerState` (deprecated in the header, so the wrapper has no method for
/// it): called through the raw table where the library exports it.
fn power_state(d: &Device<'_>) -> R<Answer> {
    let nvml = d.nvml();
    if !nvml.has_function("nvmlDeviceGetPowerState") {
        return Ok(Answer::NotSupported);
    }
    let mut state: sys::nvmlPstates_t = 0;
    let Ok(f) = nvml.lib().nvmlDeviceGetPowerState.as_ref() else {
        return Ok(Answer::NotSupported);
    };
    // SAFETY: the library's own symbol with the header's signature, a live handle and a
    // valid out-pointer.
    let rc = unsafe { f(d.handle(), &mut state) };
    match rc {
        sys::NVML_SUCCESS => Ok(Answer::Supported),
        sys::NVML_ERROR_NOT_SUPPORTED => Ok(Answer::NotSupported),
        sys::NVML_ERROR_DEPRECATED => Ok(Answer::Deprecated),
        other => Err(SnapshotError(format!(
            "nvmlDeviceGetPowerState: NVML returned {other}"
        ))),
    }
}

/// The GPUs NVML was told to leave alone, with their PCI information and UUID.
fn excluded_gpus(nvml: &Nvml) -> R<Vec<ExcludedGpu>> {
    Ok(nvml
        .excluded_devices()?
        .into_iter()
        .map(|d| ExcludedGpu {
            uuid: d.uuid,
            pci_domain: d.pci_info.domain,
            pci_bus: d.pci_info.bus,
            pci_device: d.pci_info.device,
            pci_device_id: d.pci_info.pci_device_id,
            pci_subsystem_id: d.pci_info.pci_subsystem_id,
        })
        .collect())
}

/// S-class units.
fn units(nvml: &Nvml) -> R<Vec<UnitSpec>> {
    let Some(count) = opt(nvml.unit_count())? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for i in 0..count {
        let u = nvml.unit_by_index(i)?;
        let info = u.info()?;
        let led = u.led_state()?;
        let psu = u.psu_info()?;
        let t = |s| opt(u.temperature(s));
        let fans = opt(u.fan_speeds())?.unwrap_or_default();
        let mut gpus = Vec::new();
        for d in u.devices()? {
            gpus.push(d.index()?);
        }
        out.push(UnitSpec {
            name: info.name,
            id: info.id,
            serial: info.serial,
            firmware_version: info.firmware_version,
            led_amber: led.color == nvml_wrapper::enums::LedColor::Amber,
            led_cause: led.cause,
            psu_state: psu.state,
            psu_current_ca: psu.current_centiamps,
            psu_voltage_cv: psu.voltage_centivolts,
            psu_power_w: psu.power_w,
            temperatures: [
                t(UnitTemperatureSensor::Intake)?,
                t(UnitTemperatureSensor::Exhaust)?,
                t(UnitTemperatureSensor::Board)?,
            ],
            fans: fans
                .iter()
                .map(|f| {
                    (
                        f.speed_rpm,
                        f.state == nvml_wrapper::enums::FanState::Failed,
                    )
                })
                .collect(),
            gpus,
        });
    }
    Ok(out)
}

/// Confidential computing, where the platform has it; sets each GPU's `conf_compute`
/// feature from what the system says of its GPUs.
fn conf_compute(
    nvml: &Nvml,
    devices: &[Device<'_>],
    gpus: &mut [GpuSpec],
) -> R<Option<ConfCompute>> {
    let Some(caps) = opt(nvml.conf_compute_capabilities())? else {
        return Ok(None);
    };
    let state = nvml.conf_compute_state()?;
    let cc_on = state.cc_enabled != CcFeature::Disabled;
    let gpus_capable = caps.gpus != CcGpusCapability::NotCapable;
    let multi_gpu = opt(nvml.conf_compute_settings())?
        .map_or(sys::NVML_CC_SYSTEM_MULTIGPU_NONE, |s| {
            s.multi_gpu_mode.as_raw()
        });
    let mut unprotected_kib = None;
    for (d, g) in devices.iter().zip(gpus.iter_mut()) {
        // With CC on, a GPU's own CC queries say whether it takes part; with CC off only the
        // system's summary does.
        let capable = match opt(d.conf_compute_mem_size_info())? {
            Some(m) => {
                unprotected_kib = unprotected_kib.or(Some(m.unprotected_kib));
                true
            }
            None => gpus_capable && !cc_on,
        };
        g.support.insert(
            Feature::ConfCompute,
            if capable {
                Answer::Supported
            } else {
                Answer::NotSupported
            },
        );
    }
    Ok(Some(ConfCompute {
        cpu_caps: caps.cpu.as_raw(),
        environment: state.environment.as_raw(),
        enabled: cc_on,
        devtools: state.dev_tools_mode,
        multi_gpu,
        gpus_ready: opt(nvml.conf_compute_gpus_ready())?.unwrap_or(false),
        key_rotation_threshold: opt(nvml.conf_compute_key_rotation_threshold())?.unwrap_or(60),
        unprotected_kib: unprotected_kib.unwrap_or(256 * 1024),
    }))
}

/// The profile as nvml-mock's canonical JSON (keys sorted, two-space indent).
pub fn to_json(p: &Profile) -> R<String> {
    let v = serde_json::to_value(p)
        .map_err(|e| SnapshotError(format!("cannot write the profile: {e}")))?;
    serde_json::to_string_pretty(&v)
        .map_err(|e| SnapshotError(format!("cannot write the profile: {e}")))
}
