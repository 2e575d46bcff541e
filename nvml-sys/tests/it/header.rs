//! What nvml-sys promises about the header: every function of every version is a field of
//! `NvmlLib`, and every `NVML_STRUCT_VERSION` constant has the value a C compiler gives it.

#[path = "../../build/patch.rs"]
#[allow(dead_code)]
mod patch;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const GENERATED: &str = include_str!(concat!(env!("OUT_DIR"), "/nvml.rs"));

fn header() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("nvml.h"))
        .expect("nvml.h is readable")
}

/// Names of all functions the header declares, whichever side of `NVML_NO_UNVERSIONED_FUNC_DEFS`.
fn declared_functions(header: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, _) in header.match_indices("DECLDIR") {
        // `nvmlReturn_t DECLDIR nvmlInit_v2(void)`, `const DECLDIR char* nvmlErrorString(...)`:
        // the function's name is the last word before the opening parenthesis.
        let rest = &header[i + "DECLDIR".len()..];
        let Some(open) = rest.find('(') else { continue };
        let before = rest[..open].trim_end();
        let name: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if name.starts_with("nvml") {
            names.insert(name);
        }
    }
    names
}

/// Names of the function fields of the generated `NvmlLib` struct.
fn loader_fields() -> BTreeSet<String> {
    let start = GENERATED
        .find("pub struct NvmlLib {")
        .expect("NvmlLib is generated");
    let body = &GENERATED[start..];
    let end = body.find("\n}").expect("NvmlLib has an end");
    body[..end]
        .lines()
        .skip(1)
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_declared_function_is_a_loader_field() {
    let declared = declared_functions(&header());
    let fields = loader_fields();
    assert!(
        declared.len() > 420,
        "only {} functions found in nvml.h",
        declared.len()
    );
    let missing: Vec<_> = declared.difference(&fields).collect();
    assert!(
        missing.is_empty(),
        "declared in nvml.h but not loadable: {missing:?}"
    );
    let extra: Vec<_> = fields.difference(&declared).collect();
    assert!(
        extra.is_empty(),
        "loader fields the header does not declare: {extra:?}"
    );
}

#[test]
fn old_and_new_versions_are_all_declared() {
    let fields = loader_fields();
    for name in [
        "nvmlInit",
        "nvmlInit_v2",
        "nvmlDeviceGetCount",
        "nvmlDeviceGetCount_v2",
        "nvmlDeviceGetPciInfo",
        "nvmlDeviceGetPciInfo_v2",
        "nvmlDeviceGetPciInfo_v3",
        "nvmlDeviceGetComputeRunningProcesses",
        "nvmlDeviceGetComputeRunningProcesses_v2",
        "nvmlDeviceGetComputeRunningProcesses_v3",
        "nvmlEventSetWait",
        "nvmlEventSetWait_v2",
        "nvmlDeviceGetMemoryInfo",
        "nvmlDeviceGetMemoryInfo_v2",
        "nvmlDeviceGetGridLicensableFeatures",
        "nvmlDeviceGetGridLicensableFeatures_v4",
        "nvmlDeviceGetDriverModel",
        "nvmlDeviceGetDriverModel_v2",
    ] {
        assert!(fields.contains(name), "{name} is not a field of NvmlLib");
    }
}

#[test]
fn struct_version_words_encode_size_and_version() {
    // The worked example: 40-byte struct, version 2.
    assert_eq!(nvml_sys::nvmlMemory_v2, 0x0200_0028);
    assert_eq!(
        nvml_sys::nvmlMemory_v2,
        std::mem::size_of::<nvml_sys::nvmlMemory_v2_t>() as u32 | 2 << 24
    );
    // Two versions of one struct differ in the top byte.
    assert_eq!(nvml_sys::nvmlGpuFabricInfo_v2 >> 24, 2);
    assert_eq!(nvml_sys::nvmlGpuFabricInfo_v3 >> 24, 3);
    // The macros split over two lines with a backslash are found too.
    let names: Vec<_> = nvml_sys::STRUCT_VERSIONS.iter().map(|(n, _)| *n).collect();
    assert!(names.contains(&"nvmlConfComputeSetKeyRotationThresholdInfo_v1"));
    assert!(names.contains(&"nvmlConfComputeGetKeyRotationThresholdInfo_v1"));
}

#[test]
fn every_struct_version_macro_is_a_constant() {
    let header = header();
    // Count the uses of the macro, minus its own definition.
    let uses = header.matches("NVML_STRUCT_VERSION(").count() - 1;
    let parsed = patch::struct_versions(&header);
    assert_eq!(
        parsed.len(),
        uses,
        "a NVML_STRUCT_VERSION use was not parsed"
    );
    assert_eq!(nvml_sys::STRUCT_VERSIONS.len(), uses);
    assert!(uses >= 60, "only {uses} struct versions in nvml.h");
}

#[test]
fn patch_switches_on_every_version_and_nothing_else() {
    let header = header();
    let patched = patch::patch_header(&header).expect("the current header patches");
    let added = patched
        .lines()
        .find(|l| l.starts_with("#define NVML_NO_UNVERSIONED_FUNC_DEFS"))
        .expect("the define was added");
    // Exactly one line was added, and nothing else changed.
    assert_eq!(patched.replacen(&format!("{added}\n"), "", 1), header);
    let define = patched
        .find("#define NVML_NO_UNVERSIONED_FUNC_DEFS")
        .expect("define present");
    let guard = patched
        .find("#ifndef NVML_NO_UNVERSIONED_FUNC_DEFS")
        .expect("guard present");
    assert!(
        define < guard,
        "the define must come before the header tests it"
    );
}

#[test]
fn patch_refuses_a_header_whose_layout_moved() {
    let err = patch::patch_header("#define nvmlInit nvmlInit_v2\n").unwrap_err();
    assert!(err.0.contains("NVML_NO_UNVERSIONED_FUNC_DEFS"), "{err}");
    let only_guard = "#ifndef NVML_NO_UNVERSIONED_FUNC_DEFS\n#endif\n";
    assert!(patch::patch_header(only_guard).is_err());
}

#[test]
fn struct_versions_parser_handles_continuations_and_ignores_other_defines() {
    let text = "#define nvmlA_v1 NVML_STRUCT_VERSION(A, 1) //!< doc\n\
                #define nvmlB_v3 \\\n        NVML_STRUCT_VERSION(B, 3) //!< doc\n\
                #define NVML_STRUCT_VERSION(data, ver) (unsigned int)(sizeof(x))\n\
                #define nvmlC_v1 0x1000\n";
    let found = patch::struct_versions(text);
    let got: Vec<_> = found
        .iter()
        .map(|v| (v.name.as_str(), v.data.as_str(), v.version))
        .collect();
    assert_eq!(got, [("nvmlA_v1", "A", 1), ("nvmlB_v3", "B", 3)]);
    assert_eq!(found[1].struct_name(), "nvmlB_v3_t");
}

/// Compiles a C program against the untouched header that prints every struct version word
/// and the size of a few structs, and compares with the Rust values.
#[test]
fn struct_versions_and_sizes_equal_what_a_c_compiler_computes() {
    let header_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("nvml-sys-cc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut c = String::from("#include <stdio.h>\n#include \"nvml.h\"\nint main(void) {\n");
    for (name, _) in nvml_sys::STRUCT_VERSIONS {
        c.push_str(&format!("  printf(\"{name} %u\\n\", (unsigned){name});\n"));
    }
    let sized = [
        "nvmlPciInfo_t",
        "nvmlMemory_t",
        "nvmlMemory_v2_t",
        "nvmlProcessInfo_v1_t",
        "nvmlProcessInfo_v2_t",
        "nvmlProcessInfo_t",
        "nvmlEventData_t",
        "nvmlFieldValue_t",
        "nvmlGpuFabricInfo_v3_t",
        "nvmlGpuInstanceProfileInfo_v3_t",
        "nvmlVgpuSchedulerLogInfo_v1_t",
    ];
    for ty in sized {
        c.push_str(&format!(
            "  printf(\"sizeof {ty} %zu\\n\", sizeof({ty}));\n"
        ));
    }
    c.push_str("  return 0;\n}\n");
    let src = dir.join("versions.c");
    let exe = dir.join("versions");
    std::fs::write(&src, c).unwrap();

    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let status = match Command::new(&cc)
        .arg("-I")
        .arg(&header_dir)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .status()
    {
        Ok(s) => s,
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "no C compiler ({cc}): {e}"
            );
            eprintln!("WARNING: skipping the C cross-check: no C compiler ({cc}): {e}");
            return;
        }
    };
    assert!(
        status.success(),
        "the C cross-check program did not compile"
    );
    let out = Command::new(&exe).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    let rust_sizes = [
        std::mem::size_of::<nvml_sys::nvmlPciInfo_t>(),
        std::mem::size_of::<nvml_sys::nvmlMemory_t>(),
        std::mem::size_of::<nvml_sys::nvmlMemory_v2_t>(),
        std::mem::size_of::<nvml_sys::nvmlProcessInfo_v1_t>(),
        std::mem::size_of::<nvml_sys::nvmlProcessInfo_v2_t>(),
        std::mem::size_of::<nvml_sys::nvmlProcessInfo_t>(),
        std::mem::size_of::<nvml_sys::nvmlEventData_t>(),
        std::mem::size_of::<nvml_sys::nvmlFieldValue_t>(),
        std::mem::size_of::<nvml_sys::nvmlGpuFabricInfo_v3_t>(),
        std::mem::size_of::<nvml_sys::nvmlGpuInstanceProfileInfo_v3_t>(),
        std::mem::size_of::<nvml_sys::nvmlVgpuSchedulerLogInfo_v1_t>(),
    ];
    let mut lines = stdout.lines();
    for (name, value) in nvml_sys::STRUCT_VERSIONS {
        let line = lines.next().expect("one line per struct version");
        assert_eq!(
            line,
            format!("{name} {value}"),
            "C and Rust disagree on {name}"
        );
    }
    for (ty, size) in sized.iter().zip(rust_sizes) {
        let line = lines.next().expect("one line per size");
        assert_eq!(
            line,
            format!("sizeof {ty} {size}"),
            "C and Rust disagree on sizeof({ty})"
        );
    }
}
