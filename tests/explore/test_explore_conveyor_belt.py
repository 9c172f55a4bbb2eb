"""Lesson 04's explorer without a browser: every slider at its ends and at random values; the readout
table and the step equations checked against lstm_core.forward / rnn_forward on parameters built here,
and against a pure-Python hand calculation; the picture changes; Reset; Play walks t = 1..T."""

import math
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from lstm_core import LSTMParams, forward  # noqa: E402
from lstm_core import explore  # noqa: E402
from lstm_core.rnn import RNNParams, rnn_forward  # noqa: E402

from helpers.explorers import (  # noqa: E402
    assert_renders,
    assert_play_walks_every_step,
    cells,
    set_value,
    slider_settings,
    sweep_slider,
)
from helpers.reference import sig  # noqa: E402

TOL = 6e-5  # the table prints 4 decimals
ROW_KEYS = ["c", "h", "rnn_h", "carry", "rnn_carry"]
START = {"T": 100, "t_pulse": 10, "b_f": 5.0, "b_i": -5.0, "u": 0.9}


# --------------------------------------------------------------------------- independent computations
def library_run(v):
    """The lesson's models built here from the slider values, run by lstm_core.forward and rnn_forward."""
    T, tp = v["T"], v["t_pulse"]
    xs = np.zeros(T)
    xs[tp - 1] = 1.0
    lstm = LSTMParams(W_x=[[10.0], [0.0], [2.0], [0.0]], W_h=np.zeros((4, 1)), b=[v["b_i"], v["b_f"], 0.0, 1.0])
    rnn = RNNParams(W_x=[[2.0]], W_h=[[v["u"]]], b=[0.0])
    return xs, forward(lstm, xs), rnn_forward(rnn, xs)


def hand_run(v):
    """The same by hand, pure Python with math.exp / math.tanh: every series of the readout table."""
    T, tp, b_f, b_i, u = v["T"], v["t_pulse"], v["b_f"], v["b_i"], v["u"]
    c = h = r = 0.0
    out = {k: [] for k in ("x", "i", "f", "g", "c", "h", "rnn_h", "rnn_factor", "carry", "rnn_carry")}
    carry = rnn_carry = float("nan")
    for t in range(1, T + 1):
        x = 1.0 if t == tp else 0.0
        i, f, g, o = sig(10.0 * x + b_i), sig(b_f), math.tanh(2.0 * x), sig(1.0)
        c = f * c + i * g
        h = o * math.tanh(c)
        r = math.tanh(2.0 * x + u * r)
        factor = u * (1.0 - r * r)
        if t == tp:
            carry = rnn_carry = 1.0
        elif t > tp:
            carry *= f
            rnn_carry *= factor
        for k, val in zip(out, (x, i, f, g, c, h, r, factor, carry, rnn_carry)):
            out[k].append(val)
    return out


def hand_readout(values, tp):
    """(peak, end, survival text) by hand: peak of |v| from the pulse on, first step below half after it."""
    after = values[tp - 1 :]
    peak_at = max(range(len(after)), key=lambda k: abs(after[k]))
    peak = after[peak_at]
    survival = None
    if peak == 0.0:
        survival = 0
    else:
        for k in range(peak_at + 1, len(after)):
            if abs(after[k]) < 0.5 * abs(peak):
                survival = k
                break
    text = "survives to the end" if survival is None else f"{survival} step" + ("" if survival == 1 else "s")
    return peak, after[-1], text


