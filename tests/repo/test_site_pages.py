"""tools/build_site.py's preparation of a notebook for a page (no Sphinx here; the built site is
tests/browser/test_site.py's): on notebooks with and without tools/lesson_header.py applied."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


site, header = load("build_site"), load("lesson_header")


def outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


@pytest.mark.parametrize("with_header", [False, True], ids=["as committed", "with the set-up cell"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_page_keeps_pictures_and_text_and_drops_widgets_and_set_up(path, with_header):
    nb = nbformat.read(path, as_version=4)
    if with_header:
        nb = header.update_notebook(nb, path.name)
    before = copy.deepcopy(nb)
    page = site.static_notebook(nb, path.name)
    assert nb == before, "static_notebook changed its argument"
    assert "widgets" not in page.metadata
    assert not any(c.source.startswith(header.SETUP_MARK) for c in page.cells)
    assert page.cells[0].source.count(header.LAUNCH_START) == 1
    binder, colab = header.links(path.name)
    assert binder in page.cells[0].source and colab in page.cells[0].source
    shown = outputs(page)
    assert not [o for o in shown if WIDGET_VIEW in o.get("data", {})], "a widget view is left for the page"
    assert not [o for o in shown if "text/plain" in o.get("data", {}) and o["data"]["text/plain"].startswith(
        ("VBox(", "HBox(", "Image(", "IntProgress("))], "a widget repr is left"
    # every stored picture, beside a widget view (an explorer's) or alone (a plain image/png display)
    pictures = [o["data"]["image/png"] for o in outputs(nb) if "image/png" in o.get("data", {})]
    assert [o["data"]["image/png"] for o in shown if "image/png" in o.get("data", {})] == pictures
    # the set-up cell's own output goes with it (the page has no set-up cell)
    kept = [c for c in nb.cells if not c.source.startswith(header.SETUP_MARK)]
    plain = [o for c in kept if c.cell_type == "code" for o in c.outputs
             if WIDGET_VIEW not in o.get("data", {}) and "image/png" not in o.get("data", {})]
    assert [o for o in shown if "image/png" not in o.get("data", {}) and "lstm-static-question" not in
            o.get("data", {}).get("text/html", "")] == plain, "an output without a widget changed"


def test_questions_keep_their_text():
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    page = site.static_notebook(nb, "00_start_here.ipynb")
    questions = [o["data"]["text/html"] for o in outputs(page) if "lstm-static-question" in o.get("data", {}).get("text/html", "")]
    quiz_cells = [c for c in nb.cells if c.cell_type == "code" and "explore.quiz(" in c.source]
    assert len(questions) == len(quiz_cells) >= 2
    assert all("Question." in q and "Run this lesson live" in q for q in questions)
