//! vGPU host: type table, supported/creatable types and placements, active instances (VMs),
//! their licensing, accounting, utilization and metadata, vGPU versions, scheduler and
//! heterogeneous mode. A GPU not in host vGPU mode answers `NOT_SUPPORTED`, like a bare-metal
//! GPU; unknown type ids are `INVALID_ARGUMENT`, unknown instances `NOT_FOUND`.

use std::ffi::{c_char, c_uint, c_ulonglong};

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::handles::gi_ref;
use crate::machine::Gpu;
use crate::marshal::{fill_array, get, put, put_array, put_str};
use crate::profile::{INVALID_ID, VgpuInstanceSpec, VgpuType};

/// Wall-clock microseconds (timestamps of utilization samples and scheduler logs).
fn wall_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A physical GPU in host vGPU mode: its index. MIG device handles and GPUs in any other
/// mode are NOT_SUPPORTED.
fn host(c: &Ctx<'_>, d: nvmlDevice_t) -> Result<usize, nvmlReturn_t> {
    let g = c.m.gpu(d)?;
    if g.spec().virtualization_mode != NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    c.m.gpu_index(d)
}

fn host_gpu<'a>(c: &'a Ctx<'_>, d: nvmlDevice_t) -> Result<(usize, &'a Gpu), nvmlReturn_t> {
    let i = host(c, d)?;
    Ok((i, c.m.gpus.get(i).ok_or(NVML_ERROR_INVALID_ARGUMENT)?))
}

/// Whether any GPU is a vGPU host (system-wide vGPU queries).
fn any_host(c: &Ctx<'_>) -> Result<(), nvmlReturn_t> {
    if c.m
        .gpus
        .iter()
        .any(|g| g.spec().virtualization_mode == NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU)
    {
        Ok(())
    } else {
        Err(NVML_ERROR_NOT_SUPPORTED)
    }
}

fn vtype<'a>(c: &'a Ctx<'_>, id: nvmlVgpuTypeId_t) -> Result<&'a VgpuType, nvmlReturn_t> {
    c.m.profile
        .vgpu_types
        .iter()
        .find(|t| t.id == id)
        .ok_or(NVML_ERROR_INVALID_ARGUMENT)
}

