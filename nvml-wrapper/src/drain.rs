//! Drain states and GPU rediscovery: NVML's "Drain states" group (ZPI, zero-power idle).
//!
//! These calls name a GPU by its PCI address rather than by a handle, because they act on
//! GPUs that NVML may no longer (or not yet) enumerate. They need root and are Linux only.
//!
//! ```no_run
//! use nvml_wrapper::drain::PciAddress;
//! # let nvml = nvml_wrapper::Nvml::init()?;
//! let gpu = nvml.device_by_index(3)?;
//! let address = PciAddress::from(&gpu.pci_info()?);
//! nvml.set_drain_state(&address, true)?; // no new work reaches it
//! assert!(nvml.drain_state(&address)?);
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

use std::fmt;

use nvml_sys as sys;

use crate::device::PciInfo;
use crate::enums::{enable_state, enabled};
use crate::error::{NvmlError, Result};
use crate::ffi::{copy_c_string, nvml_call};
use crate::nvml::Nvml;
use crate::versions::remove_gpu;

/// A PCI address, `domain:bus:device` (function 0): what the drain-state calls take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PciAddress {
    /// PCI domain.
    pub domain: u32,
    /// Bus, 0 to 0xff.
    pub bus: u32,
    /// Device on the bus, 0 to 31.
    pub device: u32,
}

impl PciAddress {
    /// Parses a bus id as NVML prints it: `"00000000:18:00.0"` (also with a 4-digit domain,
    /// or without the domain: `"18:00.0"`, or without the function).
    pub fn from_bus_id(bus_id: &str) -> Result<Self> {
        const BAD: NvmlError =
            NvmlError::InvalidInput("a PCI bus id is [domain:]bus:device[.function], in hex");
        let hex = |s: &str| u32::from_str_radix(s, 16).map_err(|_| BAD);
        let mut parts: Vec<&str> = bus_id.trim().split(':').collect();
        let device_function = parts.pop().ok_or(BAD)?;
        let device = device_function
            .split_once('.')
            .map_or(device_function, |(device, _)| device);
        let (domain, bus) = match parts.as_slice() {
            [bus] => (0, hex(bus)?),
            [domain, bus] => (hex(domain)?, hex(bus)?),
            _ => return Err(BAD),
        };
        Ok(Self {
            domain,
            bus,
            device: hex(device)?,
        })
    }

    /// The `nvmlPciInfo_t` the drain-state calls read: domain, bus, device and both bus id
    /// strings filled, the rest zero.
    fn to_raw(self) -> sys::nvmlPciInfo_t {
        let mut pci = sys::nvmlPciInfo_t {
            domain: self.domain,
            bus: self.bus,
            device: self.device,
            ..Default::default()
        };
        copy_c_string(&mut pci.busId, &self.to_string());
        copy_c_string(
            &mut pci.busIdLegacy,
            &format!("{:04x}:{:02x}:{:02x}.0", self.domain, self.bus, self.device),
        );
        pci
    }
}

impl fmt::Display for PciAddress {
    /// The bus id form: `00000000:18:00.0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:08x}:{:02x}:{:02x}.0",
            self.domain, self.bus, self.device
        )
    }
}

impl From<&PciInfo> for PciAddress {
    fn from(pci: &PciInfo) -> Self {
        Self {
            domain: pci.domain,
            bus: pci.bus,
            device: pci.device,
        }
    }
}

/// What [`Nvml::remove_gpu`] does with the GPU beyond NVML's view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GpuRemoval {
    /// Also remove the GPU from the operating system's view (`NVML_DETACH_GPU_REMOVE`);
    /// `false` keeps it there (`NVML_DETACH_GPU_KEEP`).
    pub remove_from_os: bool,
    /// Shut down the PCIe link of the GPU's parent bridge (`NVML_PCIE_LINK_SHUT_DOWN`);
    /// `false` keeps it up (`NVML_PCIE_LINK_KEEP`).
    pub shut_down_link: bool,
}

