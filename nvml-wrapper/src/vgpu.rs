//! vGPU: the virtual GPU types a host offers ([`VgpuType`]), the vGPUs running on it
//! ([`VgpuInstance`]), the metadata that decides where a VM may migrate ([`VgpuMetadata`],
//! [`PgpuMetadata`], [`Nvml::vgpu_compatibility`]), and the data types of the vGPU queries of
//! [`Device`] (`device::vgpu`).
//!
//! vGPU types and instances are plain numbers in NVML (`nvmlVgpuTypeId_t`,
//! `nvmlVgpuInstance_t`), not pointers: [`VgpuType`] and [`VgpuInstance`] pair one with the
//! [`Nvml`] it belongs to, so neither outlives the library. Any number is safe to wrap; one
//! the driver does not know is answered with `INVALID_ARGUMENT` or `NOT_FOUND`.
//!
//! ```no_run
//! use nvml_wrapper::Nvml;
//!
//! let nvml = Nvml::init()?;
//! let gpu = nvml.device_by_index(0)?;
//! for vgpu_type in gpu.supported_vgpus()? {
//!     println!("{}: {} MiB", vgpu_type.name()?, vgpu_type.framebuffer_size()? >> 20);
//! }
//! for vgpu in gpu.active_vgpus()? {
//!     println!("{} in VM {}", vgpu.uuid()?, vgpu.vm_id()?.id);
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

use std::ffi::{c_uint, c_ulonglong};
use std::mem::{offset_of, size_of};

use nvml_sys as sys;

use crate::Device;
use crate::device::accounting::AccountingStats;
use crate::device::{EncoderSession, EncoderStats, FbcSession, FbcStats};
use crate::enums::{
    GridLicenseExpiryStatus, GridLicenseFeatureCode, GridLicenseState, VgpuCapability,
    VgpuDriverCapability, VgpuGuestInfoState, VgpuSchedulerArrMode, VgpuSchedulerPolicy,
    VgpuVmIdType, enabled,
};
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_list, read_string};
use crate::nvml::Nvml;

// ------------------------------------------------------------------------------------------
// Handles
// ------------------------------------------------------------------------------------------

/// A vGPU type (profile) the host's driver offers, e.g. `"NVIDIA H100-4C"`: an
/// `nvmlVgpuTypeId_t` borrowed from its [`Nvml`].
///
/// Found with [`Device::supported_vgpus`] or [`Device::creatable_vgpus`], or wrapped from a
/// known id with [`Nvml::vgpu_type`]. `Send + Sync` (an integer and a shared reference).
#[derive(Clone, Copy)]
pub struct VgpuType<'nvml> {
    nvml: &'nvml Nvml,
    id: sys::nvmlVgpuTypeId_t,
}

/// A running vGPU: an `nvmlVgpuInstance_t` borrowed from its [`Nvml`].
///
/// Found with [`Device::active_vgpus`], or wrapped from a known id (e.g. the `vgpu_instance`
/// of an [`EncoderSession`]) with [`Nvml::vgpu_instance`]. `Send + Sync` (an integer and a
/// shared reference).
#[derive(Clone, Copy)]
pub struct VgpuInstance<'nvml> {
    nvml: &'nvml Nvml,
    id: sys::nvmlVgpuInstance_t,
}

impl std::fmt::Debug for VgpuType<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VgpuType").field("id", &self.id).finish()
    }
}

impl std::fmt::Debug for VgpuInstance<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VgpuInstance")
            .field("id", &self.id)
            .finish()
    }
}

impl PartialEq for VgpuType<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.nvml, other.nvml) && self.id == other.id
    }
}
impl Eq for VgpuType<'_> {}

impl PartialEq for VgpuInstance<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.nvml, other.nvml) && self.id == other.id
    }
}
impl Eq for VgpuInstance<'_> {}

// ------------------------------------------------------------------------------------------
// Plain data types
// ------------------------------------------------------------------------------------------

/// PCI ids a vGPU type presents to its VM (`nvmlVgpuTypeGetDeviceID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuPciIds {
    /// PCI device id.
    pub device_id: u64,
    /// PCI subsystem id.
    pub subsystem_id: u64,
}

/// Maximum resolution of one display head, in pixels (`nvmlVgpuTypeGetResolution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Resolution {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// The VM a vGPU instance belongs to (`nvmlVgpuInstanceGetVmID`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VmId {
    /// The id, in the format `kind` says.
    pub id: String,
    /// Domain id or UUID.
    pub kind: VgpuVmIdType,
}

/// Placement ids of a vGPU type on a GPU or GPU instance
/// (`nvmlVgpuPlacementList_t`, `nvmlVgpuCreatablePlacementInfo_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuPlacements {
    /// How many slots one vGPU of the type occupies.
    pub placement_size: u32,
    /// The placement ids (first slot of each possible vGPU).
    pub ids: Vec<u32>,
}

/// Which placement ids to list for a vGPU type (`nvmlVgpuPlacementList_t::mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum VgpuPlacementMode {
    /// Placements for a GPU in heterogeneous mode (NVML's default).
    #[default]
    Heterogeneous,
    /// Placements for a GPU in homogeneous mode.
    Homogeneous,
}

impl VgpuPlacementMode {
    pub(crate) fn as_raw(self) -> c_uint {
        match self {
            Self::Heterogeneous => sys::NVML_VGPU_PGPU_HETEROGENEOUS_MODE,
            Self::Homogeneous => sys::NVML_VGPU_PGPU_HOMOGENEOUS_MODE,
        }
    }
}

/// A license expiry date and its status (`nvmlVgpuLicenseExpiry_t`, `nvmlGridLicenseExpiry_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LicenseExpiry {
    /// Year.
    pub year: u32,
    /// Month.
    pub month: u16,
    /// Day.
    pub day: u16,
    /// Hour.
    pub hour: u16,
    /// Minute.
    pub min: u16,
    /// Second.
    pub sec: u16,
    /// Whether the date means anything, the raw `NVML_GRID_LICENSE_EXPIRY_*`;
    /// [`LicenseExpiry::status`] decodes it.
    pub status: u8,
}

impl LicenseExpiry {
    /// The status as a [`GridLicenseExpiryStatus`]; an unknown value is
    /// [`NvmlError::UnexpectedValue`].
    pub fn status(&self) -> Result<GridLicenseExpiryStatus> {
        GridLicenseExpiryStatus::try_from(u32::from(self.status))
    }
}

impl From<sys::nvmlVgpuLicenseExpiry_t> for LicenseExpiry {
    fn from(e: sys::nvmlVgpuLicenseExpiry_t) -> Self {
        Self {
            year: e.year,
            month: e.month,
            day: e.day,
            hour: e.hour,
            min: e.min,
            sec: e.sec,
            status: e.status,
        }
    }
}

impl From<sys::nvmlGridLicenseExpiry_t> for LicenseExpiry {
    fn from(e: sys::nvmlGridLicenseExpiry_t) -> Self {
        Self {
            year: e.year,
            month: e.month,
            day: e.day,
            hour: e.hour,
            min: e.min,
            sec: e.sec,
            status: e.status,
        }
    }
}

/// License state of a vGPU instance (`nvmlVgpuLicenseInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuLicenseInfo {
    /// Whether the vGPU is licensed.
    pub licensed: bool,
    /// When the license expires.
    pub expiry: LicenseExpiry,
    /// The current license state.
    pub state: GridLicenseState,
}

impl TryFrom<sys::nvmlVgpuLicenseInfo_t> for VgpuLicenseInfo {
    type Error = NvmlError;
    fn try_from(raw: sys::nvmlVgpuLicenseInfo_t) -> Result<Self> {
        Ok(Self {
            licensed: raw.isLicensed != 0,
            expiry: raw.licenseExpiry.into(),
            state: GridLicenseState::try_from(raw.currentState)?,
        })
    }
}

/// One vGPU software licensable feature of a GPU (`nvmlGridLicensableFeature_t`).
///
/// The struct grew with each version of `nvmlDeviceGetGridLicensableFeatures`: fields a
/// driver's version does not fill are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GridLicensableFeature {
    /// Which feature.
    pub code: GridLicenseFeatureCode,
    /// Whether it is licensed now.
    pub licensed: bool,
    /// Product name (`_v2` and newer).
    pub product_name: Option<String>,
    /// Whether it is enabled (`_v3` and newer).
    pub enabled: Option<bool>,
    /// When its license expires (`_v4`).
    pub expiry: Option<LicenseExpiry>,
}

/// vGPU software licensing of a GPU (`nvmlGridLicensableFeatures_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GridLicensableFeatures {
    /// Whether vGPU software licensing is supported on the system.
    pub license_supported: bool,
    /// The licensable features (at most `NVML_GRID_LICENSE_FEATURE_MAX_COUNT`).
    pub features: Vec<GridLicensableFeature>,
}

/// A native-endian `u16` at `offset` of `bytes`; short input is an error.
fn u16_at(bytes: &[u8], offset: usize, what: &'static str) -> Result<u16> {
    bytes
        .get(offset..offset.saturating_add(2))
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_ne_bytes)
        .ok_or(NvmlError::UnexpectedValue {
            what,
            value: bytes.len() as i64,
        })
}

