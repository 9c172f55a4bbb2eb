"""The Explorer: sliders in, a Trace from lstm_core, artists updated, PNG out.

Data flows one way. A control changes -> ``compute`` asks lstm_core for new numbers (pure,
no widgets) -> ``draw`` updates artists that already exist and the text panels.

When the update runs:

- A value set by code (``slider.value = v`` in a notebook cell or a test) updates at once, in the
  observer: the assignment returns with the picture up to date.
- A value sent by the browser (a learner dragging), while the kernel runs its event loop, is
  drawn by the explorer's render thread, not in the observer: the observer only notes the newest
  value and returns, so the kernel keeps reading the browser's messages while a picture is being
  drawn. A drag faster than the redraw sends many values; each new one replaces the one waiting,
  so stale values are dropped, never queued, and the last value is always drawn last.
  ``wait()`` blocks until every value received so far is drawn.

The picture goes first; the text panels under or beside it (tables, notes, the prediction line,
typeset equations) follow. ``show_after_picture`` sets them at once for a value set by code, and for
a browser value a moment after the picture, only once no newer value waits: while dragging, the text
follows when the hand pauses. Measured in a browser (``benchmarks/browser_latency.py``): MathJax
typesetting blocked the page's main thread for 130-170 ms per move, and a note above the picture
that changed with the picture made the page lay itself out again before the new picture showed
(lesson 08: 1.53-1.64x the floor with the text sent beside the picture, 1.29-1.30x after it).

Every update of every explorer holds one lock (``RENDER_LOCK``): matplotlib's text and font caches
are shared between figures, and a notebook cell setting a value meanwhile waits for the drawing
in progress.
"""

import asyncio
import base64
import threading

import ipywidgets as widgets

SLIDER_LAYOUT = dict(width="300px")
#: the forget gate's bias on a slider, in every explorer that has one (lessons 04 and 05): from a gate
#: nearly shut, σ(−3) ≈ 0.05, to one that keeps 99.97 % per step, σ(8)
FORGET_BIAS_RANGE = (-3.0, 8.0)
SLIDER_STYLE = {"description_width": "56px"}

def slider(description, value, lo, hi, step=0.01, fmt=".2f", label_width=None):
    """A float slider whose readout can be typed into, labelled with a math symbol."""
    style = SLIDER_STYLE if label_width is None else {"description_width": label_width}
    return widgets.FloatSlider(
        value=value, min=lo, max=hi, step=step, description=description,
        readout_format=fmt, continuous_update=True, layout=widgets.Layout(**SLIDER_LAYOUT), style=style,
    )


