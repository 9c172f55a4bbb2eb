"""The fast loop (`make test-fast`, CONTRIBUTING.md) leaves out what is slow, and only that: the
Binder simulation, the OpenBLAS kernel matrix and every browser test carry the `slow` marker;
`make test-fast` runs `pytest -m "not slow"` with .venv alone, and `make test` still runs everything.
(What it costs is measured by benchmarks/suite_time.py, not here.)"""

from __future__ import annotations

import ast
import re

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
    """What the hook reads and writes of a pytest item: its markers."""

    def __init__(self, *names):
        self.names = list(names)

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
