//! The global state of the simulated library, and the helpers every export goes through.

use std::cell::UnsafeCell;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::ffi::{CStr, c_char, c_uint};
use std::hash::{BuildHasherDefault, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex, MutexGuard};

use nvml_sys::*;

use crate::profile::{ConfCompute, GpuSpec, Profile, VgpuInstanceSpec};

/// Most physical GPUs a profile may have (handle storage is sized for this).
pub const MAX_GPUS: usize = 32;
/// GPU instance ids per GPU (0..16): a real driver numbers a GPU instance by its place in the
/// tree of memory slices (the whole GPU 0, halves 1-2, quarters 3-6, eighths 7-14).
pub const MAX_GI_IDS: usize = 16;
/// Compute instance ids per GPU instance (0..8), and MIG devices per GPU at most.
pub const MAX_MIG_PER_GPU: usize = 8;
/// MIG device handles per GPU: one per (GPU instance id, compute instance id).
const MIG_HANDLES_PER_GPU: usize = MAX_GI_IDS * MAX_MIG_PER_GPU;
/// Event sets alive at once.
pub const MAX_EVENT_SETS: usize = 256;

// Opaque handle storage: a handle is the address of one byte of these arrays. The bytes are
// never read or written; the address only identifies the object, and a pointer outside the
// array is an unknown handle.
static DEVICE_TOKENS: [u8; MAX_GPUS * (1 + MIG_HANDLES_PER_GPU)] =
    [0; MAX_GPUS * (1 + MIG_HANDLES_PER_GPU)];
static GI_TOKENS: [u8; MAX_GPUS * MAX_GI_IDS] = [0; MAX_GPUS * MAX_GI_IDS];
static CI_TOKENS: [u8; MAX_GPUS * MAX_GI_IDS * MAX_MIG_PER_GPU] =
    [0; MAX_GPUS * MAX_GI_IDS * MAX_MIG_PER_GPU];
static EVENT_SET_TOKENS: [u8; MAX_EVENT_SETS] = [0; MAX_EVENT_SETS];
/// GPM sample buffers alive at once.
pub const MAX_GPM_SAMPLES: usize = 1024;
static GPM_TOKENS: [u8; MAX_GPM_SAMPLES] = [0; MAX_GPM_SAMPLES];
static SYSTEM_EVENT_SET_TOKENS: [u8; MAX_EVENT_SETS] = [0; MAX_EVENT_SETS];
static UNIT_TOKENS: [u8; crate::profile::MAX_UNITS] = [0; crate::profile::MAX_UNITS];

/// The handle for slot `i` of `base`. An index past the end gives an address `untoken`
/// rejects (never an alias of another slot).
fn token(base: &'static [u8], i: usize) -> *mut u8 {
    base.as_ptr().wrapping_add(i).cast_mut()
}

fn untoken(base: &'static [u8], p: *const u8) -> Option<usize> {
    let off = (p as usize).wrapping_sub(base.as_ptr() as usize);
    (off < base.len()).then_some(off)
}

/// What a device handle names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceRef {
    /// A physical GPU (index).
    Gpu(usize),
    /// A MIG device: GPU index, GPU instance id, compute instance id.
    Mig(usize, usize, usize),
}

/// The handle of physical GPU `i`.
pub fn device_handle(i: usize) -> nvmlDevice_t {
    token(&DEVICE_TOKENS, i).cast()
}

/// The handle of the MIG device of compute instance `ci` in GPU instance `gi` of GPU `gpu`
/// (ids out of range give a handle `device_ref` rejects).
pub fn mig_device_handle(gpu: usize, gi: usize, ci: usize) -> nvmlDevice_t {
    if gpu >= MAX_GPUS || gi >= MAX_GI_IDS || ci >= MAX_MIG_PER_GPU {
        return token(&DEVICE_TOKENS, DEVICE_TOKENS.len()).cast();
    }
    token(
        &DEVICE_TOKENS,
        MAX_GPUS + gpu * MIG_HANDLES_PER_GPU + gi * MAX_MIG_PER_GPU + ci,
    )
    .cast()
}

/// Decodes a device handle (no dereference).
pub fn device_ref(h: nvmlDevice_t) -> Option<DeviceRef> {
    let i = untoken(&DEVICE_TOKENS, h.cast_const().cast())?;
    if i < MAX_GPUS {
        Some(DeviceRef::Gpu(i))
    } else {
        let j = i - MAX_GPUS;
        let k = j % MIG_HANDLES_PER_GPU;
        Some(DeviceRef::Mig(
            j / MIG_HANDLES_PER_GPU,
            k / MAX_MIG_PER_GPU,
            k % MAX_MIG_PER_GPU,
        ))
    }
}

/// GPU instance handle: GPU index and GPU instance id (an id out of range gives a handle
/// `gi_ref` rejects).
pub fn gi_handle(gpu: usize, id: usize) -> nvmlGpuInstance_t {
    if gpu >= MAX_GPUS || id >= MAX_GI_IDS {
        return token(&GI_TOKENS, GI_TOKENS.len()).cast();
    }
    token(&GI_TOKENS, gpu * MAX_GI_IDS + id).cast()
}

