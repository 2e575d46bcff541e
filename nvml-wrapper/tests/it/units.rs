//! S-class units against the simulated machines: the `s-class` profile has one unit holding
//! four GPUs, whose queries return the profile's values; the other profiles have none (like
//! every current data-center system).

use crate::support::unmodeled::fault_maps_to_its_variant;
use nvml_wrapper::NvmlError;
use nvml_wrapper::enums::{FanState, LedColor};
use nvml_wrapper::unit::UnitTemperatureSensor;

#[test]
fn machines_without_s_class_units_have_none() {
    for profile in ["dgx-h100", "dgx-a100", "workstation"] {
        let m = crate::support::mock_with_profile(profile);
        assert_eq!(m.nvml.unit_count().unwrap(), 0, "{profile}");
        assert!(m.nvml.units().unwrap().is_empty(), "{profile}");
    }
    let m = crate::support::mock();
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetCount", || m.nvml.unit_count());
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetCount", || m.nvml.units());
}

#[test]
fn unit_by_index_past_the_count_is_an_invalid_argument() {
    let m = crate::support::mock();
    assert!(matches!(
        m.nvml.unit_by_index(0),
        Err(NvmlError::InvalidArgument(_))
    ));
    let m = crate::support::mock_with_profile("s-class");
    m.nvml.unit_by_index(0).unwrap();
    assert!(matches!(
        m.nvml.unit_by_index(1),
        Err(NvmlError::InvalidArgument(_))
    ));
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetHandleByIndex", || {
        m.nvml.unit_by_index(0)
    });
}

#[test]
fn s_class_unit_reports_the_profile() {
    let m = crate::support::mock_with_profile("s-class");
    assert_eq!(m.nvml.unit_count().unwrap(), 1);
    let units = m.nvml.units().unwrap();
    assert_eq!(units.len(), 1);
    let unit = &units[0];
    assert_eq!(*unit, m.nvml.unit_by_index(0).unwrap());

    let info = unit.info().unwrap();
    assert_eq!(info.name, "NVIDIA Tesla S-Class 4-GPU Computing System");
    assert_eq!(info.id, "920-22112-2500-000");
    assert_eq!(info.serial, "0324712000817");
    assert_eq!(info.firmware_version, "6.2");

    let psu = unit.psu_info().unwrap();
    assert_eq!(psu.state, "Normal");
    // The profile says 97.6 A at 12.05 V; the library reports hundredths (nvidia-smi's units).
    assert_eq!(
        (psu.current_centiamps, psu.voltage_centivolts, psu.power_w),
        (9760, 1205, 1176)
    );
    assert_eq!((psu.current_amps(), psu.voltage_volts()), (97.6, 12.05));

    assert_eq!(unit.temperature(UnitTemperatureSensor::Intake).unwrap(), 24);
    assert_eq!(
        unit.temperature(UnitTemperatureSensor::Exhaust).unwrap(),
        41
    );
    assert_eq!(unit.temperature(UnitTemperatureSensor::Board).unwrap(), 35);

    let fans = unit.fan_speeds().unwrap();
    let rpm: Vec<u32> = fans.iter().map(|f| f.speed_rpm).collect();
    assert_eq!(rpm, [5400, 5420, 5380, 5410]);
    assert!(fans.iter().all(|f| f.state == FanState::Normal));

    let led = unit.led_state().unwrap();
    assert_eq!(led.color, LedColor::Green);
    assert_eq!(led.cause, "");

    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetUnitInfo", || unit.info());
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetPsuInfo", || unit.psu_info());
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetTemperature", || {
        unit.temperature(UnitTemperatureSensor::Board)
    });
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetFanSpeedInfo", || unit.fan_speeds());
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetLedState", || unit.led_state());
}

#[test]
fn s_class_unit_holds_the_four_gpus() {
    let m = crate::support::mock_with_profile("s-class");
    let unit = m.nvml.unit_by_index(0).unwrap();
    let inside: Vec<String> = unit
        .devices()
        .unwrap()
        .iter()
        .map(|d| d.uuid().unwrap())
        .collect();
    assert_eq!(m.nvml.device_count().unwrap(), 4);
    let all: Vec<String> = (0..4)
        .map(|i| m.nvml.device_by_index(i).unwrap().uuid().unwrap())
        .collect();
    assert_eq!(inside, all);
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetDevices", || unit.devices());
}

#[test]
fn led_needs_root_and_reads_back() {
    let m = crate::support::mock_with_profile("s-class");
    let unit = m.nvml.unit_by_index(0).unwrap();
    assert!(matches!(
        unit.set_led_color(LedColor::Amber),
        Err(NvmlError::NoPermission(_))
    ));
    assert_eq!(unit.led_state().unwrap().color, LedColor::Green);

    m.staged.set_root(true).unwrap();
    unit.set_led_color(LedColor::Amber).unwrap();
    let led = unit.led_state().unwrap();
    assert_eq!(led.color, LedColor::Amber);
    assert!(!led.cause.is_empty());
    unit.set_led_color(LedColor::Green).unwrap();
    let led = unit.led_state().unwrap();
    assert_eq!((led.color, led.cause.as_str()), (LedColor::Green, ""));
    fault_maps_to_its_variant(&m.staged, "nvmlUnitSetLedState", || {
        unit.set_led_color(LedColor::Amber)
    });
}
