//! A minute of one simulated GPU, second by second, on nvml-mock's virtual clock: a training
//! job starts at 10 s, an external power brake holds the GPU from 30 s to 35 s, the job stops
//! at 45 s. Each line is what a monitoring agent reads through the wrapper, with the power it
//! would compute from the energy counter (energy delta / time), which agrees with the draw.
//! The mock's dynamic mode makes the readings move; the virtual clock makes the minute take
//! milliseconds and come out the same on every run for a seed.
//!
//! ```sh
//! cargo run -p nvml-wrapper --example mock_minute             # seed 42, GPU 4 of dgx-h100
//! cargo run -p nvml-wrapper --example mock_minute -- 7        # another seed
//! ```

mod common;

use std::time::Duration;

use nvml_wrapper::Nvml;
use nvml_wrapper::device::ClocksEventReasons;
use nvml_wrapper::enums::{ClockType, TemperatureSensor};

/// The GPU shown (idle in the `dgx-h100` profile).
const GPU: u32 = 4;

fn main() -> std::process::ExitCode {
    common::run(|| {
        let seed: u64 = match std::env::args().nth(1) {
            Some(s) => s.parse().map_err(|_| format!("not a seed: {s}"))?,
            None => 42,
        };
        let mock = nvml_mock::Staged::with_profile("dgx-h100")?;
        let nvml = Nvml::builder().library_path(mock.path()).init()?;
        // The mock's hooks fail with an error naming the hook and its return code.
        mock.set_virtual_clock(true)?;
        mock.set_dynamic(Some(seed))?;
        let gpu = nvml.device_by_index(GPU)?;
        println!("{} (GPU {GPU}), seed {seed}", gpu.name()?);
        println!("   t  util  power W  energy rate W  temp C  SM MHz  clocks event reasons");
        let mut last_energy = gpu.total_energy_consumption()?;
        for t in 0..=60u32 {
            match t {
                10 => mock.start_process(GPU, 4242, "train.py", 95, 40_000)?,
                30 => mock.set_throttle(GPU, ClocksEventReasons::HW_POWER_BRAKE_SLOWDOWN.bits())?,
                35 => mock.set_throttle(GPU, 0)?,
                45 => mock.stop_process(GPU, 4242)?,
                _ => {}
            }
            let energy = gpu.total_energy_consumption()?;
            // mJ over 1 s = mW; shown in W.
            let rate_w = (energy - last_energy) as f64 / 1000.0;
            last_energy = energy;
            let reasons: Vec<&str> = gpu
                .current_clocks_event_reasons()?
                .iter_names()
                .map(|(name, _)| name)
                .collect();
            println!(
                "{t:>3}s  {:>3}%  {:>7.1}  {:>13}  {:>6}  {:>6}  {}",
                gpu.utilization_rates()?.gpu,
                f64::from(gpu.power_usage()?) / 1000.0,
                if t == 0 {
                    "-".to_string()
                } else {
                    format!("{rate_w:.1}")
                },
                gpu.temperature(TemperatureSensor::Gpu)?,
                gpu.clock_info(ClockType::Sm)?,
                if reasons.is_empty() {
                    "none".to_string()
                } else {
                    reasons.join(" | ")
                },
            );
            mock.advance_clock(Duration::from_secs(1))?;
        }
        Ok(())
    })
}
