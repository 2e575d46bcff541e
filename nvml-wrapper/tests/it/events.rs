//! Events against the simulated DGX H100: register, inject through the mock's hook, wait.

use nvml_wrapper::NvmlError;
use nvml_wrapper::enums::{EventDataType, OperationalEventLogLevel, OperationalEventSeverity};
use nvml_wrapper::event::EventTypes;

#[test]
fn an_injected_xid_is_delivered_with_its_gpu_and_code() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(3)?;
    assert!(
        gpu.supported_event_types()?
            .contains(EventTypes::XID_CRITICAL_ERROR)
    );

    let events = m.nvml.create_event_set()?;
    events.register(&gpu, EventTypes::XID_CRITICAL_ERROR)?;
    m.staged.inject_xid(3, 79).expect("inject an XID");

    let event = events.wait(1000)?;
    assert_eq!(event.device.uuid()?, gpu.uuid()?);
    assert_eq!(event.device, gpu);
    assert_eq!(event.event_type, EventTypes::XID_CRITICAL_ERROR);
    assert_eq!(event.event_data, 79);
    assert_eq!(event.gpu_instance_id, None);
    assert_eq!(event.compute_instance_id, None);

    // Delivered once.
    assert!(matches!(events.wait(10), Err(NvmlError::Timeout(_))));
    Ok(())
}

#[test]
fn waiting_with_nothing_pending_times_out() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let events = m.nvml.create_event_set()?;
    events.register(&m.nvml.device_by_index(0)?, EventTypes::XID_CRITICAL_ERROR)?;
    assert!(matches!(events.wait(10), Err(NvmlError::Timeout(_))));
    // An empty set times out too.
    let empty = m.nvml.create_event_set()?;
    assert!(matches!(empty.wait(10), Err(NvmlError::Timeout(_))));
    Ok(())
}

#[test]
fn only_registered_gpus_and_types_are_delivered() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let events = m.nvml.create_event_set()?;
    events.register(&m.nvml.device_by_index(3)?, EventTypes::XID_CRITICAL_ERROR)?;

    m.staged.inject_xid(2, 13).expect("XID on another GPU");
    let clock = u64::from(nvml_wrapper::sys::nvmlEventTypeClock);
    m.staged.inject_event(3, clock, 0).expect("a clock event");
    assert!(matches!(events.wait(10), Err(NvmlError::Timeout(_))));

    m.staged.inject_xid(3, 48).expect("XID on GPU 3");
    assert_eq!(events.wait(1000)?.event_data, 48);
    Ok(())
}

#[test]
fn several_types_and_gpus_share_one_set() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let events = m.nvml.create_event_set()?;
    let wanted = EventTypes::XID_CRITICAL_ERROR | EventTypes::CLOCK | EventTypes::PSTATE;
    for gpu in m.nvml.devices()? {
        events.register(&gpu, wanted & gpu.supported_event_types()?)?;
    }
    m.staged.inject_xid(5, 31).expect("XID on GPU 5");
    let pstate = u64::from(nvml_wrapper::sys::nvmlEventTypePState);
    m.staged
        .inject_event(1, pstate, 0)
        .expect("P-state event on GPU 1");

    let first = events.wait(1000)?;
    assert_eq!(first.device.index()?, 5);
    assert_eq!(first.event_type, EventTypes::XID_CRITICAL_ERROR);
    let second = events.wait(1000)?;
    assert_eq!(second.device.index()?, 1);
    assert_eq!(second.event_type, EventTypes::PSTATE);
    Ok(())
}

#[test]
fn a_waiting_thread_wakes_up_for_an_event() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let events = m.nvml.create_event_set()?;
    events.register(&m.nvml.device_by_index(3)?, EventTypes::XID_CRITICAL_ERROR)?;

    // The set is Sync: one thread waits while this one injects.
    let delivered = std::thread::scope(|s| {
        let waiter = s.spawn(|| events.wait(5000));
        std::thread::sleep(std::time::Duration::from_millis(50));
        m.staged.inject_xid(3, 94).expect("inject an XID");
        waiter.join().expect("the waiter does not panic")
    })?;
    assert_eq!(delivered.event_data, 94);
    assert_eq!(delivered.device.index()?, 3);
    Ok(())
}

