//! A profile from an `nvidia-smi -q -x` capture: every fact the capture shows, GPU by GPU.
//!
//! Each value the capture shows (names, ids, limits, maxima, thresholds, modes, the supported
//! graphics clocks of every memory clock, the MIG instances of a GPU with MIG on) is carried,
//! and each query that answers N/A or "deprecated" there becomes the GPU's `support` object
//! (the capability model, `src/support.rs`). What `nvidia-smi -q` never shows comes from
//! `sets` (a key on every GPU), else from the template's GPU of the same index (its last GPU
//! past its end), else from neutral values (no NvLink, no MIG, no processes, the compute
//! capability of the architecture); each such value is named in [`Converted::warnings`]. A
//! template or `sets` value the capture disproves is refused.

use roxmltree::{Document, Node, ParsingOptions};
use serde_json::{Map, Value, json};

use super::{GiProfile, MigComputeSpec, MigInstanceSpec, Profile, ProfileError, builtin};

/// What to convert a capture with.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The profile's name.
    pub name: String,
    /// A built-in profile whose GPUs give what the capture cannot say.
    pub template: Option<Profile>,
    /// Keys set on every GPU (`sm_count` = 142), over the capture and the template.
    pub sets: Vec<(String, Value)>,
}

/// A converted capture.
#[derive(Clone, Debug)]
pub struct Converted {
    /// The profile, loaded and checked as a built-in file is.
    pub profile: Profile,
    /// Its file, in the layout of the built-in files.
    pub text: String,
    /// One line for each value taken from the template or a neutral default rather than the
    /// capture.
    pub warnings: Vec<String>,
}

const DEPRECATED: &str = "Requested functionality has been deprecated";
const NA: &[&str] = &["N/A", "[N/A]", "Not Supported", "[Not Supported]"];

fn err(msg: impl Into<String>) -> ProfileError {
    ProfileError(msg.into())
}

/// The element at `path` (`a/b/c`) below `node`.
fn find<'a, 'i>(node: Node<'a, 'i>, path: &str) -> Option<Node<'a, 'i>> {
    path.split('/').try_fold(node, |n, tag| {
        n.children().find(|c| c.is_element() && c.has_tag_name(tag))
    })
}

/// The element's trimmed text; `""` for an element without text; `None` when absent.
fn raw<'a>(node: Node<'a, '_>, path: &str) -> Option<&'a str> {
    find(node, path).map(|n| n.text().unwrap_or("").trim())
}

/// The element's text, or `None` when absent, empty, N/A or deprecated.
fn text<'a>(node: Node<'a, '_>, path: &str) -> Option<&'a str> {
    raw(node, path).filter(|t| !t.is_empty() && !NA.contains(t) && !t.starts_with(DEPRECATED))
}

/// `183359 MiB`, `1000.00 W`, `39 C`, `16x` as a number times `scale`.
fn number(node: Node<'_, '_>, path: &str, scale: f64) -> Option<i64> {
    let t = text(node, path)?;
    let head = t.split_whitespace().next()?.trim_end_matches('x');
    let v: f64 = head.parse().ok()?;
    Some((v * scale).round() as i64)
}

/// How the query behind an element answers: `None` (absent), `true` (a value), `false` (N/A)
/// or `"deprecated"`.
fn answer(node: Node<'_, '_>, path: &str) -> Option<Value> {
    let t = raw(node, path)?;
    Some(if t == DEPRECATED {
        json!("deprecated")
    } else {
        json!(!NA.contains(&t))
    })
}

/// Keys read from one element's text.
const TEXTS: &[(&str, &str)] = &[
    ("name", "product_name"),
    ("serial", "serial"),
    ("uuid", "uuid"),
    ("board_part_number", "board_part_number"),
    ("vbios_version", "vbios_version"),
    ("inforom_image_version", "inforom_version/img_version"),
];

const LINK: &str = "pci/pci_gpu_link_info/";
const POWER: &str = "gpu_power_readings/";

