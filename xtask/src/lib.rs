//! Maintainer tasks for the nvml workspace, run as `cargo xtask <task>`.
//!
//! - `update-header`: fetch a new `nvml.h` from the `cuda-nvml-dev` packages of Anaconda's
//!   `nvidia` channel, verify and install it, and report what changed ([`update`]).
//!
//! The modules are usable on their own: [`header`] reads what an `nvml.h` declares, and
//! [`wrapped`] finds which of those functions nvml-wrapper calls.

pub mod anaconda;
pub mod archive;
pub mod diff;
pub mod header;
pub mod http;
pub mod provenance;
pub mod update;
pub mod wrapped;
