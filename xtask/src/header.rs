//! What an `nvml.h` declares: functions, the versioned-function `#define` block and the
//! struct-version macros, read with a small text scanner (no C parser needed: NVIDIA's header
//! is regular, every function is declared `... DECLDIR name(...);`).

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};

/// The facts about one header that the diff report compares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderInfo {
    /// `NVML_API_VERSION`, when defined.
    pub api_version: Option<String>,
    /// Every declared function, versioned or not (`nvmlInit`, `nvmlInit_v2`, ...).
    pub functions: BTreeSet<String>,
    /// The `#ifndef NVML_NO_UNVERSIONED_FUNC_DEFS` block: `nvmlInit` -> `nvmlInit_v2`, and the
    /// few plain aliases (`nvmlGetBlacklistDeviceCount` -> `nvmlGetExcludedDeviceCount`).
    pub unversioned_defs: BTreeMap<String, String>,
    /// Struct-version macros: `nvmlMemory_v2` from `#define nvmlMemory_v2 NVML_STRUCT_VERSION(Memory, 2)`.
    pub struct_versions: BTreeSet<String>,
    /// The other `#define`s named `NVML_*` or `nvml*`, by name: the value as written
    /// (whitespace collapsed), a function-like macro's parameters first (`(field_val) ...`).
    /// Field ids (`NVML_FI_*`) are among them.
    pub constants: BTreeMap<String, String>,
    /// Enumerators of every C `enum`, with their value: explicit ones as written (a number in
    /// decimal where it is one), implicit ones counted on from the previous.
    pub enum_values: BTreeMap<String, String>,
    /// Names of the `typedef struct`/`union` types (`nvmlMemory_v2_t`, ...).
    pub structs: BTreeSet<String>,
    /// Functions declared `DEPRECATED(...)`, and macros named or documented as deprecated.
    pub deprecated: BTreeSet<String>,
    /// The documentation comments of each function and `#define` (the comment blocks before
    /// it and a trailing `//!<`), whitespace collapsed.
    pub docs: BTreeMap<String, String>,
    /// Doxygen groups named by `@defgroup`/`@addtogroup`, with their titles.
    pub doc_groups: BTreeMap<String, String>,
}

impl HeaderInfo {
    /// The field ids (`NVML_FI_*` constants with a number), by name.
    pub fn field_ids(&self) -> BTreeMap<String, i64> {
        self.constants
            .iter()
            .filter(|(k, _)| k.starts_with("NVML_FI_"))
            .filter_map(|(k, v)| int_literal(v).map(|n| (k.clone(), n)))
            .collect()
    }
}

/// A C integer literal (`42`, `0x1F`, `8U`, `-1`, `(4)`), if that is all `s` is.
pub fn int_literal(s: &str) -> Option<i64> {
    let t = s.trim();
    let t = t
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .map_or(t, str::trim);
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, t),
    };
    let t = t.trim_end_matches(['u', 'U', 'l', 'L']);
    let n = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(hex, 16).ok()?
    } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        t.parse().ok()?
    } else {
        return None;
    };
    Some(if neg { -n } else { n })
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The comment text of `line` (inside or starting a block comment, or a `//` line), and
/// whether the line is only comment; `in_block` carries a block comment across lines.
fn comment_of(line: &str, in_block: &mut bool) -> (String, bool) {
    let t = line.trim();
    if *in_block {
        let (text, rest) = match t.split_once("*/") {
            Some((a, b)) => {
                *in_block = false;
                (a, b.trim())
            }
            None => (t, ""),
        };
        return (text.trim_start_matches('*').to_string(), rest.is_empty());
    }
    if let Some(body) = t.strip_prefix("/*") {
        return match body.split_once("*/") {
            Some((a, b)) => (a.trim_start_matches('*').to_string(), b.trim().is_empty()),
            None => {
                *in_block = true;
                (body.trim_start_matches('*').to_string(), true)
            }
        };
    }
    if let Some(body) = t.strip_prefix("//") {
        return (body.trim_start_matches(['/', '!', '<']).to_string(), true);
    }
    (String::new(), false)
}

