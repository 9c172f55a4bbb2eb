"""The sequence forward pass, and the Trace of every gate at every step.

Notation
--------
T steps, B sequences in a batch, D inputs, H hidden units, O readout outputs.
xs : (T, B, D)   inputs;  (T, D) for one sequence, or (T,) when D == 1
a  : (T, B, 4H)  stacked activations [i | f | g | o] of every step
c  : (T, B, H)   cell states c_1 .. c_T
h  : (T, B, H)   hidden states h_1 .. h_T

Equations
---------
z_t = W_x x_t + W_h h_{t-1} + b      (W_x x_t for all t in one GEMM)
i_t, f_t, g_t, o_t = σ(z_i), σ(z_f), tanh(z_g), σ(z_o)
c_t = f_t * c_{t-1} + i_t * g_t
h_t = o_t * tanh(c_t)
y_t = W_y h_t + b_y
"""

from dataclasses import dataclass

import numpy as np

from .arrays import BatchShown
from .cell import sigmoid_inplace, split
from .checks import as_float_array, expect_shape
from .gates import GATES


@dataclass(eq=False)
class Trace(BatchShown):
    """Everything the forward pass computed. Arrays are (T, H) for one sequence, (T, B, H) for a batch.

    ``i, f, g, o, c, h`` are the named quantities, ``y`` the readout (or None), ``h0, c0`` the
    initial state. ``a`` (stacked activations) and ``tanh_c`` are kept for the backward pass.
    """

    xs: np.ndarray  # (T, B, D)
    h0: np.ndarray  # (B, H)
    c0: np.ndarray  # (B, H)
    a: np.ndarray  # (T, B, 4H)
    c_all: np.ndarray  # (T, B, H)
    h_all: np.ndarray  # (T, B, H)
    tanh_c: np.ndarray  # (T, B, H)
    y_all: np.ndarray  # (T, B, O) or None
    batched: bool

    # _shown, T, hidden_size, initial_h and prediction come from BatchShown

    def __getattr__(self, name):
        # i, f, g, o, c, h, y, x as the learner names them, without the batch axis when unbatched
        if name in GATES:
            return self._shown(split(self.a, self.hidden_size)[name])
        if name in ("c", "h", "y", "x"):
            arr = {"c": "c_all", "h": "h_all", "y": "y_all", "x": "xs"}[name]
            arr = self.__dict__[arr]
            return None if arr is None else self._shown(arr)
        raise AttributeError(name)

    @property
    def initial_c(self):
        return self.c0 if self.batched else self.c0[0]

    def at(self, t):
        """One step as a dict: ``x, i, f, g, o, c, h`` (and ``y``), plus ``h_prev`` and ``c_prev``.

        ``t`` counts from 0 like the arrays; the lessons print it as step t + 1.
        """
        if not -self.T <= t < self.T:
            raise IndexError(f"t: expected 0 <= t < {self.T}, got {t}")
        t = t % self.T
        out = {k: getattr(self, k)[t] for k in ("x",) + GATES + ("c", "h")}
        if self.y_all is not None:
            out["y"] = self.y[t]
        out["h_prev"] = self.h[t - 1] if t > 0 else self.initial_h
        out["c_prev"] = self.c[t - 1] if t > 0 else self.initial_c
        return out


def as_sequence(params, xs):
    """Validate ``xs`` and return it as (T, B, D) plus whether it was batched."""
    D = params.input_size
    xs = as_float_array("xs", xs)
    if xs.ndim == 1 and D == 1:
        xs = xs[:, None]
    if xs.ndim not in (2, 3):
        raise ValueError(f"xs: expected shape (T, {D}) or (T, B, {D}), got {tuple(xs.shape)}")
    if xs.shape[0] == 0:
        raise ValueError("xs: the sequence is empty (T = 0); give at least one step")
    expect_shape("xs", xs, xs.shape[:-1] + (D,))
    if xs.ndim == 3 and xs.shape[1] == 0:
        raise ValueError("xs: the batch is empty (B = 0)")
    return (xs, True) if xs.ndim == 3 else (xs[:, None, :], False)


def initial_state(name, value, B, H, batched):
    """h0 or c0 as (B, H): zeros when None; (H,) is shared by every sequence of a batch."""
    if value is None:
        return np.zeros((B, H))
    value = as_float_array(name, value)
    if batched and value.shape == (B, H):
        return value
    expect_shape(name, value, (H,) if not batched or value.ndim == 1 else (B, H))
    return np.broadcast_to(value, (B, H)).copy()


def forward(params, xs, h0=None, c0=None):
    """Run the LSTM over ``xs`` and return the Trace of every step.

    ``xs`` is (T, D), (T, B, D), or (T,) when D == 1 (the seeds pass ``[1, 2, 3]``).
    ``h0`` and ``c0`` default to zeros.
    """
    xs, batched = as_sequence(params, xs)  # (T, B, D)
    T, B, _ = xs.shape
    H = params.hidden_size
    h0 = initial_state("h0", h0, B, H, batched)  # (B, H)
    c0 = initial_state("c0", c0, B, H, batched)  # (B, H)

    # The input half of every pre-activation in one GEMM; the loop adds W_h h_{t-1}, then b,
    # the seeds' order of additions, so that their printed digits come out exactly.
    a = xs @ params.W_x.T  # (T, B, 4H), becomes [i | f | g | o] step by step
    c = np.empty((T, B, H))
    h = np.empty((T, B, H))
    tanh_c = np.empty((T, B, H))
    W_hT = params.W_h.T  # (H, 4H)
    gate = split(a, H)  # every step's gate blocks, each (T, B, H)
    # Scratch buffers, reused by every step: no temporaries inside the loop
    Wh_h = np.empty((B, 4 * H))  # W_h h_{t-1}
    z_g = np.empty((B, H))  # z_g, kept aside while σ runs over the whole row
    i_g = np.empty((B, H))  # i_t * g_t
    h_prev, c_prev = h0, c0
    # step t's views: z (B, 4H), which holds W_x x_t, then i, f, g, o, c_t, tanh(c_t), h_t (B, H)
    steps = zip(a, gate["i"], gate["f"], gate["g"], gate["o"], c, tanh_c, h)
    with np.errstate(over="ignore"):  # σ's e^(-z) = inf for z < -709 gives σ = 0 exactly
        for z, i, f, g, o, c_t, tanh_c_t, h_t in steps:
            z += np.dot(h_prev, W_hT, out=Wh_h)  # z = W_x x_t + W_h h_{t-1}
            z += params.b  #     + b
            # σ over all four blocks in one go (fewer numpy calls than the i|f and o slices
            # apart; the g block's σ is wasted work, cheaper than the calls it saves)
            np.copyto(z_g, g)
            sigmoid_inplace(z)  # i, f, o = σ(z_i), σ(z_f), σ(z_o)
            np.tanh(z_g, out=g)  # g = tanh(z_g)
            np.multiply(f, c_prev, out=c_t)  # c_t = f_t * c_{t-1}
            c_t += np.multiply(i, g, out=i_g)  #       + i_t * g_t
            np.tanh(c_t, out=tanh_c_t)
            np.multiply(o, tanh_c_t, out=h_t)  # h_t = o_t * tanh(c_t)
            h_prev, c_prev = h_t, c_t

    y = None
    if params.has_readout:
        y = h @ params.W_y.T  # (T, B, O)
        y += params.b_y
    return Trace(xs=xs, h0=h0, c0=c0, a=a, c_all=c, h_all=h, tanh_c=tanh_c, y_all=y, batched=batched)
