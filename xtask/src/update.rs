//! `cargo xtask update-header`: list, choose, download, verify, extract, install, report.
//!
//! Everything that can fail (network, listing, checksum, archive, header check) happens
//! before anything is written. The two files are then written to temporary files in
//! `headers/` and renamed into place, so `headers/nvml.h` is always either the old header or
//! the new one, whole.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::anaconda::{self, Format, Package};
use crate::archive;
use crate::diff;
use crate::header::{self, HeaderInfo};
use crate::http::Client;
use crate::provenance::{self, Provenance};
use crate::wrapped;

/// How the package is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// `--version V`.
    Version(String),
    /// `--latest`.
    Latest,
    /// Ask on the terminal (stdin is a terminal and `--yes` was not given).
    Prompt,
    /// Nothing chosen and no way to ask.
    None,
}

/// Options of `update-header`, resolved.
#[derive(Debug, Clone)]
pub struct Options {
    /// Repository root (holds `headers/` and `nvml-wrapper/`).
    pub root: PathBuf,
    /// The listing URL.
    pub api_url: String,
    /// Platform subdirectory to list.
    pub subdir: String,
    /// Timeout of each network phase.
    pub timeout: Duration,
    /// Print the table and stop.
    pub list: bool,
    /// Which package to take.
    pub choice: Choice,
    /// Take this package file instead of downloading one.
    pub from_file: Option<PathBuf>,
    /// Read NVIDIA's CUDA redist JSON of this CUDA release (base URL, CUDA version) instead
    /// of the Anaconda listing.
    pub redist: Option<(String, String)>,
}

/// A verified package's header, ready to install.
struct Fetched {
    source: provenance::Source,
    bytes: Vec<u8>,
    inner_path: String,
    version: String,
    basename: String,
    subdir: String,
    url: Option<String>,
    checksum: Option<(String, String)>,
}

/// Runs the command. The report goes to `out`; the prompt reads `input` and writes `prompt`.
pub fn run(
    opts: &Options,
    out: &mut dyn Write,
    input: &mut dyn BufRead,
    prompt: &mut dyn Write,
) -> Result<()> {
    let headers = opts.root.join("headers");
    if !headers.is_dir() && !opts.list {
        bail!(
            "{} is not a directory: run from the repository or pass --root",
            headers.display()
        );
    }
    let fetched = match (&opts.from_file, &opts.redist) {
        (Some(path), _) => from_file(path)?,
        (None, Some((base, cuda))) => {
            from_redist(&Client::new(opts.timeout), base, cuda, &opts.subdir)?
        }
        (None, None) => {
            let client = Client::new(opts.timeout);
            let rows = list(&client, opts)?;
            if opts.list {
                write!(out, "{}", anaconda::render_table(&rows))?;
                return Ok(());
            }
            let pkg = choose(&rows, &opts.choice, input, prompt)?;
            download(&client, pkg, &opts.api_url)?
        }
    };
    install(&opts.root, &fetched, out)
}

fn list(client: &Client, opts: &Options) -> Result<Vec<Package>> {
    let body = client.get(&opts.api_url, None)?;
    let entries = anaconda::parse_listing(&body)?;
    let rows = anaconda::one_per_version(anaconda::packages(&entries, &opts.subdir, &opts.api_url));
    if rows.is_empty() {
        bail!(
            "the listing at {} has no cuda-nvml-dev package for subdir {} ({} entries in all)",
            opts.api_url,
            opts.subdir,
            entries.len()
        );
    }
    Ok(rows)
}

