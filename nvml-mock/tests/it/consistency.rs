//! Answers that must agree with each other, as a client cross-checking NVML would expect.

use std::ffi::c_char;
use std::ptr::null_mut;

use crate::support::*;

#[test]
fn pci_views_agree() {
    let (_s, lib) = init("dgx-h100");
    for i in 0..8 {
        let d = dev(&lib, i);
        let mut v3 = nvmlPciInfo_t::default();
        let mut v1 = nvmlPciInfo_t::default();
        assert_eq!(nv!(lib.nvmlDeviceGetPciInfo_v3(d, &mut v3)), NVML_SUCCESS);
        assert_eq!(nv!(lib.nvmlDeviceGetPciInfo(d, &mut v1)), NVML_SUCCESS);
        assert_eq!(cstr(&v1.busId), cstr(&v3.busId));
        let mut ext = nvmlPciInfoExt_t {
            version: nvmlPciInfoExt_v1,
            ..Default::default()
        };
        assert_eq!(nv!(lib.nvmlDeviceGetPciInfoExt(d, &mut ext)), NVML_SUCCESS);
        assert_eq!(
            (ext.bus, ext.pciDeviceId, cstr(&ext.busId)),
            (v3.bus, v3.pciDeviceId, cstr(&v3.busId))
        );
        assert_eq!(ext.baseClass, 3, "a display controller");
        // x86: the GPU is not a NUMA node (topo -m's "GPU NUMA ID" is N/A).
        let mut node = 9u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetNumaNodeId(d, &mut node)),
            NVML_ERROR_NOT_SUPPORTED
        );
        let mut speed = 0u32;
        assert_eq!(nv!(lib.nvmlDeviceGetPcieSpeed(d, &mut speed)), NVML_SUCCESS);
        assert_eq!(speed, 32_000, "Gen5: 32 GT/s");
    }
}

#[test]
fn gpus_of_a_cpu_and_p2p_follow_the_topology() {
    // The profile's own CPU numbering (224 CPUs, 0-55 and 112-167 on socket 0).
    let (_s, lib) = init(&pinned_affinity("dgx-h100"));
    let mut n = 8u32;
    let mut set = [null_mut(); 8];
    assert_eq!(
        nv!(lib.nvmlSystemGetTopologyGpuSet(0, &mut n, set.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(
        &set[..n as usize],
        &[dev(&lib, 0), dev(&lib, 1), dev(&lib, 2), dev(&lib, 3)]
    );
    let mut n = 8u32;
    assert_eq!(
        nv!(lib.nvmlSystemGetTopologyGpuSet(60, &mut n, set.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert_eq!(set[0], dev(&lib, 4), "CPU 60 is on socket 1");
    let mut status = 99u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetP2PStatus(dev(&lib, 0), dev(&lib, 7), 0, &mut status)),
        NVML_SUCCESS
    );
    assert_eq!(status, NVML_P2P_STATUS_OK, "NVSwitch connects every pair");
    let mut same = 9;
    assert_eq!(
        nv!(lib.nvmlDeviceOnSameBoard(dev(&lib, 0), dev(&lib, 1), &mut same)),
        NVML_SUCCESS
    );
    assert_eq!(same, 0);
}

#[test]
fn no_nvlink_leads_to_another_gpus_address() {
    // The far end of a link is an NVSwitch; a client that matches remote bus ids against the
    // GPUs (SLURM's NVML autodetect) must find no GPU there.
    for name in nvml_mock::profile::BUILTIN_PROFILES {
        let (_s, lib) = init(name);
        let mut n = 0u32;
        assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
        let mut gpus = Vec::new();
        for i in 0..n {
            let mut pci = nvmlPciInfo_t::default();
            assert_eq!(
                nv!(lib.nvmlDeviceGetPciInfo_v3(dev(&lib, i), &mut pci)),
                NVML_SUCCESS
            );
            gpus.push(cstr(&pci.busId));
        }
        for i in 0..n {
            for link in 0..NVML_NVLINK_MAX_LINKS {
                let mut pci = nvmlPciInfo_t::default();
                if nv!(lib.nvmlDeviceGetNvLinkRemotePciInfo_v2(dev(&lib, i), link, &mut pci))
                    == NVML_SUCCESS
                {
                    let far = cstr(&pci.busId);
                    assert!(!gpus.contains(&far), "{name} GPU {i} link {link}: {far}");
                }
            }
        }
    }
}

#[test]
fn nvlinks_lead_to_nvswitches() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 1);
    for link in 0..18 {
        let mut pci = nvmlPciInfo_t::default();
        assert_eq!(
            nv!(lib.nvmlDeviceGetNvLinkRemotePciInfo_v2(d, link, &mut pci)),
            NVML_SUCCESS
        );
        assert_eq!(pci.pciDeviceId & 0xffff, 0x10de, "an NVIDIA device");
        let mut ty = 99u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetNvLinkRemoteDeviceType(d, link, &mut ty)),
            NVML_SUCCESS
        );
        assert_eq!(ty, NVML_NVLINK_DEVICE_TYPE_SWITCH);
        let mut p2p = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetNvLinkCapability(
                d,
                link,
                NVML_NVLINK_CAP_P2P_SUPPORTED,
                &mut p2p
            )),
            NVML_SUCCESS
        );
        assert_eq!(p2p, 1);
        let mut errors = 9u64;
        assert_eq!(
            nv!(lib.nvmlDeviceGetNvLinkErrorCounter(
                d,
                link,
                NVML_NVLINK_ERROR_DL_REPLAY,
                &mut errors
            )),
            NVML_SUCCESS
        );
        assert_eq!(errors, 0);
        let mut version = 0u32;
        assert_eq!(
            nv!(lib.nvmlDeviceGetNvLinkVersion(d, link, &mut version)),
            NVML_SUCCESS
        );
        // nvmlNvlinkVersion_t: H100's NvLink 4.0 is 6, not 4.
        assert_eq!(version, NVML_NVLINK_VERSION_4_0);
    }
}

