//! S-class units: the external enclosures (Tesla S-class systems) that hold GPUs, with their
//! own fans, power supply, temperature sensors and LED. NVML's "Unit Queries" and "Unit
//! Commands" groups.
//!
//! ```no_run
//! # let nvml = nvml_wrapper::Nvml::init()?;
//! for index in 0..nvml.unit_count()? {
//!     let unit = nvml.unit_by_index(index)?;
//!     println!("{}: {:?}", unit.info()?.name, unit.led_state()?.color);
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

use std::ffi::c_uint;

use nvml_sys as sys;

use crate::device::Device;
use crate::enums::{FanState, LedColor};
use crate::error::Result;
use crate::ffi::{nvml_call, read_list, string_from_c_buf};
use crate::nvml::Nvml;
use crate::nvml_ref::NvmlRef;

crate::handle::handle! {
    pointer "unit";
    /// One S-class unit (`nvmlUnit_t`): borrowed from the [`Nvml`] that found it
    /// (`Unit<'nvml>`), or owned ([`OwnedUnit`], from [`Unit::into_owned`]); see
    /// [`NvmlRef`].
    pub struct Unit(sys::nvmlUnit_t);
    /// A [`Unit`] that owns a share of its library: no lifetime, `Send + Sync + 'static`.
    pub type OwnedUnit;
}

/// Static information about a unit (`nvmlUnitInfo_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnitInfo {
    /// Product name.
    pub name: String,
    /// Product identifier.
    pub id: String,
    /// Serial number.
    pub serial: String,
    /// Firmware version.
    pub firmware_version: String,
}

/// The unit's LED (`nvmlLedState_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LedState {
    /// Green or amber.
    pub color: LedColor,
    /// Why it is amber, in words (empty when green).
    pub cause: String,
}

/// The unit's power supply (`nvmlPSUInfo_t`).
///
/// `nvml.h` labels the current and voltage fields "(A)" and "(V)", but the library reports them
/// in hundredths: NVIDIA's own `nvidia-smi` prints `voltage / 100` and `current / 100` with two
/// decimals ("12.05 V"). The fields keep the library's integers under names that say so;
/// [`voltage_volts`](Self::voltage_volts) and [`current_amps`](Self::current_amps) convert.
/// No NVIDIA client prints `power`, so it keeps the header's unit, watts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PsuInfo {
    /// State, in words (e.g. `"Normal"`, `"Abnormal"`).
    pub state: String,
    /// Current, in hundredths of an ampere (`nvmlPSUInfo_t::current`).
    pub current_centiamps: u32,
    /// Voltage, in hundredths of a volt (`nvmlPSUInfo_t::voltage`).
    pub voltage_centivolts: u32,
    /// Power draw, in W (`nvmlPSUInfo_t::power`).
    pub power_w: u32,
}

impl PsuInfo {
    /// The voltage in volts, as `nvidia-smi -q -u` prints it.
    pub fn voltage_volts(&self) -> f64 {
        f64::from(self.voltage_centivolts) / 100.0
    }

    /// The current in amperes, as `nvidia-smi -q -u` prints it.
    pub fn current_amps(&self) -> f64 {
        f64::from(self.current_centiamps) / 100.0
    }
}

/// One fan of a unit (`nvmlUnitFanInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UnitFan {
    /// Speed, in RPM.
    pub speed_rpm: u32,
    /// Whether it works.
    pub state: FanState,
}

/// Which temperature sensor of a unit to read (the `type` of `nvmlUnitGetTemperature`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum UnitTemperatureSensor {
    /// Air intake (type 0).
    Intake,
    /// Air exhaust (type 1).
    Exhaust,
    /// The board (type 2).
    Board,
}

impl UnitTemperatureSensor {
    /// The C value.
    pub const fn as_raw(self) -> c_uint {
        match self {
            Self::Intake => 0,
            Self::Exhaust => 1,
            Self::Board => 2,
        }
    }
}

