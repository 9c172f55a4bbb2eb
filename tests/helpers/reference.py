"""Hand-written references for the tests, independent of lstm_core: σ, and one LSTM step with its variants.

Written from the equations (README's notation), not from lstm_core's code, so that a test comparing against
them checks lstm_core rather than repeating it.
"""

import math

import numpy as np


def sig(z):
    """σ(z) = 1 / (1 + e^(-z)) of one number (the worked examples' formula)."""
    return 1.0 / (1.0 + math.exp(-z))


def sig_array(z):
    """σ elementwise over an array."""
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def lstm_step(W_x, W_h, b, x, h_prev, c_prev, variant="vanilla"):
    """One step for one sequence, unit by unit with Python floats: returns dict i, f, g, o, c, h (lists).

    Gate blocks stacked i, f, g, o in W_x (4H, D), W_h (4H, H), b (4H,).
    """
    H = len(h_prev)
    z = [sum(W_x[r][d] * x[d] for d in range(len(x))) + sum(W_h[r][k] * h_prev[k] for k in range(H)) + b[r]
         for r in range(4 * H)]
    i = [sig(z[u]) for u in range(H)]
    f = [sig(z[H + u]) for u in range(H)]
    g = [math.tanh(z[2 * H + u]) for u in range(H)]
    o = [sig(z[3 * H + u]) for u in range(H)]
    if variant == "no_forget_gate":
        f = [1.0] * H
    if variant == "no_input_gate":
        i = [1.0] * H
    if variant == "no_output_gate":
        o = [1.0] * H
    if variant == "coupled_input_forget":
        i = [1.0 - fu for fu in f]
    c = [f[u] * c_prev[u] + i[u] * g[u] for u in range(H)]
    if variant == "no_output_tanh":
        h = [o[u] * c[u] for u in range(H)]
    else:
        h = [o[u] * math.tanh(c[u]) for u in range(H)]
    return {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}


#: what a Trace records per step, written out here (not imported from lstm_core, whose GATES/QUANTITIES the tests check)
QUANTITIES = ("i", "f", "g", "c", "o", "h")
