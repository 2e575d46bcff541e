//! System events: the driver binding to or unbinding from a GPU, for the whole machine
//! rather than one device (Linux).
//!
//! Create a [`SystemEventSet`] with [`Nvml::create_system_event_set`],
//! [`register`](SystemEventSet::register) the event types, then
//! [`wait`](SystemEventSet::wait). The set is freed (`nvmlSystemEventSetFree`) when dropped.
//!
//! ```no_run
//! use nvml_wrapper::{Nvml, system_event::SystemEventTypes};
//!
//! let nvml = Nvml::init()?;
//! let events = nvml.create_system_event_set()?;
//! events.register(SystemEventTypes::GPU_DRIVER_BIND | SystemEventTypes::GPU_DRIVER_UNBIND)?;
//! for event in events.wait(1000, 16)? {
//!     println!("{:?} on GPU {:#x}", event.event_type, event.gpu_id);
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```

use std::ffi::c_uint;

use nvml_sys as sys;

use crate::error::Result;
use crate::ffi::{LIST_MAX, nvml_call};
use crate::nvml::Nvml;
use crate::nvml_ref::NvmlRef;

bitflags::bitflags! {
    /// A set of system event types (`nvmlSystemEventType*`), for
    /// [`SystemEventSet::register`] and in [`SystemEvent::event_type`]. Bits these bindings
    /// do not name (from a newer driver) are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct SystemEventTypes: u64 {
        /// The driver unbound from a GPU (`nvmlSystemEventTypeGpuDriverUnbind`).
        const GPU_DRIVER_UNBIND = sys::nvmlSystemEventTypeGpuDriverUnbind as u64;
        /// The driver bound to a GPU (`nvmlSystemEventTypeGpuDriverBind`).
        const GPU_DRIVER_BIND = sys::nvmlSystemEventTypeGpuDriverBind as u64;
        // Bits a newer driver defines stay in the set.
        const _ = !0;
    }
}

/// One event from [`SystemEventSet::wait`] (`nvmlSystemEventData_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SystemEvent {
    /// What happened: one bit, normally.
    pub event_type: SystemEventTypes,
    /// The GPU it happened to, as NVML's PCI-format GPU id.
    pub gpu_id: u32,
}

crate::handle::handle! {
    owning "system event set";
    /// A set of system events to wait on, from
    /// [`Nvml::create_system_event_set`](crate::Nvml::create_system_event_set). Freed
    /// (`nvmlSystemEventSetFree`) when dropped. Borrowed (`SystemEventSet<'nvml>`, which cannot
    /// outlive its [`Nvml`](crate::Nvml)) or owned ([`OwnedSystemEventSet`], from
    /// [`SystemEventSet::into_owned`]); see [`NvmlRef`].
    pub struct SystemEventSet(sys::nvmlSystemEventSet_t);
    /// A [`SystemEventSet`] that owns a share of its library: no lifetime,
    /// `Send + Sync + 'static`.
    pub type OwnedSystemEventSet;
}

impl Nvml {
    /// A new, empty system event set (`nvmlSystemEventSetCreate` with
    /// `nvmlSystemEventSetCreateRequest_v1`).
    #[doc(alias = "nvmlSystemEventSetCreate")]
    pub fn create_system_event_set(&self) -> Result<SystemEventSet<'_>> {
        let mut request = sys::nvmlSystemEventSetCreateRequest_v1_t {
            version: sys::nvmlSystemEventSetCreateRequest_v1,
            set: std::ptr::null_mut(),
        };
        nvml_call!(self, nvmlSystemEventSetCreate(&mut request))?;
        SystemEventSet::from_handle(self, request.set)
    }
}

