//! Running processes against the simulated machines, through each version of the queries.

use nvml_mock::{HostileModes, profile};
use nvml_wrapper::device::ProcessInfo;
use nvml_wrapper::{NvmlError, sys};

/// What the wrapper should report for the profile's processes of one kind.
fn expected(spec: &profile::GpuSpec, kind: &str) -> Vec<ProcessInfo> {
    spec.processes
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| ProcessInfo {
            pid: p.pid,
            used_gpu_memory: Some(p.used_memory),
            // No MIG on these GPUs: no instance ids.
            gpu_instance_id: None,
            compute_instance_id: None,
        })
        .collect()
}

#[test]
fn compute_processes_are_the_profiles() {
    let m = crate::support::mock();
    assert_eq!(
        m.nvml.chosen_symbol("nvmlDeviceGetComputeRunningProcesses"),
        Some("nvmlDeviceGetComputeRunningProcesses_v3")
    );
    let p = profile::builtin("dgx-h100").unwrap();
    for (index, spec) in p.gpus.iter().enumerate() {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        assert_eq!(
            gpu.running_compute_processes().unwrap(),
            expected(spec, "compute"),
            "GPU {index}"
        );
        assert_eq!(gpu.running_graphics_processes().unwrap(), vec![]);
        assert_eq!(gpu.mps_compute_running_processes().unwrap(), vec![]);
    }

    // GPU 0 runs a training job and the DCGM exporter; GPU 4 is idle.
    let gpu0 = m
        .nvml
        .device_by_index(0)
        .unwrap()
        .running_compute_processes()
        .unwrap();
    assert_eq!(gpu0.len(), 2);
    assert_eq!(gpu0[0].pid, 41_200);
    assert_eq!(gpu0[0].used_gpu_memory, Some(38 << 30));
    assert_eq!(gpu0[1].pid, 41_300);
    assert_eq!(gpu0[1].used_gpu_memory, Some(512 << 20));
    let idle = m.nvml.device_by_index(4).unwrap();
    assert!(idle.running_compute_processes().unwrap().is_empty());
}

#[test]
fn graphics_processes_are_the_workstations() {
    let m = crate::support::mock_with_profile("workstation");
    let spec = &profile::builtin("workstation").unwrap().gpus[0];
    let gpu = m.nvml.device_by_index(0).unwrap();
    let graphics = gpu.running_graphics_processes().unwrap();
    assert_eq!(graphics, expected(spec, "graphics"));
    assert_eq!(
        graphics.iter().map(|p| p.pid).collect::<Vec<_>>(),
        [1_873, 2_410]
    );
    assert_eq!(
        gpu.running_compute_processes().unwrap(),
        expected(spec, "compute")
    );
}

