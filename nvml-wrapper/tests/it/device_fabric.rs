//! NVLink fabric registration against the simulated machines: an NVSwitch H100 system is
//! registered ("Completed" / "Success", as on a real HGX H100), PCIe boards and pre-Hopper
//! GPUs have no fabric. Every version of the query reads the same registration.

use crate::support::reliability::{Driver, Lab};
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::{CliqueType, FabricClique, FabricInfo, FabricState};

fn fabric_of_gpu0(lab: &Lab) -> FabricInfo {
    lab.dev().unwrap().gpu_fabric_info().unwrap()
}

#[test]
fn an_nvswitch_h100_is_registered_in_its_fabric() {
    let m = crate::support::mock();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetGpuFabricInfo"),
        Some("nvmlDeviceGetGpuFabricInfo_v4")
    );
    let mut cluster = None;
    for index in 0..m.nvml.device_count().unwrap() {
        let info = m
            .nvml
            .device_by_index(index)
            .unwrap()
            .gpu_fabric_info()
            .unwrap();
        assert!(info.is_registered(), "GPU {index}: {info:?}");
        assert_eq!(info.state, FabricState::Completed);
        assert_eq!(info.status, nvml_wrapper::sys::NVML_SUCCESS);
        // A real HGX H100 (captures/qx-h100.xml): clique 0, cluster UUID all zeros.
        assert_eq!(info.clique_id, 0);
        assert_eq!(
            info.cluster_uuid_string(),
            "00000000-0000-0000-0000-000000000000"
        );
        // Hopper reports a unicast and a multicast pointer clique (nvml.h).
        assert_eq!(
            info.cliques,
            [
                FabricClique {
                    kind: CliqueType::UnicastPointer,
                    id: info.clique_id
                },
                FabricClique {
                    kind: CliqueType::MulticastPointer,
                    id: info.clique_id
                },
            ]
        );
        // As on a real HGX H100: health not reported ("N/A" in nvidia-smi -q).
        let health = info.health.unwrap();
        assert_eq!(health.summary, Some(0));
        assert_eq!(health.bandwidth_degraded(), None);
        // One cluster for the whole machine.
        assert_eq!(*cluster.get_or_insert(info.cluster_uuid), info.cluster_uuid);
        assert_eq!(info.cluster_uuid_string().len(), 36);
    }
}

#[test]
fn fabric_ids_are_the_profiles() {
    // A real GB200 NVL tray (captures/qx-gb200.xml): clique 2 of cluster
    // 00000001-0000-0000-0000-000000000001 on every GPU.
    let tray = crate::support::mock_with_profile("gb200-nvl-tray");
    for gpu in tray.nvml.devices().unwrap() {
        let info = gpu.gpu_fabric_info().unwrap();
        assert_eq!(info.clique_id, 2);
        assert_eq!(
            info.cluster_uuid_string(),
            "00000001-0000-0000-0000-000000000001"
        );
        assert!(info.cliques.iter().all(|c| c.id == 2), "{:?}", info.cliques);
    }
    // A user's file sets them per GPU.
    let dir = std::env::temp_dir().join(format!("nvml-fabric-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fabric.json");
    std::fs::write(
        &file,
        r#"{"base": "dgx-h100", "gpus": [{}, {"fabric_clique_id": 32766,
            "fabric_cluster_uuid": "5a7f1035-cee3-8459-7217-28cde6bb5c71"}]}"#,
    )
    .unwrap();
    let m = crate::support::mock_with_profile(file.to_str().unwrap());
    let (a, b) = (
        m.nvml
            .device_by_index(0)
            .unwrap()
            .gpu_fabric_info()
            .unwrap(),
        m.nvml
            .device_by_index(1)
            .unwrap()
            .gpu_fabric_info()
            .unwrap(),
    );
    assert_eq!((a.clique_id, a.cluster_uuid), (0, [0; 16]));
    assert_eq!(b.clique_id, 32766);
    assert_eq!(
        b.cluster_uuid_string(),
        "5a7f1035-cee3-8459-7217-28cde6bb5c71"
    );
    assert_eq!(b.cluster_uuid[..4], [0x5a, 0x7f, 0x10, 0x35]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn older_drivers_read_the_same_registration_through_their_versions() {
    let current = fabric_of_gpu0(&Lab::new(Driver::Current));
    // `nvmlDeviceGetGpuFabricInfoV` (v3): the unicast clique alone, health with a summary.
    let previous = Lab::new(Driver::Previous);
    assert_eq!(
        previous.nvml.chosen_symbol("nvmlDeviceGetGpuFabricInfo"),
        Some("nvmlDeviceGetGpuFabricInfoV")
    );
    let v3 = fabric_of_gpu0(&previous);
    assert_eq!(
        (
            v3.state,
            v3.status,
            v3.cluster_uuid,
            v3.clique_id,
            v3.health
        ),
        (
            current.state,
            current.status,
            current.cluster_uuid,
            current.clique_id,
            current.health
        )
    );
    assert_eq!(v3.cliques, current.cliques[..1]);
    // `nvmlDeviceGetGpuFabricInfo`: no health.
    let oldest = Lab::new(Driver::Oldest);
    assert_eq!(
        oldest.nvml.chosen_symbol("nvmlDeviceGetGpuFabricInfo"),
        Some("nvmlDeviceGetGpuFabricInfo")
    );
    let v1 = fabric_of_gpu0(&oldest);
    assert!(v1.is_registered());
    assert_eq!(
        (v1.cluster_uuid, v1.clique_id, v1.health),
        (current.cluster_uuid, current.clique_id, None)
    );
}

#[test]
fn pcie_boards_and_ampere_have_no_fabric() {
    for profile in ["vgpu-host", "dgx-a100", "workstation"] {
        let m = crate::support::mock_with_profile(profile);
        let gpu = m.nvml.device_by_index(0).unwrap();
        assert!(
            matches!(gpu.gpu_fabric_info(), Err(NvmlError::NotSupported(_))),
            "{profile}"
        );
    }
}
