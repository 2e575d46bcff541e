//! The `vgpu-host` profile: vGPU types, supported and creatable types and placements, active
//! VMs, scheduler, versions and utilization; and bare-metal answers on `dgx-h100`.

use std::ffi::c_char;
use std::ptr::null_mut;

use crate::support::*;
use nvml_mock::profile;

const INVALID: u32 = 0xFFFF_FFFF;

fn type_ids(lib: &NvmlLib, d: nvmlDevice_t, creatable: bool) -> Vec<u32> {
    let mut n = 0u32;
    let f = if creatable {
        lib.nvmlDeviceGetCreatableVgpus.as_ref().unwrap()
    } else {
        lib.nvmlDeviceGetSupportedVgpus.as_ref().unwrap()
    };
    // SAFETY: count query with a null buffer, then a buffer of the reported size.
    let r = unsafe { f(d, &mut n, null_mut()) };
    assert!(
        r == NVML_SUCCESS || r == NVML_ERROR_INSUFFICIENT_SIZE,
        "{r}"
    );
    let mut ids = vec![0u32; n as usize];
    // SAFETY: `ids` holds `n` entries.
    assert_eq!(unsafe { f(d, &mut n, ids.as_mut_ptr()) }, NVML_SUCCESS);
    ids.truncate(n as usize);
    ids
}

fn active(lib: &NvmlLib, d: nvmlDevice_t) -> Vec<u32> {
    let mut n = 0u32;
    let r = nv!(lib.nvmlDeviceGetActiveVgpus(d, &mut n, null_mut()));
    assert!(r == NVML_SUCCESS || r == NVML_ERROR_INSUFFICIENT_SIZE);
    let mut ids = vec![0u32; n as usize];
    assert_eq!(
        nv!(lib.nvmlDeviceGetActiveVgpus(d, &mut n, ids.as_mut_ptr())),
        NVML_SUCCESS
    );
    ids
}

fn type_name(lib: &NvmlLib, t: u32) -> String {
    let mut buf = [0 as c_char; 64];
    let mut size = 64u32;
    assert_eq!(
        nv!(lib.nvmlVgpuTypeGetName(t, buf.as_mut_ptr(), &mut size)),
        NVML_SUCCESS
    );
    cstr(&buf)
}

fn fb(lib: &NvmlLib, t: u32) -> u64 {
    let mut v = 0u64;
    assert_eq!(
        nv!(lib.nvmlVgpuTypeGetFramebufferSize(t, &mut v)),
        NVML_SUCCESS
    );
    v
}

fn placements(
    lib: &NvmlLib,
    d: nvmlDevice_t,
    t: u32,
    creatable: bool,
) -> (nvmlReturn_t, u32, Vec<u32>) {
    let mut ids = [0u32; 32];
    let mut l = nvmlVgpuPlacementList_t {
        version: nvmlVgpuPlacementList_v2,
        count: 32,
        placementIds: ids.as_mut_ptr(),
        mode: NVML_VGPU_PGPU_HETEROGENEOUS_MODE,
        ..Default::default()
    };
    let r = if creatable {
        nv!(lib.nvmlDeviceGetVgpuTypeCreatablePlacements(d, t, &mut l))
    } else {
        nv!(lib.nvmlDeviceGetVgpuTypeSupportedPlacements(d, t, &mut l))
    };
    let n = if r == NVML_SUCCESS {
        l.count as usize
    } else {
        0
    };
    (r, l.placementSize, ids[..n].to_vec())
}

