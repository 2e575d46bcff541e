//! Profiles with extreme values (property-based): generated profile files set the keys of the
//! loader's range tables to their limits, just past them, and to values no driver reports
//! (-1, `i32::MIN`, `u32::MAX`, `u64::MAX`, 2^44). The loader must refuse every value outside
//! its range and must not panic; every profile it accepts is then loaded by the mock (a debug
//! build, overflow checks on) and every method of the wrapper's table is called on it: no
//! panic in the wrapper, none caught at the mock's C boundary.

use std::cell::Cell;

use crate::support::reliability::{Driver, Lab, no_panic, table};
use nvml_mock::profile::{self, Bound, GPU_BOUNDS, SYSTEM_BOUNDS};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{Map, Value, json};

const CASES: u32 = 512;

/// Values no driver reports, whatever the key.
const ABSURD: &[i128] = &[
    -1,
    i32::MIN as i128,
    u32::MAX as i128,
    u64::MAX as i128,
    1 << 44,
];

/// The value of one generated setting: a limit, just past one, inside, or absurd.
fn value(b_min: i128, b_max: i128, class: u8, pick: u64) -> i128 {
    match class % 8 {
        0 => b_min,
        1 => b_max,
        2 | 3 => b_min + i128::from(pick) % (b_max - b_min + 1),
        4 => b_min - 1,
        5 => b_max + 1,
        _ => ABSURD[pick as usize % ABSURD.len()],
    }
}

fn number(v: i128) -> Value {
    if v >= 0 {
        json!(u64::try_from(v).unwrap_or(u64::MAX))
    } else {
        json!(i64::try_from(v).unwrap_or(i64::MIN))
    }
}

/// Sets the key of `b` to `v` in a GPU object (arrays get `v` in every item).
fn set_gpu_key(gpu: &mut Map<String, Value>, key: &str, v: i128) {
    let n = number(v);
    match key {
        "cuda_cc[0]" => gpu.insert("cuda_cc".into(), json!([n, 0])),
        "cuda_cc[1]" => gpu.insert("cuda_cc".into(), json!([9, n])),
        "tlimit_margins" => gpu.insert(key.into(), json!([n, n, n, n])),
        "fan_speeds" | "low_mem_clocks" => gpu.insert(key.into(), json!([n, n])),
        "processes[].pid" => gpu.insert(
            "processes".into(),
            json!([{"pid": n, "name": "p", "used_memory_mib": 1, "type": "compute"}]),
        ),
        // Counts of items: not generated item by item.
        "processes" | "retired_pages_sbe" | "retired_pages_dbe" => None,
        _ => gpu.insert(key.into(), n),
    };
}

/// A generated profile: every GPU-0 key at its minimum (`base` 1) or maximum (2) first, or
/// none (0), then up to 8 settings of single keys, GPU or top level.
fn profile_text(base: u8, settings: &[(usize, u8, u64)]) -> String {
    let mut gpu = Map::new();
    let mut top = Map::new();
    if base != 0 {
        for b in GPU_BOUNDS {
            // The reservation and BAR1 in use stay 0, so that the largest memory still holds
            // the processes.
            let held = ["memory_reserved_mib", "bar1_used_mib"];
            let v = if base == 1 || held.contains(&b.key) {
                b.min
            } else {
                b.max
            };
            set_gpu_key(&mut gpu, b.key, v);
        }
        if base == 2 {
            // One process holding all the memory, beside the driver's overhead at its maximum:
            // sums of memory in use reach twice the largest memory.
            let mib = GPU_BOUNDS
                .iter()
                .find(|b| b.key == "memory_total_mib")
                .unwrap()
                .max;
            let mib = u64::try_from(mib).unwrap();
            gpu.insert(
                "processes".into(),
                json!([{"pid": 4_194_304, "name": "p", "used_memory_mib": mib, "type": "compute"}]),
            );
        }
        if base == 1 {
            // The link at the lowest maximum (the loader cuts the current link to 1..=6 and
            // 1..=32 lanes, and checks it against the maximum).
            gpu.insert("pcie_generation".into(), json!(1));
            gpu.insert("pcie_width".into(), json!(1));
        }
    }
    let all = GPU_BOUNDS.len() + SYSTEM_BOUNDS.len();
    for &(i, class, pick) in settings {
        let i = i % all;
        if let Some(b) = GPU_BOUNDS.get(i) {
            set_gpu_key(&mut gpu, b.key, value(b.min, b.max, class, pick));
        } else {
            let b = &SYSTEM_BOUNDS[i - GPU_BOUNDS.len()];
            top.insert(b.key.into(), number(value(b.min, b.max, class, pick)));
        }
    }
    top.insert("gpus".into(), json!([gpu]));
    serde_json::to_string(&Value::Object(top)).unwrap()
}

/// Every value of `object` lies in its range.
fn within<T>(object: &T, bounds: &[Bound<T>]) -> Result<(), String> {
    for b in bounds {
        for v in (b.values)(object) {
            if !(b.min..=b.max).contains(&v) {
                return Err(format!(
                    "{} = {v} accepted, outside {}..={}",
                    b.key, b.min, b.max
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn extreme_profiles_are_refused_or_answered_without_a_panic() {
    let dir = std::env::temp_dir().join(format!("nvml-extreme-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rows: Vec<_> = table()
        .into_iter()
        .filter(|e| e.driver == Driver::Current)
        .collect();
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let (accepted, refused, calls) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0usize));
    let case = (
        0u8..3,
        prop::collection::vec((any::<usize>(), any::<u8>(), any::<u64>()), 0..8),
    );
    let result = runner.run(&case, |(base, settings)| {
        let text = profile_text(base, &settings);
        let parsed = no_panic(|| profile::parse_json(&text))
            .ok_or_else(|| TestCaseError::fail(format!("the loader panicked on {text}")))?;
        let p = match parsed {
            Err(e) => {
                // A refusal says what is wrong, with the key or the relation it breaks.
                prop_assert!(!e.to_string().is_empty());
                refused.set(refused.get() + 1);
                return Ok(());
            }
            Ok(p) => p,
        };
        within(&p, SYSTEM_BOUNDS).map_err(TestCaseError::fail)?;
        for g in &p.gpus {
            within(g, GPU_BOUNDS).map_err(TestCaseError::fail)?;
        }
        accepted.set(accepted.get() + 1);
        let path = dir.join(format!("case-{}.json", accepted.get()));
        std::fs::write(&path, &text).unwrap();
        let lab = Lab::with_profile(path.to_str().unwrap());
        for e in &rows {
            prop_assert!(
                no_panic(|| (e.call)(&lab)).is_some(),
                "{e:?} panicked on {text}"
            );
            calls.set(calls.get() + 1);
        }
        prop_assert_eq!(lab.caught_panics(), 0, "the mock panicked on {}", text);
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    result.unwrap();
    let (accepted, refused, calls) = (accepted.get(), refused.get(), calls.get());
    eprintln!(
        "reliability: {CASES} extreme profiles: {refused} refused, {accepted} accepted and answered {calls} calls, 0 panics"
    );
    assert!(
        accepted >= 8 && refused >= 8,
        "{accepted} accepted, {refused} refused"
    );
    crate::support::reliability_doc::keep(
        "extreme-profiles",
        &format!(
            "{CASES} generated profiles: {refused} refused, {accepted} accepted; {} calls ({} methods each) on those, 0 panics in the wrapper or the mock",
            crate::support::reliability_doc::thousands(calls as u64),
            rows.len()
        ),
    );
}
