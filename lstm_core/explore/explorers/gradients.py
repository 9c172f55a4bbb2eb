"""Lesson 05's explorers: the gradient by lag (LSTM against RNN, log scale), and the cell path's carry Π f_t.

Every number comes from ``lstm_core.lessons.l05_gradients`` (which runs ``lstm_core.lessons.l05_gradients``); this module only draws.
"""

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection

from lstm_core.lessons.l05_gradients import DEFAULTS, READOUT_LAGS, VANISHED, carry_run, first_lag_below, flow_run
from .base import FORGET_BIAS_RANGE, Explorer, html_table, slider
from ..panels.format import small as sci
from ..panels.render import OKABE_ITO, QUANTITY_COLORS, BlitFigure

SCALE_RANGE = (0.1, 3.0)
#: the fixed log axis of every gradient plot; values beyond it are drawn on its edge
LOG_LIMITS = (1e-12, 1e2)
CARRY_LIMITS = (1e-12, 3.0)

#: one colour per model (the RNN's sky blue as in lesson 04), one line style per quantity
LSTM_COLOR = QUANTITY_COLORS["c"]
RNN_COLOR = OKABE_ITO["sky"]
#: (key of FlowRun.series, legend label, colour, line style). No mathtext anywhere in these figures: its
#: parser costs about a second on first use, the biggest part of building the explorer.
CURVES = (
    ("lstm_dx", "LSTM  ‖∂L/∂x‖", LSTM_COLOR, "-"),
    ("lstm_dc", "LSTM  ‖∂L/∂c‖", LSTM_COLOR, "--"),
    ("rnn_dx", "RNN  ‖∂L/∂x‖", RNN_COLOR, "-"),
    ("rnn_dh", "RNN  ‖∂L/∂h‖", RNN_COLOR, "--"),
)
#: log-axis ticks as plain text (matplotlib's default 10^k labels are mathtext)
LOG_TICKS = ([1e-12, 1e-9, 1e-6, 1e-3, 1e0], ["10⁻¹²", "10⁻⁹", "10⁻⁶", "10⁻³", "1"])
#: the table's row names (plain HTML, no math rendering needed)
ROW_NAMES = {
    "lstm_dx": "LSTM ‖∂L/∂x<sub>T−k</sub>‖",
    "lstm_dc": "LSTM ‖∂L/∂c<sub>T−k</sub>‖",
    "rnn_dx": "RNN ‖∂L/∂x<sub>T−k</sub>‖",
    "rnn_dh": "RNN ‖∂L/∂h<sub>T−k</sub>‖",
}




def lag_text(k):
    return "never" if k is None else str(k)


