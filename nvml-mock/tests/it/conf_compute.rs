//! Confidential computing on the `h100-cc` profile, and its absence elsewhere.

use std::ptr::null_mut;

use crate::support::*;
use nvml_mock::profile;

#[test]
fn a_cc_vm_reports_its_capabilities_state_and_settings() {
    let (staged, lib) = init("h100-cc");
    let mut caps = nvmlConfComputeSystemCaps_t::default();
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeCapabilities(&mut caps)),
        NVML_SUCCESS
    );
    assert_eq!(
        (caps.cpuCaps, caps.gpusCaps),
        (
            NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_SNP,
            NVML_CC_SYSTEM_GPUS_CC_CAPABLE
        )
    );
    let mut st = nvmlConfComputeSystemState_t::default();
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeState(&mut st)),
        NVML_SUCCESS
    );
    assert_eq!(
        (st.environment, st.ccFeature, st.devToolsMode),
        (
            NVML_CC_SYSTEM_ENVIRONMENT_PROD,
            NVML_CC_SYSTEM_FEATURE_ENABLED,
            NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF
        )
    );
    let mut set = nvmlSystemConfComputeSettings_t {
        version: nvmlSystemConfComputeSettings_v1,
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeSettings(&mut set)),
        NVML_SUCCESS
    );
    assert_eq!(
        (set.ccFeature, set.multiGpuMode),
        (NVML_CC_SYSTEM_FEATURE_ENABLED, NVML_CC_SYSTEM_MULTIGPU_NONE)
    );
    set.version = 0;
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeSettings(&mut set)),
        NVML_ERROR_ARGUMENT_VERSION_MISMATCH
    );
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeState(null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );

    // Memory: protected + unprotected = the GPU's memory; the setter is privileged.
    let d = dev(&lib, 0);
    let mut mem = nvmlMemory_t::default();
    assert_eq!(nv!(lib.nvmlDeviceGetMemoryInfo(d, &mut mem)), NVML_SUCCESS);
    let mut sizes = nvmlConfComputeMemSizeInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetConfComputeMemSizeInfo(d, &mut sizes)),
        NVML_SUCCESS
    );
    assert_eq!(
        (sizes.protectedMemSizeKib + sizes.unprotectedMemSizeKib) * 1024,
        mem.total
    );
    assert_eq!(sizes.unprotectedMemSizeKib, 256 * 1024);
    let mut prot = nvmlMemory_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetConfComputeProtectedMemoryUsage(d, &mut prot)),
        NVML_SUCCESS
    );
    assert_eq!(prot.total, sizes.protectedMemSizeKib * 1024);
    assert_eq!(prot.used + prot.free, prot.total);
    assert_eq!(
        nv!(lib.nvmlDeviceSetConfComputeUnprotectedMemSize(d, 1 << 20)),
        NVML_ERROR_NO_PERMISSION
    );
    staged.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlDeviceSetConfComputeUnprotectedMemSize(d, 1 << 20)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetConfComputeMemSizeInfo(d, &mut sizes)),
        NVML_SUCCESS
    );
    assert_eq!(sizes.unprotectedMemSizeKib, 1 << 20);
    assert_eq!(
        nv!(lib.nvmlDeviceSetConfComputeUnprotectedMemSize(d, u64::MAX)),
        NVML_ERROR_INVALID_ARGUMENT
    );
}

