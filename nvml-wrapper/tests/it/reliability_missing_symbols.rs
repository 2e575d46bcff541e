//! Missing symbols: on a library shaped like an older driver (the mock's 470 mode, and the
//! mock with exactly the exports of NVIDIA's real 470 and 535 libraries), every method of the
//! reliability table either works as on a current driver or returns
//! `MissingSymbol(name)` for a function that library lacks; none panics.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::reliability::{Driver, Lab, Out, describe, no_panic, not_found_name, table};
use nvml_wrapper::{Nvml, NvmlError, NvmlLibrary, sys};

type Called = Result<Out, NvmlError>;

/// Each method of the table (once, whatever driver its rows are for) on `lab`.
fn run_methods(lab: &Lab) -> BTreeMap<&'static str, Called> {
    let mut out = BTreeMap::new();
    for e in table() {
        if out.contains_key(e.method) {
            continue;
        }
        let got = no_panic(|| (e.call)(lab)).unwrap_or_else(|| panic!("{e:?} panicked"));
        out.insert(e.method, got);
    }
    out
}

/// Ok and the NVML error code, which must not change with the driver's age.
fn outcome(r: &Called) -> Result<(), Option<u32>> {
    match r {
        Ok(_) => Ok(()),
        Err(e) => Err(e.code()),
    }
}

/// Checks `old` against a current driver; returns the methods that were `MissingSymbol`.
fn works_or_function_not_found(old: &Lab) -> BTreeMap<&'static str, &'static str> {
    let current = Lab::new(Driver::Current).with_mig();
    let now = run_methods(&current);
    let then = run_methods(old);
    let mut not_found = BTreeMap::new();
    for (method, got) in &then {
        if let Some(name) = not_found_name(got) {
            assert!(
                sys::FUNCTION_NAMES.contains(&name),
                "{method}: MissingSymbol({name}) is not a header function"
            );
            assert!(
                !old.nvml.has_function(name),
                "{method}: MissingSymbol({name}) but the library exports it"
            );
            not_found.insert(*method, name);
            continue;
        }
        if outcome(&now[method]) == Err(Some(sys::NVML_ERROR_DEPRECATED)) && outcome(got).is_ok() {
            // A query the current branch deprecates (the display mode from 580: the real
            // captures) still answers on the older driver.
            continue;
        }
        assert_eq!(
            outcome(got),
            outcome(&now[method]),
            "{method}: on the older driver {}, on a current one {}",
            describe(got),
            describe(&now[method])
        );
    }
    not_found
}

#[test]
fn legacy_470_mock_every_method_works_or_is_function_not_found() {
    let lab = Lab::new(Driver::Legacy470).with_mig();
    let missing = works_or_function_not_found(&lab);
    eprintln!(
        "reliability: 470 (mock): {} methods MissingSymbol\n  {missing:?}",
        missing.len()
    );
    crate::support::reliability_doc::keep("missing-470", &missing.len().to_string());
    // Functions newer than 470 are reported by name...
    assert_eq!(
        missing.get("Device::margin_temperature"),
        Some(&"nvmlDeviceGetMarginTemperature")
    );
    assert_eq!(
        missing.get("EventSet::wait_operational"),
        Some(&"nvmlEventSetWait_v3")
    );
    // ...while families with an older version work through it.
    for method in [
        "Device::running_compute_processes",
        "Device::memory_info",
        "Device::temperature",
        "Device::current_clocks_event_reasons",
        "Device::remapped_rows",
    ] {
        assert!(!missing.contains_key(method), "{method}");
    }
}

/// The mock with exactly the exports of a real driver library (those the library lacks are
/// hidden): the wrapper picks what that driver offers, and every method works or names the
/// missing function.
fn shaped_like_real(branch: &str) -> Option<(Lab, NvmlLibrary)> {
    let path = nvml_mock::drivers::driver_library(branch)?;
    let real = Nvml::builder().library_path(path).load().unwrap();
    let lacks = real.missing_functions();
    let lab = Lab::hiding(&lacks).with_mig();
    Some((lab, real))
}

