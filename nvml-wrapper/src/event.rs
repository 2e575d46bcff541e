//! Events: XIDs, ECC errors, clock and power changes, delivered as they happen.
//!
//! Create an [`EventSet`] with [`Nvml::create_event_set`], [`register`](EventSet::register)
//! the event types you want on each GPU, then [`wait`](EventSet::wait). The set is freed
//! (`nvmlEventSetFree`) when dropped.
//!
//! ```no_run
//! use nvml_wrapper::{Nvml, NvmlError, event::EventTypes};
//!
//! let nvml = Nvml::init()?;
//! let events = nvml.create_event_set()?;
//! for gpu in nvml.devices()? {
//!     let wanted = EventTypes::XID_CRITICAL_ERROR | EventTypes::DOUBLE_BIT_ECC_ERROR;
//!     events.register(&gpu, wanted & gpu.supported_event_types()?)?;
//! }
//! loop {
//!     match events.wait(1000) {
//!         Ok(event) => println!("{}: {:?} {}", event.device.uuid()?, event.event_type, event.event_data),
//!         Err(NvmlError::Timeout(_)) => continue,
//!         Err(e) => return Err(e),
//!     }
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```
//!
//! # Ending a wait from another thread
//!
//! `nvmlEventSetWait` has no way to be cancelled: a thread blocked in [`EventSet::wait`]
//! stays there until an event comes or its timeout passes (and keeps NVML initialised, since
//! it holds a share of the library). [`EventSet::wait_or_stop`] takes a [`StopToken`]
//! instead: it waits in slices of at most [`STOP_SLICE_MS`] milliseconds and checks the token
//! between them, so [`StopToken::stop`], from any thread or a signal handler, ends the wait
//! within one slice with `Ok(None)`, distinct from an event and from a timeout.
//!
//! ```no_run
//! use nvml_wrapper::{Nvml, event::{EventTypes, StopToken}};
//!
//! static STOP: StopToken = StopToken::new();
//!
//! let nvml = Nvml::init()?;
//! let events = nvml.create_event_set()?.into_owned();
//! for gpu in nvml.devices()? {
//!     events.register(&gpu, EventTypes::XID_CRITICAL_ERROR & gpu.supported_event_types()?)?;
//! }
//! let waiter = std::thread::spawn(move || -> nvml_wrapper::Result<()> {
//!     while let Some(event) = events.wait_or_stop(u32::MAX, &STOP)? {
//!         println!("{:?} {}", event.event_type, event.event_data);
//!     }
//!     Ok(()) // stopped
//! });
//! // ... later, on shutdown (or from a SIGINT handler: `stop` only stores an atomic flag):
//! STOP.stop();
//! waiter.join().expect("the waiter does not panic")?;
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```
//!
//! **Async runtimes.** A wait blocks its thread, so it does not belong on an executor thread.
//! Run the loop above on a thread of its own (`std::thread::spawn`, or
//! `tokio::task::spawn_blocking`), send each event into a channel the async side reads
//! (`tokio::sync::mpsc::Sender::blocking_send`), and at shutdown call [`StopToken::stop`] and
//! await the thread or task: it ends within [`STOP_SLICE_MS`] ms, dropping its share of the
//! library. The token can live in a `static`, or be shared with `Arc<StopToken>`.

use std::ffi::c_char;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nvml_sys as sys;

use crate::device::Device;
use crate::enums::{EventDataType, OperationalEventLogLevel, OperationalEventSeverity};
use crate::error::{NvmlError, Result};
use crate::ffi::{lossy_string, nvml_call, read_list, string_from_c_buf};
use crate::nvml::Nvml;
use crate::nvml_ref::NvmlRef;
use crate::versions::{event_wait, event_wait_structured};

bitflags::bitflags! {
    /// A set of event types (`nvmlEventType*`), for [`EventSet::register`] and in
    /// [`EventData::event_type`]. Bits these bindings do not name (from a newer driver) are
    /// kept, never dropped.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct EventTypes: u64 {
        /// A single-bit (corrected) ECC error (`nvmlEventTypeSingleBitEccError`).
        const SINGLE_BIT_ECC_ERROR = sys::nvmlEventTypeSingleBitEccError as u64;
        /// A double-bit (uncorrected) ECC error (`nvmlEventTypeDoubleBitEccError`).
        const DOUBLE_BIT_ECC_ERROR = sys::nvmlEventTypeDoubleBitEccError as u64;
        /// A P-state change (`nvmlEventTypePState`).
        const PSTATE = sys::nvmlEventTypePState as u64;
        /// An XID critical error; [`EventData::event_data`] is the XID
        /// (`nvmlEventTypeXidCriticalError`).
        const XID_CRITICAL_ERROR = sys::nvmlEventTypeXidCriticalError as u64;
        /// A clock change (`nvmlEventTypeClock`).
        const CLOCK = sys::nvmlEventTypeClock as u64;
        /// A change between AC and battery power (`nvmlEventTypePowerSourceChange`).
        const POWER_SOURCE_CHANGE = sys::nvmlEventTypePowerSourceChange as u64;
        /// A MIG configuration change (`nvmlEventMigConfigChange`; the header's name lacks
        /// the `Type`).
        const MIG_CONFIG_CHANGE = sys::nvmlEventMigConfigChange as u64;
        /// A storm of single-bit ECC errors (`nvmlEventTypeSingleBitEccErrorStorm`).
        const SINGLE_BIT_ECC_ERROR_STORM = sys::nvmlEventTypeSingleBitEccErrorStorm as u64;
        /// A DRAM page retirement (`nvmlEventTypeDramRetirementEvent`).
        const DRAM_RETIREMENT_EVENT = sys::nvmlEventTypeDramRetirementEvent as u64;
        /// A failed DRAM page retirement (`nvmlEventTypeDramRetirementFailure`).
        const DRAM_RETIREMENT_FAILURE = sys::nvmlEventTypeDramRetirementFailure as u64;
        /// A non-fatal poison error (`nvmlEventTypeNonFatalPoisonError`).
        const NON_FATAL_POISON_ERROR = sys::nvmlEventTypeNonFatalPoisonError as u64;
        /// A fatal poison error (`nvmlEventTypeFatalPoisonError`).
        const FATAL_POISON_ERROR = sys::nvmlEventTypeFatalPoisonError as u64;
        /// The GPU became unavailable (`nvmlEventTypeGpuUnavailableError`).
        const GPU_UNAVAILABLE_ERROR = sys::nvmlEventTypeGpuUnavailableError as u64;
        /// A recovery action is needed (`nvmlEventTypeGpuRecoveryAction`).
        const GPU_RECOVERY_ACTION = sys::nvmlEventTypeGpuRecoveryAction as u64;
        // Bits a newer driver defines stay in the set.
        const _ = !0;
    }
}

/// The longest slice [`EventSet::wait_or_stop`] waits before it looks at its [`StopToken`]
/// again: how long a stop can take to end a wait.
pub const STOP_SLICE_MS: u32 = 100;

/// A flag that ends [`EventSet::wait_or_stop`] (and [`EventSet::wait_operational_or_stop`])
/// from another thread or a signal handler. Shared by reference: put it in a `static` or an
/// `Arc`. Once stopped it stays stopped, until [`StopToken::reset`].
#[derive(Debug, Default)]
pub struct StopToken(AtomicBool);

impl StopToken {
    /// A token not stopped yet.
    pub const fn new() -> StopToken {
        StopToken(AtomicBool::new(false))
    }

    /// Asks every wait on this token to end (within [`STOP_SLICE_MS`] ms). Only an atomic
    /// store: safe in a signal handler.
    pub fn stop(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether [`StopToken::stop`] was called (and not [`reset`](StopToken::reset) since).
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Makes the token usable for new waits.
    pub fn reset(&self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Calls `wait(slice_ms)` in slices until it answers something other than a timeout, the
/// total `timeout_ms` is over (the last slice's timeout is the answer), or `stop` is stopped
/// (`Ok(None)`; checked before every slice, so a token already stopped waits not at all).
fn wait_in_slices<T>(
    timeout_ms: u32,
    stop: &StopToken,
    mut wait: impl FnMut(u32) -> Result<T>,
) -> Result<Option<T>> {
    let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
    loop {
        if stop.is_stopped() {
            return Ok(None);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        // Rounded up: the slices together wait no less than `timeout_ms`.
        let left_ms = u32::try_from(left.as_micros().div_ceil(1000)).unwrap_or(u32::MAX);
        match wait(left_ms.min(STOP_SLICE_MS)) {
            Err(NvmlError::Timeout(_)) if left_ms > STOP_SLICE_MS => continue,
            other => return other.map(Some),
        }
    }
}

/// The GPU or compute instance sentinel "not applicable" (`NVML_GPU_INSTANCE_ID_ANY`,
/// `NVML_COMPUTE_INSTANCE_ID_ANY`).
fn instance_id(raw: u32) -> Option<u32> {
    (raw != sys::NVML_GPU_INSTANCE_ID_ANY).then_some(raw)
}

/// An event from [`EventSet::wait`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventData<'nvml, N = &'nvml Nvml> {
    /// The GPU it happened on: borrowed or owned, as the [`EventSet`] is.
    pub device: Device<'nvml, N>,
    /// What happened: one bit, normally.
    pub event_type: EventTypes,
    /// Details: the XID for [`EventTypes::XID_CRITICAL_ERROR`], otherwise type-specific (0
    /// when none).
    pub event_data: u64,
    /// The MIG GPU instance the event is attributable to, if any.
    pub gpu_instance_id: Option<u32>,
    /// The MIG compute instance the event is attributable to, if any.
    pub compute_instance_id: Option<u32>,
}

crate::handle::handle! {
    owning "event set";
    /// A set of events to wait on, from [`Nvml::create_event_set`](crate::Nvml::create_event_set).
    /// Freed (`nvmlEventSetFree`) when dropped. Borrowed (`EventSet<'nvml>`, which cannot
    /// outlive its [`Nvml`](crate::Nvml)) or owned ([`OwnedEventSet`], from
    /// [`EventSet::into_owned`]: no lifetime, movable into a thread); see
    /// [`NvmlRef`]. `register` and `wait` take `&self` and may run
    /// concurrently (NVML is thread-safe); only `free` and `Drop` free it.
    pub struct EventSet(sys::nvmlEventSet_t);
    /// An [`EventSet`] that owns a share of its library: no lifetime, `Send + Sync + 'static`.
    /// Its events carry [`OwnedDevice`](crate::device::OwnedDevice)s.
    pub type OwnedEventSet;
}

