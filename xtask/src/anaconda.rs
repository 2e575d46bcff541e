//! The Anaconda package listing of `cuda-nvml-dev` (channel `nvidia`).
//!
//! The API answers a JSON array with one object per uploaded file. Only a few fields matter
//! here and any of them may be missing or have an unexpected shape in an entry, so every field
//! is optional: an entry that lacks what we need is skipped, never a parse failure of the
//! whole listing. Only a body that is not a JSON array of objects is an error.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The default API base: the file listing of `cuda-nvml-dev` in the `nvidia` channel.
pub const DEFAULT_API_URL: &str = "https://api.anaconda.org/package/nvidia/cuda-nvml-dev/files";

/// One file entry of the listing, as Anaconda serves it (all fields optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawEntry {
    /// Package version, e.g. `12.4.127`.
    #[serde(deserialize_with = "lenient_string")]
    pub version: Option<String>,
    /// `subdir/file name`, e.g. `linux-64/cuda-nvml-dev-12.4.127-0.tar.bz2`.
    #[serde(deserialize_with = "lenient_string")]
    pub basename: Option<String>,
    /// Upload time as Anaconda prints it (`2024-03-05 18:40:36.245000+00:00`).
    #[serde(deserialize_with = "lenient_string")]
    pub upload_time: Option<String>,
    /// Extra attributes; `subdir` is the platform.
    #[serde(deserialize_with = "lenient_attrs")]
    pub attrs: Option<RawAttrs>,
    /// Download URL, usually without a scheme (`//api.anaconda.org/download/...`).
    #[serde(deserialize_with = "lenient_string")]
    pub download_url: Option<String>,
    /// File size in bytes.
    #[serde(deserialize_with = "lenient_u64")]
    pub size: Option<u64>,
    /// MD5 of the file, hex.
    #[serde(deserialize_with = "lenient_string")]
    pub md5: Option<String>,
    /// SHA-256 of the file, hex (missing on some old uploads).
    #[serde(deserialize_with = "lenient_string")]
    pub sha256: Option<String>,
}

/// The `attrs` object of a listing entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawAttrs {
    /// Platform subdirectory, e.g. `linux-64`, `linux-aarch64`, `win-64`.
    #[serde(deserialize_with = "lenient_string")]
    pub subdir: Option<String>,
}

/// A string field: a JSON string or number is taken, anything else (null, an object) is `None`.
fn lenient_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A size field: a non-negative integer, or a string holding one; anything else is `None`.
fn lenient_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// The `attrs` object: anything but an object is `None`.
fn lenient_attrs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<RawAttrs>, D::Error> {
    Ok(serde_json::from_value(serde_json::Value::deserialize(d)?).ok())
}

/// Package archive formats Anaconda serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// Legacy `.tar.bz2` package.
    TarBz2,
    /// `.conda` package: a zip holding `info-*.tar.zst` and `pkg-*.tar.zst`.
    Conda,
    /// Python wheel (`.whl`, a zip holding the files themselves), as NVIDIA publishes
    /// `nvidia-nvml-dev` on PyPI; only read from a local file (`--from-file`).
    Wheel,
    /// `.tar.xz` archive, as NVIDIA's CUDA redist publishes `cuda_nvml_dev`.
    TarXz,
}

impl Format {
    /// The format a file name's extension says, if any.
    pub fn from_name(name: &str) -> Option<Format> {
        if name.ends_with(".conda") {
            Some(Format::Conda)
        } else if name.ends_with(".tar.bz2") {
            Some(Format::TarBz2)
        } else if name.ends_with(".whl") {
            Some(Format::Wheel)
        } else if name.ends_with(".tar.xz") {
            Some(Format::TarXz)
        } else {
            None
        }
    }
}

/// The checksum the listing gives for a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checksum {
    /// SHA-256, lowercase hex.
    Sha256(String),
    /// MD5, lowercase hex (used only when the entry has no SHA-256).
    Md5(String),
}

