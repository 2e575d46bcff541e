//! Owned handles, explicit shutdown and raw handles, against the simulated DGX H100: owned
//! devices, event sets and MIG instances keep NVML initialised and move into threads;
//! `Nvml::shutdown` reports the driver's answer and refuses while other shares live; raw
//! handles from `nvml.lib()` come back to the safe types.

use nvml_wrapper::enums::TemperatureSensor;
use nvml_wrapper::event::{EventData, EventSet, EventTypes, OwnedEventSet};
use nvml_wrapper::gpm::{self, GpmSample, OwnedGpmSample};
use nvml_wrapper::mig::{ComputeInstance, GpuInstance, OwnedComputeInstance, OwnedGpuInstance};
use nvml_wrapper::system_event::{OwnedSystemEventSet, SystemEventSet, SystemEventTypes};
use nvml_wrapper::unit::{OwnedUnit, Unit};
use nvml_wrapper::vgpu::{OwnedVgpuInstance, OwnedVgpuType, VgpuInstance, VgpuType};
use nvml_wrapper::{Device, Nvml, NvmlError, NvmlLibrary, OwnedDevice, sys};

/// The GPU instance profile id of the H100's 3g slice.
const PROFILE_3G: u32 = 9;

#[test]
fn nvml_and_every_handle_are_send_and_sync_and_owned_ones_are_static() {
    fn shared<T: Send + Sync>() {}
    fn owned<T: Send + Sync + 'static>() {}
    shared::<Nvml>();
    shared::<Device<'_>>();
    shared::<EventSet<'_>>();
    shared::<EventData<'_>>();
    shared::<GpuInstance<'_>>();
    shared::<ComputeInstance<'_>>();
    shared::<Unit<'_>>();
    shared::<GpmSample<'_>>();
    shared::<SystemEventSet<'_>>();
    shared::<VgpuType<'_>>();
    shared::<VgpuInstance<'_>>();
    owned::<Nvml>();
    owned::<OwnedDevice>();
    owned::<OwnedEventSet>();
    owned::<EventData<'static, Nvml>>();
    owned::<OwnedGpuInstance>();
    owned::<OwnedComputeInstance>();
    owned::<OwnedUnit>();
    owned::<OwnedGpmSample>();
    owned::<OwnedSystemEventSet>();
    owned::<OwnedVgpuType>();
    owned::<OwnedVgpuInstance>();
}

/// The same library, loaded again but not initialised by this handle: it tells whether NVML
/// is initialised (the mock counts inits like NVML does).
fn probe(m: &nvml_mock::Staged) -> NvmlLibrary {
    Nvml::builder().library_path(m.path()).load().unwrap()
}

fn initialised(probe: &NvmlLibrary) -> bool {
    let count = *probe.lib().nvmlDeviceGetCount_v2.as_ref().unwrap();
    let mut n = 0;
    // SAFETY: `nvmlDeviceGetCount_v2` writes one unsigned int through a live `&mut`.
    match unsafe { count(&mut n) } {
        sys::NVML_SUCCESS => true,
        sys::NVML_ERROR_UNINITIALIZED => false,
        other => panic!("nvmlDeviceGetCount_v2 answered {other}"),
    }
}

#[test]
fn an_owned_device_keeps_nvml_initialised_until_it_drops() {
    let crate::support::Mock { nvml, staged } = crate::support::mock();
    let probe = probe(&staged);
    let gpu = nvml.device_by_index(3).unwrap().into_owned();
    assert_eq!(nvml.share_count(), 2);
    drop(nvml);

    assert!(initialised(&probe));
    assert_eq!(gpu.name().unwrap(), "NVIDIA H100 80GB HBM3");
    assert_eq!(gpu.index().unwrap(), 3);
    assert_eq!(gpu.nvml().device_count().unwrap(), 8);

    drop(gpu);
    assert!(!initialised(&probe), "the last share shut NVML down");
}

#[test]
fn shutdown_refuses_while_other_shares_live_and_the_last_share_shuts_down() {
    let crate::support::Mock { nvml, staged } = crate::support::mock();
    let probe = probe(&staged);
    let gpu = nvml.device_by_index(0).unwrap().into_owned();
    let clone = nvml.clone();

    // Two others (the `nvml` and the device): nothing is shut down, the device still works.
    assert!(matches!(
        clone.shutdown(),
        Err(NvmlError::StillShared { others: 2 })
    ));
    assert!(initialised(&probe));
    assert_eq!(gpu.index().unwrap(), 0);
    assert_eq!(nvml.share_count(), 2);

    drop(gpu);
    nvml.shutdown().unwrap();
    assert!(!initialised(&probe));
}

