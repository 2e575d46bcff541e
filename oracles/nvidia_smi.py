#!/usr/bin/env python3
"""NVIDIA's own nvidia-smi run on the mock, as an independent oracle.

For every built-in profile of the mock it runs Debian's nvidia-smi 550.163.01 (every view
below) and 535 (`-L`), with the mock as its libnvidia-ml.so.1, and fails on a non-zero exit,
"Unknown Error" or "Uninitialized" in the output, XML that does not parse, or a view that lacks
what it must show (processes, topology, NvLink state, error and throughput counters, the vGPU
host's vGPUs, addressing mode). A `--query-gpu` value of [N/A] fails unless the board really
lacks it (NA_THE_BOARD_SHOWS, each with its source). Without --profile it also runs every view
on nvml-mock/profiles/examples/dgx-h100-mig.json, whose profile declares MIG instances: the
default view must list each MIG device and the processes in it and show N/A utilization for a
MIG-enabled GPU, `mig -lgi` the GPU instance ids a driver gives the placements, and
`nvml-mock from-capture` on its `-q -x` must declare the same MIG instances. It also runs `-B` (the excluded GPUs) on every profile, and `-B` and `-L` on
nvml-mock/profiles/examples/dgx-h100-excluded-gpu.json: the excluded GPU is listed as its
profile declares it, and is not a device; and the accounted processes (`--query-accounted-apps`,
`-q -d ACCOUNTING`) of dgx-h100 with accounting on. Prints one line per failure and a count
summary.

    python3 oracles/nvidia_smi.py [-v] [--profile NAME ...]

Environment: see oracles/mock_env.py (NVML_MOCK_LIB, NVML_TEST_DRIVERS_DIR, CI).
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import mock_env
from mock_env import REPO

# `nvidia-smi -q -d` sections of the 550 build (its `-h`).
SECTIONS = [
    "MEMORY", "UTILIZATION", "ECC", "TEMPERATURE", "POWER", "CLOCK", "COMPUTE", "PIDS",
    "PERFORMANCE", "SUPPORTED_CLOCKS", "PAGE_RETIREMENT", "ACCOUNTING", "ENCODER_STATS",
    "SUPPORTED_GPU_TARGET_TEMP", "VOLTAGE", "FBC_STATS", "ROW_REMAPPER", "RESET_STATUS",
    "GSP_FIRMWARE_VERSION",
]
BAD_TEXT = ["Unknown Error", "Uninitialized"]
# Profiles on which 550 cannot list the supported graphics clocks: it asks
# nvmlDeviceGetSupportedGraphicsClocks for at most 256 and does not retry, and these boards
# have more, so NVML answers INSUFFICIENT_SIZE and 550 prints "Unknown Error" there (as it
# would on the real board). compare_capture.py checks these clocks through NVML instead.
TOO_MANY_CLOCKS_FOR_550 = {
    "gb200-nvl-tray": "a GB200 has 260 supported graphics clocks (captures/qx-gb200.xml)",
}
CLOCK_LINE = re.compile(r"<supported_graphics_clock>Unknown Error<|^\s*Graphics\s*: Unknown Error$")


def query_fields(smi, libdir, kind):
    """Every field `nvidia-smi --help-query-<kind>` documents (first spelling of each)."""
    rc, out, _ = mock_env.run_smi(smi, libdir, "dgx-h100", [f"--help-query-{kind}"])
    fields = re.findall(r'^"([\w.]+)"(?: or "[\w.]+")*$', out, re.M)
    if rc != 0 or not fields:
        sys.exit(f"FAIL: nvidia-smi --help-query-{kind} listed no fields (exit {rc})")
    return fields


class Run:
    def __init__(self, verbose):
        self.verbose = verbose
        self.passed = 0
        self.failures = []

    def check(self, smi, libdir, profile, label, args, expect=None, allow_empty=False):
        """Runs one command; `expect(stdout)` returns a list of problems with the content."""
        rc, out, err = mock_env.run_smi(smi, libdir, profile, args)
        problems = []
        if rc != 0:
            problems.append(f"exit {rc}: {(out + err).strip()[-300:]}")
        excused = profile_label(profile) in TOO_MANY_CLOCKS_FOR_550 and smi.parent.name == "550"
        for bad in BAD_TEXT:
            lines = [l.strip() for l in (out + err).splitlines() if bad in l
                     and not (excused and CLOCK_LINE.search(l.strip()))]
            if lines:
                problems.append(f"{len(lines)} x {bad!r}: {lines[:5]}")
        if not out.strip() and not allow_empty:
            problems.append("no output")
        if expect and rc == 0 and out.strip():
            problems.extend(expect(out))
        name = f"{profile_label(profile)} {smi.parent.name}: nvidia-smi {' '.join(label)}"
        if problems:
            self.failures.append(name)
            for p in problems:
                print(f"FAIL {name}: {p}")
        else:
            self.passed += 1
            if self.verbose:
                print(f"ok   {name}")
        return rc, out


def profile_label(p):
    return Path(p).stem if str(p).endswith(".json") else str(p)


def xml_checks(out):
    try:
        root = ET.fromstring(out)
    except ET.ParseError as e:
        return [f"XML does not parse: {e}"]
    problems = []
    gpus = root.findall("gpu")
    if not gpus:
        problems.append("no <gpu> element")
    for g in gpus:
        mode = g.findtext("addressing_mode")
        if mode is None:
            problems.append(f"GPU {g.get('id')}: no <addressing_mode>")
    return problems


def expect_contains(*needles):
    def check(out):
        return [f"output lacks {n!r}" for n in needles if n not in out]
    return check


def builtin_file(profile):
    """The built-in profile's JSON file as data, every GPU with all its keys ({} for a
    profile that is not one)."""
    return mock_env.builtin_profile(profile)


def unit_checks(profile):
    """`nvidia-smi -q -u` must print each unit's PSU as the profile file gives it (volts and
    amperes to two decimals): nvidia-smi divides what the library reports by 100."""
    units = builtin_file(profile).get("units", [])

    def check(out):
        problems = []
        for u in units:
            psu = u.get("psu", {})
            for key, unit in (("voltage_v", "V"), ("current_a", "A")):
                if key in psu and f"{psu[key]:.2f} {unit}" not in out:
                    problems.append(f"PSU {key} {psu[key]} not printed as {psu[key]:.2f} {unit}")
        return problems
    return check, bool(units)


def gpu_numa_checks(profile):
    """`topo -m`'s last column, "GPU NUMA ID", is the GPU's own memory node where the profile
    gives one (Grace systems) and N/A otherwise (x86: a GPU is not a NUMA node there)."""
    gpus = builtin_file(profile).get("gpus", [])

    def check(out):
        rows = [l.split() for l in out.splitlines() if re.match(r"GPU\d+\s", l)]
        problems = []
        for i, g in enumerate(gpus):
            want = str(g["gpu_numa_node"]) if g.get("gpu_numa_node") is not None else "N/A"
            got = rows[i][-1] if i < len(rows) else None
            if got != want:
                problems.append(f"GPU{i} NUMA ID {got!r}, expected {want!r}")
        return problems
    return check


def gpu_blocks(out):
    """`nvlink` output split per GPU: {index: text of its block}."""
    blocks, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"GPU (\d+): ", line)
        if m:
            cur = int(m.group(1))
            blocks[cur] = []
        elif cur is not None:
            blocks[cur].append(line)
    return {i: "\n".join(b) for i, b in blocks.items()}


# nvml.h: NVML_FI_DEV_NVLINK_ERROR_DL_REPLAY, _RECOVERY and _CRC are "unsupported for
# Blackwell+"; nvidia-smi prints N/A for them there.
NO_DL_ERROR_COUNTERS = {"blackwell", "rubin"}


def nvlink_error_checks(profile):
    """`nvlink -e`: every NvLink of every GPU shows its replay, recovery and CRC (flit) error
    counts, and they are the profile's `nvlink_errors` (0 where it lists none); N/A from
    Blackwell on (or where the profile's `support` says the board lacks them)."""
    gpus = builtin_file(profile).get("gpus", [])

    def check(out):
        blocks, problems = gpu_blocks(out), []
        for i, g in enumerate(gpus):
            errors = {link: c for link, c in g.get("nvlink_errors", [])}
            has = g.get("support", {}).get("nvlink_dl_error_fields",
                                           g.get("architecture") not in NO_DL_ERROR_COUNTERS)
            for link in range(g.get("nvlink_count", 0)):
                want = errors.get(link, [0, 0, 0, 0, 0]) if has else ["N/A"] * 3
                for name, value in (("Replay", want[0]), ("Recovery", want[1]), ("CRC", want[2])):
                    line = f"Link {link}: {name} Errors: {value}"
                    if not re.search(rf"^\s*{line}$", blocks.get(i, ""), re.M):
                        problems.append(f"GPU {i} lacks {line!r}")
        return problems[:10]
    return check


def nvlink_throughput_checks(profile):
    """`nvlink -gt d`: every NvLink of every GPU shows a Tx and an Rx data count in KiB."""
    gpus = builtin_file(profile).get("gpus", [])

    def check(out):
        blocks, problems = gpu_blocks(out), []
        for i, g in enumerate(gpus):
            for link in range(g.get("nvlink_count", 0)):
                for way in ("Tx", "Rx"):
                    if not re.search(rf"^\s*Link {link}: Data {way}: \d+ KiB$", blocks.get(i, ""), re.M):
                        problems.append(f"GPU {i} link {link}: no 'Data {way}: <n> KiB'")
        return problems[:10]
    return check


HOST_VGPU_MODES = {"host_vgpu", "host_vsga"}


def vgpu_checks(profile):
    """`vgpu -q`: each GPU that runs as a vGPU host is listed by bus id with its active vGPU
    count and each vGPU id of the profile; a machine without one says "No supported devices
    in vGPU mode", as on bare metal."""
    data = builtin_file(profile)
    gpus = data.get("gpus", [])
    hosts = [i for i, g in enumerate(gpus) if g.get("virtualization_mode") in HOST_VGPU_MODES]

    def check(out):
        if not hosts:
            return [] if out.strip() == "No supported devices in vGPU mode" else \
                [f"expected 'No supported devices in vGPU mode', got {out.strip()[:200]!r}"]
        problems = []
        sections = re.split(r"^GPU ", out, flags=re.M)
        for i in hosts:
            g = gpus[i]
            bus = f"{g['pci_domain']:08X}:{g['pci_bus']:02X}:{g['pci_device']:02X}.0"
            text = next((t for t in sections if t.startswith(bus)), None)
            if text is None:
                problems.append(f"GPU {i} ({bus}) not listed")
                continue
            vms = [v for v in data.get("vgpu_instances", []) if v.get("gpu") == i]
            m = re.search(r"Active vGPUs\s*: (\d+)", text)
            if not m or int(m.group(1)) != len(vms):
                problems.append(f"GPU {i}: Active vGPUs {m and m.group(1)}, profile has {len(vms)}")
            for v in vms:
                if "id" in v and not re.search(rf"vGPU ID\s*: {v['id']}$", text, re.M):
                    problems.append(f"GPU {i}: vGPU {v['id']} not listed")
        return problems
    return check, bool(hosts)


def profile_data(profile):
    """A profile as data: a built-in one's file, or a user file's GPU objects laid over its
    base's GPUs key by key (what the examples use)."""
    if not str(profile).endswith(".json"):
        return builtin_file(profile)
    data = json.loads(Path(profile).read_text())
    base = builtin_file(data.get("base", "dgx-h100"))
    gpus = [dict(g) for g in base.get("gpus", [])]
    for i, over in enumerate(data.get("gpus", [])):
        if i < len(gpus):
            gpus[i].update(over)
    return dict(base, **{k: v for k, v in data.items() if k != "gpus"}, gpus=gpus)


ARCHITECTURES = ["kepler", "maxwell", "pascal", "volta", "turing", "ampere", "ada", "hopper",
                 "blackwell", "rubin"]


def before(arch):
    """A condition: the GPU's architecture is older than `arch`."""
    return lambda g: (ARCHITECTURES.index(g.get("architecture", "hopper"))
                      < ARCHITECTURES.index(arch))


def mig_on(g):
    return bool(g.get("mig_capable") and g.get("mig_enabled"))


# `--query-gpu` fields a real board prints as [N/A], by the condition under which it does:
# (field name or prefix ending in "."), condition on the profile's GPU object, the source.
# Any other [N/A] is a failure: the mock fails to answer something the board has.
NA_THE_BOARD_SHOWS = [
    ("driver_model.", lambda g: True, "Windows-only: qx-h100.xml <driver_model> N/A on Linux"),
    ("gom.", lambda g: True, "qx-h100.xml <gpu_operation_mode> N/A"),
    ("inforom.pwr", lambda g: g.get("inforom_power") == "N/A", "qx-h100.xml <pwr_object> N/A"),
    ("inforom.ecc", lambda g: g.get("inforom_ecc") == "N/A", "a board without ECC has no ECC object"),
    ("fan.speed", lambda g: not g.get("fan_speeds"), "passively cooled: qx-h100.xml <fan_speed> N/A"),
    ("retired_pages.", lambda g: not g.get("page_retirement"),
     "row remapping replaces page retirement from Ampere on: qx-h100.xml <retired_count> N/A"),
    ("vgpu_driver_capability.", lambda g: g.get("virtualization_mode") not in HOST_VGPU_MODES,
     "not a vGPU host: qx-h100.xml <vgpu_heterogeneous_mode> N/A"),
    ("vgpu_device_capability.", lambda g: g.get("virtualization_mode") not in HOST_VGPU_MODES,
     "not a vGPU host: qx-h100.xml <vgpu_heterogeneous_mode> N/A"),
    ("serial", lambda g: g.get("serial") is None, "GeForce boards have no serial number"),
    ("ecc.", lambda g: not g.get("ecc_supported"), "a board without ECC"),
    ("mig.mode.", lambda g: not g.get("mig_capable"), "a board without MIG"),
    ("temperature.gpu.tlimit", before("ada"), "qx-t4.xml and qx-a100.xml gpu_temp_tlimit N/A"),
    ("power.draw.average", before("ada"), "qx-t4.xml and qx-a100.xml average_power_draw N/A"),
    ("c2c.mode", before("hopper"), "qx-t4.xml, qx-a100.xml and qx-l40s.xml c2c_mode N/A"),
    ("fabric.", lambda g: before("hopper")(g) or not g.get("nvlink_count"),
     "no NVSwitch fabric: qx-a100.xml and qx-l40s.xml <fabric> N/A"),
    # nvml.h: "On MIG-enabled GPUs, querying device utilization rates is not currently
    # supported" (and encoder, decoder, JPEG, OFA utilization); "Querying volatile errors
    # using device handles is currently not supported".
    ("utilization.", mig_on, "nvml.h: utilization is not supported on MIG-enabled GPUs"),
    ("ecc.errors.corrected.volatile.", mig_on, "nvml.h: no volatile ECC through a MIG GPU's handle"),
    ("ecc.errors.uncorrected.volatile.", mig_on, "nvml.h: no volatile ECC through a MIG GPU's handle"),
]
# Fields no real capture here shows at all (the captures' nvidia-smi 580 has no such element):
# their [N/A] is reported as a note, unverified either way.
NA_UNVERIFIED = ["reset_status.", "pcie.link.gen.hostmax"]


def field_matches(field, names):
    return any(field == n or (n.endswith(".") and field.startswith(n)) for n in names)


def query_gpu_checks(profile, fields, notes):
    """`--query-gpu=<all>` (CSV with a header): a value is [N/A] only where the board really
    lacks it (NA_THE_BOARD_SHOWS); the unverified fields are noted once in `notes`."""
    gpus = profile_data(profile).get("gpus", [])

    def check(out):
        rows = [r.split(", ") for r in out.strip().splitlines()[1:]]
        problems = []
        for i, row in enumerate(rows):
            if len(row) != len(fields):
                problems.append(f"GPU {i}: {len(row)} values for {len(fields)} fields")
                continue
            g = gpus[i] if i < len(gpus) else {}
            for f, v in zip(fields, row):
                if v.strip() != "[N/A]":
                    continue
                if field_matches(f, NA_UNVERIFIED):
                    notes.add(f)
                elif not any(field_matches(f, [n]) and cond(g) for n, cond, _ in NA_THE_BOARD_SHOWS):
                    problems.append(f"GPU {i}: {f} is [N/A]")
        return problems[:20]
    return check


def gi_id(start, size):
    """The GPU instance id a driver gives a placement: its node in the tree of 8 memory slices,
    breadth first (7g: 0; 3g at 4: 2; 1g at 0: 7), as `nvidia-smi mig -lgi` shows on A100 and
    H100 (NVIDIA/DCGM issue 138)."""
    return 8 // size - 1 + start // size


def declared_mig(profile):
    """[(gpu, gi id, ci id, profile name, placement, slices)] of a profile's `mig_instances`,
    in MIG device order (GPU, then GPU instance id, then compute instance)."""
    out = []
    for i, g in enumerate(profile_data(profile).get("gpus", [])):
        if not mig_on(g):
            continue
        for x in g.get("mig_instances", []):
            p = next(q for q in g["mig_profiles"] if q["name"] == x["profile"])
            for ci, _ in enumerate(x.get("compute_instances") or [None]):
                out.append((i, gi_id(x["placement"], p["slices"]), ci, p["name"],
                            x["placement"], p["slices"], p["id"]))
    return sorted(out)


def mig_default_view_checks(profile):
    """The default view with MIG on: the "MIG devices" table lists each declared MIG device
    (GPU, GI id, CI id, MIG device index), each process in one shows its GPU instance, and a
    MIG-enabled GPU's utilization is N/A."""
    devices = declared_mig(profile)
    gpus = profile_data(profile).get("gpus", [])

    def check(out):
        problems = []
        if "MIG devices:" not in out or "No MIG devices found" in out:
            problems.append("no MIG devices table")
        index = {}
        for gpu, gi, ci, *_ in devices:
            k = index.get(gpu, 0)
            index[gpu] = k + 1
            if not re.search(rf"^\|\s+{gpu}\s+{gi}\s+{ci}\s+{k}\s+\|\s+\d+MiB /", out, re.M):
                problems.append(f"no MIG device row GPU {gpu} GI {gi} CI {ci} MIG Dev {k}")
        procs = re.findall(r"^\|\s+(\d+)\s+(\d+|N/A)\s+(\d+|N/A)\s+\d+\s+[CGM]", out, re.M)
        for gpu, gi, _ in procs:
            g = gpus[int(gpu)] if int(gpu) < len(gpus) else {}
            if mig_on(g) and not any(d[0] == int(gpu) and str(d[1]) == gi for d in devices):
                problems.append(f"a process on MIG GPU {gpu} in no declared instance (GI {gi})")
        for gpu in {d[0] for d in devices}:
            if not any(p[0] == str(gpu) and p[1] != "N/A" for p in procs) and gpus[gpu].get("processes"):
                problems.append(f"GPU {gpu}'s processes are not listed in its MIG devices")
        util = re.findall(r"\|\s+(\S+)\s+Default \|\s*$", out, re.M)
        for i, g in enumerate(gpus):
            if mig_on(g) and i < len(util) and util[i] != "N/A":
                problems.append(f"GPU {i} has MIG on but shows utilization {util[i]}")
        return problems
    return check


def mig_lgi_checks(profile):
    """`mig -lgi`: every declared GPU instance with its profile id, the id its placement gets
    and its placement."""
    devices = declared_mig(profile)

    def check(out):
        problems = []
        for gpu, gi, ci, name, start, size, pid in devices:
            if ci:
                continue
            if not re.search(rf"^\|\s+{gpu}\s+MIG {re.escape(name)}\s+{pid}\s+{gi}\s+{start}:{size}\s+\|",
                             out, re.M):
                problems.append(f"GPU {gpu}: no {name} (profile {pid}) with id {gi} at {start}:{size}")
        return problems
    return check


MIG_EXAMPLE = REPO / "nvml-mock" / "profiles" / "examples" / "dgx-h100-mig.json"


def from_capture_mig_checks(libdir, profile):
    """`nvml-mock from-capture` on this `-q -x` (with the profile's base as the template, for
    the MIG tables a capture does not show) declares the MIG instances the profile declares,
    on every GPU (a compute instance spanning its GPU instance being the default)."""
    tool = (libdir / "libnvidia-ml.so.1").resolve().parent / "nvml-mock"
    data = profile_data(profile)
    base = json.loads(Path(profile).read_text()).get("base", "dgx-h100")

    def declared(g):
        out = []
        for x in (g.get("mig_instances") or []) if mig_on(g) else []:
            p = next(q for q in g["mig_profiles"] if q["name"] == x["profile"])
            cis = x.get("compute_instances") or [{"slices": p["compute_slices"], "placement": 0}]
            out.append((x["profile"], x["placement"],
                        sorted((c["slices"], c["placement"]) for c in cis)))
        return sorted(out)

    def check(out):
        with tempfile.TemporaryDirectory() as d:
            capture = Path(d) / "qx.xml"
            capture.write_text(out)
            r = subprocess.run([str(tool), "from-capture", str(capture), "--name", "copy",
                                "--template", base], capture_output=True, text=True)
        if r.returncode != 0:
            return [f"from-capture failed: {r.stderr.strip()[-300:]}"]
        copy = json.loads(r.stdout).get("gpus", [])
        problems = []
        for i, g in enumerate(data.get("gpus", [])):
            got = declared(copy[i]) if i < len(copy) else None
            if got != declared(g):
                problems.append(f"from-capture GPU {i}: MIG instances {got}, declared {declared(g)}")
        return problems
    return check


def run_mig_example(run, smi550, smi535, libdir, gpu_fields, app_fields, na_notes):
    """Every view on a machine whose profile declares MIG instances."""
    p = MIG_EXAMPLE
    devices = declared_mig(p)
    run.check(smi535, libdir, p, ["-L"], ["-L"], expect_contains("MIG 3g.40gb", "Device  2:"))
    run.check(smi550, libdir, p, ["-L"], ["-L"], expect_contains("MIG 3g.40gb", "Device  2:"))
    run.check(smi550, libdir, p, ["(default view)"], [], mig_default_view_checks(p))
    run.check(smi535, libdir, p, ["(default view)"], [], mig_default_view_checks(p))
    from_capture = from_capture_mig_checks(libdir, p)
    run.check(smi550, libdir, p, ["-q", "-x"], ["-q", "-x"],
              lambda out: xml_checks(out) + ([] if out.count("<mig_device>") == len(devices)
                                             else [f"{out.count('<mig_device>')} <mig_device>, "
                                                   f"{len(devices)} declared"])
              + from_capture(out))
    run.check(smi550, libdir, p, ["-q"], ["-q"], expect_contains("MIG Device"))
    for s in SECTIONS:
        run.check(smi550, libdir, p, ["-q", "-d", s], ["-q", "-d", s])
    run.check(smi550, libdir, p, ["--query-gpu=<all>"],
              [f"--query-gpu={','.join(gpu_fields)}", "--format=csv"],
              query_gpu_checks(p, gpu_fields, na_notes))
    run.check(smi550, libdir, p, ["--query-compute-apps=<all>"],
              [f"--query-compute-apps={app_fields}", "--format=csv"],
              lambda out: [] if len(out.strip().splitlines()) > 1 else ["no process listed"])
    run.check(smi550, libdir, p, ["mig", "-lgi"], ["mig", "-lgi"], mig_lgi_checks(p))
    run.check(smi550, libdir, p, ["mig", "-lci"], ["mig", "-lci"],
              lambda out: [f"GPU {gpu}: no compute instance {ci} in GPU instance {gi} ({name})"
                           for gpu, gi, ci, name, *_ in devices
                           if not re.search(rf"^\|\s+{gpu}\s+{gi}\s+{re.escape(name)}\s+\d+\s+{ci}\s",
                                            out, re.M)])
    run.check(smi550, libdir, p, ["topo", "-m"], ["topo", "-m"], expect_contains("GPU0"))


EXCLUDED_EXAMPLE = REPO / "nvml-mock" / "profiles" / "examples" / "dgx-h100-excluded-gpu.json"
NO_EXCLUDED = "No excluded devices found."


def excluded_lines(profile):
    """The lines `nvidia-smi -B` prints for the excluded GPUs a profile file declares (its
    format string: `Excluded GPU %u: %08X:%02X:%02X.0 (UUID: %s)`)."""
    gpus = json.loads(Path(profile).read_text()).get("excluded_gpus", [])
    return [f"Excluded GPU {i}: {g['pci_domain']:08X}:{g['pci_bus']:02X}:{g['pci_device']:02X}.0 "
            f"(UUID: {g['uuid']})" for i, g in enumerate(gpus)]


ACCOUNTED_FIELDS = "gpu_bus_id,pid,gpu_utilization,mem_utilization,max_memory_usage,time"


def run_accounting(run, smi550, smi535, libdir, tmp):
    """dgx-h100 with accounting on on every GPU: `--query-accounted-apps` lists each GPU's
    processes with the GPU's utilization, the memory each uses and a time of 0 (running), as
    nvml.h documents the statistics; `-q -d ACCOUNTING` shows the mode Enabled."""
    base = "dgx-h100"
    gpus = builtin_file(base)["gpus"]
    p = tmp / "dgx-h100-accounting.json"
    p.write_text(json.dumps({"base": base, "name": "dgx-h100-accounting",
                             "gpus": [{"accounting_mode": True}] * len(gpus)}))
    want = []
    for g in gpus:
        bus = f"{g['pci_domain']:08X}:{g['pci_bus']:02X}:{g['pci_device']:02X}.0"
        seen = []
        for proc in g.get("processes", []):
            if proc["pid"] not in seen:
                seen.append(proc["pid"])
                want.append(f"{bus}, {proc['pid']}, {g['utilization_gpu']}, "
                            f"{g['utilization_memory']}, {proc['used_memory_mib']}, 0")

    def accounted(out):
        got = [line.strip() for line in out.splitlines() if "[N/A]" not in line]
        return [] if got == want else [f"accounted apps {got}, the profile's processes {want}"]

    for smi in (smi550, smi535):
        run.check(smi, libdir, p, ["--query-accounted-apps=..."],
                  [f"--query-accounted-apps={ACCOUNTED_FIELDS}", "--format=csv,noheader,nounits"],
                  accounted)
    run.check(smi550, libdir, p, ["-q", "-d", "ACCOUNTING"], ["-q", "-d", "ACCOUNTING"],
              lambda out: [] if out.count("Enabled") == len(gpus)
              and out.count("Is Running                    : 1") == len(want)
              else ["-q -d ACCOUNTING does not show the mode Enabled and each process running"])


def run_excluded_example(run, smi550, smi535, libdir):
    """A machine with an excluded GPU: `-B` lists it, as its profile declares it, and `-L`
    lists only the others."""
    p = EXCLUDED_EXAMPLE
    want = excluded_lines(p)
    uuids = [line.rsplit("UUID: ", 1)[1].rstrip(")") for line in want]

    def listed(out):
        got = [line.strip() for line in out.splitlines() if line.strip()]
        return [] if got == want else [f"-B listed {got}, the profile declares {want}"]

    def not_a_device(out):
        return [f"-L lists the excluded {u}" for u in uuids if u in out] + (
            [] if "GPU 6:" in out and "GPU 7:" not in out else ["-L does not list 7 GPUs"])

    for smi in (smi550, smi535):
        run.check(smi, libdir, p, ["-B"], ["-B"], listed)
        run.check(smi, libdir, p, ["-L"], ["-L"], not_a_device)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="print passing commands too")
    ap.add_argument("--profile", action="append", help="only these built-in profiles")
    args = ap.parse_args()

    smi550 = mock_env.nvidia_smi("550")
    smi535 = mock_env.nvidia_smi("535")
    lib = mock_env.mock_library()
    libdir = mock_env.stage(lib)
    profiles = args.profile or mock_env.builtin_profiles(lib)
    gpu_field_list = query_fields(smi550, libdir, "gpu")
    gpu_fields = ",".join(gpu_field_list)
    na_notes = set()
    app_fields = ",".join(query_fields(smi550, libdir, "compute-apps"))
    tmp = Path(tempfile.mkdtemp(prefix="nvml-mock-oracle-profiles-"))
    run = Run(args.verbose)

    for p in profiles:
        run.check(smi535, libdir, p, ["-L"], ["-L"], expect_contains("GPU 0:"))
        run.check(smi550, libdir, p, ["-L"], ["-L"], expect_contains("GPU 0:"))
        run.check(smi550, libdir, p, ["-B"], ["-B"], expect_contains(NO_EXCLUDED))
        _, qx = run.check(smi550, libdir, p, ["-q", "-x"], ["-q", "-x"], xml_checks)
        has_procs = "<process_info>" in qx
        run.check(smi550, libdir, p, ["(default view)"], [],
                  expect_contains("Processes:", "MIB" if False else "MiB")
                  if not has_procs else
                  lambda out: ["processes in -q -x but none in the default view"]
                  if "No running processes found" in out else [])
        run.check(smi550, libdir, p, ["-q"], ["-q"], expect_contains("Addressing Mode"))
        for s in SECTIONS:
            run.check(smi550, libdir, p, ["-q", "-d", s], ["-q", "-d", s])
        run.check(smi550, libdir, p, ["--query-gpu=<all>"],
                  [f"--query-gpu={gpu_fields}", "--format=csv"],
                  query_gpu_checks(p, gpu_field_list, na_notes))
        run.check(smi550, libdir, p, ["--query-compute-apps=<all>"],
                  [f"--query-compute-apps={app_fields}", "--format=csv"],
                  (lambda out: [] if len(out.strip().splitlines()) > 1
                   else ["processes in -q -x but none in --query-compute-apps"])
                  if has_procs else None)
        check_units, has_units = unit_checks(p)
        run.check(smi550, libdir, p, ["-q", "-u"], ["-q", "-u"], check_units,
                  allow_empty=not has_units)
        gpus = qx.count("<gpu id=")
        _, topo = run.check(smi550, libdir, p, ["topo", "-m"], ["topo", "-m"],
                            lambda out: (expect_contains("GPU0", "Legend") if gpus > 1
                                         else expect_contains("GPU0"))(out)
                            + gpu_numa_checks(p)(out))
        # NvLink: every link nvlink -s lists must be up; where topo -m shows NvLink between
        # GPUs there must be some. Without NvLink nvidia-smi prints nothing.
        needs_links = bool(re.search(r"\bNV\d+\b", topo))
        run.check(smi550, libdir, p, ["nvlink", "-s"], ["nvlink", "-s"],
                  lambda out: [f"an NvLink is not reported up: {l.strip()}"
                               for l in out.splitlines()
                               if ("Link" in l or "NVML" in l)
                               and not re.search(r"Link \d+: [\d.]+ GB/s", l)]
                  + (["no NvLink listed"] if needs_links and "GB/s" not in out else []),
                  allow_empty=not needs_links)
        run.check(smi550, libdir, p, ["nvlink", "-e"], ["nvlink", "-e"],
                  nvlink_error_checks(p), allow_empty=not needs_links)
        run.check(smi550, libdir, p, ["nvlink", "-gt", "d"], ["nvlink", "-gt", "d"],
                  nvlink_throughput_checks(p), allow_empty=not needs_links)
        check_vgpu, _ = vgpu_checks(p)
        run.check(smi550, libdir, p, ["vgpu", "-q"], ["vgpu", "-q"], check_vgpu)
        # MIG on: every GPU of this profile with MIG enabled, where MIG-capable.
        mig = tmp / f"{profile_label(p)}-mig-on.json"
        mig.write_text(json.dumps({"base": p, "name": f"{p}-mig-on",
                                   "gpus": [{"mig_enabled": True}] * gpus}))
        _, mode = run.check(smi550, libdir, mig, ["--query-gpu=mig.mode.current"],
                            ["--query-gpu=mig.mode.current", "--format=csv,noheader"])
        if mode.splitlines() and mode.splitlines()[0].strip() == "Enabled":
            run.check(smi550, libdir, mig, ["mig", "-lgip"], ["mig", "-lgip"],
                      expect_contains("MIG 1g"))
            run.check(smi550, libdir, mig, ["-q"], ["-q"])
            run.check(smi550, libdir, mig, ["-L"], ["-L"])
        else:
            print(f"note {p}: GPU 0 is not MIG-capable (mig.mode.current {mode.strip()!r}); "
                  f"no mig -lgip")

    if not args.profile:
        run_mig_example(run, smi550, smi535, libdir, gpu_field_list, app_fields, na_notes)
        run_excluded_example(run, smi550, smi535, libdir)
        run_accounting(run, smi550, smi535, libdir, tmp)
    total = run.passed + len(run.failures)
    if na_notes:
        print(f"note: [N/A] not checked (no real capture shows these fields): "
              f"{', '.join(sorted(na_notes))}")
    for name, why in TOO_MANY_CLOCKS_FOR_550.items():
        if name in profiles:
            print(f"note {name}: 550's 'Unknown Error' for supported graphics clocks excused: "
                  f"{why}, more than the 256 it asks for")
    labels = [profile_label(p) for p in profiles] + (
        [] if args.profile else [MIG_EXAMPLE.stem, EXCLUDED_EXAMPLE.stem, "dgx-h100-accounting"])
    print(f"nvidia-smi oracle: {run.passed}/{total} commands passed on {len(labels)} "
          f"profiles ({', '.join(labels)})")
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
