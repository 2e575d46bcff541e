//! NvLink against the simulated DGX H100 (18 links per GPU, each to one of 4 NVSwitches).

use nvml_mock::profile;
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::MAX_NVLINKS;
use nvml_wrapper::enums::{NvLinkCapability, NvLinkErrorCounter, NvLinkVersion};

fn dgx() -> profile::Profile {
    profile::builtin("dgx-h100").expect("the built-in profile")
}

#[test]
fn every_link_of_the_profile_is_active() {
    let m = crate::support::mock();
    assert_eq!(MAX_NVLINKS, nvml_wrapper::sys::NVML_NVLINK_MAX_LINKS);
    for (index, spec) in dgx().gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        assert_eq!(spec.nvlink_count, 18);
        for link in 0..spec.nvlink_count {
            assert!(gpu.nvlink_state(link).unwrap(), "GPU {index} link {link}");
            // H100 links are NvLink 4.0, which nvml.h numbers 6.
            let version = gpu.nvlink_version(link).unwrap();
            assert_eq!(version, NvLinkVersion::V4_0);
            assert_eq!((version.as_raw(), version.major_minor()), (6, Some((4, 0))));
        }
        // A link NVML numbers but the GPU does not have, then one past NVML's numbering.
        assert!(matches!(
            gpu.nvlink_state(spec.nvlink_count),
            Err(NvmlError::NotSupported(_))
        ));
        assert!(matches!(
            gpu.nvlink_state(nvml_wrapper::sys::NVML_NVLINK_MAX_LINKS),
            Err(NvmlError::InvalidArgument(_))
        ));
    }
}

#[test]
fn nvlink_count_is_the_profiles_and_zero_without_nvlink() {
    let m = crate::support::mock();
    for (index, spec) in dgx().gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        assert_eq!(
            gpu.nvlink_count().unwrap(),
            spec.nvlink_count,
            "GPU {index}"
        );
    }
    let workstation = crate::support::mock_with_profile("workstation");
    let gpu = workstation.nvml.device_by_index(0).unwrap();
    assert_eq!(gpu.nvlink_count().unwrap(), 0);
}

#[test]
fn link_capabilities() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    use NvLinkCapability::*;
    for link in [0, 17] {
        assert!(gpu.nvlink_capability(link, P2pSupported).unwrap());
        assert!(gpu.nvlink_capability(link, P2pAtomics).unwrap());
        assert!(gpu.nvlink_capability(link, Valid).unwrap());
        assert!(!gpu.nvlink_capability(link, SysmemAccess).unwrap());
        assert!(!gpu.nvlink_capability(link, SysmemAtomics).unwrap());
        assert!(!gpu.nvlink_capability(link, SliBridge).unwrap());
    }
}

#[test]
fn remote_ends_are_the_nvswitches() {
    let m = crate::support::mock();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetNvLinkRemotePciInfo"),
        Some("nvmlDeviceGetNvLinkRemotePciInfo_v2")
    );
    let gpu = m.nvml.device_by_index(0).unwrap();
    for link in 0..18 {
        let pci = gpu.nvlink_remote_pci_info(link).unwrap();
        let bus = [0x05, 0x06, 0x07, 0x08][link as usize % 4];
        assert_eq!(pci.domain, 0);
        assert_eq!(pci.bus, bus);
        assert_eq!(pci.device, 0);
        assert_eq!(pci.pci_device_id, 0x22a3_10de);
        assert_eq!(pci.pci_subsystem_id, 0x1796_10de);
        assert_eq!(pci.bus_id, format!("00000000:{bus:02X}:00.0"));
    }
}

#[test]
fn error_counters_are_zero_on_healthy_links() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(6).unwrap();
    for counter in NvLinkErrorCounter::ALL {
        assert_eq!(gpu.nvlink_error_counter(3, *counter).unwrap(), 0);
    }
    assert!(matches!(
        gpu.nvlink_error_counter(40, NvLinkErrorCounter::DlReplay),
        Err(NvmlError::InvalidArgument(_))
    ));
}

#[test]
fn a_gpu_without_nvlink_says_not_supported() {
    let m = crate::support::mock_with_profile("workstation");
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        gpu.nvlink_state(0),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.nvlink_version(0),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.nvlink_capability(0, NvLinkCapability::Valid),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.nvlink_remote_pci_info(0),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.nvlink_error_counter(0, NvLinkErrorCounter::DlCrcFlit),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn nvlink_versions_are_the_headers_enum_for_each_generation() {
    // Ampere drivers answer 5 ("3.1", public reports), Blackwell 7 ("5.0").
    for (profile, expected) in [
        ("dgx-a100", NvLinkVersion::V3_1),
        ("dgx-b200", NvLinkVersion::V5_0),
    ] {
        let m = crate::support::mock_with_profile(profile);
        let gpu = m.nvml.device_by_index(0).unwrap();
        assert_eq!(gpu.nvlink_version(0).unwrap(), expected, "{profile}");
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_nvlinks_read_cleanly() {
    let nvml = nvml_wrapper::Nvml::init().expect("NVML initialises on a GPU machine");
    for gpu in nvml.devices().unwrap() {
        for link in 0..MAX_NVLINKS {
            match gpu.nvlink_state(link) {
                Ok(active) => println!(
                    "GPU {} link {link}: active {active}, version {:?}, remote {:?}",
                    gpu.index().unwrap(),
                    gpu.nvlink_version(link),
                    gpu.nvlink_remote_pci_info(link).map(|p| p.bus_id),
                ),
                Err(NvmlError::NotSupported(_) | NvmlError::InvalidArgument(_)) => {}
                Err(e) => panic!("link {link}: {e}"),
            }
        }
    }
}
