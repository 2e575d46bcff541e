//! `cargo xtask coverage`: how much of `nvml.h` nvml-wrapper wraps, per Doxygen group of the
//! header, and (with `--check`) whether every function is wrapped or excused.
//!
//! A function is *wrapped* when nvml-wrapper's code names it ([`crate::wrapped`]), *excused*
//! when the excusals file lists it ([`crate::excused`]), and *missing* otherwise. The check
//! fails on any missing function, on more than [`MAX_EXCUSED_PERCENT`] % of the header
//! excused, and on excusals that no longer hold: a function the header lacks, a function
//! nvml-wrapper calls after all, a superseding function the header lacks or nvml-wrapper does
//! not call.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::excused::{self, EXCUSALS_FILE, Excusal, Kind};
use crate::groups::{self, Groups};
use crate::wrapped::{self, WRAPPER_SRC};

/// The header, relative to the repository root.
pub const HEADER_FILE: &str = "headers/nvml.h";

/// At most this share of the header's functions may be excused.
pub const MAX_EXCUSED_PERCENT: usize = 5;

/// Options of `cargo xtask coverage`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Repository root holding `headers/nvml.h` and `nvml-wrapper/`.
    pub root: PathBuf,
    /// Fail when anything is missing or an excusal does not hold.
    pub check: bool,
    /// Print JSON instead of the table.
    pub json: bool,
}

/// One row of the table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupRow {
    /// The Doxygen group name (`nvmlDeviceQueries`), or [`groups::OTHER`].
    pub name: String,
    /// Its title (`Device Queries`).
    pub title: String,
    /// Functions the header declares in it.
    pub total: usize,
    /// Of those, called by nvml-wrapper.
    pub wrapped: usize,
    /// Of those, not called and excused.
    pub excused: usize,
    /// Of those, neither.
    pub missing: usize,
    /// The missing ones, sorted.
    pub missing_functions: Vec<String>,
}

/// The whole result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Per group, in header order.
    pub groups: Vec<GroupRow>,
    /// Functions the header declares.
    pub total: usize,
    /// Called by nvml-wrapper.
    pub wrapped: usize,
    /// Not called and excused.
    pub excused: usize,
    /// Neither.
    pub missing: usize,
    /// The most functions that may be excused ([`MAX_EXCUSED_PERCENT`] % of `total`).
    pub max_excused: usize,
    /// What `--check` fails on, one sentence each (empty when all is well).
    pub problems: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Counts and checks, from the header's groups, the functions nvml-wrapper calls and the
