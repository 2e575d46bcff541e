//! What a GPU answers: the capability model every export consults.
//!
//! Whether a query answers data, `NVML_ERROR_NOT_SUPPORTED` or `NVML_ERROR_DEPRECATED` is
//! decided here, in one place, from three layers (the first that speaks wins):
//! 1. the GPU's `support` object in the profile (per-board overrides, e.g. written from a
//!    board's `nvidia-smi -q -x` by the capture converter);
//! 2. the driver-branch rules ([`DRIVER_RULES`]): queries a driver branch answers
//!    `NVML_ERROR_DEPRECATED` from, keyed by the profile's `driver_version`;
//! 3. the architecture table ([`Feature::row`]): the first architecture that answers each
//!    query, with the public source of that fact.
//!
//! The NVSwitches at the far end of a GPU's NvLinks are a per-architecture table too
//! ([`NVSWITCHES`]), each row with its source.
//!
//! Conditions that follow from a profile value rather than from the board's generation (no
//! ECC, no fans, no NvLink, a threshold of 0) stay with those values.

use std::collections::BTreeMap;
use std::fmt;

use nvml_sys::*;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// How a query answers on one GPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Data (`NVML_SUCCESS`, or what the export's own checks decide).
    Supported,
    /// `NVML_ERROR_NOT_SUPPORTED`.
    NotSupported,
    /// `NVML_ERROR_DEPRECATED` ("Requested functionality has been deprecated").
    Deprecated,
}

impl Answer {
    /// `Ok` when the query answers data, else its error code.
    pub fn check(self) -> Result<(), nvmlReturn_t> {
        match self {
            Answer::Supported => Ok(()),
            Answer::NotSupported => Err(NVML_ERROR_NOT_SUPPORTED),
            Answer::Deprecated => Err(NVML_ERROR_DEPRECATED),
        }
    }
}

macro_rules! features {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $key:literal, since $since:ident $(until $until:ident)?, $source:literal;
    )*) => {
        /// A query whose answer depends on the board or the driver.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Feature {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Feature {
            /// Every feature, in the table's order.
            pub const ALL: &'static [Feature] = &[$(Feature::$variant),*];

            /// The profile key (`"support": {"<key>": false}`).
            pub fn key(self) -> &'static str {
                match self {
                    $(Feature::$variant => $key,)*
                }
            }

            /// The feature a profile key names.
            pub fn from_key(key: &str) -> Option<Feature> {
                match key {
                    $($key => Some(Feature::$variant),)*
                    _ => None,
                }
            }

            /// The architecture table's row: the first architecture (`nvmlDeviceArchitecture_t`)
            /// that answers, and the public source of that fact.
            pub fn row(self) -> (u32, &'static str) {
                match self {
                    $(Feature::$variant => ($since, $source),)*
                }
            }

            /// The first architecture that no longer answers, if one does not.
            pub fn until(self) -> Option<u32> {
                match self {
                    $(Feature::$variant => None $(.or(Some($until)))?,)*
                }
            }

            /// What the feature covers (its doc comment).
            pub fn doc(self) -> &'static str {
                match self {
                    $(Feature::$variant => concat!($($doc),*).trim_ascii(),)*
                }
            }
        }
    };
}

const TURING: u32 = NVML_DEVICE_ARCH_TURING;
const PASCAL: u32 = NVML_DEVICE_ARCH_PASCAL;
const AMPERE: u32 = NVML_DEVICE_ARCH_AMPERE;
const ADA: u32 = NVML_DEVICE_ARCH_ADA;
const HOPPER: u32 = NVML_DEVICE_ARCH_HOPPER;
const BLACKWELL: u32 = NVML_DEVICE_ARCH_BLACKWELL;