/// Keys read as numbers: (key, path, scale).
fn numbers() -> Vec<(&'static str, String, f64)> {
    let l = |p: &str| format!("{LINK}{p}");
    let w = |p: &str| format!("{POWER}{p}");
    let s = |p: &str| p.to_string();
    vec![
        ("minor_number", s("minor_number"), 1.0),
        ("pcie_max_gen", l("pcie_gen/max_link_gen"), 1.0),
        ("pcie_generation", l("pcie_gen/current_link_gen"), 1.0),
        ("pcie_max_width", l("link_widths/max_link_width"), 1.0),
        ("pcie_width", l("link_widths/current_link_width"), 1.0),
        ("pcie_tx_kbps", s("pci/tx_util"), 1.0),
        ("pcie_rx_kbps", s("pci/rx_util"), 1.0),
        ("pcie_replay_counter", s("pci/replay_counter"), 1.0),
        ("memory_total_mib", s("fb_memory_usage/total"), 1.0),
        ("memory_reserved_mib", s("fb_memory_usage/reserved"), 1.0),
        ("memory_overhead_mib", s("fb_memory_usage/used"), 1.0),
        ("bar1_total_mib", s("bar1_memory_usage/total"), 1.0),
        ("bar1_used_mib", s("bar1_memory_usage/used"), 1.0),
        ("utilization_gpu", s("utilization/gpu_util"), 1.0),
        ("utilization_memory", s("utilization/memory_util"), 1.0),
        ("utilization_encoder", s("utilization/encoder_util"), 1.0),
        ("utilization_decoder", s("utilization/decoder_util"), 1.0),
        ("temperature", s("temperature/gpu_temp"), 1.0),
        ("memory_temperature", s("temperature/memory_temp"), 1.0),
        (
            "temp_shutdown",
            s("temperature/gpu_temp_max_threshold"),
            1.0,
        ),
        (
            "temp_slowdown",
            s("temperature/gpu_temp_slow_threshold"),
            1.0,
        ),
        (
            "temp_mem_max",
            s("temperature/gpu_temp_max_mem_threshold"),
            1.0,
        ),
        (
            "temp_gpu_max",
            s("temperature/gpu_temp_max_gpu_threshold"),
            1.0,
        ),
        ("power_usage_mw", w("instant_power_draw"), 1000.0),
        ("power_limit_mw", w("current_power_limit"), 1000.0),
        ("power_default_limit_mw", w("default_power_limit"), 1000.0),
        ("power_min_limit_mw", w("min_power_limit"), 1000.0),
        ("power_max_limit_mw", w("max_power_limit"), 1000.0),
        ("clock_graphics", s("clocks/graphics_clock"), 1.0),
        ("clock_sm", s("clocks/sm_clock"), 1.0),
        ("clock_memory_mhz", s("clocks/mem_clock"), 1.0),
        ("clock_video", s("clocks/video_clock"), 1.0),
        ("max_graphics", s("max_clocks/graphics_clock"), 1.0),
        ("max_sm", s("max_clocks/sm_clock"), 1.0),
        ("max_mem", s("max_clocks/mem_clock"), 1.0),
        ("max_video", s("max_clocks/video_clock"), 1.0),
        (
            "default_app_graphics",
            s("default_applications_clocks/graphics_clock"),
            1.0,
        ),
        (
            "default_app_mem",
            s("default_applications_clocks/mem_clock"),
            1.0,
        ),
        (
            "remapped_rows_correctable",
            s("remapped_rows/remapped_row_corr"),
            1.0,
        ),
        (
            "remapped_rows_uncorrectable",
            s("remapped_rows/remapped_row_unc"),
            1.0,
        ),
    ]
}

/// Keys that name the element's text: (key, path, [(text, value)]).
/// An element's texts and what each stands for.
type Names<T> = &'static [(&'static str, T)];

const NAMED: &[(&str, &str, Names<&str>)] = &[
    (
        "brand",
        "product_brand",
        &[
            ("NVIDIA", "nvidia"),
            ("Tesla", "tesla"),
            ("Quadro", "quadro"),
            ("GeForce", "geforce"),
            ("NVIDIA RTX", "nvidia_rtx"),
            ("Quadro RTX", "quadro_rtx"),
            ("Titan", "titan"),
        ],
    ),
    (
        "architecture",
        "product_architecture",
        &[
            ("Volta", "volta"),
            ("Turing", "turing"),
            ("Ampere", "ampere"),
            ("Ada Lovelace", "ada"),
            ("Hopper", "hopper"),
            ("Blackwell", "blackwell"),
        ],
    ),
    (
        "addressing_mode",
        "addressing_mode",
        &[("None", "none"), ("HMM", "hmm"), ("ATS", "ats")],
    ),
    (
        "virtualization_mode",
        "gpu_virtualization_mode/virtualization_mode",
        &[
            ("None", "none"),
            ("Pass-Through", "passthrough"),
            ("VGPU", "vgpu"),
            ("Host VGPU", "host_vgpu"),
            ("Host VSGA", "host_vsga"),
        ],
    ),
    (
        "compute_mode",
        "compute_mode",
        &[
            ("Default", "default"),
            ("Prohibited", "prohibited"),
            ("Exclusive_Process", "exclusive_process"),
        ],
    ),
];

/// `nvmlClocksEventReason*` bits by the capture's element name.
const REASONS: &[(&str, u64)] = &[
    ("gpu_idle", 0x1),
    ("applications_clocks_setting", 0x2),
    ("sw_power_cap", 0x4),
    ("hw_slowdown", 0x8),
    ("sync_boost", 0x10),
    ("sw_thermal_slowdown", 0x20),
    ("hw_thermal_slowdown", 0x40),
    ("hw_power_brake_slowdown", 0x80),
    ("display_clocks_setting", 0x100),
];

/// T.Limit thresholds in the order of `tlimit_margins`: shutdown, slowdown, memory, GPU.
const TLIMITS: &[&str] = &[
    "gpu_temp_max_tlimit_threshold",
    "gpu_temp_slow_tlimit_threshold",
    "gpu_temp_max_mem_tlimit_threshold",
    "gpu_temp_max_gpu_tlimit_threshold",
];

const ATOMICS: &[(&str, u64)] = &[
    ("FETCHADD_32", 0x1),
    ("FETCHADD_64", 0x2),
    ("SWAP_32", 0x4),
    ("SWAP_64", 0x8),
    ("CAS_32", 0x10),
    ("CAS_64", 0x20),
    ("CAS_128", 0x40),
];

