//! ECC mode, counters, retired pages, remapped rows, the bank remapper and SRAM ECC errors
//! against the simulated machines.

use nvml_mock::profile;
use nvml_wrapper::device::{EccModes, RemappedRows, RemappedRowsDetail};
use nvml_wrapper::enums::{EccCounterType, MemoryErrorType, MemoryLocation, RetirementCause};
use nvml_wrapper::{NvmlError, Result, sys};

use crate::support::unmodeled::{fault_maps_to_its_variant, not_supported_then_fault};

fn dgx() -> profile::Profile {
    profile::builtin("dgx-h100").expect("the built-in profile")
}

#[test]
fn ecc_mode_is_on_for_the_dgx_and_unsupported_on_a_geforce() {
    let m = crate::support::mock();
    for (index, spec) in dgx().gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        assert_eq!(
            gpu.ecc_mode().unwrap(),
            EccModes {
                current: spec.ecc_enabled,
                pending: spec.ecc_enabled
            }
        );
        assert!(gpu.default_ecc_mode().unwrap());
    }

    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(matches!(rtx.ecc_mode(), Err(NvmlError::NotSupported(_))));
    assert!(matches!(
        rtx.default_ecc_mode(),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        rtx.total_ecc_errors(MemoryErrorType::Corrected, EccCounterType::Volatile),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn error_counters_are_the_profiles() {
    let m = crate::support::mock();
    let p = dgx();
    // GPU 5 is the one with a history of corrected errors.
    let spec = &p.gpus[5];
    assert!(spec.ecc_corrected_aggregate > 0);
    let gpu = m.nvml.device_by_index(5).unwrap();
    use EccCounterType::{Aggregate, Volatile};
    use MemoryErrorType::{Corrected, Uncorrected};
    let expected = [
        (Corrected, Volatile, spec.ecc_corrected_volatile),
        (Uncorrected, Volatile, spec.ecc_uncorrected_volatile),
        (Corrected, Aggregate, spec.ecc_corrected_aggregate),
        (Uncorrected, Aggregate, spec.ecc_uncorrected_aggregate),
    ];
    for (error, counter, value) in expected {
        assert_eq!(gpu.total_ecc_errors(error, counter).unwrap(), value);
        // The simulated H100 counts every error in DRAM.
        assert_eq!(
            gpu.memory_error_counter(error, counter, MemoryLocation::Dram)
                .unwrap(),
            value
        );
        assert_eq!(
            gpu.memory_error_counter(error, counter, MemoryLocation::L2Cache)
                .unwrap(),
            0
        );
    }
    let quiet = m.nvml.device_by_index(0).unwrap();
    assert_eq!(quiet.total_ecc_errors(Corrected, Aggregate).unwrap(), 0);
}

#[test]
fn retired_pages_are_empty_on_the_healthy_dgx() {
    // An H100 remaps rows instead of retiring pages: the page retirement queries are not
    // supported (a real H100's nvidia-smi prints N/A for them).
    let m = crate::support::mock();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetRetiredPages"),
        Some("nvmlDeviceGetRetiredPages_v2")
    );
    let h100 = m.nvml.device_by_index(5).unwrap();
    for cause in RetirementCause::ALL {
        assert!(matches!(
            h100.retired_pages(*cause),
            Err(NvmlError::NotSupported(_))
        ));
    }
    // A board that retires pages (profile key `page_retirement`), with none retired: the
    // empty list through `_v2`, and the pending status.
    let file = std::env::temp_dir().join(format!("nvml-retiring-{}.json", std::process::id()));
    std::fs::write(
        &file,
        r#"{"base": "dgx-h100", "gpus": [{"page_retirement": true}]}"#,
    )
    .unwrap();
    let r = crate::support::mock_with_profile(file.to_str().unwrap());
    let gpu = r.nvml.device_by_index(0).unwrap();
    for cause in RetirementCause::ALL {
        assert_eq!(gpu.retired_pages(*cause).unwrap(), vec![]);
    }
    assert!(!gpu.retired_pages_pending_status().unwrap());
    let _ = std::fs::remove_file(&file);

    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        rtx.retired_pages(RetirementCause::DoubleBitEccError),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        rtx.retired_pages_pending_status(),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn retired_pages_errors_come_back_as_errors() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    m.staged
        .set_fault("nvmlDeviceGetRetiredPages_v2", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    assert!(matches!(
        gpu.retired_pages(RetirementCause::MultipleSingleBitEccErrors),
        Err(NvmlError::GpuLost(_))
    ));
}

#[test]
fn remapped_rows_are_the_profiles() {
    let m = crate::support::mock();
    for (index, spec) in dgx().gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        let rows = gpu.remapped_rows().unwrap();
        assert_eq!(
            rows.corrected, spec.remapped_rows_correctable,
            "GPU {index}"
        );
        assert_eq!(rows.uncorrected, spec.remapped_rows_uncorrectable);
        assert!(!rows.pending);
        assert!(!rows.failure);
    }
    // `nvmlDeviceGetRemappedRows_v2` splits the counts into active and inactive remappings:
    // GPU 5's one row is active.
    assert_eq!(
        m.nvml.device_by_index(5).unwrap().remapped_rows().unwrap(),
        RemappedRows {
            corrected: 1,
            uncorrected: 0,
            pending: false,
            failure: false,
            detail: Some(RemappedRowsDetail {
                corrected_active: 1,
                corrected_inactive: 0,
                uncorrected_active: 0,
                uncorrected_inactive: 0,
            }),
        }
    );
    // Where the driver lacks the v2 form, the older one answers, without the split.
    m.staged
        .set_fault(
            "nvmlDeviceGetRemappedRows_v2",
            sys::NVML_ERROR_NOT_SUPPORTED,
        )
        .unwrap();
    assert_eq!(
        m.nvml
            .device_by_index(5)
            .unwrap()
            .remapped_rows()
            .unwrap()
            .detail,
        None
    );
}

#[test]
fn remapped_rows_through_the_470_library() {
    let m = crate::support::mock_legacy_470();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetRemappedRows"),
        Some("nvmlDeviceGetRemappedRows")
    );
    let rows = m.nvml.device_by_index(5).unwrap().remapped_rows().unwrap();
    assert_eq!(rows.corrected, dgx().gpus[5].remapped_rows_correctable);
    assert_eq!(rows.detail, None);
}

