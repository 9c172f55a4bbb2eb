"""Every gradient of ``backward`` and ``readout_backward`` against central finite differences.

Loss: L = sum(h * R) + sum(c_T * S), i.e. ``backward(params, trace, dh=R, dc_last=S)``.
Finite difference: n = (L(θ + ε) - L(θ - ε)) / (2ε) with ε = 1e-6, in float64, one entry at a time,
for EVERY entry of W_x, W_h, b, xs, h0 and c0.

Criterion (elementwise): |a - n| <= 1e-6 * max(1, |a|, |n|), a the analytic gradient.
"""

import itertools

import numpy as np
import pytest

from lstm_core import LSTMParams, backward, forward
from lstm_core.readout import readout_backward

from helpers.fd import assert_gradient_close, central_difference

EPS = 1e-6
RTOL = 1e-6


def assert_close(analytic, numeric, what):
    assert_gradient_close(analytic, numeric, what, RTOL)


def assert_cell_gradients_close(loss, params, xs, h0, c0, grads, dxs, dh0, dc0):
    """W_x, W_h, b, xs, h0 and c0: each analytic gradient against central differences of ``loss()``."""
    for name in ("W_x", "W_h", "b"):
        assert_close(getattr(grads, name), central_difference(loss, getattr(params, name), EPS), name)
    assert_close(dxs, central_difference(loss, xs, EPS), "dxs")
    assert_close(dh0, central_difference(loss, h0, EPS), "dh0")
    assert_close(dc0, central_difference(loss, c0, EPS), "dc0")


def assert_backward_matches_finite_differences(params, xs, h0, c0, R, S):
    """L = sum(h * R) + sum(c_T * S): every gradient of ``backward(dh=R, dc_last=S)`` against central differences."""

    def loss():
        trace = forward(params, xs, h0, c0)
        return np.sum(trace.h * R) + np.sum(trace.c[-1] * S)

    trace = forward(params, xs, h0, c0)
    grads, dxs, dh0, dc0 = backward(params, trace, dh=R, dc_last=S)
    assert_cell_gradients_close(loss, params, xs, h0, c0, grads, dxs, dh0, dc0)


def make_case(seed, D, H, T, B):
    rng = np.random.default_rng(seed)
    params = LSTMParams(
        W_x=rng.normal(0, 0.7, (4 * H, D)),
        W_h=rng.normal(0, 0.7, (4 * H, H)),
        b=rng.normal(0, 0.5, 4 * H),
    )
    lead = () if B is None else (B,)
    xs = rng.normal(0, 1.0, (T, *lead, D))
    h0 = rng.normal(0, 0.5, (*lead, H))
    c0 = rng.normal(0, 0.8, (*lead, H))
    R = rng.normal(0, 1.0, (T, *lead, H))
    S = rng.normal(0, 1.0, (*lead, H))
    return params, xs, h0, c0, R, S


SIZES = list(itertools.product((1, 2), (1, 3), (1, 4), (None, 2)))  # D, H, T, B (None: unbatched)
SEEDS = (0, 1, 2)


def size_id(size):
    D, H, T, B = size
    return f"D{D}-H{H}-T{T}-" + ("unbatched" if B is None else f"B{B}")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_backward_matches_finite_differences(size, seed):
    D, H, T, B = size
    params, xs, h0, c0, R, S = make_case(1000 * seed + 17, D, H, T, B)
    assert_backward_matches_finite_differences(params, xs, h0, c0, R, S)


@pytest.mark.parametrize("size", [(2, 3, 4, None), (1, 3, 4, 2), (2, 1, 1, None)], ids=size_id)
def test_dc_last_alone_matches_finite_differences(size):
    """Only the sum(c_T * S) term (dh = 0), so a dropped or mis-shaped dc_last cannot hide behind R."""
    D, H, T, B = size
    params, xs, h0, c0, R, S = make_case(99, D, H, T, B)

    def loss():
        return np.sum(forward(params, xs, h0, c0).c[-1] * S)

    trace = forward(params, xs, h0, c0)
    grads, dxs, dh0, dc0 = backward(params, trace, dh=np.zeros_like(R), dc_last=S)
    assert np.any(grads.b != 0)
    assert_cell_gradients_close(loss, params, xs, h0, c0, grads, dxs, dh0, dc0)
    # dc_last adds to the dc_T of the loss: with only S, the last step's dc0 for T = 1 is S * f_1
    if T == 1:
        np.testing.assert_allclose(dc0, S * trace.f[0], rtol=0, atol=1e-15)


