"""explain.step_terms: every term the live equations print, checked by hand with math.exp and math.tanh.

For every step, hidden unit and (for a batch) sequence: each gate's pre-activation z is the hand sum
w_x·x + w_h·h_prev + b over the gate's own row of the stacked weights (row GATES.index(k)·H + unit),
its value is σ(z) or tanh(z), and c = f·c_prev + i·g, h = o·tanh(c) hold with the reported terms.
"""

import math

import numpy as np
import pytest

from lstm_core import LSTMParams, forward
from lstm_core.examples import scalar_example, vector_example
from lstm_core.lessons.l02_step import step_terms

from helpers.reference import sig

ORDER = "ifgo"  # PyTorch's stacking of the gate blocks
TOL = 1e-12


def check_terms(params, trace, t, unit, seq=None):
    terms = step_terms(params, trace, t, unit=unit) if seq is None else step_terms(params, trace, t, unit=unit, seq=seq)
    H = params.hidden_size
    pick = (lambda a: a) if seq is None else (lambda a: a[seq])
    x = pick(trace.x[t])
    h_prev = pick(trace.h[t - 1]) if t > 0 else pick(trace.initial_h)
    c_prev = pick(trace.c[t - 1]) if t > 0 else pick(trace.initial_c)
    assert terms["t"] == t
    np.testing.assert_array_equal(terms["x"], x)
    np.testing.assert_array_equal(terms["h_prev"], h_prev)
    np.testing.assert_array_equal(terms["c_prev"], c_prev)
    values = {}
    for n, k in enumerate(ORDER):
        term = terms[k]
        row = n * H + unit
        assert list(term["w_x"]) == list(params.W_x[row])
        assert list(term["w_h"]) == list(params.W_h[row])
        assert term["b"] == params.b[row]
        z = sum(float(w) * float(v) for w, v in zip(params.W_x[row], x))
        z += sum(float(w) * float(v) for w, v in zip(params.W_h[row], h_prev))
        z += float(params.b[row])
        assert abs(term["z"] - z) <= TOL * max(1.0, abs(z)), (k, t, unit)
        hand = math.tanh(term["z"]) if k == "g" else sig(term["z"])
        assert abs(term["value"] - hand) <= TOL, (k, t, unit)
        assert term["act"] == ("tanh" if k == "g" else "σ")
        assert term["value"] == float(pick(getattr(trace, k)[t])[unit])
        values[k] = term["value"]
    c, h = terms["c"], terms["h"]
    assert (c["f"], c["i"], c["g"]) == (values["f"], values["i"], values["g"])
    assert c["c_prev"] == float(c_prev[unit])
    assert abs(c["value"] - (c["f"] * c["c_prev"] + c["i"] * c["g"])) <= TOL
    assert h["o"] == values["o"]
    assert abs(h["tanh_c"] - math.tanh(c["value"])) <= TOL
    assert abs(h["value"] - h["o"] * math.tanh(c["value"])) <= TOL
    return terms


def test_scalar_example_every_step():
    params, xs = scalar_example()
    trace = forward(params, xs)
    for t in range(3):
        terms = check_terms(params, trace, t, unit=0)
        # the readout term, only for H = 1: y = W_y h + b_y
        assert terms["y"]["value"][0] == pytest.approx(4.0 * terms["h"]["value"], abs=TOL)
        assert list(terms["y"]["w_y"]) == [4.0] and list(terms["y"]["b_y"]) == [0.0]
    # the worked example's printed step 1, by hand: f_1 = σ(0.5·1 + 0.1·0 + 0)
    terms = step_terms(params, trace, 0)
    assert terms["f"]["z"] == 0.5 and f"{terms['f']['value']:.4f}" == "0.6225"
    assert f"{terms['c']['value']:.4f}" == "0.3902" and f"{terms['h']['value']:.4f}" == "0.2564"


def test_vector_example_every_step_and_unit():
    params, xs = vector_example()
    trace = forward(params, xs)
    for t in range(3):
        for unit in range(2):
            terms = check_terms(params, trace, t, unit)
            assert "y" not in terms  # the readout term is only given for H = 1
    # the worked example's Wf row 1 is [0.7 | 0.2, 0.3] with bf = 0.5: at step 1, z = 0.7·1 + 0.5 = 1.2
    terms = step_terms(params, trace, 0, unit=0)
    assert list(terms["f"]["w_x"]) == [0.7] and list(terms["f"]["w_h"]) == [0.2, 0.3] and terms["f"]["b"] == 0.5
    assert terms["f"]["z"] == pytest.approx(1.2, abs=TOL)
    assert f"{terms['f']['value']:.8f}" == "0.76852478"  # the worked example printed [0.76852478 0.73105858]


def test_random_batch_with_initial_states():
    rng = np.random.default_rng(11)
    T, B, D, H = 4, 3, 2, 3
    params = LSTMParams(W_x=rng.normal(size=(4 * H, D)), W_h=rng.normal(size=(4 * H, H)), b=rng.normal(size=4 * H),
                        W_y=rng.normal(size=(1, H)), b_y=rng.normal(size=1))
    xs = rng.normal(size=(T, B, D))
    h0 = rng.uniform(-0.9, 0.9, size=(B, H))  # non-zero, different for every sequence
    c0 = rng.normal(scale=2.0, size=(B, H))
    trace = forward(params, xs, h0=h0, c0=c0)
    assert trace.batched
    for t in range(T):
        for seq in range(B):
            for unit in range(H):
                check_terms(params, trace, t, unit, seq)
    # step 1 uses the given initial states, not zeros
    terms = step_terms(params, trace, 0, unit=1, seq=2)
    np.testing.assert_array_equal(terms["h_prev"], h0[2])
    assert terms["c"]["c_prev"] == c0[2, 1] != 0.0


def test_random_unbatched_with_initial_states():
    rng = np.random.default_rng(12)
    T, D, H = 5, 3, 2
    params = LSTMParams.random(D, H, seed=4)
    xs = rng.normal(size=(T, D))
    h0, c0 = rng.uniform(-1, 1, size=H), rng.normal(size=H)
    trace = forward(params, xs, h0=h0, c0=c0)
    for t in range(T):
        for unit in range(H):
            check_terms(params, trace, t, unit)
    np.testing.assert_array_equal(step_terms(params, trace, 0)["h_prev"], h0)


def test_terms_are_copies():
    """Changing the returned weights must not change the params (a renderer may format in place)."""
    params, xs = vector_example()
    trace = forward(params, xs)
    terms = step_terms(params, trace, 1, unit=1)
    before = params.W_x.copy(), params.W_h.copy()
    terms["i"]["w_x"][:] = 99.0
    terms["i"]["w_h"][:] = 99.0
    np.testing.assert_array_equal(params.W_x, before[0])
    np.testing.assert_array_equal(params.W_h, before[1])
