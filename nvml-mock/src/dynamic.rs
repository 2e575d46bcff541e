//! Dynamic mode: readings that move over time and agree with each other.
//!
//! Time is the machine's [`Clock`]: real elapsed time, or a virtual clock a test moves
//! (`nvml_mock_advance_clock`). The model advances in fixed ticks of 100 ms of that time, so
//! the readings depend only on the seed, the elapsed time and the control calls, never on how
//! often a client asks. Every tick, per GPU:
//!
//! - utilisation = the loads of its processes (capped at 100), plus seeded noise while busy;
//! - power = idle power + (peak - idle) x utilisation x performance factor, capped at the
//!   power limit (then "SW power cap", and the clocks scale down to fit the limit);
//! - temperature moves toward the steady state of that power with a first-order lag
//!   (`thermal_time_constant_s`); at the slowdown threshold "SW thermal slowdown" lowers the
//!   performance factor (clocks and power) until it cools;
//! - energy is the integral of the power drawn (exact: mW x us in nJ), and the PCIe and
//!   NvLink byte counters the integral of their throughput, which follows utilisation;
//! - a throttle forced through the control API (`nvml_mock_set_throttle`) lowers the
//!   performance factor and shows in the clocks event reasons.
//!
//! The model writes a GPU's [`Readings`], so every query that reads them (utilisation, power,
//! temperatures, clocks, P-state, PCIe throughput, GPM, samples) follows; it reads the fixed
//! profile and the settings a client changed ([`Inputs`]) and writes nothing else. Turning the
//! mode off puts the profile's constant readings back.

use std::collections::VecDeque;
use std::time::Instant;

use nvml_sys::*;

use crate::profile::{DynamicSpec, GpuSpec, ProcessSpec};
use crate::readings::Readings;

/// The model's step, ns of clock time.
pub const TICK_NS: u64 = 100_000_000;
/// Samples kept for `nvmlDeviceGetSamples` (2 s of ticks).
pub const HISTORY: usize = 20;
/// Most ticks computed one by one when the clock jumps (1 hour); before that, the readings of
/// the last computed tick are integrated in one step.
const MAX_CATCH_UP_TICKS: u64 = 36_000;

const IDLE: u64 = nvmlClocksEventReasonGpuIdle as u64;
const SW_POWER_CAP: u64 = nvmlClocksEventReasonSwPowerCap as u64;
const HW_SLOWDOWN: u64 = nvmlClocksThrottleReasonHwSlowdown as u64;
const SW_THERMAL: u64 = nvmlClocksEventReasonSwThermalSlowdown as u64;
const HW_THERMAL: u64 = nvmlClocksThrottleReasonHwThermalSlowdown as u64;
const HW_POWER_BRAKE: u64 = nvmlClocksThrottleReasonHwPowerBrakeSlowdown as u64;
/// The clocks event reasons the model decides (the profile's other bits are kept).
const MODELED_REASONS: u64 =
    IDLE | SW_POWER_CAP | HW_SLOWDOWN | SW_THERMAL | HW_THERMAL | HW_POWER_BRAKE;
/// The reasons `nvml_mock_set_throttle` may force.
pub const FORCEABLE_REASONS: u64 =
    SW_POWER_CAP | HW_SLOWDOWN | SW_THERMAL | HW_THERMAL | HW_POWER_BRAKE;

/// The machine's time source.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    origin: Instant,
    offset_ns: u64,
    frozen: Option<u64>,
}

impl Clock {
    /// Real elapsed time from now.
    pub fn real() -> Clock {
        Clock {
            origin: Instant::now(),
            offset_ns: 0,
            frozen: None,
        }
    }

    /// Nanoseconds since the machine started, on this clock.
    pub fn now_ns(&self) -> u64 {
        self.frozen.unwrap_or_else(|| {
            let e = u64::try_from(self.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
            e.saturating_add(self.offset_ns)
        })
    }

    /// Whether the clock is virtual (moves only through [`Clock::advance`]).
    pub fn is_virtual(&self) -> bool {
        self.frozen.is_some()
    }

    /// Switches to a virtual clock (stopped at the current time) or back to real time
    /// (going on from the virtual time: the clock never runs backwards).
    pub fn set_virtual(&mut self, on: bool) {
        let now = self.now_ns();
        if on {
            self.frozen = Some(now);
        } else if self.frozen.take().is_some() {
            self.origin = Instant::now();
            self.offset_ns = now;
        }
    }

    /// Moves a virtual clock forward; `false` (nothing done) on a real clock.
    pub fn advance(&mut self, ns: u64) -> bool {
        match self.frozen.as_mut() {
            Some(t) => {
                *t = t.saturating_add(ns);
                true
            }
            None => false,
        }
    }
}

/// A machine's dynamic mode while it is on.
#[derive(Clone, Debug)]
pub struct Run {
    /// Clock time when it was turned on.
    t0_ns: u64,
    /// Ticks computed since then.
    ticks: u64,
}

impl Run {
    /// The mode turned on at clock time `t0_ns`.
    pub fn new(t0_ns: u64) -> Run {
        Run { t0_ns, ticks: 0 }
    }