/// excusals.
pub fn report(groups: &Groups, wrapped: &BTreeSet<String>, excusals: &[Excusal]) -> Report {
    let in_header = |f: &str| groups.of.contains_key(f);
    let is_wrapped = |f: &str| wrapped.contains(f);
    let mut problems = Vec::new();

    let mut excused: BTreeSet<&str> = BTreeSet::new();
    for e in excusals {
        let f = e.function.as_str();
        if !in_header(f) {
            problems.push(format!(
                "{EXCUSALS_FILE}:{}: {f} is excused but {HEADER_FILE} does not declare it: \
                 remove the entry",
                e.line
            ));
            continue;
        }
        if is_wrapped(f) {
            problems.push(format!(
                "{EXCUSALS_FILE}:{}: {f} is excused but nvml-wrapper calls it (stale excusal): \
                 remove the entry",
                e.line
            ));
            continue;
        }
        if let Kind::Superseded { by } = &e.kind {
            for b in by {
                if !in_header(b) {
                    problems.push(format!(
                        "{EXCUSALS_FILE}:{}: {f} is excused as superseded by {b}, which \
                         {HEADER_FILE} does not declare",
                        e.line
                    ));
                } else if !is_wrapped(b) {
                    problems.push(format!(
                        "{EXCUSALS_FILE}:{}: {f} is excused as superseded by {b}, which \
                         nvml-wrapper does not call: wrap {b} first",
                        e.line
                    ));
                }
            }
        }
        excused.insert(f);
    }

    let mut rows = Vec::new();
    for (name, title) in &groups.order {
        let fns = groups.functions_of(name);
        let w = fns.iter().filter(|f| is_wrapped(f)).count();
        let x = fns
            .iter()
            .filter(|f| !is_wrapped(f) && excused.contains(*f))
            .count();
        let missing_functions: Vec<String> = fns
            .iter()
            .filter(|f| !is_wrapped(f) && !excused.contains(*f))
            .map(|f| (*f).to_string())
            .collect();
        rows.push(GroupRow {
            name: name.clone(),
            title: title.clone(),
            total: fns.len(),
            wrapped: w,
            excused: x,
            missing: missing_functions.len(),
            missing_functions,
        });
    }
    let total = groups.of.len();
    let wrapped_n = rows.iter().map(|r| r.wrapped).sum();
    let excused_n: usize = rows.iter().map(|r| r.excused).sum();
    let missing_n: usize = rows.iter().map(|r| r.missing).sum();
    let max_excused = total * MAX_EXCUSED_PERCENT / 100;

    if excused_n > max_excused {
        problems.insert(
            0,
            format!(
                "{} excused, more than {MAX_EXCUSED_PERCENT}% of the header's {total} \
                 (at most {max_excused}): wrap some of them",
                plural(excused_n, "function is", "functions are")
            ),
        );
    }
    if missing_n > 0 {
        problems.insert(
            0,
            format!(
                "{} neither wrapped nor excused",
                plural(missing_n, "function is", "functions are")
            ),
        );
    }
    Report {
        groups: rows,
        total,
        wrapped: wrapped_n,
        excused: excused_n,
        missing: missing_n,
        max_excused,
        problems,
    }
}

fn percent(n: usize, total: usize) -> String {
    if total == 0 {
        return "-".to_string();
    }
    // one decimal, computed in integers: 1000 * n / total, rounded half up
    let per_mille = (n * 2000 + total) / (total * 2);
    format!("{}.{}%", per_mille / 10, per_mille % 10)
}

/// The table, then the missing functions by group.
pub fn render(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let label = |row: &GroupRow| {
        if row.title == row.name {
            row.name.clone()
        } else {
            format!("{} ({})", row.title, row.name)
        }
    };
    let width = r
        .groups
        .iter()
        .map(|g| label(g).len())
        .chain(["group".len(), "total".len()])
        .max()
        .unwrap_or(5);
    writeln!(
        out,
        "{:<width$}  {:>6}  {:>15}  {:>15}  {:>15}",
        "group", "total", "wrapped", "excused", "missing"
    )?;
    writeln!(out, "{}", "-".repeat(width + 2 + 6 + 3 * 17))?;
    for g in &r.groups {
        writeln!(
            out,
            "{:<width$}  {:>6}  {:>15}  {:>15}  {:>15}",
            label(g),
            g.total,
            g.wrapped,
            g.excused,
            g.missing
        )?;
    }
    writeln!(out, "{}", "-".repeat(width + 2 + 6 + 3 * 17))?;
    let cell = |n: usize| format!("{n} ({})", percent(n, r.total));
    writeln!(
        out,
        "{:<width$}  {:>6}  {:>15}  {:>15}  {:>15}",
        "total",
        r.total,
        cell(r.wrapped),
        cell(r.excused),
        cell(r.missing)
    )?;
    writeln!(
        out,
        "\nExcused: {} of at most {} ({MAX_EXCUSED_PERCENT}% of {}).",
        r.excused, r.max_excused, r.total
    )?;
    writeln!(out, "\nMissing functions ({}):", r.missing)?;
    if r.missing == 0 {
        writeln!(out, "  (none)")?;
    }
    for g in r.groups.iter().filter(|g| g.missing > 0) {
        writeln!(out, "  {} ({}):", label(g), g.missing)?;
        for f in &g.missing_functions {
            writeln!(out, "    {f}")?;
        }
    }
    writeln!(out, "\n{}", summary(r))?;
    Ok(())
}

