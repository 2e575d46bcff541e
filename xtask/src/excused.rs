//! The excusals file, `nvml-wrapper/EXCUSED.toml`: the header functions nvml-wrapper does not
//! wrap on purpose, each with a reason.
//!
//! The file is a small subset of TOML, read by hand (no TOML crate needed): one table per
//! function, named after it, with these keys and nothing else:
//!
//! ```toml
//! # comments and blank lines anywhere
//! [nvmlDeviceGetTemperature]
//! kind = "superseded"                  # superseded | unsupported | internal
//! by = "nvmlDeviceGetTemperatureV"     # superseded only: one name, or ["a", "b"]
//! reason = "DEPRECATED(13.0) in nvml.h: \"Use nvmlDeviceGetTemperatureV instead\""
//! ```
//!
//! - `superseded`: a newer function gives the same thing. Valid only while every `by`
//!   function is in the header and nvml-wrapper calls it.
//! - `unsupported`: the header says the driver no longer supports the function.
//! - `internal`: the library exports it for NVIDIA's own tools; it is no API for users.
//!
//! Values are double-quoted strings (escapes `\"`, `\\`, `\n`, `\t`) or, for `by`, a one-line
//! array of them.

use std::collections::BTreeSet;

use anyhow::{Result, bail};

/// Where the excusals live, relative to the repository root.
pub const EXCUSALS_FILE: &str = "nvml-wrapper/EXCUSED.toml";

/// Why a function is not wrapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A newer function (or several) gives the same thing and is wrapped.
    Superseded {
        /// The superseding functions.
        by: Vec<String>,
    },
    /// The header says the driver no longer supports it.
    Unsupported,
    /// Exported for NVIDIA's own tools, not an API for users.
    Internal,
}

impl Kind {
    /// The name the file uses.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Superseded { .. } => "superseded",
            Kind::Unsupported => "unsupported",
            Kind::Internal => "internal",
        }
    }
}

/// One entry of the excusals file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excusal {
    /// The excused function.
    pub function: String,
    /// Why.
    pub kind: Kind,
    /// The specific reason, in words.
    pub reason: String,
    /// The line of its `[name]` header in the file (1-based).
    pub line: usize,
}

/// A value of the subset: a string or an array of strings.
#[derive(Debug)]
enum Value {
    Str(String),
    List(Vec<String>),
}

/// Reads a double-quoted string at the start of `s`; returns it and the rest.
fn string(s: &str) -> Result<(String, &str)> {
    let Some(body) = s.strip_prefix('"') else {
        bail!("expected a double-quoted string");
    };
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, body.get(i + 1..).unwrap_or(""))),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(e) => bail!("unsupported escape \\{e} in a string"),
                None => bail!("unterminated string"),
            },
            c => out.push(c),
        }
    }
    bail!("unterminated string")
}

/// What may follow a value on its line: spaces and a comment.
fn end_of_line(rest: &str) -> Result<()> {
    let rest = rest.trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        Ok(())
    } else {
        bail!("unexpected text after the value: {rest}")
    }
}

fn value(s: &str) -> Result<Value> {
    if let Some(mut rest) = s.strip_prefix('[') {
        let mut items = Vec::new();
        loop {
            rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix(']') {
                end_of_line(r)?;
                return Ok(Value::List(items));
            }
            let (item, r) = string(rest)?;
            items.push(item);
            rest = r.trim_start();
            if let Some(r) = rest.strip_prefix(',') {
                rest = r;
            } else if !rest.starts_with(']') {
                bail!("expected `,` or `]` in the array (arrays stay on one line)");
            }
        }
    }
    let (v, rest) = string(s)?;
    end_of_line(rest)?;
    Ok(Value::Str(v))
}

