//! Which NVML functions nvml-wrapper calls: the scanner shared by `update-header` (added
//! functions not wrapped yet) and `coverage`.
//!
//! A function counts as called only where wrapper code calls it through the call layer: the
//! function position of `nvml_call!(nvml, nvmlX(...))`, a symbol resolved with
//! `ffi::symbol(lib.nvmlX.as_ref(), ...)`, the arguments of a wrapper macro whose body
//! makes such a call with a macro variable, or a symbol of a row of the version table, which
//! generates the call of each of its symbols (the rows as data: [`crate::versioned`]). A string, a comment or a
//! doc names a function without calling it, and does not count.
//!
//! The same scan finds the `#[doc(alias = "nvmlX")]` attributes, and calls of a versioned
//! symbol outside `versions.rs`, where the table's generated call is the only dispatch.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Where nvml-wrapper's sources live, relative to the repository root.
pub const WRAPPER_SRC: &str = "nvml-wrapper/src";

/// The list of the header's functions nvml-wrapper calls, one a line, relative to the
/// repository root: `cargo xtask codegen` writes it from [`wrapped_functions`], and the
/// wrapper's reliability tests read it to know what their fault table must cover.
pub const CALLED_PATH: &str = "nvml-wrapper/called-functions.txt";

/// The text of [`CALLED_PATH`]: a comment line, then the names, sorted.
pub fn render_called(called: &BTreeSet<String>) -> String {
    let mut text = format!(
        "# The {} functions of nvml.h that nvml-wrapper calls, one a line: written by \
         `cargo xtask codegen` from the wrapper's sources.\n",
        called.len()
    );
    for name in called {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// Removes `//` and (nested) `/* */` comments from Rust source, keeping string literals
/// (plain, byte and raw) and character literals.
pub fn strip_rust_comments(src: &str) -> String {
    scan_code(src, true)
}

/// Rust source with comments removed and the contents of string literals blanked (each byte
/// becomes a space, so offsets and line numbers stay): what is left is code.
pub fn code_only(src: &str) -> String {
    scan_code(src, false)
}

fn scan_code(src: &str, keep_strings: bool) -> String {
    let blank = |out: &mut Vec<u8>, bytes: &[u8]| {
        if keep_strings {
            out.extend_from_slice(bytes);
        } else {
            out.extend(bytes.iter().map(|&c| if c == b'\n' { c } else { b' ' }));
        }
    };
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
                        if c == b'\n' {
                            out.push(b'\n');
                        }
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
                blank(&mut out, b.get(start..i).unwrap_or_default());
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
                blank(&mut out, b.get(start..i.min(b.len())).unwrap_or_default());
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

/// One call of an NVML function found in wrapper code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Call {
    /// The function called, e.g. `nvmlDeviceGetPciInfo_v3`.
    pub function: String,
    /// The version-table row named in the call (`pci_info` in `pci_info::nvml...(`), if any.
    pub family: Option<String>,
    /// 1-based line of the call.
    pub line: usize,
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The identifier starting at `i` (after skipping whitespace) and the index after it.
fn ident_at(code: &str, mut i: usize) -> Option<(&str, usize)> {
    let b = code.as_bytes();
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    let start = i;
    while b.get(i).copied().is_some_and(is_ident_byte) {
        i += 1;
    }
    (i > start).then(|| (code.get(start..i).unwrap_or_default(), i))
}

/// The index just after the top-level `,` of the macro arguments starting at `open` (the
/// index after `(`), or `None`.
fn after_first_comma(code: &str, open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, c) in code.bytes().enumerate().skip(open) {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                if depth == 0 {
                    return None;
                }
                depth -= 1;
            }
            b',' if depth == 0 => return Some(k + 1),
            _ => {}
        }
    }
    None
}

/// The text of the balanced `( ... )`, `[ ... ]` or `{ ... }` group opening at `open`.
fn group_at(code: &str, open: usize) -> Option<&str> {
    let mut depth = 0i32;
    for (k, c) in code.bytes().enumerate().skip(open) {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return code.get(open..=k);
                }
            }
            _ => {}
        }
    }
    None
}

fn line_of(code: &str, at: usize) -> usize {
    code.as_bytes()
        .get(..at)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
        + 1
}

/// Every position where `needle` starts in `code` as a whole word.
fn word_positions<'a>(code: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    code.match_indices(needle)
        .map(|(i, _)| i)
        .filter(move |&i| {
            i == 0
                || !code
                    .as_bytes()
                    .get(i - 1)
                    .copied()
                    .is_some_and(is_ident_byte)
        })
}

/// The call layer's macro: `nvml_call!(nvml, [family::]nvmlX(...))`.
const NVML_CALL: &str = "nvml_call!(";