impl Nvml {
    /// How many S-class units the system has (`nvmlUnitGetCount`); 0 on machines without.
    #[doc(alias = "nvmlUnitGetCount")]
    pub fn unit_count(&self) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(self, nvmlUnitGetCount(&mut count))?;
        Ok(count)
    }

    /// The unit at `index`, 0 to [`unit_count`](Self::unit_count) − 1
    /// (`nvmlUnitGetHandleByIndex`).
    #[doc(alias = "nvmlUnitGetHandleByIndex")]
    pub fn unit_by_index(&self, index: u32) -> Result<Unit<'_>> {
        let mut handle: sys::nvmlUnit_t = std::ptr::null_mut();
        nvml_call!(self, nvmlUnitGetHandleByIndex(index, &mut handle))?;
        Unit::from_handle(self, handle)
    }

    /// Every unit (`nvmlUnitGetCount`, then `nvmlUnitGetHandleByIndex` for each).
    pub fn units(&self) -> Result<Vec<Unit<'_>>> {
        (0..crate::ffi::believable_count(self.unit_count()?, "unit count")?)
            .map(|index| self.unit_by_index(index))
            .collect()
    }
}

impl<'nvml, N: NvmlRef> Unit<'nvml, N> {
    /// Name, id, serial number and firmware version (`nvmlUnitGetUnitInfo`).
    #[doc(alias = "nvmlUnitGetUnitInfo")]
    pub fn info(&self) -> Result<UnitInfo> {
        let mut info = sys::nvmlUnitInfo_t {
            name: [0; 96],
            id: [0; 96],
            serial: [0; 96],
            firmwareVersion: [0; 96],
        };
        nvml_call!(self.nvml, nvmlUnitGetUnitInfo(self.handle, &mut info))?;
        Ok(UnitInfo {
            name: string_from_c_buf(&info.name)?,
            id: string_from_c_buf(&info.id)?,
            serial: string_from_c_buf(&info.serial)?,
            firmware_version: string_from_c_buf(&info.firmwareVersion)?,
        })
    }

    /// The LED's color and, if amber, why (`nvmlUnitGetLedState`).
    #[doc(alias = "nvmlUnitGetLedState")]
    pub fn led_state(&self) -> Result<LedState> {
        let mut state = sys::nvmlLedState_t {
            cause: [0; 256],
            color: 0,
        };
        nvml_call!(self.nvml, nvmlUnitGetLedState(self.handle, &mut state))?;
        Ok(LedState {
            color: LedColor::try_from(state.color)?,
            cause: string_from_c_buf(&state.cause)?,
        })
    }

    /// Sets the LED's color (`nvmlUnitSetLedState`). Needs root. On current S-class products
    /// the front and back LEDs are one.
    #[doc(alias = "nvmlUnitSetLedState")]
    pub fn set_led_color(&self, color: LedColor) -> Result<()> {
        nvml_call!(self.nvml, nvmlUnitSetLedState(self.handle, color.as_raw()))
    }

    /// The power supply's state and readings (`nvmlUnitGetPsuInfo`).
    #[doc(alias = "nvmlUnitGetPsuInfo")]
    pub fn psu_info(&self) -> Result<PsuInfo> {
        let mut psu = sys::nvmlPSUInfo_t {
            state: [0; 256],
            current: 0,
            voltage: 0,
            power: 0,
        };
        nvml_call!(self.nvml, nvmlUnitGetPsuInfo(self.handle, &mut psu))?;
        Ok(PsuInfo {
            state: string_from_c_buf(&psu.state)?,
            current_centiamps: psu.current,
            voltage_centivolts: psu.voltage,
            power_w: psu.power,
        })
    }

