#!/usr/bin/env python3
"""Writes a complete nvml-mock profile (FORMAT.md) from an `nvidia-smi -q -x` capture.

    python3 nvml-mock/profiles/from_capture.py CAPTURE.xml --name NAME \
        [--template profiles/builtin/dgx-h100.json] [--set KEY=JSON ...] > NAME.json

Every value the capture shows is taken from it, GPU by GPU; what `nvidia-smi -q` does not
show (SM and core counts, NvLink count and speed, the MIG table, NUMA nodes, CPUs) comes from
the template's GPU of the same index (its last GPU past its end), or from `--set`, which sets
a key on every GPU (`--set sm_count=148`). The result is a complete profile, the shape of the
built-in files.
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


def gpu_from_capture(x, g):
    put(g, "name", text(x, "product_name"))
    put(g, "brand", BRANDS.get(text(x, "product_brand")))
    put(g, "architecture", ARCHS.get(text(x, "product_architecture")))
    put(g, "serial", text(x, "serial"))
    put(g, "uuid", text(x, "uuid"))
    board = text(x, "board_id")
    put(g, "board_id", int(board, 16) if board else None)
    put(g, "board_part_number", text(x, "board_part_number"))
    g["gpu_part_number"] = text(x, "gpu_part_number") or ""
    put(g, "addressing_mode", {"None": "none", "HMM": "hmm", "ATS": "ats"}.get(text(x, "addressing_mode")))
    put(g, "minor_number", number(x, "minor_number"))
    put(g, "vbios_version", text(x, "vbios_version"))
    put(g, "inforom_image_version", text(x, "inforom_version/img_version"))
    g["inforom_oem"] = text(x, "inforom_version/oem_object") or "N/A"
    g["inforom_ecc"] = text(x, "inforom_version/ecc_object") or "N/A"
    g["inforom_power"] = text(x, "inforom_version/pwr_object") or "N/A"
    put(g, "virtualization_mode", VIRT.get(text(x, "gpu_virtualization_mode/virtualization_mode")))
    for key, path in [("pci_domain", "pci/pci_domain"), ("pci_bus", "pci/pci_bus"),
                      ("pci_device", "pci/pci_device")]:
        t = text(x, path)
        put(g, key, int(t, 16) if t else None)
    for key, path in [("pci_device_id", "pci/pci_device_id"),
                      ("pci_subsystem_id", "pci/pci_sub_system_id")]:
        t = text(x, path)
        put(g, key, "0x" + t.upper() if t else None)
    link = "pci/pci_gpu_link_info/"
    put(g, "pcie_max_gen", number(x, link + "pcie_gen/max_link_gen"))
    put(g, "pcie_generation", number(x, link + "pcie_gen/current_link_gen"))
    put(g, "pcie_max_width", number(x, link + "link_widths/max_link_width"))
    put(g, "pcie_width", number(x, link + "link_widths/current_link_width"))
    put(g, "pcie_tx_kbps", number(x, "pci/tx_util"))
    put(g, "pcie_rx_kbps", number(x, "pci/rx_util"))
    put(g, "pcie_replay_counter", number(x, "pci/replay_counter"))
    put(g, "memory_total_mib", number(x, "fb_memory_usage/total"))
    put(g, "memory_reserved_mib", number(x, "fb_memory_usage/reserved"))
    put(g, "memory_overhead_mib", number(x, "fb_memory_usage/used"))
    put(g, "bar1_total_mib", number(x, "bar1_memory_usage/total"))
    put(g, "bar1_used_mib", number(x, "bar1_memory_usage/used"))
    for key, path in [("gpu", "gpu_util"), ("memory", "memory_util"),
                      ("encoder", "encoder_util"), ("decoder", "decoder_util")]:
        put(g, "utilization_" + key, number(x, "utilization/" + path))
    put(g, "temperature", number(x, "temperature/gpu_temp"))
    put(g, "memory_temperature", number(x, "temperature/memory_temp"))
    for key, path in [("temp_shutdown", "gpu_temp_max_threshold"),
                      ("temp_slowdown", "gpu_temp_slow_threshold"),
                      ("temp_mem_max", "mem_temp_max_threshold"),
                      ("temp_gpu_max", "gpu_temp_max_gpu_threshold")]:
        put(g, key, number(x, "temperature/" + path))
    fan = text(x, "fan_speed")
    g["fan_speeds"] = [] if fan is None else g.get("fan_speeds", [])
    power = "gpu_power_readings/"
    put(g, "power_usage_mw", number(x, power + "instant_power_draw", 1000))
    put(g, "power_limit_mw", number(x, power + "current_power_limit", 1000))
    put(g, "power_default_limit_mw", number(x, power + "default_power_limit", 1000))
    put(g, "power_min_limit_mw", number(x, power + "min_power_limit", 1000))
    put(g, "power_max_limit_mw", number(x, power + "max_power_limit", 1000))
    put(g, "clock_graphics", number(x, "clocks/graphics_clock"))
    put(g, "clock_sm", number(x, "clocks/sm_clock"))
    put(g, "clock_memory_mhz", number(x, "clocks/mem_clock"))
    put(g, "clock_video", number(x, "clocks/video_clock"))
    put(g, "max_graphics", number(x, "max_clocks/graphics_clock"))
    put(g, "max_sm", number(x, "max_clocks/sm_clock"))
    put(g, "max_mem", number(x, "max_clocks/mem_clock"))
    put(g, "max_video", number(x, "max_clocks/video_clock"))
    put(g, "default_app_graphics", number(x, "default_applications_clocks/graphics_clock"))
    put(g, "default_app_mem", number(x, "default_applications_clocks/mem_clock"))
    top = x.find("supported_clocks/supported_mem_clock")
    if top is not None:
        clocks = [round(float(c.text.split()[0])) for c in top.findall("supported_graphics_clock")]
        if len(clocks) > 1:
            g["min_graphics"] = clocks[-1]
            # The mock steps evenly: the mean step (B200's 7.5 MHz alternates 7 and 8).
            g["graphics_step"] = max(1, round((clocks[0] - clocks[-1]) / (len(clocks) - 1)))
    pstate = text(x, "performance_state")
    put(g, "pstate", int(pstate[1:]) if pstate else None)
    reasons = 0
    for name, bit in REASONS.items():
        if text(x, f"clocks_event_reasons/clocks_event_reason_{name}") == "Active":
            reasons |= bit
    g["clocks_event_reasons"] = reasons
    put(g, "persistence_mode", {"Enabled": True, "Disabled": False}.get(text(x, "persistence_mode")))
    put(g, "compute_mode", {"Default": "default", "Exclusive_Process": "exclusive_process",
                            "Prohibited": "prohibited"}.get(text(x, "compute_mode")))
    ecc = text(x, "ecc_mode/current_ecc")
    g["ecc_supported"] = ecc is not None
    g["ecc_enabled"] = ecc == "Enabled"
    for scope in ["volatile", "aggregate"]:
        corr = sum(number(x, f"ecc_errors/{scope}/{k}") or 0
                   for k in ["sram_correctable", "dram_correctable"])
        unc = sum(number(x, f"ecc_errors/{scope}/{k}") or 0
                  for k in ["sram_uncorrectable_parity", "sram_uncorrectable_secded",
                            "dram_uncorrectable"])
        g[f"ecc_corrected_{scope}"] = corr
        g[f"ecc_uncorrected_{scope}"] = unc
    put(g, "remapped_rows_correctable", number(x, "remapped_rows/remapped_row_corr"))
    put(g, "remapped_rows_uncorrectable", number(x, "remapped_rows/remapped_row_unc"))
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
