"""The dependency files agree: ranges in pyproject.toml, one exact lock, Binder's and the floor
check's parts of it, the Makefile and environment.yml installing from it, and this environment
installed from it."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

from helpers.repo_files import (BINDER_DIR, BINDER_REQUIREMENTS, ENV_FILE, FLOOR, LOCK, MAKEFILE, ROOT,
                                declared_requirements, exact_pins, floor_of, normalise)

# What Binder must not carry: the test tools of the `test` extra that the lessons never import.
TEST_TOOLS = {"pytest", "nbval", "hypothesis", "playwright"}
# What the lessons need (the `lab` extra, numpy, and the kernel they run on).
LESSON_PACKAGES = {"numpy", "matplotlib", "ipywidgets", "jupyterlab", "voila", "ipykernel", "jupyterlab-widgets"}


def conda_section(path: Path) -> tuple[list[str], list[str]]:
    """(conda dependencies, pip entries) of a conda environment file (top-level `  - x` lines
    and the `      - x` lines under `  - pip:`), comments stripped."""
    conda, pip_entries, in_pip = [], [], False
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[lines.index("dependencies:") + 1 :]:
        item = line.split("#", 1)[0].rstrip()
        if not item.strip():
            continue
        if item.startswith("  - "):
            in_pip = item.strip() == "- pip:"
            if not in_pip:
                conda.append(item.strip()[2:].strip())
        elif in_pip and item.strip().startswith("- "):
            pip_entries.append(item.strip()[2:].strip())
    return conda, pip_entries


def test_lock_is_exact_and_names_everything_declared():
    locked = exact_pins(LOCK)
    assert len(locked) > 50, "the lock holds the transitive packages too, not only the direct ones"
    for group, requirements in declared_requirements().items():
        for requirement in requirements:
            assert normalise(requirement.name) in locked, f"{requirement.name} ({group}) is not in the lock"
    assert "lstm-core" not in locked, "the lock holds the dependencies; lstm_core comes from the checkout"


def test_pyproject_declares_ranges_that_admit_the_locked_versions():
    locked = exact_pins(LOCK)
    for group, requirements in declared_requirements().items():
        for requirement in requirements:
            operators = sorted(s.operator for s in requirement.specifier)
            assert operators == ["<", ">="], f"pyproject ({group}): {requirement} is not a range `>=floor,<ceiling`"
            version = locked[normalise(requirement.name)]
            assert requirement.specifier.contains(version, prereleases=True), (
                f"pyproject ({group}): {requirement} does not admit the locked {requirement.name}=={version}")
    runtime = [normalise(r.name) for r in declared_requirements()["runtime"]]
    assert runtime == ["numpy"], "numpy is the only runtime requirement"


def test_numpy_floor_is_what_the_floor_check_installs():
    (numpy,) = declared_requirements()["runtime"]
    floor = exact_pins(FLOOR)
    assert Version(floor["numpy"]) == floor_of(numpy), (
        f"pyproject declares {numpy}; requirements/floor.txt installs numpy=={floor['numpy']}: the floor must be run")
    assert Version(floor["numpy"]) < Version(exact_pins(LOCK)["numpy"]), "the floor check should test an older numpy"
    # numpy 1.26 is the first numpy with wheels for Python 3.12 (Binder's Python)
    assert floor_of(numpy) >= Version("1.26")


def test_floor_check_is_core_only_at_locked_versions():
    floor, locked = exact_pins(FLOOR), exact_pins(LOCK)
    others = {name: version for name, version in floor.items() if name != "numpy"}
    assert "pytest" in others
    for name, version in others.items():
        assert locked.get(name) == version, f"requirements/floor.txt: {name}=={version}, the lock has {locked.get(name)}"
    assert not set(floor) & (LESSON_PACKAGES - {"numpy"}), "the floor check runs the core only"
    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert "-r requirements/floor.txt" in makefile
    core = re.search(r"^CORE_TESTS\s*:=.*$", makefile, re.MULTILINE)
    assert core, "the Makefile names the floor check's core tests (CORE_TESTS)"
    named = set(re.findall(r"[a-z_]+", core.group(0).split("tests/core/test_%.py,", 1)[-1]))
    wanted = {"params", "bptt", "fast", "variants", "gru", "golden", "cli", "gradcheck", "checks",
              "rnn", "loss", "gradient_descent", "torch_reference", "gradient_descent_truncate_clip"}
    for name in named:
        assert (ROOT / "tests" / "core" / f"test_{name}.py").is_file(), f"CORE_TESTS names tests/core/test_{name}.py, which does not exist"
    assert wanted <= named, f"the floor check's core tests lack {sorted(wanted - named)}"


def test_binder_requirements_are_the_lessons_part_of_the_lock():
    locked, binder = exact_pins(LOCK), exact_pins(BINDER_REQUIREMENTS)
    differ = {name: (version, locked.get(name)) for name, version in binder.items() if locked.get(name) != version}
    assert not differ, f"binder/requirements.txt vs requirements/lock.txt: {differ}"
    assert LESSON_PACKAGES <= set(binder), f"missing from Binder: {sorted(LESSON_PACKAGES - set(binder))}"
    assert not TEST_TOOLS & set(binder), f"test tools in Binder: {sorted(TEST_TOOLS & set(binder))}"
    assert (BINDER_DIR / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.12"


def _closure(extras: set[str]) -> dict[str, str]:
    """Every distribution that lstm_core[extras] needs here, transitively: {name: installed version}."""
    environment = default_environment()
    seen: dict[str, str] = {}
    todo = [("lstm-core", frozenset(extras))]
    while todo:
        name, wanted_extras = todo.pop()
        distribution = importlib.metadata.distribution(name)
        key = normalise(distribution.metadata["Name"])
        if key != "lstm-core":
            if key in seen and not wanted_extras:
                continue
            seen[key] = distribution.version
        for line in distribution.requires or []:
            requirement = Requirement(line)
            if requirement.marker and not any(
                    requirement.marker.evaluate(environment | {"extra": extra}) for extra in (wanted_extras or {""})):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    return seen


def test_this_environment_was_installed_from_the_lock_and_the_lock_is_closed():
    """`make test` installs the lock; every package lstm_core[lab,test] needs here is a locked one,
    at its locked version (a package missing from the lock would be installed unpinned)."""
    try:
        importlib.metadata.distribution("lstm_core")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("lstm_core is not installed in this environment (run `make test`)")
    locked = exact_pins(LOCK)
    needed = _closure({"lab", "test"})
    missing = sorted(set(needed) - set(locked))
    assert not missing, f"needed by lstm_core[lab,test] but not in requirements/lock.txt: {missing}"
    differ = {name: (locked[name], version) for name, version in needed.items() if locked[name] != version}
    assert not differ, f"lock vs installed: {differ} (run `make test`: it installs the lock)"
    assert set(needed) == set(locked), f"locked but needed by nothing: {sorted(set(locked) - set(needed))}"
    lessons = _closure({"lab"})
    assert set(lessons) == set(exact_pins(BINDER_REQUIREMENTS)), (
        "binder/requirements.txt is lstm_core[lab]'s closure: "
        f"missing {sorted(set(lessons) - set(exact_pins(BINDER_REQUIREMENTS)))}, "
        f"extra {sorted(set(exact_pins(BINDER_REQUIREMENTS)) - set(lessons))}")


def test_makefile_installs_from_the_lock():
    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert re.search(r"^LOCK\s*:= requirements/lock.txt$", makefile, re.MULTILINE)
    assert "install -r $(LOCK) -e '.[lab,test]'" in makefile  # make test
    assert "install -c $(LOCK) -e '.[lab]'" in makefile  # make lab
    assert re.search(r"^\$\(VENV\)/\.installed-test: pyproject.toml \$\(LOCK\)", makefile, re.MULTILINE)


def test_conda_environment_is_python_and_pip_then_the_lock():
    conda, pip_entries = conda_section(ENV_FILE)
    names = [re.split(r"[=<>!\s]", entry, maxsplit=1)[0] for entry in conda]
    assert names == ["python", "pip"], f"environment.yml: conda provides only python and pip, not {conda}"
    assert "python=3.12" in conda  # Binder's Python, for which the lock resolves (tests/repo/test_binder.py)
    assert pip_entries == ["-r requirements/lock.txt", "-e ."], pip_entries
    text = ENV_FILE.read_text(encoding="utf-8")
    assert "channels:" in text and "  - conda-forge" in text
