//! The default profile, read through nvml-sys's loader like any client: an 8-GPU DGX H100.

use std::collections::HashSet;
use std::ffi::c_char;
use std::ptr::null_mut;

use crate::support::*;

#[test]
fn calls_before_init_are_uninitialized_and_init_is_reference_counted() {
    let staged = Staged::with_profile("dgx-h100").unwrap();
    let lib = load(&staged);
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetCount_v2(&mut n)),
        NVML_ERROR_UNINITIALIZED
    );
    // Unmodeled functions check initialisation first, too.
    assert_eq!(
        nv!(lib.nvmlGpmQueryDeviceSupport(null_mut(), null_mut())),
        NVML_ERROR_UNINITIALIZED
    );
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_ERROR_UNINITIALIZED);

    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    assert_eq!(nv!(lib.nvmlInitWithFlags(0)), NVML_SUCCESS);
    assert_eq!(staged.init_refcount(), Ok(2));
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
    // One reference left: still usable.
    assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
    assert_eq!(n, 8);
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlDeviceGetCount_v2(&mut n)),
        NVML_ERROR_UNINITIALIZED
    );
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_ERROR_UNINITIALIZED);
}

#[test]
fn unmodeled_functions_are_exported_and_not_supported() {
    let (_s, lib) = init("dgx-h100");
    let avail = lib.function_availability();
    assert!(
        avail.iter().all(|(_, ok)| *ok),
        "every header function is exported"
    );
    let d = dev(&lib, 0);
    let mut on = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetBankRemapperStatus_v1(d, null_mut())),
        NVML_ERROR_NOT_SUPPORTED
    );
    // Modeled, but a bare-metal H100 is no vGPU host.
    assert_eq!(
        nv!(lib.nvmlDeviceGetVgpuHeterogeneousMode(d, null_mut())),
        NVML_ERROR_NOT_SUPPORTED
    );
    let _ = &mut on;
}

