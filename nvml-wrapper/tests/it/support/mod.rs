//! Shared by the wrapper's tests: an `Nvml` on a private copy of the mock library (here), the
//! reliability table and its labs (`reliability`), RELIABILITY.md's measured spans
//! (`reliability_doc`), hostile C libraries (`hostile`), checks of functions the mock does not
//! model (`unmodeled`), and running one test alone in a child process (`child_process`).

use nvml_wrapper::Nvml;

pub mod child_process;
pub mod hostile;
pub mod reliability;
pub mod reliability_doc;
pub mod unmodeled;

/// An initialised `Nvml` on its own staged copy of `nvml-mock` (so tests running in parallel
/// do not share state). Field order matters: `nvml` shuts down before the copy goes.
pub struct Mock {
    /// The wrapper under test.
    pub nvml: Nvml,
    /// The staged mock library (kept alive for the test's duration).
    pub staged: nvml_mock::Staged,
}

/// The default profile: a DGX H100.
pub fn mock() -> Mock {
    let staged = nvml_mock::Staged::new().expect("stage the mock library");
    let nvml = Nvml::builder()
        .library_path(staged.path())
        .init()
        .expect("init on the mock");
    Mock { nvml, staged }
}

/// A named built-in profile or a profile file.
pub fn mock_with_profile(profile: &str) -> Mock {
    let staged = nvml_mock::Staged::with_profile(profile).expect("stage the mock library");
    let nvml = Nvml::builder()
        .library_path(staged.path())
        .init()
        .expect("init on the mock");
    Mock { nvml, staged }
}

/// The default profile on a copy that exports only what NVIDIA's 470 driver exports (no
/// `_v3` process queries, no `nvmlDeviceGetMemoryInfo_v2`, ...).
pub fn mock_legacy_470() -> Mock {
    let staged = nvml_mock::Staged::legacy_470().expect("stage the 470-like mock library");
    let nvml = Nvml::builder()
        .library_path(staged.path())
        .init()
        .expect("init on the mock");
    Mock { nvml, staged }
}

/// For `#[ignore]`d real-GPU tests: runs `nvidia-smi` with `args` (a `--query-*` and
/// `--format=csv,noheader,nounits`) and returns its rows of trimmed fields.
pub fn nvidia_smi(args: &[&str]) -> Vec<Vec<String>> {
    let out = std::process::Command::new("nvidia-smi")
        .args(args)
        .output()
        .expect("nvidia-smi runs");
    assert!(
        out.status.success(),
        "nvidia-smi failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("nvidia-smi prints UTF-8")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|f| f.trim().to_owned()).collect())
        .collect()
}

/// `Enabled`/`Disabled` as nvidia-smi prints them; `None` for `[N/A]` and the like.
pub fn smi_flag(field: &str) -> Option<bool> {
    match field {
        "Enabled" => Some(true),
        "Disabled" => Some(false),
        _ => None,
    }
}