impl GridLicensableFeatures {
    /// Decodes the `nvmlGridLicensableFeatures_t` that version `version` (1 to 4) of
    /// `nvmlDeviceGetGridLicensableFeatures` wrote into `bytes`. Each version appended fields
    /// to the per-feature struct, so the array's stride depends on it: v1 ends each feature
    /// after `licenseInfo`, v2 after `productName`, v3 after `featureEnabled`, v4 after
    /// `licenseExpiry` (the header's current layout). The count is clamped to the array.
    pub(crate) fn from_bytes(bytes: &[u8], version: u8) -> Result<Self> {
        type F = sys::nvmlGridLicensableFeature_t;
        type L = sys::nvmlGridLicensableFeatures_t;
        type E = sys::nvmlGridLicenseExpiry_t;
        const WHAT: &str = "licensable features size";
        let stride = match version {
            1 => offset_of!(F, productName),
            2 => offset_of!(F, featureEnabled),
            3 => offset_of!(F, licenseExpiry),
            _ => size_of::<F>(),
        };
        let count = (u32_at(bytes, offset_of!(L, licensableFeaturesCount), WHAT)? as usize)
            .min(sys::NVML_GRID_LICENSE_FEATURE_MAX_COUNT as usize);
        let first = offset_of!(L, gridLicensableFeatures);
        let features = (0..count)
            .map(|i| {
                let at = first + i * stride;
                let expiry = |field: usize| at + offset_of!(F, licenseExpiry) + field;
                Ok(GridLicensableFeature {
                    code: GridLicenseFeatureCode::try_from(u32_at(
                        bytes,
                        at + offset_of!(F, featureCode),
                        WHAT,
                    )?)?,
                    licensed: u32_at(bytes, at + offset_of!(F, featureState), WHAT)? != 0,
                    product_name: (version >= 2)
                        .then(|| {
                            str_at(
                                bytes,
                                at + offset_of!(F, productName),
                                sys::NVML_GRID_LICENSE_BUFFER_SIZE as usize,
                                WHAT,
                            )
                        })
                        .transpose()?,
                    enabled: (version >= 3)
                        .then(|| u32_at(bytes, at + offset_of!(F, featureEnabled), WHAT))
                        .transpose()?
                        .map(|v| v != 0),
                    expiry: (version >= 4)
                        .then(|| -> Result<LicenseExpiry> {
                            Ok(LicenseExpiry {
                                year: u32_at(bytes, expiry(offset_of!(E, year)), WHAT)?,
                                month: u16_at(bytes, expiry(offset_of!(E, month)), WHAT)?,
                                day: u16_at(bytes, expiry(offset_of!(E, day)), WHAT)?,
                                hour: u16_at(bytes, expiry(offset_of!(E, hour)), WHAT)?,
                                min: u16_at(bytes, expiry(offset_of!(E, min)), WHAT)?,
                                sec: u16_at(bytes, expiry(offset_of!(E, sec)), WHAT)?,
                                status: *bytes.get(expiry(offset_of!(E, status))).ok_or(
                                    NvmlError::UnexpectedValue {
                                        what: WHAT,
                                        value: bytes.len() as i64,
                                    },
                                )?,
                            })
                        })
                        .transpose()?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Self {
            license_supported: u32_at(bytes, offset_of!(L, isGridLicenseSupported), WHAT)? != 0,
            features,
        })
    }
}

/// A range of vGPU versions (`nvmlVgpuVersion_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuVersionRange {
    /// Oldest version.
    pub min: u32,
    /// Newest version.
    pub max: u32,
}

impl From<sys::nvmlVgpuVersion_t> for VgpuVersionRange {
    fn from(v: sys::nvmlVgpuVersion_t) -> Self {
        Self {
            min: v.minVersion,
            max: v.maxVersion,
        }
    }
}

impl From<VgpuVersionRange> for sys::nvmlVgpuVersion_t {
    fn from(v: VgpuVersionRange) -> Self {
        Self {
            minVersion: v.min,
            maxVersion: v.max,
        }
    }
}

/// The vGPU versions the host driver supports and the range it currently allows
/// (`nvmlGetVgpuVersion`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuVersions {
    /// What the driver supports.
    pub supported: VgpuVersionRange,
    /// What the driver currently allows (set with [`Nvml::set_vgpu_version`]).
    pub current: VgpuVersionRange,
}

bitflags::bitflags! {
    /// Virtualization capabilities in vGPU and pGPU metadata
    /// (`NVML_VGPU_VIRTUALIZATION_CAP_*`, `NVML_VGPU_PGPU_VIRTUALIZATION_CAP_*`). Bits the
    /// header does not define are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct VirtualizationCaps: u32 {
        /// Migration is supported.
        const MIGRATION = sys::NVML_VGPU_VIRTUALIZATION_CAP_MIGRATION_YES;
    }
}

bitflags::bitflags! {
    /// In which states a VM can be moved onto a physical GPU (`nvmlVgpuVmCompatibility_t`);
    /// empty: not at all. Bits the header does not define are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct VgpuVmCompatibility: u32 {
        /// Powered off (cold boot).
        const COLD = sys::NVML_VGPU_VM_COMPATIBILITY_COLD;
        /// Hibernated.
        const HIBERNATE = sys::NVML_VGPU_VM_COMPATIBILITY_HIBERNATE;
        /// Sleeping.
        const SLEEP = sys::NVML_VGPU_VM_COMPATIBILITY_SLEEP;
        /// Running (live migration).
        const LIVE = sys::NVML_VGPU_VM_COMPATIBILITY_LIVE;
    }
}

bitflags::bitflags! {
    /// What limits vGPU/pGPU compatibility (`nvmlVgpuPgpuCompatibilityLimitCode_t`); empty:
    /// nothing. Bits the header does not define are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct VgpuCompatibilityLimit: u32 {
        /// The host driver.
        const HOST_DRIVER = sys::NVML_VGPU_COMPATIBILITY_LIMIT_HOST_DRIVER;
        /// The guest driver.
        const GUEST_DRIVER = sys::NVML_VGPU_COMPATIBILITY_LIMIT_GUEST_DRIVER;
        /// The GPU.
        const GPU = sys::NVML_VGPU_COMPATIBILITY_LIMIT_GPU;
        /// Something else.
        const OTHER = sys::NVML_VGPU_COMPATIBILITY_LIMIT_OTHER;
    }
}

/// Whether a vGPU's VM can move onto a physical GPU (`nvmlVgpuPgpuCompatibility_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuCompatibility {
    /// The VM states in which it can.
    pub vm_compatibility: VgpuVmCompatibility,
    /// What limits it.
    pub limit: VgpuCompatibilityLimit,
}

impl From<sys::nvmlVgpuPgpuCompatibility_t> for VgpuCompatibility {
    fn from(c: sys::nvmlVgpuPgpuCompatibility_t) -> Self {
        Self {
            vm_compatibility: VgpuVmCompatibility::from_bits_retain(c.vgpuVmCompatibility),
            limit: VgpuCompatibilityLimit::from_bits_retain(c.compatibilityLimitCode),
        }
    }
}

/// Metadata of a running vGPU (`nvmlVgpuMetadata_t`): what a VMM saves with a VM to check,
/// with [`Nvml::vgpu_compatibility`], where it may run next.
///
/// The decoded fields come with the whole blob as the driver wrote it
/// ([`VgpuMetadata::as_bytes`]), which [`VgpuMetadata::from_bytes`] reads back, e.g. on
/// another host.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuMetadata {
    /// Version of the structure.
    pub version: u32,
    /// Revision of the structure.
    pub revision: u32,
    /// Whether the guest fields (`guest_*`) are valid yet.
    pub guest_info_state: VgpuGuestInfoState,
    /// Driver version in the guest.
    pub guest_driver_version: String,
    /// Driver version on the host.
    pub host_driver_version: String,
    /// Virtualization capabilities.
    pub virtualization_caps: VirtualizationCaps,
    /// vGPU version of the guest driver.
    pub guest_vgpu_version: u32,
    /// The driver's opaque data.
    pub opaque_data: Vec<u8>,
    raw: Vec<u8>,
}

/// Metadata of a physical GPU (`nvmlVgpuPgpuMetadata_t`), for [`Nvml::vgpu_compatibility`].
///
/// The decoded fields come with the whole blob as the driver wrote it
/// ([`PgpuMetadata::as_bytes`]), which [`PgpuMetadata::from_bytes`] reads back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PgpuMetadata {
    /// Version of the structure.
    pub version: u32,
    /// Revision of the structure.
    pub revision: u32,
    /// Driver version on the host.
    pub host_driver_version: String,
    /// Virtualization capabilities.
    pub virtualization_caps: VirtualizationCaps,
    /// vGPU versions the host driver supports.
    pub host_supported_vgpu_range: VgpuVersionRange,
    /// The driver's opaque data.
    pub opaque_data: Vec<u8>,
    raw: Vec<u8>,
}

/// A native-endian `u32` at `offset` of `bytes`; short input is an error.
fn u32_at(bytes: &[u8], offset: usize, what: &'static str) -> Result<u32> {
    bytes
        .get(offset..offset.saturating_add(4))
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_ne_bytes)
        .ok_or(NvmlError::UnexpectedValue {
            what,
            value: bytes.len() as i64,
        })
}

/// A NUL-terminated string in the `len` bytes at `offset` of `bytes`.
fn str_at(bytes: &[u8], offset: usize, len: usize, what: &'static str) -> Result<String> {
    let field =
        bytes
            .get(offset..offset.saturating_add(len))
            .ok_or(NvmlError::UnexpectedValue {
                what,
                value: bytes.len() as i64,
            })?;
    let text: Vec<u8> = field.iter().copied().take_while(|b| *b != 0).collect();
    String::from_utf8(text).map_err(|e| NvmlError::InvalidUtf8(e.into_bytes()))
}

