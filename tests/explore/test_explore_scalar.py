"""Lesson 02's ScalarWalkthrough without a browser.

Every slider goes to its minimum, its maximum and 3 random values; after each move the parameters are
built HERE from the slider values (LSTMParams.from_gates, W_y from its slider), run through
lstm_core.forward, and every number the explorer shows (the table, the prediction line, the LaTeX
equations, the diagram's numbers) must equal that result formatted the same way. The picture must
change and no warning may be raised. Reset, Play, typed out-of-range values, and the worked example's own
printed numbers (read from the worked example's file) are checked too.
"""

import math
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from lstm_core import LSTMParams, forward  # noqa: E402
from lstm_core import explore  # noqa: E402
from lstm_core.examples import scalar_example  # noqa: E402

from helpers.explorers import (  # noqa: E402
    assert_renders,
    cells,
    equation_lines,
    example_text,
    headers,
    last_values,
    move,
    num_close,
    scramble_then_reset,
    set_extremes,
    slider_settings,
    split_signed,
)
from helpers.reference import sig  # noqa: E402

T = 3
SYMBOLS = ("i", "f", "g", "c", "o", "h")  # the table's columns after t and x_t
WORDS = {"i": "input", "f": "forget", "g": "cell", "o": "output"}  # the worked example's keys, by symbol
NAMES = {"i": "input gate", "f": "forget gate", "g": "candidate", "o": "output gate"}
SLIDERS = [f"{p}{k}" for k in "ifgo" for p in ("W_x", "W_h", "b_")] + ["x_1", "x_2", "x_3", "W_y"]
READOUT = {"W_y"}  # nothing in the picture depends on y (see test_readout_slider_changes_picture)
EXAMPLE_FILE = "scalar_lstm_worked_example.txt"
EXPLORER = explore.scalar_walkthrough  # the fixtures `shared` and `e` (tests/explore/conftest.py)


# --------------------------------------------------------------------------- helpers


def build(values):
    """The explorer's parameters and inputs, built here from the slider values alone."""
    gates = {WORDS[k]: (values[f"W_x{k}"], values[f"W_h{k}"], values[f"b_{k}"]) for k in "ifgo"}
    params = LSTMParams.from_gates(**gates, W_y=values["W_y"], b_y=0.0)
    return params, [values[f"x_{t}"] for t in range(1, T + 1)]


GATE_LINE = re.compile(
    r"^([ifgo])_\{(\d+)\} = \\(sigma|tanh)\\left\((.*)\\right\) = \\(sigma|tanh)\((\S+)\) = (\S+)"
    r" \\quad \\text\{\((.+)\)\}$"
)
C_LINE = re.compile(r"^c_\{(\d+)\} = f \\cdot c_\{(\d+)\} \+ i \\cdot g = (\S+) \\cdot (\S+) \+ (\S+) \\cdot (\S+) = (\S+)$")
H_LINE = re.compile(r"^h_\{(\d+)\} = o \\cdot \\tanh\(c_\{(\d+)\}\) = (\S+) \\cdot \\tanh\((\S+)\) = (\S+) \\cdot (\S+)"
                    r" = (\S+)$")


def check_equations(html, values, trace, t):
    """The six lines of step t (0-based): every substituted number, and every result at 4 decimals."""
    lines = equation_lines(html)
    assert len(lines) == 6, lines
    x = values[f"x_{t + 1}"]
    h_prev = trace.h[t - 1, 0] if t > 0 else 0.0
    c_prev = trace.c[t - 1, 0] if t > 0 else 0.0
    shown = {}
    for line, k in zip(lines[:4], "ifgo"):
        m = GATE_LINE.match(line)
        assert m, line
        sym, step, act, inside, act2, z_text, value_text, name = m.groups()
        assert (sym, int(step), name) == (k, t + 1, NAMES[k])
        assert act == act2 == ("tanh" if k == "g" else "sigma")
        assert "+ -" not in inside, inside  # a negative weight reads as a minus
        terms = split_signed(inside)
        assert len(terms) == 3, inside
        (wx, xv), (wh, hv) = (p.split(" \\cdot ") for p in terms[:2])
        num_close(wx, values[f"W_x{k}"], f"W_x{k}")
        num_close(xv, x, "x")
        assert xv.startswith("(") == (x < 0)
        num_close(wh, values[f"W_h{k}"], f"W_h{k}")
        num_close(hv, h_prev, "h_prev")
        assert hv.startswith("(") == (h_prev < 0)  # negatives in parentheses
        num_close(terms[2], values[f"b_{k}"], f"b_{k}")
        z = values[f"W_x{k}"] * x + values[f"W_h{k}"] * h_prev + values[f"b_{k}"]
        num_close(z_text, z, f"z_{k}")
        hand = math.tanh(z) if k == "g" else sig(z)
        assert float(value_text) == pytest.approx(hand, abs=5.1e-5)
        assert value_text == f"{getattr(trace, k)[t, 0]:.4f}"
        shown[k] = value_text
    m = C_LINE.match(lines[4])
    assert m, lines[4]
    step, step_prev, f_s, cp_s, i_s, g_s, c_s = m.groups()
    assert (int(step), int(step_prev)) == (t + 1, t)
    assert (f_s, i_s, g_s) == (shown["f"], shown["i"], shown["g"])
    num_close(cp_s, c_prev, "c_prev")
    assert c_s == f"{trace.c[t, 0]:.4f}"
    m = H_LINE.match(lines[5])
    assert m, lines[5]
    step, step_c, o_s, c_in, o_s2, tanh_s, h_s = m.groups()
    assert (int(step), int(step_c)) == (t + 1, t + 1)
    assert o_s == o_s2 == shown["o"] and c_in == c_s
    assert tanh_s == f"{math.tanh(trace.c[t, 0]):.4f}"
    assert h_s == f"{trace.h[t, 0]:.4f}"
    assert last_values(html) == [shown[k] for k in "ifgo"] + [c_s, h_s]


