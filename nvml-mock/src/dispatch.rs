//! The one lock and what it guards, and the path of every exported call: fault injection,
//! the UNINITIALIZED check, the panic guard at the C boundary, and the record of the
//! functions that answered.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Condvar, Mutex, MutexGuard};

use nvml_sys::*;

use crate::machine::Machine;
use crate::marshal::Hostile;
use crate::profile::Profile;

/// Everything behind the one lock.
#[derive(Debug)]
pub struct Inner {
    /// Outstanding `nvmlInit` calls.
    pub refcount: u32,
    /// Present while initialised.
    pub machine: Option<Machine>,
    /// The machine after the last `nvmlShutdown`, with the profile selection it came from: a
    /// later `nvmlInit` with the same selection finds the settings a real GPU would keep.
    pub parked: Option<(String, Machine)>,
    /// Profile chosen by `nvml_mock_set_profile` (wins over `NVML_MOCK_PROFILE`).
    pub profile_override: Option<String>,
    /// Forced return codes by function name.
    pub faults: Vec<(String, nvmlReturn_t)>,
    /// Hostile modes.
    pub hostile: Hostile,
    /// Root override (`nvml_mock_set_root`), wins over the profile.
    pub root_override: Option<bool>,
    /// System versions from `nvml_mock_set_system_versions` (driver, NVML, CUDA), each
    /// winning over the profile's when set.
    pub versions_override: Versions,
    /// The functions that have answered `NVML_SUCCESS` from the model in this copy of the
    /// library (`nvml_mock_answered`): MODELED.md's proof that a function returns data.
    pub answered: Answered,
    /// Panics caught at the C boundary (`nvml_mock_caught_panics`), and the functions whose
    /// panic was reported on stderr (each once).
    pub panics: (u32, Vec<&'static str>),
}

/// The lock and the condition variable event waits sleep on.
pub struct Global {
    /// State.
    pub inner: Mutex<Inner>,
    /// Signalled when an event is queued.
    pub events: Condvar,
}

/// The one global state of this copy of the library.
pub static GLOBAL: Global = Global {
    inner: Mutex::new(Inner {
        refcount: 0,
        machine: None,
        parked: None,
        profile_override: None,
        faults: Vec::new(),
        hostile: Hostile {
            oversized_counts: false,
            unterminated_strings: false,
            future_enums: false,
        },
        root_override: None,
        versions_override: (None, None, None),
        answered: Answered::new(),
        panics: (0, Vec::new()),
    }),
    events: Condvar::new(),
};

/// Locks the global state (a poisoned lock is recovered: the state stays consistent because
/// every mutation is a single assignment or push).
pub fn lock() -> MutexGuard<'static, Inner> {
    GLOBAL.inner.lock().unwrap_or_else(|e| e.into_inner())
}

impl Inner {
    /// The forced return code for `name`, if any.
    pub fn fault(&self, name: &str) -> Option<nvmlReturn_t> {
        self.faults.iter().find(|(n, _)| n == name).map(|(_, r)| *r)
    }

    /// Applies `versions_override` to a profile.
    pub fn apply_versions(&self, p: &mut Profile) {
        apply_versions(&self.versions_override, p);
    }

    /// Whether privileged calls are allowed.
    pub fn is_root(&self) -> bool {
        self.root_override
            .or_else(|| self.machine.as_ref().map(|m| m.profile.root))
            .unwrap_or(false)
    }
}

/// System version overrides: (driver, NVML, CUDA driver version).
pub type Versions = (Option<String>, Option<String>, Option<i32>);

/// Applies version overrides to a profile.
pub fn apply_versions(v: &Versions, p: &mut Profile) {
    let (d, n, c) = v;
    if let Some(d) = d {
        p.driver_version = d.clone();
    }
    if let Some(n) = n {
        p.nvml_version = n.clone();
    }
    if let Some(c) = c {
        p.cuda_driver_version = *c;
    }
}

/// What a modeled function gets: the machine plus the modes.
pub struct Ctx<'a> {
    /// The machine.
    pub m: &'a mut Machine,
    /// Hostile modes.
    pub hostile: Hostile,
    /// Caller is root.
    pub root: bool,
}

impl Ctx<'_> {
    /// `NO_PERMISSION` unless root.
    pub fn require_root(&self) -> Result<(), nvmlReturn_t> {
        if self.root {
            Ok(())
        } else {
            Err(NVML_ERROR_NO_PERMISSION)
        }
    }

    /// For privileged setters: the handle must name a GPU (INVALID_ARGUMENT otherwise), then
    /// the caller must be root (NO_PERMISSION otherwise), like the real library.
    pub fn require_root_or_check(&self, device: nvmlDevice_t) -> Result<(), nvmlReturn_t> {
        self.m.gpu(device)?;
        self.require_root()
    }

    /// An enum value as returned to the caller: in future-enum mode, a value past the header's.
    pub fn enum_value(&self, v: u32, future: u32) -> u32 {
        if self.hostile.future_enums { future } else { v }
    }
}

