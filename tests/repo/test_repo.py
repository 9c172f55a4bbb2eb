"""Checks on the repository itself: the dependency files agree (ranges in pyproject.toml, one
exact lock, Binder's and the floor check's parts of it), Binder installs the package, set-up
fails kindly, the papers are there, and the README says what the code says.

Notebook checks go at the bottom; `notebook_paths()` lists notebooks/*.ipynb.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ENV_FILE = ROOT / "environment.yml"
BINDER_DIR = ROOT / "binder"
BINDER_REQUIREMENTS = BINDER_DIR / "requirements.txt"
POSTBUILD = BINDER_DIR / "postBuild"
LOCK = ROOT / "requirements" / "lock.txt"
FLOOR = ROOT / "requirements" / "floor.txt"
PYPROJECT = ROOT / "pyproject.toml"
MAKEFILE = ROOT / "Makefile"
NOTEBOOK_DIR = ROOT / "notebooks"

NOTATION_START = "<!-- notation:start -->"
NOTATION_END = "<!-- notation:end -->"

# What Binder must not carry: the test tools of the `test` extra that the lessons never import.
TEST_TOOLS = {"pytest", "nbval", "hypothesis", "playwright"}
# What the lessons need (the `lab` extra, numpy, and the kernel they run on).
LESSON_PACKAGES = {"numpy", "matplotlib", "ipywidgets", "jupyterlab", "voila", "ipykernel", "jupyterlab-widgets"}


# --- helpers ------------------------------------------------------------------


def notebook_paths() -> list[Path]:
    """The suite's notebooks, in lesson order (their names start with a number)."""
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def normalise(name: str) -> str:
    """PEP 503 name normalisation: `PyYAML`, `py_yaml` and `py.yaml` are one name."""
    return re.sub(r"[-_.]+", "-", name).lower()


_EXACT = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9_.\-]*)==(?P<version>[A-Za-z0-9_.+!\-]+)$")


def exact_pins(path: Path) -> dict[str, str]:
    """A file of `name==version` lines (comments and blank lines aside), as {normalised name: version}.

    Anything else (a range, an option, a URL, a name twice) fails: these files are exact.
    """
    pins: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _EXACT.match(line)
        assert match, f"{path.relative_to(ROOT)}:{n}: not an exact `name==version` line: {raw!r}"
        name = normalise(match["name"])
        assert name not in pins, f"{path.relative_to(ROOT)}: {name} listed twice"
        pins[name] = match["version"]
    return pins


def pyproject() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def declared_requirements() -> dict[str, list[Requirement]]:
    """{"runtime": [...], "lab": [...], "test": [...]} from pyproject.toml."""
    project = pyproject()
    groups = {"runtime": [Requirement(r) for r in project["dependencies"]]}
    for extra in ("lab", "test"):
        groups[extra] = [Requirement(r) for r in project["optional-dependencies"][extra]]
    return groups


def floor_of(requirement: Requirement) -> Version:
    (floor,) = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    return floor


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


# --- dependencies: ranges, one lock, and its parts -----------------------------------------------


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
              "rnn", "loss", "train", "torch_reference", "train_truncate_clip"}
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


# --- set-up that fails kindly ------------------------------------------------------------------


def _make_venv(tmp_path: Path, fake_python: str) -> subprocess.CompletedProcess:
    """The Makefile's venv rule, in a folder of its own, with a fake PYTHON."""
    (tmp_path / "Makefile").write_text(MAKEFILE.read_text(encoding="utf-8"), encoding="utf-8")
    fake = tmp_path / "fake-python"
    fake.write_text(fake_python, encoding="utf-8")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", f"PYTHON={fake}", ".venv/.created"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=60)


# `-m venv DIR` as on a Python without ensurepip: DIR/bin/python made, then exit 1.
NO_ENSUREPIP = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    printf '#!/bin/sh\necho "$0: No module named pip" >&2\nexit 1\n' > "$3/bin/python"
    chmod +x "$3/bin/python"
    echo "The virtual environment was not created successfully because ensurepip is not available." >&2
    exit 1
