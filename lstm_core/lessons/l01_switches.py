"""Gates as soft switches: the two squashing curves, a signal through a gate, and the inverse of σ.

Lesson 01 uses these; every number its explorers and questions show comes from here.

Notation
--------
w, b     : scalars        weight and bias of one unit
x        : (N,)           inputs of that unit
z        : (N,)           pre-activation z = w·x + b
σ(z)     : (N,)           a gate's value, in [0, 1]: the fraction of a signal let through
tanh(z)  : (N,)           a candidate's value, in [-1, 1]: a signed amount to write
signal   : (N,)           what a gate multiplies (in an LSTM: g_t, c_{t-1} or tanh(c_t))
gate     : (N,) or scalar the gate's value σ(z), broadcast against the signal
p        : scalar in (0, 1)  a gate opening, "p = 0.9 means 90 % open"

Equations
---------
z        = w·x + b
gate     = σ(z) = 1 / (1 + e^(-z))       candidate = tanh(z)
product  = gate · signal                  (elementwise)
logit(p) = ln(p / (1 - p))                the z with σ(z) = p
x*       = -b / w                         the switch point: z = 0, σ = 1/2, tanh = 0
"""

import math

import numpy as np

from ..cell import sigmoid, tanh
from ..checks import as_float_array, as_scalar
from .questions import Question



#: Below this a gate is called closed, above 1 - CLOSED_BELOW open (``gate_state``).
CLOSED_BELOW = 0.1


def pre_activation(w, b, x):
    """z = w·x + b, elementwise over ``x`` (a scalar or an array)."""
    w = as_scalar("w", w)
    b = as_scalar("b", b)
    x = as_float_array("x", x)
    return w * x + b  # same shape as x


def gate_curve(w, b, xs):
    """The gate and candidate curves of one unit: ``{"z", "sigmoid", "tanh"}``, each shaped like ``xs``.

    ``sigmoid`` is σ(w·x + b) (a gate), ``tanh`` is tanh(w·x + b) (a candidate), at every x in ``xs``.
    """
    z = pre_activation(w, b, xs)  # (N,)
    return {"z": z, "sigmoid": sigmoid(z), "tanh": tanh(z)}


def gated_signal(signal, gate):
    """What passes a gate: ``gate · signal`` elementwise (``gate`` may be one number).

    Raises ValueError when a gate value lies outside [0, 1]: a gate is a fraction.
    """
    signal = as_float_array("signal", signal)
    gate = as_float_array("gate", gate)
    if np.any(gate < 0.0) or np.any(gate > 1.0):
        raise ValueError(f"gate: a gate value is a fraction in [0, 1], got values in "
                         f"[{gate.min():g}, {gate.max():g}]")
    return gate * signal  # broadcast shape of signal and gate


def logit(p):
    """The inverse of σ: the pre-activation z with σ(z) = p, z = ln(p / (1 - p)).

    ``p`` must lie strictly between 0 and 1: σ never reaches 0 or 1 exactly, so no finite z gives them.
    Accepts a number (returns a float) or an array (returns an array).
    """
    arr = as_float_array("p", p)
    if np.any(arr <= 0.0) or np.any(arr >= 1.0):
        raise ValueError(f"logit: p must lie strictly between 0 and 1 (a gate opening), got {p!r}; "
                         "σ(z) only reaches 0 or 1 as z goes to -∞ or +∞")
    z = np.log(arr) - np.log1p(-arr)
    return float(z) if arr.ndim == 0 else z


def switch_point(w, b):
    """x* = -b / w, where z = 0, the gate is half open and the candidate is 0; None when w = 0
    (then z = b for every x: the unit ignores its input and there is no switch point)."""
    w = as_scalar("w", w)
    b = as_scalar("b", b)
    if w == 0.0:
        return None
    return -b / w + 0.0  # + 0.0 turns -0.0 into 0.0


def signal_wave(ts, amplitude=1.0, periods=2.0):
    """A test signal in [-amplitude, amplitude]: amplitude · sin(2π · periods · ts) for ts in [0, 1].

    Stands for a candidate g_t (a tanh, so |amplitude| <= 1 keeps it a possible candidate).
    """
    ts = as_float_array("ts", ts)
    amplitude = as_scalar("amplitude", amplitude)
    return amplitude * np.sin(2.0 * math.pi * periods * ts)  # same shape as ts


