//! S-class units: enclosures of GPUs with their own power supply, fans, sensors and LED
//! (profile `s-class`). Other profiles have none: the count is 0 and every unit handle is
//! unknown (`INVALID_ARGUMENT`).

use std::ffi::c_uint;

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::handles::{device_handle, unit_handle, unit_ref};
use crate::marshal::{fill_array, put, put_array};
use crate::profile::UnitSpec;

/// The unit a handle names, with its index.
fn unit<'a>(c: &'a Ctx<'_>, h: nvmlUnit_t) -> Result<(usize, &'a UnitSpec), nvmlReturn_t> {
    let i = unit_ref(h).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    let u =
        c.m.profile
            .units
            .get(i)
            .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    Ok((i, u))
}

/// The cause an LED set to amber by `nvmlUnitSetLedState` reports.
const MANUAL_AMBER_CAUSE: &str = "Set to amber by the system administrator";

export! {
    fn nvmlUnitGetCount(unitCount: *mut c_uint) |c| {
        put(unitCount, u32::try_from(c.m.profile.units.len()).unwrap_or(0))
    }
    fn nvmlUnitGetHandleByIndex(index: c_uint, unit: *mut nvmlUnit_t) |c| {
        if unit.is_null() || index as usize >= c.m.profile.units.len() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(unit, unit_handle(index as usize))
    }
    fn nvmlUnitGetUnitInfo(unit: nvmlUnit_t, info: *mut nvmlUnitInfo_t) |c| {
        let (_, u) = self::unit(c, unit)?;
        let mut out = nvmlUnitInfo_t {
            name: [0; 96],
            id: [0; 96],
            serial: [0; 96],
            firmwareVersion: [0; 96],
        };
        fill_array(&mut out.name, &u.name);
        fill_array(&mut out.id, &u.id);
        fill_array(&mut out.serial, &u.serial);
        fill_array(&mut out.firmwareVersion, &u.firmware_version);
        put(info, out)
    }
    fn nvmlUnitGetLedState(unit: nvmlUnit_t, state: *mut nvmlLedState_t) |c| {
        let (i, _) = self::unit(c, unit)?;
        let (amber, cause) = c.m.unit_leds.get(i).cloned().unwrap_or_default();
        let mut out = nvmlLedState_t {
            cause: [0; 256],
            color: if amber { NVML_LED_COLOR_AMBER } else { NVML_LED_COLOR_GREEN },
        };
        fill_array(&mut out.cause, &cause);
        put(state, out)
    }
    fn nvmlUnitSetLedState(unit: nvmlUnit_t, color: nvmlLedColor_t) |c| {
        let (i, _) = self::unit(c, unit)?;
        let amber = match color {
            NVML_LED_COLOR_GREEN => false,
            NVML_LED_COLOR_AMBER => true,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        c.require_root()?;
        let cause = if amber { MANUAL_AMBER_CAUSE.to_string() } else { String::new() };
        if let Some(led) = c.m.unit_leds.get_mut(i) {
            *led = (amber, cause);
        }
        Ok(())
    }
    fn nvmlUnitGetPsuInfo(unit: nvmlUnit_t, psu: *mut nvmlPSUInfo_t) |c| {
        let (_, u) = self::unit(c, unit)?;
        let mut out = nvmlPSUInfo_t {
            state: [0; 256],
            current: u.psu_current_ca,
            voltage: u.psu_voltage_cv,
            power: u.psu_power_w,
        };
        fill_array(&mut out.state, &u.psu_state);
        put(psu, out)
    }
    fn nvmlUnitGetTemperature(unit: nvmlUnit_t, r#type: c_uint, temp: *mut c_uint) |c| {
        let (_, u) = self::unit(c, unit)?;
        if temp.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        match u.temperatures.get(r#type as usize) {
            None => Err(NVML_ERROR_INVALID_ARGUMENT),
            Some(None) => Err(NVML_ERROR_NOT_SUPPORTED),
            Some(Some(t)) => put(temp, *t),
        }
    }
    fn nvmlUnitGetFanSpeedInfo(unit: nvmlUnit_t, fanSpeeds: *mut nvmlUnitFanSpeeds_t) |c| {
        let (_, u) = self::unit(c, unit)?;
        let mut out = nvmlUnitFanSpeeds_t {
            fans: [nvmlUnitFanInfo_t { speed: 0, state: NVML_FAN_NORMAL }; 24],
            count: 0,
        };
        for (slot, &(rpm, failed)) in out.fans.iter_mut().zip(&u.fans) {
            *slot = nvmlUnitFanInfo_t {
                speed: rpm,
                state: if failed { NVML_FAN_FAILED } else { NVML_FAN_NORMAL },
            };
            out.count += 1;
        }
        put(fanSpeeds, out)
    }
    fn nvmlUnitGetDevices(unit: nvmlUnit_t, deviceCount: *mut c_uint, devices: *mut nvmlDevice_t) |c| {
        let (_, u) = self::unit(c, unit)?;
        let list: Vec<nvmlDevice_t> = u
            .gpus
            .iter()
            .filter(|&&g| (g as usize) < c.m.gpus.len())
            .map(|&g| device_handle(g as usize))
            .collect();
        put_array(deviceCount, devices, &list, c.hostile)
    }
}
