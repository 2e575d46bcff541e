//! Shared by the `reliability_*` tests: ONE table of every public wrapper method that talks to
//! NVML, with the C function it calls, and "labs": an initialised `Nvml` on a private copy of
//! the mock, shaped like a current driver, like NVIDIA's 470 driver, or with the newest (or all
//! but the oldest) version of every versioned family hidden, so every version the wrapper can
//! call is reached.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use nvml_wrapper::device::{Device, field};
use nvml_wrapper::enums::{
    AffinityScope, ClockId, ClockType, EccCounterType, EncoderType, InforomObject, MemoryErrorType,
    MemoryLocation, NvLinkCapability, NvLinkErrorCounter, OperationalEventLogLevel,
    OperationalEventSeverity, P2pCapability, PcieUtilCounter, RetirementCause, SamplingType,
    TemperatureSensor, TemperatureThreshold, TopologyLevel,
};
use nvml_wrapper::event::EventTypes;
use nvml_wrapper::{InitFlags, Nvml, NvmlError, Result, sys};

/// The return codes every sweep tries: the header's 1..=30 and 999, and one no header defines.
pub const CODES: &[u32] = &[
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
    27, 28, 29, 30, 999, 12345,
];

/// The 3g GPU instance profile id (H100: 3 compute slices, 4 memory slices).
pub const PROFILE_3G: u32 = 9;
/// The 1-slice compute instance profile id.
pub const CI_PROFILE_1_SLICE: u32 = 0;

/// A code no header defines, set on a fallback's target to prove the fallback was taken.
pub const SENTINEL: u32 = 54321;

/// How the mock copy under a lab presents itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Driver {
    /// Every symbol of the header: the newest version of each family is used.
    Current,
    /// The newest version of every versioned family hidden: the one before is used
    /// (`nvmlInit`, `nvmlDeviceGetPciInfo_v2`, `..RunningProcesses_v2`, `..ThrottleReasons`).
    Previous,
    /// The two newest versions of every versioned family hidden (`..GridLicensableFeatures_v2`).
    PreviousButOne,
    /// Only the oldest version of every versioned family (`nvmlDeviceGetPciInfo`,
    /// `nvmlDeviceGetComputeRunningProcesses`).
    Oldest,
    /// `nvml_mock::Staged::legacy_470()`: the export table of NVIDIA's 470 driver.
    Legacy470,
    /// `Current`, as root, with MIG on GPU 0, a 3g GPU instance at placement 0 and a
    /// 1-slice compute instance in it ([`Lab::gi`], [`Lab::ci`]).
    Mig,
    /// `Previous` with the same MIG set-up.
    MigPrevious,
    /// `Current` on the `s-class` profile (one S-class unit of four GPUs), as root
    /// ([`Lab::unit`]).
    SClass,
    /// `Current` on [`EXCLUDED_GPU_PROFILE`] (seven GPUs, and one excluded).
    Excluded,
}

/// nvml-mock's example of a machine with an excluded GPU.
pub const EXCLUDED_GPU_PROFILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../nvml-mock/profiles/examples/dgx-h100-excluded-gpu.json"
);

/// What a call returned, reduced to what the sweeps check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Out {
    /// The kind of value.
    pub shape: Shape,
    /// Items of a list, bytes of a string, 0 otherwise.
    pub len: usize,
    /// `Debug` of the value.
    pub text: String,
}

/// Kinds of value a method returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A number, struct, enum or `()`.
    Scalar,
    /// A `Vec`.
    List,
    /// A `String`.
    Str,
}

/// A scalar result.
pub fn one<T: Debug>(r: Result<T>) -> Result<Out> {
    r.map(|v| Out {
        shape: Shape::Scalar,
        len: 0,
        text: format!("{v:?}"),
    })
}

/// A list result.
pub fn list<T: Debug>(r: Result<Vec<T>>) -> Result<Out> {
    r.map(|v| Out {
        shape: Shape::List,
        len: v.len(),
        text: format!("{v:?}"),
    })
}

/// A string result.
pub fn text(r: Result<String>) -> Result<Out> {
    r.map(|v| Out {
        shape: Shape::Str,
        len: v.len(),
        text: v,
    })
}

/// Documented exceptions to "a fault of code C on the function gives `Err` with code C".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// No exception.
    None,
    /// For these codes the method falls back to the older function `to` (the sweep then sets
    /// [`SENTINEL`] on `to` and expects it back, which proves the fallback was taken).
    Fallback {
        /// The codes that trigger the fallback.
        codes: &'static [u32],
        /// The older C function.
        to: &'static str,
    },
    /// This code means "nothing new": the method returns an empty list.
    EmptyOn(u32),
}

/// One row of the table.
pub struct Entry {
    /// The C function the method calls on `driver` (the one the sweep faults).
    pub function: &'static str,
    /// The wrapper method (`Nvml::` or `Device::`, `EventSet::`, ...).
    pub method: &'static str,
    /// The lab it runs in.
    pub driver: Driver,
    /// Calls the method.
    pub call: fn(&Lab) -> Result<Out>,
    /// Documented exception.
    pub special: Special,
}

impl Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} -> {} ({:?})",
            self.method, self.function, self.driver
        )
    }
}

/// An initialised `Nvml` on a private mock copy, with the mock's control hooks (through
/// [`nvml_mock::Staged`]). Field order: `nvml` shuts down first, then the copy goes.
pub struct Lab {
    /// The wrapper under test.
    pub nvml: Nvml,
    /// The library file.
    pub path: PathBuf,
    mig: Option<(u32, u32)>,
    /// The mock copy; `None` for a lab on another library ([`Lab::on_library`]).
    staged: Option<nvml_mock::Staged>,
    /// A handle of another library, for its own controls ([`Lab::symbol`]).
    library: Option<libloading::Library>,
}