/// The opaque tail: `size` bytes from `offset`, clamped to what `bytes` holds.
fn opaque_at(bytes: &[u8], offset: usize, size: u32) -> Vec<u8> {
    let end = offset.saturating_add(size as usize).min(bytes.len());
    bytes
        .get(offset..end)
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

impl VgpuMetadata {
    /// Decodes a blob from [`VgpuMetadata::as_bytes`] (or `nvmlVgpuInstanceGetMetadata`);
    /// one shorter than the fixed part of `nvmlVgpuMetadata_t` is
    /// [`NvmlError::UnexpectedValue`].
    pub fn from_bytes(raw: Vec<u8>) -> Result<Self> {
        type M = sys::nvmlVgpuMetadata_t;
        const WHAT: &str = "vGPU metadata size";
        let opaque_size = u32_at(&raw, offset_of!(M, opaqueDataSize), WHAT)?;
        Ok(Self {
            version: u32_at(&raw, offset_of!(M, version), WHAT)?,
            revision: u32_at(&raw, offset_of!(M, revision), WHAT)?,
            guest_info_state: VgpuGuestInfoState::try_from(u32_at(
                &raw,
                offset_of!(M, guestInfoState),
                WHAT,
            )?)?,
            guest_driver_version: str_at(
                &raw,
                offset_of!(M, guestDriverVersion),
                sys::NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE as usize,
                WHAT,
            )?,
            host_driver_version: str_at(
                &raw,
                offset_of!(M, hostDriverVersion),
                sys::NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE as usize,
                WHAT,
            )?,
            virtualization_caps: VirtualizationCaps::from_bits_retain(u32_at(
                &raw,
                offset_of!(M, vgpuVirtualizationCaps),
                WHAT,
            )?),
            guest_vgpu_version: u32_at(&raw, offset_of!(M, guestVgpuVersion), WHAT)?,
            opaque_data: opaque_at(&raw, offset_of!(M, opaqueData), opaque_size),
            raw,
        })
    }

    /// The whole blob as the driver wrote it.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }
}

impl PgpuMetadata {
    /// Decodes a blob from [`PgpuMetadata::as_bytes`] (or `nvmlDeviceGetVgpuMetadata`); one
    /// shorter than the fixed part of `nvmlVgpuPgpuMetadata_t` is
    /// [`NvmlError::UnexpectedValue`].
    pub fn from_bytes(raw: Vec<u8>) -> Result<Self> {
        type M = sys::nvmlVgpuPgpuMetadata_t;
        const WHAT: &str = "pGPU metadata size";
        let range = offset_of!(M, hostSupportedVgpuRange);
        let opaque_size = u32_at(&raw, offset_of!(M, opaqueDataSize), WHAT)?;
        Ok(Self {
            version: u32_at(&raw, offset_of!(M, version), WHAT)?,
            revision: u32_at(&raw, offset_of!(M, revision), WHAT)?,
            host_driver_version: str_at(
                &raw,
                offset_of!(M, hostDriverVersion),
                sys::NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE as usize,
                WHAT,
            )?,
            virtualization_caps: VirtualizationCaps::from_bits_retain(u32_at(
                &raw,
                offset_of!(M, pgpuVirtualizationCaps),
                WHAT,
            )?),
            host_supported_vgpu_range: VgpuVersionRange {
                min: u32_at(
                    &raw,
                    range + offset_of!(sys::nvmlVgpuVersion_t, minVersion),
                    WHAT,
                )?,
                max: u32_at(
                    &raw,
                    range + offset_of!(sys::nvmlVgpuVersion_t, maxVersion),
                    WHAT,
                )?,
            },
            opaque_data: opaque_at(&raw, offset_of!(M, opaqueData), opaque_size),
            raw,
        })
    }

    /// The whole blob as the driver wrote it.
    pub fn as_bytes(&self) -> &[u8] {
        &self.raw
    }
}

/// `INVALID_GPU_INSTANCE_PROFILE_ID` and `INVALID_GPU_INSTANCE_ID` of nvml.h (macros bindgen
/// does not carry over).
const INVALID_ID: u32 = 0xFFFF_FFFF;

/// The most bytes a metadata blob may claim.
const METADATA_MAX: usize = 1 << 20;

/// Reads a variable-size metadata blob from `call(buffer, size)` (a function of the shape
/// `f(..., T *buffer, unsigned *bufferSize)` that answers `INSUFFICIENT_SIZE` with the size
/// it needs). The buffer is 8-byte aligned and never smaller than `min` bytes (the fixed
/// part of `T`); growth is bounded.
pub(crate) fn read_blob(
    min: usize,
    mut call: impl FnMut(*mut u64, &mut c_uint) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut wanted = min;
    for _ in 0..4 {
        let mut words = vec![0u64; wanted.max(min).div_ceil(8)];
        let capacity = words.len() * 8;
        let mut size = capacity as c_uint;
        match call(words.as_mut_ptr(), &mut size) {
            Ok(()) => {
                let len = (size as usize).clamp(min.min(capacity), capacity);
                return Ok(words
                    .iter()
                    .flat_map(|w| w.to_ne_bytes())
                    .take(len)
                    .collect());
            }
            Err(NvmlError::InsufficientSize)
                if (size as usize) > capacity && (size as usize) <= METADATA_MAX =>
            {
                wanted = size as usize;
            }
            Err(e) => return Err(e),
        }
    }
    Err(NvmlError::InsufficientSize)
}

/// An 8-byte aligned copy of `bytes`, zero-padded to at least `min` bytes: what
/// [`Nvml::vgpu_compatibility`] passes back to the driver.
fn blob_words(bytes: &[u8], min: usize) -> Vec<u64> {
    let mut words: Vec<u64> = bytes
        .chunks(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            u64::from_ne_bytes(word)
        })
        .collect();
    let need = min.div_ceil(8);
    if words.len() < need {
        words.resize(need, 0);
    }
    words
}

/// How much of the GPU one vGPU (or one process in a vGPU) used over the sample period
/// (`nvmlVgpuInstanceUtilizationSample_t`, `nvmlVgpuInstanceUtilizationInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuUtilizationSample {
    /// The vGPU instance id ([`Nvml::vgpu_instance`] wraps it).
    pub vgpu_instance: u32,
    /// When it was taken: CPU time, microseconds since 1970.
    pub timestamp: u64,
    /// SM (3D/compute) utilisation, percent.
    pub sm_util: crate::device::SampleValue,
    /// Frame-buffer memory utilisation, percent.
    pub mem_util: crate::device::SampleValue,
    /// Video encoder utilisation, percent.
    pub enc_util: crate::device::SampleValue,
    /// Video decoder utilisation, percent.
    pub dec_util: crate::device::SampleValue,
    /// JPEG decoder utilisation, percent (`None` from `nvmlDeviceGetVgpuUtilization`).
    pub jpg_util: Option<crate::device::SampleValue>,
    /// Optical flow accelerator utilisation, percent (`None` from
    /// `nvmlDeviceGetVgpuUtilization`).
    pub ofa_util: Option<crate::device::SampleValue>,
}

/// How much of the GPU one process in a vGPU's VM used
/// (`nvmlVgpuProcessUtilizationSample_t`, `nvmlVgpuProcessUtilizationInfo_t`), percent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuProcessUtilizationSample {
    /// The vGPU instance id ([`Nvml::vgpu_instance`] wraps it).
    pub vgpu_instance: u32,
    /// Process id inside the VM.
    pub pid: u32,
    /// Process name inside the VM.
    pub process_name: String,
    /// When it was taken: CPU time, microseconds since 1970.
    pub timestamp: u64,
    /// SM (3D/compute) utilisation.
    pub sm_util: u32,
    /// Frame-buffer memory utilisation.
    pub mem_util: u32,
    /// Video encoder utilisation.
    pub enc_util: u32,
    /// Video decoder utilisation.
    pub dec_util: u32,
    /// JPEG decoder utilisation (`None` from `nvmlDeviceGetVgpuProcessUtilization`).
    pub jpg_util: Option<u32>,
    /// Optical flow accelerator utilisation (`None` from
    /// `nvmlDeviceGetVgpuProcessUtilization`).
    pub ofa_util: Option<u32>,
}

impl TryFrom<&sys::nvmlVgpuProcessUtilizationSample_t> for VgpuProcessUtilizationSample {
    type Error = NvmlError;
    fn try_from(s: &sys::nvmlVgpuProcessUtilizationSample_t) -> Result<Self> {
        Ok(Self {
            vgpu_instance: s.vgpuInstance,
            pid: s.pid,
            process_name: crate::ffi::string_from_c_buf(&s.processName)?,
            timestamp: s.timeStamp,
            sm_util: s.smUtil,
            mem_util: s.memUtil,
            enc_util: s.encUtil,
            dec_util: s.decUtil,
            jpg_util: None,
            ofa_util: None,
        })
    }
}

impl TryFrom<&sys::nvmlVgpuProcessUtilizationInfo_v1_t> for VgpuProcessUtilizationSample {
    type Error = NvmlError;
    fn try_from(s: &sys::nvmlVgpuProcessUtilizationInfo_v1_t) -> Result<Self> {
        Ok(Self {
            vgpu_instance: s.vgpuInstance,
            pid: s.pid,
            process_name: crate::ffi::string_from_c_buf(&s.processName)?,
            timestamp: s.timeStamp,
            sm_util: s.smUtil,
            mem_util: s.memUtil,
            enc_util: s.encUtil,
            dec_util: s.decUtil,
            jpg_util: Some(s.jpgUtil),
            ofa_util: Some(s.ofaUtil),
        })
    }
}

/// What the vGPU scheduler of a GPU can do (`nvmlVgpuSchedulerCapabilities_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerCapabilities {
    /// The policies it supports.
    pub supported_policies: Vec<VgpuSchedulerPolicy>,
    /// Longest timeslice, ns.
    pub max_timeslice_ns: u32,
    /// Shortest timeslice, ns.
    pub min_timeslice_ns: u32,
    /// Whether Adaptive Round Robin is supported.
    pub arr_mode_supported: bool,
    /// Highest ARR frequency.
    pub max_frequency_for_arr: u32,
    /// Lowest ARR frequency.
    pub min_frequency_for_arr: u32,
    /// Highest ARR averaging factor.
    pub max_avg_factor_for_arr: u32,
    /// Lowest ARR averaging factor.
    pub min_avg_factor_for_arr: u32,
}

impl TryFrom<&sys::nvmlVgpuSchedulerCapabilities_t> for VgpuSchedulerCapabilities {
    type Error = NvmlError;
    fn try_from(c: &sys::nvmlVgpuSchedulerCapabilities_t) -> Result<Self> {
        Ok(Self {
            supported_policies: c
                .supportedSchedulers
                .iter()
                .filter(|p| **p != sys::NVML_VGPU_SCHEDULER_POLICY_UNKNOWN)
                .map(|p| VgpuSchedulerPolicy::try_from(*p))
                .collect::<Result<_>>()?,
            max_timeslice_ns: c.maxTimeslice,
            min_timeslice_ns: c.minTimeslice,
            arr_mode_supported: c.isArrModeSupported != 0,
            max_frequency_for_arr: c.maxFrequencyForARR,
            min_frequency_for_arr: c.minFrequencyForARR,
            max_avg_factor_for_arr: c.maxAvgFactorForARR,
            min_avg_factor_for_arr: c.minAvgFactorForARR,
        })
    }
}

/// The state of a vGPU software scheduler (`nvmlVgpuSchedulerStateInfo_v2_t`, or the older
/// `nvmlVgpuSchedulerGetState_t`). Not meaningful under the best-effort policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerState {
    /// The policy.
    pub policy: VgpuSchedulerPolicy,
    /// Adaptive Round Robin mode, where the driver reports it (the pre-`_v2` calls).
    pub arr_mode: Option<VgpuSchedulerArrMode>,
    /// ARR averaging factor (0 without ARR or without active scheduling).
    pub avg_factor: u32,
    /// Timeslice of each software runlist, ns (0 without active scheduling).
    pub timeslice_ns: u32,
}

/// One software runlist in a [`VgpuSchedulerLog`] (`nvmlVgpuSchedulerLogEntry_t`), times in ns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerLogEntry {
    /// When the runlist was preempted.
    pub timestamp_ns: u64,
    /// How long it has run in all.
    pub time_run_total_ns: u64,
    /// How long it ran before this preemption.
    pub time_run_ns: u64,
    /// Software runlist id.
    pub sw_runlist_id: u32,
    /// The actual timeslice after deduction.
    pub target_time_slice_ns: u64,
    /// Cumulative preemption time.
    pub cumulative_preemption_time_ns: u64,
    /// Current weight (`None` from the pre-`_v2` calls).
    pub weight: Option<u32>,
}

impl From<&sys::nvmlVgpuSchedulerLogEntry_t> for VgpuSchedulerLogEntry {
    fn from(e: &sys::nvmlVgpuSchedulerLogEntry_t) -> Self {
        Self {
            timestamp_ns: e.timestamp,
            time_run_total_ns: e.timeRunTotal,
            time_run_ns: e.timeRun,
            sw_runlist_id: e.swRunlistId,
            target_time_slice_ns: e.targetTimeSlice,
            cumulative_preemption_time_ns: e.cumulativePreemptionTime,
            weight: None,
        }
    }
}

