"""How long do the notebooks, the lessons' questions, ``import lstm_core`` and the tests take, how much memory?
Prints tables.

    .venv/bin/python benchmarks/suite_time.py
    .venv/bin/python benchmarks/suite_time.py --quick         # import time, training, questions; no notebooks
    .venv/bin/python benchmarks/suite_time.py --tests         # + `make test-fast` (budget <= 90 s) by area
    .venv/bin/python benchmarks/suite_time.py --fresh-clone   # + a fresh clone's `make test` (<= 10 min)
    .venv/bin/python benchmarks/suite_time.py --junit a.xml b.xml  # summarise runs you made yourself, e.g.
        .venv/bin/python -m pytest tests/browser --junitxml=a.xml

1. Every notebook in notebooks/, top to bottom in a fresh kernel (nbclient, kernel "python3",
   working directory notebooks/), wall time from kernel start to kernel shutdown; the notebooks are
   NOT written back. An empty notebook gives the kernel start and shutdown alone; "cells' own
   time" sums the cells' busy-to-idle times that nbclient records, and the slowest cell is named.
   Target: total <= 30 s.
2. Lesson 06's training, timed directly (the notebook prints no timings, by the suite's rules):
   ``lstm_core.train`` with the lesson's settings from ``lstm_core.tasks`` (COUNT_TASK and
   COUNT_TRAINING from ``lstm_core.lessons.l06_training.counting_start``; SINE_TASK, SINE_MODEL and
   SINE_TRAINING), median of 3. Target: <= 2 s each.
3. ``import lstm_core`` in a fresh python (subprocess), the import statements alone (numpy
   first, then lstm_core, each timed), median of 5, wall and CPU; and every module they load,
   sorted into stdlib / numpy / lstm_core / OTHER. Target: <= 0.15 s, nothing but numpy outside
   the stdlib.
4. Peak resident memory (VmHWM) of the kernel that ran notebook 03, read by an extra cell appended
   to the in-memory copy after the notebook's last cell; that cell also lists any torch,
   tensorflow or jax module loaded in the kernel (there should be none).
5. Every lesson's questions (``lstm_core.lessons.questions.questions_for``), built once and then
   again, CPU time (process time), median of 5: every quiz cell of a notebook builds its lesson's
   questions again, so the second build must be quick. Target: <= 0.5 s each.
6. The tests (with --tests, --fresh-clone or --junit): wall time and the CPU time of make and
   everything it started (getrusage of the children; on a machine shared with other work the CPU
   time is the better estimate of the wall time on an idle one, as pytest runs on one core), and
   from pytest's junit XML (each test's setup + call + teardown; benchmarks/pytest_plugins/suite_time_junit.py
   has every pytest run that make starts write one) the seconds by area (tests/core, tests/lessons, ...,
   the nbval notebooks, the floor check) and the slowest tests.
   - `make test-fast` in this checkout (it needs .venv; --python PY runs it with another
     environment's python instead: `make PY=PY -o .venv/.installed-test test-fast`).
     Budget: <= 90 s once .venv exists.
   - a fresh clone (`git clone` of this checkout's HEAD into a temporary folder): `make test`,
     its installs (.venv, .venv-floor; pip's cache as it is) timed apart from the tests.
     Budget: <= 10 min on 2 cores, installs included.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
NOTEBOOKS = ROOT / "notebooks"
TARGET_TOTAL_S = 30.0
TARGET_TRAIN_S = 2.0
TARGET_IMPORT_S = 0.15
TARGET_QUESTIONS_S = 0.5
TARGET_TEST_FAST_S = 90.0
TARGET_FRESH_CLONE_S = 600.0
SLOWEST = 15

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
    runs["counting, the vector worked example's weights (H = 2)"] = (
        counting_start(2), xs, ys, tasks.COUNT_TRAINING,
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


# --------------------------------------------------------------------------- questions
def questions_table():
    """Each lesson's questions built once, then again (as every quiz cell does): CPU seconds, median of 5."""
    from lstm_core.lessons.questions import LESSON_MODULES, questions_for

    lines = ["| lesson | questions | first build, CPU s | again, CPU s (median of 5) |", "|---|---|---|---|"]
    slow = []
    for lesson in LESSON_MODULES:
        start = time.process_time()
        count = len(questions_for(lesson))
        first = time.process_time() - start
        again = []
        for _ in range(5):
            start = time.process_time()
            questions_for(lesson)
            again.append(time.process_time() - start)
        seconds = float(np.median(again))
        lines.append(f"| {lesson} | {count} | {first:.3f} | {seconds:.3f} |")
        if seconds > TARGET_QUESTIONS_S:
            slow.append(f"{lesson} ({seconds:.2f} s)")
    verdict = (f"- every lesson's questions built again: ≤ {TARGET_QUESTIONS_S} s CPU each: "
               f"{'met' if not slow else 'NOT met: ' + ', '.join(slow)}")
    return "\n".join(lines), verdict


