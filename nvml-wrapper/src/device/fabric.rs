//! The GPU's place in an NVLink fabric: on NVSwitch systems (HGX H100, B200, GB200 NVL72) the
//! Fabric Manager registers each GPU, which then reports the registration's state, its
//! cluster and cliques, and the fabric's health. This is the "Fabric" block of
//! `nvidia-smi -q`.

use nvml_sys as sys;

use super::Device;
use crate::error::Result;
use crate::nvml_ref::NvmlRef;

/// How far the GPU's registration with the fabric got (`NVML_GPU_FABRIC_STATE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FabricState {
    /// The GPU takes no part in a fabric (`NVML_GPU_FABRIC_STATE_NOT_SUPPORTED`).
    NotSupported,
    /// Registration has not started (`NVML_GPU_FABRIC_STATE_NOT_STARTED`).
    NotStarted,
    /// Registration is under way (`NVML_GPU_FABRIC_STATE_IN_PROGRESS`).
    InProgress,
    /// Registration is done; [`FabricInfo::status`] says whether it worked
    /// (`NVML_GPU_FABRIC_STATE_COMPLETED`).
    Completed,
    /// A state newer than this crate's header.
    Unknown(u8),
}

impl From<sys::nvmlGpuFabricState_t> for FabricState {
    fn from(raw: sys::nvmlGpuFabricState_t) -> Self {
        match u32::from(raw) {
            sys::NVML_GPU_FABRIC_STATE_NOT_SUPPORTED => Self::NotSupported,
            sys::NVML_GPU_FABRIC_STATE_NOT_STARTED => Self::NotStarted,
            sys::NVML_GPU_FABRIC_STATE_IN_PROGRESS => Self::InProgress,
            sys::NVML_GPU_FABRIC_STATE_COMPLETED => Self::Completed,
            _ => Self::Unknown(raw),
        }
    }
}

/// What a clique groups GPUs for (`NVML_GPU_FABRIC_CLIQUE_TYPE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CliqueType {
    /// Unicast pointer-based access: the clique id older drivers report alone.
    UnicastPointer,
    /// Multicast pointer-based access.
    MulticastPointer,
    /// Unicast logical-endpoint-based access (Blackwell and newer).
    UnicastLogicalEndpoint,
    /// Multicast logical-endpoint-based access (Blackwell and newer).
    MulticastLogicalEndpoint,
    /// A type newer than this crate's header.
    Unknown(u8),
}

impl From<u8> for CliqueType {
    fn from(raw: u8) -> Self {
        match u32::from(raw) {
            sys::NVML_GPU_FABRIC_CLIQUE_TYPE_UNICAST_POINTER => Self::UnicastPointer,
            sys::NVML_GPU_FABRIC_CLIQUE_TYPE_MULTICAST_POINTER => Self::MulticastPointer,
            sys::NVML_GPU_FABRIC_CLIQUE_TYPE_UNICAST_LOGICAL_ENDPOINT => {
                Self::UnicastLogicalEndpoint
            }
            sys::NVML_GPU_FABRIC_CLIQUE_TYPE_MULTICAST_LOGICAL_ENDPOINT => {
                Self::MulticastLogicalEndpoint
            }
            _ => Self::Unknown(raw),
        }
    }
}

/// One clique the GPU belongs to (`nvmlGpuFabricClique_v1_t`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FabricClique {
    /// What the clique is for.
    pub kind: CliqueType,
    /// Its id, assigned by the Fabric Manager.
    pub id: u32,
}

/// The fabric's health as the GPU sees it (`NVML_GPU_FABRIC_HEALTH_*`), from drivers with
/// the versioned query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FabricHealth {
    /// The raw `healthMask`: read fields with `NVML_GPU_FABRIC_HEALTH_GET`'s shifts and
    /// widths, or with the methods below.
    pub mask: u32,
    /// The summary (`NVML_GPU_FABRIC_HEALTH_SUMMARY_*`: 0 not supported, 1 healthy,
    /// 2 unhealthy, 3 limited capacity); `None` where the driver's struct has none (v2).
    pub summary: Option<u8>,
}