def check_display(e):
    """Everything shown equals lstm_core.forward on parameters built here from the sliders."""
    values = {name: w.value for name, w in e.controls.items()}
    params, xs = build(values)
    trace = forward(params, xs)
    t = e.step.value - 1
    # the table: one row per step, x_t with 2 decimals, every quantity with 4
    assert headers(e.table.value)[:2] == ["t", "x_t"]
    assert [h.split()[0] for h in headers(e.table.value)[2:]] == list(SYMBOLS)
    rows = cells(e.table.value)
    assert len(rows) == T
    for s, row in enumerate(rows):
        assert row[0] == str(s + 1)
        assert row[1] == f"{xs[s]:.2f}"
        assert row[2:] == [f"{getattr(trace, k)[s, 0]:.4f}" for k in SYMBOLS], f"step {s + 1}"
    assert f"<b>{t + 1}</b>" in e.table.value  # the selected step is bold
    # the prediction line: y = W_y h_3 (+ b_y = 0)
    m = re.search(r"Predicted Next Value: (\S+)</b> &nbsp; \(y = W_y · h_3 = (\S+) · (\S+)\)", e.prediction.value)
    assert m, e.prediction.value
    assert m[1] == f"{trace.prediction[0]:.4f}"
    assert float(m[1]) == pytest.approx(values["W_y"] * trace.h[-1, 0], abs=5.1e-5)  # by hand
    assert m[2] == f"{values['W_y']:.2f}" and m[3] == f"{trace.h[-1, 0]:.4f}"
    check_equations(e.equations.value, values, trace, t)
    # the numbers drawn in the diagram are the same step's
    for k in SYMBOLS:
        v = getattr(trace, k)[t, 0]
        assert e.diagram.values[k].get_text() == (f"{v:.1e}" if abs(v) >= 100 else f"{v:.4f}")
    assert e.diagram.values["t"].get_text() == str(t + 1)
    return trace


# --------------------------------------------------------------------------- the worked example
def example_numbers():
    """``{(t, symbol): "0.6225"}``, the prediction, and the parameters, all read from the worked example's file."""
    text = example_text(EXAMPLE_FILE)
    words = {"Forget Gate": "f", "Input Gate": "i", "Candidate Cell": "g", "Cell State": "c",
             "Output Gate": "o", "Hidden State": "h"}
    table = {}
    for block in re.findall(r"Time Step (\d+):\n((?:  .+\n)+)", text):
        for word, value in re.findall(r"  (.+): (-?\d+\.\d{4})", block[1]):
            table[int(block[0]), words[word]] = value
    prediction = re.search(r"Predicted Next Value: (-?\d+\.\d{4})", text.rsplit("Time Step 3", 1)[1])[1]
    gates = {word: tuple(float(v) for v in m.split(",")) for word, m in re.findall(r'"(\w+)": \(([^)]*)\)', text)}
    xs = [float(v) for v in re.search(r"X = \[([^\]]*)\]", text)[1].split(",")]
    readout = float(re.search(r"y_pred = (\S+) \* last_hidden", text)[1])
    return table, prediction, gates, xs, readout


def test_sliders_are_every_weight_input_and_the_readout(e):
    assert list(e.controls) == SLIDERS
    table, prediction, gates, xs, readout = example_numbers()
    start = {f"x_{t}": x for t, x in enumerate(xs, start=1)} | {"W_y": readout}
    for k, word in WORDS.items():
        start |= dict(zip((f"W_x{k}", f"W_h{k}", f"b_{k}"), gates[word]))
    assert {n: w.value for n, w in e.controls.items()} == start
    for name, w in e.controls.items():
        assert w.description == name
        lo, hi = (-10.0, 10.0) if name == "W_y" else (-5.0, 5.0)
        assert (w.min, w.max) == (lo, hi)


