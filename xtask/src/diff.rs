//! The change between two headers, as the maintainer reads it after an update.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::header::HeaderInfo;

/// A versioned family whose newest version (or `#define` default) changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyChange {
    /// Family name, e.g. `nvmlDeviceGetPciInfo`.
    pub family: String,
    /// Newest version in the old header (`None`: the family was not versioned there).
    pub old: Option<String>,
    /// Newest version in the new header (`None`: no longer versioned).
    pub new: Option<String>,
    /// What the `#define` block mapped the plain name to, before and after.
    pub define: (Option<String>, Option<String>),
}

/// What changed from one header to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderDiff {
    /// `NVML_API_VERSION` before and after.
    pub api_version: (Option<String>, Option<String>),
    /// Functions declared only in the new header.
    pub added: Vec<String>,
    /// Functions declared only in the old header.
    pub removed: Vec<String>,
    /// Versioned families whose newest version or `#define` default changed.
    pub families: Vec<FamilyChange>,
    /// Struct-version macros only in the new header.
    pub struct_versions_added: Vec<String>,
    /// Struct-version macros only in the old header.
    pub struct_versions_removed: Vec<String>,
    /// Added functions that nvml-wrapper's sources do not use yet.
    pub unwrapped_added: Vec<String>,
}

fn minus(a: &BTreeSet<String>, b: &BTreeSet<String>) -> Vec<String> {
    a.difference(b).cloned().collect()
}

/// Compares two headers; `wrapped` is what nvml-wrapper uses (see [`crate::wrapped`]).
pub fn diff(old: &HeaderInfo, new: &HeaderInfo, wrapped: &BTreeSet<String>) -> HeaderDiff {
    let added = minus(&new.functions, &old.functions);
    let (old_fam, new_fam) = (old.families(), new.families());
    let mut names: BTreeSet<&String> = old_fam.keys().collect();
    names.extend(new_fam.keys());
    names.extend(old.unversioned_defs.keys());
    names.extend(new.unversioned_defs.keys());
    let mut families = Vec::new();
    for name in names {
        let (o, n) = (old_fam.get(name).cloned(), new_fam.get(name).cloned());
        let define = (
            old.unversioned_defs.get(name).cloned(),
            new.unversioned_defs.get(name).cloned(),
        );
        // A family that appears or disappears whole is in the added/removed lists.
        let newest_changed = o.is_some() && n.is_some() && o != n;
        let define_changed = define.0 != define.1 && (define.0.is_some() || o.is_some());
        if newest_changed || define_changed {
            families.push(FamilyChange {
                family: name.clone(),
                old: o,
                new: n,
                define,
            });
        }
    }
    HeaderDiff {
        api_version: (old.api_version.clone(), new.api_version.clone()),
        unwrapped_added: added
            .iter()
            .filter(|f| !wrapped.contains(*f))
            .cloned()
            .collect(),
        added,
        removed: minus(&old.functions, &new.functions),
        families,
        struct_versions_added: minus(&new.struct_versions, &old.struct_versions),
        struct_versions_removed: minus(&old.struct_versions, &new.struct_versions),
    }
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("(none)")
}

fn section(out: &mut String, title: &str, items: &[String], mark: &str) {
    let _ = writeln!(out, "{title} ({}):", items.len());
    if items.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for i in items {
        let _ = writeln!(out, "  {mark}{i}");
    }
}

