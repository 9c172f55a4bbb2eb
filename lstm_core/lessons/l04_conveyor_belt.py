"""Memory on the conveyor belt: one pulse, carried by an LSTM's cell state or a tanh RNN's h.

Lesson 04 uses these; every number its explorer, printouts and questions show comes from here.

Notation
--------
T        : int          steps in the sequence, counted 1..T like the plots' axes
t_p      : int          the step of the pulse, 1 <= t_p <= T (``t_pulse`` in code)
x        : (T,)         the input, x_t = 1 at t = t_p and 0 elsewhere (H = D = 1 throughout)
b_f, b_i : scalars      forget- and input-gate biases of the conveyor LSTM (the lesson's sliders)
u        : scalar       the RNN's recurrent weight (W_h of an H = 1 RNN)
carry_t  : (T,)         ∂c_t/∂c_{t_p} along the cell path, ∏_{k=t_p+1}^{t} f_k (NaN before t_p)

Equations
---------
The conveyor LSTM (W_h = 0: h never feeds back, so the cell path is the whole story)::

    i_t = σ(W_xi x_t + b_i)       W_xi = 10: open at the pulse, closed (b_i < 0) elsewhere
    f_t = σ(b_f)                  W_xf = W_hf = 0: the same at every step
    g_t = tanh(W_xg x_t)          W_xg = 2: writes tanh(2) at the pulse, 0 elsewhere
    o_t = σ(b_o)                  b_o = 1: moderately open
    c_t = f_t c_{t-1} + i_t g_t   so after the pulse c_{t_p+k} = σ(b_f)^k c_{t_p}
    h_t = o_t tanh(c_t)

    ∂c_t/∂c_{t-1} = f_t           (the constant error carousel: with f ≈ 1 both the memory
                                   and its gradient ride along unchanged)

The vanilla RNN of the same size (lstm_core.rnn)::

    h_t = tanh(w x_t + u h_{t-1} + b)           w = 2, b = 0
    ∂h_t/∂h_{t-1} = u (1 - h_t²)                 the gradient's factor, the slope
    h_t / h_{t-1} = tanh(u h_{t-1}) / h_{t-1}    the value's ratio after the pulse (x = 0, b = 0)

The two differ: tanh(z)/z >= 1 - tanh²(z), so the slope is below the ratio. For u > 1 the value
latches (the ratio tends to 1) while the slope settles below 1 (a stable fixed point h* of
tanh(u h) has u (1 - h*²) < 1): the RNN holds its value but not its gradient.

Survival: with peak = max_{t >= t_p} |v_t| at step t*, the survival time is s - t_p for the
first step s > t* with |v_s| < fraction · peak, or None ("survives to the end").
"""

import math
from dataclasses import dataclass

import numpy as np

from ..checks import as_float_array, as_scalar, expect_int
from ..params import LSTMParams
from ..rnn import rnn_forward, RNNParams
from ..sequence import forward
from .questions import Question


#: W_xi: the pulse (x = 1) opens the input gate, σ(10 + b_i)
PULSE_GATE_WEIGHT = 10.0
#: W_xg: the pulse writes the candidate tanh(2) = 0.964
CANDIDATE_WEIGHT = 2.0
#: b_o: the output gate σ(1) = 0.731, moderately open
OUTPUT_BIAS = 1.0
#: w: the RNN's input weight, the same as W_xg so both start from tanh(2)
RNN_INPUT_WEIGHT = 2.0

#: the lesson's starting values (the sliders' defaults)
DEFAULTS = {"T": 100, "t_pulse": 10, "b_f": 5.0, "b_i": -5.0, "u": 0.9}



def _pulse_step(T, t_pulse):
    T = expect_int("T", T)
    t_pulse = expect_int("t_pulse", t_pulse)
    if t_pulse > T:
        raise ValueError(f"t_pulse: expected a step 1 <= t_pulse <= T = {T}, got {t_pulse}")
    return T, t_pulse


def pulse(T, t_pulse):
    """The input sequence: (T,) zeros with x = 1 at step ``t_pulse`` (1-based, like the plots)."""
    T, t_pulse = _pulse_step(T, t_pulse)
    xs = np.zeros(T)  # (T,)
    xs[t_pulse - 1] = 1.0
    return xs


