//! The thin call layer: the only place that calls into NVML.
//!
//! Every wrapper method goes through [`nvml_call!`], which resolves the function field of the
//! loaded [`NvmlLib`](nvml_sys::NvmlLib) (or returns [`NvmlError::MissingSymbol`]), makes
//! the call, and turns the return code into a `Result`. Then a few helpers cover the shapes
//! NVML's API comes in: fixed-size strings, and "ask for the count, then the data" lists.

use std::ffi::{CStr, c_char, c_uint};

use crate::error::{NvmlError, Result};

/// Calls an NVML function of the loaded library and checks its return code.
///
/// `nvml_call!(nvml, nvmlDeviceGetTemperature(handle, sensor, &mut out))` expands to a lookup
/// of the `nvmlDeviceGetTemperature` field (a missing symbol is
/// `Err(NvmlError::MissingSymbol("nvmlDeviceGetTemperature"))`), one indirect call, and
/// [`check`](crate::error::check) on the result, which names the function in any error
/// (`Err(NvmlError::NotSupported("nvmlDeviceGetTemperature"))`). Callers that treat some codes
/// as steps rather than failures match on them, e.g. `Err(NvmlError::InsufficientSize(_))`.
///
/// Contract for callers (what makes the `unsafe` inside sound): every argument is a handle
/// obtained from this same library and still alive (guaranteed by the lifetimes of `Device`
/// and friends), a plain value, a `&mut` to a live local, or a pointer to a buffer passed
/// together with its true length in elements.
///
/// A symbol of a versioned family is called as `nvml_call!(nvml, family::symbol(...))`
/// (`family` is its row in [`versions`](crate::versions)): that form does not compile for a
/// symbol the row does not list, and `cargo xtask coverage --check` rejects the plain form
/// for versioned symbols.
macro_rules! nvml_call {
    ($nvml:expr, $family:ident :: $func:ident ( $($arg:expr),* $(,)? )) => {{
        const _: $crate::versions::$family::Version = $crate::versions::$family::Version::$func;
        $crate::ffi::nvml_call!($nvml, $func($($arg),*))
    }};
    ($nvml:expr, $func:ident ( $($arg:expr),* $(,)? )) => {{
        let f = $crate::ffi::symbol($nvml.lib().$func.as_ref(), stringify!($func))?;
        // SAFETY: `f` was resolved from the loaded NVML library under the name the header
        // declares, so it has the bindings' signature; the arguments follow the macro's
        // contract (live handles, values, `&mut` locals, buffers with their lengths).
        $crate::error::check(unsafe { f($($arg),*) }, stringify!($func))
    }};
}
pub(crate) use nvml_call;

/// Anything [`nvml_call!`] can call through: the loader itself, or what owns one.
pub(crate) trait HasLib {
    /// The loaded library.
    fn lib(&self) -> &nvml_sys::NvmlLib;
}

impl HasLib for nvml_sys::NvmlLib {
    #[inline(always)]
    fn lib(&self) -> &nvml_sys::NvmlLib {
        self
    }
}

/// The function behind a loader field, or `MissingSymbol(name)` if the library lacks it.
#[inline(always)]
pub(crate) fn symbol<F: Copy>(
    field: std::result::Result<&F, &libloading::Error>,
    name: &'static str,
) -> Result<F> {
    match field {
        Ok(f) => Ok(*f),
        Err(_) => Err(NvmlError::MissingSymbol(name)),
    }
}

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

/// How many times a list query is retried when the list grows between calls.
const LIST_RETRIES: usize = 4;
/// Extra room allocated beyond the reported count, for items that appear between calls.
const LIST_SLACK: usize = 5;
/// The most items any list query will allocate for: a count above this is not believed.
pub(crate) const LIST_MAX: usize = 1 << 16;

/// Reads a list from an NVML function of the shape `f(..., unsigned *count, T *items)`.
///
/// `call(count, items)` is called first with `count = 0` and a null buffer to learn the size
/// (`NVML_SUCCESS` means the list is empty, `INSUFFICIENT_SIZE` gives the count), then with a
/// buffer. If the list grew in between, it retries a bounded number of times. A count the
/// library reports larger than the buffer is clamped to the buffer.
pub(crate) fn read_list<T: Copy>(
    zero: T,
    mut call: impl FnMut(&mut c_uint, *mut T) -> Result<()>,
) -> Result<Vec<T>> {
    let mut wanted: c_uint = 0;
    match call(&mut wanted, std::ptr::null_mut()) {
        Ok(()) if wanted == 0 => return Ok(Vec::new()),
        Ok(()) | Err(NvmlError::InsufficientSize(_)) => {}
        Err(e) => return Err(e),
    }
    let mut retries = 0;
    loop {
        let capacity = (wanted as usize).saturating_add(LIST_SLACK).min(LIST_MAX);
        let mut items = vec![zero; capacity];
        let mut count = capacity as c_uint;
        match call(&mut count, items.as_mut_ptr()) {
            Ok(()) => {
                items.truncate((count as usize).min(capacity));
                return Ok(items);
            }
            // The list grew: retry with room for it, a bounded number of times; after that,
            // the driver's last answer is the error.
            Err(NvmlError::InsufficientSize(_))
                if capacity < LIST_MAX && retries + 1 < LIST_RETRIES =>
            {
                retries += 1;
                wanted = count.max(capacity.saturating_mul(2) as c_uint);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Reads a list from a function that takes a caller-sized buffer and no count query: fills a
/// buffer of `capacity` items and keeps the first `count` the library reports, clamped.
pub(crate) fn read_fixed_list<T: Copy>(
    zero: T,
    capacity: usize,
    call: impl FnOnce(&mut c_uint, *mut T) -> Result<()>,
) -> Result<Vec<T>> {
    let mut items = vec![zero; capacity];
    let mut count = capacity as c_uint;
    call(&mut count, items.as_mut_ptr())?;
    items.truncate((count as usize).min(capacity));
    Ok(items)
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
    fn list_reads_size_then_data_and_clamps_overlarge_counts() {
        // A library that says 3 items, then claims it wrote 1000.
        let mut calls = 0;
        let got = read_list(0u32, |count, items| {
            calls += 1;
            if items.is_null() {
                *count = 3;
                return Err(NvmlError::InsufficientSize("nvmlTestList"));
            }
            // SAFETY: the buffer holds `*count` (at least 3) items.
            unsafe {
                for i in 0..3 {
                    *items.add(i) = i as u32 + 10;
                }
            }
            *count = 1000;
            Ok(())
        })
        .unwrap();
        assert_eq!(calls, 2);
        assert_eq!(got.len(), 3 + LIST_SLACK, "clamped to the buffer, not 1000");
        assert_eq!(&got[..3], &[10, 11, 12]);
    }

    #[test]
    fn list_growing_between_calls_is_retried_a_bounded_number_of_times() {
        let mut calls = 0;
        let err = read_list(0u8, |count, _| {
            calls += 1;
            *count = count.saturating_add(100);
            Err(NvmlError::InsufficientSize("nvmlTestList"))
        })
        .unwrap_err();
        assert!(matches!(err, NvmlError::InsufficientSize("nvmlTestList")));
        assert_eq!(calls, 1 + LIST_RETRIES);
    }

    #[test]
    fn empty_list_is_one_call() {
        let mut calls = 0;
        let got = read_list(0u8, |count, _| {
            calls += 1;
            *count = 0;
            Ok(())
        })
        .unwrap();
        assert!(got.is_empty());
        assert_eq!(calls, 1);
    }
}