#[test]
fn eight_h100s_with_distinct_identities() {
    let (_s, lib) = init("dgx-h100");
    let mut n = 0u32;
    assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
    assert_eq!(n, 8);
    let mut uuids = HashSet::new();
    let mut serials = HashSet::new();
    let mut buses = HashSet::new();
    let mut minors = HashSet::new();
    let mut boards = HashSet::new();
    for i in 0..n {
        let d = dev(&lib, i);
        let (r, name) = get_string(*lib.nvmlDeviceGetName.as_ref().unwrap(), d, 96);
        assert_eq!(r, NVML_SUCCESS);
        assert_eq!(name, "NVIDIA H100 80GB HBM3");
        let (r, uuid) = get_string(*lib.nvmlDeviceGetUUID.as_ref().unwrap(), d, 80);
        assert_eq!(r, NVML_SUCCESS);
        let groups: Vec<usize> = uuid
            .trim_start_matches("GPU-")
            .split('-')
            .map(str::len)
            .collect();
        assert!(uuid.starts_with("GPU-"), "{uuid}");
        assert_eq!(groups, [8, 4, 4, 4, 12], "{uuid}");
        assert!(uuid[4..].chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        uuids.insert(uuid.clone());
        let (r, serial) = get_string(*lib.nvmlDeviceGetSerial.as_ref().unwrap(), d, 30);
        assert_eq!(r, NVML_SUCCESS);
        serials.insert(serial.clone());

        let mut idx = 99u32;
        assert_eq!(nv!(lib.nvmlDeviceGetIndex(d, &mut idx)), NVML_SUCCESS);
        assert_eq!(idx, i);
        let mut minor = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetMinorNumber(d, &mut minor)),
            NVML_SUCCESS
        );
        minors.insert(minor);
        let mut board = 0u32;
        assert_eq!(nv!(lib.nvmlDeviceGetBoardId(d, &mut board)), NVML_SUCCESS);
        boards.insert(board);

        let mut pci = nvmlPciInfo_t::default();
        assert_eq!(nv!(lib.nvmlDeviceGetPciInfo_v3(d, &mut pci)), NVML_SUCCESS);
        let bus_id = cstr(&pci.busId);
        assert_eq!(bus_id, format!("00000000:{:02X}:00.0", pci.bus));
        assert_eq!(cstr(&pci.busIdLegacy), format!("0000:{:02X}:00.0", pci.bus));
        assert_eq!(pci.pciDeviceId, 0x2330_10de);
        buses.insert(bus_id.clone());

        // Every lookup finds the same handle back.
        let c_uuid = std::ffi::CString::new(uuid).unwrap();
        let mut h = null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceGetHandleByUUID(c_uuid.as_ptr(), &mut h)),
            NVML_SUCCESS
        );
        assert_eq!(h, d);
        let c_serial = std::ffi::CString::new(serial).unwrap();
        let mut h = null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceGetHandleBySerial(c_serial.as_ptr(), &mut h)),
            NVML_SUCCESS
        );
        assert_eq!(h, d);
        let c_bus = std::ffi::CString::new(bus_id).unwrap();
        let mut h = null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceGetHandleByPciBusId_v2(c_bus.as_ptr(), &mut h)),
            NVML_SUCCESS
        );
        assert_eq!(h, d);
        let legacy = std::ffi::CString::new(cstr(&pci.busIdLegacy).to_lowercase()).unwrap();
        let mut h = null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceGetHandleByPciBusId_v2(legacy.as_ptr(), &mut h)),
            NVML_SUCCESS
        );
        assert_eq!(h, d);

        let mut arch = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetArchitecture(d, &mut arch)),
            NVML_SUCCESS
        );
        assert_eq!(arch, NVML_DEVICE_ARCH_HOPPER);
        let (mut ma, mut mi) = (0, 0);
        assert_eq!(
            nv!(lib.nvmlDeviceGetCudaComputeCapability(d, &mut ma, &mut mi)),
            NVML_SUCCESS
        );
        assert_eq!((ma, mi), (9, 0));
        let mut brand = 0u32;
        assert_eq!(nv!(lib.nvmlDeviceGetBrand(d, &mut brand)), NVML_SUCCESS);
        assert_eq!(brand, NVML_BRAND_NVIDIA);
    }
    for len in [
        uuids.len(),
        serials.len(),
        buses.len(),
        minors.len(),
        boards.len(),
    ] {
        assert_eq!(len, 8, "distinct per GPU");
    }
}

