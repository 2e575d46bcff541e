//! Scalar getters allocate nothing: a counting global allocator watches the wrapper's calls
//! against the mock.
//!
//! The counters are per thread, so tests running in parallel (and the mock, a separate
//! library with its own allocator) do not disturb a measurement. Each getter is called once
//! to warm up (first-use work anywhere in the process is not the getter's), then many times
//! under the counter. The counter itself is checked first: it must see the allocations of
//! `Vec` and of `Device::name` (which returns a `String`), so a zero below means zero.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use nvml_mock::Staged;
use nvml_wrapper::Nvml;
use nvml_wrapper::enums::{ClockType, PcieUtilCounter, TemperatureSensor, TemperatureThreshold};

/// An initialised `Nvml` on its own staged copy of the mock. Field order: `nvml` shuts down
/// before the copy goes.
struct Mock {
    nvml: Nvml,
    _staged: Staged,
}

/// `Nvml` on `staged` (a copy from `Staged::new` or `Staged::legacy_470`).
fn mock(staged: std::io::Result<Staged>) -> Mock {
    let staged = staged.expect("stage the mock library");
    let nvml = Nvml::builder()
        .library_path(staged.path())
        .init()
        .expect("init on the mock");
    Mock {
        nvml,
        _staged: staged,
    }
}

/// The system allocator, counting the allocations (and bytes) each thread asks for.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn record(size: usize) {
    // `try_with`: during thread teardown the slots may be gone; such allocations are not
    // the ones measured.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    let _ = BYTES.try_with(|b| b.set(b.get() + size as u64));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract holds as it does for `System`; the counting touches only
// const-initialised thread-locals without destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded as is; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: forwarded as is; the caller upholds `alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: forwarded as is; the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is; `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `f` allocated on this thread: (allocations, bytes).
fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    let (n0, b0) = (ALLOCATIONS.with(Cell::get), BYTES.with(Cell::get));
    let out = f();
    let (n1, b1) = (ALLOCATIONS.with(Cell::get), BYTES.with(Cell::get));
    (out, n1 - n0, b1 - b0)
}

/// Calls the getter once to warm up, then `CALLS` times under the counter; each call must
/// succeed (an error path is not what is measured) and none may allocate.
const CALLS: usize = 100;

macro_rules! assert_no_alloc {
    ($($what:literal => $call:expr;)+) => {{
        let mut checked = 0;
        $(
            $call.expect(concat!($what, " succeeds on the mock"));
            let (_, count, bytes) = allocations(|| {
                for _ in 0..CALLS {
                    std::hint::black_box($call.expect($what));
                }
            });
            assert_eq!(
                (count, bytes),
                (0, 0),
                "{} allocated {count} times ({bytes} bytes) in {CALLS} calls",
                $what
            );
            checked += 1;
        )+
        checked
    }};
}

#[test]
fn the_counter_counts() {
    let (v, count, bytes) = allocations(|| vec![7u8; 64]);
    assert_eq!(v.len(), 64);
    assert_eq!(count, 1);
    assert!(bytes >= 64);

    let m = mock(Staged::new());
    let gpu = m.nvml.device_by_index(0).unwrap();
    gpu.name().unwrap();
    let (name, count, bytes) = allocations(|| gpu.name().unwrap());
    assert_eq!(name, "NVIDIA H100 80GB HBM3");
    assert!(count >= 1, "name() returns a String, which allocates");
    assert!(bytes >= name.len() as u64);

    // And a list getter allocates its Vec.
    let (_, count, _) = allocations(|| gpu.running_compute_processes().unwrap());
    assert!(count >= 1);
}

#[test]
fn empty_lists_allocate_nothing_and_short_ones_allocate_only_their_results() {
    let m = mock(Staged::new());
    // GPU 4 of the DGX H100 profile runs nothing: one call, answered from the stack buffer.
    let idle = m.nvml.device_by_index(4).unwrap();
    idle.running_compute_processes().unwrap();
    let (procs, count, _) = allocations(|| idle.running_compute_processes().unwrap());
    assert!(procs.is_empty());
    assert_eq!(count, 0, "an empty process list allocates nothing");
    // GPU 0 runs two: one call, converted straight into the result.
    let busy = m.nvml.device_by_index(0).unwrap();
    let (procs, count, _) = allocations(|| busy.running_compute_processes().unwrap());
    assert_eq!(procs.len(), 2);
    assert_eq!(
        count, 1,
        "only the result: entries are converted out of the stack buffer"
    );
}

