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
//!   [`versions`]), and a function the driver lacks is [`NvmlError::FunctionNotFound`].
//! - **No undefined behaviour from the driver.** Enum values newer than the header are errors,
//!   strings are read only up to the buffer's end, list counts are clamped to the buffer.
//! - **Lifetimes carry NVML's rules.** A [`Device`] borrows its [`Nvml`], so it cannot be used
//!   after `nvmlShutdown`.
//! - **Thread-safe.** `Nvml` and `Device` are `Send + Sync`.
//! - **`serde`** (feature): every plain data type is `Serialize`/`Deserialize`.
//!
//! Each method's documentation names the C function it calls.

mod ffi;

pub mod conf_compute;
pub mod device;
pub mod drain;
pub mod enums;
pub mod error;
pub mod event;
pub mod gpm;
pub mod mig;
pub mod nvml;
pub mod system;
pub mod system_event;
pub mod unit;
pub mod versions;
pub mod vgpu;

pub use device::Device;
pub use error::{NvmlError, Result};
pub use nvml::{InitFlags, Nvml, NvmlBuilder, NvmlLibrary};

/// The raw bindings this crate is built on.
pub use nvml_sys as sys;