class GradientFlow(Explorer):
    """Sliders b_f (the LSTM's forget-gate bias) and scale (both models' weights, N(0, scale²/H)).

    One log-scale plot of the gradient norms against the lag k = 0 .. T-1 for L = Σ h_T, the
    LSTM's ‖∂L/∂x‖ and ‖∂L/∂c‖ beside the RNN's ‖∂L/∂x‖ and ‖∂L/∂h‖, with a ▼ where each first
    falls below 1e-6; a table of the norms at lags 1, 10, 30, 49 and that first lag.
    """

    def __init__(self, forget_bias=DEFAULTS["b_f"], scale=DEFAULTS["scale"], T=DEFAULTS["T"],
                 hidden_size=DEFAULTS["H"], seed=DEFAULTS["seed"]):
        self.start = {"b_f": forget_bias, "scale": scale}
        self.T, self.H, self.seed = T, hidden_size, seed
        self.lags = tuple(k for k in READOUT_LAGS if k < T)
        super().__init__()

    def build(self):
        self.controls["b_f"] = slider("b_f", self.start["b_f"], *FORGET_BIAS_RANGE, step=0.1)
        self.controls["scale"] = slider("scale", self.start["scale"], *SCALE_RANGE, step=0.05)
        T = self.T
        bf = self.figure = BlitFigure(figsize=(8.4, 3.9))
        ax = self.ax = bf.fig.add_axes((0.09, 0.14, 0.58, 0.74))
        ax.set_yscale("log")
        ax.set_ylim(*LOG_LIMITS)
        ax.set_xlim(-0.5, T - 0.5)
        ax.set_yticks(*LOG_TICKS)
        ax.minorticks_off()
        ax.tick_params(labelsize=8)
        ax.set_xticks([0, 10, 20, 30, 40, T - 1])
        ax.set_xlabel("lag k: how many steps back from the last step T (each norm is taken at step T − k)", fontsize=9)
        ax.set_ylabel("gradient norm (log scale)", fontsize=9)
        ax.set_title(f"How much of L = Σ h_T reaches k steps back  (T = {T}, H = {self.H} for both)",
                     fontsize=10, loc="left")
        for k in self.lags:  # the table's columns, as faint guides
            ax.axvline(k, color="#dddddd", lw=0.8, zorder=0)
        ax.axhline(VANISHED, color="#888888", lw=0.9, ls=":", zorder=0)  # at the 1e-6 tick
        lag = np.arange(T)
        self.lines, self.drops = {}, {}
        for key, lab, colour, style in CURVES:
            (line,) = ax.plot(lag, np.ones(T), color=colour, ls=style, lw=2.0 if style == "-" else 1.6, label=lab)
            (drop,) = ax.plot([], [], ls="none", marker="v", ms=8, color=colour, markeredgecolor="black")
            self.lines[key], self.drops[key] = bf.dynamic(line), bf.dynamic(drop)
        ax.plot([], [], ls="none", marker="v", ms=7, color="white", markeredgecolor="black",
                label="first lag below 1e-6")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False, borderaxespad=0)
        # the settings in plain numbers (fast: drawn from cached glyphs), under the legend
        self.figure_notes = {
            "f": bf.dynamic(bf.fig.text(0.695, 0.36, "", fontsize=9)),
            "scale": bf.dynamic(bf.fig.text(0.695, 0.28, "", fontsize=9)),
            "clip": bf.dynamic(bf.fig.text(0.695, 0.20, "", fontsize=8, color="#666666")),
            "clip2": bf.dynamic(bf.fig.text(0.695, 0.15, "", fontsize=8, color="#666666")),
        }
        bf.freeze()
        self.table = widgets.HTML()

    def compute(self, values):
        self.run = flow_run(values["b_f"], values["scale"], T=self.T, hidden_size=self.H, seed=self.seed)
        self.params = self.run.lstm_params
        self.first_below = {k: first_lag_below(v) for k, v in self.run.series.items()}

    def draw(self):
        run = self.run
        lo, hi = LOG_LIMITS
        clipped = 0
        for key, line in self.lines.items():
            y = run.series[key]
            clipped += int(np.sum((y < lo) | (y > hi)))
            line.set_ydata(np.clip(y, lo, hi))
            k = self.first_below[key]
            self.drops[key].set_data(([k], [np.clip(y[k], lo, hi)]) if k is not None else ([], []))
        self.figure_notes["f"].set_text(f"b_f = {run.forget_bias:.2f}")
        self.figure_notes["scale"].set_text(f"scale = {run.scale:.2f}")
        self.figure_notes["clip"].set_text(f"{clipped} points beyond the axis" if clipped else "")
        self.figure_notes["clip2"].set_text("are drawn on its edge" if clipped else "")
        self.image.value = self.figure.png()
        self.show_after_picture(self.table, self.table_html())

    def table_html(self):
        header = [""] + [f"lag {k}<br><span style='font-weight:normal'>(x<sub>{self.T - k}</sub>)</span>"
                         for k in self.lags] + ["first lag below 1e-6"]
        rows = [[ROW_NAMES[key]] + [sci(self.run.series[key][k]) for k in self.lags]
                + [lag_text(self.first_below[key])] for key, *_ in CURVES]
        return html_table(header, rows)

    def layout(self):
        c = self.controls
        return widgets.VBox([
            widgets.HBox([c["b_f"], c["scale"], self.reset_button]),
            self.message, self.image, self.table,
        ])


