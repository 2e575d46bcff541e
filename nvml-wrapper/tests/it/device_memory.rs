//! The memory bus width against the simulated machines; DRAM encryption and cgroup memory
//! limits, which the mock does not model.

use nvml_mock::profile;
use nvml_wrapper::{NvmlError, Result};

use crate::support::unmodeled::{fault_maps_to_its_variant, not_supported_then_fault};

#[test]
fn memory_bus_width_is_the_profiles() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        assert_eq!(gpu.memory_bus_width()?, spec.memory_bus_width);
    }
    let gpu = m.nvml.device_by_index(0)?;
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetMemoryBusWidth", || {
        gpu.memory_bus_width()
    });
    Ok(())
}

#[test]
fn unmodeled_dram_encryption_and_memory_limits_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0)?;
    not_supported_then_fault(&m.staged, "nvmlDeviceGetDramEncryptionMode", || {
        gpu.dram_encryption_mode()
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceSetDramEncryptionMode", || {
        gpu.set_dram_encryption_mode(true)
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetMemoryLimits_v1", || {
        gpu.memory_limits("/sys/fs/cgroup/job")
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceSetMemoryLimits_v1", || {
        gpu.set_memory_limits("/sys/fs/cgroup/job", 1 << 30, 2 << 30)
    });
    // A path with a NUL is refused before any call.
    assert!(matches!(
        gpu.memory_limits("bad\0path"),
        Err(NvmlError::InvalidInput(_))
    ));
    Ok(())
}
