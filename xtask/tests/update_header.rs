//! `cargo xtask update-header` end to end: the real binary against a local fixture server
//! (127.0.0.1) serving package listings and packages that these tests build, on a temporary
//! copy of the repository's `headers/` (the real one is never touched).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use md5::Md5;
use sha2::{Digest, Sha256};

const REAL_HEADER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../headers/nvml.h");
const REAL_README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../headers/README.md");
const API_PATH: &str = "/package/nvidia/cuda-nvml-dev/files";
/// NVIDIA's real NVML 13.4.92 header, the one before `headers/nvml.h` (13.5.37): see
/// `tests/data/README.md` for where it came from.
const HEADER_13_4_92: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/nvml-13.4.92.h");

/// A small header that passes the NVML check (used where the content does not matter).
const MINI_HEADER: &str = "#define NVML_API_VERSION 13\n\
    nvmlReturn_t DECLDIR nvmlInit_v2(void);\n\
    nvmlReturn_t DECLDIR nvmlShutdown(void);\n";

// ------------------------------------------------------------------------------------------
// fixture HTTP server

/// What the server answers for a path.
#[derive(Clone)]
enum Reply {
    /// 200 with this body.
    Body(Vec<u8>),
    /// This status, empty body.
    Status(u16),
    /// Accept, then say nothing for a few seconds.
    Stall,
    /// 302 to this path (Anaconda redirects downloads to its CDN).
    Redirect(String),
    /// 200 claiming `claimed` bytes but sending only the body, then closing.
    Short { body: Vec<u8>, claimed: usize },
}

