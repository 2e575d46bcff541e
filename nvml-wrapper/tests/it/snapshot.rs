//! The snapshot example (`examples/snapshot`) round trip: for every built-in profile of the
//! mock, mock -> snapshot -> profile -> mock answers every walked query the same (return
//! code and value), and the snapshot of a real GPU loads as a profile (`#[ignore]`d).

#[path = "../../examples/snapshot/machine.rs"]
#[allow(dead_code)]
mod machine;

use std::collections::BTreeMap;
use std::fmt::Debug;

use nvml_wrapper::device::{Device, ProcessMode};
use nvml_wrapper::enums::{
    AffinityScope, ClockId, ClockType, EccCounterType, EncoderType, GpuInstanceProfile,
    InforomObject, MemoryErrorType, MemoryLocation, NvLinkCapability, NvLinkErrorCounter,
    P2pCapability, PcieUtilCounter, RetirementCause, TemperatureSensor, TemperatureThreshold,
    TopologyLevel,
};
use nvml_wrapper::enums::{DeviceVgpuCapability, VgpuCapability};
use nvml_wrapper::unit::UnitTemperatureSensor;
use nvml_wrapper::vgpu::{VgpuPlacementMode, VgpuType};
use nvml_wrapper::{Nvml, sys};

/// What the walk read: query (with its arguments) -> `Debug` of the answer. Counters that
/// move with time (energy) are kept apart, as numbers.
#[derive(Default)]
struct Walk {
    answers: BTreeMap<String, String>,
    energy_mj: BTreeMap<String, Result<u64, String>>,
}

impl Walk {
    fn put<T: Debug>(&mut self, key: String, r: nvml_wrapper::Result<T>) {
        let text = match r {
            Ok(v) => format!("Ok({v:?})"),
            Err(e) => format!("Err({e})"),
        };
        self.answers.insert(key, text);
    }

    fn energy(&mut self, key: String, r: Result<u64, String>) {
        self.energy_mj.insert(key, r);
    }
}

/// Device handles as indices, so two libraries' answers compare.
fn indices(list: nvml_wrapper::Result<Vec<Device<'_>>>) -> nvml_wrapper::Result<Vec<u32>> {
    list?.iter().map(Device::index).collect()
}

/// Reads every query the profile format feeds, on every GPU, with every argument the enums
/// allow.
fn walk(nvml: &Nvml) -> Walk {
    let mut w = Walk::default();
    w.put("driver_version".into(), nvml.driver_version());
    w.put("nvml_version".into(), nvml.nvml_version());
    w.put("cuda_driver_version".into(), nvml.cuda_driver_version());
    w.put("driver_branch".into(), nvml.driver_branch());
    w.put("excluded_device_count".into(), nvml.excluded_device_count());
    w.put("excluded_devices".into(), nvml.excluded_devices());
    w.put("hic_version".into(), nvml.hic_version());
    w.put(
        "conf_compute_capabilities".into(),
        nvml.conf_compute_capabilities(),
    );
    w.put("conf_compute_state".into(), nvml.conf_compute_state());
    w.put("conf_compute_settings".into(), nvml.conf_compute_settings());
    w.put(
        "conf_compute_gpus_ready".into(),
        nvml.conf_compute_gpus_ready(),
    );
    w.put(
        "conf_compute_key_rotation_threshold".into(),
        nvml.conf_compute_key_rotation_threshold(),
    );
    w.put("vgpu_version".into(), nvml.vgpu_version());
    for cpu in 0..1024 {
        w.put(
            format!("topology_gpu_set({cpu})"),
            indices(nvml.topology_gpu_set(cpu)),
        );
    }
    walk_units(nvml, &mut w);
    let count = nvml.device_count().unwrap();
    w.put(
        "device_count".into(),
        Ok::<_, nvml_wrapper::NvmlError>(count),
    );
    let devices: Vec<Device<'_>> = (0..count)
        .map(|i| nvml.device_by_index(i).unwrap())
        .collect();
    for (i, d) in devices.iter().enumerate() {
        walk_device(nvml, &mut w, &format!("gpu{i}."), d, &devices);
    }
    w
}

