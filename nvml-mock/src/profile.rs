//! Machine profiles: what the simulated machine looks like when `nvmlInit` runs.
//!
//! Built in: `dgx-h100` (default), `dgx-a100`, `workstation`, `vgpu-host`, `h100-cc`,
//! `s-class`. A profile file (JSON) starts
//! from a built-in profile (`"base"`) or from scratch and overrides fields; see the crate's
//! README for the format.

use std::fmt;

use serde_json::{Map, Value};

/// Names of the built-in profiles.
pub const BUILTIN_PROFILES: &[&str] = &[
    "dgx-h100",
    "dgx-a100",
    "workstation",
    "vgpu-host",
    "h100-cc",
    "s-class",
];

/// An S-class unit: an external enclosure of GPUs with its own PSU, fans, sensors and LED.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// PSU current, A.
    pub psu_current_a: u32,
    /// PSU voltage, V.
    pub psu_voltage_v: u32,
    /// PSU power draw, W.
    pub psu_power_w: u32,
    /// Intake, exhaust and board temperatures (°C; `None`: no such sensor).
    pub temperatures: [Option<u32>; 3],
    /// Fans: (speed RPM, failed).
    pub fans: Vec<(u32, bool)>,
    /// Indices of the GPUs inside the unit.
    pub gpus: Vec<u32>,
}

/// Most S-class units a profile may have.
pub const MAX_UNITS: usize = 16;

/// Confidential computing settings of a system (a CC-capable CPU and GPUs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfCompute {
    /// `NVML_CC_SYSTEM_CPU_CAPS_*`.
    pub cpu_caps: u32,
    /// `NVML_CC_SYSTEM_ENVIRONMENT_*`.
    pub environment: u32,
    /// CC mode on.
    pub enabled: bool,
    /// Developer tools mode on.
    pub devtools: bool,
    /// `NVML_CC_SYSTEM_MULTIGPU_*`.
    pub multi_gpu: u32,
    /// GPUs accept work (set by the attestation agent).
    pub gpus_ready: bool,
    /// Key rotation threshold: maximum attacker advantage (50..=65).
    pub key_rotation_threshold: u64,
    /// Unprotected memory of each GPU, KiB.
    pub unprotected_kib: u64,
}

/// One vGPU type of the host's table (a row of `nvidia-smi vgpu -s -v`).
#[derive(Clone, Debug, PartialEq)]
pub struct VgpuType {
    /// `nvmlVgpuTypeId_t`.
    pub id: u32,
    /// Name, e.g. `NVIDIA H100-10C`.
    pub name: String,
    /// Class: `Compute`, `Quadro`, `NVS`.
    pub class: String,
    /// Framebuffer, bytes.
    pub framebuffer: u64,
    /// Most instances of this type on one physical GPU.
    pub max_instances: u32,
    /// Most instances of this type in one VM.
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
    pub gi_profile_id: u32,
    /// BAR1, MiB.
    pub bar1_mib: u64,
    /// Framebuffer reserved by the host for an instance, bytes.
    pub fb_reservation: u64,
    /// GSP heap of an instance, bytes.
    pub gsp_heap: u64,
    /// Placement slots an instance occupies (of the GPU's `vgpu_placement_slots`).
    pub placement_size: u32,
}

/// A process inside a VM (accounting and process utilization of a vGPU instance).
#[derive(Clone, Debug, PartialEq)]
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
    pub max_memory: u64,
}

/// An active vGPU instance (a VM running on the host).
#[derive(Clone, Debug, PartialEq)]
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
    pub fb_usage: u64,
    /// Encoder capacity, percent.
    pub encoder_capacity: u32,
    /// Licensed.
    pub licensed: bool,
    /// Accounting mode.
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
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessSpec {
    /// Process id.
    pub pid: u32,
    /// Process name (`nvmlSystemGetProcessName`).
    pub name: String,
    /// GPU memory used, bytes.
    pub used_memory: u64,
    /// `"compute"`, `"graphics"` or `"mps"`.
    pub kind: String,
}

/// One MIG GPU instance profile (a row of the real `nvidia-smi mig -lgip` table).
#[derive(Clone, Debug, PartialEq)]
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
#[derive(Clone, Debug, PartialEq)]
#[allow(missing_docs)] // field names say what they hold; units are in the names
pub struct GpuSpec {
    pub name: String,
    pub brand: u32,
    pub architecture: u32,
    pub cuda_cc: (i32, i32),
    pub uuid: String,
    pub serial: Option<String>,
    pub board_id: u32,
    pub board_part_number: String,
    /// GPU (chip) part number, as `nvidia-smi -q` prints it; empty: not reported (N/A).
    pub gpu_part_number: String,
    /// `NVML_DEVICE_ADDRESSING_MODE_*` (none, HMM, ATS).
    pub addressing_mode: u32,
    pub minor_number: u32,
    pub pci_domain: u32,
    pub pci_bus: u32,
    pub pci_device: u32,
    pub pci_device_id: u32,
    pub pci_subsystem_id: u32,
    pub numa_node: i32,
    pub vbios_version: String,
    pub inforom_image: String,
    pub inforom_oem: String,
    pub inforom_ecc: String,
    pub inforom_power: String,
    pub memory_total: u64,
    pub memory_reserved: u64,
    pub memory_overhead: u64,
    pub bar1_total: u64,
    pub bar1_used: u64,
    pub util_gpu: u32,
    pub util_memory: u32,
    pub util_encoder: u32,
    pub util_decoder: u32,
    pub temperature: u32,
    pub memory_temperature: u32,
    pub temp_shutdown: u32,
    pub temp_slowdown: u32,
    pub temp_mem_max: u32,
    pub temp_gpu_max: u32,
    pub fans: Vec<u32>,
    pub power_usage_mw: u32,
    pub power_limit_mw: u32,
    pub power_default_limit_mw: u32,
    pub power_min_limit_mw: u32,
    pub power_max_limit_mw: u32,
    pub energy_base_mj: u64,
    pub clock_graphics: u32,
    pub clock_sm: u32,
    pub clock_mem: u32,
    pub clock_video: u32,
    pub max_graphics: u32,
    pub max_sm: u32,
    pub max_mem: u32,
    pub max_video: u32,
    pub default_app_graphics: u32,
    pub default_app_mem: u32,
    pub min_graphics: u32,
    pub graphics_step: u32,
    pub pstate: u32,
    pub clocks_event_reasons: u64,
    pub persistence_mode: bool,
    pub compute_mode: u32,
    pub ecc_supported: bool,
    pub ecc_enabled: bool,
    pub ecc_corrected_volatile: u64,
    pub ecc_uncorrected_volatile: u64,
    pub ecc_corrected_aggregate: u64,
    pub ecc_uncorrected_aggregate: u64,
    pub retired_pages_sbe: Vec<u64>,
    pub retired_pages_dbe: Vec<u64>,
    pub remapped_rows_correctable: u32,
    pub remapped_rows_uncorrectable: u32,
    pub pcie_max_gen: u32,
    pub pcie_max_width: u32,
    pub pcie_gen: u32,
    pub pcie_width: u32,
    pub pcie_tx_kbps: u32,
    pub pcie_rx_kbps: u32,
    pub pcie_replay_counter: u32,
    pub nvlink_count: u32,
    pub nvlink_version: u32,
    pub nvlink_speed_mbps: u32,
    pub sm_count: u32,
    pub nvenc_count: u32,
    pub cuda_cores: u32,
    pub memory_bus_width: u32,
    pub mig_capable: bool,
    pub mig_enabled: bool,
    pub mig_profiles: Vec<GiProfile>,
    pub processes: Vec<ProcessSpec>,
    pub virtualization_mode: u32,
    pub vgpu_heterogeneous: bool,
    pub vgpu_placement_slots: u32,
    /// NvLink error counters at start, per link: (link, [replay, recovery, CRC flit, CRC
    /// data, ECC data]); links not listed have none.
    pub nvlink_errors: Vec<(u32, [u64; 5])>,
}

/// A whole simulated machine.
#[derive(Clone, Debug, PartialEq)]
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
    /// The GPUs, in NVML index order.
    pub gpus: Vec<GpuSpec>,
    /// vGPU types of the host (empty on bare metal).
    pub vgpu_types: Vec<VgpuType>,
    /// Active vGPU instances.
    pub vgpu_instances: Vec<VgpuInstanceSpec>,
    /// vGPU versions the host supports (min, max), e.g. 0x120000 for 18.0.
    pub vgpu_version: (u32, u32),
    /// Confidential computing (`None`: the platform has none, CC queries NOT_SUPPORTED).
    pub conf_compute: Option<ConfCompute>,
    /// S-class units (empty on current systems).
    pub units: Vec<UnitSpec>,
}

/// Why a profile could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError(pub String);

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProfileError {}

const MIB: u64 = 1024 * 1024;
/// `INVALID_GPU_INSTANCE_PROFILE_ID` / `INVALID_GPU_INSTANCE_ID` of `nvml.h` (0xFFFFFFFF).
pub const INVALID_ID: u32 = 0xFFFF_FFFF;
const GIB: u64 = 1024 * MIB;

