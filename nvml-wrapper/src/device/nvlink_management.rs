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

/// NvLink information of a GPU (`nvmlNvLinkInfo_v3_t`, or `_v2_t`/`_v1_t` on older drivers).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NvLinkInfo {
    /// Whether NvLink encryption (NVLE) is on.
    pub nvle_enabled: bool,
    /// NvLink firmware versions, one per microcode type (empty on drivers with only the
    /// `_v1_t` struct).
    pub firmware: Vec<NvLinkFirmwareVersion>,
    /// Whether NVLE is ready on the GPU (`isNvleReady` of `nvmlNvLinkInfo_v3_t`); `None` on
    /// drivers without `nvmlDeviceGetNvLinkInfo_v3`.
    pub nvle_ready: Option<bool>,
}

impl NvLinkInfo {
    /// From `nvmlNvLinkInfo_v3_t`.
    pub(crate) fn from_v3(v3: &sys::nvmlNvLinkInfo_v3_t) -> Self {
        Self {
            nvle_enabled: v3.isNvleEnabled != 0,
            firmware: firmware_versions(&v3.firmwareInfo),
            nvle_ready: Some(v3.isNvleReady != 0),
        }
    }

    /// From `nvmlNvLinkInfo_v2_t` filled as `nvmlNvLinkInfo_v2` (`with_firmware`) or as
    /// `_v1`, the head of the struct, without the firmware versions.
    pub(crate) fn from_v2(v2: &sys::nvmlNvLinkInfo_v2_t, with_firmware: bool) -> Self {
        Self {
            nvle_enabled: v2.isNvleEnabled != 0,
            firmware: if with_firmware {
                firmware_versions(&v2.firmwareInfo)
            } else {
                Vec::new()
            },
            nvle_ready: None,
        }
    }
}

/// The valid entries of an NvLink firmware list, clamped to the array.
fn firmware_versions(fw: &sys::nvmlNvlinkFirmwareInfo_t) -> Vec<NvLinkFirmwareVersion> {
    let valid = (fw.numValidEntries as usize).min(fw.firmwareVersion.len());
    fw.firmwareVersion
        .iter()
        .take(valid)
        .map(|v| NvLinkFirmwareVersion {
            ucode_type: v.ucodeType,
            major: v.major,
            minor: v.minor,
            sub_minor: v.subMinor,
        })
        .collect()
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

/// A GPU's NvLink remap tables (`nvmlNvlinkGetRemapTableInfo_v1_t`): the FLA and SPA/GPA
/// addresses of each entry in use.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NvLinkRemapTable {
    /// The GPU's ALID.
    pub alid: u32,
    /// FLA remap table address of each entry (`remapTabSize` of them, at most
    /// `NVML_NVLINK_MAX_REMAP_TABLE_ENTRIES_V2`).
    pub fla: Vec<u32>,
    /// SPA/GPA remap table address of each entry, as many as `fla`.
    pub gpa: Vec<u32>,
}

/// The remap-table lock state [`Device::lock_nvlink_remap_table`] reports
/// (`nvmlNvlinkLockRemapTable_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NvLinkRemapTableLock {
    /// The remap table is locked: MSE makes no further updates.
    pub locked: bool,
    /// Locking the remap table is disabled on this GPU.
    pub lock_disabled: bool,
}

/// What [`Device::setup_nvlink_nvle_encryption_key`] sets up between two GPUs
/// (`nvmlNvlinkSetupNvleEncryptionKey_v1_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NvleEncryptionKey<'a> {
    /// The key secret the key manager derives the key from.
    pub key: [u8; sys::NVML_NVLINK_NVLE_AES_256_GCM_KEY_SIZE_BYTES as usize],
    /// ALID of the local GPU ([`NvLinkRemapTable::alid`]).
    pub local_alid: u32,
    /// ALID of the remote GPU.
    pub remote_alid: u32,
    /// The local GPU's NVLE private info ([`Device::nvlink_nvle_private_info`]), at most
    /// `NVML_NVLINK_NVLE_PRIVATE_INFO_SIZE` (256) bytes.
    pub local_private_info: &'a [u8],
    /// The remote GPU's NVLE private info, at most 256 bytes.
    pub remote_private_info: &'a [u8],
}

