//! The mock's own control hooks (`nvml_mock_*`), for tests. Documented in the README.

use std::ffi::{CString, c_char, c_int, c_uint, c_ulonglong};

use nvml_sys::*;

use crate::dispatch::{GLOBAL, Inner, apply_versions, guard, lock};
use crate::hooks;
use crate::machine::Event;
use crate::marshal::arg_str;

/// Runs a control hook's body on the state, inside [`guard`].
pub(super) fn with_inner(f: impl FnOnce(&mut Inner) -> nvmlReturn_t) -> nvmlReturn_t {
    guard("a control hook (nvml_mock_*)", || f(&mut lock()))
}

/// Chooses the profile (built-in name or file path) the next `nvmlInit` loads, overriding
/// `NVML_MOCK_PROFILE`. Null clears the override. `NVML_ERROR_IN_USE` while initialised.
///
/// # Safety
/// `name_or_path` is null or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nvml_mock_set_profile(name_or_path: *const c_char) -> nvmlReturn_t {
    with_inner(|g| {
        if g.refcount > 0 {
            return NVML_ERROR_IN_USE;
        }
        if name_or_path.is_null() {
            g.profile_override = None;
            return NVML_SUCCESS;
        }
        match arg_str(name_or_path) {
            Ok(s) => {
                g.profile_override = Some(s.to_string());
                NVML_SUCCESS
            }
            Err(e) => e,
        }
    })
}

/// Makes the exported function `function` (e.g. `"nvmlDeviceGetPowerUsage"`) return `result`
/// from now on, before any other check (works before init too). `NVML_SUCCESS` as result
/// clears the fault for that function.
///
/// # Safety
/// `function` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nvml_mock_set_fault(
    function: *const c_char,
    result: nvmlReturn_t,
) -> nvmlReturn_t {
    with_inner(|g| {
        let name = match arg_str(function) {
            Ok(s) => s.to_string(),
            Err(e) => return e,
        };
        if !nvml_sys::FUNCTION_NAMES.contains(&name.as_str()) {
            return NVML_ERROR_NOT_FOUND;
        }
        g.faults.retain(|(n, _)| *n != name);
        if result != NVML_SUCCESS {
            g.faults.push((name, result));
        }
        NVML_SUCCESS
    })
}

/// Clears every fault set with `nvml_mock_set_fault`.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_clear_faults() -> nvmlReturn_t {
    with_inner(|g| {
        g.faults.clear();
        NVML_SUCCESS
    })
}

/// Sets the hostile-data modes (a bit mask of `hooks::HOSTILE_*`; 0 turns them off).
/// Unknown bits: `NVML_ERROR_INVALID_ARGUMENT`.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_set_hostile(mask: c_uint) -> nvmlReturn_t {
    with_inner(|g| {
        let known = hooks::HOSTILE_OVERSIZED_COUNTS
            | hooks::HOSTILE_UNTERMINATED_STRINGS
            | hooks::HOSTILE_FUTURE_ENUMS;
        if mask & !known != 0 {
            return NVML_ERROR_INVALID_ARGUMENT;
        }
        g.hostile.oversized_counts = mask & hooks::HOSTILE_OVERSIZED_COUNTS != 0;
        g.hostile.unterminated_strings = mask & hooks::HOSTILE_UNTERMINATED_STRINGS != 0;
        g.hostile.future_enums = mask & hooks::HOSTILE_FUTURE_ENUMS != 0;
        NVML_SUCCESS
    })
}

/// Treats the caller as root (`is_root != 0`) or not, overriding the profile's `root`.
/// A negative value restores the profile's setting.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_set_root(is_root: c_int) -> nvmlReturn_t {
    with_inner(|g| {
        g.root_override = if is_root < 0 {
            None
        } else {
            Some(is_root != 0)
        };
        NVML_SUCCESS
    })
}

