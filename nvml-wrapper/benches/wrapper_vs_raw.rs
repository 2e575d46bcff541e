//! What the safe wrapper costs on top of a raw FFI call: each query twice, side by side in one
//! run, against the same loaded copy of `nvml-mock`.
//!
//! - `raw`: the `nvml_sys::NvmlLib` function pointer, taken out of its field once before the
//!   loop (the cheapest a hand-written caller can do), called with a hand-filled out-parameter,
//!   and the return code compared with `NVML_SUCCESS`. Strings: a stack buffer and
//!   `CStr` -> `String`. Lists: the count query, a `Vec`, the data query, by hand.
//! - `safe`: the `nvml_wrapper` method, as a user calls it.
//!
//! Both sides reach the very same library instance (one staged file, `dlopen`ed twice, is one
//! library with one global state), so the mock's own cost (a global mutex per call) is the
//! same on both sides. Compare the two rows of a group, in the same run; see BENCHMARKS.md at
//! the root of the repository for the ratios and how to reproduce them.
//!
//! ```text
//! cargo bench -p nvml-wrapper --bench wrapper_vs_raw
//! ```
//!
//! After the criterion groups, the run prints a table of `safe / raw` ratios from criterion's
//! estimates (median of the per-iteration times), ready for BENCHMARKS.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![allow(missing_docs)]

use std::ffi::{CStr, c_char, c_uint};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, measurement::WallTime};
use nvml_sys as sys;
use nvml_wrapper::Nvml;
use nvml_wrapper::device::field;
use nvml_wrapper::enums::{ClockType, TemperatureSensor};

/// The pairs, in the order of the table: (criterion group, kind of getter, target ratio).
const PAIRS: &[(&str, &str, f64)] = &[
    ("memory_info", "scalar", 1.05),
    ("utilization_rates", "scalar", 1.05),
    ("temperature", "scalar", 1.05),
    ("power_usage", "scalar", 1.05),
    ("clock_info", "scalar", 1.05),
    ("performance_state", "scalar", 1.05),
    ("name", "string", 1.2),
    ("uuid", "string", 1.2),
    ("running_compute_processes", "list", 1.2),
    ("field_values", "batch", 1.2),
    ("load_init_shutdown", "load", 1.2),
];

/// Field ids of the batch pair: a typical exporter's handful.
const FIELDS: [u32; 8] = [
    field::POWER_INSTANT_MW,
    field::TOTAL_ENERGY_MJ,
    field::MEMORY_TEMPERATURE_C,
    field::ECC_CURRENT,
    field::ECC_SBE_VOLATILE_TOTAL,
    field::ECC_DBE_VOLATILE_TOTAL,
    field::PCIE_REPLAY_COUNTER,
    field::NVLINK_LINK_COUNT,
];

/// The raw side: the library loaded by `nvml-sys` alone, initialised, and GPU 0's handle.
struct Raw {
    lib: sys::NvmlLib,
    device: sys::nvmlDevice_t,
}

impl Raw {
    fn open(path: &Path) -> Raw {
        // SAFETY: the staged mock is a valid NVML library; its initialisers have no
        // preconditions.
        let lib = unsafe { sys::NvmlLib::new(path) }.expect("load the mock with nvml-sys");
        let init = *lib.nvmlInit_v2.as_ref().expect("nvmlInit_v2");
        // SAFETY: `nvmlInit_v2` takes no arguments.
        assert_eq!(unsafe { init() }, sys::NVML_SUCCESS);
        let by_index = *lib
            .nvmlDeviceGetHandleByIndex_v2
            .as_ref()
            .expect("nvmlDeviceGetHandleByIndex_v2");
        let mut device: sys::nvmlDevice_t = std::ptr::null_mut();
        // SAFETY: index 0 is a plain value, `device` a live local out-parameter.
        assert_eq!(unsafe { by_index(0, &mut device) }, sys::NVML_SUCCESS);
        Raw { lib, device }
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        if let Ok(shutdown) = self.lib.nvmlShutdown.as_ref() {
            // SAFETY: balances the successful `nvmlInit_v2` of `open`.
            unsafe { shutdown() };
        }
    }
}

/// A raw return code as a `Result`, the least a hand-written caller does.
#[inline(always)]
fn ok(rc: sys::nvmlReturn_t) -> Result<(), sys::nvmlReturn_t> {
    if rc == sys::NVML_SUCCESS {
        Ok(())
    } else {
        Err(rc)
    }
}

