//! Workload power profiles and power smoothing against the simulated machines (Hopper and
//! older GPUs: the features are Blackwell-only, so the driver answers NOT_SUPPORTED).

use crate::support::unmodeled::not_supported_then_fault;
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::power_profiles::PowerProfileMask;
use nvml_wrapper::enums::{PowerProfileOperation, PowerProfileType, PowerSmoothingParam};

#[test]
fn power_profile_queries_and_commands_answer_not_supported_before_blackwell() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let s = &m.staged;
    let compute: PowerProfileMask = [PowerProfileType::Compute, PowerProfileType::MaxQ]
        .into_iter()
        .collect();

    not_supported_then_fault(s, "nvmlDeviceWorkloadPowerProfileGetProfilesInfo", || {
        gpu.power_profiles_info()
    });
    not_supported_then_fault(
        s,
        "nvmlDeviceWorkloadPowerProfileGetCurrentProfiles",
        || gpu.current_power_profiles(),
    );
    not_supported_then_fault(s, "nvmlDeviceWorkloadPowerProfileUpdateProfiles_v1", || {
        gpu.update_power_profiles(PowerProfileOperation::SetAndOverwrite, compute)
    });
    not_supported_then_fault(
        s,
        "nvmlDeviceWorkloadPowerProfileSetRequestedProfiles",
        || gpu.request_power_profiles(compute),
    );
    not_supported_then_fault(
        s,
        "nvmlDeviceWorkloadPowerProfileClearRequestedProfiles",
        || gpu.clear_requested_power_profiles(compute),
    );
}

#[test]
fn power_smoothing_commands_answer_not_supported_before_blackwell() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(4).unwrap();
    let s = &m.staged;
    not_supported_then_fault(s, "nvmlDevicePowerSmoothingActivatePresetProfile", || {
        gpu.activate_power_smoothing_profile(1)
    });
    not_supported_then_fault(
        s,
        "nvmlDevicePowerSmoothingUpdatePresetProfileParam",
        || gpu.set_power_smoothing_profile_param(1, PowerSmoothingParam::RampUpRate, 250.0),
    );
    not_supported_then_fault(s, "nvmlDevicePowerSmoothingSetState", || {
        gpu.set_power_smoothing_enabled(true)
    });
    // Without root, a Blackwell driver refuses: the code maps to its variant.
    m.staged
        .set_fault(
            "nvmlDevicePowerSmoothingSetState",
            nvml_wrapper::sys::NVML_ERROR_NO_PERMISSION,
        )
        .unwrap();
    assert!(matches!(
        gpu.set_power_smoothing_enabled(false),
        Err(NvmlError::NoPermission(_))
    ));
}

#[test]
fn profile_masks_hold_ids_by_bit_and_round_trip_through_the_c_mask() {
    let mut mask = PowerProfileMask::empty();
    assert!(mask.is_empty());
    mask.insert(PowerProfileType::MaxP); // bit 0
    mask.insert(PowerProfileType::LowPriorityBackground); // bit 24
    assert!(mask.contains(PowerProfileType::MaxP));
    assert!(!mask.contains(PowerProfileType::MaxQ));
    let raw = mask.as_raw();
    assert_eq!(raw.mask[0], 1 | 1 << 24);
    assert_eq!(PowerProfileMask::from_raw(raw), mask);
    assert_eq!(
        mask.profiles().collect::<Vec<_>>(),
        [
            PowerProfileType::MaxP,
            PowerProfileType::LowPriorityBackground
        ]
    );

    // Ids newer than the header are kept as `Other`; bit 255 is outside the 255-bit mask.
    let mut raw = nvml_wrapper::sys::nvmlMask255_t::default();
    raw.mask[1] = 1 << 8; // id 40
    raw.mask[7] = 1 << 31; // id 255
    let newer = PowerProfileMask::from_raw(raw);
    assert_eq!(newer.ids().collect::<Vec<_>>(), [40]);
    assert_eq!(
        newer.profiles().collect::<Vec<_>>(),
        [PowerProfileType::Other(40)]
    );
    assert!(!newer.contains_id(255));
    assert!(!newer.contains_id(100_000));
}
