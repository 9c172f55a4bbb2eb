"""The terms of each equation at one step, for the lessons' live equations and quizzes.

Notation
--------
For gate k in GATES and hidden unit u at step t (0-based; the lessons print t + 1):
z_k[u] = W_x[k, u] · x_t + W_h[k, u] · h_{t-1} + b[k, u]
"""

from functools import lru_cache

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
    out["h"] = {"o": out["o"]["value"], "tanh_c": float(trace.tanh_c_all[t, seq, unit]), "value": float(step["h"][unit])}
    if H == 1 and "y" in step:
        out["y"] = {"w_y": params.W_y[:, 0].copy(), "b_y": params.b_y.copy(), "value": step["y"].copy()}
    return out


# What a shut gate does ------------------------------------------------------------------------------------------------

#: a bias this negative shuts a σ gate whatever the weighted inputs of the worked example add (σ(-20) ≈ 2e-9)
SHUT = -20.0


def with_bias(params, gate, value):
    """A copy of ``params`` with the bias of ``gate`` (one of GATES) set to ``value`` for every unit."""
    out = params.copy()
    out.gate(gate)[2][:] = value
    return out


def cell_with_forget_bias(forget_bias, params=None, xs=None):
    """``dict(c, written)`` of the worked example with b_f = ``forget_bias``: c_t and the write i_t g_t, (T,)
    each, for unit 0. With f near 0, c_t is close to the write: the cell stops accumulating, not growing."""
    if params is None:
        params, xs = scalar_example()
    trace = forward(with_bias(params, "f", forget_bias), xs)
    return {"c": trace.c[:, 0].copy(), "written": (trace.i * trace.g)[:, 0].copy(), "f": trace.f[:, 0].copy()}


def largest_cell_with_gate_shut(gate, params=None, xs=None):
    """max_t |c_t| of the worked example when ``gate`` (i, f or o) is shut by the bias SHUT."""
    if params is None:
        params, xs = scalar_example()
    return float(np.max(np.abs(forward(with_bias(params, gate, SHUT), xs).c)))


@lru_cache(maxsize=4)
def largest_prediction(draws=200, weight_scale=10.0, seed=0):
    """max |4 h_3| over ``draws`` random sets of gate weights N(0, weight_scale²) on the example's inputs."""
    params, xs = scalar_example()
    rng = np.random.default_rng(seed)
    best = 0.0
    for _ in range(draws):
        p = params.copy()
        p.W_x[:] = rng.normal(0.0, weight_scale, p.W_x.shape)
        p.W_h[:] = rng.normal(0.0, weight_scale, p.W_h.shape)
        p.b[:] = rng.normal(0.0, weight_scale, p.b.shape)
        best = max(best, float(np.abs(forward(p, xs).prediction[0])))
    return best


SHUT_FORGET = (
    "c stays near 0: a shut forget gate empties the cell",
    "c still rises, but each c_t is about that step's write i_t·g_t",
    "c grows as before: f only matters over long sequences",
)
IGNORE_X = ("the input gate i", "the forget gate f", "the output gate o")
REACH_4 = (
    "yes: large enough gate weights push h_3 past 1",
    "yes: with f = 1 the cell c grows past 1, and h with it",
    "no: h_3 = o·tanh(c_3) stays inside (−1, 1)",
)


def shut_forget_choice(forget_bias=-5.0):
    """Which of SHUT_FORGET the example's c does with b_f = ``forget_bias``, measured."""
    run, base = cell_with_forget_bias(forget_bias), cell_with_forget_bias(0.0)
    if np.max(np.abs(run["c"])) < 0.05:
        return SHUT_FORGET[0]
    if np.all(np.diff(run["c"]) > 0) and np.allclose(run["c"], run["written"], atol=0.05):
        return SHUT_FORGET[1]
    if np.allclose(run["c"], base["c"], rtol=0.1):
        return SHUT_FORGET[2]
    return None


def ignore_x_choice():
    """Which of IGNORE_X, shut, leaves the cell emptiest (it writes nothing of x_t into c), measured."""
    sizes = {choice: largest_cell_with_gate_shut(k) for choice, k in zip(IGNORE_X, "ifo")}
    return min(sizes, key=sizes.get)


# Questions ------------------------------------------------------------------------------------------------------------

