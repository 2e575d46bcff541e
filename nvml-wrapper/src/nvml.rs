//! Loading and initialising NVML: [`Nvml`] and its [`NvmlBuilder`].

use std::ffi::c_uint;
use std::path::PathBuf;
use std::sync::Arc;

use nvml_sys as sys;
use nvml_sys::NvmlLib;

use crate::device::{Device, FieldIdNumbering};
use crate::error::{NvmlError, Result};
use crate::ffi::{HasLib, believable_count, c_string, nvml_call, string_at};
use crate::versions::{ChosenVersions, VersionChoice};
use crate::versions::{device_count, handle_by_index, handle_by_pci_bus_id, init};

bitflags::bitflags! {
    /// Flags for [`Nvml::init_with_flags`] (`NVML_INIT_FLAG_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct InitFlags: c_uint {
        /// Initialise even when no GPU is found (`NVML_INIT_FLAG_NO_GPUS`).
        const NO_GPUS = sys::NVML_INIT_FLAG_NO_GPUS;
        /// Initialise without attaching the GPUs found (`NVML_INIT_FLAG_NO_ATTACH`).
        const NO_ATTACH = sys::NVML_INIT_FLAG_NO_ATTACH;
        /// Force device initialisation even after an init with `NO_GPUS` and `NO_ATTACH`
        /// (`NVML_INIT_FLAG_FORCE_INIT`).
        const FORCE_INIT = sys::NVML_INIT_FLAG_FORCE_INIT;
    }
}

/// The library names [`Nvml::init`] tries, in order.
#[cfg(not(windows))]
pub const DEFAULT_LIBRARY_NAMES: &[&str] = &["libnvidia-ml.so.1", "libnvidia-ml.so"];
/// The library names [`Nvml::init`] tries, in order.
#[cfg(windows)]
pub const DEFAULT_LIBRARY_NAMES: &[&str] = &["nvml.dll"];

/// A GPU UUID for [`Nvml::device_by_uuid_value`] (`nvmlUUIDValue_t`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DeviceUuid {
    /// Text form, `"GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"` (`NVML_UUID_TYPE_ASCII`).
    Ascii(String),
    /// The 16 bytes (`NVML_UUID_TYPE_BINARY`).
    Binary([u8; 16]),
}

/// A loaded and initialised NVML library.
///
/// Create one with [`Nvml::init`] (or [`Nvml::builder`] to choose the library file or init
/// flags). `Nvml` is a cheap, shared handle to the library (an `Arc` inside): [`Clone`] makes
/// another share, and every owned handle ([`OwnedDevice`](crate::device::OwnedDevice),
/// [`OwnedEventSet`](crate::event::OwnedEventSet), ...) holds one. The library stays loaded
/// and initialised while any share lives; `nvmlShutdown` is called when the last one is
/// dropped, or by [`Nvml::shutdown`], which reports the driver's answer.
///
/// Handles come in two forms with the same methods: borrowed (`Device<'nvml>`, tied to the
/// `Nvml` by a lifetime, what lookups such as [`Nvml::device_by_index`] return) and owned
/// (`into_owned()` on a borrowed handle: no lifetime, storable in a struct, movable into a
/// thread or task); see [`NvmlRef`](crate::NvmlRef). NVML is thread-safe: `Nvml` and every
/// handle are `Send + Sync`.
///
/// ```no_run
/// use nvml_wrapper::Nvml;
///
/// let nvml = Nvml::init()?;
/// for index in 0..nvml.device_count()? {
///     let gpu = nvml.device_by_index(index)?;
///     println!("GPU {index}: {}", gpu.uuid()?);
/// }
/// # Ok::<(), nvml_wrapper::NvmlError>(())
/// ```
#[derive(Clone)]
pub struct Nvml {
    shared: Arc<Initialised>,
}

/// The library while NVML is initialised: dropping it (the last [`Nvml`] share) calls
/// `nvmlShutdown`.
struct Initialised {
    library: NvmlLibrary,
    /// How the driver numbers the field ids renumbered at 580.82, read once at init.
    field_ids: FieldIdNumbering,
    /// Set by [`Nvml::shutdown`], which has already called `nvmlShutdown`.
    shut_down: bool,
}

