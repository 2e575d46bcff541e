//! The less common queries: attributes, MIG device memory, fabric, versioned structs,
//! P-states, per-process utilization.

use std::ptr::null_mut;

use crate::support::*;

#[test]
fn mig_devices_report_their_instances_share() {
    let (staged, lib) = init("dgx-h100");
    staged.set_root(true).unwrap();
    let d = dev(&lib, 6);
    let mut attrs = nvmlDeviceAttributes_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetAttributes_v2(d, &mut attrs)),
        NVML_SUCCESS
    );
    assert_eq!(
        (attrs.multiprocessorCount, attrs.memorySizeMB),
        (132, 81_559)
    );

    let mut status = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceSetMigMode(d, NVML_DEVICE_MIG_ENABLE, &mut status)),
        NVML_SUCCESS
    );
    let mut info = nvmlGpuInstanceProfileInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfo(
            d,
            NVML_GPU_INSTANCE_PROFILE_2_SLICE,
            &mut info
        )),
        NVML_SUCCESS
    );
    let (mut gi, mut ci) = (null_mut(), null_mut());
    assert_eq!(
        nv!(lib.nvmlDeviceCreateGpuInstance(d, info.id, &mut gi)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlGpuInstanceCreateComputeInstance(
            gi,
            NVML_COMPUTE_INSTANCE_PROFILE_2_SLICE,
            &mut ci
        )),
        NVML_SUCCESS
    );
    let mut mig = null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetMigDeviceHandleByIndex(d, 0, &mut mig)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetAttributes_v2(mig, &mut attrs)),
        NVML_SUCCESS
    );
    assert_eq!(
        (
            attrs.multiprocessorCount,
            attrs.memorySizeMB,
            attrs.gpuInstanceSliceCount
        ),
        (32, 19_968, 2)
    );
    let mut m = nvmlMemory_t::default();
    assert_eq!(nv!(lib.nvmlDeviceGetMemoryInfo(mig, &mut m)), NVML_SUCCESS);
    assert_eq!(m.total, 19_968 * 1024 * 1024);
    assert_eq!(m.free + m.used, m.total);
    let (r, name) = get_string(*lib.nvmlDeviceGetName.as_ref().unwrap(), mig, 96);
    assert_eq!(
        (r, name.as_str()),
        (NVML_SUCCESS, "NVIDIA H100 80GB HBM3 MIG 2g.20gb")
    );
    // Whole-GPU queries are not for MIG devices.
    let mut p = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerUsage(mig, &mut p)),
        NVML_ERROR_NOT_SUPPORTED
    );
    // Once destroyed, the handle is unknown.
    assert_eq!(nv!(lib.nvmlComputeInstanceDestroy(ci)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlDeviceGetMemoryInfo(mig, &mut m)),
        NVML_ERROR_INVALID_ARGUMENT
    );
}

#[test]
fn hopper_reports_a_trained_fabric_and_ampere_none() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    // SAFETY: plain data.
    let mut f: nvmlGpuFabricInfo_t = unsafe { std::mem::zeroed() };
    assert_eq!(nv!(lib.nvmlDeviceGetGpuFabricInfo(d, &mut f)), NVML_SUCCESS);
    assert_eq!(
        (f.state, f.status),
        (
            NVML_GPU_FABRIC_STATE_COMPLETED as nvmlGpuFabricState_t,
            NVML_SUCCESS
        )
    );
    // A v2 caller's struct is shorter than v3: nothing past it is written.
    let mut buf = [0xabu8; 64];
    let v2 = nvmlGpuFabricInfo_v2;
    buf[..4].copy_from_slice(&v2.to_ne_bytes());
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuFabricInfoV(d, buf.as_mut_ptr().cast())),
        NVML_SUCCESS
    );
    let v2_size = (v2 & 0x00ff_ffff) as usize;
    assert!(
        buf[v2_size..].iter().all(|b| *b == 0xab),
        "v2 is {v2_size} bytes"
    );

    let (_s2, a100) = init("dgx-a100");
    let d = dev(&a100, 0);
    assert_eq!(
        nv!(a100.nvmlDeviceGetGpuFabricInfo(d, &mut f)),
        NVML_ERROR_NOT_SUPPORTED
    );
}

