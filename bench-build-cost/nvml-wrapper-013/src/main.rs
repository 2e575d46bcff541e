//! Lists the GPUs with name, memory and temperature (nvml-wrapper 0.13).

use nvml_wrapper::Nvml;
use nvml_wrapper::enum_wrappers::device::TemperatureSensor;

fn main() -> Result<(), nvml_wrapper::error::NvmlError> {
    let nvml = Nvml::init()?;
    for index in 0..nvml.device_count()? {
        let gpu = nvml.device_by_index(index)?;
        let memory = gpu.memory_info()?;
        let celsius = gpu.temperature(TemperatureSensor::Gpu)?;
        println!(
            "GPU {index}: {}, {} MiB, {celsius} C",
            gpu.name()?,
            memory.total >> 20
        );
    }
    Ok(())
}
