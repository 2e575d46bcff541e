//! The one error type of the crate.

use nvml_sys as sys;

/// Declares the variants that stand for NVML return codes, with their code, doc and message,
/// once: the enum, [`NvmlError::from_code`] and [`NvmlError::code`] all come from this list.
macro_rules! return_codes {
    ($( $variant:ident = $code:ident, $doc:literal, $message:literal; )*) => {
        /// Everything that can go wrong when talking to NVML.
        ///
        /// One variant per `nvmlReturn_t` the header defines, each carrying the name of the C
        /// function that answered (its `Display` reads `"nvmlDeviceGetPowerUsage: the operation
        /// is not supported ..."`), plus the failures that happen on the Rust side (loading the
        /// library, a missing symbol, a string that is not UTF-8, a value the header does not
        /// define). [`NvmlError::code`] gives back the raw NVML code where there is one and
        /// [`NvmlError::function`] the C function.
        ///
        /// Match a return code with its payload ignored: `Err(NvmlError::NotSupported(_))`.
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum NvmlError {
            $(
                #[doc = concat!("`", stringify!($code), "`: ", $doc)]
                ///
                /// The payload is the C function that returned it.
                $variant(&'static str),
            )*
            /// A return code this version of the bindings does not know (from a newer
            /// driver): the C function that returned it, and the code.
            UnrecognizedCode(&'static str, u32),

            /// The NVML shared library could not be loaded. The message ends with the
            /// loader's reason (no such file, wrong ELF class, an undefined symbol, ...).
            LibraryLoad {
                /// The path or name that was tried.
                path: String,
                /// What `dlopen` said.
                source: libloading::Error,
            },
            /// The file loaded, but it is not NVML: it exports none of `nvmlInit_v2`,
            /// `nvmlInit` and `nvmlInitWithFlags`.
            NotNvmlLibrary {
                /// The path or name that was loaded.
                path: String,
            },
            /// The loaded library does not export this C function at all (a driver older
            /// than the function). NVML's own "not implemented" answer, code 13, is
            /// [`FunctionNotFound`](Self::FunctionNotFound).
            MissingSymbol(&'static str),
            /// NVML returned a string that is not valid UTF-8.
            InvalidUtf8(Vec<u8>),
            /// NVML returned a value these bindings cannot represent (e.g. an enum value newer
            /// than the header).
            UnexpectedValue {
                /// What was being read.
                what: &'static str,
                /// The raw value.
                value: i64,
            },
            /// [`Nvml::shutdown`](crate::Nvml::shutdown) was called while other shares of the
            /// library (clones of the `Nvml`, owned handles) were alive: nothing was shut down,
            /// this share was released, and NVML shuts down when the last of the others is
            /// dropped.
            StillShared {
                /// How many other shares were alive.
                others: usize,
            },
            /// The caller passed a value NVML cannot take (e.g. a string with an interior NUL).
            InvalidInput(&'static str),
        }

        impl NvmlError {
            /// The variant for a return code other than `NVML_SUCCESS` (the cold half of
            /// [`from_code`](Self::from_code)).
            #[cold]
            #[inline(never)]
            fn from_error_code(code: sys::nvmlReturn_t, function: &'static str) -> Self {
                match code {
                    $( sys::$code => Self::$variant(function), )*
                    // `NVML_SUCCESS` never reaches here; were it to, it is still no known error.
                    other => Self::UnrecognizedCode(function, other),
                }
            }

            /// The raw `nvmlReturn_t` behind this error, if it came from NVML.
            pub fn code(&self) -> Option<sys::nvmlReturn_t> {
                match self {
                    $( Self::$variant(_) => Some(sys::$code), )*
                    Self::UnrecognizedCode(_, code) => Some(*code),
                    Self::LibraryLoad { .. }
                    | Self::NotNvmlLibrary { .. }
                    | Self::MissingSymbol(_)
                    | Self::InvalidUtf8(_)
                    | Self::UnexpectedValue { .. }
                    | Self::StillShared { .. }
                    | Self::InvalidInput(_) => None,
                }
            }

            /// The C function this error is about: the one that returned the code, or the
            /// symbol the library lacks. `None` for errors on the Rust side.
            pub fn function(&self) -> Option<&'static str> {
                match self {
                    $( Self::$variant(function) )|* => Some(function),
                    Self::UnrecognizedCode(function, _) | Self::MissingSymbol(function) => {
                        Some(function)
                    }
                    Self::LibraryLoad { .. }
                    | Self::NotNvmlLibrary { .. }
                    | Self::InvalidUtf8(_)
                    | Self::UnexpectedValue { .. }
                    | Self::StillShared { .. }
                    | Self::InvalidInput(_) => None,
                }
            }
        }

        /// What happened, in words: for an NVML code, the C function then the code's message
        /// (`"nvmlDeviceGetPowerUsage: the operation is not supported ..."`).
        impl std::fmt::Display for NvmlError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( Self::$variant(function) => {
                        f.write_str(function)?;
                        f.write_str(concat!(": ", $message))
                    } )*
                    Self::UnrecognizedCode(function, code) => write!(
                        f,
                        "{function}: NVML returned error code {code}, which these bindings do \
                         not know; a newer version of these bindings may"
                    ),
                    Self::LibraryLoad { path, source } => {
                        write!(f, "cannot load the NVML library {path}: ")?;
                        write_loader_reason(f, source)
                    }
                    Self::NotNvmlLibrary { path } => write!(
                        f,
                        "{path} is not an NVML library: it exports none of nvmlInit_v2, \
                         nvmlInit and nvmlInitWithFlags; load libnvidia-ml.so.1 instead"
                    ),
                    Self::MissingSymbol(function) => write!(
                        f,
                        "{function}: the loaded NVML library does not export this function; \
                         the driver is older than it, so upgrade the driver or avoid this call"
                    ),
                    Self::InvalidUtf8(bytes) => {
                        write!(f, "NVML returned a string that is not valid UTF-8: {bytes:?}")
                    }
                    Self::UnexpectedValue { what, value } => {
                        write!(f, "NVML returned an unexpected value for {what}: {value}")
                    }
                    Self::StillShared { others } => write!(
                        f,
                        "nvmlShutdown was not called: {others} other shares of the library \
                         (Nvml clones or owned handles) are alive; drop them first to get the \
                         driver's answer, or let the last one shut NVML down"
                    ),
                    Self::InvalidInput(what) => write!(f, "invalid input: {what}"),
                }
            }
        }

        /// [`source`](std::error::Error::source) is the loader's error for
        /// [`LibraryLoad`](NvmlError::LibraryLoad), and `None` for every other variant.
        impl std::error::Error for NvmlError {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    Self::LibraryLoad { source, .. } => Some(source),
                    _ => None,
                }
            }
        }
    };
}