/// Documentation of functions and `#define`s, from the raw header.
fn docs_of(src: &str) -> BTreeMap<String, String> {
    let mut docs = BTreeMap::new();
    let mut pending = String::new();
    let mut in_block = false;
    for line in src.lines() {
        let (text, only_comment) = comment_of(line, &mut in_block);
        if only_comment {
            pending.push(' ');
            pending.push_str(&text);
            continue;
        }
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let trailing = t.split_once("//!<").map_or("", |(_, d)| d);
        let name = if let Some(def) = t.strip_prefix("#define") {
            def.split(|c: char| c.is_whitespace() || c == '(')
                .find(|w| !w.is_empty())
        } else if let Some((_, after)) = t.split_once("DECLDIR") {
            after.split('(').next().map(str::trim)
        } else {
            None
        };
        if let Some(name) = name.filter(|n| n.starts_with("nvml") || n.starts_with("NVML_")) {
            let doc = collapse(&format!("{pending} {trailing}"));
            if !doc.is_empty() {
                docs.insert(name.to_string(), doc);
            }
        }
        pending.clear();
    }
    docs
}

/// The enumerators of every `enum { ... }` in comment-free code.
fn enums_of(code: &str, constants: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut rest = code;
    while let Some(at) = rest.find("enum") {
        let before_ok = at == 0
            || !rest
                .as_bytes()
                .get(at - 1)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        let after = rest.get(at + 4..).unwrap_or_default();
        rest = after;
        let starts_word = !after
            .as_bytes()
            .first()
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        if !before_ok || !starts_word {
            continue;
        }
        let head = after.split('{').next().unwrap_or_default();
        if head.contains(';') || head.contains('}') {
            continue;
        }
        let Some(open) = after.find('{') else { break };
        let Some(len) = after.get(open + 1..).and_then(|b| b.find('}')) else {
            break;
        };
        let body = after.get(open + 1..open + 1 + len).unwrap_or_default();
        let mut next: Option<i64> = Some(0);
        for item in body.split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => {
                    let v = collapse(v);
                    let known = int_literal(&v)
                        .or_else(|| out.get(v.as_str()).and_then(|x| int_literal(x)))
                        .or_else(|| constants.get(v.as_str()).and_then(|x| int_literal(x)));
                    (n.trim(), known.map_or(v, |k| k.to_string()))
                }
                None => (
                    item,
                    next.map_or_else(|| "?".to_string(), |n| n.to_string()),
                ),
            };
            next = int_literal(&value).and_then(|n| n.checked_add(1));
            out.insert(name.to_string(), value);
        }
        rest = after.get(open + 1 + len..).unwrap_or_default();
    }
    out
}

/// Names of `typedef struct/union ... { ... } name;` types in comment-free code.
fn structs_of(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("typedef") {
        let after = rest.get(at + "typedef".len()..).unwrap_or_default();
        rest = after;
        let t = after.trim_start();
        if !(t.starts_with("struct") || t.starts_with("union")) {
            continue;
        }
        let Some(open) = after.find(['{', ';']) else {
            break;
        };
        if after.as_bytes().get(open) != Some(&b'{') {
            continue;
        }
        // The matching brace, then the name before the `;`.
        let mut depth = 0usize;
        let mut close = None;
        for (i, c) in after.char_indices().skip(open) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { break };
        let tail = after.get(close + 1..).unwrap_or_default();
        let name = tail.split(';').next().unwrap_or_default().trim();
        if name.starts_with("nvml") && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            out.insert(name.to_string());
        }
        rest = tail;
    }
    out
}

/// Splits `name_vN` into (`name`, N).
pub fn split_version(name: &str) -> Option<(&str, u32)> {
    let (base, v) = name.rsplit_once("_v")?;
    if base.is_empty() || v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((base, v.parse().ok()?))
}

