"""Every notebook in a real JupyterLab in a real browser, as a learner uses it.

For each notebooks/*.ipynb (found when the tests are collected, so new lessons are covered
without editing this file): open it, Edit > Clear Outputs of All Cells, Run > Run All Cells,
then no error output and every explorer (class ``lstm-explorer``) rendered with its plot.
For each explorer found on the page (in every notebook): a slider moved by keyboard, one
dragged with the mouse, one typed into its readout; after each, the plot's PNG bytes changed
and the numbers on the page are what lstm_core computes for the slider values read back from
the page; Reset brings the starting values back; Play walks the steps. Screenshots before and
after go to tests/browser/screenshots/ (gitignored), with the keyboard latency table.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .checks import CHECKERS, explorer_calls, until_agreed
from .pages import (ExplorerOnPage, close_to_shown, numbers, record_off_machine_requests, screenshot_element,
                    wait_kernel_idle)
from .servers import NOTEBOOK_DIR, start_jupyterlab, stop_jupyterlab

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
LATENCY_MOVES = 4  # a few, back and forth: printed, never asserted (benchmarks/browser_latency.py times them)
KERNEL_TIMEOUT_MS = 120_000

PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on the shown tab
ERROR_OUTPUTS = (
    f'{PANEL} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
    f'{PANEL} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
)


@dataclass
class NotebookRun:
    path: Path
    page: object
    seconds: float
    page_errors: list[str] = field(default_factory=list)
    off_machine: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.path.stem


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    server = start_jupyterlab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        yield server
    finally:
        stop_jupyterlab(server)


def wait_run_all_done(page, timeout_ms=KERNEL_TIMEOUT_MS):
    """Kernel idle and no cell shows [*], for a whole second (Run All queues cells one by one)."""
    page.wait_for_function(
        """() => {
            const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
            const running = Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'))
                .some(p => p.textContent.includes('*'));
            const s = window.__runAll || (window.__runAll = {});
            const now = performance.now();
            if (!k || k.status !== 'idle' || running) { s.since = now; return false; }
            if (s.since === undefined) s.since = now;
            return now - s.since > 1000;
        }""",
        polling=100, timeout=timeout_ms)


def menu(page, top: str, item: str) -> None:
    """A click on the menu bar, then on the item: what a learner does."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{re.escape(top)}$")).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request, lab, context, screenshot_dir) -> NotebookRun:
    """One page per notebook: opened, outputs cleared, Run All, finished."""
    path = request.param
    page = context.new_page()
    page_errors = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    off_machine = record_off_machine_requests(page)
    start = time.perf_counter()
    # a workspace of its own: nothing of another notebook's page is restored into this one
    page.goto(lab.url(f"lab/workspaces/{path.stem}/tree/{path.name}"))
    page.wait_for_function(
        "name => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " return !!w && !!w.context && w.context.path === name; }",
        arg=path.name, timeout=KERNEL_TIMEOUT_MS)
    wait_kernel_idle(page, KERNEL_TIMEOUT_MS)
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("sel => document.querySelectorAll(sel).length === 0", arg=f"{PANEL} .jp-OutputArea-output",
                           timeout=10_000)
    menu(page, "Run", "Run All Cells")
    page.wait_for_function("sel => document.querySelectorAll(sel).length > 0", arg=f"{PANEL} .jp-CodeCell .jp-InputPrompt")
    wait_run_all_done(page)
    run = NotebookRun(path, page, time.perf_counter() - start, page_errors, off_machine)
    try:
        yield run
    finally:
        page.close()
        for kernel in lab.api("GET", "api/kernels") or []:  # one notebook's kernel at a time
            lab.api("DELETE", f"api/kernels/{kernel['id']}")


