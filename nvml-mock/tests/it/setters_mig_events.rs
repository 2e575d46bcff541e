//! Setters change what later getters return; privileged ones need root; MIG instances and
//! events behave like the real library's.

use std::ptr::null_mut;
use std::time::{Duration, Instant};

use crate::support::*;

#[test]
fn privileged_setters_need_root() {
    let (staged, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceSetPersistenceMode(d, NVML_FEATURE_DISABLED)),
        NVML_ERROR_NO_PERMISSION
    );
    assert_eq!(
        nv!(lib.nvmlDeviceSetComputeMode(d, NVML_COMPUTEMODE_PROHIBITED)),
        NVML_ERROR_NO_PERMISSION
    );
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(d, 500_000)),
        NVML_ERROR_NO_PERMISSION
    );
    assert_eq!(
        nv!(lib.nvmlDeviceSetApplicationsClocks(d, 2619, 1500)),
        NVML_ERROR_NO_PERMISSION
    );
    assert_eq!(
        nv!(lib.nvmlDeviceSetEccMode(d, NVML_FEATURE_DISABLED)),
        NVML_ERROR_NO_PERMISSION
    );
    let mut status = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceSetMigMode(d, NVML_DEVICE_MIG_ENABLE, &mut status)),
        NVML_ERROR_NO_PERMISSION
    );
    // Nothing changed.
    let mut limit = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut limit)),
        NVML_SUCCESS
    );
    assert_eq!(limit, 700_000);
    // A bad handle is still INVALID_ARGUMENT, before the permission check.
    let bogus = 8usize as nvmlDevice_t;
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(bogus, 500_000)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    staged.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(d, 500_000)),
        NVML_SUCCESS
    );
}

#[test]
fn setters_change_what_getters_return() {
    let (staged, lib) = init("dgx-h100");
    staged.set_root(true).unwrap();
    let d = dev(&lib, 2);
    let mut v = 0u32;

    assert_eq!(
        nv!(lib.nvmlDeviceSetPersistenceMode(d, NVML_FEATURE_DISABLED)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPersistenceMode(d, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, NVML_FEATURE_DISABLED);

    assert_eq!(
        nv!(lib.nvmlDeviceSetComputeMode(d, NVML_COMPUTEMODE_EXCLUSIVE_PROCESS)),
        NVML_SUCCESS
    );
    assert_eq!(nv!(lib.nvmlDeviceGetComputeMode(d, &mut v)), NVML_SUCCESS);
    assert_eq!(v, NVML_COMPUTEMODE_EXCLUSIVE_PROCESS);
    assert_eq!(
        nv!(lib.nvmlDeviceSetComputeMode(d, 42)),
        NVML_ERROR_INVALID_ARGUMENT
    );

    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(d, 450_000)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 450_000);
    assert_eq!(
        nv!(lib.nvmlDeviceGetEnforcedPowerLimit(d, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 450_000);
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(d, 900_000)),
        NVML_ERROR_INVALID_ARGUMENT,
        "above max"
    );
    let mut pv = nvmlPowerValue_v2_t {
        version: nvmlPowerValue_v2,
        powerScope: 0,
        powerValueMw: 600_000,
    };
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit_v2(d, &mut pv)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 600_000);

    assert_eq!(
        nv!(lib.nvmlDeviceSetApplicationsClocks(d, 2619, 1500)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetApplicationsClock(d, NVML_CLOCK_GRAPHICS, &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 1500);
    assert_eq!(
        nv!(lib.nvmlDeviceSetApplicationsClocks(d, 2619, 1501)),
        NVML_ERROR_INVALID_ARGUMENT,
        "not a supported clock"
    );
    assert_eq!(nv!(lib.nvmlDeviceResetApplicationsClocks(d)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlDeviceGetApplicationsClock(d, NVML_CLOCK_GRAPHICS, &mut v)),
        NVML_SUCCESS
    );
    // Back to the default: 1980 MHz on an H100 SXM (captures/qx-h100.xml,
    // default_applications_clocks).
    assert_eq!(v, 1980);

    // ECC: only the pending mode changes (a reboot would apply it).
    assert_eq!(
        nv!(lib.nvmlDeviceSetEccMode(d, NVML_FEATURE_DISABLED)),
        NVML_SUCCESS
    );
    let (mut cur, mut pend) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetEccMode(d, &mut cur, &mut pend)),
        NVML_SUCCESS
    );
    assert_eq!((cur, pend), (NVML_FEATURE_ENABLED, NVML_FEATURE_DISABLED));

    // Other GPUs are untouched.
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(dev(&lib, 3), &mut v)),
        NVML_SUCCESS
    );
    assert_eq!(v, 700_000);
}

