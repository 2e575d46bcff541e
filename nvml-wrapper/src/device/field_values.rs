//! Field values: many metrics of one GPU in one call (`nvmlDeviceGetFieldValues`).
//!
//! A field is named by an id, `NVML_FI_*` in `nvml.h`. The raw constants are all usable
//! directly from [`nvml_sys`](crate::sys), e.g. `nvml_wrapper::sys::NVML_FI_DEV_POWER_INSTANT`;
//! the [`field`] module names a few common ones. Each field comes back with its own status,
//! so one unsupported field does not spoil the batch.
//!
//! # Renumbered field ids
//!
//! NVIDIA renumbered field ids 251 to 273 in CUDA 13.0 Update 1, whose driver is 580.82 (a
//! known issue in NVML's documentation). This crate's header is newer, so its constants use the
//! new numbers; an older driver reads the same numbers as other fields:
//!
//! | ids | driver 580.82 and later (the header's numbers) | drivers before 580.82 |
//! |---|---|---|
//! | 251–268 | power smoothing (`NVML_FI_PWR_SMOOTHING_ENABLED` .. `_ADMIN_OVERRIDE_RAMP_DOWN_HYST_VAL`) | 256–273 |
//! | 269–271 | clocks event reason counters (`NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN`, `HW_THERM_SLOWDOWN`, `HW_POWER_BRAKE_SLOWDOWN`) | 251–253 |
//! | 272–273 | power sync balancing (`NVML_FI_DEV_POWER_SYNC_BALANCING_FREQ`, `_AF`) | 254–255 |
//!
//! Always pass the header's ids (the `nvml_sys` constants). [`Nvml`](crate::Nvml) reads the
//! driver version once, when it initialises ([`Nvml::field_id_numbering`](crate::Nvml::field_id_numbering)),
//! and on a driver before 580.82 every field call translates these ids to the driver's
//! numbers and the ids in the results back, so [`FieldValue::field_id`] is the id asked
//! for. Ids outside 251–273 are never changed (274 and up did not exist before 580.82; 308,
//! `NVML_FI_DEV_GPU_TEMP`, and 309, `NVML_FI_PWR_SMOOTHING_LIMITED_TIME`, came with NVML 13.5
//! and have one number on every driver that has them).
//!
//! ```no_run
//! use nvml_wrapper::{Nvml, device::field};
//!
//! let nvml = Nvml::init()?;
//! let gpu = nvml.device_by_index(0)?;
//! for fv in gpu.field_values(&[field::POWER_INSTANT_MW, field::MEMORY_TEMPERATURE_C])? {
//!     match fv.value {
//!         Ok(v) => println!("field {}: {v:?}", fv.field_id),
//!         Err(e) => println!("field {}: {e}", fv.field_id),
//!     }
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

use std::ffi::c_int;

use nvml_sys as sys;

use super::Device;
use crate::enums::ValueType;
use crate::error::{NvmlError, Result};
use crate::ffi::{LIST_MAX, nvml_call};
use crate::nvml_ref::NvmlRef;

/// The most fields one [`Device::field_values`] or [`Device::clear_field_values`] call takes
/// (65,536); a longer slice is [`NvmlError::InvalidInput`]. NVML defines a few hundred fields.
pub const MAX_FIELDS_PER_CALL: usize = LIST_MAX;

/// A few common field ids, named. Any other `NVML_FI_*` constant of
/// [`nvml_sys`](crate::sys) works the same way.
pub mod field {
    use nvml_sys as sys;

