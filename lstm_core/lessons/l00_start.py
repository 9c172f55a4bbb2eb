"""Lesson 00's questions: finding your way around the symbols. Answers come from lstm_core."""

import numpy as np

from ..cell import step
from ..params import LSTMParams
from .questions import Question


# Questions ------------------------------------------------------------------------------------------------------------

#: a bias far enough out that σ(±SATURATE) is 1 or 0 to about 1e-13
SATURATE = 30.0


def cell_over_steps(forget, input_, steps=5, c0=0.5, candidate=0.5):
    """c_0 .. c_steps of a one-unit cell whose forget and input gates are pinned open or shut (``forget``,
    ``input_`` each True = σ(+30) ≈ 1, False = σ(−30) ≈ 0) and whose candidate is g = tanh(z_g) with z_g chosen
    so that g = ``candidate`` at every step (no weights: nothing depends on x or h)."""
    b = np.array([SATURATE if input_ else -SATURATE, SATURATE if forget else -SATURATE,
                  float(np.arctanh(candidate)), 0.0])  # (4,) in GATES order i, f, g, o
    params = LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=b)
    h, c, out = np.zeros(1), np.array([c0]), [c0]
    for _ in range(steps):
        h, c, _ = step(params, [0.0], h=h, c=c)
        out.append(float(c[0]))
    return np.array(out)  # (steps + 1,)


#: the choices of "which setting throws the old memory away and keeps only the new candidate"
REPLACE = ("f = 0 and i = 1", "f = 1 and i = 0", "f = 1 and i = 1", "o = 0, the others open")


def replace_choice(candidate=0.5, c0=0.8):
    """Which of REPLACE gives c_1 = g_1 (old memory gone, the candidate written whole), measured on a one-unit cell."""
    b_g = float(np.arctanh(candidate))
    settings = {  # (i, f, o) pinned by biases of ±SATURATE, in the order of REPLACE
        REPLACE[0]: (1, 0, 1), REPLACE[1]: (0, 1, 1), REPLACE[2]: (1, 1, 1), REPLACE[3]: (1, 1, 0),
    }
    found = []
    for name, (i, f, o) in settings.items():
        b = np.array([SATURATE * (2 * i - 1), SATURATE * (2 * f - 1), b_g, SATURATE * (2 * o - 1)])  # (4,) i, f, g, o
        params = LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=b)
        _, c, _ = step(params, [0.0], h=[0.0], c=[c0])
        if abs(c[0] - candidate) < 1e-9:
            found.append(name)
    if len(found) != 1:
        raise RuntimeError(f"expected exactly one setting to give c = g, got {found}")
    return found[0]


FROZEN = ("it stays exactly what it was", "it fades towards 0", "it grows by g at every step")
OPEN_BOTH = ("it stays between −1 and 1, since tanh squashes it", "it adds g_t at every step and grows without bound",
             "it stays what it was, since f = 1 keeps it")


def frozen_choice():
    """What c does with f = 1 and i = 0 (FROZEN), measured on ``cell_over_steps``."""
    c = cell_over_steps(forget=True, input_=False)
    if np.allclose(c, c[0], rtol=0, atol=1e-9):
        return FROZEN[0]
    return FROZEN[1] if abs(c[-1]) < abs(c[0]) else FROZEN[2]


def open_both_choice(steps=20):
    """What c does with f = 1 and i = 1 (OPEN_BOTH), measured: does it pass 1 and keep climbing by g?"""
    c = cell_over_steps(forget=True, input_=True, steps=steps)
    if np.allclose(np.diff(c), 0.5, atol=1e-9) and c[-1] > 1:
        return OPEN_BOTH[1]
    return OPEN_BOTH[2] if np.allclose(c, c[0]) else OPEN_BOTH[0]


