//! Running one test alone in a child process: this test binary again, filtered to that test,
//! with `--test-threads=1`. For tests that must not share their process with other tests'
//! threads (they fork, or limit the address space), and for a deadline that turns a hang into
//! a failure.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set in the child to the test it runs, so that the test knows to run its body.
const CHILD_ENV: &str = "NVML_TEST_CHILD";

/// Runs test `test` (its path in this crate, `module::name`) again in a child process, with
/// its address space limited to `memory_kib` KiB (`ulimit -v`) where given, and `deadline`.
/// `None` in the child (run the body); in the parent, the child's stdout and stderr once it
/// passed. A child that fails, aborts, runs out of memory, hangs or runs no test fails the
/// calling test.
pub fn run_alone(test: &str, memory_kib: Option<u64>, deadline: Duration) -> Option<String> {
    if std::env::var(CHILD_ENV).as_deref() == Ok(test) {
        return None;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = match memory_kib {
        Some(kib) => {
            let mut sh = Command::new("sh");
            sh.arg("-c")
                .arg("ulimit -v \"$1\" && shift && exec \"$@\"")
                .arg("sh")
                .arg(kib.to_string())
                .arg(exe);
            sh
        }
        None => Command::new(exe),
    };
    let mut child = command
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, test)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the child test");
    // Drain the pipes while the child runs, so a talkative child never blocks on a full pipe.
    let mut stdout = child.stdout.take().expect("the child's stdout");
    let mut stderr = child.stderr.take().expect("the child's stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stderr, &mut text);
        text
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for the child test") {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out_reader.join().unwrap_or_default()),
                String::from_utf8_lossy(&err_reader.join().unwrap_or_default())
            );
            assert!(
                status.success(),
                "{test} failed in the child: {status}\n{text}"
            );
            assert!(
                text.contains("1 passed"),
                "{test} did not run in the child:\n{text}"
            );
            return Some(text);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{test} hung: still running after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
