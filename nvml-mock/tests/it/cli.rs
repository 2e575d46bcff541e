//! The `nvml-mock` command: `run` puts the mock under any program (NVIDIA's nvidia-smi,
//! nvidia-ml-py, a C program), `list`, `show` and `check` help write profiles, and mistakes
//! get a clear message and a non-zero status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nvml_mock::{Staged, profile};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `nvml-mock ARGS...`, with no profile chosen by the environment.
fn nvml_mock(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nvml-mock"))
        .args(args)
        .env_remove("NVML_MOCK_PROFILE")
        .output()
        .expect("nvml-mock runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

/// A tool from outside the repository, or `None` after a loud message; under `CI=true` its
/// absence fails the test.
fn external(path: PathBuf, how: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let msg = format!("{} not found; {how}", path.display());
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{msg} (required under CI=true)"
    );
    eprintln!("\n!!!!! SKIPPED: {msg} !!!!!\n");
    None
}

#[test]
fn nvidia_smi_lists_the_eight_b200s_of_dgx_b200() {
    let Some(smi) = external(
        nvml_mock::drivers::drivers_dir()
            .join("550")
            .join("nvidia-smi"),
        "run `bash .ci/fetch-drivers`",
    ) else {
        return;
    };
    let out = nvml_mock(&[
        "run",
        "--profile",
        "dgx-b200",
        "--",
        smi.to_str().unwrap(),
        "-L",
    ]);
    let text = succeeded(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 8, "{text}");
    for (i, line) in lines.iter().enumerate() {
        assert!(
            line.starts_with(&format!("GPU {i}: NVIDIA B200 (UUID: GPU-")),
            "{line}"
        );
    }
}

#[test]
fn nvidia_ml_py_reads_the_default_profile_and_a_file() {
    let python = std::env::var_os("NVML_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest().join("../target/pynvml-walk/bin/python"));
    let Some(python) = external(
        python,
        "make a venv with nvidia-ml-py there (.ci/run does) or set NVML_TEST_PYTHON",
    ) else {
        return;
    };
    let script = "import pynvml\n\
                  pynvml.nvmlInit()\n\
                  n = pynvml.nvmlDeviceGetCount()\n\
                  print(n)\n\
                  for i in range(n):\n\
                  \x20   print(pynvml.nvmlDeviceGetName(pynvml.nvmlDeviceGetHandleByIndex(i)))\n";
    let python = python.to_str().unwrap();
    for (arg, p) in [
        (None, profile::builtin("dgx-h100").unwrap()),
        (
            Some(manifest().join("profiles/example.json")),
            profile::load(manifest().join("profiles/example.json").to_str().unwrap()).unwrap(),
        ),
    ] {
        let mut args = vec!["run"];
        let file;
        if let Some(a) = &arg {
            file = a.to_str().unwrap().to_owned();
            args.extend(["--profile", &file]);
        }
        args.extend(["--", python, "-c", script]);
        let text = succeeded(&nvml_mock(&args));
        let mut expected = format!("{}\n", p.gpus.len());
        for g in &p.gpus {
            expected.push_str(&format!("{}\n", g.name));
        }
        assert_eq!(text, expected, "profile {arg:?}");
    }
}

/// Compiles `tests/c/client.c` against `headers/nvml.h`, linked to `libnvidia-ml.so.1` in
/// `lib_dir`, into `out`.
fn build_c_client(lib_dir: &Path, out: &Path) {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(cc)
        .args(["-Wall", "-Werror", "-I"])
        .arg(manifest().join("../headers"))
        .arg(manifest().join("tests/c/client.c"))
        .arg("-o")
        .arg(out)
        .arg("-L")
        .arg(lib_dir)
        .arg("-l:libnvidia-ml.so.1")
        .status()
        .expect("a C compiler (cc) is installed");
    assert!(status.success(), "client.c compiles and links");
}

#[test]
fn a_c_program_runs_on_the_profile_it_is_given() {
    // Linked against a staged copy; run with nothing on the loader's path but what
    // `nvml-mock run` puts there.
    let link_time = Staged::new().unwrap();
    let exe = link_time.dir().join("client");
    build_c_client(link_time.dir(), &exe);
    let alone = Command::new(&exe)
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .unwrap();
    assert!(
        !alone.status.success(),
        "without the mock the client cannot start"
    );

    let text = succeeded(&nvml_mock(&[
        "run",
        "--profile",
        "workstation",
        "--",
        exe.to_str().unwrap(),
    ]));
    let p = profile::builtin("workstation").unwrap();
    assert_eq!(
        text.lines().take(2).collect::<Vec<_>>(),
        [
            format!("driver {}", p.driver_version),
            format!("count {}", p.gpus.len())
        ]
    );
    assert_eq!(text.lines().last(), Some("ok"), "{text}");
}

#[test]
fn run_passes_the_exit_status_through_and_stages_both_driver_names() {
    let out = nvml_mock(&[
        "run",
        "--",
        "sh",
        "-c",
        "dir=${LD_LIBRARY_PATH%%:*}; test -f \"$dir/libnvidia-ml.so.1\" && \
         test \"$(readlink \"$dir/libnvidia-ml.so\")\" = libnvidia-ml.so.1 && \
         echo \"$dir\" && exit 7",
    ]);
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let dir = stdout(&out).trim().to_owned();
    assert!(
        !Path::new(&dir).exists(),
        "the private folder {dir} is removed after the command"
    );

    let killed = nvml_mock(&["run", "--", "sh", "-c", "kill -TERM $$"]);
    assert_eq!(killed.status.code(), Some(128 + 15), "128 + SIGTERM");
}

#[test]
fn run_reports_mistakes_before_running_anything() {
    let unknown = nvml_mock(&["run", "--profile", "dgx-h900", "--", "true"]);
    assert_eq!(unknown.status.code(), Some(2));
    let e = stderr(&unknown);
    assert!(
        e.contains("unknown profile \"dgx-h900\"") && e.contains("dgx-b200"),
        "names the profile and the built-in ones: {e}"
    );

    let missing_command = nvml_mock(&["run", "--profile", "dgx-h100"]);
    assert_eq!(missing_command.status.code(), Some(2));
    assert!(
        stderr(&missing_command).contains("`run` needs a command"),
        "{}",
        stderr(&missing_command)
    );

    let no_such_program = nvml_mock(&["run", "--", "/nonexistent/nvidia-smi"]);
    assert_eq!(no_such_program.status.code(), Some(127));
    assert!(
        stderr(&no_such_program).contains("cannot run \"/nonexistent/nvidia-smi\""),
        "{}",
        stderr(&no_such_program)
    );

    let dir = tempdir();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{ "gpus": [ { "name": 5 } ] }"#).unwrap();
    let bad_file = nvml_mock(&["run", "--profile", bad.to_str().unwrap(), "--", "true"]);
    assert_eq!(bad_file.status.code(), Some(2));
    assert!(
        stderr(&bad_file).contains("bad.json") && stderr(&bad_file).contains("\"name\""),
        "{}",
        stderr(&bad_file)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn list_names_every_built_in_profile_once_a_line() {
    let text = succeeded(&nvml_mock(&["list"]));
    let names: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, profile::BUILTIN_PROFILES);
    let b200 = text.lines().find(|l| l.starts_with("dgx-b200 ")).unwrap();
    assert!(b200.contains("8 x NVIDIA B200"), "{b200}");
}

#[test]
fn show_prints_a_profile_that_check_accepts_and_check_names_the_bad_key() {
    let json = succeeded(&nvml_mock(&["show", "dgx-b200"]));
    let dir = tempdir();
    let file = dir.join("mine.json");
    std::fs::write(&file, &json).unwrap();
    assert_eq!(
        profile::load(file.to_str().unwrap()).unwrap(),
        profile::builtin("dgx-b200").unwrap(),
        "the shown JSON is the profile"
    );
    let ok = succeeded(&nvml_mock(&["check", file.to_str().unwrap()]));
    assert!(ok.contains("ok: 8 x NVIDIA B200"), "{ok}");

    std::fs::write(
        &file,
        json.replacen("\"power_limit_mw\"", "\"power_limit_mw_typo\"", 1),
    )
    .unwrap();
    let bad = nvml_mock(&["check", file.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("power_limit_mw_typo"),
        "the error names the key: {}",
        stderr(&bad)
    );

    let unknown = nvml_mock(&["show", "dgx-h900"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("built-in: dgx-h100"));
    let absent = nvml_mock(&["check", "/nonexistent/profile.json"]);
    assert_eq!(absent.status.code(), Some(1));
    assert!(stderr(&absent).contains("/nonexistent/profile.json"));
    std::fs::remove_dir_all(dir).unwrap();
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "nvml-mock-cli-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir(&dir).unwrap();
    dir
}

fn capture(board: &str) -> String {
    manifest()
        .join(format!("../oracles/captures/qx-{board}.xml"))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn from_capture_carries_what_the_capture_says() {
    // The worked example is the command's output for the L40S capture, unedited.
    let l40s = nvml_mock(&["from-capture", &capture("l40s"), "--name", "nvidia-l40s"]);
    let text = succeeded(&l40s);
    let example =
        std::fs::read_to_string(manifest().join("profiles/examples/nvidia-l40s.json")).unwrap();
    assert_eq!(
        text, example,
        "regenerate profiles/examples/nvidia-l40s.json (FORMAT.md)"
    );
    // Values the capture cannot give are named on stderr.
    assert!(
        stderr(&l40s).contains("gpus[0].sm_count = 0 from a neutral default"),
        "{}",
        stderr(&l40s)
    );

    let support = |board: &str| {
        let out = nvml_mock(&["from-capture", &capture(board), "--name", board]);
        let v: serde_json::Value = serde_json::from_str(&succeeded(&out)).unwrap();
        v["gpus"][0]["support"].clone()
    };
    // qx-t4.xml (Turing, driver 595): no average power, T.Limit or remapped rows; deprecated
    // application clocks and display mode.
    let t4 = support("t4");
    assert_eq!(t4["average_power"], false);
    assert_eq!(t4["tlimit"], false);
    assert_eq!(t4["remapped_rows"], false);
    assert_eq!(t4["application_clocks"], "deprecated");
    assert_eq!(t4["display_mode"], "deprecated");
    // qx-a100.xml (Ampere, driver 570): the display mode answers, SRAM ECC too, no C2C.
    let a100 = support("a100");
    assert_eq!(a100["display_mode"], true);
    assert_eq!(a100["sram_ecc"], true);
    assert_eq!(a100["c2c_mode"], false);
}

#[test]
fn from_capture_refuses_what_the_capture_disproves() {
    let too_fast = nvml_mock(&[
        "from-capture",
        &capture("t4"),
        "--name",
        "t4",
        "--set",
        "default_app_graphics=2520",
    ]);
    assert!(!too_fast.status.success());
    assert!(
        stderr(&too_fast)
            .contains("default_app_graphics 2520 MHz is above the board's max_graphics 1590 MHz"),
        "{}",
        stderr(&too_fast)
    );
    // A DGX H100's GPUs have 18 NvLinks; an L40S capture shows no fabric.
    let nvlink = nvml_mock(&[
        "from-capture",
        &capture("l40s"),
        "--name",
        "l",
        "--template",
        "dgx-h100",
    ]);
    assert!(!nvlink.status.success());
    assert!(
        stderr(&nvlink).contains("18 NvLinks on a board whose capture shows no fabric"),
        "{}",
        stderr(&nvlink)
    );
    // A MIG table for a board whose capture has no MIG mode.
    let mig = nvml_mock(&[
        "from-capture",
        &capture("l40s"),
        "--name",
        "l",
        "--set",
        r#"mig_profiles=[{"name": "1g.6gb"}]"#,
    ]);
    assert!(!mig.status.success());
    assert!(
        stderr(&mig).contains("MIG profiles on a board whose capture has no MIG mode"),
        "{}",
        stderr(&mig)
    );
    let usage = nvml_mock(&["from-capture", &capture("t4")]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(stderr(&usage).contains("--name NAME"), "{}", stderr(&usage));
}
