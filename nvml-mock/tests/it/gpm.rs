//! GPM: support by architecture, sample buffers, metrics between two samples, MIG samples and
//! streaming.

use std::ffi::CStr;
use std::ptr::null_mut;
use std::time::Duration;

use crate::support::*;

fn supported(lib: &NvmlLib, d: nvmlDevice_t) -> u32 {
    let mut s = nvmlGpmSupport_t {
        version: NVML_GPM_SUPPORT_VERSION,
        isSupportedDevice: 9,
    };
    assert_eq!(nv!(lib.nvmlGpmQueryDeviceSupport(d, &mut s)), NVML_SUCCESS);
    s.isSupportedDevice
}

fn alloc(lib: &NvmlLib) -> nvmlGpmSample_t {
    let mut s: nvmlGpmSample_t = null_mut();
    assert_eq!(nv!(lib.nvmlGpmSampleAlloc(&mut s)), NVML_SUCCESS);
    assert!(!s.is_null());
    s
}

fn metrics(
    lib: &NvmlLib,
    s1: nvmlGpmSample_t,
    s2: nvmlGpmSample_t,
    ids: &[u32],
) -> (nvmlReturn_t, Box<nvmlGpmMetricsGet_t>) {
    // SAFETY: the struct is plain data (numbers and pointers): all-zero is a valid value.
    let mut mg: Box<nvmlGpmMetricsGet_t> = Box::new(unsafe { std::mem::zeroed() });
    mg.version = NVML_GPM_METRICS_GET_VERSION;
    mg.numMetrics = ids.len() as u32;
    mg.sample1 = s1;
    mg.sample2 = s2;
    for (m, id) in mg.metrics.iter_mut().zip(ids) {
        m.metricId = *id;
    }
    let r = nv!(lib.nvmlGpmMetricsGet(&mut *mg));
    (r, mg)
}

