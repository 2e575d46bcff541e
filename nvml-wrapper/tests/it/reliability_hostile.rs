//! Hostile data: the mock lies (counts larger than the buffer, strings without NUL, enum values
//! newer than the header, `INSUFFICIENT_SIZE` forever); every method of the reliability table
//! returns bounded data or a clean error, never a panic or an over-read.

use std::time::{Duration, Instant};

use crate::support::reliability::{Driver, Entry, Lab, Out, Shape, describe, no_panic, table};
use crate::support::reliability_doc::keep;
use nvml_wrapper::{NvmlError, sys};

const OVERSIZED_COUNTS: u32 = 1;
const UNTERMINATED_STRINGS: u32 = 2;
const FUTURE_ENUMS: u32 = 4;

/// The largest string buffer the wrapper passes (`nvmlSystemGetProcessName`: 256 bytes).
const LARGEST_STRING_BUFFER: usize = 256;

fn current_entries() -> Vec<Entry> {
    table()
        .into_iter()
        .filter(|e| e.driver == Driver::Current)
        .collect()
}

/// Runs every current-driver method with `mask` on, and gives (entry, baseline, hostile).
type Called = Result<Out, NvmlError>;

fn sweep(lab: &Lab, mask: u32) -> Vec<(Entry, Called, Called)> {
    let mut out = Vec::new();
    for e in current_entries() {
        lab.set_hostile(0);
        let baseline = no_panic(|| (e.call)(lab)).unwrap_or_else(|| panic!("{e:?} panicked"));
        lab.set_hostile(mask);
        let hostile = no_panic(|| (e.call)(lab))
            .unwrap_or_else(|| panic!("{e:?} panicked with hostile mask {mask}"));
        lab.set_hostile(0);
        out.push((e, baseline, hostile));
    }
    out
}

/// Lookups whose key is a string the mock just returned (garbled in hostile mode): NVML's
/// `NOT_FOUND`/`INVALID_ARGUMENT` for the garbled key is the truthful answer.
const LOOKUPS_BY_READ_STRING: &[&str] = &[
    "Nvml::device_by_uuid",
    "Nvml::device_by_serial",
    "Nvml::device_by_pci_bus_id",
];

/// A clean error is one of the wrapper's own verdicts on bad data, or an NVML error the
/// method also gives without hostile data.
fn clean(e: &Entry, hostile: &Result<Out, NvmlError>, baseline: &Result<Out, NvmlError>) -> bool {
    match hostile {
        Ok(_) => true,
        Err(NvmlError::UnexpectedValue { .. } | NvmlError::InsufficientSize(_)) => true,
        Err(NvmlError::InvalidUtf8(_) | NvmlError::InvalidInput(_)) => true,
        Err(NvmlError::NotFound(_) | NvmlError::InvalidArgument(_))
            if LOOKUPS_BY_READ_STRING.contains(&e.method) =>
        {
            true
        }
        Err(err) => matches!(baseline, Err(b) if b.code() == err.code()),
    }
}

#[test]
fn counts_larger_than_what_was_written_add_no_entries() {
    let lab = Lab::new(Driver::Current);
    let mut lists = Vec::new();
    for (e, baseline, hostile) in sweep(&lab, OVERSIZED_COUNTS) {
        assert!(
            clean(&e, &hostile, &baseline),
            "{e:?}: {}",
            describe(&hostile)
        );
        let (Ok(b), Ok(h)) = (&baseline, &hostile) else {
            continue;
        };
        if h.shape == Shape::List {
            // The mock wrote the real entries and claimed about twice the buffer: the wrapper
            // returns exactly what was written, no slack dressed up as entries.
            assert_eq!(
                h.len, b.len,
                "{e:?}: {} items from a list of {}",
                h.len, b.len
            );
            if b.len > 0 {
                lists.push(e.method);
            }
        }
    }
    // Non-vacuous: the mode reached lists with entries.
    assert!(lists.len() >= 5, "oversized counts reached only {lists:?}");
    let measured = format!(
        "oversized counts: {} methods on the current driver, {} lists with entries",
        current_entries().len(),
        lists.len()
    );
    eprintln!("reliability: {measured}");
    keep("hostile-lists", &measured);
}

