//! Events and GPU operational events.

use nvml_sys as sys;

nvml_enum! {
    /// Which format an event from `nvmlEventSetWait_v3` is in (`nvmlEventDataType_t`).
    pub enum EventDataType: sys::nvmlEventDataType_t {
        /// A classic event bit (`nvmlDeviceRegisterEvents`), e.g. an XID.
        NvmlEvent = sys::NVML_EVENT_DATA_TYPE_NVML_EVENT,
        /// A structured GPU operational event (`nvmlEventSetRegisterGpuOperationalEvents_v1`).
        GpuOperationalEvent = sys::NVML_EVENT_DATA_TYPE_GPU_OPERATIONAL_EVENT,
    }
}

nvml_enum! {
    /// Minimum log level of structured GPU operational events to receive
    /// (`nvmlGpuOperationalEventLogLevel_t`); higher is more selective.
    pub enum OperationalEventLogLevel: sys::nvmlGpuOperationalEventLogLevel_t {
        /// Every level (no filter).
        All = sys::NVML_GPU_OPERATIONAL_EVENT_LOG_LEVEL_ALL,
        /// High-volume telemetry.
        Telemetry = sys::NVML_GPU_OPERATIONAL_EVENT_LOG_LEVEL_TELEMETRY,
        /// Diagnostics.
        Diag = sys::NVML_GPU_OPERATIONAL_EVENT_LOG_LEVEL_DIAG,
        /// Notable operational events.
        Notice = sys::NVML_GPU_OPERATIONAL_EVENT_LOG_LEVEL_NOTICE,
        /// Warnings.
        Warning = sys::NVML_GPU_OPERATIONAL_EVENT_LOG_LEVEL_WARNING,
        /// Errors.
        Error = sys::NVML_GPU_OPERATIONAL_EVENT_LOG_LEVEL_ERROR,
    }
}

nvml_enum! {
    /// Severity of a structured operational event (`nvmlOperationalEventSeverity_t`); higher
    /// is more severe.
    pub enum OperationalEventSeverity: sys::nvmlOperationalEventSeverity_t {
        /// Every severity (no filter).
        All = sys::NVML_OPERATIONAL_EVENT_SEVERITY_ALL,
        /// Informational.
        Informational = sys::NVML_OPERATIONAL_EVENT_SEVERITY_INFORMATIONAL,
        /// A corrected error.
        Corrected = sys::NVML_OPERATIONAL_EVENT_SEVERITY_CORRECTED,
        /// A recoverable error.
        Recoverable = sys::NVML_OPERATIONAL_EVENT_SEVERITY_RECOVERABLE,
        /// A fatal error.
        Fatal = sys::NVML_OPERATIONAL_EVENT_SEVERITY_FATAL,
    }
}

nvml_enum! {
    /// How NVML interprets a context record of a GPU operational event
    /// (`nvmlGpuOperationalEventContextType_t`).
    pub enum OperationalEventContextType: sys::nvmlGpuOperationalEventContextType_t {
        /// No public interpretation: read the raw payload.
        Unknown = sys::NVML_GPU_OPERATIONAL_EVENT_CONTEXT_TYPE_UNKNOWN,
        /// A legacy XID, decoded by `EventSet::context_legacy_xid`.
        LegacyXid = sys::NVML_GPU_OPERATIONAL_EVENT_CONTEXT_TYPE_LEGACY_XID,
    }
}
