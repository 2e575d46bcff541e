"""What NVML calls answer, written as nvidia-smi 580 prints it in `nvidia-smi -q -x`, for the
facts of a capture that the 550 nvidia-smi the mock is read with cannot show (elements it
predates, an architecture it has no name for, more supported clocks than it asks for).

    import nvml_view; view = nvml_view.read(LIB, PROFILE)   # one dict per GPU

Each GPU's dict maps a capture path (relative to <gpu>) to the text nvidia-smi 580 prints for
the answer: the value, or "N/A" / "Insufficient Permissions" for the errors, as the real
captures show them. `supported_clocks` maps memory clocks to their graphics clocks.
The numbers (field ids, struct versions, masks) come from the project's nvml.h.
"""

import ctypes
import os
import sys
import re
from pathlib import Path

def find_header():
    """The nvml.h to read: $NVML_HEADER, else the repository's headers/nvml.h (found from this
    file or from the working directory upwards)."""
    env = os.environ.get("NVML_HEADER")
    if env:
        return Path(env)
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for d in (start, *start.parents):
            if (d / "headers" / "nvml.h").is_file():
                return d / "headers" / "nvml.h"
    sys.exit("nvml_view: no headers/nvml.h above this script or the working directory; "
             "set NVML_HEADER")


HEADER = find_header()

SUCCESS, NO_PERMISSION = 0, 4
ARCHITECTURES = {2: "Kepler", 3: "Maxwell", 4: "Pascal", 5: "Volta", 6: "Turing", 7: "Ampere",
                 8: "Ada Lovelace", 9: "Hopper", 10: "Blackwell"}
RECOVERY_ACTIONS = {0: "None", 1: "GPU Reset", 2: "Node Reboot", 3: "Drain P2P",
                    4: "Drain and Reset", 5: "Recover IMEX Domain", 6: "Bus Reset",
                    7: "System Reboot"}
# nvmlGpuFabricInfo_v3_t health: (element, shift, width, names of the values 0, 1, 2, ...).
TRISTATE = ("N/A", "True", "False")
FABRIC_HEALTH = [
    ("bandwidth", 0, 0x3, ("N/A", "Degraded", "Full")),
    ("route_recovery_in_progress", 2, 0x3, TRISTATE),
    ("route_unhealthy", 4, 0x3, TRISTATE),
    ("access_timeout_recovery", 6, 0x3, TRISTATE),
    ("incorrect_configuration", 8, 0xf, ("N/A", "None", "Incorrect SysGUID",
                                         "Incorrect Chassis Serial Number", "No Partition",
                                         "Insufficient NvLinks", "Incompatible GPU Firmware",
                                         "Invalid Location", "GPU State Invalid")),
    ("partition_assigned", 12, 0x3, TRISTATE),
]
FABRIC_SUMMARY = ("N/A", "Healthy", "Unhealthy", "Limited Capacity")
EVENT_COUNTERS = [
    ("sw_power_cap", "NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_POWER_CAP"),
    ("sync_boost", "NVML_FI_DEV_CLOCKS_EVENT_REASON_SYNC_BOOST"),
    ("sw_therm_slowdown", "NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN"),
    ("hw_therm_slowdown", "NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN"),
    ("hw_power_brake", "NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN"),
]

# Field ids drivers before 580.82 gave these fields (NVIDIA renumbered them at 580.82; the
# mock answers a profile's driver by its numbering): a client built for that driver asks so.
FIELD_IDS_BEFORE_580_82 = {
    "NVML_FI_DEV_CLOCKS_EVENT_REASON_SW_THERM_SLOWDOWN": 251,
    "NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_THERM_SLOWDOWN": 252,
    "NVML_FI_DEV_CLOCKS_EVENT_REASON_HW_POWER_BRAKE_SLOWDOWN": 253,
    "NVML_FI_PWR_SMOOTHING_ENABLED": 256,
}


def header_constants():
    """{name: int} of the header's `#define NAME value` lines (values naming another define
    are resolved)."""
    raw = dict(re.findall(r"^#define\s+(NVML_\w+)\s+(\(?[\w<\s]+\)?)", HEADER.read_text(), re.M))

    def value(name, depth=0):
        v = raw[name].strip().strip("()").strip()
        if v in raw and depth < 8:
            return value(v, depth + 1)
        if "<<" in v:
            a, b = (int(x.strip(), 0) for x in v.split("<<"))
            return a << b
        return int(v, 0)

    out = {}
    for name in raw:
        try:
            out[name] = value(name)
        except (ValueError, KeyError):
            pass
    return out


