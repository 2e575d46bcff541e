//! More device queries: attributes (whole GPUs and MIG devices), fabric, versioned
//! temperature, P-states, violation time, per-process utilization, session statistics, fans,
//! firmware and board details, and the GPU's uptime.

use std::ffi::{c_char, c_uint};

use nvml_sys::*;

use crate::support::Feature;

use crate::dispatch::Ctx;
use crate::handles::{DeviceRef, device_handle, device_ref};
use crate::machine::Gpu;
use crate::marshal::{arg_str, fill_array, get, put, put_array, put_str};

fn phys<'a>(c: &'a Ctx<'_>, h: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    c.m.gpu(h)
}

/// Seconds since the driver initialised the GPU: the time the energy counter at load took at
/// the profile's power draw (`energy_base_mj` / `power_usage_mw`; 0 without a draw), plus the
/// time the machine has been up.
fn uptime_s(c: &Ctx<'_>, g: &Gpu) -> u64 {
    let before_load = g
        .readings
        .energy_base_mj
        .checked_div(u64::from(g.readings.power_usage_mw))
        .unwrap_or(0);
    before_load.saturating_add(c.m.clock.now_ns() / 1_000_000_000)
}

/// Attributes of a whole GPU or of a MIG device (its GPU instance's share).
fn attributes(c: &Ctx<'_>, device: nvmlDevice_t) -> Result<nvmlDeviceAttributes_t, nvmlReturn_t> {
    let gpu = c.m.gpu_index(device)?;
    let g = c.m.gpus.get(gpu).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    match device_ref(device) {
        Some(DeviceRef::Mig(_, gid, cid)) => {
            let (gi, p) = g.mig_instance(gid)?;
            let ci = gi
                .cis
                .iter()
                .find(|x| x.id as usize == cid)
                .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
            Ok(nvmlDeviceAttributes_t {
                multiprocessorCount: p.sm_count * ci.size / p.compute_slices.max(1),
                sharedCopyEngineCount: p.copy_engines,
                sharedDecoderCount: p.decoders,
                sharedEncoderCount: p.encoders,
                sharedJpegCount: p.jpegs,
                sharedOfaCount: p.ofas,
                gpuInstanceSliceCount: p.compute_slices,
                computeInstanceSliceCount: ci.size,
                memorySizeMB: p.memory_mb,
            })
        }
        _ => {
            let full = g.spec().mig_profiles.iter().max_by_key(|p| p.slices);
            Ok(nvmlDeviceAttributes_t {
                multiprocessorCount: g.spec().sm_count,
                sharedCopyEngineCount: full.map_or(2, |p| p.copy_engines),
                sharedDecoderCount: full.map_or(2, |p| p.decoders),
                sharedEncoderCount: full.map_or(2, |p| p.encoders),
                sharedJpegCount: full.map_or(1, |p| p.jpegs),
                sharedOfaCount: full.map_or(1, |p| p.ofas),
                gpuInstanceSliceCount: full.map_or(1, |p| p.compute_slices),
                computeInstanceSliceCount: full.map_or(1, |p| p.compute_slices),
                memorySizeMB: g.spec().memory_total / (1024 * 1024),
            })
        }
    }
}

/// GPUs with an NVSwitch fabric (with NvLink, where the model has fabric info) report it as
/// trained, with the profile's cluster UUID and clique id.
fn fabric(g: &Gpu) -> Result<([u8; 16], u32), nvmlReturn_t> {
    g.support.check(Feature::FabricInfo)?;
    if g.spec().nvlink_count == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok((g.spec().fabric_cluster_uuid, g.spec().fabric_clique_id))
}

/// Fabric health (`healthMask`, `healthSummary`): the profile's; without one (Hopper: every
/// field and the summary "N/A" in `nvidia-smi -q` on a real HGX H100) none reported.
fn fabric_health(g: &Gpu) -> (u32, u8) {
    g.spec().fabric_health.as_ref().map_or(
        (0, NVML_GPU_FABRIC_HEALTH_SUMMARY_NOT_SUPPORTED as u8),
        |h| (h.mask(), h.summary as u8),
    )
}

