//! The simulated machine: the profile it was built from, each GPU's settings and MIG
//! instances, event sets, and the other objects a client creates while the library is
//! initialised.

use std::collections::VecDeque;

use nvml_sys::*;

use crate::dynamic::{Clock, GpuModel, Inputs, Run};
use crate::handles::{DeviceRef, MAX_GI_IDS, MAX_GPUS, MAX_MIG_PER_GPU, device_ref};
use crate::profile::{ConfCompute, DynamicSpec, GpuSpec, ProcessSpec, Profile, VgpuInstanceSpec};
use crate::readings::Readings;

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
    /// Fixed data from the profile, never written after the machine is built ([`Gpu::spec`]).
    spec: GpuSpec,
    /// The readings that move (the profile's constant ones unless the dynamic mode is on).
    pub readings: Readings,
    /// The processes running on it: the profile's, and those started and stopped through
    /// the control hooks.
    pub processes: Vec<ProcessSpec>,
    /// What the GPU answers (the capability model, resolved for this driver).
    pub support: crate::support::Support,
    /// Persistence mode.
    pub persistence: bool,
    /// Per-process accounting mode (off while MIG is on).
    pub accounting: bool,
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
    pub model: Option<Box<GpuModel>>,
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
    /// The GPU's fixed data from the profile.
    pub fn spec(&self) -> &GpuSpec {
        &self.spec
    }

    /// What the dynamic model reads of this GPU.
    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            spec: &self.spec,
            processes: &self.processes,
            process_loads: &self.process_loads,
            forced_reasons: self.forced_reasons,
            power_limit_mw: self.power_limit_mw,
            app_clocks: self.app_clocks,
        }
    }

    /// Moves the dynamic model with `f`, then writes its readings (nothing with the mode off).
    fn move_model(&mut self, f: impl FnOnce(&mut GpuModel, &Inputs<'_>)) {
        let Some(mut model) = self.model.take() else {
            return;
        };
        f(&mut model, &self.inputs());
        model.publish(&self.spec, &mut self.readings);
        self.model = Some(model);
    }

    /// Re-evaluates the readings at clock time `now` after one of the dynamic model's inputs
    /// changed (a process, a throttle, the power limit, the application clocks), so they agree
    /// with the change at once. Call after [`Machine::advance_dynamic`]; nothing happens with
    /// the mode off.
    pub fn refresh(&mut self, now: u64) {
        self.move_model(|model, inputs| model.step(inputs, now));
    }

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
    pub clock: Clock,
    /// Wall-clock time when it was created, microseconds since the Unix epoch.
    pub wall_origin_us: u64,
    /// The dynamic mode, while on.
    pub dynamic: Option<Run>,
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
                accounting: s.accounting_mode && !(s.mig_capable && s.mig_enabled),
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
                readings: Readings::of(s),
                processes: s.processes.clone(),
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
            clock: Clock::real(),
            wall_origin_us: wall_clock_us(),
            dynamic: None,
            event_sets: Vec::new(),
            source,
        };
        if let Some(spec) = dynamic {
            m.enable_dynamic(spec);
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
        match gpu.model.as_deref() {
            Some(model) => model.counters(self.clock.now_ns()).energy_mj,
            None => gpu
                .readings
                .constant_energy_mj(self.clock.now_ns() / 1_000_000),
        }
    }

    /// Turns the dynamic mode on (or restarts it with new settings) at the current clock time.
    pub fn enable_dynamic(&mut self, spec: DynamicSpec) {
        self.disable_dynamic();
        if spec.virtual_clock {
            self.clock.set_virtual(true);
        }
        let t0 = self.clock.now_ns();
        for i in 0..self.gpus.len() {
            let Some(g) = self.gpus.get(i) else { continue };
            let energy = self.energy_mj(g);
            let Some(g) = self.gpus.get_mut(i) else {
                continue;
            };
            let model = GpuModel::start(&g.inputs(), i, &spec, energy, t0);
            model.publish(&g.spec, &mut g.readings);
            g.model = Some(Box::new(model));
        }
        self.dynamic = Some(Run::new(t0));
    }

    /// Turns the dynamic mode off: the profile's constant readings come back; energy goes on
    /// from where it is (never backwards).
    pub fn disable_dynamic(&mut self) {
        if self.dynamic.take().is_none() {
            return;
        }
        let now_ns = self.clock.now_ns();
        for g in &mut self.gpus {
            let Some(model) = g.model.take() else {
                continue;
            };
            let energy = model.counters(now_ns).energy_mj;
            g.readings = Readings::of(&g.spec);
            // The constant mode's energy is base + elapsed x power: pick the base that reads
            // `energy` now.
            let constant_part =
                (now_ns / 1_000_000).saturating_mul(u64::from(g.readings.power_usage_mw)) / 1000;
            g.readings.energy_base_mj = energy.saturating_sub(constant_part);
        }
    }

    /// Brings the dynamic model up to the clock's current time.
    pub fn advance_dynamic(&mut self) {
        let now = self.clock.now_ns();
        let Some(due) = self.dynamic.as_mut().and_then(|run| run.due(now)) else {
            return;
        };
        for g in &mut self.gpus {
            g.move_model(|model, inputs| model.run(inputs, &due));
        }
    }
}

/// Wall-clock time now, microseconds since the Unix epoch.
pub fn wall_clock_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
