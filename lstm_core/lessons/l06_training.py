"""Lesson 06's core: fit the readout alone by least squares, and read what a training run changed.

The scalar seed's gates are kept and only its readout y_T = W_y h_T + b_y is learned: with the
gates fixed, h_T is fixed too, so the best W_y, b_y solve a linear least-squares problem in
closed form (no gradient steps needed). The other functions are the lesson's shared starting
weights and two readings of a run: how far each quantity moved, and after how many Adam steps
the prediction first came close.

Notation
--------
B sequences, T steps, H hidden units, O readout outputs.
h_T : (B, H)       the last hidden state of every sequence (the features of the readout)
A   : (B, H + 1)   [h_T | 1]: the features with a column of ones for b_y
Y   : (B, O)       the targets
Θ   : (H + 1, O)   [W_yᵀ ; b_yᵀ]: the readout, stacked

Equations
---------
y_T = W_y h_T + b_y = (A Θ)_b
L(Θ) = 1/(B O) ‖A Θ - Y‖²                 the MSE of ``lstm_core.loss``
Θ* = argmin ‖A Θ - Y‖² = A⁺ Y             (numpy.linalg.lstsq; the normal equations Aᵀ A Θ = Aᵀ Y)
H = 1:  W_y = cov(h_T, y) / var(h_T),  b_y = mean(y) - W_y mean(h_T)
Δ_k = mean over t and units of |k_t(after) - k_t(before)|     for k in i, f, g, c, o, h
"""

from functools import lru_cache

import numpy as np

from ..checks import as_float_array, expect_int
from ..examples import EXPECTED_NEXT, SEQUENCE, vector_example
from ..gates import GATE_NAMES, GATES, QUANTITIES
from ..loss import mse_loss
from ..params import LSTMParams
from ..sequence import forward
from ..tasks import COUNT_TASK, COUNT_TRAINING, counting
from ..train import train
from .questions import Question


def fit_readout(params, xs, ys, h0=None, c0=None):
    """A copy of ``params`` whose readout W_y (O, H), b_y (O,) minimises the MSE on ``(xs, ys)``.

    The gate weights W_x, W_h, b are copied unchanged. ``xs`` (T, B, D) with ``ys`` (B, O), or
    one sequence (T, D) / (T,) with ``ys`` (O,). When A is rank deficient (fewer distinct h_T
    than H + 1), lstsq returns the least-squares solution of smallest norm. O is taken from
    ``ys``; the params need no readout to start with.
    """
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params: expected LSTMParams, got {type(params).__name__}")
    gates = LSTMParams(W_x=params.W_x.copy(), W_h=params.W_h.copy(), b=params.b.copy())
    trace = forward(gates, xs, h0=h0, c0=c0)
    h_T = trace.h_all[-1]  # (B, H)
    B = h_T.shape[0]
    Y = as_float_array("ys", ys)
    if not trace.batched:
        Y = Y.reshape(1, -1)  # one sequence: (O,) or a number -> (1, O)
    if Y.ndim != 2 or Y.shape[0] != B or Y.shape[1] == 0:
        raise ValueError(f"ys: expected ({B}, O) targets, one row per sequence, got shape {np.shape(ys)}")
    A = np.hstack([h_T, np.ones((B, 1))])  # (B, H + 1)
    theta = np.linalg.lstsq(A, Y, rcond=None)[0]  # (H + 1, O)
    return LSTMParams(W_x=gates.W_x, W_h=gates.W_h, b=gates.b, W_y=theta[:-1].T.copy(), b_y=theta[-1].copy())


def counting_start(hidden_size=2, seed=COUNT_TASK["seed"]):
    """Lesson 06's starting weights: the vector seed's exact weights for H = 2, else
    ``LSTMParams.random(1, H, 1, seed)`` (the seed has no weights for other sizes)."""
    H = expect_int("hidden_size", hidden_size)
    if H == 2:
        return vector_example()[0]
    return LSTMParams.random(1, H, 1, seed=expect_int("seed", seed, minimum=0))


def activation_change(before, after):
    """Δ_k for k in i, f, g, c, o, h: the mean |after - before| of two Traces of the same inputs."""
    if before.xs.shape != after.xs.shape or before.hidden_size != after.hidden_size:
        raise ValueError("activation_change: the traces must have the same steps, batch and hidden size")
    return {k: float(np.mean(np.abs(getattr(after, k) - getattr(before, k)))) for k in QUANTITIES}


def steps_until_within(params, xs, ys, sequence, target, tol, **training):
    """How many Adam steps of ``train(params, xs, ys, **training)`` until |prediction(sequence) - target| < tol.

    Training stops there (the callback sees the params after k updates), so a quick answer
    costs only k steps. Returns k, or None if the prediction never gets that close.
    """
    found = []

    def close_enough(step, loss, seen):
        if abs(float(forward(seen, sequence).prediction[0]) - target) < tol:
            found.append(step)
            return True
        return False

    learned, history = train(params, xs, ys, callback=close_enough, **training)
    if found:
        return found[0]
    # the params after the last update, which no callback saw
    if abs(float(forward(learned, sequence).prediction[0]) - target) < tol:
        return len(history.loss)
    return None


