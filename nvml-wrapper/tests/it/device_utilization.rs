//! Utilisation, encoder/decoder and frame-capture queries against the simulated DGX H100.

use nvml_mock::profile;
use nvml_wrapper::enums::EncoderType;
use nvml_wrapper::{NvmlError, Result};

#[test]
fn utilization_rates_are_the_profiles() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    for (index, spec) in p.gpus.iter().enumerate() {
        let util = m.nvml.device_by_index(index as u32)?.utilization_rates()?;
        assert_eq!(util.gpu, spec.util_gpu);
        assert_eq!(util.memory, spec.util_memory);
    }
    // GPUs 0-3 run training jobs; 4-7 are idle.
    let busy = m.nvml.device_by_index(2)?.utilization_rates()?;
    assert_eq!((busy.gpu, busy.memory), (97, 41));
    let idle = m.nvml.device_by_index(5)?.utilization_rates()?;
    assert_eq!((idle.gpu, idle.memory), (0, 0));
    Ok(())
}

#[test]
fn video_engines_are_idle_over_a_167_ms_window() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    let enc = gpu.encoder_utilization()?;
    assert_eq!(enc.value, 0);
    assert_eq!(enc.sampling_period_us, 167_000);
    let dec = gpu.decoder_utilization()?;
    assert_eq!(dec.value, 0);
    assert_eq!(dec.sampling_period_us, 167_000);
    Ok(())
}

/// A GPU with NVENC engines and no encoder session has all its encoder capacity free; an
/// H100 has no NVENC, so the query is not supported there.
#[test]
fn encoder_capacity_is_free_on_an_idle_encoder() -> Result<()> {
    let m = crate::support::mock_with_profile("workstation");
    let gpu = m.nvml.device_by_index(0)?;
    for codec in [EncoderType::H264, EncoderType::Hevc, EncoderType::Av1] {
        assert_eq!(gpu.encoder_capacity(codec)?, 100);
    }
    Ok(())
}

/// The mock does not model encoder statistics or sessions, nor frame buffer capture, and an
/// H100 has no encoder: it answers `NVML_ERROR_NOT_SUPPORTED`, which must come back as that
/// variant.
#[test]
fn encoder_and_capture_sessions_on_an_h100_without_nvenc() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    assert!(matches!(
        gpu.encoder_capacity(EncoderType::H264),
        Err(NvmlError::NotSupported(_))
    ));
    // Session statistics answer on an H100 without NVENC: no sessions (a real H100).
    let enc = gpu.encoder_stats()?;
    assert_eq!(
        (enc.session_count, enc.average_fps, enc.average_latency_us),
        (0, 0, 0)
    );
    assert!(matches!(
        gpu.encoder_sessions(),
        Err(NvmlError::NotSupported(_))
    ));
    let fbc = gpu.fbc_stats()?;
    assert_eq!(
        (fbc.session_count, fbc.average_fps, fbc.average_latency_us),
        (0, 0, 0)
    );
    assert!(matches!(
        gpu.fbc_sessions(),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn a_failing_driver_call_is_reported_not_papered_over() -> Result<()> {
    let m = crate::support::mock();
    m.staged
        .set_fault(
            "nvmlDeviceGetUtilizationRates",
            nvml_wrapper::sys::NVML_ERROR_UNKNOWN,
        )
        .unwrap();
    let gpu = m.nvml.device_by_index(0)?;
    assert!(matches!(
        gpu.utilization_rates(),
        Err(NvmlError::Unknown(_))
    ));
    m.staged.clear_faults().unwrap();
    assert_eq!(gpu.utilization_rates()?.gpu, 97);
    Ok(())
}
