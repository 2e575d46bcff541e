//! `cargo xtask codegen`: writes every generated file of the workspace; with `--check` it
//! writes nothing and fails, naming each file that differs from what it would write.
//!
//! | file | written from |
//! |---|---|
//! | `nvml-sys/pregenerated/nvml.rs`, `functions.tsv` | `nvml.h`, by nvml-sys's build script with its `buildtime_bindgen` feature (bindgen, needs libclang) |
//! | `nvml-sys/pregenerated/versioned.tsv` | nvml-wrapper's version table, [`nvml_wrapper::versions::VERSIONED_FAMILIES`] ([`crate::versioned`]) |
//! | `nvml-wrapper/called-functions.txt` | the functions of `nvml.h` nvml-wrapper's sources call ([`crate::wrapped`]) |
//! | `nvml-mock/MODELED.md`, FORMAT.md's tables, `profiles/builtin/*.json` | the mock's code ([`nvml_mock::documents`]) |
//! | `nvml-wrapper/RELIABILITY.md`'s measured spans | the record the measuring tests write, [`RELIABILITY_RECORD`] |
//! | `BENCHMARKS.md`'s tables | the results files the benches and `cargo xtask build-cost` write, [`BENCH_RESULTS`] |
//!
//! The slow measurements (benches, valgrind runs, the reliability sweeps) are not run here:
//! each writes its output file when it runs, and codegen rewrites the documents from those
//! files. A test per generated file fails with "run `cargo xtask codegen`" when it is stale.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The message every staleness check ends with.
pub const RUN_CODEGEN: &str = "run `cargo xtask codegen`";

/// What RELIABILITY.md's measured spans are written from, relative to the repository root:
/// each span as the test that measures it recorded it, marked as in RELIABILITY.md
/// (`<!--measured:KEY-->TEXT<!--/measured-->`).
pub const RELIABILITY_RECORD: &str = "nvml-wrapper/reliability-measurements.txt";

/// The results files BENCHMARKS.md embeds, relative to the repository root, each written by
/// the bench (or `cargo xtask build-cost`) that measures it.
pub const BENCH_RESULTS: [&str; 5] = [
    "bench-build-cost/results/build_cost.md",
    "bench-vs-nvml-wrapper-013/benches/results/vs_nvml_wrapper_013.md",
    "bench-vs-nvml-wrapper-013/benches/results/vs_nvml_wrapper_013.previous.md",
    "nvml-wrapper/benches/results/wrapper_vs_raw.md",
    "nvml-wrapper/benches/results/wrapper_vs_raw.previous.md",
];

/// One generated file: its path relative to the repository root and the text it must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Relative to the repository root.
    pub path: PathBuf,
    /// The whole file.
    pub text: String,
}

/// What `cargo xtask codegen` does.
#[derive(Debug, Clone)]
pub struct Options {
    /// The repository root.
    pub root: PathBuf,
    /// Write nothing; fail when a file is stale.
    pub check: bool,
}