#[test]
fn host_gpus_are_h100_pcie_in_host_vgpu_mode_with_the_h100_type_table() {
    let (_s, lib) = init("vgpu-host");
    let mut n = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
    assert_eq!(n, 2);
    let d = dev(&lib, 0);
    let (_, name) = get_string(*lib.nvmlDeviceGetName.as_ref().unwrap(), d, 96);
    assert_eq!(name, "NVIDIA H100 PCIe");
    let mut mode = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetVirtualizationMode(d, &mut mode)),
        NVML_SUCCESS
    );
    assert_eq!(mode, NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU);
    assert_eq!(
        nv!(lib.nvmlDeviceGetHostVgpuMode(d, &mut mode)),
        NVML_SUCCESS
    );
    assert_eq!(mode, NVML_HOST_VGPU_MODE_SRIOV);

    let supported = type_ids(&lib, d, false);
    let names: Vec<String> = supported.iter().map(|&t| type_name(&lib, t)).collect();
    assert_eq!(
        names,
        [
            "NVIDIA H100-4C",
            "NVIDIA H100-5C",
            "NVIDIA H100-8C",
            "NVIDIA H100-10C",
            "NVIDIA H100-16C",
            "NVIDIA H100-20C",
            "NVIDIA H100-40C",
            "NVIDIA H100-80C"
        ]
    );
    let mut mem = nvmlMemory_t::default();
    assert_eq!(nv!(lib.nvmlDeviceGetMemoryInfo(d, &mut mem)), NVML_SUCCESS);
    for &t in &supported {
        let mut buf = [0 as c_char; 64];
        let mut size = 64u32;
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetClass(t, buf.as_mut_ptr(), &mut size)),
            NVML_SUCCESS
        );
        assert_eq!(cstr(&buf), "Compute");
        let mut max = 0u32;
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetMaxInstances(d, t, &mut max)),
            NVML_SUCCESS
        );
        // max instances x framebuffer fills the 80 GiB board, never more than it has.
        assert_eq!(fb(&lib, t) * u64::from(max), 80 << 30);
        assert!(fb(&lib, t) <= 80 << 30 && mem.total > 79 << 30);
        let mut gi = 0u32;
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetGpuInstanceProfileId(t, &mut gi)),
            NVML_SUCCESS
        );
        assert_eq!(
            gi, INVALID,
            "time-sliced types have no GPU instance profile"
        );
        let (mut dev_id, mut sub) = (0u64, 0u64);
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetDeviceID(t, &mut dev_id, &mut sub)),
            NVML_SUCCESS
        );
        assert_eq!(dev_id, 0x2331_10de);
        let (mut x, mut y, mut heads) = (0u32, 0u32, 0u32);
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetNumDisplayHeads(t, &mut heads)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetResolution(t, 0, &mut x, &mut y)),
            NVML_SUCCESS
        );
        assert_eq!((heads, x, y), (1, 4096, 2160));
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetResolution(t, 1, &mut x, &mut y)),
            NVML_ERROR_INVALID_ARGUMENT
        );
        let mut fps = 0u32;
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetFrameRateLimit(t, &mut fps)),
            NVML_ERROR_NOT_SUPPORTED,
            "the frame rate limiter is off for C-series types"
        );
        let mut lic = [0 as c_char; 128];
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetLicense(t, lic.as_mut_ptr(), 128)),
            NVML_SUCCESS
        );
        assert!(cstr(&lic).starts_with("NVIDIA-vComputeServer"));
        let mut bar1 = nvmlVgpuTypeBar1Info_t {
            version: nvmlVgpuTypeBar1Info_v1,
            ..Default::default()
        };
        assert_eq!(nv!(lib.nvmlVgpuTypeGetBAR1Info(t, &mut bar1)), NVML_SUCCESS);
        assert!(bar1.bar1Size >= 16_384);
        let (mut heap, mut resv) = (0u64, 0u64);
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetGspHeapSize(t, &mut heap)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlVgpuTypeGetFbReservation(t, &mut resv)),
            NVML_SUCCESS
        );
        assert!(heap > 0 && resv > 0 && resv < fb(&lib, t));
    }
    // A MIG-backed type names its GPU instance profile (1g.10gb is profile id 19).
    let mut gi = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuTypeGetGpuInstanceProfileId(826, &mut gi)),
        NVML_SUCCESS
    );
    assert_eq!(
        (type_name(&lib, 826).as_str(), gi),
        ("NVIDIA H100-1-10C", 19)
    );
    // Unknown type ids and buffers too small.
    let mut v = 0u64;
    assert_eq!(
        nv!(lib.nvmlVgpuTypeGetFramebufferSize(1, &mut v)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlVgpuTypeGetFramebufferSize(823, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let mut buf = [0 as c_char; 8];
    let mut size = 8u32;
    assert_eq!(
        nv!(lib.nvmlVgpuTypeGetName(823, buf.as_mut_ptr(), &mut size)),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    assert_eq!(size, 16, "the size needed, NUL included");
}

#[test]
fn creatable_types_and_placements_shrink_as_vms_run() {
    let (_s, lib) = init("vgpu-host");
    // GPU 0 (homogeneous) runs two H100-20C VMs: only that type stays creatable, at the two
    // free placements.
    let d0 = dev(&lib, 0);
    let vms = active(&lib, d0);
    assert_eq!(vms.len(), 2);
    for &v in &vms {
        let mut t = 0u32;
        assert_eq!(nv!(lib.nvmlVgpuInstanceGetType(v, &mut t)), NVML_SUCCESS);
        assert_eq!(type_name(&lib, t), "NVIDIA H100-20C");
    }
    assert_eq!(type_ids(&lib, d0, true), [823]);
    let (r, size, all) = placements(&lib, d0, 823, false);
    assert_eq!((r, size, all), (NVML_SUCCESS, 20, vec![0, 20, 40, 60]));
    let (r, _, free) = placements(&lib, d0, 823, true);
    assert_eq!((r, free), (NVML_SUCCESS, vec![40, 60]));
    let (r, _, none) = placements(&lib, d0, 818, true);
    assert_eq!(
        (r, none),
        (NVML_SUCCESS, vec![]),
        "homogeneous: no other type fits"
    );
    // Placements too many for the buffer.
    let mut l = nvmlVgpuPlacementList_t {
        version: nvmlVgpuPlacementList_v2,
        count: 1,
        placementIds: [0u32; 1].as_mut_ptr(),
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuTypeSupportedPlacements(d0, 823, &mut l)),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    assert_eq!(l.count, 4);

    // GPU 1 (heterogeneous) runs an H100-40C at 0 and an H100-10C at 40: 30 slots are left,
    // so the 40C and 80C types no longer fit, the smaller ones do.
    let d1 = dev(&lib, 1);
    let vms1 = active(&lib, d1);
    assert_eq!(vms1.len(), 2);
    let all_types = type_ids(&lib, d1, false);
    let creatable = type_ids(&lib, d1, true);
    assert_eq!(creatable, [818, 819, 820, 821, 822, 823]);
    assert!(creatable.iter().all(|t| all_types.contains(t)));
    let mut used_fb = 0u64;
    let mut placed = Vec::new();
    for &v in &vms1 {
        let mut t = 0u32;
        assert_eq!(nv!(lib.nvmlVgpuInstanceGetType(v, &mut t)), NVML_SUCCESS);
        used_fb += fb(&lib, t);
        let mut p = nvmlVgpuPlacementId_t {
            version: nvmlVgpuPlacementId_v1,
            ..Default::default()
        };
        assert_eq!(
            nv!(lib.nvmlVgpuInstanceGetPlacementId(v, &mut p)),
            NVML_SUCCESS
        );
        placed.push(p.placementId);
    }
    assert_eq!(used_fb, 50 << 30);
    // The host sees the VMs' framebuffers as used memory.
    let mut mem = nvmlMemory_t::default();
    assert_eq!(nv!(lib.nvmlDeviceGetMemoryInfo(d1, &mut mem)), NVML_SUCCESS);
    assert!(
        mem.used >= used_fb && mem.used + mem.free == mem.total,
        "{mem:?}"
    );
    assert_eq!(placed, [0, 40]);
    let (_, _, free10) = placements(&lib, d1, 821, true);
    assert_eq!(free10, [50, 60, 70]);
    // Creatable framebuffer never exceeds what the VMs leave.
    for t in creatable {
        let (_, size, free) = placements(&lib, d1, t, true);
        assert!(!free.is_empty());
        assert!(free.iter().all(|p| p + size <= 80 && *p >= 50));
        assert!(fb(&lib, t) + used_fb <= 80 << 30);
    }
    // On GPU 0 (homogeneous) the placement id of a VM is not meaningful.
    let mut p = nvmlVgpuPlacementId_t {
        version: nvmlVgpuPlacementId_v1,
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetPlacementId(vms[0], &mut p)),
        NVML_SUCCESS
    );
    assert_eq!(p.placementId, NVML_INVALID_VGPU_PLACEMENT_ID);
    p.version = 7;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetPlacementId(vms[0], &mut p)),
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH
    );
}

