"""Lesson 03's VectorWalkthrough without a browser.

Every one of its sliders goes to its minimum, its maximum and a random value (a sample of six gets
three random values); after each move the parameters are built HERE from the slider values in the
vector worked example's own layout (LSTMParams.from_concat: one (H, D+H) matrix per gate over [x; h]) and run
through lstm_core.forward. The step details (<pre>), the prediction line, the equations of the
selected unit and the numbers drawn in the figure must equal that result. The picture must change
and no warning may be raised. At the defaults the details are the worked example's printout, character for
character (read from the worked example's file). Reset, Play, the unit selector and typed values are checked too.
"""

import html
import math
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from lstm_core import LSTMParams, forward  # noqa: E402
from lstm_core import explore  # noqa: E402
from lstm_core.examples import vector_example  # noqa: E402
from lstm_core.examples import vector_details  # noqa: E402

from helpers.explorers import (  # noqa: E402
    assert_renders,
    equation_lines,
    example_text,
    move,
    num_close,
    scramble_then_reset,
    set_extremes,
    slider_settings,
    split_signed,
)
from helpers.reference import QUANTITIES, sig  # noqa: E402

T, H = 3, 2
NAMES = {"i": "input gate", "f": "forget gate", "g": "candidate", "o": "output gate"}
EXAMPLE_KEY = {"f": "f", "i": "i", "g": "c", "o": "o"}  # the worked example names the candidate's matrix Wc
SLIDERS = [
    name
    for k in "ifgo"
    for u in (1, 2)
    for name in (f"W_x{k}[{u},1]", f"W_h{k}[{u},1]", f"W_h{k}[{u},2]", f"b_{k}[{u}]")
] + ["x_1", "x_2", "x_3", "W_y[1,1]", "W_y[1,2]", "b_y"]
READOUT = {"W_y[1,1]", "W_y[1,2]", "b_y"}  # nothing in the picture depends on y
EXAMPLE_FILE = "vector_lstm_worked_example.txt"
EXPLORER = explore.vector_walkthrough  # the fixtures `shared` and `e` (tests/explore/conftest.py)


# --------------------------------------------------------------------------- helpers


def build(v):
    """The worked example's layout from the slider values: W? is (H, D+H) over [x; h], x first."""
    concat = {}
    for k in "ifgo":
        concat[f"W{EXAMPLE_KEY[k]}"] = [[v[f"W_x{k}[{u},1]"], v[f"W_h{k}[{u},1]"], v[f"W_h{k}[{u},2]"]] for u in (1, 2)]
        concat[f"b{EXAMPLE_KEY[k]}"] = [[v[f"b_{k}[{u}]"]] for u in (1, 2)]
    params = LSTMParams.from_concat(**concat, Wy=[[v["W_y[1,1]"], v["W_y[1,2]"]]], by=[[v["b_y"]]])
    return params, np.array([v[f"x_{t}"] for t in (1, 2, 3)])


def pre_text(details_html):
    m = re.fullmatch(r"<pre[^>]*>(.*)</pre>", details_html, re.S)
    assert m, details_html[:200]
    return html.unescape(m[1])


GATE_LINE = re.compile(
    r"^([ifgo])_\{(\d+)\}\^\{\[(\d+)\]\} = \\(sigma|tanh)\\left\((.*)\\right\) = \\(sigma|tanh)\((\S+)\) = (\S+)"
    r" \\quad \\text\{\((.+)\)\}$"
)
C_LINE = re.compile(r"^c_\{(\d+)\}\^\{\[(\d+)\]\} = f \\cdot c_\{(\d+)\} \+ i \\cdot g = (\S+) \\cdot (\S+) \+ (\S+)"
                    r" \\cdot (\S+) = (\S+)$")
H_LINE = re.compile(r"^h_\{(\d+)\}\^\{\[(\d+)\]\} = o \\cdot \\tanh\(c_\{(\d+)\}\) = (\S+) \\cdot \\tanh\((\S+)\) ="
                    r" (\S+) \\cdot (\S+) = (\S+)$")


