//! No panic crosses the C ABI: a panic inside an export answers `NVML_ERROR_UNKNOWN`, is
//! counted by `nvml_mock_caught_panics`, and its reason is printed to stderr once per
//! function, however often it happens; the library goes on answering.

use std::ffi::c_uint;

use crate::support::*;

/// The result `nvml_mock_set_fault` takes to make a function panic (`"PANC"`).
const PANIC_FAULT: nvmlReturn_t = 0x5041_4E43;

/// Run by `a_panic_answers_unknown_and_is_reported_once` in a child process, whose stderr the
/// parent reads: three panics in one function, one in another, then ordinary calls.
#[test]
#[ignore = "a probe for a child process"]
fn probe_panics() {
    let (staged, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    staged
        .set_fault("nvmlDeviceGetTemperature", PANIC_FAULT)
        .unwrap();
    staged
        .set_fault("nvmlDeviceGetPowerUsage", PANIC_FAULT)
        .unwrap();
    let mut t: c_uint = 0;
    for _ in 0..3 {
        assert_eq!(
            nv!(lib.nvmlDeviceGetTemperature(d, NVML_TEMPERATURE_GPU, &mut t)),
            NVML_ERROR_UNKNOWN
        );
    }
    let mut p: c_uint = 0;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerUsage(d, &mut p)),
        NVML_ERROR_UNKNOWN
    );
    // The library is not poisoned: other calls, and the same ones once the fault is gone.
    staged.clear_faults().unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceGetTemperature(d, NVML_TEMPERATURE_GPU, &mut t)),
        NVML_SUCCESS
    );
    assert_eq!(nv!(lib.nvmlDeviceGetPowerUsage(d, &mut p)), NVML_SUCCESS);
    assert!(t > 0 && p > 0);
    println!("CAUGHT {}", staged.caught_panics().unwrap());
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
}

#[test]
fn a_panic_answers_unknown_and_is_reported_once() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "panic_guard::probe_panics",
            "--nocapture",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("CAUGHT 4"), "{stdout}");
    let reports: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("nvml-mock: "))
        .collect();
    assert_eq!(reports.len(), 2, "one report per function: {stderr}");
    assert!(
        reports[0].starts_with("nvml-mock: nvmlDeviceGetTemperature panicked at ")
            && reports[0].contains("a panic injected with nvml_mock_set_fault")
            && reports[0].ends_with("it answers NVML_ERROR_UNKNOWN"),
        "{stderr}"
    );
    assert!(
        reports[1].starts_with("nvml-mock: nvmlDeviceGetPowerUsage panicked at "),
        "{stderr}"
    );
    // Nothing else: the default panic message is not printed as well.
    assert!(!stderr.contains("thread '"), "{stderr}");
}
