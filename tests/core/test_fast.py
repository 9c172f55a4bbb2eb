"""The fast path (``forward(..., fast=True)``, ``backward(..., fast=True)``, lstm_core.fast) against the plain loops.

Bit for bit on both worked examples; within 1e-12 on random cases (BLAS may sum in another order); the fast
path refuses a variant it does not implement.
"""

import numpy as np
import pytest

from lstm_core import LSTMParams, VARIANTS, backward, forward
from lstm_core.examples import scalar_example, vector_example

from helpers.reference import QUANTITIES



@pytest.mark.parametrize("example", [scalar_example, vector_example], ids=["scalar", "vector"])
def test_the_worked_examples_agree_to_the_last_bits(example):
    # The fast path keeps numpy's own exp and tanh, which differ from the plain path's correctly rounded
    # ones (lstm_core/elementary.py) in the last bit: a few units of 1.1e-16 apart, never more. What is
    # printed comes from the plain path (tests/core/test_golden.py checks the digits).
    params, xs = example()[:2]
    plain, fast = forward(params, xs), forward(params, xs, fast=True)
    for k in QUANTITIES + ("y",):
        a, b = getattr(plain, k), getattr(fast, k)
        if a is None:
            assert b is None
            continue
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-15, err_msg=k)
    dh = np.ones_like(plain.h)
    for a, b in zip(backward(params, plain, dh)[1:], backward(params, fast, dh, fast=True)[1:]):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-15)
    ga, gb = backward(params, plain, dh)[0], backward(params, fast, dh, fast=True)[0]
    for name, arr in ga.arrays().items():
        np.testing.assert_allclose(getattr(gb, name), arr, rtol=0, atol=1e-15, err_msg=name)


CASES = [(1, 1, 3, None), (3, 2, 7, 3), (2, 5, 20, None), (4, 16, 40, 8), (1, 8, 200, 1)]


@pytest.mark.parametrize("D, H, T, B", CASES)
def test_random_cases_agree_to_1e_12(D, H, T, B):
    rng = np.random.default_rng(D * 100 + H)
    params = LSTMParams(W_x=rng.normal(0, 0.5, (4 * H, D)), W_h=rng.normal(0, 0.5, (4 * H, H)),
                        b=rng.uniform(-1, 1, 4 * H), W_y=rng.normal(size=(2, H)), b_y=rng.normal(size=2))
    lead = (T,) if B is None else (T, B)
    state = (H,) if B is None else (B, H)
    xs, h0, c0 = rng.normal(size=lead + (D,)), rng.normal(0, 0.5, state), rng.normal(0, 0.5, state)
    plain, fast = forward(params, xs, h0, c0), forward(params, xs, h0, c0, fast=True)
    for k in QUANTITIES + ("y",):
        np.testing.assert_allclose(getattr(fast, k), getattr(plain, k), rtol=0, atol=1e-12, err_msg=k)
    dh = rng.normal(size=plain.h.shape)
    dc_last = rng.normal(size=plain.c[-1].shape)
    slow_out = backward(params, plain, dh, dc_last=dc_last, return_dc=True)
    fast_out = backward(params, fast, dh, dc_last=dc_last, return_dc=True, fast=True)
    for name, arr in slow_out[0].arrays().items():
        np.testing.assert_allclose(getattr(fast_out[0], name), arr, rtol=1e-12, atol=1e-12, err_msg=name)
    for what, a, b in zip(("dxs", "dh0", "dc0", "dc"), slow_out[1:], fast_out[1:]):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12, err_msg=what)


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "vanilla"])
def test_the_fast_path_runs_the_vanilla_cell_only(variant):
    params, xs = vector_example()[:2]
    with pytest.raises(ValueError, match=f"fast=True: the fast path runs the vanilla cell only, not '{variant}'"):
        forward(params, xs, variant=variant, fast=True)
    trace = forward(params, xs, variant=variant)
    with pytest.raises(ValueError, match="fast path runs the vanilla cell only"):
        backward(params, trace, np.ones_like(trace.h), fast=True)