#[test]
fn vm_instances_report_consistent_data() {
    let (staged, lib) = init("vgpu-host");
    let d0 = dev(&lib, 0);
    let vms = active(&lib, d0);
    let v = vms[0];
    let mut buf = [0 as c_char; 80];
    let mut ty = 99u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetVmID(v, buf.as_mut_ptr(), 80, &mut ty)),
        NVML_SUCCESS
    );
    assert_eq!(ty, NVML_VGPU_VM_ID_UUID);
    assert_eq!(cstr(&buf).len(), 36);
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetUUID(v, buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    let uuid = cstr(&buf);
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetMdevUUID(v, buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    assert_ne!(cstr(&buf), uuid);
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetVmDriverVersion(v, buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&buf), "580.65.06");
    let mut usage = 0u64;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetFbUsage(v, &mut usage)),
        NVML_SUCCESS
    );
    assert!(usage > 0 && usage <= fb(&lib, 823));
    let mut lic = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetLicenseStatus(v, &mut lic)),
        NVML_SUCCESS
    );
    assert_eq!(lic, 1);
    let mut info = nvmlVgpuLicenseInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetLicenseInfo_v2(v, &mut info)),
        NVML_SUCCESS
    );
    assert_eq!(
        (info.isLicensed, info.currentState, info.licenseExpiry.year),
        (1, NVML_GRID_LICENSE_STATE_LICENSED, 2027)
    );
    let mut ecc = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetEccMode(v, &mut ecc)),
        NVML_SUCCESS
    );
    assert_eq!(ecc, NVML_FEATURE_ENABLED);
    let mut gi = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetGpuInstanceId(v, &mut gi)),
        NVML_SUCCESS
    );
    assert_eq!(gi, INVALID);
    let mut len = 32u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetGpuPciId(v, buf.as_mut_ptr(), &mut len)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&buf), "00000000:02:00.0");
    let mut fps = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetFrameRateLimit(v, &mut fps)),
        NVML_ERROR_NOT_SUPPORTED
    );
    // Encoder: capacity settable in 0..=100, no sessions.
    let mut cap = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetEncoderCapacity(v, &mut cap)),
        NVML_SUCCESS
    );
    assert_eq!(cap, 100);
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceSetEncoderCapacity(v, 40)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetEncoderCapacity(v, &mut cap)),
        NVML_SUCCESS
    );
    assert_eq!(cap, 40);
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceSetEncoderCapacity(v, 101)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let (mut sessions, mut avg_fps, mut lat) = (9u32, 9u32, 9u32);
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetEncoderStats(v, &mut sessions, &mut avg_fps, &mut lat)),
        NVML_SUCCESS
    );
    assert_eq!((sessions, avg_fps, lat), (0, 0, 0));
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetEncoderSessions(v, &mut n, null_mut())),
        NVML_SUCCESS
    );
    assert_eq!(n, 0);
    // Accounting: on for the first VM, its guest pids with stats; clearing is privileged.
    let mut mode = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetAccountingMode(v, &mut mode)),
        NVML_SUCCESS
    );
    assert_eq!(mode, NVML_FEATURE_ENABLED);
    let mut pids = [0u32; 8];
    let mut count = 8u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetAccountingPids(v, &mut count, pids.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(&pids[..count as usize], &[2211, 2305]);
    let mut stats = nvmlAccountingStats_t::default();
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetAccountingStats(v, 2211, &mut stats)),
        NVML_SUCCESS
    );
    assert!(stats.gpuUtilization <= 100 && stats.maxMemoryUsage <= usage && stats.isRunning == 1);
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetAccountingStats(v, 1, &mut stats)),
        NVML_ERROR_NOT_FOUND
    );
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceClearAccountingPids(v)),
        NVML_ERROR_NO_PERMISSION
    );
    staged.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceClearAccountingPids(v)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetAccountingMode(vms[1], &mut mode)),
        NVML_SUCCESS
    );
    assert_eq!(mode, NVML_FEATURE_DISABLED);
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetAccountingPids(vms[1], &mut count, pids.as_mut_ptr())),
        NVML_ERROR_NOT_SUPPORTED
    );
    // Instance 0 is invalid, an unknown one is not found.
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetFbUsage(0, &mut usage)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetFbUsage(12345, &mut usage)),
        NVML_ERROR_NOT_FOUND
    );
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetFbUsage(v, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    // The unlicensed VM on GPU 1.
    let v4 = active(&lib, dev(&lib, 1))[1];
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetLicenseInfo(v4, &mut info)),
        NVML_SUCCESS
    );
    assert_eq!(
        (info.isLicensed, info.currentState),
        (0, NVML_GRID_LICENSE_STATE_UNLICENSED_UNRESTRICTED)
    );
    // Runtime state for migration: at least the framebuffer in use.
    let mut st = nvmlVgpuRuntimeState_t {
        version: nvmlVgpuRuntimeState_v1,
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetRuntimeStateSize(v, &mut st)),
        NVML_SUCCESS
    );
    assert!(st.size > usage);
}

