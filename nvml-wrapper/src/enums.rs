//! Rust enums for NVML's C enums.
//!
//! Each converts from the raw C value with `from_raw` (or `TryFrom`, which never fails). A
//! value the header does not define, from a driver newer than these bindings, is kept as the
//! enum's `Other(raw)`: a newer driver never turns a working call into an error, and never
//! into undefined behaviour. `as_raw()` gives the C value back, `Other`'s included. Code that
//! matches on these enums needs a `_` arm: they are `#[non_exhaustive]`, and a later header
//! names more values (a value that is `Other(raw)` today becomes a named variant then).

use nvml_sys as sys;

use crate::error::{NvmlError, Result};

/// Defines a Rust enum mirroring C constants, with `from_raw`, `TryFrom<raw>` (which never
/// fails), `as_raw`, and an `Other(raw)` variant for values the header does not name.
macro_rules! nvml_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $raw:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $c:path ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// A value `nvml.h` does not name (from a driver newer than these bindings) is kept as
        /// `Other(raw)`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate's `nvml.h` does not name (newer than the header), as the
            /// driver gave it.
            Other($raw),
        }

        impl $name {
            /// Every value the header names, in the header's order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant ),+ ];

            /// The C value.
            pub const fn as_raw(self) -> $raw {
                match self { $( Self::$variant => $c, )+ Self::Other(raw) => raw }
            }

            /// The enum for a C value; a value the header does not name is `Other(raw)`.
            #[allow(unreachable_patterns, reason = "a header may give two names one value")]
            pub const fn from_raw(raw: $raw) -> Self {
                match raw {
                    $( $c => Self::$variant, )+
                    other => Self::Other(other),
                }
            }
        }

        impl TryFrom<$raw> for $name {
            type Error = NvmlError;
            /// Never fails: see [`from_raw`](Self::from_raw).
            fn try_from(raw: $raw) -> Result<Self> {
                Ok(Self::from_raw(raw))
            }
        }

        impl From<$name> for $raw {
            fn from(value: $name) -> $raw {
                value.as_raw()
            }
        }
    };
}
pub(crate) use nvml_enum;

nvml_enum! {
    /// Product brand (`nvmlBrandType_t`).
    pub enum Brand: sys::nvmlBrandType_t {
        /// Unknown brand.
        Unknown = sys::NVML_BRAND_UNKNOWN,
        /// Quadro.
        Quadro = sys::NVML_BRAND_QUADRO,
        /// Tesla.
        Tesla = sys::NVML_BRAND_TESLA,
        /// NVS.
        Nvs = sys::NVML_BRAND_NVS,
        /// GRID (deprecated).
        Grid = sys::NVML_BRAND_GRID,
        /// GeForce.
        GeForce = sys::NVML_BRAND_GEFORCE,
        /// Titan.
        Titan = sys::NVML_BRAND_TITAN,
        /// NVIDIA Virtual Applications.
        NvidiaVApps = sys::NVML_BRAND_NVIDIA_VAPPS,
        /// NVIDIA Virtual PC.
        NvidiaVPc = sys::NVML_BRAND_NVIDIA_VPC,
        /// NVIDIA Virtual Compute Server.
        NvidiaVCs = sys::NVML_BRAND_NVIDIA_VCS,
        /// NVIDIA RTX Virtual Workstation.
        NvidiaVWs = sys::NVML_BRAND_NVIDIA_VWS,
        /// NVIDIA Cloud Gaming (also `NVML_BRAND_NVIDIA_VGAMING`).
        NvidiaCloudGaming = sys::NVML_BRAND_NVIDIA_CLOUD_GAMING,
        /// Quadro RTX.
        QuadroRtx = sys::NVML_BRAND_QUADRO_RTX,
        /// NVIDIA RTX.
        NvidiaRtx = sys::NVML_BRAND_NVIDIA_RTX,
        /// NVIDIA (data-center products such as H100).
        Nvidia = sys::NVML_BRAND_NVIDIA,
        /// GeForce RTX.
        GeForceRtx = sys::NVML_BRAND_GEFORCE_RTX,
        /// Titan RTX.
        TitanRtx = sys::NVML_BRAND_TITAN_RTX,
        /// NVIDIA DLA.
        NvidiaDla = sys::NVML_BRAND_NVIDIA_DLA,
        /// NVIDIA vGaming Dev.
        NvidiaVGameDev = sys::NVML_BRAND_NVIDIA_VGAMEDEV,
        /// NVIDIA NPU.
        NvidiaNpu = sys::NVML_BRAND_NVIDIA_NPU,
    }
}

nvml_enum! {
    /// GPU architecture (`nvmlDeviceArchitecture_t`).
    pub enum Architecture: sys::nvmlDeviceArchitecture_t {
        /// Kepler.
        Kepler = sys::NVML_DEVICE_ARCH_KEPLER,
        /// Maxwell.
        Maxwell = sys::NVML_DEVICE_ARCH_MAXWELL,
        /// Pascal.
        Pascal = sys::NVML_DEVICE_ARCH_PASCAL,
        /// Volta.
        Volta = sys::NVML_DEVICE_ARCH_VOLTA,
        /// Turing.
        Turing = sys::NVML_DEVICE_ARCH_TURING,
        /// Ampere.
        Ampere = sys::NVML_DEVICE_ARCH_AMPERE,
        /// Ada Lovelace.
        Ada = sys::NVML_DEVICE_ARCH_ADA,
        /// Hopper.
        Hopper = sys::NVML_DEVICE_ARCH_HOPPER,
        /// Blackwell.
        Blackwell = sys::NVML_DEVICE_ARCH_BLACKWELL,
        /// DLA.
        Dla = sys::NVML_DEVICE_ARCH_DLA,
        /// DLA2.
        Dla2 = sys::NVML_DEVICE_ARCH_DLA2,
        /// Rubin.
        Rubin = sys::NVML_DEVICE_ARCH_RUBIN,
        /// NPU3.
        Npu3 = sys::NVML_DEVICE_ARCH_NPU3,
        /// The driver does not know the architecture.
        Unknown = sys::NVML_DEVICE_ARCH_UNKNOWN,
    }
}

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
    /// Clock domain (`nvmlClockType_t`).
    pub enum ClockType: sys::nvmlClockType_t {
        /// Graphics clock.
        Graphics = sys::NVML_CLOCK_GRAPHICS,
        /// Streaming multiprocessor clock.
        Sm = sys::NVML_CLOCK_SM,
        /// Memory clock.
        Memory = sys::NVML_CLOCK_MEM,
        /// Video encoder/decoder clock.
        Video = sys::NVML_CLOCK_VIDEO,
    }
}

