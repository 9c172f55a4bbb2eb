"""lstm_core.rnn: the tanh RNN against a loop written here, its BPTT against central differences."""

import numpy as np
import pytest

from lstm_core import LSTMParams
from lstm_core.rnn import RNNParams, rnn_backward, rnn_forward

from helpers.fd import assert_gradient_close, central_difference


def rnn(D=2, H=3, O=None, seed=0):
    rng = np.random.default_rng(seed)
    readout = {} if O is None else {"W_y": rng.normal(size=(O, H)), "b_y": rng.normal(size=O)}
    return RNNParams(W_x=rng.normal(size=(H, D)), W_h=0.6 * rng.normal(size=(H, H)), b=rng.normal(size=H), **readout)


def loop(W_x, W_h, b, xs, h0):
    """h_t = tanh(W_x x_t + W_h h_{t-1} + b), one sequence, the plain way."""
    h, out = h0, []
    for x in xs:
        h = np.tanh(W_x @ x + W_h @ h + b)
        out.append(h)
    return np.array(out)


# --- forward ------------------------------------------------------------------------


def test_one_step_by_hand():
    # h_1 = tanh(2 * 0.5 + 0 + (-1)) = tanh(0) = 0;  h_2 = tanh(2 * 1 + 3 * 0 - 1) = tanh(1)
    params = RNNParams(W_x=[[2.0]], W_h=[[3.0]], b=[-1.0])
    trace = rnn_forward(params, [0.5, 1.0])
    np.testing.assert_allclose(trace.h[:, 0], [0.0, np.tanh(1.0)], rtol=0, atol=1e-15)


