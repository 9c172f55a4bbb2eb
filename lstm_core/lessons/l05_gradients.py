"""Gradient flow: how much of dL at the last step reaches k steps back, LSTM against RNN.

Notation
--------
T steps, lag k = 0 .. T-1 counts back from the last step: lag k is step T - k.
L = Σ h_T, the sum of the last hidden state (over units, and over the batch): a fixed
scalar of the last step, so that every lag is measured against the same loss.
dx[k] = ‖∂L/∂x_{T-k}‖,  dc[k] = ‖∂L/∂c_{T-k}‖ (LSTM),  dh[k] = ‖∂L/∂h_{T-k}‖ (RNN),
each norm over all the units (and the batch) of that step.

Lesson 05's runs (the explorer, the printouts and the questions all measure the same two models on the same
inputs):

T       : int      steps (50 in the lesson); lag k = 0 .. T-1 is step T - k
H       : int      hidden units of both models (8 in the lesson)
b_f     : scalar   the LSTM's forget-gate bias (every unit), ``forget_bias`` in code
scale   : scalar   weights drawn N(0, scale²/H) (``lstm_for_flow`` / ``rnn_for_flow``)
L       : scalar   L = Σ h_T, the sum of the last hidden state
dx[k]   : (T,)     ‖∂L/∂x_{T-k}‖ of either model
dc[k]   : (T,)     ‖∂L/∂c_{T-k}‖ of the LSTM;  dh[k] = ‖∂L/∂h_{T-k}‖ of the RNN
carry_t : (T, H)   Π_{s=1..t} f_s per unit: ∂c_t/∂c_0 along the cell path alone

Equations
---------
c_t = f_t c_{t-1} + i_t g_t     ->  ∂c_t/∂c_{t-1} = diag(f_t)  (the cell path; the constant error carousel)
                                    ∂c_t/∂c_0 along it = Π_{s=1..t} f_s
f_t = σ(b_f) at every step      ->  Π_{s=1..t} f_s = σ(b_f)^t   (``constant_carry``: W_xf = W_hf = 0)
h_t = tanh(W_x x_t + W_h h_{t-1} + b)  ->  ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_h  (the RNN: no additive path,
                                    a matrix product that shrinks or grows geometrically with the lag)
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import side_by_side
from ..bptt import backward
from ..cell import sigmoid
from ..checks import as_float_array, as_scalar, expect_int
from ..params import LSTMParams
from ..rnn import rnn_backward, rnn_forward, RNNParams
from ..sequence import forward
from ..gradient_descent import clip_by_global_norm
from .l04_conveyor_belt import cell_carry
from .questions import Question


def _last_step_dh(trace):
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
    _, dxs, _, _, dc = backward(params, trace, _last_step_dh(trace), return_dc=True)
    return {"lag": np.arange(trace.T), "dx": _norm_per_step(dxs), "dc": _norm_per_step(dc)}


def rnn_gradient_by_lag(params, xs, h0=None):
    """``dict(lag, dx, dh)`` for L = Σ h_T of the RNN; ``dh[k]`` is the total ∂L/∂h_{T-k}."""
    if not isinstance(params, RNNParams):
        raise TypeError(f"params: expected RNNParams, got {type(params).__name__}")
    trace = rnn_forward(params, xs, h0=h0)
    _, dxs, _, dh = rnn_backward(params, trace, _last_step_dh(trace), return_dh=True)
    return {"lag": np.arange(trace.T), "dx": _norm_per_step(dxs), "dh": _norm_per_step(dh)}


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
DEFAULTS = {"T": 50, "H": 8, "b_f": 1.0, "scale": 1.0, "seed": 0, "draws": 8}
#: the lags the readout tables show (lag 49 is x_1, the first input, when T = 50)
READOUT_LAGS = (1, 10, 30, 49)
#: "vanished": the threshold of ``first_lag_below`` the lesson uses
VANISHED = 1e-6



@dataclass(eq=False)
class FlowRun:
    """Both models, drawn ``draws`` times, and their gradient norms by lag, each (T,).

    The norms are geometric means over the draws (the mean of their logs): one draw of random weights and
    inputs can rank two settings either way, the average of several cannot so easily. ``xs``,
    ``lstm_params`` and ``rnn_params`` are those of the first draw; ``by_draw`` holds every draw's norms.
    """

    forget_bias: float
    scale: float
    xs: np.ndarray  # (T, 1), the first draw's
    lstm_params: LSTMParams
    rnn_params: object  # RNNParams
    lstm: dict  # lag, dx, dc: (T,) each, geometric means over the draws
    rnn: dict  # lag, dx, dh: (T,) each, geometric means over the draws
    by_draw: tuple = ()  # ((lstm dict, rnn dict), ...), one per draw

    @property
    def T(self):
        return self.xs.shape[0]

    @property
    def series(self):
        """The four curves of the lesson's plot by name, each (T,) indexed by lag."""
        return {"lstm_dx": self.lstm["dx"], "lstm_dc": self.lstm["dc"], "rnn_dx": self.rnn["dx"],
                "rnn_dh": self.rnn["dh"]}


