"""Browser tests: Playwright driving a system Chromium (Debian's), never `playwright install`.

No Chromium found -> every browser test SKIPS with the reason; with LSTM_REQUIRE_BROWSER=1
(CI sets it) they FAIL instead. Chromium is looked up in this order: $LSTM_CHROMIUM,
/usr/bin/chromium, /usr/bin/chromium-browser, Playwright's own managed browser.
"""

from __future__ import annotations

import os

import pytest

from .pages import PAGE_HELPERS, LatencyLog
from .servers import CHROMIUM_ARGS, SCREENSHOT_DIR, find_chromium

VIEWPORT = {"width": 1280, "height": 800}  # a student's laptop

_latency_key = pytest.StashKey[LatencyLog]()
_layout_key = pytest.StashKey[dict]()


def pytest_configure(config):
    config.stash[_latency_key] = LatencyLog()
    config.stash[_layout_key] = {}


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path, how = find_chromium()
    if path is None:
        if os.environ.get("LSTM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"LSTM_REQUIRE_BROWSER=1 but {how}", pytrace=False)
        pytest.skip(how)
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def context(browser):
    """One browser context per test module, the page helpers (window.__lstm) in every page."""
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.add_init_script(PAGE_HELPERS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture(scope="session")
def latency_log(request) -> LatencyLog:
    return request.config.stash[_latency_key]


@pytest.fixture(scope="session")
def layout_notes(request) -> dict:
    """explorer name -> layout observations (clipped labels, sliders out of sight); reported, not asserted."""
    return request.config.stash[_layout_key]


def _reports(config) -> list[tuple[str, str, str]]:
    """(file name, title, text) of the latency table and the layout notes gathered in this process."""
    latency, layout = config.stash.get(_latency_key, None), config.stash.get(_layout_key, None)
    out = []
    if latency and latency.rows:
        out.append(("latency", "slider -> new plot image latency (keyboard step, in the page)", latency.table()))
    if layout:
        lines = []
        for name, notes in layout.items():
            lines += [f"{name}: {note}" for note in notes] or [f"{name}: no layout problem detected"]
        out.append(("layout", "explorer layout at 1280x800 (observations, not assertions)", "\n".join(lines)))
    return out


def pytest_sessionfinish(session, exitstatus):
    """Into tests/browser/screenshots/ (gitignored): under pytest-xdist a worker's terminal summary is not shown,
    so each worker writes its own file (latency-gw0.txt, ...); benchmarks/browser_latency.py measures latency."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    for name, _, text in _reports(session.config):
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        (SCREENSHOT_DIR / f"{name}{'-' + worker if worker else ''}.txt").write_text(text + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for _, title, text in _reports(config):
        terminalreporter.write_sep("-", title)
        for line in text.splitlines():
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(config, items):
    """Every `browser` test is also `slow` (out of `make test-fast` / `pytest -m "not slow"`). pytest calls this
    hook with the whole session's items, so a browser test outside tests/browser/ is marked too."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
