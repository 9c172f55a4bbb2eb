"""The softmax readout and the cross-entropy loss: an LSTM that predicts the next symbol at every step.

Notation
--------
T steps, B sequences, V symbols (the readout's outputs, O = V), N = T B predictions.
y : (T, B, V)   logits, y_t = W_y h_t + b_y (one score per symbol)
p : (T, B, V)   p_t = softmax(y_t), the predicted distribution over the next symbol
k : (T, B)      targets: the index of the symbol that came next
m : (T, B)      max_v y_t,v, subtracted before e^ (it cancels, and keeps e^ from overflowing)

Equations
---------
p_v   = e^(y_v − m) / Σ_u e^(y_u − m)
log p_v = (y_v − m) − log Σ_u e^(y_u − m)
L     = −1/N Σ_(t,b) log p_(t,b,k)            the mean over every prediction (nats per symbol)
dL/dy = (p − onehot(k)) / N                   ->  dW_y = Σ dyᵀ h,  db_y = Σ dy,  dL/dh_t = dy_t W_y
dL/dh_t                                       ->  backward (BPTT): dW_x, dW_h, db

Many-to-many: every step has a target, so dL/dh_t is non-zero at every t (``loss.py``'s MSE has one
target, at the last step). The plain path (``fast=False``) forms the logits in the fixed order of
``cell.weighted_sum`` and takes e^ from ``elementary.exp`` (the same last bit on every CPU);
``fast=True`` uses one BLAS product for all steps and numpy's exp. The log of log_softmax is
numpy's on both paths: what the lessons print of a loss is rounded far above its last bit.
"""

import numpy as np

from .bptt import backward
from .cell import weighted_sum
from .checks import as_float_array
from .elementary import exp as exact_exp
from .params import LSTMParams
from .sequence import forward

#: how many numbers one plain-path readout product may hold at once (the (…, V, H) products of weighted_sum)
READOUT_CHUNK = 2**21


def _exp(fast):
    return np.exp if fast else exact_exp


def log_softmax(y, fast=False):
    """log p for logits ``y`` (..., V), along the last axis; finite for any finite y."""
    y = as_float_array("y", y)
    shifted = y - y.max(axis=-1, keepdims=True)  # (..., V), max 0: e^ cannot overflow
    return shifted - np.log(_exp(fast)(shifted).sum(axis=-1, keepdims=True))


def softmax(y, fast=False):
    """p = softmax(y) along the last axis: non-negative, sums to 1."""
    y = as_float_array("y", y)
    e = _exp(fast)(y - y.max(axis=-1, keepdims=True))  # (..., V), the largest is e^0 = 1
    return e / e.sum(axis=-1, keepdims=True)


def _targets(targets, shape):
    """``targets`` as an int array of ``shape`` (the logits' shape without V), each in [0, V)."""
    V = shape[-1]
    k = np.asarray(targets)
    if k.dtype.kind not in "iu":
        raise TypeError(f"targets: expected integer symbol indices, got dtype {k.dtype}")
    if k.shape != shape[:-1]:
        raise ValueError(f"targets: expected shape {shape[:-1]} (the logits' shape without V), got {k.shape}")
    if k.size and (k.min() < 0 or k.max() >= V):
        raise ValueError(f"targets: every index must lie in [0, {V}), got {k.min()} .. {k.max()}")
    return k


def cross_entropy(y, targets, fast=False):
    """``(L, dy)``: the mean of −log p_k over every prediction, and dL/dy = (p − onehot(k)) / N.

    ``y`` is (..., V) logits, ``targets`` the integer indices (...,). L is a Python float.
    ``fast`` takes numpy's exp instead of ``elementary.exp``.
    """
    y = as_float_array("y", y)
    k = _targets(targets, y.shape)
    N = k.size
    logp = log_softmax(y, fast)  # (..., V)
    picked = np.take_along_axis(logp, k[..., None], axis=-1)[..., 0]  # log p_k, (...)
    loss = -float(picked.sum()) / N
    dy = _exp(fast)(logp)  # p
    np.put_along_axis(dy, k[..., None], np.take_along_axis(dy, k[..., None], axis=-1) - 1.0, axis=-1)  # p − onehot
    dy /= N
    return loss, dy