nvml_enum! {
    /// Which value of a clock (`nvmlClockId_t`).
    pub enum ClockId: sys::nvmlClockId_t {
        /// The current clock.
        Current = sys::NVML_CLOCK_ID_CURRENT,
        /// The target application clock.
        AppClockTarget = sys::NVML_CLOCK_ID_APP_CLOCK_TARGET,
        /// The default application clock.
        AppClockDefault = sys::NVML_CLOCK_ID_APP_CLOCK_DEFAULT,
        /// The OEM-defined maximum clock.
        CustomerBoostMax = sys::NVML_CLOCK_ID_CUSTOMER_BOOST_MAX,
    }
}

nvml_enum! {
    /// Performance state, P0 (fastest) to P15 (`nvmlPstates_t`).
    pub enum PerformanceState: sys::nvmlPstates_t {
        /// P0: maximum performance.
        P0 = sys::NVML_PSTATE_0,
        /// P1.
        P1 = sys::NVML_PSTATE_1,
        /// P2.
        P2 = sys::NVML_PSTATE_2,
        /// P3.
        P3 = sys::NVML_PSTATE_3,
        /// P4.
        P4 = sys::NVML_PSTATE_4,
        /// P5.
        P5 = sys::NVML_PSTATE_5,
        /// P6.
        P6 = sys::NVML_PSTATE_6,
        /// P7.
        P7 = sys::NVML_PSTATE_7,
        /// P8.
        P8 = sys::NVML_PSTATE_8,
        /// P9.
        P9 = sys::NVML_PSTATE_9,
        /// P10.
        P10 = sys::NVML_PSTATE_10,
        /// P11.
        P11 = sys::NVML_PSTATE_11,
        /// P12.
        P12 = sys::NVML_PSTATE_12,
        /// P13.
        P13 = sys::NVML_PSTATE_13,
        /// P14.
        P14 = sys::NVML_PSTATE_14,
        /// P15: minimum performance.
        P15 = sys::NVML_PSTATE_15,
        /// Unknown performance state.
        Unknown = sys::NVML_PSTATE_UNKNOWN,
    }
}

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
    /// ECC counter lifetime (`nvmlEccCounterType_t`).
    pub enum EccCounterType: sys::nvmlEccCounterType_t {
        /// Since the last driver load.
        Volatile = sys::NVML_VOLATILE_ECC,
        /// For the device's lifetime.
        Aggregate = sys::NVML_AGGREGATE_ECC,
    }
}

nvml_enum! {
    /// Kind of memory error (`nvmlMemoryErrorType_t`).
    pub enum MemoryErrorType: sys::nvmlMemoryErrorType_t {
        /// Single-bit errors, corrected by ECC.
        Corrected = sys::NVML_MEMORY_ERROR_TYPE_CORRECTED,
        /// Double-bit errors, not correctable.
        Uncorrected = sys::NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
    }
}

nvml_enum! {
    /// Where a memory error happened (`nvmlMemoryLocation_t`).
    pub enum MemoryLocation: sys::nvmlMemoryLocation_t {
        /// L1 cache.
        L1Cache = sys::NVML_MEMORY_LOCATION_L1_CACHE,
        /// L2 cache.
        L2Cache = sys::NVML_MEMORY_LOCATION_L2_CACHE,
        /// Device memory (DRAM).
        Dram = sys::NVML_MEMORY_LOCATION_DRAM,
        /// Register file.
        RegisterFile = sys::NVML_MEMORY_LOCATION_REGISTER_FILE,
        /// Texture memory.
        TextureMemory = sys::NVML_MEMORY_LOCATION_TEXTURE_MEMORY,
        /// Shared memory.
        TextureShm = sys::NVML_MEMORY_LOCATION_TEXTURE_SHM,
        /// CBU.
        Cbu = sys::NVML_MEMORY_LOCATION_CBU,
        /// On-chip SRAM.
        Sram = sys::NVML_MEMORY_LOCATION_SRAM,
    }
}

nvml_enum! {
    /// PCIe throughput direction (`nvmlPcieUtilCounter_t`).
    pub enum PcieUtilCounter: sys::nvmlPcieUtilCounter_t {
        /// Transmitted.
        Tx = sys::NVML_PCIE_UTIL_TX_BYTES,
        /// Received.
        Rx = sys::NVML_PCIE_UTIL_RX_BYTES,
    }
}

nvml_enum! {
    /// How closely two GPUs are connected (`nvmlGpuTopologyLevel_t`).
    pub enum TopologyLevel: sys::nvmlGpuTopologyLevel_t {
        /// The same board.
        Internal = sys::NVML_TOPOLOGY_INTERNAL,
        /// One PCIe switch.
        Single = sys::NVML_TOPOLOGY_SINGLE,
        /// Several PCIe switches, no host bridge.
        Multiple = sys::NVML_TOPOLOGY_MULTIPLE,
        /// The same host bridge.
        HostBridge = sys::NVML_TOPOLOGY_HOSTBRIDGE,
        /// The same NUMA node.
        Node = sys::NVML_TOPOLOGY_NODE,
        /// Across the system interconnect (e.g. QPI/UPI).
        System = sys::NVML_TOPOLOGY_SYSTEM,
    }
}

