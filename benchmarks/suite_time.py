"""How long do the notebooks take, how long does ``import lstm_core`` take, how much memory? Prints tables.

    .venv/bin/python benchmarks/suite_time.py
    .venv/bin/python benchmarks/suite_time.py --quick    # import time and training only, no notebooks

1. Every notebook in notebooks/, top to bottom in a fresh kernel (nbclient, kernel "python3",
   working directory notebooks/), wall time from kernel start to kernel shutdown; the notebooks are
   NOT written back. An empty notebook gives the kernel start and shutdown alone; "cells' own
   time" sums the cells' busy-to-idle times that nbclient records, and the slowest cell is named.
   Target: total <= 30 s.
2. Lesson 06's training, timed directly (the notebook prints no timings, by the suite's rules):
   ``lstm_core.train`` with the lesson's settings from ``lstm_core.tasks`` (COUNT_TASK and
   COUNT_TRAINING from ``readout.counting_start``; SINE_TASK, SINE_MODEL and SINE_TRAINING),
   median of 3. Target: <= 2 s each.
3. ``import lstm_core`` in a fresh python (subprocess), the import statements alone (numpy
   first, then lstm_core, each timed), median of 5, wall and CPU; and every module they load,
   sorted into stdlib / numpy / lstm_core / OTHER. Target: <= 0.15 s, nothing but numpy outside
   the stdlib.
4. Peak resident memory (VmHWM) of the kernel that ran notebook 03, read by an extra cell appended
   to the in-memory copy after the notebook's last cell; that cell also lists any torch,
   tensorflow or jax module loaded in the kernel (there should be none).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
NOTEBOOKS = ROOT / "notebooks"
TARGET_TOTAL_S = 30.0
TARGET_TRAIN_S = 2.0
TARGET_IMPORT_S = 0.15

PROBE = """\
import json, sys
peak_kb = None
with open("/proc/self/status") as status:
    for line in status:
        if line.startswith("VmHWM:"):
            peak_kb = int(line.split()[1])
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "tensorflow", "jax"))
print("BENCHMARK-PROBE " + json.dumps({"peak_kb": peak_kb, "heavy": heavy}))
"""


# --------------------------------------------------------------------------- notebooks
def run_notebook(path, probe=False):
    """Execute a notebook in a fresh kernel; return (seconds, error names, probe result or None)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4) if path is not None else nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    if probe:
        nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    errors = [out.ename for cell in nb.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    cells = [(cell_seconds(cell), cell.source.splitlines()[0] if cell.source else "") for cell in nb.cells
             if cell.cell_type == "code" and "execution" in cell.metadata]
    if probe:
        cells = cells[:-1]
    found = None
    if probe:
        for out in nb.cells[-1].get("outputs", []):
            if out.output_type == "stream" and "BENCHMARK-PROBE " in out.text:
                found = json.loads(out.text.split("BENCHMARK-PROBE ", 1)[1])
    return seconds, errors, found, cells


def cell_seconds(cell):
    """A cell's run time from the timestamps nbclient records (busy -> idle)."""
    from datetime import datetime

    stamps = cell.metadata["execution"]
    parse = lambda key: datetime.fromisoformat(stamps[key].replace("Z", "+00:00"))  # noqa: E731
    return (parse("iopub.status.idle") - parse("iopub.status.busy")).total_seconds()


def notebooks_table():
    kernel = run_notebook(None)[0]
    rows, probe = [], None
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        seconds, errors, found, cells = run_notebook(path, probe=path.name.startswith("03_"))
        probe = found if found is not None else probe
        rows.append((path.name, seconds, errors, cells))
        print(f"  ran {path.name}: {seconds:.1f} s", file=sys.stderr, flush=True)
    total = sum(r[1] for r in rows)
    lines = ["| notebook | seconds | cells' own time | slowest cell | errors |", "|---|---|---|---|---|",
             f"| (empty notebook: kernel start + shutdown) | {kernel:.1f} | | | — |"]
    for name, seconds, errors, cells in rows:
        slow_s, slow_line = max(cells) if cells else (0.0, "")
        lines.append(f"| {name} | {seconds:.1f} | {sum(c for c, _ in cells):.1f} | {slow_s:.1f} s: "
                     f"`{slow_line[:50]}` | {', '.join(errors) if errors else '—'} |")
    lines.append(f"| **total ({len(rows)} notebooks)** | **{total:.1f}** | "
                 f"{sum(sum(c for c, _ in r[3]) for r in rows):.1f} | | |")
    verdict = (f"- notebooks: total {total:.1f} s (≤ {TARGET_TOTAL_S:.0f} s: "
               f"{'met' if total <= TARGET_TOTAL_S else 'NOT met'}); {len(rows)} kernel starts at ~{kernel:.1f} s "
               f"each are {len(rows) * kernel:.1f} s of it")
    failed = [r[0] for r in rows if r[2]]
    if failed:
        verdict += f"; errors in {', '.join(failed)}"
    return "\n".join(lines), verdict, probe


# --------------------------------------------------------------------------- training
def training_table():
    import lstm_core as L
    from lstm_core import tasks

    from lstm_core.lessons.l06_training import counting_start

    lines = ["| lesson 06 training | settings | seconds (median of 3) | final loss |", "|---|---|---|---|"]
    verdicts = []
    runs = {}
    xs, ys = tasks.counting(**tasks.COUNT_TASK)
    runs["counting, vector seed weights (H = 2)"] = (counting_start(2), xs, ys, tasks.COUNT_TRAINING,
                                                      f"COUNT_TASK {tasks.COUNT_TASK}, COUNT_TRAINING {tasks.COUNT_TRAINING}")
    xs, ys = tasks.sine(**tasks.SINE_TASK)
    runs["sine continuation"] = (L.LSTMParams.random(**tasks.SINE_MODEL), xs, ys, tasks.SINE_TRAINING,
                                 f"SINE_TASK {tasks.SINE_TASK}, SINE_MODEL {tasks.SINE_MODEL}, "
                                 f"SINE_TRAINING {tasks.SINE_TRAINING}")
    for name, (params, xs, ys, settings, text) in runs.items():
        times = []
        for _ in range(3):
            start = time.perf_counter()
            _, history = L.train(params, xs, ys, **settings)
            times.append(time.perf_counter() - start)
        seconds = float(np.median(times))
        lines.append(f"| {name} | {text} | {seconds:.2f} | {history.final_loss:.3g} |")
        verdicts.append(f"- lesson 06 training, {name}: {seconds:.2f} s "
                        f"(≤ {TARGET_TRAIN_S:.0f} s: {'met' if seconds <= TARGET_TRAIN_S else 'NOT met'})")
    return "\n".join(lines), "\n".join(verdicts)


# --------------------------------------------------------------------------- import
IMPORT_PROBE = """\
import json, sys, time
before = set(sys.modules)
t0, c0 = time.perf_counter(), time.process_time()
import numpy
t1, c1 = time.perf_counter(), time.process_time()
import lstm_core
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"total": t2 - t0, "total_cpu": c2 - c0, "numpy": t1 - t0, "own": t2 - t1,
                  "new": sorted(set(sys.modules) - before)}))
"""


def import_table():
    runs = [json.loads(subprocess.run([sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True,
                                      check=True, cwd=str(ROOT)).stdout) for _ in range(5)]
    median = {k: float(np.median([r[k] for r in runs])) for k in ("total", "total_cpu", "numpy", "own")}
    groups = {"stdlib": set(), "numpy": set(), "lstm_core": set(), "OTHER": set()}
    for module in runs[-1]["new"]:
        top = module.split(".")[0]
        key = top if top in ("numpy", "lstm_core") else "stdlib" if top in sys.stdlib_module_names else "OTHER"
        if key == "OTHER" and top.startswith("_") and top.lstrip("_") in sys.stdlib_module_names:
            key = "stdlib"
        groups[key].add(top if key != "lstm_core" else module)
    lines = ["| `import lstm_core` in a fresh python (median of 5) | |", "|---|---|",
             f"| seconds, wall | {median['total']:.3f} |",
             f"| seconds, CPU (process time) | {median['total_cpu']:.3f} |",
             f"| of which `import numpy` (imported first, wall) | {median['numpy']:.3f} |",
             f"| of which lstm_core itself, numpy already loaded (wall) | {median['own']:.3f} |"]
    for key, found in groups.items():
        lines.append(f"| {key} modules loaded (top-level names) | {len(found)}: "
                     f"{', '.join(sorted(found)) if found else '—'} |")
    ok = median["total"] <= TARGET_IMPORT_S
    verdict = (f"- `import lstm_core`: {median['total']:.3f} s wall, {median['total_cpu']:.3f} s CPU, of which numpy "
               f"{median['numpy']:.3f} s and lstm_core itself {median['own']:.3f} s (≤ {TARGET_IMPORT_S} s: "
               f"{'met' if ok else 'NOT met'}); only numpy besides the stdlib: "
               f"{'met' if not groups['OTHER'] else 'NOT met: ' + ', '.join(sorted(groups['OTHER']))}")
    return "\n".join(lines), verdict


def environment():
    import matplotlib

    return (f"python {platform.python_version()}, numpy {np.__version__}, matplotlib {matplotlib.__version__}, "
            f"{os.cpu_count()} CPUs")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="import time and training only, no notebooks")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    imports, import_verdict = import_table()
    training, training_verdict = training_table()
    parts = ["## Suite time: notebooks, training, import, memory" + (" (--quick)" if args.quick else ""), "",
             f"{environment()}. Wall times (time.perf_counter).", ""]
    verdicts = []
    if not args.quick:
        notebooks, notebook_verdict, probe = notebooks_table()
        parts += [notebooks, ""]
        verdicts.append(notebook_verdict)
    parts += [training, "", imports, ""]
    verdicts += [training_verdict, import_verdict]
    if not args.quick:
        if probe is None:
            verdicts.append("- kernel memory: notebook 03 not found or its probe cell printed nothing")
        else:
            heavy = probe["heavy"]
            verdicts.append(f"- peak RSS (VmHWM) of the kernel after running notebook 03: "
                            f"{probe['peak_kb'] / 1024:.0f} MiB; torch/tensorflow/jax modules loaded there: "
                            f"{', '.join(heavy) if heavy else 'none'}")
    parts += ["Targets:", "", *verdicts, "", f"(in {time.perf_counter() - start:.0f} s)"]
    text = "\n".join(parts)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / ("suite_time" + ("_quick" if args.quick else "") + ".md")).write_text(text + "\n")


if __name__ == "__main__":
    main()
