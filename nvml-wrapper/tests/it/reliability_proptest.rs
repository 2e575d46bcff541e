//! Property-based hostile-driver tests: a "chaos" NVML, generated from `nvml.h` (every function
//! it declares) and built with `cc`, answers each call as the current generated case says:
//! return codes (the header's, `INSUFFICIENT_SIZE`, and any `u32`), size-query counts and
//! claimed counts (0..8, 65,535..65,540, `u32::MAX`, any), list items and scalars of arbitrary
//! bytes (so enum fields hold values no header defines), strings of arbitrary bytes with and
//! without a NUL (invalid UTF-8 included), and handles that are NULL, plausible or arbitrary.
//!
//! Every method of the reliability table (`tests/it/support/reliability/`, which the fault sweep
//! keeps complete: every public method that calls NVML has a row) is driven through the
//! case's library, a number of cases each. For every case:
//! - no panic (proptest catches one and shrinks the case),
//! - no hang: each call returns within [`CALL_DEADLINE`],
//! - bounded memory: the whole run is a child process under `ulimit -v` of 1 GiB,
//! - no phantom entries: a list read from a count-and-array C function holds at most the items
//!   the library wrote in one call; a string read from a buffer holds at most the bytes it
//!   wrote and no NUL.
//!
//! `NVML_PROPTEST_CASES` sets the cases per method (default [`CASES_PER_METHOD`]),
//! `NVML_PROPTEST_SEED` the seed (default a fixed one, so CI runs are repeatable).

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::reliability::{Entry, Lab, Shape, table};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Cases per method in a plain `cargo test`.
const CASES_PER_METHOD: u32 = 40;
/// The longest one call may take before it counts as a hang.
const CALL_DEADLINE: Duration = Duration::from_secs(2);
/// The deadline of the whole child process.
const RUN_DEADLINE: Duration = Duration::from_secs(300);

/// How a generated C function treats its outputs, as the test needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A list through an in/out count and one or more arrays: results are bounded by the items
    /// it wrote.
    List,
    /// A string into a caller-sized buffer: results are bounded by the bytes it wrote.
    Text,
    /// Anything else: scalars, structs, handles.
    Other,
}

/// One parameter of a prototype.
#[derive(Debug)]
struct Param {
    /// Its type, as written (`unsigned int *`).
    ty: String,
    name: String,
    /// Pointed-to type without `const` (`unsigned int`), for pointers.
    base: String,
    pointer: bool,
    constant: bool,
}

fn parse_param(text: &str) -> Option<Param> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text == "void" || text.is_empty() {
        return None;
    }
    let split = text
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .expect("a parameter with a type and a name");
    let (ty, name) = (
        text[..=split].trim().to_owned(),
        text[split + 1..].to_owned(),
    );
    let pointer = ty.contains('*');
    let constant = ty.starts_with("const ") || ty.contains(" const");
    let base = ty.replace("const ", "").replace('*', "").trim().to_owned();
    Some(Param {
        ty,
        name,
        base,
        pointer,
        constant,
    })
}

/// The handle types: pointers NVML hands out.
const HANDLES: &[&str] = &[
    "nvmlDevice_t",
    "nvmlUnit_t",
    "nvmlEventSet_t",
    "nvmlSystemEventSet_t",
    "nvmlGpuInstance_t",
    "nvmlComputeInstance_t",
    "nvmlGpmSample_t",
];

fn count_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("count") || n.contains("size") || n == "length"
}

/// Whether a count counts bytes (1) or items (0): only a `...Count` counts items; a size or a
/// length is taken as bytes, which never lets the library write past the buffer even where
/// the header means items (it then writes fewer).
fn in_bytes(count: &str) -> i32 {
    i32::from(!count.to_ascii_lowercase().contains("count"))
}

