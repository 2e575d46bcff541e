//! Machine profiles: what the simulated machine looks like when `nvmlInit` runs.
//!
//! A profile is JSON in one format (documented key by key in the crate's
//! `FORMAT.md`). The built-in machines are files of that format embedded in the library
//! (`profiles/builtin/<name>.json`): `dgx-h100` (the default), `dgx-a100`, `workstation`,
//! `vgpu-host`, `h100-cc`, `s-class`, `dgx-b200`, `gb200-nvl-tray`. A user's file starts from a built-in machine (`"base"`)
//! or from scratch and gives the keys it changes; [`load`] reads either, and the same
//! checks apply to both. Either may give GPU keys once for every GPU in `gpu_defaults`,
//! grouped by topic ([`GPU_TOPICS`]); the built-in files are written so by
//! [`canonical_json`].

pub mod capture;
mod dynamic;
mod format;
mod gpu_defaults;
mod loader;
mod mig;
mod validate;

use std::fmt;

pub use dynamic::DynamicSpec;
pub use format::*;
pub use gpu_defaults::canonical_json;
pub use loader::{BUILTIN_PROFILES, PROFILE_FILE_MAX, builtin, builtin_json, load, parse_json};
pub use mig::{
    CI_PROFILE_SLICES, MEMORY_SLICES, MigComputeSpec, MigInstanceSpec, ci_placements,
    ci_profile_of_slices, compute_instances, gpu_instance_id, overlaps,
};
pub use validate::{
    Bound, EXCLUDED_GPU_BOUNDS, GPU_BOUNDS, MAX_GPUS, MIG_PROFILE_BOUNDS, SYSTEM_BOUNDS,
    UNIT_BOUNDS, VGPU_TYPE_BOUNDS, ranges_markdown,
};

/// Why a profile could not be loaded: names the file (or built-in profile) and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError(pub String);

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProfileError {}
