//! Workload power profiles and datacenter power smoothing (Blackwell or newer): NVML's
//! "Power Profile Information" and "Power Smoothing Information" groups.

use nvml_sys as sys;

use super::Device;
use crate::enums::{PowerProfileOperation, PowerProfileType, PowerSmoothingParam, enable_state};
use crate::error::Result;
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// A set of workload power profiles (`nvmlMask255_t`): bit *i* stands for the profile whose
/// id is *i* ([`PowerProfileType`] as raw value). Ids the header does not name are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerProfileMask {
    words: [u32; 8],
}

impl PowerProfileMask {
    /// The number of profile ids a mask can hold (`NVML_WORKLOAD_POWER_MAX_PROFILES`).
    pub const CAPACITY: u32 = sys::NVML_WORKLOAD_POWER_MAX_PROFILES;

    /// The empty set.
    pub const fn empty() -> Self {
        Self { words: [0; 8] }
    }

    /// From the C mask.
    pub fn from_raw(raw: sys::nvmlMask255_t) -> Self {
        Self { words: raw.mask }
    }

    /// The C mask.
    pub fn as_raw(&self) -> sys::nvmlMask255_t {
        sys::nvmlMask255_t { mask: self.words }
    }

    /// Whether the profile with raw id `id` is in the set (false for ids of 255 and above).
    pub fn contains_id(&self, id: u32) -> bool {
        self.words
            .get((id / 32) as usize)
            .is_some_and(|word| id < Self::CAPACITY && word & (1 << (id % 32)) != 0)
    }

    /// Whether `profile` is in the set.
    pub fn contains(&self, profile: PowerProfileType) -> bool {
        self.contains_id(profile.as_raw())
    }

    /// Adds `profile`.
    pub fn insert(&mut self, profile: PowerProfileType) {
        let id = profile.as_raw();
        if let Some(word) = self.words.get_mut((id / 32) as usize) {
            *word |= 1 << (id % 32);
        }
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.ids().next().is_none()
    }

    /// The raw ids in the set, ascending.
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        (0..Self::CAPACITY).filter(|id| self.contains_id(*id))
    }

    /// The profiles in the set, ascending; an id the header does not name is
    /// `PowerProfileType::Other(id)`.
    pub fn profiles(&self) -> impl Iterator<Item = PowerProfileType> + '_ {
        self.ids().map(PowerProfileType::from_raw)
    }
}

impl FromIterator<PowerProfileType> for PowerProfileMask {
    fn from_iter<I: IntoIterator<Item = PowerProfileType>>(iter: I) -> Self {
        let mut mask = Self::empty();
        for profile in iter {
            mask.insert(profile);
        }
        mask
    }
}

/// One supported workload power profile (`nvmlWorkloadPowerProfileInfo_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerProfileInfo {
    /// The profile's raw id ([`PowerProfileType::try_from`] names it).
    pub profile_id: u32,
    /// Its priority: the lower, the higher.
    pub priority: u32,
    /// The profiles it cannot be combined with.
    pub conflicting: PowerProfileMask,
}

/// Which profiles the device supports, and what each one is
/// (`nvmlWorkloadPowerProfileProfilesInfo_v1_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PowerProfilesInfo {
    /// The supported profiles.
    pub supported: PowerProfileMask,
    /// One entry per supported profile, in id order.
    pub profiles: Vec<PowerProfileInfo>,
}

/// The device's profiles now (`nvmlWorkloadPowerProfileCurrentProfiles_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CurrentPowerProfiles {
    /// The supported profiles.
    pub supported: PowerProfileMask,
    /// The profiles clients asked for.
    pub requested: PowerProfileMask,
    /// The profiles in force after arbitration among the requested ones.
    pub enforced: PowerProfileMask,
}

