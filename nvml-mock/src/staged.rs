//! [`Staged`]: a private copy of the mock library for one test.

use std::ffi::{CString, c_char, c_int, c_uint};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use nvml_sys::nvmlReturn_t;

use crate::hooks::{self, Hook};

/// Environment variable that points at the built `libnvml_mock.so` explicitly.
pub const LIB_ENV: &str = "NVML_MOCK_LIB";

/// The file name cargo gives the cdylib.
const CDYLIB_NAME: &str = "libnvml_mock.so";

/// The export list of NVIDIA's 470 driver (`nm -D --defined-only` of Debian's
/// `libnvidia-tesla-470-ml1`), one name a line.
const DRIVER_470_EXPORTS: &str = include_str!("../data/driver-470-exports.txt");

/// Finds the built mock library: `$NVML_MOCK_LIB`, else `libnvml_mock.so` next to the running
/// executable (`target/<profile>/deps`: where cargo builds it for `cargo test`, whether
/// nvml-mock is the package under test or a dev-dependency) or one level up
/// (`target/<profile>`, where `cargo build -p nvml-mock` also copies it).
pub fn find_cdylib() -> io::Result<PathBuf> {
    if let Some(p) = std::env::var_os(LIB_ENV) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{LIB_ENV}={} is not a file", p.display()),
            ))
        };
    }
    let exe = std::env::current_exe()?;
    let mut tried = Vec::new();
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
    let mut dir = exe.parent();
    for _ in 0..3 {
        let Some(d) = dir else { break };
        for candidate in [d.join(CDYLIB_NAME), d.join("deps").join(CDYLIB_NAME)] {
            match std::fs::metadata(&candidate) {
                Ok(meta) if meta.is_file() => {
                    let built = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                    found.push((built, candidate));
                }
                _ => tried.push(candidate),
            }
        }
        dir = d.parent();
    }
    // Cargo refreshes `target/<profile>/deps/libnvml_mock.so` whenever nvml-mock is rebuilt,
    // but the copy in `target/<profile>` only when nvml-mock itself is built as a package:
    // the most recently built candidate is the current one.
    if let Some((_, newest)) = found.into_iter().max_by_key(|(built, _)| *built) {
        return Ok(newest);
    }
    Err(io::Error::new(
        io::ErrorKind::NotFound,
        format!(
            "{CDYLIB_NAME} not found (tried {}); build nvml-mock or set {LIB_ENV}",
            tried
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

/// Hostile-data modes of the mock (see [`Staged::set_hostile`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostileModes {
    /// Array getters write what fits and report a count larger than the caller's buffer.
    pub oversized_counts: bool,
    /// String getters fill the whole buffer with text and no NUL.
    pub unterminated_strings: bool,
    /// Enum getters (brand, architecture, P-state, compute mode, bus type, topology level,
    /// NvLink remote device type, P2P status, virtualization mode) return values newer than
    /// the header.
    pub future_enums: bool,
}

/// A control hook of a [`Staged`] copy failed: which hook (`nvml_mock_set_fault`, ...) and the
/// `nvmlReturn_t` code it answered.
///
/// Two codes come from the helper, not the hook: `NVML_ERROR_FUNCTION_NOT_FOUND` where the
/// library does not export the hook, and `NVML_ERROR_INVALID_ARGUMENT` where an argument
/// cannot be passed to C (a string holding a NUL, a negative version). It implements
/// [`std::error::Error`], so `?` lifts it into `Box<dyn Error>`, and converts into
/// [`io::Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HookError {
    hook: &'static str,
    code: nvmlReturn_t,
}

impl HookError {
    pub(crate) fn new(hook: &'static str, code: nvmlReturn_t) -> HookError {
        HookError { hook, code }
    }

    /// The hook's symbol, e.g. `"nvml_mock_set_fault"`.
    pub fn hook(&self) -> &'static str {
        self.hook
    }

    /// The `nvmlReturn_t` it answered (e.g. `NVML_ERROR_IN_USE`).
    pub fn code(&self) -> nvmlReturn_t {
        self.code
    }
}

