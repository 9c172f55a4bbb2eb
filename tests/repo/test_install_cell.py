"""The set-up cell where lstm_core is missing, as on Colab: a venv with the lessons' other packages
and no lstm_core runs the first code cells of every lesson (the set-up cell and the imports), in a
kernel of that venv, with LSTM_CORE_URL pointing the install at a wheel built from the checkout.

Every lesson's set-up cell is the same cell (checked here, and against the tool by test_lesson_header.py), so
two of them install: lstm_core is uninstalled before the first lesson and before the last; the lessons
between run their first cells with the wheel installed, and lesson 00 runs once more at the end. Each
set-up cell prints what it prints where lstm_core is already there (nbval stays strict).
The notebooks are copies with tools/lesson_header.py applied (the committed ones may not have it yet).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("lesson_header", ROOT / "tools" / "lesson_header.py")
header = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(header)
HANG_S = 1200
# What Colab has before the set-up cell runs, as far as the lessons go: numpy, matplotlib, ipywidgets, a kernel.
PRESENT = ["numpy", "matplotlib", "ipywidgets", "ipykernel", "nbclient", "nbformat"]

# Runs inside the venv: the first `n` code cells of each notebook, in a fresh kernel of that venv.
RUNNER = r"""
import json, subprocess, sys
import nbformat
from nbclient import NotebookClient

def installed():
    return subprocess.run([sys.executable, "-m", "pip", "show", "lstm_core"], capture_output=True).returncode == 0

results = []
for path, n, uninstall in json.loads(sys.argv[1]):
    if uninstall and installed():
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "--yes", "--quiet", "lstm_core"], check=True)
    before = installed()
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"][:n]
    code.append(nbformat.v4.new_code_cell("import sys, lstm_core; print(sys.prefix); print(lstm_core.__file__)"))
    nb.cells = code
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
    results.append({"path": path, "before": before, "outputs": [c.outputs for c in nb.cells]})
print(json.dumps(results))
"""


def _run(argv, **kw):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=HANG_S, **kw)
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def checkout_copy(dest: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.mark.slow
def test_every_lessons_first_cells_install_lstm_core_from_a_wheel(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # the wheel, built from a copy (a build in the checkout would leave build/ and *.egg-info there)
    source = checkout_copy(tmp_path / "checkout")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"), str(source)],
         env=env)
    (wheel,) = (tmp_path / "dist").glob("lstm_core-*.whl")
    assert wheel.name == f"lstm_core-{header.version()}-py3-none-any.whl"
    # the venv: the lessons' packages at the locked versions, no lstm_core
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    python = str(venv / "bin" / "python")
    _run([python, "-m", "pip", "install", "--quiet", "--no-compile", "-c", str(LOCK), *PRESENT], env=env)
    assert subprocess.run([python, "-c", "import lstm_core"], cwd=tmp_path, env=env).returncode != 0
    # the notebooks, with the set-up cell
    lessons = tmp_path / "notebooks"
    lessons.mkdir()
    for path in NOTEBOOKS:
        shutil.copy2(path, lessons / path.name)
    _run([sys.executable, str(ROOT / "tools" / "lesson_header.py"), *sorted(lessons.glob("*.ipynb"))])
    copies = sorted(lessons.glob("*.ipynb"))
    setups = {"".join(next(c for c in json.loads(p.read_text(encoding="utf-8"))["cells"]
                           if c["cell_type"] == "code")["source"]) for p in copies}
    assert len(setups) == 1, "the lessons' set-up cells differ: each one must be run where lstm_core is missing"
    jobs = [[str(p), 2, n in (0, len(copies) - 1)] for n, p in enumerate(copies)]  # installs at the first and last
    jobs.append([jobs[0][0], 2, False])  # once more with lstm_core installed: the same output
    env["LSTM_CORE_URL"] = wheel.as_uri()
    work = tmp_path / "work"  # the kernel's folder: no lstm_core/ beside it
    work.mkdir()
    (tmp_path / "runner.py").write_text(RUNNER, encoding="utf-8")
    ran = _run([python, str(tmp_path / "runner.py"), json.dumps(jobs), str(work)], cwd=work, env=env)
    results = json.loads(ran.stdout.strip().splitlines()[-1])
    assert len(results) == len(NOTEBOOKS) + 1
    missing = [not uninstall for _, _, uninstall in jobs]
    assert [r["before"] for r in results] == missing, "lstm_core was not missing (only) where it was uninstalled"
    ready = f"lstm_core {header.version()} is ready.\n"
    for result in results:
        name = Path(result["path"]).name
        setup, imports, probe = result["outputs"]
        assert [o["output_type"] for o in setup] == ["stream"], f"{name}: {setup}"
        assert setup[0]["name"] == "stdout" and setup[0]["text"] == ready, f"{name}: {setup}"
        assert not [o for o in imports if o["output_type"] == "error"], f"{name}: the imports failed: {imports}"
        prefix, file = probe[0]["text"].split()
        assert Path(prefix) == venv, f"{name}: the kernel ran {prefix}, not the venv"
        assert Path(file).is_relative_to(venv), f"{name}: lstm_core came from {file}"
    # installed (the first run of lesson 00) or already there (the last): the same stored output
    assert results[0]["outputs"][0] == results[-1]["outputs"][0]
