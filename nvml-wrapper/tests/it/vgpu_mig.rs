//! MIG-backed vGPU on the mock's `vgpu-host` profile: GPU 0 with MIG on and a 3g.40gb GPU
//! instance (profile id 9), which can host the `NVIDIA H100-3-40C` type (id 829). The mock
//! models the creatable and active vGPUs of a GPU instance (no MIG-backed VM runs); the
//! other GPU-instance vGPU functions answer `NOT_SUPPORTED`, and a fault on each maps to its
//! variant.

use nvml_wrapper::enums::{VgpuSchedulerEngine, VgpuSchedulerPolicy};
use nvml_wrapper::vgpu::VgpuSchedulerSettings;
use nvml_wrapper::{NvmlError, sys};

const PROFILE_3G_40GB: u32 = 9;

/// `call` answers `NotSupported`; with `func` faulted to `GPU_IS_LOST` it answers `GpuLost`.
fn not_supported_then_fault<T: std::fmt::Debug>(
    staged: &nvml_mock::Staged,
    func: &str,
    call: impl Fn() -> nvml_wrapper::Result<T>,
) {
    let got = call();
    assert!(
        matches!(got, Err(NvmlError::NotSupported(_))),
        "{func}: expected NotSupported, got {got:?}"
    );
    staged.set_fault(func, sys::NVML_ERROR_GPU_IS_LOST).unwrap();
    let got = call();
    assert!(
        matches!(got, Err(NvmlError::GpuLost(_))),
        "{func} faulted: expected GpuLost, got {got:?}"
    );
    staged.clear_fault(func).unwrap();
}

#[test]
fn a_gpu_instance_of_a_vgpu_host() {
    let m = crate::support::mock_with_profile("vgpu-host");
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    // With MIG on, the GPU supports the MIG-backed types.
    let supported: Vec<u32> = gpu
        .supported_vgpus()
        .unwrap()
        .iter()
        .map(|t| t.id())
        .collect();
    assert_eq!(supported, (826..=831).collect::<Vec<_>>());

    let gi = gpu.create_gpu_instance(PROFILE_3G_40GB).unwrap();
    assert!(std::ptr::eq(gi.nvml(), &m.nvml));
    let creatable = gi.creatable_vgpus().unwrap();
    assert_eq!(creatable, [m.nvml.vgpu_type(829)]);
    assert_eq!(creatable[0].name().unwrap(), "NVIDIA H100-3-40C");
    assert!(gi.active_vgpus().unwrap().is_empty());

    let s = &m.staged;
    let fault = |func: &str| s.set_fault(func, sys::NVML_ERROR_GPU_IS_LOST).unwrap();
    fault("nvmlGpuInstanceGetCreatableVgpus");
    assert!(matches!(gi.creatable_vgpus(), Err(NvmlError::GpuLost(_))));
    fault("nvmlGpuInstanceGetActiveVgpus");
    assert!(matches!(gi.active_vgpus(), Err(NvmlError::GpuLost(_))));
    s.clear_faults().unwrap();

    // Not modeled: answered as a GPU instance without the feature.
    let t = m.nvml.vgpu_type(829);
    not_supported_then_fault(s, "nvmlGpuInstanceGetVgpuHeterogeneousMode", || {
        gi.vgpu_heterogeneous_mode()
    });
    not_supported_then_fault(s, "nvmlGpuInstanceSetVgpuHeterogeneousMode", || {
        gi.set_vgpu_heterogeneous_mode(true)
    });
    not_supported_then_fault(s, "nvmlGpuInstanceGetVgpuTypeCreatablePlacements", || {
        gi.vgpu_type_creatable_placements(&t)
    });
    for family in [
        "nvmlGpuInstanceGetVgpuSchedulerState",
        "nvmlGpuInstanceGetVgpuSchedulerLog",
        "nvmlGpuInstanceSetVgpuSchedulerState",
    ] {
        assert_eq!(
            m.nvml.chosen_symbol(family),
            Some(format!("{family}_v2").as_str())
        );
    }
    not_supported_then_fault(s, "nvmlGpuInstanceGetVgpuSchedulerState_v2", || {
        gi.vgpu_scheduler_state(VgpuSchedulerEngine::Graphics)
    });
    not_supported_then_fault(s, "nvmlGpuInstanceGetVgpuSchedulerLog_v2", || {
        gi.vgpu_scheduler_log(VgpuSchedulerEngine::Graphics)
    });
    let settings = VgpuSchedulerSettings {
        engine: VgpuSchedulerEngine::Graphics,
        policy: VgpuSchedulerPolicy::EqualShare,
        avg_factor: 0,
        frequency: 0,
    };
    not_supported_then_fault(s, "nvmlGpuInstanceSetVgpuSchedulerState_v2", || {
        gi.set_vgpu_scheduler_state(&settings)
    });
}

#[test]
fn a_gpu_instance_of_a_bare_metal_gpu_hosts_no_vgpus() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    let gi = gpu.create_gpu_instance(PROFILE_3G_40GB).unwrap();
    assert!(matches!(
        gi.creatable_vgpus(),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(gi.active_vgpus(), Err(NvmlError::NotSupported(_))));
}