def test_run_all_cells_shows_no_error_and_every_explorer(notebook, screenshot_dir):
    page = notebook.page
    unrun = page.evaluate(
        "() => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt'))"
        ".map((p, n) => [n + 1, p.textContent.trim()]).filter(([n, t]) => !/\\[\\d+\\]/.test(t))")
    errors = page.locator(ERROR_OUTPUTS).all_inner_texts()
    widget_errors = [t for t in page.locator(f"{PANEL} .jp-OutputArea-output").all_inner_texts()
                     if "Error displaying widget" in t or "Error rendering" in t]
    calls = explorer_calls(notebook.path)
    count = page.evaluate("() => __lstm.explorers().length")
    loaded = [page.evaluate("i => { const p = __lstm.plot(i); return !!p && p.complete && p.naturalWidth > 0; }", i)
              for i in range(count)]
    page.locator(f"{PANEL} .jp-Notebook").screenshot(path=str(screenshot_dir / f"{notebook.stem}__page_top.png"))
    print(f"\n{notebook.path.name}: open + clear + Run All in {notebook.seconds:.1f} s, {count} explorer(s)")
    assert not errors, f"{notebook.path.name}: error output on the page:\n" + "\n---\n".join(errors)
    assert not widget_errors, f"{notebook.path.name}: a widget did not render:\n" + "\n".join(widget_errors)
    assert not unrun, f"{notebook.path.name}: cells not run (an earlier cell failed?): {unrun}"
    assert not notebook.page_errors, f"{notebook.path.name}: JavaScript errors: {notebook.page_errors}"
    assert not notebook.off_machine, f"{notebook.path.name}: the page asks other hosts for: {notebook.off_machine}"
    assert count >= len(calls), (
        f"{notebook.path.name}: {len(calls)} explorer call(s) in the code ({[c for c, _ in calls]}) "
        f"but {count} element(s) with class lstm-explorer on the page")
    assert all(loaded), f"{notebook.path.name}: plot image not loaded for explorer(s) {loaded}"


# --- one screen ----------------------------------------------------------------------------------

SMALL_SCREEN = {"width": 1280, "height": 720}  # a small laptop, or a projector


def test_every_explorer_fits_sliders_and_picture_in_one_screen(notebook, screenshot_dir, layout_notes):
    """At 1280x720 with the file browser closed: every explorer's shown sliders and its picture fit the
    notebook's visible height together, so a learner sees what a slider does while dragging it."""
    page = notebook.page
    count = page.evaluate("() => __lstm.explorers().length")
    if count == 0:
        pytest.skip(f"{notebook.path.name} shows no explorer")
    size = page.viewport_size
    page.set_viewport_size(SMALL_SCREEN)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    try:
        time.sleep(0.5)  # the layout follows the new size
        too_tall = []
        for i in range(count):
            ex = ExplorerOnPage(page, i)
            ex.root.scroll_into_view_if_needed()
            m = page.evaluate("i => __lstm.span(i)", i)
            page.evaluate("i => __lstm.scrollToControls(i)", i)  # as a learner would scroll it
            time.sleep(0.2)
            page.screenshot(path=str(screenshot_dir / f"{notebook.stem}__{i + 1}_1280x720.png"))
            line = (f"span {m['span']} px of {m['visible']} px visible ({m['sliders']} sliders shown, picture "
                    f"{m['picture'][0]}x{m['picture'][1]} px)")
            layout_notes.setdefault(f"{notebook.stem} #{i + 1} at 1280x720", []).append(line)
            print(f"{notebook.stem} #{i + 1}: {line}")
            if m["span"] > m["visible"]:
                too_tall.append(f"explorer #{i + 1}: {line}")
        assert not too_tall, f"{notebook.path.name} at 1280x720: sliders and picture do not fit one screen:\n" + (
            "\n".join(too_tall))
    finally:
        page.evaluate("() => window.jupyterapp.shell.expandLeft()")
        page.set_viewport_size(size)