/// When set, every lab's mock copy stays mapped until the process exits (one extra `dlopen`
/// that is never closed). Under valgrind this keeps the *mock's* own statics (its simulated
/// machine, held by a `static` of the unloaded copy) from showing up as "definitely lost"
/// when the copy is unloaded: the wrapper's objects are still all dropped normally.
pub static KEEP_MOCKS_LOADED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

fn maybe_keep_loaded(path: &Path) {
    if KEEP_MOCKS_LOADED.load(std::sync::atomic::Ordering::Relaxed) {
        // SAFETY: the mock library; this only bumps its reference count.
        let handle = unsafe { libloading::Library::new(path) }.unwrap();
        // A handle, not heap memory: forgetting it leaks no allocation, only the mapping.
        std::mem::forget(handle);
    }
}

impl Lab {
    /// A lab of this kind (profile: the default DGX H100).
    pub fn new(driver: Driver) -> Lab {
        match driver {
            Driver::Current => Lab::from_staged(nvml_mock::Staged::new().unwrap()),
            Driver::Legacy470 => Lab::from_staged(nvml_mock::Staged::legacy_470().unwrap()),
            Driver::Previous | Driver::PreviousButOne | Driver::Oldest => {
                let hide = versioned_to_hide(driver);
                let refs: Vec<&str> = hide.iter().map(String::as_str).collect();
                Lab::hiding(&refs)
            }
            Driver::Mig => Lab::new(Driver::Current).with_mig(),
            Driver::MigPrevious => Lab::new(Driver::Previous).with_mig(),
            Driver::SClass => {
                let lab = Lab::from_staged(nvml_mock::Staged::with_profile("s-class").unwrap());
                lab.set_root(true);
                lab
            }
            Driver::Excluded => Lab::with_profile(EXCLUDED_GPU_PROFILE),
        }
    }

    /// Root, MIG on GPU 0, a 3g GPU instance at placement 0 with a 1-slice compute instance.
    pub fn with_mig(mut self) -> Lab {
        self.set_root(true);
        let gpu = self.dev().unwrap();
        assert!(gpu.set_mig_mode(true).unwrap().is_applied());
        let gi = gpu
            .create_gpu_instance_with_placement(
                PROFILE_3G,
                nvml_wrapper::mig::GpuInstancePlacement { start: 0, size: 4 },
            )
            .unwrap();
        let gi_id = gi.info().unwrap().id;
        let ci = gi.create_compute_instance(CI_PROFILE_1_SLICE).unwrap();
        let ci_id = ci.info().unwrap().id;
        self.mig = Some((gi_id, ci_id));
        self
    }

    /// The S-class lab's unit.
    pub fn unit(&self) -> Result<nvml_wrapper::unit::Unit<'_>> {
        self.nvml.unit_by_index(0)
    }

    /// The MIG lab's GPU instance.
    pub fn gi(&self) -> Result<nvml_wrapper::mig::GpuInstance<'_>> {
        let (gi, _) = self.mig.expect("a MIG lab");
        self.dev()?.gpu_instance_by_id(gi)
    }

    /// The MIG lab's compute instance.
    pub fn ci(&self) -> Result<nvml_wrapper::mig::ComputeInstance<'_>> {
        let (_, ci) = self.mig.expect("a MIG lab");
        self.gi()?.compute_instance_by_id(ci)
    }

    /// A `Current` lab on a profile (a built-in name or a file).
    pub fn with_profile(name_or_path: &str) -> Lab {
        Lab::from_staged(nvml_mock::Staged::with_profile(name_or_path).unwrap())
    }

    fn from_staged(staged: nvml_mock::Staged) -> Lab {
        let path = staged.path().to_owned();
        maybe_keep_loaded(&path);
        let nvml = Nvml::builder().library_path(&path).init().unwrap();
        Lab {
            nvml,
            path,
            mig: None,
            staged: Some(staged),
            library: None,
        }
    }

    /// A lab on a copy of the mock whose dynamic symbol table lacks `hide` (as an older or
    /// different driver would); every name must be one the mock exports.
    pub fn hiding(hide: &[&str]) -> Lab {
        Lab::from_staged(nvml_mock::Staged::hiding(hide).unwrap())
    }

    /// A lab on any NVML library at `path` (a hostile one, say): `Current`, with GPU instance 1
    /// and compute instance 1 standing in for the MIG lab's instances. The mock's control
    /// hooks are absent: only the table's calls are made on it.
    pub fn on_library(path: &Path) -> Lab {
        // SAFETY: the caller's library; loading it again only bumps its reference count.
        let library = unsafe { libloading::Library::new(path) }.unwrap();
        let nvml = Nvml::builder().library_path(path).init().unwrap();
        Lab {
            nvml,
            path: path.to_owned(),
            mig: Some((1, 1)),
            staged: None,
            library: Some(library),
        }
    }

    /// The symbol `name` of the library of [`Lab::on_library`] (for a hostile library's
    /// controls).
    ///
    /// # Safety
    /// `T` must be the symbol's true type.
    pub unsafe fn symbol<T: Copy>(&self, name: &[u8]) -> T {
        let library = self
            .library
            .as_ref()
            .expect("a lab on a library of its own");
        // SAFETY: the caller's contract.
        *unsafe { library.get::<T>(name) }.unwrap()
    }

    /// The mock copy's control hooks.
    fn staged(&self) -> &nvml_mock::Staged {
        self.staged.as_ref().expect("a lab on the mock")
    }

    /// GPU 0.
    pub fn dev(&self) -> Result<Device<'_>> {
        self.nvml.device_by_index(0)
    }

    /// Panics the mock caught at its C boundary so far (`nvml_mock_caught_panics`).
    pub fn caught_panics(&self) -> u32 {
        self.staged().caught_panics().unwrap()
    }

    /// Makes `function` return `code` from now on (`nvml_mock_set_fault`).
    pub fn set_fault(&self, function: &str, code: u32) {
        self.staged().set_fault(function, code).unwrap();
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.staged().clear_faults().unwrap();
    }

    /// Hostile-data modes, as the mask `nvml_mock_set_hostile` takes (1: oversized counts,
    /// 2: unterminated strings, 4: future enums).
    pub fn set_hostile(&self, mask: u32) {
        use nvml_mock::hooks::{
            HOSTILE_FUTURE_ENUMS, HOSTILE_OVERSIZED_COUNTS, HOSTILE_UNTERMINATED_STRINGS,
        };
        let known = HOSTILE_OVERSIZED_COUNTS | HOSTILE_UNTERMINATED_STRINGS | HOSTILE_FUTURE_ENUMS;
        assert_eq!(
            mask & !known,
            0,
            "hostile mode bits the mock lacks: {mask:#x}"
        );
        let modes = nvml_mock::HostileModes {
            oversized_counts: mask & HOSTILE_OVERSIZED_COUNTS != 0,
            unterminated_strings: mask & HOSTILE_UNTERMINATED_STRINGS != 0,
            future_enums: mask & HOSTILE_FUTURE_ENUMS != 0,
        };
        self.staged().set_hostile(modes).unwrap();
    }

    /// Root or not.
    pub fn set_root(&self, root: bool) {
        self.staged().set_root(root).unwrap();
    }

    /// Queues a system event on GPU `gpu` (`nvml_mock_inject_system_event`, which the chaos
    /// library of [`Lab::on_library`] exports too).
    pub fn inject_system_event(&self, gpu: u32, event_type: u64) {
        if let Some(staged) = &self.staged {
            staged.inject_system_event(gpu, event_type).unwrap();
            return;
        }
        let library = self.library.as_ref().expect("a lab on a library");
        // SAFETY: a library that exports this hook gives it the mock's signature (the chaos
        // library declares it so in `tests/hostile/chaos.h`).
        let f = unsafe { nvml_mock::hooks::INJECT_SYSTEM_EVENT.get(library) }.unwrap();
        // SAFETY: plain integers.
        assert_eq!(unsafe { f(gpu, event_type) }, 0);
    }

    /// Outstanding `nvmlInit` references.
    pub fn init_refcount(&self) -> u32 {
        self.staged().init_refcount().unwrap()
    }
}

