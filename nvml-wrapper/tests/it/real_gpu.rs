//! On a machine with an NVIDIA GPU and driver: the wrapper agrees with `nvidia-smi`.
//!
//! Ignored by default (no GPU on CI machines). Run with
//! `cargo test -p nvml-wrapper --test it real_gpu:: -- --ignored --nocapture`.

use std::process::Command;

use nvml_wrapper::Nvml;
use nvml_wrapper::enums::TemperatureSensor;

/// `nvidia-smi --query-gpu=...` as rows of trimmed fields.
fn smi_query(fields: &str) -> Vec<Vec<String>> {
    let out = Command::new("nvidia-smi")
        .args([
            &format!("--query-gpu={fields}"),
            "--format=csv,noheader,nounits",
        ])
        .output()
        .expect("nvidia-smi runs");
    assert!(
        out.status.success(),
        "nvidia-smi failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(|f| f.trim().to_owned()).collect())
        .collect()
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn identity_and_memory_agree_with_nvidia_smi() {
    let nvml = Nvml::init().expect("NVML initialises on a GPU machine");
    let rows = smi_query("index,uuid,name,serial,pci.bus_id,memory.total,driver_version");
    assert_eq!(nvml.device_count().unwrap() as usize, rows.len());
    for row in &rows {
        let gpu = nvml.device_by_index(row[0].parse().unwrap()).unwrap();
        println!(
            "GPU {}: {} {} {}",
            row[0],
            gpu.name().unwrap(),
            gpu.uuid().unwrap(),
            gpu.pci_info().unwrap().bus_id
        );
        assert_eq!(gpu.uuid().unwrap(), row[1]);
        assert_eq!(gpu.name().unwrap(), row[2]);
        if row[3] != "[N/A]" {
            assert_eq!(gpu.serial().unwrap(), row[3]);
        }
        assert_eq!(gpu.pci_info().unwrap().bus_id, row[4]);
        // nvidia-smi prints MiB.
        assert_eq!(
            gpu.memory_info().unwrap().total >> 20,
            row[5].parse::<u64>().unwrap()
        );
        assert_eq!(nvml.driver_version().unwrap(), row[6]);
    }
}

#[test]
#[ignore = "needs an NVIDIA GPU and driver"]
fn live_readings_are_plausible_and_close_to_nvidia_smi() {
    let nvml = Nvml::init().expect("NVML initialises on a GPU machine");
    let rows = smi_query("index,temperature.gpu,power.limit,clocks.max.graphics,pstate");
    for row in &rows {
        let gpu = nvml.device_by_index(row[0].parse().unwrap()).unwrap();
        let temp = gpu.temperature(TemperatureSensor::Gpu).unwrap();
        let smi_temp: u32 = row[1].parse().unwrap();
        assert!(
            temp.abs_diff(smi_temp) <= 5,
            "temperature {temp} vs nvidia-smi {smi_temp}"
        );
        let limit_w = gpu.power_management_limit().unwrap() / 1000;
        let smi_limit: f64 = row[2].parse().unwrap();
        assert!(
            (f64::from(limit_w) - smi_limit).abs() <= 1.0,
            "power limit {limit_w} vs {smi_limit}"
        );
        let max_gr = gpu
            .max_clock_info(nvml_wrapper::enums::ClockType::Graphics)
            .unwrap();
        assert_eq!(max_gr.to_string(), row[3]);
        assert_eq!(format!("{:?}", gpu.performance_state().unwrap()), row[4]);
        let energy_a = gpu.total_energy_consumption().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(
            gpu.total_energy_consumption().unwrap() >= energy_a,
            "energy only grows"
        );
    }
}
