"""Lesson 02's questions: one step of the scalar seed by hand. Answers come from the math."""

from ..examples import scalar_example
from ..sequence import forward
from . import Question


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
