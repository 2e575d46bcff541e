//! Nothing here: this package is its benchmark, `benches/vs_nvml_wrapper_013.rs` (this
//! repository's `nvml-wrapper` against nvml-wrapper 0.13 on `nvml-mock`); see BENCHMARKS.md.
