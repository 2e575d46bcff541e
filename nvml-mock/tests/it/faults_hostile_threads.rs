//! Fault injection, hostile-data modes, and many threads at once.

use std::ffi::c_char;
use std::ptr::null_mut;
use std::sync::Arc;

use crate::support::*;
use nvml_mock::HostileModes;

#[test]
fn a_fault_makes_one_function_fail_until_cleared() {
    let (staged, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut p = 0u32;
    staged
        .set_fault("nvmlDeviceGetPowerUsage", NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerUsage(d, &mut p)),
        NVML_ERROR_GPU_IS_LOST
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut p)),
        NVML_SUCCESS,
        "only that function"
    );
    // Faults also hit unmodeled functions, and any code can be chosen, even unknown ones.
    staged
        .set_fault("nvmlDeviceGetBankRemapperStatus_v1", 4242)
        .unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceGetBankRemapperStatus_v1(d, null_mut())),
        4242
    );
    staged.clear_fault("nvmlDeviceGetPowerUsage").unwrap();
    assert_eq!(nv!(lib.nvmlDeviceGetPowerUsage(d, &mut p)), NVML_SUCCESS);
    staged.clear_faults().unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceGetBankRemapperStatus_v1(d, null_mut())),
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(
        staged
            .set_fault("nvmlNoSuchFunction", 1)
            .map_err(|e| e.code()),
        Err(NVML_ERROR_NOT_FOUND)
    );
}

#[test]
fn every_control_hook_the_library_exports_is_declared_in_hooks() {
    let staged = Staged::new().unwrap();
    let exported: Vec<String> = exports(staged.path())
        .into_iter()
        .filter(|name| name.starts_with("nvml_mock_"))
        .collect();
    let mut declared: Vec<&str> = nvml_mock::hooks::NAMES.to_vec();
    declared.sort_unstable();
    assert_eq!(exported, declared);
}

#[test]
fn a_hook_the_library_lacks_is_an_error_naming_it() {
    let staged = Staged::hiding(&["nvml_mock_set_root"]).unwrap();
    let err = staged.set_root(true).unwrap_err();
    assert_eq!(
        (err.hook(), err.code()),
        ("nvml_mock_set_root", NVML_ERROR_FUNCTION_NOT_FOUND)
    );
    assert_eq!(
        err.to_string(),
        "nvml_mock_set_root: the library does not export it (Function Not Found)"
    );
    // The other hooks still answer.
    staged
        .set_fault("nvmlDeviceGetCount_v2", NVML_ERROR_GPU_IS_LOST)
        .unwrap();
    // A function the mock does not export cannot be hidden.
    let err = Staged::hiding(&["nvmlNoSuchFunction"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the mock does not export nvmlNoSuchFunction"
    );
}

#[test]
fn init_itself_can_fail_like_a_machine_without_a_driver() {
    let staged = Staged::new().unwrap();
    let lib = load(&staged);
    staged
        .set_fault("nvmlInit_v2", NVML_ERROR_DRIVER_NOT_LOADED)
        .unwrap();
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_ERROR_DRIVER_NOT_LOADED);
    assert_eq!(staged.init_refcount(), Ok(0));
    staged.clear_faults().unwrap();
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
}

#[test]
fn oversized_counts_never_write_past_the_buffer() {
    let (staged, lib) = init("dgx-h100");
    staged
        .set_hostile(HostileModes {
            oversized_counts: true,
            ..Default::default()
        })
        .unwrap();
    let d = dev(&lib, 0);
    let guard = nvmlProcessInfo_t {
        pid: 0xdead,
        usedGpuMemory: 7,
        gpuInstanceId: 7,
        computeInstanceId: 7,
    };
    let mut buf = [guard; 4];
    let mut n = 1u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(d, &mut n, buf.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert!(n > 1, "reports more than the buffer holds: {n}");
    assert_ne!(buf[0].pid, 0xdead, "the entry that fits is written");
    assert!(
        buf[1..].iter().all(|p| p.pid == 0xdead),
        "nothing past the capacity is touched"
    );
}

#[test]
fn unterminated_strings_fill_exactly_the_buffer() {
    let (staged, lib) = init("dgx-h100");
    staged
        .set_hostile(HostileModes {
            unterminated_strings: true,
            ..Default::default()
        })
        .unwrap();
    let d = dev(&lib, 0);
    let mut buf = [b'#' as c_char; 24];
    assert_eq!(
        nv!(lib.nvmlDeviceGetName(d, buf.as_mut_ptr(), 16)),
        NVML_SUCCESS
    );
    assert!(
        buf[..16].iter().all(|c| *c != 0),
        "no NUL inside the buffer"
    );
    assert_eq!(
        &buf[..5].iter().map(|c| *c as u8).collect::<Vec<_>>(),
        b"NVIDI"
    );
    assert!(
        buf[16..].iter().all(|c| *c == b'#' as c_char),
        "nothing past the length is touched"
    );
    staged.set_hostile(HostileModes::default()).unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceGetName(d, buf.as_mut_ptr(), 24)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&buf), "NVIDIA H100 80GB HBM3");
}