def check_equations(html_text, v, trace, t, unit):
    """Step t (0-based), hidden unit ``unit`` (0-based; shown as [unit + 1])."""
    lines = equation_lines(html_text)
    assert len(lines) == 6, lines
    x = v[f"x_{t + 1}"]
    h_prev = trace.h[t - 1] if t > 0 else np.zeros(H)
    c_prev = trace.c[t - 1, unit] if t > 0 else 0.0
    u = unit + 1
    shown = {}
    for line, k in zip(lines[:4], "ifgo"):
        m = GATE_LINE.match(line)
        assert m, line
        sym, step, shown_unit, act, inside, act2, z_text, value_text, name = m.groups()
        assert (sym, int(step), int(shown_unit), name) == (k, t + 1, u, NAMES[k])
        assert act == act2 == ("tanh" if k == "g" else "sigma")
        assert "+ -" not in inside, inside  # a negative weight reads as a minus
        terms = split_signed(inside)
        assert len(terms) == 4, inside  # w_x x, two w_h h, b
        products = [p.split(" \\cdot ") for p in terms[:3]]
        weights = [v[f"W_x{k}[{u},1]"], v[f"W_h{k}[{u},1]"], v[f"W_h{k}[{u},2]"]]
        inputs = [x, h_prev[0], h_prev[1]]
        for (w_text, in_text), w, value in zip(products, weights, inputs):
            num_close(w_text, w, f"weight of {k}[{u}]")
            num_close(in_text, value, "input")
            assert in_text.startswith("(") == (value < 0)
        num_close(terms[3], v[f"b_{k}[{u}]"], f"b_{k}[{u}]")
        z = weights[0] * x + weights[1] * h_prev[0] + weights[2] * h_prev[1] + v[f"b_{k}[{u}]"]
        num_close(z_text, z, f"z_{k}")
        hand = math.tanh(z) if k == "g" else sig(z)
        assert float(value_text) == pytest.approx(hand, abs=5.1e-5)
        assert value_text == f"{getattr(trace, k)[t, unit]:.4f}"
        shown[k] = value_text
    m = C_LINE.match(lines[4])
    assert m, lines[4]
    step, shown_unit, step_prev, f_s, cp_s, i_s, g_s, c_s = m.groups()
    assert (int(step), int(shown_unit), int(step_prev)) == (t + 1, u, t)
    assert (f_s, i_s, g_s) == (shown["f"], shown["i"], shown["g"])
    num_close(cp_s, c_prev, "c_prev")
    assert c_s == f"{trace.c[t, unit]:.4f}"
    m = H_LINE.match(lines[5])
    assert m, lines[5]
    step, shown_unit, step_c, o_s, c_in, o_s2, tanh_s, h_s = m.groups()
    assert (int(step), int(shown_unit), int(step_c)) == (t + 1, u, t + 1)
    assert o_s == o_s2 == shown["o"] and c_in == c_s
    assert tanh_s == f"{math.tanh(trace.c[t, unit]):.4f}"
    assert h_s == f"{trace.h[t, unit]:.4f}"


def check_display(e):
    """Everything shown equals lstm_core.forward on parameters built here from the sliders."""
    v = {name: w.value for name, w in e.controls.items()}
    params, xs = build(v)
    trace = forward(params, xs)
    t, unit = e.step.value - 1, e.unit.value
    assert pre_text(e.details.value) == vector_details(trace)
    prediction = trace.prediction[0]
    hand = v["W_y[1,1]"] * trace.h[-1, 0] + v["W_y[1,2]"] * trace.h[-1, 1] + v["b_y"]
    assert prediction == pytest.approx(hand, abs=1e-12)
    line = f"Final Prediction: {prediction}, Expected Value: 4, Difference: {abs(prediction - 4)}"
    assert e.prediction.value == f"<b>{html.escape(line)}</b>"
    assert pre_text(e.details.value).endswith("\n" + line)
    check_equations(e.equations.value, v, trace, t, unit)
    # the numbers drawn in the figure: the activation heatmap (rows k[u], columns t) and the weight maps
    texts = e.activation_map.texts
    for r, (k, u) in enumerate((k, u) for k in QUANTITIES for u in range(H)):
        for s in range(T):
            value = getattr(trace, k)[s, u]
            assert texts[r, s].get_text() == (f"{value:.4f}" if abs(value) < 1e3 else f"{value:.1e}")
    for k in "ifgo":
        cells = e.weight_maps[k].texts
        for u in (1, 2):
            row = [v[f"W_x{k}[{u},1]"], v[f"W_h{k}[{u},1]"], v[f"W_h{k}[{u},2]"], v[f"b_{k}[{u}]"]]
            assert [c.get_text() for c in cells[u - 1]] == [f"{w:.2f}" for w in row]
    for k in QUANTITIES:  # the diagram shows the selected unit at the selected step
        assert e.diagram.values[k].get_text() == f"{getattr(trace, k)[t, unit]:.4f}"
    return trace


