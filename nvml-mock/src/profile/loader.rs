//! Loading a profile: a built-in file, or a user's file laid over a built-in machine.
//!
//! A built-in file is complete: it deserializes straight into [`Profile`]. A user's file is
//! merged key by key over its base (serialized to JSON first), so both go through the same
//! serde types and the same checks; a handful of older shorthand keys (`power_limit_w`, ...)
//! are rewritten into the keys they stand for on the way.

use serde_json::{Map, Value, json};

use super::gpu_defaults::{self, Origins};
use super::validate::{MAX_GPUS, normalize, validate};
use super::{GpuSpec, Profile, ProfileError};

macro_rules! builtins {
    ($($name:literal),* $(,)?) => {
        /// Names of the built-in profiles (each is `profiles/builtin/<name>.json`).
        pub const BUILTIN_PROFILES: &[&str] = &[$($name),*];

        fn builtin_text(name: &str) -> Option<&'static str> {
            match name {
                $($name => Some(include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"), "/profiles/builtin/", $name, ".json"
                ))),)*
                _ => None,
            }
        }
    };
}

builtins!(
    "dgx-h100",
    "dgx-a100",
    "workstation",
    "vgpu-host",
    "h100-cc",
    "s-class",
    "dgx-b200",
    "gb200-nvl-tray"
);

/// GPU models a file's `"model"` key may name: the built-in machine whose GPUs they copy.
const MODELS: &[(&str, &str)] = &[
    ("h100-sxm5-80gb", "dgx-h100"),
    ("a100-sxm4-80gb", "dgx-a100"),
    ("rtx-4090", "workstation"),
    ("h100-pcie-80gb", "vgpu-host"),
];

/// The JSON file of a built-in profile, as it is embedded (`None` for an unknown name).
pub fn builtin_json(name: &str) -> Option<&'static str> {
    builtin_text(name)
}

/// A built-in profile by name (`None` for an unknown name).
pub fn builtin(name: &str) -> Option<Profile> {
    load_builtin(name).ok()
}

fn load_builtin(name: &str) -> Result<Profile, ProfileError> {
    let text = builtin_text(name).ok_or_else(|| {
        ProfileError(format!(
            "unknown profile {name:?} (built-in: {}; or a path to a .json file)",
            BUILTIN_PROFILES.join(", ")
        ))
    })?;
    parse_complete(text)
        .map_err(|e| ProfileError(format!("built-in profile {name} ({name}.json): {e}")))
}

/// Loads a profile: a built-in name, or a path to a JSON profile file.
pub fn load(name_or_path: &str) -> Result<Profile, ProfileError> {
    if builtin_text(name_or_path).is_some() {
        return load_builtin(name_or_path);
    }
    let looks_like_path = name_or_path.contains('/') || name_or_path.ends_with(".json");
    if !looks_like_path {
        return load_builtin(name_or_path);
    }
    let text = read_profile_file(name_or_path)
        .map_err(|e| ProfileError(format!("cannot read profile file {name_or_path}: {e}")))?;
    parse_json(&text).map_err(|e| ProfileError(format!("profile file {name_or_path}: {e}")))
}

/// The largest profile file read: the biggest built-in profile as JSON is a few dozen KiB.
pub const PROFILE_FILE_MAX: u64 = 1 << 20;

