"""Toy tasks to train on: seeded generators of ``(xs, ys)`` for ``lstm_core.train``.

Notation
--------
B sequences (``n_sequences``), T steps, D = 1 input, O = 1 output.
xs : (T, B, 1)   the inputs, one number per step
ys : (B, 1)      the target of each sequence, compared with y_T = W_y h_T + b_y

Equations
---------
counting:        x_t = s + (t - 1) d  for t = 1..T,   y = s + T d       ("1, 2, 3 -> 4")
sine:            x_t = A sin(φ + (t - 1) Δ),           y = A sin(φ + T Δ)  (the next value)
remember_first:  x_1 = ±1, x_2 .. x_T = 0 (or noise),  y = x_1           (a memory over T - 1 steps)
delayed_recall:  remember_first with noise in the gap, and separate training and test streams

The ``*_TASK``, ``*_MODEL`` and ``*_TRAINING`` constants are the settings the lessons use;
``tests/core/test_gradient_descent.py`` checks that they reach the accuracy the lessons promise.
"""

import numpy as np

from .checks import as_float_array, expect_int

# Lesson 06: the vector worked example's exact weights (H = 2) learn to continue counting sequences that start at 1..6 and
# step by 1 or 2 (so the answer is not just x_3 + 1), and then answer 1, 2, 3 -> 4 within 0.05 (about 0.006 off
# with these settings). Seed 159 draws 8 *distinct* sequences (tests/lessons/test_l06_training.py checks it); seed 0 would repeat
# some, and a repeated sequence teaches nothing new.
COUNT_TASK = dict(n_sequences=8, length=3, start_range=(1, 6), step_range=(1, 2), seed=159)
COUNT_TRAINING = dict(steps=800, lr=0.03, seed=0)

# Lesson 06: a fresh LSTM continues sine waves with a mean squared error below 1e-3.
SINE_TASK = dict(n_sequences=32, length=10, step=0.3, seed=0)
SINE_MODEL = dict(input_size=1, hidden_size=8, output_size=1, seed=0)
SINE_TRAINING = dict(steps=200, lr=0.05, forget_bias=1.0, seed=0)


def _pair(name, value, whole=False):
    """A (low, high) range with low <= high."""
    arr = as_float_array(name, value)
    if arr.shape != (2,) or arr[0] > arr[1]:
        raise ValueError(f"{name}: expected (low, high) with low <= high, got {value!r}")
    if whole and not np.all(arr == np.round(arr)):
        raise ValueError(f"{name}: expected whole numbers (low, high), got {value!r}")
    return arr


def _column(values):
    """(T + 1, B) numbers -> xs (T, B, 1) from the first T rows, ys (B, 1) from the last."""
    return values[:-1, :, None].copy(), values[-1][:, None].copy()


def counting(n_sequences, length=3, start_range=(1, 5), step_range=(1, 1), seed=0, scale=1.0,
             include_example=True):
    """Arithmetic sequences of whole numbers: read ``length`` of them, predict the next one.

    Starts s and steps d are drawn uniformly from the whole numbers of ``start_range`` and
    ``step_range`` (both ends included). With ``include_example`` the first sequence is the
    worked examples' own 1, 2, ..., length -> length + 1. Every number is multiplied by ``scale``
    (1 keeps the raw numbers the learner reads: 1, 2, 3 -> 4).
    """
    B = expect_int("n_sequences", n_sequences)
    T = expect_int("length", length)
    rng = np.random.default_rng(expect_int("seed", seed, minimum=0))
    s_lo, s_hi = _pair("start_range", start_range, whole=True)
    d_lo, d_hi = _pair("step_range", step_range, whole=True)
    scale = float(as_float_array("scale", scale))
    s = rng.integers(int(s_lo), int(s_hi) + 1, size=B).astype(np.float64)  # (B,)
    d = rng.integers(int(d_lo), int(d_hi) + 1, size=B).astype(np.float64)  # (B,)
    if include_example:
        s[0], d[0] = 1.0, 1.0
    values = s + np.arange(T + 1)[:, None] * d  # (T + 1, B)
    return _column(scale * values)