#[test]
fn bad_handles_indices_and_null_pointers_are_invalid_argument() {
    let (_s, lib) = init("dgx-h100");
    let mut d = null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByIndex_v2(8, &mut d)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByIndex_v2(0, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let mut x = 0u32;
    let bogus = 0x1234usize as nvmlDevice_t;
    assert_eq!(
        nv!(lib.nvmlDeviceGetIndex(bogus, &mut x)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetIndex(null_mut(), &mut x)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let d0 = dev(&lib, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetIndex(d0, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetName(d0, null_mut(), 64)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByUUID(std::ptr::null(), &mut d)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByUUID(c"GPU-nope".as_ptr(), &mut d)),
        NVML_ERROR_NOT_FOUND
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetMemoryInfo(d0, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    // A buffer too small for the name: INSUFFICIENT_SIZE, nothing half-written is claimed.
    let mut small = [0 as c_char; 8];
    assert_eq!(
        nv!(lib.nvmlDeviceGetName(d0, small.as_mut_ptr(), 8)),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
}

#[test]
fn versions_and_process_names() {
    let (_s, lib) = init("dgx-h100");
    let mut buf = [0 as c_char; 80];
    assert_eq!(
        nv!(lib.nvmlSystemGetDriverVersion(buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    let driver = cstr(&buf);
    assert_eq!(driver, "580.65.06");
    assert_eq!(
        nv!(lib.nvmlSystemGetNVMLVersion(buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    assert!(
        cstr(&buf).ends_with(&driver),
        "NVML version embeds the driver version"
    );
    let mut cuda = 0;
    assert_eq!(
        nv!(lib.nvmlSystemGetCudaDriverVersion_v2(&mut cuda)),
        NVML_SUCCESS
    );
    assert_eq!(cuda, 13000);
    let mut procs = [nvmlProcessInfo_t::default(); 8];
    let mut n = 8u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(dev(&lib, 0), &mut n, procs.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert!(n >= 1);
    for p in &procs[..n as usize] {
        assert_eq!(
            nv!(lib.nvmlSystemGetProcessName(p.pid, buf.as_mut_ptr(), 80)),
            NVML_SUCCESS
        );
        assert!(!cstr(&buf).is_empty());
    }
    assert_eq!(
        nv!(lib.nvmlSystemGetProcessName(1, buf.as_mut_ptr(), 80)),
        NVML_ERROR_NOT_FOUND
    );
}

#[test]
fn memory_v1_and_v2_agree_and_match_processes() {
    let (_s, lib) = init("dgx-h100");
    for i in 0..8 {
        let d = dev(&lib, i);
        let mut m1 = nvmlMemory_t::default();
        assert_eq!(nv!(lib.nvmlDeviceGetMemoryInfo(d, &mut m1)), NVML_SUCCESS);
        assert_eq!(m1.total, 81_559 * 1024 * 1024);
        assert_eq!(m1.free + m1.used, m1.total);
        let mut m2 = nvmlMemory_v2_t {
            version: nvmlMemory_v2,
            ..Default::default()
        };
        assert_eq!(
            nv!(lib.nvmlDeviceGetMemoryInfo_v2(d, &mut m2)),
            NVML_SUCCESS
        );
        assert_eq!(m2.total, m1.total);
        assert_eq!(m2.free + m2.used + m2.reserved, m2.total);
        assert_eq!(
            m2.used + m2.reserved,
            m1.used,
            "v1 used = v2 used + reserved"
        );
        let mut n = 0u32;
        let r = nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(d, &mut n, null_mut()));
        let mut procs = vec![nvmlProcessInfo_t::default(); n as usize];
        if n > 0 {
            assert_eq!(r, NVML_ERROR_INSUFFICIENT_SIZE);
            assert_eq!(
                nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(d, &mut n, procs.as_mut_ptr())),
                NVML_SUCCESS
            );
        } else {
            assert_eq!(r, NVML_SUCCESS);
        }
        let sum: u64 = procs.iter().map(|p| p.usedGpuMemory).sum();
        assert!(
            m2.used >= sum && m2.used - sum < 64 * 1024 * 1024,
            "used memory is the processes' plus a little"
        );
        let mut bar1 = nvmlBAR1Memory_t::default();
        assert_eq!(
            nv!(lib.nvmlDeviceGetBAR1MemoryInfo(d, &mut bar1)),
            NVML_SUCCESS
        );
        assert_eq!(bar1.bar1Free + bar1.bar1Used, bar1.bar1Total);
    }
    // A wrong struct version is refused like the real library: FUNCTION_NOT_FOUND, as
    // public reports of real drivers show for a bare 2 (nvidia-settings#78, pynvml#59,
    // dxvk-nvapi#198), where other versioned structs answer ARGUMENT_VERSION_MISMATCH.
    for version in [2, 1 << 24, nvmlMemory_v2 + 1] {
        let mut bad = nvmlMemory_v2_t {
            version,
            ..Default::default()
        };
        assert_eq!(
            nv!(lib.nvmlDeviceGetMemoryInfo_v2(dev(&lib, 0), &mut bad)),
            NVML_ERROR_FUNCTION_NOT_FOUND,
            "version {version:#x}"
        );
        assert_eq!(bad.total, 0, "nothing written");
    }
}

#[test]
fn process_lists_in_all_three_layouts() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut v1 = [nvmlProcessInfo_v1_t::default(); 4];
    let mut n1 = 4u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses(d, &mut n1, v1.as_mut_ptr())),
        NVML_SUCCESS
    );
    let mut v2 = [nvmlProcessInfo_v2_t::default(); 4];
    let mut n2 = 4u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v2(d, &mut n2, v2.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(n1, 2);
    assert_eq!(n2, 2);
    for k in 0..2 {
        assert_eq!(v1[k].pid, v2[k].pid);
        assert_eq!(v1[k].usedGpuMemory, v2[k].usedGpuMemory);
        assert_eq!(
            v2[k].gpuInstanceId,
            u32::MAX,
            "no MIG: NVML_VALUE_NOT_AVAILABLE"
        );
    }
    // Too small a buffer: the needed count comes back.
    let mut one = [nvmlProcessInfo_t::default(); 1];
    let mut n = 1u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(d, &mut n, one.as_mut_ptr())),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    assert_eq!(n, 2);
    // No graphics or MPS processes on a DGX; an idle GPU has no compute process.
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetGraphicsRunningProcesses_v3(d, &mut n, null_mut())),
        NVML_SUCCESS
    );
    assert_eq!(n, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetMPSComputeRunningProcesses_v3(d, &mut n, null_mut())),
        NVML_SUCCESS
    );
    assert_eq!(n, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(dev(&lib, 7), &mut n, null_mut())),
        NVML_SUCCESS
    );
    assert_eq!(n, 0);
}

#[test]
fn thermals_power_energy_and_clocks_are_consistent() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut t = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTemperature(d, NVML_TEMPERATURE_GPU, &mut t)),
        NVML_SUCCESS
    );
    let mut slow = 0u32;
    let mut shut = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTemperatureThreshold(
            d,
            NVML_TEMPERATURE_THRESHOLD_SLOWDOWN,
            &mut slow
        )),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetTemperatureThreshold(
            d,
            NVML_TEMPERATURE_THRESHOLD_SHUTDOWN,
            &mut shut
        )),
        NVML_SUCCESS
    );
    assert!(20 < t && t < slow && slow < shut);
    // H100 SXM has no fans.
    let mut fan = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetFanSpeed(d, &mut fan)),
        NVML_ERROR_NOT_SUPPORTED
    );

    let (mut usage, mut limit, mut def, mut enforced, mut min, mut max) = (0, 0, 0, 0, 0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerUsage(d, &mut usage)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut limit)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementDefaultLimit(d, &mut def)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetEnforcedPowerLimit(d, &mut enforced)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetPowerManagementLimitConstraints(d, &mut min, &mut max)),
        NVML_SUCCESS
    );
    assert_eq!(
        (limit, def, enforced, max),
        (700_000, 700_000, 700_000, 700_000)
    );
    assert!(min < limit && usage > 0 && usage <= limit);

    let mut e1 = 0u64;
    let mut e2 = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEnergyConsumption(d, &mut e1)),
        NVML_SUCCESS
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEnergyConsumption(d, &mut e2)),
        NVML_SUCCESS
    );
    assert!(e2 > e1, "energy only grows: {e1} -> {e2}");

    for ty in [
        NVML_CLOCK_GRAPHICS,
        NVML_CLOCK_SM,
        NVML_CLOCK_MEM,
        NVML_CLOCK_VIDEO,
    ] {
        let (mut cur, mut mx, mut app, mut dapp) = (0, 0, 0, 0);
        assert_eq!(
            nv!(lib.nvmlDeviceGetClockInfo(d, ty, &mut cur)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetMaxClockInfo(d, ty, &mut mx)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetApplicationsClock(d, ty, &mut app)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetDefaultApplicationsClock(d, ty, &mut dapp)),
            NVML_SUCCESS
        );
        assert!(0 < cur && cur <= mx && app <= mx && dapp <= mx);
    }
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetSupportedMemoryClocks(d, &mut n, null_mut())),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    let mut mems = vec![0u32; n as usize];
    assert_eq!(
        nv!(lib.nvmlDeviceGetSupportedMemoryClocks(d, &mut n, mems.as_mut_ptr())),
        NVML_SUCCESS
    );
    let mut g = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetSupportedGraphicsClocks(d, mems[0], &mut g, null_mut())),
        NVML_ERROR_INSUFFICIENT_SIZE
    );
    let mut gr = vec![0u32; g as usize];
    assert_eq!(
        nv!(lib.nvmlDeviceGetSupportedGraphicsClocks(d, mems[0], &mut g, gr.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(gr[0], 1980);
    assert!(gr.windows(2).all(|w| w[0] > w[1]), "highest first");

    let mut p = 99u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPerformanceState(d, &mut p)),
        NVML_SUCCESS
    );
    assert_eq!(p, NVML_PSTATE_0);
    let mut reasons = 0u64;
    let mut supported = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetCurrentClocksEventReasons(d, &mut reasons)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetSupportedClocksEventReasons(d, &mut supported)),
        NVML_SUCCESS
    );
    assert_eq!(reasons & !supported, 0);
}

