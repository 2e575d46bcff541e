//! How NVIDIA's `nvml.h` is adapted for bindgen, and what bindgen cannot see in it.
//!
//! `headers/nvml.h` is kept byte for byte as NVIDIA ships it. The few changes the bindings
//! need are made here, in memory, on every build, the role `sed` plays in other projects'
//! Makefiles. Each change checks that the text it relies on is still there, so a new header
//! that moved things around fails the build loudly instead of silently binding less.
//!
//! This file is shared by `build/main.rs` and by the crate's tests (through `#[path]`).

use std::fmt::{self, Write as _};

/// The changes made to the header before bindgen reads it, in order. Listed for readers and
/// for the generated file's preamble.
pub const PATCHES: &[&str] = &[
    "define NVML_NO_UNVERSIONED_FUNC_DEFS before the header's own guard, so that every version \
     of every versioned function is declared (nvmlInit and nvmlInit_v2, nvmlDeviceGetPciInfo, \
     _v2 and _v3, ...) instead of the old names being macros that alias the newest version",
];

/// The line of the header that opens the `#define nvmlInit nvmlInit_v2` aliasing block.
const UNVERSIONED_GUARD: &str = "#ifndef NVML_NO_UNVERSIONED_FUNC_DEFS";
/// The line that opens the block declaring the older, unversioned functions.
const OLD_VERSIONS_BLOCK: &str = "#ifdef NVML_NO_UNVERSIONED_FUNC_DEFS";

/// Why a header could not be patched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError(pub String);

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Returns the header text bindgen should read.
///
/// The aliasing block (`#define nvmlInit nvmlInit_v2`, ...) is switched off and the block that
/// declares the old entry points is switched on, by defining `NVML_NO_UNVERSIONED_FUNC_DEFS`
/// just before the header's first test of it. Nothing else in the text changes, so line
/// numbers in diagnostics stay one off from the original at most.
pub fn patch_header(original: &str) -> Result<String, PatchError> {
    let guard = original.find(UNVERSIONED_GUARD).ok_or_else(|| {
        PatchError(format!(
            "nvml.h no longer contains `{UNVERSIONED_GUARD}`: the versioned-function block \
             moved; update nvml-sys/build/patch.rs"
        ))
    })?;
    if !original.contains(OLD_VERSIONS_BLOCK) {
        return Err(PatchError(format!(
            "nvml.h no longer contains `{OLD_VERSIONS_BLOCK}`: the old entry points are no \
             longer declared there; update nvml-sys/build/patch.rs"
        )));
    }
    let (before, after) = original.split_at(guard);
    let mut patched = String::with_capacity(original.len() + 128);
    patched.push_str(before);
    patched.push_str(
        "#define NVML_NO_UNVERSIONED_FUNC_DEFS 1 /* nvml-sys: declare every version */\n",
    );
    patched.push_str(after);
    Ok(patched)
}

/// One `#define nvmlFoo_vN NVML_STRUCT_VERSION(Foo, N)` of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructVersion {
    /// The macro's name, e.g. `nvmlMemory_v2`; also the name of the Rust constant.
    pub name: String,
    /// The first macro argument, e.g. `Memory`.
    pub data: String,
    /// The second macro argument, e.g. `2`.
    pub version: u32,
}

impl StructVersion {
    /// The struct whose size the version word encodes, e.g. `nvmlMemory_v2_t`.
    pub fn struct_name(&self) -> String {
        format!("nvml{}_v{}_t", self.data, self.version)
    }
}

/// Finds every `#define NAME NVML_STRUCT_VERSION(Data, N)` in the header, in header order,
/// including those split over two lines with a backslash. Bindgen drops them because the
/// value needs `sizeof`.
pub fn struct_versions(header: &str) -> Vec<StructVersion> {
    // Join continuation lines first, so `#define X \` + `NVML_STRUCT_VERSION(...)` is one line.
    let joined = header.replace("\\\r\n", " ").replace("\\\n", " ");
    let mut found = Vec::new();
    for line in joined.lines() {
        let Some(rest) = line.trim_start().strip_prefix("#define") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let Some(name) = words.next() else { continue };
        let value: String = words.collect::<Vec<_>>().join(" ");
        let Some(args) = value.strip_prefix("NVML_STRUCT_VERSION(") else {
            continue;
        };
        let Some(close) = args.find(')') else {
            continue;
        };
        let mut parts = args[..close].split(',').map(str::trim);
        let (Some(data), Some(ver), None) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let Ok(version) = ver.parse::<u32>() else {
            continue;
        };
        found.push(StructVersion {
            name: name.to_owned(),
            data: data.to_owned(),
            version,
        });
    }
    found
}

/// Renders the struct versions as Rust constants with the C macro's exact value:
/// `(unsigned int)(sizeof(nvml<Data>_v<N>_t) | (N << 24U))`.
pub fn render_struct_versions(versions: &[StructVersion]) -> String {
    let mut out = String::new();
    out.push_str(
        "\n// ---- NVML_STRUCT_VERSION constants (generated by nvml-sys/build/patch.rs) ----\n",
    );
    for v in versions {
        let st = v.struct_name();
        // Writing to a String cannot fail.
        let _ = write!(
            out,
            "\n/// Version word for [`{st}`]: store it in the struct's `version` field.\n\
             ///\n\
             /// The value of `NVML_STRUCT_VERSION({data}, {ver})` in `nvml.h`: the struct's size \
             in its low bits, the version in the top byte.\n\
             pub const {name}: ::core::ffi::c_uint = \
             (::core::mem::size_of::<{st}>() as ::core::ffi::c_uint) | ({ver} << 24);\n",
            data = v.data,
            ver = v.version,
            name = v.name,
        );
    }
    out.push_str(
        "\n/// Every `NVML_STRUCT_VERSION` constant above, by name, in header order.\n\
         pub const STRUCT_VERSIONS: &[(&str, ::core::ffi::c_uint)] = &[\n",
    );
    for v in versions {
        let _ = writeln!(out, "    (\"{name}\", {name}),", name = v.name);
    }
    out.push_str("];\n");
    out
}
