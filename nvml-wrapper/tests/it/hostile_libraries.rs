//! Small hand-written hostile C libraries (`tests/hostile/*.c`, built here with `cc`) loaded
//! as NVML: each lies in one way, and the wrapper must answer with a clean error or the truth,
//! never a crash, a hang, unbounded memory or entries the library did not write.

use crate::support::hostile::{build, in_child};
use nvml_wrapper::{Nvml, NvmlError};

/// What `dlopen` says, kept in the error: each broken file names its own reason.
#[test]
fn load_errors_keep_the_loaders_reason() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("load-errors");
    std::fs::create_dir_all(&dir).unwrap();
    let short = dir.join("short.so");
    std::fs::write(&short, b"\x7fELF").unwrap();
    let text = dir.join("text.so");
    std::fs::write(
        &text,
        "this is a text file, not a shared library\n".repeat(20),
    )
    .unwrap();
    let mut elf = std::fs::read(build("counts", &[])).unwrap();
    elf[4] = 1; // EI_CLASS: ELFCLASS32
    let wrong_class = dir.join("wrong-class.so");
    std::fs::write(&wrong_class, elf).unwrap();
    let cases = [
        (dir.join("absent.so"), "No such file or directory"),
        (dir.clone(), "Is a directory"),
        (short, "file too short"),
        (text, "invalid ELF header"),
        (wrong_class, "wrong ELF class"),
    ];
    for (path, reason) in cases {
        let err = Nvml::builder().library_path(&path).load().unwrap_err();
        assert!(matches!(err, NvmlError::LibraryLoad { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(reason), "{}: {text}", path.display());
        assert!(text.contains(&path.display().to_string()), "{text}");
    }
}

/// A shared library that is not NVML at all is called that, not "a driver too old".
#[test]
fn a_library_without_any_nvml_init_is_not_an_nvml_library() {
    let err = Nvml::builder()
        .library_path("libz.so.1")
        .load()
        .unwrap_err();
    assert!(matches!(err, NvmlError::NotNvmlLibrary { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("libz.so.1") && text.contains("not an NVML library"),
        "{text}"
    );
}

/// Binding is immediate: a library calling a function nothing defines fails to load, with the
/// symbol's name, instead of killing the process at the first call.
#[test]
fn a_library_with_an_unresolved_symbol_fails_to_load() {
    let lib = build("unresolved", &[]);
    let err = Nvml::builder().library_path(&lib).init().unwrap_err();
    assert!(matches!(err, NvmlError::LibraryLoad { .. }), "{err:?}");
    assert!(err.to_string().contains("nvml_hostile_nowhere"), "{err}");
}

/// A library claiming 4 billion devices, units and excluded devices (answering every index)
/// is refused with an error, within a 1 GiB address space and a few seconds.
#[test]
fn device_and_unit_counts_are_bounded() {
    if !in_child("hostile_libraries::device_and_unit_counts_are_bounded") {
        return;
    }
    let nvml = Nvml::builder()
        .library_path(build("counts", &[]))
        .init()
        .unwrap();
    assert_eq!(nvml.device_count().unwrap(), u32::MAX);
    let unbelievable = |r: Result<usize, NvmlError>, what: &str| match r {
        Err(NvmlError::UnexpectedValue { what: w, value }) => {
            assert_eq!(value, i64::from(u32::MAX));
            assert!(w.contains(what), "{w}");
        }
        other => panic!("{what}: {other:?}"),
    };
    unbelievable(nvml.devices().map(|d| d.len()), "device count");
    unbelievable(nvml.units().map(|u| u.len()), "unit count");
    unbelievable(
        nvml.excluded_devices().map(|d| d.len()),
        "excluded device count",
    );
}

/// CPER records that never end (a full 64 MiB batch on every read) are gathered up to a bound,
/// then refused, within a 1 GiB address space: not followed until memory runs out.
#[test]
fn endless_cper_records_are_bounded() {
    if !in_child("hostile_libraries::endless_cper_records_are_bounded") {
        return;
    }
    let nvml = Nvml::builder()
        .library_path(build("cper", &[]))
        .init()
        .unwrap();
    let got = nvml.cper_records(nvml_wrapper::system::CperTypes::empty(), None);
    assert!(
        matches!(got, Err(NvmlError::UnexpectedValue { what, .. }) if what.contains("CPER")),
        "{:?}",
        got.map(|r| r.len())
    );
}

/// A list call that says 3 items and writes 1, claiming the 3 or the whole buffer: only the
/// written item comes back, never zeroed slack that looks like a process with pid 0.
#[test]
fn list_entries_the_library_did_not_write_are_never_returned() {
    for claim_buffer in ["0", "1"] {
        let nvml = Nvml::builder()
            .library_path(build("phantoms", &[("CLAIM_BUFFER", claim_buffer)]))
            .init()
            .unwrap();
        let gpu = nvml.device_by_index(0).unwrap();
        let procs = gpu.running_compute_processes().unwrap();
        assert_eq!(procs.len(), 1, "claim_buffer={claim_buffer}: {procs:?}");
        assert_eq!(procs[0].pid, 42);
        assert_eq!(procs[0].used_gpu_memory, Some(1 << 20));
        assert_eq!(gpu.supported_memory_clocks().unwrap(), [2619]);
    }
}

/// `nvmlErrorString` answering a megabyte with no NUL in it: the text is cut at a bound.
#[test]
fn error_string_is_bounded() {
    let nvml = Nvml::builder()
        .library_path(build("error_string", &[]))
        .init()
        .unwrap();
    let text = nvml.error_string(1).unwrap();
    assert!(
        !text.is_empty() && text.len() <= 256,
        "{} bytes",
        text.len()
    );
    assert!(text.bytes().all(|b| b == b'x'));
}

/// A handle is only meaningful to the library that issued it: every method taking a second
/// handle refuses one from another library (another copy of the file), and accepts one from a
/// second `Nvml` of the same file (the loader maps a file once, so the handles are shared).
#[test]
fn handles_are_checked_against_the_library_not_the_nvml() {
    use nvml_wrapper::enums::{OperationalEventLogLevel, OperationalEventSeverity, P2pCapability};
    use nvml_wrapper::event::EventTypes;

    let here = nvml_mock::Staged::new().unwrap();
    let elsewhere = nvml_mock::Staged::new().unwrap();
    let nvml = Nvml::builder().library_path(here.path()).init().unwrap();
    let same_file = Nvml::builder().library_path(here.path()).init().unwrap();
    let other = Nvml::builder()
        .library_path(elsewhere.path())
        .init()
        .unwrap();
    let gpu = nvml.device_by_index(0).unwrap();
    let twin = same_file.device_by_index(1).unwrap();
    let foreign = other.device_by_index(1).unwrap();
    let refused = |r: Result<(), NvmlError>, what: &str| {
        assert!(
            matches!(r, Err(NvmlError::InvalidInput(_))),
            "{what}: {r:?}"
        );
    };

    // Same file: accepted, and NVML answers for the pair.
    assert!(gpu.p2p_status(&twin, P2pCapability::Read).is_ok());
    assert!(gpu.is_on_same_board(&twin).is_ok());
    let set = nvml.create_event_set().unwrap();
    set.register(&twin, EventTypes::XID_CRITICAL_ERROR).unwrap();

    // Another library: refused before any handle reaches NVML.
    refused(
        gpu.p2p_status(&foreign, P2pCapability::Read).map(drop),
        "p2p_status",
    );
    refused(gpu.is_on_same_board(&foreign).map(drop), "is_on_same_board");
    refused(
        set.register(&foreign, EventTypes::XID_CRITICAL_ERROR),
        "EventSet::register",
    );
    refused(
        set.register_operational_events(
            &foreign,
            OperationalEventLogLevel::All,
            OperationalEventSeverity::All,
        ),
        "register_operational_events",
    );
    let mut sample = nvml.gpm_sample_alloc().unwrap();
    refused(sample.fill(&foreign), "GpmSample::fill");
    refused(sample.fill_mig(&foreign, 0), "GpmSample::fill_mig");
    refused(
        nvml.vgpu_type(823).max_instances(&foreign).map(drop),
        "VgpuType::max_instances",
    );
}