/// Picks the package the options name, or asks for it.
pub fn choose<'a>(
    rows: &'a [Package],
    choice: &Choice,
    input: &mut dyn BufRead,
    prompt: &mut dyn Write,
) -> Result<&'a Package> {
    match choice {
        Choice::Version(v) => anaconda::find_version(rows, v),
        Choice::Latest => rows.first().context("the listing is empty"),
        Choice::None => bail!(
            "no version chosen (and no prompt: stdin is not a terminal, or --yes): pass \
             --version V or --latest (--list shows the versions)"
        ),
        Choice::Prompt => {
            let newest = rows.first().context("the listing is empty")?;
            write!(prompt, "{}", anaconda::render_table(rows))?;
            write!(
                prompt,
                "Which version should headers/nvml.h be updated to? (number or version, \
                 default {}): ",
                newest.version
            )?;
            prompt.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                bail!("no answer (end of input): nothing changed");
            }
            let answer = line.trim();
            if answer.is_empty() {
                return Ok(newest);
            }
            if let Some(p) = answer
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| rows.get(i))
                .filter(|_| !answer.contains('.'))
            {
                return Ok(p);
            }
            anaconda::find_version(rows, answer)
        }
    }
}

fn download(client: &Client, pkg: &Package, listing_url: &str) -> Result<Fetched> {
    let data = client.get(&pkg.url, Some(pkg.file_name()))?;
    let checksum = match &pkg.checksum {
        Some(c) => {
            archive::verify(&data, c).with_context(|| pkg.basename.clone())?;
            Some((c.algorithm().to_string(), c.hex().to_string()))
        }
        None => {
            eprintln!(
                "warning: the listing gives no checksum for {}: not verified",
                pkg.basename
            );
            None
        }
    };
    let ex =
        archive::extract_nvml_h(&data, pkg.format).with_context(|| pkg.basename.to_string())?;
    Ok(Fetched {
        source: provenance::Source::Anaconda {
            listing_url: listing_url.to_string(),
        },
        bytes: ex.bytes,
        inner_path: ex.path,
        version: pkg.version.clone(),
        basename: pkg.basename.clone(),
        subdir: pkg.subdir.clone(),
        url: Some(pkg.url.clone()),
        checksum,
    })
}

fn from_redist(client: &Client, base: &str, cuda: &str, subdir: &str) -> Result<Fetched> {
    let json_url = crate::redist::json_url(base, cuda);
    let body = client.get(&json_url, None)?;
    let archive = crate::redist::parse(&body, base, crate::redist::platform(subdir))
        .with_context(|| json_url.clone())?;
    let file = archive
        .relative_path
        .rsplit('/')
        .next()
        .unwrap_or(&archive.relative_path)
        .to_string();
    let data = client.get(&archive.url, Some(&file))?;
    let checksum = match &archive.checksum {
        Some(c) => {
            archive::verify(&data, c).with_context(|| file.clone())?;
            Some((c.algorithm().to_string(), c.hex().to_string()))
        }
        None => {
            eprintln!("warning: the redist JSON gives no checksum for {file}: not verified");
            None
        }
    };
    let ex = archive::extract_nvml_h(&data, Format::TarXz).with_context(|| file.clone())?;
    Ok(Fetched {
        source: provenance::Source::Redist {
            base_url: base.to_string(),
            cuda_version: cuda.to_string(),
        },
        bytes: ex.bytes,
        inner_path: ex.path,
        version: archive.version,
        basename: archive.relative_path,
        subdir: crate::redist::platform(subdir).to_string(),
        url: Some(archive.url),
        checksum,
    })
}

/// The version in a package file name: conda `cuda-nvml-dev-<version>-<build>.<ext>`, wheel
/// `nvidia_nvml_dev-<version>-<tags>.whl`, redist `cuda_nvml_dev-<platform>-<version>-archive.tar.xz`.
pub fn version_from_file_name(name: &str) -> Option<String> {
    if let Some(rest) = name
        .strip_prefix("nvidia_nvml_dev-")
        .filter(|_| name.ends_with(".whl"))
    {
        let version = rest.split('-').next()?;
        return (!version.is_empty()).then(|| version.to_string());
    }
    if let Some(rest) = name
        .strip_prefix("cuda_nvml_dev-")
        .and_then(|r| r.strip_suffix("-archive.tar.xz"))
    {
        let (_platform, version) = rest.rsplit_once('-')?;
        return (!version.is_empty()).then(|| version.to_string());
    }
    let stem = name
        .strip_suffix(".conda")
        .or_else(|| name.strip_suffix(".tar.bz2"))?;
    let rest = stem.strip_prefix("cuda-nvml-dev-")?;
    let (version, _build) = rest.rsplit_once('-')?;
    (!version.is_empty()).then(|| version.to_string())
}

