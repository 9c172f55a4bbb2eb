"""Lesson 08's VariantExplorer without a browser.

Every control goes to its minimum and maximum (every button of the two toggles); after each move the one-unit cell
is computed HERE by hand from the control values, and the table, the plotted lines (through the axis scale) and
the scale's tick labels must show it. The picture must change, no warning may be raised, and Reset restores the
start (values, table and picture)."""

import math
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from lstm_core import VARIANTS  # noqa: E402
from lstm_core import explore  # noqa: E402
from lstm_core.lessons.l08_variants import DEFAULTS, PATTERNS  # noqa: E402

from helpers.explorers import cells, headers, move  # noqa: E402
from helpers.reference import sig

KEYS = ("i", "f", "g", "o", "c", "h")
EXPLORER = explore.variants  # the fixture `shared` (tests/explore/conftest.py)


def hand(values):
    """The cell the explorer promises (i = σ(x), f = σ(b_f), g = tanh(x), o = σ(−1), W_h = 0), by hand:
    ``(xs, rows of (i, f, g, o, c, h), vanilla c)``."""
    T, x = values["T"], values["x"]
    xs = {"steady": [x] * T, "pulse": [x] + [0.0] * (T - 1),
          "on, then off": [x] * math.ceil(T / 2) + [0.0] * (T - math.ceil(T / 2))}[values["pattern"]]

    def run(variant):
        c, out = 0.0, []
        for xt in xs:
            i, f, g, o = sig(xt), sig(values["b_f"]), math.tanh(xt), sig(-1.0)
            f = 1.0 if variant == "no_forget_gate" else f
            i = {"no_input_gate": 1.0, "coupled_input_forget": 1.0 - f}.get(variant, i)
            o = 1.0 if variant == "no_output_gate" else o
            c = f * c + i * g
            out.append((i, f, g, o, c, o * c if variant == "no_output_tanh" else o * math.tanh(c)))
        return np.array(out)

    return np.array(xs), run(values["variant"]), run("vanilla")[:, 4]


def check_display(e):
    values = e.values()
    assert set(e.controls) == {"x", "b_f", "T"} and set(e.choices) == {"variant", "pattern"}
    assert values == {**{k: w.value for k, w in e.controls.items()}, **{k: w.value for k, w in e.choices.items()}}
    xs, rows, vanilla_c = hand(values)
    T = values["T"]
    # the table: the steps 1, 2, 5, 10, 20, 50 up to T, and T
    steps = sorted({t for t in (1, 2, 5, 10, 20, 50) if t <= T} | {T})
    assert headers(e.table.value) == [""] + [f"t = {t}" for t in steps]
    body = cells(e.table.value)
    assert body[0] == ["x  input"] + [f"{xs[t - 1]:.2f}" for t in steps]
    for n, k in enumerate(KEYS):
        assert body[1 + n][0].startswith(k + " ")
        assert body[1 + n][1:] == [f"{rows[t - 1, n]:.4f}" for t in steps], k
    if values["variant"] == "vanilla":
        assert len(body) == 7
    else:
        assert body[7] == ["c  of the vanilla cell"] + [f"{vanilla_c[t - 1]:.4f}" for t in steps]
    # the picture: the gates as they are, c and h divided by the axis scale, the scale the smallest that fits
    for n, k in enumerate(("i", "f", "g", "o")):
        np.testing.assert_allclose(e.lines[k].get_ydata(), rows[:, n], rtol=1e-12, atol=1e-15)
    s = e.scale
    top = max(np.max(np.abs(rows[:, 4])), np.max(np.abs(rows[:, 5])), np.max(np.abs(vanilla_c)))
    assert top <= s and (s == 1 or top > {2: 1, 5: 2, 10: 5, 20: 10, 50: 20, 100: 50}[s])
    np.testing.assert_allclose(np.asarray(e.lines["c"].get_ydata()) * s, rows[:, 4], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.asarray(e.lines["h"].get_ydata()) * s, rows[:, 5], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.asarray(e.lines["c_vanilla"].get_ydata()) * s, vanilla_c, rtol=1e-12, atol=1e-15)
    assert e.lines["c_vanilla"].get_visible() == (values["variant"] != "vanilla")
    assert [t.get_text() for t in e.tick_labels] == [f"{v * s:g}" for v in (-1, -0.5, 0, 0.5, 1)]
    assert np.all(np.abs(np.asarray(e.lines["c"].get_ydata())) <= 1.0)  # on the chart, whatever c does
    # the equations: the variant's changed line, in colour, once
    changed = re.findall(r"font-weight:bold'>(.*?) &nbsp;◀ changed", e.equations.value)
    assert len(changed) == (0 if values["variant"] == "vanilla" else 1)
    # the note on c's growth under a steady input
    if values["pattern"] == "steady":
        assert f"c_{T} = {rows[-1, 4]:.4f}" in e.note.value
    else:
        assert e.note.value == ""


