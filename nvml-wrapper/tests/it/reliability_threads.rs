//! Concurrency: 16 threads share one `Nvml` (and its `Device`s) and make 100,000 calls in
//! total, a mix of getters, lists, lookups and event-set lifecycles, against the mock; every
//! call succeeds and returns what a single thread sees.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::support::reliability::{Driver, Lab};
use nvml_wrapper::device::field;
use nvml_wrapper::enums::{ClockType, SamplingType, TemperatureSensor};
use nvml_wrapper::event::EventTypes;
use nvml_wrapper::{Device, Nvml};

const THREADS: usize = 16;

/// Calls in all, unless `NVML_RELIABILITY_THREAD_CALLS` says otherwise.
const DEFAULT_CALLS: usize = 100_000;

/// [`DEFAULT_CALLS`], or `NVML_RELIABILITY_THREAD_CALLS` (fewer for runs under helgrind or
/// TSan; RELIABILITY.md's count is checked only with the default).
fn total_calls() -> usize {
    std::env::var("NVML_RELIABILITY_THREAD_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CALLS)
}

/// What one thread sees of a GPU, for comparison across threads.
#[derive(Debug, PartialEq, Eq)]
struct Identity {
    name: String,
    uuid: String,
    bus_id: String,
    memory_total: u64,
    compute_pids: Vec<u32>,
}

fn identity(d: &Device<'_>) -> Identity {
    Identity {
        name: d.name().unwrap(),
        uuid: d.uuid().unwrap(),
        bus_id: d.pci_info().unwrap().bus_id,
        memory_total: d.memory_info().unwrap().total,
        compute_pids: d
            .running_compute_processes()
            .unwrap()
            .iter()
            .map(|p| p.pid)
            .collect(),
    }
}

/// Call number `i` of the mix: one wrapper call (a few for the lifecycle ones), checked.
fn one_call(nvml: &Nvml, devices: &[Device<'_>], expected: &[Identity], i: usize) -> bool {
    let g = i % devices.len();
    let d = &devices[g];
    let want = &expected[g];
    match i % 12 {
        0 => d.name().is_ok_and(|n| n == want.name),
        1 => d.uuid().is_ok_and(|u| u == want.uuid),
        2 => d.temperature(TemperatureSensor::Gpu).is_ok(),
        3 => d.memory_info().is_ok_and(|m| m.total == want.memory_total),
        4 => d.power_usage().is_ok(),
        5 => d.utilization_rates().is_ok(),
        6 => d
            .running_compute_processes()
            .is_ok_and(|p| p.iter().map(|p| p.pid).collect::<Vec<_>>() == want.compute_pids),
        7 => d.pci_info().is_ok_and(|p| p.bus_id == want.bus_id),
        8 => nvml
            .device_by_index(u32::try_from(g).unwrap())
            .is_ok_and(|x| x == *d),
        9 => d
            .field_values(&[field::POWER_INSTANT_MW, field::MEMORY_TEMPERATURE_C])
            .is_ok_and(|v| v.len() == 2),
        10 => d.samples(SamplingType::TotalPower, 0).is_ok() && d.clock_info(ClockType::Sm).is_ok(),
        _ => nvml
            .create_event_set()
            .and_then(|set| set.register(d, EventTypes::XID_CRITICAL_ERROR))
            .is_ok(),
    }
}

#[test]
fn sixteen_threads_one_nvml_a_hundred_thousand_calls() {
    let total = total_calls();
    let lab = Lab::new(Driver::Current);
    let nvml = &lab.nvml;
    let devices = nvml.devices().unwrap();
    assert!(devices.len() >= 2);
    let expected: Vec<Identity> = devices.iter().map(identity).collect();
    let calls = AtomicUsize::new(0);
    let failures = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (devices, expected, calls, failures) = (&devices, &expected, &calls, &failures);
            s.spawn(move || {
                // Thread t makes calls t, t + 16, t + 32, ...: every kind on every GPU.
                for i in (t..total).step_by(THREADS) {
                    if !one_call(nvml, devices, expected, i) {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                    calls.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let elapsed = started.elapsed();
    eprintln!(
        "reliability: {THREADS} threads, {} calls on one Nvml in {elapsed:.2?}, {} failures",
        crate::support::reliability_doc::thousands(calls.load(Ordering::Relaxed) as u64),
        failures.load(Ordering::Relaxed)
    );
    assert_eq!(calls.load(Ordering::Relaxed), total);
    assert_eq!(failures.load(Ordering::Relaxed), 0);
    if total == DEFAULT_CALLS {
        crate::support::reliability_doc::keep(
            "threads",
            &format!(
                "{THREADS} threads, {} calls, {} failures",
                crate::support::reliability_doc::thousands(total as u64),
                failures.load(Ordering::Relaxed)
            ),
        );
    }
    // Afterwards: same answers, and every event set was freed with its owner.
    let after: Vec<Identity> = devices.iter().map(identity).collect();
    assert_eq!(after, expected);
    assert_eq!(lab.init_refcount(), 1);
}

/// `Nvml` and `Device` can move to and be shared between threads.
#[test]
fn handles_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Nvml>();
    check::<Device<'_>>();
    check::<nvml_wrapper::event::EventSet<'_>>();
}