impl FabricHealth {
    fn field(self, shift: u32, width: u32) -> u32 {
        (self.mask >> shift) & width
    }

    /// Whether NvLink bandwidth is degraded: `None` where not reported
    /// (`NVML_GPU_FABRIC_HEALTH_MASK_*_DEGRADED_BW`).
    pub fn bandwidth_degraded(self) -> Option<bool> {
        match self.field(
            sys::NVML_GPU_FABRIC_HEALTH_MASK_SHIFT_DEGRADED_BW,
            sys::NVML_GPU_FABRIC_HEALTH_MASK_WIDTH_DEGRADED_BW,
        ) {
            sys::NVML_GPU_FABRIC_HEALTH_MASK_DEGRADED_BW_TRUE => Some(true),
            sys::NVML_GPU_FABRIC_HEALTH_MASK_DEGRADED_BW_FALSE => Some(false),
            _ => None,
        }
    }

    /// Whether route recovery is in progress: `None` where not reported
    /// (`NVML_GPU_FABRIC_HEALTH_MASK_*_ROUTE_RECOVERY`).
    pub fn route_recovery_in_progress(self) -> Option<bool> {
        match self.field(
            sys::NVML_GPU_FABRIC_HEALTH_MASK_SHIFT_ROUTE_RECOVERY,
            sys::NVML_GPU_FABRIC_HEALTH_MASK_WIDTH_ROUTE_RECOVERY,
        ) {
            sys::NVML_GPU_FABRIC_HEALTH_MASK_ROUTE_RECOVERY_TRUE => Some(true),
            sys::NVML_GPU_FABRIC_HEALTH_MASK_ROUTE_RECOVERY_FALSE => Some(false),
            _ => None,
        }
    }

    /// Whether a route is unhealthy: `None` where not reported
    /// (`NVML_GPU_FABRIC_HEALTH_MASK_*_ROUTE_UNHEALTHY`).
    pub fn route_unhealthy(self) -> Option<bool> {
        match self.field(
            sys::NVML_GPU_FABRIC_HEALTH_MASK_SHIFT_ROUTE_UNHEALTHY,
            sys::NVML_GPU_FABRIC_HEALTH_MASK_WIDTH_ROUTE_UNHEALTHY,
        ) {
            sys::NVML_GPU_FABRIC_HEALTH_MASK_ROUTE_UNHEALTHY_TRUE => Some(true),
            sys::NVML_GPU_FABRIC_HEALTH_MASK_ROUTE_UNHEALTHY_FALSE => Some(false),
            _ => None,
        }
    }

    /// Whether access timeout recovery is in progress: `None` where not reported
    /// (`NVML_GPU_FABRIC_HEALTH_MASK_*_ACCESS_TIMEOUT_RECOVERY`).
    pub fn access_timeout_recovery(self) -> Option<bool> {
        match self.field(
            sys::NVML_GPU_FABRIC_HEALTH_MASK_SHIFT_ACCESS_TIMEOUT_RECOVERY,
            sys::NVML_GPU_FABRIC_HEALTH_MASK_WIDTH_ACCESS_TIMEOUT_RECOVERY,
        ) {
            sys::NVML_GPU_FABRIC_HEALTH_MASK_ACCESS_TIMEOUT_RECOVERY_TRUE => Some(true),
            sys::NVML_GPU_FABRIC_HEALTH_MASK_ACCESS_TIMEOUT_RECOVERY_FALSE => Some(false),
            _ => None,
        }
    }

    /// Whether a partition is assigned: `None` where not reported
    /// (`NVML_GPU_FABRIC_HEALTH_MASK_*_PARTITION_ASSIGNED`).
    pub fn partition_assigned(self) -> Option<bool> {
        match self.field(
            sys::NVML_GPU_FABRIC_HEALTH_MASK_SHIFT_PARTITION_ASSIGNED,
            sys::NVML_GPU_FABRIC_HEALTH_MASK_WIDTH_PARTITION_ASSIGNED,
        ) {
            sys::NVML_GPU_FABRIC_HEALTH_MASK_PARTITION_ASSIGNED_TRUE => Some(true),
            sys::NVML_GPU_FABRIC_HEALTH_MASK_PARTITION_ASSIGNED_FALSE => Some(false),
            _ => None,
        }
    }

