//! The wrapper on NVIDIA's real driver libraries (Debian's 550.x, 535.x and 470.x), which load
//! without a GPU: initialisation fails cleanly with "driver not loaded", and the versioned
//! symbols chosen at load are the right ones for each driver.

use nvml_wrapper::{Nvml, NvmlError, NvmlLibrary};

fn load(branch: &str) -> Option<NvmlLibrary> {
    let path = nvml_mock::drivers::driver_library(branch)?;
    Some(
        Nvml::builder()
            .library_path(path)
            .load()
            .expect("the real library loads"),
    )
}

#[test]
fn init_without_a_kernel_driver_is_a_clean_error() {
    for branch in ["550", "535", "470"] {
        let Some(path) = nvml_mock::drivers::driver_library(branch) else {
            continue;
        };
        match Nvml::builder().library_path(&path).init() {
            Err(NvmlError::DriverNotLoaded(_)) => {}
            Err(other) => panic!("{branch}: expected DriverNotLoaded, got {other:?}"),
            Ok(nvml) => {
                // Only on a machine with a working NVIDIA driver.
                eprintln!(
                    "NOTE: {branch} initialised: {} GPUs",
                    nvml.device_count().unwrap()
                );
            }
        }
        let err = Nvml::builder().library_path(&path).init().err();
        if let Some(err) = err {
            let text = err.to_string();
            assert!(
                text.starts_with("nvmlInit_v2: the NVIDIA kernel driver is not loaded; "),
                "{branch}: {text}"
            );
            assert_eq!(err.function(), Some("nvmlInit_v2"));
            assert_eq!(
                err.code(),
                Some(nvml_wrapper::sys::NVML_ERROR_DRIVER_NOT_LOADED)
            );
        }
    }
}

#[test]
fn driver_535_uses_the_v3_process_query_and_v2_event_wait() {
    let Some(lib) = load("535") else { return };
    assert_eq!(
        lib.chosen_symbol("nvmlDeviceGetComputeRunningProcesses"),
        Some("nvmlDeviceGetComputeRunningProcesses_v3")
    );
    assert_eq!(
        lib.chosen_symbol("nvmlEventSetWait"),
        Some("nvmlEventSetWait_v2")
    );
    assert_eq!(lib.chosen_symbol("nvmlInit"), Some("nvmlInit_v2"));
    assert_eq!(
        lib.chosen_symbol("nvmlDeviceGetMemoryInfo"),
        Some("nvmlDeviceGetMemoryInfo_v2")
    );
    assert_eq!(
        lib.chosen_symbol("nvmlDeviceGetPciInfo"),
        Some("nvmlDeviceGetPciInfo_v3")
    );
    // NVML 13's structured event wait is newer than 535.
    assert_eq!(lib.chosen_symbol("nvmlEventSetWait_v3"), None);
    assert!(lib.has_function("nvmlDeviceGetComputeRunningProcesses_v3"));
    assert!(!lib.has_function("nvmlDeviceGetPdi"));
    assert!(lib.missing_functions().contains(&"nvmlDeviceGetPdi"));
}

#[test]
fn driver_550_uses_the_newest_versions_it_exports() {
    let Some(lib) = load("550") else { return };
    for (family, symbol) in [
        ("nvmlInit", Some("nvmlInit_v2")),
        ("nvmlDeviceGetCount", Some("nvmlDeviceGetCount_v2")),
        (
            "nvmlDeviceGetComputeRunningProcesses",
            Some("nvmlDeviceGetComputeRunningProcesses_v3"),
        ),
        (
            "nvmlDeviceGetMemoryInfo",
            Some("nvmlDeviceGetMemoryInfo_v2"),
        ),
        ("nvmlDeviceGetPciInfo", Some("nvmlDeviceGetPciInfo_v3")),
        ("nvmlEventSetWait", Some("nvmlEventSetWait_v2")),
        ("nvmlEventSetWait_v3", None),
    ] {
        assert_eq!(lib.chosen_symbol(family), symbol, "{family}");
    }
    // What 550 added over 535 is used; what NVML 13 added is reported missing.
    assert!(lib.has_function("nvmlDeviceGetGpuFabricInfoV"));
    assert!(lib.missing_functions().contains(&"nvmlDeviceGetPdi"));
    assert!(
        lib.missing_functions()
            .contains(&"nvmlDeviceGetTemperatureV")
    );
}

#[test]
fn driver_470_falls_back_to_the_v2_process_query_and_v1_memory_info() {
    let Some(lib) = load("470") else { return };
    assert_eq!(
        lib.chosen_symbol("nvmlDeviceGetComputeRunningProcesses"),
        Some("nvmlDeviceGetComputeRunningProcesses_v2")
    );
    assert_eq!(
        lib.chosen_symbol("nvmlEventSetWait"),
        Some("nvmlEventSetWait_v2")
    );
    assert_eq!(
        lib.chosen_symbol("nvmlDeviceGetMemoryInfo"),
        Some("nvmlDeviceGetMemoryInfo")
    );
    assert!(!lib.has_function("nvmlDeviceGetComputeRunningProcesses_v3"));
    let row = lib
        .version_choices()
        .into_iter()
        .find(|r| r.family == "nvmlDeviceGetComputeRunningProcesses")
        .unwrap();
    assert_eq!(row.version, 2);
    assert_eq!(row.candidates.len(), 3);
}

#[test]
fn a_missing_library_is_a_load_error_naming_the_path() {
    let err = Nvml::builder()
        .library_path("/nonexistent/libnvidia-ml.so.1")
        .init()
        .unwrap_err();
    match &err {
        NvmlError::LibraryLoad { path, .. } => assert_eq!(path, "/nonexistent/libnvidia-ml.so.1"),
        other => panic!("expected LibraryLoad, got {other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("cannot load the NVML library /nonexistent/")
    );
    assert_eq!(err.code(), None);
}

#[test]
fn nvml_and_devices_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Nvml>();
    assert_send_sync::<NvmlLibrary>();
    assert_send_sync::<nvml_wrapper::Device<'static>>();
    assert_send_sync::<NvmlError>();
}

/// The version a real driver library carries inside it (`"535.261.03"`): the NUL-terminated
/// string `<branch>.<minor>.<patch>`.
fn embedded_version(branch: &str) -> Option<String> {
    let bytes = std::fs::read(nvml_mock::drivers::driver_library(branch)?).unwrap();
    let found = bytes
        .split(|b| *b == 0)
        .filter_map(|s| std::str::from_utf8(s).ok())
        .find(|s| {
            let parts: Vec<&str> = s.split('.').collect();
            parts.len() == 3
                && parts[0] == branch
                && parts[1..]
                    .iter()
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        })
        .map(str::to_owned);
    Some(found.unwrap_or_else(|| panic!("no {branch}.x.y version string in the library")))
}

/// Debian's 535 and 550 libraries are drivers from before 580.82: the wrapper sends them the
/// old numbers of the renumbered field ids.
#[test]
fn debian_535_and_550_number_fields_the_old_way() {
    use nvml_wrapper::device::FieldIdNumbering;
    for branch in ["535", "550"] {
        let Some(version) = embedded_version(branch) else {
            continue;
        };
        assert_eq!(
            FieldIdNumbering::for_driver_version(&version),
            FieldIdNumbering::Before580_82,
            "{version}"
        );
        eprintln!("{branch}: {version}");
    }
}
