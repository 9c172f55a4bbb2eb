"""lstm_core.lessons.l05_gradients: gradient norms by lag, checked against finite differences and against the lesson's claims."""

import numpy as np
import pytest

from lstm_core import forward
from lstm_core.lessons.l05_gradients import (
    cell_carry,
    flow_inputs,
    lstm_for_flow,
    lstm_gradient_by_lag,
    rnn_for_flow,
    rnn_gradient_by_lag,
)
from lstm_core.rnn import rnn_forward

from helpers.fd import central_difference

EPS = 1e-5


def last_sum(trace):
    """L = Σ h_T, the scalar the flow functions differentiate."""
    return float(np.sum(trace.h[-1]))


# --- the lesson's claims -------------------------------------------------------------------


def test_forget_bias_decides_how_far_the_lstm_gradient_reaches():
    xs = flow_inputs(40, seed=0)
    keep = lstm_gradient_by_lag(lstm_for_flow(8, forget_bias=3.0, seed=0), xs)
    drop = lstm_gradient_by_lag(lstm_for_flow(8, forget_bias=-3.0, seed=0), xs)
    assert keep["dc"][30] >= 10 * drop["dc"][30]
    assert keep["dx"][30] >= 10 * drop["dx"][30]
    # at lag 0 the two are of the same order: the difference is made on the way back
    assert drop["dc"][0] > keep["dc"][0] / 10


def test_the_rnn_gradient_fades_with_the_lag_at_the_default_scale():
    flow = rnn_gradient_by_lag(rnn_for_flow(), flow_inputs(40, seed=0))
    assert flow["dh"][30] < flow["dh"][1] / 10
    assert flow["dx"][30] < flow["dx"][1] / 10


def test_lags_count_back_from_the_last_step():
    xs = flow_inputs(7, seed=2)
    for flow in (lstm_gradient_by_lag(lstm_for_flow(3), xs), rnn_gradient_by_lag(rnn_for_flow(3), xs)):
        np.testing.assert_array_equal(flow["lag"], np.arange(7))
        assert all(v.shape == (7,) for v in flow.values())


# --- cell_carry ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(9, 1), (9, 3, 1)], ids=["one sequence", "batch of 3"])
def test_cell_carry_is_the_running_product_of_the_forget_gates(shape):
    trace = forward(lstm_for_flow(4, forget_bias=2.0, seed=3), np.random.default_rng(0).normal(size=shape))
    carry = cell_carry(trace)
    assert carry.shape == trace.f.shape
    for t in range(trace.T):
        np.testing.assert_allclose(carry[t], np.prod(trace.f[: t + 1], axis=0), rtol=1e-14)
    assert np.all(np.diff(carry, axis=0) <= 0)  # every factor f_t is below 1


# --- finite differences -------------------------------------------------------------------


@pytest.fixture
def lstm_case():
    rng = np.random.default_rng(4)
    params = lstm_for_flow(4, forget_bias=1.0, scale=1.0, seed=1)
    return params, rng.normal(size=(12, 1)), 0.5 * rng.normal(size=4), 0.5 * rng.normal(size=4)


def test_dc_at_the_largest_lag_against_finite_differences_on_c0(lstm_case):
    # The largest lag, T - 1, is c_1 = f_1 c_0 + i_1 g_1. c_0 reaches L only through c_1, and
    # ∂c_1/∂c_0 = diag(f_1) (i_1, g_1 depend on h_0 and x_1, not on c_0), so
    # ∂L/∂c_0 = f_1 ∂L/∂c_1 elementwise, and ‖∂L/∂c_1‖ = ‖(∂L/∂c_0 by differences) / f_1‖.
    params, xs, h0, c0 = lstm_case
    numeric_dc0 = central_difference(lambda: last_sum(forward(params, xs, h0=h0, c0=c0)), c0, EPS)
    f_1 = forward(params, xs, h0=h0, c0=c0).f[0]
    flow = lstm_gradient_by_lag(params, xs, h0=h0, c0=c0)
    T = xs.shape[0]
    assert flow["dc"][T - 1] == pytest.approx(np.linalg.norm(numeric_dc0 / f_1), rel=1e-6)


def test_dc_at_a_middle_lag_against_finite_differences_on_the_tail(lstm_case):
    # The total ∂L/∂c_t: restart the forward pass at step t + 1 from (h_t, c_t), perturb c_t,
    # and let h_t = o_t tanh(c_t) follow it (o_t does not depend on c_t), so both paths count.
    params, xs, h0, c0 = lstm_case
    trace = forward(params, xs, h0=h0, c0=c0)
    flow = lstm_gradient_by_lag(params, xs, h0=h0, c0=c0)
    T = trace.T
    for t in (3, 7):  # 0-based step t holds c_{t+1}, at lag T - 1 - t
        c_t, o_t = trace.c[t].copy(), trace.o[t]
        tail = lambda: last_sum(forward(params, xs[t + 1 :], h0=o_t * np.tanh(c_t), c0=c_t))  # noqa: E731
        numeric = central_difference(tail, c_t, EPS)
        assert flow["dc"][T - 1 - t] == pytest.approx(np.linalg.norm(numeric), rel=1e-6)
    # lag 0: L = Σ o_T tanh(c_T), so ∂L/∂c_T = o_T (1 - tanh²(c_T)), by hand
    assert flow["dc"][0] == pytest.approx(np.linalg.norm(trace.o[-1] * (1 - np.tanh(trace.c[-1]) ** 2)), rel=1e-12)


