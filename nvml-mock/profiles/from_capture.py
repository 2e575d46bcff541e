#!/usr/bin/env python3
"""Writes a complete nvml-mock profile (FORMAT.md) from an `nvidia-smi -q -x` capture.

    python3 nvml-mock/profiles/from_capture.py CAPTURE.xml --name NAME \
        [--template FILE | --template BUILTIN] [--set KEY=JSON ...] > NAME.json

Every fact the capture shows is carried, GPU by GPU: each value (names, ids, limits, maxima,
thresholds, modes, the supported graphics clocks of every memory clock), and each query that
answers N/A or "deprecated", which becomes the GPU's `support` object (FORMAT.md, "What a GPU
supports"). What `nvidia-smi -q` does not show (SM and core counts, the compute capability,
NvLinks, the MIG table, NUMA nodes, CPUs) comes from `--set` (`--set sm_count=40` sets a key on
every GPU), else from the template's GPU of the same index (its last GPU past its end), else from
neutral defaults (no NvLink, no MIG, no processes, the compute capability of the architecture).
Every value taken from a template or a default rather than the capture is named on stderr.

It refuses a contradiction: a template or `--set` value the capture disproves (application
clocks above the board's maxima, MIG profiles or NvLinks on a board whose capture has no MIG
mode or no fabric, a MIG table sized for another framebuffer).

Regenerating a built-in board with its own file as the template (`--template dgx-b200`) gives
that file back, with what the capture cannot say kept.
"""

import argparse
import copy
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

BUILTIN = Path(__file__).resolve().parent / "builtin"

BRANDS = {"NVIDIA": "nvidia", "Tesla": "tesla", "Quadro": "quadro", "GeForce": "geforce",
          "NVIDIA RTX": "nvidia_rtx", "Quadro RTX": "quadro_rtx", "Titan": "titan"}
ARCHS = {"Ampere": "ampere", "Ada Lovelace": "ada", "Hopper": "hopper",
         "Blackwell": "blackwell", "Turing": "turing", "Volta": "volta"}
VIRT = {"None": "none", "Pass-Through": "passthrough", "VGPU": "vgpu",
        "Host VGPU": "host_vgpu", "Host VSGA": "host_vsga"}
# nvmlClocksEventReason* bits by the capture's element name.
REASONS = {"gpu_idle": 0x1, "applications_clocks_setting": 0x2, "sw_power_cap": 0x4,
           "hw_slowdown": 0x8, "sync_boost": 0x10, "sw_thermal_slowdown": 0x20,
           "hw_thermal_slowdown": 0x40, "hw_power_brake_slowdown": 0x80,
           "display_clocks_setting": 0x100}


DEPRECATED = "Requested functionality has been deprecated"
NA_TEXTS = ("N/A", "[N/A]", "Not Supported", "[Not Supported]")


def text(gpu, path):
    """The element's text, or None when absent or N/A."""
    t = gpu.findtext(path)
    if t is None:
        return None
    t = t.strip()
    return None if t in ("",) + NA_TEXTS or t.startswith("Requested functionality") else t


def answer(gpu, path):
    """How the query behind an element answers: None (element absent), True (a value), False
    (N/A) or "deprecated"."""
    t = gpu.findtext(path)
    if t is None:
        if gpu.find(path) is None:
            return None
        t = ""
    t = t.strip()
    if t == DEPRECATED:
        return "deprecated"
    return t not in NA_TEXTS


def number(gpu, path, scale=1):
    """`183359 MiB`, `1000.00 W`, `39 C`, `8x` -> the number (times scale), or None."""
    t = text(gpu, path)
    if t is None:
        return None
    try:
        return round(float(t.split()[0].rstrip("x")) * scale)
    except ValueError:
        return None


def put(g, key, value):
    if value is not None:
        g[key] = value