    /// Current ECC mode, 1 = enabled (`NVML_FI_DEV_ECC_CURRENT`).
    pub const ECC_CURRENT: u32 = sys::NVML_FI_DEV_ECC_CURRENT;
    /// Pending ECC mode, applied at the next reboot (`NVML_FI_DEV_ECC_PENDING`).
    pub const ECC_PENDING: u32 = sys::NVML_FI_DEV_ECC_PENDING;
    /// Total single-bit (corrected) ECC errors since the driver loaded
    /// (`NVML_FI_DEV_ECC_SBE_VOL_TOTAL`).
    pub const ECC_SBE_VOLATILE_TOTAL: u32 = sys::NVML_FI_DEV_ECC_SBE_VOL_TOTAL;
    /// Total double-bit (uncorrected) ECC errors since the driver loaded
    /// (`NVML_FI_DEV_ECC_DBE_VOL_TOTAL`).
    pub const ECC_DBE_VOLATILE_TOTAL: u32 = sys::NVML_FI_DEV_ECC_DBE_VOL_TOTAL;
    /// Total single-bit ECC errors over the device's life (`NVML_FI_DEV_ECC_SBE_AGG_TOTAL`).
    pub const ECC_SBE_AGGREGATE_TOTAL: u32 = sys::NVML_FI_DEV_ECC_SBE_AGG_TOTAL;
    /// Total double-bit ECC errors over the device's life (`NVML_FI_DEV_ECC_DBE_AGG_TOTAL`).
    pub const ECC_DBE_AGGREGATE_TOTAL: u32 = sys::NVML_FI_DEV_ECC_DBE_AGG_TOTAL;
    /// Memory temperature, °C (`NVML_FI_DEV_MEMORY_TEMP`).
    pub const MEMORY_TEMPERATURE_C: u32 = sys::NVML_FI_DEV_MEMORY_TEMP;
    /// Energy used since the driver loaded, millijoules
    /// (`NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION`).
    pub const TOTAL_ENERGY_MJ: u32 = sys::NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION;
    /// Instantaneous power draw, milliwatts (`NVML_FI_DEV_POWER_INSTANT`).
    pub const POWER_INSTANT_MW: u32 = sys::NVML_FI_DEV_POWER_INSTANT;
    /// Average power draw, milliwatts (`NVML_FI_DEV_POWER_AVERAGE`).
    pub const POWER_AVERAGE_MW: u32 = sys::NVML_FI_DEV_POWER_AVERAGE;
    /// PCIe replay counter (`NVML_FI_DEV_PCIE_REPLAY_COUNTER`).
    pub const PCIE_REPLAY_COUNTER: u32 = sys::NVML_FI_DEV_PCIE_REPLAY_COUNTER;
    /// Number of NvLinks (`NVML_FI_DEV_NVLINK_LINK_COUNT`).
    pub const NVLINK_LINK_COUNT: u32 = sys::NVML_FI_DEV_NVLINK_LINK_COUNT;
    /// Speed common to all active NvLinks, MB/s (`NVML_FI_DEV_NVLINK_SPEED_MBPS_COMMON`).
    pub const NVLINK_SPEED_MBPS_COMMON: u32 = sys::NVML_FI_DEV_NVLINK_SPEED_MBPS_COMMON;
    /// NvLink bandwidth counter 0, all links, total (`NVML_FI_DEV_NVLINK_BANDWIDTH_C0_TOTAL`).
    pub const NVLINK_BANDWIDTH_C0_TOTAL: u32 = sys::NVML_FI_DEV_NVLINK_BANDWIDTH_C0_TOTAL;
    /// NvLink bandwidth counter 1, all links, total (`NVML_FI_DEV_NVLINK_BANDWIDTH_C1_TOTAL`).
    pub const NVLINK_BANDWIDTH_C1_TOTAL: u32 = sys::NVML_FI_DEV_NVLINK_BANDWIDTH_C1_TOTAL;
    /// NvLink bytes transmitted; the link is the scope id (`NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX`).
    pub const NVLINK_THROUGHPUT_DATA_TX: u32 = sys::NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_TX;
    /// NvLink bytes received; the link is the scope id (`NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX`).
    pub const NVLINK_THROUGHPUT_DATA_RX: u32 = sys::NVML_FI_DEV_NVLINK_THROUGHPUT_DATA_RX;
    /// Rows remapped for correctable errors (`NVML_FI_DEV_REMAPPED_COR`).
    pub const REMAPPED_ROWS_CORRECTABLE: u32 = sys::NVML_FI_DEV_REMAPPED_COR;
    /// Rows remapped for uncorrectable errors (`NVML_FI_DEV_REMAPPED_UNC`).
    pub const REMAPPED_ROWS_UNCORRECTABLE: u32 = sys::NVML_FI_DEV_REMAPPED_UNC;
    /// GPU temperature, °C with sub-degree precision, a double (`NVML_FI_DEV_GPU_TEMP`, 308;
    /// `nvmlDeviceGetTemperatureV` rounds to whole degrees). Drivers before NVML 13.5 answer
    /// `NOT_SUPPORTED` for it.
    pub const GPU_TEMPERATURE_C: u32 = sys::NVML_FI_DEV_GPU_TEMP;
    /// Running total of the time the GPU has been limited by power smoothing, ns
    /// (`NVML_FI_PWR_SMOOTHING_LIMITED_TIME`, 309). Drivers before NVML 13.5 answer
    /// `NOT_SUPPORTED` for it.
    pub const POWER_SMOOTHING_LIMITED_TIME_NS: u32 = sys::NVML_FI_PWR_SMOOTHING_LIMITED_TIME;
}

