//! Clocks and performance states.

use nvml_sys as sys;

nvml_enum! {
    /// Clock domain (`nvmlClockType_t`).
    pub enum ClockType: sys::nvmlClockType_t {
        /// Graphics clock.
        Graphics = sys::NVML_CLOCK_GRAPHICS,
        /// Streaming multiprocessor clock.
        Sm = sys::NVML_CLOCK_SM,
        /// Memory clock.
        Memory = sys::NVML_CLOCK_MEM,
        /// Video encoder/decoder clock.
        Video = sys::NVML_CLOCK_VIDEO,
    }
}

nvml_enum! {
    /// Which value of a clock (`nvmlClockId_t`).
    pub enum ClockId: sys::nvmlClockId_t {
        /// The current clock.
        Current = sys::NVML_CLOCK_ID_CURRENT,
        /// The target application clock.
        AppClockTarget = sys::NVML_CLOCK_ID_APP_CLOCK_TARGET,
        /// The default application clock.
        AppClockDefault = sys::NVML_CLOCK_ID_APP_CLOCK_DEFAULT,
        /// The OEM-defined maximum clock.
        CustomerBoostMax = sys::NVML_CLOCK_ID_CUSTOMER_BOOST_MAX,
    }
}

nvml_enum! {
    /// Performance state, P0 (fastest) to P15 (`nvmlPstates_t`).
    pub enum PerformanceState: sys::nvmlPstates_t {
        /// P0: maximum performance.
        P0 = sys::NVML_PSTATE_0,
        /// P1.
        P1 = sys::NVML_PSTATE_1,
        /// P2.
        P2 = sys::NVML_PSTATE_2,
        /// P3.
        P3 = sys::NVML_PSTATE_3,
        /// P4.
        P4 = sys::NVML_PSTATE_4,
        /// P5.
        P5 = sys::NVML_PSTATE_5,
        /// P6.
        P6 = sys::NVML_PSTATE_6,
        /// P7.
        P7 = sys::NVML_PSTATE_7,
        /// P8.
        P8 = sys::NVML_PSTATE_8,
        /// P9.
        P9 = sys::NVML_PSTATE_9,
        /// P10.
        P10 = sys::NVML_PSTATE_10,
        /// P11.
        P11 = sys::NVML_PSTATE_11,
        /// P12.
        P12 = sys::NVML_PSTATE_12,
        /// P13.
        P13 = sys::NVML_PSTATE_13,
        /// P14.
        P14 = sys::NVML_PSTATE_14,
        /// P15: minimum performance.
        P15 = sys::NVML_PSTATE_15,
        /// Unknown performance state.
        Unknown = sys::NVML_PSTATE_UNKNOWN,
    }
}
