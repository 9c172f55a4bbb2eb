"""When an explorer draws: a value set by code at once, values from the browser by the render thread,
stale ones dropped (issue 13, section 3); the pending settings of lesson 06 echoed on every move
(section 4); the stored output's picture and text for readers without a kernel (section 5)."""

import asyncio
import threading
import base64
import re
import time

import numpy as np
import pytest

from lstm_core import explore
from lstm_core.explore.explorers.base import TEXT_AFTER_PICTURE_S

SLOW_S = 0.04  # each redraw made this much slower, so that a drag outruns it


def slowed(e):
    draw = e.draw

    def slow_draw():
        draw()
        time.sleep(SLOW_S)

    e.draw = slow_draw
    return e


def run_in_a_loop_of_its_own(make_coroutine):
    """``asyncio.run(make_coroutine())`` in a thread of its own, as the kernel runs its loop, and its result.

    Not in this thread: when ``make test`` runs the browser tests first, Playwright's sync API keeps an event
    loop running here, and ``asyncio.run`` refuses to start inside a running loop.
    """
    out = {}

    def target():
        try:
            out["result"] = asyncio.run(make_coroutine())
        except BaseException as exc:  # noqa: BLE001 (raised again in the caller's thread)
            out["error"] = exc

    thread = threading.Thread(target=target, name="test event loop")
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["result"]


def browser_drag(widget, values, every_s):
    """What ipywidgets does with the browser's comm messages: ``set_state`` (which locks the
    property, as a message from the frontend does) inside the kernel's running event loop."""

    async def drag():
        for v in values:
            widget.set_state({"value": v})
            await asyncio.sleep(every_s)

    run_in_a_loop_of_its_own(drag)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_drag_faster_than_the_redraw_drops_stale_values_and_draws_the_last(seed):
    rng = np.random.default_rng(seed)
    e = slowed(explore.scalar_walkthrough())
    s = e.controls["W_xf"]
    values = [round(float(v), 2) for v in rng.uniform(-4.0, 4.0, 25)]
    values[-1] = 3.33  # a value none of the others has: the picture must be this one's
    frames = e.frames
    started = time.perf_counter()
    browser_drag(s, values, every_s=SLOW_S / 4)
    sent_s = time.perf_counter() - started
    assert e.wait(timeout=10)
    drawn = e.frames - frames
    assert s.value == 3.33
    # 25 values in about a quarter of the time 25 redraws take: most were dropped, never queued
    assert 1 <= drawn < len(values) / 2, (drawn, sent_s)
    fresh = explore.scalar_walkthrough()
    fresh.controls["W_xf"].value = 3.33
    assert e.image.value == fresh.image.value
    assert e.equations.value == fresh.equations.value
    assert e.table.value == fresh.table.value


def test_without_dropping_every_browser_value_is_drawn():
    """The contrast: ``drop_stale = False`` draws each value in turn (the behaviour before)."""
    e = explore.gated_signal()
    e.drop_stale = False
    values = [-2.0, -1.0, 0.5, 1.5]
    frames = e.frames
    browser_drag(e.controls["z_i"], values, every_s=0.0)
    assert e.frames - frames == len(values)


def test_a_value_set_by_code_is_drawn_before_the_assignment_returns():
    e = explore.scalar_walkthrough()
    before = e.image.value
    frames = e.frames
    e.controls["W_xf"].value = -1.25  # no event loop running, no browser lock: at once
    assert e.frames == frames + 1
    assert e.image.value != before
    assert e.wait(timeout=0)  # nothing waits
    fresh = explore.scalar_walkthrough(params=None)
    fresh.controls["W_xf"].value = -1.25
    assert e.image.value == fresh.image.value


def test_a_value_set_by_code_inside_the_event_loop_is_drawn_at_once_too():
    e = explore.scalar_walkthrough()

    async def cell():
        frames = e.frames
        e.controls["b_f"].value = 2.0  # a notebook cell runs inside the kernel's loop, without the lock
        return e.frames - frames

    assert run_in_a_loop_of_its_own(cell) == 1


#: (factory, the slider a learner moves): every explorer whose picture follows its sliders
MOVED = [("soft_switch", "w"), ("gated_signal", "z_i"), ("scalar_walkthrough", "W_xf"),
         ("vector_walkthrough", "W_xi[1,1]"), ("conveyor_belt", "b_f"), ("gradient_flow", "b_f"),
         ("cell_carry", "b_f"), ("variants", "b_f")]