/// A hand-written string read: a stack buffer, then `CStr` up to the NUL, then `String`.
#[inline(always)]
fn raw_string<const N: usize>(
    fill: impl FnOnce(*mut c_char, c_uint) -> sys::nvmlReturn_t,
) -> Result<String, sys::nvmlReturn_t> {
    let mut buf = [0u8; N];
    ok(fill(buf.as_mut_ptr().cast(), N as c_uint))?;
    let text = CStr::from_bytes_until_nul(&buf).map_err(|_| sys::NVML_ERROR_UNKNOWN)?;
    Ok(text
        .to_str()
        .map_err(|_| sys::NVML_ERROR_UNKNOWN)?
        .to_owned())
}

type ProcessQuery = unsafe extern "C" fn(
    sys::nvmlDevice_t,
    *mut c_uint,
    *mut sys::nvmlProcessInfo_t,
) -> sys::nvmlReturn_t;

/// A hand-written "count, then data" loop into a `Vec`.
#[inline(always)]
fn raw_processes(
    f: ProcessQuery,
    device: sys::nvmlDevice_t,
) -> Result<Vec<sys::nvmlProcessInfo_t>, sys::nvmlReturn_t> {
    let mut count: c_uint = 0;
    // SAFETY: a null buffer with a count of 0 is NVML's size query.
    match unsafe { f(device, &mut count, std::ptr::null_mut()) } {
        sys::NVML_SUCCESS => return Ok(Vec::new()),
        sys::NVML_ERROR_INSUFFICIENT_SIZE => {}
        rc => return Err(rc),
    }
    loop {
        let mut items = vec![sys::nvmlProcessInfo_t::default(); count as usize];
        let mut written = count;
        // SAFETY: `items` holds `written` entries of the struct the `_v3` query fills.
        match unsafe { f(device, &mut written, items.as_mut_ptr()) } {
            sys::NVML_SUCCESS => {
                items.truncate((written as usize).min(items.len()));
                return Ok(items);
            }
            sys::NVML_ERROR_INSUFFICIENT_SIZE => count = written,
            rc => return Err(rc),
        }
    }
}

/// Criterion settings: short, since there are 23 benchmarks on a small shared machine.
fn group<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut g = c.benchmark_group(name);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    g.sample_size(60);
    g
}

fn scalar_getters(c: &mut Criterion, raw: &Raw, nvml: &Nvml) {
    let dev = raw.device;
    let gpu = nvml.device_by_index(0).unwrap();
    // Both sides must measure the success path: a getter that errs would time something else.
    gpu.memory_info().unwrap();
    gpu.utilization_rates().unwrap();
    gpu.temperature(TemperatureSensor::Gpu).unwrap();
    gpu.power_usage().unwrap();
    gpu.clock_info(ClockType::Sm).unwrap();
    gpu.performance_state().unwrap();

    let mut g = group(c, "memory_info");
    let f = *raw.lib.nvmlDeviceGetMemoryInfo_v2.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut mem = sys::nvmlMemory_v2_t {
                version: sys::nvmlMemory_v2,
                ..Default::default()
            };
            // SAFETY: live handle, `&mut` to a live local with its version set.
            ok(unsafe { f(black_box(dev), &mut mem) }).map(|()| mem)
        })
    });
    g.bench_function("safe", |b| b.iter(|| black_box(gpu).memory_info()));
    g.finish();

    let mut g = group(c, "utilization_rates");
    let f = *raw.lib.nvmlDeviceGetUtilizationRates.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut util = sys::nvmlUtilization_t::default();
            // SAFETY: live handle, `&mut` to a live local.
            ok(unsafe { f(black_box(dev), &mut util) }).map(|()| util)
        })
    });
    g.bench_function("safe", |b| b.iter(|| black_box(gpu).utilization_rates()));
    g.finish();

    // The wrapper calls `nvmlDeviceGetTemperatureV` where the library has it (the mock does),
    // so the raw side calls the same symbol.
    let mut g = group(c, "temperature");
    let f = *raw.lib.nvmlDeviceGetTemperatureV.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut temp = sys::nvmlTemperature_t {
                version: sys::nvmlTemperature_v1,
                sensorType: sys::NVML_TEMPERATURE_GPU,
                temperature: 0,
            };
            // SAFETY: live handle, `&mut` to a live local with its version set.
            ok(unsafe { f(black_box(dev), &mut temp) }).map(|()| temp.temperature)
        })
    });
    g.bench_function("safe", |b| {
        b.iter(|| black_box(gpu).temperature(TemperatureSensor::Gpu))
    });
    g.finish();

    let mut g = group(c, "power_usage");
    let f = *raw.lib.nvmlDeviceGetPowerUsage.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut mw: c_uint = 0;
            // SAFETY: live handle, `&mut` to a live local.
            ok(unsafe { f(black_box(dev), &mut mw) }).map(|()| mw)
        })
    });
    g.bench_function("safe", |b| b.iter(|| black_box(gpu).power_usage()));
    g.finish();

    let mut g = group(c, "clock_info");
    let f = *raw.lib.nvmlDeviceGetClockInfo.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut mhz: c_uint = 0;
            // SAFETY: live handle, a valid clock type, `&mut` to a live local.
            ok(unsafe { f(black_box(dev), sys::NVML_CLOCK_SM, &mut mhz) }).map(|()| mhz)
        })
    });
    g.bench_function("safe", |b| {
        b.iter(|| black_box(gpu).clock_info(ClockType::Sm))
    });
    g.finish();

    let mut g = group(c, "performance_state");
    let f = *raw.lib.nvmlDeviceGetPerformanceState.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut state: sys::nvmlPstates_t = sys::NVML_PSTATE_UNKNOWN;
            // SAFETY: live handle, `&mut` to a live local.
            ok(unsafe { f(black_box(dev), &mut state) }).map(|()| state)
        })
    });
    g.bench_function("safe", |b| b.iter(|| black_box(gpu).performance_state()));
    g.finish();
}