    /// One temperature reading, in °C (`nvmlUnitGetTemperature`). Which sensors exist
    /// depends on the product.
    #[doc(alias = "nvmlUnitGetTemperature")]
    pub fn temperature(&self, sensor: UnitTemperatureSensor) -> Result<u32> {
        let mut celsius: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlUnitGetTemperature(self.handle, sensor.as_raw(), &mut celsius)
        )?;
        Ok(celsius)
    }

    /// Every fan's speed and state (`nvmlUnitGetFanSpeedInfo`). The count the library
    /// reports is clamped to the struct's 24 entries.
    #[doc(alias = "nvmlUnitGetFanSpeedInfo")]
    pub fn fan_speeds(&self) -> Result<Vec<UnitFan>> {
        let mut fans = sys::nvmlUnitFanSpeeds_t {
            fans: [sys::nvmlUnitFanInfo_t { speed: 0, state: 0 }; 24],
            count: 0,
        };
        nvml_call!(self.nvml, nvmlUnitGetFanSpeedInfo(self.handle, &mut fans))?;
        fans.fans
            .iter()
            .take(fans.count as usize)
            .map(|fan| {
                Ok(UnitFan {
                    speed_rpm: fan.speed,
                    state: FanState::try_from(fan.state)?,
                })
            })
            .collect()
    }

    /// The GPUs in this unit (`nvmlUnitGetDevices`).
    #[doc(alias = "nvmlUnitGetDevices")]
    pub fn devices(&self) -> Result<Vec<Device<'nvml, N>>> {
        let handles = read_list(|count, devices| {
            nvml_call!(self.nvml, nvmlUnitGetDevices(self.handle, count, devices))
        })?;
        handles
            .into_iter()
            .map(|handle| Device::from_handle(self.nvml.clone(), handle))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    //! Error paths of the unit queries on a machine without S-class units (the default
    //! profile): a made-up handle, which the mock never dereferences, is an unknown unit.
    //! The values of a real unit are tested in `tests/it/units.rs` (profile `s-class`).

    use super::*;
    use crate::error::NvmlError;

    fn mock() -> (Nvml, nvml_mock::Staged) {
        let staged = nvml_mock::Staged::new().unwrap();
        let nvml = Nvml::builder().library_path(staged.path()).init().unwrap();
        (nvml, staged)
    }

    /// `call` is INVALID_ARGUMENT (an unknown unit handle), and reaches `func`: a fault
    /// injected there comes back as its variant.
    fn invalid_then_fault<T: std::fmt::Debug>(
        staged: &nvml_mock::Staged,
        func: &str,
        call: impl Fn() -> Result<T>,
    ) {
        let got = call();
        assert!(
            matches!(got, Err(NvmlError::InvalidArgument(_))),
            "{func}: {got:?}"
        );
        staged.set_fault(func, sys::NVML_ERROR_GPU_IS_LOST).unwrap();
        let got = call();
        assert!(matches!(got, Err(NvmlError::GpuLost(_))), "{func}: {got:?}");
        staged.clear_fault(func).unwrap();
    }

    #[test]
    fn unknown_unit_handles_are_invalid_arguments() {
        let (nvml, staged) = mock();
        // A made-up, never dereferenced handle (see the module's docs).
        let unit = Unit::from_handle(&nvml, std::ptr::dangling_mut()).unwrap();
        invalid_then_fault(&staged, "nvmlUnitGetUnitInfo", || unit.info());
        invalid_then_fault(&staged, "nvmlUnitGetLedState", || unit.led_state());
        invalid_then_fault(&staged, "nvmlUnitSetLedState", || {
            unit.set_led_color(LedColor::Amber)
        });
        invalid_then_fault(&staged, "nvmlUnitGetPsuInfo", || unit.psu_info());
        invalid_then_fault(&staged, "nvmlUnitGetTemperature", || {
            unit.temperature(UnitTemperatureSensor::Exhaust)
        });
        invalid_then_fault(&staged, "nvmlUnitGetFanSpeedInfo", || unit.fan_speeds());
        invalid_then_fault(&staged, "nvmlUnitGetDevices", || unit.devices());
        drop(nvml);
    }

    #[test]
    fn a_null_handle_is_never_a_unit() {
        let (nvml, _staged) = mock();
        assert!(matches!(
            Unit::from_handle(&nvml, std::ptr::null_mut()),
            Err(NvmlError::UnexpectedValue {
                what: "unit handle",
                ..
            })
        ));
    }

    #[test]
    fn units_are_send_and_sync() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Unit<'_>>();
    }

    #[test]
    fn temperature_sensor_types_are_the_headers() {
        assert_eq!(UnitTemperatureSensor::Intake.as_raw(), 0);
        assert_eq!(UnitTemperatureSensor::Exhaust.as_raw(), 1);
        assert_eq!(UnitTemperatureSensor::Board.as_raw(), 2);
    }
}
