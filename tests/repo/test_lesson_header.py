"""tools/lesson_header.py: every lesson's set-up cell and launch links, written idempotently.

The tool runs on copies of the notebooks here; the last test checks that the committed notebooks
and README are what the tool writes (run `python tools/lesson_header.py`, then re-execute).
The set-up cell itself runs in subprocesses against fake lstm_core packages of other versions,
and, where lstm_core cannot be installed, in a venv without pip.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("lesson_header", ROOT / "tools" / "lesson_header.py")
header = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(header)

OWNER_REPO = "lstm-teaching-suite/lstm-teaching-suite"  # README's Binder badge (the issue names it)


def version_in_source() -> str:
    text = (ROOT / "lstm_core" / "__init__.py").read_text(encoding="utf-8")
    (found,) = re.findall(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    return found


def copies(tmp_path: Path) -> list[Path]:
    """The lessons as they were before the tool ran: committed notebooks without the set-up cell and launch line."""
    out = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source.startswith(header.SETUP_MARK))]
        nb.cells[0].source = re.sub(rf"\n*{re.escape(header.LAUNCH_START)}.*?{re.escape(header.LAUNCH_END)}\n*", "\n\n",
                                    nb.cells[0].source, flags=re.S)
        nbformat.write(nb, tmp_path / path.name)
        out.append(tmp_path / path.name)
    return out


def run_tool(*args) -> subprocess.CompletedProcess:
    """The tool's main() in this process (a subprocess spent ~2 s importing nbformat, per run), as if run by
    ``python tools/lesson_header.py ARGS``: its exit code and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = header.main([str(a) for a in args])
    return subprocess.CompletedProcess(["tools/lesson_header.py", *map(str, args)], code, out.getvalue(), err.getvalue())


def test_repository_and_version_come_from_the_badge_and_the_package():
    assert header.repository() == (*OWNER_REPO.split("/"), "main")
    assert header.version() == version_in_source()
    binder, colab = header.links("03_a_vector_lstm.ipynb")
    assert binder == f"https://mybinder.org/v2/gh/{OWNER_REPO}/main?urlpath=lab/tree/notebooks/03_a_vector_lstm.ipynb"
    assert colab == f"https://colab.research.google.com/github/{OWNER_REPO}/blob/main/notebooks/03_a_vector_lstm.ipynb"
    assert f'"git+https://github.com/{OWNER_REPO}@v{{LESSONS_VERSION}}"' in header.setup_source()
    assert f'LESSONS_VERSION = "{version_in_source()}"' in header.setup_source()


def test_tool_inserts_once_and_leaves_every_other_cell_alone(tmp_path):
    paths = copies(tmp_path)
    before = [nbformat.read(p, 4) for p in paths]
    first = run_tool(*paths)
    assert first.returncode == 0, first.stderr
    assert first.stdout.count("changed: ") == len(paths), first.stdout
    after_first = {p: p.read_bytes() for p in paths}
    second = run_tool(*paths)
    assert second.returncode == 0 and "changed" not in second.stdout, second.stdout
    assert {p: p.read_bytes() for p in paths} == after_first, "a second run changed a notebook"
    assert run_tool("--check", *paths).returncode == 0
    for old, path in zip(before, paths):
        new = nbformat.read(path, 4)
        nbformat.validate(new)
        setup = [k for k, c in enumerate(new.cells) if c.source.startswith(header.SETUP_MARK)]
        first_code = next(k for k, c in enumerate(new.cells) if c.cell_type == "code")
        assert setup == [first_code], f"{path.name}: the set-up cell is not the one first code cell"
        assert new.cells[first_code].source == header.setup_source()
        assert new.cells[first_code].outputs == [] and new.cells[first_code].execution_count is None
        rest = new.cells[:first_code] + new.cells[first_code + 1:]
        assert [c.source for c in rest[1:]] == [c.source for c in old.cells[1:]], f"{path.name}: other cells changed"
        assert [c.get("outputs") for c in rest] == [c.get("outputs") for c in old.cells]
        title = rest[0].source
        assert title.replace(header.launch_line(path.name) + "\n\n", "") == old.cells[0].source
        assert title.startswith(old.cells[0].source.split("\n")[0] + "\n\n" + header.LAUNCH_START)
        binder, colab = header.links(path.name)
        assert f"({binder})" in title and f"({colab})" in title
        assert len({c.id for c in new.cells}) == len(new.cells), "cell ids must stay unique"


