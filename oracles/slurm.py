#!/usr/bin/env python3
"""SLURM's NVML GPU autodetection run on the mock, as an independent oracle.

For each profile it writes a minimal slurm.conf (this host's node line from `slurmd -C`, with
`Gres=gpu:<type>:<count>` from the profile) and a gres.conf with `AutoDetect=nvml`, then runs
Debian's `slurmd -G` (prints the GRES it detects and exits) with the mock as its
libnvidia-ml.so.1. It fails on a non-zero exit, any "error" line, a GPU count other than the
profile's, a GPU without cores, a device file or type other than the profile's minor number and
name, GPUs of one NUMA node with different cores, GPUs of different nodes sharing cores
(where the host has a CPU per node), or NvLink counts between GPUs ("Links") that are not
symmetric. With MIG (the example profile dgx-h100-mig.json's GPUs 0 and 1, under a private
/proc/driver holding the driver's nvidia-caps/mig-minors table) it checks one GRES per MIG
device, with the capability files of the GPU and compute instance ids a real driver gives
the placements. Prints one line per failure and a count summary.

    python3 oracles/slurm.py [-v] [--profile NAME ...]

SLURM opens /dev/nvidia<minor> for each GPU. Where those files are missing (no GPU here), it
runs in a private mount namespace (`unshare -m`, root) whose /dev is a tmpfs holding them (as
character devices 195:<minor>), /dev/null, zero, random and urandom, and nothing else.

Environment: see oracles/mock_env.py (NVML_MOCK_LIB, CI), and
  SLURMD                 slurmd to run (default: slurmd on PATH, else /usr/sbin/slurmd)
  SLURM_NVML_PLUGIN_DIR  folder holding gpu_nvml.so (default: the system plugin folder, else
                         ~/.cache/nvml-rs/slurm-nvml, where .ci/fetch-slurm unpacks it)
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import mock_env
from mock_env import REPO

# Built-in profiles slurmd -G cannot list as they are, and why.
NOT_CHECKED = {}

GRES_LINE = re.compile(r"Gres Name=gpu Type=(\S+) Count=(\d+) Index=(\d+) .*?File=(\S+) "
                       r"Cores=(\S*) CoreCnt=(\d+)(?: Links=(\S+))?")


def fail_or_skip(msg):
    if mock_env.in_ci():
        sys.exit(f"FAIL: {msg}")
    print(f"SKIPPED (not under CI): {msg}")
    sys.exit(0)


def find_slurmd():
    p = os.environ.get("SLURMD") or shutil.which("slurmd") or "/usr/sbin/slurmd"
    if not (os.path.isfile(p) and os.access(p, os.X_OK)):
        fail_or_skip(f"no slurmd ({p}; run bash .ci/fetch-slurm)")
    return p


def plugin_dirs():
    """SLURM's own plugin folder (the one with gres_gpu.so) and the one with gpu_nvml.so."""
    system = [d for d in sorted(Path("/usr/lib").glob("*/slurm-wlm")) + [Path("/usr/lib/slurm-wlm")]
              if (d / "gres_gpu.so").is_file()]
    if not system:
        fail_or_skip("no SLURM plugin folder with gres_gpu.so (run bash .ci/fetch-slurm)")
    env = os.environ.get("SLURM_NVML_PLUGIN_DIR")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "nvml-rs" / "slurm-nvml"
    for d in [Path(env)] if env else [system[0], cache]:
        if (d / "gpu_nvml.so").is_file():
            return [system[0]] + ([d] if d != system[0] else [])
    fail_or_skip(f"no gpu_nvml.so in {env or f'{system[0]} or {cache}'} (run bash .ci/fetch-slurm)")


def profile_data(profile):
    return mock_env.builtin_profile(profile)


def gres_type(name):
    """The GRES type SLURM's NVML plugin derives from a GPU name: lower case, spaces as _."""
    return name.lower().replace(" ", "_")


