//! Samples and field values: what is sampled, and which type a value holds.

use nvml_sys as sys;

nvml_enum! {
    /// Which samples to read with `Device::samples` (`nvmlSamplingType_t`).
    pub enum SamplingType: sys::nvmlSamplingType_t {
        /// Total power drawn, in milliwatts.
        TotalPower = sys::NVML_TOTAL_POWER_SAMPLES,
        /// GPU utilisation, percent.
        GpuUtilization = sys::NVML_GPU_UTILIZATION_SAMPLES,
        /// Memory utilisation, percent.
        MemoryUtilization = sys::NVML_MEMORY_UTILIZATION_SAMPLES,
        /// Encoder utilisation, percent.
        EncoderUtilization = sys::NVML_ENC_UTILIZATION_SAMPLES,
        /// Decoder utilisation, percent.
        DecoderUtilization = sys::NVML_DEC_UTILIZATION_SAMPLES,
        /// Processor clock, MHz.
        ProcessorClock = sys::NVML_PROCESSOR_CLK_SAMPLES,
        /// Memory clock, MHz.
        MemoryClock = sys::NVML_MEMORY_CLK_SAMPLES,
        /// Power drawn by the whole module (GPU and CPU, e.g. Grace Hopper), in milliwatts.
        ModulePower = sys::NVML_MODULE_POWER_SAMPLES,
        /// JPEG decoder utilisation, percent.
        JpegUtilization = sys::NVML_JPG_UTILIZATION_SAMPLES,
        /// Optical flow accelerator utilisation, percent.
        OfaUtilization = sys::NVML_OFA_UTILIZATION_SAMPLES,
    }
}

nvml_enum! {
    /// Which member of `nvmlValue_t` a field value or sample holds (`nvmlValueType_t`).
    pub enum ValueType: sys::nvmlValueType_t {
        /// `double`.
        Double = sys::NVML_VALUE_TYPE_DOUBLE,
        /// `unsigned int`.
        UnsignedInt = sys::NVML_VALUE_TYPE_UNSIGNED_INT,
        /// `unsigned long`.
        UnsignedLong = sys::NVML_VALUE_TYPE_UNSIGNED_LONG,
        /// `unsigned long long`.
        UnsignedLongLong = sys::NVML_VALUE_TYPE_UNSIGNED_LONG_LONG,
        /// `signed long long`.
        SignedLongLong = sys::NVML_VALUE_TYPE_SIGNED_LONG_LONG,
        /// `int`.
        SignedInt = sys::NVML_VALUE_TYPE_SIGNED_INT,
        /// `unsigned short`.
        UnsignedShort = sys::NVML_VALUE_TYPE_UNSIGNED_SHORT,
    }
}
