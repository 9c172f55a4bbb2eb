"""Lesson 05's explorers without a browser: every slider at its ends and at random values; the readout
tables checked against lstm_core (models built here from the slider values, gradients from backward and
the flow functions, products by a Python loop); the picture changes; Reset; Play walks t = 1..T."""

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from lstm_core import backward, forward  # noqa: E402
from lstm_core import explore  # noqa: E402
from lstm_core.lessons.l05_gradients import (  # noqa: E402
    flow_inputs,
    lstm_for_flow,
    lstm_gradient_by_lag,
    rnn_for_flow,
    rnn_gradient_by_lag,
)
from lstm_core.rnn import rnn_backward, rnn_forward  # noqa: E402

from helpers.explorers import (  # noqa: E402
    assert_renders,
    assert_play_walks_every_step,
    cells,
    set_value,
    slider_settings,
    sweep_slider,
)
from helpers.reference import sig  # noqa: E402

T, H, SEED, DRAWS = 50, 8, 0, 8
LAGS = [1, 10, 30, 49]
ROWS = ["lstm_dx", "lstm_dc", "rnn_dx", "rnn_dh"]


def assert_shown(text, value, what):
    """A readout: '0', 4 decimals (from 0.001 up) or 3 significant digits in e-notation."""
    if text == "0":
        assert value == 0.0, what
    elif "e" in text:
        assert abs(value) < 1e-3, (what, text, value)
        assert float(text) == pytest.approx(value, rel=5.1e-3), (what, text, value)
    else:
        assert abs(value) >= 1e-3 - 5e-5, (what, text, value)
        assert float(text) == pytest.approx(value, abs=5.1e-5), (what, text, value)


def first_below(norms, threshold=1e-6):
    for k, v in enumerate(norms):
        if v < threshold:
            return k
    return None


# --------------------------------------------------------------------------- gradient flow
def independent_flow(b_f, scale):
    """The norms by lag of ``DRAWS`` draws of the two models (seeds SEED, SEED + 1, ...), averaged the way the
    lesson says: the geometric mean, exp of the mean of the logs."""
    draws = [one_draw(b_f, scale, seed) for seed in range(SEED, SEED + DRAWS)]
    return {k: np.exp(np.mean([np.log(d[k]) for d in draws], axis=0)) for k in draws[0]}


def one_draw(b_f, scale, seed):
    """The two models built here from the slider values; the norms by lag from backward / rnn_backward
    directly (dL/dh_T = 1 for L = Σ h_T), and from the flow functions (which must agree)."""
    xs = flow_inputs(T, seed=seed)
    lstm = lstm_for_flow(H, forget_bias=b_f, scale=scale, seed=seed)
    assert np.all(lstm.gate("f")[2] == b_f) and np.all(lstm.gate("i")[2] == 0.0)
    rnn = rnn_for_flow(H, scale=scale, seed=seed)
    trace = forward(lstm, xs)
    dh = np.zeros((T, H))
    dh[-1] = 1.0
    _, dxs, _, _, dc = backward(lstm, trace, dh, return_dc=True)
    _, rdxs, _, rdh = rnn_backward(rnn, rnn_forward(rnn, xs), dh, return_dh=True)
    mine = {
        "lstm_dx": np.linalg.norm(dxs, axis=1)[::-1],
        "lstm_dc": np.linalg.norm(dc, axis=1)[::-1],
        "rnn_dx": np.linalg.norm(rdxs, axis=1)[::-1],
        "rnn_dh": np.linalg.norm(rdh, axis=1)[::-1],
    }
    lf, rf = lstm_gradient_by_lag(lstm, xs), rnn_gradient_by_lag(rnn, xs)
    flows = {"lstm_dx": lf["dx"], "lstm_dc": lf["dc"], "rnn_dx": rf["dx"], "rnn_dh": rf["dh"]}
    for k in ROWS:
        np.testing.assert_allclose(mine[k], flows[k], rtol=1e-9, atol=1e-300)
    return mine


def check_flow(e):
    v = e.values()
    norms = independent_flow(v["b_f"], v["scale"])
    html = e.table.value
    for k in LAGS:
        assert f"lag {k}<br>" in html and f"(x<sub>{T - k}</sub>)" in html
    rows = cells(html)
    assert len(rows) == len(ROWS)
    for key, row in zip(ROWS, rows):
        assert len(row) == 1 + len(LAGS) + 1
        for k, text in zip(LAGS, row[1:-1]):
            assert_shown(text, norms[key][k], (key, k, v))
        want = first_below(norms[key])
        assert row[-1] == ("never" if want is None else str(want)), (key, v)


def test_flow_starting_values_and_the_lessons_story():
    e = explore.gradient_flow()
    assert e.values() == {"b_f": 1.0, "scale": 1.0}
    check_flow(e)
    rows = dict(zip(ROWS, cells(e.table.value)))
    assert rows["rnn_dx"][-1] == "28"  # on average over 8 draws the RNN's input gradient is < 1e-6 28 steps back
    set_value(e, "b_f", 3.0)
    rows = dict(zip(ROWS, cells(e.table.value)))
    assert rows["lstm_dx"][-1] == "never" and rows["lstm_dc"][-1] == "never"  # b_f = 3 keeps it alive
    check_flow(e)


@pytest.mark.parametrize("name", ["b_f", "scale"])
def test_flow_each_slider(name):
    e = explore.gradient_flow()
    rng = np.random.default_rng({"b_f": 1, "scale": 2}[name])
    sweep_slider(e, name, slider_settings(e.controls[name], rng), check_flow)


