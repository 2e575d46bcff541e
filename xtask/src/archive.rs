//! Checksums and extraction of `nvml.h` from a package: conda (`.tar.bz2` or `.conda`), a
//! Python wheel (`.whl`) or a CUDA redist archive (`.tar.xz`).
//!
//! Nothing is unpacked to disk: the archive is read in memory and only the bytes of the one
//! header are kept. Every entry's path is checked first, and an archive holding an entry that
//! would escape the package (`..`, an absolute path) is rejected as a whole.

use std::io::{Cursor, Read};
use std::path::{Component, Path};

use anyhow::{Context, Result, anyhow, bail};
use md5::Md5;
use sha2::{Digest, Sha256};

use crate::anaconda::{Checksum, Format};

/// The largest header accepted (the NVML 13 header is under 1 MiB).
const MAX_HEADER_BYTES: u64 = 64 << 20;
/// The largest `pkg-*.tar.zst` accepted inside a `.conda`.
const MAX_INNER_BYTES: u64 = 512 << 20;

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Lowercase hex MD5 of `data`.
pub fn md5_hex(data: &[u8]) -> String {
    hex(&Md5::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks `data` against the listed checksum.
pub fn verify(data: &[u8], expected: &Checksum) -> Result<()> {
    let actual = match expected {
        Checksum::Sha256(_) => sha256_hex(data),
        Checksum::Md5(_) => md5_hex(data),
    };
    if actual != expected.hex() {
        bail!(
            "checksum mismatch: {} of the download is {actual}, the listing says {}",
            expected.algorithm(),
            expected.hex()
        );
    }
    Ok(())
}

/// The header found in a package.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// Path of the header inside the package, e.g. `targets/x86_64-linux/include/nvml.h`.
    pub path: String,
    /// The header's bytes.
    pub bytes: Vec<u8>,
}

/// Guesses a package's format from its first bytes (zip or bzip2 magic).
pub fn sniff_format(data: &[u8]) -> Option<Format> {
    if data.starts_with(b"PK\x03\x04") {
        Some(Format::Conda)
    } else if data.starts_with(b"BZh") {
        Some(Format::TarBz2)
    } else if data.starts_with(b"\xfd7zXZ\0") {
        Some(Format::TarXz)
    } else {
        None
    }
}

/// Extracts the one `.../include/nvml.h` from a package of the given format.
pub fn extract_nvml_h(data: &[u8], format: Format) -> Result<Extracted> {
    match format {
        Format::TarBz2 => extract_from_tar(
            bzip2::read::MultiBzDecoder::new(Cursor::new(data)),
            "package",
        ),
        Format::Conda => extract_from_conda(data),
        Format::Wheel => extract_from_wheel(data),
        Format::TarXz => extract_from_tar(xz_decoder(data)?, "archive"),
    }
}

/// Whether an archive path stays inside the package.
fn check_entry_path(path: &Path, shown: &str) -> Result<()> {
    for c in path.components() {
        match c {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                bail!("unsafe archive entry {shown:?}: it would escape the package; refusing it")
            }
        }
    }
    Ok(())
}

fn is_nvml_h(path: &Path) -> bool {
    let mut comps = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .rev();
    matches!(
        (comps.next(), comps.next()),
        (Some(Component::Normal(f)), Some(Component::Normal(d))) if f == "nvml.h" && d == "include"
    )
}

fn extract_from_tar<R: Read>(reader: R, what: &str) -> Result<Extracted> {
    let corrupt =
        || format!("corrupt or truncated archive: cannot read the tar stream of the {what}");
    let mut archive = tar::Archive::new(reader);
    let mut found: Option<Extracted> = None;
    for entry in archive.entries().with_context(corrupt)? {
        let mut entry = entry.with_context(corrupt)?;
        let raw = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let path = entry.path().with_context(corrupt)?.into_owned();
        check_entry_path(&path, &shown)?;
        if found.is_none() && entry.header().entry_type().is_file() && is_nvml_h(&path) {
            let size = entry.header().size().with_context(corrupt)?;
            if size > MAX_HEADER_BYTES {
                bail!("{shown} in the package is {size} bytes: too large for a header");
            }
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).with_context(corrupt)?;
            found = Some(Extracted {
                path: shown.trim_start_matches("./").to_string(),
                bytes,
            });
        } else {
            // Read through the entry so a truncated stream is noticed wherever it breaks.
            std::io::copy(&mut entry, &mut std::io::sink()).with_context(corrupt)?;
        }
    }
    found
        .ok_or_else(|| anyhow!("no include/nvml.h in the {what}: is this a cuda-nvml-dev package?"))
}

