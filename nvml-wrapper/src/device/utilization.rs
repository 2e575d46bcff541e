//! Utilisation: how busy the GPU, its memory, video encoders and decoders, and frame buffer
//! capture are, with the encoder and capture sessions behind them.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::Device;
use crate::enums::{EncoderType, FbcSessionType};
use crate::error::Result;
use crate::ffi::{nvml_call, read_list};
use crate::nvml_ref::NvmlRef;

/// GPU and memory utilisation over the last sample period (`nvmlUtilization_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Utilization {
    /// Percent of time one or more kernels ran on the GPU.
    pub gpu: u32,
    /// Percent of time device memory was read or written.
    pub memory: u32,
}

/// One utilisation reading and the period it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct UtilizationSample {
    /// Utilisation, percent.
    pub value: u32,
    /// The sampling period, in microseconds.
    pub sampling_period_us: u32,
}

/// Encoder statistics over all sessions (`nvmlDeviceGetEncoderStats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EncoderStats {
    /// Active encoder sessions.
    pub session_count: u32,
    /// Moving average of frames encoded per second, over all sessions.
    pub average_fps: u32,
    /// Moving average of encode latency, in microseconds.
    pub average_latency_us: u32,
}

/// One active encoder session (`nvmlEncoderSessionInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EncoderSession {
    /// Unique session id.
    pub session_id: u32,
    /// Owning process id.
    pub pid: u32,
    /// Owning vGPU instance (vGPU hosts only, otherwise 0).
    pub vgpu_instance: u32,
    /// Codec, the raw `nvmlEncoderType_t`; [`EncoderSession::encoder_type`] decodes it.
    pub codec: u32,
    /// Current horizontal resolution.
    pub h_resolution: u32,
    /// Current vertical resolution.
    pub v_resolution: u32,
    /// Moving average of frames encoded per second.
    pub average_fps: u32,
    /// Moving average of encode latency, in microseconds.
    pub average_latency_us: u32,
}

impl EncoderSession {
    /// The codec as an [`EncoderType`]; a value the header does not define (including
    /// `NVML_ENCODER_QUERY_UNKNOWN`) is `EncoderType::Other(raw)`.
    pub fn encoder_type(&self) -> Result<EncoderType> {
        EncoderType::try_from(self.codec)
    }
}

impl From<sys::nvmlEncoderSessionInfo_t> for EncoderSession {
    fn from(s: sys::nvmlEncoderSessionInfo_t) -> Self {
        Self {
            session_id: s.sessionId,
            pid: s.pid,
            vgpu_instance: s.vgpuInstance,
            codec: s.codecType,
            h_resolution: s.hResolution,
            v_resolution: s.vResolution,
            average_fps: s.averageFps,
            average_latency_us: s.averageLatency,
        }
    }
}

/// Frame buffer capture (NvFBC) statistics over all sessions (`nvmlFBCStats_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FbcStats {
    /// Active capture sessions.
    pub session_count: u32,
    /// Moving average of new frames captured per second.
    pub average_fps: u32,
    /// Moving average of new-frame capture latency, in microseconds.
    pub average_latency_us: u32,
}

bitflags::bitflags! {
    /// Flags of a frame buffer capture session (`NVML_NVFBC_SESSION_FLAG_*`). Bits the header
    /// does not define are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct FbcSessionFlags: u32 {
        /// Difference map enabled.
        const DIFFMAP_ENABLED = sys::NVML_NVFBC_SESSION_FLAG_DIFFMAP_ENABLED;
        /// Classification map enabled.
        const CLASSIFICATIONMAP_ENABLED = sys::NVML_NVFBC_SESSION_FLAG_CLASSIFICATIONMAP_ENABLED;
        /// Capture calls do not wait for a new frame.
        const CAPTURE_WITH_WAIT_NO_WAIT = sys::NVML_NVFBC_SESSION_FLAG_CAPTURE_WITH_WAIT_NO_WAIT;
        /// Capture calls wait for a new frame indefinitely.
        const CAPTURE_WITH_WAIT_INFINITE = sys::NVML_NVFBC_SESSION_FLAG_CAPTURE_WITH_WAIT_INFINITE;
        /// Capture calls wait for a new frame or a timeout.
        const CAPTURE_WITH_WAIT_TIMEOUT = sys::NVML_NVFBC_SESSION_FLAG_CAPTURE_WITH_WAIT_TIMEOUT;
    }
}