thread_local! {
    /// The reason (location and message) of the last panic on this thread, kept by the
    /// library's panic hook for [`guard`] to report.
    static PANIC_REASON: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs the panic hook of this copy of the library (which links its own `std`, so the
/// hook sees only the mock's panics): the reason is kept for [`guard`], which reports it,
/// instead of being printed at every panic.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let reason = info.to_string().replace('\n', " ");
            let _ = PANIC_REASON.try_with(|r| {
                if let Ok(mut r) = r.try_borrow_mut() {
                    *r = Some(reason);
                }
            });
        }));
    });
}

/// The result that, given to `nvml_mock_set_fault`, makes the function panic instead
/// (`"PANC"`): how the tests reach the panic guard.
pub const PANIC_FAULT: nvmlReturn_t = 0x5041_4E43;

/// Runs the body of an exported function: a panic inside becomes `NVML_ERROR_UNKNOWN` (a
/// panic must never cross `extern "C"`), is counted (`nvml_mock_caught_panics`) and its reason
/// is printed to stderr, once per function.
pub fn guard(name: &'static str, f: impl FnOnce() -> nvmlReturn_t) -> nvmlReturn_t {
    install_panic_hook();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let reason = PANIC_REASON
                .try_with(|r| r.try_borrow_mut().ok().and_then(|mut r| r.take()))
                .ok()
                .flatten()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panicked".to_owned());
            // The payload is dropped here, where a panic in its destructor is caught too.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            let _ = catch_unwind(|| {
                let mut g = lock();
                g.panics.0 = g.panics.0.saturating_add(1);
                if !g.panics.1.contains(&name) {
                    g.panics.1.push(name);
                    drop(g);
                    eprintln!("nvml-mock: {name} {reason}; it answers NVML_ERROR_UNKNOWN");
                }
            });
            NVML_ERROR_UNKNOWN
        }
    }
}

/// Runs a modeled function: fault injection, then the UNINITIALIZED check, then `f` under the
/// lock, inside [`guard`].
/// A function that answers `NVML_SUCCESS` from the model (not from an injected fault) is
/// recorded in `Inner::answered` (`nvml_mock_answered`).
pub fn call(
    name: &'static str,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<(), nvmlReturn_t>,
) -> nvmlReturn_t {
    guard(name, || {
        let mut g = lock();
        if let Some(r) = g.fault(name) {
            if r == PANIC_FAULT {
                drop(g);
                panic!("a panic injected with nvml_mock_set_fault");
            }
            return r;
        }
        let hostile = g.hostile;
        let root = g.is_root();
        let Some(m) = g.machine.as_mut() else {
            return NVML_ERROR_UNINITIALIZED;
        };
        m.advance_dynamic();
        let mut ctx = Ctx { m, hostile, root };
        match f(&mut ctx) {
            Ok(()) => {
                g.answered.insert(name);
                NVML_SUCCESS
            }
            Err(e) => e,
        }
    })
}

/// Records that `name` answered `r` (kept in `Inner::answered` when it is `NVML_SUCCESS`), for
/// the hand-written exports that do not go through [`call`]; returns `r`.
pub fn answer(name: &'static str, r: nvmlReturn_t) -> nvmlReturn_t {
    if r == NVML_SUCCESS {
        lock().answered.insert(name);
    }
    r
}

/// The functions that answered `NVML_SUCCESS`, recorded on every call: keyed by the address
/// of the `&'static str` name, so recording costs a multiply and a probe, not the string
/// comparisons of an ordered set (which made the mock's own bookkeeping most of a call's
/// time). A name reached through two literals is two entries; [`Answered::names`] merges
/// them.
#[derive(Debug, Default)]
pub struct Answered(HashMap<usize, &'static str, BuildHasherDefault<AddressHasher>>);

impl Answered {
    /// None yet.
    pub const fn new() -> Self {
        Answered(HashMap::with_hasher(BuildHasherDefault::new()))
    }

    /// Records that `name` answered.
    pub fn insert(&mut self, name: &'static str) {
        self.0.entry(name.as_ptr() as usize).or_insert(name);
    }

    /// The names, sorted, each once.
    pub fn names(&self) -> BTreeSet<&'static str> {
        self.0.values().copied().collect()
    }
}

/// Hashes an address (a `usize` key) by one multiplication.
#[derive(Default)]
pub struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01B3);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Body of every unmodeled function.
pub fn stub(name: &'static str) -> nvmlReturn_t {
    call(name, |_| Err(NVML_ERROR_NOT_SUPPORTED))
}
