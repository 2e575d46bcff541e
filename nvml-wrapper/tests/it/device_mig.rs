//! MIG mode against the simulated machines.

use nvml_mock::profile;
use nvml_wrapper::NvmlError;
use nvml_wrapper::device::MigMode;

#[test]
fn mig_mode_is_the_profiles() {
    let m = crate::support::mock();
    for (index, spec) in profile::builtin("dgx-h100")
        .unwrap()
        .gpus
        .iter()
        .enumerate()
    {
        let gpu = m.nvml.device_by_index(index as u32).unwrap();
        assert!(spec.mig_capable);
        assert_eq!(
            gpu.mig_mode().unwrap(),
            MigMode {
                current: spec.mig_enabled,
                pending: spec.mig_enabled
            }
        );
        assert_eq!(gpu.max_mig_device_count().unwrap(), 7);
        assert!(!gpu.is_mig_device_handle().unwrap());
    }
}

#[test]
fn set_mig_mode_needs_root_then_takes_effect() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(1).unwrap();
    assert!(matches!(
        gpu.set_mig_mode(true),
        Err(NvmlError::NoPermission(_))
    ));
    assert_eq!(
        gpu.mig_mode().unwrap(),
        MigMode {
            current: false,
            pending: false
        }
    );

    m.staged.set_root(true).unwrap();
    // The simulation needs no GPU reset: the activation succeeds at once.
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    assert_eq!(
        gpu.mig_mode().unwrap(),
        MigMode {
            current: true,
            pending: true
        }
    );
    assert!(
        !m.nvml
            .device_by_index(2)
            .unwrap()
            .mig_mode()
            .unwrap()
            .current
    );
    assert!(gpu.set_mig_mode(false).unwrap().is_applied());
    assert!(!gpu.mig_mode().unwrap().current);
}

#[test]
fn a_gpu_without_mig() {
    let m = crate::support::mock_with_profile("workstation");
    let gpu = m.nvml.device_by_index(0).unwrap();
    assert!(matches!(gpu.mig_mode(), Err(NvmlError::NotSupported(_))));
    assert_eq!(gpu.max_mig_device_count().unwrap(), 0);
    assert!(!gpu.is_mig_device_handle().unwrap());
    m.staged.set_root(true).unwrap();
    assert!(matches!(
        gpu.set_mig_mode(true),
        Err(NvmlError::NotSupported(_))
    ));
}

/// Creates a 1-slice GPU instance with one 1-slice compute instance on `gpu` through the raw
/// bindings (instance management is not wrapped yet). Needs root and MIG on.
fn create_one_slice_instance(m: &crate::support::Mock, gpu: &nvml_wrapper::Device<'_>) {
    use nvml_wrapper::sys;
    let lib = m.nvml.lib();
    let mut gi_info = sys::nvmlGpuInstanceProfileInfo_t::default();
    let mut gi: sys::nvmlGpuInstance_t = std::ptr::null_mut();
    let mut ci_info = sys::nvmlComputeInstanceProfileInfo_t::default();
    let mut ci: sys::nvmlComputeInstance_t = std::ptr::null_mut();
    // SAFETY: handles from this library, `&mut` locals as out-parameters.
    unsafe {
        assert_eq!(
            lib.nvmlDeviceGetGpuInstanceProfileInfo(
                gpu.handle(),
                sys::NVML_GPU_INSTANCE_PROFILE_1_SLICE,
                &mut gi_info
            ),
            sys::NVML_SUCCESS
        );
        assert_eq!(
            lib.nvmlDeviceCreateGpuInstance(gpu.handle(), gi_info.id, &mut gi),
            sys::NVML_SUCCESS
        );
        assert_eq!(
            lib.nvmlGpuInstanceGetComputeInstanceProfileInfo(
                gi,
                sys::NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
                sys::NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED,
                &mut ci_info
            ),
            sys::NVML_SUCCESS
        );
        assert_eq!(
            lib.nvmlGpuInstanceCreateComputeInstance(gi, ci_info.id, &mut ci),
            sys::NVML_SUCCESS
        );
    }
}

