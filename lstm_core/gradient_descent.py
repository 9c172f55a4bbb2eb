"""Training by gradient descent with Adam (or plain SGD): the loop of lesson 06, in numpy.

Notation
--------
θ      every array of ``params.arrays()`` (W_x, W_h, b, W_y, b_y), updated elementwise
∇      dL/dθ from ``loss_and_grads``
m, v   Adam's running means of ∇ and ∇², one pair per array
k      the update count, 1, 2, ...
K      ``truncate``: how many of the last steps the gradient flows back through (truncated BPTT)

Equations
---------
∇ ← ∇ · min(1, clip / ‖∇‖)          optional clipping by the global norm over all arrays
m ← β1 m + (1 - β1) ∇
v ← β2 v + (1 - β2) ∇²
θ ← θ - lr · (m / (1 - β1^k)) / (sqrt(v / (1 - β2^k)) + ε)      Adam
θ ← θ - lr · ∇                                                 SGD: here ‖Δθ‖ = lr ‖∇‖ <= lr · clip

Clipping and the optimiser: with SGD the clipped norm bounds the step itself. Adam divides by
sqrt(v), so one update moves an entry by at most about lr (1 - β1) / sqrt(1 - β2) ≈ 3.2 lr
whatever ∇ is; there clipping keeps one exploding gradient from swamping m and v (and so the
size of the steps that follow), and keeps ∇² finite.

Truncated BPTT with a loss at the last step only: the state (h, and c for the LSTM) after step
T - K is computed with the current weights and then held fixed, like an initial state; the
gradient flows back through the last K steps and stops there:

    L_K(θ) = loss of the last K steps run with θ from that fixed state,   ∇ = dL_K/dθ

Its value is the loss; only the gradient is cut. Whatever happened more than K steps before the
end gets no credit. With one target at the end and a gap longer than K, no gradient reaches the
step that holds the value to remember: the weights are never taught to write it into the state.
They can still be taught to read it out, when the dynamics happen to carry it over the first
T - K steps anyway (a forget bias of 3 keeps f ≈ 0.95, so the cell keeps an imprint of x_1); so a
truncated run may or may not learn such a task, and a run that does learned it by luck, not by
the gradient. (Measured on delayed recall, gap 20, K = 10, LSTM b_f = 3: one seed of three failed,
the others learned.) The backward pass runs over K steps only, so its cost no longer grows with T.
"""

import itertools
from dataclasses import dataclass, field

import numpy as np

from .checks import as_float_array, expect_int
from .loss import MODELS, _run, loss_and_grads, mse_loss
from .params import LSTMParams


class Adam:
    """Adam's state for one set of params (β1 0.9, β2 0.999, ε 1e-8 by default)."""

    def __init__(self, params, lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = _positive("lr", lr), beta1, beta2, eps
        self.m = {n: np.zeros_like(a) for n, a in params.arrays().items()}
        self.v = {n: np.zeros_like(a) for n, a in params.arrays().items()}
        self.k = 0

    def step(self, params, grads):
        """Update ``params`` in place from ``grads`` (same type and arrays)."""
        self.k += 1
        # the bias corrections undo the zero start of m and v during the first steps
        c1 = 1.0 - self.beta1**self.k
        c2 = 1.0 - self.beta2**self.k
        for n, theta in params.arrays().items():
            g = getattr(grads, n)
            m, v = self.m[n], self.v[n]
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            theta -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


class SGD:
    """Plain gradient descent: θ ← θ - lr ∇ (the step the clipping bound is easiest to read off)."""

    def __init__(self, params, lr=1e-2):
        self.lr = _positive("lr", lr)

    def step(self, params, grads):
        for n, theta in params.arrays().items():
            theta -= self.lr * getattr(grads, n)


OPTIMIZERS = {"adam": Adam, "sgd": SGD}


def truncated_loss_and_grads(params, xs, ys, truncate, variant="vanilla", fast=False):
    """``(loss, grads)`` of truncated BPTT: dL/dθ through the last ``truncate`` steps only.

    The state after step T - ``truncate`` comes from a forward pass with ``params`` and is then
    held fixed (no gradient flows into it); ``loss_and_grads`` runs the last ``truncate`` steps
    from it. With ``truncate >= T`` this is ``loss_and_grads``, full BPTT.
    """
    K = expect_int("truncate", truncate)
    xs = as_float_array("xs", xs)
    T = xs.shape[0] if xs.ndim else 0
    if K >= T:
        return loss_and_grads(params, xs, ys, variant=variant, fast=fast)[:2]
    head = _run(params, xs[: T - K], None, None, variant, fast)  # steps 1 .. T - K: only their last state is used
    state = {"h0": head.h[-1]}  # (H,) or (B, H)
    if isinstance(params, LSTMParams):
        state["c0"] = head.c[-1]
    loss, grads, _ = loss_and_grads(params, xs[T - K :], ys, **state, variant=variant, fast=fast)
    return loss, grads


def global_norm(grads):
    """‖∇‖ over every array, scaled by the largest entry first so that ∇² cannot overflow."""
    arrays = list(grads.arrays().values())
    top = max(float(np.max(np.abs(a))) for a in arrays)
    if top == 0.0:
        return 0.0
    return top * float(np.sqrt(sum(np.sum((a / top) ** 2) for a in arrays)))


def clip_by_global_norm(grads, clip):
    """Scale every array of ``grads`` in place by min(1, clip / ‖∇‖); return ‖∇‖ before clipping."""
    norm = global_norm(grads)
    if norm > clip:
        for a in grads.arrays().values():
            a *= clip / norm
    return norm


def with_forget_bias(params, forget_bias):
    """A copy of ``params`` whose forget-gate bias block b_f is ``forget_bias`` (a number or (H,)).

    b_f = 1 starts f_t = σ(1) ≈ 0.73: the cell keeps most of c_{t-1}, so gradients survive
    the first updates (Gers et al. 2000; Jozefowicz et al. 2015).
    """
    if not isinstance(params, LSTMParams):
        raise TypeError(f"forget_bias: only an LSTM has a forget gate, got {type(params).__name__}")
    value = as_float_array("forget_bias", forget_bias)
    if value.shape not in ((), (params.hidden_size,)):
        raise ValueError(f"forget_bias: expected a number or shape ({params.hidden_size},), got {value.shape}")
    out = params.copy()
    out.gate("f")[2][:] = value
    return out


@dataclass
class History:
    """What ``train`` recorded: ``loss[k]`` is the loss of the params that update k started from."""

    loss: list = field(default_factory=list)
    stopped_early: bool = False
    final_loss: float = None  # the loss of the params ``train`` returned


def _positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name}: expected a number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: expected a positive finite number, got {value}")
    return float(value)


