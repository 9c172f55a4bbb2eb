"""Key press -> new picture in a real browser, every explorer against a floor measured in the same run.
Prints a table (and writes benchmarks/out/browser_latency.md).

    .venv/bin/python benchmarks/browser_latency.py              # 20 key presses per widget, 2 rounds
    .venv/bin/python benchmarks/browser_latency.py --quick      # 8 presses, 1 round
    .venv/bin/python benchmarks/browser_latency.py --no-profile # without the profile of where the time goes

JupyterLab (127.0.0.1, a token, stopped by its PID) with one generated notebook, opened in Chromium at
1280x800 by Playwright. For each explorer the notebook shows its FLOOR first: one slider whose observer
swaps between two PNGs of that explorer, encoded in advance (comm round trip + transfer + decoding,
nothing computed, nothing else on the page changes), then the explorer itself. One sample: focus a
slider handle, press an arrow key, and time from the keydown to the load event of the new picture,
inside the page (performance.now). Floor and explorer alternate press by press, so both see the same
load of the shared machine; the ratio is median(explorer) / median(floor) of the same round.

The profile (leave it out with --no-profile) adds, per explorer, the page's main-thread time during one press (long tasks, MathJax
typesetting seen as mutations of .MathJax nodes) and the picture's size in pixels and bytes.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent / "out"

#: (factory, the slider pressed): explorers with a picture that follows a slider at once
EXPLORERS = [
    ("soft_switch", "w"),
    ("gated_signal", "z_i"),
    ("scalar_walkthrough", "W_xf"),
    ("vector_walkthrough", "W_xi[1,1]"),  # on the first tab, shown
    ("conveyor_belt", "b_f"),
    ("gradient_flow", "b_f"),
    ("cell_carry", "b_f"),
    ("variants", "b_f"),  # lesson 08
]

SETUP = r'''
import ipywidgets as widgets
from IPython.display import display
from lstm_core import explore
from lstm_core.explore.explorers.base import fit

def floor(factory, name):
    """One slider swapping two pictures of explorer ``factory``, encoded in advance."""
    e = getattr(explore, factory)()
    s = e.controls[name]
    first = e.image.value
    s.value = s.value + s.step if s.value + s.step <= s.max else s.value - s.step
    pictures = [first, e.image.value]
    image = widgets.Image(value=first, format="png")
    image.add_class("lstm-plot")
    slider = widgets.FloatSlider(value=0.0, min=-1.0, max=1.0, step=0.01, description="floor",
                                 continuous_update=True)
    slider.observe(lambda change: setattr(image, "value", pictures[int(round(change["new"] * 100)) % 2]),
                   names="value")
    box = widgets.VBox([slider, image])
    fit(box)
    box.add_class("lstm-explorer")
    return box
'''


def notebook(explorers):
    import nbformat

    cells = [nbformat.v4.new_code_cell(SETUP)]
    for factory, name in explorers:
        cells.append(nbformat.v4.new_code_cell(f"floor({factory!r}, {name!r})"))
        cells.append(nbformat.v4.new_code_cell(f"explore.{factory}()"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


PROFILE_JS = r"""
(i) => {
  const w = window.__prof = {long: [], typeset: 0, mutations: 0};
  if (!window.__profObserver) {
    window.__profObserver = true;
    new PerformanceObserver(list => { for (const e of list.getEntries()) if (window.__prof) window.__prof.long.push(e.duration); })
      .observe({entryTypes: ['longtask']});
  }
  const root = __lstm.root(i);
  const mo = new MutationObserver(muts => { w.mutations += muts.length;
    for (const m of muts) for (const n of m.addedNodes) if (n.nodeType === 1 && (n.matches('mjx-container, .MathJax') || n.querySelector && n.querySelector('mjx-container, .MathJax'))) w.typeset++; });
  mo.observe(root, {subtree: true, childList: true, characterData: true});
  w.stop = () => mo.disconnect();
}
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="leave out the per-explorer profile of one press")
    parser.add_argument("--only", nargs="*", help="factories to measure (default: all)")
    args = parser.parse_args(argv)
    presses, rounds = (8, 1) if args.quick else (20, 2)
    chosen = [(f, n) for f, n in EXPLORERS if not args.only or f in args.only]

    import nbformat
    from playwright.sync_api import sync_playwright

    from tests.browser.pages import PAGE_HELPERS, ExplorerOnPage, wait_explorers_drawn, wait_kernel_idle
    from tests.browser.servers import CHROMIUM_ARGS, find_chromium
    from tests.browser import servers

    chromium, how = find_chromium()
    if chromium is None:  # make bench goes on with the other benchmarks
        print(f"browser_latency.py skipped, no Chromium: {how}")
        return 0
    base = Path(tempfile.mkdtemp(prefix="browser_latency_"))
    # the same JupyterLab set-up as the browser tests, serving only the generated notebook
    original = servers.copy_notebooks
    servers.copy_notebooks = lambda dest: (dest.mkdir(parents=True, exist_ok=True), dest)[1]
    try:
        lab = servers.start_jupyterlab(base)
    finally:
        servers.copy_notebooks = original
    nbformat.write(notebook(chosen), base / "root" / "bench.ipynb")
    rows, profiles = {}, {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            ctx.add_init_script(PAGE_HELPERS)
            page = ctx.new_page()
            page.goto(lab.url("lab/workspaces/bench/tree/bench.ipynb"))
            wait_kernel_idle(page, 120_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            wait_explorers_drawn(page, 300_000, count=2 * len(chosen))
            time.sleep(2)
            for k, (factory, name) in enumerate(chosen):
                fl, ex = ExplorerOnPage(page, 2 * k), ExplorerOnPage(page, 2 * k + 1)
                fl_slider = fl.sliders()[0]
                ex_slider = next(s for s in ex.sliders() if s.label == name)
                for r in range(rounds):
                    floor_ms, explorer_ms = [], []
                    for n in range(presses):
                        key = "ArrowRight" if n % 2 == 0 else "ArrowLeft"
                        fl.root.scroll_into_view_if_needed()
                        floor_ms.append(fl.key_latency_ms(fl_slider, key))
                        ex.root.scroll_into_view_if_needed()
                        explorer_ms.append(ex.key_latency_ms(ex_slider, key))
                    rows.setdefault(factory, []).append((statistics.median(floor_ms), statistics.median(explorer_ms),
                                                         max(explorer_ms)))
                    print(f"{factory} round {r + 1}: floor {statistics.median(floor_ms):.0f} ms, explorer "
                          f"{statistics.median(explorer_ms):.0f} ms", flush=True)
                if args.profile:
                    ex.settle()
                    page.evaluate(PROFILE_JS, 2 * k + 1)
                    ex.key_latency_ms(ex_slider, "ArrowRight")
                    ex.settle()
                    prof = page.evaluate("() => { __prof.stop(); return {long: __prof.long, typeset: __prof.typeset,"
                                         " mutations: __prof.mutations}; }")
                    size = page.evaluate("""async i => { const p = __lstm.plot(i);
                        const b = await (await fetch(p.src)).arrayBuffer();
                        return [p.naturalWidth, p.naturalHeight, b.byteLength, p.getBoundingClientRect().width]; }""",
                                         2 * k + 1)
                    profiles[factory] = (prof, size)
            browser.close()
    finally:
        servers.stop_jupyterlab(lab)

    lines = [
        f"Key press -> new picture loaded, timed in the page; JupyterLab 1280x800, Chromium headless, "
        f"{presses} presses per widget and round, floor and explorer alternating press by press. Floor: a "
        "slider swapping two PNGs of that explorer encoded in advance. Ratio: explorer median / floor median "
        "of the same round.",
        "",
        "| explorer | round | floor median ms | explorer median ms | explorer max ms | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for factory, results in rows.items():
        for r, (f, e, mx) in enumerate(results, start=1):
            lines.append(f"| {factory} | {r} | {f:.0f} | {e:.0f} | {mx:.0f} | {e / f:.2f}x |")
    if profiles:
        lines += ["", "Where the browser's time goes (one press, after the round):", "",
                  "| explorer | picture px (shown width) | PNG bytes | long tasks ms | MathJax nodes typeset | DOM mutations |",
                  "|---|---|---|---|---|---|"]
        for factory, (prof, size) in profiles.items():
            lines.append(f"| {factory} | {size[0]}x{size[1]} ({size[3]:.0f}) | {size[2]} | "
                         f"{', '.join(f'{d:.0f}' for d in prof['long']) or 'none'} | {prof['typeset']} | "
                         f"{prof['mutations']} |")
    load = os.getloadavg()
    lines += ["", f"Load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs; "
                  f"written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."]
    text = "\n".join(['## Browser: key press to new picture, against the floor', ""] + lines)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / ("browser_latency" + ("_quick" if args.quick else "") + ".md")).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
