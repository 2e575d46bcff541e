//! The dynamic mode: readings move on the machine's clock and agree with each other (energy is
//! the integral of power, temperature lags power, clocks event reasons match the state),
//! reproducibly for a seed; with the mode off every reading stays constant.

use std::time::Duration;

use crate::support::*;

const TICK: Duration = Duration::from_millis(100);
const IDLE: u64 = nvmlClocksEventReasonGpuIdle as u64;
const SW_POWER_CAP: u64 = nvmlClocksEventReasonSwPowerCap as u64;
const HW_SLOWDOWN: u64 = nvmlClocksThrottleReasonHwSlowdown as u64;
const SW_THERMAL: u64 = nvmlClocksEventReasonSwThermalSlowdown as u64;
const HW_POWER_BRAKE: u64 = nvmlClocksThrottleReasonHwPowerBrakeSlowdown as u64;

/// One GPU's readings at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Reading {
    util: u32,
    mem_util: u32,
    temp: u32,
    power_mw: u32,
    energy_mj: u64,
    graphics_mhz: u32,
    sm_mhz: u32,
    mem_mhz: u32,
    reasons: u64,
    pcie_tx_kbps: u32,
}

fn read(lib: &NvmlLib, d: nvmlDevice_t) -> Reading {
    let mut u = nvmlUtilization_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetUtilizationRates(d, &mut u)),
        NVML_SUCCESS
    );
    let (mut temp, mut power, mut energy) = (0u32, 0u32, 0u64);
    assert_eq!(
        nv!(lib.nvmlDeviceGetTemperature(d, NVML_TEMPERATURE_GPU, &mut temp)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerUsage(d, &mut power)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEnergyConsumption(d, &mut energy)),
        NVML_SUCCESS
    );
    let clock = |t| {
        let mut v = 0u32;
        assert_eq!(nv!(lib.nvmlDeviceGetClockInfo(d, t, &mut v)), NVML_SUCCESS);
        v
    };
    let mut reasons = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetCurrentClocksEventReasons(d, &mut reasons)),
        NVML_SUCCESS
    );
    let mut tx = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPcieThroughput(d, NVML_PCIE_UTIL_TX_BYTES, &mut tx)),
        NVML_SUCCESS
    );
    Reading {
        util: u.gpu,
        mem_util: u.memory,
        temp,
        power_mw: power,
        energy_mj: energy,
        graphics_mhz: clock(NVML_CLOCK_GRAPHICS),
        sm_mhz: clock(NVML_CLOCK_SM),
        mem_mhz: clock(NVML_CLOCK_MEM),
        reasons,
        pcie_tx_kbps: tx,
    }
}

/// Field values of one GPU (field id, scope id).
fn field_values(lib: &NvmlLib, d: nvmlDevice_t, ids: &[(u32, u32)]) -> Vec<nvmlFieldValue_t> {
    let mut values: Vec<nvmlFieldValue_t> = ids
        .iter()
        .map(|(id, scope)| nvmlFieldValue_t {
            fieldId: *id,
            scopeId: *scope,
            // SAFETY: plain data; all-zero is a valid value.
            ..unsafe { std::mem::zeroed() }
        })
        .collect();
    assert_eq!(
        nv!(lib.nvmlDeviceGetFieldValues(d, values.len() as i32, values.as_mut_ptr())),
        NVML_SUCCESS
    );
    values
}

/// Field values of one GPU that are unsigned long longs: (return code, value).
fn fields(lib: &NvmlLib, d: nvmlDevice_t, ids: &[(u32, u32)]) -> Vec<(nvmlReturn_t, u64)> {
    field_values(lib, d, ids)
        .iter()
        // SAFETY: every field read through this is an unsigned long long.
        .map(|v| (v.nvmlReturn, unsafe { v.value.ullVal }))
        .collect()
}

/// dgx-h100 on a virtual clock with the dynamic mode on (`seed`).
fn dynamic_h100(seed: u64) -> (Staged, NvmlLib) {
    let (staged, lib) = init("dgx-h100");
    staged.set_virtual_clock(true).unwrap();
    staged.set_dynamic(Some(seed)).unwrap();
    (staged, lib)
}

