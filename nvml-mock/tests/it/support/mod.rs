//! Shared helpers of the mock's tests: load a staged copy through nvml-sys, like a client.

use std::ffi::{CStr, c_char};

pub use nvml_mock::Staged;
pub use nvml_sys::*;

/// Calls an `NvmlLib` function field: `nv!(lib.nvmlDeviceGetCount_v2(&mut n))`.
macro_rules! nv {
    ($lib:ident . $f:ident ( $($arg:expr),* $(,)? )) => {{
        let f = $lib.$f.as_ref().expect(concat!(stringify!($f), " is exported"));
        // SAFETY: the tests pass valid pointers (or deliberately null ones the mock must
        // reject) with the header's types.
        unsafe { f($($arg),*) }
    }};
}
pub(crate) use nv;

/// Loads the staged copy through nvml-sys's loader, as a client would.
pub fn load(staged: &Staged) -> NvmlLib {
    // SAFETY: the staged file is the mock library.
    unsafe { NvmlLib::new(staged.path()) }.expect("the staged mock loads")
}

/// A staged copy with the given profile, loaded and initialised.
pub fn init(profile: &str) -> (Staged, NvmlLib) {
    let staged = Staged::with_profile(profile).expect("stage the mock");
    let lib = load(&staged);
    assert_eq!(nv!(lib.nvmlInit_v2()), NVML_SUCCESS);
    (staged, lib)
}

/// Handle of GPU `i`.
pub fn dev(lib: &NvmlLib, i: u32) -> nvmlDevice_t {
    let mut d: nvmlDevice_t = std::ptr::null_mut();
    assert_eq!(
        nv!(lib.nvmlDeviceGetHandleByIndex_v2(i, &mut d)),
        NVML_SUCCESS
    );
    d
}

/// Reads a NUL-terminated string out of a C buffer (panics when there is no NUL).
pub fn cstr(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf.iter().map(|c| *c as u8).collect();
    CStr::from_bytes_until_nul(&bytes)
        .expect("NUL inside the buffer")
        .to_str()
        .unwrap()
        .to_string()
}

/// Calls a `(device, char*, len)` string getter with a buffer of `len`.
pub fn get_string(
    f: unsafe extern "C" fn(nvmlDevice_t, *mut c_char, u32) -> nvmlReturn_t,
    d: nvmlDevice_t,
    len: u32,
) -> (nvmlReturn_t, String) {
    let mut buf = vec![0 as c_char; len as usize];
    // SAFETY: the buffer holds `len` bytes.
    let r = unsafe { f(d, buf.as_mut_ptr(), len) };
    let s = if r == NVML_SUCCESS {
        cstr(&buf)
    } else {
        String::new()
    };
    (r, s)
}

/// A profile file of `base` with the profile's own CPU masks and node numbers
/// (`"cpu_affinity": "profile"`) instead of the host's; a file of its own for each call.
pub fn pinned_affinity(base: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("nvml-mock-pinned-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{base}-{}.json", N.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(
        &file,
        format!(r#"{{"base": "{base}", "cpu_affinity": "profile"}}"#),
    )
    .unwrap();
    file.to_str().unwrap().to_owned()
}

/// The CPUs this process may run on (`Cpus_allowed_list` of `/proc/self/status`).
pub fn host_cpus() -> Vec<u32> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let list = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .unwrap()
        .trim();
    let mut cpus = Vec::new();
    for part in list.split(',') {
        let (lo, hi) = part.split_once('-').unwrap_or((part, part));
        cpus.extend(lo.parse::<u32>().unwrap()..=hi.parse::<u32>().unwrap());
    }
    cpus
}

/// The members of a bit set of 64-bit words (bit `n % 64` of word `n / 64`).
pub fn bit_set_members(words: &[u64]) -> Vec<u32> {
    (0..words.len() as u32 * 64)
        .filter(|n| words[(*n / 64) as usize] & (1 << (n % 64)) != 0)
        .collect()
}

/// The dynamic symbols a library defines (`nm -D --defined-only`), sorted.
pub fn exports(path: &std::path::Path) -> Vec<String> {
    let out = std::process::Command::new("nm")
        .arg("-D")
        .arg("--defined-only")
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut names: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().nth(2).map(str::to_string))
        .collect();
    names.sort();
    names
}

/// Writes a profile file `name` holding `text` into a temporary folder of `topic`'s (one per
/// topic, so that tests running at once do not share a file) and returns its path.
pub fn profile_file(topic: &str, name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("nvml-mock-{topic}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}
