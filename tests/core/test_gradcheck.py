"""lstm_core.gradcheck (lesson 05's live gradient check) against a finite-difference loop written here.

The loop below nudges one entry at a time and runs lstm_core.forward twice, with its own loss
sum(h * R); the table's numeric column must equal it, its analytic column must equal backward's
gradient at the same entry, and the two must agree. A deliberately wrong analytic value must not.
"""

import numpy as np
import pytest

from lstm_core import GATES, LSTMParams, backward, forward
from lstm_core.gradcheck import AGREEMENT, GradRow, gradient_check, relative_error, sample_indices

EPS = 1e-6


def make_case(seed=3, D=2, H=3, T=5, batch=None):
    rng = np.random.default_rng(seed)
    params = LSTMParams(W_x=rng.normal(0, 0.6, (4 * H, D)), W_h=rng.normal(0, 0.6, (4 * H, H)),
                        b=rng.normal(0, 0.5, 4 * H))
    lead = () if batch is None else (batch,)
    xs = rng.normal(0, 1, (T, *lead, D))
    h0 = rng.normal(0, 0.5, (*lead, H))
    c0 = rng.normal(0, 0.8, (*lead, H))
    R = rng.normal(0, 1, (T, *lead, H))
    return params, xs, h0, c0, R


def my_numeric(params, xs, h0, c0, R, name, index):
    """(L(θ + ε) - L(θ - ε)) / 2ε on fresh copies, L = Σ h R from forward."""

    def L(delta):
        p = params.copy()
        arrays = {"W_x": p.W_x, "W_h": p.W_h, "b": p.b, "xs": xs.copy(), "h0": h0.copy(), "c0": c0.copy()}
        arrays[name][index] += delta
        trace = forward(p, arrays["xs"], arrays["h0"], arrays["c0"])
        return float((trace.h * R).sum())

    return (L(EPS) - L(-EPS)) / (2 * EPS)


@pytest.mark.parametrize("seed, D, H, T, batch", [(3, 2, 3, 5, None), (7, 1, 1, 3, None), (11, 3, 2, 4, 2)])
def test_rows_match_an_independent_finite_difference_loop(seed, D, H, T, batch):
    params, xs, h0, c0, R = make_case(seed, D, H, T, batch)
    before = {n: a.copy() for n, a in params.arrays().items()}
    rows = gradient_check(params, xs, h0, c0, R, samples=2, seed=seed)
    grads, dxs, dh0, dc0 = backward(params, forward(params, xs, h0, c0), R)
    analytic = {"W_x": grads.W_x, "W_h": grads.W_h, "b": grads.b, "xs": dxs, "h0": dh0, "c0": dc0}
    assert {r.name for r in rows} == set(analytic)
    for row in rows:
        name, index, a, n, e = row  # rows unpack as the brief's 5-tuple
        want_n = my_numeric(params, xs, h0, c0, R, name, index)
        assert n == pytest.approx(want_n, rel=1e-9, abs=1e-12), row
        assert a == analytic[name][index], row
        assert abs(a - want_n) <= 1e-6 * max(1.0, abs(a)), row
        assert e == pytest.approx(abs(a - n) / max(abs(a), abs(n)), rel=1e-12), row
        assert row.agrees == (e < AGREEMENT)
        if name in ("W_x", "W_h", "b"):
            assert row.gate == GATES[index[0] // H]
        else:
            assert row.gate is None
    # nothing the caller passed was changed
    for n, a in params.arrays().items():
        np.testing.assert_array_equal(a, before[n])


def test_every_gate_block_is_sampled_and_entries_are_distinct():
    params, xs, h0, c0, R = make_case()
    rows = gradient_check(params, xs, h0, c0, R, samples=2)
    for name in ("W_x", "W_h", "b"):
        mine = [r for r in rows if r.name == name]
        assert len(mine) == 8 and len({r.index for r in mine}) == 8
        assert [r.gate for r in mine] == [g for g in GATES for _ in range(2)]
    for name in ("xs", "h0", "c0"):
        mine = [r for r in rows if r.name == name]
        assert len(mine) == 2 and len({r.index for r in mine}) == 2
    assert [r.name for r in rows] == [n for n in ("W_x", "W_h", "b", "xs", "h0", "c0")
                                      for _ in range(8 if n in ("W_x", "W_h", "b") else 2)]


def test_same_seed_same_rows_and_samples_capped_by_size():
    params, xs, h0, c0, R = make_case(7, 1, 1, 3)
    a = gradient_check(params, xs, h0, c0, R, seed=4)
    b = gradient_check(params, xs, h0, c0, R, seed=4)
    assert a == b
    rows = gradient_check(params, xs, h0, c0, R, samples=50)  # H = D = 1: one entry per gate block
    assert sum(r.name == "b" for r in rows) == 4 and sum(r.name == "xs" for r in rows) == 3
    assert sample_indices("b", (4,), 1, 5, np.random.default_rng(0)) == [(0,), (1,), (2,), (3,)]


def test_a_wrong_gradient_would_be_caught():
    """The table's verdict must be able to fail: a wrong analytic value gives e far above 1e-6."""
    params, xs, h0, c0, R = make_case()
    row = gradient_check(params, xs, h0, c0, R)[0]
    wrong = row.analytic * 1.01 + 1e-3
    assert relative_error(wrong, row.numeric) > 1e-3
    bad = GradRow(row.name, row.index, row.gate, wrong, row.numeric, relative_error(wrong, row.numeric))
    assert not bad.agrees


def test_relative_error_by_hand():
    assert relative_error(1.0, 1.0) == 0.0
    assert relative_error(0.0, 0.0) == 0.0
    assert relative_error(2.0, 1.0) == 0.5
    assert relative_error(-1e-3, 1e-3) == 2.0


@pytest.mark.parametrize("bad, match", [
    ({"R": np.zeros((5, 2))}, "R: expected the shape of h"),
    ({"eps": 0.0}, "eps: expected a positive step"),
    ({"samples": 0}, "samples: expected at least 1"),
])
def test_bad_input_gets_a_clear_message(bad, match):
    params, xs, h0, c0, R = make_case()
    kw = {"R": R, **bad}
    R_ = kw.pop("R")
    with pytest.raises(ValueError, match=match):
        gradient_check(params, xs, h0, c0, R_, **kw)


def test_params_must_be_an_lstm():
    _, xs, h0, c0, R = make_case()
    with pytest.raises(TypeError, match="LSTMParams"):
        gradient_check({"W_x": 1}, xs, h0, c0, R)