def at_start(e):
    """The fixture `e` (tests/explore/conftest.py) also shows unit 1 again: Reset leaves the selector alone."""
    e.unit.value = 0


# --------------------------------------------------------------------------- the worked example
def example_printout():
    """The worked example's printed block, from 'Initial states:' through its 'Final Prediction:' line."""
    text = example_text(EXAMPLE_FILE)
    start = text.rindex("Initial states:")  # the printed line, not the print() call above it
    end = text.index("\n", text.index("Final Prediction:", start))
    return text[start:end]


def example_matrices():
    """The worked example's manual_params, read from its file: {'Wf': [[...], ...], ...}."""
    text = example_text(EXAMPLE_FILE)
    out = {}
    for name, body in re.findall(r"'(\w+)': np\.array\((\[\[.*?\]\])\)", text):
        out[name] = [[float(x) for x in row.split(",")] for row in re.findall(r"\[([^\[\]]+)\]", body)]
    return out


def test_sliders_are_every_weight_input_and_the_readout(e):
    assert list(e.controls) == SLIDERS and len(SLIDERS) == 38
    m = example_matrices()
    start = {}
    for k in "ifgo":
        W, b = m[f"W{EXAMPLE_KEY[k]}"], m[f"b{EXAMPLE_KEY[k]}"]
        for u in (1, 2):
            start |= {f"W_x{k}[{u},1]": W[u - 1][0], f"W_h{k}[{u},1]": W[u - 1][1], f"W_h{k}[{u},2]": W[u - 1][2],
                      f"b_{k}[{u}]": b[u - 1][0]}
    start |= {"x_1": 1.0, "x_2": 2.0, "x_3": 3.0, "W_y[1,1]": m["Wy"][0][0], "W_y[1,2]": m["Wy"][0][1],
              "b_y": m["by"][0][0]}
    assert {n: w.value for n, w in e.controls.items()} == start
    for name, w in e.controls.items():
        assert w.description == name
        assert (w.min, w.max) == ((-5.0, 5.0) if name.startswith("x_") else (-3.0, 3.0))


def test_defaults_print_the_worked_examples_details(e):
    printout = example_printout()
    assert printout.startswith("Initial states: h0 = [0. 0.], c0 = [0. 0.]\n")
    assert "Forget gate: [0.76852478 0.73105858]" in printout
    assert printout.endswith("Final Prediction: 0.6893280487995376, Expected Value: 4, Difference: 3.3106719512004625")
    assert pre_text(e.details.value) == printout
    assert e.prediction.value == "<b>" + printout.rsplit("\n", 1)[1] + "</b>"
    check_display(e)


# --------------------------------------------------------------------------- every slider
SAMPLE = set(np.random.default_rng(3).choice(SLIDERS, 6, replace=False))


def picture_state(e):
    """The numbers drawn in the picture: the weight maps, the activation map, the diagram."""
    heatmaps = [e.activation_map] + list(e.weight_maps.values())
    return [t.get_text() for m in heatmaps for t in m.texts.ravel()] + [t.get_text() for t in e.diagram.values.values()]


