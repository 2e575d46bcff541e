//! Samples against the simulated DGX H100: values must match the mock's profile.

use nvml_mock::{HostileModes, profile};
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::Value;
use nvml_wrapper::enums::SamplingType;

#[test]
fn utilization_samples_follow_the_profile_oldest_first() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        let samples = gpu.samples(SamplingType::GpuUtilization, 0)?;
        assert!(!samples.is_empty());
        assert!(samples.windows(2).all(|w| w[0].timestamp < w[1].timestamp));
        for s in &samples {
            // The mock jitters busy values down by one now and then.
            let Value::UnsignedInt(v) = s.value else {
                panic!("utilisation samples are unsigned ints, got {:?}", s.value);
            };
            assert!(
                v == spec.util_gpu || v + 1 == spec.util_gpu,
                "{v} vs {}",
                spec.util_gpu
            );
        }
    }
    Ok(())
}

#[test]
fn each_kind_reports_its_own_quantity() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    let spec = &p.gpus[0];
    let gpu = m.nvml.device_by_index(0)?;
    let max = |kind| -> Result<u64, NvmlError> {
        let samples = gpu.samples(kind, 0)?;
        Ok(samples
            .iter()
            .filter_map(|s| s.value.as_u64())
            .max()
            .unwrap_or(0))
    };
    assert_eq!(
        max(SamplingType::TotalPower)?,
        u64::from(spec.power_usage_mw)
    );
    assert_eq!(
        max(SamplingType::MemoryUtilization)?,
        u64::from(spec.util_memory)
    );
    assert_eq!(
        max(SamplingType::ProcessorClock)?,
        u64::from(spec.clock_graphics)
    );
    assert_eq!(max(SamplingType::MemoryClock)?, u64::from(spec.clock_mem));
    Ok(())
}

#[test]
fn last_seen_timestamp_returns_only_newer_samples() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(1)?;
    let all = gpu.samples(SamplingType::TotalPower, 0)?;
    assert!(all.len() >= 2);
    let middle = all[all.len() / 2].timestamp;
    let newer = gpu.samples(SamplingType::TotalPower, middle)?;
    assert!(!newer.is_empty());
    assert!(newer.iter().all(|s| s.timestamp > middle));

    // Nothing newer than the newest: empty, not an error.
    let newest = all.iter().map(|s| s.timestamp).max().unwrap();
    let none = gpu.samples(SamplingType::TotalPower, newest + 10_000_000)?;
    assert!(none.is_empty());
    Ok(())
}

#[test]
fn an_oversized_count_from_the_library_is_clamped() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    let honest = gpu.samples(SamplingType::GpuUtilization, 0)?.len();
    m.staged
        .set_hostile(HostileModes {
            oversized_counts: true,
            ..HostileModes::default()
        })
        .expect("hostile mode");
    // The library claims more samples than the buffer holds: no overrun, and exactly the
    // samples it wrote.
    let hostile = gpu.samples(SamplingType::GpuUtilization, 0)?;
    assert_eq!(hostile.len(), honest);
    Ok(())
}

#[test]
fn a_failing_call_is_the_drivers_error() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    m.staged
        .set_fault(
            "nvmlDeviceGetSamples",
            nvml_wrapper::sys::NVML_ERROR_NOT_SUPPORTED,
        )
        .expect("set a fault");
    assert!(matches!(
        gpu.samples(SamplingType::TotalPower, 0),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn process_utilization_reports_what_the_library_answers() -> Result<(), NvmlError> {
    // The mock does not model per-process utilisation yet (NOT_SUPPORTED); where it does, the
    // samples name running processes.
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    match gpu.process_utilization(0) {
        Ok(samples) => {
            for s in samples {
                assert!(s.pid > 0);
                assert!(s.sm_util <= 100 && s.mem_util <= 100);
            }
        }
        Err(NvmlError::NotSupported(_)) => {}
        Err(e) => panic!("unexpected error: {e}"),
    }
    Ok(())
}

#[test]
#[ignore = "needs a real NVIDIA GPU and driver"]
fn real_gpu_keeps_power_samples() -> Result<(), NvmlError> {
    let nvml = nvml_wrapper::Nvml::init()?;
    let gpu = nvml.device_by_index(0)?;
    let samples = gpu.samples(SamplingType::TotalPower, 0)?;
    assert!(!samples.is_empty());
    assert!(
        samples
            .iter()
            .all(|s| matches!(s.value, Value::UnsignedInt(mw) if mw > 0))
    );
    let newest = samples.iter().map(|s| s.timestamp).max().unwrap();
    assert!(
        gpu.samples(SamplingType::TotalPower, newest)?
            .iter()
            .all(|s| s.timestamp > newest)
    );
    let _ = gpu.process_utilization(0)?;
    Ok(())
}
