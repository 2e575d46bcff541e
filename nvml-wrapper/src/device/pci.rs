//! PCI and PCIe: where the device sits on the bus (the bus type, the plain and extended PCI
//! info), its link and the highest generation the GPU supports, the traffic over it, and the
//! chip-to-chip (C2C) link to the CPU.

use std::ffi::{c_char, c_uint};

use nvml_sys as sys;

use super::Device;
use crate::enums::{BusType, PcieUtilCounter};
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, string_from_c_buf};
use crate::nvml_ref::NvmlRef;

/// Where a device sits on the PCI bus (`nvmlPciInfo_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PciInfo {
    /// PCI domain, 0 to 0xffffffff.
    pub domain: u32,
    /// Bus, 0 to 0xff.
    pub bus: u32,
    /// Device on the bus, 0 to 31.
    pub device: u32,
    /// The combined id: device id in the upper 16 bits, vendor id (0x10de) in the lower.
    pub pci_device_id: u32,
    /// The 32-bit subsystem id.
    pub pci_subsystem_id: u32,
    /// The bus id `domain:bus:device.function`, e.g. `"00000000:18:00.0"`: the form
    /// [`Nvml::device_by_pci_bus_id`](crate::Nvml::device_by_pci_bus_id) takes.
    pub bus_id: String,
}

impl PciInfo {
    /// The PCI vendor id (the lower 16 bits of [`pci_device_id`](Self::pci_device_id);
    /// 0x10de for NVIDIA).
    pub fn vendor_id(&self) -> u16 {
        (self.pci_device_id & 0xffff) as u16
    }

    /// The PCI device id (the upper 16 bits of [`pci_device_id`](Self::pci_device_id)).
    pub fn device_id(&self) -> u16 {
        (self.pci_device_id >> 16) as u16
    }
}

impl PciInfo {
    /// From an `nvmlPciInfo_t`, with the bus id read from `bus_id`: `busId` where the driver
    /// filled the current layout, `busIdLegacy` where it filled the old, shorter one.
    pub(crate) fn from_raw(pci: &sys::nvmlPciInfo_t, bus_id: &[c_char]) -> Result<Self> {
        Ok(Self {
            domain: pci.domain,
            bus: pci.bus,
            device: pci.device,
            pci_device_id: pci.pciDeviceId,
            pci_subsystem_id: pci.pciSubSystemId,
            bus_id: string_from_c_buf(bus_id)?,
        })
    }
}

/// Extended PCI attributes (`nvmlPciInfoExt_v1_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PciInfoExt {
    /// PCI domain.
    pub domain: u32,
    /// Bus number.
    pub bus: u32,
    /// Device number on the bus.
    pub device: u32,
    /// Combined 16-bit device id and 16-bit vendor id.
    pub pci_device_id: u32,
    /// 32-bit subsystem id.
    pub pci_subsystem_id: u32,
    /// PCI base class code (0x03: display controller).
    pub base_class: u32,
    /// PCI sub class code.
    pub sub_class: u32,
    /// `domain:bus:device.function`, e.g. `"00000000:18:00.0"`.
    pub bus_id: String,
}

