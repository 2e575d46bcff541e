//! MIG instance management (`mig` module) against the simulated DGX H100, whose GPUs carry
//! the real H100 80GB MIG table.

use nvml_mock::profile;
use nvml_wrapper::NvmlError;
use nvml_wrapper::enums::{ComputeInstanceProfile, GpuInstanceProfile};
use nvml_wrapper::mig::{
    ComputeInstancePlacement, ComputeInstanceProfileCapabilities, GpuInstancePlacement,
    GpuInstanceProfileCapabilities, GpuInstanceProfileInfo,
};
use nvml_wrapper::sys;

/// The id of the H100's `3g.40gb` profile (`nvidia-smi mig -lgip`).
const PROFILE_3G: u32 = 9;

/// Turns MIG mode on for GPU 0 (as root), which the versioned profile queries need.
fn mig_on(m: &crate::support::Mock) {
    m.staged.set_root(true).unwrap();
    assert!(
        m.nvml
            .device_by_index(0)
            .unwrap()
            .set_mig_mode(true)
            .unwrap()
            .is_applied()
    );
    m.staged.set_root(false).unwrap();
}

/// Every GPU instance profile of the profile's GPU 0 reads back as its table row, once MIG
/// mode is on; with it off the driver's versioned queries answer NOT_SUPPORTED (nvml.h).
fn check_profile_table(m: &crate::support::Mock, name: &str) {
    let spec = &profile::builtin(name).unwrap().gpus[0];
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(!spec.mig_profiles.is_empty());
    let first = &spec.mig_profiles[0];
    assert!(matches!(
        gpu.gpu_instance_profile_info(GpuInstanceProfile::try_from(first.profile).unwrap()),
        Err(NvmlError::NotSupported(
            "nvmlDeviceGetGpuInstanceProfileInfoV"
        ))
    ));
    assert!(matches!(
        gpu.gpu_instance_profile_info_by_id(first.id),
        Err(NvmlError::NotSupported(
            "nvmlDeviceGetGpuInstanceProfileInfoByIdV"
        ))
    ));
    mig_on(m);
    for p in &spec.mig_profiles {
        let expected = GpuInstanceProfileInfo {
            id: p.id,
            name: p.name.clone(),
            capabilities: GpuInstanceProfileCapabilities::empty(),
            slice_count: p.compute_slices,
            instance_count: p.instance_count,
            multiprocessor_count: p.sm_count,
            copy_engine_count: p.copy_engines,
            decoder_count: p.decoders,
            encoder_count: p.encoders,
            jpeg_count: p.jpegs,
            ofa_count: p.ofas,
            memory_size_mib: p.memory_mb,
        };
        let profile = GpuInstanceProfile::try_from(p.profile).unwrap();
        assert_eq!(gpu.gpu_instance_profile_info(profile).unwrap(), expected);
        assert_eq!(gpu.gpu_instance_profile_info_by_id(p.id).unwrap(), expected);
        let placements: Vec<GpuInstancePlacement> = p
            .placements
            .iter()
            .map(|&start| GpuInstancePlacement {
                start,
                size: p.slices,
            })
            .collect();
        assert_eq!(
            gpu.gpu_instance_possible_placements(p.id).unwrap(),
            placements
        );
    }
}

#[test]
fn gpu_instance_profiles_are_the_a100_table() {
    let m = crate::support::mock_with_profile("dgx-a100");
    check_profile_table(&m, "dgx-a100");
    let gpu = m.nvml.device_by_index(0).unwrap();
    let seven = gpu
        .gpu_instance_profile_info(GpuInstanceProfile::Slice7)
        .unwrap();
    assert_eq!(
        (
            seven.id,
            seven.name.as_str(),
            seven.multiprocessor_count,
            seven.memory_size_mib
        ),
        (0, "7g.80gb", 98, 80384)
    );
}