def test_backward_gives_zero_readout_gradients():
    params = LSTMParams.random(2, 3, output_size=2, seed=5)
    rng = np.random.default_rng(5)
    trace = forward(params, rng.normal(size=(4, 2)))
    grads, *_ = backward(params, trace, dh=rng.normal(size=(4, 3)))
    np.testing.assert_array_equal(grads.W_y, np.zeros((2, 3)))
    np.testing.assert_array_equal(grads.b_y, np.zeros(2))


# ------------------------------------------------------------------------------ readout


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("B", [None, 3])
def test_readout_backward_matches_finite_differences(B, seed):
    D, H, O, T = 2, 3, 2, 4
    rng = np.random.default_rng(500 + seed)
    params = LSTMParams(
        W_x=rng.normal(0, 0.7, (4 * H, D)),
        W_h=rng.normal(0, 0.7, (4 * H, H)),
        b=rng.normal(0, 0.5, 4 * H),
        W_y=rng.normal(0, 1.0, (O, H)),
        b_y=rng.normal(0, 1.0, O),
    )
    lead = () if B is None else (B,)
    xs = rng.normal(size=(T, *lead, D))
    h0 = rng.normal(0, 0.5, (*lead, H))
    c0 = rng.normal(0, 0.5, (*lead, H))
    Q = rng.normal(size=(T, *lead, O))  # L = sum(y * Q)

    def loss():
        return np.sum(forward(params, xs, h0, c0).y * Q)

    trace = forward(params, xs, h0, c0)
    dW_y, db_y, dh = readout_backward(params, trace, dy=Q)
    assert_close(dW_y, central_difference(loss, params.W_y, EPS), "dW_y")
    assert_close(db_y, central_difference(loss, params.b_y, EPS), "db_y")

    # dh against finite differences in h itself, through y_t = W_y h_t + b_y (the documented readout)
    h = trace.h.copy()
    assert_close(dh, central_difference(lambda: np.sum((h @ params.W_y.T + params.b_y) * Q), h, EPS), "dh")

    # and through the whole cell: readout_backward's dh fed to backward gives dL/dW_x, dL/dW_h, dL/db, dL/dxs
    grads, dxs, dh0, dc0 = backward(params, trace, dh=dh)
    assert_cell_gradients_close(loss, params, xs, h0, c0, grads, dxs, dh0, dc0)


# ------------------------------------------------------------------- big batches, long runs


@pytest.mark.parametrize("B, H, T", [(700, 3, 5), (228, 3, 7), (3, 2, 40)])
def test_batched_backward_equals_separate_backwards(B, H, T):
    """A batch's gradients are the sums (W_x, W_h, b) and stacks (dxs, dh0, dc0) of each sequence's.

    Large batches and a long run: whatever blocking of steps or batch the implementation uses,
    the batched result must agree with B small runs (each checked by finite differences above).
    Criterion: |batched - Σ separate| <= 1e-12 * max(1, Σ |separate|) for the summed weights,
    |batched - separate| <= 1e-12 * max(1, |separate|) for the per-sequence arrays.
    """
    D = 2
    params, xs, h0, c0, R, S = make_case(4242 + B, D, H, T, B)
    trace = forward(params, xs, h0, c0)
    grads, dxs, dh0, dc0 = backward(params, trace, dh=R, dc_last=S)
    total = {name: np.zeros_like(arr) for name, arr in grads.arrays().items()}
    magnitude = {name: np.zeros_like(arr) for name, arr in grads.arrays().items()}
    for n in range(B):
        tr = forward(params, xs[:, n], h0[n], c0[n])
        g, dx, dh, dc = backward(params, tr, dh=R[:, n], dc_last=S[n])
        for name, arr in g.arrays().items():
            total[name] += arr
            magnitude[name] += np.abs(arr)
        for got, want, what in ((dxs[:, n], dx, "dxs"), (dh0[n], dh, "dh0"), (dc0[n], dc, "dc0")):
            assert got.shape == want.shape, what
            assert np.all(np.abs(got - want) <= 1e-12 * np.maximum(1.0, np.abs(want))), (what, n)
    for name, arr in grads.arrays().items():
        err = np.abs(arr - total[name])
        assert np.all(err <= 1e-12 * np.maximum(1.0, magnitude[name])), (name, err.max())


def test_long_sequence_matches_finite_differences():
    """T = 60: every gradient still agrees with central differences (criterion as above)."""
    params, xs, h0, c0, R, S = make_case(7, 1, 2, 60, None)
    assert_backward_matches_finite_differences(params, xs, h0, c0, R, S)