/// A wait for as long as NVML allows (`u32::MAX` ms, 49 days) ends within one slice of a
/// stop from another thread, with `Ok(None)`; the waiter's share of the library goes with it.
#[test]
fn a_blocked_wait_ends_when_another_thread_stops_it() -> Result<(), NvmlError> {
    use nvml_wrapper::event::{STOP_SLICE_MS, StopToken};
    use std::time::{Duration, Instant};

    let m = crate::support::mock();
    let events = m.nvml.create_event_set()?.into_owned();
    events.register(&m.nvml.device_by_index(3)?, EventTypes::XID_CRITICAL_ERROR)?;
    let stop = std::sync::Arc::new(StopToken::new());
    let waiter = {
        let stop = stop.clone();
        std::thread::spawn(move || events.wait_or_stop(u32::MAX, &stop).map(|e| e.is_none()))
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !waiter.is_finished(),
        "the wait is still blocked before the stop"
    );
    let stopped_at = Instant::now();
    stop.stop();
    let stopped = waiter.join().expect("the waiter does not panic")?;
    let took = stopped_at.elapsed();
    assert!(stopped, "a stop answers Ok(None), not an event");
    assert!(
        took < Duration::from_millis(u64::from(STOP_SLICE_MS) + 400),
        "the wait ended {took:?} after the stop"
    );
    eprintln!("reliability: a u32::MAX ms wait ended {took:?} after its stop");
    crate::support::reliability_doc::keep(
        "wait-stop",
        &format!(
            "a `u32::MAX` ms wait, stopped from another thread, ends within one {STOP_SLICE_MS} ms slice (the test allows {} ms)",
            STOP_SLICE_MS + 400
        ),
    );
    // A stopped token ends the next wait at once; reset, waits wait again.
    let events = m.nvml.create_event_set()?;
    assert!(events.wait_or_stop(u32::MAX, &stop)?.is_none());
    stop.reset();
    assert!(matches!(
        events.wait_or_stop(10, &stop),
        Err(NvmlError::Timeout(_))
    ));
    Ok(())
}

/// Waiting in slices changes nothing else: an event during the wait is delivered, and the
/// whole timeout (longer than a slice) is kept before `Timeout`.
#[test]
fn a_stoppable_wait_delivers_events_and_keeps_its_timeout() -> Result<(), NvmlError> {
    use nvml_wrapper::event::StopToken;
    use std::time::{Duration, Instant};

    let m = crate::support::mock();
    let events = m.nvml.create_event_set()?;
    events.register(&m.nvml.device_by_index(3)?, EventTypes::XID_CRITICAL_ERROR)?;
    let stop = StopToken::new();
    let delivered = std::thread::scope(|s| {
        let waiter = s.spawn(|| events.wait_or_stop(5000, &stop));
        std::thread::sleep(Duration::from_millis(350));
        m.staged.inject_xid(3, 48).expect("inject an XID");
        waiter.join().expect("the waiter does not panic")
    })?;
    assert_eq!(delivered.map(|e| e.event_data), Some(48));

    let started = Instant::now();
    assert!(matches!(
        events.wait_or_stop(450, &stop),
        Err(NvmlError::Timeout(_))
    ));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    Ok(())
}

#[test]
fn unsupported_types_are_refused_and_the_set_stays_usable() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    // The mock's GPUs have no battery.
    assert!(
        !gpu.supported_event_types()?
            .contains(EventTypes::POWER_SOURCE_CHANGE)
    );

    let events = m.nvml.create_event_set()?;
    let err = events
        .register(&gpu, EventTypes::POWER_SOURCE_CHANGE)
        .unwrap_err();
    assert!(matches!(err, NvmlError::NotSupported(_)), "{err}");
    events.register(&gpu, EventTypes::XID_CRITICAL_ERROR)?;
    m.staged.inject_xid(0, 43).expect("inject an XID");
    assert_eq!(events.wait(1000)?.event_data, 43);
    Ok(())
}

