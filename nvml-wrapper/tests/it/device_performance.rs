//! P-states, the clock range of each, and clock event reasons against the simulated machines;
//! performance modes and dynamic P-states, which the mock does not model.

use nvml_mock::{HostileModes, profile};
use nvml_wrapper::device::{ClocksEventReasons, MinMax};
use nvml_wrapper::enums::{ClockType, PerformanceState};
use nvml_wrapper::{Nvml, NvmlError, Result};

use crate::support::unmodeled::{fault_maps_to_its_variant, not_supported_then_fault};

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

#[test]
fn pstates_and_their_clock_ranges_are_the_profiles() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        let mut want = vec![PerformanceState::P0];
        if spec.pstate != 0 {
            want.push(PerformanceState::try_from(spec.pstate)?);
        }
        assert_eq!(gpu.supported_performance_states()?, want);
        assert_eq!(
            gpu.min_max_clock_of_pstate(ClockType::Graphics, PerformanceState::P0)?,
            MinMax {
                min: spec.min_graphics,
                max: spec.max_graphics
            }
        );
        assert_eq!(
            gpu.min_max_clock_of_pstate(ClockType::Memory, PerformanceState::P0)?,
            MinMax {
                min: spec.max_mem,
                max: spec.max_mem
            }
        );
    }
    let gpu = m.nvml.device_by_index(0)?;
    // A P-state the GPU does not have.
    assert!(matches!(
        gpu.min_max_clock_of_pstate(ClockType::Graphics, PerformanceState::P12),
        Err(NvmlError::NotSupported(_))
    ));
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetSupportedPerformanceStates", || {
        gpu.supported_performance_states()
    });
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetMinMaxClockOfPState", || {
        gpu.min_max_clock_of_pstate(ClockType::Graphics, PerformanceState::P0)
    });
    Ok(())
}

#[test]
fn unmodeled_performance_queries_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    not_supported_then_fault(&m.staged, "nvmlDeviceGetPerformanceModes", || {
        gpu.performance_modes()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetDynamicPstatesInfo", || {
        gpu.dynamic_pstates_info()
    });
    Ok(())
}
