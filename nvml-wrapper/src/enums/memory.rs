//! Memory errors, ECC counters and page retirement.

use nvml_sys as sys;

nvml_enum! {
    /// ECC counter lifetime (`nvmlEccCounterType_t`).
    pub enum EccCounterType: sys::nvmlEccCounterType_t {
        /// Since the last driver load.
        Volatile = sys::NVML_VOLATILE_ECC,
        /// For the device's lifetime.
        Aggregate = sys::NVML_AGGREGATE_ECC,
    }
}

nvml_enum! {
    /// Kind of memory error (`nvmlMemoryErrorType_t`).
    pub enum MemoryErrorType: sys::nvmlMemoryErrorType_t {
        /// Single-bit errors, corrected by ECC.
        Corrected = sys::NVML_MEMORY_ERROR_TYPE_CORRECTED,
        /// Double-bit errors, not correctable.
        Uncorrected = sys::NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
    }
}

nvml_enum! {
    /// Where a memory error happened (`nvmlMemoryLocation_t`).
    pub enum MemoryLocation: sys::nvmlMemoryLocation_t {
        /// L1 cache.
        L1Cache = sys::NVML_MEMORY_LOCATION_L1_CACHE,
        /// L2 cache.
        L2Cache = sys::NVML_MEMORY_LOCATION_L2_CACHE,
        /// Device memory (DRAM).
        Dram = sys::NVML_MEMORY_LOCATION_DRAM,
        /// Register file.
        RegisterFile = sys::NVML_MEMORY_LOCATION_REGISTER_FILE,
        /// Texture memory.
        TextureMemory = sys::NVML_MEMORY_LOCATION_TEXTURE_MEMORY,
        /// Shared memory.
        TextureShm = sys::NVML_MEMORY_LOCATION_TEXTURE_SHM,
        /// CBU.
        Cbu = sys::NVML_MEMORY_LOCATION_CBU,
        /// On-chip SRAM.
        Sram = sys::NVML_MEMORY_LOCATION_SRAM,
    }
}

nvml_enum! {
    /// Why a memory page was retired (`nvmlPageRetirementCause_t`).
    pub enum RetirementCause: sys::nvmlPageRetirementCause_t {
        /// Several single-bit ECC errors.
        MultipleSingleBitEccErrors = sys::NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS,
        /// A double-bit ECC error.
        DoubleBitEccError = sys::NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR,
    }
}