# Keys read straight from one element: (key, path relative to <gpu>, what to read).
TEXTS = [
    ("name", "product_name"), ("serial", "serial"), ("uuid", "uuid"),
    ("board_part_number", "board_part_number"), ("vbios_version", "vbios_version"),
    ("inforom_image_version", "inforom_version/img_version"),
]
LINK = "pci/pci_gpu_link_info/"
POWER = "gpu_power_readings/"
# (key, path, scale): `183359 MiB`, `1000.00 W` (x1000: mW), `39 C`, `16x` as numbers.
NUMBERS = [
    ("minor_number", "minor_number", 1),
    ("pcie_max_gen", LINK + "pcie_gen/max_link_gen", 1),
    ("pcie_generation", LINK + "pcie_gen/current_link_gen", 1),
    ("pcie_max_width", LINK + "link_widths/max_link_width", 1),
    ("pcie_width", LINK + "link_widths/current_link_width", 1),
    ("pcie_tx_kbps", "pci/tx_util", 1), ("pcie_rx_kbps", "pci/rx_util", 1),
    ("pcie_replay_counter", "pci/replay_counter", 1),
    ("memory_total_mib", "fb_memory_usage/total", 1),
    ("memory_reserved_mib", "fb_memory_usage/reserved", 1),
    ("memory_overhead_mib", "fb_memory_usage/used", 1),
    ("bar1_total_mib", "bar1_memory_usage/total", 1),
    ("bar1_used_mib", "bar1_memory_usage/used", 1),
    ("utilization_gpu", "utilization/gpu_util", 1),
    ("utilization_memory", "utilization/memory_util", 1),
    ("utilization_encoder", "utilization/encoder_util", 1),
    ("utilization_decoder", "utilization/decoder_util", 1),
    ("temperature", "temperature/gpu_temp", 1),
    ("memory_temperature", "temperature/memory_temp", 1),
    ("temp_shutdown", "temperature/gpu_temp_max_threshold", 1),
    ("temp_slowdown", "temperature/gpu_temp_slow_threshold", 1),
    ("temp_mem_max", "temperature/gpu_temp_max_mem_threshold", 1),
    ("temp_gpu_max", "temperature/gpu_temp_max_gpu_threshold", 1),
    ("power_usage_mw", POWER + "instant_power_draw", 1000),
    ("power_limit_mw", POWER + "current_power_limit", 1000),
    ("power_default_limit_mw", POWER + "default_power_limit", 1000),
    ("power_min_limit_mw", POWER + "min_power_limit", 1000),
    ("power_max_limit_mw", POWER + "max_power_limit", 1000),
    ("clock_graphics", "clocks/graphics_clock", 1), ("clock_sm", "clocks/sm_clock", 1),
    ("clock_memory_mhz", "clocks/mem_clock", 1), ("clock_video", "clocks/video_clock", 1),
    ("max_graphics", "max_clocks/graphics_clock", 1), ("max_sm", "max_clocks/sm_clock", 1),
    ("max_mem", "max_clocks/mem_clock", 1), ("max_video", "max_clocks/video_clock", 1),
    ("default_app_graphics", "default_applications_clocks/graphics_clock", 1),
    ("default_app_mem", "default_applications_clocks/mem_clock", 1),
    ("remapped_rows_correctable", "remapped_rows/remapped_row_corr", 1),
    ("remapped_rows_uncorrectable", "remapped_rows/remapped_row_unc", 1),
]
# Keys that are a name for the element's text: (key, path, {text: name}).
NAMED = [
    ("brand", "product_brand", BRANDS), ("architecture", "product_architecture", ARCHS),
    ("addressing_mode", "addressing_mode", {"None": "none", "HMM": "hmm", "ATS": "ats"}),
    ("virtualization_mode", "gpu_virtualization_mode/virtualization_mode", VIRT),
    ("persistence_mode", "persistence_mode", {"Enabled": True, "Disabled": False}),
    ("compute_mode", "compute_mode", {"Default": "default", "Prohibited": "prohibited",
                                      "Exclusive_Process": "exclusive_process"}),
]
# T.Limit thresholds in the order of `tlimit_margins`: shutdown, slowdown, memory, GPU.
TLIMITS = ["gpu_temp_max_tlimit_threshold", "gpu_temp_slow_tlimit_threshold",
           "gpu_temp_max_mem_tlimit_threshold", "gpu_temp_max_gpu_tlimit_threshold"]
ATOMICS = {"FETCHADD_32": 0x1, "FETCHADD_64": 0x2, "SWAP_32": 0x4, "SWAP_64": 0x8,
           "CAS_32": 0x10, "CAS_64": 0x20, "CAS_128": 0x40}
