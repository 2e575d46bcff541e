//! Maintainer tasks for the nvml workspace, run as `cargo xtask <task>`.
//!
//! - `update-header`: fetch a new `nvml.h` from the `cuda-nvml-dev` packages of Anaconda's
//!   `nvidia` channel, verify and install it, and report what changed ([`update`]).
//! - `coverage`: how many of the header's functions nvml-wrapper wraps, per Doxygen group,
//!   which it excuses ([`excused`]) and which are missing ([`coverage`]).
//! - `build-cost`: cold build time, crates compiled and binary size of a tiny dependent,
//!   against nvml-wrapper 0.13 ([`build_cost`]).
//! - `codegen`: writes every generated file of the workspace; `--check` fails naming each
//!   stale one ([`codegen`]).
//!
//! The modules are usable on their own: [`header`] reads what an `nvml.h` declares, and
//! [`wrapped`] finds which of those functions nvml-wrapper calls, [`groups`] files the
//! header's functions into its Doxygen groups, and [`versioned`] reads and writes the version
//! table as data.

pub mod anaconda;
pub mod archive;
pub mod build_cost;
pub mod codegen;
pub mod coverage;
pub mod diff;
pub mod excused;
pub mod groups;
pub mod header;
pub mod http;
pub mod provenance;
pub mod redist;
pub mod update;
pub mod versioned;
pub mod wrapped;
