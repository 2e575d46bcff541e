//! PCI: the bus type, the bus id and ids (plain and extended), the PCIe link (generation,
//! width, speed) and the GPU's own highest generation, throughput, replays, and the C2C mode.

use std::ffi::c_uint;

use nvml_sys::*;

use super::phys;
use crate::machine::Gpu;
use crate::marshal::{fill_array, get, put};
use crate::support::Feature;

fn pci_info(g: &Gpu) -> nvmlPciInfo_t {
    let mut p = nvmlPciInfo_t {
        domain: g.spec().pci_domain,
        bus: g.spec().pci_bus,
        device: g.spec().pci_device,
        pciDeviceId: g.spec().pci_device_id,
        pciSubSystemId: g.spec().pci_subsystem_id,
        ..Default::default()
    };
    fill_array(&mut p.busIdLegacy, &g.spec().bus_id_legacy());
    fill_array(&mut p.busId, &g.spec().bus_id());
    p
}

export! {
    fn nvmlDeviceGetPciInfo_v3(device: nvmlDevice_t, pci: *mut nvmlPciInfo_t) |c| {
        put(pci, pci_info(phys(c, device)?))
    }
    fn nvmlDeviceGetPciInfo_v2(device: nvmlDevice_t, pci: *mut nvmlPciInfo_t) |c| {
        put(pci, pci_info(phys(c, device)?))
    }
    fn nvmlDeviceGetPciInfo(device: nvmlDevice_t, pci: *mut nvmlPciInfo_t) |c| {
        put(pci, pci_info(phys(c, device)?))
    }
    fn nvmlDeviceGetMaxPcieLinkGeneration(device: nvmlDevice_t, maxLinkGen: *mut c_uint) |c| {
        put(maxLinkGen, phys(c, device)?.spec().pcie_max_gen)
    }
    fn nvmlDeviceGetMaxPcieLinkWidth(device: nvmlDevice_t, maxLinkWidth: *mut c_uint) |c| {
        put(maxLinkWidth, phys(c, device)?.spec().pcie_max_width)
    }
    fn nvmlDeviceGetCurrPcieLinkGeneration(device: nvmlDevice_t, currLinkGen: *mut c_uint) |c| {
        put(currLinkGen, phys(c, device)?.spec().pcie_gen)
    }
    fn nvmlDeviceGetCurrPcieLinkWidth(device: nvmlDevice_t, currLinkWidth: *mut c_uint) |c| {
        put(currLinkWidth, phys(c, device)?.spec().pcie_width)
    }
    fn nvmlDeviceGetPcieThroughput(device: nvmlDevice_t, counter: nvmlPcieUtilCounter_t, value: *mut c_uint) |c| {
        let now = &phys(c, device)?.readings;
        let v = match counter {
            NVML_PCIE_UTIL_TX_BYTES => now.pcie_tx_kbps,
            NVML_PCIE_UTIL_RX_BYTES => now.pcie_rx_kbps,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(value, v)
    }
    fn nvmlDeviceGetPcieReplayCounter(device: nvmlDevice_t, value: *mut c_uint) |c| {
        put(value, phys(c, device)?.spec().pcie_replay_counter)
    }
    fn nvmlDeviceGetPcieLinkMaxSpeed(device: nvmlDevice_t, maxSpeed: *mut c_uint) |c| {
        let v = match phys(c, device)?.spec().pcie_max_gen {
            1 => NVML_PCIE_LINK_MAX_SPEED_2500MBPS,
            2 => NVML_PCIE_LINK_MAX_SPEED_5000MBPS,
            3 => NVML_PCIE_LINK_MAX_SPEED_8000MBPS,
            4 => NVML_PCIE_LINK_MAX_SPEED_16000MBPS,
            5 => NVML_PCIE_LINK_MAX_SPEED_32000MBPS,
            6 => NVML_PCIE_LINK_MAX_SPEED_64000MBPS,
            _ => NVML_PCIE_LINK_MAX_SPEED_INVALID,
        };
        put(maxSpeed, v)
    }
    fn nvmlDeviceGetPcieSpeed(device: nvmlDevice_t, pcieSpeed: *mut c_uint) |c| {
        let v = match phys(c, device)?.spec().pcie_gen {
            1 => 2500,
            2 => 5000,
            3 => 8000,
            4 => 16000,
            5 => 32000,
            _ => 64000,
        };
        put(pcieSpeed, v)
    }
    // Enabled on a GPU with a C2C link to a Grace CPU (GB200).
    fn nvmlDeviceGetC2cModeInfoV(device: nvmlDevice_t, c2cModeInfo: *mut nvmlC2cModeInfo_v1_t) |c| {
        let g = phys(c, device)?;
        g.support.check(Feature::C2cMode)?;
        let on = g.spec().c2c.is_some();
        put(c2cModeInfo, nvmlC2cModeInfo_v1_t { isC2cEnabled: u32::from(on) })
    }
    fn nvmlDeviceGetPciInfoExt(device: nvmlDevice_t, pci: *mut nvmlPciInfoExt_t) |c| {
        let g = phys(c, device)?;
        let mut p: nvmlPciInfoExt_t = get(pci)?;
        if p.version != nvmlPciInfoExt_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        p.domain = g.spec().pci_domain;
        p.bus = g.spec().pci_bus;
        p.device = g.spec().pci_device;
        p.pciDeviceId = g.spec().pci_device_id;
        p.pciSubSystemId = g.spec().pci_subsystem_id;
        p.baseClass = 0x03;
        p.subClass = if g.spec().brand == NVML_BRAND_GEFORCE_RTX { 0x00 } else { 0x02 };
        fill_array(&mut p.busId, &g.spec().bus_id());
        put(pci, p)
    }
    fn nvmlDeviceGetGpuMaxPcieLinkGeneration(device: nvmlDevice_t, maxLinkGenDevice: *mut c_uint) |c| {
        let s = phys(c, device)?.spec();
        put(maxLinkGenDevice, if s.pcie_max_device_gen > 0 { s.pcie_max_device_gen } else { s.pcie_max_gen })
    }
    fn nvmlDeviceGetBusType(device: nvmlDevice_t, type_: *mut nvmlBusType_t) |c| {
        phys(c, device)?;
        put(type_, c.enum_value(NVML_BUS_TYPE_PCIE, 0x42))
    }
}
