//! What NVIDIA's own clients (nvidia-ml-py, `oracles/pynvml_walk.py`) and the real H100
//! capture (`captures/qx-h100.xml`) found wrong in the mock, each pinned to its source of truth.

use std::ffi::c_char;
use std::ptr::null_mut;

use crate::support::*;

/// The MIG GPU instance profiles of GPU 0 of `profile` with MIG on: (name, id, SMs, copy
/// engines), by id; and the remaining capacity of an empty GPU is never above the profile's
/// instance count.
fn mig_profiles(profile: &str) -> Vec<(String, u32, u32, u32)> {
    let (staged, lib) = init(profile);
    staged.set_root(true).unwrap();
    let d = dev(&lib, 0);
    let mut status = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceSetMigMode(d, NVML_DEVICE_MIG_ENABLE, &mut status)),
        NVML_SUCCESS
    );
    let mut seen = Vec::new();
    for profile in 0..NVML_GPU_INSTANCE_PROFILE_COUNT {
        let mut info = nvmlGpuInstanceProfileInfo_v2_t {
            version: nvmlGpuInstanceProfileInfo_v2,
            ..Default::default()
        };
        if nv!(lib.nvmlDeviceGetGpuInstanceProfileInfoV(d, profile, &mut info)) != NVML_SUCCESS {
            continue;
        }
        let mut cap = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetGpuInstanceRemainingCapacity(d, info.id, &mut cap)),
            NVML_SUCCESS
        );
        assert_eq!(
            cap,
            info.instanceCount,
            "{}: an empty GPU has room for exactly the instance count",
            cstr(&info.name)
        );
        seen.push((
            cstr(&info.name),
            info.id,
            info.multiprocessorCount,
            info.copyEngineCount,
        ));
    }
    seen.sort_by_key(|p| p.1);
    seen
}

fn named(want: &[(&str, u32, u32, u32)]) -> Vec<(String, u32, u32, u32)> {
    want.iter()
        .map(|&(n, id, sm, ce)| (n.to_string(), id, sm, ce))
        .collect()
}

/// nvml.h: GPU instance profile ids of a real H100 80GB: 1g.10gb 19, 1g.10gb+me 20,
/// 1g.20gb 15, 2g.20gb 14, 3g.40gb 9, 4g.40gb 5, 7g.80gb 0.
#[test]
fn h100_mig_profile_ids_and_capacity_match_a_real_h100() {
    let want = [
        ("MIG 7g.80gb", 0, 132, 8),
        ("MIG 4g.40gb", 5, 64, 4),
        ("MIG 3g.40gb", 9, 60, 3),
        ("MIG 2g.20gb", 14, 32, 2),
        ("MIG 1g.20gb", 15, 26, 1),
        ("MIG 1g.10gb", 19, 16, 1),
        ("MIG 1g.10gb+me", 20, 16, 1),
    ];
    assert_eq!(mig_profiles("dgx-h100"), named(&want));
}

/// The B200 profiles NVIDIA's MIG user guide lists (1g.23gb .. 7g.180gb), with the ids, SMs
/// and copy engines a B200's driver publishes (public Kubernetes DRA test data captured on a
/// p6-b200: the H100's id scheme, 1g+me 20 and the two-slice 1g 15); the GB200 tray uses
/// the same table.
#[test]
fn b200_mig_profile_ids_sms_and_copy_engines() {
    let want = [
        ("MIG 7g.180gb", 0, 148, 16),
        ("MIG 4g.90gb", 5, 72, 8),
        ("MIG 3g.90gb", 9, 70, 6),
        ("MIG 2g.45gb", 14, 36, 4),
        ("MIG 1g.45gb", 15, 30, 2),
        ("MIG 1g.23gb", 19, 18, 2),
        ("MIG 1g.23gb+me", 20, 18, 2),
    ];
    assert_eq!(mig_profiles("dgx-b200"), named(&want));
    assert_eq!(mig_profiles("gb200-nvl-tray"), named(&want));
}

/// nvml.h: "If the provided count by the caller is insufficient ... INSUFFICIENT_SIZE"; in
/// the v1 struct `count` is output only ("Count of placement IDs fetched") and the buffer is
/// sized from nvmlVgpuTypeGetMaxInstances, as nvidia-ml-py does.
#[test]
fn vgpu_placements_answer_the_v1_struct() {
    let (_s, lib) = init("vgpu-host");
    let d = dev(&lib, 0);
    let type_20c = 823;
    let mut max = 0u32;
    assert_eq!(
        nv!(lib.nvmlVgpuTypeGetMaxInstances(d, type_20c, &mut max)),
        NVML_SUCCESS
    );
    let mut ids = vec![u32::MAX; max as usize];
    let mut v1 = nvmlVgpuPlacementList_v1_t {
        version: nvmlVgpuPlacementList_v1,
        placementSize: 0,
        count: 0,
        placementIds: ids.as_mut_ptr(),
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuTypeSupportedPlacements(d, type_20c, (&raw mut v1).cast())),
        NVML_SUCCESS
    );
    assert_eq!((v1.placementSize, v1.count), (20, 4));
    assert_eq!(ids, [0, 20, 40, 60]);
}

