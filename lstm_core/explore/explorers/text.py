"""Lesson 09's explorers: the Sonnets model writing at a temperature, and one unit's c, h or gates over the text.

- ``Sampler``: a temperature slider and a prompt box; the text the shipped model writes after the prompt, each
  character on a cell coloured by the probability the model gave it. The random stream is fixed, so the same
  settings always give the same text. The slider samples on the fast path (``l09_text.sample(fast=True)``),
  which gives the plain path's text whenever its last-bit differences stay below the sample's margin.
- ``UnitExplorer``: a unit slider and a choice of quantity (c or h; or the gates f, i, o); the held-out sonnet
  CXXXIX coloured by that quantity of that unit, with the unit's correlations (or gate means) beside it.

Every number comes from ``lstm_core.lessons.l09_text``; ``panels/text.py`` draws.
"""

import html

import ipywidgets as widgets
from lstm_core.gates import QUANTITY_NAMES
from lstm_core.lessons import l09_text as lesson
from .base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, html_table
from ..panels.render import DIVERGING_CMAP, SEQUENTIAL_CMAP, BlitFigure
from ..panels.text import WASH, CharGrid

from matplotlib import colormaps

LINE_PX = 17

SAMPLE_LENGTH = 240
#: the sampler's grid: wide enough for a line of verse, tall enough for 240 characters of it
SAMPLE_ROWS, SAMPLE_COLS = 9, 60
#: how much of a long prompt the picture shows (its end)
PROMPT_SHOWN = 112
#: samples kept per explorer (prompt, τ): moving back to a setting costs nothing
CACHE_SIZE = 512


#: pixels above the grid (the title) and below it (the colour scale)
TOP_PX, BOTTOM_PX = 24, 48


def _figure(rows, cols):
    """A BlitFigure just big enough for a grid of ``rows`` × ``cols`` characters, a title and a colour scale."""
    width = max(cols * 7 + 20, 440)
    return BlitFigure(figsize=(width / 80, (TOP_PX + rows * LINE_PX + BOTTOM_PX) / 80))


def _colorbar(figure, cmap, labels, title):
    """A static colour scale under the grid, washed like the cells: its title left, the gradient right."""
    import numpy as np

    fig = figure.fig
    W, H = fig.bbox.width, fig.bbox.height
    ax = fig.add_axes((0.55, 22 / H, 0.4, 12 / H))
    rgb = colormaps[cmap](np.linspace(0, 1, 256))[None, :, :3]
    ax.imshow(WASH + (1 - WASH) * rgb, aspect="auto", extent=(0, 1, 0, 1))
    ax.set_yticks([])
    ax.set_xticks([0, 0.5, 1], labels, fontsize=9)
    fig.text(0.02, 28 / H, title, fontsize=9, va="center")
    return ax


class Sampler(Explorer):
    """``controls``: τ (the temperature, 0 to 2) and prompt. ``result``: the current ``l09_text.Sample``."""

    def __init__(self, prompt="From fairest creatures ", temperature=1.0, seed=0):
        self.params = lesson.shipped_model()
        self.start = {"prompt": prompt, "temperature": temperature}
        self.seed = seed
        self._cache = {}
        super().__init__()

    def build(self):
        self.controls["τ"] = widgets.FloatSlider(
            value=self.start["temperature"], min=0.0, max=2.0, step=0.05, description="τ", readout_format=".2f",
            continuous_update=True, layout=widgets.Layout(**SLIDER_LAYOUT), style=SLIDER_STYLE)
        self.controls["prompt"] = widgets.Text(value=self.start["prompt"], description="prompt",
                                               continuous_update=False, layout=widgets.Layout(width="360px"),
                                               style=SLIDER_STYLE)
        self.figure = _figure(SAMPLE_ROWS, SAMPLE_COLS)
        fig = self.figure.fig
        self.grid = CharGrid(self.figure, SAMPLE_ROWS, SAMPLE_COLS, left_px=10, top_px=TOP_PX, line_px=LINE_PX)
        _colorbar(self.figure, SEQUENTIAL_CMAP, ["0", "0.5", "1"], "p the model gave each character (grey: prompt)")
        self.title = self.figure.dynamic(fig.text(0.02, 1 - 6 / fig.bbox.height, "", fontsize=10, va="top"))
        self.figure.freeze()
        self.readout = widgets.HTML(layout=widgets.Layout(max_width="520px", margin="0 0 0 12px"))

    def compute(self, values):
        prompt, tau = values["prompt"], float(values["τ"])
        key = (prompt, round(tau, 6))
        if key not in self._cache:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = lesson.sample(self.params, prompt, tau, SAMPLE_LENGTH, seed=self.seed, fast=True)
        self.result = self._cache[key]
        self.prompt, self.temperature = prompt, tau

    def draw(self):
        r = self.result
        prompt = self.prompt[-PROMPT_SHOWN:]  # a long prompt: its end, where the sample continues
        self.grid.show(prompt + r.text, [float("nan")] * len(prompt) + list(r.p), SEQUENTIAL_CMAP, 0.0, 1.0)
        mean_p = sum(r.p) / len(r.p)
        self.title.set_text(f"τ = {self.temperature:.2f}: the model writes (mean p of its characters {mean_p:.2f})")
        self.image.value = self.figure.png()
        self.show_after_picture(self.readout, (
            f"<b>τ = {self.temperature:.2f}</b>: {len(r.text)} characters after your prompt, random stream seed "
            f"{self.seed}.<pre style='font-size:12px;line-height:1.25'>{html.escape(self.prompt)}<b>"
            f"{html.escape(r.text)}</b></pre>"))

    def update(self):
        try:
            self.compute(self.values())
        except (ValueError, TypeError) as exc:  # a character the model cannot read, an empty prompt
            self.message.value = f"<span style='color:#D55E00'>Cannot sample from this prompt: {html.escape(str(exc))}</span>"
            return
        self.message.value = ""
        self.redraw()

    def plain_text(self):
        return f"Sampler explorer (τ = {self.controls['τ'].value:.2f}, prompt = {self.controls['prompt'].value!r})"

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["τ"], c["prompt"], self.reset_button]), self.message,
                             widgets.HBox([self.image, self.readout])])