#[test]
fn ecc_counters_agree_and_clear() {
    let (staged, lib) = init("dgx-h100");
    let d = dev(&lib, 5);
    let mut total = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEccErrors(
            d,
            NVML_MEMORY_ERROR_TYPE_CORRECTED,
            NVML_VOLATILE_ECC,
            &mut total
        )),
        NVML_SUCCESS
    );
    assert_eq!(total, 2, "GPU 5 has seen corrected errors");
    let mut dram = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetMemoryErrorCounter(
            d,
            NVML_MEMORY_ERROR_TYPE_CORRECTED,
            NVML_VOLATILE_ECC,
            NVML_MEMORY_LOCATION_DRAM,
            &mut dram
        )),
        NVML_SUCCESS
    );
    assert_eq!(dram, total);
    let mut agg = 0u64;
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEccErrors(
            d,
            NVML_MEMORY_ERROR_TYPE_CORRECTED,
            NVML_AGGREGATE_ECC,
            &mut agg
        )),
        NVML_SUCCESS
    );
    assert!(agg >= total, "aggregate counts include volatile ones");
    let (mut corr, mut unc, mut pend, mut fail) = (0, 0, 0, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetRemappedRows(d, &mut corr, &mut unc, &mut pend, &mut fail)),
        NVML_SUCCESS
    );
    assert_eq!(corr, 1);

    assert_eq!(
        nv!(lib.nvmlDeviceClearEccErrorCounts(d, NVML_VOLATILE_ECC)),
        NVML_ERROR_NO_PERMISSION
    );
    staged.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceClearEccErrorCounts(d, NVML_VOLATILE_ECC)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEccErrors(
            d,
            NVML_MEMORY_ERROR_TYPE_CORRECTED,
            NVML_VOLATILE_ECC,
            &mut total
        )),
        NVML_SUCCESS
    );
    assert_eq!(total, 0);
    assert_eq!(
        nv!(lib.nvmlDeviceGetTotalEccErrors(
            d,
            NVML_MEMORY_ERROR_TYPE_CORRECTED,
            NVML_AGGREGATE_ECC,
            &mut agg
        )),
        NVML_SUCCESS
    );
    assert_eq!(agg, 14, "aggregate counts survive");

    // An H100 remaps rows instead of retiring pages: page retirement is not supported (a real
    // H100's nvidia-smi prints N/A), whatever its ECC counts.
    let mut n = 0u32;
    assert_eq!(
        nv!(lib.nvmlDeviceGetRetiredPages_v2(
            d,
            NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS,
            &mut n,
            null_mut(),
            null_mut()
        )),
        NVML_ERROR_NOT_SUPPORTED
    );
}

