"""The rule of the layers (ARCHITECTURE.md), read off the imports: core <- lessons <- explore <- notebooks.

- the core (lstm_core/*.py) imports neither lstm_core.lessons nor lstm_core.explore;
- the lessons (lstm_core/lessons/) never import lstm_core.explore;
- neither imports matplotlib or ipywidgets (numpy only below the widgets).
``__main__.py`` is an entry point, like a notebook: it sits on top and may import anything.
"""

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "lstm_core"
WIDGETS = ("matplotlib", "ipywidgets", "IPython")


def layer_of(module):
    """'core', 'lessons' or 'explore' for a dotted module name under lstm_core (None outside it)."""
    parts = module.split(".")
    if parts[0] != "lstm_core":
        return None
    if len(parts) > 1 and parts[1] in ("lessons", "explore"):
        return parts[1]
    return "core"


def imported_modules(source, module):
    """Every module that ``source`` (the text of ``module``) imports, relative imports made absolute."""
    package = module.split(".")[:-1] if not module.endswith("__init__") else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.append(target)
            # ``from lstm_core import lessons`` names a subpackage
            found += [f"{target}.{a.name}" for a in node.names]
    return found


def violations(source, module):
    """The imports of ``module`` that break the rule of the layers, as readable strings."""
    mine = layer_of(module)
    allowed = {"core": {"core"}, "lessons": {"core", "lessons"}, "explore": {"core", "lessons", "explore"}}[mine]
    bad = []
    for target in imported_modules(source, module):
        theirs = layer_of(target)
        if theirs is not None and theirs not in allowed and not target.endswith("__future__"):
            # ``from lstm_core import GATES`` yields the candidate "lstm_core.GATES": that is the core
            bad.append(f"{module} ({mine}) imports {target} ({theirs})")
        if mine != "explore" and target.split(".")[0] in WIDGETS:
            bad.append(f"{module} ({mine}) imports {target} (widgets)")
    return bad


def package_modules():
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        module = ".".join(rel.parts)
        if module == "lstm_core.__main__":
            continue  # the command line: an entry point on top, like a notebook
        yield module, path


MODULES = list(package_modules())


@pytest.mark.parametrize("module, path", MODULES, ids=[m for m, _ in MODULES])
def test_every_module_keeps_the_rule_of_the_layers(module, path):
    assert violations(path.read_text(), module) == []


def test_each_layer_has_modules():
    layers = {layer_of(m) for m, _ in MODULES}
    assert layers == {"core", "lessons", "explore"}


@pytest.mark.parametrize(
    "module, source, expected",
    [
        ("lstm_core.sequence", "from .lessons.l04_memory import DEFAULTS\n", "imports lstm_core.lessons.l04_memory (lessons)"),
        ("lstm_core.sequence", "from lstm_core.explore import quiz\n", "imports lstm_core.explore (explore)"),
        ("lstm_core.sequence", "from . import lessons\n", "imports lstm_core.lessons (lessons)"),
        ("lstm_core.lessons.l02_step", "from ..explore.panels import render\n", "imports lstm_core.explore.panels (explore)"),
        ("lstm_core.lessons.l02_step", "import matplotlib.pyplot as plt\n", "imports matplotlib.pyplot (widgets)"),
        ("lstm_core.cell", "import ipywidgets\n", "imports ipywidgets (widgets)"),
    ],
)
def test_a_broken_rule_is_caught(module, source, expected):
    """The checker itself: each kind of forbidden import is reported."""
    assert any(expected in v for v in violations(source, module)), violations(source, module)


@pytest.mark.parametrize(
    "module, source",
    [
        ("lstm_core.lessons.l02_step", "from ..sequence import forward\nfrom .questions import Question\n"),
        ("lstm_core.explore.explorers.scalar", "from lstm_core.lessons.l02_step import step_terms\nimport matplotlib\n"),
        ("lstm_core.bptt", "from .cell import split\nimport numpy as np\n"),
    ],
)
def test_allowed_imports_pass(module, source):
    assert violations(source, module) == []