fn from_file(path: &Path) -> Result<Fetched> {
    let data = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = Format::from_name(&name)
        .or_else(|| archive::sniff_format(&data))
        .with_context(|| {
            format!(
                "{name}: not a package this tool reads (expected a .conda, .tar.bz2, .whl or \
                 .tar.xz file)"
            )
        })?;
    let ex = archive::extract_nvml_h(&data, format).with_context(|| name.clone())?;
    Ok(Fetched {
        source: provenance::Source::LocalFile(format),
        bytes: ex.bytes,
        inner_path: ex.path,
        version: version_from_file_name(&name).unwrap_or_else(|| "unknown".to_string()),
        basename: name,
        subdir: String::new(),
        url: None,
        checksum: Some(("sha256".to_string(), archive::sha256_hex(&data))),
    })
}

/// Writes `bytes` to `dest` through a temporary file in the same directory and a rename.
fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
    let dir = dest
        .parent()
        .context("destination has no parent directory")?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".xtask-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    let perms = match std::fs::metadata(dest) {
        Ok(m) => m.permissions(),
        Err(_) => default_permissions(tmp.as_file())?,
    };
    std::fs::set_permissions(tmp.path(), perms)
        .with_context(|| format!("cannot set permissions of {}", tmp.path().display()))?;
    Ok(tmp)
}

#[cfg(unix)]
fn default_permissions(_: &std::fs::File) -> Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(f: &std::fs::File) -> Result<std::fs::Permissions> {
    Ok(f.metadata()?.permissions())
}