def conveyor_lstm(forget_bias=DEFAULTS["b_f"], input_bias=DEFAULTS["b_i"]):
    """The lesson's LSTM (H = D = 1): a constant forget gate σ(b_f), an input gate the pulse opens.

    Rows in GATES order i, f, g, o::

        W_x = [10, 0, 2, 0],  W_h = [0, 0, 0, 0],  b = [b_i, b_f, 0, 1]
    """
    b_f = as_scalar("forget_bias", forget_bias)
    b_i = as_scalar("input_bias", input_bias)
    return LSTMParams(
        W_x=[[PULSE_GATE_WEIGHT], [0.0], [CANDIDATE_WEIGHT], [0.0]],  # (4H, D)
        W_h=np.zeros((4, 1)),  # (4H, H): nothing recurrent, so f stays σ(b_f)
        b=[b_i, b_f, 0.0, OUTPUT_BIAS],  # (4H,)
    )


def conveyor_rnn(recurrent=DEFAULTS["u"], input_weight=RNN_INPUT_WEIGHT, bias=0.0):
    """The RNN of the same size (H = D = 1): h_t = tanh(w x_t + u h_{t-1} + b)."""
    u = as_scalar("recurrent", recurrent)
    w = as_scalar("input_weight", input_weight)
    b = as_scalar("bias", bias)
    return RNNParams(W_x=[[w]], W_h=[[u]], b=[b])


def cell_carry(trace, t_from=0):
    """∂c_t/∂c_{t_from} along the cell path: ∏_{k=t_from+1}^{t} f_k, per step and unit.

    ``t_from = 0`` (the default) starts at c_0: ∏_{s=1..t} f_s, shaped like ``trace.f`` (a batch too),
    how much of c_0 is still on the conveyor belt after t steps. ``t_from`` a step 1..T needs an
    unbatched Trace and returns (T, H): 1 at ``t_from`` (the empty product), the running product of f
    after it, NaN before it (no path goes back). Either way it ignores what the gates' own dependence
    on h adds; when W_h = 0, as in ``conveyor_lstm``, it is the whole derivative, and
    c_t = carry_t · c_{t_from} for every t >= t_from once nothing more is written.

    From a step it is the product from c_0 divided by its value at ``t_from``. That needs
    ∏_{s<=t_from} f_s > 0, true unless f stays near 0 for hundreds of steps (f = σ(-2) would
    need more than 300 to underflow); a ValueError says so if it ever happens.
    """
    from_start = np.cumprod(trace.f, axis=0)  # (T, [B,] H): ∏_{s=1..t} f_s
    if t_from == 0:
        return from_start
    f = np.asarray(trace.f)  # (T, H)
    if f.ndim != 2:
        raise ValueError(f"trace: expected one sequence (f of shape (T, H)), got f of shape {f.shape}")
    T, t_from = _pulse_step(f.shape[0], t_from)
    base = from_start[t_from - 1]  # (H,)
    if np.any(base == 0.0):
        raise ValueError(f"t_from: ∏ f up to step {t_from} underflowed to 0; the carry from there is not defined")
    out = np.full(f.shape, np.nan)  # (T, H)
    out[t_from - 1 :] = from_start[t_from - 1 :] / base
    return out


def rnn_factors(params, trace):
    """Each step's derivative ∂h_t/∂h_{t-1} = u (1 - h_t²) of an H = 1 RNN, shape (T,)."""
    if params.hidden_size != 1:
        raise ValueError(f"params: expected an RNN with H = 1, got H = {params.hidden_size}")
    h = np.asarray(trace.h)  # (T, 1)
    if h.ndim != 2:
        raise ValueError(f"trace: expected one sequence (h of shape (T, 1)), got h of shape {h.shape}")
    return params.W_h[0, 0] * (1.0 - h[:, 0] ** 2)  # (T,)


def rnn_carry(params, trace, t_from):
    """∂h_t/∂h_{t_from} of an H = 1 RNN: ∏_{k=t_from+1}^{t} u (1 - h_k²), shape (T,).

    1 at ``t_from``, NaN before it. Each factor is the step's derivative
    ∂h_k/∂h_{k-1} = (1 - h_k²) u of h_k = tanh(w x_k + u h_{k-1} + b) (``rnn_factors``).
    """
    factors = rnn_factors(params, trace)  # (T,)
    T, t_from = _pulse_step(factors.shape[0], t_from)
    out = np.full(T, np.nan)  # (T,)
    out[t_from - 1] = 1.0
    out[t_from:] = np.cumprod(factors[t_from:])
    return out


