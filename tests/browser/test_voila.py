"""Classroom present mode: Voilà with the template in present/, in a real browser.

Opens the lesson list, then the lesson 02 page (or the first notebook with an explorer), checks
that it shows the explorer and the text without code and with the projector CSS, moves a slider
by keyboard and sees the plot change (and the numbers follow, when the explorer has a checker).
Every lesson's page must fit its explorers on the projector, and no page may ask a host other
than 127.0.0.1 for anything: a classroom may be offline.
"""

from __future__ import annotations

import contextlib
import urllib.error

import pytest

from .checks import CHECKERS, explorer_calls, until_agreed
from .pages import ExplorerOnPage, record_off_machine_requests, screenshot_element, wait_explorers_drawn
from .servers import NOTEBOOK_DIR, start_voila

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
LATENCY_MOVES = 4  # a few, back and forth: printed, never asserted (benchmarks/browser_latency.py times them)


def present_notebook():
    """notebooks/02_*.ipynb if it shows an explorer, else the first notebook that does."""
    with_explorer = [p for p in sorted(NOTEBOOK_DIR.glob("*.ipynb")) if explorer_calls(p)]
    preferred = [p for p in with_explorer if p.name.startswith("02_")]
    return (preferred or with_explorer or [None])[0]


@pytest.fixture(scope="module")
def voila(browser, tmp_path_factory):
    server = start_voila(tmp_path_factory.mktemp("voila"))
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def voila_page(voila, context, path):
    """(page, off_machine, page_errors): ``path`` rendered by Voilà at 1280x720, the URLs the page
    asked of any host but this one, and its JavaScript errors.

    Voilà runs the whole notebook before it sends the page. If the page does not load, the
    failure carries Voilà's log, which says whether the kernel started. On the way out the
    page's kernel is shut down: Playwright's page.close() skips the beforeunload handler in
    which Voilà's page asks for that, and otherwise every lesson's kernel stays alive until
    the server stops.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = context.new_page()
    off_machine, page_errors = record_off_machine_requests(page), []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    try:
        page.set_viewport_size(PROJECTOR)
        try:
            page.goto(voila.url(f"voila/render/{path.name}"), timeout=180_000)
        except PlaywrightTimeout as exc:
            pytest.fail(f"Voilà did not send {path.name} within 180 s ({exc}).\nRequests off this machine: "
                        f"{off_machine}\nVoilà's log ends:\n{voila.log_tail(60)}", pytrace=False)
        yield page, off_machine, page_errors
    finally:
        try:
            kernel_id = page.evaluate("() => { const e = document.getElementById('jupyter-config-data');"
                                      " return e ? JSON.parse(e.textContent).kernelId || null : null; }")
        except PlaywrightError:
            kernel_id = None  # the page never got that far: nothing of it to shut down
        page.close()
        if kernel_id:
            try:
                voila.api("POST", f"voila/api/shutdown/{kernel_id}")
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                # housekeeping, not what the test checks: the kernel then lives until the server stops
                print(f"Voilà did not shut down kernel {kernel_id} of {path.name}: {exc!r}")


def test_the_lesson_list_shows_every_lesson_and_loads_offline(voila, context, screenshot_dir):
    """The first page a teacher opens (make present, http://127.0.0.1:8866): every lesson is listed,
    and the page asks nothing of any host but this one (present/.../page.html drops Voilà's CDN link)."""
    page = context.new_page()
    off_machine = record_off_machine_requests(page)
    try:
        page.set_viewport_size(PROJECTOR)
        page.goto(voila.url(""), timeout=60_000)
        # Voilà's lab tree draws the list in the page, as JupyterLab's file browser does
        page.wait_for_selector(".jp-DirListing-item", timeout=30_000)
        page.screenshot(path=str(screenshot_dir / "voila_lesson_list_1280x720.png"))
        listed = page.locator(".jp-DirListing-item").all_inner_texts()
        missing = [p.name for p in sorted(NOTEBOOK_DIR.glob("*.ipynb")) if not any(p.name in t for t in listed)]
        assert not missing, f"the lesson list lacks {missing}; it shows {listed}"
        assert not off_machine, f"the lesson list asks hosts other than this one for: {off_machine}"
    finally:
        page.close()


WITH_EXPLORERS = [p for p in sorted(NOTEBOOK_DIR.glob("*.ipynb")) if explorer_calls(p)]


@pytest.mark.parametrize("path", WITH_EXPLORERS, ids=[p.name for p in WITH_EXPLORERS])
def test_present_mode_fits_sliders_and_picture_in_one_screen(path, voila, context, screenshot_dir, layout_notes):
    """On the projector (1280x720, make present), every explorer's shown sliders and its picture fit
    the window's height together; and the page asks nothing of any host but this one."""
    with voila_page(voila, context, path) as (page, off_machine, _):
        wait_explorers_drawn(page, 120_000)
        assert not off_machine, f"present mode, {path.name}, asks hosts other than this one for: {off_machine}"
        too_tall = []
        for i in range(page.evaluate("() => __lstm.explorers().length")):
            ExplorerOnPage(page, i).settle()
            m = page.evaluate("i => __lstm.span(i)", i)
            page.evaluate("i => __lstm.scrollToControls(i)", i)
            page.screenshot(path=str(screenshot_dir / f"voila_{path.stem}__{i + 1}_1280x720.png"))
            line = (f"span {m['span']} px of {m['visible']} px visible ({m['sliders']} sliders shown, picture "
                    f"{m['picture'][0]}x{m['picture'][1]} px)")
            layout_notes.setdefault(f"Voilà {path.stem} #{i + 1} at 1280x720", []).append(line)
            print(f"Voilà {path.stem} #{i + 1}: {line}")
            if m["span"] > m["visible"]:
                too_tall.append(f"explorer #{i + 1}: {line}")
        assert not too_tall, f"present mode, {path.name}: sliders and picture do not fit one screen:\n" + (
            "\n".join(too_tall))


def test_present_mode_shows_the_lesson_and_a_slider_moves_the_plot(voila, context, screenshot_dir, latency_log):
    path = present_notebook()
    if path is None:
        pytest.skip("no notebook with an explorer in notebooks/ yet")
    # (that no request leaves the machine, the fit test above checks on every lesson's page, this one's too)
    with voila_page(voila, context, path) as (page, _, page_errors):
        wait_explorers_drawn(page, 120_000)
        ex = ExplorerOnPage(page, 0)
        ex.settle()
        page.screenshot(path=str(screenshot_dir / f"voila_{path.stem}_top.png"))
        ex.root.scroll_into_view_if_needed()
        page.screenshot(path=str(screenshot_dir / f"voila_{path.stem}_before.png"))

        body = page.locator("body").inner_text()
        assert "from lstm_core import explore" not in body, "present mode shows code"
        assert page.locator("#lstm-present-css").count() == 1, "the present template's CSS is not on the page"
        text_size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.jp-RenderedHTMLCommon p, "
            ".jp-RenderedHTMLCommon li') || document.body).fontSize)")
        assert text_size >= 20, f"lesson text is {text_size}px, too small for a projector"
        errors = page.locator('[data-mime-type="application/vnd.jupyter.stderr"], '
                              '[data-mime-type="application/vnd.jupyter.error"]').all_inner_texts()
        assert not errors, "error output in present mode:\n" + "\n---\n".join(errors)
        assert not page_errors, f"JavaScript errors: {page_errors}"

        calls = explorer_calls(path)
        factory, args = calls[0] if calls else (None, "")
        slider = next(s for s in ex.sliders() if s.shown and not s.inPlay and "." in s.readout)
        before = ex.plot_digest()
        key = "ArrowLeft" if slider.position > (slider.min + slider.max) / 2 else "ArrowRight"
        ex.after(lambda: ex.press(slider, key, times=3))
        moved = ex.values()[slider.label]
        assert abs(moved - slider.value) > 1e-9, f"{slider.label} did not move ({slider.readout})"
        assert ex.plot_digest() != before, f"the plot did not change after moving {slider.label}"
        if factory in CHECKERS:
            problems = until_agreed(CHECKERS[factory][0], ex)
            assert not problems, "\n".join(problems)
        page.screenshot(path=str(screenshot_dir / f"voila_{path.stem}_after.png"))
        screenshot_element(page, ex.root, screenshot_dir / f"voila_{path.stem}_explorer_after.png", PROJECTOR["width"])
        for n in range(LATENCY_MOVES):
            latency_log.add(f"Voilà {path.stem} #1 {factory or '?'}",
                            ex.key_latency_ms(slider, "ArrowRight" if n % 2 == 0 else "ArrowLeft"))
