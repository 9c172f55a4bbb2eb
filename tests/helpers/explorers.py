"""What the explorer tests share: reading the html tables, slider settings, moving a slider as the
browser would with warnings as errors or recorded, every slider at its end and a scramble-then-Reset,
and the numbers the walkthroughs' equations print."""

import re
import warnings
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

EXAMPLE_DIRS = [Path(__file__).parents[1] / "worked_examples", Path(__file__).parents[3] / "shared" / "seeds"]


# --------------------------------------------------------------------------- warnings
@contextmanager
def warnings_as_errors():
    """Any warning inside raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@contextmanager
def warnings_recorded():
    """Every warning inside is recorded (none filtered away) in the list it yields."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


# --------------------------------------------------------------------------- moving sliders
def set_value(explorer, name, value):
    """Set a slider with warnings as errors; the explorer shows no message after it."""
    with warnings_as_errors():
        explorer.controls[name].value = value
    assert explorer.message.value == "", explorer.message.value


def move(e, name, value):
    """Set a slider (``controls``) or a button choice (``choices``, lesson 08) as the browser would; return whether
    its value changed. No warning allowed."""
    widget = e.controls[name] if name in e.controls else e.choices[name]
    before = widget.value
    with warnings_recorded() as caught:
        widget.value = value
    assert [str(w.message) for w in caught] == []
    assert e.message.value == "", e.message.value
    return widget.value != before


def slider_settings(widget, rng, n_random=3):
    """min, max and random values rounded to the slider's step like the browser would, each different
    from the one before (a repeat sends no change); whole numbers for an integer slider."""
    out = [widget.min, widget.max]
    while len(out) < 2 + n_random:
        v = round(float(rng.uniform(widget.min, widget.max)) / widget.step) * widget.step
        if abs(v - out[-1]) > widget.step / 2:
            out.append(v)
    return [int(v) for v in out] if isinstance(widget.value, int) else out


def sweep_slider(e, name, values, check, value_lands=True):
    """Move slider ``name`` through ``values``: after each move (``value_lands``: the slider holds it)
    ``check(e)`` passes and the picture changed."""
    for value in values:
        before = e.image.value
        set_value(e, name, value)
        if value_lands:
            assert e.controls[name].value == pytest.approx(value)
        check(e)
        assert e.image.value != before, f"{name} = {value}: the picture did not change"


def set_extremes(e, x_end):
    """Every weight at its maximum and the inputs at ``x_end`` ("min" or "max"), set under the explorer's own
    hold, as Reset does, so that the picture is drawn once and not once per slider. No warning, no message."""
    extremes = {name: getattr(w, x_end) if name.startswith("x_") else w.max for name, w in e.controls.items()}
    with warnings_recorded() as caught:
        e.set_values(extremes)
    assert caught == [] and e.message.value == ""


def scramble_then_reset(e, sliders, shown, seed):
    """Move six of ``sliders`` to random values (from ``seed``) and Play to step 3, then click Reset: every slider,
    the step and everything ``shown(e)`` returns (a tuple of widget values) are back at the start, no warning."""
    start_values = {n: w.value for n, w in e.controls.items()}
    start = shown(e)
    rng = np.random.default_rng(seed)
    for name in rng.choice(sliders, 6, replace=False):
        w = e.controls[name]
        move(e, name, round(float(rng.uniform(w.min, w.max)), 2))
    e.play.value = 3
    assert all(now != then for now, then in zip(shown(e), start))  # every part of the display moved
    with warnings_recorded() as caught:
        e.reset_button.click()
    assert caught == []
    assert {n: w.value for n, w in e.controls.items()} == start_values
    assert e.step.value == 1 and e.play.value == 1
    assert shown(e) == start


def assert_play_walks_every_step(e, T, check, check_at):
    """Play from 1 to T: the step and its label follow, the picture differs at every step (the cursor
    moves), and ``check(e)`` passes at the steps in ``check_at``."""
    assert e.play.min == 1 and e.play.max == T
    images = set()
    for t in range(1, T + 1):
        e.play.value = t
        assert e.step.value == t
        assert f"<b>Step t = {t} of {T}</b>" in e.step_label.value
        images.add(e.image.value)
        if t in check_at:
            check(e)
    assert len(images) == T  # the cursor moves every step


# --------------------------------------------------------------------------- what a notebook stores
def assert_renders(e):
    """The display data of explorer ``e``: its widget tree (the root's model), the picture being shown as
    image/png, and a readable text/plain naming every control with its value (no ``VBox(...)``)."""
    import base64

    bundle = e._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == e.widget.model_id
    assert base64.b64decode(bundle["image/png"]) == e.image.value
    text = bundle["text/plain"]
    assert text.startswith(f"{type(e).__name__} explorer (") and "VBox" not in text
    for name, w in e.controls.items():
        shown = f"{name} = "
        assert shown in text, (shown, text)
        value = text.split(shown, 1)[1].split(",")[0].rstrip(")")
        assert float(value) == pytest.approx(float(w.value), rel=1e-5, abs=1e-9), (name, value, w.value)
    return bundle


# --------------------------------------------------------------------------- reading what is shown
def cells(html):
    """The <td> texts of an html_table, row by row (tags such as <b> or <sub> removed)."""
    rows = re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>", 1)[1])
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)] for row in rows]


def headers(html):
    """The <th> texts of an html_table (tags removed)."""
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", html)]


# --------------------------------------------------------------------------- the walkthroughs' equations
def example_text(filename):
    """A worked example's text, from tests/worked_examples or shared/seeds; skips when neither has it."""
    for d in EXAMPLE_DIRS:
        path = d / filename
        if path.exists():
            return path.read_text()
    pytest.skip(f"the worked example {filename} is not available")


def num_close(text, value, what):
    """A number the equations print with 2 or 4 decimals (or e-notation) is ``value``."""
    shown = float(text.strip("()"))
    assert shown == pytest.approx(value, abs=5.1e-5, rel=1e-3), f"{what}: shows {text}, expected {value}"


def split_signed(inside):
    """``a - b·c + d`` -> ``["a", "-b·c", "d"]``: the sign written between terms goes back onto the weight."""
    parts = re.split(r" ([+-]) ", inside)
    return [parts[0]] + [("-" if op == "-" else "") + term for op, term in zip(parts[1::2], parts[2::2])]


def equation_lines(html_text):
    """The LaTeX lines ($...$) of the equations panel."""
    return re.findall(r"\$(.+?)\$", html_text)


def last_values(html_text):
    """The number after the last '=' of each equation line, in order."""
    return [line.rsplit("=", 1)[1].strip().split(" ")[0] for line in equation_lines(html_text)]
