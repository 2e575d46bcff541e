//! GPM (`gpm` module) against the mock's GPM model: Hopper GPUs support it, metrics are
//! rates of the profile's activity between two samples (with a small wobble).

use std::time::Duration;

use nvml_mock::profile;
use nvml_wrapper::gpm::{self, GpmMetric};
use nvml_wrapper::{NvmlError, sys};

/// The interval between two samples (NVML asks for more than 100 ms on real GPUs; the mock
/// only needs time to pass).
const INTERVAL: Duration = Duration::from_millis(30);

/// `value` is within `tolerance` (relative) of `expected`.
fn near(value: f64, expected: f64, tolerance: f64) -> bool {
    (value - expected).abs() <= expected.abs() * tolerance
}

fn metric(metrics: &[GpmMetric], id: u32) -> &GpmMetric {
    metrics.iter().find(|m| m.metric_id == id).unwrap()
}

#[test]
fn hopper_supports_gpm_and_ada_does_not() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(gpu.gpm_supported().unwrap());

    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(!rtx.gpm_supported().unwrap());
    assert!(matches!(rtx.gpm_sample(), Err(NvmlError::NotSupported(_))));
    assert!(matches!(
        rtx.gpm_streaming_enabled(),
        Err(NvmlError::NotSupported(_))
    ));

    m.staged
        .set_fault("nvmlGpmQueryDeviceSupport", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    assert!(matches!(gpu.gpm_supported(), Err(NvmlError::GpuLost(_))));
}

#[test]
fn streaming_can_be_turned_on_and_off() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    assert!(!gpu.gpm_streaming_enabled().unwrap());
    gpu.set_gpm_streaming_enabled(true).unwrap();
    assert!(gpu.gpm_streaming_enabled().unwrap());
    gpu.set_gpm_streaming_enabled(false).unwrap();
    assert!(!gpu.gpm_streaming_enabled().unwrap());

    m.staged
        .set_fault("nvmlGpmSetStreamingEnabled", sys::NVML_ERROR_NO_PERMISSION)
        .unwrap();
    m.staged
        .set_fault("nvmlGpmQueryIfStreamingEnabled", sys::NVML_ERROR_UNKNOWN)
        .unwrap();
    assert!(matches!(
        gpu.set_gpm_streaming_enabled(true),
        Err(NvmlError::NoPermission(_))
    ));
    assert!(matches!(
        gpu.gpm_streaming_enabled(),
        Err(NvmlError::Unknown(_))
    ));
}

#[test]
fn metrics_between_two_samples_are_the_profiles_activity() {
    let m = crate::support::mock();
    let spec = &profile::builtin("dgx-h100").unwrap().gpus[0];
    assert!(spec.util_gpu > 0, "GPU 0 of the DGX H100 profile is busy");
    let gpu = m.nvml.device_by_index(0).unwrap();
    let first = gpu.gpm_sample().unwrap();
    std::thread::sleep(INTERVAL);
    let second = gpu.gpm_sample().unwrap();

    let beyond_links = sys::NVML_GPM_METRIC_NVLINK_L0_RX_PER_SEC + 2 * spec.nvlink_count;
    let ids = [
        sys::NVML_GPM_METRIC_GRAPHICS_UTIL,
        sys::NVML_GPM_METRIC_SM_UTIL,
        sys::NVML_GPM_METRIC_PCIE_TX_PER_SEC,
        beyond_links,
    ];
    let metrics = gpm::gpm_metrics(&first, &second, &ids).unwrap();
    assert_eq!(metrics.iter().map(|m| m.metric_id).collect::<Vec<_>>(), ids);

    let gr = metric(&metrics, sys::NVML_GPM_METRIC_GRAPHICS_UTIL);
    assert!(
        near(*gr.value.as_ref().unwrap(), f64::from(spec.util_gpu), 0.06),
        "{gr:?}"
    );
    let sm = metric(&metrics, sys::NVML_GPM_METRIC_SM_UTIL);
    let sm_util = *sm.value.as_ref().unwrap();
    assert!((0.0..=100.0).contains(&sm_util));
    assert!(
        near(sm_util, f64::from(spec.util_gpu) * 0.96, 0.06),
        "{sm:?}"
    );
    assert_eq!(sm.short_name.as_deref(), Some("sm_util"));
    assert_eq!(sm.long_name.as_deref(), Some("SM activity"));
    assert_eq!(sm.unit.as_deref(), Some("%"));

    let pcie = metric(&metrics, sys::NVML_GPM_METRIC_PCIE_TX_PER_SEC);
    let mib_s = f64::from(spec.pcie_tx_kbps) * 1000.0 / 1_048_576.0;
    assert!(near(*pcie.value.as_ref().unwrap(), mib_s, 0.06), "{pcie:?}");
    assert_eq!(pcie.unit.as_deref(), Some("MiB/sec"));

    // A link the GPU lacks: that metric alone fails, without names.
    let missing = metric(&metrics, beyond_links);
    assert!(matches!(missing.value, Err(NvmlError::NotSupported(_))));
    assert_eq!(
        (&missing.short_name, &missing.long_name, &missing.unit),
        (&None, &None, &None)
    );
}