#[test]
fn constant_when_off() {
    // The dynamic hooks need a machine: before nvmlInit there is none.
    let uninit = Staged::with_profile("dgx-h100").unwrap();
    assert_eq!(
        uninit.set_dynamic(Some(1)).map_err(|e| e.code()),
        Err(NVML_ERROR_UNINITIALIZED)
    );
    assert_eq!(
        uninit.set_virtual_clock(true).map_err(|e| e.code()),
        Err(NVML_ERROR_UNINITIALIZED)
    );
    let (staged, lib) = init("dgx-h100");
    staged.set_virtual_clock(true).unwrap();
    for i in [0, 4] {
        let d = dev(&lib, i);
        let before = read(&lib, d);
        staged.advance_clock(Duration::from_secs(60)).unwrap();
        let after = read(&lib, d);
        // Everything but the energy counter stands still...
        assert_eq!(
            Reading {
                energy_mj: before.energy_mj,
                ..after
            },
            before
        );
        // ...which grows at the constant draw: 60 s x P.
        assert_eq!(
            after.energy_mj - before.energy_mj,
            u64::from(before.power_mw) * 60
        );
    }
    // The model's counters are not served.
    let d = dev(&lib, 0);
    assert_eq!(
        fields(&lib, d, &[(NVML_FI_DEV_PCIE_COUNT_TX_BYTES, 0)])[0].0,
        NVML_ERROR_NOT_SUPPORTED
    );
    // The real clock cannot be moved by hand.
    staged.set_virtual_clock(false).unwrap();
    assert_eq!(
        staged
            .advance_clock(Duration::from_secs(1))
            .map_err(|e| e.code()),
        Err(NVML_ERROR_INVALID_STATE)
    );
}

#[test]
fn energy_is_the_integral_of_power() {
    let (staged, lib) = dynamic_h100(42);
    let d = dev(&lib, 4); // idle at start
    let first = read(&lib, d);
    // Sum of power x 100 ms over a minute, in mW x ms = uJ; a job runs from 10 s to 40 s.
    let mut integral_uj = 0u64;
    for tick in 0..600 {
        if tick == 100 {
            staged
                .start_process(4, 4242, "train.py", 100, 20_000)
                .unwrap();
        }
        if tick == 400 {
            staged.stop_process(4, 4242).unwrap();
        }
        let r = read(&lib, d);
        integral_uj += u64::from(r.power_mw) * 100;
        staged.advance_clock(TICK).unwrap();
    }
    let last = read(&lib, d);
    let delta_mj = last.energy_mj - first.energy_mj;
    // Within the rounding of two whole-mJ readings.
    assert!(
        delta_mj.abs_diff(integral_uj / 1000) <= 1,
        "energy {delta_mj} mJ, integral of power {} mJ",
        integral_uj / 1000
    );
    // The job made a difference: more than idle power alone would give.
    assert!(delta_mj > u64::from(first.power_mw) * 60 * 2, "{delta_mj}");
    // A jump of three hours (computed in one step but the last hour): the energy grows by
    // the idle draw over it, and the counter never runs backwards.
    staged.advance_clock(Duration::from_secs(3 * 3600)).unwrap();
    let later = read(&lib, d);
    let grown = later.energy_mj - last.energy_mj;
    assert_eq!(
        grown,
        u64::from(later.power_mw) * 3 * 3600,
        "{last:?} {later:?}"
    );
}

