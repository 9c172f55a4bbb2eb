"""Properties of the cell that hold for every input (hypothesis, 300 examples each)."""

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lstm_core import GATES, LSTMParams, backward, forward, sigmoid, step

from helpers.reference import sig_array

PROPERTY = settings(max_examples=300, deadline=None)


def assert_near(got, want, atol, what=""):
    """|got - want| <= atol elementwise, same shape (a lean assert_allclose(rtol=0): it runs thousands of times)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    err = np.abs(got - want)
    assert np.all(err <= atol), f"{what}: max error {err.max()!r} > {atol!r}"


def floats(bound):
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=64)


def fill(rng, shape, scale, corners):
    """Uniform in ±scale, or only the corners {-scale, 0, +scale} (saturated gates, exact zeros)."""
    if corners:
        return rng.choice(np.array([-scale, 0.0, scale]), size=shape)
    return rng.uniform(-scale, scale, size=shape)


@st.composite
def cases(draw, weight=3.0, value=3.0, max_T=5):
    """(params, xs, h0, c0, batched): D, H, T, B small; weights within ±weight, xs and c0 within ±value.

    Hypothesis draws the sizes, a seed, the scales and the style; numpy fills the arrays
    from the seed. (Drawing every element through hypothesis is many times slower, and
    the file has to stay within seconds.)
    """
    D = draw(st.integers(1, 3))
    H = draw(st.integers(1, 3))
    T = draw(st.integers(1, max_T))
    B = draw(st.integers(0, 3))  # 0: one unbatched sequence
    lead = (B,) if B else ()
    w_scale = draw(st.floats(0, weight))
    v_scale = draw(st.floats(0, value))
    corners = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    params = LSTMParams(
        W_x=fill(rng, (4 * H, D), w_scale, corners),
        W_h=fill(rng, (4 * H, H), w_scale, corners),
        b=fill(rng, (4 * H,), w_scale, corners),
    )
    xs = fill(rng, (T, *lead, D), v_scale, corners)
    h0 = fill(rng, (*lead, H), 1.0, corners)  # a real hidden state lies in [-1, 1]
    c0 = fill(rng, (*lead, H), v_scale, corners)
    return params, xs, h0, c0, bool(B)


@PROPERTY
@given(cases(weight=20.0, value=20.0))
def test_gates_and_states_stay_in_range(case):
    params, xs, h0, c0, _ = case
    trace = forward(params, xs, h0, c0)
    for k in ("i", "f", "o"):
        gate = getattr(trace, k)
        assert np.all((gate >= 0) & (gate <= 1)), k
    assert np.all((trace.g >= -1) & (trace.g <= 1))
    assert np.all(np.abs(trace.h) <= 1)
    # |c_t| <= f |c_{t-1}| + i |g| <= |c_{t-1}| + 1, from c_0 to c_1 onwards
    c_prev = np.concatenate([trace.initial_c[None], trace.c])[:-1]
    assert np.all(np.abs(trace.c) <= np.abs(c_prev) + 1)


@PROPERTY
@given(cases())
def test_looping_step_equals_forward(case):
    params, xs, h0, c0, _ = case
    trace = forward(params, xs, h0, c0)
    h, c = h0, c0
    for t in range(xs.shape[0]):
        h, c, gates = step(params, xs[t], h, c)
        assert_near(h, trace.h[t], 1e-12, "h")
        assert_near(c, trace.c[t], 1e-12 * max(1.0, np.abs(trace.c[t]).max()), "c")
        for k in GATES:
            assert_near(gates[k], getattr(trace, k)[t], 1e-12, k)
        assert np.array_equal(gates["h"], h) and np.array_equal(gates["c"], c)


@PROPERTY
@given(cases(), st.integers(2, 4), st.booleans())
def test_batch_equals_separate_runs(case, B, shared_state):
    """B sequences at once equal B runs; with ``shared_state`` the batch gets one (H,) h0 and c0 for all."""
    params, xs, h0, c0, batched = case
    # B sequences made from the drawn one by distinct changes, so they really differ
    if batched:
        xs, h0, c0 = xs[:, 0], h0[0], c0[0]
    scale = 1.0 + 0.25 * np.arange(B)
    xs_b = np.stack([xs * s for s in scale], axis=1)  # (T, B, D)
    if shared_state:
        h0_b, c0_b = np.tile(h0, (B, 1)), np.tile(c0, (B, 1))
        together = forward(params, xs_b, h0, c0)  # (H,) states, shared by the batch
    else:
        h0_b = np.stack([np.tanh(h0 - s) for s in scale])  # (B, H)
        c0_b = np.stack([c0 + s for s in scale])
        together = forward(params, xs_b, h0_b, c0_b)
    assert together.h.shape == (xs.shape[0], B, params.hidden_size)
    assert_near(together.initial_h, h0_b, 0.0, "initial_h")
    assert_near(together.initial_c, c0_b, 0.0, "initial_c")
    for n in range(B):
        alone = forward(params, xs_b[:, n], h0_b[n], c0_b[n])
        for q in ("i", "f", "g", "o", "h"):
            assert_near(getattr(together, q)[:, n], getattr(alone, q), 1e-12, q)
        assert_near(together.c[:, n], alone.c, 1e-12 * max(1.0, np.abs(alone.c).max()), "c")


@PROPERTY
@given(cases(max_T=1), st.integers(0, 2**32 - 1))
def test_torch_round_trip(case, seed):
    params = case[0]
    H, D = params.hidden_size, params.input_size
    # from_torch of to_torch output gives the same arrays
    back = LSTMParams.from_torch(**params.to_torch())
    for key in ("W_x", "W_h", "b"):
        np.testing.assert_array_equal(getattr(back, key), getattr(params, key), err_msg=key)
    # to_torch of from_torch(w_ih, w_hh, b_ih, zeros) gives back w_ih, w_hh, b_ih
    rng = np.random.default_rng(seed)
    w_ih = rng.normal(0, 10.0, (4 * H, D))
    w_hh = rng.normal(0, 10.0, (4 * H, H))
    b_ih = rng.normal(0, 10.0, 4 * H)
    out = LSTMParams.from_torch(w_ih, w_hh, b_ih, np.zeros(4 * H)).to_torch()
    np.testing.assert_array_equal(out["weight_ih"], w_ih)
    np.testing.assert_array_equal(out["weight_hh"], w_hh)
    np.testing.assert_array_equal(out["bias_ih"], b_ih)
    np.testing.assert_array_equal(out["bias_hh"], np.zeros(4 * H))


@PROPERTY
@given(cases(max_T=1))
def test_keras_round_trip(case):
    params = case[0]
    keras = params.to_keras()
    H, D = params.hidden_size, params.input_size
    assert keras["kernel"].shape == (D, 4 * H)
    assert keras["recurrent_kernel"].shape == (H, 4 * H)
    back = LSTMParams.from_keras(**keras)
    for key in ("W_x", "W_h", "b"):
        np.testing.assert_array_equal(getattr(back, key), getattr(params, key), err_msg=key)
    again = back.to_keras()
    for key in keras:
        np.testing.assert_array_equal(again[key], keras[key], err_msg=key)


@PROPERTY
@given(cases(weight=50.0, value=1000.0), st.integers(0, 2**32 - 1))
def test_extreme_weights_and_inputs_are_finite_and_quiet(case, seed):
    """Weights within ±50, inputs within ±1000: no warning, no overflow/invalid/divide error, finite results.

    Under ``np.errstate`` overflow, invalid and divide-by-zero raise; underflow is left at
    numpy's default (ignored): σ(-1000) is exactly 0 by design, which exp can only
    give by underflowing, and tiny gradient products round to zero the same way.
    """
    params, xs, h0, c0, batched = case
    rng = np.random.default_rng(seed)
    dh = rng.uniform(-1000, 1000, (xs.shape[0], *h0.shape))
    dc_last = rng.uniform(-1000, 1000, c0.shape)
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        trace = forward(params, xs, h0, c0)
        grads, dxs, dh0, dc0 = backward(params, trace, dh=dh, dc_last=dc_last)
    for q in ("i", "f", "g", "o", "c", "h"):
        assert np.all(np.isfinite(getattr(trace, q))), q
    for name, arr in grads.arrays().items():
        assert np.all(np.isfinite(arr)), name
    for name, arr in (("dxs", dxs), ("dh0", dh0), ("dc0", dc0)):
        assert np.all(np.isfinite(arr)), name


def test_sigmoid_limits_are_exact():
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        out = sigmoid(np.array([-1000.0, 1000.0, -1e308, 1e308]))
    np.testing.assert_array_equal(out, [0.0, 1.0, 0.0, 1.0])
    assert sigmoid(0.0) == 0.5


@PROPERTY
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=4), elements=floats(30.0)))
def test_sigmoid_matches_the_formula(z):
    got = sigmoid(z)
    want = sig_array(z)
    assert got.shape == z.shape
    # both forms are exp, add, divide: a few roundings of 1.1e-16 each apart at most
    np.testing.assert_allclose(got, want, rtol=2e-15, atol=0)
    # (bit for bit it is the formula over the correctly rounded exp, not over numpy's: tests/core/test_elementary.py)
    # symmetry σ(-z) = 1 - σ(z): e/d and 1 - 1/d share d = 1 + e; apart by at most
    # three roundings of values below 1, under 2.5e-16
    np.testing.assert_allclose(sigmoid(-z), 1.0 - got, rtol=0, atol=2.5e-16)
