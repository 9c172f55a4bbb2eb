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


Lesson 05's runs: the gradient by lag for an LSTM and an RNN of the same size, and the cell path's carry.

Thin wrappers around ``lstm_core.lessons.l05_gradients``, so that the explorer, the printouts and the questions
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

from ..bptt import backward
from ..checks import as_float_array, expect_int
from ..params import LSTMParams
from ..rnn import rnn_backward, rnn_forward, RNNParams
from ..sequence import forward
from .questions import Question


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


# lag ------------------------------------------------------------------------------------------------------------------

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


# Questions ------------------------------------------------------------------------------------------------------------

#: the choices of "what happens to the LSTM's gradient at lag 30 when b_f goes up", in the order shown
CHANGES = ("it grows more than 10-fold", "it stays within a factor of 10", "it shrinks more than 10-fold")


def change_of(before, after):
    """Which of CHANGES describes going from ``before`` to ``after`` (positive numbers)."""
    ratio = after / before
    if ratio > 10.0:
        return CHANGES[0]
    if ratio < 0.1:
        return CHANGES[2]
    return CHANGES[1]


def questions():
    b_f, steps = 3.0, 30
    carry = constant_carry(b_f, steps)  # (steps,): Π f for 1..steps steps
    f = float(carry[0])  # one step's product: σ(b_f) itself
    start = flow_run()  # the explorer's starting values
    rnn_lag = first_lag_below(start.rnn["dx"], VANISHED)
    lag, b_low, b_high = 30, DEFAULTS["b_f"], 3.0
    low = float(flow_run(forget_bias=b_low).lstm["dx"][lag])
    high = float(flow_run(forget_bias=b_high).lstm["dx"][lag])
    return [
        Question(
            key="prod30",
            prompt=(f"Suppose the forget gate is f<sub>t</sub> = σ({b_f:g}) at every step. What is the product "
                    f"Π f<sub>t</sub> over {steps} steps, i.e. ∂c<sub>{steps}</sub>/∂c<sub>0</sub> along the cell "
                    f"path? (4 decimals)"),
            answer=float(carry[-1]),
            hint=(f"σ({b_f:g}) = 1 / (1 + e<sup>−{b_f:g}</sup>); multiply it by itself {steps} times, "
                  f"i.e. raise it to the power {steps}."),
            explanation=(f"σ({b_f:g}) = {f:.4f}, and {f:.4f}<sup>{steps}</sup> = {float(carry[-1]):.4f}: after "
                         f"{steps} steps about {100 * float(carry[-1]):.0f} % of the gradient on c is still there."),
        ),
        Question(
            key="rnn_lag",
            prompt=(f"At the explorer's starting values (scale = {DEFAULTS['scale']:g}, T = {DEFAULTS['T']}), "
                    f"at which lag k does the RNN's ‖∂L/∂x<sub>T−k</sub>‖ first fall below 10<sup>−6</sup>? "
                    f"(a whole number)"),
            answer=float(rnn_lag),
            tol=0.5,
            hint=("Follow the solid sky-blue line to the dotted 1e-6 line, or read the column "
                  "'first lag below 1e-6' of the table."),
            explanation=(f"Lag {rnn_lag}: ‖∂L/∂x<sub>T−{rnn_lag}</sub>‖ = {start.rnn['dx'][rnn_lag]:.2e}. Every "
                         f"step back multiplies the RNN's gradient by diag(1 − h²) W<sub>h</sub>, which at this "
                         f"scale shrinks it on average: the line falls roughly straight on the log axis, "
                         f"the mark of a geometric decay."),
        ),
        Question(
            key="raise_bf",
            prompt=(f"In the explorer, at scale = {DEFAULTS['scale']:g}, raise b<sub>f</sub> from {b_low:g} to "
                    f"{b_high:g}. What happens to the LSTM's ‖∂L/∂x<sub>T−{lag}</sub>‖ (lag {lag})?"),
            answer=change_of(low, high),
            choices=CHANGES,
            hint=(f"Along the cell path the gradient is multiplied by f ≈ σ(b_f) at every step back. Compare "
                  f"σ({b_low:g})<sup>{lag}</sup> with σ({b_high:g})<sup>{lag}</sup>."),
            explanation=(f"It goes from {low:.2e} to {high:.2e}, {high / low:.0f} times larger: with f closer to "
                         f"1 the constant error carousel carries far more of the gradient {lag} steps back."),
        ),
    ]
