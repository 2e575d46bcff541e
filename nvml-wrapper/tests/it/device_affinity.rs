//! CPU affinity commands, NUMA node, addressing mode and repair status against the
//! simulated machines.

use crate::support::unmodeled::{fault_maps_to_its_variant, not_supported_then_fault};
use nvml_mock::profile;
use nvml_wrapper::NvmlError;

#[test]
fn numa_node_ids_exist_only_where_gpus_are_numa_nodes() {
    // x86 (DGX H100): the GPU is not a NUMA node; nvidia-smi topo -m prints "GPU NUMA ID
    // N/A" on such machines, and nvml.h: "only applies to platforms where the GPUs are NUMA
    // nodes". The host node it sits near is its affinity, not this.
    let m = crate::support::mock();
    for gpu in m.nvml.devices().unwrap() {
        assert!(matches!(
            gpu.numa_node_id(),
            Err(NvmlError::NotSupported("nvmlDeviceGetNumaNodeId"))
        ));
    }
    // Grace-Blackwell: each GPU's memory is a node of its own, after the two Grace nodes.
    let tray = crate::support::mock_with_profile("gb200-nvl-tray");
    let ids: Vec<u32> = tray
        .nvml
        .devices()
        .unwrap()
        .iter()
        .map(|g| g.numa_node_id().unwrap())
        .collect();
    let p = profile::builtin("gb200-nvl-tray").unwrap();
    assert!(
        ids.iter().all(|&id| id >= p.numa_cpus.len() as u32),
        "{ids:?}"
    );
    let expected: Vec<u32> = p.gpus.iter().filter_map(|g| g.gpu_numa_node).collect();
    assert_eq!(ids, expected);

    let gpu = tray.nvml.device_by_index(0).unwrap();
    fault_maps_to_its_variant(&tray.staged, "nvmlDeviceGetNumaNodeId", || {
        gpu.numa_node_id()
    });
}

#[test]
fn numa_node_id_is_function_not_found_on_a_470_driver() {
    let m = crate::support::mock_legacy_470();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        gpu.numa_node_id(),
        Err(NvmlError::MissingSymbol("nvmlDeviceGetNumaNodeId"))
    ));
}

#[test]
fn unmodeled_affinity_functions_answer_not_supported_repair_state_is_read() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(2).unwrap();
    let s = &m.staged;
    not_supported_then_fault(s, "nvmlDeviceSetCpuAffinity", || gpu.set_cpu_affinity());
    not_supported_then_fault(s, "nvmlDeviceClearCpuAffinity", || gpu.clear_cpu_affinity());
    // HMM, like a real H100 on Linux (and nvidia-smi's "Addressing Mode").
    assert_eq!(
        gpu.addressing_mode().unwrap(),
        nvml_wrapper::enums::AddressingMode::Hmm
    );
    fault_maps_to_its_variant(s, "nvmlDeviceGetAddressingMode", || gpu.addressing_mode());
    // An H100 with nothing to repair (captures/qx-h100.xml: channel and TPC repair "No").
    let repair = gpu.repair_status().unwrap();
    assert!(!repair.channel_repair_pending && !repair.tpc_repair_pending);
    fault_maps_to_its_variant(s, "nvmlDeviceGetRepairStatus", || gpu.repair_status());
    assert!(!gpu.has_unrepairable_memory().unwrap());
    fault_maps_to_its_variant(s, "nvmlDeviceGetUnrepairableMemoryFlag_v1", || {
        gpu.has_unrepairable_memory()
    });
}

#[test]
fn versioned_struct_mismatch_is_reported() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    m.staged
        .set_fault(
            "nvmlDeviceGetAddressingMode",
            nvml_wrapper::sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    assert!(matches!(
        gpu.addressing_mode(),
        Err(NvmlError::ArgumentVersionMismatch(_))
    ));
}

#[test]
#[ignore = "needs an NVIDIA GPU"]
fn versioned_struct_queries_are_accepted_by_a_real_driver() {
    let nvml = nvml_wrapper::Nvml::init().unwrap();
    for gpu in nvml.devices().unwrap() {
        // Supported or not, never a struct version the driver rejects.
        for result in [
            gpu.addressing_mode().map(|_| ()),
            gpu.repair_status().map(|_| ()),
            gpu.has_unrepairable_memory().map(|_| ()),
        ] {
            assert!(
                matches!(
                    result,
                    Ok(()) | Err(NvmlError::NotSupported(_) | NvmlError::MissingSymbol(_))
                ),
                "{result:?}"
            );
        }
    }
}