impl From<&sys::nvmlVgpuSchedulerLogEntry_v2_t> for VgpuSchedulerLogEntry {
    fn from(e: &sys::nvmlVgpuSchedulerLogEntry_v2_t) -> Self {
        Self {
            timestamp_ns: e.timestamp,
            time_run_total_ns: e.timeRunTotal,
            time_run_ns: e.timeRun,
            sw_runlist_id: e.swRunlistId,
            target_time_slice_ns: e.targetTimeSlice,
            cumulative_preemption_time_ns: e.cumulativePreemptionTime,
            weight: Some(e.weight),
        }
    }
}

/// The scheduler state and the recent runlist log of a vGPU software scheduler
/// (`nvmlVgpuSchedulerLogInfo_v2_t`, or the older `nvmlVgpuSchedulerLog_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerLog {
    /// The scheduler state.
    pub state: VgpuSchedulerState,
    /// The log (at most `NVML_SCHEDULER_SW_MAX_LOG_ENTRIES`).
    pub entries: Vec<VgpuSchedulerLogEntry>,
}

/// What to set on a vGPU software scheduler (`nvmlVgpuSchedulerState_v2_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuSchedulerSettings {
    /// The engine whose scheduler to set.
    pub engine: crate::enums::VgpuSchedulerEngine,
    /// The policy.
    pub policy: VgpuSchedulerPolicy,
    /// ARR averaging factor; 0 for the default.
    pub avg_factor: u32,
    /// ARR frequency; 0 for the default.
    pub frequency: u32,
}

/// Reads the scheduler parameters of the pre-`_v2` structs, whose union member depends on the
/// ARR mode: `(avg_factor, timeslice)`.
fn legacy_params(arr_mode: u32, params: &sys::nvmlVgpuSchedulerParams_t) -> (u32, u32) {
    if arr_mode == sys::NVML_VGPU_SCHEDULER_ARR_ENABLE {
        // SAFETY: both members of the union are structs of `unsigned int`s, valid for any bit
        // pattern, and the union was zero-initialised before NVML wrote it, so every byte read
        // here is initialised; with ARR enabled NVML fills `vgpuSchedDataWithARR`.
        let p = unsafe { params.vgpuSchedDataWithARR };
        (p.avgFactor, p.timeslice)
    } else {
        // SAFETY: as above; without ARR NVML fills `vgpuSchedData`.
        let p = unsafe { params.vgpuSchedData };
        (0, p.timeslice)
    }
}

impl VgpuSchedulerLog {
    /// The log from the pre-`_v2` struct (`nvmlVgpuSchedulerLog_t`), as both the device and
    /// the GPU-instance queries return it; the entry count is clamped to the array.
    pub(crate) fn from_legacy(raw: &sys::nvmlVgpuSchedulerLog_t) -> Result<Self> {
        Ok(Self {
            state: legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)?,
            entries: raw
                .logEntries
                .iter()
                .take(raw.entriesCount as usize)
                .map(Into::into)
                .collect(),
        })
    }
}

pub(crate) fn legacy_state(
    policy: u32,
    arr_mode: u32,
    params: &sys::nvmlVgpuSchedulerParams_t,
) -> Result<VgpuSchedulerState> {
    let (avg_factor, timeslice_ns) = legacy_params(arr_mode, params);
    Ok(VgpuSchedulerState {
        policy: VgpuSchedulerPolicy::try_from(policy)?,
        arr_mode: Some(VgpuSchedulerArrMode::try_from(arr_mode)?),
        avg_factor,
        timeslice_ns,
    })
}

pub(crate) fn log_from_v2(raw: &sys::nvmlVgpuSchedulerLogInfo_v2_t) -> Result<VgpuSchedulerLog> {
    Ok(VgpuSchedulerLog {
        state: VgpuSchedulerState {
            policy: VgpuSchedulerPolicy::try_from(raw.schedulerPolicy)?,
            arr_mode: None,
            avg_factor: raw.avgFactor,
            timeslice_ns: raw.timeslice,
        },
        entries: raw
            .logEntries
            .iter()
            .take(raw.entriesCount as usize)
            .map(VgpuSchedulerLogEntry::from)
            .collect(),
    })
}

pub(crate) fn state_from_v2(
    raw: &sys::nvmlVgpuSchedulerStateInfo_v2_t,
) -> Result<VgpuSchedulerState> {
    Ok(VgpuSchedulerState {
        policy: VgpuSchedulerPolicy::try_from(raw.schedulerPolicy)?,
        arr_mode: None,
        avg_factor: raw.avgFactor,
        timeslice_ns: raw.timeslice,
    })
}

impl VgpuSchedulerSettings {
    /// ARR mode and parameters of the pre-`_v2` setters: ARR on when an ARR parameter is set.
    fn legacy_arr(self) -> (u32, sys::nvmlVgpuSchedulerSetParams_t) {
        let arr = if self.avg_factor != 0 || self.frequency != 0 {
            sys::NVML_VGPU_SCHEDULER_ARR_ENABLE
        } else {
            sys::NVML_VGPU_SCHEDULER_ARR_DEFAULT
        };
        let params = sys::nvmlVgpuSchedulerSetParams_t {
            vgpuSchedDataWithARR: sys::nvmlVgpuSchedulerSetParams_t__bindgen_ty_1 {
                avgFactor: self.avg_factor,
                frequency: self.frequency,
            },
        };
        (arr, params)
    }

    /// The pre-`_v2` device form (`nvmlVgpuSchedulerSetState_t`).
    pub(crate) fn to_legacy_device(self) -> sys::nvmlVgpuSchedulerSetState_t {
        let (arr, params) = self.legacy_arr();
        sys::nvmlVgpuSchedulerSetState_t {
            schedulerPolicy: self.policy.as_raw(),
            enableARRMode: arr,
            schedulerParams: params,
        }
    }

    /// The pre-`_v2` GPU-instance form (`nvmlVgpuSchedulerState_v1_t`).
    pub(crate) fn to_v1(self) -> sys::nvmlVgpuSchedulerState_t {
        let (arr, params) = self.legacy_arr();
        sys::nvmlVgpuSchedulerState_t {
            version: sys::nvmlVgpuSchedulerState_v1,
            engineId: self.engine.as_raw(),
            schedulerPolicy: self.policy.as_raw(),
            enableARRMode: arr,
            schedulerParams: params,
        }
    }

    pub(crate) fn to_v2(self) -> sys::nvmlVgpuSchedulerState_v2_t {
        sys::nvmlVgpuSchedulerState_v2_t {
            engineId: self.engine.as_raw(),
            schedulerPolicy: self.policy.as_raw(),
            avgFactor: self.avg_factor,
            frequency: self.frequency,
        }
    }
}

// ------------------------------------------------------------------------------------------
// Nvml: wrapping ids, driver-wide queries
// ------------------------------------------------------------------------------------------

impl Nvml {
    /// Wraps a vGPU type id (from [`Device::supported_vgpus`], a saved configuration, ...).
    pub fn vgpu_type(&self, id: u32) -> VgpuType<'_> {
        VgpuType { nvml: self, id }
    }

    /// Wraps a vGPU instance id (from [`Device::active_vgpus`], an [`EncoderSession`], ...).
    pub fn vgpu_instance(&self, id: u32) -> VgpuInstance<'_> {
        VgpuInstance { nvml: self, id }
    }

    /// Whether the vGPU host driver has a capability (`nvmlGetVgpuDriverCapabilities`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] where no GPU is in vGPU host mode.
    pub fn vgpu_driver_capability(&self, capability: VgpuDriverCapability) -> Result<bool> {
        let mut result: c_uint = 0;
        nvml_call!(
            self,
            nvmlGetVgpuDriverCapabilities(capability.as_raw(), &mut result)
        )?;
        Ok(result != 0)
    }

    /// The vGPU versions the host driver supports and currently allows (`nvmlGetVgpuVersion`).
    pub fn vgpu_version(&self) -> Result<VgpuVersions> {
        let mut supported = sys::nvmlVgpuVersion_t::default();
        let mut current = sys::nvmlVgpuVersion_t::default();
        nvml_call!(self, nvmlGetVgpuVersion(&mut supported, &mut current))?;
        Ok(VgpuVersions {
            supported: supported.into(),
            current: current.into(),
        })
    }

    /// Limits the vGPU versions the host driver allows (`nvmlSetVgpuVersion`). Only while no
    /// VM is running; needs root.
    ///
    /// # Errors
    /// [`NvmlError::InUse`] while a VM runs; [`NvmlError::NotSupported`] for a range outside
    /// what the driver supports; [`NvmlError::NoPermission`].
    pub fn set_vgpu_version(&self, range: VgpuVersionRange) -> Result<()> {
        let mut raw = sys::nvmlVgpuVersion_t::from(range);
        nvml_call!(self, nvmlSetVgpuVersion(&mut raw))
    }

    /// Whether the VM of a vGPU (its metadata, saved where it runs) can run on a physical GPU
    /// (its metadata, read where it would run) (`nvmlGetVgpuCompatibility`).
    pub fn vgpu_compatibility(
        &self,
        vgpu: &VgpuMetadata,
        pgpu: &PgpuMetadata,
    ) -> Result<VgpuCompatibility> {
        let mut vgpu_words = blob_words(vgpu.as_bytes(), size_of::<sys::nvmlVgpuMetadata_t>());
        let mut pgpu_words = blob_words(pgpu.as_bytes(), size_of::<sys::nvmlVgpuPgpuMetadata_t>());
        let mut info = sys::nvmlVgpuPgpuCompatibility_t::default();
        // Both buffers are 8-byte aligned (more than the structs' 4) and at least as large
        // as the structs.
        nvml_call!(
            self,
            nvmlGetVgpuCompatibility(
                vgpu_words.as_mut_ptr().cast(),
                pgpu_words.as_mut_ptr().cast(),
                &mut info
            )
        )?;
        Ok(info.into())
    }
}

// ------------------------------------------------------------------------------------------
// VgpuType
// ------------------------------------------------------------------------------------------

