//! Encoder and frame-buffer-capture sessions.

use nvml_sys as sys;

nvml_enum! {
    /// Codec for encoder capacity queries (`nvmlEncoderType_t`).
    pub enum EncoderType: sys::nvmlEncoderType_t {
        /// H.264.
        H264 = sys::NVML_ENCODER_QUERY_H264,
        /// HEVC (H.265).
        Hevc = sys::NVML_ENCODER_QUERY_HEVC,
        /// AV1.
        Av1 = sys::NVML_ENCODER_QUERY_AV1,
    }
}

nvml_enum! {
    /// Kind of frame buffer capture session (`nvmlFBCSessionType_t`).
    pub enum FbcSessionType: sys::nvmlFBCSessionType_t {
        /// Unknown.
        Unknown = sys::NVML_FBC_SESSION_TYPE_UNKNOWN,
        /// Capture to system memory.
        ToSys = sys::NVML_FBC_SESSION_TYPE_TOSYS,
        /// Capture to a CUDA buffer.
        Cuda = sys::NVML_FBC_SESSION_TYPE_CUDA,
        /// Capture to a video buffer.
        Vid = sys::NVML_FBC_SESSION_TYPE_VID,
        /// Capture to the hardware encoder.
        HwEnc = sys::NVML_FBC_SESSION_TYPE_HWENC,
    }
}