class Value(ctypes.Union):
    _fields_ = [("dVal", ctypes.c_double), ("siVal", ctypes.c_int), ("uiVal", ctypes.c_uint),
                ("ulVal", ctypes.c_ulong), ("ullVal", ctypes.c_ulonglong),
                ("sllVal", ctypes.c_longlong), ("usVal", ctypes.c_ushort)]


class FieldValue(ctypes.Structure):
    _fields_ = [("fieldId", ctypes.c_uint), ("scopeId", ctypes.c_uint),
                ("timestamp", ctypes.c_longlong), ("latencyUsec", ctypes.c_longlong),
                ("valueType", ctypes.c_int), ("nvmlReturn", ctypes.c_int), ("value", Value)]


class FabricInfoV3(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint), ("clusterUuid", ctypes.c_ubyte * 16),
                ("status", ctypes.c_int), ("cliqueId", ctypes.c_uint), ("state", ctypes.c_ubyte),
                ("healthMask", ctypes.c_uint), ("healthSummary", ctypes.c_ubyte)]


class Versioned2(ctypes.Structure):
    """`{version, a}`: nvmlDeviceCapabilities_v1_t."""
    _fields_ = [("version", ctypes.c_uint), ("a", ctypes.c_uint)]


class Versioned3(ctypes.Structure):
    """`{version, a, b}`: nvmlRepairStatus_v1_t."""
    _fields_ = [("version", ctypes.c_uint), ("a", ctypes.c_uint), ("b", ctypes.c_uint)]


def version(struct, n):
    """NVML_STRUCT_VERSION: the struct's size with the version in the top byte."""
    return ctypes.sizeof(struct) | n << 24


class Gpu:
    def __init__(self, lib, handle, defs, old_field_ids):
        self.lib, self.h, self.defs, self.old_field_ids = lib, handle, defs, old_field_ids

    def call(self, name, *args):
        """The return code of `name(handle, *args)`; None when the library lacks the symbol."""
        fn = getattr(self.lib, name, None)
        if fn is None:
            return None
        return fn(self.h, *args)

    def field(self, name, scope=0):
        """(return code, value) of one field value."""
        fid = FIELD_IDS_BEFORE_580_82.get(name) if self.old_field_ids else None
        v = FieldValue(fieldId=fid or self.defs[name], scopeId=scope)
        rc = self.call("nvmlDeviceGetFieldValues", 1, ctypes.byref(v))
        if rc is None:
            return None, None
        if rc != SUCCESS:
            return rc, None
        return v.nvmlReturn, (v.value.ullVal if v.valueType == 3 else v.value.uiVal)


def yes_no(flag):
    return "Yes" if flag else "No"


def na(rc, text):
    """`text` when the call succeeded; what nvidia-smi prints for the error otherwise."""
    if rc == SUCCESS:
        return text
    return "Insufficient Permissions" if rc == NO_PERMISSION else "N/A"


