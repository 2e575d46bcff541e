//! Lists the GPUs with name, memory and temperature (this repository's nvml-wrapper).

use nvml_wrapper::Nvml;
use nvml_wrapper::enums::TemperatureSensor;

fn main() -> Result<(), nvml_wrapper::NvmlError> {
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
