//! Topology: common ancestors, nearest GPUs, peer-to-peer status and CPU and memory
//! affinity.

use std::ffi::{c_uint, c_ulong};

use nvml_sys::*;

use super::{cpu_affinity, phys, put_bit_set, topology};
use crate::handles::device_handle;
use crate::marshal::{get, put, put_array};

export! {
    fn nvmlDeviceGetTopologyCommonAncestor(device1: nvmlDevice_t, device2: nvmlDevice_t, pathInfo: *mut nvmlGpuTopologyLevel_t) |c| {
        let a = c.m.gpu_index(device1)?;
        let b = c.m.gpu_index(device2)?;
        let (ga, gb) = (phys(c, device1)?, phys(c, device2)?);
        put(pathInfo, c.enum_value(topology(ga, a, gb, b), 60))
    }
    fn nvmlDeviceGetTopologyNearestGpus(device: nvmlDevice_t, level: nvmlGpuTopologyLevel_t, count: *mut c_uint, deviceArray: *mut nvmlDevice_t) |c| {
        let me = c.m.gpu_index(device)?;
        let g = phys(c, device)?;
        if level > NVML_TOPOLOGY_SYSTEM {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let list: Vec<nvmlDevice_t> = c
            .m
            .gpus
            .iter()
            .enumerate()
            .filter(|(i, h)| *i != me && topology(g, me, h, *i) <= level)
            .map(|(i, _)| device_handle(i))
            .collect();
        // nvml.h: a zero `*count` asks for the number of matching GPUs (SUCCESS, nothing
        // written); a non-zero one is the capacity of `deviceArray`, filled with up to that
        // many handles. There is no INSUFFICIENT_SIZE in this function's contract.
        let cap = get(count)?;
        if cap == 0 {
            return put(count, u32::try_from(list.len()).unwrap_or(u32::MAX));
        }
        let fit = list.get(..list.len().min(cap as usize)).unwrap_or(&[]);
        put_array(count, deviceArray, fit, c.hostile)
    }
    fn nvmlDeviceGetP2PStatus(device1: nvmlDevice_t, device2: nvmlDevice_t, p2pIndex: nvmlGpuP2PCapsIndex_t, p2pStatus: *mut nvmlGpuP2PStatus_t) |c| {
        let (a, b) = (phys(c, device1)?, phys(c, device2)?);
        let _ = p2pIndex;
        let ok = a.spec().nvlink_count > 0 && b.spec().nvlink_count > 0;
        let status = if ok { NVML_P2P_STATUS_OK } else { NVML_P2P_STATUS_NOT_SUPPORTED };
        put(p2pStatus, c.enum_value(status, 42))
    }
    fn nvmlDeviceGetCpuAffinity(device: nvmlDevice_t, cpuSetSize: c_uint, cpuSet: *mut c_ulong) |c| {
        cpu_affinity(c, device, cpuSetSize, cpuSet)
    }
    fn nvmlDeviceGetCpuAffinityWithinScope(device: nvmlDevice_t, cpuSetSize: c_uint, cpuSet: *mut c_ulong, scope: nvmlAffinityScope_t) |c| {
        if scope > NVML_AFFINITY_SCOPE_SOCKET {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        cpu_affinity(c, device, cpuSetSize, cpuSet)
    }
    fn nvmlDeviceGetMemoryAffinity(device: nvmlDevice_t, nodeSetSize: c_uint, nodeSet: *mut c_ulong, scope: nvmlAffinityScope_t) |c| {
        let g = phys(c, device)?;
        if scope > NVML_AFFINITY_SCOPE_SOCKET || nodeSet.is_null() || nodeSetSize == 0 {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let node = c.m.cpus.memory_node(g.spec().numa_node);
        put_bit_set(nodeSet, nodeSetSize, node.as_slice())
    }
}
