"""Every explorer's stored output in every notebook carries a picture for readers without a kernel
(GitHub, nbviewer, a course website): an ``image/png`` beside the widget view, and a readable
``text/plain`` instead of ``VBox(children=...)`` (issue 13, section 5).

This reads the notebooks as stored in notebooks/ (the outputs of their last run), so it passes once
they have been executed with explorers that add the picture (``tools/execute_notebooks.py``).
``stored_problems(path)`` checks any executed copy.
"""

import base64
import json
import re
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
CALL = re.compile(r"\bexplore\.(\w+)\(([^)]*)\)")
NOT_EXPLORERS = {"quiz"}  # questions are widgets of text, with no picture


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def stored_problems(path):
    """Problems of the stored explorer outputs of notebook ``path`` (empty: every one is right)."""
    from lstm_core import explore

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    problems, seen = [], 0
    for n, cell in enumerate(nb["cells"], start=1):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        calls = [(f, args.strip()) for f, args in CALL.findall(source) if f not in NOT_EXPLORERS
                 and callable(getattr(explore, f, None))]
        if not calls:
            continue
        shown = [o for o in cell.get("outputs", []) if o["output_type"] in ("display_data", "execute_result")
                 and WIDGET in o["data"]]
        if not shown:
            problems.append(f"cell {n} ({source.strip()[:40]!r}): no stored widget output")
            continue
        for out in shown:
            seen += 1
            data = out["data"]
            text = "".join(data.get("text/plain", ""))
            if "image/png" not in data:
                problems.append(f"cell {n}: the widget output has no image/png (text/plain {text[:60]!r})")
                continue
            png = base64.b64decode("".join(data["image/png"]))
            size = png_size(png)
            if not size or min(size) < 100:
                problems.append(f"cell {n}: image/png is not a picture of explorer size ({size})")
            if text.startswith("VBox(") or not re.match(r"^\w+ explorer \(.*\)$", text):
                problems.append(f"cell {n}: text/plain is not the explorer's summary: {text[:80]!r}")
        factory, args = calls[0]
        if len(calls) == 1 and not args and len(shown) == 1:
            # called with the lesson's values: the stored picture and text are the starting ones
            fresh = getattr(explore, factory)()
            data = shown[0]["data"]
            if "".join(data.get("text/plain", "")) != fresh.plain_text():
                problems.append(f"cell {n}: text/plain {''.join(data.get('text/plain', ''))[:80]!r} is not "
                                f"{fresh.plain_text()[:80]!r}")
            if "image/png" in data and base64.b64decode("".join(data["image/png"])) != fresh.image.value:
                problems.append(f"cell {n}: the stored picture is not explore.{factory}()'s starting picture")
    return problems, seen


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_stored_explorer_output_carries_its_picture(path):
    problems, _ = stored_problems(path)
    assert not problems, f"{path.name} (re-execute it: tools/execute_notebooks.py):\n" + "\n".join(problems)


def test_the_notebooks_show_explorers_at_all():
    """The check above must have something to check."""
    assert sum(stored_problems(p)[1] for p in NOTEBOOKS) >= 6
