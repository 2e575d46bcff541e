//! The board and its firmware: bridge chips, bus, module and platform ids, IRQ, InfoROM, GSP
//! firmware, capabilities, extended PCI info, C2C, black-box (BBX) data, SRAM ECC and bank
//! remapping, DRAM encryption, hostname and cgroup memory limits, and the GPU's uptime.

use std::ffi::{c_int, c_uint, c_ulong, c_ulonglong};

use nvml_sys as sys;

use super::Device;
use crate::enums::{BusType, enable_state, enabled, nvml_enum};
use crate::error::{NvmlError, Result};
use crate::ffi::c_string;
use crate::ffi::{nvml_call, read_list, read_string, string_from_c_buf};
use crate::nvml_ref::NvmlRef;

nvml_enum! {
    /// Kind of a bridge chip on the board (`nvmlBridgeChipType_t`).
    pub enum BridgeChipType: sys::nvmlBridgeChipType_t {
        /// A PLX PCIe switch.
        Plx = sys::NVML_BRIDGE_CHIP_PLX,
        /// A BR04 bridge.
        Bro4 = sys::NVML_BRIDGE_CHIP_BRO4,
    }
}

/// One bridge chip of the board's hierarchy (`nvmlBridgeChipInfo_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BridgeChip {
    /// Kind of chip.
    pub kind: BridgeChipType,
    /// Firmware version; 0 when unavailable.
    pub firmware_version: u32,
}

bitflags::bitflags! {
    /// Device capabilities (`nvmlDeviceCapabilities_t.capMask`, `NVML_DEV_CAP_*`). Bits the
    /// header does not define are kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct DeviceCapabilities: u32 {
        /// Extended GPU memory (EGM) is supported (`NVML_DEV_CAP_EGM`).
        const EGM = sys::NVML_DEV_CAP_EGM;
        /// Bits from a driver newer than these bindings.
        const _ = !0;
    }
}

/// Whether the GPU System Processor firmware runs, now and by default
/// (`nvmlDeviceGetGspFirmwareMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GspFirmwareMode {
    /// GSP firmware is enabled.
    pub enabled: bool,
    /// GSP firmware is enabled by default on this device.
    pub default_enabled: bool,
}

/// Extended PCI attributes (`nvmlPciInfoExt_v1_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PciInfoExt {
    /// PCI domain.
    pub domain: u32,
    /// Bus number.
    pub bus: u32,
    /// Device number on the bus.
    pub device: u32,
    /// Combined 16-bit device id and 16-bit vendor id.
    pub pci_device_id: u32,
    /// 32-bit subsystem id.
    pub pci_subsystem_id: u32,
    /// PCI base class code (0x03: display controller).
    pub base_class: u32,
    /// PCI sub class code.
    pub sub_class: u32,
    /// `domain:bus:device.function`, e.g. `"00000000:18:00.0"`.
    pub bus_id: String,
}

/// Where the GPU sits in its platform (`nvmlPlatformInfo_v2_t`, or `_v1_t` on drivers that
/// only know that version).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlatformInfo {
    /// InfiniBand GUID reported by the platform.
    pub ib_guid: [u8; 16],
    /// Serial number of the chassis (version 2 of the struct).
    pub chassis_serial_number: Option<[u8; 16]>,
    /// GUID of the rack (version 1 of the struct).
    pub rack_guid: Option<[u8; 16]>,
    /// Slot number in the chassis (including switches).
    pub slot_number: u8,
    /// Tray index within the compute slots (version 1: compute slot index).
    pub tray_index: u8,
    /// Index of the node within the slot.
    pub host_id: u8,
    /// Platform-indicated NVLink peer type.
    pub peer_type: u8,
    /// Id of this GPU within the node.
    pub module_id: u8,
}

/// When the black box recorder last flushed to the InfoROM
/// (`nvmlDeviceGetLastBBXFlushTime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BbxFlushTime {
    /// Timestamp of the last flush.
    pub timestamp: u64,
    /// How long the flush took, in microseconds.
    pub duration_us: u64,
}

