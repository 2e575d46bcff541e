//! `NVML_MOCK_LIB` chooses the library `Staged` copies. The environment is process-wide, so
//! the checks run in child processes (this test binary, filtered to an ignored probe).

use std::process::Command;

use nvml_mock::Staged;

fn run_probe(lib: &std::path::Path) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "staged_env::probe",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("NVML_MOCK_LIB", lib)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn nvml_mock_lib_points_at_the_library() {
    let source = Staged::new().unwrap();
    let out = run_probe(source.path());
    assert!(
        out.contains(&format!("FOUND {}", source.path().display())),
        "{out}"
    );
    assert!(out.contains("STAGED ok"), "{out}");
    let out = run_probe(std::path::Path::new("/nonexistent/libnvml_mock.so"));
    assert!(
        out.contains("ERROR NVML_MOCK_LIB=/nonexistent/libnvml_mock.so is not a file"),
        "{out}"
    );
}

#[test]
#[ignore = "run by nvml_mock_lib_points_at_the_library in a child process"]
fn probe() {
    match nvml_mock::find_cdylib() {
        Ok(p) => println!("FOUND {}", p.display()),
        Err(e) => println!("ERROR {e}"),
    }
    match Staged::new() {
        Ok(s) => println!(
            "STAGED {}",
            if s.path().is_file() { "ok" } else { "missing" }
        ),
        Err(e) => println!("STAGED error {e}"),
    }
}
