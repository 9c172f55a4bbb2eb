"""What a learner does on a page with explorers, and what the tests read back from it.

Works on JupyterLab and on Voilà pages alike: everything is found by the explorers' CSS
classes (``lstm-explorer`` on an explorer's root, ``lstm-plot`` on its image) and by
ipywidgets 8's DOM (``.widget-slider`` with a ``.widget-label``, a noUiSlider
``.noUi-handle`` and a contenteditable ``.widget-readout``).
"""

from __future__ import annotations

import math
import re
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Helpers installed in every page (add_init_script) so that Python asks short questions.
PAGE_HELPERS = r"""
window.__lstm = {
  // explorers in page order, leaving out any on a hidden JupyterLab tab
  explorers() { return Array.from(document.querySelectorAll('.lstm-explorer')).filter(e => !e.closest('.lm-mod-hidden')); },
  root(i) { return this.explorers()[i]; },
  plot(i) {
    const p = this.root(i).querySelector('.lstm-plot');
    return p && (p.tagName === 'IMG' ? p : p.querySelector('img'));
  },
  kernelBusy() {
    // JupyterLab (exposed app): the current notebook's kernel; Voilà: unknown (null)
    const app = window.jupyterapp;
    const kernel = app && app.shell.currentWidget && app.shell.currentWidget.sessionContext
      && app.shell.currentWidget.sessionContext.session && app.shell.currentWidget.sessionContext.session.kernel;
    return kernel ? kernel.status !== 'idle' : null;
  },
  sliders(i) {
    return Array.from(this.root(i).querySelectorAll('.widget-slider')).map((s, k) => {
      const label = s.querySelector('.widget-label');
      const readout = s.querySelector('.widget-readout');
      const handle = s.querySelector('.noUi-handle');
      const box = handle ? handle.getBoundingClientRect() : null;
      return {
        index: k,
        label: label ? label.textContent.trim() : '',
        readout: readout ? readout.textContent.trim() : '',
        min: handle ? parseFloat(handle.getAttribute('aria-valuemin')) : null,
        max: handle ? parseFloat(handle.getAttribute('aria-valuemax')) : null,
        now: handle ? parseFloat(handle.getAttribute('aria-valuenow')) : null,
        shown: s.offsetParent !== null && !!box && box.width > 0,
        handleX: box ? box.x + box.width / 2 : null,
        labelClipped: label ? label.scrollWidth > label.clientWidth + 1 : false,
        inPlay: !!s.parentElement && !!s.parentElement.querySelector(':scope > .widget-play'),
      };
    });
  },
  // The slider at DOM index k of explorer i (the same order as sliders(i)).
  slider(i, k) { return this.root(i).querySelectorAll('.widget-slider')[k]; },
  settled(i, quietMs, nonce) {
    // true once the plot src, the explorer's text and the kernel have been still for quietMs
    // (counted from this call's first poll: each wait has its own nonce)
    const img = this.plot(i);
    const key = (img ? img.src : '') + '|' + this.root(i).innerText;
    const busy = this.kernelBusy() === true || !img || !img.complete || img.naturalWidth === 0;
    const now = performance.now();
    const s = this._settle || (this._settle = {});
    if (busy || s.key !== key || s.nonce !== nonce) { s.key = key; s.nonce = nonce; s.since = now; return false; }
    return now - s.since >= quietMs;
  },
  stepText(i) {
    const m = this.root(i).innerText.match(/Step t = (\d+) of (\d+)/);
    return m ? [parseInt(m[1]), parseInt(m[2])] : null;
  },
  tables(i) {
    return Array.from(this.root(i).querySelectorAll('table')).map(t =>
      Array.from(t.querySelectorAll('tr')).map(r => Array.from(r.querySelectorAll('th,td')).map(c => c.innerText.trim())));
  },
  equationLines(i) {
    const eq = this.root(i).querySelector('.lstm-equations');
    if (!eq) return null;
    return Array.from(eq.children).map(line => line.innerText.replace(/\s+/g, ' ').trim());
  },
  // what a learner would see go wrong at this window size (reported, not asserted)
  layoutAudit(i) {
    const root = this.root(i);
    const notes = [];
    const scroller = root.closest('.jp-WindowedPanel-outer, .jp-NotebookPanel-notebook, .jp-Notebook');
    const area = scroller ? scroller.getBoundingClientRect() : {left: 0, right: window.innerWidth};
    const right = Math.min(area.right, window.innerWidth);
    const short = t => t.replace(/\s+/g, ' ').trim().slice(0, 40);
    root.querySelectorAll('.widget-slider').forEach(s => {
      const label = s.querySelector('.widget-label');
      const name = label ? label.textContent.trim() : '?';
      if (s.offsetParent === null) return;  // on a tab that is not shown
      if (label && label.scrollWidth > label.clientWidth + 1)
        notes.push(`slider label "${name}" is cut off (${label.clientWidth}px shown of ${label.scrollWidth}px)`);
      const r = s.getBoundingClientRect();
      if (r.right > right + 1)
        notes.push(`slider "${name}" reaches x=${Math.round(r.right)}, past the visible edge x=${Math.round(right)}`);
      // its value must be readable: the readout is there and nothing covers it
      const readout = s.querySelector('.widget-readout');
      const rr = readout ? readout.getBoundingClientRect() : null;
      if (!rr || rr.width < 2 || getComputedStyle(readout).display === 'none') {
        notes.push(`slider "${name}" shows no readout of its value`);
      } else {
        // a box between the slider and the explorer's root that is narrower than the slider
        // clips it (ipywidgets boxes scroll sideways): the value is out of sight
        for (let a = s.parentElement; a && a !== root.parentElement; a = a.parentElement) {
          const box = a.getBoundingClientRect();
          if (getComputedStyle(a).overflowX !== 'visible' && rr.right > box.left + a.clientWidth + 1) {
            notes.push(`slider "${name}": its readout lies outside the ${Math.round(a.clientWidth)}px box that holds the ${Math.round(r.width)}px slider (the value is scrolled out of sight)`);
            break;
          }
        }
      }
    });
    const img = this.plot(i);
    if (img) {
      const r = img.getBoundingClientRect();
      if (r.right > right + 1)
        notes.push(`plot image (${img.naturalWidth}px wide) reaches x=${Math.round(r.right)}, past the visible edge x=${Math.round(right)}`);
    }
    root.querySelectorAll('.widget-html, .widget-htmlmath').forEach(w => {
      if (w.offsetParent === null) return;
      const c = w.querySelector('.widget-html-content, .widget-htmlmath-content') || w;
      const r = w.getBoundingClientRect();
      if (c.scrollWidth > c.clientWidth + 2)
        notes.push(`text panel "${short(w.innerText)}" overflows its box (${c.clientWidth}px shown of ${c.scrollWidth}px)`);
      if (r.right > right + 1 && w.innerText.trim())
        notes.push(`text panel "${short(w.innerText)}" reaches x=${Math.round(r.right)}, past the visible edge x=${Math.round(right)}`);
      if (r.width < 300 && w.innerText.length > 300)
        notes.push(`text panel "${short(w.innerText)}" is squeezed into ${Math.round(r.width)}px for ${w.innerText.length} characters`);
    });
    return notes;
  },
  // the screen height explorer i needs: from the top of its highest shown slider (or of the picture)
  // to the bottom of its lowest (or of the picture), against the height of the scrolled area that
  // shows the notebook (JupyterLab) or of the window (Voila)
  span(i) {
    const root = this.root(i);
    const boxes = Array.from(root.querySelectorAll('.widget-slider'))
      .filter(s => s.offsetParent !== null)
      .map(s => s.getBoundingClientRect()).filter(r => r.height > 0);
    const img = this.plot(i);
    const pic = img.getBoundingClientRect();
    const top = Math.min(pic.top, ...boxes.map(r => r.top));
    const bottom = Math.max(pic.bottom, ...boxes.map(r => r.bottom));
    let scroller = root.parentElement;
    while (scroller && !(['auto', 'scroll'].includes(getComputedStyle(scroller).overflowY)
                         && scroller.scrollHeight > scroller.clientHeight)) scroller = scroller.parentElement;
    const visible = scroller && scroller !== document.documentElement && scroller !== document.body
      ? scroller.clientHeight : window.innerHeight;
    return {span: Math.round(bottom - top), visible: Math.round(visible), sliders: boxes.length,
            picture: [Math.round(pic.width), Math.round(pic.height)]};
  },
  // records what changes in explorer i, in order: 'picture' (the plot's src) or 'text' (the content of
  // a text panel: tables, notes, equations; the controls' own readouts and labels left out)
  record(i) {
    const root = this.root(i), img = this.plot(i);
    if (this._recorder) this._recorder.disconnect();
    const log = this._recorded = [];
    this._recorder = new MutationObserver(muts => {
      for (const m of muts) {
        const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        if (m.type === 'attributes') { if (el === img) log.push('picture'); continue; }
        if (!el || el.closest('.widget-slider, .widget-play, .widget-button, .widget-toggle-buttons')) continue;
        if (el.closest('.widget-html, .widget-htmlmath')) log.push('text');
      }
    });
    this._recorder.observe(root, {subtree: true, childList: true, characterData: true, attributes: true,
                                  attributeFilter: ['src']});
  },
  recorded() { this._recorder.disconnect(); this._recorder = null; return this._recorded; },
  // true once the page shows explorers (``count`` of them, when given) and every one's picture is loaded
  drawn(count) {
    const shown = this.explorers();
    return (count == null ? shown.length > 0 : shown.length === count) && shown.every((e, i) => {
      const p = this.plot(i); return !!p && p.complete && p.naturalWidth > 0; });
  },
  // scrolls explorer i's highest shown slider (or its picture) to the top, as a learner would scroll it
  scrollToControls(i) {
    const s = Array.from(this.root(i).querySelectorAll('.widget-slider')).filter(s => s.offsetParent !== null)[0]
      || this.plot(i);
    s.scrollIntoView({block: 'start'});
  },
  // watches the plot of explorer i: time of the last keydown and of every loaded new image
  watch(i) {
    const img = this.plot(i);
    const w = this._watch = {loads: [], key: null};
    if (!this._keyListener) {
      this._keyListener = true;
      document.addEventListener('keydown', () => { if (this._watch) this._watch.key = performance.now(); }, true);
    }
    img.addEventListener('load', () => { if (this._watch === w) w.loads.push([performance.now(), img.src]); });
  },
};
"""

