//! The profile format: the types a profile file (JSON) deserializes into, with the key names
//! and units a file uses. Built-in machines are files of this format
//! (`nvml-mock/profiles/builtin/*.json`); `FORMAT.md` documents every key.

use serde::{Deserialize, Serialize};

/// `INVALID_GPU_INSTANCE_PROFILE_ID` / `INVALID_GPU_INSTANCE_ID` of `nvml.h` (0xFFFFFFFF).
pub const INVALID_ID: u32 = 0xFFFF_FFFF;

/// Most S-class units a profile may have.
pub const MAX_UNITS: usize = 16;

const MIB: u64 = 1024 * 1024;

/// An S-class unit: an external enclosure of GPUs with its own PSU, fans, sensors and LED.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "UnitFile", into = "UnitFile")]
pub struct UnitSpec {
    /// Product name.
    pub name: String,
    /// Product identifier.
    pub id: String,
    /// Serial number.
    pub serial: String,
    /// Firmware version.
    pub firmware_version: String,
    /// LED at start: amber (`true`) or green.
    pub led_amber: bool,
    /// Why the LED is amber (empty when green).
    pub led_cause: String,
    /// PSU state (`"Normal"` or `"Abnormal ..."`).
    pub psu_state: String,
    /// PSU current in hundredths of an ampere, as the library reports it (nvidia-smi prints
    /// `current / 100` A).
    pub psu_current_ca: u32,
    /// PSU voltage in hundredths of a volt, as the library reports it (nvidia-smi prints
    /// `voltage / 100` V).
    pub psu_voltage_cv: u32,
    /// PSU power draw, W.
    pub psu_power_w: u32,
    /// Intake, exhaust and board temperatures (°C; `None`: no such sensor).
    pub temperatures: [Option<u32>; 3],
    /// Fans: (speed RPM, failed).
    pub fans: Vec<(u32, bool)>,
    /// Indices of the GPUs inside the unit.
    pub gpus: Vec<u32>,
}

/// Confidential computing settings of a system (a CC-capable CPU and GPUs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfCompute {
    /// `NVML_CC_SYSTEM_CPU_CAPS_*`.
    #[serde(rename = "cpu", with = "cc_cpu")]
    pub cpu_caps: u32,
    /// `NVML_CC_SYSTEM_ENVIRONMENT_*`.
    #[serde(with = "cc_environment")]
    pub environment: u32,
    /// CC mode on.
    pub enabled: bool,
    /// Developer tools mode on.
    pub devtools: bool,
    /// `NVML_CC_SYSTEM_MULTIGPU_*`.
    #[serde(with = "cc_multi_gpu")]
    pub multi_gpu: u32,
    /// GPUs accept work (set by the attestation agent).
    pub gpus_ready: bool,
    /// Key rotation threshold: maximum attacker advantage (50..=65).
    pub key_rotation_threshold: u64,
    /// Unprotected memory of each GPU, KiB.
    #[serde(rename = "unprotected_mem_mib", with = "kib_as_mib")]
    pub unprotected_kib: u64,
}

/// One vGPU type of the host's table (a row of `nvidia-smi vgpu -s -v`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VgpuType {
    /// `nvmlVgpuTypeId_t`.
    pub id: u32,
    /// Name, e.g. `NVIDIA H100-10C`.
    pub name: String,
    /// Class: `Compute`, `Quadro`, `NVS`.
    pub class: String,
    /// Framebuffer, bytes.
    #[serde(rename = "framebuffer_mib", with = "mib")]
    pub framebuffer: u64,
    /// Most instances of this type on one physical GPU.
    pub max_instances: u32,
    /// Most instances of this type in one VM.
    #[serde(rename = "max_instances_per_vm")]
    pub max_per_vm: u32,
    /// Frame rate limit (0: limiter off, the queries answer NOT_SUPPORTED).
    pub frame_rate_limit: u32,
    /// Maximum resolution of each display head.
    pub resolution: (u32, u32),
    /// Display heads.
    pub display_heads: u32,
    /// License feature string.
    pub license: String,
    /// PCI device id of the virtual device.
    pub device_id: u64,
    /// PCI subsystem id of the virtual device.
    pub subsystem_id: u64,
    /// GPU instance profile id of a MIG-backed type, `INVALID_GPU_INSTANCE_PROFILE_ID` for
    /// time-sliced types.
    #[serde(rename = "gpu_instance_profile_id", with = "invalid_as_null")]
    pub gi_profile_id: u32,
    /// BAR1, MiB.
    pub bar1_mib: u64,
    /// Framebuffer reserved by the host for an instance, bytes.
    #[serde(rename = "fb_reservation_mib", with = "mib")]
    pub fb_reservation: u64,
    /// GSP heap of an instance, bytes.
    #[serde(rename = "gsp_heap_mib", with = "mib")]
    pub gsp_heap: u64,
    /// Placement slots an instance occupies (of the GPU's `vgpu_placement_slots`).
    pub placement_size: u32,
}

/// A process inside a VM (accounting and process utilization of a vGPU instance).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VmProcess {
    /// Guest pid.
    pub pid: u32,
    /// Guest process name.
    pub name: String,
    /// SM utilization, percent.
    pub sm_util: u32,
    /// Framebuffer memory utilization, percent.
    pub mem_util: u32,
    /// Peak memory, bytes.
    #[serde(rename = "max_memory_mib", with = "mib")]
    pub max_memory: u64,
}

/// An active vGPU instance (a VM running on the host).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VgpuInstanceSpec {
    /// `nvmlVgpuInstance_t` (non-zero).
    pub id: u32,
    /// Index of the physical GPU.
    pub gpu: u32,
    /// vGPU type id.
    pub type_id: u32,
    /// VM id (a UUID on KVM).
    pub vm_id: String,
    /// Guest driver version.
    pub vm_driver_version: String,
    /// vGPU UUID.
    pub uuid: String,
    /// mdev UUID.
    pub mdev_uuid: String,
    /// Framebuffer used, bytes.
    #[serde(rename = "fb_usage_mib", with = "mib")]
    pub fb_usage: u64,
    /// Encoder capacity, percent.
    pub encoder_capacity: u32,
    /// Licensed.
    pub licensed: bool,
    /// Accounting mode.
    #[serde(rename = "accounting_mode")]
    pub accounting: bool,
    /// Processes in the VM.
    pub processes: Vec<VmProcess>,
    /// Placement id (start slot).
    pub placement_id: u32,
    /// PCI bus id of the vGPU inside the VM.
    pub guest_pci_id: String,
    /// SM utilization of the instance, percent.
    pub sm_util: u32,
    /// Framebuffer memory utilization of the instance, percent.
    pub mem_util: u32,
}