def test_a_key_press_shows_the_picture_before_any_text(notebook):
    """Issue 13, section 2: one key press sends one new picture, and the text panels (tables, notes,
    typeset equations) change only after it, so the browser shows the picture without laying out or
    typesetting text first. Lesson 06's sliders set up the next run (its picture waits for Train): the move
    is echoed in text ("next run: ..."), which is what a learner watches there."""
    page = notebook.page
    count = page.evaluate("() => __lstm.explorers().length")
    if count == 0:
        pytest.skip(f"{notebook.path.name} shows no explorer")
    calls = explorer_calls(notebook.path)
    assert len(calls) == count, f"{len(calls)} explore.<factory>() calls for {count} explorers on the page"
    failures = []
    for i, (factory, _) in enumerate(calls):
        ex = ExplorerOnPage(page, i)
        ex.root.scroll_into_view_if_needed()
        ex.settle()
        s = pick_sliders(ex)[0]
        before = ex.plot_src()
        page.evaluate("i => __lstm.record(i)", i)
        key = nudge_key(s)
        ex.press(s, key)
        if factory == "train_to_count":
            page.wait_for_function("i => __lstm._recorded.includes('text')", arg=i, timeout=30_000)
        else:
            ex.wait_new_plot(before)
        ex.settle()
        seen = page.evaluate("() => __lstm.recorded()")
        # back to the start, as a learner would (Reset): the next test takes these values as the explorer's start
        # (pressing the other arrow does not bring a log slider back to the same readout)
        ex.click_button("Reset")
        deadline = time.monotonic() + 30
        while ex.readout(s) != s.readout:
            assert time.monotonic() < deadline, f"#{i + 1} {factory}: Reset did not bring {s.label} back to {s.readout}"
            time.sleep(0.05)
        ex.settle()
        if factory == "train_to_count":
            if seen.count("picture") > 1 or "text" not in seen:
                failures.append(f"#{i + 1} {factory}, {s.label}: expected the echo, at most one picture, saw {seen}")
        elif seen.count("picture") != 1 or seen[0] != "picture" or "text" not in seen:
            failures.append(f"#{i + 1} {factory}, {s.label}: expected one picture, then text, saw {seen}")
    assert not failures, f"{notebook.path.name}:\n" + "\n".join(failures)


# --- sliders -----------------------------------------------------------------------------------