    /// The configuration problem, `NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_*`
    /// (1 none, 2 incorrect SysGUID, ... 8 GPU state invalid): `None` where not reported.
    pub fn incorrect_configuration(self) -> Option<u32> {
        match self.field(
            sys::NVML_GPU_FABRIC_HEALTH_MASK_SHIFT_INCORRECT_CONFIGURATION,
            sys::NVML_GPU_FABRIC_HEALTH_MASK_WIDTH_INCORRECT_CONFIGURATION,
        ) {
            sys::NVML_GPU_FABRIC_HEALTH_MASK_INCORRECT_CONFIGURATION_NOT_SUPPORTED => None,
            other => Some(other),
        }
    }
}

/// The GPU's fabric registration (`nvmlGpuFabricInfo_v4_t` and its older forms).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FabricInfo {
    /// How far registration got.
    pub state: FabricState,
    /// Once [`FabricState::Completed`], NVML's code for how it ended: 0 (`NVML_SUCCESS`) when
    /// it worked. Meaningless in the other states.
    pub status: u32,
    /// The cluster the GPU belongs to (16 bytes, the UUID of `nvidia-smi -q`'s
    /// `clusterUuid`).
    pub cluster_uuid: [u8; 16],
    /// The clique id: the first unicast-pointer clique's id (the only one older drivers
    /// report).
    pub clique_id: u32,
    /// Every clique, sorted by type then id (drivers with `nvmlDeviceGetGpuFabricInfo_v4`);
    /// older drivers: the one unicast-pointer clique.
    pub cliques: Vec<FabricClique>,
    /// Health, from drivers with the versioned query; `None` from the oldest form.
    pub health: Option<FabricHealth>,
}

impl FabricInfo {
    /// Whether registration completed successfully ("Completed" / "Success" in
    /// `nvidia-smi -q`).
    pub fn is_registered(&self) -> bool {
        self.state == FabricState::Completed && self.status == sys::NVML_SUCCESS
    }

    /// The cluster UUID as `nvidia-smi` prints it, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    pub fn cluster_uuid_string(&self) -> String {
        let mut out = String::with_capacity(36);
        for (i, byte) in self.cluster_uuid.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }

    /// From the `_v4` struct; a clique count past the array is clamped to it.
    /// From `nvmlGpuFabricInfoV_t`, filled as `nvmlGpuFabricInfo_v3` (`has_summary`) or as
    /// `_v2`, which ends before the health summary.
    pub(crate) fn from_versioned(raw: &sys::nvmlGpuFabricInfoV_t, has_summary: bool) -> Self {
        let health = FabricHealth {
            mask: raw.healthMask,
            summary: has_summary.then_some(raw.healthSummary),
        };
        Self::from_legacy(
            raw.state,
            raw.status,
            raw.clusterUuid,
            raw.cliqueId,
            Some(health),
        )
    }

    /// From the unversioned `nvmlGpuFabricInfo_t`, which has no health.
    pub(crate) fn from_v1(raw: &sys::nvmlGpuFabricInfo_t) -> Self {
        Self::from_legacy(raw.state, raw.status, raw.clusterUuid, raw.cliqueId, None)
    }

    pub(crate) fn from_v4(raw: &sys::nvmlGpuFabricInfo_v4_t) -> Self {
        let count = (raw.numCliques as usize).min(raw.cliques.len());
        let cliques: Vec<FabricClique> = raw
            .cliques
            .iter()
            .take(count)
            .map(|c| FabricClique {
                kind: CliqueType::from(c.type_),
                id: c.id,
            })
            .collect();
        let clique_id = cliques
            .iter()
            .find(|c| c.kind == CliqueType::UnicastPointer)
            .map_or(0, |c| c.id);
        Self {
            state: raw.state.into(),
            status: raw.status,
            cluster_uuid: raw.clusterUuid,
            clique_id,
            cliques,
            health: Some(FabricHealth {
                mask: raw.healthMask,
                summary: Some(raw.healthSummary),
            }),
        }
    }

    /// From the fields every older form has.
    fn from_legacy(
        state: sys::nvmlGpuFabricState_t,
        status: u32,
        cluster_uuid: [u8; 16],
        clique_id: u32,
        health: Option<FabricHealth>,
    ) -> Self {
        Self {
            state: state.into(),
            status,
            cluster_uuid,
            clique_id,
            cliques: vec![FabricClique {
                kind: CliqueType::UnicastPointer,
                id: clique_id,
            }],
            health,
        }
    }
}