def record_off_machine_requests(page) -> list[str]:
    """The list the page's requests to any host but 127.0.0.1 will be appended to (data: and blob:
    URLs stay on the machine). A lesson must open offline: a classroom may have no network, or a
    firewall that drops packets, and then the page's load event waits for the TCP timeout."""
    urls: list[str] = []

    def on_request(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != "127.0.0.1":
            urls.append(request.url)

    page.on("request", on_request)
    return urls


def wait_kernel_idle(page, timeout_ms: float) -> None:
    """JupyterLab: the current notebook has a kernel, and it is idle."""
    page.wait_for_function("() => __lstm.kernelBusy() === false", polling=100, timeout=timeout_ms)


def wait_explorers_drawn(page, timeout_ms: float, count: int | None = None) -> None:
    """The page shows explorers (``count`` of them, when given), every one with its picture loaded."""
    page.wait_for_function("n => __lstm.drawn(n)", arg=count, polling=200, timeout=timeout_ms)


# the explorers a learner has in front of them: not those on a hidden JupyterLab tab (Voilà: body)
SHOWN = ":is(.jp-NotebookPanel:not(.lm-mod-hidden), body[data-voila])"
NUMBER = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
SETTLE_QUIET_MS = 400


def numbers(text: str) -> list[float]:
    """Every number in ``text`` (MathJax writes minus as U+2212)."""
    return [float(m.replace("−", "-")) for m in NUMBER.findall(text)]


def decimals(token: str) -> int:
    return len(token.split(".")[1]) if "." in token else 0


def close_to_shown(shown: str, exact: float) -> bool:
    """``shown`` (a printed number) is ``exact`` rounded to the printed digits (a hair of slack
    for values the page and the test got by different float roundings)."""
    value = float(shown.replace("−", "-"))
    return abs(value - exact) <= 0.5 * 10 ** -decimals(shown) + 1e-9 * max(1.0, abs(exact))


@dataclass
class Slider:
    index: int
    label: str
    readout: str
    min: float
    max: float
    now: float  # the handle's position: the value, or its log10 on a FloatLogSlider
    shown: bool
    handleX: float
    labelClipped: bool
    inPlay: bool

    @property
    def value(self) -> float:
        return float(self.readout.replace("−", "-"))

    @property
    def log(self) -> bool:
        """A FloatLogSlider (base 10): min, max and the handle are exponents, the readout is 10**now."""
        v = self.value
        if abs(v - self.now) <= 1e-9 or v < 0:
            return False
        # near the bottom of a log range the readout keeps few digits (1.02e-4 shows 0.00010), so
        # compare 10**now rounded as the readout is, not log10 of the rounded readout
        digits = decimals(self.readout)
        return f"{10 ** self.now:.{digits}f}" == self.readout or (v > 0 and abs(math.log10(v) - self.now) < 1e-2)

    @property
    def position(self) -> float:
        return self.now if self.log else self.value


@dataclass
class LatencyLog:
    """Slider-key-to-new-image latencies (ms) per explorer."""

    rows: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, ms: float) -> None:
        self.rows.setdefault(name, []).append(ms)

    def table(self) -> str:
        lines = [f"{'explorer':<56} {'moves':>5} {'median ms':>10} {'max ms':>8}"]
        for name, values in self.rows.items():
            lines.append(f"{name:<56} {len(values):>5} {statistics.median(values):>10.0f} {max(values):>8.0f}")
        return "\n".join(lines)