/// `fabric/health` elements: (key of `fabric_health`, element, [(text, value)]).
const FABRIC_HEALTH: &[(&str, &str, Names<bool>)] = &[
    (
        "degraded_bandwidth",
        "bandwidth",
        &[("Degraded", true), ("Full", false)],
    ),
    (
        "route_recovery",
        "route_recovery_in_progress",
        &[("True", true), ("False", false)],
    ),
    (
        "route_unhealthy",
        "route_unhealthy",
        &[("True", true), ("False", false)],
    ),
    (
        "access_timeout_recovery",
        "access_timeout_recovery",
        &[("True", true), ("False", false)],
    ),
    (
        "partition_assigned",
        "partition_assigned",
        &[("True", true), ("False", false)],
    ),
];

const MODULE_POWER: &[(&str, &str)] = &[
    ("usage_mw", "instant_power_draw"),
    ("limit_mw", "current_power_limit"),
    ("default_limit_mw", "default_power_limit"),
    ("min_limit_mw", "min_power_limit"),
    ("max_limit_mw", "max_power_limit"),
];

/// What each capability-model feature is seen as in a capture: the elements whose N/A, value
/// or "deprecated" says how its query answers (the first present decides).
const SUPPORT: &[(&str, &[&str])] = &[
    (
        "application_clocks",
        &[
            "applications_clocks/graphics_clock",
            "default_applications_clocks/graphics_clock",
        ],
    ),
    ("display_mode", &["display_mode"]),
    ("power_state", &["gpu_power_readings/power_state"]),
    ("average_power", &["gpu_power_readings/average_power_draw"]),
    ("tlimit", &["temperature/gpu_temp_tlimit"]),
    ("c2c_mode", &["c2c_mode"]),
    ("cc_protected_memory", &["cc_protected_memory_usage/total"]),
    ("gpu_recovery_action", &["gpu_recovery_action"]),
    ("sram_ecc", &["ecc_errors/volatile/sram_correctable"]),
    (
        "remapped_rows",
        &["remapped_rows/remapped_row_corr", "remapped_rows"],
    ),
    (
        "remapped_rows_inactive",
        &["remapped_rows/remapped_row_corr_inactive"],
    ),
];

