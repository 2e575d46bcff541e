//! System event sets (`system_event`) and the context records of structured events
//! (`EventSet::context_*`) against the mock. System events are modeled (driver bind/unbind
//! events injected with `Staged::inject_system_event`); the event context records are not
//! (`NVML_ERROR_NOT_SUPPORTED`, as a driver without them); faults drive the other codes.

use nvml_wrapper::system_event::{SystemEvent, SystemEventSet, SystemEventTypes};
use nvml_wrapper::{NvmlError, sys};

#[test]
fn a_registered_set_receives_injected_bind_and_unbind_events() {
    let m = crate::support::mock();
    let set = m.nvml.create_system_event_set().unwrap();
    set.register(SystemEventTypes::GPU_DRIVER_BIND | SystemEventTypes::GPU_DRIVER_UNBIND)
        .unwrap();
    // Nothing pending: the wait times out (at once with 0 ms, or after the timeout).
    assert!(matches!(set.wait(0, 8), Err(NvmlError::Timeout(_))));
    let start = std::time::Instant::now();
    assert!(matches!(set.wait(50, 8), Err(NvmlError::Timeout(_))));
    assert!(start.elapsed() >= std::time::Duration::from_millis(40));

    let gpu3 = m.nvml.device_by_index(3).unwrap().pci_info().unwrap();
    let gpu_id = (gpu3.domain << 16) | (gpu3.bus << 8) | (gpu3.device << 3);
    m.staged
        .inject_system_event(3, u64::from(sys::nvmlSystemEventTypeGpuDriverUnbind))
        .unwrap();
    m.staged
        .inject_system_event(3, u64::from(sys::nvmlSystemEventTypeGpuDriverBind))
        .unwrap();
    let events = set.wait(1000, 8).unwrap();
    assert_eq!(
        events,
        [
            SystemEvent {
                event_type: SystemEventTypes::GPU_DRIVER_UNBIND,
                gpu_id
            },
            SystemEvent {
                event_type: SystemEventTypes::GPU_DRIVER_BIND,
                gpu_id
            },
        ]
    );
    // Read: nothing is left.
    assert!(matches!(set.wait(0, 8), Err(NvmlError::Timeout(_))));

    // At most `max_events` per call; the rest stays for the next one.
    for _ in 0..3 {
        m.staged
            .inject_system_event(0, u64::from(sys::nvmlSystemEventTypeGpuDriverBind))
            .unwrap();
    }
    assert_eq!(set.wait(0, 2).unwrap().len(), 2);
    assert_eq!(set.wait(0, 2).unwrap().len(), 1);
}

#[test]
fn a_waiting_thread_wakes_up_on_an_event() {
    let m = crate::support::mock();
    let set = m.nvml.create_system_event_set().unwrap();
    set.register(SystemEventTypes::GPU_DRIVER_BIND).unwrap();
    std::thread::scope(|s| {
        let waiter = s.spawn(|| set.wait(10_000, 4));
        std::thread::sleep(std::time::Duration::from_millis(50));
        m.staged
            .inject_system_event(1, u64::from(sys::nvmlSystemEventTypeGpuDriverBind))
            .unwrap();
        let events = waiter.join().unwrap().unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event_type, SystemEventTypes::GPU_DRIVER_BIND);
    });
}

#[test]
fn sets_get_only_the_types_they_registered() {
    let m = crate::support::mock();
    let binds = m.nvml.create_system_event_set().unwrap();
    binds.register(SystemEventTypes::GPU_DRIVER_BIND).unwrap();
    let none = m.nvml.create_system_event_set().unwrap();
    m.staged
        .inject_system_event(2, u64::from(sys::nvmlSystemEventTypeGpuDriverUnbind))
        .unwrap();
    assert!(matches!(binds.wait(0, 8), Err(NvmlError::Timeout(_))));
    assert!(matches!(none.wait(0, 8), Err(NvmlError::Timeout(_))));
    // A type the header does not name: not supported, nothing registered, set still usable.
    assert!(matches!(
        none.register(SystemEventTypes::from_bits_retain(1 << 40)),
        Err(NvmlError::NotSupported(_))
    ));
    none.register(SystemEventTypes::GPU_DRIVER_UNBIND).unwrap();
    m.staged
        .inject_system_event(2, u64::from(sys::nvmlSystemEventTypeGpuDriverUnbind))
        .unwrap();
    assert_eq!(none.wait(0, 8).unwrap().len(), 1);
}

