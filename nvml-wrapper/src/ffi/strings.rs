//! Strings across the C boundary: fixed-size buffers the library fills, strings the library
//! owns and points to, and caller strings handed to it.

use std::ffi::{CStr, CString, c_char, c_uint};

use crate::error::{NvmlError, Result};

/// Reads a C string out of a fixed-size buffer: up to the first NUL *within the buffer*, or
/// the whole buffer if the library wrote none. Never reads past the buffer.
pub(crate) fn string_from_c_buf(buf: &[c_char]) -> Result<String> {
    // SAFETY: `c_char` is `i8` or `u8`, both with the size and alignment of `u8` and valid
    // for every bit pattern, so the same memory, length and lifetime read as `&[u8]`.
    let bytes: &[u8] = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), buf.len()) };
    // Bytes, not `c_char`s: the NUL search and the copy are `memchr` and `memcpy`.
    let text = match CStr::from_bytes_until_nul(bytes) {
        Ok(text) => text.to_bytes(),
        Err(_) => bytes,
    };
    String::from_utf8(text.to_vec()).map_err(|e| NvmlError::InvalidUtf8(e.into_bytes()))
}

/// Calls `fill(buffer, length)` with a zeroed `N`-byte buffer and reads the string it wrote.
pub(crate) fn read_string<const N: usize>(
    fill: impl FnOnce(*mut c_char, c_uint) -> Result<()>,
) -> Result<String> {
    let mut buf = [0 as c_char; N];
    fill(buf.as_mut_ptr(), N as c_uint)?;
    string_from_c_buf(&buf)
}

/// A fixed, possibly unterminated byte field as text, replacing bytes that are not UTF-8.
pub(crate) fn lossy_string(buf: &[c_char]) -> String {
    match string_from_c_buf(buf) {
        Ok(s) => s,
        Err(NvmlError::InvalidUtf8(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}

/// The text a library-owned C string points to: `None` for NULL; at most `max` bytes, up to
/// the first NUL; bytes that are not UTF-8 replaced.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string (or at least `max` readable bytes) that
/// stays valid during the call.
pub(crate) unsafe fn string_at(ptr: *const c_char, max: usize) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    let mut bytes = Vec::new();
    for i in 0..max {
        // SAFETY: the caller guarantees the bytes up to the NUL (or `max`) are readable; the
        // loop stops at the first NUL.
        let b = unsafe { *ptr.add(i) } as u8;
        if b == 0 {
            break;
        }
        bytes.push(b);
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// A `CString` from caller input; an interior NUL is an error, not a panic.
pub(crate) fn c_string(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| NvmlError::InvalidInput("string contains a NUL byte"))
}

/// Copies `s` into `buf`, cut to leave room for the NUL that always ends it.
pub(crate) fn copy_c_string(buf: &mut [c_char], s: &str) {
    let room = buf.len().saturating_sub(1);
    for (slot, byte) in buf.iter_mut().zip(s.bytes().take(room)) {
        *slot = byte as c_char;
    }
    if let Some(end) = buf.get_mut(s.len().min(room)) {
        *end = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_stop_at_the_first_nul_and_never_read_past_the_buffer() {
        let buf: Vec<c_char> = b"H100\0junk".iter().map(|b| *b as c_char).collect();
        assert_eq!(string_from_c_buf(&buf).unwrap(), "H100");
        let unterminated: Vec<c_char> = b"ABCD".iter().map(|b| *b as c_char).collect();
        assert_eq!(string_from_c_buf(&unterminated).unwrap(), "ABCD");
        let bad = [0xffu8 as c_char, 0];
        assert!(matches!(string_from_c_buf(&bad), Err(NvmlError::InvalidUtf8(b)) if b == [0xff]));
    }

    #[test]
    fn library_strings_stop_at_nul_and_at_the_bound() {
        let name = b"sm_util\0junk";
        // SAFETY: a NUL-terminated local buffer.
        let read = unsafe { string_at(name.as_ptr().cast(), 256) };
        assert_eq!(read.as_deref(), Some("sm_util"));
        // SAFETY: NULL is allowed.
        assert_eq!(unsafe { string_at(std::ptr::null(), 256) }, None);
        let long = [b'x'; 266];
        // SAFETY: more than 256 readable bytes.
        let read = unsafe { string_at(long.as_ptr().cast(), 256) };
        assert_eq!(read.map(|s| s.len()), Some(256));
    }

    #[test]
    fn caller_strings_are_cut_to_leave_room_for_the_nul() {
        let mut small = [1 as c_char; 4];
        copy_c_string(&mut small, "abcdef");
        assert_eq!(small, [b'a' as c_char, b'b' as c_char, b'c' as c_char, 0]);
        let mut buf = [1 as c_char; 5];
        copy_c_string(&mut buf, "ab");
        assert_eq!(buf[..3], [b'a' as c_char, b'b' as c_char, 0]);
        assert!(matches!(c_string("a\0b"), Err(NvmlError::InvalidInput(_))));
    }
}
