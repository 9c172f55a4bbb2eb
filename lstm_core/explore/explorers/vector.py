"""Lesson 03's explorer: the vector worked example (H = 2, D = 1), a slider for every weight, heatmaps of
the weights and of every activation per unit and step, and the cell diagram of one unit."""

import html

import ipywidgets as widgets
import numpy as np

from lstm_core.examples import vector_example
from lstm_core.lessons.l02_step import step_terms
from lstm_core.gates import GATE_NAMES, GATES, QUANTITIES
from lstm_core.params import LSTMParams
from lstm_core.sequence import forward
from lstm_core.examples import prediction_line, vector_details
from .base import Explorer, slider
from ..panels.diagram import CellDiagram
from ..panels.equations import equations_html
from ..panels.plots import Heatmap
from ..panels.render import BlitFigure

WEIGHT_RANGE = (-3.0, 3.0)
INPUT_RANGE = (-5.0, 5.0)
LABEL = "76px"  # room for W_xf[1,1]


def weight_names(k, H, D):
    """The slider names of gate k's row block, 1-based like the lessons: W_xf[u,j], W_hf[u,v], b_f[u]."""
    return (
        [[f"W_x{k}[{u},{j}]" for j in range(1, D + 1)] for u in range(1, H + 1)],
        [[f"W_h{k}[{u},{v}]" for v in range(1, H + 1)] for u in range(1, H + 1)],
        [f"b_{k}[{u}]" for u in range(1, H + 1)],
    )


def vector_params(values, H, D):
    """Slider values -> LSTMParams with the prediction weights W_y, b_y; the inverse of the names in ``weight_names``."""
    W_x, W_h, b = [], [], []
    for k in GATES:
        wx, wh, bk = weight_names(k, H, D)
        W_x += [[values[n] for n in row] for row in wx]
        W_h += [[values[n] for n in row] for row in wh]
        b += [values[n] for n in bk]
    W_y = [[values[f"W_y[1,{u}]"] for u in range(1, H + 1)]]
    return LSTMParams(W_x=W_x, W_h=W_h, b=b, W_y=W_y, b_y=[values["b_y"]])