features! {
    /// `nvmlDeviceGetApplicationsClock`, `nvmlDeviceGetDefaultApplicationsClock` and the
    /// application-clock ids of `nvmlDeviceGetClock`.
    ApplicationClocks = "application_clocks", since PASCAL,
        "nvml.h: applications clocks, Kepler and later (the mock's oldest modelled board is Pascal)";
    /// `nvmlDeviceGetDisplayMode`.
    DisplayMode = "display_mode", since PASCAL,
        "captures: every board answers it before the driver rules (qx-a100.xml at 570: Enabled)";
    /// `nvmlDeviceGetPowerState`.
    PowerState = "power_state", since PASCAL, "nvml.h: nvmlDeviceGetPowerState, Fermi and later";
    /// The average power field (`NVML_FI_DEV_POWER_AVERAGE`; nvidia-smi's "Average Power Draw").
    AveragePower = "average_power", since ADA,
        "captures: qx-t4.xml and qx-a100.xml N/A, qx-l40s.xml, qx-h100.xml and qx-b200.xml watts";
    /// T.Limit: `nvmlDeviceGetMarginTemperature` and the `NVML_FI_DEV_TEMPERATURE_*_TLIMIT`
    /// thresholds (each threshold can still be absent: `tlimit_margins`).
    Tlimit = "tlimit", since ADA,
        "captures: qx-t4.xml and qx-a100.xml gpu_temp_tlimit N/A, qx-l40s.xml and qx-h100.xml degrees";
    /// `nvmlDeviceGetC2cModeInfoV` (whether the GPU has NVLink-C2C at all).
    C2cMode = "c2c_mode", since HOPPER,
        "captures: qx-t4.xml, qx-a100.xml and qx-l40s.xml c2c_mode N/A, qx-h100.xml Disabled";
    /// `nvmlDeviceGetConfComputeProtectedMemoryUsage` on a GPU without CC (0 MiB of 0).
    CcProtectedMemory = "cc_protected_memory", since TURING,
        "captures: qx-t4.xml (driver 595), qx-a100.xml, qx-l40s.xml and qx-h100.xml 0 MiB";
    /// Confidential computing itself: CC capabilities, state, keys and certificates.
    ConfCompute = "conf_compute", since HOPPER,
        "nvml.h: nvmlSystemGetConfComputeCapabilities and the CC queries, Hopper and later";
    /// `NVML_FI_DEV_GET_GPU_RECOVERY_ACTION`.
    GpuRecoveryAction = "gpu_recovery_action", since TURING,
        "captures: qx-t4.xml, qx-a100.xml, qx-l40s.xml, qx-h100.xml gpu_recovery_action None";
    /// `nvmlDeviceGetSramEccErrorStatus` (nvidia-smi's SRAM ECC counters and sources), with ECC.
    SramEcc = "sram_ecc", since AMPERE,
        "nvml.h: nvmlDeviceGetSramEccErrorStatus, Ampere and later; qx-t4.xml N/A, qx-a100.xml 0";
    /// `nvmlDeviceGetRemappedRows` and the remapped-row field values, with ECC.
    RemappedRows = "remapped_rows", since AMPERE,
        "nvml.h: nvmlDeviceGetRemappedRows, Ampere and later; qx-t4.xml remapped_rows absent";
    /// The inactive remapped-row fields (`NVML_FI_DEV_REMAPPED_ROWS_*_INACTIVE`), with ECC.
    RemappedRowsInactive = "remapped_rows_inactive", since AMPERE,
        "captures: qx-l40s.xml and qx-gb200.xml remapped_row_*_inactive 0";
    /// `nvmlDeviceGetRepairStatus`, with ECC.
    RepairStatus = "repair_status", since AMPERE,
        "nvml.h: nvmlDeviceGetRepairStatus, Ampere and later";
    /// `nvmlDeviceGetUnrepairableMemoryFlag_v1`, with ECC.
    UnrepairableMemoryFlag = "unrepairable_memory_flag", since HOPPER,
        "nvml.h: nvmlDeviceGetUnrepairableMemoryFlag_v1, Hopper and later";
    /// `nvmlDeviceGetPdi`.
    Pdi = "pdi", since PASCAL, "nvml.h: nvmlDeviceGetPdi, Pascal and later";
    /// GSP firmware (`nvmlDeviceGetGspFirmwareMode` answers enabled).
    GspFirmware = "gsp_firmware", since TURING,
        "NVIDIA's driver README (GSP firmware): Turing and later GPUs";
    /// GPU performance monitoring (`nvmlGpmQueryDeviceSupport` and the GPM calls).
    Gpm = "gpm", since HOPPER, "nvml.h: nvmlGpmQueryDeviceSupport, Hopper and later";
    /// `nvmlDeviceGetRunningProcessDetailList`.
    ProcessDetailList = "process_detail_list", since HOPPER,
        "nvml.h: nvmlDeviceGetRunningProcessDetailList, Hopper and later";
    /// The NVSwitch fabric (`nvmlDeviceGetGpuFabricInfoV`), on a GPU with NvLink.
    FabricInfo = "fabric_info", since HOPPER, "nvml.h: nvmlDeviceGetGpuFabricInfoV, Hopper and later";
    /// The per-link NvLink replay, recovery and CRC field values
    /// (`NVML_FI_DEV_NVLINK_ERROR_DL_*`), on a GPU with NvLink.
    NvlinkDlErrorFields = "nvlink_dl_error_fields", since PASCAL until BLACKWELL,
        "nvml.h: NVML_FI_DEV_NVLINK_ERROR_DL_REPLAY, _RECOVERY and _CRC are unsupported for Blackwell+";
    /// NvLink management on a GPU with NvLink: the low-power threshold, the system bandwidth
    /// mode and the link firmware versions of `nvmlDeviceGetNvLinkInfo` v2.
    NvlinkManagement = "nvlink_management", since HOPPER,
        "nvml.h: nvmlDeviceSetNvLinkDeviceLowPowerThreshold and nvmlSystemSetNvlinkBwMode, Hopper and later";
}

