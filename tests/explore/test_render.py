"""The render layer the explorers draw with: the PNG encoder, BlitFigure's frozen background, and the
numbers composited from cached glyph bitmaps (glyphs.blit_text) compared with matplotlib's own text."""

import io

import numpy as np
import pytest

pytest.importorskip("matplotlib")
Image = pytest.importorskip("PIL.Image")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lstm_core.explore.panels import glyphs, render  # noqa: E402
from lstm_core.explore.panels.glyphs import blit_text, can_blit  # noqa: E402
from lstm_core.explore.panels.render import BlitFigure, encode_png  # noqa: E402


def decode(png):
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image


# --------------------------------------------------------------------------- encode_png
@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (7, 13), (33, 40), (64, 129), (5, 251), (336, 960)])
def test_encode_png_decodes_to_the_rgb_of_the_input(shape):
    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    rgba = rng.integers(0, 256, size=shape + (4,), dtype=np.uint8)  # random alpha too: it must be dropped
    png = encode_png(rgba)
    image = decode(png)
    assert image.mode == "RGB" and image.size == (shape[1], shape[0])
    np.testing.assert_array_equal(np.asarray(image), rgba[..., :3])
    decode(png).verify()  # chunk CRCs and the stream end


def test_encode_png_takes_a_non_contiguous_view_and_the_canvas_buffer():
    rng = np.random.default_rng(5)
    big = rng.integers(0, 256, size=(20, 31, 4), dtype=np.uint8)
    view = big[3:17:2, 1::3]  # (7, 10, 4), strided both ways
    np.testing.assert_array_equal(np.asarray(decode(encode_png(view))), view[..., :3])
    fig = Figure(figsize=(1.3, 0.7), dpi=50)  # 65 x 35 pixels: odd both ways
    canvas = FigureCanvasAgg(fig)
    fig.add_axes((0.1, 0.1, 0.8, 0.8)).plot([0, 1], [1, 0])
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    assert pixels.shape == (35, 65, 4)
    np.testing.assert_array_equal(np.asarray(decode(encode_png(pixels))), pixels[..., :3])


def test_encode_png_differs_when_a_pixel_differs():
    rgba = np.full((9, 11, 4), 255, dtype=np.uint8)
    other = rgba.copy()
    other[4, 7, 1] = 254
    assert encode_png(rgba) != encode_png(other)
    assert encode_png(rgba) == encode_png(rgba.copy())


# --------------------------------------------------------------------------- BlitFigure
def blit_figure():
    """Axes with fixed limits, ticks, a title and a static line; one dynamic horizontal line."""
    bf = BlitFigure(figsize=(4, 3), dpi=80)  # 320 x 240 px
    ax = bf.fig.add_axes((0.15, 0.15, 0.8, 0.75))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("static title")
    ax.plot([0, 1], [0.5, 0.5], color="green", lw=1)
    (line,) = ax.plot([0.1, 0.9], [0.2, 0.2], color="red", lw=3)  # clear of the spines
    bf.dynamic(line)
    return bf, ax, line


def rows_of(ax, y, fig):
    """Display rows (row 0 at the top) of data height y in ax."""
    _, y_display = ax.transData.transform((0.5, y))
    return int(round(fig.bbox.height - y_display))