/// The versioned symbols to hide for `driver`, from the wrapper's own version table.
pub fn versioned_to_hide(driver: Driver) -> Vec<String> {
    let lib = Nvml::builder()
        .library_path(nvml_mock::find_cdylib().unwrap())
        .load()
        .unwrap();
    let mut hide = Vec::new();
    for row in lib.version_choices() {
        let Some((oldest, newer)) = row.candidates.split_last() else {
            continue;
        };
        let _ = oldest;
        match driver {
            Driver::Previous => hide.extend(newer.first().map(|s| (*s).to_owned())),
            Driver::PreviousButOne => hide.extend(newer.iter().take(2).map(|s| (*s).to_owned())),
            Driver::Oldest => hide.extend(newer.iter().map(|s| (*s).to_owned())),
            Driver::Current
            | Driver::Legacy470
            | Driver::Mig
            | Driver::SClass
            | Driver::Excluded => {}
            Driver::MigPrevious => hide.extend(newer.first().map(|s| (*s).to_owned())),
        }
    }
    hide.sort();
    hide.dedup();
    hide
}

/// The C functions the wrapper calls: `called-functions.txt`, which `cargo xtask codegen`
/// writes from the wrapper's sources (its own test fails when the file is stale).
pub fn wrapped_functions() -> std::collections::BTreeSet<String> {
    include_str!("../../../../called-functions.txt")
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The public methods whose bodies call NVML directly (`nvml_call!`) or through a row of the
/// versions table (`.versions()`), scanned from the sources.
pub fn public_methods_calling_nvml() -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for file in source_files() {
        let src = std::fs::read_to_string(&file).unwrap();
        let starts: Vec<usize> = src
            .match_indices("\n    pub fn ")
            .map(|(i, _)| i)
            .chain(src.match_indices("\n    fn ").map(|(i, _)| i))
            .chain(src.match_indices("\n}").map(|(i, _)| i))
            .chain([src.len()])
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for w in starts.windows(2) {
            let body = &src[w[0]..w[1]];
            if let Some(rest) = body.strip_prefix("\n    pub fn ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if body.contains("nvml_call!(") || body.contains(".versions()") {
                    out.insert(name);
                }
            }
        }
    }
    out
}

fn source_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out.sort();
    assert!(out.len() > 10, "wrapper sources found");
    out
}

/// Called functions the fault sweep does not inject codes into, with the reason.
pub const UNREACHABLE: &[(&str, &str)] = &[(
    "nvmlErrorString",
    "it returns a string, not an nvmlReturn_t, so it has no code to inject; \
         reliability_faults::error_strings_for_any_code and \
         hostile_libraries::error_string_is_bounded check what it answers",
)];

/// Public methods that cannot be called on the mock (none since the `s-class` profile gives
/// the `Unit` queries a unit; see [`UNREACHABLE`]).
pub const UNREACHABLE_METHODS: &[&str] = &[];

/// The fallback of `symbol` that the versions table documents: on the codes of its row's
/// `falls_back_on`, the call goes on to the row's next older symbol.
pub fn fallback(symbol: &str) -> Special {
    let row = nvml_wrapper::versions::VERSIONED_FAMILIES
        .iter()
        .find(|row| row.symbols.contains(&symbol))
        .unwrap_or_else(|| panic!("{symbol} is in no row of the versions table"));
    let next = row.symbols.iter().position(|s| *s == symbol).map(|i| i + 1);
    let to = next
        .and_then(|i| row.symbols.get(i))
        .unwrap_or_else(|| panic!("{symbol} is the oldest of its row"));
    assert!(
        !row.falls_back_on.is_empty(),
        "{symbol}'s row has no fallback"
    );
    Special::Fallback {
        codes: row.falls_back_on,
        to,
    }
}
/// `NOT_FOUND` is "no new samples".
pub const EMPTY_ON_NOT_FOUND: Special = Special::EmptyOn(sys::NVML_ERROR_NOT_FOUND);

