"""Reusable panels for a BlitFigure: quantities over time, and annotated heatmaps.

Axis limits are fixed from what the math allows (gates in [0, 1], g and h in [-1, 1],
|c_t| <= |c_0| + t), so the background never needs redrawing and nothing rescales under
the learner's hand.
"""

import numpy as np
from matplotlib.colors import Normalize

from lstm_core.gates import QUANTITY_NAMES
from .format import compact
from .render import QUANTITY_COLORS, text_color, value_cmap


def label(k):
    """``"f  forget gate"``: the symbol and its name, from the same table as the math."""
    return f"{k}  {QUANTITY_NAMES[k]}"


class TimeLines:
    """Lines of some quantities over steps 1..T on one axes, with a marker for the selected step."""

    def __init__(self, bf, rect, keys, T, ylim, title=None, xlabel=True):
        self.ax = bf.fig.add_axes(rect)
        self.keys = keys
        steps = np.arange(1, T + 1)
        self.lines = {}
        for k in keys:
            (line,) = self.ax.plot(steps, np.zeros(T), marker="o", ms=4, lw=1.8, color=QUANTITY_COLORS[k], label=label(k))
            self.lines[k] = bf.dynamic(line)
        self.cursor = bf.dynamic(self.ax.axvline(1, color="#999999", lw=6, alpha=0.35, zorder=0))
        self.ax.set_xlim(0.7, T + 0.3)
        self.ax.set_ylim(*ylim)
        self.ax.set_xticks(steps if T <= 12 else np.linspace(1, T, 6).round().astype(int))
        self.ax.axhline(0, color="#cccccc", lw=0.8, zorder=0)
        if xlabel:
            self.ax.set_xlabel("step t", labelpad=1)
        if title:
            self.ax.set_title(title, fontsize=10)
        # the legend is static (its entries never change) and sits outside, so no line hides under it
        self.ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        self.ylim = ylim

    def update(self, series, t):
        """``series[k]`` is a length-T array; ``t`` the selected step (0-based). Values beyond the
        fixed limits are clipped to the edge, so the line shows they went off the chart."""
        lo, hi = self.ylim
        for k, line in self.lines.items():
            line.set_ydata(np.clip(series[k], lo, hi))
        self.cursor.set_xdata([t + 1, t + 1])


class Heatmap:
    """An annotated heatmap with a fixed colour scale; values set with ``update``.

    The palette follows the range (render.value_cmap): diverging, white at 0, when it spans 0, so
    the sign shows at a glance; sequential otherwise. ``cmap`` overrides it."""

    def __init__(self, bf, rect, shape, vmin, vmax, row_labels=(), col_labels=(), title=None, fmt="{:.2f}",
                 fontsize=8, cmap=None):
        self.ax = bf.fig.add_axes(rect)
        self.norm = Normalize(vmin, vmax)
        rows, cols = shape
        # a QuadMesh, not imshow: redrawing it needs no image resampling
        self.image = bf.dynamic(self.ax.pcolormesh(np.arange(cols + 1) - 0.5, np.arange(rows + 1) - 0.5,
                                                   np.zeros(shape), cmap=cmap or value_cmap(vmin, vmax),
                                                   norm=self.norm))
        self.ax.set_xlim(-0.5, cols - 0.5)
        self.ax.set_ylim(rows - 0.5, -0.5)  # first row on top, as in a table
        self.cmap = self.image.get_cmap()
        self.fmt = fmt
        self.texts = np.empty(shape, dtype=object)
        for r in range(rows):
            for c in range(cols):
                self.texts[r, c] = bf.dynamic(
                    self.ax.text(c, r, "", ha="center", va="center", fontsize=fontsize)
                )
        self.ax.set_yticks(range(rows), row_labels if len(row_labels) else [""] * rows, fontsize=8)
        self.ax.set_xticks(range(cols), col_labels if len(col_labels) else [""] * cols, fontsize=8)
        self.ax.tick_params(length=0)
        if title:
            self.ax.set_title(title, fontsize=9)

    def update(self, values):
        values = np.asarray(values, dtype=np.float64)  # (rows, cols)
        self.image.set_array(values.ravel())
        colours = self.cmap(self.norm(values))  # (rows, cols, 4); clipped by the norm
        for (r, c), text in np.ndenumerate(self.texts):
            text.set_text(compact(values[r, c], self.fmt))
            text.set_color(text_color(colours[r, c]))
