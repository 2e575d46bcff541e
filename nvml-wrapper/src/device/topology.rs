//! Topology: how GPUs connect to each other and to CPUs and memory.

use std::ffi::c_ulong;

use nvml_sys as sys;

use super::Device;
use crate::enums::{AffinityScope, P2pCapability, P2pStatus, TopologyLevel};
use crate::error::{NvmlError, Result};
use crate::ffi::{nvml_call, read_list};
use crate::nvml_ref::NvmlRef;

/// The most words an affinity query may ask for: 65,536 CPUs or NUMA nodes.
///
/// A word is a C `unsigned long`: 64 bits on 64-bit Linux, the platform NVML's affinity
/// queries serve; each is widened to a `u64` in the result.
pub const MAX_AFFINITY_WORDS: usize = 1024;

/// Reads an affinity bit mask of `words` words (bounded by [`MAX_AFFINITY_WORDS`]) filled by
/// `fill(size, buffer)`.
fn affinity_mask(
    words: usize,
    fill: impl FnOnce(std::ffi::c_uint, *mut c_ulong) -> Result<()>,
) -> Result<Vec<u64>> {
    if words == 0 || words > MAX_AFFINITY_WORDS {
        return Err(NvmlError::InvalidInput(
            "affinity word count must be between 1 and MAX_AFFINITY_WORDS",
        ));
    }
    let mut mask: Vec<c_ulong> = vec![0; words];
    // `words` is at most MAX_AFFINITY_WORDS, so it fits.
    fill(words as std::ffi::c_uint, mask.as_mut_ptr())?;
    #[allow(clippy::useless_conversion)] // `c_ulong` is `u32` on some targets
    Ok(mask.into_iter().map(u64::from).collect())
}

impl<'nvml, N: NvmlRef> Device<'nvml, N> {
    /// `other`, if it comes from the same loaded library as `self`: a handle is only
    /// meaningful to the library that issued it (two [`Nvml`](crate::Nvml)s of one file share
    /// their handles).
    fn same_library<'a, M: NvmlRef>(&self, other: &'a Device<'_, M>) -> Result<&'a Device<'a, M>> {
        crate::ffi::same_library(self.nvml.lib(), other.nvml.lib())?;
        Ok(other)
    }

    /// The closest level of the PCIe/system topology this device and `other` share
    /// (`nvmlDeviceGetTopologyCommonAncestor`). Linux only.
    ///
    /// # Errors
    /// [`NvmlError::InvalidInput`] if `other` comes from another loaded library.
    #[doc(alias = "nvmlDeviceGetTopologyCommonAncestor")]
    pub fn topology_common_ancestor(
        &self,
        other: &Device<'_, impl NvmlRef>,
    ) -> Result<TopologyLevel> {
        let other = self.same_library(other)?;
        let mut level: sys::nvmlGpuTopologyLevel_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetTopologyCommonAncestor(self.handle, other.handle, &mut level)
        )?;
        TopologyLevel::try_from(level)
    }

    /// The GPUs connected to this one at `level` (`nvmlDeviceGetTopologyNearestGpus`).
    /// Linux only.
    #[doc(alias = "nvmlDeviceGetTopologyNearestGpus")]
    pub fn topology_nearest_gpus(&self, level: TopologyLevel) -> Result<Vec<Device<'nvml, N>>> {
        let handles = read_list(|count, devices| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetTopologyNearestGpus(self.handle, level.as_raw(), count, devices)
            )
        })?;
        handles
            .into_iter()
            .filter(|handle| !handle.is_null())
            .map(|handle| Device::from_handle(self.nvml.clone(), handle))
            .collect()
    }

    /// The CPUs this device is closest to, as a bit mask of `words` 64-bit words: bit `i` of
    /// word `w` is CPU `64 * w + i` (`nvmlDeviceGetCpuAffinity`). Linux only.
    ///
    /// # Errors
    /// [`NvmlError::InvalidInput`] if `words` is 0 or above [`MAX_AFFINITY_WORDS`].
    #[doc(alias = "nvmlDeviceGetCpuAffinity")]
    pub fn cpu_affinity(&self, words: usize) -> Result<Vec<u64>> {
        affinity_mask(words, |size, mask| {
            nvml_call!(self.nvml, nvmlDeviceGetCpuAffinity(self.handle, size, mask))
        })
    }

    /// Like [`cpu_affinity`](Self::cpu_affinity), within a NUMA node or a socket
    /// (`nvmlDeviceGetCpuAffinityWithinScope`).
    #[doc(alias = "nvmlDeviceGetCpuAffinityWithinScope")]
    pub fn cpu_affinity_within_scope(
        &self,
        words: usize,
        scope: AffinityScope,
    ) -> Result<Vec<u64>> {
        affinity_mask(words, |size, mask| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetCpuAffinityWithinScope(self.handle, size, mask, scope.as_raw())
            )
        })
    }

    /// The NUMA nodes whose memory is closest to this device, within `scope`, as a bit mask of
    /// `words` 64-bit words: bit `i` of word `w` is node `64 * w + i`
    /// (`nvmlDeviceGetMemoryAffinity`). Linux only.
    ///
    /// # Errors
    /// [`NvmlError::InvalidInput`] if `words` is 0 or above [`MAX_AFFINITY_WORDS`].
    #[doc(alias = "nvmlDeviceGetMemoryAffinity")]
    pub fn memory_affinity(&self, words: usize, scope: AffinityScope) -> Result<Vec<u64>> {
        affinity_mask(words, |size, mask| {
            nvml_call!(
                self.nvml,
                nvmlDeviceGetMemoryAffinity(self.handle, size, mask, scope.as_raw())
            )
        })
    }

    /// Whether this device and `other` can use a peer-to-peer capability
    /// (`nvmlDeviceGetP2PStatus`).
    ///
    /// # Errors
    /// [`NvmlError::InvalidInput`] if `other` comes from another loaded library.
    #[doc(alias = "nvmlDeviceGetP2PStatus")]
    pub fn p2p_status(
        &self,
        other: &Device<'_, impl NvmlRef>,
        capability: P2pCapability,
    ) -> Result<P2pStatus> {
        let other = self.same_library(other)?;
        let mut status: sys::nvmlGpuP2PStatus_t = 0;
        nvml_call!(
            self.nvml,
            nvmlDeviceGetP2PStatus(self.handle, other.handle, capability.as_raw(), &mut status)
        )?;
        P2pStatus::try_from(status)
    }
}
