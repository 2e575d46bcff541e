#!/usr/bin/env python3
"""Compares a mock profile, as NVIDIA's nvidia-smi prints it, with a real `nvidia-smi -q -x`
capture, on the static facts of the board.

    python3 oracles/compare_capture.py PROFILE CAPTURE.xml [--min 95] [--accepted FILE |
        --no-accepted] [-v]
    python3 oracles/compare_capture.py PROFILE CAPTURE.xml --mock-xml MOCK.xml   # no run

It runs `nvidia-smi -q -x` (the 550 build) with the mock as its NVML on PROFILE (a built-in
name or a JSON profile path), then compares, GPU by GPU in order, every element both documents
have:
- value facts (names, part numbers, ids, limits, maxima, supported clocks, thresholds, modes):
  the text must be equal;
- every other element except identifiers and timestamps (live readings, counters): only
  whether it answers N/A must agree ("which queries answer N/A");
- an element that is a single value on one side (`<remapped_rows>N/A</remapped_rows>`) and has
  sub-elements on the other: compared as whether it answers N/A;
- not compared: serials, UUIDs, PDI, bus ids and slot numbers, timestamps, driver versions,
  process lists; elements only one nvidia-smi version prints are listed with -v.
Where nvidia-smi 550 cannot show a fact of the capture (elements newer than it, an
architecture it predates, more supported clocks than it asks for), the fact is read through
NVML calls instead (oracles/nvml_view.py) and compared the same way; those facts are tagged
[nvml] and counted separately.
A fact matches when it matches on every GPU pair. It prints matched/total and each difference.
Accepted differences live in oracles/capture_differences.txt (`PROFILE PATH: reason`, one a
line; `--accepted FILE` reads another, `--no-accepted` none: a board is done when it passes
with none). It fails below --min percent or on a difference not listed there (a listed difference
that no longer occurs is printed, to delete its line).

Environment: see oracles/mock_env.py (NVML_MOCK_LIB, NVML_TEST_DRIVERS_DIR, CI).
"""

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import mock_env
import nvml_view

ACCEPTED = Path(__file__).resolve().parent / "capture_differences.txt"

