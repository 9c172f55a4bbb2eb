"""Checks on the repository itself: the environment files agree, Binder installs
the package, and the README says what the code says.

Notebook checks go at the bottom; `notebook_paths()` lists notebooks/*.ipynb.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
ENV_FILE = ROOT / "environment.yml"
BINDER_ENV_FILE = ROOT / "binder" / "environment.yml"
POSTBUILD = ROOT / "binder" / "postBuild"
PYPROJECT = ROOT / "pyproject.toml"
NOTEBOOK_DIR = ROOT / "notebooks"

NOTATION_START = "<!-- notation:start -->"
NOTATION_END = "<!-- notation:end -->"

# conda packages that are tooling, not requirements of the suite.
CONDA_ONLY = {"python", "pip"}


# --- helpers ------------------------------------------------------------------


def notebook_paths() -> list[Path]:
    """The suite's notebooks, in lesson order (their names start with a number)."""
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def normalise(name: str) -> str:
    """PEP 503 name normalisation: `PyYAML`, `py_yaml` and `py.yaml` are one name."""
    return re.sub(r"[-_.]+", "-", name).lower()


_CONDA_PIN = re.compile(r"^  - (?P<name>[A-Za-z0-9_.\-]+)=(?P<version>[^=\s]+)\s*(?:#.*)?$")


def conda_pins(path: Path) -> dict[str, str]:
    """The `  - name=version  # why` lines of a conda environment file.

    Every top-level dependency must be such an exact pin with a comment; the
    only other entry allowed is the `- pip:` section.
    """
    pins: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "channels:" in lines and "  - conda-forge" in lines, f"{path}: channels must be conda-forge"
    start = lines.index("dependencies:") + 1
    for line in lines[start:]:
        if not line.startswith("  - "):
            continue  # comments, or the entries nested under `- pip:`
        if line.rstrip() == "  - pip:":
            continue
        match = _CONDA_PIN.match(line)
        assert match, f"{path}: not an exact pin `  - name=version  # why`: {line!r}"
        assert "#" in line, f"{path}: every pin needs a comment saying why: {line!r}"
        name = normalise(match["name"])
        assert name not in pins, f"{path}: {name} pinned twice"
        pins[name] = match["version"]
    return pins


def conda_pip_entries(path: Path) -> list[str]:
    """The entries of the `- pip:` section of a conda environment file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if "  - pip:" not in lines:
        return []
    entries = []
    for line in lines[lines.index("  - pip:") + 1 :]:
        if not line.startswith("    "):
            break
        item = line.strip()
        if item.startswith("- "):
            entries.append(item[2:].strip())
    return entries


def pyproject_pins() -> dict[str, str]:
    """Runtime dependencies plus the lab and test extras, as {name: exact version}."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in ("lab", "test"):
        requirements += project["optional-dependencies"][extra]
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = re.fullmatch(r"(?P<name>[A-Za-z0-9_.\-]+)==(?P<version>[^\s,;]+)", requirement)
        assert match, f"pyproject.toml: not an exact pin `name==version`: {requirement!r}"
        name = normalise(match["name"])
        assert name not in pins, f"pyproject.toml: {name} named twice"
        pins[name] = match["version"]
    return pins


def notation_table(text: str) -> list[str]:
    """The markdown table that starts at the `| symbol | shape | meaning |` row."""
    lines = [line.strip() for line in text.splitlines()]
    header = "| symbol | shape | meaning |"
    assert header in lines, "no notation table header"
    start = lines.index(header)
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    return table


def readme_notation() -> str:
    text = README.read_text(encoding="utf-8")
    assert text.count(NOTATION_START) == 1 and text.count(NOTATION_END) == 1
    return text.split(NOTATION_START, 1)[1].split(NOTATION_END, 1)[0]


# --- environment files ----------------------------------------------------------


def test_conda_env_files_pin_the_same_packages():
    top = conda_pins(ENV_FILE)
    binder = conda_pins(BINDER_ENV_FILE)
    assert top == binder
    assert top["python"] == "3.12"
    assert "numpy" in top


def test_top_level_env_installs_the_checkout_and_binder_does_not():
    assert conda_pip_entries(ENV_FILE) in (["-e ."], ["."])
    assert conda_pip_entries(BINDER_ENV_FILE) == []
    binder_text = BINDER_ENV_FILE.read_text(encoding="utf-8")
    assert not re.search(r"^\s*-\s*(-e\s+)?\.\s*$", binder_text, re.MULTILINE)


def test_pyproject_pins_match_environment_yml():
    conda = {name: version for name, version in conda_pins(ENV_FILE).items() if name not in CONDA_ONLY}
    assert pyproject_pins() == conda


def test_numpy_is_the_only_runtime_requirement():
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    assert [normalise(r.split("==")[0]) for r in project["dependencies"]] == ["numpy"]


# --- Binder --------------------------------------------------------------------------