@pytest.mark.parametrize("n, name", list(enumerate(SLIDERS)))
def test_every_slider_min_max_random(shared, n, name):
    """The sliders are moved one after the other, each from wherever the tests before left the others
    (no Reset in between: more mixed settings, and a third fewer redraws); alone it starts at the worked example."""
    e = shared
    rng = np.random.default_rng(2000 + n)
    # sweep at every step and for both units in turn (pairs of sliders per unit, four per step), so that
    # every step's and every unit's equations get checked
    e.play.value = (n // 4) % T + 1
    e.unit.value = (n // 2) % H
    widget = e.controls[name]
    for value in slider_settings(widget, rng, 3 if name in SAMPLE else 1):
        before = (e.image.value, e.details.value, e.prediction.value)
        shown_before = picture_state(e)
        changed = move(e, name, value)
        assert widget.value == value
        trace = check_display(e)
        if not changed:
            assert (e.image.value, e.details.value, e.prediction.value) == before
        elif name in READOUT:
            assert e.prediction.value != before[2]
            assert e.details.value.rsplit("Final Prediction", 1)[0] == before[1].rsplit("Final Prediction", 1)[0]
        else:
            # a weight is printed in its heatmap (2 decimals) and an input moves the activations, so every
            # move of these sliders changes a number drawn in the picture, and so its pixels
            assert picture_state(e) != shown_before, f"{name} = {value}: no number in the picture changed"
            assert e.image.value != before[0], f"{name} = {value}: the picture did not change"
        assert np.all(np.isfinite(trace.h))


def test_readout_sliders_change_picture(e):
    before = e.image.value
    assert move(e, "b_y", -2.5)
    assert e.image.value != before


def test_typed_values_outside_the_range_are_clamped(e):
    for name, typed, clamped in [("W_xf[1,1]", 4.2, 3.0), ("b_o[2]", -9.0, -3.0), ("x_3", 12.5, 5.0),
                                 ("W_y[1,2]", -3.5, -3.0)]:
        before = e.image.value
        move(e, name, typed)
        assert e.controls[name].value == clamped
        check_display(e)
        if name not in READOUT:
            assert e.image.value != before


def test_unit_selector_shows_each_unit(e):
    e.play.value = 2
    images = []
    for unit in (1, 0, 1):
        before = e.image.value
        e.unit.value = unit
        lines = equation_lines(e.equations.value)
        assert all(f"^{{[{unit + 1}]}}" in line.split(" = ", 1)[0] for line in lines)
        check_display(e)
        assert e.image.value != before
        images.append(e.image.value)
    assert images[0] == images[2]
    assert [label for label, _ in e.unit.options] == ["unit 1", "unit 2"]


@pytest.mark.parametrize("x_end", ["min", "max"])
def test_extremes_everywhere_stay_finite_and_consistent(e, x_end):
    """Every weight at its maximum, the inputs at their minimum (every gate shut, c about 0) or at their
    maximum (every gate open, c_t about t, the largest the plots allow); drawn once, not 38 times."""
    set_extremes(e, x_end)
    e.unit.value = 1
    for t in range(T, 0, -1):
        e.play.value = t
        trace = check_display(e)
    assert np.all(np.isfinite(trace.c))
    if x_end == "max":
        assert trace.c[-1].min() > 2.9  # the cell state near its bound |c_T| <= T


# --------------------------------------------------------------------------- Reset and Play
def test_reset_restores_the_start(e):
    scramble_then_reset(e, SLIDERS, lambda e: (e.image.value, e.details.value, e.equations.value, e.prediction.value),
                        seed=8)
    expected = forward(*vector_example())
    for k in QUANTITIES:
        np.testing.assert_array_equal(getattr(e.trace, k), getattr(expected, k))
    np.testing.assert_array_equal(e.trace.prediction, expected.prediction)
    assert pre_text(e.details.value) == example_printout()


def test_play_walks_every_step(e):
    e.play.value = T
    for unit in (0, 1):
        e.unit.value = unit
        seen = set()
        for t in range(1, T + 1):
            before = e.image.value
            e.play.value = t
            assert e.step.value == t
            assert e.step_label.value == f"<b>Step t = {t} of {T}</b>"
            lines = equation_lines(e.equations.value)
            assert [line.split(" = ", 1)[0] for line in lines] == [f"{k}_{{{t}}}^{{[{unit + 1}]}}" for k in "ifgoch"]
            check_display(e)
            if t > 1:
                assert e.image.value != before
            seen.add(e.image.value)
        assert len(seen) == T
    assert (e.play.min, e.play.max) == (1, T)


def test_widget_tree_renders(e):
    assert_renders(e)