#[test]
fn strings_without_nul_are_read_up_to_the_buffer_end() {
    let lab = Lab::new(Driver::Current);
    let mut filled = Vec::new();
    for (e, baseline, hostile) in sweep(&lab, UNTERMINATED_STRINGS) {
        assert!(
            clean(&e, &hostile, &baseline),
            "{e:?}: {}",
            describe(&hostile)
        );
        if let (Ok(b), Ok(h)) = (&baseline, &hostile)
            && h.shape == Shape::Str
        {
            assert!(h.len <= LARGEST_STRING_BUFFER, "{e:?}: {} bytes", h.len);
            assert!(!h.text.contains('\0'), "{e:?}");
            if h.len > b.len {
                filled.push(e.method);
            }
        }
    }
    // name, uuid, serial, part number, VBIOS, InfoROM, driver and NVML versions, ...
    assert!(
        filled.len() >= 6,
        "unterminated strings reached only {filled:?}"
    );
    let measured = format!("unterminated strings: {} strings filled", filled.len());
    eprintln!("reliability: {measured}");
    keep("hostile-strings", &measured);
}

#[test]
fn enum_values_newer_than_the_header_are_kept_not_errors() {
    let lab = Lab::new(Driver::Current);
    let mut kept = Vec::new();
    for (e, baseline, hostile) in sweep(&lab, FUTURE_ENUMS) {
        assert!(
            clean(&e, &hostile, &baseline),
            "{e:?}: {}",
            describe(&hostile)
        );
        // A call that works keeps working: a value newer than the header is no error.
        if let Ok(b) = &baseline {
            let h = hostile.as_ref().unwrap_or_else(|err| {
                panic!("{e:?}: answered {b:?} normally, {err:?} with values past the header")
            });
            if h != b && h.text.contains("Other(") {
                kept.push(e.method);
            }
        }
    }
    for method in [
        "Device::brand",
        "Device::architecture",
        "Device::performance_state",
        "Device::compute_mode",
    ] {
        assert!(kept.contains(&method), "{method}: {kept:?}");
    }
    let measured = format!(
        "future enums: {} methods kept a value newer than the header, none failed",
        kept.len()
    );
    eprintln!("reliability: {measured}");
    keep("hostile-enums", &measured);
}

#[test]
fn all_hostile_modes_at_once() {
    let lab = Lab::new(Driver::Current);
    let all = OVERSIZED_COUNTS | UNTERMINATED_STRINGS | FUTURE_ENUMS;
    for (e, baseline, hostile) in sweep(&lab, all) {
        assert!(
            clean(&e, &hostile, &baseline),
            "{e:?}: {}",
            describe(&hostile)
        );
    }
    // Afterwards the same library answers normally.
    lab.set_hostile(0);
    assert!(lab.dev().unwrap().name().unwrap().starts_with("NVIDIA"));
}

/// `INSUFFICIENT_SIZE` forever from a list getter: the grow-and-retry loop gives up with
/// `Err(InsufficientSize)`, quickly. (The mock cannot count calls; `src/ffi/lists.rs`'s unit test
/// `list_growing_between_calls_is_retried_a_bounded_number_of_times` asserts the exact count,
/// 1 + 4 calls.)
#[test]
fn insufficient_size_forever_ends_in_an_error() {
    let lab = Lab::new(Driver::Current);
    let mut lists = 0;
    for e in current_entries() {
        lab.clear_faults();
        let Some(Ok(baseline)) = no_panic(|| (e.call)(&lab)) else {
            continue;
        };
        if baseline.shape != Shape::List {
            continue;
        }
        lab.set_fault(e.function, sys::NVML_ERROR_INSUFFICIENT_SIZE);
        let started = Instant::now();
        let got = no_panic(|| (e.call)(&lab)).expect("no panic");
        lab.clear_faults();
        // Lists whose call is not a count query (field values, affinity masks) report it as is.
        assert!(
            matches!(got, Err(NvmlError::InsufficientSize(_))),
            "{e:?}: {}",
            describe(&got)
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{e:?} took {:?}",
            started.elapsed()
        );
        lists += 1;
    }
    assert!(lists >= 10, "{lists} list getters tried");
    let measured = format!("`INSUFFICIENT_SIZE` forever: {lists} list reads ended in the error");
    eprintln!("reliability: {measured}");
    keep("hostile-insufficient", &measured);
}

/// Zero-length lists are `Ok(vec![])`, and the wrapper passes no dangling buffer for them.
#[test]
fn empty_lists_are_empty() {
    let lab = Lab::new(Driver::Current);
    let mut empty = Vec::new();
    for e in current_entries() {
        if let Some(Ok(out)) = no_panic(|| (e.call)(&lab))
            && out.shape == Shape::List
            && out.len == 0
        {
            empty.push(e.method);
        }
    }
    // On the DGX H100 profile: no excluded devices, no encoder or FBC sessions, ...
    assert!(
        empty.contains(&"Nvml::excluded_devices"),
        "empty lists: {empty:?}"
    );
    assert!(empty.len() >= 3, "empty lists: {empty:?}");
}