/// How the loaded driver numbers the field ids that NVIDIA renumbered at driver 580.82
/// (see [the module docs](self#renumbered-field-ids)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FieldIdNumbering {
    /// Driver 580.82 (CUDA 13.0 Update 1) and later: the header's numbers, sent unchanged.
    #[default]
    Current,
    /// Drivers before 580.82: clocks event reasons and power sync at 251–255, power smoothing
    /// at 256–273.
    Before580_82,
}

impl FieldIdNumbering {
    /// The first and last id whose meaning depends on the driver.
    pub const RENUMBERED: std::ops::RangeInclusive<u32> = 251..=273;

    /// The numbering of a driver, from its version string as `nvmlSystemGetDriverVersion`
    /// gives it (`"580.82.07"`, `"570.172.08"`). A string that does not start with
    /// `major.minor` numbers is taken as a current driver.
    pub fn for_driver_version(version: &str) -> Self {
        let mut parts = version.trim().split('.').map(str::parse::<u32>);
        match (parts.next(), parts.next()) {
            (Some(Ok(major)), Some(Ok(minor))) if (major, minor) < (580, 82) => Self::Before580_82,
            _ => Self::Current,
        }
    }

    /// The id to send to the driver for the header's id `id`.
    #[inline]
    pub fn to_driver(self, id: u32) -> u32 {
        match (self, id) {
            // Power smoothing moved down by 5, the clocks event / power sync block up by 18.
            (Self::Before580_82, 251..=268) => id + 5,
            (Self::Before580_82, 269..=273) => id - 18,
            _ => id,
        }
    }

    /// The header's id for the id `id` the driver answered with.
    #[inline]
    pub fn from_driver(self, id: u32) -> u32 {
        match (self, id) {
            (Self::Before580_82, 256..=273) => id - 5,
            (Self::Before580_82, 251..=255) => id + 18,
            _ => id,
        }
    }
}

/// A value from NVML's `nvmlValue_t` union, by the type NVML said it holds.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Value {
    /// `NVML_VALUE_TYPE_DOUBLE`.
    Double(f64),
    /// `NVML_VALUE_TYPE_UNSIGNED_INT`.
    UnsignedInt(u32),
    /// `NVML_VALUE_TYPE_UNSIGNED_LONG` (C `unsigned long`, widened to 64 bits).
    UnsignedLong(u64),
    /// `NVML_VALUE_TYPE_UNSIGNED_LONG_LONG`.
    UnsignedLongLong(u64),
    /// `NVML_VALUE_TYPE_SIGNED_LONG_LONG`.
    SignedLongLong(i64),
    /// `NVML_VALUE_TYPE_SIGNED_INT`.
    SignedInt(i32),
    /// `NVML_VALUE_TYPE_UNSIGNED_SHORT`.
    UnsignedShort(u16),
}