#[test]
fn dropped_sets_are_freed() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    // The mock holds at most 256 sets at a time: creating many more one after another works
    // only if each is freed when dropped.
    for _ in 0..600 {
        let events = m.nvml.create_event_set()?;
        events.register(&gpu, EventTypes::XID_CRITICAL_ERROR)?;
    }
    // ... whereas sets kept alive run out.
    let mut alive = Vec::new();
    let exhausted = loop {
        match m.nvml.create_event_set() {
            Ok(set) if alive.len() < 1000 => alive.push(set),
            Ok(_) => panic!("the mock never ran out of event sets"),
            Err(e) => break e,
        }
    };
    assert!(matches!(exhausted, NvmlError::Memory(_)), "{exhausted}");
    alive.clear();
    // Freed explicitly, with NVML's answer.
    m.nvml.create_event_set()?.free()?;
    Ok(())
}

#[test]
fn a_failing_wait_reports_the_drivers_error() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    let events = m.nvml.create_event_set()?;
    m.staged
        .set_fault(
            "nvmlEventSetWait_v2",
            nvml_wrapper::sys::NVML_ERROR_GPU_IS_LOST,
        )
        .expect("set a fault");
    assert!(matches!(events.wait(10), Err(NvmlError::GpuLost(_))));
    Ok(())
}

#[test]
fn the_newest_wait_is_chosen_and_older_drivers_work_the_same() -> Result<(), NvmlError> {
    let m = crate::support::mock();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlEventSetWait"),
        Some("nvmlEventSetWait_v2")
    );

    let old = crate::support::mock_legacy_470();
    assert_eq!(
        old.nvml.chosen_symbol("nvmlEventSetWait"),
        Some("nvmlEventSetWait_v2")
    );
    let events = old.nvml.create_event_set()?;
    events.register(
        &old.nvml.device_by_index(3)?,
        EventTypes::XID_CRITICAL_ERROR,
    )?;
    old.staged.inject_xid(3, 79).expect("inject an XID");
    assert_eq!(events.wait(1000)?.event_data, 79);
    // 470 predates the structured (NVML 13) event API.
    assert!(matches!(
        events.wait_operational(10),
        Err(NvmlError::MissingSymbol("nvmlEventSetWait_v3"))
    ));
    Ok(())
}

#[test]
fn structured_waits_report_what_the_library_answers() -> Result<(), NvmlError> {
    // The mock exports the NVML 13 structured event API but does not model it yet: it answers
    // NOT_SUPPORTED, which must come through as an error, not a bogus event.
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(3)?;
    let events = m.nvml.create_event_set()?;
    events.register(&gpu, EventTypes::XID_CRITICAL_ERROR)?;
    match events.register_operational_events(
        &gpu,
        OperationalEventLogLevel::All,
        OperationalEventSeverity::All,
    ) {
        Ok(()) | Err(NvmlError::NotSupported(_)) => {}
        Err(e) => panic!("unexpected error registering operational events: {e}"),
    }
    m.staged.inject_xid(3, 79).expect("inject an XID");
    match events.wait_operational(1000) {
        Ok(event) => {
            assert_eq!(event.data_type, EventDataType::NvmlEvent);
            assert_eq!(event.uuid, gpu.uuid()?);
            assert_eq!(event.event_type, EventTypes::XID_CRITICAL_ERROR);
            assert_eq!(event.event_data, 79);
        }
        Err(NvmlError::NotSupported(_)) => {}
        Err(e) => panic!("unexpected error from the structured wait: {e}"),
    }
    Ok(())
}

#[test]
#[ignore = "needs a real NVIDIA GPU and driver"]
fn real_gpu_events_can_be_registered_and_waited_for() -> Result<(), NvmlError> {
    let nvml = nvml_wrapper::Nvml::init()?;
    let events = nvml.create_event_set()?;
    for gpu in nvml.devices()? {
        let supported = gpu.supported_event_types()?;
        assert!(supported.contains(EventTypes::XID_CRITICAL_ERROR));
        events.register(&gpu, supported & EventTypes::XID_CRITICAL_ERROR)?;
    }
    // A healthy GPU has no XIDs to report.
    assert!(matches!(events.wait(100), Err(NvmlError::Timeout(_))));
    Ok(())
}
