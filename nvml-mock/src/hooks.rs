//! The C ABI of the mock's control hooks, declared once: for each `nvml_mock_*` function the
//! library exports, its symbol and its C signature.
//!
//! The library's exports are checked against these declarations at compile time, and
//! [`Staged`](crate::Staged) calls the hooks through them, so the two cannot drift apart. A
//! program in another language declares the same signatures (the README lists them).

use std::ffi::{c_char, c_int, c_uint, c_ulonglong};
use std::marker::PhantomData;

use nvml_sys::nvmlReturn_t;

/// One control hook: the name of the symbol the library exports and its C signature `F` (an
/// `unsafe extern "C" fn` pointer type).
#[derive(Debug)]
pub struct Hook<F> {
    name: &'static str,
    signature: PhantomData<F>,
}

impl<F> Clone for Hook<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for Hook<F> {}

impl<F> Hook<F> {
    const fn new(name: &'static str) -> Hook<F> {
        Hook {
            name,
            signature: PhantomData,
        }
    }

    /// The exported symbol's name, e.g. `"nvml_mock_set_fault"`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The hook's function in `library`, with its declared signature.
    ///
    /// # Safety
    /// `library` is the mock (a copy staged by [`Staged`](crate::Staged), or the built
    /// `libnvml_mock.so`), whose exports have the declared signatures; another library may
    /// export the same name with another signature.
    pub unsafe fn get<'lib>(
        &self,
        library: &'lib libloading::Library,
    ) -> Result<libloading::Symbol<'lib, F>, crate::HookError> {
        // SAFETY: the caller's contract: `library` is the mock, whose export of this name has
        // the signature `F` (checked at compile time against the declarations here).
        unsafe { library.get::<F>(self.name.as_bytes()) }
            .map_err(|_| crate::HookError::new(self.name, nvml_sys::NVML_ERROR_FUNCTION_NOT_FOUND))
    }

    /// Compiles only when `export` has the signature `F`: the library's exports call it on
    /// themselves.
    pub(crate) const fn check(&self, export: F)
    where
        F: Copy,
    {
        let _ = export;
    }
}

macro_rules! hooks {
    ($( $(#[doc = $doc:literal])* $konst:ident = $symbol:ident: $signature:ty; )*) => {
        $(
            $(#[doc = $doc])*
            #[doc = ""]
            #[doc = concat!("Symbol `", stringify!($symbol), "`.")]
            pub const $konst: Hook<$signature> = Hook::new(stringify!($symbol));
        )*

        /// The names of every control hook, in the order of this module.
        pub const NAMES: &[&str] = &[$(stringify!($symbol)),*];
    };
}

hooks! {
    /// Chooses the profile (a built-in name or a file path; null clears the choice) the next
    /// `nvmlInit` loads, overriding `NVML_MOCK_PROFILE`. `NVML_ERROR_IN_USE` while initialised.
    SET_PROFILE = nvml_mock_set_profile: unsafe extern "C" fn(*const c_char) -> nvmlReturn_t;
    /// Makes an NVML function (by name) return a code from now on; `NVML_SUCCESS` clears it.
    /// `NVML_ERROR_NOT_FOUND` for a name the header lacks.
    SET_FAULT = nvml_mock_set_fault:
        unsafe extern "C" fn(*const c_char, nvmlReturn_t) -> nvmlReturn_t;
    /// Clears every fault.
    CLEAR_FAULTS = nvml_mock_clear_faults: unsafe extern "C" fn() -> nvmlReturn_t;
    /// Sets the hostile-data modes: a mask of the `HOSTILE_*` bits, 0 for none.
    SET_HOSTILE = nvml_mock_set_hostile: unsafe extern "C" fn(c_uint) -> nvmlReturn_t;
    /// Treats the caller as root (1) or not (0), whatever the profile says; negative: the
    /// profile's setting again.
    SET_ROOT = nvml_mock_set_root: unsafe extern "C" fn(c_int) -> nvmlReturn_t;
    /// Injects an event: GPU index, one `nvmlEventType*` bit, its data (the XID, ...).
    INJECT_EVENT = nvml_mock_inject_event:
        unsafe extern "C" fn(c_uint, c_ulonglong, c_ulonglong) -> nvmlReturn_t;
    /// Injects a system event: GPU index, `nvmlSystemEventTypeGpuDriverUnbind` (1) or
    /// `..Bind` (2).
    INJECT_SYSTEM_EVENT = nvml_mock_inject_system_event:
        unsafe extern "C" fn(c_uint, c_ulonglong) -> nvmlReturn_t;
    /// Overrides the driver version, the NVML version (null: unchanged) and the CUDA driver
    /// version (negative: unchanged).
    SET_SYSTEM_VERSIONS = nvml_mock_set_system_versions:
        unsafe extern "C" fn(*const c_char, *const c_char, c_int) -> nvmlReturn_t;
    /// The outstanding `nvmlInit` references (0: not initialised).
    INIT_REFCOUNT = nvml_mock_init_refcount: unsafe extern "C" fn() -> c_uint;
    /// The panics caught at the C boundary so far (each answered `NVML_ERROR_UNKNOWN`).
    CAUGHT_PANICS = nvml_mock_caught_panics: unsafe extern "C" fn() -> c_uint;
    /// The built-in profile names, comma-separated: a static NUL-terminated string.
    BUILTIN_PROFILES = nvml_mock_builtin_profiles: unsafe extern "C" fn() -> *const c_char;
    /// The functions that have answered `NVML_SUCCESS` from the model, one a line, into a
    /// buffer of the given length; `NVML_ERROR_INSUFFICIENT_SIZE` when they do not fit.
    ANSWERED = nvml_mock_answered: unsafe extern "C" fn(*mut c_char, c_uint) -> nvmlReturn_t;
    /// Turns the dynamic mode on (nonzero, with a noise seed) or off (0).
    SET_DYNAMIC = nvml_mock_set_dynamic: unsafe extern "C" fn(c_int, c_ulonglong) -> nvmlReturn_t;
    /// Stops the machine's clock (nonzero) or lets it run in real time again (0).
    SET_VIRTUAL_CLOCK = nvml_mock_set_virtual_clock: unsafe extern "C" fn(c_int) -> nvmlReturn_t;
    /// Moves the virtual clock forward by so many microseconds.
    ADVANCE_CLOCK = nvml_mock_advance_clock: unsafe extern "C" fn(c_ulonglong) -> nvmlReturn_t;
    /// Starts a compute process: GPU index, pid, name, load in percent, memory in MiB.
    START_PROCESS = nvml_mock_start_process:
        unsafe extern "C" fn(c_uint, c_uint, *const c_char, c_uint, c_ulonglong) -> nvmlReturn_t;
    /// Stops a process: GPU index, pid.
    STOP_PROCESS = nvml_mock_stop_process: unsafe extern "C" fn(c_uint, c_uint) -> nvmlReturn_t;
    /// Forces clocks event reasons on a GPU (a mask; 0 clears them).
    SET_THROTTLE = nvml_mock_set_throttle:
        unsafe extern "C" fn(c_uint, c_ulonglong) -> nvmlReturn_t;
}

/// [`SET_HOSTILE`] bit: array getters report a count larger than the caller's buffer.
pub const HOSTILE_OVERSIZED_COUNTS: c_uint = 1;
/// [`SET_HOSTILE`] bit: string getters fill the whole buffer without a NUL.
pub const HOSTILE_UNTERMINATED_STRINGS: c_uint = 2;
/// [`SET_HOSTILE`] bit: enum getters return values newer than the header.
pub const HOSTILE_FUTURE_ENUMS: c_uint = 4;