#[test]
fn utilization_pcie_ecc_modes_and_nvlink() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut u = nvmlUtilization_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetUtilizationRates(d, &mut u)),
        NVML_SUCCESS
    );
    assert!(
        u.gpu <= 100 && u.memory <= 100 && u.gpu > 0,
        "GPU 0 is busy"
    );
    let (mut enc, mut period) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetEncoderUtilization(d, &mut enc, &mut period)),
        NVML_SUCCESS
    );
    assert!(enc <= 100 && period > 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetDecoderUtilization(d, &mut enc, &mut period)),
        NVML_SUCCESS
    );

    let (mut gen_, mut width, mut mgen, mut mwidth) = (0, 0, 0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetCurrPcieLinkGeneration(d, &mut gen_)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetCurrPcieLinkWidth(d, &mut width)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetMaxPcieLinkGeneration(d, &mut mgen)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetMaxPcieLinkWidth(d, &mut mwidth)),
        NVML_SUCCESS
    );
    assert_eq!((gen_, width, mgen, mwidth), (5, 16, 5, 16));
    let mut tx = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPcieThroughput(d, NVML_PCIE_UTIL_TX_BYTES, &mut tx)),
        NVML_SUCCESS
    );
    let mut replay = 9u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetPcieReplayCounter(d, &mut replay)),
        NVML_SUCCESS
    );
    assert_eq!(replay, 0);

    let (mut cur, mut pend) = (0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetPersistenceMode(d, &mut cur)),
        NVML_SUCCESS
    );
    assert_eq!(cur, NVML_FEATURE_ENABLED);
    assert_eq!(nv!(lib.nvmlDeviceGetComputeMode(d, &mut cur)), NVML_SUCCESS);
    assert_eq!(cur, NVML_COMPUTEMODE_DEFAULT);
    assert_eq!(
        nv!(lib.nvmlDeviceGetEccMode(d, &mut cur, &mut pend)),
        NVML_SUCCESS
    );
    assert_eq!((cur, pend), (NVML_FEATURE_ENABLED, NVML_FEATURE_ENABLED));
    let mut ecc = 7u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEccErrors(
            d,
            NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
            NVML_VOLATILE_ECC,
            &mut ecc
        )),
        NVML_SUCCESS
    );
    assert_eq!(ecc, 0);
    let (mut corr, mut unc, mut pending, mut failed) = (9, 9, 9, 9);
    assert_eq!(
        nv!(lib.nvmlDeviceGetRemappedRows(d, &mut corr, &mut unc, &mut pending, &mut failed)),
        NVML_SUCCESS
    );
    assert_eq!((corr, unc, pending, failed), (0, 0, 0, 0));
    let mut pages = 5u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetRetiredPages(
            d,
            NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR,
            &mut pages,
            null_mut()
        )),
        NVML_ERROR_NOT_SUPPORTED,
        "an H100 remaps rows instead of retiring pages"
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetMigMode(d, &mut cur, &mut pend)),
        NVML_SUCCESS
    );
    assert_eq!(
        (cur, pend),
        (NVML_DEVICE_MIG_DISABLE, NVML_DEVICE_MIG_DISABLE)
    );

    for link in 0..18 {
        let mut active = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetNvLinkState(d, link, &mut active)),
            NVML_SUCCESS
        );
        assert_eq!(active, NVML_FEATURE_ENABLED);
    }
    // A link number NVML has but this GPU lacks (nvidia-smi walks them all), then one past
    // NVML's numbering.
    let mut active = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkState(d, 18, &mut active)),
        NVML_ERROR_NOT_SUPPORTED
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetNvLinkState(d, NVML_NVLINK_MAX_LINKS, &mut active)),
        NVML_ERROR_INVALID_ARGUMENT
    );
}

