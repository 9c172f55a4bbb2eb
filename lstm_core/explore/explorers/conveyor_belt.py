"""Lesson 04's explorer: one pulse on the conveyor belt. The LSTM's c_t and h_t beside a vanilla
tanh RNN's h_t, the carries ∂c_t/∂c_{t_p} and ∂h_t/∂h_{t_p}, and how long each survives."""

import ipywidgets as widgets
import numpy as np

from lstm_core.lessons.l02_step import step_terms
from lstm_core.gates import QUANTITY_NAMES
from lstm_core.lessons.l04_conveyor_belt import DEFAULTS, conveyor_run, rnn_weights
from .base import FORGET_BIAS_RANGE, SLIDER_LAYOUT, SLIDER_STYLE, Explorer, html_table, slider
from ..panels.format import or_dash as fmt
from ..panels.plots import label
from ..panels.render import OKABE_ITO, QUANTITY_COLORS, BlitFigure

MAX_T = 100
T_RANGE = (10, MAX_T)
INPUT_BIAS_RANGE = (-15.0, 5.0)
RECURRENT_RANGE = (0.0, 1.5)

#: the RNN is another model, so it gets its own colour (no LSTM quantity in this lesson uses sky blue)
RNN_COLOR = OKABE_ITO["sky"]
RNN_LABEL = f"h  {QUANTITY_NAMES['h']} of the RNN"
CARRY_LABEL = "∂c_t/∂c_tp = ∏ f  (LSTM)"
RNN_CARRY_LABEL = "∂h_t/∂h_tp = ∏ u(1−h²)  (RNN)"

#: rows of the survival table: (key of the run's series, what it is)
ROWS = (
    ("c", f"LSTM {label('c')}"),
    ("h", f"LSTM {label('h')}"),
    ("rnn_h", f"RNN {label('h')}"),
    ("carry", "LSTM carry ∂c_t/∂c_tp"),
    ("rnn_carry", "RNN carry ∂h_t/∂h_tp"),
)
#: the series the "at step t" column shows, per table row
ROW_SERIES = {"c": "c", "h": "h", "rnn_h": "rnn_h", "carry": "carry", "rnn_carry": "rnn_carry"}
YLIM = (-0.05, 1.08)




def int_slider(description, value, lo, hi):
    return widgets.IntSlider(value=value, min=lo, max=hi, step=1, description=description, continuous_update=True,
                             layout=widgets.Layout(**SLIDER_LAYOUT), style=SLIDER_STYLE)


class _Panel:
    """One time axis (steps 1..MAX_T, fixed limits) with the pulse, the cursor and the region past T."""

    def __init__(self, bf, rect, title, ylim=YLIM, xlabel=False):
        self.ax = ax = bf.fig.add_axes(rect)
        ax.set_xlim(0.0, MAX_T + 1.0)
        ax.set_ylim(*ylim)
        ax.set_xticks([1] + list(range(20, MAX_T + 1, 20)))
        ax.set_yticks([0.0, 0.5, 1.0])
        ax.axhline(0, color="#cccccc", lw=0.8, zorder=0)
        ax.set_title(title, fontsize=10, loc="left")
        ax.tick_params(labelsize=8)
        if xlabel:
            ax.set_xlabel("step t", fontsize=9)
        else:
            ax.tick_params(labelbottom=False)
        self.cursor = bf.dynamic(ax.axvline(1, color="#999999", lw=5, alpha=0.35, zorder=0))
        self.pulse = bf.dynamic(ax.axvline(1, color=QUANTITY_COLORS["x"], lw=1, ls=":", zorder=0))
        self.beyond = bf.dynamic(ax.axvspan(MAX_T + 0.5, MAX_T + 1.0, color="#eeeeee", zorder=0))
        self.bf = bf
        self.ylim = ylim

    def line(self, color, lab, **kw):
        (ln,) = self.ax.plot([], [], **{"color": color, "lw": 1.8, "label": lab, **kw})
        return self.bf.dynamic(ln)

    def half_marks(self, color):
        """A dashed 'half its peak' line and a marker where the curve first falls below it."""
        (half,) = self.ax.plot([], [], color=color, lw=1, ls="--", alpha=0.9)
        (drop,) = self.ax.plot([], [], ls="none", marker="v", ms=8, color=color, markeredgecolor="black")
        return self.bf.dynamic(half), self.bf.dynamic(drop)

    def legend(self):
        self.ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False, borderaxespad=0)

    def update_frame(self, T, t_pulse, t):
        self.cursor.set_xdata([t + 1, t + 1])
        self.pulse.set_xdata([t_pulse, t_pulse])
        self.beyond.set_x(T + 0.5)
        self.beyond.set_width(max(MAX_T + 1.0 - (T + 0.5), 0.0))