impl<'nvml> VgpuType<'nvml> {
    /// The raw `nvmlVgpuTypeId_t`.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The [`Nvml`] this type belongs to.
    pub fn nvml(&self) -> &'nvml Nvml {
        self.nvml
    }

    /// Class, e.g. `"Compute"`, `"Quadro"`, `"NVS"` (`nvmlVgpuTypeGetClass`).
    pub fn class(&self) -> Result<String> {
        read_string::<{ sys::NVML_VGPU_NAME_BUFFER_SIZE as usize }>(|buf, len| {
            let mut size = len;
            nvml_call!(self.nvml, nvmlVgpuTypeGetClass(self.id, buf, &mut size))
        })
    }

    /// Name, e.g. `"NVIDIA H100-4C"` (`nvmlVgpuTypeGetName`).
    pub fn name(&self) -> Result<String> {
        read_string::<{ sys::NVML_VGPU_NAME_BUFFER_SIZE as usize }>(|buf, len| {
            let mut size = len;
            nvml_call!(self.nvml, nvmlVgpuTypeGetName(self.id, buf, &mut size))
        })
    }

    /// The GPU instance profile a MIG-backed type uses; `None` for time-sliced types
    /// (`nvmlVgpuTypeGetGpuInstanceProfileId`).
    pub fn gpu_instance_profile_id(&self) -> Result<Option<u32>> {
        let mut id: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetGpuInstanceProfileId(self.id, &mut id)
        )?;
        Ok((id != INVALID_ID).then_some(id))
    }

    /// PCI device and subsystem ids the type presents to its VM (`nvmlVgpuTypeGetDeviceID`).
    pub fn pci_ids(&self) -> Result<VgpuPciIds> {
        let (mut device, mut subsystem): (c_ulonglong, c_ulonglong) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetDeviceID(self.id, &mut device, &mut subsystem)
        )?;
        Ok(VgpuPciIds {
            device_id: device,
            subsystem_id: subsystem,
        })
    }

    /// Frame-buffer size, bytes (`nvmlVgpuTypeGetFramebufferSize`).
    pub fn framebuffer_size(&self) -> Result<u64> {
        let mut size: c_ulonglong = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetFramebufferSize(self.id, &mut size)
        )?;
        Ok(size)
    }

    /// Number of display heads (`nvmlVgpuTypeGetNumDisplayHeads`).
    pub fn num_display_heads(&self) -> Result<u32> {
        let mut heads: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetNumDisplayHeads(self.id, &mut heads)
        )?;
        Ok(heads)
    }

    /// Maximum resolution of one display head (`nvmlVgpuTypeGetResolution`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for a head the type does not have.
    pub fn resolution(&self, display_index: u32) -> Result<Resolution> {
        let (mut x, mut y): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetResolution(self.id, display_index, &mut x, &mut y)
        )?;
        Ok(Resolution {
            width: x,
            height: y,
        })
    }

    /// License string, e.g. `"NVIDIA-vComputeServer,9.0;Quadro-Virtual-DWS,5.0"`
    /// (`nvmlVgpuTypeGetLicense`).
    pub fn license(&self) -> Result<String> {
        read_string::<{ sys::NVML_GRID_LICENSE_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlVgpuTypeGetLicense(self.id, buf, len))
        })
    }

    /// Frame-rate limit, frames per second (`nvmlVgpuTypeGetFrameRateLimit`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] where the limiter is off.
    pub fn frame_rate_limit(&self) -> Result<u32> {
        let mut limit: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetFrameRateLimit(self.id, &mut limit)
        )?;
        Ok(limit)
    }

    /// How many vGPUs of this type `device` can host (`nvmlVgpuTypeGetMaxInstances`).
    pub fn max_instances(&self, device: &Device<'_>) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetMaxInstances(device.handle(), self.id, &mut count)
        )?;
        Ok(count)
    }

    /// How many vGPUs of this type one VM may have (`nvmlVgpuTypeGetMaxInstancesPerVm`).
    pub fn max_instances_per_vm(&self) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetMaxInstancesPerVm(self.id, &mut count)
        )?;
        Ok(count)
    }

    /// How many vGPUs of this type one GPU instance can host
    /// (`nvmlVgpuTypeGetMaxInstancesPerGpuInstance` with `nvmlVgpuTypeMaxInstance_v1`).
    pub fn max_instances_per_gpu_instance(&self) -> Result<u32> {
        let mut info = sys::nvmlVgpuTypeMaxInstance_t {
            version: sys::nvmlVgpuTypeMaxInstance_v1,
            vgpuTypeId: self.id,
            maxInstancePerGI: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetMaxInstancesPerGpuInstance(&mut info)
        )?;
        Ok(info.maxInstancePerGI)
    }

    /// BAR1 size of the type, MiB (`nvmlVgpuTypeGetBAR1Info` with `nvmlVgpuTypeBar1Info_v1`).
    pub fn bar1_size_mib(&self) -> Result<u64> {
        let mut info = sys::nvmlVgpuTypeBar1Info_t {
            version: sys::nvmlVgpuTypeBar1Info_v1,
            bar1Size: 0,
        };
        nvml_call!(self.nvml, nvmlVgpuTypeGetBAR1Info(self.id, &mut info))?;
        Ok(info.bar1Size)
    }

    /// Whether the type has a capability (`nvmlVgpuTypeGetCapabilities`).
    pub fn capability(&self, capability: VgpuCapability) -> Result<bool> {
        let mut result: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuTypeGetCapabilities(self.id, capability.as_raw(), &mut result)
        )?;
        Ok(result != 0)
    }

    /// GSP heap size of the type, bytes (`nvmlVgpuTypeGetGspHeapSize`).
    pub fn gsp_heap_size(&self) -> Result<u64> {
        let mut size: c_ulonglong = 0;
        nvml_call!(self.nvml, nvmlVgpuTypeGetGspHeapSize(self.id, &mut size))?;
        Ok(size)
    }

    /// Frame buffer the host reserves for the type, bytes (`nvmlVgpuTypeGetFbReservation`).
    pub fn fb_reservation(&self) -> Result<u64> {
        let mut size: c_ulonglong = 0;
        nvml_call!(self.nvml, nvmlVgpuTypeGetFbReservation(self.id, &mut size))?;
        Ok(size)
    }
}

// ------------------------------------------------------------------------------------------
// VgpuInstance
// ------------------------------------------------------------------------------------------