fn uuid_for(seed: u32, index: u32) -> String {
    // Deterministic, distinct, well-formed UUIDs.
    let a = seed.wrapping_mul(0x9e37_79b9) ^ index.wrapping_mul(0x85eb_ca6b);
    let b = index.wrapping_mul(0xc2b2_ae35) ^ seed;
    format!(
        "GPU-{:08x}-{:04x}-{:04x}-{:04x}-{:08x}{:04x}",
        a,
        (b >> 16) & 0xffff,
        0x4000 | (b & 0x0fff),
        0x8000 | (index & 0x3fff),
        a.rotate_left(13) ^ b,
        index
    )
}

fn supported_graphics_clocks(spec: &GpuSpec) -> Vec<u32> {
    let mut v = Vec::new();
    let step = spec.graphics_step.max(1);
    let mut c = spec.max_graphics;
    while c >= spec.min_graphics && v.len() < 512 {
        v.push(c);
        if c < step {
            break;
        }
        c -= step;
    }
    v
}

impl GpuSpec {
    /// Graphics clocks supported with the given memory clock, highest first.
    pub fn supported_graphics_clocks(&self, mem: u32) -> Option<Vec<u32>> {
        (mem == self.max_mem).then(|| supported_graphics_clocks(self))
    }

    /// `00000000:18:00.0` (the v2/v3 `busId`).
    pub fn bus_id(&self) -> String {
        format!(
            "{:08X}:{:02X}:{:02X}.0",
            self.pci_domain, self.pci_bus, self.pci_device
        )
    }

    /// `0000:18:00.0` (the legacy 16-byte `busIdLegacy`).
    pub fn bus_id_legacy(&self) -> String {
        format!(
            "{:04X}:{:02X}:{:02X}.0",
            self.pci_domain, self.pci_bus, self.pci_device
        )
    }
}

#[allow(clippy::too_many_arguments)] // one row of NVIDIA's table
fn gi(
    profile: u32,
    id: u32,
    name: &str,
    slices: u32,
    compute: u32,
    count: u32,
    sms: u32,
    mem: u64,
    media: (u32, u32, u32, u32, u32),
    placements: &[u32],
) -> GiProfile {
    GiProfile {
        profile,
        id,
        name: name.to_string(),
        slices,
        compute_slices: compute,
        instance_count: count,
        sm_count: sms,
        memory_mb: mem,
        copy_engines: media.0,
        decoders: media.1,
        encoders: media.2,
        jpegs: media.3,
        ofas: media.4,
        placements: placements.to_vec(),
    }
}

/// The H100 SXM5 80GB MIG table (`nvidia-smi mig -lgip` on a DGX H100).
fn h100_mig_profiles() -> Vec<GiProfile> {
    vec![
        gi(
            0,
            19,
            "1g.10gb",
            1,
            1,
            7,
            16,
            9856,
            (1, 1, 0, 1, 0),
            &[0, 1, 2, 3, 4, 5, 6],
        ),
        gi(
            7,
            15,
            "1g.10gb+me",
            1,
            1,
            1,
            16,
            9856,
            (1, 1, 0, 1, 1),
            &[0, 1, 2, 3, 4, 5, 6],
        ),
        gi(
            9,
            20,
            "1g.20gb",
            2,
            1,
            4,
            26,
            19968,
            (1, 1, 0, 1, 0),
            &[0, 2, 4, 6],
        ),
        gi(
            1,
            14,
            "2g.20gb",
            2,
            2,
            3,
            32,
            19968,
            (2, 2, 0, 2, 0),
            &[0, 2, 4],
        ),
        gi(
            2,
            9,
            "3g.40gb",
            4,
            3,
            2,
            60,
            40192,
            (3, 3, 0, 3, 0),
            &[0, 4],
        ),
        gi(3, 5, "4g.40gb", 4, 4, 1, 64, 40192, (4, 4, 0, 4, 0), &[0]),
        gi(4, 0, "7g.80gb", 8, 7, 1, 132, 80896, (8, 7, 0, 7, 1), &[0]),
    ]
}

/// The A100 SXM4 80GB MIG table.
fn a100_mig_profiles() -> Vec<GiProfile> {
    vec![
        gi(
            0,
            19,
            "1g.10gb",
            1,
            1,
            7,
            14,
            9728,
            (1, 0, 0, 0, 0),
            &[0, 1, 2, 3, 4, 5, 6],
        ),
        gi(
            7,
            20,
            "1g.10gb+me",
            1,
            1,
            1,
            14,
            9728,
            (1, 1, 0, 1, 1),
            &[0, 1, 2, 3, 4, 5, 6],
        ),
        gi(
            9,
            15,
            "1g.20gb",
            2,
            1,
            4,
            14,
            19968,
            (1, 1, 0, 0, 0),
            &[0, 2, 4, 6],
        ),
        gi(
            1,
            14,
            "2g.20gb",
            2,
            2,
            3,
            28,
            19968,
            (2, 1, 0, 0, 0),
            &[0, 2, 4],
        ),
        gi(
            2,
            9,
            "3g.40gb",
            4,
            3,
            2,
            42,
            40192,
            (3, 2, 0, 0, 0),
            &[0, 4],
        ),
        gi(3, 5, "4g.40gb", 4, 4, 1, 56, 40192, (4, 2, 0, 0, 0), &[0]),
        gi(4, 0, "7g.80gb", 8, 7, 1, 98, 80384, (7, 5, 0, 1, 1), &[0]),
    ]
}

fn h100(index: u32) -> GpuSpec {
    // DGX H100: PCI buses of the eight SXM5 GPUs, NUMA nodes 0 and 1.
    const BUSES: [u32; 8] = [0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb];
    const MINORS: [u32; 8] = [2, 3, 0, 1, 6, 7, 4, 5];
    let busy = index < 4;
    let i = index as usize;
    let mut processes = Vec::new();
    if busy {
        processes.push(ProcessSpec {
            pid: 41_200 + index,
            name: "python3".into(),
            used_memory: (38 + u64::from(index)) * GIB,
            kind: "compute".into(),
        });
        if index == 0 {
            processes.push(ProcessSpec {
                pid: 41_300,
                name: "/usr/bin/dcgm-exporter".into(),
                used_memory: 512 * MIB,
                kind: "compute".into(),
            });
        }
    }
    GpuSpec {
        name: "NVIDIA H100 80GB HBM3".into(),
        brand: nvml_sys::NVML_BRAND_NVIDIA,
        architecture: nvml_sys::NVML_DEVICE_ARCH_HOPPER,
        cuda_cc: (9, 0),
        uuid: uuid_for(0x4810_0000, index),
        serial: Some(format!("165392200{:04}", 1417 + index * 37)),
        board_id: 0x1800 + index * 0x1200 + BUSES.get(i).copied().unwrap_or(0),
        board_part_number: "692-2G520-0200-000".into(),
        gpu_part_number: "2330-885-A1".into(),
        addressing_mode: nvml_sys::NVML_DEVICE_ADDRESSING_MODE_HMM,
        minor_number: MINORS.get(i).copied().unwrap_or(index),
        pci_domain: 0,
        pci_bus: BUSES.get(i).copied().unwrap_or(0x10 + index),
        pci_device: 0,
        pci_device_id: 0x2330_10de,
        pci_subsystem_id: 0x16c1_10de,
        numa_node: if index < 4 { 0 } else { 1 },
        vbios_version: "96.00.99.00.01".into(),
        inforom_image: "G520.0200.00.05".into(),
        inforom_oem: "2.1".into(),
        inforom_ecc: "7.16".into(),
        inforom_power: "N/A".into(),
        memory_total: 81_559 * MIB,
        memory_reserved: 562 * MIB,
        memory_overhead: 4 * MIB,
        bar1_total: 131_072 * MIB,
        bar1_used: if busy { 34 * MIB } else { 2 * MIB },
        util_gpu: if busy { 97 } else { 0 },
        util_memory: if busy { 41 } else { 0 },
        util_encoder: 0,
        util_decoder: 0,
        temperature: if busy { 56 + index } else { 31 + index },
        memory_temperature: if busy { 62 + index } else { 38 + index },
        temp_shutdown: 92,
        temp_slowdown: 89,
        temp_mem_max: 95,
        temp_gpu_max: 87,
        fans: Vec::new(),
        power_usage_mw: if busy {
            612_000 + index * 7_100
        } else {
            71_500 + index * 900
        },
        power_limit_mw: 700_000,
        power_default_limit_mw: 700_000,
        power_min_limit_mw: 200_000,
        power_max_limit_mw: 700_000,
        energy_base_mj: 9_842_112_345 + u64::from(index) * 104_729_311,
        clock_graphics: if busy { 1980 } else { 345 },
        clock_sm: if busy { 1980 } else { 345 },
        clock_mem: 2619,
        clock_video: if busy { 1545 } else { 765 },
        max_graphics: 1980,
        max_sm: 1980,
        max_mem: 2619,
        max_video: 1545,
        default_app_graphics: 1755,
        default_app_mem: 2619,
        min_graphics: 345,
        graphics_step: 15,
        pstate: 0,
        clocks_event_reasons: if busy {
            u64::from(nvml_sys::nvmlClocksEventReasonSwPowerCap)
        } else {
            u64::from(nvml_sys::nvmlClocksEventReasonGpuIdle)
        },
        persistence_mode: true,
        compute_mode: nvml_sys::NVML_COMPUTEMODE_DEFAULT,
        ecc_supported: true,
        ecc_enabled: true,
        ecc_corrected_volatile: if index == 5 { 2 } else { 0 },
        ecc_uncorrected_volatile: 0,
        ecc_corrected_aggregate: if index == 5 { 14 } else { 0 },
        ecc_uncorrected_aggregate: 0,
        retired_pages_sbe: Vec::new(),
        retired_pages_dbe: Vec::new(),
        remapped_rows_correctable: u32::from(index == 5),
        remapped_rows_uncorrectable: 0,
        pcie_max_gen: 5,
        pcie_max_width: 16,
        pcie_gen: 5,
        pcie_width: 16,
        pcie_tx_kbps: if busy { 412_000 } else { 1_200 },
        pcie_rx_kbps: if busy { 1_850_000 } else { 900 },
        pcie_replay_counter: 0,
        nvlink_count: 18,
        nvlink_version: 4,
        nvlink_speed_mbps: 53_125,
        sm_count: 132,
        nvenc_count: 0,
        cuda_cores: 16_896,
        memory_bus_width: 5120,
        mig_capable: true,
        mig_enabled: false,
        mig_profiles: h100_mig_profiles(),
        processes,
        virtualization_mode: nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_NONE,
        vgpu_heterogeneous: false,
        vgpu_placement_slots: 80,
        nvlink_errors: Vec::new(),
    }
}

