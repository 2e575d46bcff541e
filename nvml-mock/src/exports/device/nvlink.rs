//! NvLink: link state, version, capabilities, the far end's PCI info and error counters.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys::*;

use super::{nvlink_active, nvswitch_pci, phys};
use crate::marshal::put;

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
