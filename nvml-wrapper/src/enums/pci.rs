//! The bus and its PCIe counters.

use nvml_sys as sys;

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
