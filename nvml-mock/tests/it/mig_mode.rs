//! MIG mode as nvml.h documents it, on a profile that declares its MIG instances
//! (`profiles/examples/dgx-h100-mig.json`): GPU 0 holds a 3g.40gb at slice 4 and two 1g.10gb
//! at slices 0 and 1, GPU 1 a 7g.80gb, GPU 2 has MIG on and no instance, GPU 3 MIG off.

use crate::support::*;

const PROFILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/profiles/examples/dgx-h100-mig.json"
);
const MIB: u64 = 1024 * 1024;

fn mig(lib: &NvmlLib, gpu: u32, index: u32) -> nvmlDevice_t {
    let mut m: nvmlDevice_t = std::ptr::null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetMigDeviceHandleByIndex(dev(lib, gpu), index, &mut m)),
        NVML_SUCCESS,
        "MIG device {index} of GPU {gpu}"
    );
    m
}

/// (GPU instance id, placement start) of a MIG device.
fn gpu_instance_of(lib: &NvmlLib, m: nvmlDevice_t) -> (u32, u32) {
    let mut gid = 0;
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceId(m, &mut gid)),
        NVML_SUCCESS
    );
    let mut parent: nvmlDevice_t = std::ptr::null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetDeviceHandleFromMigDeviceHandle(m, &mut parent)),
        NVML_SUCCESS
    );
    let mut gi: nvmlGpuInstance_t = std::ptr::null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceById(parent, gid, &mut gi)),
        NVML_SUCCESS
    );
    let mut info = nvmlGpuInstanceInfo_t::default();
    assert_eq!(nv!(lib.nvmlGpuInstanceGetInfo(gi, &mut info)), NVML_SUCCESS);
    assert_eq!(info.id, gid);
    (gid, info.placement.start)
}

fn mig_count(lib: &NvmlLib, gpu: u32) -> u32 {
    (0..8)
        .filter(|k| {
            let mut m: nvmlDevice_t = std::ptr::null_mut();
            nv!(lib.nvmlDeviceGetMigDeviceHandleByIndex(dev(lib, gpu), *k, &mut m)) == NVML_SUCCESS
        })
        .count() as u32
}

#[test]
fn a_declared_layout_exists_at_init_with_the_ids_a_driver_gives_each_placement() {
    let (_s, lib) = init(PROFILE);
    let (mut current, mut pending) = (0, 0);
    for gpu in 0..3 {
        assert_eq!(
            nv!(lib.nvmlDeviceGetMigMode(dev(&lib, gpu), &mut current, &mut pending)),
            NVML_SUCCESS
        );
        assert_eq!((current, pending), (1, 1), "GPU {gpu}");
    }
    assert_eq!(
        [0, 1, 2].map(|g| mig_count(&lib, g)),
        [3, 1, 0],
        "MIG devices of GPUs 0, 1, 2"
    );
    // A 3g at slice 4 is the second half of the slice tree (id 2), a 1g at slices 0 and 1
    // the first two eighths (7, 8); a 7g is the whole GPU (0). MIG devices come in GPU
    // instance id order.
    assert_eq!(
        (0..3)
            .map(|k| gpu_instance_of(&lib, mig(&lib, 0, k)))
            .collect::<Vec<_>>(),
        [(2, 4), (7, 0), (8, 1)]
    );
    assert_eq!(gpu_instance_of(&lib, mig(&lib, 1, 0)), (0, 0));
    let mut ci = 9;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeInstanceId(mig(&lib, 0, 2), &mut ci)),
        NVML_SUCCESS
    );
    assert_eq!(ci, 0);
}

#[test]
fn created_instances_take_the_id_of_their_placement() {
    let (s, lib) = init(PROFILE);
    s.set_root(true).unwrap();
    let gpu2 = dev(&lib, 2);
    let mut info = nvmlGpuInstanceProfileInfo_t::default();
    // NVML_GPU_INSTANCE_PROFILE_1_SLICE: 1g.10gb.
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfo(gpu2, 0, &mut info)),
        NVML_SUCCESS
    );
    let place = |start| nvmlGpuInstancePlacement_t { start, size: 1 };
    let mut ids = Vec::new();
    for start in [5, 0] {
        let mut gi: nvmlGpuInstance_t = std::ptr::null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceCreateGpuInstanceWithPlacement(
                gpu2,
                info.id,
                &place(start),
                &mut gi
            )),
            NVML_SUCCESS
        );
        let mut gi_info = nvmlGpuInstanceInfo_t::default();
        assert_eq!(
            nv!(lib.nvmlGpuInstanceGetInfo(gi, &mut gi_info)),
            NVML_SUCCESS
        );
        ids.push(gi_info.id);
    }
    // The first 1g.10gb of an H100 (slice 0) is id 7, whatever the creation order.
    assert_eq!(ids, [12, 7]);
}