struct Server {
    port: u16,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn respond(mut stream: TcpStream, routes: &Mutex<HashMap<String, Reply>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&req)
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let reply = routes
        .lock()
        .unwrap()
        .get(&path)
        .cloned()
        .unwrap_or(Reply::Status(404));
    let head = |status: &str, len: usize| {
        format!("HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n")
    };
    let _ = match reply {
        Reply::Body(body) => stream
            .write_all(head("200 OK", body.len()).as_bytes())
            .and_then(|()| stream.write_all(&body)),
        Reply::Status(code) => stream.write_all(head(&format!("{code} Fixture"), 0).as_bytes()),
        Reply::Redirect(to) => stream.write_all(
            format!("HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        ),
        Reply::Stall => {
            std::thread::sleep(Duration::from_secs(4));
            Ok(())
        }
        Reply::Short { body, claimed } => stream
            .write_all(head("200 OK", claimed).as_bytes())
            .and_then(|()| stream.write_all(&body)),
    };
    let _ = stream.flush();
}

impl Server {
    /// Serves until dropped (and at most two minutes), on 127.0.0.1 only.
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (routes.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !s.load(Ordering::SeqCst) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let r = r.clone();
                        std::thread::spawn(move || respond(stream, &r));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            routes,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn api_url(&self) -> String {
        self.url(API_PATH)
    }

    fn route(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ------------------------------------------------------------------------------------------
// fixture packages

/// A tar archive of (path, contents); paths are written raw, so `../x` and `/x` are possible.
fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in entries {
        let mut h = tar::Header::new_gnu();
        let name = path.as_bytes();
        h.as_old_mut().name[..name.len()].copy_from_slice(name);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap()
}

fn tar_bz2(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    enc.write_all(&tar_of(entries)).unwrap();
    enc.finish().unwrap()
}

/// A `.conda`: a stored zip of `metadata.json`, `info-*.tar.zst` and `pkg-*.tar.zst`.
fn conda_with(zip_entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in zip_entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn conda(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let pkg = zstd::encode_all(&tar_of(entries)[..], 3).unwrap();
    let info = zstd::encode_all(&tar_of(&[("info/index.json", b"{}")])[..], 3).unwrap();
    conda_with(&[
        (
            "metadata.json",
            br#"{"conda_pkg_format_version": 2}"#.to_vec(),
        ),
        ("info-cuda-nvml-dev-1-0.tar.zst", info),
        ("pkg-cuda-nvml-dev-1-0.tar.zst", pkg),
    ])
}

fn sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn md5(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One listing entry for a package served at its Anaconda-like path.
struct Entry {
    version: &'static str,
    file: String,
    subdir: &'static str,
    url: String,
    data: Vec<u8>,
    sha256: Option<String>,
    md5: String,
    upload: &'static str,
}

impl Entry {
    fn new(server: &Server, version: &'static str, ext: &str, data: Vec<u8>) -> Entry {
        let file = format!("cuda-nvml-dev-{version}-0.{ext}");
        let path = format!("/download/nvidia/cuda-nvml-dev/{version}/linux-64/{file}");
        server.route(&path, Reply::Body(data.clone()));
        Entry {
            version,
            subdir: "linux-64",
            url: server.url(&path),
            sha256: Some(sha256(&data)),
            md5: md5(&data),
            file,
            data,
            upload: "2025-01-01 00:00:00.000000+00:00",
        }
    }

    fn json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "version": self.version,
            "basename": format!("{}/{}", self.subdir, self.file),
            "upload_time": self.upload,
            "attrs": {"subdir": self.subdir, "arch": "x86_64"},
            "download_url": self.url,
            "size": self.data.len(),
            "md5": self.md5,
            "type": "conda",
        });
        if let Some(s) = &self.sha256 {
            v["sha256"] = serde_json::Value::String(s.clone());
        }
        v
    }
}

fn publish(server: &Server, entries: &[Entry]) {
    let list: Vec<serde_json::Value> = entries.iter().map(Entry::json).collect();
    server.route(
        API_PATH,
        Reply::Body(serde_json::to_vec_pretty(&list).unwrap()),
    );
}

// ------------------------------------------------------------------------------------------
// the repository copy and the binary

/// A temporary repository root: the real header and README, and a wrapper source that
/// wraps one of the functions the new fixture header adds.
struct Repo {
    dir: tempfile::TempDir,
    header: Vec<u8>,
    readme: Vec<u8>,
}

impl Repo {
    fn new() -> Repo {
        Repo::with_header(std::fs::read(REAL_HEADER).unwrap())
    }

    /// As [`Repo::new`], with `header` as `headers/nvml.h`.
    fn with_header(header: Vec<u8>) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let readme = std::fs::read(REAL_README).unwrap();
        std::fs::create_dir_all(dir.path().join("headers")).unwrap();
        std::fs::write(dir.path().join("headers/nvml.h"), &header).unwrap();
        std::fs::write(dir.path().join("headers/README.md"), &readme).unwrap();
        let src = dir.path().join("nvml-wrapper/src/device");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(
            src.join("gadget.rs"),
            "/// Calls nvmlDeviceGetFixtureWidget (a comment: does not count).\n\
             pub fn gadget(&self) -> Result<()> { nvml_call!(self.nvml, nvmlDeviceGetFixtureGadget(self.handle, &mut g)) }\n",
        )
        .unwrap();
        // nvml-sys pins the header's hash in its source (and in the pregenerated bindings,
        // which `cargo xtask codegen` refreshes)
        let sha = sha256(&header);
        for (file, text) in [
            (
                "nvml-sys/src/lib.rs",
                format!("pub const HEADER_SHA256: &str = \"{sha}\";\n"),
            ),
            (
                "nvml-sys/pregenerated/nvml.rs",
                format!("// header-sha256: {sha}\n"),
            ),
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Repo {
            dir,
            header,
            readme,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn header_now(&self) -> Vec<u8> {
        std::fs::read(self.path().join("headers/nvml.h")).unwrap()
    }

    fn readme_now(&self) -> String {
        std::fs::read_to_string(self.path().join("headers/README.md")).unwrap()
    }

    /// headers/ holds exactly the two original files, byte for byte (no temporaries left).
    fn assert_untouched(&self) {
        assert!(
            self.header_now() == self.header,
            "headers/nvml.h was changed"
        );
        assert_eq!(self.readme_now().as_bytes(), &self.readme[..]);
        let mut names: Vec<String> = std::fs::read_dir(self.path().join("headers"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["README.md", "nvml.h"]);
    }
}

/// The `#define nvmlDeviceGetPciInfo nvmlDeviceGetPciInfo_vN` target of the real header and
/// the next version after it: (`..._vN`, `..._vN+1`).
fn pci_info_versions() -> (String, String) {
    let old = std::fs::read_to_string(REAL_HEADER).unwrap();
    let def = old
        .find("#define nvmlDeviceGetPciInfo ")
        .expect("the #define block maps nvmlDeviceGetPciInfo");
    let line = old[def..].lines().next().unwrap();
    let target = line.split_whitespace().nth(2).unwrap().to_string();
    let n: u32 = target.rsplit_once("_v").unwrap().1.parse().unwrap();
    (target, format!("nvmlDeviceGetPciInfo_v{}", n + 1))
}

/// The real header as NVIDIA might ship its next release: `nvmlDeviceGetPciInfo` gains a new
/// version that the `#define` block now points at, two functions and a struct version appear.
fn next_header() -> Vec<u8> {
    let old = std::fs::read_to_string(REAL_HEADER).unwrap();
    let (cur, next) = pci_info_versions();
    let def = old.find("#define nvmlDeviceGetPciInfo ").unwrap();
    let eol = def + old[def..].find('\n').unwrap();
    let line = old[def..eol].replace(&cur, &next);
    let at = old.rfind("#ifdef __cplusplus").unwrap();
    let added = format!(
        "\
typedef struct {{ unsigned int version; unsigned int widgets; }} nvmlFixtureWidget_v1_t;
#define nvmlFixtureWidget_v1 NVML_STRUCT_VERSION(FixtureWidget, 1) //!< Version macro
nvmlReturn_t DECLDIR {next}(nvmlDevice_t device, nvmlPciInfo_t *pci);
nvmlReturn_t DECLDIR nvmlDeviceGetFixtureWidget(nvmlDevice_t device, nvmlFixtureWidget_v1_t *w);
nvmlReturn_t DECLDIR nvmlDeviceGetFixtureGadget(nvmlDevice_t device, unsigned int *gadget);

"
    );
    format!(
        "{}{line}{}{added}{}",
        &old[..def],
        &old[eol..at],
        &old[at..]
    )
    .into_bytes()
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("update-header")
        .args(args)
        .arg("--root")
        .arg(root)
        .stdin(Stdio::null());
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The run failed with one `error: ...` line on stderr containing `expect`, and headers/ is
/// exactly as before.
fn assert_fails(repo: &Repo, out: &Output, expect: &str) {
    let err = text(&out.stderr);
    assert!(
        !out.status.success(),
        "succeeded; stdout: {}",
        text(&out.stdout)
    );
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "not one line: {err:?}");
    assert!(lines[0].starts_with("error: "), "{err}");
    assert!(
        lines[0].to_lowercase().contains(&expect.to_lowercase()),
        "expected {expect:?} in {err:?}"
    );
    repo.assert_untouched();
}

// ------------------------------------------------------------------------------------------
// success

#[test]
fn tar_bz2_update_replaces_the_header_and_reports_the_change() {
    let server = Server::start();
    let repo = Repo::new();
    let new = next_header();
    let (cur, next) = pci_info_versions();
    let pkg = tar_bz2(&[
        ("info/index.json", b"{}"),
        ("include/nvml.h", &new),
        ("lib/stubs/libnvidia-ml.so", b"\x7fELF"),
    ]);
    let old = Entry::new(
        &server,
        "12.9.79",
        "tar.bz2",
        tar_bz2(&[("include/nvml.h", MINI_HEADER.as_bytes())]),
    );
    let target = Entry::new(&server, "12.10.1", "tar.bz2", pkg.clone());
    let sha = target.sha256.clone().unwrap();
    // the download redirects to a "CDN" path, as Anaconda's do
    let path = target.url.trim_start_matches(&server.url("")).to_string();
    server.route(&path, Reply::Redirect("/cdn/blob-1234".into()));
    server.route("/cdn/blob-1234", Reply::Body(pkg));
    publish(&server, &[old, target]);

    let out = xtask(
        repo.path(),
        &[
            "--api-url",
            &server.api_url(),
            "--version",
            "12.10.1",
            "--yes",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stderr: {}\nstdout: {stdout}",
        text(&out.stderr)
    );

    assert!(
        repo.header_now() == new,
        "header not replaced by the package's nvml.h"
    );
    let readme = repo.readme_now();
    assert!(readme.contains("| version | 12.10.1 |"), "{readme}");
    assert!(
        readme.contains("`linux-64/cuda-nvml-dev-12.10.1-0.tar.bz2` (subdir `linux-64`)"),
        "{readme}"
    );
    assert!(
        readme.contains(&format!("| package sha256 | `{sha}` |")),
        "{readme}"
    );
    assert!(
        readme.contains(&format!("| sha256 | `{}` |", sha256(&new))),
        "{readme}"
    );
    assert!(
        readme.contains("| file in the package | `include/nvml.h` |"),
        "{readme}"
    );
    assert!(
        readme.contains("## License"),
        "other sections kept: {readme}"
    );

    assert!(stdout.contains("Functions added (3):"), "{stdout}");
    assert!(stdout.contains("+ nvmlDeviceGetFixtureWidget"), "{stdout}");
    assert!(stdout.contains("Functions removed (0):"), "{stdout}");
    assert!(
        stdout.contains(&format!("nvmlDeviceGetPciInfo: {cur} -> {next}")),
        "{stdout}"
    );
    assert!(stdout.contains("+ nvmlFixtureWidget_v1"), "{stdout}");
    let unwrapped = &stdout[stdout.find("neither calls nor excuses").unwrap()..];
    assert!(unwrapped.contains("nvmlDeviceGetFixtureWidget"), "{stdout}");
    assert!(unwrapped.contains(&next), "{stdout}");
    assert!(
        !unwrapped.contains("nvmlDeviceGetFixtureGadget"),
        "wrapped one listed: {stdout}"
    );
    assert!(
        stdout.contains("pregenerated bindings and everything else generated from the header (MODELED.md, ...): cargo xtask codegen"),
        "{stdout}"
    );
    let pinned = format!(
        "nvml-sys/src/lib.rs still records the old header's sha256 {}: set it to {}",
        sha256(&repo.header),
        sha256(&new)
    );
    assert!(stdout.contains(&pinned), "{stdout}");
    assert!(!stdout.contains("pregenerated/nvml.rs still"), "{stdout}");
    let leftovers = std::fs::read_dir(repo.path().join("headers"))
        .unwrap()
        .count();
    assert_eq!(leftovers, 2, "temporary files left in headers/");
}

/// The whole update from NVIDIA's real 13.4.92 header to the real 13.5.37 one (this
/// repository's `headers/nvml.h`), served as a `.conda` by the fixture server: the report
/// names every kind of change the release made.
#[test]
fn the_real_13_4_92_to_13_5_37_update_reports_every_change() {
    let server = Server::start();
    let new = std::fs::read(REAL_HEADER).unwrap();
    let repo = Repo::with_header(std::fs::read(HEADER_13_4_92).unwrap());
    assert_eq!(
        sha256(&repo.header),
        "c9b494b7c8015b6ae7aca62b2ce98e6b13f3277a2bec80de528371e725d54012"
    );
    let pkg = conda(&[("targets/x86_64-linux/include/nvml.h", &new)]);
    let target = Entry::new(&server, "13.5.37", "conda", pkg);
    let older = Entry::new(
        &server,
        "13.4.92",
        "conda",
        conda(&[("targets/x86_64-linux/include/nvml.h", &repo.header)]),
    );
    publish(&server, &[older, target]);
    let out = xtask(
        repo.path(),
        &[
            "--api-url",
            &server.api_url(),
            "--version",
            "13.5.37",
            "--yes",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stderr: {}\n{stdout}",
        text(&out.stderr)
    );
    assert!(repo.header_now() == new);
    // A section: its title line, then its indented lines.
    let section = |title: &str| -> String {
        let mut lines = stdout
            .lines()
            .skip_while(|l| !l.starts_with(&format!("{title} (")));
        let head = lines
            .next()
            .unwrap_or_else(|| panic!("no section {title:?}: {stdout}"));
        let body: Vec<&str> = lines.take_while(|l| l.starts_with("  ")).collect();
        format!("{head}\n{}", body.join("\n"))
    };
    let has = |title: &str, item: &str| {
        let s = section(title);
        assert!(s.contains(item), "{title} lacks {item:?}:\n{s}");
    };
    // The eight functions, and the two new versions of families outside the #define block.
    assert!(stdout.contains("Functions added (8):"), "{stdout}");
    let families = "Versioned functions whose newest version changed";
    has(
        families,
        "nvmlDeviceGetNvLinkInfo: nvmlDeviceGetNvLinkInfo -> nvmlDeviceGetNvLinkInfo_v3",
    );
    has(
        families,
        "nvmlSystemGetConfComputeSettings: nvmlSystemGetConfComputeSettings -> nvmlSystemGetConfComputeSettings_v2",
    );
    assert!(stdout.contains("nvml-wrapper/src/versions.rs"), "{stdout}");
    has(
        "Struct versions added (NVML_STRUCT_VERSION)",
        "+ nvmlSystemConfComputeSettings_v2",
    );
    for s in [
        "nvmlNvLinkInfo_v3_t",
        "nvmlGpuUptime_v1_t",
        "nvmlNvlinkGetRemapTableInfo_v1_t",
        "nvmlNvlinkLockRemapTable_v1_t",
        "nvmlNvlinkNvlePrivateInfo_v1_t",
        "nvmlNvlinkSetNvleReady_v1_t",
        "nvmlNvlinkSetupNvleEncryptionKey_v1_t",
    ] {
        has("Struct types added", s);
    }
    // Field ids: two new, and the end marker moved.
    has(
        "Field ids added (NVML_FI_*)",
        "+ NVML_FI_DEV_GPU_TEMP = 308",
    );
    has(
        "Field ids added (NVML_FI_*)",
        "+ NVML_FI_PWR_SMOOTHING_LIMITED_TIME = 309",
    );
    has("Field ids renumbered", "NVML_FI_MAX: 308 -> 310");
    // Constants: the CC CPU capabilities, TDISP states, BMSAI values, NvLink sizes.
    for c in [
        "+ NVML_CC_SYSTEM_CPU_CAPS_ARM_CCA = 5",
        "+ NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX_CONNECT = 6",
        "+ NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_TIO = 7",
        "+ NVML_CC_SYSTEM_TDISP_STATE_READY = 2",
        "+ NVML_CC_SYSTEM_GPUS_CC_BMSAI_CAPABLE = 2",
        "+ NVML_CC_SYSTEM_FEATURE_BMSAI_ENABLED = 2",
        "+ NVML_NVLINK_MAX_REMAP_TABLE_ENTRIES_V2 = 4096",
        "+ NVML_NVLINK_NVLE_PRIVATE_INFO_SIZE = 256",
    ] {
        has("Constants added (#define)", c);
    }
    has(
        "Constants changed",
        "NVML_POWER_SMOOTHING_IDX_FROM_FIELD_VAL:",
    );
    // Enum values: a new one, and the implicit count after it moved.
    has("Enum values added", "+ NVML_DEVICE_VGPU_CAP_UVM_STUN = 12");
    has(
        "Enum values changed",
        "NVML_DEVICE_VGPU_CAP_COUNT: 12 -> 13",
    );
    // The power smoothing index macro became a deprecated alias.
    has(
        "Deprecations added",
        "NVML_POWER_SMOOTHING_IDX_FROM_FIELD_VAL",
    );
    // Units in the docs (W -> mW) and the MPS locality-domain view.
    has(
        "Documentation changed",
        "nvmlDevicePowerSmoothingUpdatePresetProfileParam",
    );
    has(
        "Documentation changed",
        "NVML_POWER_SMOOTHING_PROFILE_PARAM_SECONDARY_POWER_FLOOR",
    );
    has("Documentation changed", "nvmlDeviceGetCount_v2");
    has("Documentation groups added", "nvmlMpsDeviceEnumeration");
    // The fixture wrapper calls none of the eight.
    has(
        "Added functions nvml-wrapper neither calls nor excuses",
        "nvmlDeviceGetGpuUptime_v1",
    );
    // The provenance names the listing really used.
    let readme = repo.readme_now();
    assert!(
        readme.contains(&format!(
            "| package | `cuda-nvml-dev` (Anaconda-style listing `{}`) |",
            server.api_url()
        )),
        "{readme}"
    );
}

fn tar_xz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    lzma_rs::xz_compress(&mut std::io::Cursor::new(tar_of(entries)), &mut out).unwrap();
    out
}

/// A redist JSON at `/redist/redistrib_<cuda>.json` listing `cuda_nvml_dev` `version` for
/// linux-x86_64, with the archive served under `/redist/`; returns the archive's path.
fn publish_redist(server: &Server, cuda: &str, version: &str, archive: &[u8], sha: &str) -> String {
    let rel =
        format!("cuda_nvml_dev/linux-x86_64/cuda_nvml_dev-linux-x86_64-{version}-archive.tar.xz");
    server.route(&format!("/redist/{rel}"), Reply::Body(archive.to_vec()));
    let json = serde_json::json!({
        "release_date": "2026-01-01",
        "release_label": cuda,
        "cuda_nvml_dev": {
            "name": "CUDA NVML Headers",
            "license": "CUDA Toolkit",
            "version": version,
            "linux-x86_64": {
                "relative_path": rel,
                "sha256": sha,
                "md5": md5(archive),
                "size": archive.len().to_string(),
            },
        },
    });
    server.route(
        &format!("/redist/redistrib_{cuda}.json"),
        Reply::Body(serde_json::to_vec(&json).unwrap()),
    );
    rel
}

/// `--source redist`: NVIDIA's CUDA redist JSON, read as go-nvml reads it
/// (`.cuda_nvml_dev.version`, the linux-x86_64 `relative_path` of a `.tar.xz`), the archive
/// checked against the JSON's sha256; the provenance names the redist JSON really used.
#[test]
fn redist_update_reads_the_cuda_redist_json() {
    let server = Server::start();
    let repo = Repo::new();
    let new = next_header();
    let archive = tar_xz(&[
        (
            "cuda_nvml_dev-linux-x86_64-13.9.1-archive/LICENSE",
            b"license",
        ),
        (
            "cuda_nvml_dev-linux-x86_64-13.9.1-archive/include/nvml.h",
            &new,
        ),
    ]);
    let rel = publish_redist(&server, "13.9.0", "13.9.1", &archive, &sha256(&archive));
    let base = server.url("/redist");
    let out = xtask(
        repo.path(),
        &[
            "--source",
            "redist",
            "--cuda-version",
            "13.9.0",
            "--redist-url",
            &base,
            "--yes",
        ],
    );
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stderr: {}\n{stdout}",
        text(&out.stderr)
    );
    assert!(repo.header_now() == new, "header not replaced");
    assert!(stdout.contains("updated to 13.9.1"), "{stdout}");
    let readme = repo.readme_now();
    assert!(
        readme.contains(&format!(
            "(NVIDIA CUDA redist, `{base}/redistrib_13.9.0.json`)"
        )),
        "{readme}"
    );
    assert!(
        readme.contains(&format!("| package sha256 | `{}` |", sha256(&archive))),
        "{readme}"
    );
    assert!(
        readme.contains(
            "| file in the package | `cuda_nvml_dev-linux-x86_64-13.9.1-archive/include/nvml.h` |"
        ),
        "{readme}"
    );
    assert!(
        readme.contains(&format!("curl -LO {base}/{rel}")),
        "{readme}"
    );
    assert!(
        readme.contains(&format!(
            "cargo xtask update-header --source redist --cuda-version 13.9.0 --redist-url {base} --yes"
        )),
        "{readme}"
    );

    // A checksum that does not match, and a CUDA release without a JSON: nothing changes.
    let repo = Repo::new();
    publish_redist(&server, "13.9.2", "13.9.2", &archive, &"00".repeat(32));
    let out = xtask(
        repo.path(),
        &[
            "--source",
            "redist",
            "--cuda-version",
            "13.9.2",
            "--redist-url",
            &base,
            "--yes",
        ],
    );
    assert_fails(&repo, &out, "checksum mismatch");
    let out = xtask(
        repo.path(),
        &[
            "--source",
            "redist",
            "--cuda-version",
            "12.0.0",
            "--redist-url",
            &base,
            "--yes",
        ],
    );
    assert_fails(&repo, &out, "404");
    // --source redist takes its release from --cuda-version, not --version.
    let out = xtask(
        repo.path(),
        &[
            "--source",
            "redist",
            "--cuda-version",
            "13.9.0",
            "--version",
            "13.9.1",
            "--redist-url",
            &base,
        ],
    );
    assert_fails(&repo, &out, "--cuda-version");
}

#[test]
fn conda_update_with_latest_finds_the_header_under_targets_and_checks_md5() {
    let server = Server::start();
    let repo = Repo::new();
    let new = next_header();
    let pkg = conda(&[
        ("targets/x86_64-linux/include/nvml.h", &new),
        ("targets/x86_64-linux/include/nvml.hpp", b"not this one"),
    ]);
    let mut latest = Entry::new(&server, "13.0.48", "conda", pkg);
    latest.sha256 = None; // old uploads list only md5
    // a scheme-less URL, as Anaconda writes them, resolves against the http API URL
    latest.url = latest.url.replace("http:", "");
    let older = Entry::new(
        &server,
        "12.10.1",
        "conda",
        conda(&[("include/nvml.h", MINI_HEADER.as_bytes())]),
    );
    let md5 = latest.md5.clone();
    publish(&server, &[older, latest]);

    let out = xtask(repo.path(), &["--api-url", &server.api_url(), "--latest"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(repo.header_now() == new);
    let readme = repo.readme_now();
    assert!(readme.contains("| version | 13.0.48 |"), "{readme}");
    assert!(
        readme.contains(&format!("| package md5 | `{md5}` |")),
        "{readme}"
    );
    assert!(
        readme.contains("| file in the package | `targets/x86_64-linux/include/nvml.h` |"),
        "{readme}"
    );
    assert!(stdout.contains("updated to 13.0.48"), "{stdout}");
    assert!(stdout.contains("+ nvmlFixtureWidget_v1"), "{stdout}");
}

#[test]
fn from_file_installs_a_package_offline() {
    let repo = Repo::new();
    let new = next_header();
    let file = repo.path().join("cuda-nvml-dev-13.1.0-0.conda");
    std::fs::write(&file, conda(&[("include/nvml.h", &new)])).unwrap();
    let out = xtask(
        repo.path(),
        &[
            "--from-file",
            file.to_str().unwrap(),
            "--api-url",
            "http://127.0.0.1:9/nothing",
        ],
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(repo.header_now() == new);
    assert!(repo.readme_now().contains("| version | 13.1.0 |"));
    assert!(text(&out.stdout).contains("+ nvmlDeviceGetFixtureGadget"));
}

#[test]
fn list_shows_each_version_once_newest_first_for_the_subdir() {
    let server = Server::start();
    let repo = Repo::new();
    let mk = |v: &'static str, ext: &str| Entry::new(&server, v, ext, b"x".to_vec());
    let mut arm = mk("99.0.0", "conda");
    arm.subdir = "linux-aarch64";
    let entries = [
        mk("12.9.79", "tar.bz2"),
        mk("12.10.1", "tar.bz2"),
        mk("12.10.1", "conda"),
        mk("11.8.86", "tar.bz2"),
        arm,
    ];
    publish(&server, &entries);
    let out = xtask(repo.path(), &["--api-url", &server.api_url(), "--list"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let versions: Vec<&str> = stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    assert_eq!(versions, ["12.10.1", "12.9.79", "11.8.86"], "{stdout}");
    assert!(
        stdout.contains("linux-64/cuda-nvml-dev-12.10.1-0.conda"),
        "{stdout}"
    );
    repo.assert_untouched();

    let out = xtask(
        repo.path(),
        &[
            "--api-url",
            &server.api_url(),
            "--list",
            "--subdir",
            "linux-aarch64",
        ],
    );
    assert!(text(&out.stdout).contains("99.0.0"));

    let out = xtask(
        repo.path(),
        &[
            "--api-url",
            &server.api_url(),
            "--latest",
            "--subdir",
            "win-64",
        ],
    );
    assert_fails(&repo, &out, "no cuda-nvml-dev package for subdir win-64");
}

// ------------------------------------------------------------------------------------------
// errors: one line, non-zero exit, headers/ untouched

/// A server publishing one package (12.4.127, format `ext`) with these bytes.
fn serve_one(ext: &str, data: Vec<u8>) -> (Server, Repo) {
    let server = Server::start();
    let repo = Repo::new();
    let e = Entry::new(&server, "12.4.127", ext, data);
    publish(&server, &[e]);
    (server, repo)
}

fn update_12_4(server: &Server, repo: &Repo) -> Output {
    xtask(
        repo.path(),
        &[
            "--api-url",
            &server.api_url(),
            "--version",
            "12.4.127",
            "--yes",
        ],
    )
}

#[test]
fn no_choice_without_a_terminal_asks_for_version_or_latest() {
    let (server, repo) = serve_one(
        "conda",
        conda(&[("include/nvml.h", MINI_HEADER.as_bytes())]),
    );
    let out = xtask(repo.path(), &["--api-url", &server.api_url()]);
    assert_fails(&repo, &out, "pass --version V or --latest");
    let out = xtask(repo.path(), &["--api-url", &server.api_url(), "--yes"]);
    assert_fails(&repo, &out, "pass --version V or --latest");
}

#[test]
fn no_network_is_an_error() {
    let repo = Repo::new();
    // a port nobody listens on
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}{API_PATH}");
    let out = xtask(
        repo.path(),
        &["--api-url", &url, "--latest", "--timeout", "2"],
    );
    assert_fails(&repo, &out, &format!("GET {url}"));
}

#[test]
fn http_404_and_500_on_the_listing_are_errors() {
    let server = Server::start();
    let repo = Repo::new();
    let out = xtask(
        repo.path(),
        &["--api-url", &server.url("/missing"), "--latest"],
    );
    assert_fails(&repo, &out, "HTTP 404");
    server.route(API_PATH, Reply::Status(500));
    let out = xtask(repo.path(), &["--api-url", &server.api_url(), "--latest"]);
    assert_fails(&repo, &out, "HTTP 500");
}

#[test]
fn http_404_on_the_package_is_an_error() {
    let server = Server::start();
    let repo = Repo::new();
    let mut e = Entry::new(&server, "12.4.127", "conda", b"x".to_vec());
    e.url = server.url("/download/gone.conda");
    publish(&server, &[e]);
    let out = update_12_4(&server, &repo);
    assert_fails(&repo, &out, "HTTP 404");
}

#[test]
fn a_stalled_server_times_out() {
    let server = Server::start();
    let repo = Repo::new();
    server.route(API_PATH, Reply::Stall);
    let start = Instant::now();
    let out = xtask(
        repo.path(),
        &["--api-url", &server.api_url(), "--latest", "--timeout", "1"],
    );
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
    assert_fails(&repo, &out, "timed out");
}

#[test]
fn a_download_cut_short_is_an_error() {
    let server = Server::start();
    let repo = Repo::new();
    let data = tar_bz2(&[("include/nvml.h", MINI_HEADER.as_bytes())]);
    let e = Entry::new(&server, "12.4.127", "tar.bz2", data.clone());
    let path = e.url.trim_start_matches(&server.url("")).to_string();
    server.route(
        &path,
        Reply::Short {
            body: data[..data.len() / 2].to_vec(),
            claimed: data.len(),
        },
    );
    publish(&server, &[e]);
    let out = update_12_4(&server, &repo);
    assert_fails(&repo, &out, "GET ");
}

#[test]
fn malformed_json_is_an_error() {
    let server = Server::start();
    let repo = Repo::new();
    server.route(
        API_PATH,
        Reply::Body(b"[{\"version\": \"12.4.127\", ".to_vec()),
    );
    let out = xtask(repo.path(), &["--api-url", &server.api_url(), "--latest"]);
    assert_fails(&repo, &out, "malformed package listing");
    server.route(API_PATH, Reply::Body(b"<html>rate limited</html>".to_vec()));
    let out = xtask(repo.path(), &["--api-url", &server.api_url(), "--list"]);
    assert_fails(&repo, &out, "malformed package listing");
}

#[test]
fn an_unknown_version_is_an_error() {
    let (server, repo) = serve_one(
        "conda",
        conda(&[("include/nvml.h", MINI_HEADER.as_bytes())]),
    );
    let out = xtask(
        repo.path(),
        &["--api-url", &server.api_url(), "--version", "12.4.999"],
    );
    assert_fails(&repo, &out, "unknown version 12.4.999");
}

#[test]
fn a_checksum_mismatch_is_an_error() {
    let server = Server::start();
    let repo = Repo::new();
    let mut e = Entry::new(
        &server,
        "12.4.127",
        "tar.bz2",
        tar_bz2(&[("include/nvml.h", &next_header())]),
    );
    e.sha256 = Some(sha256(b"something else"));
    publish(&server, &[e]);
    let out = update_12_4(&server, &repo);
    assert_fails(&repo, &out, "checksum mismatch: sha256");

    let mut e = Entry::new(
        &server,
        "12.4.127",
        "conda",
        conda(&[("include/nvml.h", &next_header())]),
    );
    e.sha256 = None;
    e.md5 = md5(b"something else");
    publish(&server, &[e]);
    let out = update_12_4(&server, &repo);
    assert_fails(&repo, &out, "checksum mismatch: md5");
}

#[test]
fn a_truncated_tar_bz2_is_an_error() {
    let full = tar_bz2(&[("include/nvml.h", &next_header())]);
    // the listing's checksum matches the truncated file: only the archive check can catch it
    let (server, repo) = serve_one("tar.bz2", full[..full.len() / 2].to_vec());
    let out = update_12_4(&server, &repo);
    assert_fails(&repo, &out, "corrupt or truncated archive");
}

#[test]
fn a_truncated_or_corrupt_conda_is_an_error() {
    let full = conda(&[("include/nvml.h", &next_header())]);
    let (server, repo) = serve_one("conda", full[..full.len() - 200].to_vec());
    let out = update_12_4(&server, &repo);
    assert_fails(&repo, &out, "corrupt or truncated archive");

    let (server, repo) = serve_one("conda", b"PK\x03\x04 this is no zip at all".to_vec());
    let out = update_12_4(&server, &repo);
    assert_fails(&repo, &out, "corrupt or truncated archive");

    // a zip whose pkg tarball is not zstd
    let bad = conda_with(&[("pkg-cuda-nvml-dev-1-0.tar.zst", b"not zstd".to_vec())]);
    let (server, repo) = serve_one("conda", bad);
    let out = update_12_4(&server, &repo);
    assert_fails(&repo, &out, "corrupt or truncated archive");
}

#[test]
fn an_archive_without_nvml_h_is_an_error() {
    for (ext, data) in [
        (
            "tar.bz2",
            tar_bz2(&[
                ("include/cuda.h", b"x"),
                ("include/nvml.h.bak", MINI_HEADER.as_bytes()),
            ]),
        ),
        ("conda", conda(&[("lib/libnvidia-ml.so", b"x")])),
    ] {
        let (server, repo) = serve_one(ext, data);
        let out = update_12_4(&server, &repo);
        assert_fails(&repo, &out, "no include/nvml.h");
    }
}

#[test]
fn entries_that_escape_the_package_are_refused() {
    let header = MINI_HEADER.as_bytes();
    let cases = [
        ("tar.bz2", tar_bz2(&[("../include/nvml.h", header)])),
        (
            "tar.bz2",
            tar_bz2(&[("include/nvml.h", header), ("../../etc/cron.d/x", b"x")]),
        ),
        ("tar.bz2", tar_bz2(&[("/usr/include/nvml.h", header)])),
        (
            "conda",
            conda(&[("include/../../nvml/include/nvml.h", header)]),
        ),
        (
            "conda",
            conda_with(&[
                ("../info-x.tar.zst", b"x".to_vec()),
                (
                    "pkg-x.tar.zst",
                    zstd::encode_all(&tar_of(&[("include/nvml.h", header)])[..], 1).unwrap(),
                ),
            ]),
        ),
    ];
    for (ext, data) in cases {
        let (server, repo) = serve_one(ext, data);
        let out = update_12_4(&server, &repo);
        assert_fails(&repo, &out, "would escape the package");
    }
}

#[test]
fn a_file_that_is_not_an_nvml_header_is_refused() {
    for (ext, data) in [
        (
            "tar.bz2",
            tar_bz2(&[("include/nvml.h", b"<html>404 Not Found</html>\n")]),
        ),
        (
            "conda",
            conda(&[(
                "include/nvml.h",
                b"#pragma once\nint cudaGetDeviceCount(int *n);\n",
            )]),
        ),
    ] {
        let (server, repo) = serve_one(ext, data);
        let out = update_12_4(&server, &repo);
        assert_fails(&repo, &out, "not an NVML header");
    }
    // offline too
    let repo = Repo::new();
    let file = repo.path().join("cuda-nvml-dev-1.0-0.tar.bz2");
    std::fs::write(
        &file,
        tar_bz2(&[("include/nvml.h", b"nvmlInit but no version macro")]),
    )
    .unwrap();
    let out = xtask(repo.path(), &["--from-file", file.to_str().unwrap()]);
    assert_fails(&repo, &out, "not an NVML header");
}

#[test]
fn a_missing_or_unreadable_package_file_is_an_error() {
    let repo = Repo::new();
    let missing: PathBuf = repo.path().join("nope.conda");
    let out = xtask(repo.path(), &["--from-file", missing.to_str().unwrap()]);
    assert_fails(&repo, &out, "cannot read");
    let junk = repo.path().join("notes.txt");
    std::fs::write(&junk, "hello").unwrap();
    let out = xtask(repo.path(), &["--from-file", junk.to_str().unwrap()]);
    assert_fails(&repo, &out, "not a package this tool reads");
}
