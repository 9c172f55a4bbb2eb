"""Lesson 09's explorers without a browser: the sampler and the unit explorers.

After every move the text or numbers shown are recomputed HERE from lstm_core.lessons.l09_text (the sample on
the plain path, the correlations from the held-out trace), the picture changes, no warning is raised, a bad
prompt gets a message instead of a traceback, and Reset restores the start.
"""

import html
import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
pytest.importorskip("matplotlib")

from lstm_core import explore  # noqa: E402
from lstm_core.explore.panels.text import NEWLINE_MARK, layout  # noqa: E402
from lstm_core.lessons import l09_text as text  # noqa: E402

from helpers.explorers import cells, set_value, warnings_as_errors  # noqa: E402


def shown_sample(e):
    """The sampled text of the readout (the bold part of its <pre>)."""
    match = re.search(r"<pre[^>]*>(.*?)<b>(.*?)</b></pre>", e.readout.value, flags=re.S)
    return html.unescape(match[1]), html.unescape(match[2])


def grid_text(grid):
    return [t.get_text() for t in grid.texts]


@pytest.fixture(scope="module")
def sampler():
    with warnings_as_errors():
        return explore.sampler()


def test_sampler_shows_the_plain_paths_sample_at_every_temperature_it_moves_to(sampler):
    e = sampler
    for tau in (0.0, 0.5, 1.5, 2.0, 1.0):
        before = bytes(e.image.value)
        set_value(e, "τ", tau)
        prompt, drawn = shown_sample(e)
        assert prompt == e.controls["prompt"].value
        assert drawn == text.sample(e.params, prompt, tau, 240).text
        # the picture's rows are the prompt and the sample, laid out as the grid lays them out
        assert grid_text(e.grid)[: len(layout(prompt + drawn, e.grid.cols)[1])] == layout(prompt + drawn,
                                                                                          e.grid.cols)[1]
        assert bytes(e.image.value) != before
    assert "τ = 1.00" in e.title.get_text()


def test_sampler_prompt_box_and_bad_prompts(sampler):
    e = sampler
    set_value(e, "prompt", "Shall I compare thee ")
    assert shown_sample(e) == ("Shall I compare thee ",
                               text.sample(e.params, "Shall I compare thee ", e.controls["τ"].value, 240).text)
    picture = bytes(e.image.value)
    with warnings_as_errors():
        e.controls["prompt"].value = "naïve"
    assert "Cannot sample" in e.message.value and "ï" in e.message.value
    assert bytes(e.image.value) == picture, "the last good picture stays"
    with warnings_as_errors():
        e.controls["prompt"].value = ""
    assert "at least one character" in e.message.value
    e.reset()
    assert e.values() == {"τ": 1.0, "prompt": "From fairest creatures "} and e.message.value == ""
    assert e.plain_text() == "Sampler explorer (τ = 1.00, prompt = 'From fairest creatures ')"


def test_layout_wraps_and_marks_newlines():
    cells_, rows = layout("abcde\nfg", 3)
    assert rows == ["abc", "de" + NEWLINE_MARK, "fg"]
    assert cells_[5] == (1, 2, 5) and cells_[6] == (2, 0, 6)


@pytest.fixture(scope="module")
def units():
    with warnings_as_errors():
        return explore.cell_units()


def test_cell_units_colour_the_excerpt_and_table_its_correlations(units):
    e = units
    a = e.analysis
    assert grid_text(e.grid)[2] == a.excerpt.split("\n")[2] + NEWLINE_MARK
    for unit in (1, 64, a.hidden_size, 7):
        for q in ("h", "c"):
            before = bytes(e.image.value)
            set_value(e, "unit", unit)
            set_value(e, "show", q)
            np.testing.assert_array_equal(e.values_shown, getattr(a.trace, q)[: len(a.excerpt), unit - 1])
            body = cells(e.readout.value)
            assert [row[0] for row in body] == list(text.FEATURES.values())
            for row, name in zip(body, text.FEATURES):
                assert row[1] == f"{text.correlation(a.trace.c[:, unit - 1], a.features[name]):+.2f}"
                assert row[2] == f"{text.correlation(a.trace.h[:, unit - 1], a.features[name]):+.2f}"
            assert f"unit {unit}: {q}" in e.title.get_text()
            assert bytes(e.image.value) != before or (unit, q) == (1, "c")
    # the colour of a cell is the value's on the unit's own scale: the largest |c| sits at an end of the map
    set_value(e, "show", "c")
    lo, hi = e.range
    assert hi == -lo == np.percentile(np.abs(a.trace.c[:, 6]), 99)
    e.reset()
    assert e.values() == {"unit": 1, "show": "c"}


def test_gates_over_text_show_the_gate_means_of_the_unit():
    with warnings_as_errors():
        e = explore.gates_over_text(unit=3, gate="o")
    a = e.analysis
    np.testing.assert_array_equal(e.values_shown, a.trace.o[: len(a.excerpt), 2])
    assert e.range == (0.0, 1.0)
    kinds = np.array([text.char_kind(ch) for ch in a.held])
    body = cells(e.readout.value)
    assert [row[0] for row in body] == ["f", "i", "o"]
    for row in body:
        gate = row[0]
        expected = [f"{np.mean(getattr(a.trace, gate)[kinds == k, 2]):.2f}" for k in text.CHAR_KINDS]
        assert row[1:] == expected
    assert e.plain_text() == "UnitExplorer explorer (unit = 3, show = o)"