/// Decodes a GPU instance handle into (gpu, gi id).
pub fn gi_ref(h: nvmlGpuInstance_t) -> Option<(usize, usize)> {
    let i = untoken(&GI_TOKENS, h.cast_const().cast())?;
    Some((i / MAX_GI_IDS, i % MAX_GI_IDS))
}

/// Compute instance handle: GPU, GPU instance id, compute instance id (ids out of range give
/// a handle `ci_ref` rejects).
pub fn ci_handle(gpu: usize, gi: usize, ci: usize) -> nvmlComputeInstance_t {
    if gpu >= MAX_GPUS || gi >= MAX_GI_IDS || ci >= MAX_MIG_PER_GPU {
        return token(&CI_TOKENS, CI_TOKENS.len()).cast();
    }
    token(&CI_TOKENS, (gpu * MAX_GI_IDS + gi) * MAX_MIG_PER_GPU + ci).cast()
}

/// Decodes a compute instance handle into (gpu, gi id, ci id).
pub fn ci_ref(h: nvmlComputeInstance_t) -> Option<(usize, usize, usize)> {
    let i = untoken(&CI_TOKENS, h.cast_const().cast())?;
    let ci = i % MAX_MIG_PER_GPU;
    let rest = i / MAX_MIG_PER_GPU;
    Some((rest / MAX_GI_IDS, rest % MAX_GI_IDS, ci))
}

/// Event set handle for slot `i`.
pub fn event_set_handle(i: usize) -> nvmlEventSet_t {
    token(&EVENT_SET_TOKENS, i).cast()
}

/// Decodes an event set handle.
pub fn event_set_ref(h: nvmlEventSet_t) -> Option<usize> {
    untoken(&EVENT_SET_TOKENS, h.cast_const().cast())
}

/// System event set handle for slot `i`.
pub fn system_event_set_handle(i: usize) -> nvmlSystemEventSet_t {
    token(&SYSTEM_EVENT_SET_TOKENS, i).cast()
}

/// Decodes a system event set handle.
pub fn system_event_set_ref(h: nvmlSystemEventSet_t) -> Option<usize> {
    untoken(&SYSTEM_EVENT_SET_TOKENS, h.cast_const().cast())
}

/// S-class unit handle for unit `i`.
pub fn unit_handle(i: usize) -> nvmlUnit_t {
    token(&UNIT_TOKENS, i).cast()
}

/// Decodes a unit handle.
pub fn unit_ref(h: nvmlUnit_t) -> Option<usize> {
    untoken(&UNIT_TOKENS, h.cast_const().cast())
}

/// GPM sample handle for slot `i`.
pub fn gpm_handle(i: usize) -> nvmlGpmSample_t {
    token(&GPM_TOKENS, i).cast()
}

/// Decodes a GPM sample handle.
pub fn gpm_ref(h: nvmlGpmSample_t) -> Option<usize> {
    untoken(&GPM_TOKENS, h.cast_const().cast())
}

/// What a GPM sample buffer holds once `nvmlGpmSampleGet` filled it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GpmTaken {
    /// Physical GPU index.
    pub gpu: usize,
    /// GPU instance id for MIG samples.
    pub gi: Option<u32>,
    /// Nanoseconds since init when the sample was taken.
    pub t_ns: u64,
}

/// vGPU scheduler settings of one GPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VgpuSched {
    /// `NVML_VGPU_SCHEDULER_POLICY_*`.
    pub policy: u32,
    /// `NVML_VGPU_SCHEDULER_ARR_*`.
    pub arr: u32,
    /// Timeslice, ns.
    pub timeslice_ns: u32,
    /// ARR averaging factor.
    pub avg_factor: u32,
    /// ARR frequency.
    pub frequency: u32,
}

/// A compute instance inside a GPU instance.
#[derive(Clone, Debug)]
pub struct ComputeInstance {
    /// Compute instance id.
    pub id: u32,
    /// `NVML_COMPUTE_INSTANCE_PROFILE_*` index.
    pub profile: u32,
    /// Start slice inside the GPU instance.
    pub start: u32,
    /// Slices.
    pub size: u32,
}

/// A MIG GPU instance.
#[derive(Clone, Debug)]
pub struct GpuInstance {
    /// GPU instance id (also its handle slot).
    pub id: u32,
    /// Index into the GPU's `mig_profiles`.
    pub profile_index: usize,
    /// Placement start.
    pub start: u32,
    /// Placement size (memory slices).
    pub size: u32,
    /// Compute instances.
    pub cis: Vec<ComputeInstance>,
}