def test_flow_extremes_together():
    e = explore.gradient_flow()
    for combo in ({"b_f": -3.0, "scale": 0.1}, {"b_f": 8.0, "scale": 3.0}, {"b_f": -3.0, "scale": 3.0},
                  {"b_f": 8.0, "scale": 0.1}):
        e.reset()
        for name, value in combo.items():
            set_value(e, name, value)
        check_flow(e)
        # every line stays on the chart: clipped to the fixed log limits
        for line in e.lines.values():
            y = np.asarray(line.get_ydata())
            assert np.all((y >= 1e-12) & (y <= 1e2))
        assert e.ax.get_ylim() == pytest.approx((1e-12, 1e2))


def test_flow_reset_restores_the_start():
    e = explore.gradient_flow()
    start_image, start_table = e.image.value, e.table.value
    set_value(e, "b_f", 6.3)
    set_value(e, "scale", 2.2)
    assert e.values() == {"b_f": 6.3, "scale": 2.2}
    check_flow(e)  # the moved setting, against backward / rnn_backward on models built here
    assert e.table.value != start_table and e.image.value != start_image
    e.reset_button.click()
    assert e.values() == {"b_f": 1.0, "scale": 1.0}
    assert e.table.value == start_table and e.image.value == start_image
    check_flow(e)


def test_flow_factory_arguments_set_the_start():
    e = explore.gradient_flow(b_f=4.0, scale=0.5)
    assert e.values() == {"b_f": 4.0, "scale": 0.5}
    check_flow(e)


# --------------------------------------------------------------------------- cell carry
def independent_carry(b_f):
    """f_t of the lesson's LSTM (built here) from forward, and Π f by a Python loop; σ(b_f)^t by math.exp."""
    trace = forward(lstm_for_flow(H, forget_bias=b_f, scale=1.0, seed=SEED), flow_inputs(T, seed=SEED))
    f = np.asarray(trace.f)  # (T, H)
    prod = np.empty_like(f)
    running = np.ones(H)
    for t in range(T):
        running = running * f[t]
        prod[t] = running
    s = sig(b_f)
    return f, prod, [s ** (t + 1) for t in range(T)], s


def check_carry(e):
    b_f, t = e.values()["b_f"], e.step.value - 1
    f, prod, const, s = independent_carry(b_f)
    html = e.table.value
    assert f"at t = {t + 1}</th>" in html and f"up to t = {t + 1}</th>" in html and f"up to T = {T}</th>" in html
    rows = cells(html)
    assert len(rows) == H + 1
    for u, row in enumerate(rows[:H]):
        assert row[0] == f"unit {u + 1}"
        assert float(row[1]) == pytest.approx(f[t, u], abs=5.1e-5)
        assert_shown(row[2], prod[t, u], ("Π up to t", u, b_f, t))
        assert_shown(row[3], prod[-1, u], ("Π up to T", u, b_f))
    last = rows[H]
    assert float(last[1]) == pytest.approx(s, abs=5.1e-5)
    assert_shown(last[2], const[t], ("σ(b_f)^t", b_f, t))
    assert_shown(last[3], const[-1], ("σ(b_f)^T", b_f))
    assert f"<b>Step t = {t + 1} of {T}</b>" in e.step_label.value
    # the cursor, the dots and the picture's numbers follow t
    assert list(e.cursors[0].get_xdata()) == [t + 1, t + 1]
    assert e.figure_notes["t"].get_text() == f"at step t = {t + 1}:"
    shown = e.figure_notes["constant"].get_text().split(" = ")[1]
    assert_shown(shown, const[t], "σ(b_f)^t in the picture")


def test_carry_starting_values():
    e = explore.cell_carry()
    assert e.values() == {"b_f": 1.0}
    assert e.step.value == 1 and e.play.max == T and e.step.max == T
    check_carry(e)


def test_carry_slider():
    e = explore.cell_carry()
    e.play.value = 20
    rng = np.random.default_rng(3)

    def check_carry_and_its_lines(e):
        check_carry(e)
        segments = e.carry_lines.get_segments()  # one line per unit
        assert len(segments) == e.H
        for u, line in enumerate(segments):
            y = line[:, 1]
            assert np.all((y >= 1e-12) & (y <= 3.0))
            np.testing.assert_array_equal(y, np.clip(np.cumprod(e.run.f[:, u]), 1e-12, 3.0))

    sweep_slider(e, "b_f", slider_settings(e.controls["b_f"], rng), check_carry_and_its_lines, value_lands=False)


def test_carry_play_walks_through_every_step():
    e = explore.cell_carry()
    assert_play_walks_every_step(e, T, check_carry, (1, 2, 25, T))


def test_carry_reset_restores_the_start():
    e = explore.cell_carry()
    start_image, start_table = e.image.value, e.table.value
    set_value(e, "b_f", 5.5)
    e.play.value = 33
    assert e.values() == {"b_f": 5.5} and e.step.value == 33
    check_carry(e)  # the moved setting, against forward and a Python loop
    assert e.table.value != start_table and e.image.value != start_image
    e.reset_button.click()
    assert e.values() == {"b_f": 1.0} and e.step.value == 1
    assert e.table.value == start_table and e.image.value == start_image
    check_carry(e)


def test_carry_factory_argument_sets_the_start():
    e = explore.cell_carry(b_f=3.0)
    assert e.values() == {"b_f": 3.0}
    check_carry(e)


def test_both_render_widget_trees():
    for e in (explore.gradient_flow(), explore.cell_carry()):
        assert_renders(e)
