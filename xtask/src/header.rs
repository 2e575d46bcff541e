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
    for d in &directives {
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

    for stmt in code.split(';') {
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