/// A process using a GPU.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProcessSpec {
    /// Process id.
    pub pid: u32,
    /// Process name (`nvmlSystemGetProcessName`).
    pub name: String,
    /// GPU memory used, bytes.
    #[serde(rename = "used_memory_mib", with = "mib")]
    pub used_memory: u64,
    /// `"compute"`, `"graphics"` or `"mps"`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// One MIG GPU instance profile (a row of the real `nvidia-smi mig -lgip` table).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GiProfile {
    /// `NVML_GPU_INSTANCE_PROFILE_*` index.
    pub profile: u32,
    /// Profile id reported in the info struct.
    pub id: u32,
    /// Name, e.g. `1g.10gb`.
    pub name: String,
    /// Memory slices (out of 8).
    pub slices: u32,
    /// Compute slices.
    pub compute_slices: u32,
    /// Maximum instances of this profile.
    pub instance_count: u32,
    /// SMs.
    pub sm_count: u32,
    /// Memory in MiB.
    pub memory_mb: u64,
    /// Copy engines.
    pub copy_engines: u32,
    /// Decoders.
    pub decoders: u32,
    /// Encoders.
    pub encoders: u32,
    /// JPEG engines.
    pub jpegs: u32,
    /// OFA engines.
    pub ofas: u32,
    /// Valid placement starts (memory slice index).
    pub placements: Vec<u32>,
}

