//! `nvmlInternalGetExportTable`: NVML's private entry point, which NVIDIA's `nvidia-smi` asks
//! for right after `nvmlInitWithFlags` (without it, it stops with "Mismatch in versions between
//! nvidia-smi and NVML"). It is not in `nvml.h`: the caller passes a 16-byte GUID naming a
//! table, and gets back a pointer to that table: its size in bytes, then function pointers
//! ("slots").
//!
//! The mock serves the one table `nvidia-smi` asks for. Every slot has its own entry point, so
//! a call is identified by its slot number, never guessed from its arguments. Slots the mock
//! does not understand answer `NVML_ERROR_NOT_SUPPORTED` and write nothing. With
//! `NVML_MOCK_TRACE_EXPORT_TABLE=1` in the environment each call is printed to stderr (slot
//! and the raw argument registers), which is how the slots below were found.

use std::ffi::{c_char, c_uint, c_void};

use nvml_sys::*;

use crate::dispatch::Ctx;
use crate::handles::device_handle;
use crate::machine::Gpu;
use crate::marshal::{arg_str, get, put, put_array, put_str};

/// Slots in the table (the real one is smaller; extra slots are never reached).
const SLOTS: usize = 256;

/// Environment variable that turns on the trace of table calls.
const TRACE_ENV: &str = "NVML_MOCK_TRACE_EXPORT_TABLE";

/// One slot: six integer-register arguments (fewer are read as whatever the registers hold,
/// which the dispatcher never dereferences unless the slot is known).
type Slot = unsafe extern "C" fn(usize, usize, usize, usize, usize, usize) -> nvmlReturn_t;

/// The table as the caller reads it: byte size, then the slots (rows of 16, contiguous).
#[repr(C)]
struct Table {
    size: usize,
    slots: [[Slot; 16]; SLOTS / 16],
}

pub(super) fn trace_enabled() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os(TRACE_ENV).is_some_and(|v| v != "0"))
}

/// The GUID of the table `nvidia-smi` (535, 550) asks for, as the 16 bytes it passes
/// (`6c3efec4-8fc9-4e6c-a327-ee696e12f7c4`).
const SMI_TABLE_GUID: [u8; 16] = [
    0xc4, 0xfe, 0x3e, 0x6c, 0xc9, 0x8f, 0x6c, 0x4e, 0xa3, 0x27, 0xee, 0x69, 0x6e, 0x12, 0xf7, 0xc4,
];

/// Slots the mock understands, by index after the size word (byte offset `8 + 8 * slot`).
mod slot_id {
    /// `(const char *busIdA, const char *busIdB, unsigned int *path)`: how two PCI devices
    /// connect, for `topo -m`: 0 PIX, 1 PXB, 2 PHB, 3 NODE, 4 SYS, `4 + n` NV`n` (n <= 18).
    pub const TOPOLOGY_BY_BUS_IDS: usize = 22;
    /// `(nvmlDevice_t, unsigned int *active)`: whether the GPU runs as a vGPU host (non-zero:
    /// yes). Every `nvidia-smi vgpu` view (550) asks it per GPU and shows only the GPUs with
    /// a non-zero answer, or "No supported devices in vGPU mode" when none has one; any
    /// non-zero value reads the same (1, 2, 3 and 7 print identical `vgpu -q` output).
    pub const VGPU_HOST_ACTIVE: usize = 71;
    /// `(unsigned int index, nvmlDevice_t *device, flags)`: like `nvmlDeviceGetHandleByIndex`.
    pub const DEVICE_HANDLE_BY_INDEX: usize = 80;
    /// `(nvmlDevice_t, unsigned int *limit)`: the enforced power limit, mW, as
    /// `nvmlDeviceGetEnforcedPowerLimit` gives it (`--query-gpu=enforced.power.limit`).
    pub const ENFORCED_POWER_LIMIT: usize = 107;
    /// `(nvmlDevice_t, unsigned int *count, entry *entries)`: the running compute processes
    /// (`*count` is the capacity on entry), in the layout of [`super::ProcessEntry`].
    pub const COMPUTE_PROCESSES: usize = 212;
    /// Same, graphics processes.
    pub const GRAPHICS_PROCESSES: usize = 213;
    /// Same, MPS compute processes.
    pub const MPS_PROCESSES: usize = 214;
    /// `(nvmlDevice_t, unsigned int masks[2], 1)`: the PCIe atomic operations the GPU issues
    /// and completes (`NVML_PCIE_ATOMICS_CAP_*` bits, outbound then inbound; 0 prints N/A).
    pub const PCIE_ATOMICS: usize = 225;
    /// `(nvmlDevice_t, char *buf, unsigned int length)`: the GPU (chip) part number.
    pub const GPU_PART_NUMBER: usize = 230;
    /// `(nvmlDevice_t, int *margin)`: how far the GPU is below its T.Limit, degrees C.
    pub const TLIMIT_MARGIN: usize = 239;
    /// `(nvmlDevice_t, unsigned int *mode)`: the addressing mode, `NVML_DEVICE_ADDRESSING_MODE_*`.
    pub const ADDRESSING_MODE: usize = 241;
    /// `(nvmlDevice_t, unsigned int *enabled)`: sparse operation mode (0: disabled).
    pub const SPARSE_OPERATION_MODE: usize = 248;
}