impl<N: NvmlRef> SystemEventSet<'_, N> {
    /// Starts recording events of `types` into this set (`nvmlSystemRegisterEvents` with
    /// `nvmlSystemRegisterEventRequest_v1`). Earlier events are not recorded.
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`](crate::NvmlError::NotSupported) if some types are not
    /// supported (none are registered; the set stays usable). After
    /// [`NvmlError::Unknown`](crate::NvmlError::Unknown) the set is in an undefined state: drop
    /// it.
    #[doc(alias = "nvmlSystemRegisterEvents")]
    pub fn register(&self, types: SystemEventTypes) -> Result<()> {
        let mut request = sys::nvmlSystemRegisterEventRequest_v1_t {
            version: sys::nvmlSystemRegisterEventRequest_v1,
            eventTypes: types.bits(),
            set: self.handle,
        };
        nvml_call!(self.nvml, nvmlSystemRegisterEvents(&mut request))
    }

    /// Waits up to `timeout_ms` milliseconds (0: do not wait) for events and returns up to
    /// `max_events` of them (`nvmlSystemEventSetWait` with
    /// `nvmlSystemEventSetWaitRequest_v1`). If it returns `max_events` events, more may be
    /// pending: call again.
    ///
    /// # Errors
    /// [`NvmlError::Timeout`](crate::NvmlError::Timeout) if none arrived in time; NVML's other
    /// errors.
    #[doc(alias = "nvmlSystemEventSetWait")]
    pub fn wait(&self, timeout_ms: u32, max_events: usize) -> Result<Vec<SystemEvent>> {
        let capacity = max_events.clamp(1, LIST_MAX);
        let mut data = vec![
            sys::nvmlSystemEventData_v1_t {
                eventType: 0,
                gpuId: 0,
            };
            capacity
        ];
        let mut request = sys::nvmlSystemEventSetWaitRequest_v1_t {
            version: sys::nvmlSystemEventSetWaitRequest_v1,
            timeoutms: timeout_ms,
            set: self.handle,
            data: data.as_mut_ptr(),
            dataSize: capacity as c_uint,
            numEvent: 0,
        };
        nvml_call!(self.nvml, nvmlSystemEventSetWait(&mut request))?;
        let count = (request.numEvent as usize).min(capacity);
        Ok(data
            .iter()
            .take(count)
            .map(|e| SystemEvent {
                event_type: SystemEventTypes::from_bits_retain(e.eventType),
                gpu_id: e.gpuId,
            })
            .collect())
    }

    /// Frees the set now (`nvmlSystemEventSetFree`), reporting NVML's answer, which `Drop`
    /// cannot. Either way the handle is not used again.
    #[doc(alias = "nvmlSystemEventSetFree")]
    pub fn free(self) -> Result<()> {
        let (nvml, handle) = self.into_parts();
        free_set(&nvml, handle)
    }
}

/// `nvmlSystemEventSetFree` with `nvmlSystemEventSetFreeRequest_v1`.
fn free_set(nvml: &impl NvmlRef, set: sys::nvmlSystemEventSet_t) -> Result<()> {
    let mut request = sys::nvmlSystemEventSetFreeRequest_v1_t {
        version: sys::nvmlSystemEventSetFreeRequest_v1,
        set,
    };
    nvml_call!(nvml, nvmlSystemEventSetFree(&mut request))
}

impl<N: NvmlRef> Drop for SystemEventSet<'_, N> {
    /// Frees the set (`nvmlSystemEventSetFree`); an error cannot be reported here (use
    /// [`SystemEventSet::free`] to see it).
    fn drop(&mut self) {
        let _ = free_set(&self.nvml, self.handle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_event_bits_match_the_header_and_unknown_bits_are_kept() {
        let types = SystemEventTypes::from_bits_retain(2 | 1 << 40);
        assert!(types.contains(SystemEventTypes::GPU_DRIVER_BIND));
        assert!(!types.contains(SystemEventTypes::GPU_DRIVER_UNBIND));
        assert_eq!(types.bits(), 2 | 1 << 40);
    }

    #[test]
    fn system_event_sets_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SystemEventSet<'_>>();
        check::<OwnedSystemEventSet>();
    }
}