impl std::fmt::Debug for Nvml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Nvml")
            .field("library", &self.shared.library.name)
            .finish_non_exhaustive()
    }
}

/// An NVML library that is loaded but not initialised.
///
/// It answers what the library offers (which version of each function family it has,
/// which functions it lacks) even where initialisation would fail, e.g. on a machine without
/// the NVIDIA kernel driver. [`NvmlLibrary::init`] turns it into an [`Nvml`].
///
/// ```no_run
/// let lib = nvml_wrapper::Nvml::builder().load()?;
/// println!("{:?}", lib.chosen_symbol("nvmlDeviceGetComputeRunningProcesses"));
/// let nvml = lib.init()?;
/// # Ok::<(), nvml_wrapper::NvmlError>(())
/// ```
pub struct NvmlLibrary {
    lib: Loaded,
    versions: ChosenVersions,
    name: String,
}

impl std::fmt::Debug for NvmlLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NvmlLibrary")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl NvmlLibrary {
    /// The library file or name that was loaded.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw loader. Everything on it is `unsafe`.
    #[inline(always)]
    pub fn lib(&self) -> &NvmlLib {
        HasLib::lib(self)
    }

    /// The whole versioned-symbol table: for each function family with several versions in
    /// `nvml.h`, which one this library uses.
    pub fn version_choices(&self) -> Vec<VersionChoice> {
        self.versions.table()
    }

    /// The symbol chosen for a versioned family, e.g.
    /// `chosen_symbol("nvmlDeviceGetComputeRunningProcesses")` is
    /// `Some("nvmlDeviceGetComputeRunningProcesses_v3")` on a current driver. `None` if the
    /// family is unknown or the library exports no version of it.
    pub fn chosen_symbol(&self, family: &str) -> Option<&'static str> {
        self.versions
            .table()
            .into_iter()
            .find(|row| row.family == family)?
            .symbol
    }

    /// Whether the library exports the function `name` (any name of `nvml.h`).
    pub fn has_function(&self, name: &str) -> bool {
        self.lib
            .function_availability()
            .iter()
            .any(|(n, ok)| *n == name && *ok)
    }

    /// The functions of `nvml.h` the library does not export.
    pub fn missing_functions(&self) -> Vec<&'static str> {
        self.lib
            .function_availability()
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(name, _)| *name)
            .collect()
    }

    /// Initialises NVML (`nvmlInit_v2`, or `nvmlInit` on a driver without it).
    ///
    /// # Errors
    /// [`NvmlError::MissingSymbol`] if the library has no init function, and NVML's own
    /// errors, e.g. [`NvmlError::DriverNotLoaded`] without the NVIDIA kernel driver.
    pub fn init(self) -> Result<Nvml> {
        self.init_with_flags(InitFlags::empty())
    }

    /// Initialises NVML with `nvmlInitWithFlags(flags)` (plain `init` when `flags` is empty).
    #[doc(alias = "nvmlInit")]
    #[doc(alias = "nvmlInitWithFlags")]
    #[doc(alias = "nvmlInit_v2")]
    pub fn init_with_flags(self, flags: InitFlags) -> Result<Nvml> {
        // Initialise before building `Nvml`, whose `Drop` calls nvmlShutdown: on failure the
        // library is simply unloaded.
        if flags.is_empty() {
            match self.versions.init() {
                init::Version::nvmlInit_v2 => nvml_call!(self, init::nvmlInit_v2())?,
                init::Version::nvmlInit => nvml_call!(self, init::nvmlInit())?,
                init::Version::Missing => return Err(NvmlError::MissingSymbol("nvmlInit_v2")),
            }
        } else {
            nvml_call!(self, nvmlInitWithFlags(flags.bits()))?;
        }
        let mut nvml = Nvml {
            shared: Arc::new(Initialised {
                library: self,
                field_ids: FieldIdNumbering::Current,
                shut_down: false,
            }),
        };
        // Once, here, so field calls translate with a `match` and parse nothing. A driver
        // that cannot say its version keeps the header's numbering.
        if let Ok(version) = nvml.driver_version() {
            let numbering = FieldIdNumbering::for_driver_version(&version);
            // The share was just created: no other exists yet, so `get_mut` finds it.
            if let Some(initialised) = Arc::get_mut(&mut nvml.shared) {
                initialised.field_ids = numbering;
            }
        }
        Ok(nvml)
    }
}

