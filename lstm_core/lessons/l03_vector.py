"""Lesson 03's math and questions: the vector worked example (H = 2). Answers come from running it.

Notation
--------
W_y : (1, H)   the readout weights, b_y : (1,) its bias, y = W_y h_3 + b_y
Every h lies in (−1, 1) (h = o · tanh(c), with o in (0, 1)), so whatever the gate weights do

    |y| <= Σ_u |W_y[u]| + |b_y|        (readout_bound)
"""

import numpy as np

from ..examples import EXPECTED_NEXT, vector_example
from ..params import LSTMParams
from ..sequence import forward
from .questions import Question


def readout_bound(params):
    """Σ|W_y| + |b_y|: no h in (−1, 1)^H can take |W_y h + b_y| beyond it (one output)."""
    return float(np.sum(np.abs(params.W_y)) + np.sum(np.abs(params.b_y)))


def prediction_after(change, params=None, xs=None):
    """The prediction for the example's inputs after ``change`` to a copy of its weights.

    ``change`` is one of "forget" (every b_f set to 10: f ≈ 1, c grows), "output" (every b_o set to 10: o ≈ 1)
    or "readout" (W_y and b_y multiplied by 6).
    """
    if params is None:
        params, xs = vector_example()
    p = params.copy()
    if change == "forget":
        p.gate("f")[2][:] = 10.0
    elif change == "output":
        p.gate("o")[2][:] = 10.0
    elif change == "readout":
        p.W_y *= 6.0
        p.b_y *= 6.0
    else:
        raise ValueError(f"change: expected 'forget', 'output' or 'readout', got {change!r}")
    return float(forward(p, xs).prediction[0])


def forget_rows_with_recurrent_weight(weight=3.0, unit=0, source=1):
    """Unit ``unit``'s forget gate at steps 1..3 with W_hf[unit, source] = ``weight``, beside the example's."""
    params, xs = vector_example()
    changed = params.copy()
    changed.gate("f")[1][unit, source] = weight
    return forward(params, xs).f[:, unit].copy(), forward(changed, xs).f[:, unit].copy()


# Questions ------------------------------------------------------------------------------------------------------------

LIFT = ("raise every forget bias b_f, so c grows larger", "open every output gate fully (large b_o)",
        "change the readout W_y, b_y")
STEPS_CHANGED = ("all three: f_1, f_2 and f_3", "only f_2 and f_3", "none of them")


def lift_choice(target=EXPECTED_NEXT):
    """Which of LIFT brings the prediction to ``target`` or beyond, measured."""
    reach = [c for c, k in zip(LIFT, ("forget", "output", "readout")) if prediction_after(k) >= target]
    return reach[0] if len(reach) == 1 else None


def steps_changed_choice():
    """Which of STEPS_CHANGED describes unit 1's forget gates when W_hf[1, 2] = 3, measured."""
    before, after = forget_rows_with_recurrent_weight()
    changed = ~np.isclose(before, after, rtol=0, atol=1e-12)
    if changed.all():
        return STEPS_CHANGED[0]
    if not changed[0] and changed[1:].all():
        return STEPS_CHANGED[1]
    if not changed.any():
        return STEPS_CHANGED[2]
    return None


