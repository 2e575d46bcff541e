//! Initialisation, error strings and system queries.

use std::ffi::{c_char, c_int, c_uint};

use nvml_sys::*;

use crate::dispatch::{GLOBAL, lock};
use crate::handles::device_handle;
use crate::machine::Machine;
use crate::marshal::{fill_array, get, put, put_array, put_str};
use crate::profile;

/// Environment variable naming the profile: a built-in name or a path to a profile file.
pub const PROFILE_ENV: &str = "NVML_MOCK_PROFILE";

fn init(name: &'static str) -> nvmlReturn_t {
    let r = crate::dispatch::guard(name, || {
        let mut g = lock();
        if let Some(r) = g.fault(name) {
            return r;
        }
        if g.refcount > 0 {
            g.refcount = g.refcount.saturating_add(1);
            return NVML_SUCCESS;
        }
        let selected = match g.profile_override.clone() {
            Some(chosen) => chosen,
            None => match std::env::var(PROFILE_ENV) {
                Ok(s) if !s.is_empty() => s,
                Ok(_) | Err(std::env::VarError::NotPresent) => "dgx-h100".to_string(),
                // Not a silent fallback: the user asked for a profile this cannot name.
                Err(std::env::VarError::NotUnicode(raw)) => {
                    eprintln!("nvml-mock: nvmlInit failed: {PROFILE_ENV}={raw:?} is not UTF-8");
                    return NVML_ERROR_UNKNOWN;
                }
            },
        };
        // A parked machine from another profile selection is dropped: a new machine.
        if let Some((source, m)) = g.parked.take()
            && source == selected
        {
            g.machine = Some(m);
            g.refcount = 1;
            return NVML_SUCCESS;
        }
        match profile::load(&selected) {
            Ok(mut p) => {
                g.apply_versions(&mut p);
                g.machine = Some(Machine::new(p, selected));
                g.refcount = 1;
                NVML_SUCCESS
            }
            Err(e) => {
                eprintln!("nvml-mock: nvmlInit failed: {e}");
                NVML_ERROR_UNKNOWN
            }
        }
    });
    crate::dispatch::answer(name, r)
}

/// `nvmlInit_v2`: loads the selected profile on the first call; later calls count references.
#[allow(non_snake_case)]
pub extern "C" fn nvmlInit_v2() -> nvmlReturn_t {
    init("nvmlInit_v2")
}

/// `nvmlInit` (the v1 entry point): same as `nvmlInit_v2`.
#[allow(non_snake_case)]
pub extern "C" fn nvmlInit() -> nvmlReturn_t {
    init("nvmlInit")
}

/// `nvmlInitWithFlags`: flags are accepted and ignored.
#[allow(non_snake_case)]
pub extern "C" fn nvmlInitWithFlags(_flags: c_uint) -> nvmlReturn_t {
    init("nvmlInitWithFlags")
}

/// `nvmlShutdown`: drops one reference. After the last one every call is `UNINITIALIZED` and
/// event sets are gone; device settings (power limit, clocks, modes, MIG instances) stay, as
/// on real hardware, for the next `nvmlInit` with the same profile.
#[allow(non_snake_case)]
pub extern "C" fn nvmlShutdown() -> nvmlReturn_t {
    let r = crate::dispatch::guard("nvmlShutdown", || {
        let mut g = lock();
        if let Some(r) = g.fault("nvmlShutdown") {
            return r;
        }
        if g.refcount == 0 {
            return NVML_ERROR_UNINITIALIZED;
        }
        g.refcount -= 1;
        if g.refcount == 0 {
            if let Some(mut m) = g.machine.take() {
                m.event_sets.clear();
                m.system_event_sets.clear();
                g.parked = Some((m.source.clone(), m));
            }
            GLOBAL.events.notify_all();
        }
        NVML_SUCCESS
    });
    crate::dispatch::answer("nvmlShutdown", r)
}

/// `nvmlErrorString`: a static description of a return code (works without init).
#[allow(non_snake_case)]
pub extern "C" fn nvmlErrorString(result: nvmlReturn_t) -> *const c_char {
    error_text(result).as_ptr()
}

