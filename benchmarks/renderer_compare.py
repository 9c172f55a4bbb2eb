"""Do the hand-written glyph renderer and PNG encoder (explore/panels/glyphs.py, render.py) earn their
place? Every explorer's slider move, timed with them and with matplotlib's own blitting and Pillow's
PNG encoder instead. Prints a table (and writes benchmarks/out/renderer_compare.md).

    .venv/bin/python benchmarks/renderer_compare.py            # 40 moves per explorer and renderer
    .venv/bin/python benchmarks/renderer_compare.py --quick    # 12 moves

HAND: ``BlitFigure.png()`` as shipped: the background restored, the dynamic artists drawn by
matplotlib except plain one-line texts, which are composed from cached glyph bitmaps (glyphs.py),
then the pixels encoded by ``encode_png`` (zlib level 1, no row filters).

MATPLOTLIB + PILLOW: the same blitting, but every dynamic artist drawn by ``fig.draw_artist`` (texts
too), and the pixels encoded by Pillow (``Image.save(format="PNG", compress_level=1)``, RGB).

Both run the same moves (seeded) on the same explorers in one process, interleaved move by move
(ABAB), so that the machine's load falls on both alike. The budget is 30 ms per slider move
(median, in the kernel).
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
OUT = Path(__file__).resolve().parent / "out"
BUDGET_MS = 30.0


def matplotlib_png(bf):
    """The picture with matplotlib's blitting alone and Pillow's encoder."""
    from PIL import Image

    if bf._background is None:
        bf.freeze()
    bf.canvas.restore_region(bf._background)
    for artist in bf._dynamic:
        if artist.get_visible():
            bf.fig.draw_artist(artist)
    rgba = bf.canvas.buffer_rgba()
    height, width = int(bf.fig.bbox.height), int(bf.fig.bbox.width)
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    moves = 12 if args.quick else 40

    import numpy as np

    from lstm_core.explore.panels.render import BlitFigure
    from slider_latency import discover, new_value, sliders_of

    hand_png = BlitFigure.png
    lines = [
        f"Slider move, median and p90 over {moves} moves per renderer (interleaved), in this process "
        "(time.perf_counter); 'png' = the picture alone (blit + encode) of the same moves; PNG size of the last.",
        "",
        "| explorer | hand move ms (p90) | mpl+Pillow move ms (p90) | hand png ms | mpl+Pillow png ms "
        "| hand KiB | mpl+Pillow KiB | mpl+Pillow within 30 ms? |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, factory in discover().items():
        e = factory()
        names = sliders_of(e)[:6]
        rng = np.random.default_rng(0)
        timing = {"hand": [], "mpl": []}
        png_ms = {"hand": [], "mpl": []}
        size = {}
        for k in range(2 * moves):
            mode = "hand" if k % 2 == 0 else "mpl"
            BlitFigure.png = hand_png if mode == "hand" else matplotlib_png
            w = e.controls[names[(k // 2) % len(names)]]
            v = new_value(w, rng)
            t0 = time.perf_counter()
            w.value = v
            timing[mode].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            data = BlitFigure.png(e.figure)
            png_ms[mode].append((time.perf_counter() - t0) * 1000)
            size[mode] = len(data)
        BlitFigure.png = hand_png

        def med(x):
            return statistics.median(x)

        def p90(x):
            return float(np.percentile(x, 90))

        ok = "yes" if med(timing["mpl"]) <= BUDGET_MS else "NO"
        lines.append(f"| {name} | {med(timing['hand']):.1f} ({p90(timing['hand']):.1f}) | {med(timing['mpl']):.1f} "
                     f"({p90(timing['mpl']):.1f}) | {med(png_ms['hand']):.1f} | {med(png_ms['mpl']):.1f} | "
                     f"{size['hand'] / 1024:.0f} | {size['mpl'] / 1024:.0f} | {ok} |")
        print(lines[-1], flush=True)
    load = os.getloadavg()
    lines += ["", f"Load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs; "
                  f"written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}."]
    text = "\n".join(['## Renderer: hand-written glyphs and PNG encoder against matplotlib blitting and Pillow', ""] + lines)
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / ("renderer_compare" + ("_quick" if args.quick else "") + ".md")).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
