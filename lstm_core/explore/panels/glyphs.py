"""Fast numbers on a blitted figure: text drawn from cached glyph bitmaps.

Why: a slider update changes dozens of printed numbers, and matplotlib lays out and
rasterises every Text from scratch (about 2-3 ms each here; mathtext far more). The glyphs of
a font at one size never change, so each character is rasterised once and later strings are
composed from those bitmaps with a few numpy slices.

Only plain one-line unrotated text takes this path; anything else (mathtext, several lines,
a rotation, a bbox) is left to matplotlib's own ``draw_artist``.
"""

import numpy as np
from matplotlib.backends.backend_agg import get_hinting_flag
from matplotlib.colors import to_rgba
from matplotlib.font_manager import findfont
from matplotlib.ft2font import FT2Font

_FONTS = {}


class GlyphFont:
    """The glyph bitmaps of one font file at one size and dpi, rendered on first use."""

    def __init__(self, path, size, dpi):
        self.font = FT2Font(path)
        self.font.set_size(size, dpi)
        self.glyphs = {}
        self.masks = {}
        # matplotlib 3.11 aligns a line with max(its own ink, the font's typographic ascender/descender)
        os2 = self.font.get_sfnt_table("OS/2")
        if os2:
            px_per_unit = size * dpi / 72.0 / self.font.units_per_EM
            ascent, descent = os2["sTypoAscender"] * px_per_unit, -os2["sTypoDescender"] * px_per_unit
        else:
            ascent, descent = self._measure("lp")
        self.line_ascent, self.line_descent = ascent, descent

    def _measure(self, text):
        self.font.set_text(text, 0.0, flags=get_hinting_flag())
        _, h = self.font.get_width_height()
        descent = self.font.get_descent() / 64.0
        return h / 64.0 - descent, descent

    def glyph(self, char):
        """``(alpha (h, w) float32, ink left of the pen, ink top above the baseline, advance,
        ink ascent, ink descent)`` of one character, rasterised once."""
        if char not in self.glyphs:
            self.font.set_text(char, 0.0, flags=get_hinting_flag())
            self.font.draw_glyphs_to_bitmap(antialiased=True)
            alpha = np.asarray(self.font.get_image(), dtype=np.float32) / 255.0  # (h, w)
            descent = self.font.get_descent() / 64.0
            ascent = self.font.get_width_height()[1] / 64.0 - descent
            left = self.font.get_bitmap_offset()[0] / 64.0
            advance = self.font.load_char(ord(char), flags=get_hinting_flag()).horiAdvance / 64.0
            self.glyphs[char] = (alpha, left, alpha.shape[0] - descent, advance, ascent, descent)
        return self.glyphs[char]

    def mask(self, text):
        """The alpha mask of a whole string: ``(alpha (h, w, 1), top, width, ink ascent, ink descent)``.

        The pen moves by each glyph's hinted advance, as FreeType lays a string out (digits carry no
        kerning); laying out with FreeType per string cost more than all the rest of a blit.
        """
        if text not in self.masks:
            parts, pen = [], 0.0
            for ch in text:
                alpha, left, top, advance, _, _ = self.glyph(ch)
                # FreeType's bitmap starts at floor(left) from the pen; rounding the sum would bias right
                parts.append((alpha, int(round(pen)) + int(np.floor(left)), top))
                pen += advance
            ink_ascent = max(self.glyph(ch)[4] for ch in text)
            ink_descent = max(self.glyph(ch)[5] for ch in text)
            top = max([p[2] for p in parts] + [0.0])
            bottom = max([p[0].shape[0] - p[2] for p in parts] + [0.0])
            h = int(np.ceil(top + bottom)) + 1
            w = max([c + a.shape[1] for a, c, _ in parts] + [1])
            mask = np.zeros((h, w), dtype=np.float32)
            for alpha, c, t in parts:
                r = int(round(top - t))
                mask[r : r + alpha.shape[0], c : c + alpha.shape[1]] += alpha[: h - r]
            if len(self.masks) > 4096:  # numbers change with every slider move: keep the cache bounded
                self.masks.clear()
            self.masks[text] = (np.minimum(mask, 1.0)[:, :, None], top, pen, ink_ascent, ink_descent)
        return self.masks[text]

    def width(self, text):
        return self.mask(text)[2]


def font_for(text_artist, dpi):
    prop = text_artist.get_fontproperties()
    key = (findfont(prop), prop.get_size_in_points(), dpi)
    if key not in _FONTS:
        _FONTS[key] = GlyphFont(*key)
    return _FONTS[key]


def can_blit(text_artist):
    """Plain, one-line, unrotated, unboxed text; everything else goes to matplotlib."""
    s = text_artist.get_text()
    return (
        "$" not in s and "\n" not in s and text_artist.get_rotation() == 0
        and text_artist.get_bbox_patch() is None and text_artist.get_usetex() is False
    )


def anchor(text_artist, dpi):
    """The font and display position of a text; fixed while the figure's layout is."""
    x, y = text_artist.get_transform().transform(text_artist.get_unitless_position())
    return font_for(text_artist, dpi), float(x), float(y)


def blit_text(buffer, text_artist, dpi, where=None):
    """Composite ``text_artist`` into ``buffer`` (rows, cols, 4 uint8, row 0 at the top).

    ``where`` is a cached ``anchor(...)``; without it the position is computed now.
    """
    s = text_artist.get_text()
    if not s or not text_artist.get_visible():
        return
    font, x, y = where or anchor(text_artist, dpi)
    width = font.width(s)
    x -= {"left": 0.0, "center": width / 2, "right": width}[text_artist.get_horizontalalignment()]
    mask, top, _, ink_ascent, ink_descent = font.mask(s)
    ascent = max(font.line_ascent, ink_ascent)
    descent = max(font.line_descent, ink_descent)
    va = text_artist.get_verticalalignment()
    baseline = {
        "baseline": y,
        "bottom": y + descent,
        "top": y - ascent,
        "center": y - (ascent + descent) / 2 + descent,
        "center_baseline": y - ascent / 2,
    }[va]
    rows, cols = buffer.shape[:2]
    opacity = 1.0 if text_artist.get_alpha() is None else text_artist.get_alpha()
    keep, ink = _paint(font, s, text_artist.get_color(), opacity)  # (h, w, 1), (h, w, 3)
    h, w = mask.shape[:2]
    r0 = int(round(rows - (baseline + top))) + 1  # display y counts up from the bottom; +1 as Agg does
    c0 = int(round(x))
    rr0, cc0, rr1, cc1 = max(r0, 0), max(c0, 0), min(r0 + h, rows), min(c0 + w, cols)
    if rr0 >= rr1 or cc0 >= cc1:
        return
    rows_in, cols_in = slice(rr0 - r0, rr1 - r0), slice(cc0 - c0, cc1 - c0)
    region = buffer[rr0:rr1, cc0:cc1, :3]
    region[...] = region * keep[rows_in, cols_in] + ink[rows_in, cols_in]


_PAINT = {}


def _paint(font, text, colour, opacity):
    """``(1 - a, colour·a + ½)`` of a string in one colour: the blend is then one multiply-add.

    Cached, because most numbers on a figure keep their text and colour between two updates.
    """
    key = (id(font), text, str(colour), opacity)
    if key not in _PAINT:
        if len(_PAINT) > 4096:
            _PAINT.clear()
        a = font.mask(text)[0] * opacity  # (h, w, 1)
        rgb = np.array(to_rgba(colour)[:3], dtype=np.float32) * 255  # (3,)
        _PAINT[key] = (1.0 - a, rgb * a + 0.5)
    return _PAINT[key]