def geometric_mean(arrays):
    """exp(mean(log a)) elementwise over equal-shaped arrays of norms (an exact 0 counts as 1e-300)."""
    return np.exp(np.mean(np.log(np.maximum(np.asarray(arrays, dtype=np.float64), 1e-300)), axis=0))


@lru_cache(maxsize=8)
def _rnn_by_lag(scale, T, H, seed, n):
    """The RNN draws' gradient norms by lag, one ``dict(lag, dx, dh)`` per draw. Cached: the RNN has no forget
    gate, so a slider on b_f does not change it."""
    draws = range(seed, seed + n)
    rnns = [rnn_for_flow(H, scale=scale, seed=d) for d in draws]
    inputs = [flow_inputs(T, seed=d) for d in draws]
    each = side_by_side.rnn_backward_each(rnns, inputs, [_last_step_dh_of(T, H)] * n)
    runs = tuple({"lag": np.arange(T), "dx": _norm_per_step(dxs), "dh": _norm_per_step(dh)} for dxs, _, dh in each)
    for run in runs:
        for a in run.values():
            a.flags.writeable = False  # shared by every call: nobody may change them
    return runs


def _last_step_dh_of(T, H):
    """dL/dh_t for L = Σ h_T of one sequence: (T, H), ones at the last step."""
    dh = np.zeros((T, H))
    dh[-1] = 1.0
    return dh


def flow_run(forget_bias=DEFAULTS["b_f"], scale=DEFAULTS["scale"], T=DEFAULTS["T"], hidden_size=DEFAULTS["H"],
             seed=DEFAULTS["seed"], draws=DEFAULTS["draws"]):
    """For each draw d = seed .. seed + draws - 1: ``lstm_for_flow(H, b_f, scale, d)`` and
    ``rnn_for_flow(H, scale, d)`` on ``flow_inputs(T, d)``, with the gradient norms of ``lstm_gradient_by_lag``
    and ``rnn_gradient_by_lag`` of each; the run's norms are their geometric means over the draws.

    The draws run side by side (``lstm_core.side_by_side``: one block-diagonal model, one forward and one
    backward pass for all of them, on the fast path), fast enough for a slider;
    tests/lessons/test_l05_lag.py checks each draw against ``lstm_gradient_by_lag`` on the plain path.
    """
    b_f = as_scalar("forget_bias", forget_bias)
    scale = as_scalar("scale", scale)
    seed = expect_int("seed", seed, minimum=0)
    n = expect_int("draws", draws)
    H = expect_int("hidden_size", hidden_size)
    T = expect_int("T", T)
    lag = np.arange(T)
    lstms = [lstm_for_flow(H, forget_bias=b_f, scale=scale, seed=d) for d in range(seed, seed + n)]
    inputs = [flow_inputs(T, seed=d) for d in range(seed, seed + n)]
    # the lesson prints these norms to 3 digits; the fast path agrees with the plain one to ~1e-15
    each = side_by_side.lstm_backward_each(lstms, inputs, [_last_step_dh_of(T, H)] * n, fast=True)
    lstm_runs = [{"lag": lag, "dx": _norm_per_step(dxs), "dc": _norm_per_step(dc)} for dxs, _, _, dc in each]
    runs = [(mine, dict(rnn)) for mine, rnn in zip(lstm_runs, _rnn_by_lag(scale, T, H, seed, n))]
    lstm = {"lag": lag, **{k: geometric_mean([r[0][k] for r in runs]) for k in ("dx", "dc")}}
    rnn = {"lag": lag, **{k: geometric_mean([r[1][k] for r in runs]) for k in ("dx", "dh")}}
    return FlowRun(forget_bias=b_f, scale=scale, xs=inputs[0], lstm_params=lstms[0],
                   rnn_params=rnn_for_flow(H, scale=scale, seed=seed), lstm=lstm, rnn=rnn, by_draw=tuple(runs))