#[test]
fn ready_state_and_key_rotation_threshold() {
    let (staged, lib) = init("h100-cc");
    let mut ready = 9u32;
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeGpusReadyState(&mut ready)),
        NVML_SUCCESS
    );
    assert_eq!(ready, NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE);
    let mut get = nvmlConfComputeGetKeyRotationThresholdInfo_t {
        version: nvmlConfComputeGetKeyRotationThresholdInfo_v1,
        ..Default::default()
    };
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeKeyRotationThresholdInfo(&mut get)),
        NVML_SUCCESS
    );
    assert_eq!(get.attackerAdvantage, 60);
    let mut set = nvmlConfComputeSetKeyRotationThresholdInfo_t {
        version: nvmlConfComputeSetKeyRotationThresholdInfo_v1,
        maxAttackerAdvantage: 55,
    };
    assert_eq!(
        nv!(lib.nvmlSystemSetConfComputeKeyRotationThresholdInfo(&mut set)),
        NVML_ERROR_NO_PERMISSION
    );
    assert_eq!(
        nv!(lib.nvmlSystemSetConfComputeGpusReadyState(1)),
        NVML_ERROR_NO_PERMISSION
    );
    staged.set_root(true).unwrap();
    assert_eq!(
        nv!(lib.nvmlSystemSetConfComputeKeyRotationThresholdInfo(&mut set)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeKeyRotationThresholdInfo(&mut get)),
        NVML_SUCCESS
    );
    assert_eq!(get.attackerAdvantage, 55);
    set.maxAttackerAdvantage = 66;
    assert_eq!(
        nv!(lib.nvmlSystemSetConfComputeKeyRotationThresholdInfo(&mut set)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    // Once the GPUs accept work the threshold is locked.
    assert_eq!(
        nv!(lib.nvmlSystemSetConfComputeGpusReadyState(2)),
        NVML_ERROR_INVALID_ARGUMENT
    );
    assert_eq!(
        nv!(lib.nvmlSystemSetConfComputeGpusReadyState(1)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeGpusReadyState(&mut ready)),
        NVML_SUCCESS
    );
    assert_eq!(ready, NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE);
    set.maxAttackerAdvantage = 50;
    assert_eq!(
        nv!(lib.nvmlSystemSetConfComputeKeyRotationThresholdInfo(&mut set)),
        NVML_ERROR_INVALID_STATE
    );
}

#[test]
fn certificates_and_attestation_reports_are_stable_and_carry_the_nonce() {
    let (_s, lib) = init("h100-cc");
    let d = dev(&lib, 0);
    let mut a = Box::new(nvmlConfComputeGpuCertificate_t {
        certChainSize: 0,
        attestationCertChainSize: 0,
        certChain: [0; 4096],
        attestationCertChain: [0; 5120],
    });
    let mut b = Box::new(nvmlConfComputeGpuCertificate_t {
        certChainSize: 0,
        attestationCertChainSize: 0,
        certChain: [0; 4096],
        attestationCertChain: [0; 5120],
    });
    assert_eq!(
        nv!(lib.nvmlDeviceGetConfComputeGpuCertificate(d, &mut *a)),
        NVML_SUCCESS
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetConfComputeGpuCertificate(d, &mut *b)),
        NVML_SUCCESS
    );
    assert!(a.certChainSize > 1000 && (a.certChainSize as usize) < a.certChain.len());
    assert!(
        a.attestationCertChainSize > 3000
            && (a.attestationCertChainSize as usize) < a.attestationCertChain.len()
    );
    assert_eq!(&a.certChain[..2], &[0x30, 0x82], "DER certificates");
    assert_eq!(a.certChain[..], b.certChain[..], "fixed bytes");
    let mut r = Box::new(nvmlConfComputeGpuAttestationReport_t {
        isCecAttestationReportPresent: 9,
        attestationReportSize: 0,
        cecAttestationReportSize: 0,
        nonce: [0xab; 32],
        attestationReport: [0; 8192],
        cecAttestationReport: [0; 4096],
    });
    assert_eq!(
        nv!(lib.nvmlDeviceGetConfComputeGpuAttestationReport(d, &mut *r)),
        NVML_SUCCESS
    );
    assert_eq!(
        r.isCecAttestationReportPresent,
        NVML_CC_CEC_ATTESTATION_REPORT_NOT_PRESENT
    );
    let n = r.attestationReportSize as usize;
    assert!(n > 1000 && n <= r.attestationReport.len());
    assert_eq!(
        &r.attestationReport[..2],
        &[0x11, 0xe0],
        "SPDM GET_MEASUREMENTS"
    );
    assert_eq!(
        &r.attestationReport[4..36],
        &[0xab; 32],
        "the caller's nonce"
    );
    assert_eq!(
        nv!(lib.nvmlDeviceGetConfComputeGpuAttestationReport(d, null_mut())),
        NVML_ERROR_INVALID_ARGUMENT
    );
}

#[test]
fn without_cc_every_cc_query_is_not_supported() {
    let (_s, lib) = init("dgx-h100");
    let mut caps = nvmlConfComputeSystemCaps_t::default();
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeCapabilities(&mut caps)),
        NVML_ERROR_NOT_SUPPORTED
    );
    let mut ready = 0u32;
    assert_eq!(
        nv!(lib.nvmlSystemGetConfComputeGpusReadyState(&mut ready)),
        NVML_ERROR_NOT_SUPPORTED
    );
    let mut sizes = nvmlConfComputeMemSizeInfo_t::default();
    assert_eq!(
        nv!(lib.nvmlDeviceGetConfComputeMemSizeInfo(dev(&lib, 0), &mut sizes)),
        NVML_ERROR_NOT_SUPPORTED
    );
    // A profile file turns it on, or describes a CC-capable system with CC off.
    let p = profile::parse_json(r#"{ "base": "dgx-h100", "confidential_computing": { "cpu": "intel_tdx", "enabled": false, "multi_gpu": "protected_pcie" } }"#).unwrap();
    let cc = p.conf_compute.unwrap();
    assert_eq!(
        (cc.cpu_caps, cc.enabled, cc.multi_gpu),
        (
            NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX,
            false,
            NVML_CC_SYSTEM_MULTIGPU_PROTECTED_PCIE
        )
    );
    assert!(
        profile::parse_json(r#"{ "confidential_computing": { "key_rotation_threshold": 70 } }"#)
            .is_err()
    );
    assert!(
        profile::parse_json(r#"{ "base": "h100-cc", "confidential_computing": null }"#)
            .unwrap()
            .conf_compute
            .is_none()
    );
}
