//! Build script of nvml-sys: puts the bindings in `$OUT_DIR/nvml.rs`.
//!
//! By default it copies the checked-in `pregenerated/nvml.rs` and `pregenerated/functions.tsv`:
//! a dependent compiles no header toolchain and needs no libclang. With the `buildtime_bindgen`
//! feature (maintainers, CI) it generates them instead: `nvml.h` -> patch (see `patch.rs`) ->
//! bindgen, and the function list from the generated `NvmlLib` (see `functions.rs`).
//! `cargo xtask codegen` copies what this script generated over the checked-in files; the test
//! `tests/it/pregenerated.rs`, run with that feature, fails when they differ.
//!
//! The function list's path is published to the build scripts of dependents as
//! `DEP_NVIDIA_ML_FUNCTIONS` (the package's `links` key), and the path of
//! `pregenerated/versioned.tsv`, the header's versioned families with the struct versions each
//! symbol takes (written by `cargo xtask codegen` from nvml-wrapper's version table), as
//! `DEP_NVIDIA_ML_VERSIONED`.

#[cfg(feature = "buildtime_bindgen")]
#[path = "functions.rs"]
mod functions;
#[cfg(feature = "buildtime_bindgen")]
#[path = "patch.rs"]
mod patch;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[cfg(feature = "buildtime_bindgen")]
/// The command that refreshes the checked-in copies (printed in messages and in their preambles).
const CODEGEN: &str = "cargo xtask codegen";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: nvml-sys build script: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    let out_path = out_dir.join("nvml.rs");
    let functions_path = out_dir.join("functions.tsv");
    println!("cargo:rerun-if-changed=build/main.rs");
    println!("cargo:rerun-if-changed=build/functions.rs");
    println!("cargo:rerun-if-changed=build/patch.rs");

    #[cfg(feature = "buildtime_bindgen")]
    let (text, origin) = {
        let header_path = manifest_dir.join("nvml.h");
        println!("cargo:rerun-if-changed={}", header_path.display());
        println!("cargo:rerun-if-env-changed=LIBCLANG_PATH");
        let header = read(&header_path)?;
        clang_sys::load().map_err(|e| {
            format!(
                "the buildtime_bindgen feature runs bindgen, which needs libclang, and libclang \
                 could not be loaded ({e}): install it (e.g. `apt-get install libclang-dev`) \
                 or build without the feature, from the checked-in pregenerated/nvml.rs"
            )
        })?;
        let header_sha = sha256_hex(header.as_bytes());
        let text = generate(&header, &header_sha)?;
        write(&functions_path, &functions::render(&text, &header_sha)?)?;
        (text, "bindgen")
    };
    #[cfg(not(feature = "buildtime_bindgen"))]
    let (text, origin) = {
        let pregenerated = manifest_dir.join("pregenerated");
        println!("cargo:rerun-if-changed={}", pregenerated.display());
        let functions = read(&pregenerated.join("functions.tsv"))?;
        write(&functions_path, &functions)?;
        (read(&pregenerated.join("nvml.rs"))?, "pregenerated")
    };
    println!("cargo::metadata=functions={}", functions_path.display());

    let versioned = manifest_dir.join("pregenerated").join("versioned.tsv");
    println!("cargo:rerun-if-changed={}", versioned.display());
    let versioned_path = out_dir.join("versioned.tsv");
    write(&versioned_path, &read(&versioned)?)?;
    println!("cargo::metadata=versioned={}", versioned_path.display());

    let header_sha = recorded_header_sha(&text)
        .ok_or("the bindings have no `// header-sha256:` line in their preamble")?;
    println!("cargo:rustc-env=NVML_SYS_HEADER_SHA256={header_sha}");
    println!("cargo:rustc-env=NVML_SYS_BINDINGS_ORIGIN={origin}");
    write(&out_path, &text)
}