/// The mutable state of one GPU.
#[derive(Clone, Debug)]
pub struct Gpu {
    /// Fixed data from the profile.
    pub spec: GpuSpec,
    /// What the GPU answers (the capability model, resolved for this driver).
    pub support: crate::support::Support,
    /// Persistence mode.
    pub persistence: bool,
    /// Compute mode.
    pub compute_mode: u32,
    /// Power limit (mW).
    pub power_limit_mw: u32,
    /// Application clocks (mem, graphics) MHz.
    pub app_clocks: (u32, u32),
    /// ECC current mode.
    pub ecc_current: bool,
    /// ECC pending mode.
    pub ecc_pending: bool,
    /// MIG current mode.
    pub mig_current: bool,
    /// MIG pending mode.
    pub mig_pending: bool,
    /// GPU instances.
    pub gpu_instances: Vec<GpuInstance>,
    /// Volatile corrected ECC count (can be cleared).
    pub ecc_corrected_volatile: u64,
    /// Volatile uncorrected ECC count.
    pub ecc_uncorrected_volatile: u64,
    /// vGPU heterogeneous mode.
    pub vgpu_heterogeneous: bool,
    /// vGPU scheduler settings.
    pub vgpu_sched: VgpuSched,
    /// GPM streaming enabled.
    pub gpm_streaming: bool,
    /// Confidential computing: unprotected memory, KiB.
    pub cc_unprotected_kib: u64,
    /// Framebuffer of the vGPU instances running on this GPU, bytes.
    pub vgpu_fb: u64,
    /// NvLink error counters per link (`NVML_NVLINK_ERROR_*` order).
    pub nvlink_errors: Vec<[u64; 5]>,
    /// NvLink low-power threshold (`None`: the default, after `..._THRESHOLD_RESET`).
    pub nvlink_low_power_threshold: Option<u32>,
    /// NvLink encryption: ready (`nvmlDeviceSetNvlinkNvleReady_v1`), the remap table locked
    /// (`nvmlDeviceLockNvlinkRemapTable_v1`), and the ALIDs of the GPUs a key was set up with.
    pub nvle: Nvle,
    /// Clocks event reasons forced by `nvml_mock_set_throttle`.
    pub forced_reasons: u64,
    /// Load (utilisation %) of each process started by `nvml_mock_start_process`, by pid.
    pub process_loads: Vec<(u32, u32)>,
    /// The dynamic model's state while the dynamic mode is on.
    pub model: Option<Box<crate::dynamic::GpuModel>>,
}

/// The id a new GPU instance at `start` of `size` memory slices gets: the one a real driver
/// gives that placement ([`crate::profile::gpu_instance_id`]), or for a placement outside the
/// slice tree the lowest id no instance holds.
pub fn new_gi_id(instances: &[GpuInstance], start: u32, size: u32) -> Option<u32> {
    let free = |id: &u32| !instances.iter().any(|x| x.id == *id);
    crate::profile::gpu_instance_id(start, size)
        .filter(free)
        .or_else(|| (0..MAX_GI_IDS as u32).find(free))
}

/// The GPU instances a GPU's profile declares (`mig_instances`, checked by the loader), with
/// the ids a real driver gives them; compute instances are numbered 0, 1, ... in order.
fn declared_instances(s: &GpuSpec) -> Vec<GpuInstance> {
    let mut out: Vec<GpuInstance> = Vec::new();
    if !(s.mig_capable && s.mig_enabled) {
        return out;
    }
    for x in &s.mig_instances {
        let Some(pi) = s.mig_profiles.iter().position(|p| p.name == x.profile) else {
            continue;
        };
        let Some(p) = s.mig_profiles.get(pi) else {
            continue;
        };
        let Some(id) = new_gi_id(&out, x.placement, p.slices) else {
            continue;
        };
        let cis = crate::profile::compute_instances(x, p)
            .iter()
            .take(MAX_MIG_PER_GPU)
            .enumerate()
            .filter_map(|(k, c)| {
                Some(ComputeInstance {
                    id: k as u32,
                    profile: crate::profile::ci_profile_of_slices(c.slices)?,
                    start: c.placement,
                    size: c.slices,
                })
            })
            .collect();
        out.push(GpuInstance {
            id,
            profile_index: pi,
            start: x.placement,
            size: p.slices,
            cis,
        });
    }
    out
}

/// A GPU's NvLink encryption (NVLE) state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nvle {
    /// NVLE is ready (`isNvleReady` of `nvmlNvLinkInfo_v3_t`).
    pub ready: bool,
    /// The NvLink remap table is locked.
    pub remap_table_locked: bool,
    /// Remote GPU ALIDs an encryption key was set up with, in order.
    pub keys_with: Vec<u32>,
}

impl Gpu {
    /// A GPU instance of this GPU by id, with its MIG profile; `INVALID_ARGUMENT` for an id or
    /// profile that does not exist (a stale MIG handle).
    pub(crate) fn mig_instance(
        &self,
        gid: usize,
    ) -> Result<(&GpuInstance, &crate::profile::GiProfile), nvmlReturn_t> {
        let gi = self
            .gpu_instances
            .iter()
            .find(|x| x.id as usize == gid)
            .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let profile = self
            .spec
            .mig_profiles
            .get(gi.profile_index)
            .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        Ok((gi, profile))
    }
}

/// A queued event.
#[derive(Clone, Copy, Debug)]
pub struct Event {
    /// GPU index.
    pub gpu: usize,
    /// `nvmlEventType*` bit.
    pub event_type: u64,
    /// XID or other data.
    pub data: u64,
    /// Wall-clock time of the event, microseconds since the Unix epoch.
    pub timestamp_us: u64,
}

