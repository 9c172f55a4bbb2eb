"""Lesson 05's runs: the gradient by lag for an LSTM and an RNN of the same size, and the cell path's carry.

Thin wrappers around ``lstm_core.flow``, so that the explorer, the printouts and the questions
of lesson 05 all measure the same two models on the same inputs.

Notation
--------
T       : int      steps (50 in the lesson); lag k = 0 .. T-1 is step T - k
H       : int      hidden units of both models (8 in the lesson)
b_f     : scalar   the LSTM's forget-gate bias (every unit), ``forget_bias`` in code
scale   : scalar   weights drawn N(0, scale²/H) (``flow.lstm_for_flow`` / ``flow.rnn_for_flow``)
L       : scalar   L = Σ h_T, the sum of the last hidden state
dx[k]   : (T,)     ‖∂L/∂x_{T-k}‖ of either model
dc[k]   : (T,)     ‖∂L/∂c_{T-k}‖ of the LSTM;  dh[k] = ‖∂L/∂h_{T-k}‖ of the RNN
carry_t : (T, H)   Π_{s=1..t} f_s per unit: ∂c_t/∂c_0 along the cell path alone

Equations
---------
c_t = f_t c_{t-1} + i_t g_t     ->  ∂c_t/∂c_{t-1} = diag(f_t)  (the cell path; the constant error carousel)
                                    ∂c_t/∂c_0 along it = Π_{s=1..t} f_s
f_t = σ(b_f) at every step      ->  Π_{s=1..t} f_s = σ(b_f)^t   (``constant_carry``: W_xf = W_hf = 0)
h_t = tanh(W_x x_t + W_h h_{t-1} + b)  ->  ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_h  (the RNN: no additive path)
"""

from dataclasses import dataclass

import numpy as np

from .checks import as_float_array, expect_int
from .flow import cell_carry, flow_inputs, lstm_for_flow, lstm_gradient_by_lag, rnn_for_flow, rnn_gradient_by_lag
from .params import LSTMParams
from .sequence import forward

#: the lesson's models and the explorers' starting values
DEFAULTS = {"T": 50, "H": 8, "b_f": 1.0, "scale": 1.0, "seed": 0}
#: the lags the readout tables show (lag 49 is x_1, the first input, when T = 50)
READOUT_LAGS = (1, 10, 30, 49)
#: "vanished": the threshold of ``first_lag_below`` the lesson uses
VANISHED = 1e-6


def _scalar(name, value):
    arr = as_float_array(name, value)
    if arr.ndim != 0:
        raise ValueError(f"{name}: expected one number, got an array of shape {tuple(arr.shape)}")
    return float(arr)


@dataclass(eq=False)
class FlowRun:
    """Both models on the same inputs: their parameters and their gradient norms by lag, each (T,)."""

    forget_bias: float
    scale: float
    xs: np.ndarray  # (T, 1)
    lstm_params: LSTMParams
    rnn_params: object  # RNNParams
    lstm: dict  # lag, dx, dc: (T,) each
    rnn: dict  # lag, dx, dh: (T,) each

    @property
    def T(self):
        return self.xs.shape[0]

    @property
    def series(self):
        """The four curves of the lesson's plot by name, each (T,) indexed by lag."""
        return {"lstm_dx": self.lstm["dx"], "lstm_dc": self.lstm["dc"], "rnn_dx": self.rnn["dx"],
                "rnn_dh": self.rnn["dh"]}


def flow_run(forget_bias=DEFAULTS["b_f"], scale=DEFAULTS["scale"], T=DEFAULTS["T"], hidden_size=DEFAULTS["H"],
             seed=DEFAULTS["seed"]):
    """``lstm_for_flow(H, b_f, scale, seed)`` and ``rnn_for_flow(H, scale, seed)`` on ``flow_inputs(T, seed)``,
    with ``lstm_gradient_by_lag`` and ``rnn_gradient_by_lag`` of each."""
    b_f = _scalar("forget_bias", forget_bias)
    scale = _scalar("scale", scale)
    xs = flow_inputs(T, seed=seed)  # (T, 1)
    lstm_params = lstm_for_flow(hidden_size, forget_bias=b_f, scale=scale, seed=seed)
    rnn_params = rnn_for_flow(hidden_size, scale=scale, seed=seed)
    return FlowRun(forget_bias=b_f, scale=scale, xs=xs, lstm_params=lstm_params, rnn_params=rnn_params,
                   lstm=lstm_gradient_by_lag(lstm_params, xs), rnn=rnn_gradient_by_lag(rnn_params, xs))


def first_lag_below(norms, threshold=VANISHED):
    """The first lag k with ``norms[k] < threshold`` (an int), or None if it never falls below."""
    norms = as_float_array("norms", norms)
    if norms.ndim != 1:
        raise ValueError(f"norms: expected one value per lag, shape (T,), got {tuple(norms.shape)}")
    threshold = _scalar("threshold", threshold)
    below = np.flatnonzero(norms < threshold)
    return int(below[0]) if below.size else None


@dataclass(eq=False)
class CarryRun:
    """The flow LSTM's forget gates and their running product. ``f`` and ``carry`` are (T, H);
    ``constant`` (T,) is σ(b_f)^t, the product if every f_t were σ(b_f) (no input, no recurrence)."""

    forget_bias: float
    trace: object  # Trace
    f: np.ndarray  # (T, H)
    carry: np.ndarray  # (T, H): row t - 1 is Π_{s=1..t} f_s
    constant: np.ndarray  # (T,): σ(b_f)^t

    @property
    def T(self):
        return self.f.shape[0]


def constant_forget_lstm(forget_bias):
    """An LSTM (H = D = 1) with every weight 0 and b = [0, b_f, 0, 0]: f_t = σ(b_f) at every step."""
    b_f = _scalar("forget_bias", forget_bias)
    return LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=[0.0, b_f, 0.0, 0.0])


def constant_carry(forget_bias, steps):
    """Π_{s=1..t} f_s for t = 1..``steps`` when f_t = σ(b_f) at every step, shape (steps,).

    Computed the lesson's way: run ``constant_forget_lstm(b_f)`` for ``steps`` steps and take
    ``cell_carry`` of its trace, so the last entry is σ(b_f)^steps.
    """
    steps = expect_int("steps", steps)
    trace = forward(constant_forget_lstm(forget_bias), np.zeros(steps))
    return cell_carry(trace)[:, 0]  # (steps,)


def carry_run(forget_bias=DEFAULTS["b_f"], scale=DEFAULTS["scale"], T=DEFAULTS["T"], hidden_size=DEFAULTS["H"],
              seed=DEFAULTS["seed"]):
    """The lesson's LSTM (``lstm_for_flow``) on ``flow_inputs(T, seed)``: its f_t and Π f per unit, and σ(b_f)^t."""
    b_f = _scalar("forget_bias", forget_bias)
    params = lstm_for_flow(hidden_size, forget_bias=b_f, scale=scale, seed=seed)
    trace = forward(params, flow_inputs(T, seed=seed))
    return CarryRun(forget_bias=b_f, trace=trace, f=np.asarray(trace.f), carry=cell_carry(trace),
                    constant=constant_carry(b_f, T))


__all__ = ["DEFAULTS", "READOUT_LAGS", "VANISHED", "CarryRun", "FlowRun", "carry_run", "constant_carry",
           "constant_forget_lstm", "first_lag_below", "flow_run"]