# fabric/health elements: (key of `fabric_health`, element, {text: value}).
TRUE_FALSE = {"True": True, "False": False}
FABRIC_HEALTH = [
    ("degraded_bandwidth", "bandwidth", {"Degraded": True, "Full": False}),
    ("route_recovery", "route_recovery_in_progress", TRUE_FALSE),
    ("route_unhealthy", "route_unhealthy", TRUE_FALSE),
    ("access_timeout_recovery", "access_timeout_recovery", TRUE_FALSE),
    ("partition_assigned", "partition_assigned", TRUE_FALSE),
]
MODULE_POWER = [("usage_mw", "instant_power_draw"), ("limit_mw", "current_power_limit"),
                ("default_limit_mw", "default_power_limit"),
                ("min_limit_mw", "min_power_limit"), ("max_limit_mw", "max_power_limit")]


def mhz_list(m):
    return [round(float(c.text.split()[0])) for c in m.findall("supported_graphics_clock")
            if c.text and c.text.split()[0].replace(".", "", 1).isdigit()]


def clocks_from(x, g):
    """Supported clocks: the lowest graphics clock and the step (7.5 MHz on Blackwell, whose
    clocks NVML truncates to whole MHz), and the memory clocks besides the first, each with its
    highest graphics clock where that is below the board's."""
    mems = x.findall("supported_clocks/supported_mem_clock")
    if not mems:
        return
    clocks = mhz_list(mems[0])
    if len(clocks) > 1:
        g["min_graphics"] = clocks[-1]
        step = round((clocks[0] - clocks[-1]) / (len(clocks) - 1) * 2) / 2
        g["graphics_step"] = int(step) if step.is_integer() else step
    low = []
    for m in mems[1:]:
        mhz = round(float(m.findtext("value").split()[0]))
        own = mhz_list(m)
        top = own[0] if own else None
        low.append(mhz if top is None or not clocks or top >= clocks[0]
                   else {"mhz": mhz, "max_graphics": top})
    g["low_mem_clocks"] = low


def blackwell_from(x, g):
    """What Hopper's capture lacks or shows as N/A: module power, C2C, fabric health, power
    smoothing, atomics, the GPU's own PCIe generation, T.Limits, the row remapper."""
    margins = [number(x, "temperature/" + t) for t in TLIMITS]
    if any(m is not None for m in margins):
        g["tlimit_margins"] = margins
    link, device = number(x, LINK + "pcie_gen/max_link_gen"), number(x, LINK + "pcie_gen/max_device_link_gen")
    g["pcie_max_device_gen"] = device if device and device != link else 0
    for way in ("outbound", "inbound"):
        ops = (text(x, f"pci/atomic_caps_{way}") or "").split()
        g[f"pcie_atomics_{way}"] = sum(ATOMICS.get(op, 0) for op in ops)
    g["sparse_operation_mode"] = {"Enabled": True, "Disabled": False}.get(text(x, "sparse_operation_mode"))
    g["memory_power_mw"] = number(x, "gpu_memory_power_readings/average_power_draw", 1000) or 0
    module = {k: number(x, "module_power_readings/" + p, 1000) for k, p in MODULE_POWER}
    g["module_power"] = None if None in module.values() else module
    if text(x, "c2c_mode") == "Enabled" and not g.get("c2c"):
        print("note: c2c_mode is Enabled; the capture does not say the links: --set c2c=...",
              file=sys.stderr)
    elif text(x, "c2c_mode") != "Enabled":
        g["c2c"] = None
    summary = text(x, "fabric/health/summary")
    g["fabric_health"] = None if summary is None else {
        "summary": summary.lower().replace(" ", "_"),
        "incorrect_configuration": "not_supported" if text(x, "fabric/health/incorrect_configuration") is None else "none",
        **{k: names.get(text(x, f"fabric/health/{e}")) for k, e, names in FABRIC_HEALTH},
    }
    g["power_smoothing"] = text(x, "power_smoothing") is not None
    g["row_remapper_banks"] = number(x, "remapped_rows/row_remapper_histogram/row_remapper_histogram_max") or 0


