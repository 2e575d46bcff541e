//! What the safe wrapper costs on top of a raw FFI call: each query twice, side by side in one
//! run, against the same loaded copy of `nvml-mock`.
//!
//! - `raw`: the `nvml_sys::NvmlLib` function pointer, taken out of its field once before the
//!   loop (the cheapest a hand-written caller can do), called with a hand-filled out-parameter,
//!   and the return code compared with `NVML_SUCCESS`. Strings: a stack buffer and
//!   `CStr` -> `String`. Lists: the count query, a `Vec`, the data query, by hand. Field
//!   values: a `Vec` of requests, the call, then each field's status and union member read by
//!   its type tag (what a caller must do to use a value).
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
//! A second table compares the two forms of a device handle, borrowed (`Device<'_>`) and
//! owned (`OwnedDevice`, which holds a share of the library instead of a reference), on the
//! same getters: `owned / borrowed` should be 1.
//!
//! Criterion measures one benchmark after the other, so on a busy machine a load spike during
//! one side of a pair skews its ratio. Each pair is therefore also measured *interleaved*:
//! short blocks of raw and safe calls alternate for a few hundred rounds, and the ratio is the
//! median of the per-round ratios. The run ends with that table (Markdown), criterion's
//! medians of the same run beside it; it is also written to `benches/results/wrapper_vs_raw.md`
//! (the run before moves to `wrapper_vs_raw.previous.md`), which BENCHMARKS.md embeds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod support;

use std::ffi::{CStr, c_char, c_uint};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use nvml_sys as sys;
use nvml_wrapper::Nvml;
use nvml_wrapper::device::field;
use nvml_wrapper::enums::{ClockType, TemperatureSensor};
use support::{Measured, RAW_HEADER, RAW_PAIRS, Table, consume, interleaved};

/// Target `safe / raw` ratio of the scalar getters.
const SCALAR: f64 = 1.05;
/// Target ratio of the string, list and batch getters.
const LIST: f64 = 1.2;
/// Target ratio of load + resolve + init.
const LOAD: f64 = 1.2;

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

/// One row of the ratio table.
struct Row {
    pair: &'static str,
    kind: &'static str,
    target: f64,
    /// `a` is raw, `b` is safe.
    m: Measured,
}

/// One row of the owned-vs-borrowed table.
struct FormRow {
    getter: &'static str,
    borrowed_ns: f64,
    owned_ns: f64,
    ratio: f64,
}

/// Target `owned / borrowed` ratio: the same work, so the same cost.
const OWNED: f64 = 1.05;

/// Runs each pair twice: through criterion (its usual report, `raw` and `safe` side by side),
/// then interleaved, for the ratio table.
struct Bench {
    criterion: Criterion,
    /// Measure (not `--test`/`--list`), and only the pairs matching the filter.
    measuring: bool,
    filters: Vec<String>,
    rows: Vec<Row>,
    form_rows: Vec<FormRow>,
}

impl Bench {
    fn selected(&self, pair: &str) -> bool {
        // Criterion's filter is a regex; alternatives of plain names are enough here.
        self.filters.is_empty()
            || self
                .filters
                .iter()
                .flat_map(|f| f.split('|'))
                .any(|alt| pair.contains(alt.trim_matches(['^', '$'])))
    }

    /// Benchmarks `raw` against `safe` under the name `pair`.
    fn pair<R, S>(
        &mut self,
        pair: &'static str,
        kind: &'static str,
        target: f64,
        mut raw: impl FnMut() -> R,
        mut safe: impl FnMut() -> S,
    ) {
        let mut g = self.criterion.benchmark_group(pair);
        g.warm_up_time(Duration::from_millis(500));
        g.measurement_time(Duration::from_secs(2));
        g.sample_size(50);
        g.bench_function("raw", |b| b.iter(|| consume(raw())));
        g.bench_function("safe", |b| b.iter(|| consume(safe())));
        g.finish();
        assert!(RAW_PAIRS.contains(&pair), "{pair} is not in RAW_PAIRS");
        if self.measuring && self.selected(pair) {
            let m = interleaved(ROUNDS, &mut raw, &mut safe);
            println!(
                "{pair}: interleaved raw {:.1} ns, safe {:.1} ns, safe/raw {:.3} [{:.3}, {:.3}]",
                m.a_ns, m.b_ns, m.ratio, m.p25, m.p75
            );
            self.rows.push(Row {
                pair,
                kind,
                target,
                m,
            });
        }
    }
}

