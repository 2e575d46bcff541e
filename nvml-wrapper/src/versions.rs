//! Which version of each versioned NVML function this process uses: ONE table, chosen once
//! at load.
//!
//! `nvml.h` declares many functions in several versions (`nvmlDeviceGetPciInfo`, `_v2`,
//! `_v3`): a newer one fills more fields or takes a newer struct, and an older driver exports
//! only the older ones. When [`Nvml`](crate::Nvml) loads the library, `ChosenVersions::choose`
//! takes, for every family below, the newest version the library exports. Methods then call
//! that version and adapt its struct to one Rust type (process info v1/v2/v3 all become
//! [`ProcessInfo`]).
//!
//! The choice is per process and per library, never per call. Each row of the table lists,
//! per version, newest first: the symbol, the versioned C struct with its struct-version
//! constant where there is one, and the conversion of what the call filled into the one Rust
//! type. The row generates the call ([`versioned_row!`](crate::versioned_row)): a method of
//! the crate-internal `Versioned` (`nvml.versions().pci_info(handle)`) that calls the version
//! chosen at load and, where a driver answers `NVML_ERROR_ARGUMENT_VERSION_MISMATCH`, the
//! older struct versions and symbols. A call is one comparison and one indirect jump, and
//! allocates nothing the conversion does not.
//!
//! Methods never match on a version or name a versioned symbol: the table's call is the only
//! dispatch (`cargo xtask coverage --check` fails on a versioned symbol called outside this
//! module), and a version added to a row without its conversion does not compile. The rows
//! are also data, [`VERSIONED_FAMILIES`], for tools and tests.

use std::ffi::{CStr, c_int, c_uint, c_ulonglong};

use nvml_sys::{self as sys, NvmlLib};

use crate::conf_compute::ConfComputeSettings;
use crate::device::accounting::AccountingStats;
use crate::device::nvlink_management::NvLinkInfo;
use crate::device::{
    FabricInfo, MemoryInfo, PciInfo, ProcessInfo, RemappedRows, RetiredPage, celsius,
};
use crate::drain::{GpuRemoval, PciAddress};
use crate::enums::VgpuSchedulerEngine;
use crate::error::Result;
use crate::ffi::{nvml_call, read_list, read_list_as};
use crate::mig::{ComputeInstanceProfileInfo, GpuInstanceProfileInfo};
use crate::versioned_call as call;
use crate::vgpu::{
    GridLicensableFeatures, VgpuLicenseInfo, VgpuSchedulerLog, VgpuSchedulerSettings,
    VgpuSchedulerState, legacy_state, log_from_v2, state_from_v2,
};

/// One row of the table as seen at run time: what the family is and which version won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VersionChoice {
    /// The family's base name, e.g. `"nvmlDeviceGetComputeRunningProcesses"`.
    pub family: &'static str,
    /// The symbol chosen, e.g. `"nvmlDeviceGetComputeRunningProcesses_v3"`; `None` when the
    /// library exports no version of it.
    pub symbol: Option<&'static str>,
    /// The chosen version number (an unsuffixed symbol is version 1); 0 when none.
    pub version: u8,
    /// Every version the header declares, newest first.
    pub candidates: &'static [&'static str],
}

/// One row of the table as data: the family, its symbols and the struct versions each is
/// called with, in the order a call tries them. [`VERSIONED_FAMILIES`] lists every row; the
/// reliability tests and `cargo xtask coverage` read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionedFamily {
    /// The row's name: the method of `nvml.versions()` that makes its call, e.g. `"pci_info"`.
    pub row: &'static str,
    /// The family's base name, e.g. `"nvmlDeviceGetPciInfo"`.
    pub family: &'static str,
    /// Every version the header declares, newest first.
    pub symbols: &'static [&'static str],
    /// The return codes on which a symbol's call goes on to the next older symbol (besides
    /// a missing symbol, which always does).
    pub falls_back_on: &'static [u32],
    /// The versioned structs the calls fill, newest first; a symbol with several is retried
    /// with the next on `NVML_ERROR_ARGUMENT_VERSION_MISMATCH`. Empty where no version takes a
    /// versioned struct.
    pub struct_versions: &'static [StructVersion],
}

/// A struct version a row's symbol is called with: the header's `NVML_STRUCT_VERSION`
/// constant, by name and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructVersion {
    /// The symbol called with it, e.g. `"nvmlDeviceGetMemoryInfo_v2"`.
    pub symbol: &'static str,
    /// The header's constant, e.g. `"nvmlMemory_v2"`.
    pub constant: &'static str,
    /// Its value: the struct's size and version number, as the header computes them.
    pub value: u32,
}

/// What the calls that [`versioned_row!`](crate::versioned_row) generates are made of. Not
/// an API: public only so that the macro's own doc tests can expand it.
#[doc(hidden)]
pub mod __private {
    use crate::error::{NvmlError, Result};

    /// A function of the loaded library, resolved under its header name: what a row's entry
    /// calls with [`versioned_call!`](crate::versioned_call).
    #[derive(Clone, Copy)]
    pub struct Resolved<F> {
        /// The function.
        pub function: F,
        /// Its name in `nvml.h`.
        pub name: &'static str,
    }

    /// Turns a return code of `function` into a `Result`.
    #[inline(always)]
    pub fn check(code: nvml_sys::nvmlReturn_t, function: &'static str) -> Result<()> {
        crate::error::check(code, function)
    }

    /// Records that a version could not be called because its symbol (`name`) is missing or
    /// cannot take the arguments, unless an older attempt already gave a real answer, which
    /// stays the error.
    #[cold]
    #[inline(never)]
    pub fn missing(err: &mut Option<NvmlError>, name: &'static str) {
        if err
            .as_ref()
            .is_none_or(|e| matches!(e, NvmlError::MissingSymbol(_)))
        {
            *err = Some(NvmlError::MissingSymbol(name));
        }
    }
}

/// Calls the resolved function `f` of a [`versioned_row!`](crate::versioned_row) entry and
/// checks its return code, naming the function in any error: `versioned_call!(f(args))`.
///
/// Contract for callers (what makes the `unsafe` inside sound), as for the crate's other
/// calls into NVML: every argument is a handle obtained from this same library and still
/// alive, a plain value, a `&mut` to a live local, or a pointer to a buffer passed together
/// with its true length in elements.
#[doc(hidden)]
#[macro_export]
macro_rules! versioned_call {
    ($f:ident ( $($arg:expr),* $(,)? )) => {
        // SAFETY: `$f.function` was resolved from the loaded NVML library under the name the
        // header declares, so it has the bindings' signature; the arguments follow the
        // contract above.
        $crate::versions::__private::check(unsafe { ($f.function)($($arg),*) }, $f.name)
    };
}