fn strings_and_lists(c: &mut Criterion, raw: &Raw, nvml: &Nvml) {
    let dev = raw.device;
    let gpu = nvml.device_by_index(0).unwrap();
    assert_eq!(gpu.name().unwrap(), "NVIDIA H100 80GB HBM3");
    assert!(gpu.uuid().unwrap().starts_with("GPU-"));
    let values = gpu.field_values(&FIELDS).unwrap();
    assert!(values.iter().all(|v| v.value.is_ok()), "{values:?}");

    let mut g = group(c, "name");
    let f = *raw.lib.nvmlDeviceGetName.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            raw_string::<{ sys::NVML_DEVICE_NAME_V2_BUFFER_SIZE as usize }>(|buf, len| {
                // SAFETY: live handle, a buffer of `len` bytes.
                unsafe { f(black_box(dev), buf, len) }
            })
        })
    });
    g.bench_function("safe", |b| b.iter(|| black_box(gpu).name()));
    g.finish();

    let mut g = group(c, "uuid");
    let f = *raw.lib.nvmlDeviceGetUUID.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            raw_string::<{ sys::NVML_DEVICE_UUID_V2_BUFFER_SIZE as usize }>(|buf, len| {
                // SAFETY: live handle, a buffer of `len` bytes.
                unsafe { f(black_box(dev), buf, len) }
            })
        })
    });
    g.bench_function("safe", |b| b.iter(|| black_box(gpu).uuid()));
    g.finish();

    // GPU 0 of the default profile runs two compute processes.
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetComputeRunningProcesses"),
        Some("nvmlDeviceGetComputeRunningProcesses_v3")
    );
    let mut g = group(c, "running_compute_processes");
    let f = *raw
        .lib
        .nvmlDeviceGetComputeRunningProcesses_v3
        .as_ref()
        .unwrap();
    assert_eq!(raw_processes(f, dev).unwrap().len(), 2);
    g.bench_function("raw", |b| b.iter(|| raw_processes(f, black_box(dev))));
    g.bench_function("safe", |b| {
        b.iter(|| black_box(gpu).running_compute_processes())
    });
    g.finish();

    let mut g = group(c, "field_values");
    let f = *raw.lib.nvmlDeviceGetFieldValues.as_ref().unwrap();
    g.bench_function("raw", |b| {
        b.iter(|| {
            let mut values: Vec<sys::nvmlFieldValue_t> = black_box(&FIELDS)
                .iter()
                .map(|id| sys::nvmlFieldValue_t {
                    fieldId: *id,
                    ..Default::default()
                })
                .collect();
            // SAFETY: live handle, a buffer of exactly `FIELDS.len()` requests.
            ok(unsafe { f(black_box(dev), values.len() as i32, values.as_mut_ptr()) })
                .map(|()| values)
        })
    });
    g.bench_function("safe", |b| {
        b.iter(|| black_box(gpu).field_values(black_box(&FIELDS)))
    });
    g.finish();
}