def growth_by_draw(forget_bias=5.0, draws=16, lag=DEFAULTS["T"] - 1, **settings):
    """‖∂L/∂c‖ at lag 0 and at ``lag`` in each of ``draws`` draws: a (draws, 2) array. Where the second
    is larger, the gradient on the cell state grew on its way back."""
    run = flow_run(forget_bias, draws=draws, **settings)
    return np.array([[lstm["dc"][0], lstm["dc"][lag]] for lstm, _ in run.by_draw])  # (draws, 2)


def clipped(grads, clip):
    """``(norm before, norm after, cosine)`` of clipping a copy of ``grads`` to global norm ``clip`` the way
    ``lstm_core.train(clip=...)`` does (``clip_by_global_norm``); the cosine of before and after is 1 when
    the direction is kept."""
    before = np.concatenate([a.ravel() for a in grads.arrays().values()])
    copy = grads.copy()
    clip_by_global_norm(copy, clip)
    after = np.concatenate([a.ravel() for a in copy.arrays().values()])
    cosine = float(before @ after / (np.linalg.norm(before) * np.linalg.norm(after)))
    return float(np.linalg.norm(before)), float(np.linalg.norm(after)), cosine


def flow_gradients(forget_bias=5.0, seed=0, T=DEFAULTS["T"], hidden_size=DEFAULTS["H"]):
    """dL/d(W_x, W_h, b) of one flow LSTM for L = Σ h_T (an LSTMParams of gradients)."""
    params = lstm_for_flow(hidden_size, forget_bias=forget_bias, seed=seed)
    trace = forward(params, flow_inputs(T, seed=seed))
    return backward(params, trace, _last_step_dh(trace))[0]


def first_lag_below(norms, threshold=VANISHED):
    """The first lag k with ``norms[k] < threshold`` (an int), or None if it never falls below."""
    norms = as_float_array("norms", norms)
    if norms.ndim != 1:
        raise ValueError(f"norms: expected one value per lag, shape (T,), got {tuple(norms.shape)}")
    threshold = as_scalar("threshold", threshold)
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
    b_f = as_scalar("forget_bias", forget_bias)
    return LSTMParams(W_x=np.zeros((4, 1)), W_h=np.zeros((4, 1)), b=[0.0, b_f, 0.0, 0.0])


def constant_carry(forget_bias, steps):
    """Π_{s=1..t} f_s for t = 1..``steps`` when f_t = σ(b_f) at every step, shape (steps,).

    What ``cell_carry`` gives for ``constant_forget_lstm(b_f)`` run ``steps`` steps (the lesson's way,
    and tests/lessons/test_l05_lag.py checks it digit for digit): there z_f = 0·x + 0·h + b_f = b_f exactly, so
    each f_t is σ(b_f), and the running product is taken here without running the cell (the lesson 05
    explorer redraws this on every move of b_f).
    """
    steps = expect_int("steps", steps)
    b_f = as_scalar("forget_bias", forget_bias)
    f = sigmoid(np.full((steps, 1), b_f))  # (steps, 1): f_t, shaped like a trace's f
    return np.cumprod(f, axis=0)[:, 0]  # (steps,)