impl Nvml {
    /// A new, empty event set (`nvmlEventSetCreate`).
    #[doc(alias = "nvmlEventSetCreate")]
    pub fn create_event_set(&self) -> Result<EventSet<'_>> {
        let mut handle: sys::nvmlEventSet_t = std::ptr::null_mut();
        nvml_call!(self, nvmlEventSetCreate(&mut handle))?;
        EventSet::from_handle(self, handle)
    }
}

impl<'nvml, N: NvmlRef> EventSet<'nvml, N> {
    /// `device`, if it comes from the same loaded library as this set: a handle is only
    /// meaningful to the library that issued it (two [`Nvml`]s of one file share theirs).
    fn same_library(&self, device: &Device<'_, impl NvmlRef>) -> Result<()> {
        crate::ffi::same_library(self.nvml.lib(), device.holder().lib())
    }

    /// Starts recording events of `types` on `device` into this set
    /// (`nvmlDeviceRegisterEvents`). Events that happened before are not recorded.
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] if the platform or device does not support some of the
    /// types (none are registered then; the set stays usable): intersect with
    /// [`Device::supported_event_types`] first. After [`NvmlError::Unknown`] NVML says the
    /// set is in an undefined state: drop it. [`NvmlError::InvalidInput`] if `device` comes
    /// from another loaded library.
    #[doc(alias = "nvmlDeviceRegisterEvents")]
    pub fn register(&self, device: &Device<'_, impl NvmlRef>, types: EventTypes) -> Result<()> {
        self.same_library(device)?;
        nvml_call!(
            self.nvml,
            nvmlDeviceRegisterEvents(device.handle(), types.bits(), self.handle)
        )
    }

    /// Waits up to `timeout_ms` milliseconds for the next event (`nvmlEventSetWait_v2`, or
    /// `nvmlEventSetWait` on drivers without it). Returns at once if one is pending.
    ///
    /// # Errors
    /// [`NvmlError::Timeout`] if none arrived in time (or an interrupt ended the wait early);
    /// NVML's other errors, e.g. [`NvmlError::GpuLost`].
    #[doc(alias = "nvmlEventSetWait")]
    #[doc(alias = "nvmlEventSetWait_v2")]
    pub fn wait(&self, timeout_ms: u32) -> Result<EventData<'nvml, N>> {
        let mut data = sys::nvmlEventData_t::default();
        match self.nvml.versions().event_wait() {
            event_wait::Version::nvmlEventSetWait_v2 => nvml_call!(
                self.nvml,
                event_wait::nvmlEventSetWait_v2(self.handle, &mut data, timeout_ms)
            )?,
            _ => nvml_call!(
                self.nvml,
                event_wait::nvmlEventSetWait(self.handle, &mut data, timeout_ms)
            )?,
        }
        Ok(EventData {
            device: Device::from_handle(self.nvml.clone(), data.device)?,
            event_type: EventTypes::from_bits_retain(data.eventType),
            event_data: data.eventData,
            gpu_instance_id: instance_id(data.gpuInstanceId),
            compute_instance_id: instance_id(data.computeInstanceId),
        })
    }

    /// [`EventSet::wait`] that another thread can end: waits up to `timeout_ms` for the next
    /// event, in slices of at most [`STOP_SLICE_MS`] ms, and returns `Ok(None)` once `stop` is
    /// stopped (at once if it already is). See [Ending a wait from another
    /// thread](self#ending-a-wait-from-another-thread).
    ///
    /// # Errors
    /// As [`EventSet::wait`]: [`NvmlError::Timeout`] when `timeout_ms` passed without an
    /// event or a stop.
    #[doc(alias = "nvmlEventSetWait")]
    #[doc(alias = "nvmlEventSetWait_v2")]
    pub fn wait_or_stop(
        &self,
        timeout_ms: u32,
        stop: &StopToken,
    ) -> Result<Option<EventData<'nvml, N>>> {
        wait_in_slices(timeout_ms, stop, |slice| self.wait(slice))
    }

    /// [`EventSet::wait_operational`] that another thread can end, as
    /// [`EventSet::wait_or_stop`]: `Ok(None)` once `stop` is stopped.
    ///
    /// # Errors
    /// As [`EventSet::wait_operational`].
    #[doc(alias = "nvmlEventSetWait_v3")]
    pub fn wait_operational_or_stop(
        &self,
        timeout_ms: u32,
        stop: &StopToken,
    ) -> Result<Option<OperationalEvent>> {
        wait_in_slices(timeout_ms, stop, |slice| self.wait_operational(slice))
    }

    /// Subscribes this set to structured GPU operational events of `device`, at or above the
    /// given log level and severity (`All` for no filter), delivered through
    /// [`EventSet::wait_operational`] (`nvmlEventSetRegisterGpuOperationalEvents_v1`, NVML 13+).
    /// Registering the same subscription twice is not an error.
    ///
    /// # Errors
    /// [`NvmlError::MissingSymbol`] on drivers before NVML 13; [`NvmlError::NotSupported`],
    /// [`NvmlError::NoPermission`] and NVML's other errors.
    #[doc(alias = "nvmlEventSetRegisterGpuOperationalEvents_v1")]
    pub fn register_operational_events(
        &self,
        device: &Device<'_, impl NvmlRef>,
        min_log_level: OperationalEventLogLevel,
        min_severity: OperationalEventSeverity,
    ) -> Result<()> {
        let mut config = sys::nvmlGpuOperationalEventConfig_v1_t {
            minLogLevel: min_log_level.as_raw(),
            minSeverity: min_severity.as_raw(),
            ..Default::default()
        };
        self.same_library(device)?;
        let uuid = device.uuid()?;
        // Copy the UUID, leaving at least one NUL at the end of the zeroed buffer.
        let room = config.uuid.len().saturating_sub(1);
        if uuid.len() > room || uuid.bytes().any(|b| b == 0) {
            return Err(NvmlError::InvalidInput(
                "device UUID does not fit NVML's buffer",
            ));
        }
        for (dst, src) in config.uuid.iter_mut().zip(uuid.bytes()) {
            *dst = src as c_char;
        }
        nvml_call!(
            self.nvml,
            nvmlEventSetRegisterGpuOperationalEvents_v1(self.handle, &config)
        )
    }

    /// Waits up to `timeout_ms` milliseconds for the next event in the structured format
    /// (`nvmlEventSetWait_v3`, NVML 13+): both classic events registered with
    /// [`EventSet::register`] and GPU operational events registered with
    /// [`EventSet::register_operational_events`]; [`OperationalEvent::data_type`] tells which.
    ///
    /// # Errors
    /// [`NvmlError::MissingSymbol`] on drivers before NVML 13; [`NvmlError::Timeout`] if
    /// nothing arrived in time; [`NvmlError::UnexpectedValue`] for a data format the header
    /// does not define; NVML's other errors.
    #[doc(alias = "nvmlEventSetWait_v3")]
    pub fn wait_operational(&self, timeout_ms: u32) -> Result<OperationalEvent> {
        if self.nvml.versions().event_wait_structured()
            != event_wait_structured::Version::nvmlEventSetWait_v3
        {
            return Err(NvmlError::MissingSymbol("nvmlEventSetWait_v3"));
        }
        let mut p = sys::nvmlEventSetWait_v3_t {
            timeoutMs: timeout_ms,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            event_wait_structured::nvmlEventSetWait_v3(self.handle, &mut p)
        )?;
        Ok(OperationalEvent {
            data_type: EventDataType::try_from(p.dataType)?,
            uuid: string_from_c_buf(&p.uuid)?,
            source_module: lossy_string(&p.sourceModule),
            event_type: EventTypes::from_bits_retain(p.eventType),
            event_data: p.eventData,
            group_cursor: p.groupCursor,
            instance_id: p.instanceId,
            timestamp_us: p.timestampUsec,
            trace_id: p.traceId,
            gpu_instance_id: instance_id(p.gpuInstanceId),
            compute_instance_id: instance_id(p.computeInstanceId),
            severity: p.severity,
            category_id: p.categoryId,
            module_event_code: p.moduleEventCode,
            scope: p.scope,
            originator: p.originator,
            module_instance: p.moduleInstance,
            chiplet_id: p.chipletId,
            log_level: p.logLevel,
            attributes: p.attributes,
            group_cper_size: p.groupCperSize,
            group_attributes: p.groupAttributes,
            group_size: p.groupSize,
            group_index: p.groupIndex,
        })
    }

    /// Frees the set now (`nvmlEventSetFree`), reporting NVML's answer, which `Drop` cannot.
    /// Either way the handle is not used again.
    #[doc(alias = "nvmlEventSetFree")]
    pub fn free(self) -> Result<()> {
        let (nvml, handle) = self.into_parts();
        nvml_call!(nvml, nvmlEventSetFree(handle))
    }
}