#[test]
fn mig_device_handles_report_their_own_index_memory_bar1_and_ecc() {
    let (_s, lib) = init(PROFILE);
    for (gpu, n) in [(0, 3), (1, 1)] {
        for k in 0..n {
            let mut index = 99;
            assert_eq!(
                nv!(lib.nvmlDeviceGetIndex(mig(&lib, gpu, k), &mut index)),
                NVML_SUCCESS
            );
            assert_eq!(index, k, "MIG device {k} of GPU {gpu}");
        }
    }
    // GPU 0's compute processes run in its MIG devices in turn: python3 (38912 MiB) in the
    // 3g, dcgm-exporter (512 MiB) in the first 1g; the second 1g holds only its 13 MiB
    // idle context.
    let expect = [
        (40192, 13 + 38912, 65535),
        (9856, 13 + 512, 16383),
        (9856, 13, 16383),
    ];
    for (k, (total, used, bar1)) in expect.into_iter().enumerate() {
        let m = mig(&lib, 0, k as u32);
        let mut mem = nvmlMemory_t::default();
        assert_eq!(nv!(lib.nvmlDeviceGetMemoryInfo(m, &mut mem)), NVML_SUCCESS);
        assert_eq!(
            (mem.total / MIB, mem.used / MIB),
            (total, used),
            "MIG device {k}"
        );
        assert_eq!(mem.free, mem.total - mem.used);
        let mut b = nvmlBAR1Memory_t::default();
        assert_eq!(
            nv!(lib.nvmlDeviceGetBAR1MemoryInfo(m, &mut b)),
            NVML_SUCCESS
        );
        assert_eq!((b.bar1Total / MIB, b.bar1Used / MIB), (bar1, 2));
        let mut procs = [nvmlProcessInfo_t::default(); 4];
        let mut n = 4;
        assert_eq!(
            nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(m, &mut n, procs.as_mut_ptr())),
            NVML_SUCCESS
        );
        let in_it: u64 = procs[..n as usize].iter().map(|p| p.usedGpuMemory).sum();
        assert_eq!(in_it / MIB + 13, used, "MIG device {k}'s processes");
    }
    // nvml.h: per-instance ECC is the non-DRAM uncorrectable volatile count.
    let m = mig(&lib, 0, 0);
    let counter = |d, e, k, l| {
        let mut v = 7;
        let r = nv!(lib.nvmlDeviceGetMemoryErrorCounter(d, e, k, l, &mut v));
        (r, v)
    };
    let (unc, vol) = (NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC);
    assert_eq!(
        counter(m, unc, vol, NVML_MEMORY_LOCATION_SRAM),
        (NVML_SUCCESS, 0)
    );
    assert_eq!(
        counter(m, unc, vol, NVML_MEMORY_LOCATION_DRAM).0,
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(
        counter(
            m,
            NVML_MEMORY_ERROR_TYPE_CORRECTED,
            vol,
            NVML_MEMORY_LOCATION_SRAM
        )
        .0,
        NVML_ERROR_NOT_SUPPORTED
    );
    // The GPU's handle reads no volatile counts in MIG mode; aggregate ones still answer.
    assert_eq!(
        counter(dev(&lib, 0), unc, vol, NVML_MEMORY_LOCATION_DRAM).0,
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(
        counter(
            dev(&lib, 0),
            unc,
            NVML_AGGREGATE_ECC,
            NVML_MEMORY_LOCATION_DRAM
        )
        .0,
        NVML_SUCCESS
    );
}

#[test]
fn queries_mig_mode_disables_answer_not_supported_on_the_gpu() {
    let (_s, lib) = init(PROFILE);
    for gpu in 0..4 {
        let d = dev(&lib, gpu);
        let want = if gpu < 3 {
            NVML_ERROR_NOT_SUPPORTED
        } else {
            NVML_SUCCESS
        };
        let mut u = nvmlUtilization_t::default();
        assert_eq!(
            nv!(lib.nvmlDeviceGetUtilizationRates(d, &mut u)),
            want,
            "GPU {gpu}"
        );
        let (mut v, mut period) = (0, 0);
        assert_eq!(
            nv!(lib.nvmlDeviceGetEncoderUtilization(d, &mut v, &mut period)),
            want
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetDecoderUtilization(d, &mut v, &mut period)),
            want
        );
        assert_eq!(nv!(lib.nvmlDeviceGetNumGpuCores(d, &mut v)), want);
        let (mut vt, mut count) = (0, 0);
        assert_eq!(
            nv!(lib.nvmlDeviceGetSamples(
                d,
                NVML_GPU_UTILIZATION_SAMPLES,
                0,
                &mut vt,
                &mut count,
                std::ptr::null_mut()
            )),
            want
        );
        let mut samples = [nvmlProcessUtilizationSample_t::default(); 8];
        let mut n = 8;
        let r = nv!(lib.nvmlDeviceGetProcessUtilization(d, samples.as_mut_ptr(), &mut n, 0));
        if gpu < 3 {
            assert_eq!(r, NVML_ERROR_NOT_SUPPORTED);
        }
        // Remapped rows: unsupported with active instances only.
        let (mut a, mut b, mut c, mut e) = (0, 0, 0, 0);
        let want_rows = if gpu < 2 {
            NVML_ERROR_NOT_SUPPORTED
        } else {
            NVML_SUCCESS
        };
        assert_eq!(
            nv!(lib.nvmlDeviceGetRemappedRows(d, &mut a, &mut b, &mut c, &mut e)),
            want_rows,
            "GPU {gpu}"
        );
    }
}