class ExplorerOnPage:
    """Explorer number ``i`` (in page order) on a Playwright page."""

    def __init__(self, page, i: int):
        self.page, self.i = page, i
        self.root = page.locator(f"{SHOWN} .lstm-explorer").nth(i)

    # --- reading -----------------------------------------------------------------
    def sliders(self) -> list[Slider]:
        return [Slider(**s) for s in self.page.evaluate("i => __lstm.sliders(i)", self.i)]

    def readout(self, s: Slider) -> str:
        """What slider ``s`` shows now (the Slider itself is a snapshot)."""
        return next(x.readout for x in self.sliders() if x.index == s.index)

    def values(self) -> dict[str, float]:
        """Every slider's label -> the value its readout shows (hidden tabs included)."""
        return {s.label: s.value for s in self.sliders() if not s.inPlay}

    def layout_notes(self) -> list[str]:
        return self.page.evaluate("i => __lstm.layoutAudit(i)", self.i)

    def plot_digest(self) -> str:
        """SHA-256 of the plot's PNG bytes as loaded by the page (a new blob URL alone proves nothing)."""
        return self.page.evaluate(
            """async i => {
                const p = __lstm.plot(i);
                const bytes = await (await fetch(p.src)).arrayBuffer();
                const digest = await crypto.subtle.digest('SHA-256', bytes);
                return Array.from(new Uint8Array(digest)).map(b => b.toString(16).padStart(2, '0')).join('');
            }""", self.i)

    def plot_src(self) -> str:
        return self.page.evaluate("i => { const p = __lstm.plot(i); return p ? p.src : null; }", self.i)

    def plot_loaded(self) -> bool:
        return self.page.evaluate("i => { const p = __lstm.plot(i); return !!p && p.complete && p.naturalWidth > 0; }",
                                  self.i)

    def text(self) -> str:
        return self.root.inner_text()

    def tables(self) -> list[list[list[str]]]:
        return self.page.evaluate("i => __lstm.tables(i)", self.i)

    def equation_lines(self) -> list[str] | None:
        return self.page.evaluate("i => __lstm.equationLines(i)", self.i)

    def step(self) -> tuple[int, int] | None:
        shown = self.page.evaluate("i => __lstm.stepText(i)", self.i)
        return tuple(shown) if shown else None

    # --- waiting -----------------------------------------------------------------------
    def settle(self, timeout_ms: float = 30_000) -> None:
        """Wait until the kernel is idle and the plot and the numbers have stopped changing.

        Call it after something that is known to have started (a new plot arrived, a readout
        moved): quiet alone cannot tell "done" from "not started yet".
        """
        self._nonce = getattr(self, "_nonce", 0) + 1
        self.page.wait_for_function("([i, q, n]) => __lstm.settled(i, q, n)",
                                    arg=[self.i, SETTLE_QUIET_MS, f"{id(self)}-{self._nonce}"],
                                    polling=50, timeout=timeout_ms)

    def after(self, action, timeout_ms: float = 30_000) -> None:
        """Do ``action()``, wait for the new plot it causes, then until everything is still."""
        old = self.plot_src()
        action()
        self.wait_new_plot(old, timeout_ms)
        self.settle(timeout_ms)

    def wait_new_plot(self, old_src: str, timeout_ms: float = 30_000) -> None:
        self.page.wait_for_function(
            "([i, old]) => { const p = __lstm.plot(i); return !!p && p.src !== old && p.complete && p.naturalWidth > 0; }",
            arg=[self.i, old_src], polling=10, timeout=timeout_ms)

    # --- doing ---------------------------------------------------------------------------
    def _slider(self, s: Slider):
        return self.root.locator(".widget-slider").nth(s.index)

    def press(self, s: Slider, key: str, times: int = 1) -> None:
        handle = self._slider(s).locator(".noUi-handle")
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def drag(self, s: Slider, dx: float) -> None:
        handle = self._slider(s).locator(".noUi-handle")
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        mouse = self.page.mouse
        mouse.move(x, y)
        mouse.down()
        mouse.move(x + dx, y, steps=8)
        mouse.up()

    def type_value(self, s: Slider, text: str) -> None:
        readout = self._slider(s).locator(".widget-readout")
        readout.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")

    def click_button(self, name: str) -> None:
        self.root.locator("button", has_text=name).first.click()

    def click_play(self) -> None:
        self.root.locator(".widget-play button").first.click()

    def wait_step(self, t: int, timeout_ms: float = 15_000) -> None:
        self.page.wait_for_function("([i, t]) => { const s = __lstm.stepText(i); return !!s && s[0] === t; }",
                                    arg=[self.i, t], polling=50, timeout=timeout_ms)

    def key_latency_ms(self, s: Slider, key: str, timeout_ms: float = 30_000) -> float:
        """One key press on the slider handle -> the new plot image loaded, timed inside the page."""
        self.settle()
        self.page.evaluate("i => __lstm.watch(i)", self.i)
        old = self.plot_src()
        self.press(s, key)
        self.wait_new_plot(old, timeout_ms)
        # the load event of that image, timed from the keydown
        self.page.wait_for_function("() => __lstm._watch.loads.length > 0 && __lstm._watch.key !== null",
                                    polling=10, timeout=timeout_ms)
        key_t, loads = self.page.evaluate("() => [__lstm._watch.key, __lstm._watch.loads]")
        return loads[0][0] - key_t


def screenshot_element(page, locator, path, width: int, tall: int = 2600) -> None:
    """A picture of a whole explorer: the viewport is made tall (same width) for the shot."""
    size = page.viewport_size
    # scrolled back to its left edge (typing into a readout far right scrolls the output area,
    # or a box inside the explorer)
    locator.evaluate("""e => {
        for (let a = e; a; a = a.parentElement) a.scrollLeft = 0;
        e.querySelectorAll('*').forEach(d => { if (d.scrollLeft) d.scrollLeft = 0; });
    }""")
    page.set_viewport_size({"width": width, "height": tall})
    try:
        time.sleep(0.3)  # let the layout follow the new size
        locator.screenshot(path=str(path))
    finally:
        page.set_viewport_size(size)
