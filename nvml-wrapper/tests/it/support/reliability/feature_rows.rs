//! Rows of the reliability table for the methods outside the core groups of
//! [`super::table`]'s first rows: the board, cooling, clock offsets and monitors, P-state
//! queries, PowerMizer, commands, accounting, vGPU, MIG instances, GPM, confidential computing,
//! ... . A method's arguments are one default value per type, except in the hand-written rows
//! at the end, whose arguments need a value of their own; see [`super::table`] for the rules.

#![allow(clippy::wildcard_imports)]

use nvml_wrapper::device::commands::*;
use nvml_wrapper::device::nvlink_management::*;
use nvml_wrapper::device::power_profiles::*;
use nvml_wrapper::device::prm::*;
use nvml_wrapper::device::*;
use nvml_wrapper::enums::*;
use nvml_wrapper::mig::*;
use nvml_wrapper::system_event::*;
use nvml_wrapper::vgpu::*;

use nvml_wrapper::nvml::DeviceUuid;
use nvml_wrapper::system::CperTypes;

use super::{Driver, EMPTY_ON_NOT_FOUND, Entry, N, Special, fallback, list, one, text};

/// The rows.
pub fn rows() -> Vec<Entry> {
    entries! {
        Current "nvmlSystemGetConfComputeCapabilities" "Nvml::conf_compute_capabilities" N => |l| one(l.nvml.conf_compute_capabilities());
        Current "nvmlSystemGetConfComputeState" "Nvml::conf_compute_state" N => |l| one(l.nvml.conf_compute_state());
        Current "nvmlSystemGetConfComputeSettings_v2" "Nvml::conf_compute_settings" fallback("nvmlSystemGetConfComputeSettings_v2") => |l| one(l.nvml.conf_compute_settings());
        Previous "nvmlSystemGetConfComputeSettings" "Nvml::conf_compute_settings" N => |l| one(l.nvml.conf_compute_settings());
        Current "nvmlSystemGetConfComputeGpusReadyState" "Nvml::conf_compute_gpus_ready" N => |l| one(l.nvml.conf_compute_gpus_ready());
        Current "nvmlSystemSetConfComputeGpusReadyState" "Nvml::set_conf_compute_gpus_ready" N => |l| one(l.nvml.set_conf_compute_gpus_ready(false));
        Current "nvmlSystemGetConfComputeKeyRotationThresholdInfo" "Nvml::conf_compute_key_rotation_threshold" N => |l| one(l.nvml.conf_compute_key_rotation_threshold());
        Current "nvmlSystemSetConfComputeKeyRotationThresholdInfo" "Nvml::set_conf_compute_key_rotation_threshold" N => |l| one(l.nvml.set_conf_compute_key_rotation_threshold(0));
        Current "nvmlDeviceGetConfComputeProtectedMemoryUsage" "Device::conf_compute_protected_memory_usage" N => |l| one(l.dev()?.conf_compute_protected_memory_usage());
        Current "nvmlDeviceGetConfComputeGpuCertificate" "Device::conf_compute_gpu_certificate" N => |l| one(l.dev()?.conf_compute_gpu_certificate());
        Current "nvmlDeviceSetConfComputeUnprotectedMemSize" "Device::set_conf_compute_unprotected_mem_size" N => |l| one(l.dev()?.set_conf_compute_unprotected_mem_size(0));
        Current "nvmlDeviceGetAccountingMode" "Device::accounting_mode" N => |l| one(l.dev()?.accounting_mode());
        Current "nvmlDeviceSetAccountingMode" "Device::set_accounting_mode" N => |l| one(l.dev()?.set_accounting_mode(false));
        Current "nvmlDeviceGetAccountingBufferSize" "Device::accounting_buffer_size" N => |l| one(l.dev()?.accounting_buffer_size());
        Current "nvmlDeviceGetAccountingPids" "Device::accounting_pids" N => |l| list(l.dev()?.accounting_pids());
        Current "nvmlDeviceClearAccountingPids" "Device::clear_accounting_pids" N => |l| one(l.dev()?.clear_accounting_pids());
        Current "nvmlDeviceSetCpuAffinity" "Device::set_cpu_affinity" N => |l| one(l.dev()?.set_cpu_affinity());
        Current "nvmlDeviceClearCpuAffinity" "Device::clear_cpu_affinity" N => |l| one(l.dev()?.clear_cpu_affinity());
        Current "nvmlDeviceGetNumaNodeId" "Device::numa_node_id" N => |l| one(l.dev()?.numa_node_id());
        Current "nvmlDeviceGetAddressingMode" "Device::addressing_mode" N => |l| one(l.dev()?.addressing_mode());
        Current "nvmlDeviceGetRepairStatus" "Device::repair_status" N => |l| one(l.dev()?.repair_status());
        Current "nvmlDeviceGetUnrepairableMemoryFlag_v1" "Device::has_unrepairable_memory" N => |l| one(l.dev()?.has_unrepairable_memory());
        Current "nvmlDeviceGetBridgeChipInfo" "Device::bridge_chip_info" N => |l| list(l.dev()?.bridge_chip_info());
        Current "nvmlDeviceGetBusType" "Device::bus_type" N => |l| one(l.dev()?.bus_type());
        Current "nvmlDeviceGetModuleId" "Device::module_id" N => |l| one(l.dev()?.module_id());
        Current "nvmlDeviceGetPlatformInfo" "Device::platform_info" N => |l| one(l.dev()?.platform_info());
        Current "nvmlDeviceGetIrqNum" "Device::irq_num" N => |l| one(l.dev()?.irq_num());
        Current "nvmlDeviceOnSameBoard" "Device::is_on_same_board" N => |l| one(l.dev()?.is_on_same_board(&l.nvml.device_by_index(1)?));
        Current "nvmlDeviceGetNumGpuCores" "Device::num_gpu_cores" N => |l| one(l.dev()?.num_gpu_cores());
        Current "nvmlDeviceGetMemoryBusWidth" "Device::memory_bus_width" N => |l| one(l.dev()?.memory_bus_width());
        Current "nvmlDeviceGetHostname_v1" "Device::hostname" N => |l| text(l.dev()?.hostname());
        Current "nvmlDeviceSetHostname_v1" "Device::set_hostname" N => |l| one(l.dev()?.set_hostname("x"));
        Current "nvmlDeviceGetInforomConfigurationChecksum" "Device::inforom_configuration_checksum" N => |l| one(l.dev()?.inforom_configuration_checksum());
        Current "nvmlDeviceValidateInforom" "Device::validate_inforom" N => |l| one(l.dev()?.validate_inforom());
        Current "nvmlDeviceGetGspFirmwareVersion" "Device::gsp_firmware_version" N => |l| text(l.dev()?.gsp_firmware_version());
        Current "nvmlDeviceGetGspFirmwareMode" "Device::gsp_firmware_mode" N => |l| one(l.dev()?.gsp_firmware_mode());
        Current "nvmlDeviceGetCapabilities" "Device::capabilities" N => |l| one(l.dev()?.capabilities());
        Current "nvmlDeviceGetPciInfoExt" "Device::pci_info_ext" N => |l| one(l.dev()?.pci_info_ext());
        Current "nvmlDeviceGetGpuMaxPcieLinkGeneration" "Device::gpu_max_pcie_link_generation" N => |l| one(l.dev()?.gpu_max_pcie_link_generation());
        Current "nvmlDeviceGetC2cModeInfoV" "Device::c2c_mode_enabled" N => |l| one(l.dev()?.c2c_mode_enabled());
        Current "nvmlDeviceGetBBXTimeData_v1" "Device::bbx_time_run" N => |l| one(l.dev()?.bbx_time_run());
        Current "nvmlDeviceGetLastBBXFlushTime" "Device::last_bbx_flush_time" N => |l| one(l.dev()?.last_bbx_flush_time());
        Current "nvmlDeviceGetBankRemapperStatus_v1" "Device::bank_remapper_status" N => |l| one(l.dev()?.bank_remapper_status());
        Current "nvmlDeviceGetSramEccErrorStatus" "Device::sram_ecc_error_status" N => |l| one(l.dev()?.sram_ecc_error_status());
        Current "nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts" "Device::sram_unique_uncorrected_ecc_errors" N => |l| list(l.dev()?.sram_unique_uncorrected_ecc_errors());
        Current "nvmlDeviceGetDramEncryptionMode" "Device::dram_encryption_mode" N => |l| one(l.dev()?.dram_encryption_mode());
        Current "nvmlDeviceSetDramEncryptionMode" "Device::set_dram_encryption_mode" N => |l| one(l.dev()?.set_dram_encryption_mode(false));
        Current "nvmlDeviceGetMemoryLimits_v1" "Device::memory_limits" N => |l| one(l.dev()?.memory_limits("x"));
        Current "nvmlDeviceSetMemoryLimits_v1" "Device::set_memory_limits" N => |l| one(l.dev()?.set_memory_limits("x", 0, 0));
        Current "nvmlDeviceGetClockOffsets" "Device::clock_offsets" N => |l| one(l.dev()?.clock_offsets(ClockType::ALL[0], PerformanceState::ALL[0]));
        Current "nvmlDeviceSetClockOffsets" "Device::set_clock_offset" N => |l| one(l.dev()?.set_clock_offset(ClockType::ALL[0], PerformanceState::ALL[0], 0));
        Current "nvmlDeviceGetGpcClkVfOffset" "Device::gpc_clk_vf_offset" N => |l| one(l.dev()?.gpc_clk_vf_offset());
        Current "nvmlDeviceGetMemClkVfOffset" "Device::mem_clk_vf_offset" N => |l| one(l.dev()?.mem_clk_vf_offset());
        Current "nvmlDeviceGetGpcClkMinMaxVfOffset" "Device::gpc_clk_min_max_vf_offset" N => |l| one(l.dev()?.gpc_clk_min_max_vf_offset());
        Current "nvmlDeviceGetMemClkMinMaxVfOffset" "Device::mem_clk_min_max_vf_offset" N => |l| one(l.dev()?.mem_clk_min_max_vf_offset());
        Current "nvmlDeviceGetMinMaxClockOfPState" "Device::min_max_clock_of_pstate" N => |l| one(l.dev()?.min_max_clock_of_pstate(ClockType::ALL[0], PerformanceState::ALL[0]));
        Current "nvmlDeviceGetSupportedPerformanceStates" "Device::supported_performance_states" N => |l| list(l.dev()?.supported_performance_states());
        Current "nvmlDeviceGetCurrentClockFreqs" "Device::current_clock_freqs" N => |l| text(l.dev()?.current_clock_freqs());
        Current "nvmlDeviceGetPerformanceModes" "Device::performance_modes" N => |l| text(l.dev()?.performance_modes());
        Current "nvmlDeviceGetClkMonStatus" "Device::clock_monitor_status" N => |l| one(l.dev()?.clock_monitor_status());
        Current "nvmlDeviceGetAdaptiveClockInfoStatus" "Device::adaptive_clock_enabled" N => |l| one(l.dev()?.adaptive_clock_enabled());
        Current "nvmlDeviceGetDynamicPstatesInfo" "Device::dynamic_pstates_info" N => |l| one(l.dev()?.dynamic_pstates_info());
        Current "nvmlDeviceGetAutoBoostedClocksEnabled" "Device::auto_boosted_clocks_enabled" N => |l| one(l.dev()?.auto_boosted_clocks_enabled());
        Current "nvmlDeviceGetAPIRestriction" "Device::api_restriction" N => |l| one(l.dev()?.api_restriction(RestrictedApi::ALL[0]));
        Current "nvmlDeviceGetGpuOperationMode" "Device::gpu_operation_mode" N => |l| one(l.dev()?.gpu_operation_mode());
        Current "nvmlDeviceGetPowerMizerMode_v1" "Device::power_mizer_mode" N => |l| one(l.dev()?.power_mizer_mode());
        Current "nvmlDeviceSetPowerMizerMode_v1" "Device::set_power_mizer_mode" N => |l| one(l.dev()?.set_power_mizer_mode(PowerMizerMode::ALL[0]));
        Current "nvmlDeviceGetAdaptiveTgpModeInfo_v1" "Device::adaptive_tgp_mode_info" N => |l| one(l.dev()?.adaptive_tgp_mode_info());
        Current "nvmlDeviceSetAdaptiveTgpMode_v1" "Device::set_adaptive_tgp_mode" N => |l| one(l.dev()?.set_adaptive_tgp_mode(false));
        Current "nvmlDeviceGetPowerManagementMode" "Device::power_management_mode" N => |l| one(l.dev()?.power_management_mode());
        Current "nvmlDeviceSetEccMode" "Device::set_ecc_mode" N => |l| one(l.dev()?.set_ecc_mode(false));
        Current "nvmlDeviceClearEccErrorCounts" "Device::clear_ecc_error_counts" N => |l| one(l.dev()?.clear_ecc_error_counts(EccCounterType::ALL[0]));
        Current "nvmlDeviceSetApplicationsClocks" "Device::set_applications_clocks" N => |l| one(l.dev()?.set_applications_clocks(0, 0));
        Current "nvmlDeviceResetApplicationsClocks" "Device::reset_applications_clocks" N => |l| one(l.dev()?.reset_applications_clocks());
        Current "nvmlDeviceSetGpuLockedClocks" "Device::set_gpu_locked_clocks" N => |l| one(l.dev()?.set_gpu_locked_clocks(0, 0));
        Current "nvmlDeviceResetGpuLockedClocks" "Device::reset_gpu_locked_clocks" N => |l| one(l.dev()?.reset_gpu_locked_clocks());
        Current "nvmlDeviceSetMemoryLockedClocks" "Device::set_memory_locked_clocks" N => |l| one(l.dev()?.set_memory_locked_clocks(0, 0));
        Current "nvmlDeviceResetMemoryLockedClocks" "Device::reset_memory_locked_clocks" N => |l| one(l.dev()?.reset_memory_locked_clocks());
        Current "nvmlDeviceSetAutoBoostedClocksEnabled" "Device::set_auto_boosted_clocks_enabled" N => |l| one(l.dev()?.set_auto_boosted_clocks_enabled(false));
        Current "nvmlDeviceSetDefaultAutoBoostedClocksEnabled" "Device::set_default_auto_boosted_clocks_enabled" N => |l| one(l.dev()?.set_default_auto_boosted_clocks_enabled(false));
        Current "nvmlDeviceSetAPIRestriction" "Device::set_api_restriction" N => |l| one(l.dev()?.set_api_restriction(RestrictedApi::ALL[0], false));
        Current "nvmlDeviceSetFanSpeed_v2" "Device::set_fan_speed" N => |l| one(l.dev()?.set_fan_speed(0, 0));
        Current "nvmlDeviceSetDefaultFanSpeed_v2" "Device::set_default_fan_speed" N => |l| one(l.dev()?.set_default_fan_speed(0));
        Current "nvmlDeviceSetFanControlPolicy" "Device::set_fan_control_policy" N => |l| one(l.dev()?.set_fan_control_policy(0, FanControlPolicy::ALL[0]));
        Current "nvmlDeviceSetGpcClkVfOffset" "Device::set_gpc_clock_vf_offset" N => |l| one(l.dev()?.set_gpc_clock_vf_offset(0));
        Current "nvmlDeviceSetMemClkVfOffset" "Device::set_memory_clock_vf_offset" N => |l| one(l.dev()?.set_memory_clock_vf_offset(0));
        Current "nvmlDeviceSetGpuOperationMode" "Device::set_gpu_operation_mode" N => |l| one(l.dev()?.set_gpu_operation_mode(GpuOperationMode::ALL[0]));
        Current "nvmlDeviceSetDriverModel" "Device::set_driver_model" N => |l| one(l.dev()?.set_driver_model(DriverModel::ALL[0], false));
        Current "nvmlDeviceSetTemperatureThreshold" "Device::set_temperature_threshold" N => |l| one(l.dev()?.set_temperature_threshold(TemperatureThreshold::ALL[0], 0));
        Current "nvmlDeviceSetRusdSettings_v1" "Device::set_rusd_settings" N => |l| one(l.dev()?.set_rusd_settings(RusdPollMask::empty()));
        Current "nvmlDeviceGetFanSpeedRPM" "Device::fan_speed_rpm" N => |l| one(l.dev()?.fan_speed_rpm(0));
        Current "nvmlDeviceGetTargetFanSpeed" "Device::target_fan_speed" N => |l| one(l.dev()?.target_fan_speed(0));
        Current "nvmlDeviceGetMinMaxFanSpeed" "Device::min_max_fan_speed" N => |l| one(l.dev()?.min_max_fan_speed());
        Current "nvmlDeviceGetFanControlPolicy_v2" "Device::fan_control_policy" N => |l| one(l.dev()?.fan_control_policy(0));
        Current "nvmlDeviceGetCoolerInfo" "Device::cooler_info" N => |l| one(l.dev()?.cooler_info(0));
        Current "nvmlDeviceGetThermalSettings" "Device::thermal_settings" N => |l| list(l.dev()?.thermal_settings(0));
        Current "nvmlDeviceGetNvLinkInfo_v3" "Device::nvlink_info" N => |l| one(l.dev()?.nvlink_info());
        Previous "nvmlDeviceGetNvLinkInfo" "Device::nvlink_info" N => |l| one(l.dev()?.nvlink_info());
        Current "nvmlDeviceGetNvlinkRemapTableInfo_v1" "Device::nvlink_remap_table_info" N => |l| one(l.dev()?.nvlink_remap_table_info());
        Current "nvmlDeviceLockNvlinkRemapTable_v1" "Device::lock_nvlink_remap_table" N => |l| one(l.dev()?.lock_nvlink_remap_table());
        Current "nvmlDeviceSetNvlinkNvleReady_v1" "Device::set_nvlink_nvle_ready" N => |l| one(l.dev()?.set_nvlink_nvle_ready(false));
        Current "nvmlDeviceGetNvlinkNvlePrivateInfo_v1" "Device::nvlink_nvle_private_info" N => |l| list(l.dev()?.nvlink_nvle_private_info());
        Current "nvmlDeviceSetupNvlinkNvleEncryptionKey_v1" "Device::setup_nvlink_nvle_encryption_key" N =>
            |l| one(l.dev()?.setup_nvlink_nvle_encryption_key(&NvleEncryptionKey {
                key: [0; 32],
                local_alid: 1,
                remote_alid: 2,
                local_private_info: &[],
                remote_private_info: &[],
            }));
        Current "nvmlDeviceGetGpuUptime_v1" "Device::gpu_uptime" N => |l| one(l.dev()?.gpu_uptime());
        Current "nvmlDeviceGetNvLinkRemoteDeviceType" "Device::nvlink_remote_device_type" N => |l| one(l.dev()?.nvlink_remote_device_type(0));
        Current "nvmlDeviceGetNvlinkBwMode" "Device::nvlink_bw_mode" N => |l| one(l.dev()?.nvlink_bw_mode());
        Current "nvmlDeviceGetNvlinkSupportedBwModes" "Device::nvlink_supported_bw_modes" N => |l| list(l.dev()?.nvlink_supported_bw_modes());
        Current "nvmlDeviceResetNvLinkErrorCounters" "Device::reset_nvlink_error_counters" N => |l| one(l.dev()?.reset_nvlink_error_counters(0));
        Current "nvmlSystemGetNvlinkBwMode" "Nvml::nvlink_bw_mode" N => |l| one(l.nvml.nvlink_bw_mode());
        Current "nvmlSystemSetNvlinkBwMode" "Nvml::set_nvlink_bw_mode" N => |l| one(l.nvml.set_nvlink_bw_mode(0));
        Current "nvmlDeviceWorkloadPowerProfileGetProfilesInfo" "Device::power_profiles_info" N => |l| one(l.dev()?.power_profiles_info());
        Current "nvmlDeviceWorkloadPowerProfileGetCurrentProfiles" "Device::current_power_profiles" N => |l| one(l.dev()?.current_power_profiles());
        Current "nvmlDevicePowerSmoothingActivatePresetProfile" "Device::activate_power_smoothing_profile" N => |l| one(l.dev()?.activate_power_smoothing_profile(0));
        Current "nvmlDevicePowerSmoothingSetState" "Device::set_power_smoothing_enabled" N => |l| one(l.dev()?.set_power_smoothing_enabled(false));
        Current "nvmlDeviceGetJpgUtilization" "Device::jpg_utilization" N => |l| one(l.dev()?.jpg_utilization());
        Current "nvmlDeviceGetOfaUtilization" "Device::ofa_utilization" N => |l| one(l.dev()?.ofa_utilization());
        Current "nvmlDeviceGetProcessesUtilizationInfo" "Device::processes_utilization_info" EMPTY_ON_NOT_FOUND => |l| list(l.dev()?.processes_utilization_info(0));
        Current "nvmlDevicePerfMetricsGetSamples_v1" "Device::perf_metrics_samples" N => |l| list(l.dev()?.perf_metrics_samples());
        Current "nvmlDeviceGetSupportedVgpus" "Device::supported_vgpus" N => |l| list(l.dev()?.supported_vgpus());
        Current "nvmlDeviceGetCreatableVgpus" "Device::creatable_vgpus" N => |l| list(l.dev()?.creatable_vgpus());
        Current "nvmlDeviceGetActiveVgpus" "Device::active_vgpus" N => |l| list(l.dev()?.active_vgpus());
        Current "nvmlDeviceGetVirtualizationMode" "Device::virtualization_mode" N => |l| one(l.dev()?.virtualization_mode());
        Current "nvmlDeviceSetVirtualizationMode" "Device::set_virtualization_mode" N => |l| one(l.dev()?.set_virtualization_mode(GpuVirtualizationMode::ALL[0]));
        Current "nvmlDeviceGetHostVgpuMode" "Device::host_vgpu_mode" N => |l| one(l.dev()?.host_vgpu_mode());
        Current "nvmlDeviceGetVgpuHeterogeneousMode" "Device::vgpu_heterogeneous_mode" N => |l| one(l.dev()?.vgpu_heterogeneous_mode());
        Current "nvmlDeviceSetVgpuHeterogeneousMode" "Device::set_vgpu_heterogeneous_mode" N => |l| one(l.dev()?.set_vgpu_heterogeneous_mode(false));
        Current "nvmlDeviceGetVgpuCapabilities" "Device::vgpu_capability" N => |l| one(l.dev()?.vgpu_capability(DeviceVgpuCapability::ALL[0]));
        Current "nvmlDeviceSetVgpuCapabilities" "Device::set_vgpu_capability" N => |l| one(l.dev()?.set_vgpu_capability(DeviceVgpuCapability::ALL[0], false));
        Current "nvmlDeviceVgpuForceGspUnload" "Device::vgpu_force_gsp_unload" N => |l| one(l.dev()?.vgpu_force_gsp_unload());
        Current "nvmlDeviceGetGridLicensableFeatures_v4" "Device::grid_licensable_features" N => |l| one(l.dev()?.grid_licensable_features());
        Previous "nvmlDeviceGetGridLicensableFeatures_v3" "Device::grid_licensable_features" N => |l| one(l.dev()?.grid_licensable_features());
        PreviousButOne "nvmlDeviceGetGridLicensableFeatures_v2" "Device::grid_licensable_features" N => |l| one(l.dev()?.grid_licensable_features());
        Oldest "nvmlDeviceGetGridLicensableFeatures" "Device::grid_licensable_features" N => |l| one(l.dev()?.grid_licensable_features());
        Current "nvmlDeviceGetVgpuMetadata" "Device::vgpu_metadata" N => |l| one(l.dev()?.vgpu_metadata());
        Current "nvmlDeviceGetPgpuMetadataString" "Device::pgpu_metadata_string" N => |l| text(l.dev()?.pgpu_metadata_string());
        Current "nvmlDeviceGetVgpuSchedulerCapabilities" "Device::vgpu_scheduler_capabilities" N => |l| one(l.dev()?.vgpu_scheduler_capabilities());
        Current "nvmlDeviceGetVgpuUtilization" "Device::vgpu_utilization" EMPTY_ON_NOT_FOUND => |l| list(l.dev()?.vgpu_utilization(0));
        Current "nvmlDeviceGetVgpuInstancesUtilizationInfo" "Device::vgpu_instances_utilization" EMPTY_ON_NOT_FOUND => |l| list(l.dev()?.vgpu_instances_utilization(0));
        Current "nvmlDeviceGetVgpuProcessUtilization" "Device::vgpu_process_utilization" EMPTY_ON_NOT_FOUND => |l| list(l.dev()?.vgpu_process_utilization(0));
        Current "nvmlDeviceGetVgpuProcessesUtilizationInfo" "Device::vgpu_processes_utilization" EMPTY_ON_NOT_FOUND => |l| list(l.dev()?.vgpu_processes_utilization(0));
        Current "nvmlGpmSampleAlloc" "Nvml::gpm_sample_alloc" N => |l| one(l.nvml.gpm_sample_alloc().map(drop));
        Current "nvmlGpmQueryDeviceSupport" "Device::gpm_supported" N => |l| one(l.dev()?.gpm_supported());
        Current "nvmlGpmQueryIfStreamingEnabled" "Device::gpm_streaming_enabled" N => |l| one(l.dev()?.gpm_streaming_enabled());
        Current "nvmlGpmSetStreamingEnabled" "Device::set_gpm_streaming_enabled" N => |l| one(l.dev()?.set_gpm_streaming_enabled(false));
        Current "nvmlDeviceGetGpuInstanceProfileInfoByIdV" "Device::gpu_instance_profile_info_by_id" N => |l| one(l.dev()?.gpu_instance_profile_info_by_id(0));
        Current "nvmlDeviceGetGpuInstanceRemainingCapacity" "Device::gpu_instance_remaining_capacity" N => |l| one(l.dev()?.gpu_instance_remaining_capacity(0));
        Current "nvmlDeviceCreateGpuInstance" "Device::create_gpu_instance" N => |l| one(l.dev()?.create_gpu_instance(0).map(drop));
        Current "nvmlDeviceGetGpuInstances" "Device::gpu_instances" N => |l| list(l.dev()?.gpu_instances(0));
        Current "nvmlDeviceGetGpuInstanceById" "Device::gpu_instance_by_id" N => |l| one(l.dev()?.gpu_instance_by_id(0).map(drop));
        Mig "nvmlGpuInstanceGetInfo" "GpuInstance::info" N => |l| one(l.gi()?.info());
        Mig "nvmlGpuInstanceGetComputeInstanceRemainingCapacity" "GpuInstance::compute_instance_remaining_capacity" N => |l| one(l.gi()?.compute_instance_remaining_capacity(0));
        Mig "nvmlGpuInstanceGetComputeInstancePossiblePlacements" "GpuInstance::compute_instance_possible_placements" N => |l| list(l.gi()?.compute_instance_possible_placements(0));
        Mig "nvmlGpuInstanceCreateComputeInstance" "GpuInstance::create_compute_instance" N => |l| one(l.gi()?.create_compute_instance(0).map(drop));
        Mig "nvmlGpuInstanceGetComputeInstances" "GpuInstance::compute_instances" N => |l| list(l.gi()?.compute_instances(0));
        Mig "nvmlGpuInstanceGetComputeInstanceById" "GpuInstance::compute_instance_by_id" N => |l| one(l.gi()?.compute_instance_by_id(0).map(drop));
        Current "nvmlSystemGetDriverBranch" "Nvml::driver_branch" N => |l| text(l.nvml.driver_branch());
        Current "nvmlSystemGetHicVersion" "Nvml::hic_version" N => |l| list(l.nvml.hic_version());
        Current "nvmlSystemEventSetCreate" "Nvml::create_system_event_set" N => |l| one(l.nvml.create_system_event_set().map(drop));
        Current "nvmlUnitGetCount" "Nvml::unit_count" N => |l| one(l.nvml.unit_count());
        Current "nvmlUnitGetHandleByIndex" "Nvml::unit_by_index" N => |l| one(l.nvml.unit_by_index(0));
        SClass "nvmlUnitGetHandleByIndex" "Nvml::unit_by_index" N => |l| one(l.nvml.unit_by_index(0));
        SClass "nvmlUnitGetUnitInfo" "Unit::info" N => |l| one(l.unit()?.info());
        SClass "nvmlUnitGetLedState" "Unit::led_state" N => |l| one(l.unit()?.led_state());
        SClass "nvmlUnitSetLedState" "Unit::set_led_color" N => |l| one(l.unit()?.set_led_color(LedColor::Green));
        SClass "nvmlUnitGetPsuInfo" "Unit::psu_info" N => |l| one(l.unit()?.psu_info());
        SClass "nvmlUnitGetTemperature" "Unit::temperature" N => |l| one(l.unit()?.temperature(nvml_wrapper::unit::UnitTemperatureSensor::Intake));
        SClass "nvmlUnitGetFanSpeedInfo" "Unit::fan_speeds" N => |l| one(l.unit()?.fan_speeds());
        SClass "nvmlUnitGetDevices" "Unit::devices" N => |l| list(l.unit()?.devices());
        Current "nvmlGetVgpuDriverCapabilities" "Nvml::vgpu_driver_capability" N => |l| one(l.nvml.vgpu_driver_capability(VgpuDriverCapability::ALL[0]));
        Current "nvmlGetVgpuVersion" "Nvml::vgpu_version" N => |l| one(l.nvml.vgpu_version());
        Current "nvmlVgpuTypeGetClass" "VgpuType::class" N => |l| text(l.nvml.vgpu_type(1).class());
        Current "nvmlVgpuTypeGetName" "VgpuType::name" N => |l| text(l.nvml.vgpu_type(1).name());
        Current "nvmlVgpuTypeGetGpuInstanceProfileId" "VgpuType::gpu_instance_profile_id" N => |l| one(l.nvml.vgpu_type(1).gpu_instance_profile_id());
        Current "nvmlVgpuTypeGetDeviceID" "VgpuType::pci_ids" N => |l| one(l.nvml.vgpu_type(1).pci_ids());
        Current "nvmlVgpuTypeGetFramebufferSize" "VgpuType::framebuffer_size" N => |l| one(l.nvml.vgpu_type(1).framebuffer_size());
        Current "nvmlVgpuTypeGetNumDisplayHeads" "VgpuType::num_display_heads" N => |l| one(l.nvml.vgpu_type(1).num_display_heads());
        Current "nvmlVgpuTypeGetResolution" "VgpuType::resolution" N => |l| one(l.nvml.vgpu_type(1).resolution(0));
        Current "nvmlVgpuTypeGetLicense" "VgpuType::license" N => |l| text(l.nvml.vgpu_type(1).license());
        Current "nvmlVgpuTypeGetFrameRateLimit" "VgpuType::frame_rate_limit" N => |l| one(l.nvml.vgpu_type(1).frame_rate_limit());
        Current "nvmlVgpuTypeGetMaxInstances" "VgpuType::max_instances" N => |l| one(l.nvml.vgpu_type(1).max_instances(&l.nvml.device_by_index(1)?));
        Current "nvmlVgpuTypeGetMaxInstancesPerVm" "VgpuType::max_instances_per_vm" N => |l| one(l.nvml.vgpu_type(1).max_instances_per_vm());
        Current "nvmlVgpuTypeGetMaxInstancesPerGpuInstance" "VgpuType::max_instances_per_gpu_instance" N => |l| one(l.nvml.vgpu_type(1).max_instances_per_gpu_instance());
        Current "nvmlVgpuTypeGetBAR1Info" "VgpuType::bar1_size_mib" N => |l| one(l.nvml.vgpu_type(1).bar1_size_mib());
        Current "nvmlVgpuTypeGetCapabilities" "VgpuType::capability" N => |l| one(l.nvml.vgpu_type(1).capability(VgpuCapability::ALL[0]));
        Current "nvmlVgpuTypeGetGspHeapSize" "VgpuType::gsp_heap_size" N => |l| one(l.nvml.vgpu_type(1).gsp_heap_size());
        Current "nvmlVgpuTypeGetFbReservation" "VgpuType::fb_reservation" N => |l| one(l.nvml.vgpu_type(1).fb_reservation());
        Current "nvmlVgpuInstanceGetVmID" "VgpuInstance::vm_id" N => |l| one(l.nvml.vgpu_instance(1).vm_id());
        Current "nvmlVgpuInstanceGetUUID" "VgpuInstance::uuid" N => |l| text(l.nvml.vgpu_instance(1).uuid());
        Current "nvmlVgpuInstanceGetVmDriverVersion" "VgpuInstance::vm_driver_version" N => |l| text(l.nvml.vgpu_instance(1).vm_driver_version());
        Current "nvmlVgpuInstanceGetFbUsage" "VgpuInstance::fb_usage" N => |l| one(l.nvml.vgpu_instance(1).fb_usage());
        Current "nvmlVgpuInstanceGetType" "VgpuInstance::vgpu_type" N => |l| one(l.nvml.vgpu_instance(1).vgpu_type());
        Current "nvmlVgpuInstanceGetFrameRateLimit" "VgpuInstance::frame_rate_limit" N => |l| one(l.nvml.vgpu_instance(1).frame_rate_limit());
        Current "nvmlVgpuInstanceGetEccMode" "VgpuInstance::ecc_mode" N => |l| one(l.nvml.vgpu_instance(1).ecc_mode());
        Current "nvmlVgpuInstanceGetEncoderCapacity" "VgpuInstance::encoder_capacity" N => |l| one(l.nvml.vgpu_instance(1).encoder_capacity());
        Current "nvmlVgpuInstanceSetEncoderCapacity" "VgpuInstance::set_encoder_capacity" N => |l| one(l.nvml.vgpu_instance(1).set_encoder_capacity(0));
        Current "nvmlVgpuInstanceGetEncoderStats" "VgpuInstance::encoder_stats" N => |l| one(l.nvml.vgpu_instance(1).encoder_stats());
        Current "nvmlVgpuInstanceGetEncoderSessions" "VgpuInstance::encoder_sessions" N => |l| list(l.nvml.vgpu_instance(1).encoder_sessions());
        Current "nvmlVgpuInstanceGetFBCStats" "VgpuInstance::fbc_stats" N => |l| one(l.nvml.vgpu_instance(1).fbc_stats());
        Current "nvmlVgpuInstanceGetFBCSessions" "VgpuInstance::fbc_sessions" N => |l| list(l.nvml.vgpu_instance(1).fbc_sessions());
        Current "nvmlVgpuInstanceGetGpuInstanceId" "VgpuInstance::gpu_instance_id" N => |l| one(l.nvml.vgpu_instance(1).gpu_instance_id());
        Current "nvmlVgpuInstanceGetGpuPciId" "VgpuInstance::gpu_pci_id" N => |l| text(l.nvml.vgpu_instance(1).gpu_pci_id());
        Current "nvmlVgpuInstanceGetMdevUUID" "VgpuInstance::mdev_uuid" N => |l| text(l.nvml.vgpu_instance(1).mdev_uuid());
        Current "nvmlVgpuInstanceGetPlacementId" "VgpuInstance::placement_id" N => |l| one(l.nvml.vgpu_instance(1).placement_id());
        Current "nvmlVgpuInstanceGetRuntimeStateSize" "VgpuInstance::runtime_state_size" N => |l| one(l.nvml.vgpu_instance(1).runtime_state_size());
        Current "nvmlVgpuInstanceGetMetadata" "VgpuInstance::metadata" N => |l| one(l.nvml.vgpu_instance(1).metadata());
        Current "nvmlVgpuInstanceGetAccountingMode" "VgpuInstance::accounting_mode" N => |l| one(l.nvml.vgpu_instance(1).accounting_mode());
        Current "nvmlVgpuInstanceGetAccountingPids" "VgpuInstance::accounting_pids" N => |l| list(l.nvml.vgpu_instance(1).accounting_pids());
        Current "nvmlVgpuInstanceGetAccountingStats" "VgpuInstance::accounting_stats" N => |l| one(l.nvml.vgpu_instance(1).accounting_stats(0));
        Current "nvmlVgpuInstanceClearAccountingPids" "VgpuInstance::clear_accounting_pids" N => |l| one(l.nvml.vgpu_instance(1).clear_accounting_pids());
        // ---- vGPU on MIG GPU instances ----
        Current "nvmlVgpuInstanceGetLicenseInfo_v2" "VgpuInstance::is_licensed" N => |l| one(l.nvml.vgpu_instance(1).is_licensed());
        // Only drivers without any `nvmlVgpuInstanceGetLicenseInfo` (R470) use the status query.
        Legacy470 "nvmlVgpuInstanceGetLicenseStatus" "VgpuInstance::is_licensed" N => |l| one(l.nvml.vgpu_instance(1).is_licensed());
        Mig "nvmlGpuInstanceGetActiveVgpus" "GpuInstance::active_vgpus" N => |l| list(l.gi()?.active_vgpus());
        Mig "nvmlGpuInstanceGetCreatableVgpus" "GpuInstance::creatable_vgpus" N => |l| list(l.gi()?.creatable_vgpus());
        Mig "nvmlGpuInstanceGetVgpuHeterogeneousMode" "GpuInstance::vgpu_heterogeneous_mode" N =>
            |l| one(l.gi()?.vgpu_heterogeneous_mode());
        Mig "nvmlGpuInstanceSetVgpuHeterogeneousMode" "GpuInstance::set_vgpu_heterogeneous_mode" N =>
            |l| one(l.gi()?.set_vgpu_heterogeneous_mode(false));
        Mig "nvmlGpuInstanceGetVgpuTypeCreatablePlacements" "GpuInstance::vgpu_type_creatable_placements" N =>
            |l| one(l.gi()?.vgpu_type_creatable_placements(&l.nvml.vgpu_type(1)));
        Mig "nvmlGpuInstanceGetVgpuSchedulerState_v2" "GpuInstance::vgpu_scheduler_state" N =>
            |l| one(l.gi()?.vgpu_scheduler_state(VgpuSchedulerEngine::ALL[0]));
        MigPrevious "nvmlGpuInstanceGetVgpuSchedulerState" "GpuInstance::vgpu_scheduler_state" N =>
            |l| one(l.gi()?.vgpu_scheduler_state(VgpuSchedulerEngine::ALL[0]));
        Mig "nvmlGpuInstanceGetVgpuSchedulerLog_v2" "GpuInstance::vgpu_scheduler_log" N =>
            |l| one(l.gi()?.vgpu_scheduler_log(VgpuSchedulerEngine::ALL[0]));
        MigPrevious "nvmlGpuInstanceGetVgpuSchedulerLog" "GpuInstance::vgpu_scheduler_log" N =>
            |l| one(l.gi()?.vgpu_scheduler_log(VgpuSchedulerEngine::ALL[0]));
        Mig "nvmlGpuInstanceSetVgpuSchedulerState_v2" "GpuInstance::set_vgpu_scheduler_state" N =>
            |l| one(l.gi()?.set_vgpu_scheduler_state(&scheduler_settings()));
        MigPrevious "nvmlGpuInstanceSetVgpuSchedulerState" "GpuInstance::set_vgpu_scheduler_state" N =>
            |l| one(l.gi()?.set_vgpu_scheduler_state(&scheduler_settings()));
        // ---- hand-written: arguments that need a value of their own ----
        Current "nvmlDeviceGetConfComputeGpuAttestationReport" "Device::conf_compute_gpu_attestation_report" N =>
            |l| one(l.dev()?.conf_compute_gpu_attestation_report([7; 32]));
        Current "nvmlDeviceGetAccountingStats_v2" "Device::accounting_stats" N => |l| one(l.dev()?.accounting_stats(1));
        Previous "nvmlDeviceGetAccountingStats" "Device::accounting_stats" N => |l| one(l.dev()?.accounting_stats(1));
        Current "nvmlDeviceGetNvLinkTelemetrySamples_v1" "Device::nvlink_telemetry_samples" N =>
            |l| list(l.dev()?.nvlink_telemetry_samples(&[NvLinkTelemetryRequest {
                link: 0,
                sample_type: NvLinkTelemetrySampleType::ALL[0],
            }]));
        Current "nvmlDeviceSetNvlinkBwMode" "Device::set_nvlink_bw_mode" N =>
            |l| one(l.dev()?.set_nvlink_bw_mode(NvLinkBwModeSetting::Best));
        Current "nvmlDeviceSetNvlinkBwModeAsync_v1" "Device::set_nvlink_bw_mode_async" N =>
            |l| one(l.dev()?.set_nvlink_bw_mode_async(NvLinkBwModeSetting::Mode(1)));
        Current "nvmlDeviceSetNvLinkDeviceLowPowerThreshold" "Device::set_nvlink_low_power_threshold" N =>
            |l| one(l.dev()?.set_nvlink_low_power_threshold(Some(100)));
        Current "nvmlDeviceWorkloadPowerProfileUpdateProfiles_v1" "Device::update_power_profiles" N =>
            |l| one(l.dev()?.update_power_profiles(PowerProfileOperation::Set, PowerProfileMask::empty()));
        Current "nvmlDeviceWorkloadPowerProfileSetRequestedProfiles" "Device::request_power_profiles" N =>
            |l| one(l.dev()?.request_power_profiles(PowerProfileMask::empty()));
        Current "nvmlDeviceWorkloadPowerProfileClearRequestedProfiles" "Device::clear_requested_power_profiles" N =>
            |l| one(l.dev()?.clear_requested_power_profiles(PowerProfileMask::empty()));
        Current "nvmlDevicePowerSmoothingUpdatePresetProfileParam" "Device::set_power_smoothing_profile_param" N =>
            |l| one(l.dev()?.set_power_smoothing_profile_param(0, PowerSmoothingParam::RampUpRate, 1.5));
        Current "nvmlDeviceReadWritePRM_v1" "Device::read_write_prm" N => |l| one(l.dev()?.read_write_prm(&[0, 1, 2, 3]));
        Current "nvmlDeviceReadPRMCounters_v1" "Device::prm_counters" N =>
            |l| list(l.dev()?.prm_counters(&[PrmCounterRequest { counter: PrmCounterId::ALL[0], local_port: 1 }]));
        Current "nvmlDeviceGetVgpuTypeSupportedPlacements" "Device::vgpu_type_supported_placements" N =>
            |l| one(l.dev()?.vgpu_type_supported_placements(&l.nvml.vgpu_type(1), VgpuPlacementMode::Heterogeneous));
        Current "nvmlDeviceGetVgpuTypeCreatablePlacements" "Device::vgpu_type_creatable_placements" N =>
            |l| one(l.dev()?.vgpu_type_creatable_placements(&l.nvml.vgpu_type(1)));
        Current "nvmlDeviceGetVgpuSchedulerState_v2" "Device::vgpu_scheduler_state" N =>
            |l| one(l.dev()?.vgpu_scheduler_state(VgpuSchedulerEngine::ALL[0]));
        Previous "nvmlDeviceGetVgpuSchedulerState" "Device::vgpu_scheduler_state" N =>
            |l| one(l.dev()?.vgpu_scheduler_state(VgpuSchedulerEngine::ALL[0]));
        Current "nvmlDeviceGetVgpuSchedulerLog_v2" "Device::vgpu_scheduler_log" N =>
            |l| one(l.dev()?.vgpu_scheduler_log(VgpuSchedulerEngine::ALL[0]));
        Previous "nvmlDeviceGetVgpuSchedulerLog" "Device::vgpu_scheduler_log" N =>
            |l| one(l.dev()?.vgpu_scheduler_log(VgpuSchedulerEngine::ALL[0]));
        Current "nvmlDeviceSetVgpuSchedulerState_v2" "Device::set_vgpu_scheduler_state" N =>
            |l| one(l.dev()?.set_vgpu_scheduler_state(&scheduler_settings()));
        Previous "nvmlDeviceSetVgpuSchedulerState" "Device::set_vgpu_scheduler_state" N =>
            |l| one(l.dev()?.set_vgpu_scheduler_state(&scheduler_settings()));
        Current "nvmlDeviceQueryDrainState" "Nvml::drain_state" N => |l| one(l.nvml.drain_state(&pci_address()));
        Current "nvmlDeviceModifyDrainState" "Nvml::set_drain_state" N => |l| one(l.nvml.set_drain_state(&pci_address(), false));
        Current "nvmlDeviceDiscoverGpus" "Nvml::discover_gpus" N => |l| one(l.nvml.discover_gpus(Some(&pci_address())));
        Current "nvmlDeviceRemoveGpu_v2" "Nvml::remove_gpu" N =>
            |l| one(l.nvml.remove_gpu(&no_gpu_address(), nvml_wrapper::drain::GpuRemoval::default()));
        Previous "nvmlDeviceRemoveGpu" "Nvml::remove_gpu" N =>
            |l| one(l.nvml.remove_gpu(&no_gpu_address(), nvml_wrapper::drain::GpuRemoval::default()));
        // ---- power limit, fabric, MIG attributes, driver model, PDI, CC memory, process details ----
        Current "nvmlDeviceSetPowerManagementLimit_v2" "Device::set_power_management_limit" fallback("nvmlDeviceSetPowerManagementLimit_v2") =>
            |l| one(l.dev()?.set_power_management_limit(500_000));
        Previous "nvmlDeviceSetPowerManagementLimit" "Device::set_power_management_limit" N =>
            |l| one(l.dev()?.set_power_management_limit(500_000));
        Current "nvmlDeviceGetGpuFabricInfo_v4" "Device::gpu_fabric_info" N => |l| one(l.dev()?.gpu_fabric_info());
        Previous "nvmlDeviceGetGpuFabricInfoV" "Device::gpu_fabric_info" N => |l| one(l.dev()?.gpu_fabric_info());
        Oldest "nvmlDeviceGetGpuFabricInfo" "Device::gpu_fabric_info" N => |l| one(l.dev()?.gpu_fabric_info());
        Current "nvmlDeviceGetAttributes_v2" "Device::attributes" N => |l| one(l.dev()?.attributes());
        Previous "nvmlDeviceGetAttributes" "Device::attributes" N => |l| one(l.dev()?.attributes());
        Current "nvmlDeviceGetDriverModel_v2" "Device::driver_model" N => |l| one(l.dev()?.driver_model());
        Previous "nvmlDeviceGetDriverModel" "Device::driver_model" N => |l| one(l.dev()?.driver_model());
        Current "nvmlDeviceGetPdi" "Device::pdi" N => |l| one(l.dev()?.pdi());
        Current "nvmlDeviceGetConfComputeMemSizeInfo" "Device::conf_compute_mem_size_info" N =>
            |l| one(l.dev()?.conf_compute_mem_size_info());
        Current "nvmlDeviceGetRunningProcessDetailList" "Device::running_process_detail_list" N =>
            |l| list(l.dev()?.running_process_detail_list(ProcessMode::All));
        Current "nvmlGpmSampleGet" "GpmSample::fill" N =>
            |l| one(stub_gpm_sample(l).fill(&l.dev()?));
        Current "nvmlGpmMigSampleGet" "GpmSample::fill_mig" N =>
            |l| one(stub_gpm_sample(l).fill_mig(&l.dev()?, 0));
        Current "nvmlGpmMetricsGet" "gpm::gpm_metrics" N => |l| list(nvml_wrapper::gpm::gpm_metrics(
            &stub_gpm_sample(l), &stub_gpm_sample(l), &[nvml_wrapper::sys::NVML_GPM_METRIC_SM_UTIL]));
        Current "nvmlGpmSampleFree" "GpmSample::free" N => |l| one(stub_gpm_sample(l).free());
        Current "nvmlDeviceGetGpuInstanceProfileInfoV" "Device::gpu_instance_profile_info" fallback("nvmlDeviceGetGpuInstanceProfileInfoV") =>
            |l| one(l.dev()?.gpu_instance_profile_info(GpuInstanceProfile::Slice3));
        Previous "nvmlDeviceGetGpuInstanceProfileInfo" "Device::gpu_instance_profile_info" N =>
            |l| one(l.dev()?.gpu_instance_profile_info(GpuInstanceProfile::Slice3));
        Current "nvmlDeviceGetGpuInstancePossiblePlacements_v2" "Device::gpu_instance_possible_placements" N =>
            |l| list(l.dev()?.gpu_instance_possible_placements(super::PROFILE_3G));
        Previous "nvmlDeviceGetGpuInstancePossiblePlacements" "Device::gpu_instance_possible_placements" N =>
            |l| list(l.dev()?.gpu_instance_possible_placements(super::PROFILE_3G));
        Mig "nvmlDeviceCreateGpuInstanceWithPlacement" "Device::create_gpu_instance_with_placement" N =>
            |l| one(l.dev()?.create_gpu_instance_with_placement(super::PROFILE_3G, GpuInstancePlacement { start: 4, size: 4 })?.destroy());
        Mig "nvmlGpuInstanceGetComputeInstanceProfileInfoV" "GpuInstance::compute_instance_profile_info" fallback("nvmlGpuInstanceGetComputeInstanceProfileInfoV") =>
            |l| one(l.gi()?.compute_instance_profile_info(ComputeInstanceProfile::Slice1));
        MigPrevious "nvmlGpuInstanceGetComputeInstanceProfileInfo" "GpuInstance::compute_instance_profile_info" N =>
            |l| one(l.gi()?.compute_instance_profile_info(ComputeInstanceProfile::Slice1));
        Mig "nvmlGpuInstanceCreateComputeInstanceWithPlacement" "GpuInstance::create_compute_instance_with_placement" N =>
            |l| one(l.gi()?.create_compute_instance_with_placement(
                super::CI_PROFILE_1_SLICE, ComputeInstancePlacement { start: 2, size: 1 })?.destroy());
        Mig "nvmlGpuInstanceDestroy" "GpuInstance::destroy" N => |l| one(spare_gpu_instance(l)?.destroy());
        Mig "nvmlComputeInstanceGetInfo_v2" "ComputeInstance::info" N => |l| one(l.ci()?.info());
        MigPrevious "nvmlComputeInstanceGetInfo" "ComputeInstance::info" N => |l| one(l.ci()?.info());
        Mig "nvmlComputeInstanceDestroy" "ComputeInstance::destroy" N => |l| one(spare_compute_instance(l)?.destroy());
        Current "nvmlDeviceGetHandleByUUIDV" "Nvml::device_by_uuid_value" N =>
            |l| { let uuid = l.dev()?.uuid()?; one(l.nvml.device_by_uuid_value(&DeviceUuid::Ascii(uuid))) };
        // The header: "use bufferSize == 0 on return as the indicator for no (more) records",
        // so INSUFFICIENT_SIZE that names no size ends the read with what was read (nothing).
        Current "nvmlSystemGetCPER_v1" "Nvml::cper_records" CPER_NO_SIZE_IS_EMPTY => |l| list(l.nvml.cper_records(CperTypes::GPU, None));
        Current "nvmlSetVgpuVersion" "Nvml::set_vgpu_version" N =>
            |l| one(l.nvml.set_vgpu_version(VgpuVersionRange { min: 1, max: 2 }));
        Current "nvmlGetVgpuCompatibility" "Nvml::vgpu_compatibility" N => |l| one(l.nvml.vgpu_compatibility(
            &VgpuMetadata::from_bytes(vec![0; 512])?, &PgpuMetadata::from_bytes(vec![0; 512])?));
        Current "nvmlVgpuInstanceGetLicenseInfo_v2" "VgpuInstance::license_info" N => |l| one(l.nvml.vgpu_instance(1).license_info());
        Previous "nvmlVgpuInstanceGetLicenseInfo" "VgpuInstance::license_info" N => |l| one(l.nvml.vgpu_instance(1).license_info());
        Current "nvmlSystemRegisterEvents" "SystemEventSet::register" N =>
            |l| one(l.nvml.create_system_event_set()?.register(SystemEventTypes::GPU_DRIVER_BIND));
        Current "nvmlSystemEventSetWait" "SystemEventSet::wait" N => |l| list(system_event_set_with_bind(l)?.wait(0, 8));
        Current "nvmlEventSetGetContextCount_v1" "EventSet::context_count" N =>
            |l| one(l.nvml.create_event_set()?.context_count());
        Current "nvmlEventSetGetContextInfo_v1" "EventSet::context_info" N =>
            |l| one(l.nvml.create_event_set()?.context_info(0));
        Current "nvmlEventSetGetContextData_v1" "EventSet::context_data" N =>
            |l| list(l.nvml.create_event_set()?.context_data(0));
        Current "nvmlEventSetGetGpuOperationalEventContextLegacyXid_v1" "EventSet::context_legacy_xid" N =>
            |l| one(l.nvml.create_event_set()?.context_legacy_xid(0));
        Current "nvmlSystemEventSetFree" "SystemEventSet::free" N => |l| one(l.nvml.create_system_event_set()?.free());
    }
}