/// One event set.
#[derive(Clone, Debug, Default)]
pub struct EventSet {
    /// (gpu, event type mask) registrations.
    pub registrations: Vec<(usize, u64)>,
    /// Events not yet read.
    pub queue: VecDeque<Event>,
}

/// One system event set (`nvmlSystemEventSetCreate`).
#[derive(Clone, Debug, Default)]
pub struct SystemEventSet {
    /// Registered `nvmlSystemEventType*` bits.
    pub mask: u64,
    /// Events not yet read: (type, GPU id in PCI format).
    pub queue: VecDeque<(u64, u32)>,
}

/// The machine while the library is initialised.
#[derive(Debug)]
pub struct Machine {
    /// The profile it was built from.
    pub profile: Profile,
    /// GPUs.
    pub gpus: Vec<Gpu>,
    /// Its time: real time since `nvmlInit` created it, or a virtual clock.
    pub clock: crate::dynamic::Clock,
    /// Wall-clock time when it was created, microseconds since the Unix epoch.
    pub wall_origin_us: u64,
    /// The dynamic mode, while on.
    pub dynamic: Option<crate::dynamic::Run>,
    /// Event set slots.
    pub event_sets: Vec<Option<EventSet>>,
    /// The profile selection (name or path) it was built from.
    pub source: String,
    /// Active vGPU instances (mutable copies of the profile's).
    pub vgpus: Vec<VgpuInstanceSpec>,
    /// vGPU version range set by `nvmlSetVgpuVersion` (the profile's until then).
    pub vgpu_version: (u32, u32),
    /// GPM sample slots: `None` free, `Some(None)` allocated, `Some(Some(_))` filled.
    pub gpm_samples: Vec<Option<Option<GpmTaken>>>,
    /// Confidential computing state (GPUs ready, key rotation threshold), from the profile.
    pub cc: Option<ConfCompute>,
    /// LED of each S-class unit: (amber, cause).
    pub unit_leds: Vec<(bool, String)>,
    /// System NvLink bandwidth mode (`nvmlSystemSetNvlinkBwMode`).
    pub nvlink_bw_mode: u32,
    /// System event set slots.
    pub system_event_sets: Vec<Option<SystemEventSet>>,
    /// The CPUs and memory node of each NUMA node, as the affinity queries report them.
    pub cpus: crate::affinity::Layout,
}

impl Machine {
    /// Builds the machine from a profile.
    pub fn new(profile: Profile, source: String) -> Machine {
        let gpus = profile
            .gpus
            .iter()
            .take(MAX_GPUS)
            .enumerate()
            .map(|(i, s)| Gpu {
                vgpu_fb: profile
                    .vgpu_instances
                    .iter()
                    .filter(|v| v.gpu as usize == i)
                    .filter_map(|v| profile.vgpu_types.iter().find(|t| t.id == v.type_id))
                    .map(|t| t.framebuffer)
                    .sum(),
                persistence: s.persistence_mode,
                compute_mode: s.compute_mode,
                power_limit_mw: s.power_limit_mw,
                app_clocks: (s.default_app_mem, s.default_app_graphics),
                ecc_current: s.ecc_enabled,
                ecc_pending: s.ecc_enabled,
                mig_current: s.mig_capable && s.mig_enabled,
                mig_pending: s.mig_capable && s.mig_enabled,
                gpu_instances: declared_instances(s),
                ecc_corrected_volatile: s.ecc_corrected_volatile,
                ecc_uncorrected_volatile: s.ecc_uncorrected_volatile,
                vgpu_heterogeneous: s.vgpu_heterogeneous,
                vgpu_sched: VgpuSched {
                    policy: NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT,
                    arr: NVML_VGPU_SCHEDULER_ARR_DEFAULT,
                    timeslice_ns: 2_000_000,
                    avg_factor: 33,
                    frequency: 960,
                },
                gpm_streaming: false,
                cc_unprotected_kib: profile
                    .conf_compute
                    .as_ref()
                    .map_or(0, |cc| cc.unprotected_kib.min(s.memory_total / 1024)),
                nvlink_errors: (0..s.nvlink_count)
                    .map(|l| {
                        s.nvlink_errors
                            .iter()
                            .find(|(link, _)| *link == l)
                            .map_or([0; 5], |(_, e)| *e)
                    })
                    .collect(),
                nvlink_low_power_threshold: None,
                nvle: Nvle::default(),
                forced_reasons: 0,
                process_loads: Vec::new(),
                model: None,
                support: crate::support::Support::resolve(
                    s.architecture,
                    &s.support,
                    &profile.driver_version,
                ),
                spec: s.clone(),
            })
            .collect();
        let dynamic = profile.dynamic.clone();
        let mut m = Machine {
            vgpus: profile.vgpu_instances.clone(),
            vgpu_version: profile.vgpu_version,
            gpm_samples: Vec::new(),
            cc: profile.conf_compute.clone(),
            unit_leds: profile
                .units
                .iter()
                .map(|u| (u.led_amber, u.led_cause.clone()))
                .collect(),
            nvlink_bw_mode: 0,
            system_event_sets: Vec::new(),
            cpus: crate::affinity::Layout::new(&profile),
            profile,
            gpus,
            clock: crate::dynamic::Clock::real(),
            wall_origin_us: wall_clock_us(),
            dynamic: None,
            event_sets: Vec::new(),
            source,
        };
        if let Some(spec) = dynamic {
            crate::dynamic::enable(&mut m, spec);
        }
        m
    }