fn a100(index: u32) -> GpuSpec {
    const BUSES: [u32; 8] = [0x07, 0x0f, 0x47, 0x4e, 0x87, 0x90, 0xb7, 0xbd];
    let busy = index.is_multiple_of(2);
    let i = index as usize;
    let mut g = h100(index);
    g.name = "NVIDIA A100-SXM4-80GB".into();
    g.architecture = nvml_sys::NVML_DEVICE_ARCH_AMPERE;
    g.cuda_cc = (8, 0);
    g.uuid = uuid_for(0x4100_0000, index);
    g.serial = Some(format!("132472100{:04}", 2203 + index * 41));
    g.board_part_number = "692-2G506-0212-002".into();
    g.gpu_part_number = String::new();
    g.minor_number = index;
    g.pci_bus = BUSES.get(i).copied().unwrap_or(0x10 + index);
    g.board_id = 0x0700 + g.pci_bus;
    g.pci_device_id = 0x20b2_10de;
    g.pci_subsystem_id = 0x1463_10de;
    g.vbios_version = "92.00.45.00.05".into();
    g.inforom_image = "G506.0212.00.02".into();
    g.inforom_oem = "2.0".into();
    g.inforom_ecc = "6.16".into();
    g.memory_total = 81_920 * MIB;
    g.memory_reserved = 0;
    g.memory_overhead = 582 * MIB;
    g.bar1_total = 131_072 * MIB;
    g.util_gpu = if busy { 88 } else { 0 };
    g.util_memory = if busy { 35 } else { 0 };
    g.temp_shutdown = 92;
    g.temp_slowdown = 89;
    g.temp_mem_max = 95;
    g.temp_gpu_max = 88;
    g.power_usage_mw = if busy {
        356_000 + index * 3_000
    } else {
        62_000 + index * 500
    };
    g.power_limit_mw = 400_000;
    g.power_default_limit_mw = 400_000;
    g.power_min_limit_mw = 100_000;
    g.power_max_limit_mw = 400_000;
    g.clock_graphics = if busy { 1410 } else { 210 };
    g.clock_sm = g.clock_graphics;
    g.clock_mem = 1593;
    g.clock_video = if busy { 1290 } else { 795 };
    g.max_graphics = 1410;
    g.max_sm = 1410;
    g.max_mem = 1593;
    g.max_video = 1290;
    g.default_app_graphics = 1275;
    g.default_app_mem = 1593;
    g.min_graphics = 210;
    g.pcie_max_gen = 4;
    g.pcie_gen = 4;
    g.nvlink_count = 12;
    g.nvlink_version = 3;
    g.nvlink_speed_mbps = 25_781;
    g.mig_profiles = a100_mig_profiles();
    g.sm_count = 108;
    g.cuda_cores = 6912;
    g.ecc_corrected_volatile = 0;
    g.ecc_corrected_aggregate = 0;
    g.remapped_rows_correctable = 0;
    g.processes = if busy {
        vec![ProcessSpec {
            pid: 52_000 + index,
            name: "python".into(),
            used_memory: 30 * GIB,
            kind: "compute".into(),
        }]
    } else {
        Vec::new()
    };
    g
}

fn workstation_gpu() -> GpuSpec {
    let mut g = h100(0);
    g.name = "NVIDIA GeForce RTX 4090".into();
    g.brand = nvml_sys::NVML_BRAND_GEFORCE_RTX;
    g.architecture = nvml_sys::NVML_DEVICE_ARCH_ADA;
    g.cuda_cc = (8, 9);
    g.uuid = uuid_for(0x4090_0000, 0);
    g.serial = None;
    g.board_id = 0x100;
    g.board_part_number = "N/A".into();
    g.gpu_part_number = String::new();
    g.minor_number = 0;
    g.pci_bus = 0x01;
    g.pci_device_id = 0x2684_10de;
    g.pci_subsystem_id = 0x1668_10de;
    g.numa_node = -1;
    g.vbios_version = "95.02.18.80.5F".into();
    g.inforom_image = "G002.0000.00.03".into();
    g.inforom_oem = "2.0".into();
    g.inforom_ecc = "N/A".into();
    g.memory_total = 24_564 * MIB;
    g.memory_reserved = 374 * MIB;
    g.memory_overhead = 2 * MIB;
    g.bar1_total = 32_768 * MIB;
    g.bar1_used = 12 * MIB;
    g.util_gpu = 3;
    g.util_memory = 1;
    g.temperature = 41;
    g.memory_temperature = 0;
    g.temp_shutdown = 100;
    g.temp_slowdown = 97;
    g.temp_mem_max = 0;
    g.temp_gpu_max = 90;
    g.fans = vec![30, 30];
    g.power_usage_mw = 28_500;
    g.power_limit_mw = 450_000;
    g.power_default_limit_mw = 450_000;
    g.power_min_limit_mw = 150_000;
    g.power_max_limit_mw = 600_000;
    g.energy_base_mj = 1_204_551_007;
    g.clock_graphics = 210;
    g.clock_sm = 210;
    g.clock_mem = 405;
    g.clock_video = 1185;
    g.max_graphics = 3105;
    g.max_sm = 3105;
    g.max_mem = 10_501;
    g.max_video = 2415;
    g.default_app_graphics = 2520;
    g.default_app_mem = 10_501;
    g.min_graphics = 210;
    g.pstate = 8;
    g.clocks_event_reasons = u64::from(nvml_sys::nvmlClocksEventReasonGpuIdle);
    g.persistence_mode = false;
    g.ecc_supported = false;
    g.ecc_enabled = false;
    g.remapped_rows_correctable = 0;
    g.pcie_max_gen = 4;
    g.pcie_gen = 1;
    g.pcie_tx_kbps = 310;
    g.pcie_rx_kbps = 120;
    g.nvlink_count = 0;
    g.nvlink_version = 0;
    g.mig_capable = false;
    g.mig_profiles = Vec::new();
    g.sm_count = 128;
    g.nvenc_count = 2;
    g.cuda_cores = 16_384;
    g.memory_bus_width = 384;
    g.processes = vec![
        ProcessSpec {
            pid: 1_873,
            name: "/usr/lib/xorg/Xorg".into(),
            used_memory: 412 * MIB,
            kind: "graphics".into(),
        },
        ProcessSpec {
            pid: 2_410,
            name: "/usr/bin/gnome-shell".into(),
            used_memory: 96 * MIB,
            kind: "graphics".into(),
        },
        ProcessSpec {
            pid: 9_115,
            name: "python3".into(),
            used_memory: 6_144 * MIB,
            kind: "compute".into(),
        },
    ];
    g
}

