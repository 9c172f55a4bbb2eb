"""Many small models run as one: stacked block-diagonally, so one forward and one backward pass serve them all.

Lesson 05 averages the gradient flow over several random draws of an LSTM and an RNN, and its explorer redraws
on every slider move. One pass over a model of n·H units costs about what one pass over H units costs (the
step's overhead dominates at this size), while n separate passes cost n times as much.

Notation
--------
n models (draws) d = 0 .. n-1, each with H units and D inputs, on sequences of T steps.
W_x^d (G·H, D), W_h^d (G·H, H), b^d (G·H,)   model d's weights, G gate blocks (4 for the LSTM, 1 for the RNN)
W_x (G·nH, nD), W_h (G·nH, nH), b (G·nH,)    the stacked model
xs (T, nD)                                   model d's inputs in columns d·D .. (d+1)·D

Equations
---------
Gate block k of the stacked model is [block k of model 0; ...; block k of model n-1], and within it
unit block d reads only input columns d and hidden block d:

    W_x[k·nH + d·H + j, d·D + m] = W_x^d[k·H + j, m],   W_h[k·nH + d·H + j, d·H + l] = W_h^d[k·H + j, l]

and every other entry is 0. No weight connects two blocks, so units d·H .. (d+1)·H of the stacked model
compute exactly what model d computes, and for a loss that is a sum of the models' losses the gradient
with respect to block d's inputs and states is model d's own gradient.

``lstm_backward_each`` runs the stacked model on the fast path by default (``fast=True``): at n·H = 64
units BLAS pays for itself. Either way the per-model results agree with running each model alone to about
1e-15, not bit for bit: BLAS sums in a CPU-dependent order, and even the plain path's fixed-order sums add
the zeros between the blocks, which regroups them (``tests/core/test_side_by_side.py``).
"""

import numpy as np

from .bptt import backward
from .checks import as_float_array
from .params import LSTMParams
from .rnn import RNNParams, rnn_backward, rnn_forward
from .sequence import forward


def _same_sizes(models, kind):
    if not models:
        raise ValueError("models: expected at least one model, got none")
    for m in models:
        if not isinstance(m, kind):
            raise TypeError(f"models: expected {kind.__name__} for every model, got {type(m).__name__}")
        if m.has_readout:
            raise ValueError("models: side by side runs the recurrent layers only; give models without a readout")
    H, D = models[0].hidden_size, models[0].input_size
    for m in models:
        if (m.hidden_size, m.input_size) != (H, D):
            raise ValueError(f"models: expected the same sizes for every model, H={H} and D={D}, "
                             f"got H={m.hidden_size} and D={m.input_size}")
    return len(models), H, D


def stack(models):
    """One model (LSTMParams or RNNParams) that runs ``models`` side by side: see the Equations above."""
    kind = LSTMParams if models and isinstance(models[0], LSTMParams) else RNNParams
    n, H, D = _same_sizes(models, kind)
    G = 4 if kind is LSTMParams else 1
    W_x, W_h, b = np.zeros((G * n * H, n * D)), np.zeros((G * n * H, n * H)), np.zeros(G * n * H)
    for d, m in enumerate(models):
        inputs, units = slice(d * D, (d + 1) * D), slice(d * H, (d + 1) * H)
        for k in range(G):
            rows, small = slice(k * n * H + d * H, k * n * H + (d + 1) * H), slice(k * H, (k + 1) * H)
            W_x[rows, inputs] = m.W_x[small]
            W_h[rows, units] = m.W_h[small]
            b[rows] = m.b[small]
    return kind(W_x=W_x, W_h=W_h, b=b)


def stack_inputs(xs_list, D):
    """[xs^0, ..., xs^(n-1)], each (T, D) (or (T,) when D == 1) -> (T, nD), model d's in columns d·D .. (d+1)·D."""
    arrays = [as_float_array("xs", xs) for xs in xs_list]
    arrays = [a[:, None] if a.ndim == 1 and D == 1 else a for a in arrays]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1 or arrays[0].ndim != 2 or arrays[0].shape[1] != D:
        raise ValueError(f"xs: expected one sequence (T, {D}) per model, all of the same T, "
                         f"got shapes {sorted(shapes)}")
    return np.hstack(arrays)  # (T, nD)


def unstack(arr, n):
    """(..., n·K) -> n views (..., K): block d of the last axis belongs to model d."""
    K = arr.shape[-1] // n
    return [arr[..., d * K : (d + 1) * K] for d in range(n)]


def lstm_backward_each(models, xs_list, dh_list, fast=True):
    """For each LSTM d, what ``backward(m, forward(m, xs), dh, return_dc=True)`` gives besides the weight
    gradients, computed for all of them in one forward and one backward pass of the stacked model.

    ``xs_list[d]`` (T, D) and ``dh_list[d]`` (T, H) are one sequence per model. Returns a list of
    ``(dxs, dh0, dc0, dc)`` per model: (T, D), (H,), (H,), (T, H).
    """
    n, H, D = _same_sizes(models, LSTMParams)
    big = stack(models)
    trace = forward(big, stack_inputs(xs_list, D), fast=fast)
    dh = np.hstack([as_float_array("dh", a) for a in dh_list])  # (T, nH)
    _, dxs, dh0, dc0, dc = backward(big, trace, dh, return_dc=True, fast=fast)
    return list(zip(unstack(dxs, n), unstack(dh0, n), unstack(dc0, n), unstack(dc, n)))


def rnn_backward_each(models, xs_list, dh_list):
    """For each RNN d, what ``rnn_backward(m, rnn_forward(m, xs), dh, return_dh=True)`` gives besides the weight
    gradients, in one pass of the stacked RNN. Returns a list of ``(dxs, dh0, dh)`` per model: (T, D), (H,), (T, H)."""
    n, H, D = _same_sizes(models, RNNParams)
    big = stack(models)
    trace = rnn_forward(big, stack_inputs(xs_list, D))
    dh = np.hstack([as_float_array("dh", a) for a in dh_list])  # (T, nH)
    _, dxs, dh0, dh_total = rnn_backward(big, trace, dh, return_dh=True)
    return list(zip(unstack(dxs, n), unstack(dh0, n), unstack(dh_total, n)))


__all__ = ["lstm_backward_each", "rnn_backward_each", "stack", "stack_inputs", "unstack"]
