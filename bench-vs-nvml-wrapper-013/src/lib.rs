//! The benchmark of this repository's `nvml-wrapper` against nvml-wrapper 0.13 is
//! `benches/vs_nvml_wrapper_013.rs`; this library only holds its row list, which
//! `nvml-wrapper/tests/benchmarks_doc.rs` also reads to check BENCHMARKS.md.

/// The rows of the table, in order: one call each, as a user writes it with either crate.
pub const ROWS: [&str; 14] = [
    "load + init + shutdown",
    "device_count",
    "device_by_index",
    "name",
    "uuid",
    "temperature",
    "memory_info",
    "utilization_rates",
    "power_usage",
    "clock_info",
    "running_compute_processes",
    "field values (8 ids)",
    "pci_info",
    "process utilization samples",
];
