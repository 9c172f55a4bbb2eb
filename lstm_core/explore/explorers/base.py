"""The Explorer: sliders in, a Trace from lstm_core, artists updated, PNG out.

Data flows one way. A control changes -> ``compute`` asks lstm_core for new numbers (pure,
no widgets) -> ``draw`` updates artists that already exist and the text panels. Updates run
synchronously in the observer, so ``slider.value = v`` returns with the picture updated.
"""

import ipywidgets as widgets

SLIDER_LAYOUT = dict(width="300px")
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

    def _on_control(self, change):
        if not self._hold:
            self.update()

    def _on_step(self, change):
        if not self._hold:
            self.redraw()

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

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