/// Writes (or, with `check`, checks) every generated file.
pub fn run(opts: &Options) -> Result<()> {
    let root = &opts.root;
    let bindings = nvml_sys_bindings(root)?;
    let mut files = bindings.clone();
    files.push(Generated {
        path: crate::versioned::PATH.into(),
        text: crate::versioned::render(nvml_wrapper::versions::VERSIONED_FAMILIES),
    });
    files.push(called_functions(root)?);
    files.extend(mock_files(root)?);
    files.push(reliability_md(root)?);
    files.push(benchmarks_md(root)?);

    let stale: Vec<&Generated> = files.iter().filter(|g| !is_fresh(root, g)).collect();
    if opts.check {
        if stale.is_empty() {
            println!("{} generated files are up to date", files.len());
            return Ok(());
        }
        for g in &stale {
            eprintln!("stale: {}", g.path.display());
        }
        bail!(
            "{} generated file(s) differ from what their sources give: {RUN_CODEGEN}",
            stale.len()
        );
    }
    for g in &stale {
        let path = root.join(&g.path);
        std::fs::write(&path, &g.text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", g.path.display());
    }
    // Everything after the bindings was computed by this binary, built from the old ones: when
    // they changed, run again, built from the new ones.
    if bindings.iter().any(|g| stale.contains(&g)) {
        println!("the pregenerated bindings changed: running codegen again, built from them");
        let status = Command::new(cargo())
            .current_dir(root)
            .args(["run", "--quiet", "--package", "xtask", "--", "codegen"])
            .status()
            .context("running cargo xtask codegen again")?;
        if !status.success() {
            bail!("the second cargo xtask codegen failed ({status})");
        }
    } else if stale.is_empty() {
        println!("{} generated files are up to date", files.len());
    }
    Ok(())
}

fn is_fresh(root: &Path, g: &Generated) -> bool {
    std::fs::read_to_string(root.join(&g.path)).is_ok_and(|t| t == g.text)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// nvml-sys's `pregenerated/nvml.rs` and `pregenerated/functions.tsv`: what its build script
/// generates from `nvml.h` with the `buildtime_bindgen` feature (bindgen; needs libclang).
pub fn nvml_sys_bindings(root: &Path) -> Result<Vec<Generated>> {
    eprintln!("codegen: building nvml-sys with its buildtime_bindgen feature (bindgen on nvml.h)");
    let mut child = Command::new(cargo())
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--package",
            "nvml-sys",
            "--features",
            "buildtime_bindgen",
            "--message-format=json-render-diagnostics",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .context("running cargo build -p nvml-sys --features buildtime_bindgen")?;
    let mut out_dir = None;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.context("reading cargo's messages")?;
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            let field = |name: &str| msg.get(name).and_then(serde_json::Value::as_str);
            let is_nvml_sys = field("package_id")
                .is_some_and(|id| id.contains("/nvml-sys#") || id.starts_with("nvml-sys "));
            if field("reason") == Some("build-script-executed") && is_nvml_sys {
                out_dir = field("out_dir").map(PathBuf::from);
            }
        }
    }
    let status = child.wait().context("waiting for cargo build")?;
    if !status.success() {
        bail!(
            "cargo build -p nvml-sys --features buildtime_bindgen failed ({status}): bindgen \
             needs libclang (e.g. `apt-get install libclang-dev`)"
        );
    }
    let out_dir = out_dir.context("cargo reported no build-script run of nvml-sys")?;
    ["nvml.rs", "functions.tsv"]
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(out_dir.join(name))
                .with_context(|| format!("reading {name} in {}", out_dir.display()))?;
            Ok(Generated {
                path: Path::new("nvml-sys/pregenerated").join(name),
                text,
            })
        })
        .collect()
}

/// nvml-wrapper's `called-functions.txt` ([`crate::wrapped::CALLED_PATH`]): the header's
/// functions its sources call, the version table's rows taken from the table itself, so that a
/// row changed in the same run counts.
pub fn called_functions(root: &Path) -> Result<Generated> {
    let header = root.join(crate::coverage::HEADER_FILE);
    let bytes =
        std::fs::read(&header).with_context(|| format!("cannot read {}", header.display()))?;
    let (_, info) =
        crate::header::validate(&bytes).with_context(|| format!("{}", header.display()))?;
    let rows = crate::versioned::parse(&crate::versioned::render(
        nvml_wrapper::versions::VERSIONED_FAMILIES,
    ))?
    .into_iter()
    .map(|e| (e.symbol, e.row))
    .collect();
    let called = crate::wrapped::wrapped_functions(
        &root.join(crate::wrapped::WRAPPER_SRC),
        &rows,
        &info.functions,
    )?;
    Ok(Generated {
        path: crate::wrapped::CALLED_PATH.into(),
        text: crate::wrapped::render_called(&called),
    })
}

/// nvml-mock's MODELED.md, FORMAT.md (its generated tables) and canonical built-in profiles.
pub fn mock_files(root: &Path) -> Result<Vec<Generated>> {
    let format_path = Path::new("nvml-mock/FORMAT.md");
    let format = read(root, format_path)?;
    let mut files = vec![
        Generated {
            path: "nvml-mock/MODELED.md".into(),
            text: nvml_mock::documents::modeled_md(),
        },
        Generated {
            path: format_path.into(),
            text: nvml_mock::documents::format_md(&format).map_err(anyhow::Error::msg)?,
        },
    ];
    for (name, text) in nvml_mock::documents::builtin_profile_files().map_err(anyhow::Error::msg)? {
        files.push(Generated {
            path: format!("nvml-mock/profiles/builtin/{name}.json").into(),
            text,
        });
    }
    Ok(files)
}

/// RELIABILITY.md with each measured span (`<!--measured:KEY-->...<!--/measured-->`) holding
/// the text [`RELIABILITY_RECORD`] records for its key.
pub fn reliability_md(root: &Path) -> Result<Generated> {
    let path = Path::new("nvml-wrapper/RELIABILITY.md");
    let record = read_record(&read(root, Path::new(RELIABILITY_RECORD))?)?;
    let text = fill_measured_spans(&read(root, path)?, &record)?;
    Ok(Generated {
        path: path.into(),
        text,
    })
}

const OPEN: &str = "<!--measured:";
const CLOSE: &str = "<!--/measured-->";

/// One measured span of a text.
struct Span<'a> {
    /// The text between the previous span (or the start) and this one.
    before: &'a str,
    key: &'a str,
    text: &'a str,
}