class CellCarry(Explorer):
    """Slider b_f and Play over t = 1 .. T: the LSTM's forget gates f_t per unit (top) and their running
    product Π_{s≤t} f_s = ∂c_t/∂c_0 along the cell path (bottom, log scale), beside σ(b_f)^t, the product
    if every f_t were σ(b_f). A cursor marks step t; the table gives f_t and Π f up to t and up to T."""

    play_interval_ms = 150

    def __init__(self, forget_bias=DEFAULTS["b_f"], T=DEFAULTS["T"], hidden_size=DEFAULTS["H"],
                 scale=DEFAULTS["scale"], seed=DEFAULTS["seed"]):
        self.start = {"b_f": forget_bias}
        self.steps = T
        self.H, self.scale, self.seed = hidden_size, scale, seed
        super().__init__()

    def build(self):
        self.controls["b_f"] = slider("b_f", self.start["b_f"], *FORGET_BIAS_RANGE, step=0.1)
        T, H = self.steps, self.H
        steps = np.arange(1, T + 1)
        bf = self.figure = BlitFigure(figsize=(8.4, 5.0))
        top = self.ax_f = bf.fig.add_axes((0.09, 0.62, 0.58, 0.30))
        bottom = self.ax_carry = bf.fig.add_axes((0.09, 0.11, 0.58, 0.42))
        for ax in (top, bottom):
            ax.set_xlim(0.5, T + 0.5)
            ax.tick_params(labelsize=8)
        top.set_ylim(-0.03, 1.05)
        top.set_yticks([0.0, 0.5, 1.0])
        top.tick_params(labelbottom=False)
        top.set_title(f"forget gates f_t of the {H} units, and σ(b_f) (dashed)", fontsize=10, loc="left")
        bottom.set_yscale("log")
        bottom.set_ylim(*CARRY_LIMITS)
        bottom.set_yticks(*LOG_TICKS)
        bottom.minorticks_off()
        bottom.set_xlabel("step t", fontsize=9)
        bottom.set_title("∂c_t/∂c_0 along the cell path = Π f_s over s = 1..t  (log scale)", fontsize=10, loc="left")
        f_colour = QUANTITY_COLORS["f"]
        # one collection of H lines per panel, not H Line2D artists: one draw call each (H = 8 separate lines
        # cost ~4 ms more per slider move), and each line still blends over the others where they cross
        flat = np.stack([steps, np.ones(T)], axis=1)  # (T, 2)
        self.f_lines = bf.dynamic(top.add_collection(
            LineCollection([flat] * H, colors=f_colour, linewidths=1.0, alpha=0.6, label=f"f_t, units 1..{H}")))
        self.carry_lines = bf.dynamic(bottom.add_collection(
            LineCollection([flat] * H, colors=f_colour, linewidths=1.2, alpha=0.6, label=f"Π f_s, units 1..{H}")))
        (self.sigma_line,) = top.plot(steps, np.ones(T), color="black", lw=1.4, ls="--", label="σ(b_f)")
        (self.constant_line,) = bottom.plot(steps, np.ones(T), color="black", lw=1.6, ls="--",
                                            label="σ(b_f)ᵗ: f = σ(b_f) at every step")
        (self.dots,) = bottom.plot([], [], ls="none", marker="o", ms=4, color=f_colour, markeredgecolor="black",
                                   markeredgewidth=0.5)
        (self.constant_dot,) = bottom.plot([], [], ls="none", marker="o", ms=6, color="black")
        bf.dynamic(self.sigma_line, self.constant_line, self.dots, self.constant_dot)
        self.cursors = [bf.dynamic(ax.axvline(1, color="#999999", lw=6, alpha=0.35, zorder=0)) for ax in (top, bottom)]
        for ax in (top, bottom):
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False, borderaxespad=0)
        # the numbers at the cursor, plain text (fast), under the bottom legend
        self.figure_notes = {
            "t": bf.dynamic(bf.fig.text(0.695, 0.36, "", fontsize=9)),
            "constant": bf.dynamic(bf.fig.text(0.695, 0.29, "", fontsize=9)),
            "low": bf.dynamic(bf.fig.text(0.695, 0.22, "", fontsize=9)),
            "high": bf.dynamic(bf.fig.text(0.695, 0.15, "", fontsize=9)),
            "clip": bf.dynamic(bf.fig.text(0.695, 0.07, "", fontsize=8, color="#666666")),
        }
        bf.freeze()
        self.table = widgets.HTML()

    def compute(self, values):
        self.run = carry_run(values["b_f"], scale=self.scale, T=self.steps, hidden_size=self.H, seed=self.seed)
        self.trace = self.run.trace

    def draw(self):
        run, t = self.run, self.t
        lo, hi = CARRY_LIMITS
        steps = np.arange(1, run.T + 1)
        self.f_lines.set_segments([np.column_stack([steps, run.f[:, u]]) for u in range(self.H)])
        self.carry_lines.set_segments([np.column_stack([steps, np.clip(run.carry[:, u], lo, hi)])
                                       for u in range(self.H)])
        self.sigma_line.set_ydata(run.constant[0] * np.ones(run.T))  # σ(b_f) = the one-step product
        self.constant_line.set_ydata(np.clip(run.constant, lo, hi))
        n = t + 1
        self.dots.set_data(np.full(self.H, n), np.clip(run.carry[t], lo, hi))
        self.constant_dot.set_data([n], [np.clip(run.constant[t], lo, hi)])
        for cursor in self.cursors:
            cursor.set_xdata([n, n])
        at_t = run.carry[t]
        self.figure_notes["t"].set_text(f"at step t = {n}:")
        self.figure_notes["constant"].set_text(f"σ(b_f)^t = {sci(run.constant[t])}")
        self.figure_notes["low"].set_text(f"Π f, lowest unit = {sci(at_t.min())}")
        self.figure_notes["high"].set_text(f"Π f, highest unit = {sci(at_t.max())}")
        below = int(np.sum(run.carry < lo) + np.sum(run.constant < lo))
        self.figure_notes["clip"].set_text(f"{below} points below 1e-12 (on the edge)" if below else "")
        self.image.value = self.figure.png()
        self.show_after_picture(self.table, self.table_html())

    def table_html(self):
        run, t = self.run, self.t
        n, T = t + 1, run.T
        header = ["", f"f<sub>t</sub> at t = {n}", f"Π f up to t = {n}", f"Π f up to T = {T}"]
        rows = [[f"unit {u + 1}", f"{run.f[t, u]:.4f}", sci(run.carry[t, u]), sci(run.carry[-1, u])]
                for u in range(self.H)]
        rows.append(["f = σ(b<sub>f</sub>) at every step", f"{run.constant[0]:.4f}", sci(run.constant[t]),
                     sci(run.constant[-1])])
        return html_table(header, rows)

    def layout(self):
        return widgets.VBox([
            widgets.HBox([self.controls["b_f"], self.reset_button]),
            self.message, self.time_controls(), widgets.HBox([self.image, self.table]),
        ])
