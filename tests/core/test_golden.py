"""The two worked examples the suite grew out of (shared/seeds, copied to tests/worked_examples).

Every reference number below is typed in from the worked examples' printed output (or, for the
scalar prediction, from the issue, which gives 4 * h_T of the scalar worked example at full precision),
or computed by hand in this file with ``math``. None comes from lstm_core.
"""

import math

import numpy as np
import pytest

from lstm_core import forward
from lstm_core.examples import scalar_example, vector_example

from helpers.reference import QUANTITIES, sig

# --- vector worked example: vector_lstm_worked_example.txt, "print_step_details" output -------------
# One row per time step (inputs 1, 2, 3); each value is [unit 0, unit 1] as numpy printed it.
VECTOR_PRINTED = {
    "f": [[0.76852478, 0.73105858], [0.87765278, 0.84187525], [0.94137211, 0.91405749]],
    "i": [[0.57444252, 0.57444252], [0.6440888, 0.6279862], [0.71288383, 0.6863722]],
    "g": [[0.66403677, 0.29131261], [0.88134737, 0.53216116], [0.9635139, 0.72085931]],
    "c": [[0.38145095, 0.16734235], [0.90244746, 0.47507125], [1.53641234, 0.92902023]],
    "o": [[0.57444252, 0.57444252], [0.6302085, 0.64584386], [0.69248825, 0.72109698]],
    "h": [[0.20907805, 0.09524119], [0.45216671, 0.28564878], [0.6312138, 0.52649942]],
}
VECTOR_PREDICTION = 0.6893280487995376  # "Final Prediction: 0.6893280487995376"
VECTOR_DIFFERENCE = 3.3106719512004625  # "Difference: 3.3106719512004625"

# --- scalar worked example: scalar_lstm_worked_example.txt, printed with 4 decimals -----------------
SCALAR_PRINTED = {
    "f": [0.6225, 0.7361, 0.8269],  # Forget Gate
    "i": [0.6457, 0.7775, 0.8730],  # Input Gate
    "g": [0.6044, 0.9009, 0.9798],  # Candidate Cell
    "c": [0.3902, 0.9877, 1.6721],  # Cell State
    "o": [0.6900, 0.8459, 0.9344],  # Output Gate
    "h": [0.2564, 0.6398, 0.8707],  # Hidden State
}
SCALAR_PRINTED_PREDICTION = 3.4827  # "Predicted Next Value: 3.4827"
SCALAR_PREDICTION = 3.482711142511621  # 4 * h_T of the seed, full precision (from the issue)





# ------------------------------------------------------------------------- vector worked example


@pytest.fixture(scope="module")
def vector_trace():
    return forward(*vector_example())


@pytest.mark.parametrize("q", QUANTITIES)
@pytest.mark.parametrize("t", range(3))
def test_vector_example_every_printed_value(vector_trace, q, t):
    # The worked example printed 8 significant digits, so rounding error is at most 5e-9 < 1e-8.
    got = getattr(vector_trace, q)[t]
    assert got.shape == (2,)
    np.testing.assert_allclose(got, VECTOR_PRINTED[q][t], rtol=0, atol=1e-8)


def test_vector_example_trace_shapes(vector_trace):
    assert vector_trace.T == 3
    for q in QUANTITIES:
        assert getattr(vector_trace, q).shape == (3, 2)
    np.testing.assert_array_equal(vector_trace.initial_h, [0.0, 0.0])
    np.testing.assert_array_equal(vector_trace.initial_c, [0.0, 0.0])


def test_vector_example_prediction(vector_trace):
    pred = vector_trace.prediction
    assert pred.shape == (1,)
    assert abs(pred[0] - VECTOR_PREDICTION) <= 1e-12
    assert abs(abs(pred[0] - 4) - VECTOR_DIFFERENCE) <= 1e-12


