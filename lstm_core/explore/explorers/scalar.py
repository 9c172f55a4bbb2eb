"""Lesson 02's explorer: the scalar worked example (H = D = 1), every weight, input and the prediction weight W_y on a slider."""

import ipywidgets as widgets
import numpy as np

from lstm_core.examples import scalar_example
from lstm_core.lessons.l02_step import step_terms
from lstm_core.gates import GATE_NAMES, GATES, QUANTITIES, SIGMOID_GATES
from lstm_core.params import LSTMParams
from lstm_core.sequence import forward
from .base import Explorer, html_table, slider
from ..panels.diagram import CellDiagram
from ..panels.equations import equations_html
from ..panels.plots import TimeLines, label
from ..panels.render import BlitFigure

WEIGHT_RANGE = (-5.0, 5.0)
INPUT_RANGE = (-5.0, 5.0)
PREDICTION_WEIGHT_RANGE = (-10.0, 10.0)


def scalar_params(values):
    """Slider values ``{"W_xf": .., "W_hf": .., "b_f": .., ..., "W_y": ..}`` -> LSTMParams (H = D = 1)."""
    return LSTMParams(
        W_x=[[values[f"W_x{k}"]] for k in GATES],
        W_h=[[values[f"W_h{k}"]] for k in GATES],
        b=[values[f"b_{k}"] for k in GATES],
        W_y=[[values["W_y"]]],
        b_y=[0.0],
    )


def scalar_inputs(values, T):
    return np.array([values[f"x_{t}"] for t in range(1, T + 1)])  # (T,)


class ScalarWalkthrough(Explorer):
    """Sliders for all 12 weights and biases, the inputs and the prediction weight W_y; the cell diagram with
    Play through the steps, the live equations, and i, f, g, c, o, h per step."""

    def __init__(self, params=None, xs=None):
        example_params, example_xs = scalar_example()
        self.start_params = example_params if params is None else params
        self.start_xs = np.asarray(example_xs if xs is None else xs, dtype=np.float64)
        self.steps = len(self.start_xs)
        super().__init__()

    def build(self):
        p = self.start_params
        for k in GATES:
            W_x, W_h, b = p.gate(k)
            self.controls[f"W_x{k}"] = slider(f"W_x{k}", float(W_x[0, 0]), *WEIGHT_RANGE)
            self.controls[f"W_h{k}"] = slider(f"W_h{k}", float(W_h[0, 0]), *WEIGHT_RANGE)
            self.controls[f"b_{k}"] = slider(f"b_{k}", float(b[0]), *WEIGHT_RANGE)
        for t, x in enumerate(self.start_xs, start=1):
            self.controls[f"x_{t}"] = slider(f"x_{t}", float(x), *INPUT_RANGE)
        self.controls["W_y"] = slider("W_y", float(p.W_y[0, 0]), *PREDICTION_WEIGHT_RANGE)

        T = self.steps
        # wide and low: the sliders above and the whole picture fit one 1280x720 screen together
        self.figure = BlitFigure(figsize=(12, 3.5))
        self.diagram = CellDiagram(self.figure, rect=(0.0, 0.0, 0.55, 1.0))
        c_max = T + 0.2  # |c_t| <= t when c_0 = 0: the axis never has to move
        self.gate_lines = TimeLines(self.figure, (0.6, 0.58, 0.26, 0.33), [k for k in GATES if k in SIGMOID_GATES],
                                    T, (-0.05, 1.05), title="gates (σ): how open, per step", xlabel=False)
        self.state_lines = TimeLines(self.figure, (0.6, 0.12, 0.26, 0.33), ["g", "c", "h"], T, (-c_max, c_max),
                                     title="candidate, cell state, hidden state")
        # y feeds nothing back into the cell, but the learner moving W_y should see the picture answer
        self.figure.fig.text(0.875, 0.1, "prediction\ny = W_y · h_T", fontsize=8, va="bottom")
        self.y_text = self.figure.dynamic(self.figure.fig.text(0.875, 0.075, "", fontsize=9, va="top"))
        self.figure.freeze()
        self.equations = widgets.HTMLMath()
        self.table = widgets.HTML()
        self.prediction = widgets.HTML()

    def compute(self, values):
        self.params = scalar_params(values)
        self.xs = scalar_inputs(values, self.steps)
        self.trace = forward(self.params, self.xs)

    def draw(self):
        trace, t = self.trace, self.t
        terms = step_terms(self.params, trace, t)
        self.diagram.update(terms)
        series = {k: getattr(trace, k)[:, 0] for k in QUANTITIES}
        self.gate_lines.update(series, t)
        self.state_lines.update(series, t)
        self.y_text.set_text(f"y = {trace.prediction[0]:.4f}")
        self.image.value = self.figure.png()
        self.show_after_picture(self.equations, equations_html(terms))
        rows = [
            [f"<b>{s + 1}</b>" if s == t else s + 1, f"{trace.x[s, 0]:.2f}"] + [f"{series[k][s]:.4f}" for k in QUANTITIES]
            for s in range(trace.T)
        ]
        self.show_after_picture(self.table, html_table(["t", "x_t"] + [label(k) for k in QUANTITIES], rows))
        self.show_after_picture(self.prediction, (
            f"<b>Predicted Next Value: {trace.prediction[0]:.4f}</b> &nbsp; (y = W_y · h_{trace.T}"
            f" = {self.params.W_y[0, 0]:.2f} · {series['h'][-1]:.4f})"
        ))

    def layout(self):
        rows = []
        for k in GATES:
            name = widgets.HTML(f"<b>{k}</b> {GATE_NAMES[k]}", layout=widgets.Layout(width="110px"))
            rows.append(widgets.HBox([name, self.controls[f"W_x{k}"], self.controls[f"W_h{k}"], self.controls[f"b_{k}"]]))
        inputs = [self.controls[f"x_{t}"] for t in range(1, self.steps + 1)]
        label = widgets.HTML("<b>x</b> inputs", layout=widgets.Layout(width="110px"))
        rows.append(widgets.HBox([label] + inputs))
        prediction_label = widgets.HTML("<b>y</b> prediction", layout=widgets.Layout(width="110px"))
        # W_y, Reset and Play share one row: every control and the whole picture fit one screen
        rows.append(widgets.HBox([prediction_label, self.controls["W_y"], self.reset_button, self.time_controls()]))
        return widgets.VBox(rows + [
            self.message, self.image, self.prediction,
            widgets.HBox([self.equations, self.table]),
        ])
