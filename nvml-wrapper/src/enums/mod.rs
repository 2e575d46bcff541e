//! Rust enums for NVML's C enums.
//!
//! Each converts from the raw C value with `from_raw` (or `TryFrom`, which never fails). A
//! value the header does not define, from a driver newer than these bindings, is kept as the
//! enum's `Other(raw)`: a newer driver never turns a working call into an error, and never
//! into undefined behaviour. `as_raw()` gives the C value back, `Other`'s included. Code that
//! matches on these enums needs a `_` arm: they are `#[non_exhaustive]`, and a later header
//! names more values (a value that is `Other(raw)` today becomes a named variant then).
//!
//! The source files group them as the NVML reference groups its functions (identity, clocks,
//! thermal, power, memory, modes, PCI, topology, samples, sessions, NvLink, events, units,
//! PRM, vGPU, MIG); every one is reachable here, as `enums::Brand`. A few enums that belong to
//! one group of methods are defined beside them and reached through that module instead
//! (`device::ProcessMode`, `device::CoolerControl`, `conf_compute::CcFeature`, ...).

use nvml_sys as sys;

use crate::error::Result;

/// Defines a Rust enum mirroring C constants, with `from_raw`, `TryFrom<raw>` (which never
/// fails), `as_raw`, and an `Other(raw)` variant for values the header does not name.
macro_rules! nvml_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $raw:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $c:path ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// A value `nvml.h` does not name (from a driver newer than these bindings) is kept as
        /// `Other(raw)`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate's `nvml.h` does not name (newer than the header), as the
            /// driver gave it.
            Other($raw),
        }

        impl $name {
            /// Every value the header names, in the header's order.
            pub const ALL: &'static [Self] = &[ $( Self::$variant ),+ ];

            /// The C value.
            pub const fn as_raw(self) -> $raw {
                match self { $( Self::$variant => $c, )+ Self::Other(raw) => raw }
            }

            /// The enum for a C value; a value the header does not name is `Other(raw)`.
            #[allow(unreachable_patterns, reason = "a header may give two names one value")]
            pub const fn from_raw(raw: $raw) -> Self {
                match raw {
                    $( $c => Self::$variant, )+
                    other => Self::Other(other),
                }
            }
        }

        impl TryFrom<$raw> for $name {
            type Error = $crate::error::NvmlError;
            /// Never fails: see [`from_raw`](Self::from_raw).
            fn try_from(raw: $raw) -> $crate::error::Result<Self> {
                Ok(Self::from_raw(raw))
            }
        }

        impl From<$name> for $raw {
            fn from(value: $name) -> $raw {
                value.as_raw()
            }
        }
    };
}
pub(crate) use nvml_enum;

mod clocks;
mod event;
mod identity;
mod memory;
mod mig;
mod modes;
mod nvlink;
mod pci;
mod power;
mod prm;
mod samples;
mod sessions;
mod thermal;
mod topology;
mod unit;
mod vgpu;

pub use clocks::*;
pub use event::*;
pub use identity::*;
pub use memory::*;
pub use mig::*;
pub use modes::*;
pub use nvlink::*;
pub use pci::*;
pub use power::*;
pub use prm::*;
pub use samples::*;
pub use sessions::*;
pub use thermal::*;
pub use topology::*;
pub use unit::*;
pub use vgpu::*;

/// `nvmlEnableState_t` as a `bool`: any value but `NVML_FEATURE_DISABLED` is on (the header
/// names 0 and 1 only; a newer value does not fail the call).
pub(crate) fn enabled(raw: sys::nvmlEnableState_t, _what: &'static str) -> Result<bool> {
    Ok(raw != sys::NVML_FEATURE_DISABLED)
}

/// A `bool` as `nvmlEnableState_t`.
pub(crate) fn enable_state(on: bool) -> sys::nvmlEnableState_t {
    if on {
        sys::NVML_FEATURE_ENABLED
    } else {
        sys::NVML_FEATURE_DISABLED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_and_keep_values_newer_than_the_header() {
        for brand in Brand::ALL {
            assert_eq!(Brand::try_from(brand.as_raw()).unwrap(), *brand);
        }
        assert_eq!(Architecture::try_from(9).unwrap(), Architecture::Hopper);
        assert_eq!(
            PerformanceState::try_from(32).unwrap(),
            PerformanceState::Unknown
        );
        assert_eq!(ComputeMode::try_from(77).unwrap(), ComputeMode::Other(77));
        assert_eq!(ComputeMode::from_raw(77).as_raw(), 77);
        assert!(enabled(2, "x").unwrap());
        assert!(enabled(1, "x").unwrap());
        assert!(!enabled(0, "x").unwrap());
    }
}