# Questions ------------------------------------------------------------------------------------------------------------

#: "within this of 4" for the question on the number of Adam steps
CLOSE = 0.1
#: the choices of that question, as (label, lowest count, highest count), in the order shown
STEP_BINS = (
    ("fewer than 50 steps", 0, 49),
    ("50 to 199 steps", 50, 199),
    ("200 to 800 steps", 200, 800),
    ("not within 800 steps", None, None),
)


def steps_choice(k):
    """The label of STEP_BINS that holds ``k`` Adam steps (None: never close)."""
    for text, lo, hi in STEP_BINS:
        if lo is None and k is None:
            return text
        if k is not None and lo is not None and lo <= k <= hi:
            return text
    return STEP_BINS[-1][0]


def gate_choice(k):
    return f"{k} ({GATE_NAMES[k]})"


@lru_cache(maxsize=1)
def _gate_changes():
    """Δ_k of the gates for 1, 2, 3, seed weights against the weights after the lesson's training run
    (cached: the run takes about a second, and every quiz cell asks for the lesson's questions)."""
    params, xs = vector_example()
    trained = train(params, *counting(**COUNT_TASK), **COUNT_TRAINING)[0]
    change = activation_change(forward(params, xs), forward(trained, xs))
    return tuple((k, change[k]) for k in GATES)


def questions():
    params, xs = vector_example()
    task_xs, task_ys = counting(**COUNT_TASK)
    start_loss, trace = mse_loss(params, task_xs, task_ys)
    answers = trace.y_all[-1][:, 0]  # (B,): what the seed weights answer for each sequence
    targets = task_ys[:, 0]
    k = steps_until_within(params, task_xs, task_ys, np.asarray(xs, dtype=float), float(EXPECTED_NEXT), CLOSE,
                           **COUNT_TRAINING)
    changes = dict(_gate_changes())
    most = max(changes, key=changes.get)
    ranked = ", ".join(f"{g} {changes[g]:.2f}" for g in sorted(changes, key=changes.get, reverse=True))
    seq = ", ".join(f"{v:g}" for v in SEQUENCE)
    return [
        Question(
            key="loss0",
            prompt=(f"Before any training, the seed weights answer about {answers.min():.1f} to "
                    f"{answers.max():.1f} for every one of the {len(targets)} counting sequences, whose targets are "
                    f"{', '.join(f'{t:g}' for t in targets)}. Estimate the loss at step 0, the mean of "
                    f"(y − target)² over the {len(targets)} sequences. (within 1)"),
            answer=start_loss,
            tol=1.0,
            hint=(f"Take y ≈ {answers.mean():.1f} for all of them: square each ({answers.mean():.1f} − target) "
                  f"and average the {len(targets)} squares."),
            explanation=(f"The loss is {start_loss:.4f}: the errors are between "
                         f"{np.abs(answers - targets).min():.2f} and {np.abs(answers - targets).max():.2f}, and "
                         f"their squares average to {start_loss:.1f}. That is where the loss curve starts."),
        ),
        Question(
            key="close",
            prompt=(f"Adam at lr = {COUNT_TRAINING['lr']:g} starts from the seed weights (prediction "
                    f"{float(forward(params, xs).prediction[0]):.4f} for {seq}). After how many Adam steps is the "
                    f"prediction for {seq} first within {CLOSE:g} of {EXPECTED_NEXT}?"),
            answer=steps_choice(k),
            choices=tuple(text for text, *_ in STEP_BINS),
            hint=("Adam moves every weight by up to about lr per step, and the prediction is "
                  "W_y h_3 + b_y: b_y alone can climb by lr at every step."),
            explanation=(f"After {k} steps. Being close once is not being done: the loss covers all "
                         f"{len(targets)} sequences, and the curve keeps falling for hundreds of steps more while "
                         f"the network learns to answer every one of them."),
        ),
        Question(
            key="gate",
            prompt=(f"Compare the gates for {seq} before and after the {COUNT_TRAINING['steps']} training steps. "
                    f"Which gate's activations changed most, on average over the units and steps?"),
            answer=gate_choice(most),
            choices=tuple(gate_choice(g) for g in GATES),
            hint=("Train at the defaults in the explorer and read the bars 'mean |after − before|', or compare "
                  "the rows i, f, g, o of the before and after tables."),
            explanation=(f"The mean |after − before| per gate: {ranked}. The {GATE_NAMES[most]} {most} moved "
                         f"most: training rewrote it more than the others to make h<sub>3</sub> say "
                         f"{EXPECTED_NEXT}."),
        ),
    ]