/// One GPU of the `vgpu-host` profile: an H100 PCIe 80GB in host vGPU mode (SR-IOV).
fn h100_pcie_host(index: u32) -> GpuSpec {
    const BUSES: [u32; 2] = [0x17, 0xca];
    let mut g = h100(index);
    let i = index as usize;
    g.name = "NVIDIA H100 PCIe".into();
    g.uuid = uuid_for(0x2331_0000, index);
    g.serial = Some(format!("132192300{:04}", 4411 + index * 29));
    g.board_part_number = "900-21010-0000-000".into();
    g.gpu_part_number = String::new();
    g.minor_number = index;
    g.pci_bus = BUSES.get(i).copied().unwrap_or(0x20 + index);
    g.board_id = 0x1700 + g.pci_bus;
    g.pci_device_id = 0x2331_10de;
    g.pci_subsystem_id = 0x1626_10de;
    g.numa_node = if index == 0 { 0 } else { 1 };
    g.vbios_version = "96.00.5E.00.01".into();
    g.inforom_image = "G520.0201.00.03".into();
    g.util_gpu = if index == 0 { 58 } else { 71 };
    g.util_memory = if index == 0 { 27 } else { 35 };
    g.temperature = 47 + index * 4;
    g.memory_temperature = 55 + index * 3;
    g.power_usage_mw = 190_000 + index * 48_000;
    g.power_limit_mw = 350_000;
    g.power_default_limit_mw = 350_000;
    g.power_min_limit_mw = 200_000;
    g.power_max_limit_mw = 350_000;
    g.clock_graphics = 1755;
    g.clock_sm = 1755;
    g.clock_mem = 1593;
    g.clock_video = 1305;
    g.max_graphics = 1755;
    g.max_sm = 1755;
    g.max_mem = 1593;
    g.max_video = 1305;
    g.default_app_graphics = 1755;
    g.default_app_mem = 1593;
    g.nvlink_count = 0;
    g.sm_count = 114;
    g.cuda_cores = 14_592;
    g.pcie_tx_kbps = 220_000 + index * 40_000;
    g.pcie_rx_kbps = 610_000 + index * 90_000;
    g.processes = Vec::new();
    g.virtualization_mode = nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU;
    g.vgpu_heterogeneous = index == 1;
    g.vgpu_placement_slots = 80;
    g
}

