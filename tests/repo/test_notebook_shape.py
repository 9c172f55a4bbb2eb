"""The stored notebooks: every one a known lesson in the README's map, outputs from one clean run
(no errors, stderr, warnings or machine paths), only live-widget cells skip nbval's output check
(strict nbval, never --nbval-lax), and the lesson shape (what you'll do/learn/need, Try this,
questions, Summary)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.repo_files import MAKEFILE, NOTEBOOK_DIR, README


def notebook_paths() -> list[Path]:
    """The suite's notebooks, in lesson order (their names start with a number)."""
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def test_makefile_runs_notebooks_with_strict_nbval():
    makefile = MAKEFILE.read_text(encoding="utf-8")
    assert "--nbval " in makefile
    assert "--nbval-lax" not in makefile


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
    "09_an_lstm_that_writes",
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