/// One entry of the process lists: the public `nvmlProcessDetail_v1_t` numbers followed by
/// the process name inline (4128 bytes a row).
#[repr(C)]
#[derive(Clone, Copy)]
struct ProcessEntry {
    pid: u32,
    used_gpu_memory: u64,
    gpu_instance_id: u32,
    compute_instance_id: u32,
    used_cc_protected_memory: u64,
    name: [u8; 4096],
}

/// Most entries a caller's process buffer is trusted to hold (nvidia-smi passes 500).
const MAX_PROCESS_ENTRIES: u32 = 4096;

fn dispatch(slot: usize, a: [usize; 6]) -> nvmlReturn_t {
    let r = crate::dispatch::call("nvmlInternalGetExportTable", |c| serve(c, slot, a));
    if trace_enabled() {
        eprintln!(
            "nvml-mock export table: slot {slot} ({:#x}) args {:#x} {:#x} {:#x} {:#x} {:#x} {:#x} -> {r}",
            8 + slot * 8,
            a[0],
            a[1],
            a[2],
            a[3],
            a[4],
            a[5]
        );
    }
    r
}

fn serve(c: &mut Ctx<'_>, slot: usize, a: [usize; 6]) -> Result<(), nvmlReturn_t> {
    match slot {
        slot_id::TOPOLOGY_BY_BUS_IDS => {
            let (x, y) = (gpu_by_bus_id(c, a[0])?, gpu_by_bus_id(c, a[1])?);
            let (gx, gy) = (gpu_at(c, x)?, gpu_at(c, y)?);
            let links = gx.spec().nvlink_count.min(gy.spec().nvlink_count);
            let path = if x != y && links > 0 {
                4 + links.min(18)
            } else {
                match super::device::topology(gx, x, gy, y) {
                    NVML_TOPOLOGY_INTERNAL | NVML_TOPOLOGY_SINGLE => 0,
                    NVML_TOPOLOGY_MULTIPLE => 1,
                    NVML_TOPOLOGY_HOSTBRIDGE => 2,
                    NVML_TOPOLOGY_NODE => 3,
                    _ => 4,
                }
            };
            put(a[2] as *mut c_uint, path)
        }
        slot_id::DEVICE_HANDLE_BY_INDEX => {
            let i = a[0] as c_uint as usize;
            if i >= c.m.gpus.len() {
                return Err(NVML_ERROR_INVALID_ARGUMENT);
            }
            put(a[1] as *mut nvmlDevice_t, device_handle(i))
        }
        slot_id::ENFORCED_POWER_LIMIT => {
            let limit = c.m.gpu(a[0] as nvmlDevice_t)?.power_limit_mw;
            put(a[1] as *mut c_uint, limit)
        }
        slot_id::COMPUTE_PROCESSES => process_list(c, a, "compute"),
        slot_id::GRAPHICS_PROCESSES => process_list(c, a, "graphics"),
        slot_id::MPS_PROCESSES => process_list(c, a, "mps"),
        slot_id::VGPU_HOST_ACTIVE => {
            let mode = c.m.gpu(a[0] as nvmlDevice_t)?.spec().virtualization_mode;
            let host = matches!(
                mode,
                NVML_GPU_VIRTUALIZATION_MODE_HOST_VGPU | NVML_GPU_VIRTUALIZATION_MODE_HOST_VSGA
            );
            put(a[1] as *mut c_uint, u32::from(host))
        }
        slot_id::GPU_PART_NUMBER => {
            let g = c.m.gpu(a[0] as nvmlDevice_t)?;
            let part = g.spec().gpu_part_number.clone();
            if part.is_empty() {
                return Err(NVML_ERROR_NOT_SUPPORTED);
            }
            put_str(a[1] as *mut c_char, a[2] as c_uint, &part, c.hostile)
        }
        slot_id::ADDRESSING_MODE => {
            let mode = c.m.gpu(a[0] as nvmlDevice_t)?.spec().addressing_mode;
            put(a[1] as *mut c_uint, mode)
        }
        slot_id::TLIMIT_MARGIN => {
            let margin =
                crate::exports::device::margin_temperature(c.m.gpu(a[0] as nvmlDevice_t)?)?;
            put(a[1] as *mut i32, margin)
        }
        slot_id::SPARSE_OPERATION_MODE => {
            let mode = c.m.gpu(a[0] as nvmlDevice_t)?.spec().sparse_operation_mode;
            put(
                a[1] as *mut c_uint,
                u32::from(mode.ok_or(NVML_ERROR_NOT_SUPPORTED)?),
            )
        }
        slot_id::PCIE_ATOMICS => {
            let s = c.m.gpu(a[0] as nvmlDevice_t)?.spec();
            if s.pcie_atomics_outbound == 0 && s.pcie_atomics_inbound == 0 {
                return Err(NVML_ERROR_NOT_SUPPORTED);
            }
            put(
                a[1] as *mut [c_uint; 2],
                [s.pcie_atomics_outbound, s.pcie_atomics_inbound],
            )
        }
        _ => Err(NVML_ERROR_NOT_SUPPORTED),
    }
}

