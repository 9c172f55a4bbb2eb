"""lstm_core.lessons.l06_training: the least-squares readout against the closed form, the lesson's starting
weights, the change of the activations, and the step count of a run against a recorded run."""

import math

import numpy as np
import pytest

from lstm_core import LSTMParams, forward, loss_and_grads, train
from lstm_core.examples import EXPECTED_NEXT, SEQUENCE, scalar_example, vector_example
from lstm_core.lessons.l06_training import activation_change, counting_start, fit_readout, steps_until_within
from lstm_core.tasks import COUNT_TASK, COUNT_TRAINING, counting

from helpers.reference import sig


def scalar_h_T(xs):
    """The scalar worked example's h_T written out by hand (gates (W_x, W_h, b) per the worked example's text file)."""
    h = c = 0.0
    for x in xs:
        f = sig(0.5 * x + 0.1 * h)
        i = sig(0.6 * x + 0.2 * h)
        g = math.tanh(0.7 * x + 0.3 * h)
        o = sig(0.8 * x + 0.4 * h)
        c = f * c + i * g
        h = o * math.tanh(c)
    return h


def test_the_scalar_example_readout_is_the_closed_form_line_through_h_T():
    params, _ = scalar_example()
    xs, ys = counting(**COUNT_TASK)
    fitted = fit_readout(params, xs, ys)
    h = np.array([scalar_h_T(xs[:, b, 0]) for b in range(xs.shape[1])])  # (B,)
    y = ys[:, 0]
    slope = np.mean((h - h.mean()) * (y - y.mean())) / np.mean((h - h.mean()) ** 2)
    intercept = y.mean() - slope * h.mean()
    assert fitted.W_y.shape == (1, 1) and fitted.b_y.shape == (1,)
    assert fitted.W_y[0, 0] == pytest.approx(slope, rel=1e-9)
    assert fitted.b_y[0] == pytest.approx(intercept, rel=1e-9)
    # the prediction for 1, 2, 3 is that line at the worked example's own h_3
    prediction = forward(fitted, np.array(SEQUENCE, dtype=float)).prediction[0]
    assert prediction == pytest.approx(slope * scalar_h_T(SEQUENCE) + intercept, rel=1e-9)
    # over all sequences the line beats the hand-picked 4 h_T, but it trades 1, 2, 3 against the other seven
    # (lesson 06 says so): with steps 1 and 2, 1, 2, 3 -> 4 ends up farther from 4 than 4 h_3
    hand = np.mean((4.0 * h - y) ** 2)
    assert np.mean((slope * h + intercept - y) ** 2) < hand / 5
    assert abs(prediction - EXPECTED_NEXT) > abs(4.0 * scalar_h_T(SEQUENCE) - EXPECTED_NEXT)


def test_the_gates_are_kept_and_the_input_is_untouched():
    params, _ = scalar_example()
    before = {n: a.copy() for n, a in params.arrays().items()}
    fitted = fit_readout(params, *counting(**COUNT_TASK))
    for n in ("W_x", "W_h", "b"):
        np.testing.assert_array_equal(getattr(fitted, n), before[n])
        assert getattr(fitted, n) is not getattr(params, n)
    for n, a in params.arrays().items():
        np.testing.assert_array_equal(a, before[n])


def test_at_the_least_squares_readout_the_readout_gradient_vanishes():
    params, _ = vector_example()  # H = 2: three unknowns per output
    xs, ys = counting(**COUNT_TASK)
    fitted = fit_readout(params, xs, ys)
    _, grads, _ = loss_and_grads(fitted, xs, ys)
    np.testing.assert_allclose(grads.W_y, 0.0, atol=1e-10)
    np.testing.assert_allclose(grads.b_y, 0.0, atol=1e-10)
    # and the normal equations Aᵀ A Θ = Aᵀ Y, solved here directly
    h = forward(params, xs).h_all[-1]  # (B, H)
    A = np.hstack([h, np.ones((h.shape[0], 1))])
    theta = np.linalg.solve(A.T @ A, A.T @ ys)
    np.testing.assert_allclose(fitted.W_y, theta[:2].T, rtol=1e-8)
    np.testing.assert_allclose(fitted.b_y, theta[2], rtol=1e-8)


