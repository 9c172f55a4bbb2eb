"""Gradient flow: how much of dL at the last step reaches k steps back, LSTM against RNN.

Notation
--------
T steps, lag k = 0 .. T-1 counts back from the last step: lag k is step T - k.
L = Σ h_T, the sum of the last hidden state (over units, and over the batch): a fixed
scalar of the last step, so that every lag is measured against the same loss.
dx[k] = ‖∂L/∂x_{T-k}‖,  dc[k] = ‖∂L/∂c_{T-k}‖ (LSTM),  dh[k] = ‖∂L/∂h_{T-k}‖ (RNN),
each norm over all the units (and the batch) of that step.

Equations
---------
LSTM, the cell path:   ∂c_t/∂c_{t-1} = diag(f_t)       so along it ∂c_t/∂c_0 = Π_{s<=t} f_s
RNN:                   ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_h,  a matrix product that shrinks
                       (or grows) geometrically with the lag
"""

import numpy as np

from .bptt import backward
from .checks import as_float_array, expect_int
from .params import LSTMParams
from .rnn import RNNParams, rnn_backward, rnn_forward
from .sequence import forward


def _last_step_seed(trace):
    """dL/dh_t for L = Σ h_T: ones at the last step, zeros before, shaped like ``trace.h``."""
    dh = np.zeros(trace.h.shape)  # (T, [B,] H)
    dh[-1] = 1.0
    return dh


def _norm_per_step(arr):
    """‖·‖ of each step of a (T, ...) array, the newest step first: index k is lag k."""
    T = arr.shape[0]
    return np.sqrt(np.sum(arr.reshape(T, -1) ** 2, axis=1))[::-1]  # (T,)


def lstm_gradient_by_lag(params, xs, h0=None, c0=None):
    """``dict(lag, dx, dc)`` for L = Σ h_T: arrays (T,), index k is lag k, i.e. step T - k.

    ``dc[k]`` is the total ∂L/∂c_{T-k} (through h_{T-k} and through c_{T-k+1}); the last lag
    T - 1 is c_1, one step after the initial c_0.
    """
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params: expected LSTMParams, got {type(params).__name__}")
    trace = forward(params, xs, h0=h0, c0=c0)
    _, dxs, _, _, dc = backward(params, trace, _last_step_seed(trace), return_dc=True)
    return {"lag": np.arange(trace.T), "dx": _norm_per_step(dxs), "dc": _norm_per_step(dc)}


def rnn_gradient_by_lag(params, xs, h0=None):
    """``dict(lag, dx, dh)`` for L = Σ h_T of the RNN; ``dh[k]`` is the total ∂L/∂h_{T-k}."""
    if not isinstance(params, RNNParams):
        raise TypeError(f"params: expected RNNParams, got {type(params).__name__}")
    trace = rnn_forward(params, xs, h0=h0)
    _, dxs, _, dh = rnn_backward(params, trace, _last_step_seed(trace), return_dh=True)
    return {"lag": np.arange(trace.T), "dx": _norm_per_step(dxs), "dh": _norm_per_step(dh)}


def cell_carry(trace):
    """Π_{s=1..t} f_s for t = 1..T, shaped like ``trace.f``: ∂c_t/∂c_0 along the cell path alone.

    Row t - 1 is how much of c_0 (elementwise) is still on the conveyor belt after t steps,
    ignoring what the gates' own dependence on h adds.
    """
    return np.cumprod(trace.f, axis=0)  # (T, [B,] H)


def _gaussian(rng, scale, fan_in, *shape):
    # std scale / sqrt(fan_in): scale 1 gives W_h a spectral radius of about 1
    return rng.normal(0.0, scale / np.sqrt(fan_in), size=shape)


def lstm_for_flow(hidden_size=8, forget_bias=1.0, scale=1.0, seed=0, input_size=1):
    """Random LSTM weights N(0, scale²/H) (W_x: scale²/D), zero biases except b_f = ``forget_bias``."""
    H = expect_int("hidden_size", hidden_size)
    D = expect_int("input_size", input_size)
    rng = np.random.default_rng(expect_int("seed", seed, minimum=0))
    scale = _scale(scale)
    forget_bias = float(as_float_array("forget_bias", forget_bias))
    W_x = _gaussian(rng, scale, D, 4 * H, D)  # (4H, D)
    W_h = _gaussian(rng, scale, H, 4 * H, H)  # (4H, H)
    params = LSTMParams(W_x=W_x, W_h=W_h, b=np.zeros(4 * H))
    params.gate("f")[2][:] = forget_bias
    return params


def rnn_for_flow(hidden_size=8, scale=1.0, seed=0, input_size=1):
    """Random RNN weights N(0, scale²/H) (W_x: scale²/D), zero bias: the RNN of the comparison."""
    H = expect_int("hidden_size", hidden_size)
    D = expect_int("input_size", input_size)
    rng = np.random.default_rng(expect_int("seed", seed, minimum=0))
    scale = _scale(scale)
    return RNNParams(W_x=_gaussian(rng, scale, D, H, D), W_h=_gaussian(rng, scale, H, H, H), b=np.zeros(H))


def flow_inputs(length=40, input_size=1, seed=0):
    """Inputs x_t ~ N(0, 1) of shape (length, input_size) to measure the flow on."""
    T = expect_int("length", length)
    D = expect_int("input_size", input_size)
    return np.random.default_rng(expect_int("seed", seed, minimum=0)).normal(size=(T, D))


def _scale(scale):
    scale = float(as_float_array("scale", scale))
    if scale < 0:
        raise ValueError(f"scale: expected a number >= 0, got {scale}")
    return scale
