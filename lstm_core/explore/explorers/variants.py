"""Lesson 08's explorer: the one-unit LSTM under each of Greff et al.'s variants, step by step.

Every number comes from ``lstm_core.lessons.l08_variants`` (``variant_run``: the variant's Trace and the vanilla
cell's, from ``lstm_core.forward``); this module only draws. The cell-state panel rescales: its axis is ±s for
the smallest s in 1, 2, 5, 10, 20, ... that holds every |c| and |h| shown, with the tick labels as text that
changes, so that c growing to 40 stays on the chart and c near 1 stays readable.
"""

import ipywidgets as widgets
import numpy as np

from lstm_core.cell import VARIANTS
from lstm_core.lessons.l08_variants import (DEFAULTS, MAX_T, PATTERNS, VARIANT_LINES, VARIANT_NAMES, growth_note,
                                            variant_equations, variant_run)
from .base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, html_table, slider
from ..panels.plots import label
from ..panels.render import OKABE_ITO, QUANTITY_COLORS, BlitFigure

T_RANGE = (10, MAX_T)
X_RANGE = (-2.0, 2.0)
FORGET_BIAS_RANGE = (-3.0, 6.0)
#: the buttons' words for the variants
BUTTON_LABELS = {
    "vanilla": "vanilla",
    "no_forget_gate": "no forget gate",
    "no_input_gate": "no input gate",
    "no_output_gate": "no output gate",
    "no_output_tanh": "no output tanh",
    "coupled_input_forget": "coupled i=1−f",
}
#: the cell-state axis runs over ±s for the smallest of these that holds everything shown
SCALES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
#: where the state axis has ticks, as fractions of s
TICK_FRACTIONS = (-1.0, -0.5, 0.0, 0.5, 1.0)
#: the steps the table shows (those up to T), and always T itself
TABLE_STEPS = (1, 2, 5, 10, 20, 50)
CHANGED_COLOR = OKABE_ITO["vermillion"]


def axis_scale(*series):
    """The smallest of SCALES at least as large as every |value| (finite) in ``series``."""
    top = max(float(np.max(np.abs(s))) for s in series)
    for s in SCALES:
        if top <= s:
            return s
    return SCALES[-1]


def tick_text(v):
    return f"{v:g}"


def table_steps(T):
    return sorted({t for t in TABLE_STEPS if t <= T} | {T})


