//! PRM register access against the simulated machines (Hopper GPUs: PRM access is
//! Blackwell-only, so the driver answers NOT_SUPPORTED).

use crate::support::unmodeled::not_supported_then_fault;
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::prm::{PRM_DATA_MAX_SIZE, PrmCounterRequest};
use nvml_wrapper::enums::PrmCounterId;

#[test]
fn prm_calls_answer_not_supported_before_blackwell() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let s = &m.staged;
    // Any TLV message (network byte order); the driver would parse it.
    let tlv = [0x00, 0x01, 0x00, 0x04, 0x50, 0x50, 0x43, 0x4e];
    not_supported_then_fault(s, "nvmlDeviceReadWritePRM_v1", || gpu.read_write_prm(&tlv));
    let requests = [
        PrmCounterRequest {
            counter: PrmCounterId::LinkDownEvents,
            local_port: 1,
        },
        PrmCounterRequest {
            counter: PrmCounterId::PlrRcvCodeErr,
            local_port: 2,
        },
    ];
    not_supported_then_fault(s, "nvmlDeviceReadPRMCounters_v1", || {
        gpu.prm_counters(&requests)
    });
    // Without root on a Blackwell driver.
    m.staged
        .set_fault(
            "nvmlDeviceReadPRMCounters_v1",
            nvml_wrapper::sys::NVML_ERROR_NO_PERMISSION,
        )
        .unwrap();
    assert!(matches!(
        gpu.prm_counters(&requests),
        Err(NvmlError::NoPermission(_))
    ));
}

#[test]
fn prm_inputs_are_checked_before_any_call() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    // Too long for the TLV buffer: refused on the Rust side, whatever the driver says.
    m.staged
        .set_fault(
            "nvmlDeviceReadWritePRM_v1",
            nvml_wrapper::sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    let long = vec![0u8; PRM_DATA_MAX_SIZE + 1];
    assert!(matches!(
        gpu.read_write_prm(&long),
        Err(NvmlError::InvalidInput(_))
    ));
    assert!(matches!(
        gpu.read_write_prm(&long[..PRM_DATA_MAX_SIZE]),
        Err(NvmlError::GpuLost(_))
    ));
    // No counters asked for: nothing to call.
    m.staged
        .set_fault(
            "nvmlDeviceReadPRMCounters_v1",
            nvml_wrapper::sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    assert!(gpu.prm_counters(&[]).unwrap().is_empty());
}