#[test]
fn temperature_follows_power_with_a_lag_and_settles() {
    let (staged, lib) = dynamic_h100(7);
    let d = dev(&lib, 5);
    let idle = read(&lib, d);
    assert_eq!((idle.util, idle.reasons & IDLE), (0, IDLE), "{idle:?}");
    staged.start_process(5, 777, "burn", 100, 1024).unwrap();
    staged.advance_clock(TICK).unwrap();
    let busy = read(&lib, d);
    // Power rises within a tick; the temperature has not moved yet.
    assert!(busy.util >= 97, "{busy:?}");
    assert!(busy.power_mw > idle.power_mw * 5, "{idle:?} {busy:?}");
    assert!(busy.temp <= idle.temp + 1, "{idle:?} {busy:?}");
    assert_eq!(busy.reasons & IDLE, 0);
    // It climbs toward its steady state: never down by more than noise, 63% of the way in
    // one time constant (20 s), settled after six.
    let mut temps = vec![busy.temp];
    for _ in 0..1200 {
        staged.advance_clock(TICK).unwrap();
        temps.push(read(&lib, d).temp);
    }
    for w in temps.windows(2) {
        assert!(w[1] + 1 >= w[0], "{temps:?}");
    }
    let settled = *temps.last().unwrap();
    assert!(settled >= idle.temp + 20, "{idle:?} settled at {settled}");
    let at_tau = temps[200];
    let share = f64::from(at_tau - idle.temp) / f64::from(settled - idle.temp);
    assert!((0.5..0.75).contains(&share), "{share} {temps:?}");
    let tail = &temps[temps.len() - 100..];
    assert!(
        tail.iter().max().unwrap() - tail.iter().min().unwrap() <= 2,
        "{tail:?}"
    );
    // Stopped: power falls at once, the temperature drifts back down.
    staged.stop_process(5, 777).unwrap();
    staged.advance_clock(TICK).unwrap();
    let stopped = read(&lib, d);
    assert_eq!(stopped.util, 0);
    assert!(stopped.temp + 2 >= settled, "{stopped:?}");
    staged.advance_clock(Duration::from_secs(120)).unwrap();
    let cooled = read(&lib, d);
    assert!(cooled.temp <= idle.temp + 2, "{idle:?} {cooled:?}");
}

#[test]
fn clocks_and_reasons_match_idle_busy_and_power_cap() {
    let (staged, lib) = dynamic_h100(1);
    // GPU 0 runs the profile's jobs at ~97%: full application clocks, no reason.
    let d = dev(&lib, 0);
    staged.advance_clock(TICK).unwrap();
    let busy = read(&lib, d);
    assert!(busy.util > 90, "{busy:?}");
    assert_eq!((busy.graphics_mhz, busy.sm_mhz), (1980, 1980));
    assert_eq!(busy.reasons & (IDLE | SW_POWER_CAP | SW_THERMAL), 0);
    // An idle GPU: lowest clock, "GPU idle".
    let idle = read(&lib, dev(&lib, 6));
    assert_eq!((idle.util, idle.graphics_mhz), (0, 345));
    assert_eq!(idle.reasons & IDLE, IDLE);
    // A 300 W limit on the busy GPU: the draw sits at the limit, "SW power cap", lower clocks.
    staged.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(d, 300_000)),
        NVML_SUCCESS
    );
    staged.advance_clock(TICK).unwrap();
    let capped = read(&lib, d);
    assert_eq!(capped.power_mw, 300_000, "{capped:?}");
    assert_eq!(capped.reasons & SW_POWER_CAP, SW_POWER_CAP);
    assert!(capped.graphics_mhz < busy.graphics_mhz, "{capped:?}");
    assert_eq!(capped.graphics_mhz % 15, 0);
    // Back to 700 W: no cap.
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(d, 700_000)),
        NVML_SUCCESS
    );
    staged.advance_clock(TICK).unwrap();
    let free = read(&lib, d);
    assert_eq!(free.reasons & SW_POWER_CAP, 0, "{free:?}");
    assert!(free.power_mw < 700_000);
}

