"""lstm_core.side_by_side: n models stacked block-diagonally give each model's own gradients, against running
each model alone on the plain path; the stacked weights laid out as the docstring's equations say."""

import re

import numpy as np
import pytest

from lstm_core import LSTMParams, RNNParams, backward, forward, rnn_backward, rnn_forward
from lstm_core import side_by_side


def lstms(n, D, H, seed=0):
    rng = np.random.default_rng(seed)
    return [LSTMParams(W_x=rng.normal(0, 0.6, (4 * H, D)), W_h=rng.normal(0, 0.6, (4 * H, H)),
                       b=rng.normal(0, 0.5, 4 * H)) for _ in range(n)]


def rnns(n, D, H, seed=0):
    rng = np.random.default_rng(seed)
    return [RNNParams(W_x=rng.normal(0, 0.6, (H, D)), W_h=rng.normal(0, 0.6, (H, H)), b=rng.normal(0, 0.5, H))
            for _ in range(n)]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "plain"])
@pytest.mark.parametrize("n, D, H, T", [(1, 1, 3, 4), (3, 2, 4, 9), (8, 1, 8, 50)])
def test_each_lstm_gets_its_own_gradients(n, D, H, T, fast):
    models = lstms(n, D, H, seed=n + H)
    rng = np.random.default_rng(1)
    xs = [rng.normal(size=(T, D)) for _ in range(n)]
    dh = [rng.normal(size=(T, H)) for _ in range(n)]
    each = side_by_side.lstm_backward_each(models, xs, dh, fast=fast)
    assert len(each) == n
    for m, x, g, got in zip(models, xs, dh, each):
        _, dxs, dh0, dc0, dc = backward(m, forward(m, x), g, return_dc=True)  # alone, plain path
        for a, b, what in zip(got, (dxs, dh0, dc0, dc), ("dxs", "dh0", "dc0", "dc")):
            assert a.shape == b.shape, what
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=what)


@pytest.mark.parametrize("n, D, H, T", [(1, 1, 2, 3), (4, 3, 5, 12), (8, 1, 8, 50)])
def test_each_rnn_gets_its_own_gradients(n, D, H, T):
    models = rnns(n, D, H, seed=H)
    rng = np.random.default_rng(2)
    xs = [rng.normal(size=(T, D)) for _ in range(n)]
    dh = [rng.normal(size=(T, H)) for _ in range(n)]
    for m, x, g, got in zip(models, xs, dh, side_by_side.rnn_backward_each(models, xs, dh)):
        _, dxs, dh0, dh_total = rnn_backward(m, rnn_forward(m, x), g, return_dh=True)
        for a, b, what in zip(got, (dxs, dh0, dh_total), ("dxs", "dh0", "dh")):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15, err_msg=what)


def test_the_stacked_lstm_is_laid_out_block_by_block():
    # n = 2 models, H = 1, D = 1: model d's gate k sits at row k·2 + d, reading input column d and unit d only
    a = LSTMParams(W_x=[[1.0], [2.0], [3.0], [4.0]], W_h=[[5.0], [6.0], [7.0], [8.0]], b=[0.1, 0.2, 0.3, 0.4])
    b = LSTMParams(W_x=[[-1.0], [-2.0], [-3.0], [-4.0]], W_h=[[-5.0], [-6.0], [-7.0], [-8.0]],
                   b=[-0.1, -0.2, -0.3, -0.4])
    big = side_by_side.stack([a, b])
    np.testing.assert_array_equal(big.W_x, [[1, 0], [0, -1], [2, 0], [0, -2], [3, 0], [0, -3], [4, 0], [0, -4]])
    np.testing.assert_array_equal(big.W_h, [[5, 0], [0, -5], [6, 0], [0, -6], [7, 0], [0, -7], [8, 0], [0, -8]])
    np.testing.assert_array_equal(big.b, [0.1, -0.1, 0.2, -0.2, 0.3, -0.3, 0.4, -0.4])


def test_the_stacked_forward_is_each_forward():
    # to rounding, not bit for bit: the stacked sums also add the zeros between the blocks, which regroups
    # numpy's pairwise summation
    models = lstms(3, 2, 4, seed=7)
    xs = [np.random.default_rng(d).normal(size=(6, 2)) for d in range(3)]
    trace = forward(side_by_side.stack(models), side_by_side.stack_inputs(xs, 2))  # plain path
    for d, (m, x) in enumerate(zip(models, xs)):
        alone = forward(m, x)
        for q in ("i", "f", "g", "o", "c", "h"):
            np.testing.assert_allclose(side_by_side.unstack(getattr(trace, q), 3)[d], getattr(alone, q), rtol=1e-13,
                                       atol=1e-15, err_msg=q)


def m(text):
    return re.escape(text)


@pytest.mark.parametrize("call, error, fragment", [
    (lambda: side_by_side.stack([]), ValueError, m("models: expected at least one model, got none")),
    (lambda: side_by_side.stack(lstms(1, 1, 2) + lstms(1, 1, 3)), ValueError,
     m("models: expected the same sizes for every model, H=2 and D=1, got H=3 and D=1")),
    (lambda: side_by_side.stack(lstms(1, 1, 2) + rnns(1, 1, 2)), TypeError,
     m("models: expected LSTMParams for every model, got RNNParams")),
    (lambda: side_by_side.stack([LSTMParams.random(1, 2, output_size=1)]), ValueError,
     m("models: side by side runs the recurrent layers only")),
    (lambda: side_by_side.lstm_backward_each(lstms(2, 1, 2), [np.zeros(5), np.zeros(4)], [np.zeros((5, 2))] * 2),
     ValueError, m("xs: expected one sequence (T, 1) per model, all of the same T, got shapes [(4, 1), (5, 1)]")),
])
def test_bad_input_is_refused_clearly(call, error, fragment):
    with pytest.raises(error, match=fragment) as info:
        call()
    assert type(info.value) is error