#[test]
fn utilization_samples_cover_the_running_vms() {
    let (_s, lib) = init("vgpu-host");
    let d = dev(&lib, 1);
    let vms = active(&lib, d);
    let mut ty = 0u32;
    let mut samples = [nvmlVgpuInstanceUtilizationSample_t::default(); 8];
    let mut n = 8u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuUtilization(d, 0, &mut ty, &mut n, samples.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(ty, NVML_VALUE_TYPE_UNSIGNED_INT);
    assert_eq!(n as usize, vms.len());
    let mut sm_sum = 0;
    for s in &samples[..n as usize] {
        assert!(vms.contains(&s.vgpuInstance));
        // SAFETY: the sample value type is unsigned int.
        let sm = unsafe { s.smUtil.uiVal };
        assert!(sm <= 100);
        sm_sum += sm;
    }
    let mut util = nvmlUtilization_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetUtilizationRates(d, &mut util)),
        NVML_SUCCESS
    );
    assert!(
        sm_sum <= util.gpu,
        "the VMs' SM shares add up to at most the GPU's utilization"
    );
    // Newer than the last sample: nothing.
    let last = samples[0].timeStamp;
    n = 8;
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuUtilization(
            d,
            last + 10_000_000,
            &mut ty,
            &mut n,
            samples.as_mut_ptr()
        )),
        NVML_SUCCESS
    );
    assert_eq!(n, 0);
    // The versioned form agrees.
    let mut arr = [nvmlVgpuInstanceUtilizationInfo_v1_t::default(); 8];
    let mut info = nvmlVgpuInstancesUtilizationInfo_t {
        version: nvmlVgpuInstancesUtilizationInfo_v1,
        vgpuInstanceCount: 8,
        vgpuUtilArray: arr.as_mut_ptr(),
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuInstancesUtilizationInfo(d, &mut info)),
        NVML_SUCCESS
    );
    assert_eq!(info.vgpuInstanceCount as usize, vms.len());
    // Processes inside the VMs.
    let mut ps = [nvmlVgpuProcessUtilizationSample_t::default(); 8];
    n = 8;
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuProcessUtilization(d, 0, &mut n, ps.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(n, 1);
    assert_eq!(
        (ps[0].pid, cstr(&ps[0].processName).as_str()),
        (1888, "torchrun")
    );
    let mut parr = [nvmlVgpuProcessUtilizationInfo_v1_t::default(); 8];
    let mut pinfo = nvmlVgpuProcessesUtilizationInfo_t {
        version: nvmlVgpuProcessesUtilizationInfo_v1,
        vgpuProcessCount: 8,
        vgpuProcUtilArray: parr.as_mut_ptr(),
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuProcessesUtilizationInfo(d, &mut pinfo)),
        NVML_SUCCESS
    );
    assert_eq!((pinfo.vgpuProcessCount, parr[0].pid), (1, 1888));
}