    /// Nanoseconds since init.
    pub fn now_ns(&self) -> u64 {
        self.clock.now_ns()
    }

    /// Microseconds since init.
    pub fn now_us(&self) -> u64 {
        self.clock.now_ns() / 1000
    }

    /// Wall-clock time on the machine's clock, microseconds since the Unix epoch (real time
    /// unless the clock is virtual).
    pub fn wall_us(&self) -> u64 {
        self.wall_origin_us.saturating_add(self.now_us())
    }

    /// The physical GPU a handle names (MIG devices map to their parent).
    pub fn gpu_index(&self, h: nvmlDevice_t) -> Result<usize, nvmlReturn_t> {
        match device_ref(h) {
            Some(DeviceRef::Gpu(i)) if i < self.gpus.len() => Ok(i),
            Some(DeviceRef::Mig(g, gi, ci)) if self.mig_exists(g, gi, ci) => Ok(g),
            _ => Err(NVML_ERROR_INVALID_ARGUMENT),
        }
    }

    /// A physical GPU (MIG device handles are rejected with INVALID_ARGUMENT).
    pub fn gpu(&self, h: nvmlDevice_t) -> Result<&Gpu, nvmlReturn_t> {
        match device_ref(h) {
            Some(DeviceRef::Gpu(i)) => self.gpus.get(i).ok_or(NVML_ERROR_INVALID_ARGUMENT),
            Some(DeviceRef::Mig(g, gi, ci)) if self.mig_exists(g, gi, ci) => {
                Err(NVML_ERROR_NOT_SUPPORTED)
            }
            _ => Err(NVML_ERROR_INVALID_ARGUMENT),
        }
    }

    /// A physical GPU whose MIG mode is off: the queries nvml.h calls "not currently
    /// supported" on MIG-enabled GPUs answer NOT_SUPPORTED there (and on MIG device handles).
    pub fn gpu_without_mig(&self, h: nvmlDevice_t) -> Result<&Gpu, nvmlReturn_t> {
        let g = self.gpu(h)?;
        if g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        Ok(g)
    }

    /// The index of a MIG device handle among its GPU's MIG devices, as
    /// `nvmlDeviceGetMigDeviceHandleByIndex` takes it (`None` for a physical GPU's handle).
    pub fn mig_device_index(&self, h: nvmlDevice_t) -> Option<usize> {
        match device_ref(h) {
            Some(DeviceRef::Mig(g, gi, ci)) => self
                .mig_devices(g)
                .iter()
                .position(|d| *d == (gi as u32, ci as u32)),
            _ => None,
        }
    }

    /// A physical GPU, mutable.
    pub fn gpu_mut(&mut self, h: nvmlDevice_t) -> Result<&mut Gpu, nvmlReturn_t> {
        match device_ref(h) {
            Some(DeviceRef::Gpu(i)) => self.gpus.get_mut(i).ok_or(NVML_ERROR_INVALID_ARGUMENT),
            Some(DeviceRef::Mig(g, gi, ci)) if self.mig_exists(g, gi, ci) => {
                Err(NVML_ERROR_NOT_SUPPORTED)
            }
            _ => Err(NVML_ERROR_INVALID_ARGUMENT),
        }
    }

    /// Whether compute instance `ci` of GPU instance `gi` exists on GPU `gpu`.
    pub fn mig_exists(&self, gpu: usize, gi: usize, ci: usize) -> bool {
        self.gpus.get(gpu).is_some_and(|g| {
            g.gpu_instances
                .iter()
                .any(|x| x.id as usize == gi && x.cis.iter().any(|c| c.id as usize == ci))
        })
    }

    /// All (gi id, ci id) of a GPU, in order.
    pub fn mig_devices(&self, gpu: usize) -> Vec<(u32, u32)> {
        let Some(g) = self.gpus.get(gpu) else {
            return Vec::new();
        };
        let mut gis: Vec<&GpuInstance> = g.gpu_instances.iter().collect();
        gis.sort_by_key(|gi| gi.id);
        let mut out = Vec::new();
        for gi in gis {
            let mut cis: Vec<u32> = gi.cis.iter().map(|c| c.id).collect();
            cis.sort_unstable();
            out.extend(cis.into_iter().map(|c| (gi.id, c)));
        }
        out.truncate(MAX_MIG_PER_GPU);
        out
    }

    /// Total energy (mJ) consumed since the driver loaded: grows with time at the power draw
    /// (in dynamic mode, the integral of the model's power).
    pub fn energy_mj(&self, gpu: &Gpu) -> u64 {
        if let Some(c) = crate::dynamic::counters(self, gpu) {
            return c.energy_mj;
        }
        let ms = self.clock.now_ns() / 1_000_000;
        gpu.spec
            .energy_base_mj
            .saturating_add(ms.saturating_mul(u64::from(gpu.spec.power_usage_mw)) / 1000)
    }
}

