//! RELIABILITY.md's measured numbers are written by the tests that measure them: each such test
//! calls [`keep`] with the text it printed, and fails when the document's marked span differs.
//! `NVML_RELIABILITY_BLESS=1` rewrites the span instead (run the tests named in the document,
//! and `.ci/valgrind` for the valgrind spans).

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

/// The environment variable that rewrites spans instead of checking them.
pub const BLESS: &str = "NVML_RELIABILITY_BLESS";

fn doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("RELIABILITY.md")
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

/// Keeps span `key` of RELIABILITY.md equal to `text` (what the calling test measured and
/// printed): fails when it differs, rewrites it under [`BLESS`].
pub fn keep(key: &str, text: &str) {
    static LOCK: Mutex<()> = Mutex::new(());
    assert!(
        KEYS.contains(&key),
        "{key} is not one of the document's spans"
    );
    let _guard = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = doc_path();
    let doc = std::fs::read_to_string(&path).expect("RELIABILITY.md is readable");
    let (start, end) = span(&doc, key)
        .unwrap_or_else(|| panic!("RELIABILITY.md has no span {}...{CLOSE}", open(key)));
    if std::env::var_os(BLESS).is_some() {
        let mut new = doc.clone();
        new.replace_range(start..end, text);
        if new != doc {
            std::fs::write(&path, new).expect("RELIABILITY.md is writable");
        }
        return;
    }
    assert!(
        &doc[start..end] == text,
        "RELIABILITY.md's {key} span is stale:\n  document: {}\n  measured: {text}\n\
         rewrite it with {BLESS}=1 and the test that measures it",
        &doc[start..end]
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
