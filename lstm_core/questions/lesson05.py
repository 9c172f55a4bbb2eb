"""Lesson 05's questions: gradients flowing back through time. Answers come from lstm_core.lag (on lstm_core.flow)."""

from ..lag import DEFAULTS, VANISHED, constant_carry, first_lag_below, flow_run
from . import Question

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