def questions():
    params = LSTMParams.random(1, 2)  # D = 1, H = 2
    sizes = {name: a.size for name, a in params.arrays().items()}  # W_x, W_h, b
    count = sum(sizes.values())
    H, D = params.hidden_size, params.input_size
    frozen = cell_over_steps(forget=True, input_=False)
    grown = cell_over_steps(forget=True, input_=True)
    return [
        Question(
            key="n_weights",
            prompt=(f"An LSTM with H = {H} hidden units and D = {D} input has W<sub>x</sub>, W<sub>h</sub> "
                    "and b. How many numbers do they hold together?"),
            answer=float(count),
            tol=0.5,
            hint="Shapes from the notation table: W_x is (4H, D), W_h is (4H, H), b is (4H,). Multiply, then add.",
            explanation=" + ".join(f"{n} {tuple(params.arrays()[n].shape)} = {s}" for n, s in sizes.items())
            + f"; {count} in all.",
            # the printed shapes, above the question, leave only an addition
            tells=(f"shape {params.W_h.shape}",),
        ),
        Question(
            key="replace_c",
            prompt=("You want one step to throw the old memory away and keep only the new candidate: "
                    "c<sub>t</sub> = g<sub>t</sub>. Which setting does that?"),
            answer=replace_choice(),
            choices=REPLACE,
            kind="explain",
            feedback=(
                (REPLACE[1], "That is the opposite: f = 1 keeps all of c_{t-1}, and i = 0 writes nothing of g_t."),
                (REPLACE[2], "f = 1 keeps all of c_{t-1}, so c_t = c_{t-1} + g_t: the old memory is still there."),
                (REPLACE[3], "o only decides how much of c_t is shown as h_t; c_t = f_t · c_{t-1} + i_t · g_t does "
                             "not contain o at all."),
            ),
            hint="Put each setting into c_t = f_t · c_{t-1} + i_t · g_t: which one leaves exactly g_t?",
            explanation=("c_t = 0 · c_{t-1} + 1 · g_t = g_t: the forget gate shut throws the old memory away, the "
                         "input gate open writes all of the candidate. The output gate is not in the update at all: "
                         "it only decides how much of c_t is shown as h_t."),
        ),
            Question(
            key="frozen",
            prompt=("Predict: the forget gate is 1 and the input gate is 0 at every step (c<sub>t</sub> = "
                    "f<sub>t</sub> "
                    "c<sub>t-1</sub> + i<sub>t</sub> g<sub>t</sub>). What happens to c over the steps?"),
            answer=frozen_choice(),
            choices=FROZEN,
            kind="predict",
            feedback=(
                (FROZEN[1], "Fading needs f below 1: with f = 1 every step keeps all of c_{t-1}."),
                (FROZEN[2], "With i = 0 nothing of g is written, whatever g is."),
            ),
            hint="Put f = 1 and i = 0 into c_t = f_t · c_{t-1} + i_t · g_t.",
            explanation=(f"c_t = 1 · c_{{t-1}} + 0 · g_t = c_{{t-1}}: c stays {frozen[0]:g} at every step. That is "
                         "the LSTM's memory in its purest form: kept, untouched, for as long as f stays 1."),
        ),
        Question(
            key="open_both",
            prompt=("And with the forget gate at 1 and the input gate at 1 forever, while the candidate g stays "
                    "at 0.5?"),
            answer=open_both_choice(),
            choices=OPEN_BOTH,
            kind="predict",
            feedback=(
                (OPEN_BOTH[0], "h = o · tanh(c) is squashed, but c itself is not: nothing in c_t = f c_{t-1} + "
                               "i g bounds it."),
                (OPEN_BOTH[2], "With i = 1 all of g is added at every step."),
            ),
            hint="Each step: c_t = 1 · c_{t-1} + 1 · 0.5.",
            explanation=(f"c_t = c_{{t-1}} + 0.5: from {grown[0]:g} it goes "
                         + ", ".join(f"{v:g}" for v in grown[1:4]) + " ... past 1 and on. The cell state has no "
                         "squash of its own; only h = o · tanh(c) is kept inside (−1, 1)."),
        ),
    ]
