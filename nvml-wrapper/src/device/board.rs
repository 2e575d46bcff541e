//! The board and its firmware: the GPU's uptime, bridge chips, PDI, module and platform ids,
//! IRQ, boards shared with other GPUs, core count, hostname, InfoROM, GSP firmware,
//! capabilities and black-box (BBX) data.

use std::ffi::{c_int, c_uint, c_ulong, c_ulonglong};

use nvml_sys as sys;

use super::Device;
use crate::enums::nvml_enum;
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_string, string_from_c_buf};
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
