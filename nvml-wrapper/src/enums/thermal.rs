//! Temperatures and fan control.

use nvml_sys as sys;

nvml_enum! {
    /// Temperature sensor (`nvmlTemperatureSensors_t`).
    pub enum TemperatureSensor: sys::nvmlTemperatureSensors_t {
        /// The GPU die.
        Gpu = sys::NVML_TEMPERATURE_GPU,
        /// The hottest GPU sensor.
        GpuMax = sys::NVML_TEMPERATURE_GPU_MAX,
    }
}

nvml_enum! {
    /// Temperature threshold (`nvmlTemperatureThresholds_t`).
    pub enum TemperatureThreshold: sys::nvmlTemperatureThresholds_t {
        /// The GPU shuts down at this temperature.
        Shutdown = sys::NVML_TEMPERATURE_THRESHOLD_SHUTDOWN,
        /// The GPU slows down at this temperature.
        Slowdown = sys::NVML_TEMPERATURE_THRESHOLD_SLOWDOWN,
        /// Maximum memory temperature.
        MemoryMax = sys::NVML_TEMPERATURE_THRESHOLD_MEM_MAX,
        /// Maximum GPU temperature for normal operation.
        GpuMax = sys::NVML_TEMPERATURE_THRESHOLD_GPU_MAX,
        /// Minimum acoustic threshold.
        AcousticMin = sys::NVML_TEMPERATURE_THRESHOLD_ACOUSTIC_MIN,
        /// Current acoustic threshold.
        AcousticCurrent = sys::NVML_TEMPERATURE_THRESHOLD_ACOUSTIC_CURR,
        /// Maximum acoustic threshold.
        AcousticMax = sys::NVML_TEMPERATURE_THRESHOLD_ACOUSTIC_MAX,
        /// Current GPS (GPU performance scaling) threshold.
        GpsCurrent = sys::NVML_TEMPERATURE_THRESHOLD_GPS_CURR,
    }
}

nvml_enum! {
    /// Who drives a fan (`nvmlFanControlPolicy_t`).
    pub enum FanControlPolicy: sys::nvmlFanControlPolicy_t {
        /// The driver, by temperature (`NVML_FAN_POLICY_TEMPERATURE_CONTINOUS_SW`).
        TemperatureContinuousSw = sys::NVML_FAN_POLICY_TEMPERATURE_CONTINOUS_SW,
        /// Manual: the speed set with `nvmlDeviceSetFanSpeed_v2`.
        Manual = sys::NVML_FAN_POLICY_MANUAL,
    }
}
