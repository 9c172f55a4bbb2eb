"""The numbers an explorer shows on the page, recomputed with lstm_core from the slider values
read back from the same page.

One checker per explorer kind (the ``explore.<factory>()`` call that made it). A checker builds
LSTMParams itself from the readouts (not with the explorer's own helpers), runs
``lstm_core.forward``, and returns a list of problems (empty: every number agrees).
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from pathlib import Path

import numpy as np

from lstm_core import GATES, LSTMParams, forward
from .pages import ExplorerOnPage, close_to_shown

# the worked examples' step printouts (lstm_core/walkthrough.py prints these labels)
VECTOR_DETAIL_LABELS = {
    "Forget gate": "f",
    "Input gate": "i",
    "Candidate cell state": "g",
    "Cell state": "c",
    "Output gate": "o",
    "Hidden state": "h",
}
NUMBER_TOKEN = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _first_symbol(line: str) -> str:
    """'𝑓 1 [ 1 ] = ...' -> 'f' (MathJax's mathematical italic letters, folded)."""
    return unicodedata.normalize("NFKC", line.strip()[:1])


def check_equations(ex: ExplorerOnPage, trace, unit: int = 0) -> list[str]:
    """The equation panel of the shown step: each line's result is the trace's value there."""
    lines = ex.equation_lines()
    if lines is None:
        return []  # this explorer has no equation panel
    step = ex.step()
    t = (step[0] if step else 1) - 1
    problems, seen = [], []
    for line in lines:
        k = _first_symbol(line)
        tokens = NUMBER_TOKEN.findall(line)
        if k not in ("i", "f", "g", "o", "c", "h") or not tokens:
            continue
        seen.append(k)
        if int(tokens[0]) != t + 1:
            problems.append(f"equation {k}: step shown {tokens[0]}, step label says {t + 1}: {line}")
        exact = float(getattr(trace, k)[t, unit])
        if not close_to_shown(tokens[-1], exact):
            problems.append(f"equation {k}_{t + 1}: page {tokens[-1]}, lstm_core {exact:.6f}: {line}")
    if sorted(seen) != sorted(["i", "f", "g", "o", "c", "h"]):
        problems.append(f"equation panel shows lines for {seen}, expected i, f, g, o, c, h")
    return problems


# --- lesson 02: the scalar worked example ------------------------------------------------------------


def scalar_from_page(values: dict[str, float]):
    W_x = [[values[f"W_x{k}"]] for k in GATES]  # (4, 1), gate blocks in GATES order
    W_h = [[values[f"W_h{k}"]] for k in GATES]  # (4, 1)
    b = [values[f"b_{k}"] for k in GATES]  # (4,)
    T = len([name for name in values if re.fullmatch(r"x_\d+", name)])
    xs = np.array([values[f"x_{t}"] for t in range(1, T + 1)])  # (T,)
    params = LSTMParams(W_x=W_x, W_h=W_h, b=b, W_y=[[values["W_y"]]], b_y=[0.0])
    return params, xs


def check_scalar(ex: ExplorerOnPage) -> list[str]:
    params, xs = scalar_from_page(ex.values())
    trace = forward(params, xs)
    problems = []
    tables = ex.tables()
    if not tables:
        return ["no table of numbers next to the plot"]
    header, *rows = tables[0]
    symbols = [cell.split()[0] if cell.split() else "" for cell in header]
    if len(rows) != trace.T:
        problems.append(f"table has {len(rows)} rows, expected {trace.T}")
    for s, row in enumerate(rows[: trace.T]):
        for symbol, cell in zip(symbols, row):
            if symbol == "t":
                if int(cell) != s + 1:
                    problems.append(f"table row {s + 1}: t shown as {cell}")
                continue
            exact = float(trace.x[s, 0]) if symbol == "x_t" else float(getattr(trace, symbol)[s, 0])
            if not close_to_shown(cell, exact):
                problems.append(f"table {symbol} at t={s + 1}: page {cell}, lstm_core {exact:.6f}")
    match = re.search(r"Predicted Next Value:\s*(" + NUMBER_TOKEN.pattern + ")", ex.text())
    y = float(params.W_y[0, 0] * trace.h[-1, 0])  # y = W_y h_T (b_y = 0)
    if not match:
        problems.append("no 'Predicted Next Value' line")
    elif not close_to_shown(match[1], y) or not close_to_shown(match[1], float(trace.prediction[0])):
        problems.append(f"Predicted Next Value: page {match[1]}, lstm_core {y:.6f}")
    return problems + check_equations(ex, trace)


def scalar_example_values() -> dict[str, float]:
    from lstm_core.examples import scalar_example

    params, xs = scalar_example()
    values = {}
    for k in GATES:
        W_x, W_h, b = params.gate(k)
        values |= {f"W_x{k}": float(W_x[0, 0]), f"W_h{k}": float(W_h[0, 0]), f"b_{k}": float(b[0])}
    values |= {f"x_{t}": float(x) for t, x in enumerate(xs, start=1)}
    values["W_y"] = float(params.W_y[0, 0])
    return values


# --- lesson 03: the vector worked example ----------------------------------------------------------------


def vector_from_page(values: dict[str, float]):
    H = len([name for name in values if re.fullmatch(r"b_i\[\d+\]", name)])
    D = len([name for name in values if re.fullmatch(r"W_xi\[1,\d+\]", name)])
    W_x = [[values[f"W_x{k}[{u},{j}]"] for j in range(1, D + 1)] for k in GATES for u in range(1, H + 1)]  # (4H, D)
    W_h = [[values[f"W_h{k}[{u},{v}]"] for v in range(1, H + 1)] for k in GATES for u in range(1, H + 1)]  # (4H, H)
    b = [values[f"b_{k}[{u}]"] for k in GATES for u in range(1, H + 1)]  # (4H,)
    W_y = [[values[f"W_y[1,{u}]"] for u in range(1, H + 1)]]  # (1, H)
    T = len([name for name in values if re.fullmatch(r"x_\d+", name)])
    xs = np.array([[values[f"x_{t}"]] for t in range(1, T + 1)])  # (T, D)
    return LSTMParams(W_x=W_x, W_h=W_h, b=b, W_y=W_y, b_y=[values["b_y"]]), xs


def check_vector(ex: ExplorerOnPage) -> list[str]:
    params, xs = vector_from_page(ex.values())
    trace = forward(params, xs)
    text = ex.text()
    problems = []
    match = re.search(r"Final Prediction:\s*(" + NUMBER_TOKEN.pattern + ")", text)
    y = float((params.W_y @ trace.h[-1] + params.b_y)[0])  # y = W_y h_T + b_y
    if not match:
        problems.append("no 'Final Prediction' line")
    elif not close_to_shown(match[1], y):
        problems.append(f"Final Prediction: page {match[1]}, lstm_core {y!r}")
    # the step details: six labelled vectors per step, in the worked examples' order
    found = re.findall(r"(" + "|".join(VECTOR_DETAIL_LABELS) + r"): \[([^\]]*)\]", text)
    if len(found) != 6 * trace.T:
        problems.append(f"step details: {len(found)} labelled vectors, expected {6 * trace.T}")
    for n, (name, body) in enumerate(found[: 6 * trace.T]):
        t, k = n // 6, VECTOR_DETAIL_LABELS[name]
        shown = NUMBER_TOKEN.findall(body)
        exact = getattr(trace, k)[t]  # (H,)
        if len(shown) != len(exact) or not all(close_to_shown(s, float(e)) for s, e in zip(shown, exact)):
            problems.append(f"details {name} at t={t + 1}: page [{body}], lstm_core {exact}")
    return problems + check_equations(ex, trace, unit=0)  # the diagram/equations show unit 1 unless changed


def vector_example_values() -> dict[str, float]:
    from lstm_core.examples import vector_example

    params, xs = vector_example()
    H, D = params.hidden_size, params.input_size
    values = {}
    for k in GATES:
        W_x, W_h, b = params.gate(k)
        for u in range(H):
            values |= {f"W_x{k}[{u + 1},{j + 1}]": float(W_x[u, j]) for j in range(D)}
            values |= {f"W_h{k}[{u + 1},{v + 1}]": float(W_h[u, v]) for v in range(H)}
            values[f"b_{k}[{u + 1}]"] = float(b[u])
    values |= {f"x_{t}": float(x) for t, x in enumerate(np.ravel(xs), start=1)}
    values |= {f"W_y[1,{u + 1}]": float(params.W_y[0, u]) for u in range(H)}
    values["b_y"] = float(params.b_y[0])
    return values


# --- lesson 09: the sampler and the unit explorers -----------------------------------------------

def check_sampler(ex: ExplorerOnPage) -> list[str]:
    """The text under the picture is the prompt (read from the page's text box) and the plain path's sample
    at the page's τ."""
    from lstm_core.lessons import l09_text as lesson

    tau = ex.values()["τ"]
    prompt = ex.page.evaluate("i => __lstm.root(i).querySelector('.widget-text input').value", ex.i)
    drawn = lesson.sample(lesson.shipped_model(), prompt, tau, 240).text
    shown = ex.page.evaluate("i => { const p = __lstm.root(i).querySelector('pre'); return p ? p.innerText : null; }",
                             ex.i)
    if shown is None:
        return ["no sample under the picture"]
    return [] if shown == prompt + drawn else [f"τ = {tau}: page {shown[:60]!r}..., lstm_core {(prompt + drawn)[:60]!r}..."]


def check_unit(ex: ExplorerOnPage) -> list[str]:
    """The table beside the picture: the correlations (c, h) or gate means of the page's unit, from the
    held-out trace."""
    from lstm_core.lessons import l09_text as lesson

    unit = int(ex.values()["unit"]) - 1
    a = lesson.shipped_analysis()
    tables = ex.tables()
    if not tables:
        return ["no table beside the picture"]
    body = [row for row in tables[-1] if row]
    if any(row[0] == "f" for row in body):  # the gates' table
        kinds = np.array([lesson.char_kind(ch) for ch in a.held])
        expected = [[g] + [f"{np.mean(getattr(a.trace, g)[kinds == k, unit]):.2f}" for k in lesson.CHAR_KINDS]
                    for g in ("f", "i", "o")]
    else:
        expected = [[meaning] + [f"{lesson.correlation(getattr(a.trace, q)[:, unit], a.features[name]):+.2f}"
                                 for q in ("c", "h")] for name, meaning in lesson.FEATURES.items()]
    return [] if body[-len(expected):] == expected else [f"unit {unit + 1}: page {body}, lstm_core {expected}"]


# --- asking until the page has caught up ----------------------------------------------------------

#: how long the page's numbers may take to follow its sliders: the text panels follow the picture once no newer
#: value waits (explore/explorers/base.py); on a loaded machine the settle's 400 ms quiet can come between two
#: pictures of one burst of key presses (CI once compared lesson 09's text for τ = 1.05 with τ = 1.15).
#: A wrong number is still wrong after this long.
NUMBERS_FOLLOW_S = 15.0


def until_agreed(check, ex: ExplorerOnPage) -> list[str]:
    """``check(ex)`` (a list of problems), asked again after the page settles until it finds none or
    NUMBERS_FOLLOW_S have gone by: the last answer."""
    deadline = time.monotonic() + NUMBERS_FOLLOW_S
    while True:
        found = check(ex)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.5)
        ex.settle()


# --- registry -------------------------------------------------------------------------------------

# factory name (as called in the notebook) -> (numbers checker, the slider values at the lesson's defaults or None:
# the worked example's, for the two walkthroughs)
CHECKERS = {
    "scalar_walkthrough": (check_scalar, scalar_example_values),
    "vector_walkthrough": (check_vector, vector_example_values),
    "sampler": (check_sampler, lambda: {"τ": 1.0}),
    "cell_units": (check_unit, None),
    "gates_over_text": (check_unit, None),
}

EXPLORER_CALL = re.compile(r"\bexplore\.(\w+)\((.*?)\)", re.DOTALL)
NOT_EXPLORERS = {"quiz"}


def explorer_calls(path: Path) -> list[tuple[str, str]]:
    """(factory, arguments) of each ``explore.<factory>(...)`` in a notebook's code cells, in order."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    calls = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            calls += [(m[1], m[2].strip()) for m in EXPLORER_CALL.finditer(source) if m[1] not in NOT_EXPLORERS]
    return calls
