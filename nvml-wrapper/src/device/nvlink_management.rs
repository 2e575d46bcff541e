//! NvLink management: link information and firmware, remote device type, telemetry samples,
//! reduced-bandwidth modes (per GPU and system-wide), error counter reset and the low-power
//! threshold. The per-link state and counters are in the device's NvLink queries
//! ([`Device::nvlink_state`] and friends).

use std::ffi::{c_uchar, c_uint, c_ulonglong};

use nvml_sys as sys;

use super::Device;
use crate::enums::{NvLinkDeviceType, NvLinkTelemetrySampleType};
use crate::error::{NvmlError, Result, check};
use crate::ffi::{LIST_MAX, nvml_call};
use crate::nvml::Nvml;
use crate::nvml_ref::NvmlRef;

/// NvLink information of a GPU (`nvmlNvLinkInfo_v2_t`, or `_v1_t` on older drivers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NvLinkInfo {
    /// Whether NvLink encryption (NVLE) is on.
    pub nvle_enabled: bool,
    /// NvLink firmware versions, one per microcode type (empty on drivers with only the
    /// `_v1_t` struct).
    pub firmware: Vec<NvLinkFirmwareVersion>,
}

/// The version of one NvLink firmware microcode (`nvmlNvlinkFirmwareVersion_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NvLinkFirmwareVersion {
    /// Microcode type (`NVML_NVLINK_FIRMWARE_UCODE_TYPE_*`).
    pub ucode_type: u8,
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Sub-minor version.
    pub sub_minor: u32,
}

/// A GPU's NvLink bandwidth mode (`nvmlNvlinkGetBwMode_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NvLinkBwMode {
    /// Whether the GPU runs at the best mode available.
    pub is_best: bool,
    /// The mode (one of [`Device::nvlink_supported_bw_modes`]); meaningful when not
    /// `is_best`.
    pub mode: u8,
}

/// A bandwidth mode to set with [`Device::set_nvlink_bw_mode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum NvLinkBwModeSetting {
    /// The best mode available (`bSetBest`).
    Best,
    /// This mode, one of [`Device::nvlink_supported_bw_modes`].
    Mode(u8),
}

/// One request of [`Device::nvlink_telemetry_samples`]: which link and which telemetry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NvLinkTelemetryRequest {
    /// Link index.
    pub link: u32,
    /// What to sample.
    pub sample_type: NvLinkTelemetrySampleType,
}

impl NvLinkBwModeSetting {
    /// `(bSetBest, bwMode)` as the set structs take them.
    fn raw(self) -> (c_uint, c_uchar) {
        match self {
            Self::Best => (1, 0),
            Self::Mode(mode) => (0, mode),
        }
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// NvLink encryption state and firmware versions (`nvmlDeviceGetNvLinkInfo` with
    /// `nvmlNvLinkInfo_v2`, then `nvmlNvLinkInfo_v1` on drivers that reject it).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] on GPUs without the feature.
    #[doc(alias = "nvmlDeviceGetNvLinkInfo")]
    pub fn nvlink_info(&self) -> Result<NvLinkInfo> {
        let mut v2 = sys::nvmlNvLinkInfo_v2_t {
            version: sys::nvmlNvLinkInfo_v2,
            ..Default::default()
        };
        let rc = nvml_call!(self.nvml, nvmlDeviceGetNvLinkInfo(self.handle, &mut v2));
        match rc {
            Ok(()) => {
                let fw = &v2.firmwareInfo;
                let valid = (fw.numValidEntries as usize).min(fw.firmwareVersion.len());
                return Ok(NvLinkInfo {
                    nvle_enabled: v2.isNvleEnabled != 0,
                    firmware: fw
                        .firmwareVersion
                        .iter()
                        .take(valid)
                        .map(|v| NvLinkFirmwareVersion {
                            ucode_type: v.ucodeType,
                            major: v.major,
                            minor: v.minor,
                            sub_minor: v.subMinor,
                        })
                        .collect(),
                });
            }
            Err(NvmlError::ArgumentVersionMismatch(_)) => {}
            Err(e) => return Err(e),
        }
        // The `_v1_t` struct is the head of `_v2_t`; `version` tells them apart.
        let mut v1 = sys::nvmlNvLinkInfo_v2_t {
            version: sys::nvmlNvLinkInfo_v1,
            ..Default::default()
        };
        nvml_call!(self.nvml, nvmlDeviceGetNvLinkInfo(self.handle, &mut v1))?;
        Ok(NvLinkInfo {
            nvle_enabled: v1.isNvleEnabled != 0,
            firmware: Vec::new(),
        })
    }

    /// What is at the other end of `link` (`nvmlDeviceGetNvLinkRemoteDeviceType`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for a link the GPU lacks, [`NvmlError::NotSupported`]
    /// without NvLink, [`NvmlError::UnexpectedValue`] for a type newer than the header.
    #[doc(alias = "nvmlDeviceGetNvLinkRemoteDeviceType")]
    pub fn nvlink_remote_device_type(&self, link: u32) -> Result<NvLinkDeviceType> {
        let mut raw: sys::nvmlIntNvLinkDeviceType_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetNvLinkRemoteDeviceType(self.handle, link, &mut raw)
        )?;
        NvLinkDeviceType::try_from(raw)
    }