/// Reads a profile file: a regular file of at most [`PROFILE_FILE_MAX`] bytes, in UTF-8.
/// Opening never blocks (a FIFO is opened non-blocking, then refused), and a device such as
/// `/dev/zero` is refused before any byte is read.
fn read_profile_file(path: &str) -> std::io::Result<String> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        /// `O_NONBLOCK` (the same value on every Linux architecture Rust supports but
        /// alpha, sparc, mips and parisc, which this mock does not target).
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other(
            "not a regular file (a FIFO, device or directory is not a profile)",
        ));
    }
    if meta.len() > PROFILE_FILE_MAX {
        return Err(std::io::Error::other(format!(
            "{} bytes, more than the {PROFILE_FILE_MAX} a profile may have",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    // The file may grow after the size check: read one byte past the limit at most.
    file.take(PROFILE_FILE_MAX + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > PROFILE_FILE_MAX {
        return Err(std::io::Error::other(format!(
            "more than the {PROFILE_FILE_MAX} bytes a profile may have"
        )));
    }
    String::from_utf8(bytes).map_err(|_| std::io::Error::other("not UTF-8"))
}

/// A complete profile (every key given, as the built-in files are: in `gpu_defaults` or in
/// each GPU's entry).
pub(crate) fn parse_complete(text: &str) -> Result<Profile, ProfileError> {
    let mut v = parse_text(text)?;
    strip_comments(&mut v);
    let origins = gpu_defaults::expand(&mut v)?;
    let mut p = deserialize(v, &origins)?;
    normalize(&mut p);
    validate(&p)?;
    Ok(p)
}

/// Top-level keys a complete profile may leave out (written only when not the default).
const OPTIONAL_KEYS: [&str; 3] = ["dynamic", "cpu_affinity", "excluded_gpus"];

/// Parses a user's JSON profile: keys laid over a built-in machine (see `FORMAT.md`).
pub fn parse_json(text: &str) -> Result<Profile, ProfileError> {
    let mut v = parse_text(text)?;
    strip_comments(&mut v);
    let Value::Object(mut file) = v else {
        return Err(ProfileError("top level must be an object".into()));
    };
    let based = file.contains_key("base");
    let mut base = match file.remove("base") {
        None => load_builtin("dgx-h100")?,
        Some(Value::String(b)) => load_builtin(&b)
            .map_err(|_| ProfileError(format!("\"base\": unknown built-in profile {b:?}")))?,
        Some(_) => return Err(ProfileError("\"base\" must be a string".into())),
    };
    let gpus = file.remove("gpus");
    let defaults = match file.remove("gpu_defaults") {
        Some(d) => gpu_defaults::flatten(d)?,
        None => Map::new(),
    };
    if !based && gpus.is_some() {
        // From scratch: the GPU list is given in full.
        base.gpus.clear();
    }
    if let Some(n) = file.remove("gpu_count") {
        set_gpu_count(&mut base, &n)?;
    }
    let mut tree = to_map(&base)?;
    for (k, v) in file {
        if OPTIONAL_KEYS.contains(&k.as_str()) && !tree.contains_key(&k) {
            // An optional key the base leaves out when it has its default.
            tree.insert(k.clone(), Value::Null);
        }
        let slot = tree
            .get_mut(&k)
            .ok_or_else(|| ProfileError(format!("unknown key {k:?}")))?;
        merge(slot, v);
    }
    // The file's defaults go under every GPU of the base, then under its own entries.
    if let Some(Value::Array(slots)) = tree.get_mut("gpus") {
        for slot in slots.iter_mut() {
            if let Value::Object(g) = slot {
                lay_defaults(g, &defaults)?;
            }
        }
    }
    let entries = gpus
        .as_ref()
        .map(gpu_defaults::entry_keys)
        .unwrap_or_default();
    if let Some(gpus) = gpus {
        lay_gpus(&mut tree, gpus, based, &defaults)?;
    }
    let origins = Origins::new(&defaults, entries);
    let mut p = deserialize(Value::Object(tree), &origins)?;
    normalize(&mut p);
    validate(&p)?;
    Ok(p)
}

fn parse_text(text: &str) -> Result<Value, ProfileError> {
    serde_json::from_str(text).map_err(|e| ProfileError(format!("invalid JSON: {e}")))
}

/// Deserializes a profile; an error names the key's path (`gpus[3].pstate: ...`, or
/// `gpu_defaults.clocks: "pstate"` for a GPU's key that the file's defaults gave) and says
/// "array" and "object" as JSON does.
fn deserialize(v: Value, origins: &Origins) -> Result<Profile, ProfileError> {
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = key_path(e.path(), origins);
        let msg = e
            .into_inner()
            .to_string()
            .replace("a sequence", "an array")
            .replace("a map", "an object")
            .replace("map", "object");
        ProfileError(format!("{path}: {msg}"))
    })
}

/// `gpus[0]: "name"`: where the key sits, then the key itself, quoted.
fn key_path(path: &serde_path_to_error::Path, origins: &Origins) -> String {
    use serde_path_to_error::Segment;
    let all: Vec<&Segment> = path.iter().collect();
    let from_defaults = match all.as_slice() {
        [
            Segment::Map { key: list },
            Segment::Seq { index },
            Segment::Map { key },
            ..,
        ] if list == "gpus" => origins.place(*index, key),
        _ => None,
    };
    let (mut out, segments) = match from_defaults {
        Some(place) => (place, all.get(2..).unwrap_or_default()),
        None => (String::new(), all.as_slice()),
    };
    for (i, s) in segments.iter().enumerate() {
        match s {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } if i + 1 == segments.len() => {
                if !out.is_empty() {
                    out.push_str(": ");
                }
                out.push_str(&format!("{key:?}"));
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => out.push_str(".?"),
        }
    }
    if out.is_empty() {
        "top level".into()
    } else {
        out
    }
}

fn to_map<T: serde::Serialize>(v: &T) -> Result<Map<String, Value>, ProfileError> {
    match serde_json::to_value(v) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(ProfileError("a profile must serialize to an object".into())),
        Err(e) => Err(ProfileError(format!("cannot serialize: {e}"))),
    }
}

/// `"$comment"` keys may appear in any object; they are notes for the reader.
fn strip_comments(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("$comment");
            m.values_mut().for_each(strip_comments);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_comments),
        _ => {}
    }
}

