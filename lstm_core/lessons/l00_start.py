"""Lesson 00's questions: finding your way around the symbols. Answers come from lstm_core."""

import numpy as np

from ..cell import step
from ..gates import GATE_NAMES, GATES, SIGMOID_GATES
from ..params import LSTMParams
from .questions import Question


# Questions ------------------------------------------------------------------------------------------------------------

SHUT = 30.0  # a bias this large makes σ 0 or 1 to ten decimals


def gate_that_keeps_c():
    """Find by experiment which σ gate decides how much of c_{t-1} is kept: shut each σ gate in turn
    (the others open, the candidate g = 0 so nothing new is written) and see which one empties c."""
    emptied = []
    for closed in SIGMOID_GATES:
        b = np.array([0.0 if k == "g" else (-SHUT if k == closed else SHUT) for k in GATES])  # (4,)
        params = LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=b)
        _, c, _ = step(params, [0.0], h=[0.0], c=[1.0])
        if abs(c[0]) < 1e-6:
            emptied.append(closed)
    if len(emptied) != 1:
        raise RuntimeError(f"expected exactly one gate to empty c, got {emptied}")
    return emptied[0]


def order_choices():
    """GATES joined, and three other orders of the same letters (a swap at the front, one at the back, reversed)."""
    right = list(GATES)
    others = [right[1::-1] + right[2:], right[:2] + right[:1:-1], right[::-1]]
    return [", ".join(o) for o in [right] + others]


def questions():
    params = LSTMParams.random(1, 2)  # D = 1, H = 2
    sizes = {name: a.size for name, a in params.arrays().items()}  # W_x, W_h, b
    count = sum(sizes.values())
    H, D = params.hidden_size, params.input_size
    orders = order_choices()
    keeper = gate_that_keeps_c()
    return [
        Question(
            key="order",
            prompt=("W<sub>x</sub>, W<sub>h</sub> and b hold the four gate blocks one under the other. "
                    "In which order?"),
            answer=orders[0],
            choices=tuple(sorted(orders)),
            hint="Look at the W_x row of the notation table: it names the order, the same as PyTorch's.",
            explanation=f"GATES = {GATES}: " + ", ".join(f"{k} {GATE_NAMES[k]}" for k in GATES) + ".",
        ),
        Question(
            key="n_weights",
            prompt=(f"An LSTM with H = {H} hidden units and D = {D} input has W<sub>x</sub>, W<sub>h</sub> "
                    "and b. How many numbers do they hold together?"),
            answer=float(count),
            tol=0.5,
            hint="Shapes from the notation table: W_x is (4H, D), W_h is (4H, H), b is (4H,). Multiply, then add.",
            explanation=" + ".join(f"{n} {tuple(params.arrays()[n].shape)} = {s}" for n, s in sizes.items())
            + f"; {count} in all.",
        ),
        Question(
            key="keeps_c",
            prompt="Which one decides how much of the old cell state c<sub>t-1</sub> is kept?",
            answer=GATE_NAMES[keeper],
            choices=tuple(GATE_NAMES[k] for k in GATES),
            hint="c_t = f_t · c_{t-1} + i_t · g_t: which gate multiplies c_{t-1}?",
            explanation=(f"{keeper}, the {GATE_NAMES[keeper]}: shut it (σ near 0) and c_t forgets c_{{t-1}} "
                         "completely; shut any other gate and c_{t-1} is still carried along."),
        ),
    ]
