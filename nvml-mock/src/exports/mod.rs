//! The exported C functions the mock models. Each file follows a group of NVML's reference.

mod commands;
mod conf_compute;
mod control;
pub(crate) mod device;
mod dynamic_control;
mod events;
mod export_table;
pub(crate) mod gpm;
mod mig;
mod nvlink;
mod system;
mod system_events;
mod units;
mod vgpu;

pub(crate) use system::error_text;

/// Builds the values the exports compute once (the export table's trace switch, the
/// built-in profile names), so that a fork never copies one half-built.
pub(crate) fn build_once_values() {
    export_table::trace_enabled();
    control::builtin_names();
}
