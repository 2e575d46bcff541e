//! BENCHMARKS.md publishes what the benches print, nothing else.
//!
//! Each bench writes its results (command, machine, Markdown table) to a file under
//! `benches/results/` and keeps the run before as `<bench>.previous.md`. BENCHMARKS.md embeds
//! those files verbatim between `<!-- begin <file> -->` and `<!-- end <file> -->` (`cargo xtask
//! codegen` pastes them in). This test checks that the embedded text is the committed output, that each table has the bench's
//! columns and rows in the bench's order and format, and that each verdict follows from the
//! numbers beside it.

#[path = "../../benches/support/mod.rs"]
mod bench_support;

use std::path::{Path, PathBuf};

use bench_support::{RAW_HEADER, RAW_PAIRS, Table, VS_013_HEADER, VS_013_ROWS};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The results files BENCHMARKS.md publishes, relative to the repository root.
const PUBLISHED: [&str; 4] = [
    "bench-vs-nvml-wrapper-013/benches/results/vs_nvml_wrapper_013.md",
    "bench-vs-nvml-wrapper-013/benches/results/vs_nvml_wrapper_013.previous.md",
    "nvml-wrapper/benches/results/wrapper_vs_raw.md",
    "nvml-wrapper/benches/results/wrapper_vs_raw.previous.md",
];

/// The build-cost report of `cargo xtask build-cost`, which BENCHMARKS.md embeds as well.
const BUILD_COST: &str = "bench-build-cost/results/build_cost.md";

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

/// The text BENCHMARKS.md embeds for `file`.
fn embedded<'a>(doc: &'a str, file: &str) -> &'a str {
    let begin = format!("<!-- begin {file} -->\n");
    let end = format!("<!-- end {file} -->");
    let start = doc.find(&begin).unwrap_or_else(|| {
        panic!(
            "BENCHMARKS.md does not embed {file} (no `{}`)",
            begin.trim()
        )
    }) + begin.len();
    let len = doc[start..]
        .find(&end)
        .unwrap_or_else(|| panic!("BENCHMARKS.md: no `{end}`"));
    &doc[start..start + len]
}

fn table(file: &str) -> Table {
    let text = read(file);
    let table = Table::parse(&text).unwrap_or_else(|| panic!("{file} has no table"));
    // The table reads back to exactly the bench's format.
    let start = text.find("\n|").unwrap() + 1;
    let rendered = table.render();
    assert!(
        text[start..].starts_with(&rendered),
        "{file}: the table is not in the bench's format"
    );
    table
}

fn number(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("`{cell}` is not a number"))
}

#[test]
fn benchmarks_md_embeds_the_committed_bench_output_verbatim() {
    let doc = read("BENCHMARKS.md");
    for file in PUBLISHED.into_iter().chain([BUILD_COST]) {
        assert_eq!(
            embedded(&doc, file),
            read(file),
            "BENCHMARKS.md differs from {file}: run `cargo xtask codegen`"
        );
    }
}

#[test]
fn the_published_results_come_from_plain_builds() {
    for file in PUBLISHED {
        assert!(
            read(file).contains("no RUSTFLAGS (a plain build)"),
            "{file} is not from a plain `cargo bench` build"
        );
    }
}

#[test]
fn the_comparison_with_0_13_has_the_bench_rows_and_consistent_verdicts() {
    for file in &PUBLISHED[..2] {
        let t = table(file);
        assert_eq!(t.header, VS_013_HEADER, "{file}: columns");
        let rows: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(rows, VS_013_ROWS, "{file}: rows");
        for row in &t.rows {
            let (old, ours, ratio) = (number(&row[1]), number(&row[2]), number(&row[3]));
            assert!(old > 0.0 && ours > 0.0, "{file}: {row:?}");
            let (p25, p75) = row[4].split_once(" - ").unwrap();
            let (p25, p75) = (number(p25), number(p75));
            assert!(p25 <= ratio && ratio <= p75, "{file}: {row:?}");
            assert_eq!(
                row[5],
                bench_support::verdict(ratio, p25),
                "{file}: {row:?}"
            );
        }
    }
}

#[test]
fn the_comparison_with_raw_calls_has_the_bench_pairs_and_consistent_verdicts() {
    for file in &PUBLISHED[2..] {
        let t = table(file);
        assert_eq!(t.header, RAW_HEADER, "{file}: columns");
        let pairs: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(pairs, RAW_PAIRS, "{file}: pairs");
        for row in &t.rows {
            let ratio = number(&row[4]);
            let target = number(row[6].trim_start_matches("<= "));
            let met = if ratio <= target { "yes" } else { "NO" };
            assert_eq!(row[7], met, "{file}: {row:?}");
        }
    }
}

/// The cells of the build-cost table's row that starts with `label`.
fn build_cost_row(report: &str, label: &str) -> Vec<String> {
    let line = report
        .lines()
        .find(|l| l.starts_with(&format!("| {label} |")))
        .unwrap_or_else(|| panic!("{BUILD_COST}: no row `{label}`"));
    line.trim_matches('|')
        .split('|')
        .map(|c| c.trim().to_owned())
        .collect()
}

#[test]
fn the_build_cost_ratios_and_verdicts_follow_from_the_numbers() {
    let report = read(BUILD_COST);
    assert!(
        report.contains("no RUSTFLAGS (a plain build)"),
        "{BUILD_COST}"
    );
    // The build time's ratio is the median of per-run ratios: only its verdict is checked.
    for (label, goal, ratio_of_cells) in [
        ("cold build (s, median)", Some(0.8), false),
        ("crates compiled", None, true),
        ("release binary (bytes)", Some(1.1), true),
    ] {
        let row = build_cost_row(&report, label);
        assert_eq!(row.len(), 6, "{label}: {row:?}");
        if ratio_of_cells {
            assert_eq!(
                row[3],
                format!("{:.3}", number(&row[1]) / number(&row[2])),
                "{label}: the ratio is ours / 0.13's"
            );
        }
        match goal {
            Some(goal) => {
                assert_eq!(row[4], format!("<= {goal}"), "{label}: goal");
                let met = if number(&row[3]) <= goal {
                    "met"
                } else {
                    "missed"
                };
                assert_eq!(row[5], met, "{label}: verdict");
            }
            None => assert_eq!((row[4].as_str(), row[5].as_str()), ("", ""), "{label}"),
        }
    }
    let tree = build_cost_row(&report, "bindgen or clang-sys in the tree");
    assert_eq!(
        tree[1], "none",
        "a dependent of ours compiles no header toolchain"
    );
}
