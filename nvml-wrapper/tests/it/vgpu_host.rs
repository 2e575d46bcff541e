//! vGPU on the mock's `vgpu-host` profile: two H100 PCIe GPUs in host vGPU mode (SR-IOV)
//! with the H100 vGPU type table (ids 818-831, `NVIDIA H100-4C` .. `NVIDIA H100-7-80C`).
//! GPU 0 (homogeneous) runs two H100-20C VMs at placements 0 and 20; GPU 1 (heterogeneous) an
//! H100-40C VM at placement 0 and an H100-10C VM at placement 40. Values are the profile's
//! (`nvml-mock/profiles/builtin/vgpu-host.json`).

use nvml_wrapper::device::SampleValue;
use nvml_wrapper::enums::{
    DeviceVgpuCapability, GpuVirtualizationMode, GridLicenseExpiryStatus, GridLicenseState,
    HostVgpuMode, VgpuCapability, VgpuDriverCapability, VgpuGuestInfoState, VgpuSchedulerEngine,
    VgpuSchedulerPolicy, VgpuVmIdType,
};
use nvml_wrapper::vgpu::{
    PgpuMetadata, Resolution, VgpuCompatibilityLimit, VgpuMetadata, VgpuPciIds, VgpuPlacementMode,
    VgpuSchedulerSettings, VgpuVersionRange, VgpuVmCompatibility, VirtualizationCaps,
};
use nvml_wrapper::{NvmlError, sys};

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;
/// The two H100-20C VMs of GPU 0, the H100-40C and H100-10C VMs of GPU 1.
const VMS: [u32; 4] = [3_251_634_189, 3_251_634_190, 3_251_634_191, 3_251_634_192];
const LICENSE: &str = "NVIDIA-vComputeServer,9.0;Quadro-Virtual-DWS,5.0";

fn host() -> crate::support::Mock {
    crate::support::mock_with_profile("vgpu-host")
}

/// After `set_fault(func, GPU_IS_LOST)`, `call` reports `GpuLost`; the fault is cleared.
fn fault_maps<T: std::fmt::Debug>(
    staged: &nvml_mock::Staged,
    func: &str,
    call: impl Fn() -> nvml_wrapper::Result<T>,
) {
    staged.set_fault(func, sys::NVML_ERROR_GPU_IS_LOST).unwrap();
    let got = call();
    assert!(
        matches!(got, Err(NvmlError::GpuLost(_))),
        "{func} faulted: expected GpuLost, got {got:?}"
    );
    staged.clear_fault(func).unwrap();
}

#[test]
fn gpus_are_sriov_vgpu_hosts_in_their_heterogeneous_modes() {
    let m = host();
    let gpus = m.nvml.devices().unwrap();
    assert_eq!(gpus.len(), 2);
    for gpu in &gpus {
        assert_eq!(
            gpu.virtualization_mode().unwrap(),
            GpuVirtualizationMode::HostVgpu
        );
        assert_eq!(gpu.host_vgpu_mode().unwrap(), HostVgpuMode::Sriov);
    }
    assert!(!gpus[0].vgpu_heterogeneous_mode().unwrap());
    assert!(gpus[1].vgpu_heterogeneous_mode().unwrap());
    fault_maps(&m.staged, "nvmlDeviceGetHostVgpuMode", || {
        gpus[0].host_vgpu_mode()
    });
    fault_maps(&m.staged, "nvmlDeviceGetVgpuHeterogeneousMode", || {
        gpus[0].vgpu_heterogeneous_mode()
    });
}

#[test]
fn heterogeneous_mode_needs_root_and_no_running_vm() {
    let m = host();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        gpu.set_vgpu_heterogeneous_mode(true),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    assert!(matches!(
        gpu.set_vgpu_heterogeneous_mode(true),
        Err(NvmlError::InUse(_))
    ));
    assert!(!gpu.vgpu_heterogeneous_mode().unwrap());
}

