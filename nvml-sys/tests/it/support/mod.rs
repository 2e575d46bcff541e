//! What nvml-sys's tests share.

pub mod drivers;
