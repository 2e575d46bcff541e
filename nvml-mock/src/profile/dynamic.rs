//! The profile's `dynamic` object: readings that move over time (the model is in
//! `crate::dynamic`). Absent: every reading is the profile's constant.

use serde::{Deserialize, Deserializer, Serialize};

/// Settings of the dynamic mode (`"dynamic": {"seed": 42}`; every other key has a default).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DynamicSpec {
    /// Seed of the utilisation noise: the same seed and the same events give the same readings.
    pub seed: u64,
    /// Time source: `false` real elapsed time, `true` a virtual clock that moves only when
    /// `nvml_mock_advance_clock` moves it.
    pub virtual_clock: bool,
    /// Air temperature at the GPU's inlet, °C: an idle GPU settles 10 °C above it.
    pub ambient_c: i32,
    /// First-order thermal time constant, seconds: the temperature covers 63% of the way to
    /// its steady state in this time.
    pub thermal_time_constant_s: u32,
    /// Utilisation noise of a busy GPU, ± percentage points per 100 ms tick.
    pub noise_percent: u32,
}

impl Default for DynamicSpec {
    fn default() -> Self {
        DynamicSpec {
            seed: 0,
            virtual_clock: false,
            ambient_c: 25,
            thermal_time_constant_s: 20,
            noise_percent: 3,
        }
    }
}

/// A `dynamic` object as a file writes it (every key optional).
#[derive(Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DynamicFile {
    seed: u64,
    virtual_clock: bool,
    ambient_c: i32,
    thermal_time_constant_s: u32,
    noise_percent: u32,
}

impl Default for DynamicFile {
    fn default() -> Self {
        let d = DynamicSpec::default();
        DynamicFile {
            seed: d.seed,
            virtual_clock: d.virtual_clock,
            ambient_c: d.ambient_c,
            thermal_time_constant_s: d.thermal_time_constant_s,
            noise_percent: d.noise_percent,
        }
    }
}

impl<'de> Deserialize<'de> for DynamicSpec {
    /// Reads the object and checks its ranges (an error names the key).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = DynamicFile::deserialize(d)?;
        let bad = |key: &str, range: &str| {
            serde::de::Error::custom(format!("\"{key}\": must be {range}"))
        };
        if !(-40..=60).contains(&f.ambient_c) {
            return Err(bad("ambient_c", "-40..=60"));
        }
        if !(1..=3600).contains(&f.thermal_time_constant_s) {
            return Err(bad("thermal_time_constant_s", "1..=3600"));
        }
        if f.noise_percent > 20 {
            return Err(bad("noise_percent", "0..=20"));
        }
        Ok(DynamicSpec {
            seed: f.seed,
            virtual_clock: f.virtual_clock,
            ambient_c: f.ambient_c,
            thermal_time_constant_s: f.thermal_time_constant_s,
            noise_percent: f.noise_percent,
        })
    }
}