/// Versioned structs holding a list (a count field and a pointer to the caller's buffer), which
/// `tests/hostile/chaos.h` answers as lists (`chaos_list_<type>`).
const STRUCT_LISTS: &[&str] = &[
    "nvmlProcessDetailList_t",
    "nvmlProcessesUtilizationInfo_t",
    "nvmlEccSramUniqueUncorrectedErrorCounts_t",
    "nvmlVgpuInstancesUtilizationInfo_t",
    "nvmlVgpuProcessesUtilizationInfo_t",
    "nvmlVgpuPlacementList_t",
    "nvmlActiveVgpuInstanceInfo_t",
    "nvmlVgpuTypeIdInfo_t",
    "nvmlVgpuCreatablePlacementInfo_t",
];

/// `nvml.h`'s prototypes, as `(name, parameters)`.
fn prototypes(header: &str) -> Vec<(String, Vec<Param>)> {
    // Comments out, one line.
    let mut text = String::new();
    let mut rest = header;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let text: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for chunk in text.split("nvmlReturn_t").skip(1) {
        let chunk = chunk.trim_start();
        let Some(decl) = chunk.strip_prefix("DECLDIR") else {
            continue;
        };
        let Some(open) = decl.find('(') else { continue };
        let name = decl[..open].trim().to_owned();
        if !name.starts_with("nvml") || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(close) = decl[open..].find(')') else {
            continue;
        };
        if !decl[open + close + 1..].trim_start().starts_with(';') || !seen.insert(name.clone()) {
            continue;
        }
        let params = decl[open + 1..open + close]
            .split(',')
            .filter_map(parse_param)
            .collect();
        out.push((name, params));
    }
    out
}

/// The C body of one chaos function, and its kind.
fn body(name: &str, params: &[Param]) -> (String, Kind) {
    let mut b = String::new();
    let mut kind = Kind::Other;
    let mut done = vec![false; params.len()];
    // Inputs and by-value parameters are not written.
    for (i, p) in params.iter().enumerate() {
        if !p.pointer || p.constant || p.base == "void" {
            done[i] = true;
        }
    }
    // Lists: an `unsigned int *...Count/Size` with the arrays right after it (or the one right
    // before it).
    for (i, p) in params.iter().enumerate() {
        if done[i] || p.base != "unsigned int" || !count_like(&p.name) {
            continue;
        }
        let after: Vec<usize> = (i + 1..params.len())
            .take_while(|&j| !done[j] && !count_like(&params[j].name))
            .collect();
        let arrays = if !after.is_empty() {
            after
        } else if i > 0 && !done[i - 1] {
            vec![i - 1]
        } else {
            continue;
        };
        let count = &p.name;
        let in_bytes = in_bytes(&p.name);
        let first = &params[arrays[0]].name;
        let _ = writeln!(
            b,
            "    if ({count} != NULL && {first} == NULL) return chaos_size_query({count});"
        );
        let _ = writeln!(
            b,
            "    uint32_t cap_{count} = {count} != NULL ? *{count} : 0, wrote_{count} = 0;"
        );
        for &j in &arrays {
            let a = &params[j];
            if a.base == "char" {
                let _ = writeln!(
                    b,
                    "    wrote_{count} = chaos_text({}, cap_{count});",
                    a.name
                );
                kind = Kind::Text;
            } else {
                let _ = writeln!(
                    b,
                    "    wrote_{count} = chaos_array({0}, cap_{count}, sizeof *{0}, {in_bytes});",
                    a.name
                );
                kind = Kind::List;
            }
            done[j] = true;
        }
        let _ = writeln!(
            b,
            "    if ({count} != NULL) chaos_claim({count}, wrote_{count}, cap_{count});"
        );
        done[i] = true;
    }
    // Arrays sized by a by-value count or length next to them.
    for (i, p) in params.iter().enumerate() {
        if done[i] {
            continue;
        }
        let size = [i.checked_add(1), i.checked_sub(1)]
            .into_iter()
            .flatten()
            .filter_map(|j| params.get(j))
            .find(|q| !q.pointer && count_like(&q.name) && q.base.contains("int"));
        let Some(size) = size else { continue };
        let cap = format!("(uint64_t)({} > 0 ? {} : 0)", size.name, size.name);
        if p.base == "char" {
            let _ = writeln!(b, "    chaos_text({}, {cap});", p.name);
            kind = Kind::Text;
        } else {
            let in_bytes = in_bytes(&size.name);
            let _ = writeln!(
                b,
                "    chaos_array({0}, {cap}, sizeof *{0}, {in_bytes});",
                p.name
            );
        }
        done[i] = true;
    }
    // Handles, then every other output: its own size of the case's bytes.
    let mut answer = "chaos_rc()".to_owned();
    for (i, p) in params.iter().enumerate() {
        if done[i] || p.base == "char" {
            continue;
        }
        if STRUCT_LISTS.contains(&p.base.as_str()) {
            // Written last: its answer is the function's.
            answer = format!("chaos_list_{}({})", p.base, p.name);
            kind = Kind::List;
        } else if HANDLES.contains(&p.base.as_str()) {
            let _ = writeln!(b, "    chaos_handle({0}, sizeof *{0});", p.name);
        } else if p.base == "nvmlGpmMetricsGet_t" {
            // The metric names are pointers into the library, which the caller must trust
            // (as `nvmlErrorString`'s): NULL or the case's text, never arbitrary bytes.
            let _ = writeln!(b, "    chaos_gpm_metrics({});", p.name);
        } else {
            let _ = writeln!(b, "    chaos_fill({0}, sizeof *{0});", p.name);
        }
    }
    let _ = name;
    let _ = writeln!(b, "    return {answer};");
    (b, kind)
}