impl Checksum {
    /// The algorithm's name.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Checksum::Sha256(_) => "sha256",
            Checksum::Md5(_) => "md5",
        }
    }

    /// The expected digest, lowercase hex.
    pub fn hex(&self) -> &str {
        match self {
            Checksum::Sha256(h) | Checksum::Md5(h) => h,
        }
    }
}

/// A usable package file: one row of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Package version, e.g. `12.4.127`.
    pub version: String,
    /// `subdir/file name` as the listing gives it.
    pub basename: String,
    /// Platform subdirectory.
    pub subdir: String,
    /// Upload time as given (may be empty).
    pub upload_time: String,
    /// Absolute download URL.
    pub url: String,
    /// Size in bytes, when listed.
    pub size: Option<u64>,
    /// The checksum to verify, when listed.
    pub checksum: Option<Checksum>,
    /// Archive format.
    pub format: Format,
}

impl Package {
    /// The file name without the subdir, e.g. `cuda-nvml-dev-12.4.127-0.conda`.
    pub fn file_name(&self) -> &str {
        self.basename.rsplit('/').next().unwrap_or(&self.basename)
    }
}

/// Parses the API's JSON body into raw entries.
pub fn parse_listing(body: &[u8]) -> Result<Vec<RawEntry>> {
    let values: Vec<serde_json::Value> = serde_json::from_slice(body)
        .context("malformed package listing: expected a JSON array of file entries")?;
    // An entry of the wrong shape (a string, a number where a string belongs, ...) is skipped.
    Ok(values
        .into_iter()
        .filter_map(|v| serde_json::from_value::<RawEntry>(v).ok())
        .collect())
}

/// Resolves a listing's download URL against the API URL: scheme-less (`//host/...`) URLs take
/// the API URL's scheme (`https` unless the API itself is `http`), path-only URLs
/// (`/download/...`) take the API's scheme and host.
pub fn resolve_url(download_url: &str, api_url: &str) -> String {
    let scheme = if api_url.starts_with("http://") {
        "http:"
    } else {
        "https:"
    };
    if download_url.starts_with("//") {
        format!("{scheme}{download_url}")
    } else if download_url.starts_with('/') {
        let rest = api_url.split_once("://").map_or(api_url, |(_, r)| r);
        let host = rest.split('/').next().unwrap_or(rest);
        format!("{scheme}//{host}{download_url}")
    } else {
        download_url.to_string()
    }
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Turns raw entries into packages of one subdir: entries without a version, a known format or
/// a download URL are dropped; checksums are normalised to lowercase.
pub fn packages(entries: &[RawEntry], subdir: &str, api_url: &str) -> Vec<Package> {
    let mut out = Vec::new();
    for e in entries {
        let (Some(version), Some(basename), Some(download_url)) = (
            e.version.as_deref(),
            e.basename.as_deref(),
            e.download_url.as_deref(),
        ) else {
            continue;
        };
        let entry_subdir = e
            .attrs
            .as_ref()
            .and_then(|a| a.subdir.clone())
            .or_else(|| basename.split_once('/').map(|(s, _)| s.to_string()))
            .unwrap_or_default();
        if entry_subdir != subdir || version.trim().is_empty() {
            continue;
        }
        let Some(format @ (Format::Conda | Format::TarBz2)) = Format::from_name(basename) else {
            continue;
        };
        let sha = e
            .sha256
            .as_deref()
            .map(str::to_ascii_lowercase)
            .filter(|h| is_hex(h, 64));
        let md5 = e
            .md5
            .as_deref()
            .map(str::to_ascii_lowercase)
            .filter(|h| is_hex(h, 32));
        let checksum = sha.map(Checksum::Sha256).or(md5.map(Checksum::Md5));
        out.push(Package {
            version: version.trim().to_string(),
            basename: basename.to_string(),
            subdir: entry_subdir,
            upload_time: e.upload_time.clone().unwrap_or_default(),
            url: resolve_url(download_url, api_url),
            size: e.size,
            checksum,
            format,
        });
    }
    out
}

/// Compares two version strings numerically component by component (`12.10` > `12.9`);
/// components that are not numbers compare as text, after numbers.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let mut ai = a.split(['.', '-', '_']);
    let mut bi = b.split(['.', '-', '_']);
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    (Ok(_), Err(_)) => Ordering::Greater,
                    (Err(_), Ok(_)) => Ordering::Less,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// One row per version, newest version first. Where a version has several files, the
/// `.conda` one wins over `.tar.bz2` (smaller, the format conda itself prefers), then the
/// most recent upload (the highest build).
pub fn one_per_version(packages: Vec<Package>) -> Vec<Package> {
    let mut best: BTreeMap<String, Package> = BTreeMap::new();
    for p in packages {
        let replace = match best.get(&p.version) {
            None => true,
            Some(cur) => (p.format, &p.upload_time) > (cur.format, &cur.upload_time),
        };
        if replace {
            best.insert(p.version.clone(), p);
        }
    }
    let mut rows: Vec<Package> = best.into_values().collect();
    rows.sort_by(|a, b| compare_versions(&b.version, &a.version));
    rows
}

/// Finds the row of a version the user asked for.
pub fn find_version<'a>(rows: &'a [Package], version: &str) -> Result<&'a Package> {
    if let Some(p) = rows.iter().find(|p| p.version == version) {
        return Ok(p);
    }
    let known: Vec<&str> = rows.iter().take(8).map(|p| p.version.as_str()).collect();
    if known.is_empty() {
        bail!("unknown version {version}: the listing has no package for this subdir")
    }
    bail!(
        "unknown version {version}: not in the listing (newest: {}{})",
        known.join(", "),
        if rows.len() > known.len() {
            ", ..."
        } else {
            ""
        }
    )
}

