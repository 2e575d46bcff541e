#!/usr/bin/env python3
"""The pynvml walk: NVIDIA's Python bindings (nvidia-ml-py) run against nvml-mock.

Calls every `nvmlDeviceGet*` function the installed `pynvml` module offers (found by
introspection) on every device of every built-in profile, and on the MIG device handles of
the MIG-capable profiles with MIG on, then prints one table row per machine:

    success / NOT_SUPPORTED / explained error / unexplained error / missing symbol / crash

A call is one function with one set of arguments on one device; functions that take an
enum argument are called once per value (see ARGS). Each machine runs in a child process,
so a crash (segfault, abort) is caught, counted, and the walk goes on after the crashing call.
It also reads the excluded GPUs of nvml-mock/profiles/examples/dgx-h100-excluded-gpu.json
through pynvml, which must list them as the profile declares them.

A function that takes more than a device handle has an argument recipe in ARGS; the others
are called with the handle alone. An error other than NOT_SUPPORTED passes only when
EXPLAINED_LIST names it, for that function and case, with the header's reason; any other error
(a missing recipe shows up as a Python TypeError) or any crash fails the walk (exit status 1).
"missing" counts functions of pynvml newer than the mock's header (FUNCTION_NOT_FOUND).

    python3 pynvml_walk.py [--verbose]     (with nvidia-ml-py installed)

Environment: see oracles/mock_env.py (NVML_MOCK_LIB: the built mock; else it is built).
"""

import argparse
import ctypes
import json
import os
import subprocess
import sys

import mock_env

# Machines walked: every built-in profile of the mock, and each again with MIG set up where
# its GPU 0 can run MIG: MIG on on GPUs 0 and 1 (as root, through the mock's
# `nvml_mock_set_root` hook) with GPU instances and compute instances, whose MIG device
# handles are walked too.

# GPU instance profiles created with MIG on (NVML_GPU_INSTANCE_PROFILE_* indexes): 3g, 2g,
# 1g, and on the second GPU one 7g.
MIG_LAYOUT = {0: [2, 1, 0], 1: [4]}

