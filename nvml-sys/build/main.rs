//! Build script of nvml-sys: `nvml.h` -> patch (see `patch.rs`) -> bindgen -> `$OUT_DIR/nvml.rs`.
//!
//! With libclang available the bindings are generated from the header on every build.
//! Without it (or with `NVML_SYS_PREGENERATED=1`) the checked-in `pregenerated/nvml.rs` is
//! used, and a `cargo:warning` says so. The test `tests/pregenerated.rs` fails when the
//! checked-in copy differs from what this script generates.

#[path = "patch.rs"]
mod patch;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sha2::{Digest, Sha256};

/// Set to `1` to skip bindgen and use `pregenerated/nvml.rs` even where libclang exists.
const FORCE_PREGENERATED: &str = "NVML_SYS_PREGENERATED";

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
    let header_path = manifest_dir.join("nvml.h");
    let pregenerated_path = manifest_dir.join("pregenerated").join("nvml.rs");
    let out_path = out_dir.join("nvml.rs");

    println!("cargo:rerun-if-changed={}", header_path.display());
    println!("cargo:rerun-if-changed=build/main.rs");
    println!("cargo:rerun-if-changed=build/patch.rs");
    println!("cargo:rerun-if-changed={}", pregenerated_path.display());
    println!("cargo:rerun-if-env-changed={FORCE_PREGENERATED}");
    println!("cargo:rerun-if-env-changed=LIBCLANG_PATH");
    println!("cargo::rustc-check-cfg=cfg(nvml_sys_pregenerated)");

    let header = read(&header_path)?;
    let header_sha = sha256_hex(header.as_bytes());
    println!("cargo:rustc-env=NVML_SYS_HEADER_SHA256={header_sha}");

    let forced = matches!(
        env::var(FORCE_PREGENERATED).as_deref(),
        Ok("1" | "true" | "yes")
    );
    let why_not_bindgen = if forced {
        Some(format!("{FORCE_PREGENERATED} is set"))
    } else {
        clang_sys::load()
            .err()
            .map(|e| format!("libclang could not be loaded ({e})"))
    };

    match why_not_bindgen {
        None => {
            let text = generate(&header, &header_sha)?;
            write(&out_path, &text)?;
            println!("cargo:rustc-env=NVML_SYS_BINDINGS_ORIGIN=bindgen");
        }
        Some(reason) => {
            let text = read(&pregenerated_path)?;
            let recorded = recorded_header_sha(&text);
            println!(
                "cargo:warning=nvml-sys: {reason}; using the checked-in pregenerated bindings \
                 (pregenerated/nvml.rs). Install libclang (e.g. `apt-get install libclang-dev`) \
                 to generate them from nvml.h."
            );
            if recorded != Some(header_sha.as_str()) {
                println!(
                    "cargo:warning=nvml-sys: the pregenerated bindings were made from a different \
                     nvml.h (sha256 {}), not this one ({header_sha}); regenerate them with \
                     `NVML_SYS_BLESS=1 cargo test -p nvml-sys --test pregenerated` where libclang \
                     is installed.",
                    recorded.unwrap_or("unknown")
                );
            }
            write(&out_path, &text)?;
            println!("cargo:rustc-env=NVML_SYS_BINDINGS_ORIGIN=pregenerated");
            println!("cargo:rustc-cfg=nvml_sys_pregenerated");
        }
    }
    Ok(())
}

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
    text.push_str(
        "// Regenerate with `NVML_SYS_BLESS=1 cargo test -p nvml-sys --test pregenerated`.\n",
    );
    text.push_str(&format!("// header-sha256: {header_sha}\n"));
    text.push_str("// Patches applied to the header before bindgen read it:\n");
    for p in patch::PATCHES {
        text.push_str(&format!("// - {p}\n"));
    }
    text.push('\n');
    let bindings = symbol_names_as_c_str(&bindings.to_string())?;
    text.push_str(&bindings);
    text.push_str(&patch::render_struct_versions(&versions));
    text.push_str(&render_function_table(&loader_fields(&bindings)?));
    Ok(text)
}

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

fn sha256_hex(bytes: &[u8]) -> String {
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