/// One active frame buffer capture session (`nvmlFBCSessionInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FbcSession {
    /// Unique session id.
    pub session_id: u32,
    /// Owning process id.
    pub pid: u32,
    /// Owning vGPU instance (vGPU hosts only, otherwise 0).
    pub vgpu_instance: u32,
    /// Display identifier.
    pub display_ordinal: u32,
    /// Kind of session, the raw `nvmlFBCSessionType_t`; [`FbcSession::kind`] decodes it.
    pub session_type: u32,
    /// Session flags.
    pub flags: FbcSessionFlags,
    /// Maximum horizontal resolution the session supports.
    pub h_max_resolution: u32,
    /// Maximum vertical resolution the session supports.
    pub v_max_resolution: u32,
    /// Horizontal resolution the caller asked for (0 until a new frame is captured).
    pub h_resolution: u32,
    /// Vertical resolution the caller asked for (0 until a new frame is captured).
    pub v_resolution: u32,
    /// Moving average of new frames captured per second.
    pub average_fps: u32,
    /// Moving average of new-frame capture latency, in microseconds.
    pub average_latency_us: u32,
}

impl FbcSession {
    /// The kind of session as an [`FbcSessionType`]; a value the header does not define is
    /// `FbcSessionType::Other(raw)`.
    pub fn kind(&self) -> Result<FbcSessionType> {
        FbcSessionType::try_from(self.session_type)
    }
}

impl From<sys::nvmlFBCSessionInfo_t> for FbcSession {
    fn from(s: sys::nvmlFBCSessionInfo_t) -> Self {
        Self {
            session_id: s.sessionId,
            pid: s.pid,
            vgpu_instance: s.vgpuInstance,
            display_ordinal: s.displayOrdinal,
            session_type: s.sessionType,
            flags: FbcSessionFlags::from_bits_retain(s.sessionFlags),
            h_max_resolution: s.hMaxResolution,
            v_max_resolution: s.vMaxResolution,
            h_resolution: s.hResolution,
            v_resolution: s.vResolution,
            average_fps: s.averageFPS,
            average_latency_us: s.averageLatency,
        }
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// GPU and memory utilisation over the last sample period
    /// (`nvmlDeviceGetUtilizationRates`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetUtilizationRates")]
    pub fn utilization_rates(&self) -> Result<Utilization> {
        let mut util = sys::nvmlUtilization_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetUtilizationRates(self.handle, &mut util)
        )?;
        Ok(Utilization {
            gpu: util.gpu,
            memory: util.memory,
        })
    }

