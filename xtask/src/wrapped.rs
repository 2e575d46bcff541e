//! Which NVML functions nvml-wrapper calls: the scanner shared by `update-header` (added
//! functions not wrapped yet) and `coverage`.
//!
//! A function counts as wrapped when its name appears in the wrapper's Rust code outside
//! comments: as a field of the loaded library (`lib.nvmlDeviceGetName`), in a symbol table, or
//! as a string (`"nvmlDeviceGetName"`). Comments and doc comments do not count: the docs name
//! the C function a method calls, and naming it in a comment wraps nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Where nvml-wrapper's sources live, relative to the repository root.
pub const WRAPPER_SRC: &str = "nvml-wrapper/src";

/// Removes `//` and (nested) `/* */` comments from Rust source, keeping string literals
/// (plain, byte and raw) and character literals.
pub fn strip_rust_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let at = |i: usize| b.get(i).copied();
    while let Some(c) = at(i) {
        match (c, at(i + 1)) {
            (b'/', Some(b'/')) => {
                while at(i).is_some_and(|c| c != b'\n') {
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                let mut depth = 0usize;
                while let Some(c) = at(i) {
                    if c == b'/' && at(i + 1) == Some(b'*') {
                        depth += 1;
                        i += 2;
                    } else if c == b'*' && at(i + 1) == Some(b'/') {
                        depth = depth.saturating_sub(1);
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                out.push(b' ');
            }
            (b'r', Some(b'#' | b'"'))
                if i == 0 || !at(i - 1).is_some_and(|p| p.is_ascii_alphanumeric() || p == b'_') =>
            {
                // raw string r#"..."#
                let start = i;
                i += 1;
                let mut hashes = 0;
                while at(i) == Some(b'#') {
                    hashes += 1;
                    i += 1;
                }
                if at(i) != Some(b'"') {
                    // `r#ident` (raw identifier): copy as is
                    out.extend_from_slice(b.get(start..i).unwrap_or_default());
                    continue;
                }
                i += 1;
                loop {
                    match at(i) {
                        None => break,
                        Some(b'"') if (1..=hashes).all(|k| at(i + k) == Some(b'#')) => {
                            i += 1 + hashes;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                out.extend_from_slice(b.get(start..i).unwrap_or_default());
            }
            (b'"', _) => {
                let start = i;
                i += 1;
                while let Some(c) = at(i) {
                    i += 1;
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        break;
                    }
                }
                out.extend_from_slice(b.get(start..i.min(b.len())).unwrap_or_default());
            }
            (b'\'', Some(n)) => {
                // char literal ('a', '\n', '\'') or a lifetime ('a)
                let len = if n == b'\\' {
                    (i + 2..b.len().min(i + 12))
                        .find(|&k| at(k) == Some(b'\''))
                        .map(|k| k + 1 - i)
                } else if at(i + 2) == Some(b'\'') {
                    Some(3)
                } else {
                    None
                };
                let len = len.unwrap_or(1);
                out.extend_from_slice(b.get(i..i + len).unwrap_or_default());
                i += len;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every identifier of the form `nvml[A-Z]\w*` in a Rust source's code (comments excluded).
pub fn nvml_identifiers(src: &str) -> BTreeSet<String> {
    let code = strip_rust_comments(src);
    let b = code.as_bytes();
    let mut found = BTreeSet::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                i += 1;
            }
            if let Some(id) = code.get(start..i)
                && id.len() > 4
                && id.starts_with("nvml")
                && id.as_bytes().get(4).is_some_and(u8::is_ascii_uppercase)
            {
                found.insert(id.to_string());
            }
        } else {
            i += 1;
        }
    }
    found
}

/// All `.rs` files under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", d.display()))?;
            let path = entry.path();
            let ty = entry
                .file_type()
                .with_context(|| format!("cannot stat {}", path.display()))?;
            if ty.is_dir() {
                stack.push(path);
            } else if ty.is_file() && path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The functions of `header_functions` that the Rust sources under `src_dir` use.
/// A missing `src_dir` wraps nothing.
pub fn wrapped_functions(
    src_dir: &Path,
    header_functions: &BTreeSet<String>,
) -> Result<BTreeSet<String>> {
    if !src_dir.is_dir() {
        return Ok(BTreeSet::new());
    }
    let mut used = BTreeSet::new();
    for file in rust_files(src_dir)? {
        let src = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        used.extend(
            nvml_identifiers(&src)
                .into_iter()
                .filter(|id| header_functions.contains(id)),
        );
    }
    Ok(used)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_field_accesses_tables_and_strings_but_not_comments() {
        let src = r##"
            //! Calls `nvmlDocOnly`.
            /// Wraps nvmlDocToo. /* nested /* nvmlNested */ */
            fn name(&self) -> u32 {
                let f = self.lib.nvmlDeviceGetName.as_ref(); // nvmlTrailing
                let s = "nvmlInString // not a comment";
                let r = r#"nvmlRaw"#;
                let c = '"'; let lt: &'static str = "x";
                (nvmlAfterChar, nvml_lower, xnvmlEmbedded, nvmlx)
            }
            static TABLE: &[&str] = &["nvmlDeviceGetPciInfo_v3"];
        "##;
        let ids: Vec<String> = nvml_identifiers(src).into_iter().collect();
        assert_eq!(
            ids,
            [
                "nvmlAfterChar",
                "nvmlDeviceGetName",
                "nvmlDeviceGetPciInfo_v3",
                "nvmlInString",
                "nvmlRaw"
            ]
        );
    }

    #[test]
    fn only_header_functions_count_and_missing_dirs_wrap_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("device")).unwrap();
        std::fs::write(
            dir.path().join("device/mod.rs"),
            "fn f() { lib.nvmlDeviceGetName; lib.nvmlNotInHeader; }",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "nvmlInit_v2").unwrap();
        let header: BTreeSet<String> = ["nvmlDeviceGetName", "nvmlInit_v2"]
            .into_iter()
            .map(String::from)
            .collect();
        let got = wrapped_functions(dir.path(), &header).unwrap();
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["nvmlDeviceGetName"]);
        assert!(
            wrapped_functions(&dir.path().join("absent"), &header)
                .unwrap()
                .is_empty()
        );
    }
}