#[test]
fn mps_processes_come_from_a_profile_file() {
    let dir = std::env::temp_dir().join(format!("nvml-wrapper-mps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("mps.json");
    std::fs::write(
        &file,
        r#"{
            "base": "dgx-h100",
            "gpus": [
                { "processes": [
                    { "pid": 7001, "name": "nvidia-cuda-mps-server", "used_memory_mib": 32, "type": "mps" },
                    { "pid": 7002, "name": "python3", "used_memory_mib": 2048, "type": "mps" },
                    { "pid": 7003, "name": "python3", "used_memory_mib": 4096, "type": "compute" }
                ] }
            ]
        }"#,
    )
    .unwrap();
    let m = crate::support::mock_with_profile(file.to_str().unwrap());
    let gpu = m.nvml.device_by_index(0).unwrap();
    let mps = gpu.mps_compute_running_processes().unwrap();
    assert_eq!(
        mps.iter()
            .map(|p| (p.pid, p.used_gpu_memory))
            .collect::<Vec<_>>(),
        [(7001, Some(32 << 20)), (7002, Some(2048 << 20))]
    );
    assert_eq!(gpu.running_compute_processes().unwrap().len(), 1);
    drop(m);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_470_library_gives_the_same_processes_through_v2() {
    let new = crate::support::mock();
    let old = crate::support::mock_legacy_470();
    assert_eq!(
        old.nvml
            .chosen_symbol("nvmlDeviceGetComputeRunningProcesses"),
        Some("nvmlDeviceGetComputeRunningProcesses_v2")
    );
    assert_eq!(
        old.nvml
            .chosen_symbol("nvmlDeviceGetGraphicsRunningProcesses"),
        Some("nvmlDeviceGetGraphicsRunningProcesses_v2")
    );
    assert_eq!(
        old.nvml
            .chosen_symbol("nvmlDeviceGetMPSComputeRunningProcesses"),
        Some("nvmlDeviceGetMPSComputeRunningProcesses_v2")
    );
    assert!(
        !old.nvml
            .has_function("nvmlDeviceGetComputeRunningProcesses_v3")
    );
    for index in 0..new.nvml.device_count().unwrap() {
        let (a, b) = (
            new.nvml.device_by_index(index).unwrap(),
            old.nvml.device_by_index(index).unwrap(),
        );
        assert_eq!(
            a.running_compute_processes().unwrap(),
            b.running_compute_processes().unwrap()
        );
        assert_eq!(
            a.running_graphics_processes().unwrap(),
            b.running_graphics_processes().unwrap()
        );
        assert_eq!(
            a.mps_compute_running_processes().unwrap(),
            b.mps_compute_running_processes().unwrap()
        );
    }
    assert_eq!(
        old.nvml
            .device_by_index(0)
            .unwrap()
            .running_compute_processes()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_count_larger_than_the_buffer_is_clamped() {
    let m = crate::support::mock();
    let spec = &profile::builtin("dgx-h100").unwrap().gpus[0];
    m.staged
        .set_hostile(HostileModes {
            oversized_counts: true,
            ..Default::default()
        })
        .unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    // The library claims more entries than the buffer holds: exactly the entries it wrote
    // come back (no zeroed slack that would read as pid 0).
    let list = gpu.running_compute_processes().unwrap();
    assert_eq!(list, expected(spec, "compute"));
}

#[test]
fn driver_errors_come_back_as_errors() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(0).unwrap();
    m.staged
        .set_fault(
            "nvmlDeviceGetComputeRunningProcesses_v3",
            sys::NVML_ERROR_NO_PERMISSION,
        )
        .unwrap();
    assert!(matches!(
        gpu.running_compute_processes(),
        Err(NvmlError::NoPermission(_))
    ));
    // Only the faulted function fails.
    assert!(gpu.running_graphics_processes().is_ok());
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_compute_processes_agree_with_nvidia_smi() {
    let nvml = nvml_wrapper::Nvml::init().expect("NVML initialises on a GPU machine");
    println!(
        "compute processes through {:?}",
        nvml.chosen_symbol("nvmlDeviceGetComputeRunningProcesses")
    );
    let mut ours: Vec<(String, u32)> = Vec::new();
    for gpu in nvml.devices().unwrap() {
        let uuid = gpu.uuid().unwrap();
        for p in gpu.running_compute_processes().unwrap() {
            ours.push((uuid.clone(), p.pid));
        }
        // The other two lists must read cleanly too.
        gpu.running_graphics_processes().unwrap();
        match gpu.mps_compute_running_processes() {
            Ok(_) | Err(NvmlError::NotSupported(_)) => {}
            Err(e) => panic!("MPS processes: {e}"),
        }
    }
    let mut smi: Vec<(String, u32)> = crate::support::nvidia_smi(&[
        "--query-compute-apps=gpu_uuid,pid",
        "--format=csv,noheader,nounits",
    ])
    .into_iter()
    .map(|row| (row[0].clone(), row[1].parse().unwrap()))
    .collect();
    ours.sort();
    smi.sort();
    // Processes may come and go between the two reads; on a quiet machine they agree.
    assert_eq!(ours, smi);
}

/// The detail list gives the same processes as the per-kind queries, by mode, with the
/// protected memory each uses: none outside confidential computing, all of it inside.
#[test]
fn process_detail_lists_match_the_profile_by_mode() {
    use nvml_wrapper::device::{ProcessDetail, ProcessMode};
    let details = |spec: &profile::GpuSpec, kind: Option<&str>, cc: bool| -> Vec<ProcessDetail> {
        spec.processes
            .iter()
            .filter(|p| kind.is_none_or(|k| p.kind == k))
            .map(|p| ProcessDetail {
                info: ProcessInfo {
                    pid: p.pid,
                    used_gpu_memory: Some(p.used_memory),
                    gpu_instance_id: None,
                    compute_instance_id: None,
                },
                used_gpu_cc_protected_memory: if cc { p.used_memory } else { 0 },
            })
            .collect()
    };
    for (profile_name, cc) in [("dgx-h100", false), ("h100-cc", true)] {
        let m = crate::support::mock_with_profile(profile_name);
        let p = profile::builtin(profile_name).unwrap();
        for (index, spec) in p.gpus.iter().enumerate() {
            let gpu = m.nvml.device_by_index(index as u32).unwrap();
            for (mode, kind) in [
                (ProcessMode::Compute, Some("compute")),
                (ProcessMode::Graphics, Some("graphics")),
                (ProcessMode::Mps, Some("mps")),
                (ProcessMode::All, None),
            ] {
                assert_eq!(
                    gpu.running_process_detail_list(mode).unwrap(),
                    details(spec, kind, cc),
                    "{profile_name} GPU {index} {mode:?}"
                );
            }
        }
    }
    // GPU 0 of the DGX: the training job and the exporter.
    let m = crate::support::mock();
    let all = m
        .nvml
        .device_by_index(0)
        .unwrap()
        .running_process_detail_list(ProcessMode::All)
        .unwrap();
    assert_eq!(
        all.iter().map(|d| d.info.pid).collect::<Vec<_>>(),
        [41_200, 41_300]
    );
}

/// "For Hopper or newer" (nvml.h): an A100 and an RTX 4090 answer not supported.
#[test]
fn process_detail_lists_need_hopper() {
    use nvml_wrapper::device::ProcessMode;
    for profile_name in ["dgx-a100", "workstation"] {
        let m = crate::support::mock_with_profile(profile_name);
        let gpu = m.nvml.device_by_index(0).unwrap();
        assert!(
            matches!(
                gpu.running_process_detail_list(ProcessMode::All),
                Err(NvmlError::NotSupported(_))
            ),
            "{profile_name}"
        );
    }
}