impl HeaderInfo {
    /// Versioned function families and their newest version, keyed by family (the name without
    /// `_vN`). A family is any name declared with a `_vN` suffix or mapped in the `#define`
    /// block. The value is the newest declared name
    /// (or the `#define` target, when that is newer).
    pub fn families(&self) -> BTreeMap<String, String> {
        let mut newest: BTreeMap<String, (u32, String)> = BTreeMap::new();
        let mut consider = |base: &str, n: u32, name: &str| {
            let e = newest
                .entry(base.to_string())
                .or_insert_with(|| (n, name.to_string()));
            if n > e.0 {
                *e = (n, name.to_string());
            }
        };
        for f in &self.functions {
            if let Some((base, n)) = split_version(f) {
                consider(base, n, f);
            }
        }
        for (from, to) in &self.unversioned_defs {
            if let Some((base, n)) = split_version(to)
                && base == from
            {
                consider(base, n, to);
            }
        }
        newest.into_iter().map(|(k, (_, name))| (k, name)).collect()
    }
}

/// Removes C comments, keeping string literals and line structure.
fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        if c == b'/' && next == Some(b'/') {
            while let Some(&c) = b.get(i) {
                if c == b'\n' {
                    break;
                }
                i += 1;
            }
        } else if c == b'/' && next == Some(b'*') {
            i += 2;
            while i < b.len() && !(b.get(i) == Some(&b'*') && b.get(i + 1) == Some(&b'/')) {
                if b.get(i) == Some(&b'\n') {
                    out.push(b'\n');
                }
                i += 1;
            }
            i += 2;
            out.push(b' ');
        } else if c == b'"' {
            out.push(c);
            i += 1;
            while let Some(&c) = b.get(i) {
                out.push(c);
                i += 1;
                if c == b'\\' {
                    if let Some(&e) = b.get(i) {
                        out.push(e);
                        i += 1;
                    }
                } else if c == b'"' || c == b'\n' {
                    break;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits text into C identifiers with their byte offsets.
fn identifiers(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(&c) = b.get(i) {
            if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                return s.get(start..i).map(|id| (start, id));
            }
            if c.is_ascii_digit() {
                // skip numbers like 0x1F so their letters are not identifiers
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
                {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
        None
    })
}

/// Reads a header's text.
pub fn parse(src: &str) -> HeaderInfo {
    let text = strip_comments(src);
    let mut info = HeaderInfo::default();

    // Preprocessor lines (with their continuations) on one side, C declarations on the other.
    let mut code = String::with_capacity(text.len());
    let mut directives: Vec<String> = Vec::new();
    let mut continuing = false;
    for line in text.lines() {
        let t = line.trim();
        if continuing || t.starts_with('#') {
            if continuing {
                if let Some(last) = directives.last_mut() {
                    last.push(' ');
                    last.push_str(t.trim_end_matches('\\'));
                }
            } else {
                directives.push(t.trim_end_matches('\\').to_string());
            }
            continuing = t.ends_with('\\');
            code.push('\n');
        } else {
            code.push_str(line);
            code.push('\n');
        }
    }

    let mut in_defs = false;
    let mut guard_defs: BTreeSet<String> = BTreeSet::new();
    for d in &directives {
        // Every other `#define NVML_*`/`nvml*` is a constant or macro.
        if let Some(def) = d
            .strip_prefix('#')
            .map(str::trim_start)
            .and_then(|x| x.strip_prefix("define"))
            && !in_defs
        {
            let def = def.trim_start();
            let name_len = def
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(def.len());
            let name = def.get(..name_len).unwrap_or_default();
            let value = collapse(def.get(name_len..).unwrap_or_default());
            if (name.starts_with("NVML_") || name.starts_with("nvml"))
                && !value.starts_with("NVML_STRUCT_VERSION")
            {
                if value.is_empty() {
                    guard_defs.insert(name.to_string());
                }
                info.constants.insert(name.to_string(), value);
            }
        }
        let words: Vec<&str> = d
            .trim_start_matches('#')
            .split_whitespace()
            .take(4)
            .collect();
        match words.as_slice() {
            ["ifndef", "NVML_NO_UNVERSIONED_FUNC_DEFS", ..] => in_defs = true,
            ["endif", ..] => in_defs = false,
            ["define", "NVML_API_VERSION", v, ..] => info.api_version = Some((*v).to_string()),
            ["define", from, to, ..] if in_defs && from.starts_with("nvml") => {
                info.unversioned_defs
                    .insert((*from).to_string(), (*to).to_string());
            }
            ["define", name, rest @ ..]
                if name.starts_with("nvml")
                    && split_version(name).is_some()
                    && rest
                        .first()
                        .is_some_and(|r| r.starts_with("NVML_STRUCT_VERSION")) =>
            {
                info.struct_versions.insert((*name).to_string());
            }
            _ => {}
        }
    }

    for g in &guard_defs {
        // Include guards and feature switches, not constants.
        if g.ends_with("_H") || g.ends_with("_H_") || g.starts_with("NVML_NO_") {
            info.constants.remove(g);
        }
    }
    info.constants.remove("NVML_API_VERSION");
    info.enum_values = enums_of(&code, &info.constants);
    info.structs = structs_of(&code);
    info.docs = docs_of(src);
    for line in src.lines() {
        let Some((_, after)) = line
            .split_once("@defgroup")
            .or_else(|| line.split_once("@addtogroup"))
        else {
            continue;
        };
        let mut words = after.split_whitespace();
        if let Some(name) = words.next() {
            let title = collapse(&words.collect::<Vec<_>>().join(" "));
            let entry = info.doc_groups.entry(name.to_string()).or_default();
            if entry.is_empty() {
                *entry = title;
            }
        }
    }
    for (name, value) in &info.constants {
        let documented = info
            .docs
            .get(name)
            .is_some_and(|d| d.to_ascii_lowercase().contains("deprecated"));
        if name.contains("DEPRECATED") || value.contains("DEPRECATED") || documented {
            info.deprecated.insert(name.clone());
        }
    }

    for stmt in code.split(';') {
        let deprecated = stmt.contains("DEPRECATED(");
        let mut after_decldir = false;
        for (pos, id) in identifiers(stmt) {
            if id == "DECLDIR" {
                after_decldir = true;
                continue;
            }
            if !after_decldir {
                continue;
            }
            let rest = stmt.get(pos + id.len()..).unwrap_or("");
            if rest.trim_start().starts_with('(') {
                if id.starts_with("nvml") {
                    info.functions.insert(id.to_string());
                    if deprecated {
                        info.deprecated.insert(id.to_string());
                    }
                }
                break;
            }
        }
    }
    info
}

/// Checks that `bytes` look like NVIDIA's NVML header and returns its text.
pub fn validate(bytes: &[u8]) -> Result<(String, HeaderInfo)> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    if bytes.contains(&0) || !text.contains("NVML_API_VERSION") || !text.contains("nvmlInit") {
        bail!("not an NVML header: the file lacks NVML_API_VERSION and nvmlInit");
    }
    let info = parse(&text);
    if !info.functions.iter().any(|f| f.starts_with("nvmlInit")) {
        bail!("not an NVML header: no nvmlInit function is declared in it");
    }
    Ok((text, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINI: &str = r#"
#define NVML_API_VERSION 12 // the version
#ifndef NVML_NO_UNVERSIONED_FUNC_DEFS
    #define nvmlInit                  nvmlInit_v2
    #define nvmlDeviceGetPciInfo      nvmlDeviceGetPciInfo_v3
    #define nvmlGetBlacklistDeviceCount nvmlGetExcludedDeviceCount
#endif // #ifndef NVML_NO_UNVERSIONED_FUNC_DEFS
#define NVML_STRUCT_VERSION(data, ver) (unsigned int)(sizeof(nvml ## data ## _v ## ver ## _t) | \
                                                      (ver << 24U))
typedef struct { unsigned int version; } nvmlMemory_v2_t;
#define nvmlMemory_v2 NVML_STRUCT_VERSION(Memory, 2) //!< Version macro
/** nvmlFake(void) is in a comment and is no function; */
nvmlReturn_t DECLDIR nvmlInit_v2(void);
const DECLDIR char* nvmlErrorString(nvmlReturn_t result);
DEPRECATED(13.0) nvmlReturn_t DECLDIR nvmlDeviceGetPciInfo_v3(nvmlDevice_t device,
                                                nvmlPciInfo_t *pci);
nvmlReturn_t DECLDIR nvmlSystemGetCPER_v1(nvmlGetCPER_v1_t *cper);
#ifdef NVML_NO_UNVERSIONED_FUNC_DEFS
nvmlReturn_t DECLDIR nvmlInit(void);
nvmlReturn_t DECLDIR nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t *pci);
#endif
"#;

    #[test]
    fn parses_functions_defines_and_struct_versions() {
        let info = parse(MINI);
        let f: Vec<&str> = info.functions.iter().map(String::as_str).collect();
        assert_eq!(
            f,
            [
                "nvmlDeviceGetPciInfo_v2",
                "nvmlDeviceGetPciInfo_v3",
                "nvmlErrorString",
                "nvmlInit",
                "nvmlInit_v2",
                "nvmlSystemGetCPER_v1"
            ]
        );
        assert_eq!(info.api_version.as_deref(), Some("12"));
        assert_eq!(
            info.unversioned_defs.get("nvmlInit").map(String::as_str),
            Some("nvmlInit_v2")
        );
        assert_eq!(info.unversioned_defs.len(), 3);
        assert_eq!(
            info.struct_versions.iter().collect::<Vec<_>>(),
            ["nvmlMemory_v2"]
        );
        let fam = info.families();
        assert_eq!(fam.get("nvmlInit").map(String::as_str), Some("nvmlInit_v2"));
        assert_eq!(
            fam.get("nvmlDeviceGetPciInfo").map(String::as_str),
            Some("nvmlDeviceGetPciInfo_v3")
        );
        assert_eq!(
            fam.get("nvmlSystemGetCPER").map(String::as_str),
            Some("nvmlSystemGetCPER_v1")
        );
        assert!(!fam.contains_key("nvmlErrorString"));
        assert!(!fam.contains_key("nvmlGetBlacklistDeviceCount"));
    }

    #[test]
    fn the_real_header_parses() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../headers/nvml.h");
        let bytes = std::fs::read(path).unwrap();
        let (_, info) = validate(&bytes).unwrap();
        assert!(info.functions.len() > 300, "{}", info.functions.len());
        assert!(info.functions.contains("nvmlInit_v2"));
        assert!(info.functions.contains("nvmlInit"));
        assert!(info.functions.contains("nvmlErrorString"));
        assert!(info.struct_versions.len() > 40);
        assert!(info.struct_versions.contains("nvmlMemory_v2"));
        assert!(info.unversioned_defs.len() > 10);
        assert!(info.api_version.is_some());
        let fam = info.families();
        assert_eq!(
            fam.get("nvmlDeviceGetComputeRunningProcesses")
                .map(String::as_str),
            Some("nvmlDeviceGetComputeRunningProcesses_v3")
        );
    }

    #[test]
    fn non_headers_are_refused() {
        assert!(validate(b"int main(void) { return 0; }").is_err());
        assert!(validate(b"\x00\x01NVML_API_VERSION nvmlInit").is_err());
        assert!(validate(b"#define NVML_API_VERSION 1\n// nvmlInit mentioned only\n").is_err());
    }
}