/// State of the ECC bank remapper (`nvmlEccBankRemapperStatus_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BankRemapperStatus {
    /// Active remappings.
    pub active_remappings: u32,
    /// Inactive remappings.
    pub inactive_remappings: u32,
    /// A remapping is pending.
    pub pending: bool,
    /// Groups with the maximum number of spares.
    pub max_spare_group_count: u32,
    /// Groups with no spare left.
    pub no_spare_group_count: u32,
}

/// SRAM ECC error counts (`nvmlEccSramErrorStatus_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SramEccErrorStatus {
    /// Aggregate uncorrectable parity errors.
    pub aggregate_uncorrected_parity: u64,
    /// Aggregate uncorrectable SEC-DED errors.
    pub aggregate_uncorrected_sec_ded: u64,
    /// Aggregate correctable errors.
    pub aggregate_corrected: u64,
    /// Volatile uncorrectable parity errors.
    pub volatile_uncorrected_parity: u64,
    /// Volatile uncorrectable SEC-DED errors.
    pub volatile_uncorrected_sec_ded: u64,
    /// Volatile correctable errors.
    pub volatile_corrected: u64,
    /// Aggregate uncorrectable errors in the L2 cache bucket.
    pub aggregate_uncorrected_l2: u64,
    /// Aggregate uncorrectable errors in the SM bucket.
    pub aggregate_uncorrected_sm: u64,
    /// Aggregate uncorrectable errors in the PCIe bucket.
    pub aggregate_uncorrected_pcie: u64,
    /// Aggregate uncorrectable errors in the microcontroller bucket.
    pub aggregate_uncorrected_mcu: u64,
    /// Aggregate uncorrectable errors in other units.
    pub aggregate_uncorrected_other: u64,
    /// The field-diagnostic error threshold was exceeded.
    pub threshold_exceeded: bool,
}

/// One unique uncorrected SRAM ECC error (`nvmlEccSramUniqueUncorrectedErrorEntry_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SramUniqueUncorrectedError {
    /// SRAM unit index.
    pub unit: u32,
    /// Location within the unit.
    pub location: u32,
    /// Sublocation within the unit.
    pub sublocation: u32,
    /// Extended location within the unit.
    pub extlocation: u32,
    /// Address within the unit.
    pub address: u32,
    /// The error is a parity error.
    pub is_parity: bool,
    /// Errors seen at this address.
    pub count: u32,
}

/// DRAM encryption, now and after the next reset (`nvmlDeviceGetDramEncryptionMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DramEncryptionMode {
    /// Encryption is on now.
    pub current: bool,
    /// Encryption will be on after the next reset.
    pub pending: bool,
}

/// Memory limits of a cgroup on this device, in bytes (`nvmlGetMemoryLimits_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MemoryLimits {
    /// Soft limit.
    pub soft_limit: u64,
    /// Hard limit.
    pub hard_limit: u64,
    /// Memory used against the limits.
    pub current_used: u64,
}

