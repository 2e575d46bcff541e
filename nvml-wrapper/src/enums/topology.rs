//! Topology, CPU and memory affinity, peer-to-peer capabilities.

use nvml_sys as sys;

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
