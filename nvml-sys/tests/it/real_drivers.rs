//! Loads NVIDIA's real driver libraries (Debian's `libnvidia-ml1` 535.x and
//! `libnvidia-tesla-470-ml1` 470.x). No GPU is needed to load them: this shows which symbols a
//! real driver exports, and that initialising without a kernel driver fails cleanly.
//!
//! The libraries are found as `tests/it/support/drivers.rs` says. Where they are absent the tests
//! say so loudly and pass, except under `CI=true`, where absence is a failure.

use nvml_sys::{NVML_ERROR_DRIVER_NOT_LOADED, NVML_SUCCESS, NvmlLib};

/// The driver library of one branch, loaded, or `None` where it is absent.
fn driver(branch: &str) -> Option<NvmlLib> {
    let path = crate::support::drivers::driver_library(branch)?;
    // SAFETY: this is NVIDIA's own NVML library; loading it only runs its initialisers.
    let lib = unsafe { NvmlLib::new(&path) };
    Some(lib.unwrap_or_else(|e| panic!("NvmlLib::new({}) failed: {e}", path.display())))
}

fn assert_everyday_functions_resolve(lib: &NvmlLib) {
    macro_rules! check {
        ($($name:ident),* $(,)?) => {
            let missing: Vec<&str> =
                [$((stringify!($name), lib.$name.is_ok())),*]
                    .into_iter()
                    .filter(|(_, ok)| !ok)
                    .map(|(name, _)| name)
                    .collect();
            assert!(missing.is_empty(), "not resolved: {missing:?}");
        };
    }
    check!(
        nvmlInit,
        nvmlInit_v2,
        nvmlShutdown,
        nvmlErrorString,
        nvmlDeviceGetCount_v2,
        nvmlDeviceGetHandleByIndex_v2,
        nvmlDeviceGetName,
        nvmlDeviceGetUUID,
        nvmlDeviceGetMemoryInfo,
        nvmlDeviceGetPciInfo_v3,
        nvmlEventSetWait_v2,
        nvmlSystemGetDriverVersion,
    );
}

/// `nvmlInit_v2` without a kernel driver returns NVML_ERROR_DRIVER_NOT_LOADED.
fn init_fails_with_driver_not_loaded(lib: &NvmlLib) {
    let init = lib
        .nvmlInit_v2
        .as_ref()
        .expect("every driver exports nvmlInit_v2");
    // SAFETY: nvmlInit_v2 takes no arguments; without /dev/nvidiactl it returns an error code.
    let rc = unsafe { init() };
    if rc == NVML_SUCCESS {
        // A machine with a real GPU: balance the init.
        let shutdown = lib.nvmlShutdown.as_ref().expect("nvmlShutdown exists");
        // SAFETY: NVML was initialised just above.
        unsafe { shutdown() };
        eprintln!("NOTE: nvmlInit_v2 succeeded: this machine has an NVIDIA driver");
        return;
    }
    assert_eq!(
        rc, NVML_ERROR_DRIVER_NOT_LOADED,
        "nvmlInit_v2 returned {rc}, expected 9"
    );
}

#[test]
fn driver_535_loads_and_has_the_v3_process_query() {
    let Some(lib) = driver("535") else { return };
    assert_everyday_functions_resolve(&lib);
    assert!(lib.nvmlDeviceGetComputeRunningProcesses_v3.is_ok());
    assert!(lib.nvmlDeviceGetComputeRunningProcesses_v2.is_ok());
    assert!(lib.nvmlDeviceGetComputeRunningProcesses.is_ok());
    assert!(lib.nvmlDeviceGetMemoryInfo_v2.is_ok());
    // 535 predates NVML 13's newest calls.
    assert!(
        lib.nvmlDeviceGetPdi.is_err(),
        "535 should not have NVML 13's nvmlDeviceGetPdi"
    );
    init_fails_with_driver_not_loaded(&lib);
}

#[test]
fn driver_550_loads_and_has_what_535_lacks() {
    let Some(lib) = driver("550") else { return };
    assert_everyday_functions_resolve(&lib);
    assert!(lib.nvmlDeviceGetComputeRunningProcesses_v3.is_ok());
    assert!(lib.nvmlDeviceGetMemoryInfo_v2.is_ok());
    // New in the 550 branch (Debian's 535 lacks them).
    assert!(lib.nvmlDeviceGetGpuFabricInfoV.is_ok());
    assert!(lib.nvmlDeviceGetProcessesUtilizationInfo.is_ok());
    assert!(lib.nvmlDeviceGetNumaNodeId.is_ok());
    // Still older than NVML 13 (580) and than the `V` temperature query.
    assert!(lib.nvmlDeviceGetPdi.is_err());
    assert!(lib.nvmlDeviceGetTemperatureV.is_err());
    init_fails_with_driver_not_loaded(&lib);
}

#[test]
fn driver_470_loads_but_lacks_the_v3_process_query() {
    let Some(lib) = driver("470") else { return };
    assert_everyday_functions_resolve(&lib);
    assert!(
        lib.nvmlDeviceGetComputeRunningProcesses_v3.is_err(),
        "470 must not export nvmlDeviceGetComputeRunningProcesses_v3"
    );
    assert!(lib.nvmlDeviceGetComputeRunningProcesses_v2.is_ok());
    assert!(
        lib.nvmlDeviceGetMemoryInfo_v2.is_err(),
        "470 predates nvmlMemory_v2"
    );
    init_fails_with_driver_not_loaded(&lib);
}
