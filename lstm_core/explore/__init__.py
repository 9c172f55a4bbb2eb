"""The widget and plot layer. Import it explicitly: ``from lstm_core import explore``.

Every explorer is shown in a notebook with one line, e.g. ``explore.scalar_walkthrough()``.
It only calls lstm_core's math; nothing here re-implements it.
"""


def soft_switch(w=1.0, b=0.0, x=1.0):
    """Lesson 01: σ(w·x + b) and tanh(w·x + b) as curves over x, sliders for w, b and x."""
    from .explorers.switch import SoftSwitch

    return SoftSwitch(w, b, x)


def gated_signal(z_i=0.0, A=1.0):
    """Lesson 01: a candidate wave g times an input gate i = σ(z_i): closed, half open, open."""
    from .explorers.switch import GatedSignal

    return GatedSignal(z_i, A)


def scalar_walkthrough(params=None, xs=None):
    """Lesson 02: the scalar worked example, all weights on sliders, the cell diagram, Play through time."""
    from .explorers.scalar import ScalarWalkthrough

    return ScalarWalkthrough(params, xs)


def vector_walkthrough(params=None, xs=None):
    """Lesson 03: the vector worked example (H = 2), weight and activation heatmaps, the cell diagram."""
    from .explorers.vector import VectorWalkthrough

    return VectorWalkthrough(params, xs)


def conveyor_belt(T=100, t_pulse=10, b_f=5.0, b_i=-5.0, u=0.9):
    """Lesson 04: one pulse carried by an LSTM's cell state beside a tanh RNN; carries, survival times."""
    from .explorers.conveyor_belt import ConveyorBelt

    return ConveyorBelt(T, t_pulse, b_f, b_i, u)


def gradient_flow(b_f=1.0, scale=1.0):
    """Lesson 05: ‖∂L/∂x_{T−k}‖ and ‖∂L/∂c_{T−k}‖ against the lag k (log scale), the LSTM beside an RNN."""
    from .explorers.gradients import GradientFlow

    return GradientFlow(b_f, scale)


def cell_carry(b_f=1.0):
    """Lesson 05: the forget gates f_t and their product Π f_t = ∂c_t/∂c_0 along the cell path, Play over t."""
    from .explorers.gradients import CellCarry

    return CellCarry(b_f)


def train_to_count(lr=0.03, hidden_size=2, steps=800):
    """Lesson 06: a Train button runs Adam on the counting task; live log-scale loss, activations before and after."""
    # (not named ``training``: importing the .training module would rebind that name to the module)
    from .explorers.train_to_count import TrainingExplorer

    return TrainingExplorer(lr=lr, hidden_size=hidden_size, steps=steps)


def variants(variant="vanilla", pattern="steady", x=1.0, b_f=2.0, T=40):
    """Lesson 08: the one-unit cell under each LSTM variant (Greff et al. 2017): gates, c and h over t, vanilla's c behind."""
    from .explorers.variants import VariantExplorer

    return VariantExplorer(variant, pattern, x, b_f, T)


def sampler(prompt="From fairest creatures ", temperature=1.0):
    """Lesson 09: the Sonnets model writes after your prompt; a temperature slider, a fixed random stream."""
    from .explorers.text import Sampler

    return Sampler(prompt, temperature)


def cell_units(unit=1, quantity="c"):
    """Lesson 09: a held-out sonnet coloured by one unit's c or h, with its correlations with the text's features."""
    from .explorers.text import UnitExplorer

    return UnitExplorer(("c", "h"), unit, quantity)


def gates_over_text(unit=1, gate="f"):
    """Lesson 09: the same sonnet coloured by one unit's forget, input or output gate."""
    from .explorers.text import UnitExplorer

    return UnitExplorer(("f", "i", "o"), unit, gate)


def quiz(lesson, key):
    """A predict-then-reveal question of a lesson, e.g. ``explore.quiz("02", "f1")``."""
    # (the module is not named quiz.py: importing it would rebind this package's name ``quiz``)
    from .explorers.quizzes import quiz as make

    return make(lesson, key)