#[cfg(feature = "buildtime_bindgen")]
/// Runs bindgen on the patched header and returns the whole generated file.
fn generate(header: &str, header_sha: &str) -> Result<String, String> {
    let patched = patch::patch_header(header).map_err(|e| e.to_string())?;
    let bindings = bindgen::Builder::default()
        .header_contents("nvml.h", &patched)
        // Dynamic loading: a struct `NvmlLib` whose fields are `Result<fn, libloading::Error>`,
        // so a symbol the installed driver lacks is an `Err` field, never a load failure.
        .dynamic_library_name("NvmlLib")
        .dynamic_link_require_all(false)
        .allowlist_function("nvml.*")
        .allowlist_type("nvml.*")
        .allowlist_var("NVML.*|nvml.*")
        // C enums become a type alias plus constants: a value newer than the header is then
        // just an unknown integer, never an invalid Rust enum.
        .default_enum_style(bindgen::EnumVariation::Consts)
        .prepend_enum_name(false)
        .derive_default(true)
        .derive_debug(true)
        .derive_copy(true)
        .impl_debug(true)
        .generate_comments(true)
        .layout_tests(true)
        .formatter(bindgen::Formatter::Prettyplease)
        .rust_target(bindgen::RustTarget::stable(82, 0).map_err(|e| e.to_string())?)
        .generate()
        .map_err(|e| format!("bindgen failed on nvml.h: {e}"))?;

    let versions = patch::struct_versions(header);
    let mut text = String::new();
    text.push_str("// @generated by nvml-sys/build/main.rs from nvml.h: do not edit by hand.\n");
    text.push_str(&format!("// Regenerate with `{CODEGEN}`.\n"));
    text.push_str(&format!("// header-sha256: {header_sha}\n"));
    text.push_str("// Patches applied to the header before bindgen read it:\n");
    for p in patch::PATCHES {
        text.push_str(&format!("// - {p}\n"));
    }
    text.push('\n');
    let bindings = symbol_names_as_c_str(&bindings.to_string())?;
    let bindings = loader_compiled_here(&bindings)?;
    let bindings = lookups_through_one_function(&bindings)?;
    text.push_str(&bindings);
    text.push_str(LOOKUP_SYMBOL);
    text.push_str(&patch::render_struct_versions(&versions));
    text.push_str(&render_function_table(&loader_fields(&bindings)?));
    Ok(text)
}

#[cfg(feature = "buildtime_bindgen")]
/// Rewrites the loader's symbol names from byte-string literals (`get(b"nvmlInit_v2\0")`) to
/// C-string literals (`get(c"nvmlInit_v2")`).
///
/// libloading 0.9 takes any `AsSymbolName`: a `&[u8; N]` compiles one copy of its lookup per
/// name length (41 copies for this header) and scans each name for NUL bytes before `dlsym`; a
/// `&CStr` is one copy that hands its pointer straight to `dlsym`. Same symbols, same order.
fn symbol_names_as_c_str(bindings: &str) -> Result<String, String> {
    const OPEN: &str = ".get(b\"";
    const CLOSE: &str = "\\0\")";
    let mut out = String::with_capacity(bindings.len());
    let mut rest = bindings;
    let mut count = 0;
    while let Some(start) = rest.find(OPEN) {
        let (before, after) = rest.split_at(start);
        let after = &after[OPEN.len()..];
        let end = after
            .find(CLOSE)
            .ok_or("a symbol name of `NvmlLib::from_library` has no closing `\\0\")`")?;
        let name = &after[..end];
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(format!(
                "unexpected symbol name literal `{name}` in `NvmlLib`"
            ));
        }
        out.push_str(before);
        out.push_str(".get(c\"");
        out.push_str(name);
        out.push_str("\")");
        rest = &after[end + CLOSE.len()..];
        count += 1;
    }
    out.push_str(rest);
    if count == 0 {
        return Err("bindgen's `NvmlLib::from_library` looks up no symbol by name".to_owned());
    }
    Ok(out)
}