def survival_time(values, t_pulse, fraction=0.5):
    """Steps from the pulse until |value| falls below ``fraction`` of its peak, or None.

    ``values`` is (T,) (step 1 at index 0); the peak is the largest |value| at or after step
    ``t_pulse``. The answer is s - t_pulse for the first step s after the peak with
    |v_s| < fraction · peak; None when that never happens before step T ("survives to the
    end"). A peak of 0 (nothing was written) survives 0 steps.
    """
    v = np.abs(as_float_array("values", values))  # (T,)
    if v.ndim != 1:
        raise ValueError(f"values: expected shape (T,), got {tuple(v.shape)}")
    T, t_pulse = _pulse_step(v.shape[0], t_pulse)
    fraction = as_scalar("fraction", fraction)
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"fraction: expected a number between 0 and 1, got {fraction}")
    after = v[t_pulse - 1 :]  # steps t_pulse .. T
    peak_at = int(np.argmax(after))
    if after[peak_at] == 0.0:
        return 0
    below = np.nonzero(after[peak_at + 1 :] < fraction * after[peak_at])[0]
    return None if below.size == 0 else int(peak_at + 1 + below[0])


@dataclass(frozen=True)
class CurveSummary:
    """One curve summed up: its signed peak (and step), its value at step T, its survival."""

    peak: float
    peak_step: int  # 1-based
    end: float
    survival: object  # int steps, or None = survives to the end
    half: float  # fraction · |peak|, the line it must stay above

    def survival_text(self):
        if self.survival is None:
            return "survives to the end"
        return f"{self.survival} step" + ("" if self.survival == 1 else "s")


def summarize(values, t_pulse, fraction=0.5):
    """Peak (the signed value of largest |v| from ``t_pulse`` on), end value, survival time.

    Only steps ``t_pulse``..T are read, so a carry (NaN before the pulse) has a summary too.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"values: expected shape (T,), got {tuple(values.shape)}")
    T, t_pulse = _pulse_step(values.shape[0], t_pulse)
    after = as_float_array("values", values[t_pulse - 1 :])  # (T - t_pulse + 1,)
    survival = survival_time(after, 1, fraction)
    peak_at = int(np.argmax(np.abs(after)))
    return CurveSummary(peak=float(after[peak_at]), peak_step=t_pulse + peak_at, end=float(after[-1]),
                   survival=survival, half=fraction * abs(float(after[peak_at])))


def half_life(forget):
    """Steps k for σ(b_f)^k = 1/2 when f = ``forget`` is constant: ln(1/2) / ln f (a real number)."""
    f = as_scalar("forget", forget)
    if not 0.0 < f < 1.0:
        raise ValueError(f"forget: expected a gate value strictly between 0 and 1, got {f}")
    return math.log(0.5) / math.log(f)


@dataclass(eq=False)
class ConveyorRun:
    """Both models fed the same pulse, with their carries and the summaries of their curves. Series are (T,)."""

    T: int
    t_pulse: int
    xs: np.ndarray  # (T,)
    lstm_params: LSTMParams
    lstm: object  # Trace
    rnn_params: RNNParams
    rnn: object  # RNNTrace
    lstm_carry: np.ndarray  # (T,) ∂c_t/∂c_{t_p}
    rnn_carry: np.ndarray  # (T,) ∂h_t/∂h_{t_p}
    #: Summaries by name, in the order the lesson's table shows them: "c" and "h" (the LSTM's),
    #: "rnn_h", "carry" (∂c_t/∂c_{t_p}: how much of a gradient at the pulse reaches step t), "rnn_carry"
    summaries: dict

    @property
    def series(self):
        """Every curve of the lesson by name, each (T,)."""
        return {
            "x": self.xs,
            **{k: getattr(self.lstm, k)[:, 0] for k in ("i", "f", "g", "o", "c", "h")},
            "rnn_h": self.rnn.h[:, 0],
            "rnn_factor": rnn_factors(self.rnn_params, self.rnn),
            "carry": self.lstm_carry,
            "rnn_carry": self.rnn_carry,
        }


def conveyor_run(T=DEFAULTS["T"], t_pulse=DEFAULTS["t_pulse"], forget_bias=DEFAULTS["b_f"],
                 input_bias=DEFAULTS["b_i"], recurrent=DEFAULTS["u"], fraction=0.5):
    """Feed ``pulse(T, t_pulse)`` to ``conveyor_lstm(b_f, b_i)`` and ``conveyor_rnn(u)``; measure both."""
    xs = pulse(T, t_pulse)  # (T,)
    lstm_params = conveyor_lstm(forget_bias, input_bias)
    rnn_params = conveyor_rnn(recurrent)
    lstm = forward(lstm_params, xs)
    rnn = rnn_forward(rnn_params, xs)
    lstm_carry = cell_carry(lstm, t_pulse)[:, 0]  # (T,), NaN before the pulse
    rnn_carry_ = rnn_carry(rnn_params, rnn, t_pulse)  # (T,), NaN before the pulse
    return ConveyorRun(
        T=int(T), t_pulse=int(t_pulse), xs=xs,
        lstm_params=lstm_params, lstm=lstm, rnn_params=rnn_params, rnn=rnn,
        lstm_carry=lstm_carry, rnn_carry=rnn_carry_,
        summaries={
            "c": summarize(lstm.c[:, 0], t_pulse, fraction),
            "h": summarize(lstm.h[:, 0], t_pulse, fraction),
            "rnn_h": summarize(rnn.h[:, 0], t_pulse, fraction),
            "carry": summarize(lstm_carry, t_pulse, fraction),
            "rnn_carry": summarize(rnn_carry_, t_pulse, fraction),
        },
    )


def value_and_slope(recurrent, steps=DEFAULTS["T"] - DEFAULTS["t_pulse"], t_pulse=DEFAULTS["t_pulse"]):
    """The RNN after the pulse: ``dict(h, ratio, slope)``, (steps,) each, for k = 1..steps steps after it.

    ``ratio`` is h_t / h_{t-1}, what happens to the value; ``slope`` is u (1 - h_t²) = ∂h_t/∂h_{t-1}, what
    happens to a gradient passing back through that step.
    """
    steps = expect_int("steps", steps)
    run = conveyor_run(T=t_pulse + steps, t_pulse=t_pulse, recurrent=recurrent)
    h = run.series["rnn_h"]  # (T,)
    after = slice(t_pulse, t_pulse + steps)
    return {"h": h[after].copy(), "ratio": h[after] / h[t_pulse - 1 : t_pulse - 1 + steps],
            "slope": run.series["rnn_factor"][after].copy()}


# Questions ------------------------------------------------------------------------------------------------------------

#: the choices of "which survives longer", in the order the learner sees them
SURVIVORS = ("the LSTM's cell state c_t", "the RNN's hidden state h_t",
             "both the same: both stay above half to the end")

#: the RNN's recurrent weight the "which survives longer" question asks about (the explorer starts at 0.9)
LONGER_U = 1.2


def fraction_left(forget_bias, k, t_pulse=DEFAULTS["t_pulse"]):
    """c_{t_p + k} / c_{t_p}: the share of the pulse's memory left k steps later, from a forward run."""
    run = conveyor_run(T=t_pulse + k, t_pulse=t_pulse, forget_bias=forget_bias)
    c = run.lstm.c[:, 0]  # (T,)
    return float(c[t_pulse - 1 + k] / c[t_pulse - 1])


