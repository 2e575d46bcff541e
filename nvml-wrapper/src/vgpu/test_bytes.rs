//! Byte-level builders for the unit tests of the vGPU conversions.

use std::ffi::c_char;

pub(super) fn c_chars<const N: usize>(text: &str) -> [c_char; N] {
    let mut buf = [0 as c_char; N];
    for (dst, src) in buf.iter_mut().zip(text.bytes()) {
        *dst = src as c_char;
    }
    buf
}

pub(super) fn put_u32(bytes: &mut [u8], offset: usize, value: u32) {
    bytes[offset..offset + 4].copy_from_slice(&value.to_ne_bytes());
}

pub(super) fn put_str(bytes: &mut [u8], offset: usize, text: &str) {
    bytes[offset..offset + text.len()].copy_from_slice(text.as_bytes());
}