/// One row of the versions table: a module `field` with the row's `Version` enum and the call
/// it generates, `field::call(lib, chosen, params) -> Result<Output>`.
///
/// A row is `field = "family" fn(params) -> Output [, retry (CODE | ...)] { entries }`. Each
/// entry, newest first, is `version => symbol [if (guard)] |f[, version = STRUCT_VERSION]|
/// body, ...;`: one body per struct version the symbol takes, newest first, each calling the
/// resolved symbol as `call!(f(...))` (the crate's name for
/// [`versioned_call!`](crate::versioned_call)) and converting what it filled into `Output`.
///
/// The call starts at the version chosen at load. A body answered
/// `ARGUMENT_VERSION_MISMATCH` goes on to the symbol's next body; a symbol goes on to the next
/// older symbol where it answered one of the row's `retry` codes (`NVML_ERROR_*`); a missing symbol, or one whose guard is false (it cannot take these
/// arguments), goes on to the next older one, and if none is left the error names it (the
/// newest for a guard). Nothing is allocated on the way, and the choice costs one comparison.
///
/// Every version needs its conversion: an entry without a body does not parse,
///
/// ```compile_fail
/// use nvml_wrapper::versioned_call as call;
/// nvml_wrapper::versioned_row! {
///     count = "nvmlDeviceGetCount" fn() -> Count {
///         2 => nvmlDeviceGetCount_v2 |f| { let mut n = 0; call!(f(&mut n)).map(|()| Count(n)) };
///         1 => nvmlDeviceGetCount;
///     }
/// }
/// pub struct Count(pub u32);
/// fn main() {}
/// ```
///
/// and a body that skips the conversion into the row's type does not compile,
///
/// ```compile_fail
/// use nvml_wrapper::versioned_call as call;
/// nvml_wrapper::versioned_row! {
///     count = "nvmlDeviceGetCount" fn() -> Count {
///         2 => nvmlDeviceGetCount_v2 |f| { let mut n = 0; call!(f(&mut n)).map(|()| Count(n)) };
///         1 => nvmlDeviceGetCount |f| { let mut n = 0; call!(f(&mut n)).map(|()| n) };
///     }
/// }
/// pub struct Count(pub u32);
/// fn main() {}
/// ```
///
/// while the same row with each conversion compiles:
///
/// ```
/// use nvml_wrapper::versioned_call as call;
/// nvml_wrapper::versioned_row! {
///     count = "nvmlDeviceGetCount" fn() -> Count {
///         2 => nvmlDeviceGetCount_v2 |f| { let mut n = 0; call!(f(&mut n)).map(|()| Count(n)) };
///         1 => nvmlDeviceGetCount |f| { let mut n = 0; call!(f(&mut n)).map(|()| Count(n)) };
///     }
/// }
/// pub struct Count(pub u32);
/// fn main() {
///     let _ = count::call;
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! versioned_row {
    (
        $field:ident = $family:literal
        fn($($p:ident: $pty:ty),* $(,)?) -> $ret:ty $(, retry ($($code:ident)|+))?
        {
            $(
                $ver:literal => $sym:ident $(if ($guard:expr))?
                    $( |$f:ident $(, $svname:ident = $sv:path)?| $body:expr ),+ ;
            )+
        }
    ) => {
        #[doc = concat!("The row of the `", $family, "` family.")]
        pub(crate) mod $field {
            #[allow(unused_imports)]
            use super::*;

            /// A version of the family, named by its symbol, newest first; `Missing` when
            /// the library exports none.
            #[allow(non_camel_case_types, clippy::enum_variant_names, dead_code)]
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub(crate) enum Version {
                $( #[doc = concat!("`", stringify!($sym), "`.")] $sym, )+
                /// The library exports no version of the family.
                Missing,
            }

            #[allow(dead_code)]
            impl Version {
                /// The version number (an unsuffixed symbol is 1; `Missing` is 0).
                pub(crate) const fn number(self) -> u8 {
                    match self {
                        $( Self::$sym => $ver, )+
                        Self::Missing => 0,
                    }
                }

                /// The newest version `exports` says the library has.
                pub(crate) fn newest(exports: impl Fn(&str) -> bool) -> Self {
                    $( if exports(stringify!($sym)) { return Self::$sym; } )+
                    Self::Missing
                }
            }

            /// Every symbol of the row, newest first.
            #[allow(dead_code)]
            pub(crate) const SYMBOLS: &[&str] = &[ $( stringify!($sym) ),+ ];

            /// The newest symbol: what an error names when no version can take the call.
            pub(crate) const NEWEST: &str = match SYMBOLS {
                [first, ..] => first,
                [] => "",
            };

            /// The return codes of a symbol that send the call on to the next older symbol.
            pub(crate) const FALLS_BACK_ON: &[$crate::sys::nvmlReturn_t] =
                &[ $( $( $crate::sys::$code ),+ )? ];

            /// Whether an answer of a symbol sends the call on to the next older symbol.
            #[inline(always)]
            fn retries(e: &$crate::NvmlError) -> bool {
                e.code().is_some_and(|code| FALLS_BACK_ON.contains(&code))
            }

            /// The call, from the version `chosen` for `lib` down (see
            /// [`versioned_row!`](crate::versioned_row)).
            #[inline]
            #[allow(
                clippy::redundant_closure_call,
                unused_labels,
                unused_assignments,
                dead_code
            )]
            pub(crate) fn call(
                lib: &$crate::sys::NvmlLib,
                chosen: Version,
                $($p: $pty),*
            ) -> $crate::Result<$ret> {
                use $crate::versions::__private::{Resolved, missing};
                // With no version exported, every one is tried (and found missing), so the
                // error names the one a caller could not have.
                let mut started = chosen == Version::Missing;
                let mut err: Option<$crate::NvmlError> = None;
                $(
                    started |= chosen == Version::$sym;
                    if started {
                        'entry: {
                            $(
                                if !($guard) {
                                    missing(&mut err, NEWEST);
                                    break 'entry;
                                }
                            )?
                            let Ok(function) = lib.$sym.as_ref() else {
                                missing(&mut err, stringify!($sym));
                                break 'entry;
                            };
                            $(
                                let $f = Resolved { function: *function, name: stringify!($sym) };
                                $( let $svname = $sv; )?
                                match (|| -> $crate::Result<$ret> { $body })() {
                                    Err(e @ $crate::NvmlError::ArgumentVersionMismatch(_)) => {
                                        err = Some(e);
                                    }
                                    Err(e) if retries(&e) => err = Some(e),
                                    done => return done,
                                }
                            )+
                            // Every struct version refused: on to the older symbol only where
                            // the row says so.
                            if let Some(e) = err.take_if(|e| !retries(e)) {
                                return Err(e);
                            }
                        }
                    }
                )+
                Err(err.unwrap_or($crate::NvmlError::MissingSymbol(NEWEST)))
            }
        }
    };
}