/// Chooses the library file and init flags before initialising NVML.
#[derive(Debug, Clone, Default)]
pub struct NvmlBuilder {
    library_path: Option<PathBuf>,
    flags: InitFlags,
}

impl NvmlBuilder {
    /// Load this file (or name, searched by the dynamic loader) instead of
    /// [`DEFAULT_LIBRARY_NAMES`].
    pub fn library_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.library_path = Some(path.into());
        self
    }

    /// Initialise with `nvmlInitWithFlags(flags)`.
    pub fn flags(mut self, flags: InitFlags) -> Self {
        self.flags = flags;
        self
    }

    /// Loads the library without initialising NVML, to inspect what it offers.
    ///
    /// # Errors
    /// [`NvmlError::LibraryLoad`] if no library could be loaded.
    pub fn load(&self) -> Result<NvmlLibrary> {
        open(self.library_path.clone())
    }

    /// Loads the library and initialises NVML (`nvmlInit_v2`, or `nvmlInitWithFlags` when
    /// flags are set).
    ///
    /// # Errors
    /// [`NvmlError::LibraryLoad`] if no library could be loaded, [`NvmlError::MissingSymbol`]
    /// if it has no init function, and NVML's own errors (e.g.
    /// [`NvmlError::DriverNotLoaded`] on a machine without the NVIDIA kernel driver).
    pub fn init(self) -> Result<Nvml> {
        open(self.library_path)?.init_with_flags(self.flags)
    }
}

/// Loads `path` (else the default names) and chooses the versions; the path becomes the
/// library's name without a copy.
fn open(path: Option<PathBuf>) -> Result<NvmlLibrary> {
    let (lib, name) = match path {
        Some(path) => {
            let lib = load(path.as_os_str())?;
            let name = path
                .into_os_string()
                .into_string()
                .unwrap_or_else(|raw| raw.to_string_lossy().into_owned());
            (lib, name)
        }
        None => load_default()?,
    };
    let versions = ChosenVersions::choose(&lib);
    Ok(NvmlLibrary {
        lib,
        versions,
        name,
    })
}

/// A loaded [`NvmlLib`] that ends with [`NvmlLib::unload`], so that this crate compiles no
/// drop code for its ~430 fields (nvml-sys has it, once).
struct Loaded(std::mem::ManuallyDrop<NvmlLib>);

impl std::ops::Deref for Loaded {
    type Target = NvmlLib;
    fn deref(&self) -> &NvmlLib {
        &self.0
    }
}

impl Drop for Loaded {
    fn drop(&mut self) {
        // SAFETY: `self.0` is taken once, here, and never used again.
        unsafe { std::mem::ManuallyDrop::take(&mut self.0) }.unload();
    }
}

impl HasLib for NvmlLibrary {
    #[inline(always)]
    fn lib(&self) -> &NvmlLib {
        &self.lib.0
    }
}

impl HasLib for Nvml {
    #[inline(always)]
    fn lib(&self) -> &NvmlLib {
        HasLib::lib(&self.shared.library)
    }
}

/// Loads `path` with every symbol bound now, and checks that it is NVML at all.
fn load(path: &std::ffi::OsStr) -> Result<Loaded> {
    let load_error = |source| NvmlError::LibraryLoad {
        path: path.to_string_lossy().into_owned(),
        source,
    };
    // SAFETY: loading NVML runs its library initialisers, which have no preconditions; every
    // function is then only reached through checked fields.
    let library = unsafe { open_binding_now(path) }.map_err(load_error)?;
    // SAFETY: as above; this only looks up the header's symbols in the loaded library.
    let lib = Loaded(std::mem::ManuallyDrop::new(
        unsafe { NvmlLib::from_library(library) }.map_err(load_error)?,
    ));
    if lib.nvmlInit_v2.is_err() && lib.nvmlInit.is_err() && lib.nvmlInitWithFlags.is_err() {
        return Err(NvmlError::NotNvmlLibrary {
            path: path.to_string_lossy().into_owned(),
        });
    }
    Ok(lib)
}