def carry_run(forget_bias=DEFAULTS["b_f"], scale=DEFAULTS["scale"], T=DEFAULTS["T"], hidden_size=DEFAULTS["H"],
              seed=DEFAULTS["seed"]):
    """The lesson's LSTM (``lstm_for_flow``) on ``flow_inputs(T, seed)``: its f_t and Π f per unit, and σ(b_f)^t."""
    b_f = as_scalar("forget_bias", forget_bias)
    params = lstm_for_flow(hidden_size, forget_bias=b_f, scale=scale, seed=seed)
    trace = forward(params, flow_inputs(T, seed=seed))
    return CarryRun(forget_bias=b_f, trace=trace, f=np.asarray(trace.f), carry=cell_carry(trace),
                    constant=constant_carry(b_f, T))


__all__ = ["DEFAULTS", "READOUT_LAGS", "VANISHED", "CarryRun", "FlowRun", "carry_run", "clipped", "constant_carry",
           "constant_forget_lstm", "first_lag_below", "flow_gradients", "flow_run", "geometric_mean",
           "growth_by_draw"]


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


GROWS = (
    "no: σ and tanh have slopes of at most 1, so each step back can only shrink it",
    "yes: it is a product of one-step factors, and factors above 1 make it grow",
    "only in a vanilla RNN: an LSTM's forget gate keeps every factor at most 1",
)
CLIPS = (
    "it scales the whole gradient by 1/50: norm 1, same direction",
    "it sets every entry larger than 1 to 1, one entry at a time",
    "it skips that update, since such a gradient cannot be trusted",
)


def grows_choice(forget_bias=5.0, draws=16):
    """Which of GROWS the flow LSTM shows: does ‖∂L/∂c‖ ever grow from lag 0 to lag T - 1?"""
    growth = growth_by_draw(forget_bias, draws)
    return GROWS[1] if np.any(growth[:, 1] > growth[:, 0]) else GROWS[0]


def clip_choice(norm=50.0, clip=1.0):
    """Which of CLIPS ``clip_by_global_norm`` does to a gradient of global norm ``norm``, measured."""
    grads = flow_gradients()
    scale = norm / float(np.sqrt(sum(np.sum(a ** 2) for a in grads.arrays().values())))
    for a in grads.arrays().values():
        a *= scale
    before, after, cosine = clipped(grads, clip)
    if abs(after - clip) < 1e-9 * clip and abs(cosine - 1.0) < 1e-12:
        return CLIPS[0]
    return None


@lru_cache(maxsize=1)
def _measured():
    """The runs behind the questions (about half a second; every quiz cell asks for all of them)."""
    lag, b_low, b_high = 30, DEFAULTS["b_f"], 3.0
    low_run, high_run = flow_run(forget_bias=b_low), flow_run(forget_bias=b_high)
    low, high = float(low_run.lstm["dc"][lag]), float(high_run.lstm["dc"][lag])
    per_draw = tuple(float(h[0]["dc"][lag] / lo[0]["dc"][lag]) for lo, h in zip(low_run.by_draw, high_run.by_draw))
    growth = growth_by_draw(5.0, 16)
    return lag, b_low, b_high, low, high, per_draw, tuple(map(tuple, growth)), grows_choice(), clip_choice()


def raise_bf_ratios():
    """``(mean ratio, per-draw ratios)`` of ‖∂L/∂c‖ at lag 30 when b_f goes from 1 to 3: the geometric mean over
    the draws, and each draw's own ratio (what the raise_bf question and lesson 05's prose quote)."""
    _, _, _, low, high, per_draw, *_ = _measured()
    return high / low, per_draw


