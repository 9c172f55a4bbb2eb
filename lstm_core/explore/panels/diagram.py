"""The LSTM cell of one time step, drawn Olah-style and coloured by that step's values.

Left to right: the conveyor belt across the top (c_{t-1} -> × forget -> + write -> c_t), a
branch from c_t through tanh down to the output ×, and along the bottom h_{t-1} and x_t
feeding the four gate boxes, whose labels come from ``lstm_core.gates``. Every wire, node and
gate box that carries a number is filled with its value's colour on a fixed range, and the
number is printed beside it. Two palettes (render.py): σ gates, in (0, 1), on a sequential one
(cividis, dark to light); signed values on a diverging one, white at 0, so the sign shows at a
glance: g, tanh(c_t), h on -1..1, c and x on their own -3..3. The key shows one bar per palette.

Built once, updated in place: ``update(terms)`` only sets colours, texts and line data of
artists registered with ``BlitFigure.dynamic``; nothing is created or removed per update.
Drawing text is the expensive part of an update (each glyph is rendered again), so every
label that does not change (gate labels and names, "c_t =", the node symbols) lives in the
static background and only the numbers themselves are redrawn.

Notation (one hidden unit u at step t; ``terms = lstm_core.lessons.l02_step.step_terms(params, trace, t, u)``)
----------------------------------------------------------------------------------------
x_t (D,), h_{t-1} (H,)         the inputs of every gate (1..MAX_STRANDS coloured strands)
c_{t-1}, c_t, h_t              the unit's cell and hidden state
i_t, f_t, g_t, o_t             the unit's gates
c_t = f_t c_{t-1} + i_t g_t    the belt's two terms are printed too
h_t = o_t tanh(c_t)
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch, Rectangle

from lstm_core.gates import GATE_NAMES, GATES, SIGMOID_GATES
from lstm_core.lessons.l02_step import belt_terms
from .format import MAX_SHOWN, cell_value as fmt, vector_text as fmt_vector  # noqa: F401 (MAX_SHOWN: for callers)
from .render import DIVERGING_CMAP, SEQUENTIAL_CMAP, text_color

# ---------------------------------------------------------------- colour scales
# Fixed norms: a colour means the same number at every step and every slider setting.
GATE_RANGE = (0.0, 1.0)  # σ gates
TANH_RANGE = (-1.0, 1.0)  # g, tanh(c_t), h, i·g
STATE_RANGE = (-3.0, 3.0)  # c (and x): clipped beyond ±3; the printed number stays true

CMAP = colormaps[SEQUENTIAL_CMAP].with_extremes(bad="#999999")  # the σ gates; nan shows grey
DIVERGING = colormaps[DIVERGING_CMAP].with_extremes(bad="#999999")  # signed values, white at 0
INK = "#222222"  # outlines, casings, static labels
BUS_GREY = "#9a9a9a"  # the [h_{t-1}, x_t] bus into the gates: a vector, not one value
MAX_STRANDS = 4  # a vector input is drawn as up to this many parallel coloured strands

FS_VALUE = 10.5  # the numbers
FS_LABEL = 10.5  # gate label "σ  f_t"
FS_NAME = 8  # gate name "forget gate"
FS_KEY = 8.5  # the colour key
LW_WIRE = 4.5
LW_BELT = 6.5  # the conveyor belt, a little wider than the other wires
LINE = 0.5  # data units from one text line to the next
LW_CASING = 2.4  # added to the wire width: a dark rim so pale colours show on white

# ---------------------------------------------------------------- geometry (data units)
# The world is WIDTH x HEIGHT with equal aspect; the axes limits are widened to the axes' shape.
WIDTH, HEIGHT = 15.0, 7.6
Y_BELT = 6.75  # the conveyor belt
Y_MID = 5.15  # the i·g node and the tanh node
Y_BOX = 3.15  # gate boxes (centre)
Y_BUS = 1.25  # h_{t-1} and the [h_{t-1}, x_t] bus
BOX_W, BOX_H, HEADER_H = 1.75, 1.8, 0.98  # a gate box: static header (label, name) over a coloured body
NODE_R = 0.42
X_LEFT, X_RIGHT = 0.08, WIDTH - 0.45  # wires start / the arrow tips end here
X_MERGE = 1.7  # where x_t joins h_{t-1}
X_OUT = 11.4  # the tanh node and the output ×
X_H_UP = 13.5  # the upward h_t arrow (the cell's output)
# Boxes left to right in the order the data flows: forget, input, candidate, output.
BOX_ORDER = ("f", "i", "g", "o")
BOX_X = dict(zip(BOX_ORDER, (3.55, 5.45, 7.35, 9.25)))
X_FORGET, X_WRITE = BOX_X["f"], BOX_X["g"]  # the belt's × and + sit above f and g
BOX_TOP = Y_BOX + BOX_H / 2
BODY_TOP = BOX_TOP - HEADER_H
Y_OUT = (Y_BOX - BOX_H / 2 + BODY_TOP) / 2  # the middle of a box's coloured body: o, the output ×, h_t


def _range_norm(lo_hi):
    return Normalize(*lo_hi, clip=True)


NORMS = {"gate": _range_norm(GATE_RANGE), "tanh": _range_norm(TANH_RANGE), "state": _range_norm(STATE_RANGE)}


def gate_norm(k):
    return NORMS["gate"] if k in SIGMOID_GATES else NORMS["tanh"]


def norm_cmap(norm):
    """The palette of a fixed range: diverging when it spans 0 (signed), sequential otherwise."""
    return DIVERGING if norm.vmin < 0 < norm.vmax else CMAP


def value_color(value, norm):
    """The RGBA colour of ``value`` under a fixed norm (clipped beyond it; nan -> grey)."""
    value = float(value)
    cmap = norm_cmap(norm)
    if np.isnan(value):
        return cmap(np.nan)
    lo, hi = norm.vmin, norm.vmax
    return cmap((min(max(value, lo), hi) - lo) / (hi - lo))


def activation_symbol(k):
    """σ for the gates in SIGMOID_GATES, tanh for the candidate."""
    return "σ" if k in SIGMOID_GATES else "tanh"


def gate_label(k):
    """A gate box's first line, from the constants: activation, then symbol, e.g. ``σ  $f_t$``."""
    return f"{activation_symbol(k)}  ${k}_t$"


