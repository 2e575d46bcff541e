//! Persistence, compute and display modes against the simulated machines; API restrictions
//! and the GPU operation mode, which the mock does not model.

use nvml_mock::{HostileModes, profile};
use nvml_wrapper::enums::{ComputeMode, RestrictedApi};
use nvml_wrapper::{NvmlError, Result, sys};

use crate::support::unmodeled::not_supported_then_fault;

#[test]
fn modes_are_the_profiles() {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        assert_eq!(gpu.persistence_mode().unwrap(), spec.persistence_mode);
        assert_eq!(
            gpu.compute_mode().unwrap(),
            ComputeMode::try_from(spec.compute_mode).unwrap()
        );
        // Headless data-center GPUs on separate boards; the display mode query is one a
        // 580 driver answers "deprecated" (the real H100's nvidia-smi -q -x).
        assert!(matches!(gpu.display_mode(), Err(NvmlError::Deprecated(_))));
        assert!(!gpu.display_active().unwrap());
        assert!(!gpu.is_multi_gpu_board().unwrap());
    }
    assert_eq!(
        m.nvml.device_by_index(0).unwrap().compute_mode().unwrap(),
        ComputeMode::Default
    );

    let ws = crate::support::mock_with_profile("workstation");
    assert!(
        !ws.nvml
            .device_by_index(0)
            .unwrap()
            .persistence_mode()
            .unwrap()
    );
}

#[test]
fn setters_need_root_then_change_what_getters_return() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(2).unwrap();

    assert!(matches!(
        gpu.set_persistence_mode(false),
        Err(NvmlError::NoPermission(_))
    ));
    assert!(matches!(
        gpu.set_compute_mode(ComputeMode::ExclusiveProcess),
        Err(NvmlError::NoPermission(_))
    ));
    assert!(gpu.persistence_mode().unwrap());
    assert_eq!(gpu.compute_mode().unwrap(), ComputeMode::Default);

    m.staged.set_root(true).unwrap();
    gpu.set_persistence_mode(false).unwrap();
    assert!(!gpu.persistence_mode().unwrap());
    gpu.set_compute_mode(ComputeMode::ExclusiveProcess).unwrap();
    assert_eq!(gpu.compute_mode().unwrap(), ComputeMode::ExclusiveProcess);
    // Only the GPU set changes.
    let other = m.nvml.device_by_index(3).unwrap();
    assert!(other.persistence_mode().unwrap());
    assert_eq!(other.compute_mode().unwrap(), ComputeMode::Default);

    // Exclusive-thread mode has been gone since CUDA 8; the driver refuses it.
    assert!(matches!(
        gpu.set_compute_mode(ComputeMode::ExclusiveThread),
        Err(NvmlError::InvalidArgument(_))
    ));
    gpu.set_compute_mode(ComputeMode::Default).unwrap();
    gpu.set_persistence_mode(true).unwrap();
    assert!(gpu.persistence_mode().unwrap());
    assert_eq!(gpu.compute_mode().unwrap(), ComputeMode::Default);
}

#[test]
fn a_compute_mode_newer_than_the_header_is_kept_not_an_error() {
    let m = crate::support::mock();
    m.staged
        .set_hostile(HostileModes {
            future_enums: true,
            ..Default::default()
        })
        .unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let mode = gpu.compute_mode().unwrap();
    assert!(
        matches!(mode, ComputeMode::Other(value) if value > 3),
        "{mode:?}"
    );
}

#[test]
fn driver_errors_come_back_as_errors() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    m.staged
        .set_fault("nvmlDeviceGetDisplayMode", sys::NVML_ERROR_NOT_SUPPORTED)
        .unwrap();
    assert!(matches!(
        gpu.display_mode(),
        Err(NvmlError::NotSupported(_))
    ));
    m.staged
        .set_fault("nvmlDeviceGetMultiGpuBoard", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    assert!(matches!(
        gpu.is_multi_gpu_board(),
        Err(NvmlError::GpuLost(_))
    ));
    m.staged
        .set_fault("nvmlDeviceGetDisplayActive", sys::NVML_ERROR_UNKNOWN)
        .unwrap();
    assert!(matches!(gpu.display_active(), Err(NvmlError::Unknown(_))));
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_modes_agree_with_nvidia_smi() {
    let nvml = nvml_wrapper::Nvml::init().expect("NVML initialises on a GPU machine");
    let rows = crate::support::nvidia_smi(&[
        "--query-gpu=index,persistence_mode,compute_mode,display_mode,display_active",
        "--format=csv,noheader,nounits",
    ]);
    for row in &rows {
        let gpu = nvml.device_by_index(row[0].parse().unwrap()).unwrap();
        if let Some(on) = crate::support::smi_flag(&row[1]) {
            assert_eq!(gpu.persistence_mode().unwrap(), on);
        }
        let mode = match row[2].as_str() {
            "Default" => ComputeMode::Default,
            "Exclusive_Thread" => ComputeMode::ExclusiveThread,
            "Prohibited" => ComputeMode::Prohibited,
            "Exclusive_Process" => ComputeMode::ExclusiveProcess,
            other => panic!("nvidia-smi compute mode {other}"),
        };
        assert_eq!(gpu.compute_mode().unwrap(), mode);
        if let Some(on) = crate::support::smi_flag(&row[3]) {
            assert_eq!(gpu.display_mode().unwrap(), on);
        }
        if let Some(on) = crate::support::smi_flag(&row[4]) {
            assert_eq!(gpu.display_active().unwrap(), on);
        }
        println!(
            "GPU {}: multi-GPU board {:?}",
            row[0],
            gpu.is_multi_gpu_board()
        );
    }
}

/// The driver model is Windows-only (nvml.h: `NOT_SUPPORTED` "if the platform is not
/// windows"); the mock is a Linux library, as `nvidia-smi -q` shows "N/A" on Linux.
#[test]
fn the_driver_model_is_not_supported_on_linux() {
    let m = crate::support::mock();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetDriverModel"),
        Some("nvmlDeviceGetDriverModel_v2")
    );
    for index in 0..m.nvml.device_count().unwrap() {
        let gpu = m.nvml.device_by_index(index).unwrap();
        assert!(matches!(
            gpu.driver_model(),
            Err(NvmlError::NotSupported(_))
        ));
    }
    // On Windows the same call names the models; the fault stands in for that answer.
    m.staged
        .set_fault("nvmlDeviceGetDriverModel_v2", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    assert!(matches!(
        m.nvml.device_by_index(0).unwrap().driver_model(),
        Err(NvmlError::GpuLost(_))
    ));
}

#[test]
fn unmodeled_api_restriction_and_operation_mode_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    not_supported_then_fault(&m.staged, "nvmlDeviceGetAPIRestriction", || {
        gpu.api_restriction(RestrictedApi::SetApplicationClocks)
    });
    not_supported_then_fault(&m.staged, "nvmlDeviceGetGpuOperationMode", || {
        gpu.gpu_operation_mode()
    });
    Ok(())
}
