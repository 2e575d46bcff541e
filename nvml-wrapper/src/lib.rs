//! Safe, idiomatic bindings to NVML (work in progress).