const CPER_NO_SIZE_IS_EMPTY: Special =
    Special::EmptyOn(nvml_wrapper::sys::NVML_ERROR_INSUFFICIENT_SIZE);
fn scheduler_settings() -> VgpuSchedulerSettings {
    VgpuSchedulerSettings {
        engine: VgpuSchedulerEngine::ALL[0],
        policy: VgpuSchedulerPolicy::BestEffort,
        avg_factor: 0,
        frequency: 0,
    }
}

/// An address no profile's GPU has: a removal there can never take a GPU from a lab.
fn no_gpu_address() -> nvml_wrapper::drain::PciAddress {
    nvml_wrapper::drain::PciAddress {
        domain: 0,
        bus: 0xee,
        device: 0x1f,
    }
}

fn pci_address() -> nvml_wrapper::drain::PciAddress {
    nvml_wrapper::drain::PciAddress {
        domain: 0,
        bus: 0x18,
        device: 0,
    }
}

/// A system event set registered for driver binds, with one bind of GPU 0 pending (so `wait`
/// returns it at once).
fn system_event_set_with_bind(l: &super::Lab) -> nvml_wrapper::Result<SystemEventSet<'_>> {
    let set = l.nvml.create_system_event_set()?;
    set.register(SystemEventTypes::GPU_DRIVER_BIND)?;
    l.inject_system_event(
        0,
        nvml_wrapper::sys::nvmlSystemEventTypeGpuDriverBind.into(),
    );
    Ok(set)
}