def gpu_view(g):
    d = g.defs
    out = {}
    arch = ctypes.c_uint()
    rc = g.call("nvmlDeviceGetArchitecture", ctypes.byref(arch))
    out["product_architecture"] = na(rc, ARCHITECTURES.get(arch.value, "Unknown"))

    table = {}
    n = ctypes.c_uint(64)
    mems = (ctypes.c_uint * 64)()
    if g.call("nvmlDeviceGetSupportedMemoryClocks", ctypes.byref(n), mems) == SUCCESS:
        for m in mems[:n.value]:
            k = ctypes.c_uint(1024)
            gr = (ctypes.c_uint * 1024)()
            rc = g.call("nvmlDeviceGetSupportedGraphicsClocks", ctypes.c_uint(m), ctypes.byref(k), gr)
            table[f"{m} MHz"] = [f"{c} MHz" for c in gr[:k.value]] if rc == SUCCESS else []
    out["supported_clocks"] = table

    rc, v = g.field("NVML_FI_PWR_SMOOTHING_ENABLED")
    out["power_smoothing"] = na(rc, "Enabled" if v else "Disabled")
    # Workload power profiles (nvmlWorkloadPowerProfileCurrentProfiles_v1_t: the version, then
    # three 255-bit masks); any answer is not N/A (the captures only show N/A).
    cur = (ctypes.c_uint * 25)(100 | 1 << 24)
    rc = g.call("nvmlDeviceWorkloadPowerProfileGetCurrentProfiles", cur)
    for kind in ("requested", "enforced"):
        out[f"power_profiles/power_profile_{kind}_profiles"] = na(rc, "(profiles)")

    fab = FabricInfoV3(version=version(FabricInfoV3, 3))
    rc = g.call("nvmlDeviceGetGpuFabricInfoV", ctypes.byref(fab))
    out["fabric/health/summary"] = na(rc, FABRIC_SUMMARY[fab.healthSummary]
                                      if fab.healthSummary < len(FABRIC_SUMMARY) else "Unknown")
    for name, shift, width, names in FABRIC_HEALTH:
        bits = fab.healthMask >> shift & width
        out[f"fabric/health/{name}"] = na(rc, names[bits] if bits < len(names) else "Unknown")

    caps = Versioned2(version=version(Versioned2, 1))
    rc = g.call("nvmlDeviceGetCapabilities", ctypes.byref(caps))
    out["capabilities/egm"] = na(rc, "enabled" if caps.a & d["NVML_DEV_CAP_EGM"] else "disabled")

    for name, define in EVENT_COUNTERS:
        rc, v = g.field(define)
        # The field counts ns; nvidia-smi prints us.
        out[f"clocks_event_reasons_counters/clocks_event_reasons_counters_{name}"] = \
            na(rc, f"{(v or 0) // 1000} us")

    rep = Versioned3(version=version(Versioned3, 1))
    rc = g.call("nvmlDeviceGetRepairStatus", ctypes.byref(rep))
    out["ecc_errors/channel_repair_pending"] = na(rc, yes_no(rep.a))
    out["ecc_errors/tpc_repair_pending"] = na(rc, yes_no(rep.b))
    flag = ctypes.c_uint()
    rc = g.call("nvmlDeviceGetUnrepairableMemoryFlag_v1", ctypes.byref(flag))
    out["ecc_errors/unrepairable_memory"] = na(rc, yes_no(flag.value))

    rc, v = g.field("NVML_FI_DEV_GET_GPU_RECOVERY_ACTION")
    out["gpu_recovery_action"] = na(rc, RECOVERY_ACTIONS.get(v, "Unknown"))
    for kind, define in (("corr", "NVML_FI_DEV_REMAPPED_ROWS_COR_INACTIVE"),
                         ("unc", "NVML_FI_DEV_REMAPPED_ROWS_UNC_INACTIVE")):
        rc, v = g.field(define)
        out[f"remapped_rows/remapped_row_{kind}_inactive"] = na(rc, str(v))

    cur, pend = Versioned2(version=version(Versioned2, 1)), Versioned2(version=version(Versioned2, 1))
    rc = g.call("nvmlDeviceGetDramEncryptionMode", ctypes.byref(cur), ctypes.byref(pend))
    names = ("Disabled", "Enabled")
    out["dram_encryption_mode/current_dram_encryption"] = na(rc, names[cur.a & 1])
    out["dram_encryption_mode/pending_dram_encryption"] = na(rc, names[pend.a & 1])
    return {k: ("N/A" if v is None else v) for k, v in out.items()}


def read(lib_path, profile):
    """One dict per GPU of `profile` (a built-in name or a JSON path) on the mock at lib_path.
    Call it once per process: the mock reads NVML_MOCK_PROFILE when it initialises."""
    os.environ["NVML_MOCK_PROFILE"] = str(profile)
    lib = ctypes.CDLL(str(lib_path))
    if lib.nvmlInit_v2() != SUCCESS:
        raise RuntimeError(f"nvmlInit_v2 failed on {profile}")
    defs = header_constants()
    try:
        drv = ctypes.create_string_buffer(96)
        lib.nvmlSystemGetDriverVersion(drv, 96)
        major_minor = tuple(int(x) for x in drv.value.decode().split(".")[:2])
        count = ctypes.c_uint()
        lib.nvmlDeviceGetCount_v2(ctypes.byref(count))
        view = []
        for i in range(count.value):
            h = ctypes.c_void_p()
            if lib.nvmlDeviceGetHandleByIndex_v2(i, ctypes.byref(h)) != SUCCESS:
                raise RuntimeError(f"no handle for GPU {i} of {profile}")
            view.append(gpu_view(Gpu(lib, h, defs, major_minor < (580, 82))))
        return view
    finally:
        lib.nvmlShutdown()