fn walk_units(nvml: &Nvml, w: &mut Walk) {
    let n = nvml.unit_count();
    let count = *n.as_ref().unwrap_or(&0);
    w.put("unit_count".into(), n);
    for i in 0..count {
        let u = nvml.unit_by_index(i).unwrap();
        let k = |q: &str| format!("unit{i}.{q}");
        w.put(k("info"), u.info());
        w.put(k("led_state"), u.led_state());
        w.put(k("psu_info"), u.psu_info());
        w.put(k("fan_speeds"), u.fan_speeds());
        w.put(k("devices"), indices(u.devices()));
        for s in [
            UnitTemperatureSensor::Intake,
            UnitTemperatureSensor::Exhaust,
            UnitTemperatureSensor::Board,
        ] {
            w.put(k(&format!("temperature({s:?})")), u.temperature(s));
        }
    }
}

#[allow(clippy::too_many_lines)]
fn walk_device(nvml: &Nvml, w: &mut Walk, at: &str, d: &Device<'_>, all: &[Device<'_>]) {
    let k = |q: &str| format!("{at}{q}");
    // `q!(method(args))`: the key names the method and the arguments' values.
    macro_rules! q {
        ($method:ident($($arg:expr),*)) => {
            w.put(
                k(&format!("{}{:?}", stringify!($method), ($($arg,)*))),
                d.$method($($arg),*),
            )
        };
    }
    q!(name());
    q!(uuid());
    q!(serial());
    q!(board_id());
    q!(board_part_number());
    q!(brand());
    q!(architecture());
    q!(cuda_compute_capability());
    q!(vbios_version());
    q!(inforom_image_version());
    q!(minor_number());
    q!(index());
    q!(persistence_mode());
    q!(compute_mode());
    q!(display_mode());
    q!(display_active());
    q!(is_multi_gpu_board());
    q!(pci_info());
    q!(pci_info_ext());
    q!(current_pcie_link_generation());
    q!(max_pcie_link_generation());
    q!(gpu_max_pcie_link_generation());
    q!(current_pcie_link_width());
    q!(max_pcie_link_width());
    q!(pcie_replay_counter());
    q!(pcie_link_max_speed());
    q!(pcie_speed());
    q!(bus_type());
    q!(memory_info());
    q!(bar1_memory_info());
    q!(utilization_rates());
    q!(encoder_utilization());
    q!(decoder_utilization());
    q!(margin_temperature());
    q!(num_fans());
    q!(min_max_fan_speed());
    q!(power_usage());
    q!(power_management_limit());
    q!(power_management_limit_constraints());
    q!(power_management_default_limit());
    q!(enforced_power_limit());
    q!(power_management_mode());
    q!(supported_memory_clocks());
    q!(performance_state());
    q!(current_clocks_event_reasons());
    q!(supported_clocks_event_reasons());
    q!(ecc_mode());
    q!(default_ecc_mode());
    q!(retired_pages_pending_status());
    q!(remapped_rows());
    q!(row_remapper_histogram());
    q!(running_compute_processes());
    q!(running_graphics_processes());
    q!(mps_compute_running_processes());
    q!(numa_node_id());
    q!(addressing_mode());
    q!(repair_status());
    q!(has_unrepairable_memory());
    q!(pdi());
    q!(num_gpu_cores());
    q!(memory_bus_width());
    q!(gsp_firmware_version());
    q!(gsp_firmware_mode());
    q!(c2c_mode_enabled());
    q!(sram_ecc_error_status());
    q!(conf_compute_mem_size_info());
    q!(conf_compute_protected_memory_usage());
    q!(conf_compute_gpu_certificate());
    q!(gpm_supported());
    q!(nvlink_info());
    q!(nvlink_bw_mode());
    q!(nvlink_supported_bw_modes());
    q!(gpu_fabric_info());
    q!(mig_mode());
    q!(max_mig_device_count());
    q!(attributes());
    q!(virtualization_mode());
    q!(host_vgpu_mode());
    q!(vgpu_heterogeneous_mode());
    q!(encoder_stats());
    q!(encoder_sessions());
    q!(fbc_stats());
    q!(fbc_sessions());
    q!(accounting_mode());
    q!(accounting_buffer_size());
    q!(accounting_pids());
    q!(supported_performance_states());
    q!(cpu_affinity(16));
    for &o in InforomObject::ALL {
        q!(inforom_version(o));
    }
    for &c in PcieUtilCounter::ALL {
        q!(pcie_throughput(c));
    }
    for &s in TemperatureSensor::ALL {
        q!(temperature(s));
    }
    for &t in TemperatureThreshold::ALL {
        q!(temperature_threshold(t));
    }
    for fan in 0..4 {
        q!(fan_speed(fan));
        q!(fan_control_policy(fan));
    }
    for &t in ClockType::ALL {
        q!(clock_info(t));
        q!(max_clock_info(t));
        q!(applications_clock(t));
        q!(default_applications_clock(t));
        q!(max_customer_boost_clock(t));
        for &id in ClockId::ALL {
            q!(clock(t, id));
        }
    }
    if let Ok(mems) = d.supported_memory_clocks() {
        for m in mems {
            q!(supported_graphics_clocks(m));
        }
    }
    for &e in MemoryErrorType::ALL {
        for &c in EccCounterType::ALL {
            q!(total_ecc_errors(e, c));
            for &l in MemoryLocation::ALL {
                q!(memory_error_counter(e, c, l));
            }
        }
    }
    for &c in RetirementCause::ALL {
        q!(retired_pages(c));
    }
    for mode in [
        ProcessMode::Compute,
        ProcessMode::Graphics,
        ProcessMode::Mps,
        ProcessMode::All,
    ] {
        q!(running_process_detail_list(mode));
    }
    for p in d
        .running_compute_processes()
        .unwrap_or_default()
        .iter()
        .chain(d.running_graphics_processes().unwrap_or_default().iter())
    {
        w.put(
            k(&format!("process_name({})", p.pid)),
            nvml.process_name(p.pid),
        );
    }
    for &s in AffinityScope::ALL {
        q!(cpu_affinity_within_scope(16, s));
        q!(memory_affinity(1, s));
    }
    for (j, other) in all.iter().enumerate() {
        w.put(
            k(&format!("topology_common_ancestor(gpu{j})")),
            d.topology_common_ancestor(other),
        );
        w.put(
            k(&format!("is_on_same_board(gpu{j})")),
            d.is_on_same_board(other),
        );
        for &c in P2pCapability::ALL {
            w.put(
                k(&format!("p2p_status(gpu{j}, {c:?})")),
                d.p2p_status(other, c),
            );
        }
    }
    for &l in TopologyLevel::ALL {
        w.put(
            k(&format!("topology_nearest_gpus({l:?})")),
            indices(d.topology_nearest_gpus(l)),
        );
    }
    for link in 0..sys::NVML_NVLINK_MAX_LINKS {
        q!(nvlink_state(link));
        q!(nvlink_version(link));
        q!(nvlink_remote_pci_info(link));
        q!(nvlink_remote_device_type(link));
        for &c in NvLinkCapability::ALL {
            q!(nvlink_capability(link, c));
        }
        for &c in NvLinkErrorCounter::ALL {
            q!(nvlink_error_counter(link, c));
        }
    }
    for &c in EncoderType::ALL {
        q!(encoder_capacity(c));
    }
    for &p in GpuInstanceProfile::ALL {
        q!(gpu_instance_profile_info(p));
    }
    for id in 0..32 {
        q!(gpu_instance_possible_placements(id));
        q!(gpu_instance_remaining_capacity(id));
    }
    walk_mig_instances(w, at, d);
    walk_vgpus(w, at, d);
    walk_fields(w, at, d);
    w.energy(
        k("total_energy_consumption()"),
        d.total_energy_consumption().map_err(|e| e.to_string()),
    );
}

