//! Opaque handles: every handle the library hands out (devices, MIG devices, GPU and compute
//! instances, event sets, units, GPM samples) is the address of one byte of a static array,
//! encoded from and decoded into the index of the object it names.

use nvml_sys::*;

/// Most physical GPUs a profile may have (handle storage is sized for this).
pub const MAX_GPUS: usize = 32;
/// GPU instance ids per GPU (0..16): a real driver numbers a GPU instance by its place in the
/// tree of memory slices (the whole GPU 0, halves 1-2, quarters 3-6, eighths 7-14).
pub const MAX_GI_IDS: usize = 16;
/// Compute instance ids per GPU instance (0..8), and MIG devices per GPU at most.
pub const MAX_MIG_PER_GPU: usize = 8;
/// MIG device handles per GPU: one per (GPU instance id, compute instance id).
const MIG_HANDLES_PER_GPU: usize = MAX_GI_IDS * MAX_MIG_PER_GPU;
/// Event sets alive at once.
pub const MAX_EVENT_SETS: usize = 256;

// Opaque handle storage: a handle is the address of one byte of these arrays. The bytes are
// never read or written; the address only identifies the object, and a pointer outside the
// array is an unknown handle.
static DEVICE_TOKENS: [u8; MAX_GPUS * (1 + MIG_HANDLES_PER_GPU)] =
    [0; MAX_GPUS * (1 + MIG_HANDLES_PER_GPU)];
static GI_TOKENS: [u8; MAX_GPUS * MAX_GI_IDS] = [0; MAX_GPUS * MAX_GI_IDS];
static CI_TOKENS: [u8; MAX_GPUS * MAX_GI_IDS * MAX_MIG_PER_GPU] =
    [0; MAX_GPUS * MAX_GI_IDS * MAX_MIG_PER_GPU];
static EVENT_SET_TOKENS: [u8; MAX_EVENT_SETS] = [0; MAX_EVENT_SETS];
/// GPM sample buffers alive at once.
pub const MAX_GPM_SAMPLES: usize = 1024;
static GPM_TOKENS: [u8; MAX_GPM_SAMPLES] = [0; MAX_GPM_SAMPLES];
static SYSTEM_EVENT_SET_TOKENS: [u8; MAX_EVENT_SETS] = [0; MAX_EVENT_SETS];
static UNIT_TOKENS: [u8; crate::profile::MAX_UNITS] = [0; crate::profile::MAX_UNITS];

/// The handle for slot `i` of `base`. An index past the end gives an address `untoken`
/// rejects (never an alias of another slot).
fn token(base: &'static [u8], i: usize) -> *mut u8 {
    base.as_ptr().wrapping_add(i).cast_mut()
}

fn untoken(base: &'static [u8], p: *const u8) -> Option<usize> {
    let off = (p as usize).wrapping_sub(base.as_ptr() as usize);
    (off < base.len()).then_some(off)
}

/// What a device handle names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceRef {
    /// A physical GPU (index).
    Gpu(usize),
    /// A MIG device: GPU index, GPU instance id, compute instance id.
    Mig(usize, usize, usize),
}

/// The handle of physical GPU `i`.
pub fn device_handle(i: usize) -> nvmlDevice_t {
    token(&DEVICE_TOKENS, i).cast()
}

/// The handle of the MIG device of compute instance `ci` in GPU instance `gi` of GPU `gpu`
/// (ids out of range give a handle `device_ref` rejects).
pub fn mig_device_handle(gpu: usize, gi: usize, ci: usize) -> nvmlDevice_t {
    if gpu >= MAX_GPUS || gi >= MAX_GI_IDS || ci >= MAX_MIG_PER_GPU {
        return token(&DEVICE_TOKENS, DEVICE_TOKENS.len()).cast();
    }
    token(
        &DEVICE_TOKENS,
        MAX_GPUS + gpu * MIG_HANDLES_PER_GPU + gi * MAX_MIG_PER_GPU + ci,
    )
    .cast()
}

