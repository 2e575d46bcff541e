//! The struct versions the mock's exports accept come from nvml-wrapper's version table (nvml-sys's
//! `versioned.tsv`, as `nvml_mock::struct_versions`): each listed version answers, and the next
//! version number of the same struct is refused as drivers refuse a version they do not know.

use std::ffi::c_uint;

use crate::support::*;

/// A zeroed buffer larger than any versioned struct, with room to be read as any of them.
#[repr(C, align(8))]
struct Buffer([u8; 8192]);

impl Buffer {
    /// Zeroed, with `version` in the leading `unsigned int version` every versioned struct has.
    fn stamped(version: c_uint) -> Box<Self> {
        let mut b = Box::new(Self([0; 8192]));
        b.0[..4].copy_from_slice(&version.to_ne_bytes());
        b
    }

    fn ptr<T>(&mut self) -> *mut T {
        self.0.as_mut_ptr().cast()
    }
}

/// The next version number of the struct `version` stamps: same size, version byte + 1.
fn next_version(version: c_uint) -> c_uint {
    version + (1 << 24)
}

/// Calls `symbol` on the machine that answers it, with a buffer stamped `version`: `None` for a
/// symbol this test has no call for.
fn call(symbol: &str, version: c_uint) -> Option<nvmlReturn_t> {
    let mut buf = Buffer::stamped(version);
    let rc = match symbol {
        "nvmlDeviceGetMemoryInfo_v2" => {
            let (_s, lib) = init("dgx-h100");
            nv!(lib.nvmlDeviceGetMemoryInfo_v2(dev(&lib, 0), buf.ptr()))
        }
        "nvmlDeviceGetGpuFabricInfoV" => {
            let (_s, lib) = init("dgx-h100");
            nv!(lib.nvmlDeviceGetGpuFabricInfoV(dev(&lib, 0), buf.ptr()))
        }
        "nvmlDeviceSetPowerManagementLimit_v2" => {
            let (staged, lib) = init("dgx-h100");
            staged.set_root(true).expect("the set-root hook");
            let d = dev(&lib, 0);
            let mut limit = 0;
            assert_eq!(
                nv!(lib.nvmlDeviceGetPowerManagementLimit(d, &mut limit)),
                NVML_SUCCESS
            );
            let value = buf.ptr::<nvmlPowerValue_v2_t>();
            // SAFETY: the buffer is larger than the struct and aligned for it.
            unsafe { (*value).powerValueMw = limit };
            nv!(lib.nvmlDeviceSetPowerManagementLimit_v2(d, value))
        }
        "nvmlDeviceGetNvLinkInfo" => {
            let (_s, lib) = init("dgx-h100");
            nv!(lib.nvmlDeviceGetNvLinkInfo(dev(&lib, 0), buf.ptr()))
        }
        "nvmlSystemGetConfComputeSettings" => {
            let (_s, lib) = init("h100-cc");
            nv!(lib.nvmlSystemGetConfComputeSettings(buf.ptr()))
        }
        "nvmlSystemGetConfComputeSettings_v2" => {
            let (_s, lib) = init("h100-cc");
            nv!(lib.nvmlSystemGetConfComputeSettings_v2(buf.ptr()))
        }
        "nvmlDeviceGetTemperatureV" => {
            let (_s, lib) = init("dgx-h100");
            // A zeroed `sensorType` is NVML_TEMPERATURE_GPU.
            nv!(lib.nvmlDeviceGetTemperatureV(dev(&lib, 0), buf.ptr()))
        }
        "nvmlDeviceGetGpuInstanceProfileInfoV" => {
            let (_s, lib) = init(MIG_PROFILE);
            nv!(lib.nvmlDeviceGetGpuInstanceProfileInfoV(
                dev(&lib, 0),
                NVML_GPU_INSTANCE_PROFILE_1_SLICE,
                buf.ptr()
            ))
        }
        "nvmlGpuInstanceGetComputeInstanceProfileInfoV" => {
            let (_s, lib) = init(MIG_PROFILE);
            let gi = first_gpu_instance(&lib);
            nv!(lib.nvmlGpuInstanceGetComputeInstanceProfileInfoV(
                gi,
                NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
                NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED,
                buf.ptr()
            ))
        }
        _ => return None,
    };
    Some(rc)
}

/// A machine whose first GPU is in MIG mode with GPU instances.
const MIG_PROFILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/profiles/examples/dgx-h100-mig.json"
);

fn first_gpu_instance(lib: &NvmlLib) -> nvmlGpuInstance_t {
    let d = dev(lib, 0);
    let mut info = nvmlGpuInstanceProfileInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstanceProfileInfo(
            d,
            NVML_GPU_INSTANCE_PROFILE_1_SLICE,
            &mut info
        )),
        NVML_SUCCESS
    );
    let mut gis = [std::ptr::null_mut(); 8];
    let mut n = 0;
    assert_eq!(
        nv!(lib.nvmlDeviceGetGpuInstances(d, info.id, gis.as_mut_ptr(), &mut n)),
        NVML_SUCCESS
    );
    assert!(n > 0, "the MIG profile has 1-slice GPU instances");
    gis[0]
}

#[test]
fn every_listed_struct_version_answers_and_the_next_is_refused() {
    let mut checked = 0;
    for (symbol, versions) in nvml_mock::struct_versions::ALL {
        if !nvml_mock::MODELED.contains(symbol) {
            continue;
        }
        let refusal = if *symbol == "nvmlDeviceGetMemoryInfo_v2" {
            // What drivers answer there (see the export's comment).
            NVML_ERROR_FUNCTION_NOT_FOUND
        } else {
            NVML_ERROR_ARGUMENT_VERSION_MISMATCH
        };
        for &version in *versions {
            let rc = call(symbol, version)
                .unwrap_or_else(|| panic!("{symbol} is modeled: give this test a call for it"));
            assert_eq!(rc, NVML_SUCCESS, "{symbol} with version {version:#x}");
        }
        let newest = versions.first().copied().expect("a row lists its versions");
        if !versions.contains(&next_version(newest)) {
            assert_eq!(
                call(symbol, next_version(newest)),
                Some(refusal),
                "{symbol} with an unlisted version {:#x}",
                next_version(newest)
            );
        }
        checked += 1;
    }
    // Every modeled symbol of the table with struct versions (the vGPU scheduler rows of GPU
    // instances are not modeled).
    assert_eq!(checked, 9);
}

#[test]
fn the_table_holds_the_header_constants_in_call_order() {
    use nvml_mock::struct_versions as sv;
    assert_eq!(
        sv::nvmlDeviceGetGpuFabricInfoV,
        [nvmlGpuFabricInfo_v3, nvmlGpuFabricInfo_v2]
    );
    assert_eq!(
        sv::nvmlDeviceGetNvLinkInfo,
        [nvmlNvLinkInfo_v2, nvmlNvLinkInfo_v1]
    );
    assert!(
        sv::ALL
            .iter()
            .all(|(symbol, versions)| !versions.is_empty() && symbol.starts_with("nvml"))
    );
}
