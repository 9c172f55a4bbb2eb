"""The terms of each equation at one step, for the lessons' live equations and quizzes.

Notation
--------
For gate k in GATES and hidden unit u at step t (0-based; the lessons print t + 1):
z_k[u] = W_x[k, u] · x_t + W_h[k, u] · h_{t-1} + b[k, u]
"""

import numpy as np

from .gates import GATES, SIGMOID_GATES


def step_terms(params, trace, t, unit=0, seq=0):
    """Every term of every equation of step ``t`` for hidden ``unit`` (and batch entry ``seq``).

    Returns ``{"x", "h_prev", "c_prev", gate: {"w_x", "w_h", "b", "z", "value", "act"}, ...,
    "c": {...}, "h": {...}}`` with plain floats and float arrays, so a renderer only formats.
    """
    step = trace.at(t)
    if trace.batched:
        step = {k: v[seq] for k, v in step.items()}
    H = params.hidden_size
    out = {"x": step["x"], "h_prev": step["h_prev"], "c_prev": step["c_prev"], "t": t}
    for k in GATES:
        W_x, W_h, b = params.gate(k)
        # the same order of additions as the forward pass, so z reproduces the trace exactly
        z = float(np.dot(W_x[unit], step["x"]) + np.dot(W_h[unit], step["h_prev"]) + b[unit])
        out[k] = {
            "w_x": W_x[unit].copy(),  # (D,)
            "w_h": W_h[unit].copy(),  # (H,)
            "b": float(b[unit]),
            "z": z,
            "act": "σ" if k in SIGMOID_GATES else "tanh",
            "value": float(step[k][unit]),
        }
    c = float(step["c"][unit])
    out["c"] = {"f": out["f"]["value"], "c_prev": float(step["c_prev"][unit]), "i": out["i"]["value"],
                "g": out["g"]["value"], "value": c}
    out["h"] = {"o": out["o"]["value"], "tanh_c": float(np.tanh(c)), "value": float(step["h"][unit])}
    if H == 1 and "y" in step:
        out["y"] = {"w_y": params.W_y[:, 0].copy(), "b_y": params.b_y.copy(), "value": step["y"].copy()}
    return out