/// Decodes a device handle (no dereference).
pub fn device_ref(h: nvmlDevice_t) -> Option<DeviceRef> {
    let i = untoken(&DEVICE_TOKENS, h.cast_const().cast())?;
    if i < MAX_GPUS {
        Some(DeviceRef::Gpu(i))
    } else {
        let j = i - MAX_GPUS;
        let k = j % MIG_HANDLES_PER_GPU;
        Some(DeviceRef::Mig(
            j / MIG_HANDLES_PER_GPU,
            k / MAX_MIG_PER_GPU,
            k % MAX_MIG_PER_GPU,
        ))
    }
}

/// GPU instance handle: GPU index and GPU instance id (an id out of range gives a handle
/// `gi_ref` rejects).
pub fn gi_handle(gpu: usize, id: usize) -> nvmlGpuInstance_t {
    if gpu >= MAX_GPUS || id >= MAX_GI_IDS {
        return token(&GI_TOKENS, GI_TOKENS.len()).cast();
    }
    token(&GI_TOKENS, gpu * MAX_GI_IDS + id).cast()
}

/// Decodes a GPU instance handle into (gpu, gi id).
pub fn gi_ref(h: nvmlGpuInstance_t) -> Option<(usize, usize)> {
    let i = untoken(&GI_TOKENS, h.cast_const().cast())?;
    Some((i / MAX_GI_IDS, i % MAX_GI_IDS))
}

/// Compute instance handle: GPU, GPU instance id, compute instance id (ids out of range give
/// a handle `ci_ref` rejects).
pub fn ci_handle(gpu: usize, gi: usize, ci: usize) -> nvmlComputeInstance_t {
    if gpu >= MAX_GPUS || gi >= MAX_GI_IDS || ci >= MAX_MIG_PER_GPU {
        return token(&CI_TOKENS, CI_TOKENS.len()).cast();
    }
    token(&CI_TOKENS, (gpu * MAX_GI_IDS + gi) * MAX_MIG_PER_GPU + ci).cast()
}

/// Decodes a compute instance handle into (gpu, gi id, ci id).
pub fn ci_ref(h: nvmlComputeInstance_t) -> Option<(usize, usize, usize)> {
    let i = untoken(&CI_TOKENS, h.cast_const().cast())?;
    let ci = i % MAX_MIG_PER_GPU;
    let rest = i / MAX_MIG_PER_GPU;
    Some((rest / MAX_GI_IDS, rest % MAX_GI_IDS, ci))
}

/// Event set handle for slot `i`.
pub fn event_set_handle(i: usize) -> nvmlEventSet_t {
    token(&EVENT_SET_TOKENS, i).cast()
}

/// Decodes an event set handle.
pub fn event_set_ref(h: nvmlEventSet_t) -> Option<usize> {
    untoken(&EVENT_SET_TOKENS, h.cast_const().cast())
}

/// System event set handle for slot `i`.
pub fn system_event_set_handle(i: usize) -> nvmlSystemEventSet_t {
    token(&SYSTEM_EVENT_SET_TOKENS, i).cast()
}

/// Decodes a system event set handle.
pub fn system_event_set_ref(h: nvmlSystemEventSet_t) -> Option<usize> {
    untoken(&SYSTEM_EVENT_SET_TOKENS, h.cast_const().cast())
}

/// S-class unit handle for unit `i`.
pub fn unit_handle(i: usize) -> nvmlUnit_t {
    token(&UNIT_TOKENS, i).cast()
}

/// Decodes a unit handle.
pub fn unit_ref(h: nvmlUnit_t) -> Option<usize> {
    untoken(&UNIT_TOKENS, h.cast_const().cast())
}

/// GPM sample handle for slot `i`.
pub fn gpm_handle(i: usize) -> nvmlGpmSample_t {
    token(&GPM_TOKENS, i).cast()
}

/// Decodes a GPM sample handle.
pub fn gpm_ref(h: nvmlGpmSample_t) -> Option<usize> {
    untoken(&GPM_TOKENS, h.cast_const().cast())
}
