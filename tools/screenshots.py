"""Screenshots of lessons as a learner sees them: 1280x720, in JupyterLab (file browser closed) and in
present mode (Voilà, ``make present``), each explorer with its first slider at one end, then at the other.

    .venv/bin/python tools/screenshots.py                      # lessons 02, 03 and 04
    .venv/bin/python tools/screenshots.py 05 08 --out /tmp/shots

Writes ``<out>/<where>_<lesson>__<explorer>_<slider>_<end>.png`` (default out: tests/browser/screenshots,
which git ignores) and prints one line per picture with the slider moved and the span that shows.
Uses the browser tests' servers (127.0.0.1, a token, stopped by PID) and Debian's Chromium.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCREEN = {"width": 1280, "height": 720}
RUN_ALL_MS = 180_000


def shots(page, where, stem, out, ends):
    """For every explorer on the page: its first shown slider to each end (Home / End keys), a picture each."""
    from tests.browser.pages import ExplorerOnPage

    lines = []
    for i in range(page.evaluate("() => __lstm.explorers().length")):
        ex = ExplorerOnPage(page, i)
        ex.root.scroll_into_view_if_needed()
        ex.settle()
        s = next(s for s in ex.sliders() if s.shown and not s.inPlay and "." in s.readout)
        for end in ends:
            old, before = ex.plot_src(), ex.readout(s)
            ex.press(s, end)
            value = ex.readout(s)
            if value != before:  # (a slider already at that end sends nothing)
                ex.wait_new_plot(old)
            ex.settle()
            page.evaluate("i => __lstm.scrollToControls(i)", i)
            time.sleep(0.3)
            m = page.evaluate("i => __lstm.span(i)", i)
            path = out / f"{where}_{stem}__{i + 1}_{s.label}_{end.lower()}.png"
            page.screenshot(path=str(path))
            lines.append(f"{path.name}: {s.label} = {value}; span {m['span']} px of {m['visible']} px")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", default=["02", "03", "04"])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "browser" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    from tests.browser import servers
    from tests.browser.pages import PAGE_HELPERS, wait_explorers_drawn, wait_kernel_idle
    from tests.browser.servers import CHROMIUM_ARGS, find_chromium

    chromium, how = find_chromium()
    if chromium is None:
        sys.exit(f"no Chromium: {how}")
    paths = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if p.name[:2] in args.lessons]
    base = Path(tempfile.mkdtemp(prefix="screenshots_"))
    lab = servers.start_jupyterlab(base / "lab")
    voila = servers.start_voila(base / "voila")
    ends = ["End", "Home"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            ctx = browser.new_context(viewport=SCREEN)
            ctx.add_init_script(PAGE_HELPERS)
            for path in paths:
                page = ctx.new_page()
                page.goto(lab.url(f"lab/workspaces/{path.stem}/tree/{path.name}"))
                wait_kernel_idle(page, RUN_ALL_MS)
                page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
                page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                wait_explorers_drawn(page, RUN_ALL_MS)
                print("\n".join(shots(page, "lab", path.stem[:2], args.out, ends)), flush=True)
                page.close()
                for kernel in lab.api("GET", "api/kernels") or []:
                    lab.api("DELETE", f"api/kernels/{kernel['id']}")

                page = ctx.new_page()
                page.goto(voila.url(f"voila/render/{path.name}"), timeout=RUN_ALL_MS)
                wait_explorers_drawn(page, RUN_ALL_MS)
                print("\n".join(shots(page, "present", path.stem[:2], args.out, ends)), flush=True)
                page.close()
            browser.close()
    finally:
        voila.stop()
        servers.stop_jupyterlab(lab)
    return 0


if __name__ == "__main__":
    sys.exit(main())
