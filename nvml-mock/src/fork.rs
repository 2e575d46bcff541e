//! Fork safety: the forking thread holds the one lock across `fork` (`pthread_atfork`
//! handlers registered when the library is loaded), after building the values the exports
//! compute once.

use std::cell::UnsafeCell;
use std::sync::MutexGuard;

use crate::dispatch::{Inner, lock};

/// The global lock, held by the forking thread from just before `fork` until just after it
/// in both parent and child (`pthread_atfork`): a child never starts with the lock held by a
/// thread it does not have, and never with a one-time initialisation half done.
struct ForkHold(UnsafeCell<Option<MutexGuard<'static, Inner>>>);

// SAFETY: the slot is touched only by the fork handlers, which glibc runs in the forking
// thread with its fork-handler lock held from the prepare handler through the parent and
// child handlers: one thread at a time, and the guard is dropped by the thread that took it.
unsafe impl Sync for ForkHold {}

static FORK_HOLD: ForkHold = ForkHold(UnsafeCell::new(None));

extern "C" fn before_fork() {
    // The one-time values a call may build under the lock are built before it is taken, so a
    // fork never copies one half-built.
    crate::exports::build_once_values();
    let g = lock();
    // SAFETY: see `ForkHold`: only the forking thread is here.
    unsafe { *FORK_HOLD.0.get() = Some(g) };
}

extern "C" fn after_fork() {
    // SAFETY: see `ForkHold`: only the forking thread is here.
    drop(unsafe { (*FORK_HOLD.0.get()).take() });
}

extern "C" fn register_fork_handlers() {
    // SAFETY: three `extern "C" fn()` with no arguments, valid for as long as this library is
    // mapped (glibc drops them when the library is unloaded).
    let r = unsafe { libc::pthread_atfork(Some(before_fork), Some(after_fork), Some(after_fork)) };
    if r != 0 {
        eprintln!("nvml-mock: pthread_atfork failed ({r}): a fork while NVML is busy may hang");
    }
}

/// Registers the fork handlers when the library is loaded, before any thread can call it.
#[used]
#[unsafe(link_section = ".init_array")]
static REGISTER_FORK_HANDLERS: extern "C" fn() = register_fork_handlers;