#[test]
fn with_mig_on_and_no_instance_no_process_runs_or_counts() {
    let (s, lib) = init(PROFILE);
    let d = dev(&lib, 2);
    let mut n = 0;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(d, &mut n, std::ptr::null_mut())),
        NVML_SUCCESS
    );
    assert_eq!(n, 0);
    // In MIG mode the GPU's memory is an aggregate only a privileged caller may read.
    let mut mem = nvmlMemory_v2_t {
        version: nvmlMemory_v2,
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlDeviceGetMemoryInfo_v2(d, &mut mem)),
        NVML_ERROR_NO_PERMISSION
    );
    s.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceGetMemoryInfo_v2(d, &mut mem)),
        NVML_SUCCESS
    );
    assert_eq!(mem.used, 0, "no process runs outside a MIG instance");
    // GPU 0's aggregate: each instance's 13 MiB context and the processes in them.
    let d0 = dev(&lib, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetMemoryInfo_v2(d0, &mut mem)),
        NVML_SUCCESS
    );
    assert_eq!(mem.used / MIB, 3 * 13 + 38912 + 512);
}

#[test]
fn the_loader_refuses_a_layout_no_driver_could_create_naming_the_entry() {
    let gpu0 = |instances: &str, enabled: bool| {
        format!(
            r#"{{"base": "dgx-h100", "gpus": [{{"mig_enabled": {enabled}, "mig_instances": {instances}}}]}}"#
        )
    };
    for (text, needles) in [
        (
            gpu0(r#"[{"profile": "5g.50gb", "placement": 0}]"#, true),
            &[
                "gpus[0].mig_instances[0]",
                "\"profile\"",
                "5g.50gb",
                "3g.40gb",
            ][..],
        ),
        (
            gpu0(r#"[{"profile": "3g.40gb", "placement": 2}]"#, true),
            &["gpus[0].mig_instances[0]", "\"placement\" 2", "[0, 4]"],
        ),
        (
            gpu0(
                r#"[{"profile": "3g.40gb", "placement": 4}, {"profile": "1g.10gb", "placement": 5}]"#,
                true,
            ),
            &["gpus[0].mig_instances[1]", "overlaps"],
        ),
        (
            gpu0(r#"[{"profile": "7g.80gb", "placement": 0}]"#, false),
            &["gpus[0].mig_instances", "mig_enabled"],
        ),
        (
            gpu0(
                r#"[{"profile": "3g.40gb", "placement": 0, "compute_instances": [{"slices": 2, "placement": 1}]}]"#,
                true,
            ),
            &[
                "gpus[0].mig_instances[0]",
                "compute_instances[0]",
                "3g.40gb",
            ],
        ),
        (
            gpu0(
                r#"[{"profile": "3g.40gb", "placement": 0, "compute_instances": [{"slices": 1, "placement": 0}, {"slices": 2, "placement": 0}]}]"#,
                true,
            ),
            &[
                "gpus[0].mig_instances[0]",
                "compute_instances[1]",
                "overlaps",
            ],
        ),
        (
            gpu0(r#"[{"profile": "3g.40gb", "slot": 0}]"#, true),
            &["gpus[0].mig_instances[0]", "slot"],
        ),
    ] {
        let err = nvml_mock::profile::parse_json(&text)
            .expect_err(&text)
            .to_string();
        for n in needles {
            assert!(err.contains(n), "{err:?} lacks {n:?} ({text})");
        }
    }
    nvml_mock::profile::parse_json(&gpu0(
        r#"[{"profile": "3g.40gb", "placement": 0, "compute_instances": [{"slices": 1, "placement": 0}, {"slices": 2, "placement": 1}]}]"#,
        true,
    ))
    .expect_err("a 2-slice compute instance starts at a multiple of 2");
    nvml_mock::profile::parse_json(&gpu0(
        r#"[{"profile": "3g.40gb", "placement": 0, "compute_instances": [{"slices": 2, "placement": 0}, {"slices": 1, "placement": 2}]}]"#,
        true,
    ))
    .expect("2c + 1c fit a 3g");
}
