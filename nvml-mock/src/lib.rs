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

macro_rules! export {
    ($(fn $name:ident($($a:ident : $t:ty),* $(,)?) |$c:ident| $body:block)*) => {$(
        #[doc = concat!("`", stringify!($name), "`: modeled by the mock.")]
        ///
        /// # Safety
        /// NVML's C contract: every pointer argument is null or valid for the call.
        #[unsafe(no_mangle)]
        #[allow(non_snake_case)]
        pub unsafe extern "C" fn $name($($a: $t),*) -> nvml_sys::nvmlReturn_t {
            $crate::dispatch::call(stringify!($name), |$c| $body)
        }
    )*};
}

mod affinity;
mod dispatch;
pub mod drivers;
mod dynamic;
mod exports;
mod handles;
pub mod hooks;
mod machine;
mod marshal;
pub mod profile;
mod readings;
mod staged;
pub mod support;

pub use staged::{HookError, HostileModes, LIB_ENV, Staged, driver_470_exports, find_cdylib};

#[allow(missing_docs, non_snake_case, clippy::missing_safety_doc)]
mod generated {
    use nvml_sys::*;
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

pub use generated::{MODELED, STUBBED};
