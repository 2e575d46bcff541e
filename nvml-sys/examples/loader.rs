//! Loads an NVML library with the raw bindings and reports what it offers.
//!
//! ```sh
//! cargo run -p nvml-sys --example loader                 # libnvidia-ml.so.1 from the system
//! cargo run -p nvml-sys --example loader -- /path/to/libnvidia-ml.so.1
//! ```
//!
//! It prints how many of the header's functions the library exports, which version of a few
//! versioned families it has, and, if `nvmlInit_v2` succeeds, each GPU's name and UUID.

use std::ffi::{CStr, c_char, c_uint};
use std::process::ExitCode;

use nvml_sys::{NVML_SUCCESS, NvmlLib, nvmlDevice_t, nvmlReturn_t};

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "libnvidia-ml.so.1".to_owned());
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str) -> Result<(), String> {
    // SAFETY: loading an NVML library runs its initialisers, nothing more.
    let lib = unsafe { NvmlLib::new(path) }.map_err(|e| format!("cannot load {path}: {e}"))?;
    let table = lib.function_availability();
    let exported = table.iter().filter(|(_, ok)| *ok).count();
    println!(
        "{path}: exports {exported} of the {} functions in nvml.h",
        table.len()
    );

    for family in [
        "nvmlInit",
        "nvmlDeviceGetPciInfo",
        "nvmlDeviceGetComputeRunningProcesses",
        "nvmlDeviceGetMemoryInfo",
        "nvmlEventSetWait",
    ] {
        let newest = table
            .iter()
            .filter(|(name, ok)| *ok && is_version_of(name, family))
            .map(|(name, _)| *name)
            .max_by_key(|name| version_of(name));
        println!(
            "  {family:<40} newest exported: {}",
            newest.unwrap_or("none")
        );
    }

    let init = lib
        .nvmlInit_v2
        .as_ref()
        .map_err(|e| format!("nvmlInit_v2: {e}"))?;
    // SAFETY: nvmlInit_v2 takes no arguments.
    let rc = unsafe { init() };
    if rc != NVML_SUCCESS {
        return Err(format!("nvmlInit_v2 failed: {}", error_string(&lib, rc)));
    }
    let result = list_devices(&lib);
    if let Ok(shutdown) = lib.nvmlShutdown.as_ref() {
        // SAFETY: NVML was initialised above.
        unsafe { shutdown() };
    }
    result
}

fn list_devices(lib: &NvmlLib) -> Result<(), String> {
    let count_fn = lib
        .nvmlDeviceGetCount_v2
        .as_ref()
        .map_err(|e| e.to_string())?;
    let by_index = lib
        .nvmlDeviceGetHandleByIndex_v2
        .as_ref()
        .map_err(|e| e.to_string())?;
    let name_fn = lib.nvmlDeviceGetName.as_ref().map_err(|e| e.to_string())?;
    let uuid_fn = lib.nvmlDeviceGetUUID.as_ref().map_err(|e| e.to_string())?;
    let mut count: c_uint = 0;
    // SAFETY: `count` is a valid out-pointer.
    check(lib, unsafe { count_fn(&mut count) })?;
    println!("{count} GPU(s)");
    for i in 0..count {
        let mut dev: nvmlDevice_t = std::ptr::null_mut();
        // SAFETY: `dev` is a valid out-pointer; `i` is below the reported count.
        check(lib, unsafe { by_index(i, &mut dev) })?;
        let mut name = [0 as c_char; 96];
        let mut uuid = [0 as c_char; 96];
        // SAFETY: the buffers are as long as the length passed.
        check(lib, unsafe {
            name_fn(dev, name.as_mut_ptr(), name.len() as c_uint)
        })?;
        // SAFETY: as above.
        check(lib, unsafe {
            uuid_fn(dev, uuid.as_mut_ptr(), uuid.len() as c_uint)
        })?;
        println!("  GPU {i}: {} ({})", c_str(&name), c_str(&uuid));
    }
    Ok(())
}

fn is_version_of(name: &str, family: &str) -> bool {
    name == family
        || name
            .strip_prefix(family)
            .is_some_and(|v| v.starts_with("_v"))
}

fn version_of(name: &str) -> u32 {
    name.rsplit_once("_v")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(1)
}

/// Reads a C string from a buffer, stopping at the first NUL or the buffer's end.
fn c_str(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf
        .iter()
        .take_while(|c| **c != 0)
        .map(|c| *c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check(lib: &NvmlLib, rc: nvmlReturn_t) -> Result<(), String> {
    if rc == NVML_SUCCESS {
        Ok(())
    } else {
        Err(error_string(lib, rc))
    }
}

fn error_string(lib: &NvmlLib, rc: nvmlReturn_t) -> String {
    let text = lib.nvmlErrorString.as_ref().ok().and_then(|f| {
        // SAFETY: nvmlErrorString returns a static string or NULL.
        let p = unsafe { f(rc) };
        // SAFETY: a non-null result is a NUL-terminated static string.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    });
    format!(
        "{} (NVML error {rc})",
        text.unwrap_or_else(|| "unknown error".to_owned())
    )
}
