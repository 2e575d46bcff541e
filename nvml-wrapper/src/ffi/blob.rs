//! Byte blobs: the variable-size metadata some queries return (bounded grow-and-retry reads),
//! checked field reads at `offset_of!` positions, and the byte fields of fixed structs.

use std::ffi::c_uint;

use crate::error::{NvmlError, Result};

/// A native-endian `u16` at `offset` of `bytes`; short input is an error.
pub(crate) fn u16_at(bytes: &[u8], offset: usize, what: &'static str) -> Result<u16> {
    bytes
        .get(offset..offset.saturating_add(2))
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_ne_bytes)
        .ok_or(NvmlError::UnexpectedValue {
            what,
            value: bytes.len() as i64,
        })
}

/// A native-endian `u32` at `offset` of `bytes`; short input is an error.
pub(crate) fn u32_at(bytes: &[u8], offset: usize, what: &'static str) -> Result<u32> {
    bytes
        .get(offset..offset.saturating_add(4))
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_ne_bytes)
        .ok_or(NvmlError::UnexpectedValue {
            what,
            value: bytes.len() as i64,
        })
}

/// A NUL-terminated string in the `len` bytes at `offset` of `bytes`.
pub(crate) fn str_at(
    bytes: &[u8],
    offset: usize,
    len: usize,
    what: &'static str,
) -> Result<String> {
    let field =
        bytes
            .get(offset..offset.saturating_add(len))
            .ok_or(NvmlError::UnexpectedValue {
                what,
                value: bytes.len() as i64,
            })?;
    let text: Vec<u8> = field.iter().copied().take_while(|b| *b != 0).collect();
    String::from_utf8(text).map_err(|e| NvmlError::InvalidUtf8(e.into_bytes()))
}

/// The first `len` bytes of `buf`, clamped to the buffer.
pub(crate) fn prefix(buf: &[u8], len: c_uint) -> Vec<u8> {
    buf.iter().take(len as usize).copied().collect()
}

/// The opaque tail: `size` bytes from `offset`, clamped to what `bytes` holds.
pub(crate) fn opaque_at(bytes: &[u8], offset: usize, size: u32) -> Vec<u8> {
    let end = offset.saturating_add(size as usize).min(bytes.len());
    bytes
        .get(offset..end)
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

/// The most bytes a metadata blob may claim.
const METADATA_MAX: usize = 1 << 20;

/// Reads a variable-size metadata blob from `call(buffer, size)` (a function of the shape
/// `f(..., T *buffer, unsigned *bufferSize)` that answers `INSUFFICIENT_SIZE` with the size
/// it needs). The buffer is 8-byte aligned and never smaller than `min` bytes (the fixed
/// part of `T`); growth is bounded.
pub(crate) fn read_blob(
    min: usize,
    mut call: impl FnMut(*mut u64, &mut c_uint) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut wanted = min;
    // Four reads at most: after the fourth, the driver's `INSUFFICIENT_SIZE` is the error.
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut words = vec![0u64; wanted.max(min).div_ceil(8)];
        let capacity = words.len() * 8;
        let mut size = capacity as c_uint;
        match call(words.as_mut_ptr(), &mut size) {
            Ok(()) => {
                let len = (size as usize).clamp(min.min(capacity), capacity);
                return Ok(words
                    .iter()
                    .flat_map(|w| w.to_ne_bytes())
                    .take(len)
                    .collect());
            }
            Err(NvmlError::InsufficientSize(_))
                if attempt < 4 && (size as usize) > capacity && (size as usize) <= METADATA_MAX =>
            {
                wanted = size as usize;
            }
            Err(e) => return Err(e),
        }
    }
}

/// An 8-byte aligned copy of `bytes`, zero-padded to at least `min` bytes: what
/// [`Nvml::vgpu_compatibility`](crate::Nvml::vgpu_compatibility) passes back to the driver.
pub(crate) fn blob_words(bytes: &[u8], min: usize) -> Vec<u64> {
    let mut words: Vec<u64> = bytes
        .chunks(8)
        .map(|chunk| {
            let mut word = [0u8; 8];
            word.iter_mut().zip(chunk).for_each(|(w, b)| *w = *b);
            u64::from_ne_bytes(word)
        })
        .collect();
    let need = min.div_ceil(8);
    if words.len() < need {
        words.resize(need, 0);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_asked_for_their_size_and_grown_bounded() {
        // A driver that needs 300 bytes: one INSUFFICIENT_SIZE, then the data.
        let mut calls = 0;
        let blob = read_blob(64, |buf, size| {
            calls += 1;
            if (*size as usize) < 300 {
                *size = 300;
                return Err(NvmlError::InsufficientSize("nvmlVgpuTypeGetMetadata"));
            }
            // SAFETY: the buffer holds `*size` (at least 300) bytes, 8-byte aligned.
            unsafe { buf.cast::<u8>().add(299).write(0xAB) };
            *size = 300;
            Ok(())
        })
        .unwrap();
        assert_eq!(calls, 2);
        assert_eq!(blob.len(), 300);
        assert_eq!(blob[299], 0xAB);

        // A driver that claims an absurd size: refused, no huge allocation.
        let err = read_blob(64, |_, size| {
            *size = u32::MAX;
            Err(NvmlError::InsufficientSize("nvmlVgpuTypeGetMetadata"))
        })
        .unwrap_err();
        assert!(matches!(err, NvmlError::InsufficientSize(_)));

        // A driver that claims to have written more than the buffer: clamped.
        let blob = read_blob(64, |_, size| {
            *size = 10_000;
            Ok(())
        })
        .unwrap();
        assert_eq!(blob.len(), 64);
    }

    #[test]
    fn blobs_go_back_to_the_driver_aligned_and_padded() {
        let words = blob_words(&[1, 2, 3], 20);
        assert_eq!(words.len(), 3);
        assert_eq!(words[0], u64::from_ne_bytes([1, 2, 3, 0, 0, 0, 0, 0]));
        assert_eq!(words[1..], [0, 0]);
        let long: Vec<u8> = (0..17).collect();
        assert_eq!(blob_words(&long, 8).len(), 3);
    }
}