impl<N: NvmlRef> Device<'_, N> {
    /// The supported workload power profiles, with priority and conflicts
    /// (`nvmlDeviceWorkloadPowerProfileGetProfilesInfo` with
    /// `nvmlWorkloadPowerProfileProfilesInfo_v1`). Entry *i* of the driver's array describes
    /// profile *i*; entries of unsupported profiles are skipped.
    #[doc(alias = "nvmlDeviceWorkloadPowerProfileGetProfilesInfo")]
    pub fn power_profiles_info(&self) -> Result<PowerProfilesInfo> {
        let mut info = sys::nvmlWorkloadPowerProfileProfilesInfo_t {
            version: sys::nvmlWorkloadPowerProfileProfilesInfo_v1,
            perfProfilesMask: sys::nvmlMask255_t::default(),
            perfProfile: [sys::nvmlWorkloadPowerProfileInfo_t::default();
                sys::NVML_WORKLOAD_POWER_MAX_PROFILES as usize],
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceWorkloadPowerProfileGetProfilesInfo(self.handle, &mut info)
        )?;
        let supported = PowerProfileMask::from_raw(info.perfProfilesMask);
        let profiles = supported
            .ids()
            .filter_map(|id| info.perfProfile.get(id as usize))
            .map(|entry| PowerProfileInfo {
                profile_id: entry.profileId,
                priority: entry.priority,
                conflicting: PowerProfileMask::from_raw(entry.conflictingMask),
            })
            .collect();
        Ok(PowerProfilesInfo {
            supported,
            profiles,
        })
    }

    /// Supported, requested and enforced profiles
    /// (`nvmlDeviceWorkloadPowerProfileGetCurrentProfiles` with
    /// `nvmlWorkloadPowerProfileCurrentProfiles_v1`).
    #[doc(alias = "nvmlDeviceWorkloadPowerProfileGetCurrentProfiles")]
    pub fn current_power_profiles(&self) -> Result<CurrentPowerProfiles> {
        let mut current = sys::nvmlWorkloadPowerProfileCurrentProfiles_t {
            version: sys::nvmlWorkloadPowerProfileCurrentProfiles_v1,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceWorkloadPowerProfileGetCurrentProfiles(self.handle, &mut current)
        )?;
        Ok(CurrentPowerProfiles {
            supported: PowerProfileMask::from_raw(current.perfProfilesMask),
            requested: PowerProfileMask::from_raw(current.requestedProfilesMask),
            enforced: PowerProfileMask::from_raw(current.enforcedProfilesMask),
        })
    }

    /// Adds, removes or replaces requested profiles
    /// (`nvmlDeviceWorkloadPowerProfileUpdateProfiles_v1`). Needs root or the WPPS
    /// capability.
    #[doc(alias = "nvmlDeviceWorkloadPowerProfileUpdateProfiles_v1")]
    pub fn update_power_profiles(
        &self,
        operation: PowerProfileOperation,
        profiles: PowerProfileMask,
    ) -> Result<()> {
        let mut update = sys::nvmlWorkloadPowerProfileUpdateProfiles_v1_t {
            operation: operation.as_raw(),
            updateProfilesMask: profiles.as_raw(),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceWorkloadPowerProfileUpdateProfiles_v1(self.handle, &mut update)
        )
    }

    /// Adds profiles to the requested ones (`nvmlDeviceWorkloadPowerProfileSetRequestedProfiles`
    /// with `nvmlWorkloadPowerProfileRequestedProfiles_v1`). Needs root. Deprecated in NVML
    /// 13.1: [`update_power_profiles`](Self::update_power_profiles) with
    /// [`PowerProfileOperation::Set`] does the same.
    #[doc(alias = "nvmlDeviceWorkloadPowerProfileSetRequestedProfiles")]
    pub fn request_power_profiles(&self, profiles: PowerProfileMask) -> Result<()> {
        let mut requested = sys::nvmlWorkloadPowerProfileRequestedProfiles_t {
            version: sys::nvmlWorkloadPowerProfileRequestedProfiles_v1,
            requestedProfilesMask: profiles.as_raw(),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceWorkloadPowerProfileSetRequestedProfiles(self.handle, &mut requested)
        )
    }

    /// Removes profiles from the requested ones
    /// (`nvmlDeviceWorkloadPowerProfileClearRequestedProfiles` with
    /// `nvmlWorkloadPowerProfileRequestedProfiles_v1`). Needs root. Deprecated in NVML 13.1:
    /// [`update_power_profiles`](Self::update_power_profiles) with
    /// [`PowerProfileOperation::Clear`] does the same.
    #[doc(alias = "nvmlDeviceWorkloadPowerProfileClearRequestedProfiles")]
    pub fn clear_requested_power_profiles(&self, profiles: PowerProfileMask) -> Result<()> {
        let mut requested = sys::nvmlWorkloadPowerProfileRequestedProfiles_t {
            version: sys::nvmlWorkloadPowerProfileRequestedProfiles_v1,
            requestedProfilesMask: profiles.as_raw(),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceWorkloadPowerProfileClearRequestedProfiles(self.handle, &mut requested)
        )
    }

    /// Makes preset profile `profile_id` (0 to `NVML_POWER_SMOOTHING_MAX_NUM_PROFILES` − 1)
    /// the active power smoothing profile
    /// (`nvmlDevicePowerSmoothingActivatePresetProfile` with `nvmlPowerSmoothingProfile_v1`).
    /// Needs root.
    #[doc(alias = "nvmlDevicePowerSmoothingActivatePresetProfile")]
    pub fn activate_power_smoothing_profile(&self, profile_id: u32) -> Result<()> {
        let mut profile = sys::nvmlPowerSmoothingProfile_t {
            version: sys::nvmlPowerSmoothingProfile_v1,
            profileId: profile_id,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDevicePowerSmoothingActivatePresetProfile(self.handle, &mut profile)
        )
    }

    /// Sets one parameter of preset power smoothing profile `profile_id`, in the unit the
    /// parameter names (`nvmlDevicePowerSmoothingUpdatePresetProfileParam` with
    /// `nvmlPowerSmoothingProfile_v1`). Needs root.
    #[doc(alias = "nvmlDevicePowerSmoothingUpdatePresetProfileParam")]
    pub fn set_power_smoothing_profile_param(
        &self,
        profile_id: u32,
        param: PowerSmoothingParam,
        value: f64,
    ) -> Result<()> {
        let mut profile = sys::nvmlPowerSmoothingProfile_t {
            version: sys::nvmlPowerSmoothingProfile_v1,
            profileId: profile_id,
            paramId: param.as_raw(),
            value,
        };
        nvml_call!(
            self.nvml,
            nvmlDevicePowerSmoothingUpdatePresetProfileParam(self.handle, &mut profile)
        )
    }

    /// Turns power smoothing on or off (`nvmlDevicePowerSmoothingSetState` with
    /// `nvmlPowerSmoothingState_v1`). Needs root.
    #[doc(alias = "nvmlDevicePowerSmoothingSetState")]
    pub fn set_power_smoothing_enabled(&self, on: bool) -> Result<()> {
        let mut state = sys::nvmlPowerSmoothingState_t {
            version: sys::nvmlPowerSmoothingState_v1,
            state: enable_state(on),
        };
        nvml_call!(
            self.nvml,
            nvmlDevicePowerSmoothingSetState(self.handle, &mut state)
        )
    }
}
