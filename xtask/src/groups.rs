//! Which Doxygen group of `nvml.h` each function belongs to.
//!
//! NVIDIA's header files its functions into the groups of the NVML reference with Doxygen
//! commands in documentation comments (`/**`, `/*!`): `@defgroup name Title` or `@addtogroup name` followed by `@{`
//! opens a group, `@}` closes the innermost one, and groups nest (`GPM` holds
//! `nvmlGpmFunctions`). A function belongs to the innermost group open where it is declared.
//!
//! The header also declares the older versions of versioned functions (`nvmlInit`,
//! `nvmlDeviceGetPciInfo_v2`, ...) in an `#ifdef NVML_NO_UNVERSIONED_FUNC_DEFS` block outside
//! every group. Such a function takes the group of another version of the same function
//! (`nvmlInit` goes with `nvmlInit_v2`); a function with no group either way goes to
//! [`OTHER`].

use std::collections::{BTreeMap, BTreeSet};

use crate::header::{self, split_version};

/// The group of functions declared outside every Doxygen group.
pub const OTHER: &str = "other";

/// The groups of one header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    /// Groups that hold at least one function, in the order the header first opens them
    /// ([`OTHER`] last, when it holds any): (name, title). The title is the one `@defgroup`
    /// gives, or the name when the header gives none.
    pub order: Vec<(String, String)>,
    /// Every function the header declares ([`header::parse`]) and its group's name.
    pub of: BTreeMap<String, String>,
}

impl Groups {
    /// The title of a group, or its name when unknown.
    pub fn title<'a>(&'a self, name: &'a str) -> &'a str {
        self.order
            .iter()
            .find(|(n, _)| n == name)
            .map_or(name, |(_, t)| t.as_str())
    }

    /// The functions of one group, sorted.
    pub fn functions_of(&self, name: &str) -> BTreeSet<&str> {
        self.of
            .iter()
            .filter(|(_, g)| *g == name)
            .map(|(f, _)| f.as_str())
            .collect()
    }
}

/// A Doxygen grouping command.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    /// `@defgroup name Title` (`define` true) or `@addtogroup name [Title]`.
    Group {
        name: String,
        title: String,
        define: bool,
    },
    /// `@{`
    Open,
    /// `@}`
    Close,
}

/// The grouping commands of one block comment's text, in order.
fn commands(comment: &str) -> Vec<Command> {
    let mut out = Vec::new();
    for line in comment.lines() {
        let mut words = line.split_whitespace().peekable();
        while let Some(w) = words.next() {
            let w = w.strip_prefix('@').or_else(|| w.strip_prefix('\\'));
            match w {
                Some("{") => out.push(Command::Open),
                Some("}") => out.push(Command::Close),
                Some(cmd @ ("defgroup" | "addtogroup")) => {
                    let Some(name) = words.next() else { break };
                    // the title runs to the end of the line or the next command
                    let mut title: Vec<&str> = Vec::new();
                    while let Some(t) =
                        words.next_if(|w| !w.starts_with('@') && !w.starts_with('\\'))
                    {
                        title.push(t);
                    }
                    out.push(Command::Group {
                        name: name.to_string(),
                        title: title.join(" "),
                        define: cmd == "defgroup",
                    });
                }
                _ => {}
            }
        }
    }
    out
}

/// A piece of code and the innermost group open over it.
type Piece = (Option<String>, String);