    /// The ticks to compute to bring the model to clock time `now_ns` (`None`: none due), now
    /// counted as computed.
    pub fn due(&mut self, now_ns: u64) -> Option<Due> {
        let target = now_ns.saturating_sub(self.t0_ns) / TICK_NS;
        if target <= self.ticks {
            return None;
        }
        // A long jump: the last readings hold over the gap, then the last hour is computed.
        let from = self.ticks.max(target - MAX_CATCH_UP_TICKS.min(target));
        let due = Due {
            t0_ns: self.t0_ns,
            jump: from > self.ticks,
            from,
            target,
        };
        self.ticks = target;
        Some(due)
    }
}

/// The ticks one advance of the model computes: `from + 1 ..= target` (counted from `t0_ns`),
/// after holding the last readings up to tick `from` when the clock jumped.
#[derive(Clone, Copy, Debug)]
pub struct Due {
    t0_ns: u64,
    jump: bool,
    from: u64,
    target: u64,
}

/// What the model reads of a GPU: its fixed profile data and what a client or a control hook
/// set (processes and their loads, throttles, the power limit, the application clocks).
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    /// The GPU's profile.
    pub spec: &'a GpuSpec,
    /// The processes running on it.
    pub processes: &'a [ProcessSpec],
    /// Load (%) of each process started by `nvml_mock_start_process`, by pid.
    pub process_loads: &'a [(u32, u32)],
    /// Clocks event reasons forced by `nvml_mock_set_throttle`.
    pub forced_reasons: u64,
    /// Power limit, mW.
    pub power_limit_mw: u32,
    /// Application clocks (memory, graphics), MHz.
    pub app_clocks: (u32, u32),
}

/// The readings of one tick.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Reading {
    /// Clock time of the tick's start, ns.
    pub t_ns: u64,
    /// GPU utilisation, %.
    pub util: u32,
    /// Memory utilisation, %.
    pub mem_util: u32,
    /// Power draw, mW.
    pub power_mw: u32,
    /// Graphics (= SM) clock, MHz.
    pub graphics_mhz: u32,
    /// Memory clock, MHz.
    pub mem_mhz: u32,
    /// Video clock, MHz.
    pub video_mhz: u32,
    /// Clocks event reasons.
    pub reasons: u64,
    /// PCIe TX and RX throughput, KB/s.
    pub pcie_kbps: (u32, u32),
    /// NvLink TX and RX data throughput of each link, bytes/s.
    pub nvlink_bps: (u64, u64),
}

/// The dynamic state of one GPU.
#[derive(Clone, Debug)]
pub struct GpuModel {
    /// The mode's settings.
    spec: DynamicSpec,
    rng: u64,
    /// Load (%) of each of the profile's processes (pid), sharing the profile's utilisation.
    profile_loads: Vec<(u32, u32)>,
    /// Load of a profile GPU that is busy without any process.
    background: u32,
    /// Idle and peak (100% utilisation, no slowdown) power, mW.
    idle_mw: f64,
    peak_mw: f64,
    /// Steady-state temperature rise per mW above idle, °C.
    r_c_per_mw: f64,
    /// Memory utilisation per GPU utilisation.
    mem_ratio: f64,
    /// PCIe (TX, RX) throughput idle and at 100%, KB/s.
    pcie_idle: (f64, f64),
    pcie_peak: (f64, f64),
    /// GPU temperature, °C (the state of the thermal lag).
    temp_c: f64,
    /// The current tick's readings.
    pub now: Reading,
    /// Energy since the mode went on at the current tick's start, nJ.
    energy_nj: u128,
    /// Energy reading when the mode went on, mJ.
    energy0_mj: u64,
    /// PCIe TX and RX bytes at the current tick's start.
    pcie_bytes: (u128, u128),
    /// NvLink TX and RX data bytes of each link at the current tick's start.
    nvlink_bytes: (u128, u128),
    /// Time spent in SW thermal, HW thermal and HW power brake slowdown, ns.
    reason_ns: [u64; 3],
    /// The last ticks' readings, oldest first.
    pub history: VecDeque<Reading>,
}

