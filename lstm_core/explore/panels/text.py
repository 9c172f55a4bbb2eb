"""Lesson 09's pictures: text on a grid of coloured cells, one cell per character (LSTMVis, Karpathy).

A ``CharGrid`` lays a block of text out in a monospaced font, one character per cell, and colours
each cell by a number (a unit's c or h, a gate, the probability the model gave the character).
The cells are one image, the characters one Text per row drawn from cached glyphs (glyphs.py), so
an update sets new colours and new rows and redraws nothing else.
"""

import numpy as np
from matplotlib.colors import Normalize
from matplotlib import colormaps

from .glyphs import font_for

#: what a newline looks like on the grid (its cell is coloured like any character's)
NEWLINE_MARK = "↵"
FONT_SIZE = 11
#: how much white is mixed into a cell's colour, so that black characters stay readable on every cell
WASH = 0.5


def layout(s, cols):
    """``[(row, col, t)]`` for every character t of ``s``, and the rows' strings: wrapped at ``cols``, a newline
    shown as NEWLINE_MARK at the end of its row."""
    cells, rows, row, col = [], [[]], 0, 0
    for t, ch in enumerate(s):
        if col >= cols:
            row, col = row + 1, 0
            rows.append([])
        cells.append((row, col, t))
        rows[row].append(NEWLINE_MARK if ch == "\n" else ch)
        col += 1
        if ch == "\n":
            row, col = row + 1, 0
            rows.append([])
    return cells, ["".join(r) for r in rows]


class CharGrid:
    """Up to ``rows`` × ``cols`` characters at ``(left, bottom)`` (figure pixels) on a BlitFigure."""

    def __init__(self, figure, rows, cols, left_px, top_px, line_px=17):
        fig = figure.fig
        W, H = fig.bbox.width, fig.bbox.height
        probe = fig.text(0, 0, "M", family="monospace", fontsize=FONT_SIZE)
        self.char_px = font_for(probe, fig.dpi).glyph("M")[3]  # the monospaced advance, in pixels
        probe.remove()
        self.rows, self.cols = rows, cols
        width, height = cols * self.char_px, rows * line_px
        self.ax = fig.add_axes((left_px / W, 1 - (top_px + height) / H, width / W, height / H))
        self.ax.set_axis_off()
        self.ax.set_xlim(0, cols)
        self.ax.set_ylim(rows, 0)
        self.colours = np.ones((rows, cols, 3))  # (rows, cols, RGB)
        self.cells = figure.dynamic(self.ax.imshow(self.colours, extent=(0, cols, rows, 0), interpolation="nearest",
                                                   aspect="auto"))
        self.texts = [figure.dynamic(self.ax.text(0, r + 0.55, "", family="monospace", fontsize=FONT_SIZE,
                                                  va="center", ha="left")) for r in range(rows)]

    def show(self, s, values, cmap, vmin, vmax):
        """Lay out ``s`` and colour character t by ``values[t]`` on ``cmap`` over [vmin, vmax]; NaN is grey."""
        cells, lines = layout(s, self.cols)
        colours = np.ones((self.rows, self.cols, 3))
        if cells:
            rr, cc, tt = (np.array(a) for a in zip(*cells))
            inside = rr < self.rows
            rr, cc, tt = rr[inside], cc[inside], tt[inside]
            v = np.asarray(values, dtype=float)[tt]
            rgb = colormaps[cmap](Normalize(vmin, vmax, clip=True)(np.nan_to_num(v)))[:, :3]
            rgb[np.isnan(v)] = 0.85
            colours[rr, cc] = WASH + (1 - WASH) * rgb
        self.cells.set_data(colours)
        for r, text in enumerate(self.texts):
            text.set_text(lines[r] if r < len(lines) else "")
        return len(lines) <= self.rows
