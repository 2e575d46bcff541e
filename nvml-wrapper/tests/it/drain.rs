//! Drain states and GPU rediscovery against the simulated machines, which answer as a
//! system without the feature (no ZPI-capable bus).

use crate::support::unmodeled::not_supported_then_fault;
use nvml_wrapper::NvmlError;
use nvml_wrapper::drain::PciAddress;

#[test]
fn drain_state_calls_answer_not_supported_and_reach_their_c_function() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(3).unwrap();
    let pci = gpu.pci_info().unwrap();
    let address = PciAddress::from(&pci);
    assert_eq!(address.to_string(), pci.bus_id.to_lowercase());
    assert_eq!(PciAddress::from_bus_id(&pci.bus_id).unwrap(), address);

    let s = &m.staged;
    not_supported_then_fault(s, "nvmlDeviceQueryDrainState", || {
        m.nvml.drain_state(&address)
    });
    not_supported_then_fault(s, "nvmlDeviceModifyDrainState", || {
        m.nvml.set_drain_state(&address, true)
    });
    not_supported_then_fault(s, "nvmlDeviceDiscoverGpus", || m.nvml.discover_gpus(None));
    not_supported_then_fault(s, "nvmlDeviceDiscoverGpus", || {
        m.nvml.discover_gpus(Some(&address))
    });
}

#[test]
fn drain_errors_map_to_their_documented_variants() {
    let m = crate::support::mock();
    let address = PciAddress::from_bus_id("00000000:18:00.0").unwrap();
    // Persistence mode on: the driver refuses to drain.
    m.staged
        .set_fault(
            "nvmlDeviceModifyDrainState",
            nvml_wrapper::sys::NVML_ERROR_IN_USE,
        )
        .unwrap();
    assert!(matches!(
        m.nvml.set_drain_state(&address, true),
        Err(NvmlError::InUse(_))
    ));
    m.staged
        .set_fault(
            "nvmlDeviceDiscoverGpus",
            nvml_wrapper::sys::NVML_ERROR_OPERATING_SYSTEM,
        )
        .unwrap();
    assert!(matches!(
        m.nvml.discover_gpus(None),
        Err(NvmlError::OperatingSystem(_))
    ));
}

#[test]
fn removing_a_gpu_needs_root_and_an_idle_gpu_then_renumbers_the_rest() {
    use nvml_wrapper::drain::GpuRemoval;
    let m = crate::support::mock();
    let n = &m.nvml;
    let count = n.device_count().unwrap();
    let gpu5 = n.device_by_index(5).unwrap();
    let address = PciAddress::from(&gpu5.pci_info().unwrap());
    let uuid6 = n.device_by_index(6).unwrap().uuid().unwrap();
    assert!(matches!(
        n.remove_gpu(&address, GpuRemoval::default()),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    // Persistence mode counts as an attached process (nvml.h).
    assert!(gpu5.persistence_mode().unwrap());
    assert!(matches!(
        n.remove_gpu(&address, GpuRemoval::default()),
        Err(NvmlError::InUse(_))
    ));
    // GPU 0 runs processes.
    let gpu0 = n.device_by_index(0).unwrap();
    gpu0.set_persistence_mode(false).unwrap();
    assert!(!gpu0.running_compute_processes().unwrap().is_empty());
    assert!(matches!(
        n.remove_gpu(
            &PciAddress::from(&gpu0.pci_info().unwrap()),
            GpuRemoval::default()
        ),
        Err(NvmlError::InUse(_))
    ));
    // No GPU at this address.
    let nowhere = PciAddress::from_bus_id("0000:ee:1f.0").unwrap();
    assert!(matches!(
        n.remove_gpu(&nowhere, GpuRemoval::default()),
        Err(NvmlError::InvalidArgument(_))
    ));

    gpu5.set_persistence_mode(false).unwrap();
    n.remove_gpu(
        &address,
        GpuRemoval {
            remove_from_os: true,
            shut_down_link: false,
        },
    )
    .unwrap();
    assert_eq!(n.device_count().unwrap(), count - 1);
    // The GPU after it takes its index; the removed one is gone.
    assert_eq!(n.device_by_index(5).unwrap().uuid().unwrap(), uuid6);
    let bus_id = address.to_string();
    assert!((0..count - 1).all(|i| {
        n.device_by_index(i)
            .unwrap()
            .pci_info()
            .unwrap()
            .bus_id
            .to_lowercase()
            != bus_id
    }));
}