#[test]
fn remapped_rows_errors_other_than_unsupported_are_not_retried() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(5).unwrap();
    m.staged
        .set_fault("nvmlDeviceGetRemappedRows_v2", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    assert!(matches!(gpu.remapped_rows(), Err(NvmlError::GpuLost(_))));
}

#[test]
fn row_remapper_histogram_of_an_h100_with_nothing_remapped() {
    // A real H100 80GB: 2560 banks, all with every reserved row left (captures/qx-h100.xml).
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let h = gpu.row_remapper_histogram().unwrap();
    assert_eq!(
        (h.max, h.high, h.partial, h.low, h.none),
        (2560, 0, 0, 0, 0)
    );
    m.staged
        .set_fault(
            "nvmlDeviceGetRowRemapperHistogram",
            sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    assert!(matches!(
        gpu.row_remapper_histogram(),
        Err(NvmlError::GpuLost(_))
    ));
    // The A100 profile does not give its bank count: NOT_SUPPORTED.
    let a100 = crate::support::mock_with_profile("dgx-a100");
    assert!(matches!(
        a100.nvml
            .device_by_index(0)
            .unwrap()
            .row_remapper_histogram(),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_ecc_agrees_with_nvidia_smi() {
    let nvml = nvml_wrapper::Nvml::init().expect("NVML initialises on a GPU machine");
    let rows = crate::support::nvidia_smi(&[
        "--query-gpu=index,ecc.mode.current,ecc.mode.pending",
        "--format=csv,noheader,nounits",
    ]);
    for row in &rows {
        let gpu = nvml.device_by_index(row[0].parse().unwrap()).unwrap();
        match (
            crate::support::smi_flag(&row[1]),
            crate::support::smi_flag(&row[2]),
        ) {
            (Some(current), Some(pending)) => {
                assert_eq!(gpu.ecc_mode().unwrap(), EccModes { current, pending });
            }
            _ => assert!(matches!(gpu.ecc_mode(), Err(NvmlError::NotSupported(_)))),
        }
        // Whatever the device supports must come back without a panic or a bogus value.
        println!(
            "GPU {}: corrected volatile {:?}, remapped rows {:?}, retired (DBE) {:?}",
            row[0],
            gpu.total_ecc_errors(MemoryErrorType::Corrected, EccCounterType::Volatile),
            gpu.remapped_rows(),
            gpu.retired_pages(RetirementCause::DoubleBitEccError),
        );
    }
}

/// A real H100 reports no SRAM ECC errors and its field-diagnostic threshold not exceeded
/// (captures/qx-h100.xml: sram_* 0, sram_threshold_exceeded No); an A100 answers the same,
/// and a board without ECC does not answer.
#[test]
fn sram_ecc_status_of_an_h100_is_clean() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    let s = gpu.sram_ecc_error_status()?;
    assert_eq!(
        (
            s.aggregate_corrected,
            s.aggregate_uncorrected_parity,
            s.aggregate_uncorrected_sec_ded,
            s.volatile_corrected,
            s.volatile_uncorrected_parity,
            s.aggregate_uncorrected_l2,
            s.threshold_exceeded
        ),
        (0, 0, 0, 0, 0, 0, false)
    );
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetSramEccErrorStatus", || {
        gpu.sram_ecc_error_status()
    });
    // The header: Ampere or newer (a real A100 reports its SRAM counters: qx-a100.xml).
    let a100 = crate::support::mock_with_profile("dgx-a100");
    let s = a100.nvml.device_by_index(0)?.sram_ecc_error_status()?;
    assert_eq!((s.volatile_corrected, s.threshold_exceeded), (0, false));
    // A board without ECC has no SRAM ECC status.
    let ws = crate::support::mock_with_profile("workstation");
    assert!(matches!(
        ws.nvml.device_by_index(0)?.sram_ecc_error_status(),
        Err(NvmlError::NotSupported(_))
    ));
    Ok(())
}

#[test]
fn unmodeled_bank_remapper_and_sram_error_list_are_not_supported() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    not_supported_then_fault(&m.staged, "nvmlDeviceGetBankRemapperStatus_v1", || {
        gpu.bank_remapper_status()
    });
    not_supported_then_fault(
        &m.staged,
        "nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts",
        || gpu.sram_unique_uncorrected_ecc_errors(),
    );
    Ok(())
}