#[test]
fn future_enums_are_values_past_the_header() {
    let (staged, lib) = init("dgx-h100");
    staged
        .set_hostile(HostileModes {
            future_enums: true,
            ..Default::default()
        })
        .unwrap();
    let d = dev(&lib, 0);
    let (mut brand, mut arch, mut pstate, mut mode) = (0, 0, 0, 0);
    assert_eq!(nv!(lib.nvmlDeviceGetBrand(d, &mut brand)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlDeviceGetArchitecture(d, &mut arch)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPerformanceState(d, &mut pstate)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeMode(d, &mut mode)),
        NVML_SUCCESS
    );
    assert!(brand >= NVML_BRAND_COUNT);
    assert!(arch > NVML_DEVICE_ARCH_NPU3 && arch != NVML_DEVICE_ARCH_UNKNOWN);
    assert!(pstate > NVML_PSTATE_15 && pstate != NVML_PSTATE_UNKNOWN);
    assert!(mode >= NVML_COMPUTEMODE_COUNT);
    let (mut bus, mut level, mut remote, mut p2p) = (0, 0, 0, 0);
    assert_eq!(nv!(lib.nvmlDeviceGetBusType(d, &mut bus)), NVML_SUCCESS);
    assert!(bus > NVML_BUS_TYPE_AGP);
    assert_eq!(
        nv!(lib.nvmlDeviceGetTopologyCommonAncestor(d, dev(&lib, 1), &mut level)),
        NVML_SUCCESS
    );
    assert!(level > NVML_TOPOLOGY_SYSTEM);
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkRemoteDeviceType(d, 0, &mut remote)),
        NVML_SUCCESS
    );
    assert!(remote > NVML_NVLINK_DEVICE_TYPE_SWITCH && remote != NVML_NVLINK_DEVICE_TYPE_UNKNOWN);
    assert_eq!(
        nv!(lib.nvmlDeviceGetP2PStatus(d, dev(&lib, 1), 0, &mut p2p)),
        NVML_SUCCESS
    );
    assert!(p2p > NVML_P2P_STATUS_UNKNOWN);
}

#[test]
fn many_threads_at_once() {
    let (staged, lib) = init("dgx-h100");
    staged.set_root(true).unwrap();
    let lib = Arc::new(lib);
    let mut threads = Vec::new();
    for t in 0..12u32 {
        let lib = Arc::clone(&lib);
        threads.push(std::thread::spawn(move || {
            for k in 0..300u32 {
                let d = dev(&lib, (t + k) % 8);
                match (t + k) % 6 {
                    0 => {
                        let mut m = nvmlMemory_t::default();
                        assert_eq!(nv!(lib.nvmlDeviceGetMemoryInfo(d, &mut m)), NVML_SUCCESS);
                        assert_eq!(m.free + m.used, m.total);
                    }
                    1 => {
                        let limit = 300_000 + 1000 * (k % 100);
                        assert_eq!(
                            nv!(lib.nvmlDeviceSetPowerManagementLimit(d, limit)),
                            NVML_SUCCESS
                        );
                        let mut got = 0u32;
                        assert_eq!(
                            nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut got)),
                            NVML_SUCCESS
                        );
                        assert!((300_000..=700_000).contains(&got));
                    }
                    2 => {
                        // Balanced init/shutdown pairs from many threads.
                        assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
                        assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
                    }
                    3 => {
                        let mut set = null_mut();
                        assert_eq!(nv!(lib.nvmlEventSetCreate(&mut set)), NVML_SUCCESS);
                        assert_eq!(
                            nv!(lib.nvmlDeviceRegisterEvents(
                                d,
                                u64::from(nvmlEventTypeXidCriticalError),
                                set
                            )),
                            NVML_SUCCESS
                        );
                        // SAFETY: plain data.
                        let mut data: nvmlEventData_t = unsafe { std::mem::zeroed() };
                        let r = nv!(lib.nvmlEventSetWait_v2(set, &mut data, 1));
                        assert!(r == NVML_SUCCESS || r == NVML_ERROR_TIMEOUT);
                        assert_eq!(nv!(lib.nvmlEventSetFree(set)), NVML_SUCCESS);
                    }
                    4 => {
                        let mut n = 8u32;
                        let mut procs = [nvmlProcessInfo_t::default(); 8];
                        assert_eq!(
                            nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(
                                d,
                                &mut n,
                                procs.as_mut_ptr()
                            )),
                            NVML_SUCCESS
                        );
                    }
                    _ => {
                        let (r, name) = get_string(*lib.nvmlDeviceGetName.as_ref().unwrap(), d, 96);
                        assert_eq!((r, name.as_str()), (NVML_SUCCESS, "NVIDIA H100 80GB HBM3"));
                    }
                }
            }
        }));
    }
    for k in 0..200u64 {
        staged.inject_xid((k % 8) as u32, 31).unwrap();
    }
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        staged.init_refcount(),
        Ok(1),
        "every init was matched by a shutdown"
    );
}