/// Objects merge key by key (a partial object keeps the base's other keys); anything else
/// replaces.
pub(super) fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}

/// A deterministic, distinct, well-formed UUID.
fn uuid_for(seed: u32, index: u32) -> String {
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

/// `gpu_count`: cut the list, or extend it with copies of the first GPU, each with its own
/// identity.
fn set_gpu_count(p: &mut Profile, n: &Value) -> Result<(), ProfileError> {
    let n = int("gpu_count", n)?;
    if n > MAX_GPUS as u64 {
        return Err(ProfileError(format!(
            "\"gpu_count\" must be at most {MAX_GPUS}"
        )));
    }
    let n = n as usize;
    let template = match p.gpus.first() {
        Some(g) => g.clone(),
        None => model_gpu_of("h100-sxm5-80gb", 0)?,
    };
    while p.gpus.len() < n {
        let i = p.gpus.len() as u32;
        let mut g = template.clone();
        g.uuid = uuid_for(0x7000_0000, i);
        g.serial = g.serial.map(|_| format!("170000000{i:04}"));
        g.minor_number = i;
        g.pci_bus = 0x80 + i;
        g.board_id = 0x8000 + i;
        p.gpus.push(g);
    }
    p.gpus.truncate(n);
    Ok(())
}

/// GPU `index` of a model's built-in machine (modulo its GPU count), without its NvLink error
/// history.
fn model_gpu_of(model: &str, index: u32) -> Result<GpuSpec, ProfileError> {
    let names: Vec<&str> = MODELS.iter().map(|(m, _)| *m).collect();
    let unknown = || {
        ProfileError(format!(
            "gpus[{index}].model: unknown model {model:?} ({})",
            names.join(", ")
        ))
    };
    let (_, machine) = MODELS
        .iter()
        .find(|(m, _)| *m == model)
        .ok_or_else(unknown)?;
    let p = load_builtin(machine)?;
    let n = p.gpus.len().max(1);
    let mut g = p
        .gpus
        .into_iter()
        .nth(index as usize % n)
        .ok_or_else(unknown)?;
    g.nvlink_errors.clear();
    Ok(g)
}

/// A GPU of a `model`, with an identity of its own for slot `index`.
fn model_gpu(model: Option<Value>, index: u32) -> Result<GpuSpec, ProfileError> {
    let mut g = match model {
        None => model_gpu_of("h100-sxm5-80gb", index)?,
        Some(Value::String(s)) => model_gpu_of(&s, index)?,
        Some(_) => {
            return Err(ProfileError(format!(
                "gpus[{index}].model must be a string"
            )));
        }
    };
    g.uuid = uuid_for(0x6000_0000 ^ g.pci_device_id, index);
    g.minor_number = index;
    g.pci_bus = 0x10 + index * 0x10;
    g.board_id = 0x1000 + index;
    if g.serial.is_some() {
        g.serial = Some(format!("160000000{index:04}"));
    }
    Ok(g)
}

/// The file's `gpus` over the base's: with a base, entry *i* changes the base's GPU *i* (or
/// replaces it when it names a `model`); without, each entry is a GPU of its own. A GPU an
/// entry makes from a model gets the file's `defaults` first.
fn lay_gpus(
    tree: &mut Map<String, Value>,
    gpus: Value,
    based: bool,
    defaults: &Map<String, Value>,
) -> Result<(), ProfileError> {
    let Value::Array(list) = gpus else {
        return Err(ProfileError("\"gpus\" must be an array".into()));
    };
    if list.len() > MAX_GPUS {
        return Err(ProfileError(format!("at most {MAX_GPUS} GPUs")));
    }
    let count = list.len();
    let Some(Value::Array(slots)) = tree.get_mut("gpus") else {
        return Err(ProfileError("the base has no GPU list".into()));
    };
    for (i, g) in list.into_iter().enumerate() {
        let Value::Object(mut keys) = g else {
            return Err(ProfileError(format!("gpus[{i}] must be an object")));
        };
        let model = keys.remove("model");
        let mut gpu = match slots.get_mut(i) {
            Some(Value::Object(slot)) if based && model.is_none() => std::mem::take(slot),
            _ => {
                let mut g = to_map(&model_gpu(model, i as u32)?)?;
                lay_defaults(&mut g, defaults)?;
                g
            }
        };
        for (k, v) in keys {
            lay_gpu_key(&mut gpu, &k, v).map_err(|e| ProfileError(format!("gpus[{i}]: {e}")))?;
        }
        match slots.get_mut(i) {
            Some(slot) => *slot = Value::Object(gpu),
            None => slots.push(Value::Object(gpu)),
        }
    }
    if !based {
        slots.truncate(count);
    }
    Ok(())
}

/// A file's `gpu_defaults` (flattened) laid over one GPU, as its entry's keys would be.
fn lay_defaults(
    g: &mut Map<String, Value>,
    defaults: &Map<String, Value>,
) -> Result<(), ProfileError> {
    for (k, v) in defaults {
        lay_gpu_key(g, k, v.clone()).map_err(|e| {
            let topic = super::gpu_topic_of(k).map_or("?", |t| t.name);
            ProfileError(format!("gpu_defaults.{topic}: {e}"))
        })?;
    }
    Ok(())
}

/// One key of a file's GPU object: a shorthand (rewritten into the keys it stands for) or a
/// key of the format.
fn lay_gpu_key(g: &mut Map<String, Value>, k: &str, v: Value) -> Result<(), ProfileError> {
    let mw = |v: &Value| u32v(k, v).map(|w| json!(w.saturating_mul(1000)));
    match k {
        "power_usage_w" => set(g, "power_usage_mw", mw(&v)?),
        "power_min_limit_w" => set(g, "power_min_limit_mw", mw(&v)?),
        "power_max_limit_w" => set(g, "power_max_limit_mw", mw(&v)?),
        "power_limit_w" => {
            let w = u32v(k, &v)?.saturating_mul(1000);
            let max = g
                .get("power_max_limit_mw")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            set(g, "power_limit_mw", json!(w));
            set(g, "power_default_limit_mw", json!(w));
            set(g, "power_max_limit_mw", json!(max.max(u64::from(w))));
        }
        "clock_graphics_mhz" => {
            let mhz = u32v(k, &v)?;
            set(g, "clock_graphics", json!(mhz));
            set(g, "clock_sm", json!(mhz));
        }
        // An optional key a GPU without it leaves out.
        "mig_instances" if !g.contains_key(k) => set(g, k, v),
        _ => {
            if let Some((_, empty)) = OPTIONAL_GPU_KEYS.iter().find(|(key, _)| *key == k) {
                // A key the base's file leaves out when it holds its default.
                g.entry(k).or_insert_with(empty);
            }
            let slot = g
                .get_mut(k)
                .ok_or_else(|| ProfileError(format!("unknown key {k:?}")))?;
            merge(slot, v);
        }
    }
    Ok(())
}

/// The default of an optional key.
type KeyDefault = fn() -> Value;

/// GPU keys a canonical file leaves out at their default, with that default.
const OPTIONAL_GPU_KEYS: &[(&str, KeyDefault)] = &[
    ("support", || json!({})),
    ("display_mode", || json!(false)),
    ("fabric_clique_id", || json!(0)),
    ("fabric_cluster_uuid", || {
        json!("00000000-0000-0000-0000-000000000000")
    }),
];

fn set(g: &mut Map<String, Value>, k: &str, v: Value) {
    g.insert(k.to_string(), v);
}

fn int(k: &str, v: &Value) -> Result<u64, ProfileError> {
    v.as_u64()
        .ok_or_else(|| ProfileError(format!("{k:?} must be a non-negative integer")))
}

fn u32v(k: &str, v: &Value) -> Result<u32, ProfileError> {
    u32::try_from(int(k, v)?).map_err(|_| ProfileError(format!("{k:?} is too large")))
}