#[test]
fn clocks_by_id_match_the_dedicated_getters() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    for ty in [NVML_CLOCK_GRAPHICS, NVML_CLOCK_SM, NVML_CLOCK_MEM] {
        let (mut cur, mut by_id, mut app, mut app_id, mut boost, mut boost_id) = (0, 0, 0, 0, 0, 0);
        assert_eq!(
            nv!(lib.nvmlDeviceGetClockInfo(d, ty, &mut cur)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetClock(d, ty, NVML_CLOCK_ID_CURRENT, &mut by_id)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetApplicationsClock(d, ty, &mut app)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetClock(d, ty, NVML_CLOCK_ID_APP_CLOCK_TARGET, &mut app_id)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetMaxCustomerBoostClock(d, ty, &mut boost)),
            NVML_SUCCESS
        );
        assert_eq!(
            nv!(lib.nvmlDeviceGetClock(d, ty, NVML_CLOCK_ID_CUSTOMER_BOOST_MAX, &mut boost_id)),
            NVML_SUCCESS
        );
        assert_eq!((cur, app, boost), (by_id, app_id, boost_id));
    }
}

#[test]
fn board_and_firmware_strings() {
    let (_s, lib) = init("dgx-h100");
    let d = dev(&lib, 0);
    let mut buf = [0 as c_char; 80];
    assert_eq!(
        nv!(lib.nvmlDeviceGetBoardPartNumber(d, buf.as_mut_ptr(), 80)),
        NVML_SUCCESS
    );
    assert!(cstr(&buf).starts_with("692-"));
    assert_eq!(
        nv!(lib.nvmlDeviceGetInforomVersion(d, NVML_INFOROM_OEM, buf.as_mut_ptr(), 16)),
        NVML_SUCCESS
    );
    assert!(!cstr(&buf).is_empty());
    assert_eq!(
        nv!(lib.nvmlDeviceGetInforomVersion(d, 77, buf.as_mut_ptr(), 16)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetVbiosVersion(d, buf.as_mut_ptr(), 32)),
        NVML_SUCCESS
    );
    assert_eq!(cstr(&buf), "96.00.99.00.01");
    let mut units = 9u32;
    assert_eq!(nv!(lib.nvmlUnitGetCount(&mut units)), NVML_SUCCESS);
    assert_eq!(units, 0, "no S-class units");
}

#[test]
fn a_dgx_a100_has_six_nvswitches_with_two_links_of_each_gpu() {
    // DGX A100: 6 second-generation NVSwitches (10de:1af1), each A100 with 2 of its 12 links to
    // each; DGX H100: 4 third-generation ones (10de:22a3) for its 18 links.
    for (profile, links, switches, device_id) in [
        ("dgx-a100", 12, 6, 0x1af1_10de),
        ("dgx-h100", 18, 4, 0x22a3_10de),
    ] {
        let (_s, lib) = init(profile);
        for i in 0..8 {
            let mut per_switch = std::collections::BTreeMap::<String, u32>::new();
            for link in 0..links {
                let mut pci = nvmlPciInfo_t::default();
                assert_eq!(
                    nv!(lib.nvmlDeviceGetNvLinkRemotePciInfo_v2(dev(&lib, i), link, &mut pci)),
                    NVML_SUCCESS
                );
                assert_eq!(pci.pciDeviceId, device_id, "{profile} GPU {i} link {link}");
                *per_switch.entry(cstr(&pci.busId)).or_default() += 1;
            }
            assert_eq!(
                per_switch.len(),
                switches,
                "{profile} GPU {i}: {per_switch:?}"
            );
            if profile == "dgx-a100" {
                assert!(per_switch.values().all(|n| *n == 2), "{per_switch:?}");
            }
        }
    }
}
