"""The two worked examples the suite grew out of (shared/seeds), as LSTMParams.

Only the worked examples' inputs live here; the numbers they printed are checked in the tests.
"""

import numpy as np

from .params import LSTMParams

SEQUENCE = (1, 2, 3)  # both worked examples read 1, 2, 3 and want 4 next
EXPECTED_NEXT = 4

# scalar_lstm_worked_example.txt: (W_x, W_h, b) per gate, H = D = 1
SCALAR_GATES = {
    "forget": (0.5, 0.1, 0),
    "input": (0.6, 0.2, 0),
    "cell": (0.7, 0.3, 0),
    "output": (0.8, 0.4, 0),
}
SCALAR_READOUT = 4.0  # the scalar worked example's hand-picked y = 4 h_T

# vector_lstm_worked_example.txt: (H, D+H) matrices over [x; h], H = 2, D = 1
VECTOR_CONCAT = {
    "Wf": [[0.7, 0.2, 0.3], [0.6, 0.3, 0.1]],
    "Wi": [[0.2, 0.4, 0.1], [0.1, 0.5, 0.2]],
    "Wc": [[0.5, 0.3, 0.2], [0.2, 0.4, 0.1]],
    "Wo": [[0.1, 0.5, 0.3], [0.2, 0.3, 0.4]],
    "bf": [[0.5], [0.4]],
    "bi": [[0.1], [0.2]],
    "bc": [[0.3], [0.1]],
    "bo": [[0.2], [0.1]],
    "Wy": [[0.6, 0.4]],
    "by": [[0.1]],
}


def scalar_example():
    """``(params, xs)`` of the scalar worked example, with its ``4 h_T`` as the readout W_y = 4, b_y = 0."""
    params = LSTMParams.from_gates(**SCALAR_GATES, W_y=SCALAR_READOUT, b_y=0.0)
    return params, np.array(SEQUENCE, dtype=np.float64)


def vector_example():
    """``(params, xs)`` of the vector worked example, readout included."""
    return LSTMParams.from_concat(**VECTOR_CONCAT), np.array(SEQUENCE, dtype=np.float64)


# The worked examples' printouts ----------------------------------------------------------------------------------------
# The worked examples' printouts, made from a Trace: the CLI and lessons 02 and 03 print these.

# The worked examples' words for each quantity, in the order they printed them.
SCALAR_LABELS = {
    "f": "Forget Gate",
    "i": "Input Gate",
    "g": "Candidate Cell",
    "c": "Cell State",
    "o": "Output Gate",
    "h": "Hidden State",
}
VECTOR_LABELS = {
    "f": "Forget gate",
    "i": "Input gate",
    "g": "Candidate cell state",
    "c": "Cell state",
    "o": "Output gate",
    "h": "Hidden state",
}


def scalar_table(trace):
    """The scalar worked example's table (4 decimals per value) and its ``Predicted Next Value``."""
    lines = []
    for t in range(trace.T):
        step = trace.at(t)
        lines.append(f"Time Step {t + 1}:")
        lines += [f"  {label}: {step[k][0]:.4f}" for k, label in SCALAR_LABELS.items()]
        lines.append("")
    lines.append(f"Predicted Next Value: {trace.prediction[0]:.4f}")
    return "\n".join(lines)


def vector_details(trace):
    """The vector worked example's step details (numpy's 8 digits) and its ``Final Prediction`` line."""
    lines = [f"Initial states: h0 = {trace.initial_h}, c0 = {trace.initial_c}", ""]
    for t in range(trace.T):
        step = trace.at(t)
        lines.append(f"Time Step {t + 1}, Input: {step['x'][0]:g}")
        lines += [f"  {label}: {step[k]}" for k, label in VECTOR_LABELS.items()]
        lines.append("")
    lines.append(prediction_line(trace.prediction[0]))
    return "\n".join(lines)


def prediction_line(prediction, expected=EXPECTED_NEXT):
    return f"Final Prediction: {prediction}, Expected Value: {expected}, Difference: {abs(prediction - expected)}"
