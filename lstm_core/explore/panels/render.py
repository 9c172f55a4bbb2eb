"""A figure built once, its artists updated in place, and PNG bytes for an ``ipywidgets.Image``.

Why not ``plt.show()`` or ``interactive_output``: with matplotlib 3.11 and ipywidgets 8.1.9 the
inline backend stops sending new figures, and a fresh figure per update costs 400-600 ms.
Here the axes, ticks and labels (the static part, where text makes drawing expensive) are
drawn once into a background; an update restores that background, redraws only the
artists marked dynamic, and encodes the pixels straight to PNG.
"""

import struct
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text

from .glyphs import anchor, blit_text, can_blit

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#999999",
}

# One colour per quantity, used by every plot so that f is the same colour everywhere.
QUANTITY_COLORS = {
    "i": OKABE_ITO["blue"],
    "f": OKABE_ITO["vermillion"],
    "g": OKABE_ITO["green"],
    "o": OKABE_ITO["purple"],
    "c": OKABE_ITO["orange"],
    "h": OKABE_ITO["black"],
    "x": OKABE_ITO["grey"],
    "y": OKABE_ITO["sky"],
}

# Value colours (heatmaps, the cell diagram): the sign at a glance, colour-blind safe.
# - SEQUENTIAL_CMAP for quantities in (0, 1), the σ gates: dark blue (0) to yellow (1), lightness
#   rising all the way, the same for every common colour-vision deficiency.
# - DIVERGING_CMAP for signed quantities (g, tanh(c), h, c, x, weights) on a range symmetric about
#   0: purple for negative, near-white at 0, orange for positive. PuOr rather than RdBu or
#   coolwarm: it keeps the largest ΔE between the pairs a learner must tell apart (0.1 vs 0.5 on
#   ±3, -0.5 vs +0.5), with normal vision and under a simulated deuteranopia, where orange and
#   purple become yellow and blue, the axis that vision keeps (benchmarks/colour_check.py).
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "PuOr_r"
VALUE_CMAP = SEQUENTIAL_CMAP  # the older name, kept for callers


def value_cmap(vmin, vmax):
    """The colormap name for a fixed range: diverging when it spans 0, sequential otherwise."""
    return DIVERGING_CMAP if vmin < 0 < vmax else SEQUENTIAL_CMAP


def text_color(fill):
    """Black or white, whichever contrasts more with ``fill`` (WCAG relative luminance)."""
    r, g, b, _ = to_rgba(fill)
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "black" if luminance > 0.179 else "white"


DEFAULT_DPI = 80  # modest: fewer pixels to fill and to compress per update
PNG_COMPRESS_LEVEL = 1  # zlib level 1: most of the size win for a fraction of the time


class BlitFigure:
    """A matplotlib Figure on an Agg canvas whose static background is drawn once.

    Build the axes and artists, mark the changing ones with :meth:`dynamic`, call
    :meth:`freeze` once, then after each change of the dynamic artists call :meth:`png`.
    """

    def __init__(self, figsize=(8, 3), dpi=DEFAULT_DPI, **subplot_kw):
        self.fig = Figure(figsize=figsize, dpi=dpi, **subplot_kw)
        self.canvas = FigureCanvasAgg(self.fig)
        self._dynamic = []
        self._background = None
        self._anchors = {}  # id(text) -> (font, x, y): text positions, fixed between freezes

    def dynamic(self, *artists):
        """Mark artists that change on updates; they are left out of the static background."""
        for artist in artists:
            artist.set_animated(True)
            self._dynamic.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def freeze(self):
        """Draw the static part once and keep its pixels. Call again if axes limits change."""
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        self._anchors = {}

    def rgba(self):
        """Redraw the dynamic artists over the background; return the (rows, cols, 4) pixels."""
        if self._background is None:
            self.freeze()
        self.canvas.restore_region(self._background)
        texts = []
        for artist in self._dynamic:
            if not artist.get_visible():
                continue
            if isinstance(artist, Text) and can_blit(artist):
                texts.append(artist)  # numbers go on top, from cached glyphs (see glyphs.py)
            else:
                self.fig.draw_artist(artist)
        pixels = np.asarray(self.canvas.buffer_rgba())  # (rows, cols, 4)
        for text in texts:
            if id(text) not in self._anchors:
                self._anchors[id(text)] = anchor(text, self.fig.dpi)
            blit_text(pixels, text, self.fig.dpi, self._anchors[id(text)])
        return pixels

    def png(self):
        """The current picture as PNG bytes (for ``ipywidgets.Image.value``)."""
        return encode_png(self.rgba())


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(rgba):
    """A minimal PNG of the RGB part of ``rgba`` (rows, cols, 4): no row filters, zlib level 1.

    The figure is opaque, so alpha carries nothing; and skipping the adaptive row filters that
    general encoders try halves the encoding time at about the same size for flat plot colours.
    """
    rows, cols = rgba.shape[:2]
    raw = np.empty((rows, 1 + 3 * cols), dtype=np.uint8)  # (rows, 1 + 3 cols): filter byte + RGB
    raw[:, 0] = 0
    src = rgba.reshape(rows, 4 * cols)  # (rows, 4 cols)
    for channel in range(3):  # three strided 2-D copies run ~4x faster than one (rows, cols, 3) copy
        raw[:, 1 + channel :: 3] = src[:, channel::4]
    header = struct.pack(">IIBBBBB", cols, rows, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, PNG_COMPRESS_LEVEL))
        + _chunk(b"IEND", b"")
    )
