//! Which version of each versioned NVML function this process uses: ONE table, chosen once
//! at load.
//!
//! `nvml.h` declares many functions in several versions (`nvmlDeviceGetPciInfo`, `_v2`,
//! `_v3`): a newer one fills more fields or takes a newer struct, and an older driver exports
//! only the older ones. When [`Nvml`](crate::Nvml) loads the library, `ChosenVersions::choose`
//! takes, for every family below, the newest version the library exports. Methods then call
//! that version and adapt its struct to one Rust type (process info v1/v2/v3 all become
//! [`ProcessInfo`](crate::device::ProcessInfo)).
//!
//! The choice is per process and per library, never per call: a call is one indirect jump
//! and a `match` on a small integer. Where a versioned *struct* is involved
//! (`nvmlMemory_v2_t`), the call additionally falls back to the older form when the driver
//! answers `NVML_ERROR_ARGUMENT_VERSION_MISMATCH`.
//!
//! To audit: each row is `field = "family" { version => symbol, ... }`, newest first.
//!
//! The table also generates the dispatch the methods use: for each row a module `field` with
//! an enum `Version` whose variants are the row's symbols (and `Missing`), and an accessor
//! `ChosenVersions::field()`. A method matches on the accessor and calls each version with
//! `nvml_call!(nvml, field::symbol(...))`, which does not compile for a symbol the row does
//! not list. A row that no method reads leaves its accessor unused (dead code, which CI's
//! lints reject), and `cargo xtask coverage --check` fails when a versioned symbol is called
//! outside its row's dispatch or a row's symbol is never called.

use nvml_sys::NvmlLib;

/// One row of the table as seen at run time: what the family is and which version won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VersionChoice {
    /// The family's base name, e.g. `"nvmlDeviceGetComputeRunningProcesses"`.
    pub family: &'static str,
    /// The symbol chosen, e.g. `"nvmlDeviceGetComputeRunningProcesses_v3"`; `None` when the
    /// library exports no version of it.
    pub symbol: Option<&'static str>,
    /// The chosen version number (an unsuffixed symbol is version 1); 0 when none.
    pub version: u8,
    /// Every version the header declares, newest first.
    pub candidates: &'static [&'static str],
}

