//! `nvmlInternalGetExportTable`, the private entry point NVIDIA's nvidia-smi needs: the table
//! for nvidia-smi's GUID, its known slots, and harmless answers everywhere else.
//! (`oracles/nvidia_smi.py` runs nvidia-smi itself on every profile.)

use std::ffi::{CString, c_uint, c_void};

use crate::support::*;

type GetTable = unsafe extern "C" fn(*mut *const c_void, *const [u8; 16]) -> nvmlReturn_t;
type Slot = unsafe extern "C" fn(usize, usize, usize, usize, usize, usize) -> nvmlReturn_t;

/// nvidia-smi's table GUID, as the bytes it passes.
const SMI_GUID: [u8; 16] = [
    0xc4, 0xfe, 0x3e, 0x6c, 0xc9, 0x8f, 0x6c, 0x4e, 0xa3, 0x27, 0xee, 0x69, 0x6e, 0x12, 0xf7, 0xc4,
];

struct Table {
    _lib: libloading::Library,
    base: *const usize,
}

impl Table {
    fn open(staged: &Staged) -> Table {
        // SAFETY: the staged file is the mock library.
        let lib = unsafe { libloading::Library::new(staged.path()) }.unwrap();
        // SAFETY: the symbol has the GetTable signature (the mock's export_table.rs).
        let get: libloading::Symbol<GetTable> =
            unsafe { lib.get(b"nvmlInternalGetExportTable") }.unwrap();
        let mut other: *const c_void = std::ptr::null();
        let mut guid = SMI_GUID;
        guid[0] ^= 1;
        // SAFETY: valid out-pointer and 16 GUID bytes.
        assert_eq!(unsafe { get(&mut other, &guid) }, NVML_ERROR_NOT_SUPPORTED);
        assert!(other.is_null(), "no table for an unknown GUID");
        let mut table: *const c_void = std::ptr::null();
        // SAFETY: as above.
        assert_eq!(unsafe { get(&mut table, &SMI_GUID) }, NVML_SUCCESS);
        assert!(!table.is_null());
        let base = table.cast::<usize>();
        Table { _lib: lib, base }
    }

    /// Byte size the table declares.
    fn size(&self) -> usize {
        // SAFETY: the table starts with its size.
        unsafe { *self.base }
    }

    fn slot(&self, i: usize) -> Slot {
        assert!(8 + 8 * i < self.size(), "slot {i} inside the declared size");
        // SAFETY: inside the declared size; every entry is a function pointer.
        unsafe { std::mem::transmute::<usize, Slot>(*self.base.add(1 + i)) }
    }
}