def gpu_from_capture(x, g):
    for key, path in TEXTS:
        put(g, key, text(x, path))
    for key, path, scale in NUMBERS:
        put(g, key, number(x, path, scale))
    for key, path, names in NAMED:
        put(g, key, names.get(text(x, path)))
    board = text(x, "board_id")
    put(g, "board_id", int(board, 16) if board else None)
    g["gpu_part_number"] = text(x, "gpu_part_number") or ""
    for key, obj in [("inforom_oem", "oem_object"), ("inforom_ecc", "ecc_object"),
                     ("inforom_power", "pwr_object")]:
        g[key] = text(x, "inforom_version/" + obj) or "N/A"
    for key, path in [("pci_domain", "pci/pci_domain"), ("pci_bus", "pci/pci_bus"),
                      ("pci_device", "pci/pci_device")]:
        t = text(x, path)
        put(g, key, int(t, 16) if t else None)
    for key, path in [("pci_device_id", "pci/pci_device_id"),
                      ("pci_subsystem_id", "pci/pci_sub_system_id")]:
        t = text(x, path)
        put(g, key, "0x" + t.upper() if t else None)
    fan = text(x, "fan_speed")
    g["fan_speeds"] = [] if fan is None else g.get("fan_speeds", [])
    clocks_from(x, g)
    pstate = text(x, "performance_state")
    put(g, "pstate", int(pstate[1:]) if pstate else None)
    g["clocks_event_reasons"] = sum(
        bit for name, bit in REASONS.items()
        if text(x, f"clocks_event_reasons/clocks_event_reason_{name}") == "Active")
    ecc = text(x, "ecc_mode/current_ecc")
    g["ecc_supported"] = ecc is not None
    g["ecc_enabled"] = ecc == "Enabled"
    for scope in ["volatile", "aggregate"]:
        count = lambda kinds: sum(number(x, f"ecc_errors/{scope}/{k}") or 0 for k in kinds)
        g[f"ecc_corrected_{scope}"] = count(["sram_correctable", "dram_correctable"])
        g[f"ecc_uncorrected_{scope}"] = count(["sram_uncorrectable_parity",
                                               "sram_uncorrectable_secded", "dram_uncorrectable"])
    blackwell_from(x, g)
    mig = text(x, "mig_mode/current_mig")
    g["mig_enabled"] = mig == "Enabled"
    if mig is None:
        g["mig_capable"] = False
        g["mig_profiles"] = []
    else:
        g["mig_capable"] = True
    if text(x, "temperature/memory_temp") is None:
        g["memory_temperature"] = 0
    display = x.findtext("display_mode", "").strip()
    if display in ("Enabled", "Disabled"):
        g["display_mode"] = display == "Enabled"
    g["page_retirement"] = text(x, "retired_pages/pending_retirement") is not None
    if text(x, "temperature/gpu_temp_max_gpu_threshold") is None:
        # Newer drivers print the T.Limit reading instead: the maximum operating temperature
        # is the temperature plus how far below it the GPU is.
        t, margin = number(x, "temperature/gpu_temp"), number(x, "temperature/gpu_temp_tlimit")
        if t is not None and margin is not None:
            g["temp_gpu_max"] = t + margin
    if text(x, "default_applications_clocks/graphics_clock") is None:
        # Application clocks not shown (deprecated, N/A): the mock's stay at the maxima.
        g["default_app_graphics"] = g.get("max_graphics", 0)
        g["default_app_mem"] = g.get("max_mem", 0)
    g["processes"] = []
    g["nvlink_errors"] = []
    support_from(x, g)
    return g


# What each capability-model feature (nvml-mock/src/support.rs) is seen as in a capture: the
# elements whose N/A, value or "deprecated" says how the query answers (the first present
# decides).
SUPPORT = [
    ("application_clocks", ["applications_clocks/graphics_clock",
                            "default_applications_clocks/graphics_clock"]),
    ("display_mode", ["display_mode"]),
    ("power_state", ["gpu_power_readings/power_state"]),
    ("average_power", ["gpu_power_readings/average_power_draw"]),
    ("tlimit", ["temperature/gpu_temp_tlimit"]),
    ("c2c_mode", ["c2c_mode"]),
    ("cc_protected_memory", ["cc_protected_memory_usage/total"]),
    ("gpu_recovery_action", ["gpu_recovery_action"]),
    ("sram_ecc", ["ecc_errors/volatile/sram_correctable"]),
    ("remapped_rows", ["remapped_rows/remapped_row_corr", "remapped_rows"]),
    ("remapped_rows_inactive", ["remapped_rows/remapped_row_corr_inactive"]),
]


def support_from(x, g):
    """The GPU's `support` object: each feature the capture shows, as it answers there."""
    support = dict(g.get("support") or {})
    for feature, paths in SUPPORT:
        for path in paths:
            a = answer(x, path)
            if a is not None:
                support[feature] = a
                break
    g["support"] = support


