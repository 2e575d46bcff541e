//! The whole machine as JSON on stdout.
//!
//! ```sh
//! cargo run -p nvml-wrapper --example nvml-info            # real GPUs, or the mock
//! cargo run -p nvml-wrapper --example nvml-info -- --lib /path/to/libnvidia-ml.so.1
//! ```
//!
//! Values a GPU or driver does not offer are `null`. Any other error prints one line
//! `error: ...` on stderr and exits with status 1.

mod common;

use nvml_wrapper::enums::{ClockType, TemperatureSensor};
use nvml_wrapper::{Device, Nvml, NvmlError, OptionalMetric};
use serde_json::{Value, json};

fn main() -> std::process::ExitCode {
    common::run(|| {
        let session = common::open(&common::options()?)?;
        let info = machine(&session.nvml)?;
        outln!("{}", serde_json::to_string_pretty(&info)?)?;
        Ok(())
    })
}

fn machine(nvml: &Nvml) -> Result<Value, NvmlError> {
    let devices = (0..nvml.device_count()?)
        .map(|index| device(nvml, index))
        .collect::<Result<Vec<_>, _>>()?;
    let versions: Vec<Value> = nvml
        .version_choices()
        .into_iter()
        .map(|row| json!({ "family": row.family, "symbol": row.symbol }))
        .collect();
    Ok(json!({
        "library": nvml.library().name(),
        "driver_version": nvml.driver_version()?,
        "nvml_version": nvml.nvml_version().optional()?,
        "cuda_driver_version": nvml.cuda_driver_version().optional()?.map(|v| v.to_string()),
        "device_count": devices.len(),
        "devices": devices,
        "chosen_symbol_versions": versions,
    }))
}

fn device(nvml: &Nvml, index: u32) -> Result<Value, NvmlError> {
    let gpu = nvml.device_by_index(index)?;
    let mem = gpu.memory_info()?;
    let util = gpu.utilization_rates().optional()?;
    let processes: Vec<Value> = gpu
        .running_compute_processes()
        .optional()?
        .unwrap_or_default()
        .into_iter()
        .map(|p| json!({ "pid": p.pid, "used_memory_bytes": p.used_gpu_memory }))
        .collect();
    Ok(json!({
        "index": index,
        "name": gpu.name()?,
        "uuid": gpu.uuid()?,
        "serial": gpu.serial().optional()?,
        "pci_bus_id": gpu.pci_info()?.bus_id,
        "architecture": gpu.architecture().optional()?.map(|a| format!("{a:?}")),
        "compute_capability": gpu.cuda_compute_capability().optional()?.map(|c| c.to_string()),
        "memory": {
            "total_bytes": mem.total,
            "reserved_bytes": mem.reserved,
            "free_bytes": mem.free,
            "used_bytes": mem.used,
        },
        "utilization": util.map(|u| json!({ "gpu_percent": u.gpu, "memory_percent": u.memory })),
        "temperature_c": gpu.temperature(TemperatureSensor::Gpu).optional()?,
        "power": {
            "usage_mw": gpu.power_usage().optional()?,
            "limit_mw": gpu.power_management_limit().optional()?,
            "enforced_limit_mw": gpu.enforced_power_limit().optional()?,
        },
        "clocks_mhz": {
            "graphics": gpu.clock_info(ClockType::Graphics).optional()?,
            "sm": gpu.clock_info(ClockType::Sm).optional()?,
            "memory": gpu.clock_info(ClockType::Memory).optional()?,
            "max_graphics": gpu.max_clock_info(ClockType::Graphics).optional()?,
        },
        "performance_state": gpu.performance_state().optional()?.map(|p| format!("{p:?}")),
        "compute_processes": processes,
        "ecc_mode": gpu.ecc_mode().optional()?.map(|m| json!({ "current": m.current, "pending": m.pending })),
        "mig_mode": gpu.mig_mode().optional()?.map(|m| json!({ "current": m.current, "pending": m.pending })),
        "nvlinks": nvlinks(&gpu)?,
    }))
}

/// The state of each NvLink the GPU reports; `null` when it has none.
fn nvlinks(gpu: &Device<'_>) -> Result<Value, NvmlError> {
    let count = gpu.nvlink_count().optional()?.unwrap_or(0);
    if count == 0 {
        return Ok(Value::Null);
    }
    let mut links = Vec::new();
    for link in 0..count {
        if let Some(active) = gpu.nvlink_state(link).optional()? {
            links.push(json!({ "link": link, "active": active }));
        }
    }
    Ok(Value::Array(links))
}
