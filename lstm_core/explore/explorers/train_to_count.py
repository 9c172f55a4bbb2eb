"""Lesson 06's explorer: train an LSTM on the counting task with Adam, watch the loss fall, and
compare every activation for 1, 2, 3 before and after training.

Every number comes from a ``lstm_core.lessons.training_session.TrainingSession`` (the settings, the run of
``lstm_core.train``, its history and the activations before and after); ``panels/training_run.py`` draws
it. This module owns the widgets: the sliders, Train, the progress bar and the "next run: …" line.
Training runs synchronously in the kernel when Train is clicked; the session calls back every few
steps, and the explorer moves the progress bar and redraws the loss curve.
"""

import ipywidgets as widgets

from lstm_core.lessons.training_session import TrainingSession
from lstm_core.tasks import COUNT_TASK, COUNT_TRAINING
from .base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, html_table
from ..panels import training_run as panels
from ..panels.render import BlitFigure

#: log10 of the learning rate's range (1e-4 .. 1)
LR_EXPONENTS = (-4.0, 0.0)
HIDDEN_RANGE = (1, 8)
STEPS_RANGE = (10, 1600)
STEPS_STEP = 10
#: about this many redraws of the curve per run, however many steps
CURVE_UPDATES = 40


def pending_settings(values):
    """The settings a Train click would run with, as the learner reads them: "lr = 0.1, H = 4, 800 steps"."""
    return panels.settings_text(values)


