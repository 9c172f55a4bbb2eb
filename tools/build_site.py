"""Build the lessons' static site: every notebook as a page, readable with no kernel.

    python tools/build_site.py                 # build/site/index.html (`make site` runs this in .venv-site)
    python tools/build_site.py --out DIR

Sphinx with MyST-NB (site/conf.py), from the stored notebooks, never executing them. Before Sphinx reads
them, each notebook is copied into build/site-src/ and prepared for a page without a kernel:

- a widget view with a stored picture (an explorer: image/png stored beside the view) becomes that picture;
- a widget view without one (a question) becomes the question's text and its options, from the stored
  widget state, with a note that it is answered in the live lesson; any other view (a progress bar) is dropped;
- the widget state itself is dropped, so no page loads widget JavaScript or shows a widget's repr;
- the set-up cell (tools/lesson_header.py) is dropped: nothing is installed on a page; the launch line
  (Binder, Colab) stands under the title, as tools/lesson_header.py writes it.

MathJax comes from site/package-lock.json (`npm ci`), copied beside the pages: no CDN.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TEXT_MODELS = {"HTMLModel", "HTMLMathModel", "LabelModel"}
OPTION_MODELS = {"RadioButtonsModel", "ToggleButtonsModel", "DropdownModel", "SelectModel"}

_spec = importlib.util.spec_from_file_location("lesson_header", ROOT / "tools" / "lesson_header.py")
header = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(header)


def widget_texts(state: dict, model_id: str) -> list[str]:
    """HTML fragments of a widget view's texts and option lists, depth first, from the stored state."""
    model = state.get(model_id)
    if model is None:
        return []
    name, values = model["model_name"], model["state"]
    out = []
    if name in TEXT_MODELS and str(values.get("value", "")).strip():
        out.append(f"<div>{values['value']}</div>")  # the lesson's own HTML (questions are written as HTML)
    if name in OPTION_MODELS and values.get("_options_labels"):
        items = "".join(f"<li>{html.escape(str(label))}</li>" for label in values["_options_labels"])
        out.append(f"<ul>{items}</ul>")
    for child in values.get("children", []):
        out += widget_texts(state, str(child).removeprefix("IPY_MODEL_"))
    return out


def static_output(output, state: dict):
    """What a page shows for one output: the output itself, a picture, a question's text, or None."""
    data = output.get("data", {})
    if WIDGET_VIEW not in data:
        return output
    if "image/png" in data:  # an explorer: its picture as it stood when the notebook was run
        return nbformat.v4.new_output("display_data", data={"image/png": data["image/png"]})
    texts = widget_texts(state, data[WIDGET_VIEW]["model_id"])
    if not texts:
        return None
    note = ('<p class="lstm-static-note">Answer it in the live lesson: the <b>Run this lesson live</b> links '
            "under the title.</p>")
    return nbformat.v4.new_output(
        "display_data", data={"text/html": f'<div class="lstm-static-question">{"".join(texts)}{note}</div>'})


def static_notebook(nb, name: str):
    """The notebook as a page shows it (a new object), with the launch line under its title."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    cells = []
    for k, cell in enumerate(nb.cells):
        if k == 0:  # the title cell, with the Binder and Colab links (as tools/lesson_header.py writes them)
            cell = nbformat.from_dict(cell)
            cell.source = header.with_launch_line(cell.source, name)
        if cell.cell_type == "code" and cell.source.startswith(header.SETUP_MARK):
            continue
        if cell.cell_type == "code":
            cell = nbformat.from_dict(cell)
            cell.outputs = [o for o in (static_output(out, state) for out in cell.outputs) if o is not None]
        cells.append(cell)
    page = nbformat.from_dict(nb)
    page.cells = cells
    page.metadata.pop("widgets", None)
    return page


def mathjax(dest: Path) -> None:
    """MathJax from site/package-lock.json, installed with `npm ci` in build/, copied to dest (no CDN)."""
    work = BUILD / "site-npm"
    lock = SITE / "package-lock.json"
    stamp = work / "node_modules" / ".lock-copy.json"
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != lock.read_text(encoding="utf-8"):
        if shutil.which("npm") is None:
            raise SystemExit("make site needs npm (Node.js) for MathJax: install Node.js 18 or newer")
        work.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(SITE / name, work / name)
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=work,
                       check=True)
        stamp.write_text(lock.read_text(encoding="utf-8"), encoding="utf-8")
    es5 = work / "node_modules" / "mathjax" / "es5"
    # the one combined file the pages load, and the parts it loads on demand (fonts, TeX extensions, menu)
    shutil.copytree(es5, dest, ignore=lambda folder, names: [
        n for n in names if Path(folder) == es5 and (n == "sre" or (n.endswith(".js") and n != "tex-chtml.js"))])


def build(out: Path) -> Path:
    src = BUILD / "site-src"
    shutil.rmtree(src, ignore_errors=True)
    (src / "notebooks").mkdir(parents=True)
    (src / "_static").mkdir()
    for name in ("conf.py", "index.md"):
        shutil.copy2(SITE / name, src / name)
    shutil.copy2(SITE / "site.css", src / "_static" / "site.css")
    owner, repo, branch = header.repository()
    (src / "launch.json").write_text(json.dumps({"owner": owner, "repo": repo, "branch": branch}), encoding="utf-8")
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nbformat.write(static_notebook(nbformat.read(path, as_version=4), path.name), src / "notebooks" / path.name)
    mathjax(src / "_static" / "mathjax")
    shutil.rmtree(out, ignore_errors=True)
    # -W: a warning (a broken reference, an unreadable notebook) fails the build
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
                    "-d", str(BUILD / "site-doctrees"), str(src), str(out)], check=True)
    return out / "index.html"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BUILD / "site")
    args = parser.parse_args(argv)
    index = build(args.out.resolve())
    print(f"site: {index.relative_to(ROOT) if index.is_relative_to(ROOT) else index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