/// Everything about one GPU that the profile fixes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // field names say what they hold; units are in the names
pub struct GpuSpec {
    pub name: String,
    #[serde(with = "brand")]
    pub brand: u32,
    #[serde(with = "architecture")]
    pub architecture: u32,
    pub cuda_cc: (i32, i32),
    pub uuid: String,
    pub serial: Option<String>,
    pub board_id: u32,
    pub board_part_number: String,
    /// GPU (chip) part number, as `nvidia-smi -q` prints it; empty: not reported (N/A).
    pub gpu_part_number: String,
    /// `NVML_DEVICE_ADDRESSING_MODE_*` (none, HMM, ATS).
    #[serde(with = "addressing_mode")]
    pub addressing_mode: u32,
    pub minor_number: u32,
    pub pci_domain: u32,
    pub pci_bus: u32,
    pub pci_device: u32,
    #[serde(with = "hex32")]
    pub pci_device_id: u32,
    #[serde(with = "hex32")]
    pub pci_subsystem_id: u32,
    /// The host NUMA node nearest the GPU (its CPU and memory affinity); -1: none.
    pub numa_node: i32,
    /// The GPU's own memory as a NUMA node (`nvmlDeviceGetNumaNodeId`), only on platforms
    /// where GPUs are NUMA nodes (Grace); `None`: NOT_SUPPORTED, as on x86.
    #[serde(default)]
    pub gpu_numa_node: Option<u32>,
    pub vbios_version: String,
    #[serde(rename = "inforom_image_version")]
    pub inforom_image: String,
    pub inforom_oem: String,
    pub inforom_ecc: String,
    pub inforom_power: String,
    #[serde(rename = "memory_total_mib", with = "mib")]
    pub memory_total: u64,
    #[serde(rename = "memory_reserved_mib", with = "mib")]
    pub memory_reserved: u64,
    #[serde(rename = "memory_overhead_mib", with = "mib")]
    pub memory_overhead: u64,
    #[serde(rename = "bar1_total_mib", with = "mib")]
    pub bar1_total: u64,
    #[serde(rename = "bar1_used_mib", with = "mib")]
    pub bar1_used: u64,
    #[serde(rename = "utilization_gpu")]
    pub util_gpu: u32,
    #[serde(rename = "utilization_memory")]
    pub util_memory: u32,
    #[serde(rename = "utilization_encoder")]
    pub util_encoder: u32,
    #[serde(rename = "utilization_decoder")]
    pub util_decoder: u32,
    pub temperature: u32,
    pub memory_temperature: u32,
    pub temp_shutdown: u32,
    pub temp_slowdown: u32,
    pub temp_mem_max: u32,
    pub temp_gpu_max: u32,
    #[serde(rename = "fan_speeds")]
    pub fans: Vec<u32>,
    pub power_usage_mw: u32,
    pub power_limit_mw: u32,
    pub power_default_limit_mw: u32,
    pub power_min_limit_mw: u32,
    pub power_max_limit_mw: u32,
    pub energy_base_mj: u64,
    pub clock_graphics: u32,
    pub clock_sm: u32,
    #[serde(rename = "clock_memory_mhz")]
    pub clock_mem: u32,
    pub clock_video: u32,
    pub max_graphics: u32,
    pub max_sm: u32,
    pub max_mem: u32,
    pub max_video: u32,
    pub default_app_graphics: u32,
    pub default_app_mem: u32,
    /// Memory clocks supported besides `max_mem`, each with the graphics clocks of the same
    /// grid up to its own highest (`max_graphics` when not given).
    #[serde(default)]
    pub low_mem_clocks: Vec<LowMemClock>,
    /// Memory power draw (`NVML_POWER_SCOPE_MEMORY` average), mW; 0: not reported.
    #[serde(default)]
    pub memory_power_mw: u32,
    pub min_graphics: u32,
    /// Step between supported graphics clocks, kHz (MHz in the file, `7.5` allowed: Blackwell
    /// steps by 7.5 MHz and NVML truncates each clock to whole MHz).
    #[serde(rename = "graphics_step", with = "decimal_mhz")]
    pub graphics_step_khz: u32,
    pub pstate: u32,
    pub clocks_event_reasons: u64,
    pub persistence_mode: bool,
    /// Per-process accounting at start (`nvmlDeviceGetAccountingMode`); off unless given.
    #[serde(default)]
    pub accounting_mode: bool,
    #[serde(with = "compute_mode")]
    pub compute_mode: u32,
    pub ecc_supported: bool,
    pub ecc_enabled: bool,
    pub ecc_corrected_volatile: u64,
    pub ecc_uncorrected_volatile: u64,
    pub ecc_corrected_aggregate: u64,
    pub ecc_uncorrected_aggregate: u64,
    /// Whether the GPU retires pages (Kepler to Turing; from Ampere on, row remapping
    /// replaces it and the page retirement queries answer NOT_SUPPORTED).
    #[serde(default)]
    pub page_retirement: bool,
    pub retired_pages_sbe: Vec<u64>,
    pub retired_pages_dbe: Vec<u64>,
    pub remapped_rows_correctable: u32,
    pub remapped_rows_uncorrectable: u32,
    pub pcie_max_gen: u32,
    pub pcie_max_width: u32,
    #[serde(rename = "pcie_generation")]
    pub pcie_gen: u32,
    pub pcie_width: u32,
    pub pcie_tx_kbps: u32,
    pub pcie_rx_kbps: u32,
    pub pcie_replay_counter: u32,
    pub nvlink_count: u32,
    /// `nvmlNvlinkVersion_t`: the enum value `nvmlDeviceGetNvLinkVersion` answers (6 for
    /// NvLink 4.0), written in the file as the version it names (`"4.0"`).
    #[serde(with = "nvlink_version")]
    pub nvlink_version: u32,
    pub nvlink_speed_mbps: u32,
    pub sm_count: u32,
    pub nvenc_count: u32,
    pub cuda_cores: u32,
    pub memory_bus_width: u32,
    pub mig_capable: bool,
    pub mig_enabled: bool,
    pub mig_profiles: Vec<GiProfile>,
    /// MIG GPU instances (with their compute instances) that exist at load; a file without
    /// any leaves the key out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mig_instances: Vec<super::MigInstanceSpec>,
    pub processes: Vec<ProcessSpec>,
    #[serde(with = "virtualization_mode")]
    pub virtualization_mode: u32,
    #[serde(rename = "vgpu_heterogeneous_mode")]
    pub vgpu_heterogeneous: bool,
    pub vgpu_placement_slots: u32,
    /// NvLink error counters at start, per link: (link, [replay, recovery, CRC flit, CRC
    /// data, ECC data]); links not listed have none.
    pub nvlink_errors: Vec<(u32, [u64; 5])>,
    /// T.Limit thresholds, °C relative to T.Limit: shutdown, slowdown, memory maximum, GPU
    /// maximum (`NVML_FI_DEV_TEMPERATURE_*_TLIMIT`, Ada and later).
    /// `None`: that threshold is not reported (an L40S has no memory T.Limit).
    #[serde(default = "hopper_tlimit_margins")]
    pub tlimit_margins: [Option<i32>; 4],
    /// The GPU's own highest PCIe generation (`nvmlDeviceGetGpuMaxPcieLinkGeneration`), which
    /// may exceed the link's (`pcie_max_gen`, limited by the host); 0: the link's.
    #[serde(default)]
    pub pcie_max_device_gen: u32,
    /// PCIe atomic operations the GPU issues (`NVML_FI_DEV_PCIE_OUTBOUND_ATOMICS_MASK`,
    /// `NVML_PCIE_ATOMICS_CAP_*` bits); 0: not reported.
    #[serde(default)]
    pub pcie_atomics_outbound: u32,
    /// PCIe atomic operations the GPU completes (`NVML_FI_DEV_PCIE_INBOUND_ATOMICS_MASK`).
    #[serde(default)]
    pub pcie_atomics_inbound: u32,
    /// Sparse operation mode (`None`: not supported).
    #[serde(default)]
    pub sparse_operation_mode: Option<bool>,
    /// Power of the whole module (a Grace Blackwell superchip), `NVML_POWER_SCOPE_MODULE`.
    #[serde(default)]
    pub module_power: Option<ModulePower>,
    /// The chip-to-chip link to a Grace CPU (`None`: C2C disabled).
    #[serde(default)]
    pub c2c: Option<C2cSpec>,
    /// Fabric health as the v3 fabric info reports it (`None`: not reported).
    #[serde(default)]
    pub fabric_health: Option<FabricHealth>,
    /// The fabric clique the GPU belongs to (fabric info `cliqueId`). Optional: 0, as on
    /// HGX H100 and B200 boards.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub fabric_clique_id: u32,
    /// The fabric cluster's UUID (fabric info `clusterUuid`), its 16 bytes in the order
    /// `nvidia-smi` prints them. Optional: all zeros, as on HGX H100 and B200 boards.
    #[serde(default, skip_serializing_if = "is_zero_uuid", with = "uuid_bytes")]
    pub fabric_cluster_uuid: [u8; 16],
    /// Power smoothing present: its field values answer for root, `NO_PERMISSION` otherwise.
    #[serde(default)]
    pub power_smoothing: bool,
    /// DRAM banks of the row remapper (`nvmlDeviceGetRowRemapperHistogram`, all with every
    /// reserved row available); 0: not supported.
    #[serde(default)]
    pub row_remapper_banks: u32,
    /// `nvmlDeviceGetDisplayMode`: a display can be attached (an A100 SXM4 says Enabled:
    /// qx-a100.xml).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub display_mode: bool,
    /// Per-board answers that override the capability model (`src/support.rs`): feature key
    /// to `true`, `false` (`NOT_SUPPORTED`) or `"deprecated"`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub support: crate::support::Overrides,
}

/// A topic of `gpu_defaults`: the GPU keys a profile groups under one name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GpuTopic {
    /// The topic's key in `gpu_defaults` (`"thermal"`).
    pub name: &'static str,
    /// What its keys describe, in a few words.
    pub about: &'static str,
    /// The GPU keys it holds, as a file names them, in the order files write them.
    pub keys: &'static [&'static str],
}

