//! Temperatures, thresholds and fans against the simulated machines.

use nvml_mock::profile;
use nvml_wrapper::enums::{TemperatureSensor, TemperatureThreshold};
use nvml_wrapper::{Nvml, NvmlError, Result};

#[test]
fn gpu_temperatures_are_the_profiles() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        assert_eq!(gpu.temperature(TemperatureSensor::Gpu)?, spec.temperature);
    }
    // A busy GPU runs warmer than an idle one.
    assert_eq!(
        m.nvml
            .device_by_index(3)?
            .temperature(TemperatureSensor::Gpu)?,
        59
    );
    assert_eq!(
        m.nvml
            .device_by_index(7)?
            .temperature(TemperatureSensor::Gpu)?,
        38
    );
    Ok(())
}

#[test]
fn temperature_prefers_the_versioned_query_and_falls_back() -> Result<()> {
    let m = crate::support::mock();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetTemperature"),
        Some("nvmlDeviceGetTemperatureV")
    );
    // The mock exports nvmlDeviceGetTemperatureV but answers NOT_SUPPORTED from it: the
    // reading then comes from nvmlDeviceGetTemperature.
    let gpu = m.nvml.device_by_index(0)?;
    assert_eq!(gpu.temperature(TemperatureSensor::Gpu)?, 56);
    Ok(())
}

#[test]
fn a_sensor_the_driver_rejects_is_an_error() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    assert!(matches!(
        gpu.temperature(TemperatureSensor::GpuMax),
        Err(NvmlError::InvalidArgument(_))
    ));
    Ok(())
}

#[test]
fn h100_thresholds() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(4)?;
    assert_eq!(
        gpu.temperature_threshold(TemperatureThreshold::Shutdown)?,
        92
    );
    assert_eq!(
        gpu.temperature_threshold(TemperatureThreshold::Slowdown)?,
        89
    );
    assert_eq!(
        gpu.temperature_threshold(TemperatureThreshold::MemoryMax)?,
        95
    );
    assert_eq!(gpu.temperature_threshold(TemperatureThreshold::GpuMax)?, 87);
    // No acoustic thresholds on a data-center board.
    assert!(matches!(
        gpu.temperature_threshold(TemperatureThreshold::AcousticCurrent),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn the_passively_cooled_h100_has_no_fans() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    assert_eq!(gpu.num_fans()?, 0);
    assert!(matches!(gpu.fan_speed(0), Err(NvmlError::NotSupported(_))));
    assert!(matches!(
        gpu.fan_speed_avg(),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn a_workstation_card_reports_each_fan() -> Result<()> {
    let m = crate::support::mock_with_profile("workstation");
    let gpu = m.nvml.device_by_index(0)?;
    assert_eq!(gpu.temperature(TemperatureSensor::Gpu)?, 41);
    assert_eq!(gpu.num_fans()?, 2);
    assert_eq!(gpu.fan_speed(0)?, 30);
    assert_eq!(gpu.fan_speed(1)?, 30);
    assert_eq!(gpu.fan_speed_avg()?, 30);
    assert!(matches!(
        gpu.fan_speed(2),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert_eq!(
        gpu.temperature_threshold(TemperatureThreshold::Slowdown)?,
        97
    );
    Ok(())
}

/// The margin (T.Limit) temperature is the distance to the maximum operating temperature: a
/// real H100 at 29 C reads 58 C (captures/qx-h100.xml, `gpu_temp_tlimit`), 87 C its maximum.
#[test]
fn margin_temperature_is_the_distance_to_the_maximum() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    let max = gpu.temperature_threshold(TemperatureThreshold::GpuMax)?;
    assert_eq!(max, 87);
    let now = gpu.temperature(TemperatureSensor::Gpu)?;
    assert_eq!(gpu.margin_temperature()?, max as i32 - now as i32);
    Ok(())
}

#[test]
fn the_470_driver_reads_temperature_with_the_plain_function() -> Result<()> {
    let staged = nvml_mock::Staged::legacy_470().expect("stage the 470 stand-in");
    let nvml = Nvml::builder().library_path(staged.path()).init()?;
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetTemperature"),
        Some("nvmlDeviceGetTemperature")
    );
    let gpu = nvml.device_by_index(1)?;
    assert_eq!(gpu.temperature(TemperatureSensor::Gpu)?, 57);
    assert!(matches!(
        gpu.margin_temperature(),
        Err(NvmlError::MissingSymbol("nvmlDeviceGetMarginTemperature"))
    ));
    Ok(())
}

/// Neither real driver exports `nvmlDeviceGetTemperatureV` (added after 535): both read
/// temperatures with `nvmlDeviceGetTemperature`, and both have per-fan `_v2` fan speeds.
#[test]
fn real_drivers_read_temperature_with_the_plain_function() {
    for branch in ["535", "470"] {
        let Some(path) = nvml_mock::drivers::driver_library(branch) else {
            continue;
        };
        let lib = Nvml::builder().library_path(path).load().unwrap();
        assert_eq!(
            lib.chosen_symbol("nvmlDeviceGetTemperature"),
            Some("nvmlDeviceGetTemperature"),
            "{branch}"
        );
        assert_eq!(
            lib.chosen_symbol("nvmlDeviceGetFanSpeed"),
            Some("nvmlDeviceGetFanSpeed_v2"),
            "{branch}"
        );
    }
}