def twin_check(factory: str, ex: ExplorerOnPage) -> list[str]:
    """For an explorer kind without its own checker: the same explorer built in this process
    from the page's slider values; every number in its text panels must be the page's.

    This checks the browser round trip (page values -> kernel -> page) against lstm_core as
    called by the explorer's own code; the widget tests check that code against lstm_core.
    """
    from lstm_core import explore

    twin = getattr(explore, factory)()
    values = ex.values()
    if set(values) != set(twin.controls):
        return [f"slider labels on the page {sorted(values)} are not the explorer's controls {sorted(twin.controls)}"]
    for name, value in values.items():
        twin.controls[name].value = value
    step = ex.step()
    if step and getattr(twin, "steps", None):
        twin.step.value = step[0]
    import ipywidgets as widgets

    expected = []

    def walk(w):
        if isinstance(w, widgets.HTML):  # HTMLMath is typeset by MathJax on the page: left out
            expected.append(numbers(html.unescape(re.sub(r"<[^>]+>", " ", w.value))))
        for child in getattr(w, "children", ()):
            walk(child)

    walk(twin.widget)
    shown = ex.page.evaluate(
        "i => Array.from(__lstm.root(i).querySelectorAll('.widget-html')).map(e => e.innerText)", ex.i)
    shown_numbers = [re.findall(r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", t) for t in shown]
    problems = []
    if len(shown_numbers) != len(expected):
        return [f"{len(shown_numbers)} text panels on the page, {len(expected)} in the explorer"]
    for n, (page_tokens, exact) in enumerate(zip(shown_numbers, expected)):
        if len(page_tokens) != len(exact) or not all(close_to_shown(s, e) for s, e in zip(page_tokens, exact)):
            problems.append(f"text panel {n}: page {page_tokens[:12]}..., recomputed {exact[:12]}...")
    return problems


def numbers_problems(factory: str | None, args: str, ex: ExplorerOnPage) -> tuple[list[str], str]:
    """What the page shows that lstm_core does not, for the page's slider values (once the page has caught up)."""
    if factory in CHECKERS:
        return until_agreed(CHECKERS[factory][0], ex), f"lstm_core.forward on the page's values ({factory})"
    if factory and not args:
        return (until_agreed(lambda e: twin_check(factory, e), ex),
                f"the same explorer rebuilt from the page's values ({factory})")
    return [], "not checked (explorer kind unknown or built with arguments)"


def nudge_key(s) -> str:
    return "ArrowLeft" if s.position > (s.min + s.max) / 2 else "ArrowRight"


def typed_target(s) -> str:
    """A value inside the slider's range, different from the current one, with the readout's digits
    (on a log slider the range is in exponents)."""
    digits = len(s.readout.split(".")[1]) if "." in s.readout else 0  # 0: an integer slider (lesson 09's unit)
    for fraction in (0.3, 0.7, 0.45):
        position = s.min + (s.max - s.min) * fraction
        text = f"{10 ** position if s.log else position:.{digits}f}"
        if text != s.readout:
            return text
    raise AssertionError(f"no target for {s.label}")


def play_and_watch(ex: ExplorerOnPage, T: int, long_run: int = 10, timeout_s: float = 60.0) -> list[int]:
    """Click Play and record the steps the label shows: to T when T <= long_run, else
    until a few steps went by, then Play is clicked again (pause)."""
    seen = [ex.step()[0]]
    ex.click_play()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        t = ex.step()[0]
        if t != seen[-1]:
            seen.append(t)
        if t == T or (T > long_run and len(seen) >= 4):
            break
        time.sleep(0.03)
    if seen[-1] != T:
        ex.click_play()  # pause
    return seen


def pick_sliders(ex: ExplorerOnPage):
    """Three float sliders a learner can see (not the step slider of Play), different when there
    are three; an explorer with fewer has its sliders used again. An explorer with integer sliders only
    (lesson 09's unit) has those used."""
    visible = [s for s in ex.sliders() if s.shown and not s.inPlay]
    shown = [s for s in visible if "." in s.readout] or visible
    return [shown[n % len(shown)] for n in range(3)] if shown else []


def test_explorer_sliders_plot_and_numbers(notebook, screenshot_dir, latency_log, layout_notes):
    page = notebook.page
    calls = explorer_calls(notebook.path)
    count = page.evaluate("() => __lstm.explorers().length")
    if count == 0:
        pytest.skip(f"{notebook.path.name} shows no explorer")
    failures = []
    for i in range(count):
        factory, args = calls[i] if len(calls) == count else (None, "")
        name = f"{notebook.stem} #{i + 1} {factory or '?'}"
        ex = ExplorerOnPage(page, i)
        ex.root.scroll_into_view_if_needed()
        ex.settle()
        layout_notes[name] = ex.layout_notes()
        page.screenshot(path=str(screenshot_dir / f"{notebook.stem}__{i + 1}_view_before.png"))
        screenshot_element(page, ex.root, screenshot_dir / f"{notebook.stem}__{i + 1}_before.png", page.viewport_size["width"])
        problems = []

        def check(after: str):
            found, how = numbers_problems(factory, args, ex)
            problems.extend(f"after {after}: {p}" for p in found)
            return how

        start_values = ex.values()
        how = check("Run All")
        sliders = pick_sliders(ex)
        if not sliders:
            failures.append(f"{name}: no float slider a learner can see")
            continue
        by_key, by_mouse, by_typing = sliders
        digest = ex.plot_digest()

        def plot_changed(what: str):
            nonlocal digest
            new = ex.plot_digest()
            if new == digest:
                problems.append(f"{what}: the plot's PNG did not change")
            digest = new

        # 1. keyboard: focus the handle, three arrow presses
        key = nudge_key(by_key)
        ex.after(lambda: ex.press(by_key, key, times=3))
        moved = ex.values()[by_key.label]
        if abs(moved - by_key.value) < 1e-9:
            problems.append(f"keyboard: {by_key.label} stayed at {by_key.readout} after 3x {key}")
        plot_changed(f"keyboard on {by_key.label}")
        check(f"keyboard on {by_key.label} ({by_key.readout} -> {moved})")

        def fresh(slider):  # its state now (an explorer with fewer than 3 sliders reuses one)
            return next(x for x in ex.sliders() if x.index == slider.index)

        # 2. mouse: drag the handle 40 px
        by_mouse = fresh(by_mouse)
        dx = -40 if by_mouse.position > (by_mouse.min + by_mouse.max) / 2 else 40
        ex.after(lambda: ex.drag(by_mouse, dx))
        dragged = ex.values()[by_mouse.label]
        if abs(dragged - by_mouse.value) < 1e-9:
            problems.append(f"mouse: {by_mouse.label} stayed at {by_mouse.readout} after a {dx} px drag")
        plot_changed(f"drag on {by_mouse.label}")
        check(f"drag on {by_mouse.label} ({by_mouse.readout} -> {dragged})")

        # 3. typing into the readout
        by_typing = fresh(by_typing)
        target = typed_target(by_typing)
        ex.after(lambda: ex.type_value(by_typing, target))
        typed = fresh(by_typing)
        if not close_to_shown(typed.readout, float(target)):  # the readout rounds to its own format
            problems.append(f"typing: {by_typing.label} readout shows {typed.readout!r} after typing {target!r}")
        plot_changed(f"typing into {by_typing.label}")
        check(f"typing {target} into {by_typing.label}")

        ex.root.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"{notebook.stem}__{i + 1}_view_after.png"))
        screenshot_element(page, ex.root, screenshot_dir / f"{notebook.stem}__{i + 1}_after.png", page.viewport_size["width"])

        # latency: one key press -> the new image loaded, back and forth on the keyboard slider
        for n in range(LATENCY_MOVES):
            latency_log.add(name, ex.key_latency_ms(by_key, "ArrowRight" if n % 2 == 0 else "ArrowLeft"))
        ex.settle()
        digest = ex.plot_digest()

        # Reset: the starting values come back (the lesson's defaults, when the call has no arguments)
        ex.after(lambda: ex.click_button("Reset"))
        after_reset = ex.values()
        if after_reset != start_values:
            changed = {k: (start_values.get(k), v) for k, v in after_reset.items() if start_values.get(k) != v}
            problems.append(f"Reset: values differ from the starting ones (start, now): {changed}")
        if factory in CHECKERS and not args:
            expected = CHECKERS[factory][1]()
            readouts = {s.label: s.readout for s in ex.sliders() if not s.inPlay}
            wrong = {k: (expected.get(k), shown) for k, shown in readouts.items()
                     if k not in expected or not close_to_shown(shown, expected[k])}
            if wrong or set(expected) != set(readouts):
                problems.append(f"Reset: not the lesson's defaults (expected, page): {wrong}, "
                                f"missing {sorted(set(expected) - set(readouts))}")
        plot_changed("Reset")
        check("Reset")

        # Play walks the steps: "Step t = 2 of T", 3, ... (to T, or paused after a few when T is long)
        step = ex.step()
        if step is not None:
            t, T = step
            if t != 1:
                problems.append(f"Reset: step label shows t = {t}, expected 1")
            if T > 1:
                seen = play_and_watch(ex, T)
                increasing = all(a < b for a, b in zip(seen, seen[1:]))
                if seen[0] != 1 or not increasing or seen[-1] < min(T, 3):
                    problems.append(f"Play: the step label showed t = {seen} (of {T})")
                ex.settle()
                plot_changed("Play")
                check(f"Play to t = {seen[-1]}")
        if problems:
            failures.append(f"{name} (numbers: {how}):\n  " + "\n  ".join(problems))
        print(f"{name}: keyboard {by_key.label}, drag {by_mouse.label}, typed {by_typing.label}; numbers: {how}; "
              f"{len(problems)} problem(s)")
    assert not failures, "\n".join(failures)
