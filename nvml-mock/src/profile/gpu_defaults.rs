//! `gpu_defaults`: GPU keys a file gives once for every GPU, grouped by topic
//! ([`GPU_TOPICS`]), each `gpus` entry then giving what differs; and the canonical form of the
//! built-in files, which puts there every key that is equal on all GPUs.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{GPU_TOPICS, Profile, ProfileError, gpu_topic_of};

/// A file's `gpu_defaults` as one map of GPU keys. A topic that is not one of [`GPU_TOPICS`],
/// a key that is no GPU key, or a key under another topic than its own is an error naming
/// the place (`gpu_defaults.pci: "temperature" belongs under "thermal"`).
pub(super) fn flatten(v: Value) -> Result<Map<String, Value>, ProfileError> {
    let names = || {
        GPU_TOPICS
            .iter()
            .map(|t| t.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Value::Object(topics) = v else {
        return Err(ProfileError(format!(
            "\"gpu_defaults\" must be an object of topics ({})",
            names()
        )));
    };
    let mut out = Map::new();
    for (name, keys) in topics {
        let Some(topic) = GPU_TOPICS.iter().find(|t| t.name == name) else {
            return Err(ProfileError(format!(
                "gpu_defaults: unknown topic {name:?} (topics: {})",
                names()
            )));
        };
        let Value::Object(keys) = keys else {
            return Err(ProfileError(format!(
                "gpu_defaults: {name:?} must be an object of GPU keys"
            )));
        };
        for (k, v) in keys {
            if !topic.keys.contains(&k.as_str()) {
                return Err(ProfileError(match gpu_topic_of(&k) {
                    Some(own) => {
                        format!("gpu_defaults.{name}: {k:?} belongs under \"{}\"", own.name)
                    }
                    None => format!(
                        "gpu_defaults.{name}: unknown key {k:?} ({name} holds {})",
                        topic.keys.join(", ")
                    ),
                }));
            }
            out.insert(k, v);
        }
    }
    Ok(out)
}

/// Where each GPU's keys came from: the file's `gpu_defaults` or the GPU's own entry, so
/// that an error names the place the value was written.
#[derive(Debug, Default)]
pub(super) struct Origins {
    /// Keys the file's `gpu_defaults` give.
    defaults: BTreeSet<String>,
    /// Keys each `gpus` entry gives, by index.
    entries: Vec<BTreeSet<String>>,
}

impl Origins {
    pub(super) fn new(defaults: &Map<String, Value>, entries: Vec<BTreeSet<String>>) -> Self {
        Origins {
            defaults: defaults.keys().cloned().collect(),
            entries,
        }
    }

    /// `gpu_defaults.<topic>` when GPU `index`'s key `key` is the default's value.
    pub(super) fn place(&self, index: usize, key: &str) -> Option<String> {
        let own = self.entries.get(index).is_some_and(|e| e.contains(key));
        if own || !self.defaults.contains(key) {
            return None;
        }
        gpu_topic_of(key).map(|t| format!("gpu_defaults.{}", t.name))
    }
}

/// The keys of each object of a `gpus` array (an entry that is not an object has none).
pub(super) fn entry_keys(gpus: &Value) -> Vec<BTreeSet<String>> {
    match gpus {
        Value::Array(a) => a
            .iter()
            .map(|g| match g {
                Value::Object(m) => m.keys().cloned().collect(),
                _ => BTreeSet::new(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A complete file's `gpus` with its `gpu_defaults` laid under each entry (the entry's keys
/// merge over the defaults as a user file's keys merge over its base). A file without
/// `gpu_defaults` is left as it is.
pub(super) fn expand(file: &mut Value) -> Result<Origins, ProfileError> {
    let Value::Object(top) = file else {
        return Ok(Origins::default());
    };
    let Some(defaults) = top.remove("gpu_defaults") else {
        return Ok(Origins::default());
    };
    let defaults = flatten(defaults)?;
    let Some(gpus) = top.get_mut("gpus") else {
        return Err(ProfileError(
            "\"gpu_defaults\" is given but \"gpus\" is not".into(),
        ));
    };
    let origins = Origins::new(&defaults, entry_keys(gpus));
    if let Value::Array(list) = gpus {
        for g in list.iter_mut() {
            if let Value::Object(own) = g {
                let mut full = defaults.clone();
                for (k, v) in std::mem::take(own) {
                    match full.get_mut(&k) {
                        Some(slot) => super::loader::merge(slot, v),
                        None => {
                            full.insert(k, v);
                        }
                    }
                }
                *own = full;
            }
        }
    }
    Ok(origins)
}

/// Top-level keys written before `gpu_defaults` and `gpus`, in this order; the others follow
/// them in alphabetical order.
const LEADING_KEYS: &[&str] = &[
    "name",
    "driver_version",
    "nvml_version",
    "cuda_driver_version",
    "root",
    "cpu_count",
    "numa_cpus",
    "cpu_affinity",
];

/// The canonical file of a profile, as the built-in files are written: every GPU key whose
/// value is the same on all GPUs in `gpu_defaults` under its topic, the others in each GPU's
/// entry; topics and GPU keys in [`GPU_TOPICS`] order, one key a line. Loading the text gives
/// the profile back.
pub fn canonical_json(p: &Profile) -> Result<String, ProfileError> {
    let fail = |e: serde_json::Error| ProfileError(format!("cannot serialize: {e}"));
    let Value::Object(mut top) = serde_json::to_value(p).map_err(fail)? else {
        return Err(ProfileError("a profile must serialize to an object".into()));
    };
    let gpus: Vec<Map<String, Value>> = match top.remove("gpus") {
        Some(Value::Array(list)) => list
            .into_iter()
            .filter_map(|g| match g {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for g in &gpus {
        if let Some(k) = g.keys().find(|k| gpu_topic_of(k).is_none()) {
            return Err(ProfileError(format!(
                "GPU key {k:?} has no topic: add it to GPU_TOPICS (src/profile/format.rs) \
                 and to FORMAT.md"
            )));
        }
    }
    let shared = |k: &str| -> Option<&Value> {
        let v = gpus.first()?.get(k)?;
        gpus.iter().all(|g| g.get(k) == Some(v)).then_some(v)
    };
    let depth = 1;
    let mut defaults = Vec::new();
    for topic in GPU_TOPICS {
        let rows: Vec<(&str, String)> = topic
            .keys
            .iter()
            .filter_map(|k| shared(k).map(|v| (*k, super::capture::layout(v, depth + 2))))
            .collect();
        if !rows.is_empty() {
            defaults.push((topic.name, object(&rows, depth + 1)));
        }
    }
    let entries: Vec<String> = gpus
        .iter()
        .map(|g| {
            let rows: Vec<(&str, String)> = GPU_TOPICS
                .iter()
                .flat_map(|t| t.keys.iter())
                .filter(|k| shared(k).is_none())
                .filter_map(|k| {
                    g.get(*k)
                        .map(|v| (*k, super::capture::layout(v, depth + 2)))
                })
                .collect();
            object(&rows, depth + 1)
        })
        .collect();
    let pad = "  ".repeat(depth);
    let mut rows: Vec<(&str, String)> = Vec::new();
    for k in LEADING_KEYS {
        if let Some(v) = top.remove(*k) {
            rows.push((k, super::capture::layout(&v, depth)));
        }
    }
    if !defaults.is_empty() {
        rows.push(("gpu_defaults", object(&defaults, depth)));
    }
    let list = if entries.is_empty() {
        "[]".to_string()
    } else {
        let items: Vec<String> = entries.iter().map(|e| format!("{pad}  {e}")).collect();
        format!("[\n{}\n{pad}]", items.join(",\n"))
    };
    rows.push(("gpus", list));
    let rest: Vec<(String, String)> = top
        .iter()
        .map(|(k, v)| (k.clone(), super::capture::layout(v, depth)))
        .collect();
    rows.extend(rest.iter().map(|(k, v)| (k.as_str(), v.clone())));
    Ok(object(&rows, 0) + "\n")
}

/// An object of already laid-out values, its keys in the given order, at `depth`.
fn object(rows: &[(&str, String)], depth: usize) -> String {
    if rows.is_empty() {
        return "{}".to_string();
    }
    let pad = "  ".repeat(depth);
    let lines: Vec<String> = rows
        .iter()
        .map(|(k, v)| format!("{pad}  {}: {v}", Value::String((*k).to_string())))
        .collect();
    format!("{{\n{}\n{pad}}}", lines.join(",\n"))
}
