//! The readings of a GPU that move while the machine runs: utilisation, temperatures, power
//! draw, clocks, P-state, clocks event reasons, PCIe throughput and the energy counter's base.
//!
//! A GPU starts with its profile's constant readings ([`Readings::of`]); the dynamic mode
//! replaces them every tick and puts the constant ones back when it goes off. The profile's
//! `GpuSpec` is never written: queries read the moving values here and the fixed ones there.

use crate::profile::GpuSpec;

/// What a GPU reads now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Readings {
    /// GPU utilisation, %.
    pub util_gpu: u32,
    /// Memory utilisation, %.
    pub util_memory: u32,
    /// GPU temperature, °C.
    pub temperature: u32,
    /// Memory temperature, °C (0: no memory sensor).
    pub memory_temperature: u32,
    /// Power draw, mW.
    pub power_usage_mw: u32,
    /// Graphics clock, MHz.
    pub clock_graphics: u32,
    /// SM clock, MHz.
    pub clock_sm: u32,
    /// Memory clock, MHz.
    pub clock_mem: u32,
    /// Video clock, MHz.
    pub clock_video: u32,
    /// Performance state (`NVML_PSTATE_*`).
    pub pstate: u32,
    /// Clocks event reasons (`nvmlClocksEventReason*` bits).
    pub clocks_event_reasons: u64,
    /// PCIe TX throughput, KB/s.
    pub pcie_tx_kbps: u32,
    /// PCIe RX throughput, KB/s.
    pub pcie_rx_kbps: u32,
    /// The whole module's draw (a Grace Blackwell superchip), mW, where the profile has one.
    pub module_usage_mw: Option<u32>,
    /// Energy counter at the machine's start, mJ: the constant mode's energy is this plus the
    /// elapsed time times the power draw.
    pub energy_base_mj: u64,
}

impl Readings {
    /// The profile's constant readings of a GPU.
    pub fn of(s: &GpuSpec) -> Readings {
        Readings {
            util_gpu: s.util_gpu,
            util_memory: s.util_memory,
            temperature: s.temperature,
            memory_temperature: s.memory_temperature,
            power_usage_mw: s.power_usage_mw,
            clock_graphics: s.clock_graphics,
            clock_sm: s.clock_sm,
            clock_mem: s.clock_mem,
            clock_video: s.clock_video,
            pstate: s.pstate,
            clocks_event_reasons: s.clocks_event_reasons,
            pcie_tx_kbps: s.pcie_tx_kbps,
            pcie_rx_kbps: s.pcie_rx_kbps,
            module_usage_mw: s.module_power.as_ref().map(|m| m.usage_mw),
            energy_base_mj: s.energy_base_mj,
        }
    }

    /// Energy consumed since the driver loaded in the constant mode, `ms` after the machine's
    /// start, mJ.
    pub fn constant_energy_mj(&self, ms: u64) -> u64 {
        self.energy_base_mj
            .saturating_add(ms.saturating_mul(u64::from(self.power_usage_mw)) / 1000)
    }
}