def cell_only(params):
    """The LSTM part of ``params`` (W_x, W_h, b), sharing its arrays, without the readout."""
    return LSTMParams(W_x=params.W_x, W_h=params.W_h, b=params.b)


def logits(params, h, fast=False):
    """y = W_y h + b_y for h (..., H) -> (..., V): the fixed order of ``weighted_sum`` unless ``fast``.

    The plain path works through the steps in chunks, so that its (…, V, H) products stay small.
    """
    if not params.has_readout:
        raise ValueError("params: the softmax readout needs W_y and b_y (give output_size = V)")
    h = as_float_array("h", h)
    if fast:
        return h @ params.W_y.T + params.b_y
    V, H = params.W_y.shape
    flat = h.reshape(-1, H)  # every step and sequence a row
    rows = max(1, READOUT_CHUNK // (V * H))
    out = np.empty((flat.shape[0], V))
    for start in range(0, flat.shape[0], rows):
        out[start : start + rows] = weighted_sum(params.W_y, flat[start : start + rows]) + params.b_y
    return out.reshape(h.shape[:-1] + (V,))


def _sequence_targets(targets, trace):
    """``targets`` (T, B), or (T,) for one sequence, as (T, B) integer indices."""
    T, B, _ = trace.h_all.shape
    k = np.asarray(targets)
    shown = (T, B) if trace.batched else (T,)
    if k.shape != shown:
        raise ValueError(f"targets: expected shape {shown} (one symbol per step), got {k.shape}")
    return k.reshape(T, B)


def sequence_loss(params, xs, targets, h0=None, c0=None, fast=False):
    """``(L, trace, y)``: the mean cross-entropy of the next-symbol predictions at every step.

    ``xs`` (T, B, V) or (T, V) one-hot inputs (any real inputs work), ``targets`` (T, B) or (T,)
    integer indices. ``params`` is an LSTMParams with a readout of V outputs.
    """
    trace = forward(cell_only(params), xs, h0=h0, c0=c0, fast=fast)
    y = logits(params, trace.h_all, fast=fast)  # (T, B, V)
    loss, _ = cross_entropy(y, _sequence_targets(targets, trace), fast)
    return loss, trace, y


def sequence_loss_and_grads(params, xs, targets, h0=None, c0=None, fast=False):
    """``(L, grads, trace)``: ``sequence_loss`` and dL/d(W_x, W_h, b, W_y, b_y), through every step.

    ``grads`` is an LSTMParams with the readout's gradients. ``trace.h[-1]`` and ``trace.c[-1]`` are the
    state to carry into the next piece of text (truncated BPTT: the gradient stops at h0, c0).
    """
    cell = cell_only(params)
    trace = forward(cell, xs, h0=h0, c0=c0, fast=fast)
    T, B, H = trace.h_all.shape
    V = params.output_size
    y = logits(params, trace.h_all, fast=fast)  # (T, B, V)
    loss, dy = cross_entropy(y, _sequence_targets(targets, trace), fast)  # dy (T, B, V)
    # y_t = W_y h_t + b_y  ->  dW_y = Σ dy_tᵀ h_t,  db_y = Σ dy_t,  dh_t = dy_t W_y
    dW_y = dy.reshape(T * B, V).T @ trace.h_all.reshape(T * B, H)  # (V, H)
    db_y = dy.sum(axis=(0, 1))  # (V,)
    dh = dy @ params.W_y  # (T, B, H): every step has a target
    grads = backward(cell, trace, dh if trace.batched else dh[:, 0], fast=fast)[0]
    grads.W_y, grads.b_y = dW_y, db_y
    return loss, grads, trace


__all__ = ["softmax", "log_softmax", "cross_entropy", "logits", "sequence_loss", "sequence_loss_and_grads"]