def node_line(slurmd):
    r = subprocess.run([slurmd, "-C"], capture_output=True, text=True, timeout=60)
    line = next((l for l in r.stdout.splitlines() if l.startswith("NodeName=")), None)
    if r.returncode != 0 or not line:
        sys.exit(f"FAIL: slurmd -C printed no node line (exit {r.returncode}): {r.stderr.strip()}")
    return line


def write_config(d, slurmd, plugins, gpus):
    host = socket.gethostname().split(".")[0]
    counts = {}
    for g in gpus:
        t = gres_type(g["name"])
        counts[t] = counts.get(t, 0) + 1
    gres = ",".join(f"gpu:{t}:{n}" for t, n in counts.items())
    (d / "spool").mkdir()
    (d / "slurm.conf").write_text("\n".join([
        "ClusterName=nvml-mock",
        f"SlurmctldHost={host}",
        f"PluginDir={':'.join(str(p) for p in plugins)}",
        "GresTypes=gpu",
        f"SlurmdSpoolDir={d / 'spool'}",
        f"StateSaveLocation={d / 'spool'}",
        "ProctrackType=proctrack/linuxproc",
        "TaskPlugin=task/none",
        f"{node_line(slurmd)} Gres={gres}",
        f"PartitionName=mock Nodes={host} Default=YES",
        "",
    ]))
    (d / "gres.conf").write_text("AutoDetect=nvml\n")


DEV_SCRIPT = """set -e
mount -t tmpfs -o mode=755 nvml-mock-dev /dev
mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/random c 1 8; mknod -m 666 /dev/urandom c 1 9
mknod -m 666 /dev/nvidiactl c 195 255
for m in $MINORS; do mknod -m 666 /dev/nvidia$m c 195 $m; done
if [ -n "$MIG_MINORS" ]; then
  mount -t tmpfs -o mode=755 nvml-mock-proc-driver /proc/driver
  mkdir -p /proc/driver/nvidia-caps /dev/nvidia-caps
  cp "$MIG_MINORS" /proc/driver/nvidia-caps/mig-minors
  for m in $CAPS; do mknod -m 666 /dev/nvidia-caps/nvidia-cap$m c 511 $m; done
fi
exec "$SLURMD" -G
"""

# The driver's MIG capability minors (/proc/driver/nvidia-caps/mig-minors): config 1,
# monitor 2, then per GPU minor number 15 GPU instances of 9 minors each (the instance's
# access file, then its 8 compute instances').
GI_IDS, CI_IDS = 15, 8


def mig_minor(gpu, gi, ci=None):
    base = 3 + gpu * GI_IDS * (CI_IDS + 1) + gi * (CI_IDS + 1)
    return base if ci is None else base + 1 + ci


def mig_minors_text(gpu_minors):
    lines = ["config 1", "monitor 2"]
    for g in gpu_minors:
        for gi in range(GI_IDS):
            lines.append(f"gpu{g}/gi{gi}/access {mig_minor(g, gi)}")
            lines += [f"gpu{g}/gi{gi}/ci{ci}/access {mig_minor(g, gi, ci)}" for ci in range(CI_IDS)]
    return "\n".join(lines) + "\n"


def run_slurmd(slurmd, d, libdir, profile, minors, mig=False):
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = f"{libdir}:{env['LD_LIBRARY_PATH']}" if env.get("LD_LIBRARY_PATH") else str(libdir)
    env["NVML_MOCK_PROFILE"] = str(profile)
    env["SLURM_CONF"] = str(d / "slurm.conf")
    if all(Path(f"/dev/nvidia{m}").exists() for m in minors):
        cmd = [slurmd, "-G"]
    else:
        if os.geteuid() != 0 or not shutil.which("unshare"):
            fail_or_skip("no /dev/nvidia* here, and a private /dev needs root and unshare")
        env["MINORS"] = " ".join(str(m) for m in minors)
        if mig:
            (d / "mig-minors").write_text(mig_minors_text(minors))
            env["MIG_MINORS"] = str(d / "mig-minors")
            env["CAPS"] = " ".join(str(mig_minor(g, gi, ci)) for g in minors
                                   for gi in range(GI_IDS) for ci in [None, *range(CI_IDS)])
        env["SLURMD"] = slurmd
        cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c", DEV_SCRIPT]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace", timeout=120)
    return r.returncode, r.stdout + r.stderr