def questions():
    params, xs = scalar_example()
    trace = forward(params, xs)
    W_xf, W_hf, b_f = params.gate("f")
    W_xi, _, b_i = params.gate("i")
    W_xg, _, b_g = params.gate("g")
    shut = cell_with_forget_bias(-5.0)
    f_shut = shut["f"][0]
    largest = largest_prediction()
    return [
        Question(
            key="f1",
            prompt=(f"At step 1, with x<sub>1</sub> = {xs[0]:g}, h<sub>0</sub> = 0 and W<sub>xf</sub> = "
                    f"{W_xf[0, 0]:g}, W<sub>hf</sub> = {W_hf[0, 0]:g}, b<sub>f</sub> = {b_f[0]:g}: what is the "
                    "forget gate f<sub>1</sub> = σ(W<sub>xf</sub> x<sub>1</sub> + W<sub>hf</sub> h<sub>0</sub> + "
                    "b<sub>f</sub>)? (4 decimals)"),
            answer=float(trace.f[0, 0]),
            hint="f_1 = σ(W_xf·x_1 + W_hf·h_0 + b_f); h_0 is 0, so only W_xf·x_1 + b_f is left inside σ.",
            explanation=f"σ({W_xf[0, 0] * xs[0] + b_f[0]:g}) = {trace.f[0, 0]:.4f}.",
        ),
        Question(
            key="c1",
            prompt=(f"The cell starts empty (c<sub>0</sub> = 0), and c<sub>1</sub> = f<sub>1</sub> c<sub>0</sub> + "
                    f"i<sub>1</sub> g<sub>1</sub> with i<sub>1</sub> = σ({W_xi[0, 0]:g}·x<sub>1</sub> + {b_i[0]:g}) "
                    f"and g<sub>1</sub> = tanh({W_xg[0, 0]:g}·x<sub>1</sub> + {b_g[0]:g}). What is c<sub>1</sub>? "
                    "(4 decimals)"),
            answer=float(trace.c[0, 0]),
            hint="c_0 = 0, so f_1·c_0 = 0 whatever f_1 is: only the written part i_1·g_1 is left.",
            explanation=f"i_1·g_1 = {trace.i[0, 0]:.4f} · {trace.g[0, 0]:.4f} = {trace.c[0, 0]:.4f}.",
        ),
        Question(
            key="shut_forget",
            prompt=("Predict before you drag: set b<sub>f</sub> = −5, so the forget gate is almost shut at every "
                    "step. What does the cell state c do over the three steps?"),
            answer=shut_forget_choice(),
            choices=SHUT_FORGET,
            kind="predict",
            feedback=(
                (SHUT_FORGET[0], "Shutting f throws away the <i>old</i> cell state, not the new write: i_t·g_t "
                                 "is still added at every step."),
                (SHUT_FORGET[2], "f multiplies c_{t−1}. Near 0 it drops almost all of the old cell, so the "
                                 "steps no longer add up."),
            ),
            hint="c_t = f_t·c_{t−1} + i_t·g_t. Which term does f ≈ 0 remove, and which one is left?",
            explanation=(f"f ≈ {f_shut:.2f}, so c_t ≈ i_t·g_t: c = " + " → ".join(f"{v:.2f}" for v in shut["c"])
                         + " against the writes " + " → ".join(f"{v:.2f}" for v in shut["written"])
                         + ". It rises because each step writes more (x grows), not because it keeps anything."),
        ),
        Question(
            key="ignore_x",
            prompt=("Which gate would you shut to make the cell ignore the inputs x<sub>t</sub>, i.e. write nothing "
                    "new into c?"),
            answer=ignore_x_choice(),
            choices=IGNORE_X,
            kind="predict",
            feedback=(
                (IGNORE_X[1], "Shutting f erases the old memory; the new input still comes in through i_t·g_t."),
                (IGNORE_X[2], "o only decides how much of c is shown as h; c itself still takes in i_t·g_t."),
            ),
            hint="Which gate multiplies the candidate g_t, the only term through which x_t enters c_t?",
            explanation=(f"With i shut, max |c_t| = {largest_cell_with_gate_shut('i'):.1e}; with f shut it is "
                         f"{largest_cell_with_gate_shut('f'):.2f}, with o shut "
                         f"{largest_cell_with_gate_shut('o'):.2f}."),
        ),
        Question(
            key="reach4",
            prompt=("The example predicts 4·h<sub>3</sub> with a hand-picked 4. Keep that 4: could some setting of "
                    "the 12 gate weights and biases make the prediction pass 4?"),
            answer=REACH_4[2] if largest < 4.0 else REACH_4[0],
            choices=REACH_4,
            kind="explain",
            feedback=(
                (REACH_4[0], "Larger weights push σ and tanh toward their limits, never past them: h = o·tanh(c) "
                             "stays inside (−1, 1)."),
                (REACH_4[1], "c can indeed grow past 1, but h sees it only through tanh(c), which stays below 1."),
            ),
            hint="h_3 = o_3·tanh(c_3). What are the ranges of σ and of tanh?",
            explanation=(f"|o| < 1 and |tanh(c)| < 1, so |4·h_3| < 4. Over 200 random draws of gate weights with "
                         f"standard deviation 10 the largest |4·h_3| was {largest:.4f}. Only the "
                         "readout can lift the prediction: that is why W_y is a slider."),
            tells=("cannot reach 4", "cannot pass 4", "can't reach 4", "never reach 4"),
        ),
    ]


def belt_terms(terms):
    """The conveyor belt's two terms of one step, from ``step_terms``: ``fc`` = f_t c_{t-1} (what is
    kept) and ``ig`` = i_t g_t (what is written); c_t = fc + ig."""
    c = terms["c"]
    return {"fc": c["f"] * c["c_prev"], "ig": c["i"] * c["g"]}
