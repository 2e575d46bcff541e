//! GPM (`gpm` module) against the mock. The mock does not model GPM: every GPM function
//! answers `NVML_ERROR_NOT_SUPPORTED`, as on a GPU without it; faults drive the other codes.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use nvml_wrapper::gpm::{self, GpmSample};
use nvml_wrapper::{NvmlError, sys};

/// A sample wrapper around a handle the mock never dereferences: its GPM functions are
/// stubs that read no argument. Lets the sample methods be called without a modeled
/// `nvmlGpmSampleAlloc`.
fn stub_sample(nvml: &nvml_wrapper::Nvml, tag: usize) -> GpmSample<'_> {
    // SAFETY: the mock's GPM entry points (including `nvmlGpmSampleFree`, called on drop)
    // return NOT_SUPPORTED (or an injected fault) without reading the handle.
    unsafe { GpmSample::from_raw(nvml, std::ptr::without_provenance_mut(0x1000 + tag)) }
}

#[test]
fn support_and_streaming_answer_not_supported_then_faults_map() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(gpu.gpm_supported(), Err(NvmlError::NotSupported)));
    assert!(matches!(
        gpu.gpm_streaming_enabled(),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        gpu.set_gpm_streaming_enabled(true),
        Err(NvmlError::NotSupported)
    ));

    m.staged
        .set_fault("nvmlGpmQueryDeviceSupport", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    m.staged
        .set_fault(
            "nvmlGpmQueryIfStreamingEnabled",
            sys::NVML_ERROR_INVALID_ARGUMENT,
        )
        .unwrap();
    m.staged
        .set_fault("nvmlGpmSetStreamingEnabled", sys::NVML_ERROR_NO_PERMISSION)
        .unwrap();
    assert!(matches!(gpu.gpm_supported(), Err(NvmlError::GpuLost)));
    assert!(matches!(
        gpu.gpm_streaming_enabled(),
        Err(NvmlError::InvalidArgument)
    ));
    assert!(matches!(
        gpu.set_gpm_streaming_enabled(false),
        Err(NvmlError::NoPermission)
    ));
}

#[test]
fn allocating_a_sample_answers_not_supported_then_faults_map() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        m.nvml.gpm_sample_alloc(),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(gpu.gpm_sample(), Err(NvmlError::NotSupported)));
    assert!(matches!(
        gpu.gpm_mig_sample(1),
        Err(NvmlError::NotSupported)
    ));
    m.staged
        .set_fault("nvmlGpmSampleAlloc", sys::NVML_ERROR_MEMORY)
        .unwrap();
    assert!(matches!(m.nvml.gpm_sample_alloc(), Err(NvmlError::Memory)));
    assert!(matches!(gpu.gpm_sample(), Err(NvmlError::Memory)));
}

#[test]
fn sample_reads_metrics_and_free_answer_not_supported_then_faults_map() {
    let m = common::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let mut first = stub_sample(&m.nvml, 1);
    let mut second = stub_sample(&m.nvml, 2);
    assert!(matches!(first.fill(&gpu), Err(NvmlError::NotSupported)));
    assert!(matches!(
        second.fill_mig(&gpu, 1),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]),
        Err(NvmlError::NotSupported)
    ));
    // No ids: nothing to ask.
    assert!(gpm::gpm_metrics(&first, &second, &[]).unwrap().is_empty());

    m.staged
        .set_fault("nvmlGpmSampleGet", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    m.staged
        .set_fault("nvmlGpmMigSampleGet", sys::NVML_ERROR_NOT_FOUND)
        .unwrap();
    m.staged
        .set_fault(
            "nvmlGpmMetricsGet",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    assert!(matches!(first.fill(&gpu), Err(NvmlError::GpuLost)));
    assert!(matches!(second.fill_mig(&gpu, 1), Err(NvmlError::NotFound)));
    assert!(matches!(
        gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]),
        Err(NvmlError::ArgumentVersionMismatch)
    ));

    assert!(matches!(first.free(), Err(NvmlError::NotSupported)));
    m.staged
        .set_fault("nvmlGpmSampleFree", sys::NVML_ERROR_INVALID_ARGUMENT)
        .unwrap();
    assert!(matches!(second.free(), Err(NvmlError::InvalidArgument)));
}

#[test]
fn metrics_need_samples_of_one_nvml() {
    let a = common::mock();
    let b = common::mock();
    let first = stub_sample(&a.nvml, 1);
    let second = stub_sample(&b.nvml, 2);
    assert!(matches!(
        gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]),
        Err(NvmlError::InvalidInput(_))
    ));
}
