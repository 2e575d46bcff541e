//! PCI and PCIe queries (bus type, plain and extended PCI info, the link, C2C) against the
//! simulated DGX H100: values equal the mock's profile.

use nvml_mock::profile;
use nvml_wrapper::enums::{BusType, PcieUtilCounter};
use nvml_wrapper::{Nvml, NvmlError, Result};

use crate::support::unmodeled::fault_maps_to_its_variant;

#[test]
fn pci_info_is_where_the_profile_puts_each_gpu() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").expect("the built-in profile");
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        let pci = gpu.pci_info()?;
        assert_eq!(pci.domain, spec.pci_domain);
        assert_eq!(pci.bus, spec.pci_bus);
        assert_eq!(pci.device, spec.pci_device);
        assert_eq!(pci.pci_device_id, spec.pci_device_id);
        assert_eq!(pci.pci_subsystem_id, spec.pci_subsystem_id);
        assert_eq!(pci.bus_id, spec.bus_id());
        // The bus id finds the same GPU again.
        assert_eq!(m.nvml.device_by_pci_bus_id(&pci.bus_id)?, gpu);
    }
    Ok(())
}

#[test]
fn an_h100_is_nvidia_device_0x2330_on_bus_0x5d() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(3)?;
    let pci = gpu.pci_info()?;
    assert_eq!(pci.bus_id, "00000000:5D:00.0");
    assert_eq!(pci.vendor_id(), 0x10de);
    assert_eq!(pci.device_id(), 0x2330);
    assert_eq!(pci.pci_subsystem_id, 0x16c1_10de);
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetPciInfo"),
        Some("nvmlDeviceGetPciInfo_v3")
    );
    Ok(())
}

#[test]
fn the_pcie_link_is_gen5_x16() -> Result<()> {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0)?;
    assert_eq!(gpu.current_pcie_link_generation()?, 5);
    assert_eq!(gpu.max_pcie_link_generation()?, 5);
    assert_eq!(gpu.current_pcie_link_width()?, 16);
    assert_eq!(gpu.max_pcie_link_width()?, 16);
    // The driver answers NVML_PCIE_LINK_MAX_SPEED_32000MBPS (5): the rate it names.
    assert_eq!(gpu.pcie_link_max_speed()?, 32_000);
    assert_eq!(gpu.pcie_speed()?, 32_000);
    assert_eq!(gpu.pcie_replay_counter()?, 0);
    Ok(())
}

#[test]
fn pcie_throughput_of_a_busy_and_an_idle_gpu() -> Result<()> {
    let m = crate::support::mock();
    let busy = m.nvml.device_by_index(0)?;
    assert_eq!(busy.pcie_throughput(PcieUtilCounter::Tx)?, 412_000);
    assert_eq!(busy.pcie_throughput(PcieUtilCounter::Rx)?, 1_850_000);
    let idle = m.nvml.device_by_index(6)?;
    assert_eq!(idle.pcie_throughput(PcieUtilCounter::Tx)?, 1_200);
    assert_eq!(idle.pcie_throughput(PcieUtilCounter::Rx)?, 900);
    Ok(())
}

#[test]
fn a_driver_error_comes_back_as_its_variant() -> Result<()> {
    let m = crate::support::mock();
    m.staged
        .set_fault(
            "nvmlDeviceGetPcieReplayCounter",
            nvml_wrapper::sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    let gpu = m.nvml.device_by_index(1)?;
    assert!(matches!(
        gpu.pcie_replay_counter(),
        Err(NvmlError::GpuLost(_))
    ));
    Ok(())
}

#[test]
fn the_470_driver_has_pci_info_v3_but_no_link_max_speed() -> Result<()> {
    let staged = nvml_mock::Staged::legacy_470().expect("stage the 470 stand-in");
    let nvml = Nvml::builder().library_path(staged.path()).init()?;
    let gpu = nvml.device_by_index(0)?;
    assert_eq!(gpu.pci_info()?.bus_id, "00000000:18:00.0");
    assert!(matches!(
        gpu.pcie_link_max_speed(),
        Err(NvmlError::MissingSymbol("nvmlDeviceGetPcieLinkMaxSpeed"))
    ));
    Ok(())
}

/// On a real GPU: the link max speed decodes to a PCIe rate, and the bus id finds the GPU.
#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_pcie_link_is_plausible() -> Result<()> {
    let nvml = Nvml::init()?;
    for gpu in nvml.devices()? {
        let pci = gpu.pci_info()?;
        assert_eq!(nvml.device_by_pci_bus_id(&pci.bus_id)?, gpu);
        assert_eq!(pci.vendor_id(), 0x10de);
        match gpu.pcie_link_max_speed() {
            Ok(speed) => assert!(
                [2500, 5000, 8000, 16000, 32000, 64000].contains(&speed),
                "{speed}"
            ),
            Err(NvmlError::NotSupported(_)) => {}
            Err(e) => return Err(e),
        }
        let generation = gpu.max_pcie_link_generation()?;
        assert!((1..=6).contains(&generation), "gen {generation}");
        assert!(gpu.current_pcie_link_width()? <= gpu.max_pcie_link_width()?);
        println!(
            "{}: gen {}/{} x{}/{} max speed {:?} speed {:?}",
            pci.bus_id,
            gpu.current_pcie_link_generation()?,
            generation,
            gpu.current_pcie_link_width()?,
            gpu.max_pcie_link_width()?,
            gpu.pcie_link_max_speed(),
            gpu.pcie_speed()
        );
    }
    Ok(())
}

#[test]
fn extended_pci_info_matches_the_plain_one() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        let ext = gpu.pci_info_ext()?;
        assert_eq!(
            (ext.domain, ext.bus, ext.device),
            (spec.pci_domain, spec.pci_bus, spec.pci_device)
        );
        assert_eq!(ext.pci_device_id, spec.pci_device_id);
        assert_eq!(ext.pci_subsystem_id, spec.pci_subsystem_id);
        // A data-center GPU is a 3D controller (class 03, subclass 02).
        assert_eq!((ext.base_class, ext.sub_class), (0x03, 0x02));
        assert_eq!(ext.bus_id, gpu.pci_info()?.bus_id);
    }
    let gpu = m.nvml.device_by_index(0)?;
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetPciInfoExt", || gpu.pci_info_ext());
    Ok(())
}

#[test]
fn bus_type_pcie_generation_and_c2c_are_the_profiles() -> Result<()> {
    let m = crate::support::mock();
    let p = profile::builtin("dgx-h100").unwrap();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32)?;
        assert_eq!(gpu.bus_type()?, BusType::Pcie);
        assert_eq!(gpu.gpu_max_pcie_link_generation()?, spec.pcie_max_gen);
        // An H100 SXM on an x86 host has no C2C link (a real H100: "Disabled").
        assert!(!gpu.c2c_mode_enabled()?);
    }
    let gpu = m.nvml.device_by_index(0)?;
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetBusType", || gpu.bus_type());
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetGpuMaxPcieLinkGeneration", || {
        gpu.gpu_max_pcie_link_generation()
    });
    fault_maps_to_its_variant(&m.staged, "nvmlDeviceGetC2cModeInfoV", || {
        gpu.c2c_mode_enabled()
    });
    Ok(())
}