impl<N: NvmlRef> Device<'_, N> {
    /// How long the GPU has been up since the driver initialised it, in whole seconds
    /// (`nvmlDeviceGetGpuUptime_v1`). It restarts at zero on a host reboot, a driver reload
    /// or a GPU reset; a MIG device answers its parent GPU's.
    #[doc(alias = "nvmlDeviceGetGpuUptime_v1")]
    pub fn gpu_uptime(&self) -> Result<std::time::Duration> {
        let mut uptime = sys::nvmlGpuUptime_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetGpuUptime_v1(self.handle, &mut uptime)
        )?;
        Ok(std::time::Duration::from_secs(u64::from(uptime.uptime)))
    }

    /// The bridge chips on the board, top to bottom (`nvmlDeviceGetBridgeChipInfo`).
    #[doc(alias = "nvmlDeviceGetBridgeChipInfo")]
    pub fn bridge_chip_info(&self) -> Result<Vec<BridgeChip>> {
        let mut hierarchy = sys::nvmlBridgeChipHierarchy_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetBridgeChipInfo(self.handle, &mut hierarchy)
        )?;
        bridge_chips(&hierarchy)
    }

    /// The bus the GPU sits on (`nvmlDeviceGetBusType`).
    #[doc(alias = "nvmlDeviceGetBusType")]
    pub fn bus_type(&self) -> Result<BusType> {
        let mut raw: sys::nvmlBusType_t = 0;
        nvml_call!(self.nvml, nvmlDeviceGetBusType(self.handle, &mut raw))?;
        BusType::try_from(raw)
    }

    /// The Per Device Identifier (PDI): a 64-bit number that identifies this GPU
    /// (`nvmlDeviceGetPdi` with `nvmlPdi_v1`; `nvidia-smi -q` prints it as "PDI"). Pascal or
    /// newer.
    #[doc(alias = "nvmlDeviceGetPdi")]
    pub fn pdi(&self) -> Result<u64> {
        let mut pdi = sys::nvmlPdi_t {
            version: sys::nvmlPdi_v1,
            ..Default::default()
        };
        nvml_call!(self.nvml, nvmlDeviceGetPdi(self.handle, &mut pdi))?;
        Ok(pdi.value)
    }

    /// Module id: the GPU's number on a multi-GPU baseboard (`nvmlDeviceGetModuleId`).
    #[doc(alias = "nvmlDeviceGetModuleId")]
    pub fn module_id(&self) -> Result<u32> {
        let mut id: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetModuleId(self.handle, &mut id))?;
        Ok(id)
    }

    /// Where the GPU sits in its rack or chassis (`nvmlDeviceGetPlatformInfo` with
    /// `nvmlPlatformInfo_v2`, retried with `nvmlPlatformInfo_v1` on
    /// `ARGUMENT_VERSION_MISMATCH`).
    #[doc(alias = "nvmlDeviceGetPlatformInfo")]
    pub fn platform_info(&self) -> Result<PlatformInfo> {
        let mut v2 = sys::nvmlPlatformInfo_v2_t {
            version: sys::nvmlPlatformInfo_v2,
            ..Default::default()
        };
        let rc = nvml_call!(self.nvml, nvmlDeviceGetPlatformInfo(self.handle, &mut v2));
        match rc {
            Ok(()) => {
                return Ok(PlatformInfo {
                    ib_guid: v2.ibGuid,
                    chassis_serial_number: Some(v2.chassisSerialNumber),
                    rack_guid: None,
                    slot_number: v2.slotNumber,
                    tray_index: v2.trayIndex,
                    host_id: v2.hostId,
                    peer_type: v2.peerType,
                    module_id: v2.moduleId,
                });
            }
            Err(NvmlError::ArgumentVersionMismatch(_)) => {}
            Err(e) => return Err(e),
        }
        let mut v1 = sys::nvmlPlatformInfo_v1_t {
            version: sys::nvmlPlatformInfo_v1,
            ..Default::default()
        };
        // `nvmlPlatformInfo_t` is the v2 layout; v1 has the same size and field offsets.
        nvml_call!(
            self.nvml,
            nvmlDeviceGetPlatformInfo(self.handle, (&raw mut v1).cast())
        )?;
        Ok(PlatformInfo {
            ib_guid: v1.ibGuid,
            chassis_serial_number: None,
            rack_guid: Some(v1.rackGuid),
            slot_number: v1.chassisPhysicalSlotNumber,
            tray_index: v1.computeSlotIndex,
            host_id: v1.nodeIndex,
            peer_type: v1.peerType,
            module_id: v1.moduleId,
        })
    }

    /// The interrupt (IRQ) number of the device (`nvmlDeviceGetIrqNum`).
    #[doc(alias = "nvmlDeviceGetIrqNum")]
    pub fn irq_num(&self) -> Result<u32> {
        let mut irq: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetIrqNum(self.handle, &mut irq))?;
        Ok(irq)
    }

    /// Whether this GPU and `other` are on the same board (`nvmlDeviceOnSameBoard`).
    #[doc(alias = "nvmlDeviceOnSameBoard")]
    pub fn is_on_same_board(&self, other: &Device<'_, impl NvmlRef>) -> Result<bool> {
        crate::ffi::same_library(self.nvml.lib(), other.holder().lib())?;
        let mut same: c_int = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceOnSameBoard(self.handle, other.handle, &mut same)
        )?;
        Ok(same != 0)
    }

    /// Number of GPU (CUDA) cores (`nvmlDeviceGetNumGpuCores`).
    #[doc(alias = "nvmlDeviceGetNumGpuCores")]
    pub fn num_gpu_cores(&self) -> Result<u32> {
        let mut cores: c_uint = 0;
        nvml_call!(self.nvml, nvmlDeviceGetNumGpuCores(self.handle, &mut cores))?;
        Ok(cores)
    }

    /// Width of the memory bus, in bits (`nvmlDeviceGetMemoryBusWidth`).
    #[doc(alias = "nvmlDeviceGetMemoryBusWidth")]
    pub fn memory_bus_width(&self) -> Result<u32> {
        let mut width: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMemoryBusWidth(self.handle, &mut width)
        )?;
        Ok(width)
    }

    /// The hostname stored on the device (`nvmlDeviceGetHostname_v1`).
    #[doc(alias = "nvmlDeviceGetHostname_v1")]
    pub fn hostname(&self) -> Result<String> {
        let mut name = sys::nvmlHostname_v1_t::default();
        nvml_call!(self.nvml, nvmlDeviceGetHostname_v1(self.handle, &mut name))?;
        string_from_c_buf(&name.value)
    }

    /// Stores a hostname on the device (`nvmlDeviceSetHostname_v1`). A name that does not
    /// fit the 64-byte buffer with its NUL, or that contains a NUL, is `InvalidInput`.
    #[doc(alias = "nvmlDeviceSetHostname_v1")]
    pub fn set_hostname(&self, hostname: &str) -> Result<()> {
        let mut name = sys::nvmlHostname_v1_t::default();
        let bytes = hostname.as_bytes();
        if bytes.len() >= name.value.len() {
            return Err(NvmlError::InvalidInput("hostname longer than 63 bytes"));
        }
        if bytes.contains(&0) {
            return Err(NvmlError::InvalidInput("string contains a NUL byte"));
        }
        for (dst, src) in name.value.iter_mut().zip(bytes) {
            *dst = *src as std::ffi::c_char;
        }
        nvml_call!(self.nvml, nvmlDeviceSetHostname_v1(self.handle, &mut name))
    }

    /// Checksum of the InfoROM configuration (`nvmlDeviceGetInforomConfigurationChecksum`).
    #[doc(alias = "nvmlDeviceGetInforomConfigurationChecksum")]
    pub fn inforom_configuration_checksum(&self) -> Result<u32> {
        let mut sum: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetInforomConfigurationChecksum(self.handle, &mut sum)
        )?;
        Ok(sum)
    }

    /// Checks the InfoROM's integrity: `Ok(())` when valid, `CorruptedInforom` when not
    /// (`nvmlDeviceValidateInforom`).
    #[doc(alias = "nvmlDeviceValidateInforom")]
    pub fn validate_inforom(&self) -> Result<()> {
        nvml_call!(self.nvml, nvmlDeviceValidateInforom(self.handle))
    }

    /// Version of the GSP firmware (`nvmlDeviceGetGspFirmwareVersion`).
    #[doc(alias = "nvmlDeviceGetGspFirmwareVersion")]
    pub fn gsp_firmware_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_GSP_FIRMWARE_VERSION_BUF_SIZE as usize }>(|buf, _len| {
            nvml_call!(self.nvml, nvmlDeviceGetGspFirmwareVersion(self.handle, buf))
        })
    }

    /// Whether GSP firmware is enabled, now and by default (`nvmlDeviceGetGspFirmwareMode`).
    #[doc(alias = "nvmlDeviceGetGspFirmwareMode")]
    pub fn gsp_firmware_mode(&self) -> Result<GspFirmwareMode> {
        let (mut on, mut default): (c_uint, c_uint) = (0, 0);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetGspFirmwareMode(self.handle, &mut on, &mut default)
        )?;
        Ok(GspFirmwareMode {
            enabled: on != 0,
            default_enabled: default != 0,
        })
    }

    /// Device capabilities (`nvmlDeviceGetCapabilities` with `nvmlDeviceCapabilities_v1`).
    #[doc(alias = "nvmlDeviceGetCapabilities")]
    pub fn capabilities(&self) -> Result<DeviceCapabilities> {
        let mut caps = sys::nvmlDeviceCapabilities_t {
            version: sys::nvmlDeviceCapabilities_v1,
            capMask: 0,
        };
        nvml_call!(self.nvml, nvmlDeviceGetCapabilities(self.handle, &mut caps))?;
        Ok(DeviceCapabilities::from_bits_retain(caps.capMask))
    }

    /// Extended PCI attributes, with the class codes (`nvmlDeviceGetPciInfoExt` with
    /// `nvmlPciInfoExt_v1`).
    #[doc(alias = "nvmlDeviceGetPciInfoExt")]
    pub fn pci_info_ext(&self) -> Result<PciInfoExt> {
        let mut pci = sys::nvmlPciInfoExt_t {
            version: sys::nvmlPciInfoExt_v1,
            ..Default::default()
        };
        nvml_call!(self.nvml, nvmlDeviceGetPciInfoExt(self.handle, &mut pci))?;
        Ok(PciInfoExt {
            domain: pci.domain,
            bus: pci.bus,
            device: pci.device,
            pci_device_id: pci.pciDeviceId,
            pci_subsystem_id: pci.pciSubSystemId,
            base_class: pci.baseClass,
            sub_class: pci.subClass,
            bus_id: string_from_c_buf(&pci.busId)?,
        })
    }

    /// The highest PCIe generation the GPU itself supports, whatever the slot
    /// (`nvmlDeviceGetGpuMaxPcieLinkGeneration`).
    #[doc(alias = "nvmlDeviceGetGpuMaxPcieLinkGeneration")]
    pub fn gpu_max_pcie_link_generation(&self) -> Result<u32> {
        let mut generation: c_uint = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetGpuMaxPcieLinkGeneration(self.handle, &mut generation)
        )?;
        Ok(generation)
    }

    /// Whether the chip-to-chip (C2C) link to the CPU is enabled
    /// (`nvmlDeviceGetC2cModeInfoV`).
    #[doc(alias = "nvmlDeviceGetC2cModeInfoV")]
    pub fn c2c_mode_enabled(&self) -> Result<bool> {
        let mut info = sys::nvmlC2cModeInfo_v1_t::default();
        nvml_call!(self.nvml, nvmlDeviceGetC2cModeInfoV(self.handle, &mut info))?;
        Ok(info.isC2cEnabled != 0)
    }

    /// Cumulative seconds the driver has been loaded on this GPU, from the black box recorder
    /// (`nvmlDeviceGetBBXTimeData_v1`).
    #[doc(alias = "nvmlDeviceGetBBXTimeData_v1")]
    pub fn bbx_time_run(&self) -> Result<u32> {
        let mut data = sys::nvmlBBXTimeData_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetBBXTimeData_v1(self.handle, &mut data)
        )?;
        Ok(data.timeRun)
    }

    /// When the black box recorder last flushed, and how long it took
    /// (`nvmlDeviceGetLastBBXFlushTime`).
    #[doc(alias = "nvmlDeviceGetLastBBXFlushTime")]
    pub fn last_bbx_flush_time(&self) -> Result<BbxFlushTime> {
        let mut timestamp: c_ulonglong = 0;
        let mut duration: c_ulong = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetLastBBXFlushTime(self.handle, &mut timestamp, &mut duration)
        )?;
        #[allow(
            clippy::useless_conversion,
            reason = "`c_ulong` is 32 bits on Windows, 64 on Linux"
        )]
        let duration_us = u64::from(duration);
        Ok(BbxFlushTime {
            timestamp,
            duration_us,
        })
    }

    /// State of the ECC bank remapper (`nvmlDeviceGetBankRemapperStatus_v1`).
    #[doc(alias = "nvmlDeviceGetBankRemapperStatus_v1")]
    pub fn bank_remapper_status(&self) -> Result<BankRemapperStatus> {
        let mut status = sys::nvmlEccBankRemapperStatus_v1_t::default();
        nvml_call!(
            self.nvml,
            nvmlDeviceGetBankRemapperStatus_v1(self.handle, &mut status)
        )?;
        Ok(BankRemapperStatus {
            active_remappings: status.activeRemappings,
            inactive_remappings: status.inactiveRemappings,
            pending: status.bPending != 0,
            max_spare_group_count: status.histogram.maxSpareGroupCount,
            no_spare_group_count: status.histogram.noSpareGroupCount,
        })
    }

    /// SRAM ECC error counts (`nvmlDeviceGetSramEccErrorStatus` with
    /// `nvmlEccSramErrorStatus_v1`).
    #[doc(alias = "nvmlDeviceGetSramEccErrorStatus")]
    pub fn sram_ecc_error_status(&self) -> Result<SramEccErrorStatus> {
        let mut s = sys::nvmlEccSramErrorStatus_t {
            version: sys::nvmlEccSramErrorStatus_v1,
            ..Default::default()
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetSramEccErrorStatus(self.handle, &mut s)
        )?;
        Ok(SramEccErrorStatus {
            aggregate_uncorrected_parity: s.aggregateUncParity,
            aggregate_uncorrected_sec_ded: s.aggregateUncSecDed,
            aggregate_corrected: s.aggregateCor,
            volatile_uncorrected_parity: s.volatileUncParity,
            volatile_uncorrected_sec_ded: s.volatileUncSecDed,
            volatile_corrected: s.volatileCor,
            aggregate_uncorrected_l2: s.aggregateUncBucketL2,
            aggregate_uncorrected_sm: s.aggregateUncBucketSm,
            aggregate_uncorrected_pcie: s.aggregateUncBucketPcie,
            aggregate_uncorrected_mcu: s.aggregateUncBucketMcu,
            aggregate_uncorrected_other: s.aggregateUncBucketOther,
            threshold_exceeded: s.bThresholdExceeded != 0,
        })
    }

    /// Every unique uncorrected SRAM ECC error, with its location and count
    /// (`nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts` with
    /// `nvmlEccSramUniqueUncorrectedErrorCounts_v1`). Needs ECC mode enabled.
    #[doc(alias = "nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts")]
    pub fn sram_unique_uncorrected_ecc_errors(&self) -> Result<Vec<SramUniqueUncorrectedError>> {
        let entries = read_list(|count, items| {
            let mut counts = sys::nvmlEccSramUniqueUncorrectedErrorCounts_t {
                version: sys::nvmlEccSramUniqueUncorrectedErrorCounts_v1,
                entryCount: *count,
                entries: items,
            };
            let result = nvml_call!(
                self.nvml,
                nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts(self.handle, &mut counts)
            );
            *count = counts.entryCount;
            result
        })?;
        Ok(entries
            .iter()
            .map(|e| SramUniqueUncorrectedError {
                unit: e.unit,
                location: e.location,
                sublocation: e.sublocation,
                extlocation: e.extlocation,
                address: e.address,
                is_parity: e.isParity != 0,
                count: e.count,
            })
            .collect())
    }

    /// DRAM encryption, now and after the next reset (`nvmlDeviceGetDramEncryptionMode` with
    /// `nvmlDramEncryptionInfo_v1`).
    #[doc(alias = "nvmlDeviceGetDramEncryptionMode")]
    pub fn dram_encryption_mode(&self) -> Result<DramEncryptionMode> {
        let blank = sys::nvmlDramEncryptionInfo_t {
            version: sys::nvmlDramEncryptionInfo_v1,
            encryptionState: sys::NVML_FEATURE_DISABLED,
        };
        let (mut current, mut pending) = (blank, blank);
        nvml_call!(
            self.nvml,
            nvmlDeviceGetDramEncryptionMode(self.handle, &mut current, &mut pending)
        )?;
        Ok(DramEncryptionMode {
            current: enabled(current.encryptionState, "DRAM encryption state")?,
            pending: enabled(pending.encryptionState, "DRAM encryption state")?,
        })
    }

    /// Turns DRAM encryption on or off from the next reset (`nvmlDeviceSetDramEncryptionMode`
    /// with `nvmlDramEncryptionInfo_v1`). Requires root.
    #[doc(alias = "nvmlDeviceSetDramEncryptionMode")]
    pub fn set_dram_encryption_mode(&self, on: bool) -> Result<()> {
        let info = sys::nvmlDramEncryptionInfo_t {
            version: sys::nvmlDramEncryptionInfo_v1,
            encryptionState: enable_state(on),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetDramEncryptionMode(self.handle, &info)
        )
    }

    /// Memory limits of a cgroup on this device (`nvmlDeviceGetMemoryLimits_v1`).
    /// `cgroup` is the full sysfs path of the cgroup file; Linux only.
    #[doc(alias = "nvmlDeviceGetMemoryLimits_v1")]
    pub fn memory_limits(&self, cgroup: &str) -> Result<MemoryLimits> {
        let path = c_string(cgroup)?;
        let mut limits = sys::nvmlGetMemoryLimits_v1_t {
            nameSpace: path.as_ptr(),
            softLimit: 0,
            hardLimit: 0,
            currentUsed: 0,
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceGetMemoryLimits_v1(self.handle, &mut limits)
        )?;
        Ok(MemoryLimits {
            soft_limit: limits.softLimit,
            hard_limit: limits.hardLimit,
            current_used: limits.currentUsed,
        })
    }

    /// Sets the soft and hard memory limits, in bytes, of a cgroup on this device
    /// (`nvmlDeviceSetMemoryLimits_v1`). `cgroup` is the full sysfs path of the cgroup file.
    /// Requires root; Linux only.
    #[doc(alias = "nvmlDeviceSetMemoryLimits_v1")]
    pub fn set_memory_limits(&self, cgroup: &str, soft_limit: u64, hard_limit: u64) -> Result<()> {
        let path = c_string(cgroup)?;
        let mut limits = sys::nvmlSetMemoryLimits_v1_t {
            nameSpace: path.as_ptr(),
            softLimit: soft_limit,
            hardLimit: hard_limit,
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceSetMemoryLimits_v1(self.handle, &mut limits)
        )
    }
}