class UnitExplorer(Explorer):
    """``controls``: unit (1 to H) and show (one of ``quantities``). ``analysis``: ``l09_text.shipped_analysis()``."""

    def __init__(self, quantities=("c", "h"), unit=1, quantity=None):
        self.analysis = lesson.shipped_analysis()
        self.quantities = tuple(quantities)
        self.start = {"unit": unit, "show": quantity or self.quantities[0]}
        super().__init__()

    def build(self):
        a = self.analysis
        self.controls["unit"] = widgets.IntSlider(
            value=self.start["unit"], min=1, max=a.hidden_size, description="unit", continuous_update=True,
            layout=widgets.Layout(**SLIDER_LAYOUT), style=SLIDER_STYLE)
        self.controls["show"] = widgets.ToggleButtons(
            options=[(q, q) for q in self.quantities], value=self.start["show"], description="show",
            style={"description_width": "56px", "button_width": "48px"},
            tooltips=[QUANTITY_NAMES[q] for q in self.quantities])
        lines = a.excerpt.split("\n")
        rows, cols = len(lines), max(len(line) for line in lines) + 1
        self.figure = _figure(rows, cols)
        fig = self.figure.fig
        self.grid = CharGrid(self.figure, rows, cols, left_px=10, top_px=TOP_PX, line_px=LINE_PX)
        self.title = self.figure.dynamic(fig.text(0.02, 1 - 6 / fig.bbox.height, "", fontsize=10, va="top"))
        gates = set(self.quantities) <= {"i", "f", "o"}
        cmap = SEQUENTIAL_CMAP if gates else DIVERGING_CMAP
        labels = ["0", "0.5", "1"] if gates else ["−top", "0", "+top"]
        _colorbar(self.figure, cmap, labels, "gate value" if gates else "value, on this unit's range")
        self.cmap = cmap
        self.figure.freeze()
        self.readout = widgets.HTML(layout=widgets.Layout(max_width="420px", margin="0 0 0 12px"))

    def compute(self, values):
        self.unit = int(values["unit"]) - 1  # the slider counts units from 1
        self.quantity = values["show"]
        self.values_shown = self.analysis.excerpt_values(self.quantity, self.unit)
        self.range = self.analysis.value_range(self.quantity, self.unit)

    def draw(self):
        a, j, q = self.analysis, self.unit, self.quantity
        lo, hi = self.range
        self.grid.show(a.excerpt, self.values_shown, self.cmap, lo, hi)
        self.title.set_text(f"unit {j + 1}: {q} ({QUANTITY_NAMES[q]}), colour from {lo:.2f} to {hi:.2f}")
        self.image.value = self.figure.png()
        self.show_after_picture(self.readout, self._numbers())

    def _numbers(self):
        a, j, q = self.analysis, self.unit, self.quantity
        if q in ("c", "h"):
            rows = [(f"{lesson.FEATURES[name]}", f"{a.r['c'][name][j]:+.2f}", f"{a.r['h'][name][j]:+.2f}")
                    for name in lesson.FEATURES]
            return (f"<b>unit {j + 1}</b>: correlation r with each feature over the held-out text "
                    f"({len(a.held):,} characters)" + html_table(["feature", "r (c)", "r (h)"], rows))
        means = lesson.gate_means(a.trace, a.held, j)
        kinds = list(next(iter(means.values())))
        rows = [(g, *(f"{means[g][k]:.2f}" for k in kinds)) for g in ("f", "i", "o")]
        return (f"<b>unit {j + 1}</b>: mean gate value after reading each kind of character (held-out text)"
                + html_table(["gate", *kinds], rows))

    def plain_text(self):
        return f"UnitExplorer explorer (unit = {self.controls['unit'].value}, show = {self.controls['show'].value})"

    def layout(self):
        c = self.controls
        return widgets.VBox([widgets.HBox([c["unit"], c["show"], self.reset_button]), self.message,
                             widgets.HBox([self.image, self.readout])])