# Paths (relative to <gpu>) whose text must be equal.
VALUE_FACTS = {
    "product_name", "product_brand", "product_architecture", "display_mode", "display_active",
    "persistence_mode", "addressing_mode", "mig_mode/current_mig", "mig_mode/pending_mig",
    "accounting_mode", "accounting_mode_buffer_size", "driver_model/current_dm",
    "driver_model/pending_dm", "vbios_version", "multigpu_board", "board_part_number",
    "gpu_part_number", "gpu_fru_part_number", "inforom_version/img_version",
    "inforom_version/oem_object", "inforom_version/ecc_object", "inforom_version/pwr_object",
    "gpu_operation_mode/current_gom", "gpu_operation_mode/pending_gom", "c2c_mode",
    "gpu_virtualization_mode/virtualization_mode", "gpu_virtualization_mode/host_vgpu_mode",
    "gpu_virtualization_mode/vgpu_heterogeneous_mode", "ibmnpu/relaxed_ordering_mode",
    "pci/pci_base_class", "pci/pci_sub_class", "pci/pci_device_id", "pci/pci_sub_system_id",
    "pci/pci_gpu_link_info/pcie_gen/max_link_gen",
    "pci/pci_gpu_link_info/pcie_gen/max_device_link_gen",
    "pci/pci_gpu_link_info/pcie_gen/max_host_link_gen",
    "pci/pci_gpu_link_info/link_widths/max_link_width",
    "pci/pci_bridge_chip/bridge_chip_type", "pci/pci_bridge_chip/bridge_chip_fw",
    "pci/atomic_caps_outbound", "pci/atomic_caps_inbound", "sparse_operation_mode",
    "fb_memory_usage/total", "fb_memory_usage/reserved", "bar1_memory_usage/total",
    "cc_protected_memory_usage/total", "compute_mode", "ecc_mode/current_ecc",
    "ecc_mode/pending_ecc", "dram_encryption_mode/current_dram_encryption",
    "dram_encryption_mode/pending_dram_encryption",
    "remapped_rows/row_remapper_histogram/row_remapper_histogram_max",
    "temperature/gpu_temp_max_tlimit_threshold", "temperature/gpu_temp_slow_tlimit_threshold",
    "temperature/gpu_temp_max_gpu_tlimit_threshold",
    "temperature/gpu_temp_max_mem_tlimit_threshold", "temperature/gpu_temp_max_threshold",
    "temperature/gpu_temp_slow_threshold", "temperature/gpu_temp_max_gpu_threshold",
    "temperature/gpu_temp_max_mem_threshold", "temperature/gpu_target_temperature",
    "supported_gpu_target_temp/gpu_target_temp_min",
    "supported_gpu_target_temp/gpu_target_temp_max",
    "gpu_power_readings/current_power_limit", "gpu_power_readings/requested_power_limit",
    "gpu_power_readings/default_power_limit", "gpu_power_readings/min_power_limit",
    "gpu_power_readings/max_power_limit", "module_power_readings/current_power_limit",
    "module_power_readings/requested_power_limit", "module_power_readings/default_power_limit",
    "module_power_readings/min_power_limit", "module_power_readings/max_power_limit",
    "power_smoothing", "applications_clocks/graphics_clock", "applications_clocks/mem_clock",
    "default_applications_clocks/graphics_clock", "default_applications_clocks/mem_clock",
    "deferred_clocks/mem_clock", "max_clocks/graphics_clock", "max_clocks/sm_clock",
    "max_clocks/mem_clock", "max_clocks/video_clock", "max_customer_boost_clocks/graphics_clock",
    "clock_policy/auto_boost", "clock_policy/auto_boost_default", "capabilities/egm",
    "fabric/state", "fabric/status", "fabric/cliqueId", "fabric/clusterUuid",
}
# Not compared at all: identifiers of one unit or slot, timestamps, driver versions, and the
# process lists (what runs is not a fact of the board).
IGNORED_PREFIXES = (
    "serial", "uuid", "pdi", "minor_number", "board_id", "module_id", "platformInfo/module_id",
    "pci/pci_bus", "pci/pci_device", "pci/pci_domain", "pci/pci_bus_id",
    "inforom_bbx_flush/", "gsp_firmware_version",
    "processes", "accounted_processes", "mig_devices", "supported_clocks",
)
# What nvidia-smi 550 prints where it cannot show a fact the NVML calls answer: such a fact is
# compared through NVML. {path: 550's text}
SMI_550_BLIND = {
    # 550 names architectures up to Hopper; NVML answers 10 (Blackwell).
    "product_architecture": "Unknown",
}
# Elements of the captures neither nvidia-smi 550 nor oracles/nvml_view.py reads, and why;
# printed (not counted) where a capture has them.
NOT_READ = {
    "display_attached": "nvidia-smi 580's element has no NVML call in nvml.h it is known to "
                        "come from",
    "platformInfo/": "nvmlDeviceGetPlatformInfo is not modeled: how nvidia-smi 580 words "
                     "peerType is not documented, and slot, tray, chassis and GUID identify a "
                     "unit",
}
NA_TEXTS = {"N/A", "[N/A]", "Not Supported", "[Not Supported]", "Unknown Error",
            "Requested functionality has been deprecated"}


def leaves(gpu):
    """{path: text} of the leaf elements of one <gpu> (repeated paths keep the first)."""
    out = {}

    def walk(e, path):
        kids = list(e)
        if not kids:
            out.setdefault(path, (e.text or "").strip())
            return
        for k in kids:
            walk(k, f"{path}/{k.tag}" if path else k.tag)

    walk(gpu, "")
    return out


def supported_clocks(gpu):
    """{memory clock: [graphics clocks]} or None when the element is absent."""
    sc = gpu.find("supported_clocks")
    if sc is None:
        return None
    table = {}
    for m in sc.findall("supported_mem_clock"):
        table[m.findtext("value", "").strip()] = [
            (g.text or "").strip() for g in m.findall("supported_graphics_clock")]
    return table or (sc.text or "").strip()