impl<'nvml> VgpuInstance<'nvml> {
    /// The raw `nvmlVgpuInstance_t`.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The [`Nvml`] this instance belongs to.
    pub fn nvml(&self) -> &'nvml Nvml {
        self.nvml
    }

    /// The VM this vGPU belongs to (`nvmlVgpuInstanceGetVmID`).
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
    pub fn uuid(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_UUID_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlVgpuInstanceGetUUID(self.id, buf, len))
        })
    }

    /// Driver version in the VM (`nvmlVgpuInstanceGetVmDriverVersion`); `"Not Available"`
    /// until the guest driver loads.
    pub fn vm_driver_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetVmDriverVersion(self.id, buf, len)
            )
        })
    }

    /// Frame buffer in use, bytes (`nvmlVgpuInstanceGetFbUsage`).
    pub fn fb_usage(&self) -> Result<u64> {
        let mut used: c_ulonglong = 0;
        nvml_call!(self.nvml, nvmlVgpuInstanceGetFbUsage(self.id, &mut used))?;
        Ok(used)
    }

    /// The type of this vGPU (`nvmlVgpuInstanceGetType`).
    pub fn vgpu_type(&self) -> Result<VgpuType<'nvml>> {
        let mut id: sys::nvmlVgpuTypeId_t = 0;
        nvml_call!(self.nvml, nvmlVgpuInstanceGetType(self.id, &mut id))?;
        Ok(self.nvml.vgpu_type(id))
    }

    /// Frame-rate limit, frames per second (`nvmlVgpuInstanceGetFrameRateLimit`).
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] where the limiter is off.
    pub fn frame_rate_limit(&self) -> Result<u32> {
        let mut limit: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceGetFrameRateLimit(self.id, &mut limit)
        )?;
        Ok(limit)
    }

    /// Whether ECC is on for this vGPU (`nvmlVgpuInstanceGetEccMode`).
    pub fn ecc_mode(&self) -> Result<bool> {
        let mut mode: sys::nvmlEnableState_t = 0;
        nvml_call!(self.nvml, nvmlVgpuInstanceGetEccMode(self.id, &mut mode))?;
        enabled(mode, "vGPU ECC mode")
    }

    /// Share of the encoder this vGPU may use, 0-100 (`nvmlVgpuInstanceGetEncoderCapacity`).
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
    /// [`NvmlError::InvalidArgument`] above 100.
    pub fn set_encoder_capacity(&self, capacity: u32) -> Result<()> {
        nvml_call!(
            self.nvml,
            nvmlVgpuInstanceSetEncoderCapacity(self.id, capacity)
        )
    }

    /// Encoder statistics of this vGPU (`nvmlVgpuInstanceGetEncoderStats`).
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
    pub fn encoder_sessions(&self) -> Result<Vec<EncoderSession>> {
        let raw = read_list(sys::nvmlEncoderSessionInfo_t::default(), |count, items| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetEncoderSessions(self.id, count, items)
            )
        })?;
        Ok(raw.into_iter().map(EncoderSession::from).collect())
    }

    /// Frame buffer capture statistics of this vGPU (`nvmlVgpuInstanceGetFBCStats`).
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
    pub fn fbc_sessions(&self) -> Result<Vec<FbcSession>> {
        let raw = read_list(sys::nvmlFBCSessionInfo_t::default(), |count, items| {
            nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetFBCSessions(self.id, count, items)
            )
        })?;
        Ok(raw.into_iter().map(FbcSession::from).collect())
    }

    /// The GPU instance a MIG-backed vGPU runs on; `None` for time-sliced vGPUs
    /// (`nvmlVgpuInstanceGetGpuInstanceId`).
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
    /// [`NvmlError::DriverNotLoaded`] where no NVIDIA driver runs in the VM.
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
    pub fn mdev_uuid(&self) -> Result<String> {
        read_string::<{ sys::NVML_DEVICE_UUID_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self.nvml, nvmlVgpuInstanceGetMdevUUID(self.id, buf, len))
        })
    }

    /// Placement id of the vGPU on its GPU; `None` where the GPU is in homogeneous mode
    /// (`NVML_INVALID_VGPU_PLACEMENT_ID`) (`nvmlVgpuInstanceGetPlacementId` with
    /// `nvmlVgpuPlacementId_v1`).
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
    pub fn license_info(&self) -> Result<VgpuLicenseInfo> {
        let mut info = sys::nvmlVgpuLicenseInfo_t::default();
        match self.nvml.versions().vgpu_license_info {
            2 => nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetLicenseInfo_v2(self.id, &mut info)
            )?,
            _ => nvml_call!(
                self.nvml,
                nvmlVgpuInstanceGetLicenseInfo(self.id, &mut info)
            )?,
        }
        VgpuLicenseInfo::try_from(info)
    }

    /// Whether the vGPU is licensed: from [`license_info`](Self::license_info) where the
    /// driver has it, else from the deprecated `nvmlVgpuInstanceGetLicenseStatus` (drivers
    /// before R510, e.g. R470, have only that one).
    pub fn is_licensed(&self) -> Result<bool> {
        if self.nvml.versions().vgpu_license_info != 0 {
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
    pub fn accounting_pids(&self) -> Result<Vec<u32>> {
        read_list(0 as c_uint, |count, items| {
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
    /// [`NvmlError::NotFound`] for a pid without data; [`NvmlError::NotSupported`] while
    /// accounting is off.
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
    pub fn clear_accounting_pids(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlVgpuInstanceClearAccountingPids(self.id))
    }
}

// ------------------------------------------------------------------------------------------
// GpuInstance: MIG-backed vGPUs
// ------------------------------------------------------------------------------------------

impl<'nvml> crate::mig::GpuInstance<'nvml> {
    /// The vGPUs running on this GPU instance (`nvmlGpuInstanceGetActiveVgpus` with
    /// `nvmlActiveVgpuInstanceInfo_v1`; count, then data, bounded).
    pub fn active_vgpus(&self) -> Result<Vec<VgpuInstance<'nvml>>> {
        let nvml = self.nvml();
        let ids = read_list(0 as sys::nvmlVgpuInstance_t, |count, items| {
            let mut info = sys::nvmlActiveVgpuInstanceInfo_t {
                version: sys::nvmlActiveVgpuInstanceInfo_v1,
                vgpuCount: *count,
                vgpuInstances: items,
            };
            let result = nvml_call!(
                nvml,
                nvmlGpuInstanceGetActiveVgpus(self.handle(), &mut info)
            );
            *count = info.vgpuCount;
            result
        })?;
        Ok(ids.into_iter().map(|id| nvml.vgpu_instance(id)).collect())
    }

    /// The vGPU types that can be created on this GPU instance now
    /// (`nvmlGpuInstanceGetCreatableVgpus` with `nvmlVgpuTypeIdInfo_v1`).
    pub fn creatable_vgpus(&self) -> Result<Vec<VgpuType<'nvml>>> {
        let nvml = self.nvml();
        let ids = read_list(0 as sys::nvmlVgpuTypeId_t, |count, items| {
            let mut info = sys::nvmlVgpuTypeIdInfo_t {
                version: sys::nvmlVgpuTypeIdInfo_v1,
                vgpuCount: *count,
                vgpuTypeIds: items,
            };
            let result = nvml_call!(
                nvml,
                nvmlGpuInstanceGetCreatableVgpus(self.handle(), &mut info)
            );
            *count = info.vgpuCount;
            result
        })?;
        Ok(ids.into_iter().map(|id| nvml.vgpu_type(id)).collect())
    }

    /// Whether this GPU instance is in vGPU heterogeneous mode
    /// (`nvmlGpuInstanceGetVgpuHeterogeneousMode` with `nvmlVgpuHeterogeneousMode_v1`).
    pub fn vgpu_heterogeneous_mode(&self) -> Result<bool> {
        let mut info = sys::nvmlVgpuHeterogeneousMode_t {
            version: sys::nvmlVgpuHeterogeneousMode_v1,
            mode: 0,
        };
        nvml_call!(
            self.nvml(),
            nvmlGpuInstanceGetVgpuHeterogeneousMode(self.handle(), &mut info)
        )?;
        enabled(info.mode, "vGPU heterogeneous mode")
    }

    /// Turns vGPU heterogeneous mode of this GPU instance on or off
    /// (`nvmlGpuInstanceSetVgpuHeterogeneousMode`). Only while no vGPU runs on it.
    pub fn set_vgpu_heterogeneous_mode(&self, on: bool) -> Result<()> {
        let info = sys::nvmlVgpuHeterogeneousMode_t {
            version: sys::nvmlVgpuHeterogeneousMode_v1,
            mode: crate::enums::enable_state(on),
        };
        nvml_call!(
            self.nvml(),
            nvmlGpuInstanceSetVgpuHeterogeneousMode(self.handle(), &info)
        )
    }

    /// Placement ids at which a vGPU of a type can be created in this GPU instance now
    /// (`nvmlGpuInstanceGetVgpuTypeCreatablePlacements` with
    /// `nvmlVgpuCreatablePlacementInfo_v1`; count, then data, bounded).
    pub fn vgpu_type_creatable_placements(
        &self,
        vgpu_type: &VgpuType<'_>,
    ) -> Result<VgpuPlacements> {
        read_placements(|count, items, placement_size| {
            let mut info = sys::nvmlVgpuCreatablePlacementInfo_t {
                version: sys::nvmlVgpuCreatablePlacementInfo_v1,
                vgpuTypeId: vgpu_type.id(),
                count: *count,
                placementIds: items,
                placementSize: 0,
            };
            let result = nvml_call!(
                self.nvml(),
                nvmlGpuInstanceGetVgpuTypeCreatablePlacements(self.handle(), &mut info)
            );
            *count = info.count;
            *placement_size = info.placementSize;
            result
        })
    }

    /// State of the vGPU scheduler of one engine of this GPU instance
    /// (`nvmlGpuInstanceGetVgpuSchedulerState_v2`, or `nvmlGpuInstanceGetVgpuSchedulerState`
    /// with `nvmlVgpuSchedulerStateInfo_v1` on drivers without it).
    pub fn vgpu_scheduler_state(
        &self,
        engine: crate::enums::VgpuSchedulerEngine,
    ) -> Result<VgpuSchedulerState> {
        let nvml = self.nvml();
        if nvml.versions().gpu_instance_vgpu_scheduler_state == 2 {
            let mut raw = sys::nvmlVgpuSchedulerStateInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            };
            nvml_call!(
                nvml,
                nvmlGpuInstanceGetVgpuSchedulerState_v2(self.handle(), &mut raw)
            )?;
            return state_from_v2(&raw);
        }
        let mut raw = sys::nvmlVgpuSchedulerStateInfo_t {
            version: sys::nvmlVgpuSchedulerStateInfo_v1,
            engineId: engine.as_raw(),
            ..Default::default()
        };
        nvml_call!(
            nvml,
            nvmlGpuInstanceGetVgpuSchedulerState(self.handle(), &mut raw)
        )?;
        legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)
    }

    /// State and recent runlist log of the vGPU scheduler of one engine of this GPU instance
    /// (`nvmlGpuInstanceGetVgpuSchedulerLog_v2`, or `nvmlGpuInstanceGetVgpuSchedulerLog`
    /// with `nvmlVgpuSchedulerLogInfo_v1` on drivers without it).
    pub fn vgpu_scheduler_log(
        &self,
        engine: crate::enums::VgpuSchedulerEngine,
    ) -> Result<VgpuSchedulerLog> {
        let nvml = self.nvml();
        if nvml.versions().gpu_instance_vgpu_scheduler_log == 2 {
            let mut raw = Box::new(sys::nvmlVgpuSchedulerLogInfo_v2_t {
                engineId: engine.as_raw(),
                ..Default::default()
            });
            nvml_call!(
                nvml,
                nvmlGpuInstanceGetVgpuSchedulerLog_v2(self.handle(), &mut *raw)
            )?;
            return log_from_v2(&raw);
        }
        let mut raw = Box::new(sys::nvmlVgpuSchedulerLogInfo_t {
            version: sys::nvmlVgpuSchedulerLogInfo_v1,
            engineId: engine.as_raw(),
            ..Default::default()
        });
        nvml_call!(
            nvml,
            nvmlGpuInstanceGetVgpuSchedulerLog(self.handle(), &mut *raw)
        )?;
        Ok(VgpuSchedulerLog {
            state: legacy_state(raw.schedulerPolicy, raw.arrMode, &raw.schedulerParams)?,
            entries: raw
                .logEntries
                .iter()
                .take(raw.entriesCount as usize)
                .map(Into::into)
                .collect(),
        })
    }

    /// Sets the vGPU scheduler of one engine of this GPU instance
    /// (`nvmlGpuInstanceSetVgpuSchedulerState_v2`, or `nvmlGpuInstanceSetVgpuSchedulerState`
    /// with `nvmlVgpuSchedulerState_v1` on drivers without it, ARR on when an ARR parameter
    /// is non-zero). Only while no vGPU runs; needs root.
    pub fn set_vgpu_scheduler_state(&self, settings: &VgpuSchedulerSettings) -> Result<()> {
        let nvml = self.nvml();
        if nvml.versions().gpu_instance_set_vgpu_scheduler_state == 2 {
            let mut raw = settings.to_v2();
            return nvml_call!(
                nvml,
                nvmlGpuInstanceSetVgpuSchedulerState_v2(self.handle(), &mut raw)
            );
        }
        let mut raw = settings.to_v1();
        nvml_call!(
            nvml,
            nvmlGpuInstanceSetVgpuSchedulerState(self.handle(), &mut raw)
        )
    }
}

