//! The queries and commands of a running vGPU ([`VgpuInstance`]).

use std::ffi::{c_uint, c_ulonglong};
use std::mem::size_of;

use nvml_sys as sys;

use super::{INVALID_ID, VgpuInstance, VgpuLicenseInfo, VgpuMetadata, VgpuType};
use crate::device::accounting::AccountingStats;
use crate::device::{EncoderSession, EncoderStats, FbcSession, FbcStats};
use crate::enums::{VgpuVmIdType, enabled};
use crate::error::Result;
use crate::ffi::{nvml_call, read_blob, read_list, read_string};
use crate::nvml_ref::NvmlRef;
use crate::versions::vgpu_license_info;

/// The VM a vGPU instance belongs to (`nvmlVgpuInstanceGetVmID`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VmId {
    /// The id, in the format `kind` says.
    pub id: String,
    /// Domain id or UUID.
    pub kind: VgpuVmIdType,
}

impl<'nvml, N: NvmlRef> VgpuInstance<'nvml, N> {
    /// The VM this vGPU belongs to (`nvmlVgpuInstanceGetVmID`).
    #[doc(alias = "nvmlVgpuInstanceGetVmID")]
    pub fn vm_id(&self) -> Result<VmId> {
        let mut kind: sys::nvmlVgpuVmIdType_t = 0;
        let id = read_string::<{ sys::NVML_DEVICE_UUID_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetVmID(self.id, buf, len, &mut kind)
            )
        })?;
        Ok(VmId {
            id,
            kind: VgpuVmIdType::try_from(kind)?,
        })
    }

    /// UUID of the vGPU (`nvmlVgpuInstanceGetUUID`).
    #[doc(alias = "nvmlVgpuInstanceGetUUID")]
    pub fn uuid(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_UUID_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlVgpuInstanceGetUUID(self.id, buf, len))
        })
    }

    /// Driver version in the VM (`nvmlVgpuInstanceGetVmDriverVersion`); `"Not Available"`
    /// until the guest driver loads.
    #[doc(alias = "nvmlVgpuInstanceGetVmDriverVersion")]
    pub fn vm_driver_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetVmDriverVersion(self.id, buf, len)
            )
        })
    }

    /// Frame buffer in use, bytes (`nvmlVgpuInstanceGetFbUsage`).
    #[doc(alias = "nvmlVgpuInstanceGetFbUsage")]
    pub fn fb_usage(&self) -> Result<u64> {
        let mut used: c_ulonglong = 0;
        nvml_call!(self.nvml, nvmlVgpuInstanceGetFbUsage(self.id, &mut used))?;
        Ok(used)
    }

    /// The type of this vGPU (`nvmlVgpuInstanceGetType`).
    #[doc(alias = "nvmlVgpuInstanceGetType")]
    pub fn vgpu_type(&self) -> Result<VgpuType<'nvml, N>> {
        let mut id: sys::nvmlVgpuTypeId_t = 0;
        nvml_call!(self.nvml, nvmlVgpuInstanceGetType(self.id, &mut id))?;
        Ok(VgpuType::from_handle(self.nvml.clone(), id))
    }

    /// Frame-rate limit, frames per second (`nvmlVgpuInstanceGetFrameRateLimit`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`](crate::NvmlError::NotSupported) where the limiter is off.
    #[doc(alias = "nvmlVgpuInstanceGetFrameRateLimit")]
    pub fn frame_rate_limit(&self) -> Result<u32> {
        let mut limit: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetFrameRateLimit(self.id, &mut limit)
        )?;
        Ok(limit)
    }

    /// Whether ECC is on for this vGPU (`nvmlVgpuInstanceGetEccMode`).
    #[doc(alias = "nvmlVgpuInstanceGetEccMode")]
    pub fn ecc_mode(&self) -> Result<bool> {
        let mut mode: sys::nvmlEnableState_t = 0;
        nvml_call!(self.nvml, nvmlVgpuInstanceGetEccMode(self.id, &mut mode))?;
        enabled(mode, "vGPU ECC mode")
    }

    /// Share of the encoder this vGPU may use, 0-100 (`nvmlVgpuInstanceGetEncoderCapacity`).
    #[doc(alias = "nvmlVgpuInstanceGetEncoderCapacity")]
    pub fn encoder_capacity(&self) -> Result<u32> {
        let mut capacity: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetEncoderCapacity(self.id, &mut capacity)
        )?;
        Ok(capacity)
    }

    /// Sets the share of the encoder this vGPU may use, 0-100
    /// (`nvmlVgpuInstanceSetEncoderCapacity`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`](crate::NvmlError::InvalidArgument) above 100.
    #[doc(alias = "nvmlVgpuInstanceSetEncoderCapacity")]
    pub fn set_encoder_capacity(&self, capacity: u32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceSetEncoderCapacity(self.id, capacity)
        )
    }

    /// Encoder statistics of this vGPU (`nvmlVgpuInstanceGetEncoderStats`).
    #[doc(alias = "nvmlVgpuInstanceGetEncoderStats")]
    pub fn encoder_stats(&self) -> Result<EncoderStats> {
        let (mut sessions, mut fps, mut latency): (c_uint, c_uint, c_uint) = (0, 0, 0);
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetEncoderStats(self.id, &mut sessions, &mut fps, &mut latency)
        )?;
        Ok(EncoderStats {
            session_count: sessions,
            average_fps: fps,
            average_latency_us: latency,
        })
    }

    /// Active encoder sessions of this vGPU (`nvmlVgpuInstanceGetEncoderSessions`).
    #[doc(alias = "nvmlVgpuInstanceGetEncoderSessions")]
    pub fn encoder_sessions(&self) -> Result<Vec<EncoderSession>> {
        let raw = read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetEncoderSessions(self.id, count, items)
            )
        })?;
        Ok(raw.into_iter().map(EncoderSession::from).collect())
    }

    /// Frame buffer capture statistics of this vGPU (`nvmlVgpuInstanceGetFBCStats`).
    #[doc(alias = "nvmlVgpuInstanceGetFBCStats")]
    pub fn fbc_stats(&self) -> Result<FbcStats> {
        let mut stats = sys::nvmlFBCStats_t::default();
        nvml_call!(self.nvml, nvmlVgpuInstanceGetFBCStats(self.id, &mut stats))?;
        Ok(FbcStats {
            session_count: stats.sessionsCount,
            average_fps: stats.averageFPS,
            average_latency_us: stats.averageLatency,
        })
    }

    /// Active frame buffer capture sessions of this vGPU (`nvmlVgpuInstanceGetFBCSessions`).
    #[doc(alias = "nvmlVgpuInstanceGetFBCSessions")]
    pub fn fbc_sessions(&self) -> Result<Vec<FbcSession>> {
        let raw = read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetFBCSessions(self.id, count, items)
            )
        })?;
        Ok(raw.into_iter().map(FbcSession::from).collect())
    }

    /// The GPU instance a MIG-backed vGPU runs on; `None` for time-sliced vGPUs
    /// (`nvmlVgpuInstanceGetGpuInstanceId`).
    #[doc(alias = "nvmlVgpuInstanceGetGpuInstanceId")]
    pub fn gpu_instance_id(&self) -> Result<Option<u32>> {
        let mut id: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetGpuInstanceId(self.id, &mut id)
        )?;
        Ok((id != INVALID_ID).then_some(id))
    }

    /// PCI bus id of the vGPU as the VM sees it, `"00000000:00:00.0"` until the guest driver
    /// loads (`nvmlVgpuInstanceGetGpuPciId`).
    ///
    /// # Errors
    /// [`NvmlError::DriverNotLoaded`](crate::NvmlError::DriverNotLoaded) where no NVIDIA driver runs in the VM.
    #[doc(alias = "nvmlVgpuInstanceGetGpuPciId")]
    pub fn gpu_pci_id(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE as usize }>(|buf, len| {
            let mut length = len;
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetGpuPciId(self.id, buf, &mut length)
            )
        })
    }

    /// UUID of the mediated device (mdev) behind the vGPU (`nvmlVgpuInstanceGetMdevUUID`).
    #[doc(alias = "nvmlVgpuInstanceGetMdevUUID")]
    pub fn mdev_uuid(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_UUID_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlVgpuInstanceGetMdevUUID(self.id, buf, len))
        })
    }

    /// Placement id of the vGPU on its GPU; `None` where the GPU is in homogeneous mode
    /// (`NVML_INVALID_VGPU_PLACEMENT_ID`) (`nvmlVgpuInstanceGetPlacementId` with
    /// `nvmlVgpuPlacementId_v1`).
    #[doc(alias = "nvmlVgpuInstanceGetPlacementId")]
    pub fn placement_id(&self) -> Result<Option<u32>> {
        let mut info = sys::nvmlVgpuPlacementId_t {
            version: sys::nvmlVgpuPlacementId_v1,
            placementId: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetPlacementId(self.id, &mut info)
        )?;
        Ok((info.placementId != sys::NVML_INVALID_VGPU_PLACEMENT_ID).then_some(info.placementId))
    }

    /// Size of the vGPU's runtime state (what a migration transfers), bytes
    /// (`nvmlVgpuInstanceGetRuntimeStateSize` with `nvmlVgpuRuntimeState_v1`).
    #[doc(alias = "nvmlVgpuInstanceGetRuntimeStateSize")]
    pub fn runtime_state_size(&self) -> Result<u64> {
        let mut info = sys::nvmlVgpuRuntimeState_t {
            version: sys::nvmlVgpuRuntimeState_v1,
            size: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetRuntimeStateSize(self.id, &mut info)
        )?;
        Ok(info.size)
    }

    /// Metadata of the vGPU and its VM, for migration checks (`nvmlVgpuInstanceGetMetadata`:
    /// the blob's size is asked for and grown, bounded).
    #[doc(alias = "nvmlVgpuInstanceGetMetadata")]
    pub fn metadata(&self) -> Result<VgpuMetadata> {
        let raw = read_blob(size_of::<sys::nvmlVgpuMetadata_t>(), |buf, size| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetMetadata(self.id, buf.cast(), size)
            )
        })?;
        VgpuMetadata::from_bytes(raw)
    }

    /// License state of the vGPU (`nvmlVgpuInstanceGetLicenseInfo_v2`, or
    /// `nvmlVgpuInstanceGetLicenseInfo` on drivers without it).
    #[doc(alias = "nvmlVgpuInstanceGetLicenseInfo")]
    #[doc(alias = "nvmlVgpuInstanceGetLicenseInfo_v2")]
    pub fn license_info(&self) -> Result<VgpuLicenseInfo> {
        let mut info = sys::nvmlVgpuLicenseInfo_t::default();
        match self.nvml.as_nvml().versions().vgpu_license_info() {
            vgpu_license_info::Version::nvmlVgpuInstanceGetLicenseInfo_v2 => nvml_call!(
                self.nvml,
                vgpu_license_info::nvmlVgpuInstanceGetLicenseInfo_v2(self.id, &mut info)
            )?,
            _ => nvml_call!(
                self.nvml,
                vgpu_license_info::nvmlVgpuInstanceGetLicenseInfo(self.id, &mut info)
            )?,
        }
        VgpuLicenseInfo::try_from(info)
    }

    /// Whether the vGPU is licensed: from [`license_info`](Self::license_info) where the
    /// driver has it, else from the deprecated `nvmlVgpuInstanceGetLicenseStatus` (drivers
    /// before R510, e.g. R470, have only that one).
    #[doc(alias = "nvmlVgpuInstanceGetLicenseStatus")]
    pub fn is_licensed(&self) -> Result<bool> {
        if self.nvml.as_nvml().versions().vgpu_license_info() != vgpu_license_info::Version::Missing
        {
            return Ok(self.license_info()?.licensed);
        }
        let mut licensed: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetLicenseStatus(self.id, &mut licensed)
        )?;
        Ok(licensed != 0)
    }

    /// Whether accounting is on for this vGPU (`nvmlVgpuInstanceGetAccountingMode`).
    #[doc(alias = "nvmlVgpuInstanceGetAccountingMode")]
    pub fn accounting_mode(&self) -> Result<bool> {
        let mut mode: sys::nvmlEnableState_t = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetAccountingMode(self.id, &mut mode)
        )?;
        enabled(mode, "vGPU accounting mode")
    }

    /// Pids in the VM with accounting data (`nvmlVgpuInstanceGetAccountingPids`: a count
    /// query, then the data; bounded and clamped).
    #[doc(alias = "nvmlVgpuInstanceGetAccountingPids")]
    pub fn accounting_pids(&self) -> Result<Vec<u32>> {
        read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetAccountingPids(self.id, count, items)
            )
        })
    }

    /// What the driver recorded about one process in the VM
    /// (`nvmlVgpuInstanceGetAccountingStats`; the `_v2`-only fields are `None`).
    ///
    /// # Errors
    /// [`NvmlError::NotFound`](crate::NvmlError::NotFound) for a pid without data; [`NvmlError::NotSupported`](crate::NvmlError::NotSupported) while
    /// accounting is off.
    #[doc(alias = "nvmlVgpuInstanceGetAccountingStats")]
    pub fn accounting_stats(&self, pid: u32) -> Result<AccountingStats> {
        let mut s = sys::nvmlAccountingStats_t::default();
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetAccountingStats(self.id, pid, &mut s)
        )?;
        Ok(AccountingStats::from_v1(pid, &s))
    }

    /// Clears the accounting data of the vGPU's processes that have ended
    /// (`nvmlVgpuInstanceClearAccountingPids`). Needs root.
    #[doc(alias = "nvmlVgpuInstanceClearAccountingPids")]
    pub fn clear_accounting_pids(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlVgpuInstanceClearAccountingPids(self.id))
    }
}