macro_rules! entries {
    ($( $driver:ident $function:literal $method:literal $special:expr => $call:expr ;)*) => {
        vec![ $( Entry {
            function: $function,
            method: $method,
            driver: Driver::$driver,
            call: $call,
            special: $special,
        }, )* ]
    };
}

mod feature_rows;

/// No exception.
pub const N: Special = Special::None;

fn event_set_with_xid(l: &Lab) -> Result<nvml_wrapper::event::EventSet<'_>> {
    let set = l.nvml.create_event_set()?;
    set.register(&l.dev()?, EventTypes::XID_CRITICAL_ERROR)?;
    Ok(set)
}

/// THE table: every public method that talks to NVML, with the C function it calls on each
/// kind of driver. A test fails when a function the wrapper calls is missing here.
///
/// Notes on behaviours the sweep checks as documented:
/// - list getters (`read_list`): `INSUFFICIENT_SIZE` is a step (grow and retry); when it never
///   stops, the bounded retries end in `Err(InsufficientSize)`, so the code still comes back.
/// - `memory_info`, `temperature`, `remapped_rows`: some codes of the versioned form make
///   them fall back to the older form ([`Special::Fallback`]).
/// - `samples`, `process_utilization`: `NOT_FOUND` is "no new samples", an empty `Vec`.
pub fn table() -> Vec<Entry> {
    let mut rows = first_rows();
    rows.extend(feature_rows::rows());
    rows
}