/// A GPU's Per Device Identifier: a fixed 64-bit number derived from its UUID.
fn pdi_of(g: &Gpu) -> u64 {
    g.spec()
        .uuid
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// The P-states a GPU goes through: P0 when busy; a desktop card idles in P8.
fn pstates(g: &Gpu) -> Vec<u32> {
    if g.readings.pstate == 0 {
        vec![NVML_PSTATE_0]
    } else {
        vec![NVML_PSTATE_0, g.readings.pstate]
    }
}

/// GPUs with NVENC (not H100 or A100) answer encoder and capture statistics: no sessions.
fn nvenc(c: &Ctx<'_>, device: nvmlDevice_t) -> Result<(), nvmlReturn_t> {
    if phys(c, device)?.spec().nvenc_count == 0 {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(())
}

fn no_sessions(c: &Ctx<'_>, device: nvmlDevice_t, count: *mut c_uint) -> Result<(), nvmlReturn_t> {
    nvenc(c, device)?;
    if count.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    put(count, 0)
}

export! {
    fn nvmlSystemGetDriverBranch(branchInfo: *mut nvmlSystemDriverBranchInfo_t, length: c_uint) |c| {
        let mut b: nvmlSystemDriverBranchInfo_t = get(branchInfo)?;
        if b.version != nvmlSystemDriverBranchInfo_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let major = c.m.profile.driver_version.split('.').next().unwrap_or("0").to_string();
        let branch = format!("r{major}_00");
        if (length as usize) <= branch.len() {
            return Err(NVML_ERROR_INSUFFICIENT_SIZE);
        }
        fill_array(&mut b.branch, &branch);
        put(branchInfo, b)
    }
    fn nvmlDeviceGetHandleByUUIDV(uuid: *const nvmlUUID_t, device: *mut nvmlDevice_t) |c| {
        let u: nvmlUUID_t = get(uuid)?;
        if u.version != nvmlUUID_v1 || device.is_null() {
            return Err(if device.is_null() { NVML_ERROR_INVALID_ARGUMENT } else { NVML_ERROR_ARGUMENT_VERSION_MISMATCH });
        }
        if u.type_ != NVML_UUID_TYPE_ASCII {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // SAFETY: the type says the union holds the ASCII form.
        let text = unsafe { u.value.str_ };
        if !text.contains(&0) {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let want = arg_str(text.as_ptr())?.to_string();
        match c.m.gpus.iter().position(|g| g.spec().uuid.eq_ignore_ascii_case(&want)) {
            Some(i) => put(device, device_handle(i)),
            None => Err(NVML_ERROR_NOT_FOUND),
        }
    }
    fn nvmlDeviceGetAttributes_v2(device: nvmlDevice_t, attributes_: *mut nvmlDeviceAttributes_t) |c| {
        put(attributes_, attributes(c, device)?)
    }
    fn nvmlDeviceGetAttributes(device: nvmlDevice_t, attributes_: *mut nvmlDeviceAttributes_t) |c| {
        put(attributes_, attributes(c, device)?)
    }
    fn nvmlDeviceGetMemoryBusWidth(device: nvmlDevice_t, busWidth: *mut c_uint) |c| {
        put(busWidth, phys(c, device)?.spec().memory_bus_width)
    }
    fn nvmlDeviceGetNumGpuCores(device: nvmlDevice_t, numCores: *mut c_uint) |c| {
        put(numCores, c.m.gpu_without_mig(device)?.spec().cuda_cores)
    }
    fn nvmlDeviceGetModuleId(device: nvmlDevice_t, moduleId: *mut c_uint) |c| {
        let i = c.m.gpu_index(device)?;
        let g = phys(c, device)?;
        // SXM modules are numbered 1..8 on an HGX board; a PCIe card is module 0.
        put(moduleId, if g.spec().nvlink_count > 0 { i as u32 + 1 } else { 0 })
    }
    fn nvmlDeviceGetGpuFabricInfo(device: nvmlDevice_t, gpuFabricInfo: *mut nvmlGpuFabricInfo_t) |c| {
        let (uuid, clique) = fabric(phys(c, device)?)?;
        put(gpuFabricInfo, nvmlGpuFabricInfo_t {
            clusterUuid: uuid,
            status: NVML_SUCCESS,
            cliqueId: clique,
            state: NVML_GPU_FABRIC_STATE_COMPLETED as nvmlGpuFabricState_t,
        })
    }
    fn nvmlDeviceGetGpuFabricInfoV(device: nvmlDevice_t, gpuFabricInfo: *mut nvmlGpuFabricInfoV_t) |c| {
        let (uuid, clique) = fabric(phys(c, device)?)?;
        let mut v: nvmlGpuFabricInfoV_t = get(gpuFabricInfo)?;
        if v.version != nvmlGpuFabricInfo_v3 && v.version != nvmlGpuFabricInfo_v2 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        v.clusterUuid = uuid;
        v.status = NVML_SUCCESS;
        v.cliqueId = clique;
        v.state = NVML_GPU_FABRIC_STATE_COMPLETED as nvmlGpuFabricState_t;
        (v.healthMask, v.healthSummary) = fabric_health(phys(c, device)?);
        if v.version == nvmlGpuFabricInfo_v2 {
            // v2 ends at healthMask: write only the fields it has, each at its offset.
            let base = gpuFabricInfo.cast::<u8>();
            let at = |off: usize| base.wrapping_add(off);
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, clusterUuid)).cast::<[u8; 16]>(), v.clusterUuid)?;
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, status)).cast::<nvmlReturn_t>(), v.status)?;
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, cliqueId)).cast::<c_uint>(), v.cliqueId)?;
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, state)).cast::<nvmlGpuFabricState_t>(), v.state)?;
            put(at(std::mem::offset_of!(nvmlGpuFabricInfoV_t, healthMask)).cast::<c_uint>(), v.healthMask)?;
            return Ok(());
        }
        put(gpuFabricInfo, v)
    }
    fn nvmlDeviceGetGpuFabricInfo_v4(device: nvmlDevice_t, gpuFabricInfo: *mut nvmlGpuFabricInfo_v4_t) |c| {
        let (uuid, clique) = fabric(phys(c, device)?)?;
        if gpuFabricInfo.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        // SAFETY: plain data; all zeros is a valid value of every field.
        let mut v: nvmlGpuFabricInfo_v4_t = unsafe { std::mem::zeroed() };
        v.clusterUuid = uuid;
        v.status = NVML_SUCCESS;
        // Hopper reports its unicast and multicast pointer cliques (nvml.h), sorted by type.
        for (slot, kind) in v.cliques.iter_mut().zip([
            NVML_GPU_FABRIC_CLIQUE_TYPE_UNICAST_POINTER,
            NVML_GPU_FABRIC_CLIQUE_TYPE_MULTICAST_POINTER,
        ]) {
            *slot = nvmlGpuFabricClique_v1_t { type_: kind as u8, id: clique };
        }
        v.numCliques = 2;
        v.state = NVML_GPU_FABRIC_STATE_COMPLETED as nvmlGpuFabricState_t;
        (v.healthMask, v.healthSummary) = fabric_health(phys(c, device)?);
        put(gpuFabricInfo, v)
    }
    // No extended GPU memory (EGM) on any built-in board (a real H100, B200 and GB200 tray:
    // `capabilities/egm` disabled).
    fn nvmlDeviceGetCapabilities(device: nvmlDevice_t, caps: *mut nvmlDeviceCapabilities_t) |c| {
        phys(c, device)?;
        let v: nvmlDeviceCapabilities_t = get(caps)?;
        if v.version != nvmlDeviceCapabilities_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        put(caps, nvmlDeviceCapabilities_t { version: v.version, capMask: 0 })
    }
    // With ECC: no channel or TPC repair pending.
    fn nvmlDeviceGetRepairStatus(device: nvmlDevice_t, repairStatus: *mut nvmlRepairStatus_t) |c| {
        let g = phys(c, device)?;
        let v: nvmlRepairStatus_t = get(repairStatus)?;
        if v.version != nvmlRepairStatus_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::RepairStatus)?;
        put(repairStatus, nvmlRepairStatus_t { version: v.version, bChannelRepairPending: 0, bTpcRepairPending: 0 })
    }
    // Hopper and newer: no memory beyond repair.
    fn nvmlDeviceGetUnrepairableMemoryFlag_v1(device: nvmlDevice_t, unrepairableMemoryStatus: *mut nvmlUnrepairableMemoryStatus_v1_t) |c| {
        let g = phys(c, device)?;
        if !g.spec().ecc_supported {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        g.support.check(Feature::UnrepairableMemoryFlag)?;
        put(unrepairableMemoryStatus, nvmlUnrepairableMemoryStatus_v1_t { bUnrepairableMemory: 0 })
    }
    fn nvmlDeviceGetPdi(device: nvmlDevice_t, pdi: *mut nvmlPdi_t) |c| {
        let g = phys(c, device)?;
        let mut p: nvmlPdi_t = get(pdi)?;
        if p.version != nvmlPdi_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        g.support.check(Feature::Pdi)?;
        p.value = pdi_of(g);
        put(pdi, p)
    }
    fn nvmlDeviceGetGpuUptime_v1(device: nvmlDevice_t, uptime: *mut nvmlGpuUptime_v1_t) |c| {
        // A MIG device answers its parent GPU's uptime.
        let index = c.m.gpu_index(device)?;
        let g = c.m.gpus.get(index).ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
        let seconds = u32::try_from(uptime_s(c, g)).unwrap_or(u32::MAX);
        put(uptime, nvmlGpuUptime_v1_t { uptime: seconds })
    }
    fn nvmlDeviceGetTemperatureV(device: nvmlDevice_t, temperature: *mut nvmlTemperature_t) |c| {
        let g = phys(c, device)?;
        let mut t: nvmlTemperature_t = get(temperature)?;
        if t.version != nvmlTemperature_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        if t.sensorType != NVML_TEMPERATURE_GPU {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        t.temperature = g.readings.temperature as i32;
        put(temperature, t)
    }
    fn nvmlDeviceGetSupportedPerformanceStates(device: nvmlDevice_t, pstates_: *mut nvmlPstates_t, size: c_uint) |c| {
        let list = pstates(phys(c, device)?);
        if pstates_.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        if (size as usize) < list.len() {
            return Err(NVML_ERROR_INSUFFICIENT_SIZE);
        }
        for i in 0..(size as usize).min(NVML_MAX_GPU_PERF_PSTATES as usize) {
            put(pstates_.wrapping_add(i), list.get(i).copied().unwrap_or(NVML_PSTATE_UNKNOWN))?;
        }
        Ok(())
    }
    fn nvmlDeviceGetMinMaxClockOfPState(device: nvmlDevice_t, type_: nvmlClockType_t, pstate: nvmlPstates_t, minClockMHz: *mut c_uint, maxClockMHz: *mut c_uint) |c| {
        let g = phys(c, device)?;
        if !pstates(g).contains(&pstate) {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let (s, now) = (g.spec(), &g.readings);
        let (min, max) = match type_ {
            NVML_CLOCK_GRAPHICS | NVML_CLOCK_SM => (s.min_graphics, if pstate == 0 { s.max_graphics } else { now.clock_graphics }),
            NVML_CLOCK_MEM => (if pstate == 0 { s.max_mem } else { now.clock_mem }, if pstate == 0 { s.max_mem } else { now.clock_mem }),
            NVML_CLOCK_VIDEO => (now.clock_video.min(s.max_video), s.max_video),
            _ => return Err(NVML_ERROR_INVALID_ARGUMENT),
        };
        if maxClockMHz.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(minClockMHz, min)?;
        put(maxClockMHz, max)
    }
    fn nvmlDeviceGetViolationStatus(device: nvmlDevice_t, perfPolicyType: nvmlPerfPolicyType_t, violTime: *mut nvmlViolationTime_t) |c| {
        let g = phys(c, device)?;
        if perfPolicyType >= NVML_PERF_POLICY_COUNT {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let now_ns = c.m.now_us().saturating_mul(1000);
        // A power-capped GPU spends a tenth of its time at the power limit.
        let capped = super::device::clocks_event_reasons(g) & u64::from(nvmlClocksEventReasonSwPowerCap) != 0;
        let violation = if perfPolicyType == NVML_PERF_POLICY_POWER && capped { now_ns / 10 } else { 0 };
        put(violTime, nvmlViolationTime_t { referenceTime: now_ns, violationTime: violation })
    }
    fn nvmlDeviceGetProcessUtilization(device: nvmlDevice_t, utilization: *mut nvmlProcessUtilizationSample_t, processSamplesCount: *mut c_uint, lastSeenTimeStamp: u64) |c| {
        let g = c.m.gpu_without_mig(device)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        let procs: Vec<_> = g.processes.iter().filter(|p| p.kind != "graphics" || g.readings.util_gpu > 0).collect();
        let n = procs.len().max(1) as u32;
        let list: Vec<nvmlProcessUtilizationSample_t> = procs
            .iter()
            .map(|p| nvmlProcessUtilizationSample_t {
                pid: p.pid,
                timeStamp: now,
                smUtil: g.readings.util_gpu / n,
                memUtil: g.readings.util_memory / n,
                encUtil: 0,
                decUtil: 0,
            })
            .filter(|s| s.timeStamp > lastSeenTimeStamp)
            .collect();
        if list.is_empty() {
            if !processSamplesCount.is_null() {
                put(processSamplesCount, 0)?;
            }
            return Err(NVML_ERROR_NOT_FOUND);
        }
        put_array(processSamplesCount, utilization, &list, c.hostile)
    }
    // Session statistics answer (no sessions) on every GPU, with or without NVENC, like a real
    // H100 (captures/qx-h100.xml).
    fn nvmlDeviceGetEncoderStats(device: nvmlDevice_t, sessionCount: *mut c_uint, averageFps: *mut c_uint, averageLatency: *mut c_uint) |c| {
        phys(c, device)?;
        if averageFps.is_null() || averageLatency.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(sessionCount, 0)?;
        put(averageFps, 0)?;
        put(averageLatency, 0)
    }
    fn nvmlDeviceGetEncoderSessions(device: nvmlDevice_t, sessionCount: *mut c_uint, sessionInfos: *mut nvmlEncoderSessionInfo_t) |c| {
        let _ = sessionInfos;
        no_sessions(c, device, sessionCount)
    }
    fn nvmlDeviceGetFBCStats(device: nvmlDevice_t, fbcStats: *mut nvmlFBCStats_t) |c| {
        phys(c, device)?;
        put(fbcStats, nvmlFBCStats_t { sessionsCount: 0, averageFPS: 0, averageLatency: 0 })
    }
    fn nvmlDeviceGetFBCSessions(device: nvmlDevice_t, sessionCount: *mut c_uint, sessionInfo: *mut nvmlFBCSessionInfo_t) |c| {
        let _ = sessionInfo;
        no_sessions(c, device, sessionCount)
    }
    fn nvmlDeviceGetJpgUtilization(device: nvmlDevice_t, utilization: *mut c_uint, samplingPeriodUs: *mut c_uint) |c| {
        c.m.gpu_without_mig(device)?;
        if samplingPeriodUs.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(utilization, 0)?;
        put(samplingPeriodUs, 167_000)
    }
    fn nvmlDeviceGetOfaUtilization(device: nvmlDevice_t, utilization: *mut c_uint, samplingPeriodUs: *mut c_uint) |c| {
        c.m.gpu_without_mig(device)?;
        if samplingPeriodUs.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(utilization, 0)?;
        put(samplingPeriodUs, 167_000)
    }
    fn nvmlDeviceGetGspFirmwareVersion(device: nvmlDevice_t, version: *mut c_char) |c| {
        phys(c, device)?;
        let v = c.m.profile.driver_version.clone();
        put_str(version, NVML_GSP_FIRMWARE_VERSION_BUF_SIZE, &v, c.hostile)
    }
    fn nvmlDeviceGetGspFirmwareMode(device: nvmlDevice_t, isEnabled: *mut c_uint, defaultMode: *mut c_uint) |c| {
        let g = phys(c, device)?;
        if defaultMode.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let on = u32::from(g.support.has(Feature::GspFirmware));
        put(isEnabled, on)?;
        put(defaultMode, on)
    }
    // The accounting buffer holds 4000 processes, whether accounting is on or off (a real
    // H100: captures/qx-h100.xml).
    fn nvmlDeviceGetAccountingBufferSize(device: nvmlDevice_t, bufferSize: *mut c_uint) |c| {
        phys(c, device)?;
        put(bufferSize, 4000)
    }
    // Enabled on a GPU with a C2C link to a Grace CPU (GB200).
    fn nvmlDeviceGetC2cModeInfoV(device: nvmlDevice_t, c2cModeInfo: *mut nvmlC2cModeInfo_v1_t) |c| {
        let g = phys(c, device)?;
        g.support.check(Feature::C2cMode)?;
        let on = g.spec().c2c.is_some();
        put(c2cModeInfo, nvmlC2cModeInfo_v1_t { isC2cEnabled: u32::from(on) })
    }
    // All banks with every reserved row available: nothing has been remapped.
    fn nvmlDeviceGetRowRemapperHistogram(device: nvmlDevice_t, values: *mut nvmlRowRemapperHistogramValues_t) |c| {
        let banks = phys(c, device)?.spec().row_remapper_banks;
        if banks == 0 {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(values, nvmlRowRemapperHistogramValues_t { max: banks, high: 0, partial: 0, low: 0, none: 0 })
    }
    fn nvmlDeviceGetAddressingMode(device: nvmlDevice_t, mode: *mut nvmlDeviceAddressingMode_t) |c| {
        let value = phys(c, device)?.spec().addressing_mode;
        let v: nvmlDeviceAddressingMode_t = get(mode)?;
        if v.version != nvmlDeviceAddressingMode_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        put(mode, nvmlDeviceAddressingMode_t { version: v.version, value })
    }
    // SRAM ECC counters of a GPU with ECC: none.
    fn nvmlDeviceGetAccountingMode(device: nvmlDevice_t, mode: *mut nvmlEnableState_t) |c| {
        phys(c, device)?;
        put(mode, NVML_FEATURE_DISABLED)
    }
    fn nvmlDeviceGetTargetFanSpeed(device: nvmlDevice_t, fan: c_uint, targetSpeed: *mut c_uint) |c| {
        let fans = &phys(c, device)?.spec().fans;
        if fans.is_empty() {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        put(targetSpeed, *fans.get(fan as usize).ok_or(NVML_ERROR_INVALID_ARGUMENT)?)
    }
    fn nvmlDeviceGetMinMaxFanSpeed(device: nvmlDevice_t, minSpeed: *mut c_uint, maxSpeed: *mut c_uint) |c| {
        if phys(c, device)?.spec().fans.is_empty() {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if maxSpeed.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        put(minSpeed, 30)?;
        put(maxSpeed, 100)
    }
    fn nvmlDeviceGetInforomConfigurationChecksum(device: nvmlDevice_t, checksum: *mut c_uint) |c| {
        let g = phys(c, device)?;
        let sum = g.spec().inforom_image.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
        put(checksum, sum)
    }
    fn nvmlDeviceValidateInforom(device: nvmlDevice_t) |c| {
        phys(c, device)?;
        Ok(())
    }
    fn nvmlDeviceGetIrqNum(device: nvmlDevice_t, irqNum: *mut c_uint) |c| {
        let i = c.m.gpu_index(device)?;
        put(irqNum, 200 + i as u32)
    }
}