def longer_survivor(**settings):
    """Which of SURVIVORS lasts longer at ``settings`` (survival None = to the end, the longest)."""
    run = conveyor_run(**settings)
    steps = {
        name: run.T + 1 if r.survival is None else r.survival
        for name, r in zip(SURVIVORS[:2], (run.summaries["c"], run.summaries["rnn_h"]))
    }
    a, b = steps.values()
    return SURVIVORS[2] if a == b else max(steps, key=steps.get)


#: the choices of "why a latched RNN cannot be taught what to hold"
LATCH = (
    "its value decays after all, only more slowly than at u = 0.9",
    "its gradient explodes: each step multiplies it by u = 1.5 > 1",
    "the value holds, but each step multiplies the gradient by u·(1 − h²) < 1",
)


def latch_choice(recurrent=1.5):
    """Which of LATCH is what the RNN does at u = ``recurrent``, measured on the lesson's pulse."""
    run = conveyor_run(recurrent=recurrent)
    holds = run.summaries["rnn_h"].survival is None
    carry_end = abs(run.rnn_carry[-1])
    if holds and carry_end < VANISHED_CARRY:
        return LATCH[2]
    if not holds:
        return LATCH[0]
    return LATCH[1] if carry_end > 1.0 else None


#: a carry below this at step T counts as vanished
VANISHED_CARRY = 1e-6


