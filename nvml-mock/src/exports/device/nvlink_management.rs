//! NvLink management: the kind of device at the far end of a link.

use std::ffi::c_uint;

use nvml_sys::*;

use super::{nvlink_active, phys};
use crate::marshal::put;

export! {
    fn nvmlDeviceGetNvLinkRemoteDeviceType(device: nvmlDevice_t, link: c_uint, pNvLinkDeviceType: *mut nvmlIntNvLinkDeviceType_t) |c| {
        nvlink_active(phys(c, device)?, link)?;
        put(pNvLinkDeviceType, c.enum_value(NVML_NVLINK_DEVICE_TYPE_SWITCH, 0x55))
    }
}
