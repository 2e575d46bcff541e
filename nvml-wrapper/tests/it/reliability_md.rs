//! RELIABILITY.md's shape: every guarantee names tests that exist, every measured span is
//! present exactly once and holds what the measurement record holds (the test that measures a
//! span records it, see `tests/it/support/reliability_doc.rs`; `cargo xtask codegen` copies the
//! record into the document), and the measured column holds no number outside a span.

use std::path::Path;

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/RELIABILITY.md")).unwrap()
}

/// The table's rows, as their three cells.
fn rows(doc: &str) -> Vec<Vec<String>> {
    doc.lines()
        .filter(|l| l.starts_with("| **"))
        .map(|l| {
            // `\|` inside a cell is text, not a separator.
            let l = l.replace("\\|", "\u{1}");
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.replace('\u{1}', "|").trim().to_owned())
                .collect()
        })
        .collect()
}

/// `file::test` references in a cell.
fn references(cell: &str) -> Vec<(String, String)> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|r| r.split_once("::"))
        .map(|(f, t)| (f.to_owned(), t.to_owned()))
        .collect()
}

#[test]
fn every_guarantee_names_tests_that_exist() {
    let doc = doc();
    let rows = rows(&doc);
    assert!(rows.len() >= 10, "{} guarantees", rows.len());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for row in &rows {
        assert_eq!(row.len(), 3, "three cells: {row:?}");
        let refs = references(&row[1]);
        assert!(!refs.is_empty(), "no test named for {}", row[0]);
        for (file, test) in refs {
            let found = ["nvml-wrapper", "nvml-mock", "nvml-sys", "xtask"]
                .iter()
                .flat_map(|krate| {
                    let tests = root.join(krate).join("tests");
                    [tests.join("it"), tests].map(|dir| dir.join(format!("{file}.rs")))
                })
                .filter_map(|path| std::fs::read_to_string(path).ok())
                .any(|src| src.contains(&format!("fn {test}()")));
            assert!(
                found,
                "RELIABILITY.md names {file}::{test}, which no test file has"
            );
        }
    }
}

#[test]
fn every_measured_span_is_present_once_and_no_number_is_typed_by_hand() {
    let doc = doc();
    for key in crate::support::reliability_doc::KEYS {
        let marker = format!("<!--measured:{key}-->");
        assert_eq!(doc.matches(&marker).count(), 1, "span {key}");
    }
    assert_eq!(
        doc.matches("<!--measured:").count(),
        crate::support::reliability_doc::KEYS.len(),
        "a span no test keeps"
    );
    for row in rows(&doc) {
        // The measured cell without its spans and the driver branches it names.
        let mut rest = row[2].clone();
        while let Some(start) = rest.find("<!--measured:") {
            let end = rest[start..].find("<!--/measured-->").unwrap() + start;
            rest.replace_range(start..end + "<!--/measured-->".len(), "");
        }
        for branch in ["470", "535", "550"] {
            rest = rest.replace(branch, "");
        }
        assert!(
            !rest.chars().any(|c| c.is_ascii_digit()),
            "a number outside a measured span: {}",
            row[2]
        );
    }
}

#[test]
fn every_measured_span_holds_the_recorded_measurement() {
    let doc = doc();
    let record = std::fs::read_to_string(crate::support::reliability_doc::record_path()).unwrap();
    for key in crate::support::reliability_doc::KEYS {
        let (start, end) = crate::support::reliability_doc::span(&record, key)
            .unwrap_or_else(|| panic!("reliability-measurements.txt has no span {key}"));
        let (d_start, d_end) = crate::support::reliability_doc::span(&doc, key).unwrap();
        assert!(
            doc[d_start..d_end] == record[start..end],
            "RELIABILITY.md's {key} span differs from reliability-measurements.txt: run \
             `cargo xtask codegen`"
        );
    }
    assert_eq!(
        record.matches("<!--measured:").count(),
        crate::support::reliability_doc::KEYS.len(),
        "a recorded span the document lacks"
    );
}

#[test]
fn thousands_separators() {
    assert_eq!(crate::support::reliability_doc::thousands(7u64), "7");
    assert_eq!(
        crate::support::reliability_doc::thousands(13_600u64),
        "13,600"
    );
    assert_eq!(
        crate::support::reliability_doc::thousands(1_000_000u64),
        "1,000,000"
    );
}