#[test]
fn gpu_instance_profiles_are_the_h100_table() {
    let m = crate::support::mock();
    check_profile_table(&m, "dgx-h100");
    let gpu = m.nvml.device_by_index(0).unwrap();
    // Spot-check against NVIDIA's table itself.
    let three = gpu
        .gpu_instance_profile_info(GpuInstanceProfile::Slice3)
        .unwrap();
    assert_eq!(
        (
            three.id,
            three.name.as_str(),
            three.memory_size_mib,
            three.instance_count
        ),
        (PROFILE_3G, "3g.40gb", 40192, 2)
    );
    let one = gpu
        .gpu_instance_profile_info(GpuInstanceProfile::Slice1)
        .unwrap();
    assert_eq!(
        (
            one.name.as_str(),
            one.instance_count,
            one.multiprocessor_count
        ),
        ("1g.10gb", 7, 16)
    );
    // A profile the H100 lacks, and an id it lacks.
    assert!(matches!(
        gpu.gpu_instance_profile_info(GpuInstanceProfile::Slice8),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.gpu_instance_profile_info_by_id(77),
        Err(NvmlError::InvalidArgument(_))
    ));
}

#[test]
fn profile_info_falls_back_to_the_plain_query_when_the_v_form_rejects_the_version() {
    let m = crate::support::mock();
    mig_on(&m);
    let gpu = m.nvml.device_by_index(0).unwrap();
    let v3 = gpu
        .gpu_instance_profile_info(GpuInstanceProfile::Slice3)
        .unwrap();
    m.staged
        .set_fault(
            "nvmlDeviceGetGpuInstanceProfileInfoV",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    let v1 = gpu
        .gpu_instance_profile_info(GpuInstanceProfile::Slice3)
        .unwrap();
    assert_eq!(v1.name, "", "the plain struct has no name");
    assert_eq!(
        GpuInstanceProfileInfo {
            name: v3.name.clone(),
            ..v1
        },
        v3
    );

    m.staged
        .set_fault(
            "nvmlDeviceGetGpuInstanceProfileInfoByIdV",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    assert!(matches!(
        gpu.gpu_instance_profile_info_by_id(PROFILE_3G),
        Err(NvmlError::ArgumentVersionMismatch(_))
    ));
    m.staged
        .set_fault(
            "nvmlDeviceGetGpuInstanceProfileInfo",
            sys::NVML_ERROR_GPU_IS_LOST,
        )
        .unwrap();
    assert!(matches!(
        gpu.gpu_instance_profile_info(GpuInstanceProfile::Slice3),
        Err(NvmlError::GpuLost(_))
    ));
    m.staged
        .set_fault(
            "nvmlDeviceGetGpuInstancePossiblePlacements_v2",
            sys::NVML_ERROR_NO_PERMISSION,
        )
        .unwrap();
    assert!(matches!(
        gpu.gpu_instance_possible_placements(PROFILE_3G),
        Err(NvmlError::NoPermission(_))
    ));
}

#[test]
fn instances_need_mig_on_and_root() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    // MIG off: nothing to create or count.
    assert!(matches!(
        gpu.gpu_instance_remaining_capacity(PROFILE_3G),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.gpu_instance_by_id(1),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.create_gpu_instance(PROFILE_3G),
        Err(NvmlError::NoPermission(_))
    ));
    m.staged.set_root(true).unwrap();
    assert!(matches!(
        gpu.create_gpu_instance(PROFILE_3G),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    m.staged.set_root(false).unwrap();
    assert!(matches!(
        gpu.create_gpu_instance(PROFILE_3G),
        Err(NvmlError::NoPermission(_))
    ));
    // A GPU without MIG.
    let ws = crate::support::mock_with_profile("workstation");
    let rtx = ws.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        rtx.gpu_instance_profile_info(GpuInstanceProfile::Slice1),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn gpu_and_compute_instances_end_to_end() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(2).unwrap();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    assert_eq!(gpu.gpu_instance_remaining_capacity(PROFILE_3G).unwrap(), 2);
    assert!(gpu.gpu_instances(PROFILE_3G).unwrap().is_empty());

    // A 3g GPU instance where NVML chooses: the first placement, memory slices 0..4.
    let gi = gpu.create_gpu_instance(PROFILE_3G).unwrap();
    let info = gi.info().unwrap();
    assert_eq!(info.device, gpu);
    assert_eq!(info.profile_id, PROFILE_3G);
    assert_eq!(info.placement, GpuInstancePlacement { start: 0, size: 4 });
    let gi_id = info.id;
    assert_eq!(gpu.gpu_instance_remaining_capacity(PROFILE_3G).unwrap(), 1);
    assert_eq!(
        gpu.gpu_instances(PROFILE_3G).unwrap(),
        [gpu.gpu_instance_by_id(gi_id).unwrap()]
    );
    assert_eq!(gpu.gpu_instance_by_id(gi_id).unwrap(), gi);

    // A second one at the other placement; then the GPU is full for 3g.
    let second = gpu
        .create_gpu_instance_with_placement(PROFILE_3G, GpuInstancePlacement { start: 4, size: 4 })
        .unwrap();
    assert_eq!(second.info().unwrap().placement.start, 4);
    assert_eq!(gpu.gpu_instances(PROFILE_3G).unwrap().len(), 2);
    assert_eq!(gpu.gpu_instance_remaining_capacity(PROFILE_3G).unwrap(), 0);
    assert!(matches!(
        gpu.create_gpu_instance(PROFILE_3G),
        Err(NvmlError::InsufficientResources(_))
    ));
    assert!(matches!(
        gpu.create_gpu_instance_with_placement(
            PROFILE_3G,
            GpuInstancePlacement { start: 4, size: 4 }
        ),
        Err(NvmlError::InsufficientResources(_))
    ));
    second.destroy().unwrap();
    assert_eq!(gpu.gpu_instance_remaining_capacity(PROFILE_3G).unwrap(), 1);

    // Compute instance profiles of the 3g instance (60 SMs over 3 compute slices).
    let one = gi
        .compute_instance_profile_info(ComputeInstanceProfile::Slice1)
        .unwrap();
    assert_eq!(
        (
            one.id,
            one.name.as_str(),
            one.slice_count,
            one.instance_count,
            one.multiprocessor_count
        ),
        (
            sys::NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
            "1c.3g.40gb",
            1,
            3,
            20
        )
    );
    assert_eq!(
        (one.shared_copy_engine_count, one.shared_decoder_count),
        (3, 3)
    );
    assert_eq!(
        one.capabilities,
        ComputeInstanceProfileCapabilities::empty()
    );
    let whole = gi
        .compute_instance_profile_info(ComputeInstanceProfile::Slice3)
        .unwrap();
    assert_eq!(
        (
            whole.name.as_str(),
            whole.instance_count,
            whole.multiprocessor_count
        ),
        ("3g.40gb", 1, 60)
    );
    assert!(matches!(
        gi.compute_instance_profile_info(ComputeInstanceProfile::Slice4),
        Err(NvmlError::NotSupported(_))
    ));
    assert_eq!(
        gi.compute_instance_possible_placements(one.id).unwrap(),
        [0, 1, 2].map(|start| ComputeInstancePlacement { start, size: 1 })
    );
    assert_eq!(gi.compute_instance_remaining_capacity(one.id).unwrap(), 3);

    // Two 1-slice compute instances.
    let ci = gi.create_compute_instance(one.id).unwrap();
    let ci_info = ci.info().unwrap();
    assert_eq!(ci_info.device, gpu);
    assert_eq!(ci_info.gpu_instance, gi);
    assert_eq!(ci_info.profile_id, one.id);
    assert_eq!(
        ci_info.placement,
        ComputeInstancePlacement { start: 0, size: 1 }
    );
    let ci2 = gi
        .create_compute_instance_with_placement(
            one.id,
            ComputeInstancePlacement { start: 2, size: 1 },
        )
        .unwrap();
    assert_eq!(ci2.info().unwrap().placement.start, 2);
    assert_eq!(gi.compute_instance_remaining_capacity(one.id).unwrap(), 1);
    assert_eq!(gi.compute_instances(one.id).unwrap().len(), 2);
    assert_eq!(gi.compute_instance_by_id(ci_info.id).unwrap(), ci);
    assert!(matches!(
        gi.create_compute_instance_with_placement(
            one.id,
            ComputeInstancePlacement { start: 2, size: 1 }
        ),
        Err(NvmlError::InsufficientResources(_))
    ));

    // Each compute instance is a MIG device.
    let mig = gpu.mig_device_by_index(0).unwrap();
    assert!(mig.is_mig_device_handle().unwrap());
    assert_eq!(mig.gpu_instance_id().unwrap(), gi_id);
    assert_eq!(mig.compute_instance_id().unwrap(), ci_info.id);
    assert_eq!(mig.mig_parent_device().unwrap(), gpu);

    // A GPU instance with compute instances cannot go.
    assert!(matches!(gi.destroy(), Err(NvmlError::InUse(_))));
    let gi = gpu.gpu_instance_by_id(gi_id).unwrap();

    // Destroy both compute instances, then the GPU instance: capacity is back.
    m.staged.set_root(false).unwrap();
    assert!(matches!(ci.destroy(), Err(NvmlError::NoPermission(_))));
    m.staged.set_root(true).unwrap();
    gi.compute_instance_by_id(ci_info.id)
        .unwrap()
        .destroy()
        .unwrap();
    ci2.destroy().unwrap();
    assert!(gi.compute_instances(one.id).unwrap().is_empty());
    assert!(matches!(
        gi.compute_instance_by_id(ci_info.id),
        Err(NvmlError::NotFound(_))
    ));
    assert!(matches!(
        gpu.mig_device_by_index(0),
        Err(NvmlError::NotFound(_))
    ));
    gi.destroy().unwrap();
    assert_eq!(gpu.gpu_instance_remaining_capacity(PROFILE_3G).unwrap(), 2);
    assert!(gpu.gpu_instances(PROFILE_3G).unwrap().is_empty());
    assert!(matches!(
        gpu.gpu_instance_by_id(gi_id),
        Err(NvmlError::NotFound(_))
    ));
}

#[test]
fn instance_queries_map_driver_errors() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(3).unwrap();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    let gi = gpu.create_gpu_instance(PROFILE_3G).unwrap();
    let ci = gi.create_compute_instance(0).unwrap();
    for (function, code) in [
        ("nvmlGpuInstanceGetInfo", sys::NVML_ERROR_UNKNOWN),
        ("nvmlComputeInstanceGetInfo_v2", sys::NVML_ERROR_GPU_IS_LOST),
        (
            "nvmlGpuInstanceGetComputeInstances",
            sys::NVML_ERROR_NO_PERMISSION,
        ),
        ("nvmlDeviceGetGpuInstances", sys::NVML_ERROR_NO_PERMISSION),
        (
            "nvmlGpuInstanceGetComputeInstancePossiblePlacements",
            sys::NVML_ERROR_NOT_SUPPORTED,
        ),
        (
            "nvmlGpuInstanceGetComputeInstanceRemainingCapacity",
            sys::NVML_ERROR_NOT_SUPPORTED,
        ),
    ] {
        m.staged.set_fault(function, code).unwrap();
    }
    assert!(matches!(gi.info(), Err(NvmlError::Unknown(_))));
    assert!(matches!(ci.info(), Err(NvmlError::GpuLost(_))));
    assert!(matches!(
        gi.compute_instances(0),
        Err(NvmlError::NoPermission(_))
    ));
    assert!(matches!(
        gpu.gpu_instances(PROFILE_3G),
        Err(NvmlError::NoPermission(_))
    ));
    assert!(matches!(
        gi.compute_instance_possible_placements(0),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gi.compute_instance_remaining_capacity(0),
        Err(NvmlError::NotSupported(_))
    ));

    // The V compute instance profile query rejecting every struct version: the plain one.
    m.staged
        .set_fault(
            "nvmlGpuInstanceGetComputeInstanceProfileInfoV",
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        )
        .unwrap();
    let plain = gi
        .compute_instance_profile_info(ComputeInstanceProfile::Slice1)
        .unwrap();
    assert_eq!(
        (
            plain.name.as_str(),
            plain.instance_count,
            plain.multiprocessor_count
        ),
        ("", 3, 20)
    );
    m.staged.clear_faults().unwrap();
    ci.destroy().unwrap();
    gi.destroy().unwrap();
}

#[test]
fn a_470_driver_gets_the_plain_profile_queries_and_lacks_the_newer_ones() {
    let m = crate::support::mock_legacy_470();
    m.staged.set_root(true).unwrap();
    let spec = &profile::builtin("dgx-h100").unwrap().gpus[0];
    let gpu = m.nvml.device_by_index(0).unwrap();
    // No `V` form: the plain struct, without a name.
    let row = spec
        .mig_profiles
        .iter()
        .find(|p| p.id == PROFILE_3G)
        .unwrap();
    let info = gpu
        .gpu_instance_profile_info(GpuInstanceProfile::Slice3)
        .unwrap();
    assert_eq!(
        (
            info.id,
            info.name.as_str(),
            info.slice_count,
            info.memory_size_mib
        ),
        (row.id, "", row.compute_slices, row.memory_mb)
    );
    assert!(matches!(
        gpu.gpu_instance_profile_info_by_id(PROFILE_3G),
        Err(NvmlError::MissingSymbol(
            "nvmlDeviceGetGpuInstanceProfileInfoByIdV"
        ))
    ));
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    let gi = gpu.create_gpu_instance(PROFILE_3G).unwrap();
    let ci_profile = gi
        .compute_instance_profile_info(ComputeInstanceProfile::Slice1)
        .unwrap();
    assert_eq!(
        (ci_profile.name.as_str(), ci_profile.instance_count),
        ("", 3)
    );
    assert!(matches!(
        gi.compute_instance_possible_placements(ci_profile.id),
        Err(NvmlError::MissingSymbol(_))
    ));
    assert!(matches!(
        gi.create_compute_instance_with_placement(
            ci_profile.id,
            ComputeInstancePlacement { start: 0, size: 1 }
        ),
        Err(NvmlError::MissingSymbol(_))
    ));
    let ci = gi.create_compute_instance(ci_profile.id).unwrap();
    assert_eq!(ci.info().unwrap().gpu_instance, gi);
    ci.destroy().unwrap();
    gi.destroy().unwrap();
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_mig_profiles_are_consistent() {
    let nvml = nvml_wrapper::Nvml::init().expect("NVML initialises on a GPU machine");
    for gpu in nvml.devices().unwrap() {
        if matches!(gpu.mig_mode(), Err(NvmlError::NotSupported(_))) {
            continue;
        }
        let total = gpu.memory_info().unwrap().total;
        for profile in GpuInstanceProfile::ALL {
            let info = match gpu.gpu_instance_profile_info(*profile) {
                Ok(info) => info,
                Err(NvmlError::NotSupported(_) | NvmlError::InvalidArgument(_)) => continue,
                Err(e) => panic!("{profile:?}: {e}"),
            };
            assert!(info.memory_size_mib > 0 && info.memory_size_mib << 20 <= total);
            assert!(info.instance_count >= 1 && info.multiprocessor_count > 0);
            let placements = gpu.gpu_instance_possible_placements(info.id).unwrap();
            assert!(!placements.is_empty(), "{info:?}");
            assert_eq!(gpu.gpu_instance_profile_info_by_id(info.id).unwrap(), info);
        }
    }
}
