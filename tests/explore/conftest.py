"""What the explorer test modules share: one explorer per module, and that explorer back at its
start before each test that asks for it.

A module names its factory, `EXPLORER = explore.scalar_walkthrough`, and gets
- `shared`: one explorer for the whole module (building one costs 2-2.5 s: the figure, the widgets);
- `e`: `shared` at its start (Reset only when something moved, then the module's `at_start(e)`
  if it has one, e.g. the vector walkthrough's unit selector back to unit 1), with no warning raised.
"""

import pytest

from helpers.explorers import warnings_recorded


@pytest.fixture(scope="module")
def shared(request):
    """One explorer for the module's sweeps, built by its `EXPLORER`; reset before each use (fixture `e`)."""
    factory = getattr(request.module, "EXPLORER", None)
    if factory is None:
        pytest.fail(f"{request.module.__name__} asks for an explorer fixture but names no EXPLORER factory",
                    pytrace=False)
    return factory()


@pytest.fixture
def e(request, shared):
    """The shared explorer at its start (Reset only when something moved)."""
    at_start = getattr(request.module, "at_start", None)
    with warnings_recorded() as caught:
        if shared.values() != shared.start_values or (shared.steps and shared.step.value != 1):
            shared.reset()
        if at_start is not None:
            at_start(shared)
    assert caught == []
    return shared