impl Bench {
    /// Benchmarks the same getter on a borrowed and an owned device, under
    /// `owned_vs_borrowed/<getter>`.
    fn forms<B, O>(
        &mut self,
        getter: &'static str,
        mut borrowed: impl FnMut() -> B,
        mut owned: impl FnMut() -> O,
    ) {
        let mut g = self
            .criterion
            .benchmark_group(format!("owned_vs_borrowed/{getter}"));
        g.warm_up_time(Duration::from_millis(500));
        g.measurement_time(Duration::from_secs(2));
        g.sample_size(50);
        g.bench_function("borrowed", |b| b.iter(|| consume(borrowed())));
        g.bench_function("owned", |b| b.iter(|| consume(owned())));
        g.finish();
        if self.measuring && self.selected("owned_vs_borrowed") {
            let m = interleaved(ROUNDS, &mut borrowed, &mut owned);
            let (borrowed_ns, owned_ns, ratio) = (m.a_ns, m.b_ns, m.ratio);
            self.form_rows.push(FormRow {
                getter,
                borrowed_ns,
                owned_ns,
                ratio,
            });
        }
    }
}

/// Rounds of the interleaved measurement.
const ROUNDS: usize = 301;

fn scalar_getters(b: &mut Bench, raw: &Raw, nvml: &Nvml) {
    let dev = raw.device;
    let gpu = nvml.device_by_index(0).unwrap();
    // Both sides must measure the success path: a getter that errs would time something else.
    gpu.memory_info().unwrap();
    gpu.utilization_rates().unwrap();
    gpu.temperature(TemperatureSensor::Gpu).unwrap();
    gpu.power_usage().unwrap();
    gpu.clock_info(ClockType::Sm).unwrap();
    gpu.performance_state().unwrap();
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetMemoryInfo"),
        Some("nvmlDeviceGetMemoryInfo_v2")
    );
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetTemperature"),
        Some("nvmlDeviceGetTemperatureV")
    );

    // The raw side calls the symbol the wrapper chose (asserted above).
    let f = *raw.lib.nvmlDeviceGetMemoryInfo_v2.as_ref().unwrap();
    b.pair(
        "memory_info",
        "scalar",
        SCALAR,
        || {
            let mut mem = sys::nvmlMemory_v2_t {
                version: sys::nvmlMemory_v2,
                ..Default::default()
            };
            // SAFETY: live handle, `&mut` to a live local with its version set.
            ok(unsafe { f(black_box(dev), &mut mem) })?;
            // The four numbers a caller reads (reading them right after the library wrote the
            // struct is part of the cost, on either side).
            Ok::<_, sys::nvmlReturn_t>((mem.total, mem.reserved, mem.free, mem.used))
        },
        || black_box(gpu).memory_info(),
    );

    let f = *raw.lib.nvmlDeviceGetUtilizationRates.as_ref().unwrap();
    b.pair(
        "utilization_rates",
        "scalar",
        SCALAR,
        || {
            let mut util = sys::nvmlUtilization_t::default();
            // SAFETY: live handle, `&mut` to a live local.
            ok(unsafe { f(black_box(dev), &mut util) }).map(|()| util)
        },
        || black_box(gpu).utilization_rates(),
    );

    let f = *raw.lib.nvmlDeviceGetTemperatureV.as_ref().unwrap();
    b.pair(
        "temperature",
        "scalar",
        SCALAR,
        || {
            let mut temp = sys::nvmlTemperature_t {
                version: sys::nvmlTemperature_v1,
                sensorType: sys::NVML_TEMPERATURE_GPU,
                temperature: 0,
            };
            // SAFETY: live handle, `&mut` to a live local with its version set.
            ok(unsafe { f(black_box(dev), &mut temp) }).map(|()| temp.temperature)
        },
        || black_box(gpu).temperature(TemperatureSensor::Gpu),
    );

    let f = *raw.lib.nvmlDeviceGetPowerUsage.as_ref().unwrap();
    b.pair(
        "power_usage",
        "scalar",
        SCALAR,
        || {
            let mut mw: c_uint = 0;
            // SAFETY: live handle, `&mut` to a live local.
            ok(unsafe { f(black_box(dev), &mut mw) }).map(|()| mw)
        },
        || black_box(gpu).power_usage(),
    );

    let f = *raw.lib.nvmlDeviceGetClockInfo.as_ref().unwrap();
    b.pair(
        "clock_info",
        "scalar",
        SCALAR,
        || {
            let mut mhz: c_uint = 0;
            // SAFETY: live handle, a valid clock type, `&mut` to a live local.
            ok(unsafe { f(black_box(dev), sys::NVML_CLOCK_SM, &mut mhz) }).map(|()| mhz)
        },
        || black_box(gpu).clock_info(ClockType::Sm),
    );

    let f = *raw.lib.nvmlDeviceGetPerformanceState.as_ref().unwrap();
    b.pair(
        "performance_state",
        "scalar",
        SCALAR,
        || {
            let mut state: sys::nvmlPstates_t = sys::NVML_PSTATE_UNKNOWN;
            // SAFETY: live handle, `&mut` to a live local.
            ok(unsafe { f(black_box(dev), &mut state) }).map(|()| state)
        },
        || black_box(gpu).performance_state(),
    );
}