#[test]
fn scheduler_versions_metadata_and_heterogeneous_mode() {
    let (staged, lib) = init("vgpu-host");
    let d = dev(&lib, 0);
    let mut caps = nvmlVgpuSchedulerCapabilities_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuSchedulerCapabilities(d, &mut caps)),
        NVML_SUCCESS
    );
    assert!(caps.minTimeslice < caps.maxTimeslice && caps.isArrModeSupported == 1);
    let mut st = nvmlVgpuSchedulerGetState_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuSchedulerState(d, &mut st)),
        NVML_SUCCESS
    );
    assert_eq!(st.schedulerPolicy, NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT);
    let mut set = nvmlVgpuSchedulerSetState_t {
        schedulerPolicy: NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
        enableARRMode: NVML_VGPU_SCHEDULER_ARR_DISABLE,
        schedulerParams: nvmlVgpuSchedulerSetParams_t {
            vgpuSchedData: nvmlVgpuSchedulerSetParams_t__bindgen_ty_2 {
                timeslice: 4_000_000,
            },
        },
    };
    assert_eq!(
        nv!(lib.nvmlDeviceSetVgpuSchedulerState(d, &mut set)),
        NVML_ERROR_NO_PERMISSION
    );
    staged.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceSetVgpuSchedulerState(d, &mut set)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuSchedulerState(d, &mut st)),
        NVML_SUCCESS
    );
    // SAFETY: without ARR the union holds `vgpuSchedData`.
    let ts = unsafe { st.schedulerParams.vgpuSchedData.timeslice };
    assert_eq!(
        (st.schedulerPolicy, st.arrMode, ts),
        (
            NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
            NVML_VGPU_SCHEDULER_ARR_DISABLE,
            4_000_000
        )
    );
    set.schedulerParams.vgpuSchedData.timeslice = caps.maxTimeslice + 1;
    assert_eq!(
        nv!(lib.nvmlDeviceSetVgpuSchedulerState(d, &mut set)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    // The log has one runlist per VM, run time growing with time.
    let mut log = Box::new(nvmlVgpuSchedulerLog_t::default());
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuSchedulerLog(d, &mut *log)),
        NVML_SUCCESS
    );
    assert_eq!(log.entriesCount, 2);
    let first = log.logEntries[0].timeRunTotal;
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut log2 = Box::new(nvmlVgpuSchedulerLogInfo_v2_t {
        engineId: NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS,
        ..Default::default()
    });
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuSchedulerLog_v2(d, &mut *log2)),
        NVML_SUCCESS
    );
    assert_eq!(log2.entriesCount, 2);
    assert!(log2.logEntries[0].timeRunTotal > first);

    // Versions: the supported range; with VMs running it cannot be changed.
    let (mut sup, mut cur) = (nvmlVgpuVersion_t::default(), nvmlVgpuVersion_t::default());
    assert_eq!(
        nv!(lib.nvmlGetVgpuVersion(&mut sup, &mut cur)),
        NVML_SUCCESS
    );
    assert!(sup.minVersion <= cur.minVersion && cur.maxVersion <= sup.maxVersion);
    let mut narrow = nvmlVgpuVersion_t {
        minVersion: sup.maxVersion,
        maxVersion: sup.maxVersion,
    };
    assert_eq!(nv!(lib.nvmlSetVgpuVersion(&mut narrow)), NVML_ERROR_IN_USE);
    let mut outside = nvmlVgpuVersion_t {
        minVersion: 1,
        maxVersion: sup.maxVersion,
    };
    assert_eq!(
        nv!(lib.nvmlSetVgpuVersion(&mut outside)),
        NVML_ERROR_INVALID_ARGUMENT
    );

    // Metadata and migration compatibility of a VM with this host.
    let v = active(&lib, d)[0];
    let mut size = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetMetadata(v, null_mut(), &mut size)),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    assert_eq!(size as usize, std::mem::size_of::<nvmlVgpuMetadata_t>());
    let mut vm = nvmlVgpuMetadata_t::default();
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetMetadata(v, &mut vm, &mut size)),
        NVML_SUCCESS
    );
    assert_eq!(
        vm.guestInfoState,
        NVML_VGPU_INSTANCE_GUEST_INFO_STATE_INITIALIZED
    );
    let mut pg = nvmlVgpuPgpuMetadata_t::default();
    size = std::mem::size_of::<nvmlVgpuPgpuMetadata_t>() as u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuMetadata(d, &mut pg, &mut size)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&pg.hostDriverVersion), "580.65.06");
    let mut len = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPgpuMetadataString(d, null_mut(), &mut len)),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    let mut text = vec![0 as c_char; len as usize];
    assert_eq!(
        nv!(lib.nvmlDeviceGetPgpuMetadataString(d, text.as_mut_ptr(), &mut len)),
        NVML_SUCCESS
    );
    assert!(cstr(&text).contains("hostDriverVersion=580.65.06"));
    let mut compat = nvmlVgpuPgpuCompatibility_t::default();
    assert_eq!(
        nv!(lib.nvmlGetVgpuCompatibility(&mut vm, &mut pg, &mut compat)),
        NVML_SUCCESS
    );
    assert_ne!(
        compat.vgpuVmCompatibility & NVML_VGPU_VM_COMPATIBILITY_LIVE,
        0
    );
    assert_eq!(
        compat.compatibilityLimitCode,
        NVML_VGPU_COMPATIBILITY_LIMIT_NONE
    );
    vm.guestVgpuVersion = sup.maxVersion + 1;
    assert_eq!(
        nv!(lib.nvmlGetVgpuCompatibility(&mut vm, &mut pg, &mut compat)),
        NVML_SUCCESS
    );
    assert_eq!(
        (compat.vgpuVmCompatibility, compat.compatibilityLimitCode),
        (
            NVML_VGPU_VM_COMPATIBILITY_NONE,
            NVML_VGPU_COMPATIBILITY_LIMIT_HOST_DRIVER
        )
    );

    // Heterogeneous mode: GPU 0 is homogeneous and busy.
    let mut hm = nvmlVgpuHeterogeneousMode_t {
        version: nvmlVgpuHeterogeneousMode_v1,
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuHeterogeneousMode(d, &mut hm)),
        NVML_SUCCESS
    );
    assert_eq!(hm.mode, NVML_FEATURE_DISABLED);
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuHeterogeneousMode(dev(&lib, 1), &mut hm)),
        NVML_SUCCESS
    );
    assert_eq!(hm.mode, NVML_FEATURE_ENABLED);
    hm.mode = NVML_FEATURE_ENABLED;
    assert_eq!(
        nv!(lib.nvmlDeviceSetVgpuHeterogeneousMode(d, &hm)),
        NVML_ERROR_IN_USE
    );
    hm.mode = 7;
    assert_eq!(
        nv!(lib.nvmlDeviceSetVgpuHeterogeneousMode(d, &hm)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let mut cap = 0u32;
    assert_eq!(
        nv!(lib.nvmlGetVgpuDriverCapabilities(
            NVML_VGPU_DRIVER_CAP_HETEROGENEOUS_MULTI_VGPU,
            &mut cap
        )),
        NVML_SUCCESS
    );
    assert_eq!(cap, 1);
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuCapabilities(
            d,
            NVML_DEVICE_VGPU_CAP_HETEROGENEOUS_TIMESLICE_SIZES,
            &mut cap
        )),
        NVML_SUCCESS
    );
    assert_eq!(cap, 1);
}

