"""Lesson 06's explorer: train an LSTM on the counting task with Adam, watch the loss fall, and
compare every activation for 1, 2, 3 before and after training.

Every number comes from lstm_core (``train``, ``forward``, ``mse_loss`` and ``lstm_core.lessons.l06_training``);
this module only draws. Training runs synchronously in the kernel when Train is clicked; the
callback of ``lstm_core.train`` moves the progress bar and redraws the loss curve every few steps.
"""

import ipywidgets as widgets
import numpy as np

from lstm_core.examples import EXPECTED_NEXT, SEQUENCE
from lstm_core.gates import QUANTITIES
from lstm_core.loss import mse_loss
from lstm_core.lessons.l06_training import activation_change, counting_start
from lstm_core.sequence import forward
from lstm_core.tasks import COUNT_TASK, COUNT_TRAINING, counting
from lstm_core.train import History, train
from .base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, html_table
from ..panels.format import small as loss_text
from ..panels.plots import Heatmap, label
from ..panels.render import OKABE_ITO, QUANTITY_COLORS, BlitFigure

#: log10 of the learning rate's range (1e-4 .. 1)
LR_EXPONENTS = (-4.0, 0.0)
HIDDEN_RANGE = (1, 8)
STEPS_RANGE = (10, 1600)
STEPS_STEP = 10
#: the fixed log axis of the loss; values beyond it are drawn on its edge
LOSS_LIMITS = (1e-6, 1e2)
#: about this many redraws of the curve per run, however many steps
CURVE_UPDATES = 40
#: the activation heatmaps show this many units at a time (a dropdown picks which)
UNITS_SHOWN = 2
#: the fixed axis of the mean |after − before| bars; c can move further (drawn on the edge)
CHANGE_LIMIT = 2.0
RUN_COLOR = OKABE_ITO["blue"]
PREVIOUS_COLOR = OKABE_ITO["grey"]




def pending_settings(values):
    """The settings a Train click would run with, as the learner reads them: "lr = 0.1, H = 4, 800 steps"."""
    return f"lr = {values['lr']:.2g}, H = {values['H']}, {values['steps']} steps"


def checkpoints(steps):
    """The steps the loss table shows: 0, ¼, ½, ¾ of the run and its end."""
    return sorted({int(round(steps * q)) for q in (0.0, 0.25, 0.5, 0.75, 1.0)})


def units_text(first, H):
    """"units 3–4" (0-based ``first``), or "unit 7" when only one is left."""
    last = min(first + UNITS_SHOWN, H)
    return f"units {first + 1}–{last}" if last > first + 1 else f"unit {first + 1}"


def start_note(H, seed):
    if H == 2:
        return "Start weights: the vector example's exact weights (H = 2), the ones that predict 0.6893."
    return (f"Start weights: <b>random</b>, LSTMParams.random(1, {H}, 1, seed={seed}) — the example only has "
            f"weights for H = 2, so with H = {H} the network starts from a seeded random draw.")