def sine(n_sequences, length=20, seed=0, step=0.3, amplitude=1.0):
    """Stretches of a sine wave at random phases φ: read ``length`` values, predict the next.

    The wave advances ``step`` radians per time step (0.3: one period is about 21 steps).
    """
    B = expect_int("n_sequences", n_sequences)
    T = expect_int("length", length)
    rng = np.random.default_rng(expect_int("seed", seed, minimum=0))
    step = float(as_float_array("step", step))
    amplitude = float(as_float_array("amplitude", amplitude))
    phi = rng.uniform(0.0, 2.0 * np.pi, size=B)  # (B,)
    values = amplitude * np.sin(phi + step * np.arange(T + 1)[:, None])  # (T + 1, B)
    return _column(values)


def remember_first(n_sequences, gap, seed=0, noise=0.0):
    """Remember the first input over ``gap`` more steps: x_1 = ±1, then zeros; the target is x_1.

    T = gap + 1. ``noise`` > 0 fills the gap with Gaussian noise of that standard deviation
    instead of zeros. The answer sits ``gap`` steps back, so the gradient that teaches it
    has to travel ``gap`` steps (``lstm_core.lessons.l05_gradients`` measures how much of it arrives).
    """
    B = expect_int("n_sequences", n_sequences)
    gap = expect_int("gap", gap, minimum=0)
    rng = np.random.default_rng(expect_int("seed", seed, minimum=0))
    noise = float(as_float_array("noise", noise))
    if noise < 0:
        raise ValueError(f"noise: expected a standard deviation >= 0, got {noise}")
    first = rng.choice([-1.0, 1.0], size=B)  # (B,)
    xs = np.zeros((gap + 1, B, 1))  # (T, B, 1)
    if noise > 0:
        xs[1:, :, 0] = rng.normal(0.0, noise, size=(gap, B))
    xs[0, :, 0] = first
    return xs, first[:, None].copy()


#: the two independent random streams of ``delayed_recall``
SPLITS = ("train", "test")


def delayed_recall(n_sequences, gap, noise=0.3, seed=0, split="train"):
    """Recall the first value after ``gap`` noisy steps: x_1 = ±1, x_2 .. x_T ~ N(0, noise²); y = x_1.

    T = gap + 1. The task of ``remember_first``, judged on held-out data: ``split`` picks one of
    two independent random streams of the same ``seed`` (numpy's SeedSequence of the entropy
    (seed, 0) for "train" and (seed, 1) for "test"), so a test set never repeats the training
    sequences, and each grows without changing its first sequences (``n_sequences`` more of the
    same stream). A model that memorises its training sequences' noise instead of carrying x_1
    reaches zero training loss and still fails the test set.
    """
    B = expect_int("n_sequences", n_sequences)
    gap = expect_int("gap", gap, minimum=0)
    seed = expect_int("seed", seed, minimum=0)
    if split not in SPLITS:
        raise ValueError(f"split: expected one of {SPLITS}, got {split!r}")
    noise = float(as_float_array("noise", noise))
    if noise < 0:
        raise ValueError(f"noise: expected a standard deviation >= 0, got {noise}")
    rng = np.random.default_rng([seed, SPLITS.index(split)])
    # one sequence at a time (its x_1, then its gap), so that more sequences extend the same stream
    xs = np.zeros((gap + 1, B, 1))  # (T, B, 1)
    for b in range(B):
        xs[0, b, 0] = rng.choice([-1.0, 1.0])
        xs[1:, b, 0] = rng.normal(0.0, noise, size=gap) if noise > 0 else 0.0
    return xs, xs[0].copy()  # ys (B, 1) = x_1