fn first_rows() -> Vec<Entry> {
    entries! {
        // ---- init (a new `Nvml` on the lab's library) ----
        Current "nvmlInit_v2" "NvmlBuilder::init" N =>
            |l| one(Nvml::builder().library_path(&l.path).init().map(drop));
        Previous "nvmlInit" "NvmlBuilder::init" N =>
            |l| one(Nvml::builder().library_path(&l.path).init().map(drop));
        Current "nvmlInitWithFlags" "NvmlBuilder::init (flags)" N =>
            |l| one(Nvml::builder().library_path(&l.path).flags(InitFlags::NO_GPUS).init().map(drop));
        Current "nvmlInitWithFlags" "NvmlLibrary::init_with_flags" N =>
            |l| one(Nvml::builder().library_path(&l.path).load()?.init_with_flags(InitFlags::NO_ATTACH).map(drop));
        // ---- shutdown (a new `Nvml` on the lab's library, its only share) ----
        Current "nvmlShutdown" "Nvml::shutdown" N =>
            |l| one(Nvml::builder().library_path(&l.path).init()?.shutdown());
        // ---- Nvml: devices and system ----
        Current "nvmlDeviceGetCount_v2" "Nvml::device_count" N => |l| one(l.nvml.device_count());
        Previous "nvmlDeviceGetCount" "Nvml::device_count" N => |l| one(l.nvml.device_count());
        Current "nvmlDeviceGetCount_v2" "Nvml::devices" N => |l| list(l.nvml.devices());
        Current "nvmlDeviceGetHandleByIndex_v2" "Nvml::device_by_index" N => |l| one(l.nvml.device_by_index(0));
        Previous "nvmlDeviceGetHandleByIndex" "Nvml::device_by_index" N => |l| one(l.nvml.device_by_index(0));
        Current "nvmlDeviceGetHandleByUUID" "Nvml::device_by_uuid" N =>
            |l| { let uuid = l.dev()?.uuid()?; one(l.nvml.device_by_uuid(&uuid)) };
        Current "nvmlDeviceGetHandleBySerial" "Nvml::device_by_serial" N =>
            |l| { let serial = l.dev()?.serial()?; one(l.nvml.device_by_serial(&serial)) };
        Current "nvmlDeviceGetHandleByPciBusId_v2" "Nvml::device_by_pci_bus_id" N =>
            |l| { let bus = l.dev()?.pci_info()?.bus_id; one(l.nvml.device_by_pci_bus_id(&bus)) };
        Previous "nvmlDeviceGetHandleByPciBusId" "Nvml::device_by_pci_bus_id" N =>
            |l| { let bus = l.dev()?.pci_info()?.bus_id; one(l.nvml.device_by_pci_bus_id(&bus)) };
        Current "nvmlSystemGetDriverVersion" "Nvml::driver_version" N => |l| text(l.nvml.driver_version());
        Current "nvmlSystemGetNVMLVersion" "Nvml::nvml_version" N => |l| text(l.nvml.nvml_version());
        Current "nvmlSystemGetCudaDriverVersion_v2" "Nvml::cuda_driver_version" N => |l| one(l.nvml.cuda_driver_version());
        Previous "nvmlSystemGetCudaDriverVersion" "Nvml::cuda_driver_version" N => |l| one(l.nvml.cuda_driver_version());
        Current "nvmlSystemGetProcessName" "Nvml::process_name" N => |l| text(l.nvml.process_name(1));
        Current "nvmlSystemGetTopologyGpuSet" "Nvml::topology_gpu_set" N => |l| list(l.nvml.topology_gpu_set(0));
        Current "nvmlGetExcludedDeviceCount" "Nvml::excluded_device_count" N => |l| one(l.nvml.excluded_device_count());
        Current "nvmlGetExcludedDeviceCount" "Nvml::excluded_devices" N => |l| list(l.nvml.excluded_devices());
        Excluded "nvmlGetExcludedDeviceInfoByIndex" "Nvml::excluded_devices" N => |l| list(l.nvml.excluded_devices());
        // ---- events ----
        Current "nvmlEventSetCreate" "Nvml::create_event_set" N => |l| one(l.nvml.create_event_set().map(drop));
        Current "nvmlDeviceRegisterEvents" "EventSet::register" N =>
            |l| one(l.nvml.create_event_set()?.register(&l.dev()?, EventTypes::XID_CRITICAL_ERROR));
        Current "nvmlEventSetWait_v2" "EventSet::wait" N => |l| one(event_set_with_xid(l)?.wait(0));
        Previous "nvmlEventSetWait" "EventSet::wait" N => |l| one(event_set_with_xid(l)?.wait(0));
        Current "nvmlEventSetWait_v3" "EventSet::wait_operational" N => |l| one(event_set_with_xid(l)?.wait_operational(0));
        Current "nvmlEventSetRegisterGpuOperationalEvents_v1" "EventSet::register_operational_events" N =>
            |l| one(l.nvml.create_event_set()?.register_operational_events(
                &l.dev()?, OperationalEventLogLevel::All, OperationalEventSeverity::All));
        Current "nvmlEventSetFree" "EventSet::free" N => |l| one(l.nvml.create_event_set()?.free());
        Current "nvmlDeviceGetSupportedEventTypes" "Device::supported_event_types" N => |l| one(l.dev()?.supported_event_types());
        // ---- device identity ----
        Current "nvmlDeviceGetName" "Device::name" N => |l| text(l.dev()?.name());
        Current "nvmlDeviceGetUUID" "Device::uuid" N => |l| text(l.dev()?.uuid());
        Current "nvmlDeviceGetSerial" "Device::serial" N => |l| text(l.dev()?.serial());
        Current "nvmlDeviceGetBoardId" "Device::board_id" N => |l| one(l.dev()?.board_id());
        Current "nvmlDeviceGetBoardPartNumber" "Device::board_part_number" N => |l| text(l.dev()?.board_part_number());
        Current "nvmlDeviceGetBrand" "Device::brand" N => |l| one(l.dev()?.brand());
        Current "nvmlDeviceGetArchitecture" "Device::architecture" N => |l| one(l.dev()?.architecture());
        Current "nvmlDeviceGetCudaComputeCapability" "Device::cuda_compute_capability" N => |l| one(l.dev()?.cuda_compute_capability());
        Current "nvmlDeviceGetVbiosVersion" "Device::vbios_version" N => |l| text(l.dev()?.vbios_version());
        Current "nvmlDeviceGetInforomVersion" "Device::inforom_version" N => |l| text(l.dev()?.inforom_version(InforomObject::Ecc));
        Current "nvmlDeviceGetInforomImageVersion" "Device::inforom_image_version" N => |l| text(l.dev()?.inforom_image_version());
        Current "nvmlDeviceGetMinorNumber" "Device::minor_number" N => |l| one(l.dev()?.minor_number());
        Current "nvmlDeviceGetIndex" "Device::index" N => |l| one(l.dev()?.index());
        // ---- memory ----
        Current "nvmlDeviceGetMemoryInfo_v2" "Device::memory_info" fallback("nvmlDeviceGetMemoryInfo_v2") => |l| one(l.dev()?.memory_info());
        Previous "nvmlDeviceGetMemoryInfo" "Device::memory_info" N => |l| one(l.dev()?.memory_info());
        Current "nvmlDeviceGetBAR1MemoryInfo" "Device::bar1_memory_info" N => |l| one(l.dev()?.bar1_memory_info());
        // ---- clocks ----
        Current "nvmlDeviceGetClockInfo" "Device::clock_info" N => |l| one(l.dev()?.clock_info(ClockType::Sm));
        Current "nvmlDeviceGetMaxClockInfo" "Device::max_clock_info" N => |l| one(l.dev()?.max_clock_info(ClockType::Sm));
        Current "nvmlDeviceGetApplicationsClock" "Device::applications_clock" N => |l| one(l.dev()?.applications_clock(ClockType::Graphics));
        Current "nvmlDeviceGetDefaultApplicationsClock" "Device::default_applications_clock" N =>
            |l| one(l.dev()?.default_applications_clock(ClockType::Graphics));
        Current "nvmlDeviceGetClock" "Device::clock" N => |l| one(l.dev()?.clock(ClockType::Sm, ClockId::Current));
        Current "nvmlDeviceGetMaxCustomerBoostClock" "Device::max_customer_boost_clock" N =>
            |l| one(l.dev()?.max_customer_boost_clock(ClockType::Sm));
        Current "nvmlDeviceGetSupportedMemoryClocks" "Device::supported_memory_clocks" N => |l| list(l.dev()?.supported_memory_clocks());
        Current "nvmlDeviceGetSupportedGraphicsClocks" "Device::supported_graphics_clocks" N => |l| {
            let d = l.dev()?;
            let mem = d.supported_memory_clocks()?.first().copied().unwrap_or(0);
            list(d.supported_graphics_clocks(mem))
        };
        // ---- ECC ----
        Current "nvmlDeviceGetEccMode" "Device::ecc_mode" N => |l| one(l.dev()?.ecc_mode());
        Current "nvmlDeviceGetDefaultEccMode" "Device::default_ecc_mode" N => |l| one(l.dev()?.default_ecc_mode());
        Current "nvmlDeviceGetTotalEccErrors" "Device::total_ecc_errors" N =>
            |l| one(l.dev()?.total_ecc_errors(MemoryErrorType::Corrected, EccCounterType::Volatile));
        Current "nvmlDeviceGetMemoryErrorCounter" "Device::memory_error_counter" N =>
            |l| one(l.dev()?.memory_error_counter(MemoryErrorType::Corrected, EccCounterType::Volatile, MemoryLocation::Dram));
        Current "nvmlDeviceGetRetiredPages_v2" "Device::retired_pages" N =>
            |l| list(l.dev()?.retired_pages(RetirementCause::DoubleBitEccError));
        Previous "nvmlDeviceGetRetiredPages" "Device::retired_pages" N =>
            |l| list(l.dev()?.retired_pages(RetirementCause::DoubleBitEccError));
        Current "nvmlDeviceGetRetiredPagesPendingStatus" "Device::retired_pages_pending_status" N =>
            |l| one(l.dev()?.retired_pages_pending_status());
        Current "nvmlDeviceGetRemappedRows_v2" "Device::remapped_rows" fallback("nvmlDeviceGetRemappedRows_v2") => |l| one(l.dev()?.remapped_rows());
        Previous "nvmlDeviceGetRemappedRows" "Device::remapped_rows" N => |l| one(l.dev()?.remapped_rows());
        Current "nvmlDeviceGetRowRemapperHistogram" "Device::row_remapper_histogram" N => |l| one(l.dev()?.row_remapper_histogram());
        // ---- field values ----
        Current "nvmlDeviceGetFieldValues" "Device::field_values" N =>
            |l| list(l.dev()?.field_values(&[field::POWER_INSTANT_MW, field::MEMORY_TEMPERATURE_C]));
        Current "nvmlDeviceGetFieldValues" "Device::scoped_field_values" N =>
            |l| list(l.dev()?.scoped_field_values(&[(field::NVLINK_THROUGHPUT_DATA_TX, 0)]));
        Current "nvmlDeviceClearFieldValues" "Device::clear_field_values" N =>
            |l| one(l.dev()?.clear_field_values(&[field::ECC_SBE_VOLATILE_TOTAL]));
        // ---- MIG ----
        Current "nvmlDeviceGetMigMode" "Device::mig_mode" N => |l| one(l.dev()?.mig_mode());
        Current "nvmlDeviceSetMigMode" "Device::set_mig_mode" N => |l| one(l.dev()?.set_mig_mode(false).map(drop));
        Current "nvmlDeviceIsMigDeviceHandle" "Device::is_mig_device_handle" N => |l| one(l.dev()?.is_mig_device_handle());
        Current "nvmlDeviceGetMaxMigDeviceCount" "Device::max_mig_device_count" N => |l| one(l.dev()?.max_mig_device_count());
        Current "nvmlDeviceGetMigDeviceHandleByIndex" "Device::mig_device_by_index" N => |l| one(l.dev()?.mig_device_by_index(0));
        Current "nvmlDeviceGetDeviceHandleFromMigDeviceHandle" "Device::mig_parent_device" N => |l| one(l.dev()?.mig_parent_device());
        Current "nvmlDeviceGetGpuInstanceId" "Device::gpu_instance_id" N => |l| one(l.dev()?.gpu_instance_id());
        Current "nvmlDeviceGetComputeInstanceId" "Device::compute_instance_id" N => |l| one(l.dev()?.compute_instance_id());
        // ---- modes ----
        Current "nvmlDeviceGetPersistenceMode" "Device::persistence_mode" N => |l| one(l.dev()?.persistence_mode());
        Current "nvmlDeviceSetPersistenceMode" "Device::set_persistence_mode" N => |l| one(l.dev()?.set_persistence_mode(true));
        Current "nvmlDeviceGetComputeMode" "Device::compute_mode" N => |l| one(l.dev()?.compute_mode());
        Current "nvmlDeviceSetComputeMode" "Device::set_compute_mode" N =>
            |l| one(l.dev()?.set_compute_mode(nvml_wrapper::enums::ComputeMode::Default));
        Current "nvmlDeviceGetDisplayMode" "Device::display_mode" N => |l| one(l.dev()?.display_mode());
        Current "nvmlDeviceGetDisplayActive" "Device::display_active" N => |l| one(l.dev()?.display_active());
        Current "nvmlDeviceGetMultiGpuBoard" "Device::is_multi_gpu_board" N => |l| one(l.dev()?.is_multi_gpu_board());
        // ---- NvLink ----
        Current "nvmlDeviceGetNvLinkState" "Device::nvlink_state" N => |l| one(l.dev()?.nvlink_state(0));
        Current "nvmlDeviceGetNvLinkVersion" "Device::nvlink_version" N => |l| one(l.dev()?.nvlink_version(0));
        Current "nvmlDeviceGetNvLinkCapability" "Device::nvlink_capability" N =>
            |l| one(l.dev()?.nvlink_capability(0, NvLinkCapability::P2pSupported));
        Current "nvmlDeviceGetNvLinkRemotePciInfo_v2" "Device::nvlink_remote_pci_info" N => |l| one(l.dev()?.nvlink_remote_pci_info(0));
        Previous "nvmlDeviceGetNvLinkRemotePciInfo" "Device::nvlink_remote_pci_info" N => |l| one(l.dev()?.nvlink_remote_pci_info(0));
        Current "nvmlDeviceGetNvLinkErrorCounter" "Device::nvlink_error_counter" N =>
            |l| one(l.dev()?.nvlink_error_counter(0, NvLinkErrorCounter::DlReplay));
        // ---- PCI ----
        Current "nvmlDeviceGetPciInfo_v3" "Device::pci_info" N => |l| one(l.dev()?.pci_info());
        Previous "nvmlDeviceGetPciInfo_v2" "Device::pci_info" N => |l| one(l.dev()?.pci_info());
        Oldest "nvmlDeviceGetPciInfo" "Device::pci_info" N => |l| one(l.dev()?.pci_info());
        Current "nvmlDeviceGetCurrPcieLinkGeneration" "Device::current_pcie_link_generation" N =>
            |l| one(l.dev()?.current_pcie_link_generation());
        Current "nvmlDeviceGetMaxPcieLinkGeneration" "Device::max_pcie_link_generation" N =>
            |l| one(l.dev()?.max_pcie_link_generation());
        Current "nvmlDeviceGetCurrPcieLinkWidth" "Device::current_pcie_link_width" N => |l| one(l.dev()?.current_pcie_link_width());
        Current "nvmlDeviceGetMaxPcieLinkWidth" "Device::max_pcie_link_width" N => |l| one(l.dev()?.max_pcie_link_width());
        Current "nvmlDeviceGetPcieThroughput" "Device::pcie_throughput" N => |l| one(l.dev()?.pcie_throughput(PcieUtilCounter::Tx));
        Current "nvmlDeviceGetPcieReplayCounter" "Device::pcie_replay_counter" N => |l| one(l.dev()?.pcie_replay_counter());
        Current "nvmlDeviceGetPcieLinkMaxSpeed" "Device::pcie_link_max_speed" N => |l| one(l.dev()?.pcie_link_max_speed());
        Current "nvmlDeviceGetPcieSpeed" "Device::pcie_speed" N => |l| one(l.dev()?.pcie_speed());
        // ---- performance ----
        Current "nvmlDeviceGetPerformanceState" "Device::performance_state" N => |l| one(l.dev()?.performance_state());
        Current "nvmlDeviceGetCurrentClocksEventReasons" "Device::current_clocks_event_reasons" N =>
            |l| one(l.dev()?.current_clocks_event_reasons());
        Previous "nvmlDeviceGetCurrentClocksThrottleReasons" "Device::current_clocks_event_reasons" N =>
            |l| one(l.dev()?.current_clocks_event_reasons());
        Current "nvmlDeviceGetSupportedClocksEventReasons" "Device::supported_clocks_event_reasons" N =>
            |l| one(l.dev()?.supported_clocks_event_reasons());
        Previous "nvmlDeviceGetSupportedClocksThrottleReasons" "Device::supported_clocks_event_reasons" N =>
            |l| one(l.dev()?.supported_clocks_event_reasons());
        // ---- power ----
        Current "nvmlDeviceGetPowerUsage" "Device::power_usage" N => |l| one(l.dev()?.power_usage());
        Current "nvmlDeviceGetPowerManagementLimit" "Device::power_management_limit" N => |l| one(l.dev()?.power_management_limit());
        Current "nvmlDeviceGetPowerManagementLimitConstraints" "Device::power_management_limit_constraints" N =>
            |l| one(l.dev()?.power_management_limit_constraints());
        Current "nvmlDeviceGetPowerManagementDefaultLimit" "Device::power_management_default_limit" N =>
            |l| one(l.dev()?.power_management_default_limit());
        Current "nvmlDeviceGetEnforcedPowerLimit" "Device::enforced_power_limit" N => |l| one(l.dev()?.enforced_power_limit());
        Current "nvmlDeviceGetTotalEnergyConsumption" "Device::total_energy_consumption" N =>
            |l| one(l.dev()?.total_energy_consumption());
        Current "nvmlDeviceGetPowerSource" "Device::power_source" N => |l| one(l.dev()?.power_source());
        // ---- processes ----
        Current "nvmlDeviceGetComputeRunningProcesses_v3" "Device::running_compute_processes" N =>
            |l| list(l.dev()?.running_compute_processes());
        Previous "nvmlDeviceGetComputeRunningProcesses_v2" "Device::running_compute_processes" N =>
            |l| list(l.dev()?.running_compute_processes());
        Oldest "nvmlDeviceGetComputeRunningProcesses" "Device::running_compute_processes" N =>
            |l| list(l.dev()?.running_compute_processes());
        Current "nvmlDeviceGetGraphicsRunningProcesses_v3" "Device::running_graphics_processes" N =>
            |l| list(l.dev()?.running_graphics_processes());
        Previous "nvmlDeviceGetGraphicsRunningProcesses_v2" "Device::running_graphics_processes" N =>
            |l| list(l.dev()?.running_graphics_processes());
        Oldest "nvmlDeviceGetGraphicsRunningProcesses" "Device::running_graphics_processes" N =>
            |l| list(l.dev()?.running_graphics_processes());
        Current "nvmlDeviceGetMPSComputeRunningProcesses_v3" "Device::mps_compute_running_processes" N =>
            |l| list(l.dev()?.mps_compute_running_processes());
        Previous "nvmlDeviceGetMPSComputeRunningProcesses_v2" "Device::mps_compute_running_processes" N =>
            |l| list(l.dev()?.mps_compute_running_processes());
        Oldest "nvmlDeviceGetMPSComputeRunningProcesses" "Device::mps_compute_running_processes" N =>
            |l| list(l.dev()?.mps_compute_running_processes());
        // ---- samples ----
        Current "nvmlDeviceGetSamples" "Device::samples" EMPTY_ON_NOT_FOUND =>
            |l| list(l.dev()?.samples(SamplingType::GpuUtilization, 0));
        Current "nvmlDeviceGetProcessUtilization" "Device::process_utilization" EMPTY_ON_NOT_FOUND =>
            |l| list(l.dev()?.process_utilization(0));
        // ---- thermal ----
        Current "nvmlDeviceGetTemperatureV" "Device::temperature" fallback("nvmlDeviceGetTemperatureV") => |l| one(l.dev()?.temperature(TemperatureSensor::Gpu));
        Previous "nvmlDeviceGetTemperature" "Device::temperature" N => |l| one(l.dev()?.temperature(TemperatureSensor::Gpu));
        Current "nvmlDeviceGetTemperatureThreshold" "Device::temperature_threshold" N =>
            |l| one(l.dev()?.temperature_threshold(TemperatureThreshold::Slowdown));
        Current "nvmlDeviceGetMarginTemperature" "Device::margin_temperature" N => |l| one(l.dev()?.margin_temperature());
        Current "nvmlDeviceGetNumFans" "Device::num_fans" N => |l| one(l.dev()?.num_fans());
        Current "nvmlDeviceGetFanSpeed_v2" "Device::fan_speed" N => |l| one(l.dev()?.fan_speed(0));
        Previous "nvmlDeviceGetFanSpeed" "Device::fan_speed" N => |l| one(l.dev()?.fan_speed(0));
        Current "nvmlDeviceGetFanSpeed" "Device::fan_speed_avg" N => |l| one(l.dev()?.fan_speed_avg());
        // ---- topology ----
        Current "nvmlDeviceGetTopologyCommonAncestor" "Device::topology_common_ancestor" N =>
            |l| one(l.dev()?.topology_common_ancestor(&l.nvml.device_by_index(1)?));
        Current "nvmlDeviceGetTopologyNearestGpus" "Device::topology_nearest_gpus" N =>
            |l| list(l.dev()?.topology_nearest_gpus(TopologyLevel::System));
        Current "nvmlDeviceGetCpuAffinity" "Device::cpu_affinity" N => |l| list(l.dev()?.cpu_affinity(4));
        Current "nvmlDeviceGetCpuAffinityWithinScope" "Device::cpu_affinity_within_scope" N =>
            |l| list(l.dev()?.cpu_affinity_within_scope(4, AffinityScope::Node));
        Current "nvmlDeviceGetMemoryAffinity" "Device::memory_affinity" N => |l| list(l.dev()?.memory_affinity(4, AffinityScope::Node));
        Current "nvmlDeviceGetP2PStatus" "Device::p2p_status" N =>
            |l| one(l.dev()?.p2p_status(&l.nvml.device_by_index(1)?, P2pCapability::Read));
        // ---- utilisation ----
        Current "nvmlDeviceGetUtilizationRates" "Device::utilization_rates" N => |l| one(l.dev()?.utilization_rates());
        Current "nvmlDeviceGetEncoderUtilization" "Device::encoder_utilization" N => |l| one(l.dev()?.encoder_utilization());
        Current "nvmlDeviceGetDecoderUtilization" "Device::decoder_utilization" N => |l| one(l.dev()?.decoder_utilization());
        Current "nvmlDeviceGetEncoderCapacity" "Device::encoder_capacity" N => |l| one(l.dev()?.encoder_capacity(EncoderType::H264));
        Current "nvmlDeviceGetEncoderStats" "Device::encoder_stats" N => |l| one(l.dev()?.encoder_stats());
        Current "nvmlDeviceGetEncoderSessions" "Device::encoder_sessions" N => |l| list(l.dev()?.encoder_sessions());
        Current "nvmlDeviceGetFBCStats" "Device::fbc_stats" N => |l| one(l.dev()?.fbc_stats());
        Current "nvmlDeviceGetFBCSessions" "Device::fbc_sessions" N => |l| list(l.dev()?.fbc_sessions());
    }
}