#[test]
fn a_forced_power_brake_slows_the_gpu_until_cleared() {
    let (staged, lib) = dynamic_h100(3);
    let d = dev(&lib, 1);
    staged.advance_clock(TICK).unwrap();
    let before = read(&lib, d);
    // The readings agree with the brake at once, not from the next tick.
    staged.set_throttle(1, HW_POWER_BRAKE).unwrap();
    let braked = read(&lib, d);
    assert_eq!(
        braked.reasons & (HW_POWER_BRAKE | HW_SLOWDOWN),
        HW_POWER_BRAKE | HW_SLOWDOWN
    );
    assert!(
        braked.graphics_mhz * 3 <= before.graphics_mhz + 15,
        "{before:?} {braked:?}"
    );
    assert!(
        braked.power_mw < before.power_mw / 2,
        "{before:?} {braked:?}"
    );
    // The time spent in power brake slowdown counts up (ns): 2 s since the brake.
    // The profile's driver (580.65.06) numbers the field (HW power brake slowdown) as drivers
    // before 580.82 did: 253.
    staged.advance_clock(Duration::from_secs(2)).unwrap();
    assert_eq!(
        fields(&lib, d, &[(253, 0)])[0],
        (NVML_SUCCESS, 2_000_000_000)
    );
    staged.set_throttle(1, 0).unwrap();
    let after = read(&lib, d);
    assert_eq!(after.reasons & (HW_POWER_BRAKE | HW_SLOWDOWN), 0);
    assert_eq!(after.graphics_mhz, before.graphics_mhz);
    // Bits the mock cannot force are refused.
    assert_eq!(
        staged.set_throttle(1, IDLE).map_err(|e| e.code()),
        Err(NVML_ERROR_INVALID_ARGUMENT)
    );
    // In constant mode a forced throttle shows in the reasons only.
    staged.set_dynamic(None).unwrap();
    staged.set_throttle(2, SW_THERMAL).unwrap();
    let constant = read(&lib, dev(&lib, 2));
    assert_eq!(constant.reasons & SW_THERMAL, SW_THERMAL);
}

/// A profile file over dgx-h100 with a `dynamic` object.
fn profile_file(name: &str, dynamic: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("nvml-mock-dynamic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, format!(r#"{{"dynamic": {dynamic}}}"#)).unwrap();
    path
}

#[test]
fn hot_air_crosses_the_slowdown_threshold_and_the_gpu_settles_there() {
    let path = profile_file(
        "hot",
        r#"{"seed": 5, "virtual_clock": true, "ambient_c": 50}"#,
    );
    let (staged, lib) = init(path.to_str().unwrap());
    let d = dev(&lib, 4);
    let mut slowdown = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTemperatureThreshold(
            d,
            NVML_TEMPERATURE_THRESHOLD_SLOWDOWN,
            &mut slowdown
        )),
        NVML_SUCCESS
    );
    staged.start_process(4, 99, "burn", 100, 1024).unwrap();
    let mut seen = Vec::new();
    for _ in 0..3000 {
        staged.advance_clock(TICK).unwrap();
        seen.push(read(&lib, d));
    }
    // Each reading says "SW thermal slowdown" exactly when it is at or past the threshold.
    for r in &seen {
        assert_eq!(r.reasons & SW_THERMAL != 0, r.temp >= slowdown, "{r:?}");
    }
    let hot: Vec<&Reading> = seen
        .iter()
        .filter(|r| r.reasons & SW_THERMAL != 0)
        .collect();
    assert!(!hot.is_empty(), "never reached {slowdown} C");
    // Slowed: lower clocks than a cool busy GPU, and the temperature holds near the threshold.
    assert!(hot.iter().all(|r| r.graphics_mhz < 1980), "{hot:?}");
    let tail = &seen[seen.len() - 300..];
    assert!(
        tail.iter().all(|r| r.temp.abs_diff(slowdown) <= 3),
        "{tail:?}"
    );
    let _ = std::fs::remove_file(path);
}

/// A scripted minute of GPU 6: a job starts, a second one joins, the first stops.
fn scenario(seed: u64) -> Vec<Reading> {
    let (staged, lib) = dynamic_h100(seed);
    let d = dev(&lib, 6);
    let mut out = Vec::new();
    for tick in 0..600 {
        match tick {
            50 => staged.start_process(6, 1, "a", 60, 1000).unwrap(),
            200 => staged.start_process(6, 2, "b", 30, 1000).unwrap(),
            400 => staged.stop_process(6, 1).unwrap(),
            _ => {}
        }
        out.push(read(&lib, d));
        staged.advance_clock(TICK).unwrap();
    }
    out
}