impl HeaderDiff {
    /// Whether the two headers declare the same things.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.families.is_empty()
            && self.struct_versions_added.is_empty()
            && self.struct_versions_removed.is_empty()
            && self.api_version.0 == self.api_version.1
    }

    /// The report printed after an update.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let (a, b) = &self.api_version;
        if a == b {
            let _ = writeln!(out, "NVML_API_VERSION: {} (unchanged)", opt(b));
        } else {
            let _ = writeln!(out, "NVML_API_VERSION: {} -> {}", opt(a), opt(b));
        }
        section(&mut out, "Functions added", &self.added, "+ ");
        section(&mut out, "Functions removed", &self.removed, "- ");
        let fam: Vec<String> = self
            .families
            .iter()
            .map(|c| {
                let mut line = format!("{}: {} -> {}", c.family, opt(&c.old), opt(&c.new));
                if c.define.0 != c.define.1 {
                    let _ = write!(
                        line,
                        " (#define {} was {}, now {})",
                        c.family,
                        opt(&c.define.0),
                        opt(&c.define.1)
                    );
                }
                line
            })
            .collect();
        section(
            &mut out,
            "Versioned functions whose newest version changed",
            &fam,
            "",
        );
        section(
            &mut out,
            "Struct versions added (NVML_STRUCT_VERSION)",
            &self.struct_versions_added,
            "+ ",
        );
        section(
            &mut out,
            "Struct versions removed (NVML_STRUCT_VERSION)",
            &self.struct_versions_removed,
            "- ",
        );
        section(
            &mut out,
            "Added functions nvml-wrapper does not wrap yet",
            &self.unwrapped_added,
            "",
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header::parse;

    const OLD: &str = "#define NVML_API_VERSION 12\n#ifndef NVML_NO_UNVERSIONED_FUNC_DEFS\n\
        #define nvmlDeviceGetPciInfo nvmlDeviceGetPciInfo_v3\n#endif\n\
        #define nvmlMemory_v2 NVML_STRUCT_VERSION(Memory, 2)\n\
        nvmlReturn_t DECLDIR nvmlInit_v2(void);\n\
        nvmlReturn_t DECLDIR nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *p);\n\
        nvmlReturn_t DECLDIR nvmlGone(void);\n";

    #[test]
    fn reports_added_removed_families_structs_and_unwrapped() {
        let new = OLD
            .replace("NVML_API_VERSION 12", "NVML_API_VERSION 13")
            .replace("PciInfo_v3\n#endif", "PciInfo_v4\n#endif")
            .replace("nvmlGone", "nvmlDeviceGetPciInfo_v4")
            + "#define nvmlFan_v1 NVML_STRUCT_VERSION(Fan, 1)\n\
               nvmlReturn_t DECLDIR nvmlNewOne(void);\n";
        let wrapped: BTreeSet<String> = ["nvmlDeviceGetPciInfo_v4".to_string()].into();
        let d = diff(&parse(OLD), &parse(&new), &wrapped);
        assert_eq!(d.added, ["nvmlDeviceGetPciInfo_v4", "nvmlNewOne"]);
        assert_eq!(d.removed, ["nvmlGone"]);
        assert_eq!(d.unwrapped_added, ["nvmlNewOne"]);
        assert_eq!(d.struct_versions_added, ["nvmlFan_v1"]);
        assert!(d.struct_versions_removed.is_empty());
        assert_eq!(d.families.len(), 1);
        let f = &d.families[0];
        assert_eq!(f.family, "nvmlDeviceGetPciInfo");
        assert_eq!(f.old.as_deref(), Some("nvmlDeviceGetPciInfo_v3"));
        assert_eq!(f.new.as_deref(), Some("nvmlDeviceGetPciInfo_v4"));
        let text = d.render();
        assert!(text.contains("NVML_API_VERSION: 12 -> 13"), "{text}");
        assert!(
            text.contains("nvmlDeviceGetPciInfo: nvmlDeviceGetPciInfo_v3 -> nvmlDeviceGetPciInfo_v4 (#define nvmlDeviceGetPciInfo was nvmlDeviceGetPciInfo_v3, now nvmlDeviceGetPciInfo_v4)"),
            "{text}"
        );
        assert!(text.contains("  + nvmlNewOne"), "{text}");
        assert!(text.contains("  - nvmlGone"), "{text}");
        assert!(!d.is_empty());
        assert!(diff(&parse(OLD), &parse(OLD), &wrapped).is_empty());
    }
}