/// Renders the table `--list` prints (and the interactive prompt shows).
pub fn render_table(rows: &[Package]) -> String {
    let vw = rows
        .iter()
        .map(|p| p.version.len())
        .max()
        .unwrap_or(0)
        .max(7);
    let mut s = format!(
        "{:>3}  {:<vw$}  {:<10}  {:>9}  file\n",
        "#", "version", "uploaded", "size"
    );
    for (i, p) in rows.iter().enumerate() {
        let date: String = p.upload_time.chars().take(10).collect();
        let size = p.size.map_or_else(|| "?".to_string(), |s| s.to_string());
        s.push_str(&format!(
            "{:>3}  {:<vw$}  {:<10}  {:>9}  {}\n",
            i + 1,
            p.version,
            date,
            size,
            p.basename
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: &str, basename: &str, upload: &str) -> RawEntry {
        RawEntry {
            version: Some(version.into()),
            basename: Some(basename.into()),
            upload_time: Some(upload.into()),
            attrs: Some(RawAttrs {
                subdir: basename.split('/').next().map(String::from),
            }),
            download_url: Some(format!("//api.anaconda.org/download/nvidia/x/{basename}")),
            size: Some(10),
            md5: Some("0123456789abcdef0123456789ABCDEF".into()),
            sha256: None,
        }
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(compare_versions("12.10.1", "12.9.79"), Ordering::Greater);
        assert_eq!(compare_versions("12.4.127", "12.4.127"), Ordering::Equal);
        assert_eq!(compare_versions("11.8.86", "12.0.76"), Ordering::Less);
        assert_eq!(compare_versions("12.4", "12.4.1"), Ordering::Less);
    }

    #[test]
    fn listing_is_one_row_per_version_newest_first_conda_preferred() {
        let entries = vec![
            entry(
                "12.9.79",
                "linux-64/cuda-nvml-dev-12.9.79-0.tar.bz2",
                "2025-01-01",
            ),
            entry(
                "12.10.1",
                "linux-64/cuda-nvml-dev-12.10.1-0.tar.bz2",
                "2025-02-01",
            ),
            entry(
                "12.10.1",
                "linux-64/cuda-nvml-dev-12.10.1-0.conda",
                "2025-02-01",
            ),
            entry(
                "12.10.1",
                "linux-aarch64/cuda-nvml-dev-12.10.1-0.conda",
                "2025-02-01",
            ),
            entry(
                "12.9.79",
                "linux-64/cuda-nvml-dev-12.9.79-1.tar.bz2",
                "2025-01-09",
            ),
            entry(
                "11.8.86",
                "linux-64/cuda-nvml-dev-11.8.86-0.tar.bz2",
                "2022-10-01",
            ),
        ];
        let rows = one_per_version(packages(&entries, "linux-64", DEFAULT_API_URL));
        let got: Vec<(&str, &str)> = rows
            .iter()
            .map(|p| (p.version.as_str(), p.basename.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("12.10.1", "linux-64/cuda-nvml-dev-12.10.1-0.conda"),
                ("12.9.79", "linux-64/cuda-nvml-dev-12.9.79-1.tar.bz2"),
                ("11.8.86", "linux-64/cuda-nvml-dev-11.8.86-0.tar.bz2"),
            ]
        );
        // md5 is used when sha256 is missing, normalised to lowercase
        assert_eq!(
            rows[0].checksum,
            Some(Checksum::Md5("0123456789abcdef0123456789abcdef".into()))
        );
        assert!(
            rows[0]
                .url
                .starts_with("https://api.anaconda.org/download/")
        );
    }

    #[test]
    fn tolerant_parsing_skips_odd_entries_but_rejects_non_arrays() {
        let body = br#"[{"version": null}, "junk", {"basename": "linux-64/a.conda"},
            {"version": "1.0", "basename": "linux-64/p-1.0-0.conda", "download_url": "//h/p",
             "attrs": {"subdir": "linux-64"}, "extra": [1, 2], "size": "12", "md5": null},
            {"version": 2, "basename": "linux-64/p-2-0.tar.bz2", "download_url": "//h/q",
             "attrs": [], "size": {"bytes": 1}, "sha256": 7}]"#;
        let entries = parse_listing(body).unwrap();
        let rows = packages(&entries, "linux-64", "http://127.0.0.1:1/files");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].url, "http://h/p");
        assert_eq!(rows[0].size, Some(12));
        assert_eq!(rows[1].version, "2");
        assert_eq!(rows[1].subdir, "linux-64"); // from the basename
        assert_eq!(rows[1].size, None);
        assert_eq!(rows[1].checksum, None);
        assert!(parse_listing(b"{\"error\": 1}").is_err());
        assert!(parse_listing(b"[{").is_err());
    }

    #[test]
    fn download_urls_resolve_against_the_api() {
        assert_eq!(
            resolve_url("//api.anaconda.org/d/x", DEFAULT_API_URL),
            "https://api.anaconda.org/d/x"
        );
        assert_eq!(
            resolve_url("/d/x", "http://127.0.0.1:8080/package/files"),
            "http://127.0.0.1:8080/d/x"
        );
        assert_eq!(
            resolve_url("http://127.0.0.1:1/x", DEFAULT_API_URL),
            "http://127.0.0.1:1/x"
        );
    }

    #[test]
    fn unknown_version_names_the_known_ones() {
        let rows = one_per_version(packages(
            &[entry("12.4.127", "linux-64/c-12.4.127-0.conda", "")],
            "linux-64",
            DEFAULT_API_URL,
        ));
        let err = find_version(&rows, "99.0").unwrap_err().to_string();
        assert!(err.contains("unknown version 99.0"), "{err}");
        assert!(err.contains("12.4.127"), "{err}");
    }
}
