//! Lists: "ask for the count, then the data" calls, and caller-sized buffers, read with
//! bounded sizes and retries, keeping only what the library wrote.

use std::ffi::c_uint;

use crate::error::{NvmlError, Result};

/// How many times a list query is retried when the list grows between calls.
const LIST_RETRIES: usize = 4;
/// Extra room allocated beyond the reported count, for items that appear between calls.
const LIST_SLACK: usize = 5;
/// The most items any list query will allocate for: a count above this is not believed.
pub(crate) const LIST_MAX: usize = 1 << 16;

/// C data a list call fills in place.
///
/// # Safety
/// Implement only for types valid for every bit pattern: integers, floats, raw pointers, and
/// bindgen's structs and arrays of those (C enums are integers there, never Rust enums).
pub(crate) unsafe trait Plain: Copy {}

// SAFETY: a raw pointer is valid for every bit pattern (it is only ever handed back to NVML).
unsafe impl<T> Plain for *mut T {}

/// Marks bindgen's plain C types (see [`Plain`]).
macro_rules! plain {
    ($($t:ty),* $(,)?) => {
        $(
            // SAFETY: a plain C type: integers, floats, pointers and arrays of them only.
            unsafe impl Plain for $t {}
        )*
    };
}
plain!(
    u8,
    i8,
    u32,
    u64,
    nvml_sys::nvmlComputeInstancePlacement_t,
    nvml_sys::nvmlEccSramUniqueUncorrectedErrorEntry_v1_t,
    nvml_sys::nvmlEncoderSessionInfo_t,
    nvml_sys::nvmlFBCSessionInfo_t,
    nvml_sys::nvmlGpuInstancePlacement_t,
    nvml_sys::nvmlHwbcEntry_t,
    nvml_sys::nvmlProcessInfo_v1_t,
    nvml_sys::nvmlProcessInfo_v2_t,
    nvml_sys::nvmlProcessDetail_v1_t,
    nvml_sys::nvmlProcessUtilizationInfo_v1_t,
    nvml_sys::nvmlProcessUtilizationSample_t,
    nvml_sys::nvmlSample_t,
    nvml_sys::nvmlVgpuInstanceUtilizationInfo_v1_t,
    nvml_sys::nvmlVgpuInstanceUtilizationSample_t,
    nvml_sys::nvmlVgpuProcessUtilizationInfo_v1_t,
    nvml_sys::nvmlVgpuProcessUtilizationSample_t,
);

/// The byte list buffers are filled with before a call: an item whose bytes are all this
/// afterwards was not written by the library.
const UNWRITTEN: u8 = 0xA5;
/// Items smaller than this (bytes of a string or a blob) are zero-filled and not checked: a
/// single byte of `UNWRITTEN` is a legitimate value.
const UNWRITTEN_MIN_SIZE: usize = 4;

/// The byte a buffer of `T` is filled with before a call.
const fn fill_byte<T>() -> u8 {
    if size_of::<T>() >= UNWRITTEN_MIN_SIZE {
        UNWRITTEN
    } else {
        0
    }
}

/// `n` items filled with the [`UNWRITTEN`] pattern (zeros for items smaller than
/// [`UNWRITTEN_MIN_SIZE`]).
pub(crate) fn unwritten<T: Plain>(n: usize) -> Vec<T> {
    let fill = fill_byte::<T>();
    let mut items = Vec::with_capacity(n);
    // SAFETY: the allocation holds `n` items; all their bytes are written before `set_len`,
    // and `T: Plain` makes any bytes a valid `T`.
    unsafe {
        std::ptr::write_bytes(items.as_mut_ptr(), fill, n);
        items.set_len(n);
    }
    items
}

/// How many of `items` the library wrote: the first `count` (clamped to the buffer), and of
/// those only the ones before the first item still bearing the [`UNWRITTEN`] pattern, so a
/// count larger than what was written never yields made-up entries.
fn written_len<T: Plain>(items: &[T], count: c_uint) -> usize {
    let claimed = items
        .get(..(count as usize).min(items.len()))
        .unwrap_or_default();
    if size_of::<T>() < UNWRITTEN_MIN_SIZE {
        return claimed.len();
    }
    claimed
        .iter()
        .position(|item| {
            // SAFETY: the item's bytes, in place: every one was initialised (by the fill, then
            // possibly by the library) and none has moved since.
            let bytes = unsafe {
                std::slice::from_raw_parts(std::ptr::from_ref(item).cast::<u8>(), size_of::<T>())
            };
            bytes.iter().all(|b| *b == UNWRITTEN)
        })
        .unwrap_or(claimed.len())
}