#[test]
fn supported_creatable_and_active_vgpus() {
    let m = host();
    let gpu0 = m.nvml.device_by_index(0).unwrap();
    let gpu1 = m.nvml.device_by_index(1).unwrap();
    // MIG is off: the time-sliced C-series types.
    let supported: Vec<u32> = gpu0
        .supported_vgpus()
        .unwrap()
        .iter()
        .map(|t| t.id())
        .collect();
    assert_eq!(supported, (818..=825).collect::<Vec<_>>());
    // Homogeneous GPU 0 runs H100-20C: only that type, while slots remain.
    let creatable: Vec<u32> = gpu0
        .creatable_vgpus()
        .unwrap()
        .iter()
        .map(|t| t.id())
        .collect();
    assert_eq!(creatable, [823]);
    // Heterogeneous GPU 1 has slots 50-79 free: no 40C or 80C fits.
    let creatable: Vec<u32> = gpu1
        .creatable_vgpus()
        .unwrap()
        .iter()
        .map(|t| t.id())
        .collect();
    assert!(creatable.contains(&821) && creatable.contains(&818));
    assert!(!creatable.contains(&824) && !creatable.contains(&825));

    let active: Vec<u32> = gpu0
        .active_vgpus()
        .unwrap()
        .iter()
        .map(|v| v.id())
        .collect();
    assert_eq!(active, VMS[..2]);
    let active: Vec<u32> = gpu1
        .active_vgpus()
        .unwrap()
        .iter()
        .map(|v| v.id())
        .collect();
    assert_eq!(active, VMS[2..]);

    let s = &m.staged;
    fault_maps(s, "nvmlDeviceGetSupportedVgpus", || gpu0.supported_vgpus());
    fault_maps(s, "nvmlDeviceGetCreatableVgpus", || gpu0.creatable_vgpus());
    fault_maps(s, "nvmlDeviceGetActiveVgpus", || gpu0.active_vgpus());
}

