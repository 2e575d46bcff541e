//! A table like `nvidia-smi`'s default view: one block per GPU, then the processes.
//!
//! ```sh
//! cargo run -p nvml-wrapper --example smi            # real GPUs, or the simulated DGX H100
//! cargo run -p nvml-wrapper --example smi -- --lib /path/to/libnvidia-ml.so.1
//! ```
//!
//! Values a GPU does not report (no fan on an SXM board, say) show as `N/A`.

mod common;

use nvml_wrapper::device::ProcessInfo;
use nvml_wrapper::enums::{ComputeMode, EccCounterType, MemoryErrorType, TemperatureSensor};
use nvml_wrapper::{Device, Nvml, NvmlError, OptionalMetric};

/// Widths of the three columns of a GPU block, between the `|` separators.
const COLUMNS: [usize; 3] = [41, 24, 22];
/// Width of the whole table between its outer `|`.
const WIDTH: usize = COLUMNS[0] + COLUMNS[1] + COLUMNS[2] + 2;

fn main() -> std::process::ExitCode {
    common::run(|| {
        let session = common::open(&common::options()?)?;
        use std::io::Write as _;
        write!(std::io::stdout().lock(), "{}", render(&session.nvml)?)?;
        Ok(())
    })
}

fn render(nvml: &Nvml) -> Result<String, NvmlError> {
    let mut out = String::new();
    let rule = |c: char, joints: bool| -> String {
        if joints {
            let parts: Vec<String> = COLUMNS.iter().map(|w| c.to_string().repeat(*w)).collect();
            format!("{}\n", ["+", &parts.join("+"), "+"].concat())
        } else {
            format!("+{}+\n", c.to_string().repeat(WIDTH))
        }
    };
    let cuda = nvml
        .cuda_driver_version()
        .optional()?
        .map_or("N/A".to_owned(), |v| v.to_string());
    let header = format!(
        " NVML {:<18} Driver Version: {:<18} CUDA Version: {}",
        nvml.nvml_version().optional()?.unwrap_or_default(),
        nvml.driver_version()?,
        cuda
    );
    out.push_str(&rule('-', false));
    out.push_str(&format!("|{header:<WIDTH$}|\n"));
    out.push_str(&rule('-', true));
    out.push_str(&row([
        "GPU  Name                 Persistence-M",
        "Bus-Id          Disp.A",
        "Volatile Uncorr. ECC",
    ]));
    out.push_str(&row([
        "Fan  Temp   Perf          Pwr:Usage/Cap",
        "          Memory-Usage",
        "GPU-Util  Compute M.",
    ]));
    out.push_str(&row(["", "", "              MIG M."]));
    out.push_str(&rule('=', true));

    let mut processes = Vec::new();
    for index in 0..nvml.device_count()? {
        let gpu = nvml.device_by_index(index)?;
        for block_row in gpu_block(index, &gpu)? {
            out.push_str(&block_row);
        }
        out.push_str(&rule('-', true));
        for p in gpu
            .running_compute_processes()
            .optional()?
            .unwrap_or_default()
        {
            processes.push((index, 'C', p));
        }
        for p in gpu
            .running_graphics_processes()
            .optional()?
            .unwrap_or_default()
        {
            processes.push((index, 'G', p));
        }
    }

    out.push('\n');
    out.push_str(&rule('-', false));
    out.push_str(&format!("|{:<WIDTH$}|\n", " Processes:"));
    out.push_str(&format!(
        "|{:<WIDTH$}|\n",
        "  GPU   GI   CI        PID   Type   Process name                            GPU Memory"
    ));
    out.push_str(&format!(
        "|{:<WIDTH$}|\n",
        "        ID   ID                                                             Usage"
    ));
    out.push_str(&rule('=', false));
    if processes.is_empty() {
        out.push_str(&format!("|{:<WIDTH$}|\n", "  No running processes found"));
    }
    for (index, kind, p) in &processes {
        out.push_str(&format!(
            "|{:<WIDTH$}|\n",
            process_line(nvml, *index, *kind, p)?
        ));
    }
    out.push_str(&rule('-', false));
    Ok(out)
}

