//! The one error type of the crate.

use nvml_sys as sys;

/// Everything that can go wrong when talking to NVML.
///
/// One variant per `nvmlReturn_t` the header defines, plus the failures that happen on the
/// Rust side (loading the library, a missing function, a string that is not UTF-8, a value the
/// header does not define). [`NvmlError::code`] gives back the raw NVML code where there is one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NvmlError {
    /// `NVML_ERROR_UNINITIALIZED`: NVML was not initialised (or was shut down).
    #[error("NVML is not initialized")]
    Uninitialized,
    /// `NVML_ERROR_INVALID_ARGUMENT`: an argument is invalid.
    #[error("an argument passed to NVML is invalid")]
    InvalidArgument,
    /// `NVML_ERROR_NOT_SUPPORTED`: the device or driver does not support this operation.
    #[error("the operation is not supported by this device or driver")]
    NotSupported,
    /// `NVML_ERROR_NO_PERMISSION`: the caller lacks the permission (usually root) for this.
    #[error("insufficient permissions (this usually needs root)")]
    NoPermission,
    /// `NVML_ERROR_ALREADY_INITIALIZED`: deprecated; NVML now reference-counts initialisation.
    #[error("NVML is already initialized")]
    AlreadyInitialized,
    /// `NVML_ERROR_NOT_FOUND`: the object asked for does not exist.
    #[error("not found")]
    NotFound,
    /// `NVML_ERROR_INSUFFICIENT_SIZE`: a buffer was too small.
    #[error("a buffer passed to NVML is too small")]
    InsufficientSize,
    /// `NVML_ERROR_INSUFFICIENT_POWER`: the device's external power cables are not attached.
    #[error("the device's external power cables are not properly attached")]
    InsufficientPower,
    /// `NVML_ERROR_DRIVER_NOT_LOADED`: the NVIDIA kernel driver is not loaded.
    #[error("the NVIDIA kernel driver is not loaded")]
    DriverNotLoaded,
    /// `NVML_ERROR_TIMEOUT`: the timeout passed.
    #[error("timed out")]
    Timeout,
    /// `NVML_ERROR_IRQ_ISSUE`: the kernel detected an interrupt issue with a GPU.
    #[error("the NVIDIA kernel driver detected an interrupt issue with a GPU")]
    IrqIssue,
    /// `NVML_ERROR_LIBRARY_NOT_FOUND`: NVML could not find or load a library it needs.
    #[error("NVML could not find or load a shared library it needs")]
    LibraryNotFound,
    /// `NVML_ERROR_FUNCTION_NOT_FOUND`: the library does not implement this function.
    #[error("the NVML library does not implement this function")]
    FunctionNotImplemented,
    /// `NVML_ERROR_CORRUPTED_INFOROM`: the device's InfoROM is corrupted.
    #[error("the device's InfoROM is corrupted")]
    CorruptedInforom,
    /// `NVML_ERROR_GPU_IS_LOST`: the GPU fell off the bus or became inaccessible.
    #[error("the GPU has fallen off the bus or is otherwise inaccessible")]
    GpuLost,
    /// `NVML_ERROR_RESET_REQUIRED`: the GPU needs a reset before it can be used again.
    #[error("the GPU requires a reset")]
    ResetRequired,
    /// `NVML_ERROR_OPERATING_SYSTEM`: the OS (or cgroups) blocked the GPU control device.
    #[error("the operating system blocked access to the GPU")]
    OperatingSystem,
    /// `NVML_ERROR_LIB_RM_VERSION_MISMATCH`: the driver and NVML library versions differ.
    #[error("the NVIDIA driver and the NVML library have different versions")]
    LibRmVersionMismatch,
    /// `NVML_ERROR_IN_USE`: the GPU is in use.
    #[error("the GPU is in use")]
    InUse,
    /// `NVML_ERROR_MEMORY`: out of memory.
    #[error("insufficient memory")]
    Memory,
    /// `NVML_ERROR_NO_DATA`: there is no data.
    #[error("no data")]
    NoData,
    /// `NVML_ERROR_VGPU_ECC_NOT_SUPPORTED`: the vGPU operation is unavailable because ECC is on.
    #[error("the vGPU operation is not available because ECC is enabled")]
    VgpuEccNotSupported,
    /// `NVML_ERROR_INSUFFICIENT_RESOURCES`: ran out of a critical resource other than memory.
    #[error("insufficient resources")]
    InsufficientResources,
    /// `NVML_ERROR_FREQ_NOT_SUPPORTED`: the requested frequency is not supported.
    #[error("the requested frequency is not supported")]
    FreqNotSupported,
    /// `NVML_ERROR_ARGUMENT_VERSION_MISMATCH`: the struct version passed is not supported.
    #[error("the driver does not support this version of the argument structure")]
    ArgumentVersionMismatch,
    /// `NVML_ERROR_DEPRECATED`: the functionality is deprecated.
    #[error("the requested functionality is deprecated")]
    Deprecated,
    /// `NVML_ERROR_NOT_READY`: the system is not ready for the request.
    #[error("the system is not ready")]
    NotReady,
    /// `NVML_ERROR_GPU_NOT_FOUND`: no GPUs were found.
    #[error("no GPUs were found")]
    GpuNotFound,
    /// `NVML_ERROR_INVALID_STATE`: the resource is not in the right state for the request.
    #[error("the resource is not in a state that allows this operation")]
    InvalidState,
    /// `NVML_ERROR_RESET_TYPE_NOT_SUPPORTED`: the reset type is not supported.
    #[error("the reset type is not supported for this device")]
    ResetTypeNotSupported,
    /// `NVML_ERROR_UNKNOWN`: an internal driver error.
    #[error("an internal driver error occurred (NVML_ERROR_UNKNOWN)")]
    Unknown,
    /// A return code this version of the bindings does not know (from a newer driver).
    #[error("NVML returned error code {0}, which these bindings do not know")]
    UnrecognizedCode(u32),

    /// The NVML shared library could not be loaded.
    #[error("cannot load the NVML library {path}: {source}")]
    LibraryLoad {
        /// The path or name that was tried.
        path: String,
        /// What `dlopen` said.
        #[source]
        source: libloading::Error,
    },
    /// The loaded NVML library does not export this function (an older driver).
    #[error("the loaded NVML library does not export {0} (the driver is too old for it)")]
    FunctionNotFound(&'static str),
    /// NVML returned a string that is not valid UTF-8.
    #[error("NVML returned a string that is not valid UTF-8: {0:?}")]
    InvalidUtf8(Vec<u8>),
    /// NVML returned a value these bindings cannot represent (e.g. an enum value newer than
    /// the header).
    #[error("NVML returned an unexpected value for {what}: {value}")]
    UnexpectedValue {
        /// What was being read.
        what: &'static str,
        /// The raw value.
        value: i64,
    },
    /// The caller passed a value NVML cannot take (e.g. a string with an interior NUL).
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
}