def test_dx_against_finite_differences(lstm_case):
    params, xs, h0, c0 = lstm_case
    numeric = central_difference(lambda: last_sum(forward(params, xs, h0=h0, c0=c0)), xs, EPS)  # (T, 1)
    flow = lstm_gradient_by_lag(params, xs, h0=h0, c0=c0)
    np.testing.assert_allclose(flow["dx"], np.abs(numeric[::-1, 0]), rtol=1e-6, atol=1e-12)


def test_batched_norms_cover_the_whole_batch():
    rng = np.random.default_rng(8)
    params = lstm_for_flow(3, seed=2)
    xs = rng.normal(size=(6, 2, 1))
    both = lstm_gradient_by_lag(params, xs)
    # L sums over the batch and the sequences do not interact: the squared norms add up
    one = [lstm_gradient_by_lag(params, xs[:, n]) for n in range(2)]
    for key in ("dx", "dc"):
        np.testing.assert_allclose(both[key] ** 2, one[0][key] ** 2 + one[1][key] ** 2, rtol=1e-12)


def test_rnn_dh_and_dx_against_finite_differences():
    rng = np.random.default_rng(5)
    params = rnn_for_flow(4, scale=1.2, seed=3)
    xs, h0 = rng.normal(size=(10, 1)), 0.5 * rng.normal(size=4)
    flow = rnn_gradient_by_lag(params, xs, h0=h0)
    numeric_dx = central_difference(lambda: last_sum(rnn_forward(params, xs, h0=h0)), xs, EPS)
    np.testing.assert_allclose(flow["dx"], np.abs(numeric_dx[::-1, 0]), rtol=1e-6, atol=1e-12)
    # the largest lag is h_1; h_0 reaches L only through it, so compare with the tail from h_1
    trace = rnn_forward(params, xs, h0=h0)
    h_1 = trace.h[0].copy()
    numeric_dh1 = central_difference(lambda: last_sum(rnn_forward(params, xs[1:], h0=h_1)), h_1, EPS)
    assert flow["dh"][9] == pytest.approx(np.linalg.norm(numeric_dh1), rel=1e-6)
    assert flow["dh"][0] == pytest.approx(2.0)  # ∂(Σ h_T)/∂h_T = ones(4), norm √4


# --- setups and bad input ---------------------------------------------------------------


def test_lstm_for_flow_sets_only_the_forget_bias():
    params = lstm_for_flow(5, forget_bias=2.5, scale=0.7, seed=9)
    assert (params.input_size, params.hidden_size, params.has_readout) == (1, 5, False)
    np.testing.assert_array_equal(params.gate("f")[2], 2.5)
    for k in ("i", "g", "o"):
        np.testing.assert_array_equal(params.gate(k)[2], 0.0)
    again = lstm_for_flow(5, forget_bias=2.5, scale=0.7, seed=9)
    np.testing.assert_array_equal(params.W_h, again.W_h)
    half = lstm_for_flow(5, forget_bias=2.5, scale=0.35, seed=9)
    np.testing.assert_allclose(half.W_h, params.W_h / 2, rtol=1e-15)
    np.testing.assert_array_equal(lstm_for_flow(5, scale=0.0).W_x, 0.0)


def test_rnn_for_flow_scale():
    a, b = rnn_for_flow(6, scale=1.0, seed=4), rnn_for_flow(6, scale=3.0, seed=4)
    np.testing.assert_allclose(b.W_h, 3 * a.W_h, rtol=1e-15)
    np.testing.assert_array_equal(a.b, 0.0)


def test_bad_input():
    xs = flow_inputs(5)
    with pytest.raises(TypeError, match="LSTMParams"):
        lstm_gradient_by_lag(rnn_for_flow(3), xs)
    with pytest.raises(TypeError, match="RNNParams"):
        rnn_gradient_by_lag(lstm_for_flow(3), xs)
    with pytest.raises(ValueError, match="scale"):
        rnn_for_flow(3, scale=-1.0)
    with pytest.raises(TypeError, match="hidden_size"):
        lstm_for_flow(2.5)
    with pytest.raises(ValueError, match="xs: expected shape"):
        lstm_gradient_by_lag(lstm_for_flow(3), np.ones((5, 2)))
