//! `cargo xtask coverage` end to end: the real binary on small repositories these tests write
//! into temporary folders (`--root`), and once on this repository.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap()
}

fn coverage(root: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["coverage", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = xtask(&args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A header of 20 functions: `nvmlInit_v2` and `nvmlF1`..`nvmlF9` in group `first`,
/// `nvmlG1`..`nvmlG10` in group `second`.
fn header() -> String {
    let mut h = String::from(
        "#define NVML_API_VERSION 13\n\
         /** @defgroup first First Group\n *  @{\n */\n\
         nvmlReturn_t DECLDIR nvmlInit_v2(void);\n",
    );
    for i in 1..=9 {
        h.push_str(&format!("nvmlReturn_t DECLDIR nvmlF{i}(void);\n"));
    }
    h.push_str("/** @} */\n/** @defgroup second Second Group\n *  @{\n */\n");
    for i in 1..=10 {
        h.push_str(&format!("nvmlReturn_t DECLDIR nvmlG{i}(int x);\n"));
    }
    h.push_str("/** @} */\n");
    h
}

const ALL: [&str; 20] = [
    "nvmlInit_v2",
    "nvmlF1",
    "nvmlF2",
    "nvmlF3",
    "nvmlF4",
    "nvmlF5",
    "nvmlF6",
    "nvmlF7",
    "nvmlF8",
    "nvmlF9",
    "nvmlG1",
    "nvmlG2",
    "nvmlG3",
    "nvmlG4",
    "nvmlG5",
    "nvmlG6",
    "nvmlG7",
    "nvmlG8",
    "nvmlG9",
    "nvmlG10",
];

/// A repository whose wrapper calls `wrapped` and whose excusals file is `excused`.
fn repo(wrapped: &[&str], excused: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("headers")).unwrap();
    std::fs::write(root.join("headers/nvml.h"), header()).unwrap();
    std::fs::create_dir_all(root.join("nvml-wrapper/src/device")).unwrap();
    let mut src = String::from("//! nvmlG10 named in a comment wraps nothing\n");
    for f in wrapped {
        src.push_str(&format!(
            "#[doc(alias = \"{f}\")]\npub fn call_{f}(&self) -> Result<()> {{\n    nvml_call!(self.nvml, {f}())\n}}\n"
        ));
    }
    std::fs::write(root.join("nvml-wrapper/src/device/mod.rs"), src).unwrap();
    std::fs::write(root.join("nvml-wrapper/EXCUSED.toml"), excused).unwrap();
    dir
}

fn all_but(skip: &[&str]) -> Vec<&'static str> {
    ALL.iter().copied().filter(|f| !skip.contains(f)).collect()
}

const EXCUSE_G10: &str = "\
# the old one
[nvmlG10]
kind = \"superseded\"
by = \"nvmlG9\"
reason = \"nvmlG9 returns the same, with more\"
";

#[test]
fn check_passes_when_everything_is_wrapped_or_excused_within_five_percent() {
    // 1 of 20 excused: exactly 5%
    let dir = repo(&all_but(&["nvmlG10"]), EXCUSE_G10);
    let (code, out, err) = coverage(dir.path(), &["--check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(err, "");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("group"), "{out}");
    assert!(lines[0].contains("total") && lines[0].contains("missing"));
    let first = lines
        .iter()
        .find(|l| l.starts_with("First Group (first)"))
        .unwrap();
    assert_eq!(
        first.split_whitespace().collect::<Vec<_>>()[3..],
        ["10", "10", "0", "0"]
    );
    let second = lines
        .iter()
        .find(|l| l.starts_with("Second Group (second)"))
        .unwrap();
    assert_eq!(
        second.split_whitespace().collect::<Vec<_>>()[3..],
        ["10", "9", "1", "0"]
    );
    let total = lines.iter().find(|l| l.starts_with("total")).unwrap();
    assert_eq!(
        total.split_whitespace().collect::<Vec<_>>(),
        ["total", "20", "19", "(95.0%)", "1", "(5.0%)", "0", "(0.0%)"]
    );
    assert!(out.contains("Missing functions (0):\n  (none)\n"), "{out}");
}

#[test]
fn check_fails_on_a_missing_function_and_names_it() {
    let dir = repo(&all_but(&["nvmlG10", "nvmlF3"]), EXCUSE_G10);
    let (code, out, err) = coverage(dir.path(), &["--check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(err, "error: 1 function is neither wrapped nor excused\n");
    assert!(
        out.contains("Missing functions (1):\n  First Group (first) (1):\n    nvmlF3\n"),
        "{out}"
    );

    // without --check the same report is a warning and the exit status is 0
    let (code, out2, err) = coverage(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(out2, out);
    assert_eq!(err, "warning: 1 function is neither wrapped nor excused\n");
}

#[test]
fn check_fails_when_more_than_five_percent_is_excused() {
    let excused = format!(
        "{EXCUSE_G10}\n[nvmlF9]\nkind = \"internal\"\nreason = \"used by nvidia-smi only\"\n"
    );
    let dir = repo(&all_but(&["nvmlG10", "nvmlF9"]), &excused);
    let (code, out, err) = coverage(dir.path(), &["--check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        err,
        "error: 2 functions are excused, more than 5% of the header's 20 (at most 1): wrap some of them\n"
    );
    assert!(out.contains("Excused: 2 of at most 1 (5% of 20)."), "{out}");
}

#[test]
fn check_fails_on_stale_and_unknown_excusals() {
    // nvmlG10 is called: its excusal is stale
    let dir = repo(&ALL, EXCUSE_G10);
    let (code, _, err) = coverage(dir.path(), &["--check"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: nvml-wrapper/EXCUSED.toml:2: nvmlG10 is excused but nvml-wrapper calls it \
         (stale excusal): remove the entry\n"
    );

    // an excusal for a function the header lacks
    let excused = format!("{EXCUSE_G10}[nvmlGone]\nkind = \"internal\"\nreason = \"r\"\n");
    let dir = repo(&all_but(&["nvmlG10"]), &excused);
    let (code, _, err) = coverage(dir.path(), &["--check"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: nvml-wrapper/EXCUSED.toml:6: nvmlGone is excused but headers/nvml.h does not \
         declare it: remove the entry\n"
    );
}

#[test]
fn superseded_holds_only_while_the_replacement_is_wrapped() {
    // nvmlG9, the replacement, is not called: the excusal does not hold, and nvmlG9 is missing
    let dir = repo(&all_but(&["nvmlG10", "nvmlG9"]), EXCUSE_G10);
    let (code, _, err) = coverage(dir.path(), &["--check"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: 1 function is neither wrapped nor excused\n\
         error: nvml-wrapper/EXCUSED.toml:2: nvmlG10 is excused as superseded by nvmlG9, which \
         nvml-wrapper does not call: wrap nvmlG9 first\n"
    );
}

#[test]
fn a_malformed_excusals_file_is_one_clear_error() {
    let dir = repo(&ALL, "[nvmlG10]\nkind = \"superseded\"\nreason = \"r\"\n");
    let (code, out, err) = coverage(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "error: nvml-wrapper/EXCUSED.toml:1: [nvmlG10]: kind \"superseded\" needs `by`, the \
         superseding function\n"
    );
}

#[test]
fn no_excusals_file_excuses_nothing_and_a_bad_root_is_an_error() {
    let dir = repo(&ALL, "");
    std::fs::remove_file(dir.path().join("nvml-wrapper/EXCUSED.toml")).unwrap();
    let (code, out, err) = coverage(dir.path(), &["--check"]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");

    let empty = tempfile::tempdir().unwrap();
    let (code, out, err) = coverage(empty.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.starts_with("error: cannot read "), "{err}");
    assert!(err.contains("headers/nvml.h"), "{err}");
}

#[test]
fn json_carries_the_same_report() {
    let dir = repo(&all_but(&["nvmlG10", "nvmlF3"]), EXCUSE_G10);
    let (code, out, err) = coverage(dir.path(), &["--json", "--check"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: 1 function is neither wrapped nor excused\n");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"], 20);
    assert_eq!(v["wrapped"], 18);
    assert_eq!(v["excused"], 1);
    assert_eq!(v["missing"], 1);
    assert_eq!(v["max_excused"], 1);
    assert_eq!(v["groups"][0]["name"], "first");
    assert_eq!(v["groups"][0]["title"], "First Group");
    assert_eq!(v["groups"][0]["missing_functions"][0], "nvmlF3");
    assert_eq!(v["groups"][1]["excused"], 1);
    assert_eq!(
        v["problems"][0],
        "1 function is neither wrapped nor excused"
    );
}

/// The header's function count, as the update-header parser sees it.
/// A wrapper whose code calls nvmlG1 for real and names nvmlG2 in every other way.
#[test]
fn only_real_calls_count_and_each_needs_its_alias() {
    let dir = repo(&all_but(&["nvmlG1", "nvmlG2"]), "");
    let src = dir.path().join("nvml-wrapper/src/device/planted.rs");
    std::fs::write(
        &src,
        r#"
/// Wraps `nvmlG2` (a doc).
pub fn g1(&self) -> Result<()> {
    // nvmlG2 in a comment
    let name = "nvmlG2"; /* nvmlG2 in a block comment */
    let field = self.nvml.lib().nvmlG2.is_ok();
    nvml_call!(self.nvml, nvmlG1())
}
versioned_families! { g2 = "nvmlG2" { 1 => nvmlG2 } }
"#,
    )
    .unwrap();
    let (_, out, err) = coverage(dir.path(), &["--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let missing: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["missing_functions"].as_array().unwrap())
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(missing, ["nvmlG2"], "{out}");
    // nvmlG1 is called, but its method has no alias
    assert!(
        err.contains(r#"nvmlG1 is called but no method carries #[doc(alias = "nvmlG1")]"#),
        "{err}"
    );
    let (code, _, err) = coverage(dir.path(), &["--check"]);
    assert_ne!(code, 0);
    assert!(err.contains("nvmlG1 is called but no method"), "{err}");
}

#[test]
fn a_versioned_symbol_called_outside_its_row_is_a_problem() {
    let dir = repo(&ALL, "");
    let src = dir.path().join("nvml-wrapper/src");
    // The table as data names the rows; versions.rs itself may call their symbols.
    let table = dir.path().join("nvml-sys/pregenerated");
    std::fs::create_dir_all(&table).unwrap();
    std::fs::write(
        table.join("versioned.tsv"),
        "# ROW FAMILY SYMBOL STRUCT_VERSION...\ng\tnvmlG3\tnvmlG4\ng\tnvmlG3\tnvmlG3\n",
    )
    .unwrap();
    std::fs::write(
        src.join("versions.rs"),
        "fn row() { nvml_call!(n, nvmlG3()) }\n",
    )
    .unwrap();
    std::fs::write(
        src.join("dispatch.rs"),
        "#[doc(alias = \"nvmlG4\")]\npub fn g(&self) -> Result<()> {\n    // nvmlG4 is called by the table\n    nvml_call!(self.nvml, nvmlG3())\n}\n",
    )
    .unwrap();
    let (code, _, err) = coverage(dir.path(), &["--check"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("outside its row's dispatch: dispatch.rs:4: nvmlG3 (call it through its row: nvml.versions().g(...))"),
        "{err}"
    );
    assert!(!err.contains("dispatch.rs:3"), "{err}");
    assert!(!err.contains("nvmlG4 is called but"), "{err}");
}

/// The README's coverage sentence is the one `cargo xtask coverage` prints last.
#[test]
fn the_readme_states_what_coverage_prints() {
    let (code, out, err) = coverage(Path::new(REPO), &[]);
    assert_eq!(code, 0, "{err}");
    let summary = out.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    assert!(summary.starts_with("nvml-wrapper calls "), "{out}");
    let readme = std::fs::read_to_string(format!("{REPO}/README.md")).unwrap();
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(summary),
        "README.md must state, word for word: {summary}"
    );
}

fn real_header_functions() -> usize {
    let src = std::fs::read_to_string(format!("{REPO}/headers/nvml.h")).unwrap();
    xtask::header::parse(&src).functions.len()
}

#[test]
fn the_real_repository_prints_a_table_that_adds_up_to_the_header() {
    // no --check: the wrapper is being completed, today's counts change
    let (code, out, err) = coverage(Path::new(REPO), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.lines().all(|l| l.starts_with("warning: ")), "{err}");
    let n = real_header_functions();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0]
            .split_whitespace()
            .eq(["group", "total", "wrapped", "excused", "missing"])
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Device Queries (nvmlDeviceQueries) ")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Multi Instance GPU Management (nvmlMultiInstanceGPU) "))
    );

    // the group rows add up to the total row, which is the header's function count
    let rows: Vec<Vec<usize>> = lines[2..]
        .iter()
        .take_while(|l| !l.starts_with("---"))
        .map(|l| {
            let nums: Vec<usize> = l
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            nums[nums.len() - 4..].to_vec()
        })
        .collect();
    assert!(rows.len() > 15, "{out}");
    for r in &rows {
        assert_eq!(r[0], r[1] + r[2] + r[3], "{r:?}");
    }
    let total = lines.iter().find(|l| l.starts_with("total ")).unwrap();
    let t: Vec<usize> = total
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(t[0], n);
    for col in 0..4 {
        assert_eq!(
            rows.iter().map(|r| r[col]).sum::<usize>(),
            t[col],
            "column {col}"
        );
    }
    assert!(
        out.contains(&format!("Missing functions ({}):", t[3])),
        "{out}"
    );

    // the JSON agrees
    let (code, json, _) = coverage(Path::new(REPO), &["--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["total"], n);
    assert_eq!(v["wrapped"], t[1]);
    assert_eq!(v["excused"], t[2]);
    assert_eq!(v["missing"], t[3]);
}

#[test]
fn the_real_excusals_file_is_valid_and_within_five_percent() {
    let text = std::fs::read_to_string(format!("{REPO}/nvml-wrapper/EXCUSED.toml")).unwrap();
    let excusals = xtask::excused::parse(&text, "EXCUSED.toml").unwrap();
    let src = std::fs::read_to_string(format!("{REPO}/headers/nvml.h")).unwrap();
    let functions = xtask::header::parse(&src).functions;
    assert!(!excusals.is_empty());
    assert!(
        excusals.len() * 100 <= functions.len() * 5,
        "{}",
        excusals.len()
    );
    for e in &excusals {
        assert!(
            functions.contains(&e.function),
            "{} is not in the header",
            e.function
        );
        assert!(
            e.reason.len() >= 20,
            "{}: say why: {:?}",
            e.function,
            e.reason
        );
        if let xtask::excused::Kind::Superseded { by } = &e.kind {
            for b in by {
                assert!(
                    functions.contains(b),
                    "{}: {b} is not in the header",
                    e.function
                );
                // the reason says where the header names the replacement
                assert!(
                    e.reason.contains(b.as_str()),
                    "{}: reason lacks {b}",
                    e.function
                );
            }
        }
    }
}