nvml_enum! {
    /// InfoROM object (`nvmlInforomObject_t`).
    pub enum InforomObject: sys::nvmlInforomObject_t {
        /// The OEM object.
        Oem = sys::NVML_INFOROM_OEM,
        /// The ECC object.
        Ecc = sys::NVML_INFOROM_ECC,
        /// The power management object.
        Power = sys::NVML_INFOROM_POWER,
        /// The DRAM encryption object.
        Den = sys::NVML_INFOROM_DEN,
    }
}

nvml_enum! {
    /// Why a memory page was retired (`nvmlPageRetirementCause_t`).
    pub enum RetirementCause: sys::nvmlPageRetirementCause_t {
        /// Several single-bit ECC errors.
        MultipleSingleBitEccErrors = sys::NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS,
        /// A double-bit ECC error.
        DoubleBitEccError = sys::NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR,
    }
}

nvml_enum! {
    /// Which samples to read with `Device::samples` (`nvmlSamplingType_t`).
    pub enum SamplingType: sys::nvmlSamplingType_t {
        /// Total power drawn, in milliwatts.
        TotalPower = sys::NVML_TOTAL_POWER_SAMPLES,
        /// GPU utilisation, percent.
        GpuUtilization = sys::NVML_GPU_UTILIZATION_SAMPLES,
        /// Memory utilisation, percent.
        MemoryUtilization = sys::NVML_MEMORY_UTILIZATION_SAMPLES,
        /// Encoder utilisation, percent.
        EncoderUtilization = sys::NVML_ENC_UTILIZATION_SAMPLES,
        /// Decoder utilisation, percent.
        DecoderUtilization = sys::NVML_DEC_UTILIZATION_SAMPLES,
        /// Processor clock, MHz.
        ProcessorClock = sys::NVML_PROCESSOR_CLK_SAMPLES,
        /// Memory clock, MHz.
        MemoryClock = sys::NVML_MEMORY_CLK_SAMPLES,
        /// Power drawn by the whole module (GPU and CPU, e.g. Grace Hopper), in milliwatts.
        ModulePower = sys::NVML_MODULE_POWER_SAMPLES,
        /// JPEG decoder utilisation, percent.
        JpegUtilization = sys::NVML_JPG_UTILIZATION_SAMPLES,
        /// Optical flow accelerator utilisation, percent.
        OfaUtilization = sys::NVML_OFA_UTILIZATION_SAMPLES,
    }
}

nvml_enum! {
    /// Codec for encoder capacity queries (`nvmlEncoderType_t`).
    pub enum EncoderType: sys::nvmlEncoderType_t {
        /// H.264.
        H264 = sys::NVML_ENCODER_QUERY_H264,
        /// HEVC (H.265).
        Hevc = sys::NVML_ENCODER_QUERY_HEVC,
        /// AV1.
        Av1 = sys::NVML_ENCODER_QUERY_AV1,
    }
}

/// `nvmlEnableState_t` as a `bool`: any value but `NVML_FEATURE_DISABLED` is on (the header
/// names 0 and 1 only; a newer value does not fail the call).
pub(crate) fn enabled(raw: sys::nvmlEnableState_t, _what: &'static str) -> Result<bool> {
    Ok(raw != sys::NVML_FEATURE_DISABLED)
}

/// A `bool` as `nvmlEnableState_t`.
pub(crate) fn enable_state(on: bool) -> sys::nvmlEnableState_t {
    if on {
        sys::NVML_FEATURE_ENABLED
    } else {
        sys::NVML_FEATURE_DISABLED
    }
}

nvml_enum! {
    /// Where the device draws its power from (`nvmlPowerSource_t`).
    pub enum PowerSource: sys::nvmlPowerSource_t {
        /// Mains (AC) power.
        Ac = sys::NVML_POWER_SOURCE_AC,
        /// Battery.
        Battery = sys::NVML_POWER_SOURCE_BATTERY,
        /// An undersized power supply.
        Undersized = sys::NVML_POWER_SOURCE_UNDERSIZED,
    }
}

nvml_enum! {
    /// Kind of frame buffer capture session (`nvmlFBCSessionType_t`).
    pub enum FbcSessionType: sys::nvmlFBCSessionType_t {
        /// Unknown.
        Unknown = sys::NVML_FBC_SESSION_TYPE_UNKNOWN,
        /// Capture to system memory.
        ToSys = sys::NVML_FBC_SESSION_TYPE_TOSYS,
        /// Capture to a CUDA buffer.
        Cuda = sys::NVML_FBC_SESSION_TYPE_CUDA,
        /// Capture to a video buffer.
        Vid = sys::NVML_FBC_SESSION_TYPE_VID,
        /// Capture to the hardware encoder.
        HwEnc = sys::NVML_FBC_SESSION_TYPE_HWENC,
    }
}

nvml_enum! {
    /// How far around the device an affinity query looks (`nvmlAffinityScope_t`).
    pub enum AffinityScope: sys::nvmlAffinityScope_t {
        /// The device's NUMA node.
        Node = sys::NVML_AFFINITY_SCOPE_NODE,
        /// The device's CPU socket.
        Socket = sys::NVML_AFFINITY_SCOPE_SOCKET,
    }
}

nvml_enum! {
    /// Which peer-to-peer capability to ask about (`nvmlGpuP2PCapsIndex_t`).
    pub enum P2pCapability: sys::nvmlGpuP2PCapsIndex_t {
        /// Peer reads.
        Read = sys::NVML_P2P_CAPS_INDEX_READ,
        /// Peer writes.
        Write = sys::NVML_P2P_CAPS_INDEX_WRITE,
        /// Peer access over NvLink.
        NvLink = sys::NVML_P2P_CAPS_INDEX_NVLINK,
        /// Peer atomics.
        Atomics = sys::NVML_P2P_CAPS_INDEX_ATOMICS,
        /// Peer access over PCIe (also `NVML_P2P_CAPS_INDEX_PROP`).
        Pci = sys::NVML_P2P_CAPS_INDEX_PCI,
    }
}