/// Wall-clock time now, microseconds since the Unix epoch.
pub fn wall_clock_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Hostile-data modes (see README).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hostile {
    /// Array getters report more entries than the caller's buffer holds (and succeed).
    pub oversized_counts: bool,
    /// String getters fill the whole buffer with no NUL.
    pub unterminated_strings: bool,
    /// Enum getters return values newer than the header.
    pub future_enums: bool,
}

/// Everything behind the one lock.
#[derive(Debug)]
pub struct Inner {
    /// Outstanding `nvmlInit` calls.
    pub refcount: u32,
    /// Present while initialised.
    pub machine: Option<Machine>,
    /// The machine after the last `nvmlShutdown`, with the profile selection it came from: a
    /// later `nvmlInit` with the same selection finds the settings a real GPU would keep.
    pub parked: Option<(String, Machine)>,
    /// Profile chosen by `nvml_mock_set_profile` (wins over `NVML_MOCK_PROFILE`).
    pub profile_override: Option<String>,
    /// Forced return codes by function name.
    pub faults: Vec<(String, nvmlReturn_t)>,
    /// Hostile modes.
    pub hostile: Hostile,
    /// Root override (`nvml_mock_set_root`), wins over the profile.
    pub root_override: Option<bool>,
    /// System versions from `nvml_mock_set_system_versions` (driver, NVML, CUDA), each
    /// winning over the profile's when set.
    pub versions_override: Versions,
    /// The functions that have answered `NVML_SUCCESS` from the model in this copy of the
    /// library (`nvml_mock_answered`): MODELED.md's proof that a function returns data.
    pub answered: Answered,
    /// Panics caught at the C boundary (`nvml_mock_caught_panics`), and the functions whose
    /// panic was reported on stderr (each once).
    pub panics: (u32, Vec<&'static str>),
}

/// The lock and the condition variable event waits sleep on.
pub struct Global {
    /// State.
    pub inner: Mutex<Inner>,
    /// Signalled when an event is queued.
    pub events: Condvar,
}

/// The one global state of this copy of the library.
pub static GLOBAL: Global = Global {
    inner: Mutex::new(Inner {
        refcount: 0,
        machine: None,
        parked: None,
        profile_override: None,
        faults: Vec::new(),
        hostile: Hostile {
            oversized_counts: false,
            unterminated_strings: false,
            future_enums: false,
        },
        root_override: None,
        versions_override: (None, None, None),
        answered: Answered::new(),
        panics: (0, Vec::new()),
    }),
    events: Condvar::new(),
};

/// Locks the global state (a poisoned lock is recovered: the state stays consistent because
/// every mutation is a single assignment or push).
pub fn lock() -> MutexGuard<'static, Inner> {
    GLOBAL.inner.lock().unwrap_or_else(|e| e.into_inner())
}

/// The global lock, held by the forking thread from just before `fork` until just after it
/// in both parent and child (`pthread_atfork`): a child never starts with the lock held by a
/// thread it does not have, and never with a one-time initialisation half done.
struct ForkHold(UnsafeCell<Option<MutexGuard<'static, Inner>>>);

// SAFETY: the slot is touched only by the fork handlers, which glibc runs in the forking
// thread with its fork-handler lock held from the prepare handler through the parent and
// child handlers: one thread at a time, and the guard is dropped by the thread that took it.
unsafe impl Sync for ForkHold {}

static FORK_HOLD: ForkHold = ForkHold(UnsafeCell::new(None));

extern "C" fn before_fork() {
    // The one-time values a call may build under the lock are built before it is taken, so a
    // fork never copies one half-built.
    crate::exports::build_once_values();
    let g = lock();
    // SAFETY: see `ForkHold`: only the forking thread is here.
    unsafe { *FORK_HOLD.0.get() = Some(g) };
}

extern "C" fn after_fork() {
    // SAFETY: see `ForkHold`: only the forking thread is here.
    drop(unsafe { (*FORK_HOLD.0.get()).take() });
}

extern "C" fn register_fork_handlers() {
    // SAFETY: three `extern "C" fn()` with no arguments, valid for as long as this library is
    // mapped (glibc drops them when the library is unloaded).
    let r = unsafe { libc::pthread_atfork(Some(before_fork), Some(after_fork), Some(after_fork)) };
    if r != 0 {
        eprintln!("nvml-mock: pthread_atfork failed ({r}): a fork while NVML is busy may hang");
    }
}

/// Registers the fork handlers when the library is loaded, before any thread can call it.
#[used]
#[unsafe(link_section = ".init_array")]
static REGISTER_FORK_HANDLERS: extern "C" fn() = register_fork_handlers;

impl Inner {
    /// The forced return code for `name`, if any.
    pub fn fault(&self, name: &str) -> Option<nvmlReturn_t> {
        self.faults.iter().find(|(n, _)| n == name).map(|(_, r)| *r)
    }

    /// Applies `versions_override` to a profile.
    pub fn apply_versions(&self, p: &mut Profile) {
        apply_versions(&self.versions_override, p);
    }

    /// Whether privileged calls are allowed.
    pub fn is_root(&self) -> bool {
        self.root_override
            .or_else(|| self.machine.as_ref().map(|m| m.profile.root))
            .unwrap_or(false)
    }
}

/// System version overrides: (driver, NVML, CUDA driver version).
pub type Versions = (Option<String>, Option<String>, Option<i32>);

/// Applies version overrides to a profile.
pub fn apply_versions(v: &Versions, p: &mut Profile) {
    let (d, n, c) = v;
    if let Some(d) = d {
        p.driver_version = d.clone();
    }
    if let Some(n) = n {
        p.nvml_version = n.clone();
    }
    if let Some(c) = c {
        p.cuda_driver_version = *c;
    }
}

/// What a modeled function gets: the machine plus the modes.
pub struct Ctx<'a> {
    /// The machine.
    pub m: &'a mut Machine,
    /// Hostile modes.
    pub hostile: Hostile,
    /// Caller is root.
    pub root: bool,
}

