"""Lesson 04's questions: memory on the conveyor belt. Answers come from lstm_core.memory."""

from ..memory import DEFAULTS, conveyor_run
from . import Question

#: the choices of "which survives longer", in the order the learner sees them
SURVIVORS = ("the LSTM's cell state c_t", "the RNN's hidden state h_t", "both the same")


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
        for name, r in zip(SURVIVORS[:2], (run.readouts["c"], run.readouts["rnn_h"]))
    }
    a, b = steps.values()
    return SURVIVORS[2] if a == b else max(steps, key=steps.get)


def questions():
    b_f, k = 2.0, 10
    left = fraction_left(b_f, k)
    run = conveyor_run(T=DEFAULTS["T"], t_pulse=1, forget_bias=4.0)
    f4 = float(run.lstm.f[0, 0])
    survival4 = run.readouts["c"].survival
    winner = longer_survivor()
    d = DEFAULTS
    defaults = conveyor_run()
    c, r = defaults.readouts["c"], defaults.readouts["rnn_h"]
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
            key="longer",
            prompt=(f"At the explorer's starting values (b<sub>f</sub> = {d['b_f']:g}, b<sub>i</sub> = {d['b_i']:g}, "
                    f"u = {d['u']:g}, pulse at step {d['t_pulse']} of {d['T']}), which keeps the pulse above half "
                    f"its peak for longer?"),
            answer=winner,
            choices=SURVIVORS,
            hint=(f"Compare the two factors per step: the LSTM multiplies c by f = σ({d['b_f']:g}), the RNN "
                  f"multiplies h by at most u = {d['u']:g} (and tanh squashes it a little more)."),
            explanation=(f"The LSTM's c_t: {c.survival_text()} (f^{d['T'] - d['t_pulse']} = "
                         f"{defaults.readouts['carry'].end:.4f} of it is left at step {d['T']}); the RNN's h_t: "
                         f"{r.survival_text()}."),
        ),
        Question(
            key="half4",
            prompt=("With b<sub>f</sub> = 4, how many steps after the pulse does c first fall <i>below</i> half "
                    "its peak? (a whole number)"),
            answer=float(survival4),
            tol=0.5,
            hint=("Find the first k with σ(4)^k < ½, i.e. k > ln(½) / ln σ(4). Or set b_f = 4 in the explorer "
                  "and read the survival column."),
            explanation=(f"f = σ(4) = {f4:.4f}; f^{survival4 - 1} = {fraction_left(4.0, survival4 - 1):.4f} is "
                         f"still at least ½, f^{survival4} = {fraction_left(4.0, survival4):.4f} is below: "
                         f"{survival4} steps."),
        ),
    ]
