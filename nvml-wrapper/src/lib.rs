//! Safe, idiomatic Rust bindings to the NVIDIA Management Library (NVML).
//!
//! ```no_run
//! use nvml_wrapper::Nvml;
//!
//! let nvml = Nvml::init()?;
//! for gpu in nvml.devices()? {
//!     let mem = gpu.memory_info()?;
//!     println!("{}: {} MiB used of {} MiB", gpu.name()?, mem.used >> 20, mem.total >> 20);
//! }
//! # Ok::<(), nvml_wrapper::NvmlError>(())
//! ```
//!
//! - **Any driver.** The library is loaded at run time; for each function with several
//!   versions in `nvml.h`, the newest one the installed driver exports is used (see
//!   [`versions`]), and a function the driver lacks is [`NvmlError::MissingSymbol`].
//! - **Errors name the call.** Every error NVML returns carries the C function that answered
//!   ("`nvmlDeviceGetPowerUsage: the operation is not supported ...`"); match one with
//!   `Err(NvmlError::NotSupported(_))`. NVML's code 13 is [`NvmlError::FunctionNotFound`], as
//!   `nvml.h` names it.
//! - **No undefined behaviour from the driver.** Enum values newer than the header are errors,
//!   strings are read only up to the buffer's end, list counts are clamped to the buffer.
//! - **Lifetimes carry NVML's rules, or ownership does.** A [`Device`] borrows its [`Nvml`],
//!   so it cannot be used after `nvmlShutdown`; or, as an [`OwnedDevice`], it holds a share
//!   of the library and keeps NVML initialised: store `Nvml` and devices in one struct, move
//!   them into a thread or a task, with the same methods at the same cost (see [`NvmlRef`]).
//! - **Thread-safe.** `Nvml`, `Device` and every handle are `Send + Sync`.
//! - **`serde`** (feature): every plain data type is `Serialize`/`Deserialize`.
//!
//! Each method's documentation names the C function it calls, so searching the docs for
//! `nvmlDeviceGetPowerUsage` finds [`Device::power_usage`].
//!
//! # Where things are
//!
//! The modules follow the groups of NVIDIA's NVML reference:
//!
//! | NVML group | here |
//! | --- | --- |
//! | initialisation, device lookup, error strings | [`Nvml`], [`NvmlBuilder`], [`NvmlLibrary`] |
//! | system queries (versions, processes, topology, excluded GPUs) | [`system`] (methods on `Nvml`) |
//! | device queries and commands | [`Device`] and [`device`] (identity, PCI, memory, clocks, power, thermal, ECC, processes, topology, NvLink, accounting, affinity, field values, samples, ...) |
//! | events | [`event::EventSet`], [`system_event::SystemEventSet`] |
//! | multi-instance GPU | [`mig::GpuInstance`], [`mig::ComputeInstance`] |
//! | GPU performance monitoring | [`gpm`] |
//! | vGPU | [`vgpu`] and [`device::vgpu`] |
//! | confidential computing | [`conf_compute`] |
//! | S-class units | [`unit::Unit`] |
//! | drain states | [`drain`] |
//! | versioned symbols chosen at load | [`versions`] |
//! | C enums and bit masks | [`enums`], plus the `bitflags` types next to their methods |
//!
//! Anything not wrapped is reachable, `unsafe`, through [`Nvml::lib`] and the [`sys`] crate.
//!
//! # Testing without a GPU
//!
//! The workspace's `nvml-mock` crate is a stand-in `libnvidia-ml.so.1` simulating a DGX H100
//! (and other machines). Point [`NvmlBuilder::library_path`] at a staged copy of it
//! (`nvml_mock::Staged::new()?.path()`) to run the same code paths as on real hardware.
//!
//! # Coming from nvml-wrapper 0.13
//!
//! `MIGRATING.md` (next to this crate's `Cargo.toml`) maps every public method, type and error
//! variant of nvml-wrapper 0.13 to this crate's, and shows common tasks before and after.

// docs.rs (`[package.metadata.docs.rs]`) builds with `--cfg docsrs` and the serde feature:
// each derive then shows the feature it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod ffi;
mod handle;

/// The examples of `MIGRATING.md`, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../MIGRATING.md")]
pub struct MigratingGuide;

pub mod conf_compute;
pub mod device;
pub mod drain;
pub mod enums;
pub mod error;
pub mod event;
pub mod gpm;
pub mod mig;
pub mod nvml;
mod nvml_ref;
pub mod system;
pub mod system_event;
pub mod unit;
pub mod versions;
pub mod vgpu;

pub use device::{Device, OwnedDevice};
pub use error::{NvmlError, OptionalMetric, Result};
pub use nvml::{InitFlags, Nvml, NvmlBuilder, NvmlLibrary};
pub use nvml_ref::NvmlRef;

/// The raw bindings this crate is built on.
pub use nvml_sys as sys;