/// The chaos library's C source, and the kind of each function.
fn chaos_source() -> (String, BTreeMap<String, Kind>) {
    let header =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../headers/nvml.h")).unwrap();
    let mut src = String::from(
        "/* Generated by tests/reliability_proptest.rs from nvml.h: do not edit. */\n\
         #include \"chaos.h\"\n\n\
         const char *nvmlErrorString(nvmlReturn_t result) {\n\
         \x20   (void)result;\n\
         \x20   if (chaos.handle == 0) return NULL;\n\
         \x20   memcpy(chaos_error_text, chaos.text, sizeof chaos_error_text);\n\
         \x20   return chaos_error_text;\n\
         }\n\n",
    );
    let mut kinds = BTreeMap::new();
    for (name, params) in prototypes(&header) {
        let list: Vec<String> = params
            .iter()
            .map(|p| {
                if p.ty.ends_with('*') {
                    format!("{}{}", p.ty, p.name)
                } else {
                    format!("{} {}", p.ty, p.name)
                }
            })
            .collect();
        let signature = if list.is_empty() {
            "void".to_owned()
        } else {
            list.join(", ")
        };
        let _ = writeln!(src, "nvmlReturn_t {name}({signature}) {{");
        if matches!(
            name.as_str(),
            "nvmlInit" | "nvmlInit_v2" | "nvmlInitWithFlags" | "nvmlShutdown"
        ) {
            // Always up: every case starts from an initialised library.
            for p in &params {
                let _ = writeln!(src, "    (void){};", p.name);
            }
            src.push_str("    return NVML_SUCCESS;\n}\n\n");
            kinds.insert(name, Kind::Other);
            continue;
        }
        let (code, kind) = body(&name, &params);
        for p in &params {
            let _ = writeln!(src, "    (void){};", p.name);
        }
        src.push_str(&code);
        src.push_str("}\n\n");
        kinds.insert(name, kind);
    }
    (src, kinds)
}

/// Builds the chaos library; gives its path and the kinds.
fn build_chaos() -> (PathBuf, BTreeMap<String, Kind>) {
    let (src, kinds) = chaos_source();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("chaos-{}.c", std::process::id()));
    std::fs::write(&file, src).unwrap();
    let lib = crate::support::hostile::compile("chaos", &file, &[]);
    (lib, kinds)
}

/// One generated case, as the library's `struct chaos_case` holds it.
#[repr(C)]
#[derive(Clone, Copy)]
struct RawCase {
    rc: [u32; 4],
    size_rc: u32,
    size_count: u32,
    written: u32,
    claim: u32,
    claimed: u32,
    fill: [u8; 16],
    text: [u8; 320],
    text_len: u32,
    pad: u32,
    handle: u64,
}

