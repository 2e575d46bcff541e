//! System event sets: the driver binding to or unbinding from a GPU. Events come from
//! `nvml_mock_inject_system_event`.

use std::time::{Duration, Instant};

use nvml_sys::*;

use crate::dispatch::{GLOBAL, lock};
use crate::handles::{MAX_EVENT_SETS, system_event_set_handle, system_event_set_ref};
use crate::machine::SystemEventSet;
use crate::marshal::{get, put};
use crate::profile::GpuSpec;

/// The system event types the mock knows.
pub const SYSTEM_EVENT_TYPES: u64 =
    (nvmlSystemEventTypeGpuDriverUnbind | nvmlSystemEventTypeGpuDriverBind) as u64;

/// A GPU's id "in PCI format", as system events carry it: domain << 16 | bus << 8 |
/// device << 3 | function (function 0).
pub fn pci_gpu_id(g: &GpuSpec) -> u32 {
    (g.pci_domain << 16) | ((g.pci_bus & 0xff) << 8) | ((g.pci_device & 0x1f) << 3)
}

export! {
    fn nvmlSystemEventSetCreate(request: *mut nvmlSystemEventSetCreateRequest_t) |c| {
        let mut r = get(request)?;
        if r.version != nvmlSystemEventSetCreateRequest_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let sets = &mut c.m.system_event_sets;
        let slot = match sets.iter().position(Option::is_none) {
            Some(i) => i,
            None if sets.len() < MAX_EVENT_SETS => {
                sets.push(None);
                sets.len() - 1
            }
            None => return Err(NVML_ERROR_MEMORY),
        };
        if let Some(s) = sets.get_mut(slot) {
            *s = Some(SystemEventSet::default());
        }
        r.set = system_event_set_handle(slot);
        put(request, r)
    }
    fn nvmlSystemEventSetFree(request: *mut nvmlSystemEventSetFreeRequest_t) |c| {
        let r = get(request)?;
        if r.version != nvmlSystemEventSetFreeRequest_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let slot = system_event_set_ref(r.set).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        match c.m.system_event_sets.get_mut(slot) {
            Some(s @ Some(_)) => {
                *s = None;
                GLOBAL.events.notify_all();
                Ok(())
            }
            _ => Err(NVML_ERROR_INVALID_ARGUMENT),
        }
    }
    fn nvmlSystemRegisterEvents(request: *mut nvmlSystemRegisterEventRequest_t) |c| {
        let r = get(request)?;
        if r.version != nvmlSystemRegisterEventRequest_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let slot = system_event_set_ref(r.set).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let Some(Some(s)) = c.m.system_event_sets.get_mut(slot) else {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        };
        if r.eventTypes & !SYSTEM_EVENT_TYPES != 0 {
            // None of the requested types is registered; the set stays usable.
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        s.mask |= r.eventTypes;
        Ok(())
    }
}

/// `nvmlSystemEventSetWait`: up to `request->dataSize` pending events of the set, waiting up
/// to `request->timeoutms` milliseconds (releasing the lock while asleep) for the first one;
/// `NVML_ERROR_TIMEOUT` if none came.
///
/// # Safety
/// `request` is null or points to a readable and writable
/// `nvmlSystemEventSetWaitRequest_t` whose `data` holds `dataSize` writable entries.
#[allow(non_snake_case)]
pub unsafe extern "C" fn nvmlSystemEventSetWait(
    request: *mut nvmlSystemEventSetWaitRequest_t,
) -> nvmlReturn_t {
    let r = crate::dispatch::guard("nvmlSystemEventSetWait", || {
        let mut g = lock();
        if let Some(r) = g.fault("nvmlSystemEventSetWait") {
            return r;
        }
        if g.machine.is_none() {
            return NVML_ERROR_UNINITIALIZED;
        }
        let mut r = match get(request.cast_const()) {
            Ok(r) => r,
            Err(e) => return e,
        };
        if r.version != nvmlSystemEventSetWaitRequest_v1 {
            return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
        }
        if r.data.is_null() || r.dataSize == 0 {
            return NVML_ERROR_INVALID_ARGUMENT;
        }
        let deadline = Instant::now() + Duration::from_millis(u64::from(r.timeoutms));
        loop {
            let Some(m) = g.machine.as_mut() else {
                return NVML_ERROR_UNINITIALIZED;
            };
            let Some(slot) = system_event_set_ref(r.set) else {
                return NVML_ERROR_INVALID_ARGUMENT;
            };
            let Some(Some(s)) = m.system_event_sets.get_mut(slot) else {
                return NVML_ERROR_INVALID_ARGUMENT;
            };
            if !s.queue.is_empty() {
                let mut n: u32 = 0;
                while n < r.dataSize {
                    let Some((event_type, gpu_id)) = s.queue.pop_front() else {
                        break;
                    };
                    let entry = nvmlSystemEventData_v1_t {
                        eventType: event_type,
                        gpuId: gpu_id,
                    };
                    // `n < dataSize`: inside the caller's array (checked non-null above).
                    if let Err(e) = put(r.data.wrapping_add(n as usize), entry) {
                        return e;
                    }
                    n += 1;
                }
                r.numEvent = n;
                return match put(request, r) {
                    Ok(()) => NVML_SUCCESS,
                    Err(e) => e,
                };
            }
            let now = Instant::now();
            if now >= deadline {
                r.numEvent = 0;
                return match put(request, r) {
                    Ok(()) => NVML_ERROR_TIMEOUT,
                    Err(e) => e,
                };
            }
            g = match GLOBAL.events.wait_timeout(g, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    });
    crate::dispatch::answer("nvmlSystemEventSetWait", r)
}

implemented!(nvmlSystemEventSetWait);
