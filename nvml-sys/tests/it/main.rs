//! The integration tests of `nvml-sys`, one module per topic, in one test binary
//! (`cargo test -p nvml-sys --test it`; a module by name: `cargo test -p nvml-sys --test it
//! pregenerated::`).

// A test fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod header;
mod pregenerated;
mod real_drivers;
mod support;