/// The versions table: [`versioned_row!`](crate::versioned_row) for each row, the choice at
/// load ([`ChosenVersions`]), the table as data ([`VERSIONED_FAMILIES`]) and a method of
/// [`Versioned`] per row that makes the row's call.
macro_rules! versioned_families {
    ($(
        $(#[$meta:meta])*
        $field:ident = $family:literal
        fn($($p:ident: $pty:ty),* $(,)?) -> $ret:ty $(, retry ($($code:ident)|+))?
        {
            $(
                $ver:literal => $sym:ident $(if ($guard:expr))?
                    $( |$f:ident $(, $svname:ident = sys::$sv:ident)?| $body:expr ),+ ;
            )+
        }
    ),* $(,)?) => {
        $(
            $crate::versioned_row! {
                $field = $family fn($($p: $pty),*) -> $ret $(, retry ($($code)|+))? {
                    $( $ver => $sym $(if ($guard))? $( |$f $(, $svname = sys::$sv)?| $body ),+ ; )+
                }
            }
        )*

        /// Every row of the table, in table order.
        pub const VERSIONED_FAMILIES: &[VersionedFamily] = &[ $(
            VersionedFamily {
                row: stringify!($field),
                family: $family,
                symbols: $field::SYMBOLS,
                falls_back_on: $field::FALLS_BACK_ON,
                struct_versions: &[ $( $( $( StructVersion {
                    symbol: stringify!($sym),
                    constant: stringify!($sv),
                    value: sys::$sv as u32,
                }, )? )+ )+ ],
            },
        )* ];

        /// The version chosen for each versioned family.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) struct ChosenVersions {
            $( $field: $field::Version, )*
        }

        impl ChosenVersions {
            /// Nothing chosen: the library exports no version of any family.
            #[cfg(test)]
            pub(crate) const NONE: Self = Self { $( $field: $field::Version::Missing, )* };

            /// For each family, the newest version `lib` exports, then the
            /// [driver quirks](Self::apply_quirks).
            pub(crate) fn choose(lib: &NvmlLib) -> Self {
                let mut chosen = Self {
                    $( $field: {
                        let mut chosen = $field::Version::Missing;
                        $(
                            if chosen == $field::Version::Missing && lib.$sym.is_ok() {
                                chosen = $field::Version::$sym;
                            }
                        )+
                        chosen
                    }, )*
                };
                chosen.apply_quirks(|name| exports(lib, name));
                chosen
            }

            /// The whole table with what was chosen, in table order.
            pub(crate) fn table(&self) -> Vec<VersionChoice> {
                vec![ $( {
                    const VERSIONS: &[u8] = &[ $( $ver ),+ ];
                    let version = self.$field.number();
                    let symbol = VERSIONS
                        .iter()
                        .position(|v| *v == version)
                        .and_then(|i| $field::SYMBOLS.get(i).copied());
                    VersionChoice {
                        family: $family,
                        symbol,
                        version,
                        candidates: $field::SYMBOLS,
                    }
                }, )* ]
            }
        }

        impl Versioned<'_> {
            $(
                $(#[$meta])*
                #[inline]
                pub(crate) fn $field(&self, $($p: $pty),*) -> Result<$ret> {
                    $field::call(self.lib, self.chosen.$field, $($p),*)
                }
            )*
        }
    };
}

/// The library and the versions chosen for it: the table's generated calls, one method per
/// row (`nvml.versions().pci_info(handle)`).
#[derive(Clone, Copy)]
pub(crate) struct Versioned<'a> {
    lib: &'a NvmlLib,
    chosen: &'a ChosenVersions,
}

impl<'a> Versioned<'a> {
    /// The calls of `lib` with the versions `chosen` for it.
    #[inline(always)]
    pub(crate) fn new(lib: &'a NvmlLib, chosen: &'a ChosenVersions) -> Self {
        Self { lib, chosen }
    }
}