/// splitmix64: the noise generator (one stream per GPU).
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// PCIe bandwidth of the link as trained, KB/s (per lane: the generation's transfer rate).
fn pcie_link_kbps(s: &GpuSpec) -> f64 {
    let gtps = match s.pcie_gen {
        1 => 2.5,
        2 => 5.0,
        3 => 8.0,
        4 => 16.0,
        5 => 32.0,
        _ => 64.0,
    };
    gtps * 1e6 / 8.0 * f64::from(s.pcie_width)
}

impl GpuModel {
    /// The model of GPU `index` turned on at clock time `t0_ns`, with the energy counter at
    /// `energy_now_mj`.
    pub fn start(
        g: &Inputs<'_>,
        index: usize,
        spec: &DynamicSpec,
        energy_now_mj: u64,
        t0_ns: u64,
    ) -> GpuModel {
        let mut model = GpuModel::new(g, index, spec, energy_now_mj);
        model.now = model.compute(g, t0_ns);
        model.push_history();
        model
    }

    fn new(g: &Inputs<'_>, index: usize, spec: &DynamicSpec, energy_now_mj: u64) -> GpuModel {
        // The profile's constant readings are where the model starts.
        let s = g.spec;
        let limit = f64::from(s.power_default_limit_mw.max(s.power_limit_mw).max(1000));
        let busy = s.util_gpu > 0;
        let p_base = f64::from(s.power_usage_mw);
        let u_base = f64::from(s.util_gpu) / 100.0;
        let idle_mw = if busy {
            limit * 0.11
        } else {
            p_base.max(1000.0)
        };
        let peak_mw = if busy && p_base > idle_mw {
            idle_mw + (p_base - idle_mw) / u_base
        } else {
            limit * 0.95
        };
        // At the default limit a GPU in 25 °C air sits 15 °C below its slowdown threshold.
        let slowdown = if s.temp_slowdown > 0 {
            f64::from(s.temp_slowdown)
        } else {
            90.0
        };
        let rise = (slowdown - 50.0).max(10.0);
        let r_c_per_mw = rise / (limit - idle_mw).max(1000.0);
        let mem_ratio = if busy {
            f64::from(s.util_memory) / f64::from(s.util_gpu)
        } else {
            0.4
        };
        let (tx, rx) = (f64::from(s.pcie_tx_kbps), f64::from(s.pcie_rx_kbps));
        let (pcie_idle, pcie_peak) = if busy {
            let idle = (tx / 100.0, rx / 100.0);
            (
                idle,
                (
                    idle.0 + (tx - idle.0) / u_base,
                    idle.1 + (rx - idle.1) / u_base,
                ),
            )
        } else {
            let link = pcie_link_kbps(s);
            ((tx, rx), (tx.max(link * 0.0066), rx.max(link * 0.03)))
        };
        let n = g.processes.len() as u32;
        let (share, rest) = (s.util_gpu / n.max(1), s.util_gpu % n.max(1));
        let profile_loads = g
            .processes
            .iter()
            .enumerate()
            .map(|(k, p)| (p.pid, share + u32::from((k as u32) < rest)))
            .collect();
        let seed = spec.seed ^ (index as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03);
        GpuModel {
            spec: spec.clone(),
            temp_c: f64::from(s.temperature),
            background: if n == 0 { s.util_gpu } else { 0 },
            rng: seed,
            profile_loads,
            idle_mw,
            peak_mw,
            r_c_per_mw,
            mem_ratio,
            pcie_idle,
            pcie_peak,
            now: Reading::default(),
            energy_nj: 0,
            energy0_mj: energy_now_mj,
            pcie_bytes: (0, 0),
            nvlink_bytes: (0, 0),
            reason_ns: [0; 3],
            history: VecDeque::with_capacity(HISTORY),
        }
    }

    /// The utilisation the GPU's processes ask for, %.
    fn target_util(&self, g: &Inputs<'_>) -> u32 {
        let loads: u32 = g
            .processes
            .iter()
            .map(|p| {
                g.process_loads
                    .iter()
                    .chain(&self.profile_loads)
                    .find(|(pid, _)| *pid == p.pid)
                    .map_or(0, |(_, l)| *l)
            })
            .sum();
        (loads + self.background).min(100)
    }