def test_defaults_print_the_worked_examples_numbers(e):
    """The literal numbers the worked example printed (0.6225 ... 3.4827), read from its file."""
    table, prediction, *_ = example_numbers()
    assert len(table) == 18 and table[1, "f"] == "0.6225"
    rows = cells(e.table.value)
    for t in range(1, T + 1):
        assert rows[t - 1][2:] == [table[t, k] for k in SYMBOLS]
    assert prediction == "3.4827"
    assert f"Predicted Next Value: {prediction}</b>" in e.prediction.value
    for t in range(1, T + 1):
        e.play.value = t
        assert last_values(e.equations.value) == [table[t, k] for k in ("i", "f", "g", "o", "c", "h")]
    check_display(e)


# --------------------------------------------------------------------------- every slider
def picture_state(e):
    """What the picture shows: the diagram's numbers (selected step) and every quantity's line."""
    return [a.get_text() for a in e.diagram.values.values()], np.stack([getattr(e.trace, k)[:, 0] for k in SYMBOLS])


def must_change(before, after):
    """Must the PNG differ? Yes when a number drawn in it changed, or a line point moved by 0.01 or more
    (about one pixel on the 1.1-unit gate axes, 111 px high). A move that changes nothing visible,
    e.g. W_ho while o is about 0 so that h is about 0 too, may leave the picture as it was."""
    return before[0] != after[0] or np.max(np.abs(before[1] - after[1])) >= 0.01


@pytest.mark.parametrize("n, name", list(enumerate(SLIDERS)))
def test_every_slider_min_max_random(e, n, name):
    rng = np.random.default_rng(1000 + n)
    e.play.value = n % T + 1  # sweep the sliders at every step in turn, so every step's equations are checked
    check_display(e)
    widget = e.controls[name]
    required = 0
    for value in slider_settings(widget, rng):
        before = (e.image.value, e.table.value, e.prediction.value)
        shown_before = picture_state(e)
        changed = move(e, name, value)
        assert widget.value == value
        trace = check_display(e)
        if not changed:  # already there: no update, nothing may change
            assert (e.image.value, e.table.value, e.prediction.value) == before
        elif name in READOUT:
            assert e.prediction.value != before[2]
            assert e.table.value == before[1]  # y feeds nothing back into the cell
        elif must_change(shown_before, picture_state(e)):
            required += 1
            assert e.image.value != before[0], f"{name} = {value}: the picture did not change"
        assert np.all(np.isfinite(trace.h))
    if name not in READOUT:  # from the worked example's setting every slider's ends and random values show
        assert required >= 4, f"{name}: only {required} of 5 moves changed what the picture shows"


def test_readout_slider_changes_picture(e):
    before = e.image.value
    assert move(e, "W_y", -7.5)
    assert e.image.value != before


def test_typed_values_outside_the_range_are_clamped(e):
    for name, typed, clamped in [("W_xi", 7.3, 5.0), ("b_f", -12.0, -5.0), ("x_2", 99.0, 5.0), ("W_y", -50.0, -10.0),
                                 ("W_hg", 5.5, 5.0)]:
        before = e.image.value
        move(e, name, typed)
        assert e.controls[name].value == clamped
        check_display(e)
        if name not in READOUT:
            assert e.image.value != before


@pytest.mark.parametrize("x_end", ["min", "max"])
def test_extremes_everywhere_stay_finite_and_consistent(e, x_end):
    """Every weight at its maximum, the inputs at their minimum (every gate shut, c about 0) or at their
    maximum (every gate open, c_t about t, the largest the plots allow); drawn once, not 16 times."""
    set_extremes(e, x_end)
    for t in range(T, 0, -1):
        e.play.value = t
        trace = check_display(e)
    assert np.all(np.isfinite(trace.c))
    if x_end == "max":
        assert trace.c[-1].min() > 2.9  # the cell state near its bound |c_T| <= T


# --------------------------------------------------------------------------- Reset and Play
def test_reset_restores_the_start(e):
    scramble_then_reset(e, SLIDERS, lambda e: (e.image.value, e.table.value, e.equations.value, e.prediction.value),
                        seed=7)
    expected = forward(*scalar_example())
    for k in SYMBOLS:
        np.testing.assert_array_equal(getattr(e.trace, k), getattr(expected, k))
    np.testing.assert_array_equal(e.trace.prediction, expected.prediction)
    check_display(e)


def test_play_walks_every_step(e):
    e.play.value = T
    images = {}
    for t in range(1, T + 1):
        before = e.image.value
        e.play.value = t
        assert e.step.value == t
        assert e.step_label.value == f"<b>Step t = {t} of {T}</b>"
        assert re.search(rf"Step t = {t} of {T}", e.step_label.value)
        lines = equation_lines(e.equations.value)
        assert [line.split(" = ", 1)[0] for line in lines] == [f"{k}_{{{t}}}" for k in "ifgoch"]
        check_display(e)
        assert e.image.value != before
        images[t] = e.image.value
    assert len(set(images.values())) == T
    assert (e.play.min, e.play.max, e.step.min, e.step.max) == (1, T, 1, T)
    # the step slider moves Play back (the link is both ways), and a new step leaves the sliders alone
    values = {n: w.value for n, w in e.controls.items()}
    e.step.value = 2
    assert e.play.value == 2 and {n: w.value for n, w in e.controls.items()} == values


def test_widget_tree_renders(e):
    assert_renders(e)
