//! This crate against nvml-wrapper 0.13 (the binding Rust users pick today, from crates.io),
//! call by call, on the same mock, in one process.
//!
//! Both crates `dlopen` the same staged copy of `nvml-mock` (one library, one global state), so
//! the mock's own cost is the same on both sides. Each row times short blocks of 0.13's call and
//! of ours, alternating, for [`ROUNDS`] rounds; the ratio `ours / 0.13` is taken per round and
//! reported as its median with the 25th and 75th percentiles (the spread). The table is printed
//! and written to `benches/results/vs_nvml_wrapper_013.md` (the run before moves to
//! `vs_nvml_wrapper_013.previous.md`); BENCHMARKS.md embeds both files verbatim.
//!
//! ```text
//! cargo bench --manifest-path bench-vs-nvml-wrapper-013/Cargo.toml            # all rows (~15 s)
//! cargo bench --manifest-path bench-vs-nvml-wrapper-013/Cargo.toml -- name    # rows containing "name"
//! cargo bench --manifest-path bench-vs-nvml-wrapper-013/Cargo.toml -- --test  # each call once, no file
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../../nvml-wrapper/benches/support/mod.rs"]
mod support;

use std::hint::black_box;
use std::path::Path;

use nvml_wrapper::Nvml;
use nvml_wrapper::device::field;
use nvml_wrapper::enums::{ClockType, TemperatureSensor};
use nvml_wrapper_013 as old;
use old::enum_wrappers::device::{Clock as OldClock, TemperatureSensor as OldSensor};
use old::structs::device::FieldId;
use support::{Measured, Table, VS_013_HEADER, VS_013_ROWS as ROWS, interleaved};

/// Rounds of the interleaved measurement of each row.
const ROUNDS: usize = 1001;

/// Field ids of the batch row: a typical exporter's handful (numbered alike in both crates).
const FIELDS: [u32; 8] = [
    field::POWER_INSTANT_MW,
    field::TOTAL_ENERGY_MJ,
    field::MEMORY_TEMPERATURE_C,
    field::ECC_CURRENT,
    field::ECC_SBE_VOLATILE_TOTAL,
    field::ECC_DBE_VOLATILE_TOTAL,
    field::PCIE_REPLAY_COUNTER,
    field::NVLINK_LINK_COUNT,
];

