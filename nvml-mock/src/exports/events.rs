//! Event sets: create, register, wait (with timeout), free. Events come from
//! `nvml_mock_inject_event`.

use std::ffi::{c_uint, c_ulonglong};
use std::time::{Duration, Instant};

use nvml_sys::*;

use crate::dispatch::{GLOBAL, lock};
use crate::handles::{MAX_EVENT_SETS, device_handle, event_set_handle, event_set_ref};
use crate::machine::{Event, EventSet};
use crate::marshal::{fill_array, get, put};

/// Event types a GPU supports: everything but power-source changes, and ECC events only with
/// ECC.
fn supported_types(ecc: bool) -> u64 {
    let mut all = u64::from(nvmlEventTypeAll) & !u64::from(nvmlEventTypePowerSourceChange);
    if !ecc {
        all &= !u64::from(
            nvmlEventTypeSingleBitEccError
                | nvmlEventTypeDoubleBitEccError
                | nvmlEventTypeSingleBitEccErrorStorm,
        );
    }
    all
}

export! {
    fn nvmlEventSetCreate(set: *mut nvmlEventSet_t) |c| {
        if set.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let sets = &mut c.m.event_sets;
        let slot = match sets.iter().position(Option::is_none) {
            Some(i) => i,
            None if sets.len() < MAX_EVENT_SETS => {
                sets.push(None);
                sets.len() - 1
            }
            None => return Err(NVML_ERROR_MEMORY),
        };
        if let Some(s) = sets.get_mut(slot) {
            *s = Some(EventSet::default());
        }
        put(set, event_set_handle(slot))
    }
    fn nvmlEventSetFree(set: nvmlEventSet_t) |c| {
        let slot = event_set_ref(set).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        match c.m.event_sets.get_mut(slot) {
            Some(s @ Some(_)) => {
                *s = None;
                GLOBAL.events.notify_all();
                Ok(())
            }
            _ => Err(NVML_ERROR_INVALID_ARGUMENT),
        }
    }
    fn nvmlDeviceGetSupportedEventTypes(device: nvmlDevice_t, eventTypes: *mut c_ulonglong) |c| {
        let g = c.m.gpu(device)?;
        put(eventTypes, supported_types(g.spec().ecc_supported))
    }
    fn nvmlDeviceRegisterEvents(device: nvmlDevice_t, eventTypes: c_ulonglong, set: nvmlEventSet_t) |c| {
        let gpu = c.m.gpu_index(device)?;
        let supported = supported_types(c.m.gpu(device)?.spec().ecc_supported);
        let slot = event_set_ref(set).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let Some(Some(s)) = c.m.event_sets.get_mut(slot) else {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        };
        if eventTypes & !supported != 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        s.registrations.push((gpu, eventTypes));
        Ok(())
    }
}