/// The MIG instances that exist: per GPU instance profile the instances (id, profile,
/// placement), per compute instance profile their compute instances, and the MIG devices by
/// index (handles left out: they are the library's addresses, not the machine's).
fn walk_mig_instances(w: &mut Walk, at: &str, d: &Device<'_>) {
    for profile_id in 0..32 {
        let gis = match d.gpu_instances(profile_id) {
            Ok(l) => l,
            Err(e) => {
                w.put::<()>(format!("{at}gpu_instances({profile_id})"), Err(e));
                continue;
            }
        };
        let infos = gis
            .iter()
            .map(|gi| gi.info().map(|i| (i.id, i.profile_id, i.placement)))
            .collect::<nvml_wrapper::Result<Vec<_>>>();
        w.put(format!("{at}gpu_instances({profile_id})"), infos);
        for gi in &gis {
            let Ok(id) = gi.info().map(|i| i.id) else {
                continue;
            };
            for ci_profile_id in 0..8 {
                let cis = gi.compute_instances(ci_profile_id).and_then(|l| {
                    l.iter()
                        .map(|ci| ci.info().map(|i| (i.id, i.profile_id, i.placement)))
                        .collect::<nvml_wrapper::Result<Vec<_>>>()
                });
                w.put(
                    format!("{at}gpu_instance({id}).compute_instances({ci_profile_id})"),
                    cis,
                );
            }
        }
    }
    for index in 0..8 {
        let k = |q: &str| format!("{at}mig_device_by_index({index}){q}");
        match d.mig_device_by_index(index) {
            Ok(m) => {
                w.put(k(".uuid()"), m.uuid());
                w.put(k(".name()"), m.name());
                w.put(k(".memory_info()"), m.memory_info());
                w.put(k(".gpu_instance_id()"), m.gpu_instance_id());
                w.put(k(".compute_instance_id()"), m.compute_instance_id());
            }
            Err(e) => w.put::<()>(k(""), Err(e)),
        }
    }
}

