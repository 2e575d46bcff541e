//! Accounting against the simulated machines: the mode is off at start, as after boot; while it
//! is on, the pids and statistics are those of the GPU's processes, as `nvml.h` documents them.

use crate::support::unmodeled::{fault_maps_to_its_variant, not_supported_then_fault};
use nvml_mock::profile;
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
fn while_accounting_is_on_the_gpus_processes_have_statistics() {
    let p = profile::builtin("dgx-h100").unwrap();
    let (index, spec) = p
        .gpus
        .iter()
        .enumerate()
        .find(|(_, g)| !g.processes.is_empty() && !g.mig_enabled)
        .expect("a DGX H100 GPU runs processes");
    let mut want: Vec<u32> = Vec::new();
    for proc in &spec.processes {
        if !want.contains(&proc.pid) {
            want.push(proc.pid);
        }
    }
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(index as u32).unwrap();
    let s = &m.staged;
    // Off: the pid list, the statistics and clearing are NOT_SUPPORTED ("or accounting mode is
    // disabled", nvml.h).
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
        gpu.accounting_stats(want[0])
    });
    // The buffer size answers whether accounting is on or off: 4000 on a real H100.
    assert_eq!(gpu.accounting_buffer_size().unwrap(), 4000);
    fault_maps_to_its_variant(s, "nvmlDeviceGetAccountingBufferSize", || {
        gpu.accounting_buffer_size()
    });

    // Turning it on needs root.
    assert!(matches!(
        gpu.set_accounting_mode(true),
        Err(NvmlError::NoPermission(_))
    ));
    s.set_root(true).unwrap();
    gpu.set_accounting_mode(true).unwrap();
    assert!(gpu.accounting_mode().unwrap());
    assert_eq!(gpu.accounting_pids().unwrap(), want);

    let util = gpu.utilization_rates().unwrap();
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64;
    for proc in &spec.processes {
        let stats = gpu.accounting_stats(proc.pid).unwrap();
        assert_eq!(stats.pid, proc.pid);
        // Running: "time ... is reported as 0 during the lifetime of the process".
        assert!(stats.is_running);
        assert_eq!(stats.time_ms, 0);
        assert_eq!(stats.max_memory_usage, proc.used_memory);
        assert_eq!(
            (stats.gpu_utilization, stats.memory_utilization),
            (util.gpu, util.memory)
        );
        assert!(stats.start_time_us > 0 && stats.start_time_us < now_us);
        let samples = stats.sample_count.expect("the _v2 struct counts samples");
        assert_eq!(
            stats.sum_gpu_utilization,
            Some(u64::from(util.gpu) * 100 * u64::from(samples))
        );
    }
    assert!(matches!(
        gpu.accounting_stats(4242),
        Err(NvmlError::NotFound(_))
    ));
    // Clearing forgets finished processes only: the running ones stay.
    gpu.clear_accounting_pids().unwrap();
    assert_eq!(gpu.accounting_pids().unwrap(), want);
    gpu.set_accounting_mode(false).unwrap();
    assert!(matches!(
        gpu.accounting_pids(),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn a_mig_enabled_gpu_has_accounting_off_and_cannot_turn_it_on() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    gpu.set_accounting_mode(true).unwrap();
    assert!(gpu.accounting_mode().unwrap());
    // "On MIG-enabled GPUs, accounting mode would be set to DISABLED and changing it is not
    // supported" (nvml.h).
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    assert!(!gpu.accounting_mode().unwrap());
    assert!(matches!(
        gpu.set_accounting_mode(true),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn a_vgpu_host_keeps_no_process_statistics() {
    let m = crate::support::mock_with_profile("vgpu-host");
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    // "NOT_SUPPORTED ... or on vGPU host" (nvml.h).
    assert!(matches!(
        gpu.set_accounting_mode(true),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.accounting_pids(),
        Err(NvmlError::NotSupported(_))
    ));
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
