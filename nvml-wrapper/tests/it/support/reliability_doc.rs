//! RELIABILITY.md's measured numbers come from the tests that measure them: each such test
//! calls [`keep`] with the text it printed, which keeps that span of the measurement record
//! (`reliability-measurements.txt`): when the record differs, the test rewrites it and fails.
//! `cargo xtask codegen` copies the record's spans into RELIABILITY.md (`reliability_md` fails
//! until it has). The valgrind spans are measured by `bash .ci/valgrind`.

use std::path::PathBuf;
use std::sync::Mutex;

/// Every span of the document, each kept by exactly one test (named in the document's row).
pub const KEYS: &[&str] = &[
    "fault-sweep",
    "excused",
    "fallbacks",
    "hostile-lists",
    "hostile-strings",
    "hostile-enums",
    "hostile-insufficient",
    "proptest",
    "missing-470",
    "missing-535",
    "missing-550",
    "threads",
    "fork",
    "extreme-profiles",
    "wait-stop",
    "valgrind-cycles",
    "valgrind-sweep",
    "valgrind-proptest",
];

/// The measurement record, which `cargo xtask codegen` copies into RELIABILITY.md.
pub fn record_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reliability-measurements.txt")
}

fn open(key: &str) -> String {
    format!("<!--measured:{key}-->")
}

const CLOSE: &str = "<!--/measured-->";

/// The text of span `key` in `doc`, with its byte range.
pub fn span(doc: &str, key: &str) -> Option<(usize, usize)> {
    let marker = open(key);
    let start = doc.find(&marker)? + marker.len();
    let end = start + doc[start..].find(CLOSE)?;
    Some((start, end))
}

/// Keeps span `key` of the measurement record equal to `text` (what the calling test measured
/// and printed): when it differs, rewrites the record and fails.
pub fn keep(key: &str, text: &str) {
    static LOCK: Mutex<()> = Mutex::new(());
    assert!(
        KEYS.contains(&key),
        "{key} is not one of the document's spans"
    );
    let _guard = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = record_path();
    let record = std::fs::read_to_string(&path).expect("reliability-measurements.txt is readable");
    let (start, end) = span(&record, key).unwrap_or_else(|| {
        panic!(
            "reliability-measurements.txt has no span {}...{CLOSE}",
            open(key)
        )
    });
    let recorded = &record[start..end];
    if recorded == text {
        return;
    }
    let mut new = record.clone();
    new.replace_range(start..end, text);
    std::fs::write(&path, new).expect("reliability-measurements.txt is writable");
    panic!(
        "the {key} measurement changed:\n  recorded: {recorded}\n  measured: {text}\n\
         it is now recorded in nvml-wrapper/reliability-measurements.txt: run `cargo xtask \
         codegen` to copy it into RELIABILITY.md, and commit both"
    );
}

/// `n` with thousands separators (`13,600`).
pub fn thousands(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
