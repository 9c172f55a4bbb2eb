"""The record of a forward pass: every gate at every step, given back as the caller gave the inputs.

Notation
--------
T steps, B sequences in a batch, D inputs, H hidden units, O readout outputs.
xs      : (T, B, D)   inputs, stored with the batch axis
i f g o : (T, B, H)   the LSTM's gates of every step (``Trace``)
c, h    : (T, B, H)   cell states c_1 .. c_T and hidden states h_1 .. h_T
y       : (T, B, O)   the readout, or None without one

``TraceBase`` is what the LSTM's ``Trace``, the RNN's ``RNNTrace`` and the GRU's ``GRUTrace`` share:
arrays stored with the batch axis (``*_all``), given back without it (``x, h, y, ...``) when the
caller passed one sequence. ``sequence.forward`` and ``fast.forward_fast`` both return a ``Trace``.
"""

from dataclasses import dataclass

import numpy as np

from .elementary import tanh
from .gates import GATES


class TraceBase:
    """What Trace, RNNTrace and GRUTrace share: arrays stored with the batch axis, given back as the caller gave them.

    A dataclass using it has the fields ``xs`` (T, B, D), ``h0`` (B, H), ``h_all`` (T, B, H),
    ``y_all`` (T, B, O) or None, and ``batched``. ``x``, ``h`` and ``y`` are those arrays
    without the batch axis when the caller passed one sequence.
    """

    def as_given(self, arr):
        """``arr`` (T, B, ...) as (T, ...) when the caller gave one sequence, else unchanged."""
        return arr if self.batched or arr is None else arr[:, 0]

    @property
    def T(self):
        return self.xs.shape[0]

    @property
    def hidden_size(self):
        return self.h_all.shape[-1]

    @property
    def x(self):
        return self.as_given(self.xs)

    @property
    def h(self):
        return self.as_given(self.h_all)

    @property
    def y(self):
        return self.as_given(self.y_all)

    @property
    def initial_h(self):
        return self.h0 if self.batched else self.h0[0]

    @property
    def prediction(self):
        """The readout at the last step, y_T (None without a readout)."""
        return None if self.y_all is None else self.y[-1]


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


__all__ = ["Trace", "TraceBase"]