class TrainingExplorer(Explorer):
    """Sliders lr (log scale), H and steps; Train runs the session from the start weights.

    ``controls``: lr, H, steps. ``session``: the ``TrainingSession`` (``params``, ``history``, ``losses``,
    ``before``, ``after``, ``state``). Moving a slider starts over from the start weights of that H; the
    last curve stays as a grey "previous run".
    """

    def __init__(self, lr=COUNT_TRAINING["lr"], hidden_size=2, steps=COUNT_TRAINING["steps"],
                 task=COUNT_TASK, seed=COUNT_TRAINING["seed"]):
        self.start = {"lr": lr, "H": hidden_size, "steps": steps}
        self.session = TrainingSession(lr, hidden_size, steps, task=task, seed=seed)
        super().__init__()

    # the session's numbers, read-only, where a notebook or a test looks for them
    running = property(lambda self: self.session.running)
    params = property(lambda self: self.session.params)
    history = property(lambda self: self.session.history)
    after = property(lambda self: self.session.after)

    # ------------------------------------------------------------------ build
    def build(self):
        lo, hi = LR_EXPONENTS
        self.controls["lr"] = widgets.FloatLogSlider(
            value=self.start["lr"], base=10, min=lo, max=hi, step=0.1, description="lr", readout_format=".2g",
            continuous_update=False, layout=widgets.Layout(**SLIDER_LAYOUT), style=SLIDER_STYLE)
        self.controls["H"] = widgets.IntSlider(
            value=self.start["H"], min=HIDDEN_RANGE[0], max=HIDDEN_RANGE[1], description="H",
            continuous_update=False, layout=widgets.Layout(**SLIDER_LAYOUT), style=SLIDER_STYLE)
        self.controls["steps"] = widgets.IntSlider(
            value=self.start["steps"], min=STEPS_RANGE[0], max=STEPS_RANGE[1], step=STEPS_STEP,
            description="steps", continuous_update=False, layout=widgets.Layout(**SLIDER_LAYOUT), style=SLIDER_STYLE)
        self.train_button = widgets.Button(description="Train", icon="play", button_style="primary",
                                           tooltip="run Adam from the start weights (the picture follows)")
        self.train_button.on_click(self._on_train_click)
        self.progress = widgets.IntProgress(value=0, min=0, max=self.start["steps"], description="progress",
                                            style=SLIDER_STYLE, layout=widgets.Layout(width="300px"))
        self.progress_label = widgets.HTML()
        # every move of lr, H or steps shows at once what the next Train will run (the curves wait for Train)
        self.pending = widgets.HTML(layout=widgets.Layout(margin="0 0 0 12px"))
        for w in self.controls.values():
            w.observe(lambda _: self._echo(), names="value")
        self._echo()
        self.note = widgets.HTML()
        self.units = widgets.Dropdown(options=[("units 1–2", 0)], value=0, description="show",
                                      layout=widgets.Layout(width="180px", margin="0 24px 0 0"))
        self.units.observe(self._on_units, names="value")
        self._hold_units = False

        # two pictures: the loss curve, redrawn while training, and the activations, redrawn after a run
        self.figure = BlitFigure(figsize=(6.0, 4.2))
        self.curve = panels.LossCurve(self.figure, STEPS_RANGE[1])
        self.figure.freeze()
        self.activation_figure = BlitFigure(figsize=(6.6, 4.2))
        self.activations = panels.ActivationMaps(self.activation_figure, len(self.session.sequence))
        self.activation_figure.freeze()
        self.activation_image = widgets.Image(format="png")
        self.activation_image.add_class("lstm-plot")
        self.results = widgets.HTML(layout=widgets.Layout(margin="0 24px 0 0"))
        self.loss_table = widgets.HTML()
        self.activation_table = widgets.HTML()
        self.change_table = widgets.HTML()

    # the curve's artists, where a test looks for them
    loss_line = property(lambda self: self.curve.loss_line)
    prev_line = property(lambda self: self.curve.prev_line)
    loss_texts = property(lambda self: self.curve.texts)

    def _echo(self):
        """"next run: lr = 0.1, H = 4, 800 steps": the pending setting, shown on every move."""
        self.pending.value = f"<b>next run:</b> {pending_settings(self.values())}"

    # -------------------------------------------------------------- state
    def compute(self, values):
        """A slider moved (or Reset): the session goes back to the start weights of this H (its method)."""
        self.session.configure(values["lr"], values["H"], values["steps"])

    def reset(self):
        """The starting slider values, the worked example's weights, and no curves at all."""
        if self.running:
            return
        self.session.forget_runs()
        super().reset()

    # -------------------------------------------------------------- training
    def _on_train_click(self, _button=None):
        if self.running:  # a click while a run is in progress (only possible programmatically)
            self.message.value = "<span style='color:#D55E00'>Already training: that click was ignored.</span>"
            return
        self.message.value = ""
        self._set_enabled(False)
        try:
            self.session.run(on_start=self.redraw, on_progress=self._on_progress,
                             every=max(1, self.session.steps // CURVE_UPDATES))
        finally:
            self._set_enabled(True)
        if self.session.error is not None:
            self.message.value = f"<span style='color:#D55E00'>Training stopped: {self.session.error}</span>"
        self.progress.value = self.session.steps_done
        self.redraw()
        if self.values() != self.session.settings:  # a slider set from code during the run: start over now
            self.update()

    def _on_progress(self, step):
        self.progress.value = step
        self.progress_label.value = f"{step} of {self.session.steps} steps"
        self.curve.update(self.session, self.values())
        self.image.value = self.figure.png()

    def _on_control(self, change):
        if self.running:  # the run keeps the settings it started with
            return
        super()._on_control(change)

    def _set_enabled(self, enabled):
        for w in [self.train_button, self.reset_button, self.units, *self.controls.values()]:
            w.disabled = not enabled

    # ------------------------------------------------------------------ draw
    def _on_units(self, change):
        if not self._hold_units:
            self.redraw()

    def draw(self):
        s, H = self.session, self.session.hidden_size
        options = [(panels.units_text(first, H), first) for first in range(0, H, panels.UNITS_SHOWN)]
        if self.units.options != tuple(options):
            self._hold_units = True
            try:
                self.units.options = options
                self.units.value = 0
            finally:
                self._hold_units = False
        self.units.layout.visibility = "visible" if H > panels.UNITS_SHOWN else "hidden"
        self.note.value = panels.start_note(H, s.task["seed"])
        if s.after is None:  # no run yet: the bar waits for the slider's number of steps
            self.progress.max, self.progress.value = self.controls["steps"].value, 0
        self.progress_label.value = f"{s.steps_done} of {self.progress.max} steps"
        self.curve.update(s, self.values())
        self.activations.update(s, self.units.value)
        self.image.value = self.figure.png()
        self.activation_image.value = self.activation_figure.png()
        self.results.value = html_table(*panels.results_table(s))
        self.loss_table.value = html_table(*panels.loss_table(s))
        self.activation_table.value = html_table(*panels.activation_table(s, self.units.value))
        self.change_table.value = html_table(*panels.change_table(s))

    # ------------------------------------------------------------ layout
    def layout(self):
        c = self.controls
        intro = widgets.HTML(
            "Each <b>Train</b> starts again from the start weights and runs <i>steps</i> Adam updates at learning "
            f"rate <i>lr</i> on {self.session.xs.shape[1]} counting sequences (1, 2, 3 → 4 among them). "
            "Moving a slider starts over; the last curve stays as the grey <i>previous run</i>.")
        return widgets.VBox([
            intro,
            widgets.HBox([c["lr"], c["H"], c["steps"], self.pending]),
            widgets.HBox([self.train_button, self.reset_button, self.progress, self.progress_label]),
            self.note, self.message, widgets.HBox([self.image, self.activation_image]),
            widgets.HBox([self.results, self.loss_table]),
            widgets.HBox([self.units, self.change_table]),
            self.activation_table,
        ])
