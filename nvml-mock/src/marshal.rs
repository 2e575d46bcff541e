//! C marshalling: reading arguments from and writing answers into the caller's memory, the
//! way NVML does (null checks, NUL-terminated strings, the count-then-data array protocol),
//! and the hostile-data modes that bend those answers.

use std::ffi::{CStr, c_char, c_uint};

use nvml_sys::*;

/// Hostile-data modes (see README).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hostile {
    /// Array getters report more entries than the caller's buffer holds (and succeed).
    pub oversized_counts: bool,
    /// String getters fill the whole buffer with no NUL.
    pub unterminated_strings: bool,
    /// Enum getters return values newer than the header.
    pub future_enums: bool,
}

/// Writes `v` to `p`; null is INVALID_ARGUMENT.
pub fn put<T>(p: *mut T, v: T) -> Result<(), nvmlReturn_t> {
    if p.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    // SAFETY: non-null; the C contract of every NVML out-parameter is that it points to a
    // writable object of this type. Unaligned write: nothing is assumed about alignment.
    unsafe { p.write_unaligned(v) };
    Ok(())
}

/// The struct version `version` when `accepted` (a symbol's list in [`crate::struct_versions`])
/// holds it; otherwise ARGUMENT_VERSION_MISMATCH, what drivers answer to a version they do not
/// know.
pub fn struct_version(accepted: &[c_uint], version: c_uint) -> Result<c_uint, nvmlReturn_t> {
    if accepted.contains(&version) {
        Ok(version)
    } else {
        Err(NVML_ERROR_ARGUMENT_VERSION_MISMATCH)
    }
}

/// Reads `*p`; null is INVALID_ARGUMENT.
pub fn get<T: Copy>(p: *const T) -> Result<T, nvmlReturn_t> {
    if p.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    // SAFETY: non-null; the C contract is that in/out parameters point to a valid object.
    Ok(unsafe { p.read_unaligned() })
}

/// Copies `s` into the C buffer `buf` of `len` bytes with a NUL, like NVML:
/// INSUFFICIENT_SIZE when it does not fit. In unterminated-string mode the whole buffer is
/// filled with text and no NUL.
pub fn put_str(
    buf: *mut c_char,
    len: c_uint,
    s: &str,
    hostile: Hostile,
) -> Result<(), nvmlReturn_t> {
    if buf.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    let len = len as usize;
    let bytes = s.as_bytes();
    if hostile.unterminated_strings && len > 0 {
        for i in 0..len {
            let b = bytes.get(i % bytes.len().max(1)).copied().unwrap_or(b'X');
            // SAFETY: i < len, and the caller promised `len` writable bytes at `buf`.
            unsafe { buf.add(i).write(if b == 0 { b'X' } else { b } as c_char) };
        }
        return Ok(());
    }
    if bytes.len() >= len {
        return Err(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    for (i, b) in bytes.iter().enumerate() {
        // SAFETY: i < bytes.len() < len, inside the caller's buffer.
        unsafe { buf.add(i).write(*b as c_char) };
    }
    // SAFETY: bytes.len() < len.
    unsafe { buf.add(bytes.len()).write(0) };
    Ok(())
}

/// Copies a string into a fixed-size `c_char` array field (truncating, always NUL-terminated).
pub fn fill_array<const N: usize>(dst: &mut [c_char; N], s: &str) {
    for (d, b) in dst.iter_mut().zip(s.bytes().chain(std::iter::repeat(0))) {
        *d = b as c_char;
    }
    if let Some(last) = dst.last_mut() {
        *last = 0;
    }
}

/// NVML's array protocol: `*count` is the capacity of `buf` on entry; on exit the number of
/// entries. Too small: `*count` = needed, INSUFFICIENT_SIZE. In oversized-count mode the
/// entries that fit are written and `*count` is set beyond the capacity, with SUCCESS.
pub fn put_array<T: Copy>(
    count: *mut c_uint,
    buf: *mut T,
    items: &[T],
    hostile: Hostile,
) -> Result<(), nvmlReturn_t> {
    let cap = get(count)? as usize;
    let n = items.len();
    if hostile.oversized_counts && cap > 0 && !buf.is_null() {
        for (i, it) in items.iter().take(cap).enumerate() {
            // SAFETY: i < cap, the capacity the caller declared for `buf`.
            unsafe { buf.add(i).write_unaligned(*it) };
        }
        return put(
            count,
            u32::try_from(cap.saturating_mul(2).max(cap + 3)).unwrap_or(u32::MAX),
        );
    }
    put(count, u32::try_from(n).unwrap_or(u32::MAX))?;
    if cap < n {
        return Err(NVML_ERROR_INSUFFICIENT_SIZE);
    }
    if n == 0 {
        return Ok(());
    }
    if buf.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    for (i, it) in items.iter().enumerate() {
        // SAFETY: i < n <= cap, the capacity the caller declared for `buf`.
        unsafe { buf.add(i).write_unaligned(*it) };
    }
    Ok(())
}

/// A C string argument; null or invalid UTF-8 is INVALID_ARGUMENT.
pub fn arg_str<'a>(p: *const c_char) -> Result<&'a str, nvmlReturn_t> {
    if p.is_null() {
        return Err(NVML_ERROR_INVALID_ARGUMENT);
    }
    // SAFETY: the C contract: a non-null string argument is NUL-terminated.
    let s = unsafe { CStr::from_ptr(p) };
    s.to_str().map_err(|_| NVML_ERROR_INVALID_ARGUMENT)
}
