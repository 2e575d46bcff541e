#!/usr/bin/env python3
"""Writes a complete nvml-mock profile (FORMAT.md) from an `nvidia-smi -q -x` capture.

    python3 nvml-mock/profiles/from_capture.py CAPTURE.xml --name NAME \
        [--template profiles/builtin/dgx-h100.json] [--set KEY=JSON ...] > NAME.json

Every value the capture shows is taken from it, GPU by GPU; what `nvidia-smi -q` does not
show (SM and core counts, NvLink count and speed, the MIG table, NUMA nodes, CPUs) comes from
the template's GPU of the same index (its last GPU past its end), or from `--set`, which sets
a key on every GPU (`--set sm_count=148`; a capture says C2C is enabled but not its links:
`--set 'c2c={"links": 10, "link_bandwidth_mbps": 44712}'`). The result is a complete
profile, the shape of the built-in files. Regenerating a built-in board with its own file as
the template (`--template nvml-mock/profiles/builtin/dgx-b200.json`) gives that file back,
with what the capture cannot say kept.
"""

import argparse
import copy
import json
import sys
import xml.etree.ElementTree as ET

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


def text(gpu, path):
    """The element's text, or None when absent or N/A."""
    t = gpu.findtext(path)
    if t is None:
        return None
    t = t.strip()
    return None if t in ("", "N/A") or t.startswith("Requested functionality") else t


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
    ("temp_mem_max", "temperature/mem_temp_max_threshold", 1),
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


def clocks_from(x, g):
    """Supported clocks: the lowest graphics clock and the step (7.5 MHz on Blackwell, whose
    clocks NVML truncates to whole MHz), and the memory clocks besides the first."""
    mems = x.findall("supported_clocks/supported_mem_clock")
    if not mems:
        return
    clocks = [round(float(c.text.split()[0])) for c in mems[0].findall("supported_graphics_clock")]
    if len(clocks) > 1:
        g["min_graphics"] = clocks[-1]
        step = round((clocks[0] - clocks[-1]) / (len(clocks) - 1) * 2) / 2
        g["graphics_step"] = int(step) if step.is_integer() else step
    g["low_mem_clocks"] = [round(float(m.findtext("value").split()[0])) for m in mems[1:]]


def blackwell_from(x, g):
    """What Hopper's capture lacks or shows as N/A: module power, C2C, fabric health, power
    smoothing, atomics, the GPU's own PCIe generation, T.Limits, the row remapper."""
    margins = [number(x, "temperature/" + t) for t in TLIMITS]
    if None not in margins:
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
    g["processes"] = []
    g["nvlink_errors"] = []
    return g


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("capture")
    ap.add_argument("--name", required=True)
    ap.add_argument("--template", default="nvml-mock/profiles/builtin/dgx-h100.json")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON")
    args = ap.parse_args()
    root = ET.parse(args.capture).getroot()
    with open(args.template) as f:
        profile = json.load(f)
    template_gpus = profile["gpus"]
    profile["name"] = args.name
    driver = root.findtext("driver_version").strip()
    cuda = root.findtext("cuda_version").strip()
    major, minor = (int(v) for v in cuda.split(".")[:2])
    profile["driver_version"] = driver
    profile["nvml_version"] = f"{major}.{driver}"
    profile["cuda_driver_version"] = major * 1000 + minor * 10
    gpus = []
    for i, x in enumerate(root.findall("gpu")):
        g = copy.deepcopy(template_gpus[min(i, len(template_gpus) - 1)])
        gpus.append(gpu_from_capture(x, g))
        for kv in args.set:
            k, v = kv.split("=", 1)
            g[k] = json.loads(v)
    profile["gpus"] = gpus
    sys.stdout.write(layout(profile) + "\n")


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
