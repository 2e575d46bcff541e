//! PRM (port register) counters.

use nvml_sys as sys;

nvml_enum! {
    /// A PRM (port register) counter of the GPU's network ports (`nvmlPRMCounterId_t`).
    pub enum PrmCounterId: sys::nvmlPRMCounterId_t {
        /// Sentinel: no counter.
        None = sys::NVML_PRM_COUNTER_ID_NONE,
        /// PPCNT group 0x12, `link_down_events`.
        LinkDownEvents = sys::NVML_PRM_COUNTER_ID_PPCNT_PHYSICAL_LAYER_CTRS_LINK_DOWN_EVENTS,
        /// PPCNT group 0x12, `successful_recovery_events`.
        SuccessfulRecoveryEvents =
            sys::NVML_PRM_COUNTER_ID_PPCNT_PHYSICAL_LAYER_CTRS_SUCCESSFUL_RECOVERY_EVENTS,
        /// PPCNT group 0x1A, `total_successful_recovery_events`.
        TotalSuccessfulRecoveryEvents =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_SUCCESSFUL_RECOVERY_EVENTS,
        /// PPCNT group 0x1A, `time_since_last_recovery`.
        TimeSinceLastRecovery = sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TIME_SINCE_LAST_RECOVERY,
        /// PPCNT group 0x1A, `time_between_last_two_recoveries`.
        TimeBetweenLastTwoRecoveries =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TIME_BETWEEN_LAST_TWO_RECOVERIES,
        /// PPCNT group 0x1A, `time_in_last_host_serdes_feq_recovery`.
        TimeInLastHostSerdesFeqRecovery =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TIME_IN_LAST_HOST_SERDES_FEQ_RECOVERY,
        /// PPCNT group 0x1A, `total_time_in_host_serdes_feq_recovery`.
        TotalTimeInHostSerdesFeqRecovery =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_TIME_IN_HOST_SERDES_FEQ_RECOVERY,
        /// PPCNT group 0x1A, `total_host_serdes_feq_recovery_count`.
        TotalHostSerdesFeqRecoveryCount =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_HOST_SERDES_FEQ_RECOVERY_COUNT,
        /// PPCNT group 0x1A, `total_host_serdes_feq_successful_recovery_count`.
        TotalHostSerdesFeqSuccessfulRecoveryCount =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_HOST_SERDES_FEQ_SUCCESSFUL_RECOVERY_COUNT,
        /// PPCNT group 0x1A, `last_host_serdes_feq_attempts_count`.
        LastHostSerdesFeqAttemptsCount =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_LAST_HOST_SERDES_FEQ_ATTEMPTS_COUNT,
        /// PPCNT group 0x1A, `last_successful_recovery_step_attempts`.
        LastSuccessfulRecoveryStepAttempts =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_LAST_SUCCESSFUL_RECOVERY_STEP_ATTEMPTS,
        /// PPCNT group 0x1A, `last_successful_recovery_time`.
        LastSuccessfulRecoveryTime =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_LAST_SUCCESSFUL_RECOVERY_TIME,
        /// PPCNT group 0x1A, `total_successful_recovery_time`.
        TotalSuccessfulRecoveryTime =
            sys::NVML_PRM_COUNTER_ID_PPCNT_RECOVERY_CTRS_TOTAL_SUCCESSFUL_RECOVERY_TIME,
        /// PPCNT group 0x20 (InfiniBand port counters), `port_xmit_wait`.
        PortXmitWait = sys::NVML_PRM_COUNTER_ID_PPCNT_PORTCOUNTERS_PORT_XMIT_WAIT,
        /// PPCNT group 0x22 (PLR), `plr_rcv_codes`.
        PlrRcvCodes = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_RCV_CODES,
        /// PPCNT group 0x22, `plr_rcv_code_err`.
        PlrRcvCodeErr = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_RCV_CODE_ERR,
        /// PPCNT group 0x22, `plr_rcv_uncorrectable_code`.
        PlrRcvUncorrectableCode = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_RCV_UNCORRECTABLE_CODE,
        /// PPCNT group 0x22, `plr_xmit_codes`.
        PlrXmitCodes = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_XMIT_CODES,
        /// PPCNT group 0x22, `plr_xmit_retry_codes`.
        PlrXmitRetryCodes = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_XMIT_RETRY_CODES,
        /// PPCNT group 0x22, `plr_xmit_retry_events`.
        PlrXmitRetryEvents = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_XMIT_RETRY_EVENTS,
        /// PPCNT group 0x22, `plr_sync_events`.
        PlrSyncEvents = sys::NVML_PRM_COUNTER_ID_PPCNT_PLR_SYNC_EVENTS,
        /// PPRM, `oper_recovery`.
        PprmOperRecovery = sys::NVML_PRM_COUNTER_ID_PPRM_OPER_RECOVERY,
    }
}