    /// The latest NvLink telemetry samples (about one per 100 ms) for each request, in order
    /// (`nvmlDeviceGetNvLinkTelemetrySamples_v1`, Rubin and newer): one call to learn how many
    /// samples each link keeps, one to read them. Each request has its own result.
    ///
    /// # Errors
    /// The outer error is the call's ([`NvmlError::NotSupported`] on GPUs without it,
    /// [`NvmlError::InvalidArgument`] for a link out of range); an inner one is NVML's answer
    /// for that request.
    #[doc(alias = "nvmlDeviceGetNvLinkTelemetrySamples_v1")]
    pub fn nvlink_telemetry_samples(
        &self,
        requests: &[NvLinkTelemetryRequest],
    ) -> Result<Vec<Result<Vec<u64>>>> {
        let slot = |r: &NvLinkTelemetryRequest| sys::nvmlNvlinkTelemetrySample_v1_t {
            linkId: r.link,
            sampleType: r.sample_type.as_raw(),
            sampleCount: 0,
            samples: std::ptr::null_mut(),
            nvmlReturn: sys::NVML_SUCCESS,
        };
        let call = |slots: &mut [sys::nvmlNvlinkTelemetrySample_v1_t]| -> Result<()> {
            let mut batch = sys::nvmlNvlinkTelemetrySamples_v1_t {
                telemetryCount: slots.len() as c_uint,
                telemetrySamples: slots.as_mut_ptr(),
            };
            nvml_call!(
                self.nvml,
                nvmlDeviceGetNvLinkTelemetrySamples_v1(self.handle, &mut batch)
            )
        };
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        // Count query: `sampleCount` 0 and no buffer give each link's supported count.
        let mut slots: Vec<_> = requests.iter().map(slot).collect();
        call(&mut slots)?;
        let mut buffers: Vec<Vec<c_ulonglong>> = slots
            .iter()
            .map(|s| vec![0; (s.sampleCount as usize).min(LIST_MAX)])
            .collect();
        for (s, (r, buf)) in slots
            .iter_mut()
            .zip(requests.iter().zip(buffers.iter_mut()))
        {
            *s = slot(r);
            s.sampleCount = buf.len() as c_uint;
            if !buf.is_empty() {
                s.samples = buf.as_mut_ptr();
            }
        }
        call(&mut slots)?;
        Ok(slots
            .iter()
            .zip(buffers)
            .map(|(s, mut buf)| {
                check(s.nvmlReturn, "nvmlDeviceGetNvLinkTelemetrySamples_v1")?;
                buf.truncate(s.sampleCount as usize);
                Ok(buf)
            })
            .collect())
    }

    /// The GPU's NvLink bandwidth mode (`nvmlDeviceGetNvlinkBwMode` with
    /// `nvmlNvlinkGetBwMode_v1`, Blackwell and newer).
    #[doc(alias = "nvmlDeviceGetNvlinkBwMode")]
    pub fn nvlink_bw_mode(&self) -> Result<NvLinkBwMode> {
        let mut raw = sys::nvmlNvlinkGetBwMode_v1_t {
            version: sys::nvmlNvlinkGetBwMode_v1,
            ..Default::default()
        };
        nvml_call!(self.nvml, nvmlDeviceGetNvlinkBwMode(self.handle, &mut raw))?;
        Ok(NvLinkBwMode {
            is_best: raw.bIsBest != 0,
            mode: raw.bwMode,
        })
    }

    /// The NvLink bandwidth modes this GPU supports (`nvmlDeviceGetNvlinkSupportedBwModes`
    /// with `nvmlNvlinkSupportedBwModes_v1`, Blackwell and newer).
    #[doc(alias = "nvmlDeviceGetNvlinkSupportedBwModes")]
    pub fn nvlink_supported_bw_modes(&self) -> Result<Vec<u8>> {
        let mut raw = sys::nvmlNvlinkSupportedBwModes_v1_t {
            version: sys::nvmlNvlinkSupportedBwModes_v1,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetNvlinkSupportedBwModes(self.handle, &mut raw)
        )?;
        let count = usize::from(raw.totalBwModes).min(raw.bwModes.len());
        Ok(raw.bwModes.iter().take(count).copied().collect())
    }