return_codes! {
    Uninitialized = NVML_ERROR_UNINITIALIZED,
        "NVML was not initialised (or was shut down).",
        "NVML is not initialized (it was shut down); initialize it again before this call";
    InvalidArgument = NVML_ERROR_INVALID_ARGUMENT,
        "an argument is invalid.",
        "an argument is invalid (an index, link, value or handle this device does not have)";
    NotSupported = NVML_ERROR_NOT_SUPPORTED,
        "the device or driver does not support this operation.",
        "the operation is not supported by this device or driver; check the device's capabilities, or use a newer driver";
    NoPermission = NVML_ERROR_NO_PERMISSION,
        "the caller lacks the permission (usually root) for this.",
        "insufficient permissions; run as root or grant the permission this operation needs";
    AlreadyInitialized = NVML_ERROR_ALREADY_INITIALIZED,
        "deprecated; NVML now reference-counts initialisation.",
        "NVML is already initialized (a deprecated code; initialisation is reference-counted, so this is harmless)";
    NotFound = NVML_ERROR_NOT_FOUND,
        "the object asked for does not exist.",
        "not found; check the index, UUID, serial or PCI bus id asked for";
    InsufficientSize = NVML_ERROR_INSUFFICIENT_SIZE,
        "a buffer was too small.",
        "the buffer was too small for the driver's answer; the data grew while it was read (retry), or the driver reports sizes inconsistently";
    InsufficientPower = NVML_ERROR_INSUFFICIENT_POWER,
        "the device's external power cables are not attached.",
        "the device's external power cables are not properly attached; check them";
    DriverNotLoaded = NVML_ERROR_DRIVER_NOT_LOADED,
        "the NVIDIA kernel driver is not loaded.",
        "the NVIDIA kernel driver is not loaded; load it (modprobe nvidia) or check the driver installation";
    Timeout = NVML_ERROR_TIMEOUT,
        "the timeout passed.",
        "timed out; retry, or wait longer";
    IrqIssue = NVML_ERROR_IRQ_ISSUE,
        "the kernel detected an interrupt issue with a GPU.",
        "the NVIDIA kernel driver detected an interrupt issue with a GPU; check the kernel log (dmesg)";
    LibraryNotFound = NVML_ERROR_LIBRARY_NOT_FOUND,
        "NVML could not find or load a library it needs.",
        "NVML could not find or load a shared library it needs; check the driver installation";
    FunctionNotFound = NVML_ERROR_FUNCTION_NOT_FOUND,
        "the library does not implement this function (as `nvml.h` names it; a
    /// symbol the library does not export at all is [`MissingSymbol`](Self::MissingSymbol)).",
        "the NVML library does not implement this function on this system; use a driver that does";
    CorruptedInforom = NVML_ERROR_CORRUPTED_INFOROM,
        "the device's InfoROM is corrupted.",
        "the device's InfoROM is corrupted; contact the board vendor";
    GpuLost = NVML_ERROR_GPU_IS_LOST,
        "the GPU fell off the bus or became inaccessible.",
        "the GPU has fallen off the bus or is otherwise inaccessible; check the kernel log, then reset the GPU or reboot";
    ResetRequired = NVML_ERROR_RESET_REQUIRED,
        "the GPU needs a reset before it can be used again.",
        "the GPU requires a reset; reset it (nvidia-smi -r) or reboot";
    OperatingSystem = NVML_ERROR_OPERATING_SYSTEM,
        "the OS (or cgroups) blocked the GPU control device.",
        "the operating system blocked access to the GPU; check the permissions and cgroup rules of /dev/nvidia*";
    LibRmVersionMismatch = NVML_ERROR_LIB_RM_VERSION_MISMATCH,
        "the driver and NVML library versions differ.",
        "the NVIDIA kernel driver and the NVML library have different versions; reload the driver or reboot after an upgrade";
    InUse = NVML_ERROR_IN_USE,
        "the GPU is in use.",
        "the GPU is in use; stop the processes using it and retry";
    Memory = NVML_ERROR_MEMORY,
        "out of memory.",
        "insufficient memory; free some and retry";
    NoData = NVML_ERROR_NO_DATA,
        "there is no data.",
        "no data is available; retry later";
    VgpuEccNotSupported = NVML_ERROR_VGPU_ECC_NOT_SUPPORTED,
        "the vGPU operation is unavailable because ECC is on.",
        "the vGPU operation is not available because ECC is enabled; disable ECC to use it";
    InsufficientResources = NVML_ERROR_INSUFFICIENT_RESOURCES,
        "ran out of a critical resource other than memory.",
        "insufficient resources (other than memory, e.g. no free MIG placement); free some and retry";
    FreqNotSupported = NVML_ERROR_FREQ_NOT_SUPPORTED,
        "the requested frequency is not supported.",
        "the requested frequency is not supported; choose one of the device's supported clocks";
    ArgumentVersionMismatch = NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
        "the struct version passed is not supported.",
        "the driver does not support this version of the argument structure; the driver is older or newer than this call expects";
    Deprecated = NVML_ERROR_DEPRECATED,
        "the functionality is deprecated.",
        "the requested functionality is deprecated; use its replacement";
    NotReady = NVML_ERROR_NOT_READY,
        "the system is not ready for the request.",
        "the system is not ready; retry later";
    GpuNotFound = NVML_ERROR_GPU_NOT_FOUND,
        "no GPUs were found.",
        "no GPUs were found; check that the GPUs are visible to this process";
    InvalidState = NVML_ERROR_INVALID_STATE,
        "the resource is not in the right state for the request.",
        "the resource is not in a state that allows this operation; change its state (e.g. its mode) first";
    ResetTypeNotSupported = NVML_ERROR_RESET_TYPE_NOT_SUPPORTED,
        "the reset type is not supported.",
        "the reset type is not supported for this device; use another reset type";
    Unknown = NVML_ERROR_UNKNOWN,
        "an internal driver error.",
        "an internal driver error occurred (NVML_ERROR_UNKNOWN); check the kernel log";
}