/// nvml.h (MIG): per-instance information comes through MIG device handles; a process runs in
/// one instance, and the GPU's own handle lists every process with its instance ids.
#[test]
fn processes_are_listed_per_mig_instance() {
    let (staged, lib) = init("dgx-h100");
    staged.set_root(true).unwrap();
    let d = dev(&lib, 0);
    let mut status = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceSetMigMode(d, NVML_DEVICE_MIG_ENABLE, &mut status)),
        NVML_SUCCESS
    );
    for _ in 0..2 {
        let mut info = nvmlGpuInstanceProfileInfo_t::default();
        assert_eq!(
            nv!(lib.nvmlDeviceGetGpuInstanceProfileInfo(
                d,
                NVML_GPU_INSTANCE_PROFILE_3_SLICE,
                &mut info
            )),
            NVML_SUCCESS
        );
        let mut gi = null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceCreateGpuInstance(d, info.id, &mut gi)),
            NVML_SUCCESS
        );
        let mut ci_info = nvmlComputeInstanceProfileInfo_t::default();
        assert_eq!(
            nv!(lib.nvmlGpuInstanceGetComputeInstanceProfileInfo(
                gi,
                NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE,
                NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED,
                &mut ci_info
            )),
            NVML_SUCCESS
        );
        let mut ci = null_mut();
        assert_eq!(
            nv!(lib.nvmlGpuInstanceCreateComputeInstance(gi, ci_info.id, &mut ci)),
            NVML_SUCCESS
        );
    }
    let list = |h: nvmlDevice_t| {
        let mut n = 16u32;
        let mut buf = vec![nvmlProcessInfo_t::default(); 16];
        assert_eq!(
            nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(h, &mut n, buf.as_mut_ptr())),
            NVML_SUCCESS
        );
        buf.truncate(n as usize);
        buf.iter()
            .map(|p| (p.pid, p.gpuInstanceId, p.computeInstanceId))
            .collect::<Vec<_>>()
    };
    let all = list(d);
    assert_eq!(all.len(), 2, "GPU 0 runs two compute processes");
    let mut from_migs = Vec::new();
    for k in 0..2 {
        let mut mig = null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceGetMigDeviceHandleByIndex(d, k, &mut mig)),
            NVML_SUCCESS
        );
        let mine = list(mig);
        assert_eq!(mine.len(), 1, "one process in MIG device {k}");
        from_migs.extend(mine);
    }
    assert_eq!(from_migs, all, "the GPU lists its instances' processes");
    assert!(all.iter().all(|p| p.1 != NVML_VALUE_NOT_AVAILABLE as u32));
}

/// nvml.h: "count: When zero, is set to the number of matching GPUs"; SUCCESS "if deviceArray
/// or count (if initially zero) has been set".
#[test]
fn nearest_gpus_count_query_succeeds_on_every_multi_gpu_profile() {
    for profile in ["dgx-h100", "dgx-a100", "vgpu-host", "s-class"] {
        let (_s, lib) = init(profile);
        let mut n = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetTopologyNearestGpus(
                dev(&lib, 0),
                NVML_TOPOLOGY_SYSTEM,
                &mut n,
                null_mut()
            )),
            NVML_SUCCESS,
            "{profile}"
        );
        assert!(n > 0, "{profile}: GPU 0 has neighbours at SYSTEM level");
    }
}