/// The calls of NVML functions in one Rust source (see the module docs for what counts).
pub fn calls_in(src: &str) -> Vec<Call> {
    let code = code_only(src);
    let mut calls = Vec::new();
    // `nvml_call!(nvml, [family::]nvmlX(`.
    for at in word_positions(&code, NVML_CALL) {
        let Some(arg) = after_first_comma(&code, at + NVML_CALL.len()) else {
            continue;
        };
        let Some((first, next)) = ident_at(&code, arg) else {
            continue;
        };
        let (family, function, next) = if code.get(next..).is_some_and(|r| r.starts_with("::")) {
            match ident_at(&code, next + 2) {
                Some((f, n)) => (Some(first), f, n),
                None => continue,
            }
        } else {
            (None, first, next)
        };
        let opens = code
            .get(next..)
            .is_some_and(|r| r.trim_start().starts_with('('));
        if opens && function.starts_with("nvml") {
            calls.push(Call {
                function: function.to_string(),
                family: family.map(str::to_string),
                line: line_of(&code, at),
            });
        }
    }
    // `symbol(lib.nvmlX.as_ref(), ...)`: a symbol resolved by the call layer.
    for at in word_positions(&code, "symbol(") {
        let Some(group) = group_at(&code, at + "symbol".len()) else {
            continue;
        };
        let first_arg = group.split(',').next().unwrap_or_default();
        if let Some(dot) = first_arg.rfind(".as_ref()") {
            let before = first_arg.get(..dot).unwrap_or_default();
            let name = before.rsplit('.').next().unwrap_or_default();
            if name.starts_with("nvml") && name.bytes().all(is_ident_byte) {
                calls.push(Call {
                    function: name.to_string(),
                    family: None,
                    line: line_of(&code, at),
                });
            }
        }
    }
    // Wrapper macros that call with a macro variable: their invocations' arguments count.
    let mut callers = Vec::new();
    for at in word_positions(&code, "macro_rules!") {
        let Some((name, next)) = ident_at(&code, at + "macro_rules!".len()) else {
            continue;
        };
        let Some(open) = code.get(next..).and_then(|r| r.find('{')).map(|k| next + k) else {
            continue;
        };
        let body = group_at(&code, open).unwrap_or_default();
        let calls_variable = body.match_indices(NVML_CALL).any(|(k, _)| {
            after_first_comma(body, k + NVML_CALL.len())
                .and_then(|a| body.get(a..))
                .is_some_and(|r| {
                    let r = r.trim_start();
                    r.starts_with('$')
                        || r.split_once("::").is_some_and(|(_, f)| f.starts_with('$'))
                })
        });
        if calls_variable && name != "nvml_call" {
            callers.push(format!("{name}!("));
        }
    }
    for mac in &callers {
        for at in word_positions(&code, mac) {
            let Some(group) = group_at(&code, at + mac.len() - 1) else {
                continue;
            };
            // The row such a macro dispatches on is the identifier after its first argument.
            let family = after_first_comma(&code, at + mac.len())
                .and_then(|a| ident_at(&code, a))
                .map(|(f, _)| f.to_string());
            for id in nvml_identifiers(group) {
                calls.push(Call {
                    function: id,
                    family: family.clone(),
                    line: line_of(&code, at),
                });
            }
        }
    }
    calls.sort();
    calls
}

/// The C names of the `#[doc(alias = "nvmlX")]` attributes in one Rust source.
pub fn doc_aliases_in(src: &str) -> BTreeSet<String> {
    let code = strip_rust_comments(src);
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("#[doc(alias") {
        let rest = code.get(at..).unwrap_or_default();
        let attr = rest.split_once(")]").map_or(rest, |(a, _)| a);
        for part in attr.split('"').skip(1).step_by(2) {
            if part.starts_with("nvml") {
                found.insert(part.to_string());
            }
        }
    }
    found
}

/// What the scan of the wrapper's sources found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Header functions the wrapper calls.
    pub called: BTreeSet<String>,
    /// Header functions named by a `#[doc(alias)]`.
    pub aliased: BTreeSet<String>,
    /// Calls of a versioned symbol not made through its row (`file:line: symbol (row)`).
    pub outside_dispatch: Vec<String>,
}

impl Scan {
    /// Called functions without their `#[doc(alias)]`.
    pub fn missing_aliases(&self) -> Vec<String> {
        self.called.difference(&self.aliased).cloned().collect()
    }
}