versioned_families! {
    // ---- The `#define nvmlX nvmlX_vN` block of nvml.h (NVML_NO_UNVERSIONED_FUNC_DEFS) ----
    init = "nvmlInit" fn() -> () {
        2 => nvmlInit_v2 |f| call!(f());
        1 => nvmlInit |f| call!(f());
    },
    device_count = "nvmlDeviceGetCount" fn() -> c_uint {
        2 => nvmlDeviceGetCount_v2 |f| { let mut n = 0; call!(f(&mut n)).map(|()| n) };
        1 => nvmlDeviceGetCount |f| { let mut n = 0; call!(f(&mut n)).map(|()| n) };
    },
    handle_by_index = "nvmlDeviceGetHandleByIndex" fn(index: c_uint) -> sys::nvmlDevice_t {
        2 => nvmlDeviceGetHandleByIndex_v2 |f| {
            let mut handle = std::ptr::null_mut();
            call!(f(index, &mut handle)).map(|()| handle)
        };
        1 => nvmlDeviceGetHandleByIndex |f| {
            let mut handle = std::ptr::null_mut();
            call!(f(index, &mut handle)).map(|()| handle)
        };
    },
    handle_by_pci_bus_id = "nvmlDeviceGetHandleByPciBusId"
        fn(bus_id: &CStr) -> sys::nvmlDevice_t
    {
        2 => nvmlDeviceGetHandleByPciBusId_v2 |f| {
            let mut handle = std::ptr::null_mut();
            call!(f(bus_id.as_ptr(), &mut handle)).map(|()| handle)
        };
        1 => nvmlDeviceGetHandleByPciBusId |f| {
            let mut handle = std::ptr::null_mut();
            call!(f(bus_id.as_ptr(), &mut handle)).map(|()| handle)
        };
    },
    /// The unversioned function fills the old, shorter `nvmlPciInfo_t`, whose 16-byte bus id
    /// sits where the current one has `busIdLegacy`.
    pci_info = "nvmlDeviceGetPciInfo" fn(device: sys::nvmlDevice_t) -> PciInfo {
        3 => nvmlDeviceGetPciInfo_v3 |f| {
            let mut pci = sys::nvmlPciInfo_t::default();
            call!(f(device, &mut pci))?;
            PciInfo::from_raw(&pci, &pci.busId)
        };
        2 => nvmlDeviceGetPciInfo_v2 |f| {
            let mut pci = sys::nvmlPciInfo_t::default();
            call!(f(device, &mut pci))?;
            PciInfo::from_raw(&pci, &pci.busId)
        };
        1 => nvmlDeviceGetPciInfo |f| {
            let mut pci = sys::nvmlPciInfo_t::default();
            call!(f(device, &mut pci))?;
            PciInfo::from_raw(&pci, &pci.busIdLegacy)
        };
    },
    /// As [`pci_info`](Self::pci_info): the unversioned function fills the old layout.
    nvlink_remote_pci_info = "nvmlDeviceGetNvLinkRemotePciInfo"
        fn(device: sys::nvmlDevice_t, link: c_uint) -> PciInfo
    {
        2 => nvmlDeviceGetNvLinkRemotePciInfo_v2 |f| {
            let mut pci = sys::nvmlPciInfo_t::default();
            call!(f(device, link, &mut pci))?;
            PciInfo::from_raw(&pci, &pci.busId)
        };
        1 => nvmlDeviceGetNvLinkRemotePciInfo |f| {
            let mut pci = sys::nvmlPciInfo_t::default();
            call!(f(device, link, &mut pci))?;
            PciInfo::from_raw(&pci, &pci.busIdLegacy)
        };
    },
    /// The unversioned function can only keep the GPU in the OS and its link up.
    remove_gpu = "nvmlDeviceRemoveGpu" fn(address: &PciAddress, removal: GpuRemoval) -> () {
        2 => nvmlDeviceRemoveGpu_v2 |f| {
            let mut pci = address.to_raw();
            let (gpu_state, link_state) = removal.to_raw();
            call!(f(&mut pci, gpu_state, link_state))
        };
        1 => nvmlDeviceRemoveGpu if (removal == GpuRemoval::default()) |f| {
            let mut pci = address.to_raw();
            call!(f(&mut pci))
        };
    },
    /// Each version fills a shorter per-feature struct, read with its own stride.
    grid_licensable_features = "nvmlDeviceGetGridLicensableFeatures"
        fn(device: sys::nvmlDevice_t) -> GridLicensableFeatures
    {
        4 => nvmlDeviceGetGridLicensableFeatures_v4 |f| {
            GridLicensableFeatures::read(4, |buf| call!(f(device, buf)))
        };
        3 => nvmlDeviceGetGridLicensableFeatures_v3 |f| {
            GridLicensableFeatures::read(3, |buf| call!(f(device, buf)))
        };
        2 => nvmlDeviceGetGridLicensableFeatures_v2 |f| {
            GridLicensableFeatures::read(2, |buf| call!(f(device, buf)))
        };
        1 => nvmlDeviceGetGridLicensableFeatures |f| {
            GridLicensableFeatures::read(1, |buf| call!(f(device, buf)))
        };
    },
    /// `nvmlEventData_t` waits. `_v3` is listed apart: it takes a different parameter struct.
    event_wait = "nvmlEventSetWait"
        fn(set: sys::nvmlEventSet_t, timeout_ms: c_uint) -> sys::nvmlEventData_t
    {
        2 => nvmlEventSetWait_v2 |f| {
            let mut data = sys::nvmlEventData_t::default();
            call!(f(set, &mut data, timeout_ms)).map(|()| data)
        };
        1 => nvmlEventSetWait |f| {
            let mut data = sys::nvmlEventData_t::default();
            call!(f(set, &mut data, timeout_ms)).map(|()| data)
        };
    },
    /// Structured (GPU operational event) waits, NVML 13+.
    event_wait_structured = "nvmlEventSetWait_v3"
        fn(set: sys::nvmlEventSet_t, timeout_ms: c_uint) -> sys::nvmlEventSetWait_v3_t
    {
        3 => nvmlEventSetWait_v3 |f| {
            let mut p = sys::nvmlEventSetWait_v3_t { timeoutMs: timeout_ms, ..Default::default() };
            call!(f(set, &mut p)).map(|()| p)
        };
    },
    device_attributes = "nvmlDeviceGetAttributes"
        fn(device: sys::nvmlDevice_t) -> sys::nvmlDeviceAttributes_t
    {
        2 => nvmlDeviceGetAttributes_v2 |f| {
            let mut raw = sys::nvmlDeviceAttributes_t::default();
            call!(f(device, &mut raw)).map(|()| raw)
        };
        1 => nvmlDeviceGetAttributes |f| {
            let mut raw = sys::nvmlDeviceAttributes_t::default();
            call!(f(device, &mut raw)).map(|()| raw)
        };
    },
    compute_instance_info = "nvmlComputeInstanceGetInfo"
        fn(instance: sys::nvmlComputeInstance_t) -> sys::nvmlComputeInstanceInfo_t
    {
        2 => nvmlComputeInstanceGetInfo_v2 |f| {
            let mut raw = empty_compute_instance_info();
            call!(f(instance, &mut raw)).map(|()| raw)
        };
        1 => nvmlComputeInstanceGetInfo |f| {
            let mut raw = empty_compute_instance_info();
            call!(f(instance, &mut raw)).map(|()| raw)
        };
    },
    /// v3 and v2 fill `nvmlProcessInfo_t`/`_v2_t` (with MIG instance ids), v1 `_v1_t`.
    compute_processes = "nvmlDeviceGetComputeRunningProcesses"
        fn(device: sys::nvmlDevice_t) -> Vec<ProcessInfo>
    {
        3 => nvmlDeviceGetComputeRunningProcesses_v3 |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
        2 => nvmlDeviceGetComputeRunningProcesses_v2 |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
        1 => nvmlDeviceGetComputeRunningProcesses |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
    },
    graphics_processes = "nvmlDeviceGetGraphicsRunningProcesses"
        fn(device: sys::nvmlDevice_t) -> Vec<ProcessInfo>
    {
        3 => nvmlDeviceGetGraphicsRunningProcesses_v3 |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
        2 => nvmlDeviceGetGraphicsRunningProcesses_v2 |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
        1 => nvmlDeviceGetGraphicsRunningProcesses |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
    },
    mps_processes = "nvmlDeviceGetMPSComputeRunningProcesses"
        fn(device: sys::nvmlDevice_t) -> Vec<ProcessInfo>
    {
        3 => nvmlDeviceGetMPSComputeRunningProcesses_v3 |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
        2 => nvmlDeviceGetMPSComputeRunningProcesses_v2 |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
        1 => nvmlDeviceGetMPSComputeRunningProcesses |f| {
            read_list_as(|count, infos| call!(f(device, count, infos)), ProcessInfo::from)
        };
    },
    gpu_instance_possible_placements = "nvmlDeviceGetGpuInstancePossiblePlacements"
        fn(device: sys::nvmlDevice_t, profile_id: c_uint) -> Vec<sys::nvmlGpuInstancePlacement_t>
    {
        2 => nvmlDeviceGetGpuInstancePossiblePlacements_v2 |f| {
            read_list(|count, items| call!(f(device, profile_id, items, count)))
        };
        1 => nvmlDeviceGetGpuInstancePossiblePlacements |f| {
            read_list(|count, items| call!(f(device, profile_id, items, count)))
        };
    },
    vgpu_license_info = "nvmlVgpuInstanceGetLicenseInfo"
        fn(instance: sys::nvmlVgpuInstance_t) -> VgpuLicenseInfo
    {
        2 => nvmlVgpuInstanceGetLicenseInfo_v2 |f| {
            let mut info = sys::nvmlVgpuLicenseInfo_t::default();
            call!(f(instance, &mut info))?;
            VgpuLicenseInfo::try_from(info)
        };
        1 => nvmlVgpuInstanceGetLicenseInfo |f| {
            let mut info = sys::nvmlVgpuLicenseInfo_t::default();
            call!(f(instance, &mut info))?;
            VgpuLicenseInfo::try_from(info)
        };
    },
    /// `(current, pending)`.
    driver_model = "nvmlDeviceGetDriverModel"
        fn(device: sys::nvmlDevice_t) -> (sys::nvmlDriverModel_t, sys::nvmlDriverModel_t)
    {
        2 => nvmlDeviceGetDriverModel_v2 |f| {
            let (mut current, mut pending) = (0, 0);
            call!(f(device, &mut current, &mut pending)).map(|()| (current, pending))
        };
        1 => nvmlDeviceGetDriverModel |f| {
            let (mut current, mut pending) = (0, 0);
            call!(f(device, &mut current, &mut pending)).map(|()| (current, pending))
        };
    },

    // ---- Other functions the header declares in more than one version ----
    /// v2 takes `nvmlMemory_v2_t` (with `reserved`), v1 `nvmlMemory_t`. Real drivers answer
    /// `NVML_ERROR_FUNCTION_NOT_FOUND` to a struct version they do not take here, not
    /// `ARGUMENT_VERSION_MISMATCH`; either goes on to v1.
    memory_info = "nvmlDeviceGetMemoryInfo"
        fn(device: sys::nvmlDevice_t) -> MemoryInfo,
        retry (NVML_ERROR_ARGUMENT_VERSION_MISMATCH | NVML_ERROR_FUNCTION_NOT_FOUND)
    {
        2 => nvmlDeviceGetMemoryInfo_v2 |f, version = sys::nvmlMemory_v2| {
            let mut mem = sys::nvmlMemory_v2_t { version, ..Default::default() };
            call!(f(device, &mut mem)).map(|()| MemoryInfo::from_v2(&mem))
        };
        1 => nvmlDeviceGetMemoryInfo |f| {
            let mut mem = sys::nvmlMemory_t::default();
            call!(f(device, &mut mem)).map(|()| MemoryInfo::from_v1(&mem))
        };
    },
    /// The unversioned function reads fan 0 only.
    fan_speed = "nvmlDeviceGetFanSpeed" fn(device: sys::nvmlDevice_t, fan: c_uint) -> c_uint {
        2 => nvmlDeviceGetFanSpeed_v2 |f| {
            let mut speed = 0;
            call!(f(device, fan, &mut speed)).map(|()| speed)
        };
        1 => nvmlDeviceGetFanSpeed if (fan == 0) |f| {
            let mut speed = 0;
            call!(f(device, &mut speed)).map(|()| speed)
        };
    },
    /// v2 takes `nvmlAccountingStats_v2_t` (with the pid inside and the sample sums).
    accounting_stats = "nvmlDeviceGetAccountingStats"
        fn(device: sys::nvmlDevice_t, pid: c_uint) -> AccountingStats
    {
        2 => nvmlDeviceGetAccountingStats_v2 |f| {
            let mut s = sys::nvmlAccountingStats_v2_t { pid, ..Default::default() };
            call!(f(device, &mut s)).map(|()| AccountingStats::from_v2(pid, &s))
        };
        1 => nvmlDeviceGetAccountingStats |f| {
            let mut s = sys::nvmlAccountingStats_t::default();
            call!(f(device, pid, &mut s)).map(|()| AccountingStats::from_v1(pid, &s))
        };
    },
    /// `V` takes `nvmlGpuFabricInfoV_t` as `nvmlGpuFabricInfo_v3`, or `_v2` (the v3 struct
    /// without its last field, so both are read through a v3-sized buffer).
    gpu_fabric_info = "nvmlDeviceGetGpuFabricInfo" fn(device: sys::nvmlDevice_t) -> FabricInfo {
        4 => nvmlDeviceGetGpuFabricInfo_v4 |f| {
            let mut raw = sys::nvmlGpuFabricInfo_v4_t::default();
            call!(f(device, &mut raw)).map(|()| FabricInfo::from_v4(&raw))
        };
        3 => nvmlDeviceGetGpuFabricInfoV
            |f, version = sys::nvmlGpuFabricInfo_v3| {
                let mut raw = sys::nvmlGpuFabricInfoV_t { version, ..Default::default() };
                call!(f(device, &mut raw)).map(|()| FabricInfo::from_versioned(&raw, true))
            },
            |f, version = sys::nvmlGpuFabricInfo_v2| {
                let mut raw = sys::nvmlGpuFabricInfoV_t { version, ..Default::default() };
                call!(f(device, &mut raw)).map(|()| FabricInfo::from_versioned(&raw, false))
            };
        1 => nvmlDeviceGetGpuFabricInfo |f| {
            let mut raw = sys::nvmlGpuFabricInfo_t::default();
            call!(f(device, &mut raw)).map(|()| FabricInfo::from_v1(&raw))
        };
    },
    /// A driver with a partial `_v2` may still answer through the unversioned function.
    remapped_rows = "nvmlDeviceGetRemappedRows"
        fn(device: sys::nvmlDevice_t) -> RemappedRows,
        retry (
            NVML_ERROR_ARGUMENT_VERSION_MISMATCH
                | NVML_ERROR_NOT_SUPPORTED
                | NVML_ERROR_FUNCTION_NOT_FOUND
        )
    {
        2 => nvmlDeviceGetRemappedRows_v2 |f| {
            let mut info = sys::nvmlRemappedRowsInfo_v2_t::default();
            call!(f(device, &mut info))?;
            RemappedRows::from_v2(&info)
        };
        1 => nvmlDeviceGetRemappedRows |f| {
            let (mut corrected, mut uncorrected, mut pending, mut failure) = (0, 0, 0, 0);
            call!(f(device, &mut corrected, &mut uncorrected, &mut pending, &mut failure))?;
            RemappedRows::from_v1(corrected, uncorrected, pending, failure)
        };
    },
    /// v2 adds the retirement times.
    retired_pages = "nvmlDeviceGetRetiredPages"
        fn(device: sys::nvmlDevice_t, cause: sys::nvmlPageRetirementCause_t) -> Vec<RetiredPage>
    {
        2 => nvmlDeviceGetRetiredPages_v2 |f| {
            RetiredPage::read_with_times(|count, addresses, times| {
                call!(f(device, cause, count, addresses, times))
            })
        };
        1 => nvmlDeviceGetRetiredPages |f| {
            let addresses = read_list(|count, addresses| call!(f(device, cause, count, addresses)))?;
            Ok(addresses
                .into_iter()
                .map(|address| RetiredPage { address, timestamp: None })
                .collect())
        };
    },
    cuda_driver_version = "nvmlSystemGetCudaDriverVersion" fn() -> c_int {
        2 => nvmlSystemGetCudaDriverVersion_v2 |f| {
            let mut raw = 0;
            call!(f(&mut raw)).map(|()| raw)
        };
        1 => nvmlSystemGetCudaDriverVersion |f| {
            let mut raw = 0;
            call!(f(&mut raw)).map(|()| raw)
        };
    },
    /// v2 takes `nvmlPowerValue_v2_t` (GPU scope).
    set_power_limit = "nvmlDeviceSetPowerManagementLimit"
        fn(device: sys::nvmlDevice_t, milliwatts: c_uint) -> (),
        retry (NVML_ERROR_ARGUMENT_VERSION_MISMATCH)
    {
        2 => nvmlDeviceSetPowerManagementLimit_v2 |f, version = sys::nvmlPowerValue_v2| {
            let mut value = sys::nvmlPowerValue_v2_t {
                version,
                powerScope: sys::NVML_POWER_SCOPE_GPU as sys::nvmlPowerScopeType_t,
                powerValueMw: milliwatts,
            };
            call!(f(device, &mut value))
        };
        1 => nvmlDeviceSetPowerManagementLimit |f| call!(f(device, milliwatts));
    },
    /// The unversioned function knows only the graphics engine.
    vgpu_scheduler_log = "nvmlDeviceGetVgpuSchedulerLog"
        fn(device: sys::nvmlDevice_t, engine: VgpuSchedulerEngine) -> VgpuSchedulerLog
    {
        2 => nvmlDeviceGetVgpuSchedulerLog_v2 |f| {
            let mut raw = Box::new(sys::nvmlVgpuSchedulerLogInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            });
            call!(f(device, &mut *raw))?;
            log_from_v2(&raw)
        };
        1 => nvmlDeviceGetVgpuSchedulerLog if (engine == VgpuSchedulerEngine::Graphics) |f| {
            let mut raw = Box::new(sys::nvmlVgpuSchedulerLog_t::default());
            call!(f(device, &mut *raw))?;
            VgpuSchedulerLog::from_legacy(&raw)
        };
    },
    /// The unversioned function knows only the graphics engine.
    vgpu_scheduler_state = "nvmlDeviceGetVgpuSchedulerState"
        fn(device: sys::nvmlDevice_t, engine: VgpuSchedulerEngine) -> VgpuSchedulerState
    {
        2 => nvmlDeviceGetVgpuSchedulerState_v2 |f| {
            let mut raw = sys::nvmlVgpuSchedulerStateInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            };
            call!(f(device, &mut raw))?;
            state_from_v2(&raw)
        };
        1 => nvmlDeviceGetVgpuSchedulerState if (engine == VgpuSchedulerEngine::Graphics) |f| {
            let mut raw = sys::nvmlVgpuSchedulerGetState_t::default();
            call!(f(device, &mut raw))?;
            legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)
        };
    },
    /// The unversioned function knows only the graphics engine.
    set_vgpu_scheduler_state = "nvmlDeviceSetVgpuSchedulerState"
        fn(device: sys::nvmlDevice_t, settings: &VgpuSchedulerSettings) -> ()
    {
        2 => nvmlDeviceSetVgpuSchedulerState_v2 |f| {
            let mut raw = settings.to_v2();
            call!(f(device, &mut raw))
        };
        1 => nvmlDeviceSetVgpuSchedulerState
            if (settings.engine == VgpuSchedulerEngine::Graphics) |f| {
            let mut raw = settings.to_legacy_device();
            call!(f(device, &mut raw))
        };
    },
    gpu_instance_vgpu_scheduler_log = "nvmlGpuInstanceGetVgpuSchedulerLog"
        fn(instance: sys::nvmlGpuInstance_t, engine: VgpuSchedulerEngine) -> VgpuSchedulerLog
    {
        2 => nvmlGpuInstanceGetVgpuSchedulerLog_v2 |f| {
            let mut raw = Box::new(sys::nvmlVgpuSchedulerLogInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            });
            call!(f(instance, &mut *raw))?;
            log_from_v2(&raw)
        };
        1 => nvmlGpuInstanceGetVgpuSchedulerLog |f, version = sys::nvmlVgpuSchedulerLogInfo_v1| {
            let mut raw = Box::new(sys::nvmlVgpuSchedulerLogInfo_t {
                version,
                engineId: engine.as_raw(),
                ..Default::default()
            });
            call!(f(instance, &mut *raw))?;
            VgpuSchedulerLog::from_v1(&raw)
        };
    },
    gpu_instance_vgpu_scheduler_state = "nvmlGpuInstanceGetVgpuSchedulerState"
        fn(instance: sys::nvmlGpuInstance_t, engine: VgpuSchedulerEngine) -> VgpuSchedulerState
    {
        2 => nvmlGpuInstanceGetVgpuSchedulerState_v2 |f| {
            let mut raw = sys::nvmlVgpuSchedulerStateInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            };
            call!(f(instance, &mut raw))?;
            state_from_v2(&raw)
        };
        1 => nvmlGpuInstanceGetVgpuSchedulerState
            |f, version = sys::nvmlVgpuSchedulerStateInfo_v1| {
            let mut raw = sys::nvmlVgpuSchedulerStateInfo_t {
                version,
                engineId: engine.as_raw(),
                ..Default::default()
            };
            call!(f(instance, &mut raw))?;
            legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)
        };
    },
    gpu_instance_set_vgpu_scheduler_state = "nvmlGpuInstanceSetVgpuSchedulerState"
        fn(instance: sys::nvmlGpuInstance_t, settings: &VgpuSchedulerSettings) -> ()
    {
        2 => nvmlGpuInstanceSetVgpuSchedulerState_v2 |f| {
            let mut raw = settings.to_v2();
            call!(f(instance, &mut raw))
        };
        1 => nvmlGpuInstanceSetVgpuSchedulerState |f| {
            let mut raw = settings.to_v1();
            call!(f(instance, &mut raw))
        };
    },
    /// v3 takes `nvmlNvLinkInfo_v3_t` (unversioned, with `isNvleReady`); the plain form takes
    /// the versioned `nvmlNvLinkInfo_v2_t`, or `_v1_t` (its head, without firmware versions).
    nvlink_info = "nvmlDeviceGetNvLinkInfo" fn(device: sys::nvmlDevice_t) -> NvLinkInfo {
        3 => nvmlDeviceGetNvLinkInfo_v3 |f| {
            let mut v3 = sys::nvmlNvLinkInfo_v3_t::default();
            call!(f(device, &mut v3)).map(|()| NvLinkInfo::from_v3(&v3))
        };
        1 => nvmlDeviceGetNvLinkInfo
            |f, version = sys::nvmlNvLinkInfo_v2| {
                let mut v2 = sys::nvmlNvLinkInfo_v2_t { version, ..Default::default() };
                call!(f(device, &mut v2)).map(|()| NvLinkInfo::from_v2(&v2, true))
            },
            |f, version = sys::nvmlNvLinkInfo_v1| {
                let mut v1 = sys::nvmlNvLinkInfo_v2_t { version, ..Default::default() };
                call!(f(device, &mut v1)).map(|()| NvLinkInfo::from_v2(&v1, false))
            };
    },
    /// v2 takes `nvmlSystemConfComputeSettings_v2_t` (with `tdispState`), the plain form `_v1_t`.
    conf_compute_settings = "nvmlSystemGetConfComputeSettings"
        fn() -> ConfComputeSettings, retry (NVML_ERROR_ARGUMENT_VERSION_MISMATCH)
    {
        2 => nvmlSystemGetConfComputeSettings_v2
            |f, version = sys::nvmlSystemConfComputeSettings_v2| {
            let mut v2 = sys::nvmlSystemConfComputeSettings_v2_t { version, ..Default::default() };
            call!(f(&mut v2)).map(|()| ConfComputeSettings::from_v2(&v2))
        };
        1 => nvmlSystemGetConfComputeSettings
            |f, version = sys::nvmlSystemConfComputeSettings_v1| {
            let mut v1 = sys::nvmlSystemConfComputeSettings_t { version, ..Default::default() };
            call!(f(&mut v1)).map(|()| ConfComputeSettings::from_v1(&v1))
        };
    },

    // ---- A newer form of a function under another name (same query, newer shape) ----
    /// `V` takes the versioned `nvmlTemperature_v1_t`; the plain form is deprecated. A driver
    /// that does not implement `V` may still answer the plain form.
    temperature = "nvmlDeviceGetTemperature"
        fn(device: sys::nvmlDevice_t, sensor: sys::nvmlTemperatureSensors_t) -> u32,
        retry (
            NVML_ERROR_ARGUMENT_VERSION_MISMATCH
                | NVML_ERROR_NOT_SUPPORTED
                | NVML_ERROR_FUNCTION_NOT_FOUND
        )
    {
        2 => nvmlDeviceGetTemperatureV |f, version = sys::nvmlTemperature_v1| {
            let mut temp = sys::nvmlTemperature_t { version, sensorType: sensor, temperature: 0 };
            call!(f(device, &mut temp))?;
            celsius(temp.temperature, "temperature")
        };
        1 => nvmlDeviceGetTemperature |f| {
            let mut temp = 0;
            call!(f(device, sensor, &mut temp)).map(|()| temp)
        };
    },
    /// "Throttle" reasons were renamed "event" reasons in NVML 12.2 (driver 535); same bits.
    current_clocks_event_reasons = "nvmlDeviceGetCurrentClocksEventReasons"
        fn(device: sys::nvmlDevice_t) -> c_ulonglong
    {
        2 => nvmlDeviceGetCurrentClocksEventReasons |f| {
            let mut bits = 0;
            call!(f(device, &mut bits)).map(|()| bits)
        };
        1 => nvmlDeviceGetCurrentClocksThrottleReasons |f| {
            let mut bits = 0;
            call!(f(device, &mut bits)).map(|()| bits)
        };
    },
    /// As above, for the reasons the device supports.
    supported_clocks_event_reasons = "nvmlDeviceGetSupportedClocksEventReasons"
        fn(device: sys::nvmlDevice_t) -> c_ulonglong
    {
        2 => nvmlDeviceGetSupportedClocksEventReasons |f| {
            let mut bits = 0;
            call!(f(device, &mut bits)).map(|()| bits)
        };
        1 => nvmlDeviceGetSupportedClocksThrottleReasons |f| {
            let mut bits = 0;
            call!(f(device, &mut bits)).map(|()| bits)
        };
    },
    /// `V` takes the versioned `nvmlGpuInstanceProfileInfo_v3_t` (with the name), or `_v2_t`
    /// (same size; `version` tells them apart).
    gpu_instance_profile_info = "nvmlDeviceGetGpuInstanceProfileInfo"
        fn(device: sys::nvmlDevice_t, profile: c_uint) -> GpuInstanceProfileInfo,
        retry (NVML_ERROR_ARGUMENT_VERSION_MISMATCH)
    {
        2 => nvmlDeviceGetGpuInstanceProfileInfoV
            |f, version = sys::nvmlGpuInstanceProfileInfo_v3| {
                let mut v3 = sys::nvmlGpuInstanceProfileInfo_v3_t { version, ..Default::default() };
                call!(f(device, profile, std::ptr::from_mut(&mut v3).cast()))?;
                GpuInstanceProfileInfo::from_v3(&v3)
            },
            |f, version = sys::nvmlGpuInstanceProfileInfo_v2| {
                let mut v2 = sys::nvmlGpuInstanceProfileInfo_v2_t { version, ..Default::default() };
                call!(f(device, profile, &mut v2))?;
                GpuInstanceProfileInfo::from_v2(&v2)
            };
        1 => nvmlDeviceGetGpuInstanceProfileInfo |f| {
            let mut v1 = sys::nvmlGpuInstanceProfileInfo_t::default();
            call!(f(device, profile, &mut v1)).map(|()| GpuInstanceProfileInfo::from_v1(&v1))
        };
    },
    /// `V` takes the versioned `nvmlComputeInstanceProfileInfo_v3_t` (with the name), or
    /// `_v2_t` (its head; `version` tells them apart). Engines: shared.
    compute_instance_profile_info = "nvmlGpuInstanceGetComputeInstanceProfileInfo"
        fn(instance: sys::nvmlGpuInstance_t, profile: c_uint) -> ComputeInstanceProfileInfo,
        retry (NVML_ERROR_ARGUMENT_VERSION_MISMATCH)
    {
        2 => nvmlGpuInstanceGetComputeInstanceProfileInfoV
            |f, version = sys::nvmlComputeInstanceProfileInfo_v3| {
                let mut v3 =
                    sys::nvmlComputeInstanceProfileInfo_v3_t { version, ..Default::default() };
                let engines = sys::NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED;
                call!(f(instance, profile, engines, std::ptr::from_mut(&mut v3).cast()))?;
                ComputeInstanceProfileInfo::from_v3(&v3)
            },
            |f, version = sys::nvmlComputeInstanceProfileInfo_v2| {
                let mut v2 =
                    sys::nvmlComputeInstanceProfileInfo_v2_t { version, ..Default::default() };
                let engines = sys::NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED;
                call!(f(instance, profile, engines, &mut v2))?;
                ComputeInstanceProfileInfo::from_v2(&v2)
            };
        1 => nvmlGpuInstanceGetComputeInstanceProfileInfo |f| {
            let mut v1 = sys::nvmlComputeInstanceProfileInfo_t::default();
            let engines = sys::NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED;
            call!(f(instance, profile, engines, &mut v1))
                .map(|()| ComputeInstanceProfileInfo::from_v1(&v1))
        };
    },
}