/// The topics of `gpu_defaults`, in the order files write them: every GPU key belongs to
/// exactly one (`cargo test -p nvml-mock --test it profile_format::` checks it against
/// [`GpuSpec`] and `FORMAT.md`). Each GPU's own keys are written in this order too.
pub const GPU_TOPICS: &[GpuTopic] = &[
    GpuTopic {
        name: "identity",
        about: "what the GPU is and which one it is",
        keys: &[
            "name",
            "brand",
            "architecture",
            "uuid",
            "serial",
            "minor_number",
            "board_id",
            "board_part_number",
            "gpu_part_number",
        ],
    },
    GpuTopic {
        name: "firmware",
        about: "VBIOS and InfoROM versions",
        keys: &[
            "vbios_version",
            "inforom_image_version",
            "inforom_oem",
            "inforom_ecc",
            "inforom_power",
        ],
    },
    GpuTopic {
        name: "compute",
        about: "compute capability and engines",
        keys: &["cuda_cc", "sm_count", "cuda_cores", "nvenc_count"],
    },
    GpuTopic {
        name: "pci",
        about: "PCI address and ids, the PCIe link and its counters",
        keys: &[
            "pci_domain",
            "pci_bus",
            "pci_device",
            "pci_device_id",
            "pci_subsystem_id",
            "pcie_max_gen",
            "pcie_max_width",
            "pcie_max_device_gen",
            "pcie_generation",
            "pcie_width",
            "pcie_tx_kbps",
            "pcie_rx_kbps",
            "pcie_replay_counter",
            "pcie_atomics_outbound",
            "pcie_atomics_inbound",
        ],
    },
    GpuTopic {
        name: "numa",
        about: "the host NUMA node near the GPU, and the GPU's own memory node",
        keys: &["numa_node", "gpu_numa_node"],
    },
    GpuTopic {
        name: "memory",
        about: "framebuffer, BAR1, bus width and addressing mode",
        keys: &[
            "memory_total_mib",
            "memory_reserved_mib",
            "memory_overhead_mib",
            "bar1_total_mib",
            "bar1_used_mib",
            "memory_bus_width",
            "addressing_mode",
        ],
    },
    GpuTopic {
        name: "utilization",
        about: "utilization readings",
        keys: &[
            "utilization_gpu",
            "utilization_memory",
            "utilization_encoder",
            "utilization_decoder",
        ],
    },
    GpuTopic {
        name: "processes",
        about: "processes running on the GPU",
        keys: &["processes"],
    },
    GpuTopic {
        name: "clocks",
        about: "current, maximum, application and supported clocks, performance state",
        keys: &[
            "clock_graphics",
            "clock_sm",
            "clock_memory_mhz",
            "clock_video",
            "max_graphics",
            "max_sm",
            "max_mem",
            "max_video",
            "default_app_graphics",
            "default_app_mem",
            "min_graphics",
            "graphics_step",
            "low_mem_clocks",
            "pstate",
            "clocks_event_reasons",
        ],
    },
    GpuTopic {
        name: "power",
        about: "power draw, limits, energy, module power and smoothing",
        keys: &[
            "power_usage_mw",
            "power_limit_mw",
            "power_default_limit_mw",
            "power_min_limit_mw",
            "power_max_limit_mw",
            "energy_base_mj",
            "memory_power_mw",
            "module_power",
            "power_smoothing",
        ],
    },
    GpuTopic {
        name: "thermal",
        about: "temperatures, thresholds and fans",
        keys: &[
            "temperature",
            "memory_temperature",
            "temp_shutdown",
            "temp_slowdown",
            "temp_mem_max",
            "temp_gpu_max",
            "tlimit_margins",
            "fan_speeds",
        ],
    },
    GpuTopic {
        name: "modes",
        about: "persistence, accounting, compute, display and sparse operation modes",
        keys: &[
            "persistence_mode",
            "accounting_mode",
            "compute_mode",
            "display_mode",
            "sparse_operation_mode",
        ],
    },
    GpuTopic {
        name: "ecc",
        about: "ECC mode and counters, retired pages, remapped rows",
        keys: &[
            "ecc_supported",
            "ecc_enabled",
            "ecc_corrected_volatile",
            "ecc_uncorrected_volatile",
            "ecc_corrected_aggregate",
            "ecc_uncorrected_aggregate",
            "page_retirement",
            "retired_pages_sbe",
            "retired_pages_dbe",
            "remapped_rows_correctable",
            "remapped_rows_uncorrectable",
            "row_remapper_banks",
        ],
    },
    GpuTopic {
        name: "nvlink",
        about: "NvLink links and their error counters, the C2C link",
        keys: &[
            "nvlink_count",
            "nvlink_version",
            "nvlink_speed_mbps",
            "nvlink_errors",
            "c2c",
        ],
    },
    GpuTopic {
        name: "fabric",
        about: "the NvLink fabric: health, clique and cluster",
        keys: &["fabric_health", "fabric_clique_id", "fabric_cluster_uuid"],
    },
    GpuTopic {
        name: "mig",
        about: "MIG capability, mode, GPU instance profiles and the instances at load",
        keys: &[
            "mig_capable",
            "mig_enabled",
            "mig_profiles",
            "mig_instances",
        ],
    },
    GpuTopic {
        name: "virtualization",
        about: "virtualization mode and vGPU placement",
        keys: &[
            "virtualization_mode",
            "vgpu_heterogeneous_mode",
            "vgpu_placement_slots",
        ],
    },
    GpuTopic {
        name: "support",
        about: "the board's answers where they differ from the capability model",
        keys: &["support"],
    },
];

/// The `gpu_defaults` topic a GPU key belongs to (`None`: not a GPU key).
pub fn gpu_topic_of(key: &str) -> Option<&'static GpuTopic> {
    GPU_TOPICS.iter().find(|t| t.keys.contains(&key))
}

fn hopper_tlimit_margins() -> [Option<i32>; 4] {
    [Some(-8), Some(-2), Some(0), Some(0)]
}

/// A supported memory clock besides the highest: `405`, or `{"mhz": 405, "max_graphics":
/// 645}` where its graphics clocks stop below the board's maximum (a T4 at 405 MHz lists
/// 645..300 MHz, an L40S 405..210 MHz: qx-t4.xml, qx-l40s.xml).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LowMemClock {
    /// The memory clock, MHz.
    pub mhz: u32,
    /// Its highest graphics clock, MHz (`None`: the board's `max_graphics`).
    pub max_graphics: Option<u32>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum LowMemClockFile {
    Plain(u32),
    Capped { mhz: u32, max_graphics: u32 },
}

impl Serialize for LowMemClock {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.max_graphics {
            None => LowMemClockFile::Plain(self.mhz),
            Some(max_graphics) => LowMemClockFile::Capped {
                mhz: self.mhz,
                max_graphics,
            },
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for LowMemClock {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(
            match LowMemClockFile::deserialize(d).map_err(|_| {
                serde::de::Error::custom(
                    "expected a memory clock in MHz or {\"mhz\": N, \"max_graphics\": N}",
                )
            })? {
                LowMemClockFile::Plain(mhz) => LowMemClock {
                    mhz,
                    max_graphics: None,
                },
                LowMemClockFile::Capped { mhz, max_graphics } => LowMemClock {
                    mhz,
                    max_graphics: Some(max_graphics),
                },
            },
        )
    }
}

/// Module power (`NVML_POWER_SCOPE_MODULE`): a Grace Blackwell superchip's GPU, CPU and memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModulePower {
    /// Power draw, mW.
    pub usage_mw: u32,
    /// Enforced (and requested) limit, mW.
    pub limit_mw: u32,
    /// Default limit, mW.
    pub default_limit_mw: u32,
    /// Lowest settable limit, mW.
    pub min_limit_mw: u32,
    /// Highest settable limit, mW.
    pub max_limit_mw: u32,
}