def train(params, xs, ys, steps=500, lr=1e-2, seed=0, clip=None, forget_bias=None, callback=None, batch_size=None,
          truncate=None, optimizer="adam", variant="vanilla", fast=False):
    """Fit ``params`` to ``(xs, ys)`` with Adam on the MSE of ``lstm_core.loss``; return ``(params, history)``.

    ``params`` is an LSTMParams, RNNParams or GRUParams with a readout. ``xs`` (T, B, D) and
    ``ys`` (B, O) as the ``lstm_core.tasks`` make them (or (T, D) and (O,) for one sequence).
    The input ``params`` is left untouched; the returned params are new. ``batch_size=None``
    uses the whole batch every step (then nothing is random); otherwise each step takes the
    next ``batch_size`` sequences of an order shuffled by ``seed``. ``clip`` bounds the global
    gradient norm. ``forget_bias`` sets b_f before training (LSTM only). ``truncate=K``
    backpropagates through the last K steps only (see the module docstring). ``optimizer`` is
    ``"adam"`` or ``"sgd"``. ``variant`` (LSTM only) is one of ``VARIANTS``; ``fast=True`` runs the
    LSTM's fast path (``lstm_core.fast``: BLAS, faster on long sequences; the default plain path
    gives the same bits on every CPU). ``callback(step, loss, params)`` is called before each update with
    the params whose loss that is (a copy, safe to keep); a truthy return stops training, and
    then those params are the ones returned. Same arguments, same seed: the same history, bit
    for bit.
    """
    steps = expect_int("steps", steps, minimum=0)
    seed = expect_int("seed", seed, minimum=0)
    clip = None if clip is None else _positive("clip", clip)
    truncate = None if truncate is None else expect_int("truncate", truncate)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer: expected one of {tuple(OPTIMIZERS)}, got {optimizer!r}")
    if not isinstance(params, MODELS):
        raise TypeError(f"params: expected LSTMParams, RNNParams or GRUParams, got {type(params).__name__}")
    params = params.copy() if forget_bias is None else with_forget_bias(params, forget_bias)
    if not params.has_readout:
        raise ValueError("params: training fits the readout y_T = W_y h_T + b_y, but W_y is None")
    opt = OPTIMIZERS[optimizer](params, lr=lr)
    history = History()

    batches = _batches(xs, ys, batch_size, seed)
    for step in range(steps):
        bx, by = next(batches)
        if truncate is None:
            loss, grads, _ = loss_and_grads(params, bx, by, variant=variant, fast=fast)
        else:
            loss, grads = truncated_loss_and_grads(params, bx, by, truncate, variant=variant, fast=fast)
        if not np.isfinite(loss):
            raise ValueError(f"train: the loss is {loss} at step {step}; lower lr or set clip")
        history.loss.append(loss)
        if callback is not None and callback(step, loss, params.copy()):
            history.stopped_early = True
            history.final_loss = loss
            return params, history
        if clip is not None:
            clip_by_global_norm(grads, clip)
        opt.step(params, grads)
    history.final_loss = mse_loss(params, xs, ys, variant=variant, fast=fast)[0]
    return params, history


def _batches(xs, ys, batch_size, seed):
    """An endless stream of ``(xs, ys)`` batches: the whole set, or shuffled slices of it."""
    if batch_size is None:
        return itertools.repeat((xs, ys))
    xs = as_float_array("xs", xs)
    ys = as_float_array("ys", ys)
    if xs.ndim != 3 or ys.ndim != 2 or xs.shape[1] != ys.shape[0]:
        raise ValueError(f"batch_size: needs xs (T, B, D) and ys (B, O) with the same B, "
                         f"got {tuple(xs.shape)} and {tuple(ys.shape)}")
    B = xs.shape[1]
    batch_size = min(expect_int("batch_size", batch_size), B)
    rng = np.random.default_rng(seed)

    def shuffled():
        while True:
            order = rng.permutation(B)
            for start in range(0, B - batch_size + 1, batch_size):
                rows = order[start : start + batch_size]
                yield xs[:, rows], ys[rows]

    return shuffled()
