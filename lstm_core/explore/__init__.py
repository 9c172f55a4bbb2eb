"""The widget and plot layer. Import it explicitly: ``from lstm_core import explore``.

Every explorer is shown in a notebook with one line, e.g. ``explore.scalar_walkthrough()``.
It only calls lstm_core's math; nothing here re-implements it.
"""


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

    return make(lesson, key)