/// The NVLink-C2C connection of a GPU to its Grace CPU.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct C2cSpec {
    /// Links (`NVML_FI_DEV_C2C_LINK_COUNT`), all active.
    pub links: u32,
    /// Bandwidth of each link, MB/s (`NVML_FI_DEV_C2C_LINK_GET_MAX_BW`).
    pub link_bandwidth_mbps: u32,
}

/// Fabric health (`nvmlGpuFabricInfo_v3_t`): each condition `Some(true)`, `Some(false)` or
/// `None` (not supported).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FabricHealth {
    /// `NVML_GPU_FABRIC_HEALTH_SUMMARY_*`.
    #[serde(with = "fabric_summary")]
    pub summary: u32,
    /// Bandwidth degraded.
    pub degraded_bandwidth: Option<bool>,
    /// Route recovery in progress.
    pub route_recovery: Option<bool>,
    /// A route is unhealthy.
    pub route_unhealthy: Option<bool>,
    /// Access timeout recovery in progress.
    pub access_timeout_recovery: Option<bool>,
    /// `NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_*`.
    #[serde(with = "fabric_configuration")]
    pub incorrect_configuration: u32,
    /// A partition is assigned.
    pub partition_assigned: Option<bool>,
}

impl FabricHealth {
    /// The `healthMask` word: each condition in its `NVML_GPU_FABRIC_HEALTH_MASK_*` bits.
    pub fn mask(&self) -> u32 {
        // nvml.h encodes a condition as 0 (not supported), 1 (true) or 2 (false).
        let bits = |v: Option<bool>| match v {
            None => 0,
            Some(true) => 1,
            Some(false) => 2,
        };
        bits(self.degraded_bandwidth)
            | bits(self.route_recovery) << 2
            | bits(self.route_unhealthy) << 4
            | bits(self.access_timeout_recovery) << 6
            | (self.incorrect_configuration & 0xf) << 8
            | bits(self.partition_assigned) << 12
    }
}

/// Which CPUs and memory nodes the affinity queries (`nvmlDeviceGetCpuAffinity*`,
/// `nvmlDeviceGetMemoryAffinity`, `nvmlSystemGetTopologyGpuSet`) name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CpuAffinity {
    /// The CPUs this process may run on, split into the profile's NUMA nodes: a scheduler
    /// that checks the masks against the machine (SLURM) finds CPUs that exist.
    #[default]
    Host,
    /// The profile's `numa_cpus` and node numbers, exactly.
    Profile,
}

impl CpuAffinity {
    /// Whether this is the default, [`CpuAffinity::Host`].
    pub fn is_host(&self) -> bool {
        *self == CpuAffinity::Host
    }
}

/// A whole simulated machine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Profile name.
    pub name: String,
    /// `nvmlSystemGetDriverVersion`.
    pub driver_version: String,
    /// `nvmlSystemGetNVMLVersion`.
    pub nvml_version: String,
    /// `nvmlSystemGetCudaDriverVersion` (e.g. 13000 for 13.0).
    pub cuda_driver_version: i32,
    /// Whether the caller is treated as root (privileged setters succeed).
    pub root: bool,
    /// Logical CPUs of the host.
    pub cpu_count: u32,
    /// CPUs of each NUMA node.
    pub numa_cpus: Vec<Vec<u32>>,
    /// Whose CPUs the affinity queries name: the host's, split into as many NUMA nodes as
    /// `numa_cpus` has (the default), or `numa_cpus` as given. Optional in every file.
    #[serde(default, skip_serializing_if = "CpuAffinity::is_host")]
    pub cpu_affinity: CpuAffinity,
    /// The GPUs, in NVML index order.
    pub gpus: Vec<GpuSpec>,
    /// vGPU types of the host (empty on bare metal).
    pub vgpu_types: Vec<VgpuType>,
    /// Active vGPU instances.
    pub vgpu_instances: Vec<VgpuInstanceSpec>,
    /// vGPU versions the host supports (min, max), e.g. 0x120000 for 18.0.
    #[serde(with = "min_max")]
    pub vgpu_version: (u32, u32),
    /// Confidential computing (`None`: the platform has none, CC queries NOT_SUPPORTED).
    #[serde(rename = "confidential_computing")]
    pub conf_compute: Option<ConfCompute>,
    /// S-class units (empty on current systems).
    pub units: Vec<UnitSpec>,
    /// GPUs NVML was told to leave alone (empty: none). Optional in every file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_gpus: Vec<ExcludedGpu>,
    /// Readings that move over time (`None`: every reading is constant). Optional in every
    /// file, built-in ones included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic: Option<super::DynamicSpec>,
}

impl GpuSpec {
    /// Graphics clocks supported with the given memory clock, highest first.
    pub fn supported_graphics_clocks(&self, mem: u32) -> Option<Vec<u32>> {
        let high = if mem == self.max_mem {
            self.max_graphics
        } else {
            let low = self.low_mem_clocks.iter().find(|l| l.mhz == mem)?;
            low.max_graphics
                .unwrap_or(self.max_graphics)
                .min(self.max_graphics)
        };
        Some({
            // The clocks lie on a grid from the lowest up, in kHz, each truncated to MHz
            // (B200: 120, 127, 135, 142, ... by 7.5 MHz).
            let step = u64::from(self.graphics_step_khz.max(1));
            let (low, high) = (u64::from(self.min_graphics), u64::from(high));
            let mut v: Vec<u32> = (0..512u64)
                .map(|k| (low * 1000 + k * step) / 1000)
                .take_while(|&c| c <= high)
                .filter_map(|c| u32::try_from(c).ok())
                .collect();
            v.reverse();
            v
        })
    }

    /// `00000000:18:00.0` (the v2/v3 `busId`).
    pub fn bus_id(&self) -> String {
        bus_id(self.pci_domain, self.pci_bus, self.pci_device)
    }

