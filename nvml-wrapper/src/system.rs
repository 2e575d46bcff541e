//! System queries: versions, process names, topology, excluded devices.

use std::ffi::c_uint;

use nvml_sys as sys;

use crate::device::{Device, PciInfo};
use crate::error::Result;
use crate::ffi::{LIST_MAX, nvml_call, read_list, read_string, string_from_c_buf};
use crate::nvml::Nvml;

/// A CUDA driver version, e.g. 13.0 (`nvmlSystemGetCudaDriverVersion_v2` reports `13000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CudaVersion {
    /// Major version (`raw / 1000`).
    pub major: u32,
    /// Minor version (`raw % 1000 / 10`).
    pub minor: u32,
}

impl CudaVersion {
    /// Splits NVML's integer form (`1000 * major + 10 * minor`).
    pub fn from_raw(raw: u32) -> Self {
        Self {
            major: raw / 1000,
            minor: raw % 1000 / 10,
        }
    }
}

impl std::fmt::Display for CudaVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A GPU NVML was told to ignore (`nvmlExcludedDeviceInfo_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExcludedDevice {
    /// Where it sits on the PCI bus, and its ids (`pciInfo`); its bus id is e.g.
    /// `"00000000:18:00.0"`.
    pub pci_info: PciInfo,
    /// UUID.
    pub uuid: String,
}

/// A host interface card (S-class) entry (`nvmlHwbcEntry_t`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HwbcEntry {
    /// Id of the card.
    pub id: u32,
    /// Its firmware version.
    pub firmware_version: String,
}

bitflags::bitflags! {
    /// Kinds of Common Platform Error Records to read (`nvmlCPERType_t`, a bit mask).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
    pub struct CperTypes: u32 {
        /// GPU records (`NVML_CPER_ACCESS_TYPE_GPU`); needs a GPU UUID.
        const GPU = sys::NVML_CPER_ACCESS_TYPE_GPU;
        /// Bits from a driver newer than these bindings.
        const _ = !0;
    }
}

/// Entries [`Nvml::hic_version`] offers room for on its first call.
const HIC_FIRST_CAPACITY: usize = 8;
/// Calls [`Nvml::hic_version`] makes at most.
const HIC_RETRIES: usize = 4;

/// How many record batches [`Nvml::cper_records`] reads at most.
const CPER_MAX_BATCHES: usize = 1024;
/// The largest batch of CPER records believed, in bytes.
const CPER_MAX_BATCH_BYTES: usize = 64 << 20;
/// The most CPER record bytes [`Nvml::cper_records`] gathers in all: a library that keeps
/// answering full batches is not followed past this.
const CPER_MAX_TOTAL_BYTES: usize = 64 << 20;

impl Nvml {
    /// Version of the installed NVIDIA driver, e.g. `"580.65.06"`
    /// (`nvmlSystemGetDriverVersion`).
    #[doc(alias = "nvmlSystemGetDriverVersion")]
    pub fn driver_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self, nvmlSystemGetDriverVersion(buf, len))
        })
    }

    /// Version of the NVML library, e.g. `"13.580.65.06"` (`nvmlSystemGetNVMLVersion`).
    #[doc(alias = "nvmlSystemGetNVMLVersion")]
    pub fn nvml_version(&self) -> Result<String> {
        read_string::<{ sys::NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE as usize }>(|buf, len| {
            nvml_call!(self, nvmlSystemGetNVMLVersion(buf, len))
        })
    }

    /// The newest CUDA version the driver supports (`nvmlSystemGetCudaDriverVersion_v2`, or
    /// `nvmlSystemGetCudaDriverVersion` on drivers without it).
    #[doc(alias = "nvmlSystemGetCudaDriverVersion")]
    #[doc(alias = "nvmlSystemGetCudaDriverVersion_v2")]
    pub fn cuda_driver_version(&self) -> Result<CudaVersion> {
        let raw = self.versions().cuda_driver_version()?;
        let raw = u32::try_from(raw).map_err(|_| crate::NvmlError::UnexpectedValue {
            what: "CUDA driver version",
            value: i64::from(raw),
        })?;
        Ok(CudaVersion::from_raw(raw))
    }

    /// Name of the process with this pid (`nvmlSystemGetProcessName`).
    #[doc(alias = "nvmlSystemGetProcessName")]
    pub fn process_name(&self, pid: u32) -> Result<String> {
        read_string::<256>(|buf, len| nvml_call!(self, nvmlSystemGetProcessName(pid, buf, len)))
    }

    /// The GPUs attached to this CPU (`nvmlSystemGetTopologyGpuSet`).
    #[doc(alias = "nvmlSystemGetTopologyGpuSet")]
    pub fn topology_gpu_set(&self, cpu_number: u32) -> Result<Vec<Device<'_>>> {
        let handles = read_list(|count, items| {
            nvml_call!(self, nvmlSystemGetTopologyGpuSet(cpu_number, count, items))
        })?;
        handles
            .into_iter()
            .map(|h| Device::from_handle(self, h))
            .collect()
    }

    /// Number of GPUs NVML was told to ignore (`nvmlGetExcludedDeviceCount`).
    #[doc(alias = "nvmlGetExcludedDeviceCount")]
    pub fn excluded_device_count(&self) -> Result<u32> {
        let mut count: c_uint = 0;
        nvml_call!(self, nvmlGetExcludedDeviceCount(&mut count))?;
        Ok(count)
    }

    /// The GPUs NVML was told to ignore (`nvmlGetExcludedDeviceInfoByIndex`).
    #[doc(alias = "nvmlGetExcludedDeviceInfoByIndex")]
    pub fn excluded_devices(&self) -> Result<Vec<ExcludedDevice>> {
        (0..crate::ffi::believable_count(self.excluded_device_count()?, "excluded device count")?)
            .map(|index| {
                let mut info = sys::nvmlExcludedDeviceInfo_t::default();
                nvml_call!(self, nvmlGetExcludedDeviceInfoByIndex(index, &mut info))?;
                Ok(ExcludedDevice {
                    pci_info: PciInfo::from_raw(&info.pciInfo, &info.pciInfo.busId)?,
                    uuid: string_from_c_buf(&info.uuid)?,
                })
            })
            .collect()
    }

    /// Driver branch, e.g. `"r580_00"` (`nvmlSystemGetDriverBranch` with
    /// `nvmlSystemDriverBranchInfo_v1`).
    #[doc(alias = "nvmlSystemGetDriverBranch")]
    pub fn driver_branch(&self) -> Result<String> {
        let mut info = sys::nvmlSystemDriverBranchInfo_t {
            version: sys::nvmlSystemDriverBranchInfo_v1,
            branch: [0; 80],
        };
        let len = info.branch.len() as c_uint;
        nvml_call!(self, nvmlSystemGetDriverBranch(&mut info, len))?;
        string_from_c_buf(&info.branch)
    }

    /// Host interface cards (S-class systems) and their firmware versions
    /// (`nvmlSystemGetHicVersion`); empty on other systems.
    ///
    /// The header forbids a null array, so there is no count query: a buffer of a few entries
    /// is offered, and grown (bounded) to the count the driver asks for.
    #[doc(alias = "nvmlSystemGetHicVersion")]
    pub fn hic_version(&self) -> Result<Vec<HwbcEntry>> {
        let mut capacity = HIC_FIRST_CAPACITY;
        for _ in 0..HIC_RETRIES {
            let mut entries = crate::ffi::unwritten::<sys::nvmlHwbcEntry_t>(capacity);
            let mut count = capacity as c_uint;
            match nvml_call!(
                self,
                nvmlSystemGetHicVersion(&mut count, entries.as_mut_ptr())
            ) {
                Ok(()) => {
                    return crate::ffi::written(entries, count)
                        .iter()
                        .map(|e| {
                            Ok(HwbcEntry {
                                id: e.hwbcId,
                                firmware_version: string_from_c_buf(&e.firmwareVersion)?,
                            })
                        })
                        .collect();
                }
                Err(crate::NvmlError::InsufficientSize(_))
                    if (count as usize) > capacity && (count as usize) <= LIST_MAX =>
                {
                    capacity = count as usize;
                }
                Err(e) => return Err(e),
            }
        }
        Err(crate::NvmlError::InsufficientSize(
            "nvmlSystemGetHicVersion",
        ))
    }

    /// Every Common Platform Error Record (CPER) of the given types, for one GPU
    /// (`gpu_uuid`, required for [`CperTypes::GPU`]) or all (`None`), as the raw record
    /// bytes, concatenated (`nvmlSystemGetCPER_v1`: a size query, then a read, with the same
    /// cursor, until the driver reports no more records). Requires root.
    ///
    /// # Errors
    /// [`NvmlError::UnexpectedValue`](crate::NvmlError::UnexpectedValue) if the records add up
    /// to more than 64 MiB (a library that never stops is not followed); NVML's errors.
    #[doc(alias = "nvmlSystemGetCPER_v1")]
    pub fn cper_records(&self, types: CperTypes, gpu_uuid: Option<&str>) -> Result<Vec<u8>> {
        let mut cursor = sys::nvmlCPERCursor_v1_t {
            cperTypeMask: types.bits(),
            uuid: [0; 80],
            handle: 0,
        };
        if let Some(uuid) = gpu_uuid {
            let bytes = crate::ffi::c_string(uuid)?.into_bytes();
            if bytes.len() >= cursor.uuid.len() {
                return Err(crate::NvmlError::InvalidInput("UUID longer than 79 bytes"));
            }
            for (dst, src) in cursor.uuid.iter_mut().zip(&bytes) {
                *dst = *src as std::ffi::c_char;
            }
        }
        let mut records = Vec::new();
        for _ in 0..CPER_MAX_BATCHES {
            // Size query: how many bytes the next batch needs (0: no more records).
            let mut query = sys::nvmlGetCPER_v1_t {
                cursor,
                buffer: std::ptr::null_mut(),
                bufferSize: 0,
            };
            match nvml_call!(self, nvmlSystemGetCPER_v1(&mut query)) {
                Ok(()) | Err(crate::NvmlError::InsufficientSize(_)) => {}
                Err(e) => return Err(e),
            }
            cursor = query.cursor;
            let wanted = (query.bufferSize as usize).min(CPER_MAX_BATCH_BYTES);
            if wanted == 0 {
                return Ok(records);
            }
            let mut buf = vec![0u8; wanted];
            let mut read = sys::nvmlGetCPER_v1_t {
                cursor,
                buffer: buf.as_mut_ptr(),
                bufferSize: wanted as c_uint,
            };
            match nvml_call!(self, nvmlSystemGetCPER_v1(&mut read)) {
                Ok(()) => {}
                // More records arrived since the size query: ask again.
                Err(crate::NvmlError::InsufficientSize(_)) => continue,
                Err(e) => return Err(e),
            }
            let used = (read.bufferSize as usize).min(wanted);
            if used == 0 {
                return Ok(records);
            }
            if records.len().saturating_add(used) > CPER_MAX_TOTAL_BYTES {
                return Err(crate::NvmlError::UnexpectedValue {
                    what: "CPER record bytes (more than 64 MiB in all)",
                    value: i64::try_from(records.len().saturating_add(used)).unwrap_or(i64::MAX),
                });
            }
            records.extend_from_slice(buf.get(..used).unwrap_or_default());
            cursor = read.cursor;
        }
        Ok(records)
    }
}
