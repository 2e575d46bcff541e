//! The built-in machines as they were written in Rust before they became data files; kept
//! only to dump them (`dump_builtin_profiles`) and to check the files load back equal.

#![allow(dead_code)]

use super::*;

const MIB: u64 = 1024 * 1024;
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
pub(super) fn builtin(name: &str) -> Option<Profile> {
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
/// Pretty JSON with arrays of scalars on one line.
fn to_file_text(p: &Profile) -> String {
    let pretty = serde_json::to_string_pretty(p).unwrap_or_default();
    let mut out = String::new();
    let lines: Vec<&str> = pretty.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.ends_with('[') {
            let mut j = i + 1;
            let mut items = Vec::new();
            while j < lines.len() {
                let t = lines[j].trim();
                if t.starts_with(']') || t.ends_with('[') || t.ends_with('{') || t.starts_with('{')
                {
                    break;
                }
                items.push(t.trim_end_matches(','));
                j += 1;
            }
            if j < lines.len() && lines[j].trim().starts_with(']') {
                out.push_str(line);
                out.push_str(&items.join(", "));
                out.push_str(lines[j].trim());
                out.push('\n');
                i = j + 1;
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
        i += 1;
    }
    out
}

/// Writes `profiles/builtin/<name>.json` from the constructors above when
/// `NVML_MOCK_DUMP_PROFILES=1`; always checks the files load back equal to them.
#[test]
fn builtin_files_equal_the_constructors() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/profiles/builtin");
    for name in BUILTIN_PROFILES {
        let old = builtin(name).unwrap();
        if std::env::var("NVML_MOCK_DUMP_PROFILES").is_ok() {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(format!("{dir}/{name}.json"), to_file_text(&old)).unwrap();
        }
    }
    for name in BUILTIN_PROFILES {
        let text = std::fs::read_to_string(format!("{dir}/{name}.json")).unwrap();
        let new = super::parse_json(&text).unwrap();
        assert_eq!(new, builtin(name).unwrap(), "{name}");
        assert_eq!(&super::builtin(name).unwrap(), &new, "{name}");
    }
}