/// The description `nvmlErrorString` gives a return code (NVIDIA's wording).
pub(crate) fn error_text(result: nvmlReturn_t) -> &'static std::ffi::CStr {
    match result {
        NVML_SUCCESS => c"Success",
        NVML_ERROR_UNINITIALIZED => c"Uninitialized",
        NVML_ERROR_INVALID_ARGUMENT => c"Invalid Argument",
        NVML_ERROR_NOT_SUPPORTED => c"Not Supported",
        NVML_ERROR_NO_PERMISSION => c"Insufficient Permissions",
        NVML_ERROR_ALREADY_INITIALIZED => c"Already Initialized",
        NVML_ERROR_NOT_FOUND => c"Not Found",
        NVML_ERROR_INSUFFICIENT_SIZE => c"Insufficient Size",
        NVML_ERROR_INSUFFICIENT_POWER => c"Insufficient External Power",
        NVML_ERROR_DRIVER_NOT_LOADED => c"Driver Not Loaded",
        NVML_ERROR_TIMEOUT => c"Timeout",
        NVML_ERROR_IRQ_ISSUE => c"Interrupt request issue",
        NVML_ERROR_LIBRARY_NOT_FOUND => c"NVML Shared Library Not Found",
        NVML_ERROR_FUNCTION_NOT_FOUND => c"Function Not Found",
        NVML_ERROR_CORRUPTED_INFOROM => c"Corrupted infoROM",
        NVML_ERROR_GPU_IS_LOST => c"GPU is lost",
        NVML_ERROR_RESET_REQUIRED => c"GPU requires restart",
        NVML_ERROR_OPERATING_SYSTEM => c"The operating system has blocked the request.",
        NVML_ERROR_LIB_RM_VERSION_MISMATCH => c"RM has detected an NVML/RM version mismatch.",
        NVML_ERROR_IN_USE => c"In use by another client",
        NVML_ERROR_MEMORY => c"Insufficient Memory",
        NVML_ERROR_NO_DATA => c"No data",
        NVML_ERROR_VGPU_ECC_NOT_SUPPORTED => {
            c"The requested vgpu operation is not available on target device, because ECC is enabled"
        }
        NVML_ERROR_INSUFFICIENT_RESOURCES => c"Insufficient resources for request",
        NVML_ERROR_FREQ_NOT_SUPPORTED => c"Frequency not supported",
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH => c"Argument version mismatch",
        NVML_ERROR_DEPRECATED => c"Deprecated",
        NVML_ERROR_NOT_READY => c"Not Ready",
        NVML_ERROR_GPU_NOT_FOUND => c"GPU not found",
        NVML_ERROR_INVALID_STATE => c"Invalid state",
        NVML_ERROR_RESET_TYPE_NOT_SUPPORTED => c"Reset type not supported",
        _ => c"Unknown Error",
    }
}

export! {
    fn nvmlSystemGetDriverVersion(version: *mut c_char, length: c_uint) |c| {
        put_str(version, length, &c.m.profile.driver_version, c.hostile)
    }
    fn nvmlSystemGetNVMLVersion(version: *mut c_char, length: c_uint) |c| {
        put_str(version, length, &c.m.profile.nvml_version, c.hostile)
    }
    fn nvmlSystemGetCudaDriverVersion(cudaDriverVersion: *mut c_int) |c| {
        put(cudaDriverVersion, c.m.profile.cuda_driver_version)
    }
    fn nvmlSystemGetCudaDriverVersion_v2(cudaDriverVersion: *mut c_int) |c| {
        put(cudaDriverVersion, c.m.profile.cuda_driver_version)
    }
    fn nvmlSystemGetProcessName(pid: c_uint, name: *mut c_char, length: c_uint) |c| {
        let found = c
            .m
            .gpus
            .iter()
            .flat_map(|g| g.processes.iter())
            .find(|p| p.pid == pid)
            .map(|p| p.name.clone());
        match found {
            Some(n) => put_str(name, length, &n, c.hostile),
            None => Err(NVML_ERROR_NOT_FOUND),
        }
    }
    fn nvmlSystemGetTopologyGpuSet(cpuNumber: c_uint, count: *mut c_uint, deviceArray: *mut nvmlDevice_t) |c| {
        let node = c.m.cpus.node_of_cpu(cpuNumber);
        let Some(node) = node else { return Err(NVML_ERROR_INVALID_ARGUMENT) };
        let list: Vec<nvmlDevice_t> = c
            .m
            .gpus
            .iter()
            .enumerate()
            .filter(|(_, g)| g.spec().numa_node < 0 || g.spec().numa_node as usize == node)
            .map(|(i, _)| device_handle(i))
            .collect();
        put_array(count, deviceArray, &list, c.hostile)
    }
    fn nvmlGetExcludedDeviceCount(deviceCount: *mut c_uint) |c| {
        // At most MAX_GPUS: the loader checks.
        put(deviceCount, c.m.profile.excluded_gpus.len() as c_uint)
    }
    fn nvmlGetExcludedDeviceInfoByIndex(index: c_uint, info: *mut nvmlExcludedDeviceInfo_t) |c| {
        let Some(x) = c.m.profile.excluded_gpus.get(index as usize) else {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        };
        let mut out = nvmlExcludedDeviceInfo_t {
            pciInfo: nvmlPciInfo_t {
                domain: x.pci_domain,
                bus: x.pci_bus,
                device: x.pci_device,
                pciDeviceId: x.pci_device_id,
                pciSubSystemId: x.pci_subsystem_id,
                ..Default::default()
            },
            ..Default::default()
        };
        fill_array(&mut out.pciInfo.busIdLegacy, &x.bus_id_legacy());
        fill_array(&mut out.pciInfo.busId, &x.bus_id());
        fill_array(&mut out.uuid, &x.uuid);
        put(info, out)
    }
    fn nvmlSystemGetHicVersion(hwbcCount: *mut c_uint, hwbcEntries: *mut nvmlHwbcEntry_t) |c| {
        put_array(hwbcCount, hwbcEntries, &[], c.hostile)
    }
    fn nvmlSystemGetDriverBranch(branchInfo: *mut nvmlSystemDriverBranchInfo_t, length: c_uint) |c| {
        let mut b: nvmlSystemDriverBranchInfo_t = get(branchInfo)?;
        if b.version != nvmlSystemDriverBranchInfo_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let major = c.m.profile.driver_version.split('.').next().unwrap_or("0").to_string();
        let branch = format!("r{major}_00");
        if (length as usize) <= branch.len() {
            return Err(NVML_ERROR_INSUFFICIENT_SIZE);
        }
        fill_array(&mut b.branch, &branch);
        put(branchInfo, b)
    }
}

implemented!(
    nvmlInit_v2,
    nvmlInit,
    nvmlInitWithFlags,
    nvmlShutdown,
    nvmlErrorString
);