    /// Computes the readings from `t_ns` on from the state.
    fn compute(&mut self, g: &Inputs<'_>, t_ns: u64) -> Reading {
        let s = g.spec;
        let target = self.target_util(g);
        let noise = self.spec.noise_percent;
        let util = if target == 0 {
            0
        } else {
            let r = next_random(&mut self.rng) % u64::from(2 * noise + 1);
            (i64::from(target) + r as i64 - i64::from(noise)).clamp(1, 100) as u32
        };
        let u = f64::from(util) / 100.0;
        let slowdown = f64::from(s.temp_slowdown);
        // Judged on the temperature as reported (whole degrees).
        let thermal = s.temp_slowdown > 0 && self.temp_c.round() >= slowdown;
        let f_thermal = if thermal {
            (1.0 - 0.05 * (self.temp_c - slowdown + 1.0)).clamp(0.3, 1.0)
        } else {
            1.0
        };
        let forced = g.forced_reasons;
        let f_forced = if forced & HW_POWER_BRAKE != 0 {
            0.3
        } else if forced & (HW_THERMAL | HW_SLOWDOWN | SW_THERMAL) != 0 {
            0.5
        } else {
            1.0
        };
        let f = f_thermal.min(f_forced);
        let demand = self.idle_mw + (self.peak_mw - self.idle_mw) * u * f;
        let limit = f64::from(g.power_limit_mw);
        let capped = util > 0 && demand >= limit;
        // Below the limit the draw is rounded down, so it reads as the limit only when capped.
        let (power, f_eff) = if capped {
            let busy_part = (demand - self.idle_mw).max(1.0);
            (limit, f * ((limit - self.idle_mw).max(0.0) / busy_part))
        } else {
            (demand.floor(), f)
        };
        let (app_mem, app_graphics) = g.app_clocks;
        let graphics = if util == 0 {
            s.min_graphics
        } else {
            // The highest supported clock at or below the target: the grid runs from the
            // lowest clock up by `graphics_step` (kHz), each truncated to MHz.
            let step = u64::from(s.graphics_step_khz.max(1));
            let low_khz = u64::from(s.min_graphics) * 1000;
            let want_khz = (f64::from(app_graphics) * f_eff * 1000.0) as u64;
            let k = want_khz.saturating_sub(low_khz) / step;
            let on_grid = u32::try_from((low_khz + k * step) / 1000).unwrap_or(u32::MAX);
            on_grid.clamp(s.min_graphics, app_graphics.max(s.min_graphics))
        };
        let mem_mhz = if util == 0 && s.util_gpu == 0 {
            s.clock_mem
        } else {
            app_mem
        };
        let video = (f64::from(s.max_video) * f64::from(graphics)
            / f64::from(s.max_graphics.max(1))) as u32;
        let mut reasons = s.clocks_event_reasons & !MODELED_REASONS;
        if util == 0 {
            reasons |= IDLE;
        }
        if capped {
            reasons |= SW_POWER_CAP;
        }
        if thermal {
            reasons |= SW_THERMAL;
        }
        reasons |= forced_reasons(g.forced_reasons);
        let pcie = |i: f64, p: f64| (i + (p - i) * u) as u32;
        // NvLink: a busy GPU streams at ~60% of the link speed times its utilization (as GPM).
        let link_bps = f64::from(s.nvlink_speed_mbps) / 8.0 * 1e6 * 0.6 * u * f_eff;
        let mem_util = (f64::from(util) * self.mem_ratio).round().min(100.0) as u32;
        Reading {
            t_ns,
            util,
            mem_util,
            power_mw: power as u32,
            graphics_mhz: graphics,
            mem_mhz,
            video_mhz: video,
            reasons,
            pcie_kbps: (
                pcie(self.pcie_idle.0, self.pcie_peak.0),
                pcie(self.pcie_idle.1, self.pcie_peak.1),
            ),
            nvlink_bps: ((link_bps * 0.92) as u64, link_bps as u64),
        }
    }