/// Splits a C source into pieces of code, each with the innermost group open over it.
/// Comments without grouping commands stay in the code pieces (the header parser skips them).
fn segments(src: &str) -> (Vec<Piece>, Vec<(String, String)>) {
    let b = src.as_bytes();
    let mut segs: Vec<Piece> = Vec::new();
    let mut titles: Vec<(String, String)> = Vec::new();
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut seg_start = 0;
    let mut i = 0;
    let at = |i: usize| b.get(i).copied();
    let flush = |segs: &mut Vec<Piece>, stack: &[Option<String>], start: usize, end: usize| {
        if let Some(code) = src.get(start..end) {
            segs.push((stack.last().cloned().flatten(), code.to_string()));
        }
    };
    while let Some(c) = at(i) {
        match (c, at(i + 1)) {
            (b'/', Some(b'/')) => {
                while at(i).is_some_and(|c| c != b'\n') {
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                let start = i;
                i += 2;
                while at(i).is_some() && !(at(i) == Some(b'*') && at(i + 1) == Some(b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                // Doxygen reads `/**` and `/*!` comments only
                let doc = matches!(at(start + 2), Some(b'*' | b'!'));
                let text = src.get(start + 2..i.saturating_sub(2).max(start + 2));
                let cmds = if doc {
                    commands(text.unwrap_or(""))
                } else {
                    Vec::new()
                };
                if cmds.is_empty() {
                    continue;
                }
                flush(&mut segs, &stack, seg_start, start);
                seg_start = i;
                let mut pending: Option<String> = None;
                for cmd in cmds {
                    match cmd {
                        Command::Group {
                            name,
                            title,
                            define,
                        } => {
                            match titles.iter_mut().find(|(n, _)| *n == name) {
                                Some((_, t)) if t.is_empty() || (define && t == &name) => {
                                    if !title.is_empty() {
                                        *t = title;
                                    }
                                }
                                Some(_) => {}
                                None => titles.push((name.clone(), title)),
                            }
                            pending = Some(name);
                        }
                        // `@{` without a group is a member group: it stays in the open group
                        Command::Open => {
                            let top = pending.take().or_else(|| stack.last().cloned().flatten());
                            stack.push(top);
                        }
                        Command::Close => {
                            stack.pop();
                            pending = None;
                        }
                    }
                }
            }
            (b'"' | b'\'', _) => {
                i += 1;
                while let Some(d) = at(i) {
                    i += 1;
                    if d == b'\\' {
                        i += 1;
                    } else if d == c || d == b'\n' {
                        break;
                    }
                }
            }
            _ => i += 1,
        }
    }
    flush(&mut segs, &stack, seg_start, b.len());
    for (name, title) in &mut titles {
        if title.is_empty() {
            title.clone_from(name);
        }
    }
    (segs, titles)
}

/// The family of a function: its name without `_vN`.
fn family(name: &str) -> &str {
    split_version(name).map_or(name, |(base, _)| base)
}

/// Files every function [`header::parse`] finds in `src` into its Doxygen group.
pub fn parse(src: &str) -> Groups {
    let all = header::parse(src).functions;
    let (segs, titles) = segments(src);

    // function -> group, in header order of the groups
    let mut of: BTreeMap<String, String> = BTreeMap::new();
    let mut first_seen: Vec<String> = Vec::new();
    let mut family_group: BTreeMap<String, String> = BTreeMap::new();
    let mut ungrouped: Vec<String> = Vec::new();
    for (group, code) in &segs {
        for f in header::parse(code).functions {
            if !all.contains(&f) || of.contains_key(&f) {
                continue;
            }
            match group {
                Some(g) => {
                    if !first_seen.contains(g) {
                        first_seen.push(g.clone());
                    }
                    family_group
                        .entry(family(&f).to_string())
                        .or_insert_with(|| g.clone());
                    of.insert(f, g.clone());
                }
                None => ungrouped.push(f),
            }
        }
    }
    // functions a piece did not show (none in NVIDIA's header) are ungrouped too
    ungrouped.extend(all.iter().filter(|f| !of.contains_key(*f)).cloned());
    let mut other = false;
    for f in ungrouped {
        if of.contains_key(&f) {
            continue;
        }
        let g = match family_group.get(family(&f)) {
            Some(g) => g.clone(),
            None => {
                other = true;
                OTHER.to_string()
            }
        };
        of.insert(f, g);
    }

    let mut order: Vec<(String, String)> = first_seen
        .into_iter()
        .map(|g| {
            let title = titles
                .iter()
                .find(|(n, _)| *n == g)
                .map_or_else(|| g.clone(), |(_, t)| t.clone());
            (g, title)
        })
        .collect();
    if other {
        order.push((OTHER.to_string(), "Outside every group".to_string()));
    }
    Groups { order, of }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL_HEADER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../headers/nvml.h");

    fn group_of<'a>(g: &'a Groups, f: &str) -> &'a str {
        g.of.get(f).map_or("<absent>", String::as_str)
    }

    #[test]
    fn the_real_header_files_every_function_into_its_reference_group() {
        let src = std::fs::read_to_string(REAL_HEADER).unwrap();
        let groups = parse(&src);
        let all = header::parse(&src).functions;
        // every function is somewhere, grouped or in "other", and nowhere else
        assert_eq!(groups.of.len(), all.len());
        assert!(groups.of.keys().eq(all.iter()));
        let per_group: usize = groups
            .order
            .iter()
            .map(|(n, _)| groups.functions_of(n).len())
            .sum();
        assert_eq!(per_group, all.len());

        for (f, g) in [
            ("nvmlDeviceGetName", "nvmlDeviceQueries"),
            ("nvmlDeviceGetCpuAffinity", "nvmlAffinity"),
            ("nvmlInit_v2", "nvmlInitializationAndCleanup"),
            ("nvmlErrorString", "nvmlErrorReporting"),
            ("nvmlSystemGetDriverVersion", "nvmlSystemQueries"),
            ("nvmlUnitGetCount", "nvmlUnitQueries"),
            ("nvmlUnitSetLedState", "nvmlUnitCommands"),
            ("nvmlDeviceSetPersistenceMode", "nvmlDeviceCommands"),
            ("nvmlDeviceGetAccountingPids", "nvmlAccountingStats"),
            ("nvmlEventSetCreate", "nvmlEvents"),
            ("nvmlDeviceGetNvLinkState", "NvLink"),
            ("nvmlDeviceGetMigMode", "nvmlMultiInstanceGPU"),
            // nested: GPM holds nvmlGpmFunctions, the innermost wins
            ("nvmlGpmMetricsGet", "nvmlGpmFunctions"),
            // `@addtogroup` blocks at the end of the header
            ("nvmlDeviceSetRusdSettings_v1", "nvmlDeviceCommands"),
            ("nvmlDeviceGetBankRemapperStatus_v1", "nvmlDeviceQueries"),
            // the NVML_NO_UNVERSIONED_FUNC_DEFS block: with the other versions
            ("nvmlInit", "nvmlInitializationAndCleanup"),
            ("nvmlDeviceGetPciInfo_v2", "nvmlDeviceQueries"),
            ("nvmlEventSetWait", "nvmlEvents"),
            // declared between two groups
            ("nvmlDeviceGetCapabilities", OTHER),
        ] {
            assert_eq!(group_of(&groups, f), g, "{f}");
        }
        assert_eq!(groups.title("nvmlDeviceQueries"), "Device Queries");
        // an `@addtogroup` without a title takes the `@defgroup`'s
        assert_eq!(groups.title("nvmlEvents"), "Event Handling Methods");
        assert_eq!(
            groups.title("nvmlMultiInstanceGPU"),
            "Multi Instance GPU Management"
        );
        // struct and enum groups hold no function and make no row
        assert!(!groups.order.iter().any(|(n, _)| n == "nvmlDeviceStructs"));
        assert_eq!(
            groups.order.first().map(|(n, _)| n.as_str()),
            Some("nvmlInitializationAndCleanup")
        );
    }

    #[test]
    fn nesting_member_groups_and_comment_lookalikes() {
        let src = r#"
/** @defgroup outer Outer Things
 *  @{
 */
nvmlReturn_t DECLDIR nvmlOuterA(void);
/** @defgroup inner Inner Things
 *  @{
 */
nvmlReturn_t DECLDIR nvmlInnerA(int a, /* @} a plain comment: Doxygen ignores it */ int b);
/** @} */
nvmlReturn_t DECLDIR nvmlOuterB(void); // @defgroup fake Fake /* @{
const char *s = "/* @} */";
/** @{ member group, stays in outer */
nvmlReturn_t DECLDIR nvmlOuterC(void);
/** @} */
/**
 * @} // @defgroup outer Outer Things
 */
nvmlReturn_t DECLDIR nvmlLoose(void);
/** @addtogroup inner
 *  @{
 */
nvmlReturn_t DECLDIR nvmlInnerB_v2(void);
/** @} */
nvmlReturn_t DECLDIR nvmlInnerB(void);
"#;
        let g = parse(src);
        assert_eq!(
            g.order,
            [
                ("outer".to_string(), "Outer Things".to_string()),
                ("inner".to_string(), "Inner Things".to_string()),
                (OTHER.to_string(), "Outside every group".to_string()),
            ]
        );
        assert_eq!(group_of(&g, "nvmlOuterA"), "outer");
        assert_eq!(group_of(&g, "nvmlInnerA"), "inner");
        assert_eq!(group_of(&g, "nvmlOuterB"), "outer");
        assert_eq!(group_of(&g, "nvmlOuterC"), "outer");
        assert_eq!(group_of(&g, "nvmlInnerB_v2"), "inner");
        assert_eq!(group_of(&g, "nvmlInnerB"), "inner");
        assert_eq!(group_of(&g, "nvmlLoose"), OTHER);
        assert_eq!(g.of.len(), 7, "{:?}", g.of);
    }

    #[test]
    fn one_line_groups_and_backslash_commands() {
        let src = "/** @defgroup solo Solo Group @{ */\n\
                   nvmlReturn_t DECLDIR nvmlSolo(void);\n\
                   /** @} */\n\
                   /*! \\addtogroup bs\n \\{ */\n\
                   nvmlReturn_t DECLDIR nvmlBs(void);\n\
                   /*! \\} */\n";
        let g = parse(src);
        assert_eq!(group_of(&g, "nvmlSolo"), "solo");
        assert_eq!(g.title("solo"), "Solo Group");
        assert_eq!(group_of(&g, "nvmlBs"), "bs");
        assert_eq!(g.title("bs"), "bs");
    }
}