#[test]
fn hopper_supports_gpm_ampere_and_ada_do_not() {
    let (_s, lib) = init("dgx-h100");
    assert_eq!(supported(&lib, dev(&lib, 0)), 1);
    let mut s = nvmlGpmSupport_t {
        version: 2,
        isSupportedDevice: 0,
    };
    assert_eq!(
        nv!(lib.nvmlGpmQueryDeviceSupport(dev(&lib, 0), &mut s)),
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH
    );
    assert_eq!(
        nv!(lib.nvmlGpmQueryDeviceSupport(dev(&lib, 0), null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    for profile in ["dgx-a100", "workstation"] {
        let (_s, lib) = init(profile);
        let d = dev(&lib, 0);
        assert_eq!(
            supported(&lib, d),
            0,
            "{profile}: GPM is for Hopper and newer"
        );
        let s = alloc(&lib);
        assert_eq!(nv!(lib.nvmlGpmSampleGet(d, s)), NVML_ERROR_NOT_SUPPORTED);
        let mut state = 0u32;
        assert_eq!(
            nv!(lib.nvmlGpmQueryIfStreamingEnabled(d, &mut state)),
            NVML_ERROR_NOT_SUPPORTED
        );
        assert_eq!(nv!(lib.nvmlGpmSampleFree(s)), NVML_SUCCESS);
    }
}

#[test]
fn metrics_between_two_samples_follow_the_gpus_activity() {
    let (_s, lib) = init("dgx-h100");
    let busy = dev(&lib, 0); // 97% utilization, 41% memory, 18 NvLinks
    let idle = dev(&lib, 7);
    let ids = [
        NVML_GPM_METRIC_GRAPHICS_UTIL,
        NVML_GPM_METRIC_SM_UTIL,
        NVML_GPM_METRIC_SM_OCCUPANCY,
        NVML_GPM_METRIC_ANY_TENSOR_UTIL,
        NVML_GPM_METRIC_DRAM_BW_UTIL,
        NVML_GPM_METRIC_PCIE_TX_PER_SEC,
        NVML_GPM_METRIC_PCIE_RX_PER_SEC,
        NVML_GPM_METRIC_NVLINK_TOTAL_RX_PER_SEC,
        NVML_GPM_METRIC_NVLINK_L0_RX_PER_SEC,
        NVML_GPM_METRIC_NVLINK_L17_TX_PER_SEC,
        NVML_GPM_METRIC_C2C_TOTAL_TX_PER_SEC,
        14, // not a metric
    ];
    let (a, b, c) = (alloc(&lib), alloc(&lib), alloc(&lib));
    assert!(a != b && b != c);
    // Not yet sampled.
    assert_eq!(metrics(&lib, a, b, &ids).0, NVML_ERROR_INVALID_ARGUMENT);
    assert_eq!(nv!(lib.nvmlGpmSampleGet(busy, a)), NVML_SUCCESS);
    std::thread::sleep(Duration::from_millis(110));
    assert_eq!(nv!(lib.nvmlGpmSampleGet(busy, b)), NVML_SUCCESS);
    let (r, m) = metrics(&lib, a, b, &ids);
    assert_eq!(r, NVML_SUCCESS);
    let v = |i: usize| {
        assert_eq!(m.metrics[i].nvmlReturn, NVML_SUCCESS, "metric {}", ids[i]);
        m.metrics[i].value
    };
    assert!((94.0..=100.0).contains(&v(0)), "graphics {}", v(0));
    assert!(v(1) <= v(0) && v(1) > 85.0, "SM activity {}", v(1));
    assert!(v(2) > 40.0 && v(2) < v(1), "occupancy {}", v(2));
    assert!(v(3) > 0.0 && v(3) < v(1));
    assert!((38.0..=43.0).contains(&v(4)), "DRAM {}", v(4));
    assert!(v(5) > 300.0 && v(6) > v(5), "PCIe {} {}", v(5), v(6));
    assert!(
        (v(7) - 18.0 * v(8)).abs() < v(7) * 0.07,
        "total NvLink = 18 links (each +-3%)"
    );
    assert!(v(8) > 1_000.0 && v(9) > 1_000.0);
    assert_eq!(
        m.metrics[10].nvmlReturn, NVML_ERROR_NOT_SUPPORTED,
        "no C2C on an SXM5 board"
    );
    assert_eq!(m.metrics[11].nvmlReturn, NVML_ERROR_NOT_SUPPORTED);
    // SAFETY: the mock points the names at static NUL-terminated strings.
    let unit = unsafe { CStr::from_ptr(m.metrics[5].metricInfo.unit) };
    assert_eq!(unit.to_str().unwrap(), "MiB/sec");
    // A later sample: the interval a..c is valid too and stays in range.
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(nv!(lib.nvmlGpmSampleGet(busy, c)), NVML_SUCCESS);
    let (r, m2) = metrics(&lib, a, c, &ids[..2]);
    assert_eq!(r, NVML_SUCCESS);
    assert!((94.0..=100.0).contains(&m2.metrics[0].value));
    // Reversed, or the same sample twice: no interval.
    assert_eq!(metrics(&lib, b, a, &ids).0, NVML_ERROR_INVALID_ARGUMENT);
    assert_eq!(metrics(&lib, a, a, &ids).0, NVML_ERROR_INVALID_ARGUMENT);
    // Samples of two different GPUs do not make an interval; an idle GPU reads idle.
    assert_eq!(nv!(lib.nvmlGpmSampleGet(idle, c)), NVML_SUCCESS);
    assert_eq!(metrics(&lib, a, c, &ids).0, NVML_ERROR_INVALID_ARGUMENT);
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(nv!(lib.nvmlGpmSampleGet(idle, b)), NVML_SUCCESS);
    let (r, m3) = metrics(&lib, c, b, &ids[..2]);
    assert_eq!((r, m3.metrics[0].value), (NVML_SUCCESS, 0.0));
    // Wrong version, too many metrics.
    let (_, mut mg) = metrics(&lib, c, b, &ids);
    mg.version = 2;
    assert_eq!(
        nv!(lib.nvmlGpmMetricsGet(&mut *mg)),
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH
    );
    mg.version = NVML_GPM_METRICS_GET_VERSION;
    mg.numMetrics = NVML_GPM_METRIC_MAX + 1;
    assert_eq!(
        nv!(lib.nvmlGpmMetricsGet(&mut *mg)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlGpmMetricsGet(null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    for s in [a, b, c] {
        assert_eq!(nv!(lib.nvmlGpmSampleFree(s)), NVML_SUCCESS);
    }
}

#[test]
fn sample_handles_are_validated_and_freed_ones_rejected() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 1);
    assert_eq!(
        nv!(lib.nvmlGpmSampleAlloc(null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let s = alloc(&lib);
    assert_eq!(nv!(lib.nvmlGpmSampleGet(d, s)), NVML_SUCCESS);
    assert_eq!(nv!(lib.nvmlGpmSampleFree(s)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlGpmSampleFree(s)),
        NVML_ERROR_INVALID_ARGUMENT,
        "double free"
    );
    assert_eq!(
        nv!(lib.nvmlGpmSampleGet(d, s)),
        NVML_ERROR_INVALID_ARGUMENT,
        "use after free"
    );
    let mut local = 0u8;
    let bogus: nvmlGpmSample_t = (&mut local as *mut u8).cast();
    assert_eq!(
        nv!(lib.nvmlGpmSampleGet(d, bogus)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlGpmSampleFree(bogus)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlGpmSampleFree(null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    // A freed slot is reused by the next allocation.
    let again = alloc(&lib);
    assert_eq!(again, s);
    // Streaming state.
    let mut state = 9u32;
    assert_eq!(
        nv!(lib.nvmlGpmQueryIfStreamingEnabled(d, &mut state)),
        NVML_SUCCESS
    );
    assert_eq!(state, NVML_FEATURE_DISABLED);
    assert_eq!(nv!(lib.nvmlGpmSetStreamingEnabled(d, 1)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlGpmQueryIfStreamingEnabled(d, &mut state)),
        NVML_SUCCESS
    );
    assert_eq!(state, NVML_FEATURE_ENABLED);
    assert_eq!(
        nv!(lib.nvmlGpmSetStreamingEnabled(d, 2)),
        NVML_ERROR_INVALID_ARGUMENT
    );
}

#[test]
fn mig_samples_cover_a_gpu_instance() {
    let (staged, lib) = init("dgx-h100");
    staged.set_root(true).unwrap();
    let d = dev(&lib, 0);
    let s1 = alloc(&lib);
    assert_eq!(
        nv!(lib.nvmlGpmMigSampleGet(d, 1, s1)),
        NVML_ERROR_NOT_SUPPORTED,
        "MIG is off"
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
    let mut gi_info = nvmlGpuInstanceInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlGpuInstanceGetInfo(gi, &mut gi_info)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlGpmMigSampleGet(d, gi_info.id + 1, s1)),
        NVML_ERROR_NOT_FOUND
    );
    let (s2, w1, w2) = (alloc(&lib), alloc(&lib), alloc(&lib));
    assert_eq!(
        nv!(lib.nvmlGpmMigSampleGet(d, gi_info.id, s1)),
        NVML_SUCCESS
    );
    assert_eq!(nv!(lib.nvmlGpmSampleGet(d, w1)), NVML_SUCCESS);
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(
        nv!(lib.nvmlGpmMigSampleGet(d, gi_info.id, s2)),
        NVML_SUCCESS
    );
    assert_eq!(nv!(lib.nvmlGpmSampleGet(d, w2)), NVML_SUCCESS);
    let ids = [NVML_GPM_METRIC_SM_UTIL, NVML_GPM_METRIC_PCIE_RX_PER_SEC];
    let (r, part) = metrics(&lib, s1, s2, &ids);
    assert_eq!(r, NVML_SUCCESS);
    let (r, whole) = metrics(&lib, w1, w2, &ids);
    assert_eq!(r, NVML_SUCCESS);
    assert!(part.metrics[0].value <= 100.0);
    assert!(
        part.metrics[1].value < whole.metrics[1].value,
        "a 4-slice instance moves part of the GPU's traffic"
    );
    // A MIG sample and a whole-GPU sample are not one interval.
    assert_eq!(metrics(&lib, s1, w2, &ids).0, NVML_ERROR_INVALID_ARGUMENT);
}