impl NvmlError {
    /// The error for a non-success NVML return code; `None` for `NVML_SUCCESS`.
    ///
    /// Every call of the crate goes through here: success is one comparison, inlined into
    /// the caller; the mapping of error codes stays out of line.
    #[inline(always)]
    pub fn from_code(code: sys::nvmlReturn_t) -> Option<Self> {
        if code == sys::NVML_SUCCESS {
            None
        } else {
            Some(Self::from_error_code(code))
        }
    }

    /// The variant for a return code other than `NVML_SUCCESS` (the cold half of
    /// [`from_code`](Self::from_code)).
    #[cold]
    #[inline(never)]
    fn from_error_code(code: sys::nvmlReturn_t) -> Self {
        use NvmlError as E;
        match code {
            sys::NVML_ERROR_UNINITIALIZED => E::Uninitialized,
            sys::NVML_ERROR_INVALID_ARGUMENT => E::InvalidArgument,
            sys::NVML_ERROR_NOT_SUPPORTED => E::NotSupported,
            sys::NVML_ERROR_NO_PERMISSION => E::NoPermission,
            sys::NVML_ERROR_ALREADY_INITIALIZED => E::AlreadyInitialized,
            sys::NVML_ERROR_NOT_FOUND => E::NotFound,
            sys::NVML_ERROR_INSUFFICIENT_SIZE => E::InsufficientSize,
            sys::NVML_ERROR_INSUFFICIENT_POWER => E::InsufficientPower,
            sys::NVML_ERROR_DRIVER_NOT_LOADED => E::DriverNotLoaded,
            sys::NVML_ERROR_TIMEOUT => E::Timeout,
            sys::NVML_ERROR_IRQ_ISSUE => E::IrqIssue,
            sys::NVML_ERROR_LIBRARY_NOT_FOUND => E::LibraryNotFound,
            sys::NVML_ERROR_FUNCTION_NOT_FOUND => E::FunctionNotImplemented,
            sys::NVML_ERROR_CORRUPTED_INFOROM => E::CorruptedInforom,
            sys::NVML_ERROR_GPU_IS_LOST => E::GpuLost,
            sys::NVML_ERROR_RESET_REQUIRED => E::ResetRequired,
            sys::NVML_ERROR_OPERATING_SYSTEM => E::OperatingSystem,
            sys::NVML_ERROR_LIB_RM_VERSION_MISMATCH => E::LibRmVersionMismatch,
            sys::NVML_ERROR_IN_USE => E::InUse,
            sys::NVML_ERROR_MEMORY => E::Memory,
            sys::NVML_ERROR_NO_DATA => E::NoData,
            sys::NVML_ERROR_VGPU_ECC_NOT_SUPPORTED => E::VgpuEccNotSupported,
            sys::NVML_ERROR_INSUFFICIENT_RESOURCES => E::InsufficientResources,
            sys::NVML_ERROR_FREQ_NOT_SUPPORTED => E::FreqNotSupported,
            sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH => E::ArgumentVersionMismatch,
            sys::NVML_ERROR_DEPRECATED => E::Deprecated,
            sys::NVML_ERROR_NOT_READY => E::NotReady,
            sys::NVML_ERROR_GPU_NOT_FOUND => E::GpuNotFound,
            sys::NVML_ERROR_INVALID_STATE => E::InvalidState,
            sys::NVML_ERROR_RESET_TYPE_NOT_SUPPORTED => E::ResetTypeNotSupported,
            sys::NVML_ERROR_UNKNOWN => E::Unknown,
            // `NVML_SUCCESS` never reaches here; were it to, it is still no known error.
            other => E::UnrecognizedCode(other),
        }
    }