/// The same getters on `Device<'_>` and on `OwnedDevice`.
fn owned_vs_borrowed(b: &mut Bench, nvml: &Nvml) {
    let gpu = nvml.device_by_index(0).unwrap();
    let owned = gpu.into_owned();
    // Both forms must measure the success path, and read the same GPU.
    assert_eq!(
        owned.temperature(TemperatureSensor::Gpu).unwrap(),
        gpu.temperature(TemperatureSensor::Gpu).unwrap()
    );
    assert_eq!(owned, gpu);
    b.forms(
        "temperature",
        || black_box(gpu).temperature(TemperatureSensor::Gpu),
        || black_box(&owned).temperature(TemperatureSensor::Gpu),
    );
    b.forms(
        "memory_info",
        || black_box(gpu).memory_info(),
        || black_box(&owned).memory_info(),
    );
    b.forms(
        "power_usage",
        || black_box(gpu).power_usage(),
        || black_box(&owned).power_usage(),
    );
}

fn strings_and_lists(b: &mut Bench, raw: &Raw, nvml: &Nvml) {
    let dev = raw.device;
    let gpu = nvml.device_by_index(0).unwrap();
    assert_eq!(gpu.name().unwrap(), "NVIDIA H100 80GB HBM3");
    assert!(gpu.uuid().unwrap().starts_with("GPU-"));
    let values = gpu.field_values(&FIELDS).unwrap();
    assert!(values.iter().all(|v| v.value.is_ok()), "{values:?}");

    let f = *raw.lib.nvmlDeviceGetName.as_ref().unwrap();
    b.pair(
        "name",
        "string",
        LIST,
        || {
            raw_string::<{ sys::NVML_DEVICE_NAME_V2_BUFFER_SIZE as usize }>(|buf, len| {
                // SAFETY: live handle, a buffer of `len` bytes.
                unsafe { f(black_box(dev), buf, len) }
            })
        },
        || black_box(gpu).name(),
    );

    let f = *raw.lib.nvmlDeviceGetUUID.as_ref().unwrap();
    b.pair(
        "uuid",
        "string",
        LIST,
        || {
            raw_string::<{ sys::NVML_DEVICE_UUID_V2_BUFFER_SIZE as usize }>(|buf, len| {
                // SAFETY: live handle, a buffer of `len` bytes.
                unsafe { f(black_box(dev), buf, len) }
            })
        },
        || black_box(gpu).uuid(),
    );

    // GPU 0 of the default profile runs two compute processes.
    assert_eq!(
        nvml.chosen_symbol("nvmlDeviceGetComputeRunningProcesses"),
        Some("nvmlDeviceGetComputeRunningProcesses_v3")
    );
    let f = *raw
        .lib
        .nvmlDeviceGetComputeRunningProcesses_v3
        .as_ref()
        .unwrap();
    assert_eq!(raw_processes(f, dev).unwrap().len(), 2);
    assert_eq!(gpu.running_compute_processes().unwrap().len(), 2);
    b.pair(
        "running_compute_processes",
        "list",
        LIST,
        || raw_processes(f, black_box(dev)),
        || black_box(gpu).running_compute_processes(),
    );

    let f = *raw.lib.nvmlDeviceGetFieldValues.as_ref().unwrap();
    b.pair(
        "field_values",
        "batch",
        LIST,
        || -> Result<_, sys::nvmlReturn_t> {
            let mut values: Vec<sys::nvmlFieldValue_t> = black_box(&FIELDS)
                .iter()
                .map(|id| sys::nvmlFieldValue_t {
                    fieldId: *id,
                    ..Default::default()
                })
                .collect();
            // SAFETY: live handle, a buffer of exactly `values.len()` requests.
            ok(unsafe { f(black_box(dev), values.len() as i32, values.as_mut_ptr()) })?;
            // What any caller does next: each field's own status, then the member of the
            // union its type names.
            let mut sum = 0.0f64;
            for v in &values {
                if v.nvmlReturn != sys::NVML_SUCCESS {
                    continue;
                }
                // SAFETY: the tag says which member NVML wrote; every member is a plain number
                // and the request was zeroed, so all bytes are initialised.
                sum += unsafe {
                    match v.valueType {
                        sys::NVML_VALUE_TYPE_DOUBLE => v.value.dVal,
                        sys::NVML_VALUE_TYPE_UNSIGNED_INT => f64::from(v.value.uiVal),
                        sys::NVML_VALUE_TYPE_UNSIGNED_LONG => v.value.ulVal as f64,
                        sys::NVML_VALUE_TYPE_UNSIGNED_LONG_LONG => v.value.ullVal as f64,
                        sys::NVML_VALUE_TYPE_SIGNED_LONG_LONG => v.value.sllVal as f64,
                        sys::NVML_VALUE_TYPE_SIGNED_INT => f64::from(v.value.siVal),
                        sys::NVML_VALUE_TYPE_UNSIGNED_SHORT => f64::from(v.value.usVal),
                        _ => 0.0,
                    }
                };
            }
            Ok((values, sum))
        },
        || black_box(gpu).field_values(black_box(&FIELDS)),
    );
}