class VectorWalkthrough(Explorer):
    """Every weight of the vector worked example on a slider (one tab per gate), weight heatmaps,
    activation heatmaps (rows: quantity and unit, columns: steps), the diagram of one unit."""

    def __init__(self, params=None, xs=None):
        example_params, example_xs = vector_example()
        self.start_params = example_params if params is None else params
        self.start_xs = np.asarray(example_xs if xs is None else xs, dtype=np.float64).reshape(-1)
        self.steps = len(self.start_xs)
        self.H, self.D = self.start_params.hidden_size, self.start_params.input_size
        if self.D != 1:
            raise ValueError(f"VectorWalkthrough: expected input size D = 1, got {self.D}")
        super().__init__()

    def build(self):
        p, H, D, T = self.start_params, self.H, self.D, self.steps
        for k in GATES:
            W_x, W_h, b = p.gate(k)
            wx, wh, bk = weight_names(k, H, D)
            for u in range(H):
                for j in range(D):
                    self.controls[wx[u][j]] = slider(wx[u][j], float(W_x[u, j]), *WEIGHT_RANGE, label_width=LABEL)
                for v in range(H):
                    self.controls[wh[u][v]] = slider(wh[u][v], float(W_h[u, v]), *WEIGHT_RANGE, label_width=LABEL)
                self.controls[bk[u]] = slider(bk[u], float(b[u]), *WEIGHT_RANGE, label_width=LABEL)
        for t, x in enumerate(self.start_xs, start=1):
            self.controls[f"x_{t}"] = slider(f"x_{t}", float(x), *INPUT_RANGE)
        for u in range(1, H + 1):
            self.controls[f"W_y[1,{u}]"] = slider(f"W_y[1,{u}]", float(p.W_y[0, u - 1]), *WEIGHT_RANGE, label_width=LABEL)
        self.controls["b_y"] = slider("b_y", float(p.b_y[0]), *WEIGHT_RANGE)
        self.unit = widgets.Dropdown(options=[(f"unit {u}", u - 1) for u in range(1, H + 1)], value=0,
                                     description="diagram", layout=widgets.Layout(width="180px"))
        self.unit.observe(lambda _: self.redraw(), names="value")

        # wide and low (weights in one strip on top, activations and the cell below): the tabs of
        # sliders and the whole picture fit one 1280x720 screen together
        self.figure = BlitFigure(figsize=(13, 4.6))
        cols = [f"x[{j}]" for j in range(1, D + 1)] + [f"h[{v}]" for v in range(1, H + 1)] + ["b"]
        self.weight_maps = {
            k: Heatmap(self.figure, (0.04 + n * 0.25, 0.775, 0.19, 0.17), (H, D + H + 1), *WEIGHT_RANGE,
                       row_labels=[f"{k}[{u}]" for u in range(1, H + 1)], col_labels=cols,
                       title=f"{k}: {GATE_NAMES[k]}  [W_x{k} | W_h{k} | b_{k}]")
            for n, k in enumerate(GATES)
        }
        rows = [f"{k}[{u}]" for k in QUANTITIES for u in range(1, H + 1)]
        self.activation_map = Heatmap(self.figure, (0.05, 0.1, 0.3, 0.55), (len(rows), T), -1.0, 1.0,
                                      row_labels=rows, col_labels=[f"t={t}" for t in range(1, T + 1)],
                                      title="activations (colour clipped to ±1; c may exceed)", fmt="{:.4f}")
        self.diagram = CellDiagram(self.figure, rect=(0.38, 0.0, 0.62, 0.71))
        # y feeds nothing back into the cell, but moving W_y or b_y should show in the picture
        self.y_text = self.figure.dynamic(self.figure.fig.text(0.2, 0.008, "", fontsize=9, ha="center", va="bottom"))
        self.figure.freeze()
        self.equations = widgets.HTMLMath()
        self.details = widgets.HTML()
        self.prediction = widgets.HTML()

    def compute(self, values):
        self.params = vector_params(values, self.H, self.D)
        self.xs = np.array([values[f"x_{t}"] for t in range(1, self.steps + 1)])  # (T,)
        self.trace = forward(self.params, self.xs)

    def draw(self):
        trace, t, unit = self.trace, self.t, self.unit.value
        for k, heatmap in self.weight_maps.items():
            W_x, W_h, b = self.params.gate(k)
            heatmap.update(np.hstack([W_x, W_h, b[:, None]]))  # (H, D + H + 1)
        activations = np.vstack([getattr(trace, k).T for k in QUANTITIES])  # (6H, T)
        self.activation_map.update(activations)
        self.y_text.set_text(f"prediction y = W_y h_{trace.T} + b_y = {trace.prediction[0]:.4f}")
        terms = step_terms(self.params, trace, t, unit=unit)
        self.diagram.update(terms)
        self.image.value = self.figure.png()
        self.show_after_picture(self.equations, equations_html(terms, unit=unit, hidden_size=self.H))
        self.show_after_picture(self.details, f"<pre style='font-size:90%'>{html.escape(vector_details(trace))}</pre>")
        self.show_after_picture(self.prediction, f"<b>{html.escape(prediction_line(trace.prediction[0]))}</b>")

    def layout(self):
        H, D = self.H, self.D
        pages = []
        for k in GATES:
            wx, wh, bk = weight_names(k, H, D)
            rows = [widgets.HBox([self.controls[n] for n in wx[u] + wh[u] + [bk[u]]]) for u in range(H)]
            pages.append(widgets.VBox(rows))
        io = [self.controls[f"x_{t}"] for t in range(1, self.steps + 1)]
        io += [self.controls[f"W_y[1,{u}]"] for u in range(1, H + 1)] + [self.controls["b_y"]]
        pages.append(widgets.HBox(io))
        tabs = widgets.Tab(children=pages, titles=[f"{k}: {GATE_NAMES[k]}" for k in GATES] + ["inputs & prediction y"])
        return widgets.VBox([
            tabs, self.message, widgets.HBox([self.time_controls(), self.unit, self.reset_button]), self.image,
            self.prediction, self.equations, self.details,
        ])
