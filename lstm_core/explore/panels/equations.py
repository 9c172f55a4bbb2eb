"""Each equation of one step with its numbers substituted, for an ``HTMLMath`` panel.

The terms come from ``lstm_core.lessons.l02_step.step_terms``; this module only formats them.
"""

from lstm_core.gates import GATES, GATE_NAMES
from .format import weight as num




def _sub(symbol, t, unit, H):
    return f"{symbol}_{{{t}}}" + (f"^{{[{unit + 1}]}}" if H > 1 else "")


def _signed_sum(terms):
    """Join ``[(sign, text), ...]`` as ``a + b - c``: a negative weight reads as a minus, not ``+ -2.50``."""
    out = ""
    for n, (negative, text) in enumerate(terms):
        if n == 0:
            out = ("-" if negative else "") + text
        else:
            out += (" - " if negative else " + ") + text
    return out


def _products(weights, values, dot=" \\cdot "):
    """``w·v`` terms with the weight's sign pulled out and a negative value in parentheses."""
    terms = []
    for w, v in zip(weights, values):
        shown = num(v)
        if float(v) < 0:
            shown = f"({shown})"
        terms.append((float(w) < 0, f"{num(abs(float(w)))}{dot}{shown}"))
    return terms


def _bias(b):
    return [(float(b) < 0, num(abs(float(b))))]


def step_equations(terms, unit=0, hidden_size=1):
    """LaTeX lines: every gate, then c_t and h_t, with this step's numbers. Step shown 1-based."""
    t = terms["t"] + 1
    H = hidden_size
    lines = []
    for k in GATES:
        term = terms[k]
        act = "\\sigma" if term["act"] == "σ" else "\\tanh"
        inside = _products(term["w_x"], terms["x"]) + _products(term["w_h"], terms["h_prev"]) + _bias(term["b"])
        lines.append(
            f"{_sub(k, t, unit, H)} = {act}\\left({_signed_sum(inside)}\\right) = {act}({num(term['z'])})"
            f" = {term['value']:.4f} \\quad \\text{{({GATE_NAMES[k]})}}"
        )
    c, h = terms["c"], terms["h"]
    lines.append(
        f"{_sub('c', t, unit, H)} = f \\cdot c_{{{t - 1}}} + i \\cdot g = {c['f']:.4f} \\cdot {num(c['c_prev'])}"
        f" + {c['i']:.4f} \\cdot {c['g']:.4f} = {c['value']:.4f}"
    )
    lines.append(
        f"{_sub('h', t, unit, H)} = o \\cdot \\tanh(c_{{{t}}}) = {h['o']:.4f} \\cdot \\tanh({c['value']:.4f})"
        f" = {h['o']:.4f} \\cdot {h['tanh_c']:.4f} = {h['value']:.4f}"
    )
    return lines


def equations_html(terms, unit=0, hidden_size=1):
    """The lines as HTML for ``ipywidgets.HTMLMath`` (one displayed equation per line)."""
    body = "".join(f"<div style='margin:2px 0'>${line}$</div>" for line in step_equations(terms, unit, hidden_size))
    return f"<div class='lstm-equations' style='font-size:110%'>{body}</div>"


def step_equations_text(terms, unit=0, hidden_size=1):
    """The same equations as plain text, for ``print`` in a notebook (nbval compares it)."""
    t = terms["t"] + 1
    where = f"[{unit + 1}]" if hidden_size > 1 else ""
    lines = []
    for k in GATES:
        term = terms[k]
        inside = _products(term["w_x"], terms["x"], dot="·") + _products(term["w_h"], terms["h_prev"], dot="·")
        inside += _bias(term["b"])
        lines.append(f"{k}_{t}{where} = {term['act']}({_signed_sum(inside)}) = {term['act']}({num(term['z'])})"
                     f" = {term['value']:.4f}   ({GATE_NAMES[k]})")
    c, h = terms["c"], terms["h"]
    lines.append(f"c_{t}{where} = f·c_{t - 1} + i·g = {c['f']:.4f}·{num(c['c_prev'])} + {c['i']:.4f}·{c['g']:.4f}"
                 f" = {c['value']:.4f}")
    lines.append(f"h_{t}{where} = o·tanh(c_{t}) = {h['o']:.4f}·{h['tanh_c']:.4f} = {h['value']:.4f}")
    return "\n".join(lines)