/// The vGPU host queries: the types the GPU lists, their placements, and the running
/// instances (timestamps and start times left out: they are the clock's, not the machine's).
fn walk_vgpus(w: &mut Walk, at: &str, d: &Device<'_>) {
    let k = |q: &str| format!("{at}{q}");
    let ids = |r: nvml_wrapper::Result<Vec<VgpuType<'_>>>| {
        r.map(|l| l.iter().map(VgpuType::id).collect::<Vec<_>>())
    };
    w.put(k("supported_vgpus()"), ids(d.supported_vgpus()));
    w.put(k("creatable_vgpus()"), ids(d.creatable_vgpus()));
    for &c in DeviceVgpuCapability::ALL {
        w.put(k(&format!("vgpu_capability({c:?})")), d.vgpu_capability(c));
    }
    w.put(
        k("vgpu_scheduler_capabilities()"),
        d.vgpu_scheduler_capabilities(),
    );
    for t in d.supported_vgpus().unwrap_or_default() {
        let kt = |q: &str| format!("{at}vgpu_type({}).{q}", t.id());
        w.put(kt("name()"), t.name());
        w.put(kt("class()"), t.class());
        w.put(kt("gpu_instance_profile_id()"), t.gpu_instance_profile_id());
        w.put(kt("pci_ids()"), t.pci_ids());
        w.put(kt("framebuffer_size()"), t.framebuffer_size());
        w.put(kt("num_display_heads()"), t.num_display_heads());
        for head in 0..4 {
            w.put(kt(&format!("resolution({head})")), t.resolution(head));
        }
        w.put(kt("license()"), t.license());
        w.put(kt("frame_rate_limit()"), t.frame_rate_limit());
        w.put(kt("max_instances()"), t.max_instances(d));
        w.put(kt("max_instances_per_vm()"), t.max_instances_per_vm());
        w.put(
            kt("max_instances_per_gpu_instance()"),
            t.max_instances_per_gpu_instance(),
        );
        w.put(kt("bar1_size_mib()"), t.bar1_size_mib());
        w.put(kt("gsp_heap_size()"), t.gsp_heap_size());
        w.put(kt("fb_reservation()"), t.fb_reservation());
        for &c in VgpuCapability::ALL {
            w.put(kt(&format!("capability({c:?})")), t.capability(c));
        }
        for mode in [
            VgpuPlacementMode::Heterogeneous,
            VgpuPlacementMode::Homogeneous,
        ] {
            w.put(
                kt(&format!("supported_placements({mode:?})")),
                d.vgpu_type_supported_placements(&t, mode),
            );
        }
        w.put(
            kt("creatable_placements()"),
            d.vgpu_type_creatable_placements(&t),
        );
    }
    for v in d.active_vgpus().unwrap_or_default() {
        let kv = |q: &str| format!("{at}vgpu_instance({}).{q}", v.id());
        w.put(kv("vm_id()"), v.vm_id());
        w.put(kv("uuid()"), v.uuid());
        w.put(kv("vm_driver_version()"), v.vm_driver_version());
        w.put(kv("fb_usage()"), v.fb_usage());
        w.put(kv("vgpu_type()"), v.vgpu_type().map(|t| t.id()));
        w.put(kv("frame_rate_limit()"), v.frame_rate_limit());
        w.put(kv("ecc_mode()"), v.ecc_mode());
        w.put(kv("encoder_capacity()"), v.encoder_capacity());
        w.put(kv("encoder_stats()"), v.encoder_stats());
        w.put(kv("encoder_sessions()"), v.encoder_sessions());
        w.put(kv("fbc_stats()"), v.fbc_stats());
        w.put(kv("fbc_sessions()"), v.fbc_sessions());
        w.put(kv("gpu_instance_id()"), v.gpu_instance_id());
        w.put(kv("gpu_pci_id()"), v.gpu_pci_id());
        w.put(kv("mdev_uuid()"), v.mdev_uuid());
        w.put(kv("placement_id()"), v.placement_id());
        w.put(kv("runtime_state_size()"), v.runtime_state_size());
        w.put(kv("is_licensed()"), v.is_licensed());
        w.put(kv("accounting_mode()"), v.accounting_mode());
        w.put(kv("accounting_pids()"), v.accounting_pids());
        for pid in v.accounting_pids().unwrap_or_default() {
            w.put(
                kv(&format!("accounting_stats({pid})")),
                v.accounting_stats(pid).map(|a| {
                    (
                        a.pid,
                        a.is_running,
                        a.gpu_utilization,
                        a.memory_utilization,
                        a.max_memory_usage,
                    )
                }),
            );
        }
    }
    w.put(
        k("vgpu_instances_utilization(0)"),
        d.vgpu_instances_utilization(0).map(|l| {
            l.iter()
                .map(|s| {
                    (
                        s.vgpu_instance,
                        s.sm_util,
                        s.mem_util,
                        s.enc_util,
                        s.dec_util,
                    )
                })
                .collect::<Vec<_>>()
        }),
    );
    w.put(
        k("vgpu_process_utilization(0)"),
        d.vgpu_process_utilization(0).map(|l| {
            l.iter()
                .map(|s| {
                    (
                        s.vgpu_instance,
                        s.pid,
                        s.process_name.clone(),
                        s.sm_util,
                        s.mem_util,
                    )
                })
                .collect::<Vec<_>>()
        }),
    );
}