class CellDiagram:
    """One LSTM step as a coloured cell diagram in a new axes of ``blit_figure.fig``.

    Attributes (for tests and callers): ``ax``; ``boxes[k]`` the coloured body of gate k's box;
    ``labels[k]`` and ``names[k]`` the static texts generated from GATES, SIGMOID_GATES and
    GATE_NAMES; ``values[key]`` the number texts, keys ``x, h_prev, c_prev, i, f, g, o, fc, ig,
    c, tanh_c, h, t`` (``fc`` = f_t c_{t-1}, ``ig`` = i_t g_t, ``t`` the step shown as t + 1);
    ``prefixes[key]`` their static "c_t =" parts; ``nodes[key]`` the filled nodes ``forget,
    write, ig, tanh, out``; ``wires[key]`` the coloured lines.
    """

    def __init__(self, blit_figure, rect=(0.0, 0.0, 1.0, 1.0)):
        """Add an axes at ``rect`` (figure fraction) to ``blit_figure.fig`` and draw the static cell."""
        self.blit = blit_figure
        fig = blit_figure.fig
        self.ax = ax = fig.add_axes(rect)
        ax.set_axis_off()
        # equal aspect by construction: widen one axis to the axes' shape, keep the cell centred
        width_in, height_in = rect[2] * fig.get_figwidth(), rect[3] * fig.get_figheight()
        scale = min(width_in / WIDTH, height_in / HEIGHT)  # inches per data unit
        pad_x, pad_y = (width_in / scale - WIDTH) / 2, (height_in / scale - HEIGHT) / 2
        ax.set_xlim(-pad_x, WIDTH + pad_x)
        ax.set_ylim(-pad_y, HEIGHT + pad_y)
        self.wires, self.nodes, self.boxes = {}, {}, {}
        self.labels, self.names, self.values, self.prefixes = {}, {}, {}, {}
        self._strands = {}
        self._on_fill = []  # (artist, patch): drawn in black or white by the patch's fill

        # Registration order is drawing order for the dynamic artists: wires first, then the
        # boxes and nodes that cover the wire ends, then their symbols and the numbers on top.
        self._build_key()
        self._build_wires()
        self._build_boxes()
        self._build_nodes()
        self._build_numbers()

    # ------------------------------------------------------------------ building
    def _line(self, xs, ys, dynamic=False, **kw):
        kw.setdefault("solid_capstyle", "butt")
        line = self.ax.add_line(Line2D(xs, ys, clip_on=False, **kw))
        return self.blit.dynamic(line) if dynamic else line

    def _wire(self, key, xs, ys, arrow=None, width=LW_WIRE):
        """A coloured wire over a static dark casing; ``arrow`` a marker at its end (">" or "^")."""
        self._line(xs, ys, color=INK, linewidth=width + LW_CASING)
        line = self._line(xs, ys, dynamic=True, color="white", linewidth=width)
        if arrow:
            line.set(marker=arrow, markevery=[len(xs) - 1], markersize=12, markeredgecolor=INK,
                     markeredgewidth=1.2)
        self.wires[key] = line

    def _strand_bundle(self, key, xs, ys, vertical):
        """Up to MAX_STRANDS parallel lines for a vector input; update() spreads and colours them."""
        self._line(xs, ys, color=INK, linewidth=LW_WIRE + LW_CASING + 1.5)
        lines = [self._line(xs, ys, dynamic=True, color="white", linewidth=LW_WIRE) for _ in range(MAX_STRANDS)]
        self._strands[key] = (np.array(xs, float), np.array(ys, float), vertical, lines)

    def _build_key(self):
        """A static colour key in the free space left of the gates: one bar per palette, one range per
        line under it (σ gates 0..1 on the sequential bar; g, tanh, h -1..1 and c, x -3..3 on the
        diverging one)."""
        x0, x1, h = 0.2, 2.55, 0.3
        n = 48  # slices of a bar
        step = (x1 - x0) / n
        kw = dict(fontsize=FS_KEY, color=INK, va="top")
        self.ax.text((x0 + x1) / 2, 6.2, "colour = value", ha="center", **kw)
        bars = [(5.45, CMAP, [(GATE_RANGE, "σ gates")]),
                (4.35, DIVERGING, [(TANH_RANGE, "g, tanh, h"), (STATE_RANGE, "c, x")])]
        for y, cmap, scales in bars:
            for j in range(n):
                self.ax.add_patch(Rectangle((x0 + step * j, y), step * 1.02, h, facecolor=cmap(j / (n - 1)),
                                            edgecolor="none", zorder=1))
            self.ax.add_patch(Rectangle((x0, y), x1 - x0, h, facecolor="none", edgecolor=INK, linewidth=0.8,
                                        zorder=1))
            for row, ((lo, hi), what) in enumerate(scales):
                yy = y - 0.08 - 0.38 * row
                self.ax.text(x0, yy, f"{lo:g}".replace("-", "−"), ha="left", **kw)
                self.ax.text(x1, yy, f"{hi:g}", ha="right", **kw)
                self.ax.text((x0 + x1) / 2, yy, what, ha="center", **kw)

    def _build_wires(self):
        # the bus [h_{t-1}, x_t] and the legs up into the boxes: grey and static (a vector)
        x_last = BOX_X[BOX_ORDER[-1]]
        self._line([X_MERGE, x_last], [Y_BUS, Y_BUS], color=BUS_GREY, linewidth=LW_WIRE, solid_capstyle="round")
        for k in BOX_ORDER:
            self._line([BOX_X[k], BOX_X[k]], [Y_BUS, Y_BOX - BOX_H / 2], color=BUS_GREY, linewidth=3)
        self._strand_bundle("h_prev", [X_LEFT, X_MERGE], [Y_BUS, Y_BUS], vertical=False)
        self._strand_bundle("x", [X_MERGE, X_MERGE], [0.05, Y_BUS], vertical=True)

        # the conveyor belt, and the branch down through tanh
        self._wire("c_prev", [X_LEFT, X_FORGET], [Y_BELT, Y_BELT], width=LW_BELT)
        self._wire("fc", [X_FORGET, X_WRITE], [Y_BELT, Y_BELT], width=LW_BELT)
        self._wire("c", [X_WRITE, X_RIGHT], [Y_BELT, Y_BELT], arrow=">", width=LW_BELT)
        self._wire("c_down", [X_OUT, X_OUT], [Y_BELT, Y_MID])
        self._wire("tanh_c", [X_OUT, X_OUT], [Y_MID, Y_OUT])
        # each gate from the top of its box (or the side, for o) to its node
        self._wire("f", [X_FORGET, X_FORGET], [BOX_TOP, Y_BELT])
        self._wire("i", [BOX_X["i"], BOX_X["i"], X_WRITE], [BOX_TOP, Y_MID, Y_MID])
        self._wire("g", [X_WRITE, X_WRITE], [BOX_TOP, Y_MID])
        self._wire("ig", [X_WRITE, X_WRITE], [Y_MID, Y_BELT])
        self._wire("o", [BOX_X["o"] + BOX_W / 2, X_OUT], [Y_OUT, Y_OUT])
        # h_t: right, on to the next step, and up, as the cell's output
        self._wire("h", [X_OUT, X_RIGHT], [Y_OUT, Y_OUT], arrow=">")
        self._wire("h_up", [X_H_UP, X_H_UP], [Y_OUT, Y_MID + 0.15], arrow="^")

    def _build_boxes(self):
        for k in BOX_ORDER:
            x0, y0 = BOX_X[k] - BOX_W / 2, Y_BOX - BOX_H / 2
            # static: the rounded outline with its white header, and the label and name in it
            self.ax.add_patch(FancyBboxPatch((x0, y0), BOX_W, BOX_H, boxstyle="round,pad=0,rounding_size=0.16",
                                             facecolor="white", edgecolor=INK, linewidth=1.5, zorder=3))
            self.labels[k] = self.ax.text(BOX_X[k], BOX_TOP - 0.3, gate_label(k), ha="center", va="center",
                                          fontsize=FS_LABEL, fontweight="bold", color=INK, zorder=4)
            self.names[k] = self.ax.text(BOX_X[k], BOX_TOP - 0.72, GATE_NAMES[k], ha="center", va="center",
                                         fontsize=FS_NAME, color=INK, zorder=4)
            # dynamic: the body below the header, filled with the gate's value
            body = Rectangle((x0 + 0.09, y0 + 0.09), BOX_W - 0.18, BODY_TOP - y0 - 0.09, facecolor="white",
                             edgecolor=INK, linewidth=1.0, zorder=4)
            self.boxes[k] = self.blit.dynamic(self.ax.add_patch(body))

    def _build_nodes(self):
        r = NODE_R * 0.45  # half the arm of the × and + strokes
        d = r / np.sqrt(2) * 1.25
        strokes = {"×": ([-d, d, np.nan, -d, d], [-d, d, np.nan, d, -d]),
                   "+": ([-r, r, np.nan, 0, 0], [0, 0, np.nan, -r, r])}
        specs = {"forget": (X_FORGET, Y_BELT, "×"), "write": (X_WRITE, Y_BELT, "+"), "ig": (X_WRITE, Y_MID, "×"),
                 "tanh": (X_OUT, Y_MID, "tanh"), "out": (X_OUT, Y_OUT, "×")}
        symbols = []
        for key, (x, y, symbol) in specs.items():
            if symbol == "tanh":
                patch = FancyBboxPatch((x - 0.72, y - 0.34), 1.44, 0.68, boxstyle="round,pad=0,rounding_size=0.32",
                                       facecolor="white", edgecolor=INK, linewidth=1.5, zorder=5)
                mark = self.ax.text(x, y, "tanh", ha="center", va="center", fontsize=FS_NAME + 1,
                                    fontweight="bold", zorder=6)
            else:
                patch = Circle((x, y), NODE_R, facecolor="white", edgecolor=INK, linewidth=1.5, zorder=5)
                # the × and + as strokes, not text: a line is far cheaper to redraw than glyphs
                sx, sy = strokes[symbol]
                mark = Line2D(np.add(sx, x), np.add(sy, y), linewidth=2.4, solid_capstyle="round", zorder=6)
                self.ax.add_line(mark)
            self.nodes[key] = self.blit.dynamic(self.ax.add_patch(patch))
            symbols.append((mark, patch))
        for mark, patch in symbols:
            self.blit.dynamic(mark)
            self._on_fill.append((mark, patch))

    def _text(self, x, y, s="", ha="left", va="baseline", dynamic=False, **kw):
        kw = {"fontsize": FS_VALUE, "color": INK, "zorder": 7, **kw}
        text = self.ax.text(x, y, s, ha=ha, va=va, **kw)
        return self.blit.dynamic(text) if dynamic else text

    def _number(self, key, prefix, x, y, below=False):
        """A static prefix (``"$c_t$ = "``) and the dynamic number after it, on one baseline,
        or on the next line when ``below``. Numbers are plain one-line texts at fixed places,
        so BlitFigure composes them from cached glyphs."""
        self.prefixes[key] = self._text(x, y, prefix)
        if below:
            self.values[key] = self._text(x, y - LINE, dynamic=True)
            return
        renderer = self.blit.canvas.get_renderer()
        right = self.prefixes[key].get_window_extent(renderer).x1  # display pixels
        x_number = self.ax.transData.inverted().transform((right, 0.0))[0]
        self.values[key] = self._text(x_number, y, dynamic=True)

    def _build_numbers(self):
        for k in BOX_ORDER:  # in the coloured body of each box
            number = self._text(BOX_X[k], Y_OUT, ha="center", va="center", dynamic=True, fontweight="bold")
            self.values[k] = number
            self._on_fill.append((number, self.boxes[k]))
        gap = 0.3  # from a wire to the baseline of the text above it
        self._number("c_prev", "$c_{t-1}$ = ", X_LEFT, Y_BELT + gap + 0.16)  # clear of the × node
        self._number("fc", "$f_t\\, c_{t-1}$ = ", X_FORGET + 0.3, Y_BELT - gap - 0.45)
        self._number("c", "$c_t$ = ", X_OUT + 0.55, Y_BELT + gap + 0.16)
        self._number("ig", "$i_t\\, g_t$ = ", X_WRITE + 0.3, (Y_MID + Y_BELT) / 2 - 0.1)
        self._number("h", "$h_t$ = ", X_H_UP - 0.85, Y_MID + 0.6)
        self._number("x", "$x_t$ = ", X_MERGE + 0.3, 0.3)
        self._number("t", "step t = ", X_RIGHT - 1.9, 0.3)
        # two lines: "tanh(c_t) =" right-aligned left of its node, the number under it
        self.prefixes["tanh_c"] = self._text(X_OUT - 0.9, Y_MID + 0.12, "tanh($c_t$) =", ha="right")
        self.values["tanh_c"] = self._text(X_OUT - 0.9, Y_MID + 0.12 - LINE, ha="right", dynamic=True)
        # two lines as well, so a vector h_{t-1} (H > 1) has room and stays clear of the f box
        self._number("h_prev", "$h_{t-1}$ =", X_LEFT, Y_BUS + gap + LINE, below=True)

    # ------------------------------------------------------------------ updating
    def _set_strands(self, key, values, norm):
        xs, ys, vertical, lines = self._strands[key]
        values = np.ravel(values)
        n = min(values.size, MAX_STRANDS)
        spread = 0.0 if n == 1 else 0.2  # data units between strand centres
        width = LW_WIRE if n == 1 else 6.0 / n
        for s, line in enumerate(lines):
            line.set_visible(s < n)
            if s >= n:
                continue
            offset = (s - (n - 1) / 2) * spread  # entry 1 on top (horizontal) or on the left (vertical)
            line.set_data((xs + offset, ys) if vertical else (xs, ys - offset))
            line.set_linewidth(width)
            line.set_color(value_color(values[s], norm))

    def update(self, terms):
        """Colour and number the cell for ``terms = l02_step.step_terms(params, trace, t, unit)``."""
        gate = {k: terms[k]["value"] for k in GATES}
        c_prev, c = terms["c"]["c_prev"], terms["c"]["value"]
        tanh_c, h = terms["h"]["tanh_c"], terms["h"]["value"]
        belt = belt_terms(terms)
        fc, ig = belt["fc"], belt["ig"]
        state, squash = NORMS["state"], NORMS["tanh"]

        for k in GATES:
            fill = value_color(gate[k], gate_norm(k))
            self.boxes[k].set_facecolor(fill)
            self.wires[k].set_color(fill)
            self.values[k].set_text(fmt(gate[k]))
        wires = {"c_prev": (c_prev, state), "fc": (fc, state), "c": (c, state), "c_down": (c, state),
                 "ig": (ig, squash), "tanh_c": (tanh_c, squash), "h": (h, squash), "h_up": (h, squash)}
        for key, (value, norm) in wires.items():
            self.wires[key].set_color(value_color(value, norm))
        nodes = {"forget": (fc, state), "write": (c, state), "ig": (ig, squash), "tanh": (tanh_c, squash),
                 "out": (h, squash)}
        for key, (value, norm) in nodes.items():
            self.nodes[key].set_facecolor(value_color(value, norm))
        self._set_strands("h_prev", terms["h_prev"], squash)
        self._set_strands("x", terms["x"], state)
        for artist, patch in self._on_fill:
            artist.set_color(text_color(patch.get_facecolor()))

        numbers = {"h_prev": fmt_vector(terms["h_prev"]), "x": fmt_vector(terms["x"]), "c_prev": fmt(c_prev),
                   "fc": fmt(fc), "ig": fmt(ig), "c": fmt(c), "tanh_c": fmt(tanh_c), "h": fmt(h),
                   "t": str(terms["t"] + 1)}
        for key, text in numbers.items():
            self.values[key].set_text(text)