/// Load, resolve, initialise and shut down, each iteration. Nothing else holds NVML
/// initialised here, so every `nvmlInit_v2` really initialises the mock (which keeps the
/// simulated machine parked between a shutdown and the next init, as a driver keeps its state).
fn load_and_init(c: &mut Criterion, path: &Path) {
    let mut g = group(c, "load_init_shutdown");
    // nvml-sys alone: `dlopen`, every symbol of the header resolved, `nvmlInit_v2` through its
    // field, `nvmlShutdown`, `dlclose`.
    g.bench_function("raw", |b| {
        b.iter(|| {
            // SAFETY: the staged mock is a valid NVML library.
            let lib = unsafe { sys::NvmlLib::new(black_box(path)) }.unwrap();
            let init = *lib.nvmlInit_v2.as_ref().unwrap();
            let shutdown = *lib.nvmlShutdown.as_ref().unwrap();
            // SAFETY: no arguments; the shutdown balances the init.
            let rc = unsafe { (init(), shutdown()) };
            drop(lib);
            rc
        })
    });
    // The wrapper: the same, plus choosing the version of every family and the driver quirks.
    g.bench_function("safe", |b| {
        b.iter(|| {
            let nvml = Nvml::builder().library_path(black_box(path)).init();
            drop(nvml);
        })
    });
    // For scale only (not a pair): `dlopen` and the two symbols that are called, nothing else.
    g.bench_function("dlopen_two_symbols", |b| {
        b.iter(|| {
            // SAFETY: the staged mock is a valid library; its initialisers have no
            // preconditions.
            let lib = unsafe { libloading::Library::new(black_box(path)) }.unwrap();
            // SAFETY: the symbols have the header's signatures.
            let (init, shutdown) = unsafe {
                (
                    lib.get::<unsafe extern "C" fn() -> sys::nvmlReturn_t>(b"nvmlInit_v2\0")
                        .unwrap(),
                    lib.get::<unsafe extern "C" fn() -> sys::nvmlReturn_t>(b"nvmlShutdown\0")
                        .unwrap(),
                )
            };
            // SAFETY: no arguments; the shutdown balances the init.
            unsafe { (init(), shutdown()) }
        })
    });
    g.finish();
}

/// Where criterion writes its estimates: `$CRITERION_HOME`, else `<target dir>/criterion`,
/// the target dir being `$CARGO_TARGET_DIR` or the one this executable was built into
/// (`<target>/release/deps/wrapper_vs_raw-*`).
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(PathBuf::from(target).join("criterion"));
    }
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.parent()?.parent()?.join("criterion"))
}

/// The median time per iteration, in nanoseconds, of one benchmark of the last run.
fn median_ns(dir: &Path, group: &str, bench: &str) -> Option<f64> {
    let path = dir
        .join(group)
        .join(bench)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// Prints the `safe / raw` table (Markdown) from criterion's estimates of this run.
fn print_ratios() {
    let Some(dir) = criterion_dir() else {
        eprintln!("criterion output directory not found: no ratio table");
        return;
    };
    println!("\n| pair | kind | raw (ns) | safe (ns) | safe / raw | target | met |");
    println!("|---|---|---:|---:|---:|---:|---|");
    for (group, kind, target) in PAIRS {
        match (
            median_ns(&dir, group, "raw"),
            median_ns(&dir, group, "safe"),
        ) {
            (Some(raw), Some(safe)) => {
                let ratio = safe / raw;
                let met = if ratio <= *target { "yes" } else { "NO" };
                println!(
                    "| {group} | {kind} | {raw:.1} | {safe:.1} | {ratio:.3} | <= {target} | {met} |"
                );
            }
            _ => println!("| {group} | {kind} | - | - | - | <= {target} | not run |"),
        }
    }
    if let Some(bare) = median_ns(&dir, "load_init_shutdown", "dlopen_two_symbols") {
        println!("\n(for scale: dlopen + 2 symbols + init + shutdown, no nvml-sys: {bare:.1} ns)");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs each benchmark once (`--test`); `--list` only lists.
    let measuring = !args.iter().any(|a| a == "--test" || a == "--list");

    let staged = nvml_mock::Staged::new().expect("stage the mock library");
    let mut c = Criterion::default().configure_from_args();
    {
        let raw = Raw::open(staged.path());
        let nvml = Nvml::builder()
            .library_path(staged.path())
            .init()
            .expect("init on the mock");
        scalar_getters(&mut c, &raw, &nvml);
        strings_and_lists(&mut c, &raw, &nvml);
    }
    load_and_init(&mut c, staged.path());
    c.final_summary();
    if measuring {
        print_ratios();
    }
}