def test_blit_figure_redraws_only_the_dynamic_artist():
    bf, ax, line = blit_figure()
    bf.freeze()
    first = np.asarray(decode(bf.png())).copy()
    line.set_ydata([0.8, 0.8])
    second_png = bf.png()
    second = np.asarray(decode(second_png)).copy()
    assert (first != second).any()
    r_low, r_high = rows_of(ax, 0.2, bf.fig), rows_of(ax, 0.8, bf.fig)
    changed_rows = np.nonzero((first != second).any(axis=(1, 2)))[0]
    # only the rows around the old and the new line position changed (the line is 3 pt = 3.3 px wide)
    assert set(changed_rows) <= set(range(r_high - 4, r_high + 5)) | set(range(r_low - 4, r_low + 5))
    assert {r_low, r_high} <= set(changed_rows)
    # the static part away from the line (title, ticks, the other line) is identical in both frames
    static = np.ones(first.shape[0], bool)
    static[r_high - 4 : r_high + 5] = static[r_low - 4 : r_low + 5] = False
    np.testing.assert_array_equal(first[static], second[static])
    # the red line is where it was moved to: red pixels on its new row, none left on its old row
    red = lambda img, r: ((img[r, :, 0] > 200) & (img[r, :, 1] < 60)).sum()  # noqa: E731
    assert red(second, r_high) > 100 and red(second, r_low) == 0
    assert red(first, r_low) > 100 and red(first, r_high) == 0
    # and moving it back gives the first frame again, bit for bit
    line.set_ydata([0.2, 0.2])
    np.testing.assert_array_equal(np.asarray(decode(bf.png())), first)


def test_blit_figure_reuses_the_background(monkeypatch):
    """After freeze, a frame neither redraws the figure nor the static artists."""
    bf, ax, line = blit_figure()
    bf.freeze()
    calls = {"canvas": 0, "static": 0}
    static_line = ax.lines[0]
    original_draw = static_line.draw
    monkeypatch.setattr(bf.canvas, "draw", lambda *a, **k: calls.__setitem__("canvas", calls["canvas"] + 1))

    def counting_draw(renderer):
        calls["static"] += 1
        return original_draw(renderer)

    monkeypatch.setattr(static_line, "draw", counting_draw)
    for y in (0.3, 0.6, 0.9):
        line.set_ydata([y, y])
        bf.png()
    assert calls == {"canvas": 0, "static": 0}


def test_blit_frame_equals_a_full_matplotlib_draw():
    """The blitted frame is what matplotlib draws for the whole figure with the same artists (the dynamic
    line stays clear of the spines, which a full draw paints after it and the blit before it)."""
    bf, ax, line = blit_figure()
    bf.freeze()
    line.set_ydata([0.65, 0.65])
    blitted = bf.rgba().copy()
    full = Figure(figsize=(4, 3), dpi=80)
    canvas = FigureCanvasAgg(full)
    ax2 = full.add_axes((0.15, 0.15, 0.8, 0.75))
    ax2.set_xlim(0, 1)
    ax2.set_ylim(0, 1)
    ax2.set_title("static title")
    ax2.plot([0, 1], [0.5, 0.5], color="green", lw=1)
    ax2.plot([0.1, 0.9], [0.65, 0.65], color="red", lw=3)
    canvas.draw()
    np.testing.assert_array_equal(blitted, np.asarray(canvas.buffer_rgba()))


# --------------------------------------------------------------------------- glyphs.blit_text
def two_renderings(text, ha, va, x, y, size=10.5, dpi=80):
    """(background, matplotlib's drawing, blit_text's drawing) of ``text`` at figure fraction (x, y)."""
    fig = Figure(figsize=(4.5, 1.2), dpi=dpi)  # 360 x 96 px: room for every string at every alignment
    canvas = FigureCanvasAgg(fig)
    artist = fig.text(x, y, text, ha=ha, va=va, fontsize=size, color="black")
    artist.set_visible(False)
    canvas.draw()
    background = np.asarray(canvas.buffer_rgba()).copy()
    artist.set_visible(True)
    canvas.draw()
    reference = np.asarray(canvas.buffer_rgba()).copy()
    composed = background.copy()
    blit_text(composed, artist, dpi)
    return background, reference, composed


def ink(rgba):
    """Coverage in [0, 1] of black text on white: 0 = paper, 1 = full ink."""
    return 1.0 - rgba[..., :3].astype(np.float64).mean(axis=-1) / 255.0


def ink_box(coverage):
    rows = np.nonzero(coverage.max(axis=1) > 0)[0]
    cols = np.nonzero(coverage.max(axis=0) > 0)[0]
    return np.array([rows[0], rows[-1], cols[0], cols[-1]])