#[test]
fn shutdown_reports_the_drivers_answer() {
    let m = crate::support::mock();
    let probe = probe(&m.staged);
    let nvml = m.nvml.clone();
    drop(m.nvml);
    // Shut down behind the wrapper's back, through the raw loader.
    let shutdown = *nvml.lib().nvmlShutdown.as_ref().unwrap();
    // SAFETY: `nvmlShutdown` takes no arguments; nothing uses NVML afterwards but the
    // wrapper's own shutdown, whose answer is the point.
    assert_eq!(unsafe { shutdown() }, sys::NVML_SUCCESS);
    assert!(!initialised(&probe));
    assert!(matches!(
        nvml.shutdown(),
        Err(NvmlError::Uninitialized("nvmlShutdown"))
    ));
}

#[test]
fn nvml_and_owned_devices_in_one_struct_move_into_a_thread() {
    struct Monitor {
        nvml: Nvml,
        gpus: Vec<OwnedDevice>,
    }
    let m = crate::support::mock();
    let gpus = m.nvml.devices().unwrap();
    let expected: Vec<String> = gpus.iter().map(|g| g.uuid().unwrap()).collect();
    let monitor = Monitor {
        nvml: m.nvml.clone(),
        gpus: gpus.into_iter().map(Device::into_owned).collect(),
    };
    let uuids = std::thread::spawn(move || {
        assert_eq!(monitor.nvml.device_count().unwrap(), 8);
        for gpu in &monitor.gpus {
            gpu.temperature(TemperatureSensor::Gpu).unwrap();
        }
        monitor
            .gpus
            .iter()
            .map(|g| g.uuid().unwrap())
            .collect::<Vec<_>>()
    })
    .join()
    .unwrap();
    assert_eq!(uuids, expected);
    assert_eq!(m.nvml.share_count(), 1, "the thread's shares are gone");
}

#[test]
fn an_owned_event_set_waits_in_a_thread_and_delivers_owned_devices() {
    let m = crate::support::mock();
    let gpu = m.nvml.device_by_index(3).unwrap();
    let events: OwnedEventSet = m.nvml.create_event_set().unwrap().into_owned();
    events
        .register(&gpu.into_owned(), EventTypes::XID_CRITICAL_ERROR)
        .unwrap();
    let waiter = std::thread::spawn(move || {
        let event = events.wait(5000).unwrap();
        let device: OwnedDevice = event.device;
        (device, event.event_data)
    });
    m.staged.inject_xid(3, 79).unwrap();
    let (device, xid) = waiter.join().unwrap();
    assert_eq!(xid, 79);
    assert_eq!(device, gpu);
    assert_eq!(device.uuid().unwrap(), gpu.uuid().unwrap());
}

#[test]
fn a_device_of_another_library_is_refused_by_an_event_set() {
    let a = crate::support::mock();
    let b = crate::support::mock();
    let events = a.nvml.create_event_set().unwrap();
    let foreign = b.nvml.device_by_index(0).unwrap();
    assert!(matches!(
        events.register(&foreign, EventTypes::XID_CRITICAL_ERROR),
        Err(NvmlError::InvalidInput(_))
    ));
    let own = a.nvml.device_by_index(0).unwrap();
    events
        .register(&own, EventTypes::XID_CRITICAL_ERROR)
        .unwrap();
}

#[test]
fn owned_mig_instances_outlive_their_nvml_and_move_into_a_thread() {
    let crate::support::Mock { nvml, staged } = crate::support::mock();
    staged.set_root(true).unwrap();
    let gpu = nvml.device_by_index(2).unwrap().into_owned();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    let gi: OwnedGpuInstance = gpu.create_gpu_instance(PROFILE_3G).unwrap();
    let ci_profile = gi
        .compute_instance_profile_info(nvml_wrapper::enums::ComputeInstanceProfile::Slice1)
        .unwrap();
    let ci: OwnedComputeInstance = gi.create_compute_instance(ci_profile.id).unwrap();
    drop(nvml);

    let (gi, ci) = std::thread::spawn(move || {
        let info = ci.info().unwrap();
        assert_eq!(info.device, gpu);
        assert_eq!(info.gpu_instance, gi);
        assert_eq!(info.profile_id, ci_profile.id);
        (gi, ci)
    })
    .join()
    .unwrap();
    ci.destroy().unwrap();
    gi.destroy().unwrap();
}