def ignored(path):
    return any(path == p or path.startswith(p.rstrip("/") + "/") or
               (p.endswith("/") and path.startswith(p)) for p in IGNORED_PREFIXES)


def clocks_unshown(table):
    """Whether 550 could not list the supported clocks (a GB200 has more than it asks for)."""
    return isinstance(table, dict) and any(
        "Unknown Error" in g or not g for gs in table.values() for g in gs)


def compare(mock_root, cap_root, nvml=None):
    """Returns (facts, only_mock, only_capture, pairs, from_nvml): facts is {name: (kind,
    [(gpu, mock, capture)] of the GPU pairs that differ)}; `nvml` (one dict per GPU, from
    nvml_view) fills in what the 550 output cannot show; from_nvml names those facts."""
    mgpus, cgpus = mock_root.findall("gpu"), cap_root.findall("gpu")
    from_nvml = set()
    facts = {"attached_gpus": ("value", [])}
    pairs = min(len(mgpus), len(cgpus))
    if mock_root.findtext("attached_gpus") != cap_root.findtext("attached_gpus"):
        facts["attached_gpus"][1].append(
            ("-", mock_root.findtext("attached_gpus"), cap_root.findtext("attached_gpus")))
    only_mock, only_cap = set(), set()
    for i, (mg, cg) in enumerate(zip(mgpus, cgpus)):
        ml, cl = leaves(mg), leaves(cg)
        view = nvml[i] if nvml and i < len(nvml) else {}
        for path, text in view.items():
            if path != "supported_clocks" and path in cl and (
                    path not in ml or SMI_550_BLIND.get(path) == ml[path]):
                ml[path] = text
                from_nvml.add(path)
        for path, kids in [(p, [q for q in cl if q.startswith(p + "/")]) for p in ml]:
            # A single value here, sub-elements there (and the other way below): the query
            # answers on one side and not on the other, or both say N/A differently.
            if kids and not ignored(path):
                c = "N/A" if all(cl[q] in NA_TEXTS for q in kids) else f"{len(kids)} sub-elements"
                note_na(facts, path, i, ml[path], c)
                for q in kids:
                    cl.pop(q)
        for path, kids in [(p, [q for q in ml if q.startswith(p + "/")]) for p in cl]:
            if kids and not ignored(path):
                m = "N/A" if all(ml[q] in NA_TEXTS for q in kids) else f"{len(kids)} sub-elements"
                note_na(facts, path, i, m, cl[path])
                for q in kids:
                    ml.pop(q)
        only_mock |= {p for p in ml if p not in cl and not ignored(p)}
        only_cap |= {p for p in cl if p not in ml and not ignored(p)}
        for path in sorted(set(ml) & set(cl)):
            if ignored(path):
                continue
            kind = "value" if path in VALUE_FACTS else "N/A"
            m, c = ml[path], cl[path]
            same = m == c if kind == "value" else (m in NA_TEXTS) == (c in NA_TEXTS)
            entry = facts.setdefault(path, (kind, []))
            if not same:
                entry[1].append((i, m, c))
        msc, csc = supported_clocks(mg), supported_clocks(cg)
        if clocks_unshown(msc) and view.get("supported_clocks"):
            msc = view["supported_clocks"]
            from_nvml.add("supported_clocks")
        if msc is not None and csc is not None:
            entry = facts.setdefault("supported_clocks", ("value", []))
            if msc != csc:
                entry[1].append((i, summarize_clocks(msc), summarize_clocks(csc)))
    return facts, only_mock, only_cap, pairs, from_nvml


def note_na(facts, path, gpu, m, c):
    """Records an N/A-kind fact of one GPU pair (a difference when only one side is N/A)."""
    entry = facts.setdefault(path, ("N/A", []))
    if (m in NA_TEXTS) != (c in NA_TEXTS):
        entry[1].append((gpu, m, c))


def summarize_clocks(t):
    if isinstance(t, str):
        return t
    return "; ".join(f"mem {m}: {len(g)} graphics clocks {g[0] if g else ''}..{g[-1] if g else ''}"
                     for m, g in t.items())