#[test]
fn reproducible_for_a_seed() {
    let a = scenario(42);
    let b = scenario(42);
    let c = scenario(43);
    // Energy starts from the real time before the clock was stopped: compare its growth.
    let growth = |v: &[Reading]| -> Vec<Reading> {
        v.iter()
            .map(|r| Reading {
                energy_mj: r.energy_mj - v[0].energy_mj,
                ..*r
            })
            .collect()
    };
    assert_eq!(growth(&a), growth(&b));
    assert_ne!(growth(&a), growth(&c));
    // The utilisation follows the jobs (60%, then 90%, then 30%, each with noise).
    let util = |tick: usize| a[tick].util;
    assert_eq!(util(10), 0);
    assert!((57..=63).contains(&util(100)), "{}", util(100));
    assert!((87..=93).contains(&util(300)), "{}", util(300));
    assert!((27..=33).contains(&util(500)), "{}", util(500));
    assert!(a[300].mem_util > 0);
    assert!(a[300].mem_mhz > 0);
}

#[test]
fn counters_are_monotonic_and_agree_with_their_rates() {
    let (staged, lib) = dynamic_h100(11);
    let d = dev(&lib, 0);
    let ids = [
        (NVML_FI_DEV_PCIE_COUNT_TX_BYTES, 0),
        (NVML_FI_DEV_PCIE_COUNT_RX_BYTES, 0),
        (NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, 0),
        (NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, u32::MAX),
        (NVML_FI_DEV_NVLINK_THROUGHPUT_RAW_RX, u32::MAX),
        (NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX, 0),
    ];
    let start = fields(&lib, d, &ids);
    assert!(start.iter().all(|(r, _)| *r == NVML_SUCCESS), "{start:?}");
    let mut prev = start.clone();
    // The PCIe TX bytes of 10 s are the throughput readings (KB/s) integrated over them.
    let mut expected = 0u64;
    for _ in 0..100 {
        expected += u64::from(read(&lib, d).pcie_tx_kbps) * 100; // KB/s x 100 ms
        staged.advance_clock(TICK).unwrap();
        let now = fields(&lib, d, &ids);
        for (a, b) in prev.iter().zip(&now) {
            assert!(b.1 > a.1, "{prev:?} -> {now:?}");
        }
        prev = now;
    }
    assert_eq!(prev[0].1 - start[0].1, expected);
    // All 18 links together carry 18 times one link; raw traffic includes protocol overhead.
    assert_eq!(prev[3].1, 18 * prev[5].1);
    assert!(prev[4].1 > prev[3].1);
    // TX runs at 92% of RX on a link.
    let (tx, rx) = (prev[2].1 - start[2].1, prev[5].1 - start[5].1);
    assert!(tx < rx && tx * 100 > rx * 90, "{tx} {rx}");
    // A link the GPU lacks.
    assert_eq!(
        fields(&lib, d, &[(NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX, 18)])[0].0,
        NVML_ERROR_NOT_SUPPORTED
    );
}

#[test]
fn samples_are_the_last_ticks() {
    let (staged, lib) = dynamic_h100(9);
    let d = dev(&lib, 7);
    staged.start_process(7, 5, "job", 80, 100).unwrap();
    let mut powers = Vec::new();
    for _ in 0..30 {
        staged.advance_clock(TICK).unwrap();
        powers.push(read(&lib, d).power_mw);
    }
    let mut vt = 0u32;
    let mut n = 20u32;
    // SAFETY: plain data.
    let mut buf: [nvmlSample_t; 20] = unsafe { std::mem::zeroed() };
    assert_eq!(
        nv!(lib.nvmlDeviceGetSamples(
            d,
            NVML_TOTAL_POWER_SAMPLES,
            0,
            &mut vt,
            &mut n,
            buf.as_mut_ptr()
        )),
        NVML_SUCCESS
    );
    assert_eq!(n, 20);
    // SAFETY: power samples are unsigned ints.
    let got: Vec<u32> = buf.iter().map(|s| unsafe { s.sampleValue.uiVal }).collect();
    assert_eq!(got, powers[10..]);
    assert!(
        buf.windows(2)
            .all(|w| w[1].timeStamp - w[0].timeStamp == 100_000)
    );
}

