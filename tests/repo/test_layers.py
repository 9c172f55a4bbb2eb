"""The rule of the layers (ARCHITECTURE.md), read off the imports: core <- lessons <- explore <- notebooks.

- the core (lstm_core/*.py) imports neither lstm_core.lessons nor lstm_core.explore;
- the lessons (lstm_core/lessons/) never import lstm_core.explore;
- neither imports matplotlib or ipywidgets (numpy only below the widgets);
- no module imports, directly or round a longer circle, a module that imports it back: the graph of
  imports among lstm_core's modules has no cycle. Every import counts, also one inside a function
  (a lazy import hides a cycle from Python, not from a reader).
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


def package_modules(pkg=PKG):
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(pkg.parent).with_suffix("")
        module = ".".join(rel.parts)
        if module == f"{pkg.name}.__main__":
            continue  # the command line: an entry point on top, like a notebook
        yield module, path


MODULES = list(package_modules())


def import_graph(modules):
    """``{module: set of modules it imports}`` among ``modules`` (dotted name -> path), every import counted.

    A package is its ``__init__``. ``from pkg import name`` reaches ``pkg.name`` when that is one of
    the modules, else ``pkg`` itself (a name defined there); ``import a.b`` reaches ``a.b``.
    """
    names = {m.removesuffix(".__init__"): m for m in modules}

    def resolve(dotted):  # the longest prefix of a dotted name that is one of the modules
        parts = dotted.split(".")
        for n in range(len(parts), 0, -1):
            if ".".join(parts[:n]) in names:
                return names[".".join(parts[:n])]
        return None

    graph = {}
    for module, path in modules.items():
        package = module.split(".")[:-1]
        targets = []
        for node in ast.walk(ast.parse(path.read_text())):  # ast.walk: imports inside functions too
            if isinstance(node, ast.Import):
                targets += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = (".".join(package[: len(package) - (node.level - 1)] + ([node.module] if node.module else []))
                        if node.level else node.module)
                targets += [f"{base}.{a.name}" if f"{base}.{a.name}" in names else base for a in node.names]
        graph[module] = {t for t in map(resolve, targets) if t is not None and t != module}
    return graph


def cycles(graph):
    """Every import cycle of ``graph``, each as a list of modules [a, b, ..., a] (strongly connected parts)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                found.append(_one_circle(graph, sorted(part)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _one_circle(graph, part):
    """A readable circle through the first module of a strongly connected ``part``: [a, ..., a]."""
    start, members = part[0], set(part)
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v] & members):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return part


@pytest.mark.parametrize("module, path", MODULES, ids=[m for m, _ in MODULES])
def test_every_module_keeps_the_rule_of_the_layers(module, path):
    assert violations(path.read_text(), module) == []


def test_each_layer_has_modules():
    layers = {layer_of(m) for m, _ in MODULES}
    assert layers == {"core", "lessons", "explore"}


@pytest.mark.parametrize(
    "module, source, expected",
    [
        ("lstm_core.sequence", "from .lessons.l04_conveyor_belt import DEFAULTS\n", "imports lstm_core.lessons.l04_conveyor_belt (lessons)"),
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


def test_no_import_cycle_among_the_modules():
    """One way only: no module is imported, however indirectly, by what it imports (issue 21)."""
    graph = import_graph(dict(MODULES))
    assert cycles(graph) == [], "\n".join(" -> ".join(c) for c in cycles(graph))


def test_the_graph_sees_the_imports_it_must():
    """The checker reads the real package: the dispatch goes sequence -> fast, and trace is below both."""
    graph = import_graph(dict(MODULES))
    assert "lstm_core.fast" in graph["lstm_core.sequence"]
    assert "lstm_core.trace" in graph["lstm_core.fast"]
    assert "lstm_core.sequence" not in graph["lstm_core.fast"]
    assert "lstm_core.lessons.questions" in graph["lstm_core.lessons.l05_gradients"]


def _package(tmp_path, files):
    pkg = tmp_path / "planted"
    pkg.mkdir()
    for name, text in files.items():
        path = pkg / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return dict(package_modules(pkg))


@pytest.mark.parametrize(
    "files, circle",
    [
        # the circle this issue removed: sequence imports fast at the top, fast imports sequence in a function
        ({"__init__.py": "", "sequence.py": "from .fast import forward_fast\n",
          "fast.py": "def forward_fast():\n    from .sequence import Trace\n"},
         ["planted.fast", "planted.sequence", "planted.fast"]),
        # three modules round a circle, absolute imports
        ({"__init__.py": "", "a.py": "import planted.b\n", "b.py": "from planted.c import x\n",
          "c.py": "from planted import a\n"},
         ["planted.a", "planted.b", "planted.c", "planted.a"]),
        # through a subpackage's __init__, which imports the module that imports it
        ({"__init__.py": "", "core.py": "from .sub import thing\n", "sub/__init__.py": "from .leaf import thing\n",
          "sub/leaf.py": "from ..core import other\n"},
         ["planted.core", "planted.sub.__init__", "planted.sub.leaf", "planted.core"]),
    ],
    ids=["function-level", "three-modules", "through-a-package"],
)
def test_a_planted_cycle_is_caught(tmp_path, files, circle):
    """The checker itself: a package with a planted cycle fails the same assertion the real one passes."""
    found = cycles(import_graph(_package(tmp_path, files)))
    assert found == [circle]


def test_a_package_without_a_cycle_passes(tmp_path):
    files = {"__init__.py": "from .sequence import forward\n", "sequence.py": "from .fast import f\nfrom . import trace\n",
             "fast.py": "from .trace import Trace\n", "trace.py": "import numpy\n"}
    graph = import_graph(_package(tmp_path, files))
    assert graph["planted.sequence"] == {"planted.fast", "planted.trace"}
    assert cycles(graph) == []