def check(e):
    """Every number the explorer shows against lstm_core (params built here) and the hand calculation."""
    v = e.values()
    T, tp, t = v["T"], v["t_pulse"], e.step.value - 1
    xs, trace, rnn = library_run(v)
    hand = hand_run(v)
    # the library and the hand calculation agree (so the checks below test the widget, not the math)
    np.testing.assert_allclose(trace.c[:, 0], hand["c"], rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(rnn.h[:, 0], hand["rnn_h"], rtol=1e-10, atol=1e-300)
    series = {"c": trace.c[:, 0], "h": trace.h[:, 0], "rnn_h": rnn.h[:, 0],
              "carry": hand["carry"], "rnn_carry": hand["rnn_carry"]}

    rows = cells(e.table.value)
    assert len(rows) == len(ROW_KEYS)
    assert f"at step t = {t + 1}</th>" in e.table.value and f"at the end (t = {T})</th>" in e.table.value
    for key, (name, peak, at_t, end, survival) in zip(ROW_KEYS, rows):
        want_peak, want_end, want_text = hand_readout(list(series[key]), tp)
        assert float(peak) == pytest.approx(want_peak, abs=TOL), (key, v)
        assert float(end) == pytest.approx(want_end, abs=TOL), (key, v)
        assert survival == want_text, (key, v)
        if t < tp - 1 and key in ("carry", "rnn_carry"):
            assert at_t == "—"  # no carry before the pulse
        else:
            assert float(at_t) == pytest.approx(series[key][t], abs=TOL), (key, v, t)

    # the step equations: c_t = f c_{t-1} + i g and its derivative f; the RNN's step and u (1 - h²)
    eq = e.equations.value
    n = t + 1
    num = r"(-?[\d.]+)"

    def find(*parts):
        """Literal text (escaped) with a number wherever a part is None."""
        m = re.search("".join(num if p is None else re.escape(p) for p in parts), eq)
        assert m, (parts, eq)
        return [float(g) for g in m.groups()]

    got = find(f"c_{{{n}}} = f_{{{n}}}\\, c_{{{n - 1}}} + i_{{{n}}}\\, g_{{{n}}} = ", None, " \\cdot ", None, " + ",
               None, " \\cdot ", None, " = ", None, "$")
    c_prev = trace.c[t - 1, 0] if t > 0 else 0.0
    assert got == pytest.approx([trace.f[t, 0], c_prev, trace.i[t, 0], trace.g[t, 0], trace.c[t, 0]], abs=TOL)
    [f_shown] = find(f"\\partial c_{{{n - 1}}}}} = f_{{{n}}} = ", None, "$")
    assert f_shown == pytest.approx(hand["f"][t], abs=TOL)
    got = find(f"h_{{{n}}} = \\tanh(w\\, x_{{{n}}} + u\\, h_{{{n - 1}}}) = \\tanh(", None, " \\cdot ", None, " + ",
               None, " \\cdot ", None, ") = ", None, "$")
    h_prev = rnn.h[t - 1, 0] if t > 0 else 0.0
    assert got[:3] == pytest.approx([2.0, xs[t], v["u"]], abs=0.006)
    assert got[3:] == pytest.approx([h_prev, rnn.h[t, 0]], abs=TOL)
    [factor] = find(f"u\\,(1 - h_{{{n}}}^2) = ", None, "$")
    assert factor == pytest.approx(v["u"] * (1 - rnn.h[t, 0] ** 2), abs=TOL)
    assert f"Step t = {n} of {T}" in e.step_label.value


# --------------------------------------------------------------------------- tests
def test_starting_values_and_the_lessons_story():
    e = explore.conveyor_belt()
    assert e.values() == START
    check(e)
    rows = dict(zip(ROW_KEYS, cells(e.table.value)))
    assert rows["c"][4] == "survives to the end"  # the LSTM keeps the pulse
    assert rows["rnn_h"][4] == "3 steps"  # the RNN forgets it
    assert e.play_interval_ms <= 300 and e.play.interval == e.play_interval_ms  # 100 steps in 30 s at most


@pytest.mark.parametrize("name", ["T", "t_pulse", "b_f", "b_i", "u"])
def test_each_slider(name):
    e = explore.conveyor_belt()
    rng = np.random.default_rng({"T": 1, "t_pulse": 2, "b_f": 3, "b_i": 4, "u": 5}[name])
    e.play.value = 5  # a step after the pulse's neighbourhood would hide the "—" case; 5 < t_pulse shows it
    sweep_slider(e, name, slider_settings(e.controls[name], rng), check)


def test_slider_extremes_together():
    e = explore.conveyor_belt()
    for combo in ({"b_f": -2.0, "b_i": -15.0, "u": 0.0}, {"b_f": 8.0, "b_i": 5.0, "u": 1.5},
                  {"T": 10, "t_pulse": 10, "b_f": 8.0, "u": 1.5}, {"T": 10, "t_pulse": 1, "b_f": -2.0}):
        e.reset()
        for name, value in combo.items():
            set_value(e, name, value)
        e.play.value = e.controls["T"].value
        check(e)


def test_pulse_time_and_play_cannot_pass_the_end():
    e = explore.conveyor_belt()
    set_value(e, "t_pulse", 80)
    e.play.value = 90
    set_value(e, "T", 40)
    assert e.controls["t_pulse"].max == 40 and e.controls["t_pulse"].value == 40
    assert e.play.max == 40 and e.step.max == 40 and e.step.value == 40
    check(e)
    set_value(e, "T", 100)
    assert e.controls["t_pulse"].max == 100 and e.play.max == 100


def test_reset_restores_the_start():
    e = explore.conveyor_belt()
    start_image, start_table = e.image.value, e.table.value
    for name, value in (("T", 37), ("t_pulse", 30), ("b_f", 1.3), ("b_i", -9.0), ("u", 1.2)):
        set_value(e, name, value)
    e.play.value = 20
    assert e.values() == {"T": 37, "t_pulse": 30, "b_f": 1.3, "b_i": -9.0, "u": 1.2}
    check(e)  # the moved setting, against lstm_core and the hand calculation
    assert e.table.value != start_table and e.image.value != start_image
    e.reset_button.click()
    assert e.values() == START
    assert e.step.value == 1 and e.play.max == 100
    assert e.table.value == start_table and e.image.value == start_image
    check(e)


@pytest.mark.parametrize("T", [100, 23])
def test_play_walks_through_every_step(T):
    e = explore.conveyor_belt()
    set_value(e, "T", T)
    assert_play_walks_every_step(e, T, check, (1, 9, 10, 11, T // 2, T))


def test_factory_arguments_set_the_start():
    e = explore.conveyor_belt(T=50, t_pulse=5, b_f=2.0, b_i=-3.0, u=0.5)
    assert e.values() == {"T": 50, "t_pulse": 5, "b_f": 2.0, "b_i": -3.0, "u": 0.5}
    assert e.play.max == 50
    check(e)


def test_renders_widget_tree():
    e = explore.conveyor_belt()
    assert_renders(e)