/// A GPM sample the mock cannot allocate (it answers `NOT_SUPPORTED` to
/// `nvmlGpmSampleAlloc`), made from a dummy handle.
fn stub_gpm_sample(l: &super::Lab) -> nvml_wrapper::gpm::GpmSample<'_> {
    // SAFETY: the mock's GPM entry points (including `nvmlGpmSampleFree`, called on drop)
    // answer NOT_SUPPORTED or the injected fault without reading the handle.
    unsafe {
        nvml_wrapper::gpm::GpmSample::from_raw(&l.nvml, std::ptr::without_provenance_mut(0x1000))
    }
}

/// A GPU instance other than the lab's (at placement 4): the one a failed destroy left, or a
/// new one.
fn spare_gpu_instance(l: &super::Lab) -> nvml_wrapper::Result<GpuInstance<'_>> {
    let gpu = l.dev()?;
    for gi in gpu.gpu_instances(super::PROFILE_3G)? {
        if gi.info()?.placement.start == 4 {
            return Ok(gi);
        }
    }
    gpu.create_gpu_instance_with_placement(
        super::PROFILE_3G,
        GpuInstancePlacement { start: 4, size: 4 },
    )
}

/// A compute instance other than the lab's: the one a failed destroy left, or a new one.
fn spare_compute_instance(l: &super::Lab) -> nvml_wrapper::Result<ComputeInstance<'_>> {
    let gi = l.gi()?;
    let mine = l.ci()?;
    for ci in gi.compute_instances(super::CI_PROFILE_1_SLICE)? {
        if ci != mine {
            return Ok(ci);
        }
    }
    gi.create_compute_instance(super::CI_PROFILE_1_SLICE)
}
