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

use common::optional;
use nvml_wrapper::device::MAX_NVLINKS;
use nvml_wrapper::enums::{ClockType, TemperatureSensor};
use nvml_wrapper::{Device, Nvml, NvmlError};
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
        "nvml_version": optional(nvml.nvml_version())?,
        "cuda_driver_version": optional(nvml.cuda_driver_version())?.map(|v| v.to_string()),
        "device_count": devices.len(),
        "devices": devices,
        "chosen_symbol_versions": versions,
    }))
}

fn device(nvml: &Nvml, index: u32) -> Result<Value, NvmlError> {
    let gpu = nvml.device_by_index(index)?;
    let mem = gpu.memory_info()?;
    let util = optional(gpu.utilization_rates())?;
    let processes: Vec<Value> = optional(gpu.running_compute_processes())?
        .unwrap_or_default()
        .into_iter()
        .map(|p| json!({ "pid": p.pid, "used_memory_bytes": p.used_gpu_memory }))
        .collect();
    Ok(json!({
        "index": index,
        "name": gpu.name()?,
        "uuid": gpu.uuid()?,
        "serial": optional(gpu.serial())?,
        "pci_bus_id": gpu.pci_info()?.bus_id,
        "architecture": optional(gpu.architecture())?.map(|a| format!("{a:?}")),
        "compute_capability": optional(gpu.cuda_compute_capability())?.map(|c| c.to_string()),
        "memory": {
            "total_bytes": mem.total,
            "reserved_bytes": mem.reserved,
            "free_bytes": mem.free,
            "used_bytes": mem.used,
        },
        "utilization": util.map(|u| json!({ "gpu_percent": u.gpu, "memory_percent": u.memory })),
        "temperature_c": optional(gpu.temperature(TemperatureSensor::Gpu))?,
        "power": {
            "usage_mw": optional(gpu.power_usage())?,
            "limit_mw": optional(gpu.power_management_limit())?,
            "enforced_limit_mw": optional(gpu.enforced_power_limit())?,
        },
        "clocks_mhz": {
            "graphics": optional(gpu.clock_info(ClockType::Graphics))?,
            "sm": optional(gpu.clock_info(ClockType::Sm))?,
            "memory": optional(gpu.clock_info(ClockType::Memory))?,
            "max_graphics": optional(gpu.max_clock_info(ClockType::Graphics))?,
        },
        "performance_state": optional(gpu.performance_state())?.map(|p| format!("{p:?}")),
        "compute_processes": processes,
        "ecc_mode": optional(gpu.ecc_mode())?.map(|m| json!({ "current": m.current, "pending": m.pending })),
        "mig_mode": optional(gpu.mig_mode())?.map(|m| json!({ "current": m.current, "pending": m.pending })),
        "nvlinks": nvlinks(&gpu)?,
    }))
}

/// The state of each NvLink the GPU reports; `null` when it has none.
fn nvlinks(gpu: &Device<'_>) -> Result<Value, NvmlError> {
    let mut links = Vec::new();
    for link in 0..MAX_NVLINKS {
        match gpu.nvlink_state(link) {
            Ok(active) => links.push(json!({ "link": link, "active": active })),
            // Past the last link, or no NvLink at all.
            Err(
                NvmlError::InvalidArgument(_)
                | NvmlError::NotSupported(_)
                | NvmlError::MissingSymbol(_),
            ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(if links.is_empty() {
        Value::Null
    } else {
        Value::Array(links)
    })
}