#[test]
fn raw_device_and_event_set_handles_come_back_to_the_safe_types() {
    let m = crate::support::mock();
    let nvml = &m.nvml;
    let lib = nvml.lib();

    let by_index = *lib.nvmlDeviceGetHandleByIndex_v2.as_ref().unwrap();
    let mut raw: sys::nvmlDevice_t = std::ptr::null_mut();
    // SAFETY: an index and a live out-pointer.
    assert_eq!(unsafe { by_index(3, &mut raw) }, sys::NVML_SUCCESS);
    // SAFETY: `raw` is a device handle this library just returned, not null.
    let gpu = unsafe { Device::from_raw(nvml, raw) };
    assert_eq!(gpu, nvml.device_by_index(3).unwrap());
    assert_eq!(gpu.index().unwrap(), 3);
    assert_eq!(gpu.handle(), raw);
    // SAFETY: as above; the owned form holds a share of the same library.
    let owned: OwnedDevice = unsafe { Device::from_raw(nvml.clone(), raw) };
    assert_eq!(owned.uuid().unwrap(), gpu.uuid().unwrap());

    // And back: the safe handle's raw form works with a raw call.
    let get_index = *lib.nvmlDeviceGetIndex.as_ref().unwrap();
    let mut index = 0;
    // SAFETY: a live device handle of this library and a live out-pointer.
    let rc = unsafe { get_index(owned.handle(), &mut index) };
    assert_eq!(rc, sys::NVML_SUCCESS);
    assert_eq!(index, 3);

    let create = *lib.nvmlEventSetCreate.as_ref().unwrap();
    let mut set: sys::nvmlEventSet_t = std::ptr::null_mut();
    // SAFETY: a live out-pointer.
    assert_eq!(unsafe { create(&mut set) }, sys::NVML_SUCCESS);
    // SAFETY: a fresh event set of this library, owned by nothing else: the safe set frees it.
    let events = unsafe { EventSet::from_raw(nvml, set) };
    assert_eq!(events.handle(), set);
    events
        .register(&gpu, EventTypes::XID_CRITICAL_ERROR)
        .unwrap();
    m.staged.inject_xid(3, 48).unwrap();
    let event = events.wait(1000).unwrap();
    assert_eq!((event.device, event.event_data), (gpu, 48));
    events.free().unwrap();
}

#[test]
fn raw_mig_instance_handles_come_back_to_the_safe_types() {
    let m = crate::support::mock();
    m.staged.set_root(true).unwrap();
    let nvml = &m.nvml;
    let gpu = nvml.device_by_index(2).unwrap();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    let gi = gpu.create_gpu_instance(PROFILE_3G).unwrap();
    let ci_profile = gi
        .compute_instance_profile_info(nvml_wrapper::enums::ComputeInstanceProfile::Slice1)
        .unwrap();
    let ci = gi.create_compute_instance(ci_profile.id).unwrap();
    let (gi_id, ci_id) = (gi.info().unwrap().id, ci.info().unwrap().id);

    let lib = nvml.lib();
    let gi_by_id = *lib.nvmlDeviceGetGpuInstanceById.as_ref().unwrap();
    let mut raw_gi: sys::nvmlGpuInstance_t = std::ptr::null_mut();
    // SAFETY: a live device handle, an id and a live out-pointer.
    let rc = unsafe { gi_by_id(gpu.handle(), gi_id, &mut raw_gi) };
    assert_eq!(rc, sys::NVML_SUCCESS);
    // SAFETY: a GPU instance handle this library just returned, not null, not destroyed.
    let same_gi = unsafe { GpuInstance::from_raw(nvml, raw_gi) };
    assert_eq!(same_gi, gi);
    assert_eq!(same_gi.info().unwrap().device, gpu);

    let ci_by_id = *lib.nvmlGpuInstanceGetComputeInstanceById.as_ref().unwrap();
    let mut raw_ci: sys::nvmlComputeInstance_t = std::ptr::null_mut();
    // SAFETY: a live GPU instance handle, an id and a live out-pointer.
    let rc = unsafe { ci_by_id(same_gi.handle(), ci_id, &mut raw_ci) };
    assert_eq!(rc, sys::NVML_SUCCESS);
    // SAFETY: a compute instance handle this library just returned, owned share of it.
    let same_ci: OwnedComputeInstance = unsafe { ComputeInstance::from_raw(nvml.clone(), raw_ci) };
    assert_eq!(same_ci, ci);
    assert_eq!(same_ci.info().unwrap().id, ci_id);
    same_ci.destroy().unwrap();
    same_gi.destroy().unwrap();
}

