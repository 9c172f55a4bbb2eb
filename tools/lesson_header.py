"""Make every lesson open anywhere: Colab, Kaggle, any Jupyter without this checkout.

    python tools/lesson_header.py                      # every notebooks/*.ipynb and README's notebook map
    python tools/lesson_header.py notebooks/03_a_vector_lstm.ipynb
    python tools/lesson_header.py --check              # change nothing; exit 1 if anything would change

It writes, and on a second run leaves alone (it is idempotent):

1. the **set-up cell**, each lesson's first code cell: it installs lstm_core (and the two packages its
   explorers draw with) only where `import lstm_core` would fail, pinned to the git tag v<version> of
   lstm_core.__version__, the version the lessons were run with; where lstm_core is there it installs
   nothing. Either way it prints the same line, so nbval stays strict. Where the lstm_core found is
   older than the lessons' (a hub image that was not rebuilt), it says so in words. The environment
   variable LSTM_CORE_URL replaces the git URL (the tests point it at a wheel built from the checkout);
2. the **launch line** in the first (title) cell, under the title: Binder and Colab links to this lesson;
3. the **launch column** of README's notebook map: the same two links for each lesson.

The repository's address and branch come from README's Binder badge, the version from lstm_core.
A changed set-up cell keeps its old outputs: re-execute the notebooks afterwards
(tools/execute_notebooks.py), which the tool reminds you of.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
NOTEBOOKS = ROOT / "notebooks"

SETUP_MARK = "# Set-up: installs lstm_core where it is missing (tools/lesson_header.py writes this cell)."
SETUP_ID = "lesson-set-up"
LAUNCH_START = "<!-- launch:start -->"
LAUNCH_END = "<!-- launch:end -->"
BINDER_BADGE = re.compile(r"https://mybinder\.org/v2/gh/(?P<owner>[^/\s]+)/(?P<repo>[^/\s]+)/(?P<ref>[^?\s)]+)")
# The map's rows: | [`notebooks/NAME.ipynb`](notebooks/NAME.ipynb) | what you do | (launch links) |
MAP_ROW = re.compile(r"^\| \[`notebooks/(?P<name>[^`]+\.ipynb)`\]\(notebooks/(?P=name)\) \| (?P<what>.*?) \|"
                     r"(?: (?P<launch>.*?) \|)?$")
MAP_HEADER = "| notebook | what you do there | open it live |"
MAP_RULE = "|---|---|---|"


def repository() -> tuple[str, str, str]:
    """(owner, repo, branch) of README's Binder badge: the one place the public address is written."""
    match = BINDER_BADGE.search(README.read_text(encoding="utf-8"))
    if not match:
        raise SystemExit("README.md has no mybinder.org/v2/gh/OWNER/REPO/BRANCH link to take the address from")
    return match["owner"], match["repo"], match["ref"]


