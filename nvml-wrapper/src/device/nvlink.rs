//! NvLink: the state, version, capabilities, peers and error counters of each link.

use std::ffi::{c_uint, c_ulonglong};

use nvml_sys as sys;

use super::{Device, PciInfo};
use crate::enums::{NvLinkCapability, NvLinkErrorCounter, NvLinkVersion, enabled};
use crate::error::{NvmlError, Result};
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// The most NvLinks a device can have (`NVML_NVLINK_MAX_LINKS`): links are numbered
/// `0..MAX_NVLINKS`.
pub const MAX_NVLINKS: u32 = sys::NVML_NVLINK_MAX_LINKS;

impl<N: NvmlRef> Device<'_, N> {
    /// How many NvLinks the device has, 0 for none: links are numbered `0..nvlink_count()`.
    ///
    /// Reads the field `NVML_FI_DEV_NVLINK_LINK_COUNT` (`nvmlDeviceGetFieldValues`); where the
    /// driver does not offer that field, counts the links `nvmlDeviceGetNvLinkState` knows
    /// (it answers `NVML_ERROR_INVALID_ARGUMENT` past the last one).
    #[doc(alias = "nvmlDeviceGetFieldValues")]
    #[doc(alias = "NVML_FI_DEV_NVLINK_LINK_COUNT")]
    pub fn nvlink_count(&self) -> Result<u32> {
        let values = self.field_values(&[super::field::NVLINK_LINK_COUNT])?;
        match values.into_iter().next().map(|v| v.value) {
            Some(Ok(v)) => {
                let raw = v.as_i64().unwrap_or(-1);
                match u32::try_from(raw) {
                    Ok(n) if n <= MAX_NVLINKS => Ok(n),
                    _ => Err(NvmlError::UnexpectedValue {
                        what: "NvLink count",
                        value: raw,
                    }),
                }
            }
            Some(Err(NvmlError::NotSupported(_))) | None => self.nvlink_count_by_state(),
            Some(Err(e)) => Err(e),
        }
    }

    /// The links `nvmlDeviceGetNvLinkState` answers for, from 0 up to the first it rejects.
    fn nvlink_count_by_state(&self) -> Result<u32> {
        for link in 0..MAX_NVLINKS {
            match self.nvlink_state(link) {
                Ok(_) => {}
                Err(NvmlError::InvalidArgument(_) | NvmlError::NotSupported(_)) => return Ok(link),
                Err(e) => return Err(e),
            }
        }
        Ok(MAX_NVLINKS)
    }

    /// Whether NvLink `link` is active (`nvmlDeviceGetNvLinkState`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for a link the device does not have,
    /// [`NvmlError::NotSupported`] on devices without NvLink.
    #[doc(alias = "nvmlDeviceGetNvLinkState")]
    pub fn nvlink_state(&self, link: u32) -> Result<bool> {
        let mut active: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetNvLinkState(self.handle, link, &mut active)
        )?;
        enabled(active, "NvLink state")
    }

    /// The NvLink version of `link` (`nvmlDeviceGetNvLinkVersion`). The driver answers an
    /// `nvmlNvlinkVersion_t` (6 is NvLink 4.0, not NvLink 6); this converts it.
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for a link the device does not have,
    /// [`NvmlError::NotSupported`] on devices without NvLink,
    /// [`NvmlError::UnexpectedValue`] for a value the header does not define.
    #[doc(alias = "nvmlDeviceGetNvLinkVersion")]
    pub fn nvlink_version(&self, link: u32) -> Result<NvLinkVersion> {
        let mut version: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetNvLinkVersion(self.handle, link, &mut version)
        )?;
        NvLinkVersion::try_from(version)
    }

    /// Whether `link` has `capability` (`nvmlDeviceGetNvLinkCapability`).
    #[doc(alias = "nvmlDeviceGetNvLinkCapability")]
    pub fn nvlink_capability(&self, link: u32, capability: NvLinkCapability) -> Result<bool> {
        let mut result: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetNvLinkCapability(self.handle, link, capability.as_raw(), &mut result)
        )?;
        Ok(result != 0)
    }

    /// PCI attributes of the device at the other end of `link`
    /// (`nvmlDeviceGetNvLinkRemotePciInfo_v2`, or `nvmlDeviceGetNvLinkRemotePciInfo` on older
    /// drivers, as chosen in the version table).
    #[doc(alias = "nvmlDeviceGetNvLinkRemotePciInfo")]
    #[doc(alias = "nvmlDeviceGetNvLinkRemotePciInfo_v2")]
    pub fn nvlink_remote_pci_info(&self, link: u32) -> Result<PciInfo> {
        self.nvml
            .versions()
            .nvlink_remote_pci_info(self.handle, link)
    }

    /// The value of one data-link error counter of `link` (`nvmlDeviceGetNvLinkErrorCounter`).
    #[doc(alias = "nvmlDeviceGetNvLinkErrorCounter")]
    pub fn nvlink_error_counter(&self, link: u32, counter: NvLinkErrorCounter) -> Result<u64> {
        let mut value: c_ulonglong = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetNvLinkErrorCounter(self.handle, link, counter.as_raw(), &mut value)
        )?;
        Ok(value)
    }
}
