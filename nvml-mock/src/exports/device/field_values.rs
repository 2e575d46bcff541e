//! Field values (`nvmlDeviceGetFieldValues`).

use std::ffi::c_int;

use nvml_sys::*;

use super::{field, phys};
use crate::marshal::{get, put};

/// The header's id of the field a caller of this driver asked for with `id`.
fn header_field_id(driver_version: &str, id: u32) -> u32 {
    if !numbers_fields_before_580_82(driver_version) {
        return id;
    }
    FIELD_IDS_BEFORE_580_82
        .iter()
        .find(|(old, _)| *old == id)
        .map_or(id, |(_, header)| *header)
}

/// Field ids as drivers before 580.82 (CUDA 13.0 Update 1) number them, with the header's
/// constant for the same field: NVIDIA renumbered 251..=273 at that driver (a known issue in
/// NVML's documentation; the old numbers are those of `nvml.h` in CUDA 12.x and 13.0).
const FIELD_IDS_BEFORE_580_82: [(u32, u32); 23] = [
    (251, NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN),
    (252, NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN),
    (253, NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN),
    (254, NVML_FI_DEV_POWER_SYNC_BALANCING_FREQ),
    (255, NVML_FI_DEV_POWER_SYNC_BALANCING_AF),
    (256, NVML_FI_PWR_SMOOTHING_ENABLED),
    (257, NVML_FI_PWR_SMOOTHING_PRIV_LVL),
    (258, NVML_FI_PWR_SMOOTHING_IMM_RAMP_DOWN_ENABLED),
    (259, NVML_FI_PWR_SMOOTHING_APPLIED_TMP_CEIL),
    (260, NVML_FI_PWR_SMOOTHING_APPLIED_TMP_FLOOR),
    (261, NVML_FI_PWR_SMOOTHING_MAX_PERCENT_TMP_FLOOR_SETTING),
    (262, NVML_FI_PWR_SMOOTHING_MIN_PERCENT_TMP_FLOOR_SETTING),
    (
        263,
        NVML_FI_PWR_SMOOTHING_HW_CIRCUITRY_PERCENT_LIFETIME_REMAINING,
    ),
    (264, NVML_FI_PWR_SMOOTHING_MAX_NUM_PRESET_PROFILES),
    (265, NVML_FI_PWR_SMOOTHING_PROFILE_PERCENT_TMP_FLOOR),
    (266, NVML_FI_PWR_SMOOTHING_PROFILE_RAMP_UP_RATE),
    (267, NVML_FI_PWR_SMOOTHING_PROFILE_RAMP_DOWN_RATE),
    (268, NVML_FI_PWR_SMOOTHING_PROFILE_RAMP_DOWN_HYST_VAL),
    (269, NVML_FI_PWR_SMOOTHING_ACTIVE_PRESET_PROFILE),
    (270, NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_PERCENT_TMP_FLOOR),
    (271, NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_RAMP_UP_RATE),
    (272, NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_RAMP_DOWN_RATE),
    (273, NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_RAMP_DOWN_HYST_VAL),
];

/// Whether a driver version (`"570.172.08"`) numbers fields as drivers before 580.82 did.
fn numbers_fields_before_580_82(driver_version: &str) -> bool {
    let mut parts = driver_version.split('.').map(|p| p.parse::<u32>().ok());
    matches!((parts.next().flatten(), parts.next().flatten()), (Some(major), Some(minor)) if (major, minor) < (580, 82))
}

export! {
    fn nvmlDeviceGetFieldValues(device: nvmlDevice_t, valuesCount: c_int, values: *mut nvmlFieldValue_t) |c| {
        let g = phys(c, device)?;
        if values.is_null() || valuesCount < 0 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // CPU time in microseconds since 1970 (nvml.h), on the machine's clock.
        let now = i64::try_from(c.m.wall_us()).unwrap_or(i64::MAX);
        for i in 0..valuesCount as usize {
            let p = values.wrapping_add(i);
            let mut v: nvmlFieldValue_t = get(p)?;
            v.timestamp = now;
            v.latencyUsec = 0;
            let id = header_field_id(&c.m.profile.driver_version, v.fieldId);
            match field(c, g, id, v.scopeId) {
                Ok((t, val)) => {
                    v.nvmlReturn = NVML_SUCCESS;
                    v.valueType = t;
                    v.value = val;
                }
                Err(e) => v.nvmlReturn = e,
            }
            put(p, v)?;
        }
        Ok(())
    }
}