def version() -> str:
    """lstm_core.__version__, read from the source without importing it (the checkout's, whatever is installed)."""
    tree = ast.parse((ROOT / "lstm_core" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__version__"]:
            return ast.literal_eval(node.value)
    raise SystemExit("lstm_core/__init__.py sets no __version__")


def links(name: str) -> tuple[str, str]:
    """(Binder, Colab) URLs that open notebooks/<name> of the repository's branch."""
    owner, repo, ref = repository()
    binder = f"https://mybinder.org/v2/gh/{owner}/{repo}/{ref}?urlpath=lab/tree/notebooks/{name}"
    colab = f"https://colab.research.google.com/github/{owner}/{repo}/blob/{ref}/notebooks/{name}"
    return binder, colab


def setup_source() -> str:
    """The set-up cell. Plain Python, no IPython magic: it runs the same in a script, and `%pip` would print
    a "you may need to restart" note that only appears when it installs."""
    owner, repo, _ = repository()
    return f'''{SETUP_MARK}
# Nothing is installed where lstm_core is already there (this repository, Binder, a course's hub).
import importlib, importlib.metadata, importlib.util, os, re, subprocess, sys

LESSONS_VERSION = "{version()}"  # the lstm_core these lessons were written for and run with
if importlib.util.find_spec("lstm_core") is None:
    # LSTM_CORE_URL: where pip takes lstm_core from; the tests point it at a wheel built from the checkout
    url = os.environ.get("LSTM_CORE_URL", f"git+https://github.com/{owner}/{repo}@v{{LESSONS_VERSION}}")
    loaded = {{m: sys.modules[m].__version__ for m in ("numpy", "matplotlib", "ipywidgets") if m in sys.modules}}
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", f"lstm_core[explore] @ {{url}}"],
                         capture_output=True, text=True)
    if pip.returncode != 0:
        print(pip.stderr[-2000:])
        print(f"Could not install lstm_core from {{url}} (above: what pip said). The cells below need it.")
    importlib.invalidate_caches()
    changed = [m for m, v in loaded.items() if importlib.metadata.version(m) != v]
    if changed:
        print(f"pip replaced {{', '.join(changed)}}, which this kernel had already loaded: restart the kernel "
              "(Colab: Runtime > Restart session), then run the lesson again from the top.")
if "google.colab" in sys.modules:  # Colab draws ipywidgets 8 with its custom widget manager
    from google.colab import output
    output.enable_custom_widget_manager()

import lstm_core

found = getattr(lstm_core, "__version__", "0")  # an lstm_core older than these lessons may have no __version__
if [int(n) for n in re.findall(r"\\d+", found)[:3]] < [int(n) for n in LESSONS_VERSION.split(".")]:
    print(f"This lesson was written for lstm_core {{LESSONS_VERSION}}, but this Python has an older lstm_core "
          f"({{'without a version number' if found == '0' else found}}), so some cells below may fail. On a hub, ask "
          "for its image to be rebuilt; on your own machine, update lstm_core and restart the kernel.")
else:
    print(f"lstm_core {{found}} is ready.")'''


def launch_line(name: str) -> str:
    binder, colab = links(name)
    return (f"{LAUNCH_START}\n**Run this lesson live:** [on Binder]({binder}) · [on Colab]({colab}) "
            f"(on Colab, the first code cell installs `lstm_core`)\n{LAUNCH_END}")


def with_launch_line(title_cell: str, name: str) -> str:
    """The title cell with the launch line right under its `# title` line (replacing an older one)."""
    text = re.sub(rf"\n*{re.escape(LAUNCH_START)}.*?{re.escape(LAUNCH_END)}\n*", "\n\n", title_cell, flags=re.S)
    title, _, rest = text.partition("\n")
    if not title.startswith("# "):
        raise ValueError(f"{name}: the first cell does not open with a '# ' title")
    return f"{title}\n\n{launch_line(name)}\n\n{rest.lstrip(chr(10))}".rstrip("\n")


def update_notebook(nb, name: str):
    """The notebook with its launch line and set-up cell; a new object, ``nb`` is not changed."""
    nb = copy.deepcopy(nb)
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown":
        raise ValueError(f"{name}: the first cell is not the title cell")
    cells[0].source = with_launch_line(cells[0].source, name)
    first_code = next((k for k, c in enumerate(cells) if c.cell_type == "code"), None)
    if first_code is not None and cells[first_code].source.startswith(SETUP_MARK):
        cells[first_code].source = setup_source()  # its outputs stay: re-execute when the source changed
    else:
        cell = nbformat.v4.new_code_cell(setup_source())
        cell.id = SETUP_ID
        cells.insert(len(cells) if first_code is None else first_code, cell)
    return nb


def update_readme_map(text: str) -> str:
    """README with the notebook map's third column: Binder and Colab links of each row's lesson."""
    head, sep, tail = text.partition("## Notebook map")
    if not sep:
        raise SystemExit("README.md has no '## Notebook map' section")
    section, nxt, after = tail.partition("\n## ")
    lines = []
    for line in section.split("\n"):
        row = MAP_ROW.match(line)
        if line.startswith("| notebook |"):
            line = MAP_HEADER
        elif re.fullmatch(r"\|(-+\|)+", line):
            line = MAP_RULE
        elif row:
            binder, colab = links(row["name"])
            line = (f"| [`notebooks/{row['name']}`](notebooks/{row['name']}) | {row['what']} | "
                    f"[Binder]({binder}) · [Colab]({colab}) |")
        lines.append(line)
    return head + sep + "\n".join(lines) + nxt + after


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb and README.md's map")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file would change")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        new = update_notebook(nb, path.name)
        if new != nb:
            stale.append(path)
            if not args.check:
                nbformat.write(new, path)
    if not args.notebooks:
        text = README.read_text(encoding="utf-8")
        new_text = update_readme_map(text)
        if new_text != text:
            stale.append(README)
            if not args.check:
                README.write_text(new_text, encoding="utf-8")
    shown = [str(p.resolve().relative_to(ROOT)) if p.resolve().is_relative_to(ROOT) else str(p) for p in stale]
    for path in shown:
        print(f"{'would change' if args.check else 'changed'}: {path}")
    if not args.check and any(p.endswith(".ipynb") for p in shown):
        print("Re-execute the changed notebooks: python tools/execute_notebooks.py " +
              " ".join(p for p in shown if p.endswith(".ipynb")))
    return 1 if (stale and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
