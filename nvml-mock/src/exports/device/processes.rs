//! Processes: the compute, graphics and MPS processes running on a GPU or MIG device.

use std::ffi::c_uint;

use nvml_sys::*;

use super::{phys, placed_processes};
use crate::dispatch::Ctx;
use crate::marshal::{get, put, put_array};
use crate::support::Feature;

fn procs_v1(
    c: &Ctx<'_>,
    d: nvmlDevice_t,
    kind: &str,
    n: *mut c_uint,
    out: *mut nvmlProcessInfo_v1_t,
) -> Result<(), nvmlReturn_t> {
    let list: Vec<nvmlProcessInfo_v1_t> = placed_processes(c, d, kind)?
        .iter()
        .map(|(p, _)| nvmlProcessInfo_v1_t {
            pid: p.pid,
            usedGpuMemory: p.used_memory,
        })
        .collect();
    put_array(n, out, &list, c.hostile)
}

fn procs_v2(
    c: &Ctx<'_>,
    d: nvmlDevice_t,
    kind: &str,
    n: *mut c_uint,
    out: *mut nvmlProcessInfo_v2_t,
) -> Result<(), nvmlReturn_t> {
    let na = NVML_VALUE_NOT_AVAILABLE as u32;
    let list: Vec<nvmlProcessInfo_v2_t> = placed_processes(c, d, kind)?
        .iter()
        .map(|(p, at)| nvmlProcessInfo_v2_t {
            pid: p.pid,
            usedGpuMemory: p.used_memory,
            gpuInstanceId: at.map_or(na, |a| a.0),
            computeInstanceId: at.map_or(na, |a| a.1),
        })
        .collect();
    put_array(n, out, &list, c.hostile)
}

export! {
    fn nvmlDeviceGetRunningProcessDetailList(device: nvmlDevice_t, plist: *mut nvmlProcessDetailList_t) |c| {
        let mut l = get(plist.cast_const())?;
        if l.version != nvmlProcessDetailList_v1 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let kinds: &[&str] = match l.mode {
            NVML_PROCESS_MODE_COMPUTE => &["compute"],
            NVML_PROCESS_MODE_GRAPHICS => &["graphics"],
            NVML_PROCESS_MODE_MPS => &["mps"],
            NVML_PROCESS_MODE_ALL => &["compute", "graphics", "mps"],
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        phys(c, device)?.support.check(Feature::ProcessDetailList)?;
        // In CC mode every byte of a process's memory is protected; the header says protected
        // memory is not reported in MIG mode.
        let cc = c.m.cc.as_ref().is_some_and(|cc| cc.enabled);
        let na = NVML_VALUE_NOT_AVAILABLE as u32;
        let mut list = Vec::new();
        for kind in kinds {
            for (p, at) in placed_processes(c, device, kind)? {
                list.push(nvmlProcessDetail_v1_t {
                    pid: p.pid,
                    usedGpuMemory: p.used_memory,
                    gpuInstanceId: at.map_or(na, |a| a.0),
                    computeInstanceId: at.map_or(na, |a| a.1),
                    usedGpuCcProtectedMemory: if cc && at.is_none() { p.used_memory } else { 0 },
                });
            }
        }
        // `numProcArrayEntries` is the capacity of `procArray` in and the count out.
        let count = std::ptr::addr_of_mut!(l.numProcArrayEntries);
        let r = put_array(count, l.procArray, &list, c.hostile);
        put(plist, l)?;
        r
    }
    fn nvmlDeviceGetComputeRunningProcesses(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v1_t) |c| {
        procs_v1(c, device, "compute", infoCount, infos)
    }
    fn nvmlDeviceGetComputeRunningProcesses_v2(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v2_t) |c| {
        procs_v2(c, device, "compute", infoCount, infos)
    }
    fn nvmlDeviceGetComputeRunningProcesses_v3(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_t) |c| {
        procs_v2(c, device, "compute", infoCount, infos)
    }
    fn nvmlDeviceGetGraphicsRunningProcesses(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v1_t) |c| {
        procs_v1(c, device, "graphics", infoCount, infos)
    }
    fn nvmlDeviceGetGraphicsRunningProcesses_v2(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v2_t) |c| {
        procs_v2(c, device, "graphics", infoCount, infos)
    }
    fn nvmlDeviceGetGraphicsRunningProcesses_v3(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_t) |c| {
        procs_v2(c, device, "graphics", infoCount, infos)
    }
    fn nvmlDeviceGetMPSComputeRunningProcesses(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v1_t) |c| {
        procs_v1(c, device, "mps", infoCount, infos)
    }
    fn nvmlDeviceGetMPSComputeRunningProcesses_v2(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_v2_t) |c| {
        procs_v2(c, device, "mps", infoCount, infos)
    }
    fn nvmlDeviceGetMPSComputeRunningProcesses_v3(device: nvmlDevice_t, infoCount: *mut c_uint, infos: *mut nvmlProcessInfo_t) |c| {
        procs_v2(c, device, "mps", infoCount, infos)
    }
}
