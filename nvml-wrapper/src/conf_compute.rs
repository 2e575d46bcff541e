//! Confidential computing (CC): the system's CC capabilities, state and settings, whether
//! GPUs accept work, key rotation, and per GPU the protected memory, certificates and
//! attestation reports.

use std::ffi::c_uint;

use nvml_sys as sys;

use crate::device::Device;
use crate::enums::nvml_enum;
use crate::error::{NvmlError, Result};
use crate::ffi::{blob::prefix, nvml_call};
use crate::nvml::Nvml;
use crate::nvml_ref::NvmlRef;
use crate::versions::conf_compute_settings;

nvml_enum! {
    /// The CPU's confidential-computing technology (`NVML_CC_SYSTEM_CPU_CAPS_*`).
    pub enum CpuCcCapability: c_uint {
        /// None.
        None = sys::NVML_CC_SYSTEM_CPU_CAPS_NONE,
        /// AMD SEV.
        AmdSev = sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV,
        /// Intel TDX.
        IntelTdx = sys::NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX,
        /// AMD SEV-SNP.
        AmdSevSnp = sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_SNP,
        /// AMD SNP with vTOM.
        AmdSnpVtom = sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SNP_VTOM,
        /// Arm CCA.
        ArmCca = sys::NVML_CC_SYSTEM_CPU_CAPS_ARM_CCA,
        /// Intel TDX Connect.
        IntelTdxConnect = sys::NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX_CONNECT,
        /// AMD SEV-TIO.
        AmdSevTio = sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_TIO,
    }
}

nvml_enum! {
    /// Whether the GPUs can do confidential computing (`NVML_CC_SYSTEM_GPUS_CC_*`).
    pub enum CcGpusCapability: c_uint {
        /// Not CC capable.
        NotCapable = sys::NVML_CC_SYSTEM_GPUS_CC_NOT_CAPABLE,
        /// CC capable.
        Capable = sys::NVML_CC_SYSTEM_GPUS_CC_CAPABLE,
        /// Baremetal Secure AI (BMSAI) capable.
        BmsaiCapable = sys::NVML_CC_SYSTEM_GPUS_CC_BMSAI_CAPABLE,
    }
}

nvml_enum! {
    /// Whether the confidential-computing feature is on (`NVML_CC_SYSTEM_FEATURE_*`).
    pub enum CcFeature: c_uint {
        /// Disabled.
        Disabled = sys::NVML_CC_SYSTEM_FEATURE_DISABLED,
        /// Enabled.
        Enabled = sys::NVML_CC_SYSTEM_FEATURE_ENABLED,
        /// Enabled for Baremetal Secure AI (BMSAI).
        BmsaiEnabled = sys::NVML_CC_SYSTEM_FEATURE_BMSAI_ENABLED,
    }
}

nvml_enum! {
    /// The TDISP state of the GPUs (`NVML_CC_SYSTEM_TDISP_STATE_*`).
    pub enum CcTdispState: c_uint {
        /// The GPUs do not run behind a TDI.
        Disabled = sys::NVML_CC_SYSTEM_TDISP_STATE_DISABLED,
        /// The TDIs are unlocked (TDISP firmware-only mode).
        NotReady = sys::NVML_CC_SYSTEM_TDISP_STATE_NOT_READY,
        /// The TDIs completed the TSM handshake and run (TDISP secure mode).
        Ready = sys::NVML_CC_SYSTEM_TDISP_STATE_READY,
    }
}

nvml_enum! {
    /// The confidential-computing environment (`NVML_CC_SYSTEM_ENVIRONMENT_*`).
    pub enum CcEnvironment: c_uint {
        /// Unavailable.
        Unavailable = sys::NVML_CC_SYSTEM_ENVIRONMENT_UNAVAILABLE,
        /// Simulation.
        Simulation = sys::NVML_CC_SYSTEM_ENVIRONMENT_SIM,
        /// Production.
        Production = sys::NVML_CC_SYSTEM_ENVIRONMENT_PROD,
    }
}

nvml_enum! {
    /// How several GPUs talk to each other in CC mode (`NVML_CC_SYSTEM_MULTIGPU_*`).
    pub enum CcMultiGpuMode: c_uint {
        /// No multi-GPU protection.
        None = sys::NVML_CC_SYSTEM_MULTIGPU_NONE,
        /// Protected PCIe.
        ProtectedPcie = sys::NVML_CC_SYSTEM_MULTIGPU_PROTECTED_PCIE,
        /// NVLink encryption.
        Nvle = sys::NVML_CC_SYSTEM_MULTIGPU_NVLE,
    }
}