def host_cpu_count():
    return len(os.sched_getaffinity(0))


def check(profile, rc, out, gpus):
    problems = []
    if rc != 0:
        problems.append(f"exit {rc}: {out.strip()[-300:]}")
    errors = [l.strip() for l in out.splitlines() if re.search(r"error", l, re.I)]
    if errors:
        problems.append(f"{len(errors)} error lines: {errors[:4]}")
    found = [m.groups() for m in map(GRES_LINE.search, out.splitlines()) if m]
    if len(found) != len(gpus):
        problems.append(f"{len(found)} GPUs listed, the profile has {len(gpus)}")
    by_minor = {g["minor_number"]: g for g in gpus}
    cores_of_node = {}
    links = [l.split(",") for *_, l in found if l]
    if links and any(len(row) != len(links) for row in links):
        problems.append(f"Links rows are not {len(links)} long: {links}")
    elif links and any(links[i][j] != links[j][i] for i in range(len(links)) for j in range(i)):
        problems.append(f"Links are not symmetric (a GPU counts links to another that it "
                        f"does not count back): {[','.join(r) for r in links]}")
    for typ, count, index, file, cores, *_ in found:
        g = by_minor.get(int(index))
        if g is None or file != f"/dev/nvidia{index}":
            problems.append(f"GPU Index={index} File={file}: no such minor number in the profile")
            continue
        if typ != gres_type(g["name"]) or count != "1":
            problems.append(f"/dev/nvidia{index}: Type={typ} Count={count}, "
                            f"expected {gres_type(g['name'])} 1")
        if not cores:
            problems.append(f"/dev/nvidia{index}: no cores")
        cores_of_node.setdefault(g["numa_node"], set()).add(cores)
    for node, cores in cores_of_node.items():
        if len(cores) > 1:
            problems.append(f"GPUs of NUMA node {node} have different cores: {sorted(cores)}")
    nodes = [n for n in cores_of_node if n >= 0]
    if len(nodes) > 1 and host_cpu_count() >= len(nodes):
        seen = [next(iter(cores_of_node[n])) for n in sorted(nodes)]
        if len(set(seen)) != len(seen):
            problems.append(f"GPUs of different NUMA nodes share cores: {seen}")
    return problems, found


MIG_EXAMPLE = REPO / "nvml-mock" / "profiles" / "examples" / "dgx-h100-mig.json"


def gi_id(start, size):
    """The GPU instance id a driver gives a placement (the slice tree, breadth first: 7g 0,
    3g at 4 2, 1g at 0 7; `nvidia-smi mig -lgi` in NVIDIA/DCGM issue 138)."""
    return 8 // size - 1 + start // size