#[test]
fn raw_unit_and_gpm_sample_handles_come_back_to_the_safe_types() {
    let m = crate::support::mock_with_profile("s-class");
    let nvml = &m.nvml;
    let lib = nvml.lib();

    let unit_by_index = *lib.nvmlUnitGetHandleByIndex.as_ref().unwrap();
    let mut raw_unit: sys::nvmlUnit_t = std::ptr::null_mut();
    // SAFETY: an index and a live out-pointer.
    let rc = unsafe { unit_by_index(0, &mut raw_unit) };
    assert_eq!(rc, sys::NVML_SUCCESS);
    // SAFETY: a unit handle this library just returned, not null.
    let unit = unsafe { Unit::from_raw(nvml, raw_unit) };
    assert_eq!(unit, nvml.unit_by_index(0).unwrap());
    assert_eq!(
        unit.info().unwrap().name,
        "NVIDIA Tesla S-Class 4-GPU Computing System"
    );

    let h100 = crate::support::mock();
    let alloc = *h100.nvml.lib().nvmlGpmSampleAlloc.as_ref().unwrap();
    let mut raw_sample: sys::nvmlGpmSample_t = std::ptr::null_mut();
    // SAFETY: a live out-pointer.
    assert_eq!(unsafe { alloc(&mut raw_sample) }, sys::NVML_SUCCESS);
    // SAFETY: a fresh sample of this library, owned by nothing else: the safe sample frees it.
    let mut sample = unsafe { GpmSample::from_raw(&h100.nvml, raw_sample) };
    assert_eq!(sample.handle(), raw_sample);
    sample.fill(&h100.nvml.device_by_index(0).unwrap()).unwrap();
    sample.free().unwrap();
}

#[test]
fn an_owned_device_lists_owned_vgpus_that_outlive_the_nvml() {
    let crate::support::Mock { nvml, staged } = crate::support::mock_with_profile("vgpu-host");
    let probe = probe(&staged);
    let borrowed = nvml.device_by_index(0).unwrap();
    let supported: Vec<u32> = borrowed
        .supported_vgpus()
        .unwrap()
        .iter()
        .map(VgpuType::id)
        .collect();
    let active: Vec<(u32, String, u32)> = (borrowed.active_vgpus().unwrap().iter())
        .map(|v| (v.id(), v.uuid().unwrap(), v.vgpu_type().unwrap().id()))
        .collect();
    assert_eq!(
        supported,
        (818..=825).collect::<Vec<_>>(),
        "the profile's C-series types"
    );
    assert_eq!(active.len(), 2, "the profile runs two VMs on GPU 0");
    let name_823 = nvml.vgpu_type(823).name().unwrap();
    let gpu = borrowed.into_owned();
    drop(nvml);

    let (types, vgpus) = std::thread::spawn(move || {
        let types: Vec<OwnedVgpuType> = gpu.supported_vgpus().unwrap();
        let creatable: Vec<OwnedVgpuType> = gpu.creatable_vgpus().unwrap();
        assert_eq!(
            creatable.iter().map(VgpuType::id).collect::<Vec<_>>(),
            [823]
        );
        assert_eq!(creatable[0].name().unwrap(), name_823);
        let vgpus: Vec<OwnedVgpuInstance> = gpu.active_vgpus().unwrap();
        let read: Vec<(u32, String, u32)> = (vgpus.iter())
            .map(|v| {
                let vgpu_type: OwnedVgpuType = v.vgpu_type().unwrap();
                (v.id(), v.uuid().unwrap(), vgpu_type.id())
            })
            .collect();
        assert_eq!(read, active);
        (types, vgpus)
    })
    .join()
    .unwrap();
    // The device is gone with the thread; the vGPU handles still hold the library.
    assert!(initialised(&probe));
    assert_eq!(
        types.iter().map(VgpuType::id).collect::<Vec<_>>(),
        supported
    );
    assert_eq!(
        types[0],
        types[0].borrowed(),
        "owned and borrowed forms are equal"
    );
    assert_ne!(types[0], types[1]);
    assert_eq!(vgpus[0].nvml().share_count(), types.len() + vgpus.len());
    drop(types);
    drop(vgpus);
    assert!(!initialised(&probe), "the last vGPU handle shut NVML down");
}