STRINGS = ["0.6457", "-0.1234", "step t = 3", "[0.2091, -0.0952]"]
POSITIONS = [(0.5, 0.5), (0.503, 0.497), (0.4271, 0.6133)]  # on whole pixels and between them


@pytest.mark.parametrize("ha", ["left", "center", "right"])
@pytest.mark.parametrize("va", ["baseline", "center", "top", "bottom"])
def test_blit_text_lands_where_matplotlib_draws(ha, va):
    for text in STRINGS:
        for x, y in POSITIONS:
            background, reference, composed = two_renderings(text, ha, va, x, y)
            assert (background == 255).all()  # white paper, so ink() is the text's coverage
            a, b = ink(reference), ink(composed)
            box_a, box_b = ink_box(a), ink_box(b)
            assert np.abs(box_a - box_b).max() <= 2, (text, x, y, box_a, box_b)
            # The same amount of ink. A pixel's value is the area of it the glyph covers (a box filter),
            # so moving a glyph moves ink between pixels without creating any; only the rounding of each
            # partly covered pixel to 1/255 can change the sum, by at most 1/255 per such pixel.
            partial = ((a > 0) & (a < 1)).sum() + ((b > 0) & (b < 1)).sum()
            assert abs(a.sum() - b.sum()) <= partial / 255, (text, x, y)
            # The mean absolute difference over the text's box, with a threshold from the same box filter:
            # shifting a glyph by a fraction s of a pixel along x changes each pixel by s times the
            # difference to its neighbour, so the summed change is s * G_x, with G_x the sum of
            # |horizontal neighbour differences| (likewise along y). matplotlib places each glyph at its
            # exact subpixel position; blit_text snaps the string's anchor to a whole pixel (up to 1/2 px
            # off) and each glyph's pen position too (another 1/2 px), so a correct blit is at most 1 px
            # off along each axis: mean |a - b| <= (G_x + G_y) / (pixels in the box). A missing or
            # doubled string gives about twice that; a placement 2 px or more off fails the box check.
            r0, r1 = min(box_a[0], box_b[0]), max(box_a[1], box_b[1]) + 1
            c0, c1 = min(box_a[2], box_b[2]), max(box_a[3], box_b[3]) + 1
            region_a, region_b = a[r0 - 1 : r1 + 1, c0 - 1 : c1 + 1], b[r0 - 1 : r1 + 1, c0 - 1 : c1 + 1]
            g_x = np.abs(np.diff(region_a, axis=1)).sum()
            g_y = np.abs(np.diff(region_a, axis=0)).sum()
            assert np.abs(region_a - region_b).mean() <= (g_x + g_y) / region_a.size, (text, x, y)


def centroid_offsets(ha, va):
    """blit_text's ink centroid minus matplotlib's, (rows, cols), over strings and subpixel positions."""
    offsets = []
    for text in STRINGS + ["1", "Hg"]:
        for x, y in POSITIONS + [(0.3311, 0.3123), (0.6187, 0.5511)]:
            _, reference, composed = two_renderings(text, ha, va, x, y)
            a, b = ink(reference), ink(composed)
            r, c = np.indices(a.shape)
            offsets.append(((r * b).sum() / b.sum() - (r * a).sum() / a.sum(),
                            (c * b).sum() / b.sum() - (c * a).sum() / a.sum()))
    return np.array(offsets)


def test_blit_text_is_not_biased_horizontally():
    # Snapping to whole pixels errs by up to 1/2 px either way, evenly: on average over many subpixel
    # positions an unbiased placement is off by about 0 (measured with the fix: 0.03 px).
    offsets = centroid_offsets("left", "baseline")
    assert abs(offsets[:, 1].mean()) <= 0.25


def test_blit_text_is_not_biased_vertically_for_top_alignment():
    offsets = centroid_offsets("left", "top")
    assert abs(offsets[:, 0].mean()) <= 0.25