fi
exit 2
"""

# `-m venv DIR` that works: DIR/bin/python answers `-m pip --version`.
WORKING_VENV = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin"
    printf '#!/bin/sh\necho "pip 99.0"\n' > "$3/bin/python"
    chmod +x "$3/bin/python"
    exit 0
fi
exit 2
"""


def test_failed_venv_is_removed_with_a_message_saying_what_to_install(tmp_path):
    for attempt in (1, 2):  # the second run must fail the same way, not with "No module named pip"
        result = _make_venv(tmp_path, NO_ENSUREPIP)
        assert result.returncode != 0, f"run {attempt}: make succeeded with a venv without pip"
        assert "apt install python3-venv" in result.stderr, result.stderr
        assert not (tmp_path / ".venv").exists(), f"run {attempt}: the half-made .venv was left behind"


def test_half_made_venv_from_an_earlier_run_is_replaced(tmp_path):
    half = tmp_path / ".venv" / "bin"
    half.mkdir(parents=True)
    (half / "python").write_text('#!/bin/sh\necho "No module named pip" >&2\nexit 1\n', encoding="utf-8")
    (half / "python").chmod(0o755)
    (tmp_path / ".venv" / "left-over").write_text("from the failed run", encoding="utf-8")
    result = _make_venv(tmp_path, WORKING_VENV)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".venv" / ".created").is_file()
    assert not (tmp_path / ".venv" / "left-over").exists(), "the half-made .venv was kept"
    again = _make_venv(tmp_path, NO_ENSUREPIP)  # a venv with pip is kept: nothing to do
    assert again.returncode == 0 and "is up to date" in again.stdout + again.stderr, again.stdout + again.stderr


# --- the papers a teacher needs --------------------------------------------------------------


def test_licenses_code_mit_lessons_cc_by():
    code, lessons = (ROOT / "LICENSE").read_text(encoding="utf-8"), (ROOT / "LICENSE-CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "THE SOFTWARE IS PROVIDED \"AS IS\"" in code
    assert "Attribution 4.0 International" in lessons and "notebooks/" in lessons
    project = pyproject()
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    section = README.read_text(encoding="utf-8").split("## License", 1)[1].split("\n## ", 1)[0]
    assert "MIT" in section and "CC BY 4.0" in section and "LICENSE" in section


def test_citation_cff_names_the_project():
    import yaml

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "license", "version"):
        assert citation.get(key), f"CITATION.cff has no {key}"
    assert citation["version"] == pyproject()["version"]
    assert citation["license"] == ["MIT", "CC-BY-4.0"]


def test_contributing_says_how_to_test_and_re_execute_a_notebook():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for needed in ("make test", "requirements/lock.txt", "nbval", "tools/execute_notebooks.py"):
        assert needed in text, f"CONTRIBUTING.md does not mention {needed!r}"


def test_readme_says_what_was_tested():
    text = README.read_text(encoding="utf-8")
    section = text.split("## What was tested", 1)[1].split("\n## ", 1)[0]
    floor = exact_pins(FLOOR)["numpy"]
    locked = exact_pins(LOCK)["numpy"]
    for needed in (f"numpy {floor}", f"numpy {locked}", "Python 3.11", "Python 3.12", "requirements/lock.txt",
                   "OPENBLAS_CORETYPE", "Prescott", "Nehalem", "Sandybridge", "Haswell", "Zen", "SkylakeX", "Cooperlake"):
        assert needed in section, f"README's 'What was tested' does not say {needed!r}"


# --- README ----------------------------------------------------------------------------


def test_readme_notation_table_is_lstm_core_docstring_table():
    import lstm_core

    assert lstm_core.__doc__, "lstm_core has no module docstring"
    readme_table = notation_table(readme_notation())
    assert len(readme_table) == 19  # header, rule, 12 LSTM symbols, 5 GRU rows
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
    "08_taking_the_cell_apart",
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