/// Load, resolve, initialise and shut down, each iteration. Nothing else holds NVML
/// initialised here, so every `nvmlInit_v2` really initialises the mock (which keeps the
/// simulated machine parked between a shutdown and the next init, as a driver keeps its
/// state). The staged copy stays loaded by its `Staged`, so `dlopen` finds it mapped, as it
/// would a driver library another part of the process already uses.
fn load_and_init(b: &mut Bench, path: &Path) {
    // nvml-sys alone: `dlopen`, every symbol of the header resolved, `nvmlInit_v2` through its
    // field, `nvmlShutdown`, `dlclose`.
    // The wrapper: the same, plus the version choice for every family and the driver quirks.
    b.pair(
        "load_init_shutdown",
        "load",
        LOAD,
        || {
            // SAFETY: the staged mock is a valid NVML library.
            let lib = unsafe { sys::NvmlLib::new(black_box(path)) }.unwrap();
            let init = *lib.nvmlInit_v2.as_ref().unwrap();
            let shutdown = *lib.nvmlShutdown.as_ref().unwrap();
            // SAFETY: no arguments; the shutdown balances the init.
            let rc = unsafe { (init(), shutdown()) };
            drop(lib);
            rc
        },
        || {
            let nvml = Nvml::builder().library_path(black_box(path)).init();
            drop(nvml);
        },
    );
    // For scale only (not a pair): `dlopen` and the two symbols that are called, nothing
    // else resolved.
    let mut g = b.criterion.benchmark_group("load_init_shutdown");
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    g.sample_size(50);
    g.bench_function("dlopen_two_symbols", |bench| {
        bench.iter(|| {
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
fn criterion_median_ns(dir: &Path, group: &str, bench: &str) -> Option<f64> {
    let path = dir
        .join(group)
        .join(bench)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// The results: the command, the machine, the ratio table (the interleaved measurement, with
/// criterion's medians of the same run beside it).
fn report(rows: &[Row]) -> String {
    let dir = criterion_dir();
    let criterion = |group: &str, bench: &str| {
        dir.as_deref()
            .and_then(|d| criterion_median_ns(d, group, bench))
    };
    let table = Table {
        header: RAW_HEADER.map(str::to_owned).to_vec(),
        right: vec![false, false, true, true, true, false, true, false, false],
        rows: rows
            .iter()
            .map(|row| {
                let m = &row.m;
                let crit = match (criterion(row.pair, "raw"), criterion(row.pair, "safe")) {
                    (Some(r), Some(s)) => format!("{r:.1} / {s:.1} ({:.3})", s / r),
                    _ => "-".to_owned(),
                };
                vec![
                    row.pair.to_owned(),
                    row.kind.to_owned(),
                    format!("{:.1}", m.a_ns),
                    format!("{:.1}", m.b_ns),
                    format!("{:.3}", m.ratio),
                    format!("{:.3} - {:.3}", m.p25, m.p75),
                    format!("<= {}", row.target),
                    if m.ratio <= row.target { "yes" } else { "NO" }.to_owned(),
                    crit,
                ]
            })
            .collect(),
    };
    let mut text = format!(
        "`cargo bench -p nvml-wrapper --bench wrapper_vs_raw`: safe / raw, median of {ROUNDS} \
         interleaved rounds per pair\n(ns per call: each side's median; criterion's medians, \
         measured one after the other, in the last column).\n\n"
    );
    for line in support::machine() {
        text.push_str(&line);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&table.render());
    if let Some(bare) = criterion("load_init_shutdown", "dlopen_two_symbols") {
        text.push_str(&format!(
            "\nFor scale: dlopen + 2 symbols + init + shutdown, nothing else resolved: {bare:.1} ns\n"
        ));
    }
    text
}

/// Prints the owned-vs-borrowed table (Markdown).
fn print_forms(rows: &[FormRow]) {
    if rows.is_empty() {
        return;
    }
    println!(
        "\nowned / borrowed device handle, same getter: median of {ROUNDS} interleaved rounds\n"
    );
    println!("| getter | borrowed (ns) | owned (ns) | owned / borrowed | target | met |");
    println!("|---|---:|---:|---:|---:|---|");
    for row in rows {
        let met = if row.ratio <= OWNED { "yes" } else { "NO" };
        println!(
            "| {} | {:.1} | {:.1} | {:.3} | <= {OWNED} | {met} |",
            row.getter, row.borrowed_ns, row.owned_ns, row.ratio
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --benches` runs each benchmark once (`--test`); `--list` only lists.
    let measuring = !args.iter().any(|a| a == "--test" || a == "--list");
    // Criterion's filter (a free argument) also selects the interleaved pairs.
    let filters = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();

    let staged = nvml_mock::Staged::new().expect("stage the mock library");
    let mut bench = Bench {
        criterion: Criterion::default().configure_from_args(),
        measuring,
        filters,
        rows: Vec::new(),
        form_rows: Vec::new(),
    };
    {
        let raw = Raw::open(staged.path());
        let nvml = Nvml::builder()
            .library_path(staged.path())
            .init()
            .expect("init on the mock");
        scalar_getters(&mut bench, &raw, &nvml);
        strings_and_lists(&mut bench, &raw, &nvml);
        owned_vs_borrowed(&mut bench, &nvml);
    }
    load_and_init(&mut bench, staged.path());
    bench.criterion.final_summary();
    if measuring {
        print_forms(&bench.form_rows);
    }
    if measuring && bench.rows.len() == RAW_PAIRS.len() {
        support::publish("wrapper_vs_raw", &report(&bench.rows));
    } else if measuring {
        // A filtered run measures some pairs only: printed by criterion, not published.
        println!(
            "(some pairs only: {} not written)",
            support::results_path("wrapper_vs_raw").display()
        );
    }
}
