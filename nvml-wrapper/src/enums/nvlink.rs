//! NvLink: capabilities, versions, error counters, remote device types, telemetry.

use nvml_sys as sys;

nvml_enum! {
    /// A capability of one NvLink (`nvmlNvLinkCapability_t`).
    pub enum NvLinkCapability: sys::nvmlNvLinkCapability_t {
        /// Peer-to-peer over the link.
        P2pSupported = sys::NVML_NVLINK_CAP_P2P_SUPPORTED,
        /// Access to system memory.
        SysmemAccess = sys::NVML_NVLINK_CAP_SYSMEM_ACCESS,
        /// Peer-to-peer atomics.
        P2pAtomics = sys::NVML_NVLINK_CAP_P2P_ATOMICS,
        /// System memory atomics.
        SysmemAtomics = sys::NVML_NVLINK_CAP_SYSMEM_ATOMICS,
        /// SLI bridge.
        SliBridge = sys::NVML_NVLINK_CAP_SLI_BRIDGE,
        /// The link is supported on this device.
        Valid = sys::NVML_NVLINK_CAP_VALID,
    }
}

nvml_enum! {
    /// The version of an NvLink (`nvmlNvlinkVersion_t`), as `nvmlDeviceGetNvLinkVersion`
    /// reports it. The C values are not the version numbers: NvLink 4.0 is 6.
    pub enum NvLinkVersion: sys::nvmlNvlinkVersion_t {
        /// No valid version (`NVML_NVLINK_VERSION_INVALID`).
        Invalid = sys::NVML_NVLINK_VERSION_INVALID,
        /// NvLink 1.0 (Pascal).
        V1_0 = sys::NVML_NVLINK_VERSION_1_0,
        /// NvLink 2.0 (Volta).
        V2_0 = sys::NVML_NVLINK_VERSION_2_0,
        /// NvLink 2.2.
        V2_2 = sys::NVML_NVLINK_VERSION_2_2,
        /// NvLink 3.0.
        V3_0 = sys::NVML_NVLINK_VERSION_3_0,
        /// NvLink 3.1 (what Ampere drivers report).
        V3_1 = sys::NVML_NVLINK_VERSION_3_1,
        /// NvLink 4.0 (Hopper).
        V4_0 = sys::NVML_NVLINK_VERSION_4_0,
        /// NvLink 5.0 (Blackwell).
        V5_0 = sys::NVML_NVLINK_VERSION_5_0,
        /// NvLink 6.0.
        V6_0 = sys::NVML_NVLINK_VERSION_6_0,
    }
}

impl NvLinkVersion {
    /// The version as (major, minor): `(4, 0)` for [`NvLinkVersion::V4_0`]; `None` for
    /// [`NvLinkVersion::Invalid`] and for a version newer than the header.
    pub const fn major_minor(self) -> Option<(u32, u32)> {
        match self {
            Self::Invalid => None,
            Self::V1_0 => Some((1, 0)),
            Self::V2_0 => Some((2, 0)),
            Self::V2_2 => Some((2, 2)),
            Self::V3_0 => Some((3, 0)),
            Self::V3_1 => Some((3, 1)),
            Self::V4_0 => Some((4, 0)),
            Self::V5_0 => Some((5, 0)),
            Self::V6_0 => Some((6, 0)),
            Self::Other(_) => None,
        }
    }
}

nvml_enum! {
    /// An NvLink data-link error counter (`nvmlNvLinkErrorCounter_t`).
    pub enum NvLinkErrorCounter: sys::nvmlNvLinkErrorCounter_t {
        /// Data-link transmit replays.
        DlReplay = sys::NVML_NVLINK_ERROR_DL_REPLAY,
        /// Data-link transmit recoveries.
        DlRecovery = sys::NVML_NVLINK_ERROR_DL_RECOVERY,
        /// Data-link receive flow-control digit CRC errors.
        DlCrcFlit = sys::NVML_NVLINK_ERROR_DL_CRC_FLIT,
        /// Data-link receive data CRC errors.
        DlCrcData = sys::NVML_NVLINK_ERROR_DL_CRC_DATA,
        /// Data-link receive data ECC errors.
        DlEccData = sys::NVML_NVLINK_ERROR_DL_ECC_DATA,
    }
}

nvml_enum! {
    /// What is at the other end of an NvLink (`nvmlIntNvLinkDeviceType_t`).
    pub enum NvLinkDeviceType: sys::nvmlIntNvLinkDeviceType_t {
        /// A GPU.
        Gpu = sys::NVML_NVLINK_DEVICE_TYPE_GPU,
        /// An IBM NPU (POWER9 CPU).
        IbmNpu = sys::NVML_NVLINK_DEVICE_TYPE_IBMNPU,
        /// An NvSwitch.
        Switch = sys::NVML_NVLINK_DEVICE_TYPE_SWITCH,
        /// Unknown to the driver.
        Unknown = sys::NVML_NVLINK_DEVICE_TYPE_UNKNOWN,
    }
}

nvml_enum! {
    /// Which NvLink telemetry to sample (`nvmlNvlinkTelemetrySampleType_t`).
    pub enum NvLinkTelemetrySampleType: sys::nvmlNvlinkTelemetrySampleType_t {
        /// Raw transmitted throughput counter.
        ThroughputRawTx = sys::NVML_NVLINK_TELEMETRY_SAMPLE_TYPE_THROUGHPUT_RAW_TX,
        /// Raw received throughput counter.
        ThroughputRawRx = sys::NVML_NVLINK_TELEMETRY_SAMPLE_TYPE_THROUGHPUT_RAW_RX,
    }
}