#[test]
fn mig_devices_are_devices_of_their_own() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(3).unwrap();
    // MIG off: no MIG devices to ask for.
    assert!(matches!(
        gpu.mig_device_by_index(0),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert!(gpu.mig_devices().unwrap().is_empty());
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    assert!(matches!(
        gpu.mig_device_by_index(0),
        Err(NvmlError::NotFound(_))
    ));
    assert!(gpu.mig_devices().unwrap().is_empty());
    create_one_slice_instance(&m, &gpu);

    let mig = gpu.mig_device_by_index(0).unwrap();
    assert_eq!(gpu.mig_devices().unwrap(), [mig]);
    assert_ne!(mig, gpu);
    assert!(mig.is_mig_device_handle().unwrap());
    assert_eq!(mig.mig_parent_device().unwrap(), gpu);
    // A MIG device answers its parent's uptime (nvml.h); the clock stopped to compare.
    m.staged.set_virtual_clock(true).unwrap();
    assert_eq!(mig.gpu_uptime().unwrap(), gpu.gpu_uptime().unwrap());
    m.staged.set_virtual_clock(false).unwrap();
    let gi = mig.gpu_instance_id().unwrap();
    assert_eq!(mig.compute_instance_id().unwrap(), 0);
    // The first 1-slice instance of an H100 sits at slice 0, which a driver numbers 7.
    assert_eq!(gi, 7);
    assert_eq!(
        mig.index().unwrap(),
        0,
        "the index mig_device_by_index takes"
    );
    assert_eq!(gpu.index().unwrap(), 3);
    assert!(matches!(
        gpu.mig_device_by_index(1),
        Err(NvmlError::NotFound(_))
    ));

    // nvml.h: per-instance information comes through MIG device handles. GPU 3's compute
    // process now runs in the only instance: the MIG device lists it, and the whole GPU lists
    // it with its instance ids.
    let in_mig = mig.running_compute_processes().unwrap();
    assert_eq!(in_mig.len(), 1);
    assert_eq!(
        (in_mig[0].gpu_instance_id, in_mig[0].compute_instance_id),
        (Some(gi), Some(0))
    );
    assert_eq!(gpu.running_compute_processes().unwrap(), in_mig);

    // A whole GPU is not a MIG device.
    assert!(!gpu.is_mig_device_handle().unwrap());
    assert!(matches!(
        gpu.mig_parent_device(),
        Err(NvmlError::InvalidArgument(_))
    ));
    assert!(matches!(
        gpu.gpu_instance_id(),
        Err(NvmlError::NotSupported(_))
    ));
    assert!(matches!(
        gpu.compute_instance_id(),
        Err(NvmlError::NotSupported(_))
    ));
}

#[test]
fn a_profile_s_declared_mig_devices_are_indexed_within_their_gpu() {
    let m = crate::support::mock_with_profile(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../nvml-mock/profiles/examples/dgx-h100-mig.json"
    ));
    let gpu = m.nvml.device_by_index(0).unwrap();
    let migs: Vec<_> = (0..3)
        .map(|k| gpu.mig_device_by_index(k).unwrap())
        .collect();
    assert_eq!(
        migs.iter().map(|d| d.index().unwrap()).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    // GPU instance ids by placement: the 3g at slice 4 is 2, the 1g at slices 0 and 1 are 7, 8.
    assert_eq!(
        migs.iter()
            .map(|d| d.gpu_instance_id().unwrap())
            .collect::<Vec<_>>(),
        [2, 7, 8]
    );
    for d in &migs {
        assert_eq!(d.mig_parent_device().unwrap(), gpu);
        let mem = d.memory_info().unwrap();
        assert!(mem.used >= 13 * 1024 * 1024 && mem.used <= mem.total);
        let bar1 = d.bar1_memory_info().unwrap();
        assert!(bar1.total > 0 && bar1.used <= bar1.total);
    }
    let seven = m
        .nvml
        .device_by_index(1)
        .unwrap()
        .mig_device_by_index(0)
        .unwrap();
    assert_eq!(seven.index().unwrap(), 0);
    assert_eq!(seven.gpu_instance_id().unwrap(), 0);
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn real_gpu_mig_mode_agrees_with_nvidia_smi() {
    let nvml = nvml_wrapper::Nvml::init().expect("NVML initialises on a GPU machine");
    let rows = crate::support::nvidia_smi(&[
        "--query-gpu=index,mig.mode.current,mig.mode.pending",
        "--format=csv,noheader,nounits",
    ]);
    for row in &rows {
        let gpu = nvml.device_by_index(row[0].parse().unwrap()).unwrap();
        assert!(!gpu.is_mig_device_handle().unwrap());
        match (
            crate::support::smi_flag(&row[1]),
            crate::support::smi_flag(&row[2]),
        ) {
            (Some(current), Some(pending)) => {
                assert_eq!(gpu.mig_mode().unwrap(), MigMode { current, pending });
            }
            _ => assert!(matches!(gpu.mig_mode(), Err(NvmlError::NotSupported(_)))),
        }
    }
}

/// A MIG device's attributes are its instance's share of the GPU, from the H100 MIG table:
/// profile 1g.10gb has 16 SMs and 9856 MiB, 3g.40gb 60 SMs and 40192 MiB.
#[test]
fn mig_devices_have_their_profiles_attributes() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(4).unwrap();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    let table = profile::builtin("dgx-h100").unwrap().gpus[4]
        .mig_profiles
        .clone();
    for (profile_id, name) in [(19, "1g.10gb"), (9, "3g.40gb")] {
        let spec = table.iter().find(|p| p.id == profile_id).unwrap();
        assert_eq!(spec.name, name);
        let gi = gpu.create_gpu_instance(profile_id).unwrap();
        let _ci = gi.create_compute_instance(0).unwrap();
        let gi_id = gi.info().unwrap().id;
        let mig = gpu
            .mig_devices()
            .unwrap()
            .into_iter()
            .find(|d| d.gpu_instance_id().unwrap() == gi_id)
            .unwrap();
        let attrs = mig.attributes().unwrap();
        assert_eq!(attrs.memory_size_mib, spec.memory_mb, "{name}");
        assert_eq!(
            attrs.gpu_instance_slice_count, spec.compute_slices,
            "{name}"
        );
        // A 1-slice compute instance has one slice's SMs.
        assert_eq!(attrs.compute_instance_slice_count, 1, "{name}");
        assert_eq!(
            attrs.multiprocessor_count,
            spec.sm_count / spec.compute_slices,
            "{name}"
        );
        assert_eq!(
            (
                attrs.shared_copy_engine_count,
                attrs.shared_decoder_count,
                attrs.shared_jpeg_count,
                attrs.shared_ofa_count
            ),
            (spec.copy_engines, spec.decoders, spec.jpegs, spec.ofas),
            "{name}"
        );
    }
}