impl Versioned<'_> {
    /// `nvmlDeviceGetFanSpeed` itself, whichever version the `fan_speed` row chose: the
    /// speed of a board's one fan, or the driver's summary of several.
    #[inline]
    pub(crate) fn fan_speed_summary(&self, device: sys::nvmlDevice_t) -> Result<c_uint> {
        let mut speed = 0;
        nvml_call!(self.lib, nvmlDeviceGetFanSpeed(device, &mut speed))?;
        Ok(speed)
    }
}

/// A `nvmlComputeInstanceInfo_t` for the driver to fill (bindgen derives no `Default` for it).
fn empty_compute_instance_info() -> sys::nvmlComputeInstanceInfo_t {
    sys::nvmlComputeInstanceInfo_t {
        device: std::ptr::null_mut(),
        gpuInstance: std::ptr::null_mut(),
        id: 0,
        profileId: 0,
        placement: sys::nvmlComputeInstancePlacement_t { start: 0, size: 0 },
    }
}

/// Whether `lib` exports `name`. The two functions every load asks about are read from their
/// fields; any other name (asked only on early R535 drivers) is looked up in the export list.
fn exports(lib: &NvmlLib, name: &str) -> bool {
    match name {
        "nvmlDeviceGetConfComputeMemSizeInfo" => lib.nvmlDeviceGetConfComputeMemSizeInfo.is_ok(),
        "nvmlDeviceGetRunningProcessDetailList" => {
            lib.nvmlDeviceGetRunningProcessDetailList.is_ok()
        }
        _ => lib
            .function_availability()
            .iter()
            .any(|(n, ok)| *ok && *n == name),
    }
}