class ConveyorBelt(Explorer):
    """Sliders T, t_pulse, b_f, b_i (the LSTM) and u (the RNN); four panels over time (the LSTM's
    gates, its c and h, the RNN's h, the two carries); a table of peaks, values and survival times, and the step-t equations."""

    steps = MAX_T
    # short, so Play crosses 100 steps in 30 s; not shorter, so that a loaded kernel keeps up: a step's
    # redraw takes ~30 ms on an idle machine but 150-600 ms (keypress to image, in the browser) on a busy
    # one, and a faster Play queues steps that then flash past unseen (the browser test saw it at 100 and 200)
    play_interval_ms = 300

    def __init__(self, T=DEFAULTS["T"], t_pulse=DEFAULTS["t_pulse"], forget_bias=DEFAULTS["b_f"],
                 input_bias=DEFAULTS["b_i"], recurrent=DEFAULTS["u"]):
        self.start = {"T": T, "t_pulse": t_pulse, "b_f": forget_bias, "b_i": input_bias, "u": recurrent}
        super().__init__()

    # ------------------------------------------------------------ build
    def build(self):
        s = self.start
        # T first: Reset restores it before t_pulse, whose maximum follows T
        self.controls["T"] = int_slider("T", s["T"], *T_RANGE)
        self.controls["t_pulse"] = int_slider("t_pulse", s["t_pulse"], 1, s["T"])
        self.controls["b_f"] = slider("b_f", s["b_f"], *FORGET_BIAS_RANGE, step=0.1)
        self.controls["b_i"] = slider("b_i", s["b_i"], *INPUT_BIAS_RANGE, step=0.1)
        self.controls["u"] = slider("u", s["u"], *RECURRENT_RANGE, step=0.01)
        # registered before the base class's observer, so the limits follow T before the update runs
        self.controls["T"].observe(self._on_length, names="value")
        self._on_length({"new": s["T"]})

        # two columns of two panels, wide and low: the sliders and the whole picture fit one
        # 1280x720 screen together (the table sits below the picture)
        bf = self.figure = BlitFigure(figsize=(14, 5.0))
        width, left, right = 0.29, 0.035, 0.53
        self.gates = _Panel(bf, (left, 0.56, width, 0.36), "LSTM gates: i opens at the pulse, f stays σ(b_f)")
        self.lstm = _Panel(bf, (left, 0.09, width, 0.36), "LSTM: the cell state rides the conveyor belt",
                           xlabel=True)
        self.rnn = _Panel(bf, (right, 0.56, width, 0.36), "vanilla tanh RNN of the same size, same pulse")
        self.carry = _Panel(bf, (right, 0.09, width, 0.36),
                            "carry: how much of a change at the pulse still reaches step t", xlabel=True)
        self.panels = (self.gates, self.lstm, self.rnn, self.carry)

        # the input: a bar of height x_t at the pulse (x is 0 everywhere else)
        self.pulse_bar = self.gates.line(QUANTITY_COLORS["x"], "x  the pulse (x = 1 at t_pulse)", lw=7, alpha=0.45,
                                         solid_capstyle="butt")
        self.lines = {
            "f": self.gates.line(QUANTITY_COLORS["f"], label("f")),
            "i": self.gates.line(QUANTITY_COLORS["i"], label("i"), lw=1.5),
            "c": self.lstm.line(QUANTITY_COLORS["c"], label("c")),
            "h": self.lstm.line(QUANTITY_COLORS["h"], label("h")),
            "rnn_h": self.rnn.line(RNN_COLOR, RNN_LABEL, lw=2.2),
            "c_ghost": self.rnn.line(QUANTITY_COLORS["c"], f"{label('c')} of the LSTM", alpha=0.35),
            "carry": self.carry.line(QUANTITY_COLORS["f"], CARRY_LABEL),
            "rnn_carry": self.carry.line(RNN_COLOR, RNN_CARRY_LABEL, lw=2.2),
        }
        self.marks = {
            "c": self.lstm.half_marks(QUANTITY_COLORS["c"]),
            "rnn_h": self.rnn.half_marks(RNN_COLOR),
            "carry": self.carry.half_marks(QUANTITY_COLORS["f"]),
            "rnn_carry": self.carry.half_marks(RNN_COLOR),
        }
        # both carries start at 1 at the pulse (the empty product): a dot shows it even when t_pulse = T
        (self.carry_start,) = self.carry.ax.plot([], [], ls="none", marker="o", ms=5, color="black")
        bf.dynamic(self.carry_start)
        # the key to the half lines and markers, once, in grey (every panel below uses the same marks)
        self.lstm.ax.plot([], [], color="#555555", lw=1, ls="--", label="½ of the peak (dashed)")
        self.lstm.ax.plot([], [], ls="none", marker="v", ms=7, color="white", markeredgecolor="black",
                          label="falls below ½ here")
        for panel in self.panels:
            panel.legend()
        bf.freeze()

        self.table = widgets.HTML()
        self.equations = widgets.HTMLMath(layout=widgets.Layout(width="820px"))

    def _on_length(self, change):
        """T moved: t_pulse, Play and the step slider may not go past it."""
        T = change["new"]
        held, self._hold = self._hold, True
        try:
            self.controls["t_pulse"].max = T
            self.step.max = T
            self.play.max = T
        finally:
            self._hold = held

    # ------------------------------------------------------------ compute / draw
    def compute(self, values):
        self.run = conveyor_run(T=values["T"], t_pulse=values["t_pulse"], forget_bias=values["b_f"],
                                input_bias=values["b_i"], recurrent=values["u"])
        self.params, self.trace = self.run.lstm_params, self.run.lstm
        self.steps = self.run.T  # the step label reads "of T"

    def draw(self):
        run, t = self.run, min(self.t, self.run.T - 1)
        T, tp = run.T, run.t_pulse
        series = run.series
        steps = np.arange(1, T + 1)
        lo, hi = YLIM
        for name, line in self.lines.items():
            y = series["c" if name == "c_ghost" else name]
            line.set_data(steps, np.clip(y, lo, hi))  # NaN (a carry before the pulse) leaves a gap
        for name, (half, drop) in self.marks.items():
            r = run.summaries[name]
            half.set_data([r.peak_step, T], [min(r.half, hi)] * 2)
            if r.survival is None:
                drop.set_data([], [])
            else:
                s = tp + r.survival  # the first step below half, 1-based
                drop.set_data([s], [np.clip(series[name][s - 1], lo, hi)])
        self.carry_start.set_data([tp], [series["carry"][tp - 1]])
        self.pulse_bar.set_data([tp, tp], [0.0, series["x"][tp - 1]])
        for panel in self.panels:
            panel.update_frame(T, tp, t)
        self.image.value = self.figure.png()
        self.show_after_picture(self.table, self.survival_html(t))
        self.show_after_picture(self.equations, self.equations_html(t))

    def survival_html(self, t):
        run = self.run
        series = run.series
        rows = []
        for key, name in ROWS:
            r = run.summaries[key]
            rows.append([f"<div style='text-align:left'>{name}</div>", fmt(r.peak), fmt(series[ROW_SERIES[key]][t]),
                         fmt(r.end), r.survival_text()])
        header = ["", "peak", f"at step t = {t + 1}", f"at the end (t = {run.T})",
                  f"survival after t_pulse = {run.t_pulse}"]
        return (html_table(header, rows)
                + "<div style='font-size:90%;color:#555'>survival: steps from the pulse until |value| falls below"
                  " half its peak</div>")

    def equations_html(self, t):
        """The belt's equation and its derivative at step t, and the RNN's, with this step's numbers."""
        run = self.run
        terms = step_terms(run.lstm_params, run.lstm, t)
        c = terms["c"]
        series = run.series
        w, u = rnn_weights(run)
        h_prev = series["rnn_h"][t - 1] if t > 0 else run.rnn.initial_h[0]
        n = t + 1
        lines = [
            f"\\text{{LSTM: }} c_{{{n}}} = f_{{{n}}}\\, c_{{{n - 1}}} + i_{{{n}}}\\, g_{{{n}}}"
            f" = {c['f']:.4f} \\cdot {c['c_prev']:.4f} + {c['i']:.4f} \\cdot {c['g']:.4f} = {c['value']:.4f}",
            f"\\frac{{\\partial c_{{{n}}}}}{{\\partial c_{{{n - 1}}}}} = f_{{{n}}} = {c['f']:.4f}",
            f"\\text{{RNN: }} h_{{{n}}} = \\tanh(w\\, x_{{{n}}} + u\\, h_{{{n - 1}}})"
            f" = \\tanh({w:.2f} \\cdot {series['x'][t]:.0f} + {u:.2f} \\cdot {h_prev:.4f}) = {series['rnn_h'][t]:.4f}",
            f"\\frac{{\\partial h_{{{n}}}}}{{\\partial h_{{{n - 1}}}}} = u\\,(1 - h_{{{n}}}^2)"
            f" = {series['rnn_factor'][t]:.4f}",
        ]
        body = "".join(f"<div style='margin:3px 0'>${line}$</div>" for line in lines)
        return f"<div class='lstm-equations'>{body}</div>"

    # ------------------------------------------------------------ layout
    def layout(self):
        c = self.controls
        lstm_box = widgets.VBox([widgets.HTML("<b>LSTM</b> (H = D = 1)"), c["b_f"], c["b_i"]])
        rnn_box = widgets.VBox([widgets.HTML("<b>RNN</b> (H = D = 1)"), c["u"]])
        seq_box = widgets.VBox([widgets.HTML("<b>sequence</b>"), c["T"], c["t_pulse"]])
        return widgets.VBox([
            widgets.HBox([seq_box, lstm_box, rnn_box, self.reset_button]),
            self.message, self.time_controls(), self.image, self.table, self.equations,
        ])