impl std::fmt::Display for HookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = crate::exports::error_text(self.code).to_string_lossy();
        if self.code == nvml_sys::NVML_ERROR_FUNCTION_NOT_FOUND {
            write!(f, "{}: the library does not export it ({text})", self.hook)
        } else {
            write!(f, "{} answered {} ({text})", self.hook, self.code)
        }
    }
}

impl std::error::Error for HookError {}

impl From<HookError> for io::Error {
    fn from(e: HookError) -> io::Error {
        io::Error::other(e)
    }
}

/// A private copy of the mock, staged as `libnvidia-ml.so.1` in a fresh temporary directory.
///
/// Each copy is a different file, so `dlopen` gives it its own global state: tests may run in
/// parallel, each with its own simulated machine. The copy stays loaded while the `Staged`
/// lives (its helpers call the mock's control hooks through that handle); the directory is
/// removed on drop.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    path: PathBuf,
    lib: libloading::Library,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn fresh_dir() -> io::Result<PathBuf> {
    let base = std::env::temp_dir();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = base.join(format!("nvml-mock-{}-{n}-{nanos}", std::process::id()));
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

impl Staged {
    /// Stages a fresh copy of the mock (profile: `NVML_MOCK_PROFILE`, else `dgx-h100`).
    pub fn new() -> io::Result<Staged> {
        Staged::from_bytes(fs::read(find_cdylib()?)?)
    }

    /// Stages a fresh copy and selects a profile (a built-in name such as `"dgx-a100"`, or a
    /// path to a profile file) for its next `nvmlInit`, whatever the environment says.
    pub fn with_profile(name_or_path: &str) -> io::Result<Staged> {
        let s = Staged::new()?;
        s.set_profile(name_or_path)?;
        Ok(s)
    }

    /// Stages a copy that presents itself as NVIDIA's 470 driver: every NVML function the real
    /// 470 library does not export (e.g. `nvmlDeviceGetComputeRunningProcesses_v3`,
    /// `nvmlDeviceGetMemoryInfo_v2`) is hidden from the dynamic symbol table, so `dlsym`
    /// fails for it as on an old driver, and the system versions are 470's (driver
    /// `470.256.02`, NVML `11.470.256.02`, CUDA 11.4).
    pub fn legacy_470() -> io::Result<Staged> {
        let mut bytes = fs::read(find_cdylib()?)?;
        let keep: Vec<&str> = driver_470_exports();
        hide_symbols(&mut bytes, |name| {
            name.starts_with("nvml") && !name.starts_with("nvml_mock_") && !keep.contains(&name)
        })?;
        let staged = Staged::from_bytes(bytes)?;
        staged.set_system_versions(Some("470.256.02"), Some("11.470.256.02"), Some(11040))?;
        Ok(staged)
    }

    /// Stages a copy that lacks these functions, as a driver older than them: each is hidden
    /// from the dynamic symbol table (`dlsym` fails for it); everything else is as
    /// [`Staged::new`]. An error (`InvalidInput`) names any function the mock does not export.
    pub fn hiding(functions: &[&str]) -> io::Result<Staged> {
        let mut bytes = fs::read(find_cdylib()?)?;
        let hidden = hide_symbols(&mut bytes, |name| functions.contains(&name))?;
        let missing: Vec<&str> = functions
            .iter()
            .copied()
            .filter(|f| !hidden.iter().any(|h| h == f))
            .collect();
        if !missing.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the mock does not export {}", missing.join(", ")),
            ));
        }
        Staged::from_bytes(bytes)
    }

    fn from_bytes(bytes: Vec<u8>) -> io::Result<Staged> {
        let dir = fresh_dir()?;
        let path = dir.join("libnvidia-ml.so.1");
        let staged = fs::write(&path, bytes).and_then(|()| {
            // SAFETY: the file is the mock library (or a copy with renamed dynamic symbols);
            // its initialisers are Rust's, with no side effects beyond its own statics.
            unsafe { libloading::Library::new(&path) }.map_err(io::Error::other)
        });
        match staged {
            Ok(lib) => Ok(Staged { dir, path, lib }),
            Err(e) => {
                let _ = fs::remove_dir_all(&dir);
                Err(e)
            }
        }
    }

    /// The staged library: `<dir>/libnvidia-ml.so.1`.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The directory holding the staged library (put it on `LD_LIBRARY_PATH`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The hook's function in this copy.
    fn hook<F: Copy>(&self, hook: Hook<F>) -> Result<libloading::Symbol<'_, F>, HookError> {
        // SAFETY: `self.lib` is a copy of the mock.
        unsafe { hook.get(&self.lib) }
    }

    /// `Ok` for `NVML_SUCCESS`, else the hook's error.
    fn check<F>(hook: Hook<F>, code: nvmlReturn_t) -> Result<(), HookError> {
        if code == nvml_sys::NVML_SUCCESS {
            Ok(())
        } else {
            Err(HookError::new(hook.name(), code))
        }
    }

    /// A C string argument of `hook`; `NVML_ERROR_INVALID_ARGUMENT` where `s` holds a NUL.
    fn c_string<F>(hook: Hook<F>, s: &str) -> Result<CString, HookError> {
        CString::new(s)
            .map_err(|_| HookError::new(hook.name(), nvml_sys::NVML_ERROR_INVALID_ARGUMENT))
    }

    /// Selects the profile for the next `nvmlInit` (`nvml_mock_set_profile`).
    /// Fails with `NVML_ERROR_IN_USE` while the library is initialised.
    pub fn set_profile(&self, name_or_path: &str) -> Result<(), HookError> {
        let c = Self::c_string(hooks::SET_PROFILE, name_or_path)?;
        let f = self.hook(hooks::SET_PROFILE)?;
        // SAFETY: `c` is a NUL-terminated string that outlives the call.
        Self::check(hooks::SET_PROFILE, unsafe { f(c.as_ptr()) })
    }

    /// Injects an event on GPU `device_index` (`nvml_mock_inject_event`): `event_type` is an
    /// `nvmlEventType*` bit, `data` its data (the XID for `nvmlEventTypeXidCriticalError`).
    pub fn inject_event(
        &self,
        device_index: u32,
        event_type: u64,
        data: u64,
    ) -> Result<(), HookError> {
        let f = self.hook(hooks::INJECT_EVENT)?;
        // SAFETY: plain integer arguments.
        Self::check(hooks::INJECT_EVENT, unsafe {
            f(device_index, event_type, data)
        })
    }

    /// Injects an XID critical error with the given XID on GPU `device_index`.
    pub fn inject_xid(&self, device_index: u32, xid: u64) -> Result<(), HookError> {
        self.inject_event(
            device_index,
            u64::from(nvml_sys::nvmlEventTypeXidCriticalError),
            xid,
        )
    }

    /// Injects a system event (`nvml_mock_inject_system_event`): `event_type` is
    /// `nvmlSystemEventTypeGpuDriverUnbind` (1) or `nvmlSystemEventTypeGpuDriverBind` (2),
    /// on GPU `device_index`; every system event set registered for it receives it.
    pub fn inject_system_event(&self, device_index: u32, event_type: u64) -> Result<(), HookError> {
        let f = self.hook(hooks::INJECT_SYSTEM_EVENT)?;
        // SAFETY: plain integer arguments.
        Self::check(hooks::INJECT_SYSTEM_EVENT, unsafe {
            f(device_index, event_type)
        })
    }

    /// Makes the C function `function` return `result` from now on (`nvml_mock_set_fault`).
    /// Fails with `NVML_ERROR_NOT_FOUND` when the header has no such function.
    pub fn set_fault(&self, function: &str, result: nvmlReturn_t) -> Result<(), HookError> {
        let c = Self::c_string(hooks::SET_FAULT, function)?;
        let f = self.hook(hooks::SET_FAULT)?;
        // SAFETY: `c` is a NUL-terminated string that outlives the call.
        Self::check(hooks::SET_FAULT, unsafe { f(c.as_ptr(), result) })
    }

    /// Removes the fault of one function.
    pub fn clear_fault(&self, function: &str) -> Result<(), HookError> {
        self.set_fault(function, nvml_sys::NVML_SUCCESS)
    }

    /// Removes every fault (`nvml_mock_clear_faults`).
    pub fn clear_faults(&self) -> Result<(), HookError> {
        let f = self.hook(hooks::CLEAR_FAULTS)?;
        // SAFETY: no arguments.
        Self::check(hooks::CLEAR_FAULTS, unsafe { f() })
    }

    /// Sets the hostile-data modes (`nvml_mock_set_hostile`).
    pub fn set_hostile(&self, modes: HostileModes) -> Result<(), HookError> {
        let bit = |on: bool, bit: c_uint| if on { bit } else { 0 };
        let mask = bit(modes.oversized_counts, hooks::HOSTILE_OVERSIZED_COUNTS)
            | bit(
                modes.unterminated_strings,
                hooks::HOSTILE_UNTERMINATED_STRINGS,
            )
            | bit(modes.future_enums, hooks::HOSTILE_FUTURE_ENUMS);
        let f = self.hook(hooks::SET_HOSTILE)?;
        // SAFETY: plain integer argument.
        Self::check(hooks::SET_HOSTILE, unsafe { f(mask) })
    }

    /// The functions that have answered `NVML_SUCCESS` from the model in this copy
    /// (`nvml_mock_answered`), sorted.
    pub fn answered(&self) -> Result<Vec<String>, HookError> {
        let f = self.hook(hooks::ANSWERED)?;
        let mut buf = vec![0 as c_char; 64 * 1024];
        let len = c_uint::try_from(buf.len()).unwrap_or(c_uint::MAX);
        // SAFETY: `buf` holds at least the length passed.
        Self::check(hooks::ANSWERED, unsafe { f(buf.as_mut_ptr(), len) })?;
        let bytes: Vec<u8> = buf
            .iter()
            .take_while(|c| **c != 0)
            .map(|c| *c as u8)
            .collect();
        Ok(String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_string)
            .collect())
    }

    /// Treats the caller as root or not, whatever the profile says (`nvml_mock_set_root`).
    pub fn set_root(&self, root: bool) -> Result<(), HookError> {
        let f = self.hook(hooks::SET_ROOT)?;
        // SAFETY: plain integer argument.
        Self::check(hooks::SET_ROOT, unsafe { f(c_int::from(root)) })
    }

    /// Overrides the system versions the profile reports (`nvml_mock_set_system_versions`):
    /// driver version, NVML version, CUDA driver version (e.g. 11040); `None` leaves that
    /// value unchanged. A negative CUDA version or a string holding a NUL fails with
    /// `NVML_ERROR_INVALID_ARGUMENT`.
    pub fn set_system_versions(
        &self,
        driver_version: Option<&str>,
        nvml_version: Option<&str>,
        cuda_driver_version: Option<i32>,
    ) -> Result<(), HookError> {
        let hook = hooks::SET_SYSTEM_VERSIONS;
        let cstring = |s: Option<&str>| s.map(|s| Self::c_string(hook, s)).transpose();
        let d = cstring(driver_version)?;
        let n = cstring(nvml_version)?;
        let ptr = |c: &Option<CString>| c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
        let cuda = match cuda_driver_version {
            Some(v) if v < 0 => {
                return Err(HookError::new(
                    hook.name(),
                    nvml_sys::NVML_ERROR_INVALID_ARGUMENT,
                ));
            }
            Some(v) => v,
            None => -1,
        };
        let f = self.hook(hook)?;
        // SAFETY: the strings are NUL-terminated or null and outlive the call.
        Self::check(hook, unsafe { f(ptr(&d), ptr(&n), cuda) })
    }

    /// Turns the dynamic mode on with a noise seed (`Some(seed)`) or off (`None`): readings
    /// move over time and agree with each other (`nvml_mock_set_dynamic`; see the README).
    /// Fails with `NVML_ERROR_UNINITIALIZED` before `nvmlInit`.
    pub fn set_dynamic(&self, seed: Option<u64>) -> Result<(), HookError> {
        let f = self.hook(hooks::SET_DYNAMIC)?;
        // SAFETY: plain integer arguments.
        Self::check(hooks::SET_DYNAMIC, unsafe {
            f(c_int::from(seed.is_some()), seed.unwrap_or(0))
        })
    }

    /// Stops the machine's clock (`true`: it moves only with [`Staged::advance_clock`]) or lets
    /// it run in real time again (`nvml_mock_set_virtual_clock`).
    pub fn set_virtual_clock(&self, on: bool) -> Result<(), HookError> {
        let f = self.hook(hooks::SET_VIRTUAL_CLOCK)?;
        // SAFETY: plain integer argument.
        Self::check(hooks::SET_VIRTUAL_CLOCK, unsafe { f(c_int::from(on)) })
    }

    /// Moves the virtual clock forward (`nvml_mock_advance_clock`, microsecond resolution).
    /// Fails with `NVML_ERROR_INVALID_STATE` while the clock is real.
    pub fn advance_clock(&self, by: std::time::Duration) -> Result<(), HookError> {
        let f = self.hook(hooks::ADVANCE_CLOCK)?;
        let us = u64::try_from(by.as_micros()).unwrap_or(u64::MAX);
        // SAFETY: plain integer argument.
        Self::check(hooks::ADVANCE_CLOCK, unsafe { f(us) })
    }

    /// Starts a compute process on GPU `device_index` (`nvml_mock_start_process`): it uses
    /// `used_memory_mib` MiB and, in dynamic mode, `load_percent` of the GPU.
    pub fn start_process(
        &self,
        device_index: u32,
        pid: u32,
        name: &str,
        load_percent: u32,
        used_memory_mib: u64,
    ) -> Result<(), HookError> {
        let c = Self::c_string(hooks::START_PROCESS, name)?;
        let f = self.hook(hooks::START_PROCESS)?;
        // SAFETY: `c` is a NUL-terminated string that outlives the call.
        Self::check(hooks::START_PROCESS, unsafe {
            f(device_index, pid, c.as_ptr(), load_percent, used_memory_mib)
        })
    }

    /// Stops process `pid` on GPU `device_index` (`nvml_mock_stop_process`).
    pub fn stop_process(&self, device_index: u32, pid: u32) -> Result<(), HookError> {
        let f = self.hook(hooks::STOP_PROCESS)?;
        // SAFETY: plain integer arguments.
        Self::check(hooks::STOP_PROCESS, unsafe { f(device_index, pid) })
    }

    /// Forces clocks event reasons on GPU `device_index` (`nvml_mock_set_throttle`): a mask of
    /// `nvmlClocksEventReasonSwPowerCap`, `..SwThermalSlowdown`,
    /// `nvmlClocksThrottleReasonHwSlowdown`, `..HwThermalSlowdown`, `..HwPowerBrakeSlowdown`;
    /// 0 clears them.
    pub fn set_throttle(&self, device_index: u32, reasons: u64) -> Result<(), HookError> {
        let f = self.hook(hooks::SET_THROTTLE)?;
        // SAFETY: plain integer arguments.
        Self::check(hooks::SET_THROTTLE, unsafe { f(device_index, reasons) })
    }

    /// Outstanding `nvmlInit` references of this copy (0: not initialised;
    /// `nvml_mock_init_refcount`).
    pub fn init_refcount(&self) -> Result<u32, HookError> {
        let f = self.hook(hooks::INIT_REFCOUNT)?;
        // SAFETY: no arguments.
        Ok(unsafe { f() })
    }

    /// The panics this copy caught at its C boundary so far, each answered
    /// `NVML_ERROR_UNKNOWN` (`nvml_mock_caught_panics`): 0 for a correct mock, whatever the
    /// profile.
    pub fn caught_panics(&self) -> Result<u32, HookError> {
        let f = self.hook(hooks::CAUGHT_PANICS)?;
        // SAFETY: no arguments.
        Ok(unsafe { f() })
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // The library stays mapped while anyone holds it; removing the file is harmless.
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The names the 470 driver exports (the checked-in list).
pub fn driver_470_exports() -> Vec<&'static str> {
    DRIVER_470_EXPORTS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn rd<const N: usize>(b: &[u8], at: usize) -> io::Result<[u8; N]> {
    b.get(at..at.saturating_add(N))
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "truncated ELF file"))
}