impl Nvml {
    /// Removes the GPU at `address` from the view of NVML and the NVIDIA kernel driver
    /// (`nvmlDeviceRemoveGpu_v2`; `nvmlDeviceRemoveGpu` on drivers without it, which can only
    /// keep the GPU in the OS and its link up). Linux only, Pascal or newer, needs root.
    ///
    /// No process may be attached to the GPU, and persistence mode counts as one: drain it
    /// first ([`Nvml::set_drain_state`]). Afterwards the GPUs are numbered anew (with GPU 1
    /// of 4 removed, indices are 0..=2) and handles of the GPUs after it must be fetched
    /// again. [`Nvml::discover_gpus`] brings it back.
    ///
    /// # Errors
    /// [`NoPermission`](NvmlError::NoPermission) without root,
    /// [`InUse`](NvmlError::InUse) while a process (or persistence mode) holds the GPU,
    /// [`InvalidArgument`](NvmlError::InvalidArgument) when no GPU has that address,
    /// [`MissingSymbol`](NvmlError::MissingSymbol) for a removal option the driver's
    /// older function cannot do.
    #[doc(alias = "nvmlDeviceRemoveGpu_v2")]
    #[doc(alias = "nvmlDeviceRemoveGpu")]
    pub fn remove_gpu(&self, address: &PciAddress, removal: GpuRemoval) -> Result<()> {
        let mut pci = address.to_raw();
        match self.versions().remove_gpu() {
            remove_gpu::Version::nvmlDeviceRemoveGpu_v2 => {
                let gpu_state = if removal.remove_from_os {
                    sys::NVML_DETACH_GPU_REMOVE
                } else {
                    sys::NVML_DETACH_GPU_KEEP
                };
                let link_state = if removal.shut_down_link {
                    sys::NVML_PCIE_LINK_SHUT_DOWN
                } else {
                    sys::NVML_PCIE_LINK_KEEP
                };
                nvml_call!(
                    self,
                    remove_gpu::nvmlDeviceRemoveGpu_v2(&mut pci, gpu_state, link_state)
                )
            }
            remove_gpu::Version::nvmlDeviceRemoveGpu if removal == GpuRemoval::default() => {
                nvml_call!(self, remove_gpu::nvmlDeviceRemoveGpu(&mut pci))
            }
            _ => Err(NvmlError::MissingSymbol("nvmlDeviceRemoveGpu_v2")),
        }
    }

    /// Whether the GPU at `address` is draining: accepting no new work
    /// (`nvmlDeviceQueryDrainState`). Pascal or newer, Linux only.
    #[doc(alias = "nvmlDeviceQueryDrainState")]
    pub fn drain_state(&self, address: &PciAddress) -> Result<bool> {
        let mut pci = address.to_raw();
        let mut state: sys::nvmlEnableState_t = 0;
        nvml_call!(self, nvmlDeviceQueryDrainState(&mut pci, &mut state))?;
        enabled(state, "drain state")
    }

    /// Starts or ends draining the GPU at `address` (`nvmlDeviceModifyDrainState`): while
    /// draining, no new NVML client sees it. Persistence mode must be off. Needs root.
    ///
    /// # Errors
    /// [`NoPermission`](NvmlError::NoPermission) without root,
    /// [`InUse`](NvmlError::InUse) while persistence mode is on.
    #[doc(alias = "nvmlDeviceModifyDrainState")]
    pub fn set_drain_state(&self, address: &PciAddress, draining: bool) -> Result<()> {
        let mut pci = address.to_raw();
        nvml_call!(
            self,
            nvmlDeviceModifyDrainState(&mut pci, enable_state(draining))
        )
    }

    /// Asks the OS and the driver to look for GPUs removed earlier
    /// (`nvmlDeviceDiscoverGpus`): under `scope` (domain, bus and device), or on the whole
    /// PCI tree for `None`. Newly found GPUs are initialised and their ECC scrubbed (seconds
    /// per GPU); device handles and indices may change. Needs root.
    #[doc(alias = "nvmlDeviceDiscoverGpus")]
    pub fn discover_gpus(&self, scope: Option<&PciAddress>) -> Result<()> {
        let mut pci = match scope {
            Some(address) => address.to_raw(),
            None => sys::nvmlPciInfo_t::default(),
        };
        nvml_call!(self, nvmlDeviceDiscoverGpus(&mut pci))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_ids_parse_in_nvmls_forms_and_print_back() {
        let a = PciAddress::from_bus_id("00000000:18:00.0").unwrap();
        assert_eq!(
            a,
            PciAddress {
                domain: 0,
                bus: 0x18,
                device: 0
            }
        );
        assert_eq!(a.to_string(), "00000000:18:00.0");
        assert_eq!(PciAddress::from_bus_id("0001:DB:1f.0").unwrap().bus, 0xdb);
        assert_eq!(PciAddress::from_bus_id("18:02").unwrap().device, 2);
        for bad in ["", "zz:00.0", "1:2:3:4", "00000000:18:xy.0"] {
            assert!(PciAddress::from_bus_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn raw_pci_info_carries_the_address_and_terminated_bus_ids() {
        let raw = PciAddress {
            domain: 0xffff_ffff,
            bus: 0xdb,
            device: 3,
        }
        .to_raw();
        assert_eq!((raw.domain, raw.bus, raw.device), (0xffff_ffff, 0xdb, 3));
        assert_eq!(
            crate::ffi::string_from_c_buf(&raw.busId).unwrap(),
            "ffffffff:db:03.0"
        );
        let legacy = PciAddress {
            domain: 1,
            bus: 0xdb,
            device: 3,
        }
        .to_raw();
        assert_eq!(
            crate::ffi::string_from_c_buf(&legacy.busIdLegacy).unwrap(),
            "0001:db:03.0"
        );
    }
}