/// The measured spans of `text`, in order, and the text after the last one.
fn measured_spans(text: &str) -> Result<(Vec<Span<'_>>, &str)> {
    let mut spans = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        let (before, marker) = rest.split_at(at);
        let after_open = marker.get(OPEN.len()..).unwrap_or_default();
        let (key, body) = after_open
            .split_once("-->")
            .context("a `<!--measured:` marker without `-->`")?;
        let end = body
            .find(CLOSE)
            .with_context(|| format!("span {key} has no {CLOSE}"))?;
        spans.push(Span {
            before,
            key,
            text: body.get(..end).unwrap_or_default(),
        });
        rest = body.get(end + CLOSE.len()..).unwrap_or_default();
    }
    Ok((spans, rest))
}

/// The spans of a measurement record, by key (text outside them is a comment).
pub fn read_record(text: &str) -> Result<BTreeMap<String, String>> {
    let mut record = BTreeMap::new();
    let (spans, _) = measured_spans(text).with_context(|| RELIABILITY_RECORD.to_owned())?;
    for Span { key, text, .. } in spans {
        if record.insert(key.to_owned(), text.to_owned()).is_some() {
            bail!("{RELIABILITY_RECORD}: {key} is recorded twice");
        }
    }
    Ok(record)
}

/// `doc` with every measured span holding its recorded text; an error names a span without a
/// record, or a record without a span.
pub fn fill_measured_spans(doc: &str, record: &BTreeMap<String, String>) -> Result<String> {
    let (spans, tail) = measured_spans(doc).context("RELIABILITY.md")?;
    let mut out = String::with_capacity(doc.len());
    for Span { before, key, .. } in &spans {
        let text = record.get(*key).with_context(|| {
            format!("RELIABILITY.md: span {key} is not in {RELIABILITY_RECORD}")
        })?;
        out.push_str(before);
        out.push_str(&format!("{OPEN}{key}-->{text}{CLOSE}"));
    }
    out.push_str(tail);
    if let Some(key) = record
        .keys()
        .find(|k| !spans.iter().any(|s| s.key == k.as_str()))
    {
        bail!("{RELIABILITY_RECORD} records {key}, which RELIABILITY.md has no span for");
    }
    Ok(out)
}

/// BENCHMARKS.md with each of [`BENCH_RESULTS`] pasted between its `<!-- begin FILE -->` and
/// `<!-- end FILE -->` lines.
pub fn benchmarks_md(root: &Path) -> Result<Generated> {
    let path = Path::new("BENCHMARKS.md");
    let mut doc = read(root, path)?;
    for file in BENCH_RESULTS {
        let begin = format!("<!-- begin {file} -->\n");
        let end = format!("<!-- end {file} -->");
        let start = doc
            .find(&begin)
            .map(|at| at + begin.len())
            .with_context(|| {
                format!(
                    "BENCHMARKS.md does not embed {file} (no `{}`)",
                    begin.trim()
                )
            })?;
        let len = doc
            .get(start..)
            .and_then(|rest| rest.find(&end))
            .with_context(|| format!("BENCHMARKS.md: no `{end}`"))?;
        doc.replace_range(start..start + len, &read(root, Path::new(file))?);
    }
    Ok(Generated {
        path: path.into(),
        text: doc,
    })
}

fn read(root: &Path, relative: &Path) -> Result<String> {
    std::fs::read_to_string(root.join(relative))
        .with_context(|| format!("reading {}", relative.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_spans_take_the_recorded_text() {
        let record = read_record(
            "comment\n<!--measured:a-->one thing<!--/measured-->\n\
             <!--measured:b-->\n- two\n- lines\n<!--/measured-->\n",
        )
        .unwrap();
        let doc = "x <!--measured:a-->old<!--/measured--> y <!--measured:b--><!--/measured-->.";
        assert_eq!(
            fill_measured_spans(doc, &record).unwrap(),
            "x <!--measured:a-->one thing<!--/measured--> y \
             <!--measured:b-->\n- two\n- lines\n<!--/measured-->."
        );
    }

    #[test]
    fn a_span_without_a_record_and_a_record_without_a_span_are_errors() {
        let record = read_record("<!--measured:a-->one<!--/measured-->").unwrap();
        let e = fill_measured_spans("<!--measured:z-->?<!--/measured-->", &record).unwrap_err();
        assert!(e.to_string().contains("span z is not in"), "{e}");
        let e = fill_measured_spans("no spans", &record).unwrap_err();
        assert!(e.to_string().contains("records a,"), "{e}");
        let twice = "<!--measured:a-->1<!--/measured--><!--measured:a-->2<!--/measured-->";
        assert!(read_record(twice).is_err());
        assert!(read_record("<!--measured:a-->unclosed").is_err());
    }
}
