//! vGPU and physical-GPU metadata, vGPU version ranges and the VM migration compatibility they
//! decide.

use std::mem::offset_of;

use nvml_sys as sys;

use crate::enums::VgpuGuestInfoState;
use crate::error::Result;
use crate::ffi::blob::{opaque_at, str_at, u32_at};

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
    /// What the driver currently allows (set with [`Nvml::set_vgpu_version`](crate::Nvml::set_vgpu_version)).
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
/// with [`Nvml::vgpu_compatibility`](crate::Nvml::vgpu_compatibility), where it may run next.
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

/// Metadata of a physical GPU (`nvmlVgpuPgpuMetadata_t`), for [`Nvml::vgpu_compatibility`](crate::Nvml::vgpu_compatibility).
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

impl VgpuMetadata {
    /// Decodes a blob from [`VgpuMetadata::as_bytes`] (or `nvmlVgpuInstanceGetMetadata`);
    /// one shorter than the fixed part of `nvmlVgpuMetadata_t` is
    /// [`NvmlError::UnexpectedValue`](crate::NvmlError::UnexpectedValue).
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
    /// [`NvmlError::UnexpectedValue`](crate::NvmlError::UnexpectedValue).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::NvmlError;
    use crate::vgpu::test_bytes::*;

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
        // A guest state newer than the header is kept.
        let mut blob = vgpu_blob();
        put_u32(&mut blob, offset_of!(M, guestInfoState), 9);
        assert_eq!(
            VgpuMetadata::from_bytes(blob).unwrap().guest_info_state,
            VgpuGuestInfoState::Other(9)
        );
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
}