def mig_case(slurmd, plugins, libdir, tmp):
    """`slurmd -G` on the MIG example's GPUs 0 and 1 (every MIG-enabled GPU holds instances;
    SLURM stops on one without): one GRES per MIG device, with the parent's device file and
    the capability files of the GPU and compute instance ids a driver gives the placements,
    typed as the GPU (or the GPU and `_<g>g.<GiB>gb`), and one per remaining GPU. Returns
    (problems, GRES lines)."""
    example = json.loads(MIG_EXAMPLE.read_text())
    profile = Path(tmp) / "slurm-mig.json"
    profile.write_text(json.dumps({"base": example["base"], "name": "slurm-mig",
                                   "gpus": example["gpus"][:2]}))
    gpus = [dict(g) for g in profile_data(example["base"])["gpus"]]
    for g, over in zip(gpus, example["gpus"][:2]):
        g.update(over)
    want = {}
    for g in gpus:
        minor, base = g["minor_number"], gres_type(g["name"])
        if not (g.get("mig_capable") and g.get("mig_enabled")):
            want[f"/dev/nvidia{minor}"] = {base}
            continue
        for x in g.get("mig_instances", []):
            p = next(q for q in g["mig_profiles"] if q["name"] == x["profile"])
            gi = gi_id(x["placement"], p["slices"])
            for ci, _ in enumerate(x.get("compute_instances") or [None]):
                files = (f"/dev/nvidia{minor},/dev/nvidia-caps/nvidia-cap{mig_minor(minor, gi)},"
                         f"/dev/nvidia-caps/nvidia-cap{mig_minor(minor, gi, ci)}")
                gib = round(p["memory_mb"] / 1024)
                want[files] = {base, f"{base}_{p['compute_slices']}g.{gib}gb"}
    d = Path(tmp) / "conf"
    d.mkdir()
    # The node offers one GRES per MIG device and per other GPU (slurmd lists at most that).
    write_config(d, slurmd, plugins, [gpus[0]] * len(want))
    rc, out = run_slurmd(slurmd, d, libdir, profile, sorted(g["minor_number"] for g in gpus),
                         mig=True)
    problems = []
    if rc != 0:
        problems.append(f"exit {rc}: {out.strip()[-300:]}")
    errors = [l.strip() for l in out.splitlines() if re.search(r"error", l, re.I)]
    if errors:
        problems.append(f"{len(errors)} error lines: {errors[:4]}")
    found = [m.groups() for m in map(GRES_LINE.search, out.splitlines()) if m]
    got = {f[3]: f[0] for f in found}
    if len(found) != len(want):
        problems.append(f"{len(found)} GRES listed, expected {len(want)} (MIG devices and GPUs)")
    for files, types in want.items():
        if files not in got:
            problems.append(f"no GRES with File={files}")
        elif got[files] not in types:
            problems.append(f"File={files}: Type={got[files]}, expected one of {sorted(types)}")
    return problems, found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="print what slurmd -G listed")
    ap.add_argument("--profile", action="append", help="only these built-in profiles")
    args = ap.parse_args()

    slurmd = find_slurmd()
    plugins = plugin_dirs()
    lib = mock_env.mock_library()
    libdir = mock_env.stage(lib)
    profiles = args.profile or [p for p in mock_env.builtin_profiles(lib) if p not in NOT_CHECKED]
    passed, failed = 0, 0
    for p in profiles:
        gpus = profile_data(p)["gpus"]
        with tempfile.TemporaryDirectory(prefix="nvml-mock-slurm-") as tmp:
            d = Path(tmp)
            write_config(d, slurmd, plugins, gpus)
            rc, out = run_slurmd(slurmd, d, libdir, p, sorted(g["minor_number"] for g in gpus))
        problems, found = check(p, rc, out, gpus)
        if problems:
            failed += 1
            for pr in problems:
                print(f"FAIL {p}: slurmd -G: {pr}")
        else:
            passed += 1
            print(f"ok   {p}: slurmd -G lists {len(found)} GPUs, cores "
                  + " ".join(f"nvidia{f[2]}:{f[4]}" for f in sorted(found, key=lambda f: int(f[2]))))
        if args.verbose:
            print("\n".join(f"     {l}" for l in out.splitlines() if "Gres Name=" in l))
    if not args.profile:
        with tempfile.TemporaryDirectory(prefix="nvml-mock-slurm-mig-") as tmp:
            problems, found = mig_case(slurmd, plugins, libdir, tmp)
        if problems:
            failed += 1
            for pr in problems:
                print(f"FAIL {MIG_EXAMPLE.stem} (GPUs 0-1): slurmd -G: {pr}")
        else:
            passed += 1
            print(f"ok   {MIG_EXAMPLE.stem} (GPUs 0-1): slurmd -G lists {len(found)} GRES: "
                  + " ".join(f"{f[0]}:{f[3].split(',')[-1].rsplit('/', 1)[-1]}" for f in found
                             if "nvidia-cap" in f[3]))
        if args.verbose:
            print("\n".join(f"     {' '.join(f)}" for f in found))
    for p, why in NOT_CHECKED.items():
        if not args.profile:
            print(f"not checked {p}: {why}")
    print(f"slurm oracle: {passed} profiles passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