#[test]
fn the_profile_can_make_the_caller_root() {
    let dir = std::env::temp_dir().join(format!("nvml-mock-root-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("root.json");
    std::fs::write(&file, r#"{"base": "workstation", "root": true}"#).unwrap();
    let (_s, lib) = init(file.to_str().unwrap());
    let d = dev(&lib, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceSetPersistenceMode(d, NVML_FEATURE_ENABLED)),
        NVML_SUCCESS
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn gi_profile_id(lib: &NvmlLib, d: nvmlDevice_t, profile: u32) -> nvmlGpuInstanceProfileInfo_t {
    let mut info = nvmlGpuInstanceProfileInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfo(d, profile, &mut info)),
        NVML_SUCCESS
    );
    info
}

#[test]
fn mig_instances_follow_the_h100_tables() {
    let (staged, lib) = init("dgx-h100");
    staged.set_root(true).unwrap();
    let d = dev(&lib, 4);
    let mut gi = null_mut();
    let one = gi_profile_id(&lib, d, NVML_GPU_INSTANCE_PROFILE_1_SLICE);
    assert_eq!(
        (
            one.id,
            one.instanceCount,
            one.multiprocessorCount,
            one.memorySizeMB
        ),
        (19, 7, 16, 9856)
    );
    let full = gi_profile_id(&lib, d, NVML_GPU_INSTANCE_PROFILE_7_SLICE);
    assert_eq!((full.id, full.sliceCount, full.instanceCount), (0, 7, 1));
    // Profiles newer than the table: NOT_SUPPORTED; out of range: INVALID_ARGUMENT.
    let mut info = nvmlGpuInstanceProfileInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfo(
            d,
            NVML_GPU_INSTANCE_PROFILE_8_SLICE,
            &mut info
        )),
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfo(d, 99, &mut info)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    // The versioned query answers only with MIG mode on (nvml.h: NOT_SUPPORTED "if device
    // doesn't have MIG mode enabled"); the plain one above only needs MIG support.
    let mut v2 = nvmlGpuInstanceProfileInfo_v2_t {
        version: nvmlGpuInstanceProfileInfo_v2,
        ..Default::default()
    };
    for rc in [
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfoV(
            d,
            NVML_GPU_INSTANCE_PROFILE_3_SLICE,
            &mut v2
        )),
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfoByIdV(d, 9, &mut v2)),
    ] {
        assert_eq!(rc, NVML_ERROR_NOT_SUPPORTED);
    }

    // MIG is off: no instances can be created.
    assert_eq!(
        nv!(lib.nvmlDeviceCreateGpuInstance(d, one.id, &mut gi)),
        NVML_ERROR_NOT_SUPPORTED
    );
    let mut status = 99u32;
    assert_eq!(
        nv!(lib.nvmlDeviceSetMigMode(d, NVML_DEVICE_MIG_ENABLE, &mut status)),
        NVML_SUCCESS
    );
    assert_eq!(status, NVML_SUCCESS);
    let (mut cur, mut pend) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetMigMode(d, &mut cur, &mut pend)),
        NVML_SUCCESS
    );
    assert_eq!(
        (cur, pend),
        (NVML_DEVICE_MIG_ENABLE, NVML_DEVICE_MIG_ENABLE)
    );

    let mut v2 = nvmlGpuInstanceProfileInfo_v2_t {
        version: nvmlGpuInstanceProfileInfo_v2,
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfoV(
            d,
            NVML_GPU_INSTANCE_PROFILE_3_SLICE,
            &mut v2
        )),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&v2.name), "MIG 3g.40gb");

    // Placements of 3g.40gb: slices 0 and 4.
    let three = gi_profile_id(&lib, d, NVML_GPU_INSTANCE_PROFILE_3_SLICE);
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstancePossiblePlacements_v2(d, three.id, null_mut(), &mut n)),
        NVML_SUCCESS
    );
    let mut pl = vec![nvmlGpuInstancePlacement_t::default(); n as usize];
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstancePossiblePlacements_v2(
            d,
            three.id,
            pl.as_mut_ptr(),
            &mut n
        )),
        NVML_SUCCESS
    );
    assert_eq!(
        pl.iter().map(|p| (p.start, p.size)).collect::<Vec<_>>(),
        [(0, 4), (4, 4)]
    );
    let mut cap = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceRemainingCapacity(d, three.id, &mut cap)),
        NVML_SUCCESS
    );
    assert_eq!(cap, 2);

    // Two 3g.40gb fill the GPU; a third and a 1g do not fit.
    let (mut a, mut b) = (null_mut(), null_mut());
    assert_eq!(
        nv!(lib.nvmlDeviceCreateGpuInstance(d, three.id, &mut a)),
        NVML_SUCCESS
    );
    let place = nvmlGpuInstancePlacement_t { start: 4, size: 4 };
    assert_eq!(
        nv!(lib.nvmlDeviceCreateGpuInstanceWithPlacement(d, three.id, &place, &mut b)),
        NVML_SUCCESS
    );
    assert_ne!(a, b);
    assert_eq!(
        nv!(lib.nvmlDeviceCreateGpuInstance(d, three.id, &mut gi)),
        NVML_ERROR_INSUFFICIENT_RESOURCES
    );
    assert_eq!(
        nv!(lib.nvmlDeviceCreateGpuInstance(d, one.id, &mut gi)),
        NVML_ERROR_INSUFFICIENT_RESOURCES
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceRemainingCapacity(d, three.id, &mut cap)),
        NVML_SUCCESS
    );
    assert_eq!(cap, 0);

    let mut list = vec![null_mut(); three.instanceCount as usize];
    let mut count = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstances(d, three.id, list.as_mut_ptr(), &mut count)),
        NVML_SUCCESS
    );
    assert_eq!(count, 2);
    assert!(list.contains(&a) && list.contains(&b));
    let mut info = nvmlGpuInstanceInfo_t::default();
    assert_eq!(nv!(lib.nvmlGpuInstanceGetInfo(b, &mut info)), NVML_SUCCESS);
    assert_eq!(
        (
            info.device,
            info.profileId,
            info.placement.start,
            info.placement.size
        ),
        (d, three.id, 4, 4)
    );
    let mut again = null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceById(d, info.id, &mut again)),
        NVML_SUCCESS
    );
    assert_eq!(again, b);

    // Compute instances inside `a`: 3 compute slices -> three 1c or one 3c.
    let mut ci_info = nvmlComputeInstanceProfileInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlGpuInstanceGetComputeInstanceProfileInfo(
            a,
            NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
            0,
            &mut ci_info
        )),
        NVML_SUCCESS
    );
    assert_eq!(
        (
            ci_info.sliceCount,
            ci_info.instanceCount,
            ci_info.multiprocessorCount
        ),
        (1, 3, 20)
    );
    let (mut c1, mut c2) = (null_mut(), null_mut());
    assert_eq!(
        nv!(lib.nvmlGpuInstanceCreateComputeInstance(
            a,
            NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
            &mut c1
        )),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlGpuInstanceCreateComputeInstance(
            a,
            NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
            &mut c2
        )),
        NVML_SUCCESS
    );
    let mut full_ci = null_mut();
    assert_eq!(
        nv!(lib.nvmlGpuInstanceCreateComputeInstance(
            b,
            NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE,
            &mut full_ci
        )),
        NVML_SUCCESS
    );
    let mut left = 0u32;
    assert_eq!(
        nv!(lib.nvmlGpuInstanceGetComputeInstanceRemainingCapacity(
            a,
            NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
            &mut left
        )),
        NVML_SUCCESS
    );
    assert_eq!(left, 1);
    let mut cinfo = nvmlComputeInstanceInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlComputeInstanceGetInfo_v2(c2, &mut cinfo)),
        NVML_SUCCESS
    );
    assert_eq!(
        (cinfo.device, cinfo.gpuInstance, cinfo.placement.start),
        (d, a, 1)
    );

    // Three MIG devices now exist; each maps back to its parent and instance ids.
    let mut max = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetMaxMigDeviceCount(d, &mut max)),
        NVML_SUCCESS
    );
    assert_eq!(max, 7);
    let mut seen = Vec::new();
    for i in 0..3 {
        let mut m = null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceGetMigDeviceHandleByIndex(d, i, &mut m)),
            NVML_SUCCESS
        );
        let mut is_mig = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceIsMigDeviceHandle(m, &mut is_mig)),
            NVML_SUCCESS
        );
        assert_eq!(is_mig, 1);
        let mut parent = null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceGetDeviceHandleFromMigDeviceHandle(m, &mut parent)),
            NVML_SUCCESS
        );
        assert_eq!(parent, d);
        let (mut gid, mut cid) = (0, 0);
        assert_eq!(
            nv!(lib.nvmlDeviceGetGpuInstanceId(m, &mut gid)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetComputeInstanceId(m, &mut cid)),
            NVML_SUCCESS
        );
        seen.push((gid, cid));
        let (r, uuid) = get_string(*lib.nvmlDeviceGetUUID.as_ref().unwrap(), m, 96);
        assert_eq!(r, NVML_SUCCESS);
        assert!(uuid.starts_with("MIG-"), "{uuid}");
    }
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 3);
    let mut m = null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetMigDeviceHandleByIndex(d, 3, &mut m)),
        NVML_ERROR_NOT_FOUND
    );
    let mut is_mig = 9u32;
    assert_eq!(
        nv!(lib.nvmlDeviceIsMigDeviceHandle(d, &mut is_mig)),
        NVML_SUCCESS
    );
    assert_eq!(is_mig, 0);

    // Destroy: a GPU instance with compute instances is in use; MIG cannot be disabled while
    // GPU instances exist.
    assert_eq!(nv!(lib.nvmlGpuInstanceDestroy(a)), NVML_ERROR_IN_USE);
    assert_eq!(
        nv!(lib.nvmlDeviceSetMigMode(d, NVML_DEVICE_MIG_DISABLE, &mut status)),
        NVML_ERROR_IN_USE
    );
    for ci in [c1, c2, full_ci] {
        assert_eq!(nv!(lib.nvmlComputeInstanceDestroy(ci)), NVML_SUCCESS);
    }
    assert_eq!(
        nv!(lib.nvmlComputeInstanceDestroy(c1)),
        NVML_ERROR_INVALID_ARGUMENT,
        "already gone"
    );
    for g in [a, b] {
        assert_eq!(nv!(lib.nvmlGpuInstanceDestroy(g)), NVML_SUCCESS);
    }
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceRemainingCapacity(d, one.id, &mut cap)),
        NVML_SUCCESS
    );
    assert_eq!(cap, 7);
    assert_eq!(
        nv!(lib.nvmlDeviceSetMigMode(d, NVML_DEVICE_MIG_DISABLE, &mut status)),
        NVML_SUCCESS
    );
}