impl NvmlError {
    /// The error for a non-success NVML return code; `None` for `NVML_SUCCESS`.
    ///
    /// `function` is the C function whose answer `code` is; it is what the error's `Display`
    /// names. For a status NVML reports inside a struct (field values, GPM metrics, PRM
    /// counters, the MIG mode activation), the crate passes the function that filled the struct.
    /// Every call of the crate goes through here: success is one comparison, inlined into
    /// the caller, with no allocation; the mapping of error codes stays out of line.
    #[inline(always)]
    pub fn from_code(code: sys::nvmlReturn_t, function: &'static str) -> Option<Self> {
        if code == sys::NVML_SUCCESS {
            None
        } else {
            Some(Self::from_error_code(code, function))
        }
    }
}

/// Writes the loader's whole account of a failed load: `libloading` keeps `dlerror`'s text
/// (the actual reason) in its error's source, behind a bare "dlopen failed".
fn write_loader_reason(
    f: &mut std::fmt::Formatter<'_>,
    error: &libloading::Error,
) -> std::fmt::Result {
    write!(f, "{error}")?;
    let mut next = std::error::Error::source(error);
    while let Some(inner) = next {
        write!(f, ": {inner}")?;
        next = inner.source();
    }
    Ok(())
}

/// The crate's result type.
pub type Result<T, E = NvmlError> = std::result::Result<T, E>;