/// Every field id with scope 0, the power fields with every power scope, and the per-link
/// fields with every link: each field's own answer, without its timestamp.
fn walk_fields(w: &mut Walk, at: &str, d: &Device<'_>) {
    let mut asks: Vec<(u32, u32)> = (0..=sys::NVML_FI_MAX).map(|id| (id, 0)).collect();
    for id in sys::NVML_FI_DEV_POWER_AVERAGE..=sys::NVML_FI_DEV_POWER_REQUESTED_LIMIT {
        for scope in [sys::NVML_POWER_SCOPE_MODULE, sys::NVML_POWER_SCOPE_MEMORY] {
            asks.push((id, scope));
        }
    }
    for id in [
        sys::NVML_FI_DEV_NVLINK_GET_STATE,
        sys::NVML_FI_DEV_NVLINK_GET_SPEED,
        sys::NVML_FI_DEV_C2C_LINK_GET_STATUS,
        sys::NVML_FI_DEV_C2C_LINK_GET_MAX_BW,
        sys::NVML_FI_DEV_C2C_LINK_POWER_STATE,
    ] {
        for link in 1..sys::NVML_NVLINK_MAX_LINKS {
            asks.push((id, link));
        }
    }
    let energy = [
        sys::NVML_FI_DEV_TOTAL_ENERGY_CONSUMPTION,
        sys::NVML_FI_DEV_ENERGY,
    ];
    for chunk in asks.chunks(64) {
        let values = d.scoped_field_values(chunk);
        let Ok(values) = values else {
            w.put(format!("{at}field_values({chunk:?})"), values.map(|_| ()));
            continue;
        };
        for f in values {
            let key = format!("{at}field({}, scope {})", f.field_id, f.scope_id);
            if energy.contains(&f.field_id) {
                let v = f
                    .value
                    .map_err(|e| e.to_string())
                    .and_then(|v| v.as_u64().ok_or_else(|| format!("{v:?}")));
                w.energy(key, v);
            } else {
                w.put(key, f.value);
            }
        }
    }
}

