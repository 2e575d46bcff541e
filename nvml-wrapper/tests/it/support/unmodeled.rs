//! Shared by the tests of device commands, accounting, affinity, power
//! profiles, PRM, drain states and units: checks for functions the mock does not model.

use std::fmt::Debug;

use nvml_wrapper::{NvmlError, Result, sys};

/// `call` goes through the C function `func`, which the mock answers with
/// `NVML_ERROR_NOT_SUPPORTED` (like hardware without the feature): the wrapper reports
/// [`NvmlError::NotSupported`]; and once the mock is told to make `func` fail with
/// `NVML_ERROR_GPU_IS_LOST`, the same call reports [`NvmlError::GpuLost`] (so the call
/// really reaches `func`, and the test can fail).
pub fn not_supported_then_fault<T: Debug>(
    staged: &nvml_mock::Staged,
    func: &str,
    call: impl Fn() -> Result<T>,
) {
    let got = call();
    assert!(
        matches!(got, Err(NvmlError::NotSupported(_))),
        "{func}: expected NotSupported, got {got:?}"
    );
    fault_maps_to_its_variant(staged, func, call);
}

/// After `set_fault(func, GPU_IS_LOST)`, `call` reports [`NvmlError::GpuLost`]; the fault
/// is cleared afterwards.
pub fn fault_maps_to_its_variant<T: Debug>(
    staged: &nvml_mock::Staged,
    func: &str,
    call: impl Fn() -> Result<T>,
) {
    staged.set_fault(func, sys::NVML_ERROR_GPU_IS_LOST).unwrap();
    let got = call();
    assert!(
        matches!(got, Err(NvmlError::GpuLost(_))),
        "{func} faulted with GPU_IS_LOST: expected GpuLost, got {got:?}"
    );
    staged.clear_fault(func).unwrap();
}
