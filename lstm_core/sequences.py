"""Inputs and initial states, checked and shaped (T, B, D) and (B, H): shared by the LSTM, the RNN and the GRU.

Notation
--------
T steps, B sequences in a batch, D inputs, H hidden units.
xs : (T, B, D)   inputs;  (T, D) for one sequence, or (T,) when D == 1
h0 : (B, H)      an initial state (h0, or the LSTM's c0); (H,) is shared by every sequence of a batch
"""

import numpy as np

from .checks import as_float_array, expect_shape


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


__all__ = ["as_sequence", "initial_state"]
