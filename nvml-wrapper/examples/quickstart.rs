//! The shortest useful NVML program: list the GPUs and their UUIDs.
//!
//! ```sh
//! cargo run -p nvml-wrapper --example quickstart            # real GPUs, or the mock
//! cargo run -p nvml-wrapper --example quickstart -- --lib /path/to/libnvidia-ml.so.1
//! ```

mod common;

fn main() -> std::process::ExitCode {
    common::run(|| {
        let session = common::open(&common::options()?)?;
        let nvml = &session.nvml;

        let count = nvml.device_count()?;
        outln!("{count} GPU(s), driver {}", nvml.driver_version()?)?;
        for index in 0..count {
            let gpu = nvml.device_by_index(index)?;
            outln!("GPU {index}: {} ({})", gpu.name()?, gpu.uuid()?)?;
        }
        Ok(())
    })
}