impl ChosenVersions {
    /// Drivers on which "the newest version wins" would be wrong, applied once after the
    /// choice; `exports(name)` says whether the library exports a function.
    ///
    /// - Early R535 drivers (those with confidential computing, i.e. exporting
    ///   `nvmlDeviceGetConfComputeMemSizeInfo`, but not yet
    ///   `nvmlDeviceGetRunningProcessDetailList`) fill 32-byte entries, with an extra
    ///   `usedGpuCcProtectedMemory`, from the `_v3` process queries, where the header's
    ///   `nvmlProcessInfo_t` has 24 bytes: reading through `_v3` there would overrun the
    ///   buffer. Their `_v2` has the header's layout and the same fields, so it is used.
    fn apply_quirks(&mut self, exports: impl Fn(&str) -> bool) {
        let early_r535 = exports("nvmlDeviceGetConfComputeMemSizeInfo")
            && !exports("nvmlDeviceGetRunningProcessDetailList");
        if early_r535 {
            let without_v3 = |name: &str| !name.ends_with("_v3") && exports(name);
            if self.compute_processes.number() == 3 {
                self.compute_processes = compute_processes::Version::newest(without_v3);
            }
            if self.graphics_processes.number() == 3 {
                self.graphics_processes = graphics_processes::Version::newest(without_v3);
            }
            if self.mps_processes.number() == 3 {
                self.mps_processes = mps_processes::Version::newest(without_v3);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every multi-version family of the header is in the table, and every symbol the table
    /// names is one the header declares.
    #[test]
    fn the_table_covers_every_multi_version_family_of_the_header() {
        use std::collections::BTreeMap;
        let mut families: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for name in nvml_sys::FUNCTION_NAMES {
            let base = match name.rsplit_once("_v") {
                Some((base, v)) if v.chars().all(|c| c.is_ascii_digit()) => base,
                _ => name,
            };
            families.entry(base).or_default().push(name);
        }
        // `nvmlDeviceGetGpuFabricInfoV` (versioned struct, v2/v3) belongs to the same family.
        families
            .entry("nvmlDeviceGetGpuFabricInfo")
            .or_default()
            .push("nvmlDeviceGetGpuFabricInfoV");

        let table = ChosenVersions::NONE.table();
        let listed: BTreeMap<&str, &[&str]> = table
            .iter()
            .map(|row| (row.family, row.candidates))
            .collect();
        for (family, members) in &families {
            if members.len() < 2 {
                continue;
            }
            if *family == "nvmlEventSetWait" {
                // v3 is its own row (different parameters).
                continue;
            }
            let Some(candidates) = listed.get(family) else {
                panic!("versioned family {family} ({members:?}) is missing from the table");
            };
            for member in members {
                assert!(
                    candidates.contains(member),
                    "{member} missing from row {family}"
                );
            }
        }
        for row in &table {
            for sym in row.candidates {
                assert!(
                    nvml_sys::FUNCTION_NAMES.contains(sym),
                    "{sym} is not in nvml.h"
                );
            }
        }
    }

    #[test]
    fn the_table_as_data_lists_each_row_with_its_struct_versions_in_call_order() {
        let table = ChosenVersions::NONE.table();
        assert_eq!(VERSIONED_FAMILIES.len(), table.len());
        for (row, choice) in VERSIONED_FAMILIES.iter().zip(&table) {
            assert_eq!(
                (row.family, row.symbols),
                (choice.family, choice.candidates)
            );
            for StructVersion { symbol, .. } in row.struct_versions {
                assert!(
                    row.symbols.contains(symbol),
                    "{symbol} not in {}",
                    row.family
                );
            }
        }
        let row = |family: &str| {
            VERSIONED_FAMILIES
                .iter()
                .find(|r| r.family == family)
                .expect("a row")
        };
        let memory = row("nvmlDeviceGetMemoryInfo");
        assert_eq!(
            memory.struct_versions,
            [StructVersion {
                symbol: "nvmlDeviceGetMemoryInfo_v2",
                constant: "nvmlMemory_v2",
                value: sys::nvmlMemory_v2
            }]
        );
        assert_eq!(
            memory.falls_back_on,
            [
                sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
                sys::NVML_ERROR_FUNCTION_NOT_FOUND
            ]
        );
        let nvlink = row("nvmlDeviceGetNvLinkInfo");
        assert_eq!(nvlink.row, "nvlink_info");
        assert_eq!(
            nvlink
                .struct_versions
                .iter()
                .map(|v| (v.symbol, v.constant, v.value))
                .collect::<Vec<_>>(),
            [
                (
                    "nvmlDeviceGetNvLinkInfo",
                    "nvmlNvLinkInfo_v2",
                    sys::nvmlNvLinkInfo_v2
                ),
                (
                    "nvmlDeviceGetNvLinkInfo",
                    "nvmlNvLinkInfo_v1",
                    sys::nvmlNvLinkInfo_v1
                )
            ]
        );
        let pci = row("nvmlDeviceGetPciInfo");
        assert!(pci.struct_versions.is_empty() && pci.falls_back_on.is_empty());
    }

    #[test]
    fn nothing_exported_means_no_symbol_chosen() {
        let table = ChosenVersions::NONE.table();
        assert!(
            table
                .iter()
                .all(|row| row.symbol.is_none() && row.version == 0)
        );
        let init = table
            .iter()
            .find(|r| r.family == "nvmlInit")
            .expect("nvmlInit row");
        assert_eq!(init.candidates, ["nvmlInit_v2", "nvmlInit"]);
    }

    #[test]
    fn early_r535_drivers_read_processes_through_v2() {
        let all = |_: &str| true;
        let newest = ChosenVersions {
            compute_processes: compute_processes::Version::nvmlDeviceGetComputeRunningProcesses_v3,
            graphics_processes:
                graphics_processes::Version::nvmlDeviceGetGraphicsRunningProcesses_v3,
            mps_processes: mps_processes::Version::nvmlDeviceGetMPSComputeRunningProcesses_v3,
            ..ChosenVersions::NONE
        };
        // A current driver (with the process detail list): `_v3` stays.
        let mut current = newest;
        current.apply_quirks(all);
        assert_eq!(current, newest);
        // An early R535 driver: `_v2`.
        let mut early = newest;
        early.apply_quirks(|name| name != "nvmlDeviceGetRunningProcessDetailList");
        assert_eq!(
            (
                early.compute_processes.number(),
                early.graphics_processes.number(),
                early.mps_processes.number()
            ),
            (2, 2, 2)
        );
        // Drivers before confidential computing (R470, R510, ...): unchanged.
        let mut older = newest;
        older.apply_quirks(|name| !name.starts_with("nvmlDeviceGetConfCompute"));
        assert_eq!(older, newest);
    }
}