impl Value {
    /// Reads the member of `raw` that `value_type` names; a type the header does not define
    /// is [`NvmlError::UnexpectedValue`].
    ///
    /// `raw` must have been zero-initialised before NVML wrote into it (every caller in this
    /// crate passes NVML a zeroed buffer), so all eight bytes are initialised.
    pub(crate) fn from_raw(
        value_type: sys::nvmlValueType_t,
        raw: &sys::nvmlValue_t,
    ) -> Result<Self> {
        Ok(match ValueType::try_from(value_type)? {
            // SAFETY (each read below): NVML tagged the union with this member's type, so it
            // wrote this member; every member is a plain number valid for any bit pattern, and
            // the union was zeroed before the call, so even bytes NVML did not write are
            // initialised.
            // SAFETY: see above; `dVal` per the `DOUBLE` tag.
            ValueType::Double => Value::Double(unsafe { raw.dVal }),
            // SAFETY: see above; `uiVal` per the `UNSIGNED_INT` tag.
            ValueType::UnsignedInt => Value::UnsignedInt(unsafe { raw.uiVal }),
            ValueType::UnsignedLong => {
                // SAFETY: see above; `ulVal` per the `UNSIGNED_LONG` tag.
                let v = unsafe { raw.ulVal };
                #[allow(
                    clippy::useless_conversion,
                    reason = "`unsigned long` is 32-bit on Windows"
                )]
                let widened = u64::from(v);
                Value::UnsignedLong(widened)
            }
            // SAFETY: see above; `ullVal` per the `UNSIGNED_LONG_LONG` tag.
            ValueType::UnsignedLongLong => Value::UnsignedLongLong(unsafe { raw.ullVal }),
            // SAFETY: see above; `sllVal` per the `SIGNED_LONG_LONG` tag.
            ValueType::SignedLongLong => Value::SignedLongLong(unsafe { raw.sllVal }),
            // SAFETY: see above; `siVal` per the `SIGNED_INT` tag.
            ValueType::SignedInt => Value::SignedInt(unsafe { raw.siVal }),
            // SAFETY: see above; `usVal` per the `UNSIGNED_SHORT` tag.
            ValueType::UnsignedShort => Value::UnsignedShort(unsafe { raw.usVal }),
            // A union member the header does not name cannot be read; this one value is the
            // error, the rest of a batch is not.
            ValueType::Other(raw) => {
                return Err(NvmlError::UnexpectedValue {
                    what: "nvmlValueType_t",
                    value: i64::from(raw),
                });
            }
        })
    }

    /// The NVML type this value had.
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Double(_) => ValueType::Double,
            Value::UnsignedInt(_) => ValueType::UnsignedInt,
            Value::UnsignedLong(_) => ValueType::UnsignedLong,
            Value::UnsignedLongLong(_) => ValueType::UnsignedLongLong,
            Value::SignedLongLong(_) => ValueType::SignedLongLong,
            Value::SignedInt(_) => ValueType::SignedInt,
            Value::UnsignedShort(_) => ValueType::UnsignedShort,
        }
    }

    /// The value as a `u64`, if it is an integer that fits (not negative, not a double).
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::UnsignedInt(v) => Some(u64::from(v)),
            Value::UnsignedLong(v) | Value::UnsignedLongLong(v) => Some(v),
            Value::UnsignedShort(v) => Some(u64::from(v)),
            Value::SignedLongLong(v) => u64::try_from(v).ok(),
            Value::SignedInt(v) => u64::try_from(v).ok(),
            Value::Double(_) => None,
        }
    }

    /// The value as an `i64`, if it is an integer that fits (not a double).
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::UnsignedInt(v) => Some(i64::from(v)),
            Value::UnsignedLong(v) | Value::UnsignedLongLong(v) => i64::try_from(v).ok(),
            Value::UnsignedShort(v) => Some(i64::from(v)),
            Value::SignedLongLong(v) => Some(v),
            Value::SignedInt(v) => Some(i64::from(v)),
            Value::Double(_) => None,
        }
    }

    /// The value as an `f64` (64-bit integers beyond 2^53 lose precision).
    pub fn as_f64(&self) -> f64 {
        match *self {
            Value::Double(v) => v,
            Value::UnsignedInt(v) => f64::from(v),
            Value::UnsignedLong(v) | Value::UnsignedLongLong(v) => v as f64,
            Value::SignedLongLong(v) => v as f64,
            Value::SignedInt(v) => f64::from(v),
            Value::UnsignedShort(v) => f64::from(v),
        }
    }
}

