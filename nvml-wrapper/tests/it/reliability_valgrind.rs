//! The workloads `.ci/valgrind` runs under memcheck (ignored in a plain `cargo test`, where the
//! other `reliability_*` tests already run the same sweeps): init/drop cycles, and the full API
//! sweep with every fault and every hostile mode. Under valgrind they must leak nothing
//! (definitely or indirectly) and make no invalid read or write.
//!
//! `NVML_RELIABILITY_CYCLES` sets the number of init/drop cycles (default 10,000).

use nvml_wrapper::Nvml;
use nvml_wrapper::event::EventTypes;
use std::sync::atomic::Ordering;

use crate::support::reliability::{CODES, Driver, KEEP_MOCKS_LOADED, Lab};

fn cycles() -> usize {
    std::env::var("NVML_RELIABILITY_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CYCLES)
}

/// Init/drop cycles unless `NVML_RELIABILITY_CYCLES` says otherwise (RELIABILITY.md's count is
/// checked only with the default).
const DEFAULT_CYCLES: usize = 10_000;

#[test]
#[ignore = "run under valgrind by .ci/valgrind"]
fn valgrind_init_drop_cycles() {
    KEEP_MOCKS_LOADED.store(true, Ordering::Relaxed);
    let lab = Lab::new(Driver::Current);
    let n = cycles();
    let started = std::time::Instant::now();
    for i in 0..n {
        // Load (dlopen + every dlsym), init, a call, a handle, an event set, drop all.
        let nvml = Nvml::builder().library_path(&lab.path).init().unwrap();
        let gpu = nvml.device_by_index(u32::try_from(i % 8).unwrap()).unwrap();
        assert!(!gpu.uuid().unwrap().is_empty());
        let set = nvml.create_event_set().unwrap();
        set.register(&gpu, EventTypes::XID_CRITICAL_ERROR).unwrap();
        drop(set);
        drop(nvml);
    }
    // Every init was balanced by a shutdown (only the lab's own reference is left).
    assert_eq!(lab.init_refcount(), 1);
    eprintln!(
        "reliability: {n} init/drop cycles in {:.1?}",
        started.elapsed()
    );
    if n == DEFAULT_CYCLES {
        crate::support::reliability_doc::keep(
            "valgrind-cycles",
            &format!(
                "{} init/drop cycles",
                crate::support::reliability_doc::thousands(n as u64)
            ),
        );
    }
}

#[test]
#[ignore = "run under valgrind by .ci/valgrind"]
fn valgrind_full_api_sweep() {
    KEEP_MOCKS_LOADED.store(true, Ordering::Relaxed);
    let r = crate::support::reliability::fault_sweep(CODES);
    assert!(r.failures.is_empty(), "{}", r.failures.join("\n"));
    assert_eq!(r.panics, 0);
    let hostile = crate::support::reliability::hostile_pass();
    let measured = format!(
        "sweep of {} functions ({} rows) x {} codes = {} calls, {} panics; \
         {hostile} calls with every hostile mode on",
        crate::support::reliability_doc::thousands(r.functions as u64),
        crate::support::reliability_doc::thousands(r.entries as u64),
        r.codes,
        crate::support::reliability_doc::thousands(r.calls as u64),
        r.panics
    );
    eprintln!("reliability: {measured}");
    crate::support::reliability_doc::keep("valgrind-sweep", &measured);
}