    /// `0000:18:00.0` (the legacy 16-byte `busIdLegacy`).
    pub fn bus_id_legacy(&self) -> String {
        bus_id_legacy(self.pci_domain, self.pci_bus, self.pci_device)
    }
}

/// `00000000:18:00.0`: a PCI address as the v2/v3 `busId` writes it.
fn bus_id(domain: u32, bus: u32, device: u32) -> String {
    format!("{domain:08X}:{bus:02X}:{device:02X}.0")
}

/// `0000:18:00.0`: a PCI address as the legacy 16-byte `busIdLegacy` writes it.
fn bus_id_legacy(domain: u32, bus: u32, device: u32) -> String {
    format!("{domain:04X}:{bus:02X}:{device:02X}.0")
}

/// A GPU that NVML was told to leave alone (the kernel module's `NVreg_ExcludedGpus`): it is
/// none of NVML's devices, and only `nvmlGetExcludedDeviceCount` and
/// `nvmlGetExcludedDeviceInfoByIndex` (`nvmlExcludedDeviceInfo_t`: its PCI information and
/// UUID) name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludedGpu {
    /// UUID, `GPU-` and the hex digits, as a GPU's.
    pub uuid: String,
    /// PCI domain.
    pub pci_domain: u32,
    /// PCI bus.
    pub pci_bus: u32,
    /// PCI device.
    pub pci_device: u32,
    /// PCI device id (device in the upper 16 bits, vendor in the lower).
    #[serde(with = "hex32")]
    pub pci_device_id: u32,
    /// PCI subsystem id.
    #[serde(with = "hex32")]
    pub pci_subsystem_id: u32,
}

impl ExcludedGpu {
    /// `00000000:18:00.0` (the v2/v3 `busId`).
    pub fn bus_id(&self) -> String {
        bus_id(self.pci_domain, self.pci_bus, self.pci_device)
    }

    /// `0000:18:00.0` (the legacy 16-byte `busIdLegacy`).
    pub fn bus_id_legacy(&self) -> String {
        bus_id_legacy(self.pci_domain, self.pci_bus, self.pci_device)
    }
}

impl Default for ConfCompute {
    /// A production SEV-SNP system with CC on (what a partial `confidential_computing` object
    /// starts from when the base profile has none).
    fn default() -> Self {
        ConfCompute {
            cpu_caps: nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_SNP,
            environment: nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_PROD,
            enabled: true,
            devtools: false,
            multi_gpu: nvml_sys::NVML_CC_SYSTEM_MULTIGPU_NONE,
            gpus_ready: false,
            key_rotation_threshold: 60,
            unprotected_kib: 256 * 1024,
        }
    }
}

impl Default for VgpuType {
    fn default() -> Self {
        VgpuType {
            id: 0,
            name: String::new(),
            class: "Compute".into(),
            framebuffer: 0,
            max_instances: 1,
            max_per_vm: 1,
            frame_rate_limit: 0,
            resolution: (4096, 2160),
            display_heads: 1,
            license: String::new(),
            device_id: 0x2331_10de,
            subsystem_id: 0,
            gi_profile_id: INVALID_ID,
            bar1_mib: 16_384,
            fb_reservation: 0,
            gsp_heap: 0,
            placement_size: 1,
        }
    }
}

impl Default for VgpuInstanceSpec {
    /// Empty ids and UUIDs are filled from the instance's position when the profile loads.
    fn default() -> Self {
        VgpuInstanceSpec {
            id: 0,
            gpu: 0,
            type_id: 0,
            vm_id: String::new(),
            vm_driver_version: "580.65.06".into(),
            uuid: String::new(),
            mdev_uuid: String::new(),
            fb_usage: 0,
            encoder_capacity: 100,
            licensed: true,
            accounting: false,
            processes: Vec::new(),
            placement_id: 0,
            guest_pci_id: "00000000:02:00.0".into(),
            sm_util: 0,
            mem_util: 0,
        }
    }
}

impl Default for ProcessSpec {
    fn default() -> Self {
        ProcessSpec {
            pid: 0,
            name: String::new(),
            used_memory: 0,
            kind: "compute".into(),
        }
    }
}

/// A unit as a file writes it: the PSU, sensors and fans as objects.
#[derive(Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct UnitFile {
    name: String,
    id: String,
    serial: String,
    firmware_version: String,
    #[serde(with = "led_colour")]
    led: bool,
    led_cause: String,
    psu: PsuFile,
    temperatures: UnitTemperatures,
    fans: Vec<FanFile>,
    gpus: Vec<u32>,
}

