"""Lesson 06's core: fit the readout alone by least squares, and read what a training run changed.

The scalar worked example's gates are kept and only its readout y_T = W_y h_T + b_y is learned: with the
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
from ..gradient_descent import train
from .l03_vector import readout_bound
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
    """Lesson 06's starting weights: the vector worked example's exact weights for H = 2, else
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


# Held out: what the training set does not show -------------------------------------------------------------------

#: sequences the lesson's training set does not hold: three inside its range (starts 1..6, steps 1 or 2, targets
#: up to 11) and two far beyond it
HELD_OUT = ((1.0, 3.0, 5.0), (4.0, 6.0, 8.0), (6.0, 7.0, 8.0), (10.0, 11.0, 12.0), (20.0, 21.0, 22.0))


def next_value(sequence):
    """The number that continues an arithmetic ``sequence``: x_T + (x_T - x_{T-1})."""
    return float(2 * sequence[-1] - sequence[-2])


def training_sequences(task=COUNT_TASK):
    """The training set's sequences as tuples of floats, in order."""
    xs, _ = counting(**task)
    return [tuple(float(v) for v in xs[:, b, 0]) for b in range(xs.shape[1])]


@lru_cache(maxsize=2)
def trained_counter(step_target=False):
    """The lesson's training run: the vector example's weights trained on ``counting(**COUNT_TASK)`` with
    ``COUNT_TRAINING``. With ``step_target`` the targets are the steps y - x_T instead of y, and the network's
    answer is added to x_T (``predict_next``). Cached: each run takes about a second."""
    params, _ = vector_example()
    xs, ys = counting(**COUNT_TASK)
    if step_target:
        ys = ys - xs[-1]  # (B, 1): the step, 1 or 2
    return train(params, xs, ys, **COUNT_TRAINING)[0]


def predict_next(params, sequence, step_target=False):
    """The network's continuation of ``sequence``: y_T, or x_T + y_T when it was trained on the step."""
    seq = np.asarray(sequence, dtype=np.float64)
    y = float(forward(params, seq).prediction[0])
    return seq[-1] + y if step_target else y


@lru_cache(maxsize=1)
def median_moves(ranges=((0, 10), (10, 100), (400, 800))):
    """How far Adam moves a weight per step in the lesson's run (the vector example, ``COUNT_TRAINING``):
    for each ``(first, last)`` range of steps, the median of |Δθ| / lr over every weight and those steps.
    Returns ``((first, last, median), ...)``."""
    params, _ = vector_example()
    xs, ys = counting(**COUNT_TASK)
    flat = []  # (steps + 1, n_weights): the weights before each step, then the trained ones

    def keep(step, loss, p):
        flat.append(np.concatenate([a.ravel() for a in p.arrays().values()]))

    trained, _ = train(params, xs, ys, callback=keep, **COUNT_TRAINING)
    flat.append(np.concatenate([a.ravel() for a in trained.arrays().values()]))
    moves = np.abs(np.diff(np.array(flat), axis=0)) / COUNT_TRAINING["lr"]  # (steps, n_weights)
    return tuple((lo, hi, float(np.median(moves[lo:hi]))) for lo, hi in ranges)


@lru_cache(maxsize=2)
def scaled_ceiling(scale=0.1):
    """``(ceiling, in the original units)`` of the counter trained on ``counting(..., scale=scale)``: its
    readout bound Σ|W_y| + |b_y|, and that bound divided by ``scale``."""
    params, _ = vector_example()
    xs, ys = counting(**dict(COUNT_TASK, scale=scale))
    trained = train(params, xs, ys, **COUNT_TRAINING)[0]
    bound = float(np.sum(np.abs(trained.W_y)) + np.sum(np.abs(trained.b_y)))
    return bound, bound / scale


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


#: the width of each gate's range: σ gates live in (0, 1), the candidate g = tanh in (−1, 1), twice as wide
RANGE_WIDTH = {"i": 1.0, "f": 1.0, "g": 2.0, "o": 1.0}


def _gate_changes():
    """Δ_k / (width of k's range) for the gates, for 1, 2, 3, the example's weights against the weights after
    the lesson's training run: each gate's change as a fraction of how far it could move."""
    params, xs = vector_example()
    change = activation_change(forward(params, xs), forward(trained_counter(), xs))
    return tuple((k, change[k] / RANGE_WIDTH[k]) for k in GATES)


EXTRAPOLATE = (
    "train it twice as long, so it fits the pattern better",
    "give it 8 hidden units instead of 2, for more capacity",
    "train it on the step y − x_3, and add x_3 back",
)