#[test]
fn an_idle_host_from_a_profile_file_changes_mode_and_versions() {
    let staged = Staged::new().unwrap();
    let path = staged.dir().join("idle-host.json");
    std::fs::write(
        &path,
        r#"{ "base": "vgpu-host", "root": true, "vgpu_instances": [],
             "vgpu_version": { "min": 1179648, "max": 1245184 } }"#,
    )
    .unwrap();
    staged.set_profile(path.to_str().unwrap()).unwrap();
    let lib = load(&staged);
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    let d = dev(&lib, 0);
    assert!(active(&lib, d).is_empty());
    assert_eq!(
        type_ids(&lib, d, true).len(),
        8,
        "an idle GPU can create every type"
    );
    let (_, _, free) = placements(&lib, d, 818, true);
    assert_eq!(free.len(), 20);
    let mut hm = nvmlVgpuHeterogeneousMode_t {
        version: nvmlVgpuHeterogeneousMode_v1,
        mode: NVML_FEATURE_ENABLED,
    };
    assert_eq!(
        nv!(lib.nvmlDeviceSetVgpuHeterogeneousMode(d, &hm)),
        NVML_SUCCESS
    );
    hm.mode = 0;
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuHeterogeneousMode(d, &mut hm)),
        NVML_SUCCESS
    );
    assert_eq!(hm.mode, NVML_FEATURE_ENABLED);
    let (mut sup, mut cur) = (nvmlVgpuVersion_t::default(), nvmlVgpuVersion_t::default());
    assert_eq!(
        nv!(lib.nvmlGetVgpuVersion(&mut sup, &mut cur)),
        NVML_SUCCESS
    );
    assert_eq!((sup.minVersion, sup.maxVersion), (0x12_0000, 0x13_0000));
    let mut v = nvmlVgpuVersion_t {
        minVersion: 0x13_0000,
        maxVersion: 0x13_0000,
    };
    assert_eq!(nv!(lib.nvmlSetVgpuVersion(&mut v)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlGetVgpuVersion(&mut sup, &mut cur)),
        NVML_SUCCESS
    );
    assert_eq!((cur.minVersion, sup.minVersion), (0x13_0000, 0x12_0000));
}