/// A generated case (`Debug` shows what matters when proptest reports a failure).
#[derive(Debug, Clone)]
struct Case {
    rc: [u32; 4],
    size_rc: u32,
    size_count: u32,
    written: u32,
    claim: u32,
    claimed: u32,
    fill: [u8; 16],
    text: Vec<u8>,
    handle: u64,
}

impl Case {
    fn raw(&self) -> RawCase {
        let mut text = [0u8; 320];
        let n = self.text.len().min(text.len());
        text[..n].copy_from_slice(&self.text[..n]);
        RawCase {
            rc: self.rc,
            size_rc: self.size_rc,
            size_count: self.size_count,
            written: self.written,
            claim: self.claim,
            claimed: self.claimed,
            fill: self.fill,
            text,
            text_len: u32::try_from(n).unwrap(),
            pad: 0,
            handle: self.handle,
        }
    }
}

fn code() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => Just(0u32),
        1 => Just(7u32), // INSUFFICIENT_SIZE
        1 => 1u32..=30,
        1 => any::<u32>(),
    ]
}

fn count() -> impl Strategy<Value = u32> {
    prop_oneof![
        4 => 0u32..8,
        1 => 65_535u32..65_541,
        1 => Just(u32::MAX),
        1 => any::<u32>(),
    ]
}

fn bytes16() -> impl Strategy<Value = [u8; 16]> {
    prop_oneof![
        Just([0u8; 16]),
        Just([0xA5u8; 16]),
        Just([0xFFu8; 16]),
        (any::<u32>(), any::<[u8; 12]>()).prop_map(|(first, rest)| {
            let mut b = [0u8; 16];
            b[..4].copy_from_slice(&first.to_ne_bytes());
            b[4..].copy_from_slice(&rest);
            b
        }),
        any::<[u8; 16]>(),
    ]
}

fn text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        // Printable, with a NUL somewhere or none at all, up to past every buffer.
        proptest::collection::vec(0x20u8..0x7f, 0..320),
        proptest::collection::vec(0x20u8..0x7f, 0..40).prop_map(|mut v| {
            v.push(0);
            v.extend_from_slice(b"after the NUL");
            v
        }),
        // Anything: invalid UTF-8, NULs, high bytes.
        proptest::collection::vec(any::<u8>(), 0..320),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        [code(), code(), code(), code()],
        prop_oneof![Just(7u32), Just(0u32), code()],
        count(),
        count(),
        0u32..3,
        count(),
        bytes16(),
        text(),
        prop_oneof![Just(0u64), Just(0x1000u64), any::<u64>()],
    )
        .prop_map(
            |(rc, size_rc, size_count, written, claim, claimed, fill, text, handle)| Case {
                rc,
                size_rc,
                size_count,
                written,
                claim,
                claimed,
                fill,
                text,
                handle,
            },
        )
}

/// What one run saw.
#[derive(Default)]
struct Tally {
    cases: u64,
    methods: usize,
    by_kind: BTreeMap<&'static str, usize>,
    lists_checked: usize,
    strings_checked: usize,
    /// Methods that answered `UnexpectedValue` (an out-of-range enum or count, a NULL handle)
    /// in some case.
    unexpected_values: usize,
    ok: u64,
    err: u64,
}

/// The table's methods, once each (the first row of each: the chaos library exports every
/// version, so the newest is used).
fn methods() -> Vec<Entry> {
    let mut seen = BTreeSet::new();
    table()
        .into_iter()
        .filter(|e| seen.insert(e.method))
        .collect()
}