def questions():
    params, xs = vector_example()
    task_xs, task_ys = counting(**COUNT_TASK)
    start_loss, trace = mse_loss(params, task_xs, task_ys)
    answers = trace.y_all[-1][:, 0]  # (B,): what the example's weights answer for each sequence
    targets = task_ys[:, 0]
    k = steps_until_within(params, task_xs, task_ys, np.asarray(xs, dtype=float), float(EXPECTED_NEXT), CLOSE,
                           **COUNT_TRAINING)
    changes = dict(_gate_changes())
    most = max(changes, key=changes.get)
    ranked = ", ".join(f"{g} {changes[g]:.2f}" for g in sorted(changes, key=changes.get, reverse=True))
    seq = ", ".join(f"{v:g}" for v in SEQUENCE)
    trained = trained_counter()
    bound = readout_bound(trained)
    far = HELD_OUT[-1]
    far_text = ", ".join(f"{v:g}" for v in far)
    stepper = trained_counter(step_target=True)
    n_weights = sum(a.size for a in params.arrays().values())
    return [
        Question(
            key="loss0",
            prompt=(f"Before any training, the worked example's weights answer about {answers.min():.1f} to "
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
            prompt=(f"Adam at lr = {COUNT_TRAINING['lr']:g} starts from the worked example's weights (prediction "
                    f"{float(forward(params, xs).prediction[0]):.4f} for {seq}). After how many Adam steps is the "
                    f"prediction for {seq} first within {CLOSE:g} of {EXPECTED_NEXT}?"),
            answer=steps_choice(k),
            choices=tuple(text for text, *_ in STEP_BINS),
            kind="predict",
            feedback=(
                (STEP_BINS[1][0], "Adam does not move one weight at a time: in its first steps it moves all "
                                  f"{n_weights} of them by about lr at once, and together they move the prediction "
                                  "much faster."),
            ),
            hint=("In its first steps Adam moves every weight by about lr, all of them at once: W_x, W_h and b "
                  "change h_3, while W_y and b_y change how h_3 is read."),
            explanation=(f"After {k} steps. Being close once is not being done: the loss covers all "
                         f"{len(targets)} sequences, and the curve keeps falling for hundreds of steps more while "
                         f"the network learns to answer every one of them."),
        ),
        Question(
            key="bound",
            prompt=(f"After training, the readout is W<sub>y</sub> = [{trained.W_y[0, 0]:.4f}, "
                    f"{trained.W_y[0, 1]:.4f}] and b<sub>y</sub> = {trained.b_y[0]:.4f}, and every entry of h "
                    f"still lies in (−1, 1). What is the largest prediction this trained network can give, for "
                    f"any input at all? (2 decimals)"),
            answer=bound,
            tol=0.01,
            hint=("The same bound as in lesson 03: make each term of W_y[1] h[1] + W_y[2] h[2] + b_y as large as it "
                  "can be."),
            explanation=(f"|y| ≤ |W_y[1]| + |W_y[2]| + |b_y| = {bound:.4f}. The largest training target was "
                         f"{targets.max():g}: training grew the readout just enough to reach it, and no more."),
        ),
        Question(
            key="extrapolate",
            prompt=(f"So for {far_text} it answers at most {bound:.2f}, far from the {next_value(far):g} that comes "
                    f"next. Which change would bring its answer for {far_text} within 3 of {next_value(far):g}?"),
            answer=EXTRAPOLATE[2],
            choices=EXTRAPOLATE,
            kind="predict",
            feedback=(
                (EXTRAPOLATE[0], "Longer training fits the training targets better, and they stop at "
                                 f"{targets.max():g}: the readout has no reason to grow past them."),
                (EXTRAPOLATE[1], "More units add terms to Σ|W_y|, but training makes the readout only about as "
                                 f"large as the training targets, up to {targets.max():g}, need."),
            ),
            hint=("The ceiling is a property of y = W_y h + b_y with |h| < 1. Which change makes the answer "
                  "no longer y alone?"),
            explanation=(f"Trained on the step, the network only has to say 1 or 2, well inside its ceiling, and "
                         f"x_3 carries the size: it answers {predict_next(stepper, far, True):.2f} for {far_text}. "
                         "Not exact, "
                         "but no longer held under a ceiling."),
            tells=("predicting the step", "trained on the step", "train it on the step", "add the step",
                   "targets y − x_3", "targets y - x_3"),
        ),
        Question(
            key="gate",
            prompt=(f"Compare the gates for {seq} before and after the {COUNT_TRAINING['steps']} training steps. "
                    "Which gate's activations changed most, on average over the units and steps, <i>as a fraction "
                    "of its range</i> (σ gates move in (0, 1), the candidate g in (−1, 1), twice as wide)?"),
            answer=gate_choice(most),
            choices=tuple(gate_choice(g) for g in GATES),
            kind="predict",
            feedback=tuple(
                (gate_choice(g), f"The {GATE_NAMES[g]} moved {changes[g]:.2f} of its range on average. Look for "
                                 "the gate whose values even changed sign for one unit: only tanh can do that.")
                for g in GATES if g != most
            ),
            hint=("Train at the defaults in the explorer and compare the rows i, f, g, o of the before and after "
                  "heatmaps; halve the change of g, whose range is twice as wide."),
            explanation=(f"Mean |after − before| divided by the width of the range: {ranked}. The "
                         f"{GATE_NAMES[most]} {most} moved most: training rewrote what is written into the cell."),
        ),
    ]