macro_rules! versioned_families {
    ($(
        $(#[$meta:meta])*
        $field:ident = $family:literal { $($ver:literal => $sym:ident),+ $(,)? }
    ),* $(,)?) => {
        $(
            #[doc = concat!("Dispatch for the `", $family, "` family: its row of the table.")]
            pub(crate) mod $field {
                /// A version of the family, named by its symbol, newest first; `Missing` when
                /// the library exports none. Match on it, and call the arm's symbol with
                /// `nvml_call!(nvml, family::symbol(...))`: a symbol the row does not list
                /// does not compile.
                #[allow(non_camel_case_types, clippy::enum_variant_names)]
                #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                pub(crate) enum Version {
                    $( #[doc = concat!("`", stringify!($sym), "`.")] $sym, )+
                    /// The library exports no version of the family.
                    Missing,
                }

                impl Version {
                    /// The version number (an unsuffixed symbol is 1; `Missing` is 0).
                    pub(crate) const fn number(self) -> u8 {
                        match self {
                            $( Self::$sym => $ver, )+
                            Self::Missing => 0,
                        }
                    }

                    /// The newest version `exports` says the library has.
                    #[allow(dead_code, reason = "generated for every row; the quirks use some")]
                    pub(crate) fn newest(exports: impl Fn(&str) -> bool) -> Self {
                        $( if exports(stringify!($sym)) { return Self::$sym; } )+
                        Self::Missing
                    }
                }
            }
        )*

        /// The version chosen for each versioned family. Read only through the accessor of a
        /// family (one per row): a row that no method reads is dead code, which CI's lints
        /// reject.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) struct ChosenVersions {
            $( $field: $field::Version, )*
        }

        impl ChosenVersions {
            /// Nothing chosen: the library exports no version of any family.
            #[cfg(test)]
            pub(crate) const NONE: Self = Self { $( $field: $field::Version::Missing, )* };

            $(
                $(#[$meta])*
                #[inline(always)]
                pub(crate) fn $field(&self) -> $field::Version {
                    self.$field
                }
            )*

            /// For each family, the newest version `lib` exports, then the
            /// [driver quirks](Self::apply_quirks).
            pub(crate) fn choose(lib: &NvmlLib) -> Self {
                let mut chosen = Self {
                    $( $field: {
                        let mut chosen = $field::Version::Missing;
                        $(
                            if chosen == $field::Version::Missing && lib.$sym.is_ok() {
                                chosen = $field::Version::$sym;
                            }
                        )+
                        chosen
                    }, )*
                };
                chosen.apply_quirks(|name| exports(lib, name));
                chosen
            }

            /// The whole table with what was chosen, in table order.
            pub(crate) fn table(&self) -> Vec<VersionChoice> {
                vec![ $( {
                    const CANDIDATES: &[&str] = &[ $( stringify!($sym) ),+ ];
                    const VERSIONS: &[u8] = &[ $( $ver ),+ ];
                    let version = self.$field.number();
                    let symbol = VERSIONS
                        .iter()
                        .position(|v| *v == version)
                        .and_then(|i| CANDIDATES.get(i).copied());
                    VersionChoice {
                        family: $family,
                        symbol,
                        version,
                        candidates: CANDIDATES,
                    }
                }, )* ]
            }
        }
    };
}

versioned_families! {
    // ---- The `#define nvmlX nvmlX_vN` block of nvml.h (NVML_NO_UNVERSIONED_FUNC_DEFS) ----
    init = "nvmlInit" { 2 => nvmlInit_v2, 1 => nvmlInit },
    device_count = "nvmlDeviceGetCount" { 2 => nvmlDeviceGetCount_v2, 1 => nvmlDeviceGetCount },
    handle_by_index = "nvmlDeviceGetHandleByIndex" {
        2 => nvmlDeviceGetHandleByIndex_v2, 1 => nvmlDeviceGetHandleByIndex
    },
    handle_by_pci_bus_id = "nvmlDeviceGetHandleByPciBusId" {
        2 => nvmlDeviceGetHandleByPciBusId_v2, 1 => nvmlDeviceGetHandleByPciBusId
    },
    pci_info = "nvmlDeviceGetPciInfo" {
        3 => nvmlDeviceGetPciInfo_v3, 2 => nvmlDeviceGetPciInfo_v2, 1 => nvmlDeviceGetPciInfo
    },
    nvlink_remote_pci_info = "nvmlDeviceGetNvLinkRemotePciInfo" {
        2 => nvmlDeviceGetNvLinkRemotePciInfo_v2, 1 => nvmlDeviceGetNvLinkRemotePciInfo
    },
    remove_gpu = "nvmlDeviceRemoveGpu" { 2 => nvmlDeviceRemoveGpu_v2, 1 => nvmlDeviceRemoveGpu },
    grid_licensable_features = "nvmlDeviceGetGridLicensableFeatures" {
        4 => nvmlDeviceGetGridLicensableFeatures_v4,
        3 => nvmlDeviceGetGridLicensableFeatures_v3,
        2 => nvmlDeviceGetGridLicensableFeatures_v2,
        1 => nvmlDeviceGetGridLicensableFeatures,
    },
    /// `nvmlEventData_t` waits. `_v3` is listed apart: it takes a different parameter struct.
    event_wait = "nvmlEventSetWait" { 2 => nvmlEventSetWait_v2, 1 => nvmlEventSetWait },
    /// Structured (GPU operational event) waits, NVML 13+.
    event_wait_structured = "nvmlEventSetWait_v3" { 3 => nvmlEventSetWait_v3 },
    device_attributes = "nvmlDeviceGetAttributes" {
        2 => nvmlDeviceGetAttributes_v2, 1 => nvmlDeviceGetAttributes
    },
    compute_instance_info = "nvmlComputeInstanceGetInfo" {
        2 => nvmlComputeInstanceGetInfo_v2, 1 => nvmlComputeInstanceGetInfo
    },
    /// v3 and v2 fill `nvmlProcessInfo_t`/`_v2_t` (with MIG instance ids), v1 `_v1_t`.
    compute_processes = "nvmlDeviceGetComputeRunningProcesses" {
        3 => nvmlDeviceGetComputeRunningProcesses_v3,
        2 => nvmlDeviceGetComputeRunningProcesses_v2,
        1 => nvmlDeviceGetComputeRunningProcesses,
    },
    graphics_processes = "nvmlDeviceGetGraphicsRunningProcesses" {
        3 => nvmlDeviceGetGraphicsRunningProcesses_v3,
        2 => nvmlDeviceGetGraphicsRunningProcesses_v2,
        1 => nvmlDeviceGetGraphicsRunningProcesses,
    },
    mps_processes = "nvmlDeviceGetMPSComputeRunningProcesses" {
        3 => nvmlDeviceGetMPSComputeRunningProcesses_v3,
        2 => nvmlDeviceGetMPSComputeRunningProcesses_v2,
        1 => nvmlDeviceGetMPSComputeRunningProcesses,
    },
    gpu_instance_possible_placements = "nvmlDeviceGetGpuInstancePossiblePlacements" {
        2 => nvmlDeviceGetGpuInstancePossiblePlacements_v2,
        1 => nvmlDeviceGetGpuInstancePossiblePlacements,
    },
    vgpu_license_info = "nvmlVgpuInstanceGetLicenseInfo" {
        2 => nvmlVgpuInstanceGetLicenseInfo_v2, 1 => nvmlVgpuInstanceGetLicenseInfo
    },
    driver_model = "nvmlDeviceGetDriverModel" {
        2 => nvmlDeviceGetDriverModel_v2, 1 => nvmlDeviceGetDriverModel
    },

    // ---- Other functions the header declares in more than one version ----
    /// v2 takes `nvmlMemory_v2_t` (with `reserved`), v1 `nvmlMemory_t`.
    memory_info = "nvmlDeviceGetMemoryInfo" {
        2 => nvmlDeviceGetMemoryInfo_v2, 1 => nvmlDeviceGetMemoryInfo
    },
    fan_speed = "nvmlDeviceGetFanSpeed" { 2 => nvmlDeviceGetFanSpeed_v2, 1 => nvmlDeviceGetFanSpeed },
    accounting_stats = "nvmlDeviceGetAccountingStats" {
        2 => nvmlDeviceGetAccountingStats_v2, 1 => nvmlDeviceGetAccountingStats
    },
    gpu_fabric_info = "nvmlDeviceGetGpuFabricInfo" {
        4 => nvmlDeviceGetGpuFabricInfo_v4,
        3 => nvmlDeviceGetGpuFabricInfoV,
        1 => nvmlDeviceGetGpuFabricInfo,
    },
    remapped_rows = "nvmlDeviceGetRemappedRows" {
        2 => nvmlDeviceGetRemappedRows_v2, 1 => nvmlDeviceGetRemappedRows
    },
    retired_pages = "nvmlDeviceGetRetiredPages" {
        2 => nvmlDeviceGetRetiredPages_v2, 1 => nvmlDeviceGetRetiredPages
    },
    cuda_driver_version = "nvmlSystemGetCudaDriverVersion" {
        2 => nvmlSystemGetCudaDriverVersion_v2, 1 => nvmlSystemGetCudaDriverVersion
    },
    set_power_limit = "nvmlDeviceSetPowerManagementLimit" {
        2 => nvmlDeviceSetPowerManagementLimit_v2, 1 => nvmlDeviceSetPowerManagementLimit
    },
    vgpu_scheduler_log = "nvmlDeviceGetVgpuSchedulerLog" {
        2 => nvmlDeviceGetVgpuSchedulerLog_v2, 1 => nvmlDeviceGetVgpuSchedulerLog
    },
    vgpu_scheduler_state = "nvmlDeviceGetVgpuSchedulerState" {
        2 => nvmlDeviceGetVgpuSchedulerState_v2, 1 => nvmlDeviceGetVgpuSchedulerState
    },
    set_vgpu_scheduler_state = "nvmlDeviceSetVgpuSchedulerState" {
        2 => nvmlDeviceSetVgpuSchedulerState_v2, 1 => nvmlDeviceSetVgpuSchedulerState
    },
    gpu_instance_vgpu_scheduler_log = "nvmlGpuInstanceGetVgpuSchedulerLog" {
        2 => nvmlGpuInstanceGetVgpuSchedulerLog_v2, 1 => nvmlGpuInstanceGetVgpuSchedulerLog
    },
    gpu_instance_vgpu_scheduler_state = "nvmlGpuInstanceGetVgpuSchedulerState" {
        2 => nvmlGpuInstanceGetVgpuSchedulerState_v2, 1 => nvmlGpuInstanceGetVgpuSchedulerState
    },
    gpu_instance_set_vgpu_scheduler_state = "nvmlGpuInstanceSetVgpuSchedulerState" {
        2 => nvmlGpuInstanceSetVgpuSchedulerState_v2, 1 => nvmlGpuInstanceSetVgpuSchedulerState
    },
    /// v3 takes `nvmlNvLinkInfo_v3_t` (unversioned, with `isNvleReady`); the plain form takes
    /// the versioned `nvmlNvLinkInfo_v2_t`/`_v1_t`.
    nvlink_info = "nvmlDeviceGetNvLinkInfo" {
        3 => nvmlDeviceGetNvLinkInfo_v3, 1 => nvmlDeviceGetNvLinkInfo
    },
    /// v2 takes `nvmlSystemConfComputeSettings_v2_t` (with `tdispState`), the plain form `_v1_t`.
    conf_compute_settings = "nvmlSystemGetConfComputeSettings" {
        2 => nvmlSystemGetConfComputeSettings_v2, 1 => nvmlSystemGetConfComputeSettings
    },

    // ---- A newer form of a function under another name (same query, newer shape) ----
    /// `V` takes the versioned `nvmlTemperature_v1_t`; the plain form is deprecated.
    temperature = "nvmlDeviceGetTemperature" {
        2 => nvmlDeviceGetTemperatureV, 1 => nvmlDeviceGetTemperature
    },
    /// "Throttle" reasons were renamed "event" reasons in NVML 12.2 (driver 535); same bits.
    current_clocks_event_reasons = "nvmlDeviceGetCurrentClocksEventReasons" {
        2 => nvmlDeviceGetCurrentClocksEventReasons,
        1 => nvmlDeviceGetCurrentClocksThrottleReasons,
    },
    /// As above, for the reasons the device supports.
    supported_clocks_event_reasons = "nvmlDeviceGetSupportedClocksEventReasons" {
        2 => nvmlDeviceGetSupportedClocksEventReasons,
        1 => nvmlDeviceGetSupportedClocksThrottleReasons,
    },
    /// `V` takes the versioned `nvmlGpuInstanceProfileInfo_v2_t`/`_v3_t` (with the name).
    gpu_instance_profile_info = "nvmlDeviceGetGpuInstanceProfileInfo" {
        2 => nvmlDeviceGetGpuInstanceProfileInfoV, 1 => nvmlDeviceGetGpuInstanceProfileInfo
    },
    /// `V` takes the versioned `nvmlComputeInstanceProfileInfo_v2_t`/`_v3_t` (with the name).
    compute_instance_profile_info = "nvmlGpuInstanceGetComputeInstanceProfileInfo" {
        2 => nvmlGpuInstanceGetComputeInstanceProfileInfoV,
        1 => nvmlGpuInstanceGetComputeInstanceProfileInfo,
    },
}

/// Whether `lib` exports `name`. The two functions every load asks about are read from their
/// fields; any other name (asked only on early R535 drivers) is looked up in the export list.
fn exports(lib: &NvmlLib, name: &str) -> bool {
    match name {
        "nvmlDeviceGetConfComputeMemSizeInfo" => lib.nvmlDeviceGetConfComputeMemSizeInfo.is_ok(),
        "nvmlDeviceGetRunningProcessDetailList" => {
            lib.nvmlDeviceGetRunningProcessDetailList.is_ok()
        }
        _ => lib
            .function_availability()
            .iter()
            .any(|(n, ok)| *ok && *n == name),
    }
}

impl ChosenVersions {
    /// Drivers on which "the newest version wins" would be wrong, applied once after the
    /// choice; `exports(name)` says whether the library exports a function.
    ///
    /// - Early R535 drivers (those with confidential computing, i.e. exporting
    ///   `nvmlDeviceGetConfComputeMemSizeInfo`, but not yet
    ///   `nvmlDeviceGetRunningProcessDetailList`) fill 32-byte entries, with an extra
    ///   `usedGpuCcProtectedMemory`, from the `_v3` process queries, where the header's
    ///   `nvmlProcessInfo_t` has 24 bytes: reading through `_v3` there would overrun the
    ///   buffer. Their `_v2` has the header's layout and the same fields, so it is used.
    fn apply_quirks(&mut self, exports: impl Fn(&str) -> bool) {
        let early_r535 = exports("nvmlDeviceGetConfComputeMemSizeInfo")
            && !exports("nvmlDeviceGetRunningProcessDetailList");
        if early_r535 {
            let without_v3 = |name: &str| !name.ends_with("_v3") && exports(name);
            if self.compute_processes.number() == 3 {
                self.compute_processes = compute_processes::Version::newest(without_v3);
            }
            if self.graphics_processes.number() == 3 {
                self.graphics_processes = graphics_processes::Version::newest(without_v3);
            }
            if self.mps_processes.number() == 3 {
                self.mps_processes = mps_processes::Version::newest(without_v3);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every multi-version family of the header is in the table, and every symbol the table
    /// names is one the header declares.
    #[test]
    fn the_table_covers_every_multi_version_family_of_the_header() {
        use std::collections::BTreeMap;
        let mut families: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for name in nvml_sys::FUNCTION_NAMES {
            let base = match name.rsplit_once("_v") {
                Some((base, v)) if v.chars().all(|c| c.is_ascii_digit()) => base,
                _ => name,
            };
            families.entry(base).or_default().push(name);
        }
        // `nvmlDeviceGetGpuFabricInfoV` (versioned struct, v2/v3) belongs to the same family.
        families
            .entry("nvmlDeviceGetGpuFabricInfo")
            .or_default()
            .push("nvmlDeviceGetGpuFabricInfoV");

        let table = ChosenVersions::NONE.table();
        let listed: BTreeMap<&str, &[&str]> = table
            .iter()
            .map(|row| (row.family, row.candidates))
            .collect();
        for (family, members) in &families {
            if members.len() < 2 {
                continue;
            }
            if *family == "nvmlEventSetWait" {
                // v3 is its own row (different parameters).
                continue;
            }
            let Some(candidates) = listed.get(family) else {
                panic!("versioned family {family} ({members:?}) is missing from the table");
            };
            for member in members {
                assert!(
                    candidates.contains(member),
                    "{member} missing from row {family}"
                );
            }
        }
        for row in &table {
            for sym in row.candidates {
                assert!(
                    nvml_sys::FUNCTION_NAMES.contains(sym),
                    "{sym} is not in nvml.h"
                );
            }
        }
    }

    #[test]
    fn nothing_exported_means_no_symbol_chosen() {
        let table = ChosenVersions::NONE.table();
        assert!(
            table
                .iter()
                .all(|row| row.symbol.is_none() && row.version == 0)
        );
        let init = table
            .iter()
            .find(|r| r.family == "nvmlInit")
            .expect("nvmlInit row");
        assert_eq!(init.candidates, ["nvmlInit_v2", "nvmlInit"]);
    }

    #[test]
    fn early_r535_drivers_read_processes_through_v2() {
        let all = |_: &str| true;
        let newest = ChosenVersions {
            compute_processes: compute_processes::Version::nvmlDeviceGetComputeRunningProcesses_v3,
            graphics_processes:
                graphics_processes::Version::nvmlDeviceGetGraphicsRunningProcesses_v3,
            mps_processes: mps_processes::Version::nvmlDeviceGetMPSComputeRunningProcesses_v3,
            ..ChosenVersions::NONE
        };
        // A current driver (with the process detail list): `_v3` stays.
        let mut current = newest;
        current.apply_quirks(all);
        assert_eq!(current, newest);
        // An early R535 driver: `_v2`.
        let mut early = newest;
        early.apply_quirks(|name| name != "nvmlDeviceGetRunningProcessDetailList");
        assert_eq!(
            (
                early.compute_processes.number(),
                early.graphics_processes.number(),
                early.mps_processes.number()
            ),
            (2, 2, 2)
        );
        // Drivers before confidential computing (R470, R510, ...): unchanged.
        let mut older = newest;
        older.apply_quirks(|name| !name.starts_with("nvmlDeviceGetConfCompute"));
        assert_eq!(older, newest);
    }
}