#[test]
fn mock_with_the_real_470_exports() {
    let Some((lab, real)) = shaped_like_real("470") else {
        return;
    };
    assert_eq!(lab.nvml.version_choices(), real.version_choices());
    let missing = works_or_function_not_found(&lab);
    assert!(missing.contains_key("Device::margin_temperature"));
    // The mock's own 470 mode agrees with the real library on every function in the table.
    let legacy = Lab::new(Driver::Legacy470);
    for e in table() {
        assert_eq!(
            legacy.nvml.has_function(e.function),
            real.has_function(e.function),
            "{}",
            e.function
        );
    }
}

#[test]
fn mock_with_the_real_535_exports() {
    let Some((lab, real)) = shaped_like_real("535") else {
        return;
    };
    assert_eq!(lab.nvml.version_choices(), real.version_choices());
    let missing = works_or_function_not_found(&lab);
    eprintln!(
        "reliability: 535 (real exports): {} methods MissingSymbol\n  {missing:?}",
        missing.len()
    );
    crate::support::reliability_doc::keep("missing-535", &missing.len().to_string());
    // 535 has the `_v3` process queries and the event-reason names; not NVML 13's waits.
    assert!(!missing.contains_key("Device::running_compute_processes"));
    assert!(!missing.contains_key("Device::current_clocks_event_reasons"));
    assert_eq!(
        missing.get("EventSet::wait_operational"),
        Some(&"nvmlEventSetWait_v3")
    );
}

#[test]
fn mock_with_the_real_550_exports() {
    let Some((lab, real)) = shaped_like_real("550") else {
        return;
    };
    assert_eq!(lab.nvml.version_choices(), real.version_choices());
    let missing = works_or_function_not_found(&lab);
    eprintln!(
        "reliability: 550 (real exports): {} methods MissingSymbol\n  {missing:?}",
        missing.len()
    );
    crate::support::reliability_doc::keep("missing-550", &missing.len().to_string());
    // 550 has the per-process utilisation info query that 535 lacks; not NVML 13's waits.
    assert!(!missing.contains_key("Device::running_compute_processes"));
    assert!(!missing.contains_key("Device::processes_utilization_info"));
    assert_eq!(
        missing.get("EventSet::wait_operational"),
        Some(&"nvmlEventSetWait_v3")
    );
}

/// On the real libraries themselves (no kernel driver here, so no init): the version table
/// picks only exported symbols, the newest exported one for each family, and init is a clean
/// error.
#[test]
fn real_libraries_version_tables_pick_exported_symbols() {
    for branch in ["470", "535", "550"] {
        let Some(path) = nvml_mock::drivers::driver_library(branch) else {
            continue;
        };
        let lib = Nvml::builder().library_path(&path).load().unwrap();
        let mut chosen = BTreeSet::new();
        for row in lib.version_choices() {
            let exported: Vec<&str> = row
                .candidates
                .iter()
                .copied()
                .filter(|c| lib.has_function(c))
                .collect();
            match row.symbol {
                Some(sym) => {
                    assert!(
                        lib.has_function(sym),
                        "{branch}: {sym} chosen, not exported"
                    );
                    chosen.insert(sym);
                    // The newest exported wins, except where a documented driver quirk
                    // steps back (early R535 process queries).
                    if !row.family.contains("RunningProcesses") {
                        assert_eq!(Some(&sym), exported.first(), "{branch}: {}", row.family);
                    }
                }
                None => assert!(exported.is_empty(), "{branch}: {} {exported:?}", row.family),
            }
        }
        assert!(chosen.contains("nvmlInit_v2"), "{branch}");
        // No GPU driver here: init is a clean error, not a panic.
        match no_panic(|| Nvml::builder().library_path(&path).init()).expect("no panic") {
            Err(e) => assert!(e.code().is_some(), "{branch}: {e:?}"),
            Ok(nvml) => eprintln!("{branch}: a real GPU driver: {:?}", nvml.device_count()),
        }
    }
}
