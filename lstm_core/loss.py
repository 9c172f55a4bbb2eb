"""The training loss: mean squared error of the last step's readout, and its gradients.

Notation
--------
B sequences in a batch, O readout outputs, T steps.
y_T    : (B, O)   readout at the last step   ((O,) for one sequence)
target : (B, O)   what y_T should be          ((O,) for one sequence; a number when O == 1)
dy     : (T, B, O) dL/dy_t, zero except at t = T

Equations
---------
y_T = W_y h_T + b_y
L   = 1/(B O) Σ_b Σ_o (y_T - target)²        the mean over the batch and the outputs
dL/dy_T = 2 (y_T - target) / (B O)           ->  readout_backward: dW_y, db_y, dL/dh_t
dL/dh_t                                       ->  backward (BPTT): dW_x, dW_h, db

The same functions take an ``RNNParams`` (``lstm_core.rnn``) or a ``GRUParams``
(``lstm_core.gru``): only the forward and backward passes differ, the loss and the
readout are shared.
"""

import numpy as np

from .bptt import backward
from .checks import as_float_array, expect_shape
from .gru import GRUParams, gru_backward, gru_forward
from .params import LSTMParams
from .readout import readout_backward
from .rnn import RNNParams, rnn_backward, rnn_forward
from .sequence import forward

# the models the loss (and ``train``) take
MODELS = (LSTMParams, RNNParams, GRUParams)


def _run(params, xs, h0, c0, variant="vanilla", fast=False):
    """The forward pass of any of the models; an RNN or a GRU has no cell state, so ``c0`` must stay None."""
    if not isinstance(params, MODELS):
        raise TypeError(f"params: expected LSTMParams, RNNParams or GRUParams, got {type(params).__name__}")
    if not params.has_readout:
        raise ValueError("params: the loss compares the readout y_T = W_y h_T + b_y with the targets, "
                         "but these params have no readout (W_y is None)")
    if isinstance(params, LSTMParams):
        return forward(params, xs, h0=h0, c0=c0, variant=variant, fast=fast)
    if variant != "vanilla":
        raise ValueError(f"variant: only the LSTM has variants (VARIANTS); got {variant!r} for {type(params).__name__}")
    if c0 is not None:
        raise ValueError(f"c0: {'an RNN' if isinstance(params, RNNParams) else 'a GRU'} has no cell state; "
                         "leave c0 as None")
    if isinstance(params, RNNParams):
        return rnn_forward(params, xs, h0=h0)
    return gru_forward(params, xs, h0=h0, fast=fast)


def _targets(params, trace, targets):
    """``targets`` as (B, O), checked against the shape of the prediction y_T."""
    O = params.output_size
    B = trace.xs.shape[1]
    targets = as_float_array("targets", targets)
    if not trace.batched and targets.ndim == 0 and O == 1:
        targets = targets.reshape(1)  # the worked examples' "predict 4"
    expect_shape("targets", targets, (B, O) if trace.batched else (O,))
    return targets.reshape(B, O)


def mse_loss(params, xs, targets, h0=None, c0=None, variant="vanilla", fast=False):
    """``(loss, trace)``: L = mean over batch and outputs of (y_T - target)², a Python float.

    ``xs`` is (T, D) or (T,) with ``targets`` (O,), or (T, B, D) with ``targets`` (B, O).
    ``params`` needs a readout (W_y, b_y). ``variant`` and ``fast`` go to ``forward`` (LSTM only).
    """
    trace = _run(params, xs, h0, c0, variant, fast)
    targets = _targets(params, trace, targets)  # (B, O)
    err = trace.y_all[-1] - targets  # (B, O)
    return float(np.mean(err**2)), trace


def loss_and_grads(params, xs, targets, h0=None, c0=None, variant="vanilla", fast=False):
    """``(loss, grads, trace)``: the loss of ``mse_loss`` and dL/d(every array), readout included.

    ``grads`` has the type and the arrays of ``params`` (W_x, W_h, b, W_y, b_y). The backward
    pass follows the trace's variant; ``fast`` chooses the fast path for both passes.
    """
    loss, trace = mse_loss(params, xs, targets, h0=h0, c0=c0, variant=variant, fast=fast)
    targets = _targets(params, trace, targets)  # (B, O)
    T, B, O = trace.y_all.shape
    dy = np.zeros((T, B, O))  # (T, B, O): only the last step is in the loss
    dy[-1] = 2.0 * (trace.y_all[-1] - targets) / (B * O)
    dW_y, db_y, dh = readout_backward(params, trace, dy if trace.batched else dy[:, 0])
    if isinstance(params, LSTMParams):
        grads = backward(params, trace, dh, fast=fast)[0]
    elif isinstance(params, RNNParams):
        grads = rnn_backward(params, trace, dh)[0]
    else:
        grads = gru_backward(params, trace, dh, fast=fast)[0]
    grads.W_y, grads.b_y = dW_y, db_y
    return loss, grads, trace