/// Injects an event on GPU `device_index`: `event_type` is one `nvmlEventType*` bit
/// (`nvmlEventTypeXidCriticalError` = 8, ...), `data` the XID or other event data. Every event
/// set registered for that type on that GPU receives it, and waiting threads wake up.
/// `NVML_ERROR_UNINITIALIZED` before init, `NVML_ERROR_INVALID_ARGUMENT` for a bad index.
/// Returns `NVML_SUCCESS` even when no set is registered (the event is then dropped, like a
/// real driver's).
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_inject_event(
    device_index: c_uint,
    event_type: c_ulonglong,
    data: c_ulonglong,
) -> nvmlReturn_t {
    with_inner(|g| {
        let Some(m) = g.machine.as_mut() else {
            return NVML_ERROR_UNINITIALIZED;
        };
        let gpu = device_index as usize;
        if gpu >= m.gpus.len() || event_type == 0 {
            return NVML_ERROR_INVALID_ARGUMENT;
        }
        let timestamp_us = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        let ev = Event {
            gpu,
            event_type,
            data,
            timestamp_us,
        };
        for set in m.event_sets.iter_mut().flatten() {
            if set
                .registrations
                .iter()
                .any(|(g, mask)| *g == gpu && mask & event_type != 0)
            {
                set.queue.push_back(ev);
            }
        }
        GLOBAL.events.notify_all();
        NVML_SUCCESS
    })
}

/// Injects a system event: the driver unbinding from (`event_type` =
/// `nvmlSystemEventTypeGpuDriverUnbind`, 1) or binding to (`nvmlSystemEventTypeGpuDriverBind`,
/// 2) GPU `device_index`. Every system event set registered for that type receives it, with
/// the GPU's id in PCI format (domain << 16 | bus << 8 | device << 3), and waiting threads
/// wake up. `NVML_ERROR_UNINITIALIZED` before init, `NVML_ERROR_INVALID_ARGUMENT` for a bad
/// index or a type other than one of those bits. `NVML_SUCCESS` even when no set listens.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_inject_system_event(
    device_index: c_uint,
    event_type: c_ulonglong,
) -> nvmlReturn_t {
    with_inner(|g| {
        let Some(m) = g.machine.as_mut() else {
            return NVML_ERROR_UNINITIALIZED;
        };
        let Some(gpu) = m.gpus.get(device_index as usize) else {
            return NVML_ERROR_INVALID_ARGUMENT;
        };
        if event_type == 0 || event_type & !super::system_events::SYSTEM_EVENT_TYPES != 0 {
            return NVML_ERROR_INVALID_ARGUMENT;
        }
        let id = super::system_events::pci_gpu_id(gpu.spec());
        for set in m.system_event_sets.iter_mut().flatten() {
            for bit in [1u64, 2] {
                if event_type & bit != 0 && set.mask & bit != 0 {
                    set.queue.push_back((bit, id));
                }
            }
        }
        GLOBAL.events.notify_all();
        NVML_SUCCESS
    })
}

/// Overrides the system versions the profile reports: `driver_version`
/// (`nvmlSystemGetDriverVersion`), `nvml_version` (`nvmlSystemGetNVMLVersion`) and
/// `cuda_driver_version` (`nvmlSystemGetCudaDriverVersion`, e.g. 11040). A null string or a
/// negative number leaves that value unchanged. Applies at once and to later inits.
///
/// # Safety
/// The strings are null or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nvml_mock_set_system_versions(
    driver_version: *const c_char,
    nvml_version: *const c_char,
    cuda_driver_version: c_int,
) -> nvmlReturn_t {
    with_inner(|g| {
        let text = |p: *const c_char| -> Result<Option<String>, nvmlReturn_t> {
            if p.is_null() {
                Ok(None)
            } else {
                arg_str(p).map(|s| Some(s.to_string()))
            }
        };
        let (d, n) = match (text(driver_version), text(nvml_version)) {
            (Ok(d), Ok(n)) => (d, n),
            (Err(e), _) | (_, Err(e)) => return e,
        };
        let too_long = |s: &Option<String>| s.as_ref().is_some_and(|s| s.len() >= 80);
        if too_long(&d) || too_long(&n) {
            return NVML_ERROR_INVALID_ARGUMENT;
        }
        let c = (cuda_driver_version >= 0).then_some(cuda_driver_version);
        let old = std::mem::take(&mut g.versions_override);
        g.versions_override = (d.or(old.0), n.or(old.1), c.or(old.2));
        let v = g.versions_override.clone();
        if let Some(m) = g.machine.as_mut() {
            apply_versions(&v, &mut m.profile);
        }
        if let Some((_, m)) = g.parked.as_mut() {
            apply_versions(&v, &mut m.profile);
        }
        NVML_SUCCESS
    })
}

