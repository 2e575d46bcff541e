//! PRM access: the GPU's port registers (network ports of Blackwell or newer GPUs), as raw
//! TLV messages or as named counters. NVML's "PRM Access" group. Linux only.

use std::ffi::c_uint;

use nvml_sys as sys;

use super::{Device, Value};
use crate::enums::PrmCounterId;
use crate::error::{NvmlError, Result};
use crate::ffi::nvml_call;
use crate::nvml_ref::NvmlRef;

/// The most bytes a PRM TLV message holds, either way (`NVML_PRM_DATA_MAX_SIZE`).
pub const PRM_DATA_MAX_SIZE: usize = sys::NVML_PRM_DATA_MAX_SIZE as usize;

/// The answer to a PRM TLV message (`nvmlPRMTLV_v1_t` after the call).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PrmResponse {
    /// The status of the PRM command, as the register interface reports it.
    pub status: u32,
    /// The output buffer, in network byte order: the register contents in TLV format after a
    /// read. Always [`PRM_DATA_MAX_SIZE`] bytes; the TLV headers say how much is meaningful.
    pub data: Vec<u8>,
}

/// One PRM counter to read: which one, on which local port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PrmCounterRequest {
    /// The counter.
    pub counter: PrmCounterId,
    /// The local port number.
    pub local_port: u32,
}

/// One PRM counter as read (`nvmlPRMCounter_v1_t` after the call).
#[derive(Debug)]
pub struct PrmCounterReading {
    /// What was asked for.
    pub request: PrmCounterRequest,
    /// The value, or why this one counter could not be read (its own `status`).
    pub value: Result<Value>,
}

impl<N: NvmlRef> Device<'_, N> {
    /// Sends one PRM TLV message (`input`, network byte order, at most
    /// [`PRM_DATA_MAX_SIZE`] bytes) and returns the answer (`nvmlDeviceReadWritePRM_v1`).
    ///
    /// # Errors
    /// [`InvalidInput`](NvmlError::InvalidInput) for a message longer than the buffer;
    /// [`NoPermission`](NvmlError::NoPermission) without the rights the register needs.
    #[doc(alias = "nvmlDeviceReadWritePRM_v1")]
    pub fn read_write_prm(&self, input: &[u8]) -> Result<PrmResponse> {
        if input.len() > PRM_DATA_MAX_SIZE {
            return Err(NvmlError::InvalidInput(
                "a PRM TLV message holds at most NVML_PRM_DATA_MAX_SIZE (496) bytes",
            ));
        }
        let mut data = [0u8; PRM_DATA_MAX_SIZE];
        for (slot, byte) in data.iter_mut().zip(input) {
            *slot = *byte;
        }
        let mut tlv = sys::nvmlPRMTLV_v1_t {
            dataSize: input.len() as c_uint,
            status: 0,
            __bindgen_anon_1: sys::nvmlPRMTLV_v1_t__bindgen_ty_1 { inData: data },
        };
        nvml_call!(self.nvml, nvmlDeviceReadWritePRM_v1(self.handle, &mut tlv))?;
        // SAFETY: both members of the union are `[u8; 496]`, initialised in full above, and
        // NVML writes bytes only; reading either member is reading those bytes.
        let out = unsafe { tlv.__bindgen_anon_1.outData };
        Ok(PrmResponse {
            status: tlv.status,
            data: out.to_vec(),
        })
    }

    /// Reads PRM counters in one call (`nvmlDeviceReadPRMCounters_v1`); each reading carries
    /// its own status. An empty request reads nothing and calls nothing.
    #[doc(alias = "nvmlDeviceReadPRMCounters_v1")]
    pub fn prm_counters(&self, requests: &[PrmCounterRequest]) -> Result<Vec<PrmCounterReading>> {
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        let mut counters: Vec<sys::nvmlPRMCounter_v1_t> = requests
            .iter()
            .map(|request| sys::nvmlPRMCounter_v1_t {
                counterId: request.counter.as_raw(),
                inData: sys::nvmlPRMCounterInput_v1_t {
                    localPort: request.local_port,
                },
                counterValue: sys::nvmlPRMCounterValue_v1_t {
                    status: sys::NVML_SUCCESS,
                    outputType: 0,
                    // The union's widest member: all eight bytes initialised.
                    outputValue: sys::nvmlValue_t { ullVal: 0 },
                },
            })
            .collect();
        // The list points at `counters` and carries its true length (the call layer's
        // buffer-with-length contract); `counters` outlives the call.
        let mut list = sys::nvmlPRMCounterList_v1_t {
            numCounters: counters.len() as c_uint,
            counters: counters.as_mut_ptr(),
        };
        nvml_call!(
            self.nvml,
            nvmlDeviceReadPRMCounters_v1(self.handle, &mut list)
        )?;
        Ok(requests
            .iter()
            .zip(&counters)
            .map(|(request, counter)| {
                let out = &counter.counterValue;
                let value = match NvmlError::from_code(out.status, "nvmlDeviceReadPRMCounters_v1") {
                    Some(e) => Err(e),
                    None => Value::from_raw(out.outputType, &out.outputValue),
                };
                PrmCounterReading {
                    request: *request,
                    value,
                }
            })
            .collect())
    }
}