def test_starts_at_the_lessons_defaults(shared):
    e = shared
    e.reset()
    assert e.values() == {
        "variant": DEFAULTS["variant"], "pattern": DEFAULTS["pattern"], "x": DEFAULTS["x"], "b_f": DEFAULTS["b_f"],
        "T": DEFAULTS["T"]}
    check_display(e)


@pytest.mark.parametrize("name", ["x", "b_f", "T"])
def test_every_slider_at_its_ends(shared, name):
    e = shared
    e.reset()
    w = e.controls[name]
    for variant in ("vanilla", "no_forget_gate", "no_output_tanh"):
        move(e, "variant", variant)
        for value in (w.min, w.max):
            before = e.image.value
            changed = move(e, name, value)
            assert w.value == value
            check_display(e)
            assert (e.image.value != before) == changed, (name, value)


def test_every_variant_and_pattern(shared):
    e = shared
    e.reset()
    seen = set()
    for pattern in PATTERNS:
        move(e, "pattern", pattern)
        for variant in VARIANTS:
            move(e, "variant", variant)
            check_display(e)
            seen.add(e.image.value)
    assert len(seen) >= len(PATTERNS) * len(VARIANTS) - 2  # (the pulse leaves some variants alike on screen)


def test_c_without_a_forget_gate_runs_off_a_fixed_chart_but_stays_on_this_one(shared):
    e = shared
    e.reset()
    move(e, "variant", "no_forget_gate")
    move(e, "x", 2.0)
    move(e, "T", e.controls["T"].max)
    check_display(e)
    c_T = 60 * sig(2.0) * math.tanh(2.0)  # 50.9: past 50, so the axis runs to ±100
    assert 50 < c_T < 100 and e.scale == 100
    assert "without bound" in e.note.value


def test_reset_restores_values_table_and_picture(shared):
    e = shared
    e.reset()
    start = (e.image.value, e.table.value, e.equations.value)
    move(e, "variant", "coupled_input_forget")
    move(e, "pattern", "pulse")
    move(e, "x", -1.5)
    move(e, "b_f", 5.0)
    move(e, "T", 17)
    assert e.image.value != start[0]
    e.reset()
    assert (e.image.value, e.table.value, e.equations.value) == start
    check_display(e)


def test_the_widget_tree_shows_the_controls_and_panels(shared):
    w = shared.widget
    found = []

    def walk(node):
        found.append(node)
        for child in getattr(node, "children", ()):
            walk(child)

    walk(w)
    for needed in list(shared.controls.values()) + list(shared.choices.values()) + [shared.image, shared.table, shared.equations,
                                                    shared.reset_button]:
        assert any(n is needed for n in found)


# --- the study's pictures: stored as image/png, drawn from the runs ------------------------------------------


def picture_runs(bump=1.0):
    from lstm_core.lessons import experiments as E
    from lstm_core.lessons.l08_variants import TASKS

    return [E.Run(v, t, s, 0.0, (1 + n) * 1e-3 * (1.0 + 0.05 * s) * (bump if v == "vanilla" else 1.0),
                  detail={"c_end": 1.0})
            for t in TASKS for n, v in enumerate(VARIANTS) for s in range(20)]


def test_the_study_pictures_are_pngs_a_reader_without_a_kernel_sees():
    from IPython.display import Image
    from lstm_core.explore.panels.variant_results import chance_image, results_figure, results_image

    for make in (results_image, chance_image):
        picture = make(picture_runs())
        assert isinstance(picture, Image) and picture.format == "png"
        assert picture.data.startswith(b"\x89PNG") and "image/png" in picture._repr_mimebundle_()[0]
    # the picture is drawn from the runs: vanilla 100 times worse moves its dots
    assert results_image(picture_runs()).data != results_image(picture_runs(100.0)).data
    # one dot per run: 6 variants x 2 seed sets x 10 seeds, plus a median bar per set, in each of the 3 panels
    fig = results_figure(picture_runs()).fig
    for ax in fig.axes:
        assert len(ax.lines) == 2 + 6 * 2 * (10 + 1)  # 2 horizontal guides
