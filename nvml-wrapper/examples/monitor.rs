//! Owned handles: keep `Nvml` and its devices in one struct, move it into a monitoring thread,
//! and hold a device across an `.await` in a task that another thread polls. No lifetimes, no
//! leak, no `unsafe`; NVML shuts down when the last share drops, and `shutdown` reports the
//! driver's answer.
//!
//! ```sh
//! cargo run -p nvml-wrapper --example monitor            # real GPUs, or the mock
//! cargo run -p nvml-wrapper --example monitor -- --mock
//! ```

mod common;

use std::future::Future;
use std::task::{Context, Poll, Waker};

use nvml_wrapper::enums::TemperatureSensor;
use nvml_wrapper::{Nvml, NvmlError, OwnedDevice};

/// Everything the monitoring thread needs, with no lifetime.
struct Monitor {
    nvml: Nvml,
    gpus: Vec<OwnedDevice>,
}

impl Monitor {
    /// The driver, then one line per GPU: index, temperature and power.
    fn sample(&self) -> Result<Vec<String>, NvmlError> {
        let mut lines = vec![format!("driver {}", self.nvml.driver_version()?)];
        for gpu in &self.gpus {
            lines.push(format!(
                "GPU {}: {} C, {} mW",
                gpu.index()?,
                gpu.temperature(TemperatureSensor::Gpu)?,
                gpu.power_usage()?
            ));
        }
        Ok(lines)
    }
}

/// A task holding an owned device across an `.await`.
async fn report(gpu: OwnedDevice) -> Result<String, NvmlError> {
    let name = gpu.name()?;
    std::future::ready(()).await; // a timer or a socket write in a real agent
    Ok(format!(
        "task: {name}, {} MiB used",
        gpu.memory_info()?.used >> 20
    ))
}

/// What a multi-threaded runtime's `spawn` asks of a task.
fn spawnable<F: Future + Send + 'static>(future: F) -> F {
    future
}

/// Polls a future to completion on the current thread (no runtime needed for this demo).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::yield_now();
    }
}

fn main() -> std::process::ExitCode {
    common::run(|| {
        // `_mock`, when present, is the staged mock library: kept until the end.
        let common::Session { nvml, mock: _mock } = common::open(&common::options()?)?;

        let gpus: Vec<OwnedDevice> = nvml
            .devices()?
            .into_iter()
            .map(|gpu| gpu.into_owned())
            .collect();
        let first = gpus.first().cloned();
        let monitor = Monitor { nvml, gpus };

        let lines = std::thread::spawn(move || monitor.sample())
            .join()
            .map_err(|_| "the monitor thread panicked")??;
        for line in lines {
            println!("{line}");
        }

        if let Some(gpu) = first {
            let task = spawnable(report(gpu.clone()));
            let line = std::thread::spawn(move || block_on(task))
                .join()
                .map_err(|_| "the task thread panicked")??;
            println!("{line}");

            // The thread and the task are done; this device is the last share.
            println!("shares left: {}", gpu.nvml().share_count());
            let nvml = gpu.nvml().clone();
            drop(gpu);
            nvml.shutdown()?;
            println!("shutdown: ok");
        }
        Ok(())
    })
}
