//! Profile input is checked before it is believed: the file's type and size, the encoding of
//! `NVML_MOCK_PROFILE`, and values NVML could never hand back.

use std::path::PathBuf;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use nvml_mock::profile;

/// `profile::load(path)`'s error, which must come within a few seconds (a blocked open or an
/// endless read fails the test instead of hanging it).
fn load_error(path: PathBuf) -> String {
    let (tx, rx) = mpsc::channel();
    let shown = path.display().to_string();
    std::thread::spawn(move || {
        let _ = tx.send(profile::load(path.to_str().unwrap()).map(|p| p.name));
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(Err(e)) => e.to_string(),
        Ok(Ok(name)) => panic!("{shown} loaded as profile {name:?}"),
        Err(_) => panic!("loading {shown} blocked for 10 s"),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("profile-input");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn devices_and_fifos_are_refused_without_reading_or_blocking() {
    let e = load_error("/dev/zero".into());
    assert!(e.contains("not a regular file"), "{e}");
    let fifo = scratch("profile.json");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    let e = load_error(fifo.clone());
    assert!(e.contains("not a regular file"), "{e}");
    std::fs::remove_file(fifo).unwrap();
}

#[test]
fn an_oversized_profile_file_is_refused() {
    let big = scratch("big.json");
    std::fs::write(&big, vec![b' '; profile::PROFILE_FILE_MAX as usize + 1]).unwrap();
    let e = load_error(big.clone());
    assert!(e.contains(&profile::PROFILE_FILE_MAX.to_string()), "{e}");
    std::fs::remove_file(big).unwrap();
}

#[test]
fn versions_nvml_could_not_return_are_refused() {
    let long = "5".repeat(100);
    let e = profile::parse_json(&format!(r#"{{"driver_version": "{long}"}}"#))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("\"driver_version\" is 100 bytes") && e.contains("at most 79"),
        "{e}"
    );
    let e = profile::parse_json(&format!(r#"{{"nvml_version": "{long}"}}"#))
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"nvml_version\""), "{e}");
    // 79 bytes still fit.
    let fits = profile::parse_json(&format!(r#"{{"driver_version": "{}"}}"#, "5".repeat(79)));
    assert_eq!(fits.unwrap().driver_version.len(), 79);

    let e = profile::parse_json(r#"{"cuda_driver_version": 3000000000}"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cuda_driver_version") && e.contains("i32"),
        "{e}"
    );
    // Within `i32`, only what a CUDA driver reports: 1.0 (1000) to 99.99 (99990).
    for v in [i32::MIN, -1, 0, 999, 99_991, i32::MAX] {
        let e = profile::parse_json(&format!(r#"{{"cuda_driver_version": {v}}}"#))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(&format!("\"cuda_driver_version\" is {v}")) && e.contains("1000..=99990"),
            "{e}"
        );
    }
    let max = profile::parse_json(r#"{"cuda_driver_version": 99990}"#);
    assert_eq!(max.unwrap().cuda_driver_version, 99_990);
}

/// Run by `a_non_utf8_profile_variable_is_an_error` in a child process with the variable set.
#[test]
#[ignore = "a probe for a child process"]
fn probe_init() {
    let staged = nvml_mock::Staged::new().unwrap();
    // SAFETY: the staged mock library; its initialisers are Rust's.
    let lib = unsafe { nvml_sys::NvmlLib::new(staged.path()) }.unwrap();
    // SAFETY: nvmlInit_v2 takes no arguments.
    let rc = unsafe { (lib.nvmlInit_v2.as_ref().unwrap())() };
    println!("INIT {rc}");
}

#[test]
fn a_non_utf8_profile_variable_is_an_error() {
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "profile_input::probe_init",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(
            "NVML_MOCK_PROFILE",
            std::ffi::OsStr::from_bytes(b"dgx-\xff.json"),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains(&format!("INIT {}", nvml_sys::NVML_ERROR_UNKNOWN)),
        "{stdout}{stderr}"
    );
    assert!(
        stderr.contains("NVML_MOCK_PROFILE") && stderr.contains("is not UTF-8"),
        "{stderr}"
    );
}