impl<N: NvmlRef> Device<'_, N> {
    /// PCI attributes (`nvmlDeviceGetPciInfo_v3`, or `nvmlDeviceGetPciInfo_v2` /
    /// `nvmlDeviceGetPciInfo` on older drivers, as chosen in the version table).
    #[doc(alias = "nvmlDeviceGetPciInfo")]
    #[doc(alias = "nvmlDeviceGetPciInfo_v2")]
    #[doc(alias = "nvmlDeviceGetPciInfo_v3")]
    pub fn pci_info(&self) -> Result<PciInfo> {
        self.nvml.versions().pci_info(self.handle)
    }

    /// Current PCIe link generation (`nvmlDeviceGetCurrPcieLinkGeneration`).
    #[doc(alias = "nvmlDeviceGetCurrPcieLinkGeneration")]
    pub fn current_pcie_link_generation(&self) -> Result<u32> {
        let mut generation: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetCurrPcieLinkGeneration(self.handle, &mut generation)
        )?;
        Ok(generation)
    }

    /// Maximum PCIe link generation of the device and system together
    /// (`nvmlDeviceGetMaxPcieLinkGeneration`).
    #[doc(alias = "nvmlDeviceGetMaxPcieLinkGeneration")]
    pub fn max_pcie_link_generation(&self) -> Result<u32> {
        let mut generation: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMaxPcieLinkGeneration(self.handle, &mut generation)
        )?;
        Ok(generation)
    }

    /// Current PCIe link width, in lanes (`nvmlDeviceGetCurrPcieLinkWidth`).
    #[doc(alias = "nvmlDeviceGetCurrPcieLinkWidth")]
    pub fn current_pcie_link_width(&self) -> Result<u32> {
        let mut width: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetCurrPcieLinkWidth(self.handle, &mut width)
        )?;
        Ok(width)
    }

    /// Maximum PCIe link width, in lanes (`nvmlDeviceGetMaxPcieLinkWidth`).
    #[doc(alias = "nvmlDeviceGetMaxPcieLinkWidth")]
    pub fn max_pcie_link_width(&self) -> Result<u32> {
        let mut width: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMaxPcieLinkWidth(self.handle, &mut width)
        )?;
        Ok(width)
    }

    /// PCIe throughput in one direction over the last 20 ms, in KB/s
    /// (`nvmlDeviceGetPcieThroughput`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetPcieThroughput")]
    pub fn pcie_throughput(&self, counter: PcieUtilCounter) -> Result<u32> {
        let mut kb_per_s: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPcieThroughput(self.handle, counter.as_raw(), &mut kb_per_s)
        )?;
        Ok(kb_per_s)
    }

    /// PCIe replay counter: how many times a packet had to be resent
    /// (`nvmlDeviceGetPcieReplayCounter`).
    #[doc(alias = "nvmlDeviceGetPcieReplayCounter")]
    pub fn pcie_replay_counter(&self) -> Result<u32> {
        let mut replays: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPcieReplayCounter(self.handle, &mut replays)
        )?;
        Ok(replays)
    }

    /// Maximum PCIe link speed per lane, in MB/s: 2500 for PCIe 1 up to 64000 for PCIe 6
    /// (`nvmlDeviceGetPcieLinkMaxSpeed`).
    ///
    /// Drivers answer with a code, `NVML_PCIE_LINK_MAX_SPEED_2500MBPS` (1) to
    /// `NVML_PCIE_LINK_MAX_SPEED_64000MBPS` (6), which this turns into the rate it names (a
    /// driver answering with the rate itself, as the header's prose suggests, is taken as is).
    /// `NVML_PCIE_LINK_MAX_SPEED_INVALID` (0) or any other value is
    /// [`NvmlError::UnexpectedValue`].
    #[doc(alias = "nvmlDeviceGetPcieLinkMaxSpeed")]
    pub fn pcie_link_max_speed(&self) -> Result<u32> {
        let mut raw: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPcieLinkMaxSpeed(self.handle, &mut raw)
        )?;
        link_max_speed_mbps(raw)
    }

    /// Current PCIe link speed, in Mb/s as the driver reports it (`nvmlDeviceGetPcieSpeed`).
    #[doc(alias = "nvmlDeviceGetPcieSpeed")]
    pub fn pcie_speed(&self) -> Result<u32> {
        let mut speed: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetPcieSpeed(self.handle, &mut speed))?;
        Ok(speed)
    }

    /// The bus the GPU sits on (`nvmlDeviceGetBusType`).
    #[doc(alias = "nvmlDeviceGetBusType")]
    pub fn bus_type(&self) -> Result<BusType> {
        let mut raw: sys::nvmlBusType_t = 0;
        nvml_call!(self.nvml, nvmlDeviceGetBusType(self.handle, &mut raw))?;
        BusType::try_from(raw)
    }

    /// Extended PCI attributes, with the class codes (`nvmlDeviceGetPciInfoExt` with
    /// `nvmlPciInfoExt_v1`).
    #[doc(alias = "nvmlDeviceGetPciInfoExt")]
    pub fn pci_info_ext(&self) -> Result<PciInfoExt> {
        let mut pci = sys::nvmlPciInfoExt_t {
            version: sys::nvmlPciInfoExt_v1,
            ..Default::default()
        };
        nvml_call!(self.nvml, nvmlDeviceGetPciInfoExt(self.handle, &mut pci))?;
        Ok(PciInfoExt {
            domain: pci.domain,
            bus: pci.bus,
            device: pci.device,
            pci_device_id: pci.pciDeviceId,
            pci_subsystem_id: pci.pciSubSystemId,
            base_class: pci.baseClass,
            sub_class: pci.subClass,
            bus_id: string_from_c_buf(&pci.busId)?,
        })
    }

    /// The highest PCIe generation the GPU itself supports, whatever the slot
    /// (`nvmlDeviceGetGpuMaxPcieLinkGeneration`).
    #[doc(alias = "nvmlDeviceGetGpuMaxPcieLinkGeneration")]
    pub fn gpu_max_pcie_link_generation(&self) -> Result<u32> {
        let mut generation: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetGpuMaxPcieLinkGeneration(self.handle, &mut generation)
        )?;
        Ok(generation)
    }

    /// Whether the chip-to-chip (C2C) link to the CPU is enabled
    /// (`nvmlDeviceGetC2cModeInfoV`).
    #[doc(alias = "nvmlDeviceGetC2cModeInfoV")]
    pub fn c2c_mode_enabled(&self) -> Result<bool> {
        let mut info = sys::nvmlC2cModeInfo_v1_t::default();
        nvml_call!(self.nvml, nvmlDeviceGetC2cModeInfoV(self.handle, &mut info))?;
        Ok(info.isC2cEnabled != 0)
    }
}

