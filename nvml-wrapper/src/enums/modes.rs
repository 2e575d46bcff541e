//! Operation modes: compute mode, GPU operation mode, restricted APIs.

use nvml_sys as sys;

nvml_enum! {
    /// Compute mode (`nvmlComputeMode_t`).
    pub enum ComputeMode: sys::nvmlComputeMode_t {
        /// Many contexts per device.
        Default = sys::NVML_COMPUTEMODE_DEFAULT,
        /// Deprecated: one context per device, usable from one thread at a time.
        ExclusiveThread = sys::NVML_COMPUTEMODE_EXCLUSIVE_THREAD,
        /// No compute contexts.
        Prohibited = sys::NVML_COMPUTEMODE_PROHIBITED,
        /// One context per device, usable from many threads at a time.
        ExclusiveProcess = sys::NVML_COMPUTEMODE_EXCLUSIVE_PROCESS,
    }
}

nvml_enum! {
    /// A group of APIs that can be restricted to root (`nvmlRestrictedAPI_t`).
    pub enum RestrictedApi: sys::nvmlRestrictedAPI_t {
        /// Setting application clocks (`nvmlDeviceSetApplicationsClocks`).
        SetApplicationClocks = sys::NVML_RESTRICTED_API_SET_APPLICATION_CLOCKS,
        /// Enabling or disabling auto-boosted clocks.
        SetAutoBoostedClocks = sys::NVML_RESTRICTED_API_SET_AUTO_BOOSTED_CLOCKS,
    }
}

nvml_enum! {
    /// GPU operation mode (GOM): which features are powered (`nvmlGpuOperationMode_t`).
    pub enum GpuOperationMode: sys::nvmlGpuOperationMode_t {
        /// Everything enabled, full speed.
        AllOn = sys::NVML_GOM_ALL_ON,
        /// Compute only: graphics operations are not allowed.
        Compute = sys::NVML_GOM_COMPUTE,
        /// Graphics without high-bandwidth double precision.
        LowDoublePrecision = sys::NVML_GOM_LOW_DP,
    }
}