nvml_enum! {
    /// Whether two GPUs can use a peer-to-peer capability (`nvmlGpuP2PStatus_t`).
    pub enum P2pStatus: sys::nvmlGpuP2PStatus_t {
        /// Supported.
        Ok = sys::NVML_P2P_STATUS_OK,
        /// The chipset does not support it.
        ChipsetNotSupported = sys::NVML_P2P_STATUS_CHIPSET_NOT_SUPPORTED,
        /// One of the GPUs does not support it.
        GpuNotSupported = sys::NVML_P2P_STATUS_GPU_NOT_SUPPORTED,
        /// The I/O hub topology does not support it.
        IohTopologyNotSupported = sys::NVML_P2P_STATUS_IOH_TOPOLOGY_NOT_SUPPORTED,
        /// Disabled by a registry key.
        DisabledByRegkey = sys::NVML_P2P_STATUS_DISABLED_BY_REGKEY,
        /// Not supported.
        NotSupported = sys::NVML_P2P_STATUS_NOT_SUPPORTED,
        /// Unknown.
        Unknown = sys::NVML_P2P_STATUS_UNKNOWN,
    }
}

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
    /// Which member of `nvmlValue_t` a field value or sample holds (`nvmlValueType_t`).
    pub enum ValueType: sys::nvmlValueType_t {
        /// `double`.
        Double = sys::NVML_VALUE_TYPE_DOUBLE,
        /// `unsigned int`.
        UnsignedInt = sys::NVML_VALUE_TYPE_UNSIGNED_INT,
        /// `unsigned long`.
        UnsignedLong = sys::NVML_VALUE_TYPE_UNSIGNED_LONG,
        /// `unsigned long long`.
        UnsignedLongLong = sys::NVML_VALUE_TYPE_UNSIGNED_LONG_LONG,
        /// `signed long long`.
        SignedLongLong = sys::NVML_VALUE_TYPE_SIGNED_LONG_LONG,
        /// `int`.
        SignedInt = sys::NVML_VALUE_TYPE_SIGNED_INT,
        /// `unsigned short`.
        UnsignedShort = sys::NVML_VALUE_TYPE_UNSIGNED_SHORT,
    }
}

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

// ---- Device queries: API restrictions, operation modes, bus and fan policy ----

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