def test_blit_text_uses_the_colour_and_alpha():
    fig = Figure(figsize=(2, 1), dpi=80)
    canvas = FigureCanvasAgg(fig)
    artist = fig.text(0.5, 0.5, "8", ha="center", va="center", fontsize=20, color="#0072B2")
    canvas.draw()
    reference = np.asarray(canvas.buffer_rgba()).copy()
    composed = np.full_like(reference, 255)
    blit_text(composed, artist, 80)
    darkest = composed[..., :3].reshape(-1, 3)[ink(composed).argmax()]
    np.testing.assert_allclose(darkest, [0x00, 0x72, 0xB2], atol=2)  # fully covered pixels: the colour itself
    faint = np.full_like(reference, 255)
    artist.set_alpha(0.5)
    blit_text(faint, artist, 80)
    assert ink(faint).max() == pytest.approx(ink(composed).max() / 2, abs=0.02)
    empty = np.full_like(reference, 255)
    artist.set_text("")
    blit_text(empty, artist, 80)
    assert (empty == 255).all()


# --------------------------------------------------------------------------- what matplotlib still draws
def test_can_blit_only_plain_one_line_unrotated_text():
    fig = Figure()
    assert can_blit(fig.text(0, 0, "0.6457"))
    assert can_blit(fig.text(0, 0, "step t = 3"))
    assert not can_blit(fig.text(0, 0, "$c_t$ = 1"))  # mathtext
    assert not can_blit(fig.text(0, 0, "$x^2$"))
    assert not can_blit(fig.text(0, 0, "two\nlines"))
    assert not can_blit(fig.text(0, 0, "turned", rotation=30))
    assert not can_blit(fig.text(0, 0, "upright", rotation=90))
    assert not can_blit(fig.text(0, 0, "boxed", bbox=dict(facecolor="white")))


@pytest.mark.parametrize("first, second, extra", [
    ("$x^2$", "$y_3$", {}),
    ("one\nline", "two\nlines", {}),
    ("turned", "spun", {"rotation": 30}),
    ("0.5", "0.7", {"bbox": dict(facecolor="#eeeeee")}),
])
def test_blit_figure_draws_other_text_with_matplotlib(monkeypatch, first, second, extra):
    bf = BlitFigure(figsize=(3, 2), dpi=80)
    ax = bf.fig.add_axes((0.1, 0.1, 0.8, 0.8))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    text = bf.dynamic(ax.text(0.5, 0.5, first, ha="center", va="center", fontsize=12, **extra))
    assert not can_blit(text)
    blitted = []
    monkeypatch.setattr(render, "blit_text", lambda *a, **k: blitted.append(a))
    bf.freeze()
    one = bf.png()
    text.set_text(second)
    two = bf.png()
    assert one != two
    assert blitted == []  # never composed from glyph bitmaps: matplotlib drew it
    # and what it drew is matplotlib's own drawing of the whole figure
    text.set_animated(False)
    bf.canvas.draw()
    np.testing.assert_array_equal(np.asarray(decode(two)), np.asarray(bf.canvas.buffer_rgba())[..., :3])


def test_blit_figure_composes_plain_text_from_glyphs(monkeypatch):
    bf = BlitFigure(figsize=(3, 2), dpi=80)
    ax = bf.fig.add_axes((0.1, 0.1, 0.8, 0.8))
    text = bf.dynamic(ax.text(0.5, 0.5, "0.6457", ha="center", va="center"))
    bf.freeze()
    calls = []
    original = render.blit_text
    monkeypatch.setattr(render, "blit_text", lambda *a, **k: calls.append(a[1]) or original(*a, **k))
    one = bf.png()
    text.set_text("0.6458")
    two = bf.png()
    assert one != two and calls == [text, text]
    text.set_visible(False)
    assert bf.png() != two and calls == [text, text]  # hidden: not drawn at all
    # the glyphs come from the text's own font file and size (what matplotlib would draw), cached once
    from matplotlib.font_manager import findfont

    font = glyphs.font_for(text, 80)
    assert font.font.fname == findfont(text.get_fontproperties())
    assert glyphs.font_for(text, 80) is font

