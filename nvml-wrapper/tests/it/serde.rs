//! With the `serde` feature, the plain data types serialize to the JSON a user expects and
//! read back equal. Run with `cargo test -p nvml-wrapper --features serde --test it serde::`.

use nvml_wrapper::device::{MemoryInfo, PciInfo, ProcessInfo};
use nvml_wrapper::enums::{Architecture, PerformanceState};

#[test]
fn device_data_round_trips_through_json() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();

    let mem = gpu.memory_info().unwrap();
    let json = serde_json::to_value(mem).unwrap();
    assert_eq!(json["total"], mem.total);
    assert_eq!(json["used"], mem.used);
    assert_eq!(serde_json::from_value::<MemoryInfo>(json).unwrap(), mem);

    let pci = gpu.pci_info().unwrap();
    let json = serde_json::to_string(&pci).unwrap();
    assert!(
        json.contains(&format!("\"bus_id\":\"{}\"", pci.bus_id)),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<PciInfo>(&json).unwrap(), pci);

    let procs = gpu.running_compute_processes().unwrap();
    assert!(!procs.is_empty(), "GPU 0 of the DGX profile runs processes");
    let json = serde_json::to_string(&procs).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<ProcessInfo>>(&json).unwrap(),
        procs
    );
}

#[test]
fn enums_and_bit_masks_serialize_by_name() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert_eq!(
        serde_json::to_string(&gpu.architecture().unwrap()).unwrap(),
        "\"Hopper\""
    );
    assert_eq!(
        serde_json::from_str::<Architecture>("\"Hopper\"").unwrap(),
        Architecture::Hopper
    );
    let pstate = gpu.performance_state().unwrap();
    let back: PerformanceState =
        serde_json::from_str(&serde_json::to_string(&pstate).unwrap()).unwrap();
    assert_eq!(back, pstate);
    let reasons = gpu.current_clocks_event_reasons().unwrap();
    let json = serde_json::to_string(&reasons).unwrap();
    assert_eq!(
        serde_json::from_str::<nvml_wrapper::device::ClocksEventReasons>(&json).unwrap(),
        reasons
    );
}
