"""The cell diagram (lstm_core.explore.panels.diagram): labels from the gate constants, the printed
numbers, colours that follow the values, a fixed set of artists, and readable extremes."""

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from lstm_core import LSTMParams, forward  # noqa: E402
from lstm_core.examples import scalar_example, vector_example  # noqa: E402
from lstm_core.lessons.l02_step import step_terms  # noqa: E402
from lstm_core.gates import GATE_NAMES, GATES, SIGMOID_GATES  # noqa: E402
from lstm_core.explore.panels import diagram  # noqa: E402
from lstm_core.explore.panels.diagram import CellDiagram, fmt, fmt_vector  # noqa: E402
from lstm_core.explore.panels.render import text_color  # noqa: E402
from lstm_core.explore.panels.render import BlitFigure  # noqa: E402

LAYOUTS = {  # (figsize, rect): the diagram alone, and beside the plots of lesson 02
    "alone": ((7, 3.6), (0.0, 0.0, 1.0, 1.0)),
    "lesson02": ((12, 4.2), (0.0, 0.0, 0.55, 1.0)),
    "lesson03": ((12, 6.6), (0.45, 0.0, 0.55, 0.66)),
}


def make(layout="alone"):
    figsize, rect = LAYOUTS[layout]
    blit = BlitFigure(figsize=figsize)
    cell = CellDiagram(blit, rect=rect)
    blit.freeze()
    return blit, cell


@pytest.fixture(scope="module")
def scalar():
    params, xs = scalar_example()
    return params, forward(params, xs)


def extreme_trace(T=120, H=2):
    """All weights ±50 and inputs ±1000: every gate saturates, c grows to ±T (>= 100, the
    compact format), h_{t-1} is a vector. The g block is negative, so the widest strings show."""
    sign = np.ones(4 * H)
    gi = GATES.index("g")
    sign[gi * H : (gi + 1) * H] = -1.0
    params = LSTMParams(W_x=50.0 * sign[:, None], W_h=50.0 * np.outer(sign, np.ones(H)), b=50.0 * sign)
    xs = np.full(T, 1000.0)
    xs[0] = -1000.0  # (T,): step 1 shuts every σ gate, then they all open and c falls by 1 a step
    return params, forward(params, xs)


def window(artist, blit):
    return artist.get_window_extent(blit.canvas.get_renderer())


# ----------------------------------------------------------------------------- labels


def test_box_labels_come_from_the_gate_constants():
    blit, cell = make()
    static = [t for t in cell.ax.texts if not t.get_animated()]
    assert set(cell.labels) == set(cell.names) == set(GATES)
    for k in GATES:
        label, name, body = cell.labels[k], cell.names[k], window(cell.boxes[k], blit)
        assert label in static and name in static  # drawn once, in the background
        act = "σ" if k in SIGMOID_GATES else "tanh"
        assert label.get_text() == f"{act}  ${k}_t$"
        assert name.get_text() == GATE_NAMES[k]
        # where expected: both sit above this gate's coloured body, centred on it
        for text in (label, name):
            box = window(text, blit)
            assert body.x0 < (box.x0 + box.x1) / 2 < body.x1
            assert box.y0 > body.y1
        assert window(label, blit).y0 > window(name, blit).y1  # label over name
    # each name is printed exactly once, and no other static text claims a gate's label
    texts = [t.get_text() for t in static]
    for k in GATES:
        assert texts.count(GATE_NAMES[k]) == 1
        assert sum(f"${k}_t$" in s for s in texts) == 1
    # the activation in front matches SIGMOID_GATES, for every gate
    acts = {k: cell.labels[k].get_text().split()[0] for k in GATES}
    assert {k for k, a in acts.items() if a == "σ"} == set(SIGMOID_GATES)
    assert all(a == "tanh" for k, a in acts.items() if k not in SIGMOID_GATES)


