//! A monitoring agent's rate computations through the wrapper, on the mock's dynamic mode and
//! virtual clock: power computed from the energy counter (energy delta / timestamp delta)
//! agrees with the power readings, while a job starts and the power limit changes.

use std::time::Duration;

use nvml_wrapper::device::field;

#[test]
fn power_from_the_energy_counter_agrees_with_the_power_readings() {
    let m = crate::support::mock();
    m.staged.set_virtual_clock(true).unwrap();
    m.staged.set_dynamic(Some(2024)).unwrap();
    m.staged.set_root(true).unwrap();
    let gpu = m.nvml.device_by_index(4).unwrap();
    // The energy counter with its timestamp (microseconds), as an agent reads it.
    let energy = || {
        let v = gpu.field_values(&[field::TOTAL_ENERGY_MJ]).unwrap();
        let value = v[0].value.as_ref().unwrap().as_u64().unwrap();
        assert_eq!(value, gpu.total_energy_consumption().unwrap());
        (v[0].timestamp, value)
    };
    let mut prev = energy();
    // NVML's field timestamps are CPU time in microseconds since 1970 (the mock's clock starts
    // at the wall-clock time of nvmlInit), not time since init.
    assert!(prev.0 > 1_600_000_000_000_000, "{}", prev.0);
    let mut rates = Vec::new();
    for second in 0..60 {
        match second {
            10 => m
                .staged
                .start_process(4, 31337, "train.py", 90, 30_000)
                .unwrap(),
            30 => gpu.set_power_management_limit(350_000).unwrap(),
            50 => m.staged.stop_process(4, 31337).unwrap(),
            _ => {}
        }
        // The agent also polls the draw every 100 ms and averages it.
        let mut sum_mw = 0u64;
        for _ in 0..10 {
            sum_mw += u64::from(gpu.power_usage().unwrap());
            m.staged.advance_clock(Duration::from_millis(100)).unwrap();
        }
        let now = energy();
        let dt_us = u64::try_from(now.0 - prev.0).unwrap();
        assert_eq!(dt_us, 1_000_000);
        // mJ per us x 1e6 = mJ/s = mW.
        let rate_mw = (now.1 - prev.1) * 1_000_000 / dt_us;
        let average_mw = sum_mw / 10;
        // Each reading of whole mJ rounds down: at most 1 mW over a second, plus the average's.
        assert!(
            rate_mw.abs_diff(average_mw) <= 2,
            "second {second}: energy rate {rate_mw} mW, average draw {average_mw} mW"
        );
        rates.push(rate_mw);
        prev = now;
    }
    // The rates moved with the load: idle, busy, capped at 350 W, idle again.
    assert!(rates[5] < 100_000, "{rates:?}");
    assert!(rates[20] > 500_000, "{rates:?}");
    assert!(rates[40].abs_diff(350_000) <= 2, "{rates:?}");
    assert!(rates[55] < 100_000, "{rates:?}");
}