class VariantExplorer(Explorer):
    """Buttons for the variant and the input pattern; sliders x (input level), b_f (forget bias) and T.

    Two panels over t: the gates i, f, o and the candidate g; the cell state c and the hidden state h of the
    chosen variant with the vanilla cell's c behind them (dashed). A table of every quantity at a few steps,
    and the step's equations with the variant's changed line in colour.
    """

    def __init__(self, variant=DEFAULTS["variant"], pattern=DEFAULTS["pattern"], x=DEFAULTS["x"],
                 forget_bias=DEFAULTS["b_f"], T=DEFAULTS["T"]):
        self.start = {"variant": variant, "pattern": pattern, "x": x, "b_f": forget_bias, "T": T}
        super().__init__()

    # ------------------------------------------------------------ build
    def build(self):
        s = self.start
        # the two choices are buttons, not sliders: kept in ``choices`` (``controls`` holds the sliders), watched
        # by the same observer, restored by Reset, and part of ``values()``
        self.choices = {}
        self.choices["variant"] = widgets.ToggleButtons(
            options=[(BUTTON_LABELS[v], v) for v in VARIANTS], value=s["variant"], description="variant",
            style={"description_width": "56px", "button_width": "128px"})
        self.choices["pattern"] = widgets.ToggleButtons(
            options=list(PATTERNS), value=s["pattern"], description="input",
            style={"description_width": "56px", "button_width": "128px"})
        for w in self.choices.values():
            w.observe(self._on_control, names="value")
        self.controls["x"] = slider("x", s["x"], *X_RANGE, step=0.1)
        self.controls["b_f"] = slider("b_f", s["b_f"], *FORGET_BIAS_RANGE, step=0.1)
        self.controls["T"] = widgets.IntSlider(value=s["T"], min=T_RANGE[0], max=T_RANGE[1], description="T",
                                               continuous_update=True, layout=widgets.Layout(**SLIDER_LAYOUT),
                                               style=SLIDER_STYLE)

        bf = self.figure = BlitFigure(figsize=(10, 4.3))  # low enough that sliders and picture fit 1280x720
        left, width = 0.08, 0.66
        self.ax_gates = self._axes(bf, (left, 0.60, width, 0.30), (-1.1, 1.1), xlabel=False)
        self.ax_gates.set_title("gates i, f, o and candidate g", fontsize=10,
                                loc="left")
        self.ax_gates.set_yticks([-1.0, 0.0, 1.0])
        self.ax_state = self._axes(bf, (left, 0.09, width, 0.40), (-1.1, 1.1), xlabel=True)
        self.ax_state.set_title("cell state c and hidden state h", fontsize=10, loc="left")
        # the state axis: fixed ticks at fractions of s, their labels written per update
        self.ax_state.set_yticks(TICK_FRACTIONS, [""] * len(TICK_FRACTIONS))
        for v in (-1.0, -0.5, 0.5, 1.0):
            self.ax_state.axhline(v, color="#eeeeee", lw=0.8, zorder=0)
        self.tick_labels = [bf.dynamic(self.ax_state.text(-0.012, v, "", transform=self.ax_state.get_yaxis_transform(),
                                                          ha="right", va="center", fontsize=8))
                            for v in TICK_FRACTIONS]
        self.scale_text = bf.dynamic(bf.fig.text(left + width, 0.505, "", ha="right", fontsize=9, color="#333333"))
        self.gate_note = bf.dynamic(bf.fig.text(left + width, 0.915, "", ha="right", fontsize=9, color=CHANGED_COLOR))

        steps = np.arange(1, MAX_T + 1)
        self.lines = {}
        (x_line,) = self.ax_gates.plot(steps, np.zeros(MAX_T), color=QUANTITY_COLORS["x"], lw=5, alpha=0.35,
                                       drawstyle="steps-mid", label="x  input (drawn within ±1.1)")
        self.lines["x"] = bf.dynamic(x_line)
        for k, lw in (("g", 1.6), ("i", 1.8), ("f", 1.8), ("o", 1.8)):
            (line,) = self.ax_gates.plot(steps, np.zeros(MAX_T), color=QUANTITY_COLORS[k], lw=lw, label=label(k))
            self.lines[k] = bf.dynamic(line)
        (ghost,) = self.ax_state.plot(steps, np.zeros(MAX_T), color=QUANTITY_COLORS["c"], lw=1.6, ls="--", alpha=0.6,
                                      label="c  of the vanilla cell (dashed)")
        self.lines["c_vanilla"] = bf.dynamic(ghost)
        for k in ("c", "h"):
            (line,) = self.ax_state.plot(steps, np.zeros(MAX_T), color=QUANTITY_COLORS[k], lw=2.0,
                                         label=f"{label(k)}  of this variant")
            self.lines[k] = bf.dynamic(line)
        for ax in (self.ax_gates, self.ax_state):
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, borderaxespad=0)
        self.beyond = [bf.dynamic(ax.axvspan(MAX_T + 0.5, MAX_T + 1.0, color="#eeeeee", zorder=0))
                       for ax in (self.ax_gates, self.ax_state)]
        bf.freeze()

        self.note = widgets.HTML()
        self.table = widgets.HTML()
        self.equations = widgets.HTML()

    @staticmethod
    def _axes(bf, rect, ylim, xlabel):
        ax = bf.fig.add_axes(rect)
        ax.set_xlim(0.0, MAX_T + 1.0)
        ax.set_ylim(*ylim)
        ax.set_xticks([1] + list(range(10, MAX_T + 1, 10)))
        ax.axhline(0, color="#cccccc", lw=0.8, zorder=0)
        ax.tick_params(labelsize=8)
        if xlabel:
            ax.set_xlabel("step t", fontsize=9)
        else:
            ax.tick_params(labelbottom=False)
        return ax

    def values(self):
        return {**{name: w.value for name, w in self.choices.items()}, **super().values()}

    def reset(self):
        """The variant and the input back to their start, then the sliders (one update in all)."""
        self._hold = True
        try:
            for name, w in self.choices.items():
                w.value = self.start[name]
        finally:
            self._hold = False
        super().reset()

    # ------------------------------------------------------------ compute / draw
    def compute(self, values):
        key = (values["pattern"], values["x"], values["b_f"], values["T"])
        cached = self._vanilla[1] if getattr(self, "_vanilla", (None,))[0] == key else None
        self.run = variant_run(values["variant"], values["pattern"], values["x"], values["b_f"], values["T"],
                               vanilla=cached)
        self._vanilla = (key, self.run.vanilla)  # toggling the variant alone reuses it
        self.trace = self.run.trace
        self.params = None

    def draw(self):
        run = self.run
        T = run.T
        steps = np.arange(1, T + 1)
        series = {k: getattr(run.trace, k)[:, 0] for k in ("i", "f", "g", "o", "c", "h")}
        vanilla_c = run.vanilla.c[:, 0]
        for k in ("i", "f", "g", "o"):
            self.lines[k].set_data(steps, series[k])
        self.lines["x"].set_data(steps, np.clip(run.xs, -1.1, 1.1))
        s = self.scale = axis_scale(series["c"], series["h"], vanilla_c)
        self.lines["c"].set_data(steps, series["c"] / s)
        self.lines["h"].set_data(steps, series["h"] / s)
        self.lines["c_vanilla"].set_data(steps, vanilla_c / s)
        self.lines["c_vanilla"].set_visible(run.variant != "vanilla")
        for text, v in zip(self.tick_labels, TICK_FRACTIONS):
            text.set_text(tick_text(v * s))
        self.scale_text.set_text(f"axis ±{s:g}, rescaled to fit: largest |c| {np.max(np.abs(series['c'])):.4g}, "
                                 f"|h| {np.max(np.abs(series['h'])):.4g}")
        changed = VARIANT_LINES[run.variant]
        self.gate_note.set_text("" if changed is None else f"{VARIANT_NAMES[run.variant]}: {changed[1]}")
        for span in self.beyond:
            span.set_x(T + 0.5)
            span.set_width(max(MAX_T + 1.0 - (T + 0.5), 0.0))
        self.image.value = self.figure.png()
        self.show_after_picture(self.table, self.table_html(series, vanilla_c))
        self.show_after_picture(self.equations, self.equations_html())
        note = growth_note(run)
        self.show_after_picture(self.note, "" if note is None else
                                f"<b>{VARIANT_NAMES[run.variant]}</b>, steady x = {run.x:g}: {note}")

    def table_html(self, series, vanilla_c):
        run = self.run
        cols = table_steps(run.T)
        rows = [["x  input"] + [f"{run.xs[t - 1]:.2f}" for t in cols]]
        for k in ("i", "f", "g", "o", "c", "h"):
            rows.append([label(k)] + [f"{series[k][t - 1]:.4f}" for t in cols])
        if run.variant != "vanilla":
            rows.append(["c  of the vanilla cell"] + [f"{vanilla_c[t - 1]:.4f}" for t in cols])
        return html_table([""] + [f"t = {t}" for t in cols], rows)

    def equations_html(self):
        lines = []
        for _, text, changed in variant_equations(self.run.variant):
            style = f"color:{CHANGED_COLOR};font-weight:bold" if changed else ""
            lines.append(f"<div style='margin:2px 0;{style}'>{text}{' &nbsp;◀ changed' if changed else ''}</div>")
        return ("<div class='lstm-equations' style='font-family:monospace'>"
                f"<div><b>{VARIANT_NAMES[self.run.variant]}</b>: one step</div>{''.join(lines)}</div>")

    # ------------------------------------------------------------ layout
    def layout(self):
        c = {**self.controls, **self.choices}
        cell = widgets.HTML("One unit (H = D = 1), no recurrent weights: i = σ(x), f = σ(b_f), g = tanh(x), "
                            "o = σ(−1) ≈ 0.27.")
        return widgets.VBox([
            c["variant"], c["pattern"],
            widgets.HBox([c["x"], c["b_f"], c["T"], self.reset_button]),
            cell, self.message, self.note, self.image,
            widgets.HBox([self.equations, self.table]),
        ])