/// Runs `f`, turning a panic into `None`.
pub fn no_panic<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// `Err(e)` as `e.code()`, for messages.
pub fn describe(r: &Result<Out>) -> String {
    match r {
        Ok(out) => format!("Ok({})", out.text.chars().take(80).collect::<String>()),
        Err(e) => format!("Err({e:?}, code {:?})", e.code()),
    }
}

/// Whether `r` is `Err` with exactly `code`.
pub fn is_code(r: &Result<Out>, code: u32) -> bool {
    matches!(r, Err(e) if e.code() == Some(code))
}

/// Whether `r` is `MissingSymbol`.
pub fn not_found_name(r: &Result<Out>) -> Option<&'static str> {
    match r {
        Err(NvmlError::MissingSymbol(name)) => Some(name),
        _ => None,
    }
}

/// What a fault sweep did.
#[derive(Debug, Default)]
pub struct SweepReport {
    /// Distinct C functions faulted.
    pub functions: usize,
    /// Table rows (method x driver).
    pub entries: usize,
    /// Codes tried per row.
    pub codes: usize,
    /// Calls made with a fault set.
    pub calls: usize,
    /// Calls that panicked.
    pub panics: usize,
    /// What went wrong, one line each.
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
enum Expect {
    Code(u32),
    Empty,
}

/// The fault sweep: for every row of the table, in a lab of its driver, every code of
/// `codes` set on its C function; the method must return `Err` with that code (or the
/// documented fallback or empty result) and not panic.
pub fn fault_sweep(codes: &[u32]) -> SweepReport {
    let entries = table();
    let mut by_driver: std::collections::BTreeMap<Driver, Vec<&Entry>> = Default::default();
    for e in &entries {
        by_driver.entry(e.driver).or_default().push(e);
    }
    let mut report = SweepReport {
        entries: entries.len(),
        codes: codes.len(),
        ..SweepReport::default()
    };
    let mut functions = std::collections::BTreeSet::new();
    for (driver, entries) in &by_driver {
        let lab = Lab::new(*driver);
        for e in entries {
            functions.insert(e.function);
            lab.clear_faults();
            let Some(baseline) = no_panic(|| (e.call)(&lab)) else {
                report.panics += 1;
                report
                    .failures
                    .push(format!("{e:?}: panicked without a fault"));
                continue;
            };
            for &code in codes {
                lab.clear_faults();
                lab.set_fault(e.function, code);
                let expected = match e.special {
                    Special::Fallback { codes, to } if codes.contains(&code) => {
                        lab.set_fault(to, SENTINEL);
                        Expect::Code(SENTINEL)
                    }
                    Special::EmptyOn(c) if c == code => Expect::Empty,
                    _ => Expect::Code(code),
                };
                report.calls += 1;
                let Some(got) = no_panic(|| (e.call)(&lab)) else {
                    report.panics += 1;
                    report
                        .failures
                        .push(format!("{e:?}: code {code}: panicked"));
                    continue;
                };
                let ok = match expected {
                    Expect::Code(c) => is_code(&got, c),
                    Expect::Empty => matches!(&got, Ok(out) if out.len == 0),
                };
                if !ok {
                    report.failures.push(format!(
                        "{e:?}: fault {code}: expected {expected:?}, got {} (without fault: {})",
                        describe(&got),
                        describe(&baseline)
                    ));
                }
            }
        }
        lab.clear_faults();
        // After the sweep the lab answers as before: no state was corrupted.
        if lab.nvml.device_count().map_or(true, |n| n == 0) {
            report
                .failures
                .push(format!("{driver:?}: lab broken after the sweep"));
        }
    }
    report.functions = functions.len();
    report
}

/// Every row of the table once in its lab (every driver shape), with every hostile mode on
/// (mask 7): returns the
/// number of calls; panics are failures.
pub fn hostile_pass() -> usize {
    let mut calls = 0;
    let drivers: std::collections::BTreeSet<Driver> = table().iter().map(|e| e.driver).collect();
    for driver in drivers {
        let lab = Lab::new(driver);
        lab.set_hostile(7);
        for e in table().iter().filter(|e| e.driver == driver) {
            assert!(no_panic(|| (e.call)(&lab)).is_some(), "{e:?} panicked");
            calls += 1;
        }
        lab.set_hostile(0);
    }
    calls
}
