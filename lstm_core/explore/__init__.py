"""The widget and plot layer. Import it explicitly: ``from lstm_core import explore``.

Every explorer is shown in a notebook with one line, e.g. ``explore.scalar_walkthrough()``.
It only calls lstm_core's math; nothing here re-implements it.
"""


def soft_switch(w=1.0, b=0.0, x=1.0):
    """Lesson 01: σ(w·x + b) and tanh(w·x + b) as curves over x, sliders for w, b and x."""
    from .switch import SoftSwitch

    return SoftSwitch(w, b, x)


def gated_signal(z_i=0.0, A=1.0):
    """Lesson 01: a candidate wave g times an input gate i = σ(z_i): closed, half open, open."""
    from .switch import GatedSignal

    return GatedSignal(z_i, A)


def scalar_walkthrough(params=None, xs=None):
    """Lesson 02: the scalar seed, all weights on sliders, the cell diagram, Play through time."""
    from .scalar import ScalarWalkthrough

    return ScalarWalkthrough(params, xs)


def vector_walkthrough(params=None, xs=None):
    """Lesson 03: the vector seed (H = 2), weight and activation heatmaps, the cell diagram."""
    from .vector import VectorWalkthrough

    return VectorWalkthrough(params, xs)


def quiz(lesson, key):
    """A predict-then-reveal question of a lesson, e.g. ``explore.quiz("02", "f1")``."""
    from .quiz import quiz as make

    # Loading the submodule .quiz binds this package's name ``quiz`` to that module, hiding this
    # function from the second call on; bind the name back.
    globals()["quiz"] = _quiz_factory
    return make(lesson, key)


_quiz_factory = quiz
