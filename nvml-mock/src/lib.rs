//! A simulated NVIDIA Management Library.
//!
//! Built as a `cdylib`, this crate is a stand-in `libnvidia-ml.so.1`: it exports every
//! function of NVML's `nvml.h` (all versions) with the header's exact C signature, backed by a
//! simulated machine (built-in profile `dgx-h100`: eight H100 SXM5 GPUs with NVLink, MIG and
//! running processes; more built in: `dgx-a100`, `workstation`, `vgpu-host`, `h100-cc`, `s-class`).
//! Functions it does not model return `NVML_ERROR_NOT_SUPPORTED`.
//! See the crate's README for profiles, control hooks and how to run any program against it.
//!
//! As an `rlib` it offers [`Staged`]: a private copy of the built library for a test, with
//! typed helpers for the control hooks.

/// Implements header functions whose body runs under the mock's call guard
/// (`dispatch::call`): each `fn nvmlX(args) |c| body` becomes what the export `nvmlX` calls
/// (see `build.rs`), and must have the header's signature.
macro_rules! export {
    ($(fn $name:ident($($a:ident : $t:ty),* $(,)?) |$c:ident| $body:block)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: modeled by the mock.")]
        ///
        /// # Safety
        /// NVML's C contract: every pointer argument is null or valid for the call.
        #[allow(non_snake_case)]
        unsafe extern "C" fn $name($($a: $t),*) -> nvml_sys::nvmlReturn_t {
            $crate::dispatch::call(stringify!($name), |$c| $body)
        }
        implemented!($name);
    )*};
}

/// Makes the functions named (in scope, each with the header's signature of its name) what the
/// exports of those names call, and counts them as modeled (see `build.rs`).
macro_rules! implemented {
    ($($name:ident),* $(,)?) => {$(
        impl $crate::generated::$name::Tag {
            /// Whether `src/` implements the function: it does.
            pub const MODELED: bool = true;
            /// The implementation the export calls.
            pub const CALL: $crate::generated::$name::Signature = $name;
        }
    )*};
}

mod affinity;
mod dispatch;
pub mod documents;
pub mod drivers;
mod dynamic;
mod exports;
mod fork;
mod handles;
pub mod hooks;
mod machine;
mod marshal;
pub mod profile;
mod readings;
mod staged;
pub mod support;

pub use staged::{HookError, HostileModes, LIB_ENV, Staged, driver_470_exports, find_cdylib};

#[allow(
    dead_code, // the stubs of implemented functions
    missing_docs,
    non_snake_case,
    unused_imports, // the `Stub` traits of implemented functions
    clippy::missing_safety_doc,
    clippy::indexing_slicing
)]
mod generated {
    use nvml_sys::*;
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

pub use generated::{MODELED, STUBBED};

/// For each symbol of nvml-wrapper's version table that is called with versioned structs, the
/// struct versions it is called with, newest first (a constant named for the symbol, and
/// [`ALL`](struct_versions::ALL)): what the mock's export of that symbol accepts, where the mock
/// models it. Any other version is refused as drivers refuse it: `ARGUMENT_VERSION_MISMATCH`,
/// or `FUNCTION_NOT_FOUND` from `nvmlDeviceGetMemoryInfo_v2`. Written by the build script from
/// nvml-sys's versioned families (`pregenerated/versioned.tsv`, the table as data).
#[allow(non_upper_case_globals)]
pub mod struct_versions {
    use nvml_sys::*;
    include!(concat!(env!("OUT_DIR"), "/struct_versions.rs"));
}