/// captures/qx-h100.xml: T.Limit thresholds -8/-2/0/0 C whatever the temperature, the margin
/// is the distance to the 87 C maximum, default applications clocks 1980 MHz, and a GPU under
/// its power limit is not "SW power capped".
#[test]
fn h100_thermal_clock_and_power_facts_match_the_capture() {
    let (staged, lib) = init("dgx-h100");
    for i in [0, 6] {
        let d = dev(&lib, i);
        let mut values: Vec<nvmlFieldValue_t> = (NVML_FI_DEV_TEMPERATURE_SHUTDOWN_TLIMIT
            ..=NVML_FI_DEV_TEMPERATURE_GPU_MAX_TLIMIT)
            .map(|id| nvmlFieldValue_t {
                fieldId: id,
                ..Default::default()
            })
            .collect();
        assert_eq!(
            nv!(lib.nvmlDeviceGetFieldValues(d, 4, values.as_mut_ptr())),
            NVML_SUCCESS
        );
        // SAFETY: the mock reports these as signed ints (checked next).
        let got: Vec<i32> = values.iter().map(|v| unsafe { v.value.siVal }).collect();
        assert!(
            values
                .iter()
                .all(|v| v.nvmlReturn == NVML_SUCCESS && v.valueType == NVML_VALUE_TYPE_SIGNED_INT)
        );
        assert_eq!(got, [-8, -2, 0, 0], "GPU {i}");

        let mut temp = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetTemperature(d, NVML_TEMPERATURE_GPU, &mut temp)),
            NVML_SUCCESS
        );
        let mut margin = nvmlMarginTemperature_t {
            version: nvmlMarginTemperature_v1,
            marginTemperature: 0,
        };
        assert_eq!(
            nv!(lib.nvmlDeviceGetMarginTemperature(d, &mut margin)),
            NVML_SUCCESS
        );
        assert_eq!(margin.marginTemperature, 87 - temp as i32);

        let mut clock = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetDefaultApplicationsClock(d, NVML_CLOCK_GRAPHICS, &mut clock)),
            NVML_SUCCESS
        );
        assert_eq!(clock, 1980);

        let mut reasons = 0u64;
        assert_eq!(
            nv!(lib.nvmlDeviceGetCurrentClocksEventReasons(d, &mut reasons)),
            NVML_SUCCESS
        );
        assert_eq!(
            reasons & u64::from(nvmlClocksEventReasonSwPowerCap),
            0,
            "GPU {i} draws less than its limit"
        );
    }
    // At the limit, the SW power cap is active.
    staged.set_root(true).unwrap();
    let d = dev(&lib, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceSetPowerManagementLimit(d, 600_000)),
        NVML_SUCCESS
    );
    let mut reasons = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetCurrentClocksEventReasons(d, &mut reasons)),
        NVML_SUCCESS
    );
    assert_ne!(reasons & u64::from(nvmlClocksEventReasonSwPowerCap), 0);
}

/// The A100s' temperatures follow their load like the H100s': busy boards run hotter.
#[test]
fn a100_temperatures_follow_load() {
    let (_s, lib) = init("dgx-a100");
    let reading = |i: u32| {
        let d = dev(&lib, i);
        let (mut t, mut u) = (0u32, nvmlUtilization_t::default());
        assert_eq!(
            nv!(lib.nvmlDeviceGetTemperature(d, NVML_TEMPERATURE_GPU, &mut t)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetUtilizationRates(d, &mut u)),
            NVML_SUCCESS
        );
        (u.gpu, t)
    };
    let all: Vec<(u32, u32)> = (0..8).map(reading).collect();
    let hottest_idle = all.iter().filter(|r| r.0 == 0).map(|r| r.1).max().unwrap();
    let coolest_busy = all.iter().filter(|r| r.0 > 0).map(|r| r.1).min().unwrap();
    assert!(
        coolest_busy > hottest_idle + 15,
        "busy GPUs are hotter: {all:?}"
    );
}

/// nvml.h: nvmlDeviceGetHandleByUUID takes "The UUID of the target GPU or MIG instance".
#[test]
fn a_mig_uuid_finds_its_mig_device() {
    let (staged, lib) = init("dgx-h100");
    staged.set_root(true).unwrap();
    let d = dev(&lib, 1);
    let mut status = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceSetMigMode(d, NVML_DEVICE_MIG_ENABLE, &mut status)),
        NVML_SUCCESS
    );
    let mut info = nvmlGpuInstanceProfileInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfo(
            d,
            NVML_GPU_INSTANCE_PROFILE_7_SLICE,
            &mut info
        )),
        NVML_SUCCESS
    );
    let (mut gi, mut ci) = (null_mut(), null_mut());
    assert_eq!(
        nv!(lib.nvmlDeviceCreateGpuInstance(d, info.id, &mut gi)),
        NVML_SUCCESS
    );
    let mut ci_info = nvmlComputeInstanceProfileInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlGpuInstanceGetComputeInstanceProfileInfo(
            gi,
            NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE,
            NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED,
            &mut ci_info
        )),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlGpuInstanceCreateComputeInstance(gi, ci_info.id, &mut ci)),
        NVML_SUCCESS
    );
    let mut mig = null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetMigDeviceHandleByIndex(d, 0, &mut mig)),
        NVML_SUCCESS
    );
    let mut uuid = [0 as c_char; 96];
    assert_eq!(
        nv!(lib.nvmlDeviceGetUUID(mig, uuid.as_mut_ptr(), 96)),
        NVML_SUCCESS
    );
    assert!(cstr(&uuid).starts_with("MIG-"));
    let mut found = null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByUUID(uuid.as_ptr(), &mut found)),
        NVML_SUCCESS
    );
    assert_eq!(found, mig);
}