/// Driver-branch rules: from driver branch `.1` on, `.0` answers `.2`; the source is `.3`.
/// A later branch's row wins over an earlier one's.
pub const DRIVER_RULES: &[(Feature, u32, Answer, &str)] = &[
    (
        Feature::DisplayMode,
        580,
        Answer::Deprecated,
        "captures: qx-h100.xml, qx-b200.xml, qx-gb200.xml (580) and qx-t4.xml, qx-l40s.xml (595) \
         \"Requested functionality has been deprecated\"; qx-a100.xml (570) Enabled",
    ),
    (
        Feature::ApplicationClocks,
        595,
        Answer::Deprecated,
        "captures: qx-t4.xml and qx-l40s.xml (595) deprecated; qx-h100.xml and qx-b200.xml (580) MHz",
    ),
    (
        Feature::PowerState,
        595,
        Answer::Deprecated,
        "captures: qx-t4.xml and qx-l40s.xml (595) deprecated; qx-h100.xml and qx-b200.xml (580) P0",
    ),
];

/// The NVSwitches an HGX board's GPUs link to, for one GPU architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NvSwitches {
    /// The GPU architecture (`nvmlDeviceArchitecture_t`).
    pub architecture: u32,
    /// Switch chips on the board; a GPU's links are dealt out over them in turn (link `l` goes
    /// to chip `l mod chips`).
    pub chips: u32,
    /// The switches' PCI device id (device in the high half, vendor `10de` in the low half).
    pub pci_device_id: u32,
    /// The public source of the row.
    pub source: &'static str,
}

/// Hopper's NVSwitches, also the row of an architecture the table does not name.
const HOPPER_NVSWITCHES: NvSwitches = NvSwitches {
    architecture: HOPPER,
    chips: 4,
    pci_device_id: 0x22a3_10de,
    source: "DGX H100: 4 third-generation NVSwitches for the 18 links of each H100; lspci \
             10de:22a3 \"GH100 [H100 NVSwitch]\"",
};

/// The NVSwitch table, one row per architecture; [`nvswitches`] picks a GPU's row.
pub const NVSWITCHES: &[NvSwitches] = &[
    NvSwitches {
        architecture: AMPERE,
        chips: 6,
        pci_device_id: 0x1af1_10de,
        source: "DGX A100: 6 NVSwitches, each A100 with 2 of its 12 links to each (NCCL topology \
                 dump in NVIDIA/nccl issue 1505); lspci 10de:1af1 \"GA100 [A100 NVSwitch]\"",
    },
    HOPPER_NVSWITCHES,
];

/// The row of [`NVSWITCHES`] for a GPU of `architecture`; an architecture without a row of its
/// own uses Hopper's.
pub fn nvswitches(architecture: u32) -> NvSwitches {
    NVSWITCHES
        .iter()
        .find(|r| r.architecture == architecture)
        .copied()
        .unwrap_or(HOPPER_NVSWITCHES)
}

/// The branch of a driver version: `"595.91.07"` is 595; 0 when it does not start with a
/// number.
pub fn driver_branch(version: &str) -> u32 {
    let digits = version
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap_or("");
    digits.parse().unwrap_or(0)
}

/// The architecture table's answer for a GPU of `architecture`.
pub fn architecture_answer(feature: Feature, architecture: u32) -> Answer {
    let (since, _) = feature.row();
    let before_end = feature.until().is_none_or(|until| architecture < until);
    if architecture >= since && before_end && architecture != NVML_DEVICE_ARCH_UNKNOWN {
        Answer::Supported
    } else {
        Answer::NotSupported
    }
}

