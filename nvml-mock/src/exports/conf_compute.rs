//! Confidential computing: system capabilities, state and settings, GPUs-ready state, key
//! rotation threshold, protected memory, GPU certificate chains and attestation reports.
//! Only profiles with `confidential_computing` (built in: `h100-cc`) answer; elsewhere every
//! CC function is `NOT_SUPPORTED`, like a platform without CC, except the protected memory
//! usage, which a Hopper or later GPU answers with 0 of 0 while CC is off.

use std::ffi::c_uint;

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::machine::Gpu;
use crate::marshal::{get, put, struct_version};
use crate::profile::ConfCompute;
use crate::struct_versions;
use crate::support::Feature;

/// The TDISP state of a CC system: the GPUs run behind a TDI, handshake done, only where the
/// CPU has a TDISP-capable technology (Intel TDX Connect, AMD SEV-TIO) and CC is on.
fn tdisp_state(s: &ConfCompute) -> u32 {
    let tdisp_cpu = matches!(
        s.cpu_caps,
        NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX_CONNECT | NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_TIO
    );
    if tdisp_cpu && s.enabled {
        NVML_CC_SYSTEM_TDISP_STATE_READY
    } else {
        NVML_CC_SYSTEM_TDISP_STATE_DISABLED
    }
}

/// The CC settings every version reports: (environment, CC feature, dev tools mode,
/// multi-GPU mode), each one past the header's largest value in future-enum mode.
fn settings(c: &Ctx<'_>, s: &ConfCompute) -> (u32, u32, u32, u32) {
    (
        c.enum_value(s.environment, NVML_CC_SYSTEM_ENVIRONMENT_PROD + 1),
        c.enum_value(
            if s.enabled {
                NVML_CC_SYSTEM_FEATURE_ENABLED
            } else {
                NVML_CC_SYSTEM_FEATURE_DISABLED
            },
            NVML_CC_SYSTEM_FEATURE_BMSAI_ENABLED + 1,
        ),
        c.enum_value(
            if s.devtools {
                NVML_CC_SYSTEM_DEVTOOLS_MODE_ON
            } else {
                NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF
            },
            NVML_CC_SYSTEM_DEVTOOLS_MODE_ON + 1,
        ),
        c.enum_value(s.multi_gpu, NVML_CC_SYSTEM_MULTIGPU_NVLE + 1),
    )
}

fn cc<'a>(c: &'a Ctx<'_>) -> Result<&'a ConfCompute, nvmlReturn_t> {
    c.m.cc.as_ref().ok_or(NVML_ERROR_NOT_SUPPORTED)
}

/// A physical GPU of a CC system with CC on.
fn cc_gpu<'a>(c: &'a Ctx<'_>, d: nvmlDevice_t) -> Result<&'a Gpu, nvmlReturn_t> {
    let g = c.m.gpu(d)?;
    let on = cc(c)?.enabled;
    if !on || !g.support.has(Feature::ConfCompute) {
        return Err(NVML_ERROR_NOT_SUPPORTED);
    }
    Ok(g)
}

/// Deterministic filler bytes (xorshift) for certificates and reports.
fn bytes(seed: u64, out: &mut [u8]) {
    let mut x = seed | 1;
    for b in out {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 24) as u8;
    }
}

fn seed(g: &Gpu) -> u64 {
    g.spec()
        .uuid
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        })
}

/// One DER-shaped certificate (`SEQUENCE` of `len` bytes) at the start of `out`; returns its
/// total size.
fn der_cert(seed: u64, len: usize, out: &mut [u8]) -> usize {
    let total = len + 4;
    if let Some(cert) = out.get_mut(..total) {
        bytes(seed, cert);
        let header = [0x30, 0x82, (len >> 8) as u8, (len & 0xff) as u8, 0x30, 0x82];
        for (d, h) in cert.iter_mut().zip(header) {
            *d = h;
        }
    }
    total
}

