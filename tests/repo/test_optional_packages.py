"""Optional packages must not change what a lesson prints: strict nbval passes with or without PyTorch or Keras.

A notebook cell whose output depends on whether an optional package is importable would store one environment's
output and fail nbval in the other. So no code cell imports torch, keras, tensorflow or jax, and none calls the
helpers that run them only when they are there.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
OPTIONAL = re.compile(r"\b(?:import\s+(?:torch|keras|tensorflow|jax)\b|from\s+(?:torch|keras|tensorflow|jax)\b|"
                      r"pytorch_check|torch_available|torch_lstm_forward|find_spec)")


def code_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    # the set-up cell (tools/lesson_header.py) looks for lstm_core only, and prints the same line either way
    # (tests/repo/test_install_cell.py runs it with and without lstm_core)
    return [(n, "".join(c["source"])) for n, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
            and not "".join(c["source"]).startswith("# Set-up: installs lstm_core where it is missing")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_cell_depends_on_an_optional_package(path):
    found = [(n, m.group(0)) for n, src in code_cells(path) for m in OPTIONAL.finditer(src)]
    assert found == [], f"{path.name}: cells whose output depends on an optional package: {found}"


@pytest.mark.parametrize("source", ["print(layouts.pytorch_check(trained, xs))", "import torch\n", "from keras import layers",
                                    "if importlib.util.find_spec('torch'):"])
def test_the_check_sees_each_kind_of_dependence(source):
    assert OPTIONAL.search(source)


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 8
