//! Clock queries against the simulated DGX H100: values equal the mock's profile; the clock
//! offsets, clock monitors, adaptive clocking and auto-boost the mock does not model.

use nvml_mock::HostileModes;
use nvml_wrapper::enums::{ClockId, ClockType, PerformanceState};
use nvml_wrapper::{NvmlError, Result};

use crate::support::unmodeled::not_supported_then_fault;

#[test]
fn current_clocks_of_a_busy_and_an_idle_gpu() -> Result<()> {
    let m = crate::support::mock();
    let busy = m.nvml.device_by_index(0)?;
    assert_eq!(busy.clock_info(ClockType::Graphics)?, 1980);
    assert_eq!(busy.clock_info(ClockType::Sm)?, 1980);
    assert_eq!(busy.clock_info(ClockType::Memory)?, 2619);
    assert_eq!(busy.clock_info(ClockType::Video)?, 1545);
    let idle = m.nvml.device_by_index(7)?;
    assert_eq!(idle.clock_info(ClockType::Graphics)?, 345);
    assert_eq!(idle.clock_info(ClockType::Sm)?, 345);
    assert_eq!(idle.clock_info(ClockType::Memory)?, 2619);
    assert_eq!(idle.clock_info(ClockType::Video)?, 765);
    Ok(())
}

#[test]
fn maximum_and_boost_clocks() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(5)?;
    assert_eq!(gpu.max_clock_info(ClockType::Graphics)?, 1980);
    assert_eq!(gpu.max_clock_info(ClockType::Sm)?, 1980);
    assert_eq!(gpu.max_clock_info(ClockType::Memory)?, 2619);
    assert_eq!(gpu.max_clock_info(ClockType::Video)?, 1545);
    assert_eq!(gpu.max_customer_boost_clock(ClockType::Graphics)?, 1980);
    assert_eq!(gpu.max_customer_boost_clock(ClockType::Memory)?, 2619);
    Ok(())
}

#[test]
fn application_clocks_start_at_their_defaults() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(1)?;
    // An H100 SXM's defaults: 1980 MHz graphics, 2619 MHz memory
    // (captures/qx-h100.xml, default_applications_clocks).
    assert_eq!(gpu.applications_clock(ClockType::Graphics)?, 1980);
    assert_eq!(gpu.applications_clock(ClockType::Memory)?, 2619);
    assert_eq!(gpu.default_applications_clock(ClockType::Graphics)?, 1980);
    assert_eq!(gpu.default_applications_clock(ClockType::Memory)?, 2619);
    Ok(())
}

#[test]
fn clock_by_id_matches_the_dedicated_getters() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    for clock in ClockType::ALL.iter().copied() {
        assert_eq!(gpu.clock(clock, ClockId::Current)?, gpu.clock_info(clock)?);
        assert_eq!(
            gpu.clock(clock, ClockId::AppClockTarget)?,
            gpu.applications_clock(clock)?
        );
        assert_eq!(
            gpu.clock(clock, ClockId::AppClockDefault)?,
            gpu.default_applications_clock(clock)?
        );
        assert_eq!(
            gpu.clock(clock, ClockId::CustomerBoostMax)?,
            gpu.max_customer_boost_clock(clock)?
        );
    }
    assert_eq!(gpu.clock(ClockType::Sm, ClockId::Current)?, 1980);
    Ok(())
}

#[test]
fn supported_clocks_list_every_15_mhz_step() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    // A real H100 80GB HBM3: two memory clocks, each with the same 110 graphics clocks.
    assert_eq!(gpu.supported_memory_clocks()?, vec![2619, 1593]);
    let graphics = gpu.supported_graphics_clocks(2619)?;
    let expected: Vec<u32> = (345..=1980).rev().step_by(15).collect();
    assert_eq!(graphics.len(), 110);
    assert_eq!(graphics, expected);
    assert_eq!(gpu.supported_graphics_clocks(1593)?, expected);
    assert_eq!(graphics.first(), Some(&1980));
    assert_eq!(graphics.last(), Some(&345));
    // A memory clock the device does not support.
    assert!(matches!(
        gpu.supported_graphics_clocks(1000),
        Err(NvmlError::NotFound(_))
    ));
    Ok(())
}

#[test]
fn an_overstated_count_never_reads_past_the_buffer() -> Result<()> {
    let m = crate::support::mock();
    m.staged
        .set_hostile(HostileModes {
            oversized_counts: true,
            ..HostileModes::default()
        })
        .unwrap();
    let gpu = m.nvml.device_by_index(0)?;
    // The driver claims more clocks than the buffer holds: exactly the clocks it wrote.
    let graphics = gpu.supported_graphics_clocks(2619)?;
    let expected: Vec<u32> = (345..=1980).rev().step_by(15).collect();
    assert_eq!(graphics, expected);
    Ok(())
}

/// On a real GPU: current clocks stay within their maximums, and every supported memory
/// clock has graphics clocks.
#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_clocks_are_consistent() -> Result<()> {
    let nvml = nvml_wrapper::Nvml::init()?;
    for gpu in nvml.devices()? {
        for clock in [ClockType::Graphics, ClockType::Sm, ClockType::Memory] {
            assert!(
                gpu.clock_info(clock)? <= gpu.max_clock_info(clock)?,
                "{clock:?}"
            );
        }
        match gpu.supported_memory_clocks() {
            Ok(memory) => {
                for mhz in memory {
                    assert!(!gpu.supported_graphics_clocks(mhz)?.is_empty(), "{mhz} MHz");
                }
            }
            Err(NvmlError::NotSupported(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[test]
fn unmodeled_clock_queries_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0)?;
    not_supported_then_fault(&m.staged, "nvmlDeviceGetClockOffsets", || {
        gpu.clock_offsets(ClockType::Graphics, PerformanceState::P0)
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceSetClockOffsets", || {
        gpu.set_clock_offset(ClockType::Graphics, PerformanceState::P0, 100)
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetGpcClkVfOffset", || {
        gpu.gpc_clk_vf_offset()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetMemClkVfOffset", || {
        gpu.mem_clk_vf_offset()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetGpcClkMinMaxVfOffset", || {
        gpu.gpc_clk_min_max_vf_offset()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetMemClkMinMaxVfOffset", || {
        gpu.mem_clk_min_max_vf_offset()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetCurrentClockFreqs", || {
        gpu.current_clock_freqs()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetClkMonStatus", || {
        gpu.clock_monitor_status()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetAdaptiveClockInfoStatus", || {
        gpu.adaptive_clock_enabled()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetAutoBoostedClocksEnabled", || {
        gpu.auto_boosted_clocks_enabled()
    });
    Ok(())
}