/// Energy counters move with time: two readings agree when they are within a minute's worth
/// at 2 kW of each other (the walks run seconds apart).
const ENERGY_TOLERANCE_MJ: u64 = 120_000_000;

/// Every difference between two walks, one line each.
fn differences(source: &Walk, snapshot: &Walk) -> Vec<String> {
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<&String> = source
        .answers
        .keys()
        .chain(snapshot.answers.keys())
        .collect();
    for key in keys {
        let (a, b) = (source.answers.get(key), snapshot.answers.get(key));
        if a != b {
            out.push(format!("{key}: source {a:?}, snapshot {b:?}"));
        }
    }
    for (key, a) in &source.energy_mj {
        let b = snapshot.energy_mj.get(key);
        let same = match (a, b) {
            (Ok(x), Some(Ok(y))) => x.abs_diff(*y) <= ENERGY_TOLERANCE_MJ,
            (Err(x), Some(Err(y))) => x == y,
            _ => false,
        };
        if !same {
            out.push(format!("{key}: source {a:?}, snapshot {b:?}"));
        }
    }
    out
}

/// A mock on `profile`; with `mig`, as root and with MIG on on every GPU that has it (the
/// profile tables NVML lists only with MIG on).
fn source(profile: &str, mig: bool) -> crate::support::Mock {
    let m = crate::support::mock_with_profile(profile);
    if mig {
        m.staged.set_root(true).unwrap();
        for d in m.nvml.devices().unwrap() {
            if d.mig_mode().is_ok() {
                assert!(d.set_mig_mode(true).unwrap().is_applied());
            }
        }
    }
    m
}

/// The differences between the mock on `profile` and the mock on its snapshot, each naming
/// the profile, the query and both answers.
fn round_trip(profile: &str, mig: bool, dir: &std::path::Path) -> Vec<String> {
    let label = if mig {
        format!("{profile} (MIG on)")
    } else {
        profile.to_owned()
    };
    let original = source(profile, mig);
    let options = machine::Options {
        name: format!("{profile}-snapshot"),
        root: mig,
        // The source answers with this host's CPUs (the mock's default); so does the copy.
        cpu_affinity: nvml_mock::profile::CpuAffinity::Host,
    };
    let snapshot = match machine::snapshot(&original.nvml, &options) {
        Ok(p) => p,
        Err(e) => return vec![format!("{label}: the snapshot failed: {e}")],
    };
    let json = machine::to_json(&snapshot).unwrap();
    if let Err(e) = nvml_mock::profile::parse_json(&json) {
        return vec![format!("{label}: the snapshot does not load: {e}")];
    }
    let stem = std::path::Path::new(profile)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(profile);
    let file = dir.join(format!("{stem}-{mig}.json"));
    std::fs::write(&file, json).unwrap();
    let copy = crate::support::mock_with_profile(file.to_str().unwrap());
    let (a, b) = (walk(&original.nvml), walk(&copy.nvml));
    assert!(
        a.answers.len() > 1000,
        "{label}: the walk read {} answers",
        a.answers.len()
    );
    differences(&a, &b)
        .into_iter()
        .map(|d| format!("{label}: {d}"))
        .collect()
}

