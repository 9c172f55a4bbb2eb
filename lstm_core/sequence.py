"""The sequence forward pass: a plain loop over t that returns the Trace of every gate at every step.

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

import numpy as np

from .cell import VARIANTS, cell_equations, check_variant
from .fast import forward_fast
from .readout import readout
from .sequences import as_sequence, initial_state
from .trace import Trace


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
    if fast:  # the fast path sits beside this one, in its own module
        return forward_fast(params, xs, h0, c0, batched, variant)

    i, f, g, o, c, h = (np.empty((T, B, H)) for _ in range(6))  # every step's values, each (T, B, H)
    h_prev, c_prev = h0, c0
    for t, x in enumerate(xs):  # x_t: (B, D)
        i[t], f[t], g[t], o[t], c[t], h[t] = cell_equations(params, x, h_prev, c_prev, variant)
        h_prev, c_prev = h[t], c[t]
    return Trace(xs=xs, h0=h0, c0=c0, i_all=i, f_all=f, g_all=g, o_all=o, c_all=c, h_all=h,
                 y_all=readout(params, h), batched=batched, variant=variant)


__all__ = ["Trace", "forward", "VARIANTS"]