/// The H100 PCIe 80GB vGPU table: the time-sliced C-series types and the MIG-backed ones.
fn h100_vgpu_types() -> Vec<VgpuType> {
    const LICENSE: &str = "NVIDIA-vComputeServer,9.0;Quadro-Virtual-DWS,5.0";
    let invalid = INVALID_ID;
    // (id, name, framebuffer GiB, max instances, GPU instance profile id, placement size)
    let rows: [(u32, &str, u64, u32, u32, u32); 14] = [
        (818, "NVIDIA H100-4C", 4, 20, invalid, 4),
        (819, "NVIDIA H100-5C", 5, 16, invalid, 5),
        (820, "NVIDIA H100-8C", 8, 10, invalid, 8),
        (821, "NVIDIA H100-10C", 10, 8, invalid, 10),
        (822, "NVIDIA H100-16C", 16, 5, invalid, 16),
        (823, "NVIDIA H100-20C", 20, 4, invalid, 20),
        (824, "NVIDIA H100-40C", 40, 2, invalid, 40),
        (825, "NVIDIA H100-80C", 80, 1, invalid, 80),
        (826, "NVIDIA H100-1-10C", 10, 7, 19, 1),
        (827, "NVIDIA H100-1-20C", 20, 4, 20, 2),
        (828, "NVIDIA H100-2-20C", 20, 3, 14, 2),
        (829, "NVIDIA H100-3-40C", 40, 2, 9, 4),
        (830, "NVIDIA H100-4-40C", 40, 1, 5, 4),
        (831, "NVIDIA H100-7-80C", 80, 1, 0, 8),
    ];
    rows.iter()
        .enumerate()
        .map(|(k, &(id, name, gib, max, gi_id, size))| VgpuType {
            id,
            name: name.to_string(),
            class: "Compute".into(),
            framebuffer: gib * GIB,
            max_instances: max,
            max_per_vm: if gib == 80 && gi_id == invalid { 8 } else { 1 },
            frame_rate_limit: 0,
            resolution: (4096, 2160),
            display_heads: 1,
            license: LICENSE.into(),
            device_id: 0x2331_10de,
            subsystem_id: 0x1812_10de + ((k as u64) << 16),
            gi_profile_id: gi_id,
            bar1_mib: match gib {
                0..=10 => 16_384,
                11..=40 => 32_768,
                _ => 65_536,
            },
            fb_reservation: 256 * MIB + gib * GIB / 32,
            gsp_heap: match gib {
                0..=10 => 48 * MIB,
                11..=40 => 64 * MIB,
                _ => 96 * MIB,
            },
            placement_size: size,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // one VM
fn vm(
    id: u32,
    gpu: u32,
    type_id: u32,
    n: u32,
    fb_usage_mib: u64,
    licensed: bool,
    accounting: bool,
    processes: Vec<VmProcess>,
    placement_id: u32,
    util: (u32, u32),
) -> VgpuInstanceSpec {
    VgpuInstanceSpec {
        id,
        gpu,
        type_id,
        vm_id: format!("8f1c6a2e-4b7d-4e2a-9c1f-2d3e4f5a6b{n:02x}"),
        vm_driver_version: "580.65.06".into(),
        uuid: format!("b3f2a6d4-1c9e-4f7a-8e2b-5d6c7a8b9c{n:02x}"),
        mdev_uuid: format!("4e8a1f3c-7b2d-4c6e-a9f1-0b2c3d4e5f{n:02x}"),
        fb_usage: fb_usage_mib * MIB,
        encoder_capacity: 100,
        licensed,
        accounting,
        processes,
        placement_id,
        guest_pci_id: "00000000:02:00.0".into(),
        sm_util: util.0,
        mem_util: util.1,
    }
}

fn vm_process(pid: u32, name: &str, sm: u32, mem: u32, max_mib: u64) -> VmProcess {
    VmProcess {
        pid,
        name: name.into(),
        sm_util: sm,
        mem_util: mem,
        max_memory: max_mib * MIB,
    }
}

/// The VMs of the `vgpu-host` profile: GPU 0 (homogeneous) runs two H100-20C VMs; GPU 1
/// (heterogeneous) an H100-40C VM at placement 0 and an H100-10C VM at placement 40.
fn vgpu_host_instances() -> Vec<VgpuInstanceSpec> {
    vec![
        vm(
            3_251_634_189,
            0,
            823,
            1,
            11_776,
            true,
            true,
            vec![
                vm_process(2_211, "python3", 41, 19, 10_240),
                vm_process(2_305, "nvidia-cuda-mps-server", 2, 1, 32),
            ],
            0,
            (43, 20),
        ),
        vm(
            3_251_634_190,
            0,
            823,
            2,
            6_144,
            true,
            false,
            vec![vm_process(3_301, "tritonserver", 15, 7, 5_632)],
            20,
            (15, 7),
        ),
        vm(
            3_251_634_191,
            1,
            824,
            3,
            30_720,
            true,
            true,
            vec![vm_process(1_888, "torchrun", 62, 30, 29_696)],
            0,
            (62, 30),
        ),
        vm(
            3_251_634_192,
            1,
            821,
            4,
            1_024,
            false,
            false,
            Vec::new(),
            40,
            (9, 5),
        ),
    ]
}

fn dgx_cpus() -> Vec<Vec<u32>> {
    // 2 x 56-core Xeon Platinum 8480C with hyper-threading: 224 logical CPUs.
    let node = |n: u32| -> Vec<u32> {
        (n * 56..n * 56 + 56)
            .chain(112 + n * 56..112 + n * 56 + 56)
            .collect()
    };
    vec![node(0), node(1)]
}

/// A built-in profile by name.
pub fn builtin(name: &str) -> Option<Profile> {
    let base = |name: &str, gpus: Vec<GpuSpec>| Profile {
        name: name.to_string(),
        driver_version: "580.65.06".into(),
        nvml_version: "13.580.65.06".into(),
        cuda_driver_version: 13000,
        root: false,
        cpu_count: 224,
        numa_cpus: dgx_cpus(),
        gpus,
        vgpu_types: Vec::new(),
        vgpu_instances: Vec::new(),
        vgpu_version: (0x10_0000, 0x13_0000),
        conf_compute: None,
        units: Vec::new(),
    };
    match name {
        "dgx-h100" => {
            let mut gpus: Vec<GpuSpec> = (0..8).map(h100).collect();
            // GPU 5, the one with a few ECC errors, also has a marginal NvLink: link 2 has
            // replayed and recovered, with some CRC errors.
            if let Some(g) = gpus.get_mut(5) {
                g.nvlink_errors = vec![(2, [7, 1, 23, 4, 0])];
            }
            Some(base(name, gpus))
        }
        "dgx-a100" => Some(base(name, (0..8).map(a100).collect())),
        "workstation" => {
            let mut p = base(name, vec![workstation_gpu()]);
            p.cpu_count = 32;
            p.numa_cpus = vec![(0..32).collect()];
            Some(p)
        }
        "vgpu-host" => {
            let mut p = base(name, (0..2).map(h100_pcie_host).collect());
            p.cpu_count = 128;
            p.numa_cpus = vec![(0..64).collect(), (64..128).collect()];
            p.vgpu_types = h100_vgpu_types();
            p.vgpu_instances = vgpu_host_instances();
            Some(p)
        }
        "h100-cc" => {
            // A confidential VM on an AMD SEV-SNP host with one H100 passed through.
            let mut g = h100(0);
            g.pci_bus = 0x01;
            g.numa_node = -1;
            g.virtualization_mode = nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_PASSTHROUGH;
            g.uuid = uuid_for(0x4c43_0000, 0);
            let mut p = base(name, vec![g]);
            p.cpu_count = 32;
            p.numa_cpus = vec![(0..32).collect()];
            p.conf_compute = Some(ConfCompute {
                cpu_caps: nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_SNP,
                environment: nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_PROD,
                enabled: true,
                devtools: false,
                multi_gpu: nvml_sys::NVML_CC_SYSTEM_MULTIGPU_NONE,
                gpus_ready: false,
                key_rotation_threshold: 60,
                unprotected_kib: 256 * 1024,
            });
            Some(p)
        }
        "s-class" => {
            // A 1U S-class enclosure holding four PCIe-attached A100 boards (no NvLink
            // bridges), with its own power supply, fans and sensors.
            let gpus = (0..4)
                .map(|i| {
                    let mut g = a100(i);
                    g.nvlink_count = 0;
                    g.numa_node = 0;
                    g.uuid = uuid_for(0x5c1a_0000, i);
                    g
                })
                .collect();
            let mut p = base(name, gpus);
            p.cpu_count = 64;
            p.numa_cpus = vec![(0..64).collect()];
            p.units = vec![UnitSpec {
                name: "NVIDIA Tesla S-Class 4-GPU Computing System".into(),
                id: "920-22112-2500-000".into(),
                serial: "0324712000817".into(),
                firmware_version: "6.2".into(),
                led_amber: false,
                led_cause: String::new(),
                psu_state: "Normal".into(),
                psu_current_a: 98,
                psu_voltage_v: 12,
                psu_power_w: 1176,
                temperatures: [Some(24), Some(41), Some(35)],
                fans: vec![(5400, false), (5420, false), (5380, false), (5410, false)],
                gpus: vec![0, 1, 2, 3],
            }];
            Some(p)
        }
        _ => None,
    }
}

/// Loads a profile: a built-in name, or a path to a JSON profile file.
pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
    if let Some(p) = builtin(name_or_path) {
        return Ok(p);
    }
    let looks_like_path = name_or_path.contains('/') || name_or_path.ends_with(".json");
    if !looks_like_path {
        return Err(ProfileError(format!(
            "unknown profile {name_or_path:?} (built-in: {}; or a path to a .json file)",
            BUILTIN_PROFILES.join(", ")
        )));
    }
    let text = std::fs::read_to_string(name_or_path)
        .map_err(|e| ProfileError(format!("cannot read profile file {name_or_path}: {e}")))?;
    parse_json(&text).map_err(|e| ProfileError(format!("profile file {name_or_path}: {e}")))
}

/// Parses a JSON profile (see README for the format).
pub fn parse_json(text: &str) -> Result<Profile, ProfileError> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| ProfileError(format!("invalid JSON: {e}")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| ProfileError("top level must be an object".into()))?;
    let mut profile = match obj.get("base") {
        None => builtin("dgx-h100").ok_or_else(|| ProfileError("no default".into()))?,
        Some(Value::String(b)) => builtin(b)
            .ok_or_else(|| ProfileError(format!("\"base\": unknown built-in profile {b:?}")))?,
        Some(_) => return Err(ProfileError("\"base\" must be a string".into())),
    };
    if !obj.contains_key("base") && obj.contains_key("gpus") {
        // From scratch: the GPU list is given in full.
        profile.gpus.clear();
    }
    for (k, val) in obj {
        match k.as_str() {
            "base" | "gpus" | "$comment" => {}
            "name" => profile.name = string(k, val)?,
            "driver_version" => profile.driver_version = string(k, val)?,
            "nvml_version" => profile.nvml_version = string(k, val)?,
            "cuda_driver_version" => profile.cuda_driver_version = int(k, val)? as i32,
            "root" => profile.root = boolean(k, val)?,
            "vgpu_types" => profile.vgpu_types = parse_vgpu_types(val)?,
            "vgpu_instances" => profile.vgpu_instances = parse_vgpu_instances(val)?,
            "units" => profile.units = parse_units(val)?,
            "confidential_computing" => {
                profile.conf_compute = if val.is_null() {
                    None
                } else {
                    Some(parse_conf_compute(profile.conf_compute.take(), val)?)
                }
            }
            "vgpu_version" => {
                let o = val.as_object().ok_or_else(|| {
                    ProfileError("\"vgpu_version\" must be {\"min\": .., \"max\": ..}".into())
                })?;
                let mut v = profile.vgpu_version;
                for (vk, vv) in o {
                    match vk.as_str() {
                        "min" => v.0 = u32v(vk, vv)?,
                        "max" => v.1 = u32v(vk, vv)?,
                        other => {
                            return Err(ProfileError(format!(
                                "unknown vgpu_version key {other:?}"
                            )));
                        }
                    }
                }
                if v.0 > v.1 {
                    return Err(ProfileError(
                        "\"vgpu_version\": min must be at most max".into(),
                    ));
                }
                profile.vgpu_version = v;
            }
            "gpu_count" => {
                let n = int(k, val)?;
                if n > 32 {
                    return Err(ProfileError("\"gpu_count\" must be at most 32".into()));
                }
                let n = n as usize;
                let template = profile.gpus.first().cloned().unwrap_or_else(|| h100(0));
                while profile.gpus.len() < n {
                    let i = profile.gpus.len() as u32;
                    let mut g = template.clone();
                    g.uuid = uuid_for(0x7000_0000, i);
                    g.serial = g.serial.map(|_| format!("170000000{i:04}"));
                    g.minor_number = i;
                    g.pci_bus = 0x80 + i;
                    g.board_id = 0x8000 + i;
                    profile.gpus.push(g);
                }
                profile.gpus.truncate(n);
            }
            other => return Err(ProfileError(format!("unknown key {other:?}"))),
        }
    }
    if let Some(gpus) = obj.get("gpus") {
        let list = gpus
            .as_array()
            .ok_or_else(|| ProfileError("\"gpus\" must be an array".into()))?;
        if list.len() > 32 {
            return Err(ProfileError("at most 32 GPUs".into()));
        }
        let based = obj.contains_key("base");
        for (i, g) in list.iter().enumerate() {
            let o = g
                .as_object()
                .ok_or_else(|| ProfileError(format!("gpus[{i}] must be an object")))?;
            if based && i < profile.gpus.len() && !o.contains_key("model") {
                if let Some(spec) = profile.gpus.get_mut(i) {
                    apply_gpu(spec, o).map_err(|e| ProfileError(format!("gpus[{i}]: {e}")))?;
                }
            } else {
                let mut spec = model_gpu(o, i as u32)?;
                apply_gpu(&mut spec, o).map_err(|e| ProfileError(format!("gpus[{i}]: {e}")))?;
                if i < profile.gpus.len() {
                    if let Some(slot) = profile.gpus.get_mut(i) {
                        *slot = spec;
                    }
                } else {
                    profile.gpus.push(spec);
                }
            }
        }
        if !based {
            profile.gpus.truncate(list.len());
        }
    }
    validate(&profile)?;
    Ok(profile)
}

fn model_gpu(o: &Map<String, Value>, index: u32) -> Result<GpuSpec, ProfileError> {
    let model = match o.get("model") {
        None => "h100-sxm5-80gb",
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(ProfileError(format!(
                "gpus[{index}].model must be a string"
            )));
        }
    };
    let mut g = match model {
        "h100-sxm5-80gb" => h100(index),
        "a100-sxm4-80gb" => a100(index),
        "rtx-4090" => workstation_gpu(),
        "h100-pcie-80gb" => h100_pcie_host(index),
        other => {
            return Err(ProfileError(format!(
                "gpus[{index}].model: unknown model {other:?} (h100-sxm5-80gb, a100-sxm4-80gb, rtx-4090, h100-pcie-80gb)"
            )));
        }
    };
    // Distinct identity for every slot.
    g.uuid = uuid_for(0x6000_0000 ^ g.pci_device_id, index);
    g.minor_number = index;
    g.pci_bus = 0x10 + index * 0x10;
    g.board_id = 0x1000 + index;
    if g.serial.is_some() {
        g.serial = Some(format!("160000000{index:04}"));
    }
    Ok(g)
}

fn string(k: &str, v: &Value) -> Result<String, ProfileError> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| ProfileError(format!("{k:?} must be a string")))
}

fn int(k: &str, v: &Value) -> Result<u64, ProfileError> {
    v.as_u64()
        .ok_or_else(|| ProfileError(format!("{k:?} must be a non-negative integer")))
}

fn u32v(k: &str, v: &Value) -> Result<u32, ProfileError> {
    let n = int(k, v)?;
    u32::try_from(n).map_err(|_| ProfileError(format!("{k:?} is too large")))
}

fn boolean(k: &str, v: &Value) -> Result<bool, ProfileError> {
    v.as_bool()
        .ok_or_else(|| ProfileError(format!("{k:?} must be true or false")))
}