    /// The raw `nvmlReturn_t` behind this error, if it came from NVML.
    pub fn code(&self) -> Option<sys::nvmlReturn_t> {
        use NvmlError as E;
        Some(match self {
            E::Uninitialized => sys::NVML_ERROR_UNINITIALIZED,
            E::InvalidArgument => sys::NVML_ERROR_INVALID_ARGUMENT,
            E::NotSupported => sys::NVML_ERROR_NOT_SUPPORTED,
            E::NoPermission => sys::NVML_ERROR_NO_PERMISSION,
            E::AlreadyInitialized => sys::NVML_ERROR_ALREADY_INITIALIZED,
            E::NotFound => sys::NVML_ERROR_NOT_FOUND,
            E::InsufficientSize => sys::NVML_ERROR_INSUFFICIENT_SIZE,
            E::InsufficientPower => sys::NVML_ERROR_INSUFFICIENT_POWER,
            E::DriverNotLoaded => sys::NVML_ERROR_DRIVER_NOT_LOADED,
            E::Timeout => sys::NVML_ERROR_TIMEOUT,
            E::IrqIssue => sys::NVML_ERROR_IRQ_ISSUE,
            E::LibraryNotFound => sys::NVML_ERROR_LIBRARY_NOT_FOUND,
            E::FunctionNotImplemented => sys::NVML_ERROR_FUNCTION_NOT_FOUND,
            E::CorruptedInforom => sys::NVML_ERROR_CORRUPTED_INFOROM,
            E::GpuLost => sys::NVML_ERROR_GPU_IS_LOST,
            E::ResetRequired => sys::NVML_ERROR_RESET_REQUIRED,
            E::OperatingSystem => sys::NVML_ERROR_OPERATING_SYSTEM,
            E::LibRmVersionMismatch => sys::NVML_ERROR_LIB_RM_VERSION_MISMATCH,
            E::InUse => sys::NVML_ERROR_IN_USE,
            E::Memory => sys::NVML_ERROR_MEMORY,
            E::NoData => sys::NVML_ERROR_NO_DATA,
            E::VgpuEccNotSupported => sys::NVML_ERROR_VGPU_ECC_NOT_SUPPORTED,
            E::InsufficientResources => sys::NVML_ERROR_INSUFFICIENT_RESOURCES,
            E::FreqNotSupported => sys::NVML_ERROR_FREQ_NOT_SUPPORTED,
            E::ArgumentVersionMismatch => sys::NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
            E::Deprecated => sys::NVML_ERROR_DEPRECATED,
            E::NotReady => sys::NVML_ERROR_NOT_READY,
            E::GpuNotFound => sys::NVML_ERROR_GPU_NOT_FOUND,
            E::InvalidState => sys::NVML_ERROR_INVALID_STATE,
            E::ResetTypeNotSupported => sys::NVML_ERROR_RESET_TYPE_NOT_SUPPORTED,
            E::Unknown => sys::NVML_ERROR_UNKNOWN,
            E::UnrecognizedCode(code) => *code,
            E::LibraryLoad { .. }
            | E::FunctionNotFound(_)
            | E::InvalidUtf8(_)
            | E::UnexpectedValue { .. }
            | E::InvalidInput(_) => return None,
        })
    }
}