impl Default for UnitFile {
    fn default() -> Self {
        UnitFile {
            name: "NVIDIA S-Class Unit".into(),
            id: String::new(),
            serial: String::new(),
            firmware_version: String::new(),
            led: false,
            led_cause: String::new(),
            psu: PsuFile::default(),
            temperatures: UnitTemperatures::default(),
            fans: Vec::new(),
            gpus: Vec::new(),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PsuFile {
    state: String,
    #[serde(with = "hundredths")]
    current_a: u32,
    #[serde(with = "hundredths")]
    voltage_v: u32,
    power_w: u32,
}

impl Default for PsuFile {
    fn default() -> Self {
        PsuFile {
            state: "Normal".into(),
            current_a: 0,
            voltage_v: 1200,
            power_w: 0,
        }
    }
}

#[derive(Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct UnitTemperatures {
    intake: Option<u32>,
    exhaust: Option<u32>,
    board: Option<u32>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FanFile {
    rpm: u32,
    #[serde(with = "fan_state")]
    state: bool,
}

impl From<UnitFile> for UnitSpec {
    fn from(u: UnitFile) -> Self {
        UnitSpec {
            name: u.name,
            id: u.id,
            serial: u.serial,
            firmware_version: u.firmware_version,
            led_amber: u.led,
            led_cause: u.led_cause,
            psu_state: u.psu.state,
            psu_current_ca: u.psu.current_a,
            psu_voltage_cv: u.psu.voltage_v,
            psu_power_w: u.psu.power_w,
            temperatures: [
                u.temperatures.intake,
                u.temperatures.exhaust,
                u.temperatures.board,
            ],
            fans: u.fans.into_iter().map(|f| (f.rpm, f.state)).collect(),
            gpus: u.gpus,
        }
    }
}

impl From<UnitSpec> for UnitFile {
    fn from(u: UnitSpec) -> Self {
        let [intake, exhaust, board] = u.temperatures;
        UnitFile {
            name: u.name,
            id: u.id,
            serial: u.serial,
            firmware_version: u.firmware_version,
            led: u.led_amber,
            led_cause: u.led_cause,
            psu: PsuFile {
                state: u.psu_state,
                current_a: u.psu_current_ca,
                voltage_v: u.psu_voltage_cv,
                power_w: u.psu_power_w,
            },
            temperatures: UnitTemperatures {
                intake,
                exhaust,
                board,
            },
            fans: u
                .fans
                .into_iter()
                .map(|(rpm, state)| FanFile { rpm, state })
                .collect(),
            gpus: u.gpus,
        }
    }
}

/// A `(value, "name")` table as a serde adapter: the file holds the name, the spec the value.
macro_rules! named {
    ($module:ident: $ty:ty { $($value:expr => $name:literal),* $(,)? }) => {
        mod $module {
            use serde::de::Error as _;
            use serde::ser::Error as _;
            use serde::{Deserialize, Deserializer, Serializer};

            const TABLE: &[($ty, &str)] = &[$(($value, $name)),*];

            pub fn serialize<S: Serializer>(v: &$ty, s: S) -> Result<S::Ok, S::Error> {
                match TABLE.iter().find(|(n, _)| n == v) {
                    Some((_, name)) => s.serialize_str(name),
                    None => Err(S::Error::custom(format!("no name for the value {v}"))),
                }
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                let name = String::deserialize(d)?;
                TABLE.iter().find(|(_, n)| *n == name).map(|(v, _)| *v).ok_or_else(|| {
                    let names: Vec<&str> = TABLE.iter().map(|(_, n)| *n).collect();
                    D::Error::custom(format!("{name:?} is not one of {}", names.join(", ")))
                })
            }
        }
    };
}

named!(brand: u32 {
    nvml_sys::NVML_BRAND_UNKNOWN => "unknown",
    nvml_sys::NVML_BRAND_QUADRO => "quadro",
    nvml_sys::NVML_BRAND_TESLA => "tesla",
    nvml_sys::NVML_BRAND_NVS => "nvs",
    nvml_sys::NVML_BRAND_GRID => "grid",
    nvml_sys::NVML_BRAND_GEFORCE => "geforce",
    nvml_sys::NVML_BRAND_TITAN => "titan",
    nvml_sys::NVML_BRAND_NVIDIA_VAPPS => "nvidia_vapps",
    nvml_sys::NVML_BRAND_NVIDIA_VPC => "nvidia_vpc",
    nvml_sys::NVML_BRAND_NVIDIA_VCS => "nvidia_vcs",
    nvml_sys::NVML_BRAND_NVIDIA_VWS => "nvidia_vws",
    nvml_sys::NVML_BRAND_NVIDIA_CLOUD_GAMING => "nvidia_cloud_gaming",
    nvml_sys::NVML_BRAND_QUADRO_RTX => "quadro_rtx",
    nvml_sys::NVML_BRAND_NVIDIA_RTX => "nvidia_rtx",
    nvml_sys::NVML_BRAND_NVIDIA => "nvidia",
    nvml_sys::NVML_BRAND_GEFORCE_RTX => "geforce_rtx",
    nvml_sys::NVML_BRAND_TITAN_RTX => "titan_rtx",
});

named!(architecture: u32 {
    nvml_sys::NVML_DEVICE_ARCH_KEPLER => "kepler",
    nvml_sys::NVML_DEVICE_ARCH_MAXWELL => "maxwell",
    nvml_sys::NVML_DEVICE_ARCH_PASCAL => "pascal",
    nvml_sys::NVML_DEVICE_ARCH_VOLTA => "volta",
    nvml_sys::NVML_DEVICE_ARCH_TURING => "turing",
    nvml_sys::NVML_DEVICE_ARCH_AMPERE => "ampere",
    nvml_sys::NVML_DEVICE_ARCH_ADA => "ada",
    nvml_sys::NVML_DEVICE_ARCH_HOPPER => "hopper",
    nvml_sys::NVML_DEVICE_ARCH_BLACKWELL => "blackwell",
    nvml_sys::NVML_DEVICE_ARCH_RUBIN => "rubin",
});

named!(addressing_mode: u32 {
    nvml_sys::NVML_DEVICE_ADDRESSING_MODE_NONE => "none",
    nvml_sys::NVML_DEVICE_ADDRESSING_MODE_HMM => "hmm",
    nvml_sys::NVML_DEVICE_ADDRESSING_MODE_ATS => "ats",
});

named!(compute_mode: u32 {
    nvml_sys::NVML_COMPUTEMODE_DEFAULT => "default",
    nvml_sys::NVML_COMPUTEMODE_EXCLUSIVE_PROCESS => "exclusive_process",
    nvml_sys::NVML_COMPUTEMODE_PROHIBITED => "prohibited",
});

named!(virtualization_mode: u32 {
    nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_NONE => "none",
    nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_PASSTHROUGH => "passthrough",
    nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_VGPU => "vgpu",
    nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU => "host_vgpu",
    nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VSGA => "host_vsga",
});

named!(cc_cpu: u32 {
    nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_NONE => "none",
    nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV => "amd_sev",
    nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX => "intel_tdx",
    nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_SNP => "amd_sev_snp",
    nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SNP_VTOM => "amd_snp_vtom",
});

named!(cc_environment: u32 {
    nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_UNAVAILABLE => "unavailable",
    nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_SIM => "sim",
    nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_PROD => "prod",
});

named!(cc_multi_gpu: u32 {
    nvml_sys::NVML_CC_SYSTEM_MULTIGPU_NONE => "none",
    nvml_sys::NVML_CC_SYSTEM_MULTIGPU_PROTECTED_PCIE => "protected_pcie",
    nvml_sys::NVML_CC_SYSTEM_MULTIGPU_NVLE => "nvle",
});

named!(fabric_summary: u32 {
    nvml_sys::NVML_GPU_FABRIC_HEALTH_SUMMARY_NOT_SUPPORTED => "not_supported",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_SUMMARY_HEALTHY => "healthy",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_SUMMARY_UNHEALTHY => "unhealthy",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_SUMMARY_LIMITED_CAPACITY => "limited_capacity",
});

named!(fabric_configuration: u32 {
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_NOT_SUPPORTED => "not_supported",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_NONE => "none",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_INCORRECT_SYSGUID => "incorrect_sysguid",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_INCORRECT_CHASSIS_SN => "incorrect_chassis_sn",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_NO_PARTITION => "no_partition",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_INSUFFICIENT_NVLINKS => "insufficient_nvlinks",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_INCOMPATIBLE_GPU_FW => "incompatible_gpu_fw",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_INVALID_LOCATION => "invalid_location",
    nvml_sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_GPU_STATE_INVALID => "gpu_state_invalid",
});

// The file names the NvLink version; the library answers the header's enum value for it.
named!(nvlink_version: u32 {
    nvml_sys::NVML_NVLINK_VERSION_INVALID => "none",
    nvml_sys::NVML_NVLINK_VERSION_1_0 => "1.0",
    nvml_sys::NVML_NVLINK_VERSION_2_0 => "2.0",
    nvml_sys::NVML_NVLINK_VERSION_2_2 => "2.2",
    nvml_sys::NVML_NVLINK_VERSION_3_0 => "3.0",
    nvml_sys::NVML_NVLINK_VERSION_3_1 => "3.1",
    nvml_sys::NVML_NVLINK_VERSION_4_0 => "4.0",
    nvml_sys::NVML_NVLINK_VERSION_5_0 => "5.0",
    nvml_sys::NVML_NVLINK_VERSION_6_0 => "6.0",
});

named!(led_colour: bool { false => "green", true => "amber" });

named!(fan_state: bool { false => "normal", true => "failed" });

/// Bytes in the spec, MiB in the file.
mod mib {
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &u64, s: S) -> Result<S::Ok, S::Error> {
        if !bytes.is_multiple_of(super::MIB) {
            return Err(S::Error::custom(format!("{bytes} bytes is not whole MiB")));
        }
        s.serialize_u64(bytes / super::MIB)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let v = u64::deserialize(d)?;
        v.checked_mul(super::MIB).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "is {v} MiB, more bytes than 64 bits hold; it must be at most {} (16 TiB)",
                super::super::validate::MAX_MIB
            ))
        })
    }
}