fn apply_gpu(g: &mut GpuSpec, o: &Map<String, Value>) -> Result<(), ProfileError> {
    for (k, v) in o {
        match k.as_str() {
            "model" | "$comment" => {}
            "name" => g.name = string(k, v)?,
            "uuid" => g.uuid = string(k, v)?,
            "serial" => {
                g.serial = if v.is_null() {
                    None
                } else {
                    Some(string(k, v)?)
                }
            }
            "board_id" => g.board_id = u32v(k, v)?,
            "minor_number" => g.minor_number = u32v(k, v)?,
            "pci_bus" => g.pci_bus = u32v(k, v)?,
            "pci_domain" => g.pci_domain = u32v(k, v)?,
            "pci_device_id" => g.pci_device_id = u32v(k, v)?,
            "numa_node" => {
                g.numa_node = v
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| ProfileError("\"numa_node\" must be an integer".into()))?
            }
            "vbios_version" => g.vbios_version = string(k, v)?,
            "memory_total_mib" => g.memory_total = int(k, v)?.saturating_mul(MIB),
            "temperature" => g.temperature = u32v(k, v)?,
            "fan_speeds" => {
                let a = v
                    .as_array()
                    .ok_or_else(|| ProfileError("\"fan_speeds\" must be an array".into()))?;
                g.fans = a.iter().map(|x| u32v(k, x)).collect::<Result<_, _>>()?;
            }
            "power_usage_w" => g.power_usage_mw = u32v(k, v)?.saturating_mul(1000),
            "power_limit_w" => {
                let w = u32v(k, v)?.saturating_mul(1000);
                g.power_limit_mw = w;
                g.power_default_limit_mw = w;
                g.power_max_limit_mw = g.power_max_limit_mw.max(w);
            }
            "board_part_number" => g.board_part_number = string(k, v)?,
            "gpu_part_number" => g.gpu_part_number = string(k, v)?,
            "addressing_mode" => {
                g.addressing_mode = match string(k, v)?.as_str() {
                    "none" => nvml_sys::NVML_DEVICE_ADDRESSING_MODE_NONE,
                    "hmm" => nvml_sys::NVML_DEVICE_ADDRESSING_MODE_HMM,
                    "ats" => nvml_sys::NVML_DEVICE_ADDRESSING_MODE_ATS,
                    other => {
                        return Err(ProfileError(format!(
                            "\"addressing_mode\" must be \"none\", \"hmm\" or \"ats\", not {other:?}"
                        )));
                    }
                }
            }
            "inforom_image_version" => g.inforom_image = string(k, v)?,
            "bar1_total_mib" => g.bar1_total = int(k, v)?.saturating_mul(MIB),
            "memory_temperature" => g.memory_temperature = u32v(k, v)?,
            "power_min_limit_w" => g.power_min_limit_mw = u32v(k, v)?.saturating_mul(1000),
            "power_max_limit_w" => g.power_max_limit_mw = u32v(k, v)?.saturating_mul(1000),
            "clock_graphics_mhz" => {
                g.clock_graphics = u32v(k, v)?;
                g.clock_sm = g.clock_graphics;
            }
            "clock_memory_mhz" => g.clock_mem = u32v(k, v)?,
            "pstate" => {
                g.pstate = u32v(k, v)?;
                if g.pstate > 15 {
                    return Err(ProfileError("\"pstate\" must be 0..=15".into()));
                }
            }
            "compute_mode" => {
                g.compute_mode = match string(k, v)?.as_str() {
                    "default" => nvml_sys::NVML_COMPUTEMODE_DEFAULT,
                    "exclusive_process" => nvml_sys::NVML_COMPUTEMODE_EXCLUSIVE_PROCESS,
                    "prohibited" => nvml_sys::NVML_COMPUTEMODE_PROHIBITED,
                    other => {
                        return Err(ProfileError(format!(
                            "\"compute_mode\" {other:?}: default, exclusive_process or prohibited"
                        )));
                    }
                }
            }
            "pcie_generation" => g.pcie_gen = u32v(k, v)?.clamp(1, 6),
            "pcie_width" => g.pcie_width = u32v(k, v)?.clamp(1, 32),
            "pcie_replay_counter" => g.pcie_replay_counter = u32v(k, v)?,
            "ecc_corrected_volatile" => g.ecc_corrected_volatile = int(k, v)?,
            "ecc_uncorrected_volatile" => g.ecc_uncorrected_volatile = int(k, v)?,
            "ecc_corrected_aggregate" => g.ecc_corrected_aggregate = int(k, v)?,
            "ecc_uncorrected_aggregate" => g.ecc_uncorrected_aggregate = int(k, v)?,
            "remapped_rows_correctable" => g.remapped_rows_correctable = u32v(k, v)?,
            "remapped_rows_uncorrectable" => g.remapped_rows_uncorrectable = u32v(k, v)?,
            "utilization_gpu" => g.util_gpu = u32v(k, v)?.min(100),
            "utilization_memory" => g.util_memory = u32v(k, v)?.min(100),
            "persistence_mode" => g.persistence_mode = boolean(k, v)?,
            "ecc_enabled" => g.ecc_enabled = boolean(k, v)?,
            "mig_enabled" => g.mig_enabled = boolean(k, v)?,
            "virtualization_mode" => {
                g.virtualization_mode = match string(k, v)?.as_str() {
                    "none" => nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_NONE,
                    "passthrough" => nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_PASSTHROUGH,
                    "vgpu" => nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_VGPU,
                    "host_vgpu" => nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU,
                    "host_vsga" => nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VSGA,
                    other => {
                        return Err(ProfileError(format!(
                            "\"virtualization_mode\" {other:?}: none, passthrough, vgpu, host_vgpu or host_vsga"
                        )));
                    }
                }
            }
            "vgpu_heterogeneous_mode" => g.vgpu_heterogeneous = boolean(k, v)?,
            "vgpu_placement_slots" => g.vgpu_placement_slots = u32v(k, v)?.clamp(1, 1024),
            "nvlink_count" => g.nvlink_count = u32v(k, v)?.min(nvml_sys::NVML_NVLINK_MAX_LINKS),
            "processes" => {
                let a = v
                    .as_array()
                    .ok_or_else(|| ProfileError("\"processes\" must be an array".into()))?;
                let mut out = Vec::new();
                for p in a {
                    let po = p
                        .as_object()
                        .ok_or_else(|| ProfileError("a process must be an object".into()))?;
                    let mut spec = ProcessSpec {
                        pid: 0,
                        name: String::new(),
                        used_memory: 0,
                        kind: "compute".into(),
                    };
                    for (pk, pv) in po {
                        match pk.as_str() {
                            "pid" => spec.pid = u32v(pk, pv)?,
                            "name" => spec.name = string(pk, pv)?,
                            "used_memory_mib" => {
                                spec.used_memory = int(pk, pv)?.saturating_mul(MIB)
                            }
                            "type" => {
                                spec.kind = string(pk, pv)?;
                                if !["compute", "graphics", "mps"].contains(&spec.kind.as_str()) {
                                    return Err(ProfileError(
                                        "process \"type\" must be compute, graphics or mps".into(),
                                    ));
                                }
                            }
                            other => {
                                return Err(ProfileError(format!("unknown process key {other:?}")));
                            }
                        }
                    }
                    if spec.pid == 0 {
                        return Err(ProfileError("a process needs a non-zero \"pid\"".into()));
                    }
                    out.push(spec);
                }
                g.processes = out;
            }
            other => return Err(ProfileError(format!("unknown key {other:?}"))),
        }
    }
    // Aggregate counters include the volatile ones.
    g.ecc_corrected_aggregate = g.ecc_corrected_aggregate.max(g.ecc_corrected_volatile);
    g.ecc_uncorrected_aggregate = g.ecc_uncorrected_aggregate.max(g.ecc_uncorrected_volatile);
    Ok(())
}

fn validate(p: &Profile) -> Result<(), ProfileError> {
    validate_vgpu(p)?;
    validate_units(p)?;
    for (i, g) in p.gpus.iter().enumerate() {
        let used: u64 = g.processes.iter().map(|x| x.used_memory).sum();
        if used.saturating_add(g.memory_reserved) > g.memory_total {
            return Err(ProfileError(format!(
                "gpus[{i}]: processes use more memory than the GPU has"
            )));
        }
        if !g.uuid.starts_with("GPU-")
            || g.uuid.len() >= nvml_sys::NVML_DEVICE_UUID_BUFFER_SIZE as usize
        {
            return Err(ProfileError(format!(
                "gpus[{i}]: uuid must look like GPU-xxxxxxxx-..."
            )));
        }
        if g.power_min_limit_mw > g.power_limit_mw || g.power_limit_mw > g.power_max_limit_mw {
            return Err(ProfileError(format!(
                "gpus[{i}]: power limits must be min <= limit <= max"
            )));
        }
        if g.clock_graphics > g.max_graphics || g.clock_mem > g.max_mem {
            return Err(ProfileError(format!(
                "gpus[{i}]: a current clock is above its maximum"
            )));
        }
        if g.pcie_gen > g.pcie_max_gen || g.pcie_width > g.pcie_max_width {
            return Err(ProfileError(format!(
                "gpus[{i}]: PCIe link above its maximum"
            )));
        }
        if g.name.len() >= nvml_sys::NVML_DEVICE_NAME_BUFFER_SIZE as usize {
            return Err(ProfileError(format!("gpus[{i}]: name too long")));
        }
        for (j, h) in p.gpus.iter().enumerate().skip(i + 1) {
            if h.uuid == g.uuid || h.bus_id() == g.bus_id() {
                return Err(ProfileError(format!(
                    "gpus[{i}] and gpus[{j}] share a UUID or PCI bus id"
                )));
            }
        }
    }
    Ok(())
}

