//! Drain states and GPU rediscovery against the simulated machines, which answer as a
//! system without the feature (no ZPI-capable bus).

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;
mod unmodeled;

use nvml_wrapper::NvmlError;
use nvml_wrapper::drain::PciAddress;
use unmodeled::not_supported_then_fault;

#[test]
fn drain_state_calls_answer_not_supported_and_reach_their_c_function() {
    let m = common::mock();
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
    let m = common::mock();
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
