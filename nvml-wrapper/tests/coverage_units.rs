//! S-class units against the simulated machines, which have none (like every current
//! data-center system): the count is 0 and the handle query answers as NVML does there. The
//! per-unit queries are tested in `src/unit.rs` (they need a handle the mock cannot give).

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
mod support_a2;

use nvml_wrapper::NvmlError;
use support_a2::{fault_maps_to_its_variant, not_supported_then_fault};

#[test]
fn machines_without_s_class_units_have_none() {
    for profile in ["dgx-h100", "dgx-a100", "workstation"] {
        let m = common::mock_with_profile(profile);
        assert_eq!(m.nvml.unit_count().unwrap(), 0, "{profile}");
        assert!(m.nvml.units().unwrap().is_empty(), "{profile}");
    }
    let m = common::mock();
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetCount", || m.nvml.unit_count());
    fault_maps_to_its_variant(&m.staged, "nvmlUnitGetCount", || m.nvml.units());
}

#[test]
fn unit_by_index_answers_as_nvml_without_units() {
    let m = common::mock();
    not_supported_then_fault(&m.staged, "nvmlUnitGetHandleByIndex", || {
        m.nvml.unit_by_index(0)
    });
    m.staged
        .set_fault(
            "nvmlUnitGetHandleByIndex",
            nvml_wrapper::sys::NVML_ERROR_INVALID_ARGUMENT,
        )
        .unwrap();
    assert!(matches!(
        m.nvml.unit_by_index(7),
        Err(NvmlError::InvalidArgument)
    ));
}
