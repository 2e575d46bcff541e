//! Power sources, power profiles and power smoothing.

use nvml_sys as sys;

nvml_enum! {
    /// Where the device draws its power from (`nvmlPowerSource_t`).
    pub enum PowerSource: sys::nvmlPowerSource_t {
        /// Mains (AC) power.
        Ac = sys::NVML_POWER_SOURCE_AC,
        /// Battery.
        Battery = sys::NVML_POWER_SOURCE_BATTERY,
        /// An undersized power supply.
        Undersized = sys::NVML_POWER_SOURCE_UNDERSIZED,
    }
}

nvml_enum! {
    /// A workload power profile (`nvmlPowerProfileType_t`): its value is its bit index in the
    /// profile masks.
    pub enum PowerProfileType: sys::nvmlPowerProfileType_t {
        /// Maximum performance.
        MaxP = sys::NVML_POWER_PROFILE_MAX_P,
        /// Maximum efficiency.
        MaxQ = sys::NVML_POWER_PROFILE_MAX_Q,
        /// Compute-heavy work.
        Compute = sys::NVML_POWER_PROFILE_COMPUTE,
        /// Memory-bound work.
        MemoryBound = sys::NVML_POWER_PROFILE_MEMORY_BOUND,
        /// Network-heavy work.
        Network = sys::NVML_POWER_PROFILE_NETWORK,
        /// Balanced.
        Balanced = sys::NVML_POWER_PROFILE_BALANCED,
        /// LLM inference.
        LlmInference = sys::NVML_POWER_PROFILE_LLM_INFERENCE,
        /// LLM training.
        LlmTraining = sys::NVML_POWER_PROFILE_LLM_TRAINING,
        /// RBM.
        Rbm = sys::NVML_POWER_PROFILE_RBM,
        /// DCPCIE.
        Dcpcie = sys::NVML_POWER_PROFILE_DCPCIE,
        /// Sparse HMMA (tensor) work.
        HmmaSparse = sys::NVML_POWER_PROFILE_HMMA_SPARSE,
        /// Dense HMMA (tensor) work.
        HmmaDense = sys::NVML_POWER_PROFILE_HMMA_DENSE,
        /// Synchronised balanced.
        SyncBalanced = sys::NVML_POWER_PROFILE_SYNC_BALANCED,
        /// HPC.
        Hpc = sys::NVML_POWER_PROFILE_HPC,
        /// MIG.
        Mig = sys::NVML_POWER_PROFILE_MIG,
        /// Max-Q, level 1.
        MaxQ1 = sys::NVML_POWER_PROFILE_MAX_Q_1,
        /// Network-bound work.
        NetworkBound = sys::NVML_POWER_PROFILE_NETWORK_BOUND,
        /// High-throughput inference.
        HighThroughputInference = sys::NVML_POWER_PROFILE_HIGH_THROUGHPUT_INFERENCE,
        /// Medium-throughput inference.
        MediumThroughputInference = sys::NVML_POWER_PROFILE_MEDIUM_THROUGHPUT_INFERENCE,
        /// Low-latency inference.
        LowLatencyInference = sys::NVML_POWER_PROFILE_LOW_LATENCY_INFERENCE,
        /// Training.
        Training = sys::NVML_POWER_PROFILE_TRAINING,
        /// Inference.
        Inference = sys::NVML_POWER_PROFILE_INFERENCE,
        /// Max-Q, level 2.
        MaxQ2 = sys::NVML_POWER_PROFILE_MAX_Q_2,
        /// Max-Q, level 3.
        MaxQ3 = sys::NVML_POWER_PROFILE_MAX_Q_3,
        /// Low-priority background work.
        LowPriorityBackground = sys::NVML_POWER_PROFILE_LOW_PRIORITY_BACKGROUND,
    }
}

nvml_enum! {
    /// What to do with the requested power profiles (`nvmlPowerProfileOperation_t`).
    pub enum PowerProfileOperation: sys::nvmlPowerProfileOperation_t {
        /// Remove the given profiles from the requested ones.
        Clear = sys::NVML_POWER_PROFILE_OPERATION_CLEAR,
        /// Add the given profiles to the requested ones.
        Set = sys::NVML_POWER_PROFILE_OPERATION_SET,
        /// Replace the requested profiles with the given ones.
        SetAndOverwrite = sys::NVML_POWER_PROFILE_OPERATION_SET_AND_OVERWRITE,
    }
}

nvml_enum! {
    /// A parameter of a power smoothing preset profile
    /// (`NVML_POWER_SMOOTHING_PROFILE_PARAM_*`).
    pub enum PowerSmoothingParam: u32 {
        /// Temperature floor, in percent (0.00 to 100.00).
        PercentTemperatureFloor = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_PERCENT_TMP_FLOOR,
        /// Ramp-up rate, in W/s.
        RampUpRate = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_RAMP_UP_RATE,
        /// Ramp-down rate, in W/s.
        RampDownRate = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_RAMP_DOWN_RATE,
        /// Ramp-down hysteresis, in ms.
        RampDownHysteresis = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_RAMP_DOWN_HYSTERESIS,
        /// Secondary power floor, in W.
        SecondaryPowerFloor = sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_SECONDARY_POWER_FLOOR,
        /// Primary floor activation window multiplier.
        PrimaryFloorActivationWindowMultiplier =
            sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_PRIMARY_FLOOR_ACT_WIN_MULT,
        /// Primary floor target window multiplier.
        PrimaryFloorTargetWindowMultiplier =
            sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_PRIMARY_FLOOR_TAR_WIN_MULT,
        /// Primary floor activation offset, in W.
        PrimaryFloorActivationOffset =
            sys::NVML_POWER_SMOOTHING_PROFILE_PARAM_PRIMARY_FLOOR_ACT_OFFSET,
    }
}
