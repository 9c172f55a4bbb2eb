"""The terms of each equation at one step, for the lessons' live equations and quizzes.

Notation
--------
For gate k in GATES and hidden unit u at step t (0-based; the lessons print t + 1):
z_k[u] = W_x[k, u] · x_t + W_h[k, u] · h_{t-1} + b[k, u]
"""

import numpy as np

from ..examples import scalar_example
from ..gates import GATES, SIGMOID_GATES
from ..sequence import forward
from .questions import Question


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
    out["h"] = {"o": out["o"]["value"], "tanh_c": float(trace.tanh_c[t, seq, unit]), "value": float(step["h"][unit])}
    if H == 1 and "y" in step:
        out["y"] = {"w_y": params.W_y[:, 0].copy(), "b_y": params.b_y.copy(), "value": step["y"].copy()}
    return out


# Questions ------------------------------------------------------------------------------------------------------------

def questions():
    params, xs = scalar_example()
    trace = forward(params, xs)
    W_xf, W_hf, b_f = params.gate("f")
    doubled = params.copy()
    doubled.W_y[0, 0] = 5.0
    return [
        Question(
            key="f1",
            prompt=(f"At step 1, with x<sub>1</sub> = {xs[0]:g}, h<sub>0</sub> = 0 and W<sub>xf</sub> = "
                    f"{W_xf[0, 0]:g}, W<sub>hf</sub> = {W_hf[0, 0]:g}, b<sub>f</sub> = {b_f[0]:g}: what is the "
                    "forget gate f<sub>1</sub>? (4 decimals)"),
            answer=float(trace.f[0, 0]),
            hint="f_1 = σ(W_xf·x_1 + W_hf·h_0 + b_f); h_0 is 0, so only W_xf·x_1 + b_f is left inside σ.",
            explanation=f"σ({W_xf[0, 0] * xs[0] + b_f[0]:g}) = {trace.f[0, 0]:.4f}.",
        ),
        Question(
            key="c1",
            prompt="The cell starts empty (c<sub>0</sub> = 0). What is c<sub>1</sub>? (4 decimals)",
            answer=float(trace.c[0, 0]),
            hint="c_1 = f_1·c_0 + i_1·g_1, and c_0 = 0: only the written part i_1·g_1 is left.",
            explanation=f"i_1·g_1 = {trace.i[0, 0]:.4f} · {trace.g[0, 0]:.4f} = {trace.c[0, 0]:.4f}.",
        ),
        Question(
            key="readout5",
            prompt="The seed predicts 4·h<sub>3</sub>. What would it predict with W<sub>y</sub> = 5 instead? (4 decimals)",
            answer=float(forward(doubled, xs).prediction[0]),
            hint="The readout is y = W_y·h_3; h_3 does not depend on W_y.",
            explanation=f"5 · {trace.h[-1, 0]:.4f} = {5 * trace.h[-1, 0]:.4f}.",
        ),
    ]


def belt_terms(terms):
    """The conveyor belt's two terms of one step, from ``step_terms``: ``fc`` = f_t c_{t-1} (what is
    kept) and ``ig`` = i_t g_t (what is written); c_t = fc + ig."""
    c = terms["c"]
    return {"fc": c["f"] * c["c_prev"], "ig": c["i"] * c["g"]}