def load_accepted(profile, path=ACCEPTED):
    accepted = {}
    if path and path.exists():
        for n, line in enumerate(path.read_text().splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            head, sep, reason = line.partition(":")
            parts = head.split()
            if not sep or len(parts) != 2 or not reason.strip():
                sys.exit(f"{path}:{n}: expected `PROFILE PATH: reason`")
            if parts[0] == profile:
                accepted[parts[1]] = reason.strip()
    return accepted


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("profile", help="built-in profile name or JSON profile path")
    ap.add_argument("capture", type=Path, help="real nvidia-smi -q -x output")
    ap.add_argument("--min", type=float, default=95.0, help="least percent of facts equal")
    ap.add_argument("--mock-xml", type=Path, help="compare this file instead of running nvidia-smi")
    ap.add_argument("--accepted", type=Path, default=ACCEPTED,
                    help=f"accepted differences (default {ACCEPTED.name})")
    ap.add_argument("--no-accepted", action="store_true",
                    help="accept no difference (how a board is checked before it is called done)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also list matched facts and elements only one side has")
    args = ap.parse_args()

    nvml = None
    if args.mock_xml:
        mock_text = args.mock_xml.read_text()
    else:
        smi = mock_env.nvidia_smi("550")
        lib = mock_env.mock_library()
        rc, mock_text, err = mock_env.run_smi(smi, mock_env.stage(lib), args.profile, ["-q", "-x"])
        if rc != 0:
            sys.exit(f"FAIL: nvidia-smi -q -x on {args.profile} exited {rc}: {err.strip()}")
        nvml = nvml_view.read(lib, args.profile)
    facts, only_mock, only_cap, pairs, from_nvml = compare(
        ET.fromstring(mock_text), ET.parse(args.capture).getroot(), nvml)
    name = Path(args.profile).stem if args.profile.endswith(".json") else args.profile
    accepted = {} if args.no_accepted else load_accepted(name, args.accepted)

    matched = [f for f, (_, d) in facts.items() if not d]
    differing = {f: v for f, v in facts.items() if v[1]}
    unlisted = [f for f in differing if f not in accepted]
    stale = [f for f in accepted if f not in differing]
    for f, (kind, diffs) in sorted(differing.items()):
        gpu, m, c = diffs[0]
        where = "every GPU" if len(diffs) == pairs or gpu == "-" else f"{len(diffs)} GPU(s), first GPU {gpu}"
        tag = f"accepted ({accepted[f]})" if f in accepted else "DIFFERENT"
        via = ", nvml" if f in from_nvml else ""
        print(f"{tag}: {f} [{kind}{via}] mock {m!r} vs capture {c!r} ({where})")
    if args.verbose:
        for f in sorted(matched):
            print(f"match: {f} [{facts[f][0]}{', nvml' if f in from_nvml else ''}]")
        for p in sorted(only_mock):
            print(f"only in the mock's output (not compared): {p}")
        for p in sorted(only_cap):
            print(f"only in the capture (not compared): {p}")
    for prefix, why in NOT_READ.items():
        paths = sorted(p for p in only_cap if p == prefix or p.startswith(prefix))
        if paths:
            print(f"not compared: {', '.join(paths)}: {why}")
    unexplained = sorted(p for p in only_cap
                         if not any(p == k or p.startswith(k) for k in NOT_READ))
    if unexplained and not args.verbose:
        print(f"only in the capture, not compared (-v lists them): {len(unexplained)}")
    for f in stale:
        print(f"note: {name} {f} is listed in {args.accepted.name} but matches now; delete the line")
    total = len(facts)
    pct = 100.0 * len(matched) / total if total else 0.0
    print(f"capture comparison {name} vs {args.capture.name}: {len(matched)}/{total} static facts "
          f"equal ({pct:.1f}%; {len(from_nvml)} of them read through NVML calls, which nvidia-smi "
          f"550 cannot show), {len(differing) - len(unlisted)} accepted differences, "
          f"{len(unlisted)} unlisted")
    ok = pct >= args.min and not unlisted
    if pct < args.min:
        print(f"FAIL: below {args.min}%")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