# --------------------------------------------------------------------------- the tests
def timed(argv, cwd, env=None, log=None):
    """Run argv; (wall seconds, CPU seconds of it and its children, return code). Output to log (or ours)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") if log else open(os.devnull, "w") as sink:
        result = subprocess.run(argv, cwd=cwd, env=env, stdout=sink if log else None, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  {' '.join(argv)}: {wall:.0f} s wall, {cpu:.0f} s CPU, exit {result.returncode}", file=sys.stderr,
          flush=True)
    return wall, cpu, result.returncode


def junit_cases(path):
    """[(area, file, test name, seconds)] from pytest's junit XML (times are setup + call + teardown).
    A file written by the floor environment's run (pytest_plugins/suite_time_junit.py names it so) is
    the floor check."""
    cases = []
    floor = Path(path).name.startswith("venv-floor-")
    for case in ET.parse(path).getroot().iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        parts = classname.split(".")
        if parts[:1] == ["tests"] and len(parts) >= 3:
            area, file = f"tests/{parts[1]}", "/".join(parts[:3]) + ".py"
        elif parts[:1] == ["notebooks"]:  # nbval: classname "notebooks.02_one_lstm_step_by_hand.ipynb"
            area, file = "nbval (notebooks/)", "notebooks/" + classname.split(".", 1)[1]
        else:
            area, file = classname or "?", classname or "?"
        if floor:
            area, file = f"floor check ({area})", f"{file} (floor)"
        cases.append((area, file, name, float(case.get("time", 0.0))))
    return cases


def durations_tables(cases):
    """The seconds by area and by file, and the slowest tests."""
    by_area, by_file = defaultdict(lambda: [0, 0.0]), defaultdict(lambda: [0, 0.0])
    for area, file, _, seconds in cases:
        by_area[area][0] += 1
        by_area[area][1] += seconds
        by_file[file][0] += 1
        by_file[file][1] += seconds
    total = sum(s for *_, s in cases)
    lines = ["| area | tests | seconds | share |", "|---|---|---|---|"]
    for area, (n, seconds) in sorted(by_area.items(), key=lambda kv: -kv[1][1]):
        lines.append(f"| {area} | {n} | {seconds:.1f} | {100 * seconds / total if total else 0:.0f} % |")
    lines += [f"| **total** | **{len(cases)}** | **{total:.1f}** | |", "",
              "| file (the 12 slowest) | tests | seconds |", "|---|---|---|"]
    for file, (n, seconds) in sorted(by_file.items(), key=lambda kv: -kv[1][1])[:12]:
        lines.append(f"| {file} | {n} | {seconds:.1f} |")
    lines += ["", f"| the {SLOWEST} slowest tests | seconds |", "|---|---|"]
    for _, file, name, seconds in sorted(cases, key=lambda c: -c[3])[:SLOWEST]:
        lines.append(f"| {file}::{name[:90]} | {seconds:.1f} |")
    return "\n".join(lines), total


PLUGINS = Path(__file__).resolve().parent / "pytest_plugins"


def pytest_env(junit_dir, inherit_pythonpath=True):
    """make's environment: every pytest it starts writes junit XML into junit_dir (suite_time_junit.py).
    A fresh clone gets no PYTHONPATH of ours (it must import its own lstm_core)."""
    shutil.rmtree(junit_dir, ignore_errors=True)
    junit_dir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUITE_TIME_JUNIT")}
    env["SUITE_TIME_JUNIT_DIR"] = str(junit_dir)
    inherited = env.get("PYTHONPATH") if inherit_pythonpath else None
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGINS), inherited]))
    env["PYTEST_ADDOPTS"] = (env.get("PYTEST_ADDOPTS", "") + " -p suite_time_junit").strip()
    return env


def junit_files(junit_dir):
    return sorted(Path(junit_dir).glob("*.xml"))


def load_note():
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def test_fast_table(python=None):
    """`make test-fast` in this checkout, its durations by area."""
    OUT.mkdir(exist_ok=True)
    junit = OUT / "junit_test_fast"
    argv = ["make", "--no-print-directory", "test-fast"]
    if python:
        argv[1:1] = [f"PY={python}", "-o", ".venv/.installed-test"]
    note = load_note()
    wall, cpu, code = timed(argv, ROOT, pytest_env(junit), log=OUT / "test_fast.log")
    cases = [case for path in junit_files(junit) for case in junit_cases(path)]
    tables, total = durations_tables(cases) if cases else ("(no junit XML)", 0.0)
    head = ["| `make test-fast` | wall s | CPU s (make + children) | tests' own s | budget | |", "|---|---|---|---|---|---|",
            f"| this checkout{' (PY=' + python + ')' if python else ''} | {wall:.0f} | {cpu:.0f} | {total:.0f} | "
            f"≤ {TARGET_TEST_FAST_S:.0f} | {'met' if wall <= TARGET_TEST_FAST_S else 'NOT met'} (exit {code}) |"]
    verdict = (f"- `make test-fast`: {wall:.0f} s wall, {cpu:.0f} s CPU (≤ {TARGET_TEST_FAST_S:.0f} s: "
               f"{'met' if wall <= TARGET_TEST_FAST_S else 'NOT met'}{'' if cpu <= TARGET_TEST_FAST_S else ', NOT by CPU'}"
               f"); measured at {note}; exit {code} (log benchmarks/out/test_fast.log)")
    return "\n".join(head) + "\n\n" + tables, verdict


def fresh_clone_table():
    """A fresh clone of HEAD: its installs, then `make test`, timed apart; durations by area."""
    OUT.mkdir(exist_ok=True)
    junit = OUT / "junit_fresh_clone"
    note = load_note()
    with tempfile.TemporaryDirectory(prefix="lstm-fresh-clone-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
        install = timed(["make", "--no-print-directory", ".venv/.installed-test", ".venv-floor/.installed"], clone,
                        log=OUT / "fresh_clone_install.log")
        test = timed(["make", "--no-print-directory", "test"], clone, pytest_env(junit, inherit_pythonpath=False),
                     log=OUT / "fresh_clone_test.log")
        shutil.rmtree(clone, ignore_errors=True)
    wall, cpu = install[0] + test[0], install[1] + test[1]
    cases = [case for path in junit_files(junit) for case in junit_cases(path)]
    tables, total = durations_tables(cases) if cases else ("(no junit XML)", 0.0)
    ok = wall <= TARGET_FRESH_CLONE_S
    head = ["| fresh clone | wall s | CPU s | exit |", "|---|---|---|---|",
            f"| installs (.venv from the lock, .venv-floor) | {install[0]:.0f} | {install[1]:.0f} | {install[2]} |",
            f"| `make test` (pytest + nbval, then the floor check) | {test[0]:.0f} | {test[1]:.0f} | {test[2]} |",
            f"| of which the tests' own time (junit) | {total:.0f} | | |",
            f"| **total** (budget ≤ {TARGET_FRESH_CLONE_S:.0f}) | **{wall:.0f}** | {cpu:.0f} | |"]
    verdict = (f"- a fresh clone's `make test`: {wall:.0f} s wall, installs {install[0]:.0f} s "
               f"(≤ {TARGET_FRESH_CLONE_S:.0f} s: {'met' if ok else 'NOT met'}); measured at {note}")
    return "\n".join(head) + "\n\n" + tables, verdict


def junit_table(paths):
    tables, total = durations_tables([case for path in paths for case in junit_cases(path)])
    return tables, f"- {', '.join(map(str, paths))}: the tests' own time {total:.0f} s"


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
    parser.add_argument("--quick", action="store_true", help="import time, training and questions only, no notebooks")
    parser.add_argument("--tests", action="store_true", help="also time `make test-fast` (durations by area)")
    parser.add_argument("--python", help="with --tests: run make test-fast with this python instead of .venv's")
    parser.add_argument("--fresh-clone", action="store_true", help="also time a fresh clone's `make test`")
    parser.add_argument("--junit", type=Path, nargs="+", help="summarise these junit XMLs of runs of yours, as one")
    parser.add_argument("--only-tests", action="store_true", help="the test tables alone (with --tests/--fresh-clone/--junit)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    parts = ["## Suite time: notebooks, training, questions, import, memory, tests"
             + (" (--quick)" if args.quick else ""), "", f"{environment()}. Wall times (time.perf_counter).", ""]
    verdicts = []
    if not args.only_tests:
        imports, import_verdict = import_table()
        training, training_verdict = training_table()
        questions, questions_verdict = questions_table()
        if not args.quick:
            notebooks, notebook_verdict, probe = notebooks_table()
            parts += [notebooks, ""]
            verdicts.append(notebook_verdict)
        parts += [training, "", questions, "", imports, ""]
        verdicts += [training_verdict, questions_verdict, import_verdict]
        if not args.quick:
            if probe is None:
                verdicts.append("- kernel memory: notebook 03 not found or its probe cell printed nothing")
            else:
                heavy = probe["heavy"]
                verdicts.append(f"- peak RSS (VmHWM) of the kernel after running notebook 03: "
                                f"{probe['peak_kb'] / 1024:.0f} MiB; torch/tensorflow/jax modules loaded there: "
                                f"{', '.join(heavy) if heavy else 'none'}")
    for wanted, title, run in ((args.tests, "`make test-fast`", lambda: test_fast_table(args.python)),
                               (args.fresh_clone, "a fresh clone's `make test`", fresh_clone_table),
                               (args.junit is not None, "the runs in " + ", ".join(map(str, args.junit or [])),
                                lambda: junit_table(args.junit))):
        if wanted:
            table, verdict = run()
            parts += [f"### {title}", "", table, ""]
            verdicts.append(verdict)
    parts += ["Targets:", "", *verdicts, "", f"(in {time.perf_counter() - start:.0f} s)"]
    text = "\n".join(parts)
    print(text)
    OUT.mkdir(exist_ok=True)
    name = "suite_time" + ("_quick" if args.quick else "") + ("_tests" if args.only_tests else "")
    (OUT / (name + ".md")).write_text(text + "\n")


if __name__ == "__main__":
    main()