def test_forward_matches_a_loop_for_one_sequence():
    rng = np.random.default_rng(1)
    params = rnn(D=2, H=3, O=2)
    xs, h0 = rng.normal(size=(5, 2)), rng.normal(size=3)
    trace = rnn_forward(params, xs, h0=h0)
    want = loop(params.W_x, params.W_h, params.b, xs, h0)
    np.testing.assert_allclose(trace.h, want, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(trace.y, want @ params.W_y.T + params.b_y, rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(trace.prediction, trace.y[-1])
    np.testing.assert_array_equal(trace.initial_h, h0)
    assert trace.T == 5 and trace.h.shape == (5, 3)


def test_forward_matches_a_loop_for_each_sequence_of_a_batch():
    rng = np.random.default_rng(2)
    params = rnn(D=2, H=3)
    xs, h0 = rng.normal(size=(4, 3, 2)), rng.normal(size=(3, 3))
    trace = rnn_forward(params, xs, h0=h0)
    assert trace.h.shape == (4, 3, 3) and trace.y is None
    for n in range(3):
        want = loop(params.W_x, params.W_h, params.b, xs[:, n], h0[n])
        np.testing.assert_allclose(trace.h[:, n], want, rtol=1e-13, atol=1e-15)


def test_scalar_inputs_and_zero_h0():
    params = rnn(D=1, H=2)
    trace = rnn_forward(params, [1.0, 2.0, 3.0])
    want = loop(params.W_x, params.W_h, params.b, np.array([[1.0], [2.0], [3.0]]), np.zeros(2))
    np.testing.assert_allclose(trace.h, want, rtol=1e-13, atol=1e-15)


# --- backward -------------------------------------------------------------------------


EPS = 1e-5


def assert_relative(analytic, numeric, rtol=1e-6):
    assert np.max(np.abs(numeric)) > 1e-6  # a gradient that is all zero would check nothing
    assert_gradient_close(analytic, numeric, "gradient", rtol)


@pytest.mark.parametrize("batched", [False, True], ids=["one sequence", "batch of 2"])
def test_backward_matches_central_differences(batched):
    rng = np.random.default_rng(5)
    params = rnn(D=2, H=3, O=1)
    shape = (6, 2, 2) if batched else (6, 2)
    xs = rng.normal(size=shape)
    h0 = rng.normal(size=shape[1:-1] + (3,))
    R = rng.normal(size=shape[:-1] + (3,))  # L = Σ R * h, so dL/dh_t = R_t

    def L():
        return float(np.sum(R * rnn_forward(params, xs, h0=h0).h))

    grads, dxs, dh0 = rnn_backward(params, rnn_forward(params, xs, h0=h0), R)
    for name in ("W_x", "W_h", "b"):
        assert_relative(getattr(grads, name), central_difference(L, getattr(params, name), EPS))
    np.testing.assert_array_equal(grads.W_y, 0.0)  # the readout is not on the path of dh
    assert_relative(dxs, central_difference(L, xs, EPS))
    assert_relative(dh0, central_difference(L, h0, EPS))


def test_return_dh_is_the_total_gradient_at_each_step():
    # dL/dh_t (total) = R_t + d/dh_t of Σ_{s > t} R_s h_s, and the second term is the
    # gradient with respect to h0 of the tail xs[t+1:] started from h_t.
    rng = np.random.default_rng(6)
    params = rnn(D=1, H=3)
    xs, R = rng.normal(size=(6, 1)), rng.normal(size=(6, 3))
    trace = rnn_forward(params, xs)
    *_, dh = rnn_backward(params, trace, R, return_dh=True)
    assert dh.shape == (6, 3)
    np.testing.assert_array_equal(dh[-1], R[-1])
    for t in (0, 2, 4):
        start = trace.h[t].copy()
        tail = central_difference(
            lambda: float(np.sum(R[t + 1 :] * rnn_forward(params, xs[t + 1 :], h0=start).h)), start, EPS
        )
        assert_relative(dh[t], R[t] + tail)


# --- params and bad input --------------------------------------------------------------


def test_params_helpers():
    params = RNNParams.random(2, 3, 1, seed=4)
    assert (params.input_size, params.hidden_size, params.output_size) == (2, 3, 1)
    assert np.all(np.abs(params.W_h) <= 1 / np.sqrt(3))
    again = RNNParams.random(2, 3, 1, seed=4)
    for n, a in params.arrays().items():
        np.testing.assert_array_equal(a, again.arrays()[n])
    copy = params.copy()
    copy.W_h[0, 0] += 1.0
    assert copy.W_h[0, 0] != params.W_h[0, 0]
    assert all(np.all(a == 0) for a in params.zeros_like().arrays().values())
    assert set(RNNParams.random(1, 2).arrays()) == {"W_x", "W_h", "b"}


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(W_x=np.ones((3, 1)), W_h=np.ones((3, 2)), b=np.ones(3)), ValueError, "W_h: expected a square"),
        (dict(W_x=np.ones((2, 1)), W_h=np.ones((3, 3)), b=np.ones(3)), ValueError, "W_x: expected shape"),
        (dict(W_x=np.ones((3, 1)), W_h=np.ones((3, 3)), b=np.ones(2)), ValueError, "b: expected shape"),
        (dict(W_x=np.ones((3, 0)), W_h=np.ones((3, 3)), b=np.ones(3)), ValueError, "W_x"),
        (dict(W_x=np.ones((3, 1)), W_h=np.ones((3, 3)), b=np.ones(3), W_y=np.ones((1, 2))), ValueError, "W_y"),
        (dict(W_x=np.ones((3, 1)), W_h=np.ones((3, 3)), b=np.ones(3), b_y=[1.0]), ValueError, "b_y"),
        (dict(W_x="weights", W_h=np.ones((3, 3)), b=np.ones(3)), TypeError, "W_x"),
        (dict(W_x=np.ones((3, 1)), W_h=np.full((3, 3), np.nan), b=np.ones(3)), ValueError, "W_h: contains NaN"),
    ],
)
def test_bad_params_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        RNNParams(**kwargs)


def test_bad_inputs_are_refused():
    params = rnn(D=2, H=3)
    with pytest.raises(ValueError, match="xs: expected shape"):
        rnn_forward(params, np.ones((4, 3)))  # D = 3, not 2
    with pytest.raises(ValueError, match="empty"):
        rnn_forward(params, np.ones((0, 2)))
    with pytest.raises(ValueError, match="h0: expected shape"):
        rnn_forward(params, np.ones((4, 2)), h0=np.ones(2))
    with pytest.raises(TypeError, match="xs"):
        rnn_forward(params, [["a", "b"]])
    with pytest.raises(TypeError, match="RNNParams"):
        rnn_forward(LSTMParams.random(2, 3), np.ones((4, 2)))
    trace = rnn_forward(params, np.ones((4, 2)))
    with pytest.raises(ValueError, match="dh: expected shape"):
        rnn_backward(params, trace, np.ones((4, 2)))
    with pytest.raises(TypeError):
        RNNParams.random(1, 2.5)