fn obj<'a>(what: &str, v: &'a Value) -> Result<&'a Map<String, Value>, ProfileError> {
    v.as_object()
        .ok_or_else(|| ProfileError(format!("{what} must be an object")))
}

fn parse_vgpu_types(v: &Value) -> Result<Vec<VgpuType>, ProfileError> {
    let list = v
        .as_array()
        .ok_or_else(|| ProfileError("\"vgpu_types\" must be an array".into()))?;
    let mut out = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let o = obj(&format!("vgpu_types[{i}]"), t)?;
        let mut ty = VgpuType {
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
        };
        let err = |e: ProfileError| ProfileError(format!("vgpu_types[{i}]: {e}"));
        for (k, val) in o {
            match k.as_str() {
                "$comment" => {}
                "id" => ty.id = u32v(k, val).map_err(err)?,
                "name" => ty.name = string(k, val).map_err(err)?,
                "class" => ty.class = string(k, val).map_err(err)?,
                "framebuffer_mib" => ty.framebuffer = int(k, val).map_err(err)?.saturating_mul(MIB),
                "max_instances" => ty.max_instances = u32v(k, val).map_err(err)?,
                "max_instances_per_vm" => ty.max_per_vm = u32v(k, val).map_err(err)?,
                "frame_rate_limit" => ty.frame_rate_limit = u32v(k, val).map_err(err)?,
                "resolution" => {
                    let a = val.as_array().filter(|a| a.len() == 2).ok_or_else(|| {
                        err(ProfileError(
                            "\"resolution\" must be [width, height]".into(),
                        ))
                    })?;
                    let w = a.first().map(|x| u32v(k, x)).transpose().map_err(err)?;
                    let h = a.get(1).map(|x| u32v(k, x)).transpose().map_err(err)?;
                    ty.resolution = (w.unwrap_or(0), h.unwrap_or(0));
                }
                "display_heads" => ty.display_heads = u32v(k, val).map_err(err)?,
                "license" => ty.license = string(k, val).map_err(err)?,
                "device_id" => ty.device_id = int(k, val).map_err(err)?,
                "subsystem_id" => ty.subsystem_id = int(k, val).map_err(err)?,
                "gpu_instance_profile_id" => {
                    ty.gi_profile_id = if val.is_null() {
                        INVALID_ID
                    } else {
                        u32v(k, val).map_err(err)?
                    }
                }
                "bar1_mib" => ty.bar1_mib = int(k, val).map_err(err)?,
                "fb_reservation_mib" => {
                    ty.fb_reservation = int(k, val).map_err(err)?.saturating_mul(MIB)
                }
                "gsp_heap_mib" => ty.gsp_heap = int(k, val).map_err(err)?.saturating_mul(MIB),
                "placement_size" => ty.placement_size = u32v(k, val).map_err(err)?.max(1),
                other => return Err(err(ProfileError(format!("unknown key {other:?}")))),
            }
        }
        if ty.id == 0 || ty.name.is_empty() || ty.max_instances == 0 {
            return Err(err(ProfileError(
                "a vGPU type needs a non-zero \"id\", a \"name\" and \"max_instances\" >= 1".into(),
            )));
        }
        out.push(ty);
    }
    Ok(out)
}

fn parse_vgpu_instances(v: &Value) -> Result<Vec<VgpuInstanceSpec>, ProfileError> {
    let list = v
        .as_array()
        .ok_or_else(|| ProfileError("\"vgpu_instances\" must be an array".into()))?;
    let mut out = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let o = obj(&format!("vgpu_instances[{i}]"), t)?;
        let n = i as u32 + 1;
        let mut inst = vm(0, 0, 0, n, 0, true, false, Vec::new(), 0, (0, 0));
        let err = |e: ProfileError| ProfileError(format!("vgpu_instances[{i}]: {e}"));
        for (k, val) in o {
            match k.as_str() {
                "$comment" => {}
                "id" => inst.id = u32v(k, val).map_err(err)?,
                "gpu" => inst.gpu = u32v(k, val).map_err(err)?,
                "type_id" => inst.type_id = u32v(k, val).map_err(err)?,
                "vm_id" => inst.vm_id = string(k, val).map_err(err)?,
                "vm_driver_version" => inst.vm_driver_version = string(k, val).map_err(err)?,
                "uuid" => inst.uuid = string(k, val).map_err(err)?,
                "mdev_uuid" => inst.mdev_uuid = string(k, val).map_err(err)?,
                "fb_usage_mib" => inst.fb_usage = int(k, val).map_err(err)?.saturating_mul(MIB),
                "encoder_capacity" => inst.encoder_capacity = u32v(k, val).map_err(err)?.min(100),
                "licensed" => inst.licensed = boolean(k, val).map_err(err)?,
                "accounting_mode" => inst.accounting = boolean(k, val).map_err(err)?,
                "placement_id" => inst.placement_id = u32v(k, val).map_err(err)?,
                "guest_pci_id" => inst.guest_pci_id = string(k, val).map_err(err)?,
                "sm_util" => inst.sm_util = u32v(k, val).map_err(err)?.min(100),
                "mem_util" => inst.mem_util = u32v(k, val).map_err(err)?.min(100),
                "processes" => {
                    let a = val.as_array().ok_or_else(|| {
                        err(ProfileError("\"processes\" must be an array".into()))
                    })?;
                    let mut ps = Vec::new();
                    for p in a {
                        let po = obj("a VM process", p).map_err(err)?;
                        let mut vp = vm_process(0, "", 0, 0, 0);
                        for (pk, pv) in po {
                            match pk.as_str() {
                                "pid" => vp.pid = u32v(pk, pv).map_err(err)?,
                                "name" => vp.name = string(pk, pv).map_err(err)?,
                                "sm_util" => vp.sm_util = u32v(pk, pv).map_err(err)?.min(100),
                                "mem_util" => vp.mem_util = u32v(pk, pv).map_err(err)?.min(100),
                                "max_memory_mib" => {
                                    vp.max_memory = int(pk, pv).map_err(err)?.saturating_mul(MIB)
                                }
                                other => {
                                    return Err(err(ProfileError(format!(
                                        "unknown VM process key {other:?}"
                                    ))));
                                }
                            }
                        }
                        if vp.pid == 0 {
                            return Err(err(ProfileError(
                                "a VM process needs a non-zero \"pid\"".into(),
                            )));
                        }
                        ps.push(vp);
                    }
                    inst.processes = ps;
                }
                other => return Err(err(ProfileError(format!("unknown key {other:?}")))),
            }
        }
        if inst.id == 0 {
            inst.id = 3_251_634_188 + n;
        }
        out.push(inst);
    }
    Ok(out)
}

/// The vGPU instances must sit on host-vGPU GPUs, with known types that fit: counts within
/// the type's maximum, one type per GPU in homogeneous mode, placements inside the GPU's slots
/// and not overlapping.
fn validate_vgpu(p: &Profile) -> Result<(), ProfileError> {
    for (i, t) in p.vgpu_types.iter().enumerate() {
        if t.name.len() >= nvml_sys::NVML_VGPU_NAME_BUFFER_SIZE as usize
            || t.license.len() >= nvml_sys::NVML_GRID_LICENSE_BUFFER_SIZE as usize
        {
            return Err(ProfileError(format!(
                "vgpu_types[{i}]: name or license too long"
            )));
        }
        if p.vgpu_types.iter().skip(i + 1).any(|u| u.id == t.id) {
            return Err(ProfileError(format!(
                "vgpu_types[{i}]: duplicate id {}",
                t.id
            )));
        }
    }
    for (i, v) in p.vgpu_instances.iter().enumerate() {
        let e = |m: &str| ProfileError(format!("vgpu_instances[{i}]: {m}"));
        let g = p
            .gpus
            .get(v.gpu as usize)
            .ok_or_else(|| e("\"gpu\" out of range"))?;
        if g.virtualization_mode != nvml_sys::NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU {
            return Err(e("its GPU is not in host_vgpu virtualization mode"));
        }
        let t = p
            .vgpu_types
            .iter()
            .find(|t| t.id == v.type_id)
            .ok_or_else(|| e("unknown \"type_id\""))?;
        if t.gi_profile_id != INVALID_ID {
            return Err(e(
                "MIG-backed vGPU instances are not modeled; use a time-sliced type",
            ));
        }
        if v.fb_usage > t.framebuffer {
            return Err(e("\"fb_usage_mib\" above the type's framebuffer"));
        }
        if v.uuid.len() >= 80 || v.vm_id.len() >= 80 || v.mdev_uuid.len() >= 80 {
            return Err(e("uuid, vm_id or mdev_uuid too long"));
        }
        let end = v.placement_id.saturating_add(t.placement_size);
        if v.placement_id % t.placement_size != 0 || end > g.vgpu_placement_slots {
            return Err(e(
                "\"placement_id\" must be a multiple of the type's placement size inside the GPU's slots",
            ));
        }
        let same_gpu: Vec<&VgpuInstanceSpec> =
            p.vgpu_instances.iter().filter(|w| w.gpu == v.gpu).collect();
        if same_gpu.iter().filter(|w| w.type_id == v.type_id).count() > t.max_instances as usize {
            return Err(e(
                "more instances of its type than the type's \"max_instances\"",
            ));
        }
        if !g.vgpu_heterogeneous && same_gpu.iter().any(|w| w.type_id != v.type_id) {
            return Err(e("a GPU in homogeneous vGPU mode runs one vGPU type only"));
        }
        for (j, w) in p.vgpu_instances.iter().enumerate().skip(i + 1) {
            if w.id == v.id {
                return Err(e(&format!("same id as vgpu_instances[{j}]")));
            }
            let ws = p
                .vgpu_types
                .iter()
                .find(|t| t.id == w.type_id)
                .map_or(1, |t| t.placement_size);
            if w.gpu == v.gpu && w.placement_id < end && v.placement_id < w.placement_id + ws {
                return Err(e(&format!("placement overlaps vgpu_instances[{j}]")));
            }
        }
    }
    Ok(())
}

