"""The seeds' printouts, made from a Trace: the CLI and lessons 02 and 03 print these."""

from .examples import EXPECTED_NEXT

# The seeds' words for each quantity, in the order they printed them.
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
    """The scalar seed's table (4 decimals per value) and its ``Predicted Next Value``."""
    lines = []
    for t in range(trace.T):
        step = trace.at(t)
        lines.append(f"Time Step {t + 1}:")
        lines += [f"  {label}: {step[k][0]:.4f}" for k, label in SCALAR_LABELS.items()]
        lines.append("")
    lines.append(f"Predicted Next Value: {trace.prediction[0]:.4f}")
    return "\n".join(lines)


def vector_details(trace):
    """The vector seed's step details (numpy's 8 digits) and its ``Final Prediction`` line."""
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