impl Ctx<'_> {
    /// `NO_PERMISSION` unless root.
    pub fn require_root(&self) -> Result<(), nvmlReturn_t> {
        if self.root {
            Ok(())
        } else {
            Err(NVML_ERROR_NO_PERMISSION)
        }
    }

    /// For privileged setters: the handle must name a GPU (INVALID_ARGUMENT otherwise), then
    /// the caller must be root (NO_PERMISSION otherwise), like the real library.
    pub fn require_root_or_check(&self, device: nvmlDevice_t) -> Result<(), nvmlReturn_t> {
        self.m.gpu(device)?;
        self.require_root()
    }

    /// An enum value as returned to the caller: in future-enum mode, a value past the header's.
    pub fn enum_value(&self, v: u32, future: u32) -> u32 {
        if self.hostile.future_enums { future } else { v }
    }
}

thread_local! {
    /// The reason (location and message) of the last panic on this thread, kept by the
    /// library's panic hook for [`guard`] to report.
    static PANIC_REASON: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs the panic hook of this copy of the library (which links its own `std`, so the
/// hook sees only the mock's panics): the reason is kept for [`guard`], which reports it,
/// instead of being printed at every panic.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let reason = info.to_string().replace('\n', " ");
            let _ = PANIC_REASON.try_with(|r| {
                if let Ok(mut r) = r.try_borrow_mut() {
                    *r = Some(reason);
                }
            });
        }));
    });
}

/// The result that, given to `nvml_mock_set_fault`, makes the function panic instead
/// (`"PANC"`): how the tests reach the panic guard.
pub const PANIC_FAULT: nvmlReturn_t = 0x5041_4E43;

/// Runs the body of an exported function: a panic inside becomes `NVML_ERROR_UNKNOWN` (a
/// panic must never cross `extern "C"`), is counted (`nvml_mock_caught_panics`) and its reason
/// is printed to stderr, once per function.
pub fn guard(name: &'static str, f: impl FnOnce() -> nvmlReturn_t) -> nvmlReturn_t {
    install_panic_hook();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let reason = PANIC_REASON
                .try_with(|r| r.try_borrow_mut().ok().and_then(|mut r| r.take()))
                .ok()
                .flatten()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panicked".to_owned());
            // The payload is dropped here, where a panic in its destructor is caught too.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            let _ = catch_unwind(|| {
                let mut g = lock();
                g.panics.0 = g.panics.0.saturating_add(1);
                if !g.panics.1.contains(&name) {
                    g.panics.1.push(name);
                    drop(g);
                    eprintln!("nvml-mock: {name} {reason}; it answers NVML_ERROR_UNKNOWN");
                }
            });
            NVML_ERROR_UNKNOWN
        }
    }
}

/// Runs a modeled function: fault injection, then the UNINITIALIZED check, then `f` under the
/// lock, inside [`guard`].
/// A function that answers `NVML_SUCCESS` from the model (not from an injected fault) is
/// recorded in `Inner::answered` (`nvml_mock_answered`).
pub fn call(
    name: &'static str,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<(), nvmlReturn_t>,
) -> nvmlReturn_t {
    guard(name, || {
        let mut g = lock();
        if let Some(r) = g.fault(name) {
            if r == PANIC_FAULT {
                drop(g);
                panic!("a panic injected with nvml_mock_set_fault");
            }
            return r;
        }
        let hostile = g.hostile;
        let root = g.is_root();
        let Some(m) = g.machine.as_mut() else {
            return NVML_ERROR_UNINITIALIZED;
        };
        crate::dynamic::advance(m);
        let mut ctx = Ctx { m, hostile, root };
        match f(&mut ctx) {
            Ok(()) => {
                g.answered.insert(name);
                NVML_SUCCESS
            }
            Err(e) => e,
        }
    })
}

/// Records that `name` answered `r` (kept in `Inner::answered` when it is `NVML_SUCCESS`), for
/// the hand-written exports that do not go through [`call`]; returns `r`.
pub fn answer(name: &'static str, r: nvmlReturn_t) -> nvmlReturn_t {
    if r == NVML_SUCCESS {
        lock().answered.insert(name);
    }
    r
}