/// Index of an active instance: 0 is INVALID_ARGUMENT, an unknown one NOT_FOUND.
fn inst_index(c: &Ctx<'_>, id: nvmlVgpuInstance_t) -> Result<usize, nvmlReturn_t> {
    if id == 0 {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    c.m.vgpus
        .iter()
        .position(|v| v.id == id)
        .ok_or(NVML_ERROR_NOT_FOUND)
}

fn inst<'a>(c: &'a Ctx<'_>, id: nvmlVgpuInstance_t) -> Result<&'a VgpuInstanceSpec, nvmlReturn_t> {
    let i = inst_index(c, id)?;
    c.m.vgpus.get(i).ok_or(NVML_ERROR_NOT_FOUND)
}

fn inst_type<'a>(c: &'a Ctx<'_>, v: &VgpuInstanceSpec) -> Result<&'a VgpuType, nvmlReturn_t> {
    vtype(c, v.type_id).map_err(|_| NVML_ERROR_UNKNOWN)
}

/// Types the GPU supports now: time-sliced ones, or the MIG-backed ones when MIG is on.
fn supported<'a>(c: &'a Ctx<'_>, gpu: usize) -> Vec<&'a VgpuType> {
    let mig = c.m.gpus.get(gpu).is_some_and(|g| g.mig_current);
    c.m.profile
        .vgpu_types
        .iter()
        .filter(|t| (t.gi_profile_id != INVALID_ID) == mig)
        .collect()
}

fn active_on<'a>(c: &'a Ctx<'_>, gpu: usize) -> Vec<&'a VgpuInstanceSpec> {
    c.m.vgpus.iter().filter(|v| v.gpu as usize == gpu).collect()
}

/// Occupied placement ranges (start, size) of a GPU.
fn occupied(c: &Ctx<'_>, gpu: usize) -> Vec<(u32, u32)> {
    active_on(c, gpu)
        .iter()
        .map(|v| {
            let size = vtype(c, v.type_id).map_or(1, |t| t.placement_size);
            (v.placement_id, size)
        })
        .collect()
}

/// All placements of a type on a GPU: multiples of its size that fit in the GPU's slots.
fn placements(t: &VgpuType, slots: u32) -> Vec<u32> {
    let size = t.placement_size.max(1);
    (0..slots)
        .step_by(size as usize)
        .filter(|p| p + size <= slots)
        .take(t.max_instances as usize)
        .collect()
}

fn creatable_placements(c: &Ctx<'_>, gpu: usize, t: &VgpuType) -> Vec<u32> {
    let Some(g) = c.m.gpus.get(gpu) else {
        return Vec::new();
    };
    let occ = occupied(c, gpu);
    let running = active_on(c, gpu);
    if !g.vgpu_heterogeneous && running.iter().any(|v| v.type_id != t.id) {
        return Vec::new();
    }
    let size = t.placement_size.max(1);
    placements(t, g.spec().vgpu_placement_slots)
        .into_iter()
        .filter(|&p| occ.iter().all(|&(s, n)| p + size <= s || s + n <= p))
        .collect()
}

/// Types that can be created now: in homogeneous mode only the running type while instances
/// remain; in heterogeneous mode every type with a free placement. None while MIG is on (MIG
/// backed types are created in GPU instances).
fn creatable(c: &Ctx<'_>, gpu: usize) -> Vec<u32> {
    if c.m.gpus.get(gpu).is_none_or(|g| g.mig_current) {
        return Vec::new();
    }
    supported(c, gpu)
        .into_iter()
        .filter(|t| {
            let count = active_on(c, gpu)
                .iter()
                .filter(|v| v.type_id == t.id)
                .count();
            count < t.max_instances as usize && !creatable_placements(c, gpu, t).is_empty()
        })
        .map(|t| t.id)
        .collect()
}

/// `(char *buf, unsigned int *size)` string protocol of the vGPU type getters.
fn put_str_sized(
    buf: *mut c_char,
    size: *mut c_uint,
    s: &str,
    c: &Ctx<'_>,
) -> Result<(), nvmlReturn_t> {
    let cap = get(size)?;
    let need = u32::try_from(s.len() + 1).unwrap_or(u32::MAX);
    if cap < need && !c.hostile.unterminated_strings {
        put(size, need)?;
        return Err(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    put_str(buf, cap, s, c.hostile)?;
    put(size, need.min(cap))
}

fn uint_value(v: u32) -> nvmlValue_t {
    nvmlValue_t { uiVal: v }
}

fn sched_params(s: &crate::machine::VgpuSched) -> nvmlVgpuSchedulerParams_t {
    if s.arr == NVML_VGPU_SCHEDULER_ARR_ENABLE {
        nvmlVgpuSchedulerParams_t {
            vgpuSchedDataWithARR: nvmlVgpuSchedulerParams_t__bindgen_ty_1 {
                avgFactor: s.avg_factor,
                timeslice: s.timeslice_ns,
            },
        }
    } else {
        nvmlVgpuSchedulerParams_t {
            vgpuSchedData: nvmlVgpuSchedulerParams_t__bindgen_ty_2 {
                timeslice: s.timeslice_ns,
            },
        }
    }
}

/// Scheduler log entries: one per VM on the GPU, run time growing with the time since init.
fn sched_entries(c: &Ctx<'_>, gpu: usize) -> Vec<nvmlVgpuSchedulerLogEntry_v2_t> {
    let now_ns = c.m.now_ns();
    let ts =
        c.m.gpus
            .get(gpu)
            .map_or(2_000_000, |g| g.vgpu_sched.timeslice_ns);
    let vms = active_on(c, gpu);
    let n = vms.len().max(1) as u64;
    vms.iter()
        .enumerate()
        .map(|(k, v)| {
            let total = now_ns * u64::from(v.sm_util.max(1)) / 100 / n;
            nvmlVgpuSchedulerLogEntry_v2_t {
                timestamp: wall_us().saturating_mul(1000),
                timeRunTotal: total,
                timeRun: u64::from(ts),
                swRunlistId: k as u32 + 1,
                targetTimeSlice: u64::from(ts),
                cumulativePreemptionTime: total / 50,
                weight: 100 / n as u32,
            }
        })
        .collect()
}

const SCHED_CAPS: nvmlVgpuSchedulerCapabilities_t = nvmlVgpuSchedulerCapabilities_t {
    supportedSchedulers: [
        NVML_VGPU_SCHEDULER_POLICY_BEST_EFFORT,
        NVML_VGPU_SCHEDULER_POLICY_EQUAL_SHARE,
        NVML_VGPU_SCHEDULER_POLICY_FIXED_SHARE,
    ],
    maxTimeslice: 30_000_000,
    minTimeslice: 1_000_000,
    isArrModeSupported: 1,
    maxFrequencyForARR: 960,
    minFrequencyForARR: 5,
    maxAvgFactorForARR: 60,
    minAvgFactorForARR: 1,
};

fn set_sched(
    c: &mut Ctx<'_>,
    device: nvmlDevice_t,
    policy: u32,
    arr: u32,
    timeslice_ns: Option<u32>,
    arr_params: Option<(u32, u32)>,
) -> Result<(), nvmlReturn_t> {
    let gpu = host(c, device)?;
    if c.m.gpus.get(gpu).is_some_and(|g| g.mig_current) {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    c.require_root()?;
    let caps = SCHED_CAPS;
    if !caps.supportedSchedulers.contains(&policy) || arr > NVML_VGPU_SCHEDULER_ARR_ENABLE {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    if let Some(ts) = timeslice_ns
        && !(caps.minTimeslice..=caps.maxTimeslice).contains(&ts)
    {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    if let Some((avg, freq)) = arr_params
        && (!(caps.minAvgFactorForARR..=caps.maxAvgFactorForARR).contains(&avg)
            || !(caps.minFrequencyForARR..=caps.maxFrequencyForARR).contains(&freq))
    {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    let g = c.m.gpus.get_mut(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    g.vgpu_sched.policy = policy;
    g.vgpu_sched.arr = arr;
    if let Some(ts) = timeslice_ns {
        g.vgpu_sched.timeslice_ns = ts;
    }
    if let Some((avg, freq)) = arr_params {
        g.vgpu_sched.avg_factor = avg;
        g.vgpu_sched.frequency = freq;
        // ARR derives the timeslice from the frequency.
        g.vgpu_sched.timeslice_ns = 1_000_000_000 / freq.max(1);
    }
    Ok(())
}

fn placement_list(
    c: &Ctx<'_>,
    device: nvmlDevice_t,
    type_id: nvmlVgpuTypeId_t,
    list: *mut nvmlVgpuPlacementList_t,
    creatable_only: bool,
) -> Result<(), nvmlReturn_t> {
    let (gpu, g) = host_gpu(c, device)?;
    if list.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    let t = vtype(c, type_id)?;
    if !supported(c, gpu).iter().any(|s| s.id == t.id) {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    if creatable_only && g.mig_current {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    let version = get(list.cast::<c_uint>().cast_const())?;
    let ids = if creatable_only {
        creatable_placements(c, gpu, t)
    } else {
        placements(t, g.spec().vgpu_placement_slots)
    };
    // The count and size fields sit at the same offsets in v1 and v2; only v2 has `mode`.
    let (count, size, buf) = if version == nvmlVgpuPlacementList_v2 {
        let l = get(list.cast_const())?;
        // SAFETY: `list` is non-null and points to a v2 struct (its version says so); the
        // field pointers stay inside it.
        let (cp, sp) = unsafe {
            (
                std::ptr::addr_of_mut!((*list).count),
                std::ptr::addr_of_mut!((*list).placementSize),
            )
        };
        (cp, sp, l.placementIds)
    } else if version == nvmlVgpuPlacementList_v1 {
        let l1 = list.cast::<nvmlVgpuPlacementList_v1_t>();
        let l = get(l1.cast_const())?;
        // SAFETY: as above, for the v1 layout the caller declared.
        let (cp, sp) = unsafe {
            (
                std::ptr::addr_of_mut!((*l1).count),
                std::ptr::addr_of_mut!((*l1).placementSize),
            )
        };
        // In v1, `count` is output only ("Count of placement IDs fetched"): the caller sized
        // `placementIds` from nvmlVgpuTypeGetMaxInstances, as the header tells it to.
        put(cp, t.max_instances)?;
        (cp, sp, l.placementIds)
    } else {
        return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
    };
    put(size, t.placement_size)?;
    put_array(count, buf, &ids, c.hostile)
}

fn license_info(v: &VgpuInstanceSpec) -> nvmlVgpuLicenseInfo_t {
    if v.licensed {
        nvmlVgpuLicenseInfo_t {
            isLicensed: 1,
            licenseExpiry: nvmlVgpuLicenseExpiry_t {
                year: 2027,
                month: 6,
                day: 30,
                hour: 23,
                min: 59,
                sec: 59,
                status: NVML_GRID_LICENSE_EXPIRY_VALID as u8,
            },
            currentState: NVML_GRID_LICENSE_STATE_LICENSED,
        }
    } else {
        nvmlVgpuLicenseInfo_t {
            isLicensed: 0,
            licenseExpiry: nvmlVgpuLicenseExpiry_t {
                status: NVML_GRID_LICENSE_EXPIRY_NOT_AVAILABLE as u8,
                ..Default::default()
            },
            currentState: NVML_GRID_LICENSE_STATE_UNLICENSED_UNRESTRICTED,
        }
    }
}

/// `(buffer, *bufferSize)` protocol of the metadata getters.
fn put_sized_struct<T>(p: *mut T, size: *mut c_uint, v: T) -> Result<(), nvmlReturn_t> {
    let cap = get(size)?;
    let need = u32::try_from(std::mem::size_of::<T>()).unwrap_or(u32::MAX);
    if p.is_null() && cap != 0 {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    if cap < need {
        put(size, need)?;
        return Err(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    put(size, need)?;
    put(p, v)
}

const MIGRATION_CAP: u32 = 1;

fn pgpu_metadata(c: &Ctx<'_>) -> nvmlVgpuPgpuMetadata_t {
    let mut m = nvmlVgpuPgpuMetadata_t {
        version: 1,
        revision: 1,
        pgpuVirtualizationCaps: MIGRATION_CAP,
        hostSupportedVgpuRange: nvmlVgpuVersion_t {
            minVersion: c.m.vgpu_version.0,
            maxVersion: c.m.vgpu_version.1,
        },
        opaqueDataSize: 4,
        ..Default::default()
    };
    fill_array(&mut m.hostDriverVersion, &c.m.profile.driver_version);
    m
}

export! {
    fn nvmlDeviceGetHostVgpuMode(device: nvmlDevice_t, pHostVgpuMode: *mut nvmlHostVgpuMode_t) |c| {
        host(c, device)?;
        // Hopper and Ampere data-center GPUs are SR-IOV devices.
        put(pHostVgpuMode, NVML_HOST_VGPU_MODE_SRIOV)
    }
    fn nvmlGetVgpuDriverCapabilities(capability: nvmlVgpuDriverCapability_t, capResult: *mut c_uint) |c| {
        any_host(c)?;
        let v = match capability {
            NVML_VGPU_DRIVER_CAP_HETEROGENEOUS_MULTI_VGPU => 1,
            NVML_VGPU_DRIVER_CAP_WARM_UPDATE => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(capResult, v)
    }
    fn nvmlDeviceGetVgpuCapabilities(device: nvmlDevice_t, capability: nvmlDeviceVgpuCapability_t, capResult: *mut c_uint) |c| {
        let (_, g) = host_gpu(c, device)?;
        let pcie_mbps = g.spec().pcie_max_width * 3_938; // PCIe 5.0: ~3.9 GB/s per lane
        let v = match capability {
            NVML_DEVICE_VGPU_CAP_FRACTIONAL_MULTI_VGPU => 1,
            NVML_DEVICE_VGPU_CAP_HETEROGENEOUS_TIMESLICE_PROFILES => 1,
            NVML_DEVICE_VGPU_CAP_HETEROGENEOUS_TIMESLICE_SIZES => 1,
            NVML_DEVICE_VGPU_CAP_READ_DEVICE_BUFFER_BW => pcie_mbps,
            NVML_DEVICE_VGPU_CAP_WRITE_DEVICE_BUFFER_BW => pcie_mbps,
            NVML_DEVICE_VGPU_CAP_DEVICE_STREAMING => 1,
            NVML_DEVICE_VGPU_CAP_MINI_QUARTER_GPU => 0,
            NVML_DEVICE_VGPU_CAP_COMPUTE_MEDIA_ENGINE_GPU => 0,
            NVML_DEVICE_VGPU_CAP_WARM_UPDATE => 0,
            NVML_DEVICE_VGPU_CAP_HOMOGENEOUS_PLACEMENTS => 1,
            NVML_DEVICE_VGPU_CAP_MIG_TIMESLICING_SUPPORTED => 0,
            NVML_DEVICE_VGPU_CAP_MIG_TIMESLICING_ENABLED => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(capResult, v)
    }
    fn nvmlDeviceGetSupportedVgpus(device: nvmlDevice_t, vgpuCount: *mut c_uint, vgpuTypeIds: *mut nvmlVgpuTypeId_t) |c| {
        let gpu = host(c, device)?;
        let ids: Vec<u32> = supported(c, gpu).iter().map(|t| t.id).collect();
        put_array(vgpuCount, vgpuTypeIds, &ids, c.hostile)
    }
    fn nvmlDeviceGetCreatableVgpus(device: nvmlDevice_t, vgpuCount: *mut c_uint, vgpuTypeIds: *mut nvmlVgpuTypeId_t) |c| {
        let gpu = host(c, device)?;
        let ids = creatable(c, gpu);
        put_array(vgpuCount, vgpuTypeIds, &ids, c.hostile)
    }
    fn nvmlVgpuTypeGetClass(vgpuTypeId: nvmlVgpuTypeId_t, vgpuTypeClass: *mut c_char, size: *mut c_uint) |c| {
        let s = vtype(c, vgpuTypeId)?.class.clone();
        put_str_sized(vgpuTypeClass, size, &s, c)
    }
    fn nvmlVgpuTypeGetName(vgpuTypeId: nvmlVgpuTypeId_t, vgpuTypeName: *mut c_char, size: *mut c_uint) |c| {
        let s = vtype(c, vgpuTypeId)?.name.clone();
        put_str_sized(vgpuTypeName, size, &s, c)
    }
    fn nvmlVgpuTypeGetGpuInstanceProfileId(vgpuTypeId: nvmlVgpuTypeId_t, gpuInstanceProfileId: *mut c_uint) |c| {
        put(gpuInstanceProfileId, vtype(c, vgpuTypeId)?.gi_profile_id)
    }
    fn nvmlVgpuTypeGetDeviceID(vgpuTypeId: nvmlVgpuTypeId_t, deviceID: *mut c_ulonglong, subsystemID: *mut c_ulonglong) |c| {
        let t = vtype(c, vgpuTypeId)?;
        if subsystemID.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(deviceID, t.device_id)?;
        put(subsystemID, t.subsystem_id)
    }
    fn nvmlVgpuTypeGetFramebufferSize(vgpuTypeId: nvmlVgpuTypeId_t, fbSize: *mut c_ulonglong) |c| {
        put(fbSize, vtype(c, vgpuTypeId)?.framebuffer)
    }
    fn nvmlVgpuTypeGetNumDisplayHeads(vgpuTypeId: nvmlVgpuTypeId_t, numDisplayHeads: *mut c_uint) |c| {
        put(numDisplayHeads, vtype(c, vgpuTypeId)?.display_heads)
    }
    fn nvmlVgpuTypeGetResolution(vgpuTypeId: nvmlVgpuTypeId_t, displayIndex: c_uint, xdim: *mut c_uint, ydim: *mut c_uint) |c| {
        let t = vtype(c, vgpuTypeId)?;
        if displayIndex >= t.display_heads || ydim.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(xdim, t.resolution.0)?;
        put(ydim, t.resolution.1)
    }
    fn nvmlVgpuTypeGetLicense(vgpuTypeId: nvmlVgpuTypeId_t, vgpuTypeLicenseString: *mut c_char, size: c_uint) |c| {
        let s = vtype(c, vgpuTypeId)?.license.clone();
        put_str(vgpuTypeLicenseString, size, &s, c.hostile)
    }
    fn nvmlVgpuTypeGetFrameRateLimit(vgpuTypeId: nvmlVgpuTypeId_t, frameRateLimit: *mut c_uint) |c| {
        let t = vtype(c, vgpuTypeId)?;
        if frameRateLimit.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        if t.frame_rate_limit == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(frameRateLimit, t.frame_rate_limit)
    }
    fn nvmlVgpuTypeGetMaxInstances(device: nvmlDevice_t, vgpuTypeId: nvmlVgpuTypeId_t, vgpuInstanceCount: *mut c_uint) |c| {
        host(c, device)?;
        put(vgpuInstanceCount, vtype(c, vgpuTypeId)?.max_instances)
    }
    fn nvmlVgpuTypeGetMaxInstancesPerVm(vgpuTypeId: nvmlVgpuTypeId_t, vgpuInstanceCountPerVm: *mut c_uint) |c| {
        put(vgpuInstanceCountPerVm, vtype(c, vgpuTypeId)?.max_per_vm)
    }
    fn nvmlVgpuTypeGetBAR1Info(vgpuTypeId: nvmlVgpuTypeId_t, bar1Info: *mut nvmlVgpuTypeBar1Info_t) |c| {
        let t = vtype(c, vgpuTypeId)?;
        let mut b = get(bar1Info.cast_const())?;
        if b.version != nvmlVgpuTypeBar1Info_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        b.bar1Size = t.bar1_mib;
        put(bar1Info, b)
    }
    fn nvmlVgpuTypeGetGspHeapSize(vgpuTypeId: nvmlVgpuTypeId_t, gspHeapSize: *mut c_ulonglong) |c| {
        put(gspHeapSize, vtype(c, vgpuTypeId)?.gsp_heap)
    }
    fn nvmlVgpuTypeGetFbReservation(vgpuTypeId: nvmlVgpuTypeId_t, fbReservation: *mut c_ulonglong) |c| {
        put(fbReservation, vtype(c, vgpuTypeId)?.fb_reservation)
    }
    fn nvmlVgpuTypeGetCapabilities(vgpuTypeId: nvmlVgpuTypeId_t, capability: nvmlVgpuCapability_t, capResult: *mut c_uint) |c| {
        let t = vtype(c, vgpuTypeId)?;
        let v = match capability {
            NVML_VGPU_CAP_NVLINK_P2P => 0,
            NVML_VGPU_CAP_GPUDIRECT => 1,
            NVML_VGPU_CAP_MULTI_VGPU_EXCLUSIVE => u32::from(t.max_per_vm > 1),
            NVML_VGPU_CAP_EXCLUSIVE_TYPE => 0,
            NVML_VGPU_CAP_EXCLUSIVE_SIZE => 0,
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        put(capResult, v)
    }
    fn nvmlVgpuTypeGetMaxInstancesPerGpuInstance(pMaxInstance: *mut nvmlVgpuTypeMaxInstance_t) |c| {
        let mut m = get(pMaxInstance.cast_const())?;
        if m.version != nvmlVgpuTypeMaxInstance_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let t = vtype(c, m.vgpuTypeId)?;
        if t.gi_profile_id == INVALID_ID {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        m.maxInstancePerGI = 1;
        put(pMaxInstance, m)
    }
    fn nvmlDeviceGetActiveVgpus(device: nvmlDevice_t, vgpuCount: *mut c_uint, vgpuInstances: *mut nvmlVgpuInstance_t) |c| {
        let gpu = host(c, device)?;
        let ids: Vec<u32> = active_on(c, gpu).iter().map(|v| v.id).collect();
        put_array(vgpuCount, vgpuInstances, &ids, c.hostile)
    }
    fn nvmlVgpuInstanceGetVmID(vgpuInstance: nvmlVgpuInstance_t, vmId: *mut c_char, size: c_uint, vmIdType: *mut nvmlVgpuVmIdType_t) |c| {
        let v = inst(c, vgpuInstance)?;
        if vmIdType.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put_str(vmId, size, &v.vm_id, c.hostile)?;
        put(vmIdType, NVML_VGPU_VM_ID_UUID)
    }
    fn nvmlVgpuInstanceGetUUID(vgpuInstance: nvmlVgpuInstance_t, uuid: *mut c_char, size: c_uint) |c| {
        let v = inst(c, vgpuInstance)?;
        put_str(uuid, size, &v.uuid, c.hostile)
    }
    fn nvmlVgpuInstanceGetMdevUUID(vgpuInstance: nvmlVgpuInstance_t, mdevUuid: *mut c_char, size: c_uint) |c| {
        let v = inst(c, vgpuInstance)?;
        put_str(mdevUuid, size, &v.mdev_uuid, c.hostile)
    }
    fn nvmlVgpuInstanceGetVmDriverVersion(vgpuInstance: nvmlVgpuInstance_t, version: *mut c_char, length: c_uint) |c| {
        let v = inst(c, vgpuInstance)?;
        put_str(version, length, &v.vm_driver_version, c.hostile)
    }
    fn nvmlVgpuInstanceGetFbUsage(vgpuInstance: nvmlVgpuInstance_t, fbUsage: *mut c_ulonglong) |c| {
        put(fbUsage, inst(c, vgpuInstance)?.fb_usage)
    }
    fn nvmlVgpuInstanceGetLicenseStatus(vgpuInstance: nvmlVgpuInstance_t, licensed: *mut c_uint) |c| {
        put(licensed, u32::from(inst(c, vgpuInstance)?.licensed))
    }
    fn nvmlVgpuInstanceGetLicenseInfo_v2(vgpuInstance: nvmlVgpuInstance_t, licenseInfo: *mut nvmlVgpuLicenseInfo_t) |c| {
        put(licenseInfo, license_info(inst(c, vgpuInstance)?))
    }
    fn nvmlVgpuInstanceGetLicenseInfo(vgpuInstance: nvmlVgpuInstance_t, licenseInfo: *mut nvmlVgpuLicenseInfo_t) |c| {
        put(licenseInfo, license_info(inst(c, vgpuInstance)?))
    }
    fn nvmlVgpuInstanceGetType(vgpuInstance: nvmlVgpuInstance_t, vgpuTypeId: *mut nvmlVgpuTypeId_t) |c| {
        put(vgpuTypeId, inst(c, vgpuInstance)?.type_id)
    }
    fn nvmlVgpuInstanceGetFrameRateLimit(vgpuInstance: nvmlVgpuInstance_t, frameRateLimit: *mut c_uint) |c| {
        let v = inst(c, vgpuInstance)?;
        let t = inst_type(c, v)?;
        if frameRateLimit.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        if t.frame_rate_limit == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(frameRateLimit, t.frame_rate_limit)
    }
    fn nvmlVgpuInstanceGetEccMode(vgpuInstance: nvmlVgpuInstance_t, eccMode: *mut nvmlEnableState_t) |c| {
        let v = inst(c, vgpuInstance)?;
        let on = c.m.gpus.get(v.gpu as usize).is_some_and(|g| g.ecc_current);
        put(eccMode, if on { NVML_FEATURE_ENABLED } else { NVML_FEATURE_DISABLED })
    }
    fn nvmlVgpuInstanceGetEncoderCapacity(vgpuInstance: nvmlVgpuInstance_t, encoderCapacity: *mut c_uint) |c| {
        put(encoderCapacity, inst(c, vgpuInstance)?.encoder_capacity)
    }
    fn nvmlVgpuInstanceSetEncoderCapacity(vgpuInstance: nvmlVgpuInstance_t, encoderCapacity: c_uint) |c| {
        let i = inst_index(c, vgpuInstance)?;
        if encoderCapacity > 100 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let v = c.m.vgpus.get_mut(i).ok_or(NVML_ERROR_NOT_FOUND)?;
        v.encoder_capacity = encoderCapacity;
        Ok(())
    }
    fn nvmlVgpuInstanceGetEncoderStats(vgpuInstance: nvmlVgpuInstance_t, sessionCount: *mut c_uint, averageFps: *mut c_uint, averageLatency: *mut c_uint) |c| {
        inst(c, vgpuInstance)?;
        if averageFps.is_null() || averageLatency.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // Compute VMs do not encode: no sessions.
        put(sessionCount, 0)?;
        put(averageFps, 0)?;
        put(averageLatency, 0)
    }
    fn nvmlVgpuInstanceGetEncoderSessions(vgpuInstance: nvmlVgpuInstance_t, sessionCount: *mut c_uint, sessionInfo: *mut nvmlEncoderSessionInfo_t) |c| {
        inst(c, vgpuInstance)?;
        put_array(sessionCount, sessionInfo, &[], c.hostile)
    }
    fn nvmlVgpuInstanceGetFBCStats(vgpuInstance: nvmlVgpuInstance_t, fbcStats: *mut nvmlFBCStats_t) |c| {
        inst(c, vgpuInstance)?;
        put(fbcStats, nvmlFBCStats_t::default())
    }
    fn nvmlVgpuInstanceGetFBCSessions(vgpuInstance: nvmlVgpuInstance_t, sessionCount: *mut c_uint, sessionInfo: *mut nvmlFBCSessionInfo_t) |c| {
        inst(c, vgpuInstance)?;
        put_array(sessionCount, sessionInfo, &[], c.hostile)
    }
    fn nvmlVgpuInstanceGetGpuInstanceId(vgpuInstance: nvmlVgpuInstance_t, gpuInstanceId: *mut c_uint) |c| {
        inst(c, vgpuInstance)?;
        // Time-sliced vGPUs are not MIG backed.
        put(gpuInstanceId, INVALID_ID)
    }
    fn nvmlVgpuInstanceGetGpuPciId(vgpuInstance: nvmlVgpuInstance_t, vgpuPciId: *mut c_char, length: *mut c_uint) |c| {
        let s = inst(c, vgpuInstance)?.guest_pci_id.clone();
        put_str_sized(vgpuPciId, length, &s, c)
    }
    fn nvmlVgpuInstanceGetPlacementId(vgpuInstance: nvmlVgpuInstance_t, pPlacement: *mut nvmlVgpuPlacementId_t) |c| {
        let v = inst(c, vgpuInstance)?;
        let mut p = get(pPlacement.cast_const())?;
        if p.version != nvmlVgpuPlacementId_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let hetero = c.m.gpus.get(v.gpu as usize).is_some_and(|g| g.vgpu_heterogeneous);
        p.placementId = if hetero { v.placement_id } else { NVML_INVALID_VGPU_PLACEMENT_ID };
        put(pPlacement, p)
    }
    fn nvmlVgpuInstanceGetRuntimeStateSize(vgpuInstance: nvmlVgpuInstance_t, pState: *mut nvmlVgpuRuntimeState_t) |c| {
        let v = inst(c, vgpuInstance)?;
        let mut s = get(pState.cast_const())?;
        if s.version != nvmlVgpuRuntimeState_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        // Migration data: the framebuffer in use plus the instance's GSP heap.
        s.size = v.fb_usage + inst_type(c, v)?.gsp_heap;
        put(pState, s)
    }
    fn nvmlVgpuInstanceGetAccountingMode(vgpuInstance: nvmlVgpuInstance_t, mode: *mut nvmlEnableState_t) |c| {
        let v = inst(c, vgpuInstance)?;
        put(mode, if v.accounting { NVML_FEATURE_ENABLED } else { NVML_FEATURE_DISABLED })
    }
    fn nvmlVgpuInstanceGetAccountingPids(vgpuInstance: nvmlVgpuInstance_t, count: *mut c_uint, pids: *mut c_uint) |c| {
        let v = inst(c, vgpuInstance)?;
        if !v.accounting {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let list: Vec<u32> = v.processes.iter().map(|p| p.pid).collect();
        put_array(count, pids, &list, c.hostile)
    }
    fn nvmlVgpuInstanceGetAccountingStats(vgpuInstance: nvmlVgpuInstance_t, pid: c_uint, stats: *mut nvmlAccountingStats_t) |c| {
        let v = inst(c, vgpuInstance)?;
        if !v.accounting {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if stats.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let p = v.processes.iter().find(|p| p.pid == pid).ok_or(NVML_ERROR_NOT_FOUND)?;
        let start = wall_us().saturating_sub(3_600_000_000 + u64::from(pid) * 1_000);
        put(stats, nvmlAccountingStats_t {
            gpuUtilization: p.sm_util,
            memoryUtilization: p.mem_util,
            maxMemoryUsage: p.max_memory,
            time: 0,
            startTime: start,
            isRunning: 1,
            reserved: [0; 5],
        })
    }
    fn nvmlVgpuInstanceClearAccountingPids(vgpuInstance: nvmlVgpuInstance_t) |c| {
        let i = inst_index(c, vgpuInstance).map_err(|e| {
            if e == NVML_ERROR_NOT_FOUND { NVML_ERROR_INVALID_ARGUMENT } else { e }
        })?;
        let accounting = c.m.vgpus.get(i).is_some_and(|v| v.accounting);
        if !accounting {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        c.require_root()?;
        // Only finished processes are cleared; every process of the model is still running,
        // so the list keeps them (like the real driver does for running processes).
        Ok(())
    }
    fn nvmlVgpuInstanceGetMetadata(vgpuInstance: nvmlVgpuInstance_t, vgpuMetadata: *mut nvmlVgpuMetadata_t, bufferSize: *mut c_uint) |c| {
        if bufferSize.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let v = inst(c, vgpuInstance)?;
        let mut m = nvmlVgpuMetadata_t {
            version: 1,
            revision: 1,
            guestInfoState: NVML_VGPU_INSTANCE_GUEST_INFO_STATE_INITIALIZED,
            vgpuVirtualizationCaps: MIGRATION_CAP,
            guestVgpuVersion: c.m.vgpu_version.1,
            opaqueDataSize: 4,
            ..Default::default()
        };
        fill_array(&mut m.guestDriverVersion, &v.vm_driver_version);
        fill_array(&mut m.hostDriverVersion, &c.m.profile.driver_version);
        put_sized_struct(vgpuMetadata, bufferSize, m)
    }
    fn nvmlDeviceGetVgpuMetadata(device: nvmlDevice_t, pgpuMetadata: *mut nvmlVgpuPgpuMetadata_t, bufferSize: *mut c_uint) |c| {
        if bufferSize.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        host(c, device)?;
        let m = pgpu_metadata(c);
        put_sized_struct(pgpuMetadata, bufferSize, m)
    }
    fn nvmlDeviceGetPgpuMetadataString(device: nvmlDevice_t, pgpuMetadata: *mut c_char, bufferSize: *mut c_uint) |c| {
        let cap = get(bufferSize.cast_const())?;
        host(c, device)?;
        if pgpuMetadata.is_null() && cap != 0 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let (min, max) = c.m.vgpu_version;
        let s = format!(
            "version=1;revision=1;hostDriverVersion={};pgpuVirtualizationCaps=0x{MIGRATION_CAP:x};hostSupportedVgpuRange=0x{min:x}-0x{max:x}",
            c.m.profile.driver_version
        );
        put_str_sized(pgpuMetadata, bufferSize, &s, c)
    }
    fn nvmlGetVgpuCompatibility(vgpuMetadata: *mut nvmlVgpuMetadata_t, pgpuMetadata: *mut nvmlVgpuPgpuMetadata_t, compatibilityInfo: *mut nvmlVgpuPgpuCompatibility_t) |c| {
        let v = get(vgpuMetadata.cast_const())?;
        let p = get(pgpuMetadata.cast_const())?;
        if compatibilityInfo.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let _ = &c;
        let range = p.hostSupportedVgpuRange;
        let info = if v.guestVgpuVersion < range.minVersion {
            nvmlVgpuPgpuCompatibility_t {
                vgpuVmCompatibility: NVML_VGPU_VM_COMPATIBILITY_NONE,
                compatibilityLimitCode: NVML_VGPU_COMPATIBILITY_LIMIT_GUEST_DRIVER,
            }
        } else if v.guestVgpuVersion > range.maxVersion {
            nvmlVgpuPgpuCompatibility_t {
                vgpuVmCompatibility: NVML_VGPU_VM_COMPATIBILITY_NONE,
                compatibilityLimitCode: NVML_VGPU_COMPATIBILITY_LIMIT_HOST_DRIVER,
            }
        } else if v.vgpuVirtualizationCaps & p.pgpuVirtualizationCaps & MIGRATION_CAP != 0 {
            nvmlVgpuPgpuCompatibility_t {
                vgpuVmCompatibility: NVML_VGPU_VM_COMPATIBILITY_COLD
                    | NVML_VGPU_VM_COMPATIBILITY_HIBERNATE
                    | NVML_VGPU_VM_COMPATIBILITY_SLEEP
                    | NVML_VGPU_VM_COMPATIBILITY_LIVE,
                compatibilityLimitCode: NVML_VGPU_COMPATIBILITY_LIMIT_NONE,
            }
        } else {
            nvmlVgpuPgpuCompatibility_t {
                vgpuVmCompatibility: NVML_VGPU_VM_COMPATIBILITY_COLD,
                compatibilityLimitCode: NVML_VGPU_COMPATIBILITY_LIMIT_GPU,
            }
        };
        put(compatibilityInfo, info)
    }
    fn nvmlGetVgpuVersion(supported: *mut nvmlVgpuVersion_t, current: *mut nvmlVgpuVersion_t) |c| {
        any_host(c)?;
        if current.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let (smin, smax) = c.m.profile.vgpu_version;
        put(supported, nvmlVgpuVersion_t { minVersion: smin, maxVersion: smax })?;
        let (cmin, cmax) = c.m.vgpu_version;
        put(current, nvmlVgpuVersion_t { minVersion: cmin, maxVersion: cmax })
    }
    fn nvmlSetVgpuVersion(vgpuVersion: *mut nvmlVgpuVersion_t) |c| {
        any_host(c)?;
        let v = get(vgpuVersion.cast_const())?;
        let (smin, smax) = c.m.profile.vgpu_version;
        if v.minVersion > v.maxVersion || v.minVersion < smin || v.maxVersion > smax {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        if !c.m.vgpus.is_empty() {
            return Err(NVML_ERROR_IN_USE);
        }
        c.m.vgpu_version = (v.minVersion, v.maxVersion);
        Ok(())
    }
    fn nvmlDeviceGetVgpuHeterogeneousMode(device: nvmlDevice_t, pHeterogeneousMode: *mut nvmlVgpuHeterogeneousMode_t) |c| {
        let (_, g) = host_gpu(c, device)?;
        if g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let mut m = get(pHeterogeneousMode.cast_const())?;
        if m.version != nvmlVgpuHeterogeneousMode_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        m.mode = if g.vgpu_heterogeneous { NVML_FEATURE_ENABLED } else { NVML_FEATURE_DISABLED };
        put(pHeterogeneousMode, m)
    }
    fn nvmlDeviceSetVgpuHeterogeneousMode(device: nvmlDevice_t, pHeterogeneousMode: *const nvmlVgpuHeterogeneousMode_t) |c| {
        let (gpu, g) = host_gpu(c, device)?;
        if g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let m = get(pHeterogeneousMode)?;
        if m.version != nvmlVgpuHeterogeneousMode_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        if m.mode != NVML_FEATURE_ENABLED && m.mode != NVML_FEATURE_DISABLED {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        if !active_on(c, gpu).is_empty() {
            return Err(NVML_ERROR_IN_USE);
        }
        let g = c.m.gpus.get_mut(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        g.vgpu_heterogeneous = m.mode == NVML_FEATURE_ENABLED;
        Ok(())
    }
    fn nvmlDeviceGetVgpuTypeSupportedPlacements(device: nvmlDevice_t, vgpuTypeId: nvmlVgpuTypeId_t, pPlacementList: *mut nvmlVgpuPlacementList_t) |c| {
        placement_list(c, device, vgpuTypeId, pPlacementList, false)
    }
    fn nvmlDeviceGetVgpuTypeCreatablePlacements(device: nvmlDevice_t, vgpuTypeId: nvmlVgpuTypeId_t, pPlacementList: *mut nvmlVgpuPlacementList_t) |c| {
        placement_list(c, device, vgpuTypeId, pPlacementList, true)
    }
    fn nvmlDeviceGetVgpuSchedulerCapabilities(device: nvmlDevice_t, pCapabilities: *mut nvmlVgpuSchedulerCapabilities_t) |c| {
        let (_, g) = host_gpu(c, device)?;
        if g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(pCapabilities, SCHED_CAPS)
    }
    fn nvmlDeviceGetVgpuSchedulerState(device: nvmlDevice_t, pSchedulerState: *mut nvmlVgpuSchedulerGetState_t) |c| {
        let (_, g) = host_gpu(c, device)?;
        if g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let s = g.vgpu_sched;
        put(pSchedulerState, nvmlVgpuSchedulerGetState_t {
            schedulerPolicy: s.policy,
            arrMode: s.arr,
            schedulerParams: sched_params(&s),
        })
    }
    fn nvmlDeviceGetVgpuSchedulerState_v2(device: nvmlDevice_t, pSchedulerStateInfo: *mut nvmlVgpuSchedulerStateInfo_v2_t) |c| {
        let (_, g) = host_gpu(c, device)?;
        if g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let mut st = get(pSchedulerStateInfo.cast_const())?;
        if st.engineId != NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let s = g.vgpu_sched;
        st.schedulerPolicy = s.policy;
        st.avgFactor = if s.arr == NVML_VGPU_SCHEDULER_ARR_ENABLE { s.avg_factor } else { 0 };
        st.timeslice = s.timeslice_ns;
        put(pSchedulerStateInfo, st)
    }
    fn nvmlDeviceSetVgpuSchedulerState(device: nvmlDevice_t, pSchedulerState: *mut nvmlVgpuSchedulerSetState_t) |c| {
        let st = get(pSchedulerState.cast_const())?;
        let arr = st.enableARRMode;
        if arr == NVML_VGPU_SCHEDULER_ARR_ENABLE {
            // SAFETY: with ARR enabled the union holds `vgpuSchedDataWithARR` (plain integers:
            // any bit pattern is a valid value).
            let p = unsafe { st.schedulerParams.vgpuSchedDataWithARR };
            set_sched(c, device, st.schedulerPolicy, arr, None, Some((p.avgFactor, p.frequency)))
        } else {
            // SAFETY: without ARR the union holds `vgpuSchedData` (a plain integer).
            let p = unsafe { st.schedulerParams.vgpuSchedData };
            let ts = (p.timeslice != 0).then_some(p.timeslice);
            set_sched(c, device, st.schedulerPolicy, arr, ts, None)
        }
    }
    fn nvmlDeviceSetVgpuSchedulerState_v2(device: nvmlDevice_t, pSchedulerState: *mut nvmlVgpuSchedulerState_v2_t) |c| {
        let st = get(pSchedulerState.cast_const())?;
        if st.engineId != NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        if st.avgFactor != 0 || st.frequency != 0 {
            set_sched(c, device, st.schedulerPolicy, NVML_VGPU_SCHEDULER_ARR_ENABLE, None, Some((st.avgFactor, st.frequency)))
        } else {
            set_sched(c, device, st.schedulerPolicy, NVML_VGPU_SCHEDULER_ARR_DISABLE, None, None)
        }
    }
    fn nvmlDeviceGetVgpuSchedulerLog(device: nvmlDevice_t, pSchedulerLog: *mut nvmlVgpuSchedulerLog_t) |c| {
        let (gpu, g) = host_gpu(c, device)?;
        if g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if pSchedulerLog.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let s = g.vgpu_sched;
        let entries = sched_entries(c, gpu);
        let mut log = nvmlVgpuSchedulerLog_t {
            engineId: NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS,
            schedulerPolicy: s.policy,
            arrMode: s.arr,
            schedulerParams: sched_params(&s),
            entriesCount: entries.len() as u32,
            logEntries: [nvmlVgpuSchedulerLogEntry_t::default(); 200],
        };
        for (d, e) in log.logEntries.iter_mut().zip(&entries) {
            *d = nvmlVgpuSchedulerLogEntry_t {
                timestamp: e.timestamp,
                timeRunTotal: e.timeRunTotal,
                timeRun: e.timeRun,
                swRunlistId: e.swRunlistId,
                targetTimeSlice: e.targetTimeSlice,
                cumulativePreemptionTime: e.cumulativePreemptionTime,
            };
        }
        put(pSchedulerLog, log)
    }
    fn nvmlDeviceGetVgpuSchedulerLog_v2(device: nvmlDevice_t, pSchedulerLogInfo: *mut nvmlVgpuSchedulerLogInfo_v2_t) |c| {
        let (gpu, g) = host_gpu(c, device)?;
        if g.mig_current {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let mut log = get(pSchedulerLogInfo.cast_const())?;
        if log.engineId != NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let s = g.vgpu_sched;
        let entries = sched_entries(c, gpu);
        log.schedulerPolicy = s.policy;
        log.avgFactor = if s.arr == NVML_VGPU_SCHEDULER_ARR_ENABLE { s.avg_factor } else { 0 };
        log.timeslice = s.timeslice_ns;
        log.entriesCount = entries.len() as u32;
        for (d, e) in log.logEntries.iter_mut().zip(&entries) {
            *d = *e;
        }
        put(pSchedulerLogInfo, log)
    }
    fn nvmlDeviceGetVgpuUtilization(device: nvmlDevice_t, lastSeenTimeStamp: c_ulonglong, sampleValType: *mut nvmlValueType_t, vgpuInstanceSamplesCount: *mut c_uint, utilizationSamples: *mut nvmlVgpuInstanceUtilizationSample_t) |c| {
        let gpu = host(c, device)?;
        if sampleValType.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let now = wall_us();
        let list: Vec<nvmlVgpuInstanceUtilizationSample_t> = active_on(c, gpu)
            .iter()
            .map(|v| nvmlVgpuInstanceUtilizationSample_t {
                vgpuInstance: v.id,
                timeStamp: now,
                smUtil: uint_value(v.sm_util),
                memUtil: uint_value(v.mem_util),
                encUtil: uint_value(0),
                decUtil: uint_value(0),
            })
            .filter(|s| s.timeStamp > lastSeenTimeStamp)
            .collect();
        put(sampleValType, NVML_VALUE_TYPE_UNSIGNED_INT)?;
        put_array(vgpuInstanceSamplesCount, utilizationSamples, &list, c.hostile)
    }
    fn nvmlDeviceGetVgpuInstancesUtilizationInfo(device: nvmlDevice_t, vgpuUtilInfo: *mut nvmlVgpuInstancesUtilizationInfo_t) |c| {
        let gpu = host(c, device)?;
        let info = get(vgpuUtilInfo.cast_const())?;
        if info.version != nvmlVgpuInstancesUtilizationInfo_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let now = wall_us();
        let list: Vec<nvmlVgpuInstanceUtilizationInfo_v1_t> = active_on(c, gpu)
            .iter()
            .map(|v| nvmlVgpuInstanceUtilizationInfo_v1_t {
                timeStamp: now,
                vgpuInstance: v.id,
                smUtil: uint_value(v.sm_util),
                memUtil: uint_value(v.mem_util),
                encUtil: uint_value(0),
                decUtil: uint_value(0),
                jpgUtil: uint_value(0),
                ofaUtil: uint_value(0),
            })
            .filter(|s| s.timeStamp > info.lastSeenTimeStamp)
            .collect();
        // SAFETY: `vgpuUtilInfo` is non-null (read above); the field pointers stay inside it.
        let (ty, count) = unsafe {
            (
                std::ptr::addr_of_mut!((*vgpuUtilInfo).sampleValType),
                std::ptr::addr_of_mut!((*vgpuUtilInfo).vgpuInstanceCount),
            )
        };
        put(ty, NVML_VALUE_TYPE_UNSIGNED_INT)?;
        put_array(count, info.vgpuUtilArray, &list, c.hostile)
    }
    fn nvmlDeviceGetVgpuProcessUtilization(device: nvmlDevice_t, lastSeenTimeStamp: c_ulonglong, vgpuProcessSamplesCount: *mut c_uint, utilizationSamples: *mut nvmlVgpuProcessUtilizationSample_t) |c| {
        let gpu = host(c, device)?;
        let now = wall_us();
        let mut list = Vec::new();
        for v in active_on(c, gpu) {
            for p in &v.processes {
                let mut s = nvmlVgpuProcessUtilizationSample_t {
                    vgpuInstance: v.id,
                    pid: p.pid,
                    timeStamp: now,
                    smUtil: p.sm_util,
                    memUtil: p.mem_util,
                    ..Default::default()
                };
                fill_array(&mut s.processName, &p.name);
                if s.timeStamp > lastSeenTimeStamp {
                    list.push(s);
                }
            }
        }
        put_array(vgpuProcessSamplesCount, utilizationSamples, &list, c.hostile)
    }
    fn nvmlDeviceGetVgpuProcessesUtilizationInfo(device: nvmlDevice_t, vgpuProcUtilInfo: *mut nvmlVgpuProcessesUtilizationInfo_t) |c| {
        let gpu = host(c, device)?;
        let info = get(vgpuProcUtilInfo.cast_const())?;
        if info.version != nvmlVgpuProcessesUtilizationInfo_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let now = wall_us();
        let mut list = Vec::new();
        for v in active_on(c, gpu) {
            for p in &v.processes {
                let mut s = nvmlVgpuProcessUtilizationInfo_v1_t {
                    timeStamp: now,
                    vgpuInstance: v.id,
                    pid: p.pid,
                    smUtil: p.sm_util,
                    memUtil: p.mem_util,
                    ..Default::default()
                };
                fill_array(&mut s.processName, &p.name);
                if s.timeStamp > info.lastSeenTimeStamp {
                    list.push(s);
                }
            }
        }
        // SAFETY: `vgpuProcUtilInfo` is non-null (read above); the field stays inside it.
        let count = unsafe { std::ptr::addr_of_mut!((*vgpuProcUtilInfo).vgpuProcessCount) };
        put_array(count, info.vgpuProcUtilArray, &list, c.hostile)
    }
    fn nvmlGpuInstanceGetCreatableVgpus(gpuInstance: nvmlGpuInstance_t, pVgpus: *mut nvmlVgpuTypeIdInfo_t) |c| {
        let (gpu, gid) = gi_ref(gpuInstance).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let g = c.m.gpus.get(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let gi = g.gpu_instances.iter().find(|x| x.id as usize == gid).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        if g.spec().virtualization_mode != NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let profile_id = g.spec().mig_profiles.get(gi.profile_index).map_or(INVALID_ID, |p| p.id);
        let info = get(pVgpus.cast_const())?;
        if info.version != nvmlVgpuTypeIdInfo_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let ids: Vec<u32> = c.m.profile.vgpu_types.iter().filter(|t| t.gi_profile_id == profile_id).map(|t| t.id).collect();
        // SAFETY: `pVgpus` is non-null (read above); the field stays inside it.
        let count = unsafe { std::ptr::addr_of_mut!((*pVgpus).vgpuCount) };
        put_array(count, info.vgpuTypeIds, &ids, c.hostile)
    }
    fn nvmlGpuInstanceGetActiveVgpus(gpuInstance: nvmlGpuInstance_t, pVgpuInstanceInfo: *mut nvmlActiveVgpuInstanceInfo_t) |c| {
        let (gpu, gid) = gi_ref(gpuInstance).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let g = c.m.gpus.get(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        if !g.gpu_instances.iter().any(|x| x.id as usize == gid) {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        if g.spec().virtualization_mode != NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let info = get(pVgpuInstanceInfo.cast_const())?;
        if info.version != nvmlActiveVgpuInstanceInfo_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        // MIG-backed VMs are not modeled: a GPU instance hosts none.
        // SAFETY: `pVgpuInstanceInfo` is non-null (read above); the field stays inside it.
        let count = unsafe { std::ptr::addr_of_mut!((*pVgpuInstanceInfo).vgpuCount) };
        put_array(count, info.vgpuInstances, &[], c.hostile)
    }
}