/// The driver rules' answer at `branch`, if a rule speaks.
pub fn driver_answer(feature: Feature, branch: u32) -> Option<Answer> {
    DRIVER_RULES
        .iter()
        .filter(|(f, from, _, _)| *f == feature && branch >= *from)
        .max_by_key(|(_, from, _, _)| *from)
        .map(|(_, _, a, _)| *a)
}

/// A profile's per-GPU overrides (`"support": {...}`).
pub type Overrides = BTreeMap<Feature, Answer>;

/// The resolved answers of one GPU, one per [`Feature`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Support([Answer; Feature::ALL.len()]);

impl Support {
    /// Resolves every feature for a GPU of `architecture` with `overrides`, on `driver_version`.
    pub fn resolve(architecture: u32, overrides: &Overrides, driver_version: &str) -> Support {
        let branch = driver_branch(driver_version);
        let mut answers = [Answer::NotSupported; Feature::ALL.len()];
        for (slot, &f) in answers.iter_mut().zip(Feature::ALL) {
            *slot = overrides
                .get(&f)
                .copied()
                .or_else(|| driver_answer(f, branch))
                .unwrap_or_else(|| architecture_answer(f, architecture));
        }
        Support(answers)
    }

    /// The answer for `feature`.
    pub fn answer(&self, feature: Feature) -> Answer {
        self.0
            .get(feature as usize)
            .copied()
            .unwrap_or(Answer::NotSupported)
    }

    /// `Ok` when `feature` answers data on this GPU, else its error code.
    pub fn check(&self, feature: Feature) -> Result<(), nvmlReturn_t> {
        self.answer(feature).check()
    }

    /// Whether `feature` answers data.
    pub fn has(&self, feature: Feature) -> bool {
        self.answer(feature) == Answer::Supported
    }
}

/// The capability model as FORMAT.md shows it: one row per feature, then the driver rules.
pub fn markdown() -> String {
    let arch = |a: u32| match a {
        NVML_DEVICE_ARCH_PASCAL => "Pascal",
        NVML_DEVICE_ARCH_VOLTA => "Volta",
        NVML_DEVICE_ARCH_TURING => "Turing",
        NVML_DEVICE_ARCH_AMPERE => "Ampere",
        NVML_DEVICE_ARCH_ADA => "Ada",
        NVML_DEVICE_ARCH_HOPPER => "Hopper",
        NVML_DEVICE_ARCH_BLACKWELL => "Blackwell",
        _ => "?",
    };
    let mut s = String::from("| key | what it covers | from | source |\n|---|---|---|---|\n");
    for &f in Feature::ALL {
        let (since, source) = f.row();
        let doc = f.doc().split_whitespace().collect::<Vec<_>>().join(" ");
        let range = match f.until() {
            Some(until) => format!("{} until {}", arch(since), arch(until)),
            None => arch(since).to_string(),
        };
        s.push_str(&format!("| `{}` | {doc} | {range} | {source} |\n", f.key()));
    }
    s.push_str("\n| key | answers | from driver branch | source |\n|---|---|---|---|\n");
    for (f, branch, answer, source) in DRIVER_RULES {
        let answer = match answer {
            Answer::Supported => "data",
            Answer::NotSupported => "`NOT_SUPPORTED`",
            Answer::Deprecated => "`DEPRECATED`",
        };
        let source = source.split_whitespace().collect::<Vec<_>>().join(" ");
        s.push_str(&format!(
            "| `{}` | {answer} | {branch} | {source} |\n",
            f.key()
        ));
    }
    s.push_str("\n| NVSwitches of | chips | PCI device id | source |\n|---|---|---|---|\n");
    for row in NVSWITCHES {
        let source = row.source.split_whitespace().collect::<Vec<_>>().join(" ");
        s.push_str(&format!(
            "| {} | {} | `{:04x}` | {source} |\n",
            arch(row.architecture),
            row.chips,
            row.pci_device_id >> 16
        ));
    }
    s.push_str("\nOther architectures link to Hopper's NVSwitches.\n");
    s
}