/// kHz in the spec, MHz in the file: a whole number, or a decimal with at most three places.
mod decimal_mhz {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(khz: &u32, s: S) -> Result<S::Ok, S::Error> {
        if khz.is_multiple_of(1000) {
            s.serialize_u32(khz / 1000)
        } else {
            s.serialize_f64(f64::from(*khz) / 1000.0)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let mhz = f64::deserialize(d)?;
        let khz = (mhz * 1000.0).round();
        if !(0.0..=f64::from(u32::MAX)).contains(&khz) || (khz - mhz * 1000.0).abs() > 1e-6 {
            return Err(D::Error::custom(format!(
                "{mhz} MHz: expected 0 or more, with at most three decimal places"
            )));
        }
        Ok(khz as u32)
    }
}

/// KiB in the spec, MiB in the file.
mod kib_as_mib {
    use serde::ser::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(kib: &u64, s: S) -> Result<S::Ok, S::Error> {
        if !kib.is_multiple_of(1024) {
            return Err(S::Error::custom(format!("{kib} KiB is not whole MiB")));
        }
        s.serialize_u64(kib / 1024)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        Ok(u64::deserialize(d)?.saturating_mul(1024))
    }
}

/// Hundredths in the spec (what NVML reports for PSU voltage and current), a decimal number
/// of whole units in the file (`12.05` volts is 1205).
mod hundredths {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
        if v.is_multiple_of(100) {
            s.serialize_u32(v / 100)
        } else {
            s.serialize_f64(f64::from(*v) / 100.0)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let x = f64::deserialize(d)?;
        let h = (x * 100.0).round();
        if !(0.0..=f64::from(u32::MAX)).contains(&h) {
            return Err(D::Error::custom(format!(
                "{x} is out of range (0 to {} in steps of 0.01)",
                u32::MAX / 100
            )));
        }
        Ok(h as u32)
    }
}

/// `INVALID_ID` in the spec, `null` in the file.
mod invalid_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(id: &u32, s: S) -> Result<S::Ok, S::Error> {
        (*id != super::INVALID_ID).then_some(*id).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        Ok(Option::<u32>::deserialize(d)?.unwrap_or(super::INVALID_ID))
    }
}

/// `(min, max)` in the spec, `{"min": .., "max": ..}` in the file.
mod min_max {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MinMax {
        min: u32,
        max: u32,
    }

    pub fn serialize<S: Serializer>(v: &(u32, u32), s: S) -> Result<S::Ok, S::Error> {
        MinMax { min: v.0, max: v.1 }.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<(u32, u32), D::Error> {
        let m = MinMax::deserialize(d)?;
        Ok((m.min, m.max))
    }
}

/// A PCI id: `"0x233010DE"` in the file (a plain number is accepted too).
fn is_zero(v: &u32) -> bool {
    *v == 0
}

fn is_zero_uuid(v: &[u8; 16]) -> bool {
    *v == [0; 16]
}

/// 16 bytes as a UUID, `"00000001-0000-0000-0000-000000000001"` (8-4-4-4-12 hex digits).
mod uuid_bytes {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
        let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
        let part = |r: std::ops::Range<usize>| hex.get(r).unwrap_or_default().to_owned();
        s.serialize_str(&format!(
            "{}-{}-{}-{}-{}",
            part(0..8),
            part(8..12),
            part(12..16),
            part(16..20),
            part(20..32)
        ))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 16], D::Error> {
        let t = String::deserialize(d)?;
        let bad = || {
            D::Error::custom(format!(
                "{t:?} is not a UUID like \"00000001-0000-0000-0000-000000000001\""
            ))
        };
        let groups: Vec<&str> = t.split('-').collect();
        if groups.iter().map(|g| g.len()).collect::<Vec<_>>() != [8, 4, 4, 4, 12] {
            return Err(bad());
        }
        let hex: String = groups.concat();
        let mut out = [0u8; 16];
        for (i, b) in out.iter_mut().enumerate() {
            let pair = hex.get(2 * i..2 * i + 2).ok_or_else(bad)?;
            *b = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(out)
    }
}

mod hex32 {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u32),
        Text(String),
    }

    pub fn serialize<S: Serializer>(v: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{v:08X}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        match Id::deserialize(d)? {
            Id::Number(n) => Ok(n),
            Id::Text(t) => t
                .strip_prefix("0x")
                .or_else(|| t.strip_prefix("0X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    D::Error::custom(format!("{t:?} is not a hex id like \"0x233010DE\""))
                }),
        }
    }
}