/// `bytes` as an `nvmlNvlinkNvlePrivateInfo_v1_t`; `InvalidInput` when longer than its buffer.
fn nvle_private_info(bytes: &[u8]) -> Result<sys::nvmlNvlinkNvlePrivateInfo_v1_t> {
    let mut info = sys::nvmlNvlinkNvlePrivateInfo_v1_t {
        data: [0; sys::NVML_NVLINK_NVLE_PRIVATE_INFO_SIZE as usize],
        size: 0,
    };
    let slot = info
        .data
        .get_mut(..bytes.len())
        .ok_or(NvmlError::InvalidInput(
            "NVLE private info is longer than NVML_NVLINK_NVLE_PRIVATE_INFO_SIZE (256) bytes",
        ))?;
    slot.copy_from_slice(bytes);
    info.size = bytes.len() as c_uint;
    Ok(info)
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
    /// NvLink encryption state, firmware versions and NVLE readiness
    /// (`nvmlDeviceGetNvLinkInfo_v3`; on drivers without it `nvmlDeviceGetNvLinkInfo` with
    /// `nvmlNvLinkInfo_v2`, then `nvmlNvLinkInfo_v1` on drivers that reject that).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] on GPUs without the feature.
    #[doc(alias = "nvmlDeviceGetNvLinkInfo")]
    #[doc(alias = "nvmlDeviceGetNvLinkInfo_v3")]
    pub fn nvlink_info(&self) -> Result<NvLinkInfo> {
        self.nvml.versions().nvlink_info(self.handle)
    }

    /// The GPU's NvLink remap tables: its ALID and the FLA and SPA/GPA address of each entry
    /// (`nvmlDeviceGetNvlinkRemapTableInfo_v1`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] on GPUs without the feature, [`NvmlError::NoPermission`]
    /// where the caller may not read it.
    #[doc(alias = "nvmlDeviceGetNvlinkRemapTableInfo_v1")]
    pub fn nvlink_remap_table_info(&self) -> Result<NvLinkRemapTable> {
        // 32 KiB: on the heap.
        let mut info = Box::new(sys::nvmlNvlinkGetRemapTableInfo_v1_t {
            alid: 0,
            flaRemapTabAddr: [0; sys::NVML_NVLINK_MAX_REMAP_TABLE_ENTRIES_V2 as usize],
            gpaRemapTabAddr: [0; sys::NVML_NVLINK_MAX_REMAP_TABLE_ENTRIES_V2 as usize],
            remapTabSize: 0,
        });
        nvml_call!(
            self.nvml,
            nvmlDeviceGetNvlinkRemapTableInfo_v1(self.handle, &mut *info)
        )?;
        let n = (info.remapTabSize as usize).min(info.flaRemapTabAddr.len());
        Ok(NvLinkRemapTable {
            alid: info.alid,
            fla: info.flaRemapTabAddr.iter().take(n).copied().collect(),
            gpa: info.gpaRemapTabAddr.iter().take(n).copied().collect(),
        })
    }

    /// Asks the driver to lock the GPU's NvLink remap table, so that MSE makes no further
    /// updates to it, and returns the lock state (`nvmlDeviceLockNvlinkRemapTable_v1`).
    /// Requires root.
    #[doc(alias = "nvmlDeviceLockNvlinkRemapTable_v1")]
    pub fn lock_nvlink_remap_table(&self) -> Result<NvLinkRemapTableLock> {
        let mut lock = sys::nvmlNvlinkLockRemapTable_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceLockNvlinkRemapTable_v1(self.handle, &mut lock)
        )?;
        Ok(NvLinkRemapTableLock {
            locked: lock.bRemapTableLocked != 0,
            lock_disabled: lock.bRemapTableLockDisabled != 0,
        })
    }

    /// Signals whether NVLE (NvLink encryption) is ready on the GPU
    /// (`nvmlDeviceSetNvlinkNvleReady_v1`); [`nvlink_info`](Self::nvlink_info) reads it back.
    /// Requires root.
    #[doc(alias = "nvmlDeviceSetNvlinkNvleReady_v1")]
    pub fn set_nvlink_nvle_ready(&self, ready: bool) -> Result<()> {
        let mut arg = sys::nvmlNvlinkSetNvleReady_v1_t {
            bNvleReady: c_uchar::from(ready),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetNvlinkNvleReady_v1(self.handle, &mut arg)
        )
    }

    /// The GPU's opaque NVLE private info, as many bytes as the driver wrote (at most 256)
    /// (`nvmlDeviceGetNvlinkNvlePrivateInfo_v1`); pass it to
    /// [`setup_nvlink_nvle_encryption_key`](Self::setup_nvlink_nvle_encryption_key).
    #[doc(alias = "nvmlDeviceGetNvlinkNvlePrivateInfo_v1")]
    pub fn nvlink_nvle_private_info(&self) -> Result<Vec<u8>> {
        let mut info = nvle_private_info(&[])?;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetNvlinkNvlePrivateInfo_v1(self.handle, &mut info)
        )?;
        Ok(info.data.iter().take(info.size as usize).copied().collect())
    }

    /// Sets up the NVLE encryption key between the GPUs with the given ALIDs
    /// (`nvmlDeviceSetupNvlinkNvleEncryptionKey_v1`). Requires root.
    ///
    /// # Errors
    /// [`NvmlError::InvalidInput`] for private info longer than 256 bytes (nothing is
    /// called); the driver's answer otherwise.
    #[doc(alias = "nvmlDeviceSetupNvlinkNvleEncryptionKey_v1")]
    pub fn setup_nvlink_nvle_encryption_key(&self, setup: &NvleEncryptionKey<'_>) -> Result<()> {
        let mut arg = sys::nvmlNvlinkSetupNvleEncryptionKey_v1_t {
            nvleKey: setup.key,
            localGpuAlid: setup.local_alid,
            remoteGpuAlid: setup.remote_alid,
            localGpuNvlePrivateInfo: nvle_private_info(setup.local_private_info)?,
            remoteGpuNvlePrivateInfo: nvle_private_info(setup.remote_private_info)?,
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetupNvlinkNvleEncryptionKey_v1(self.handle, &mut arg)
        )
    }

    /// What is at the other end of `link` (`nvmlDeviceGetNvLinkRemoteDeviceType`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for a link the GPU lacks, [`NvmlError::NotSupported`]
    /// without NvLink; a type newer than the header is `NvLinkDeviceType::Other(raw)`.
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
