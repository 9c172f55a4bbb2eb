"""Lesson 01's explorers: a gate is a soft switch.

``SoftSwitch``: sliders for w, b and x; σ(w·x + b) and tanh(w·x + b) as curves over x, a marker
at the current x, the switch point x* = -b/w. ``GatedSignal``: a candidate wave g, an input
gate i = σ(z_i) and what passes, i·g. Every number comes from ``lstm_core.lessons.l01_switches``.
"""

import ipywidgets as widgets
import numpy as np

from lstm_core.cell import sigmoid
from lstm_core.gates import GATE_NAMES, QUANTITY_NAMES
from lstm_core.lessons.l01_switches import gate_curve, gate_state, gated_signal, signal_wave, switch_point
from .base import Explorer, html_table, slider
from ..panels.format import four as f4
from ..panels.plots import label
from ..panels.render import OKABE_ITO, QUANTITY_COLORS, BlitFigure

X_RANGE = (-5.0, 5.0)  # the plotted inputs, and the range of the x slider
W_RANGE = (-5.0, 5.0)
B_RANGE = (-5.0, 5.0)
Z_RANGE = (-6.0, 6.0)  # the gate's pre-activation slider, and the x axis of its σ panel
AMPLITUDE_RANGE = (0.0, 1.0)  # a candidate is a tanh: |g| <= 1
CURVE_POINTS = 401

SIGMOID_COLOR = OKABE_ITO["blue"]
TANH_COLOR = QUANTITY_COLORS["g"]  # the candidate is the tanh of an LSTM
GHOST = dict(color="#bbbbbb", lw=1.2, ls="--")

# GatedSignal: where along the wave the table samples g, i and i·g (none at a zero of the sine)
WAVE_TS = np.linspace(0.0, 1.0, CURVE_POINTS)  # (N,)
SAMPLE_TS = np.array([0.1, 0.2, 0.3, 0.4])  # (4,)
WAVE_PERIODS = 2.0
PRESETS = (("closed", -5.0), ("half open", 0.0), ("open", 5.0))




