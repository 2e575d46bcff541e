//! The examples, run as a user runs them, against the simulated DGX H100.
//!
//! `cargo test` builds the examples next to the test binaries (`target/<profile>/examples`).

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn example(name: &str) -> PathBuf {
    // target/<profile>/deps/examples-<hash> -> target/<profile>/examples/<name>
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.exists(),
        "example {name} not built at {}",
        path.display()
    );
    path
}

fn run(name: &str, args: &[&str]) -> Output {
    Command::new(example(name))
        .args(args)
        .output()
        .expect("the example runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn quickstart_lists_the_eight_gpus_with_their_uuids() {
    let out = run("quickstart", &["--mock"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(text.starts_with("8 GPU(s), driver "), "{text}");
    let gpu_lines: Vec<&str> = text.lines().filter(|l| l.starts_with("GPU ")).collect();
    assert_eq!(gpu_lines.len(), 8, "{text}");
    assert!(
        gpu_lines
            .iter()
            .all(|l| l.contains("NVIDIA H100 80GB HBM3 (GPU-")),
        "{text}"
    );
}

#[test]
fn monitor_moves_owned_devices_into_a_thread_and_a_task_then_shuts_down() {
    let out = run("monitor", &["--mock"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("driver "), "{text}");
    let gpu_lines: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("GPU "))
        .collect();
    assert_eq!(gpu_lines.len(), 8, "{text}");
    for (index, line) in gpu_lines.iter().enumerate() {
        assert!(line.starts_with(&format!("GPU {index}: ")), "{text}");
        assert!(line.ends_with(" mW"), "{text}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("task: NVIDIA H100 80GB HBM3, ") && l.ends_with(" MiB used")),
        "{text}"
    );
    // The device is the last share once the thread and the task are done; the explicit
    // shutdown then gets the driver's answer.
    assert_eq!(
        &lines[lines.len() - 2..],
        ["shares left: 1", "shutdown: ok"],
        "{text}"
    );
}

#[test]
fn smi_shows_a_block_per_gpu_and_the_processes() {
    let out = run("smi", &["--mock"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert_eq!(text.matches("NVIDIA H100 80GB HBM3").count(), 8, "{text}");
    assert!(text.contains("Driver Version:"), "{text}");
    assert!(text.contains("Processes:"), "{text}");
    assert!(text.contains("MiB / 81"), "80 GB of memory per GPU: {text}");
    // Every table line has the same width.
    let widths: std::collections::BTreeSet<usize> = text
        .lines()
        .filter(|l| l.starts_with('|') || l.starts_with('+'))
        .map(|l| l.chars().count())
        .collect();
    assert_eq!(widths.len(), 1, "ragged table: widths {widths:?}\n{text}");
}

#[test]
fn nvml_info_prints_the_whole_machine_as_json() {
    let out = run("nvml-info", &["--mock"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(info["device_count"], 8);
    let devices = info["devices"].as_array().unwrap();
    let uuids: std::collections::BTreeSet<&str> = devices
        .iter()
        .map(|d| d["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(uuids.len(), 8, "distinct UUIDs");
    for d in devices {
        let mem = &d["memory"];
        assert_eq!(
            mem["used_bytes"].as_u64().unwrap() + mem["free_bytes"].as_u64().unwrap(),
            mem["total_bytes"].as_u64().unwrap()
                - d["memory"]["reserved_bytes"].as_u64().unwrap_or(0),
            "used + free = total - reserved: {mem}"
        );
        assert!(d["pci_bus_id"].as_str().unwrap().contains(':'));
        assert!(
            d["nvlinks"].as_array().is_some_and(|l| l.len() == 18),
            "18 NvLinks: {d}"
        );
        assert!(d["compute_processes"].is_array());
    }
}

#[test]
fn nvml_info_reports_a_bad_library_as_one_error_line() {
    let out = run("nvml-info", &["--lib", "/nonexistent/libnvidia-ml.so.1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "exactly one line: {err:?}");
    assert!(
        err.starts_with("error: cannot load the NVML library /nonexistent/"),
        "{err}"
    );
}

/// Ctrl-C ends the example while it waits (timeout one minute): within the stop slice, with
/// a line saying so and a success status.
#[test]
fn events_stops_on_ctrl_c_within_its_timeout() {
    use std::io::{BufRead, BufReader};
    use std::time::{Duration, Instant};

    let mut child = Command::new(example("events"))
        .args(["--mock", "--count", "100", "--timeout-ms", "60000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The injected XID arrives after half a second; then the example waits for the next.
    let first_event = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.starts_with("event on GPU 3"));
    assert!(first_event.is_some(), "the injected event is printed");
    std::thread::sleep(Duration::from_millis(200));
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let sent = Instant::now();
    // SAFETY: a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    let took = sent.elapsed();
    assert!(status.success(), "{status:?} {rest:?}");
    assert_eq!(rest, ["stopped (Ctrl-C)"]);
    assert!(took < Duration::from_secs(2), "Ctrl-C took {took:?}");
}

#[test]
fn events_prints_the_injected_xid() {
    let out = run("events", &["--mock", "--timeout-ms", "5000"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(text.contains("event on GPU 3"), "{text}");
    assert!(text.contains("XID 79"), "{text}");
}

#[test]
fn a_closed_stdout_ends_each_example_quietly() {
    for name in ["nvml-info", "smi", "quickstart"] {
        let mut child = Command::new(example(name))
            .arg("--mock")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is written (`nvml-info | head -0`).
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(out.status.success(), "{name}: {} {stderr}", out.status);
    }
}

#[test]
fn a_lib_path_that_is_not_utf8_is_tried_as_given() {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::OsStr::from_bytes(b"/nonexistent/\xff/libnvidia-ml.so.1");
    let out = Command::new(example("quickstart"))
        .arg("--lib")
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot load the NVML library /nonexistent/")
            && stderr.contains("No such file or directory"),
        "{stderr}"
    );
    let mut joined = b"--lib=".to_vec();
    joined.extend_from_slice(path.as_bytes());
    let out = Command::new(example("quickstart"))
        .arg(std::ffi::OsStr::from_bytes(&joined))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("No such file or directory"), "{stderr}");
}

#[test]
fn mock_minute_prints_a_reproducible_minute_that_moves() {
    let out = run("mock_minute", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(
        text.starts_with("NVIDIA H100 80GB HBM3 (GPU 4), seed 42\n"),
        "{text}"
    );
    // One line a second, 0 s to 60 s: t, util, power, energy rate, temperature, SM clock,
    // reasons.
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 61, "{text}");
    let num = |row: &[&str], col: usize| -> f64 {
        row[col].trim_end_matches(['s', '%']).parse().unwrap()
    };
    for (t, row) in rows.iter().enumerate() {
        assert_eq!(num(row, 0), t as f64, "{text}");
        // The energy rate is over the second before the line, the power at its moment: away
        // from the changes (at 10, 30, 35 and 45 s) they agree within the utilisation noise.
        if ![0, 10, 30, 35, 45].contains(&t) {
            assert!((num(row, 3) - num(row, 2)).abs() < 40.0, "{t}: {text}");
        }
    }
    // Idle, then the job (busier, hotter), the power brake (slow, HW slowdown), idle again.
    assert_eq!(rows[5][6], "GPU_IDLE");
    assert!(
        num(&rows[20], 1) > 85.0 && num(&rows[20], 2) > 500.0,
        "{text}"
    );
    assert!(num(&rows[29], 4) > num(&rows[12], 4) + 10.0, "{text}");
    assert!(rows[32][6..].contains(&"HW_POWER_BRAKE_SLOWDOWN"), "{text}");
    assert!(num(&rows[32], 5) < num(&rows[29], 5) / 2.0, "{text}");
    assert_eq!(rows[55][6], "GPU_IDLE");
    assert!(num(&rows[60], 4) < num(&rows[45], 4), "{text}");
    // nvml-mock's README shows lines of this output: they are its lines.
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../nvml-mock/README.md"
    ))
    .unwrap();
    let shown = readme
        .split("```text\nNVIDIA H100 80GB HBM3 (GPU 4), seed 42\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows the example's output");
    for line in shown.lines() {
        assert!(
            text.lines().any(|l| l == line),
            "README line {line:?} not in {text}"
        );
    }
    // The virtual clock and the seed make it reproducible; another seed differs.
    assert_eq!(stdout(&run("mock_minute", &[])), text);
    assert_ne!(stdout(&run("mock_minute", &["7"])), text);
}

#[test]
fn snapshot_prints_a_profile_the_mock_loads_and_reports_a_missing_library() {
    let staged = nvml_mock::Staged::new().unwrap();
    let lib = staged.path().to_str().unwrap().to_owned();
    let out = Command::new(example("snapshot"))
        .args(["--lib", &lib, "--name", "my-box"])
        .env("NVML_MOCK_PROFILE", "workstation")
        .output()
        .expect("the example runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let profile = nvml_mock::profile::parse_json(&stdout(&out)).expect("the snapshot loads");
    assert_eq!(profile.name, "my-box");
    assert_eq!(profile.gpus.len(), 1);
    assert_eq!(profile.gpus[0].name, "NVIDIA GeForce RTX 4090");

    let out = run("snapshot", &["--lib", "/nonexistent/libnvidia-ml.so.1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("/nonexistent/libnvidia-ml.so.1"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