def questions():
    params, xs = vector_example()
    trace = forward(params, xs)
    count = sum(a.size for a in params.arrays().values())
    bigger = LSTMParams.random(params.input_size, params.hidden_size + 1, output_size=params.output_size)
    bigger_count = sum(a.size for a in bigger.arrays().values())
    bound = readout_bound(params)
    W_y, b_y = params.W_y[0], params.b_y[0]
    before, after = forget_rows_with_recurrent_weight()
    return [
        Question(
            key="n_params",
            prompt=(f"The vector example has H = {params.hidden_size} hidden units. How many numbers would the same "
                    f"network hold with H = {bigger.hidden_size} units, in W<sub>x</sub>, W<sub>h</sub>, b and the "
                    f"readout W<sub>y</sub>, b<sub>y</sub>? (still D = {bigger.input_size} input and "
                    f"{bigger.output_size} output)"),
            answer=float(bigger_count),
            tol=0.5,
            hint="W_x is (4H, D), W_h is (4H, H), b is (4H,), W_y is (1, H), b_y is (1,). Put in H = 3.",
            explanation=(" + ".join(f"{n} {a.shape} = {a.size}" for n, a in bigger.arrays().items())
                         + f" = {bigger_count}, against {count} for H = {params.hidden_size}: W_h grows with H², "
                         "the other arrays with H."),
            # the printed shapes of an H = 3 network would leave only an addition
            tells=(f"{bigger.W_h.shape}",),
        ),
        Question(
            key="step1_same",
            prompt=("Predict before you drag: set W<sub>hf</sub>[1,2] = 3, so unit 1's forget gate listens to unit "
                    "2's previous hidden state. Which of unit 1's forget gates f<sub>1</sub>, f<sub>2</sub>, "
                    "f<sub>3</sub> change?"),
            answer=steps_changed_choice(),
            choices=STEPS_CHANGED,
            kind="explain",
            feedback=(
                (STEPS_CHANGED[0], "At step 1 the recurrent weight multiplies h_0 = 0, so it adds nothing there."),
                (STEPS_CHANGED[2], "From step 2 on, h_1[2] is not 0, so W_hf[1,2]·h_{t−1}[2] changes what "
                                   "unit 1's forget gate sums."),
            ),
            hint="f_t[1] = σ(W_xf[1,1] x_t + W_hf[1,1] h_{t−1}[1] + W_hf[1,2] h_{t−1}[2] + b_f[1]). What is h_0?",
            explanation=("Unit 1's f before: " + ", ".join(f"{v:.4f}" for v in before) + "; after: "
                         + ", ".join(f"{v:.4f}" for v in after)
                         + ". Units of one layer see each other only through h_{t−1}, and h_0 = 0."),
        ),
        Question(
            key="bound",
            prompt=(f"The readout is y = W<sub>y</sub> h<sub>3</sub> + b<sub>y</sub> with W<sub>y</sub> = "
                    f"[{W_y[0]:g}, {W_y[1]:g}] and b<sub>y</sub> = {b_y:g}, and every entry of h lies in (−1, 1). "
                    "What is the largest prediction any gate weights could ever give? (2 decimals)"),
            answer=bound,
            hint="Make each term of W_y[1]·h[1] + W_y[2]·h[2] + b_y as large as it can be, with |h[u]| < 1.",
            explanation=(f"|y| ≤ |{W_y[0]:g}| + |{W_y[1]:g}| + |{b_y:g}| = {bound:.2f}, whatever the gates do. The "
                         f"example predicts {trace.prediction[0]:.4f}."),
        ),
        Question(
            key="lift",
            prompt=f"Then which change could bring the prediction for 1, 2, 3 up to {EXPECTED_NEXT}?",
            answer=lift_choice(),
            choices=LIFT,
            kind="predict",
            feedback=(
                (LIFT[0], "A larger c only pushes tanh(c) toward 1: h stays below 1, so y stays within the bound."),
                (LIFT[1], "With o = 1, h = tanh(c), still below 1: y stays within the bound."),
            ),
            hint="The bound Σ|W_y| + |b_y| does not contain a single gate weight.",
            explanation=(f"With every b_f = 10 the prediction is {prediction_after('forget'):.4f}, with every "
                         f"b_o = 10 it is {prediction_after('output'):.4f}; with the readout six times larger it "
                         f"is {prediction_after('readout'):.4f}. The bound holds no gate weight, so no gate "
                         "setting can lift the prediction past it: only the readout can."),
            tells=("no change of the gates could fix", "only the readout can", "only a larger readout",
                   "no gate setting could fix", "no gate setting can"),
        ),
    ]