#[cfg(feature = "buildtime_bindgen")]
/// Moves the body of bindgen's generic `NvmlLib::from_library<L>` (one symbol lookup per
/// function of the header, about 430) into a non-generic `NvmlLib::from_loaded`, which it
/// calls. A generic function is compiled again in every crate that calls it; this one is
/// compiled once, here, so that a dependent's own build does not optimize it again.
fn loader_compiled_here(bindings: &str) -> Result<String, String> {
    const GENERIC: &str =
        "    pub unsafe fn from_library<L>(library: L) -> Result<Self, ::libloading::Error>
    where
        L: Into<::libloading::Library>,
    {
        let __library = library.into();
";
    const SPLIT: &str =
        "    pub unsafe fn from_library<L>(library: L) -> Result<Self, ::libloading::Error>
    where
        L: Into<::libloading::Library>,
    {
        unsafe { Self::from_loaded(library.into()) }
    }
    /// [`NvmlLib::from_library`] for a [`libloading::Library`]: looks up every function of
    /// the header in it.
    ///
    /// # Safety
    /// The library must be an NVML library: its symbols are called with `nvml.h`'s signatures.
    pub unsafe fn from_loaded(
        __library: ::libloading::Library,
    ) -> Result<Self, ::libloading::Error> {
";
    if bindings.matches(GENERIC).count() != 1 {
        return Err(
            "bindgen's `NvmlLib::from_library` no longer reads as build/main.rs expects".to_owned(),
        );
    }
    Ok(bindings.replacen(GENERIC, SPLIT, 1))
}

#[cfg(feature = "buildtime_bindgen")]
/// The one function every symbol lookup of `NvmlLib::from_loaded` calls.
const LOOKUP_SYMBOL: &str = "
/// Looks `name` up in `library`, for every field of [`NvmlLib`]: libloading's
/// `Library::get::<T>` is compiled once per function type (about 430 times, inlined into the
/// loader); this is one function, whose pointer each field's lookup converts to its type.
///
/// `extern \"C\"`: a call of it cannot unwind (a panic inside would abort), so the loader
/// needs no clean-up path after each of its ~430 calls.
///
/// # Safety
/// As `libloading::Library::get`: the caller gives the pointer the symbol's real type.
#[inline(never)]
#[allow(improper_ctypes_definitions)]
unsafe extern \"C\" fn lookup_symbol(
    library: &::libloading::Library,
    name: &::std::ffi::CStr,
) -> Result<unsafe extern \"C\" fn(), ::libloading::Error> {
    unsafe { library.get::<unsafe extern \"C\" fn()>(name) }.map(|sym| *sym)
}
";

#[cfg(feature = "buildtime_bindgen")]
/// Rewrites each lookup of the loader, `__library.get(c"NAME").map(|sym| *sym)` (one
/// instance of libloading's generic `get` per function type), into a call of
/// [`LOOKUP_SYMBOL`]'s `lookup_symbol` and a conversion of its pointer to the field's type.
fn lookups_through_one_function(bindings: &str) -> Result<String, String> {
    const GET: &str = ".get(c\"";
    const MAP: &str = ".map(|sym| *sym)";
    let mut out = String::with_capacity(bindings.len());
    let mut rest = bindings;
    let mut count = 0;
    while let Some(at) = rest.find(GET) {
        let before = rest[..at].trim_end();
        let Some(head) = before.strip_suffix("__library") else {
            out.push_str(&rest[..at + GET.len()]);
            rest = &rest[at + GET.len()..];
            continue;
        };
        let after = &rest[at + GET.len()..];
        let end = after
            .find("\")")
            .ok_or("a symbol lookup without its closing `\")`")?;
        let name = &after[..end];
        let tail = after[end + 2..].trim_start();
        let tail = tail
            .strip_prefix(MAP)
            .ok_or_else(|| format!("the lookup of {name} is not followed by `{MAP}`"))?;
        out.push_str(head);
        out.push_str(&format!(
            "lookup_symbol(&__library, c\"{name}\").map(|f| unsafe {{ ::std::mem::transmute(f) }})"
        ));
        rest = tail;
        count += 1;
    }
    out.push_str(rest);
    if count < 100 {
        return Err(format!(
            "only {count} symbol lookups of `NvmlLib::from_loaded` read as build/main.rs expects"
        ));
    }
    Ok(out)
}

#[cfg(feature = "buildtime_bindgen")]
/// The function fields of the generated `NvmlLib`, in declaration order.
fn loader_fields(bindings: &str) -> Result<Vec<String>, String> {
    let start = bindings
        .find("pub struct NvmlLib {")
        .ok_or("bindgen generated no `NvmlLib` struct")?;
    let body = &bindings[start..];
    let end = body.find("\n}").ok_or("`NvmlLib` has no closing brace")?;
    Ok(body[..end]
        .lines()
        .skip(1)
        .filter_map(|l| l.strip_prefix("    pub "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect())
}

#[cfg(feature = "buildtime_bindgen")]
/// `FUNCTION_NAMES` and `NvmlLib::function_availability`, so that callers can ask which of
/// the header's functions the loaded library exports without naming each field.
fn render_function_table(names: &[String]) -> String {
    let mut out = String::from(
        "\n// ---- function table (generated by nvml-sys/build/main.rs) ----\n\
         \n/// Every function `nvml.h` declares (all versions), in the order of [`NvmlLib`]'s fields.\n\
         pub const FUNCTION_NAMES: &[&str] = &[\n",
    );
    for name in names {
        out.push_str(&format!("    \"{name}\",\n"));
    }
    out.push_str(&format!(
        "];\n\nimpl NvmlLib {{\n    \
         /// For each function of [`FUNCTION_NAMES`], in that order, whether the loaded library \
         exports it.\n    \
         pub fn function_availability(&self) -> [(&'static str, bool); {}] {{\n        [\n",
        names.len()
    ));
    for name in names {
        out.push_str(&format!("            (\"{name}\", self.{name}.is_ok()),\n"));
    }
    out.push_str("        ]\n    }\n}\n");
    out
}

/// The `header-sha256:` recorded in a generated file's preamble.
fn recorded_header_sha(text: &str) -> Option<&str> {
    text.lines()
        .take(8)
        .find_map(|l| l.strip_prefix("// header-sha256: "))
        .map(str::trim)
}

#[cfg(feature = "buildtime_bindgen")]
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn env_var(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("{name} is not set (is this run by cargo?)"))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