def questions():
    b_f, k = 2.0, 10
    left = fraction_left(b_f, k)
    run = conveyor_run(T=DEFAULTS["T"], t_pulse=1, forget_bias=4.0)
    f4 = float(run.lstm.f[0, 0])
    survival4 = run.summaries["c"].survival
    winner = longer_survivor(recurrent=LONGER_U)
    d = DEFAULTS
    defaults = conveyor_run(recurrent=LONGER_U)
    c, r = defaults.summaries["c"], defaults.summaries["rnn_h"]
    latched = value_and_slope(1.5)
    latched_run = conveyor_run(recurrent=1.5)
    return [
        Question(
            key="left10",
            prompt=(f"With b<sub>f</sub> = {b_f:g} (and W<sub>xf</sub> = W<sub>hf</sub> = 0, so f is the same "
                    f"at every step), what fraction of the cell state c is left {k} steps after the pulse? "
                    f"(4 decimals)"),
            answer=left,
            hint=("Nothing new is written after the pulse, so every step only multiplies c by f = σ(b_f). "
                  f"Do that {k} times."),
            explanation=(f"f = σ({b_f:g}) = {float(conveyor_run(forget_bias=b_f).lstm.f[0, 0]):.4f}, and "
                         f"f^{k} = {left:.4f}: the memory and its gradient both shrink by that product."),
        ),
        Question(
            key="half4",
            prompt=("With b<sub>f</sub> = 4, how many steps after the pulse does c first fall <i>below</i> half "
                    "its peak? (a whole number)"),
            answer=float(survival4),
            tol=0.5,
            hint="Find the first k with σ(4)^k < ½, i.e. k > ln(½) / ln σ(4).",
            explanation=(f"f = σ(4) = {f4:.4f}; f^{survival4 - 1} = {fraction_left(4.0, survival4 - 1):.4f} is "
                         f"still at least ½, f^{survival4} = {fraction_left(4.0, survival4):.4f} is below: "
                         f"{survival4} steps."),
        ),
        Question(
            key="longer",
            prompt=(f"In the explorer below, keep b<sub>f</sub> = {d['b_f']:g} and b<sub>i</sub> = {d['b_i']:g} (pulse "
                    f"at step {d['t_pulse']} of {d['T']}), but set the RNN's recurrent weight to u = {LONGER_U:g}. "
                    "Which keeps the pulse above half its peak for longer?"),
            answer=winner,
            choices=SURVIVORS,
            kind="predict",
            feedback=(
                (SURVIVORS[0], f"The RNN squashes h through tanh at every step, but at u = {LONGER_U:g} tanh(u·h) "
                               f"= h has a solution away from 0, at h = {r.end:.2f}: h settles there instead of "
                               "fading."),
                (SURVIVORS[1], f"The LSTM's belt multiplies c by f = σ({d['b_f']:g}) alone: after "
                               f"{d['T'] - d['t_pulse']} steps f^{d['T'] - d['t_pulse']} = "
                               f"{defaults.summaries['carry'].end:.2f} of it is still there."),
            ),
            hint=(f"The LSTM multiplies c by f = σ({d['b_f']:g}) at every step. For the RNN after the pulse, "
                  f"h_t = tanh({LONGER_U:g}·h_{{t−1}}): is there an h that this keeps in place?"),
            explanation=(f"The LSTM's c_t: {c.survival_text()} (f^{d['T'] - d['t_pulse']} = "
                         f"{defaults.summaries['carry'].end:.4f} of it is left at step {d['T']}); the RNN's h_t at "
                         f"u = {LONGER_U:g}: {r.survival_text()}, settled at {r.end:.4f}, since tanh({LONGER_U:g}·h) "
                         f"= h there. (At the explorer's u = {d['u']:g} the RNN fades in "
                         f"{conveyor_run().summaries['rnn_h'].survival_text()}.) The next section shows why holding a "
                         "value is still not enough."),
            tells=("latches for u > 1", "latches for u above 1", f"{LONGER_U:4.1f}   survives to the end"),
        ),
        Question(
            key="latch",
            prompt=("At u = 1.5 the RNN's h <i>latches</i>: after the pulse it settles on a value and holds it to "
                    "the end. Yet training could not teach such an RNN <i>what</i> to hold. Why?"),
            answer=latch_choice(1.5),
            choices=LATCH,
            kind="explain",
            feedback=(
                (LATCH[0], "Not at u = 1.5: h settles where tanh(1.5·h) = h and stays there to step T."),
                (LATCH[1], "u is above 1, but a gradient is multiplied by the slope u·(1 − h²), not by u; where "
                           "h has latched near ±1 that slope is well below 1."),
            ),
            hint="Separate the value h_t = tanh(u·h_{t−1}) from the gradient's factor ∂h_t/∂h_{t−1} = u·(1 − h_t²).",
            explanation=(f"After the pulse the value's ratio h_t/h_{{t−1}} climbs to {latched['ratio'][-1]:.3f}, "
                         f"while the slope settles at {latched['slope'][-1]:.3f}: the gradient from step "
                         f"{d['T']} back to the pulse is {abs(latched_run.rnn_carry[-1]):.1e}."),
        ),
    ]


def rnn_weights(run):
    """``(w, u)``: the input and the recurrent weight of ``run``'s H = D = 1 RNN, as the lesson writes them."""
    return float(run.rnn_params.W_x[0, 0]), float(run.rnn_params.W_h[0, 0])