/// One field of a [`Device::field_values`] batch.
///
/// Not `Clone`/`PartialEq`, because [`NvmlError`] is neither; match on `value`. With the
/// `serde` feature it is `Serialize` (not `Deserialize`): `value` becomes `{"Ok": <Value>}`
/// or `{"Err": "<the error's message>"}`.
#[derive(Debug)]
pub struct FieldValue {
    /// The field id asked for (`NVML_FI_*`).
    pub field_id: u32,
    /// The scope asked for, e.g. the NvLink for per-link fields (0 where unused).
    pub scope_id: u32,
    /// When NVML read the value: CPU time, microseconds since 1970.
    pub timestamp: i64,
    /// How long NVML took to update the value, microseconds (may be averaged over fields
    /// served by the same driver call).
    pub latency_us: i64,
    /// The value, or why this one field could not be read (its own `nvmlReturn`, or
    /// [`NvmlError::UnexpectedValue`] for a value type the header does not define).
    pub value: Result<Value, NvmlError>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for FieldValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let value: std::result::Result<&Value, String> = match &self.value {
            Ok(v) => Ok(v),
            Err(e) => Err(e.to_string()),
        };
        let mut st = s.serialize_struct("FieldValue", 5)?;
        st.serialize_field("field_id", &self.field_id)?;
        st.serialize_field("scope_id", &self.scope_id)?;
        st.serialize_field("timestamp", &self.timestamp)?;
        st.serialize_field("latency_us", &self.latency_us)?;
        st.serialize_field("value", &value)?;
        st.end()
    }
}

impl FieldValue {
    // `always`: out of line, each 72-byte result is returned through memory and copied into
    // the `Vec`, which made the batch half again as slow as the C call (see BENCHMARKS.md).
    #[inline(always)]
    fn from_raw(raw: &sys::nvmlFieldValue_t, numbering: FieldIdNumbering) -> Self {
        let value = match NvmlError::from_code(raw.nvmlReturn, "nvmlDeviceGetFieldValues") {
            Some(e) => Err(e),
            None => Value::from_raw(raw.valueType, &raw.value),
        };
        FieldValue {
            field_id: numbering.from_driver(raw.fieldId),
            scope_id: raw.scopeId,
            timestamp: raw.timestamp,
            latency_us: raw.latencyUsec,
            value,
        }
    }
}

/// A zeroed request for one field (the union too, which [`Value::from_raw`] relies on).
fn request(field_id: u32, scope_id: u32) -> sys::nvmlFieldValue_t {
    sys::nvmlFieldValue_t {
        fieldId: field_id,
        scopeId: scope_id,
        ..Default::default()
    }
}

/// The batch length as NVML's `int`, refusing batches over [`MAX_FIELDS_PER_CALL`].
fn batch_len(len: usize) -> Result<c_int> {
    if len > MAX_FIELDS_PER_CALL {
        return Err(NvmlError::InvalidInput(
            "too many field ids in one call (more than MAX_FIELDS_PER_CALL)",
        ));
    }
    c_int::try_from(len).map_err(|_| NvmlError::InvalidInput("too many field ids in one call"))
}

