//! Field values (`nvmlDeviceGetFieldValues`).

use std::ffi::c_int;

use nvml_sys::*;

use super::{field, header_field_id, phys};
use crate::marshal::{get, put};

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