/// Scans the Rust sources under `src_dir` (a missing directory has nothing), with `rows` the
/// version table's symbols and their rows ([`crate::versioned::rows`]).
pub fn scan(
    src_dir: &Path,
    rows: &BTreeMap<String, String>,
    header_functions: &BTreeSet<String>,
) -> Result<Scan> {
    let mut out = Scan::default();
    if !src_dir.is_dir() {
        return Ok(out);
    }
    // The table generates a call of every symbol in its rows.
    out.called.extend(
        rows.keys()
            .filter(|name| header_functions.contains(*name))
            .cloned(),
    );
    for file in rust_files(src_dir)? {
        let src = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let shown = file
            .strip_prefix(src_dir)
            .unwrap_or(&file)
            .display()
            .to_string();
        let is_table = file == src_dir.join("versions.rs");
        for call in calls_in(&src) {
            if !header_functions.contains(&call.function) {
                continue;
            }
            if let Some(row) = rows.get(&call.function)
                && !is_table
            {
                out.outside_dispatch.push(format!(
                    "{shown}:{}: {} (call it through its row: nvml.versions().{row}(...))",
                    call.line, call.function
                ));
            }
            out.called.insert(call.function);
        }
        out.aliased.extend(
            doc_aliases_in(&src)
                .into_iter()
                .filter(|a| header_functions.contains(a)),
        );
    }
    Ok(out)
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

/// The functions of `header_functions` that the Rust sources under `src_dir` call, `rows`
/// being the version table's symbols ([`crate::versioned::rows`]). A missing `src_dir` calls
/// nothing.
pub fn wrapped_functions(
    src_dir: &Path,
    rows: &BTreeMap<String, String>,
    header_functions: &BTreeSet<String>,
) -> Result<BTreeSet<String>> {
    Ok(scan(src_dir, rows, header_functions)?.called)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checked_in_called_functions_are_what_the_sources_call() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let generated = crate::codegen::called_functions(&root).unwrap();
        let text = std::fs::read_to_string(root.join(CALLED_PATH)).unwrap_or_default();
        assert!(
            text == generated.text,
            "{CALLED_PATH} differs from what nvml-wrapper's sources call: {}",
            crate::codegen::RUN_CODEGEN
        );
        let names: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(names.contains(&"nvmlDeviceGetPciInfo_v3") && names.contains(&"nvmlErrorString"));
    }

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
    fn calls_count_and_names_elsewhere_do_not() {
        let src = r#"
            //! Calls `nvmlInDoc`.
            #[doc(alias = "nvmlAliased")]
            pub fn f(&self) -> Result<()> {
                // nvml_call!(self.nvml, nvmlInComment())
                let s = "nvml_call!(self.nvml, nvmlInString())";
                let field = self.lib().nvmlFieldOnly.is_ok();
                nvml_call!(self.nvml, nvmlPlain(self.handle, &mut x))?;
                let rc = nvml_call!(
                    self.nvml,
                    fam::nvmlVersioned(self.handle)
                );
                let f = crate::ffi::symbol(self.lib().nvmlResolved.as_ref(), "nvmlResolved")?;
                Ok(())
            }
            macro_rules! by_row {
                ($n:expr, $fam:ident { $v:ident }) => { nvml_call!($n, $fam::$v()) };
            }
            pub fn g(&self) -> Result<()> { by_row!(self.nvml, row { nvmlThroughMacro }) }
            versioned_families! { row = "nvmlTableOnly" { 1 => nvmlTableOnly } }
        "#;
        let calls: Vec<(String, Option<String>, usize)> = calls_in(src)
            .into_iter()
            .map(|c| (c.function, c.family, c.line))
            .collect();
        assert_eq!(
            calls,
            [
                ("nvmlPlain".to_string(), None, 8),
                ("nvmlResolved".to_string(), None, 13),
                ("nvmlThroughMacro".to_string(), Some("row".to_string()), 19),
                ("nvmlVersioned".to_string(), Some("fam".to_string()), 9),
            ]
        );
        assert_eq!(
            doc_aliases_in(src).into_iter().collect::<Vec<_>>(),
            ["nvmlAliased"]
        );
    }

    #[test]
    fn only_header_functions_count_and_missing_dirs_wrap_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("device")).unwrap();
        std::fs::write(
            dir.path().join("device/mod.rs"),
            "fn f() { nvml_call!(n, nvmlDeviceGetName(h))?; nvml_call!(n, nvmlNotInHeader())?; lib.nvmlInit_v2; }",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "nvmlInit_v2").unwrap();
        let header: BTreeSet<String> = ["nvmlDeviceGetName", "nvmlInit_v2"]
            .into_iter()
            .map(String::from)
            .collect();
        let got = wrapped_functions(dir.path(), &BTreeMap::new(), &header).unwrap();
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["nvmlDeviceGetName"]);
        assert!(
            wrapped_functions(&dir.path().join("absent"), &BTreeMap::new(), &header)
                .unwrap()
                .is_empty()
        );
    }
}
