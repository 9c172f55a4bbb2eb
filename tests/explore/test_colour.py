"""Colour a learner can read at a glance (issue 13, section 6): the sign of a signed value shows as a
hue, σ gates have their own sequential scale, and the pairs that must be told apart stay apart under
a simulated deuteranopia (benchmarks/colour_check.py: Machado 2009, CIE76 ΔE in CIELAB)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib import colormaps  # noqa: E402

from lstm_core.explore.explorers.vector import WEIGHT_RANGE  # noqa: E402
from lstm_core.explore.panels import diagram  # noqa: E402
from lstm_core.explore.panels.plots import Heatmap  # noqa: E402
from lstm_core.explore.panels.render import (  # noqa: E402
    DIVERGING_CMAP, SEQUENTIAL_CMAP, BlitFigure, text_color, value_cmap)

_spec = importlib.util.spec_from_file_location(
    "colour_check", Path(__file__).resolve().parents[2] / "benchmarks" / "colour_check.py")
colour_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(colour_check)
delta_e, deuteranopia, lab = colour_check.delta_e, colour_check.deuteranopia, colour_check.lab

# CIE76 ΔE 2.3 is a just-noticeable difference between two large flat patches side by side. Heatmap
# cells are small, apart, and read in a glance, so "clearly different" needs several JNDs: we ask
# for 10 (about 4 JND; the old single cividis scale gave 0.1 vs 0.5 on ±3 only ~6.5, the complaint).
# Under deuteranopia we ask for 8: the diverging map keeps most of its lightness step, which is what
# survives the simulation.
APART = 10.0
APART_DEUTERANOPIA = 8.0


def hue(rgb):
    """The CIELAB hue angle of an sRGB colour, in degrees."""
    L, a, b = lab(np.asarray(rgb, float)[:3])
    return np.degrees(np.arctan2(b, a))


def hue_gap(a, b):
    d = abs(hue(a) - hue(b)) % 360
    return min(d, 360 - d)


def weight_heatmap():
    bf = BlitFigure(figsize=(4, 2))
    heatmap = Heatmap(bf, (0.1, 0.1, 0.8, 0.8), (1, 4), *WEIGHT_RANGE)
    bf.freeze()
    return bf, heatmap


def test_palettes_follow_the_range():
    assert value_cmap(-3.0, 3.0) == DIVERGING_CMAP
    assert value_cmap(0.0, 1.0) == SEQUENTIAL_CMAP
    _, heatmap = weight_heatmap()
    assert heatmap.cmap.name == DIVERGING_CMAP
    assert diagram.value_color(0.5, diagram.NORMS["gate"]) == colormaps[SEQUENTIAL_CMAP](0.5)
    assert diagram.value_color(0.0, diagram.NORMS["tanh"]) == colormaps[DIVERGING_CMAP](0.5)


@pytest.mark.parametrize("norm", ["tanh", "state"])
def test_the_sign_shows_as_a_hue_in_the_diagram(norm):
    for size in (0.3, 0.5, 1.0):
        plus = diagram.value_color(size, diagram.NORMS[norm])
        minus = diagram.value_color(-size, diagram.NORMS[norm])
        assert hue_gap(plus, minus) > 90, (norm, size)  # opposite sides of the hue circle
        assert hue_gap(deuteranopia(np.asarray(plus)[:3]), deuteranopia(np.asarray(minus)[:3])) > 90, (norm, size)


def test_the_sign_shows_as_a_hue_in_the_weight_heatmap():
    _, heatmap = weight_heatmap()
    heatmap.update([[-0.5, 0.5, -2.0, 2.0]])
    fills = heatmap.cmap(heatmap.norm(np.array([-0.5, 0.5, -2.0, 2.0])))
    for minus, plus in ((fills[0], fills[1]), (fills[2], fills[3])):
        assert hue_gap(plus, minus) > 90
        assert hue_gap(deuteranopia(plus[:3]), deuteranopia(minus[:3])) > 90


def test_weights_0_1_and_0_5_differ_at_a_glance():
    _, heatmap = weight_heatmap()
    heatmap.update([[0.1, 0.5, -0.5, 0.0]])
    fills = heatmap.image.to_rgba(heatmap.image.get_array())  # (cells, 4): what the mesh draws
    a, b = np.asarray(fills, float)[:2, :3]
    assert delta_e(a, b) > APART
    assert delta_e(deuteranopia(a), deuteranopia(b)) > APART_DEUTERANOPIA


def test_every_pair_of_the_colour_check_stays_apart():
    for what, normal, simulated in colour_check.table():
        assert normal > APART, what
        assert simulated > APART_DEUTERANOPIA, what


def test_the_old_single_scale_failed_the_same_check():
    old = {what: normal for what, normal, _ in colour_check.table(lambda lo_hi: "cividis")}
    assert old["weight 0.1 vs 0.5 (lesson 03 heatmap)"] < APART  # the complaint the thresholds answer


@pytest.mark.parametrize("name", [SEQUENTIAL_CMAP, DIVERGING_CMAP])
def test_numbers_stay_readable_on_every_fill(name):
    from matplotlib.colors import to_rgb

    def lum(c):
        lin = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in to_rgb(c)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for v in np.linspace(0, 1, 41):
        fill = colormaps[name](v)
        hi, lo = sorted((lum(text_color(fill)), lum(fill)), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (name, v)