/// What the system can do for confidential computing (`nvmlConfComputeSystemCaps_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConfComputeCapabilities {
    /// The CPU's CC technology.
    pub cpu: CpuCcCapability,
    /// Whether the GPUs are CC capable, and how.
    pub gpus: CcGpusCapability,
}

/// Confidential-computing state (`nvmlConfComputeSystemState_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConfComputeState {
    /// The environment.
    pub environment: CcEnvironment,
    /// Whether the CC feature is on, and how.
    pub cc_enabled: CcFeature,
    /// Developer tools mode is on (any value but `NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF`).
    pub dev_tools_mode: bool,
}

/// Confidential-computing settings (`nvmlSystemConfComputeSettings_v2_t`, or `_v1_t` on
/// older drivers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConfComputeSettings {
    /// The environment.
    pub environment: CcEnvironment,
    /// Whether the CC feature is on, and how.
    pub cc_enabled: CcFeature,
    /// Developer tools mode is on (any value but `NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF`).
    pub dev_tools_mode: bool,
    /// Multi-GPU mode.
    pub multi_gpu_mode: CcMultiGpuMode,
    /// The TDISP state of the GPUs; `None` on drivers without
    /// `nvmlSystemGetConfComputeSettings_v2`.
    pub tdisp_state: Option<CcTdispState>,
}

/// Protected (CC) memory of a GPU, in bytes (`nvmlDeviceGetConfComputeProtectedMemoryUsage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProtectedMemoryUsage {
    /// Total protected memory.
    pub total: u64,
    /// Free protected memory.
    pub free: u64,
    /// Used protected memory.
    pub used: u64,
}

/// A GPU's certificate chains (`nvmlConfComputeGpuCertificate_t`), DER bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GpuCertificate {
    /// The device certificate chain.
    pub cert_chain: Vec<u8>,
    /// The attestation certificate chain.
    pub attestation_cert_chain: Vec<u8>,
}

/// A GPU's attestation report (`nvmlConfComputeGpuAttestationReport_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GpuAttestationReport {
    /// The SPDM attestation report.
    pub attestation_report: Vec<u8>,
    /// The CEC attestation report, where present.
    pub cec_attestation_report: Option<Vec<u8>>,
}

impl Nvml {
    /// The system's confidential-computing capabilities
    /// (`nvmlSystemGetConfComputeCapabilities`).
    #[doc(alias = "nvmlSystemGetConfComputeCapabilities")]
    pub fn conf_compute_capabilities(&self) -> Result<ConfComputeCapabilities> {
        let mut caps = sys::nvmlConfComputeSystemCaps_t::default();
        nvml_call!(self, nvmlSystemGetConfComputeCapabilities(&mut caps))?;
        Ok(ConfComputeCapabilities {
            cpu: CpuCcCapability::from_raw(caps.cpuCaps),
            gpus: CcGpusCapability::from_raw(caps.gpusCaps),
        })
    }

    /// The confidential-computing state (`nvmlSystemGetConfComputeState`).
    #[doc(alias = "nvmlSystemGetConfComputeState")]
    pub fn conf_compute_state(&self) -> Result<ConfComputeState> {
        let mut state = sys::nvmlConfComputeSystemState_t::default();
        nvml_call!(self, nvmlSystemGetConfComputeState(&mut state))?;
        Ok(ConfComputeState {
            environment: CcEnvironment::from_raw(state.environment),
            cc_enabled: CcFeature::from_raw(state.ccFeature),
            dev_tools_mode: state.devToolsMode != sys::NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF,
        })
    }

