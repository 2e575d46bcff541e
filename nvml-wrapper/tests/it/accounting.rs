//! Accounting against the simulated machines: the mode is modeled (off, as after boot);
//! statistics and pids answer as a device with accounting off does.

use crate::support::unmodeled::{fault_maps_to_its_variant, not_supported_then_fault};
use nvml_wrapper::NvmlError;

#[test]
fn accounting_mode_is_off_on_every_gpu() {
    let m = crate::support::mock();
    for gpu in m.nvml.devices().unwrap() {
        assert!(!gpu.accounting_mode().unwrap());
    }
    let gpu = m.nvml.device_by_index(0).unwrap();
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetAccountingMode", || {
        gpu.accounting_mode()
    });
}

#[test]
fn unmodeled_accounting_queries_and_commands_answer_not_supported() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(1).unwrap();
    let s = &m.staged;
    not_supported_then_fault(s, "nvmlDeviceSetAccountingMode", || {
        gpu.set_accounting_mode(true)
    });
    // The buffer size answers whether accounting is on or off: 4000 on a real H100.
    assert_eq!(gpu.accounting_buffer_size().unwrap(), 4000);
    fault_maps_to_its_variant(s, "nvmlDeviceGetAccountingBufferSize", || {
        gpu.accounting_buffer_size()
    });
    not_supported_then_fault(s, "nvmlDeviceGetAccountingPids", || gpu.accounting_pids());
    not_supported_then_fault(s, "nvmlDeviceClearAccountingPids", || {
        gpu.clear_accounting_pids()
    });
    // The mock exports `_v2`, so that is what the wrapper calls.
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetAccountingStats"),
        Some("nvmlDeviceGetAccountingStats_v2")
    );
    not_supported_then_fault(s, "nvmlDeviceGetAccountingStats_v2", || {
        gpu.accounting_stats(4242)
    });
}

#[test]
fn accounting_stats_use_the_unversioned_function_on_a_470_driver() {
    let m = crate::support::mock_legacy_470();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetAccountingStats"),
        Some("nvmlDeviceGetAccountingStats")
    );
    let gpu = m.nvml.device_by_index(0).unwrap();
    not_supported_then_fault(&m.staged, "nvmlDeviceGetAccountingStats", || {
        gpu.accounting_stats(4242)
    });
    // A fault on `_v2` (hidden in this library) does not change what the wrapper calls.
    m.staged
        .set_fault(
            "nvmlDeviceGetAccountingStats_v2",
            nvml_wrapper::sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    assert!(matches!(
        gpu.accounting_stats(1),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn accounting_errors_map_to_their_documented_variants() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    // Without root, the driver refuses the mode change.
    m.staged
        .set_fault(
            "nvmlDeviceSetAccountingMode",
            nvml_wrapper::sys::NVML_ERROR_NO_PERMISSION,
        )
        .unwrap();
    assert!(matches!(
        gpu.set_accounting_mode(true),
        Err(NvmlError::NoPermission(_))
    ));
    // A process without statistics.
    m.staged
        .set_fault(
            "nvmlDeviceGetAccountingStats_v2",
            nvml_wrapper::sys::NVML_ERROR_NOT_FOUND,
        )
        .unwrap();
    assert!(matches!(
        gpu.accounting_stats(7),
        Err(NvmlError::NotFound(_))
    ));
}

#[test]
#[ignore = "needs an NVIDIA GPU and nvidia-smi"]
fn accounting_mode_and_buffer_size_match_nvidia_smi() {
    let nvml = nvml_wrapper::Nvml::init().unwrap();
    let rows = crate::support::nvidia_smi(&[
        "--query-gpu=accounting.mode,accounting.buffer_size",
        "--format=csv,noheader,nounits",
    ]);
    for (index, row) in rows.iter().enumerate() {
        let gpu = nvml.device_by_index(index as u32).unwrap();
        if let Some(on) = crate::support::smi_flag(&row[0]) {
            assert_eq!(gpu.accounting_mode().unwrap(), on, "GPU {index}");
        }
        if let Ok(size) = row[1].parse::<u32>() {
            assert_eq!(gpu.accounting_buffer_size().unwrap(), size, "GPU {index}");
        }
    }
}
