//! MIG mode against the simulated machines.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use nvml_mock::profile;
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::MigMode;

#[test]
fn mig_mode_is_the_profiles() {
    let m = common::mock();
    for (index, spec) in profile::builtin("dgx-h100")
        .unwrap()
        .gpus
        .iter()
        .enumerate()
    {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        assert!(spec.mig_capable);
        assert_eq!(
            gpu.mig_mode().unwrap(),
            MigMode {
                current: spec.mig_enabled,
                pending: spec.mig_enabled
            }
        );
        assert_eq!(gpu.max_mig_device_count().unwrap(), 7);
        assert!(!gpu.is_mig_device_handle().unwrap());
    }
}

#[test]
fn set_mig_mode_needs_root_then_takes_effect() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    assert!(matches!(
        gpu.set_mig_mode(true),
        Err(NvmlError::NoPermission)
    ));
    assert_eq!(
        gpu.mig_mode().unwrap(),
        MigMode {
            current: false,
            pending: false
        }
    );

    m.staged.set_root(true).unwrap();
    // The simulation needs no GPU reset: the activation succeeds at once.
    gpu.set_mig_mode(true).unwrap().unwrap();
    assert_eq!(
        gpu.mig_mode().unwrap(),
        MigMode {
            current: true,
            pending: true
        }
    );
    assert!(
        !m.nvml
            .device_by_index(2)
            .unwrap()
            .mig_mode()
            .unwrap()
            .current
    );
    gpu.set_mig_mode(false).unwrap().unwrap();
    assert!(!gpu.mig_mode().unwrap().current);
}

#[test]
fn a_gpu_without_mig() {
    let m = common::mock_with_profile("workstation");
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(gpu.mig_mode(), Err(NvmlError::NotSupported)));
    assert_eq!(gpu.max_mig_device_count().unwrap(), 0);
    assert!(!gpu.is_mig_device_handle().unwrap());
    m.staged.set_root(true).unwrap();
    assert!(matches!(
        gpu.set_mig_mode(true),
        Err(NvmlError::NotSupported)
    ));
}
