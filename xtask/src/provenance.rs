//! The "Provenance" section of `headers/README.md`: where `nvml.h` came from.
//!
//! Only that section is rewritten; the rest of the README (its introduction, the license
//! note) is kept as it is.

use std::fmt::Write as _;

/// Which publication of NVIDIA's the package came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An Anaconda-style listing (`cuda-nvml-dev`); the listing URL as used.
    Anaconda {
        /// The listing URL the package was chosen from.
        listing_url: String,
    },
    /// NVIDIA's CUDA redist JSON (`cuda_nvml_dev`), as used.
    Redist {
        /// The base URL of the JSON and the archives.
        base_url: String,
        /// The CUDA release whose `redistrib_<version>.json` listed the archive.
        cuda_version: String,
    },
    /// A package file on disk (`--from-file`), of the given format.
    LocalFile(crate::anaconda::Format),
}

impl Source {
    /// The "package" row of the provenance table.
    fn describe(&self) -> String {
        use crate::anaconda::Format;
        match self {
            Source::Anaconda { listing_url } if listing_url == crate::anaconda::DEFAULT_API_URL => {
                "`cuda-nvml-dev` (Anaconda, channel `nvidia`)".to_string()
            }
            Source::Anaconda { listing_url } => {
                format!("`cuda-nvml-dev` (Anaconda-style listing `{listing_url}`)")
            }
            Source::Redist {
                base_url,
                cuda_version,
            } => format!(
                "`cuda_nvml_dev` (NVIDIA CUDA redist, `{}`)",
                crate::redist::json_url(base_url, cuda_version)
            ),
            Source::LocalFile(Format::Wheel) => {
                "`nvidia-nvml-dev` (PyPI wheel, NVIDIA's; installed from a local file)".to_string()
            }
            Source::LocalFile(Format::TarXz) => {
                "`cuda_nvml_dev` (CUDA redist archive; installed from a local file)".to_string()
            }
            Source::LocalFile(Format::Conda | Format::TarBz2) => {
                "`cuda-nvml-dev` (conda package; installed from a local file)".to_string()
            }
        }
    }
}

/// Where a header came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The publication the package came from, as used.
    pub source: Source,
    /// Package version, e.g. `12.4.127` (`unknown` when it could not be told).
    pub version: String,
    /// `subdir/file name` of the package, e.g. `linux-64/cuda-nvml-dev-12.4.127-0.conda`.
    pub basename: String,
    /// Platform subdirectory, e.g. `linux-64` (empty for a local file of unknown origin).
    pub subdir: String,
    /// Download URL, when the package came from the API.
    pub url: Option<String>,
    /// The package file's checksum as verified: (algorithm, hex); `None` when not verified.
    pub package_checksum: Option<(String, String)>,
    /// The header's path inside the package.
    pub inner_path: String,
    /// `NVML_API_VERSION` of the header.
    pub api_version: Option<String>,
    /// SHA-256 of the header, hex.
    pub header_sha256: String,
    /// The header's size in bytes.
    pub header_size: usize,
    /// The header's line count (as `wc -l` counts).
    pub header_lines: usize,
}

/// The section heading this module owns.
const HEADING: &str = "## Provenance";

/// Renders the section, heading included, ending with a blank line.
pub fn render_section(p: &Provenance) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{HEADING}\n");
    let _ = writeln!(s, "| field | value |\n| --- | --- |");
    let _ = writeln!(s, "| package | {} |", p.source.describe());
    let _ = writeln!(s, "| version | {} |", p.version);
    if p.subdir.is_empty() {
        let _ = writeln!(s, "| package file | `{}` |", p.basename);
    } else {
        let _ = writeln!(
            s,
            "| package file | `{}` (subdir `{}`) |",
            p.basename, p.subdir
        );
    }
    match &p.package_checksum {
        Some((alg, hex)) => {
            let _ = writeln!(s, "| package {alg} | `{hex}` |");
        }
        None => {
            let _ = writeln!(s, "| package checksum | not verified (local file) |");
        }
    }
    let _ = writeln!(s, "| file in the package | `{}` |", p.inner_path);
    let _ = writeln!(
        s,
        "| NVML API version | {} (`NVML_API_VERSION`) |",
        p.api_version.as_deref().unwrap_or("unknown")
    );
    let _ = writeln!(s, "| sha256 | `{}` |", p.header_sha256);
    let _ = writeln!(
        s,
        "| size | {} bytes, {} lines |\n",
        p.header_size, p.header_lines
    );
    let _ = writeln!(s, "To reproduce:\n\n```sh");
    let file = p.basename.rsplit('/').next().unwrap_or(&p.basename);
    match &p.source {
        Source::Anaconda { listing_url } => {
            let api = if listing_url == crate::anaconda::DEFAULT_API_URL {
                String::new()
            } else {
                format!(" --api-url {listing_url}")
            };
            let _ = writeln!(
                s,
                "cargo xtask update-header{api} --subdir {} --version {} --yes",
                p.subdir, p.version
            );
        }
        Source::Redist {
            base_url,
            cuda_version,
        } => {
            let base = if base_url == crate::redist::DEFAULT_BASE_URL {
                String::new()
            } else {
                format!(" --redist-url {base_url}")
            };
            let _ = writeln!(
                s,
                "cargo xtask update-header --source redist --cuda-version {cuda_version}{base} --yes"
            );
        }
        Source::LocalFile(crate::anaconda::Format::Wheel) => {
            let _ = writeln!(
                s,
                "pip download --no-deps nvidia-nvml-dev=={} -d /tmp/nvml",
                p.version
            );
            if let Some((alg, hex)) = &p.package_checksum {
                let _ = writeln!(s, "{alg}sum /tmp/nvml/{file}   # {hex}");
            }
            let _ = writeln!(s, "cargo xtask update-header --from-file /tmp/nvml/{file}");
        }
        Source::LocalFile(_) => {
            let _ = writeln!(s, "cargo xtask update-header --from-file {file}");
        }
    }
    if let Some(url) = &p.url {
        let _ = writeln!(s, "# or by hand:\ncurl -LO {url}");
        if let Some((alg, _)) = &p.package_checksum {
            let _ = writeln!(s, "{alg}sum {file}");
        }
        let _ = writeln!(s, "cargo xtask update-header --from-file {file}");
    }
    let _ = writeln!(s, "sha256sum headers/nvml.h   # {}", p.header_sha256);
    let _ = writeln!(s, "```\n");
    s
}