impl<N: NvmlRef> Drop for EventSet<'_, N> {
    /// Frees the set (`nvmlEventSetFree`); an error cannot be reported here (use
    /// [`EventSet::free`] to see it).
    fn drop(&mut self) {
        let free = || -> Result<()> { nvml_call!(self.nvml, nvmlEventSetFree(self.handle)) };
        let _ = free();
    }
}

/// An event from [`EventSet::wait_operational`] (`nvmlEventSetWait_v3_t`).
///
/// For [`EventDataType::NvmlEvent`] only the classic fields (`uuid`, `event_type`,
/// `event_data`, instance ids) are set; for [`EventDataType::GpuOperationalEvent`],
/// `event_type` is empty and the structured fields are set. Enumerated fields are kept raw
/// because NVML documents that they may hold values newer than the header; convert with
/// `OperationalEventSeverity::try_from(event.severity)` and the like.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OperationalEvent {
    /// Which format this event is in.
    pub data_type: EventDataType,
    /// UUID of the GPU it happened on; empty if unavailable.
    pub uuid: String,
    /// Source module signature of a structured event; empty for classic events.
    pub source_module: String,
    /// The classic event bit; empty for structured events.
    pub event_type: EventTypes,
    /// The XID for [`EventTypes::XID_CRITICAL_ERROR`], or 0.
    pub event_data: u64,
    /// Structured event group identifier.
    pub group_cursor: u64,
    /// Structured event sequence identifier.
    pub instance_id: u64,
    /// Event time, microseconds; 0 if unavailable.
    pub timestamp_us: u64,
    /// Structured event trace identifier.
    pub trace_id: u64,
    /// MIG GPU instance of a classic event, if any.
    pub gpu_instance_id: Option<u32>,
    /// MIG compute instance of a classic event, if any.
    pub compute_instance_id: Option<u32>,
    /// Raw [`OperationalEventSeverity`] of a structured event.
    pub severity: u32,
    /// Source-defined category.
    pub category_id: u32,
    /// Source-module-defined event code (interpret with `source_module`).
    pub module_event_code: u32,
    /// Structured event scope identifier.
    pub scope: u32,
    /// Structured event originator identifier.
    pub originator: u32,
    /// Structured event module instance identifier.
    pub module_instance: u32,
    /// Structured event chiplet identifier.
    pub chiplet_id: u32,
    /// Raw [`OperationalEventLogLevel`] of a structured event.
    pub log_level: u32,
    /// Bit mask of `NVML_OPERATIONAL_EVENT_ATTR_*` (raw; may hold newer bits).
    pub attributes: u32,
    /// Size of the associated CPER record, bytes; 0 if none.
    pub group_cper_size: u32,
    /// Bit mask of `NVML_OPERATIONAL_EVENT_GROUP_ATTR_*` (raw; may hold newer bits).
    pub group_attributes: u32,
    /// Number of events in the structured event's group.
    pub group_size: u8,
    /// Zero-based index of this event within its group.
    pub group_index: u8,
}