/// The number of outstanding `nvmlInit` references (0: not initialised). For tests.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_init_refcount() -> c_uint {
    let mut refcount = 0;
    guard("nvml_mock_init_refcount", || {
        refcount = lock().refcount;
        NVML_SUCCESS
    });
    refcount
}

/// The number of panics caught at the C boundary in this copy of the library (each answered
/// `NVML_ERROR_UNKNOWN`). For tests: a correct mock keeps it at 0 whatever the profile.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_caught_panics() -> c_uint {
    let mut caught = 0;
    guard("nvml_mock_caught_panics", || {
        caught = lock().panics.0;
        NVML_SUCCESS
    });
    caught
}

/// The built-in profile names, comma-separated, as a static NUL-terminated string (for
/// scripts that run a client on every built-in profile). Never null; valid for the life of
/// the library.
#[unsafe(no_mangle)]
pub extern "C" fn nvml_mock_builtin_profiles() -> *const c_char {
    builtin_names().as_ptr()
}

/// The text `nvml_mock_builtin_profiles` answers, built once.
pub(super) fn builtin_names() -> &'static CString {
    static NAMES: std::sync::OnceLock<CString> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        CString::new(crate::profile::BUILTIN_PROFILES.join(",")).unwrap_or_default()
    })
}

/// The names of the functions that have answered `NVML_SUCCESS` from the model in this copy
/// of the library, one per line, into `buf` of `len` bytes (NUL-terminated);
/// `NVML_ERROR_INSUFFICIENT_SIZE` when they do not fit.
///
/// # Safety
/// `buf` is null or valid for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn nvml_mock_answered(buf: *mut c_char, len: c_uint) -> nvmlReturn_t {
    with_inner(|g| {
        let names: Vec<&str> = g.answered.names().into_iter().collect();
        match crate::marshal::put_str(buf, len, &names.join("\n"), Default::default()) {
            Ok(()) => NVML_SUCCESS,
            Err(e) => e,
        }
    })
}

// The exports above have the signatures `crate::hooks` declares.
const _: () = {
    hooks::SET_PROFILE.check(nvml_mock_set_profile);
    hooks::SET_FAULT.check(nvml_mock_set_fault);
    hooks::CLEAR_FAULTS.check(nvml_mock_clear_faults);
    hooks::SET_HOSTILE.check(nvml_mock_set_hostile);
    hooks::SET_ROOT.check(nvml_mock_set_root);
    hooks::INJECT_EVENT.check(nvml_mock_inject_event);
    hooks::INJECT_SYSTEM_EVENT.check(nvml_mock_inject_system_event);
    hooks::SET_SYSTEM_VERSIONS.check(nvml_mock_set_system_versions);
    hooks::INIT_REFCOUNT.check(nvml_mock_init_refcount);
    hooks::CAUGHT_PANICS.check(nvml_mock_caught_panics);
    hooks::BUILTIN_PROFILES.check(nvml_mock_builtin_profiles);
    hooks::ANSWERED.check(nvml_mock_answered);
};