/// The items the library wrote (see [`written_len`]).
pub(crate) fn written<T: Plain>(mut items: Vec<T>, count: c_uint) -> Vec<T> {
    let n = written_len(&items, count);
    items.truncate(n);
    items
}

/// Reads a list from an NVML function of the shape `f(..., unsigned *count, T *items)`, as
/// the header prescribes: first a size query (`count = 0`, a null buffer; `NVML_SUCCESS`
/// means the list is empty, `INSUFFICIENT_SIZE` gives the count), then the data (see
/// [`read_list_of_size`]). Only what the library wrote comes back: a count larger than the
/// buffer is clamped to it, and items the library left untouched are dropped (see
/// [`written`]).
pub(crate) fn read_list<T: Plain>(
    mut call: impl FnMut(&mut c_uint, *mut T) -> Result<()>,
) -> Result<Vec<T>> {
    let mut wanted: c_uint = 0;
    match call(&mut wanted, std::ptr::null_mut()) {
        Ok(()) if wanted == 0 => Ok(Vec::new()),
        Ok(()) | Err(NvmlError::InsufficientSize(_)) => read_list_of_size(call, wanted, 0),
        Err(e) => Err(e),
    }
}

/// Items [`read_list_as`] offers on its first call, in a buffer on the stack: the lists it
/// reads (processes) are usually this short, so a read is one call, and an empty list
/// allocates nothing.
const LIST_FIRST: usize = 8;

/// Reads a list, as [`read_list`] does, from a function whose header documents that a buffer
/// too small is answered `INSUFFICIENT_SIZE` with the count it needs (the running-process
/// queries): the first call offers [`LIST_FIRST`] items on the stack instead of asking the
/// size, and a longer list continues as [`read_list`] does. Each item is converted as it is
/// taken from the library's buffer, so a short list costs one call and one allocation (none
/// when it is empty).
pub(crate) fn read_list_as<T: Plain, U>(
    mut call: impl FnMut(&mut c_uint, *mut T) -> Result<()>,
    convert: impl FnMut(T) -> U,
) -> Result<Vec<U>> {
    let mut first = std::mem::MaybeUninit::<[T; LIST_FIRST]>::uninit();
    // SAFETY: every byte of the array is written before it is read, and `T: Plain` makes any
    // bytes a valid `T`.
    let first = unsafe {
        std::ptr::write_bytes(first.as_mut_ptr(), fill_byte::<T>(), 1);
        first.assume_init_mut()
    };
    let mut count = LIST_FIRST as c_uint;
    match call(&mut count, first.as_mut_ptr()) {
        Ok(()) => {
            let n = written_len(first.as_slice(), count);
            let items = first.get(..n).unwrap_or_default();
            Ok(items.iter().copied().map(convert).collect())
        }
        Err(NvmlError::InsufficientSize(_)) => Ok(read_list_of_size(call, count, LIST_FIRST)?
            .into_iter()
            .map(convert)
            .collect()),
        Err(e) => Err(e),
    }
}