# Keys `nvidia-smi -q` never shows, at neutral values: what a profile without a template gets
# (each one named on stderr). The compute capability follows the architecture.
NEUTRAL = {
    "nvlink_count": 0, "nvlink_speed_mbps": 0, "nvlink_version": "none", "nvlink_errors": [],
    "mig_capable": False, "mig_enabled": False, "mig_profiles": [], "processes": [],
    "c2c": None, "module_power": None, "fabric_health": None, "gpu_numa_node": None,
    "numa_node": -1, "retired_pages_sbe": [], "retired_pages_dbe": [],
    "vgpu_heterogeneous_mode": False, "vgpu_placement_slots": 1, "energy_base_mj": 0,
    "power_smoothing": False, "row_remapper_banks": 0, "memory_power_mw": 0,
    "pcie_atomics_outbound": 0, "pcie_atomics_inbound": 0, "pcie_max_device_gen": 0,
    "addressing_mode": "none", "sm_count": 0, "cuda_cores": 0, "nvenc_count": 0,
    "memory_bus_width": 0,
}
CUDA_CC = {"turing": [7, 5], "ampere": [8, 0], "ada": [8, 9], "hopper": [9, 0],
           "blackwell": [10, 0], "volta": [7, 0]}
# Keys the capture gives (or neutral values stand for) that a warning need not name.
QUIET = {"name", "serial", "uuid", "support", "processes", "nvlink_errors"}


def template_path(t):
    """A template: a built-in profile's name or a file."""
    if t is None:
        return None
    path = Path(t)
    if not path.exists() and (BUILTIN / f"{t}.json").exists():
        path = BUILTIN / f"{t}.json"
    if not path.exists():
        names = ", ".join(sorted(p.stem for p in BUILTIN.glob("*.json")))
        sys.exit(f"from_capture: no template {t!r} (a file, or a built-in: {names})")
    return path


def check(g, i, capture_gpu, from_template):
    """Refuses what the capture disproves; returns the complaint or None."""
    for clock, limit in [("default_app_graphics", "max_graphics"), ("default_app_mem", "max_mem")]:
        if g.get(clock, 0) > g.get(limit, 0):
            return (f"gpus[{i}]: {clock} {g[clock]} MHz is above the board's {limit} "
                    f"{g[limit]} MHz")
    if g.get("mig_profiles") and capture_gpu.find("mig_mode") is None:
        return f"gpus[{i}]: MIG profiles on a board whose capture has no MIG mode"
    if g.get("nvlink_count") and text(capture_gpu, "fabric/state") is None and \
            g.get("fabric_health") is None and capture_gpu.find("fabric") is not None:
        return f"gpus[{i}]: {g['nvlink_count']} NvLinks on a board whose capture shows no fabric"
    if from_template and g.get("mig_profiles"):
        total = g.get("memory_total_mib", 0)
        for p in g["mig_profiles"]:
            if p.get("slices") == 8 and abs(p.get("memory_mb", 0) - total) > total // 8:
                return (f"gpus[{i}]: the template's MIG table ({p.get('name')}, "
                        f"{p.get('memory_mb')} MB) is for another framebuffer than the "
                        f"capture's {total} MiB: --set mig_profiles=[...]")
    return None


