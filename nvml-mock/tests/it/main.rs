//! The integration tests of `nvml-mock`, one module per topic, in one test binary (one link,
//! one process: `cargo test -p nvml-mock --test it`; a module or a test by name:
//! `cargo test -p nvml-mock --test it profile_format::`). Each test loads its own staged copy of
//! the mock library, as a client does, through nvml-sys; tests that need a process of their own
//! (environment variables, panics printed to stderr) run this binary again, filtered to an
//! ignored probe.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
// `nv!` forwards its arguments to a C call inside `unsafe`.
#![allow(clippy::macro_metavars_in_unsafe)]

mod support;

mod c_client;
mod cli;
mod client_findings;
mod conf_compute;
mod consistency;
mod device_details;
mod dgx_h100;
mod dynamic;
mod excluded_gpus;
mod export_table;
mod faults_hostile_threads;
mod gpm;
mod legacy_470;
mod mig_mode;
mod modeled;
mod nvlink_commands;
mod panic_guard;
mod profile_format;
mod profile_input;
mod profiles;
mod setters_mig_events;
mod staged_env;
mod struct_versions;
mod system_events;
mod units;
mod vgpu_host;