/// The crate's result type.
pub type Result<T, E = NvmlError> = std::result::Result<T, E>;

/// Turns an NVML return code into a `Result`.
#[inline(always)]
pub(crate) fn check(code: sys::nvmlReturn_t) -> Result<()> {
    match NvmlError::from_code(code) {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_header_return_code_round_trips() {
        // 0 is success; 1..=30 and 999 are the header's error codes.
        assert!(NvmlError::from_code(sys::NVML_SUCCESS).is_none());
        for code in (1..=30).chain([999]) {
            let err = NvmlError::from_code(code).expect("an error code");
            assert!(
                !matches!(err, NvmlError::UnrecognizedCode(_)),
                "{code} is in the header"
            );
            assert_eq!(err.code(), Some(code), "{err}");
        }
    }

    #[test]
    fn a_code_newer_than_the_header_is_kept_raw() {
        let err = NvmlError::from_code(31).expect("an error");
        assert!(matches!(err, NvmlError::UnrecognizedCode(31)));
        assert_eq!(err.code(), Some(31));
        assert!(err.to_string().contains("31"));
    }

    #[test]
    fn messages_name_the_problem() {
        assert_eq!(
            NvmlError::from_code(sys::NVML_ERROR_DRIVER_NOT_LOADED).map(|e| e.to_string()),
            Some("the NVIDIA kernel driver is not loaded".to_owned())
        );
        let missing = NvmlError::FunctionNotFound("nvmlDeviceGetPdi");
        assert!(missing.to_string().contains("nvmlDeviceGetPdi"));
        assert_eq!(missing.code(), None);
    }
}
