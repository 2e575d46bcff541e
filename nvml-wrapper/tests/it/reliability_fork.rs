//! Forked workers: a process shares one `Nvml` between threads that call it without pause, and
//! forks children meanwhile (as Python's `multiprocessing` with the fork start method,
//! pytest-xdist or a pre-forking server do). Each child must be able to use the `Nvml` it
//! inherited and to initialise NVML anew, within a deadline; a child that misses it is a hang.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::reliability::{Driver, Lab};
use nvml_wrapper::Nvml;
use nvml_wrapper::enums::TemperatureSensor;
use nvml_wrapper::event::EventTypes;

const FORKS: usize = 200;
const THREADS: usize = 8;
/// How long a child may take for its few calls before it counts as hung.
const DEADLINE: Duration = Duration::from_secs(10);

/// What a child does: NVML calls on the inherited `Nvml`, then a fresh `Nvml` on the same
/// library (a second `nvmlInit`), then a shutdown. Its exit status: 0 when every answer is
/// right.
fn child_work(nvml: &Nvml, lab: &Lab, expected_count: u32) -> i32 {
    let inherited = nvml.device_count().is_ok_and(|n| n == expected_count)
        && nvml
            .device_by_index(0)
            .and_then(|d| d.temperature(TemperatureSensor::Gpu))
            .is_ok();
    let fresh = Nvml::builder()
        .library_path(&lab.path)
        .init()
        .and_then(|n| {
            let count = n.device_count()?;
            let uuid = n.device_by_index(0)?.uuid()?;
            n.shutdown()?;
            Ok(count == expected_count && uuid.starts_with("GPU-"))
        })
        .unwrap_or(false);
    if inherited && fresh { 0 } else { 1 }
}

/// Forks one child that runs [`child_work`] and leaves with `_exit`; returns its pid.
fn fork_child(nvml: &Nvml, lab: &Lab, expected_count: u32) -> libc::pid_t {
    // SAFETY: the child runs only `child_work` (NVML calls, which the mock and glibc's
    // allocator and loader make safe after a fork) and `_exit`, never returning into the test
    // harness or running its destructors.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            child_work(nvml, lab, expected_count)
        }))
        .unwrap_or(2);
        // SAFETY: ends the child at once, as a forked worker of a threaded process must.
        unsafe { libc::_exit(code) };
    }
    pid
}

/// How a child ended.
#[derive(Debug, PartialEq, Eq)]
enum Ending {
    Ok,
    Failed(i32),
    Hung,
}

/// Waits up to [`DEADLINE`] for `pid`; a child still running then is killed and `Hung`.
fn wait_for(pid: libc::pid_t) -> Ending {
    let start = Instant::now();
    loop {
        let mut status = 0;
        // SAFETY: `pid` is our child; `status` is a valid out-parameter.
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            return if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
                Ending::Ok
            } else {
                Ending::Failed(status)
            };
        }
        assert_eq!(r, 0, "waitpid failed");
        if start.elapsed() > DEADLINE {
            // SAFETY: our own child; it is reaped right after.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return Ending::Hung;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// How long the whole run (200 forks and waits) may take in its child process.
const RUN_DEADLINE: Duration = Duration::from_secs(300);

/// Runs alone in a child process (this test binary, filtered to this test): `fork` copies only
/// the calling thread, and other tests' threads, in the middle of loading and unloading their
/// own mock copies, must not be what a child inherits.
#[test]
fn children_forked_while_threads_call_nvml_never_hang() {
    const NAME: &str = "reliability_fork::children_forked_while_threads_call_nvml_never_hang";
    if let Some(child) = crate::support::child_process::run_alone(NAME, None, RUN_DEADLINE) {
        let line = child
            .lines()
            .find(|l| l.starts_with("reliability: "))
            .expect("the child printed its count");
        eprintln!("{line}");
        return;
    }
    let lab = Lab::new(Driver::Current);
    let nvml = &lab.nvml;
    let expected_count = nvml.device_count().unwrap();
    let stop = AtomicBool::new(false);
    let calls = AtomicUsize::new(0);
    let mut endings = Vec::new();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (stop, calls) = (&stop, &calls);
            s.spawn(move || {
                let devices = nvml.devices().unwrap();
                let mut i = t;
                while !stop.load(Ordering::Relaxed) {
                    let d = &devices[i % devices.len()];
                    // Short getters, lists and event sets: the lock is taken and released
                    // all the time, and event sets come and go.
                    let _ = match i % 4 {
                        0 => d.temperature(TemperatureSensor::Gpu).map(drop),
                        1 => d.running_compute_processes().map(drop),
                        2 => d.pci_info().map(drop),
                        _ => nvml
                            .create_event_set()
                            .and_then(|set| set.register(d, EventTypes::XID_CRITICAL_ERROR)),
                    };
                    calls.fetch_add(1, Ordering::Relaxed);
                    i += THREADS;
                }
            });
        }
        // Let every thread get going before the first fork.
        while calls.load(Ordering::Relaxed) < 1000 {
            std::thread::yield_now();
        }
        for _ in 0..FORKS {
            let pid = fork_child(nvml, &lab, expected_count);
            endings.push(wait_for(pid));
        }
        stop.store(true, Ordering::Relaxed);
    });
    let hung = endings.iter().filter(|e| **e == Ending::Hung).count();
    let failed = endings
        .iter()
        .filter(|e| matches!(e, Ending::Failed(_)))
        .count();
    eprintln!(
        "reliability: {FORKS} forks while {THREADS} threads made {} calls: {hung} hung, {failed} failed",
        crate::support::reliability_doc::thousands(calls.load(Ordering::Relaxed) as u64)
    );
    assert_eq!(endings.len(), FORKS);
    assert_eq!(hung, 0, "children hung: {endings:?}");
    assert_eq!(failed, 0, "children failed: {endings:?}");
    crate::support::reliability_doc::keep(
        "fork",
        &format!("{FORKS} forks while {THREADS} threads call NVML: {hung} hung, {failed} failed"),
    );
    // The parent goes on as before.
    assert_eq!(nvml.device_count().unwrap(), expected_count);
    assert_eq!(lab.init_refcount(), 1);
}
