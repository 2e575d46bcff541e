"""Shared helpers of the oracle scripts: find the built mock, stage it under the driver's file
name, find NVIDIA's nvidia-smi builds, and run them on a profile of the mock.

Environment: NVML_MOCK_LIB (the built libnvml_mock.so; else `cargo build -p nvml-mock` and
target/debug), NVML_TEST_DRIVERS_DIR (default ~/.cache/nvml-rs/drivers, filled by
.ci/fetch-drivers), CI=true (a missing nvidia-smi is a failure, not a skip).
"""

import ctypes
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def mock_library():
    """Path of the built mock: $NVML_MOCK_LIB, else build nvml-mock (debug) and find it."""
    env = os.environ.get("NVML_MOCK_LIB")
    if env:
        p = Path(env)
        if not p.is_file():
            sys.exit(f"NVML_MOCK_LIB={env} is not a file")
        return p
    subprocess.run(["cargo", "build", "-q", "-p", "nvml-mock"], cwd=REPO, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "-q", "--format-version", "1", "--no-deps"],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    p = Path(json.loads(meta.stdout)["target_directory"]) / "debug" / "libnvml_mock.so"
    if not p.is_file():
        sys.exit(f"{p} not found after cargo build -p nvml-mock")
    return p


def stage(lib):
    """A temporary folder holding the mock as libnvidia-ml.so.1 (what nvidia-smi dlopens)."""
    d = Path(tempfile.mkdtemp(prefix="nvml-mock-oracle-"))
    (d / "libnvidia-ml.so.1").symlink_to(lib.resolve())
    (d / "libnvidia-ml.so").symlink_to("libnvidia-ml.so.1")
    return d


def builtin_profiles(lib):
    """The mock's built-in profile names, asked from the library itself."""
    so = ctypes.CDLL(str(lib))
    so.nvml_mock_builtin_profiles.restype = ctypes.c_char_p
    return so.nvml_mock_builtin_profiles().decode().split(",")


def builtin_profile(name):
    """A built-in profile's file as data, each GPU with the file's `gpu_defaults` (topic
    objects of GPU keys) laid under its own keys; {} for a name that is not one."""
    f = REPO / "nvml-mock" / "profiles" / "builtin" / f"{name}.json"
    if not f.is_file():
        return {}
    p = json.loads(f.read_text())
    defaults = {k: v for topic in p.pop("gpu_defaults", {}).values() for k, v in topic.items()}
    p["gpus"] = [{**defaults, **g} for g in p.get("gpus", [])]
    return p


def drivers_dir():
    d = os.environ.get("NVML_TEST_DRIVERS_DIR")
    if d:
        return Path(d)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "nvml-rs" / "drivers"


def nvidia_smi(branch):
    """Path of nvidia-smi of a driver branch ("535", "550"); exits when missing: with failure
    under CI=true, else with a message saying what was not checked."""
    p = drivers_dir() / branch / "nvidia-smi"
    if p.is_file() and os.access(p, os.X_OK):
        return p
    msg = f"{p} is missing (run bash .ci/fetch-drivers)"
    if in_ci():
        sys.exit(f"FAIL: {msg}")
    print(f"SKIPPED (not under CI): {msg}")
    sys.exit(0)


def run_smi(smi, libdir, profile, args, timeout=120):
    """Runs nvidia-smi with the mock as its NVML on `profile` (a built-in name or a JSON file
    path). Returns (exit code, stdout, stderr)."""
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = f"{libdir}:{env['LD_LIBRARY_PATH']}" if env.get("LD_LIBRARY_PATH") else str(libdir)
    env["NVML_MOCK_PROFILE"] = str(profile)
    r = subprocess.run([str(smi), *args], env=env, capture_output=True, text=True,
                       errors="replace", timeout=timeout)
    return r.returncode, r.stdout, r.stderr