def text_panels(widget, skip):
    """Every HTML panel in the widget tree (HTMLMath too), leaving out ``skip``."""
    import ipywidgets as widgets

    found = [widget] if isinstance(widget, widgets.HTML) and widget not in skip else []
    for child in getattr(widget, "children", ()):
        found += text_panels(child, skip)
    return found


@pytest.mark.parametrize("factory, name", MOVED)
def test_a_browser_value_sends_the_picture_before_any_text(factory, name):
    """Section 2: the text panels (tables, notes, equations) go out after the picture, so the browser
    shows the picture without laying out or typesetting text first; once drawn, they are up to date."""
    e = getattr(explore, factory)()
    s = e.controls[name]
    value = round((s.value + s.max) / 2, 1)  # far enough to change every table
    assert value != s.value
    panels = text_panels(e.widget, skip={e.message})
    sent = []  # (what, when)
    e.image.observe(lambda change: sent.append(("picture", time.monotonic())), names="value")
    for panel in panels:
        panel.observe(lambda change: sent.append(("text", time.monotonic())), names="value")
    browser_drag(s, [value], every_s=0.0)
    assert e.wait(timeout=10)
    kinds = [what for what, _ in sent]
    assert kinds[0] == "picture" and kinds.count("picture") == 1, kinds
    assert "text" in kinds, "no text panel followed the move"
    # not in the same burst as the picture (the browser would lay it out before showing the picture),
    # but after the pause that tells a drag from a release: a lower bound, set by a wait, not a speed target
    pause = min(when for what, when in sent if what == "text") - sent[0][1]
    assert pause >= 0.9 * TEXT_AFTER_PICTURE_S, f"text {1000 * pause:.1f} ms after the picture"
    fresh = getattr(explore, factory)()
    fresh.controls[name].value = value
    assert e.image.value == fresh.image.value
    assert [p.value for p in panels] == [p.value for p in text_panels(fresh.widget, skip={fresh.message})]


def test_without_the_render_thread_the_text_goes_out_at_once():
    """The contrast, and what a notebook cell gets: a value set by code has its text when the assignment returns."""
    e = explore.scalar_walkthrough()
    before = e.table.value
    e.controls["W_xf"].value = 2.0
    assert e.table.value != before


# ------------------------------------------------------------------ lesson 06: every move shows something
def plain(html):
    return re.sub(r"<[^>]+>", "", html)


def test_training_echoes_the_next_run_on_every_slider_move():
    e = explore.train_to_count()
    assert plain(e.pending.value) == "next run: lr = 0.03, H = 2, 800 steps"
    e.controls["lr"].value = 0.1
    assert plain(e.pending.value) == "next run: lr = 0.1, H = 2, 800 steps"
    e.controls["H"].value = 4
    assert plain(e.pending.value) == "next run: lr = 0.1, H = 4, 800 steps"
    e.controls["steps"].value = 200
    assert plain(e.pending.value) == "next run: lr = 0.1, H = 4, 200 steps"
    assert e.pending in e.widget.children[1].children  # beside the sliders, on screen with them


# ------------------------------------------------------------------ the stored output: a picture without a kernel
FACTORIES = ["soft_switch", "gated_signal", "scalar_walkthrough", "vector_walkthrough", "conveyor_belt",
             "gradient_flow", "cell_carry", "train_to_count", "variants"]


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("factory", FACTORIES)
def test_the_display_data_carries_the_picture_and_readable_text(factory):
    e = getattr(explore, factory)()
    bundle = e._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    assert png == e.image.value
    width, height = png_size(png)
    figure_px = e.figure.fig.get_size_inches() * e.figure.fig.dpi
    assert (width, height) == (round(figure_px[0]), round(figure_px[1]))
    text = bundle["text/plain"]
    assert "VBox" not in text and "model_id" not in text and "0x" not in text
    assert text.startswith(f"{type(e).__name__} explorer (")
    for name, w in e.controls.items():  # every slider with its value
        assert f"{name} = " in text
    # stable: a second explorer, and the same one shown again, give the same text and picture
    again = getattr(explore, factory)()._repr_mimebundle_()
    assert again["text/plain"] == text and again["image/png"] == bundle["image/png"]
    assert e._repr_mimebundle_()["text/plain"] == text


def test_the_text_and_picture_follow_the_sliders():
    e = explore.soft_switch()
    e.controls["w"].value = 2.5
    bundle = e._repr_mimebundle_()
    assert bundle["text/plain"] == "SoftSwitch explorer (w = 2.5, b = 0, x = 1)"
    assert base64.b64decode(bundle["image/png"]) == e.image.value
