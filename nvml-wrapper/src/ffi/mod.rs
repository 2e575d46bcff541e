//! The thin call layer: the only place that calls into NVML.
//!
//! Every wrapper method goes through [`nvml_call!`], which reaches the loaded
//! [`NvmlLib`](nvml_sys::NvmlLib) through [`HasLib::lib`], resolves the function field (or
//! returns [`NvmlError::MissingSymbol`]), makes the call, and turns the return code into a
//! `Result`. Then a few helpers cover the shapes NVML's API comes in: strings
//! ([`strings`]), "ask for the count, then the data" lists ([`lists`]) and variable-size
//! byte blobs ([`blob`]).

pub(crate) mod blob;
pub(crate) mod lists;
pub(crate) mod strings;

pub(crate) use blob::read_blob;
pub(crate) use lists::{
    LIST_MAX, believable_count, read_fixed_list, read_list, read_list_as, unwritten, written,
};
pub(crate) use strings::{
    c_string, copy_c_string, lossy_string, read_string, string_at, string_from_c_buf,
};

use crate::error::{NvmlError, Result};

/// Calls an NVML function of the loaded library and checks its return code.
///
/// `nvml_call!(nvml, nvmlDeviceGetTemperature(handle, sensor, &mut out))` expands to a lookup
/// of the `nvmlDeviceGetTemperature` field (a missing symbol is
/// `Err(NvmlError::MissingSymbol("nvmlDeviceGetTemperature"))`), one indirect call, and
/// [`check`](crate::error::check) on the result, which names the function in any error
/// (`Err(NvmlError::NotSupported("nvmlDeviceGetTemperature"))`). Callers that treat some codes
/// as steps rather than failures match on them, e.g. `Err(NvmlError::InsufficientSize(_))`.
///
/// Contract for callers (what makes the `unsafe` inside sound): every argument is a handle
/// obtained from this same library and still alive (guaranteed by the lifetimes of `Device`
/// and friends), a plain value, a `&mut` to a live local, or a pointer to a buffer passed
/// together with its true length in elements.
///
/// A symbol of a versioned family is called as `nvml_call!(nvml, family::symbol(...))`
/// (`family` is its row in [`versions`](crate::versions)): that form does not compile for a
/// symbol the row does not list, and `cargo xtask coverage --check` rejects the plain form
/// for versioned symbols.
macro_rules! nvml_call {
    ($nvml:expr, $family:ident :: $func:ident ( $($arg:expr),* $(,)? )) => {{
        const _: $crate::versions::$family::Version = $crate::versions::$family::Version::$func;
        $crate::ffi::nvml_call!($nvml, $func($($arg),*))
    }};
    ($nvml:expr, $func:ident ( $($arg:expr),* $(,)? )) => {{
        let f = $crate::ffi::symbol(
            $crate::ffi::HasLib::lib(&$nvml).$func.as_ref(),
            stringify!($func),
        )?;
        // SAFETY: `f` was resolved from the loaded NVML library under the name the header
        // declares, so it has the bindings' signature; the arguments follow the macro's
        // contract (live handles, values, `&mut` locals, buffers with their lengths).
        $crate::error::check(unsafe { f($($arg),*) }, stringify!($func))
    }};
}
pub(crate) use nvml_call;

/// The one way from what a call is made on to the loaded library: [`nvml_call!`] calls
/// `HasLib::lib` by path, so no inherent method of the same name is ever picked instead.
///
/// The chain is [`Nvml`](crate::Nvml) -> [`NvmlLibrary`](crate::NvmlLibrary) -> the loader,
/// plus references to any of them; a handle's library is its `N: NvmlRef`, which is `Nvml`
/// or `&Nvml`. The public `Nvml::lib` and `NvmlLibrary::lib` are this same path.
// `pub` in a private module: a supertrait of the sealed `NvmlRef`, nameable only here.
pub trait HasLib {
    /// The loaded library.
    fn lib(&self) -> &nvml_sys::NvmlLib;
}

impl HasLib for nvml_sys::NvmlLib {
    #[inline(always)]
    fn lib(&self) -> &nvml_sys::NvmlLib {
        self
    }
}

impl<T: HasLib + ?Sized> HasLib for &T {
    #[inline(always)]
    fn lib(&self) -> &nvml_sys::NvmlLib {
        T::lib(self)
    }
}

/// The function behind a loader field, or `MissingSymbol(name)` if the library lacks it.
#[inline(always)]
pub(crate) fn symbol<F: Copy>(
    field: std::result::Result<&F, &libloading::Error>,
    name: &'static str,
) -> Result<F> {
    match field {
        Ok(f) => Ok(*f),
        Err(_) => Err(NvmlError::MissingSymbol(name)),
    }
}

/// `Ok` if `a` and `b` are one loaded library, so that a handle from one is valid in the other:
/// two [`Nvml`](crate::Nvml)s of the same file share it (the loader maps a file once), while
/// another file (another copy, another driver) is another library. Compared by the address of
/// the init function, which every NVML library exports (else it fails to load).
pub(crate) fn same_library(a: &nvml_sys::NvmlLib, b: &nvml_sys::NvmlLib) -> Result<()> {
    fn identity(lib: &nvml_sys::NvmlLib) -> Option<usize> {
        let init = |f: &unsafe extern "C" fn() -> nvml_sys::nvmlReturn_t| *f as usize;
        (lib.nvmlInit_v2.as_ref().ok().map(init))
            .or_else(|| lib.nvmlInit.as_ref().ok().map(init))
            .or_else(|| lib.nvmlInitWithFlags.as_ref().ok().map(|f| *f as usize))
    }
    if std::ptr::eq(a, b) || (identity(a).is_some() && identity(a) == identity(b)) {
        Ok(())
    } else {
        Err(NvmlError::InvalidInput(
            "the handles come from different NVML libraries",
        ))
    }
}
