"""The fast loop (`make test-fast`, CONTRIBUTING.md) leaves out what is slow, and only that: the
Binder simulation, the OpenBLAS kernel matrix and every browser test carry the `slow` marker;
`make test-fast` runs `pytest -m "not slow"` with .venv alone, and `make test` still runs everything.
How xdist spreads the files (slow ones first, a worker more than the CPUs for the full run) is checked here too.
(What it costs is measured by benchmarks/suite_time.py, not here.)"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys

import pytest

from helpers.repo_files import MAKEFILE, ROOT

# module -> why it is slow
SLOW_MODULES = {
    "tests/repo/test_binder.py": "a fresh venv of ~100 packages, JupyterLab and Chromium",
    "tests/core/test_blas_kernels.py": "subprocess suites under every OpenBLAS kernel, in two environments",
}


def module_marks(path):
    """The marks of a module's `pytestmark = ...` line, as source text (`pytest.mark.slow`, ...)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark" for t in node.targets):
            value = node.value
            items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            return {ast.unparse(item) for item in items}
    return set()


@pytest.mark.parametrize("path", sorted(SLOW_MODULES))
def test_the_slow_modules_are_marked_slow(path):
    assert "pytest.mark.slow" in module_marks(path), f"{path} ({SLOW_MODULES[path]}) is not marked slow"


def recipe(target: str) -> tuple[str, list[str]]:
    """(prerequisites, recipe lines) of a Makefile target."""
    text = MAKEFILE.read_text(encoding="utf-8")
    m = re.search(rf"^{re.escape(target)}:(.*)\n((?:\t.*\n)*)", text, re.MULTILINE)
    assert m, f"the Makefile has no {target} target"
    return m[1].strip(), [line.strip() for line in m[2].splitlines()]


def test_make_test_fast_is_not_slow_with_the_venv_alone():
    prerequisites, lines = recipe("test-fast")
    assert prerequisites == "$(VENV)/.installed-test", "test-fast needs .venv only (no .venv-floor)"
    (command,) = [line for line in lines if "pytest" in line]
    assert command.startswith("$(PY) -m pytest ") and '-m "not slow"' in command
    assert "--nbval" not in command and "NBVAL_ARGS" not in command and "FLOOR" not in command


def test_make_test_still_runs_everything():
    _, lines = recipe("test")
    for line in lines:
        if "pytest" in line:
            assert "-m " not in line.split("pytest", 1)[1], f"make test deselects something: {line}"
    assert any("$(NBVAL_ARGS)" in line for line in lines) and any("$(CORE_TESTS)" in line for line in lines)


class FakeItem:
    """What the hooks read and write of a pytest item: its markers and its file."""

    def __init__(self, *names, path="tests/core/test_x.py"):
        self.names = list(names)
        self.path = path

    def get_closest_marker(self, name):
        return name if name in self.names else None

    def add_marker(self, marker):
        self.names.append(marker.name)


def test_every_browser_test_is_slow():
    from browser.conftest import pytest_collection_modifyitems

    browser, already, other = FakeItem("browser"), FakeItem("browser", "slow"), FakeItem("parametrize")
    pytest_collection_modifyitems(None, [browser, already, other])
    assert browser.names == ["browser", "slow"]
    assert already.names == ["browser", "slow"]  # marked once
    assert other.names == ["parametrize"]  # nothing else becomes slow


def test_files_with_a_slow_test_are_handed_out_first_and_keep_their_order():
    from helpers.order import slow_files_first

    a1, a2 = FakeItem(path="a.py"), FakeItem(path="a.py")
    b1, b2 = FakeItem(path="b.py"), FakeItem("slow", path="b.py")  # b.py holds one slow test
    c1 = FakeItem("browser", path="c.py")
    d1 = FakeItem(path="notebooks/d.ipynb")
    assert slow_files_first([a1, b1, d1, a2, b2, c1]) == [b1, b2, c1, a1, d1, a2]


def test_make_test_hands_out_files_in_the_collected_order():
    """xdist's default (`--loadscope-reorder`) sends the files with the most tests first, so the Binder venv
    (11 tests, ~130 s) went last; `make test` and `make test-fast` keep the order of tests/conftest.py."""
    lines = [line for line in MAKEFILE.read_text(encoding="utf-8").splitlines() if "pytest -n" in line]
    assert len(lines) == 2, lines
    assert all("--no-loadscope-reorder" in line for line in lines), lines


def test_the_full_run_starts_a_worker_more_than_the_cpus_and_the_fast_loop_does_not():
    from helpers.order import workers_for

    assert workers_for(2, "") == 3  # make test: the browser and Binder tests wait on pages and pip
    assert workers_for(2, None) == 3
    assert workers_for(2, "not slow") == 2  # make test-fast only computes
    assert workers_for(8, "browser and not slow") == 8


@pytest.mark.slow  # two pytest runs with xdist workers: ~14 s
def test_n_auto_asks_the_suites_hook(tmp_path):
    """`-n auto` really goes through tests/conftest.py's hook: runs of it report the workers they created."""
    (tmp_path / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_AUTO_NUM_WORKERS"}
    env["PYTHONPATH"] = str(ROOT / "tests")  # helpers.order, as pyproject's pythonpath gives it to the suite
    cpus = len(os.sched_getaffinity(0))

    def created(*args):
        run = subprocess.run([sys.executable, "-m", "pytest", "-n", "auto", "-p", "no:cacheprovider", *args],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr
        return re.search(r"created: (\d+)/\d+ workers", run.stdout)[1]

    assert created() == str(cpus + 1)
    assert created("-m", "not slow") == str(cpus)
    # and without pytest-xdist (the floor check's environment has none) the hook is no error
    bare = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "-p", "no:cacheprovider"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert bare.returncode == 0 and "1 passed" in bare.stdout, bare.stdout + bare.stderr