impl NvmlError {
    /// Whether the error says the value is not there to read on this GPU or driver, as
    /// opposed to a failure: [`NotSupported`](NvmlError::NotSupported) (the board or driver
    /// lacks it), [`MissingSymbol`](NvmlError::MissingSymbol) (the library lacks the
    /// function) or [`NoData`](NvmlError::NoData) (nothing recorded yet).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            NvmlError::NotSupported(_) | NvmlError::MissingSymbol(_) | NvmlError::NoData(_)
        )
    }
}

/// Optional metrics: `gpu.fan_speed(0).optional()?` is `Some(speed)`, `None` where the GPU or
/// driver does not offer it ([`NvmlError::is_unavailable`]), and any other error stays an
/// error.
///
/// ```no_run
/// use nvml_wrapper::{Nvml, OptionalMetric};
///
/// let nvml = Nvml::init()?;
/// let gpu = nvml.device_by_index(0)?;
/// match gpu.serial().optional()? {
///     Some(serial) => println!("serial {serial}"),
///     None => println!("no serial number on this board"),
/// }
/// # Ok::<(), nvml_wrapper::NvmlError>(())
/// ```
pub trait OptionalMetric<T> {
    /// `Ok(Some(v))` for a value, `Ok(None)` for an unavailable one, `Err` for a failure.
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalMetric<T> for Result<T> {
    #[inline]
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_unavailable() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Turns the return code of the C function `function` into a `Result`.
#[inline(always)]
pub(crate) fn check(code: sys::nvmlReturn_t, function: &'static str) -> Result<()> {
    match NvmlError::from_code(code, function) {
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
        assert!(NvmlError::from_code(sys::NVML_SUCCESS, "nvmlInit_v2").is_none());
        for code in (1..=30).chain([999]) {
            let err = NvmlError::from_code(code, "nvmlInit_v2").expect("an error code");
            assert!(
                !matches!(err, NvmlError::UnrecognizedCode(..)),
                "{code} is in the header"
            );
            assert_eq!(err.code(), Some(code), "{err}");
            assert_eq!(err.function(), Some("nvmlInit_v2"), "{err}");
        }
    }

    #[test]
    fn a_code_newer_than_the_header_is_kept_raw() {
        let err = NvmlError::from_code(31, "nvmlDeviceGetCount_v2").expect("an error");
        assert!(matches!(
            err,
            NvmlError::UnrecognizedCode("nvmlDeviceGetCount_v2", 31)
        ));
        assert_eq!(err.code(), Some(31));
        assert!(
            err.to_string().starts_with("nvmlDeviceGetCount_v2: "),
            "{err}"
        );
        assert!(err.to_string().contains("31"));
    }

    #[test]
    fn messages_name_the_function_and_the_problem() {
        assert_eq!(
            NvmlError::from_code(sys::NVML_ERROR_DRIVER_NOT_LOADED, "nvmlInit_v2")
                .map(|e| e.to_string()),
            Some(
                "nvmlInit_v2: the NVIDIA kernel driver is not loaded; load it (modprobe nvidia) \
                 or check the driver installation"
                    .to_owned()
            )
        );
        let missing = NvmlError::MissingSymbol("nvmlDeviceGetPdi");
        assert!(missing.to_string().starts_with("nvmlDeviceGetPdi: "));
        assert_eq!(missing.code(), None);
        assert_eq!(missing.function(), Some("nvmlDeviceGetPdi"));
        // Code 13 is NVML's own "function not found", named as `nvml.h` names it.
        assert!(matches!(
            NvmlError::from_code(sys::NVML_ERROR_FUNCTION_NOT_FOUND, "nvmlDeviceGetPdi"),
            Some(NvmlError::FunctionNotFound("nvmlDeviceGetPdi"))
        ));
    }

    #[test]
    fn a_failed_load_says_the_loaders_reason_and_keeps_it_as_its_source() {
        let path = "/nonexistent/libnvidia-ml.so.1";
        let err = crate::Nvml::builder()
            .library_path(path)
            .load()
            .expect_err("no library there");
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("cannot load the NVML library {path}: ")),
            "{text}"
        );
        assert!(text.contains("No such file"), "{text}");
        let source = std::error::Error::source(&err).expect("the loader's error");
        assert!(text.contains(&source.to_string()), "{text}");
        assert!(std::error::Error::source(&NvmlError::MissingSymbol("nvmlX")).is_none());
    }

