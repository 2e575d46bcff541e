//! System event sets and `nvml_mock_inject_system_event`.

use std::ptr::null_mut;

use crate::support::*;

fn create(lib: &NvmlLib) -> nvmlSystemEventSet_t {
    let mut r = nvmlSystemEventSetCreateRequest_v1_t {
        version: nvmlSystemEventSetCreateRequest_v1,
        set: null_mut(),
    };
    assert_eq!(nv!(lib.nvmlSystemEventSetCreate(&mut r)), NVML_SUCCESS);
    assert!(!r.set.is_null());
    r.set
}

#[test]
fn requests_are_checked() {
    let (s, lib) = init("dgx-h100");
    assert_eq!(
        nv!(lib.nvmlSystemEventSetCreate(null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
    let mut r = nvmlSystemEventSetCreateRequest_v1_t {
        version: 3,
        set: null_mut(),
    };
    assert_eq!(
        nv!(lib.nvmlSystemEventSetCreate(&mut r)),
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH
    );
    let set = create(&lib);
    let mut reg = nvmlSystemRegisterEventRequest_v1_t {
        version: nvmlSystemRegisterEventRequest_v1,
        eventTypes: nvmlSystemEventTypeGpuDriverBind.into(),
        set,
    };
    assert_eq!(nv!(lib.nvmlSystemRegisterEvents(&mut reg)), NVML_SUCCESS);
    s.inject_system_event(4, nvmlSystemEventTypeGpuDriverBind.into())
        .unwrap();
    assert_eq!(
        s.inject_system_event(99, nvmlSystemEventTypeGpuDriverBind.into())
            .map_err(|e| e.code()),
        Err(NVML_ERROR_INVALID_ARGUMENT)
    );
    assert_eq!(
        s.inject_system_event(0, 8).map_err(|e| e.code()),
        Err(NVML_ERROR_INVALID_ARGUMENT)
    );
    let mut data = [nvmlSystemEventData_v1_t {
        eventType: 0,
        gpuId: 0,
    }; 4];
    let mut w = nvmlSystemEventSetWaitRequest_v1_t {
        version: nvmlSystemEventSetWaitRequest_v1,
        timeoutms: 0,
        set,
        data: null_mut(),
        dataSize: 4,
        numEvent: 9,
    };
    assert_eq!(
        nv!(lib.nvmlSystemEventSetWait(&mut w)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    w.data = data.as_mut_ptr();
    assert_eq!(nv!(lib.nvmlSystemEventSetWait(&mut w)), NVML_SUCCESS);
    assert_eq!(w.numEvent, 1);
    assert_eq!(
        data[0].eventType,
        u64::from(nvmlSystemEventTypeGpuDriverBind)
    );
    // GPU 4 of the DGX H100: domain 0, device 0.
    let mut pci = nvmlPciInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetPciInfo_v3(dev(&lib, 4), &mut pci)),
        NVML_SUCCESS
    );
    assert_eq!(data[0].gpuId, pci.bus << 8);
    assert_eq!(nv!(lib.nvmlSystemEventSetWait(&mut w)), NVML_ERROR_TIMEOUT);
    assert_eq!(w.numEvent, 0);
    assert_eq!(
        nv!(lib.nvmlSystemEventSetWait(null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );

    let mut free = nvmlSystemEventSetFreeRequest_v1_t {
        version: nvmlSystemEventSetFreeRequest_v1,
        set,
    };
    assert_eq!(nv!(lib.nvmlSystemEventSetFree(&mut free)), NVML_SUCCESS);
    assert_eq!(
        nv!(lib.nvmlSystemEventSetFree(&mut free)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlSystemEventSetWait(&mut w)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
    assert_eq!(
        s.inject_system_event(0, nvmlSystemEventTypeGpuDriverBind.into())
            .map_err(|e| e.code()),
        Err(NVML_ERROR_UNINITIALIZED)
    );
    assert_eq!(
        nv!(lib.nvmlSystemEventSetWait(&mut w)),
        NVML_ERROR_UNINITIALIZED
    );
}