/// Waits for the next event of `set` for up to `timeout_ms`, releasing the lock while asleep,
/// and hands it to `deliver` (which writes the caller's struct) with the GPU's UUID.
fn wait(
    name: &'static str,
    set: nvmlEventSet_t,
    out_is_null: bool,
    timeout_ms: c_uint,
    deliver: impl FnOnce(Event, &str) -> Result<(), nvmlReturn_t>,
) -> nvmlReturn_t {
    let r = crate::dispatch::guard(name, || {
        let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
        let mut g = lock();
        if let Some(r) = g.fault(name) {
            return r;
        }
        if out_is_null {
            return if g.machine.is_some() {
                NVML_ERROR_INVALID_ARGUMENT
            } else {
                NVML_ERROR_UNINITIALIZED
            };
        }
        loop {
            let Some(m) = g.machine.as_mut() else {
                return NVML_ERROR_UNINITIALIZED;
            };
            let Some(slot) = event_set_ref(set) else {
                return NVML_ERROR_INVALID_ARGUMENT;
            };
            let Some(Some(s)) = m.event_sets.get_mut(slot) else {
                return NVML_ERROR_INVALID_ARGUMENT;
            };
            if let Some(ev) = s.queue.pop_front() {
                let uuid = m
                    .gpus
                    .get(ev.gpu)
                    .map(|g| g.spec().uuid.clone())
                    .unwrap_or_default();
                return match deliver(ev, &uuid) {
                    Ok(()) => NVML_SUCCESS,
                    Err(e) => e,
                };
            }
            let now = Instant::now();
            if now >= deadline {
                return NVML_ERROR_TIMEOUT;
            }
            g = match GLOBAL.events.wait_timeout(g, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    });
    crate::dispatch::answer(name, r)
}

fn wait_v2(
    name: &'static str,
    set: nvmlEventSet_t,
    data: *mut nvmlEventData_t,
    timeout_ms: c_uint,
) -> nvmlReturn_t {
    wait(name, set, data.is_null(), timeout_ms, |ev, _| {
        let na = NVML_VALUE_NOT_AVAILABLE as u32;
        put(
            data,
            nvmlEventData_t {
                device: device_handle(ev.gpu),
                eventType: ev.event_type,
                eventData: ev.data,
                gpuInstanceId: na,
                computeInstanceId: na,
            },
        )
    })
}

/// `nvmlEventSetWait_v2`: the next event of the set, or `NVML_ERROR_TIMEOUT` after
/// `timeoutms` milliseconds.
///
/// # Safety
/// `data` is null or points to a writable `nvmlEventData_t`.
#[allow(non_snake_case)]
pub unsafe extern "C" fn nvmlEventSetWait_v2(
    set: nvmlEventSet_t,
    data: *mut nvmlEventData_t,
    timeoutms: c_uint,
) -> nvmlReturn_t {
    wait_v2("nvmlEventSetWait_v2", set, data, timeoutms)
}

/// `nvmlEventSetWait` (v1): same as `nvmlEventSetWait_v2`.
///
/// # Safety
/// `data` is null or points to a writable `nvmlEventData_t`.
#[allow(non_snake_case)]
pub unsafe extern "C" fn nvmlEventSetWait(
    set: nvmlEventSet_t,
    data: *mut nvmlEventData_t,
    timeoutms: c_uint,
) -> nvmlReturn_t {
    wait_v2("nvmlEventSetWait", set, data, timeoutms)
}

/// `nvmlEventSetWait_v3`: the next event in the NVML 13 format (`params->timeoutMs` in;
/// NVML event-bit data out: `dataType` `NVML_EVENT_DATA_TYPE_NVML_EVENT`, the GPU's UUID,
/// event type and data, timestamp; structured-event fields 0 or empty).
///
/// # Safety
/// `params` is null or points to a readable and writable `nvmlEventSetWait_v3_t`.
#[allow(non_snake_case)]
pub unsafe extern "C" fn nvmlEventSetWait_v3(
    set: nvmlEventSet_t,
    params: *mut nvmlEventSetWait_v3_t,
) -> nvmlReturn_t {
    let timeout = if params.is_null() {
        0
    } else {
        match get(params) {
            Ok(p) => p.timeoutMs,
            Err(e) => return e,
        }
    };
    wait(
        "nvmlEventSetWait_v3",
        set,
        params.is_null(),
        timeout,
        |ev, uuid| {
            // SAFETY: every field is an integer or an integer array: all-zero is a valid value.
            let mut out: nvmlEventSetWait_v3_t = unsafe { std::mem::zeroed() };
            out.timeoutMs = timeout;
            out.dataType = NVML_EVENT_DATA_TYPE_NVML_EVENT;
            fill_array(&mut out.uuid, uuid);
            out.eventType = ev.event_type;
            out.eventData = ev.data;
            out.timestampUsec = ev.timestamp_us;
            out.gpuInstanceId = NVML_GPU_INSTANCE_ID_ANY;
            out.computeInstanceId = NVML_COMPUTE_INSTANCE_ID_ANY;
            put(params, out)
        },
    )
}

implemented!(nvmlEventSetWait_v2, nvmlEventSetWait, nvmlEventSetWait_v3);