fn gpu_at<'a>(c: &'a Ctx<'_>, i: usize) -> Result<&'a Gpu, nvmlReturn_t> {
    c.m.gpus.get(i).ok_or(NVML_ERROR_INVALID_ARGUMENT)
}

/// The index of the GPU whose PCI bus id is the C string at `p`; NOT_FOUND for another device.
fn gpu_by_bus_id(c: &Ctx<'_>, p: usize) -> Result<usize, nvmlReturn_t> {
    let want = super::device::norm_bus_id(arg_str(p as *const c_char)?)
        .ok_or(NVML_ERROR_INVALID_ARGUMENT)?;
    c.m.gpus
        .iter()
        .position(|g| super::device::norm_bus_id(&g.spec().bus_id()) == Some(want))
        .ok_or(NVML_ERROR_NOT_FOUND)
}

/// A process list: the GPU's processes of `kind`, or on a MIG device handle those in its
/// MIG device, each with its GPU and compute instance ids (N/A with MIG off), like the public
/// running-process queries.
fn process_list(c: &mut Ctx<'_>, a: [usize; 6], kind: &str) -> Result<(), nvmlReturn_t> {
    let device = a[0] as nvmlDevice_t;
    let placed = super::device::placed_processes(c, device, kind)?;
    let count = a[1] as *mut c_uint;
    let cap = get(count)?;
    if cap > MAX_PROCESS_ENTRIES {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    let na = NVML_VALUE_NOT_AVAILABLE as u32;
    let list: Vec<ProcessEntry> = placed
        .iter()
        .map(|(p, at)| {
            let mut name = [0u8; 4096];
            for (d, s) in name.iter_mut().zip(p.name.bytes().take(4095)) {
                *d = s;
            }
            ProcessEntry {
                pid: p.pid,
                used_gpu_memory: p.used_memory,
                gpu_instance_id: at.map_or(na, |x| x.0),
                compute_instance_id: at.map_or(na, |x| x.1),
                used_cc_protected_memory: 0,
                name,
            }
        })
        .collect();
    put_array(count, a[2] as *mut ProcessEntry, &list, c.hostile)
}

/// The entry point of slot `N`.
unsafe extern "C" fn slot<const N: usize>(
    a0: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
) -> nvmlReturn_t {
    crate::dispatch::guard("nvmlInternalGetExportTable (a slot)", || {
        dispatch(N, [a0, a1, a2, a3, a4, a5])
    })
}

macro_rules! row {
    ($hi:literal) => {
        [
            slot::<{ $hi * 16 }>,
            slot::<{ $hi * 16 + 1 }>,
            slot::<{ $hi * 16 + 2 }>,
            slot::<{ $hi * 16 + 3 }>,
            slot::<{ $hi * 16 + 4 }>,
            slot::<{ $hi * 16 + 5 }>,
            slot::<{ $hi * 16 + 6 }>,
            slot::<{ $hi * 16 + 7 }>,
            slot::<{ $hi * 16 + 8 }>,
            slot::<{ $hi * 16 + 9 }>,
            slot::<{ $hi * 16 + 10 }>,
            slot::<{ $hi * 16 + 11 }>,
            slot::<{ $hi * 16 + 12 }>,
            slot::<{ $hi * 16 + 13 }>,
            slot::<{ $hi * 16 + 14 }>,
            slot::<{ $hi * 16 + 15 }>,
        ]
    };
}

static TABLE: Table = Table {
    size: std::mem::size_of::<Table>(),
    slots: [
        row!(0),
        row!(1),
        row!(2),
        row!(3),
        row!(4),
        row!(5),
        row!(6),
        row!(7),
        row!(8),
        row!(9),
        row!(10),
        row!(11),
        row!(12),
        row!(13),
        row!(14),
        row!(15),
    ],
};

/// `nvmlInternalGetExportTable(const void **table, const nvmlGuid *guid)`: NVML's private
/// table lookup (not in `nvml.h`). Writes the table for a GUID the mock knows; any other GUID
/// is `NVML_ERROR_NOT_SUPPORTED`. Works before `nvmlInit`, like a lookup of static data.
///
/// # Safety
/// `table` is null or writable; `guid` is null or points to 16 readable bytes.
#[unsafe(export_name = "nvmlInternalGetExportTable")]
pub unsafe extern "C" fn internal_get_export_table(
    table: *mut *const c_void,
    guid: *const [u8; 16],
) -> nvmlReturn_t {
    crate::dispatch::guard("nvmlInternalGetExportTable", || {
        // SAFETY: the caller's contract, passed on.
        unsafe { export_table_for(table, guid) }
    })
}

/// The body of `nvmlInternalGetExportTable`.
///
/// # Safety
/// As `nvmlInternalGetExportTable`.
unsafe fn export_table_for(table: *mut *const c_void, guid: *const [u8; 16]) -> nvmlReturn_t {
    if table.is_null() || guid.is_null() {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    // SAFETY: non-null; the caller passes 16 bytes of GUID.
    let g = unsafe { guid.read_unaligned() };
    if trace_enabled() {
        eprintln!("nvml-mock export table: GUID {g:02x?}");
    }
    if g != SMI_TABLE_GUID {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    // SAFETY: non-null out-pointer.
    unsafe { table.write_unaligned(std::ptr::from_ref(&TABLE).cast()) };
    NVML_SUCCESS
}