fn extract_from_conda(data: &[u8]) -> Result<Extracted> {
    let corrupt = "corrupt or truncated archive: not a readable .conda (zip) file";
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).context(corrupt)?;
    let mut pkg_index = None;
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).context(corrupt)?;
        let name = String::from_utf8_lossy(file.name_raw()).into_owned();
        if file.enclosed_name().is_none() {
            bail!("unsafe archive entry {name:?}: it would escape the package; refusing it");
        }
        if name.starts_with("pkg-") && name.ends_with(".tar.zst") && pkg_index.is_none() {
            pkg_index = Some(i);
        }
    }
    let Some(index) = pkg_index else {
        bail!("no pkg-*.tar.zst in the .conda file: is this a conda package?");
    };
    let file = zip.by_index(index).context(corrupt)?;
    let name = String::from_utf8_lossy(file.name_raw()).into_owned();
    let mut inner = Vec::new();
    file.take(MAX_INNER_BYTES)
        .read_to_end(&mut inner)
        .with_context(|| format!("corrupt or truncated archive: cannot read {name}"))?;
    let decoder = zstd::stream::read::Decoder::new(Cursor::new(inner))
        .with_context(|| format!("corrupt or truncated archive: cannot decompress {name}"))?;
    extract_from_tar(decoder, &name)
}

/// The whole decompressed stream of an `.xz` file (bounded by [`MAX_INNER_BYTES`]).
fn xz_decoder(data: &[u8]) -> Result<Cursor<Vec<u8>>> {
    let mut out = Vec::new();
    let mut limited = LimitedWriter {
        inner: &mut out,
        left: MAX_INNER_BYTES,
    };
    lzma_rs::xz_decompress(&mut Cursor::new(data), &mut limited)
        .map_err(|e| anyhow!("corrupt or truncated archive: cannot decompress the .tar.xz: {e}"))?;
    Ok(Cursor::new(out))
}

/// A writer that fails once more than `left` bytes were written to it.
struct LimitedWriter<'a> {
    inner: &'a mut Vec<u8>,
    left: u64,
}

impl std::io::Write for LimitedWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len() as u64;
        if n > self.left {
            return Err(std::io::Error::other(
                "the archive decompresses to too many bytes",
            ));
        }
        self.left -= n;
        self.inner.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn extract_from_wheel(data: &[u8]) -> Result<Extracted> {
    let corrupt = "corrupt or truncated archive: not a readable wheel (zip) file";
    let mut zip = zip::ZipArchive::new(Cursor::new(data)).context(corrupt)?;
    let mut found = None;
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).context(corrupt)?;
        let name = String::from_utf8_lossy(file.name_raw()).into_owned();
        let Some(path) = file.enclosed_name() else {
            bail!("unsafe archive entry {name:?}: it would escape the package; refusing it");
        };
        if found.is_none() && file.is_file() && is_nvml_h(&path) {
            found = Some((i, name));
        }
    }
    let Some((index, name)) = found else {
        bail!("no include/nvml.h in the wheel: is this an nvidia-nvml-dev wheel?");
    };
    let file = zip.by_index(index).context(corrupt)?;
    if file.size() > MAX_HEADER_BYTES {
        bail!(
            "{name} in the wheel is {} bytes: too large for a header",
            file.size()
        );
    }
    let mut bytes = Vec::new();
    file.take(MAX_HEADER_BYTES)
        .read_to_end(&mut bytes)
        .with_context(|| format!("corrupt or truncated archive: cannot read {name}"))?;
    Ok(Extracted { path: name, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_paths_are_recognised_at_any_depth() {
        assert!(is_nvml_h(Path::new("include/nvml.h")));
        assert!(is_nvml_h(Path::new(
            "./targets/x86_64-linux/include/nvml.h"
        )));
        assert!(!is_nvml_h(Path::new("include/nvml.hpp")));
        assert!(!is_nvml_h(Path::new("nvml.h")));
        assert!(!is_nvml_h(Path::new("lib/nvml.h")));
    }

    #[test]
    fn escaping_paths_are_refused() {
        assert!(check_entry_path(Path::new("include/nvml.h"), "").is_ok());
        assert!(check_entry_path(Path::new("../include/nvml.h"), "").is_err());
        assert!(check_entry_path(Path::new("a/../../b"), "").is_err());
        assert!(check_entry_path(Path::new("/etc/passwd"), "").is_err());
    }

    #[test]
    fn checksums_are_checked() {
        let sha = sha256_hex(b"abc");
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(verify(b"abc", &Checksum::Sha256(sha)).is_ok());
        assert!(verify(b"abd", &Checksum::Md5(md5_hex(b"abc"))).is_err());
    }
}
