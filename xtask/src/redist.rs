//! NVIDIA's CUDA redistributable JSON (`redistrib_<cuda version>.json` under
//! `https://developer.download.nvidia.com/compute/cuda/redist`), as NVIDIA's go-nvml reads it:
//! the `cuda_nvml_dev` component's `version`, and per platform the archive's `relative_path`
//! (a `.tar.xz` under the same base URL) with its `sha256`.

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;

use crate::anaconda::Checksum;

/// The default base URL of the redist JSON files and archives.
pub const DEFAULT_BASE_URL: &str = "https://developer.download.nvidia.com/compute/cuda/redist";

/// The JSON's URL for a CUDA release under `base`.
pub fn json_url(base: &str, cuda_version: &str) -> String {
    format!(
        "{}/redistrib_{cuda_version}.json",
        base.trim_end_matches('/')
    )
}

/// The redist platform name for a conda-style subdir (`linux-64` is `linux-x86_64`); other
/// names are taken as redist platforms (`linux-sbsa`, `windows-x86_64`).
pub fn platform(subdir: &str) -> &str {
    match subdir {
        "linux-64" => "linux-x86_64",
        "linux-aarch64" => "linux-sbsa",
        "win-64" => "windows-x86_64",
        other => other,
    }
}

/// The `cuda_nvml_dev` archive a redist JSON lists for one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archive {
    /// `cuda_nvml_dev.version`, e.g. `13.0.87`.
    pub version: String,
    /// The archive's path under the base URL.
    pub relative_path: String,
    /// The archive's full URL.
    pub url: String,
    /// Its checksum as listed (sha256, else md5), if any.
    pub checksum: Option<Checksum>,
}

#[derive(Deserialize)]
struct Json {
    cuda_nvml_dev: Option<Component>,
}

#[derive(Deserialize)]
struct Component {
    version: Option<String>,
    #[serde(flatten)]
    platforms: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct Platform {
    relative_path: Option<String>,
    sha256: Option<String>,
    md5: Option<String>,
}

/// Reads the `cuda_nvml_dev` archive for `platform` out of a redist JSON at `base`.
pub fn parse(body: &[u8], base: &str, platform: &str) -> Result<Archive> {
    let json: Json =
        serde_json::from_slice(body).context("malformed redist JSON: not the expected object")?;
    let component = json
        .cuda_nvml_dev
        .ok_or_else(|| anyhow!("the redist JSON lists no cuda_nvml_dev component"))?;
    let version = component
        .version
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| anyhow!("the redist JSON's cuda_nvml_dev has no version"))?;
    let entry = component.platforms.get(platform).ok_or_else(|| {
        let known: Vec<&str> = component
            .platforms
            .iter()
            .filter(|(_, v)| v.is_object())
            .map(|(k, _)| k.as_str())
            .collect();
        anyhow!(
            "the redist JSON's cuda_nvml_dev has no {platform} archive (it has: {})",
            known.join(", ")
        )
    })?;
    let entry: Platform = serde_json::from_value(entry.clone())
        .with_context(|| format!("malformed redist JSON: cuda_nvml_dev.{platform}"))?;
    let relative_path = entry.relative_path.ok_or_else(|| {
        anyhow!("the redist JSON's cuda_nvml_dev.{platform} has no relative_path")
    })?;
    if relative_path.starts_with('/') || relative_path.split('/').any(|c| c == "..") {
        bail!("the redist JSON's relative_path {relative_path:?} leaves the base URL");
    }
    let hex = |s: Option<String>, len: usize| {
        s.map(|h| h.to_ascii_lowercase())
            .filter(|h| h.len() == len && h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let checksum = hex(entry.sha256, 64)
        .map(Checksum::Sha256)
        .or_else(|| hex(entry.md5, 32).map(Checksum::Md5));
    Ok(Archive {
        version: version.trim().to_string(),
        url: format!("{}/{relative_path}", base.trim_end_matches('/')),
        relative_path,
        checksum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_component_and_platform_are_read_and_paths_checked() {
        let body = br#"{"release_date": "2025-08-04",
            "cuda_nvml_dev": {"name": "CUDA NVML Headers", "version": "13.0.39",
              "linux-x86_64": {"relative_path": "cuda_nvml_dev/linux-x86_64/cuda_nvml_dev-linux-x86_64-13.0.39-archive.tar.xz",
                               "sha256": "AB", "md5": "0123456789abcdef0123456789abcdef", "size": "1"}}}"#;
        let a = parse(body, "http://h/redist/", "linux-x86_64").unwrap();
        assert_eq!(a.version, "13.0.39");
        assert_eq!(
            a.url,
            "http://h/redist/cuda_nvml_dev/linux-x86_64/cuda_nvml_dev-linux-x86_64-13.0.39-archive.tar.xz"
        );
        // A sha256 that is not one falls back to the md5.
        assert_eq!(
            a.checksum,
            Some(Checksum::Md5("0123456789abcdef0123456789abcdef".into()))
        );
        let err = parse(body, "http://h", "linux-sbsa")
            .unwrap_err()
            .to_string();
        assert!(err.contains("linux-x86_64"), "{err}");
        assert!(parse(b"{}", "http://h", "linux-x86_64").is_err());
        let escape = br#"{"cuda_nvml_dev": {"version": "1", "linux-x86_64": {"relative_path": "../x.tar.xz"}}}"#;
        assert!(parse(escape, "http://h", "linux-x86_64").is_err());
        assert_eq!(platform("linux-64"), "linux-x86_64");
        assert_eq!(
            json_url("http://h/redist/", "13.0.0"),
            "http://h/redist/redistrib_13.0.0.json"
        );
    }
}