impl<N: NvmlRef> Device<'_, N> {
    /// The event types this GPU can deliver (`nvmlDeviceGetSupportedEventTypes`).
    #[doc(alias = "nvmlDeviceGetSupportedEventTypes")]
    pub fn supported_event_types(&self) -> Result<EventTypes> {
        let mut raw: u64 = 0;
        nvml_call!(
            self.holder(),
            nvmlDeviceGetSupportedEventTypes(self.handle(), &mut raw)
        )?;
        Ok(EventTypes::from_bits_retain(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_type_bits_match_the_header_and_unknown_bits_are_kept() {
        let named = EventTypes::all()
            .iter_names()
            .fold(0u64, |acc, (_, f)| acc | f.bits());
        assert_eq!(named, u64::from(sys::nvmlEventTypeAll));
        let raw = u64::from(sys::nvmlEventTypeXidCriticalError) | 1 << 40;
        let types = EventTypes::from_bits_retain(raw);
        assert!(types.contains(EventTypes::XID_CRITICAL_ERROR));
        assert_eq!(types.bits(), raw);
    }

    #[test]
    fn instance_sentinels_become_none() {
        assert_eq!(instance_id(0xFFFF_FFFF), None);
        assert_eq!(instance_id(3), Some(3));
    }

    #[test]
    fn event_sets_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<EventSet<'_>>();
        check::<EventData<'_>>();
        check::<OwnedEventSet>();
        check::<EventData<'static, Nvml>>();
    }
}

// ---- Context records of the last structured event (`nvmlEventSetGetContext*`) ----

/// What a context record of the last structured event holds
/// (`nvmlEventSetGetContextInfo_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EventContextInfo {
    /// How NVML interprets the payload: a raw
    /// [`OperationalEventContextType`](crate::enums::OperationalEventContextType) (kept raw:
    /// a newer driver may name more), e.g. `LegacyXid` for
    /// [`EventSet::context_legacy_xid`].
    pub context_type: u32,
    /// The source-defined payload type.
    pub source_context_type: u32,
    /// Payload size, bytes (without alignment padding).
    pub data_size: u32,
    /// Payload format version for `source_context_type`.
    pub data_format_version: u16,
}

