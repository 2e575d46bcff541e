//! S-class units: LED colours and fan states.

use nvml_sys as sys;

nvml_enum! {
    /// Color of an S-class unit's LED (`nvmlLedColor_t`).
    pub enum LedColor: sys::nvmlLedColor_t {
        /// Green: normal operation.
        Green = sys::NVML_LED_COLOR_GREEN,
        /// Amber: a problem (see the LED state's cause).
        Amber = sys::NVML_LED_COLOR_AMBER,
    }
}

nvml_enum! {
    /// Whether a unit's fan works (`nvmlFanState_t`).
    pub enum FanState: sys::nvmlFanState_t {
        /// Working properly.
        Normal = sys::NVML_FAN_NORMAL,
        /// Failed.
        Failed = sys::NVML_FAN_FAILED,
    }
}