/// The functions that answered `NVML_SUCCESS`, recorded on every call: keyed by the address
/// of the `&'static str` name, so recording costs a multiply and a probe, not the string
/// comparisons of an ordered set (which made the mock's own bookkeeping most of a call's
/// time). A name reached through two literals is two entries; [`Answered::names`] merges
/// them.
#[derive(Debug, Default)]
pub struct Answered(HashMap<usize, &'static str, BuildHasherDefault<AddressHasher>>);

impl Answered {
    /// None yet.
    pub const fn new() -> Self {
        Answered(HashMap::with_hasher(BuildHasherDefault::new()))
    }

    /// Records that `name` answered.
    pub fn insert(&mut self, name: &'static str) {
        self.0.entry(name.as_ptr() as usize).or_insert(name);
    }

    /// The names, sorted, each once.
    pub fn names(&self) -> BTreeSet<&'static str> {
        self.0.values().copied().collect()
    }
}

/// Hashes an address (a `usize` key) by one multiplication.
#[derive(Default)]
pub struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01B3);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Body of every unmodeled function.
pub fn stub(name: &'static str) -> nvmlReturn_t {
    call(name, |_| Err(NVML_ERROR_NOT_SUPPORTED))
}

/// Writes `v` to `p`; null is INVALID_ARGUMENT.
pub fn put<T>(p: *mut T, v: T) -> Result<(), nvmlReturn_t> {
    if p.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    // SAFETY: non-null; the C contract of every NVML out-parameter is that it points to a
    // writable object of this type. Unaligned write: nothing is assumed about alignment.
    unsafe { p.write_unaligned(v) };
    Ok(())
}

/// Reads `*p`; null is INVALID_ARGUMENT.
pub fn get<T: Copy>(p: *const T) -> Result<T, nvmlReturn_t> {
    if p.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    // SAFETY: non-null; the C contract is that in/out parameters point to a valid object.
    Ok(unsafe { p.read_unaligned() })
}

/// Copies `s` into the C buffer `buf` of `len` bytes with a NUL, like NVML:
/// INSUFFICIENT_SIZE when it does not fit. In unterminated-string mode the whole buffer is
/// filled with text and no NUL.
pub fn put_str(
    buf: *mut c_char,
    len: c_uint,
    s: &str,
    hostile: Hostile,
) -> Result<(), nvmlReturn_t> {
    if buf.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    let len = len as usize;
    let bytes = s.as_bytes();
    if hostile.unterminated_strings && len > 0 {
        for i in 0..len {
            let b = bytes.get(i % bytes.len().max(1)).copied().unwrap_or(b'X');
            // SAFETY: i < len, and the caller promised `len` writable bytes at `buf`.
            unsafe { buf.add(i).write(if b == 0 { b'X' } else { b } as c_char) };
        }
        return Ok(());
    }
    if bytes.len() >= len {
        return Err(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    for (i, b) in bytes.iter().enumerate() {
        // SAFETY: i < bytes.len() < len, inside the caller's buffer.
        unsafe { buf.add(i).write(*b as c_char) };
    }
    // SAFETY: bytes.len() < len.
    unsafe { buf.add(bytes.len()).write(0) };
    Ok(())
}

/// Copies a string into a fixed-size `c_char` array field (truncating, always NUL-terminated).
pub fn fill_array<const N: usize>(dst: &mut [c_char; N], s: &str) {
    for (d, b) in dst.iter_mut().zip(s.bytes().chain(std::iter::repeat(0))) {
        *d = b as c_char;
    }
    if let Some(last) = dst.last_mut() {
        *last = 0;
    }
}

/// NVML's array protocol: `*count` is the capacity of `buf` on entry; on exit the number of
/// entries. Too small: `*count` = needed, INSUFFICIENT_SIZE. In oversized-count mode the
/// entries that fit are written and `*count` is set beyond the capacity, with SUCCESS.
pub fn put_array<T: Copy>(
    count: *mut c_uint,
    buf: *mut T,
    items: &[T],
    hostile: Hostile,
) -> Result<(), nvmlReturn_t> {
    let cap = get(count)? as usize;
    let n = items.len();
    if hostile.oversized_counts && cap > 0 && !buf.is_null() {
        for (i, it) in items.iter().take(cap).enumerate() {
            // SAFETY: i < cap, the capacity the caller declared for `buf`.
            unsafe { buf.add(i).write_unaligned(*it) };
        }
        return put(
            count,
            u32::try_from(cap.saturating_mul(2).max(cap + 3)).unwrap_or(u32::MAX),
        );
    }
    put(count, u32::try_from(n).unwrap_or(u32::MAX))?;
    if cap < n {
        return Err(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    if n == 0 {
        return Ok(());
    }
    if buf.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    for (i, it) in items.iter().enumerate() {
        // SAFETY: i < n <= cap, the capacity the caller declared for `buf`.
        unsafe { buf.add(i).write_unaligned(*it) };
    }
    Ok(())
}

/// A C string argument; null or invalid UTF-8 is INVALID_ARGUMENT.
pub fn arg_str<'a>(p: *const c_char) -> Result<&'a str, nvmlReturn_t> {
    if p.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    // SAFETY: the C contract: a non-null string argument is NUL-terminated.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|_| NVML_ERROR_INVALID_ARGUMENT)
}