fn parse_conf_compute(base: Option<ConfCompute>, v: &Value) -> Result<ConfCompute, ProfileError> {
    let o = obj("\"confidential_computing\"", v)?;
    let mut cc = base.unwrap_or(ConfCompute {
        cpu_caps: nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_SNP,
        environment: nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_PROD,
        enabled: true,
        devtools: false,
        multi_gpu: nvml_sys::NVML_CC_SYSTEM_MULTIGPU_NONE,
        gpus_ready: false,
        key_rotation_threshold: 60,
        unprotected_kib: 256 * 1024,
    });
    let err = |k: &str, allowed: &str| {
        ProfileError(format!("confidential_computing.{k}: one of {allowed}"))
    };
    for (k, val) in o {
        match k.as_str() {
            "$comment" => {}
            "cpu" => {
                cc.cpu_caps = match string(k, val)?.as_str() {
                    "none" => nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_NONE,
                    "amd_sev" => nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV,
                    "intel_tdx" => nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX,
                    "amd_sev_snp" => nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_SNP,
                    "amd_snp_vtom" => nvml_sys::NVML_CC_SYSTEM_CPU_CAPS_AMD_SNP_VTOM,
                    _ => {
                        return Err(err(
                            k,
                            "none, amd_sev, intel_tdx, amd_sev_snp, amd_snp_vtom",
                        ));
                    }
                }
            }
            "environment" => {
                cc.environment = match string(k, val)?.as_str() {
                    "unavailable" => nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_UNAVAILABLE,
                    "sim" => nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_SIM,
                    "prod" => nvml_sys::NVML_CC_SYSTEM_ENVIRONMENT_PROD,
                    _ => return Err(err(k, "unavailable, sim, prod")),
                }
            }
            "multi_gpu" => {
                cc.multi_gpu = match string(k, val)?.as_str() {
                    "none" => nvml_sys::NVML_CC_SYSTEM_MULTIGPU_NONE,
                    "protected_pcie" => nvml_sys::NVML_CC_SYSTEM_MULTIGPU_PROTECTED_PCIE,
                    "nvle" => nvml_sys::NVML_CC_SYSTEM_MULTIGPU_NVLE,
                    _ => return Err(err(k, "none, protected_pcie, nvle")),
                }
            }
            "enabled" => cc.enabled = boolean(k, val)?,
            "devtools" => cc.devtools = boolean(k, val)?,
            "gpus_ready" => cc.gpus_ready = boolean(k, val)?,
            "key_rotation_threshold" => {
                cc.key_rotation_threshold = int(k, val)?;
                let range =
                    u64::from(nvml_sys::NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MIN)
                        ..=u64::from(
                            nvml_sys::NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MAX,
                        );
                if !range.contains(&cc.key_rotation_threshold) {
                    return Err(err(k, "50..=65"));
                }
            }
            "unprotected_mem_mib" => cc.unprotected_kib = int(k, val)?.saturating_mul(1024),
            other => {
                return Err(ProfileError(format!(
                    "unknown confidential_computing key {other:?}"
                )));
            }
        }
    }
    Ok(cc)
}

fn parse_units(v: &Value) -> Result<Vec<UnitSpec>, ProfileError> {
    let list = v
        .as_array()
        .ok_or_else(|| ProfileError("\"units\" must be an array".into()))?;
    if list.len() > MAX_UNITS {
        return Err(ProfileError(format!("at most {MAX_UNITS} units")));
    }
    list.iter()
        .enumerate()
        .map(|(i, u)| parse_unit(u).map_err(|e| ProfileError(format!("units[{i}]: {e}"))))
        .collect()
}

fn parse_unit(v: &Value) -> Result<UnitSpec, ProfileError> {
    let o = obj("a unit", v)?;
    let mut u = UnitSpec {
        name: "NVIDIA S-Class Unit".into(),
        id: String::new(),
        serial: String::new(),
        firmware_version: String::new(),
        led_amber: false,
        led_cause: String::new(),
        psu_state: "Normal".into(),
        psu_current_a: 0,
        psu_voltage_v: 12,
        psu_power_w: 0,
        temperatures: [None; 3],
        fans: Vec::new(),
        gpus: Vec::new(),
    };
    for (k, val) in o {
        match k.as_str() {
            "name" => u.name = string(k, val)?,
            "id" => u.id = string(k, val)?,
            "serial" => u.serial = string(k, val)?,
            "firmware_version" => u.firmware_version = string(k, val)?,
            "led" => {
                u.led_amber = match string(k, val)?.as_str() {
                    "green" => false,
                    "amber" => true,
                    other => {
                        return Err(ProfileError(format!(
                            "\"led\" must be \"green\" or \"amber\", not {other:?}"
                        )));
                    }
                }
            }
            "led_cause" => u.led_cause = string(k, val)?,
            "psu" => {
                for (pk, pv) in obj("\"psu\"", val)? {
                    match pk.as_str() {
                        "state" => u.psu_state = string(pk, pv)?,
                        "current_a" => u.psu_current_a = u32v(pk, pv)?,
                        "voltage_v" => u.psu_voltage_v = u32v(pk, pv)?,
                        "power_w" => u.psu_power_w = u32v(pk, pv)?,
                        other => return Err(ProfileError(format!("unknown psu key {other:?}"))),
                    }
                }
            }
            "temperatures" => {
                for (tk, tv) in obj("\"temperatures\"", val)? {
                    let slot = match tk.as_str() {
                        "intake" => 0,
                        "exhaust" => 1,
                        "board" => 2,
                        other => {
                            return Err(ProfileError(format!(
                                "unknown temperature sensor {other:?}"
                            )));
                        }
                    };
                    if let Some(t) = u.temperatures.get_mut(slot) {
                        *t = if tv.is_null() {
                            None
                        } else {
                            Some(u32v(tk, tv)?)
                        };
                    }
                }
            }
            "fans" => {
                let fans = val
                    .as_array()
                    .ok_or_else(|| ProfileError("\"fans\" must be an array".into()))?;
                if fans.len() > 24 {
                    return Err(ProfileError("at most 24 fans".into()));
                }
                u.fans = fans
                    .iter()
                    .map(|f| {
                        let mut fan = (0, false);
                        for (fk, fv) in obj("a fan", f)? {
                            match fk.as_str() {
                                "rpm" => fan.0 = u32v(fk, fv)?,
                                "state" => {
                                    fan.1 = match string(fk, fv)?.as_str() {
                                        "normal" => false,
                                        "failed" => true,
                                        other => {
                                            return Err(ProfileError(format!(
                                                "fan state must be \"normal\" or \"failed\", not {other:?}"
                                            )));
                                        }
                                    }
                                }
                                other => {
                                    return Err(ProfileError(format!("unknown fan key {other:?}")));
                                }
                            }
                        }
                        Ok(fan)
                    })
                    .collect::<Result<_, _>>()?;
            }
            "gpus" => {
                let gpus = val
                    .as_array()
                    .ok_or_else(|| ProfileError("\"gpus\" must be an array of indices".into()))?;
                u.gpus = gpus.iter().map(|g| u32v(k, g)).collect::<Result<_, _>>()?;
            }
            other => return Err(ProfileError(format!("unknown unit key {other:?}"))),
        }
    }
    Ok(u)
}

fn validate_units(p: &Profile) -> Result<(), ProfileError> {
    let mut seen = Vec::new();
    for (i, u) in p.units.iter().enumerate() {
        for (what, s, max) in [
            ("name", &u.name, 96),
            ("id", &u.id, 96),
            ("serial", &u.serial, 96),
            ("firmware_version", &u.firmware_version, 96),
            ("led_cause", &u.led_cause, 256),
            ("psu state", &u.psu_state, 256),
        ] {
            if s.len() >= max {
                return Err(ProfileError(format!("units[{i}]: {what} too long")));
            }
        }
        for &g in &u.gpus {
            if g as usize >= p.gpus.len() {
                return Err(ProfileError(format!("units[{i}]: no GPU {g}")));
            }
            if seen.contains(&g) {
                return Err(ProfileError(format!(
                    "units[{i}]: GPU {g} is already in a unit"
                )));
            }
            seen.push(g);
        }
    }
    Ok(())
}