def gate_state(gate):
    """Words for a gate value: ``"closed"`` below CLOSED_BELOW, ``"open"`` above 1 - CLOSED_BELOW,
    ``"half open"`` within 0.05 of 1/2, ``"partly open"`` otherwise."""
    g = as_scalar("gate", gate)
    if not 0.0 <= g <= 1.0:
        raise ValueError(f"gate: a gate value is a fraction in [0, 1], got {g:g}")
    if g < CLOSED_BELOW:
        return "closed"
    if g > 1.0 - CLOSED_BELOW:
        return "open"
    if abs(g - 0.5) <= 0.05:
        return "half open"
    return "partly open"


# Questions ------------------------------------------------------------------------------------------------------------

SQUASHES = {"σ (sigmoid)": "sigmoid", "tanh": "tanh"}


def can_go_negative():
    """Which of σ and tanh reach below 0 over z in [-10, 10]: the one a candidate uses to subtract."""
    curve = gate_curve(1.0, 0.0, np.linspace(-10.0, 10.0, 201))
    below = [name for name, key in SQUASHES.items() if curve[key].min() < 0.0]
    if len(below) != 1:
        raise RuntimeError(f"expected exactly one squash to go below 0, got {below}")
    return below[0]


WHY_TANH = (
    "writes could only raise the cell state, never lower it: i·g ≥ 0",
    "nothing: σ and tanh are both smooth, so either would do",
    "the gates would stop working, since they need tanh as well",
)
W_ZERO = ("it stays at σ(b), whatever x is", "it switches from closed to open at x = 0",
          "it becomes a hard step from 0 to 1")


def why_tanh_choice():
    """What a σ candidate would break (WHY_TANH), measured: can i·σ(z) go below 0 for any z?"""
    zs = np.linspace(-20.0, 20.0, 401)
    curve = gate_curve(1.0, 0.0, zs)
    written = gated_signal(curve["sigmoid"], float(sigmoid(3.0)))  # an open input gate times a σ candidate
    return WHY_TANH[0] if np.min(written) >= 0.0 and np.min(curve["tanh"]) < 0.0 else None


def w_zero_choice(b=-1.0):
    """What a gate with w = 0 does over x in [-5, 5] (W_ZERO), measured."""
    values = gate_curve(0.0, b, np.linspace(-5.0, 5.0, 101))["sigmoid"]
    return W_ZERO[0] if np.ptp(values) == 0.0 else None


def questions():
    w, b, x = 2.0, -1.0, 1.5
    gate = float(gate_curve(w, b, x)["sigmoid"])
    p_open = 0.9
    bias = logit(p_open)
    z_i, g = 1.0, 0.8
    i = float(sigmoid(z_i))
    passed = float(gated_signal(g, i))
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
            key="why_tanh",
            prompt=("The gates use σ, but the candidate g, what gets written into the cell, uses tanh. What would "
                    "go wrong if g used σ too?"),
            answer=why_tanh_choice(),
            choices=WHY_TANH,
            kind="explain",
            feedback=(
                (WHY_TANH[1], "Smooth, yes, but σ is never negative, and a write i·g then never is either."),
                (WHY_TANH[2], "The gates keep their σ; only what they let through changes."),
            ),
            hint="i·g is added to the cell state. What is the sign of i? And of σ(z), for any z?",
            explanation=("σ lies in (0, 1), so i·σ(z) > 0: every write would push c up. Only the forget gate could "
                         "shrink it, and a cell that starts at 0 could never turn negative. tanh lies in (−1, 1), "
                         "a signed amount: it can add or subtract."),
        ),
        Question(
            key="w_zero",
            prompt=("Predict: set the weight w to 0 (keep b = −1). What does the gate σ(w·x + b) do as x sweeps "
                    "from −5 to 5?"),
            answer=w_zero_choice(),
            choices=W_ZERO,
            kind="predict",
            feedback=(
                (W_ZERO[1], "The switch point x* = −b/w needs w ≠ 0: with w = 0 the gate never sees x."),
                (W_ZERO[2], "A sharp step comes from a <i>large</i> w, not from w = 0."),
            ),
            hint="With w = 0, what is left of w·x + b?",
            explanation=(f"z = 0·x + b = b for every x: the gate is the constant σ(−1) = {float(sigmoid(-1.0)):.4f}, "
                         "an opening set by the bias alone. A forget gate with w = 0 keeps the same share of the "
                         "memory at every step."),
        ),
    ]
