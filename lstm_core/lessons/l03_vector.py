"""Lesson 03's questions: the vector seed (H = 2). Answers come from the math."""

from ..examples import EXPECTED_NEXT, vector_example
from ..sequence import forward
from .questions import Question


# Questions ------------------------------------------------------------------------------------------------------------

def questions():
    params, xs = vector_example()
    trace = forward(params, xs)
    count = sum(a.size for a in params.arrays().values())
    f3 = trace.f[-1]
    larger = "unit 1" if f3[0] > f3[1] else "unit 2"
    return [
        Question(
            key="n_params",
            prompt=("How many numbers does the vector seed's network hold in all: W<sub>x</sub>, W<sub>h</sub>, b "
                    "and the readout W<sub>y</sub>, b<sub>y</sub>? (H = 2, D = 1)"),
            answer=float(count),
            tol=0.5,
            hint="W_x is (4H, D), W_h is (4H, H), b is (4H,), W_y is (1, H), b_y is (1,).",
            explanation=f"8 + 16 + 8 + 2 + 1 = {count}.",
        ),
        Question(
            key="forget_unit",
            prompt="At step 3, which unit keeps more of its old cell state (the larger forget gate f<sub>3</sub>)?",
            answer=larger,
            choices=("unit 1", "unit 2"),
            hint="Look at the f rows of the activation heatmap, column t=3.",
            explanation=f"f_3 = [{f3[0]:.4f}, {f3[1]:.4f}].",
        ),
        Question(
            key="prediction",
            prompt=(f"The seed wanted {EXPECTED_NEXT} after 1, 2, 3. What does it predict? (4 decimals)"),
            answer=float(trace.prediction[0]),
            hint="y = W_y h_3 + b_y, read off the prediction line under the plot.",
            explanation=(f"{trace.prediction[0]:.4f}: far from {EXPECTED_NEXT}, because nobody trained these "
                         "weights. Lesson 06 trains them."),
        ),
    ]
