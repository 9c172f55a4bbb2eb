"""Lesson 01's questions: gates are soft switches. Answers come from lstm_core.switch."""

import numpy as np

from ..cell import sigmoid
from ..switch import gate_curve, gated_signal, logit
from . import Question

SQUASHES = {"σ (sigmoid)": "sigmoid", "tanh": "tanh"}


def can_go_negative():
    """Which of σ and tanh reach below 0 over z in [-10, 10]: the one a candidate uses to subtract."""
    curve = gate_curve(1.0, 0.0, np.linspace(-10.0, 10.0, 201))
    below = [name for name, key in SQUASHES.items() if curve[key].min() < 0.0]
    if len(below) != 1:
        raise RuntimeError(f"expected exactly one squash to go below 0, got {below}")
    return below[0]


def questions():
    w, b, x = 2.0, -1.0, 1.5
    gate = float(gate_curve(w, b, x)["sigmoid"])
    p_open = 0.9
    bias = logit(p_open)
    z_i, g = 1.0, 0.8
    i = float(sigmoid(z_i))
    passed = float(gated_signal(g, i))
    negative = can_go_negative()
    return [
        Question(
            key="sigma",
            prompt=f"With w = {w:g}, b = {b:g} and x = {x:g}: what is the gate σ(w·x + b)? (4 decimals)",
            answer=gate,
            hint="First z = w·x + b, then σ(z) = 1 / (1 + e^(-z)). Set the three sliders and read the table.",
            explanation=f"z = {w:g}·{x:g} + ({b:g}) = {w * x + b:g}, and σ({w * x + b:g}) = {gate:.4f}.",
        ),
        Question(
            key="bias90",
            prompt=(f"A gate with w = 0 ignores its input: it is σ(b) at every x. Which bias b makes it "
                    f"{100 * p_open:.0f}% open? (2 decimals)"),
            answer=bias,
            tol=0.01,
            hint="Undo σ: if σ(b) = p then b = ln(p / (1 - p)). Or drag b with w = 0 until σ shows 0.9.",
            explanation=f"b = ln({p_open:g} / {1 - p_open:g}) = {bias:.4f}; check: σ({bias:.4f}) = "
            f"{float(sigmoid(bias)):.4f}.",
        ),
        Question(
            key="passes",
            prompt=(f"An input gate has pre-activation z<sub>i</sub> = {z_i:g} and the candidate is "
                    f"g = {g:g}. How much is written into the cell state, i·g? (4 decimals)"),
            answer=passed,
            hint="First the gate i = σ(z_i), then multiply: the gate is the fraction of g that gets through.",
            explanation=f"i = σ({z_i:g}) = {i:.4f}, and {i:.4f} · {g:g} = {passed:.4f}.",
        ),
        Question(
            key="negative",
            prompt=("The candidate must be able to <i>lower</i> the cell state, so it needs negative values. "
                    "Which squash can give them?"),
            answer=negative,
            choices=tuple(SQUASHES),
            hint="Compare the two panels of the first explorer: which curve goes below the 0 line?",
            explanation=("tanh spans -1..1, a signed amount to write; σ spans 0..1, a fraction, which is "
                         "what a gate needs."),
        ),
    ]