/// Keys `nvidia-smi -q` never shows, at neutral values: what a GPU without a template gets.
fn neutral() -> Map<String, Value> {
    let v = json!({
        "nvlink_count": 0, "nvlink_speed_mbps": 0, "nvlink_version": "none", "nvlink_errors": [],
        "mig_capable": false, "mig_enabled": false, "mig_profiles": [], "processes": [],
        "c2c": null, "module_power": null, "fabric_health": null, "gpu_numa_node": null,
        "numa_node": -1, "retired_pages_sbe": [], "retired_pages_dbe": [],
        "vgpu_heterogeneous_mode": false, "vgpu_placement_slots": 1, "energy_base_mj": 0,
        "power_smoothing": false, "row_remapper_banks": 0, "memory_power_mw": 0,
        "pcie_atomics_outbound": 0, "pcie_atomics_inbound": 0, "pcie_max_device_gen": 0,
        "addressing_mode": "none", "sm_count": 0, "cuda_cores": 0, "nvenc_count": 0,
        "memory_bus_width": 0, "support": {}, "display_mode": false,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The compute capability of an architecture (a template or `sets` gives a board's own).
const CUDA_CC: &[(&str, [i64; 2])] = &[
    ("volta", [7, 0]),
    ("turing", [7, 5]),
    ("ampere", [8, 0]),
    ("ada", [8, 9]),
    ("hopper", [9, 0]),
    ("blackwell", [10, 0]),
];

/// Keys whose neutral or template value a warning need not name.
const QUIET: &[&str] = &[
    "name",
    "serial",
    "uuid",
    "support",
    "processes",
    "nvlink_errors",
];

/// One GPU of the capture laid over `g`; returns the keys the capture gave.
fn gpu_from_capture(x: Node<'_, '_>, g: &mut Map<String, Value>) -> Vec<String> {
    let mut given: Vec<String> = Vec::new();
    let mut put = |g: &mut Map<String, Value>, k: &str, v: Value| {
        g.insert(k.to_string(), v);
        given.push(k.to_string());
    };
    for (key, path) in TEXTS {
        if let Some(t) = text(x, path) {
            put(g, key, json!(t));
        }
    }
    for (key, path, scale) in numbers() {
        if let Some(n) = number(x, &path, scale) {
            put(g, key, json!(n));
        }
    }
    for (key, path, names) in NAMED {
        if let Some(v) = text(x, path).and_then(|t| names.iter().find(|(n, _)| *n == t)) {
            put(g, key, json!(v.1));
        }
    }
    for key in ["persistence_mode", "accounting_mode"] {
        if let Some(t) = text(x, key) {
            put(g, key, json!(t == "Enabled"));
        }
    }
    if let Some(id) = text(x, "board_id").and_then(hex) {
        put(g, "board_id", json!(id));
    }
    put(
        g,
        "gpu_part_number",
        json!(text(x, "gpu_part_number").unwrap_or("")),
    );
    for (key, obj) in [
        ("inforom_oem", "oem_object"),
        ("inforom_ecc", "ecc_object"),
        ("inforom_power", "pwr_object"),
    ] {
        let v = text(x, &format!("inforom_version/{obj}")).unwrap_or("N/A");
        put(g, key, json!(v));
    }
    for (key, path) in [
        ("pci_domain", "pci/pci_domain"),
        ("pci_bus", "pci/pci_bus"),
        ("pci_device", "pci/pci_device"),
    ] {
        if let Some(v) = text(x, path).and_then(hex) {
            put(g, key, json!(v));
        }
    }
    for (key, path) in [
        ("pci_device_id", "pci/pci_device_id"),
        ("pci_subsystem_id", "pci/pci_sub_system_id"),
    ] {
        if let Some(t) = text(x, path) {
            let t = t.trim_start_matches("0x").trim_start_matches("0X");
            put(g, key, json!(format!("0x{}", t.to_ascii_uppercase())));
        }
    }
    if text(x, "fan_speed").is_none() {
        put(g, "fan_speeds", json!([]));
    }
    clocks_from(x, g, &mut put);
    if let Some(p) = text(x, "performance_state").and_then(|p| p.get(1..)?.parse::<u32>().ok()) {
        put(g, "pstate", json!(p));
    }
    let reasons: u64 = REASONS
        .iter()
        .filter(|(n, _)| {
            text(x, &format!("clocks_event_reasons/clocks_event_reason_{n}")) == Some("Active")
        })
        .map(|(_, b)| b)
        .sum();
    put(g, "clocks_event_reasons", json!(reasons));
    let ecc = text(x, "ecc_mode/current_ecc");
    put(g, "ecc_supported", json!(ecc.is_some()));
    put(g, "ecc_enabled", json!(ecc == Some("Enabled")));
    for scope in ["volatile", "aggregate"] {
        let count = |kinds: &[&str]| -> i64 {
            kinds
                .iter()
                .filter_map(|k| number(x, &format!("ecc_errors/{scope}/{k}"), 1.0))
                .sum()
        };
        let corrected = count(&["sram_correctable", "dram_correctable"]);
        let uncorrected = count(&[
            "sram_uncorrectable_parity",
            "sram_uncorrectable_secded",
            "dram_uncorrectable",
        ]);
        put(g, &format!("ecc_corrected_{scope}"), json!(corrected));
        put(g, &format!("ecc_uncorrected_{scope}"), json!(uncorrected));
    }
    board_from(x, g, &mut put);
    match text(x, "mig_mode/current_mig") {
        None => {
            put(g, "mig_capable", json!(false));
            put(g, "mig_enabled", json!(false));
            put(g, "mig_profiles", json!([]));
        }
        Some(mig) => {
            put(g, "mig_capable", json!(true));
            put(g, "mig_enabled", json!(mig == "Enabled"));
        }
    }
    if text(x, "temperature/memory_temp").is_none() {
        put(g, "memory_temperature", json!(0));
    }
    if let Some(d @ ("Enabled" | "Disabled")) = raw(x, "display_mode") {
        put(g, "display_mode", json!(d == "Enabled"));
    }
    let retires = text(x, "retired_pages/pending_retirement").is_some();
    put(g, "page_retirement", json!(retires));
    if text(x, "temperature/gpu_temp_max_gpu_threshold").is_none() {
        // Newer drivers print the T.Limit reading instead: the maximum operating temperature
        // is the temperature plus how far below it the GPU is.
        let t = number(x, "temperature/gpu_temp", 1.0);
        let margin = number(x, "temperature/gpu_temp_tlimit", 1.0);
        if let (Some(t), Some(m)) = (t, margin) {
            put(g, "temp_gpu_max", json!(t + m));
        }
    }
    if text(x, "default_applications_clocks/graphics_clock").is_none() {
        // Application clocks not shown (deprecated, N/A): the mock's stay at the maxima.
        let (gr, mem) = (g.get("max_graphics").cloned(), g.get("max_mem").cloned());
        put(g, "default_app_graphics", gr.unwrap_or(json!(0)));
        put(g, "default_app_mem", mem.unwrap_or(json!(0)));
    }
    put(g, "processes", json!([]));
    put(g, "nvlink_errors", json!([]));
    let mut support = match g.get("support") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    for (feature, paths) in SUPPORT {
        if let Some(a) = paths.iter().find_map(|p| answer(x, p)) {
            support.insert((*feature).to_string(), a);
        }
    }
    put(g, "support", Value::Object(support));
    given
}

fn hex(t: &str) -> Option<u64> {
    u64::from_str_radix(t.trim_start_matches("0x").trim_start_matches("0X"), 16).ok()
}

fn mhz(t: &str) -> Option<i64> {
    let v: f64 = t.split_whitespace().next()?.parse().ok()?;
    Some(v.round() as i64)
}

/// Supported clocks: the lowest graphics clock and the step (7.5 MHz on Blackwell, whose
/// clocks NVML truncates to whole MHz), and the memory clocks besides the first, each with its
/// highest graphics clock where that is below the board's.
fn clocks_from(
    x: Node<'_, '_>,
    g: &mut Map<String, Value>,
    put: &mut impl FnMut(&mut Map<String, Value>, &str, Value),
) {
    let Some(sc) = find(x, "supported_clocks") else {
        return;
    };
    let mems: Vec<Node<'_, '_>> = sc
        .children()
        .filter(|c| c.has_tag_name("supported_mem_clock"))
        .collect();
    let graphics = |m: &Node<'_, '_>| -> Vec<i64> {
        m.children()
            .filter(|c| c.has_tag_name("supported_graphics_clock"))
            .filter_map(|c| mhz(c.text().unwrap_or("")))
            .collect()
    };
    let Some(first) = mems.first() else {
        return;
    };
    let top = graphics(first);
    if let (Some(&high), Some(&low), true) = (top.first(), top.last(), top.len() > 1) {
        put(g, "min_graphics", json!(low));
        let step = ((high - low) as f64 / (top.len() - 1) as f64 * 2.0).round() / 2.0;
        let step = if step.fract() == 0.0 {
            json!(step as i64)
        } else {
            json!(step)
        };
        put(g, "graphics_step", step);
    }
    let low: Vec<Value> = mems
        .iter()
        .skip(1)
        .filter_map(|m| {
            let clock = mhz(raw(*m, "value")?)?;
            let own = graphics(m);
            Some(match (own.first(), top.first()) {
                (Some(&mine), Some(&board)) if mine < board => {
                    json!({"mhz": clock, "max_graphics": mine})
                }
                _ => json!(clock),
            })
        })
        .collect();
    put(g, "low_mem_clocks", Value::Array(low));
}

/// What a Hopper capture lacks or shows as N/A and newer boards answer: module power, C2C,
/// fabric health, power smoothing, atomics, the GPU's own PCIe generation, T.Limits, the row
/// remapper.
fn board_from(
    x: Node<'_, '_>,
    g: &mut Map<String, Value>,
    put: &mut impl FnMut(&mut Map<String, Value>, &str, Value),
) {
    let margins: Vec<Option<i64>> = TLIMITS
        .iter()
        .map(|t| number(x, &format!("temperature/{t}"), 1.0))
        .collect();
    if margins.iter().any(Option::is_some) {
        put(g, "tlimit_margins", json!(margins));
    }
    let link = number(x, &format!("{LINK}pcie_gen/max_link_gen"), 1.0);
    let device = number(x, &format!("{LINK}pcie_gen/max_device_link_gen"), 1.0);
    let own = match device {
        Some(d) if Some(d) != link => d,
        _ => 0,
    };
    put(g, "pcie_max_device_gen", json!(own));
    for way in ["outbound", "inbound"] {
        let mask: u64 = text(x, &format!("pci/atomic_caps_{way}"))
            .unwrap_or("")
            .split_whitespace()
            .filter_map(|op| ATOMICS.iter().find(|(n, _)| *n == op).map(|(_, b)| b))
            .sum();
        put(g, &format!("pcie_atomics_{way}"), json!(mask));
    }
    let sparse = match text(x, "sparse_operation_mode") {
        Some("Enabled") => json!(true),
        Some("Disabled") => json!(false),
        _ => Value::Null,
    };
    put(g, "sparse_operation_mode", sparse);
    let memory_power = number(x, "gpu_memory_power_readings/average_power_draw", 1000.0);
    put(g, "memory_power_mw", json!(memory_power.unwrap_or(0)));
    let module: Option<Map<String, Value>> = MODULE_POWER
        .iter()
        .map(|(k, p)| {
            number(x, &format!("module_power_readings/{p}"), 1000.0)
                .map(|v| (k.to_string(), json!(v)))
        })
        .collect();
    put(g, "module_power", module.map_or(Value::Null, Value::Object));
    if text(x, "c2c_mode") != Some("Enabled") {
        put(g, "c2c", Value::Null);
    }
    let health = text(x, "fabric/health/summary").map(|summary| {
        let mut h = Map::new();
        h.insert(
            "summary".into(),
            json!(summary.to_ascii_lowercase().replace(' ', "_")),
        );
        let config = match text(x, "fabric/health/incorrect_configuration") {
            None => "not_supported",
            Some(_) => "none",
        };
        h.insert("incorrect_configuration".into(), json!(config));
        for (key, element, names) in FABRIC_HEALTH {
            let v = text(x, &format!("fabric/health/{element}"))
                .and_then(|t| names.iter().find(|(n, _)| *n == t))
                .map_or(Value::Null, |(_, b)| json!(b));
            h.insert((*key).to_string(), v);
        }
        Value::Object(h)
    });
    put(g, "fabric_health", health.unwrap_or(Value::Null));
    put(
        g,
        "power_smoothing",
        json!(text(x, "power_smoothing").is_some()),
    );
    let banks = number(
        x,
        "remapped_rows/row_remapper_histogram/row_remapper_histogram_max",
        1.0,
    );
    put(g, "row_remapper_banks", json!(banks.unwrap_or(0)));
}

/// Refuses what the capture disproves.
fn check(
    g: &Map<String, Value>,
    i: usize,
    x: Node<'_, '_>,
    templated: bool,
) -> Result<(), ProfileError> {
    let int = |k: &str| g.get(k).and_then(Value::as_i64).unwrap_or(0);
    for (clock, limit) in [
        ("default_app_graphics", "max_graphics"),
        ("default_app_mem", "max_mem"),
    ] {
        if int(clock) > int(limit) {
            return Err(err(format!(
                "gpus[{i}]: {clock} {} MHz is above the board's {limit} {} MHz",
                int(clock),
                int(limit)
            )));
        }
    }
    let mig = g
        .get("mig_profiles")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty());
    if mig.is_some() && text(x, "mig_mode/current_mig").is_none() {
        return Err(err(format!(
            "gpus[{i}]: MIG profiles on a board whose capture has no MIG mode"
        )));
    }
    if int("nvlink_count") > 0 && find(x, "fabric").is_some() && text(x, "fabric/state").is_none() {
        return Err(err(format!(
            "gpus[{i}]: {} NvLinks on a board whose capture shows no fabric",
            int("nvlink_count")
        )));
    }
    if let (true, Some(profiles)) = (templated, mig) {
        let total = int("memory_total_mib");
        for p in profiles {
            let slices = p.get("slices").and_then(Value::as_i64).unwrap_or(0);
            let mb = p.get("memory_mb").and_then(Value::as_i64).unwrap_or(0);
            if slices == 8 && (mb - total).abs() > total / 8 {
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                return Err(err(format!(
                    "gpus[{i}]: the template's MIG table ({name}, {mb} MB) is for another \
                     framebuffer than the capture's {total} MiB: set mig_profiles"
                )));
            }
        }
    }
    Ok(())
}

/// The GPU instances a capture's `<mig_devices>` show (MIG on), each matched to the row of
/// `profiles` (the GPU's MIG table) that has its GPU instance id at one of its placements
/// ([`super::gpu_instance_id`]), its memory (within a sixteenth) and its shared engines; each
/// MIG device is one compute instance, of the compute slices its SM count gives, laid out in
/// the order of the compute instance ids (a compute instance spanning the whole GPU instance
/// is left to the default). `Err` names a MIG device no row fits.
fn mig_instances_from(
    x: Node<'_, '_>,
    profiles: &[GiProfile],
) -> Result<Vec<MigInstanceSpec>, String> {
    let count = |d: Node<'_, '_>, tag: &str| {
        number(d, &format!("device_attributes/shared/{tag}"), 1.0).unwrap_or(-1)
    };
    // (GPU instance id, compute instance id, SMs, memory MiB, engines) of each MIG device.
    let mut devices = Vec::new();
    for d in find(x, "mig_devices")
        .into_iter()
        .flat_map(|m| m.children().filter(|c| c.has_tag_name("mig_device")))
    {
        let gi =
            number(d, "gpu_instance_id", 1.0).ok_or("a MIG device without a gpu_instance_id")?;
        let ci = number(d, "compute_instance_id", 1.0).unwrap_or(0);
        let engines = [
            count(d, "copy_engine_count"),
            count(d, "decoder_count"),
            count(d, "encoder_count"),
            count(d, "jpg_count"),
            count(d, "ofa_count"),
        ];
        let sms = count(d, "multiprocessor_count");
        let mib = number(d, "fb_memory_usage/total", 1.0).unwrap_or(0);
        devices.push((gi, ci, sms, mib, engines));
    }
    let mut gi_ids: Vec<i64> = devices.iter().map(|d| d.0).collect();
    gi_ids.sort_unstable();
    gi_ids.dedup();
    let mut out = Vec::new();
    for gi in gi_ids {
        let mut cis: Vec<_> = devices.iter().filter(|d| d.0 == gi).collect();
        cis.sort_by_key(|d| d.1);
        let Some(&&(_, _, _, mib, engines)) = cis.first() else {
            continue;
        };
        let sms: i64 = cis.iter().map(|d| d.2).sum();
        let fits = |p: &GiProfile| {
            let mb = i64::try_from(p.memory_mb).unwrap_or(i64::MAX);
            let e = [p.copy_engines, p.decoders, p.encoders, p.jpegs, p.ofas].map(i64::from);
            (mb - mib).abs() <= mb / 16 && e == engines && sms <= i64::from(p.sm_count)
        };
        let placed = |p: &GiProfile| {
            p.placements
                .iter()
                .copied()
                .find(|&start| super::gpu_instance_id(start, p.slices).map(i64::from) == Some(gi))
        };
        let candidates: Vec<(&GiProfile, u32)> = profiles
            .iter()
            .filter(|p| fits(p))
            .filter_map(|p| placed(p).map(|start| (p, start)))
            .collect();
        // Compute instances that fill the GPU instance tell 3g from 4g (same memory slices).
        let Some(&(p, start)) = candidates
            .iter()
            .find(|(p, _)| sms == i64::from(p.sm_count))
            .or_else(|| candidates.first())
        else {
            return Err(format!(
                "MIG device of GPU instance {gi} ({mib} MiB, {sms} SMs): no row of mig_profiles \
                 has that id at one of its placements with that memory and those engines"
            ));
        };
        let per_slice = i64::from(p.sm_count / p.compute_slices.max(1)).max(1);
        let mut layout: Vec<MigComputeSpec> = Vec::new();
        for d in &cis {
            let slices = u32::try_from(d.2 / per_slice).unwrap_or(0).max(1);
            let free = super::ci_placements(p.compute_slices, slices)
                .into_iter()
                .find(|&at| {
                    !layout
                        .iter()
                        .any(|c| super::overlaps((at, slices), (c.placement, c.slices)))
                })
                .ok_or_else(|| {
                    format!(
                        "GPU instance {gi}: its compute instances do not fit in {}",
                        p.name
                    )
                })?;
            layout.push(MigComputeSpec {
                slices,
                placement: free,
            });
        }
        let spanning = [MigComputeSpec {
            slices: p.compute_slices,
            placement: 0,
        }];
        out.push(MigInstanceSpec {
            profile: p.name.clone(),
            placement: start,
            compute_instances: (layout != spanning).then_some(layout),
        });
    }
    Ok(out)
}

/// Converts an `nvidia-smi -q -x` capture into a profile.
pub fn profile_from_capture(xml: &str, opts: &Options) -> Result<Converted, ProfileError> {
    // nvidia-smi's XML names its DTD (`<!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v12.dtd">`).
    let options = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(xml, options)
        .map_err(|e| err(format!("the capture is not XML: {e}")))?;
    let root = doc.root_element();
    let template = opts.template.is_some();
    let base = match &opts.template {
        Some(p) => p.clone(),
        None => builtin("workstation").ok_or_else(|| err("no built-in workstation profile"))?,
    };
    let mut profile = match serde_json::to_value(&base) {
        Ok(Value::Object(m)) => m,
        _ => return Err(err("the template does not serialize to an object")),
    };
    let mut warnings = Vec::new();
    if !template {
        for (k, v) in [
            ("root", json!(false)),
            ("cpu_count", json!(8)),
            ("numa_cpus", json!([[0, 1, 2, 3, 4, 5, 6, 7]])),
            ("vgpu_types", json!([])),
            ("vgpu_instances", json!([])),
            ("confidential_computing", Value::Null),
            ("units", json!([])),
        ] {
            profile.insert(k.into(), v);
        }
        warnings.push(
            "cpu_count 8, numa_cpus [[0..7]]: not in the capture (the mock fits them to the \
             host's CPUs)"
                .to_string(),
        );
    }
    let template_gpus: Vec<Value> = match profile.remove("gpus") {
        Some(Value::Array(a)) if !a.is_empty() => a,
        _ => return Err(err("the template has no GPU")),
    };
    profile.insert("name".into(), json!(opts.name));
    let driver =
        text(root, "driver_version").ok_or_else(|| err("the capture has no driver_version"))?;
    let cuda = text(root, "cuda_version").ok_or_else(|| err("the capture has no cuda_version"))?;
    let mut parts = cuda.split('.').map(|p| p.parse::<i64>());
    let (Some(Ok(major)), Some(Ok(minor))) = (parts.next(), parts.next()) else {
        return Err(err(format!("cuda_version {cuda:?} is not MAJOR.MINOR")));
    };
    profile.insert("driver_version".into(), json!(driver));
    profile.insert("nvml_version".into(), json!(format!("{major}.{driver}")));
    profile.insert(
        "cuda_driver_version".into(),
        json!(major * 1000 + minor * 10),
    );
    let mut gpus = Vec::new();
    let source = |i: usize| {
        if template {
            format!("the template's GPU {}", i.min(template_gpus.len() - 1))
        } else {
            "a neutral default".to_string()
        }
    };
    for (i, x) in root
        .children()
        .filter(|c| c.has_tag_name("gpu"))
        .enumerate()
    {
        let at = i.min(template_gpus.len() - 1);
        let mut base = match template_gpus.get(at) {
            Some(Value::Object(m)) => m.clone(),
            _ => return Err(err("a template GPU is not an object")),
        };
        if !template {
            base.extend(neutral());
        }
        let mut g = base.clone();
        let given = gpu_from_capture(x, &mut g);
        if !template {
            let arch = g.get("architecture").and_then(Value::as_str).unwrap_or("");
            if let Some((_, cc)) = CUDA_CC.iter().find(|(a, _)| *a == arch) {
                g.insert("cuda_cc".into(), json!(cc));
            }
        }
        for (k, v) in &opts.sets {
            g.insert(k.clone(), v.clone());
        }
        let mut given = given;
        if text(x, "mig_mode/current_mig") == Some("Enabled") {
            let table: Vec<GiProfile> = g
                .get("mig_profiles")
                .cloned()
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| err(format!("gpus[{i}].mig_profiles: {e}")))?
                .unwrap_or_default();
            let declared =
                mig_instances_from(x, &table).map_err(|e| err(format!("gpus[{i}]: {e}")))?;
            let declared = serde_json::to_value(declared)
                .map_err(|e| err(format!("gpus[{i}].mig_instances: {e}")))?;
            g.insert("mig_instances".into(), declared);
            given.push("mig_instances".into());
        }
        for (k, v) in &g {
            let from_capture = given.iter().any(|c| c == k);
            let from_sets = opts.sets.iter().any(|(s, _)| s == k);
            if !from_capture && !from_sets && !QUIET.contains(&k.as_str()) {
                warnings.push(format!(
                    "gpus[{i}].{k} = {v} from {}, not the capture (set {k} to give it)",
                    source(i)
                ));
            }
        }
        check(&g, i, x, template)?;
        gpus.push(Value::Object(g));
    }
    if gpus.is_empty() {
        return Err(err("the capture has no <gpu>"));
    }
    profile.insert("gpus".into(), Value::Array(gpus));
    let value = Value::Object(profile);
    let text = layout(&value, 0);
    let profile = super::loader::parse_complete(&text)?;
    Ok(Converted {
        profile,
        text: text + "\n",
        warnings,
    })
}

/// JSON in the layout of the built-in files: one key a line, arrays of plain values on one
/// line.
pub fn layout(v: &Value, depth: usize) -> String {
    let pad = "  ".repeat(depth);
    let plain = |x: &Value| serde_json::to_string(x).unwrap_or_default();
    match v {
        Value::Object(m) if !m.is_empty() => {
            let rows: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{pad}  {}: {}", plain(&json!(k)), layout(x, depth + 1)))
                .collect();
            format!("{{\n{}\n{pad}}}", rows.join(",\n"))
        }
        Value::Array(a) if a.iter().any(|x| x.is_object() || x.is_array()) => {
            let rows: Vec<String> = a
                .iter()
                .map(|x| format!("{pad}  {}", layout(x, depth + 1)))
                .collect();
            format!("[\n{}\n{pad}]", rows.join(",\n"))
        }
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(plain).collect();
            format!("[{}]", items.join(", "))
        }
        other => plain(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `<gpu>` whose `<mig_devices>` list `(gpu instance id, compute instance id, SMs,
    /// memory MiB, copy engines, decoders, JPEG engines)`, laid out as nvidia-smi 550's
    /// `-q -x` prints them.
    fn gpu_with(devices: &[(u32, u32, u32, u32, u32, u32, u32)]) -> String {
        let mut xml = String::from(
            "<gpu><mig_mode><current_mig>Enabled</current_mig></mig_mode><mig_devices>",
        );
        for (index, (gi, ci, sms, mib, ce, dec, jpg)) in devices.iter().enumerate() {
            xml.push_str(&format!(
                "<mig_device><index>{index}</index><gpu_instance_id>{gi}</gpu_instance_id>\
                 <compute_instance_id>{ci}</compute_instance_id><device_attributes><shared>\
                 <multiprocessor_count>{sms}</multiprocessor_count>\
                 <copy_engine_count>{ce}</copy_engine_count><encoder_count>0</encoder_count>\
                 <decoder_count>{dec}</decoder_count><ofa_count>0</ofa_count>\
                 <jpg_count>{jpg}</jpg_count></shared></device_attributes>\
                 <fb_memory_usage><total>{mib} MiB</total></fb_memory_usage></mig_device>"
            ));
        }
        xml.push_str("</mig_devices></gpu>");
        xml
    }

    fn h100_table() -> Vec<GiProfile> {
        builtin("dgx-h100").unwrap().gpus[0].mig_profiles.clone()
    }

    fn instances(xml: &str) -> Result<Vec<MigInstanceSpec>, String> {
        let doc = Document::parse(xml).unwrap();
        mig_instances_from(doc.root_element(), &h100_table())
    }

    #[test]
    fn mig_devices_become_the_instances_a_profile_declares() {
        // GPU 0 of the dgx-h100-mig example, as nvidia-smi 550 prints it on the mock.
        let got = instances(&gpu_with(&[
            (2, 0, 60, 40192, 3, 3, 3),
            (7, 0, 16, 9856, 1, 1, 1),
            (8, 0, 16, 9856, 1, 1, 1),
        ]))
        .unwrap();
        let want: Vec<MigInstanceSpec> = serde_json::from_str(
            r#"[{"profile": "3g.40gb", "placement": 4},
                {"profile": "1g.10gb", "placement": 0},
                {"profile": "1g.10gb", "placement": 1}]"#,
        )
        .unwrap();
        assert_eq!(got, want);
    }

    #[test]
    fn several_compute_instances_are_laid_out_in_id_order() {
        // A 3g.40gb at slice 0 (GPU instance 1) split into a 2-slice and a 1-slice compute
        // instance.
        let got = instances(&gpu_with(&[
            (1, 0, 40, 40192, 3, 3, 3),
            (1, 1, 20, 40192, 3, 3, 3),
        ]))
        .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].profile.as_str(), got[0].placement), ("3g.40gb", 0));
        assert_eq!(
            got[0].compute_instances,
            Some(vec![
                MigComputeSpec {
                    slices: 2,
                    placement: 0
                },
                MigComputeSpec {
                    slices: 1,
                    placement: 2
                },
            ])
        );
    }

    #[test]
    fn a_mig_device_no_row_fits_is_refused() {
        // 3g memory with 1g engines.
        let e = instances(&gpu_with(&[(2, 0, 60, 40192, 1, 1, 1)])).unwrap_err();
        assert!(e.contains("GPU instance 2"), "{e}");
        // No MIG device: no instance.
        assert_eq!(instances(&gpu_with(&[])).unwrap(), Vec::new());
    }
}