#[test]
fn an_owned_gpu_instance_lists_owned_vgpus() {
    let crate::support::Mock { nvml, staged } = crate::support::mock_with_profile("vgpu-host");
    staged.set_root(true).unwrap();
    let gpu = nvml.device_by_index(0).unwrap().into_owned();
    assert!(gpu.set_mig_mode(true).unwrap().is_applied());
    // The H100's 3g.40gb profile, which hosts the H100-3-40C vGPU type (id 829).
    let gi: OwnedGpuInstance = gpu.create_gpu_instance(9).unwrap();
    drop(nvml);
    let creatable: Vec<OwnedVgpuType> = gi.creatable_vgpus().unwrap();
    assert_eq!(
        creatable.iter().map(VgpuType::id).collect::<Vec<_>>(),
        [829]
    );
    assert_eq!(creatable[0].name().unwrap(), "NVIDIA H100-3-40C");
    let active: Vec<OwnedVgpuInstance> = gi.active_vgpus().unwrap();
    assert!(active.is_empty());
    gi.destroy().unwrap();
}

#[test]
fn an_owned_device_takes_owned_gpm_samples_that_outlive_it() {
    let crate::support::Mock { nvml, staged } = crate::support::mock();
    let probe = probe(&staged);
    let gpu = nvml.device_by_index(0).unwrap().into_owned();
    drop(nvml);

    let (first, second) = std::thread::spawn(move || {
        assert!(gpu.gpm_supported().unwrap());
        let first: OwnedGpmSample = gpu.gpm_sample().unwrap();
        // The counters refresh every 100 ms.
        std::thread::sleep(std::time::Duration::from_millis(150));
        let second: OwnedGpmSample = gpu.gpm_sample().unwrap();
        // MIG is off on GPU 0: a MIG sample is refused the same way on both forms.
        let owned = gpu.gpm_mig_sample(0).map(|_| ()).unwrap_err();
        let borrowed = gpu.borrowed().gpm_mig_sample(0).map(|_| ()).unwrap_err();
        assert_eq!(owned.to_string(), borrowed.to_string());
        (first, second)
    })
    .join()
    .unwrap();
    assert!(initialised(&probe), "the samples hold the library");
    let metrics = gpm::gpm_metrics(&first, &second, &[sys::NVML_GPM_METRIC_SM_UTIL]).unwrap();
    let sm_util = *metrics[0].value.as_ref().unwrap();
    assert!(sm_util > 0.0 && sm_util <= 100.0, "{sm_util}");
    // An owned and a borrowed sample of the same GPU make an interval too.
    let gpu = first.nvml().device_by_index(0).unwrap();
    let third = gpu.gpm_sample().unwrap();
    assert!(gpm::gpm_metrics(&first, &third, &[sys::NVML_GPM_METRIC_SM_UTIL]).is_ok());
    drop(third);
    first.free().unwrap();
    drop(second);
    assert!(!initialised(&probe), "the last sample shut NVML down");
}

#[test]
fn an_owned_unit_lists_owned_devices() {
    let crate::support::Mock { nvml, staged } = crate::support::mock_with_profile("s-class");
    let probe = probe(&staged);
    let uuids: Vec<String> = (0..4)
        .map(|i| nvml.device_by_index(i).unwrap().uuid().unwrap())
        .collect();
    let unit: OwnedUnit = nvml.unit_by_index(0).unwrap().into_owned();
    assert_eq!(unit, nvml.unit_by_index(0).unwrap());
    drop(nvml);
    let devices: Vec<OwnedDevice> = std::thread::spawn(move || unit.devices().unwrap())
        .join()
        .unwrap();
    assert_eq!(
        devices
            .iter()
            .map(|d| d.uuid().unwrap())
            .collect::<Vec<_>>(),
        uuids
    );
    drop(devices);
    assert!(!initialised(&probe));
}

#[test]
fn an_owned_system_event_set_waits_in_a_thread() {
    let crate::support::Mock { nvml, staged } = crate::support::mock();
    let probe = probe(&staged);
    let set: OwnedSystemEventSet = nvml.create_system_event_set().unwrap().into_owned();
    set.register(SystemEventTypes::GPU_DRIVER_UNBIND).unwrap();
    drop(nvml);
    let waiter = std::thread::spawn(move || {
        let events = set.wait(5000, 8).unwrap();
        set.free().unwrap();
        events
    });
    staged
        .inject_system_event(3, u64::from(sys::nvmlSystemEventTypeGpuDriverUnbind))
        .unwrap();
    let events = waiter.join().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, SystemEventTypes::GPU_DRIVER_UNBIND);
    assert!(
        !initialised(&probe),
        "freeing the set released the last share"
    );
}