#[test]
fn the_profile_key_is_checked_and_names_the_key() {
    for (text, needle) in [
        (r#"{"seed": 1, "noise_percent": 50}"#, "noise_percent"),
        (
            r#"{"seed": 1, "thermal_time_constant_s": 0}"#,
            "thermal_time_constant_s",
        ),
        (r#"{"seed": 1, "speed": 2}"#, "speed"),
        (r#"{"seed": -1}"#, "seed"),
    ] {
        let path = profile_file("bad", text);
        let e = nvml_mock::profile::load(path.to_str().unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains("dynamic") && e.contains(needle), "{text}: {e}");
    }
    // A valid one starts the machine moving on its own virtual clock.
    let path = profile_file("ok", r#"{"seed": 3, "virtual_clock": true}"#);
    let p = nvml_mock::profile::load(path.to_str().unwrap()).unwrap();
    assert_eq!(p.dynamic.as_ref().map(|d| d.seed), Some(3));
    let (staged, lib) = init(path.to_str().unwrap());
    let d = dev(&lib, 0);
    let a = read(&lib, d);
    staged.advance_clock(Duration::from_secs(5)).unwrap();
    let b = read(&lib, d);
    assert!(b.energy_mj > a.energy_mj);
    assert_ne!(a, b);
    // The built-in machines have none: constant.
    assert!(
        nvml_mock::profile::builtin("dgx-h100")
            .unwrap()
            .dynamic
            .is_none()
    );
}

#[test]
fn format_md_documents_the_dynamic_keys() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/FORMAT.md")).unwrap();
    let keys = serde_json::to_value(nvml_mock::profile::DynamicSpec::default()).unwrap();
    let keys: Vec<&String> = keys.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5);
    for k in keys {
        assert!(doc.contains(&format!("| `{k}` |")), "FORMAT.md lacks {k}");
    }
    assert!(doc.contains("| `dynamic` |"));
}

#[test]
fn clocks_stay_on_the_supported_grid() {
    // The B200 steps its graphics clock by 7.5 MHz, truncated to whole MHz.
    let (staged, lib) = init("dgx-b200");
    staged.set_virtual_clock(true).unwrap();
    staged.set_dynamic(Some(4)).unwrap();
    let d = dev(&lib, 0);
    staged.start_process(0, 10, "job", 100, 1000).unwrap();
    let mut seen = Vec::new();
    for throttle in [0, HW_SLOWDOWN, HW_POWER_BRAKE] {
        staged.set_throttle(0, throttle).unwrap();
        staged.advance_clock(TICK).unwrap();
        seen.push(read(&lib, d));
    }
    for r in &seen {
        let mut n = 512u32;
        let mut clocks = vec![0u32; 512];
        assert_eq!(
            nv!(lib.nvmlDeviceGetSupportedGraphicsClocks(
                d,
                r.mem_mhz,
                &mut n,
                clocks.as_mut_ptr()
            )),
            NVML_SUCCESS
        );
        assert!(
            clocks[..n as usize].contains(&r.graphics_mhz),
            "{r:?} not in {:?}",
            &clocks[..n as usize]
        );
    }
    assert!(
        seen[2].graphics_mhz < seen[1].graphics_mhz && seen[1].graphics_mhz < seen[0].graphics_mhz
    );
}

#[test]
fn a_superchip_module_draws_the_gpus_change_in_power() {
    let (staged, lib) = init("gb200-nvl-tray");
    let d = dev(&lib, 1);
    let ids = [
        (NVML_FI_DEV_POWER_INSTANT, NVML_POWER_SCOPE_MODULE),
        (NVML_FI_DEV_POWER_INSTANT, NVML_POWER_SCOPE_GPU),
    ];
    // Power fields are unsigned ints, mW.
    let watts = || -> Vec<u32> {
        field_values(&lib, d, &ids)
            .iter()
            .map(|v| {
                assert_eq!(v.nvmlReturn, NVML_SUCCESS);
                assert_eq!(v.valueType, NVML_VALUE_TYPE_UNSIGNED_INT);
                // SAFETY: the value type says which member holds the value.
                unsafe { v.value.uiVal }
            })
            .collect()
    };
    let constant = watts();
    staged.set_virtual_clock(true).unwrap();
    staged.set_dynamic(Some(8)).unwrap();
    staged.start_process(1, 10, "job", 100, 1000).unwrap();
    staged.advance_clock(TICK).unwrap();
    let busy = watts();
    assert!(busy[1] > constant[1] + 500_000, "{busy:?}");
    assert_eq!(busy[0] - constant[0], busy[1] - constant[1]);
    // Off again: the profile's values come back.
    staged.set_dynamic(None).unwrap();
    assert_eq!(watts(), constant);
}

#[test]
fn real_time_is_the_default_clock() {
    // No virtual clock: the model follows real elapsed time in 100 ms ticks.
    let (staged, lib) = init("dgx-h100");
    staged.set_dynamic(Some(12)).unwrap();
    let d = dev(&lib, 0);
    let before = read(&lib, d);
    std::thread::sleep(Duration::from_millis(450));
    let after = read(&lib, d);
    assert!(after.energy_mj > before.energy_mj);
    // At least four ticks have passed: the samples hold them, 100 ms apart, stamped with the
    // wall clock (microseconds since 1970).
    let (mut vt, mut n) = (0u32, 20u32);
    // SAFETY: plain data.
    let mut buf: [nvmlSample_t; 20] = unsafe { std::mem::zeroed() };
    assert_eq!(
        nv!(lib.nvmlDeviceGetSamples(
            d,
            NVML_GPU_UTILIZATION_SAMPLES,
            0,
            &mut vt,
            &mut n,
            buf.as_mut_ptr()
        )),
        NVML_SUCCESS
    );
    assert!(n >= 5, "{n} samples");
    let stamps: Vec<u64> = buf[..n as usize].iter().map(|s| s.timeStamp).collect();
    assert!(
        stamps.windows(2).all(|w| w[1] - w[0] == 100_000),
        "{stamps:?}"
    );
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    let last = *stamps.last().unwrap();
    assert!(
        last <= now_us && now_us - last < 2_000_000,
        "{last} vs {now_us}"
    );
    // A virtual clock cannot be advanced while real time runs it.
    assert_eq!(
        staged.advance_clock(TICK).map_err(|e| e.code()),
        Err(NVML_ERROR_INVALID_STATE)
    );
}

#[test]
fn started_processes_use_memory_and_show_in_the_lists() {
    let (staged, lib) = init("dgx-h100");
    let d = dev(&lib, 4);
    let used = || {
        let mut m = nvmlMemory_t::default();
        assert_eq!(nv!(lib.nvmlDeviceGetMemoryInfo(d, &mut m)), NVML_SUCCESS);
        m.used
    };
    let pids = || {
        let mut n = 16u32;
        let mut infos = vec![nvmlProcessInfo_t::default(); 16];
        assert_eq!(
            nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(d, &mut n, infos.as_mut_ptr())),
            NVML_SUCCESS
        );
        infos[..n as usize]
            .iter()
            .map(|p| (p.pid, p.usedGpuMemory >> 20))
            .collect::<Vec<_>>()
    };
    let before = used();
    assert_eq!(pids(), []);
    staged
        .start_process(4, 4242, "train.py", 50, 20_000)
        .unwrap();
    assert_eq!(used() - before, 20_000 << 20);
    assert_eq!(pids(), [(4242, 20_000)]);
    // The same pid twice, more memory than the GPU has, an unknown pid to stop.
    assert_eq!(
        staged
            .start_process(4, 4242, "again", 10, 1)
            .map_err(|e| e.code()),
        Err(NVML_ERROR_IN_USE)
    );
    assert_eq!(
        staged
            .start_process(4, 4243, "huge", 10, 1 << 20)
            .map_err(|e| e.code()),
        Err(NVML_ERROR_MEMORY)
    );
    assert_eq!(
        staged
            .start_process(4, 4244, "greedy", 101, 1)
            .map_err(|e| e.code()),
        Err(NVML_ERROR_INVALID_ARGUMENT)
    );
    assert_eq!(
        staged.stop_process(4, 1).map_err(|e| e.code()),
        Err(NVML_ERROR_NOT_FOUND)
    );
    staged.stop_process(4, 4242).unwrap();
    assert_eq!((used(), pids()), (before, vec![]));
    // The profile's own processes can be stopped too.
    staged.stop_process(0, 41_200).unwrap();
}