    #[test]
    fn the_error_is_a_std_error_that_question_mark_lifts_into_a_box() {
        fn lift() -> std::result::Result<(), Box<dyn std::error::Error + Send + Sync>> {
            Err(NvmlError::NotSupported("nvmlDeviceGetPowerUsage"))?
        }
        let boxed = lift().expect_err("an error");
        assert_eq!(
            boxed.to_string(),
            "nvmlDeviceGetPowerUsage: the operation is not supported by this device or driver; \
             check the device's capabilities, or use a newer driver"
        );
        assert!(boxed.downcast_ref::<NvmlError>().is_some());
    }

    #[test]
    fn rust_side_errors_say_what_happened() {
        let cases = [
            (
                NvmlError::UnexpectedValue {
                    what: "fan speed",
                    value: -3,
                },
                "NVML returned an unexpected value for fan speed: -3",
            ),
            (
                NvmlError::InvalidUtf8(vec![0xff]),
                "NVML returned a string that is not valid UTF-8: [255]",
            ),
            (
                NvmlError::InvalidInput("string contains a NUL byte"),
                "invalid input: string contains a NUL byte",
            ),
            (
                NvmlError::NotNvmlLibrary {
                    path: "libz.so".into(),
                },
                "libz.so is not an NVML library: it exports none of nvmlInit_v2, nvmlInit and \
                 nvmlInitWithFlags; load libnvidia-ml.so.1 instead",
            ),
            (
                NvmlError::StillShared { others: 2 },
                "nvmlShutdown was not called: 2 other shares of the library (Nvml clones or \
                 owned handles) are alive; drop them first to get the driver's answer, or let \
                 the last one shut NVML down",
            ),
        ];
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
        }
    }

    #[test]
    fn every_return_code_message_says_what_to_do() {
        // Each message names the function, then what happened and, after a `;` or in
        // parentheses, what the user can do about it.
        for code in (1..=30).chain([999, 31]) {
            let err = NvmlError::from_code(code, "nvmlX").expect("an error code");
            let text = err.to_string();
            assert!(text.starts_with("nvmlX: "), "{text}");
            assert!(text.contains(';') || text.contains('('), "{text}");
        }
    }
}
