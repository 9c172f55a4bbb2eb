"""Any Python, any OS, and the pieces that say so: the Makefile's Python checks, README's commands without
make, the classifiers, the version, the site's lock."""

from __future__ import annotations

import glob
import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MAKEFILE = ROOT / "Makefile"
LOCK = ROOT / "requirements" / "lock.txt"
SITE_LOCK = ROOT / "requirements" / "site.txt"


def make_variable(name: str) -> str:
    (value,) = re.findall(rf"^{name}\s*[:?]=\s*(.*)$", MAKEFILE.read_text(encoding="utf-8"), re.MULTILINE)
    return value.strip()


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            out[re.sub(r"[-_.]+", "-", name).lower()] = version
    return out


def section(title: str) -> str:
    return README.read_text(encoding="utf-8").split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def pyenv_python(version: str) -> str | None:
    found = sorted(glob.glob(f"/root/.pyenv/versions/{version}.*/bin/python{version}"))
    return found[-1] if found else shutil.which(f"python{version}")


# --- README's steps without make are the Makefile's -----------------------------------------------------


def makefile_commands() -> list[str]:
    """The Makefile's venv, lab-install, lab, test-install and test commands, with its variables filled in."""
    text = MAKEFILE.read_text(encoding="utf-8")
    fill = {"$(LOCK)": make_variable("LOCK"), "$(LAB_DIR)": "notebooks/", "$(NBVAL_ARGS)":
            re.search(r"\$\(if \$\(NOTEBOOKS\),([^)]*)\)", make_variable("NBVAL_ARGS"))[1],
            "$(PIP)": "python -m pip", "$(PY)": "python", "$(VENV)/bin/": "", "'": '"',
            "$(TEST_WORKERS)": make_variable("TEST_WORKERS")}
    wanted = [r"\$\(PYTHON\) -m venv \$\*", r"\$\(PIP\) install -c \$\(LOCK\) -e '\.\[lab\]'",
              r"\$\(VENV\)/bin/jupyter lab \$\(LAB_DIR\)", r"\$\(PIP\) install -r \$\(LOCK\) -e '\.\[lab,test\]'",
              r"\$\(PY\) -m pytest -n \$\(TEST_WORKERS\) --dist loadfile --no-loadscope-reorder \$\(NBVAL_ARGS\)"]
    out = []
    for pattern in wanted:
        match = re.search(pattern, text)
        assert match, f"the Makefile no longer runs {pattern}"
        command = match[0]
        for key, value in fill.items():
            command = command.replace(key, value)
        out.append(command.replace("$*", make_variable("VENV")))
    return out


def readme_commands() -> list[str]:
    blocks = re.findall(r"```\n(.*?)```", section("Without make (Windows, macOS)"), re.S)
    lines = [line.strip() for block in blocks for line in block.splitlines() if line.strip()]
    return [line.replace(".venv\\Scripts\\", "") for line in lines]


def test_readme_steps_without_make_are_the_makefiles():
    readme, makefile = readme_commands(), makefile_commands()
    venv_line, *rest = readme
    assert re.fullmatch(r"py -3\.1\d -m venv \.venv", venv_line), venv_line
    assert venv_line.split()[1].removeprefix("-") in make_variable("TESTED_PYTHONS").split()
    assert makefile[0] == "$(PYTHON) -m venv .venv" and venv_line.endswith(makefile[0].removeprefix("$(PYTHON)"))
    assert rest == makefile[1:], f"README: {rest}\nMakefile: {makefile[1:]}"


# --- which Python ---------------------------------------------------------------------------------------


def test_supported_pythons_agree_everywhere():
    tested = make_variable("TESTED_PYTHONS").split()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    classified = [c.rsplit(" :: ", 1)[1] for c in project["classifiers"]
                  if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)]
    assert classified == tested
    assert project["requires-python"] == f">={make_variable('MIN_PYTHON')}" and tested[0] == make_variable("MIN_PYTHON")
    text = section("Which Python")
    assert all(v in text for v in tested) and "3.10" in text