struct Bench {
    /// Measure (not `--test`/`--list`).
    measuring: bool,
    filters: Vec<String>,
    rows: Vec<(&'static str, Measured)>,
}

impl Bench {
    /// Times 0.13's `old` against this crate's `new` as row `name`; with `--test`, calls each
    /// once.
    fn row<A, B>(
        &mut self,
        name: &'static str,
        mut old: impl FnMut() -> A,
        mut new: impl FnMut() -> B,
    ) {
        assert!(ROWS.contains(&name), "{name} is not in ROWS");
        if !self.filters.is_empty() && !self.filters.iter().any(|f| name.contains(f.as_str())) {
            return;
        }
        if !self.measuring {
            support::consume(old());
            support::consume(new());
            println!("{name}: ok");
            return;
        }
        let m = interleaved(ROUNDS, &mut old, &mut new);
        println!(
            "{name:<28} 0.13 {:>9.1} ns   ours {:>9.1} ns   ours/0.13 {:.3} [{:.3}, {:.3}]",
            m.a_ns, m.b_ns, m.ratio, m.p25, m.p75
        );
        self.rows.push((name, m));
    }
}

fn getters(b: &mut Bench, ours: &Nvml, theirs: &old::Nvml) {
    let gpu = ours.device_by_index(0).unwrap();
    let old_gpu = theirs.device_by_index(0).unwrap();
    let ids: Vec<FieldId> = FIELDS.iter().map(|id| FieldId(*id)).collect();

    // Both sides must answer alike (and succeed): a call that errs would time something else.
    assert_eq!(ours.device_count().unwrap(), theirs.device_count().unwrap());
    assert_eq!(gpu.name().unwrap(), old_gpu.name().unwrap());
    assert_eq!(gpu.uuid().unwrap(), old_gpu.uuid().unwrap());
    assert_eq!(
        gpu.temperature(TemperatureSensor::Gpu).unwrap(),
        old_gpu.temperature(OldSensor::Gpu).unwrap()
    );
    assert_eq!(
        gpu.memory_info().unwrap().used,
        old_gpu.memory_info().unwrap().used
    );
    assert_eq!(
        gpu.utilization_rates().unwrap().gpu,
        old_gpu.utilization_rates().unwrap().gpu
    );
    assert_eq!(gpu.power_usage().unwrap(), old_gpu.power_usage().unwrap());
    assert_eq!(
        gpu.clock_info(ClockType::Sm).unwrap(),
        old_gpu.clock_info(OldClock::SM).unwrap()
    );
    let procs = gpu.running_compute_processes().unwrap();
    assert_eq!(
        procs.len(),
        old_gpu.running_compute_processes().unwrap().len()
    );
    assert!(
        !procs.is_empty(),
        "GPU 0 of the default profile runs processes"
    );
    let values = gpu.field_values(&FIELDS).unwrap();
    assert!(values.iter().all(|v| v.value.is_ok()), "{values:?}");
    assert!(
        old_gpu
            .field_values_for(&ids)
            .unwrap()
            .iter()
            .all(Result::is_ok)
    );
    assert_eq!(
        gpu.pci_info().unwrap().bus_id,
        old_gpu.pci_info().unwrap().bus_id
    );
    let samples = gpu.process_utilization(0).unwrap();
    assert!(
        !samples.is_empty(),
        "GPU 0 of the default profile has samples"
    );
    assert_eq!(
        samples.len(),
        old_gpu.process_utilization_stats(0).unwrap().len()
    );

    b.row(
        "device_count",
        || black_box(theirs).device_count(),
        || black_box(ours).device_count(),
    );
    b.row(
        "device_by_index",
        || black_box(theirs).device_by_index(black_box(0)),
        || black_box(ours).device_by_index(black_box(0)),
    );
    b.row(
        "name",
        || black_box(&old_gpu).name(),
        || black_box(gpu).name(),
    );
    b.row(
        "uuid",
        || black_box(&old_gpu).uuid(),
        || black_box(gpu).uuid(),
    );
    b.row(
        "temperature",
        || black_box(&old_gpu).temperature(OldSensor::Gpu),
        || black_box(gpu).temperature(TemperatureSensor::Gpu),
    );
    b.row(
        "memory_info",
        || black_box(&old_gpu).memory_info(),
        || black_box(gpu).memory_info(),
    );
    b.row(
        "utilization_rates",
        || black_box(&old_gpu).utilization_rates(),
        || black_box(gpu).utilization_rates(),
    );
    b.row(
        "power_usage",
        || black_box(&old_gpu).power_usage(),
        || black_box(gpu).power_usage(),
    );
    b.row(
        "clock_info",
        || black_box(&old_gpu).clock_info(OldClock::SM),
        || black_box(gpu).clock_info(ClockType::Sm),
    );
    b.row(
        "running_compute_processes",
        || black_box(&old_gpu).running_compute_processes(),
        || black_box(gpu).running_compute_processes(),
    );
    b.row(
        "field values (8 ids)",
        || black_box(&old_gpu).field_values_for(black_box(&ids)),
        || black_box(gpu).field_values(black_box(&FIELDS)),
    );
    b.row(
        "pci_info",
        || black_box(&old_gpu).pci_info(),
        || black_box(gpu).pci_info(),
    );
    b.row(
        "process utilization samples",
        || black_box(&old_gpu).process_utilization_stats(black_box(0)),
        || black_box(gpu).process_utilization(black_box(0)),
    );

    // Owned handles (no lifetime; they hold a share of the library) against 0.13's borrowed
    // device, which is all 0.13 has.
    let owned = gpu.into_owned();
    assert_eq!(owned.name().unwrap(), old_gpu.name().unwrap());
    b.row(
        "owned: name",
        || black_box(&old_gpu).name(),
        || black_box(&owned).name(),
    );
    b.row(
        "owned: temperature",
        || black_box(&old_gpu).temperature(OldSensor::Gpu),
        || black_box(&owned).temperature(TemperatureSensor::Gpu),
    );
    b.row(
        "owned: memory_info",
        || black_box(&old_gpu).memory_info(),
        || black_box(&owned).memory_info(),
    );
    b.row(
        "owned: running_compute_processes",
        || black_box(&old_gpu).running_compute_processes(),
        || black_box(&owned).running_compute_processes(),
    );
}

/// Load, resolve, initialise and shut down, each iteration; nothing else holds NVML
/// initialised, so every init really initialises the mock. The staged copy stays loaded by its
/// `Staged`, so `dlopen` finds it mapped, as it would a driver library another part of the
/// process already uses.
fn load(b: &mut Bench, path: &Path) {
    b.row(
        "load + init + shutdown",
        || {
            let nvml = old::Nvml::builder()
                .lib_path(black_box(path).as_os_str())
                .init()
                .unwrap();
            drop(nvml);
        },
        || {
            let nvml = Nvml::builder()
                .library_path(black_box(path))
                .init()
                .unwrap();
            drop(nvml);
        },
    );
}

/// The results file: the command, the machine, the table.
fn report(rows: &[(&'static str, Measured)]) -> String {
    let table = Table {
        header: VS_013_HEADER.map(str::to_owned).to_vec(),
        right: vec![false, true, true, true, false, false],
        rows: rows
            .iter()
            .map(|(name, m)| {
                vec![
                    (*name).to_owned(),
                    format!("{:.1}", m.a_ns),
                    format!("{:.1}", m.b_ns),
                    format!("{:.3}", m.ratio),
                    format!("{:.3} - {:.3}", m.p25, m.p75),
                    support::verdict(m.ratio, m.p25).to_owned(),
                ]
            })
            .collect(),
    };
    let mut text = String::from(
        "`cargo bench --manifest-path bench-vs-nvml-wrapper-013/Cargo.toml`: this repository's \
         nvml-wrapper against nvml-wrapper 0.13.0,\n",
    );
    text.push_str(&format!(
        "median of {ROUNDS} interleaved rounds per row (ns per call: each side's median).\n\n"
    ));
    for line in support::machine() {
        text.push_str(&line);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&table.render());
    text
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --benches` runs each benchmark once (`--test`); `--list` only lists.
    let measuring = !args.iter().any(|a| a == "--test" || a == "--list");
    if args.iter().any(|a| a == "--list") {
        for row in ROWS {
            println!("{row}: benchmark");
        }
        return;
    }
    let filters = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let staged = nvml_mock::Staged::new().expect("stage the mock library");
    let mut bench = Bench {
        measuring,
        filters,
        rows: Vec::new(),
    };
    load(&mut bench, staged.path());
    {
        let ours = Nvml::builder()
            .library_path(staged.path())
            .init()
            .expect("init on the mock");
        let theirs = old::Nvml::builder()
            .lib_path(staged.path().as_os_str())
            .init()
            .expect("0.13: init on the mock");
        getters(&mut bench, &ours, &theirs);
    }
    if measuring && bench.rows.len() == ROWS.len() {
        support::publish("vs_nvml_wrapper_013", &report(&bench.rows));
    } else if measuring {
        // A filtered run measures some rows only: printed above, not published.
        println!(
            "(some rows only: {} not written)",
            support::results_path("vs_nvml_wrapper_013").display()
        );
    }
}
