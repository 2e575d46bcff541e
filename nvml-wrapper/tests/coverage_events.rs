//! System event sets (`system_event`) and the context records of structured events
//! (`EventSet::context_*`) against the mock. The mock models neither: each answers
//! `NVML_ERROR_NOT_SUPPORTED`, as a driver without them; faults drive the other codes.

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use nvml_wrapper::system_event::{SystemEventSet, SystemEventTypes};
use nvml_wrapper::{NvmlError, sys};

/// A set around a handle the mock never dereferences: its system event functions are stubs
/// that read no argument. Lets the set's methods be called without a modeled
/// `nvmlSystemEventSetCreate`.
fn stub_set(nvml: &nvml_wrapper::Nvml) -> SystemEventSet<'_> {
    // SAFETY: the mock's system event entry points (including `nvmlSystemEventSetFree`,
    // called on drop) return NOT_SUPPORTED (or an injected fault) without reading it.
    unsafe { SystemEventSet::from_raw(nvml, std::ptr::without_provenance_mut(0x2000)) }
}

#[test]
fn creating_a_system_event_set_answers_not_supported_then_faults_map() {
    let m = common::mock();
    assert!(matches!(
        m.nvml.create_system_event_set(),
        Err(NvmlError::NotSupported)
    ));
    m.staged
        .set_fault(
            "nvmlSystemEventSetCreate",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    assert!(matches!(
        m.nvml.create_system_event_set(),
        Err(NvmlError::ArgumentVersionMismatch)
    ));
}

#[test]
fn system_event_set_methods_answer_not_supported_then_faults_map() {
    let m = common::mock();
    let set = stub_set(&m.nvml);
    let both = SystemEventTypes::GPU_DRIVER_BIND | SystemEventTypes::GPU_DRIVER_UNBIND;
    assert!(matches!(set.register(both), Err(NvmlError::NotSupported)));
    assert!(matches!(set.wait(0, 8), Err(NvmlError::NotSupported)));

    m.staged
        .set_fault("nvmlSystemRegisterEvents", sys::NVML_ERROR_UNKNOWN)
        .unwrap();
    m.staged
        .set_fault("nvmlSystemEventSetWait", sys::NVML_ERROR_TIMEOUT)
        .unwrap();
    assert!(matches!(set.register(both), Err(NvmlError::Unknown)));
    assert!(matches!(set.wait(10, 0), Err(NvmlError::Timeout)));

    assert!(matches!(set.free(), Err(NvmlError::NotSupported)));
    m.staged
        .set_fault("nvmlSystemEventSetFree", sys::NVML_ERROR_INVALID_ARGUMENT)
        .unwrap();
    assert!(matches!(
        stub_set(&m.nvml).free(),
        Err(NvmlError::InvalidArgument)
    ));
}

#[test]
fn event_context_queries_answer_not_supported_then_faults_map() {
    let m = common::mock();
    let events = m.nvml.create_event_set().unwrap();
    assert!(matches!(
        events.context_count(),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        events.context_info(0),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        events.context_data(0),
        Err(NvmlError::NotSupported)
    ));
    assert!(matches!(
        events.context_legacy_xid(0),
        Err(NvmlError::NotSupported)
    ));

    for (function, code) in [
        ("nvmlEventSetGetContextCount_v1", sys::NVML_ERROR_NOT_FOUND),
        (
            "nvmlEventSetGetContextInfo_v1",
            sys::NVML_ERROR_INVALID_ARGUMENT,
        ),
        ("nvmlEventSetGetContextData_v1", sys::NVML_ERROR_NOT_FOUND),
        (
            "nvmlEventSetGetGpuOperationalEventContextLegacyXid_v1",
            sys::NVML_ERROR_NOT_FOUND,
        ),
    ] {
        m.staged.set_fault(function, code).unwrap();
    }
    assert!(matches!(events.context_count(), Err(NvmlError::NotFound)));
    assert!(matches!(
        events.context_info(7),
        Err(NvmlError::InvalidArgument)
    ));
    assert!(matches!(events.context_data(0), Err(NvmlError::NotFound)));
    assert!(matches!(
        events.context_legacy_xid(0),
        Err(NvmlError::NotFound)
    ));
}

#[test]
fn a_470_driver_lacks_system_events_and_event_contexts() {
    let m = common::mock_legacy_470();
    assert!(matches!(
        m.nvml.create_system_event_set(),
        Err(NvmlError::FunctionNotFound("nvmlSystemEventSetCreate"))
    ));
    let events = m.nvml.create_event_set().unwrap();
    assert!(matches!(
        events.context_count(),
        Err(NvmlError::FunctionNotFound(
            "nvmlEventSetGetContextCount_v1"
        ))
    ));
}