/// The chips of a `nvmlBridgeChipHierarchy_t`; a count past the array is clamped to it.
fn bridge_chips(hierarchy: &sys::nvmlBridgeChipHierarchy_t) -> Result<Vec<BridgeChip>> {
    hierarchy
        .bridgeChipInfo
        .iter()
        .take(usize::from(hierarchy.bridgeCount))
        .map(|chip| {
            Ok(BridgeChip {
                kind: BridgeChipType::try_from(chip.type_)?,
                firmware_version: chip.fwVersion,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridge_chip_counts_are_clamped_to_the_array() {
        let mut raw = sys::nvmlBridgeChipHierarchy_t {
            bridgeCount: 255,
            ..Default::default()
        };
        raw.bridgeChipInfo[0] = sys::nvmlBridgeChipInfo_t {
            type_: sys::NVML_BRIDGE_CHIP_BRO4,
            fwVersion: 0x0102,
        };
        let chips = bridge_chips(&raw).unwrap();
        assert_eq!(chips.len(), raw.bridgeChipInfo.len());
        assert_eq!(
            chips[0],
            BridgeChip {
                kind: BridgeChipType::Bro4,
                firmware_version: 0x0102
            }
        );
        assert_eq!(chips[1].kind, BridgeChipType::Plx);
        raw.bridgeCount = 1;
        raw.bridgeChipInfo[0].type_ = 9;
        assert_eq!(
            bridge_chips(&raw).unwrap()[0].kind,
            BridgeChipType::Other(9)
        );
    }

    #[test]
    fn capabilities_keep_unknown_bits() {
        let caps = DeviceCapabilities::from_bits_retain(sys::NVML_DEV_CAP_EGM | 1 << 30);
        assert!(caps.contains(DeviceCapabilities::EGM));
        assert_eq!(caps.bits(), sys::NVML_DEV_CAP_EGM | 1 << 30);
    }
}