#[test]
fn more_metrics_than_one_call_takes_are_split() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let first = gpu.gpm_sample().unwrap();
    std::thread::sleep(INTERVAL);
    let second = gpu.gpm_sample().unwrap();
    let ids = vec![sys::NVML_GPM_METRIC_SM_UTIL; sys::NVML_GPM_METRIC_MAX as usize + 23];
    let metrics = gpm::gpm_metrics(&first, &second, &ids).unwrap();
    assert_eq!(metrics.len(), ids.len());
    assert!(metrics.iter().all(|m| m.value.is_ok()));
    assert!(gpm::gpm_metrics(&first, &second, &[]).unwrap().is_empty());
}

#[test]
fn samples_are_filled_again_and_freed() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let other = m.nvml.device_by_index(1).unwrap();
    let mut first = m.nvml.gpm_sample_alloc().unwrap();
    let mut second = m.nvml.gpm_sample_alloc().unwrap();
    // Empty samples: nothing to compute from.
    assert!(matches!(
        gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]),
        Err(NvmlError::InvalidArgument(_))
    ));
    first.fill(&gpu).unwrap();
    std::thread::sleep(INTERVAL);
    second.fill(&other).unwrap();
    // Samples of two different GPUs.
    assert!(matches!(
        gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]),
        Err(NvmlError::InvalidArgument(_))
    ));
    second.fill(&gpu).unwrap();
    assert!(
        gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]).unwrap()[0]
            .value
            .is_ok()
    );
    // The same sample twice is no interval.
    assert!(matches!(
        gpm::gpm_metrics(&first, &first, &[sys::NVML_GPM_METRIC_SM_UTIL]),
        Err(NvmlError::InvalidArgument(_))
    ));
    first.free().unwrap();

    m.staged
        .set_fault("nvmlGpmSampleAlloc", sys::NVML_ERROR_MEMORY)
        .unwrap();
    m.staged
        .set_fault("nvmlGpmSampleGet", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    m.staged
        .set_fault(
            "nvmlGpmMetricsGet",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    m.staged
        .set_fault("nvmlGpmSampleFree", sys::NVML_ERROR_INVALID_ARGUMENT)
        .unwrap();
    assert!(matches!(
        m.nvml.gpm_sample_alloc(),
        Err(NvmlError::Memory(_))
    ));
    assert!(matches!(second.fill(&gpu), Err(NvmlError::GpuLost(_))));
    assert!(matches!(
        gpm::gpm_metrics(&second, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]),
        Err(NvmlError::ArgumentVersionMismatch(_))
    ));
    assert!(matches!(second.free(), Err(NvmlError::InvalidArgument(_))));
}

#[test]
fn mig_samples_cover_one_gpu_instance() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(2).unwrap();
    // MIG off: no GPU instances to sample.
    assert!(matches!(
        gpu.gpm_mig_sample(1),
        Err(NvmlError::NotSupported(_))
    ));
    m.staged.set_root(true).unwrap();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    let gi = gpu.create_gpu_instance(9).unwrap();
    let gi_id = gi.info().unwrap().id;
    assert!(matches!(
        gpu.gpm_mig_sample(gi_id + 1),
        Err(NvmlError::NotFound(_))
    ));
    let first = gpu.gpm_mig_sample(gi_id).unwrap();
    std::thread::sleep(INTERVAL);
    let mut second = m.nvml.gpm_sample_alloc().unwrap();
    second.fill_mig(&gpu, gi_id).unwrap();
    let metrics = gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]).unwrap();
    let sm_util = *metrics[0].value.as_ref().unwrap();
    assert!((0.0..=100.0).contains(&sm_util));

    m.staged
        .set_fault("nvmlGpmMigSampleGet", sys::NVML_ERROR_NO_PERMISSION)
        .unwrap();
    assert!(matches!(
        second.fill_mig(&gpu, gi_id),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.clear_faults().unwrap();
    gi.destroy().unwrap();
}

#[test]
fn a_470_driver_lacks_gpm() {
    let m = crate::support::mock_legacy_470();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        gpu.gpm_supported(),
        Err(NvmlError::MissingSymbol("nvmlGpmQueryDeviceSupport"))
    ));
    assert!(matches!(
        m.nvml.gpm_sample_alloc(),
        Err(NvmlError::MissingSymbol("nvmlGpmSampleAlloc"))
    ));
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_sm_utilization_is_a_percentage_where_gpm_is_supported() {
    let nvml = nvml_wrapper::Nvml::init().expect("NVML initialises on a GPU machine");
    for gpu in nvml.devices().unwrap() {
        match gpu.gpm_supported() {
            Ok(true) => {}
            Ok(false) | Err(NvmlError::NotSupported(_)) => continue,
            Err(e) => panic!("{e}"),
        }
        let first = gpu.gpm_sample().unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let second = gpu.gpm_sample().unwrap();
        let metrics = gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]).unwrap();
        let sm = &metrics[0];
        assert!((0.0..=100.0).contains(sm.value.as_ref().unwrap()), "{sm:?}");
    }
}
