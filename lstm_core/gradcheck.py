"""The gradient check: BPTT's analytic gradients against central differences, entry by entry.

Lesson 05 prints this table live; every number in it comes from here.

Notation
--------
T steps, D inputs, H hidden units (one sequence, or a batch B as ``forward`` takes it).
R      : like ``trace.h``   fixed weights of the loss, (T, H) or (T, B, H)
L      : scalar             the loss L = Σ_t Σ_u h_t[u] R_t[u] = sum(h * R)
θ      : one entry of W_x (4H, D), W_h (4H, H), b (4H,), or of the inputs xs, h0, c0
ε      : the step of the central difference (``eps``, 1e-6 by default)

Equations
---------
dL/dh_t = R_t                                  the ``dh`` that ``lstm_core.backward`` takes
analytic a = dL/dθ                             from ``backward(params, trace, R)``
numeric  n = (L(θ + ε) - L(θ - ε)) / (2ε)      two forward passes per entry, nothing else
relative error e = |a - n| / max(|a|, |n|)     (0 when both are 0)

The central difference is wrong by about ε² L''' / 6 (truncation) plus about 1e-16 |L| / ε
(round-off), both near 1e-10 here; so e is about 1e-10 / |a|. Agreement means e < 1e-6,
far above that noise for gradients of ordinary size, and far below any real mistake, which
shows as e ≈ 1. Only for tiny gradients (|a| below about 1e-4) does the noise reach 1e-6.
"""

from dataclasses import dataclass

import numpy as np

from .bptt import backward
from .checks import as_float_array, expect_int
from .gates import GATES
from .params import LSTMParams
from .sequence import forward

#: the parameter arrays, then the inputs, in the order the table lists them
PARAMETER_NAMES = ("W_x", "W_h", "b")
INPUT_NAMES = ("xs", "h0", "c0")
#: agreement: a relative error below this means the analytic gradient is right
AGREEMENT = 1e-6


@dataclass(frozen=True)
class GradRow:
    """One checked entry: ``name`` of the array, ``index`` into it, the gate block it belongs to
    (``None`` for the inputs), the analytic and numeric dL/dθ, and their relative error."""

    name: str
    index: tuple
    gate: str
    analytic: float
    numeric: float
    relative_error: float

    @property
    def agrees(self):
        """``relative_error < AGREEMENT``: the test a learner reads off the table."""
        return self.relative_error < AGREEMENT

    def __iter__(self):  # rows unpack as (name, index, analytic, numeric, relative error)
        return iter((self.name, self.index, self.analytic, self.numeric, self.relative_error))


def relative_error(analytic, numeric):
    """e = |a - n| / max(|a|, |n|), and 0 when both are exactly 0."""
    a, n = float(analytic), float(numeric)
    scale = max(abs(a), abs(n))
    return 0.0 if scale == 0.0 else abs(a - n) / scale


def loss(params, xs, h0, c0, R):
    """L = sum(h * R) over every step (and sequence) of ``forward(params, xs, h0, c0)``."""
    return float(np.sum(forward(params, xs, h0, c0).h * R))


def sample_indices(name, shape, H, samples, rng):
    """Which entries to check: ``samples`` per gate block for W_x, W_h, b (rows k H .. (k+1) H - 1
    belong to gate GATES[k], so every gate is checked), ``samples`` of the whole array for an input.
    Distinct entries, sorted, drawn from ``rng``."""
    blocks = len(GATES) if name in PARAMETER_NAMES else 1
    per_block = int(np.prod(shape)) // blocks
    picked = []
    for k in range(blocks):
        flat = rng.choice(per_block, size=min(samples, per_block), replace=False)  # within block k
        picked.extend(sorted(int(j) + k * per_block for j in flat))
    return [tuple(int(i) for i in np.unravel_index(j, shape)) for j in picked]


def gradient_check(params, xs, h0, c0, R, eps=1e-6, samples=1, seed=0):
    """Check ``backward`` against central differences on a sample of entries.

    ``params`` an LSTMParams; ``xs``, ``h0``, ``c0`` as ``forward`` takes them (all three are
    needed: a zero h0 or c0 would hide their gradients); ``R`` shaped like ``trace.h``.
    Checks ``samples`` entries per gate block of W_x, W_h and b, and ``samples`` entries of each
    of xs, h0 and c0, chosen with ``np.random.default_rng(seed)``. Returns a list of GradRow,
    in the order W_x, W_h, b, xs, h0, c0, each of which unpacks as
    ``(name, index, analytic, numeric, relative error)``.
    """
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params: expected LSTMParams, got {type(params).__name__}")
    eps = float(as_float_array("eps", eps))
    if not eps > 0.0:
        raise ValueError(f"eps: expected a positive step, got {eps}")
    samples = expect_int("samples", samples)
    rng = np.random.default_rng(expect_int("seed", seed, minimum=0))
    H = params.hidden_size
    # private float copies: the finite differences nudge their entries in place
    work = params.copy()
    inputs = {n: as_float_array(n, v).copy() for n, v in zip(INPUT_NAMES, (xs, h0, c0))}
    R = as_float_array("R", R)

    trace = forward(work, inputs["xs"], inputs["h0"], inputs["c0"])
    if R.shape != trace.h.shape:
        raise ValueError(f"R: expected the shape of h, {tuple(trace.h.shape)}, got {tuple(R.shape)}")
    grads, dxs, dh0, dc0 = backward(work, trace, R)
    analytic = {"W_x": grads.W_x, "W_h": grads.W_h, "b": grads.b, "xs": dxs, "h0": dh0, "c0": dc0}
    arrays = {"W_x": work.W_x, "W_h": work.W_h, "b": work.b, **inputs}

    def L():
        return loss(work, inputs["xs"], inputs["h0"], inputs["c0"], R)

    rows = []
    for name in PARAMETER_NAMES + INPUT_NAMES:
        arr = arrays[name]
        grad = np.asarray(analytic[name]).reshape(arr.shape)
        for index in sample_indices(name, arr.shape, H, samples, rng):
            keep = arr[index]
            arr[index] = keep + eps
            up = L()
            arr[index] = keep - eps
            down = L()
            arr[index] = keep
            numeric = (up - down) / (2.0 * eps)
            gate = GATES[index[0] // H] if name in PARAMETER_NAMES else None
            a = float(grad[index])
            rows.append(GradRow(name, index, gate, a, numeric, relative_error(a, numeric)))
    return rows


__all__ = ["AGREEMENT", "GradRow", "gradient_check", "loss", "relative_error", "sample_indices"]
