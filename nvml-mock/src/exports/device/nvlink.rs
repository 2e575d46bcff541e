//! NvLink: link state, version, capabilities, the far end's PCI info and error counters.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys::*;

use super::{nvlink_active, phys};
use crate::dispatch::Ctx;
use crate::machine::Gpu;
use crate::marshal::{fill_array, put};

/// NVSwitch PCI info for the far end of link `link` of GPU `g` (its architecture's row of
/// [`crate::support::NVSWITCHES`]), on the first buses of domain 0 from 0x05 up that no GPU of
/// the machine sits on (a switch never shares a GPU's address, which clients such as SLURM
/// match links by).
fn nvswitch_pci(c: &Ctx<'_>, g: &Gpu, link: c_uint) -> nvmlPciInfo_t {
    let switches = crate::support::nvswitches(g.spec().architecture);
    let taken = |bus: u32| {
        c.m.gpus
            .iter()
            .any(|g| g.spec().pci_domain == 0 && g.spec().pci_bus == bus)
    };
    let mut buses = (0x05u32..=0xff).filter(|b| !taken(*b));
    let bus = buses
        .nth(link.checked_rem(switches.chips).unwrap_or(0) as usize)
        .unwrap_or(0x05);
    let mut p = nvmlPciInfo_t {
        domain: 0,
        bus,
        device: 0,
        pciDeviceId: switches.pci_device_id,
        pciSubSystemId: 0x1796_10de,
        ..Default::default()
    };
    fill_array(&mut p.busIdLegacy, &format!("0000:{bus:02X}:00.0"));
    fill_array(&mut p.busId, &format!("00000000:{bus:02X}:00.0"));
    p
}

export! {
    fn nvmlDeviceGetNvLinkState(device: nvmlDevice_t, link: c_uint, isActive: *mut nvmlEnableState_t) |c| {
        nvlink_active(phys(c, device)?, link)?;
        put(isActive, NVML_FEATURE_ENABLED)
    }
    fn nvmlDeviceGetNvLinkVersion(device: nvmlDevice_t, link: c_uint, version: *mut c_uint) |c| {
        let g = phys(c, device)?;
        nvlink_active(g, link)?;
        put(version, g.spec().nvlink_version)
    }
    fn nvmlDeviceGetNvLinkCapability(device: nvmlDevice_t, link: c_uint, capability: nvmlNvLinkCapability_t, capResult: *mut c_uint) |c| {
        nvlink_active(phys(c, device)?, link)?;
        let v = match capability {
            NVML_NVLINK_CAP_P2P_SUPPORTED | NVML_NVLINK_CAP_P2P_ATOMICS | NVML_NVLINK_CAP_VALID => 1,
            NVML_NVLINK_CAP_SYSMEM_ACCESS | NVML_NVLINK_CAP_SYSMEM_ATOMICS | NVML_NVLINK_CAP_SLI_BRIDGE => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(capResult, v)
    }
    fn nvmlDeviceGetNvLinkRemotePciInfo_v2(device: nvmlDevice_t, link: c_uint, pci: *mut nvmlPciInfo_t) |c| {
        let g = phys(c, device)?;
        nvlink_active(g, link)?;
        put(pci, nvswitch_pci(c, g, link))
    }
    fn nvmlDeviceGetNvLinkRemotePciInfo(device: nvmlDevice_t, link: c_uint, pci: *mut nvmlPciInfo_t) |c| {
        let g = phys(c, device)?;
        nvlink_active(g, link)?;
        put(pci, nvswitch_pci(c, g, link))
    }
    fn nvmlDeviceGetNvLinkErrorCounter(device: nvmlDevice_t, link: c_uint, counter: nvmlNvLinkErrorCounter_t, counterValue: *mut c_ulonglong) |c| {
        nvlink_active(phys(c, device)?, link)?;
        let g = phys(c, device)?;
        let v = g
            .nvlink_errors
            .get(link as usize)
            .and_then(|e| e.get(counter as usize))
            .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        put(counterValue, *v)
    }
}