/// Returns `readme` with its Provenance section replaced by `p` (inserted before the next
/// section, before `## License`, or at the end when the README has none).
pub fn rewrite_readme(readme: Option<&str>, p: &Provenance) -> String {
    let section = render_section(p);
    let Some(readme) = readme else {
        return format!(
            "# headers/\n\n`nvml.h` here is NVIDIA's header byte for byte, as \
             `cargo xtask update-header` fetched it.\n\n{section}"
        );
    };
    let lines: Vec<&str> = readme.split_inclusive('\n').collect();
    let is_heading = |l: &&str| l.starts_with("## ");
    let start = lines.iter().position(|l| l.trim_end() == HEADING);
    let (before, after) = match start {
        Some(i) => {
            let end = lines
                .iter()
                .skip(i + 1)
                .position(is_heading)
                .map_or(lines.len(), |k| i + 1 + k);
            (
                lines.get(..i).unwrap_or_default().concat(),
                lines.get(end..).unwrap_or_default().concat(),
            )
        }
        None => {
            let at = lines
                .iter()
                .position(|l| l.trim_end() == "## License")
                .unwrap_or(lines.len());
            (
                lines.get(..at).unwrap_or_default().concat(),
                lines.get(at..).unwrap_or_default().concat(),
            )
        }
    };
    let mut out = before;
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
    out.push_str(&section);
    if after.is_empty() {
        // no trailing blank line at the end of the file
        while out.ends_with("\n\n") {
            out.pop();
        }
    }
    out.push_str(&after);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prov() -> Provenance {
        Provenance {
            source: Source::Anaconda {
                listing_url: crate::anaconda::DEFAULT_API_URL.into(),
            },
            version: "12.4.127".into(),
            basename: "linux-64/cuda-nvml-dev-12.4.127-0.conda".into(),
            subdir: "linux-64".into(),
            url: Some("https://example.invalid/cuda-nvml-dev-12.4.127-0.conda".into()),
            package_checksum: Some(("sha256".into(), "ab".repeat(32))),
            inner_path: "targets/x86_64-linux/include/nvml.h".into(),
            api_version: Some("12".into()),
            header_sha256: "cd".repeat(32),
            header_size: 100,
            header_lines: 3,
        }
    }

    #[test]
    fn the_real_readme_keeps_its_other_sections() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../headers/README.md");
        let old = std::fs::read_to_string(path).unwrap();
        let new = rewrite_readme(Some(&old), &prov());
        let intro_end = old.find("## Provenance").unwrap();
        assert!(new.starts_with(&old[..intro_end]));
        let license = &old[old.find("## License").unwrap()..];
        assert!(new.ends_with(license), "{new}");
        assert!(new.contains("| version | 12.4.127 |"));
        assert!(new.contains(
            "| package file | `linux-64/cuda-nvml-dev-12.4.127-0.conda` (subdir `linux-64`) |"
        ));
        let section = &new[new.find("## Provenance").unwrap()..];
        let section = &section[..section[3..].find("\n## ").map_or(section.len(), |n| n + 3)];
        assert!(!section.contains("PyPI"), "{section}");
        assert!(
            new.contains("## Previous header"),
            "other sections kept: {new}"
        );
        assert_eq!(new.matches("## Provenance").count(), 1);
        // idempotent
        assert_eq!(rewrite_readme(Some(&new), &prov()), new);
    }

    #[test]
    fn a_readme_without_the_section_gets_one() {
        let new = rewrite_readme(Some("# headers\n\nintro\n"), &prov());
        assert!(
            new.starts_with("# headers\n\nintro\n\n## Provenance\n"),
            "{new}"
        );
        assert!(rewrite_readme(None, &prov()).contains("## Provenance"));
    }
}