#[test]
fn scalar_getters_allocate_nothing() {
    let m = mock(Staged::new());
    let nvml = &m.nvml;
    let gpu = nvml.device_by_index(0).unwrap();

    let checked = assert_no_alloc! {
        "device_count" => nvml.device_count();
        "device_by_index" => nvml.device_by_index(3);
        "memory_info" => gpu.memory_info();
        "bar1_memory_info" => gpu.bar1_memory_info();
        "utilization_rates" => gpu.utilization_rates();
        "temperature" => gpu.temperature(TemperatureSensor::Gpu);
        "temperature_threshold" => gpu.temperature_threshold(TemperatureThreshold::Slowdown);
        "power_usage" => gpu.power_usage();
        "power_management_limit" => gpu.power_management_limit();
        "power_management_limit_constraints" => gpu.power_management_limit_constraints();
        "enforced_power_limit" => gpu.enforced_power_limit();
        "total_energy_consumption" => gpu.total_energy_consumption();
        "clock_info" => gpu.clock_info(ClockType::Sm);
        "max_clock_info" => gpu.max_clock_info(ClockType::Memory);
        "performance_state" => gpu.performance_state();
        "current_clocks_event_reasons" => gpu.current_clocks_event_reasons();
        "pcie_throughput" => gpu.pcie_throughput(PcieUtilCounter::Tx);
        "ecc_mode" => gpu.ecc_mode();
        "persistence_mode" => gpu.persistence_mode();
        "compute_mode" => gpu.compute_mode();
        "index" => gpu.index();
        "minor_number" => gpu.minor_number();
        "cuda_compute_capability" => gpu.cuda_compute_capability();
        "architecture" => gpu.architecture();
        "brand" => gpu.brand();
    };
    assert_eq!(checked, 25);
}

/// The same getters on an owned device (which holds a share of the library, an `Arc`, instead
/// of a reference): no allocation either, and turning a borrowed device into an owned one
/// allocates nothing (a reference count goes up).
#[test]
fn owned_device_getters_allocate_nothing() {
    let m = mock(Staged::new());
    let borrowed = m.nvml.device_by_index(0).unwrap();
    let (gpu, count, _) = allocations(|| borrowed.into_owned());
    assert_eq!(count, 0, "into_owned allocates nothing");
    let nvml = gpu.nvml();

    let checked = assert_no_alloc! {
        "device_count" => nvml.device_count();
        "memory_info" => gpu.memory_info();
        "utilization_rates" => gpu.utilization_rates();
        "temperature" => gpu.temperature(TemperatureSensor::Gpu);
        "power_usage" => gpu.power_usage();
        "clock_info" => gpu.clock_info(ClockType::Sm);
        "performance_state" => gpu.performance_state();
        "current_clocks_event_reasons" => gpu.current_clocks_event_reasons();
        "pcie_throughput" => gpu.pcie_throughput(PcieUtilCounter::Tx);
        "index" => gpu.index();
        "mig_mode" => gpu.mig_mode();
        "clone (another share)" => Ok::<_, nvml_wrapper::NvmlError>(gpu.clone());
    };
    assert_eq!(checked, 12);
}

/// On a driver without the newest versions (the 470 export list), the versioned getters take
/// their fallback paths (`nvmlDeviceGetMemoryInfo`, `nvmlDeviceGetTemperature`,
/// `nvmlDeviceGetCurrentClocksThrottleReasons`, `nvmlDeviceGetCount`...): still no allocation.
#[test]
fn fallback_paths_of_versioned_getters_allocate_nothing() {
    let m = mock(Staged::legacy_470());
    let nvml = &m.nvml;
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetMemoryInfo"),
        Some("nvmlDeviceGetMemoryInfo")
    );
    let gpu = nvml.device_by_index(0).unwrap();

    let checked = assert_no_alloc! {
        "device_count" => nvml.device_count();
        "device_by_index" => nvml.device_by_index(1);
        "memory_info" => gpu.memory_info();
        "temperature" => gpu.temperature(TemperatureSensor::Gpu);
        "current_clocks_event_reasons" => gpu.current_clocks_event_reasons();
        "power_usage" => gpu.power_usage();
    };
    assert_eq!(checked, 6);
}

/// The error path of a scalar getter allocates nothing either: NVML's return code becomes an
/// `NvmlError` variant without a heap payload.
#[test]
fn errors_of_scalar_getters_allocate_nothing() {
    let m = mock(Staged::new());
    let gpu = m.nvml.device_by_index(0).unwrap();
    // The H100 SXM5 is passively cooled: the mock answers NOT_SUPPORTED for its fan speed.
    assert!(gpu.fan_speed(0).is_err());
    let (result, count, bytes) = allocations(|| (0..CALLS).all(|_| gpu.fan_speed(0).is_err()));
    assert!(result);
    assert_eq!((count, bytes), (0, 0));
    // An index past the last GPU: INVALID_ARGUMENT, no allocation.
    let (result, count, _) = allocations(|| m.nvml.device_by_index(1000).is_err());
    assert!(result);
    assert_eq!(count, 0);
}