#[test]
fn every_builtin_profile_round_trips_through_a_snapshot() {
    let dir = std::env::temp_dir().join(format!("nvml-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for &profile in nvml_mock::profile::BUILTIN_PROFILES {
        failures.extend(round_trip(profile, false, &dir));
        let has_mig = nvml_mock::profile::builtin(profile)
            .is_some_and(|p| p.gpus.iter().any(|g| g.mig_capable));
        if has_mig {
            failures.extend(round_trip(profile, true, &dir));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Asserts that nvml-mock's example profile `file` (under `profiles/examples/`) round-trips
/// through a snapshot; returns nothing, a difference fails.
fn example_round_trips(file: &str, mig: bool) {
    let profile = format!(
        "{}/../nvml-mock/profiles/examples/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let dir = std::env::temp_dir().join(format!("nvml-snapshot-{file}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let failures = round_trip(&profile, mig, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_profile_that_declares_mig_instances_round_trips_through_a_snapshot() {
    let source = crate::support::mock_with_profile(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../nvml-mock/profiles/examples/dgx-h100-mig.json"
    ));
    let gpu0 = source.nvml.device_by_index(0).unwrap();
    assert!(
        gpu0.mig_device_by_index(2).is_ok(),
        "the example declares three MIG devices on GPU 0"
    );
    example_round_trips("dgx-h100-mig.json", true);
}

#[test]
fn a_profile_that_excludes_a_gpu_round_trips_through_a_snapshot() {
    let source = crate::support::mock_with_profile(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../nvml-mock/profiles/examples/dgx-h100-excluded-gpu.json"
    ));
    assert_eq!(
        source.nvml.excluded_device_count().unwrap(),
        1,
        "the example excludes one GPU"
    );
    example_round_trips("dgx-h100-excluded-gpu.json", false);
}

#[test]
fn a_query_that_fails_is_an_error_naming_its_function() {
    let options = machine::Options {
        name: "faulty".into(),
        root: false,
        cpu_affinity: nvml_mock::profile::CpuAffinity::Profile,
    };
    for function in [
        "nvmlDeviceGetVbiosVersion",
        "nvmlDeviceGetTemperatureThreshold",
        "nvmlDeviceGetSupportedGraphicsClocks",
        "nvmlDeviceGetFieldValues",
    ] {
        let m = crate::support::mock_with_profile("dgx-h100");
        m.staged
            .set_fault(function, sys::NVML_ERROR_UNKNOWN)
            .unwrap();
        let e = machine::snapshot(&m.nvml, &options).expect_err(function);
        assert!(e.to_string().starts_with(function), "{function}: {e}");
    }
    // NOT_SUPPORTED is an answer, not a failure: no serial is a `null` serial.
    let m = crate::support::mock_with_profile("dgx-h100");
    m.staged
        .set_fault("nvmlDeviceGetSerial", sys::NVML_ERROR_NOT_SUPPORTED)
        .unwrap();
    let p = machine::snapshot(&m.nvml, &options).unwrap();
    assert!(p.gpus.iter().all(|g| g.serial.is_none()));
}

/// On a machine with an NVIDIA GPU and driver: the snapshot of the real machine reads without
/// an error, loads as a profile, and the mock on it answers the walk as the real driver does
/// for what the profile holds (`cargo test -p nvml-wrapper --test it snapshot:: -- --ignored`).
#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn a_real_machine_snapshots_into_a_profile_the_mock_loads() {
    let real = Nvml::init().expect("NVML on the real driver");
    let options = machine::Options {
        name: "real-machine".into(),
        root: false,
        cpu_affinity: nvml_mock::profile::CpuAffinity::Profile,
    };
    let p = machine::snapshot(&real, &options).unwrap_or_else(|e| panic!("snapshot: {e}"));
    assert!(!p.gpus.is_empty(), "the machine has GPUs");
    let json = machine::to_json(&p).unwrap();
    let profile = nvml_mock::profile::parse_json(&json)
        .unwrap_or_else(|e| panic!("the snapshot does not load: {e}\n{json}"));
    let dir = std::env::temp_dir().join(format!("nvml-snapshot-real-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("machine.json");
    std::fs::write(&file, &json).unwrap();
    let copy = crate::support::mock_with_profile(file.to_str().unwrap());
    assert_eq!(
        copy.nvml.device_count().unwrap() as usize,
        profile.gpus.len()
    );
    for (i, g) in profile.gpus.iter().enumerate() {
        let real_gpu = real.device_by_index(i as u32).unwrap();
        let mock_gpu = copy.nvml.device_by_index(i as u32).unwrap();
        assert_eq!(mock_gpu.name().unwrap(), real_gpu.name().unwrap());
        assert_eq!(mock_gpu.uuid().unwrap(), g.uuid);
        assert_eq!(mock_gpu.pci_info().unwrap(), real_gpu.pci_info().unwrap());
        assert_eq!(
            mock_gpu.memory_info().unwrap().total,
            real_gpu.memory_info().unwrap().total
        );
        assert_eq!(
            mock_gpu.max_clock_info(ClockType::Graphics).unwrap(),
            real_gpu.max_clock_info(ClockType::Graphics).unwrap()
        );
        assert_eq!(
            mock_gpu.supported_memory_clocks().ok(),
            real_gpu.supported_memory_clocks().ok()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