impl<N: NvmlRef> Device<'_, N> {
    /// The GPU's registration in the NVLink fabric (`nvmlDeviceGetGpuFabricInfo_v4`; on older
    /// drivers `nvmlDeviceGetGpuFabricInfoV` with `nvmlGpuFabricInfo_v3`, retried with
    /// `nvmlGpuFabricInfo_v2` on `ARGUMENT_VERSION_MISMATCH`, or `nvmlDeviceGetGpuFabricInfo`).
    /// Hopper or newer.
    ///
    /// # Errors
    /// [`NvmlError::NotSupported`](crate::NvmlError::NotSupported) on GPUs without a fabric (PCIe boards, pre-Hopper GPUs).
    #[doc(alias = "nvmlDeviceGetGpuFabricInfo_v4")]
    #[doc(alias = "nvmlDeviceGetGpuFabricInfoV")]
    #[doc(alias = "nvmlDeviceGetGpuFabricInfo")]
    pub fn gpu_fabric_info(&self) -> Result<FabricInfo> {
        self.nvml.versions().gpu_fabric_info(self.handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_clique_counts_past_the_array_are_clamped_and_unknown_values_kept() {
        let mut raw = sys::nvmlGpuFabricInfo_v4_t {
            numCliques: u32::MAX,
            state: 77,
            ..Default::default()
        };
        raw.cliques[0] = sys::nvmlGpuFabricClique_v1_t { type_: 1, id: 5 };
        raw.cliques[1] = sys::nvmlGpuFabricClique_v1_t { type_: 0, id: 9 };
        raw.cliques[2] = sys::nvmlGpuFabricClique_v1_t { type_: 200, id: 1 };
        let info = FabricInfo::from_v4(&raw);
        assert_eq!(info.cliques.len(), raw.cliques.len());
        assert_eq!(info.state, FabricState::Unknown(77));
        assert_eq!(info.clique_id, 9, "the first unicast-pointer clique");
        assert_eq!(info.cliques[2].kind, CliqueType::Unknown(200));
        assert!(!info.is_registered());
    }

    #[test]
    fn health_fields_read_their_bits() {
        let health = FabricHealth {
            mask: (sys::NVML_GPU_FABRIC_HEALTH_MASK_DEGRADED_BW_FALSE
                << sys::NVML_GPU_FABRIC_HEALTH_MASK_SHIFT_DEGRADED_BW)
                | (sys::NVML_GPU_FABRIC_HEALTH_MASK_ROUTE_UNHEALTHY_TRUE
                    << sys::NVML_GPU_FABRIC_HEALTH_MASK_SHIFT_ROUTE_UNHEALTHY),
            summary: None,
        };
        assert_eq!(health.bandwidth_degraded(), Some(false));
        assert_eq!(health.route_unhealthy(), Some(true));
        assert_eq!(health.route_recovery_in_progress(), None);
    }

    #[test]
    fn cluster_uuids_print_like_nvidia_smi() {
        let mut info = FabricInfo::from_legacy(3, 0, [0; 16], 0, None);
        info.cluster_uuid = [
            0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        ];
        assert_eq!(
            info.cluster_uuid_string(),
            "00000001-0000-0000-0000-000000000001"
        );
        assert!(info.is_registered());
    }
}