    /// Video encoder utilisation (`nvmlDeviceGetEncoderUtilization`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetEncoderUtilization")]
    pub fn encoder_utilization(&self) -> Result<UtilizationSample> {
        let (mut value, mut period): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetEncoderUtilization(self.handle, &mut value, &mut period)
        )?;
        Ok(UtilizationSample {
            value,
            sampling_period_us: period,
        })
    }

    /// Video decoder utilisation (`nvmlDeviceGetDecoderUtilization`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetDecoderUtilization")]
    pub fn decoder_utilization(&self) -> Result<UtilizationSample> {
        let (mut value, mut period): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetDecoderUtilization(self.handle, &mut value, &mut period)
        )?;
        Ok(UtilizationSample {
            value,
            sampling_period_us: period,
        })
    }

    /// Remaining encoder capacity for a codec, percent (`nvmlDeviceGetEncoderCapacity`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetEncoderCapacity")]
    pub fn encoder_capacity(&self, codec: EncoderType) -> Result<u32> {
        let mut capacity: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetEncoderCapacity(self.handle, codec.as_raw(), &mut capacity)
        )?;
        Ok(capacity)
    }

    /// Encoder statistics over all sessions (`nvmlDeviceGetEncoderStats`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetEncoderStats")]
    pub fn encoder_stats(&self) -> Result<EncoderStats> {
        let (mut sessions, mut fps, mut latency): (c_uint, c_uint, c_uint) = (0, 0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetEncoderStats(self.handle, &mut sessions, &mut fps, &mut latency)
        )?;
        Ok(EncoderStats {
            session_count: sessions,
            average_fps: fps,
            average_latency_us: latency,
        })
    }

    /// Active encoder sessions (`nvmlDeviceGetEncoderSessions`).
    #[doc(alias = "nvmlDeviceGetEncoderSessions")]
    pub fn encoder_sessions(&self) -> Result<Vec<EncoderSession>> {
        let raw = read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetEncoderSessions(self.handle, count, items)
            )
        })?;
        Ok(raw.into_iter().map(EncoderSession::from).collect())
    }

    /// Frame buffer capture statistics over all sessions (`nvmlDeviceGetFBCStats`).
    #[inline]
    #[doc(alias = "nvmlDeviceGetFBCStats")]
    pub fn fbc_stats(&self) -> Result<FbcStats> {
        let mut stats = sys::nvmlFBCStats_t::default();
        nvml_call!(self.nvml, nvmlDeviceGetFBCStats(self.handle, &mut stats))?;
        Ok(FbcStats {
            session_count: stats.sessionsCount,
            average_fps: stats.averageFPS,
            average_latency_us: stats.averageLatency,
        })
    }

    /// Active frame buffer capture sessions (`nvmlDeviceGetFBCSessions`).
    #[doc(alias = "nvmlDeviceGetFBCSessions")]
    pub fn fbc_sessions(&self) -> Result<Vec<FbcSession>> {
        let raw = read_list(|count, items| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetFBCSessions(self.handle, count, items)
            )
        })?;
        Ok(raw.into_iter().map(FbcSession::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_structs_convert_field_by_field() {
        let raw = sys::nvmlEncoderSessionInfo_t {
            sessionId: 7,
            pid: 4242,
            vgpuInstance: 0,
            codecType: sys::NVML_ENCODER_QUERY_HEVC,
            hResolution: 1920,
            vResolution: 1080,
            averageFps: 60,
            averageLatency: 900,
        };
        let session = EncoderSession::from(raw);
        assert_eq!(session.session_id, 7);
        assert_eq!(session.pid, 4242);
        assert_eq!((session.h_resolution, session.v_resolution), (1920, 1080));
        assert_eq!(session.average_latency_us, 900);
        assert_eq!(session.encoder_type().unwrap(), EncoderType::Hevc);

        let unknown = EncoderSession {
            codec: sys::NVML_ENCODER_QUERY_UNKNOWN,
            ..session
        };
        assert_eq!(
            unknown.encoder_type().unwrap(),
            EncoderType::Other(sys::NVML_ENCODER_QUERY_UNKNOWN)
        );
    }

    #[test]
    fn fbc_flags_keep_bits_the_header_does_not_define() {
        let raw = sys::nvmlFBCSessionInfo_t {
            sessionType: sys::NVML_FBC_SESSION_TYPE_CUDA,
            sessionFlags: sys::NVML_NVFBC_SESSION_FLAG_DIFFMAP_ENABLED | 0x8000,
            ..Default::default()
        };
        let session = FbcSession::from(raw);
        assert!(session.flags.contains(FbcSessionFlags::DIFFMAP_ENABLED));
        assert_eq!(session.flags.bits(), 0x8001);
        assert_eq!(session.kind().unwrap(), FbcSessionType::Cuda);
    }
}
