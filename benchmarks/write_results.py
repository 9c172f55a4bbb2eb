"""Assemble benchmarks/RESULTS.md from the sections the benchmarks wrote to benchmarks/out/.

    .venv/bin/python benchmarks/write_results.py

``make bench`` runs it last (the benchmarks run in name order, and this name sorts after theirs).
Sections: out/core_speed_torch.md (core_speed.py run by a python with torch, e.g.
a separate venv with torch), out/core_speed.md (core_speed.py run by the suite's venv, no torch),
out/slider_latency.md and out/suite_time.md; a missing one is named as missing. The hand-written
notes between the ``notes`` markers of an existing RESULTS.md are kept.
"""

import datetime
import os
import platform
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RESULTS = HERE / "RESULTS.md"
NOTES_START, NOTES_END = "<!-- notes:start -->", "<!-- notes:end -->"

# (file in out/, heading suffix, where it comes from)
SECTIONS = [
    ("core_speed_torch.md", "with torch",
     "core_speed.py run by a python that has torch (a separate venv)"),
    ("core_speed.md", "suite venv, no torch",
     "core_speed.py run by the suite's venv (`make bench`; torch is not installed there)"),
    ("slider_latency.md", "", "slider_latency.py (`make bench`)"),
    ("suite_time.md", "", "suite_time.py (`make bench`)"),
    ("drag_latency.md", "", "drag_latency.py (`make bench`)"),
    ("browser_latency.md", "", "browser_latency.py (`make bench`; needs Chromium)"),
    ("renderer_compare.md", "", "renderer_compare.py (`make bench`)"),
]


def cpu_model():
    """Model name, family/model and the SIMD level numpy's float64 exp/tanh care about (AVX-512 or not)."""
    try:
        info = {}
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            info.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or "unknown"
    flags = info.get("flags", "").split()
    simd = "AVX-512" if "avx512f" in flags else "AVX2, no AVX-512" if "avx2" in flags else "no AVX2"
    return f"{info.get('model name', 'unknown')} (cpu family {info.get('cpu family', '?')}, model {info.get('model', '?')}; {simd})"


def versions():
    import matplotlib
    import numpy

    found = [f"python {platform.python_version()}", f"numpy {numpy.__version__}", f"matplotlib {matplotlib.__version__}"]
    torch_file = OUT / "core_speed_torch.md"
    match = re.search(r"torch (\S+) \(threads", torch_file.read_text()) if torch_file.exists() else None
    found.append(f"torch {match.group(1)} (in the separate torch env only)" if match else "torch: not measured")
    return ", ".join(found)


def kept_notes():
    if RESULTS.exists():
        text = RESULTS.read_text()
        if NOTES_START in text and NOTES_END in text:
            return text[text.index(NOTES_START): text.index(NOTES_END) + len(NOTES_END)]
    return f"{NOTES_START}\n{NOTES_END}"


def previous_sections():
    """The sections of the existing RESULTS.md after the notes, each from its '## ' heading on."""
    if not RESULTS.exists():
        return []
    text = RESULTS.read_text()
    if NOTES_END in text:
        text = text.split(NOTES_END, 1)[1]
    chunks = text.split("\n## ")
    return ["## " + c.strip("\n").removeprefix("## ") for c in chunks if c.strip()]


def main():
    now = datetime.datetime.now(datetime.timezone.utc)
    parts = [
        "# Benchmarks",
        "",
        "Tables printed by the scripts in `benchmarks/` (each also writes its section to `benchmarks/out/`, "
        "which git ignores; this file is assembled from those sections by `benchmarks/write_results.py`).",
        "",
        f"- Machine: {os.cpu_count()} CPUs, {cpu_model()} ({platform.machine()}, {platform.system()} "
        f"{platform.release()}); shared with other work while these ran (see the load averages).",
        f"- Versions: {versions()}.",
        f"- Assembled: {now:%Y-%m-%d %H:%M} UTC; each section below gives the time its file was written.",
        "",
        "## How to reproduce",
        "",
        "```",
        "make bench                                     # every benchmarks/*.py with .venv/bin/python, then this file",
        ".venv/bin/python benchmarks/core_speed.py --quick   # 4 sizes; slider_latency.py --quick, suite_time.py --quick",
        "```",
        "",
        "The torch columns need a separate environment with torch (never a dependency of the suite):",
        "",
        "```",
        "python3.11 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy==2.4.6",
        "/tmp/torchenv/bin/python benchmarks/core_speed.py     # writes benchmarks/out/core_speed_torch.md",
        ".venv/bin/python benchmarks/write_results.py         # re-assembles this file",
        "```",
        "",
        kept_notes(),
        "",
    ]
    previous = previous_sections()
    for name, suffix, source in SECTIONS:
        path = OUT / name
        if not path.exists():
            # this machine has no fresh table: keep the one of the previous run, which says when it was written
            # (matched on the source's words before any parenthesis: the venv path in it may differ)
            kept = [c for c in previous if f"*From {source.split(' (')[0]}" in c]
            parts += [kept[0], ""] if kept else [f"## (missing: benchmarks/out/{name}, from {source})", ""]
            continue
        written = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
        title, _, body = path.read_text().rstrip().partition("\n")
        parts += [title + (f" ({suffix})" if suffix else ""), "",
                  f"*From {source}, written {written:%Y-%m-%d %H:%M} UTC.*", body, ""]
    RESULTS.write_text("\n".join(parts))
    print(f"wrote {RESULTS.relative_to(HERE.parent)} from {', '.join(n for n, _, _ in SECTIONS if (OUT / n).exists())}")


if __name__ == "__main__":
    sys.exit(main())