fn install(root: &Path, f: &Fetched, out: &mut dyn Write) -> Result<()> {
    let (_, new_info) = header::validate(&f.bytes).with_context(|| {
        format!(
            "{} in {}",
            f.inner_path,
            f.basename.rsplit('/').next().unwrap_or(&f.basename)
        )
    })?;
    let headers = root.join("headers");
    let header_path = headers.join("nvml.h");
    let readme_path = headers.join("README.md");
    let old_bytes = match std::fs::read(&header_path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", header_path.display())),
    };
    let old_info = old_bytes
        .as_deref()
        .map(|b| header::parse(&String::from_utf8_lossy(b)))
        .unwrap_or_else(HeaderInfo::default);
    let old_readme = match std::fs::read_to_string(&readme_path) {
        Ok(s) => Some(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", readme_path.display())),
    };
    let wrapper_src = root.join(wrapped::WRAPPER_SRC);
    // Coverage's rule: a function is done when nvml-wrapper calls it or excuses it.
    let rows = crate::versioned::rows(root)?;
    let mut wrapped = wrapped::wrapped_functions(&wrapper_src, &rows, &new_info.functions)?;
    wrapped.extend(
        crate::coverage::read_excusals(root)?
            .into_iter()
            .map(|e| e.function),
    );
    let report = diff::diff(&old_info, &new_info, &wrapped);

    let header_sha256 = archive::sha256_hex(&f.bytes);
    let prov = Provenance {
        source: f.source.clone(),
        version: f.version.clone(),
        basename: f.basename.clone(),
        subdir: f.subdir.clone(),
        url: f.url.clone(),
        package_checksum: f.checksum.clone(),
        inner_path: f.inner_path.clone(),
        api_version: new_info.api_version.clone(),
        header_sha256: header_sha256.clone(),
        header_size: f.bytes.len(),
        header_lines: f.bytes.iter().filter(|&&b| b == b'\n').count(),
    };
    let readme = provenance::rewrite_readme(old_readme.as_deref(), &prov);

    // Both temporaries are complete before either rename.
    let tmp_header = write_atomically(&header_path, &f.bytes)?;
    let tmp_readme = write_atomically(&readme_path, readme.as_bytes())?;
    tmp_header
        .persist(&header_path)
        .with_context(|| format!("cannot replace {}", header_path.display()))?;
    if let Err(e) = tmp_readme.persist(&readme_path) {
        // Put the old header back so the two files keep agreeing.
        if let Some(old) = &old_bytes
            && let Ok(t) = write_atomically(&header_path, old)
        {
            let _ = t.persist(&header_path);
        }
        return Err(e).with_context(|| format!("cannot replace {}", readme_path.display()));
    }

    let unchanged = old_bytes.as_deref() == Some(f.bytes.as_slice());
    writeln!(
        out,
        "headers/nvml.h {} {} ({}, {})",
        if unchanged {
            "unchanged: already"
        } else {
            "updated to"
        },
        f.version,
        f.basename,
        f.inner_path
    )?;
    writeln!(
        out,
        "  sha256 {header_sha256}, {} bytes; headers/README.md provenance rewritten\n",
        f.bytes.len()
    )?;
    write!(out, "{}", report.render())?;
    if wrapper_src.is_dir() {
        writeln!(
            out,
            "  (as `cargo xtask coverage` counts: called through nvml_call! in {}, or excused in {})",
            wrapped::WRAPPER_SRC,
            crate::excused::EXCUSALS_FILE
        )?;
    } else {
        writeln!(
            out,
            "  ({} not found: every added function is listed)",
            wrapped::WRAPPER_SRC
        )?;
    }
    writeln!(out, "\nNext steps:")?;
    if let Some(old) = &old_bytes
        && !unchanged
    {
        let old_sha = archive::sha256_hex(old);
        for file in files_recording(&root.join("nvml-sys"), &old_sha) {
            let shown = file.strip_prefix(root).unwrap_or(&file);
            writeln!(
                out,
                "  - {} still records the old header's sha256 {old_sha}: set it to {header_sha256}",
                shown.display()
            )?;
        }
    }
    writeln!(
        out,
        "  - regenerate the checked-in pregenerated bindings and everything else generated from \
         the header (MODELED.md, ...): cargo xtask codegen"
    )?;
    if !report.families.is_empty() {
        let names: Vec<&str> = report.families.iter().map(|f| f.family.as_str()).collect();
        writeln!(
            out,
            "  - add the new versions to their rows of nvml-wrapper/src/versions.rs, newest first, \
             with the fallback to the older ones, then run cargo xtask codegen again (it writes \
             the table as data, nvml-sys/pregenerated/versioned.tsv): {}",
            names.join(", ")
        )?;
    }
    if !report.unwrapped_added.is_empty() {
        writeln!(
            out,
            "  - wrap (or excuse) the {} added functions; `cargo xtask coverage` lists them by \
             group, and `cargo xtask coverage --check` passes when none is left",
            report.unwrapped_added.len()
        )?;
    }
    if !(report.field_ids_added.is_empty() && report.field_ids_renumbered.is_empty()) {
        writeln!(
            out,
            "  - field ids changed: name the new ones in nvml-wrapper/src/device/field_values.rs \
             (`field`), and check its renumbering table against the renumbered ones"
        )?;
    }
    if !(report.enum_values_added.is_empty() && report.constants_added.is_empty()) {
        writeln!(
            out,
            "  - new enum values and constants: add the variants to nvml-wrapper's enums \
             (until then they read as `Other(raw)`)"
        )?;
    }
    writeln!(
        out,
        "  - set the README's coverage sentence to the last line `cargo xtask coverage` prints\n  \
         - build, test and review: cargo test --workspace && git diff --stat headers nvml-sys"
    )?;
    Ok(())
}

/// Rust sources under `dir` (outside `pregenerated/`, which `cargo xtask codegen` rewrites) that
/// spell out `sha`: constants that pin the previous header and must follow it.
fn files_recording(dir: &Path, sha: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(ty) = entry.file_type() else { continue };
            if ty.is_dir() {
                if entry.file_name() != "pregenerated" && entry.file_name() != "target" {
                    stack.push(path);
                }
            } else if ty.is_file()
                && path.extension().is_some_and(|e| e == "rs")
                && std::fs::read_to_string(&path).is_ok_and(|s| s.contains(sha))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::anaconda::{Checksum, DEFAULT_API_URL, RawAttrs, RawEntry};

    fn rows() -> Vec<Package> {
        let entries: Vec<RawEntry> = ["12.9.79", "12.10.1", "11.8.86"]
            .iter()
            .map(|v| RawEntry {
                version: Some((*v).into()),
                basename: Some(format!("linux-64/cuda-nvml-dev-{v}-0.conda")),
                attrs: Some(RawAttrs {
                    subdir: Some("linux-64".into()),
                }),
                download_url: Some(format!("//h/{v}")),
                sha256: Some("00".repeat(32)),
                ..RawEntry::default()
            })
            .collect();
        anaconda::one_per_version(anaconda::packages(&entries, "linux-64", DEFAULT_API_URL))
    }

    fn ask(answer: &str) -> (Result<String>, String) {
        let rows = rows();
        let mut input = std::io::Cursor::new(answer.as_bytes().to_vec());
        let mut shown = Vec::new();
        let r = choose(&rows, &Choice::Prompt, &mut input, &mut shown).map(|p| p.version.clone());
        (r, String::from_utf8(shown).unwrap())
    }

    #[test]
    fn the_prompt_defaults_to_the_newest_and_takes_numbers_or_versions() {
        let (r, shown) = ask("\n");
        assert_eq!(r.unwrap(), "12.10.1");
        assert!(shown.contains("default 12.10.1"), "{shown}");
        assert!(shown.contains("12.9.79"), "{shown}");
        assert_eq!(ask("3\n").0.unwrap(), "11.8.86");
        assert_eq!(ask("12.9.79\n").0.unwrap(), "12.9.79");
        assert!(ask("7.0\n").0.is_err());
        // end of input (Ctrl-D) aborts
        assert!(
            ask("")
                .0
                .unwrap_err()
                .to_string()
                .contains("nothing changed")
        );
    }

    #[test]
    fn no_choice_without_a_terminal_is_an_error() {
        let rows = rows();
        let err = choose(&rows, &Choice::None, &mut std::io::empty(), &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--version") && err.contains("--latest"),
            "{err}"
        );
        let latest = choose(
            &rows,
            &Choice::Latest,
            &mut std::io::empty(),
            &mut Vec::new(),
        );
        assert_eq!(latest.unwrap().version, "12.10.1");
        assert_eq!(rows[0].checksum, Some(Checksum::Sha256("00".repeat(32))));
    }

    #[test]
    fn versions_are_read_from_package_file_names() {
        assert_eq!(
            version_from_file_name("cuda-nvml-dev-12.4.127-0.tar.bz2").as_deref(),
            Some("12.4.127")
        );
        assert_eq!(
            version_from_file_name("cuda-nvml-dev-12.9.79-h5888daf_1.conda").as_deref(),
            Some("12.9.79")
        );
        assert_eq!(
            version_from_file_name(
                "nvidia_nvml_dev-13.5.37-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl"
            )
            .as_deref(),
            Some("13.5.37")
        );
        assert_eq!(
            version_from_file_name("cuda_nvml_dev-linux-x86_64-13.0.87-archive.tar.xz").as_deref(),
            Some("13.0.87")
        );
        assert_eq!(version_from_file_name("other.zip"), None);
    }
}
