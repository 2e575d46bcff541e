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
    /// Added functions that nvml-wrapper neither calls nor excuses (coverage's rule).
    pub unwrapped_added: Vec<String>,
    /// Field ids (`NVML_FI_*`) only in the new header: `NAME = id`.
    pub field_ids_added: Vec<String>,
    /// Field ids only in the old header.
    pub field_ids_removed: Vec<String>,
    /// Field ids whose number changed: `NAME: old -> new`.
    pub field_ids_renumbered: Vec<String>,
    /// Other `#define` constants and macros only in the new header: `NAME = value`.
    pub constants_added: Vec<String>,
    /// Other constants only in the old header.
    pub constants_removed: Vec<String>,
    /// Other constants whose value changed: `NAME: old -> new`.
    pub constants_changed: Vec<String>,
    /// Enumerators only in the new header: `NAME = value`.
    pub enum_values_added: Vec<String>,
    /// Enumerators only in the old header.
    pub enum_values_removed: Vec<String>,
    /// Enumerators whose value changed (an implicit value moves when one is added before it).
    pub enum_values_changed: Vec<String>,
    /// Struct and union types only in the new header.
    pub structs_added: Vec<String>,
    /// Struct and union types only in the old header.
    pub structs_removed: Vec<String>,
    /// Functions and macros deprecated in the new header and not in the old.
    pub deprecations_added: Vec<String>,
    /// Functions and constants in both headers whose documentation changed (units, notes,
    /// supported views: read the new text).
    pub docs_changed: Vec<String>,
    /// Documentation groups (`@defgroup`/`@addtogroup`) only in the new header: `name: title`.
    pub doc_groups_added: Vec<String>,
}

/// A value as the report shows it: long macro bodies cut at 72 characters.
fn short(v: &impl std::fmt::Display) -> String {
    let s = v.to_string();
    match s.char_indices().nth(72) {
        Some((at, _)) => format!("{} ...", s.get(..at).unwrap_or_default()),
        None => s,
    }
}

/// `(added, removed, changed)` between two name -> value maps, rendered.
fn map_diff<V: PartialEq + std::fmt::Display>(
    old: &std::collections::BTreeMap<String, V>,
    new: &std::collections::BTreeMap<String, V>,
    keep: impl Fn(&str) -> bool,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let (mut added, mut removed, mut changed) = (Vec::new(), Vec::new(), Vec::new());
    for (k, v) in new.iter().filter(|(k, _)| keep(k)) {
        match old.get(k) {
            None => added.push(format!("{k} = {}", short(v))),
            Some(o) if o != v => changed.push(format!("{k}: {} -> {}", short(o), short(v))),
            Some(_) => {}
        }
    }
    for (k, v) in old.iter().filter(|(k, _)| keep(k)) {
        if !new.contains_key(k) {
            removed.push(format!("{k} = {}", short(v)));
        }
    }
    (added, removed, changed)
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
        // A plain function is the first version of the family its `_vN` versions join, even
        // where no `#define` maps it (`nvmlDeviceGetNvLinkInfo` -> `_v3`).
        let plain = |h: &HeaderInfo| h.functions.contains(name).then(|| name.clone());
        let (o, n) = (
            old_fam.get(name).cloned().or_else(|| plain(old)),
            new_fam.get(name).cloned().or_else(|| plain(new)),
        );
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
    let (field_ids_added, field_ids_removed, field_ids_renumbered) =
        map_diff(&old.field_ids(), &new.field_ids(), |_| true);
    let old_fields = old.field_ids();
    let new_fields = new.field_ids();
    let not_field = |k: &str| !(old_fields.contains_key(k) || new_fields.contains_key(k));
    let (constants_added, constants_removed, constants_changed) =
        map_diff(&old.constants, &new.constants, not_field);
    let (enum_values_added, enum_values_removed, enum_values_changed) =
        map_diff(&old.enum_values, &new.enum_values, |_| true);
    let docs_changed = new
        .docs
        .iter()
        .filter(|(k, v)| old.docs.get(*k).is_some_and(|o| o != *v))
        .map(|(k, _)| k.clone())
        .collect();
    HeaderDiff {
        field_ids_added,
        field_ids_removed,
        field_ids_renumbered,
        constants_added,
        constants_removed,
        constants_changed,
        enum_values_added,
        enum_values_removed,
        enum_values_changed,
        structs_added: minus(&new.structs, &old.structs),
        structs_removed: minus(&old.structs, &new.structs),
        deprecations_added: minus(&new.deprecated, &old.deprecated),
        docs_changed,
        doc_groups_added: new
            .doc_groups
            .iter()
            .filter(|(k, _)| !old.doc_groups.contains_key(*k))
            .map(|(k, title)| format!("{k}: {title}"))
            .collect(),
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
            && self.field_ids_added.is_empty()
            && self.field_ids_removed.is_empty()
            && self.field_ids_renumbered.is_empty()
            && self.constants_added.is_empty()
            && self.constants_removed.is_empty()
            && self.constants_changed.is_empty()
            && self.enum_values_added.is_empty()
            && self.enum_values_removed.is_empty()
            && self.enum_values_changed.is_empty()
            && self.structs_added.is_empty()
            && self.structs_removed.is_empty()
            && self.deprecations_added.is_empty()
            && self.docs_changed.is_empty()
            && self.doc_groups_added.is_empty()
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
        section(&mut out, "Struct types added", &self.structs_added, "+ ");
        section(
            &mut out,
            "Struct types removed",
            &self.structs_removed,
            "- ",
        );
        section(
            &mut out,
            "Field ids added (NVML_FI_*)",
            &self.field_ids_added,
            "+ ",
        );
        section(&mut out, "Field ids removed", &self.field_ids_removed, "- ");
        section(
            &mut out,
            "Field ids renumbered",
            &self.field_ids_renumbered,
            "",
        );
        section(
            &mut out,
            "Constants added (#define)",
            &self.constants_added,
            "+ ",
        );
        section(&mut out, "Constants removed", &self.constants_removed, "- ");
        section(&mut out, "Constants changed", &self.constants_changed, "");
        section(&mut out, "Enum values added", &self.enum_values_added, "+ ");
        section(
            &mut out,
            "Enum values removed",
            &self.enum_values_removed,
            "- ",
        );
        section(
            &mut out,
            "Enum values changed",
            &self.enum_values_changed,
            "",
        );
        section(&mut out, "Deprecations added", &self.deprecations_added, "");
        section(
            &mut out,
            "Documentation groups added",
            &self.doc_groups_added,
            "+ ",
        );
        section(
            &mut out,
            "Documentation changed (functions and constants in both headers)",
            &self.docs_changed,
            "",
        );
        section(
            &mut out,
            "Added functions nvml-wrapper neither calls nor excuses",
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