/// The data calls of a list read, once the library has said it holds `wanted` items and the
/// last buffer offered had room for `offered`: room for `wanted` (at least twice `offered`, for
/// a library that does not say) plus [`LIST_SLACK`], retried while the list grows, at most
/// [`LIST_RETRIES`] calls; after that the driver's last answer is the error.
fn read_list_of_size<T: Plain>(
    mut call: impl FnMut(&mut c_uint, *mut T) -> Result<()>,
    mut wanted: c_uint,
    offered: usize,
) -> Result<Vec<T>> {
    let mut capacity = offered;
    let mut retries = 0;
    loop {
        capacity = (wanted as usize)
            .max(capacity.saturating_mul(2))
            .saturating_add(LIST_SLACK)
            .min(LIST_MAX);
        let mut items = unwritten::<T>(capacity);
        let mut count = capacity as c_uint;
        match call(&mut count, items.as_mut_ptr()) {
            Ok(()) => return Ok(written(items, count)),
            Err(NvmlError::InsufficientSize(_))
                if capacity < LIST_MAX && retries + 1 < LIST_RETRIES =>
            {
                retries += 1;
                wanted = count;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Reads a list from a function that takes a caller-sized buffer and no count query: fills a
/// buffer of `capacity` items and keeps what the library wrote, as [`read_list`] does.
pub(crate) fn read_fixed_list<T: Plain>(
    capacity: usize,
    call: impl FnOnce(&mut c_uint, *mut T) -> Result<()>,
) -> Result<Vec<T>> {
    let mut items = unwritten::<T>(capacity);
    let mut count = capacity as c_uint;
    call(&mut count, items.as_mut_ptr())?;
    Ok(written(items, count))
}

/// `count`, if a list of that many is believable (at most [`LIST_MAX`]); otherwise
/// `UnexpectedValue`, before anything is allocated for it.
pub(crate) fn believable_count(count: u32, what: &'static str) -> Result<u32> {
    if count as usize <= LIST_MAX {
        Ok(count)
    } else {
        Err(NvmlError::UnexpectedValue {
            what,
            value: i64::from(count),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A library of `n` items that claims, on success, to have written `claim` of them.
    fn library(n: usize, claim: c_uint) -> impl FnMut(&mut c_uint, *mut u32) -> Result<()> {
        move |count, items| {
            if (*count as usize) < n {
                *count = n as c_uint;
                return Err(NvmlError::InsufficientSize("nvmlTestList"));
            }
            for i in 0..n {
                // SAFETY: the buffer holds `*count` (at least `n`) items.
                unsafe { *items.add(i) = i as u32 + 10 };
            }
            *count = claim;
            Ok(())
        }
    }

    #[test]
    fn list_reads_size_then_data_and_clamps_overlarge_counts() {
        let mut calls = 0;
        let mut lib = library(3, 1000);
        let got = read_list(|count, items: *mut u32| {
            calls += 1;
            assert_eq!(items.is_null(), calls == 1, "the size query has no buffer");
            lib(count, items)
        })
        .unwrap();
        assert_eq!(calls, 2);
        assert_eq!(
            got,
            [10, 11, 12],
            "what was written, not 1000 nor the buffer"
        );
    }

    /// [`read_list_as`] on `library(n, 1000)`: the items, and how many calls it took.
    fn read_as_counting_calls(n: usize) -> (Vec<u64>, usize) {
        let mut calls = 0;
        let mut lib = library(n, 1000);
        let got = read_list_as(
            |count, items| {
                calls += 1;
                lib(count, items)
            },
            u64::from,
        )
        .unwrap();
        (got, calls)
    }

    #[test]
    fn a_short_list_read_as_is_one_call_and_overlarge_counts_are_clamped() {
        let (got, calls) = read_as_counting_calls(3);
        assert_eq!(calls, 1, "3 items fit the first buffer");
        assert_eq!(
            got,
            [10, 11, 12],
            "what was written, not 1000 nor the buffer"
        );
    }

    #[test]
    fn a_long_list_read_as_takes_the_size_the_library_reports_then_the_data() {
        let (got, calls) = read_as_counting_calls(LIST_FIRST + 4);
        assert_eq!(calls, 2);
        let expected: Vec<u64> = (10..10 + LIST_FIRST as u64 + 4).collect();
        assert_eq!(got, expected);
        // A list that keeps growing is retried a bounded number of times, as read_list does.
        let mut calls = 0;
        let err = read_list_as(
            |count, _: *mut u32| {
                calls += 1;
                *count = count.saturating_add(100);
                Err(NvmlError::InsufficientSize("nvmlTestList"))
            },
            u64::from,
        )
        .unwrap_err();
        assert!(matches!(err, NvmlError::InsufficientSize("nvmlTestList")));
        assert_eq!(calls, 1 + LIST_RETRIES);
    }

    #[test]
    fn items_the_library_did_not_write_are_dropped() {
        // Written: 0 and 7; claimed: 3 (the third is still the fill pattern).
        let got = read_fixed_list(5, |count, items: *mut u32| {
            // SAFETY: the buffer holds 5 items.
            unsafe {
                *items = 0;
                *items.add(1) = 7;
            }
            *count = 3;
            Ok(())
        })
        .unwrap();
        assert_eq!(got, [0, 7], "a written zero stays, the unwritten slot goes");
        // Bytes are zero-filled and kept as counted: 0xA5 is a legitimate byte.
        let got = read_fixed_list(4, |count, items: *mut u8| {
            // SAFETY: the buffer holds 4 items.
            unsafe { *items = UNWRITTEN };
            *count = 2;
            Ok(())
        })
        .unwrap();
        assert_eq!(got, [UNWRITTEN, 0]);
    }

    #[test]
    fn list_growing_between_calls_is_retried_a_bounded_number_of_times() {
        let mut calls = 0;
        let err = read_list(|count, _: *mut u8| {
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
        let got = read_list(|count, _: *mut u8| {
            calls += 1;
            *count = 0;
            Ok(())
        })
        .unwrap();
        assert!(got.is_empty());
        assert_eq!(calls, 1);
    }
}