impl<N: NvmlRef> Device<'_, N> {
    /// Reads several fields at once, each with scope 0 (`nvmlDeviceGetFieldValues`, one C call
    /// for the whole batch).
    ///
    /// Returns one [`FieldValue`] per id, in order; each carries its own result. The call
    /// itself fails only if NVML rejects the whole batch (or lacks the function).
    ///
    /// # Errors
    /// [`NvmlError::InvalidInput`] for more than [`MAX_FIELDS_PER_CALL`] ids; NVML's errors.
    #[doc(alias = "nvmlDeviceGetFieldValues")]
    pub fn field_values(&self, field_ids: &[u32]) -> Result<Vec<FieldValue>> {
        batch_len(field_ids.len())?;
        let numbering = self.nvml.as_nvml().field_id_numbering();
        let requests: Vec<_> = field_ids
            .iter()
            .map(|id| request(numbering.to_driver(*id), 0))
            .collect();
        self.field_values_raw(requests)
    }

    /// Like [`Device::field_values`], with a scope per field: `(field_id, scope_id)` pairs,
    /// e.g. `(field::NVLINK_THROUGHPUT_DATA_TX, link)` (`nvmlDeviceGetFieldValues`).
    #[doc(alias = "nvmlDeviceGetFieldValues")]
    pub fn scoped_field_values(&self, fields: &[(u32, u32)]) -> Result<Vec<FieldValue>> {
        batch_len(fields.len())?;
        let numbering = self.nvml.as_nvml().field_id_numbering();
        let requests: Vec<_> = fields
            .iter()
            .map(|(id, scope)| request(numbering.to_driver(*id), *scope))
            .collect();
        self.field_values_raw(requests)
    }

    fn field_values_raw(
        &self,
        mut requests: Vec<sys::nvmlFieldValue_t>,
    ) -> Result<Vec<FieldValue>> {
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        let count = batch_len(requests.len())?;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetFieldValues(self.handle, count, requests.as_mut_ptr())
        )?;
        let numbering = self.nvml.as_nvml().field_id_numbering();
        Ok(requests
            .iter()
            .map(|raw| FieldValue::from_raw(raw, numbering))
            .collect())
    }

    /// Resets the given fields (e.g. counters) to zero, each with scope 0
    /// (`nvmlDeviceClearFieldValues`, one C call for the whole batch).
    ///
    /// # Errors
    /// [`NvmlError::InvalidInput`] for more than [`MAX_FIELDS_PER_CALL`] ids; NVML's error for
    /// the whole call; otherwise, if some field could not be cleared, the error of the first
    /// such field (the others were still attempted).
    #[doc(alias = "nvmlDeviceClearFieldValues")]
    pub fn clear_field_values(&self, field_ids: &[u32]) -> Result<()> {
        let count = batch_len(field_ids.len())?;
        if count == 0 {
            return Ok(());
        }
        let numbering = self.nvml.as_nvml().field_id_numbering();
        let mut requests: Vec<_> = field_ids
            .iter()
            .map(|id| request(numbering.to_driver(*id), 0))
            .collect();
        nvml_call!(
            self.nvml,
            nvmlDeviceClearFieldValues(self.handle, count, requests.as_mut_ptr())
        )?;
        match requests
            .iter()
            .find_map(|r| NvmlError::from_code(r.nvmlReturn, "nvmlDeviceClearFieldValues"))
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_members_follow_the_tag_and_unknown_tags_are_errors() {
        let raw = sys::nvmlValue_t {
            ullVal: 0x1_0000_0002,
        };
        assert_eq!(
            Value::from_raw(sys::NVML_VALUE_TYPE_UNSIGNED_LONG_LONG, &raw).unwrap(),
            Value::UnsignedLongLong(0x1_0000_0002)
        );
        let raw = sys::nvmlValue_t { siVal: -5 };
        let v = Value::from_raw(sys::NVML_VALUE_TYPE_SIGNED_INT, &raw).unwrap();
        assert_eq!(v, Value::SignedInt(-5));
        assert_eq!((v.as_i64(), v.as_u64()), (Some(-5), None));
        let raw = sys::nvmlValue_t { dVal: 1.5 };
        assert_eq!(
            Value::from_raw(sys::NVML_VALUE_TYPE_DOUBLE, &raw).unwrap(),
            Value::Double(1.5)
        );
        assert!(matches!(
            Value::from_raw(sys::NVML_VALUE_TYPE_COUNT, &raw),
            Err(NvmlError::UnexpectedValue { value: 7, .. })
        ));
    }

    #[test]
    fn per_field_return_codes_become_per_field_errors() {
        let mut raw = request(sys::NVML_FI_DEV_MEMORY_TEMP, 0);
        raw.nvmlReturn = sys::NVML_ERROR_NOT_SUPPORTED;
        let fv = FieldValue::from_raw(&raw, FieldIdNumbering::Current);
        assert!(matches!(fv.value, Err(NvmlError::NotSupported(_))));
        assert_eq!(fv.field_id, sys::NVML_FI_DEV_MEMORY_TEMP);
    }

    #[test]
    fn driver_versions_either_side_of_580_82_choose_the_numbering() {
        use FieldIdNumbering::*;
        for (version, numbering) in [
            ("470.256.02", Before580_82),
            ("535.247.01", Before580_82),
            ("550.163.01", Before580_82),
            ("570.172.08", Before580_82),
            ("580.65.06", Before580_82),
            ("580.76.05", Before580_82),
            ("580.82.07", Current),
            ("580.105.08", Current),
            ("590.44.01", Current),
            ("1000.1", Current),
            // Not a version: the header's numbering.
            ("", Current),
            ("r580", Current),
            ("580", Current),
        ] {
            assert_eq!(
                FieldIdNumbering::for_driver_version(version),
                numbering,
                "{version}"
            );
        }
    }

    #[test]
    fn old_drivers_get_their_own_numbers_for_the_renumbered_fields() {
        let old = FieldIdNumbering::Before580_82;
        // NVIDIA's numbering before CUDA 13.0 Update 1 (nvml.h of CUDA 13.0 and 12.x).
        assert_eq!(
            old.to_driver(sys::NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN),
            251
        );
        assert_eq!(
            old.to_driver(sys::NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN),
            252
        );
        assert_eq!(
            old.to_driver(sys::NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN),
            253
        );
        assert_eq!(
            old.to_driver(sys::NVML_FI_DEV_POWER_SYNC_BALANCING_FREQ),
            254
        );
        assert_eq!(old.to_driver(sys::NVML_FI_DEV_POWER_SYNC_BALANCING_AF), 255);
        assert_eq!(old.to_driver(sys::NVML_FI_PWR_SMOOTHING_ENABLED), 256);
        assert_eq!(
            old.to_driver(sys::NVML_FI_PWR_SMOOTHING_ADMIN_OVERRIDE_RAMP_DOWN_HYST_VAL),
            273
        );
        // Outside the range nothing changes, on either numbering.
        for id in [
            0,
            250,
            274,
            sys::NVML_FI_DEV_EDPP_MULTIPLIER,
            field::GPU_TEMPERATURE_C,
            field::POWER_SMOOTHING_LIMITED_TIME_NS,
            u32::MAX,
        ] {
            assert_eq!(old.to_driver(id), id);
            assert_eq!(old.from_driver(id), id);
        }
        // A bijection on 251..=273 that `from_driver` undoes; identity for current drivers.
        let mut sent: Vec<u32> = FieldIdNumbering::RENUMBERED
            .map(|id| old.to_driver(id))
            .collect();
        for id in FieldIdNumbering::RENUMBERED {
            assert_eq!(old.from_driver(old.to_driver(id)), id);
            assert_eq!(FieldIdNumbering::Current.to_driver(id), id);
            assert_eq!(FieldIdNumbering::Current.from_driver(id), id);
        }
        sent.sort_unstable();
        assert_eq!(sent, FieldIdNumbering::RENUMBERED.collect::<Vec<_>>());
    }

    #[test]
    fn oversized_batches_are_refused_before_any_allocation() {
        assert!(batch_len(MAX_FIELDS_PER_CALL).is_ok());
        assert!(matches!(
            batch_len(MAX_FIELDS_PER_CALL + 1),
            Err(NvmlError::InvalidInput(_))
        ));
        assert!(matches!(
            batch_len(usize::MAX),
            Err(NvmlError::InvalidInput(_))
        ));
    }
}