    /// The confidential-computing settings, with the multi-GPU mode and the TDISP state
    /// (`nvmlSystemGetConfComputeSettings_v2` with `nvmlSystemConfComputeSettings_v2`; on
    /// drivers without it, or that reject that struct version, `nvmlSystemGetConfComputeSettings`
    /// with `nvmlSystemConfComputeSettings_v1`, and no TDISP state).
    #[doc(alias = "nvmlSystemGetConfComputeSettings")]
    #[doc(alias = "nvmlSystemGetConfComputeSettings_v2")]
    pub fn conf_compute_settings(&self) -> Result<ConfComputeSettings> {
        if self.versions().conf_compute_settings()
            == conf_compute_settings::Version::nvmlSystemGetConfComputeSettings_v2
        {
            let mut v2 = sys::nvmlSystemConfComputeSettings_v2_t {
                version: sys::nvmlSystemConfComputeSettings_v2,
                ..Default::default()
            };
            let rc = nvml_call!(
                self,
                conf_compute_settings::nvmlSystemGetConfComputeSettings_v2(&mut v2)
            );
            match rc {
                Ok(()) => {
                    return Ok(ConfComputeSettings {
                        environment: CcEnvironment::from_raw(v2.environment),
                        cc_enabled: CcFeature::from_raw(v2.ccFeature),
                        dev_tools_mode: v2.devToolsMode != sys::NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF,
                        multi_gpu_mode: CcMultiGpuMode::from_raw(v2.multiGpuMode),
                        tdisp_state: Some(CcTdispState::from_raw(v2.tdispState)),
                    });
                }
                Err(NvmlError::ArgumentVersionMismatch(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let mut settings = sys::nvmlSystemConfComputeSettings_t {
            version: sys::nvmlSystemConfComputeSettings_v1,
            ..Default::default()
        };
        nvml_call!(
            self,
            conf_compute_settings::nvmlSystemGetConfComputeSettings(&mut settings)
        )?;
        Ok(ConfComputeSettings {
            environment: CcEnvironment::from_raw(settings.environment),
            cc_enabled: CcFeature::from_raw(settings.ccFeature),
            dev_tools_mode: settings.devToolsMode != sys::NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF,
            multi_gpu_mode: CcMultiGpuMode::from_raw(settings.multiGpuMode),
            tdisp_state: None,
        })
    }

    /// Whether the GPUs accept client requests in CC mode
    /// (`nvmlSystemGetConfComputeGpusReadyState`).
    #[doc(alias = "nvmlSystemGetConfComputeGpusReadyState")]
    pub fn conf_compute_gpus_ready(&self) -> Result<bool> {
        let mut ready: c_uint = 0;
        nvml_call!(self, nvmlSystemGetConfComputeGpusReadyState(&mut ready))?;
        Ok(ready != sys::NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE)
    }

    /// Lets the GPUs accept client requests in CC mode, or stops them
    /// (`nvmlSystemSetConfComputeGpusReadyState`). Requires root.
    #[doc(alias = "nvmlSystemSetConfComputeGpusReadyState")]
    pub fn set_conf_compute_gpus_ready(&self, accepting: bool) -> Result<()> {
        let raw = if accepting {
            sys::NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE
        } else {
            sys::NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE
        };
        nvml_call!(self, nvmlSystemSetConfComputeGpusReadyState(raw))
    }

    /// The key rotation threshold: the attacker advantage at which keys rotate
    /// (`nvmlSystemGetConfComputeKeyRotationThresholdInfo` with
    /// `nvmlConfComputeGetKeyRotationThresholdInfo_v1`).
    #[doc(alias = "nvmlSystemGetConfComputeKeyRotationThresholdInfo")]
    pub fn conf_compute_key_rotation_threshold(&self) -> Result<u64> {
        let mut info = sys::nvmlConfComputeGetKeyRotationThresholdInfo_t {
            version: sys::nvmlConfComputeGetKeyRotationThresholdInfo_v1,
            attackerAdvantage: 0,
        };
        nvml_call!(
            self,
            nvmlSystemGetConfComputeKeyRotationThresholdInfo(&mut info)
        )?;
        Ok(info.attackerAdvantage)
    }

    /// Sets the maximum attacker advantage before keys rotate, between
    /// `NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MIN` (50) and `_MAX` (65)
    /// (`nvmlSystemSetConfComputeKeyRotationThresholdInfo` with
    /// `nvmlConfComputeSetKeyRotationThresholdInfo_v1`). Requires root.
    #[doc(alias = "nvmlSystemSetConfComputeKeyRotationThresholdInfo")]
    pub fn set_conf_compute_key_rotation_threshold(
        &self,
        max_attacker_advantage: u64,
    ) -> Result<()> {
        let mut info = sys::nvmlConfComputeSetKeyRotationThresholdInfo_t {
            version: sys::nvmlConfComputeSetKeyRotationThresholdInfo_v1,
            maxAttackerAdvantage: max_attacker_advantage,
        };
        nvml_call!(
            self,
            nvmlSystemSetConfComputeKeyRotationThresholdInfo(&mut info)
        )
    }
}

/// How the GPU's memory is split in confidential computing
/// ([`Device::conf_compute_mem_size_info`]), in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConfComputeMemSize {
    /// Protected memory: only the confidential VM's work can use it.
    pub protected_kib: u64,
    /// Unprotected memory, for bounce buffers and the like
    /// ([`Device::set_conf_compute_unprotected_mem_size`] sets it).
    pub unprotected_kib: u64,
}

impl<N: NvmlRef> Device<'_, N> {
    /// The protected and unprotected memory sizes of the GPU in CC mode, in KiB
    /// (`nvmlDeviceGetConfComputeMemSizeInfo`). Ampere or newer; Linux and Windows TCC.
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`] where confidential computing is not available.
    #[doc(alias = "nvmlDeviceGetConfComputeMemSizeInfo")]
    pub fn conf_compute_mem_size_info(&self) -> Result<ConfComputeMemSize> {
        let mut info = sys::nvmlConfComputeMemSizeInfo_t::default();
        nvml_call!(
            self.holder(),
            nvmlDeviceGetConfComputeMemSizeInfo(self.handle(), &mut info)
        )?;
        Ok(ConfComputeMemSize {
            protected_kib: info.protectedMemSizeKib,
            unprotected_kib: info.unprotectedMemSizeKib,
        })
    }

    /// Protected memory of the GPU in CC mode (`nvmlDeviceGetConfComputeProtectedMemoryUsage`).
    #[doc(alias = "nvmlDeviceGetConfComputeProtectedMemoryUsage")]
    pub fn conf_compute_protected_memory_usage(&self) -> Result<ProtectedMemoryUsage> {
        let mut mem = sys::nvmlMemory_t::default();
        nvml_call!(
            self.holder(),
            nvmlDeviceGetConfComputeProtectedMemoryUsage(self.handle(), &mut mem)
        )?;
        Ok(ProtectedMemoryUsage {
            total: mem.total,
            free: mem.free,
            used: mem.used,
        })
    }

    /// The GPU's certificate chains (`nvmlDeviceGetConfComputeGpuCertificate`).
    #[doc(alias = "nvmlDeviceGetConfComputeGpuCertificate")]
    pub fn conf_compute_gpu_certificate(&self) -> Result<GpuCertificate> {
        let mut cert = Box::<sys::nvmlConfComputeGpuCertificate_t>::default();
        nvml_call!(
            self.holder(),
            nvmlDeviceGetConfComputeGpuCertificate(self.handle(), &mut *cert)
        )?;
        Ok(GpuCertificate {
            cert_chain: prefix(&cert.certChain, cert.certChainSize),
            attestation_cert_chain: prefix(
                &cert.attestationCertChain,
                cert.attestationCertChainSize,
            ),
        })
    }

    /// The GPU's attestation report for a caller-chosen nonce
    /// (`nvmlDeviceGetConfComputeGpuAttestationReport`).
    #[doc(alias = "nvmlDeviceGetConfComputeGpuAttestationReport")]
    pub fn conf_compute_gpu_attestation_report(
        &self,
        nonce: [u8; sys::NVML_CC_GPU_CEC_NONCE_SIZE as usize],
    ) -> Result<GpuAttestationReport> {
        let mut report = Box::<sys::nvmlConfComputeGpuAttestationReport_t>::default();
        report.nonce = nonce;
        nvml_call!(
            self.holder(),
            nvmlDeviceGetConfComputeGpuAttestationReport(self.handle(), &mut *report)
        )?;
        let cec_present =
            report.isCecAttestationReportPresent == sys::NVML_CC_CEC_ATTESTATION_REPORT_PRESENT;
        Ok(GpuAttestationReport {
            attestation_report: prefix(&report.attestationReport, report.attestationReportSize),
            cec_attestation_report: cec_present.then(|| {
                prefix(
                    &report.cecAttestationReport,
                    report.cecAttestationReportSize,
                )
            }),
        })
    }

    /// Sets the unprotected (shared) memory size of the GPU in CC mode, in KiB
    /// (`nvmlDeviceSetConfComputeUnprotectedMemSize`). Requires root.
    #[doc(alias = "nvmlDeviceSetConfComputeUnprotectedMemSize")]
    pub fn set_conf_compute_unprotected_mem_size(&self, size_kib: u64) -> Result<()> {
        nvml_call!(
            self.holder(),
            nvmlDeviceSetConfComputeUnprotectedMemSize(self.handle(), size_kib)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_clamped_to_the_buffer_and_values_newer_than_the_header_kept() {
        assert_eq!(prefix(&[1, 2, 3], 2), [1, 2]);
        assert_eq!(prefix(&[1, 2, 3], 9000), [1, 2, 3]);
        assert_eq!(CcFeature::from_raw(2), CcFeature::BmsaiEnabled);
        assert_eq!(CcFeature::from_raw(3), CcFeature::Other(3));
        assert_eq!(CpuCcCapability::from_raw(7), CpuCcCapability::AmdSevTio);
        assert_eq!(CpuCcCapability::from_raw(8).as_raw(), 8);
    }
}