/// The rate an `NVML_PCIE_LINK_MAX_SPEED_*` code names, in MB/s.
fn link_max_speed_mbps(raw: c_uint) -> Result<u32> {
    const RATES: [(c_uint, u32); 6] = [
        (sys::NVML_PCIE_LINK_MAX_SPEED_2500MBPS, 2500),
        (sys::NVML_PCIE_LINK_MAX_SPEED_5000MBPS, 5000),
        (sys::NVML_PCIE_LINK_MAX_SPEED_8000MBPS, 8000),
        (sys::NVML_PCIE_LINK_MAX_SPEED_16000MBPS, 16000),
        (sys::NVML_PCIE_LINK_MAX_SPEED_32000MBPS, 32000),
        (sys::NVML_PCIE_LINK_MAX_SPEED_64000MBPS, 64000),
    ];
    RATES
        .iter()
        .find(|(code, rate)| raw == *code || raw == *rate)
        .map(|(_, rate)| *rate)
        .ok_or(NvmlError::UnexpectedValue {
            what: "PCIe link max speed",
            value: i64::from(raw),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_combined_pci_id_splits_into_vendor_and_device() {
        let info = PciInfo {
            domain: 0,
            bus: 0x18,
            device: 0,
            pci_device_id: 0x2330_10de,
            pci_subsystem_id: 0x16c1_10de,
            bus_id: "00000000:18:00.0".into(),
        };
        assert_eq!(info.vendor_id(), 0x10de);
        assert_eq!(info.device_id(), 0x2330);
    }

    #[test]
    fn link_max_speed_codes_become_rates() {
        assert_eq!(link_max_speed_mbps(1).unwrap(), 2500);
        assert_eq!(link_max_speed_mbps(5).unwrap(), 32000);
        assert_eq!(link_max_speed_mbps(6).unwrap(), 64000);
        assert_eq!(link_max_speed_mbps(16000).unwrap(), 16000);
        for bad in [0, 7, 12345] {
            assert!(matches!(
                link_max_speed_mbps(bad),
                Err(NvmlError::UnexpectedValue { value, .. }) if value == i64::from(bad)
            ));
        }
    }
}