fn is_name(s: &str) -> bool {
    s.starts_with("nvml") && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// An entry being read.
#[derive(Default)]
struct Draft {
    function: String,
    line: usize,
    kind: Option<(String, usize)>,
    by: Option<(Vec<String>, usize)>,
    reason: Option<String>,
}

impl Draft {
    fn finish(self, file: &str) -> Result<Excusal> {
        let Draft {
            function,
            line,
            kind,
            by,
            reason,
        } = self;
        let at = |l: usize| format!("{file}:{l}: [{function}]");
        let Some((kind, kind_line)) = kind else {
            bail!(
                "{}: missing `kind` (superseded, unsupported or internal)",
                at(line)
            );
        };
        let reason = reason.unwrap_or_default();
        if reason.trim().is_empty() {
            bail!("{}: missing `reason`: say why, specifically", at(line));
        }
        let kind = match (kind.as_str(), by) {
            ("superseded", Some((by, by_line))) => {
                if by.is_empty() {
                    bail!("{}: `by` names no function", at(by_line));
                }
                if let Some(bad) = by.iter().find(|b| !is_name(b)) {
                    bail!("{}: `by` names {bad:?}, not an NVML function", at(by_line));
                }
                Kind::Superseded { by }
            }
            ("superseded", None) => {
                bail!(
                    "{}: kind \"superseded\" needs `by`, the superseding function",
                    at(line)
                )
            }
            ("unsupported" | "internal", Some((_, by_line))) => {
                bail!("{}: `by` belongs to kind \"superseded\" only", at(by_line))
            }
            ("unsupported", None) => Kind::Unsupported,
            ("internal", None) => Kind::Internal,
            (other, _) => bail!(
                "{}: unknown kind {other:?} (superseded, unsupported or internal)",
                at(kind_line)
            ),
        };
        Ok(Excusal {
            function,
            kind,
            reason,
            line,
        })
    }
}

/// Parses the excusals file's text; `file` names it in error messages (`file:line: ...`).
pub fn parse(text: &str, file: &str) -> Result<Vec<Excusal>> {
    let mut out: Vec<Excusal> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut draft: Option<Draft> = None;
    for (n, raw) in text.lines().enumerate() {
        let n = n + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(h) = line.strip_prefix('[') {
            let Some((name, rest)) = h.split_once(']') else {
                bail!("{file}:{n}: unclosed table header: {line}");
            };
            let name = name.trim();
            if !is_name(name) {
                bail!("{file}:{n}: [{name}] is not an NVML function name");
            }
            end_of_line(rest).map_err(|e| anyhow::anyhow!("{file}:{n}: {e}"))?;
            if !seen.insert(name.to_string()) {
                bail!("{file}:{n}: [{name}] is excused twice");
            }
            if let Some(d) = draft.take() {
                out.push(d.finish(file)?);
            }
            draft = Some(Draft {
                function: name.to_string(),
                line: n,
                ..Draft::default()
            });
            continue;
        }
        let Some((key, val)) = line.split_once('=') else {
            bail!("{file}:{n}: expected `[function]` or `key = \"value\"`, found: {line}");
        };
        let key = key.trim();
        let Some(d) = draft.as_mut() else {
            bail!("{file}:{n}: `{key}` before any `[function]` header");
        };
        let val = value(val.trim()).map_err(|e| anyhow::anyhow!("{file}:{n}: {e}"))?;
        let dup = match (key, val) {
            ("kind", Value::Str(v)) => d.kind.replace((v, n)).is_some(),
            ("reason", Value::Str(v)) => d.reason.replace(v).is_some(),
            ("by", Value::Str(v)) => d.by.replace((vec![v], n)).is_some(),
            ("by", Value::List(v)) => d.by.replace((v, n)).is_some(),
            ("kind" | "reason", Value::List(_)) => {
                bail!("{file}:{n}: `{key}` takes a string, not an array")
            }
            (other, _) => bail!("{file}:{n}: unknown key `{other}` (kind, by, reason)"),
        };
        if dup {
            bail!("{file}:{n}: `{key}` given twice for [{}]", d.function);
        }
    }
    if let Some(d) = draft.take() {
        out.push(d.finish(file)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_with_comments_escapes_and_arrays() {
        let text = r#"
# header comment
[nvmlDeviceGetTemperature]   # trailing comment
kind = "superseded"
by = "nvmlDeviceGetTemperatureV"
reason = "DEPRECATED(13.0): \"Use nvmlDeviceGetTemperatureV instead\""

[nvmlDeviceSetApplicationsClocks]
kind="superseded"
by = [ "nvmlDeviceSetMemoryLockedClocks", "nvmlDeviceSetGpuLockedClocks", ]
reason = "applications clocks are removed in CUDA 14.0"

[nvmlDeviceFreezeNvLinkUtilizationCounter]
reason = "no longer supported"
kind = "unsupported"
"#;
        let got = parse(text, "EXCUSED.toml").unwrap();
        assert_eq!(got.len(), 3);
        let first = got.first().unwrap();
        assert_eq!(first.function, "nvmlDeviceGetTemperature");
        assert_eq!(first.line, 3);
        assert_eq!(
            first.kind,
            Kind::Superseded {
                by: vec!["nvmlDeviceGetTemperatureV".into()]
            }
        );
        assert_eq!(
            first.reason,
            "DEPRECATED(13.0): \"Use nvmlDeviceGetTemperatureV instead\""
        );
        assert_eq!(
            got.get(1).unwrap().kind,
            Kind::Superseded {
                by: vec![
                    "nvmlDeviceSetMemoryLockedClocks".into(),
                    "nvmlDeviceSetGpuLockedClocks".into()
                ]
            }
        );
        assert_eq!(got.get(2).unwrap().kind, Kind::Unsupported);
        assert!(parse("# nothing excused\n\n", "f").unwrap().is_empty());
    }

    #[test]
    fn malformed_files_are_refused_with_file_line_and_cause() {
        let entry = "[nvmlA]\nkind = \"internal\"\nreason = \"r\"\n";
        for (text, want) in [
            (
                "[nvmlA]\nkind = \"internal\"\n".to_string(),
                "f:1: [nvmlA]: missing `reason`",
            ),
            (
                "[nvmlA]\nkind = \"internal\"\nreason = \"  \"\n".to_string(),
                "f:1: [nvmlA]: missing `reason`",
            ),
            (
                "[nvmlA]\nreason = \"r\"\n".to_string(),
                "f:1: [nvmlA]: missing `kind`",
            ),
            (
                "[nvmlA]\nkind = \"old\"\nreason = \"r\"\n".to_string(),
                "f:2: [nvmlA]: unknown kind \"old\"",
            ),
            (
                "[nvmlA]\nkind = \"superseded\"\nreason = \"r\"\n".to_string(),
                "f:1: [nvmlA]: kind \"superseded\" needs `by`",
            ),
            (
                "[nvmlA]\nkind = \"internal\"\nby = \"nvmlB\"\nreason = \"r\"\n".to_string(),
                "f:3: [nvmlA]: `by` belongs to kind \"superseded\" only",
            ),
            (format!("{entry}{entry}"), "f:4: [nvmlA] is excused twice"),
            ("[nvmlA\n".to_string(), "f:1: unclosed table header"),
            (
                "[foo]\n".to_string(),
                "f:1: [foo] is not an NVML function name",
            ),
            (
                "kind = \"internal\"\n".to_string(),
                "f:1: `kind` before any",
            ),
            (
                format!("{entry}reason = \"again\"\n"),
                "f:4: `reason` given twice",
            ),
            (
                format!("{entry}colour = \"red\"\n"),
                "f:4: unknown key `colour`",
            ),
            (
                "[nvmlA]\nkind = internal\n".to_string(),
                "f:2: expected a double-quoted",
            ),
            (
                "[nvmlA]\nreason = \"open\n".to_string(),
                "f:2: unterminated string",
            ),
            (
                "[nvmlA]\nreason = \"a\" b\n".to_string(),
                "f:2: unexpected text",
            ),
            (
                "[nvmlA]\nby = [\"nvmlB\"\n".to_string(),
                "f:2: expected `,` or `]`",
            ),
            (
                "[nvmlA]\nkind = [\"x\"]\n".to_string(),
                "f:2: `kind` takes a string",
            ),
            ("just words\n".to_string(), "f:1: expected `[function]`"),
        ] {
            let err = parse(&text, "f").unwrap_err().to_string();
            assert!(
                err.starts_with(want),
                "{text:?}: got {err:?}, want {want:?}"
            );
        }
    }
}