def test_vector_example_step_one_by_hand():
    """Step 1 of the vector worked example from its [x; h] formulas, written out with math (h0 = c0 = 0)."""
    x = 1.0
    # only the x column of each (H, D+H) matrix matters while h0 = 0
    f = [sig(0.7 * x + 0.5), sig(0.6 * x + 0.4)]
    i = [sig(0.2 * x + 0.1), sig(0.1 * x + 0.2)]
    g = [math.tanh(0.5 * x + 0.3), math.tanh(0.2 * x + 0.1)]
    o = [sig(0.1 * x + 0.2), sig(0.2 * x + 0.1)]
    c = [f[k] * 0.0 + i[k] * g[k] for k in range(2)]
    h = [o[k] * math.tanh(c[k]) for k in range(2)]
    by_hand = {"f": f, "i": i, "g": g, "c": c, "o": o, "h": h}
    # the hand calculation agrees with the worked example's printout ...
    for q in QUANTITIES:
        np.testing.assert_allclose(by_hand[q], VECTOR_PRINTED[q][0], rtol=0, atol=1e-8)
    # ... and with lstm_core to rounding error
    step1 = forward(*vector_example()).at(0)
    for q in QUANTITIES:
        np.testing.assert_allclose(step1[q], by_hand[q], rtol=0, atol=1e-15)


# ------------------------------------------------------------------------- scalar worked example


@pytest.fixture(scope="module")
def scalar_trace():
    return forward(*scalar_example())


@pytest.mark.parametrize("q", QUANTITIES)
def test_scalar_example_every_printed_value(scalar_trace, q):
    # 4 printed decimals: rounding error at most 5e-5.
    got = getattr(scalar_trace, q)
    assert got.shape == (3, 1)
    np.testing.assert_allclose(got[:, 0], SCALAR_PRINTED[q], rtol=0, atol=5e-5)


def test_scalar_example_prediction(scalar_trace):
    pred = scalar_trace.prediction
    assert pred.shape == (1,)
    assert abs(pred[0] - SCALAR_PREDICTION) <= 1e-12
    assert abs(pred[0] - SCALAR_PRINTED_PREDICTION) <= 5e-5
    # the worked example's readout is y = 4 h_T
    assert abs(pred[0] - 4 * scalar_trace.h[-1, 0]) <= 1e-15


def test_scalar_example_step_one_by_hand(scalar_trace):
    """Step 1 (x = 1, h0 = c0 = 0) of the scalar worked example, written out."""
    x, h0, c0 = 1.0, 0.0, 0.0
    f1 = 1.0 / (1.0 + math.exp(-(0.5 * x + 0.1 * h0 + 0)))
    i1 = 1.0 / (1.0 + math.exp(-(0.6 * x + 0.2 * h0 + 0)))
    g1 = math.tanh(0.7 * x + 0.3 * h0 + 0)
    o1 = 1.0 / (1.0 + math.exp(-(0.8 * x + 0.4 * h0 + 0)))
    c1 = f1 * c0 + i1 * g1
    h1 = o1 * math.tanh(c1)
    by_hand = {"f": f1, "i": i1, "g": g1, "c": c1, "o": o1, "h": h1}
    step1 = scalar_trace.at(0)
    for q, value in by_hand.items():
        # the hand values round to what the worked example printed ...
        assert abs(value - SCALAR_PRINTED[q][0]) <= 5e-5, q
        # ... and lstm_core agrees with them to rounding error
        assert abs(step1[q][0] - value) <= 1e-15, q


def test_scalar_example_all_steps_by_hand(scalar_trace):
    """The whole scalar worked example re-done with math: every step and 4 h_T."""
    w = {"f": (0.5, 0.1), "i": (0.6, 0.2), "g": (0.7, 0.3), "o": (0.8, 0.4)}  # (W_x, W_h), b = 0
    h, c = 0.0, 0.0
    for t, x in enumerate((1.0, 2.0, 3.0)):
        z = {k: wx * x + wh * h for k, (wx, wh) in w.items()}
        f, i, o = sig(z["f"]), sig(z["i"]), sig(z["o"])
        g = math.tanh(z["g"])
        c = f * c + i * g
        h = o * math.tanh(c)
        for q, value in {"f": f, "i": i, "g": g, "c": c, "o": o, "h": h}.items():
            assert abs(value - SCALAR_PRINTED[q][t]) <= 5e-5, (t, q)
            assert abs(getattr(scalar_trace, q)[t, 0] - value) <= 1e-14, (t, q)
    assert abs(4 * h - SCALAR_PREDICTION) <= 1e-12