fn u16at(b: &[u8], at: usize) -> io::Result<usize> {
    Ok(u16::from_le_bytes(rd(b, at)?) as usize)
}

fn u32at(b: &[u8], at: usize) -> io::Result<usize> {
    Ok(u32::from_le_bytes(rd(b, at)?) as usize)
}

fn u64at(b: &[u8], at: usize) -> io::Result<usize> {
    usize::try_from(u64::from_le_bytes(rd(b, at)?))
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "ELF offset too large"))
}

/// Renames (in place, same length: first letter `n` -> `X`) every defined dynamic symbol for
/// which `hide` is true, so `dlsym` no longer finds it; returns their names. 64-bit
/// little-endian ELF only.
fn hide_symbols(elf: &mut [u8], hide: impl Fn(&str) -> bool) -> io::Result<Vec<String>> {
    let bad = |m: &str| io::Error::new(io::ErrorKind::InvalidData, m.to_string());
    if elf.get(..4) != Some(b"\x7fELF".as_slice())
        || elf.get(4) != Some(&2)
        || elf.get(5) != Some(&1)
    {
        return Err(bad("not a 64-bit little-endian ELF file"));
    }
    let shoff = u64at(elf, 0x28)?;
    let shentsize = u16at(elf, 0x3a)?;
    let shnum = u16at(elf, 0x3c)?;
    let sh = |i: usize| shoff.saturating_add(i.saturating_mul(shentsize));
    let mut dynsym = None;
    for i in 0..shnum {
        if u32at(elf, sh(i) + 4)? == 11 {
            dynsym = Some(i);
        }
    }
    let dynsym = dynsym.ok_or_else(|| bad("no .dynsym section"))?;
    let sym_off = u64at(elf, sh(dynsym) + 0x18)?;
    let sym_size = u64at(elf, sh(dynsym) + 0x20)?;
    let str_index = u32at(elf, sh(dynsym) + 0x28)?;
    let str_off = u64at(elf, sh(str_index) + 0x18)?;
    let str_size = u64at(elf, sh(str_index) + 0x20)?;
    let mut renames = Vec::new();
    for k in 0..sym_size / 24 {
        let at = sym_off + k * 24;
        let name_off = u32at(elf, at)?;
        let shndx = u16at(elf, at + 6)?;
        if shndx == 0 || name_off >= str_size {
            continue;
        }
        let start = str_off + name_off;
        let table = elf
            .get(start..str_off + str_size)
            .ok_or_else(|| bad("bad .dynstr"))?;
        let len = table
            .iter()
            .position(|b| *b == 0)
            .ok_or_else(|| bad("unterminated name"))?;
        let name = std::str::from_utf8(table.get(..len).unwrap_or_default()).unwrap_or("");
        if hide(name) {
            renames.push((start, name.to_owned()));
        }
    }
    for (at, _) in &renames {
        if let Some(b) = elf.get_mut(*at) {
            *b = b'X';
        }
    }
    Ok(renames.into_iter().map(|(_, name)| name).collect())
}