#[test]
fn table_serves_devices_processes_topology_and_modes() {
    let (staged, lib) = init("dgx-h100");
    let t = Table::open(&staged);
    // Slot 80: device handle by index, the same handle as the public API.
    let mut h: nvmlDevice_t = std::ptr::null_mut();
    // SAFETY: index, out-pointer, flags: the slot's arguments.
    let r = unsafe { (t.slot(80))(3, &raw mut h as usize, 0x22, 0, 0, 0) };
    assert_eq!(r, NVML_SUCCESS);
    assert_eq!(h, dev(&lib, 3));
    // SAFETY: as above; index 8 is past the 8 GPUs.
    let r = unsafe { (t.slot(80))(8, &raw mut h as usize, 0x22, 0, 0, 0) };
    assert_eq!(r, NVML_ERROR_INVALID_ARGUMENT);

    // Slot 212: GPU 0's compute processes, 4128-byte entries with the name inline, the same
    // processes as nvmlDeviceGetComputeRunningProcesses.
    let mut public = vec![nvmlProcessInfo_t::default(); 16];
    let mut n: c_uint = 16;
    assert_eq!(
        nv!(lib.nvmlDeviceGetComputeRunningProcesses_v3(dev(&lib, 0), &mut n, public.as_mut_ptr())),
        NVML_SUCCESS
    );
    assert!(n > 0);
    let mut buf = vec![0u8; 4128 * 8];
    let mut count: c_uint = 8;
    // SAFETY: device, count (capacity 8), a buffer of 8 entries.
    let r = unsafe {
        (t.slot(212))(
            dev(&lib, 0) as usize,
            &raw mut count as usize,
            buf.as_mut_ptr() as usize,
            0,
            0,
            0,
        )
    };
    assert_eq!(r, NVML_SUCCESS);
    assert_eq!(count, n);
    for (i, p) in public.iter().take(n as usize).enumerate() {
        let e = &buf[i * 4128..(i + 1) * 4128];
        assert_eq!(u32::from_ne_bytes(e[0..4].try_into().unwrap()), p.pid);
        assert_eq!(
            u64::from_ne_bytes(e[8..16].try_into().unwrap()),
            p.usedGpuMemory
        );
        let name = std::ffi::CStr::from_bytes_until_nul(&e[32..]).unwrap();
        let mut want = vec![0 as std::ffi::c_char; 256];
        assert_eq!(
            nv!(lib.nvmlSystemGetProcessName(p.pid, want.as_mut_ptr(), 256)),
            NVML_SUCCESS
        );
        assert_eq!(name.to_str().unwrap(), cstr(&want));
    }
    // A buffer too small: the needed count and INSUFFICIENT_SIZE, nothing written past it.
    let mut small: c_uint = 0;
    // SAFETY: capacity 0, so the buffer is not written.
    let r = unsafe { (t.slot(212))(dev(&lib, 0) as usize, &raw mut small as usize, 0, 0, 0, 0) };
    assert_eq!((r, small), (NVML_ERROR_INSUFFICIENT_SIZE, n));

    // Slot 22: topology by PCI bus ids; the DGX H100's GPUs see each other over 18 NvLinks
    // (4 + 18 = "NV18" in nvidia-smi topo -m).
    let a = CString::new("00000000:18:00.0").unwrap();
    let b = CString::new("00000000:DB:00.0").unwrap();
    let mut path: c_uint = 99;
    // SAFETY: two C strings and an out-pointer.
    let r = unsafe {
        (t.slot(22))(
            a.as_ptr() as usize,
            b.as_ptr() as usize,
            &raw mut path as usize,
            0,
            0,
            0,
        )
    };
    assert_eq!((r, path), (NVML_SUCCESS, 22));

    // Slot 241: addressing mode, HMM like a real H100 on Linux; slot 230: GPU part number.
    let mut mode: c_uint = 99;
    // SAFETY: device and out-pointer.
    let r = unsafe { (t.slot(241))(dev(&lib, 0) as usize, &raw mut mode as usize, 1, 0, 0, 0) };
    assert_eq!((r, mode), (NVML_SUCCESS, NVML_DEVICE_ADDRESSING_MODE_HMM));
    let mut part = [0u8; 80];
    // SAFETY: device, buffer, its length.
    let r = unsafe {
        (t.slot(230))(
            dev(&lib, 0) as usize,
            part.as_mut_ptr() as usize,
            80,
            0,
            0,
            0,
        )
    };
    assert_eq!(r, NVML_SUCCESS);
    assert_eq!(
        std::ffi::CStr::from_bytes_until_nul(&part)
            .unwrap()
            .to_str()
            .unwrap(),
        "2330-885-A1"
    );

    // Any other slot answers NOT_SUPPORTED and writes nothing.
    let mut untouched: usize = 0x5a5a;
    for i in [0usize, 25, 100, 255] {
        // SAFETY: unknown slots read no argument.
        let r = unsafe { (t.slot(i))(&raw mut untouched as usize, 0, 0, 0, 0, 0) };
        assert_eq!(r, NVML_ERROR_NOT_SUPPORTED, "slot {i}");
    }
    assert_eq!(untouched, 0x5a5a);
    assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
    // SAFETY: as above; after shutdown every slot is UNINITIALIZED like the public API.
    let r = unsafe { (t.slot(80))(0, &raw mut h as usize, 0x22, 0, 0, 0) };
    assert_eq!(r, NVML_ERROR_UNINITIALIZED);
}

/// (pid, GPU instance id, compute instance id) of each slot-212 entry of `device`.
fn slot_212_processes(t: &Table, device: nvmlDevice_t) -> Vec<(u32, u32, u32)> {
    let mut buf = vec![0u8; 4128 * 8];
    let mut count: c_uint = 8;
    // SAFETY: device, count (capacity 8), a buffer of 8 entries.
    let r = unsafe {
        (t.slot(212))(
            device as usize,
            &raw mut count as usize,
            buf.as_mut_ptr() as usize,
            0,
            0,
            0,
        )
    };
    assert_eq!(r, NVML_SUCCESS);
    let word = |e: &[u8], at: usize| u32::from_ne_bytes(e[at..at + 4].try_into().unwrap());
    buf.chunks(4128)
        .take(count as usize)
        .map(|e| (word(e, 0), word(e, 16), word(e, 20)))
        .collect()
}