def test_binder_postbuild_installs_the_package():
    lines = [line.strip() for line in POSTBUILD.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == "#!/bin/bash"
    assert "set -e" in lines
    assert "pip install --no-deps ." in lines
    assert lines.index("set -e") < lines.index("pip install --no-deps .")
    mode = POSTBUILD.stat().st_mode
    assert mode & stat.S_IXUSR, "binder/postBuild must be executable"
    assert os.access(POSTBUILD, os.X_OK)


# --- README ----------------------------------------------------------------------------


def test_readme_notation_table_is_lstm_core_docstring_table():
    import lstm_core

    assert lstm_core.__doc__, "lstm_core has no module docstring"
    readme_table = notation_table(readme_notation())
    assert len(readme_table) == 14  # header, rule, 12 symbols
    assert readme_table == notation_table(lstm_core.__doc__)


def test_readme_opens_with_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# "), "README starts with its title"
    # Everything before the first section header (the title aside).
    intro_lines = []
    for line in lines[1:]:
        if line.startswith("#"):
            break
        intro_lines.append(line)
    intro = "\n".join(intro_lines)
    commands = [line.split("#")[0].strip() for line in intro_lines]
    assert "make lab" in commands and "make test" in commands, intro
    assert commands.index("make lab") < commands.index("make test")
    assert "LSTM" in intro


def test_makefile_runs_notebooks_with_strict_nbval():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--nbval " in makefile
    assert "--nbval-lax" not in makefile


# --- notebooks ---------------------------------------------------------------------------
# (checks on notebooks/*.ipynb go here; use notebook_paths())

LESSONS = [
    "00_start_here",
    "01_gates_are_soft_switches",
    "02_one_lstm_step_by_hand",
    "03_a_vector_lstm",
    "04_memory_on_the_conveyor_belt",
    "05_gradients_flow_back_through_time",
    "06_training_an_lstm_to_count",
    "07_from_here_to_pytorch_and_keras",
]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MACHINE_PATH = re.compile(r"/(tmp|root|home|work|Users)/")


def load_notebook(path):
    import json

    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def text_of(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


@pytest.fixture(params=notebook_paths() or [None], ids=lambda p: p.name if p else "none")
def notebook(request):
    if request.param is None:
        pytest.skip("no notebooks yet")
    return request.param, load_notebook(request.param)


def test_every_notebook_is_a_known_lesson_and_in_the_readme_map():
    readme = README.read_text(encoding="utf-8")
    map_section = readme.split("## Notebook map", 1)[1].split("\n## ", 1)[0]
    for path in notebook_paths():
        assert path.stem in LESSONS, f"{path.name} is not in the lesson plan"
        assert f"notebooks/{path.name}" in map_section, f"{path.name} is missing from the README's notebook map"


def test_notebook_kernelspec_is_python3(notebook):
    _, nb = notebook
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_notebook_outputs_are_from_one_clean_run(notebook):
    path, nb = notebook
    cells = code_cells(nb)
    counts = [c["execution_count"] for c in cells]
    assert all(counts), f"{path.name}: a code cell was not executed"
    assert counts == list(range(1, len(cells) + 1)), f"{path.name}: not one top-to-bottom run in a fresh kernel"
    for cell in cells:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"{path.name}: stored error {out.get('ename')}"
            if out["output_type"] == "stream":
                text = "".join(out["text"])
                assert out["name"] == "stdout", f"{path.name}: stderr output {text[:80]!r}"
                assert "Warning" not in text and "Traceback" not in text, f"{path.name}: {text[:80]!r}"
    assert not MACHINE_PATH.search(path.read_text(encoding="utf-8")), f"{path.name}: stores a path of this machine"


def test_only_live_widget_cells_skip_output_checks(notebook):
    path, nb = notebook
    for cell in code_cells(nb):
        tags = cell.get("metadata", {}).get("tags", [])
        if "nbval-ignore-output" not in tags:
            continue
        outputs = cell["outputs"]
        assert outputs, f"{path.name}: an ignored cell without output: {text_of(cell)[:60]!r}"
        for out in outputs:
            assert out["output_type"] == "display_data" or out["output_type"] == "execute_result"
            assert WIDGET_MIME in out["data"], f"{path.name}: an ignored cell shows no widget: {text_of(cell)[:60]!r}"
    assert not any("nbval-skip" in c.get("metadata", {}).get("tags", []) for c in code_cells(nb))


def test_notebook_follows_the_lesson_shape(notebook):
    path, nb = notebook
    markdown = [text_of(c) for c in nb["cells"] if c["cell_type"] == "markdown"]
    first = markdown[0]
    assert first.startswith("# "), f"{path.name}: opens with its title"
    for heading in ("## What you'll do", "## What you'll learn", "## What you need"):
        assert heading in first, f"{path.name}: the first cell lacks {heading!r}"
    assert "## Summary" in markdown[-1], f"{path.name}: does not close with a summary"
    tries = sum(text.count("**Try this:**") for text in markdown)
    assert tries >= 2, f"{path.name}: {tries} 'Try this' prompts, at least 2 wanted"
    quizzes = [c for c in code_cells(nb) if "explore.quiz(" in text_of(c)]
    assert len(quizzes) >= 2, f"{path.name}: {len(quizzes)} questions, at least 2 wanted"