#[test]
fn topology_and_affinity_follow_numa_nodes() {
    let (_s, lib) = init(&pinned_affinity("dgx-h100"));
    let (d0, d1, d7) = (dev(&lib, 0), dev(&lib, 1), dev(&lib, 7));
    let mut level = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTopologyCommonAncestor(d0, d1, &mut level)),
        NVML_SUCCESS
    );
    assert_eq!(level, NVML_TOPOLOGY_NODE);
    assert_eq!(
        nv!(lib.nvmlDeviceGetTopologyCommonAncestor(d0, d7, &mut level)),
        NVML_SUCCESS
    );
    assert_eq!(level, NVML_TOPOLOGY_SYSTEM);
    // nvml.h: "count: When zero, is set to the number of matching GPUs such that
    // deviceArray can be malloc'd"; SUCCESS "if deviceArray or count (if initially zero) has
    // been set" (nvidia-ml-py sizes its buffer this way).
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTopologyNearestGpus(d0, NVML_TOPOLOGY_NODE, &mut n, null_mut())),
        NVML_SUCCESS
    );
    assert_eq!(n, 3);
    let mut one = [null_mut(); 1];
    let mut cap = 1u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTopologyNearestGpus(
            d0,
            NVML_TOPOLOGY_NODE,
            &mut cap,
            one.as_mut_ptr()
        )),
        NVML_SUCCESS,
        "a non-zero count is the capacity: filled with that many handles"
    );
    assert_eq!(cap, 1);
    let mut near = vec![null_mut(); n as usize];
    assert_eq!(
        nv!(lib.nvmlDeviceGetTopologyNearestGpus(
            d0,
            NVML_TOPOLOGY_NODE,
            &mut n,
            near.as_mut_ptr()
        )),
        NVML_SUCCESS
    );
    assert!(near.contains(&d1) && !near.contains(&d0) && !near.contains(&d7));

    let mut set = [0u64; 4];
    assert_eq!(
        nv!(lib.nvmlDeviceGetCpuAffinity(d0, 4, set.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(set[0], u64::MAX >> 8, "CPUs 0-55 of socket 0");
    assert_eq!(
        nv!(lib.nvmlDeviceGetCpuAffinity(d7, 4, set.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(set[0], 0xff << 56, "CPUs 56-63 belong to socket 1");
}

#[test]
fn affinity_fits_the_host_cpus_by_default() {
    // SLURM's autodetect refuses a GPU whose CPU mask names a CPU the machine lacks, so by
    // default the profile's two NUMA nodes are laid over the CPUs this process may use.
    let host = host_cpus();
    let (_s, lib) = init("dgx-h100");
    let p = nvml_mock::profile::builtin("dgx-h100").unwrap();
    let mut masks = Vec::new();
    for (i, g) in p.gpus.iter().enumerate() {
        let d = dev(&lib, i as u32);
        let mut set = [0u64; 16];
        assert_eq!(
            nv!(lib.nvmlDeviceGetCpuAffinity(d, 16, set.as_mut_ptr())),
            NVML_SUCCESS
        );
        let mut scoped = [0u64; 16];
        for scope in [NVML_AFFINITY_SCOPE_NODE, NVML_AFFINITY_SCOPE_SOCKET] {
            assert_eq!(
                nv!(lib.nvmlDeviceGetCpuAffinityWithinScope(d, 16, scoped.as_mut_ptr(), scope)),
                NVML_SUCCESS
            );
            assert_eq!(scoped, set);
        }
        let cpus = bit_set_members(&set);
        assert!(!cpus.is_empty(), "GPU {i} is near some CPU");
        assert!(
            cpus.iter().all(|c| host.contains(c)),
            "GPU {i}: {cpus:?} not in {host:?}"
        );
        masks.push((g.numa_node, cpus));
    }
    for (node, cpus) in &masks {
        for (other, theirs) in &masks {
            if node == other {
                assert_eq!(cpus, theirs, "GPUs of one node share its CPUs");
            } else if host.len() >= p.numa_cpus.len() {
                assert!(
                    cpus.iter().all(|c| !theirs.contains(c)),
                    "{cpus:?} {theirs:?}"
                );
            }
        }
    }
    let mut covered: Vec<u32> = masks.iter().flat_map(|(_, c)| c.clone()).collect();
    covered.sort_unstable();
    covered.dedup();
    assert_eq!(covered, host, "the two nodes hold every CPU of the host");
    // Each CPU of the host names the GPUs of its node.
    for cpu in &host {
        let mut n = 8u32;
        let mut gpus = [null_mut(); 8];
        assert_eq!(
            nv!(lib.nvmlSystemGetTopologyGpuSet(*cpu, &mut n, gpus.as_mut_ptr())),
            NVML_SUCCESS
        );
        let want: Vec<_> = masks
            .iter()
            .enumerate()
            .filter(|(_, (_, c))| c.contains(cpu))
            .map(|(i, _)| dev(&lib, i as u32))
            .collect();
        assert_eq!(&gpus[..n as usize], want.as_slice(), "CPU {cpu}");
    }
    // The memory node is one the host has, holding the GPU's first CPU.
    for (i, (_, cpus)) in masks.iter().enumerate() {
        let mut nodes = [0u64; 4];
        assert_eq!(
            nv!(lib.nvmlDeviceGetMemoryAffinity(
                dev(&lib, i as u32),
                4,
                nodes.as_mut_ptr(),
                NVML_AFFINITY_SCOPE_NODE
            )),
            NVML_SUCCESS
        );
        let nodes = bit_set_members(&nodes);
        assert_eq!(nodes.len(), 1, "GPU {i}: {nodes:?}");
        let sys = format!("/sys/devices/system/node/node{}/cpulist", nodes[0]);
        if let Ok(list) = std::fs::read_to_string(&sys) {
            let first = cpus[0].to_string();
            assert!(
                list.trim().split(',').any(|r| {
                    let (lo, hi) = r.split_once('-').unwrap_or((r, r));
                    (lo.parse::<u32>().unwrap()..=hi.parse().unwrap()).contains(&cpus[0])
                }),
                "CPU {first} is not on node {} ({list})",
                nodes[0]
            );
        } else {
            assert_eq!(nodes, [0], "a host without NUMA information has node 0");
        }
    }
}

#[test]
fn field_values_and_samples() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    // SAFETY: nvmlFieldValue_t is plain data; all-zero is a valid value.
    let mut fv: [nvmlFieldValue_t; 4] = unsafe { std::mem::zeroed() };
    fv[0].fieldId = NVML_FI_DEV_NVLINK_LINK_COUNT;
    fv[1].fieldId = NVML_FI_DEV_POWER_CURRENT_LIMIT;
    fv[2].fieldId = NVML_FI_DEV_ECC_CURRENT;
    fv[3].fieldId = 100_000;
    assert_eq!(
        nv!(lib.nvmlDeviceGetFieldValues(d, 4, fv.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(fv[0].nvmlReturn, NVML_SUCCESS);
    assert_eq!(fv[0].valueType, NVML_VALUE_TYPE_UNSIGNED_INT);
    // SAFETY: valueType says which union member is set.
    assert_eq!(unsafe { fv[0].value.uiVal }, 18);
    // SAFETY: as above.
    assert_eq!(unsafe { fv[1].value.uiVal }, 700_000);
    // SAFETY: as above.
    assert_eq!(unsafe { fv[2].value.uiVal }, 1);
    assert_eq!(fv[3].nvmlReturn, NVML_ERROR_NOT_SUPPORTED);

    let mut vt = 99u32;
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetSamples(
            d,
            NVML_GPU_UTILIZATION_SAMPLES,
            0,
            &mut vt,
            &mut n,
            null_mut()
        )),
        NVML_SUCCESS
    );
    assert!(n > 0);
    // SAFETY: nvmlSample_t is plain data.
    let mut samples = vec![unsafe { std::mem::zeroed::<nvmlSample_t>() }; n as usize];
    assert_eq!(
        nv!(lib.nvmlDeviceGetSamples(
            d,
            NVML_GPU_UTILIZATION_SAMPLES,
            0,
            &mut vt,
            &mut n,
            samples.as_mut_ptr()
        )),
        NVML_SUCCESS
    );
    assert_eq!(vt, NVML_VALUE_TYPE_UNSIGNED_INT);
    let got = &samples[..n as usize];
    assert!(got.windows(2).all(|w| w[0].timeStamp < w[1].timeStamp));
    // SAFETY: the value type is unsigned int.
    assert!(got.iter().all(|s| unsafe { s.sampleValue.uiVal } <= 100));
    // Asking for samples after the newest one gives none.
    let last = got[got.len() - 1].timeStamp;
    let mut n2 = n;
    assert_eq!(
        nv!(lib.nvmlDeviceGetSamples(
            d,
            NVML_GPU_UTILIZATION_SAMPLES,
            last,
            &mut vt,
            &mut n2,
            samples.as_mut_ptr()
        )),
        NVML_ERROR_NOT_FOUND
    );
}

#[test]
fn error_strings_work_without_init() {
    let staged = Staged::new().unwrap();
    let lib = load(&staged);
    let text = |code| {
        let s = nv!(lib.nvmlErrorString(code));
        // SAFETY: nvmlErrorString returns a static NUL-terminated string.
        let c = unsafe { std::ffi::CStr::from_ptr(s) };
        c.to_str().unwrap().to_string()
    };
    assert_eq!(text(NVML_ERROR_NOT_SUPPORTED), "Not Supported");
    assert_eq!(text(12345), "Unknown Error");
}

#[test]
fn staged_copies_are_independent() {
    let (a, la) = init("dgx-h100");
    let b = Staged::with_profile("workstation").unwrap();
    let lb = load(&b);
    assert_ne!(a.path(), b.path());
    assert_eq!(nv!(lb.nvmlInit_v2()), NVML_SUCCESS);
    let (mut na, mut nb) = (0, 0);
    assert_eq!(nv!(la.nvmlDeviceGetCount_v2(&mut na)), NVML_SUCCESS);
    assert_eq!(nv!(lb.nvmlDeviceGetCount_v2(&mut nb)), NVML_SUCCESS);
    assert_eq!((na, nb), (8, 1));
    assert_eq!(nv!(lb.nvmlShutdown()), NVML_SUCCESS);
    assert_eq!(
        nv!(la.nvmlDeviceGetCount_v2(&mut na)),
        NVML_SUCCESS,
        "a is still initialised"
    );
    assert_eq!(a.dir(), a.path().parent().unwrap());
    assert_eq!(a.path().file_name().unwrap(), "libnvidia-ml.so.1");
}
