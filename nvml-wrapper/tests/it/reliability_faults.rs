//! Fault sweep: for every wrapped C function (every version the wrapper can pick) the mock
//! returns every `nvmlReturn_t` code in turn, plus one no header defines; the wrapper method
//! that calls it returns `Err` with exactly that code (or the documented fallback or empty
//! result), and never panics.
//!
//! `cargo test -p nvml-wrapper --test it reliability_faults:: -- --nocapture` prints the counts.

use std::collections::BTreeSet;

use crate::support::reliability::{
    CODES, Driver, Lab, Special, UNREACHABLE, no_panic, table, wrapped_functions,
};
use crate::support::reliability_doc::{keep, thousands};
use nvml_wrapper::{Nvml, sys};

#[test]
fn every_wrapped_function_is_in_the_table() {
    let wrapped = wrapped_functions();
    assert!(wrapped.len() > 100, "the scan found the wrapper's calls");
    let listed: BTreeSet<String> = table().iter().map(|e| e.function.to_owned()).collect();
    let excused: BTreeSet<String> = UNREACHABLE.iter().map(|(f, _)| (*f).to_owned()).collect();
    let missing: Vec<_> = wrapped
        .iter()
        .filter(|f| !listed.contains(*f) && !excused.contains(*f))
        .collect();
    assert!(
        missing.is_empty(),
        "wrapped C functions missing from the reliability table \
         (tests/it/support/reliability/mod.rs): {missing:?}"
    );
    let stale: Vec<_> = listed
        .union(&excused)
        .filter(|f| !wrapped.contains(*f))
        .collect();
    assert!(
        stale.is_empty(),
        "the table names functions the wrapper does not call: {stale:?}"
    );
    for f in &listed {
        assert!(
            sys::FUNCTION_NAMES.contains(&f.as_str()),
            "{f} is not in nvml.h"
        );
    }
    let reasons: Vec<String> = UNREACHABLE
        .iter()
        .map(|(f, why)| format!("`{f}`: {why}"))
        .collect();
    let measured = format!(
        "{} of {} called functions excused, with the reason: {}",
        UNREACHABLE.len(),
        wrapped.len(),
        reasons.join("; ")
    );
    eprintln!("reliability: {measured}");
    keep("excused", &measured);
}

#[test]
fn every_public_method_calling_nvml_is_in_the_table() {
    let methods = crate::support::reliability::public_methods_calling_nvml();
    assert!(methods.len() > 80, "the scan found the wrapper's methods");
    let listed: BTreeSet<String> = table()
        .iter()
        .map(|e| {
            let m = e.method.rsplit("::").next().unwrap();
            m.split_whitespace().next().unwrap().to_owned()
        })
        .collect();
    // `NvmlLibrary::init` = `init_with_flags(empty)`; `excluded_devices` is listed.
    let excused: BTreeSet<String> = crate::support::reliability::UNREACHABLE_METHODS
        .iter()
        .map(|m| m.rsplit("::").next().unwrap().to_owned())
        .collect();
    let missing: Vec<_> = methods
        .iter()
        .filter(|m| !listed.contains(*m) && !excused.contains(*m))
        .collect();
    assert!(
        missing.is_empty(),
        "public methods calling NVML missing from the reliability table: {missing:?}"
    );
}

#[test]
fn every_code_from_every_function_comes_back_as_its_error() {
    let r = crate::support::reliability::fault_sweep(CODES);
    let measured = format!(
        "{} functions ({} method x driver rows) x {} codes = {} calls, {} panics",
        thousands(r.functions as u64),
        thousands(r.entries as u64),
        r.codes,
        thousands(r.calls as u64),
        r.panics
    );
    eprintln!("reliability: {measured}");
    assert!(
        r.failures.is_empty(),
        "{} failures:\n{}",
        r.failures.len(),
        r.failures.join("\n")
    );
    assert_eq!(r.panics, 0);
    assert_eq!(r.calls, r.entries * CODES.len());
    assert!(r.functions >= 120, "{} functions swept", r.functions);
    keep("fault-sweep", &measured);
}

/// `nvmlShutdown` failing (called from `Drop`) is swallowed: no panic, and the next init works.
#[test]
fn a_failing_shutdown_in_drop_does_not_panic() {
    let lab = Lab::new(Driver::Current);
    for &code in CODES {
        lab.set_fault("nvmlShutdown", code);
        let before = lab.init_refcount();
        let dropped = no_panic(|| {
            let nvml = Nvml::builder().library_path(&lab.path).init().unwrap();
            drop(nvml);
        });
        assert!(
            dropped.is_some(),
            "drop with nvmlShutdown = {code} panicked"
        );
        // The fault kept the mock from counting the shutdown: proof the fault was hit.
        assert_eq!(lab.init_refcount(), before + 1);
        lab.clear_faults();
        // Balance the reference the failed shutdown left.
        // SAFETY: plain call into the mock's nvmlShutdown.
        assert_eq!(unsafe { lab.nvml.lib().nvmlShutdown() }, 0);
    }
    assert!(lab.nvml.device_count().is_ok());
}

/// `nvmlErrorString` for every code, known or not, is text or `None`, never a panic.
#[test]
fn error_strings_for_any_code() {
    let lab = Lab::new(Driver::Current);
    for code in (0..=40).chain([999, 12345, u32::MAX]) {
        let s = no_panic(|| lab.nvml.error_string(code)).expect("no panic");
        if code <= 30 || code == 999 {
            assert!(s.is_some_and(|s| !s.is_empty()), "code {code}");
        }
    }
}

/// RELIABILITY.md's fallback list is exactly the fallbacks the sweep checks: one line per
/// table entry with [`Special::Fallback`], naming the codes that trigger it, and no other.
#[test]
fn reliability_md_lists_the_fallbacks_the_sweep_checks() {
    let mut expected = BTreeSet::new();
    for e in table() {
        if let Special::Fallback { codes, to } = e.special {
            let names: Vec<String> = codes
                .iter()
                .map(|code| {
                    let err = nvml_wrapper::NvmlError::from_code(*code, "").unwrap();
                    let debug = format!("{err:?}");
                    format!("`{}`", debug.split('(').next().unwrap())
                })
                .collect();
            expected.insert(format!(
                "- `{}` calls `{}`, and falls back to `{to}` on {}",
                e.method,
                e.function,
                names.join(", ")
            ));
        }
    }
    assert!(expected.len() >= 5, "{} fallbacks", expected.len());
    let lines: Vec<String> = expected.into_iter().collect();
    eprintln!("reliability: {} fallbacks", lines.len());
    keep("fallbacks", &format!("\n{}\n", lines.join("\n")));
}