# Errors the header documents for the case, by function: (error name, condition, reason).
# `condition` is matched against the call's context: "mig" (a MIG device handle), "gpu" (a
# physical GPU), or a profile name; "*" matches every call.
EXPLAINED_LIST = [
    # (function, error, condition, reason)
    ("nvmlDeviceGetAccountingStats", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if process stats were not found (the pid has no accounting record)"),
    ("nvmlDeviceGetAccountingStats_v2", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if process stats were not found (the pid has no accounting record)"),
    ("nvmlDeviceGetSamples", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if sample entries are not found (no samples of that type yet)"),
    ("nvmlDeviceGetProcessUtilization", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if sample entries are not found (no process ran since the timestamp)"),
    ("nvmlDeviceGetVgpuUtilization", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if sample entries are not found"),
    ("nvmlDeviceGetVgpuProcessUtilization", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if sample entries are not found"),
    ("nvmlDeviceGetGpuInstanceById", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if the GPU instance does not exist (ids are probed 0..7)"),
    ("nvmlDeviceGetMigDeviceHandleByIndex", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if no valid MIG device was found at the index (indexes are probed 0..7)"),
    ("nvmlDeviceGetHandleByUUIDV", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h: NOT_FOUND if the UUID does not match a valid device (binary form of an ASCII uuid)"),
    ("nvmlDeviceGetNvLinkRemotePciInfo", "NVML_ERROR_NOT_FOUND", "*",
     "nvml.h (NvLink queries): a link with nothing connected has no remote device"),
    ("nvmlDeviceGetGpuInstanceProfileInfo", "NVML_ERROR_INVALID_ARGUMENT", "*",
     "nvml.h: INVALID_ARGUMENT if profile is invalid (every NVML_GPU_INSTANCE_PROFILE_* index is "
     "probed; a GPU's table lacks some)"),
    ("nvmlDeviceGetGpuInstanceProfileInfoById", "NVML_ERROR_INVALID_ARGUMENT", "*",
     "nvml.h: INVALID_ARGUMENT if the profile id is invalid (ids 0..31 are probed)"),
    ("nvmlDeviceGetGpuInstanceRemainingCapacity", "NVML_ERROR_INVALID_ARGUMENT", "*",
     "nvml.h: INVALID_ARGUMENT if profileId is invalid (ids 0..31 are probed)"),
    ("nvmlDeviceGetGpuInstancePossiblePlacements", "NVML_ERROR_INVALID_ARGUMENT", "*",
     "nvml.h: INVALID_ARGUMENT if profileId is invalid (ids 0..31 are probed)"),
    ("nvmlDeviceGetGpuInstances", "NVML_ERROR_INVALID_ARGUMENT", "*",
     "nvml.h: INVALID_ARGUMENT if profileId is invalid (ids 0..31 are probed)"),
    ("nvmlDeviceGetGpuInstanceProfileInfoByIdV", "NVML_ERROR_INVALID_ARGUMENT", "*",
     "nvml.h: INVALID_ARGUMENT if the profile id is invalid (ids 0..31 are probed)"),
    ("nvmlDeviceGetGpuInstanceProfileInfoV", "NVML_ERROR_INVALID_ARGUMENT", "*",
     "nvml.h: INVALID_ARGUMENT if profile is invalid (every NVML_GPU_INSTANCE_PROFILE_* index is "
     "probed; a GPU's table lacks some)"),
    ("nvmlDeviceGetDeviceHandleFromMigDeviceHandle", "NVML_ERROR_INVALID_ARGUMENT", "gpu",
     "nvml.h: INVALID_ARGUMENT if migDevice is invalid (a physical GPU's handle is not a MIG "
     "device handle)"),
    ("nvmlDeviceGetDisplayMode", "NVML_ERROR_DEPRECATED", "*",
     "real 580 drivers answer DEPRECATED (nvidia-smi 580 prints \"Requested functionality has "
     "been deprecated\" for the display mode in captures/qx-h100.xml, qx-b200.xml, qx-gb200.xml); "
     "every built-in machine runs a 580 driver"),
    ("nvmlDeviceGetMemoryInfo", "NVML_ERROR_NO_PERMISSION", "gpu",
     "nvml.h: in MIG mode a device handle gives the aggregate memory only if the caller has "
     "appropriate privileges (the MIG machines walk a MIG-enabled GPU unprivileged)"),
    ("nvmlDeviceGetMigDeviceHandleByIndex", "NVML_ERROR_INVALID_ARGUMENT", "gpu",
     "nvml.h: INVALID_ARGUMENT if index is invalid (index 0 is probed on GPUs whose "
     "nvmlDeviceGetMaxMigDeviceCount is 0: MIG off)"),
]

NOT_SUPPORTED = 3
FUNCTION_NOT_FOUND = 13


def explained(fn, err, ctx):
    for f, e, cond, reason in EXPLAINED_LIST:
        if f == fn and e == err and cond in ("*", ctx["kind"], ctx["profile"]):
            return reason
    return None


# ---------------------------------------------------------------------------------------------
# The child: one machine.


def child(label, profile, mig, start, lib):
    import pynvml as N

    N.nvmlInit()
    ndev = N.nvmlDeviceGetCount()
    gpus = [N.nvmlDeviceGetHandleByIndex(i) for i in range(ndev)]
    devices = [("gpu", i, h) for i, h in enumerate(gpus)]
    if mig:
        so = ctypes.CDLL(str(lib))
        so.nvml_mock_set_root(1)
        for gi_idx, layout in MIG_LAYOUT.items():
            if gi_idx >= ndev:
                continue
            h = gpus[gi_idx]
            try:
                N.nvmlDeviceSetMigMode(h, 1)
            except N.NVMLError as e:
                if e.value != NOT_SUPPORTED:
                    raise
                print(json.dumps({"no_mig": True}), flush=True)
                return
            for p in layout:
                info = N.nvmlDeviceGetGpuInstanceProfileInfo(h, p)
                gi = N.nvmlDeviceCreateGpuInstance(h, info.id)
                ci_info = N.nvmlGpuInstanceGetComputeInstanceProfileInfo(gi, 0, 0)
                N.nvmlGpuInstanceCreateComputeInstance(gi, ci_info.id)
        so.nvml_mock_set_root(-1)
        for i, h in enumerate(gpus):
            if N.nvmlDeviceGetMigMode(h)[0] != 1:
                continue
            for k in range(N.nvmlDeviceGetMaxMigDeviceCount(h)):
                try:
                    m = N.nvmlDeviceGetMigDeviceHandleByIndex(h, k)
                except N.NVMLError:
                    continue
                devices.append(("mig", i, m))
    names = sorted(n for n in dir(N) if n.startswith("nvmlDeviceGet") and callable(getattr(N, n)))
    calls = []
    for kind, idx, h in devices:
        ctx = Ctx(N, profile, kind, idx, h, gpus)
        for name in names:
            recipe = ARGS.get(name, ONE_HANDLE)
            try:
                arglists = list(recipe(ctx))
            except Exception as e:  # a recipe that cannot be built is a failure of this walk
                calls.append((name, kind, idx, "recipe-error", "%s: %s" % (type(e).__name__, e)))
                continue
            for args in arglists:
                calls.append((name, kind, idx, "call", args))
    # Report the plan's length first, then one line per call.
    print(json.dumps({"total": len(calls)}), flush=True)
    for n, (name, kind, idx, what, args) in enumerate(calls):
        if n < start:
            continue
        print(json.dumps({"n": n, "begin": name}), flush=True)
        rec = {"n": n, "fn": name, "kind": kind, "dev": idx, "args": repr(args)[:80]}
        if what == "recipe-error":
            rec["result"] = "python: recipe: " + args
        else:
            rec["result"] = run_one(N, getattr(N, name), args, name)
        print(json.dumps(rec), flush=True)
    N.nvmlShutdown()


def run_one(N, f, args, name):
    try:
        r = f(*args)
    except N.NVMLError as e:
        v = e.value
        if v == NOT_SUPPORTED:
            return "NVML_ERROR_NOT_SUPPORTED"
        if v == FUNCTION_NOT_FOUND:
            return "missing"
        return ERROR_NAMES.get(v, "NVML error %d" % v)
    except Exception as e:  # a bug in pynvml's wrapper or this recipe: reported, never hidden
        return "python: %s: %s" % (type(e).__name__, e)
    # A few wrappers return the C return code instead of raising.
    if name in RETURNS_CODE and isinstance(r, int) and r != 0:
        return "NVML_ERROR_NOT_SUPPORTED" if r == NOT_SUPPORTED else ERROR_NAMES.get(r, "NVML error %d" % r)
    return "success"


ERROR_NAMES = {}


class Ctx:
    def __init__(self, N, profile, kind, idx, h, gpus):
        self.N, self.profile, self.kind, self.idx, self.h, self.gpus = N, profile, kind, idx, h, gpus

    def try_(self, f, default):
        try:
            return f()
        except Exception:
            return default


def st(N, cls_name, version=1):
    """A zeroed struct of pynvml's class `cls_name`, its version field set as
    NVML_STRUCT_VERSION does (size | version << 24)."""
    cls = getattr(N, cls_name)
    o = cls()
    if any(f[0] == "version" for f in getattr(cls, "_fields_", [])):
        o.version = ctypes.sizeof(cls) | (version << 24)
    return o


def ONE_HANDLE(c):
    return [(c.h,)]


def each(values):
    return lambda c: [(c.h, v) for v in values]


def struct_arg(cls_name, version=1, byref=True):
    def r(c):
        o = st(c.N, cls_name, version)
        return [(c.h, ctypes.byref(o) if byref else o)]
    return r


def vgpu_types(c):
    ids = c.try_(lambda: list(c.N.nvmlDeviceGetSupportedVgpus(c.h)), [])
    return ids[:3] or [1]


def mig_profile_ids(c):
    return list(range(0, 32))


def addr(h):
    return ctypes.cast(h, ctypes.c_void_p).value


def other_gpus(c):
    """Up to three GPUs other than this device's own."""
    own = addr(c.gpus[c.idx]) if c.kind == "gpu" else None
    return [g for g in c.gpus if addr(g) != own][:3]


def gpu_only(f):
    """Lookups by an identifier (index, serial, UUID, bus id) of a physical GPU."""
    return lambda c: f(c) if c.kind == "gpu" else []


def known(c, f):
    """`[(f(),)]`, or no call where the device has no such identifier."""
    try:
        return [(f(),)]
    except c.N.NVMLError:
        return []


def mig_indexes(c):
    n = c.try_(lambda: c.N.nvmlDeviceGetMaxMigDeviceCount(c.h), 0)
    return [(c.h, k) for k in range(max(n, 1))]


def sched_v2(c, cls_name):
    o = getattr(c.N, cls_name)()
    o.engineId = c.N.NVML_VGPU_SCHEDULER_ENGINE_TYPE_GRAPHICS
    return [(c.h, o)]


def first_pid(c):
    pids = c.try_(lambda: list(c.N.nvmlDeviceGetAccountingPids(c.h)), [])
    if pids:
        return pids[:2]
    procs = c.try_(lambda: c.N.nvmlDeviceGetComputeRunningProcesses(c.h), [])
    return [p.pid for p in procs[:1]] or [1]


def field_ids(c):
    # Every field id, 64 per call (a caller batches like this; the header sets no limit).
    ids = list(range(1, c.N.NVML_FI_MAX))
    return [(c.h, ids[i:i + 64]) for i in range(0, len(ids), 64)]


def placements(c):
    out = []
    for p in range(0, 32):
        arr = (c.N.c_nvmlGpuInstancePlacement_t * 16)()
        cnt = ctypes.c_uint(16)
        out.append((c.h, p, arr, ctypes.byref(cnt)))
    return out


def gpu_instances(c):
    out = []
    for p in range(0, 32):
        arr = (c.N.c_nvmlGpuInstance_t * 16)()
        cnt = ctypes.c_uint(0)
        out.append((c.h, p, arr, ctypes.byref(cnt)))
    return out


def uuid_v(c):
    u = c.try_(lambda: c.N.nvmlDeviceGetUUID(c.h), "GPU-0")
    return [(u, c.N.NVML_UUID_TYPE_ASCII)]


LINKS = lambda c: [0, 17] if c.try_(lambda: c.N.nvmlDeviceGetNvLinkState(c.h, 17), None) is not None else [0]

ARGS = {
    "nvmlDeviceGetCount": lambda c: [()],
    "nvmlDeviceGetHandleByIndex": gpu_only(lambda c: [(c.idx,)]),
    "nvmlDeviceGetHandleBySerial": gpu_only(lambda c: known(c, lambda: c.N.nvmlDeviceGetSerial(c.h))),
    "nvmlDeviceGetHandleByUUID": lambda c: known(c, lambda: c.N.nvmlDeviceGetUUID(c.h)),
    "nvmlDeviceGetHandleByUUIDV": uuid_v,
    "nvmlDeviceGetHandleByPciBusId": gpu_only(lambda c: known(c, lambda: c.N.nvmlDeviceGetPciInfo(c.h).busId)),
    "nvmlDeviceGetMemoryAffinity": lambda c: [(c.h, 4, s) for s in (0, 1)],
    "nvmlDeviceGetCpuAffinityWithinScope": lambda c: [(c.h, 4, s) for s in (0, 1)],
    "nvmlDeviceGetCpuAffinity": lambda c: [(c.h, 4)],
    "nvmlDeviceGetInforomVersion": each([0, 1, 2, 3]),
    "nvmlDeviceGetPciInfoExt": struct_arg("nvmlPciInfoExt_v1_t"),
    "nvmlDeviceGetClockInfo": each(range(4)),
    "nvmlDeviceGetMaxClockInfo": each(range(4)),
    "nvmlDeviceGetApplicationsClock": each(range(4)),
    "nvmlDeviceGetMaxCustomerBoostClock": each(range(4)),
    "nvmlDeviceGetDefaultApplicationsClock": each(range(4)),
    "nvmlDeviceGetClock": lambda c: [(c.h, t, i) for t in range(4) for i in range(4)],
    "nvmlDeviceGetSupportedGraphicsClocks": lambda c: [
        (c.h, m) for m in c.try_(lambda: c.N.nvmlDeviceGetSupportedMemoryClocks(c.h)[:1], [1000])],
    "nvmlDeviceGetFanSpeed_v2": each([0]),
    "nvmlDeviceGetTargetFanSpeed": each([0]),
    "nvmlDeviceGetFanControlPolicy_v2": each([0]),
    "nvmlDeviceGetTemperatureV1": each([0]),
    "nvmlDeviceGetTemperatureV": each([0]),
    "nvmlDeviceGetTemperature": each([0]),
    "nvmlDeviceGetTemperatureThreshold": each(range(8)),
    "nvmlDeviceGetTotalEccErrors": lambda c: [(c.h, e, k) for e in (0, 1) for k in (0, 1)],
    "nvmlDeviceGetDetailedEccErrors": lambda c: [(c.h, e, k) for e in (0, 1) for k in (0, 1)],
    "nvmlDeviceGetMemoryErrorCounter": lambda c: [(c.h, e, k, l) for e in (0, 1) for k in (0, 1) for l in range(8)],
    "nvmlDeviceGetMemoryInfo": lambda c: [(c.h,), (c.h, c.N.nvmlMemory_v2)],
    "nvmlDeviceGetRunningProcessDetailList": lambda c: [(c.h, c.N.nvmlProcessDetailList_v1, m) for m in (0, 1, 2)],
    "nvmlDeviceGetAccountingStats": lambda c: [(c.h, p) for p in first_pid(c)],
    "nvmlDeviceGetAccountingStats_v2": lambda c: [(c.h, p) for p in first_pid(c)],
    "nvmlDeviceGetRetiredPages": each([0, 1]),
    "nvmlDeviceGetRetiredPages_v2": each([0, 1]),
    "nvmlDeviceGetAPIRestriction": each([0, 1]),
    "nvmlDeviceGetSamples": lambda c: [(c.h, t, 0) for t in range(10)],
    "nvmlDeviceGetViolationStatus": each(range(12)),
    "nvmlDeviceGetPcieThroughput": each([0, 1]),
    "nvmlDeviceGetTopologyNearestGpus": each([0, 10, 20, 30, 40, 50]),
    "nvmlDeviceGetTopologyCommonAncestor": lambda c: [(c.h, g) for g in other_gpus(c)],
    "nvmlDeviceGetNvLinkUtilizationCounter": lambda c: [(c.h, l, k) for l in LINKS(c) for k in (0, 1)],
    "nvmlDeviceGetNvLinkUtilizationControl": lambda c: [(c.h, l, k) for l in LINKS(c) for k in (0, 1)],
    "nvmlDeviceGetNvLinkCapability": lambda c: [(c.h, l, k) for l in LINKS(c) for k in range(6)],
    "nvmlDeviceGetNvLinkErrorCounter": lambda c: [(c.h, l, k) for l in LINKS(c) for k in range(5)],
    "nvmlDeviceGetNvLinkRemotePciInfo": lambda c: [(c.h, l) for l in LINKS(c)],
    "nvmlDeviceGetNvLinkRemoteDeviceType": lambda c: [(c.h, l) for l in LINKS(c)],
    "nvmlDeviceGetNvLinkState": lambda c: [(c.h, l) for l in LINKS(c)],
    "nvmlDeviceGetNvLinkVersion": lambda c: [(c.h, l) for l in LINKS(c)],
    "nvmlDeviceGetFieldValues": field_ids,
    "nvmlDeviceGetVgpuTypeSupportedPlacements": lambda c: [
        (c.h, t, 0, v) for t in vgpu_types(c) for v in (1, 2)],
    "nvmlDeviceGetVgpuTypeCreatablePlacements": lambda c: [(c.h, t, v) for t in vgpu_types(c) for v in (1, 2)],
    "nvmlDeviceGetVgpuCapabilities": each(range(7)),
    "nvmlDeviceGetVgpuUtilization": each([0]),
    "nvmlDeviceGetVgpuInstancesUtilizationInfo": each([0]),
    "nvmlDeviceGetP2PStatus": lambda c: [(c.h, g, i) for g in other_gpus(c)[:2] for i in range(5)],
    "nvmlDeviceGetEncoderCapacity": each([0, 1, 2]),
    "nvmlDeviceGetVgpuProcessUtilization": each([0]),
    "nvmlDeviceGetVgpuProcessesUtilizationInfo": each([0]),
    "nvmlDeviceGetProcessUtilization": each([0]),
    "nvmlDeviceGetProcessesUtilizationInfo": each([0]),
    "nvmlDeviceGetVgpuSchedulerState_v2": lambda c: sched_v2(c, "c_nvmlVgpuSchedulerStateInfo_v2_t"),
    "nvmlDeviceGetVgpuSchedulerLog_v2": lambda c: sched_v2(c, "c_nvmlVgpuSchedulerLogInfo_v2_t"),
    "nvmlDeviceGetGpuInstanceProfileInfo": lambda c: [(c.h, p, v) for p in range(15) for v in (1, 2)],
    "nvmlDeviceGetGpuInstanceProfileInfoById": lambda c: [(c.h, p) for p in mig_profile_ids(c)],
    "nvmlDeviceGetGpuInstanceProfileInfoByIdV": lambda c: [(c.h, p) for p in mig_profile_ids(c)],
    "nvmlDeviceGetGpuInstanceProfileInfoV": lambda c: [(c.h, p, v) for p in range(15) for v in (1, 2)],
    "nvmlDeviceGetGpuInstanceRemainingCapacity": lambda c: [(c.h, p) for p in mig_profile_ids(c)],
    "nvmlDeviceGetGpuInstancePossiblePlacements": placements,
    "nvmlDeviceGetGpuInstances": gpu_instances,
    "nvmlDeviceGetGpuInstanceById": each(range(8)),
    "nvmlDeviceGetMigDeviceHandleByIndex": mig_indexes,
    "nvmlDeviceGetThermalSettings": each([0, 15]),
    "nvmlDeviceGetMinMaxClockOfPState": lambda c: [(c.h, t, p) for t in range(4) for p in (0, 8)],
    "nvmlDeviceGetPowerMizerMode_v1": struct_arg("c_nvmlDevicePowerMizerModes_v1_t"),
    "nvmlDeviceGetClockOffsets": lambda c: [(c.h, ctypes.byref(o)) for o in [st(c.N, "c_nvmlClockOffset_t")]],
    "nvmlDeviceGetConfComputeGpuAttestationReport": lambda c: [(c.h, [7] * 32)],
    "nvmlDeviceGetGpuFabricInfo": struct_arg("c_nvmlGpuFabricInfo_t", 0),
    "nvmlDeviceGetGpuFabricInfoV": struct_arg("c_nvmlGpuFabricInfo_v2_t", 2),
    "nvmlDeviceGetGpuFabricInfo_v4": struct_arg("c_nvmlGpuFabricInfo_v4_t", 4),
    "nvmlDeviceGetSramEccErrorStatus": struct_arg("c_nvmlEccSramErrorStatus_v1_t"),
    "nvmlDeviceGetCapabilities": struct_arg("c_nvmlDeviceCapabilities_v1_t"),
    "nvmlDeviceGetPlatformInfo": struct_arg("c_nvmlPlatformInfo_v2_t", 2),
    "nvmlDeviceGetNvlinkSupportedBwModes": struct_arg("c_nvmlNvlinkSupportedBwModes_v1_t"),
    "nvmlDeviceGetNvlinkBwMode": struct_arg("c_nvmlNvlinkGetBwMode_v1_t"),
    "nvmlDeviceGetSramUniqueUncorrectedEccErrorCounts": struct_arg("c_nvmlEccSramUniqueUncorrectedErrorCounts_v1_t"),
    "nvmlDeviceGetNvLinkInfo": struct_arg("c_nvmlNvLinkInfo_v2_t", 2),
    "nvmlDeviceGetNvLinkTelemetrySamples_v1": struct_arg("c_nvmlNvlinkTelemetrySamples_v1_t", byref=False),
    "nvmlDeviceGetRemappedRows_v2": struct_arg("c_nvmlRemappedRowsInfo_v2_t", 2),
    "nvmlDeviceGetMemoryLimits_v1": struct_arg("c_nvmlGetMemoryLimits_v1_t", byref=False),
    "nvmlDeviceGetAdaptiveTgpModeInfo_v1": struct_arg("c_nvmlAdaptiveTgpModeInfo_v1_t"),
    "nvmlDeviceGetBankRemapperStatus_v1": struct_arg("c_nvmlEccBankRemapperStatus_v1_t"),
}

# Wrappers that hand back the C return code instead of raising.
RETURNS_CODE = {"nvmlDeviceGetPowerMizerMode_v1", "nvmlDeviceGetCapabilities",
                "nvmlDeviceGetRemappedRows_v2", "nvmlDeviceGetBankRemapperStatus_v1"}


def raw_clock_offsets(h, ref):
    """nvmlDeviceGetClockOffsets as pynvml calls it, without discarding the return code."""
    import pynvml as N
    r = N._nvmlGetFunctionPointer("nvmlDeviceGetClockOffsets")(h, ref)
    N._nvmlCheckReturn(r)


# ---------------------------------------------------------------------------------------------
# The parent: one child per machine, restarted after a crash.


def walk_machine(label, profile, mig, lib, libdir):
    """The results and crashes of one machine; None when it cannot run MIG."""
    env = dict(os.environ, NVML_MOCK_PROFILE=profile, LD_LIBRARY_PATH=str(libdir))
    results, crashes, start = [], [], 0
    while True:
        p = subprocess.run(
            [sys.executable, __file__, "--child", label, profile, "1" if mig else "0", str(start),
             str(lib)],
            env=env, capture_output=True, text=True)
        total, last_begin = None, None
        for line in p.stdout.splitlines():
            rec = json.loads(line)
            if "no_mig" in rec:
                return None
            if "total" in rec:
                total = rec["total"]
            elif "begin" in rec:
                last_begin = rec
            else:
                results.append(rec)
                last_begin = None
        if p.returncode == 0:
            return results, crashes
        if last_begin is None or total is None:
            crashes.append({"fn": "(setup)", "rc": p.returncode, "stderr": p.stderr[-800:]})
            return results, crashes
        crashes.append({"fn": last_begin["begin"], "n": last_begin["n"], "rc": p.returncode,
                        "stderr": p.stderr[-500:]})
        start = last_begin["n"] + 1


EXCLUDED_EXAMPLE = mock_env.REPO / "nvml-mock" / "profiles" / "examples" / "dgx-h100-excluded-gpu.json"


def excluded_child():
    """Prints what pynvml's nvmlGetExcludedDeviceCount and ..InfoByIndex answer, as JSON."""
    import pynvml as N

    N.nvmlInit()
    out = {"devices": N.nvmlDeviceGetCount(), "excluded": []}
    for i in range(N.nvmlGetExcludedDeviceCount()):
        info = N.nvmlGetExcludedDeviceInfoByIndex(i)
        text = lambda b: b.decode() if isinstance(b, bytes) else b
        out["excluded"].append({"bus_id": text(info.pci.busId), "uuid": text(info.uuid),
                                "pci_device_id": info.pci.pciDeviceId})
    print(json.dumps(out))


def excluded_problems(libdir):
    """pynvml on the mock's example of a machine with an excluded GPU: it lists the GPU its
    profile declares, with its bus id, UUID and device id, and not as a device."""
    declared = json.loads(EXCLUDED_EXAMPLE.read_text())
    want = [{"bus_id": f"{g['pci_domain']:08X}:{g['pci_bus']:02X}:{g['pci_device']:02X}.0",
             "uuid": g["uuid"], "pci_device_id": int(g["pci_device_id"], 16)}
            for g in declared["excluded_gpus"]]
    env = dict(os.environ, NVML_MOCK_PROFILE=str(EXCLUDED_EXAMPLE), LD_LIBRARY_PATH=str(libdir))
    p = subprocess.run([sys.executable, __file__, "--excluded"], env=env, capture_output=True,
                       text=True)
    if p.returncode != 0:
        return ["excluded GPUs: pynvml failed (exit %d) %s" % (p.returncode, p.stderr[-500:])]
    got = json.loads(p.stdout)
    problems = []
    if got["excluded"] != want:
        problems.append("excluded GPUs: pynvml read %s, the profile declares %s"
                        % (got["excluded"], want))
    if got["devices"] != declared["gpu_count"]:
        problems.append("excluded GPUs: %d devices, the profile has %d"
                        % (got["devices"], declared["gpu_count"]))
    if not problems:
        print("pynvml: %s lists its %d excluded GPU(s) as declared, beside %d devices"
              % (EXCLUDED_EXAMPLE.name, len(want), got["devices"]))
    return problems


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--excluded":
        excluded_child()
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        import pynvml as N
        for k in dir(N):
            if k.startswith("NVML_ERROR_") and isinstance(getattr(N, k), int):
                ERROR_NAMES.setdefault(getattr(N, k), k)
        ARGS["nvmlDeviceGetClockOffsets"] = lambda c: [(c.h, ctypes.byref(st(N, "c_nvmlClockOffset_t")))]
        N.nvmlDeviceGetClockOffsets = raw_clock_offsets
        _, _, label, profile, mig, start, lib = sys.argv
        child(label, profile, mig == "1", int(start), lib)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verbose", action="store_true", help="print every non-success call")
    a = ap.parse_args()
    lib = mock_env.mock_library()
    libdir = mock_env.stage(lib)
    machines = [(p, p, mig) for p in mock_env.builtin_profiles(lib) for mig in (False, True)]
    cols = ["success", "NOT_SUPPORTED", "explained", "unexplained", "missing", "crash"]
    rows, bad, unexplained = [], [], {}
    per_fn = {}
    for profile, _, mig in machines:
        label = profile + (" MIG" if mig else "")
        walked = walk_machine(label, profile, mig, lib, libdir)
        if walked is None:
            continue
        results, crashes = walked
        counts = dict.fromkeys(cols, 0)
        counts["crash"] = len(crashes)
        for c in crashes:
            bad.append("%s: crash in %s (exit %s) %s" % (label, c["fn"], c["rc"], c.get("stderr", "")))
        for r in results:
            res = r["result"]
            ctx = {"kind": r["kind"], "profile": profile}
            per_fn.setdefault(r["fn"], set()).add(res if res in ("success", "missing") else "other")
            if res == "success":
                counts["success"] += 1
            elif res == "NVML_ERROR_NOT_SUPPORTED":
                counts["NOT_SUPPORTED"] += 1
            elif res == "missing":
                counts["missing"] += 1
            elif explained(r["fn"], res, ctx):
                counts["explained"] += 1
            else:
                counts["unexplained"] += 1
                key = (r["fn"], r["kind"], res)
                g = unexplained.setdefault(key, {"n": 0, "machines": [], "example": r["args"]})
                g["n"] += 1
                if label not in g["machines"]:
                    g["machines"].append(label)
            if a.verbose and res != "success":
                print("  %s %s %s %d %s -> %s" % (label, r["fn"], r["kind"], r["dev"], r["args"], res))
        rows.append((label, counts))
    w = max(len(l) for l, _ in rows)
    print("pynvml walk: every nvmlDeviceGet* of nvidia-ml-py on every device of every profile")
    print("%-*s  %s" % (w, "machine", "  ".join("%13s" % c for c in cols)))
    tot = dict.fromkeys(cols, 0)
    for label, counts in rows:
        print("%-*s  %s" % (w, label, "  ".join("%13d" % counts[c] for c in cols)))
        for c in cols:
            tot[c] += counts[c]
    print("%-*s  %s" % (w, "total", "  ".join("%13d" % tot[c] for c in cols)))
    ok_fns = sum(1 for s in per_fn.values() if "success" in s)
    print("pynvml walk: %d of %d nvmlDeviceGet* functions return data on at least one machine"
          % (ok_fns, len(per_fn)))
    bad.extend(excluded_problems(libdir))
    for (fn, kind, res), g in sorted(unexplained.items()):
        bad.append("%s on %s handles: %s (%d calls on %s; e.g. args %s)"
                   % (fn, kind, res, g["n"], ", ".join(g["machines"]), g["example"]))
    if bad:
        print("\nunexplained errors and crashes (%d):" % len(bad))
        for b in bad:
            print("  " + b)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
