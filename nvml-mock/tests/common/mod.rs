//! Shared helpers of the mock's tests: load a staged copy through nvml-sys, like a client.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::ffi::{CStr, c_char};

pub use nvml_mock::Staged;
pub use nvml_sys::*;

/// Calls an `NvmlLib` function field: `nv!(lib.nvmlDeviceGetCount_v2(&mut n))`.
#[macro_export]
macro_rules! nv {
    ($lib:ident . $f:ident ( $($arg:expr),* $(,)? )) => {{
        let f = $lib.$f.as_ref().expect(concat!(stringify!($f), " is exported"));
        // SAFETY: the tests pass valid pointers (or deliberately null ones the mock must
        // reject) with the header's types.
        unsafe { f($($arg),*) }
    }};
}

/// Loads the staged copy through nvml-sys's loader, as a client would.
pub fn load(staged: &Staged) -> NvmlLib {
    // SAFETY: the staged file is the mock library.
    unsafe { NvmlLib::new(staged.path()) }.expect("the staged mock loads")
}

/// A staged copy with the given profile, loaded and initialised.
pub fn init(profile: &str) -> (Staged, NvmlLib) {
    let staged = Staged::with_profile(profile).expect("stage the mock");
    let lib = load(&staged);
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    (staged, lib)
}

/// Handle of GPU `i`.
pub fn dev(lib: &NvmlLib, i: u32) -> nvmlDevice_t {
    let mut d: nvmlDevice_t = std::ptr::null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByIndex_v2(i, &mut d)),
        NVML_SUCCESS
    );
    d
}

/// Reads a NUL-terminated string out of a C buffer (panics when there is no NUL).
pub fn cstr(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf.iter().map(|c| *c as u8).collect();
    CStr::from_bytes_until_nul(&bytes)
        .expect("NUL inside the buffer")
        .to_str()
        .unwrap()
        .to_string()
}

/// Calls a `(device, char*, len)` string getter with a buffer of `len`.
pub fn get_string(
    f: unsafe extern "C" fn(nvmlDevice_t, *mut c_char, u32) -> nvmlReturn_t,
    d: nvmlDevice_t,
    len: u32,
) -> (nvmlReturn_t, String) {
    let mut buf = vec![0 as c_char; len as usize];
    // SAFETY: the buffer holds `len` bytes.
    let r = unsafe { f(d, buf.as_mut_ptr(), len) };
    let s = if r == NVML_SUCCESS {
        cstr(&buf)
    } else {
        String::new()
    };
    (r, s)
}
