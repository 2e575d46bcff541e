//! Waits for GPU events (XID errors, ECC errors, P-state and clock changes, ...) and prints them.
//!
//! ```sh
//! cargo run -p nvml-wrapper --example events                 # real GPUs, or the mock
//! cargo run -p nvml-wrapper --example events -- --count 5 --timeout-ms 60000
//! ```
//!
//! On the simulated GPUs nothing happens by itself, so the example injects an XID 79 ("GPU
//! has fallen off the bus") on GPU 3 through the mock's control hook after half a second.
//!
//! Ctrl-C (SIGINT) ends a wait at once, however long its timeout: the handler only stops a
//! [`StopToken`], and `wait_or_stop` returns within `STOP_SLICE_MS` (100 ms).

mod common;

use std::time::Duration;

use nvml_wrapper::NvmlError;
use nvml_wrapper::event::{EventTypes, StopToken};

/// Stopped by the SIGINT handler.
static STOP: StopToken = StopToken::new();

extern "C" fn on_sigint(_signal: libc::c_int) {
    // Only an atomic store: async-signal-safe.
    STOP.stop();
}

/// Routes Ctrl-C to [`STOP`].
fn stop_on_ctrl_c() {
    let handler: extern "C" fn(libc::c_int) = on_sigint;
    // SAFETY: installs a handler that only stores an atomic flag.
    unsafe { libc::signal(libc::SIGINT, handler as libc::sighandler_t) };
}

fn main() -> std::process::ExitCode {
    common::run(|| {
        let opts = common::options()?;
        let (count, timeout_ms) = parse(&opts.rest)?;
        let session = common::open(&opts)?;
        let nvml = &session.nvml;

        stop_on_ctrl_c();
        let set = nvml.create_event_set()?;
        for gpu in nvml.devices()? {
            let types = match gpu.supported_event_types() {
                Ok(types) => types,
                Err(NvmlError::NotSupported(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            set.register(&gpu, types)?;
            outln!("GPU {}: listening for {types:?}", gpu.index()?)?;
        }

        std::thread::scope(|scope| -> Result<(), Box<dyn std::error::Error>> {
            if let Some(mock) = &session.mock {
                scope.spawn(move || {
                    std::thread::sleep(Duration::from_millis(500));
                    if let Err(code) = mock.inject_xid(3, 79) {
                        eprintln!("note: could not inject a demo event (NVML code {code})");
                    }
                });
            }
            for _ in 0..count {
                match set.wait_or_stop(timeout_ms, &STOP) {
                    Ok(None) => {
                        outln!("stopped (Ctrl-C)")?;
                        break;
                    }
                    Ok(Some(event)) => {
                        let what = if event.event_type.contains(EventTypes::XID_CRITICAL_ERROR) {
                            format!("XID {}", event.event_data)
                        } else {
                            format!("data {}", event.event_data)
                        };
                        outln!(
                            "event on GPU {} ({}): {:?}, {what}",
                            event.device.index()?,
                            event.device.uuid()?,
                            event.event_type
                        )?;
                    }
                    Err(NvmlError::Timeout(_)) => {
                        outln!("no event within {timeout_ms} ms")?;
                        break;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Ok(())
        })
    })
}

/// `--count N` (default 1) and `--timeout-ms MS` (default 10000).
fn parse(args: &[String]) -> Result<(u32, u32), String> {
    let (mut count, mut timeout_ms) = (1, 10_000);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> Result<u32, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--count" => count = value("--count")?,
            "--timeout-ms" => timeout_ms = value("--timeout-ms")?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((count, timeout_ms))
}