    /// Writes the current readings of the GPU whose profile is `base` into `out`.
    pub fn publish(&self, base: &GpuSpec, out: &mut Readings) {
        let r = &self.now;
        out.util_gpu = r.util;
        out.util_memory = r.mem_util;
        let temp = self.temp_c.round().max(0.0) as u32;
        if base.memory_temperature > 0 {
            let delta = i64::from(temp) - i64::from(base.temperature);
            out.memory_temperature = (i64::from(base.memory_temperature) + delta).max(0) as u32;
        }
        out.temperature = temp;
        out.power_usage_mw = r.power_mw;
        out.clock_graphics = r.graphics_mhz;
        out.clock_sm = r.graphics_mhz;
        out.clock_mem = r.mem_mhz;
        out.clock_video = r.video_mhz;
        out.pstate = if r.util > 0 { 0 } else { base.pstate };
        out.clocks_event_reasons = r.reasons;
        out.pcie_tx_kbps = r.pcie_kbps.0;
        out.pcie_rx_kbps = r.pcie_kbps.1;
        // A superchip module draws the GPU's change in power on top of its profile draw.
        if let Some(m) = base.module_power.as_ref() {
            let delta = i64::from(r.power_mw) - i64::from(base.power_usage_mw);
            out.module_usage_mw =
                Some(u32::try_from((i64::from(m.usage_mw) + delta).max(0)).unwrap_or(u32::MAX));
        }
    }

    /// Integrates the current tick's readings over `ns` into the accumulators.
    fn integrate(&mut self, ns: u64) {
        let r = self.now;
        let us = u128::from(ns / 1000);
        self.energy_nj += u128::from(r.power_mw) * us;
        // KB/s x us = mB: / 1000 for bytes.
        self.pcie_bytes.0 += u128::from(r.pcie_kbps.0) * us / 1000;
        self.pcie_bytes.1 += u128::from(r.pcie_kbps.1) * us / 1000;
        self.nvlink_bytes.0 += u128::from(r.nvlink_bps.0) * us / 1_000_000;
        self.nvlink_bytes.1 += u128::from(r.nvlink_bps.1) * us / 1_000_000;
        for (k, bit) in [SW_THERMAL, HW_THERMAL, HW_POWER_BRAKE].iter().enumerate() {
            if r.reasons & bit != 0
                && let Some(t) = self.reason_ns.get_mut(k)
            {
                *t = t.saturating_add(ns);
            }
        }
    }

    /// Moves to clock time `t` (a tick's start, or the moment an input changed): integrates
    /// the current readings up to it, moves the temperature, computes the readings from `t`.
    pub fn step(&mut self, g: &Inputs<'_>, t: u64) {
        let dt = t.saturating_sub(self.now.t_ns);
        self.integrate(dt);
        let tau = f64::from(self.spec.thermal_time_constant_s.max(1));
        let alpha = 1.0 - (-(dt as f64 / 1e9) / tau).exp();
        let steady = f64::from(self.spec.ambient_c)
            + 10.0
            + self.r_c_per_mw * (f64::from(self.now.power_mw) - self.idle_mw);
        self.temp_c += (steady - self.temp_c) * alpha;
        self.now = self.compute(g, t);
        self.push_history();
    }

    /// Computes the ticks `due` names.
    pub fn run(&mut self, g: &Inputs<'_>, due: &Due) {
        if due.jump {
            let t = due.t0_ns.saturating_add(due.from.saturating_mul(TICK_NS));
            self.integrate(t.saturating_sub(self.now.t_ns));
            self.now.t_ns = t;
        }
        for k in due.from + 1..=due.target {
            self.step(g, due.t0_ns.saturating_add(k.saturating_mul(TICK_NS)));
        }
    }

    fn push_history(&mut self) {
        if self.history.len() == HISTORY {
            self.history.pop_front();
        }
        self.history.push_back(self.now);
    }

    /// A copy of the accumulators as they read `ns` after the current tick's start.
    fn at(&self, ns: u64) -> GpuModel {
        let mut m = self.clone();
        m.integrate(ns);
        m
    }

    /// Total energy reading, mJ.
    pub fn energy_mj(&self) -> u64 {
        self.energy0_mj
            .saturating_add(u64::try_from(self.energy_nj / 1_000_000).unwrap_or(u64::MAX))
    }
}

/// Counters of a GPU read at the current clock time (`None` when the mode is off).
#[derive(Clone, Copy, Debug)]
pub struct Counters {
    /// Total energy, mJ.
    pub energy_mj: u64,
    /// PCIe TX and RX bytes.
    pub pcie_bytes: (u64, u64),
    /// NvLink TX and RX data per link, KiB.
    pub nvlink_kib: (u64, u64),
    /// Time in SW thermal, HW thermal, HW power brake slowdown, ns.
    pub reason_ns: [u64; 3],
}