#[test]
fn a_vgpu_type_reads_like_nvidia_smi_vgpu_s_v() {
    let m = host();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = m.nvml.vgpu_type(823);
    assert_eq!(t.name().unwrap(), "NVIDIA H100-20C");
    assert_eq!(t.class().unwrap(), "Compute");
    assert_eq!(t.framebuffer_size().unwrap(), 20 * GIB);
    assert_eq!(t.max_instances(&gpu).unwrap(), 4);
    assert_eq!(t.max_instances_per_vm().unwrap(), 1);
    assert_eq!(t.num_display_heads().unwrap(), 1);
    assert_eq!(
        t.resolution(0).unwrap(),
        Resolution {
            width: 4096,
            height: 2160
        }
    );
    assert!(matches!(
        t.resolution(1),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert_eq!(t.license().unwrap(), LICENSE);
    // No frame-rate limiter on compute types.
    assert!(matches!(
        t.frame_rate_limit(),
        Err(NvmlError::NotSupported(_))
    ));
    assert_eq!(
        t.pci_ids().unwrap(),
        VgpuPciIds {
            device_id: 0x2331_10de,
            subsystem_id: 0x1812_10de + (5 << 16)
        }
    );
    assert_eq!(t.gpu_instance_profile_id().unwrap(), None);
    assert_eq!(t.bar1_size_mib().unwrap(), 32_768);
    assert_eq!(t.gsp_heap_size().unwrap(), 64 * MIB);
    assert_eq!(t.fb_reservation().unwrap(), 256 * MIB + 20 * GIB / 32);
    assert!(t.capability(VgpuCapability::GpuDirect).unwrap());
    assert!(!t.capability(VgpuCapability::NvLinkP2p).unwrap());
    assert!(!t.capability(VgpuCapability::MultiVgpuExclusive).unwrap());
    // Time-sliced types have no per-GPU-instance limit.
    assert!(matches!(
        t.max_instances_per_gpu_instance(),
        Err(NvmlError::NotSupported(_))
    ));

    // The whole-GPU type may be given 8 times to one VM; a MIG-backed type names its profile.
    let full = m.nvml.vgpu_type(825);
    assert_eq!(full.name().unwrap(), "NVIDIA H100-80C");
    assert_eq!(full.max_instances_per_vm().unwrap(), 8);
    assert!(full.capability(VgpuCapability::MultiVgpuExclusive).unwrap());
    let mig = m.nvml.vgpu_type(826);
    assert_eq!(mig.name().unwrap(), "NVIDIA H100-1-10C");
    assert_eq!(mig.gpu_instance_profile_id().unwrap(), Some(19));
    assert_eq!(mig.max_instances_per_gpu_instance().unwrap(), 1);

    // An id the host does not know.
    assert!(matches!(
        m.nvml.vgpu_type(7).name(),
        Err(NvmlError::InvalidArgument(_))
    ));
}

#[test]
fn vgpu_type_queries_map_faults() {
    let m = host();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let t = m.nvml.vgpu_type(823);
    let s = &m.staged;
    fault_maps(s, "nvmlVgpuTypeGetName", || t.name());
    fault_maps(s, "nvmlVgpuTypeGetClass", || t.class());
    fault_maps(s, "nvmlVgpuTypeGetFramebufferSize", || t.framebuffer_size());
    fault_maps(s, "nvmlVgpuTypeGetMaxInstances", || t.max_instances(&gpu));
    fault_maps(s, "nvmlVgpuTypeGetMaxInstancesPerVm", || {
        t.max_instances_per_vm()
    });
    fault_maps(s, "nvmlVgpuTypeGetNumDisplayHeads", || {
        t.num_display_heads()
    });
    fault_maps(s, "nvmlVgpuTypeGetResolution", || t.resolution(0));
    fault_maps(s, "nvmlVgpuTypeGetLicense", || t.license());
    fault_maps(s, "nvmlVgpuTypeGetDeviceID", || t.pci_ids());
    fault_maps(s, "nvmlVgpuTypeGetGpuInstanceProfileId", || {
        t.gpu_instance_profile_id()
    });
    fault_maps(s, "nvmlVgpuTypeGetBAR1Info", || t.bar1_size_mib());
    fault_maps(s, "nvmlVgpuTypeGetGspHeapSize", || t.gsp_heap_size());
    fault_maps(s, "nvmlVgpuTypeGetFbReservation", || t.fb_reservation());
    fault_maps(s, "nvmlVgpuTypeGetCapabilities", || {
        t.capability(VgpuCapability::GpuDirect)
    });
    fault_maps(s, "nvmlVgpuTypeGetMaxInstancesPerGpuInstance", || {
        m.nvml.vgpu_type(826).max_instances_per_gpu_instance()
    });
}

#[test]
fn placements_of_a_type() {
    let m = host();
    let gpu0 = m.nvml.device_by_index(0).unwrap();
    let t = m.nvml.vgpu_type(823); // H100-20C: 20 of the 80 slots
    for mode in [
        VgpuPlacementMode::Heterogeneous,
        VgpuPlacementMode::Homogeneous,
    ] {
        let all = gpu0.vgpu_type_supported_placements(&t, mode).unwrap();
        assert_eq!(all.placement_size, 20);
        assert_eq!(all.ids, [0, 20, 40, 60]);
    }
    // The two running VMs hold 0 and 20.
    let free = gpu0.vgpu_type_creatable_placements(&t).unwrap();
    assert_eq!(free.placement_size, 20);
    assert_eq!(free.ids, [40, 60]);
    // A type the GPU does not support now (MIG-backed, MIG off).
    assert!(matches!(
        gpu0.vgpu_type_supported_placements(&m.nvml.vgpu_type(826), VgpuPlacementMode::default()),
        Err(NvmlError::NotSupported(_))
    ));
    fault_maps(
        &m.staged,
        "nvmlDeviceGetVgpuTypeSupportedPlacements",
        || gpu0.vgpu_type_supported_placements(&t, VgpuPlacementMode::default()),
    );
    fault_maps(
        &m.staged,
        "nvmlDeviceGetVgpuTypeCreatablePlacements",
        || gpu0.vgpu_type_creatable_placements(&t),
    );
}

#[test]
fn device_vgpu_capabilities_and_driver_capabilities() {
    let m = host();
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert_eq!(
        gpu.vgpu_capability(DeviceVgpuCapability::FractionalMultiVgpu)
            .unwrap(),
        1
    );
    assert_eq!(
        gpu.vgpu_capability(DeviceVgpuCapability::MigTimeslicingSupported)
            .unwrap(),
        0
    );
    // Buffer bandwidth in MB/s: a PCIe 5.0 x16 link.
    let width = gpu.max_pcie_link_width().unwrap();
    assert_eq!(
        gpu.vgpu_capability(DeviceVgpuCapability::ReadDeviceBufferBw)
            .unwrap(),
        width * 3_938
    );
    assert!(
        m.nvml
            .vgpu_driver_capability(VgpuDriverCapability::HeterogeneousMultiVgpu)
            .unwrap()
    );
    assert!(
        !m.nvml
            .vgpu_driver_capability(VgpuDriverCapability::WarmUpdate)
            .unwrap()
    );
    fault_maps(&m.staged, "nvmlDeviceGetVgpuCapabilities", || {
        gpu.vgpu_capability(DeviceVgpuCapability::WarmUpdate)
    });
    fault_maps(&m.staged, "nvmlGetVgpuDriverCapabilities", || {
        m.nvml
            .vgpu_driver_capability(VgpuDriverCapability::WarmUpdate)
    });
}

#[test]
fn a_running_vgpu_and_its_vm() {
    let m = host();
    let gpu0 = m.nvml.device_by_index(0).unwrap();
    let v = m.nvml.vgpu_instance(VMS[0]);
    let vm = v.vm_id().unwrap();
    assert_eq!(vm.id, "8f1c6a2e-4b7d-4e2a-9c1f-2d3e4f5a6b01");
    assert_eq!(vm.kind, VgpuVmIdType::Uuid);
    assert_eq!(v.uuid().unwrap(), "b3f2a6d4-1c9e-4f7a-8e2b-5d6c7a8b9c01");
    assert_eq!(
        v.mdev_uuid().unwrap(),
        "4e8a1f3c-7b2d-4c6e-a9f1-0b2c3d4e5f01"
    );
    assert_eq!(v.vm_driver_version().unwrap(), "580.65.06");
    assert_eq!(v.fb_usage().unwrap(), 11_776 * MIB);
    assert_eq!(v.vgpu_type().unwrap(), m.nvml.vgpu_type(823));
    assert!(matches!(
        v.frame_rate_limit(),
        Err(NvmlError::NotSupported(_))
    ));
    assert_eq!(v.ecc_mode().unwrap(), gpu0.ecc_mode().unwrap().current);
    assert_eq!(v.gpu_instance_id().unwrap(), None);
    assert_eq!(v.gpu_pci_id().unwrap(), "00000000:02:00.0");
    // Homogeneous GPU 0 reports no placement; heterogeneous GPU 1 does.
    assert_eq!(v.placement_id().unwrap(), None);
    assert_eq!(
        m.nvml.vgpu_instance(VMS[2]).placement_id().unwrap(),
        Some(0)
    );
    assert_eq!(
        m.nvml.vgpu_instance(VMS[3]).placement_id().unwrap(),
        Some(40)
    );
    // Migration data: the frame buffer in use plus the type's GSP heap.
    assert_eq!(v.runtime_state_size().unwrap(), 11_776 * MIB + 64 * MIB);

    let licensed = v.license_info().unwrap();
    assert!(licensed.licensed);
    assert_eq!(licensed.state, GridLicenseState::Licensed);
    assert_eq!(
        (
            licensed.expiry.year,
            licensed.expiry.month,
            licensed.expiry.day
        ),
        (2027, 6, 30)
    );
    assert_eq!(
        licensed.expiry.status().unwrap(),
        GridLicenseExpiryStatus::Valid
    );
    assert!(v.is_licensed().unwrap());
    assert!(!m.nvml.vgpu_instance(VMS[3]).is_licensed().unwrap());
    let unlicensed = m.nvml.vgpu_instance(VMS[3]).license_info().unwrap();
    assert!(!unlicensed.licensed);
    assert_eq!(unlicensed.state, GridLicenseState::UnlicensedUnrestricted);

    // An instance id no VM has.
    assert!(matches!(
        m.nvml.vgpu_instance(12345).uuid(),
        Err(NvmlError::NotFound(_))
    ));
    assert!(matches!(
        m.nvml.vgpu_instance(0).uuid(),
        Err(NvmlError::InvalidArgument(_))
    ));
}

#[test]
fn vgpu_instance_queries_map_faults() {
    let m = host();
    let v = m.nvml.vgpu_instance(VMS[0]);
    let s = &m.staged;
    fault_maps(s, "nvmlVgpuInstanceGetVmID", || v.vm_id());
    fault_maps(s, "nvmlVgpuInstanceGetUUID", || v.uuid());
    fault_maps(s, "nvmlVgpuInstanceGetMdevUUID", || v.mdev_uuid());
    fault_maps(s, "nvmlVgpuInstanceGetVmDriverVersion", || {
        v.vm_driver_version()
    });
    fault_maps(s, "nvmlVgpuInstanceGetFbUsage", || v.fb_usage());
    fault_maps(s, "nvmlVgpuInstanceGetType", || v.vgpu_type());
    fault_maps(s, "nvmlVgpuInstanceGetFrameRateLimit", || {
        v.frame_rate_limit()
    });
    fault_maps(s, "nvmlVgpuInstanceGetEccMode", || v.ecc_mode());
    fault_maps(s, "nvmlVgpuInstanceGetGpuInstanceId", || {
        v.gpu_instance_id()
    });
    fault_maps(s, "nvmlVgpuInstanceGetGpuPciId", || v.gpu_pci_id());
    fault_maps(s, "nvmlVgpuInstanceGetPlacementId", || v.placement_id());
    fault_maps(s, "nvmlVgpuInstanceGetRuntimeStateSize", || {
        v.runtime_state_size()
    });
    fault_maps(s, "nvmlVgpuInstanceGetLicenseInfo_v2", || v.license_info());
    fault_maps(s, "nvmlVgpuInstanceGetMetadata", || v.metadata());
}

#[test]
fn encoder_and_capture_of_a_compute_vm() {
    let m = host();
    m.staged.set_root(true).unwrap();
    let v = m.nvml.vgpu_instance(VMS[1]);
    assert_eq!(v.encoder_capacity().unwrap(), 100);
    v.set_encoder_capacity(40).unwrap();
    assert_eq!(v.encoder_capacity().unwrap(), 40);
    assert!(matches!(
        v.set_encoder_capacity(101),
        Err(NvmlError::InvalidArgument(_))
    ));
    // Compute VMs do not encode or capture.
    assert_eq!(v.encoder_stats().unwrap().session_count, 0);
    assert!(v.encoder_sessions().unwrap().is_empty());
    assert_eq!(v.fbc_stats().unwrap().session_count, 0);
    assert!(v.fbc_sessions().unwrap().is_empty());
    let s = &m.staged;
    fault_maps(s, "nvmlVgpuInstanceGetEncoderCapacity", || {
        v.encoder_capacity()
    });
    fault_maps(s, "nvmlVgpuInstanceSetEncoderCapacity", || {
        v.set_encoder_capacity(50)
    });
    fault_maps(s, "nvmlVgpuInstanceGetEncoderStats", || v.encoder_stats());
    fault_maps(s, "nvmlVgpuInstanceGetEncoderSessions", || {
        v.encoder_sessions()
    });
    fault_maps(s, "nvmlVgpuInstanceGetFBCStats", || v.fbc_stats());
    fault_maps(s, "nvmlVgpuInstanceGetFBCSessions", || v.fbc_sessions());
}

#[test]
fn accounting_inside_a_vm() {
    let m = host();
    let v = m.nvml.vgpu_instance(VMS[0]);
    assert!(v.accounting_mode().unwrap());
    assert_eq!(v.accounting_pids().unwrap(), [2_211, 2_305]);
    let stats = v.accounting_stats(2_211).unwrap();
    assert_eq!(stats.pid, 2_211);
    assert!(stats.is_running);
    assert_eq!((stats.gpu_utilization, stats.memory_utilization), (41, 19));
    assert_eq!(stats.max_memory_usage, 10_240 * MIB);
    assert_eq!(stats.sample_count, None);
    assert!(matches!(v.accounting_stats(1), Err(NvmlError::NotFound(_))));
    assert!(matches!(
        v.clear_accounting_pids(),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    v.clear_accounting_pids().unwrap();
    // The processes still run: nothing cleared.
    assert_eq!(v.accounting_pids().unwrap().len(), 2);

    // Accounting off in the second VM.
    let off = m.nvml.vgpu_instance(VMS[1]);
    assert!(!off.accounting_mode().unwrap());
    assert!(matches!(
        off.accounting_pids(),
        Err(NvmlError::NotSupported(_))
    ));

    let s = &m.staged;
    fault_maps(s, "nvmlVgpuInstanceGetAccountingMode", || {
        v.accounting_mode()
    });
    fault_maps(s, "nvmlVgpuInstanceGetAccountingPids", || {
        v.accounting_pids()
    });
    fault_maps(s, "nvmlVgpuInstanceGetAccountingStats", || {
        v.accounting_stats(2_211)
    });
    fault_maps(s, "nvmlVgpuInstanceClearAccountingPids", || {
        v.clear_accounting_pids()
    });
}

#[test]
fn migration_metadata_and_compatibility() {
    let m = host();
    let gpu = m.nvml.device_by_index(1).unwrap();
    let vm = m.nvml.vgpu_instance(VMS[2]).metadata().unwrap();
    assert_eq!((vm.version, vm.revision), (1, 1));
    assert_eq!(vm.guest_info_state, VgpuGuestInfoState::Initialized);
    assert_eq!(vm.guest_driver_version, "580.65.06");
    assert_eq!(vm.host_driver_version, "580.65.06");
    assert_eq!(vm.virtualization_caps, VirtualizationCaps::MIGRATION);
    assert_eq!(vm.guest_vgpu_version, 0x13_0000);
    assert_eq!(vm.opaque_data.len(), 4);

    let pgpu = gpu.vgpu_metadata().unwrap();
    assert_eq!(pgpu.host_driver_version, "580.65.06");
    assert_eq!(
        pgpu.host_supported_vgpu_range,
        VgpuVersionRange {
            min: 0x10_0000,
            max: 0x13_0000
        }
    );

    // Saved with the VM and read back elsewhere: the blobs round-trip.
    let vm = VgpuMetadata::from_bytes(vm.as_bytes().to_vec()).unwrap();
    let pgpu = PgpuMetadata::from_bytes(pgpu.as_bytes().to_vec()).unwrap();
    let c = m.nvml.vgpu_compatibility(&vm, &pgpu).unwrap();
    assert!(
        c.vm_compatibility
            .contains(VgpuVmCompatibility::LIVE | VgpuVmCompatibility::COLD)
    );
    assert!(c.limit.is_empty());

    // A guest newer than the host allows: the host driver limits it.
    let mut newer = vm.as_bytes().to_vec();
    let at = std::mem::offset_of!(sys::nvmlVgpuMetadata_t, guestVgpuVersion);
    newer[at..at + 4].copy_from_slice(&0x14_0000u32.to_ne_bytes());
    let newer = VgpuMetadata::from_bytes(newer).unwrap();
    let c = m.nvml.vgpu_compatibility(&newer, &pgpu).unwrap();
    assert!(c.vm_compatibility.is_empty());
    assert_eq!(c.limit, VgpuCompatibilityLimit::HOST_DRIVER);

    fault_maps(&m.staged, "nvmlDeviceGetVgpuMetadata", || {
        gpu.vgpu_metadata()
    });
    fault_maps(&m.staged, "nvmlGetVgpuCompatibility", || {
        m.nvml.vgpu_compatibility(&vm, &pgpu)
    });
}

#[test]
fn vgpu_versions() {
    let m = host();
    let versions = m.nvml.vgpu_version().unwrap();
    let range = VgpuVersionRange {
        min: 0x10_0000,
        max: 0x13_0000,
    };
    assert_eq!(versions.supported, range);
    assert_eq!(versions.current, range);
    // Not while VMs run.
    assert!(matches!(
        m.nvml.set_vgpu_version(VgpuVersionRange {
            min: 0x11_0000,
            max: 0x13_0000
        }),
        Err(NvmlError::InUse(_))
    ));
    fault_maps(&m.staged, "nvmlGetVgpuVersion", || m.nvml.vgpu_version());
    fault_maps(&m.staged, "nvmlSetVgpuVersion", || {
        m.nvml.set_vgpu_version(range)
    });
}

#[test]
fn the_vgpu_scheduler() {
    let m = host();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let caps = gpu.vgpu_scheduler_capabilities().unwrap();
    assert_eq!(
        caps.supported_policies,
        [
            VgpuSchedulerPolicy::BestEffort,
            VgpuSchedulerPolicy::EqualShare,
            VgpuSchedulerPolicy::FixedShare
        ]
    );
    assert_eq!(
        (caps.min_timeslice_ns, caps.max_timeslice_ns),
        (1_000_000, 30_000_000)
    );
    assert!(caps.arr_mode_supported);
    assert_eq!(
        (caps.min_frequency_for_arr, caps.max_frequency_for_arr),
        (5, 960)
    );
    assert_eq!(
        (caps.min_avg_factor_for_arr, caps.max_avg_factor_for_arr),
        (1, 60)
    );

    let state = gpu
        .vgpu_scheduler_state(VgpuSchedulerEngine::Graphics)
        .unwrap();
    assert_eq!(state.policy, VgpuSchedulerPolicy::BestEffort);
    assert_eq!((state.avg_factor, state.timeslice_ns), (0, 2_000_000));
    assert_eq!(state.arr_mode, None, "the _v2 form does not report it");
    // The mock schedules the graphics engine only.
    assert!(matches!(
        gpu.vgpu_scheduler_state(VgpuSchedulerEngine::Nvenc0),
        Err(NvmlError::InvalidArgument(_))
    ));

    // One runlist per VM on the GPU, sharing the weight.
    let log = gpu
        .vgpu_scheduler_log(VgpuSchedulerEngine::Graphics)
        .unwrap();
    assert_eq!(log.state, state);
    assert_eq!(log.entries.len(), 2);
    assert_eq!(
        log.entries
            .iter()
            .map(|e| e.sw_runlist_id)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(log.entries.iter().all(|e| e.weight == Some(50)));
    assert!(
        log.entries
            .iter()
            .all(|e| e.target_time_slice_ns == 2_000_000)
    );

    // Setting needs root; ARR derives the timeslice from the frequency.
    let arr = VgpuSchedulerSettings {
        engine: VgpuSchedulerEngine::Graphics,
        policy: VgpuSchedulerPolicy::EqualShare,
        avg_factor: 10,
        frequency: 100,
    };
    assert!(matches!(
        gpu.set_vgpu_scheduler_state(&arr),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    gpu.set_vgpu_scheduler_state(&arr).unwrap();
    let state = gpu
        .vgpu_scheduler_state(VgpuSchedulerEngine::Graphics)
        .unwrap();
    assert_eq!(state.policy, VgpuSchedulerPolicy::EqualShare);
    assert_eq!((state.avg_factor, state.timeslice_ns), (10, 10_000_000));
    let out_of_range = VgpuSchedulerSettings {
        frequency: 10_000,
        ..arr
    };
    assert!(matches!(
        gpu.set_vgpu_scheduler_state(&out_of_range),
        Err(NvmlError::InvalidArgument(_))
    ));

    let s = &m.staged;
    fault_maps(s, "nvmlDeviceGetVgpuSchedulerCapabilities", || {
        gpu.vgpu_scheduler_capabilities()
    });
    fault_maps(s, "nvmlDeviceGetVgpuSchedulerState_v2", || {
        gpu.vgpu_scheduler_state(VgpuSchedulerEngine::Graphics)
    });
    fault_maps(s, "nvmlDeviceGetVgpuSchedulerLog_v2", || {
        gpu.vgpu_scheduler_log(VgpuSchedulerEngine::Graphics)
    });
    fault_maps(s, "nvmlDeviceSetVgpuSchedulerState_v2", || {
        gpu.set_vgpu_scheduler_state(&arr)
    });
}

#[test]
fn utilization_of_vgpus_and_their_processes() {
    let m = host();
    let gpu = m.nvml.device_by_index(0).unwrap();
    let u = |v: u32| SampleValue::UnsignedInt(v);

    let samples = gpu.vgpu_utilization(0).unwrap();
    assert_eq!(samples.len(), 2);
    assert_eq!(samples[0].vgpu_instance, VMS[0]);
    assert_eq!((samples[0].sm_util, samples[0].mem_util), (u(43), u(20)));
    assert_eq!((samples[1].sm_util, samples[1].mem_util), (u(15), u(7)));
    assert_eq!(samples[0].jpg_util, None);
    assert!(samples[0].timestamp > 0);

    let info = gpu.vgpu_instances_utilization(0).unwrap();
    assert_eq!(info.len(), 2);
    assert_eq!(info[1].vgpu_instance, VMS[1]);
    assert_eq!(info[1].sm_util, u(15));
    assert_eq!(
        (info[1].jpg_util, info[1].ofa_util),
        (Some(u(0)), Some(u(0)))
    );

    let procs = gpu.vgpu_process_utilization(0).unwrap();
    let names: Vec<(u32, &str)> = procs
        .iter()
        .map(|p| (p.pid, p.process_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (2_211, "python3"),
            (2_305, "nvidia-cuda-mps-server"),
            (3_301, "tritonserver")
        ]
    );
    assert_eq!(
        (procs[0].vgpu_instance, procs[0].sm_util, procs[0].mem_util),
        (VMS[0], 41, 19)
    );
    assert_eq!(procs[0].jpg_util, None);

    let procs = gpu.vgpu_processes_utilization(0).unwrap();
    assert_eq!(procs.len(), 3);
    assert_eq!((procs[2].pid, procs[2].vgpu_instance), (3_301, VMS[1]));
    assert_eq!(procs[2].process_name, "tritonserver");
    assert_eq!(procs[2].jpg_util, Some(0));

    // Nothing newer than a timestamp in the future.
    let future = u64::MAX - 1;
    assert!(gpu.vgpu_utilization(future).unwrap().is_empty());
    assert!(gpu.vgpu_instances_utilization(future).unwrap().is_empty());
    assert!(gpu.vgpu_process_utilization(future).unwrap().is_empty());
    assert!(gpu.vgpu_processes_utilization(future).unwrap().is_empty());

    let s = &m.staged;
    fault_maps(s, "nvmlDeviceGetVgpuUtilization", || {
        gpu.vgpu_utilization(0)
    });
    fault_maps(s, "nvmlDeviceGetVgpuInstancesUtilizationInfo", || {
        gpu.vgpu_instances_utilization(0)
    });
    fault_maps(s, "nvmlDeviceGetVgpuProcessUtilization", || {
        gpu.vgpu_process_utilization(0)
    });
    fault_maps(s, "nvmlDeviceGetVgpuProcessesUtilizationInfo", || {
        gpu.vgpu_processes_utilization(0)
    });
}

#[test]
fn oversized_counts_from_the_driver_are_clamped() {
    let m = host();
    m.staged
        .set_hostile(nvml_mock::HostileModes {
            oversized_counts: true,
            ..Default::default()
        })
        .unwrap();
    let gpu = m.nvml.device_by_index(0).unwrap();
    // Whatever count the driver claims, no more is read than the buffer holds.
    assert!(gpu.supported_vgpus().unwrap().len() <= 8 + 8);
    assert!(gpu.active_vgpus().unwrap().len() <= 2 + 8);
    let t = m.nvml.vgpu_type(823);
    assert!(
        gpu.vgpu_type_supported_placements(&t, VgpuPlacementMode::default())
            .unwrap()
            .ids
            .len()
            <= 4 + 8
    );
}

#[test]
fn unterminated_strings_from_the_driver_stop_at_the_buffer() {
    let m = host();
    m.staged
        .set_hostile(nvml_mock::HostileModes {
            unterminated_strings: true,
            ..Default::default()
        })
        .unwrap();
    let t = m.nvml.vgpu_type(823);
    let v = m.nvml.vgpu_instance(VMS[0]);
    // Never more than the buffer (NVML_VGPU_NAME_BUFFER_SIZE, NVML_DEVICE_UUID_BUFFER_SIZE, ...).
    assert!(t.name().unwrap().len() <= 64);
    assert!(t.license().unwrap().len() <= 128);
    assert!(v.uuid().unwrap().len() <= 80);
    assert!(v.vm_id().unwrap().id.len() <= 80);
    assert!(v.gpu_pci_id().unwrap().len() <= 32);
}