def test_several_outputs_and_params_without_a_readout():
    rng = np.random.default_rng(4)
    params = LSTMParams.random(2, 3, seed=1)  # no readout
    xs = rng.normal(size=(4, 10, 2))
    W_y, b_y = rng.normal(size=(2, 3)), rng.normal(size=2)
    ys = forward(params, xs).h_all[-1] @ W_y.T + b_y  # (B, 2): an exact linear readout exists
    fitted = fit_readout(params, xs, ys)
    np.testing.assert_allclose(fitted.W_y, W_y, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(fitted.b_y, b_y, rtol=1e-8, atol=1e-10)


def test_one_sequence_is_fitted_exactly_with_the_smallest_readout():
    params, xs = scalar_example()  # one sequence, two unknowns: many exact fits, lstsq picks the shortest
    fitted = fit_readout(params, xs, EXPECTED_NEXT)
    h = scalar_h_T(SEQUENCE)
    assert forward(fitted, xs).prediction[0] == pytest.approx(EXPECTED_NEXT, rel=1e-12)
    # min ‖(w, b)‖ subject to w h + b = 4 is (w, b) = 4 (h, 1) / (h² + 1)
    assert fitted.W_y[0, 0] == pytest.approx(4 * h / (h * h + 1), rel=1e-9)
    assert fitted.b_y[0] == pytest.approx(4 / (h * h + 1), rel=1e-9)


def test_fit_readout_rejects_bad_input():
    params, _ = scalar_example()
    xs, ys = counting(**COUNT_TASK)
    with pytest.raises(ValueError, match="ys"):
        fit_readout(params, xs, ys[:3])
    with pytest.raises(TypeError, match="params"):
        fit_readout("not params", xs, ys)


def test_counting_start():
    example = vector_example()[0]
    for name, arr in counting_start(2).arrays().items():
        np.testing.assert_array_equal(arr, example.arrays()[name])
    for H in (1, 3, 8):
        got, want = counting_start(H), LSTMParams.random(1, H, 1, seed=COUNT_TASK["seed"])
        assert got.hidden_size == H and got.output_size == 1
        for name, arr in got.arrays().items():
            np.testing.assert_array_equal(arr, want.arrays()[name])
    with pytest.raises(ValueError):
        counting_start(0)


def test_activation_change_by_hand():
    params, xs = vector_example()
    before = forward(params, xs)
    moved = params.copy()
    moved.gate("g")[2][:] += 1.0  # only the candidate's bias
    after = forward(moved, xs)
    change = activation_change(before, after)
    assert list(change) == ["i", "f", "g", "c", "o", "h"]
    for k in change:  # the mean over 3 steps x 2 units, as a plain loop
        total = sum(abs(after.at(t)[k][u] - before.at(t)[k][u]) for t in range(3) for u in range(2))
        assert change[k] == pytest.approx(total / 6, rel=1e-12), k
    # step 1 starts from h0 = 0, so i, f and o move only from step 2 on, g from step 1
    assert np.array_equal(after.i[0], before.i[0]) and change["i"] > 0
    assert after.g[0][0] == pytest.approx(math.tanh(0.5 * 1 + 0.3 + 1.0))  # Wc[0] = [0.5 | 0.3, 0.2], bc = 0.3
    assert change["g"] > max(change["i"], change["f"], change["o"])
    assert activation_change(before, before) == {k: 0.0 for k in change}
    with pytest.raises(ValueError):
        activation_change(before, forward(params, xs[:2]))


def test_steps_until_within_agrees_with_a_recorded_run():
    params, xs1 = vector_example()
    xs, ys = counting(**COUNT_TASK)
    predictions = []  # the prediction for 1, 2, 3 after k = 0, 1, 2, ... updates
    train(params, xs, ys, steps=120, lr=COUNT_TRAINING["lr"],
          callback=lambda k, loss, p: predictions.append(forward(p, xs1).prediction[0]))
    for tol in (1.0, 0.1):
        want = next(k for k, p in enumerate(predictions) if abs(p - 4.0) < tol)
        got = steps_until_within(params, xs, ys, xs1, 4.0, tol, steps=120, lr=COUNT_TRAINING["lr"])
        assert got == want
    # k updates reach it only after the last one: the count is the number of steps
    k = next(k for k, p in enumerate(predictions) if abs(p - 4.0) < 0.1)
    assert steps_until_within(params, xs, ys, xs1, 4.0, 0.1, steps=k, lr=COUNT_TRAINING["lr"]) == k
    assert steps_until_within(params, xs, ys, xs1, 4.0, 0.1, steps=k - 1, lr=COUNT_TRAINING["lr"]) is None


def test_the_counting_training_set_is_distinct_and_needs_more_than_the_last_input():
    """Issue 11: the old set held 1, 2, 3 four times and was x_3 + 1. Now 8 different sequences, and two of
    them end on the same number with different targets, so x_3 alone cannot give the answer."""
    xs, ys = counting(**COUNT_TASK)
    rows = [tuple(xs[:, b, 0]) for b in range(xs.shape[1])]
    assert len(set(rows)) == len(rows) == 8
    assert rows[0] == (1.0, 2.0, 3.0) and ys[0, 0] == 4.0
    by_last = {}
    for row, y in zip(rows, ys[:, 0]):
        by_last.setdefault(row[-1], set()).add(y)
    assert any(len(targets) > 1 for targets in by_last.values())
