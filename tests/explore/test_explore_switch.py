"""Lesson 01's explorers without a browser: every slider at its ends and at random values, the numbers
shown checked against a hand calculation (math.exp, math.tanh, math.sin), the picture changes, Reset."""

import math
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from lstm_core import explore  # noqa: E402

from helpers.explorers import assert_renders, cells, set_value, sweep_slider  # noqa: E402
from helpers.reference import sig

TOL = 6e-5  # the tables print 4 decimals


def hand_state(g):
    """The words for a gate value, from the lesson's own thresholds (0.1 / 0.9, 'half' within 0.05 of 0.5)."""
    if g < 0.1:
        return "closed"
    if g > 0.9:
        return "open"
    return "half open" if abs(g - 0.5) <= 0.05 else "partly open"


def settings(widget, rng):
    """min, max and 3 random values of a slider, rounded to its step like the browser would."""
    values = [widget.min, widget.max] + list(rng.uniform(widget.min, widget.max, 3))
    return [round(float(v) / widget.step) * widget.step for v in values]


# --------------------------------------------------------------------------- SoftSwitch


def check_soft_switch(e):
    w, b, x = (e.controls[k].value for k in ("w", "b", "x"))
    [row] = cells(e.table.value)
    shown = dict(zip(["w", "b", "x", "z", "sigma", "tanh", "x_star", "state"], row))
    z = w * x + b
    assert float(shown["w"]) == pytest.approx(w, abs=0.006)
    assert float(shown["b"]) == pytest.approx(b, abs=0.006)
    assert float(shown["x"]) == pytest.approx(x, abs=0.006)
    assert float(shown["z"]) == pytest.approx(z, abs=TOL)
    assert float(shown["sigma"]) == pytest.approx(sig(z), abs=TOL)
    assert float(shown["tanh"]) == pytest.approx(math.tanh(z), abs=TOL)
    if w == 0:
        assert shown["x_star"].startswith("none")
    else:
        assert float(shown["x_star"]) == pytest.approx(-b / w, abs=TOL)
    assert shown["state"] == hand_state(sig(z))
    # the drawn curves and markers are the same function
    xs = e.curves["sigmoid"].get_xdata()
    assert xs[0] == -5.0 and xs[-1] == 5.0
    for n in (0, len(xs) // 3, len(xs) - 1):
        zn = w * xs[n] + b
        assert e.curves["sigmoid"].get_ydata()[n] == pytest.approx(sig(zn), abs=1e-12)
        assert e.curves["tanh"].get_ydata()[n] == pytest.approx(math.tanh(zn), abs=1e-12)
    assert e.markers["sigmoid"].get_ydata()[0] == pytest.approx(sig(z), abs=1e-12)
    assert e.markers["tanh"].get_xdata()[0] == x


@pytest.mark.parametrize("name", ["w", "b", "x"])
def test_soft_switch_each_slider(name):
    e = explore.soft_switch()
    check_soft_switch(e)
    rng = np.random.default_rng(1)
    sweep_slider(e, name, settings(e.controls[name], rng), check_soft_switch)


def test_soft_switch_w_zero_has_no_switch_point():
    e = explore.soft_switch()
    set_value(e, "w", 0.0)
    check_soft_switch(e)
    assert not e.switch_lines["sigmoid"].get_visible()
    set_value(e, "w", 0.5)
    assert e.switch_lines["sigmoid"].get_visible()


def test_soft_switch_reset_and_no_time_axis():
    e = explore.soft_switch()
    start_values = {k: w.value for k, w in e.controls.items()}
    assert start_values == {"w": 1.0, "b": 0.0, "x": 1.0}
    start_image, start_table = e.image.value, e.table.value
    for name, value in (("w", -3.3), ("b", 2.2), ("x", -4.0)):
        set_value(e, name, value)
    check_soft_switch(e)  # the moved setting, by hand; and worked out once more here:
    [row] = cells(e.table.value)
    shown = dict(zip(["w", "b", "x", "z", "sigma", "tanh", "x_star", "state"], row))
    assert float(shown["z"]) == pytest.approx(15.4, abs=TOL)  # z = (-3.3)(-4.0) + 2.2
    assert float(shown["x_star"]) == pytest.approx(2 / 3, abs=TOL)  # x* = -b/w = 2.2 / 3.3
    assert shown["state"] == "open"  # σ(15.4) = 1 - 2.1e-7
    assert e.image.value != start_image
    e.reset_button.click()
    assert {k: w.value for k, w in e.controls.items()} == start_values
    assert e.table.value == start_table
    assert e.image.value == start_image
    assert e.steps is None and not hasattr(e, "play")


def test_soft_switch_renders_widget_tree():
    e = explore.soft_switch()
    assert_renders(e)


# --------------------------------------------------------------------------- GatedSignal

SAMPLE_TIMES = [0.1, 0.2, 0.3, 0.4]


def check_gated_signal(e):
    z, A = e.controls["z_i"].value, e.controls["A"].value
    i = sig(z)
    rows = cells(e.table.value)
    assert [float(r[0]) for r in rows] == SAMPLE_TIMES
    for (t, g_shown, i_shown, ig_shown), t_expected in zip(rows, SAMPLE_TIMES):
        g = A * math.sin(2 * math.pi * 2 * t_expected)  # two periods over time 0..1
        assert float(g_shown) == pytest.approx(g, abs=TOL)
        assert float(i_shown) == pytest.approx(i, abs=TOL)
        assert float(ig_shown) == pytest.approx(i * g, abs=TOL)
    summary = re.search(r"i = σ\((-?[\d.]+)\) = ([\d.]+)</b>: the gate is ([a-z ]+), ([\d.]+)% of g passes",
                        e.summary.value)
    assert summary, e.summary.value
    assert float(summary[1]) == pytest.approx(z, abs=0.006)
    assert float(summary[2]) == pytest.approx(i, abs=TOL)
    assert summary[3] == hand_state(i)
    assert float(summary[4]) == pytest.approx(100 * i, abs=0.006)
    # the drawn lines: signal, flat gate, product
    ts = e.lines["g"].get_xdata()
    expected_g = A * np.sin(4 * np.pi * ts)
    np.testing.assert_allclose(e.lines["g"].get_ydata(), expected_g, atol=1e-12)
    np.testing.assert_allclose(e.lines["i"].get_ydata(), i, atol=1e-12)
    np.testing.assert_allclose(e.lines["ig"].get_ydata(), i * expected_g, atol=1e-12)
    assert e.gate_marker.get_ydata()[0] == pytest.approx(i, abs=1e-12)


@pytest.mark.parametrize("name", ["z_i", "A"])
def test_gated_signal_each_slider(name):
    e = explore.gated_signal()
    check_gated_signal(e)
    rng = np.random.default_rng(2)
    sweep_slider(e, name, settings(e.controls[name], rng), check_gated_signal, value_lands=False)


def test_gated_signal_closed_lets_nothing_through_open_everything():
    e = explore.gated_signal()
    set_value(e, "z_i", e.controls["z_i"].min)
    assert max(abs(float(r[3])) for r in cells(e.table.value)) < 0.01
    set_value(e, "z_i", e.controls["z_i"].max)
    for t, g, i, ig in cells(e.table.value):
        assert float(ig) == pytest.approx(float(g), abs=0.01)


@pytest.mark.parametrize("n, z, words", [(0, -5.0, "closed"), (1, 0.0, "half open"), (2, 5.0, "open")])
def test_gated_signal_preset_buttons(n, z, words):
    e = explore.gated_signal(z_i=2.0)
    assert words in e.presets[n].description
    e.presets[n].click()
    assert e.controls["z_i"].value == z
    check_gated_signal(e)
    assert f"the gate is {words}," in e.summary.value


def test_gated_signal_reset_and_no_time_axis():
    e = explore.gated_signal()
    start_image, start_table = e.image.value, e.table.value
    set_value(e, "z_i", 3.1)
    set_value(e, "A", 0.25)
    check_gated_signal(e)  # the moved setting, by hand
    assert "the gate is open," in e.summary.value  # σ(3.1) = 0.957 > 0.9
    e.reset_button.click()
    assert e.controls["z_i"].value == 0.0 and e.controls["A"].value == 1.0
    assert e.table.value == start_table and e.image.value == start_image
    assert e.steps is None and not hasattr(e, "play")