/// `dlopen(path, RTLD_NOW | RTLD_LOCAL)`: a library with a symbol nothing defines fails to
/// load, with the loader's reason, instead of loading lazily and killing the process
/// ("symbol lookup error") at its first call.
///
/// # Safety
/// As `libloading::Library::new`: the library's initialisers run.
#[cfg(unix)]
unsafe fn open_binding_now(
    path: &std::ffi::OsStr,
) -> std::result::Result<libloading::Library, libloading::Error> {
    use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};
    // SAFETY: the caller's contract.
    unsafe { Library::open(Some(path), RTLD_NOW | RTLD_LOCAL) }.map(Into::into)
}

/// Windows binds every import at load time already.
///
/// # Safety
/// As `libloading::Library::new`: the library's initialisers run.
#[cfg(not(unix))]
unsafe fn open_binding_now(
    path: &std::ffi::OsStr,
) -> std::result::Result<libloading::Library, libloading::Error> {
    // SAFETY: the caller's contract.
    unsafe { libloading::Library::new(path) }
}

fn load_default() -> Result<(Loaded, String)> {
    let mut first_error = None;
    for name in DEFAULT_LIBRARY_NAMES {
        match load(std::ffi::OsStr::new(name)) {
            Ok(lib) => return Ok((lib, (*name).to_owned())),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(match first_error {
        Some(NvmlError::LibraryLoad { source, .. }) => NvmlError::LibraryLoad {
            path: DEFAULT_LIBRARY_NAMES.join(" or "),
            source,
        },
        Some(other) => other,
        None => NvmlError::InvalidInput("no library names to try"),
    })
}

impl Nvml {
    /// Loads `libnvidia-ml.so.1` (then `libnvidia-ml.so`) and initialises NVML.
    ///
    /// Calls `nvmlInit_v2` (or `nvmlInit` on a driver without it).
    pub fn init() -> Result<Self> {
        NvmlBuilder::default().init()
    }

    /// Like [`Nvml::init`], with `nvmlInitWithFlags`.
    pub fn init_with_flags(flags: InitFlags) -> Result<Self> {
        NvmlBuilder::default().flags(flags).init()
    }

    /// A builder to choose the library path and init flags.
    pub fn builder() -> NvmlBuilder {
        NvmlBuilder::default()
    }

    /// The raw loader, for calling functions these bindings do not wrap. Everything on it is
    /// `unsafe`; the handles of this crate's types convert with their `handle()` methods.
    #[inline(always)]
    pub fn lib(&self) -> &NvmlLib {
        HasLib::lib(self)
    }

    #[inline(always)]
    pub(crate) fn versions(&self) -> &ChosenVersions {
        &self.shared.library.versions
    }

    /// How the loaded driver numbers the field ids NVIDIA renumbered at driver 580.82, as
    /// read from its version at init. Field calls translate for it; see
    /// [`device::field_values`](crate::device::field_values#renumbered-field-ids).
    #[inline]
    pub fn field_id_numbering(&self) -> FieldIdNumbering {
        self.shared.field_ids
    }

    /// The loaded library: its name, versioned-symbol table and exported functions.
    pub fn library(&self) -> &NvmlLibrary {
        &self.shared.library
    }

    /// Shorthand for `self.library().version_choices()`.
    pub fn version_choices(&self) -> Vec<VersionChoice> {
        self.library().version_choices()
    }

    /// Shorthand for `self.library().chosen_symbol(family)`.
    pub fn chosen_symbol(&self, family: &str) -> Option<&'static str> {
        self.library().chosen_symbol(family)
    }

    /// Shorthand for `self.library().has_function(name)`.
    pub fn has_function(&self, name: &str) -> bool {
        self.library().has_function(name)
    }

    /// Number of GPUs NVML can see (`nvmlDeviceGetCount_v2`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetCount")]
    #[doc(alias = "nvmlDeviceGetCount_v2")]
    pub fn device_count(&self) -> Result<u32> {
        let mut count: c_uint = 0;
        match self.versions().device_count() {
            device_count::Version::nvmlDeviceGetCount_v2 => {
                nvml_call!(self, device_count::nvmlDeviceGetCount_v2(&mut count))?
            }
            _ => nvml_call!(self, device_count::nvmlDeviceGetCount(&mut count))?,
        }
        Ok(count)
    }

    /// The GPU at `index` (`nvmlDeviceGetHandleByIndex_v2`). Indices follow NVML's order (PCI
    /// bus order), which may differ from CUDA's.
    #[inline]
    #[doc(alias = "nvmlDeviceGetHandleByIndex")]
    #[doc(alias = "nvmlDeviceGetHandleByIndex_v2")]
    pub fn device_by_index(&self, index: u32) -> Result<Device<'_>> {
        let mut handle: sys::nvmlDevice_t = std::ptr::null_mut();
        match self.versions().handle_by_index() {
            handle_by_index::Version::nvmlDeviceGetHandleByIndex_v2 => nvml_call!(
                self,
                handle_by_index::nvmlDeviceGetHandleByIndex_v2(index, &mut handle)
            )?,
            _ => nvml_call!(
                self,
                handle_by_index::nvmlDeviceGetHandleByIndex(index, &mut handle)
            )?,
        }
        Device::from_handle(self, handle)
    }

    /// All GPUs, in index order.
    ///
    /// # Errors
    /// [`NvmlError::UnexpectedValue`] for a device count above 65,536 (a library that
    /// claims more is not believed, and nothing is allocated for it); NVML's errors.
    pub fn devices(&self) -> Result<Vec<Device<'_>>> {
        (0..believable_count(self.device_count()?, "device count")?)
            .map(|i| self.device_by_index(i))
            .collect()
    }

    /// The GPU with this UUID, e.g. `"GPU-4a3c..."` (`nvmlDeviceGetHandleByUUID`).
    #[doc(alias = "nvmlDeviceGetHandleByUUID")]
    pub fn device_by_uuid(&self, uuid: &str) -> Result<Device<'_>> {
        let uuid = c_string(uuid)?;
        let mut handle: sys::nvmlDevice_t = std::ptr::null_mut();
        nvml_call!(self, nvmlDeviceGetHandleByUUID(uuid.as_ptr(), &mut handle))?;
        Device::from_handle(self, handle)
    }

    /// The GPU with this UUID, given as text or as its 16 bytes
    /// (`nvmlDeviceGetHandleByUUIDV` with `nvmlUUID_v1`). A text UUID longer than 40 bytes
    /// or with a NUL is [`NvmlError::InvalidInput`].
    #[doc(alias = "nvmlDeviceGetHandleByUUIDV")]
    pub fn device_by_uuid_value(&self, uuid: &DeviceUuid) -> Result<Device<'_>> {
        let (kind, value) = match uuid {
            DeviceUuid::Ascii(text) => {
                let mut buf = [0 as std::ffi::c_char; sys::NVML_DEVICE_UUID_ASCII_LEN as usize];
                let bytes = c_string(text)?.into_bytes();
                if bytes.len() >= buf.len() {
                    return Err(NvmlError::InvalidInput("UUID longer than 40 bytes"));
                }
                for (dst, src) in buf.iter_mut().zip(&bytes) {
                    *dst = *src as std::ffi::c_char;
                }
                (
                    sys::NVML_UUID_TYPE_ASCII,
                    sys::nvmlUUIDValue_t { str_: buf },
                )
            }
            DeviceUuid::Binary(bytes) => (
                sys::NVML_UUID_TYPE_BINARY,
                sys::nvmlUUIDValue_t { bytes: *bytes },
            ),
        };
        let id = sys::nvmlUUID_t {
            version: sys::nvmlUUID_v1,
            type_: kind,
            value,
        };
        let mut handle: sys::nvmlDevice_t = std::ptr::null_mut();
        nvml_call!(self, nvmlDeviceGetHandleByUUIDV(&id, &mut handle))?;
        Device::from_handle(self, handle)
    }

    /// The GPU with this board serial number (`nvmlDeviceGetHandleBySerial`).
    #[doc(alias = "nvmlDeviceGetHandleBySerial")]
    pub fn device_by_serial(&self, serial: &str) -> Result<Device<'_>> {
        let serial = c_string(serial)?;
        let mut handle: sys::nvmlDevice_t = std::ptr::null_mut();
        nvml_call!(
            self,
            nvmlDeviceGetHandleBySerial(serial.as_ptr(), &mut handle)
        )?;
        Device::from_handle(self, handle)
    }

    /// The GPU at this PCI bus id, e.g. `"00000000:18:00.0"`
    /// (`nvmlDeviceGetHandleByPciBusId_v2`).
    #[doc(alias = "nvmlDeviceGetHandleByPciBusId")]
    #[doc(alias = "nvmlDeviceGetHandleByPciBusId_v2")]
    pub fn device_by_pci_bus_id(&self, bus_id: &str) -> Result<Device<'_>> {
        let bus_id = c_string(bus_id)?;
        let mut handle: sys::nvmlDevice_t = std::ptr::null_mut();
        match self.versions().handle_by_pci_bus_id() {
            handle_by_pci_bus_id::Version::nvmlDeviceGetHandleByPciBusId_v2 => nvml_call!(
                self,
                handle_by_pci_bus_id::nvmlDeviceGetHandleByPciBusId_v2(
                    bus_id.as_ptr(),
                    &mut handle
                )
            )?,
            _ => nvml_call!(
                self,
                handle_by_pci_bus_id::nvmlDeviceGetHandleByPciBusId(bus_id.as_ptr(), &mut handle)
            )?,
        }
        Device::from_handle(self, handle)
    }

    /// `nvmlErrorString` for a raw return code: NVML's own description, read up to its NUL or
    /// 256 bytes, whichever comes first.
    #[doc(alias = "nvmlErrorString")]
    pub fn error_string(&self, code: sys::nvmlReturn_t) -> Option<String> {
        let f = crate::ffi::symbol(
            HasLib::lib(self).nvmlErrorString.as_ref(),
            "nvmlErrorString",
        )
        .ok()?;
        // SAFETY: nvmlErrorString takes any code and returns a static string or NULL.
        let ptr = unsafe { f(code) };
        // SAFETY: a non-null result is a NUL-terminated static string; `string_at` stops at its
        // NUL (and never reads more than the bound).
        unsafe { string_at(ptr, ERROR_STRING_MAX) }
    }
}