class SoftSwitch(Explorer):
    """One unit, z = w·x + b, squashed two ways: σ (a gate, 0..1) and tanh (a candidate, -1..1)."""

    def __init__(self, w=1.0, b=0.0, x=1.0):
        self.start = {"w": w, "b": b, "x": x}
        super().__init__()

    def build(self):
        self.controls["w"] = slider("w", self.start["w"], *W_RANGE)
        self.controls["b"] = slider("b", self.start["b"], *B_RANGE)
        self.controls["x"] = slider("x", self.start["x"], *X_RANGE)

        self.xs = np.linspace(*X_RANGE, CURVE_POINTS)  # (N,)
        ghost = gate_curve(1.0, 0.0, self.xs)
        self.figure = BlitFigure(figsize=(10, 3.6))
        panels = (
            ("sigmoid", (0.06, 0.21, 0.41, 0.58), (-0.05, 1.05), 0.5, SIGMOID_COLOR,
             "σ(w·x + b): a gate, always in [0, 1]"),
            ("tanh", (0.56, 0.21, 0.41, 0.58), (-1.05, 1.05), 0.0, TANH_COLOR,
             f"tanh(w·x + b): a {GATE_NAMES['g']}, always in [-1, 1]"),
        )
        self.curves, self.markers, self.switch_lines, self.value_labels = {}, {}, {}, {}
        for key, rect, ylim, middle, colour, title in panels:
            ax = self.figure.fig.add_axes(rect)
            ax.set_xlim(*X_RANGE)
            ax.set_ylim(*ylim)
            ax.set_title(title, fontsize=10, pad=20)
            ax.set_xlabel("input x", labelpad=1)
            ax.axhline(middle, color="#dddddd", lw=0.8, zorder=0)
            ax.plot(self.xs, ghost[key], **GHOST)
            self.switch_lines[key] = self.figure.dynamic(ax.axvline(0.0, color="#666666", lw=1, ls=":"))
            self.curves[key] = self.figure.dynamic(ax.plot(self.xs, ghost[key], color=colour, lw=2.2)[0])
            # clip_on=False: at x = ±5 the whole marker shows, not half of it
            self.markers[key] = self.figure.dynamic(
                ax.plot([0.0], [middle], "o", ms=9, color=colour, markeredgecolor="black", clip_on=False)[0]
            )
            # the current value, above the axes: nothing inside the plot can hide it or be hidden by it
            self.value_labels[key] = self.figure.dynamic(
                ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", va="bottom", fontsize=10,
                        color=colour, fontweight="bold")
            )
        self.figure.fig.text(0.5, 0.015, "grey dashed: w = 1, b = 0, for comparison      dotted: the switch point "
                             "x* = −b/w, where z = 0", ha="center", va="bottom", fontsize=9, color="#555555")
        self.figure.freeze()
        self.table = widgets.HTML()

    def compute(self, values):
        w, b, x = values["w"], values["b"], values["x"]
        self.curve = gate_curve(w, b, self.xs)  # curves over the plotted x
        self.point = {k: float(v) for k, v in gate_curve(w, b, x).items()}  # at the slider's x
        self.x_star = switch_point(w, b)
        self.w, self.b, self.x = w, b, x

    def draw(self):
        x, p = self.x, self.point
        shown = self.x_star is not None and X_RANGE[0] <= self.x_star <= X_RANGE[1]
        for key, symbol in (("sigmoid", "σ"), ("tanh", "tanh")):
            self.curves[key].set_ydata(self.curve[key])
            self.markers[key].set_data([x], [p[key]])
            self.switch_lines[key].set_visible(shown)
            if shown:
                self.switch_lines[key].set_xdata([self.x_star, self.x_star])
            self.value_labels[key].set_text(f"x = {x:.2f},  z = {p['z']:.2f},  {symbol}(z) = {p[key]:.4f}")
        self.image.value = self.figure.png()
        x_star = "none (w = 0)" if self.x_star is None else f"{self.x_star:.4f}"
        self.show_after_picture(self.table, html_table(
            ["w", "b", "x", "z = w·x + b", "σ(z) gate", "tanh(z) candidate", "x* = −b/w", "gate is"],
            [[f"{self.w:.2f}", f"{self.b:.2f}", f"{x:.2f}", f4(p["z"]), f4(p["sigmoid"]), f4(p["tanh"]), x_star,
              gate_state(p["sigmoid"])]],
        ))

    def layout(self):
        sliders = widgets.VBox([self.controls[k] for k in ("w", "b", "x")])
        return widgets.VBox([widgets.HBox([sliders, self.reset_button]), self.message, self.image, self.table])