def test_a_stale_set_up_cell_is_updated_in_place(tmp_path):
    (path, *_) = copies(tmp_path)
    assert run_tool(path).returncode == 0
    nb = nbformat.read(path, 4)
    k = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells[k].source = nb.cells[k].source.replace(f'"{header.version()}"', '"0.0.1"')
    nb.cells[0].source = nb.cells[0].source.replace("mybinder.org", "old.example")
    nbformat.write(nb, path)
    assert "would change" in run_tool("--check", path).stdout
    assert run_tool("--check", path).returncode == 1
    assert run_tool(path).returncode == 0
    again = nbformat.read(path, 4)
    assert again.cells[k].source == header.setup_source()
    assert sum(c.source.startswith(header.SETUP_MARK) for c in again.cells) == 1
    assert "old.example" not in again.cells[0].source and again.cells[0].source.count(header.LAUNCH_START) == 1


# --- the set-up cell as it runs ------------------------------------------------------------------------


def fake_lstm_core(tmp_path: Path, version_line: str) -> Path:
    package = tmp_path / "fake" / "lstm_core"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(version_line + "\n", encoding="utf-8")
    return package.parent


def run_cell(python: str, pythonpath: Path | None, tmp_path: Path, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["LSTM_CORE_URL"] = url
    if pythonpath:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([python, "-c", header.setup_source()], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)


NO_SUCH_WHEEL = "file:///nonexistent/lstm_core-9.9.9-py3-none-any.whl"  # pip would fail on it


@pytest.mark.parametrize("line, printed", [
    ('__version__ = "{v}"', "lstm_core {v} is ready.\n"),
    ('__version__ = "99.0.0"', "lstm_core 99.0.0 is ready.\n"),
])
def test_set_up_cell_installs_nothing_where_lstm_core_is_there(tmp_path, line, printed):
    v = version_in_source()
    result = run_cell(sys.executable, fake_lstm_core(tmp_path, line.format(v=v)), tmp_path, NO_SUCH_WHEEL)
    assert result.returncode == 0, result.stderr
    assert result.stdout == printed.format(v=v)  # and pip was not run: it would have failed on NO_SUCH_WHEEL


@pytest.mark.parametrize("line, said", [
    ('__version__ = "0.0.9"', "(0.0.9)"),
    ("", "(without a version number)"),  # an lstm_core older than __version__
])
def test_set_up_cell_says_in_words_that_lstm_core_is_older(tmp_path, line, said):
    result = run_cell(sys.executable, fake_lstm_core(tmp_path, line), tmp_path, NO_SUCH_WHEEL)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.startswith(f"This lesson was written for lstm_core {version_in_source()}, but this Python "
                                    f"has an older lstm_core {said}, so some cells below may fail.")
    assert "ready" not in result.stdout


def test_set_up_cell_says_what_pip_said_when_it_cannot_install(tmp_path):
    """A Python without lstm_core and without pip: the cell tries, and says so."""
    venv = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    result = run_cell(str(venv / "bin" / "python"), None, tmp_path, NO_SUCH_WHEEL)
    assert f"Could not install lstm_core from {NO_SUCH_WHEEL} (above: what pip said)" in result.stdout
    assert "No module named pip" in result.stdout
    assert "ModuleNotFoundError: No module named 'lstm_core'" in result.stderr  # the import after it, as is


# --- README and the committed notebooks -----------------------------------------------------------------


def test_readme_map_links_every_lesson_on_binder_and_colab():
    section = README.read_text(encoding="utf-8").split("## Notebook map", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| [`notebooks/")]
    assert {re.match(r"\| \[`notebooks/([^`]+)`", r)[1] for r in rows} == {p.name for p in NOTEBOOKS}
    for row in rows:
        name = re.match(r"\| \[`notebooks/([^`]+)`", row)[1]
        binder, colab = header.links(name)
        assert row.endswith(f"| [Binder]({binder}) · [Colab]({colab}) |"), row


def test_readme_says_what_colab_needs_and_what_was_not_verified():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Colab", 1)[1].split("\n## ", 1)[0]
    for needed in ("set-up cell", f"v{version_in_source()}", "widget manager", "not verified", "LSTM_CORE_URL"):
        assert needed.lower() in section.lower(), f"README's Colab section does not say {needed!r}"


def test_committed_notebooks_and_readme_are_what_the_tool_writes():
    """Fails until `python tools/lesson_header.py` has run on notebooks/ (then re-execute them)."""
    # as CONTRIBUTING says to run it: the script itself, in a subprocess (the other tests call its main())
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "lesson_header.py"), "--check"], capture_output=True,
                            text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, f"run `python tools/lesson_header.py` and re-execute:\n{result.stdout}{result.stderr}"
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        setup = next(c for c in nb["cells"] if c["cell_type"] == "code")
        printed = "".join("".join(o.get("text", "")) for o in setup["outputs"] if o["output_type"] == "stream")
        assert printed == f"lstm_core {version_in_source()} is ready.\n", f"{path.name}: re-execute it ({printed!r})"
