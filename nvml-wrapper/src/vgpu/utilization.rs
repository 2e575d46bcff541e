//! vGPU utilization samples, per vGPU and per process in a vGPU's VM.

use nvml_sys as sys;

use crate::error::{NvmlError, Result};

/// How much of the GPU one vGPU (or one process in a vGPU) used over the sample period
/// (`nvmlVgpuInstanceUtilizationSample_t`, `nvmlVgpuInstanceUtilizationInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuUtilizationSample {
    /// The vGPU instance id ([`Nvml::vgpu_instance`](crate::Nvml::vgpu_instance) wraps it).
    pub vgpu_instance: u32,
    /// When it was taken: CPU time, microseconds since 1970.
    pub timestamp: u64,
    /// SM (3D/compute) utilisation, percent.
    pub sm_util: crate::device::SampleValue,
    /// Frame-buffer memory utilisation, percent.
    pub mem_util: crate::device::SampleValue,
    /// Video encoder utilisation, percent.
    pub enc_util: crate::device::SampleValue,
    /// Video decoder utilisation, percent.
    pub dec_util: crate::device::SampleValue,
    /// JPEG decoder utilisation, percent (`None` from `nvmlDeviceGetVgpuUtilization`).
    pub jpg_util: Option<crate::device::SampleValue>,
    /// Optical flow accelerator utilisation, percent (`None` from
    /// `nvmlDeviceGetVgpuUtilization`).
    pub ofa_util: Option<crate::device::SampleValue>,
}

/// How much of the GPU one process in a vGPU's VM used
/// (`nvmlVgpuProcessUtilizationSample_t`, `nvmlVgpuProcessUtilizationInfo_t`), percent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct VgpuProcessUtilizationSample {
    /// The vGPU instance id ([`Nvml::vgpu_instance`](crate::Nvml::vgpu_instance) wraps it).
    pub vgpu_instance: u32,
    /// Process id inside the VM.
    pub pid: u32,
    /// Process name inside the VM.
    pub process_name: String,
    /// When it was taken: CPU time, microseconds since 1970.
    pub timestamp: u64,
    /// SM (3D/compute) utilisation.
    pub sm_util: u32,
    /// Frame-buffer memory utilisation.
    pub mem_util: u32,
    /// Video encoder utilisation.
    pub enc_util: u32,
    /// Video decoder utilisation.
    pub dec_util: u32,
    /// JPEG decoder utilisation (`None` from `nvmlDeviceGetVgpuProcessUtilization`).
    pub jpg_util: Option<u32>,
    /// Optical flow accelerator utilisation (`None` from
    /// `nvmlDeviceGetVgpuProcessUtilization`).
    pub ofa_util: Option<u32>,
}

impl TryFrom<&sys::nvmlVgpuProcessUtilizationSample_t> for VgpuProcessUtilizationSample {
    type Error = NvmlError;
    fn try_from(s: &sys::nvmlVgpuProcessUtilizationSample_t) -> Result<Self> {
        Ok(Self {
            vgpu_instance: s.vgpuInstance,
            pid: s.pid,
            process_name: crate::ffi::string_from_c_buf(&s.processName)?,
            timestamp: s.timeStamp,
            sm_util: s.smUtil,
            mem_util: s.memUtil,
            enc_util: s.encUtil,
            dec_util: s.decUtil,
            jpg_util: None,
            ofa_util: None,
        })
    }
}

impl TryFrom<&sys::nvmlVgpuProcessUtilizationInfo_v1_t> for VgpuProcessUtilizationSample {
    type Error = NvmlError;
    fn try_from(s: &sys::nvmlVgpuProcessUtilizationInfo_v1_t) -> Result<Self> {
        Ok(Self {
            vgpu_instance: s.vgpuInstance,
            pid: s.pid,
            process_name: crate::ffi::string_from_c_buf(&s.processName)?,
            timestamp: s.timeStamp,
            sm_util: s.smUtil,
            mem_util: s.memUtil,
            enc_util: s.encUtil,
            dec_util: s.decUtil,
            jpg_util: Some(s.jpgUtil),
            ofa_util: Some(s.ofaUtil),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vgpu::test_bytes::*;
    use std::ffi::c_char;

    #[test]
    fn process_utilization_samples_convert_from_both_layouts() {
        let old = sys::nvmlVgpuProcessUtilizationSample_t {
            vgpuInstance: 5,
            pid: 1234,
            processName: c_chars("python3"),
            timeStamp: 1_700_000_000_000_000,
            smUtil: 40,
            memUtil: 20,
            encUtil: 1,
            decUtil: 2,
        };
        let s = VgpuProcessUtilizationSample::try_from(&old).unwrap();
        assert_eq!((s.vgpu_instance, s.pid), (5, 1234));
        assert_eq!(s.process_name, "python3");
        assert_eq!(
            (s.sm_util, s.mem_util, s.enc_util, s.dec_util),
            (40, 20, 1, 2)
        );
        assert_eq!((s.jpg_util, s.ofa_util), (None, None));

        let new = sys::nvmlVgpuProcessUtilizationInfo_v1_t {
            processName: c_chars("blender"),
            timeStamp: 9,
            vgpuInstance: 6,
            pid: 77,
            smUtil: 90,
            memUtil: 50,
            encUtil: 0,
            decUtil: 0,
            jpgUtil: 3,
            ofaUtil: 4,
        };
        let s = VgpuProcessUtilizationSample::try_from(&new).unwrap();
        assert_eq!((s.vgpu_instance, s.pid, s.timestamp), (6, 77, 9));
        assert_eq!(s.process_name, "blender");
        assert_eq!((s.jpg_util, s.ofa_util), (Some(3), Some(4)));

        // A name that is not UTF-8 (a lone lead byte).
        let mut bad = old;
        bad.processName = c_chars("");
        bad.processName[0] = 0xC3u8 as c_char;
        assert!(matches!(
            VgpuProcessUtilizationSample::try_from(&bad),
            Err(NvmlError::InvalidUtf8(_))
        ));
    }
}