#[test]
fn a100_has_its_own_mig_table() {
    let (_s, lib) = init("dgx-a100");
    let d = dev(&lib, 0);
    let seven = gi_profile_id(&lib, d, NVML_GPU_INSTANCE_PROFILE_7_SLICE);
    assert_eq!((seven.multiprocessorCount, seven.memorySizeMB), (98, 80384));
    let mut arch = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetArchitecture(d, &mut arch)),
        NVML_SUCCESS
    );
    assert_eq!(arch, NVML_DEVICE_ARCH_AMPERE);
}

#[test]
fn events_are_delivered_to_registered_sets_and_waits_time_out() {
    let (staged, lib) = init("dgx-h100");
    let mut set = null_mut();
    assert_eq!(nv!(lib.nvmlEventSetCreate(&mut set)), NVML_SUCCESS);
    let d3 = dev(&lib, 3);
    let mut supported = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetSupportedEventTypes(d3, &mut supported)),
        NVML_SUCCESS
    );
    assert_ne!(supported & u64::from(nvmlEventTypeXidCriticalError), 0);
    assert_eq!(
        nv!(lib.nvmlDeviceRegisterEvents(d3, u64::from(nvmlEventTypeXidCriticalError), set)),
        NVML_SUCCESS
    );

    // Nothing queued: the wait times out after about the given time.
    // SAFETY: plain data.
    let mut data: nvmlEventData_t = unsafe { std::mem::zeroed() };
    let t = Instant::now();
    assert_eq!(
        nv!(lib.nvmlEventSetWait_v2(set, &mut data, 50)),
        NVML_ERROR_TIMEOUT
    );
    assert!(t.elapsed() >= Duration::from_millis(45));

    // Events on other GPUs or of unregistered types do not reach the set.
    staged.inject_xid(2, 79).unwrap();
    staged
        .inject_event(3, u64::from(nvmlEventTypePState), 0)
        .unwrap();
    assert_eq!(
        nv!(lib.nvmlEventSetWait_v2(set, &mut data, 0)),
        NVML_ERROR_TIMEOUT
    );

    staged.inject_xid(3, 79).unwrap();
    assert_eq!(
        nv!(lib.nvmlEventSetWait_v2(set, &mut data, 0)),
        NVML_SUCCESS
    );
    assert_eq!(
        (data.device, data.eventType, data.eventData),
        (d3, u64::from(nvmlEventTypeXidCriticalError), 79)
    );

    // A waiting thread wakes up when an event is injected.
    let injector = std::thread::spawn({
        let path = staged.path().to_path_buf();
        move || {
            std::thread::sleep(Duration::from_millis(30));
            // The same path in the same process: the same loaded copy of the mock.
            // SAFETY: loading the staged mock.
            let same = unsafe { libloading::Library::new(&path) }.unwrap();
            // SAFETY: `same` is the staged mock.
            let hook = unsafe { nvml_mock::hooks::INJECT_EVENT.get(&same) }.unwrap();
            // SAFETY: plain integers.
            let r = unsafe { hook(3, u64::from(nvmlEventTypeXidCriticalError), 48) };
            assert_eq!(r, NVML_SUCCESS);
        }
    });
    let t = Instant::now();
    assert_eq!(
        nv!(lib.nvmlEventSetWait_v2(set, &mut data, 5_000)),
        NVML_SUCCESS
    );
    assert!(t.elapsed() < Duration::from_secs(4));
    assert_eq!(data.eventData, 48);
    injector.join().unwrap();

    assert_eq!(nv!(lib.nvmlEventSetFree(set)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlEventSetWait_v2(set, &mut data, 0)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        staged.inject_xid(8, 1).map_err(|e| e.code()),
        Err(NVML_ERROR_INVALID_ARGUMENT)
    );
}

