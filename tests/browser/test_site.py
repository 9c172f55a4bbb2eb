"""The lessons' static site (`make site`, tools/build_site.py) in Chromium, from file:// (no server).

Built once per run into a temporary folder with the site's Python (LSTM_SITE_PYTHON, which `make test`
sets to .venv-site's; else .venv-site/bin/python when it exists). Every lesson page loads without a
JavaScript error, shows the notebook's title, every stored explorer picture (the very bytes stored in the
notebook, decoded and on screen), typeset equations, the Binder and Colab links, and no widget repr; and
it asks no other host for anything (the links are links, not requests).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

from .pages import record_off_machine_requests

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# what a widget looks like when a page prints its repr instead of showing it
RAW_WIDGET = re.compile(r"\b(VBox|HBox|Box|Image|Button|IntSlider|FloatSlider|HTMLMath|HTML|Output|Play|"
                        r"IntProgress|ToggleButtons|RadioButtons)\((children|value|description|layout)=|"
                        r"Image\(value=b'|IPY_MODEL_|application/vnd\.jupyter\.widget")
_spec = importlib.util.spec_from_file_location("lesson_header", ROOT / "tools" / "lesson_header.py")
header = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(header)


def site_python() -> str | None:
    named = os.environ.get("LSTM_SITE_PYTHON")
    if named:
        return named
    local = ROOT / ".venv-site" / "bin" / "python"
    return str(local) if local.exists() else None


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    python = site_python()
    if python is None:
        message = "no site Python: run `make site` once (it makes .venv-site), or set LSTM_SITE_PYTHON"
        if os.environ.get("LSTM_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("site") / "html"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([python, str(ROOT / "tools" / "build_site.py"), "--out", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"the site did not build:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return out


def stored_pictures(nb) -> list[str]:
    """sha256 of every picture stored in the notebook: an explorer's (image/png beside a widget view) or a plain
    image/png display (lesson 08's study results)."""
    return [hashlib.sha256(base64.b64decode(out["data"]["image/png"])).hexdigest()
            for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
            if "image/png" in out.get("data", {})]


def widget_reprs(nb) -> list[str]:
    return [out["data"]["text/plain"] for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
            if WIDGET_VIEW in out.get("data", {}) and out["data"].get("text/plain")]


def test_index_lists_every_lesson(site, context):
    page = context.new_page()
    try:
        page.goto((site / "index.html").as_uri())
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    finally:
        page.close()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.stem}.html" in hrefs, f"the index does not link {path.stem}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_page_shows_text_equations_pictures_and_launch_links(site, context, path):
    nb = nbformat.read(path, as_version=4)
    pictures = stored_pictures(nb)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    off_machine = record_off_machine_requests(page)
    try:
        page.goto((site / "notebooks" / f"{path.stem}.html").as_uri())
        page.wait_for_load_state("load")
        title = nb.cells[0].source.split("\n", 1)[0].removeprefix("# ").strip()
        assert page.locator("h1").first.inner_text().strip().rstrip("#").strip() == title
        # the explorers' pictures: the stored bytes, decoded by the browser and on screen
        images = page.evaluate("""async () => {
            const imgs = [...document.querySelectorAll('.cell_output img')];
            for (const img of imgs) { img.scrollIntoView(); try { await img.decode(); } catch (e) {} }
            return imgs.map(img => ({src: img.src, ok: img.complete && img.naturalWidth > 0,
                                     width: img.getBoundingClientRect().width}));
        }""")
        shown = [hashlib.sha256(Path(unquote(urlparse(i["src"]).path)).read_bytes()).hexdigest() for i in images
                 if i["src"].startswith("file:")]
        assert sorted(shown) == sorted(pictures), (
            f"{path.stem}: {len(pictures)} stored explorer picture(s), {len(shown)} image(s) on the page, or other bytes")
        assert all(i["ok"] and i["width"] > 100 for i in images), f"{path.stem}: a picture did not show: {images}"
        # equations: every math element typeset by MathJax (served with the pages), no TeX left raw
        page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise", timeout=30_000)
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        math = page.evaluate("() => [...document.querySelectorAll('.math')].map(m => !!m.querySelector('mjx-container'))")
        dollars = sum(c.source.count("$$") // 2 for c in nb.cells if c.cell_type == "markdown")
        assert len(math) >= dollars, f"{path.stem}: {dollars} display equation(s) in the notebook, {len(math)} on the page"
        assert all(math), f"{path.stem}: equations not typeset: {math}"
        # what the page shows besides the code cells' source (which may well say `widgets.IntProgress(value=0)`)
        text = page.evaluate("""() => { const a = document.querySelector('article').cloneNode(true);
            a.querySelectorAll('.cell_input').forEach(e => e.remove());
            document.body.appendChild(a); const t = a.innerText; a.remove(); return t; }""")
        assert title in text
        # no widget repr, of this notebook's widgets or any
        leaked = [r for r in widget_reprs(nb) if r.strip() and r.strip() in text]
        assert not leaked, f"{path.stem}: widget reprs on the page: {leaked[:3]}"
        assert not RAW_WIDGET.search(text), f"{path.stem}: raw widget text: {RAW_WIDGET.search(text)[0]!r}"
        # launch links under the title
        hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)")
        binder, colab = header.links(path.name)
        assert binder in hrefs and colab in hrefs, f"{path.stem}: no Binder/Colab link to this lesson"
        assert not errors, f"{path.stem}: JavaScript errors: {errors}"
        assert not off_machine, f"{path.stem}: the page asks other hosts for: {off_machine}"
    finally:
        page.close()


def test_site_has_every_lessons_math_somewhere(site):
    """The check above can fail: lesson 02 holds display equations, and the site typesets them."""
    total = sum(c.source.count("$$") // 2 for p in NOTEBOOKS for c in nbformat.read(p, 4).cells
                if c.cell_type == "markdown")
    assert total >= 1
    html = (site / "notebooks" / "02_one_lstm_step_by_hand.html").read_text(encoding="utf-8")
    assert 'class="math' in html and "mathjax/tex-chtml.js" in html and "cdn" not in html.split("tex-chtml.js")[0][-200:]
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file(), "MathJax is not served with the pages"