/// Reads the excusals file; a missing file excuses nothing.
pub fn read_excusals(root: &Path) -> Result<Vec<Excusal>> {
    let path = root.join(EXCUSALS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => excused::parse(&text, EXCUSALS_FILE),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Builds the report for the repository at `root`.
pub fn report_for(root: &Path) -> Result<Report> {
    let header_path = root.join(HEADER_FILE);
    let bytes = std::fs::read(&header_path)
        .with_context(|| format!("cannot read {}", header_path.display()))?;
    let (text, info) =
        crate::header::validate(&bytes).with_context(|| format!("{}", header_path.display()))?;
    let groups = groups::parse(&text);
    let table = crate::versioned::entries(root)?;
    let rows = table
        .iter()
        .map(|e| (e.symbol.clone(), e.row.clone()))
        .collect();
    let scan = wrapped::scan(&root.join(WRAPPER_SRC), &rows, &info.functions)?;
    let excusals = read_excusals(root)?;
    let mut r = report(&groups, &scan.called, &excusals);
    for f in scan.missing_aliases() {
        r.problems.push(format!(
            "{f} is called but no method carries #[doc(alias = \"{f}\")]"
        ));
    }
    for c in &scan.outside_dispatch {
        r.problems.push(format!(
            "versioned symbol called outside its row's dispatch: {c}"
        ));
    }
    r.problems
        .extend(crate::versioned::struct_versions_missing_from_rows(
            &table,
            &info.struct_versions,
        ));
    Ok(r)
}

/// The README's coverage sentence, from the report: what `cargo xtask coverage` prints last.
pub fn summary(r: &Report) -> String {
    let mut s = format!(
        "nvml-wrapper calls {} of the {} functions `nvml.h` declares (every version counted)",
        r.wrapped, r.total
    );
    if r.excused > 0 {
        s.push_str(&format!(
            "; {} excused (`nvml-wrapper/EXCUSED.toml` gives each reason)",
            plural(r.excused, "is", "are")
        ));
    }
    if r.missing > 0 {
        s.push_str(&format!(
            "; {} neither wrapped nor excused yet",
            plural(r.missing, "is", "are")
        ));
    }
    s.push('.');
    s
}

/// Runs the task: the table (or JSON) on `out`; the problems on `err`, as warnings, or with
/// `check` as errors followed by a failure.
pub fn run(opts: &Options, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let r = report_for(&opts.root)?;
    if opts.json {
        serde_json::to_writer_pretty(&mut *out, &r)?;
        writeln!(out)?;
    } else {
        render(&r, out)?;
    }
    out.flush()?;
    let level = if opts.check { "error" } else { "warning" };
    let Some((last, rest)) = r.problems.split_last() else {
        return Ok(());
    };
    if !opts.check {
        for p in &r.problems {
            writeln!(err, "{level}: {p}")?;
        }
        return Ok(());
    }
    for p in rest {
        writeln!(err, "{level}: {p}")?;
    }
    bail!("{last}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(spec: &[(&str, &[&str])]) -> Groups {
        let mut g = Groups::default();
        for (name, fns) in spec {
            g.order.push(((*name).to_string(), format!("{name} title")));
            for f in *fns {
                g.of.insert((*f).to_string(), (*name).to_string());
            }
        }
        g
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| (*s).to_string()).collect()
    }

    fn excusal(f: &str, kind: Kind) -> Excusal {
        Excusal {
            function: f.to_string(),
            kind,
            reason: "because".to_string(),
            line: 7,
        }
    }

    #[test]
    fn counts_per_group_and_lists_the_missing() {
        let g = groups(&[("a", &["nvmlA1", "nvmlA2", "nvmlA3"]), ("b", &["nvmlB1"])]);
        let r = report(
            &g,
            &set(&["nvmlA1", "nvmlB1"]),
            &[excusal(
                "nvmlA2",
                Kind::Superseded {
                    by: vec!["nvmlA1".into()],
                },
            )],
        );
        assert_eq!((r.total, r.wrapped, r.excused, r.missing), (4, 2, 1, 1));
        let a = r.groups.first().unwrap();
        assert_eq!((a.total, a.wrapped, a.excused, a.missing), (3, 1, 1, 1));
        assert_eq!(a.missing_functions, ["nvmlA3"]);
        assert_eq!(
            r.problems,
            [
                "1 function is neither wrapped nor excused",
                "1 function is excused, more than 5% of the header's 4 (at most 0): wrap some of them"
            ]
        );

        let mut table = Vec::new();
        render(&r, &mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        assert!(table.contains("a title (a)"), "{table}");
        assert!(table.contains("2 (50.0%)"), "{table}");
        assert!(table.contains("Missing functions (1):\n  a title (a) (1):\n    nvmlA3\n"));
    }

    #[test]
    fn all_wrapped_or_excused_within_the_limit_has_no_problem() {
        let fns: Vec<String> = (0..20).map(|i| format!("nvmlF{i}")).collect();
        let names: Vec<&str> = fns.iter().map(String::as_str).collect();
        let g = groups(&[("a", &names)]);
        let wrapped = set(names.get(1..).unwrap());
        // 1 of 20 = 5%: allowed
        let r = report(&g, &wrapped, &[excusal("nvmlF0", Kind::Internal)]);
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!((r.excused, r.max_excused, r.missing), (1, 1, 0));
    }

    #[test]
    fn over_five_percent_excused_fails() {
        let g = groups(&[("a", &["nvmlA", "nvmlB", "nvmlC"])]);
        let r = report(
            &g,
            &set(&["nvmlC"]),
            &[
                excusal("nvmlA", Kind::Internal),
                excusal("nvmlB", Kind::Unsupported),
            ],
        );
        assert_eq!(r.missing, 0);
        assert_eq!(
            r.problems,
            [
                "2 functions are excused, more than 5% of the header's 3 (at most 0): wrap some of them"
            ]
        );
    }

    #[test]
    fn excusals_that_do_not_hold_are_problems() {
        let names: Vec<String> = (0..100).map(|i| format!("nvmlF{i}")).collect();
        let mut all: Vec<&str> = names.iter().map(String::as_str).collect();
        all.extend(["nvmlOld", "nvmlNew", "nvmlStale", "nvmlOld2"]);
        let g = groups(&[("a", &all)]);
        let mut wrapped: BTreeSet<String> = names.iter().cloned().collect();
        wrapped.insert("nvmlStale".into());
        let r = report(
            &g,
            &wrapped,
            &[
                excusal("nvmlStale", Kind::Internal),
                excusal("nvmlGone", Kind::Internal),
                excusal(
                    "nvmlOld",
                    Kind::Superseded {
                        by: vec!["nvmlNew".into()],
                    },
                ),
                excusal(
                    "nvmlOld2",
                    Kind::Superseded {
                        by: vec!["nvmlNotInHeader".into()],
                    },
                ),
            ],
        );
        // nvmlNew is neither wrapped nor excused
        assert_eq!(r.missing, 1);
        let p = r.problems.join("\n");
        assert!(p.contains("nvmlStale is excused but nvml-wrapper calls it (stale excusal)"));
        assert!(p.contains(":7: nvmlGone is excused but headers/nvml.h does not declare it"));
        assert!(p.contains(
            "nvmlOld is excused as superseded by nvmlNew, which nvml-wrapper does not call"
        ));
        assert!(p.contains("nvmlOld2 is excused as superseded by nvmlNotInHeader, which headers/nvml.h does not declare"));
        assert_eq!(r.problems.len(), 5, "{p}");
        // a stale excusal counts as wrapped, not excused
        assert_eq!((r.wrapped, r.excused), (101, 2));
    }

    #[test]
    fn percentages_round_to_one_decimal() {
        assert_eq!(percent(0, 428), "0.0%");
        assert_eq!(percent(428, 428), "100.0%");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(2, 3), "66.7%");
        assert_eq!(percent(1, 0), "-");
    }
}