#[test]
fn sets_are_freed_on_drop_and_by_free() {
    let m = crate::support::mock();
    let set = m.nvml.create_system_event_set().unwrap();
    let handle = set.handle();
    drop(set);
    // The mock's slot is free again: a new set gets the same handle, and the old one (now
    // freed) is rejected when freed a second time.
    let again = m.nvml.create_system_event_set().unwrap();
    assert_eq!(again.handle(), handle);
    again.free().unwrap();
    // SAFETY: a handle of the mock's that is freed: the mock rejects it without reading it.
    let stale = unsafe { SystemEventSet::from_raw(&m.nvml, handle) };
    assert!(matches!(stale.free(), Err(NvmlError::InvalidArgument(_))));
    // Many sets can be created and dropped: nothing leaks.
    for _ in 0..1000 {
        m.nvml.create_system_event_set().unwrap();
    }
}

#[test]
fn system_event_faults_map_to_their_variants() {
    let m = crate::support::mock();
    m.staged
        .set_fault(
            "nvmlSystemEventSetCreate",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    assert!(matches!(
        m.nvml.create_system_event_set(),
        Err(NvmlError::ArgumentVersionMismatch(_))
    ));
    m.staged.clear_fault("nvmlSystemEventSetCreate").unwrap();

    let set = m.nvml.create_system_event_set().unwrap();
    let both = SystemEventTypes::GPU_DRIVER_BIND | SystemEventTypes::GPU_DRIVER_UNBIND;
    m.staged
        .set_fault("nvmlSystemRegisterEvents", sys::NVML_ERROR_UNKNOWN)
        .unwrap();
    m.staged
        .set_fault("nvmlSystemEventSetWait", sys::NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    assert!(matches!(set.register(both), Err(NvmlError::Unknown(_))));
    assert!(matches!(set.wait(10, 0), Err(NvmlError::GpuLost(_))));
    m.staged
        .set_fault("nvmlSystemEventSetFree", sys::NVML_ERROR_INVALID_ARGUMENT)
        .unwrap();
    assert!(matches!(set.free(), Err(NvmlError::InvalidArgument(_))));
}

#[test]
fn event_context_queries_answer_not_supported_then_faults_map() {
    let m = crate::support::mock();
    let events = m.nvml.create_event_set().unwrap();
    assert!(matches!(
        events.context_count(),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        events.context_info(0),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        events.context_data(0),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        events.context_legacy_xid(0),
        Err(NvmlError::NotSupported(_))
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
    assert!(matches!(
        events.context_count(),
        Err(NvmlError::NotFound(_))
    ));
    assert!(matches!(
        events.context_info(7),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert!(matches!(
        events.context_data(0),
        Err(NvmlError::NotFound(_))
    ));
    assert!(matches!(
        events.context_legacy_xid(0),
        Err(NvmlError::NotFound(_))
    ));
}

#[test]
fn a_470_driver_lacks_system_events_and_event_contexts() {
    let m = crate::support::mock_legacy_470();
    assert!(matches!(
        m.nvml.create_system_event_set(),
        Err(NvmlError::MissingSymbol("nvmlSystemEventSetCreate"))
    ));
    let events = m.nvml.create_event_set().unwrap();
    assert!(matches!(
        events.context_count(),
        Err(NvmlError::MissingSymbol("nvmlEventSetGetContextCount_v1"))
    ));
}