#[test]
fn versioned_structs_are_checked() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut t = nvmlTemperature_t {
        version: nvmlTemperature_v1,
        sensorType: NVML_TEMPERATURE_GPU,
        temperature: 0,
    };
    assert_eq!(nv!(lib.nvmlDeviceGetTemperatureV(d, &mut t)), NVML_SUCCESS);
    let mut plain = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTemperature(d, NVML_TEMPERATURE_GPU, &mut plain)),
        NVML_SUCCESS
    );
    assert_eq!(t.temperature as u32, plain);
    t.version = 7;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTemperatureV(d, &mut t)),
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH
    );

    let (_, uuid) = get_string(*lib.nvmlDeviceGetUUID.as_ref().unwrap(), dev(&lib, 5), 96);
    // SAFETY: plain data.
    let mut u: nvmlUUID_t = unsafe { std::mem::zeroed() };
    u.version = nvmlUUID_v1;
    u.type_ = NVML_UUID_TYPE_ASCII;
    for (i, b) in uuid.bytes().enumerate() {
        // SAFETY: writing the ASCII member of the union.
        unsafe { u.value.str_[i] = b as std::ffi::c_char };
    }
    let mut h = null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByUUIDV(&u, &mut h)),
        NVML_SUCCESS
    );
    assert_eq!(h, dev(&lib, 5));

    let mut b = nvmlSystemDriverBranchInfo_t {
        version: nvmlSystemDriverBranchInfo_v1,
        branch: [0; 80],
    };
    assert_eq!(nv!(lib.nvmlSystemGetDriverBranch(&mut b, 80)), NVML_SUCCESS);
    assert_eq!(cstr(&b.branch), "r580_00");
}

#[test]
fn pstates_violations_and_process_utilization() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut ps = [0u32; 16];
    assert_eq!(
        nv!(lib.nvmlDeviceGetSupportedPerformanceStates(d, ps.as_mut_ptr(), 16)),
        NVML_SUCCESS
    );
    assert_eq!(ps[0], NVML_PSTATE_0);
    assert!(ps[1..].iter().all(|p| *p == NVML_PSTATE_UNKNOWN));
    let (mut lo, mut hi) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetMinMaxClockOfPState(
            d,
            NVML_CLOCK_GRAPHICS,
            NVML_PSTATE_0,
            &mut lo,
            &mut hi
        )),
        NVML_SUCCESS
    );
    assert!(lo < hi && hi == 1980);
    let mut v = nvmlViolationTime_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetViolationStatus(d, NVML_PERF_POLICY_POWER, &mut v)),
        NVML_SUCCESS
    );
    assert!(v.violationTime <= v.referenceTime);

    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetProcessUtilization(d, null_mut(), &mut n, 0)),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    assert_eq!(n, 2);
    let mut samples = vec![nvmlProcessUtilizationSample_t::default(); n as usize];
    assert_eq!(
        nv!(lib.nvmlDeviceGetProcessUtilization(d, samples.as_mut_ptr(), &mut n, 0)),
        NVML_SUCCESS
    );
    let total: u32 = samples.iter().map(|s| s.smUtil).sum();
    assert!(total <= 100);
    let mut pids = 8u32;
    let mut procs = [nvmlProcessInfo_t::default(); 8];
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(d, &mut pids, procs.as_mut_ptr())),
        NVML_SUCCESS
    );
    for s in &samples {
        assert!(
            procs[..pids as usize].iter().any(|p| p.pid == s.pid),
            "samples are of running processes"
        );
    }
}

#[test]
fn encoder_statistics_answer_no_sessions_with_or_without_nvenc() {
    // A real H100 (no NVENC) answers 0 sessions, as its nvidia-smi -q -x shows.
    let (_s, lib) = init("dgx-h100");
    let (mut n, mut fps, mut lat) = (9, 9, 9);
    assert_eq!(
        nv!(lib.nvmlDeviceGetEncoderStats(dev(&lib, 0), &mut n, &mut fps, &mut lat)),
        NVML_SUCCESS
    );
    assert_eq!((n, fps, lat), (0, 0, 0));
    let mut fbc = nvmlFBCStats_t {
        sessionsCount: 9,
        averageFPS: 9,
        averageLatency: 9,
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetFBCStats(dev(&lib, 0), &mut fbc)),
        NVML_SUCCESS
    );
    assert_eq!(fbc.sessionsCount, 0);
    let (_w, ws) = init("workstation");
    assert_eq!(
        nv!(ws.nvmlDeviceGetEncoderStats(dev(&ws, 0), &mut n, &mut fps, &mut lat)),
        NVML_SUCCESS
    );
    assert_eq!((n, fps, lat), (0, 0, 0));
    assert_eq!(
        nv!(ws.nvmlDeviceGetEncoderSessions(dev(&ws, 0), &mut n, null_mut())),
        NVML_SUCCESS
    );
    assert_eq!(n, 0);
}