impl Serialize for Feature {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Feature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Feature;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a feature name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Feature, E> {
                Feature::from_key(v).ok_or_else(|| {
                    let keys: Vec<&str> = Feature::ALL.iter().map(|f| f.key()).collect();
                    E::custom(format!(
                        "unknown feature `{v}`, expected one of: {}",
                        keys.join(", ")
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Supported => s.serialize_bool(true),
            Answer::NotSupported => s.serialize_bool(false),
            Answer::Deprecated => s.serialize_str("deprecated"),
        }
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Answer;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true, false or \"deprecated\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Answer, E> {
                Ok(if v {
                    Answer::Supported
                } else {
                    Answer::NotSupported
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
                match v {
                    "deprecated" => Ok(Answer::Deprecated),
                    _ => Err(E::custom(format!(
                        "`{v}`: expected true, false or \"deprecated\""
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_names_its_feature() {
        for &f in Feature::ALL {
            assert_eq!(Feature::from_key(f.key()), Some(f));
            assert!(!f.doc().is_empty(), "{f:?} has no doc");
            assert!(!f.row().1.is_empty(), "{f:?} has no source");
        }
    }

    #[test]
    fn the_profile_wins_over_the_driver_and_the_architecture() {
        let mut o = Overrides::new();
        let ada = Support::resolve(NVML_DEVICE_ARCH_ADA, &o, "570.148.08");
        assert!(ada.has(Feature::AveragePower));
        assert!(!ada.has(Feature::C2cMode));
        assert_eq!(ada.check(Feature::DisplayMode), Ok(()));
        let newer = Support::resolve(NVML_DEVICE_ARCH_ADA, &o, "595.91.07");
        assert_eq!(
            newer.check(Feature::DisplayMode),
            Err(NVML_ERROR_DEPRECATED)
        );
        assert_eq!(
            newer.check(Feature::ApplicationClocks),
            Err(NVML_ERROR_DEPRECATED)
        );
        o.insert(Feature::AveragePower, Answer::NotSupported);
        o.insert(Feature::C2cMode, Answer::Supported);
        o.insert(Feature::DisplayMode, Answer::Supported);
        let board = Support::resolve(NVML_DEVICE_ARCH_ADA, &o, "595.91.07");
        assert_eq!(
            board.check(Feature::AveragePower),
            Err(NVML_ERROR_NOT_SUPPORTED)
        );
        assert!(board.has(Feature::C2cMode));
        assert!(board.has(Feature::DisplayMode));
    }

    #[test]
    fn driver_branches_read_from_the_version() {
        assert_eq!(driver_branch("595.91.07"), 595);
        assert_eq!(driver_branch("418"), 418);
        assert_eq!(driver_branch("r580"), 0);
        assert_eq!(driver_answer(Feature::DisplayMode, 575), None);
        assert_eq!(
            driver_answer(Feature::DisplayMode, 580),
            Some(Answer::Deprecated)
        );
    }

    #[test]
    fn each_architecture_links_to_its_own_nvswitches() {
        assert_eq!(nvswitches(NVML_DEVICE_ARCH_AMPERE).chips, 6);
        assert_eq!(
            nvswitches(NVML_DEVICE_ARCH_AMPERE).pci_device_id,
            0x1af1_10de
        );
        assert_eq!(nvswitches(NVML_DEVICE_ARCH_HOPPER).chips, 4);
        assert_eq!(
            nvswitches(NVML_DEVICE_ARCH_BLACKWELL),
            nvswitches(NVML_DEVICE_ARCH_HOPPER)
        );
        for row in NVSWITCHES {
            assert!(!row.source.is_empty(), "{row:?} has no source");
            assert!(row.chips > 0, "{row:?} has no chips");
        }
    }

    #[test]
    fn an_unknown_architecture_answers_nothing_generation_bound() {
        let s = Support::resolve(NVML_DEVICE_ARCH_UNKNOWN, &Overrides::new(), "580.65.06");
        assert!(!s.has(Feature::Pdi));
    }

    #[test]
    fn answers_read_as_json() {
        let o: Overrides = serde_json::from_str(
            r#"{"sram_ecc": true, "tlimit": false, "display_mode": "deprecated"}"#,
        )
        .unwrap();
        assert_eq!(o.get(&Feature::SramEcc), Some(&Answer::Supported));
        assert_eq!(o.get(&Feature::Tlimit), Some(&Answer::NotSupported));
        assert_eq!(o.get(&Feature::DisplayMode), Some(&Answer::Deprecated));
        let e = serde_json::from_str::<Overrides>(r#"{"sram": true}"#).unwrap_err();
        assert!(e.to_string().contains("unknown feature `sram`"), "{e}");
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"display_mode":"deprecated","tlimit":false,"sram_ecc":true}"#
        );
    }
}