def test_no_pyplot_and_no_tight_bbox():
    """Drawing the diagram loads no pyplot (no global figure manager, no backend switch), and the picture
    is the whole figure, figsize x dpi, not a tight box cropped around the ink."""
    import subprocess
    import sys

    code = ("import sys; from lstm_core.explore.panels.diagram import CellDiagram; "
            "from lstm_core.explore.panels.render import BlitFigure; b = BlitFigure(figsize=(6, 3)); "
            "CellDiagram(b); b.freeze(); b.png(); print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    for layout, (figsize, _) in LAYOUTS.items():
        blit, _cell = make(layout)
        png = blit.png()
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert (width, height) == (round(figsize[0] * blit.fig.dpi), round(figsize[1] * blit.fig.dpi)), layout


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("t", [0, 1, 2])
def test_printed_numbers_are_the_trace_values_to_4_decimals(scalar, t):
    params, trace = scalar
    blit, cell = make()
    cell.update(step_terms(params, trace, t))
    blit.png()
    step = trace.at(t)
    expected = {k: step[k][0] for k in GATES}
    expected.update(
        x=step["x"][0], h_prev=step["h_prev"][0], c_prev=step["c_prev"][0], c=step["c"][0], h=step["h"][0],
        tanh_c=np.tanh(step["c"][0]), fc=step["f"][0] * step["c_prev"][0], ig=step["i"][0] * step["g"][0],
    )
    for key, value in expected.items():
        assert cell.values[key].get_text() == f"{value:.4f}", key
    assert cell.values["t"].get_text() == str(t + 1)
    # the worked example's own digits, spelled out once: f_1 = σ(0.5) and c_1 = i_1 g_1
    if t == 0:
        assert cell.values["f"].get_text() == "0.6225" and cell.values["c"].get_text() == "0.3902"
        assert cell.prefixes["c"].get_text().strip() == "$c_t$ ="


def test_vector_unit_shows_h_prev_as_a_vector_and_its_own_cell_state():
    params, xs = vector_example()
    trace = forward(params, xs)
    blit, cell = make("lesson03")
    for unit in range(params.hidden_size):
        cell.update(step_terms(params, trace, 1, unit=unit))
        h_prev, c_prev = trace.h[0], trace.c[0]
        assert cell.values["h_prev"].get_text() == f"[{h_prev[0]:.4f}, {h_prev[1]:.4f}]"
        assert cell.values["c_prev"].get_text() == f"{c_prev[unit]:.4f}"
        assert cell.values["h"].get_text() == f"{trace.h[1, unit]:.4f}"
        visible = [line for line in cell._strands["h_prev"][3] if line.get_visible()]
        assert len(visible) == params.hidden_size  # one coloured strand per entry of h_{t-1}
    blit.png()


def test_number_formats():
    assert fmt(0.62245933) == "0.6225"
    assert fmt(-0.99999) == "-1.0000"
    assert fmt(99.5) == "99.5000"
    assert fmt(123.456) == "1.2e+02"
    assert fmt(-1000.0) == "-1.0e+03"
    assert fmt_vector(np.array([0.25635628])) == "0.2564"
    assert fmt_vector(np.array([0.1, -0.2])) == "[0.1000, -0.2000]"
    assert fmt_vector(np.array([0.1, 0.2, 0.3])) == "[0.1000, …]"


# ----------------------------------------------------------------------------- colours


def test_colours_and_picture_follow_the_step(scalar):
    params, trace = scalar
    blit, cell = make()
    cell.update(step_terms(params, trace, 0))
    f0, c0, png0 = cell.boxes["f"].get_facecolor(), cell.wires["c"].get_color(), blit.png()
    cell.update(step_terms(params, trace, 2))
    f2, c2, png2 = cell.boxes["f"].get_facecolor(), cell.wires["c"].get_color(), blit.png()
    assert not np.allclose(f0, f2)
    assert not np.allclose(np.asarray(c0, float), np.asarray(c2, float))
    assert png0 != png2
    cell.update(step_terms(params, trace, 0))
    assert np.allclose(cell.boxes["f"].get_facecolor(), f0)  # a fixed norm: same value, same colour
    assert blit.png() == png0


def contrast(a, b):
    """WCAG contrast ratio of two colours."""
    from matplotlib.colors import to_rgb

    def lum(c):
        lin = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in to_rgb(c)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_text_on_a_fill_contrasts_with_it():
    for v in np.linspace(0, 1, 41):
        for cmap in (diagram.CMAP, diagram.DIVERGING):  # σ gates, and the signed values
            fill = cmap(v)
            assert contrast(text_color(fill), fill) >= 4.5, (cmap.name, v)
    params, trace = extreme_trace(T=3)
    blit, cell = make()
    cell.update(step_terms(params, trace, 2))
    for k in GATES:  # saturated gates: dark and bright fills both get readable numbers
        assert contrast(cell.values[k].get_color(), cell.boxes[k].get_facecolor()) >= 4.5


# ----------------------------------------------------------------------------- performance design


def test_update_creates_no_artists(scalar):
    params, trace = scalar
    blit, cell = make()
    cell.update(step_terms(params, trace, 0))
    blit.png()
    before = (len(blit.fig.get_children()), len(cell.ax.get_children()), len(blit.fig.findobj()))
    for n in range(10):
        cell.update(step_terms(params, trace, n % 3))
        blit.png()
    after = (len(blit.fig.get_children()), len(cell.ax.get_children()), len(blit.fig.findobj()))
    assert after == before


def test_everything_that_changes_is_dynamic(scalar):
    params, trace = scalar
    blit, cell = make()
    changing = list(cell.boxes.values()) + list(cell.nodes.values()) + list(cell.wires.values())
    changing += list(cell.values.values())
    assert all(a.get_animated() for a in changing)
    assert not any(t.get_animated() for t in list(cell.labels.values()) + list(cell.names.values()))


# ----------------------------------------------------------------------------- extremes and layout


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_extreme_values_stay_readable_and_inside(layout):
    params, trace = extreme_trace()
    blit, cell = make(layout)
    for t in (0, 1, trace.T - 1):
        for unit in range(params.hidden_size):
            cell.update(step_terms(params, trace, t, unit=unit))  # -W error: no warning may escape
            blit.png()
            fig_box = blit.fig.bbox
            for text in cell.values.values():
                box = window(text, blit)
                assert fig_box.x0 <= box.x0 and box.x1 <= fig_box.x1, text.get_text()
                assert fig_box.y0 <= box.y0 and box.y1 <= fig_box.y1, text.get_text()
                ax_box = cell.ax.bbox  # and inside the diagram's own axes, off the neighbours' plots
                assert ax_box.x0 - 1 <= box.x0 and box.x1 <= ax_box.x1 + 1, text.get_text()
    # the compact format did its job: |c| and |x| >= 100 print as 1.2e+02, not 120.0000
    assert re.fullmatch(r"-?1\.\de\+02", cell.values["c"].get_text())
    assert re.fullmatch(r"-?1\.0e\+03", cell.values["x"].get_text())


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_labels_do_not_overlap(layout, scalar):
    """The widest strings the diagram prints (c = -1.2e+02, a vector h_{t-1}) and the scalar worked example."""
    cases = [extreme_trace(), (scalar[0], scalar[1])]
    for params, trace in cases:
        blit, cell = make(layout)
        cell.update(step_terms(params, trace, trace.T - 1))
        blit.png()
        texts = [t for t in cell.ax.texts if t.get_text()]
        boxes = [window(t, blit) for t in texts]
        for (a, A), (b, B) in itertools.combinations(zip(texts, boxes), 2):
            overlap_x = min(A.x1, B.x1) - max(A.x0, B.x0)
            overlap_y = min(A.y1, B.y1) - max(A.y0, B.y0)
            assert overlap_x <= 0 or overlap_y <= 0, (a.get_text(), b.get_text())
        # the numbers on the wires keep clear of the nodes and gate boxes
        on_fill = {id(t) for t in list(cell.labels.values()) + list(cell.names.values())}
        on_fill |= {id(cell.values[k]) for k in GATES}
        shapes = [window(p, blit) for p in cell.ax.patches if p.get_animated()]
        for text, box in zip(texts, boxes):
            if id(text) in on_fill or text.get_text() == "tanh":
                continue
            for shape in shapes:
                assert not box.overlaps(shape), text.get_text()
