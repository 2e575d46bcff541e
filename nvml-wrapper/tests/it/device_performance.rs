//! P-state and clock event reasons against the simulated machines.

use nvml_mock::HostileModes;
use nvml_wrapper::device::ClocksEventReasons;
use nvml_wrapper::enums::PerformanceState;
use nvml_wrapper::{Nvml, Result};

#[test]
fn every_gpu_is_in_p0() -> Result<()> {
    let m = crate::support::mock();
    for gpu in m.nvml.devices()? {
        assert_eq!(gpu.performance_state()?, PerformanceState::P0);
    }
    Ok(())
}

#[test]
fn a_pstate_newer_than_the_header_is_kept_not_an_error() -> Result<()> {
    let m = crate::support::mock();
    m.staged
        .set_hostile(HostileModes {
            future_enums: true,
            ..HostileModes::default()
        })
        .unwrap();
    let gpu = m.nvml.device_by_index(0)?;
    assert_eq!(gpu.performance_state()?, PerformanceState::Other(77));
    Ok(())
}

/// A busy GPU under its power limit is not held back: "SW power cap" is active only at the
/// limit (nvml.h: the clocks are reduced "because the GPU is consuming too much power"). An
/// idle GPU reports "GPU idle", as the real H100 of captures/qx-h100.xml does.
#[test]
fn busy_gpus_under_their_limit_run_free_and_idle_ones_idle() -> Result<()> {
    let m = crate::support::mock();
    let busy = m.nvml.device_by_index(0)?;
    assert!(busy.power_usage()? < busy.power_management_limit()?);
    assert_eq!(
        busy.current_clocks_event_reasons()?,
        ClocksEventReasons::empty()
    );
    let idle = m.nvml.device_by_index(6)?;
    assert_eq!(
        idle.current_clocks_event_reasons()?,
        ClocksEventReasons::GPU_IDLE
    );
    Ok(())
}

#[test]
fn supported_reasons_are_the_first_nine() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    let supported = gpu.supported_clocks_event_reasons()?;
    assert_eq!(supported.bits(), 0x1ff);
    assert!(supported.contains(
        ClocksEventReasons::GPU_IDLE
            | ClocksEventReasons::SW_POWER_CAP
            | ClocksEventReasons::HW_SLOWDOWN
            | ClocksEventReasons::HW_POWER_BRAKE_SLOWDOWN
            | ClocksEventReasons::DISPLAY_CLOCK_SETTING
    ));
    assert!(!supported.contains(ClocksEventReasons::BOARD_LIMIT));
    Ok(())
}

#[test]
fn the_470_driver_answers_through_the_throttle_reason_functions() -> Result<()> {
    let staged = nvml_mock::Staged::legacy_470().expect("stage the 470 stand-in");
    let nvml = Nvml::builder().library_path(staged.path()).init()?;
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetCurrentClocksEventReasons"),
        Some("nvmlDeviceGetCurrentClocksThrottleReasons")
    );
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetSupportedClocksEventReasons"),
        Some("nvmlDeviceGetSupportedClocksThrottleReasons")
    );
    let gpu = nvml.device_by_index(6)?;
    assert_eq!(
        gpu.current_clocks_event_reasons()?,
        ClocksEventReasons::GPU_IDLE
    );
    assert_eq!(gpu.supported_clocks_event_reasons()?.bits(), 0x1ff);
    Ok(())
}

#[test]
fn real_drivers_choose_event_reasons_from_535_and_throttle_reasons_before() {
    for (branch, current, supported) in [
        (
            "535",
            "nvmlDeviceGetCurrentClocksEventReasons",
            "nvmlDeviceGetSupportedClocksEventReasons",
        ),
        (
            "470",
            "nvmlDeviceGetCurrentClocksThrottleReasons",
            "nvmlDeviceGetSupportedClocksThrottleReasons",
        ),
    ] {
        let Some(path) = nvml_mock::drivers::driver_library(branch) else {
            continue;
        };
        let lib = Nvml::builder().library_path(path).load().unwrap();
        assert_eq!(
            lib.chosen_symbol("nvmlDeviceGetCurrentClocksEventReasons"),
            Some(current),
            "{branch}"
        );
        assert_eq!(
            lib.chosen_symbol("nvmlDeviceGetSupportedClocksEventReasons"),
            Some(supported),
            "{branch}"
        );
    }
}