class TrainingExplorer(Explorer):
    """Sliders lr (log scale), H and steps; Train runs ``lstm_core.train`` from the start weights.

    ``controls``: lr, H, steps. ``params``: the trained params after a run, else the start params.
    ``history``: the ``lstm_core.train.History`` of the last run (empty before one). Moving a slider
    starts over from the start weights of that H; the last curve stays as a grey "previous run".
    """

    def __init__(self, lr=COUNT_TRAINING["lr"], hidden_size=2, steps=COUNT_TRAINING["steps"],
                 task=COUNT_TASK, seed=COUNT_TRAINING["seed"]):
        self.start = {"lr": lr, "H": hidden_size, "steps": steps}
        self.task = dict(task)
        self.seed = seed
        self.xs, self.ys = counting(**self.task)  # (T, B, 1), (B, 1)
        self.sequence = np.array(SEQUENCE, dtype=np.float64)  # (T,): 1, 2, 3
        self.running = False
        self._moved = False
        self.previous = None  # (losses, settings text) of the run before
        self._forget_previous = False
        self._run = None  # (losses, settings text) of the run shown
        super().__init__()

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
        self._build_loss_axes(self.figure)
        self.figure.freeze()
        self.activation_figure = BlitFigure(figsize=(6.6, 4.2))
        self._build_heatmaps(self.activation_figure)
        self._build_change_bars(self.activation_figure)
        self.activation_figure.freeze()
        self.activation_image = widgets.Image(format="png")
        self.activation_image.add_class("lstm-plot")
        self.results = widgets.HTML(layout=widgets.Layout(margin="0 24px 0 0"))
        self.loss_table = widgets.HTML()
        self.activation_table = widgets.HTML()
        self.change_table = widgets.HTML()

    def _build_loss_axes(self, bf):
        ax = self.ax_loss = bf.fig.add_axes((0.13, 0.12, 0.83, 0.68))
        ax.set_yscale("log")
        ax.set_ylim(*LOSS_LIMITS)
        ax.set_xlim(0, STEPS_RANGE[1])
        # plain labels: log axes otherwise label with mathtext, slow to lay out on the first draw
        ax.set_yticks([1e-6, 1e-4, 1e-2, 1e0, 1e2], ["10⁻⁶", "10⁻⁴", "10⁻²", "1", "10²"])
        ax.minorticks_off()
        ax.tick_params(labelsize=8)
        ax.set_xlabel("Adam step", fontsize=9, labelpad=1)
        ax.set_ylabel("loss: mean (y − target)², log scale", fontsize=9)
        ax.grid(True, which="major", axis="y", color="#eeeeee", lw=0.8)
        (prev,) = ax.plot([], [], color=PREVIOUS_COLOR, lw=1.4, ls="--", label="previous run")
        (line,) = ax.plot([], [], color=RUN_COLOR, lw=1.8, label="this run")
        (end,) = ax.plot([], [], ls="none", marker="o", ms=5, color=RUN_COLOR, clip_on=False)
        self.end_of_run = bf.dynamic(ax.axvline(0, color="#bbbbbb", lw=1.0, ls=":", zorder=0))
        self.prev_line, self.loss_line, self.loss_end = bf.dynamic(prev, line, end)
        # the numbers above the axes, where no line can run under them
        self.loss_texts = {
            "now": bf.dynamic(bf.fig.text(0.13, 0.935, "", fontsize=9, color=RUN_COLOR)),
            "prev": bf.dynamic(bf.fig.text(0.13, 0.885, "", fontsize=8, color="#555555")),
            "clip": bf.dynamic(bf.fig.text(0.13, 0.835, "", fontsize=8, color="#555555")),
        }

    def _build_heatmaps(self, bf):
        rows, T = len(QUANTITIES) * UNITS_SHOWN, len(self.sequence)
        cols = [f"t={t}" for t in range(1, T + 1)]
        self.maps, self.row_labels = {}, {}
        for name, left, title in (("before", 0.075, "before training"), ("after", 0.39, "after training")):
            heatmap = Heatmap(bf, (left, 0.12, 0.23, 0.79), (rows, T), -1.0, 1.0, col_labels=cols, title=title,
                              fmt="{:.2f}")
            heatmap.ax.set_yticks([])
            self.maps[name] = heatmap
            # unit numbers change with the dropdown, so the row names are dynamic texts left of the cells
            self.row_labels[name] = [bf.dynamic(heatmap.ax.text(-0.6, r, "", ha="right", va="center", fontsize=8))
                                     for r in range(rows)]
        self.press_train = bf.dynamic(self.maps["after"].ax.text(
            (T - 1) / 2, (rows - 1) / 2, "press Train", ha="center", va="center", fontsize=10, color="#666666"))
        self.units_caption = bf.dynamic(bf.fig.text(0.075, 0.025, "", fontsize=8, color="#666666"))

    def _build_change_bars(self, bf):
        ax = self.ax_change = bf.fig.add_axes((0.725, 0.12, 0.2, 0.74))
        n = len(QUANTITIES)
        bars = ax.barh(np.arange(n), np.zeros(n), color=[QUANTITY_COLORS[k] for k in QUANTITIES], height=0.6)
        self.bars = [bf.dynamic(b) for b in bars]
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, CHANGE_LIMIT * 1.3)  # room on the right for the numbers
        ax.set_yticks(range(n), list(QUANTITIES), fontsize=9)
        ax.set_xticks([0, 1, 2])
        ax.tick_params(labelsize=8)
        ax.set_title("mean |after − before|\nover units and steps", fontsize=9)
        ax.axvline(CHANGE_LIMIT, color="#cccccc", lw=0.8, zorder=0)  # bars stop here (c may move further)
        self.bar_texts = [bf.dynamic(ax.text(CHANGE_LIMIT * 1.28, r, "", ha="right", va="center", fontsize=8))
                          for r in range(n)]

    def _echo(self):
        """"next run: lr = 0.1, H = 4, 800 steps": the pending setting, shown on every move."""
        self.pending.value = f"<b>next run:</b> {pending_settings(self.values())}"

    # -------------------------------------------------------------- state
    def compute(self, values):
        """A slider moved (or Reset): back to the start weights of this H; the shown run retires."""
        if self._forget_previous:
            self.previous, self._forget_previous = None, False
        elif self._run is not None:
            self.previous = self._run
        self._run = None
        self.H = values["H"]
        self.start_params = counting_start(self.H, self.task["seed"])
        self.params = self.start_params.copy()
        self.history = History()
        self.start_loss = mse_loss(self.start_params, self.xs, self.ys)[0]
        self.before = forward(self.start_params, self.sequence)
        self.after = None
        self.change = None
        self.steps_done = 0

    def reset(self):
        """The starting slider values, the seed weights, and no curves at all."""
        if self.running:
            return
        self._forget_previous = True
        super().reset()

    # -------------------------------------------------------------- training
    def _on_train_click(self, _button=None):
        if self.running:  # a click while a run is in progress (only possible programmatically)
            self.message.value = "<span style='color:#D55E00'>Already training: that click was ignored.</span>"
            return
        self.running = True
        self._moved = False
        self._set_enabled(False)
        try:
            self.run_training()
        finally:
            self.running = False
            self._set_enabled(True)
        if self._moved:  # a slider was set from code during the run: now start over at its settings
            self.update()

    def _on_control(self, change):
        if self.running:  # the run keeps the settings it started with
            self._moved = True
            return
        super()._on_control(change)

    def _set_enabled(self, enabled):
        for w in [self.train_button, self.reset_button, self.units, *self.controls.values()]:
            w.disabled = not enabled

    def run_training(self):
        """Train from the start weights with the slider settings; redraw the curve every few steps."""
        values = self.values()
        steps, lr = values["steps"], values["lr"]
        if self._run is not None:
            self.previous = self._run
        self.message.value = ""
        self.history, self.after, self.change = History(), None, None
        self.params = self.start_params.copy()
        settings = pending_settings(values)
        losses = []
        self._run = (losses, settings)
        self.steps_done = 0
        self.redraw()  # the "after" side empties, the bar waits for this run's steps
        every = max(1, steps // CURVE_UPDATES)
        last = {}

        def callback(step, loss, params):
            # called before update ``step``: ``params`` have had ``step`` updates, and this is their loss
            losses.append(loss)
            last["params"] = params
            if step % every == 0 and step > 0:
                self.steps_done = step
                self.progress.value = step
                self.progress_label.value = f"{step} of {steps} steps"
                self._draw_curve()
                self.image.value = self.figure.png()

        try:
            params, history = train(self.start_params, self.xs, self.ys, steps=steps, lr=lr, seed=self.seed,
                                    callback=callback)
        except ValueError as exc:  # a loss that is no longer finite
            self.message.value = f"<span style='color:#D55E00'>Training stopped: {exc}</span>"
            params = last.get("params", self.start_params.copy())
            history = History(loss=list(losses), stopped_early=True, final_loss=losses[-1] if losses else None)
        else:
            losses.append(history.final_loss)  # after the last update: the curve runs 0 .. steps
        self.params, self.history = params, history
        self.steps_done = len(losses) - 1 if losses else 0
        self.after = forward(params, self.sequence)
        self.change = activation_change(self.before, self.after)
        self.progress.value = self.steps_done
        self.redraw()

    # ------------------------------------------------------------------ draw
    def _on_units(self, change):
        if not self._hold_units:
            self.redraw()

    def _unit_options(self):
        return [(units_text(first, self.H), first) for first in range(0, self.H, UNITS_SHOWN)]

    def _shown_rows(self):
        """(quantity, unit or None) per heatmap row: quantity-major, UNITS_SHOWN units from the dropdown's."""
        first = self.units.value
        return [(k, first + j if first + j < self.H else None) for k in QUANTITIES for j in range(UNITS_SHOWN)]

    def _draw_curve(self):
        lo, hi = LOSS_LIMITS
        losses, settings = self._run if self._run is not None else ([], "")
        y = np.clip(np.asarray(losses, dtype=np.float64), lo, hi)
        x = np.arange(len(y))
        self.loss_line.set_data(x, y)
        if len(y):
            self.loss_end.set_data(x[-1:], y[-1:])
        else:  # before a run: the start loss at step 0
            self.loss_end.set_data([0], [np.clip(self.start_loss, lo, hi)])
        self.end_of_run.set_xdata([self.controls["steps"].value] * 2)
        prev = self.previous[0] if self.previous is not None else []
        self.prev_line.set_data(np.arange(len(prev)), np.clip(np.asarray(prev, dtype=np.float64), lo, hi))
        if losses:
            self.loss_texts["now"].set_text(
                f"this run, blue ({settings}):  step {len(losses) - 1},  loss {loss_text(losses[-1])}")
        else:
            v = self.values()
            self.loss_texts["now"].set_text(f"start loss {loss_text(self.start_loss)}: press Train to run "
                                            f"lr = {v['lr']:.2g}, H = {v['H']}, {v['steps']} steps")
        self.loss_texts["prev"].set_text(
            f"previous run, grey dashed ({self.previous[1]}):  loss {loss_text(prev[-1])}" if len(prev) else "")
        below, above = int(np.sum(np.asarray(losses) < lo)), int(np.sum(np.asarray(losses) > hi))
        parts = ([f"{below} losses below 1e-6 (drawn on the bottom edge)"] if below else []) + (
            [f"{above} losses above 1e2 (drawn on the top edge)"] if above else [])
        self.loss_texts["clip"].set_text("this run: " + "; ".join(parts) if parts else "")

    def draw(self):
        options = self._unit_options()
        if self.units.options != tuple(options):
            self._hold_units = True
            try:
                self.units.options = options
                self.units.value = 0
            finally:
                self._hold_units = False
        self.units.layout.visibility = "visible" if self.H > UNITS_SHOWN else "hidden"
        self.note.value = start_note(self.H, self.task["seed"])
        if self.after is None:  # no run yet: the bar waits for the slider's number of steps
            self.progress.max, self.progress.value = self.controls["steps"].value, 0
        self.progress_label.value = f"{self.steps_done} of {self.progress.max} steps"
        self._draw_curve()
        rows = self._shown_rows()
        for name, trace in (("before", self.before), ("after", self.after)):
            values = np.full((len(rows), len(self.sequence)), np.nan)  # (rows, T)
            if trace is not None:
                for r, (k, u) in enumerate(rows):
                    if u is not None:
                        values[r] = getattr(trace, k)[:, u]
            self.maps[name].update(values)
            for r, text in enumerate(self.maps[name].texts.flat):
                if np.isnan(values.flat[r]):
                    text.set_text("")
            for text, (k, u) in zip(self.row_labels[name], rows):
                text.set_text(f"{k}[{u + 1}]" if u is not None else "")
        self.units_caption.set_text(f"{units_text(self.units.value, self.H)} of H = {self.H}  ·  "
                                    "colours clipped to ±1 (c may exceed)")
        self.press_train.set_visible(self.after is None)
        self.press_train.set_text("training …" if self.running else "press Train")
        for r, k in enumerate(QUANTITIES):
            delta = 0.0 if self.change is None else self.change[k]
            self.bars[r].set_width(min(delta, CHANGE_LIMIT))
            self.bar_texts[r].set_text("" if self.change is None else f"{delta:.2f}")
        self.image.value = self.figure.png()
        self.activation_image.value = self.activation_figure.png()
        self.results.value = self.results_html()
        self.loss_table.value = self.loss_html()
        self.activation_table.value = self.activation_html(rows)
        self.change_table.value = self.change_html()

    # ------------------------------------------------------------ tables
    def results_html(self):
        before = float(self.before.prediction[0])
        rows = [["before training", f"{before:.4f}", f"{abs(before - EXPECTED_NEXT):.4f}",
                 loss_text(self.start_loss)]]
        if self.after is None:
            rows.append(["after training", "—", "—", "—"])
        else:
            after = float(self.after.prediction[0])
            final = self.history.final_loss
            rows.append([f"after {self.steps_done} steps", f"{after:.4f}", f"{abs(after - EXPECTED_NEXT):.4f}",
                         loss_text(final)])
        header = ["", "prediction for 1, 2, 3", f"|prediction − {EXPECTED_NEXT}|", "loss (8 sequences)"]
        return html_table(header, rows)

    def loss_html(self):
        losses = self._run[0] if self._run is not None else []
        if not losses:
            return html_table(["step", "0"], [["loss", loss_text(self.start_loss)]])
        marks = checkpoints(len(losses) - 1)
        return html_table(["step"] + [str(k) for k in marks], [["loss"] + [loss_text(losses[k]) for k in marks]])

    def activation_html(self, rows):
        T = len(self.sequence)
        header = [""] + [f"before t={t}" for t in range(1, T + 1)] + [f"after t={t}" for t in range(1, T + 1)]
        body = []
        for k, u in rows:
            if u is None:
                continue
            cells = [f"{getattr(self.before, k)[t, u]:.4f}" for t in range(T)]
            cells += (["—"] * T if self.after is None else [f"{getattr(self.after, k)[t, u]:.4f}" for t in range(T)])
            body.append([f"{k}[{u + 1}]"] + cells)
        return html_table(header, body)

    def change_html(self):
        header = ["mean |after − before|"] + [label(k) for k in QUANTITIES]
        cells = ["—"] * len(QUANTITIES) if self.change is None else [f"{self.change[k]:.4f}" for k in QUANTITIES]
        return html_table(header, [["over units and steps"] + cells])

    # ------------------------------------------------------------ layout
    def layout(self):
        c = self.controls
        intro = widgets.HTML(
            "Each <b>Train</b> starts again from the start weights and runs <i>steps</i> Adam updates at learning "
            f"rate <i>lr</i> on {self.xs.shape[1]} counting sequences (1, 2, 3 → 4 among them). "
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
