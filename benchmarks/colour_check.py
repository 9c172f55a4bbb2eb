"""Can a learner tell the values apart, with normal colour vision and with deuteranopia?

    .venv/bin/python benchmarks/colour_check.py [--out DIR] [--compare]

Renders the cell diagram (lesson 02's scalar setup) and lesson 03's explorer (weight and
activation heatmaps) to PNG with Agg, and the same pictures through a simulated deuteranopia
(Machado, Oliveira and Fernandes 2009, severity 1.0, applied in linear RGB). Then prints, for
pairs of values a learner must tell apart, the colour difference of their fills: CIE76 ΔE in
CIELAB (D65), the Euclidean distance in L*a*b*. ΔE ≈ 2.3 is a just-noticeable difference for
flat patches side by side; for cells read at a glance a few apart we want ≥ 10 (see
tests/explore/test_colour.py for the thresholds the tests hold).

``--compare`` adds the same table for candidate palettes (the old single cividis scale, RdBu,
PuOr), the numbers the choice in render.py rests on. The module's functions are used by the tests.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Machado et al. 2009, deuteranomaly severity 1.0 (= deuteranopia), for linear RGB
DEUTERANOPIA = np.array([[0.367322, 0.860646, -0.227968],
                         [0.280085, 0.672501, 0.047413],
                         [-0.011820, 0.042940, 0.968881]])


def to_linear(srgb):
    srgb = np.asarray(srgb, float)
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def to_srgb(linear):
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def deuteranopia(srgb):
    """sRGB in [0, 1], shape (..., 3) -> the sRGB a deuteranope sees (Machado 2009, severity 1)."""
    return to_srgb(to_linear(srgb) @ DEUTERANOPIA.T)


def lab(srgb):
    """sRGB in [0, 1], shape (..., 3) -> CIELAB (D65), shape (..., 3)."""
    m = np.array([[0.4124564, 0.3575761, 0.1804375],
                  [0.2126729, 0.7151522, 0.0721750],
                  [0.0193339, 0.1191920, 0.9503041]])
    xyz = to_linear(srgb) @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def delta_e(a, b):
    """CIE76 ΔE between two sRGB colours (RGB or RGBA, alpha ignored)."""
    return float(np.linalg.norm(lab(np.asarray(a, float)[:3]) - lab(np.asarray(b, float)[:3])))


def pairs():
    """(what, value a, value b, (vmin, vmax)): the pairs that must be told apart, on the ranges in use."""
    from lstm_core.explore.explorers.vector import WEIGHT_RANGE
    from lstm_core.explore.panels.diagram import GATE_RANGE, STATE_RANGE, TANH_RANGE
    return [
        ("weight 0.1 vs 0.5 (lesson 03 heatmap)", 0.1, 0.5, WEIGHT_RANGE),
        ("weight -0.5 vs +0.5 (lesson 03 heatmap)", -0.5, 0.5, WEIGHT_RANGE),
        ("activation 0.1 vs 0.5 (lesson 03)", 0.1, 0.5, (-1.0, 1.0)),
        ("h -0.5 vs +0.5 (diagram, tanh range)", -0.5, 0.5, TANH_RANGE),
        ("c -0.5 vs +0.5 (diagram, state range)", -0.5, 0.5, STATE_RANGE),
        ("gate 0.2 vs 0.8 (diagram, σ range)", 0.2, 0.8, GATE_RANGE),
        ("gate 0.4 vs 0.6 (diagram, σ range)", 0.4, 0.6, GATE_RANGE),
    ]


def colour(value, lo_hi, cmap_name=None):
    """The fill of ``value`` on the fixed range ``lo_hi`` with the palette the panels use."""
    from matplotlib import colormaps
    from lstm_core.explore.panels.render import value_cmap
    lo, hi = lo_hi
    cmap = colormaps[cmap_name or value_cmap(lo, hi)]
    return np.asarray(cmap((min(max(value, lo), hi) - lo) / (hi - lo)))[:3]


def table(cmap_for=None):
    """Rows (what, ΔE normal, ΔE deuteranopia). ``cmap_for(lo_hi)`` overrides the palette."""
    rows = []
    for what, a, b, lo_hi in pairs():
        name = cmap_for(lo_hi) if cmap_for else None
        ca, cb = colour(a, lo_hi, name), colour(b, lo_hi, name)
        rows.append((what, delta_e(ca, cb), delta_e(deuteranopia(ca), deuteranopia(cb))))
    return rows


def markdown(rows, title):
    lines = [f"| {title} | ΔE normal | ΔE deuteranopia |", "|---|---:|---:|"]
    lines += [f"| {what} | {n:.1f} | {d:.1f} |" for what, n, d in rows]
    return "\n".join(lines)


def simulate_png(src, dst):
    """Write the deuteranopia view of the PNG ``src`` to ``dst``."""
    import matplotlib.image as mpimg
    pixels = mpimg.imread(src)[..., :3]
    mpimg.imsave(dst, deuteranopia(pixels))


def render(out):
    """The diagram (lesson 02's scalar example, step 2) and lesson 03's explorer, as PNGs in ``out``."""
    import matplotlib
    matplotlib.use("Agg")
    from lstm_core import forward
    from lstm_core.examples import scalar_example
    from lstm_core.explore import vector_walkthrough
    from lstm_core.explore.panels.diagram import CellDiagram
    from lstm_core.explore.panels.render import BlitFigure
    from lstm_core.lessons.l02_step import step_terms

    out.mkdir(parents=True, exist_ok=True)
    params, xs = scalar_example()
    trace = forward(params, xs)
    blit = BlitFigure(figsize=(9.5, 4.8), dpi=100)
    cell = CellDiagram(blit)
    cell.update(step_terms(params, trace, 1))
    written = []
    (out / "diagram.png").write_bytes(blit.png())
    written.append(out / "diagram.png")
    explorer = vector_walkthrough()
    (out / "lesson03.png").write_bytes(explorer.figure.png())
    written.append(out / "lesson03.png")
    for path in list(written):
        sim = path.with_name(path.stem + "_deuteranopia.png")
        simulate_png(path, sim)
        written.append(sim)
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="/tmp/colour_check", help="where the PNGs go")
    parser.add_argument("--compare", action="store_true", help="also the candidate palettes")
    args = parser.parse_args()
    print(markdown(table(), "pair (palettes of render.py)"))
    if args.compare:
        old = lambda lo_hi: "cividis"  # noqa: E731 (before issue 13: one sequential scale for all)
        print("\n" + markdown(table(old), "pair (before: cividis everywhere)"))
        for name in ("RdBu_r", "PuOr_r", "coolwarm"):
            pick = lambda lo_hi, n=name: n if lo_hi[0] < 0 else "cividis"  # noqa: E731
            print("\n" + markdown(table(pick), f"pair ({name} for signed, cividis for gates)"))
    for path in render(Path(args.out)):
        print("wrote", path)


if __name__ == "__main__":
    main()