def main():
    templates = ", ".join(sorted(p.stem for p in BUILTIN.glob("*.json")))
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"""templates (--template NAME): {templates}, or any profile file.

examples:
  from_capture.py qx-l40s.xml --name l40s > l40s.json
  from_capture.py qx-t4.xml --name t4 --set sm_count=40 --set cuda_cores=2560
  from_capture.py qx-gb200.xml --name tray --template gb200-nvl-tray \\
      --set 'c2c={{"links": 10, "link_bandwidth_mbps": 44712}}'

Then check it: python3 oracles/compare_capture.py l40s.json qx-l40s.xml --no-accepted""")
    ap.add_argument("capture", help="an nvidia-smi -q -x output")
    ap.add_argument("--name", required=True, help="the profile's name")
    ap.add_argument("--template", help="a built-in profile name or a profile file: what the "
                    "capture cannot say comes from its GPUs (default: neutral values)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON",
                    help="set a GPU key on every GPU, e.g. sm_count=142 (repeatable)")
    args = ap.parse_args()
    root = ET.parse(args.capture).getroot()
    template = template_path(args.template)
    if template:
        with open(template) as f:
            profile = json.load(f)
    else:
        with open(BUILTIN / "workstation.json") as f:
            profile = json.load(f)
        profile.update({"root": False, "cpu_count": 8, "numa_cpus": [list(range(8))],
                        "vgpu_types": [], "vgpu_instances": [], "confidential_computing": None,
                        "units": []})
        print("from_capture: cpu_count 8, numa_cpus [[0..7]]: not in the capture "
              "(the mock fits them to the host's CPUs)", file=sys.stderr)
    template_gpus = profile["gpus"]
    profile["name"] = args.name
    driver = root.findtext("driver_version").strip()
    cuda = root.findtext("cuda_version").strip()
    major, minor = (int(v) for v in cuda.split(".")[:2])
    profile["driver_version"] = driver
    profile["nvml_version"] = f"{major}.{driver}"
    profile["cuda_driver_version"] = major * 1000 + minor * 10
    sets = []
    for kv in args.set:
        k, sep, v = kv.partition("=")
        if not sep:
            sys.exit(f"from_capture: --set {kv!r}: expected KEY=JSON")
        try:
            sets.append((k, json.loads(v)))
        except json.JSONDecodeError as e:
            sys.exit(f"from_capture: --set {k}: not JSON: {e}")
    gpus = []
    for i, x in enumerate(root.findall("gpu")):
        base = copy.deepcopy(template_gpus[min(i, len(template_gpus) - 1)])
        if not template:
            base.update(copy.deepcopy(NEUTRAL))
            base["support"] = {}
            base.pop("display_mode", None)
        g = gpu_from_capture(x, copy.deepcopy(base))
        if not template:
            g["cuda_cc"] = CUDA_CC.get(g.get("architecture"), g["cuda_cc"])
        for k, v in sets:
            g[k] = v
        given = {k for k, _ in sets}
        for k in sorted(g):
            if k in given or k in QUIET or k.startswith("$"):
                continue
            if g[k] == base.get(k) and not confirmed(x, k, g[k]):
                source = f"template {template.stem} GPU {min(i, len(template_gpus) - 1)}" \
                    if template else "a neutral default"
                print(f"from_capture: gpus[{i}].{k} = {json.dumps(g[k])} from {source}, "
                      f"not the capture (--set {k}=... to give it)", file=sys.stderr)
        complaint = check(g, i, x, bool(template))
        if complaint:
            sys.exit(f"from_capture: refused: {complaint}")
        gpus.append(g)
    profile["gpus"] = gpus
    sys.stdout.write(layout(profile) + "\n")


def confirmed(x, key, value):
    """Whether the capture states this value of the key (so an equal template value is fine)."""
    for k, path, *_ in TEXTS + NUMBERS + NAMED:
        if k == key:
            return x.find(path) is not None
    return key in CAPTURED


# Keys gpu_from_capture sets from elements other than TEXTS, NUMBERS and NAMED.
CAPTURED = {"board_id", "gpu_part_number", "inforom_oem", "inforom_ecc", "inforom_power",
            "pci_domain", "pci_bus", "pci_device", "pci_device_id", "pci_subsystem_id",
            "fan_speeds", "min_graphics", "graphics_step", "low_mem_clocks", "pstate",
            "clocks_event_reasons", "ecc_supported", "ecc_enabled", "ecc_corrected_volatile",
            "ecc_uncorrected_volatile", "ecc_corrected_aggregate", "ecc_uncorrected_aggregate",
            "tlimit_margins", "pcie_max_device_gen", "pcie_atomics_outbound",
            "pcie_atomics_inbound", "sparse_operation_mode", "memory_power_mw", "module_power",
            "c2c", "fabric_health", "power_smoothing", "row_remapper_banks", "mig_enabled",
            "mig_capable", "memory_temperature", "display_mode", "page_retirement",
            "mig_profiles", "temp_gpu_max", "default_app_graphics", "default_app_mem"}


def layout(v, depth=0):
    """JSON with one key a line and arrays of plain values on one line."""
    pad = "  " * depth
    if isinstance(v, dict) and v:
        rows = [f"{pad}  {json.dumps(k)}: {layout(x, depth + 1)}" for k, x in v.items()]
        return "{\n" + ",\n".join(rows) + "\n" + pad + "}"
    if isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v):
        rows = [f"{pad}  {layout(x, depth + 1)}" for x in v]
        return "[\n" + ",\n".join(rows) + "\n" + pad + "]"
    if isinstance(v, list):
        return "[" + ", ".join(json.dumps(x) for x in v) + "]"
    return json.dumps(v)


if __name__ == "__main__":
    main()