#[test]
fn profile_files_define_types_and_vms_and_bad_ones_are_rejected() {
    let p = profile::parse_json(
        r#"{ "base": "vgpu-host",
             "vgpu_types": [ { "id": 900, "name": "NVIDIA H100-40Q", "class": "Quadro",
                               "framebuffer_mib": 40960, "max_instances": 2, "frame_rate_limit": 60,
                               "display_heads": 4, "resolution": [7680, 4320], "placement_size": 40,
                               "license": "NVIDIA-vWS,2.0" } ],
             "vgpu_instances": [ { "gpu": 1, "type_id": 900, "placement_id": 40, "fb_usage_mib": 2048,
                                   "processes": [ { "pid": 77, "name": "blender", "sm_util": 30 } ] } ] }"#,
    )
    .unwrap();
    assert_eq!(p.vgpu_types.len(), 1);
    assert_eq!(p.vgpu_instances[0].processes[0].name, "blender");
    for (bad, why) in [
        (
            r#"{ "base": "vgpu-host", "vgpu_instances": [ { "gpu": 0, "type_id": 818, "placement_id": 40 }, { "gpu": 0, "type_id": 823, "placement_id": 0 } ] }"#,
            "homogeneous",
        ),
        (
            r#"{ "base": "vgpu-host", "vgpu_instances": [ { "gpu": 1, "type_id": 824, "placement_id": 20 } ] }"#,
            "multiple",
        ),
        (
            r#"{ "base": "vgpu-host", "vgpu_instances": [ { "gpu": 0, "type_id": 1 } ] }"#,
            "unknown",
        ),
        (
            r#"{ "base": "dgx-h100", "vgpu_types": [], "vgpu_instances": [ { "gpu": 0, "type_id": 1 } ] }"#,
            "host_vgpu",
        ),
        (
            r#"{ "base": "vgpu-host", "vgpu_types": [ { "id": 5 } ] }"#,
            "name",
        ),
        (
            r#"{ "base": "vgpu-host", "gpus": [ { "virtualization_mode": "cloud" } ] }"#,
            "virtualization_mode",
        ),
    ] {
        let e = profile::parse_json(bad).unwrap_err();
        assert!(e.0.contains(why), "{bad}: {e}");
    }
}