def html_table(header, rows):
    """A small HTML table: every plot has its numbers beside it."""
    head = "".join(f"<th style='padding:2px 8px'>{h}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 8px;text-align:right'>{cell}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table class='lstm-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def fit(widget, in_row=False):
    """Rows of controls wrap instead of squeezing their columns (a squeezed column hides the
    slider readouts), nothing in a row shrinks below its size, and pictures scale down to the
    notebook's width."""
    if in_row and not isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        widget.layout.flex = "0 0 auto"
    if isinstance(widget, widgets.Image):
        widget.layout.max_width = "100%"
        widget.layout.height = "auto"
    if isinstance(widget, widgets.HBox):
        widget.layout.flex_flow = "row wrap"
    for child in getattr(widget, "children", ()):
        fit(child, in_row=isinstance(widget, widgets.HBox))


#: one drawing at a time, across every explorer of the kernel (see the module docstring)
RENDER_LOCK = threading.RLock()


#: how long the render thread waits after a picture before it sends the typeset text (see above)
TEXT_AFTER_PICTURE_S = 0.1


class Explorer:
    """Base class: subclasses add controls in ``build``, then implement ``compute`` and ``draw``.

    ``controls`` maps a symbol (``"W_xf"``, ``"b_i"``, ``"x_2"``) to its widget, ``trace`` and
    ``params`` hold the current state, ``image`` is the ``ipywidgets.Image`` being updated.
    """

    #: number of time steps, or None when the explorer has no time axis
    steps = None
    play_interval_ms = 900

    def __init__(self):
        self.controls = {}
        self.image = widgets.Image(format="png")
        self.image.add_class("lstm-plot")
        self.reset_button = widgets.Button(description="Reset", icon="undo", tooltip="back to the starting values")
        self.reset_button.on_click(lambda _: self.reset())
        self.message = widgets.HTML()  # clear words instead of a traceback
        self._hold = False
        self._pending = None  # the newest browser change not drawn yet: "update", "redraw" or None
        self._busy = False  # the render thread is drawing
        self._changed = threading.Condition()
        self._thread = None
        self._after_picture = {}  # widget -> value, set once the picture is out (render thread only)
        self.frames = 0  # pictures drawn so far (the drag benchmark counts them)
        if self.steps:
            self.play = widgets.Play(value=1, min=1, max=self.steps, step=1, interval=self.play_interval_ms,
                                     description="Play", repeat=False)
            self.step = widgets.IntSlider(value=1, min=1, max=self.steps, description="step t",
                                          continuous_update=True, style=SLIDER_STYLE)
            # a kernel-side link, so a test (or Voilà) moving Play moves the step slider too
            widgets.link((self.play, "value"), (self.step, "value"))
            self.step_label = widgets.HTML()
            self.step.observe(self._on_step, names="value")
        self.build()
        self._start = {name: w.value for name, w in self.controls.items()}
        for w in self.controls.values():
            w.observe(self._on_control, names="value")
        self.update()

    # ------------------------------------------------------------ subclass API
    def build(self):
        """Create ``self.controls`` and the figure (a BlitFigure) with its artists."""
        raise NotImplementedError

    def compute(self, values):
        """Pure: slider values (a dict) -> new state on self (params, trace). No widgets here."""
        raise NotImplementedError

    def draw(self):
        """Update the existing artists and the text panels from the current state."""
        raise NotImplementedError

    def layout(self):
        """The widget tree shown in the notebook."""
        raise NotImplementedError

    # ------------------------------------------------------------ machinery
    @property
    def t(self):
        """The selected step, 0-based (the display shows t + 1)."""
        return self.step.value - 1 if self.steps else None

    def values(self):
        return {name: w.value for name, w in self.controls.items()}

    def update(self):
        try:
            self.compute(self.values())
        except (ValueError, TypeError) as exc:  # a learner's setting the math rejects
            self.message.value = f"<span style='color:#D55E00'>Cannot compute this setting: {exc}</span>"
            return
        self.message.value = ""
        self.redraw()

    def redraw(self):
        if self.steps:
            self.step_label.value = f"<b>Step t = {self.step.value} of {self.steps}</b>"
        self.draw()
        self.frames += 1

    def _on_control(self, change):
        if not self._hold:
            self._request("update", change["owner"])

    def _on_step(self, change):
        if not self._hold:
            self._request("redraw", change["owner"])

    #: drop stale browser values (see the module docstring); False draws every value as it comes
    drop_stale = True

    def _request(self, kind, owner):
        """Run ``update`` or ``redraw`` now (a value set by code), or hand it to the render thread
        (a value sent by the browser): the newest request replaces a waiting one, and an update
        includes a redraw."""
        if not (self.drop_stale and _from_browser(owner) and _running_loop() is not None):
            with RENDER_LOCK:
                self._apply(kind)
            return
        with self._changed:
            if self._pending != "update":
                self._pending = kind
            self._changed.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._render_loop, daemon=True,
                                                name=f"{type(self).__name__} render")
                self._thread.start()

    def _apply(self, kind):
        try:
            self.update() if kind == "update" else self.redraw()
        except Exception as exc:  # noqa: BLE001 (the render thread must survive; the learner sees why)
            self.message.value = f"<span style='color:#D55E00'>Could not draw this setting: {exc!r}</span>"

    def show_after_picture(self, widget, value):
        """``widget.value = value``, at once for a value set by code; for a browser value once the
        picture is out and no newer value waits (every text panel of ``draw``: see the module docstring)."""
        if threading.current_thread() is self._thread:
            self._after_picture[widget] = value
        else:
            widget.value = value

    def _render_loop(self):
        while True:
            with self._changed:
                while self._pending is None:
                    self._changed.wait()
                kind, self._pending, self._busy = self._pending, None, True
            try:
                with RENDER_LOCK:
                    self._after_picture = {}  # (a setting the math rejects draws nothing: no old text either)
                    self._apply(kind)
                with self._changed:  # the text panels only when the hand pauses
                    newer = self._changed.wait_for(lambda: self._pending is not None, TEXT_AFTER_PICTURE_S)
                if not newer:
                    with RENDER_LOCK:
                        texts, self._after_picture = self._after_picture, {}
                        for widget, value in texts.items():
                            widget.value = value
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def wait(self, timeout=10.0):
        """Block until every browser change received so far is drawn; True when done in time.

        (Values set by code are drawn before the assignment returns: nothing to wait for.)"""
        with self._changed:
            return self._changed.wait_for(lambda: self._pending is None and not self._busy, timeout)

    @property
    def start_values(self):
        """``{name: value}``: what Reset brings back."""
        return dict(self._start)

    def set_values(self, values):
        """Set several controls (``{name: value}``) and draw once, not once per control."""
        self._hold = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._hold = False
        self.update()

    def reset(self):
        """Every control back to its starting value, then one update (not one per control)."""
        self._hold = True
        try:
            for name, value in self._start.items():
                self.controls[name].value = value
            if self.steps:
                self.play.playing = False
                self.step.value = 1
        finally:
            self._hold = False
        self.update()

    def time_controls(self):
        return widgets.HBox([self.play, self.step, self.step_label])

    @property
    def widget(self):
        if not hasattr(self, "_widget"):
            self._widget = self.layout()
            fit(self._widget)
            self._widget.add_class("lstm-explorer")
        return self._widget

    def plain_text(self):
        """One readable, stable line for ``text/plain``: the explorer and its slider values.

        Readers without a kernel (GitHub, nbviewer) see this beside the picture; nbval compares
        it, so it holds nothing that changes between runs (no widget ids, no memory addresses)."""
        shown = ", ".join(f"{name} = {_plain(w.value)}" for name, w in self.controls.items())
        return f"{type(self).__name__} explorer ({shown})"

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """The live widget view, plus a static PNG of the current picture and a readable summary.

        A page with a kernel (JupyterLab, Voilà) shows the widget; a stored notebook read
        without one (GitHub, nbviewer, a course website) shows the PNG instead of the text
        ``VBox(children=...)``."""
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude, **kwargs)
        data = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
        data["text/plain"] = self.plain_text()
        if self.image.value:
            data["image/png"] = base64.b64encode(bytes(self.image.value)).decode("ascii")
        return data


def _running_loop():
    """The kernel's event loop while it handles a message; None outside one (plain Python, a test)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _from_browser(widget):
    """True while ``widget`` applies a state sent by the browser (ipywidgets locks those properties)."""
    return bool(getattr(widget, "_property_lock", None))


def _plain(value):
    """A slider value as the notebook would print it (no numpy types, no float noise)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    return f"{float(value):.6g}"