def run_make(tmp_path: Path, python: str, *goals: str) -> subprocess.CompletedProcess:
    for name in ("Makefile", "pyproject.toml", "requirements/lock.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    return subprocess.run(["make", "--no-print-directory", f"PYTHON={python}", *goals], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def test_a_too_old_python_stops_make_with_a_plain_message(tmp_path):
    old = pyenv_python("3.10")
    if old is None:
        pytest.skip("no Python 3.10 on this machine")
    result = run_make(tmp_path, old, "lab")
    assert result.returncode != 0
    assert f"This suite needs Python 3.11 or newer (tested: 3.11 3.12 3.13); '{old}' is Python 3.10" in result.stdout
    assert "PYTHON=python3.12" in result.stdout and "ResolutionImpossible" not in result.stdout + result.stderr
    assert not (tmp_path / ".venv").exists(), "a venv was made with the too old Python"
    assert run_make(tmp_path, old, "help").returncode == 0  # help and clean still work


def test_a_venv_of_another_python_is_made_again(tmp_path):
    first, second = pyenv_python("3.12"), pyenv_python("3.11")
    if not (first and second):
        pytest.skip("needs Python 3.11 and 3.12")
    subprocess.run([first, "-m", "venv", "--without-pip", str(tmp_path / ".venv")], check=True, timeout=120)
    (tmp_path / ".venv" / ".installed-lab").write_text("", encoding="utf-8")
    # -n: make prints what it would run, but the stale venv is removed when make reads the Makefile
    result = run_make(tmp_path, second, "-n", "lab")
    assert re.search(r"\.venv was made with Python 3\.12\.\d+, \S+ is Python 3\.11\.\d+: making it again", result.stdout), (
        result.stdout + result.stderr)
    assert not (tmp_path / ".venv").exists()
    assert "-m venv .venv" in result.stdout and "install -c requirements/lock.txt" in result.stdout
    same = run_make(tmp_path, second, "-n", "help")  # nothing to remove: no venv, and then one of the same Python
    assert "making it again" not in same.stdout


# --- the version --------------------------------------------------------------------------------------------


def test_version_is_written_once_and_repeated_where_it_must_be():
    import lstm_core

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "lstm_core.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", lstm_core.__version__)
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == lstm_core.__version__
    assert f"v{lstm_core.__version__}" in section("Colab, Kaggle and any Jupyter")


def test_explore_extra_is_the_labs_drawing_packages():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    lab = {Requirement(r).name: str(Requirement(r).specifier) for r in extras["lab"]}
    explore = {Requirement(r).name: str(Requirement(r).specifier) for r in extras["explore"]}
    assert set(explore) == {"ipywidgets", "matplotlib"}
    assert all(lab[name] == spec for name, spec in explore.items()), (explore, lab)


# --- the site's lock ------------------------------------------------------------------------------------------


def test_site_lock_is_exact_and_agrees_with_the_lessons_lock():
    site, lessons = pins(SITE_LOCK), pins(LOCK)
    assert {"sphinx", "myst-nb", "sphinx-book-theme", "myst-parser"} <= set(site)
    differ = {n: (v, lessons[n]) for n, v in site.items() if n in lessons and lessons[n] != v}
    assert not differ, f"requirements/site.txt vs requirements/lock.txt: {differ}"
    assert "lstm-core" not in site
    npm = json.loads((ROOT / "site" / "package-lock.json").read_text(encoding="utf-8"))
    assert npm["packages"]["node_modules/mathjax"]["version"] == json.loads(
        (ROOT / "site" / "package.json").read_text(encoding="utf-8"))["dependencies"]["mathjax"]
    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert make_variable("SITE_LOCK") == "requirements/site.txt"
    assert "$(SITE_PY) -m pip --disable-pip-version-check install -r $(SITE_LOCK)" in makefile
    assert re.search(r"^test: \$\(SITE_VENV\)/\.installed$", makefile, re.MULTILINE), "make test must build the site's venv"