#[test]
fn bare_metal_gpus_answer_like_a_real_bare_metal_h100() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut mode = 9u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetVirtualizationMode(d, &mut mode)),
        NVML_SUCCESS
    );
    assert_eq!(mode, NVML_GPU_VIRTUALIZATION_MODE_NONE);
    assert_eq!(
        nv!(lib.nvmlDeviceGetHostVgpuMode(d, &mut mode)),
        NVML_ERROR_NOT_SUPPORTED
    );
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetSupportedVgpus(d, &mut n, null_mut())),
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetCreatableVgpus(d, &mut n, null_mut())),
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetActiveVgpus(d, &mut n, null_mut())),
        NVML_ERROR_NOT_SUPPORTED
    );
    let (mut sup, mut cur) = (nvmlVgpuVersion_t::default(), nvmlVgpuVersion_t::default());
    assert_eq!(
        nv!(lib.nvmlGetVgpuVersion(&mut sup, &mut cur)),
        NVML_ERROR_NOT_SUPPORTED
    );
    let mut v = 0u64;
    assert_eq!(
        nv!(lib.nvmlVgpuTypeGetFramebufferSize(823, &mut v)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlVgpuInstanceGetFbUsage(3_251_634_189, &mut v)),
        NVML_ERROR_NOT_FOUND
    );
    let mut caps = nvmlVgpuSchedulerCapabilities_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuSchedulerCapabilities(d, &mut caps)),
        NVML_ERROR_NOT_SUPPORTED
    );
}