#[test]
fn the_nvml_13_wait_reports_event_bits_with_the_gpu_uuid() {
    let (staged, lib) = init("dgx-h100");
    let mut set = null_mut();
    assert_eq!(nv!(lib.nvmlEventSetCreate(&mut set)), NVML_SUCCESS);
    let d = dev(&lib, 6);
    assert_eq!(
        nv!(lib.nvmlDeviceRegisterEvents(d, u64::from(nvmlEventTypeXidCriticalError), set)),
        NVML_SUCCESS
    );
    // SAFETY: plain data.
    let mut p: nvmlEventSetWait_v3_t = unsafe { std::mem::zeroed() };
    p.timeoutMs = 20;
    assert_eq!(
        nv!(lib.nvmlEventSetWait_v3(set, &mut p)),
        NVML_ERROR_TIMEOUT
    );
    staged.inject_xid(6, 94).unwrap();
    assert_eq!(nv!(lib.nvmlEventSetWait_v3(set, &mut p)), NVML_SUCCESS);
    let (_, uuid) = get_string(*lib.nvmlDeviceGetUUID.as_ref().unwrap(), d, 96);
    assert_eq!(cstr(&p.uuid), uuid);
    assert_eq!(
        (p.dataType, p.eventType, p.eventData),
        (
            NVML_EVENT_DATA_TYPE_NVML_EVENT,
            u64::from(nvmlEventTypeXidCriticalError),
            94
        )
    );
    assert_eq!(
        (p.gpuInstanceId, p.computeInstanceId),
        (NVML_GPU_INSTANCE_ID_ANY, NVML_COMPUTE_INSTANCE_ID_ANY)
    );
    assert!(
        p.timestampUsec > 1_600_000_000_000_000,
        "wall-clock microseconds"
    );
    assert_eq!(
        nv!(lib.nvmlEventSetWait_v3(set, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(nv!(lib.nvmlEventSetFree(set)), NVML_SUCCESS);
}

#[test]
fn event_types_the_gpu_lacks_are_not_supported() {
    let (_s, lib) = init("workstation");
    let mut set = null_mut();
    assert_eq!(nv!(lib.nvmlEventSetCreate(&mut set)), NVML_SUCCESS);
    let d = dev(&lib, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceRegisterEvents(d, u64::from(nvmlEventTypeDoubleBitEccError), set)),
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(nv!(lib.nvmlEventSetFree(set)), NVML_SUCCESS);
}