export! {
    fn nvmlSystemGetConfComputeCapabilities(capabilities: *mut nvmlConfComputeSystemCaps_t) |c| {
        let cpu = cc(c)?.cpu_caps;
        let capable = c.m.gpus.iter().all(|g| g.support.has(Feature::ConfCompute));
        let gpus = if capable { NVML_CC_SYSTEM_GPUS_CC_CAPABLE } else { NVML_CC_SYSTEM_GPUS_CC_NOT_CAPABLE };
        put(capabilities, nvmlConfComputeSystemCaps_t {
            cpuCaps: c.enum_value(cpu, NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_TIO + 1),
            gpusCaps: c.enum_value(gpus, NVML_CC_SYSTEM_GPUS_CC_BMSAI_CAPABLE + 1),
        })
    }
    fn nvmlSystemGetConfComputeState(state: *mut nvmlConfComputeSystemState_t) |c| {
        let (environment, ccFeature, devToolsMode, _) = settings(c, cc(c)?);
        put(state, nvmlConfComputeSystemState_t { environment, ccFeature, devToolsMode })
    }
    fn nvmlSystemGetConfComputeSettings(settings: *mut nvmlSystemConfComputeSettings_t) |c| {
        let now = self::settings(c, cc(c)?);
        let mut v = get(settings.cast_const())?;
        struct_version(struct_versions::nvmlSystemGetConfComputeSettings, v.version)?;
        (v.environment, v.ccFeature, v.devToolsMode, v.multiGpuMode) = now;
        put(settings, v)
    }
    fn nvmlSystemGetConfComputeSettings_v2(settings: *mut nvmlSystemConfComputeSettings_v2_t) |c| {
        let s = cc(c)?;
        let now = self::settings(c, s);
        let tdisp = c.enum_value(tdisp_state(s), NVML_CC_SYSTEM_TDISP_STATE_READY + 1);
        let mut v = get(settings.cast_const())?;
        struct_version(struct_versions::nvmlSystemGetConfComputeSettings_v2, v.version)?;
        (v.environment, v.ccFeature, v.devToolsMode, v.multiGpuMode) = now;
        v.tdispState = tdisp;
        put(settings, v)
    }
    fn nvmlSystemGetConfComputeGpusReadyState(isAcceptingWork: *mut c_uint) |c| {
        let ready = cc(c)?.gpus_ready;
        put(isAcceptingWork, if ready { NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE } else { NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE })
    }
    fn nvmlSystemSetConfComputeGpusReadyState(isAcceptingWork: c_uint) |c| {
        if !cc(c)?.enabled {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        if isAcceptingWork > NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        if let Some(s) = c.m.cc.as_mut() {
            s.gpus_ready = isAcceptingWork == NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE;
        }
        Ok(())
    }
    fn nvmlSystemGetConfComputeKeyRotationThresholdInfo(pKeyRotationThrInfo: *mut nvmlConfComputeGetKeyRotationThresholdInfo_t) |c| {
        let s = cc(c)?;
        if !s.enabled {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let threshold = s.key_rotation_threshold;
        let mut v = get(pKeyRotationThrInfo.cast_const())?;
        if v.version != nvmlConfComputeGetKeyRotationThresholdInfo_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        v.attackerAdvantage = threshold;
        put(pKeyRotationThrInfo, v)
    }
    fn nvmlSystemSetConfComputeKeyRotationThresholdInfo(pKeyRotationThrInfo: *mut nvmlConfComputeSetKeyRotationThresholdInfo_t) |c| {
        let s = cc(c)?;
        if !s.enabled {
            return Err(NVML_ERROR_NOT_SUPPORTED);
        }
        let ready = s.gpus_ready;
        let v = get(pKeyRotationThrInfo.cast_const())?;
        if v.version != nvmlConfComputeSetKeyRotationThresholdInfo_v1 {
            return Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH);
        }
        let range = u64::from(NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MIN)
            ..=u64::from(NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MAX);
        if !range.contains(&v.maxAttackerAdvantage) {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        if ready {
            return Err(NVML_ERROR_INVALID_STATE);
        }
        if let Some(s) = c.m.cc.as_mut() {
            s.key_rotation_threshold = v.maxAttackerAdvantage;
        }
        Ok(())
    }
    fn nvmlDeviceGetConfComputeMemSizeInfo(device: nvmlDevice_t, memInfo: *mut nvmlConfComputeMemSizeInfo_t) |c| {
        let g = cc_gpu(c, device)?;
        let total_kib = g.spec().memory_total / 1024;
        put(memInfo, nvmlConfComputeMemSizeInfo_t {
            protectedMemSizeKib: total_kib - g.cc_unprotected_kib.min(total_kib),
            unprotectedMemSizeKib: g.cc_unprotected_kib,
        })
    }
    fn nvmlDeviceSetConfComputeUnprotectedMemSize(device: nvmlDevice_t, sizeKiB: u64) |c| {
        let total_kib = cc_gpu(c, device)?.spec().memory_total / 1024;
        if sizeKiB > total_kib {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        c.require_root()?;
        let g = c.m.gpu_mut(device)?;
        g.cc_unprotected_kib = sizeKiB;
        Ok(())
    }
    fn nvmlDeviceGetConfComputeProtectedMemoryUsage(device: nvmlDevice_t, memory: *mut nvmlMemory_t) |c| {
        // With CC off a GPU has no protected memory: 0 of 0 (real H100, A100, L40S and T4:
        // captures/qx-h100.xml, qx-a100.xml, qx-l40s.xml, qx-t4.xml).
        let cc_on = c.m.cc.as_ref().is_some_and(|x| x.enabled);
        if !cc_on {
            c.m.gpu(device)?.support.check(Feature::CcProtectedMemory)?;
            return put(memory, nvmlMemory_t { total: 0, free: 0, used: 0 });
        }
        let g = cc_gpu(c, device)?;
        let total = g.spec().memory_total - (g.cc_unprotected_kib * 1024).min(g.spec().memory_total);
        // The memory in use that nvmlDeviceGetMemoryInfo reports (with MIG on, only what runs
        // in GPU instances), all of it protected.
        let used = super::device::allocated(c.m, c.m.gpu_index(device)?, g).min(total);
        put(memory, nvmlMemory_t { total, free: total - used, used })
    }
    fn nvmlDeviceGetConfComputeGpuCertificate(device: nvmlDevice_t, gpuCert: *mut nvmlConfComputeGpuCertificate_t) |c| {
        let g = cc_gpu(c, device)?;
        if gpuCert.is_null() {
            return Err(NVML_ERROR_INVALID_ARGUMENT);
        }
        let s = seed(g);
        let mut cert = nvmlConfComputeGpuCertificate_t {
            certChainSize: 0,
            attestationCertChainSize: 0,
            certChain: [0; 4096],
            attestationCertChain: [0; 5120],
        };
        // Device identity chain: NVIDIA root CA, then the GPU's device certificate.
        let a = der_cert(0x4e56_4944_4941, 563, &mut cert.certChain);
        let b = cert.certChain.get_mut(a..).map_or(0, |rest| der_cert(s, 641, rest));
        cert.certChainSize = (a + b) as u32;
        // Attestation chain: root, intermediate, provider, device (leaf signed by the GPU).
        let mut off = 0;
        for (k, len) in [563usize, 645, 704, 735, 482].into_iter().enumerate() {
            if let Some(rest) = cert.attestationCertChain.get_mut(off..) {
                off += der_cert(s ^ ((k as u64 + 1) * 0x9e37_79b9), len, rest);
            }
        }
        cert.attestationCertChainSize = off as u32;
        put(gpuCert, cert)
    }
    fn nvmlDeviceGetConfComputeGpuAttestationReport(device: nvmlDevice_t, gpuAtstReport: *mut nvmlConfComputeGpuAttestationReport_t) |c| {
        let g = cc_gpu(c, device)?;
        let s = seed(g);
        let mut r = get(gpuAtstReport.cast_const())?;
        let nonce = r.nonce;
        // SPDM 1.1 GET_MEASUREMENTS request (version, code, attributes, all blocks, nonce,
        // slot), then the signed MEASUREMENTS response.
        let mut report = [0u8; 8192];
        let size = 4796usize;
        if let Some(body) = report.get_mut(..size) {
            bytes(s ^ 0x5350_444d, body);
        }
        let mut req = vec![0x11u8, 0xe0, 0x01, 0xff];
        req.extend_from_slice(&nonce);
        req.push(0x00);
        let mut resp = vec![0x11u8, 0x60, 0x00, 0x00, 0x3b];
        resp.extend_from_slice(&nonce);
        for (d, v) in report.iter_mut().zip(req.iter().chain(&resp)) {
            *d = *v;
        }
        r.isCecAttestationReportPresent = NVML_CC_CEC_ATTESTATION_REPORT_NOT_PRESENT;
        r.cecAttestationReportSize = 0;
        r.cecAttestationReport = [0; 4096];
        r.attestationReportSize = size as u32;
        r.attestationReport = report;
        put(gpuAtstReport, r)
    }
}