def questions():
    b_f, steps = 3.0, 30
    carry = constant_carry(b_f, steps)  # (steps,): Π f for 1..steps steps
    f = float(carry[0])  # one step's product: σ(b_f) itself
    draws = DEFAULTS["draws"]
    lag, b_low, b_high, low, high, per_draw, growth, grows, clip = _measured()
    growth = np.array(growth)  # (16, 2): ‖∂L/∂c‖ at lag 0 and lag 49 per draw
    grew = growth[:, 1] > growth[:, 0]
    most = int(np.argmax(np.where(grew, growth[:, 1], -np.inf)))  # the draw that ends highest, of those that grew
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
            key="raise_bf",
            prompt=(f"In the explorer, at scale = {DEFAULTS['scale']:g}, raise b<sub>f</sub> from {b_low:g} to "
                    f"{b_high:g}. What happens to the LSTM's ‖∂L/∂c<sub>T−{lag}</sub>‖ (lag {lag}), averaged over "
                    f"the {draws} draws?"),
            answer=change_of(low, high),
            choices=CHANGES,
            kind="predict",
            feedback=(
                (CHANGES[1], f"Small changes of f add up over {lag} steps: each step back along the cell path "
                             f"multiplies the gradient by f, and {lag} factors closer to 1 keep far more of it than "
                             f"{lag} factors of about σ({b_low:g})."),
                (CHANGES[2], "A larger b_f brings f closer to 1, and the cell path multiplies the gradient by f at "
                             "each step back: it loses less, not more."),
            ),
            hint=(f"Along the cell path the gradient is multiplied by f ≈ σ(b_f) at every step back. Compare "
                  f"σ({b_low:g})<sup>{lag}</sup> with σ({b_high:g})<sup>{lag}</sup>."),
            explanation=(f"On average over {draws} draws it goes from {low:.2e} to {high:.2e}, {high / low:.0f} "
                         f"times larger: with f closer to 1 the constant error carousel carries far more of the "
                         f"gradient {lag} steps back. Single draws differ a lot, from {min(per_draw):.2f} to "
                         f"{max(per_draw):.0f} times: that is why the lesson averages."),
        ),
        Question(
            key="grows",
            prompt="Can a gradient also <i>grow</i> as it travels back through time?",
            answer=grows,
            choices=GROWS,
            kind="explain",
            feedback=(
                (GROWS[0], "The squashing slopes are at most 1, but W_h multiplies too, and dc_{t−1} adds what "
                           "comes back through h to dc_t·f_t: a step's factor can exceed 1."),
                (GROWS[2], f"At b_f = 5, ‖∂L/∂c‖ is larger 49 steps back than at the last step in {int(grew.sum())} "
                           f"of {len(grew)} draws of this lesson's LSTM."),
            ),
            hint="The gradient k steps back is a product of k one-step factors. What if some are above 1?",
            explanation=(f"At b_f = 5, in {int(grew.sum())} of {len(grew)} draws ‖∂L/∂c‖ is larger at lag 49 than "
                         f"at lag 0, in draw {most} from {growth[most, 0]:.2f} to {growth[most, 1]:.2f}. A product of "
                         "factors above 1 grows geometrically with the number of steps: an exploding gradient."),
            tells=("can also grow", "sometimes grow", "hold or grow", "rises a little towards the left",
                   "grew on the way back"),
        ),
        Question(
            key="clip",
            prompt=("<code>lstm_core.train(..., clip=1.0)</code> meets a gradient whose global norm "
                    "‖∇‖ (over every weight) is 50. What does it do?"),
            answer=clip,
            choices=CLIPS,
            kind="explain",
            feedback=(
                (CLIPS[1], "That is clipping by value, entry by entry, which also turns the gradient's direction; "
                           "clip in train scales the whole gradient at once."),
                (CLIPS[2], "Nothing is skipped: the step is still taken, only shorter."),
            ),
            hint="clip bounds the <i>global</i> norm of the gradient, the length of all of it at once.",
            explanation=("It multiplies every array by clip / ‖∇‖ = 1/50: the norm becomes 1, the direction "
                         "stays (cosine 1), so one huge gradient cannot throw the weights far away."),
            tells=("scales it down to c", "scales the whole gradient", "scales it down", "keeps the direction"),
        ),
    ]
