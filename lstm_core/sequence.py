"""The sequence forward pass, and the Trace of every gate at every step.

Notation
--------
T steps, B sequences in a batch, D inputs, H hidden units, O readout outputs.
xs      : (T, B, D)   inputs;  (T, D) for one sequence, or (T,) when D == 1
i f g o : (T, B, H)   the gates of every step
c, h    : (T, B, H)   cell states c_1 .. c_T and hidden states h_1 .. h_T
y       : (T, B, O)   the readout, when the params have one

Equations
---------
z_t = W_x x_t + W_h h_{t-1} + b
i_t, f_t, g_t, o_t = σ(z_i), σ(z_f), tanh(z_g), σ(z_o)
c_t = f_t * c_{t-1} + i_t * g_t
h_t = o_t * tanh(c_t)
y_t = W_y h_t + b_y

``forward`` is a plain loop over t that calls the step's equations (``cell.cell_equations``).
``forward(..., fast=True)`` runs ``lstm_core.fast.forward_fast`` instead: the same equations
with BLAS products and buffers reused in place, for training and benchmarks. The two agree to
1e-12, and bit for bit on the worked examples (``tests/core/test_fast.py``).
"""

from dataclasses import dataclass

import numpy as np

from .arrays import TraceBase
from .cell import VARIANTS, cell_equations, check_variant, tanh, weighted_sum
from .checks import as_float_array, expect_shape
from .gates import GATES


@dataclass(eq=False)
class Trace(TraceBase):
    """Everything the forward pass computed. Arrays are (T, H) for one sequence, (T, B, H) for a batch.

    ``i, f, g, o, c, h`` are the named quantities, ``y`` the readout (or None), ``x`` the inputs,
    ``h0, c0`` the initial state and ``variant`` the cell's variant (one of ``VARIANTS``).
    The ``*_all`` fields keep the batch axis, (T, B, H), whatever the caller gave.
    """

    xs: np.ndarray  # (T, B, D)
    h0: np.ndarray  # (B, H)
    c0: np.ndarray  # (B, H)
    i_all: np.ndarray  # (T, B, H)
    f_all: np.ndarray  # (T, B, H)
    g_all: np.ndarray  # (T, B, H)
    o_all: np.ndarray  # (T, B, H)
    c_all: np.ndarray  # (T, B, H)
    h_all: np.ndarray  # (T, B, H)
    y_all: np.ndarray  # (T, B, O) or None
    batched: bool
    variant: str = "vanilla"

    # as_given, T, hidden_size, initial_h, x, h, y and prediction come from TraceBase

    @property
    def i(self):
        return self.as_given(self.i_all)

    @property
    def f(self):
        return self.as_given(self.f_all)

    @property
    def g(self):
        return self.as_given(self.g_all)

    @property
    def o(self):
        return self.as_given(self.o_all)

    @property
    def c(self):
        return self.as_given(self.c_all)

    @property
    def tanh_c_all(self):
        """tanh(c_t) of every step, (T, B, H): what the output gate scales (h_t = o_t c_t under ``no_output_tanh``)."""
        return tanh(self.c_all)  # the cell's tanh (elementary.py): the same bits as the h it made

    @property
    def tanh_c(self):
        """``tanh_c_all`` as the caller gave the sequence."""
        return self.as_given(self.tanh_c_all)

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


def readout(params, h):
    """y = W_y h + b_y for every step, (T, B, H) -> (T, B, O), or None without a readout.

    In a fixed order (``weighted_sum``), so that the printed prediction is the same on every CPU.
    """
    if not params.has_readout:
        return None
    return weighted_sum(params.W_y, h) + params.b_y


def forward(params, xs, h0=None, c0=None, variant="vanilla", fast=False):
    """Run the LSTM over ``xs`` and return the Trace of every step.

    ``xs`` is (T, D), (T, B, D), or (T,) when D == 1 (the worked examples pass ``[1, 2, 3]``).
    ``h0`` and ``c0`` default to zeros. ``variant`` is one of ``VARIANTS`` (see
    ``cell.cell_equations``). ``fast=True`` chooses the fast path (``lstm_core.fast``).
    """
    check_variant(variant)
    xs, batched = as_sequence(params, xs)  # (T, B, D)
    T, B, _ = xs.shape
    H = params.hidden_size
    h0 = initial_state("h0", h0, B, H, batched)  # (B, H)
    c0 = initial_state("c0", c0, B, H, batched)  # (B, H)
    if fast:
        from .fast import forward_fast  # the fast path sits beside this one, in its own module

        return forward_fast(params, xs, h0, c0, batched, variant)

    steps = []  # (i, f, g, o, c, h) of every step, each (B, H)
    h, c = h0, c0
    for x in xs:  # x_t: (B, D)
        i, f, g, o, c, h = cell_equations(params, x, h, c, variant)
        steps.append((i, f, g, o, c, h))
    i, f, g, o, c, h = (np.stack(q) for q in zip(*steps))  # each (T, B, H)
    return Trace(xs=xs, h0=h0, c0=c0, i_all=i, f_all=f, g_all=g, o_all=o, c_all=c, h_all=h,
                 y_all=readout(params, h), batched=batched, variant=variant)


__all__ = ["Trace", "forward", "readout", "VARIANTS"]