impl<N: NvmlRef> EventSet<'_, N> {
    /// How many context records the event last returned by [`EventSet::wait_operational`]
    /// on this set has (`nvmlEventSetGetContextCount_v1`, NVML 13+, Linux).
    ///
    /// # Errors
    /// [`NvmlError::NotFound`] if no structured event was returned yet,
    /// [`NvmlError::NotSupported`] on drivers or platforms without it.
    #[doc(alias = "nvmlEventSetGetContextCount_v1")]
    pub fn context_count(&self) -> Result<u32> {
        let mut params = sys::nvmlEventSetGetContextCount_v1_t { count: 0 };
        nvml_call!(
            self.nvml,
            nvmlEventSetGetContextCount_v1(self.handle, &mut params)
        )?;
        Ok(params.count)
    }

    /// What context record `index` (`0..context_count()`) of the last structured event holds
    /// (`nvmlEventSetGetContextInfo_v1`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for an index out of range, [`NvmlError::NotFound`] if no
    /// structured event was returned yet.
    #[doc(alias = "nvmlEventSetGetContextInfo_v1")]
    pub fn context_info(&self, index: u32) -> Result<EventContextInfo> {
        let mut params = sys::nvmlEventSetGetContextInfo_v1_t {
            index,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlEventSetGetContextInfo_v1(self.handle, &mut params)
        )?;
        Ok(EventContextInfo {
            context_type: params.nvmlGpuOperationalEventContextType,
            source_context_type: params.sourceEventContextType,
            data_size: params.dataSize,
            data_format_version: params.dataFormatVersion,
        })
    }

    /// The raw payload of context record `index` of the last structured event
    /// (`nvmlEventSetGetContextData_v1`: a size query, then the copy).
    ///
    /// # Errors
    /// [`NvmlError::InvalidArgument`] for an index out of range, [`NvmlError::NotFound`] if no
    /// structured event was returned yet.
    #[doc(alias = "nvmlEventSetGetContextData_v1")]
    pub fn context_data(&self, index: u32) -> Result<Vec<u8>> {
        read_list(|size, data: *mut u8| {
            let mut params = sys::nvmlEventSetGetContextData_v1_t {
                data: data.cast(),
                index,
                dataSize: *size,
            };
            let result = nvml_call!(
                self.nvml,
                nvmlEventSetGetContextData_v1(self.handle, &mut params)
            );
            *size = params.dataSize;
            result
        })
    }

    /// The XID of context record `index` of the last structured event, when that record is
    /// a legacy XID (`nvmlEventSetGetGpuOperationalEventContextLegacyXid_v1`).
    ///
    /// # Errors
    /// [`NvmlError::NotFound`] if the record is not a legacy XID (or no structured event was
    /// returned yet), [`NvmlError::InvalidArgument`] for an index out of range.
    #[doc(alias = "nvmlEventSetGetGpuOperationalEventContextLegacyXid_v1")]
    pub fn context_legacy_xid(&self, index: u32) -> Result<u32> {
        let mut params =
            sys::nvmlEventSetGetGpuOperationalEventContextLegacyXid_v1_t { index, xidCode: 0 };
        nvml_call!(
            self.nvml,
            nvmlEventSetGetGpuOperationalEventContextLegacyXid_v1(self.handle, &mut params)
        )?;
        Ok(params.xidCode)
    }
}