fn cases_per_method() -> u32 {
    std::env::var("NVML_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES_PER_METHOD)
}

fn seed() -> u64 {
    std::env::var("NVML_PROPTEST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6e76_6d6c)
}

/// Drives every method through `cases` generated cases each on the chaos library at `path`.
fn run(path: &Path, kinds: &BTreeMap<String, Kind>, cases: u32, deadline: Duration) -> Tally {
    let lab = Lab::on_library(path);
    type SetCase = unsafe extern "C" fn(*const RawCase);
    type Counter = unsafe extern "C" fn() -> u32;
    // SAFETY: the chaos library's controls have these types (tests/hostile/chaos.h).
    let (set_case, max_items, max_text) = unsafe {
        (
            lab.symbol::<SetCase>(b"chaos_set_case"),
            lab.symbol::<Counter>(b"chaos_max_items"),
            lab.symbol::<Counter>(b"chaos_max_text"),
        )
    };
    let mut tally = Tally::default();
    let entries = methods();
    tally.methods = entries.len();
    let base_seed = seed();
    for (index, e) in entries.iter().enumerate() {
        let kind = kinds.get(e.function).copied().unwrap_or(Kind::Other);
        if std::env::var_os("NVML_PROPTEST_VERBOSE").is_some() {
            eprintln!("proptest: {e:?} ({kind:?})");
        }
        *tally
            .by_kind
            .entry(match kind {
                Kind::List => "list",
                Kind::Text => "string",
                Kind::Other => "other",
            })
            .or_default() += 1;
        let mut seed_bytes = [0u8; 32];
        seed_bytes[..8].copy_from_slice(&base_seed.to_le_bytes());
        seed_bytes[8..16].copy_from_slice(&(index as u64).to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::XorShift, &seed_bytes[..16]);
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new_with_rng(config, rng);
        let list_seen = Cell::new(false);
        let string_seen = Cell::new(false);
        let (ok, err) = (Cell::new(0u64), Cell::new(0u64));
        let unexpected = Cell::new(false);
        let result = runner.run(&case(), |c| {
            let raw = c.raw();
            // SAFETY: a valid case for the duration of the call (the library copies it).
            unsafe { set_case(&raw) };
            let started = Instant::now();
            let got = (e.call)(&lab);
            let took = started.elapsed();
            // SAFETY: plain reads of the library's counters.
            let (items, text) = unsafe { (max_items(), max_text()) };
            // Back to a calm library for anything between cases (drops, the next lab call).
            // SAFETY: as above.
            unsafe { set_case(&Case::calm().raw()) };
            prop_assert!(took < deadline, "{e:?} took {took:?}");
            match &got {
                Ok(out) => {
                    ok.set(ok.get() + 1);
                    if out.shape == Shape::List && kind == Kind::List {
                        list_seen.set(true);
                        prop_assert!(
                            out.len <= items as usize,
                            "{e:?}: {} entries, the library wrote at most {items}: {}",
                            out.len,
                            out.text
                        );
                    }
                    if out.shape == Shape::Str && kind == Kind::Text {
                        string_seen.set(true);
                        prop_assert!(
                            out.len <= text as usize && !out.text.contains('\0'),
                            "{e:?}: {} bytes, the library wrote {text}: {:?}",
                            out.len,
                            out.text
                        );
                    }
                }
                Err(e) => {
                    err.set(err.get() + 1);
                    if matches!(e, nvml_wrapper::NvmlError::UnexpectedValue { .. }) {
                        unexpected.set(true);
                    }
                }
            }
            Ok::<(), TestCaseError>(())
        });
        if let Err(failure) = result {
            panic!("{e:?}: {failure}");
        }
        tally.lists_checked += usize::from(list_seen.get());
        tally.strings_checked += usize::from(string_seen.get());
        tally.unexpected_values += usize::from(unexpected.get());
        tally.ok += ok.get();
        tally.err += err.get();
        tally.cases += u64::from(cases);
    }
    tally
}

impl Case {
    /// Everything succeeds with zeros and a short version string: the state between cases.
    fn calm() -> Case {
        Case {
            rc: [0; 4],
            size_rc: 0,
            size_count: 0,
            written: 0,
            claim: 0,
            claimed: 0,
            fill: [0; 16],
            text: b"580.82.07\0".to_vec(),
            handle: 0x1000,
        }
    }
}

/// The counts RELIABILITY.md shows (deterministic for a seed and a number of cases).
fn measured(t: &Tally, cases: u32) -> String {
    format!(
        "{} cases ({cases} per method) over {} methods ({} list, {} string, {} other), \
         0 panics, 0 hangs, 0 phantom entries; the phantom checks reached {} list and {} string \
         methods; {} methods answered `UnexpectedValue` (an out-of-range enum or count, or a NULL \
         handle) in some case",
        crate::support::reliability_doc::thousands(t.cases),
        t.methods,
        t.by_kind.get("list").unwrap_or(&0),
        t.by_kind.get("string").unwrap_or(&0),
        t.by_kind.get("other").unwrap_or(&0),
        t.lists_checked,
        t.strings_checked,
        t.unexpected_values,
    )
}

fn report(t: &Tally, cases: u32, took: Duration) -> String {
    format!(
        "reliability: proptest {}; {} Ok / {} Err; in {:.1?}",
        measured(t, cases),
        t.ok,
        t.err,
        took
    )
}

/// Whether the run used the default seed, so that RELIABILITY.md's counts apply.
fn default_seed() -> bool {
    std::env::var_os("NVML_PROPTEST_SEED").is_none()
}

/// The whole property run, in a child process under a 1 GiB address-space limit.
#[test]
fn hostile_driver_cases_never_panic_hang_or_invent_entries() {
    const NAME: &str =
        "reliability_proptest::hostile_driver_cases_never_panic_hang_or_invent_entries";
    if let Some(child) = crate::support::hostile::run_in_child(NAME, RUN_DEADLINE) {
        let line = child
            .lines()
            .find(|l| l.starts_with("reliability: proptest"))
            .expect("the child printed its count");
        eprintln!("{line}");
        return;
    }
    let (path, kinds) = build_chaos();
    let cases = cases_per_method();
    let started = Instant::now();
    let t = run(&path, &kinds, cases, CALL_DEADLINE);
    // Non-vacuous: the checks reached many lists and strings, and calls both failed and not.
    assert!(
        t.lists_checked >= 20,
        "{} list methods checked",
        t.lists_checked
    );
    assert!(
        t.strings_checked >= 15,
        "{} string methods checked",
        t.strings_checked
    );
    assert!(t.ok > 0 && t.err > 0);
    eprintln!("{}", report(&t, cases, started.elapsed()));
    if cases == CASES_PER_METHOD && default_seed() {
        crate::support::reliability_doc::keep("proptest", &measured(&t, cases));
    }
}

/// The generator classifies the functions the wrapper reads lists and strings from as such.
#[test]
fn the_generator_finds_lists_and_strings() {
    let (_, kinds) = chaos_source();
    for (name, kind) in [
        ("nvmlDeviceGetComputeRunningProcesses_v3", Kind::List),
        ("nvmlDeviceGetGpuInstancePossiblePlacements_v2", Kind::List),
        ("nvmlDeviceGetRetiredPages_v2", Kind::List),
        ("nvmlDeviceGetRunningProcessDetailList", Kind::List),
        ("nvmlDeviceGetName", Kind::Text),
        ("nvmlVgpuTypeGetName", Kind::Text),
        ("nvmlDeviceGetPciInfo_v3", Kind::Other),
        ("nvmlDeviceGetMinMaxFanSpeed", Kind::Other),
    ] {
        assert_eq!(kinds.get(name), Some(&kind), "{name}");
    }
    assert!(kinds.len() > 400, "{} functions", kinds.len());
}

/// A few cases per method under valgrind (`.ci/valgrind` sets `NVML_PROPTEST_CASES=1`): no
/// invalid read or write, no use of uninitialised memory, no leak, whatever the library
/// answers.
#[test]
#[ignore = "run under valgrind by .ci/valgrind"]
fn valgrind_hostile_driver_cases() {
    let (path, kinds) = build_chaos();
    let cases = cases_per_method();
    let started = Instant::now();
    // Valgrind runs the code some 50 times slower: the hang check is the plain run's.
    let t = run(&path, &kinds, cases, CALL_DEADLINE * 100);
    eprintln!("{}", report(&t, cases, started.elapsed()));
    if cases == 1 && default_seed() {
        crate::support::reliability_doc::keep("valgrind-proptest", &measured(&t, cases));
    }
}