impl GpuModel {
    /// The counters at clock time `now_ns`.
    pub fn counters(&self, now_ns: u64) -> Counters {
        let since = now_ns.saturating_sub(self.now.t_ns);
        let x = self.at(since.min(TICK_NS));
        let b = |v: u128| u64::try_from(v).unwrap_or(u64::MAX);
        Counters {
            energy_mj: x.energy_mj(),
            pcie_bytes: (b(x.pcie_bytes.0), b(x.pcie_bytes.1)),
            nvlink_kib: (b(x.nvlink_bytes.0 / 1024), b(x.nvlink_bytes.1 / 1024)),
            reason_ns: x.reason_ns,
        }
    }

    /// A field value `nvmlDeviceGetFieldValues` answers from the model at clock time `now_ns`
    /// (`None`: not one of its fields) for a GPU with `links` NvLinks: PCIe byte counters,
    /// NvLink throughput counters (per link in `scope`, or summed over the links with `scope`
    /// = `UINT_MAX`) and the time spent in thermal and power brake slowdown.
    pub fn field(
        &self,
        now_ns: u64,
        links: u32,
        id: u32,
        scope: u32,
    ) -> Option<Result<(nvmlValueType_t, nvmlValue_t), nvmlReturn_t>> {
        let k = self.counters(now_ns);
        let ull = |v: u64| {
            Some(Ok((
                NVML_VALUE_TYPE_UNSIGNED_LONG_LONG,
                nvmlValue_t { ullVal: v },
            )))
        };
        match id {
            NVML_FI_DEV_PCIE_COUNT_TX_BYTES => ull(k.pcie_bytes.0),
            NVML_FI_DEV_PCIE_COUNT_RX_BYTES => ull(k.pcie_bytes.1),
            NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX..=NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_RX => {
                if links == 0 {
                    return Some(Err(NVML_ERROR_NOT_SUPPORTED));
                }
                let n = match scope {
                    u32::MAX => u64::from(links),
                    l if l < links => 1,
                    l if l < NVML_NVLINK_MAX_LINKS => return Some(Err(NVML_ERROR_NOT_SUPPORTED)),
                    _ => return Some(Err(NVML_ERROR_INVALID_ARGUMENT)),
                };
                let data = match id {
                    NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX
                    | NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_TX => k.nvlink_kib.0,
                    _ => k.nvlink_kib.1,
                };
                // Raw = data + protocol overhead (1/16 of the data).
                let v = if id >= NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_TX {
                    data + data / 16
                } else {
                    data
                };
                ull(v.saturating_mul(n))
            }
            NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN => ull(k.reason_ns[0]),
            NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN => ull(k.reason_ns[1]),
            NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN => ull(k.reason_ns[2]),
            _ => None,
        }
    }

    /// `nvmlDeviceGetSamples` from the model's last ticks, for a GPU whose profile is `s` on a
    /// machine started at `wall_origin_us`: the readings of each tick after `last` (wall-clock
    /// microseconds on the machine's clock).
    pub fn samples(
        &self,
        wall_origin_us: u64,
        s: &GpuSpec,
        t: nvmlSamplingType_t,
        last: u64,
    ) -> Vec<nvmlSample_t> {
        let value = |r: &Reading| match t {
            NVML_TOTAL_POWER_SAMPLES | NVML_MODULE_POWER_SAMPLES => r.power_mw,
            NVML_GPU_UTILIZATION_SAMPLES => r.util,
            NVML_MEMORY_UTILIZATION_SAMPLES => r.mem_util,
            NVML_PROCESSOR_CLK_SAMPLES => r.graphics_mhz,
            NVML_MEMORY_CLK_SAMPLES => r.mem_mhz,
            NVML_ENC_UTILIZATION_SAMPLES => s.util_encoder,
            NVML_DEC_UTILIZATION_SAMPLES => s.util_decoder,
            _ => 0,
        };
        self.history
            .iter()
            .map(|r| (wall_origin_us.saturating_add(r.t_ns / 1000), value(r)))
            .filter(|(ts, _)| *ts > last)
            .map(|(ts, v)| nvmlSample_t {
                timeStamp: ts,
                sampleValue: nvmlValue_t { uiVal: v },
            })
            .collect()
    }
}

/// The throttles forced on a GPU, with "HW slowdown" wherever a HW thermal or power brake
/// slowdown is forced (nvml.h: HW slowdown is active when either is).
pub fn forced_reasons(f: u64) -> u64 {
    if f & (HW_THERMAL | HW_POWER_BRAKE) != 0 {
        f | HW_SLOWDOWN
    } else {
        f
    }
}