    /// Sets the GPU's NvLink bandwidth mode (`nvmlDeviceSetNvlinkBwMode` with
    /// `nvmlNvlinkSetBwMode_v1`, Blackwell and newer).
    ///
    /// # Errors
    /// [`NvmlError::NoPermission`] without the rights, [`NvmlError::NotSupported`] on GPUs
    /// without the feature.
    #[doc(alias = "nvmlDeviceSetNvlinkBwMode")]
    pub fn set_nvlink_bw_mode(&self, setting: NvLinkBwModeSetting) -> Result<()> {
        let (best, mode) = setting.raw();
        let mut raw = sys::nvmlNvlinkSetBwMode_v1_t {
            version: sys::nvmlNvlinkSetBwMode_v1,
            bSetBest: best,
            bwMode: mode,
        };
        nvml_call!(self.nvml, nvmlDeviceSetNvlinkBwMode(self.handle, &mut raw))
    }

    /// Starts changing the GPU's NvLink bandwidth mode and returns at once
    /// (`nvmlDeviceSetNvlinkBwModeAsync_v1`, Rubin and newer). Returns how long to poll, in
    /// milliseconds, for the GPU fabric state to reach `NVML_GPU_FABRIC_STATE_COMPLETED`.
    ///
    /// # Errors
    /// [`NvmlError::NoPermission`] without the rights, [`NvmlError::NotSupported`] on GPUs
    /// without the feature.
    #[doc(alias = "nvmlDeviceSetNvlinkBwModeAsync_v1")]
    pub fn set_nvlink_bw_mode_async(&self, setting: NvLinkBwModeSetting) -> Result<u32> {
        let (best, mode) = setting.raw();
        let mut raw = sys::nvmlNvlinkSetBwModeAsync_v1_t {
            bSetBest: best,
            bwMode: c_uint::from(mode),
            asyncPollTimeoutMs: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetNvlinkBwModeAsync_v1(self.handle, &mut raw)
        )?;
        Ok(raw.asyncPollTimeoutMs)
    }

    /// Resets every error counter of `link` to zero (`nvmlDeviceResetNvLinkErrorCounters`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for a link the GPU lacks, [`NvmlError::NotSupported`]
    /// without NvLink.
    #[doc(alias = "nvmlDeviceResetNvLinkErrorCounters")]
    pub fn reset_nvlink_error_counters(&self, link: u32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlDeviceResetNvLinkErrorCounters(self.handle, link)
        )
    }

    /// Sets the idle time after which NvLinks enter low-power mode, in units of 100 µs
    /// (`NVML_NVLINK_LOW_POWER_THRESHOLD_MIN`..=`MAX`, 1..=8191), or back to the default
    /// with `None` (`nvmlDeviceSetNvLinkDeviceLowPowerThreshold`, Hopper and newer).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for a threshold out of range, [`NvmlError::NotReady`]
    /// if a driver setting prevents it, [`NvmlError::NotSupported`] on GPUs without it.
    #[doc(alias = "nvmlDeviceSetNvLinkDeviceLowPowerThreshold")]
    pub fn set_nvlink_low_power_threshold(&self, threshold: Option<u32>) -> Result<()> {
        let mut raw = sys::nvmlNvLinkPowerThres_t {
            lowPwrThreshold: threshold.unwrap_or(sys::NVML_NVLINK_LOW_POWER_THRESHOLD_RESET),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetNvLinkDeviceLowPowerThreshold(self.handle, &mut raw)
        )
    }
}

impl Nvml {
    /// The system-wide NvLink bandwidth mode (`nvmlSystemGetNvlinkBwMode`, Hopper and newer).
    ///
    /// # Errors
    /// [`NvmlError::NoPermission`] without root, [`NvmlError::NotSupported`] before Hopper.
    #[doc(alias = "nvmlSystemGetNvlinkBwMode")]
    pub fn nvlink_bw_mode(&self) -> Result<u32> {
        let mut mode: c_uint = 0;
        nvml_call!(self, nvmlSystemGetNvlinkBwMode(&mut mode))?;
        Ok(mode)
    }

    /// Sets the system-wide NvLink bandwidth mode (`nvmlSystemSetNvlinkBwMode`, Hopper and
    /// newer). Needs root.
    ///
    /// # Errors
    /// [`NvmlError::InUse`] while a peer-to-peer object exists, [`NvmlError::NoPermission`]
    /// without root, [`NvmlError::NotSupported`] before Hopper.
    #[doc(alias = "nvmlSystemSetNvlinkBwMode")]
    pub fn set_nvlink_bw_mode(&self, mode: u32) -> Result<()> {
        nvml_call!(self, nvmlSystemSetNvlinkBwMode(mode))
    }
}
