//! Field values against the simulated machines: every value must equal the mock's profile.

use nvml_mock::profile;
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::{FieldValue, MAX_FIELDS_PER_CALL, Value, field};
use nvml_wrapper::sys;

fn value(fv: &FieldValue) -> Value {
    match &fv.value {
        Ok(v) => *v,
        Err(e) => panic!("field {} failed: {e}", fv.field_id),
    }
}

#[test]
fn a_batch_reads_every_field_of_the_profile() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        let ids = [
            field::ECC_CURRENT,
            field::ECC_SBE_VOLATILE_TOTAL,
            field::ECC_DBE_VOLATILE_TOTAL,
            field::MEMORY_TEMPERATURE_C,
            field::POWER_INSTANT_MW,
            field::NVLINK_LINK_COUNT,
            field::NVLINK_SPEED_MBPS_COMMON,
            field::PCIE_REPLAY_COUNTER,
            field::REMAPPED_ROWS_CORRECTABLE,
            // The raw constants work the same.
            sys::NVML_FI_DEV_POWER_DEFAULT_LIMIT,
            sys::NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION,
        ];
        let values = gpu.field_values(&ids)?;
        assert_eq!(values.len(), ids.len());
        for (fv, id) in values.iter().zip(ids) {
            assert_eq!(fv.field_id, id, "results come back in request order");
            assert_eq!(fv.scope_id, 0);
        }
        let v: Vec<Value> = values.iter().map(value).collect();
        assert_eq!(v[0], Value::UnsignedInt(u32::from(spec.ecc_enabled)));
        assert_eq!(v[1], Value::UnsignedLongLong(spec.ecc_corrected_volatile));
        assert_eq!(v[2], Value::UnsignedLongLong(spec.ecc_uncorrected_volatile));
        assert_eq!(v[3], Value::UnsignedInt(spec.memory_temperature));
        assert_eq!(v[4], Value::UnsignedInt(spec.power_usage_mw));
        assert_eq!(v[5], Value::UnsignedInt(spec.nvlink_count));
        assert_eq!(v[6], Value::UnsignedInt(spec.nvlink_speed_mbps));
        assert_eq!(v[7].as_u64(), Some(u64::from(spec.pcie_replay_counter)));
        assert_eq!(v[8], Value::UnsignedInt(spec.remapped_rows_correctable));
        assert_eq!(v[9], Value::UnsignedInt(spec.power_default_limit_mw));
        // Energy keeps counting from the profile's base.
        assert!(v[10].as_u64().unwrap() >= spec.energy_base_mj);
    }
    Ok(())
}

#[test]
fn one_unsupported_field_does_not_spoil_the_batch() -> Result<(), NvmlError> {
    // The workstation's GPU has no ECC, no NvLink and no memory temperature sensor.
    let m = crate::support::mock_with_profile("workstation");
    let p = profile::builtin("workstation").expect("the built-in profile");
    let gpu = m.nvml.device_by_index(0)?;
    let values = gpu.field_values(&[
        field::ECC_CURRENT,
        field::POWER_INSTANT_MW,
        field::NVLINK_LINK_COUNT,
        field::MEMORY_TEMPERATURE_C,
    ])?;
    assert!(matches!(values[0].value, Err(NvmlError::NotSupported(_))));
    assert_eq!(
        value(&values[1]),
        Value::UnsignedInt(p.gpus[0].power_usage_mw)
    );
    assert!(matches!(values[2].value, Err(NvmlError::NotSupported(_))));
    assert!(matches!(values[3].value, Err(NvmlError::NotSupported(_))));
    Ok(())
}

#[test]
fn signed_values_and_scopes_come_through() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    let spec = &p.gpus[2];
    let gpu = m.nvml.device_by_index(2)?;
    // The T.Limit thresholds are fixed margins, whatever the temperature: a real H100
    // reports -8 C (shutdown), -2 C (slowdown), 0 C (memory max, GPU max)
    // (captures/qx-h100.xml, gpu_temp_*_tlimit_threshold).
    let tlimits = gpu.field_values(&[
        sys::NVML_FI_DEV_TEMPERATURE_SHUTDOWN_TLIMIT,
        sys::NVML_FI_DEV_TEMPERATURE_SLOWDOWN_TLIMIT,
        sys::NVML_FI_DEV_TEMPERATURE_MEM_MAX_TLIMIT,
        sys::NVML_FI_DEV_TEMPERATURE_GPU_MAX_TLIMIT,
    ])?;
    let got: Vec<Value> = tlimits.iter().map(value).collect();
    assert_eq!(
        got,
        [-8, -2, 0, 0].map(Value::SignedInt).to_vec(),
        "T.Limit thresholds of a GPU at {} C",
        spec.temperature
    );

    let per_link = gpu.scoped_field_values(&[
        (sys::NVML_FI_DEV_NVLINK_SPEED_MBPS_L0, 0),
        (sys::NVML_FI_DEV_NVLINK_SPEED_MBPS_L1, 1),
    ])?;
    assert_eq!(per_link[1].scope_id, 1);
    for fv in &per_link {
        assert_eq!(value(fv), Value::UnsignedInt(spec.nvlink_speed_mbps));
    }
    Ok(())
}

#[test]
fn empty_and_oversized_batches() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    assert!(gpu.field_values(&[])?.is_empty());
    let too_many = vec![field::POWER_INSTANT_MW; MAX_FIELDS_PER_CALL + 1];
    assert!(matches!(
        gpu.field_values(&too_many),
        Err(NvmlError::InvalidInput(_))
    ));
    assert!(matches!(
        gpu.clear_field_values(&too_many),
        Err(NvmlError::InvalidInput(_))
    ));
    Ok(())
}