nvml_enum! {
    /// The bus a GPU sits on (`nvmlBusType_t`).
    pub enum BusType: sys::nvmlBusType_t {
        /// Unknown bus.
        Unknown = sys::NVML_BUS_TYPE_UNKNOWN,
        /// PCI.
        Pci = sys::NVML_BUS_TYPE_PCI,
        /// PCI Express.
        Pcie = sys::NVML_BUS_TYPE_PCIE,
        /// FPCI.
        Fpci = sys::NVML_BUS_TYPE_FPCI,
        /// AGP.
        Agp = sys::NVML_BUS_TYPE_AGP,
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

// ---- Device commands, units, power profiles, addressing (issue 6, share a2) ----

nvml_enum! {
    /// Windows driver model (`nvmlDriverModel_t`).
    pub enum DriverModel: sys::nvmlDriverModel_t {
        /// WDDM: the GPU can drive displays.
        Wddm = sys::NVML_DRIVER_WDDM,
        /// WDM (TCC): compute only, no displays.
        Wdm = sys::NVML_DRIVER_WDM,
        /// MCDM: Microsoft compute driver model.
        Mcdm = sys::NVML_DRIVER_MCDM,
    }
}

nvml_enum! {
    /// How the GPU addresses system-allocated memory (`nvmlDeviceAddressingModeType_t`).
    pub enum AddressingMode: sys::nvmlDeviceAddressingModeType_t {
        /// Neither HMM nor ATS is active.
        None = sys::NVML_DEVICE_ADDRESSING_MODE_NONE,
        /// HMM: software mirroring of the CPU's page tables on the GPU.
        Hmm = sys::NVML_DEVICE_ADDRESSING_MODE_HMM,
        /// ATS: Address Translation Services, one set of page tables for CPU and GPU.
        Ats = sys::NVML_DEVICE_ADDRESSING_MODE_ATS,
    }
}

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

nvml_enum! {
    /// A workload power profile (`nvmlPowerProfileType_t`): its value is its bit index in the
    /// profile masks.
    pub enum PowerProfileType: sys::nvmlPowerProfileType_t {
        /// Maximum performance.
        MaxP = sys::NVML_POWER_PROFILE_MAX_P,
        /// Maximum efficiency.
        MaxQ = sys::NVML_POWER_PROFILE_MAX_Q,
        /// Compute-heavy work.
        Compute = sys::NVML_POWER_PROFILE_COMPUTE,
        /// Memory-bound work.
        MemoryBound = sys::NVML_POWER_PROFILE_MEMORY_BOUND,
        /// Network-heavy work.
        Network = sys::NVML_POWER_PROFILE_NETWORK,
        /// Balanced.
        Balanced = sys::NVML_POWER_PROFILE_BALANCED,
        /// LLM inference.
        LlmInference = sys::NVML_POWER_PROFILE_LLM_INFERENCE,
        /// LLM training.
        LlmTraining = sys::NVML_POWER_PROFILE_LLM_TRAINING,
        /// RBM.
        Rbm = sys::NVML_POWER_PROFILE_RBM,
        /// DCPCIE.
        Dcpcie = sys::NVML_POWER_PROFILE_DCPCIE,
        /// Sparse HMMA (tensor) work.
        HmmaSparse = sys::NVML_POWER_PROFILE_HMMA_SPARSE,
        /// Dense HMMA (tensor) work.
        HmmaDense = sys::NVML_POWER_PROFILE_HMMA_DENSE,
        /// Synchronised balanced.
        SyncBalanced = sys::NVML_POWER_PROFILE_SYNC_BALANCED,
        /// HPC.
        Hpc = sys::NVML_POWER_PROFILE_HPC,
        /// MIG.
        Mig = sys::NVML_POWER_PROFILE_MIG,
        /// Max-Q, level 1.
        MaxQ1 = sys::NVML_POWER_PROFILE_MAX_Q_1,
        /// Network-bound work.
        NetworkBound = sys::NVML_POWER_PROFILE_NETWORK_BOUND,
        /// High-throughput inference.
        HighThroughputInference = sys::NVML_POWER_PROFILE_HIGH_THROUGHPUT_INFERENCE,
        /// Medium-throughput inference.
        MediumThroughputInference = sys::NVML_POWER_PROFILE_MEDIUM_THROUGHPUT_INFERENCE,
        /// Low-latency inference.
        LowLatencyInference = sys::NVML_POWER_PROFILE_LOW_LATENCY_INFERENCE,
        /// Training.
        Training = sys::NVML_POWER_PROFILE_TRAINING,
        /// Inference.
        Inference = sys::NVML_POWER_PROFILE_INFERENCE,
        /// Max-Q, level 2.
        MaxQ2 = sys::NVML_POWER_PROFILE_MAX_Q_2,
        /// Max-Q, level 3.
        MaxQ3 = sys::NVML_POWER_PROFILE_MAX_Q_3,
        /// Low-priority background work.
        LowPriorityBackground = sys::NVML_POWER_PROFILE_LOW_PRIORITY_BACKGROUND,
    }
}

nvml_enum! {
    /// What to do with the requested power profiles (`nvmlPowerProfileOperation_t`).
    pub enum PowerProfileOperation: sys::nvmlPowerProfileOperation_t {
        /// Remove the given profiles from the requested ones.
        Clear = sys::NVML_POWER_PROFILE_OPERATION_CLEAR,
        /// Add the given profiles to the requested ones.
        Set = sys::NVML_POWER_PROFILE_OPERATION_SET,
        /// Replace the requested profiles with the given ones.
        SetAndOverwrite = sys::NVML_POWER_PROFILE_OPERATION_SET_AND_OVERWRITE,
    }
}

nvml_enum! {
    /// A parameter of a power smoothing preset profile
    /// (`NVML_POWER_SMOOTHING_PROFILE_PARAM_*`).
    pub enum PowerSmoothingParam: u32 {
        /// Temperature floor, in percent (0.00 to 100.00).
        PercentTemperatureFloor = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_PERCENT_TMP_FLOOR,
        /// Ramp-up rate, in W/s.
        RampUpRate = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_RAMP_UP_RATE,
        /// Ramp-down rate, in W/s.
        RampDownRate = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_RAMP_DOWN_RATE,
        /// Ramp-down hysteresis, in ms.
        RampDownHysteresis = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_RAMP_DOWN_HYSTERESIS,
        /// Secondary power floor, in W.
        SecondaryPowerFloor = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_SECONDARY_POWER_FLOOR,
        /// Primary floor activation window multiplier.
        PrimaryFloorActivationWindowMultiplier =
            sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_PRIMARY_FLOOR_ACT_WIN_MULT,
        /// Primary floor target window multiplier.
        PrimaryFloorTargetWindowMultiplier =
            sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_PRIMARY_FLOOR_TAR_WIN_MULT,
        /// Primary floor activation offset, in W.
        PrimaryFloorActivationOffset =
            sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_PRIMARY_FLOOR_ACT_OFFSET,
    }
}

nvml_enum! {
    /// A PRM (port register) counter of the GPU's network ports (`nvmlPRMCounterId_t`).
    pub enum PrmCounterId: sys::nvmlPRMCounterId_t {
        /// Sentinel: no counter.
        None = sys::NVML_PRM_COUNTER_ID_NONE,
        /// PPCNT group 0x12, `link_down_events`.
        LinkDownEvents = sys::NVML_PRM_COUNTER_ID_PPCNT_PHYSICAL_LAYER_CTRS_LINK_DOWN_EVENTS,
        /// PPCNT group 0x12, `successful_recovery_events`.
        SuccessfulRecoveryEvents =
            sys::NVML_PRM_COUNTER_ID_PPCNT_PHYSICAL_LAYER_CTRS_SUCCESSFUL_RECOVERY_EVENTS,
        /// PPCNT group 0x1A, `total_successful_recovery_events`.
        TotalSuccessfulRecoveryEvents =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_SUCCESSFUL_RECOVERY_EVENTS,
        /// PPCNT group 0x1A, `time_since_last_recovery`.
        TimeSinceLastRecovery = sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TIME_SINCE_LAST_RECOVERY,
        /// PPCNT group 0x1A, `time_between_last_two_recoveries`.
        TimeBetweenLastTwoRecoveries =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TIME_BETWEEN_LAST_TWO_RECOVERIES,
        /// PPCNT group 0x1A, `time_in_last_host_serdes_feq_recovery`.
        TimeInLastHostSerdesFeqRecovery =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TIME_IN_LAST_HOST_SERDES_FEQ_RECOVERY,
        /// PPCNT group 0x1A, `total_time_in_host_serdes_feq_recovery`.
        TotalTimeInHostSerdesFeqRecovery =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_TIME_IN_HOST_SERDES_FEQ_RECOVERY,
        /// PPCNT group 0x1A, `total_host_serdes_feq_recovery_count`.
        TotalHostSerdesFeqRecoveryCount =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_HOST_SERDES_FEQ_RECOVERY_COUNT,
        /// PPCNT group 0x1A, `total_host_serdes_feq_successful_recovery_count`.
        TotalHostSerdesFeqSuccessfulRecoveryCount =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_HOST_SERDES_FEQ_SUCCESSFUL_RECOVERY_COUNT,
        /// PPCNT group 0x1A, `last_host_serdes_feq_attempts_count`.
        LastHostSerdesFeqAttemptsCount =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_LAST_HOST_SERDES_FEQ_ATTEMPTS_COUNT,
        /// PPCNT group 0x1A, `last_successful_recovery_step_attempts`.
        LastSuccessfulRecoveryStepAttempts =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_LAST_SUCCESSFUL_RECOVERY_STEP_ATTEMPTS,
        /// PPCNT group 0x1A, `last_successful_recovery_time`.
        LastSuccessfulRecoveryTime =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_LAST_SUCCESSFUL_RECOVERY_TIME,
        /// PPCNT group 0x1A, `total_successful_recovery_time`.
        TotalSuccessfulRecoveryTime =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_SUCCESSFUL_RECOVERY_TIME,
        /// PPCNT group 0x20 (InfiniBand port counters), `port_xmit_wait`.
        PortXmitWait = sys::NVML_PRM_COUNTER_ID_PPCNT_PORTCOUNTERS_PORT_XMIT_WAIT,
        /// PPCNT group 0x22 (PLR), `plr_rcv_codes`.
        PlrRcvCodes = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_RCV_CODES,
        /// PPCNT group 0x22, `plr_rcv_code_err`.
        PlrRcvCodeErr = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_RCV_CODE_ERR,
        /// PPCNT group 0x22, `plr_rcv_uncorrectable_code`.
        PlrRcvUncorrectableCode = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_RCV_UNCORRECTABLE_CODE,
        /// PPCNT group 0x22, `plr_xmit_codes`.
        PlrXmitCodes = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_XMIT_CODES,
        /// PPCNT group 0x22, `plr_xmit_retry_codes`.
        PlrXmitRetryCodes = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_XMIT_RETRY_CODES,
        /// PPCNT group 0x22, `plr_xmit_retry_events`.
        PlrXmitRetryEvents = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_XMIT_RETRY_EVENTS,
        /// PPCNT group 0x22, `plr_sync_events`.
        PlrSyncEvents = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_SYNC_EVENTS,
        /// PPRM, `oper_recovery`.
        PprmOperRecovery = sys::NVML_PRM_COUNTER_ID_PPRM_OPER_RECOVERY,
    }
}

// ---- end of share a2 ----

// ---- vGPU (issue 6, share c) ----

nvml_enum! {
    /// How a GPU is virtualized (`nvmlGpuVirtualizationMode_t`).
    pub enum GpuVirtualizationMode: sys::nvmlGpuVirtualizationMode_t {
        /// Bare metal: no virtualization.
        None = sys::NVML_GPU_VIRTUALIZATION_MODE_NONE,
        /// Passed through to a virtual machine whole.
        Passthrough = sys::NVML_GPU_VIRTUALIZATION_MODE_PASSTHROUGH,
        /// A vGPU, seen from inside its virtual machine.
        Vgpu = sys::NVML_GPU_VIRTUALIZATION_MODE_VGPU,
        /// A physical GPU on a vGPU host (it hosts vGPUs).
        HostVgpu = sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU,
        /// A physical GPU on a vSGA host.
        HostVsga = sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VSGA,
    }
}

nvml_enum! {
    /// How a vGPU host exposes vGPUs (`nvmlHostVgpuMode_t`).
    pub enum HostVgpuMode: sys::nvmlHostVgpuMode_t {
        /// Without SR-IOV (mediated devices).
        NonSriov = sys::NVML_HOST_VGPU_MODE_NON_SRIOV,
        /// Through SR-IOV virtual functions.
        Sriov = sys::NVML_HOST_VGPU_MODE_SRIOV,
    }
}

nvml_enum! {
    /// The format of a vGPU instance's VM id (`nvmlVgpuVmIdType_t`).
    pub enum VgpuVmIdType: sys::nvmlVgpuVmIdType_t {
        /// A domain id (Xen).
        DomainId = sys::NVML_VGPU_VM_ID_DOMAIN_ID,
        /// A UUID (KVM, VMware).
        Uuid = sys::NVML_VGPU_VM_ID_UUID,
    }
}

nvml_enum! {
    /// Whether the guest-dependent fields of vGPU metadata are filled yet
    /// (`nvmlVgpuGuestInfoState_t`).
    pub enum VgpuGuestInfoState: sys::nvmlVgpuGuestInfoState_t {
        /// The guest driver has not reported yet: guest fields are not valid.
        Uninitialized = sys::NVML_VGPU_INSTANCE_GUEST_INFO_STATE_UNINITIALIZED,
        /// The guest fields are valid.
        Initialized = sys::NVML_VGPU_INSTANCE_GUEST_INFO_STATE_INITIALIZED,
    }
}

nvml_enum! {
    /// A vGPU software licensable feature (`nvmlGridLicenseFeatureCode_t`).
    pub enum GridLicenseFeatureCode: sys::nvmlGridLicenseFeatureCode_t {
        /// Unknown.
        Unknown = sys::NVML_GRID_LICENSE_FEATURE_CODE_UNKNOWN,
        /// Virtual GPU.
        Vgpu = sys::NVML_GRID_LICENSE_FEATURE_CODE_VGPU,
        /// NVIDIA RTX (the header's `VWORKSTATION` has the same value).
        NvidiaRtx = sys::NVML_GRID_LICENSE_FEATURE_CODE_NVIDIA_RTX,
        /// Gaming.
        Gaming = sys::NVML_GRID_LICENSE_FEATURE_CODE_GAMING,
        /// Compute.
        Compute = sys::NVML_GRID_LICENSE_FEATURE_CODE_COMPUTE,
        /// Virtual game development.
        VGameDev = sys::NVML_GRID_LICENSE_FEATURE_CODE_VGAMEDEV,
    }
}

nvml_enum! {
    /// A capability of a vGPU type (`nvmlVgpuCapability_t`).
    pub enum VgpuCapability: sys::nvmlVgpuCapability_t {
        /// P2P over NvLink.
        NvLinkP2p = sys::NVML_VGPU_CAP_NVLINK_P2P,
        /// GPUDirect capability.
        GpuDirect = sys::NVML_VGPU_CAP_GPUDIRECT,
        /// Several vGPUs of this type in one VM must be the only vGPUs of the VM.
        MultiVgpuExclusive = sys::NVML_VGPU_CAP_MULTI_VGPU_EXCLUSIVE,
        /// Only vGPUs of the same type in one VM.
        ExclusiveType = sys::NVML_VGPU_CAP_EXCLUSIVE_TYPE,
        /// Only vGPUs of the same framebuffer size in one VM.
        ExclusiveSize = sys::NVML_VGPU_CAP_EXCLUSIVE_SIZE,
    }
}

nvml_enum! {
    /// A capability of the vGPU host driver (`nvmlVgpuDriverCapability_t`).
    pub enum VgpuDriverCapability: sys::nvmlVgpuDriverCapability_t {
        /// vGPUs of different types in one VM.
        HeterogeneousMultiVgpu = sys::NVML_VGPU_DRIVER_CAP_HETEROGENEOUS_MULTI_VGPU,
        /// Driver updates without stopping the VMs.
        WarmUpdate = sys::NVML_VGPU_DRIVER_CAP_WARM_UPDATE,
    }
}

nvml_enum! {
    /// A vGPU capability of a physical GPU (`nvmlDeviceVgpuCapability_t`).
    pub enum DeviceVgpuCapability: sys::nvmlDeviceVgpuCapability_t {
        /// Fractional (less than a full GPU) vGPU profiles in multi-vGPU VMs.
        FractionalMultiVgpu = sys::NVML_DEVICE_VGPU_CAP_FRACTIONAL_MULTI_VGPU,
        /// Concurrent time-sliced profiles of different types.
        HeterogeneousTimesliceProfiles = sys::NVML_DEVICE_VGPU_CAP_HETEROGENEOUS_TIMESLICE_PROFILES,
        /// Concurrent time-sliced profiles of different framebuffer sizes.
        HeterogeneousTimesliceSizes = sys::NVML_DEVICE_VGPU_CAP_HETEROGENEOUS_TIMESLICE_SIZES,
        /// Read bandwidth of the device buffer, MB/s.
        ReadDeviceBufferBw = sys::NVML_DEVICE_VGPU_CAP_READ_DEVICE_BUFFER_BW,
        /// Write bandwidth of the device buffer, MB/s.
        WriteDeviceBufferBw = sys::NVML_DEVICE_VGPU_CAP_WRITE_DEVICE_BUFFER_BW,
        /// Device streaming.
        DeviceStreaming = sys::NVML_DEVICE_VGPU_CAP_DEVICE_STREAMING,
        /// Mini-quarter-GPU vGPU profiles.
        MiniQuarterGpu = sys::NVML_DEVICE_VGPU_CAP_MINI_QUARTER_GPU,
        /// Compute-media-engine vGPU profiles.
        ComputeMediaEngineGpu = sys::NVML_DEVICE_VGPU_CAP_COMPUTE_MEDIA_ENGINE_GPU,
        /// Warm update.
        WarmUpdate = sys::NVML_DEVICE_VGPU_CAP_WARM_UPDATE,
        /// Homogeneous placement ids.
        HomogeneousPlacements = sys::NVML_DEVICE_VGPU_CAP_HOMOGENEOUS_PLACEMENTS,
        /// Time-sliced vGPUs on MIG instances are supported.
        MigTimeslicingSupported = sys::NVML_DEVICE_VGPU_CAP_MIG_TIMESLICING_SUPPORTED,
        /// Time-sliced vGPUs on MIG instances are enabled.
        MigTimeslicingEnabled = sys::NVML_DEVICE_VGPU_CAP_MIG_TIMESLICING_ENABLED,
        /// Whether the GPU supports UVM stun.
        UvmStun = sys::NVML_DEVICE_VGPU_CAP_UVM_STUN,
    }
}

nvml_enum! {
    /// A vGPU scheduler policy (`NVML_VGPU_SCHEDULER_POLICY_*`).
    pub enum VgpuSchedulerPolicy: u32 {
        /// Unknown.
        Unknown = sys::NVML_VGPU_SCHEDULER_POLICY_UNKNOWN,
        /// Best effort.
        BestEffort = sys::NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT,
        /// Equal share.
        EqualShare = sys::NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
        /// Fixed share.
        FixedShare = sys::NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE,
    }
}

nvml_enum! {
    /// Adaptive Round Robin mode of the vGPU scheduler (`NVML_VGPU_SCHEDULER_ARR_*`).
    pub enum VgpuSchedulerArrMode: u32 {
        /// The default.
        Default = sys::NVML_VGPU_SCHEDULER_ARR_DEFAULT,
        /// Disabled.
        Disabled = sys::NVML_VGPU_SCHEDULER_ARR_DISABLE,
        /// Enabled.
        Enabled = sys::NVML_VGPU_SCHEDULER_ARR_ENABLE,
    }
}

nvml_enum! {
    /// An engine with its own vGPU software scheduler (`NVML_VGPU_SCHEDULER_ENGINE_TYPE_*`).
    pub enum VgpuSchedulerEngine: u32 {
        /// Graphics.
        Graphics = sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS,
        /// Video encoder 1.
        Nvenc1 = sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_NVENC1,
        /// Video encoder 0.
        Nvenc0 = sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_NVENC0,
    }
}

nvml_enum! {
    /// License state of a vGPU instance (`NVML_GRID_LICENSE_STATE_*`).
    pub enum GridLicenseState: u32 {
        /// Unknown.
        Unknown = sys::NVML_GRID_LICENSE_STATE_UNKNOWN,
        /// Not initialized yet.
        Uninitialized = sys::NVML_GRID_LICENSE_STATE_UNINITIALIZED,
        /// Unlicensed, without restrictions (grace period).
        UnlicensedUnrestricted = sys::NVML_GRID_LICENSE_STATE_UNLICENSED_UNRESTRICTED,
        /// Unlicensed, with restrictions.
        UnlicensedRestricted = sys::NVML_GRID_LICENSE_STATE_UNLICENSED_RESTRICTED,
        /// Unlicensed.
        Unlicensed = sys::NVML_GRID_LICENSE_STATE_UNLICENSED,
        /// Licensed.
        Licensed = sys::NVML_GRID_LICENSE_STATE_LICENSED,
    }
}

nvml_enum! {
    /// Status of a license expiry date (`NVML_GRID_LICENSE_EXPIRY_*`).
    pub enum GridLicenseExpiryStatus: u32 {
        /// Not available.
        NotAvailable = sys::NVML_GRID_LICENSE_EXPIRY_NOT_AVAILABLE,
        /// Invalid.
        Invalid = sys::NVML_GRID_LICENSE_EXPIRY_INVALID,
        /// A valid date.
        Valid = sys::NVML_GRID_LICENSE_EXPIRY_VALID,
        /// Not applicable.
        NotApplicable = sys::NVML_GRID_LICENSE_EXPIRY_NOT_APPLICABLE,
        /// A permanent license: no expiry.
        Permanent = sys::NVML_GRID_LICENSE_EXPIRY_PERMANENT,
    }
}

// ---- end of share c ----

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_and_keep_values_newer_than_the_header() {
        for brand in Brand::ALL {
            assert_eq!(Brand::try_from(brand.as_raw()).unwrap(), *brand);
        }
        assert_eq!(Architecture::try_from(9).unwrap(), Architecture::Hopper);
        assert_eq!(
            PerformanceState::try_from(32).unwrap(),
            PerformanceState::Unknown
        );
        assert_eq!(ComputeMode::try_from(77).unwrap(), ComputeMode::Other(77));
        assert_eq!(ComputeMode::from_raw(77).as_raw(), 77);
        assert!(enabled(2, "x").unwrap());
        assert!(enabled(1, "x").unwrap());
        assert!(!enabled(0, "x").unwrap());
    }
}

// ---- MIG instance management, NvLink management, event contexts (issue 6, share b) ----

nvml_enum! {
    /// A GPU instance profile: the size and kind of a MIG slice (`NVML_GPU_INSTANCE_PROFILE_*`).
    /// Its numeric id on a given GPU is [`GpuInstanceProfileInfo::id`](crate::mig::GpuInstanceProfileInfo::id).
    pub enum GpuInstanceProfile: u32 {
        /// One slice.
        Slice1 = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE,
        /// Two slices.
        Slice2 = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE,
        /// Three slices.
        Slice3 = sys::NVML_GPU_INSTANCE_PROFILE_3_SLICE,
        /// Four slices.
        Slice4 = sys::NVML_GPU_INSTANCE_PROFILE_4_SLICE,
        /// Seven slices.
        Slice7 = sys::NVML_GPU_INSTANCE_PROFILE_7_SLICE,
        /// Eight slices.
        Slice8 = sys::NVML_GPU_INSTANCE_PROFILE_8_SLICE,
        /// Six slices.
        Slice6 = sys::NVML_GPU_INSTANCE_PROFILE_6_SLICE,
        /// One slice, revision 1 (with media engines: `1g.10gb+me` on H100).
        Slice1Rev1 = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1,
        /// Two slices, revision 1.
        Slice2Rev1 = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE_REV1,
        /// One slice, revision 2 (double memory: `1g.20gb` on H100).
        Slice1Rev2 = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2,
        /// One slice, graphics capable.
        Slice1Gfx = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_GFX,
        /// Two slices, graphics capable.
        Slice2Gfx = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE_GFX,
        /// Four slices, graphics capable.
        Slice4Gfx = sys::NVML_GPU_INSTANCE_PROFILE_4_SLICE_GFX,
        /// One slice without decoder, encoder, JPEG or OFA engines.
        Slice1NoMe = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_NO_ME,
        /// Two slices without decoder, encoder, JPEG or OFA engines.
        Slice2NoMe = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE_NO_ME,
        /// One slice with all of the GPU's media engines.
        Slice1AllMe = sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE_ALL_ME,
        /// Two slices with all of the GPU's media engines.
        Slice2AllMe = sys::NVML_GPU_INSTANCE_PROFILE_2_SLICE_ALL_ME,
        /// Three slices, graphics and media capable.
        Slice3Gfx = sys::NVML_GPU_INSTANCE_PROFILE_3_SLICE_GFX,
    }
}

nvml_enum! {
    /// A compute instance profile: how many of its GPU instance's compute slices a compute
    /// instance takes (`NVML_COMPUTE_INSTANCE_PROFILE_*`).
    pub enum ComputeInstanceProfile: u32 {
        /// One slice.
        Slice1 = sys::NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
        /// Two slices.
        Slice2 = sys::NVML_COMPUTE_INSTANCE_PROFILE_2_SLICE,
        /// Three slices.
        Slice3 = sys::NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE,
        /// Four slices.
        Slice4 = sys::NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE,
        /// Seven slices (tuned for host work scheduling).
        Slice7 = sys::NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE,
        /// Eight slices.
        Slice8 = sys::NVML_COMPUTE_INSTANCE_PROFILE_8_SLICE,
        /// Six slices.
        Slice6 = sys::NVML_COMPUTE_INSTANCE_PROFILE_6_SLICE,
        /// One slice, revision 1.
        Slice1Rev1 = sys::NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE_REV1,
        /// Seven slices (tuned for multi-GPU use).
        Slice7Nvl = sys::NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE_NVL,
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