class GatedSignal(Explorer):
    """A candidate wave g times an input gate i = σ(z_i): closed lets nothing through, open all of it."""

    def __init__(self, z_i=0.0, A=1.0):
        self.start = {"z_i": z_i, "A": A}
        super().__init__()

    def build(self):
        self.controls["z_i"] = slider("z_i", self.start["z_i"], *Z_RANGE)
        self.controls["A"] = slider("A", self.start["A"], *AMPLITUDE_RANGE)
        self.presets = []
        for words, z in PRESETS:
            button = widgets.Button(description=f"{words} (z_i = {z:g})", layout=widgets.Layout(width="150px"))
            button.on_click(lambda _, z=z: setattr(self.controls["z_i"], "value", z))
            self.presets.append(button)

        self.figure = BlitFigure(figsize=(10, 3.5))
        # left: where the gate sits on σ
        ax = self.figure.fig.add_axes((0.06, 0.15, 0.24, 0.7))
        self.zs = np.linspace(*Z_RANGE, CURVE_POINTS)  # (N,)
        ax.plot(self.zs, sigmoid(self.zs), color=QUANTITY_COLORS["i"], lw=2)
        ax.set_xlim(*Z_RANGE)
        ax.set_ylim(-0.05, 1.05)
        ax.axhline(0.5, color="#dddddd", lw=0.8, zorder=0)
        ax.set_xlabel("pre-activation z_i")
        ax.set_title("i = σ(z_i)", fontsize=10)
        self.gate_marker = self.figure.dynamic(
            ax.plot([0.0], [0.5], "o", ms=9, color=QUANTITY_COLORS["i"], markeredgecolor="black", clip_on=False)[0]
        )
        # lower right stays empty: the σ curve there is near 1. One line per Text (the fast glyph path).
        self.gate_texts = [
            self.figure.dynamic(ax.text(0.96, 0.05 + 0.1 * (2 - n), "", transform=ax.transAxes, ha="right",
                                        va="bottom", fontsize=10))
            for n in range(3)
        ]
        # right: the signal, the gate and what passes
        ax = self.figure.fig.add_axes((0.37, 0.15, 0.37, 0.7))
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(-1.1, 1.1)
        ax.axhline(0.0, color="#dddddd", lw=0.8, zorder=0)
        ax.set_xlabel("time along the signal")
        ax.set_title("what passes the gate: i · g", fontsize=10)
        zeros = np.zeros_like(WAVE_TS)
        # drawn in this order, so the dashed signal stays visible on top of i·g when the gate is open
        self.lines = {
            "i": ax.plot(WAVE_TS, zeros, color=QUANTITY_COLORS["i"], lw=2, label=label("i"))[0],
            "ig": ax.plot(WAVE_TS, zeros, color=QUANTITY_COLORS["c"], lw=2.6,
                          label=f"i·g  written into the {QUANTITY_NAMES['c']}")[0],
            "g": ax.plot(WAVE_TS, zeros, color=QUANTITY_COLORS["g"], lw=1.5, ls="--", label=label("g"))[0],
        }
        self.figure.dynamic(*self.lines.values())
        self.samples = self.figure.dynamic(
            ax.plot(SAMPLE_TS, np.zeros_like(SAMPLE_TS), "o", ms=6, color=QUANTITY_COLORS["c"],
                    markeredgecolor="black", zorder=5)[0]
        )
        ax.vlines(SAMPLE_TS, -1.1, 1.1, color="#eeeeee", lw=1, zorder=0)
        # the legend goes beside the axes, so it never hides the curves
        ax.legend(handles=[self.lines[k] for k in ("g", "i", "ig")], loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, framealpha=0.9, borderaxespad=0)
        self.figure.freeze()
        self.table = widgets.HTML()
        self.summary = widgets.HTML()

    def compute(self, values):
        self.z, self.A = values["z_i"], values["A"]
        self.gate = float(sigmoid(self.z))  # i = σ(z_i)
        self.signal = signal_wave(WAVE_TS, self.A, WAVE_PERIODS)  # (N,)
        self.product = gated_signal(self.signal, self.gate)  # (N,)
        self.sample_signal = signal_wave(SAMPLE_TS, self.A, WAVE_PERIODS)  # (4,)
        self.sample_product = gated_signal(self.sample_signal, self.gate)  # (4,)

    def draw(self):
        i = self.gate
        self.gate_marker.set_data([self.z], [i])
        for text, line in zip(self.gate_texts, (f"z_i = {self.z:.2f}", f"i = {i:.4f}", gate_state(i))):
            text.set_text(line)
        self.lines["g"].set_ydata(self.signal)
        self.lines["i"].set_ydata(np.full_like(WAVE_TS, i))
        self.lines["ig"].set_ydata(self.product)
        self.samples.set_ydata(self.sample_product)
        self.image.value = self.figure.png()
        self.show_after_picture(self.summary, (
            f"<b>i = σ({self.z:.2f}) = {i:.4f}</b>: the gate is {gate_state(i)}, "
            f"{100 * i:.2f}% of g passes."
        ))
        rows = [[f"{t:.2f}", f4(g), f4(i), f4(ig)]
                for t, g, ig in zip(SAMPLE_TS, self.sample_signal, self.sample_product)]
        self.show_after_picture(self.table, html_table(["time", "g (signal)", "i (gate)", "i·g (passes)"], rows))

    def layout(self):
        sliders = widgets.VBox([self.controls["z_i"], self.controls["A"]])
        buttons = widgets.HBox(self.presets + [self.reset_button])
        return widgets.VBox([widgets.HBox([sliders, buttons]), self.message, self.summary, self.image, self.table])
