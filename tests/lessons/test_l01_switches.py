"""lstm_core.lessons.l01_switches against hand calculation with the math module (lesson 01's core)."""

import math

import numpy as np
import pytest

from lstm_core.lessons.l01_switches import (
    gate_curve,
    gate_state,
    gated_signal,
    logit,
    pre_activation,
    signal_wave,
    switch_point,
)

from helpers.reference import sig


@pytest.mark.parametrize("w, b", [(1.0, 0.0), (2.0, -1.0), (-3.5, 0.25), (0.0, 4.0), (5.0, 5.0)])
def test_gate_curve_matches_hand_calculation(w, b):
    xs = np.linspace(-5.0, 5.0, 11)
    curve = gate_curve(w, b, xs)
    for n, x in enumerate(xs):
        z = w * float(x) + b
        assert curve["z"][n] == pytest.approx(z, abs=1e-12)
        assert curve["sigmoid"][n] == pytest.approx(sig(z), rel=1e-12, abs=1e-15)
        assert curve["tanh"][n] == pytest.approx(math.tanh(z), rel=1e-12, abs=1e-15)
    assert curve["z"].shape == curve["sigmoid"].shape == curve["tanh"].shape == xs.shape


def test_worked_values():
    # σ(2·0.5 - 1) = σ(0) = 1/2 exactly, tanh(0) = 0
    curve = gate_curve(2.0, -1.0, np.array([0.5]))
    assert curve["sigmoid"][0] == 0.5 and curve["tanh"][0] == 0.0
    # σ(1) = e / (1 + e)
    assert gate_curve(1.0, 0.0, 1.0)["sigmoid"] == pytest.approx(math.e / (1 + math.e), rel=1e-14)


def test_curves_stay_in_range_at_extremes():
    curve = gate_curve(5.0, 5.0, np.array([-1e3, -5.0, 0.0, 5.0, 1e3]))
    assert np.all((curve["sigmoid"] >= 0) & (curve["sigmoid"] <= 1))
    assert np.all((curve["tanh"] >= -1) & (curve["tanh"] <= 1))
    assert curve["sigmoid"][0] == 0.0 and curve["sigmoid"][-1] == 1.0


def test_pre_activation():
    assert pre_activation(2.0, -1.0, 3.0) == 5.0
    np.testing.assert_array_equal(pre_activation(-1.0, 0.5, [0.0, 1.0, 2.0]), [0.5, -0.5, -1.5])
    with pytest.raises(ValueError, match="w: expected one number"):
        pre_activation([1.0, 2.0], 0.0, 1.0)
    with pytest.raises(TypeError, match="b: expected numbers"):
        pre_activation(1.0, "zero", 1.0)


@pytest.mark.parametrize("p", [0.001, 0.1, 0.5, 0.9, 0.999])
def test_logit_inverts_sigmoid(p):
    z = logit(p)
    assert isinstance(z, float)
    assert z == pytest.approx(math.log(p / (1 - p)), rel=1e-12, abs=1e-15)
    assert sig(z) == pytest.approx(p, rel=1e-12)


def test_logit_of_an_array():
    ps = np.array([0.25, 0.5, 0.75])
    np.testing.assert_allclose(logit(ps), [math.log(1 / 3), 0.0, math.log(3)], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("p", [0.0, 1.0, -0.1, 1.5, [0.5, 1.0]])
def test_logit_rejects_values_outside_the_open_interval(p):
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        logit(p)


def test_logit_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        logit(float("nan"))


def test_gated_signal():
    signal = np.array([-1.0, -0.5, 0.0, 0.5, 1.0])
    np.testing.assert_array_equal(gated_signal(signal, 0.0), np.zeros(5))
    np.testing.assert_array_equal(gated_signal(signal, 1.0), signal)
    half = gated_signal(signal, sig(0.0))
    np.testing.assert_array_equal(half, [-0.5, -0.25, 0.0, 0.25, 0.5])
    gates = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_array_equal(gated_signal(signal, gates), [-0.0, -0.125, 0.0, 0.375, 1.0])


@pytest.mark.parametrize("gate", [-0.01, 1.01, [0.5, 2.0]])
def test_gated_signal_rejects_gates_outside_0_1(gate):
    with pytest.raises(ValueError, match="fraction in \\[0, 1\\]"):
        gated_signal([1.0, 1.0], gate)


def test_switch_point():
    assert switch_point(2.0, -1.0) == 0.5
    assert switch_point(-4.0, 2.0) == 0.5
    assert switch_point(0.0, 3.0) is None
    w, b = 1.7, -0.6
    x_star = switch_point(w, b)
    assert sig(w * x_star + b) == pytest.approx(0.5, abs=1e-15)


def test_signal_wave():
    ts = np.array([0.0, 0.125, 0.25, 0.5])
    wave = signal_wave(ts, amplitude=0.8, periods=1.0)
    expected = [0.8 * math.sin(2 * math.pi * t) for t in ts]
    np.testing.assert_allclose(wave, expected, atol=1e-15)
    assert np.abs(signal_wave(np.linspace(0, 1, 101), amplitude=0.5)).max() <= 0.5


@pytest.mark.parametrize("g, words", [(0.0, "closed"), (0.0999, "closed"), (0.1, "partly open"), (0.46, "half open"),
                                      (0.5, "half open"), (0.54, "half open"), (0.7, "partly open"), (0.95, "open"),
                                      (1.0, "open")])
def test_gate_state(g, words):
    assert gate_state(g) == words


def test_gate_state_rejects_non_fractions():
    with pytest.raises(ValueError, match="fraction"):
        gate_state(1.2)