/// Calls `call` with a placement struct of `count` entries, growing on `INSUFFICIENT_SIZE`;
/// shared by the device and GPU-instance placement queries.
pub(crate) fn read_placements(
    mut call: impl FnMut(&mut c_uint, *mut c_uint, &mut c_uint) -> Result<()>,
) -> Result<VgpuPlacements> {
    let mut placement_size: c_uint = 0;
    let ids = read_list(0 as c_uint, |count, items| {
        call(count, items, &mut placement_size)
    })?;
    Ok(VgpuPlacements {
        placement_size,
        ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::c_char;

    fn c_chars<const N: usize>(text: &str) -> [c_char; N] {
        let mut buf = [0 as c_char; N];
        for (dst, src) in buf.iter_mut().zip(text.bytes()) {
            *dst = src as c_char;
        }
        buf
    }

    fn put_u32(bytes: &mut [u8], offset: usize, value: u32) {
        bytes[offset..offset + 4].copy_from_slice(&value.to_ne_bytes());
    }

    fn put_str(bytes: &mut [u8], offset: usize, text: &str) {
        bytes[offset..offset + text.len()].copy_from_slice(text.as_bytes());
    }

    /// A vGPU metadata blob as a driver lays it out: the fixed part, then 6 opaque bytes.
    fn vgpu_blob() -> Vec<u8> {
        type M = sys::nvmlVgpuMetadata_t;
        let opaque = offset_of!(M, opaqueData);
        let mut b = vec![0u8; size_of::<M>() + 8];
        put_u32(&mut b, offset_of!(M, version), 1);
        put_u32(&mut b, offset_of!(M, revision), 2);
        put_u32(
            &mut b,
            offset_of!(M, guestInfoState),
            sys::NVML_VGPU_INSTANCE_GUEST_INFO_STATE_INITIALIZED,
        );
        put_str(&mut b, offset_of!(M, guestDriverVersion), "580.65.06");
        put_str(&mut b, offset_of!(M, hostDriverVersion), "580.65.07");
        put_u32(&mut b, offset_of!(M, vgpuVirtualizationCaps), 0x11);
        put_u32(&mut b, offset_of!(M, guestVgpuVersion), 0x12_0000);
        put_u32(&mut b, offset_of!(M, opaqueDataSize), 6);
        b[opaque..opaque + 6].copy_from_slice(b"opaque");
        b
    }

    #[test]
    fn vgpu_metadata_decodes_its_fields_and_keeps_the_blob() {
        let blob = vgpu_blob();
        let meta = VgpuMetadata::from_bytes(blob.clone()).unwrap();
        assert_eq!((meta.version, meta.revision), (1, 2));
        assert_eq!(meta.guest_info_state, VgpuGuestInfoState::Initialized);
        assert_eq!(meta.guest_driver_version, "580.65.06");
        assert_eq!(meta.host_driver_version, "580.65.07");
        assert!(
            meta.virtualization_caps
                .contains(VirtualizationCaps::MIGRATION)
        );
        assert_eq!(meta.virtualization_caps.bits(), 0x11, "unknown bits kept");
        assert_eq!(meta.guest_vgpu_version, 0x12_0000);
        assert_eq!(meta.opaque_data, b"opaque");
        assert_eq!(meta.as_bytes(), &blob[..]);
        // Round trip, as after saving it with the VM.
        assert_eq!(
            VgpuMetadata::from_bytes(meta.as_bytes().to_vec()).unwrap(),
            meta
        );
    }

    #[test]
    fn metadata_blobs_that_lie_are_clamped_or_rejected() {
        type M = sys::nvmlVgpuMetadata_t;
        // An opaque size far past the blob: clamped to what is there.
        let mut blob = vgpu_blob();
        put_u32(&mut blob, offset_of!(M, opaqueDataSize), u32::MAX);
        let meta = VgpuMetadata::from_bytes(blob.clone()).unwrap();
        assert_eq!(
            meta.opaque_data.len(),
            blob.len() - offset_of!(M, opaqueData)
        );
        // Too short for the fixed part: an error, not a panic.
        assert!(matches!(
            VgpuMetadata::from_bytes(vec![0; 16]),
            Err(NvmlError::UnexpectedValue { .. })
        ));
        assert!(matches!(
            PgpuMetadata::from_bytes(Vec::new()),
            Err(NvmlError::UnexpectedValue { .. })
        ));
        // A guest state newer than the header.
        let mut blob = vgpu_blob();
        put_u32(&mut blob, offset_of!(M, guestInfoState), 9);
        assert!(matches!(
            VgpuMetadata::from_bytes(blob),
            Err(NvmlError::UnexpectedValue { value: 9, .. })
        ));
        // An unterminated driver version stops at the field's end.
        let mut blob = vgpu_blob();
        let at = offset_of!(M, hostDriverVersion);
        blob[at..at + 80].fill(b'7');
        let meta = VgpuMetadata::from_bytes(blob).unwrap();
        assert_eq!(meta.host_driver_version.len(), 80);
    }

    #[test]
    fn pgpu_metadata_decodes_the_supported_range() {
        type M = sys::nvmlVgpuPgpuMetadata_t;
        let range = offset_of!(M, hostSupportedVgpuRange);
        let mut b = vec![0u8; size_of::<M>()];
        put_u32(&mut b, offset_of!(M, version), 3);
        put_str(&mut b, offset_of!(M, hostDriverVersion), "580.65.06");
        put_u32(&mut b, offset_of!(M, pgpuVirtualizationCaps), 1);
        put_u32(&mut b, range, 0x10_0000);
        put_u32(&mut b, range + 4, 0x13_0000);
        put_u32(&mut b, offset_of!(M, opaqueDataSize), 4);
        let meta = PgpuMetadata::from_bytes(b).unwrap();
        assert_eq!(meta.version, 3);
        assert_eq!(meta.host_driver_version, "580.65.06");
        assert_eq!(meta.virtualization_caps, VirtualizationCaps::MIGRATION);
        assert_eq!(
            meta.host_supported_vgpu_range,
            VgpuVersionRange {
                min: 0x10_0000,
                max: 0x13_0000
            }
        );
        assert_eq!(meta.opaque_data, [0, 0, 0, 0]);
    }

    #[test]
    fn blobs_are_asked_for_their_size_and_grown_bounded() {
        // A driver that needs 300 bytes: one INSUFFICIENT_SIZE, then the data.
        let mut calls = 0;
        let blob = read_blob(64, |buf, size| {
            calls += 1;
            if (*size as usize) < 300 {
                *size = 300;
                return Err(NvmlError::InsufficientSize);
            }
            // SAFETY: the buffer holds `*size` (at least 300) bytes, 8-byte aligned.
            unsafe { buf.cast::<u8>().add(299).write(0xAB) };
            *size = 300;
            Ok(())
        })
        .unwrap();
        assert_eq!(calls, 2);
        assert_eq!(blob.len(), 300);
        assert_eq!(blob[299], 0xAB);

        // A driver that claims an absurd size: refused, no huge allocation.
        let err = read_blob(64, |_, size| {
            *size = u32::MAX;
            Err(NvmlError::InsufficientSize)
        })
        .unwrap_err();
        assert!(matches!(err, NvmlError::InsufficientSize));

        // A driver that claims to have written more than the buffer: clamped.
        let blob = read_blob(64, |_, size| {
            *size = 10_000;
            Ok(())
        })
        .unwrap();
        assert_eq!(blob.len(), 64);
    }

    #[test]
    fn blobs_go_back_to_the_driver_aligned_and_padded() {
        let words = blob_words(&[1, 2, 3], 20);
        assert_eq!(words.len(), 3);
        assert_eq!(words[0], u64::from_ne_bytes([1, 2, 3, 0, 0, 0, 0, 0]));
        assert_eq!(words[1..], [0, 0]);
        let long: Vec<u8> = (0..17).collect();
        assert_eq!(blob_words(&long, 8).len(), 3);
    }

    #[test]
    fn license_info_and_expiry_convert() {
        let raw = sys::nvmlVgpuLicenseInfo_t {
            isLicensed: 1,
            licenseExpiry: sys::nvmlVgpuLicenseExpiry_t {
                year: 2027,
                month: 3,
                day: 31,
                hour: 23,
                min: 59,
                sec: 58,
                status: sys::NVML_GRID_LICENSE_EXPIRY_VALID as u8,
            },
            currentState: sys::NVML_GRID_LICENSE_STATE_LICENSED,
        };
        let info = VgpuLicenseInfo::try_from(raw).unwrap();
        assert!(info.licensed);
        assert_eq!(info.state, GridLicenseState::Licensed);
        assert_eq!(
            (info.expiry.year, info.expiry.month, info.expiry.day),
            (2027, 3, 31)
        );
        assert_eq!(
            info.expiry.status().unwrap(),
            GridLicenseExpiryStatus::Valid
        );
        let odd = LicenseExpiry {
            status: 77,
            ..info.expiry
        };
        assert!(odd.status().is_err());
        let future = sys::nvmlVgpuLicenseInfo_t {
            currentState: 99,
            ..raw
        };
        assert!(matches!(
            VgpuLicenseInfo::try_from(future),
            Err(NvmlError::UnexpectedValue { value: 99, .. })
        ));
    }

    /// A `nvmlGridLicensableFeatures_t` blob as version `version` lays it out, with
    /// `count` claimed and 3 features filled.
    fn licensable_blob(version: u8, count: u32) -> Vec<u8> {
        type F = sys::nvmlGridLicensableFeature_t;
        type L = sys::nvmlGridLicensableFeatures_t;
        let stride = match version {
            1 => 136,
            2 => 264,
            3 => 268,
            _ => size_of::<F>(),
        };
        let mut b = vec![0u8; size_of::<L>()];
        put_u32(&mut b, offset_of!(L, isGridLicenseSupported), 1);
        put_u32(&mut b, offset_of!(L, licensableFeaturesCount), count);
        for i in 0..3 {
            let at = offset_of!(L, gridLicensableFeatures) + i * stride;
            let code = [
                sys::NVML_GRID_LICENSE_FEATURE_CODE_COMPUTE,
                sys::NVML_GRID_LICENSE_FEATURE_CODE_NVIDIA_RTX,
                sys::NVML_GRID_LICENSE_FEATURE_CODE_VGPU,
            ][i];
            put_u32(&mut b, at, code);
            put_u32(&mut b, at + 4, 1);
            if version >= 2 {
                put_str(&mut b, at + 136, ["vCS", "RTX vWS", "vPC"][i]);
            }
            if version >= 3 {
                put_u32(&mut b, at + 264, 1);
            }
            if version >= 4 {
                let e = at + offset_of!(F, licenseExpiry);
                put_u32(&mut b, e, 2030);
                b[e + 4..e + 6].copy_from_slice(&12u16.to_ne_bytes());
                b[e + 14] = sys::NVML_GRID_LICENSE_EXPIRY_PERMANENT as u8;
            }
        }
        b
    }

    #[test]
    fn grid_licensable_features_of_every_version_and_a_clamped_count() {
        // The strides the old headers had (pynvml's v3 layout agrees).
        type F = sys::nvmlGridLicensableFeature_t;
        assert_eq!(offset_of!(F, productName), 136);
        assert_eq!(offset_of!(F, featureEnabled), 264);
        assert_eq!(offset_of!(F, licenseExpiry), 268);

        let v4 = GridLicensableFeatures::from_bytes(&licensable_blob(4, 7), 4).unwrap();
        assert!(v4.license_supported);
        assert_eq!(v4.features.len(), 3, "7 claimed, 3 in the array");
        let f = &v4.features[1];
        assert_eq!(f.code, GridLicenseFeatureCode::NvidiaRtx);
        assert!(f.licensed);
        assert_eq!(f.product_name.as_deref(), Some("RTX vWS"));
        assert_eq!(f.enabled, Some(true));
        let expiry = f.expiry.unwrap();
        assert_eq!((expiry.year, expiry.month), (2030, 12));
        assert_eq!(expiry.status().unwrap(), GridLicenseExpiryStatus::Permanent);

        for version in 1..=3u8 {
            let old =
                GridLicensableFeatures::from_bytes(&licensable_blob(version, 3), version).unwrap();
            assert_eq!(old.features.len(), 3);
            let third = &old.features[2];
            assert_eq!(
                third.code,
                GridLicenseFeatureCode::Vgpu,
                "v{version} stride"
            );
            assert_eq!(third.product_name.is_some(), version >= 2);
            assert_eq!(third.enabled.is_some(), version >= 3);
            assert!(third.expiry.is_none());
            if version >= 2 {
                assert_eq!(third.product_name.as_deref(), Some("vPC"));
            }
        }

        let mut unknown = licensable_blob(4, 1);
        put_u32(&mut unknown, 8, 42);
        assert!(matches!(
            GridLicensableFeatures::from_bytes(&unknown, 4),
            Err(NvmlError::UnexpectedValue { value: 42, .. })
        ));
        assert!(GridLicensableFeatures::from_bytes(&[0; 4], 4).is_err());
    }

    #[test]
    fn compatibility_keeps_unknown_bits() {
        let raw = sys::nvmlVgpuPgpuCompatibility_t {
            vgpuVmCompatibility: sys::NVML_VGPU_VM_COMPATIBILITY_COLD
                | sys::NVML_VGPU_VM_COMPATIBILITY_LIVE
                | 0x100,
            compatibilityLimitCode: sys::NVML_VGPU_COMPATIBILITY_LIMIT_GUEST_DRIVER,
        };
        let c = VgpuCompatibility::from(raw);
        assert!(
            c.vm_compatibility
                .contains(VgpuVmCompatibility::COLD | VgpuVmCompatibility::LIVE)
        );
        assert!(!c.vm_compatibility.contains(VgpuVmCompatibility::SLEEP));
        assert_eq!(c.vm_compatibility.bits(), 0x109);
        assert_eq!(c.limit, VgpuCompatibilityLimit::GUEST_DRIVER);
        let none = VgpuCompatibility::from(sys::nvmlVgpuPgpuCompatibility_t::default());
        assert!(none.vm_compatibility.is_empty() && none.limit.is_empty());
    }

    #[test]
    fn versions_convert_both_ways() {
        let raw = sys::nvmlVgpuVersion_t {
            minVersion: 0x10_0000,
            maxVersion: 0x13_0000,
        };
        let range = VgpuVersionRange::from(raw);
        assert_eq!((range.min, range.max), (0x10_0000, 0x13_0000));
        let back = sys::nvmlVgpuVersion_t::from(range);
        assert_eq!((back.minVersion, back.maxVersion), (0x10_0000, 0x13_0000));
    }

    #[test]
    fn process_utilization_samples_convert_from_both_layouts() {
        let old = sys::nvmlVgpuProcessUtilizationSample_t {
            vgpuInstance: 5,
            pid: 1234,
            processName: c_chars("python3"),
            timeStamp: 1_700_000_000_000_000,
            smUtil: 40,
            memUtil: 20,
            encUtil: 1,
            decUtil: 2,
        };
        let s = VgpuProcessUtilizationSample::try_from(&old).unwrap();
        assert_eq!((s.vgpu_instance, s.pid), (5, 1234));
        assert_eq!(s.process_name, "python3");
        assert_eq!(
            (s.sm_util, s.mem_util, s.enc_util, s.dec_util),
            (40, 20, 1, 2)
        );
        assert_eq!((s.jpg_util, s.ofa_util), (None, None));

        let new = sys::nvmlVgpuProcessUtilizationInfo_v1_t {
            processName: c_chars("blender"),
            timeStamp: 9,
            vgpuInstance: 6,
            pid: 77,
            smUtil: 90,
            memUtil: 50,
            encUtil: 0,
            decUtil: 0,
            jpgUtil: 3,
            ofaUtil: 4,
        };
        let s = VgpuProcessUtilizationSample::try_from(&new).unwrap();
        assert_eq!((s.vgpu_instance, s.pid, s.timestamp), (6, 77, 9));
        assert_eq!(s.process_name, "blender");
        assert_eq!((s.jpg_util, s.ofa_util), (Some(3), Some(4)));

        // A name that is not UTF-8 (a lone lead byte).
        let mut bad = old;
        bad.processName = c_chars("");
        bad.processName[0] = 0xC3u8 as c_char;
        assert!(matches!(
            VgpuProcessUtilizationSample::try_from(&bad),
            Err(NvmlError::InvalidUtf8(_))
        ));
    }

    #[test]
    fn scheduler_capabilities_skip_unused_slots_and_reject_unknown_policies() {
        let raw = sys::nvmlVgpuSchedulerCapabilities_t {
            supportedSchedulers: [
                sys::NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT,
                sys::NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE,
                sys::NVML_VGPU_SCHEDULER_POLICY_UNKNOWN,
            ],
            maxTimeslice: 30_000_000,
            minTimeslice: 1_000_000,
            isArrModeSupported: 1,
            maxFrequencyForARR: 960,
            minFrequencyForARR: 1,
            maxAvgFactorForARR: 60,
            minAvgFactorForARR: 1,
        };
        let caps = VgpuSchedulerCapabilities::try_from(&raw).unwrap();
        assert_eq!(
            caps.supported_policies,
            [
                VgpuSchedulerPolicy::BestEffort,
                VgpuSchedulerPolicy::FixedShare
            ]
        );
        assert_eq!(
            (caps.min_timeslice_ns, caps.max_timeslice_ns),
            (1_000_000, 30_000_000)
        );
        assert!(caps.arr_mode_supported);
        assert_eq!(
            (caps.min_frequency_for_arr, caps.max_frequency_for_arr),
            (1, 960)
        );
        assert_eq!(
            (caps.min_avg_factor_for_arr, caps.max_avg_factor_for_arr),
            (1, 60)
        );
        let future = sys::nvmlVgpuSchedulerCapabilities_t {
            supportedSchedulers: [9, 0, 0],
            ..raw
        };
        assert!(VgpuSchedulerCapabilities::try_from(&future).is_err());
    }

    #[test]
    fn legacy_scheduler_state_reads_the_union_member_the_arr_mode_names() {
        let with_arr = sys::nvmlVgpuSchedulerParams_t {
            vgpuSchedDataWithARR: sys::nvmlVgpuSchedulerParams_t__bindgen_ty_1 {
                avgFactor: 33,
                timeslice: 2_000_000,
            },
        };
        let state = legacy_state(
            sys::NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
            sys::NVML_VGPU_SCHEDULER_ARR_ENABLE,
            &with_arr,
        )
        .unwrap();
        assert_eq!(state.policy, VgpuSchedulerPolicy::EqualShare);
        assert_eq!(state.arr_mode, Some(VgpuSchedulerArrMode::Enabled));
        assert_eq!((state.avg_factor, state.timeslice_ns), (33, 2_000_000));

        let without = sys::nvmlVgpuSchedulerParams_t {
            vgpuSchedData: sys::nvmlVgpuSchedulerParams_t__bindgen_ty_2 {
                timeslice: 4_000_000,
            },
        };
        let state = legacy_state(
            sys::NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE,
            sys::NVML_VGPU_SCHEDULER_ARR_DISABLE,
            &without,
        )
        .unwrap();
        assert_eq!(state.arr_mode, Some(VgpuSchedulerArrMode::Disabled));
        assert_eq!((state.avg_factor, state.timeslice_ns), (0, 4_000_000));
        assert!(legacy_state(7, 0, &without).is_err());
    }

    #[test]
    fn v2_scheduler_state_log_and_settings_convert() {
        let state = state_from_v2(&sys::nvmlVgpuSchedulerStateInfo_v2_t {
            engineId: sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS,
            schedulerPolicy: sys::NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT,
            avgFactor: 0,
            timeslice: 1_000_000,
        })
        .unwrap();
        assert_eq!(state.policy, VgpuSchedulerPolicy::BestEffort);
        assert_eq!((state.arr_mode, state.timeslice_ns), (None, 1_000_000));

        let mut raw = sys::nvmlVgpuSchedulerLogInfo_v2_t {
            schedulerPolicy: sys::NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
            avgFactor: 10,
            timeslice: 2_000_000,
            entriesCount: 10_000, // more than the 200 the struct holds
            ..Default::default()
        };
        raw.logEntries[0] = sys::nvmlVgpuSchedulerLogEntry_v2_t {
            timestamp: 1,
            timeRunTotal: 2,
            timeRun: 3,
            swRunlistId: 4,
            targetTimeSlice: 5,
            cumulativePreemptionTime: 6,
            weight: 7,
        };
        let log = log_from_v2(&raw).unwrap();
        assert_eq!(
            log.entries.len(),
            sys::NVML_SCHEDULER_SW_MAX_LOG_ENTRIES as usize
        );
        assert_eq!(log.state.avg_factor, 10);
        let e = log.entries[0];
        assert_eq!(
            (
                e.timestamp_ns,
                e.time_run_total_ns,
                e.time_run_ns,
                e.sw_runlist_id
            ),
            (1, 2, 3, 4)
        );
        assert_eq!(
            (e.target_time_slice_ns, e.cumulative_preemption_time_ns),
            (5, 6)
        );
        assert_eq!(e.weight, Some(7));
        let legacy = VgpuSchedulerLogEntry::from(&sys::nvmlVgpuSchedulerLogEntry_t {
            timestamp: 1,
            ..Default::default()
        });
        assert_eq!((legacy.timestamp_ns, legacy.weight), (1, None));

        let v2 = VgpuSchedulerSettings {
            engine: crate::enums::VgpuSchedulerEngine::Nvenc0,
            policy: VgpuSchedulerPolicy::FixedShare,
            avg_factor: 20,
            frequency: 480,
        }
        .to_v2();
        assert_eq!(v2.engineId, sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_NVENC0);

        // The pre-`_v2` setters: ARR on with the ARR parameters, default otherwise.
        let arr = VgpuSchedulerSettings {
            engine: crate::enums::VgpuSchedulerEngine::Graphics,
            policy: VgpuSchedulerPolicy::EqualShare,
            avg_factor: 20,
            frequency: 480,
        };
        let v1 = arr.to_v1();
        assert_eq!(v1.version, sys::nvmlVgpuSchedulerState_v1);
        assert_eq!(v1.engineId, sys::NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS);
        assert_eq!(v1.enableARRMode, sys::NVML_VGPU_SCHEDULER_ARR_ENABLE);
        // SAFETY: the union was built from its `vgpuSchedDataWithARR` member (plain integers).
        let p = unsafe { v1.schedulerParams.vgpuSchedDataWithARR };
        assert_eq!((p.avgFactor, p.frequency), (20, 480));
        let plain = VgpuSchedulerSettings {
            avg_factor: 0,
            frequency: 0,
            ..arr
        }
        .to_legacy_device();
        assert_eq!(plain.enableARRMode, sys::NVML_VGPU_SCHEDULER_ARR_DEFAULT);
        assert_eq!(
            plain.schedulerPolicy,
            sys::NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE
        );
        assert_eq!(
            v2.schedulerPolicy,
            sys::NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE
        );
        assert_eq!((v2.avgFactor, v2.frequency), (20, 480));
    }

    #[test]
    fn placement_modes_are_the_header_values() {
        assert_eq!(
            VgpuPlacementMode::default().as_raw(),
            sys::NVML_VGPU_PGPU_HETEROGENEOUS_MODE
        );
        assert_eq!(
            VgpuPlacementMode::Homogeneous.as_raw(),
            sys::NVML_VGPU_PGPU_HOMOGENEOUS_MODE
        );
    }
}