#[test]
fn with_mig_on_slot_212_lists_each_mig_device_s_processes_with_their_instance_ids() {
    let profile = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/profiles/examples/dgx-h100-mig.json"
    );
    let (staged, lib) = init(profile);
    let t = Table::open(&staged);
    let mig = |gpu, k| {
        let mut m: nvmlDevice_t = std::ptr::null_mut();
        assert_eq!(
            nv!(lib.nvmlDeviceGetMigDeviceHandleByIndex(dev(&lib, gpu), k, &mut m)),
            NVML_SUCCESS
        );
        m
    };
    // GPU 0: python3 in the 3g (GPU instance 2), dcgm-exporter in the first 1g (7).
    assert_eq!(slot_212_processes(&t, mig(0, 0)), [(41200, 2, 0)]);
    assert_eq!(slot_212_processes(&t, mig(0, 1)), [(41300, 7, 0)]);
    assert_eq!(slot_212_processes(&t, mig(0, 2)), []);
    assert_eq!(
        slot_212_processes(&t, dev(&lib, 0)),
        [(41200, 2, 0), (41300, 7, 0)]
    );
    // GPU 2: MIG on without instances, so nothing runs.
    assert_eq!(slot_212_processes(&t, dev(&lib, 2)), []);
    // GPU 3: MIG off, instance ids N/A.
    let na = NVML_VALUE_NOT_AVAILABLE as u32;
    assert!(
        slot_212_processes(&t, dev(&lib, 3))
            .iter()
            .all(|p| (p.1, p.2) == (na, na))
    );
}

#[test]
fn slot_107_is_the_enforced_power_limit_on_every_profile() {
    for profile in nvml_mock::profile::BUILTIN_PROFILES {
        let (staged, lib) = init(profile);
        let t = Table::open(&staged);
        let mut n = 0;
        assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
        for i in 0..n {
            let mut public = 0;
            assert_eq!(
                nv!(lib.nvmlDeviceGetEnforcedPowerLimit(dev(&lib, i), &mut public)),
                NVML_SUCCESS
            );
            let mut limit: c_uint = 0;
            // SAFETY: device and an out-pointer to an unsigned int.
            let r = unsafe {
                (t.slot(107))(dev(&lib, i) as usize, &raw mut limit as usize, 0, 0, 0, 0)
            };
            assert_eq!((r, limit), (NVML_SUCCESS, public), "{profile} GPU {i}");
            assert!(limit > 0);
        }
        assert_eq!(nv!(lib.nvmlShutdown()), NVML_SUCCESS);
    }
}

#[test]
fn slot_71_says_which_gpus_run_as_vgpu_hosts() {
    // nvidia-smi 550's `vgpu` views list only GPUs with a non-zero answer here, and say "No
    // supported devices in vGPU mode" when there is none (as on bare metal).
    for (profile, want) in [("vgpu-host", 1), ("dgx-h100", 0), ("workstation", 0)] {
        let (staged, lib) = init(profile);
        let t = Table::open(&staged);
        let mut n = 0u32;
        assert_eq!(nv!(lib.nvmlDeviceGetCount_v2(&mut n)), NVML_SUCCESS);
        for i in 0..n {
            let mut active: c_uint = 99;
            // SAFETY: device and out-pointer.
            let r = unsafe {
                (t.slot(71))(dev(&lib, i) as usize, &raw mut active as usize, 0, 0, 0, 0)
            };
            assert_eq!((r, active), (NVML_SUCCESS, want), "{profile} GPU {i}");
        }
        let mut active: c_uint = 99;
        // SAFETY: a handle the mock never gave out; the slot must refuse it.
        let r = unsafe { (t.slot(71))(0x10, &raw mut active as usize, 0, 0, 0, 0) };
        assert_eq!((r, active), (NVML_ERROR_INVALID_ARGUMENT, 99), "{profile}");
    }
}