#[test]
fn a_failing_call_is_an_error_for_the_whole_batch() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    m.staged
        .set_fault("nvmlDeviceGetFieldValues", sys::NVML_ERROR_GPU_IS_LOST)
        .expect("set a fault");
    assert!(matches!(
        gpu.field_values(&[field::POWER_INSTANT_MW]),
        Err(NvmlError::GpuLost(_))
    ));
    Ok(())
}

#[test]
fn clearing_reports_what_the_library_answers() -> Result<(), NvmlError> {
    // The mock does not model clearing (NOT_SUPPORTED); a real driver clears counters.
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    gpu.clear_field_values(&[])?;
    match gpu.clear_field_values(&[field::ECC_SBE_VOLATILE_TOTAL]) {
        Ok(()) | Err(NvmlError::NotSupported(_)) | Err(NvmlError::NoPermission(_)) => {}
        Err(e) => panic!("unexpected error: {e}"),
    }
    Ok(())
}

#[cfg(feature = "serde")]
#[test]
fn field_values_serialize_with_errors_as_messages() -> Result<(), NvmlError> {
    let m = crate::support::mock_with_profile("workstation");
    let gpu = m.nvml.device_by_index(0)?;
    let values = gpu.field_values(&[field::POWER_INSTANT_MW, field::ECC_CURRENT])?;
    let json = serde_json::to_value(&values).expect("serialize");
    assert!(json[0]["value"]["Ok"]["UnsignedInt"].is_u64());
    assert!(
        json[1]["value"]["Err"]
            .as_str()
            .unwrap()
            .contains("not supported")
    );
    Ok(())
}

#[test]
#[ignore = "needs a real NVIDIA GPU and driver"]
fn real_gpu_reports_power_and_energy_fields() -> Result<(), NvmlError> {
    let nvml = nvml_wrapper::Nvml::init()?;
    let gpu = nvml.device_by_index(0)?;
    let values = gpu.field_values(&[field::POWER_INSTANT_MW, field::TOTAL_ENERGY_MJ])?;
    assert!(value(&values[0]).as_u64().unwrap() > 0);
    assert!(value(&values[1]).as_u64().unwrap() > 0);
    assert!(
        values[0].timestamp > 1_600_000_000_000_000,
        "microseconds since 1970"
    );
    Ok(())
}

/// The default machine presenting another driver version, from a profile file.
fn mock_with_driver(driver_version: &str) -> crate::support::Mock {
    let staged = nvml_mock::Staged::new().unwrap();
    let path = staged.dir().join("profile.json");
    std::fs::write(
        &path,
        format!(r#"{{"base": "dgx-h100", "driver_version": "{driver_version}"}}"#),
    )
    .unwrap();
    staged.set_profile(path.to_str().unwrap()).unwrap();
    let nvml = nvml_wrapper::Nvml::builder()
        .library_path(staged.path())
        .init()
        .unwrap();
    crate::support::Mock { nvml, staged }
}

/// NVIDIA renumbered field ids 251..=273 at driver 580.82; the mock numbers them as the
/// driver version of its profile does. The header's ids read the same field on every driver:
/// the SW thermal slowdown counter (the profile's GPUs spend 0 ns in it) answers, power
/// smoothing (Blackwell) does not. Without translation, a driver before 580.82 would read
/// header id 269 as power smoothing and 251 as the counter.
#[test]
fn renumbered_field_ids_read_the_same_field_before_and_after_580_82() -> Result<(), NvmlError> {
    use nvml_wrapper::device::FieldIdNumbering;
    let power_mw = profile::builtin("dgx-h100").unwrap().gpus[0].power_usage_mw;
    for (driver, numbering) in [
        ("570.172.08", FieldIdNumbering::Before580_82),
        ("580.65.06", FieldIdNumbering::Before580_82),
        ("580.82.07", FieldIdNumbering::Current),
        ("580.105.08", FieldIdNumbering::Current),
    ] {
        let m = mock_with_driver(driver);
        assert_eq!(m.nvml.driver_version()?, driver);
        assert_eq!(m.nvml.field_id_numbering(), numbering, "{driver}");
        let gpu = m.nvml.device_by_index(0)?;
        let ids = [
            sys::NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN,
            sys::NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN,
            sys::NVML_FI_PWR_SMOOTHING_ENABLED,
            sys::NVML_FI_PWR_SMOOTHING_ACTIVE_PRESET_PROFILE,
            sys::NVML_FI_DEV_POWER_INSTANT,
        ];
        let values = gpu.field_values(&ids)?;
        let returned: Vec<u32> = values.iter().map(|fv| fv.field_id).collect();
        assert_eq!(returned, ids, "{driver}: the ids come back as asked");
        assert_eq!(value(&values[0]), Value::UnsignedLongLong(0), "{driver}");
        assert_eq!(value(&values[1]), Value::UnsignedLongLong(0), "{driver}");
        for smoothing in &values[2..4] {
            assert!(
                matches!(smoothing.value, Err(NvmlError::NotSupported(_))),
                "{driver}: field {} is power smoothing, not on an H100: {:?}",
                smoothing.field_id,
                smoothing.value
            );
        }
        assert_eq!(value(&values[4]), Value::UnsignedInt(power_mw), "{driver}");

        let scoped = gpu
            .scoped_field_values(&[(sys::NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN, 0)])?;
        assert_eq!(
            scoped[0].field_id,
            sys::NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN
        );
        assert_eq!(value(&scoped[0]), Value::UnsignedLongLong(0), "{driver}");
    }
    Ok(())
}
