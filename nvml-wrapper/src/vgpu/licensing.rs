//! vGPU software licensing: a vGPU's license state and a GPU's licensable features.

use std::mem::{offset_of, size_of};

use nvml_sys as sys;

use crate::enums::{GridLicenseExpiryStatus, GridLicenseFeatureCode, GridLicenseState};
use crate::error::{NvmlError, Result};
use crate::ffi::blob::{str_at, u16_at, u32_at};

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
    /// The status as a [`GridLicenseExpiryStatus`]; a value newer than the header is its
    /// `Other(raw)`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vgpu::test_bytes::*;

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
        assert_eq!(odd.status().unwrap(), GridLicenseExpiryStatus::Other(77));
        let future = sys::nvmlVgpuLicenseInfo_t {
            currentState: 99,
            ..raw
        };
        assert_eq!(
            VgpuLicenseInfo::try_from(future).unwrap().state,
            GridLicenseState::Other(99)
        );
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
        assert_eq!(
            GridLicensableFeatures::from_bytes(&unknown, 4)
                .unwrap()
                .features[0]
                .code,
            GridLicenseFeatureCode::Other(42)
        );
        assert!(GridLicensableFeatures::from_bytes(&[0; 4], 4).is_err());
    }
}