impl Nvml {
    /// Shuts NVML down now (`nvmlShutdown`) and reports the driver's answer; dropping the last
    /// share does the same but cannot report.
    ///
    /// Only the last share shuts down. While other shares live (clones of this `Nvml`, or
    /// owned handles such as an [`OwnedDevice`](crate::device::OwnedDevice)), shutting down
    /// would leave them calling into a shut-down library, so this call refuses: it releases
    /// this share only, calls nothing, and returns [`NvmlError::StillShared`] with the number
    /// of other shares. NVML then shuts down when the last of them is dropped.
    ///
    /// # Errors
    /// [`NvmlError::StillShared`] as above; NVML's own errors from `nvmlShutdown`, e.g.
    /// [`NvmlError::Uninitialized`] if NVML was shut down behind this crate's back (through
    /// [`Nvml::lib`]). Either way the library is released.
    #[doc(alias = "nvmlShutdown")]
    pub fn shutdown(self) -> Result<()> {
        let others = Arc::strong_count(&self.shared).saturating_sub(1);
        match Arc::into_inner(self.shared) {
            Some(initialised) => initialised.shutdown(),
            None => Err(NvmlError::StillShared { others }),
        }
    }

    /// How many shares of this library exist: this `Nvml`, its clones, and the owned handles
    /// ([`OwnedDevice`](crate::device::OwnedDevice), ...). Borrowed handles do not count.
    /// NVML shuts down when the count drops to zero.
    pub fn share_count(&self) -> usize {
        Arc::strong_count(&self.shared)
    }
}

/// Two `Nvml`s are equal when they are shares of the same loaded library.
impl PartialEq for Nvml {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}
impl Eq for Nvml {}

impl Initialised {
    /// `nvmlShutdown`, once: afterwards `Drop` does not call it again.
    fn shutdown(mut self) -> Result<()> {
        self.shut_down = true;
        nvml_call!(self.library, nvmlShutdown())
    }
}

impl Drop for Initialised {
    fn drop(&mut self) {
        if self.shut_down {
            return;
        }
        if let Ok(shutdown) = self.library.lib.nvmlShutdown.as_ref() {
            // SAFETY: an `Initialised` exists only after a successful init, so this
            // balances it.
            let _ = unsafe { shutdown() };
        }
    }
}

/// The longest text [`Nvml::error_string`] reads: NVML's descriptions are under 100 bytes.
const ERROR_STRING_MAX: usize = 256;
