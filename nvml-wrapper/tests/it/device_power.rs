//! Power draw, limits, energy and power management mode against the simulated machines;
//! PowerMizer and adaptive TGP, which the mock does not model.

use nvml_mock::profile;
use nvml_wrapper::device::{PowerLimitConstraints, PowerMizerMode};
use nvml_wrapper::{NvmlError, Result};

use crate::support::unmodeled::{fault_maps_to_its_variant, not_supported_then_fault};

#[test]
fn power_usage_is_the_profiles() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        assert_eq!(gpu.power_usage()?, spec.power_usage_mw);
    }
    assert_eq!(m.nvml.device_by_index(3)?.power_usage()?, 633_300);
    assert_eq!(m.nvml.device_by_index(4)?.power_usage()?, 75_100);
    Ok(())
}

#[test]
fn an_h100_sxm_is_limited_to_700_watts() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(3)?;
    assert_eq!(gpu.power_management_limit()?, 700_000);
    assert_eq!(gpu.power_management_default_limit()?, 700_000);
    assert_eq!(gpu.enforced_power_limit()?, 700_000);
    assert_eq!(
        gpu.power_management_limit_constraints()?,
        PowerLimitConstraints {
            min: 200_000,
            max: 700_000
        }
    );
    Ok(())
}

#[test]
fn an_a100_sxm_is_limited_to_400_watts() -> Result<()> {
    let m = crate::support::mock_with_profile("dgx-a100");
    let gpu = m.nvml.device_by_index(0)?;
    assert_eq!(gpu.power_management_limit()?, 400_000);
    let limits = gpu.power_management_limit_constraints()?;
    assert_eq!((limits.min, limits.max), (100_000, 400_000));
    assert_eq!(gpu.power_usage()?, 356_000);
    Ok(())
}

#[test]
fn energy_counts_up_from_the_profiles_base() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    let gpu = m.nvml.device_by_index(2)?;
    let first = gpu.total_energy_consumption()?;
    assert!(first >= p.gpus[2].energy_base_mj, "{first} mJ");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let later = gpu.total_energy_consumption()?;
    assert!(later > first, "{later} mJ after {first} mJ");
    Ok(())
}

/// The mock does not model the power source: NOT_SUPPORTED comes back as such.
#[test]
fn power_source_is_not_modeled_by_the_mock() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    assert!(matches!(
        gpu.power_source(),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn power_management_is_on() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    assert!(gpu.power_management_mode()?);
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetPowerManagementMode", || {
        gpu.power_management_mode()
    });
    Ok(())
}

#[test]
fn unmodeled_power_mizer_and_adaptive_tgp_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0)?;
    not_supported_then_fault(&m.staged, "nvmlDeviceGetPowerMizerMode_v1", || {
        gpu.power_mizer_mode()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetAdaptiveTgpModeInfo_v1", || {
        gpu.adaptive_tgp_mode_info()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceSetPowerMizerMode_v1", || {
        gpu.set_power_mizer_mode(PowerMizerMode::PreferMaximumPerformance)
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceSetAdaptiveTgpMode_v1", || {
        gpu.set_adaptive_tgp_mode(true)
    });
    Ok(())
}
