//! On a machine with an NVIDIA GPU and driver: board, extended PCI, memory bus, P-state and
//! system queries agree with `nvidia-smi` and with the core queries.
//!
//! Ignored by default (no GPU on CI machines). Run with
//! `cargo test -p nvml-wrapper --test it real_gpu_board_clocks:: -- --ignored --nocapture`.

use nvml_wrapper::nvml::DeviceUuid;
use nvml_wrapper::{Nvml, NvmlError};

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn board_queries_agree_with_nvidia_smi() {
    let nvml = Nvml::init().expect("NVML initialises on a GPU machine");
    let rows = crate::support::nvidia_smi(&[
        "--query-gpu=index,pci.bus_id,driver_version,pstate",
        "--format=csv,noheader,nounits",
    ]);
    for row in rows {
        let gpu = nvml.device_by_index(row[0].parse().unwrap()).unwrap();
        let ext = gpu.pci_info_ext().unwrap();
        // nvidia-smi prints an 8-digit domain; NVML's busId may carry the same.
        assert!(
            ext.bus_id.eq_ignore_ascii_case(&row[1]) || row[1].ends_with(&ext.bus_id[4..]),
            "{} vs {}",
            ext.bus_id,
            row[1]
        );
        assert_eq!(ext.bus_id, gpu.pci_info().unwrap().bus_id);
        assert!(gpu.memory_bus_width().unwrap() > 0);
        // The current P-state is one of the supported ones.
        let states = gpu.supported_performance_states().unwrap();
        println!("GPU {}: P-states {states:?}, now {}", row[0], row[3]);
        assert!(states.iter().any(|p| format!("{p:?}") == row[3]));
        match gpu.gsp_firmware_mode() {
            Ok(mode) if mode.enabled => {
                assert_eq!(gpu.gsp_firmware_version().unwrap(), row[2]);
            }
            Ok(_) | Err(NvmlError::NotSupported(_)) => {}
            Err(e) => panic!("gsp_firmware_mode: {e}"),
        }
        let uuid = gpu.uuid().unwrap();
        let same = nvml.device_by_uuid_value(&DeviceUuid::Ascii(uuid)).unwrap();
        assert_eq!(same, gpu);
        assert!(gpu.is_on_same_board(&gpu).unwrap());
    }
    let branch = nvml.driver_branch().unwrap();
    println!("driver branch {branch}");
    assert!(branch.starts_with('r'));
}
