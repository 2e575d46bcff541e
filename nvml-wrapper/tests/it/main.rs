//! The integration tests of `nvml-wrapper`, one module per topic, in one test binary (one
//! link, one process: `cargo test -p nvml-wrapper --test it`; a module or a test by name:
//! `cargo test -p nvml-wrapper --test it reliability_faults::`). The `#[ignore]`d tests need a
//! real GPU (`real_gpu`, `real_gpu_board_clocks`, `snapshot`) or run under valgrind
//! (`reliability_valgrind`): `cargo test -p nvml-wrapper --test it -- --ignored real_gpu`.
//!
//! `support` holds what the modules share: an `Nvml` on a staged copy of the mock, the
//! reliability table and its labs, hostile C libraries, RELIABILITY.md's spans, and running a
//! test alone in a child process (tests that fork, limit their memory or must not share the
//! process with other tests' threads).
//!
//! The binary's allocator is `zero_alloc`'s: the system allocator, counting per thread what
//! each thread allocates (a thread-local add per allocation), so that module can show that
//! getters allocate nothing while the other modules' tests run beside it.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

mod accounting;
mod benchmarks_doc;
mod blackwell;
mod device_affinity;
mod device_board_cooling_system;
mod device_clocks;
mod device_commands;
mod device_ecc;
mod device_fabric;
mod device_memory;
mod device_mig;
mod device_modes;
mod device_nvlink;
mod device_pci;
mod device_performance;
mod device_power;
mod device_processes;
mod device_thermal;
mod device_topology;
mod device_utilization;
mod drain;
mod dynamic_mock;
mod events;
mod examples;
mod field_values;
mod gpm;
mod hostile_libraries;
mod mig_instances;
mod nvlink_management;
mod nvml;
mod owned_handles;
mod power_profiles;
mod prm;
mod real_drivers;
mod real_gpu;
mod real_gpu_board_clocks;
mod reliability_faults;
mod reliability_fork;
mod reliability_hostile;
mod reliability_md;
mod reliability_missing_symbols;
mod reliability_profiles;
mod reliability_proptest;
mod reliability_threads;
mod reliability_valgrind;
mod samples;
#[cfg(feature = "serde")]
mod serde;
mod snapshot;
mod system_events;
mod units;
mod vgpu_bare_metal;
mod vgpu_host;
mod vgpu_mig;
mod zero_alloc;