/// One table row from three cells: the first left-aligned, the others right-aligned.
fn row(cells: [&str; 3]) -> String {
    let [a, b, c] = cells;
    format!(
        "| {a:<w0$} | {b:>w1$} | {c:>w2$} |\n",
        w0 = COLUMNS[0] - 2,
        w1 = COLUMNS[1] - 2,
        w2 = COLUMNS[2] - 2
    )
}

/// The three rows describing one GPU.
fn gpu_block(index: u32, gpu: &Device<'_>) -> Result<[String; 3], NvmlError> {
    let on_off = |b: Option<bool>| match b {
        Some(true) => "On",
        Some(false) => "Off",
        None => "N/A",
    };
    let mut name = gpu.name()?;
    name.truncate(24);
    let persistence = on_off(gpu.persistence_mode().optional()?);
    let bus_id = gpu.pci_info()?.bus_id;
    let display = on_off(gpu.display_active().optional()?);
    let ecc = match gpu.ecc_mode().optional()? {
        Some(modes) if modes.current => gpu
            .total_ecc_errors(MemoryErrorType::Uncorrected, EccCounterType::Volatile)
            .optional()?
            .map_or("N/A".to_owned(), |n| n.to_string()),
        Some(_) => "Off".to_owned(),
        None => "N/A".to_owned(),
    };

    let fan = gpu
        .fan_speed(0)
        .optional()?
        .map_or("N/A".to_owned(), |f| format!("{f}%"));
    let temp = gpu
        .temperature(TemperatureSensor::Gpu)
        .optional()?
        .map_or("N/A".to_owned(), |t| format!("{t}C"));
    let perf = gpu
        .performance_state()
        .optional()?
        .map_or("N/A".to_owned(), |p| format!("{p:?}"));
    let watts = |mw: Option<u32>| mw.map_or("N/A".to_owned(), |mw| format!("{}W", mw / 1000));
    let power = format!(
        "{:>5} / {:>5}",
        watts(gpu.power_usage().optional()?),
        watts(gpu.enforced_power_limit().optional()?)
    );
    let mem = gpu.memory_info()?;
    let memory = format!("{}MiB / {}MiB", mem.used >> 20, mem.total >> 20);
    let util = gpu
        .utilization_rates()
        .optional()?
        .map_or("N/A".to_owned(), |u| format!("{}%", u.gpu));
    let compute = match gpu.compute_mode().optional()? {
        Some(ComputeMode::Default) => "Default",
        Some(ComputeMode::ExclusiveProcess) => "E. Process",
        Some(ComputeMode::ExclusiveThread) => "E. Thread",
        Some(ComputeMode::Prohibited) => "Prohibited",
        Some(_) | None => "N/A",
    };
    let mig = match gpu.mig_mode().optional()? {
        Some(m) if m.current => "Enabled",
        Some(_) => "Disabled",
        None => "N/A",
    };

    Ok([
        row([
            &format!("{index:>3}  {name:<24} {persistence:>8}"),
            &format!("{bus_id} {display:>4}"),
            &ecc,
        ]),
        row([
            &format!("{fan:>3}  {temp:>4}   {perf:<7} {power:>19}"),
            &memory,
            &format!("{util:>8}  {compute:>10}"),
        ]),
        row(["", "", mig]),
    ])
}

fn process_line(nvml: &Nvml, index: u32, kind: char, p: &ProcessInfo) -> Result<String, NvmlError> {
    let id = |v: Option<u32>| v.map_or("N/A".to_owned(), |v| v.to_string());
    let mut name = nvml
        .process_name(p.pid)
        .optional()?
        .unwrap_or_else(|| "-".to_owned());
    if name.len() > 38 {
        // Keep the end of long paths, as nvidia-smi does; cut on a character boundary.
        let cut = name.len() - 35;
        let cut = (cut..name.len())
            .find(|i| name.is_char_boundary(*i))
            .unwrap_or(cut);
        name = format!("...{}", &name[cut..]);
    }
    let used = p
        .used_gpu_memory
        .map_or("N/A".to_owned(), |b| format!("{}MiB", b >> 20));
    Ok(format!(
        "  {index:>3}  {:>4} {:>4} {:>10}    {kind:>3}   {name:<38} {used:>10}",
        id(p.gpu_instance_id),
        id(p.compute_instance_id),
        p.pid
    ))
}
