//! S-class units: the `s-class` profile and the `units` key of profile files.

use std::ptr::null_mut;

use crate::support::*;
use nvml_mock::profile;

fn unit(lib: &NvmlLib, i: u32) -> nvmlUnit_t {
    let mut u: nvmlUnit_t = null_mut();
    assert_eq!(nv!(lib.nvmlUnitGetHandleByIndex(i, &mut u)), NVML_SUCCESS);
    u
}

#[test]
fn s_class_has_one_unit_of_four_gpus() {
    let (s, lib) = init("s-class");
    let mut n = 0u32;
    assert_eq!(nv!(lib.nvmlUnitGetCount(&mut n)), NVML_SUCCESS);
    assert_eq!(n, 1);
    let mut u: nvmlUnit_t = null_mut();
    assert_eq!(
        nv!(lib.nvmlUnitGetHandleByIndex(1, &mut u)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlUnitGetHandleByIndex(0, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let u = unit(&lib, 0);
    let mut count = 0u32;
    assert_eq!(
        nv!(lib.nvmlUnitGetDevices(u, &mut count, null_mut())),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    assert_eq!(count, 4);
    let mut devs = [null_mut(); 4];
    assert_eq!(
        nv!(lib.nvmlUnitGetDevices(u, &mut count, devs.as_mut_ptr())),
        NVML_SUCCESS
    );
    for (i, d) in devs.iter().enumerate() {
        assert_eq!(*d, dev(&lib, i as u32));
    }
    let mut t = 0u32;
    assert_eq!(nv!(lib.nvmlUnitGetTemperature(u, 1, &mut t)), NVML_SUCCESS);
    assert_eq!(t, 41);
    assert_eq!(
        nv!(lib.nvmlUnitGetTemperature(u, 3, &mut t)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlUnitGetTemperature(u, 0, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    // An unknown handle.
    let bogus: nvmlUnit_t = std::ptr::dangling_mut();
    let mut info: nvmlUnitInfo_t =
        // SAFETY: a C struct of integers and char arrays: all-zero is a valid value.
        unsafe { std::mem::zeroed() };
    assert_eq!(
        nv!(lib.nvmlUnitGetUnitInfo(bogus, &mut info)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlUnitGetUnitInfo(u, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    // LED: root only, color checked.
    assert_eq!(
        nv!(lib.nvmlUnitSetLedState(u, NVML_LED_COLOR_AMBER)),
        NVML_ERROR_NO_PERMISSION
    );
    s.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlUnitSetLedState(u, 7)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlUnitSetLedState(u, NVML_LED_COLOR_AMBER)),
        NVML_SUCCESS
    );
    let mut led: nvmlLedState_t =
        // SAFETY: a C struct of integers and char arrays: all-zero is a valid value.
        unsafe { std::mem::zeroed() };
    assert_eq!(nv!(lib.nvmlUnitGetLedState(u, &mut led)), NVML_SUCCESS);
    assert_eq!(led.color, NVML_LED_COLOR_AMBER);
    assert!(!cstr(&led.cause).is_empty());
}

#[test]
fn other_profiles_have_no_units() {
    for name in profile::BUILTIN_PROFILES {
        let p = profile::builtin(name).unwrap();
        assert_eq!(p.units.is_empty(), *name != "s-class", "{name}");
    }
}

#[test]
fn units_key_of_profile_files() {
    let text = r#"{"base": "dgx-h100", "root": true, "units": [
        {"name": "Lab S-Class", "id": "S-1", "serial": "42", "firmware_version": "1.0",
         "led": "amber", "led_cause": "Fan failure",
         "psu": {"state": "Abnormal Fan failure", "current_a": 10, "voltage_v": 12.02, "power_w": 120},
         "temperatures": {"intake": 30, "board": null},
         "fans": [{"rpm": 6000}, {"rpm": 0, "state": "failed"}],
         "gpus": [6, 7]}]}"#;
    let p = profile::parse_json(text).unwrap();
    assert_eq!(p.units.len(), 1);
    assert_eq!(p.units[0].gpus, [6, 7]);
    assert_eq!(p.units[0].fans, [(6000, false), (0, true)]);

    let dir = std::env::temp_dir().join(format!("nvml-mock-units-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("units.json");
    std::fs::write(&path, text).unwrap();
    let (_s, lib) = init(path.to_str().unwrap());
    let u = unit(&lib, 0);
    let mut fans: nvmlUnitFanSpeeds_t =
        // SAFETY: a C struct of integers and char arrays: all-zero is a valid value.
        unsafe { std::mem::zeroed() };
    assert_eq!(nv!(lib.nvmlUnitGetFanSpeedInfo(u, &mut fans)), NVML_SUCCESS);
    assert_eq!(fans.count, 2);
    assert_eq!(fans.fans[1].state, NVML_FAN_FAILED);
    let mut t = 0u32;
    assert_eq!(
        nv!(lib.nvmlUnitGetTemperature(u, 2, &mut t)),
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(nv!(lib.nvmlUnitGetTemperature(u, 0, &mut t)), NVML_SUCCESS);
    assert_eq!(t, 30);
    let mut psu: nvmlPSUInfo_t =
        // SAFETY: a C struct of integers and char arrays: all-zero is a valid value.
        unsafe { std::mem::zeroed() };
    assert_eq!(nv!(lib.nvmlUnitGetPsuInfo(u, &mut psu)), NVML_SUCCESS);
    assert_eq!(cstr(&psu.state), "Abnormal Fan failure");
    // Hundredths of an ampere and of a volt, as nvidia-smi reads them (it prints value / 100).
    assert_eq!((psu.current, psu.voltage, psu.power), (1000, 1202, 120));
    let mut led: nvmlLedState_t =
        // SAFETY: a C struct of integers and char arrays: all-zero is a valid value.
        unsafe { std::mem::zeroed() };
    assert_eq!(nv!(lib.nvmlUnitGetLedState(u, &mut led)), NVML_SUCCESS);
    assert_eq!(
        (led.color, cstr(&led.cause).as_str()),
        (NVML_LED_COLOR_AMBER, "Fan failure")
    );
    drop(lib);
    let _ = std::fs::remove_dir_all(&dir);

    for (text, needle) in [
        (r#"{"units": {}}"#, "array"),
        (r#"{"units": [{"gpus": [9]}]}"#, "no GPU 9"),
        (r#"{"units": [{"gpus": [0]}, {"gpus": [0]}]}"#, "already"),
        (r#"{"units": [{"led": "blue"}]}"#, "led"),
        (r#"{"units": [{"colour": 1}]}"#, "colour"),
        (
            r#"{"units": [{"temperatures": {"ambient": 1}}]}"#,
            "ambient",
        ),
        (r#"{"units": [{"fans": [{"state": "slow"}]}]}"#, "slow"),
    ] {
        let e = profile::parse_json(text).unwrap_err();
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
}
